/*
 * The RTP analyzer (RFC 3550): recognised after RTP_CONFIRM datagrams with
 * one SSRC and sequence steps of 1 to MCW_RTP_MISORDER (up to 6 datagrams
 * of other SSRCs between them wait, uncounted, so two SSRCs interleaved
 * from the start are recognised: the second is counted from then on); "rtp-ts"
 * when the payload is MPEG-TS, whose packets then go to the TS checker. RTCP on
 * the RTP port (RFC 5761) neither confirms nor breaks a candidate and is never
 * malformed RTP.
 *
 * Jitter needs the payload type's clock (mcw_stream_clock): --clock PT=HZ,
 * else what an SDP describing this group names (a file given with -f, or
 * SAP), else RFC 3551's for static types; with no known clock there is no
 * jitter figure (null), never one at a guessed rate. An SDP's clock is the
 * group's alone: two groups may use one dynamic type at two rates. MPEG-TS in RTP
 * is 90 kHz whatever its payload type (RFC 2250).
 *
 * Each SSRC is its own stream (mcwatch/stream.h): a sender's first SSRC
 * lives in the sender's stream; when another is heard, that stream moves
 * into a table of MCW_RTP_SSRC_MAX (its window and TS table with it) and
 * each SSRC is accounted there, so loss, duplicates, reordering, jitter and
 * TS continuity never mix two SSRCs, and a new SSRC is a new stream, not a
 * restart of the old one.
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
#include "mcwatch/json.h"
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

static void count_one(struct mcw_stream *st, const struct mcw_rtp *h,
                      const struct mcw_datagram *d,
                      const struct mcw_stream_budget *b) {
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
  hz = st->kind == MCW_KIND_RTP_TS ? 90000 : mcw_stream_clock(b, h->pt);
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

/* Moves the sender's single-SSRC stream into a new table as its first. */
static struct mcw_rtp_ssrcs *ssrcs_start(struct mcw_stream *st,
                                         int64_t now_ns) {
  struct mcw_rtp_ssrcs *t = mcw_xcalloc(1, sizeof(*t));

  t->s[0] = *st;         /* takes the window, the TS table and the figures */
  t->s[0].malformed = 0; /* what did not parse stays the sender's */
  t->last_ns[0] = now_ns;
  t->n = 1;
  st->win = NULL;
  st->ts_tracked = false;
  memset(&st->ts, 0, sizeof(st->ts));
  memset(&st->lat, 0, sizeof(st->lat));
  st->ssrcs = t;
  return t;
}

/* Adds a stream's figures to the sums of SSRCs given up. */
static void retire(struct mcw_rtp_ssrcs *t, const struct mcw_stream *s) {
  struct mcw_stream_figures f;

  mcw_stream_figures(s, &f);
  t->gone.received += f.received;
  t->gone.expected += f.expected;
  t->gone.lost += f.lost;
  t->gone.dup += f.dup;
  t->gone.reordered += f.reordered;
  t->gone.restarts += f.restarts;
  t->gone.malformed += f.malformed;
  t->gone.cc_errors += f.cc_errors;
  t->retired++;
}

/*
 * The stream of h's SSRC: the sender's own while it has heard one SSRC,
 * else the table's, made (or taking the place of the one heard least
 * recently) for an SSRC not heard before.
 */
static struct mcw_stream *ssrc_stream(struct mcw_stream *st,
                                      const struct mcw_rtp *h,
                                      const struct mcw_datagram *d,
                                      struct mcw_stream_budget *b) {
  struct mcw_rtp_ssrcs *t = st->ssrcs;
  uint32_t i;

  if (t == NULL) {
    if (!st->has_id || st->id == h->ssrc)
      return st;
    t = ssrcs_start(st, d->ts_ns);
  }
  for (i = 0; i < t->n; i++)
    if (t->s[i].id == h->ssrc)
      break;
  if (i == t->n) {
    if (t->n < MCW_RTP_SSRC_MAX) {
      t->n++;
    } else {
      i = 0;
      for (uint32_t k = 1; k < t->n; k++)
        if (t->last_ns[k] < t->last_ns[i])
          i = k;
      retire(t, &t->s[i]);
      mcw_stream_free(&t->s[i], b);
    }
    mcw_stream_init(&t->s[i]);
    mcw_stream_set_kind(&t->s[i],
                        ts_payload(h, d) ? MCW_KIND_RTP_TS : MCW_KIND_RTP, b);
  }
  t->cur = i;
  t->last_ns[i] = d->ts_ns;
  st->id = h->ssrc;
  st->pt = h->pt;
  st->last_seq = h->seq;
  return &t->s[i];
}

/* Accounts an RTP datagram in the stream of its SSRC. */
static void count(struct mcw_stream *st, const struct mcw_rtp *h,
                  const struct mcw_datagram *d, struct mcw_stream_budget *b) {
  count_one(ssrc_stream(st, h, d, b), h, d, b);
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
  /* Two SSRCs interleaved on one socket: the other's datagrams wait
   * (a few) while the first SSRC's candidate gathers its three. */
  if (st->cand == MCW_KIND_RTP && st->cand_n > 0 && st->cand_ssrc != h.ssrc &&
      st->cand_other < 2 * RTP_CONFIRM) {
    st->cand_other++;
    return MCW_AN_HELD;
  }
  step = (uint16_t)(h.seq - st->cand_seq[st->cand_n ? st->cand_n - 1 : 0]);
  if (st->cand != MCW_KIND_RTP || st->cand_ssrc != h.ssrc || step == 0 ||
      step > MCW_RTP_MISORDER) {
    st->cand = MCW_KIND_RTP;
    st->cand_ssrc = h.ssrc;
    st->cand_n = 0;
    st->cand_other = 0;
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
  count(st, &h, d, b);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  struct mcw_rtp h;
  int r = mcw_rtp_parse(d->data, d->caplen, d->len, &h);

  if (r == 0)
    count(st, &h, d, b);
  else if (r != -ENOMSG) /* RTCP on the RTP port is not malformed RTP */
    mcw_stream_malformed(st);
}

static void text(const struct mcw_stream *st, char *buf, size_t n) {
  size_t k = mcw_stream_ssrc_count(st);

  if (k > 1)
    snprintf(buf, n, "SSRC %08" PRIx32 " PT %u (%zu SSRCs)", st->id, st->pt, k);
  else
    snprintf(buf, n, "SSRC %08" PRIx32 " PT %u", st->id, st->pt);
}

/* One SSRC's row in "ssrcs". */
static void ssrc_row(const struct mcw_stream *s, struct mcw_json *j) {
  struct mcw_stream_figures f;

  mcw_stream_figures(s, &f);
  mcw_json_open(j);
  mcw_json_key(j, "ssrc");
  mcw_json_u64(j, f.id);
  mcw_json_key(j, "pt");
  mcw_json_u64(j, f.pt);
  mcw_json_key(j, "kind");
  mcw_json_str(j, mcw_kind_name(f.kind));
  mcw_json_key(j, "received");
  mcw_json_u64(j, f.received);
  mcw_json_key(j, "lost");
  mcw_json_u64(j, f.lost);
  mcw_json_key(j, "loss_pct");
  if (f.expected > 0)
    mcw_json_double(j, 100.0 * (double)f.lost / (double)f.expected, 3);
  else
    mcw_json_null(j);
  mcw_json_key(j, "dup");
  mcw_json_u64(j, f.dup);
  mcw_json_key(j, "reordered");
  mcw_json_u64(j, f.reordered);
  mcw_json_key(j, "restarts");
  mcw_json_u64(j, f.restarts);
  mcw_json_key(j, "malformed");
  mcw_json_u64(j, f.malformed);
  mcw_json_key(j, "last_seq");
  mcw_json_u64(j, f.last_seq);
  mcw_json_key(j, "jitter_ms");
  if (f.has_jitter)
    mcw_json_double(j, f.jitter_ms, 3);
  else
    mcw_json_null(j);
  if (f.is_ts) {
    mcw_json_key(j, "cc_errors");
    mcw_json_u64(j, f.cc_errors);
  }
  mcw_json_close(j);
}

/* "ssrcs": one row per SSRC (one for a single-SSRC sender). */
static void ssrcs_json(const struct mcw_stream *st, struct mcw_json *j) {
  size_t k = mcw_stream_ssrc_count(st);

  mcw_json_key(j, "ssrcs");
  mcw_json_open_array(j);
  if (k == 0)
    ssrc_row(st, j);
  for (size_t i = 0; i < k; i++)
    ssrc_row(mcw_stream_ssrc(st, i), j);
  mcw_json_close_array(j);
  mcw_json_key(j, "ssrcs_retired");
  mcw_json_u64(j, st->ssrcs != NULL ? st->ssrcs->retired : 0);
}

const struct mcw_analyzer mcw_an_rtp = {
    .kind = MCW_KIND_RTP,
    .name = "rtp",
    .recognise = recognise,
    .account = account,
    .json = ssrcs_json,
    .text = text,
};

static void ts_json(const struct mcw_stream *st, struct mcw_json *j) {
  ssrcs_json(st, j);
  mcw_an_ts_json(&mcw_stream_main(st)->ts, j);
}

static void ts_text(const struct mcw_stream *st, char *buf, size_t n) {
  int k = snprintf(buf, n, "SSRC %08" PRIx32 " ", st->id);
  if (k > 0 && (size_t)k < n)
    mcw_an_ts_text(&mcw_stream_main(st)->ts, buf + k, n - (size_t)k);
}

/* Recognised by the rtp row, which looks at the payload. */
const struct mcw_analyzer mcw_an_rtp_ts = {
    .kind = MCW_KIND_RTP_TS,
    .name = "rtp-ts",
    .account = account,
    .json = ts_json,
    .text = ts_text,
};
