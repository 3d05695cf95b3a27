/*
 * The IGMP/MLD page (key g): per watched interface and family, the elected
 * querier with its version and timers, the last general query's age, the
 * raised querier alarms, and the hosts that reported each group lately;
 * and the short querier status a group's pane header shows. Both read the
 * watcher's links (the model); nothing here talks to the network.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mcwatch/engine.h"
#include "mcwatch/fmt.h"
#include "mcwatch/igmpjson.h"
#include "mcwatch/igmpwatch.h"
#include "ui.h"

#define NS 1000000000.0

/* One row of the page: text and its colour. */
struct row {
  char text[300];
  int color; /* 0, or a UI_C_* pair */
};

#define ROWS_MAX 2048

static void add(struct row *rows, int *n, int color, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(struct row *rows, int *n, int color, const char *fmt, ...) {
  va_list ap;
  if (*n >= ROWS_MAX)
    return;
  va_start(ap, fmt);
  vsnprintf(rows[*n].text, sizeof(rows[*n].text), fmt, ap);
  va_end(ap);
  rows[(*n)++].color = color;
}

/* The rows of one link. */
static void link_rows(const struct mcw_igmp_link *l, int64_t mono,
                      struct row *rows, int *n) {
  const char *proto = l->family == AF_INET6 ? "MLD" : "IGMP";
  char a[MCW_ADDRSTRLEN], g[MCW_ADDRSTRLEN], age[16], status[200];

  add(rows, n, UI_C_TITLE, "%s %s: %s", l->iface, proto,
      mcw_igmp_link_status(l, mono, status, sizeof(status)));
  if (!l->live) {
    add(rows, n, UI_C_DIM,
        "  no raw socket (CAP_NET_RAW): querier, timers and reporters "
        "unknown%s",
        l->kernel_version ? "; version from /proc/net/igmp" : "");
  } else if (l->have_querier) {
    add(rows, n, 0,
        "  querier %s %s  query interval %.1fs (%s)  robustness %u  max "
        "resp %.1fs",
        mcw_addr_format(&l->querier, a, sizeof(a)),
        mcw_igmp_version_name(l->family, l->version), l->qi_s,
        mcw_qi_source_name(l->qi_from), l->robustness, l->max_resp_s);
    add(rows, n, 0,
        "  last general query %s ago  membership interval %.1fs  "
        "other-querier-present %.1fs",
        mcw_fmt_age((int64_t)(mcw_igmp_link_age_s(l, mono) * NS), age,
                    sizeof(age)),
        mcw_igmp_link_membership_s(l), mcw_igmp_link_oqpi_s(l));
  }
  if (l->live)
    add(rows, n, UI_C_DIM,
        "  heard: %llu queries (%llu general), %llu "
        "reports, %llu leaves",
        (unsigned long long)l->queries, (unsigned long long)l->general_queries,
        (unsigned long long)l->reports, (unsigned long long)l->leaves);
  if (l->other.family != 0 && (mono - l->other_mono) / NS < 600)
    add(rows, n, UI_C_WARN,
        "  another querier also queries: %s (lost the "
        "election: the lowest address wins)",
        mcw_addr_format(&l->other, a, sizeof(a)));
  for (int k = 0; k < MCW_QUERIER_ALARMS; k++)
    if ((l->raised >> k) & 1u)
      add(rows, n, k == MCW_QUERIER_CHANGE ? UI_C_WARN : UI_C_ERR,
          "  ALARM %s: %s", mcw_querier_alarm_name(k), l->why[k]);
  if (l->nrep == 0)
    return;
  add(rows, n, UI_C_DIM, "  %-28s %-28s %-7s %-11s %8s %7s", "GROUP", "HOST",
      "VERSION", "MODE", "LAST", "REPORTS");
  for (size_t i = 0; i < l->nrep; i++) {
    const struct mcw_igmp_reporter *r = &l->rep[i];
    add(rows, n, r->left ? UI_C_DIM : 0, "  %-28s %-28s %-7s %-11s %8s %7llu%s",
        mcw_addr_format(&r->group, g, sizeof(g)),
        mcw_addr_format(&r->host, a, sizeof(a)),
        mcw_igmp_version_name(l->family, r->version),
        r->left ? "left" : mcw_igmp_record_name(r->mode),
        mcw_fmt_age(mono - r->last_mono, age, sizeof(age)),
        (unsigned long long)r->reports, r->self ? "  (this host)" : "");
  }
}

void ui_igmp_draw(struct tui *t) {
  static struct row rows[ROWS_MAX];
  const struct mcw_igmpwatch *w = t->session.igmp;
  int64_t mono = mcw_mono_ns();
  int n = 0, h = LINES - 3, first;

  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE));
  ui_put(stdscr,
         " IGMP/MLD: queriers and reports on the groups' interfaces (Up/Down "
         "scroll, any other key closes)",
         COLS);
  attroff(ui_attr(t, UI_C_TITLE));
  if (w == NULL)
    add(rows, &n, 0, "the IGMP/MLD watcher is off (--no-igmp)");
  else if (mcw_igmpwatch_count(w) == 0)
    add(rows, &n, 0, "no group joined yet: nothing to watch");
  for (size_t i = 0; w != NULL && i < mcw_igmpwatch_count(w); i++) {
    link_rows(mcw_igmpwatch_link(w, i), mono, rows, &n);
    add(rows, &n, 0, "%s", "");
  }
  if (t->help_scroll < 0 || t->help_scroll == INT32_MAX)
    t->help_scroll = 0;
  if (t->help_scroll > (n > h ? n - h : 0))
    t->help_scroll = n > h ? n - h : 0;
  first = t->help_scroll;
  for (int i = 0; i < h && first + i < n; i++) {
    move(1 + i, 0);
    if (rows[first + i].color)
      attron(ui_attr(t, rows[first + i].color));
    ui_put(stdscr, rows[first + i].text, COLS);
    if (rows[first + i].color)
      attroff(ui_attr(t, rows[first + i].color));
  }
}

int ui_igmp_status(struct tui *t, const struct mcw_group *g, int w) {
  const struct mcw_igmp_link *l =
      mcw_igmpwatch_find(t->session.igmp, g->ep.ifindex, g->ep.group.family);
  char buf[200], status[160];
  size_t others;
  int color;

  /* On loopback no switch snoops and no querier asks: nothing to say. */
  if (l == NULL || l->loopback || w < 16)
    return 0;
  others = mcw_igmp_link_others(l, &g->ep.group, mcw_mono_ns());
  mcw_igmp_link_status(l, mcw_mono_ns(), status, sizeof(status));
  if (others > 0)
    snprintf(buf, sizeof(buf), "  %s; %zu other host%s", status, others,
             others == 1 ? "" : "s");
  else
    snprintf(buf, sizeof(buf), "  %s", status);
  color = (l->raised >> MCW_QUERIER_NONE) & 1u ? UI_C_ERR
          : l->raised != 0                     ? UI_C_WARN
                                               : UI_C_DIM;
  attron(ui_attr(t, color));
  w = ui_put(stdscr, buf, w);
  attroff(ui_attr(t, color));
  return w;
}
