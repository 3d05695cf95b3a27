/*
 * The beacon matrix rendered for machines: the headless matrix event and
 * the Prometheus families. A pair with nothing heard is written with
 * received 0 and null figures, so "does not hear" is said, not left out.
 */
#include <stdio.h>
#include <string.h>

#include "mcwatch/beacon_out.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/jsonl.h"

bool mcw_beacon_pair_shown(const struct mcw_bmatrix *m, int from, int to) {
  const struct mcw_beacon_peer *f = mcw_bmatrix_peer(m, from);
  const struct mcw_beacon_peer *t = mcw_bmatrix_peer(m, to);

  if (f == NULL || t == NULL || from == to)
    return false;
  return t->self || t->reports || mcw_bmatrix_cell(m, from, to)->valid;
}

static double age_s(const struct mcw_bmatrix *m, int from, int to,
                    int64_t mono_ns) {
  const struct mcw_bcell *c = mcw_bmatrix_cell(m, from, to);
  const struct mcw_beacon_peer *t = mcw_bmatrix_peer(m, to);

  if (c->valid)
    return (double)(mono_ns - c->updated_ns) / 1e9;
  if (t->reports)
    return (double)(mono_ns - t->report_ns) / 1e9;
  return -1.0;
}

static void name_str(struct mcw_json *j, const char *name) {
  mcw_json_strn(j, name, strlen(name));
}

static void cell_json(struct mcw_json *j, const struct mcw_bmatrix *m, int f,
                      int t, int64_t mono_ns) {
  const struct mcw_bcell *c = mcw_bmatrix_cell(m, f, t);
  const struct mcw_bcell_figs *x = &c->f;
  double loss = c->valid ? mcw_bcell_loss_pct(x) : -1.0;
  double age = age_s(m, f, t, mono_ns);

  mcw_json_open(j);
  mcw_json_key(j, "from");
  name_str(j, mcw_bmatrix_peer(m, f)->name);
  mcw_json_key(j, "to");
  name_str(j, mcw_bmatrix_peer(m, t)->name);
  mcw_json_key(j, "received");
  mcw_json_u64(j, c->valid ? x->received : 0);
  mcw_json_key(j, "lost");
  mcw_json_u64(j, c->valid ? x->lost : 0);
  mcw_json_key(j, "loss_pct");
  if (loss >= 0)
    mcw_json_double(j, loss, 2);
  else
    mcw_json_null(j);
  mcw_json_key(j, "dup");
  mcw_json_u64(j, c->valid ? x->dup : 0);
  mcw_json_key(j, "reordered");
  mcw_json_u64(j, c->valid ? x->reordered : 0);
  mcw_json_key(j, "delay_ms");
  if (c->valid && x->has_delay)
    mcw_json_double(j, x->delay_ms, 3);
  else
    mcw_json_null(j);
  mcw_json_key(j, "jitter_ms");
  if (c->valid && x->has_jitter)
    mcw_json_double(j, x->jitter_ms, 3);
  else
    mcw_json_null(j);
  mcw_json_key(j, "hops");
  if (c->valid && x->has_hops)
    mcw_json_u64(j, x->hops);
  else
    mcw_json_null(j);
  mcw_json_key(j, "age_s");
  if (age >= 0)
    mcw_json_double(j, age, 1);
  else
    mcw_json_null(j);
  mcw_json_close(j);
}

void mcw_beacon_json(struct mcw_json *j, const struct mcw_beacon_view *v,
                     int64_t wall_ns, int64_t mono_ns) {
  const struct mcw_bmatrix *m = v->m;
  int order[MCW_BEACON_MAX], n = mcw_bmatrix_order(m, order);

  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "matrix");
  mcw_jsonl_time(j, wall_ns);
  mcw_json_key(j, "group");
  mcw_json_str(j, v->group);
  if (v->ssm) {
    mcw_json_key(j, "ssm");
    mcw_json_bool(j, true);
  }
  mcw_json_key(j, "cells");
  mcw_json_open_array(j);
  for (int a = 0; a < n; a++)
    for (int b = 0; b < n; b++)
      if (mcw_beacon_pair_shown(m, order[a], order[b]))
        cell_json(j, m, order[a], order[b], mono_ns);
  mcw_json_close_array(j);
  mcw_json_key(j, "gone");
  mcw_json_open_array(j);
  for (int a = 0; a < n; a++)
    if (m->peers[order[a]].gone)
      name_str(j, m->peers[order[a]].name);
  mcw_json_close_array(j);
  if (m->overflow > 0) {
    mcw_json_key(j, "overflow");
    mcw_json_u64(j, m->overflow);
  }
  mcw_json_close(j);
  mcw_json_raw(j, "\n", 1);
}

/* The label set group="..",from="..",to=".." (or name=".." alone). */
static void labels(struct mcw_metrics_buf *b, const char *group,
                   const char *from, const char *to) {
  char esc[MCW_ESC_MAX(MCW_BEACON_NAME_MAX) + 1];

  mcw_metrics_append(b, "{group=\"", 8);
  mcw_metrics_label_value(b, group);
  mcw_metrics_append(b, to ? "\",from=\"" : "\",name=\"", to ? 8 : 8);
  mcw_escape((const uint8_t *)from, strlen(from), esc, sizeof(esc), 0);
  mcw_metrics_label_value(b, esc);
  if (to != NULL) {
    mcw_metrics_append(b, "\",to=\"", 6);
    mcw_escape((const uint8_t *)to, strlen(to), esc, sizeof(esc), 0);
    mcw_metrics_label_value(b, esc);
  }
  mcw_metrics_append(b, "\"}", 2);
}

static void text(struct mcw_metrics_buf *b, const char *s) {
  mcw_metrics_append(b, s, strlen(s));
}

enum figure {
  F_RECV,
  F_LOST,
  F_DUP,
  F_REORD,
  F_LOSS,
  F_DELAY,
  F_JIT,
  F_HOPS,
  F_AGE
};

static const struct family {
  const char *name, *type, *help;
  enum figure fig;
} families[] = {
    {"mcwatch_beacon_received_total", "counter",
     "Beacon probes of from received by to.", F_RECV},
    {"mcwatch_beacon_lost_total", "counter",
     "Beacon probes of from that to lost.", F_LOST},
    {"mcwatch_beacon_duplicates_total", "counter",
     "Duplicate beacon probes of from at to.", F_DUP},
    {"mcwatch_beacon_reordered_total", "counter",
     "Beacon probes of from that reached to out of order.", F_REORD},
    {"mcwatch_beacon_loss_ratio", "gauge",
     "Lost over sent (0-1) of from's probes at to.", F_LOSS},
    {"mcwatch_beacon_delay_seconds", "gauge",
     "Mean one-way delay from -> to; needs agreeing clocks.", F_DELAY},
    {"mcwatch_beacon_jitter_seconds", "gauge",
     "RFC 3550 interarrival jitter (delay variation) from -> to.", F_JIT},
    {"mcwatch_beacon_hops", "gauge",
     "Routers between from and to (sent TTL - received TTL).", F_HOPS},
    {"mcwatch_beacon_age_seconds", "gauge",
     "Seconds since the pair was last measured or reported.", F_AGE},
};

/* Writes the value of fig for a valid cell; false when unknown. */
static bool value(char *out, size_t len, const struct mcw_bcell *c,
                  enum figure fig, double age) {
  const struct mcw_bcell_figs *x = &c->f;
  double loss = mcw_bcell_loss_pct(x);

  switch (fig) {
  case F_RECV:
    return snprintf(out, len, "%llu", (unsigned long long)x->received) > 0;
  case F_LOST:
    return snprintf(out, len, "%llu", (unsigned long long)x->lost) > 0;
  case F_DUP:
    return snprintf(out, len, "%llu", (unsigned long long)x->dup) > 0;
  case F_REORD:
    return snprintf(out, len, "%llu", (unsigned long long)x->reordered) > 0;
  case F_LOSS:
    return loss >= 0 && snprintf(out, len, "%.6g", loss / 100.0) > 0;
  case F_DELAY:
    return x->has_delay && snprintf(out, len, "%.6g", x->delay_ms / 1e3) > 0;
  case F_JIT:
    return x->has_jitter && snprintf(out, len, "%.6g", x->jitter_ms / 1e3) > 0;
  case F_HOPS:
    return x->has_hops && snprintf(out, len, "%u", x->hops) > 0;
  case F_AGE:
    return snprintf(out, len, "%.1f", age) > 0;
  }
  return false;
}

void mcw_beacon_metrics(struct mcw_metrics_buf *out,
                        const struct mcw_beacon_view *v, size_t n,
                        int64_t mono_ns) {
  char num[64];

  for (size_t k = 0; k < MCW_ARRAY_LEN(families); k++) {
    const struct family *fa = &families[k];
    text(out, "# HELP ");
    text(out, fa->name);
    text(out, " ");
    text(out, fa->help);
    text(out, "\n# TYPE ");
    text(out, fa->name);
    text(out, " ");
    text(out, fa->type);
    text(out, "\n");
    for (size_t i = 0; i < n; i++) {
      const struct mcw_bmatrix *m = v[i].m;
      for (int f = 0; f < MCW_BEACON_MAX; f++)
        for (int t = 0; t < MCW_BEACON_MAX; t++) {
          const struct mcw_bcell *c = mcw_bmatrix_cell(m, f, t);
          if (!c->valid || !mcw_beacon_pair_shown(m, f, t) ||
              !value(num, sizeof(num), c, fa->fig,
                     (double)(mono_ns - c->updated_ns) / 1e9))
            continue;
          text(out, fa->name);
          labels(out, v[i].group, m->peers[f].name, m->peers[t].name);
          text(out, " ");
          text(out, num);
          text(out, "\n");
        }
    }
  }
  text(out, "# HELP mcwatch_beacon_up 1 while a beacon is heard, 0 when gone."
            "\n# TYPE mcwatch_beacon_up gauge\n");
  for (size_t i = 0; i < n; i++)
    for (int p = 0; p < MCW_BEACON_MAX; p++) {
      const struct mcw_beacon_peer *b = mcw_bmatrix_peer(v[i].m, p);
      if (b == NULL)
        continue;
      text(out, "mcwatch_beacon_up");
      labels(out, v[i].group, b->name, NULL);
      text(out, b->gone ? " 0\n" : " 1\n");
    }
}
