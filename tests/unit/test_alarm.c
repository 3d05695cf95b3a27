/*
 * Unit tests for alarm.c: each kind raised and cleared on a fake clock,
 * the 10 s window for loss and drops, the --max-loss threshold, "waiting
 * for the first datagram" is not silence, and the outage log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/alarm.h"

#define S INT64_C(1000000000)
#define MS INT64_C(1000000)

struct seen {
  int n;
  struct mcw_alarm_event ev[16];
  char why[16][160];
};

static void record(void *ctx, const struct mcw_alarm_event *ev) {
  struct seen *s = ctx;
  if (s->n < 16) {
    s->ev[s->n] = *ev;
    strncpy(s->why[s->n], ev->why, 159);
    s->n++;
  }
}

static struct mcw_alarm_config cfg(double silence, double max_loss) {
  struct mcw_alarm_config c = {silence, max_loss};
  return c;
}

static void test_waiting_is_not_silence(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {.active = true, .idle_ns = -1};
  struct mcw_alarm_config c = cfg(3, 0);
  struct seen s = {0};
  (void)state;
  memset(&a, 0, sizeof(a));
  for (int64_t t = 0; t < 20 * S; t += 500 * MS)
    assert_int_equal(mcw_alarms_update(&a, &in, &c, t, t, record, &s), 0);
  assert_int_equal(s.n, 0);
}

static void test_silence_raised_and_cleared(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {.active = true, .packets = 10, .idle_ns = 0};
  struct mcw_alarm_config c = cfg(3, 0);
  struct seen s = {0};
  char buf[100];
  (void)state;
  memset(&a, 0, sizeof(a));
  in.idle_ns = 3 * S; /* exactly the limit: not yet */
  mcw_alarms_update(&a, &in, &c, 10 * S, 10 * S, record, &s);
  assert_int_equal(s.n, 0);
  in.idle_ns = 3 * S + 500 * MS;
  assert_int_equal(
      mcw_alarms_update(&a, &in, &c, 10 * S + 500 * MS, 100 * S, record, &s),
      1u << MCW_ALARM_SILENCE);
  assert_int_equal(s.n, 1);
  assert_true(s.ev[0].raised);
  assert_int_equal(s.ev[0].kind, MCW_ALARM_SILENCE);
  assert_int_equal(s.ev[0].start_wall_ns, 100 * S);
  in.idle_ns = 12 * S;
  mcw_alarms_update(&a, &in, &c, 19 * S, 109 * S, record, &s);
  assert_string_equal(mcw_alarms_describe(&a, 19 * S, buf, sizeof(buf)),
                      "silent 12s");
  /* The stream comes back, and 5 datagrams were lost meanwhile. */
  in.idle_ns = 10 * MS;
  in.lost = 5;
  in.packets = 11;
  assert_int_equal(
      mcw_alarms_update(&a, &in, &c, 20 * S + 500 * MS, 110 * S, record, &s),
      1u << MCW_ALARM_LOSS);
  assert_int_equal(s.n, 3);
  assert_false(s.ev[1].raised); /* silence cleared ... */
  assert_int_equal(s.ev[1].kind, MCW_ALARM_SILENCE);
  assert_int_equal(s.ev[1].end_wall_ns, 110 * S);
  assert_true(s.ev[1].duration_s > 9.99 && s.ev[1].duration_s < 10.01);
  assert_int_equal(s.ev[1].lost, 5);
  assert_true(s.ev[2].raised); /* ... and the gap raised loss */
  assert_int_equal(s.ev[2].kind, MCW_ALARM_LOSS);
}

static void test_loss_window_and_threshold(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {.active = true, .packets = 1, .idle_ns = 0};
  struct mcw_alarm_config c = cfg(3, 2.0); /* over 2% */
  struct seen s = {0};
  char buf[100];
  int64_t t = 0;
  (void)state;
  memset(&a, 0, sizeof(a));
  /* 100 received per second; 1 lost per second is 0.99%: under 2%. */
  for (; t <= 12 * S; t += 500 * MS) {
    in.received += 50;
    if (t % S == 0)
      in.lost += 1;
    mcw_alarms_update(&a, &in, &c, t, t, record, &s);
  }
  assert_int_equal(s.n, 0);
  assert_true(a.loss_pct > 0.9 && a.loss_pct < 1.1);
  /* 50 lost at once: over 2% of the last 10 s. */
  in.lost += 50;
  in.received += 50;
  mcw_alarms_update(&a, &in, &c, t, t, record, &s);
  assert_int_equal(s.n, 1);
  assert_int_equal(s.ev[0].kind, MCW_ALARM_LOSS);
  assert_string_equal(mcw_alarms_describe(&a, t, buf, sizeof(buf)),
                      "loss 5.7%"); /* 60 of 1060 */
  /* Clean from now on: cleared once the burst leaves the 10 s window. */
  for (int i = 0; i < 40 && s.n == 1; i++) {
    t += 500 * MS;
    in.received += 50;
    mcw_alarms_update(&a, &in, &c, t, t, record, &s);
  }
  assert_int_equal(s.n, 2);
  assert_false(s.ev[1].raised);
  assert_true(s.ev[1].duration_s >= 9.5 && s.ev[1].duration_s <= 10.5);
  /* The outage's loss: the burst and the trickle within its window. */
  assert_true(s.ev[1].lost >= 50 && s.ev[1].lost <= 62);
}

static void test_any_loss_by_default(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {.active = true, .packets = 1, .idle_ns = 0};
  struct mcw_alarm_config c = cfg(3, 0);
  struct seen s = {0};
  (void)state;
  memset(&a, 0, sizeof(a));
  in.received = 100000;
  mcw_alarms_update(&a, &in, &c, 0, 0, record, &s);
  in.received += 100000;
  in.lost = 1;
  mcw_alarms_update(&a, &in, &c, S, S, record, &s);
  assert_int_equal(s.n, 1);
  assert_int_equal(s.ev[0].kind, MCW_ALARM_LOSS);
  /* A tracker that takes a late datagram back lowers lost: no underflow. */
  in.lost = 0;
  mcw_alarms_update(&a, &in, &c, 2 * S, 2 * S, record, &s);
  assert_true(a.loss_pct >= 0.0 && a.loss_pct <= 100.0);
}

static void test_drops_and_error(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {.active = true, .packets = 1, .idle_ns = 0};
  struct mcw_alarm_config c = cfg(3, 0);
  struct seen s = {0};
  char buf[200];
  (void)state;
  memset(&a, 0, sizeof(a));
  mcw_alarms_update(&a, &in, &c, 0, 0, record, &s);
  in.drops = 7;
  mcw_alarms_update(&a, &in, &c, S, S, record, &s);
  assert_int_equal(s.n, 1);
  assert_int_equal(s.ev[0].kind, MCW_ALARM_DROPS);
  in.failed = true;
  in.reason = "interface eth1 is down";
  mcw_alarms_update(&a, &in, &c, 2 * S, 2 * S, record, &s);
  assert_int_equal(s.n, 2);
  assert_int_equal(s.ev[1].kind, MCW_ALARM_ERROR);
  assert_string_equal(s.why[1], "error: interface eth1 is down");
  assert_string_equal(mcw_alarms_describe(&a, 2 * S, buf, sizeof(buf)),
                      "error: interface eth1 is down, drops 7");
  /* Left: everything clears, reported. */
  mcw_alarms_reset(&a, 0, 3 * S, 3 * S, record, &s);
  assert_int_equal(a.raised, 0);
  assert_int_equal(s.n, 4);
}

static void test_left_group_raises_nothing(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {
      .active = false, .packets = 5, .idle_ns = 60 * S, .lost = 3, .drops = 2};
  struct mcw_alarm_config c = cfg(3, 0);
  struct seen s = {0};
  (void)state;
  memset(&a, 0, sizeof(a));
  mcw_alarms_update(&a, &in, &c, 0, 0, record, &s);
  in.lost = 9;
  mcw_alarms_update(&a, &in, &c, S, S, record, &s);
  assert_int_equal(s.n, 0);
}

/* Many updates per second use the same fixed ring and keep a 10 s window. */
static void test_window_with_fast_updates(void **state) {
  struct mcw_alarms a;
  struct mcw_alarm_input in = {.active = true, .packets = 1, .idle_ns = 0};
  struct mcw_alarm_config c = cfg(3, 0);
  (void)state;
  memset(&a, 0, sizeof(a));
  in.drops = 1;
  mcw_alarms_update(&a, &in, &c, 0, 0, NULL, NULL);
  in.drops = 2;
  for (int64_t t = 10 * MS; t < 9 * S; t += 10 * MS)
    mcw_alarms_update(&a, &in, &c, t, t, NULL, NULL);
  assert_int_equal(a.window_drops, 1);
  for (int64_t t = 9 * S; t < 12 * S; t += 10 * MS)
    mcw_alarms_update(&a, &in, &c, t, t, NULL, NULL);
  assert_int_equal(a.window_drops, 0);
  assert_int_equal(a.raised, 0);
  assert_true(a.count <= MCW_ALARM_SAMPLES);
}

static void test_outage_log(void **state) {
  static struct mcw_outage_log log;
  struct mcw_alarm_event up = {MCW_ALARM_SILENCE, true, 5 * S, 0, 0, 0,
                               "silent 4s"};
  struct mcw_alarm_event down = {
      MCW_ALARM_SILENCE, false, 5 * S, 9 * S, 4.0, 17, "silent 0s"};
  static int g1, g2;
  (void)state;
  mcw_outage_record(&log, &g1, "239.1.1.1:5000%lo", "Cam 1", &up);
  mcw_outage_record(&log, &g2, "239.1.1.2:5000%lo", "", &up);
  mcw_outage_record(&log, &g1, "239.1.1.1:5000%lo", "Cam 1", &down);
  assert_int_equal(log.count, 2);
  assert_int_equal(mcw_outage_at(&log, 0)->end_wall_ns, 9 * S);
  assert_int_equal(mcw_outage_at(&log, 0)->lost, 17);
  assert_string_equal(mcw_outage_at(&log, 0)->why, "silent 4s");
  assert_int_equal(mcw_outage_at(&log, 1)->end_wall_ns, 0);
  assert_null(mcw_outage_at(&log, 2));
  for (int i = 0; i < MCW_OUTAGES_MAX + 5; i++)
    mcw_outage_record(&log, &g2, "x", "", &up);
  assert_int_equal(log.count, MCW_OUTAGES_MAX);
  assert_int_equal(log.total, MCW_OUTAGES_MAX + 7);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_waiting_is_not_silence),
      cmocka_unit_test(test_silence_raised_and_cleared),
      cmocka_unit_test(test_loss_window_and_threshold),
      cmocka_unit_test(test_any_loss_by_default),
      cmocka_unit_test(test_drops_and_error),
      cmocka_unit_test(test_left_group_raises_nothing),
      cmocka_unit_test(test_window_with_fast_updates),
      cmocka_unit_test(test_outage_log),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
