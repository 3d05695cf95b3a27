/*
 * The msend analyzer: "Message <n>" numbers, in hex by default or decimal
 * with -d; the base is decided from the digits (format in
 * mcwatch/foreign.h). Control messages are neither counted nor malformed.
 */
#include <stdlib.h>
#include <string.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/foreign.h"

static void count(struct mcw_stream *st, const struct mcw_msend *m) {
  uint64_t v;

  if (m->type != MCW_MSEND_DATA)
    return;
  if (m->has_hex_letter && st->msend_base != 16) {
    if (st->msend_base == 10) /* it was hex all along: read it afresh */
      mcw_seq_init(&st->seq, MCW_SEQ_DROPOUT_64, MCW_SEQ_WINDOW, 0);
    st->msend_base = 16;
  } else if (st->msend_base == 0 && strlen(m->digits) >= 2) {
    st->msend_base = 10;
  }
  v = strtoull(m->digits, NULL, st->msend_base == 16 ? 16 : 10);
  mcw_seq_push(&st->seq, v);
  st->last_seq = v;
}

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  struct mcw_msend m;

  if (mcw_msend_parse(d->data, d->caplen, &m) < 0)
    return MCW_AN_NO;
  mcw_stream_set_kind(st, MCW_KIND_MSEND, b);
  count(st, &m);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  struct mcw_msend m;

  (void)b;
  if (mcw_msend_parse(d->data, d->caplen, &m) < 0)
    mcw_stream_malformed(st);
  else
    count(st, &m);
}

const struct mcw_analyzer mcw_an_msend = {
    .kind = MCW_KIND_MSEND,
    .name = "msend",
    .recognise = recognise,
    .account = account,
};
