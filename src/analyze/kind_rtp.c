/*
 * The RTP analyzer (RFC 3550): recognised after RTP_CONFIRM datagrams with
 * one SSRC and sequence steps of 1 to MCW_RTP_MISORDER; "rtp-ts" when the
 * payload is MPEG-TS, whose packets then go to the TS checker. RTCP on the
 * RTP port (RFC 5761) neither confirms nor breaks a candidate and is never
 * malformed RTP.
 *
 * Jitter needs the payload type's clock (mcw_rtp_clock): RFC 3551's for
 * static types, --clock PT=HZ for the others; with no known clock there
 * is no jitter figure (null), never one at a guessed rate. MPEG-TS in RTP
 * is 90 kHz whatever its payload type (RFC 2250).
 *
 * For rtp-ts, the TS checker must see the packets as a receiver with a
 * jitter buffer would: once each, in RTP sequence order. A small window
 * holds up to WINDOW datagrams that arrived after a gap; the missing one
 * arriving late releases them in order, and a full window gives up on it
 * (the TS checker then sees the gap, which is real). Duplicates never
 * reach it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/common.h"
#include "mcwatch/rtp.h"

#define RTP_CONFIRM 3
#define WINDOW 4
#define WINDOW_BYTES (7 * MCW_TS_PACKET)

struct mcw_rtp_window {
  bool started;
  uint64_t next; /* the sequence number the TS checker waits for */
  uint8_t held;
  struct {
    bool used;
    uint16_t len;
    uint64_t seq;
    int64_t ts_ns;
    uint8_t data[WINDOW_BYTES];
  } slot[WINDOW];
};

/* Hands one datagram's TS payload to the TS checker. */
static void ts_give(struct mcw_stream *st, const uint8_t *p, size_t len,
                    int64_t ts_ns) {
  st->ts.now_ns = ts_ns;
  /* RTP read, TS not: malformed TS, never continuity errors. */
  if (!mcw_ts_looks(p, len)) {
    st->malformed++;
    if (st->ts_tracked)
      mcw_ts_resync(&st->ts);
    return;
  }
  mcw_ts_account(&st->ts, p, len);
}

/* Gives the held datagrams from w->next on, in order, while they follow. */
static void drain(struct mcw_stream *st, struct mcw_rtp_window *w) {
  bool more = true;
  while (more && w->held > 0) {
    more = false;
    for (int i = 0; i < WINDOW; i++) {
      if (w->slot[i].used && w->slot[i].seq == w->next) {
        ts_give(st, w->slot[i].data, w->slot[i].len, w->slot[i].ts_ns);
        w->slot[i].used = false;
        w->held--;
        w->next++;
        more = true;
      }
    }
  }
}

/* Gives up on the gap: the lowest held datagram is next. */
static void skip_gap(struct mcw_rtp_window *w) {
  uint64_t lo = UINT64_MAX;
  for (int i = 0; i < WINDOW; i++)
    if (w->slot[i].used && w->slot[i].seq < lo)
      lo = w->slot[i].seq;
  if (lo != UINT64_MAX)
    w->next = lo;
}

/* A new (not duplicate) rtp-ts datagram numbered seq, payload p. */
static void window_push(struct mcw_stream *st, uint64_t seq, bool restart,
                        const uint8_t *p, size_t len, int64_t ts_ns) {
  struct mcw_rtp_window *w = st->win;

  if (w == NULL)
    w = st->win = mcw_xcalloc(1, sizeof(*w));
  if (restart || !w->started) { /* what is held belongs to another run */
    for (int i = 0; i < WINDOW; i++)
      w->slot[i].used = false;
    w->held = 0;
    w->started = true;
    w->next = seq;
  }
  if (seq < w->next)
    return; /* later than the window waited: given up on already */
  if (seq == w->next) {
    ts_give(st, p, len, ts_ns);
    w->next++;
    drain(st, w);
    return;
  }
  if (len > WINDOW_BYTES || seq - w->next > 16 * WINDOW) {
    while (w->held > 0) { /* too big to hold, or too far: give all */
      skip_gap(w);
      drain(st, w);
    }
    ts_give(st, p, len, ts_ns);
    w->next = seq + 1;
    return;
  }
  if (w->held == WINDOW) { /* full: the gap is lost for good */
    skip_gap(w);
    drain(st, w);
    if (seq == w->next) {
      ts_give(st, p, len, ts_ns);
      w->next++;
      drain(st, w);
      return;
    }
    if (seq < w->next)
      return;
  }
  for (int i = 0; i < WINDOW; i++) {
    if (!w->slot[i].used) {
      w->slot[i].used = true;
      w->slot[i].seq = seq;
      w->slot[i].len = (uint16_t)len;
      w->slot[i].ts_ns = ts_ns;
      memcpy(w->slot[i].data, p, len);
      w->held++;
      return;
    }
  }
}

static void count(struct mcw_stream *st, const struct mcw_rtp *h,
                  const struct mcw_datagram *d) {
  enum mcw_seq_result r;
  uint64_t seq;
  uint32_t hz;
  size_t len;

  mcw_stream_new_id(st, h->ssrc);
  st->pt = h->pt;
  st->last_seq = h->seq;
  seq = mcw_seq_extend16(&st->seq, h->seq);
  if (!mcw_stream_push(st, seq, &r))
    return; /* a duplicate or a stray: its TS packets are not new either */
  hz = st->kind == MCW_KIND_RTP_TS ? 90000 : mcw_rtp_clock(h->pt);
  if (hz != 0) {
    int64_t dts = (int64_t)(int32_t)(h->ts - (uint32_t)st->prev_send);
    mcw_stream_jitter(st, d->ts_ns, (int64_t)((double)dts * 1e9 / hz), h->ts);
  }
  if (st->kind != MCW_KIND_RTP_TS)
    return;
  len = h->payload_len <= d->caplen - h->payload_off
            ? h->payload_len
            : d->caplen - h->payload_off;
  if (len == 0)
    return;
  if (!st->ts_tracked) {
    ts_give(st, d->data + h->payload_off, len, d->ts_ns);
    return;
  }
  st->ts.now_ns = d->ts_ns; /* MDI sees datagrams as they arrive */
  mcw_an_ts_mdi(&st->ts, len);
  window_push(st, seq, r == MCW_SEQ_RESTART || r == MCW_SEQ_FIRST,
              d->data + h->payload_off, len, d->ts_ns);
}

static bool ts_payload(const struct mcw_rtp *h, const struct mcw_datagram *d) {
  return h->payload_off + h->payload_len <= d->caplen &&
         mcw_ts_looks(d->data + h->payload_off, h->payload_len);
}

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  struct mcw_rtp h;
  uint16_t step;
  int r = mcw_rtp_parse(d->data, d->caplen, d->len, &h);

  if (r == -ENOMSG)
    return MCW_AN_HELD; /* RTCP beside RTP */
  if (r < 0)
    return MCW_AN_NO;
  step = (uint16_t)(h.seq - st->cand_seq[st->cand_n ? st->cand_n - 1 : 0]);
  if (st->cand != MCW_KIND_RTP || st->cand_ssrc != h.ssrc || step == 0 ||
      step > MCW_RTP_MISORDER) {
    st->cand = MCW_KIND_RTP;
    st->cand_ssrc = h.ssrc;
    st->cand_n = 0;
  }
  st->cand_seq[st->cand_n++] = h.seq;
  if (st->cand_n < RTP_CONFIRM)
    return MCW_AN_HELD;
  {
    uint16_t earlier[RTP_CONFIRM];
    memcpy(earlier, st->cand_seq, sizeof(earlier));
    mcw_stream_set_kind(st, ts_payload(&h, d) ? MCW_KIND_RTP_TS : MCW_KIND_RTP,
                        b);
    mcw_stream_new_id(st, h.ssrc);
    for (int i = 0; i < RTP_CONFIRM - 1; i++)
      mcw_seq_push(&st->seq, mcw_seq_extend16(&st->seq, earlier[i]));
  }
  count(st, &h, d);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  struct mcw_rtp h;
  int r = mcw_rtp_parse(d->data, d->caplen, d->len, &h);

  (void)b;
  if (r == 0)
    count(st, &h, d);
  else if (r != -ENOMSG) /* RTCP on the RTP port is not malformed RTP */
    mcw_stream_malformed(st);
}

static void text(const struct mcw_stream *st, char *buf, size_t n) {
  snprintf(buf, n, "SSRC %08" PRIx32 " PT %u", st->id, st->pt);
}

const struct mcw_analyzer mcw_an_rtp = {
    .kind = MCW_KIND_RTP,
    .name = "rtp",
    .recognise = recognise,
    .account = account,
    .text = text,
};

static void ts_json(const struct mcw_stream *st, struct mcw_json *j) {
  mcw_an_ts_json(&st->ts, j);
}

static void ts_text(const struct mcw_stream *st, char *buf, size_t n) {
  int k = snprintf(buf, n, "SSRC %08" PRIx32 " ", st->id);
  if (k > 0 && (size_t)k < n)
    mcw_an_ts_text(&st->ts, buf + k, n - (size_t)k);
}

/* Recognised by the rtp row, which looks at the payload. */
const struct mcw_analyzer mcw_an_rtp_ts = {
    .kind = MCW_KIND_RTP_TS,
    .name = "rtp-ts",
    .account = account,
    .json = ts_json,
    .text = ts_text,
};
