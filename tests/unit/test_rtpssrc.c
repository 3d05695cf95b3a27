/*
 * Unit tests for RTP per SSRC (src/analyze/kind_rtp.c): two SSRCs
 * interleaved on one sender, each with its own gaps, duplicates,
 * reordering and jitter, give exact figures per SSRC and their sums for
 * the sender; a sender that changes SSRC starts a new stream (no restart,
 * no loss, the old one's figures kept); the table is bounded (the SSRC
 * heard least recently gives way, its counts stay in the sums); the JSON
 * has one row per SSRC. Datagrams are built by hand (streamgen.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/common.h"
#include "mcwatch/json.h"
#include "mcwatch/stream.h"
#include "streamgen.h"

#define MS MCW_NS_PER_MS
#define A 0x0a0a0a0au
#define B 0x0b0b0b0bu

static uint8_t buf[2048];

/* PCMU (PT 0, 8 kHz): 160 ticks = 20 ms a packet. */
static void push(struct mcw_stream *st, uint32_t ssrc, uint16_t seq,
                 uint32_t ts, int64_t at) {
  size_t n = rtp(buf, 0, seq, ts, ssrc, 160);
  struct mcw_datagram d = dg(buf, n, at);
  mcw_stream_account(st, &d, NULL);
}

/* The figures of the SSRC ssrc among st's. */
static void ssrc_figures(const struct mcw_stream *st, uint32_t ssrc,
                         struct mcw_stream_figures *f) {
  for (size_t i = 0; i < mcw_stream_ssrc_count(st); i++) {
    mcw_stream_figures(mcw_stream_ssrc(st, i), f);
    if (f->id == ssrc)
      return;
  }
  fail_msg("SSRC %08x not tracked", ssrc);
}

/*
 * A: packets 0..59 from seq 100, 105 and 106 lost, 120 twice, on time.
 * B: packets 0..59 from seq 65510 (wrapping), 65530 and 3 lost, 10 and 11
 * swapped, 5 ms behind A. Interleaved A, B, A, B...
 */
static void interleaved(struct mcw_stream *st) {
  const int64_t t0 = 1000 * MS;

  for (int i = 0; i < 60; i++) {
    uint16_t sa = (uint16_t)(100 + i), sb = (uint16_t)(65510 + i);
    int64_t at = t0 + i * 20 * MS;
    if (sa != 105 && sa != 106)
      push(st, A, sa, (uint32_t)i * 160, at);
    if (sa == 120)
      push(st, A, sa, (uint32_t)i * 160, at + MS / 2); /* duplicate */
    if (sb == 65530 || sb == 3)
      continue;
    if (sb == 10) { /* 11 first, then 10 */
      push(st, B, 11, 50000 + (uint32_t)(i + 1) * 160, at + 5 * MS);
      push(st, B, 10, 50000 + (uint32_t)i * 160, at + 6 * MS);
      continue;
    }
    if (sb == 11)
      continue;
    push(st, B, sb, 50000 + (uint32_t)i * 160, at + 5 * MS);
  }
}

static void test_interleaved(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f, fa, fb;

  (void)state;
  mcw_stream_init(&st);
  interleaved(&st);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_RTP);
  assert_int_equal(mcw_stream_ssrc_count(&st), 2);
  ssrc_figures(&st, A, &fa);
  ssrc_figures(&st, B, &fb);
  /* A: 58 of 60, one duplicate, arrivals exactly on its clock. */
  assert_int_equal(fa.received, 59);
  assert_int_equal(fa.expected, 60);
  assert_int_equal(fa.lost, 2);
  assert_int_equal(fa.dup, 1);
  assert_int_equal(fa.reordered, 0);
  assert_int_equal(fa.restarts, 0);
  assert_int_equal(fa.last_seq, 159);
  assert_true(fa.has_jitter);
  assert_float_equal(fa.jitter_ms, 0.0, 1e-12);
  /*
   * B: recognised while A's candidate gathered, so counted from its first
   * datagram after A's third (packet 2, seq 65512): 58 numbers expected
   * (65512..65535, 0..33), 2 lost, 1 reordered (10 after 11). Its jitter
   * is its own (the swap moves transit times); A's stays exactly 0, which
   * a mix of the two timestamp bases could never give.
   */
  assert_int_equal(fb.expected, 58);
  assert_int_equal(fb.lost, 2);
  assert_int_equal(fb.received, 56);
  assert_int_equal(fb.dup, 0);
  assert_int_equal(fb.reordered, 1);
  assert_int_equal(fb.restarts, 0);
  assert_int_equal(fb.last_seq, 33);
  assert_true(fb.has_jitter && fb.jitter_ms > 0.1);
  /* The sender: sums, and the SSRC heard last (B). */
  assert_int_equal(f.received, fa.received + fb.received);
  assert_int_equal(f.lost, 4);
  assert_int_equal(f.dup, 1);
  assert_int_equal(f.reordered, 1);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.id, B);
  assert_float_equal(f.jitter_ms, fb.jitter_ms, 1e-12);
  mcw_stream_free(&st, NULL);
}

static void test_ssrc_change(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f, fa, fb;

  (void)state;
  mcw_stream_init(&st);
  for (int i = 0; i < 20; i++)
    if (i != 7)
      push(&st, A, (uint16_t)(1000 + i), (uint32_t)i * 160, i * 20 * MS);
  /* The encoder restarts: a new SSRC, a new random seq and timestamp. */
  for (int i = 0; i < 20; i++)
    push(&st, B, (uint16_t)(40000 + i), 777777 + (uint32_t)i * 160,
         (20 + i) * 20 * MS);
  mcw_stream_figures(&st, &f);
  ssrc_figures(&st, A, &fa);
  ssrc_figures(&st, B, &fb);
  assert_int_equal(fa.received, 19);
  assert_int_equal(fa.lost, 1);
  assert_int_equal(fa.last_seq, 1019);
  assert_int_equal(fb.received, 20);
  assert_int_equal(fb.lost, 0);
  assert_int_equal(fb.restarts, 0);
  assert_float_equal(fb.jitter_ms, 0.0, 1e-12); /* no step across SSRCs */
  assert_int_equal(f.received, 39);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.id, B);
  assert_int_equal(f.last_seq, 40019);
  /* A back again: its own stream goes on where it was. */
  push(&st, A, 1020, 20 * 160, 41 * 20 * MS);
  ssrc_figures(&st, A, &fa);
  assert_int_equal(fa.received, 20);
  assert_int_equal(fa.lost, 1);
  assert_int_equal(fa.restarts, 0);
  mcw_stream_free(&st, NULL);
}

static void test_bound(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  int64_t at = 0;

  (void)state;
  mcw_stream_init(&st);
  /* Ten SSRCs in turn, five packets each, the third losing one. */
  for (uint32_t s = 1; s <= 10; s++)
    for (int i = 0; i < 5; i++, at += 20 * MS)
      if (!(s == 3 && i == 2))
        push(&st, s, (uint16_t)(s * 1000 + i), (uint32_t)i * 160, at);
  assert_int_equal(mcw_stream_ssrc_count(&st), MCW_RTP_SSRC_MAX);
  assert_int_equal(st.ssrcs->retired, 2);
  for (size_t i = 0; i < mcw_stream_ssrc_count(&st); i++)
    assert_true(mcw_stream_ssrc(&st, i)->id >= 3); /* 1 and 2 gave way */
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.received, 49);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.restarts, 0);
  mcw_stream_free(&st, NULL);
}

static void test_json_rows(void **state) {
  struct mcw_stream st;
  struct mcw_json j = {0};

  (void)state;
  mcw_stream_init(&st);
  interleaved(&st);
  mcw_json_reset(&j);
  mcw_json_open(&j);
  mcw_stream_json(&st, &j);
  mcw_json_close(&j);
  assert_non_null(strstr(
      j.buf, "\"ssrcs\":[{\"ssrc\":168430090,\"pt\":0,\"kind\":\"rtp\","
             "\"received\":59,\"lost\":2,\"loss_pct\":3.333,\"dup\":1,"
             "\"reordered\":0,\"restarts\":0,\"malformed\":0,"
             "\"last_seq\":159,\"jitter_ms\":0.000},{\"ssrc\":185273099,"));
  assert_non_null(strstr(j.buf, "\"ssrcs_retired\":0"));
  mcw_json_free(&j);
  mcw_stream_free(&st, NULL);
  /* One SSRC: one row. */
  mcw_stream_init(&st);
  for (int i = 0; i < 5; i++)
    push(&st, A, (uint16_t)i, (uint32_t)i * 160, i * 20 * MS);
  mcw_json_reset(&j);
  mcw_json_open(&j);
  mcw_stream_json(&st, &j);
  mcw_json_close(&j);
  assert_non_null(strstr(j.buf, "\"ssrcs\":[{\"ssrc\":168430090,"));
  assert_null(strstr(j.buf, "},{"));
  mcw_json_free(&j);
  mcw_stream_free(&st, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_interleaved),
      cmocka_unit_test(test_ssrc_change),
      cmocka_unit_test(test_bound),
      cmocka_unit_test(test_json_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
