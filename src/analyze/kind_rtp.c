/*
 * The RTP analyzer (RFC 3550): recognised after RTP_CONFIRM datagrams with
 * one SSRC and sequence steps of 1 to MCW_RTP_MISORDER; "rtp-ts" when the
 * payload is MPEG-TS, whose packets then go to the TS checker. RTCP on the
 * RTP port (RFC 5761) neither confirms nor breaks a candidate and is never
 * malformed RTP.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/rtp.h"

#define RTP_CONFIRM 3

static void count(struct mcw_stream *st, const struct mcw_rtp *h,
                  const struct mcw_datagram *d) {
  enum mcw_seq_result r;
  int64_t dts;
  size_t len;

  mcw_stream_new_id(st, h->ssrc);
  st->pt = h->pt;
  st->last_seq = h->seq;
  if (!mcw_stream_push(st, mcw_seq_extend16(&st->seq, h->seq), &r))
    return; /* a duplicate or a stray: its TS packets are not new either */
  dts = (int64_t)(int32_t)(h->ts - (uint32_t)st->prev_send);
  mcw_stream_jitter(st, d->ts_ns,
                    (int64_t)((double)dts * 1e9 / mcw_rtp_clock_rate(h->pt)),
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
  st->ts.now_ns = d->ts_ns;
  /* RTP read, TS not: malformed TS, never continuity errors. */
  if (!mcw_ts_looks(d->data + h->payload_off, len)) {
    st->malformed++;
    if (st->ts_tracked)
      mcw_ts_resync(&st->ts);
    return;
  }
  mcw_ts_account(&st->ts, d->data + h->payload_off, len);
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
