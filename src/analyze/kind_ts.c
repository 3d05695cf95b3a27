/*
 * The MPEG-TS analyzer (TS straight in UDP). A stream is taken for TS
 * after TS_CONFIRM datagrams in a row whose sync bytes line up: either
 * each is whole 188-byte packets (aligned), or packets cross datagram
 * boundaries and each datagram's sync bytes sit where the previous one's
 * predicted them (a byte stream, such as ffmpeg's 1472-byte udp://
 * datagrams); a byte stream needs TS_STREAM_SYNCS sync bytes over those
 * datagrams, which random binary traffic does not line up by chance.
 *
 * The chain's state is in the stream's ts_* fields, apart from the
 * candidate of the other analyzers: a byte stream's first datagram may
 * start mid-packet and is offered to RTP too (MPEG-TS in RTP starts its
 * sync bytes 12 bytes in), while aligned TS is held as before.
 */
#include <stdio.h>

#include "mcwatch/analyzer.h"

#define TS_CONFIRM 2
#define TS_STREAM_SYNCS 4

/* Sync bytes from offset o on, every 188 bytes; -1 when one is missing. */
static int syncs_from(const uint8_t *p, size_t len, size_t o) {
  int n = 0;
  for (; o < len; o += MCW_TS_PACKET, n++)
    if (p[o] != MCW_TS_SYNC)
      return -1;
  return n;
}

static enum mcw_recognised recognise(struct mcw_stream *st,
                                     const struct mcw_datagram *d,
                                     struct mcw_stream_budget *b) {
  const uint8_t *p = d->data;
  size_t len = d->len, o = 0;
  bool aligned, chained = false, was_aligned;
  int n = -1;

  if (d->caplen != d->len || len == 0) {
    st->ts_chain = 0;
    return MCW_AN_NO;
  }
  aligned = mcw_ts_looks(p, len);
  if (st->ts_chain > 0) {
    o = st->ts_next;
    n = syncs_from(p, len, o);
    chained = n >= 0;
  }
  if (!chained) { /* no chain, or this datagram breaks it: a new one */
    unsigned syncs;
    int off = mcw_ts_offset(p, len, &syncs);
    if (off < 0) {
      st->ts_chain = 0;
      return MCW_AN_NO;
    }
    o = (size_t)off;
    n = (int)syncs;
    st->ts_chain = 0;
    st->ts_syncs = 0;
    st->ts_aligned = true;
  }
  if (st->ts_chain < 255)
    st->ts_chain++;
  st->ts_next = (uint16_t)(o + MCW_TS_PACKET * (size_t)n - len);
  if (st->ts_syncs < 1000)
    st->ts_syncs = (uint16_t)(st->ts_syncs + n);
  if (!aligned)
    st->ts_aligned = false;
  if (st->ts_chain < TS_CONFIRM ||
      st->ts_syncs < (st->ts_aligned ? TS_CONFIRM : TS_STREAM_SYNCS))
    return aligned || chained ? MCW_AN_HELD : MCW_AN_NO;
  was_aligned = st->ts_aligned;
  mcw_stream_set_kind(st, MCW_KIND_TS, b);
  if (was_aligned)
    mcw_ts_account(&st->ts, p, len); /* untracked: sync bytes only */
  else if (st->ts_tracked)
    mcw_ts_feed(&st->ts, p + o, len - o);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  const uint8_t *p = d->data;
  size_t len = d->caplen;

  (void)b;
  if (d->caplen != d->len) { /* bytes we cannot read */
    mcw_stream_malformed(st);
    if (st->ts.stream)
      mcw_ts_lost_bytes(&st->ts);
    return;
  }
  if (st->ts.stream && st->ts_tracked) {
    mcw_ts_feed(&st->ts, p, len);
    return;
  }
  if (!st->ts_tracked && (len % MCW_TS_PACKET != 0 || p[0] != MCW_TS_SYNC)) {
    unsigned syncs;
    if (mcw_ts_offset(p, len, &syncs) < 0)
      mcw_stream_malformed(st);
    return; /* recognised, not checked: a byte stream needs the tables */
  }
  if (mcw_ts_looks(p, len)) {
    mcw_ts_account(&st->ts, p, len);
    return;
  }
  /* Aligned so far; a datagram starting a packet it does not end: */
  if (len % MCW_TS_PACKET != 0 && len > 0 && p[0] == MCW_TS_SYNC &&
      st->ts_tracked) {
    mcw_ts_feed(&st->ts, p, len); /* the stream is a byte stream */
    return;
  }
  mcw_stream_malformed(st);
  if (len % MCW_TS_PACKET == 0)
    mcw_ts_sync_only(&st->ts, p, len);
}

const struct mcw_analyzer mcw_an_ts = {
    .kind = MCW_KIND_TS,
    .name = "ts",
    .recognise = recognise,
    .account = account,
};
