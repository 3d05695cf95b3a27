/*
 * Unit tests for addr.c: parsing and formatting round trips, socket address
 * conversion, equality and hashing, and the address classes (multicast,
 * source-specific, unicast, loopback) driven by one table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/addr.h"
#include "mcwatch/common.h"

static struct mcw_addr addr(const char *text) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(text, &a), 0);
  return a;
}

static void test_parse_good(void **state) {
  static const struct {
    const char *text;
    int family;
    const char *canon;
  } cases[] = {
      {"239.1.2.3", AF_INET, "239.1.2.3"},
      {"0.0.0.0", AF_INET, "0.0.0.0"},
      {"255.255.255.255", AF_INET, "255.255.255.255"},
      {"ff15::1", AF_INET6, "ff15::1"},
      {"FF15::ABCD", AF_INET6, "ff15::abcd"},
      {"::", AF_INET6, "::"},
      {"::1", AF_INET6, "::1"},
      {"2001:0db8:0000:0000:0000:0000:0000:0005", AF_INET6, "2001:db8::5"},
      {"::ffff:10.0.0.1", AF_INET6, "::ffff:10.0.0.1"},
  };
  (void)state;
  for (size_t i = 0; i < MCW_ARRAY_LEN(cases); i++) {
    struct mcw_addr a;
    char buf[MCW_ADDRSTRLEN];
    memset(&a, 0xaa, sizeof(a));
    assert_int_equal(mcw_addr_parse(cases[i].text, &a), 0);
    assert_int_equal(a.family, cases[i].family);
    assert_int_equal(a.port, 0);
    assert_int_equal(a.scope_id, 0);
    assert_string_equal(mcw_addr_format(&a, buf, sizeof(buf)), cases[i].canon);
  }
}

static void test_parse_bad(void **state) {
  static const char *const cases[] = {
      "",
      "239.1.2.300",
      "239.1.2",
      "239.1.2.3.4",
      "239.1.2.3:5000",
      "[ff15::1]",
      "ff15::1%eth0",
      " 239.1.2.3",
      "239.1.2.3 ",
      "ff15::1::2",
      "ff15::g",
      "localhost",
      "0x7f.0.0.1",
      "-1.0.0.0",
      "ff15::1/64",
      "239.1.2.3\n",
  };
  (void)state;
  for (size_t i = 0; i < MCW_ARRAY_LEN(cases); i++) {
    struct mcw_addr a;
    memset(&a, 0x5a, sizeof(a));
    assert_int_equal(mcw_addr_parse(cases[i], &a), -EINVAL);
    assert_int_equal(a.family, 0x5a5a); /* untouched */
  }
  assert_int_equal(mcw_addr_parse(NULL, &(struct mcw_addr){0}), -EINVAL);
}

static void test_format_port(void **state) {
  struct mcw_addr a = addr("239.1.2.3"), b = addr("ff15::1"), unset;
  char buf[MCW_ADDRSTRLEN], small[8];
  (void)state;
  a.port = 5000;
  b.port = 5000;
  assert_string_equal(mcw_addr_format_port(&a, buf, sizeof(buf)),
                      "239.1.2.3:5000");
  assert_string_equal(mcw_addr_format_port(&b, buf, sizeof(buf)),
                      "[ff15::1]:5000");
  b.port = 65535;
  assert_string_equal(mcw_addr_format_port(&b, buf, sizeof(buf)),
                      "[ff15::1]:65535");
  memset(&unset, 0, sizeof(unset));
  assert_string_equal(mcw_addr_format(&unset, buf, sizeof(buf)), "");
  assert_string_equal(mcw_addr_format_port(&unset, buf, sizeof(buf)), "");
  /* Too small: never overflows, always terminated. */
  assert_string_equal(mcw_addr_format(&a, small, sizeof(small)), "");
  assert_string_equal(mcw_addr_format_port(&a, small, sizeof(small)),
                      "239.1.2");
}

static void test_sockaddr_round_trip(void **state) {
  struct sockaddr_storage ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
  struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
  struct mcw_addr a = addr("fe80::1"), b, unset;
  (void)state;

  a.port = 5000;
  a.scope_id = 7;
  assert_int_equal(mcw_addr_to_sockaddr(&a, &ss), sizeof(*sin6));
  assert_int_equal(sin6->sin6_family, AF_INET6);
  assert_int_equal(ntohs(sin6->sin6_port), 5000);
  assert_int_equal(sin6->sin6_scope_id, 7);
  assert_int_equal(mcw_addr_from_sockaddr(&b, (struct sockaddr *)&ss), 0);
  assert_memory_equal(&a, &b, sizeof(a));

  a = addr("10.0.0.5");
  a.port = 12345;
  assert_int_equal(mcw_addr_to_sockaddr(&a, &ss), sizeof(*sin));
  assert_int_equal(sin->sin_family, AF_INET);
  assert_int_equal(ntohs(sin->sin_port), 12345);
  assert_int_equal(sin->sin_addr.s_addr, inet_addr("10.0.0.5"));
  assert_int_equal(mcw_addr_from_sockaddr(&b, (struct sockaddr *)&ss), 0);
  assert_memory_equal(&a, &b, sizeof(a));

  memset(&unset, 0, sizeof(unset));
  assert_int_equal(mcw_addr_to_sockaddr(&unset, &ss), 0);
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  assert_int_equal(mcw_addr_from_sockaddr(&b, (struct sockaddr *)&ss),
                   -EAFNOSUPPORT);
  assert_int_equal(mcw_addr_from_sockaddr(&b, NULL), -EAFNOSUPPORT);
}

static void test_equal_and_hash(void **state) {
  struct mcw_addr a = addr("10.0.0.5"), b = addr("10.0.0.5");
  struct mcw_addr c = addr("10.0.0.6"), v6 = addr("::a00:5");
  (void)state;

  a.port = b.port = 5000;
  assert_true(mcw_addr_equal(&a, &b));
  assert_int_equal(mcw_addr_hash(&a), mcw_addr_hash(&b));
  b.scope_id = 3; /* scope is not part of identity */
  assert_true(mcw_addr_equal(&a, &b));
  assert_int_equal(mcw_addr_hash(&a), mcw_addr_hash(&b));
  b.port = 5001;
  assert_false(mcw_addr_equal(&a, &b));
  assert_true(mcw_addr_same_host(&a, &b));
  assert_int_not_equal(mcw_addr_hash(&a), mcw_addr_hash(&b));
  c.port = 5000;
  assert_false(mcw_addr_equal(&a, &c));
  assert_false(mcw_addr_same_host(&a, &c));
  assert_int_not_equal(mcw_addr_hash(&a), mcw_addr_hash(&c));
  /* Different family never matches. */
  v6.port = 5000;
  assert_false(mcw_addr_same_host(&a, &v6));
  assert_false(mcw_addr_equal(&a, &v6));
}

static void test_classes(void **state) {
  static const struct {
    const char *text;
    bool multicast, ssm, unicast, loopback;
  } cases[] = {
      {"224.0.0.1", true, false, false, false},
      {"239.255.255.255", true, false, false, false},
      {"232.1.1.1", true, true, false, false},
      {"231.255.255.255", true, false, false, false},
      {"233.0.0.1", true, false, false, false},
      {"223.255.255.255", false, false, true, false},
      {"240.0.0.1", false, false, true, false},
      {"10.0.0.1", false, false, true, false},
      {"127.0.0.1", false, false, true, true},
      {"127.255.0.9", false, false, true, true},
      {"0.0.0.0", false, false, false, false},
      {"0.1.2.3", false, false, false, false},
      {"255.255.255.255", false, false, false, false},
      {"255.255.255.254", false, false, true, false},
      {"ff02::1", true, false, false, false},
      {"ff15::1234", true, false, false, false},
      {"ff35::1", true, true, false, false},
      {"ff3e::8000:1", true, true, false, false},
      {"ff32::1", true, true, false, false},
      {"ff3e:1::1", true, false, false, false}, /* bytes 2-3 not zero */
      {"ff3e:100::1", true, false, false, false},
      {"ff25::1", true, false, false, false},
      {"fe80::1", false, false, true, false},
      {"2001:db8::5", false, false, true, false},
      {"::1", false, false, true, true},
      {"::", false, false, false, false},
      {"::ffff:10.0.0.1", false, false, true, false},
      {"::ffff:239.1.1.1", false, false, true, false}, /* IPv6 rules */
  };
  (void)state;
  for (size_t i = 0; i < MCW_ARRAY_LEN(cases); i++) {
    struct mcw_addr a = addr(cases[i].text);
    bool got[4] = {mcw_addr_is_multicast(&a), mcw_addr_is_ssm(&a),
                   mcw_addr_is_unicast(&a), mcw_addr_is_loopback(&a)};
    bool want[4] = {cases[i].multicast, cases[i].ssm, cases[i].unicast,
                    cases[i].loopback};
    if (memcmp(got, want, sizeof(got)) != 0)
      fail_msg("%s: multicast/ssm/unicast/loopback %d%d%d%d, want %d%d%d%d",
               cases[i].text, got[0], got[1], got[2], got[3], want[0], want[1],
               want[2], want[3]);
  }
}

static void test_unset_classes(void **state) {
  struct mcw_addr a;
  (void)state;
  memset(&a, 0, sizeof(a));
  assert_false(mcw_addr_is_multicast(&a));
  assert_false(mcw_addr_is_ssm(&a));
  assert_false(mcw_addr_is_unicast(&a));
  assert_false(mcw_addr_is_loopback(&a));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_good),
      cmocka_unit_test(test_parse_bad),
      cmocka_unit_test(test_format_port),
      cmocka_unit_test(test_sockaddr_round_trip),
      cmocka_unit_test(test_equal_and_hash),
      cmocka_unit_test(test_classes),
      cmocka_unit_test(test_unset_classes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
