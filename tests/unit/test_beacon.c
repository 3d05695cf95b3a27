/*
 * Unit tests for the beacon: the message format (round trip, every
 * truncation refused, bounds on names and entries, unknown values), and
 * the matrix on a fake clock (own measurements and reports merged, a
 * report writes only its sender's column, ids survive a new address,
 * gone after three intervals and removed later, the loss history, the
 * table's bound with report-only peers giving way).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/beacon.h"
#include "mcwatch/beacon_out.h"
#include "mcwatch/common.h"

#define SEC MCW_NS_PER_SEC

static void set_name(struct mcw_beacon_msg *m, const char *name) {
  m->name_len = (uint8_t)strlen(name);
  memcpy(m->name, name, m->name_len + 1u);
  m->id = mcw_beacon_id(name, m->name_len);
}

static void add_entry(struct mcw_beacon_msg *m, const char *from,
                      uint32_t received, uint32_t lost) {
  struct mcw_beacon_entry *e = &m->entries[m->nentries++];
  memset(e, 0, sizeof(*e));
  e->name_len = (uint8_t)strlen(from);
  memcpy(e->name, from, e->name_len + 1u);
  e->from_id = mcw_beacon_id(from, e->name_len);
  e->received = received;
  e->lost = lost;
}

static struct mcw_addr addr_of(const char *ip, uint16_t port) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(ip, &a), 0);
  a.port = port;
  return a;
}

static void test_roundtrip(void **state) {
  static struct mcw_beacon_msg m, d;
  static uint8_t buf[MCW_BEACON_MSG_MAX];
  int n;

  (void)state;
  memset(&m, 0, sizeof(m));
  set_name(&m, "alpha");
  m.ttl = 8;
  m.interval_ms = 5000;
  add_entry(&m, "beta", 500, 7);
  m.entries[0].dup = 2;
  m.entries[0].reordered = 3;
  m.entries[0].has_delay = true;
  m.entries[0].delay_mean_us = -250;
  m.entries[0].delay_max_us = 1200;
  m.entries[0].has_jitter = true;
  m.entries[0].jitter_us = 31;
  m.entries[0].has_hops = true;
  m.entries[0].hops = 1;
  add_entry(&m, "gamma", 1, 0);
  n = mcw_beacon_encode(&m, buf, sizeof(buf));
  assert_int_equal(n, MCW_BEACON_HDR + 5 + 2 * MCW_BEACON_ENTRY + 4 + 5);
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n, &d), 0);
  assert_int_equal(d.ttl, 8);
  assert_int_equal(d.interval_ms, 5000);
  assert_string_equal(d.name, "alpha");
  assert_true(d.id == m.id);
  assert_int_equal(d.nentries, 2);
  assert_string_equal(d.entries[0].name, "beta");
  assert_int_equal(d.entries[0].received, 500);
  assert_int_equal(d.entries[0].lost, 7);
  assert_int_equal(d.entries[0].dup, 2);
  assert_int_equal(d.entries[0].reordered, 3);
  assert_true(d.entries[0].has_delay);
  assert_int_equal(d.entries[0].delay_mean_us, -250);
  assert_int_equal(d.entries[0].delay_max_us, 1200);
  assert_int_equal(d.entries[0].jitter_us, 31);
  assert_int_equal(d.entries[0].hops, 1);
  assert_false(d.entries[1].has_delay);
  assert_false(d.entries[1].has_jitter);
  assert_false(d.entries[1].has_hops);
  /* Every truncation is refused; a byte more is ignored. */
  for (int k = 0; k < n; k++)
    assert_int_equal(mcw_beacon_decode(buf, (size_t)k, &d),
                     k < 4 ? -EINVAL : -EPROTO);
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n + 1, &d), 0);
  assert_int_equal(mcw_beacon_encode(&m, buf, (size_t)n - 1), -EMSGSIZE);
}

static void test_hostile(void **state) {
  static struct mcw_beacon_msg m, d;
  static uint8_t buf[MCW_BEACON_MSG_MAX + 64];
  int n;

  (void)state;
  memset(&m, 0, sizeof(m));
  set_name(&m, "x");
  n = mcw_beacon_encode(&m, buf, sizeof(buf));
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n, &d), 0);
  buf[4] = 2; /* another version */
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n, &d), -EPROTO);
  buf[4] = 1;
  buf[7] = 0; /* empty name */
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n, &d), -EPROTO);
  buf[7] = 33; /* too long */
  assert_int_equal(mcw_beacon_decode(buf, sizeof(buf), &d), -EPROTO);
  buf[7] = 1;
  buf[MCW_BEACON_HDR] = '\0'; /* a NUL in the name */
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n, &d), -EPROTO);
  buf[MCW_BEACON_HDR] = 'x';
  buf[20] = 0; /* more entries than tracked */
  buf[21] = MCW_BEACON_MAX + 1;
  memset(buf + n, 0x41, sizeof(buf) - (size_t)n);
  assert_int_equal(mcw_beacon_decode(buf, sizeof(buf), &d), -EPROTO);
  buf[20] = 0xff;
  buf[21] = 0xff;
  assert_int_equal(mcw_beacon_decode(buf, sizeof(buf), &d), -EPROTO);
  assert_int_equal(mcw_beacon_decode((const uint8_t *)"MCWP", 4, &d), -EINVAL);
  /* The encoder refuses what the decoder would. */
  m.name_len = 0;
  assert_int_equal(mcw_beacon_encode(&m, buf, sizeof(buf)), -EINVAL);
  set_name(&m, "x");
  m.nentries = MCW_BEACON_MAX + 1;
  assert_int_equal(mcw_beacon_encode(&m, buf, sizeof(buf)), -EINVAL);
  /* The largest message fits its bound. */
  m.nentries = 0;
  set_name(&m, "0123456789abcdef0123456789abcdef");
  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    char name[40];
    snprintf(name, sizeof(name), "%032d", i);
    add_entry(&m, name, 1, 1);
  }
  n = mcw_beacon_encode(&m, buf, sizeof(buf));
  assert_int_equal(n, MCW_BEACON_MSG_MAX);
  assert_int_equal(mcw_beacon_decode(buf, (size_t)n, &d), 0);
}

static struct mcw_bcell_figs figs(uint64_t received, uint64_t lost) {
  struct mcw_bcell_figs f;
  memset(&f, 0, sizeof(f));
  f.received = received;
  f.lost = lost;
  return f;
}

static void test_matrix_merge(void **state) {
  static struct mcw_beacon_msg b, c, own;
  struct mcw_bmatrix *m = mcw_bmatrix_new("alpha", SEC, 0);
  struct mcw_addr ab = addr_of("10.0.0.2", 40000);
  struct mcw_addr ac = addr_of("10.0.0.3", 40000);
  struct mcw_bcell_figs f;
  int ib, ic, ia = m->self;

  (void)state;
  memset(&b, 0, sizeof(b));
  memset(&c, 0, sizeof(c));
  set_name(&b, "beta");
  set_name(&c, "gamma");
  b.ttl = c.ttl = 1;
  ib = mcw_bmatrix_heard(m, &b, &ab, SEC / 10);
  ic = mcw_bmatrix_heard(m, &c, &ac, SEC / 10);
  assert_true(ib >= 0 && ic >= 0 && ib != ic);
  f = figs(10, 0);
  f.has_hops = true;
  mcw_bmatrix_measure(m, ib, &f, SEC / 2);
  /* beta reports alpha and gamma; gamma reports beta. */
  add_entry(&b, "alpha", 9, 1);
  add_entry(&b, "gamma", 8, 2);
  add_entry(&b, "beta", 99, 99); /* about itself: ignored */
  assert_int_equal(mcw_bmatrix_heard(m, &b, &ab, SEC), ib);
  add_entry(&c, "beta", 7, 0);
  assert_int_equal(mcw_bmatrix_heard(m, &c, &ac, SEC), ic);
  assert_true(mcw_bmatrix_cell(m, ib, ia)->own);
  assert_int_equal(mcw_bmatrix_cell(m, ib, ia)->f.received, 10);
  assert_false(mcw_bmatrix_cell(m, ia, ib)->own);
  assert_int_equal(mcw_bmatrix_cell(m, ia, ib)->f.lost, 1);
  assert_int_equal(mcw_bmatrix_cell(m, ic, ib)->f.lost, 2);
  assert_int_equal(mcw_bmatrix_cell(m, ib, ic)->f.received, 7);
  /* The same report again: the cell ages; a moved figure refreshes it. */
  assert_int_equal(mcw_bmatrix_heard(m, &c, &ac, 2 * SEC), ic);
  assert_true(mcw_bmatrix_cell(m, ib, ic)->updated_ns == SEC);
  c.entries[0].received = 8;
  assert_int_equal(mcw_bmatrix_heard(m, &c, &ac, 2 * SEC), ic);
  assert_true(mcw_bmatrix_cell(m, ib, ic)->updated_ns == 2 * SEC);
  assert_false(mcw_bmatrix_cell(m, ib, ib)->valid);
  assert_false(mcw_bmatrix_cell(m, ia, ic)->valid);
  /* A lie from gamma about alpha touches gamma's column only. */
  c.nentries = 0;
  add_entry(&c, "alpha", 0, 4000000000u);
  mcw_bmatrix_heard(m, &c, &ac, SEC);
  assert_int_equal(mcw_bmatrix_cell(m, ia, ic)->f.lost, 4000000000u);
  assert_int_equal(mcw_bmatrix_cell(m, ia, ib)->f.lost, 1);
  assert_int_equal(mcw_bmatrix_cell(m, ib, ia)->f.received, 10);
  /* Own message: header, and its column as entries. */
  mcw_bmatrix_message(m, 8, true, &own);
  assert_string_equal(own.name, "alpha");
  assert_int_equal(own.ttl, 8);
  assert_int_equal(own.interval_ms, 1000);
  assert_int_equal(own.nentries, 1);
  assert_string_equal(own.entries[0].name, "beta");
  assert_int_equal(own.entries[0].received, 10);
  assert_true(own.entries[0].has_hops);
  assert_int_equal(mcw_bmatrix_heard(m, &own, &ab, SEC), -EEXIST);
  mcw_bmatrix_message(m, 8, false, &own);
  assert_int_equal(own.nentries, 0);
  mcw_bmatrix_free(m);
}

static void test_matrix_restart_gone(void **state) {
  static struct mcw_beacon_msg b, c;
  struct mcw_bmatrix *m = mcw_bmatrix_new("alpha", SEC, 0);
  struct mcw_addr a1 = addr_of("10.0.0.2", 40000);
  struct mcw_addr a2 = addr_of("fd00::9", 41000);
  int ib, ic, n, order[MCW_BEACON_MAX];
  int64_t t;

  (void)state;
  memset(&b, 0, sizeof(b));
  memset(&c, 0, sizeof(c));
  set_name(&b, "beta");
  set_name(&c, "gamma");
  ib = mcw_bmatrix_heard(m, &b, &a1, SEC);
  /* The name restarted elsewhere: the same row. */
  assert_int_equal(mcw_bmatrix_heard(m, &b, &a2, 2 * SEC), ib);
  assert_int_equal(mcw_bmatrix_peer(m, ib)->restarts, 1);
  assert_true(mcw_addr_equal(&mcw_bmatrix_peer(m, ib)->addr, &a2));
  ic = mcw_bmatrix_heard(m, &c, &a1, 2 * SEC);
  n = mcw_bmatrix_order(m, order);
  assert_int_equal(n, 3);
  assert_string_equal(m->peers[order[0]].name, "alpha");
  assert_string_equal(m->peers[order[1]].name, "beta");
  assert_string_equal(m->peers[order[2]].name, "gamma");
  /* gamma keeps talking, beta stops at 2 s: gone after 3 intervals... */
  for (t = 3 * SEC; t <= 5 * SEC; t += SEC) {
    mcw_bmatrix_heard(m, &c, &a1, t);
    mcw_bmatrix_tick(m, t);
    assert_false(mcw_bmatrix_peer(m, ib)->gone);
  }
  mcw_bmatrix_tick(m, 5 * SEC + 1);
  assert_true(mcw_bmatrix_peer(m, ib)->gone);
  assert_false(mcw_bmatrix_peer(m, ic)->gone);
  /* ...back when heard again, then removed after 12 unheard. */
  mcw_bmatrix_heard(m, &b, &a2, 6 * SEC);
  assert_false(mcw_bmatrix_peer(m, ib)->gone);
  mcw_bmatrix_tick(m, 18 * SEC);
  assert_non_null(mcw_bmatrix_peer(m, ib));
  mcw_bmatrix_tick(m, 18 * SEC + 1);
  assert_null(mcw_bmatrix_peer(m, ib));
  assert_int_equal(mcw_bmatrix_find(m, b.id), -1);
  assert_non_null(mcw_bmatrix_peer(m, m->self)); /* never removes itself */
  mcw_bmatrix_free(m);
}

static void test_matrix_history(void **state) {
  static struct mcw_beacon_msg b;
  struct mcw_bmatrix *m = mcw_bmatrix_new("alpha", SEC, 0);
  struct mcw_addr a = addr_of("10.0.0.2", 40000);
  struct mcw_bcell_figs f;
  const struct mcw_bcell *c;
  int ib;

  (void)state;
  memset(&b, 0, sizeof(b));
  set_name(&b, "beta");
  ib = mcw_bmatrix_heard(m, &b, &a, 0);
  c = mcw_bmatrix_cell(m, ib, m->self);
  f = figs(10, 0); /* 0 % */
  mcw_bmatrix_measure(m, ib, &f, SEC);
  mcw_bmatrix_heard(m, &b, &a, SEC);
  mcw_bmatrix_tick(m, SEC);
  f = figs(19, 1); /* 9 received, 1 lost: 10 % */
  mcw_bmatrix_measure(m, ib, &f, 2 * SEC);
  mcw_bmatrix_heard(m, &b, &a, 2 * SEC);
  mcw_bmatrix_tick(m, 2 * SEC);
  mcw_bmatrix_heard(m, &b, &a, 3 * SEC); /* nothing new */
  mcw_bmatrix_measure(m, ib, &f, 3 * SEC);
  assert_true(c->updated_ns == 2 * SEC); /* the same figures: it ages */
  mcw_bmatrix_tick(m, 3 * SEC);
  f = figs(2, 2); /* a restart: 50 % afresh */
  mcw_bmatrix_measure(m, ib, &f, 4 * SEC);
  mcw_bmatrix_heard(m, &b, &a, 4 * SEC);
  mcw_bmatrix_tick(m, 4 * SEC);
  assert_int_equal(c->hist_count, 4);
  assert_int_equal(c->hist[0], 0);
  assert_int_equal(c->hist[1], 10);
  assert_int_equal(c->hist[2], 255);
  assert_int_equal(c->hist[3], 50);
  assert_true(mcw_bcell_loss_pct(&c->f) == 50.0);
  for (int k = 5; k < 5 + MCW_BEACON_HIST; k++) {
    f.received++;
    mcw_bmatrix_measure(m, ib, &f, k * SEC);
    mcw_bmatrix_heard(m, &b, &a, k * SEC);
    mcw_bmatrix_tick(m, k * SEC);
  }
  assert_int_equal(c->hist_count, MCW_BEACON_HIST);
  /* A cell nobody vouches for goes invalid after 3 intervals. */
  mcw_bmatrix_tick(m, (8 + MCW_BEACON_HIST) * SEC);
  assert_false(c->valid);
  f = figs(0, 0);
  assert_true(mcw_bcell_loss_pct(&f) < 0);
  mcw_bmatrix_free(m);
}

static void test_matrix_bound(void **state) {
  static struct mcw_beacon_msg liar, real;
  struct mcw_bmatrix *m = mcw_bmatrix_new("alpha", SEC, 0);
  struct mcw_addr a = addr_of("10.0.0.66", 40000);
  char name[40];
  int used = 0, il;

  (void)state;
  memset(&liar, 0, sizeof(liar));
  set_name(&liar, "liar");
  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    snprintf(name, sizeof(name), "fake%d", i);
    add_entry(&liar, name, 1, 0);
  }
  il = mcw_bmatrix_heard(m, &liar, &a, SEC);
  assert_true(il >= 0);
  for (int i = 0; i < MCW_BEACON_MAX; i++)
    used += m->peers[i].used;
  assert_int_equal(used, MCW_BEACON_MAX);
  assert_int_equal(m->overflow, 2); /* alpha and liar held two slots */
  /* A beacon heard directly still finds room. */
  memset(&real, 0, sizeof(real));
  set_name(&real, "real");
  assert_true(mcw_bmatrix_heard(m, &real, &a, 2 * SEC) >= 0);
  /* A table full of beacons heard directly refuses the next. */
  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    snprintf(name, sizeof(name), "heard%d", i);
    set_name(&real, name);
    (void)mcw_bmatrix_heard(m, &real, &a, 3 * SEC);
  }
  set_name(&real, "late");
  assert_int_equal(mcw_bmatrix_heard(m, &real, &a, 3 * SEC), -ENOSPC);
  assert_int_equal(mcw_bmatrix_find(m, liar.id), il);
  mcw_bmatrix_free(m);
}

static void test_output(void **state) {
  static struct mcw_beacon_msg b, c;
  struct mcw_bmatrix *m = mcw_bmatrix_new("alpha", SEC, 0);
  struct mcw_addr a = addr_of("10.0.0.2", 40000);
  struct mcw_beacon_view v = {m, "239.1.2.3:5000", false};
  struct mcw_json j = {0};
  struct mcw_metrics_buf mb = {0};
  struct mcw_bcell_figs f = figs(90, 10);
  int ib;

  (void)state;
  memset(&b, 0, sizeof(b));
  memset(&c, 0, sizeof(c));
  set_name(&b, "be\"ta\x1b[2J");
  set_name(&c, "gamma");
  ib = mcw_bmatrix_heard(m, &b, &a, SEC);
  f.has_hops = true;
  f.hops = 1;
  mcw_bmatrix_measure(m, ib, &f, SEC);
  add_entry(&c, "alpha", 5, 0); /* gamma reports, but not beta */
  mcw_bmatrix_heard(m, &c, &a, SEC);
  mcw_beacon_json(&j, &v, 0, 2 * SEC);
  assert_non_null(strstr(
      j.buf,
      "{\"from\":\"be\\\"ta\\u001b[2J\",\"to\":\"alpha\",\"received\":90,"
      "\"lost\":10,\"loss_pct\":10.00,\"dup\":0,\"reordered\":0,"
      "\"delay_ms\":null,\"jitter_ms\":null,\"hops\":1,\"age_s\":1.0}"));
  /* beta -> gamma: gamma reports and does not hear beta. */
  assert_non_null(strstr(j.buf,
                         "{\"from\":\"be\\\"ta\\u001b[2J\",\"to\":\"gamma\","
                         "\"received\":0,\"lost\":0,\"loss_pct\":null"));
  /* beta never reported: no cell in its column. */
  assert_null(strstr(j.buf, "\"to\":\"be"));
  assert_non_null(strstr(j.buf, "\"gone\":[]}\n"));
  mcw_beacon_metrics(&mb, &v, 1, 2 * SEC);
  assert_non_null(strstr(mb.buf,
                         "mcwatch_beacon_lost_total{group=\"239.1.2.3:5000\","
                         "from=\"be\\\"ta\\\\x1b[2J\",to=\"alpha\"} 10\n"));
  assert_non_null(strstr(mb.buf,
                         "mcwatch_beacon_loss_ratio{group=\"239.1.2.3:5000\","
                         "from=\"be\\\"ta\\\\x1b[2J\",to=\"alpha\"} 0.1\n"));
  assert_non_null(strstr(mb.buf, "mcwatch_beacon_up{group=\"239.1.2.3:5000\","
                                 "name=\"gamma\"} 1\n"));
  assert_null(strchr(mb.buf, 0x1b));
  mcw_metrics_buf_free(&mb);
  mcw_json_free(&j);
  mcw_bmatrix_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_matrix_merge),
      cmocka_unit_test(test_matrix_restart_gone),
      cmocka_unit_test(test_matrix_history),
      cmocka_unit_test(test_matrix_bound),
      cmocka_unit_test(test_output),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
