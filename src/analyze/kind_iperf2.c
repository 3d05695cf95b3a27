/*
 * The iperf 2 analyzer (header in mcwatch/foreign.h). The header has no
 * magic, so a stream is taken for iperf 2 after IPERF_CONFIRM datagrams
 * whose headers parse, with one upper half of the sequence number and
 * steps of 1 to MCW_RTP_MISORDER. Then the sequence number gives loss,
 * duplicates and reordering, and the send times give RFC 3550 jitter as
 * iperf's own server computes it. The client's FIN datagrams (negative
 * numbers) end a test and are not counted; a FIN repeats one number, so
 * FINs alone never make a stream iperf 2.
 */
#include <inttypes.h>
#include <stdio.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/foreign.h"
#include "mcwatch/json.h"

#define IPERF_CONFIRM 3

/*
 * A FIN: a negative number; or, from a client without the upper half, a
 * negative 32-bit id, which a stream still far below 2^31 cannot reach.
 */
static bool is_fin(const struct mcw_stream *st, const struct mcw_iperf2 *h) {
  return h->fin || (h->fin32 && mcw_seq_highest(&st->seq) < (1u << 30));
}

static void count(struct mcw_stream *st, const struct mcw_iperf2 *h,
                  const struct mcw_datagram *d) {
  if (is_fin(st, h))
    return;
  st->last_seq = h->seq;
  if (!mcw_stream_push(st, h->seq, NULL))
    return;
  mcw_stream_jitter(st, d->ts_ns, (int64_t)(h->send_ns - st->prev_send),
                    h->send_ns);
}

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  struct mcw_iperf2 h;
  uint64_t step;

  if (mcw_iperf2_parse(d->data, d->caplen, &h) < 0 || h.fin)
    return MCW_AN_NO;
  step = h.seq - st->last_seq;
  if (st->cand != MCW_KIND_IPERF2 || st->cand_ssrc != h.hi || step == 0 ||
      step > MCW_RTP_MISORDER) {
    st->cand = MCW_KIND_IPERF2;
    st->cand_ssrc = h.hi;
    st->cand_n = 0;
  }
  st->last_seq = h.seq;
  st->cand_seq[st->cand_n] = (uint16_t)h.seq; /* the low bits are enough */
  if (++st->cand_n < IPERF_CONFIRM)
    return MCW_AN_HELD;
  {
    uint64_t earlier[IPERF_CONFIRM - 1];
    for (int i = 0; i < IPERF_CONFIRM - 1; i++)
      earlier[i] = h.seq - (uint16_t)((uint16_t)h.seq - st->cand_seq[i]);
    mcw_stream_set_kind(st, MCW_KIND_IPERF2, b);
    /* The ones before it: not timed, but numbered. */
    for (int i = 0; i < IPERF_CONFIRM - 1; i++)
      mcw_seq_push(&st->seq, earlier[i]);
  }
  count(st, &h, d);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  struct mcw_iperf2 h;

  (void)b;
  if (mcw_iperf2_parse(d->data, d->caplen, &h) < 0)
    mcw_stream_malformed(st);
  else
    count(st, &h, d);
}

static void json(const struct mcw_stream *st, struct mcw_json *j) {
  mcw_json_key(j, "jitter_ms");
  if (st->jitter_n > 0)
    mcw_json_double(j, st->jitter_ns / 1e6, 3);
  else
    mcw_json_null(j);
}

static void text(const struct mcw_stream *st, char *buf, size_t n) {
  snprintf(buf, n, "iperf2 seq %" PRIu64, st->last_seq);
}

const struct mcw_analyzer mcw_an_iperf2 = {
    .kind = MCW_KIND_IPERF2,
    .name = "iperf2",
    .recognise = recognise,
    .account = account,
    .json = json,
    .text = text,
};
