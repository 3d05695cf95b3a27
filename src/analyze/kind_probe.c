/*
 * The mcwatch probe analyzer: sequence figures per sender id, one-way
 * latency from the send time, RFC 3550 jitter from send times. The magic
 * overrides any kind the stream had.
 */
#include <stdio.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/probe.h"

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

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  struct mcw_probe p;

  (void)b;
  if (mcw_probe_decode(d->data, d->caplen, d->len, &p) < 0) {
    mcw_stream_malformed(st);
    return;
  }
  mcw_stream_new_id(st, p.sender_id);
  st->last_seq = p.seq;
  if (!mcw_stream_push(st, p.seq, NULL))
    return;
  mcw_latency_add(&st->lat, latency_ns(d->ts_ns, p.send_ns));
  mcw_stream_jitter(st, d->ts_ns, (int64_t)(p.send_ns - st->prev_send),
                    p.send_ns);
}

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  if (!mcw_probe_magic(d->data, d->caplen))
    return MCW_AN_NO;
  if (st->kind != MCW_KIND_PROBE)
    mcw_stream_set_kind(st, MCW_KIND_PROBE, b);
  account(st, d, b);
  return MCW_AN_TAKEN;
}

/* Anything but the magic, in a probe stream, is a malformed probe. */
static void account_other(struct mcw_stream *st, const struct mcw_datagram *d,
                          struct mcw_stream_budget *b) {
  (void)d;
  (void)b;
  mcw_stream_malformed(st);
}

static void text(const struct mcw_stream *st, char *buf, size_t n) {
  snprintf(buf, n, "probe %08x", st->id);
}

const struct mcw_analyzer mcw_an_probe = {
    .kind = MCW_KIND_PROBE,
    .name = "probe",
    .overrides = true,
    .recognise = recognise,
    .account = account_other,
    .text = text,
};
