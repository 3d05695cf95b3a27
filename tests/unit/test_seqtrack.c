/*
 * Unit tests for the sequence tracker and the probe codec: exact loss,
 * duplicate and reorder counts for crafted sequences, 16-bit wrap-around,
 * restarts, absurd jumps and malformed probes. No sockets, no terminal.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/pace.h"
#include "mcwatch/probe.h"
#include "mcwatch/seqtrack.h"

static void push_all(struct mcw_seq *s, const uint64_t *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    mcw_seq_push(s, v[i]);
}

static void test_in_order(void **state) {
  struct mcw_seq s;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  for (uint64_t i = 0; i < 10000; i++)
    mcw_seq_push(&s, i);
  assert_int_equal(s.received, 10000);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(mcw_seq_expected(&s), 10000);
  assert_int_equal(s.dup, 0);
  assert_int_equal(s.reordered, 0);
  assert_int_equal(s.restarts, 0);
}

static void test_gaps_dups_reorder(void **state) {
  /* 0..9, skip 10-12, 13, dup 13, late 11, 14, skip 15, 16..19, dup 5 */
  static const uint64_t v[] = {0,  1,  2,  3,  4,  5,  6,  7,  8, 9,
                               13, 13, 11, 14, 16, 17, 18, 19, 5};
  struct mcw_seq s;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  push_all(&s, v, sizeof(v) / sizeof(v[0]));
  assert_int_equal(s.received, 19);
  assert_int_equal(mcw_seq_expected(&s), 20);
  assert_int_equal(mcw_seq_lost(&s), 3); /* 10, 12, 15 */
  assert_int_equal(s.dup, 2);
  assert_int_equal(s.reordered, 1);
}

static void test_late_before_first(void **state) {
  static const uint64_t v[] = {5, 6, 3, 4, 7};
  struct mcw_seq s;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  push_all(&s, v, 5);
  assert_int_equal(mcw_seq_expected(&s), 5);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(s.reordered, 2);
}

static void test_big_gap_in_window(void **state) {
  struct mcw_seq s;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  mcw_seq_push(&s, 0);
  mcw_seq_push(&s, 5000); /* 4999 lost, beyond the bitmap window */
  mcw_seq_push(&s, 4999); /* late, within the window */
  mcw_seq_push(&s, 4999); /* duplicate */
  assert_int_equal(mcw_seq_lost(&s), 4998);
  assert_int_equal(s.dup, 1);
  assert_int_equal(s.reordered, 1);
}

static void test_jump_2_63_is_restart(void **state) {
  struct mcw_seq s;
  uint64_t big = (UINT64_C(1) << 63) + 100;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  for (uint64_t i = 0; i < 100; i++)
    mcw_seq_push(&s, i);
  assert_int_equal(mcw_seq_push(&s, big), MCW_SEQ_STRAY);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(mcw_seq_push(&s, big + 1), MCW_SEQ_RESTART);
  mcw_seq_push(&s, big + 2);
  assert_int_equal(s.restarts, 1);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(s.received, 103);
  assert_int_equal(s.strays, 0);
  assert_int_equal(mcw_seq_expected(&s), 103);
  /* One lone absurd value is only a stray, never loss. */
  mcw_seq_push(&s, 7);
  mcw_seq_push(&s, big + 3);
  assert_int_equal(s.strays, 1);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(s.restarts, 1);
}

static void test_reset_to_zero(void **state) {
  struct mcw_seq s;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  for (uint64_t i = 0; i < 5000; i++)
    mcw_seq_push(&s, i);
  for (uint64_t i = 0; i < 10; i++) /* the sender restarted at 0 */
    mcw_seq_push(&s, i);
  assert_int_equal(s.restarts, 1);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(s.dup, 0);
  assert_int_equal(mcw_seq_expected(&s), 5010);
}

static void test_explicit_restart(void **state) {
  struct mcw_seq s;
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  mcw_seq_push(&s, 0);
  mcw_seq_push(&s, 2); /* 1 lost */
  mcw_seq_restart(&s);
  mcw_seq_push(&s, 0);
  mcw_seq_push(&s, 1);
  assert_int_equal(s.restarts, 1);
  assert_int_equal(mcw_seq_lost(&s), 1);
}

static void test_rtp_wrap(void **state) {
  struct mcw_seq s;
  uint16_t seq = 65530;
  mcw_seq_init(&s, 3000, 100, 0xffff);
  for (int i = 0; i < 20; i++, seq++) {
    if (seq == 2) /* lose 2 (after the wrap) */
      continue;
    mcw_seq_push(&s, mcw_seq_extend16(&s, seq));
  }
  assert_int_equal(mcw_seq_lost(&s), 1);
  assert_int_equal(s.restarts, 0);
  assert_int_equal(mcw_seq_highest(&s), 65536 + 13);
  /* Reordered and duplicated across the wrap. */
  mcw_seq_init(&s, 3000, 100, 0xffff);
  mcw_seq_push(&s, mcw_seq_extend16(&s, 65534));
  mcw_seq_push(&s, mcw_seq_extend16(&s, 0));
  mcw_seq_push(&s, mcw_seq_extend16(&s, 65535)); /* late */
  mcw_seq_push(&s, mcw_seq_extend16(&s, 65535)); /* dup */
  mcw_seq_push(&s, mcw_seq_extend16(&s, 1));
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(s.reordered, 1);
  assert_int_equal(s.dup, 1);
  assert_int_equal(mcw_seq_expected(&s), 4);
}

static void test_rtp_jump_restart(void **state) {
  struct mcw_seq s;
  mcw_seq_init(&s, 3000, 100, 0xffff);
  for (uint16_t i = 100; i < 110; i++)
    mcw_seq_push(&s, mcw_seq_extend16(&s, i));
  /* A new random starting point 20000 away: restart, not 20000 lost. */
  for (uint16_t i = 30000; i < 30010; i++)
    mcw_seq_push(&s, mcw_seq_extend16(&s, i));
  assert_int_equal(s.restarts, 1);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(mcw_seq_expected(&s), 20);
}

/* Pushes from..to, every number in order. */
static void push_range(struct mcw_seq *s, uint64_t from, uint64_t to) {
  for (uint64_t i = from; i <= to; i++)
    mcw_seq_push(s, i);
}

static void test_malformed_excuses(void **state) {
  struct mcw_seq s;

  /* Malformed before any good datagram: no run, nothing to excuse. */
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  mcw_seq_malformed(&s);
  push_range(&s, 10, 19);
  assert_int_equal(mcw_seq_expected(&s), 10);
  assert_int_equal(mcw_seq_lost(&s), 0);

  /* Three malformed, then a gap of five: two lost, three excused. */
  mcw_seq_malformed(&s);
  mcw_seq_malformed(&s);
  mcw_seq_malformed(&s);
  push_range(&s, 25, 29);
  assert_int_equal(mcw_seq_expected(&s), 17);
  assert_int_equal(mcw_seq_lost(&s), 2);
  /* A gap, then malformed ones: they excuse it, up to its size only. */
  push_range(&s, 33, 33);     /* 30-32 missing */
  for (int i = 0; i < 2; i++) /* late malformed ones: excuse two of them */
    mcw_seq_malformed(&s);
  assert_int_equal(mcw_seq_lost(&s), 3);
  assert_int_equal(mcw_seq_expected(&s), 19); /* 10-33, 5 excused */
  push_range(&s, 34, 34);
  mcw_seq_malformed(&s); /* 34 opened no gap: these wait for the next */
  mcw_seq_malformed(&s);
  push_range(&s, 35, 40); /* no gap: the waiting ones lapse */
  push_range(&s, 42, 42); /* a real loss of one */
  assert_int_equal(mcw_seq_lost(&s), 4);
  assert_int_equal(mcw_seq_expected(&s), 33 - 5);

  /* A restart closes the run with its excuses and starts clean. */
  mcw_seq_restart(&s);
  mcw_seq_malformed(&s); /* between runs: ignored */
  push_range(&s, 0, 9);
  push_range(&s, 12, 12);
  assert_int_equal(mcw_seq_lost(&s), 6);
  assert_int_equal(mcw_seq_expected(&s), 28 + 13);
  assert_true(mcw_seq_lost(&s) <= mcw_seq_expected(&s));
}

static void test_malformed_late_fill(void **state) {
  struct mcw_seq s;

  /* 0-9, gap 10-11 with one malformed, then 11 late: nothing lost. */
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  push_range(&s, 0, 9);
  mcw_seq_malformed(&s);
  push_range(&s, 12, 12);
  assert_int_equal(mcw_seq_lost(&s), 1);
  mcw_seq_push(&s, 11);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(mcw_seq_expected(&s), 12);
  /* Then 10 late too: the excuse was needless, and is taken back. */
  mcw_seq_push(&s, 10);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(mcw_seq_expected(&s), 13);
  push_range(&s, 14, 14);
  assert_int_equal(mcw_seq_lost(&s), 1);

  /*
   * Found by fuzz_stream: a late datagram fills an excused number outside
   * the last gap, then malformed ones excuse that gap: never more excused
   * than missing (lost once wrapped to 2^64 - 1).
   */
  mcw_seq_init(&s, 1 << 20, MCW_SEQ_WINDOW, 0);
  mcw_seq_push(&s, 0);
  mcw_seq_malformed(&s);
  mcw_seq_push(&s, 2); /* 1 excused */
  mcw_seq_push(&s, 5); /* 3 and 4 missing */
  mcw_seq_push(&s, 1); /* late: 1 was not malformed after all */
  for (int i = 0; i < 3; i++)
    mcw_seq_malformed(&s);
  assert_int_equal(mcw_seq_lost(&s), 0);
  assert_int_equal(mcw_seq_expected(&s), 4);
}

static void test_probe_roundtrip(void **state) {
  uint8_t buf[128];
  struct mcw_probe p = {.sender_id = 0xdeadbeef,
                        .seq = UINT64_C(0x0102030405060708),
                        .send_ns = UINT64_C(1795537920123456789)};
  struct mcw_probe q;
  int n = mcw_probe_encode(&p, "hi", 2, 0, buf, sizeof(buf));

  assert_int_equal(n, 34);
  assert_memory_equal(buf,
                      "MCWP\x01\x00\x00\x20\xde\xad\xbe\xef\x00\x02\x00\x00"
                      "\x01\x02\x03\x04\x05\x06\x07\x08",
                      24);
  assert_int_equal(mcw_probe_decode(buf, 34, 34, &q), 0);
  assert_int_equal(q.sender_id, 0xdeadbeef);
  assert_true(q.seq == p.seq);
  assert_true(q.send_ns == p.send_ns);
  assert_int_equal(q.text_len, 2);
  assert_memory_equal(q.text, "hi", 2);
  /* Padding to a size. */
  n = mcw_probe_encode(&p, "hi", 2, 100, buf, sizeof(buf));
  assert_int_equal(n, 100);
  assert_int_equal(buf[99], 0);
  assert_int_equal(mcw_probe_decode(buf, 100, 100, &q), 0);
  assert_int_equal(mcw_probe_encode(&p, "hi", 2, 200, buf, sizeof(buf)),
                   -EMSGSIZE);
}

static void test_probe_bad(void **state) {
  uint8_t buf[64];
  struct mcw_probe p = {.sender_id = 1, .seq = 2, .send_ns = 3};
  struct mcw_probe q;
  int n = mcw_probe_encode(&p, "text", 4, 0, buf, sizeof(buf));

  assert_int_equal(mcw_probe_decode((const uint8_t *)"MCWX", 4, 4, &q),
                   -EINVAL);
  assert_int_equal(mcw_probe_decode(buf, 0, 0, &q), -EINVAL);
  for (int len = 4; len < 32; len++) /* truncated headers */
    assert_int_equal(mcw_probe_decode(buf, (size_t)len, (size_t)len, &q),
                     -EPROTO);
  buf[4] = 2; /* another version */
  assert_int_equal(mcw_probe_decode(buf, (size_t)n, (size_t)n, &q), -EPROTO);
  buf[4] = 1;
  buf[12] = 0xff; /* text longer than the datagram */
  assert_int_equal(mcw_probe_decode(buf, (size_t)n, (size_t)n, &q), -EPROTO);
  buf[12] = 0;
  buf[6] = 0xff; /* header longer than the datagram */
  assert_int_equal(mcw_probe_decode(buf, (size_t)n, (size_t)n, &q), -EPROTO);
  buf[6] = 0;
  buf[7] = 8; /* header shorter than version 1's */
  assert_int_equal(mcw_probe_decode(buf, (size_t)n, (size_t)n, &q), -EPROTO);
}

static void test_pace(void **state) {
  struct mcw_pace p;
  uint64_t sent = 0;
  int64_t t = 0;

  mcw_pace_init(&p, 5000, 0);
  assert_int_equal(mcw_pace_take(&p, 0, 64), 1);
  sent = 1;
  /* Wake at each promised instant for 2 s: exactly rate * 2 more. */
  while (t < 2000000000) {
    t = mcw_pace_next_ns(&p);
    sent += mcw_pace_take(&p, t, 64);
  }
  assert_true(sent >= 10000 && sent <= 10002);
  /* A stall of 1 s is not made up by a burst beyond 20 ms worth. */
  assert_int_equal(mcw_pace_take(&p, t + 1000000000, 1000), 100);
  mcw_pace_init(&p, 1, 0);
  assert_int_equal(mcw_pace_take(&p, 0, 64), 1);
  assert_int_equal(mcw_pace_take(&p, 999999999, 64), 0);
  assert_int_equal(mcw_pace_take(&p, 1000000000, 64), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_in_order),
      cmocka_unit_test(test_gaps_dups_reorder),
      cmocka_unit_test(test_late_before_first),
      cmocka_unit_test(test_big_gap_in_window),
      cmocka_unit_test(test_jump_2_63_is_restart),
      cmocka_unit_test(test_reset_to_zero),
      cmocka_unit_test(test_explicit_restart),
      cmocka_unit_test(test_rtp_wrap),
      cmocka_unit_test(test_rtp_jump_restart),
      cmocka_unit_test(test_malformed_excuses),
      cmocka_unit_test(test_malformed_late_fill),
      cmocka_unit_test(test_probe_roundtrip),
      cmocka_unit_test(test_probe_bad),
      cmocka_unit_test(test_pace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
