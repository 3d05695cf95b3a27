/*
 * Unit tests for stream tracking: the classifier, probes (latency, jitter
 * against a hand-computed example, malformed input), RTP (16-bit wrap,
 * a new SSRC, jitter), MPEG-TS continuity counters (4-bit wrap,
 * duplicates, discontinuity, null PID), mcjoin and msend payloads, and the
 * per-group cap on TS tables. Streams are built with the project's own
 * probe encoder and by hand for the other formats.
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
#include "mcwatch/probe.h"
#include "mcwatch/stream.h"
#include "streamgen.h"

#define MS MCW_NS_PER_MS

static uint8_t buf[2048];

static void probe(struct mcw_stream *st, uint32_t id, uint64_t seq,
                  int64_t sent, int64_t arrived) {
  struct mcw_probe p = {.sender_id = id, .seq = seq, .send_ns = (uint64_t)sent};
  int n = mcw_probe_encode(&p, "x", 1, 0, buf, sizeof(buf));
  struct mcw_datagram d = dg(buf, (size_t)n, arrived);
  mcw_stream_account(st, &d, NULL);
}

static void test_probe_jitter_latency(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  const int64_t t0 = INT64_C(1795537920) * MCW_NS_PER_SEC;

  mcw_stream_init(&st);
  /* Transit 100, 101, 99, 100 ms: D = 1, -2, 1 ms. */
  probe(&st, 7, 0, t0 + 0 * MS, t0 + 100 * MS);
  probe(&st, 7, 1, t0 + 20 * MS, t0 + 121 * MS);
  probe(&st, 7, 2, t0 + 40 * MS, t0 + 139 * MS);
  probe(&st, 7, 3, t0 + 60 * MS, t0 + 160 * MS);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_PROBE);
  assert_true(f.has_jitter);
  /* J = 1/16 = 0.0625; + (2 - J)/16 = 0.18359375; + (1 - J)/16. */
  assert_float_equal(f.jitter_ms, 0.234619140625, 1e-9);
  assert_float_equal(f.lat_min_ms, 99.0, 1e-9);
  assert_float_equal(f.lat_max_ms, 101.0, 1e-9);
  assert_float_equal(f.lat_mean_ms, 100.0, 1e-9);
  assert_float_equal(f.lat_p99_ms, 101.0, 1e-9);
  assert_int_equal(f.received, 4);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.has_id, true);
  assert_int_equal(f.id, 7);
  mcw_stream_free(&st, NULL);
}

static void test_probe_restart_and_bad(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  struct mcw_datagram d;

  mcw_stream_init(&st);
  for (uint64_t i = 0; i < 10; i++)
    if (i != 4)
      probe(&st, 1, i, 0, 1000);
  probe(&st, 2, 0, 0, 1000); /* a new sender id: restart */
  probe(&st, 2, 1, 0, 1000);
  probe(&st, 2, 1, 0, 1000);                 /* duplicate */
  probe(&st, 2, UINT64_C(1) << 63, 0, 1000); /* absurd: a stray */
  /* Malformed: wrong version, truncated, absurd text length, no magic. */
  d = dg(buf, 34, 0);
  buf[4] = 9;
  mcw_stream_account(&st, &d, NULL);
  buf[4] = 1;
  d.len = d.caplen = 20;
  mcw_stream_account(&st, &d, NULL);
  d.len = d.caplen = 34;
  buf[12] = buf[13] = 0xff;
  mcw_stream_account(&st, &d, NULL);
  d = dg((const uint8_t *)"plain text", 10, 0);
  mcw_stream_account(&st, &d, NULL);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.restarts, 1);
  assert_int_equal(f.dup, 1);
  assert_int_equal(f.malformed, 4);
  assert_int_equal(f.received, 13);
  assert_int_equal(f.expected, 12);
  mcw_stream_free(&st, NULL);
}

static void rtp_push(struct mcw_stream *st, uint8_t pt, uint16_t seq,
                     uint32_t ts, uint32_t ssrc, int64_t at) {
  size_t n = rtp(buf, pt, seq, ts, ssrc, 160);
  struct mcw_datagram d = dg(buf, n, at);
  mcw_stream_account(st, &d, NULL);
}

static void test_rtp_wrap_and_ssrc(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  uint16_t seq = 65500;

  mcw_stream_init(&st);
  for (int i = 0; i < 100; i++, seq++) {
    if (seq == 3 || seq == 65535)
      continue; /* two lost, one on each side of the wrap */
    rtp_push(&st, 96, seq, (uint32_t)i * 3000, 0x11223344, i * 33 * MS);
  }
  rtp_push(&st, 96, 10, 0, 0x11223344, 0); /* duplicate of an old one */
  rtp_push(&st, 96, 20, 0, 0x11223344, 0); /* late: fills nothing new */
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_int_equal(f.lost, 2);
  assert_int_equal(f.dup, 2);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.pt, 96);
  assert_int_equal(f.id, 0x11223344);
  /* A new SSRC is a new stream, not a restart (test_rtpssrc.c has more). */
  rtp_push(&st, 96, 5000, 0, 0x55667788, 0);
  rtp_push(&st, 96, 5001, 0, 0x55667788, 0);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.lost, 2);
  assert_int_equal(f.id, 0x55667788);
  assert_int_equal(mcw_stream_ssrc_count(&st), 2);
  mcw_stream_free(&st, NULL);
}

static void test_rtp_jitter(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  mcw_stream_init(&st);
  /* PCMU, 8 kHz: 160 ticks = 20 ms. Arrivals 0, 21, 40 (after 2 more). */
  rtp_push(&st, 0, 1, 0, 9, 0);
  rtp_push(&st, 0, 2, 160, 9, 20 * MS);
  rtp_push(&st, 0, 3, 320, 9, 40 * MS); /* confirms RTP; jitter starts */
  rtp_push(&st, 0, 4, 480, 9, 61 * MS); /* D = 1 ms */
  rtp_push(&st, 0, 5, 640, 9, 80 * MS); /* D = -1 ms */
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_int_equal(f.received, 5);
  assert_float_equal(f.jitter_ms, 0.12109375, 1e-9);
  mcw_stream_free(&st, NULL);
}

static void test_rtp_false_positive(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  mcw_stream_init(&st);
  /* Version-2-looking bytes with a new SSRC each time: never RTP. */
  for (uint32_t i = 0; i < 50; i++)
    rtp_push(&st, 96, (uint16_t)(i * 7919), 0, i * 2654435761u, 0);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_UNKNOWN);
  assert_false(f.tracked);
  mcw_stream_free(&st, NULL);
}

static void ts_push(struct mcw_stream *st, struct mcw_stream_budget *b,
                    unsigned pid, unsigned afc, unsigned cc, bool disc) {
  struct mcw_datagram d;
  ts_packet(buf, pid, afc, cc, disc);
  ts_packet(buf + 188, 0x1fff, 1, 0, false); /* null PID: ignored */
  d = dg(buf, 376, 0);
  mcw_stream_account(st, &d, b);
}

static void test_ts_cc(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;
  uint16_t pids[4];

  mcw_stream_init(&st);
  for (unsigned i = 0; i < 40; i++) /* wraps twice: no error */
    ts_push(&st, &b, 0x100, 1, i & 15, false);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_TS);
  assert_true(f.ts_tracked);
  assert_int_equal(f.cc_errors, 0);
  /* Last CC was 39 & 15 = 7. Lose 8: error. */
  ts_push(&st, &b, 0x100, 1, 9, false);
  ts_push(&st, &b, 0x100, 1, 9, false);  /* one duplicate: allowed */
  ts_push(&st, &b, 0x100, 1, 9, false);  /* a second: error */
  ts_push(&st, &b, 0x100, 2, 9, false);  /* adaptation only: no increment */
  ts_push(&st, &b, 0x100, 3, 10, false); /* payload again: +1 */
  ts_push(&st, &b, 0x100, 3, 4, true);   /* discontinuity: any value */
  ts_push(&st, &b, 0x100, 1, 5, false);
  ts_push(&st, &b, 0x200, 1, 3, false); /* a new PID starts anywhere */
  ts_push(&st, &b, 0x200, 1, 5, false); /* skips 4: error */
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.cc_errors, 3);
  assert_int_equal(f.ts_pids, 2);
  assert_int_equal(mcw_ts_pid_list(&st.ts, pids, 4), 2);
  assert_int_equal(pids[0], 0x100);
  assert_int_equal(pids[1], 0x200);
  assert_int_equal(st.ts.dups, 1);
  mcw_stream_free(&st, &b);
  assert_int_equal(b.ts_used, 0);
}

static void test_rtp_ts(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;
  struct mcw_datagram d;

  mcw_stream_init(&st);
  for (unsigned i = 0; i < 20; i++) {
    rtp(buf, 33, (uint16_t)(65530 + i), i * 3000, 42, 0);
    for (unsigned k = 0; k < 7; k++)
      ts_packet(buf + 12 + 188 * k, 0x44, 1, (i * 7 + k + (i >= 10)) & 15,
                false);
    d = dg(buf, 12 + 7 * 188, i * MS);
    mcw_stream_account(&st, &d, &b);
  }
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP_TS);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.cc_errors, 1); /* the jump at datagram 10 */
  assert_int_equal(f.pt, 33);
  mcw_stream_free(&st, &b);
}

static void test_ts_budget(void **state) {
  struct mcw_group_config cfg;
  struct mcw_endpoint ep;
  struct mcw_group *g;
  struct mcw_health h;

  memset(&ep, 0, sizeof(ep));
  mcw_group_config_default(&cfg);
  g = mcw_group_new(&ep, &cfg, 0);
  for (unsigned s = 0; s < 20; s++) {
    for (unsigned i = 0; i < 3; i++) {
      struct mcw_datagram d;
      ts_packet(buf, 0x100, 1, i, false);
      d = dg(buf, 188, 0);
      d.src.family = 2;
      d.src.port = (uint16_t)(1000 + s);
      mcw_group_account(g, &d, 0);
    }
  }
  assert_int_equal(g->senders.budget.ts_used, MCW_TS_TRACKED_MAX);
  assert_true(g->senders.items[0].stream.ts_tracked);
  assert_false(g->senders.items[19].stream.ts_tracked);
  mcw_group_health(g, &h);
  assert_int_equal(h.ts_senders, 20);
  mcw_group_clear(g, 0);
  assert_int_equal(g->senders.budget.ts_used, 0);
  mcw_group_free(g);
}

static void text_push(struct mcw_stream *st, const char *s, size_t pad) {
  size_t n = strlen(s);
  struct mcw_datagram d;
  memset(buf, 0, sizeof(buf));
  memcpy(buf, s, n);
  d = dg(buf, pad > n ? pad : n, 0);
  mcw_stream_account(st, &d, NULL);
}

static void test_mcjoin(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  char s[128];

  mcw_stream_init(&st);
  for (int i = 0; i < 10; i++) {
    if (i == 5)
      continue;
    snprintf(s, sizeof(s),
             "Sender PID 4242, MC group 225.1.2.3 ... count: %d, freq: 100", i);
    text_push(&st, s, 100);
  }
  text_push(&st, "Sender PID 4242, MC group 225.1.2.3 ... count: 3, freq: 100",
            100); /* duplicate */
  text_push(&st, "Sender PID 99, MC group 225.1.2.3 ... count: 0, freq: 100",
            100); /* a new PID: restart */
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_MCJOIN);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.dup, 1);
  assert_int_equal(f.restarts, 1);
  assert_int_equal(f.id, 99);
  mcw_stream_free(&st, NULL);
}

static void test_msend(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  char s[64];

  /* Hex (the default), padded to 20 bytes, 0x12 lost. */
  mcw_stream_init(&st);
  text_push(&st, "echo test 4, sender equiv cmd msend -b5000", 0);
  for (int i = 0; i < 40; i++) {
    if (i == 0x12)
      continue;
    snprintf(s, sizeof(s), "Message %x", i);
    text_push(&st, s, 20);
  }
  text_push(&st, "stat 40", 0);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_MSEND);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.malformed, 0);
  assert_int_equal(f.last_seq, 39);
  mcw_stream_free(&st, NULL);
  /* Decimal (-d), variable length, 15 lost. */
  mcw_stream_init(&st);
  for (int i = 0; i < 30; i++) {
    if (i == 15)
      continue;
    snprintf(s, sizeof(s), "Message %d", i);
    text_push(&st, s, 0);
  }
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.last_seq, 29);
  mcw_stream_free(&st, NULL);
  /* Lookalikes are not msend. */
  mcw_stream_init(&st);
  text_push(&st, "Message for you, sir", 0);
  text_push(&st, "Message 12 of 30", 0);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_UNKNOWN);
  mcw_stream_free(&st, NULL);
}

static void test_describe(void **state) {
  char out[300];
  struct mcw_probe p = {.sender_id = 0xabcdef01, .seq = 5, .send_ns = 1};
  int n = mcw_probe_encode(&p, NULL, 0, 0, buf, sizeof(buf));

  mcw_stream_describe(buf, (size_t)n, (size_t)n, out, sizeof(out));
  assert_non_null(strstr(out, "sender abcdef01, seq 5"));
  n = (int)rtp(buf, 33, 7, 9, 0x42, 0);
  mcw_stream_describe(buf, (size_t)n, (size_t)n, out, sizeof(out));
  assert_non_null(strstr(out, "PT 33 (90000 Hz), seq 7"));
  ts_packet(buf, 0x31, 1, 3, false);
  mcw_stream_describe(buf, 188, 188, out, sizeof(out));
  assert_non_null(strstr(out, "PID 0x0031 (49), CC 3"));
  mcw_stream_describe((const uint8_t *)"hello", 5, 5, out, sizeof(out));
  assert_string_equal(out, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe_jitter_latency),
      cmocka_unit_test(test_probe_restart_and_bad),
      cmocka_unit_test(test_rtp_wrap_and_ssrc),
      cmocka_unit_test(test_rtp_jitter),
      cmocka_unit_test(test_rtp_false_positive),
      cmocka_unit_test(test_ts_cc),
      cmocka_unit_test(test_rtp_ts),
      cmocka_unit_test(test_ts_budget),
      cmocka_unit_test(test_mcjoin),
      cmocka_unit_test(test_msend),
      cmocka_unit_test(test_describe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
