/*
 * The Sessions page (--sap): the sessions SAP announcers advertise, from
 * the session's directory (core/sapdir.c), one row each: name, group,
 * port, source, media, origin and when last heard. Up/Down select; Enter
 * joins every medium of the selected session on the interface its
 * announcement came in on, each new group labelled with the session's
 * name. Names are the announcer's bytes: escaped before they are drawn.
 */
#include <stdio.h>
#include <string.h>

#include "mcwatch/chanlist.h"
#include "mcwatch/escape.h"
#include "mcwatch/fmt.h"
#include "ui.h"

#define PAGE 10

static size_t count(struct tui *t) {
  return t->session.sapdir != NULL ? t->session.sapdir->n : 0;
}

static unsigned s_close(struct tui *t, int key) {
  (void)key;
  t->mode = UI_MAIN;
  return UI_REDRAW;
}

static unsigned s_move(struct tui *t, int key) {
  size_t n = count(t);
  long sel = (long)t->sap_sel;

  sel += key == KEY_UP || key == 'k'     ? -1
         : key == KEY_DOWN || key == 'j' ? 1
         : key == KEY_PPAGE              ? -PAGE
         : key == KEY_NPAGE              ? PAGE
         : key == KEY_HOME               ? -(long)n
                                         : (long)n;
  if (sel >= (long)n)
    sel = (long)n - 1;
  t->sap_sel = sel < 0 ? 0 : (size_t)sel;
  return UI_REDRAW;
}

/* Joins every medium of the selected session, labelled with its name. */
static unsigned s_join(struct tui *t, int key) {
  struct mcw_engine *e = t->session.engine;
  const struct mcw_sap_session *s;
  char ep[160], text[200], label[MCW_LABEL_MAX + 32];

  (void)key;
  if (t->sap_sel >= count(t)) {
    ui_status(t, UI_INFO, "no announced session to join");
    return UI_REDRAW;
  }
  s = &t->session.sapdir->v[t->sap_sel];
  for (unsigned i = 0; i < s->nmedia; i++) {
    size_t before = mcw_engine_count(e);
    mcw_sap_media_endpoint(&s->media[i], ep, sizeof(ep));
    if (s->ifindex != 0)
      snprintf(text, sizeof(text), "%s%%%u", ep, s->ifindex);
    else
      snprintf(text, sizeof(text), "%s", ep);
    ui_join(t, text); /* with the clocks the announcement names */
    if (s->nmedia > 1)
      snprintf(label, sizeof(label), "%.100s (%.15s)", s->name,
               s->media[i].type);
    else
      snprintf(label, sizeof(label), "%s", s->name);
    /* A group ui_join added is the last one; label each it added. */
    for (size_t g = before; g < mcw_engine_count(e); g++)
      mcw_label_set(mcw_engine_group(e, g)->ep.label, label, strlen(label));
  }
  t->mode = UI_MAIN;
  return UI_CLEAR;
}

static const struct ui_binding session_bindings[] = {
    {{27, 'q', KEY_BACKSPACE, 127},
     "Esc",
     "Close",
     "Close the sessions page.",
     s_close,
     NULL},
    {{KEY_UP, KEY_DOWN, 'k', 'j'},
     "Up/Down",
     "Select",
     "Select the session above or below.",
     s_move,
     NULL},
    {{KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END},
     "PgUp/PgDn",
     NULL,
     "Move a page of sessions, or to the first or last.",
     s_move,
     NULL},
    {{'\r', '\n', KEY_ENTER, 'a'},
     "Enter",
     "Join",
     "Join every medium of the selected session, labelled with its name.",
     s_join,
     NULL},
};

const struct ui_keymap ui_sessions_keys = {"Sessions (SAP)", session_bindings,
                                           MCW_ARRAY_LEN(session_bindings)};

/* "video+audio": the media of s, at most len bytes. */
static void media_names(const struct mcw_sap_session *s, char *out,
                        size_t len) {
  size_t k = 0;

  out[0] = '\0';
  for (unsigned i = 0; i < s->nmedia && k < len; i++)
    k += (size_t)snprintf(out + k, len - k, "%s%s", i ? "+" : "",
                          s->media[i].type);
}

/* Draws a cell of raw bytes, escaped, padded to w columns. */
static void cell(struct tui *t, int y, int x, const char *raw, int w) {
  char esc[MCW_ESC_MAX(128)];

  ui_escape(t, (const uint8_t *)raw, strlen(raw), esc, sizeof(esc));
  move(y, x);
  ui_put_pad(stdscr, esc, w);
}

void ui_sessions_draw(struct tui *t) {
  const struct mcw_sapdir *d = t->session.sapdir;
  int64_t now = mcw_mono_ns();
  int h = LINES - 3, first = 0, y = 2;
  char title[240];
  uint64_t refused = 0;
  static const struct {
    const char *name;
    int w;
  } cols[] = {{"NAME", 24},  {"GROUP", 16},  {"PORT", 6}, {"SOURCE", 16},
              {"MEDIA", 12}, {"ORIGIN", 16}, {"HEARD", 8}};

  if (d != NULL)
    for (int r = 1; r < MCW_SAP_REFUSALS; r++)
      refused += d->refused[r];
  snprintf(title, sizeof(title),
           " Sessions (SAP): %zu announced, %llu packets, %llu refused",
           d ? d->n : 0, (unsigned long long)(d ? d->packets : 0),
           (unsigned long long)refused);
  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE));
  ui_put_pad(stdscr, title, COLS);
  attroff(ui_attr(t, UI_C_TITLE));
  move(1, 0);
  attron(A_BOLD);
  for (int x = 0, i = 0; i < (int)MCW_ARRAY_LEN(cols) && x < COLS; i++) {
    move(1, x);
    ui_put_pad(stdscr, cols[i].name, cols[i].w);
    x += cols[i].w + 1;
  }
  attroff(A_BOLD);
  if (d == NULL || d->n == 0) {
    move(2, 2);
    ui_put(stdscr,
           d == NULL ? "SAP discovery is off: start mcwatch with --sap"
                     : "no session announced yet (SAP on port 9875)",
           COLS - 2);
    return;
  }
  if (t->sap_sel >= d->n)
    t->sap_sel = d->n - 1;
  if (h > 0 && (int)t->sap_sel >= h)
    first = (int)t->sap_sel - h + 1;
  for (size_t i = (size_t)first; i < d->n && y < 2 + h; i++, y++) {
    const struct mcw_sap_session *s = &d->v[i];
    char port[8], media[64], origin[INET6_ADDRSTRLEN], age[16], heard[24];
    const char *vals[7];
    int x = 0;
    snprintf(port, sizeof(port), "%u", s->media[0].port);
    media_names(s, media, sizeof(media));
    mcw_addr_format(&s->origin, origin, sizeof(origin));
    snprintf(heard, sizeof(heard), "%s ago",
             mcw_fmt_age(now - s->last_ns, age, sizeof(age)));
    vals[0] = s->name;
    vals[1] = s->media[0].group;
    vals[2] = port;
    vals[3] = s->media[0].source[0] ? s->media[0].source : "any";
    vals[4] = media;
    vals[5] = origin;
    vals[6] = heard;
    if (i == t->sap_sel)
      attron(A_REVERSE);
    move(y, 0);
    ui_put_pad(stdscr, "", COLS);
    for (int c = 0; c < (int)MCW_ARRAY_LEN(cols) && x < COLS; c++) {
      int w = c == 6 || x + cols[c].w > COLS ? COLS - x : cols[c].w;
      cell(t, y, x, vals[c], w);
      x += cols[c].w + 1;
    }
    if (i == t->sap_sel)
      attroff(A_REVERSE);
  }
}
