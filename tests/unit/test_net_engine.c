/*
 * The engine against real sockets on lo, inside the private namespace that
 * tests/run-in-netns.sh makes: two groups on one port see only their own
 * datagrams, a left group sees nothing more, and the loop closes clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/engine.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/tx.h"

struct seen {
  int joins, leaves, errors;
  uint64_t datagrams;
  char last_error[256];
};

static void on_datagram(void *ctx, struct mcw_group *g,
                        const struct mcw_datagram *d) {
  struct seen *s = ctx;
  s->datagrams++;
  /* The payload names its group: it must match the group that got it. */
  char want[64];
  mcw_addr_format(&g->ep.group, want, sizeof(want));
  assert_true(d->caplen >= strlen(want));
  assert_memory_equal(d->data, want, strlen(want));
  assert_int_equal(d->dst.family, AF_INET);
  assert_true(mcw_addr_same_host(&d->dst, &g->ep.group));
  assert_int_equal(d->ifindex, g->ep.ifindex);
  assert_true(d->kernel_ts);
}

static void on_event(void *ctx, const struct mcw_event *ev) {
  struct seen *s = ctx;
  if (ev->type == MCW_EV_JOIN)
    s->joins++;
  else if (ev->type == MCW_EV_LEAVE)
    s->leaves++;
  else if (ev->type == MCW_EV_ERROR) {
    s->errors++;
    snprintf(s->last_error, sizeof(s->last_error), "%s", ev->message);
  }
}

static void resolve(const char *text, struct mcw_endpoint *ep) {
  struct mcw_iface_list list;
  char err[256];
  assert_int_equal(mcw_ifscan(&list), 0);
  assert_int_equal(mcw_endpoint_parse(text, ep, err, sizeof(err)), 0);
  if (mcw_endpoint_resolve(ep, &list, "lo", err, sizeof(err)) != 0)
    fail_msg("%s", err);
  mcw_iface_list_free(&list);
}

static void send_n(const struct mcw_endpoint *ep, int n) {
  struct mcw_tx tx;
  char err[256], text[64];
  if (mcw_tx_open(&tx, ep, 1, true, err, sizeof(err)) != 0)
    fail_msg("%s", err);
  mcw_addr_format(&ep->group, text, sizeof(text));
  strcat(text, " payload");
  for (int i = 0; i < n; i++)
    assert_int_equal(mcw_tx_send(&tx, text, strlen(text)), 0);
  mcw_tx_close(&tx);
}

/* Runs the loop until want datagrams arrived or about two seconds passed. */
static void run_until(uv_loop_t *loop, struct seen *s, uint64_t want) {
  for (int i = 0; i < 400 && s->datagrams < want; i++) {
    uv_run(loop, UV_RUN_NOWAIT);
    uv_sleep(5);
  }
  for (int i = 0; i < 20; i++) { /* and a little more, to catch extras */
    uv_run(loop, UV_RUN_NOWAIT);
    uv_sleep(5);
  }
}

static void test_two_groups_one_port(void **state) {
  uv_loop_t loop;
  struct seen s = {0};
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &s};
  struct mcw_engine_config cfg;
  struct mcw_endpoint a, b;
  struct mcw_engine *e;
  char err[256];

  uv_loop_init(&loop);
  mcw_engine_config_default(&cfg);
  e = mcw_engine_new(&loop, &cfg, &hooks);
  resolve("239.255.1.1:6000%lo", &a);
  resolve("239.255.1.2:6000%lo", &b);
  if (mcw_engine_join(e, &a, err, sizeof(err)) < 0 ||
      mcw_engine_join(e, &b, err, sizeof(err)) < 0)
    fail_msg("join: %s", err);
  assert_int_equal(s.joins, 2);
  assert_int_equal(mcw_engine_find(e, &b), 1);

  send_n(&a, 40);
  send_n(&b, 25);
  run_until(&loop, &s, 65);
  assert_int_equal(mcw_engine_group(e, 0)->packets, 40);
  assert_int_equal(mcw_engine_group(e, 1)->packets, 25);
  assert_int_equal(mcw_engine_group(e, 0)->ignored, 0);
  assert_int_equal(mcw_engine_total(e), 65);

  /* After leaving b, nothing more is counted there; a goes on. */
  assert_int_equal(mcw_engine_leave(e, 1), 0);
  assert_int_equal(s.leaves, 1);
  assert_int_equal(mcw_engine_group(e, 1)->state, MCW_GROUP_LEFT);
  send_n(&b, 10);
  send_n(&a, 10);
  run_until(&loop, &s, 75);
  assert_int_equal(mcw_engine_group(e, 0)->packets, 50);
  assert_int_equal(mcw_engine_group(e, 1)->packets, 25);

  /* Removing a group drops it from the list. */
  assert_int_equal(mcw_engine_remove(e, 1), 0);
  assert_int_equal(mcw_engine_count(e), 1);
  assert_int_equal(mcw_engine_remove(e, 5), -ENOENT);

  mcw_engine_close(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  mcw_engine_free(e);
  assert_int_equal(uv_loop_close(&loop), 0);
  assert_int_equal(s.errors, 0);
}

/* A second socket may bind the same group and port (SO_REUSEADDR). */
static void test_same_group_twice(void **state) {
  uv_loop_t loop;
  struct seen s = {0};
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &s};
  struct mcw_engine_config cfg;
  struct mcw_endpoint a;
  struct mcw_engine *e1, *e2;
  char err[256];

  uv_loop_init(&loop);
  mcw_engine_config_default(&cfg);
  e1 = mcw_engine_new(&loop, &cfg, &hooks);
  e2 = mcw_engine_new(&loop, &cfg, &hooks);
  resolve("239.255.1.3:6001%lo", &a);
  if (mcw_engine_join(e1, &a, err, sizeof(err)) < 0 ||
      mcw_engine_join(e2, &a, err, sizeof(err)) < 0)
    fail_msg("join: %s", err);
  send_n(&a, 5);
  run_until(&loop, &s, 10);
  assert_int_equal(mcw_engine_group(e1, 0)->packets, 5);
  assert_int_equal(mcw_engine_group(e2, 0)->packets, 5);
  mcw_engine_close(e1);
  mcw_engine_close(e2);
  uv_run(&loop, UV_RUN_DEFAULT);
  mcw_engine_free(e1);
  mcw_engine_free(e2);
  assert_int_equal(uv_loop_close(&loop), 0);
}

/*
 * A rejoin keeps the group in its place with its figures, on a fresh
 * socket, whether it was joined or left; mcw_engine_send sends every
 * datagram of a group from one socket (one sender).
 */
static void test_rejoin_and_send(void **state) {
  uv_loop_t loop;
  struct seen s = {0};
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &s};
  struct mcw_engine_config cfg;
  struct mcw_endpoint a, b;
  struct mcw_engine *e;
  struct mcw_group *ga;
  char err[256], text[64];

  uv_loop_init(&loop);
  mcw_engine_config_default(&cfg);
  e = mcw_engine_new(&loop, &cfg, &hooks);
  resolve("239.255.1.4:6002%lo", &a);
  resolve("239.255.1.5:6002%lo", &b);
  if (mcw_engine_join(e, &a, err, sizeof(err)) < 0 ||
      mcw_engine_join(e, &b, err, sizeof(err)) < 0)
    fail_msg("join: %s", err);
  ga = mcw_engine_group(e, 0);
  send_n(&a, 5);
  run_until(&loop, &s, 5);
  assert_int_equal(ga->packets, 5);

  /* Joined: moved to a fresh socket (same interface), same place. */
  if (mcw_engine_rejoin(e, 0, &a, err, sizeof(err)) != 0)
    fail_msg("rejoin: %s", err);
  assert_ptr_equal(mcw_engine_group(e, 0), ga);
  assert_int_equal(mcw_engine_count(e), 2);
  assert_int_equal(ga->state, MCW_GROUP_JOINED);
  assert_int_equal(ga->packets, 5);
  send_n(&a, 3);
  run_until(&loop, &s, 8);
  assert_int_equal(ga->packets, 8);

  /* Left: joined again in place. */
  assert_int_equal(mcw_engine_leave(e, 0), 0);
  if (mcw_engine_rejoin(e, 0, NULL, err, sizeof(err)) != 0)
    fail_msg("rejoin: %s", err);
  assert_ptr_equal(mcw_engine_group(e, 0), ga);
  assert_int_equal(ga->state, MCW_GROUP_JOINED);
  send_n(&a, 2);
  run_until(&loop, &s, 10);
  assert_int_equal(ga->packets, 10);
  assert_int_equal(mcw_engine_rejoin(e, 7, NULL, err, sizeof(err)), -ENOENT);

  /* Three sends through the engine: one sender on b. */
  mcw_addr_format(&b.group, text, sizeof(text));
  for (int i = 0; i < 3; i++)
    if (mcw_engine_send(e, 1, text, strlen(text), 1, err, sizeof(err)) != 0)
      fail_msg("send: %s", err);
  run_until(&loop, &s, 13);
  assert_int_equal(mcw_engine_group(e, 1)->packets, 3);
  assert_int_equal(mcw_engine_group(e, 1)->senders.count, 1);
  assert_int_equal(mcw_engine_send(e, 9, text, 1, 1, err, sizeof(err)),
                   -ENOENT);

  mcw_engine_close(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  mcw_engine_free(e);
  assert_int_equal(uv_loop_close(&loop), 0);
  assert_int_equal(s.errors, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_groups_one_port),
      cmocka_unit_test(test_same_group_twice),
      cmocka_unit_test(test_rejoin_and_send),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
