/*
 * Unit tests for the model: rate meters on a fake clock, the datagram ring
 * and sender table bounds, and group accounting. No sockets, no terminal.
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
#include "mcwatch/rate.h"
#include "mcwatch/ring.h"
#include "mcwatch/sender.h"

#define SEC MCW_NS_PER_SEC
#define MS MCW_NS_PER_MS

static struct mcw_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
                          uint16_t port) {
  struct mcw_addr x;
  memset(&x, 0, sizeof(x));
  x.family = AF_INET;
  x.port = port;
  x.bytes[0] = a;
  x.bytes[1] = b;
  x.bytes[2] = c;
  x.bytes[3] = d;
  return x;
}

static struct mcw_datagram dgram(const struct mcw_addr *src, const char *text,
                                 int64_t ts) {
  struct mcw_datagram d;
  memset(&d, 0, sizeof(d));
  d.src = *src;
  d.ts_ns = ts;
  d.data = (const uint8_t *)text;
  d.len = d.caplen = (uint32_t)strlen(text);
  return d;
}

/* A steady 100 packets/s of 125 bytes reads 100 pps and 100 kbit/s. */
static void test_rate_steady(void **state) {
  struct mcw_rate r;
  int64_t t0 = 1000 * SEC, t;

  mcw_rate_init(&r, 100 * MS, 101, t0);
  for (t = t0; t < t0 + 12 * SEC; t += 10 * MS)
    mcw_rate_add(&r, t, 125);
  assert_float_equal(mcw_rate_pps(&r, t, SEC), 100.0, 1e-9);
  assert_float_equal(mcw_rate_bps(&r, t, SEC), 100000.0, 1e-6);
  assert_float_equal(mcw_rate_pps(&r, t, 10 * SEC), 100.0, 1e-9);
  mcw_rate_free(&r);
}

/* Before a full window has passed, the rate uses the time observed. */
static void test_rate_startup(void **state) {
  struct mcw_rate r;
  int64_t t0 = 50 * SEC, t;

  mcw_rate_init(&r, 100 * MS, 101, t0);
  for (t = t0; t < t0 + 2 * SEC; t += 20 * MS)
    mcw_rate_add(&r, t, 10);
  /* 2 s observed out of a 10 s window: still 50 pps, not 10. */
  assert_float_equal(mcw_rate_pps(&r, t, 10 * SEC), 50.0, 1e-9);
  /* Two datagrams just after the start are not a spike of 20 per second. */
  mcw_rate_reset(&r, t0);
  mcw_rate_add(&r, t0 + 10 * MS, 10);
  mcw_rate_add(&r, t0 + 50 * MS, 10);
  assert_float_equal(mcw_rate_pps(&r, t0 + 150 * MS, SEC), 2.0, 1e-9);
  assert_float_equal(mcw_rate_pps(&r, t0 + 150 * MS, 10 * SEC), 2.0, 1e-9);
  /* Nothing complete yet right at the start. */
  mcw_rate_reset(&r, t0);
  assert_float_equal(mcw_rate_pps(&r, t0, SEC), 0.0, 0);
  mcw_rate_free(&r);
}

/* Silence after traffic decays to zero once the window has passed. */
static void test_rate_silence(void **state) {
  struct mcw_rate r;
  int64_t t0 = 7 * SEC, t;

  mcw_rate_init(&r, 100 * MS, 101, t0);
  for (t = t0; t < t0 + 3 * SEC; t += 100 * MS)
    mcw_rate_add(&r, t, 1);
  assert_float_equal(mcw_rate_pps(&r, t, SEC), 10.0, 1e-9);
  assert_float_equal(mcw_rate_pps(&r, t + 1100 * MS, SEC), 0.0, 0);
  /* 30 packets in the 8 s observed since counting began. */
  assert_float_equal(mcw_rate_pps(&r, t + 5 * SEC, 10 * SEC), 30.0 / 8, 1e-9);
  /* A full window: all 30 packets over 10 s, then the oldest 10 slide out. */
  assert_float_equal(mcw_rate_pps(&r, t + 7 * SEC, 10 * SEC), 3.0, 1e-9);
  assert_float_equal(mcw_rate_pps(&r, t + 8 * SEC, 10 * SEC), 2.0, 1e-9);
  /* A gap longer than the whole ring clears it. */
  assert_float_equal(mcw_rate_pps(&r, t + 60 * SEC, 10 * SEC), 0.0, 0);
  mcw_rate_free(&r);
}

/* History gives one value per complete slot, oldest first. */
static void test_rate_history(void **state) {
  struct mcw_rate r;
  double h[5];
  int64_t t0 = 100 * SEC;

  mcw_rate_init(&r, SEC, 10, t0);
  for (int s = 0; s < 4; s++)
    for (int i = 0; i <= s; i++)
      mcw_rate_add(&r, t0 + s * SEC + i * MS, 1);
  assert_int_equal(mcw_rate_history(&r, t0 + 4 * SEC + 5 * MS, h, 5), 5);
  assert_float_equal(h[0], 0, 0); /* before start */
  assert_float_equal(h[1], 1, 0);
  assert_float_equal(h[2], 2, 0);
  assert_float_equal(h[3], 3, 0);
  assert_float_equal(h[4], 4, 0);
  /* Asking for more than the ring holds is capped. */
  double big[64];
  assert_int_equal(mcw_rate_history(&r, t0 + 4 * SEC, big, 64), 9);
  mcw_rate_free(&r);
}

/* A clock step backwards beyond the ring is ignored, not written anywhere. */
static void test_rate_backwards(void **state) {
  struct mcw_rate r;
  int64_t t0 = 1000 * SEC;

  mcw_rate_init(&r, SEC, 4, t0);
  mcw_rate_add(&r, t0 + 10 * SEC, 5);
  mcw_rate_add(&r, t0, 5); /* 10 s in the past, ring covers 4 */
  mcw_rate_add(&r, t0 + 9 * SEC, 5);
  assert_float_equal(mcw_rate_pps(&r, t0 + 11 * SEC, SEC), 1.0, 0);
  assert_float_equal(mcw_rate_pps(&r, t0 + 11 * SEC, 2 * SEC), 1.0, 0);
  mcw_rate_free(&r);
}

/* The ring keeps the newest cap records, with payloads capped at snap. */
static void test_ring_bounds(void **state) {
  struct mcw_ring r;
  struct mcw_addr a = v4(10, 0, 0, 1, 1234);
  char text[32];

  mcw_ring_init(&r, 5, 4);
  assert_int_equal(mcw_ring_count(&r), 0);
  assert_null(mcw_ring_recent(&r, 0));
  for (int i = 1; i <= 12; i++) {
    snprintf(text, sizeof(text), "%c-payload", 'a' + i);
    struct mcw_datagram d = dgram(&a, text, i);
    mcw_ring_push(&r, &d, (uint64_t)i);
  }
  assert_int_equal(mcw_ring_count(&r), 5);
  for (uint32_t i = 0; i < 5; i++) {
    const struct mcw_record *rec = mcw_ring_recent(&r, i);
    assert_non_null(rec);
    assert_int_equal(rec->number, 12 - i);
    assert_int_equal(rec->len, 9);
    assert_int_equal(rec->caplen, 4);
    assert_int_equal(rec->payload[0], 'a' + 12 - (int)i);
    assert_memory_equal(rec->payload + 1, "-pa", 3);
  }
  assert_null(mcw_ring_recent(&r, 5));
  mcw_ring_clear(&r);
  assert_int_equal(mcw_ring_count(&r), 0);
  mcw_ring_free(&r);
}

/* snap 0 keeps no payload at all. */
static void test_ring_nosnap(void **state) {
  struct mcw_ring r;
  struct mcw_addr a = v4(10, 0, 0, 1, 1);
  struct mcw_datagram d = dgram(&a, "hello", 1);

  mcw_ring_init(&r, 3, 0);
  mcw_ring_push(&r, &d, 1);
  assert_int_equal(mcw_ring_recent(&r, 0)->caplen, 0);
  assert_int_equal(mcw_ring_recent(&r, 0)->len, 5);
  mcw_ring_free(&r);
}

/* cap 0 keeps nothing: headless mode has no screen to show a history. */
static void test_ring_none(void **state) {
  struct mcw_ring r;
  struct mcw_addr a = v4(10, 0, 0, 1, 1);
  struct mcw_datagram d = dgram(&a, "hello", 1);

  mcw_ring_init(&r, 0, 256);
  assert_null(r.rec);
  assert_null(r.slab);
  mcw_ring_push(&r, &d, 1);
  assert_int_equal(mcw_ring_count(&r), 0);
  assert_null(mcw_ring_recent(&r, 0));
  mcw_ring_clear(&r);
  mcw_ring_free(&r);
}

/* The table tracks up to max senders, then counts overflow. */
static void test_senders_bounds(void **state) {
  struct mcw_sender_table t;

  mcw_senders_init(&t, 50);
  for (int i = 0; i < 200; i++) {
    struct mcw_addr a = v4(10, 0, (uint8_t)(i / 256), (uint8_t)i, 5000);
    struct mcw_sender *s = mcw_senders_get(&t, &a, 0);
    if (i < 50) {
      assert_non_null(s);
      assert_true(mcw_addr_equal(&s->addr, &a));
    } else {
      assert_null(s);
    }
  }
  assert_int_equal(t.count, 50);
  /* Existing ones are still found, in first-seen order. */
  for (int i = 0; i < 50; i++) {
    struct mcw_addr a = v4(10, 0, 0, (uint8_t)i, 5000);
    assert_ptr_equal(mcw_senders_find(&t, &a), &t.items[i]);
    assert_ptr_equal(mcw_senders_get(&t, &a, 0), &t.items[i]);
  }
  /* Same address, other port: another sender. */
  struct mcw_addr other = v4(10, 0, 0, 1, 5001);
  assert_null(mcw_senders_find(&t, &other));
  mcw_senders_clear(&t);
  assert_int_equal(t.count, 0);
  assert_non_null(mcw_senders_get(&t, &other, 0));
  mcw_senders_free(&t);
}

/* Accounting updates group and sender figures, and overflow is counted. */
static void test_group_account(void **state) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  struct mcw_group *g;
  struct mcw_group_stats st;
  int64_t t0 = 10 * SEC;

  memset(&ep, 0, sizeof(ep));
  ep.group = v4(239, 1, 2, 3, 5000);
  mcw_group_config_default(&cfg);
  cfg.history = 8;
  cfg.max_senders = 2;
  g = mcw_group_new(&ep, &cfg, t0);
  assert_int_equal(g->state, MCW_GROUP_JOINING);
  assert_string_equal(mcw_group_state_name(g->state), "joining");

  for (int i = 0; i < 30; i++) {
    struct mcw_addr a = v4(10, 0, 0, (uint8_t)(1 + i % 3), 4000);
    struct mcw_datagram d = dgram(&a, "0123456789", 5000 + i);
    mcw_group_account(g, &d, t0 + i * 100 * MS);
  }
  mcw_group_stats(g, t0 + 3 * SEC, &st);
  assert_int_equal(st.packets, 30);
  assert_int_equal(st.bytes, 300);
  assert_int_equal(st.senders, 2);
  assert_int_equal(st.overflow_packets, 10);
  assert_int_equal(g->senders.items[0].packets, 10);
  assert_int_equal(g->senders.items[1].bytes, 100);
  assert_int_equal(g->first_ns, 5000);
  assert_int_equal(g->last_ns, 5029);
  assert_int_equal(mcw_ring_count(&g->ring), 8);
  assert_int_equal(mcw_ring_recent(&g->ring, 0)->number, 30);
  assert_float_equal(st.pps_1s, 10.0, 1e-9);
  assert_float_equal(st.bps_1s, 800.0, 1e-9);
  assert_int_equal(st.idle_ns, 3 * SEC - 29 * 100 * MS);

  mcw_group_set_kernel_drops(g, 7);
  mcw_group_stats(g, t0 + 3 * SEC, &st);
  assert_int_equal(st.kernel_drops, 7);

  mcw_group_clear(g, t0 + 4 * SEC);
  mcw_group_set_kernel_drops(g, 9);
  mcw_group_stats(g, t0 + 4 * SEC, &st);
  assert_int_equal(st.packets, 0);
  assert_int_equal(st.senders, 0);
  assert_int_equal(st.overflow_packets, 0);
  assert_int_equal(st.kernel_drops, 2);
  assert_int_equal(st.idle_ns, -1);
  assert_int_equal(mcw_ring_count(&g->ring), 0);
  mcw_group_free(g);
}

/* Truncated datagrams are counted apart. */
static void test_group_truncated(void **state) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  struct mcw_group *g;
  struct mcw_addr a = v4(10, 0, 0, 9, 9);
  struct mcw_datagram d = dgram(&a, "x", 1);

  memset(&ep, 0, sizeof(ep));
  ep.group = v4(239, 1, 2, 3, 5000);
  mcw_group_config_default(&cfg);
  g = mcw_group_new(&ep, &cfg, 0);
  d.truncated = true;
  d.len = 70000;
  mcw_group_account(g, &d, 1);
  assert_int_equal(g->truncated, 1);
  assert_int_equal(g->bytes, 70000);
  assert_true(mcw_ring_recent(&g->ring, 0)->truncated);
  mcw_group_free(g);
}

/* Probes carrying this host's sender id mark their sender `own`, only it. */
static void test_group_own_probe(void **state) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  struct mcw_group *g;
  struct mcw_addr mine = v4(127, 0, 0, 1, 40001),
                  other = v4(10, 0, 0, 2, 40002);
  uint8_t buf[64];

  memset(&ep, 0, sizeof(ep));
  ep.group = v4(239, 1, 2, 3, 5000);
  mcw_group_config_default(&cfg);
  g = mcw_group_new(&ep, &cfg, 0);
  mcw_group_set_own_probe(g, 0x1234);
  for (uint64_t i = 0; i < 3; i++) {
    struct mcw_probe p = {.sender_id = 0x1234, .seq = i};
    int n = mcw_probe_encode(&p, "hi", 2, 0, buf, sizeof(buf));
    struct mcw_datagram d;
    assert_true(n > 0);
    memset(&d, 0, sizeof(d));
    d.data = buf;
    d.len = d.caplen = (uint32_t)n;
    d.ts_ns = (int64_t)i + 1;
    d.src = mine;
    mcw_group_account(g, &d, (int64_t)i + 1);
    p.sender_id = 0x9999; /* another mcwatch's probe */
    n = mcw_probe_encode(&p, "hi", 2, 0, buf, sizeof(buf));
    d.src = other;
    mcw_group_account(g, &d, (int64_t)i + 1);
  }
  assert_int_equal(g->senders.count, 2);
  assert_true(mcw_senders_find(&g->senders, &mine)->own);
  assert_false(mcw_senders_find(&g->senders, &other)->own);
  mcw_group_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_steady),
      cmocka_unit_test(test_rate_startup),
      cmocka_unit_test(test_rate_silence),
      cmocka_unit_test(test_rate_history),
      cmocka_unit_test(test_rate_backwards),
      cmocka_unit_test(test_ring_bounds),
      cmocka_unit_test(test_ring_nosnap),
      cmocka_unit_test(test_ring_none),
      cmocka_unit_test(test_senders_bounds),
      cmocka_unit_test(test_group_account),
      cmocka_unit_test(test_group_truncated),
      cmocka_unit_test(test_group_own_probe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
