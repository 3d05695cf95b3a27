/*
 * Stream classification and health accounting per sender. A stream starts
 * UNKNOWN; each datagram is checked against the cheap signatures in a
 * fixed order (probe magic, mcjoin text, msend text, TS sync bytes, RTP
 * version 2). Probes, mcjoin and msend are believed at once (their
 * signatures are long); TS needs 2 datagrams in a row and RTP 3 with one
 * SSRC and close sequence numbers, which keeps random binary traffic from
 * being taken for them. Once a kind is set, a datagram that does not parse
 * as that kind counts as malformed; only the probe magic can change a
 * known kind (mcwatch's own probes are unambiguous).
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

#include "mcwatch/foreign.h"
#include "mcwatch/probe.h"
#include "mcwatch/rtp.h"

#define SEQ_DROPOUT_64 (UINT64_C(1) << 20) /* probes, mcjoin, msend */
#define RTP_DROPOUT 3000                   /* RFC 3550 A.1 */
#define RTP_MISORDER 100                   /* RFC 3550 A.1 */
#define RTP_CONFIRM 3
#define TS_CONFIRM 2

const char *mcw_kind_name(enum mcw_kind k) {
  switch (k) {
  case MCW_KIND_PROBE:
    return "probe";
  case MCW_KIND_RTP:
    return "rtp";
  case MCW_KIND_RTP_TS:
    return "rtp-ts";
  case MCW_KIND_TS:
    return "ts";
  case MCW_KIND_MCJOIN:
    return "mcjoin";
  case MCW_KIND_MSEND:
    return "msend";
  case MCW_KIND_UNKNOWN:
    break;
  }
  return "other";
}

void mcw_stream_init(struct mcw_stream *st) {
  memset(st, 0, sizeof(*st));
  mcw_seq_init(&st->seq, SEQ_DROPOUT_64, MCW_SEQ_WINDOW, 0);
}

void mcw_stream_free(struct mcw_stream *st, struct mcw_stream_budget *b) {
  mcw_latency_free(&st->lat);
  if (st->ts_tracked) {
    mcw_ts_free(&st->ts);
    st->ts_tracked = false;
    if (b != NULL && b->ts_used > 0)
      b->ts_used--;
  }
}

/* Forgets everything and starts over as kind k. */
static void set_kind(struct mcw_stream *st, enum mcw_kind k,
                     struct mcw_stream_budget *b) {
  uint64_t malformed = st->malformed;

  mcw_stream_free(st, b);
  mcw_stream_init(st);
  st->kind = k;
  st->malformed = malformed;
  if (k == MCW_KIND_RTP || k == MCW_KIND_RTP_TS)
    mcw_seq_init(&st->seq, RTP_DROPOUT, RTP_MISORDER, 0xffff);
  if ((k == MCW_KIND_TS || k == MCW_KIND_RTP_TS) && b != NULL &&
      b->ts_used < b->ts_max) {
    mcw_ts_init(&st->ts);
    st->ts_tracked = true;
    b->ts_used++;
  }
}

/* RFC 3550 6.4.1: J += (|D| - J) / 16, D the change in transit time. */
static void jitter(struct mcw_stream *st, int64_t arrival_ns, int64_t sent_d,
                   uint64_t sent) {
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

/* Switches to a new sender id or SSRC: a restart of the sequence. */
static void new_id(struct mcw_stream *st, uint32_t id) {
  if (st->has_id && st->id != id) {
    mcw_seq_restart(&st->seq);
    st->has_prev = false;
  }
  st->id = id;
  st->has_id = true;
}

/*
 * Arrival minus send time, saturated: a probe's send time comes off the
 * wire and may be anything, and the plain difference overflowed int64_t
 * (undefined behaviour; found by tests/fuzz/fuzz_stream.c).
 */
static int64_t latency_ns(int64_t arrival_ns, uint64_t send_ns) {
  int64_t d;

  if (__builtin_sub_overflow(arrival_ns, (int64_t)send_ns, &d))
    return (int64_t)send_ns < 0 ? INT64_MAX : INT64_MIN;
  return d;
}

static bool counted(enum mcw_seq_result r) {
  return r != MCW_SEQ_DUP && r != MCW_SEQ_STRAY;
}

/*
 * Counts a datagram of the stream's kind that did not parse. It stands for
 * a datagram the sender sent, so it may excuse a gap in the numbers; TS
 * continuity starts afresh after it, since its packets were not read.
 */
static void malformed(struct mcw_stream *st) {
  st->malformed++;
  mcw_seq_malformed(&st->seq);
  if (st->ts_tracked)
    mcw_ts_resync(&st->ts);
}

/*
 * A new run of sequence numbers (a restart the tracker confirmed): the
 * previous datagram's send time or RTP timestamp belongs to another
 * incarnation and must not enter the jitter.
 */
static void run_started(struct mcw_stream *st, enum mcw_seq_result r) {
  if (r == MCW_SEQ_RESTART || r == MCW_SEQ_FIRST)
    st->has_prev = false;
}

static void account_probe(struct mcw_stream *st, const struct mcw_probe *p,
                          const struct mcw_datagram *d) {
  enum mcw_seq_result r;

  new_id(st, p->sender_id);
  r = mcw_seq_push(&st->seq, p->seq);
  st->last_seq = p->seq;
  if (!counted(r))
    return;
  run_started(st, r);
  mcw_latency_add(&st->lat, latency_ns(d->ts_ns, p->send_ns));
  jitter(st, d->ts_ns, (int64_t)(p->send_ns - st->prev_send), p->send_ns);
}

static void account_rtp(struct mcw_stream *st, const struct mcw_rtp *h,
                        const struct mcw_datagram *d) {
  enum mcw_seq_result r;
  int64_t dts;
  size_t len;

  new_id(st, h->ssrc);
  st->pt = h->pt;
  r = mcw_seq_push(&st->seq, mcw_seq_extend16(&st->seq, h->seq));
  st->last_seq = h->seq;
  if (!counted(r))
    return; /* a duplicate or a stray: its TS packets are not new either */
  run_started(st, r);
  dts = (int64_t)(int32_t)(h->ts - (uint32_t)st->prev_send);
  jitter(st, d->ts_ns, (int64_t)((double)dts * 1e9 / mcw_rtp_clock_rate(h->pt)),
         h->ts);
  /*
   * A late datagram's TS packets are older than those the checker has
   * seen: the gap it fills was counted when it opened, and feeding them
   * now would count it twice more (going back, then forward again).
   */
  if (st->kind != MCW_KIND_RTP_TS || r == MCW_SEQ_LATE)
    return;
  len = h->payload_len <= d->caplen - h->payload_off
            ? h->payload_len
            : d->caplen - h->payload_off;
  if (len == 0)
    return;
  /* RTP read, TS not: malformed TS, never continuity errors. */
  if (!mcw_ts_looks(d->data + h->payload_off, len)) {
    st->malformed++;
    if (st->ts_tracked)
      mcw_ts_resync(&st->ts);
    return;
  }
  mcw_ts_account(&st->ts, d->data + h->payload_off, len);
}

static void account_msend(struct mcw_stream *st, const struct mcw_msend *m) {
  uint64_t v;

  if (m->type != MCW_MSEND_DATA)
    return;
  if (m->has_hex_letter && st->msend_base != 16) {
    if (st->msend_base == 10) /* it was hex all along: read it afresh */
      mcw_seq_init(&st->seq, SEQ_DROPOUT_64, MCW_SEQ_WINDOW, 0);
    st->msend_base = 16;
  } else if (st->msend_base == 0 && strlen(m->digits) >= 2) {
    st->msend_base = 10;
  }
  v = strtoull(m->digits, NULL, st->msend_base == 16 ? 16 : 10);
  mcw_seq_push(&st->seq, v);
  st->last_seq = v;
}

static bool ts_payload(const struct mcw_rtp *h, const struct mcw_datagram *d) {
  return h->payload_off + h->payload_len <= d->caplen &&
         mcw_ts_looks(d->data + h->payload_off, h->payload_len);
}

/* Tries to recognise the kind of an UNKNOWN stream from one datagram. */
static void classify(struct mcw_stream *st, const struct mcw_datagram *d,
                     struct mcw_stream_budget *b) {
  struct mcw_msend m;
  struct mcw_rtp h;
  uint32_t pid;
  uint64_t count;
  int r;

  if (mcw_mcjoin_parse(d->data, d->caplen, &pid, &count) == 0) {
    set_kind(st, MCW_KIND_MCJOIN, b);
    new_id(st, pid);
    mcw_seq_push(&st->seq, count);
    st->last_seq = count;
    return;
  }
  if (mcw_msend_parse(d->data, d->caplen, &m) == 0) {
    set_kind(st, MCW_KIND_MSEND, b);
    account_msend(st, &m);
    return;
  }
  if (d->caplen == d->len && mcw_ts_looks(d->data, d->caplen)) {
    if (st->cand != MCW_KIND_TS)
      st->cand_n = 0;
    st->cand = MCW_KIND_TS;
    if (++st->cand_n >= TS_CONFIRM) {
      set_kind(st, MCW_KIND_TS, b);
      mcw_ts_account(&st->ts, d->data, d->caplen);
    }
    return;
  }
  r = mcw_rtp_parse(d->data, d->caplen, d->len, &h);
  if (r == -ENOMSG)
    return; /* RTCP beside RTP: neither confirms nor breaks a candidate */
  if (r == 0) {
    uint16_t step =
        (uint16_t)(h.seq - st->cand_seq[st->cand_n ? st->cand_n - 1 : 0]);
    if (st->cand != MCW_KIND_RTP || st->cand_ssrc != h.ssrc || step == 0 ||
        step > RTP_MISORDER) {
      st->cand = MCW_KIND_RTP;
      st->cand_ssrc = h.ssrc;
      st->cand_n = 0;
    }
    st->cand_seq[st->cand_n++] = h.seq;
    if (st->cand_n >= RTP_CONFIRM) {
      uint16_t earlier[RTP_CONFIRM];
      memcpy(earlier, st->cand_seq, sizeof(earlier));
      set_kind(st, ts_payload(&h, d) ? MCW_KIND_RTP_TS : MCW_KIND_RTP, b);
      new_id(st, h.ssrc);
      for (int i = 0; i < RTP_CONFIRM - 1; i++)
        mcw_seq_push(&st->seq, mcw_seq_extend16(&st->seq, earlier[i]));
      account_rtp(st, &h, d);
    }
    return;
  }
  st->cand = MCW_KIND_UNKNOWN;
  st->cand_n = 0;
}

void mcw_stream_account(struct mcw_stream *st, const struct mcw_datagram *d,
                        struct mcw_stream_budget *b) {
  struct mcw_probe p;
  struct mcw_msend m;
  struct mcw_rtp h;
  uint32_t pid;
  uint64_t count;
  int r;

  if (mcw_probe_magic(d->data, d->caplen)) {
    if (st->kind != MCW_KIND_PROBE)
      set_kind(st, MCW_KIND_PROBE, b);
    if (mcw_probe_decode(d->data, d->caplen, d->len, &p) < 0)
      malformed(st);
    else
      account_probe(st, &p, d);
    return;
  }
  switch (st->kind) {
  case MCW_KIND_UNKNOWN:
    classify(st, d, b);
    return;
  case MCW_KIND_PROBE:
    malformed(st);
    return;
  case MCW_KIND_MCJOIN:
    if (mcw_mcjoin_parse(d->data, d->caplen, &pid, &count) < 0) {
      malformed(st);
      return;
    }
    new_id(st, pid);
    mcw_seq_push(&st->seq, count);
    st->last_seq = count;
    return;
  case MCW_KIND_MSEND:
    if (mcw_msend_parse(d->data, d->caplen, &m) < 0)
      malformed(st);
    else
      account_msend(st, &m);
    return;
  case MCW_KIND_TS:
    if (d->caplen != d->len || !mcw_ts_looks(d->data, d->caplen))
      malformed(st);
    else
      mcw_ts_account(&st->ts, d->data, d->caplen);
    return;
  case MCW_KIND_RTP:
  case MCW_KIND_RTP_TS:
    r = mcw_rtp_parse(d->data, d->caplen, d->len, &h);
    if (r == 0)
      account_rtp(st, &h, d);
    else if (r != -ENOMSG) /* RTCP on the RTP port is not malformed RTP */
      malformed(st);
    return;
  }
}

void mcw_stream_figures(const struct mcw_stream *st,
                        struct mcw_stream_figures *f) {
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
