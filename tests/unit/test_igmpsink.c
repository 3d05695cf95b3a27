/*
 * Unit tests for the watcher's outputs: the "igmp", "querier" and querier
 * "alarm" JSON lines byte for byte (a hostile interface name escaped),
 * and the mcwatch_igmp_* Prometheus series of a link with and without a
 * querier.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mcwatch/igmpjson.h"
#include "mcwatch/metrics.h"

#define S INT64_C(1000000000)
#define T0 (INT64_C(1796000000) * S)

static void link_v3(struct mcw_igmp_link *l, const char *iface) {
  struct mcw_igmp_msg m = {0};
  struct mcw_addr a;
  mcw_igmp_link_init(l, iface, 3, AF_INET, 0);
  l->live = true;
  mcw_addr_parse("10.0.0.1", &a);
  m.family = AF_INET;
  m.type = MCW_IGMP_QUERY;
  m.version = 3;
  m.general = true;
  m.qqi_s = 125;
  m.qrv = 2;
  m.max_resp_ms = 10000;
  mcw_igmp_link_account(l, &m, &a, false, 1 * S, T0);
}

static void test_json(void **state) {
  static struct mcw_igmp_link l;
  struct mcw_json j = {0};
  struct mcw_igmp_msg m = {0};
  struct mcw_addr src;
  struct mcw_querier_event ev = {MCW_QUERIER_NONE, true, T0, 0, 0,
                                 "no querier"};
  (void)state;

  link_v3(&l, "eth\x1b[2J");
  mcw_json_reset(&j);
  mcw_jsonl_querier(&j, &l, T0);
  assert_non_null(strstr(
      j.buf, "\"iface\":\"eth\\u001b[2J\",\"protocol\":\"igmp\",\"address\":"
             "\"10.0.0.1\",\"version\":3,\"query_interval_s\":125.000,"
             "\"query_interval_from\":\"carried\",\"robustness\":2,"
             "\"max_resp_s\":10.000,\"membership_interval_s\":260.000,"
             "\"other_querier_present_s\":255.000}"));
  mcw_json_reset(&j);
  mcw_addr_parse("10.0.0.9", &src);
  m.family = AF_INET;
  m.type = MCW_IGMP_REPORT;
  m.version = 3;
  m.nrecords = 1;
  m.records[0].type = MCW_IGMP_ALLOW_NEW;
  m.records[0].nsources = 2;
  mcw_addr_parse("232.1.1.1", &m.records[0].group);
  mcw_jsonl_igmp(&j, &l, &m, &src, false, T0);
  assert_non_null(strstr(j.buf, "\"type\":\"report\",\"version\":3,\"from\":"
                                "\"10.0.0.9\",\"group\":null,"));
  assert_non_null(strstr(j.buf, "\"self\":false,\"records\":[{\"group\":"
                                "\"232.1.1.1\",\"mode\":\"allow\",\"sources\":"
                                "2}],\"records_total\":1}"));
  mcw_json_reset(&j);
  mcw_jsonl_querier_alarm(&j, &l, &ev, T0);
  assert_non_null(strstr(j.buf, "\"state\":\"raised\",\"alarm\":\"no-querier\""
                                ",\"iface\":\"eth\\u001b[2J\",\"protocol\":"
                                "\"igmp\",\"why\":\"no querier\"}"));
  assert_string_equal(mcw_igmp_record_name(9), "?");
  mcw_json_free(&j);
}

static void test_metrics(void **state) {
  static struct mcw_igmp_link a, b;
  const struct mcw_igmp_link *links[2] = {&a, &b};
  struct mcw_metrics_buf out = {0};
  (void)state;

  link_v3(&a, "eth0");
  mcw_igmp_link_init(&b, "eth1", 4, AF_INET6, 0);
  mcw_metrics_render_igmp(&out, links, 2);
  assert_non_null(strstr(out.buf, "mcwatch_igmp_queries_received_total{iface="
                                  "\"eth0\",protocol=\"igmp\"} 1\n"));
  assert_non_null(strstr(out.buf, "mcwatch_igmp_queries_received_total{iface="
                                  "\"eth1\",protocol=\"mld\"} 0\n"));
  assert_non_null(strstr(out.buf, "mcwatch_igmp_last_query_timestamp_seconds{"
                                  "iface=\"eth0\",protocol=\"igmp\"} "
                                  "1796000000.000\n"));
  assert_null(strstr(out.buf, "mcwatch_igmp_last_query_timestamp_seconds{"
                              "iface=\"eth1\""));
  assert_non_null(strstr(out.buf, "mcwatch_igmp_querier_info{iface=\"eth0\","
                                  "protocol=\"igmp\",address=\"10.0.0.1\","
                                  "version=\"3\"} 1\n"));
  assert_non_null(strstr(out.buf, "mcwatch_igmp_query_interval_seconds{iface="
                                  "\"eth0\",protocol=\"igmp\"} 125\n"));
  assert_non_null(strstr(out.buf,
                         "mcwatch_igmp_alarm_active{iface=\"eth1\","
                         "protocol=\"mld\",alarm=\"no-querier\"} 0\n"));
  assert_non_null(strstr(out.buf, "# TYPE mcwatch_igmp_querier_info gauge\n"));
  mcw_metrics_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_metrics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
