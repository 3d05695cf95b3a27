/*
 * Unit tests for the table of socket errors shared by the engine's
 * messages and the doctor: each errno gets its own cause and fix, the
 * limits named for ENOBUFS / ENOMEM follow the family and the source (as
 * measured, docs/DOCTOR.md), and no row ever offers
 * `ip link set dev X up multicast on`, which fixes no join error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/sockerr.h"

static struct mcw_endpoint ep(const char *text, const char *iface,
                              unsigned index) {
  struct mcw_endpoint e;
  char err[200];

  assert_int_equal(mcw_endpoint_parse(text, &e, err, sizeof(err)), 0);
  strcpy(e.iface, iface);
  e.ifindex = index;
  return e;
}

static char cause[400], fix[200];

static void explain(enum mcw_sock_step step, int err,
                    const struct mcw_endpoint *e, size_t count) {
  assert_true(mcw_sockerr_explain(step, err, e, count, cause, sizeof(cause),
                                  fix, sizeof(fix)));
}

static void test_bind_in_use(void **state) {
  struct mcw_endpoint e = ep("239.1.2.3:5000", "eth0", 2);

  explain(MCW_STEP_BIND, EADDRINUSE, &e, 0);
  assert_string_equal(cause, "another socket holds UDP port 5000 without "
                             "SO_REUSEADDR");
  assert_string_equal(fix, "ss -uapn 'sport = :5000'");
  /* At the join, the same errno means something else. */
  explain(MCW_STEP_JOIN, EADDRINUSE, &e, 0);
  assert_string_equal(cause, "this socket has already joined 239.1.2.3 on "
                             "eth0");
  assert_string_equal(fix, "");
}

static void test_join_errors(void **state) {
  struct mcw_endpoint e = ep("239.1.2.3:5000", "eth0", 7),
                      e6 = ep("[ff15::1]:5000", "eth1", 3);

  explain(MCW_STEP_JOIN, ENODEV, &e, 0);
  assert_string_equal(cause, "no interface has index 7 (eth0): it was "
                             "deleted, or re-created with a new index");
  assert_string_equal(fix, "ip -br link show");
  explain(MCW_STEP_JOIN, EADDRNOTAVAIL, &e6, 0);
  assert_string_equal(fix, "sysctl -w net.ipv6.conf.eth1.disable_ipv6=0");
  explain(MCW_STEP_JOIN, EADDRNOTAVAIL, &e, 0);
  assert_string_equal(fix, "ip addr show dev eth0");
  explain(MCW_STEP_JOIN, EINVAL, &e, 0);
  assert_non_null(strstr(cause, "239.1.2.3 must be a multicast address"));
  explain(MCW_STEP_JOIN, EPERM, &e, 0);
  assert_non_null(strstr(cause, "security policy"));
  explain(MCW_STEP_SOCKET, EMFILE, &e, 0);
  assert_string_equal(fix, "ulimit -n 65536");
  explain(MCW_STEP_BIND, EACCES, &e, 0);
  assert_string_equal(fix, "sysctl -w net.ipv4.ip_unprivileged_port_start="
                           "5000   (or run as root)");
}

static void test_limits(void **state) {
  struct mcw_endpoint any4 = ep("239.1.2.3:5000", "eth0", 2),
                      ssm4 = ep("232.1.2.3:5000@10.0.0.1", "eth0", 2),
                      any6 = ep("[ff15::1]:5000", "eth0", 2),
                      ssm6 = ep("[ff35::1]:5000@2001:db8::1", "eth0", 2);

  explain(MCW_STEP_JOIN, ENOBUFS, &any4, 30);
  assert_string_equal(fix, "sysctl -w net.ipv4.igmp_max_memberships=30");
  explain(MCW_STEP_JOIN, ENOBUFS, &ssm4, 0);
  assert_string_equal(fix, "sysctl -w net.ipv4.igmp_max_msf=64");
  explain(MCW_STEP_JOIN, ENOBUFS, &ssm6, 100);
  assert_string_equal(fix, "sysctl -w net.ipv6.mld_max_msf=100");
  /* IPv6 groups: optmem_max, measured; igmp_max_memberships is IPv4's. */
  explain(MCW_STEP_JOIN, ENOMEM, &any6, 0);
  assert_string_equal(fix, "sysctl -w net.core.optmem_max=262144");
  explain(MCW_STEP_JOIN, ENOBUFS, &any6, 0);
  assert_string_equal(fix, "sysctl -w net.core.optmem_max=262144");
  assert_null(strstr(fix, "igmp"));
}

static void test_never_link_up(void **state) {
  struct mcw_endpoint es[] = {ep("239.1.2.3:5000", "eth0", 2),
                              ep("[ff15::1]:5000", "eth0", 2),
                              ep("232.1.2.3:5000@10.0.0.1", "eth0", 2)};

  for (int step = MCW_STEP_SOCKET; step <= MCW_STEP_JOIN; step++)
    for (int err = 1; err < 134; err++)
      for (size_t i = 0; i < sizeof(es) / sizeof(es[0]); i++) {
        bool known = mcw_sockerr_explain(step, err, &es[i], 0, cause,
                                         sizeof(cause), fix, sizeof(fix));
        assert_null(strstr(fix, "multicast on"));
        assert_null(strstr(cause, "{"));
        assert_null(strstr(fix, "{"));
        if (!known) {
          assert_string_equal(cause, strerror(err));
          assert_string_equal(fix, "");
        }
      }
}

static void test_unknown(void **state) {
  struct mcw_endpoint e = ep("239.1.2.3:5000", "eth0", 2);

  assert_false(mcw_sockerr_explain(MCW_STEP_JOIN, ETIMEDOUT, &e, 0, cause,
                                   sizeof(cause), fix, sizeof(fix)));
  assert_string_equal(cause, strerror(ETIMEDOUT));
  assert_string_equal(mcw_sockerr_step_name(MCW_STEP_BIND), "bind");
  /* Truncation keeps the strings terminated. */
  assert_true(
      mcw_sockerr_explain(MCW_STEP_BIND, EADDRINUSE, &e, 0, cause, 8, fix, 5));
  assert_string_equal(cause, "another");
  assert_string_equal(fix, "ss -");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bind_in_use), cmocka_unit_test(test_join_errors),
      cmocka_unit_test(test_limits),      cmocka_unit_test(test_never_link_up),
      cmocka_unit_test(test_unknown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
