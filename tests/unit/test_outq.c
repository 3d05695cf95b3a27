/*
 * The output backlog: whole lines kept while they fit, whole lines
 * dropped and counted beyond the limit, bulk lines held to their share,
 * and the rest of a cut line kept whatever the limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/outq.h"

/* n lines of width w (w - 1 letters and a newline), letters from c on. */
static size_t lines(char *buf, int n, int w, char c) {
  size_t len = 0;

  for (int i = 0; i < n; i++) {
    memset(buf + len, c + i, (size_t)w - 1);
    len += (size_t)w;
    buf[len - 1] = '\n';
  }
  return len;
}

static void test_keeps_what_fits(void **state) {
  struct mcw_outq q;
  char buf[400];
  size_t n = lines(buf, 3, 20, 'a'), len;

  mcw_outq_init(&q, 100);
  assert_int_equal(mcw_outq_push(&q, buf, n, false), 0);
  assert_memory_equal(mcw_outq_peek(&q, &len), buf, n);
  assert_int_equal(len, 60);
  mcw_outq_consume(&q, 25);
  assert_memory_equal(mcw_outq_peek(&q, &len), buf + 25, 35);
  assert_int_equal(len, 35);
  assert_int_equal(q.dropped, 0);
  mcw_outq_free(&q);
}

static void test_drops_whole_lines(void **state) {
  struct mcw_outq q;
  char buf[400];
  size_t n = lines(buf, 5, 30, 'a'), len;
  const char *p;

  mcw_outq_init(&q, 100);
  /* 150 bytes offered, 100 allowed: three lines of 30 fit, two go. */
  assert_int_equal(mcw_outq_push(&q, buf, n, false), 2);
  p = mcw_outq_peek(&q, &len);
  assert_int_equal(len, 90);
  assert_memory_equal(p, buf, 90);
  assert_int_equal(p[len - 1], '\n');
  /* Full: a further line is dropped, a counted line, not a cut one. */
  assert_int_equal(mcw_outq_push(&q, buf, 30, false), 1);
  assert_int_equal(q.dropped, 3);
  /* Room again once the reader took some: lines are kept again. */
  mcw_outq_consume(&q, 60);
  assert_int_equal(mcw_outq_push(&q, buf + 30, 60, false), 0);
  p = mcw_outq_peek(&q, &len);
  assert_int_equal(len, 90);
  assert_memory_equal(p, buf + 60, 30);
  assert_memory_equal(p + 30, buf + 30, 60);
  mcw_outq_free(&q);
}

static void test_bulk_leaves_room(void **state) {
  struct mcw_outq q;
  char buf[400];
  size_t n = lines(buf, 4, 20, 'a'), len;

  mcw_outq_init(&q, 100); /* bulk share: 75 bytes */
  assert_int_equal(mcw_outq_push(&q, buf, n, true), 1);
  mcw_outq_peek(&q, &len);
  assert_int_equal(len, 60);
  /* A stats or summary line still fits. */
  assert_int_equal(mcw_outq_push(&q, buf, 40, false), 0);
  mcw_outq_peek(&q, &len);
  assert_int_equal(len, 100);
  mcw_outq_free(&q);
}

static void test_cut_line_follows(void **state) {
  struct mcw_outq q;
  char buf[400];
  size_t len;

  lines(buf, 2, 50, 'a');
  mcw_outq_init(&q, 10);
  /* The rest of a line a write cut short is kept past the limit. */
  mcw_outq_push_all(&q, buf + 20, 30);
  assert_int_equal(mcw_outq_push(&q, buf + 50, 50, false), 1);
  assert_memory_equal(mcw_outq_peek(&q, &len), buf + 20, 30);
  assert_int_equal(len, 30);
  /* Given up at exit: the cut line counts as one line dropped. */
  assert_int_equal(mcw_outq_drop_all(&q), 1);
  assert_int_equal(q.dropped, 2);
  mcw_outq_peek(&q, &len);
  assert_int_equal(len, 0);
  /* A last line without its newline is a line too. */
  assert_int_equal(mcw_outq_push(&q, "abcdefghijkl\nxyz", 16, false), 2);
  mcw_outq_free(&q);
}

static void test_grows_once(void **state) {
  struct mcw_outq q;
  static char buf[1 << 20];
  size_t n = lines(buf, 1024, 1024, 'a'), len;

  (void)n;
  mcw_outq_init(&q, 1 << 20);
  for (int round = 0; round < 50; round++) {
    assert_int_equal(mcw_outq_push(&q, buf, 512 * 1024, false), 0);
    mcw_outq_consume(&q, 512 * 1024 - 1024);
  }
  mcw_outq_peek(&q, &len);
  assert_int_equal(len, 50 * 1024);
  assert_true(q.size <= 2u << 20);
  mcw_outq_free(&q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keeps_what_fits),
      cmocka_unit_test(test_drops_whole_lines),
      cmocka_unit_test(test_bulk_leaves_room),
      cmocka_unit_test(test_cut_line_follows),
      cmocka_unit_test(test_grows_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
