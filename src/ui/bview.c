/*
 * The beacon's screen. One matrix per channel, rows the sending beacons
 * and columns the receiving ones, numbered so that 8 beacons fit 80x24;
 * the channels sit side by side when the terminal is wide enough, else
 * Tab shows one after the other. Loss is coloured and, for a screen
 * without colour, bold when above zero and reverse at 5 % or when a
 * receiver hears nothing. A cursor on a cell shows that pair's figures
 * and a sparkline of its loss per report interval below the matrix.
 * Keys are a table; the footer and the help page (?) are written from it.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <term.h>

#include "bview.h"
#include "termguard.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "ui.h"

#define REDRAW_MS 100
#define CELL_W 5 /* four characters and the cursor's column */
#define MAX_CH 8

enum figure { FIG_LOSS, FIG_DELAY, FIG_JITTER, FIG_HOPS, FIG_COUNT };
static const char *const figure_names[FIG_COUNT] = {"loss", "delay", "jitter",
                                                    "hops"};

enum { C_OK = 1, C_WARN, C_BAD, C_DIM, C_TITLE };

struct mcw_bview {
  uv_loop_t *loop;
  uv_poll_t in;
  uv_timer_t timer;
  uv_signal_t winch;
  SCREEN *screen;
  bool color, utf8, dirty, curses_on, closed;
  void (*on_quit)(void *ctx);
  void *ctx;
  struct mcw_beacon_view ch[MAX_CH];
  size_t nch;
  const char *status;
  enum figure fig;
  bool help;      /* the help page is up: the next key closes it */
  size_t focus;   /* the channel the cursor is in */
  int crow, ccol; /* cursor: positions in the focused channel's order */
  int top, left;  /* scroll offsets of the focused channel */
};

/* Keys as data: the footer and the help page are written from this table. */
struct bkey {
  int key;
  const char *label;   /* for the footer and the help page; NULL: not listed */
  const char *help;    /* the footer's word */
  const char *explain; /* the help page's line */
  void (*act)(struct mcw_bview *v);
};

static void move_by(struct mcw_bview *v, int dr, int dc) {
  v->crow += dr;
  v->ccol += dc;
}
static void k_up(struct mcw_bview *v) { move_by(v, -1, 0); }
static void k_down(struct mcw_bview *v) { move_by(v, 1, 0); }
static void k_left(struct mcw_bview *v) { move_by(v, 0, -1); }
static void k_right(struct mcw_bview *v) { move_by(v, 0, 1); }
static void k_figure(struct mcw_bview *v) {
  v->fig = (enum figure)((v->fig + 1) % FIG_COUNT);
}
static void k_channel(struct mcw_bview *v) {
  if (v->nch > 0)
    v->focus = (v->focus + 1) % v->nch;
}
static void k_quit(struct mcw_bview *v) { v->on_quit(v->ctx); }
static void k_help(struct mcw_bview *v) { v->help = true; }

static const struct bkey keys[] = {
    {KEY_UP, "arrows", "move",
     "move the cursor (h j k l too); below the matrix: that pair's figures "
     "and its loss per report",
     k_up},
    {KEY_DOWN, NULL, NULL, NULL, k_down},
    {KEY_LEFT, NULL, NULL, NULL, k_left},
    {KEY_RIGHT, NULL, NULL, NULL, k_right},
    {'k', NULL, NULL, NULL, k_up},
    {'j', NULL, NULL, NULL, k_down},
    {'h', NULL, NULL, NULL, k_left},
    {'l', NULL, NULL, NULL, k_right},
    {'v', "v", "figure", "the figure in the cells: loss, delay, jitter, hops",
     k_figure},
    {'\t', "Tab", "channel", "the next channel, when there are several",
     k_channel},
    {'?', "?", "help", "this page (any key closes it)", k_help},
    {'q', "q", "quit", "quit (the other beacons see this one go)", k_quit},
};

static attr_t pair(struct mcw_bview *v, int c) {
  return v->color ? COLOR_PAIR(c) : 0;
}

/* Four characters for a value in milliseconds. */
static void fmt_ms(char *out, size_t len, double ms) {
  if (ms < 0 && ms > -10)
    snprintf(out, len, "%4.1f", ms);
  else if (ms < 0)
    snprintf(out, len, "%4s", "<-9");
  else if (ms < 10)
    snprintf(out, len, "%4.2f", ms);
  else if (ms < 100)
    snprintf(out, len, "%4.1f", ms);
  else if (ms < 10000)
    snprintf(out, len, "%4.0f", ms);
  else
    snprintf(out, len, "%4s", ">9k");
}

/* The text and attributes of one cell. */
static attr_t cell_text(struct mcw_bview *v, const struct mcw_bmatrix *m, int f,
                        int t, char *out, size_t len) {
  const struct mcw_bcell *c = mcw_bmatrix_cell(m, f, t);
  double loss;

  if (f == t) {
    snprintf(out, len, "%4s", v->utf8 ? "\xc2\xb7" : ".");
    if (v->utf8)
      snprintf(out, len, "   \xc2\xb7");
    return pair(v, C_DIM);
  }
  if (!mcw_beacon_pair_shown(m, f, t)) {
    snprintf(out, len, "%4s", "?"); /* that receiver has not reported */
    return pair(v, C_DIM);
  }
  if (!c->valid || c->f.received == 0) {
    snprintf(out, len, "%4s", "--"); /* hears nothing */
    return pair(v, C_BAD) | A_REVERSE;
  }
  loss = mcw_bcell_loss_pct(&c->f);
  switch (v->fig) {
  case FIG_LOSS:
    if (loss < 0.5 && loss > 0)
      snprintf(out, len, "%4s", "<1%");
    else
      snprintf(out, len, "%3.0f%%", loss);
    break;
  case FIG_DELAY:
    if (c->f.has_delay)
      fmt_ms(out, len, c->f.delay_ms);
    else
      snprintf(out, len, "%4s", "-");
    break;
  case FIG_JITTER:
    if (c->f.has_jitter)
      fmt_ms(out, len, c->f.jitter_ms);
    else
      snprintf(out, len, "%4s", "-");
    break;
  case FIG_HOPS:
    if (c->f.has_hops)
      snprintf(out, len, "%4u", c->f.hops);
    else
      snprintf(out, len, "%4s", "-");
    break;
  default:
    break;
  }
  if (loss >= 5)
    return pair(v, C_BAD) | A_REVERSE;
  if (loss > 0)
    return pair(v, C_WARN) | A_BOLD;
  return pair(v, C_OK);
}

/* Width of a channel's block: row labels and n cells. */
static int block_width(int n, int label_w) { return label_w + n * CELL_W; }

/*
 * Draws channel k's matrix at (y, x) within w columns and h rows; the
 * focused one scrolls to keep the cursor in view.
 */
static void draw_matrix(struct mcw_bview *v, size_t k, int y, int x, int w,
                        int h) {
  const struct mcw_beacon_view *cv = &v->ch[k];
  const struct mcw_bmatrix *m = cv->m;
  int order[MCW_BEACON_MAX], n = mcw_bmatrix_order(m, order);
  int label_w = 14, rows = h - 2, cols = (w - label_w) / CELL_W;
  int top = 0, left = 0;
  bool focus = k == v->focus;
  char buf[128];

  if (rows < 1 || cols < 1)
    return;
  if (focus) {
    if (v->crow >= n)
      v->crow = n - 1;
    if (v->ccol >= n)
      v->ccol = n - 1;
    if (v->crow < 0)
      v->crow = 0;
    if (v->ccol < 0)
      v->ccol = 0;
    if (v->crow < v->top)
      v->top = v->crow;
    if (v->crow >= v->top + rows)
      v->top = v->crow - rows + 1;
    if (v->ccol < v->left)
      v->left = v->ccol;
    if (v->ccol >= v->left + cols)
      v->left = v->ccol - cols + 1;
    top = v->top;
    left = v->left;
  }
  if (n > rows || n > cols) /* say what the arrows scroll to */
    snprintf(buf, sizeof(buf), "%s %s  rows %d-%d, columns %d-%d of %d",
             cv->ssm ? "SSM" : "ASM", cv->group, top + 1,
             top + rows < n ? top + rows : n, left + 1,
             left + cols < n ? left + cols : n, n);
  else
    snprintf(buf, sizeof(buf), "%s %s", cv->ssm ? "SSM" : "ASM", cv->group);
  attrset(A_BOLD | pair(v, C_TITLE));
  mvaddstr(y, x, "");
  ui_put(stdscr, buf, w);
  attrset(A_NORMAL);
  move(y + 1, x);
  ui_put(stdscr, "from \\ to", label_w);
  for (int c = left; c < n && c < left + cols; c++) {
    snprintf(buf, sizeof(buf), "%*d", CELL_W, c + 1);
    mvaddstr(y + 1, x + label_w + (c - left) * CELL_W, buf);
  }
  for (int r = top; r < n && r < top + rows; r++) {
    const struct mcw_beacon_peer *p = &m->peers[order[r]];
    int yy = y + 2 + (r - top);
    snprintf(buf, sizeof(buf), "%2d ", r + 1);
    attrset(p->gone ? pair(v, C_DIM) : A_NORMAL);
    mvaddstr(yy, x, buf);
    ui_put(stdscr, p->name, label_w - 4 - (p->gone ? 5 : 0));
    if (p->gone)
      addstr(" gone");
    attrset(A_NORMAL);
    for (int c = left; c < n && c < left + cols; c++) {
      int cx = x + label_w + (c - left) * CELL_W;
      attr_t a = cell_text(v, m, order[r], order[c], buf, sizeof(buf));
      bool cur = focus && r == v->crow && c == v->ccol;
      mvaddstr(yy, cx, cur ? ">" : " ");
      attrset(a | (cur ? A_UNDERLINE : 0));
      addstr(buf);
      attrset(A_NORMAL);
    }
  }
}

/* A sparkline of a cell's loss history into out. */
static void spark(struct mcw_bview *v, const struct mcw_bcell *c, int w,
                  char *out, size_t len) {
  static const char *const bars[] = {
      "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
  static const char ascii[] = "_.:-=+*#";
  int from = c->hist_count > w ? c->hist_count - w : 0;
  size_t used = 0;

  out[0] = '\0';
  for (int i = from; i < c->hist_count && used + 4 < len; i++) {
    uint8_t pct = c->hist[(c->hist_head + i) % MCW_BEACON_HIST];
    int lvl = pct == 255 ? -1 : pct == 0 ? 0 : 1 + (pct * 6) / 100;
    if (lvl > 7)
      lvl = 7;
    if (lvl < 0) {
      out[used++] = ' ';
    } else if (v->utf8) {
      memcpy(out + used, bars[lvl], 3);
      used += 3;
    } else {
      out[used++] = ascii[lvl];
    }
    out[used] = '\0';
  }
}

/* The cursor's pair: figures, where they come from, the sparkline. */
static void draw_details(struct mcw_bview *v, int y) {
  const struct mcw_beacon_view *cv = &v->ch[v->focus];
  const struct mcw_bmatrix *m = cv->m;
  int order[MCW_BEACON_MAX], n = mcw_bmatrix_order(m, order);
  const struct mcw_bcell *c;
  const struct mcw_beacon_peer *f, *t;
  char line[512], sp[MCW_BEACON_HIST * 3 + 1];
  int64_t now = mcw_mono_ns();

  if (v->crow < 0 || v->ccol < 0 || v->crow >= n || v->ccol >= n)
    return;
  f = &m->peers[order[v->crow]];
  t = &m->peers[order[v->ccol]];
  c = mcw_bmatrix_cell(m, order[v->crow], order[v->ccol]);
  move(y, 0);
  attrset(A_BOLD);
  ui_put(stdscr, f->name, 32);
  attrset(A_NORMAL);
  addstr(" -> ");
  attrset(A_BOLD);
  ui_put(stdscr, t->name, 32);
  attrset(A_NORMAL);
  if (f == t) {
    mvaddstr(y + 1, 0, "a beacon does not measure itself");
    return;
  }
  if (!c->valid) {
    mvaddstr(y + 1, 0,
             mcw_beacon_pair_shown(m, order[v->crow], order[v->ccol])
                 ? "nothing heard: no probes of the sender reach the receiver"
                 : "the receiver's reports are not heard here");
    return;
  }
  snprintf(line, sizeof(line),
           " (%s)  received %llu  lost %llu (%.2f%%)  dup %llu  "
           "reordered %llu",
           c->own ? "measured here" : "reported",
           (unsigned long long)c->f.received, (unsigned long long)c->f.lost,
           mcw_bcell_loss_pct(&c->f) < 0 ? 0.0 : mcw_bcell_loss_pct(&c->f),
           (unsigned long long)c->f.dup, (unsigned long long)c->f.reordered);
  ui_put(stdscr, line, COLS - getcurx(stdscr));
  {
    char d[64] = "-", dm[64] = "-", j[64] = "-", hp[16] = "-";
    if (c->f.has_delay) {
      snprintf(d, sizeof(d), "%.3f ms", c->f.delay_ms);
      snprintf(dm, sizeof(dm), "%.3f", c->f.delay_max_ms);
    }
    if (c->f.has_jitter)
      snprintf(j, sizeof(j), "%.3f ms", c->f.jitter_ms);
    if (c->f.has_hops)
      snprintf(hp, sizeof(hp), "%u", c->f.hops);
    snprintf(line, sizeof(line),
             "delay %s (max %s)*  jitter %s  hops %s  age %.1f s", d, dm, j, hp,
             (double)(now - c->updated_ns) / 1e9);
    move(y + 1, 0);
    ui_put(stdscr, line, COLS);
  }
  spark(v, c, COLS - 12 > 0 ? COLS - 12 : 0, sp, sizeof(sp));
  mvaddstr(y + 2, 0, "loss/report ");
  attrset(pair(v, C_WARN));
  addstr(sp);
  attrset(A_NORMAL);
}

/* The help page: keys, then what the cells and colours mean. */
static void draw_help(struct mcw_bview *v, int w, int h) {
  static const char *const legend[] = {
      "A row is a beacon that sends, a column one that receives: the cell",
      "is what the column's beacon hears of the row's, measured here or",
      "reported by it.",
      "",
      "  loss    percent of the row's probes the column did not receive",
      "  delay   one-way delay, ms (needs agreeing clocks: one host, PTP)",
      "  jitter  RFC 3550 interarrival jitter, ms (no clock needed)",
      "  hops    routers between them, from the TTL or hop limit",
      "",
      "  \xc2\xb7       a beacon and itself",
      "  ?       that receiver has not reported yet",
      "  --      the receiver hears nothing of the sender",
      "  -       no figure of that kind yet",
      "",
      "Loss is yellow and bold above 0, red and reversed from 5 % or when",
      "nothing is heard, so it shows without colour too.",
  };
  int y = 0;

  erase();
  attrset(A_BOLD | pair(v, C_TITLE));
  move(y++, 0);
  ui_put(stdscr, "mcwatch beacon: help", w);
  attrset(A_NORMAL);
  y++;
  for (size_t i = 0; i < MCW_ARRAY_LEN(keys) && y < h - 1; i++) {
    if (keys[i].explain == NULL)
      continue;
    move(y, 2);
    attrset(A_BOLD);
    ui_put(stdscr, keys[i].label, w - 2);
    attrset(A_NORMAL);
    move(y++, 10);
    ui_put(stdscr, keys[i].explain, w - getcurx(stdscr));
  }
  y++;
  for (size_t i = 0; i < MCW_ARRAY_LEN(legend) && y < h - 1; i++, y++) {
    const char *line = legend[i];
    if (!v->utf8 && strncmp(line, "  \xc2\xb7", 4) == 0)
      line = "  .       a beacon and itself";
    move(y, 0);
    ui_put(stdscr, line, w);
  }
  move(h - 1, 0);
  attrset(pair(v, C_DIM));
  ui_put(stdscr, "any key: back to the matrix", w);
  attrset(A_NORMAL);
  refresh();
}

static void draw(struct mcw_bview *v) {
  int y, w = COLS, h = LINES, mh, x = 0;
  char title[160];
  const struct mcw_beacon_peer *self;

  if (v->help) {
    draw_help(v, w, h);
    return;
  }
  erase();
  if (v->nch == 0)
    return;
  self = mcw_bmatrix_peer(v->ch[0].m, v->ch[0].m->self);
  attrset(A_BOLD | pair(v, C_TITLE));
  move(0, 0);
  snprintf(title, sizeof(title), "mcwatch beacon  figure: %s  ",
           figure_names[v->fig]);
  ui_put(stdscr, title, w);
  ui_put(stdscr, self->name, w - getcurx(stdscr));
  attrset(A_NORMAL);
  move(1, 0);
  ui_put(stdscr,
         "rows send, columns receive. *One-way delay needs agreeing clocks;"
         " jitter not.",
         w);
  /* Matrices: side by side when they fit, else the focused one. */
  mh = h - 2 - 5;
  y = 2;
  {
    int total = 0, order[MCW_BEACON_MAX];
    for (size_t k = 0; k < v->nch; k++)
      total += block_width(mcw_bmatrix_order(v->ch[k].m, order), 14) + 2;
    for (size_t k = 0; k < v->nch; k++) {
      int n = mcw_bmatrix_order(v->ch[k].m, order);
      int bw = block_width(n, 14);
      if (total > w && k != v->focus)
        continue;
      if (total > w)
        bw = w;
      draw_matrix(v, k, y, x, bw, mh);
      x += bw + 2;
    }
  }
  draw_details(v, h - 5);
  move(h - 2, 0);
  attrset(pair(v, C_DIM));
  ui_put(stdscr, v->status != NULL ? v->status : "", w);
  attrset(A_NORMAL);
  move(h - 1, 0);
  for (size_t i = 0; i < MCW_ARRAY_LEN(keys); i++) {
    if (keys[i].label == NULL || (keys[i].act == k_channel && v->nch < 2))
      continue;
    attrset(A_BOLD);
    ui_put(stdscr, keys[i].label, w - getcurx(stdscr));
    attrset(A_NORMAL);
    addstr(" ");
    ui_put(stdscr, keys[i].help, w - getcurx(stdscr));
    addstr("  ");
  }
  refresh();
}

static void on_timer(uv_timer_t *t) {
  struct mcw_bview *v = t->data;
  if (v->dirty && v->curses_on) {
    v->dirty = false;
    draw(v);
  }
}

static void on_stdin(uv_poll_t *h, int status, int events) {
  struct mcw_bview *v = h->data;
  int ch;

  (void)status;
  (void)events;
  while (v->curses_on && (ch = getch()) != ERR) {
    if (v->help) { /* any key closes the help page, and only that */
      v->help = false;
      v->dirty = true;
      continue;
    }
    for (size_t i = 0; i < MCW_ARRAY_LEN(keys); i++)
      if (keys[i].key == ch) {
        keys[i].act(v);
        break;
      }
    if (!v->curses_on)
      return; /* quit closed the screen */
    v->dirty = true;
  }
  if (v->dirty)
    on_timer(&v->timer);
}

static void on_winch(uv_signal_t *h, int signum) {
  struct mcw_bview *v = h->data;
  struct winsize ws;

  (void)signum;
  if (!v->curses_on)
    return;
  if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
    resizeterm(ws.ws_row, ws.ws_col);
  clear();
  v->dirty = true;
  on_timer(&v->timer);
}

struct mcw_bview *mcw_bview_open(uv_loop_t *loop, bool color,
                                 void (*on_quit)(void *ctx), void *ctx,
                                 char *err, size_t errlen) {
  struct mcw_bview *v;
  const char *term = getenv("TERM");
  int terr;

  if (!isatty(0) || !isatty(1)) {
    snprintf(err, errlen,
             "the screen needs a terminal on stdin and stdout; "
             "for JSON lines use --headless");
    return NULL;
  }
  if (term == NULL || term[0] == '\0' || setupterm(NULL, 1, &terr) != OK) {
    snprintf(err, errlen, "cannot use this terminal; use --headless");
    return NULL;
  }
  del_curterm(cur_term);
  setlocale(LC_ALL, "");
  v = mcw_xcalloc(1, sizeof(*v));
  v->loop = loop;
  v->on_quit = on_quit;
  v->ctx = ctx;
  v->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  ui_guard_begin();
  ui_guard_stdin_flags();
  v->screen = newterm(NULL, stdout, stdin);
  if (v->screen == NULL) {
    free(v);
    snprintf(err, errlen, "cannot use this terminal; use --headless");
    return NULL;
  }
  set_term(v->screen);
  v->curses_on = true;
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  ui_guard_arm(); /* no signal leaves the terminal raw */
  if (color && has_colors() && start_color() == OK) {
    short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
    init_pair(C_OK, COLOR_GREEN, bg);
    init_pair(C_WARN, COLOR_YELLOW, bg);
    init_pair(C_BAD, COLOR_RED, bg);
    init_pair(C_DIM, COLORS >= 16 ? 8 : COLOR_BLUE, bg);
    init_pair(C_TITLE, COLOR_CYAN, bg);
    v->color = true;
  }
  uv_poll_init(loop, &v->in, 0);
  v->in.data = v;
  uv_poll_start(&v->in, UV_READABLE, on_stdin);
  uv_timer_init(loop, &v->timer);
  v->timer.data = v;
  uv_timer_start(&v->timer, on_timer, REDRAW_MS, REDRAW_MS);
  uv_signal_init(loop, &v->winch);
  v->winch.data = v;
  uv_signal_start(&v->winch, on_winch, SIGWINCH);
  v->dirty = true;
  return v;
}

void mcw_bview_set(struct mcw_bview *v, const struct mcw_beacon_view *ch,
                   size_t n, const char *status) {
  v->nch = n < MAX_CH ? n : MAX_CH;
  memcpy(v->ch, ch, v->nch * sizeof(*ch));
  v->status = status;
  v->dirty = true;
}

void mcw_bview_dirty(struct mcw_bview *v) { v->dirty = true; }

void mcw_bview_close(struct mcw_bview *v) {
  if (v->closed)
    return;
  v->closed = true;
  if (v->curses_on) {
    ui_guard_disarm();
    endwin();
    v->curses_on = false;
    ui_guard_stdin_back();
  }
  uv_close((uv_handle_t *)&v->in, NULL);
  uv_close((uv_handle_t *)&v->timer, NULL);
  uv_close((uv_handle_t *)&v->winch, NULL);
}

void mcw_bview_free(struct mcw_bview *v) {
  if (v->screen != NULL)
    delscreen(v->screen);
  free(v);
}
