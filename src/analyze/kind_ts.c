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
#include <string.h>

#include "mcwatch/json.h"
#include "mcwatch/tr101290.h"

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

  st->ts.now_ns = d->ts_ns;
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
  st->ts.now_ns = d->ts_ns;
  if (was_aligned)
    mcw_ts_account(&st->ts, p, len);  /* untracked: sync bytes only */
  else if (st->ts_tracked && o < len) /* o >= len: inside one packet */
    mcw_ts_feed(&st->ts, p + o, len - o);
  return MCW_AN_TAKEN;
}

static void account(struct mcw_stream *st, const struct mcw_datagram *d,
                    struct mcw_stream_budget *b) {
  const uint8_t *p = d->data;
  size_t len = d->caplen;

  (void)b;
  st->ts.now_ns = d->ts_ns;
  if (d->caplen != d->len) { /* bytes we cannot read */
    mcw_stream_malformed(st);
    if (st->ts.stream)
      mcw_ts_lost_bytes(&st->ts);
    return;
  }
  if (st->ts_tracked) /* RFC 4445 over the datagrams of the stream */
    mcw_an_ts_mdi(&st->ts, len);
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

/* The count of check c: sync and continuity from the TS checker. */
static uint64_t tr_count(const struct mcw_ts *t, enum mcw_tr_check c) {
  switch (c) {
  case MCW_TR_TS_SYNC_LOSS:
    return t->sync_loss;
  case MCW_TR_SYNC_BYTE:
    return t->sync_errors;
  case MCW_TR_CC:
    return t->cc_errors;
  default:
    return t->tr->count[c];
  }
}

static void u64(struct mcw_json *j, const char *key, uint64_t v) {
  mcw_json_key(j, key);
  mcw_json_u64(j, v);
}

/* Per PID: role, stream type, program and the checks ETSI defines per PID. */
static void pid_json(const struct mcw_tr_pid *s, struct mcw_json *j) {
  static const enum mcw_tr_check per_pid[] = {MCW_TR_CC,
                                              MCW_TR_PMT,
                                              MCW_TR_PID,
                                              MCW_TR_TRANSPORT,
                                              MCW_TR_CRC,
                                              MCW_TR_PCR_REPETITION,
                                              MCW_TR_PCR_DISCONTINUITY,
                                              MCW_TR_PTS};
  const char *type = mcw_tr_stream_type(s->stream_type);

  mcw_json_open(j);
  u64(j, "pid", s->pid);
  if (s->stream_type != 0) {
    u64(j, "stream_type", s->stream_type);
    mcw_json_key(j, "type");
    mcw_json_str(j, type);
  }
  if (s->program != 0)
    u64(j, "program", s->program);
  for (size_t i = 0; i < sizeof(per_pid) / sizeof(per_pid[0]); i++)
    u64(j, mcw_tr_name(per_pid[i]), s->err[per_pid[i]]);
  mcw_json_close(j);
}

void mcw_an_ts_mdi(struct mcw_ts *t, size_t n) {
  if (t->tr != NULL)
    mcw_mdi_datagram(&t->tr->mdi, n, t->now_ns, t->tr->media_bps, t->cc_lost);
}

void mcw_an_ts_json(const struct mcw_ts *t, struct mcw_json *j) {
  const struct mcw_tr *tr = t->tr;

  if (tr == NULL)
    return;
  mcw_json_key(j, "tr101290");
  mcw_json_open(j);
  for (int c = 0; c < MCW_TR_CHECKS; c++)
    u64(j, mcw_tr_name((enum mcw_tr_check)c),
        tr_count(t, (enum mcw_tr_check)c));
  mcw_json_close(j);
  mcw_json_key(j, "tr101290_pids");
  mcw_json_open_array(j);
  for (uint8_t i = 0; i < tr->npids; i++)
    pid_json(&tr->pid[i], j);
  mcw_json_close_array(j);
  mcw_json_key(j, "programs");
  mcw_json_open_array(j);
  for (uint8_t i = 0; i < tr->nprograms; i++) {
    mcw_json_open(j);
    u64(j, "program", tr->program[i].number);
    u64(j, "pmt_pid", tr->program[i].pmt_pid);
    mcw_json_key(j, "pcr_pid");
    if (tr->program[i].pcr_pid < 0x1fff)
      mcw_json_u64(j, tr->program[i].pcr_pid);
    else
      mcw_json_null(j);
    mcw_json_close(j);
  }
  mcw_json_close_array(j);
  mcw_json_key(j, "mdi");
  mcw_json_open(j);
  mcw_json_key(j, "df_ms");
  if (tr->mdi.has_df)
    mcw_json_double(j, tr->mdi.df_ms, 3);
  else
    mcw_json_null(j);
  mcw_json_key(j, "mlr");
  if (tr->mdi.has_mlr)
    mcw_json_double(j, tr->mdi.mlr, 1);
  else
    mcw_json_null(j);
  mcw_json_close(j);
  mcw_json_key(j, "media_bps");
  if (tr->media_bps > 0)
    mcw_json_double(j, tr->media_bps, 0);
  else
    mcw_json_null(j);
  mcw_json_key(j, "service_name");
  mcw_json_str(j, tr->has_service ? tr->service : NULL);
  mcw_json_key(j, "provider_name");
  mcw_json_str(j, tr->has_service ? tr->provider : NULL);
}

static void json(const struct mcw_stream *st, struct mcw_json *j) {
  mcw_an_ts_json(&st->ts, j);
}

static void text(const struct mcw_stream *st, char *buf, size_t n) {
  mcw_an_ts_text(&st->ts, buf, n);
}

void mcw_an_ts_text(const struct mcw_ts *t, char *buf, size_t n) {
  uint64_t p1 = 0, p2 = 0;

  if (t->tr == NULL) {
    snprintf(buf, n, "TS not checked");
    return;
  }
  for (int c = 0; c <= MCW_TR_PID; c++)
    p1 += tr_count(t, (enum mcw_tr_check)c);
  for (int c = MCW_TR_TRANSPORT; c < MCW_TR_CHECKS; c++)
    p2 += tr_count(t, (enum mcw_tr_check)c);
  char mdi[48] = "";
  const struct mcw_mdi *m = &t->tr->mdi;
  if (m->has_df && m->has_mlr) /* RFC 4445's "DF:MLR" */
    snprintf(mdi, sizeof(mdi), "  MDI %.1f:%.0f", m->df_ms, m->mlr);
  snprintf(buf, n, "TR 101 290 P1 %llu P2 %llu%s%s%s%s", (unsigned long long)p1,
           (unsigned long long)p2, mdi, t->tr->has_service ? "  service " : "",
           t->tr->has_service ? t->tr->service : "",
           t->tr->has_service && t->tr->provider[0] ? " / " : "");
  if (t->tr->has_service && t->tr->provider[0] != '\0')
    snprintf(buf + strlen(buf), n - strlen(buf), "%s", t->tr->provider);
}

const struct mcw_analyzer mcw_an_ts = {
    .kind = MCW_KIND_TS,
    .name = "ts",
    .recognise = recognise,
    .account = account,
    .json = json,
    .text = text,
};
