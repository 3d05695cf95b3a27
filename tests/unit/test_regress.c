/*
 * Inputs the fuzzers (tests/fuzz/) once crashed on, fed to the same
 * functions, so each fix stays fixed in the normal suite. Run under the
 * sanitizer build (CI does), undefined behaviour here fails the test.
 * Each test names the fuzzer, what broke and the fix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/probe.h"
#include "mcwatch/stream.h"

static uint8_t buf[256];

static void feed_probe(struct mcw_stream *st, uint64_t seq, uint64_t send_ns,
                       int64_t arrival_ns) {
  struct mcw_probe p = {
      .sender_id = 0x12340101, .seq = seq, .send_ns = send_ns};
  struct mcw_datagram d;
  int n = mcw_probe_encode(&p, NULL, 0, 0, buf, sizeof(buf));

  assert_true(n > 0);
  memset(&d, 0, sizeof(d));
  d.ts_ns = arrival_ns;
  d.data = buf;
  d.len = d.caplen = (uint32_t)n;
  mcw_stream_account(st, &d, NULL);
}

/*
 * fuzz_stream: a probe whose send time is above 2^63 made the latency
 * (arrival - send) overflow int64_t in account_probe. Fixed by a saturating
 * difference; the sample shows as a huge latency, the counts are exact.
 */
static void test_probe_send_time_overflow(void **state) {
  const int64_t now = INT64_C(1700000000002000000);
  struct mcw_stream st;
  struct mcw_stream_figures f;

  mcw_stream_init(&st);
  feed_probe(&st, 0, UINT64_C(0x8101000000000000), now);
  feed_probe(&st, 1, UINT64_MAX, now + 1000);
  feed_probe(&st, 2, 0, now + 2000); /* the other way: arrival - 0 fits */
  feed_probe(&st, 3, UINT64_C(0x7fffffffffffffff), now + 3000);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_PROBE);
  assert_int_equal(f.received, 4);
  assert_int_equal(f.lost, 0);
  assert_true(f.has_latency);
  mcw_stream_free(&st, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe_send_time_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
