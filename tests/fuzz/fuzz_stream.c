/*
 * Fuzzes the stream classifier and its trackers (probe, RTP, MPEG-TS,
 * mcjoin, msend, sequence) with a run of datagrams split from the input:
 * each starts with a two-byte big-endian length (taken modulo what is
 * left). A second pass feeds eight-byte numbers straight to a sequence
 * tracker, some of them as malformed datagrams. Invariants: lost never exceeds
 * expected, no absurd loss (a forward jump counts as loss only up to the
 * tracker's dropout limit, so a 2^63 jump is a restart), and the figures and
 * describer never fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/seqtrack.h"
#include "mcwatch/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loss one datagram may add at most: the largest dropout of any kind. */
#define LOSS_PER_DATAGRAM ((uint64_t)1 << 21)

static void check_figures(const struct mcw_stream *st) {
  struct mcw_stream_figures f;

  mcw_stream_figures(st, &f);
  (void)mcw_kind_name(f.kind);
  if (!f.tracked)
    return;
  if (f.lost > f.expected || f.received < f.dup ||
      f.lost > f.received * LOSS_PER_DATAGRAM)
    abort();
}

static void feed_stream(const uint8_t *data, size_t size) {
  struct mcw_stream_budget b = {.ts_max = MCW_TS_TRACKED_MAX};
  struct mcw_stream st;
  struct mcw_datagram d;
  char desc[256];
  int64_t now = 1700000000000000000;

  mcw_stream_init(&st);
  memset(&d, 0, sizeof(d));
  while (size >= 2) {
    size_t n = ((size_t)data[0] << 8 | data[1]) % (size - 1);
    data += 2, size -= 2;
    d.ts_ns = now += 1000000;
    d.data = data;
    d.caplen = (uint32_t)n;
    /* Odd lengths pretend the datagram was longer than captured. */
    d.len = (uint32_t)(n & 1 ? n + 7 : n);
    d.truncated = d.len > d.caplen;
    mcw_stream_account(&st, &d, &b);
    mcw_stream_describe(data, n, d.len, desc, sizeof(desc));
    if (strlen(desc) >= sizeof(desc))
      abort();
    check_figures(&st);
    data += n, size -= n;
  }
  mcw_stream_free(&st, &b);
  if (b.ts_used != 0)
    abort(); /* the TS table was not handed back */
}

static void feed_seq(const uint8_t *data, size_t size) {
  struct mcw_seq s;
  uint64_t pushed = 0;

  mcw_seq_init(&s, (uint64_t)1 << 20, MCW_SEQ_WINDOW, 0);
  for (; size >= 8; data += 8, size -= 8) {
    uint64_t v;
    memcpy(&v, data, 8);
    if ((v & 0xff) == 0xa5) { /* now and then a malformed datagram */
      mcw_seq_malformed(&s);
      continue;
    }
    (void)mcw_seq_push(&s, v);
    pushed++;
    if (mcw_seq_lost(&s) > mcw_seq_expected(&s) || s.received != pushed ||
        mcw_seq_lost(&s) > pushed * LOSS_PER_DATAGRAM)
      abort();
    (void)mcw_seq_extend16(&s, (uint16_t)v);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  if (data[0] & 1)
    feed_seq(data + 1, size - 1);
  else
    feed_stream(data + 1, size - 1);
  return 0;
}
