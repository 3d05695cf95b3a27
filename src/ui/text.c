/*
 * Text helpers for the screen: colour attributes with a monochrome
 * fallback, width-aware drawing of UTF-8, escaping of untrusted payload
 * bytes, wall-clock formatting and the sender filter. Everything that
 * reaches the terminal from a datagram goes through ui_escape first; and
 * every text drawn by ui_put goes through the escaper once more, cell by
 * cell, so an interface name, a file name or a message can never reach the
 * terminal raw or take a number of columns the drawing did not count.
 */
#include <langinfo.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "mcwatch/engine.h"
#include "mcwatch/escape.h"
#include "mcwatch/fmt.h"
#include "ui.h"

attr_t ui_attr(struct tui *t, enum ui_color c) {
  if (t->color)
    switch (c) {
    case UI_C_TITLE:
    case UI_C_KEY:
      return COLOR_PAIR(c) | A_BOLD;
    case UI_C_SEL:
      return COLOR_PAIR(c) | A_REVERSE;
    default:
      return COLOR_PAIR(c);
    }
  switch (c) {
  case UI_C_TITLE:
  case UI_C_KEY:
  case UI_C_ERR:
    return A_BOLD;
  case UI_C_SEL:
    return A_REVERSE;
  case UI_C_DIM:
    return A_DIM;
  case UI_C_ESC:
    return A_UNDERLINE;
  default:
    return A_NORMAL;
  }
}

/* Escapes as the locale allows: ASCII only outside a UTF-8 locale. */
static unsigned put_flags(void) {
  return strcmp(nl_langinfo(CODESET), "UTF-8") == 0
             ? MCW_ESC_MESSAGE
             : MCW_ESC_MESSAGE | MCW_ESC_ASCII;
}

/*
 * Draws the len bytes at s, at most w columns, and returns the columns
 * used. Each unit goes through the escaper (with MCW_ESC_MESSAGE: text
 * escaped already is not escaped twice) and is drawn raw only when the
 * locale agrees on its width: a character wcwidth() cannot measure (-1),
 * or one it calls zero-width that is not a combining mark on a base shown
 * raw, is drawn as its escape in attribute esc instead. So every cell on
 * screen is accounted for, whatever the text. *state carries what a
 * combining mark would land on from one call to the next. With no window
 * it only measures.
 */
static int put_safe(WINDOW *win, const char *s, size_t len, int w, attr_t esc,
                    unsigned *state, size_t *done) {
  const uint8_t *b = (const uint8_t *)s;
  size_t i = 0, run = 0; /* raw bytes at s + i - run not drawn yet */
  unsigned flags = put_flags();
  int used = 0;

  while (i < len) {
    char u[MCW_ESC_UNIT_MAX];
    size_t n, k;
    uint32_t cp = b[i];
    int cw = 1;

    if (b[i] >= 0x20 && b[i] < 0x7f) { /* printable ASCII: one column */
      if (used + 1 > w)
        break;
      *state = MCW_ESC_BASE;
      used++;
      i++;
      run++;
      continue;
    }
    k = mcw_escape_unit(b + i, len - i, flags, state, u, &n);
    if (k == n && memcmp(u, b + i, n) == 0 &&
        mcw_escape_decode(b + i, n, &cp) == n) {
      cw = wcwidth((wchar_t)cp);
      if (cw < 0 || (cw == 0 && !mcw_escape_cp_mark(cp))) {
        k = mcw_escape_cp(cp, u); /* the locale cannot draw it in place */
        *state = MCW_ESC_NOBASE;
      } else {
        if (used + cw > w)
          break;
        used += cw;
        i += n;
        run += n;
        continue;
      }
    }
    /* An escape: flush the raw text before it, then draw it marked. */
    if (used + (int)k > w)
      break;
    if (run > 0 && win != NULL)
      waddnstr(win, s + i - run, (int)run);
    run = 0;
    if (win != NULL) {
      wattron(win, esc);
      waddnstr(win, u, (int)k);
      wattroff(win, esc);
    }
    used += (int)k;
    i += n;
  }
  if (run > 0 && win != NULL)
    waddnstr(win, s + i - run, (int)run);
  if (done != NULL)
    *done = i;
  return used;
}

int ui_width(const char *s) {
  unsigned state = MCW_ESC_NOBASE;

  return put_safe(NULL, s, strlen(s), INT_MAX, A_NORMAL, &state, NULL);
}

int ui_put(WINDOW *win, const char *s, int w) {
  unsigned state = MCW_ESC_NOBASE;

  if (w <= 0)
    return 0;
  return put_safe(win, s, strlen(s), w, A_NORMAL, &state, NULL);
}

void ui_put_pad(WINDOW *win, const char *s, int w) {
  int cols = ui_put(win, s, w);
  for (; cols < w; cols++)
    waddch(win, ' ');
}

void ui_escape(struct tui *t, const uint8_t *data, size_t len, char *out,
               size_t outlen) {
  mcw_escape(data, len, out, outlen, t->utf8 ? 0 : MCW_ESC_ASCII);
}

int ui_cut(const char *s, int pos, int n, int w) {
  int k = n - pos < w ? n - pos : w;

  while (k > 0 && pos + k < n && ((unsigned char)s[pos + k] & 0xc0) == 0x80)
    k--;
  return k > 0 ? k : (n - pos < 1 ? 0 : 1);
}

int ui_spark_count(struct mcw_group *g, int w) {
  double v[MCW_SPARK_SECONDS];

  if (w <= 0)
    return 0;
  return (int)mcw_rate_history(&g->history, mcw_mono_ns(), v,
                               (size_t)(w < MCW_SPARK_SECONDS
                                            ? w
                                            : MCW_SPARK_SECONDS));
}

double ui_spark(struct tui *t, struct mcw_group *g, int w) {
  static const char *blocks[8] = {" ",      "\u2581", "\u2582", "\u2583",
                                  "\u2584", "\u2585", "\u2586", "\u2588"};
  static const char ascii[] = " .:-=+*#";
  double v[MCW_SPARK_SECONDS];
  uint8_t lv[MCW_SPARK_SECONDS];
  double max;
  int n = w < MCW_SPARK_SECONDS ? w : MCW_SPARK_SECONDS;

  if (n <= 0)
    return 0;
  n = (int)mcw_rate_history(&g->history, mcw_mono_ns(), v, (size_t)n);
  max = mcw_fmt_spark(v, (size_t)n, 8, lv);
  attron(ui_attr(t, UI_C_SPARK));
  for (int i = 0; i < n; i++) {
    if (t->utf8)
      addstr(blocks[lv[i]]);
    else
      addch((chtype)(unsigned char)ascii[lv[i]]);
  }
  attroff(ui_attr(t, UI_C_SPARK));
  return max;
}

/* In a UTF-8 locale the box characters are written as Unicode, which
 * every terminal emulator draws; ACS needs terminfo and the terminal to
 * agree on alternate character sets, which they often do not. */
void ui_hline(WINDOW *win, int y, int x, int w) {
  if (w <= 0)
    return;
  if (MB_CUR_MAX > 1)
    mvwhline_set(win, y, x, WACS_HLINE, w);
  else
    mvwhline(win, y, x, ACS_HLINE, w);
}

void ui_vline(WINDOW *win, int y, int x, int h) {
  if (h <= 0)
    return;
  if (MB_CUR_MAX > 1)
    mvwvline_set(win, y, x, WACS_VLINE, h);
  else
    mvwvline(win, y, x, ACS_VLINE, h);
}

const char *ui_clock(int64_t wall_ns, char *buf, size_t len) {
  time_t s = (time_t)(wall_ns / 1000000000);
  struct tm tm;

  if (wall_ns <= 0 || localtime_r(&s, &tm) == NULL) {
    snprintf(buf, len, "--:--:--.---");
    return buf;
  }
  snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
           (int)(wall_ns / 1000000 % 1000));
  return buf;
}

bool ui_sender_match(struct tui *t, const struct mcw_addr *a) {
  char buf[MCW_ADDRSTRLEN];

  if (t->filter[0] == '\0')
    return true;
  return strstr(mcw_addr_format_port(a, buf, sizeof(buf)), t->filter) != NULL;
}

/* Length of the escape at s ("\n", "\xHH", "\u{hhhh}"), as mcw_escape writes
 * them. */
static size_t escape_len(const char *s) {
  if (s[1] == 'x' && s[2] && s[3])
    return 4;
  if (s[1] == 'u' && s[2] == '{') {
    const char *end = strchr(s, '}');
    return end ? (size_t)(end - s) + 1 : strlen(s);
  }
  return s[1] ? 2 : 1;
}

int ui_put_escaped(struct tui *t, WINDOW *win, const char *s, int w) {
  attr_t esc = ui_attr(t, UI_C_ESC);
  unsigned state = MCW_ESC_NOBASE;
  int used = 0;

  while (*s != '\0' && used < w) {
    const char *bs = strchr(s, '\\');
    size_t plain = bs ? (size_t)(bs - s) : strlen(s);
    if (plain > 0) {
      size_t done;
      used += put_safe(win, s, plain, w - used, esc, &state, &done);
      if (done < plain)
        break; /* the rest does not fit */
      s += plain;
      continue;
    }
    {
      size_t n = escape_len(s);
      if ((int)n > w - used)
        break;
      wattron(win, esc);
      waddnstr(win, s, (int)n);
      wattroff(win, esc);
      used += (int)n;
      s += n;
      state = MCW_ESC_NOBASE;
    }
  }
  return used;
}
