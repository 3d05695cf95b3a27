/*
 * Fuzzes TR 101 290 and the PSI/SI reader (PAT, CAT, PMT, SDT sections
 * across packets) with arbitrary 188-byte packets: each input byte pair
 * before a packet says how many milliseconds passed. Invariants: no check
 * counts more than the packets seen (plus the silences judged, at most one
 * per PID and limit), at most MCW_TR_PIDS PIDs and MCW_TR_PROGRAMS
 * programs are described, and the names are terminated within their
 * buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/tr101290.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_tr *tr = mcw_tr_new();
  uint8_t p[188];
  int64_t now = 0;
  uint64_t packets = 0;

  for (size_t off = 0; off + 2 + 188 <= size; off += 2 + 188) {
    now += (int64_t)(data[off] << 8 | data[off + 1]) * 1000000;
    memcpy(p, data + off + 2, 188);
    p[0] = 0x47;
    packets++;
    mcw_tr_packet(tr, p, now, (data[off] & 0x80) != 0, packets);
  }
  for (int c = 0; c < MCW_TR_CHECKS; c++)
    if (tr->count[c] > packets * 2 + (uint64_t)MCW_TR_PIDS * 4 * (packets + 1))
      abort();
  if (tr->npids > MCW_TR_PIDS || tr->nprograms > MCW_TR_PROGRAMS ||
      memchr(tr->service, 0, MCW_TR_NAME) == NULL ||
      memchr(tr->provider, 0, MCW_TR_NAME) == NULL || tr->media_bps < 0)
    abort();
  mcw_tr_free(tr);
  return 0;
}
