/*
 * The Prometheus exposition, byte for byte: the process-wide metrics with
 * no group, one source-specific group with a label, probes (lost,
 * duplicated, reordered, delays) and a raised alarm, label escaping,
 * per-sender series only on request, and the histogram's bucket counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/common.h"
#include "mcwatch/group.h"
#include "mcwatch/latency.h"
#include "mcwatch/metrics.h"
#include "mcwatch/probe.h"
#include "streamgen.h"

#define US INT64_C(1000)
#define MS MCW_NS_PER_MS
#define T0 INT64_C(1795537920000000000) /* 2026-11-24T16:32:00Z */

static const struct mcw_metrics_build build = {"1.2.3", "1.44.2", "6.4",
                                               "1.10.3", "0.9.75"};

#define HEAD                                                                   \
  "# HELP mcwatch_build_info mcwatch's version and the libraries it was "      \
  "built with; always 1.\n"                                                    \
  "# TYPE mcwatch_build_info gauge\n"                                          \
  "mcwatch_build_info{version=\"1.2.3\",libuv=\"1.44.2\",ncurses=\"6.4\","     \
  "libpcap=\"1.10.3\",libmicrohttpd=\"0.9.75\"} 1\n"                           \
  "# HELP mcwatch_start_time_seconds Wall-clock time mcwatch started.\n"       \
  "# TYPE mcwatch_start_time_seconds gauge\n"                                  \
  "mcwatch_start_time_seconds 1795537920.000\n"                                \
  "# HELP mcwatch_groups Groups watched (in any state).\n"                     \
  "# TYPE mcwatch_groups gauge\n"

/* The HELP and TYPE lines of a family, as the renderer writes them. */
#define FAMILY(name, type, help)                                               \
  "# HELP " name " " help "\n# TYPE " name " " type "\n"

#define JOINED                                                                 \
  FAMILY("mcwatch_group_joined", "gauge",                                      \
         "1 when the group is joined now, else 0 (joining, left, failed, or "  \
         "waiting for its interface).")
#define PACKETS                                                                \
  FAMILY("mcwatch_packets_received_total", "counter",                          \
         "Datagrams received for the group.")
#define BYTES                                                                  \
  FAMILY("mcwatch_bytes_received_total", "counter",                            \
         "UDP payload bytes received for the group.")
#define EXPECTED                                                               \
  FAMILY("mcwatch_packets_expected_total", "counter",                          \
         "Datagrams expected from the sequence numbers of senders whose "      \
         "streams carry them (probe, RTP, MPEG-TS, mcjoin, msend).")
#define LOST                                                                   \
  FAMILY("mcwatch_packets_lost_total", "counter",                              \
         "Datagrams missing from sequence-numbered streams.")
#define DUP                                                                    \
  FAMILY("mcwatch_packets_duplicated_total", "counter",                        \
         "Datagrams received twice in sequence-numbered streams.")
#define REORD                                                                  \
  FAMILY("mcwatch_packets_reordered_total", "counter",                         \
         "Datagrams arrived after a later one in sequence-numbered streams.")
#define TRUNC                                                                  \
  FAMILY("mcwatch_packets_truncated_total", "counter",                         \
         "Datagrams cut short by the kernel (larger than the receive buffer "  \
         "slot).")
#define UNTRACKED                                                              \
  FAMILY("mcwatch_packets_untracked_total", "counter",                         \
         "Datagrams from senders beyond the sender table (--max-senders).")
#define DROPS                                                                  \
  FAMILY("mcwatch_kernel_drops_total", "counter",                              \
         "Datagrams the kernel dropped on the group's socket (SO_RXQ_OVFL), "  \
         "since it was joined.")
#define LAST                                                                   \
  FAMILY("mcwatch_last_packet_timestamp_seconds", "gauge",                     \
         "Wall-clock time of the last datagram (absent until one arrives).")
#define SENDERS FAMILY("mcwatch_senders", "gauge", "Senders seen on the group.")
#define JITTER                                                                 \
  FAMILY("mcwatch_jitter_seconds", "gauge",                                    \
         "RFC 3550 interarrival jitter, the largest among the group's probe "  \
         "and RTP senders.")
#define DELAY                                                                  \
  FAMILY("mcwatch_one_way_delay_seconds", "histogram",                         \
         "One-way delay of mcwatch probes (arrival minus send time; "          \
         "meaningful when the clocks agree).")
#define ALARM                                                                  \
  FAMILY("mcwatch_alarm_active", "gauge",                                      \
         "1 while the alarm is raised for the group (error, silence, loss, "   \
         "drops), else 0.")
#define TR101290                                                               \
  FAMILY("mcwatch_tr101290_errors_total", "counter",                           \
         "ETSI TR 101 290 errors in MPEG-TS streams, by check.")               \
  FAMILY("mcwatch_mdi_delay_factor_seconds", "gauge",                          \
         "RFC 4445 delay factor of the group's TS stream over the last whole " \
         "second (the worst among its senders).")                              \
  FAMILY("mcwatch_mdi_media_loss_rate", "gauge",                               \
         "RFC 4445 media loss rate: TS packets lost per second over the last " \
         "whole second (the worst among its senders).")

static struct mcw_group *make_group(const char *text, const char *label) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  char err[128];

  assert_int_equal(mcw_endpoint_parse(text, &ep, err, sizeof(err)), 0);
  ep.ifindex = 1;
  mcw_strlcpy(ep.label, label, sizeof(ep.label));
  mcw_group_config_default(&cfg);
  return mcw_group_new(&ep, &cfg, 0);
}

/* Probe seq from 10.0.0.5:40000, sent at T0 + seq ms, delay later. */
static void probe(struct mcw_group *g, uint64_t seq, int64_t delay) {
  static uint8_t buf[256];
  struct mcw_probe p = {.sender_id = 7,
                        .seq = seq,
                        .send_ns = (uint64_t)(T0 + (int64_t)seq * MS)};
  int n = mcw_probe_encode(&p, "x", 1, 0, buf, sizeof(buf));
  struct mcw_datagram d = dg(buf, (size_t)n, T0 + (int64_t)seq * MS + delay);

  mcw_addr_parse("10.0.0.5", &d.src);
  d.src.port = 40000;
  mcw_addr_parse("232.1.1.1", &d.dst);
  d.ifindex = 1;
  mcw_group_account(g, &d, (int64_t)seq * MS);
}

static const char *render(struct mcw_metrics_buf *b, struct mcw_group **g,
                          size_t n, bool senders) {
  struct mcw_metrics_input in = {g, n, 20 * MS, T0, senders, &build};
  size_t len = mcw_metrics_render(b, &in);
  assert_int_equal(len, strlen(b->buf));
  return b->buf;
}

static void test_no_group(void **state) {
  struct mcw_metrics_buf b = {0};

  assert_string_equal(
      render(&b, NULL, 0, false),
      HEAD "mcwatch_groups 0\n" JOINED PACKETS BYTES EXPECTED LOST DUP REORD
          TRUNC UNTRACKED DROPS LAST SENDERS JITTER DELAY ALARM TR101290);
  mcw_metrics_buf_free(&b);
}

#define L "{group=\"232.1.1.1\",port=\"5000\",source=\"10.0.0.5\",iface=\"lo\","
#define LL L "label=\"News \\\"HD\\\" \\\\ 1\"}"
#define LX(extra) L "label=\"News \\\"HD\\\" \\\\ 1\"," extra "}"

/* Probes 0..9 but 3 and 4 lost, 6 twice, 8 before 7; 300 us each. */
static struct mcw_group *probe_group(void) {
  struct mcw_group *g =
      make_group("232.1.1.1:5000@10.0.0.5%lo", "News \"HD\" \\ 1");
  static const uint64_t seqs[] = {0, 1, 2, 5, 6, 6, 8, 7, 9};

  g->state = MCW_GROUP_JOINED;
  for (size_t i = 0; i < MCW_ARRAY_LEN(seqs); i++)
    probe(g, seqs[i], 300 * US);
  g->alarms.raised = 1u << MCW_ALARM_LOSS;
  return g;
}

static void test_probe_group(void **state) {
  struct mcw_group *g = probe_group();
  struct mcw_metrics_buf b = {0};
  char want[8192];

  /* Delays of 300 us land in le 0.0005 and above; the duplicate is not a
     delay sample, so the count is 8 and the sum 8 x 300 us. */
  snprintf(
      want, sizeof(want),
      "%s"
      "mcwatch_groups 1\n" JOINED "mcwatch_group_joined" LL " 1\n" PACKETS
      "mcwatch_packets_received_total" LL " 9\n" BYTES
      "mcwatch_bytes_received_total" LL " %u\n" EXPECTED
      "mcwatch_packets_expected_total" LL " 10\n" LOST
      "mcwatch_packets_lost_total" LL " 2\n" DUP
      "mcwatch_packets_duplicated_total" LL " 1\n" REORD
      "mcwatch_packets_reordered_total" LL " 1\n" TRUNC
      "mcwatch_packets_truncated_total" LL " 0\n" UNTRACKED
      "mcwatch_packets_untracked_total" LL " 0\n" DROPS
      "mcwatch_kernel_drops_total" LL " 0\n" LAST
      "mcwatch_last_packet_timestamp_seconds" LL " 1795537920.009\n" SENDERS
      "mcwatch_senders" LL " 1\n" JITTER "mcwatch_jitter_seconds" LL
      " 0\n" DELAY "mcwatch_one_way_delay_seconds_bucket" LX(
          "le=\"0.0001\"") " 0\n"
                           "mcwatch_one_way_delay_seconds_bucket" LX(
                               "le=\"0.00025\"") " 0\n"
                                                 "mcwatch_one_way_delay_"
                                                 "seconds_bucket" LX(
                                                     "le=\"0.0005\"") " 8\n",
      HEAD, (unsigned)g->bytes);
  render(&b, &g, 1, false);
  assert_int_equal(g->bytes % 9, 0); /* nine datagrams of one size */
  /* Everything up to the first bucket that holds the samples. */
  assert_memory_equal(b.buf, want, strlen(want));
  /* The rest of the histogram, the alarms and no TS check. */
  assert_non_null(strstr(
      b.buf,
      "mcwatch_one_way_delay_seconds_bucket" LX(
          "le=\"10\"") " 8\n"
                       "mcwatch_one_way_delay_seconds_bucket" LX(
                           "le=\"+Inf\"") " 8\n"
                                          "mcwatch_one_way_delay_seconds_sum" LL
                                          " 0.0024\n"
                                          "mcwatch_one_way_delay_seconds_"
                                          "count" LL " 8\n" ALARM
                                          "mcwatch_alarm_active" LX(
                                              "alarm=\"error\"") " 0\n"
                                                                 "mcwatch_"
                                                                 "alarm_"
                                                                 "active" LX(
                                                                     "alarm="
                                                                     "\"silence"
                                                                     "\"") " 0"
                                                                           "\n"
                                                                           "mcw"
                                                                           "atc"
                                                                           "h_"
                                                                           "ala"
                                                                           "rm_"
                                                                           "act"
                                                                           "iv"
                                                                           "e" LX(
                                                                               "alarm=\"loss\"") " 1\n"
                                                                                                 "mcwatch_alarm_active" LX(
                                                                                                     "alarm=\"drops\"") " 0\n" TR101290));
  assert_null(strstr(b.buf, "mcwatch_tr101290_errors_total{"));
  assert_null(strstr(b.buf, "sender="));
  assert_int_equal(b.buf[b.len - 1], '\n');
  mcw_metrics_buf_free(&b);
  mcw_group_free(g);
}

static void test_any_source_unlabelled(void **state) {
  struct mcw_group *g = make_group("[ff15::1234]:6000%lo", "");
  struct mcw_metrics_buf b = {0};

  render(&b, &g, 1, false);
  assert_non_null(strstr(b.buf, "mcwatch_group_joined{group=\"ff15::1234\","
                                "port=\"6000\",source=\"\",iface=\"lo\"} 0\n"));
  /* No datagram yet: no timestamp, no jitter, no histogram. */
  assert_null(strstr(b.buf, "mcwatch_last_packet_timestamp_seconds{"));
  assert_null(strstr(b.buf, "mcwatch_jitter_seconds{"));
  assert_null(strstr(b.buf, "mcwatch_one_way_delay_seconds_bucket{"));
  mcw_metrics_buf_free(&b);
  mcw_group_free(g);
}

static void test_senders_on_request(void **state) {
  struct mcw_group *g = probe_group();
  struct mcw_metrics_buf b = {0};

  render(&b, &g, 1, true);
  assert_non_null(
      strstr(b.buf, "# TYPE mcwatch_sender_packets_received_total counter\n"
                    "mcwatch_sender_packets_received_total" LX(
                        "sender=\"10.0.0.5:40000\"") " 9\n"));
  assert_non_null(strstr(b.buf, "mcwatch_sender_packets_lost_total" LX(
                                    "sender=\"10.0.0.5:40000\"") " 2\n"));
  assert_non_null(strstr(b.buf, "mcwatch_sender_jitter_seconds" LX(
                                    "sender=\"10.0.0.5:40000\"") " 0\n"));
  render(&b, &g, 1, false);
  assert_null(strstr(b.buf, "mcwatch_sender_"));
  mcw_metrics_buf_free(&b);
  mcw_group_free(g);
}

static void test_many_groups_one_family_each(void **state) {
  struct mcw_group *g[3] = {make_group("239.1.1.1:5000%lo", "a"),
                            make_group("239.1.1.2:5000%lo", "b"),
                            make_group("239.1.1.3:5000%lo", "c")};
  struct mcw_metrics_buf b = {0};
  const char *p;
  int n = 0;

  render(&b, g, 3, false);
  /* Each family's series follow its TYPE line, never another family's. */
  p = strstr(b.buf, "# TYPE mcwatch_packets_received_total counter\n");
  assert_non_null(p);
  p = strchr(p, '\n') + 1;
  for (; strncmp(p, "mcwatch_packets_received_total{", 31) == 0; n++)
    p = strchr(p, '\n') + 1;
  assert_int_equal(n, 3);
  assert_int_equal(strncmp(p, "# HELP mcwatch_bytes_received_total", 35), 0);
  assert_non_null(strstr(b.buf, "mcwatch_groups 3\n"));
  for (size_t i = 0; i < 3; i++)
    mcw_group_free(g[i]);
  mcw_metrics_buf_free(&b);
}

static void test_latency_cumulative(void **state) {
  struct mcw_latency l = {0};
  static const int64_t bounds[] = {10 * US, 100 * US, 1000 * US,
                                   INT64_C(1000000) * MS};
  uint64_t out[4] = {0};

  mcw_latency_cumulative(&l, bounds, 4, out); /* no samples: no change */
  assert_int_equal(out[3], 0);
  mcw_latency_add(&l, 5 * US);    /* bucket 5 us */
  mcw_latency_add(&l, 10 * US);   /* bucket 10 us, ends at 10.999 us */
  mcw_latency_add(&l, 9 * US);    /* bucket 9 us, ends at 9.999 us */
  mcw_latency_add(&l, -3 * US);   /* counted as 0 */
  mcw_latency_add(&l, 90 * US);   /* 88..95 us */
  mcw_latency_add(&l, 999 * US);  /* 960..1023 us: past 1 ms's bound */
  mcw_latency_add(&l, 2000 * MS); /* 2 s */
  mcw_latency_cumulative(&l, bounds, 4, out);
  assert_int_equal(out[0], 3); /* -3, 5, 9 (10 us may reach 10.999) */
  assert_int_equal(out[1], 5);
  assert_int_equal(out[2], 5);
  assert_int_equal(out[3], 7);
  mcw_latency_cumulative(&l, bounds, 4, out); /* adds */
  assert_int_equal(out[0], 6);
  mcw_latency_free(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_group),
      cmocka_unit_test(test_probe_group),
      cmocka_unit_test(test_any_source_unlabelled),
      cmocka_unit_test(test_senders_on_request),
      cmocka_unit_test(test_many_groups_one_family_each),
      cmocka_unit_test(test_latency_cumulative),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
