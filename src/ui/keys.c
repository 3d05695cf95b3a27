/*
 * The main screen's keys as data: each binding names its keys, a label, an
 * optional footer word, a help sentence and a handler. Handlers change
 * state or call actions and return reaction flags; they never draw. The
 * footer and the help screen are generated from this table (and from those
 * of the prompt and the inspector), so what is shown cannot drift from
 * what the keys do.
 */
#include <string.h>

#include "mcwatch/engine.h"
#include "ui.h"

#define PAGE 10

static struct ui_pane *cur_pane(struct tui *t) {
  struct mcw_group *g = ui_current_group(t);
  return g != NULL ? ui_pane_of(t, g) : NULL;
}

static unsigned k_quit(struct tui *t, int key) { return UI_QUIT; }

static unsigned k_help(struct tui *t, int key) {
  t->mode = UI_HELP;
  t->help_scroll = 0;
  return UI_REDRAW;
}

static unsigned k_join(struct tui *t, int key) {
  ui_prompt_open(t, UI_PROMPT_JOIN, "join GROUP:PORT[@SOURCE][%IFACE]: ", NULL);
  return UI_REDRAW;
}

static unsigned k_leave(struct tui *t, int key) {
  ui_leave(t);
  return UI_REDRAW;
}

static unsigned k_iface(struct tui *t, int key) {
  ui_pick_open(t);
  return UI_REDRAW;
}

static unsigned k_send(struct tui *t, int key) {
  struct mcw_group *g = ui_current_group(t);
  char title[200], ep[128];

  if (g == NULL) {
    ui_status(t, UI_WARN, "no group to send to; press j to join one");
    return UI_REDRAW;
  }
  snprintf(title, sizeof(title), "send to %s via %s (TTL %d, loopback on): ",
           mcw_endpoint_format(&g->ep, ep, sizeof(ep)),
           g->ep.iface[0] ? g->ep.iface : "default", UI_SEND_TTL);
  ui_prompt_open(t, UI_PROMPT_SEND, title, NULL);
  return UI_REDRAW;
}

static unsigned k_filter(struct tui *t, int key) {
  ui_prompt_open(
      t, UI_PROMPT_FILTER,
      "filter by sender (address or port text, empty = all): ", t->filter);
  return UI_REDRAW;
}

static unsigned k_pause(struct tui *t, int key) {
  ui_pause(t, !t->paused);
  ui_status(t, UI_INFO,
            t->paused ? "display paused; capture and counting go on (p resumes)"
                      : "display resumed");
  return UI_REDRAW;
}

static unsigned k_clear(struct tui *t, int key) {
  ui_clear(t);
  return UI_REDRAW;
}

static unsigned k_next(struct tui *t, int key) {
  size_t n = mcw_engine_count(t->session.engine);
  if (n > 0)
    t->cur = (t->cur + 1) % n;
  return UI_REDRAW;
}

static unsigned k_prev(struct tui *t, int key) {
  size_t n = mcw_engine_count(t->session.engine);
  if (n > 0)
    t->cur = (t->cur + n - 1) % n;
  return UI_REDRAW;
}

static unsigned k_rows(struct tui *t, int key) {
  struct ui_pane *p = cur_pane(t);
  long d = 0;

  if (p == NULL)
    return UI_NONE;
  switch (key) {
  case KEY_UP:
    d = -1;
    break;
  case KEY_DOWN:
    d = 1;
    break;
  case KEY_PPAGE:
    d = -PAGE;
    break;
  case KEY_NPAGE:
    d = PAGE;
    break;
  case KEY_HOME:
    p->sel = 0;
    p->top = 0;
    return UI_REDRAW;
  case KEY_END:
    d = 1L << 30;
    break;
  }
  ui_pane_move(t, p, d);
  return UI_REDRAW;
}

static unsigned k_inspect(struct tui *t, int key) {
  if (!ui_inspect_open(t))
    ui_status(t, UI_WARN, "no datagram to inspect yet");
  return UI_REDRAW;
}

static unsigned k_tile(struct tui *t, int key) {
  t->tiled = !t->tiled;
  ui_status(t, UI_INFO,
            t->tiled ? "tiled: several panes when there is room"
                     : "single pane: the selected group only");
  return UI_CLEAR;
}

static unsigned k_repaint(struct tui *t, int key) { return UI_CLEAR; }

static unsigned k_doctor(struct tui *t, int key) {
  ui_doctor_open(t);
  return UI_REDRAW;
}

static unsigned k_write(struct tui *t, int key) {
  ui_record_toggle(t);
  return UI_REDRAW;
}

static const struct ui_binding main_bindings[] = {
    {{'q', 'Q'}, "q", "Quit", "Quit mcwatch (leaves every group).", k_quit},
    {{'?', 'h', KEY_F(1)}, "?", "Help", "Show this help.", k_help},
    {{'j'},
     "j",
     "Join",
     "Join a group: type GROUP:PORT[@SOURCE][%IFACE].",
     k_join},
    {{'l'},
     "l",
     "Leave",
     "Leave the selected group; press again to remove its pane.",
     k_leave},
    {{'s'},
     "s",
     "Send",
     "Send a probe carrying a text to the selected group (TTL 1, loopback on).",
     k_send},
    {{'i'},
     "i",
     "Iface",
     "Pick a multicast interface and rejoin the selected group there.",
     k_iface},
    {{'\t', KEY_RIGHT}, "Tab/Right", "Next", "Select the next group.", k_next},
    {{KEY_BTAB, KEY_LEFT},
     "S-Tab/Left",
     NULL,
     "Select the previous group.",
     k_prev},
    {{KEY_UP, KEY_DOWN},
     "Up/Down",
     NULL,
     "Move through the datagrams (top row follows the newest).",
     k_rows},
    {{KEY_PPAGE, KEY_NPAGE},
     "PgUp/PgDn",
     NULL,
     "Move ten datagrams at a time.",
     k_rows},
    {{KEY_HOME, KEY_END},
     "Home/End",
     NULL,
     "Go to the newest (and follow) or to the oldest datagram.",
     k_rows},
    {{'\r', '\n', KEY_ENTER},
     "Enter",
     "Inspect",
     "Inspect the selected datagram: hexdump and text.",
     k_inspect},
    {{'p', ' '},
     "p",
     "Pause",
     "Pause the datagram list; capture and counting go on.",
     k_pause},
    {{'/'},
     "/",
     "Filter",
     "Show only senders whose address:port contains a text.",
     k_filter},
    {{'c'},
     "c",
     "Clear",
     "Clear the selected group's counters and lists.",
     k_clear},
    {{'d'},
     "d",
     "Doctor",
     "Run the doctor for the selected group: why nothing may arrive, with "
     "fixes.",
     k_doctor},
    {{'w'},
     "w",
     "Rec",
     "Record every group to a pcap file (asks for the name); again stops.",
     k_write},
    {{'t'},
     "t",
     NULL,
     "Toggle tiled panes (when the terminal is large enough).",
     k_tile},
    {{UI_CTRL('l')}, "Ctrl-L", NULL, "Repaint the screen.", k_repaint},
};

const struct ui_keymap ui_main_keys = {"Main screen", main_bindings,
                                       MCW_ARRAY_LEN(main_bindings)};

unsigned ui_dispatch(struct tui *t, const struct ui_keymap *map,
                     struct ui_key k) {
  int code = (int)k.ch;

  /* Characters beyond Latin-1 could collide with KEY_* codes: no binding. */
  if (!k.fkey && k.ch >= KEY_MIN)
    return UI_NONE;
  for (size_t i = 0; i < map->n; i++)
    for (size_t j = 0; j < MCW_ARRAY_LEN(map->b[i].keys); j++)
      if (map->b[i].keys[j] != 0 && map->b[i].keys[j] == code)
        return map->b[i].fn(t, code);
  return UI_NONE;
}

static unsigned pick_key(struct tui *t, struct ui_key k) {
  size_t n = t->picks.count;

  if (k.fkey && k.ch == KEY_UP && t->pick_sel > 0)
    t->pick_sel--;
  else if (k.fkey && k.ch == KEY_DOWN && t->pick_sel + 1 < n)
    t->pick_sel++;
  else if ((!k.fkey && (k.ch == '\r' || k.ch == '\n')) ||
           (k.fkey && k.ch == KEY_ENTER)) {
    t->mode = UI_MAIN;
    ui_pick_apply(t);
  } else if (!k.fkey && (k.ch == 27 || k.ch == 'q')) {
    t->mode = UI_MAIN;
    ui_status(t, UI_INFO, "interface unchanged");
  }
  return UI_REDRAW;
}

unsigned ui_modal_key(struct tui *t, struct ui_key k) {
  if (t->mode == UI_PICK)
    return pick_key(t, k);
  /* Help and doctor pages: arrows scroll, any other key closes. */
  if (k.fkey && (k.ch == KEY_DOWN || k.ch == KEY_NPAGE))
    t->help_scroll += k.ch == KEY_DOWN ? 1 : PAGE;
  else if (k.fkey && (k.ch == KEY_UP || k.ch == KEY_PPAGE))
    t->help_scroll -= k.ch == KEY_UP ? 1 : PAGE;
  else
    t->mode = UI_MAIN;
  if (t->help_scroll < 0)
    t->help_scroll = 0;
  return UI_REDRAW;
}
