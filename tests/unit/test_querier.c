/*
 * Unit tests for the control-plane model on a fake clock: the querier's
 * election (lowest address; a silent querier loses its place after the
 * other-querier-present interval), its timers (QQIC carried, else
 * measured), the no-querier alarm raised after a missed query and before
 * the membership interval ends, cleared by the next query; old-version
 * with source-specific joins; change; the reporters table (others, self,
 * leaves, bounded).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mcwatch/querier.h"

#define S INT64_C(1000000000)

static struct mcw_igmp_link L;
static unsigned events, raised_now;
static char last_why[240];
static int last_kind;

static void on_ev(void *ctx, const struct mcw_igmp_link *l,
                  const struct mcw_querier_event *ev) {
  (void)ctx;
  (void)l;
  events++;
  last_kind = ev->kind;
  raised_now = ev->raised;
  snprintf(last_why, sizeof(last_why), "%s", ev->why);
}

static struct mcw_addr A(const char *t) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(t, &a), 0);
  return a;
}

/* A general query of version v (qqi 0 for none) from src at t seconds. */
static unsigned
query(const char *src, int v, uint32_t qqi, uint32_t mrt_ms, double t) {
  struct mcw_igmp_msg m = {0};
  struct mcw_addr a = A(src);
  m.family = a.family;
  m.type = MCW_IGMP_QUERY;
  m.version = v;
  m.general = true;
  m.qqi_s = qqi;
  m.qrv = qqi ? 2 : 0;
  m.max_resp_ms = mrt_ms;
  return mcw_igmp_link_account(&L, &m, &a, false, (int64_t)(t * S),
                               (int64_t)(t * S) + 1000 * S);
}

static unsigned judge(double t) {
  return mcw_igmp_link_alarms(&L, (int64_t)(t * S), (int64_t)(t * S), on_ev,
                              NULL);
}

static void reset(int family) {
  mcw_igmp_link_init(&L, "eth0", 2, family, 0);
  L.live = true;
  events = 0;
}

static void test_v3_cliff(void **state) {
  char buf[160];
  (void)state;
  reset(AF_INET);
  assert_int_equal(query("10.0.0.1", 3, 125, 10000, 1), MCW_IGMP_NEW_QUERIER);
  assert_true(L.have_querier);
  assert_int_equal(L.qi_from, MCW_QI_CARRIED);
  assert_true(mcw_igmp_link_membership_s(&L) == 260.0);
  assert_true(mcw_igmp_link_oqpi_s(&L) == 255.0);
  assert_int_equal(query("10.0.0.1", 3, 125, 10000, 126), 0);
  assert_int_equal(judge(200), 0);
  assert_string_equal(mcw_igmp_link_status(&L, 200 * S, buf, sizeof(buf)),
                      "querier 10.0.0.1 IGMPv3 125s, 74s ago");
  /* 135 s after the last query: one missed; the cliff is 260 s after. */
  assert_int_equal(judge(260), 0);
  assert_int_equal(judge(262), 1u << MCW_QUERIER_NONE);
  assert_int_equal(events, 1);
  assert_true(raised_now);
  assert_string_equal(last_why,
                      "no querier: no general query for 136 s; switches that "
                      "snoop will stop forwarding this group in about 124 s");
  assert_string_equal(mcw_igmp_link_status(&L, 300 * S, buf, sizeof(buf)),
                      "NO QUERIER 174s: snooping stops in ~86s");
  assert_string_equal(mcw_igmp_link_status(&L, 400 * S, buf, sizeof(buf)),
                      "NO QUERIER 274s: snooping has stopped");
  /* The querier comes back: cleared, no change (same address, version). */
  query("10.0.0.1", 3, 125, 10000, 401);
  assert_int_equal(judge(401.5), 0);
  assert_int_equal(events, 2);
  assert_false(raised_now);
  assert_int_equal(last_kind, MCW_QUERIER_NONE);
}

static void test_election(void **state) {
  (void)state;
  reset(AF_INET);
  query("10.0.0.5", 3, 125, 10000, 0);
  /* A higher address also queries: not elected, remembered. */
  assert_int_equal(query("10.0.0.9", 3, 125, 10000, 1), 0);
  assert_int_equal(L.querier.bytes[3], 5);
  assert_int_equal(L.other.bytes[3], 9);
  /* A lower one wins, and that is a change. */
  assert_int_equal(query("10.0.0.2", 2, 0, 10000, 2), MCW_IGMP_NEW_QUERIER);
  assert_int_equal(L.querier.bytes[3], 2);
  assert_int_equal(L.version, 2);
  assert_int_equal(L.qi_from, MCW_QI_DEFAULT);
  assert_int_equal(judge(2.5), 1u << MCW_QUERIER_CHANGE);
  assert_string_equal(last_why, "querier changed: 10.0.0.5 IGMPv3 -> "
                                "10.0.0.2 IGMPv2");
  /* v2 carries no interval: measured from the next general query. */
  assert_int_equal(query("10.0.0.2", 2, 0, 10000, 62), MCW_IGMP_NEW_QUERIER);
  assert_int_equal(L.qi_from, MCW_QI_MEASURED);
  assert_true(L.qi_s == 60.0);
  assert_int_equal(query("10.0.0.2", 2, 0, 10000, 122.2), 0); /* 60.2 s */
  /* The change alarm clears after two query intervals. */
  assert_int_equal(judge(122.4), 1u << MCW_QUERIER_CHANGE);
  assert_int_equal(judge(123), 0);
  /* 10.0.0.2 goes quiet past 2 x 60 + 5 s: 10.0.0.9 takes its place. */
  assert_int_equal(query("10.0.0.9", 2, 0, 10000, 200), 0);
  assert_int_equal(L.querier.bytes[3], 2);
  assert_int_equal(query("10.0.0.9", 2, 0, 10000, 250), MCW_IGMP_NEW_QUERIER);
  assert_int_equal(L.querier.bytes[3], 9);
  /* Group-specific queries elect nobody. */
  struct mcw_igmp_msg m = {0};
  struct mcw_addr a = A("10.0.0.1");
  m.family = AF_INET;
  m.type = MCW_IGMP_QUERY;
  m.version = 2;
  m.group = A("239.1.1.1");
  assert_int_equal(mcw_igmp_link_account(&L, &m, &a, false, 251 * S, 0), 0);
  assert_int_equal(L.querier.bytes[3], 9);
  assert_int_equal(L.queries, 8);
  assert_int_equal(L.general_queries, 7);
}

static void test_never_and_version(void **state) {
  char buf[160];
  (void)state;
  reset(AF_INET);
  assert_int_equal(judge(254), 0);
  assert_string_equal(mcw_igmp_link_status(&L, 254 * S, buf, sizeof(buf)),
                      "querier: none heard yet (254s)");
  assert_int_equal(judge(256), 1u << MCW_QUERIER_NONE);
  assert_string_equal(last_why,
                      "no querier: no general query heard in 256 s; switches "
                      "that snoop stop forwarding a group 260 s after the "
                      "last query");
  /* A v2 querier with a source-specific join: old-version. */
  L.ssm_joined = true;
  query("192.168.1.1", 2, 0, 10000, 300);
  assert_int_equal(judge(300), 1u << MCW_QUERIER_VERSION);
  assert_string_equal(last_why, "192.168.1.1 IGMPv2 querier while "
                                "source-specific groups are joined: hosts "
                                "fall back to reports that cannot name "
                                "sources");
  assert_string_equal(mcw_igmp_link_status(&L, 301 * S, buf, sizeof(buf)),
                      "querier 192.168.1.1 IGMPv2 125s, 1s ago (too old for "
                      "SSM)");
  /* It becomes v3: old-version clears, change raised. */
  query("192.168.1.1", 3, 125, 10000, 310);
  assert_int_equal(judge(310), 1u << MCW_QUERIER_CHANGE);
  L.ssm_joined = false;
  reset(AF_INET6);
  L.ssm_joined = true;
  query("fe80::1", 1, 0, 10000, 1);
  assert_int_equal(judge(1), 1u << MCW_QUERIER_VERSION);
  assert_string_equal(mcw_igmp_version_name(AF_INET6, 1), "MLDv1");
}

static void report(const char *host, const char *group, int v, bool self,
                   double t) {
  struct mcw_igmp_msg m = {0};
  struct mcw_addr h = A(host);
  m.family = h.family;
  m.type = MCW_IGMP_REPORT;
  m.version = v;
  if (v == 3) {
    m.nrecords = 2;
    m.records[0].type = MCW_IGMP_MODE_IS_EXCLUDE;
    m.records[0].group = A(group);
    m.records[1].type = MCW_IGMP_MODE_IS_INCLUDE;
    m.records[1].nsources = 1;
    m.records[1].group = A("232.1.1.1");
  } else {
    m.group = A(group);
  }
  mcw_igmp_link_account(&L, &m, &h, self, (int64_t)(t * S), 0);
}

static void test_reporters(void **state) {
  struct mcw_addr g = A("239.1.2.3"), ssm = A("232.1.1.1");
  (void)state;
  reset(AF_INET);
  report("10.0.0.5", "239.1.2.3", 2, false, 1);
  report("10.0.0.6", "239.1.2.3", 3, false, 2);
  report("10.0.0.1", "239.1.2.3", 3, true, 2);
  report("10.0.0.5", "239.1.2.3", 2, false, 3);
  assert_int_equal(L.nrep, 5); /* .6 and .1 also reported 232.1.1.1 */
  assert_int_equal(L.rep[0].reports, 2);
  assert_int_equal(mcw_igmp_link_others(&L, &g, 10 * S), 2);
  assert_int_equal(mcw_igmp_link_others(&L, &ssm, 10 * S), 1);
  /* A leave from .5; .6 ages out after the membership interval. */
  struct mcw_igmp_msg m = {0};
  struct mcw_addr h = A("10.0.0.5");
  m.family = AF_INET;
  m.type = MCW_IGMP_LEAVE;
  m.version = 2;
  m.group = g;
  mcw_igmp_link_account(&L, &m, &h, false, 20 * S, 0);
  assert_int_equal(L.leaves, 1);
  assert_int_equal(mcw_igmp_link_others(&L, &g, 21 * S), 1);
  assert_int_equal(mcw_igmp_link_others(&L, &g, 263 * S), 0);
  /* A report from 0.0.0.0 (a host without an address) is nobody's. */
  report("0.0.0.0", "239.1.2.3", 3, false, 22);
  assert_int_equal(mcw_igmp_link_others(&L, &g, 23 * S), 1);
  /* On a loopback interface every report is this host's. */
  L.loopback = true;
  report("127.0.0.1", "239.7.7.7", 2, false, 24);
  struct mcw_addr g7 = A("239.7.7.7");
  assert_int_equal(mcw_igmp_link_others(&L, &g7, 25 * S), 0);
  L.loopback = false;
  /* 300 hosts: the table stays bounded, the newest are kept. */
  for (int i = 0; i < 300; i++) {
    char a[32];
    snprintf(a, sizeof(a), "10.1.%d.%d", i / 200, i % 200 + 1);
    report(a, "239.9.9.9", 2, false, 300 + i);
  }
  assert_int_equal(L.nrep, MCW_IGMP_REPORTERS);
  struct mcw_addr g9 = A("239.9.9.9");
  assert_int_equal(mcw_igmp_link_others(&L, &g9, 600 * S), MCW_IGMP_REPORTERS);
  /* A message of the other family is not this link's. */
  struct mcw_addr h6 = A("fe80::5");
  m.family = AF_INET6;
  m.group = A("ff15::1");
  mcw_igmp_link_account(&L, &m, &h6, false, 601 * S, 0);
  assert_int_equal(L.leaves, 1);
}

/* Without a raw socket: no no-querier alarm (unknown), the kernel's
 * version from /proc/net/igmp still judges source-specific joins. */
static void test_proc_fallback(void **state) {
  static const char text[] =
      "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
      "1\tlo        :     1      V3\n"
      "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
      "4\tveth0     :     2      V2\n"
      "\t\t\t\t030201EF     1 0:00000000\t\t0\n"
      "5\tveth00    :     2      V1\n";
  char buf[160];
  (void)state;
  assert_int_equal(mcw_igmp_proc_version(text, "lo"), 3);
  assert_int_equal(mcw_igmp_proc_version(text, "veth0"), 2);
  assert_int_equal(mcw_igmp_proc_version(text, "veth00"), 1);
  assert_int_equal(mcw_igmp_proc_version(text, "veth"), 0);
  assert_int_equal(mcw_igmp_proc_version("", "lo"), 0);
  assert_int_equal(mcw_igmp_proc_version("1\tlo :  1  V9\n", "lo"), 0);
  reset(AF_INET);
  L.live = false;
  assert_int_equal(judge(1000), 0);
  assert_string_equal(mcw_igmp_link_status(&L, 1000 * S, buf, sizeof(buf)),
                      "querier: unknown (no raw socket)");
  L.kernel_version = mcw_igmp_proc_version(text, "veth0");
  L.ssm_joined = true;
  assert_int_equal(judge(1001), 1u << MCW_QUERIER_VERSION);
  assert_string_equal(mcw_igmp_link_status(&L, 1000 * S, buf, sizeof(buf)),
                      "querier: kernel saw IGMPv2 (no raw socket)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v3_cliff),
      cmocka_unit_test(test_election),
      cmocka_unit_test(test_never_and_version),
      cmocka_unit_test(test_reporters),
      cmocka_unit_test(test_proc_fallback),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
