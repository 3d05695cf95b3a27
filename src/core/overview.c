/*
 * The overview's rows and columns (see overview.h). The column table is the
 * one place that knows a column: its cell text, its sort order, its width
 * and how soon it goes when the screen is narrow. Layout takes columns by
 * priority while their least widths fit, then shares what is left among
 * the columns that can grow (label, endpoint, state, sparkline last).
 */
#include "mcwatch/overview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcwatch/common.h"
#include "mcwatch/fmt.h"

/* Alarm kinds, worst first, as one number for sorting (higher: worse). */
static int severity(const struct mcw_ov_row *r) {
  if (r->alarms & (1u << MCW_ALARM_ERROR))
    return 4;
  if (r->alarms & (1u << MCW_ALARM_SILENCE))
    return 3;
  if (r->alarms & (1u << MCW_ALARM_LOSS))
    return 2;
  if (r->alarms & (1u << MCW_ALARM_DROPS))
    return 1;
  return 0;
}

static int cmp_num(double a, double b) { return (a > b) - (a < b); }

static double loss_pct(const struct mcw_ov_row *r) {
  uint64_t exp = r->st.health.received + r->st.health.lost;
  return exp ? 100.0 * (double)r->st.health.lost / (double)exp : 0.0;
}

static void c_label(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  snprintf(b, n, "%s", r->g->ep.label);
}
static int s_label(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  return strcasecmp(a->g->ep.label, b->g->ep.label);
}

static void c_endpoint(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  mcw_fmt_fit(r->endpoint, (size_t)w, b, n);
}
static int s_endpoint(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  const struct mcw_addr *x = &a->g->ep.group, *y = &b->g->ep.group;
  int c = (int)x->family - (int)y->family;
  if (c == 0)
    c = memcmp(x->bytes, y->bytes, sizeof(x->bytes));
  if (c == 0)
    c = (int)x->port - (int)y->port;
  if (c == 0)
    c = strcmp(a->endpoint, b->endpoint);
  return c;
}

static void c_state(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  if (r->alarms == 0 && r->g->state == MCW_GROUP_JOINED && r->st.packets == 0 &&
      w < 26)
    snprintf(b, n, "%s", w >= 7 ? "waiting" : "wait");
  else
    snprintf(b, n, "%s", r->state);
}
static int s_state(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  int c = severity(a) - severity(b);
  return c ? c : (int)a->g->state - (int)b->g->state;
}

static void c_pps(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  mcw_fmt_si(r->st.pps_1s, b, n);
}
static int s_pps(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  return cmp_num(a->st.pps_1s, b->st.pps_1s);
}

static void c_bps(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  mcw_fmt_si(r->st.bps_1s, b, n);
}
static int s_bps(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  return cmp_num(a->st.bps_1s, b->st.bps_1s);
}

static void c_senders(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  snprintf(b, n, "%u", r->st.senders);
}
static int s_senders(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  return cmp_num(a->st.senders, b->st.senders);
}

static void c_loss(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  char cnt[32];
  double p = loss_pct(r);

  if (r->st.health.tracked == 0) {
    snprintf(b, n, "-"); /* nothing measured: no figure */
    return;
  }
  mcw_fmt_si((double)r->st.health.lost, cnt, sizeof(cnt));
  if (r->st.health.lost == 0)
    snprintf(b, n, "0");
  else
    snprintf(b, n, p < 10 ? "%s %.2f%%" : "%s %.1f%%", cnt, p);
}
static int s_loss(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  int c = cmp_num(loss_pct(a), loss_pct(b));
  return c ? c : cmp_num((double)a->st.health.lost, (double)b->st.health.lost);
}

static uint64_t stream_errors(const struct mcw_ov_row *r) {
  return r->st.health.cc_errors + r->st.health.malformed;
}
static void c_errors(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  if (r->st.health.tracked == 0 && r->st.health.ts_senders == 0)
    snprintf(b, n, "-");
  else
    mcw_fmt_si((double)stream_errors(r), b, n);
}
static int s_errors(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  return cmp_num((double)stream_errors(a), (double)stream_errors(b));
}

static void c_drops(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  mcw_fmt_si((double)r->st.kernel_drops, b, n);
}
static int s_drops(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  return cmp_num((double)a->st.kernel_drops, (double)b->st.kernel_drops);
}

static void c_last(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  if (r->st.idle_ns < 0)
    snprintf(b, n, "never");
  else
    mcw_fmt_age(r->st.idle_ns, b, n);
}
static int s_last(const struct mcw_ov_row *a, const struct mcw_ov_row *b) {
  /* Never received sorts as the longest silence. */
  double x = a->st.idle_ns < 0 ? 1e30 : (double)a->st.idle_ns;
  double y = b->st.idle_ns < 0 ? 1e30 : (double)b->st.idle_ns;
  return cmp_num(x, y);
}

static void c_spark(const struct mcw_ov_row *r, int w, char *b, size_t n) {
  if (n > 0)
    b[0] = '\0'; /* drawn by the screen from the group's history */
}

const struct mcw_ov_column mcw_ov_columns[MCW_OV_COLS] = {
    [MCW_OV_LABEL] = {"label", "LABEL", 8, 28, 3, false,
                      "the channel's name from a channel list (-f)", c_label,
                      s_label},
    [MCW_OV_ENDPOINT] = {"endpoint", "ENDPOINT", 25, 44, 1, false,
                         "group:port, @source and %interface", c_endpoint,
                         s_endpoint},
    [MCW_OV_STATE] = {"state", "STATE", 10, 40, 1, false,
                      "ok, waiting for the first datagram, left, or the "
                      "alarms: silent, loss, drops, error",
                      c_state, s_state},
    [MCW_OV_PPS] = {"pkt/s", "PKT/S", 6, 6, 2, true,
                    "datagrams per second over the last second", c_pps, s_pps},
    [MCW_OV_BPS] = {"bit/s", "BIT/S", 6, 6, 2, true,
                    "bits per second over the last second (UDP payload; k, "
                    "M, G: thousands, millions, billions)",
                    c_bps, s_bps},
    [MCW_OV_SENDERS] = {"senders", "SND", 3, 3, 6, true,
                        "senders seen since joining", c_senders, s_senders},
    [MCW_OV_LOSS] = {"loss", "LOSS", 10, 10, 2, true,
                     "datagrams lost and the share of those expected, from "
                     "sequence numbers ('-': no sequence to judge)",
                     c_loss, s_loss},
    [MCW_OV_ERRORS] = {"errors", "ERR", 5, 5, 5, true,
                       "stream errors: MPEG-TS continuity errors and "
                       "malformed datagrams",
                       c_errors, s_errors},
    [MCW_OV_DROPS] = {"drops", "DROPS", 5, 5, 4, true,
                      "datagrams the kernel dropped (receive buffer full)",
                      c_drops, s_drops},
    [MCW_OV_LAST] = {"last", "LAST", 6, 6, 3, true,
                     "time since the last datagram", c_last, s_last},
    [MCW_OV_SPARK] = {"history", "PKT/S HISTORY", 10, 120, 7, false,
                      "datagrams per second, one mark a second", c_spark,
                      s_pps},
};

void mcw_ov_row_fill(struct mcw_ov_row *r, size_t index, struct mcw_group *g,
                     int64_t mono_ns) {
  r->index = index;
  r->g = g;
  mcw_group_stats(g, mono_ns, &r->st);
  r->alarms = g->alarms.raised;
  mcw_endpoint_format(&g->ep, r->endpoint, sizeof(r->endpoint));
  if (r->alarms != 0)
    mcw_alarms_describe(&g->alarms, mono_ns, r->state, sizeof(r->state));
  else if (g->state == MCW_GROUP_JOINED && g->packets == 0)
    snprintf(r->state, sizeof(r->state), "waiting for first datagram");
  else if (g->state == MCW_GROUP_JOINED)
    snprintf(r->state, sizeof(r->state), "ok");
  else if (g->state == MCW_GROUP_ERROR)
    snprintf(r->state, sizeof(r->state), "error: %.150s", g->message);
  else
    snprintf(r->state, sizeof(r->state), "%s", mcw_group_state_name(g->state));
}

/* Case-insensitive substring search. */
static bool contains(const char *hay, const char *needle) {
  return strcasestr(hay, needle) != NULL;
}

bool mcw_ov_match(const struct mcw_ov_row *r, const char *text) {
  if (text == NULL || text[0] == '\0')
    return true;
  return contains(r->g->ep.label, text) || contains(r->endpoint, text) ||
         contains(r->g->ep.iface, text) || contains(r->state, text);
}

static int sort_col;
static bool sort_rev;

static int compare(const void *pa, const void *pb) {
  const struct mcw_ov_row *a = *(const struct mcw_ov_row *const *)pa;
  const struct mcw_ov_row *b = *(const struct mcw_ov_row *const *)pb;
  int c;

  if (sort_col >= MCW_OV_COLS) {
    c = (severity(b) > 0) - (severity(a) > 0); /* alarms first */
    if (sort_rev)
      c = -c;
  } else {
    c = mcw_ov_columns[sort_col].cmp(a, b);
    if (sort_rev)
      c = -c;
  }
  if (c == 0)
    c = (a->index > b->index) - (a->index < b->index);
  return c;
}

void mcw_ov_sort(struct mcw_ov_row **rows, size_t n, int col, bool reverse) {
  /* qsort with a file-level key: the screen sorts on one thread. */
  sort_col = col < 0 ? MCW_OV_COLS : col;
  sort_rev = reverse;
  qsort(rows, n, sizeof(*rows), compare);
}

int mcw_ov_layout(int width, int label_w, int endpoint_w,
                  int widths[MCW_OV_COLS]) {
  int used = 0, shown = 0, spare;
  int want[MCW_OV_COLS];

  memset(widths, 0, sizeof(int) * MCW_OV_COLS);
  for (int c = 0; c < MCW_OV_COLS; c++)
    want[c] = mcw_ov_columns[c].max_width;
  /* The label and endpoint columns need be no wider than their text. */
  want[MCW_OV_LABEL] = label_w;
  want[MCW_OV_ENDPOINT] = endpoint_w;
  for (int prio = 1; prio <= 7; prio++) {
    if (prio == 2 && widths[MCW_OV_STATE] == 0 && widths[MCW_OV_ENDPOINT] > 0 &&
        width >= 13 + mcw_ov_columns[MCW_OV_STATE].min_width) {
      /* Very narrow: the endpoint gives way so the state still shows. */
      widths[MCW_OV_STATE] = mcw_ov_columns[MCW_OV_STATE].min_width;
      widths[MCW_OV_ENDPOINT] = width - 1 - widths[MCW_OV_STATE];
      used = width;
      shown++;
    }
    for (int c = 0; c < MCW_OV_COLS; c++) {
      const struct mcw_ov_column *col = &mcw_ov_columns[c];
      int need = col->min_width + (shown > 0 ? 1 : 0);
      if (col->priority != prio || (c == MCW_OV_LABEL && label_w <= 0))
        continue;
      if (used + need > width)
        continue;
      widths[c] = col->min_width;
      used += need;
      shown++;
    }
  }
  /* Share the rest, in this order, each up to what it wants. */
  spare = width - used;
  {
    static const int grow[] = {MCW_OV_ENDPOINT, MCW_OV_LABEL, MCW_OV_STATE,
                               MCW_OV_SPARK};
    for (size_t i = 0; i < MCW_ARRAY_LEN(grow) && spare > 0; i++) {
      int c = grow[i], room;
      if (widths[c] == 0)
        continue;
      room = want[c] - widths[c];
      if (room > mcw_ov_columns[c].max_width - widths[c])
        room = mcw_ov_columns[c].max_width - widths[c];
      room = room < spare ? room : spare;
      if (room <= 0)
        continue;
      widths[c] += room;
      spare -= room;
    }
  }
  return shown;
}

int mcw_ov_column_find(const char *name) {
  for (int c = 0; c < MCW_OV_COLS; c++)
    if (strcasecmp(name, mcw_ov_columns[c].name) == 0 ||
        strcasecmp(name, mcw_ov_columns[c].title) == 0)
      return c;
  return -1;
}

void mcw_ov_count(struct mcw_ov_counts *c, const struct mcw_ov_row *r) {
  c->total++;
  if (r->alarms != 0)
    c->alarm++;
  if (r->alarms & (1u << MCW_ALARM_SILENCE))
    c->silent++;
  else if (r->g->state == MCW_GROUP_JOINED && r->st.packets == 0)
    c->waiting++;
  else if (r->g->state == MCW_GROUP_JOINED && r->st.idle_ns >= 0 &&
           r->st.pps_10s > 0)
    c->receiving++;
  if (r->g->state == MCW_GROUP_LEFT)
    c->left++;
}
