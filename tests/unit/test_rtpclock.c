/*
 * Unit tests for RTP clocks and RTP-carried TS order: a dynamic payload
 * type has no jitter figure until its clock is given (--clock PT=HZ), and
 * then the right one; two groups whose SDPs give one dynamic type two
 * rates each get their own (and --clock goes before both); static types
 * keep RFC 3551's clocks; --clock's
 * parser refuses bad input; TS in RTP reaches the continuity check once
 * and in RTP order (a swap or a duplicate is no CC error, a lost datagram
 * is exactly one).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/rtp.h"
#include "mcwatch/stream.h"
#include "streamgen.h"

#define MS 1000000LL

static uint8_t buf[2048];

/* 100 packets of audio at hz, 1 ms apart, perfectly paced, in a group
   that lends b (NULL: none). */
static void audio_at(struct mcw_stream *st, uint8_t pt, unsigned hz,
                     struct mcw_stream_budget *b) {
  mcw_stream_init(st);
  for (unsigned i = 0; i < 100; i++) {
    size_t n =
        rtp(buf, pt, (uint16_t)(7 + i), 1000 + i * (hz / 1000), 0xabc, 96);
    struct mcw_datagram d = dg(buf, n, (int64_t)i * MS);
    mcw_stream_account(st, &d, b);
  }
}

/* 100 packets of 48 kHz audio, 1 ms (48 samples) apart, perfectly paced. */
static void audio(struct mcw_stream *st, uint8_t pt) {
  audio_at(st, pt, 48000, NULL);
}

/* Two SAP sessions (or SDP files) both use PT 96, at 48 kHz and at 8 kHz:
   each group's stream is timed by its own description. */
static void test_group_clocks(void **state) {
  struct mcw_stream_budget a = {.ts_max = 1}, b = {.ts_max = 1};
  struct mcw_stream st;
  struct mcw_stream_figures f;

  (void)state;
  mcw_stream_clock_set(&a, 96, 48000);
  mcw_stream_clock_set(&b, 96, 8000);
  assert_int_equal(mcw_stream_clock(&a, 96), 48000);
  assert_int_equal(mcw_stream_clock(&b, 96), 8000);
  assert_int_equal(mcw_stream_clock(&b, 97), 0);   /* not described */
  assert_int_equal(mcw_stream_clock(&b, 0), 8000); /* PCMU: RFC 3551 */
  assert_int_equal(mcw_rtp_clock(96), 0);          /* the process: none */

  audio_at(&st, 96, 48000, &a);
  mcw_stream_figures(&st, &f);
  assert_true(f.has_jitter && f.jitter_ms < 0.001);
  mcw_stream_free(&st, &a);
  audio_at(&st, 96, 8000, &b);
  mcw_stream_figures(&st, &f);
  assert_true(f.has_jitter && f.jitter_ms < 0.001);
  mcw_stream_free(&st, &b);
  /* The 8 kHz stream timed at the other's 48 kHz: what one clock for the
     whole process gave (0.83 ms off every packet). */
  audio_at(&st, 96, 8000, &a);
  mcw_stream_figures(&st, &f);
  assert_true(f.jitter_ms > 0.5);
  mcw_stream_free(&st, &a);

  /* A later description replaces the earlier; --clock goes first. */
  mcw_stream_clock_set(&b, 96, 16000);
  assert_int_equal(mcw_stream_clock(&b, 96), 16000);
  assert_int_equal(mcw_rtp_clock_set(96, 90000), 0);
  assert_int_equal(mcw_stream_clock(&b, 96), 90000);
  assert_int_equal(mcw_rtp_clock_set(96, 0), 0);
  /* Bounded: past MCW_STREAM_CLOCKS types the first recorded goes. */
  for (unsigned pt = 100; pt < 100 + MCW_STREAM_CLOCKS; pt++)
    mcw_stream_clock_set(&b, pt, pt * 100);
  assert_int_equal(b.nclocks, MCW_STREAM_CLOCKS);
  assert_int_equal(mcw_stream_clock(&b, 96), 0);
  assert_int_equal(mcw_stream_clock(&b, 107), 10700);
  mcw_stream_clock_set(&b, 200, 1000); /* not a payload type */
  mcw_stream_clock_set(&b, 101, 0);    /* no rate */
  assert_int_equal(mcw_stream_clock(&b, 101), 10100);
}

static void test_dynamic_clock(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  (void)state;
  audio(&st, 97);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_false(f.has_jitter); /* unknown, not 90 kHz's 0.47 ms */
  mcw_stream_free(&st, NULL);

  assert_int_equal(mcw_rtp_clock_set(97, 48000), 0);
  audio(&st, 97);
  mcw_stream_figures(&st, &f);
  assert_true(f.has_jitter);
  assert_true(f.jitter_ms < 0.001);
  mcw_stream_free(&st, NULL);
  assert_int_equal(mcw_rtp_clock_set(97, 0), 0);
  assert_int_equal(mcw_rtp_clock(97), 0);
}

static void test_static_clocks(void **state) {
  (void)state;
  assert_int_equal(mcw_rtp_clock(0), 8000);
  assert_int_equal(mcw_rtp_clock(9), 8000); /* G722's exception */
  assert_int_equal(mcw_rtp_clock(10), 44100);
  assert_int_equal(mcw_rtp_clock(33), 90000);
  assert_int_equal(mcw_rtp_clock(26), 90000);
  assert_int_equal(mcw_rtp_clock(2), 0);  /* unassigned */
  assert_int_equal(mcw_rtp_clock(96), 0); /* dynamic */
  assert_int_equal(mcw_rtp_clock(127), 0);
}

static void test_clock_parse(void **state) {
  char err[128];

  (void)state;
  assert_int_equal(mcw_rtp_clock_parse("96=48000", err, sizeof(err)), 0);
  assert_int_equal(mcw_rtp_clock(96), 48000);
  assert_int_equal(mcw_rtp_clock_parse("128=8000", err, sizeof(err)), -EINVAL);
  assert_non_null(strstr(err, "0 to 127"));
  assert_int_equal(mcw_rtp_clock_parse("96=", err, sizeof(err)), -EINVAL);
  assert_int_equal(mcw_rtp_clock_parse("96=0", err, sizeof(err)), -EINVAL);
  assert_int_equal(mcw_rtp_clock_parse("96=-5", err, sizeof(err)), -EINVAL);
  assert_int_equal(mcw_rtp_clock_parse("=8000", err, sizeof(err)), -EINVAL);
  assert_int_equal(mcw_rtp_clock_parse("96=48k", err, sizeof(err)), -EINVAL);
  assert_int_equal(mcw_rtp_clock_parse("96=99999999999", err, sizeof(err)),
                   -EINVAL);
  mcw_rtp_clock_set(96, 0);
}

/* RTP seq carrying seven TS packets of PID 0x44, counters from seq * 7. */
static void rtp_ts(struct mcw_stream *st, struct mcw_stream_budget *b,
                   uint16_t seq) {
  size_t n = rtp(buf, 33, seq, seq * 3000u, 0x5150, 7 * 188);
  struct mcw_datagram d;

  for (unsigned k = 0; k < 7; k++)
    ts_packet(buf + 12 + 188 * k, 0x44, 1, ((unsigned)seq * 7 + k) & 15, false);
  d = dg(buf, n, (int64_t)seq * MS);
  mcw_stream_account(st, &d, b);
}

static void test_rtp_ts_order(void **state) {
  static const uint16_t order[] = {1, 2, 3, 5, 4, 6, 7, 7, 9, 8, 10, 11, 12};
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_stream_figures f;

  (void)state;
  mcw_stream_init(&st);
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    rtp_ts(&st, &b, order[i]);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP_TS);
  assert_int_equal(f.reordered, 2);
  assert_int_equal(f.dup, 1);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.cc_errors, 0);
  assert_int_equal(st.ts.packets, (12 - 2) * 7); /* 1, 2: recognition */
  /* A datagram lost for good: one CC error once the window gives up. */
  for (uint16_t s = 13; s < 30; s++)
    if (s != 15)
      rtp_ts(&st, &b, s);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.cc_errors, 1);
  mcw_stream_free(&st, &b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dynamic_clock), cmocka_unit_test(test_group_clocks),
      cmocka_unit_test(test_static_clocks), cmocka_unit_test(test_clock_parse),
      cmocka_unit_test(test_rtp_ts_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
