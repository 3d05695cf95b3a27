/*
 * Unit tests for MPEG-TS as a byte stream: a clean ffmpeg stream cut into
 * datagrams of any size (packets crossing datagram boundaries, as ffmpeg's
 * udp:// default of 1472 bytes does) shows no error and every PID; sync is
 * lost and regained with TR 101 290's hysteresis (5 to acquire, 2 to
 * lose); a lost datagram in a byte stream costs sync, then the stream is
 * checked again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/stream.h"
#include "tsfile.h"

static void test_clean_any_size(void **state) {
  static const size_t sizes[] = {1472, 1316, 1500, 1000, 500, 376, 377, 188};
  uint16_t want[32], got[32];
  size_t len, nwant;
  uint8_t *ts = tsfile_read("clean.ts", &len);

  (void)state;
  nwant = tsfile_pids(ts, len, want, 32);
  assert_true(nwant >= 4);
  for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
    struct mcw_stream_budget b = {.ts_max = 16};
    struct mcw_stream st;
    struct mcw_stream_figures f;
    int64_t t = 0;

    mcw_stream_init(&st);
    tsfile_feed(&st, &b, ts, len, sizes[k], &t);
    mcw_stream_figures(&st, &f);
    assert_int_equal(f.kind, MCW_KIND_TS);
    assert_true(f.ts_tracked);
    assert_int_equal(f.malformed, 0);
    assert_int_equal(f.cc_errors, 0);
    assert_int_equal(st.ts.sync_errors, 0);
    assert_int_equal(st.ts.sync_loss, 0);
    assert_int_equal(f.ts_pids, nwant);
    assert_int_equal(mcw_ts_pid_list(&st.ts, got, 32), nwant);
    assert_memory_equal(got, want, nwant * sizeof(want[0]));
    /* Every packet after the first datagram was checked. */
    assert_true(st.ts.packets >= (len - sizes[k]) / 188 - 1);
    mcw_stream_free(&st, &b);
  }
  free(ts);
}

/* Counts on a copy of the sample with sync bytes corrupted at packets. */
static void corrupt(const size_t *bad, size_t nbad, size_t size,
                    struct mcw_stream *st, struct mcw_stream_budget *b) {
  size_t len;
  uint8_t *ts = tsfile_read("clean.ts", &len);
  int64_t t = 0;

  for (size_t i = 0; i < nbad; i++)
    ts[bad[i] * 188] = 0x46;
  mcw_stream_init(st);
  tsfile_feed(st, b, ts, len, size, &t);
  free(ts);
}

static void test_sync_hysteresis(void **state) {
  static const size_t one[] = {100}, two[] = {100, 101},
                      apart[] = {100, 102, 104};
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;

  (void)state;
  /* One corrupted sync byte: a sync_byte_error, sync kept. */
  corrupt(one, 1, 1472, &st, &b);
  assert_int_equal(st.ts.sync_errors, 1);
  assert_int_equal(st.ts.sync_loss, 0);
  assert_int_equal(st.ts.cc_errors, 0);
  mcw_stream_free(&st, &b);
  /* Two in a row: sync lost once, regained, and no continuity error. */
  corrupt(two, 2, 1472, &st, &b);
  assert_int_equal(st.ts.sync_errors, 2);
  assert_int_equal(st.ts.sync_loss, 1);
  assert_true(st.ts.in_sync);
  assert_int_equal(st.ts.cc_errors, 0);
  mcw_stream_free(&st, &b);
  /* Not consecutive: three errors, no loss. */
  corrupt(apart, 3, 1472, &st, &b);
  assert_int_equal(st.ts.sync_errors, 3);
  assert_int_equal(st.ts.sync_loss, 0);
  mcw_stream_free(&st, &b);
}

/* A datagram lost from a byte stream: sync lost once, then found again. */
static void test_lost_datagram(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  size_t len;
  uint8_t *ts = tsfile_read("clean.ts", &len);
  int64_t t = 0;
  uint64_t before;

  (void)state;
  mcw_stream_init(&st);
  assert_true(len > 1472 * 40);
  tsfile_feed(&st, &b, ts, 1472 * 20, 1472, &t);
  assert_int_equal(st.kind, MCW_KIND_TS);
  tsfile_feed(&st, &b, ts + 1472 * 21, 1472 * 10, 1472, &t); /* skip one */
  assert_int_equal(st.ts.sync_loss, 1);
  assert_true(st.ts.in_sync);
  before = st.ts.packets;
  tsfile_feed(&st, &b, ts + 1472 * 31, len - 1472 * 31, 1472, &t);
  assert_true(st.ts.packets > before + 100);
  assert_int_equal(st.ts.sync_loss, 1);
  mcw_stream_free(&st, &b);
  free(ts);
}

/* Random bytes are not taken for a TS byte stream. */
static void test_random_not_ts(void **state) {
  uint8_t buf[1472];
  uint32_t x = 12345;

  (void)state;
  for (int run = 0; run < 50; run++) {
    struct mcw_stream st;
    mcw_stream_init(&st);
    for (int i = 0; i < 20; i++) {
      for (size_t k = 0; k < sizeof(buf); k++) {
        x = x * 1103515245u + 12345u;
        buf[k] = (uint8_t)(x >> 16);
      }
      struct mcw_datagram d = dg(buf, sizeof(buf), i);
      mcw_stream_account(&st, &d, NULL);
    }
    assert_int_not_equal(st.kind, MCW_KIND_TS);
    mcw_stream_free(&st, NULL);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_any_size),
      cmocka_unit_test(test_sync_hysteresis),
      cmocka_unit_test(test_lost_datagram),
      cmocka_unit_test(test_random_not_ts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
