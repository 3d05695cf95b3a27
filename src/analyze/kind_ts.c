/*
 * The MPEG-TS analyzer (TS straight in UDP): recognised after TS_CONFIRM
 * datagrams in a row that look like TS, then every datagram goes to the TS
 * checker (mcwatch/mpegts.h).
 */
#include <stdio.h>

#include "mcwatch/analyzer.h"

#define TS_CONFIRM 2

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  if (d->caplen != d->len || !mcw_ts_looks(d->data, d->caplen))
    return MCW_AN_NO;
  if (st->cand != MCW_KIND_TS)
    st->cand_n = 0;
  st->cand = MCW_KIND_TS;
  if (++st->cand_n < TS_CONFIRM)
    return MCW_AN_HELD;
  mcw_stream_set_kind(st, MCW_KIND_TS, b);
  mcw_ts_account(&st->ts, d->data, d->caplen);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  (void)b;
  if (d->caplen != d->len || !mcw_ts_looks(d->data, d->caplen))
    mcw_stream_malformed(st);
  else
    mcw_ts_account(&st->ts, d->data, d->caplen);
}

const struct mcw_analyzer mcw_an_ts = {
    .kind = MCW_KIND_TS,
    .name = "ts",
    .recognise = recognise,
    .account = account,
};
