/*
 * The screen frame: a tab bar of groups on the first line (state and rate
 * of each), one pane or several tiled panes below it, the status line and
 * a footer of keys generated from the key table. The help screen, the
 * interface picker and the inspector are drawn here too, over the frame.
 * Everything is drawn into stdscr from the model, then sent with one
 * doupdate, so curses sends only what changed.
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/escape.h"
#include "mcwatch/fmt.h"
#include "ui.h"

#define MIN_PANE_H 14 /* a tiled pane shorter than this is not worth it */
#define MIN_PANE_W 78

/* Adds map's footer words at *x on the last line, while they fit. */
static void footer_map(struct tui *t, const struct ui_keymap *map, int *x) {
  int y = LINES - 1;

  for (size_t i = 0; i < map->n && *x < COLS; i++) {
    const struct ui_binding *b = &map->b[i];
    int need;
    if (b->footer == NULL || b->keys[0] == 0)
      continue;
    need = (int)(strlen(b->label) + strlen(b->footer)) + 3;
    if (*x + need > COLS)
      return;
    move(y, *x);
    attron(ui_attr(t, UI_C_KEY));
    addstr(b->label);
    attroff(ui_attr(t, UI_C_KEY));
    addch(' ');
    addstr(b->footer);
    *x += need;
  }
}

/* The footer: the view's own keys first, then map (may be NULL). */
static void draw_footer(struct tui *t, const struct ui_keymap *map) {
  int x = 0;

  move(LINES - 1, 0);
  clrtoeol();
  if (map == &ui_main_keys) {
    /* q and ? first, the view's keys, then the other shared commands. */
    static struct ui_binding firsts[2];
    struct ui_keymap head = {"", firsts, 2}, rest = ui_main_keys;
    firsts[0] = ui_main_keys.b[0];
    firsts[1] = ui_main_keys.b[1];
    rest.b += 2;
    rest.n -= 2;
    footer_map(t, &head, &x);
    footer_map(t, t->overview ? &ui_overview_keys : &ui_pane_keys, &x);
    footer_map(t, &rest, &x);
    return;
  }
  footer_map(t, map, &x);
}

/* A footer of two keys and what they do: "KEY1 what1  KEY2 what2". */
static void footer_two(struct tui *t, const char *k1, const char *w1,
                       const char *k2, const char *w2) {
  move(LINES - 1, 0);
  clrtoeol();
  attron(ui_attr(t, UI_C_KEY));
  addstr(k1);
  attroff(ui_attr(t, UI_C_KEY));
  addstr(w1);
  attron(ui_attr(t, UI_C_KEY));
  addstr(k2);
  attroff(ui_attr(t, UI_C_KEY));
  addstr(w2);
}

/* The footer of pages that scroll (help, doctor, logs). */
static void draw_page_footer(struct tui *t) {
  footer_two(t, "Up/Down PgUp/PgDn Home/End", " scroll  ", "any other key",
             " closes");
}

static void draw_status(struct tui *t) {
  static const enum ui_color color[] = {UI_C_DIM, UI_C_WARN, UI_C_ERR};
  attr_t a = t->status_level == UI_INFO ? A_NORMAL
                                        : ui_attr(t, color[t->status_level]);

  move(LINES - 2, 0);
  clrtoeol();
  attron(a);
  ui_put(stdscr, t->status, COLS);
  attroff(a);
}

/* One tab's text: "2 239.1.2.3:5000%lo joined 12/s". */
static void tab_text(struct mcw_group *g, size_t i, char *buf, size_t len) {
  char ep[128], r[16];

  mcw_endpoint_format(&g->ep, ep, sizeof(ep));
  if (g->state == MCW_GROUP_JOINED)
    snprintf(buf, len, " %zu %s joined %s/s ", i + 1, ep,
             mcw_fmt_si(mcw_rate_pps(&g->rate, mcw_mono_ns(), 1000000000), r,
                        sizeof(r)));
  else
    snprintf(buf, len, " %zu %s %s ", i + 1, ep,
             mcw_group_state_name(g->state));
}

static void draw_tabs(struct tui *t) {
  struct mcw_engine *e = t->session.engine;
  size_t n = mcw_engine_count(e), first = 0;
  char buf[200];
  int x, title;

  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE) | A_REVERSE);
  title = ui_put(stdscr, " mcwatch ", COLS);
  attroff(ui_attr(t, UI_C_TITLE) | A_REVERSE);
  if (t->capture != NULL) {
    attron(ui_attr(t, UI_C_ERR) | A_BOLD);
    title += ui_put(stdscr, " REC", COLS - title);
    attroff(ui_attr(t, UI_C_ERR) | A_BOLD);
  }
  if (n == 0) {
    attron(ui_attr(t, UI_C_DIM));
    ui_put(stdscr, "  no groups: press a to join one", COLS - title);
    attroff(ui_attr(t, UI_C_DIM));
    return;
  }
  snprintf(buf, sizeof(buf), " %zu/%zu ", t->cur + 1, n);
  attron(ui_attr(t, UI_C_DIM));
  title += ui_put(stdscr, buf, COLS - title);
  attroff(ui_attr(t, UI_C_DIM));
  /* Scroll the bar so the selected tab is visible. */
  for (;;) {
    int w = title;
    for (size_t i = first; i <= t->cur && i < n; i++) {
      tab_text(mcw_engine_group(e, i), i, buf, sizeof(buf));
      w += (int)strlen(buf) + 1;
    }
    if (w <= COLS || first >= t->cur)
      break;
    first++;
  }
  x = title;
  if (first > 0) {
    addch('<');
    x++;
  }
  for (size_t i = first; i < n && x < COLS; i++) {
    struct mcw_group *g = mcw_engine_group(e, i);
    attr_t a = i == t->cur ? A_REVERSE | A_BOLD : A_NORMAL;
    tab_text(g, i, buf, sizeof(buf));
    addch(' ');
    x++;
    if (g->state != MCW_GROUP_JOINED)
      a |= ui_attr(t, g->state == MCW_GROUP_ERROR ? UI_C_ERR : UI_C_WARN);
    attron(a);
    x += ui_put(stdscr, buf, COLS - x);
    attroff(a);
  }
}

/* Lays out the panes: the selected group alone, or tiled when room allows. */
static void draw_panes(struct tui *t) {
  struct mcw_engine *e = t->session.engine;
  size_t n = mcw_engine_count(e), shown = 1, first;
  int top = 1, h = LINES - 3, ncols = 1, nrows, cap;

  if (n == 0 || h < 1)
    return;
  if (t->tiled && n > 1) {
    ncols = COLS >= 2 * MIN_PANE_W + 1 ? COLS / (MIN_PANE_W + 1) : 1;
    if (ncols > 3)
      ncols = 3;
    cap = ncols * (h / MIN_PANE_H > 0 ? h / MIN_PANE_H : 1);
    shown = n < (size_t)cap ? n : (size_t)cap;
  }
  if (shown < 2) {
    ui_pane_draw(t, ui_pane_of(t, ui_current_group(t)), top, 0, h, COLS, true);
    return;
  }
  /* t->cur < n (ui_draw clamped it), so every gi below is listed. */
  if ((size_t)ncols > shown)
    ncols = (int)shown;
  nrows = (int)((shown + (size_t)ncols - 1) / (size_t)ncols);
  first = t->cur < shown ? 0 : t->cur - shown + 1;
  for (size_t k = 0; k < shown; k++) {
    int r = (int)k / ncols, c = (int)k % ncols;
    int ph = h / nrows, pw = (COLS - (ncols - 1)) / ncols;
    int py = top + r * ph, px = c * (pw + 1);
    size_t gi = first + k;
    if (r == nrows - 1)
      ph = h - r * ph;
    if (c > 0)
      ui_vline(stdscr, py, px - 1, ph);
    if (r > 0)
      ui_hline(stdscr, py - 1, px, pw);
    ui_pane_draw(t, ui_pane_of(t, mcw_engine_group(e, gi)), py, px,
                 ph - (r < nrows - 1 ? 1 : 0), pw, gi == t->cur);
  }
}

static void draw_pick(struct tui *t) {
  int n = (int)t->picks.count, w = COLS - 8 < 70 ? COLS - 8 : 70;
  int h = n + 4, y0, x0;
  struct mcw_group *g = ui_current_group(t);
  char buf[300], ep[128], a[MCW_ADDRSTRLEN];

  if (h > LINES - 4)
    h = LINES - 4;
  if (g == NULL)
    return;
  if (w < 20 || h < 5) {
    /* Said, never an invisible dialog that swallows keys. */
    move(LINES - 2, 0);
    clrtoeol();
    attron(ui_attr(t, UI_C_WARN));
    ui_put(stdscr,
           "too small for the interface list: make the terminal "
           "larger, or Esc",
           COLS);
    attroff(ui_attr(t, UI_C_WARN));
    return;
  }
  y0 = (LINES - h) / 2;
  x0 = (COLS - w) / 2;
  for (int y = 0; y < h; y++) {
    move(y0 + y, x0);
    for (int x = 0; x < w; x++)
      addch(' ');
  }
  ui_hline(stdscr, y0, x0, w);
  ui_hline(stdscr, y0 + h - 1, x0, w);
  ui_vline(stdscr, y0, x0, h);
  ui_vline(stdscr, y0, x0 + w - 1, h);
  if (MB_CUR_MAX > 1) {
    mvadd_wch(y0, x0, WACS_ULCORNER);
    mvadd_wch(y0, x0 + w - 1, WACS_URCORNER);
    mvadd_wch(y0 + h - 1, x0, WACS_LLCORNER);
    mvadd_wch(y0 + h - 1, x0 + w - 1, WACS_LRCORNER);
  } else {
    mvaddch(y0, x0, ACS_ULCORNER);
    mvaddch(y0, x0 + w - 1, ACS_URCORNER);
    mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
    mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
  }
  snprintf(buf, sizeof(buf),
           " Rejoin %s on: ", mcw_endpoint_format(&g->ep, ep, sizeof(ep)));
  move(y0, x0 + 2);
  attron(ui_attr(t, UI_C_TITLE));
  ui_put(stdscr, buf, w - 4);
  attroff(ui_attr(t, UI_C_TITLE));
  for (int i = 0; i < n && i < h - 3; i++) {
    const struct mcw_iface *ifc = &t->picks.items[i];
    attr_t at = (size_t)i == t->pick_sel ? ui_attr(t, UI_C_SEL) : A_NORMAL;
    char name[MCW_ESC_MAX(sizeof(ifc->name))];
    int len, pad;
    /* The name escaped first, so the padding counts what is drawn. */
    ui_escape(t, (const uint8_t *)ifc->name, strlen(ifc->name), name,
              sizeof(name));
    pad = 12 - ui_width(name);
    len = snprintf(buf, sizeof(buf), "%s%*s %3u  %-4s%s%s", name,
                   pad > 0 ? pad : 0, "", ifc->index,
                   (ifc->flags & IFF_UP) ? "up" : "down",
                   (ifc->flags & IFF_LOOPBACK) ? "  loopback" : "",
                   ifc->index == g->ep.ifindex ? "  (current)" : "");
    for (unsigned k = 0; k < ifc->naddrs && len < (int)sizeof(buf) - 2; k++)
      len += snprintf(buf + len, sizeof(buf) - (size_t)len, "  %s",
                      mcw_addr_format(&ifc->addrs[k], a, sizeof(a)));
    move(y0 + 2 + i, x0 + 2);
    attron(at);
    ui_put_pad(stdscr, buf, w - 4);
    attroff(at);
  }
  move(y0 + h - 1, x0 + 2);
  ui_put(stdscr, " Up/Down choose, Enter rejoin, Esc cancel ", w - 4);
}

/* Counts one help line; true (with the cursor placed) when it is visible. */
static bool help_row(struct tui *t, int *line, int *y) {
  if ((*line)++ < t->help_scroll || *y >= LINES - 1)
    return false;
  move((*y)++, 0);
  return true;
}

/* Every key of a binding by name: "?/h/F1". */
static const char *key_list(const struct ui_binding *b, char *buf, size_t len) {
  size_t o = 0;

  buf[0] = '\0';
  for (size_t j = 0; j < MCW_ARRAY_LEN(b->keys) && b->keys[j] != 0; j++) {
    char one[32];
    const char *name = ui_key_name(b->keys[j], one, sizeof(one));
    if (name == NULL)
      continue; /* an alias of one already named (Enter's codes) */
    o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? "/" : "",
                          name);
  }
  return buf;
}

static void draw_help(struct tui *t) {
  static const char *notes[] = {
      "Payloads are escaped: \\xHH for control or invalid bytes, \\u{hhhh} "
      "for invisible controls, \\n \\t \\r \\\\ for the usual ones.",
      "LOSS reads \"-\" where there is nothing to judge it by: it needs "
      "sequence numbers (mcwatch probes, RTP, MPEG-TS, mcjoin, msend).",
      "drops counts datagrams the kernel dropped for a full receive buffer.",
      "Alarms: silent (nothing for --silence seconds after data came), loss "
      "(over --max-loss % in 10 s), drops (kernel drops in 10 s), error.",
  };
  const struct ui_keymap *maps[] = {&ui_overview_keys, &ui_pane_keys,
                                    &ui_main_keys,     &ui_prompt_keys,
                                    &ui_inspect_keys,  &ui_sessions_keys};
  int y = 0, line = 0;

  if (help_row(t, &line, &y)) {
    attron(ui_attr(t, UI_C_TITLE));
    ui_put(stdscr, " mcwatch keys (Up/Down scroll, any other key closes)",
           COLS);
    attroff(ui_attr(t, UI_C_TITLE));
  }
  for (size_t m = 0; m < MCW_ARRAY_LEN(maps); m++) {
    help_row(t, &line, &y);
    if (help_row(t, &line, &y)) {
      attron(A_BOLD);
      ui_put(stdscr, maps[m]->title, COLS);
      attroff(A_BOLD);
    }
    for (size_t i = 0; i < maps[m]->n; i++) {
      const struct ui_binding *b = &maps[m]->b[i];
      char keys[80];
      if (b->keys[0] == 0 || !help_row(t, &line, &y))
        continue;
      addstr("  ");
      attron(ui_attr(t, UI_C_KEY));
      ui_put_pad(stdscr, key_list(b, keys, sizeof(keys)), 22);
      attroff(ui_attr(t, UI_C_KEY));
      ui_put(stdscr, b->help, COLS - 24);
    }
  }
  help_row(t, &line, &y);
  if (help_row(t, &line, &y)) {
    attron(A_BOLD);
    ui_put(stdscr, "Overview columns (narrow screens drop the later ones)",
           COLS);
    attroff(A_BOLD);
  }
  for (int c = 0; c < MCW_OV_COLS; c++)
    if (help_row(t, &line, &y)) {
      addstr("  ");
      attron(ui_attr(t, UI_C_KEY));
      ui_put_pad(stdscr, mcw_ov_columns[c].title, 22);
      attroff(ui_attr(t, UI_C_KEY));
      ui_put(stdscr, mcw_ov_columns[c].help, COLS - 24);
    }
  help_row(t, &line, &y);
  for (size_t i = 0; i < MCW_ARRAY_LEN(notes); i++)
    if (help_row(t, &line, &y)) {
      addstr("  ");
      ui_put(stdscr, notes[i], COLS - 2);
    }
  if (t->help_scroll > line - 1)
    t->help_scroll = line - 1;
}

void ui_draw(struct tui *t) {
  ui_clamp(t); /* groups may have come and gone since the last frame */
  erase();
  if (LINES < 6 || COLS < 30) {
    /* Said in words that fit, with the size needed. */
    move(0, 0);
    ui_put(stdscr, COLS >= 24 ? "terminal too small:" : "too small", COLS);
    move(1, 0);
    ui_put(stdscr, "need 30x6", COLS);
  } else {
    switch (t->mode) {
    case UI_HELP:
      draw_help(t);
      draw_page_footer(t);
      break;
    case UI_DOCTOR:
      ui_doctor_draw(t);
      draw_status(t);
      draw_page_footer(t);
      break;
    case UI_OUTAGES:
      ui_outages_draw(t);
      draw_page_footer(t);
      break;
    case UI_MESSAGES:
      ui_messages_draw(t);
      draw_page_footer(t);
      break;
    case UI_SESSIONS:
      ui_sessions_draw(t);
      draw_status(t);
      draw_footer(t, &ui_sessions_keys);
      break;
    case UI_IGMP:
      ui_igmp_draw(t);
      draw_page_footer(t);
      break;
    case UI_INSPECT:
      ui_inspect_draw(t);
      draw_footer(t, &ui_inspect_keys);
      break;
    case UI_MAIN:
    case UI_PICK:
    case UI_PROMPT:
      if (t->overview) {
        ui_overview_draw(t);
      } else {
        draw_tabs(t);
        draw_panes(t);
      }
      if (t->mode == UI_PROMPT) {
        ui_prompt_draw(t);
        if (t->prompt.kind == UI_PROMPT_CONFIRM) {
          footer_two(t, "y", " Yes  ", "any other key", " No");
        } else {
          draw_footer(t, &ui_prompt_keys);
        }
      } else {
        draw_status(t);
        draw_footer(t, &ui_main_keys);
      }
      if (t->mode == UI_PICK)
        draw_pick(t);
      break;
    }
  }
  if (t->clear_next) {
    clearok(curscr, TRUE);
    t->clear_next = false;
  }
  wnoutrefresh(stdscr);
  doupdate();
}
