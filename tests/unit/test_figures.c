/*
 * Unit tests for figures that must not lie (issue 12): a malformed datagram
 * is never counted as lost (probes, RTP, mcjoin, msend, TS), while a real
 * gap still counts exactly; a stuck MPEG-TS continuity counter is one
 * allowed duplicate and then an error per packet; a duplicated RTP
 * datagram carrying TS is not also counted as continuity errors; RTCP on
 * the RTP port is not malformed; jitter is not polluted by a restart.
 * Every stream is an array of synthetic datagrams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/common.h"
#include "mcwatch/probe.h"
#include "mcwatch/stream.h"
#include "streamgen.h"

#define MS MCW_NS_PER_MS

static uint8_t buf[2048];

/* A probe; when bad, the same probe with version 9 (malformed). */
static void probe(struct mcw_stream *st, uint64_t seq, bool bad) {
  struct mcw_probe p = {.sender_id = 7, .seq = seq, .send_ns = seq * MS};
  int n = mcw_probe_encode(&p, "x", 1, 0, buf, sizeof(buf));
  struct mcw_datagram d = dg(buf, (size_t)n, (int64_t)(seq * MS + 5 * MS));
  if (bad)
    buf[4] = 9;
  mcw_stream_account(st, &d, NULL);
}

static void probes(struct mcw_stream *st, uint64_t from, uint64_t to,
                   bool bad) {
  for (uint64_t i = from; i <= to; i++)
    probe(st, i, bad);
}

static void figures(struct mcw_stream *st, struct mcw_stream_figures *f) {
  mcw_stream_figures(st, f);
}

static void test_probe_malformed_not_lost(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  /* The example: 0-99 sent, 50-59 arrive malformed. */
  mcw_stream_init(&st);
  probes(&st, 0, 49, false);
  probes(&st, 50, 59, true);
  probes(&st, 60, 99, false);
  figures(&st, &f);
  assert_int_equal(f.received, 90);
  assert_int_equal(f.malformed, 10);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.expected, 90);
  mcw_stream_free(&st, NULL);

  /* A real gap with no malformed datagram counts exactly. */
  mcw_stream_init(&st);
  probes(&st, 0, 49, false);
  probes(&st, 60, 99, false);
  figures(&st, &f);
  assert_int_equal(f.lost, 10);
  assert_int_equal(f.expected, 100);
  assert_int_equal(f.malformed, 0);
  mcw_stream_free(&st, NULL);

  /* Five malformed and five really lost in one gap: 5 lost. */
  mcw_stream_init(&st);
  probes(&st, 0, 49, false);
  probes(&st, 50, 54, true);
  probes(&st, 60, 99, false);
  figures(&st, &f);
  assert_int_equal(f.lost, 5);
  assert_int_equal(f.expected, 95);
  assert_int_equal(f.malformed, 5);
  mcw_stream_free(&st, NULL);
}

static void test_probe_malformed_no_cover(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  /*
   * A malformed datagram next to no gap (an extra one) excuses nothing:
   * a loss long after it still counts.
   */
  mcw_stream_init(&st);
  probes(&st, 0, 49, false);
  probe(&st, 1000, true);
  probes(&st, 50, 69, false);
  probes(&st, 71, 99, false);
  figures(&st, &f);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.expected, 100);
  assert_int_equal(f.malformed, 1);
  mcw_stream_free(&st, NULL);

  /* Reordered: 49, 51, then 50 malformed, then 52: the gap is excused. */
  mcw_stream_init(&st);
  probes(&st, 0, 49, false);
  probe(&st, 51, false);
  probe(&st, 50, true);
  probes(&st, 52, 60, false);
  figures(&st, &f);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.expected, 60);
  mcw_stream_free(&st, NULL);

  /* A malformed one, then its gap filled late by a good copy: no credit
   * is left over to hide the real loss of 80. */
  mcw_stream_init(&st);
  probes(&st, 0, 49, false);
  probe(&st, 50, true);
  probe(&st, 51, false);
  probe(&st, 50, false);
  probes(&st, 52, 79, false);
  probes(&st, 81, 99, false);
  figures(&st, &f);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.reordered, 1);
  mcw_stream_free(&st, NULL);
}

/* An RTP datagram; when bad, its header extension runs past the end. */
static void rtp_push(struct mcw_stream *st, uint16_t seq, bool bad) {
  size_t n = rtp(buf, 96, seq, (uint32_t)seq * 3000, 0xabcd, 100);
  struct mcw_datagram d;

  if (bad) {
    buf[0] |= 0x10; /* X: an extension header follows the fixed header */
    buf[12] = 0xbe;
    buf[13] = 0xde;
    buf[14] = 0x40; /* 16384 words: far beyond the 100 bytes */
    buf[15] = 0x00;
  }
  d = dg(buf, n, (int64_t)seq * 33 * MS);
  mcw_stream_account(st, &d, NULL);
}

static void test_rtp_bad_extension_not_lost(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  mcw_stream_init(&st);
  for (unsigned i = 0; i < 100; i++)
    rtp_push(&st, (uint16_t)(65500 + i), i >= 50 && i < 60);
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_int_equal(f.received, 90);
  assert_int_equal(f.malformed, 10);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.expected, 90);
  mcw_stream_free(&st, NULL);
}

static void test_rtcp_not_malformed(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  struct mcw_datagram d;
  /* An RTCP sender report (PT 200) multiplexed on the RTP port. */
  static const uint8_t sr[28] = {0x80, 200, 0, 6, 0, 0, 0xab, 0xcd};

  mcw_stream_init(&st);
  for (unsigned i = 0; i < 20; i++) {
    rtp_push(&st, (uint16_t)i, false);
    if (i % 5 == 4) {
      d = dg(sr, sizeof(sr), 0);
      mcw_stream_account(&st, &d, NULL);
    }
  }
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_int_equal(f.malformed, 0);
  assert_int_equal(f.received, 20);
  assert_int_equal(f.lost, 0);
  mcw_stream_free(&st, NULL);
}

static void text_push(struct mcw_stream *st, const char *s) {
  size_t n = strlen(s);
  struct mcw_datagram d;
  memset(buf, 0, 64);
  memcpy(buf, s, n);
  d = dg(buf, n < 64 ? 64 : n, 0);
  mcw_stream_account(st, &d, NULL);
}

static void test_foreign_malformed_not_lost(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  char s[96];

  /* mcjoin: counts 20-24 arrive without their count. */
  mcw_stream_init(&st);
  for (int i = 0; i < 50; i++) {
    if (i >= 20 && i < 25)
      snprintf(s, sizeof(s), "Sender PID 4242, MC group 225.1.2.3 ... co");
    else
      snprintf(s, sizeof(s),
               "Sender PID 4242, MC group 225.1.2.3 ... count: %d", i);
    text_push(&st, s);
  }
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_MCJOIN);
  assert_int_equal(f.malformed, 5);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.received, 45);
  mcw_stream_free(&st, NULL);

  /* A count too long to read (20 digits) is malformed, not a number cut
   * to its first 19 digits. */
  mcw_stream_init(&st);
  for (int i = 0; i < 10; i++) {
    if (i == 5)
      snprintf(s, sizeof(s),
               "Sender PID 7, MC group 225.1.2.3 ... count: "
               "12345678901234567890, freq: 100");
    else
      snprintf(s, sizeof(s), "Sender PID 7, MC group 225.1.2.3 ... count: %d",
               i);
    text_push(&st, s);
  }
  figures(&st, &f);
  assert_int_equal(f.malformed, 1);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.received, 9);
  mcw_stream_free(&st, NULL);

  /* msend: "Message 1e" to "Message 20" garbled; 0x30 really lost. */
  mcw_stream_init(&st);
  for (int i = 0; i < 64; i++) {
    if (i == 0x30)
      continue;
    if (i >= 0x1e && i <= 0x20)
      snprintf(s, sizeof(s), "Message %x?", i);
    else
      snprintf(s, sizeof(s), "Message %x", i);
    text_push(&st, s);
  }
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_MSEND);
  assert_int_equal(f.malformed, 3);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.expected, 61);
  mcw_stream_free(&st, NULL);
}

/* A datagram of seven TS packets of one PID with counters from cc. */
static void ts7(struct mcw_stream *st, struct mcw_stream_budget *b, unsigned cc,
                bool bad) {
  struct mcw_datagram d;

  for (unsigned k = 0; k < 7; k++)
    ts_packet(buf + 188 * k, 0x100, 1, (cc + k) & 15, false);
  if (bad)
    buf[188 * 3] = 0x48; /* a sync byte lost */
  d = dg(buf, 7 * 188, 0);
  mcw_stream_account(st, &d, b);
}

static void test_ts_malformed_not_cc_error(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;

  mcw_stream_init(&st);
  for (unsigned i = 0; i < 10; i++)
    ts7(&st, &b, i * 7, i == 5);
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_TS);
  assert_int_equal(f.malformed, 1);
  assert_int_equal(f.cc_errors, 0);
  /* A real jump afterwards still counts. */
  ts7(&st, &b, 10 * 7 + 1, false);
  figures(&st, &f);
  assert_int_equal(f.cc_errors, 1);
  mcw_stream_free(&st, &b);
}

/* One TS packet per datagram, with a null PID packet beside it. */
static void ts1(struct mcw_stream *st, struct mcw_stream_budget *b,
                unsigned pid, unsigned afc, unsigned cc, bool disc) {
  struct mcw_datagram d;
  ts_packet(buf, pid, afc, cc, disc);
  ts_packet(buf + 188, 0x1fff, 1, 5, false);
  d = dg(buf, 376, 0);
  mcw_stream_account(st, &d, b);
}

static void test_ts_stuck_counter(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;

  /* 100 packets, same CC, payload, no discontinuity: 1 dup, 98 errors. */
  mcw_stream_init(&st);
  ts1(&st, &b, 0x1fff, 1, 0, false); /* null PID only: confirms TS */
  for (unsigned i = 0; i < 100; i++)
    ts1(&st, &b, 0x100, 1, 3, false);
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_TS);
  assert_int_equal(f.cc_errors, 98);
  assert_int_equal(st.ts.dups, 1);
  mcw_stream_free(&st, &b);

  /* A duplicate, then +1: no error; the next duplicate is allowed again. */
  mcw_stream_init(&st);
  ts1(&st, &b, 0x1fff, 1, 0, false);
  for (unsigned i = 0; i < 3; i++)
    ts1(&st, &b, 0x100, 1, 3, false);
  ts1(&st, &b, 0x100, 1, 4, false);
  ts1(&st, &b, 0x100, 1, 5, false);
  ts1(&st, &b, 0x100, 1, 5, false);
  ts1(&st, &b, 0x100, 1, 6, false);
  figures(&st, &f);
  assert_int_equal(f.cc_errors, 1); /* the third 3 */
  assert_int_equal(st.ts.dups, 2);
  mcw_stream_free(&st, &b);

  /* An adaptation-only packet between repeats renews nothing. */
  mcw_stream_init(&st);
  ts1(&st, &b, 0x1fff, 1, 0, false);
  ts1(&st, &b, 0x100, 1, 7, false);
  ts1(&st, &b, 0x100, 1, 8, false);
  ts1(&st, &b, 0x100, 1, 8, false); /* the allowed duplicate */
  ts1(&st, &b, 0x100, 2, 8, false); /* no payload, counter kept: fine */
  ts1(&st, &b, 0x100, 1, 8, false); /* a third payload 8: error */
  ts1(&st, &b, 0x100, 2, 8, false);
  ts1(&st, &b, 0x100, 1, 8, false);  /* and again */
  ts1(&st, &b, 0x100, 2, 11, false); /* no payload, counter moved: error */
  ts1(&st, &b, 0x100, 1, 12, false);
  ts1(&st, &b, 0x100, 3, 2, true); /* discontinuity: any value */
  ts1(&st, &b, 0x100, 1, 3, false);
  figures(&st, &f);
  assert_int_equal(f.cc_errors, 3);
  assert_int_equal(f.ts_pids, 1); /* the null PID is not a PID seen */
  mcw_stream_free(&st, &b);
}

/* RTP carrying seven TS packets of one PID, counters from seq * 7. */
static void rtp_ts(struct mcw_stream *st, struct mcw_stream_budget *b,
                   uint16_t seq) {
  struct mcw_datagram d;
  rtp(buf, 33, seq, (uint32_t)seq * 3000, 42, 0);
  for (unsigned k = 0; k < 7; k++)
    ts_packet(buf + 12 + 188 * k, 0x44, 1, ((unsigned)seq * 7 + k) & 15, false);
  d = dg(buf, 12 + 7 * 188, (int64_t)seq * MS);
  mcw_stream_account(st, &d, b);
}

static void test_rtp_ts_dup_once(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;

  mcw_stream_init(&st);
  for (uint16_t i = 0; i < 20; i++) {
    rtp_ts(&st, &b, i);
    if (i == 10)
      rtp_ts(&st, &b, i); /* the network duplicated one datagram */
  }
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP_TS);
  assert_int_equal(f.dup, 1);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.cc_errors, 0);
  mcw_stream_free(&st, &b);
}

static void test_rtp_ts_bad_payload(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;
  struct mcw_datagram d;

  /* Datagram 10 carries a TS packet without its sync byte. */
  mcw_stream_init(&st);
  for (uint16_t i = 0; i < 20; i++) {
    if (i != 10) {
      rtp_ts(&st, &b, i);
      continue;
    }
    rtp(buf, 33, i, (uint32_t)i * 3000, 42, 0);
    for (unsigned k = 0; k < 7; k++)
      ts_packet(buf + 12 + 188 * k, 0x44, 1, ((unsigned)i * 7 + k) & 15, false);
    buf[12 + 188 * 2] = 0x00;
    d = dg(buf, 12 + 7 * 188, (int64_t)i * MS);
    mcw_stream_account(&st, &d, &b);
  }
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP_TS);
  assert_int_equal(f.received, 20); /* its RTP number was read */
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.malformed, 1); /* its TS was not */
  assert_int_equal(f.cc_errors, 0);
  mcw_stream_free(&st, &b);
}

static void test_rtcp_during_classification(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  struct mcw_datagram d;
  static const uint8_t rr[8] = {0x80, 201, 0, 1, 0, 0, 0xab, 0xcd};

  /* RTP, RTCP, RTP, RTP: the RTCP packet does not reset recognition. */
  mcw_stream_init(&st);
  rtp_push(&st, 0, false);
  d = dg(rr, sizeof(rr), 0);
  mcw_stream_account(&st, &d, NULL);
  rtp_push(&st, 1, false);
  rtp_push(&st, 2, false);
  figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_int_equal(f.received, 3);
  mcw_stream_free(&st, NULL);
}

static void test_rtp_restart_jitter(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  struct mcw_datagram d;
  size_t n;

  /* A steady 20 ms stream (jitter 0), then the sender restarts with the
   * same SSRC, a new sequence and a new random timestamp base. PT 26
   * (JPEG) has RFC 3551's 90 kHz clock; a dynamic type would have none. */
  mcw_stream_init(&st);
  for (unsigned i = 0; i < 10; i++) {
    n = rtp(buf, 26, (uint16_t)(100 + i), i * 1800, 5, 10);
    d = dg(buf, n, (int64_t)i * 20 * MS);
    mcw_stream_account(&st, &d, NULL);
  }
  for (unsigned i = 0; i < 10; i++) {
    n = rtp(buf, 26, (uint16_t)(30000 + i), 0x7f000000u + i * 1800, 5, 10);
    d = dg(buf, n, (int64_t)(10 + i) * 20 * MS);
    mcw_stream_account(&st, &d, NULL);
  }
  figures(&st, &f);
  assert_int_equal(f.restarts, 1);
  assert_int_equal(f.lost, 0);
  assert_true(f.has_jitter);
  assert_true(f.jitter_ms < 0.001);
  mcw_stream_free(&st, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe_malformed_not_lost),
      cmocka_unit_test(test_probe_malformed_no_cover),
      cmocka_unit_test(test_rtp_bad_extension_not_lost),
      cmocka_unit_test(test_rtcp_not_malformed),
      cmocka_unit_test(test_foreign_malformed_not_lost),
      cmocka_unit_test(test_ts_malformed_not_cc_error),
      cmocka_unit_test(test_ts_stuck_counter),
      cmocka_unit_test(test_rtp_ts_dup_once),
      cmocka_unit_test(test_rtp_ts_bad_payload),
      cmocka_unit_test(test_rtcp_during_classification),
      cmocka_unit_test(test_rtp_restart_jitter),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
