/*
 * The overview: one row per watched group, its columns as data. Each
 * column names its title, its widths, its priority when the screen is
 * narrow (1 is kept longest), how its cell reads and how it sorts, so the
 * screen, its help and the sort keys come from one table (as the keys do).
 * Rows are filled from the model, filtered by text and sorted here, with
 * no curses: the screen UI only draws what this decides.
 */
#ifndef MCWATCH_OVERVIEW_H
#define MCWATCH_OVERVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/group.h"

enum mcw_ov_col {
  MCW_OV_LABEL,
  MCW_OV_ENDPOINT,
  MCW_OV_STATE,
  MCW_OV_PPS,
  MCW_OV_BPS,
  MCW_OV_SENDERS,
  MCW_OV_LOSS,
  MCW_OV_ERRORS,
  MCW_OV_DROPS,
  MCW_OV_LAST,
  MCW_OV_SPARK,
  MCW_OV_COLS,
};

/* One group's row, filled at one moment. */
struct mcw_ov_row {
  size_t index; /* position in the engine's list: the order given */
  struct mcw_group *g;
  struct mcw_group_stats st;
  unsigned alarms; /* raised mask (alarm.h) */
  char endpoint[128];
  char state[160]; /* alarm words, or the state: "ok", "waiting for ..." */
};

struct mcw_ov_column {
  const char *name;  /* for sorting and the config: "loss" */
  const char *title; /* header: "LOSS" */
  int min_width, max_width;
  int priority;     /* 1 is dropped last when the screen is narrow */
  bool right;       /* right-aligned (numbers) */
  const char *help; /* one sentence for the help screen */
  /* Writes the cell's text for a column width w into buf. */
  void (*cell)(const struct mcw_ov_row *r, int w, char *buf, size_t len);
  /* Orders two rows by this column (<0, 0, >0), ascending. */
  int (*cmp)(const struct mcw_ov_row *a, const struct mcw_ov_row *b);
};

extern const struct mcw_ov_column mcw_ov_columns[MCW_OV_COLS];

/* Fills r from g (position index) at mono_ns. */
void mcw_ov_row_fill(struct mcw_ov_row *r, size_t index, struct mcw_group *g,
                     int64_t mono_ns);

/* True when text (case-insensitive) occurs in the row's label, endpoint,
 * interface or state; an empty text matches every row. */
bool mcw_ov_match(const struct mcw_ov_row *r, const char *text);

/*
 * Sorts rows by column col (MCW_OV_COLS: the default order, groups in
 * alarm first, then the order given); reverse flips the column's order.
 * Ties keep the order given.
 */
void mcw_ov_sort(struct mcw_ov_row **rows, size_t n, int col, bool reverse);

/*
 * Chooses the columns for a screen width: widths[c] is 0 for a column
 * left out. label_w and endpoint_w are the widest label and endpoint to
 * show (label_w 0: no label column); those columns grow up to them, the
 * state next, the history takes the rest. Returns the number shown.
 */
int mcw_ov_layout(int width, int label_w, int endpoint_w,
                  int widths[MCW_OV_COLS]);

/* The column named name (or its title, any case), or -1. */
int mcw_ov_column_find(const char *name);

/* Counts for the top line. */
struct mcw_ov_counts {
  size_t total, receiving, silent, waiting, alarm, left;
};

/* Adds row r to the counts. */
void mcw_ov_count(struct mcw_ov_counts *c, const struct mcw_ov_row *r);

#endif
