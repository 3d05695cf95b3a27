/*
 * Fuzzes the capture frame decoder behind `mcwatch send --replay` with
 * arbitrary records: the first byte picks a link type, the rest is the
 * frame. Invariants: a decoded datagram's payload lies inside the frame,
 * its addresses are of one family, and every result is one of the kinds.
 */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>

#include "mcwatch/ipframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {DLT_NULL, DLT_EN10MB,    DLT_RAW,
                           DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2,
                           DLT_IPV4, DLT_IPV6,      DLT_IEEE802_11};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_frame_udp u;
  const uint8_t *f;
  uint32_t n;
  int dlt, r;

  if (size < 1 || size > 70000)
    return 0;
  dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
  f = data + 1;
  n = (uint32_t)(size - 1);
  r = mcw_ipframe_decode(dlt, f, n, &u);
  if (r < 0)
    return mcw_ipframe_dlt_known(dlt) ? (abort(), 0) : 0;
  if (!mcw_ipframe_dlt_known(dlt) || r > MCW_FRAME_TRUNCATED)
    abort();
  if (r != MCW_FRAME_UDP)
    return 0;
  if (u.payload < f || u.payload + u.len > f + n)
    abort(); /* payload outside the frame */
  if (u.src.family != u.dst.family ||
      (u.src.family != AF_INET && u.src.family != AF_INET6))
    abort();
  return 0;
}
