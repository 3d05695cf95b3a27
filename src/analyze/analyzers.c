/*
 * The table of stream analyzers (see mcwatch/analyzer.h). The probe comes
 * first and overrides any kind: mcwatch's own magic is unambiguous. The
 * others are tried in this order on an unknown stream: the text formats,
 * whose signatures are long, before the binary ones, whose signatures are
 * short and need several datagrams to be believed.
 */
#include "mcwatch/analyzer.h"

#include <string.h>

#include "mcwatch/group.h"
#include "mcwatch/tr101290.h"

const struct mcw_analyzer *const mcw_analyzers[] = {
    &mcw_an_probe, &mcw_an_mcjoin, &mcw_an_msend,  &mcw_an_ts,
    &mcw_an_rtp,   &mcw_an_rtp_ts, &mcw_an_iperf2,
};
const size_t mcw_analyzer_count =
    sizeof(mcw_analyzers) / sizeof(mcw_analyzers[0]);

const struct mcw_analyzer *mcw_analyzer_of(enum mcw_kind k) {
  for (size_t i = 0; i < mcw_analyzer_count; i++)
    if (mcw_analyzers[i]->kind == k)
      return mcw_analyzers[i];
  return NULL;
}

void mcw_stream_json(const struct mcw_stream *st, struct mcw_json *j) {
  const struct mcw_analyzer *a = mcw_analyzer_of(st->kind);
  if (a != NULL && a->json != NULL)
    a->json(st, j);
}

void mcw_stream_text(const struct mcw_stream *st, char *buf, size_t n) {
  const struct mcw_analyzer *a = mcw_analyzer_of(st->kind);
  if (n == 0)
    return;
  buf[0] = '\0';
  if (a != NULL && a->text != NULL)
    a->text(st, buf, n);
}

const char *mcw_analyzer_service_name(const struct mcw_group *g) {
  for (uint32_t i = 0; i < g->senders.count; i++) {
    const struct mcw_stream *st = mcw_stream_main(&g->senders.items[i].stream);
    if (st->ts.tr != NULL && st->ts.tr->has_service)
      return st->ts.tr->service;
  }
  return NULL;
}

void mcw_analyzer_ts_totals(const struct mcw_group *g,
                            struct mcw_ts_totals *out) {
  memset(out, 0, sizeof(*out));
  for (uint32_t i = 0; i < g->senders.count; i++) {
    const struct mcw_ts *ts = &g->senders.items[i].stream.ts;
    const struct mcw_tr *tr = ts->tr;
    if (tr != NULL) {
      out->ts = true;
      for (int c = 0; c < MCW_TR_CHECKS; c++)
        out->tr[c] += tr->count[c];
      if (tr->mdi.has_df && (!out->has_mdi || tr->mdi.df_ms > out->df_ms))
        out->df_ms = tr->mdi.df_ms;
      if (tr->mdi.has_mlr && (!out->has_mdi || tr->mdi.mlr > out->mlr))
        out->mlr = tr->mdi.mlr;
      out->has_mdi |= tr->mdi.has_df || tr->mdi.has_mlr;
    } else if (ts->packets > 0) {
      out->ts = true; /* checked for continuity only */
      out->tr[MCW_TR_CC] += ts->cc_errors;
    }
  }
}
