/*
 * Fuzzes the RTP header parser. Invariant: a parsed payload lies inside
 * the datagram.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mcwatch/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_rtp r;
  size_t lens[2] = {size, size + 1000};

  for (int i = 0; i < 2; i++) {
    if (mcw_rtp_parse(data, size, lens[i], &r) != 0)
      continue;
    if (r.payload_off > lens[i] || r.payload_len > lens[i] - r.payload_off)
      abort(); /* payload outside the datagram */
    (void)mcw_rtp_clock_rate(r.pt);
  }
  return 0;
}
