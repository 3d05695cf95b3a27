/*
 * The headless JSON lines, byte for byte: a datagram with hostile payload
 * bytes, a stats line, and an error event. No sockets, no loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/jsonl.h"

static struct mcw_group *make_group(void) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  char err[128];

  assert_int_equal(
      mcw_endpoint_parse("239.1.2.3:5000%lo", &ep, err, sizeof(err)), 0);
  ep.ifindex = 1;
  mcw_group_config_default(&cfg);
  return mcw_group_new(&ep, &cfg, 0);
}

static void test_datagram_line(void **state) {
  static const uint8_t payload[] = "hi\x1b]0;pwned\x07\x1b[2J\xff\xc2\x9b\"\\";
  struct mcw_group *g = make_group();
  struct mcw_datagram d;
  struct mcw_json j = {0};

  memset(&d, 0, sizeof(d));
  d.ts_ns = INT64_C(1795537920805163123); /* 2026-11-24T16:32:00.805163Z */
  d.kernel_ts = true;
  mcw_addr_parse("10.0.0.5", &d.src);
  d.src.port = 40000;
  mcw_addr_parse("239.1.2.3", &d.dst);
  d.ifindex = 1;
  d.data = payload;
  d.len = d.caplen = sizeof(payload) - 1;
  mcw_group_account(g, &d, 1);
  mcw_jsonl_datagram(&j, g, &d, "lo", 256);
  assert_string_equal(
      j.buf,
      "{\"event\":\"datagram\",\"time\":\"2026-11-24T16:32:00.805163Z\","
      "\"ts\":1795537920.805163,\"endpoint\":\"239.1.2.3:5000%lo\","
      "\"group\":\"239.1.2.3\",\"port\":5000,\"source\":null,\"iface\":\"lo\","
      "\"from\":\"10.0.0.5\",\"sport\":40000,\"dst\":\"239.1.2.3\","
      "\"arrival_iface\":\"lo\",\"len\":21,\"truncated\":false,"
      "\"kernel_ts\":true,\"seq\":1,\"preview_len\":21,"
      "\"text\":\"hi\\\\x1b]0;pwned\\\\x07\\\\x1b[2J\\\\xff\\\\u{009b}"
      "\\\"\\\\\\\\\","
      "\"hex\":\"68691b5d303b70776e6564071b5b324affc29b225c\"}");
  /* Not one byte below 0x20 in the line. */
  for (size_t i = 0; i < j.len; i++)
    assert_true((unsigned char)j.buf[i] >= 0x20);

  /* The preview is capped. */
  mcw_json_reset(&j);
  mcw_jsonl_datagram(&j, g, &d, "lo", 2);
  assert_non_null(
      strstr(j.buf, "\"preview_len\":2,\"text\":\"hi\",\"hex\":\"6869\"}"));
  mcw_json_free(&j);
  mcw_group_free(g);
}

static void test_stats_line(void **state) {
  struct mcw_group *g = make_group();
  struct mcw_group_stats st;
  struct mcw_datagram d;
  struct mcw_json j = {0};

  memset(&d, 0, sizeof(d));
  mcw_addr_parse("10.0.0.7", &d.src);
  d.src.port = 7;
  d.len = 100;
  g->state = MCW_GROUP_JOINED;
  for (int i = 0; i < 20; i++)
    mcw_group_account(g, &d, i * INT64_C(100000000));
  mcw_group_stats(g, INT64_C(2000000000), &st);
  mcw_jsonl_stats(&j, g, &st, 4321, INT64_C(1795537920000000000));
  assert_string_equal(
      j.buf,
      "{\"event\":\"stats\",\"time\":\"2026-11-24T16:32:00.000000Z\","
      "\"ts\":1795537920.000000,\"endpoint\":\"239.1.2.3:5000%lo\","
      "\"group\":\"239.1.2.3\",\"port\":5000,\"source\":null,\"iface\":\"lo\","
      "\"state\":\"joined\",\"packets\":20,\"bytes\":2000,\"pps_1s\":10.0,"
      "\"bps_1s\":8000,\"pps_10s\":10.0,\"bps_10s\":8000,\"senders\":1,"
      "\"senders_overflow_packets\":0,\"truncated\":0,\"kernel_drops\":0,"
      "\"ignored\":0,\"rcvbuf\":0,\"idle_s\":0.100,\"tracked_senders\":0,"
      "\"received\":0,\"lost\":0,\"loss_pct\":null,\"dup\":0,"
      "\"reordered\":0,\"restarts\":0,\"malformed\":0,\"cc_errors\":0,"
      "\"output_dropped\":4321,\"by_sender\":[{\"from\":\"10.0.0.7\",\"sport\":"
      "7,\"packets\":20,"
      "\"bytes\":2000,\"kind\":\"other\",\"malformed\":0}]}");
  mcw_json_free(&j);
  mcw_group_free(g);
}

static void test_event_line(void **state) {
  struct mcw_group *g = make_group();
  struct mcw_json j = {0};

  mcw_jsonl_event(&j, "error", g, "join 239.1.2.3 on lo: \"quoted\"",
                  INT64_C(1795537920000001000));
  assert_string_equal(
      j.buf,
      "{\"event\":\"error\",\"time\":\"2026-11-24T16:32:00.000001Z\","
      "\"ts\":1795537920.000001,\"endpoint\":\"239.1.2.3:5000%lo\","
      "\"group\":\"239.1.2.3\",\"port\":5000,\"source\":null,\"iface\":\"lo\","
      "\"ifindex\":1,\"message\":\"join 239.1.2.3 on lo: \\\"quoted\\\"\"}");
  mcw_json_reset(&j);
  mcw_jsonl_event(&j, "warning", NULL, "engine-wide", 0);
  assert_string_equal(j.buf, "{\"event\":\"warning\",\"time\":"
                             "\"1970-01-01T00:00:00.000000Z\",\"ts\":0.000000,"
                             "\"message\":\"engine-wide\"}");
  mcw_json_free(&j);
  mcw_group_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_datagram_line),
      cmocka_unit_test(test_stats_line),
      cmocka_unit_test(test_event_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
