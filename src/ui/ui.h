/*
 * The screen UI's shared state, internal to src/ui. One struct tui holds
 * the session it watches, the curses screen, the libuv handles that feed it
 * (stdin poll, redraw timer, SIGWINCH), the mode (main screen, prompt,
 * help, inspector, interface picker) and one struct ui_pane of view state
 * per listed group, matched to the engine's groups by pointer.
 *
 * Data flow is one way: the engine accounts datagrams and only sets
 * `dirty`; the redraw timer reads the model and draws; keys go through the
 * tables in keys.c, prompt.c and inspect.c to handlers that change state or
 * call the engine and return reaction flags, never drawing themselves.
 */
#ifndef MCWATCH_UI_H
#define MCWATCH_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>

#include "../app/app.h"
#include "mcwatch/common.h"
#include "mcwatch/iface.h"
#include "mcwatch/overview.h"
#include "termguard.h"
#include "mcwatch/ring.h"

struct mcw_capture;

struct tui;

/* The code a terminal sends for Ctrl plus a letter. */
#define UI_CTRL(c) ((c)&0x1f)

/* Reactions a key handler asks for. */
enum {
  UI_NONE = 0,
  UI_REDRAW = 1 << 0, /* something visible changed */
  UI_CLEAR = 1 << 1,  /* repaint the whole terminal (layout changed) */
  UI_QUIT = 1 << 2,   /* stop the session */
};

enum ui_mode {
  UI_MAIN, /* the overview, or a group's pane (struct tui's overview) */
  UI_PROMPT,
  UI_HELP,
  UI_INSPECT,
  UI_PICK,
  UI_DOCTOR,
  UI_OUTAGES,  /* the outage log */
  UI_MESSAGES, /* the message log */
  UI_SESSIONS, /* the sessions SAP announces (sessions.c) */
  UI_IGMP,     /* the IGMP/MLD page */
};

enum ui_prompt_kind {
  UI_PROMPT_JOIN,
  UI_PROMPT_SEND,
  UI_PROMPT_FILTER,
  UI_PROMPT_WRITE,
  UI_PROMPT_SAVE,    /* file name for the channel list */
  UI_PROMPT_GROUPS,  /* the overview's filter */
  UI_PROMPT_CONFIRM, /* a yes/no question (ui_confirm_open) */
  UI_PROMPT_KINDS,
};

enum ui_level {
  UI_INFO,
  UI_WARN,
  UI_ERROR,
};

/* Colour pairs (0 = terminal default). */
enum ui_color {
  UI_C_TITLE = 1,
  UI_C_OK,
  UI_C_WARN,
  UI_C_ERR,
  UI_C_DIM,
  UI_C_SEL,
  UI_C_KEY,
  UI_C_SPARK,
  UI_C_ESC,
};

/* One key as read: a character, or a curses function key (KEY_*). */
struct ui_key {
  bool fkey;
  wint_t ch;
};

/* A key binding: keys are data; help and footer are built from these. */
struct ui_binding {
  int keys[4];        /* codes (characters or KEY_*), 0 ends the list */
  const char *label;  /* as shown: "j", "Tab", "Up/Down" */
  const char *footer; /* short word for the footer; NULL: help only */
  const char *help;   /* one sentence for the help screen */
  unsigned (*fn)(struct tui *t, int key);
  const char *name; /* the action's name in the config's [keys] */
};

/* A named table of bindings, for dispatch and for the help screen. */
struct ui_keymap {
  const char *title;
  const struct ui_binding *b;
  size_t n;
};

/* What a yes to a confirmation question does. */
enum ui_confirm {
  UI_CONFIRM_REMOVE, /* remove a left group, its pane and figures */
  UI_CONFIRM_CLEAR,  /* clear a group's counters, lists and senders */
  UI_CONFIRM_SAVE,   /* overwrite a file with the channel list */
  UI_CONFIRM_RECORD, /* overwrite a file with a new recording */
};

#define UI_INSPECT_MAX 65536 /* payload bytes the inspector copies */

#define UI_HISTORY 32
#define UI_MESSAGES_MAX 100 /* the message log keeps the last this many */

/* One line of the message log. */
struct ui_message {
  int64_t wall_ns;
  enum ui_level level;
  char *text;
};
#define UI_LINE_MAX 256

/* Earlier entries of one prompt, oldest first. */
struct ui_history {
  char *items[UI_HISTORY];
  size_t count;
};

/* The line editor shown at the bottom while a prompt is open. */
struct ui_prompt {
  enum ui_prompt_kind kind;
  char title[200];
  wchar_t buf[UI_LINE_MAX];
  size_t len, cur;
  size_t hpos; /* position in history while recalling; count = new line */
  wchar_t saved[UI_LINE_MAX]; /* the new line while recalling */
  size_t saved_len;
};

/* View state of one group's pane. */
struct ui_pane {
  struct mcw_group *group;
  uint64_t sel;         /* record number selected; 0 follows the newest */
  uint64_t top;         /* record number on the first row; 0 = newest */
  struct mcw_ring snap; /* frozen copy of the ring while paused */
  bool has_snap;
};

struct tui {
  struct mcw_session session;
  struct mcw_options *opt;
  SCREEN *screen;
  bool curses_on;
  bool utf8;
  bool color;

  uv_poll_t stdin_poll;
  uv_timer_t redraw_timer;
  uv_signal_t winch;
  uv_signal_t cont; /* SIGCONT: resumed after a stop */
  bool handles_open;
  char summary[200]; /* printed once the terminal is restored */

  bool dirty;
  bool clear_next;
  int64_t last_draw_ns;
  bool paused;
  bool tiled;

  struct ui_pane *panes;
  size_t npanes, panecap;
  size_t cur; /* selected group index in the engine's list */

  enum ui_mode mode;
  struct ui_prompt prompt;
  struct ui_history history[UI_PROMPT_KINDS];
  char filter[UI_LINE_MAX]; /* sender filter, "" = all */

  char status[300];
  enum ui_level status_level;
  int64_t status_ns; /* when the status line was last set (monotonic) */
  struct ui_message messages[UI_MESSAGES_MAX]; /* ring, oldest first */
  size_t msg_head, msg_count;

  /* The overview (src/ui/overview.c). */
  bool overview;                /* the main screen shows the overview */
  struct mcw_group *ov_sel;     /* selected group (kept as the order moves) */
  size_t ov_pos, ov_top;        /* its row, and the first row on screen */
  int ov_sort;                  /* column sorted by; -1: alarms first */
  bool ov_rev;                  /* sort order reversed */
  char ov_filter[UI_LINE_MAX];  /* group filter, "" = all */
  struct mcw_ov_row *ov_rows;   /* one per group, in the engine's order */
  struct mcw_ov_row **ov_order; /* filtered and sorted */
  size_t ov_n, ov_cap;
  bool ov_labels;    /* some group has a label: offer the column */
  int ov_label_w;    /* the widest label, in columns */
  int ov_endpoint_w; /* the widest endpoint text */
  struct mcw_ov_counts ov_counts;
  bool mouse; /* clicks and the wheel are read */

  struct mcw_iface_list picks; /* interface picker */
  size_t pick_sel;

  struct mcw_group *insp_group; /* inspector: which datagram */
  uint64_t insp_number;
  int insp_scroll;
  int help_scroll; /* also scrolls the doctor page */
  size_t sap_sel;  /* the Sessions page's selected row */

  char *doctor_text;           /* the doctor's last report, as text */
  struct mcw_capture *capture; /* recording to a pcap file, or NULL */

  /* Review fixes of issue 13 (h/uifix): the yes/no question and the
     inspector's own copy of the datagram it shows. */
  enum ui_confirm confirm_what;         /* what a yes does */
  char confirm_path[UI_LINE_MAX * 4];   /* the file, for SAVE and RECORD */
  struct mcw_group *confirm_group;      /* the group it is about */
  struct mcw_record insp_rec;           /* the record shown (payload below) */
  bool insp_have;                       /* insp_rec holds a datagram */
  uint8_t insp_payload[UI_INSPECT_MAX]; /* its bytes, at most --snap */
  char record_failed[2300]; /* why recording failed (exit 1), or "" */
  bool record_late_said;    /* said that records came too late to order */
};

/* tui.c */
/* Shows one line on the status line (escaped; never raw). */
void ui_status(struct tui *t, enum ui_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a line to the message log (without showing it). */
void ui_log(struct tui *t, enum ui_level level, const char *text);
/* The selected group, or NULL when none are listed. */
struct mcw_group *ui_current_group(struct tui *t);
/*
 * Keeps every index the UI holds valid after groups were added, removed or
 * reordered: the selected group, the picker's row, the panes and the
 * inspector (a mode whose group is gone falls back to the main screen).
 */
void ui_clamp(struct tui *t);
/* The view state of g (not NULL), created on first use. */
struct ui_pane *ui_pane_of(struct tui *t, struct mcw_group *g);
/* Forgets the view state of g (before the engine drops it). */
void ui_pane_forget(struct tui *t, struct mcw_group *g);
/* The ring a pane shows: the frozen copy while paused, else the live one. */
const struct mcw_ring *ui_pane_ring(struct ui_pane *p);

/* keys.c */
/* Keys of both views (tried after the view's own). */
extern const struct ui_keymap ui_main_keys;
/* The overview's keys. */
extern const struct ui_keymap ui_overview_keys;
/* A group pane's keys. */
extern const struct ui_keymap ui_pane_keys;
/* Handles a mouse event (KEY_MOUSE): clicks select, the wheel scrolls. */
unsigned ui_mouse(struct tui *t);
/* Handles a key on the main screen (overview or pane). */
unsigned ui_main_key(struct tui *t, struct ui_key k);
/* A key's name for people: "Tab", "F1", "Ctrl-L", "a"; buf may be used. */
const char *ui_key_name(int code, char *buf, size_t len);
/* Dispatches a key through map; returns reaction flags. */
unsigned ui_dispatch(struct tui *t, const struct ui_keymap *map,
                     struct ui_key k);
/* Handles one key in the help screen or the interface picker. */
unsigned ui_modal_key(struct tui *t, struct ui_key k);

/* actions.c */
/* Joins an endpoint typed by the user. */
void ui_join(struct tui *t, const char *text);
/* Leaves the selected group, or removes it when already left. */
void ui_leave(struct tui *t);
/* Opens the interface picker for the selected group. */
void ui_pick_open(struct tui *t);
/* Rejoins the selected group on the picked interface. */
void ui_pick_apply(struct tui *t);
/*
 * Saves every group with its label as a channel list at path; asks before
 * replacing a file unless overwrite.
 */
void ui_save_list(struct tui *t, const char *path, bool overwrite);
/* Sends text to the selected group. */
void ui_send(struct tui *t, const char *text);
/* Clears the selected group's counters. */
void ui_clear(struct tui *t);
/* Freezes or releases the datagram lists. */
void ui_pause(struct tui *t, bool on);
/* Freezes one pane's datagram list (a copy of its ring). */
void ui_pane_freeze(struct ui_pane *p);
/* Does what a confirmation question about g asked (after a yes). */
void ui_confirmed(struct tui *t, enum ui_confirm what, struct mcw_group *g);
/* TTL used by the send key. */
#define UI_SEND_TTL 1

/* prompt.c */
/* The line editor's key table (for dispatch and the help screen). */
extern const struct ui_keymap ui_prompt_keys;
/* Opens a prompt of kind with a title, prefilled with init (may be NULL). */
void ui_prompt_open(struct tui *t, enum ui_prompt_kind kind, const char *title,
                    const char *init);
/* Asks question (y/N) about g; y calls ui_confirmed, anything else cancels. */
void ui_confirm_open(struct tui *t, enum ui_confirm what, struct mcw_group *g,
                     const char *question);
/* Handles one key in the prompt. */
unsigned ui_prompt_key(struct tui *t, struct ui_key k);
/* Draws the prompt on the last line. */
void ui_prompt_draw(struct tui *t);
/* Frees the prompt histories. */
void ui_prompt_free(struct tui *t);

/* inspect.c */
/* The inspector's key table. */
extern const struct ui_keymap ui_inspect_keys;
/* Opens the inspector on the selected datagram of the selected group. */
bool ui_inspect_open(struct tui *t);
/* Draws the inspector over the whole screen. */
void ui_inspect_draw(struct tui *t);

/* sessions.c */
/* The Sessions page's key table. */
extern const struct ui_keymap ui_sessions_keys;
/* Draws the Sessions page (--sap) over the whole screen. */
void ui_sessions_draw(struct tui *t);

/* record.c */
/* Runs the doctor for the selected group and opens its page. */
void ui_doctor_open(struct tui *t);
/* Draws the doctor page over the whole screen. */
void ui_doctor_draw(struct tui *t);
/* Stops recording, or asks for a file name to start. */
void ui_record_toggle(struct tui *t);
/* Starts recording every group to path. */
void ui_record_start(struct tui *t, const char *path);
/* Starts recording to path at once (a yes was given, or no file was). */
void ui_record_begin(struct tui *t, const char *path);
/* Records one datagram; a write error stops recording and says why. */
void ui_record_datagram(struct tui *t, const struct mcw_group *g,
                        const struct mcw_datagram *d);
/* Writes the records whose reorder window passed (on the redraw timer). */
void ui_record_tick(struct tui *t);
/* At exit: closes the file and says on stderr what is in it. */
void ui_record_exit(struct tui *t);

/* overview.c */
/* Fills, filters and sorts the overview's rows from the model. */
void ui_overview_rows(struct tui *t);
/* Moves the overview's selection by delta rows. */
void ui_overview_move(struct tui *t, long delta);
/* Rows one page moves. */
int ui_overview_page(void);
/* True when screen row y holds a group row; selects it when select. */
bool ui_overview_at(struct tui *t, int y, bool select);
/* The group selected in the overview, or NULL. */
struct mcw_group *ui_overview_selected(struct tui *t);
/* Draws the overview (counts, column titles, rows). */
void ui_overview_draw(struct tui *t);
/* Draws the outage log page. */
void ui_outages_draw(struct tui *t);
/* Draws the message log page. */
void ui_messages_draw(struct tui *t);

/* igmp.c */
/* Draws the IGMP/MLD page: queriers, timers, alarms, reporters. */
void ui_igmp_draw(struct tui *t);
/*
 * Writes g's interface's querier status at the cursor in at most w
 * columns ("querier 10.0.0.1 IGMPv3 125s, 3s ago; 2 other hosts");
 * returns the columns used (0 when the link is not watched).
 */
int ui_igmp_status(struct tui *t, const struct mcw_group *g, int w);

/* view.c */
/* Draws everything for the current mode. */
void ui_draw(struct tui *t);

/* pane.c */
/* Draws g's pane in the rectangle; focused panes get a bright title. */
void ui_pane_draw(struct tui *t, struct ui_pane *p, int y, int x, int h, int w,
                  bool focused);
/* Lists the filtered record indexes of a ring (0 = newest); returns count. */
size_t ui_pane_rows(struct tui *t, const struct mcw_ring *r, uint32_t *out,
                    size_t max);
/* The selected record of a pane (the newest when following), or NULL. */
const struct mcw_record *ui_pane_selected(struct tui *t, struct ui_pane *p);
/* Moves a pane's selection by delta rows (negative: newer). */
void ui_pane_move(struct tui *t, struct ui_pane *p, long delta);

/* text.c */
/* Attribute for a colour pair, with a monochrome fallback. */
attr_t ui_attr(struct tui *t, enum ui_color c);
/* Draws UTF-8 text at most w columns wide; returns the columns used. */
int ui_put(WINDOW *win, const char *s, int w);
/* Draws escaped payload text, escapes highlighted; returns columns used. */
int ui_put_escaped(struct tui *t, WINDOW *win, const char *s, int w);
/* Columns escaped text s takes on the terminal. */
int ui_width(const char *s);
/* Like ui_put, padded with spaces to exactly w columns. */
void ui_put_pad(WINDOW *win, const char *s, int w);
/* Escapes untrusted bytes for display into out (MCW_ESC_MAX(len) bytes). */
void ui_escape(struct tui *t, const uint8_t *data, size_t len, char *out,
               size_t outlen);
/*
 * Bytes of s[pos..n) for one row of w columns when wrapping: at most w,
 * ending on a whole UTF-8 character (0 only at the end).
 */
int ui_cut(const char *s, int pos, int n, int w);
/* How many marks ui_spark draws in w columns (the seconds of history). */
int ui_spark_count(struct mcw_group *g, int w);
/* Draws g's packet-rate history as w marks at the cursor; returns peak. */
double ui_spark(struct tui *t, struct mcw_group *g, int w);
/* Draws a horizontal rule of w columns. */
void ui_hline(WINDOW *win, int y, int x, int w);
/* Draws a vertical rule of h rows. */
void ui_vline(WINDOW *win, int y, int x, int h);
/* Formats a record's arrival time as "HH:MM:SS.mmm". */
const char *ui_clock(int64_t wall_ns, char *buf, size_t len);
/* True when the text form of a sender matches the filter. */
bool ui_sender_match(struct tui *t, const struct mcw_addr *a);

#endif
