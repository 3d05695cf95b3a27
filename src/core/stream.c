/*
 * Stream classification and health accounting per sender. A stream starts
 * UNKNOWN; each datagram is offered to the analyzers of the table in
 * src/analyze/analyzers.c, in order (probe magic, mcjoin text, msend
 * text, TS sync bytes, RTP version 2); this file keeps the bookkeeping
 * they share (kind, sequence tracker, jitter, malformed datagrams). Probes,
 * mcjoin and msend are believed at once (their signatures are long); TS needs 2
 * datagrams in a row and RTP 3 with one SSRC and close sequence numbers, which
 * keeps random binary traffic from being taken for them. Once a kind is set, a
 * datagram that does not parse as that kind counts as malformed; only the probe
 * magic can change a known kind (mcwatch's own probes are unambiguous).
 *
 * A malformed datagram is never loss: the sequence tracker lets it excuse
 * one missing number beside it (mcw_seq_malformed), and the TS checker
 * takes the next packet of every PID as a fresh start (mcw_ts_resync), as
 * the packets it carried could not be read.
 */
#include "mcwatch/stream.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/rtp.h"

const char *mcw_kind_name(enum mcw_kind k) {
  const struct mcw_analyzer *a = mcw_analyzer_of(k);
  return a != NULL ? a->name : "other";
}

void mcw_stream_init(struct mcw_stream *st) {
  memset(st, 0, sizeof(*st));
  mcw_seq_init(&st->seq, MCW_SEQ_DROPOUT_64, MCW_SEQ_WINDOW, 0);
}

void mcw_stream_clock_set(struct mcw_stream_budget *b, unsigned pt,
                          uint32_t hz) {
  unsigned i;

  if (pt > 127 || hz == 0)
    return;
  for (i = 0; i < b->nclocks && b->clock_pt[i] != pt; i++)
    ;
  if (i == MCW_STREAM_CLOCKS) { /* full: the first recorded goes */
    memmove(b->clock_pt, b->clock_pt + 1, MCW_STREAM_CLOCKS - 1);
    memmove(b->clock_hz, b->clock_hz + 1,
            (MCW_STREAM_CLOCKS - 1) * sizeof(*b->clock_hz));
    i = MCW_STREAM_CLOCKS - 1;
  } else if (i == b->nclocks) {
    b->nclocks++;
  }
  b->clock_pt[i] = (uint8_t)pt;
  b->clock_hz[i] = hz;
}

uint32_t mcw_stream_clock(const struct mcw_stream_budget *b, uint8_t pt) {
  uint32_t given = mcw_rtp_clock_given(pt);

  if (given != 0)
    return given;
  for (unsigned i = 0; b != NULL && i < b->nclocks; i++)
    if (b->clock_pt[i] == pt)
      return b->clock_hz[i];
  return mcw_rtp_clock(pt);
}

void mcw_stream_free(struct mcw_stream *st, struct mcw_stream_budget *b) {
  if (st->ssrcs != NULL) {
    for (uint32_t i = 0; i < st->ssrcs->n; i++)
      mcw_stream_free(&st->ssrcs->s[i], b);
    free(st->ssrcs);
    st->ssrcs = NULL;
  }
  mcw_latency_free(&st->lat);
  free(st->win);
  st->win = NULL;
  if (st->ts_tracked) {
    mcw_ts_free(&st->ts);
    st->ts_tracked = false;
    if (b != NULL && b->ts_used > 0)
      b->ts_used--;
  }
}

void mcw_stream_set_kind(struct mcw_stream *st, enum mcw_kind k,
                         struct mcw_stream_budget *b) {
  uint64_t malformed = st->malformed;

  mcw_stream_free(st, b);
  mcw_stream_init(st);
  st->kind = k;
  st->malformed = malformed;
  if (k == MCW_KIND_RTP || k == MCW_KIND_RTP_TS)
    mcw_seq_init(&st->seq, MCW_RTP_DROPOUT, MCW_RTP_MISORDER, 0xffff);
  if ((k == MCW_KIND_TS || k == MCW_KIND_RTP_TS) && b != NULL &&
      b->ts_used < b->ts_max) {
    mcw_ts_init(&st->ts);
    st->ts_tracked = true;
    b->ts_used++;
  }
}

/* RFC 3550 6.4.1: J += (|D| - J) / 16, D the change in transit time. */
void mcw_stream_jitter(struct mcw_stream *st, int64_t arrival_ns,
                       int64_t sent_d, uint64_t sent) {
  if (st->has_prev) {
    double d = (double)(arrival_ns - st->prev_arrival_ns) - (double)sent_d;
    if (d < 0)
      d = -d;
    st->jitter_ns += (d - st->jitter_ns) / 16.0;
    st->jitter_n++;
  }
  st->has_prev = true;
  st->prev_arrival_ns = arrival_ns;
  st->prev_send = sent;
}

void mcw_stream_new_id(struct mcw_stream *st, uint32_t id) {
  if (st->has_id && st->id != id) {
    mcw_seq_restart(&st->seq);
    st->has_prev = false;
  }
  st->id = id;
  st->has_id = true;
}

/*
 * A malformed datagram stands for a datagram the sender sent, so it may
 * excuse a gap in the numbers; TS continuity starts afresh after it,
 * since its packets were not read.
 */
void mcw_stream_malformed(struct mcw_stream *st) {
  st->malformed++;
  mcw_seq_malformed(&st->seq);
  if (st->ts_tracked)
    mcw_ts_resync(&st->ts);
}

/*
 * A duplicate or a stray is not new. A new run of sequence numbers (a
 * restart the tracker confirmed) forgets the previous send time or RTP
 * timestamp: it belongs to another incarnation and must not enter the
 * jitter.
 */
bool mcw_stream_push(struct mcw_stream *st, uint64_t seq,
                     enum mcw_seq_result *res) {
  enum mcw_seq_result r = mcw_seq_push(&st->seq, seq);

  if (res != NULL)
    *res = r;
  if (r == MCW_SEQ_DUP || r == MCW_SEQ_STRAY)
    return false;
  if (r == MCW_SEQ_RESTART || r == MCW_SEQ_FIRST)
    st->has_prev = false;
  return true;
}

/* Tries the table's analyzers on a datagram of an UNKNOWN stream. */
static void classify(struct mcw_stream *st, const struct mcw_datagram *d,
                     struct mcw_stream_budget *b) {
  for (size_t i = 0; i < mcw_analyzer_count; i++) {
    const struct mcw_analyzer *a = mcw_analyzers[i];
    if (a->overrides || a->recognise == NULL)
      continue;
    if (a->recognise(st, d, b) != MCW_AN_NO)
      return;
  }
  st->cand = MCW_KIND_UNKNOWN;
  st->cand_n = 0;
}

void mcw_stream_account(struct mcw_stream *st, const struct mcw_datagram *d,
                        struct mcw_stream_budget *b) {
  const struct mcw_analyzer *a;

  /* Overriding rows come first in the table (test_analyzer checks). */
  for (size_t i = 0; i < mcw_analyzer_count && mcw_analyzers[i]->overrides; i++)
    if (mcw_analyzers[i]->recognise(st, d, b) != MCW_AN_NO)
      return;
  a = mcw_analyzer_of(st->kind);
  if (a == NULL)
    classify(st, d, b);
  else
    a->account(st, d, b);
}

const struct mcw_stream *mcw_stream_main(const struct mcw_stream *st) {
  return st->ssrcs != NULL ? &st->ssrcs->s[st->ssrcs->cur] : st;
}

size_t mcw_stream_ssrc_count(const struct mcw_stream *st) {
  return st->ssrcs != NULL ? st->ssrcs->n : 0;
}

const struct mcw_stream *mcw_stream_ssrc(const struct mcw_stream *st,
                                         size_t i) {
  return &st->ssrcs->s[i];
}

/*
 * A sender with several SSRCs: the sums over them (and over those given
 * up), the rest from the SSRC heard last; malformed datagrams that were
 * not RTP at all are the sender's own.
 */
static void figures_ssrcs(const struct mcw_stream *st,
                          struct mcw_stream_figures *f) {
  const struct mcw_rtp_ssrcs *t = st->ssrcs;
  const struct mcw_stream_sums *g = &t->gone;

  mcw_stream_figures(&t->s[t->cur], f);
  f->kind = st->kind;
  f->tracked = true;
  f->received = g->received;
  f->expected = g->expected;
  f->lost = g->lost;
  f->dup = g->dup;
  f->reordered = g->reordered;
  f->restarts = g->restarts;
  f->malformed = g->malformed + st->malformed;
  f->cc_errors = g->cc_errors;
  for (uint32_t i = 0; i < t->n; i++) {
    struct mcw_stream_figures e;
    mcw_stream_figures(&t->s[i], &e);
    f->received += e.received;
    f->expected += e.expected;
    f->lost += e.lost;
    f->dup += e.dup;
    f->reordered += e.reordered;
    f->restarts += e.restarts;
    f->malformed += e.malformed;
    f->cc_errors += e.cc_errors;
  }
  f->is_ts = st->kind == MCW_KIND_RTP_TS || f->is_ts;
}

void mcw_stream_figures(const struct mcw_stream *st,
                        struct mcw_stream_figures *f) {
  if (st->ssrcs != NULL) {
    figures_ssrcs(st, f);
    return;
  }
  memset(f, 0, sizeof(*f));
  f->kind = st->kind;
  f->malformed = st->malformed;
  f->tracked = st->kind != MCW_KIND_UNKNOWN && st->kind != MCW_KIND_TS;
  if (f->tracked) {
    f->received = st->seq.received;
    f->expected = mcw_seq_expected(&st->seq);
    f->lost = mcw_seq_lost(&st->seq);
    f->dup = st->seq.dup;
    f->reordered = st->seq.reordered;
    f->restarts = st->seq.restarts;
    f->last_seq = st->last_seq;
  }
  f->has_id = st->has_id;
  f->id = st->id;
  f->pt = st->pt;
  if (st->jitter_n > 0) {
    f->has_jitter = true;
    f->jitter_ms = st->jitter_ns / 1e6;
  }
  if (st->lat.n > 0) {
    f->has_latency = true;
    f->lat_min_ms = (double)st->lat.min_ns / 1e6;
    f->lat_mean_ms = mcw_latency_mean(&st->lat) / 1e6;
    f->lat_max_ms = (double)st->lat.max_ns / 1e6;
    f->lat_p99_ms = (double)mcw_latency_percentile(&st->lat, 99) / 1e6;
    f->lat_negative = st->lat.negative;
  }
  f->is_ts = st->kind == MCW_KIND_TS || st->kind == MCW_KIND_RTP_TS;
  f->ts_tracked = st->ts_tracked;
  f->ts_pids = st->ts.pids;
  f->cc_errors = st->ts.cc_errors;
}
