/*
 * The overview: every watched group on one screen, one row each, with the
 * columns of src/core/overview.c laid out for the terminal's width. The
 * rows are filled, filtered and sorted from the model each time they are
 * drawn or a key moves through them (ui_overview_rows), so what the keys
 * act on is what the screen shows. The selection is a group, not a row
 * number: it stays on its group while the order changes underneath.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcwatch/chanlist.h"
#include "mcwatch/fmt.h"
#include "mcwatch/overview.h"
#include "ui.h"

#define HEADER_ROWS 2 /* the counts line and the column titles */

void ui_overview_rows(struct tui *t) {
  struct mcw_engine *e = t->session.engine;
  size_t n = mcw_engine_count(e), k = 0;
  int64_t mono = mcw_mono_ns();

  if (n > t->ov_cap) {
    t->ov_cap = n + 16;
    t->ov_rows = mcw_xrealloc(t->ov_rows, t->ov_cap * sizeof(*t->ov_rows));
    t->ov_order = mcw_xrealloc(t->ov_order, t->ov_cap * sizeof(*t->ov_order));
  }
  memset(&t->ov_counts, 0, sizeof(t->ov_counts));
  t->ov_labels = false;
  t->ov_label_w = 0;
  t->ov_endpoint_w = 0;
  for (size_t i = 0; i < n; i++) {
    struct mcw_ov_row *r = &t->ov_rows[i];
    mcw_ov_row_fill(r, i, mcw_engine_group(e, i), mono);
    mcw_ov_count(&t->ov_counts, r);
    if (r->g->ep.label[0] != '\0') {
      int w = ui_width(r->g->ep.label);
      t->ov_labels = true;
      t->ov_label_w = w > t->ov_label_w ? w : t->ov_label_w;
    }
    if ((int)strlen(r->endpoint) > t->ov_endpoint_w)
      t->ov_endpoint_w = (int)strlen(r->endpoint);
    if (mcw_ov_match(r, t->ov_filter))
      t->ov_order[k++] = r;
  }
  t->ov_n = k;
  mcw_ov_sort(t->ov_order, k, t->ov_sort, t->ov_rev);
  /* Keep the selection on its group; if it is gone, on its old place. */
  t->ov_pos = t->ov_n > 0 && t->ov_pos >= t->ov_n ? t->ov_n - 1 : t->ov_pos;
  for (size_t i = 0; i < t->ov_n; i++)
    if (t->ov_order[i]->g == t->ov_sel) {
      t->ov_pos = i;
      break;
    }
  t->ov_sel = t->ov_n > 0 ? t->ov_order[t->ov_pos]->g : NULL;
  /* The commands (leave, send, doctor...) act on the group selected here. */
  if (t->overview && t->ov_n > 0)
    t->cur = t->ov_order[t->ov_pos]->index;
}

/* Rows of the table on screen (between the header and the status line). */
static int body_rows(void) {
  int h = LINES - HEADER_ROWS - 2;
  return h > 0 ? h : 0;
}

void ui_overview_move(struct tui *t, long delta) {
  long pos;

  ui_overview_rows(t);
  if (t->ov_n == 0)
    return;
  pos = (long)t->ov_pos + delta;
  if (pos < 0)
    pos = 0;
  if (pos >= (long)t->ov_n)
    pos = (long)t->ov_n - 1;
  t->ov_pos = (size_t)pos;
  t->ov_sel = t->ov_order[pos]->g;
}

int ui_overview_page(void) {
  int h = body_rows() - 1;
  return h > 1 ? h : 1;
}

bool ui_overview_at(struct tui *t, int y, bool select) {
  long row = (long)y - HEADER_ROWS;

  if (row < 0 || row >= body_rows() || (size_t)row + t->ov_top >= t->ov_n)
    return false;
  if (select) {
    t->ov_pos = (size_t)row + t->ov_top;
    t->ov_sel = t->ov_order[t->ov_pos]->g;
  }
  return true;
}

struct mcw_group *ui_overview_selected(struct tui *t) {
  ui_overview_rows(t);
  return t->ov_sel;
}

/* "200 groups: 180 receiving, 12 silent, 8 waiting, 14 in alarm". */
static void draw_counts(struct tui *t) {
  const struct mcw_ov_counts *c = &t->ov_counts;
  char buf[300], sort[80] = "";
  int x;

  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE) | A_REVERSE);
  x = ui_put(stdscr, " mcwatch ", COLS);
  attroff(ui_attr(t, UI_C_TITLE) | A_REVERSE);
  if (t->capture != NULL) {
    attron(ui_attr(t, UI_C_ERR) | A_BOLD);
    x += ui_put(stdscr, " REC", COLS - x);
    attroff(ui_attr(t, UI_C_ERR) | A_BOLD);
  }
  snprintf(buf, sizeof(buf),
           " %zu group%s: %zu receiving, %zu silent, %zu "
           "waiting, ",
           c->total, c->total == 1 ? "" : "s", c->receiving, c->silent,
           c->waiting);
  x += ui_put(stdscr, buf, COLS - x);
  snprintf(buf, sizeof(buf), "%zu in alarm", c->alarm);
  if (c->alarm > 0)
    attron(ui_attr(t, UI_C_ERR) | A_BOLD);
  x += ui_put(stdscr, buf, COLS - x);
  if (c->alarm > 0)
    attroff(ui_attr(t, UI_C_ERR) | A_BOLD);
  /* The sorted column is marked in the titles; here only the default. */
  if (t->ov_sort < 0)
    snprintf(sort, sizeof(sort), "  alarms first%s",
             t->ov_rev ? " (reversed)" : "");
  attron(ui_attr(t, UI_C_DIM));
  x += ui_put(stdscr, sort, COLS - x);
  attroff(ui_attr(t, UI_C_DIM));
  if (t->ov_filter[0] != '\0') {
    snprintf(buf, sizeof(buf), "  filter \"%s\": %zu shown", t->ov_filter,
             t->ov_n);
    attron(ui_attr(t, UI_C_WARN));
    ui_put(stdscr, buf, COLS - x);
    attroff(ui_attr(t, UI_C_WARN));
  }
}

/* Writes one cell at x, w columns, aligned as its column wants. */
static void put_cell(int y, int x, int w, const char *s, bool right) {
  int len = (int)strlen(s);

  if (right && len < w)
    x += w - len; /* figures are ASCII: bytes are columns */
  move(y, x);
  ui_put(stdscr, s, w);
}

static void draw_header(struct tui *t, const int *widths) {
  int x = 0;

  move(1, 0);
  attron(A_BOLD | A_UNDERLINE);
  for (int i = 0; i < COLS; i++)
    addch(' ');
  for (int c = 0; c < MCW_OV_COLS; c++) {
    const struct mcw_ov_column *col = &mcw_ov_columns[c];
    char title[48];
    if (widths[c] == 0)
      continue;
    snprintf(title, sizeof(title), "%s%s", col->title,
             c == t->ov_sort ? (t->ov_rev ? "v" : "^") : "");
    put_cell(1, x, widths[c], title, col->right);
    x += widths[c] + 1;
  }
  attroff(A_BOLD | A_UNDERLINE);
}

/* The colour of a row: the worst alarm's, bold or reverse without colour. */
static attr_t row_attr(struct tui *t, const struct mcw_ov_row *r) {
  if (r->alarms & ((1u << MCW_ALARM_ERROR) | (1u << MCW_ALARM_SILENCE)))
    return ui_attr(t, UI_C_ERR) | A_BOLD;
  if (r->alarms != 0)
    return ui_attr(t, UI_C_WARN) | A_BOLD;
  if (r->g->state == MCW_GROUP_LEFT || r->st.packets == 0)
    return ui_attr(t, UI_C_DIM);
  return A_NORMAL;
}

void ui_overview_draw(struct tui *t) {
  int widths[MCW_OV_COLS], h = body_rows();

  ui_overview_rows(t);
  mcw_ov_layout(COLS, t->ov_label_w, t->ov_endpoint_w, widths);
  draw_counts(t);
  draw_header(t, widths);
  if (t->ov_n == 0) {
    move(HEADER_ROWS, 1);
    attron(ui_attr(t, UI_C_DIM));
    ui_put(stdscr,
           t->ov_filter[0] ? "no group matches the filter (/ changes it)"
                           : "no groups: press a to join one",
           COLS - 1);
    attroff(ui_attr(t, UI_C_DIM));
    return;
  }
  /* Scroll so the selection is on screen. */
  if (t->ov_pos < t->ov_top)
    t->ov_top = t->ov_pos;
  if (h > 0 && t->ov_pos >= t->ov_top + (size_t)h)
    t->ov_top = t->ov_pos - (size_t)h + 1;
  if (t->ov_top + (size_t)h > t->ov_n)
    t->ov_top = t->ov_n > (size_t)h ? t->ov_n - (size_t)h : 0;
  for (int i = 0; i < h && t->ov_top + (size_t)i < t->ov_n; i++) {
    const struct mcw_ov_row *r = t->ov_order[t->ov_top + (size_t)i];
    bool sel = t->ov_top + (size_t)i == t->ov_pos;
    attr_t a = row_attr(t, r) | (sel ? A_REVERSE : A_NORMAL);
    int y = HEADER_ROWS + i, x = 0;
    move(y, 0);
    attron(a);
    for (int k = 0; k < COLS; k++)
      addch(' ');
    for (int c = 0; c < MCW_OV_COLS; c++) {
      const struct mcw_ov_column *col = &mcw_ov_columns[c];
      char cell[200];
      if (widths[c] == 0)
        continue;
      if (c == MCW_OV_SPARK) {
        attroff(a);
        move(y, x);
        ui_spark(t, r->g, widths[c]);
        attron(a);
      } else {
        col->cell(r, widths[c], cell, sizeof(cell));
        put_cell(y, x, widths[c], cell, col->right);
      }
      x += widths[c] + 1;
    }
    attroff(a);
  }
}

/* Writes all of text to fd; 0 or an errno. */
static int write_all(int fd, const char *text, size_t len) {
  for (size_t off = 0; off < len;) {
    ssize_t w = write(fd, text + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return w < 0 ? errno : EIO;
    off += (size_t)w;
  }
  return 0;
}

/*
 * Writes text at path: a new file only (O_EXCL), or, when replace, through
 * a temporary file renamed over it, so a failed write never leaves the old
 * list half overwritten. Returns 0 or an errno.
 */
static int write_file(const char *path, const char *text, bool replace) {
  char tmp[UI_LINE_MAX * 4 + 16];
  const char *target = path;
  int fd, err;

  if (replace) {
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    fd = mkstemp(tmp);
    target = tmp;
  } else {
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd < 0)
    return errno;
  err = write_all(fd, text, strlen(text));
  if (replace && err == 0 && fchmod(fd, 0644) < 0)
    err = errno;
  if (close(fd) < 0 && err == 0)
    err = errno;
  if (err == 0 && replace && rename(tmp, path) < 0)
    err = errno;
  if (err != 0)
    unlink(target); /* a half-written list would mislead */
  return err;
}

void ui_save_list(struct tui *t, const char *path, bool overwrite) {
  struct mcw_engine *e = t->session.engine;
  size_t n = mcw_engine_count(e);
  const struct mcw_endpoint **eps;
  char *text, question[UI_LINE_MAX * 4 + 64];
  int err;

  if (path[0] == '\0') {
    ui_status(t, UI_WARN, "no file name: nothing saved");
    return;
  }
  eps = mcw_xcalloc(n ? n : 1, sizeof(*eps));
  for (size_t i = 0; i < n; i++)
    eps[i] = &mcw_engine_group(e, i)->ep;
  text = mcw_chanlist_format_plain(eps, n);
  free(eps);
  err = write_file(path, text, overwrite);
  free(text);
  if (err == EEXIST) {
    mcw_strlcpy(t->confirm_path, path, sizeof(t->confirm_path));
    snprintf(question, sizeof(question), "%s exists: replace it?", path);
    ui_confirm_open(t, UI_CONFIRM_SAVE, NULL, question);
  } else if (err != 0) {
    ui_status(t, UI_ERROR, "%s: not saved: %s", path, strerror(err));
  } else {
    ui_status(t, UI_INFO, "saved %zu group%s to %s (mcwatch -f %s)", n,
              n == 1 ? "" : "s", path, path);
  }
}
