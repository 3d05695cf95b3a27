/*
 * Unit tests for the doctor's pure half: the readers of /proc/net/igmp,
 * igmp6, udp, udp6, route, ipv6_route, sysctl values and firewall dumps,
 * fed text captured from a real kernel (6.x, little-endian x86-64), and
 * the report's text and JSON forms.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/doctor.h"

static const char igmp[] =
    "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
    "1\tlo        :     1      V3\n"
    "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
    "2\tb1        :     1      V3\n"
    "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
    "3\ta1        :     2      V3\n"
    "\t\t\t\t030201EF     1 0:00000000\t\t0\n"
    "\t\t\t\t010000E0     1 0:00000000\t\t0\n";

static const char igmp6[] =
    "1    lo              ff150000000000000000000000000007     1 00000004 0\n"
    "1    lo              ff020000000000000000000000000001     1 0000000C 0\n"
    "3    a1              ff0200000000000000000001ffdc1b51     1 00000004 0\n";

static const char udp[] =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode ref pointer drops\n"
    "10841: 00000000:1388 00000000:0000 07 00000000:00000000 00:00000000 "
    "00000000     0        0 415928 2 00000000e3041e1b 0\n"
    "  312: 030201EF:1388 00000000:0000 07 00000000:00000000 00:00000000 "
    "00000000     0        0 415930 2 00000000e3041e1c 0\n"
    "  313: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 "
    "00000000     0        0 415931 2 00000000e3041e1d 0\n";

static const char udp6[] =
    "  sl  local_address                         remote_address          "
    "              st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode ref pointer drops\n"
    "10841: 000015FF000000000000000007000000:1388 "
    "00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 "
    "00000000     0        0 415929 2 00000000f6025472 0\n";

static const char route[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
    "Window\tIRTT\n"
    "a1\t0001010A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
    "lo\t000000E0\t00000000\t0001\t0\t0\t0\t000000F0\t0\t0\t0\n"
    "a2\t00000000\t0102020A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "a3\t00000000\t0102030A\t0003\t0\t0\t50\t00000000\t0\t0\t0\n"
    "a9\t0300000A\t00000000\t0201\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n"
    "*\t0000050A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

static const char route6[] =
    "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 00000100 00000001 00000000 00000001 "
    "      a1\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 "
    "      lo\n"
    "ff000000000000000000000000000000 08 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 00000100 00000003 00000000 00000001 "
    "      a1\n";

static struct mcw_addr addr(const char *text) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(text, &a), 0);
  return a;
}

static void test_igmp(void **state) {
  struct mcw_addr g = addr("239.1.2.3"), all = addr("224.0.0.1");

  assert_true(mcw_doctor_igmp_has(igmp, "a1", &g));
  assert_false(mcw_doctor_igmp_has(igmp, "lo", &g));
  assert_false(mcw_doctor_igmp_has(igmp, "b1", &g));
  assert_true(mcw_doctor_igmp_has(igmp, "lo", &all));
  assert_false(mcw_doctor_igmp_has(igmp, "eth0", &all));
  assert_false(mcw_doctor_igmp_has("", "lo", &all));
}

static void test_igmp6(void **state) {
  struct mcw_addr g = addr("ff15::7"), sol = addr("ff02::1:ffdc:1b51");

  assert_true(mcw_doctor_igmp_has(igmp6, "lo", &g));
  assert_false(mcw_doctor_igmp_has(igmp6, "a1", &g));
  assert_true(mcw_doctor_igmp_has(igmp6, "a1", &sol));
}

static void test_udp(void **state) {
  struct mcw_doctor_udp u[4];
  char buf[MCW_ADDRSTRLEN];

  assert_int_equal(mcw_doctor_udp_bound(udp, 5000, u, 4), 2);
  assert_string_equal(mcw_addr_format_port(&u[0].local, buf, sizeof(buf)),
                      "0.0.0.0:5000");
  assert_int_equal(u[0].inode, 415928);
  assert_string_equal(mcw_addr_format_port(&u[1].local, buf, sizeof(buf)),
                      "239.1.2.3:5000");
  assert_int_equal(mcw_doctor_udp_bound(udp, 53, u, 4), 1);
  assert_int_equal(mcw_doctor_udp_bound(udp, 5000, u, 1), 2); /* counts all */
  assert_int_equal(mcw_doctor_udp_bound(udp, 9, u, 4), 0);
  assert_int_equal(mcw_doctor_udp_bound(udp6, 5000, u, 4), 1);
  assert_string_equal(mcw_addr_format_port(&u[0].local, buf, sizeof(buf)),
                      "[ff15::7]:5000");
}

static void test_route(void **state) {
  struct mcw_addr g = addr("239.1.2.3"), h = addr("10.1.1.77"),
                  far = addr("192.0.2.1"), rej = addr("10.0.0.3"),
                  g6 = addr("ff15::7"), u6 = addr("2001:db8::1"), bh;
  char name[16];

  assert_int_equal(mcw_doctor_route_iface(route, &g, name, sizeof(name)), 4);
  assert_string_equal(name, "lo");
  assert_int_equal(mcw_doctor_route_iface(route, &h, name, sizeof(name)), 24);
  assert_string_equal(name, "a1");
  /* Two defaults: the lower metric wins. */
  assert_int_equal(mcw_doctor_route_iface(route, &far, name, sizeof(name)), 0);
  assert_string_equal(name, "a3");
  /* A reject route is the longest match: the lookup ends there, it does
     not fall back to the default (the kernel drops, rp_filter too). */
  assert_int_equal(mcw_doctor_route_iface(route, &rej, name, sizeof(name)),
                   -EHOSTUNREACH);
  assert_string_equal(name, "");
  /* A blackhole route ("ip route add blackhole 10.5.0.0/16"): device *. */
  bh = addr("10.5.1.1");
  assert_int_equal(mcw_doctor_route_iface(route, &bh, name, sizeof(name)),
                   -EHOSTUNREACH);
  assert_int_equal(mcw_doctor_route_iface("", &g, name, sizeof(name)), -ENOENT);
  assert_int_equal(mcw_doctor_route_iface(route6, &g6, name, sizeof(name)), 8);
  assert_string_equal(name, "a1");
  /* Only the catch-all unreachable route on lo matches. */
  assert_int_equal(mcw_doctor_route_iface(route6, &u6, name, sizeof(name)),
                   -EHOSTUNREACH);
}

static void test_long(void **state) {
  long v = 0;

  assert_int_equal(mcw_doctor_parse_long("1\n", &v), 0);
  assert_int_equal(v, 1);
  assert_int_equal(mcw_doctor_parse_long(" 212992 \n", &v), 0);
  assert_int_equal(v, 212992);
  assert_int_equal(mcw_doctor_parse_long("", &v), -EINVAL);
  assert_int_equal(mcw_doctor_parse_long("1 2\n", &v), -EINVAL);
  assert_int_equal(mcw_doctor_parse_long("x", &v), -EINVAL);
}

static enum mcw_doctor_status rpf(long all, long dev, const char *src, int back,
                                  const char *rif, bool def, bool v4, char *msg,
                                  char *fix) {
  struct mcw_doctor_rpf in = {.all = all,
                              .dev = dev,
                              .ifname = "eth0",
                              .source = src,
                              .route = back,
                              .route_iface = rif,
                              .default_route = def,
                              .iface_has_v4 = v4};
  return mcw_doctor_rpf_judge(&in, msg, 400, fix, 300);
}

static void test_rpf(void **state) {
  char m[400], f[300];

  /* Off: nothing to say, whatever the routes. */
  assert_int_equal(rpf(0, 0, "10.9.0.5", -ENOENT, "", false, true, m, f),
                   MCW_DOC_OK);
  assert_string_equal(f, "");
  /* Loose without a route back drops: the fix is a route (or 0), never 2. */
  assert_int_equal(rpf(2, 0, "10.9.0.5", -ENOENT, "", false, true, m, f),
                   MCW_DOC_FAIL);
  assert_string_equal(f, "ip route add 10.9.0.5/32 dev eth0   (or: sysctl -w "
                         "net.ipv4.conf.all.rp_filter=0 "
                         "net.ipv4.conf.eth0.rp_filter=0)");
  assert_non_null(strstr(m, "2 for all and 0 for eth0, so 2 (loose)"));
  assert_int_equal(rpf(1, 1, "10.9.0.5", -EHOSTUNREACH, "", true, true, m, f),
                   MCW_DOC_FAIL);
  assert_non_null(strstr(m, "blackhole"));
  assert_null(strstr(f, "rp_filter=2"));
  /* Strict, route back by another interface: 2 fixes it. */
  assert_int_equal(rpf(0, 1, "10.9.0.5", 16, "eth1", false, true, m, f),
                   MCW_DOC_FAIL);
  assert_string_equal(f, "sysctl -w net.ipv4.conf.all.rp_filter=2 "
                         "net.ipv4.conf.eth0.rp_filter=2   (or: ip route add "
                         "10.9.0.5/32 dev eth0)");
  /* ... which loose accepts, unless eth0 has no IPv4 address. */
  assert_int_equal(rpf(2, 2, "10.9.0.5", 16, "eth1", false, true, m, f),
                   MCW_DOC_OK);
  assert_int_equal(rpf(2, 2, "10.9.0.5", 16, "eth1", false, false, m, f),
                   MCW_DOC_FAIL);
  assert_null(strstr(f, "rp_filter=2"));
  /* The route back through the arrival interface passes, strict too. */
  assert_int_equal(rpf(1, 1, "10.9.0.5", 0, "eth0", true, true, m, f),
                   MCW_DOC_OK);
  /* Any-source: strict warns; loose warns without a default route. */
  assert_int_equal(rpf(1, 0, "", -ENOENT, "", true, true, m, f), MCW_DOC_WARN);
  assert_int_equal(rpf(2, 0, "", -ENOENT, "", false, true, m, f), MCW_DOC_WARN);
  assert_int_equal(rpf(2, 0, "", -ENOENT, "", true, true, m, f), MCW_DOC_OK);
  assert_int_equal(rpf(2, 0, "", -ENOENT, "", true, false, m, f), MCW_DOC_WARN);
}

static void test_rpf_dotted(void **state) {
  struct mcw_doctor_rpf in = {.all = 1,
                              .dev = 1,
                              .ifname = "eth0.100",
                              .source = "10.9.0.5",
                              .route = 8,
                              .route_iface = "eth1",
                              .iface_has_v4 = true};
  char m[400], f[300];

  /* sysctl spells a dot in an interface name as a slash. */
  assert_int_equal(mcw_doctor_rpf_judge(&in, m, sizeof(m), f, sizeof(f)),
                   MCW_DOC_FAIL);
  assert_non_null(strstr(f, "net.ipv4.conf.eth0/100.rp_filter=2"));
}

static void test_report_escapes(void **state) {
  struct mcw_doctor_report r = {0};
  struct mcw_json j = {0};

  strcpy(r.endpoint, "239.1.2.3:5000%\x1b]0;PWN\x07");
  mcw_doctor_add(&r, "interface", MCW_DOC_FAIL,
                 "ip link set dev \x1b]0;PWN\x07 up", "%s is down",
                 "\x1b]0;PWN\x07");
  mcw_doctor_format_text(&r, &j);
  assert_string_equal(j.buf, "mcwatch doctor 239.1.2.3:5000%\\x1b]0;PWN\\x07\n"
                             "  FAIL  interface   \\x1b]0;PWN\\x07 is down\n"
                             "                    fix: ip link set dev "
                             "\\x1b]0;PWN\\x07 up\n");
  mcw_json_reset(&j);
  mcw_doctor_format_json(&r, &j);
  assert_null(strchr(j.buf, 0x1b));
  assert_null(strchr(j.buf, 0x07));
  assert_non_null(
      strstr(j.buf, "\"message\":\"\\u001b]0;PWN\\u0007 is down\""));
  mcw_json_free(&j);
  mcw_doctor_report_free(&r);
}

static void test_report(void **state) {
  struct mcw_doctor_report r = {0};
  struct mcw_json j = {0};

  strcpy(r.endpoint, "239.1.2.3:5000%lo");
  mcw_doctor_add(&r, "interface", MCW_DOC_OK, NULL, "lo is %s", "up");
  assert_int_equal(mcw_doctor_worst(&r), MCW_DOC_OK);
  mcw_doctor_add(&r, "firewall", MCW_DOC_SKIP, NULL, "not checked");
  assert_int_equal(mcw_doctor_worst(&r), MCW_DOC_OK);
  mcw_doctor_add(&r, "route", MCW_DOC_FAIL, "ip route add 224.0.0.0/4 dev lo",
                 "no route");
  assert_int_equal(mcw_doctor_worst(&r), MCW_DOC_FAIL);
  for (int i = 0; i < 40; i++) /* grows */
    mcw_doctor_add(&r, "x", MCW_DOC_WARN, NULL, "%d", i);
  assert_int_equal(r.count, 43);
  r.count = 3;

  mcw_doctor_format_text(&r, &j);
  assert_string_equal(j.buf, "mcwatch doctor 239.1.2.3:5000%lo\n"
                             "  OK    interface   lo is up\n"
                             "  SKIP  firewall    not checked\n"
                             "  FAIL  route       no route\n"
                             "                    fix: ip route add "
                             "224.0.0.0/4 dev lo\n");
  mcw_json_reset(&j);
  mcw_doctor_format_json(&r, &j);
  assert_non_null(strstr(j.buf, "{\"endpoint\":\"239.1.2.3:5000%lo\","
                                "\"check\":\"interface\",\"status\":\"ok\","
                                "\"message\":\"lo is up\",\"fix\":null}\n{"));
  assert_non_null(strstr(j.buf, "\"status\":\"fail\",\"message\":\"no "
                                "route\",\"fix\":\"ip route add 224.0.0.0/4 "
                                "dev lo\"}\n"));
  assert_string_equal(mcw_doctor_status_name(MCW_DOC_WARN), "warning");
  mcw_json_free(&j);
  mcw_doctor_report_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_igmp),
      cmocka_unit_test(test_igmp6),
      cmocka_unit_test(test_udp),
      cmocka_unit_test(test_route),
      cmocka_unit_test(test_long),
      cmocka_unit_test(test_report),
      cmocka_unit_test(test_rpf),
      cmocka_unit_test(test_rpf_dotted),
      cmocka_unit_test(test_report_escapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
