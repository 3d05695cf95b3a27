/*
 * Unit tests for the wakeup coalescing policy: no nap without traffic, with
 * a full batch, or when traffic is too sparse to save a wakeup; the full
 * nap for a paced stream that gathers little; a shorter nap when the
 * busiest socket would gather more than half a batch or a quarter of its
 * receive buffer; and never a nap when coalescing is off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mcwatch/coalesce.h"

#define US 1000LL
#define MS 1000000LL

static void test_idle_and_off(void **state) {
  struct mcw_coalesce c;

  (void)state;
  mcw_coalesce_init(&c, 500 * US, 0);
  assert_int_equal(mcw_coalesce_next(&c, 1 * MS, 4 << 20), 0); /* nothing */
  mcw_coalesce_init(&c, 0, 0);
  mcw_coalesce_note(&c, 10, 640, false);
  assert_int_equal(mcw_coalesce_next(&c, 100 * US, 4 << 20), 0); /* off */
}

/* 20,000 datagrams/s over 100 sockets: one or two a wakeup. */
static void test_paced_naps(void **state) {
  struct mcw_coalesce c;
  int64_t t = 0, nap;

  (void)state;
  mcw_coalesce_init(&c, 500 * US, t);
  t += 50 * US; /* one datagram in 50 us: 10 in a nap */
  mcw_coalesce_note(&c, 1, 64, false);
  nap = mcw_coalesce_next(&c, t, 4 << 20);
  assert_int_equal(nap, 500 * US);
  /* The next window holds the nap: 10 datagrams in 510 us. */
  t += nap + 10 * US;
  for (int i = 0; i < 10; i++)
    mcw_coalesce_note(&c, 1, 64, false);
  assert_int_equal(mcw_coalesce_next(&c, t, 4 << 20), 500 * US);
}

/* Sparse traffic: a nap would not bring two datagrams. */
static void test_sparse_no_nap(void **state) {
  struct mcw_coalesce c;

  (void)state;
  mcw_coalesce_init(&c, 500 * US, 0);
  mcw_coalesce_note(&c, 1, 1316, false); /* one in 10 ms */
  assert_int_equal(mcw_coalesce_next(&c, 10 * MS, 4 << 20), 0);
  mcw_coalesce_note(&c, 1, 1316, false); /* 4 in 1 ms: 2 in a nap */
  mcw_coalesce_note(&c, 3, 3948, false);
  assert_int_equal(mcw_coalesce_next(&c, 11 * MS, 4 << 20), 500 * US);
}

/* A full batch: the stream batches by itself. */
static void test_full_batch(void **state) {
  struct mcw_coalesce c;

  (void)state;
  mcw_coalesce_init(&c, 500 * US, 0);
  mcw_coalesce_note(&c, 64, 64 * 1316, true);
  assert_int_equal(mcw_coalesce_next(&c, 100 * US, 4 << 20), 0);
}

/* 100,000 datagrams/s into one socket: at most 32 in a nap, 320 us. */
static void test_busy_socket_shortens(void **state) {
  struct mcw_coalesce c;
  int64_t nap;

  (void)state;
  mcw_coalesce_init(&c, 500 * US, 0);
  mcw_coalesce_note(&c, 50, 50 * 1316, false); /* 50 in 500 us */
  mcw_coalesce_note(&c, 2, 2 * 1316, false);   /* a quiet socket */
  nap = mcw_coalesce_next(&c, 500 * US, 4 << 20);
  assert_int_equal(nap, 320 * US);
}

/* A small receive buffer: a quarter of it at the busiest socket's rate. */
static void test_small_buffer_shortens(void **state) {
  struct mcw_coalesce c;
  int64_t nap, per = 1316 + MCW_COALESCE_OVERHEAD;

  (void)state;
  mcw_coalesce_init(&c, 500 * US, 0);
  mcw_coalesce_note(&c, 10, 10 * 1316, false); /* 10 in 100 us */
  /* A quarter of 50,000 bytes is about 5.3 datagrams: 53 us. */
  nap = mcw_coalesce_next(&c, 100 * US, 50000);
  assert_true(nap > 50 * US && nap < 56 * US);
  assert_true(nap * 10 * per / (100 * US) <= 50000 / 4);
  /* Smaller still: under the shortest nap worth taking. */
  mcw_coalesce_note(&c, 10, 10 * 1316, false);
  assert_int_equal(mcw_coalesce_next(&c, nap + 100 * US, 8000), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_idle_and_off),
      cmocka_unit_test(test_paced_naps),
      cmocka_unit_test(test_sparse_no_nap),
      cmocka_unit_test(test_full_batch),
      cmocka_unit_test(test_busy_socket_shortens),
      cmocka_unit_test(test_small_buffer_shortens),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
