/*
 * The main screen's keys as data: each binding names its keys, a label, an
 * optional footer word, a help sentence, a handler and a name for the
 * config file's [keys] section. Handlers change state or call actions and
 * return reaction flags; they never draw. Three tables: the overview's,
 * the group pane's, and the commands of both (tried after the view's).
 * The footer and the help screen are generated from these tables (and
 * those of the prompt and the inspector), with every key of a binding
 * named, so what is shown cannot drift from what the keys do.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
    ui_status(t, UI_WARN, "no group to send to; press a to join one");
    return UI_REDRAW;
  }
  snprintf(title, sizeof(title), "send to %s via %s (TTL %d, loopback on): ",
           mcw_endpoint_format(&g->ep, ep, sizeof(ep)),
           g->ep.iface[0] ? g->ep.iface : "default", UI_SEND_TTL);
  ui_prompt_open(t, UI_PROMPT_SEND, title, NULL);
  return UI_REDRAW;
}

static unsigned k_filter(struct tui *t, int key) {
  ui_prompt_open(t, UI_PROMPT_FILTER,
                 "show senders whose address:port contains (Ctrl-U, Enter: "
                 "all): ",
                 t->filter);
  return UI_REDRAW;
}

static unsigned k_group_filter(struct tui *t, int key) {
  ui_prompt_open(t, UI_PROMPT_GROUPS,
                 "show groups whose label, address, interface or state "
                 "contains (Ctrl-U, Enter: all): ",
                 t->ov_filter);
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
  case 'k':
    d = -1;
    break;
  case KEY_DOWN:
  case 'j':
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

static unsigned k_save(struct tui *t, int key) {
  if (mcw_engine_count(t->session.engine) == 0) {
    ui_status(t, UI_WARN, "no groups to save");
    return UI_REDRAW;
  }
  ui_prompt_open(t, UI_PROMPT_SAVE,
                 "save the groups as a channel list (mcwatch -f FILE) to: ",
                 "channels.txt");
  return UI_REDRAW;
}

static unsigned k_outages(struct tui *t, int key) {
  t->mode = UI_OUTAGES;
  t->help_scroll = INT32_MAX; /* the newest, at the bottom */
  return UI_REDRAW;
}

static unsigned k_igmp(struct tui *t, int key) {
  t->mode = UI_IGMP;
  t->help_scroll = 0;
  return UI_REDRAW;
}

static unsigned k_messages(struct tui *t, int key) {
  t->mode = UI_MESSAGES;
  t->help_scroll = INT32_MAX;
  return UI_REDRAW;
}

static unsigned k_sessions(struct tui *t, int key) {
  t->mode = UI_SESSIONS;
  return UI_CLEAR;
}

/* Overview: Enter (or Tab) opens the selected group's pane. */
static unsigned k_open(struct tui *t, int key) {
  struct mcw_group *g = ui_overview_selected(t);

  if (g == NULL)
    return UI_NONE;
  for (size_t i = 0; i < mcw_engine_count(t->session.engine); i++)
    if (mcw_engine_group(t->session.engine, i) == g)
      t->cur = i;
  t->overview = false;
  return UI_CLEAR;
}

/* Group pane: back to the overview, selecting the group that was shown. */
static unsigned k_overview(struct tui *t, int key) {
  t->ov_sel = ui_current_group(t);
  t->overview = true;
  return UI_CLEAR;
}

static unsigned k_ov_move(struct tui *t, int key) {
  switch (key) {
  case KEY_UP:
  case 'k':
    ui_overview_move(t, -1);
    break;
  case KEY_DOWN:
  case 'j':
    ui_overview_move(t, 1);
    break;
  case KEY_PPAGE:
    ui_overview_move(t, -ui_overview_page());
    break;
  case KEY_NPAGE:
    ui_overview_move(t, ui_overview_page());
    break;
  case KEY_HOME:
    ui_overview_move(t, -(1L << 30));
    break;
  case KEY_END:
    ui_overview_move(t, 1L << 30);
    break;
  }
  return UI_REDRAW;
}

/* < and >: the column to sort by, from "alarms first" through each one. */
static unsigned k_sort(struct tui *t, int key) {
  int c = t->ov_sort, step = key == '<' ? -1 : 1;

  for (int tries = 0; tries <= MCW_OV_COLS; tries++) {
    c += step;
    if (c >= MCW_OV_COLS)
      c = -1;
    else if (c < -1)
      c = MCW_OV_COLS - 1;
    if (c != MCW_OV_LABEL || t->ov_labels)
      break;
  }
  t->ov_sort = c;
  /* Figures read best largest first; names and addresses A to Z. */
  t->ov_rev = c >= 0 && mcw_ov_columns[c].right;
  ui_status(t, UI_INFO, "sorted by %s%s (I reverses)",
            c < 0 ? "alarms first, then the order given"
                  : mcw_ov_columns[c].title,
            t->ov_rev ? ", largest first" : "");
  return UI_REDRAW;
}

static unsigned k_reverse(struct tui *t, int key) {
  t->ov_rev = !t->ov_rev;
  return UI_REDRAW;
}

#define NAME(n) .name = n

/* Commands of both views. */
static struct ui_binding global_bindings[] = {
    {{'q', 'Q'},
     "q",
     "Quit",
     "Quit mcwatch (leaves every group).",
     k_quit,
     NAME("quit")},
    {{'?', 'h', KEY_F(1)},
     "?",
     "Help",
     "Show this help.",
     k_help,
     NAME("help")},
    {{'a', '+'},
     "a",
     "Join",
     "Join a group: type GROUP:PORT[@SOURCE][%IFACE] (a left group is "
     "joined again in its place).",
     k_join,
     NAME("join")},
    {{'x', '-', KEY_DC},
     "x",
     "Leave",
     "Leave the selected group; again (after a yes) removes it and its "
     "figures.",
     k_leave,
     NAME("leave")},
    {{'s'},
     "s",
     "Send",
     "Send a probe carrying a text to the selected group (TTL 1, loopback on).",
     k_send,
     NAME("send")},
    {{'i'},
     "i",
     "Iface",
     "Pick a multicast interface and rejoin the selected group there.",
     k_iface,
     NAME("iface")},
    {{'d'},
     "d",
     "Doctor",
     "Run the doctor for the selected group: why nothing may arrive, with "
     "fixes.",
     k_doctor,
     NAME("doctor")},
    {{'o'},
     "o",
     "Outages",
     "Show the outage log: every alarm raised and cleared.",
     k_outages,
     NAME("outages")},
    {{'m'},
     "m",
     "Msgs",
     "Show the last 100 messages in full.",
     k_messages,
     NAME("messages")},
    {{'A'},
     "A",
     "SAP",
     "Show the sessions SAP announces (--sap); Enter there joins one.",
     k_sessions,
     NAME("sessions")},
    {{'g'},
     "g",
     "IGMP",
     "Show the IGMP/MLD page: queriers, their timers and alarms, who "
     "reported each group.",
     k_igmp,
     NAME("igmp")},
    {{'w'},
     "w",
     "Rec",
     "Record every group to a pcap file (asks for the name); again stops.",
     k_write,
     NAME("record")},
    {{'S'},
     "S",
     "Save",
     "Save the groups and their labels as a channel list for -f.",
     k_save,
     NAME("save")},
    {{UI_CTRL('l')},
     "Ctrl-L",
     NULL,
     "Repaint the screen.",
     k_repaint,
     NAME("repaint")},
};

static struct ui_binding overview_bindings[] = {
    {{KEY_UP, KEY_DOWN, 'k', 'j'},
     "Up/Down",
     NULL,
     "Select the group above or below.",
     k_ov_move,
     NAME("up-down")},
    {{KEY_PPAGE, KEY_NPAGE},
     "PgUp/PgDn",
     NULL,
     "Move a page of groups.",
     k_ov_move,
     NAME("page")},
    {{KEY_HOME, KEY_END},
     "Home/End",
     NULL,
     "Go to the first or the last group.",
     k_ov_move,
     NAME("home-end")},
    {{'\r', '\n', KEY_ENTER, '\t'},
     "Enter",
     "Open",
     "Open the selected group's pane: datagrams, senders, figures.",
     k_open,
     NAME("open")},
    {{'/'},
     "/",
     "Filter",
     "Show only groups whose label, address, interface or state contains a "
     "text.",
     k_group_filter,
     NAME("filter")},
    {{'<', '>'},
     "</>",
     "Sort",
     "Sort by the column to the left or right (the first is alarms first).",
     k_sort,
     NAME("sort")},
    {{'I'}, "I", NULL, "Reverse the sort order.", k_reverse, NAME("reverse")},
};

static struct ui_binding pane_bindings[] = {
    {{27, KEY_BACKSPACE, 127, '\b'},
     "Esc",
     "Overview",
     "Back to the overview of every group, the selection kept.",
     k_overview,
     NAME("overview")},
    {{'\t', KEY_RIGHT},
     "Tab",
     "Next",
     "Select the next group.",
     k_next,
     NAME("next")},
    {{KEY_BTAB, KEY_LEFT},
     "S-Tab",
     NULL,
     "Select the previous group.",
     k_prev,
     NAME("previous")},
    {{KEY_UP, KEY_DOWN, 'k', 'j'},
     "Up/Down",
     NULL,
     "Move through the datagrams (the top row follows the newest).",
     k_rows,
     NAME("rows")},
    {{KEY_PPAGE, KEY_NPAGE},
     "PgUp/PgDn",
     NULL,
     "Move ten datagrams at a time.",
     k_rows,
     NAME("rows-page")},
    {{KEY_HOME, KEY_END},
     "Home/End",
     NULL,
     "Go to the newest (and follow) or to the oldest datagram.",
     k_rows,
     NAME("rows-home-end")},
    {{'\r', '\n', KEY_ENTER},
     "Enter",
     "Inspect",
     "Inspect the selected datagram: hexdump and text.",
     k_inspect,
     NAME("inspect")},
    {{'p', ' '},
     "p",
     "Pause",
     "Pause the datagram list; capture and counting go on.",
     k_pause,
     NAME("pause")},
    {{'/'},
     "/",
     "Filter",
     "Show only senders whose address:port contains a text.",
     k_filter,
     NAME("sender-filter")},
    {{'c'},
     "c",
     "Clear",
     "Clear the selected group's counters and lists (asks first).",
     k_clear,
     NAME("clear")},
    {{'t'},
     "t",
     NULL,
     "Toggle tiled panes (when the terminal is large enough).",
     k_tile,
     NAME("tile")},
};

const struct ui_keymap ui_main_keys = {"Everywhere", global_bindings,
                                       MCW_ARRAY_LEN(global_bindings)};
const struct ui_keymap ui_overview_keys = {"Overview", overview_bindings,
                                           MCW_ARRAY_LEN(overview_bindings)};
const struct ui_keymap ui_pane_keys = {"Group pane", pane_bindings,
                                       MCW_ARRAY_LEN(pane_bindings)};

/* Names of keys for the help screen, the config file and messages. */
static const struct {
  int code;
  const char *name;
} key_names[] = {
    {'\t', "Tab"},       {KEY_BTAB, "S-Tab"},
    {'\r', "Enter"},     {'\n', NULL},
    {KEY_ENTER, NULL},   {27, "Esc"},
    {' ', "Space"},      {KEY_BACKSPACE, "Backspace"},
    {127, NULL},         {'\b', NULL},
    {KEY_DC, "Delete"},  {KEY_IC, "Insert"},
    {KEY_UP, "Up"},      {KEY_DOWN, "Down"},
    {KEY_LEFT, "Left"},  {KEY_RIGHT, "Right"},
    {KEY_PPAGE, "PgUp"}, {KEY_NPAGE, "PgDn"},
    {KEY_HOME, "Home"},  {KEY_END, "End"},
};

const char *ui_key_name(int code, char *buf, size_t len) {
  for (size_t i = 0; i < MCW_ARRAY_LEN(key_names); i++)
    if (key_names[i].code == code)
      return key_names[i].name;
  if (code >= KEY_F(1) && code <= KEY_F(24))
    snprintf(buf, len, "F%d", code - KEY_F(0));
  else if (code > 0 && code < 32)
    snprintf(buf, len, "Ctrl-%c", code + '@');
  else if (code >= 32 && code < 127)
    snprintf(buf, len, "%c", code);
  else
    snprintf(buf, len, "key %d", code);
  return buf;
}

/* Reads a key as the config file names it; -1 when it is not one. */
static int key_parse(const char *s) {
  int f;
  char extra;

  if (s[0] != '\0' && s[1] == '\0' && (unsigned char)s[0] > 32 &&
      (unsigned char)s[0] < 127)
    return s[0];
  for (size_t i = 0; i < MCW_ARRAY_LEN(key_names); i++)
    if (key_names[i].name != NULL && strcasecmp(s, key_names[i].name) == 0)
      return key_names[i].code;
  if ((s[0] == 'F' || s[0] == 'f') && sscanf(s + 1, "%d%c", &f, &extra) == 1 &&
      f >= 1 && f <= 24)
    return KEY_F(f);
  if (strncasecmp(s, "Ctrl-", 5) == 0 && s[5] != '\0' && s[6] == '\0' &&
      ((s[5] >= 'a' && s[5] <= 'z') || (s[5] >= 'A' && s[5] <= 'Z')))
    return UI_CTRL(s[5]);
  return -1;
}

static struct ui_binding *const all_tables[] = {
    global_bindings, overview_bindings, pane_bindings};
static const size_t all_sizes[] = {MCW_ARRAY_LEN(global_bindings),
                                   MCW_ARRAY_LEN(overview_bindings),
                                   MCW_ARRAY_LEN(pane_bindings)};

/* The label of a binding whose keys changed: its first key's name. */
static void relabel(struct ui_binding *b) {
  static char labels[96][16];
  static size_t used;
  char name[32];

  if (b->keys[0] == 0) {
    b->label = ""; /* no key left: out of the footer and the help */
    return;
  }
  if (used < MCW_ARRAY_LEN(labels)) {
    snprintf(labels[used], sizeof(labels[used]), "%s",
             ui_key_name(b->keys[0], name, sizeof(name)));
    b->label = labels[used++];
  }
}

int mcw_ui_bind(const char *action, const char *keylist, char *err,
                size_t len) {
  struct ui_binding *target = NULL;
  int codes[MCW_ARRAY_LEN(target->keys)], n = 0;
  char buf[128], *save = NULL;

  for (size_t m = 0; m < MCW_ARRAY_LEN(all_tables) && target == NULL; m++)
    for (size_t i = 0; i < all_sizes[m]; i++)
      if (strcmp(all_tables[m][i].name, action) == 0)
        target = &all_tables[m][i];
  if (target == NULL) {
    snprintf(err, len,
             "%.40s: no such action (the names are in mcwatch(1), KEYS)",
             action);
    return -1;
  }
  /* "F2" or several: "F2 a +" (they replace the action's keys). */
  snprintf(buf, sizeof(buf), "%s", keylist);
  for (char *k = strtok_r(buf, " \t", &save); k != NULL;
       k = strtok_r(NULL, " \t", &save)) {
    int code = key_parse(k);
    if (code < 0) {
      snprintf(err, len,
               "%.40s: not a key (a character, F1-F24, Ctrl-A to Ctrl-Z, "
               "Tab, Enter, Esc, Space, Up, PgDn, Home...)",
               k);
      return -1;
    }
    if (n == (int)MCW_ARRAY_LEN(codes)) {
      snprintf(err, len, "%.40s: at most %zu keys for one action", action,
               MCW_ARRAY_LEN(codes));
      return -1;
    }
    codes[n++] = code;
  }
  if (n == 0) {
    snprintf(err, len, "%.40s: no key given", action);
    return -1;
  }
  /* The keys leave whatever had them (which keep their other keys, and
     their label follows), then become the action's. */
  memset(target->keys, 0, sizeof(target->keys));
  for (size_t m = 0; m < MCW_ARRAY_LEN(all_tables); m++)
    for (size_t i = 0; i < all_sizes[m]; i++) {
      struct ui_binding *b = &all_tables[m][i];
      size_t kept = 0;
      bool lost = false;
      for (size_t k = 0; k < MCW_ARRAY_LEN(b->keys); k++) {
        bool taken = false;
        for (int c = 0; c < n; c++)
          taken |= b->keys[k] == codes[c];
        lost |= taken && k == 0;
        if (b->keys[k] != 0 && !taken)
          b->keys[kept++] = b->keys[k];
      }
      while (kept < MCW_ARRAY_LEN(b->keys))
        b->keys[kept++] = 0;
      if (lost)
        relabel(b);
    }
  memcpy(target->keys, codes, (size_t)n * sizeof(codes[0]));
  relabel(target);
  return 0;
}

/* The first binding of map that holds code, or NULL. */
static const struct ui_binding *find(const struct ui_keymap *map, int code) {
  for (size_t i = 0; i < map->n; i++)
    for (size_t j = 0; j < MCW_ARRAY_LEN(map->b[i].keys); j++)
      if (map->b[i].keys[j] != 0 && map->b[i].keys[j] == code)
        return &map->b[i];
  return NULL;
}

unsigned ui_dispatch(struct tui *t, const struct ui_keymap *map,
                     struct ui_key k) {
  const struct ui_binding *b;
  int code = (int)k.ch;

  /* Characters beyond Latin-1 could collide with KEY_* codes: no binding. */
  if (!k.fkey && k.ch >= KEY_MIN)
    return UI_NONE;
  b = find(map, code);
  return b != NULL ? b->fn(t, code) : UI_NONE;
}

unsigned ui_main_key(struct tui *t, struct ui_key k) {
  const struct ui_keymap *view =
      t->overview ? &ui_overview_keys : &ui_pane_keys;
  const struct ui_binding *b = NULL;
  int code = (int)k.ch;
  char name[32];

  if (k.fkey || k.ch < KEY_MIN) {
    b = find(view, code);
    if (b == NULL)
      b = find(&ui_main_keys, code);
  }
  if (b != NULL)
    return b->fn(t, code);
  if (k.fkey && k.ch == KEY_RESIZE)
    return UI_NONE;
  ui_status(t, UI_INFO, "%s does nothing %s; ? lists the keys",
            k.fkey || k.ch < 128 ? ui_key_name(code, name, sizeof(name))
                                 : "that key",
            t->overview ? "in the overview" : "in a group's pane");
  return UI_REDRAW;
}

unsigned ui_mouse(struct tui *t) {
  MEVENT ev;
  int wheel;

  if (getmouse(&ev) != OK)
    return UI_NONE;
  wheel = (ev.bstate & BUTTON4_PRESSED)   ? -3
          : (ev.bstate & BUTTON5_PRESSED) ? 3
                                          : 0;
  if (t->mode == UI_HELP || t->mode == UI_DOCTOR || t->mode == UI_OUTAGES ||
      t->mode == UI_MESSAGES || t->mode == UI_IGMP) {
    if (t->help_scroll == INT32_MAX)
      t->help_scroll = 1 << 20;
    t->help_scroll += wheel;
    if (t->help_scroll < 0)
      t->help_scroll = 0;
    return UI_REDRAW;
  }
  if (t->mode != UI_MAIN)
    return UI_NONE;
  if (t->overview) {
    if (wheel != 0)
      ui_overview_move(t, wheel);
    else if (ui_overview_at(t, ev.y, true) &&
             (ev.bstate & BUTTON1_DOUBLE_CLICKED))
      return k_open(t, '\r');
    return UI_REDRAW;
  }
  if (wheel != 0) {
    struct ui_pane *p = cur_pane(t);
    if (p != NULL)
      ui_pane_move(t, p, wheel);
  }
  return UI_REDRAW;
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
  /* Help, doctor and log pages: arrows scroll, any other key closes. */
  if (t->help_scroll == INT32_MAX)
    t->help_scroll = 1 << 20; /* the page clamps it to its end */
  if (k.fkey && (k.ch == KEY_DOWN || k.ch == KEY_NPAGE))
    t->help_scroll += k.ch == KEY_DOWN ? 1 : PAGE;
  else if (k.fkey && (k.ch == KEY_UP || k.ch == KEY_PPAGE))
    t->help_scroll -= k.ch == KEY_UP ? 1 : PAGE;
  else if (k.fkey && k.ch == KEY_HOME)
    t->help_scroll = 0;
  else if (k.fkey && k.ch == KEY_END)
    t->help_scroll = 1 << 20;
  else if (!(k.fkey && k.ch == KEY_RESIZE))
    t->mode = UI_MAIN;
  if (t->help_scroll < 0)
    t->help_scroll = 0;
  return UI_REDRAW;
}
