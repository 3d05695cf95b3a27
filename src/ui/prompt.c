/*
 * The line editor used by the join, send and filter prompts. The line is
 * kept as wide characters with a cursor; only printable characters are
 * inserted, so what is drawn is exactly what was typed. Each prompt kind
 * has its own bounded history (oldest first, no consecutive duplicates),
 * recalled with Up and Down; the line being typed is kept aside while
 * recalling. Editing keys are a table like the main screen's, so the help
 * screen lists them too. A confirmation is a prompt with no line: y (or Y)
 * answers yes, any other key no, so nothing irreversible happens on one
 * stray key.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "ui.h"

static struct ui_history *hist(struct tui *t) {
  return &t->history[t->prompt.kind];
}

static void set_line(struct ui_prompt *p, const wchar_t *w, size_t n) {
  if (n >= UI_LINE_MAX)
    n = UI_LINE_MAX - 1;
  wmemcpy(p->buf, w, n);
  p->len = p->cur = n;
}

static void set_line_mb(struct ui_prompt *p, const char *s) {
  wchar_t w[UI_LINE_MAX];
  size_t n = mbstowcs(w, s, UI_LINE_MAX - 1);
  set_line(p, w, n == (size_t)-1 ? 0 : n);
}

void ui_prompt_open(struct tui *t, enum ui_prompt_kind kind, const char *title,
                    const char *init) {
  struct ui_prompt *p = &t->prompt;

  memset(p, 0, sizeof(*p));
  p->kind = kind;
  mcw_strlcpy(p->title, title, sizeof(p->title));
  if (init != NULL)
    set_line_mb(p, init);
  p->hpos = hist(t)->count;
  t->mode = UI_PROMPT;
}

static void remember(struct tui *t, const char *line) {
  struct ui_history *h = hist(t);

  if (line[0] == '\0' ||
      (h->count > 0 && strcmp(h->items[h->count - 1], line) == 0))
    return;
  if (h->count == UI_HISTORY) {
    free(h->items[0]);
    memmove(h->items, h->items + 1, (UI_HISTORY - 1) * sizeof(h->items[0]));
    h->count--;
  }
  h->items[h->count++] = mcw_xstrdup(line);
}

static unsigned e_submit(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  char line[UI_LINE_MAX * 4];
  size_t n;

  p->buf[p->len] = L'\0';
  n = wcstombs(line, p->buf, sizeof(line) - 1);
  if (n == (size_t)-1)
    n = 0;
  line[n] = '\0';
  remember(t, line);
  t->mode = UI_MAIN;
  switch (p->kind) {
  case UI_PROMPT_JOIN:
    ui_join(t, line);
    break;
  case UI_PROMPT_SEND:
    ui_send(t, line);
    break;
  case UI_PROMPT_FILTER:
    mcw_strlcpy(t->filter, line, sizeof(t->filter));
    for (size_t i = 0; i < t->npanes; i++)
      t->panes[i].sel = t->panes[i].top = 0;
    if (line[0] != '\0')
      ui_status(t, UI_INFO,
                "showing senders matching \"%s\" (/ then Enter "
                "on an empty line shows all)",
                line);
    else
      ui_status(t, UI_INFO, "filter off: all senders");
    break;
  case UI_PROMPT_WRITE:
    ui_record_start(t, line);
    break;
  case UI_PROMPT_SAVE:
    ui_save_list(t, line);
    break;
  case UI_PROMPT_GROUPS:
    mcw_strlcpy(t->ov_filter, line, sizeof(t->ov_filter));
    t->ov_top = 0;
    if (line[0] != '\0')
      ui_status(t, UI_INFO,
                "showing groups matching \"%s\" (/, Ctrl-U, Enter shows all)",
                line);
    else
      ui_status(t, UI_INFO, "filter off: all groups");
    break;
  case UI_PROMPT_CONFIRM: /* answered by confirm_key, never submitted */
  case UI_PROMPT_KINDS:
    break;
  }
  return UI_REDRAW;
}

static unsigned e_cancel(struct tui *t, int key) {
  t->mode = UI_MAIN;
  ui_status(t, UI_INFO, "cancelled");
  return UI_REDRAW;
}

static unsigned e_backspace(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  if (p->cur > 0) {
    wmemmove(p->buf + p->cur - 1, p->buf + p->cur, p->len - p->cur);
    p->cur--;
    p->len--;
  }
  return UI_REDRAW;
}

static unsigned e_delete(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  if (p->cur < p->len) {
    wmemmove(p->buf + p->cur, p->buf + p->cur + 1, p->len - p->cur - 1);
    p->len--;
  }
  return UI_REDRAW;
}

static unsigned e_kill(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  wmemmove(p->buf, p->buf + p->cur, p->len - p->cur);
  p->len -= p->cur;
  p->cur = 0;
  return UI_REDRAW;
}

static unsigned e_word(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  size_t start = p->cur;
  while (start > 0 && p->buf[start - 1] == L' ')
    start--;
  while (start > 0 && p->buf[start - 1] != L' ')
    start--;
  wmemmove(p->buf + start, p->buf + p->cur, p->len - p->cur);
  p->len -= p->cur - start;
  p->cur = start;
  return UI_REDRAW;
}

static unsigned e_move(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  if ((key == KEY_LEFT || key == UI_CTRL('b')) && p->cur > 0)
    p->cur--;
  else if ((key == KEY_RIGHT || key == UI_CTRL('f')) && p->cur < p->len)
    p->cur++;
  else if (key == KEY_HOME || key == UI_CTRL('a'))
    p->cur = 0;
  else if (key == KEY_END || key == UI_CTRL('e'))
    p->cur = p->len;
  return UI_REDRAW;
}

static unsigned e_history(struct tui *t, int key) {
  struct ui_prompt *p = &t->prompt;
  struct ui_history *h = hist(t);

  if (p->hpos == h->count) { /* leaving the new line: keep it aside */
    wmemcpy(p->saved, p->buf, p->len);
    p->saved_len = p->len;
  }
  if ((key == KEY_UP || key == UI_CTRL('p')) && p->hpos > 0)
    p->hpos--;
  else if ((key == KEY_DOWN || key == UI_CTRL('n')) && p->hpos < h->count)
    p->hpos++;
  else
    return UI_NONE;
  if (p->hpos == h->count)
    set_line(p, p->saved, p->saved_len);
  else
    set_line_mb(p, h->items[p->hpos]);
  return UI_REDRAW;
}

static const struct ui_binding prompt_bindings[] = {
    {{'\r', '\n', KEY_ENTER}, "Enter", "OK", "Accept the line.", e_submit, NULL},
    {{27, UI_CTRL('g')}, "Esc", "Cancel", "Cancel the prompt.", e_cancel, NULL},
    {{KEY_BACKSPACE, 127, UI_CTRL('h')},
     "Backspace",
     NULL,
     "Delete the character before the cursor.",
     e_backspace, NULL},
    {{KEY_DC, UI_CTRL('d')},
     "Delete",
     NULL,
     "Delete the character under the cursor.",
     e_delete, NULL},
    {{UI_CTRL('u')},
     "Ctrl-U",
     "Clear",
     "Delete everything before the cursor.",
     e_kill, NULL},
    {{UI_CTRL('w')},
     "Ctrl-W",
     NULL,
     "Delete the word before the cursor.",
     e_word, NULL},
    {{KEY_LEFT, KEY_RIGHT, UI_CTRL('b'), UI_CTRL('f')},
     "Left/Right",
     NULL,
     "Move the cursor.",
     e_move, NULL},
    {{KEY_HOME, KEY_END, UI_CTRL('a'), UI_CTRL('e')},
     "Home/End",
     NULL,
     "Go to the start or the end of the line (also Ctrl-A, Ctrl-E).",
     e_move, NULL},
    {{KEY_UP, KEY_DOWN, UI_CTRL('p'), UI_CTRL('n')},
     "Up/Down",
     "History",
     "Recall earlier entries of this prompt.",
     e_history, NULL},
};

const struct ui_keymap ui_prompt_keys = {"Prompts (join, send, filter)",
                                         prompt_bindings,
                                         MCW_ARRAY_LEN(prompt_bindings)};

void ui_confirm_open(struct tui *t, enum ui_confirm what, struct mcw_group *g,
                     const char *question) {
  char title[sizeof(t->prompt.title)];

  snprintf(title, sizeof(title), "%s (y/N) ", question);
  ui_prompt_open(t, UI_PROMPT_CONFIRM, title, NULL);
  t->confirm_what = what;
  t->confirm_group = g;
}

/* y or Y does it; any other key cancels and says so. */
static unsigned confirm_key(struct tui *t, struct ui_key k) {
  struct mcw_group *g = t->confirm_group;

  t->mode = UI_MAIN;
  t->confirm_group = NULL;
  if (!k.fkey && (k.ch == 'y' || k.ch == 'Y')) {
    ui_confirmed(t, t->confirm_what, g);
    return UI_REDRAW;
  }
  ui_status(t, UI_INFO, "%s",
            t->confirm_what == UI_CONFIRM_REMOVE
                ? "not removed: the group and its figures stay"
                : "not cleared: the counters stay");
  return UI_REDRAW;
}

unsigned ui_prompt_key(struct tui *t, struct ui_key k) {
  struct ui_prompt *p = &t->prompt;
  unsigned r;

  if (p->kind == UI_PROMPT_CONFIRM)
    return confirm_key(t, k);
  r = ui_dispatch(t, &ui_prompt_keys, k);

  if (r != UI_NONE || k.fkey)
    return r;
  /* Unbound: insert it if printable and at least one column wide
     (controls, zero-width and invisible characters never enter the line,
     so the cursor stays where the text is). */
  if (!iswprint(k.ch) || wcwidth((wchar_t)k.ch) < 1 ||
      mcw_escape_cp_unsafe((uint32_t)k.ch) || p->len + 1 >= UI_LINE_MAX)
    return UI_NONE;
  wmemmove(p->buf + p->cur + 1, p->buf + p->cur, p->len - p->cur);
  p->buf[p->cur++] = (wchar_t)k.ch;
  p->len++;
  return UI_REDRAW;
}

/* Columns the n characters at w take on the terminal. */
static int cols(const wchar_t *w, size_t n) {
  int c = 0;

  for (size_t i = 0; i < n; i++) {
    int cw = wcwidth(w[i]);
    c += cw > 0 ? cw : 0;
  }
  return c;
}

void ui_prompt_draw(struct tui *t) {
  struct ui_prompt *p = &t->prompt;
  int y = LINES - 2, tw, avail, start = 0, x;

  if (y < 0)
    return;
  move(y, 0);
  clrtoeol();
  attron(ui_attr(t, UI_C_KEY));
  if (p->kind != UI_PROMPT_CONFIRM && COLS - (int)strlen(p->title) < 20) {
    /* Too little room left to type: "join GROUP:PORT...: " becomes "join: ". */
    char brief[32];
    size_t n = strcspn(p->title, " :");
    snprintf(brief, sizeof(brief), "%.*s: ", (int)(n < 20 ? n : 20), p->title);
    tw = ui_put(stdscr, brief, COLS / 2 > 4 ? COLS / 2 : COLS);
  } else {
    tw = ui_put(stdscr, p->title, COLS);
  }
  attroff(ui_attr(t, UI_C_KEY));
  avail = COLS - tw - 1;
  if (avail < 1)
    return;
  /* Scroll so the cursor stays visible, measuring columns (a wide
     character takes two), so what is drawn lines up with the cursor. */
  while (start < (int)p->cur &&
         cols(p->buf + start, p->cur - (size_t)start) > avail - 1)
    start++;
  x = tw;
  for (size_t i = (size_t)start; i < p->len; i++) {
    int cw = wcwidth(p->buf[i]);
    if (cw < 1 || x - tw + cw > avail)
      break;
    addnwstr(p->buf + i, 1);
    x += cw;
  }
  x = tw + cols(p->buf + start, p->cur - (size_t)start);
  if (x < COLS)
    mvchgat(y, x, 1, A_REVERSE, 0, NULL); /* block cursor */
}

void ui_prompt_free(struct tui *t) {
  for (size_t k = 0; k < UI_PROMPT_KINDS; k++) {
    for (size_t i = 0; i < t->history[k].count; i++)
      free(t->history[k].items[i]);
    t->history[k].count = 0;
  }
}
