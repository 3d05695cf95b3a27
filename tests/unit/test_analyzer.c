/*
 * Unit tests for the table of stream analyzers: every kind has exactly one
 * row, names are the JSON words, only the probe overrides a known kind,
 * and an unknown stream's datagram reaches the rows in the table's order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/analyzer.h"
#include "streamgen.h"

static void test_rows(void **state) {
  static const struct {
    enum mcw_kind kind;
    const char *name;
  } want[] = {
      {MCW_KIND_PROBE, "probe"},   {MCW_KIND_RTP, "rtp"},
      {MCW_KIND_RTP_TS, "rtp-ts"}, {MCW_KIND_TS, "ts"},
      {MCW_KIND_MCJOIN, "mcjoin"}, {MCW_KIND_MSEND, "msend"},
  };
  size_t overriding = 0;

  (void)state;
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const struct mcw_analyzer *a = mcw_analyzer_of(want[i].kind);
    assert_non_null(a);
    assert_int_equal(a->kind, want[i].kind);
    assert_string_equal(a->name, want[i].name);
    assert_string_equal(mcw_kind_name(want[i].kind), want[i].name);
    assert_non_null(a->account);
  }
  assert_null(mcw_analyzer_of(MCW_KIND_UNKNOWN));
  assert_string_equal(mcw_kind_name(MCW_KIND_UNKNOWN), "other");
  for (size_t i = 0; i < mcw_analyzer_count; i++) {
    for (size_t k = i + 1; k < mcw_analyzer_count; k++)
      assert_int_not_equal(mcw_analyzers[i]->kind, mcw_analyzers[k]->kind);
    if (mcw_analyzers[i]->overrides) {
      overriding++;
      assert_int_equal(mcw_analyzers[i]->kind, MCW_KIND_PROBE);
      assert_int_equal(i, overriding - 1); /* before every other row */
    }
  }
  assert_int_equal(overriding, 1);
}

/* mcjoin text comes before the binary kinds: it is recognised at once. */
static void test_order(void **state) {
  static const char text[] = "Sender PID 42, MC group 239.1.1.1, count: 7, "
                             "freq: 100";
  struct mcw_stream st;
  struct mcw_datagram d = dg((const uint8_t *)text, sizeof(text), 0);
  char line[64];

  (void)state;
  mcw_stream_init(&st);
  mcw_stream_account(&st, &d, NULL);
  assert_int_equal(st.kind, MCW_KIND_MCJOIN);
  mcw_stream_text(&st, line, sizeof(line));
  assert_string_equal(line, "mcjoin PID 42");
  mcw_stream_free(&st, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rows),
      cmocka_unit_test(test_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
