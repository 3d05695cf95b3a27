/*
 * Unit tests for overview.c: rows filled from real group models on a fake
 * clock, the default order (groups in alarm first, then the order given),
 * sorting by a column and reversed, the text filter, the layout at 80 and
 * 250 columns, and the top line's counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/chanlist.h"
#include "mcwatch/common.h"
#include "mcwatch/overview.h"

#define SEC INT64_C(1000000000)
#define N 4

static struct mcw_group *groups[N];
static struct mcw_ov_row rows[N];
static struct mcw_ov_row *order[N];

static struct mcw_group *make(const char *text, const char *label) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  char err[200];

  assert_int_equal(mcw_endpoint_parse(text, &ep, err, sizeof(err)), 0);
  mcw_label_set(ep.label, label, strlen(label));
  mcw_group_config_default(&cfg);
  cfg.history = 16;
  return mcw_group_new(&ep, &cfg, 0);
}

/* Sends count datagrams of 100 bytes from one sender, one per 10 ms. */
static void feed(struct mcw_group *g, int64_t *t, int count) {
  static const uint8_t payload[100];
  struct mcw_datagram d;

  memset(&d, 0, sizeof(d));
  mcw_addr_parse("10.0.0.1", &d.src);
  d.src.port = 4000;
  d.data = payload;
  d.len = d.caplen = sizeof(payload);
  for (int i = 0; i < count; i++) {
    *t += SEC / 100;
    d.ts_ns = *t;
    mcw_group_account(g, &d, *t);
  }
}

static int setup(void **state) {
  int64_t t = 0;
  struct mcw_alarm_config cfg = {3.0, 0.0};
  (void)state;
  groups[0] = make("239.1.1.1:5000%lo", "Alpha");
  groups[1] = make("239.1.1.2:5000%lo", "Bravo news");
  groups[2] = make("239.1.1.3:5000%lo", "");
  groups[3] = make("[ff15::9]:6000%lo", "Delta");
  for (int i = 0; i < N; i++)
    groups[i]->state = MCW_GROUP_JOINED;
  feed(groups[0], &t, 100); /* stops at 1 s: silent later */
  feed(groups[1], &t, 300);
  feed(groups[3], &t, 50);
  /* groups[2] never receives: waiting, not silent */
  t = 10 * SEC;
  feed(groups[1], &t, 100);
  feed(groups[3], &t, 200);
  for (int i = 0; i < N; i++) {
    mcw_group_alarms(groups[i], &cfg, t, t, NULL, NULL);
    mcw_ov_row_fill(&rows[i], (size_t)i, groups[i], t);
    order[i] = &rows[i];
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  for (int i = 0; i < N; i++)
    mcw_group_free(groups[i]);
  return 0;
}

static void test_states(void **state) {
  (void)state;
  assert_string_equal(rows[0].state, "silent 12s"); /* 1 s to 13 s */
  assert_int_equal(rows[0].alarms, 1u << MCW_ALARM_SILENCE);
  assert_string_equal(rows[1].state, "ok");
  assert_string_equal(rows[2].state, "waiting for first datagram");
  assert_int_equal(rows[2].alarms, 0);
}

static void test_default_order_alarms_first(void **state) {
  (void)state;
  mcw_ov_sort(order, N, -1, false);
  assert_int_equal(order[0]->index, 0); /* silent */
  assert_int_equal(order[1]->index, 1);
  assert_int_equal(order[2]->index, 2);
  assert_int_equal(order[3]->index, 3);
  /* A later group in alarm moves above the earlier healthy ones. */
  groups[3]->alarms.raised = 1u << MCW_ALARM_DROPS;
  rows[3].alarms = groups[3]->alarms.raised;
  mcw_ov_sort(order, N, -1, false);
  assert_int_equal(order[0]->index, 0);
  assert_int_equal(order[1]->index, 3);
  assert_int_equal(order[2]->index, 1);
  groups[3]->alarms.raised = 0;
  rows[3].alarms = 0;
}

static void test_sort_columns(void **state) {
  char cell[64];
  (void)state;
  mcw_ov_sort(order, N, MCW_OV_PPS, true); /* busiest first */
  assert_int_equal(order[0]->index, 3);    /* 100 in the last second */
  assert_int_equal(order[1]->index, 0);    /* ties keep the order given */
  assert_int_equal(order[2]->index, 1);
  mcw_ov_sort(order, N, MCW_OV_LABEL, false);
  assert_int_equal(order[0]->index, 2); /* "" sorts first */
  assert_int_equal(order[1]->index, 0);
  mcw_ov_sort(order, N, MCW_OV_LAST, true); /* never received first */
  assert_int_equal(order[0]->index, 2);
  assert_int_equal(order[1]->index, 0);
  mcw_ov_sort(order, N, MCW_OV_ENDPOINT, false);
  assert_int_equal(order[0]->index, 0);
  assert_int_equal(order[3]->index, 3); /* IPv6 after IPv4 */
  mcw_ov_columns[MCW_OV_BPS].cell(&rows[3], 6, cell, sizeof(cell));
  assert_string_equal(cell, "80.0k"); /* 100 x 100 B x 8 */
  mcw_ov_columns[MCW_OV_LOSS].cell(&rows[1], 11, cell, sizeof(cell));
  assert_string_equal(cell, "-"); /* plain payloads: nothing to judge */
  mcw_ov_columns[MCW_OV_LAST].cell(&rows[2], 6, cell, sizeof(cell));
  assert_string_equal(cell, "never");
  assert_int_equal(mcw_ov_column_find("LOSS"), MCW_OV_LOSS);
  assert_int_equal(mcw_ov_column_find("nope"), -1);
}

static void test_filter(void **state) {
  (void)state;
  assert_true(mcw_ov_match(&rows[1], "NEWS"));
  assert_false(mcw_ov_match(&rows[0], "news"));
  assert_true(mcw_ov_match(&rows[3], "ff15"));
  assert_true(mcw_ov_match(&rows[0], "silent"));
  assert_true(mcw_ov_match(&rows[2], "%lo") || mcw_ov_match(&rows[2], "lo"));
  assert_true(mcw_ov_match(&rows[2], ""));
}

static int sum(const int w[MCW_OV_COLS], int *shown) {
  int s = 0;
  *shown = 0;
  for (int c = 0; c < MCW_OV_COLS; c++)
    if (w[c] > 0) {
      s += w[c] + (*shown > 0);
      (*shown)++;
    }
  return s;
}

static void test_layout(void **state) {
  int w[MCW_OV_COLS], shown;
  (void)state;
  mcw_ov_layout(80, 12, 28, w);
  assert_true(sum(w, &shown) <= 80);
  assert_true(w[MCW_OV_ENDPOINT] >= 18);
  assert_true(w[MCW_OV_STATE] > 0 && w[MCW_OV_PPS] > 0 && w[MCW_OV_BPS] > 0);
  assert_true(w[MCW_OV_LOSS] > 0);
  assert_int_equal(w[MCW_OV_SPARK], 0); /* no room for history at 80 */
  mcw_ov_layout(250, 12, 28, w);
  assert_true(sum(w, &shown) <= 250);
  assert_int_equal(shown, MCW_OV_COLS); /* everything fits */
  assert_true(w[MCW_OV_SPARK] >= 60);
  mcw_ov_layout(250, 0, 28, w);
  assert_int_equal(w[MCW_OV_LABEL], 0);
  assert_int_equal(w[MCW_OV_ENDPOINT], 28); /* as wide as its text */
  mcw_ov_layout(30, 12, 28, w);
  assert_true(sum(w, &shown) <= 30);
  assert_true(w[MCW_OV_ENDPOINT] > 0 && w[MCW_OV_STATE] > 0);
}

static void test_counts(void **state) {
  struct mcw_ov_counts c = {0};
  (void)state;
  for (int i = 0; i < N; i++)
    mcw_ov_count(&c, &rows[i]);
  assert_int_equal(c.total, 4);
  assert_int_equal(c.silent, 1);
  assert_int_equal(c.waiting, 1);
  assert_int_equal(c.receiving, 2);
  assert_int_equal(c.alarm, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_states),
      cmocka_unit_test(test_default_order_alarms_first),
      cmocka_unit_test(test_sort_columns),
      cmocka_unit_test(test_filter),
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_counts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
