/*
 * Unit tests for the RFC 4445 Media Delivery Index: a perfectly paced
 * constant-rate stream has a Delay Factor of one datagram's time at the
 * media rate; bursts of five make it five times that; media packets lost
 * in an interval give the Media Loss Rate per second; an unknown media
 * rate gives no DF. Then an ffmpeg stream through the TS analyzer, its
 * media rate from its PCRs, arriving at its mux rate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/mdi.h"
#include "mcwatch/tr101290.h"
#include "tsfile.h"

#define MR 600000.0                  /* bits per second */
#define GAP_NS (1316 * 8 * 1e9 / MR) /* one 1316-byte datagram's time */

static void test_paced(void **state) {
  struct mcw_mdi m = {0};

  (void)state;
  for (int i = 0; i < 200; i++)
    mcw_mdi_datagram(&m, 1316, (int64_t)(i * GAP_NS), MR, 0);
  assert_true(m.has_df);
  assert_true(m.df_ms > 17.5 && m.df_ms < 17.6); /* 1316 B at 600 kbit/s */
  assert_true(m.has_mlr);
  assert_true(m.mlr == 0);
}

static void test_bursts_and_loss(void **state) {
  struct mcw_mdi m = {0};
  uint64_t lost = 0;

  (void)state;
  for (int i = 0; i < 200; i++) {
    if (i == 150)
      lost += 7; /* seven TS packets lost in the last complete interval */
    mcw_mdi_datagram(&m, 1316, (int64_t)((i / 5 * 5) * GAP_NS), MR, lost);
  }
  assert_true(m.has_df);
  assert_true(m.df_ms > 5 * 17.5 && m.df_ms < 5 * 17.6);
  /* That interval ran from burst 24 to burst 36: 12 bursts of 87.7 ms. */
  assert_true(m.mlr > 7 / (12 * 5 * GAP_NS / 1e9) - 0.01 &&
              m.mlr < 7 / (12 * 5 * GAP_NS / 1e9) + 0.01);
}

static void test_no_rate(void **state) {
  struct mcw_mdi m = {0};

  (void)state;
  for (int i = 0; i < 200; i++)
    mcw_mdi_datagram(&m, 1316, (int64_t)(i * GAP_NS), 0, 0);
  assert_false(m.has_df);
  assert_true(m.has_mlr);
}

static void test_ffmpeg(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  size_t len;
  uint8_t *ts = tsfile_read("clean.ts", &len);

  (void)state;
  mcw_stream_init(&st);
  for (size_t off = 0; off < len; off += 1316) {
    size_t n = len - off < 1316 ? len - off : 1316;
    struct mcw_datagram d =
        dg(ts + off, n, (int64_t)(off * 8 * 1000000000ull / 600000));
    mcw_stream_account(&st, &d, &b);
  }
  assert_int_equal(st.kind, MCW_KIND_TS);
  assert_true(st.ts.tr->mdi.has_df);
  assert_true(st.ts.tr->mdi.df_ms > 17 && st.ts.tr->mdi.df_ms < 18.5);
  assert_true(st.ts.tr->mdi.mlr == 0);
  mcw_stream_free(&st, &b);
  free(ts);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paced),
      cmocka_unit_test(test_bursts_and_loss),
      cmocka_unit_test(test_no_rate),
      cmocka_unit_test(test_ffmpeg),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
