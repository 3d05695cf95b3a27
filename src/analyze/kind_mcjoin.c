/*
 * The mcjoin analyzer: the count in mcjoin's text payload is the sequence
 * number, the sender's PID its id (format in mcwatch/foreign.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/foreign.h"

static void count(struct mcw_stream *st, uint32_t pid, uint64_t n) {
  mcw_stream_new_id(st, pid);
  mcw_seq_push(&st->seq, n);
  st->last_seq = n;
}

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  uint32_t pid;
  uint64_t n;

  if (mcw_mcjoin_parse(d->data, d->caplen, &pid, &n) < 0)
    return MCW_AN_NO;
  mcw_stream_set_kind(st, MCW_KIND_MCJOIN, b);
  count(st, pid, n);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  uint32_t pid;
  uint64_t n;

  (void)b;
  if (mcw_mcjoin_parse(d->data, d->caplen, &pid, &n) < 0)
    mcw_stream_malformed(st);
  else
    count(st, pid, n);
}

static void text(const struct mcw_stream *st, char *buf, size_t n) {
  snprintf(buf, n, "mcjoin PID %" PRIu32, st->id);
}

const struct mcw_analyzer mcw_an_mcjoin = {
    .kind = MCW_KIND_MCJOIN,
    .name = "mcjoin",
    .recognise = recognise,
    .account = account,
    .text = text,
};
