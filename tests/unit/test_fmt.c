/*
 * Unit tests for the human-readable formatting used by the screen UI:
 * SI rates, byte totals, grouped counts, ages, hexdump lines and sparkline
 * levels. No terminal, no sockets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "mcwatch/common.h"
#include "mcwatch/fmt.h"

static void test_si(void **state) {
  char b[16];
  (void)state;
  assert_string_equal(mcw_fmt_si(0, b, sizeof(b)), "0");
  assert_string_equal(mcw_fmt_si(7.5, b, sizeof(b)), "7.5");
  assert_string_equal(mcw_fmt_si(42, b, sizeof(b)), "42");
  assert_string_equal(mcw_fmt_si(42.4, b, sizeof(b)), "42");
  assert_string_equal(mcw_fmt_si(999, b, sizeof(b)), "999");
  assert_string_equal(mcw_fmt_si(999.6, b, sizeof(b)), "1.0k");
  assert_string_equal(mcw_fmt_si(1234, b, sizeof(b)), "1.2k");
  assert_string_equal(mcw_fmt_si(12345, b, sizeof(b)), "12.3k");
  assert_string_equal(mcw_fmt_si(123456, b, sizeof(b)), "123k");
  assert_string_equal(mcw_fmt_si(999600, b, sizeof(b)), "1.0M");
  assert_string_equal(mcw_fmt_si(1.5e9, b, sizeof(b)), "1.5G");
  assert_string_equal(mcw_fmt_si(-1, b, sizeof(b)), "-");
  assert_string_equal(mcw_fmt_si(NAN, b, sizeof(b)), "-");
  assert_string_equal(mcw_fmt_si(INFINITY, b, sizeof(b)), "-");
  /* A short buffer truncates, never overflows. */
  assert_string_equal(mcw_fmt_si(12345, b, 3), "12");
}

static void test_bytes(void **state) {
  char b[16];
  (void)state;
  assert_string_equal(mcw_fmt_bytes(0, b, sizeof(b)), "0 B");
  assert_string_equal(mcw_fmt_bytes(999, b, sizeof(b)), "999 B");
  assert_string_equal(mcw_fmt_bytes(1000, b, sizeof(b)), "1.0 kB");
  assert_string_equal(mcw_fmt_bytes(34500000, b, sizeof(b)), "34.5 MB");
  assert_string_equal(mcw_fmt_bytes(UINT64_MAX, b, sizeof(b)), "18.4 EB");
}

static void test_count(void **state) {
  char b[32];
  (void)state;
  assert_string_equal(mcw_fmt_count(0, b, sizeof(b)), "0");
  assert_string_equal(mcw_fmt_count(999, b, sizeof(b)), "999");
  assert_string_equal(mcw_fmt_count(1000, b, sizeof(b)), "1,000");
  assert_string_equal(mcw_fmt_count(1234567, b, sizeof(b)), "1,234,567");
  assert_string_equal(mcw_fmt_count(UINT64_MAX, b, sizeof(b)),
                      "18,446,744,073,709,551,615");
}

static void test_age(void **state) {
  char b[16];
  const int64_t ms = MCW_NS_PER_MS, s = MCW_NS_PER_SEC;
  (void)state;
  assert_string_equal(mcw_fmt_age(-1, b, sizeof(b)), "-");
  assert_string_equal(mcw_fmt_age(0, b, sizeof(b)), "0ms");
  assert_string_equal(mcw_fmt_age(850 * ms, b, sizeof(b)), "850ms");
  assert_string_equal(mcw_fmt_age(4200 * ms, b, sizeof(b)), "4.2s");
  assert_string_equal(mcw_fmt_age(45 * s, b, sizeof(b)), "45s");
  assert_string_equal(mcw_fmt_age(184 * s, b, sizeof(b)), "3m04s");
  assert_string_equal(mcw_fmt_age(7500 * s, b, sizeof(b)), "2h05m");
  assert_string_equal(mcw_fmt_age(3 * 86400 * s + 4 * 3600 * s, b, sizeof(b)),
                      "3d04h");
}

static void test_hexline(void **state) {
  char b[MCW_HEXLINE_MAX];
  const uint8_t full[16] = "Hello\x1b[2J\x07\x00\x7f\xff\x80xy";
  const uint8_t part[3] = {0x41, 0x0a, 0x42};
  (void)state;
  mcw_fmt_hexline(full, 16, 0x10, b, sizeof(b));
  assert_string_equal(b,
                      "0010  48 65 6c 6c 6f 1b 5b 32  4a 07 00 7f ff 80 78 79"
                      "  |Hello.[2J.....xy|");
  mcw_fmt_hexline(part, 3, 0, b, sizeof(b));
  assert_memory_equal(b, "0000  41 0a 42 ", 15);
  /* The text column of a short line lines up with that of a full one. */
  assert_string_equal(strchr(b, '|'), "|A.B|");
  assert_int_equal(strchr(b, '|') - b, 5 + 16 * 3 + 1 + 2);
  /* More than a line's worth: only the first 16 bytes are shown. */
  mcw_fmt_hexline(full, 40, 0, b, sizeof(b));
  assert_int_equal(strlen(b), 5 + 16 * 3 + 1 + 2 + 18);
  for (size_t i = 0; b[i]; i++)
    assert_true(b[i] >= 0x20 && b[i] < 0x7f);
}

static void test_spark(void **state) {
  const double v[6] = {0, 1, 50, 100, -3, NAN};
  uint8_t out[6];
  (void)state;
  assert_true(mcw_fmt_spark(v, 6, 8, out) == 100);
  assert_int_equal(out[0], 0);
  assert_int_equal(out[1], 1); /* tiny but not nothing */
  assert_int_equal(out[2], 4);
  assert_int_equal(out[3], 7);
  assert_int_equal(out[4], 0);
  assert_int_equal(out[5], 0);
  assert_true(mcw_fmt_spark(v, 1, 8, out) == 0);
  assert_int_equal(out[0], 0);
}

static void test_fit(void **state) {
  char b[64];
  (void)state;
  assert_string_equal(mcw_fmt_fit("10.0.0.1:5000", 21, b, sizeof(b)),
                      "10.0.0.1:5000");
  /* Head and tail of a long IPv6 sender: the port survives. */
  assert_string_equal(
      mcw_fmt_fit("[fe80::8c46:aaff:fea0:8239]:48788", 21, b, sizeof(b)),
      "[fe80::8c4~239]:48788");
  assert_string_equal(mcw_fmt_fit("abcdef", 6, b, sizeof(b)), "abcdef");
  assert_string_equal(mcw_fmt_fit("abcdefg", 6, b, sizeof(b)), "abc~fg");
  assert_string_equal(mcw_fmt_fit("abcdefg", 2, b, sizeof(b)), "ab");
  assert_string_equal(mcw_fmt_fit("abcdefg", 0, b, sizeof(b)), "");
  /* The buffer bounds the width. */
  assert_string_equal(mcw_fmt_fit("abcdefg", 30, b, 5), "ab~g");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fit),   cmocka_unit_test(test_si),
      cmocka_unit_test(test_bytes), cmocka_unit_test(test_count),
      cmocka_unit_test(test_age),   cmocka_unit_test(test_hexline),
      cmocka_unit_test(test_spark),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
