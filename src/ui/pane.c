/*
 * One group's pane, top to bottom: a title (endpoint, source filter,
 * interface, state), a line of figures (rates, totals, senders, loss,
 * kernel drops), a sparkline of the last minutes, the live datagram list
 * (newest first: arrival time, sender, length, escaped payload preview)
 * and the sender table. Rows are selected by arrival number (the "#RECV"
 * column: the datagram's number in the group, the one number a row shows).
 * Moving off the newest row freezes the pane's list (a copy of the ring,
 * ui_pane_freeze), so the selection cannot be overwritten under the user
 * at any rate; the header counts the newer datagrams waiting, and Home
 * (the selection back on the newest) follows the live list again.
 * Loss comes from the stream trackers (mcwatch/stream.h): the group line
 * sums its senders; a sender that is not a recognised stream reads "-",
 * since mcwatch does not show a loss figure it has not measured. Probe
 * datagrams show "seq N" and their text instead of header bytes. A sender
 * sending this host's own probes is marked "(this host)".
 */
#include <stdio.h>
#include <string.h>

#include "mcwatch/escape.h"
#include "mcwatch/analyzer.h"
#include "mcwatch/fmt.h"
#include "mcwatch/probe.h"
#include "mcwatch/stream.h"
#include "ui.h"

#define MAX_ROWS 1024  /* rows of the list one can scroll through */
#define MAX_SCAN 20000 /* records examined per draw when filtering */

/* "12 0.15%": a loss count and its share of what was expected. */
static const char *loss_fmt(uint64_t lost, uint64_t expected, char *buf,
                            size_t len) {
  char n[32];
  double pct = expected ? 100.0 * (double)lost / (double)expected : 0;

  mcw_fmt_count(lost, n, sizeof(n));
  if (lost == 0)
    snprintf(buf, len, "0");
  else
    snprintf(buf, len, "%s %.*f%%", n, pct < 10 ? 2 : 1, pct);
  return buf;
}

/* Loss of a sender; "-" when it is not a stream mcwatch can measure. */
static const char *loss_text(const struct mcw_stream_figures *f, char *buf,
                             size_t len) {
  if (!f->tracked) {
    if (f->is_ts)
      snprintf(buf, len, "cc %llu", (unsigned long long)f->cc_errors);
    else
      mcw_strlcpy(buf, "-", len);
    return buf;
  }
  return loss_fmt(f->lost, f->expected, buf, len);
}

/* The group's health for its figures line: loss, dup, reorder, CC errors. */
static const char *group_loss(const struct mcw_health *h, char *buf,
                              size_t len) {
  char l[48];
  int n;

  if (h->tracked == 0 && h->ts_senders == 0) {
    mcw_strlcpy(buf, "loss -", len);
    return buf;
  }
  n = snprintf(buf, len, "loss %s",
               h->tracked ? loss_fmt(h->lost, h->expected, l, sizeof(l)) : "-");
  if (h->tracked && (h->dup || h->reordered))
    n += snprintf(buf + n, len - (size_t)n, "  dup %llu  reord %llu",
                  (unsigned long long)h->dup, (unsigned long long)h->reordered);
  if (h->restarts && (size_t)n < len)
    n += snprintf(buf + n, len - (size_t)n, "  restarts %llu",
                  (unsigned long long)h->restarts);
  if (h->ts_senders && (size_t)n < len)
    snprintf(buf + n, len - (size_t)n, "  cc errors %llu",
             (unsigned long long)h->cc_errors);
  return buf;
}

/* The payload column of a probe: "seq 17 text" (text escaped by the caller). */
static size_t probe_preview(const struct mcw_record *rec, char *buf, size_t len,
                            const uint8_t **text, size_t *text_len) {
  struct mcw_probe p;

  if (mcw_probe_decode(rec->payload, rec->caplen, rec->len, &p) < 0)
    return 0;
  *text = p.text;
  *text_len = p.text_avail;
  return (size_t)snprintf(buf, len, "seq %llu ", (unsigned long long)p.seq);
}

size_t ui_pane_rows(struct tui *t, const struct mcw_ring *r, uint32_t *out,
                    size_t max) {
  uint32_t n = mcw_ring_count(r);
  size_t k = 0;

  if (n > MAX_SCAN)
    n = MAX_SCAN; /* a huge --history must not slow every draw */
  for (uint32_t i = 0; i < n && k < max; i++)
    if (t->filter[0] == '\0' || ui_sender_match(t, &mcw_ring_recent(r, i)->src))
      out[k++] = i;
  return k;
}

/* Position in rows[] of record number `number` (0 when 0 or gone). */
static size_t find_row(const struct mcw_ring *r, const uint32_t *rows, size_t n,
                       uint64_t number, bool *found) {
  *found = number == 0;
  if (number == 0)
    return 0;
  for (size_t j = 0; j < n; j++)
    if (mcw_ring_recent(r, rows[j])->number == number) {
      *found = true;
      return j;
    }
  return 0;
}

/* Position of the selection in rows[] (0 when following or gone). */
static size_t sel_index(struct ui_pane *p, const struct mcw_ring *r,
                        const uint32_t *rows, size_t n) {
  bool found;
  size_t j = find_row(r, rows, n, p->sel, &found);

  if (!found) { /* overwritten or filtered out: follow the newest again */
    p->sel = 0;
    p->top = 0;
  }
  return j;
}

/* Following the newest again (Home, a filter, a clear): the list goes live. */
static void follow_live(struct tui *t, struct ui_pane *p) {
  if (p->sel == 0 && p->has_snap && !t->paused) {
    mcw_ring_free(&p->snap);
    p->has_snap = false;
    p->top = 0;
  }
}

const struct mcw_record *ui_pane_selected(struct tui *t, struct ui_pane *p) {
  static uint32_t rows[MAX_ROWS];
  const struct mcw_ring *r;
  size_t n;

  follow_live(t, p);
  r = ui_pane_ring(p);
  n = ui_pane_rows(t, r, rows, MAX_ROWS);

  if (n == 0)
    return NULL;
  return mcw_ring_recent(r, rows[sel_index(p, r, rows, n)]);
}

void ui_pane_move(struct tui *t, struct ui_pane *p, long delta) {
  static uint32_t rows[MAX_ROWS];
  const struct mcw_ring *r;
  size_t n;
  long j;

  follow_live(t, p);
  r = ui_pane_ring(p);
  n = ui_pane_rows(t, r, rows, MAX_ROWS);
  if (n == 0)
    return;
  j = (long)sel_index(p, r, rows, n) + delta;
  if (j < 0)
    j = 0;
  if (j >= (long)n)
    j = (long)n - 1;
  if (j == 0 && (!p->has_snap || t->paused)) { /* on the newest: follow */
    p->sel = 0;
    p->top = 0;
    return;
  }
  /* Off the live edge: freeze the list (a copy, same records and numbers
     at this instant), so no arrival can take the selection away. */
  ui_pane_freeze(p);
  r = ui_pane_ring(p);
  p->sel = mcw_ring_recent(r, rows[j])->number;
  if (p->top == 0) /* leaving the live edge: the rows on screen stay put */
    p->top = mcw_ring_recent(r, rows[0])->number;
}

static int state_color(enum mcw_group_state s) {
  switch (s) {
  case MCW_GROUP_JOINED:
    return UI_C_OK;
  case MCW_GROUP_JOINING:
  case MCW_GROUP_LEFT:
  case MCW_GROUP_WAITING:
    return UI_C_WARN;
  case MCW_GROUP_ERROR:
    return UI_C_ERR;
  }
  return UI_C_DIM;
}

static void draw_title(struct tui *t, struct mcw_group *g, int y, int x, int w,
                       bool focused) {
  char buf[300], grp[MCW_ADDRSTRLEN], src[MCW_ADDRSTRLEN];
  int used;

  mcw_addr_format_port(&g->ep.group, grp, sizeof(grp));
  if (mcw_endpoint_has_source(&g->ep))
    mcw_addr_format(&g->ep.source, src, sizeof(src));
  else
    mcw_strlcpy(src, "any", sizeof(src));
  move(y, x);
  attron(focused ? ui_attr(t, UI_C_TITLE) : A_BOLD);
  snprintf(buf, sizeof(buf), "%s %s ", focused ? ">" : " ", grp);
  used = ui_put(stdscr, buf, w);
  if (g->ep.label[0] != '\0') { /* escaped when it was read */
    snprintf(buf, sizeof(buf), " %s ", g->ep.label);
    used += ui_put(stdscr, buf, w - used);
  }
  attroff(focused ? ui_attr(t, UI_C_TITLE) : A_BOLD);
  snprintf(buf, sizeof(buf), " source %s  iface %s (%u)  ", src,
           g->ep.iface[0] ? g->ep.iface : "default", g->ep.ifindex);
  used += ui_put(stdscr, buf, w - used);
  attron(ui_attr(t, state_color(g->state)) | A_BOLD);
  used += ui_put(stdscr, mcw_group_state_name(g->state), w - used);
  attroff(ui_attr(t, state_color(g->state)) | A_BOLD);
  if ((g->state == MCW_GROUP_ERROR || g->state == MCW_GROUP_WAITING) &&
      g->message[0] != '\0') {
    char esc[MCW_ESC_MAX(sizeof(g->message))];
    ui_escape(t, (const uint8_t *)g->message, strlen(g->message), esc,
              sizeof(esc));
    used += ui_put(stdscr, ": ", w - used);
    used += ui_put(stdscr, esc, w - used);
  }
  used += ui_igmp_status(t, g, w - used - (t->paused ? 12 : 0));
  if (t->paused && w - used > 10) {
    move(y, x + w - 8);
    attron(ui_attr(t, UI_C_WARN) | A_REVERSE);
    addstr("PAUSED");
    attroff(ui_attr(t, UI_C_WARN) | A_REVERSE);
  }
}

/* "3.5 kbit/s", "496 bit/s": a bit rate with its SI prefix. */
static const char *bits(double v, char *buf, size_t len) {
  char si[16];
  size_t n = strlen(mcw_fmt_si(v, si, sizeof(si)));

  if (n > 1 && si[n - 1] >= 'A')
    snprintf(buf, len, "%.*s %cbit/s", (int)n - 1, si, si[n - 1]);
  else
    snprintf(buf, len, "%s bit/s", si);
  return buf;
}

static void draw_figures(struct tui *t, struct mcw_group *g,
                         const struct mcw_group_stats *st, int y, int x,
                         int w) {
  char buf[300], a[16], b[24], c[32], d[16], e[160];
  int used;

  move(y, x);
  snprintf(buf, sizeof(buf), "  %s pkt/s  %s", mcw_fmt_si(st->pps_1s, a, 16),
           bits(st->bps_1s, b, sizeof(b)));
  attron(A_BOLD);
  used = ui_put(stdscr, buf, w);
  attroff(A_BOLD);
  if (w >= 120) {
    snprintf(buf, sizeof(buf), "  (10s: %s pkt/s %s)",
             mcw_fmt_si(st->pps_10s, a, 16), bits(st->bps_10s, b, sizeof(b)));
    attron(ui_attr(t, UI_C_DIM));
    used += ui_put(stdscr, buf, w - used);
    attroff(ui_attr(t, UI_C_DIM));
  }
  snprintf(buf, sizeof(buf), "  total %s pkts %s  senders %u  %s",
           mcw_fmt_count(st->packets, c, sizeof(c)),
           mcw_fmt_bytes(st->bytes, d, sizeof(d)), st->senders,
           group_loss(&st->health, e, sizeof(e)));
  if (st->health.lost > 0 || st->health.cc_errors > 0)
    attron(ui_attr(t, UI_C_WARN));
  used += ui_put(stdscr, buf, w - used);
  attroff(ui_attr(t, UI_C_WARN));
  if (st->kernel_drops > 0 || w - used > 12) {
    snprintf(buf, sizeof(buf), "  drops %s",
             mcw_fmt_count(st->kernel_drops, c, sizeof(c)));
    if (st->kernel_drops > 0)
      attron(ui_attr(t, UI_C_ERR));
    used += ui_put(stdscr, buf, w - used);
    attroff(ui_attr(t, UI_C_ERR));
  }
  if (st->truncated > 0) {
    snprintf(buf, sizeof(buf), "  truncated %s",
             mcw_fmt_count(st->truncated, c, sizeof(c)));
    attron(ui_attr(t, UI_C_WARN));
    ui_put(stdscr, buf, w - used);
    attroff(ui_attr(t, UI_C_WARN));
  }
}

static void draw_spark(struct tui *t, struct mcw_group *g, int y, int x,
                       int w) {
  char label[40], m[16];
  int n = w - 30;
  double max;

  if (n < 8)
    return;
  n = ui_spark_count(g, n);
  move(y, x);
  attron(ui_attr(t, UI_C_DIM));
  snprintf(label, sizeof(label), "  pkt/s last %3ds ", n);
  ui_put(stdscr, label, w);
  attroff(ui_attr(t, UI_C_DIM));
  max = ui_spark(t, g, n);
  attron(ui_attr(t, UI_C_DIM));
  snprintf(label, sizeof(label), " peak %s", mcw_fmt_si(max, m, sizeof(m)));
  ui_put(stdscr, label, w - n - 18);
  attroff(ui_attr(t, UI_C_DIM));
}

/* Column widths of the datagram list for a pane w columns wide. */
struct cols {
  int num, time, sender, len, payload;
};

static struct cols list_cols(int w) {
  struct cols c = {0, 12, 21, 6, 0};
  if (w >= 110)
    c.num = 8;
  if (w >= 130)
    c.sender = 30; /* room for IPv6 senders */
  if (w < 64)
    c.sender = 17;
  c.payload = w - 2 - c.num - c.time - 1 - c.sender - 1 - c.len - 2;
  return c;
}

/* Datagrams that arrived since p's list was frozen (in the filter). */
static uint64_t waiting(struct tui *t, struct ui_pane *p) {
  const struct mcw_ring *live = &p->group->ring;
  const struct mcw_record *mine = mcw_ring_recent(&p->snap, 0);
  const struct mcw_record *newest = mcw_ring_recent(live, 0);
  uint64_t base = mine != NULL ? mine->number : 0, k = 0;
  uint32_t n = mcw_ring_count(live);

  if (newest == NULL || newest->number <= base)
    return 0;
  if (t->filter[0] == '\0')
    return newest->number - base;
  if (n > MAX_SCAN)
    n = MAX_SCAN;
  for (uint32_t i = 0; i < n; i++) {
    const struct mcw_record *rec = mcw_ring_recent(live, i);
    if (rec->number <= base)
      break;
    k += ui_sender_match(t, &rec->src);
  }
  return k;
}

static void draw_list(struct tui *t, struct ui_pane *p, int y, int x, int h,
                      int w, bool focused) {
  static uint32_t rows[MAX_ROWS];
  const struct mcw_ring *r;
  struct cols c = list_cols(w);
  size_t n, j, top;
  char buf[200];
  int show = h - 1;

  follow_live(t, p);
  r = ui_pane_ring(p);
  n = ui_pane_rows(t, r, rows, MAX_ROWS);

  move(y, x);
  attron(ui_attr(t, UI_C_DIM) | A_UNDERLINE);
  snprintf(buf, sizeof(buf), "  %*s%-*s %-*s %*s  %-*s", c.num,
           c.num ? "#RECV " : "", c.time, "TIME", c.sender, "SENDER", c.len,
           "LEN", c.payload > 0 ? c.payload : 0, "PAYLOAD");
  ui_put_pad(stdscr, buf, w);
  attroff(ui_attr(t, UI_C_DIM) | A_UNDERLINE);
  if (show <= 0)
    return;
  if (n == 0) {
    move(y + 1, x + 2);
    attron(ui_attr(t, UI_C_DIM));
    ui_put(stdscr,
           t->filter[0] ? "no datagram from a sender matching the filter"
           : p->group->state == MCW_GROUP_JOINED ? "waiting for datagrams..."
                                                 : "not receiving",
           w - 2);
    attroff(ui_attr(t, UI_C_DIM));
    return;
  }
  j = sel_index(p, r, rows, n);
  {
    bool found;
    top = find_row(r, rows, n, p->top, &found);
    if (j < top)
      top = j;
    if (j >= top + (size_t)show)
      top = j - (size_t)show + 1;
    /* Anchor the view on a record while one is selected. */
    p->top = p->sel == 0 ? 0 : mcw_ring_recent(r, rows[top])->number;
  }
  if ((top > 0 || p->sel != 0) && w > 40) { /* off the live edge */
    char more[64], nn[32];
    uint64_t newer = top + (p->has_snap && !t->paused ? waiting(t, p) : 0);
    int len =
        snprintf(more, sizeof(more), " %s %s newer%s (Home) ",
                 t->utf8 ? "\u2191" : "^", mcw_fmt_count(newer, nn, sizeof(nn)),
                 p->has_snap && !t->paused && w > 60 ? ", frozen" : "");
    move(y, x + w - len + (t->utf8 ? 2 : 0));
    attron(ui_attr(t, UI_C_WARN));
    addstr(more);
    attroff(ui_attr(t, UI_C_WARN));
  }
  for (int i = 0; i < show && top + (size_t)i < n; i++) {
    const struct mcw_record *rec = mcw_ring_recent(r, rows[top + (size_t)i]);
    char a[MCW_ADDRSTRLEN], fit[MCW_ADDRSTRLEN], clock[20], num[24];
    char esc[MCW_ESC_MAX(512)];
    bool sel = focused && top + (size_t)i == j;
    attr_t at = sel && p->sel != 0 ? ui_attr(t, UI_C_SEL) : A_NORMAL;

    move(y + 1 + i, x);
    attron(at);
    snprintf(num, sizeof(num), "%llu ", (unsigned long long)rec->number);
    mcw_addr_format_port(&rec->src, a, sizeof(a));
    snprintf(buf, sizeof(buf), "%s%*s%s %-*s %*u  ",
             sel ? (t->utf8 ? "\u25b8 " : "> ") : "  ", c.num, c.num ? num : "",
             ui_clock(rec->ts_ns, clock, sizeof(clock)), c.sender,
             mcw_fmt_fit(a, (size_t)c.sender, fit, sizeof(fit)), c.len,
             (unsigned)rec->len);
    ui_put(stdscr, buf, w);
    if (c.payload > 0) {
      const uint8_t *text = rec->payload;
      size_t cap = rec->caplen, pre;
      char seq[32];
      int used = 0;
      pre = probe_preview(rec, seq, sizeof(seq), &text, &cap);
      if (pre > 0) {
        attron(ui_attr(t, UI_C_DIM));
        used = ui_put(stdscr, seq, c.payload);
        attroff(ui_attr(t, UI_C_DIM));
      }
      if (cap > 512)
        cap = 512;
      ui_escape(t, text, cap, esc, sizeof(esc));
      used += ui_put_escaped(t, stdscr, esc, c.payload - used);
      if (rec->caplen < rec->len && used < c.payload) {
        attron(ui_attr(t, UI_C_DIM));
        addstr(t->utf8 ? "\u2026" : "+");
        attroff(ui_attr(t, UI_C_DIM));
      }
      for (int k = used; k < c.payload && at != A_NORMAL; k++)
        addch(' ');
    }
    attroff(at);
  }
}

/* KIND, DUP, REORD and JITTER for wide panes. */
static void extra_columns(const struct mcw_stream_figures *f, char *buf,
                          size_t len) {
  char dup[16] = "-", reord[16] = "-", jit[24] = "-";

  if (f->tracked) {
    snprintf(dup, sizeof(dup), "%llu", (unsigned long long)f->dup);
    snprintf(reord, sizeof(reord), "%llu", (unsigned long long)f->reordered);
  }
  if (f->has_jitter)
    snprintf(jit, sizeof(jit), "%.2fms", f->jitter_ms);
  snprintf(buf, len, " %6s %6s %6s %9s", mcw_kind_name(f->kind), dup, reord,
           jit);
}

/*
 * One row per SSRC under an RTP sender that has several: the SSRC and PT
 * where the address goes, its datagrams and loss, and on wide panes its
 * kind, duplicates, reordering and jitter. Returns the rows drawn.
 */
static int draw_ssrcs(const struct mcw_stream *st, int y, int x, int rows,
                      int sw, bool narrow, bool wide, int w) {
  char buf[240], id[40], n1[32], loss[48];
  size_t k = mcw_stream_ssrc_count(st);
  int row = 0;

  for (size_t i = 0; i < k && row < rows; i++) {
    struct mcw_stream_figures f;
    mcw_stream_figures(mcw_stream_ssrc(st, i), &f);
    snprintf(id, sizeof(id), "  SSRC %08x PT %u", (unsigned)f.id,
             (unsigned)f.pt);
    mcw_fmt_count(f.received, n1, sizeof(n1));
    loss_text(&f, loss, sizeof(loss));
    if (narrow)
      snprintf(buf, sizeof(buf), "  %-*.*s %9s %7s %7s %12s", sw, sw, id, n1,
               "", "", loss);
    else
      snprintf(buf, sizeof(buf), "  %-*.*s %10s %9s %7s %8s %7s %12s", sw, sw,
               id, n1, "", "", "", "", loss);
    if (wide)
      extra_columns(&f, buf + strlen(buf), sizeof(buf) - strlen(buf));
    move(y + row++, x);
    ui_put(stdscr, buf, w);
  }
  return row;
}

static void draw_senders(struct tui *t, struct ui_pane *p, int y, int x, int h,
                         int w) {
  struct mcw_group *g = p->group;
  int64_t mono = mcw_mono_ns(), wall = 0;
  char buf[240];
  int row = 0, sw = w >= 130 ? 30 : w < 76 ? 17 : 21, hidden = 0;
  bool narrow = w < 83, wide = w >= 120, full = false;

  if (g->last_ns > 0) /* wall clock now, from the last arrival's two clocks */
    wall = g->last_ns + (mono - g->last_mono_ns);
  move(y, x);
  attron(ui_attr(t, UI_C_DIM) | A_UNDERLINE);
  if (narrow)
    snprintf(buf, sizeof(buf), "  %-*s %9s %7s %7s %12s", sw, "SENDER",
             "PACKETS", "PKT/S", "LAST", "LOSS");
  else
    snprintf(buf, sizeof(buf), "  %-*s %10s %9s %7s %8s %7s %12s", sw, "SENDER",
             "PACKETS", "BYTES", "PKT/S", "BIT/S", "LAST", "LOSS");
  if (wide)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %6s %6s %6s %9s",
             "KIND", "DUP", "REORD", "JITTER");
  ui_put_pad(stdscr, buf, w);
  attroff(ui_attr(t, UI_C_DIM) | A_UNDERLINE);
  for (uint32_t i = 0; i < g->senders.count; i++) {
    struct mcw_sender *s = &g->senders.items[i];
    char a[MCW_ADDRSTRLEN], fit[MCW_ADDRSTRLEN], n1[32], n2[16], n3[16], n4[24],
        n5[16], loss[48];
    struct mcw_stream_figures f;
    if (!ui_sender_match(t, &s->addr))
      continue;
    /* Keep the last row for the "+ N more" line when senders remain. */
    if (full || row >= h - 1 || (row == h - 2 && i + 1 < g->senders.count)) {
      full = true; /* once one is left out, so are the rest */
      hidden++;
      continue;
    }
    mcw_addr_format_port(&s->addr, fit, sizeof(fit));
    mcw_fmt_fit(fit, (size_t)sw, a, sizeof(a));
    mcw_fmt_count(s->packets, n1, sizeof(n1));
    mcw_fmt_si(mcw_rate_pps(&s->rate, mono, MCW_NS_PER_SEC), n3, sizeof(n3));
    if (wall)
      mcw_fmt_age(wall - s->last_ns, n5, sizeof(n5));
    else
      mcw_strlcpy(n5, "-", sizeof(n5));
    mcw_stream_figures(&s->stream, &f);
    loss_text(&f, loss, sizeof(loss));
    if (narrow)
      snprintf(buf, sizeof(buf), "  %-*s %9s %7s %7s %12s", sw, a, n1, n3, n5,
               loss);
    else
      snprintf(buf, sizeof(buf), "  %-*s %10s %9s %7s %8s %7s %12s", sw, a, n1,
               mcw_fmt_bytes(s->bytes, n2, sizeof(n2)), n3,
               mcw_fmt_si(mcw_rate_bps(&s->rate, mono, MCW_NS_PER_SEC), n4,
                          sizeof(n4)),
               n5, loss);
    if (wide)
      extra_columns(&f, buf + strlen(buf), sizeof(buf) - strlen(buf));
    if (s->own && w > 24) { /* this host's probes: said at the row's end */
      size_t at = strlen(buf);
      if (at + 13 > (size_t)w)
        at = (size_t)w - 13; /* short of room: over the last columns */
      snprintf(buf + at, sizeof(buf) - at, "  (this host)");
    }
    move(y + 1 + row++, x);
    ui_put(stdscr, buf, w);
    /* The analyzer's line (TS: TR 101 290, service, MDI) below its sender,
       when a row is free; its text came off the wire: escaped. */
    mcw_stream_text(&s->stream, buf, sizeof(buf));
    if (buf[0] != '\0' && row < h - 1 &&
        (i + 1 == g->senders.count || row < h - 2)) {
      char esc[MCW_ESC_MAX(sizeof(buf))];
      ui_escape(t, (const uint8_t *)buf, strlen(buf), esc, sizeof(esc));
      move(y + 1 + row++, x);
      attron(ui_attr(t, UI_C_DIM));
      ui_put(stdscr, "      ", w);
      ui_put(stdscr, esc, w - 6);
      attroff(ui_attr(t, UI_C_DIM));
    }
    /* (leaving the last row for "+ N more" when senders remain) */
    row += draw_ssrcs(&s->stream, y + 1 + row, x,
                      h - 1 - row - (i + 1 < g->senders.count), sw, narrow,
                      wide, w);
  }
  if (hidden > 0 || g->senders.overflow_packets > 0) {
    char n1[32];
    move(y + 1 + row, x);
    attron(ui_attr(t, UI_C_DIM));
    snprintf(buf, sizeof(buf), "  + %d more sender%s", hidden,
             hidden == 1 ? "" : "s");
    if (g->senders.overflow_packets > 0)
      snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
               "; %s datagrams from untracked senders (--max-senders)",
               mcw_fmt_count(g->senders.overflow_packets, n1, sizeof(n1)));
    ui_put(stdscr, buf, w);
    attroff(ui_attr(t, UI_C_DIM));
  }
}

void ui_pane_draw(struct tui *t, struct ui_pane *p, int y, int x, int h, int w,
                  bool focused) {
  struct mcw_group *g = p->group;
  struct mcw_group_stats st;
  int list_h, send_h = 0, nsend;

  mcw_group_stats(g, mcw_mono_ns(), &st);
  draw_title(t, g, y, x, w, focused);
  if (h < 2)
    return;
  draw_figures(t, g, &st, y + 1, x, w);
  if (h < 4)
    return;
  draw_spark(t, g, y + 2, x, w);
  /* The sender table takes what it needs, up to a third of the rest. */
  nsend = (int)g->senders.count + 1 + (g->senders.overflow_packets > 0);
  for (uint32_t i = 0; i < g->senders.count; i++) {
    /* An analyzer's line (TS checks, RTP's SSRC) and rows of SSRCs. */
    char line[240];
    mcw_stream_text(&g->senders.items[i].stream, line, sizeof(line));
    nsend += (line[0] != '\0') +
             (int)mcw_stream_ssrc_count(&g->senders.items[i].stream);
  }
  if (h - 3 >= 10) {
    send_h = nsend < 2 ? 2 : nsend;
    if (send_h > (h - 3) / 3)
      send_h = (h - 3) / 3;
    if (send_h < 2)
      send_h = 2;
  }
  list_h = h - 3 - (send_h > 0 ? send_h + 1 : 0);
  draw_list(t, p, y + 3, x, list_h, w, focused);
  if (send_h > 0)
    draw_senders(t, p, y + 3 + list_h + 1, x, send_h, w);
}
