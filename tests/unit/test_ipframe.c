/*
 * Unit tests for ipframe.c: IPv4 and IPv6 headers rebuilt around a
 * payload, checked field by field and by verifying both checksums the way
 * a receiver does (the ones' complement sum over the covered bytes folds
 * to 0xffff).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/ipframe.h"

static struct mcw_addr addr(const char *text, uint16_t port) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(text, &a), 0);
  a.port = port;
  return a;
}

static uint32_t sum(uint32_t s, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i += 2)
    s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
  return s;
}

static uint16_t fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)s;
}

static void test_ipv4(void **state) {
  struct mcw_addr src = addr("10.0.0.5", 4444), dst = addr("239.1.2.3", 5000);
  const uint8_t payload[] = "hello, multicast"; /* 17 bytes with the NUL */
  uint8_t h[MCW_IPFRAME_MAX], pseudo[12];

  assert_int_equal(mcw_ipframe_header(h, &src, &dst, payload, 17, 17), 28);
  assert_int_equal(h[0], 0x45);
  assert_int_equal(h[2] << 8 | h[3], 20 + 8 + 17);
  assert_int_equal(h[9], 17);
  assert_memory_equal(h + 12, src.bytes, 4);
  assert_memory_equal(h + 16, dst.bytes, 4);
  assert_int_equal(fold(sum(0, h, 20)), 0xffff);
  assert_int_equal(h[20] << 8 | h[21], 4444);
  assert_int_equal(h[22] << 8 | h[23], 5000);
  assert_int_equal(h[24] << 8 | h[25], 25);
  memcpy(pseudo, src.bytes, 4);
  memcpy(pseudo + 4, dst.bytes, 4);
  pseudo[8] = 0;
  pseudo[9] = 17;
  pseudo[10] = 0;
  pseudo[11] = 25;
  assert_int_equal(fold(sum(sum(sum(0, pseudo, 12), h + 20, 8), payload, 17)),
                   0xffff);
  /* Truncated: true lengths, no checksum. */
  assert_int_equal(mcw_ipframe_header(h, &src, &dst, payload, 5, 1000), 28);
  assert_int_equal(h[2] << 8 | h[3], 1028);
  assert_int_equal(h[26] << 8 | h[27], 0);
}

static void test_ipv6(void **state) {
  struct mcw_addr src = addr("fd55::1", 4603), dst = addr("ff15::70:3", 5603);
  const uint8_t payload[] = {1, 2, 3, 4, 5, 6};
  uint8_t h[MCW_IPFRAME_MAX], pseudo[40] = {0};

  assert_int_equal(mcw_ipframe_header(h, &src, &dst, payload, 6, 6), 48);
  assert_int_equal(h[0] >> 4, 6);
  assert_int_equal(h[4] << 8 | h[5], 14);
  assert_int_equal(h[6], 17);
  assert_memory_equal(h + 8, src.bytes, 16);
  assert_memory_equal(h + 24, dst.bytes, 16);
  memcpy(pseudo, src.bytes, 16);
  memcpy(pseudo + 16, dst.bytes, 16);
  pseudo[35] = 14;
  pseudo[39] = 17;
  assert_int_not_equal(h[46] << 8 | h[47], 0);
  assert_int_equal(fold(sum(sum(sum(0, pseudo, 40), h + 40, 8), payload, 6)),
                   0xffff);
}

static void test_refused(void **state) {
  struct mcw_addr v4 = addr("10.0.0.5", 1), v6 = addr("ff15::1", 2), none = {0};
  uint8_t h[MCW_IPFRAME_MAX];

  assert_int_equal(mcw_ipframe_header(h, &v4, &v6, NULL, 0, 0), -EAFNOSUPPORT);
  assert_int_equal(mcw_ipframe_header(h, &none, &none, NULL, 0, 0),
                   -EAFNOSUPPORT);
  assert_int_equal(mcw_ipframe_header(h, &v4, &v4, NULL, 0, 65508), -EMSGSIZE);
  assert_int_equal(mcw_ipframe_header(h, &v4, &v4, NULL, 0, 65507), 28);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipv4),
      cmocka_unit_test(test_ipv6),
      cmocka_unit_test(test_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
