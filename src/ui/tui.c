/*
 * The screen UI's glue: opens curses, builds on the session as headless
 * mode does, and adds three libuv handles of its own: a uv_poll_t on stdin
 * drained with wget_wch in nodelay mode, a 20 Hz timer that redraws only
 * when something changed (or once a second, for ages and rates), and a
 * uv_signal_t for SIGWINCH. Packet callbacks only mark the screen dirty.
 * Every exit path (quit, SIGINT, SIGTERM, SIGHUP, a fatal error) goes
 * through endwin and puts stdin's file flags back as they were. A fatal
 * signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) cannot call endwin, which
 * is not async-signal-safe: its handler writes the terminal's own strings to
 * leave the alternate screen, show the cursor, reset attributes and the
 * keypad mode, puts the saved termios back with tcsetattr (both safe in a
 * handler), and raises the signal again with the default action. Signals
 * that would kill it for no reason (SIGPIPE, SIGUSR1, SIGALRM, real-time
 * signals...) are caught and dropped; SIGCONT takes the terminal modes back
 * and repaints, since the shell restores its own modes after a SIGSTOP.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mcwatch/capture.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/fmt.h"
#include "ui.h"

#define REDRAW_MS 50              /* 20 Hz at most */
#define IDLE_REDRAW_NS 1000000000 /* ages and rates move even when idle */
#define STDIN_EOF_LIMIT 20        /* readable with nothing to read: hung up */

static struct tui *fatal_tui;

static void restore_terminal(struct tui *t) {
  ui_guard_disarm();
  if (t->curses_on) {
    /*
     * Blank the screen first: a terminal (tmux, for one) that was resized
     * while on the alternate screen may keep what lies beyond the old size
     * when it switches back.
     */
    erase();
    refresh();
    endwin();
    t->curses_on = false;
  }
  ui_guard_stdin_back();
}

static void on_fatal(void) {
  if (fatal_tui != NULL)
    restore_terminal(fatal_tui);
}

void ui_status(struct tui *t, enum ui_level level, const char *fmt, ...) {
  char raw[sizeof(t->status)];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(raw, sizeof(raw), fmt, ap);
  va_end(ap);
  /* Messages may quote user input or interface names: escape them too. */
  mcw_escape((const uint8_t *)raw, strlen(raw), t->status, sizeof(t->status),
             MCW_ESC_MESSAGE | (t->utf8 ? 0 : MCW_ESC_ASCII));
  t->status_level = level;
  t->status_ns = mcw_mono_ns();
  t->dirty = true;
  ui_log(t, level, t->status); /* the full text stays in the log (m) */
}

struct mcw_group *ui_current_group(struct tui *t) {
  ui_clamp(t);
  return mcw_engine_group(t->session.engine, t->cur);
}

void ui_clamp(struct tui *t) {
  struct mcw_engine *e = t->session.engine;
  size_t n = mcw_engine_count(e);
  bool listed = false;

  if (t->cur >= n)
    t->cur = n > 0 ? n - 1 : 0;
  if (t->pick_sel >= t->picks.count)
    t->pick_sel = t->picks.count > 0 ? t->picks.count - 1 : 0;
  /* Panes and the inspector name groups by pointer: drop the stale ones. */
  for (size_t i = 0; i < t->npanes;) {
    struct mcw_group *g = t->panes[i].group;
    bool found = false;
    for (size_t k = 0; k < n && !found; k++)
      found = mcw_engine_group(e, k) == g;
    if (found)
      i++;
    else
      ui_pane_forget(t, g);
  }
  for (size_t k = 0; k < n && !listed; k++)
    listed = mcw_engine_group(e, k) == t->insp_group;
  if (!listed)
    t->insp_group = NULL;
  if (t->mode == UI_INSPECT && t->insp_group == NULL)
    t->mode = UI_MAIN;
  if ((t->mode == UI_PICK && (n == 0 || t->picks.count == 0)))
    t->mode = UI_MAIN;
}

struct ui_pane *ui_pane_of(struct tui *t, struct mcw_group *g) {
  struct ui_pane *p;

  if (g == NULL)
    mcw_fatal("ui: a pane for no group"); /* a caller skipped ui_clamp */

  for (size_t i = 0; i < t->npanes; i++)
    if (t->panes[i].group == g)
      return &t->panes[i];
  if (t->npanes == t->panecap) {
    t->panecap = t->panecap ? 2 * t->panecap : 8;
    t->panes = mcw_xrealloc(t->panes, t->panecap * sizeof(*t->panes));
  }
  p = &t->panes[t->npanes++];
  memset(p, 0, sizeof(*p));
  p->group = g;
  if (t->paused)
    ui_pane_freeze(p); /* a pane born while paused starts frozen too */
  return p;
}

void ui_pane_forget(struct tui *t, struct mcw_group *g) {
  for (size_t i = 0; i < t->npanes; i++) {
    if (t->panes[i].group != g)
      continue;
    if (t->panes[i].has_snap)
      mcw_ring_free(&t->panes[i].snap);
    t->panes[i] = t->panes[--t->npanes];
    break;
  }
  if (t->insp_group == g) {
    t->insp_group = NULL;
    if (t->mode == UI_INSPECT)
      t->mode = UI_MAIN;
  }
}

const struct mcw_ring *ui_pane_ring(struct ui_pane *p) {
  return p->has_snap ? &p->snap : &p->group->ring;
}

static void on_datagram(void *ctx, struct mcw_group *g,
                        const struct mcw_datagram *d) {
  struct tui *t = ctx;

  t->dirty = true; /* drawing happens on the timer, never here */
  if (t->capture != NULL)
    ui_record_datagram(t, g, d);
  if (t->opt->count > 0 && mcw_engine_total(t->session.engine) >= t->opt->count)
    mcw_session_stop(&t->session, "count");
}

static void on_event(void *ctx, const struct mcw_event *ev) {
  struct tui *t = ctx;
  enum ui_level level = ev->type == MCW_EV_ERROR     ? UI_ERROR
                        : ev->type == MCW_EV_WARNING ? UI_WARN
                                                     : UI_INFO;
  if (ev->type == MCW_EV_IFACE) {
    bool lost =
        strcmp(ev->change, "down") == 0 || strcmp(ev->change, "gone") == 0;
    /* An address change must not hide why a group is waiting. */
    if (strncmp(ev->change, "address", 7) == 0 && t->status_level != UI_INFO)
      return;
    level = lost ? UI_WARN : UI_INFO;
  }
  if (!t->session.stopping)
    ui_status(t, level, "%s", ev->message);
}

/* A SAP session announced, deleted or expired: the status line and log. */
static void on_sap(struct mcw_session *s, const struct mcw_sap_session *ss,
                   enum mcw_sap_state st) {
  struct tui *t = s->ctx;
  char ep[128];

  if (s->stopping)
    return;
  ui_status(t, UI_INFO, "SAP: %s %s (%s)",
            st == MCW_SAP_ANNOUNCED ? "announced"
            : st == MCW_SAP_DELETED ? "deleted"
                                    : "expired",
            ss->name, mcw_sap_media_endpoint(&ss->media[0], ep, sizeof(ep)));
}

/* A querier alarm raised or cleared: the status line and the bell. */
static void on_querier_alarm(struct mcw_session *s,
                             const struct mcw_igmp_link *l,
                             const struct mcw_querier_event *ev) {
  struct tui *t = s->ctx;
  const char *proto = l->family == AF_INET6 ? "MLD" : "IGMP";

  if (s->stopping)
    return;
  if (ev->raised) {
    ui_status(t, ev->kind == MCW_QUERIER_CHANGE ? UI_WARN : UI_ERROR,
              "ALARM %s %s: %s", l->iface, proto, ev->why);
    if (t->opt->ring_bell && t->curses_on && ev->kind != MCW_QUERIER_CHANGE)
      beep();
  } else if (ev->kind != MCW_QUERIER_CHANGE) {
    ui_status(t, UI_INFO, "cleared %s %s: %s", l->iface, proto,
              mcw_querier_alarm_name(ev->kind));
  }
  t->dirty = true;
}

/* An IGMP/MLD message: the page and the pane headers change. */
static void on_igmp(struct mcw_session *s, const struct mcw_igmp_link *l,
                    const struct mcw_igmp_msg *m, const struct mcw_addr *src,
                    bool self, unsigned flags) {
  struct tui *t = s->ctx;
  (void)l, (void)m, (void)src, (void)self, (void)flags;
  t->dirty = true;
}

/* An alarm raised or cleared: the status line, the bell, the log. */
static void on_alarm(struct mcw_session *s, struct mcw_group *g,
                     const struct mcw_alarm_event *ev) {
  struct tui *t = s->ctx;
  char ep[128], dur[16];

  if (s->stopping)
    return;
  mcw_endpoint_format(&g->ep, ep, sizeof(ep));
  if (ev->raised) {
    ui_status(t, UI_ERROR, "ALARM %s%s%s%s: %s", ep, g->ep.label[0] ? " (" : "",
              g->ep.label, g->ep.label[0] ? ")" : "", ev->why);
    if (t->opt->ring_bell && t->curses_on)
      beep();
  } else {
    char msg[300];
    snprintf(msg, sizeof(msg), "cleared %s: %s after %s, %llu lost", ep,
             mcw_alarm_name(ev->kind),
             mcw_fmt_age((int64_t)(ev->duration_s * 1e9), dur, sizeof(dur)),
             (unsigned long long)ev->lost);
    /* Good news waits its turn: a fresh message stays up (the log has it). */
    if (mcw_mono_ns() - t->status_ns < 2 * MCW_NS_PER_SEC)
      ui_log(t, UI_INFO, msg);
    else
      ui_status(t, UI_INFO, "%s", msg);
  }
}

/*
 * Frame timing for bench/overview.sh: with MCWATCH_DRAW_STATS=FILE set, the
 * time each frame took to draw (model to terminal) is kept, and at exit
 * FILE gets one line: frames, median, 99th percentile and worst in ms, and
 * how long start-up (every join) took.
 */
#define DRAW_SAMPLES 4096
static struct {
  const char *path;
  double ms[DRAW_SAMPLES];
  size_t n;
  double startup_ms;
} draw_stats;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Milliseconds since this process started (10 ms grain: clock ticks). */
static double since_exec_ms(void) {
  char buf[1024], *p;
  unsigned long long start = 0;
  struct timespec now;
  FILE *f = fopen("/proc/self/stat", "r");
  size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

  if (f != NULL)
    fclose(f);
  buf[n] = '\0';
  p = strrchr(buf, ')'); /* the name may hold spaces; fields follow it */
  for (int field = 2; p != NULL && field < 22; field++)
    p = strchr(p + 1, ' ');
  if (p == NULL || sscanf(p + 1, "%llu", &start) != 1)
    return -1;
  clock_gettime(CLOCK_BOOTTIME, &now);
  return ((double)now.tv_sec + (double)now.tv_nsec / 1e9 -
          (double)start / (double)sysconf(_SC_CLK_TCK)) *
         1e3;
}

static void draw_stats_write(void) {
  FILE *f;
  size_t n = draw_stats.n < DRAW_SAMPLES ? draw_stats.n : DRAW_SAMPLES;

  if (draw_stats.path == NULL || (f = fopen(draw_stats.path, "w")) == NULL)
    return;
  qsort(draw_stats.ms, n, sizeof(double), cmp_double);
  fprintf(f,
          "frames %zu median_ms %.3f p99_ms %.3f max_ms %.3f startup_ms %.1f\n",
          draw_stats.n, n ? draw_stats.ms[n / 2] : 0.0,
          n ? draw_stats.ms[n * 99 / 100] : 0.0, n ? draw_stats.ms[n - 1] : 0.0,
          draw_stats.startup_ms);
  if (fclose(f) != 0)
    fprintf(stderr, "mcwatch: %s: %s\n", draw_stats.path, strerror(errno));
}

static void draw_now(struct tui *t) {
  int64_t t0;

  if (!t->curses_on)
    return;
  t0 = mcw_mono_ns();
  ui_draw(t);
  t->dirty = false;
  t->last_draw_ns = mcw_mono_ns();
  if (draw_stats.path != NULL)
    draw_stats.ms[draw_stats.n++ % DRAW_SAMPLES] =
        (double)(t->last_draw_ns - t0) / 1e6;
}

static void on_redraw(uv_timer_t *h) {
  struct tui *t = h->data;

  if (t->dirty || mcw_mono_ns() - t->last_draw_ns >= IDLE_REDRAW_NS) {
    /* Drops show between datagrams too: the socket's counter, once a draw. */
    mcw_engine_refresh_drops(t->session.engine);
    draw_now(t);
  }
  ui_record_tick(t);
}

static unsigned handle_key(struct tui *t, struct ui_key k) {
  if (k.fkey && k.ch == KEY_RESIZE)
    return UI_CLEAR;
  if (k.fkey && k.ch == KEY_MOUSE)
    return ui_mouse(t);
  switch (t->mode) {
  case UI_MAIN:
    return ui_main_key(t, k);
  case UI_PROMPT:
    return ui_prompt_key(t, k);
  case UI_INSPECT:
    return ui_dispatch(t, &ui_inspect_keys, k);
  case UI_SESSIONS:
    return ui_dispatch(t, &ui_sessions_keys, k);
  case UI_HELP:
  case UI_PICK:
  case UI_DOCTOR:
  case UI_OUTAGES:
  case UI_MESSAGES:
  case UI_IGMP:
    return ui_modal_key(t, k);
  }
  return UI_NONE;
}

static void on_stdin(uv_poll_t *h, int status, int events) {
  static int empty_wakeups;
  struct tui *t = h->data;
  unsigned react = UI_NONE;
  int got = 0;

  if (status < 0) {
    mcw_session_stop(&t->session, "stdin");
    return;
  }
  while (t->curses_on && !t->session.stopping) {
    struct ui_key k;
    int r = wget_wch(stdscr, &k.ch);
    if (r == ERR)
      break;
    got++;
    k.fkey = r == KEY_CODE_YES;
    react |= handle_key(t, k);
    if (react & UI_QUIT)
      break;
  }
  if (got == 0) {
    int avail = 0;
    /* Readable yet nothing to read: the terminal went away. */
    if (ioctl(0, FIONREAD, &avail) == 0 && avail == 0 &&
        ++empty_wakeups >= STDIN_EOF_LIMIT) {
      mcw_session_stop(&t->session, "stdin closed");
      return;
    }
  } else {
    empty_wakeups = 0;
  }
  if (react & UI_QUIT) {
    mcw_session_stop(&t->session, "quit");
    return;
  }
  if (react & UI_CLEAR)
    t->clear_next = true;
  if (react & (UI_REDRAW | UI_CLEAR))
    draw_now(t); /* answer keys at once, not on the next tick */
}

static void on_winch(uv_signal_t *h, int signum) {
  struct tui *t = h->data;
  struct winsize ws;

  if (!t->curses_on)
    return;
  if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
    resizeterm(ws.ws_row, ws.ws_col);
  t->clear_next = true;
  draw_now(t);
}

/*
 * Resumed after SIGSTOP (or a SIGTSTP that curses did not see): the shell
 * put its own terminal modes back meanwhile, and may have drawn on the
 * screen or seen a resize. Take the modes back and repaint everything.
 */
static void on_cont(uv_signal_t *h, int signum) {
  struct tui *t = h->data;

  if (!t->curses_on)
    return;
  reset_prog_mode();
  on_winch(&t->winch, SIGWINCH);
}

/* Session teardown: the terminal first, then our handles. */
static void on_stop(struct mcw_session *s) {
  struct tui *t = s->ctx;
  struct mcw_engine *e = s->engine;
  uint64_t drops = 0;

  restore_terminal(t);
  ui_record_exit(t); /* every way out passes here */
  /* Like tcpdump's "N packets captured": the totals, for the record. */
  for (size_t i = 0; i < mcw_engine_count(e); i++)
    drops += mcw_engine_group(e, i)->kernel_drops;
  snprintf(t->summary, sizeof(t->summary),
           "mcwatch: %llu datagrams received on %zu group%s in %.1f s; "
           "%llu dropped by the kernel",
           (unsigned long long)mcw_engine_total(e), mcw_engine_count(e),
           mcw_engine_count(e) == 1 ? "" : "s",
           (double)(mcw_mono_ns() - s->start_mono_ns) / 1e9,
           (unsigned long long)drops);
  if (t->handles_open) {
    uv_poll_stop(&t->stdin_poll);
    uv_close((uv_handle_t *)&t->stdin_poll, NULL);
    uv_close((uv_handle_t *)&t->redraw_timer, NULL);
    uv_close((uv_handle_t *)&t->winch, NULL);
    uv_close((uv_handle_t *)&t->cont, NULL);
    t->handles_open = false;
  }
}

static void init_colors(struct tui *t) {
  short bg = -1;

  t->color = false;
  if (!t->opt->color || !has_colors() || start_color() == ERR)
    return;
  if (use_default_colors() == ERR)
    bg = COLOR_BLACK;
  init_pair(UI_C_TITLE, COLOR_CYAN, bg);
  init_pair(UI_C_OK, COLOR_GREEN, bg);
  init_pair(UI_C_WARN, COLOR_YELLOW, bg);
  init_pair(UI_C_ERR, COLOR_RED, bg);
  init_pair(UI_C_DIM, COLORS >= 16 ? 8 : COLOR_BLUE, bg);
  init_pair(UI_C_SEL, COLOR_CYAN, bg);
  init_pair(UI_C_KEY, COLOR_YELLOW, bg);
  init_pair(UI_C_SPARK, COLOR_GREEN, bg);
  init_pair(UI_C_ESC, COLOR_MAGENTA, bg);
  t->color = true;
}

/* Opens curses on the terminal; 0, or -1 with one line in err. */
static int curses_start(struct tui *t, char *err, size_t errlen) {
  const char *term = getenv("TERM");
  char *cup;
  int terr;

  if (term == NULL || term[0] == '\0') {
    snprintf(err, errlen,
             "TERM is not set; set it (e.g. TERM=xterm-256color)"
             " or use --headless");
    return -1;
  }
  /* Check the terminal type first: newterm's failure path leaks. */
  if (setupterm(NULL, 1, &terr) != OK) {
    snprintf(err, errlen, "cannot use terminal type '%.40s'; use --headless",
             term);
    return -1;
  }
  cup = tigetstr("cup");
  if (cup == NULL || cup == (char *)-1) {
    del_curterm(cur_term);
    snprintf(err, errlen,
             "terminal type '%.40s' cannot move the cursor; use --headless",
             term);
    return -1;
  }
  del_curterm(cur_term);
  ui_guard_begin();
  t->screen = newterm(NULL, stdout, stdin);
  if (t->screen == NULL) {
    snprintf(err, errlen, "cannot use terminal type '%.40s'; use --headless",
             term);
    return -1;
  }
  set_term(t->screen);
  t->curses_on = true;
  cbreak();
  noecho();
  nonl();
  intrflush(stdscr, FALSE);
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  init_colors(t);
  ui_guard_arm();
  return 0;
}

int mcw_run_tui(struct mcw_options *o) {
  static struct tui tui;
  struct tui *t = &tui;
  struct mcw_engine_hooks hooks = {on_datagram, on_event, t};
  char err[200];
  int r, failed;

  if (!isatty(0) || !isatty(1)) {
    fprintf(stderr, "mcwatch: the screen UI needs a terminal on stdin and "
                    "stdout; for JSON lines use --headless\n");
    return MCW_EXIT_USAGE;
  }
  setlocale(LC_ALL, "");
  memset(t, 0, sizeof(*t));
  t->opt = o;
  t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  t->tiled = true;
  t->ov_sort = -1;
  t->overview = o->nendpoints > 1;
  t->mouse = o->mouse;
  ui_guard_stdin_flags();
  fatal_tui = t;
  mcw_set_fatal_hook(on_fatal);
  if (curses_start(t, err, sizeof(err)) < 0) {
    char shown[MCW_ESC_MAX(sizeof(err))]; /* TERM is quoted: never raw */
    mcw_escape((const uint8_t *)err, strlen(err), shown, sizeof(shown),
               MCW_ESC_MESSAGE | (t->utf8 ? 0 : MCW_ESC_ASCII));
    fprintf(stderr, "mcwatch: %s\n", shown);
    return MCW_EXIT_USAGE;
  }

  /* After newterm: libuv's handlers replace curses' for these signals. */
  mcw_session_init(&t->session, o, &hooks);
  t->session.on_stop = on_stop;
  t->session.on_alarm = on_alarm;
  t->session.on_sap = on_sap;
  t->session.on_igmp = on_igmp;
  t->session.on_querier_alarm = on_querier_alarm;
  t->session.ctx = t;
  uv_poll_init(&t->session.loop, &t->stdin_poll, 0);
  t->stdin_poll.data = t;
  uv_poll_start(&t->stdin_poll, UV_READABLE, on_stdin);
  uv_timer_init(&t->session.loop, &t->redraw_timer);
  t->redraw_timer.data = t;
  uv_timer_start(&t->redraw_timer, on_redraw, REDRAW_MS, REDRAW_MS);
  uv_signal_init(&t->session.loop, &t->winch);
  t->winch.data = t;
  uv_signal_start(&t->winch, on_winch, SIGWINCH);
  uv_signal_init(&t->session.loop, &t->cont);
  t->cont.data = t;
  uv_signal_start(&t->cont, on_cont, SIGCONT);
  t->handles_open = true;

  if (t->mouse)
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
                  BUTTON5_PRESSED,
              NULL);
  ui_status(t, UI_INFO, "press ? for help, a to join a group, q to quit");
  if (o->write != NULL)
    ui_record_start(t, o->write);
  /* A failed join leaves its pane in state error and says why. */
  /* The screen stays up after a refused join, but the exit status says it. */
  draw_stats.path = getenv("MCWATCH_DRAW_STATS");
  failed = mcw_session_start(&t->session);
  if (draw_stats.path != NULL)
    draw_stats.startup_ms = since_exec_ms();
  if (o->notice[0] != '\0')
    ui_status(t, UI_INFO, "%s", o->notice);
  draw_now(t);
  r = mcw_session_run(&t->session);

  restore_terminal(t);
  if (t->screen != NULL)
    delscreen(t->screen);
  for (size_t i = 0; i < t->npanes; i++)
    if (t->panes[i].has_snap)
      mcw_ring_free(&t->panes[i].snap);
  free(t->panes);
  mcw_iface_list_free(&t->picks);
  ui_prompt_free(t);
  free(t->doctor_text);
  free(t->ov_rows);
  free(t->ov_order);
  for (size_t i = 0; i < t->msg_count; i++)
    free(t->messages[(t->msg_head + i) % UI_MESSAGES_MAX].text);
  mcw_set_fatal_hook(NULL);
  fatal_tui = NULL;
  if (t->summary[0] != '\0')
    fprintf(stderr, "%s\n", t->summary);
  draw_stats_write();
  return r != 0 || failed > 0 || t->record_failed[0] ? MCW_EXIT_FAILURE
                                                     : MCW_EXIT_OK;
}
