/*
 * Unit tests for iperf 2 traffic: the header parser (32-bit and 64-bit
 * sequence numbers, the FIN's negative number, impossible times), and a
 * stream's loss, duplicate and reorder figures and jitter from send times;
 * FIN datagrams are not counted; a 64-bit number crossing 2^32 is no
 * restart. Headers are written here from iperf 2's documented layout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/foreign.h"
#include "mcwatch/stream.h"
#include "streamgen.h"

static uint8_t buf[1470];

static void be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* An iperf 2 datagram numbered seq (64-bit form), sent 1 ms per number. */
static struct mcw_datagram iperf(int64_t seq, int64_t arrival_ns) {
  uint64_t t = 1795548275000000ull + (uint64_t)(seq < 0 ? -seq : seq) * 1000;

  memset(buf, '0', sizeof(buf));
  be32(buf, (uint32_t)(uint64_t)seq);
  be32(buf + 4, (uint32_t)(t / 1000000));
  be32(buf + 8, (uint32_t)(t % 1000000));
  be32(buf + 12, (uint32_t)((uint64_t)seq >> 32));
  return dg(buf, sizeof(buf), arrival_ns);
}

static void test_parse(void **state) {
  struct mcw_iperf2 h;
  struct mcw_datagram d;

  (void)state;
  d = iperf(5, 0);
  assert_int_equal(mcw_iperf2_parse(d.data, d.len, &h), 0);
  assert_int_equal(h.seq, 5);
  assert_false(h.fin);
  d = iperf((int64_t)1 << 32 | 7, 0);
  assert_int_equal(mcw_iperf2_parse(d.data, d.len, &h), 0);
  assert_int_equal(h.seq, (uint64_t)1 << 32 | 7);
  d = iperf(-42, 0);
  assert_int_equal(mcw_iperf2_parse(d.data, d.len, &h), 0);
  assert_true(h.fin);
  assert_int_equal(h.seq, 42);
  buf[12] = buf[13] = buf[14] = buf[15] = 0; /* old 32-bit FIN */
  assert_int_equal(mcw_iperf2_parse(buf, 16, &h), 0);
  assert_false(h.fin);
  assert_true(h.fin32); /* the stream decides */
  assert_int_equal(mcw_iperf2_parse(buf, 15, &h), -EINVAL);
  be32(buf + 8, 1000000); /* a million microseconds */
  assert_int_equal(mcw_iperf2_parse(buf, 16, &h), -EINVAL);
  memset(buf, 0, 16); /* no send time */
  assert_int_equal(mcw_iperf2_parse(buf, 16, &h), -EINVAL);
}

static void push(struct mcw_stream *st, int64_t seq, int64_t at) {
  struct mcw_datagram d = iperf(seq, at);
  mcw_stream_account(st, &d, NULL);
}

static void test_figures(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;

  (void)state;
  mcw_stream_init(&st);
  for (int64_t s = 1; s <= 100; s++) {
    int64_t n = s == 70 ? 71 : s == 71 ? 70 : s; /* one swap */
    if (n == 50)
      continue; /* one lost */
    push(&st, n, n * 1000000);
    if (n == 60)
      push(&st, 60, 60 * 1000000 + 1); /* one duplicate */
  }
  push(&st, -101, 101 * 1000000); /* the FIN, twice */
  push(&st, -101, 102 * 1000000);
  buf[12] = buf[13] = buf[14] = buf[15] = 0; /* and an old client's */
  {
    struct mcw_datagram d = dg(buf, sizeof(buf), 103 * 1000000);
    mcw_stream_account(&st, &d, NULL);
  }
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_IPERF2);
  assert_string_equal(mcw_kind_name(f.kind), "iperf2");
  assert_int_equal(f.received, 100);
  assert_int_equal(f.lost, 1);
  assert_int_equal(f.dup, 1);
  assert_int_equal(f.reordered, 1);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.malformed, 0);
  assert_int_equal(f.last_seq, 100);
  assert_true(f.has_jitter);
  assert_true(f.jitter_ms < 0.2); /* paced but for the swap */
  mcw_stream_free(&st, NULL);
}

static void test_64bit(void **state) {
  struct mcw_stream st;
  struct mcw_stream_figures f;
  int64_t first = ((int64_t)1 << 32) - 20;

  (void)state;
  mcw_stream_init(&st);
  for (int64_t s = first; s < first + 40; s++)
    push(&st, s, (s - first) * 1000000);
  mcw_stream_figures(&st, &f);
  assert_int_equal(f.kind, MCW_KIND_IPERF2);
  assert_int_equal(f.received, 40);
  assert_int_equal(f.lost, 0);
  assert_int_equal(f.restarts, 0);
  assert_int_equal(f.last_seq, (uint64_t)first + 39);
  mcw_stream_free(&st, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_figures),
      cmocka_unit_test(test_64bit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
