/*
 * Text helpers for the screen: colour attributes with a monochrome
 * fallback, width-aware drawing of UTF-8 that has already been made safe,
 * escaping of untrusted payload bytes, wall-clock formatting and the sender
 * filter. Everything that reaches the terminal from a datagram goes through
 * ui_escape first and is drawn by ui_put with waddnstr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "mcwatch/escape.h"
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

/*
 * Measures how many bytes of s fit in w columns; stores the columns used.
 * s is valid UTF-8 (escaped); a character the locale cannot measure counts
 * as one column.
 */
static size_t fit(const char *s, int w, int *cols) {
  mbstate_t st;
  size_t i = 0, len = strlen(s);
  int used = 0;

  memset(&st, 0, sizeof(st));
  while (i < len) {
    wchar_t wc;
    size_t n = mbrtowc(&wc, s + i, len - i, &st);
    int cw;
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
      n = 1;
      cw = 1;
      memset(&st, 0, sizeof(st));
    } else {
      cw = wcwidth(wc);
      if (cw < 0)
        cw = 1;
    }
    if (used + cw > w)
      break;
    used += cw;
    i += n;
  }
  *cols = used;
  return i;
}

int ui_put(WINDOW *win, const char *s, int w) {
  int cols;
  size_t n;

  if (w <= 0)
    return 0;
  n = fit(s, w, &cols);
  if (n > 0)
    waddnstr(win, s, (int)n);
  return cols;
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
  int used = 0;

  while (*s != '\0' && used < w) {
    const char *bs = strchr(s, '\\');
    size_t plain = bs ? (size_t)(bs - s) : strlen(s);
    if (plain > 0) {
      char chunk[1024];
      int cols;
      size_t n;
      if (plain >= sizeof(chunk))
        plain = sizeof(chunk) - 1; /* wider than any screen anyway */
      memcpy(chunk, s, plain);
      chunk[plain] = '\0';
      n = fit(chunk, w - used, &cols);
      if (n > 0)
        waddnstr(win, chunk, (int)n);
      used += cols;
      if (n < plain)
        break;
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
    }
  }
  return used;
}
