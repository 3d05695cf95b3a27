/*
 * Two pages of history: the outage log (every alarm raised and cleared,
 * from the session's log in the model) and the message log (the last
 * UI_MESSAGES_MAX status-line messages, full text, wrapped). Both scroll
 * with the arrows, like help, and show the newest at the bottom.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcwatch/alarm.h"
#include "mcwatch/fmt.h"
#include "mcwatch/msock.h"
#include "ui.h"

void ui_log(struct tui *t, enum ui_level level, const char *text) {
  struct ui_message *m;

  if (t->msg_count == UI_MESSAGES_MAX) {
    free(t->messages[t->msg_head].text);
    t->msg_head = (t->msg_head + 1) % UI_MESSAGES_MAX;
    t->msg_count--;
  }
  m = &t->messages[(t->msg_head + t->msg_count) % UI_MESSAGES_MAX];
  t->msg_count++;
  m->wall_ns = mcw_wall_ns();
  m->level = level;
  m->text = mcw_xstrdup(text);
}

/* A page's title line and how to leave it. */
static void page_title(struct tui *t, const char *title) {
  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE));
  ui_put(stdscr, title, COLS);
  attroff(ui_attr(t, UI_C_TITLE));
}

/* Keeps the scroll within lines of content on h rows; returns the first. */
static int scroll_first(struct tui *t, int lines, int h) {
  int max = lines > h ? lines - h : 0;

  if (t->help_scroll > max)
    t->help_scroll = max;
  return t->help_scroll;
}

/* Local time of day from wall-clock nanoseconds: "HH:MM:SS". */
static const char *clock_s(int64_t ns, char *buf, size_t len) {
  time_t s = (time_t)(ns / 1000000000);
  struct tm tm;

  localtime_r(&s, &tm);
  strftime(buf, len, "%H:%M:%S", &tm);
  return buf;
}

void ui_outages_draw(struct tui *t) {
  const struct mcw_outage_log *log = t->session.outages;
  int h = LINES - 3, first, lines = (int)log->count;
  char title[160];

  snprintf(title, sizeof(title),
           " Outages: %zu kept, %llu in all (Up/Down scroll, any other key "
           "closes)",
           (size_t)log->count, (unsigned long long)log->total);
  page_title(t, title);
  move(1, 0);
  attron(A_BOLD);
  ui_put(stdscr, "START     END       DURATION  ALARM    LOST  GROUP / WHY",
         COLS);
  attroff(A_BOLD);
  if (lines == 0) {
    move(2, 2);
    ui_put(stdscr, "no alarm has been raised", COLS - 2);
    return;
  }
  /* Start at the bottom: the newest is what one looks for. */
  if (t->help_scroll < 0 || t->help_scroll == INT32_MAX)
    t->help_scroll = lines;
  first = scroll_first(t, lines, h);
  for (int i = 0; i < h && first + i < lines; i++) {
    const struct mcw_outage *o = mcw_outage_at(log, (size_t)(first + i));
    char a[16], b[16], d[16], lost[24], line[600];
    bool open = o->end_wall_ns == 0;
    clock_s(o->start_wall_ns, a, sizeof(a));
    if (open)
      snprintf(b, sizeof(b), "ongoing");
    else
      clock_s(o->end_wall_ns, b, sizeof(b));
    if (open)
      snprintf(d, sizeof(d), "-");
    else
      mcw_fmt_age((int64_t)(o->duration_s * 1e9), d, sizeof(d));
    if (open)
      snprintf(lost, sizeof(lost), "-");
    else
      mcw_fmt_si((double)o->lost, lost, sizeof(lost));
    snprintf(line, sizeof(line), "%-9s %-9s %8s  %-7s %5s  %s%s%s%s: %s", a, b,
             d, mcw_alarm_name(o->kind), lost, o->endpoint,
             o->label[0] ? " (" : "", o->label, o->label[0] ? ")" : "", o->why);
    move(2 + i, 0);
    if (open)
      attron(ui_attr(t, UI_C_ERR));
    ui_put(stdscr, line, COLS);
    if (open)
      attroff(ui_attr(t, UI_C_ERR));
  }
}

/* Counts the rows text takes when wrapped at w columns. */
static int wrapped_rows(const char *s, int w) {
  int n = (int)strlen(s), rows = 0;

  for (int pos = 0; pos < n; pos += ui_cut(s, pos, n, w))
    rows++;
  return rows > 0 ? rows : 1;
}

void ui_messages_draw(struct tui *t) {
  int h = LINES - 2, w = COLS - 10, lines = 0, y = 1, line = 0, first;

  page_title(t, " Messages, newest last (Up/Down scroll, any other key "
                "closes)");
  if (w < 10)
    return;
  for (size_t i = 0; i < t->msg_count; i++)
    lines +=
        wrapped_rows(t->messages[(t->msg_head + i) % UI_MESSAGES_MAX].text, w);
  if (t->help_scroll == INT32_MAX)
    t->help_scroll = lines;
  first = scroll_first(t, lines, h);
  for (size_t i = 0; i < t->msg_count && y <= h; i++) {
    const struct ui_message *m =
        &t->messages[(t->msg_head + i) % UI_MESSAGES_MAX];
    const char *s = m->text;
    int n = (int)strlen(s), pos = 0;
    char when[16];
    attr_t a = m->level == UI_ERROR  ? ui_attr(t, UI_C_ERR)
               : m->level == UI_WARN ? ui_attr(t, UI_C_WARN)
                                     : A_NORMAL;
    clock_s(m->wall_ns, when, sizeof(when));
    do {
      int k = ui_cut(s, pos, n, w);
      char part[1024];
      if (line++ >= first && y <= h) {
        snprintf(part, sizeof(part), "%.*s", k, s + pos);
        move(y, 0);
        attron(ui_attr(t, UI_C_DIM));
        ui_put(stdscr, pos == 0 ? when : "", 9);
        attroff(ui_attr(t, UI_C_DIM));
        move(y++, 10);
        attron(a);
        ui_put(stdscr, part, w);
        attroff(a);
      }
      pos += k;
    } while (pos < n);
  }
  if (t->msg_count == 0) {
    move(1, 2);
    ui_put(stdscr, "no messages yet", COLS - 2);
  }
}
