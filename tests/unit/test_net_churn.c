/*
 * Churn through the engine on lo, inside the private namespace that
 * tests/run-in-netns.sh makes: the same group joined and left 1,000 times
 * leaks no file descriptor and still receives afterwards; more groups than
 * net.ipv4.igmp_max_memberships (a per-socket limit, and we use a socket
 * per group) all join, and with the limit at 0 every join is refused with a
 * clear error of its own, without leaking a socket. The loop closes clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "mcwatch/engine.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/tx.h"

#define CHURN 1000
#define MANY 40 /* groups, against a limit of 1 per socket */
#define SYSCTL "/proc/sys/net/ipv4/igmp_max_memberships"

struct seen {
  int joins, leaves, errors;
  uint64_t datagrams;
  char last_error[256];
};

static void on_datagram(void *ctx, struct mcw_group *g,
                        const struct mcw_datagram *d) {
  struct seen *s = ctx;
  s->datagrams++;
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

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *de;
  int n = 0;

  assert_non_null(d);
  while ((de = readdir(d)) != NULL)
    n += de->d_name[0] != '.';
  closedir(d);
  return n;
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
  char err[256];
  if (mcw_tx_open(&tx, ep, 1, true, err, sizeof(err)) != 0)
    fail_msg("%s", err);
  for (int i = 0; i < n; i++)
    assert_int_equal(mcw_tx_send(&tx, "churn", 5), 0);
  mcw_tx_close(&tx);
}

static void run_until(uv_loop_t *loop, struct seen *s, uint64_t want) {
  for (int i = 0; i < 400 && s->datagrams < want; i++) {
    uv_run(loop, UV_RUN_NOWAIT);
    uv_sleep(5);
  }
}

static bool set_limit(int v) {
  FILE *f = fopen(SYSCTL, "w");
  bool ok;
  if (f == NULL)
    return false;
  ok = fprintf(f, "%d\n", v) > 0;
  return fclose(f) == 0 && ok;
}

static void close_engine(uv_loop_t *loop, struct mcw_engine *e) {
  mcw_engine_close(e);
  uv_run(loop, UV_RUN_DEFAULT);
  mcw_engine_free(e);
  assert_int_equal(uv_loop_close(loop), 0);
}

static void test_join_leave_1000(void **state) {
  uv_loop_t loop;
  struct seen s = {0};
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &s};
  struct mcw_engine_config cfg;
  struct mcw_endpoint ep;
  struct mcw_engine *e;
  char err[256];
  int before, after, i;

  uv_loop_init(&loop);
  mcw_engine_config_default(&cfg);
  e = mcw_engine_new(&loop, &cfg, &hooks);
  resolve("239.255.20.1:7000%lo", &ep);
  uv_run(&loop, UV_RUN_NOWAIT);
  before = count_fds();
  for (i = 0; i < CHURN; i++) {
    int g = mcw_engine_join(e, &ep, err, sizeof(err));
    if (g < 0)
      fail_msg("join %d: %s", i, err);
    assert_int_equal(mcw_engine_remove(e, (size_t)g), 0);
    uv_run(&loop, UV_RUN_NOWAIT); /* let the socket's close complete */
  }
  uv_run(&loop, UV_RUN_NOWAIT);
  after = count_fds();
  assert_int_equal(after, before);
  assert_int_equal(s.joins, CHURN);
  assert_int_equal(s.errors, 0);
  assert_int_equal(mcw_engine_count(e), 0);

  /* Still receives after the churn, and only once. */
  assert_true(mcw_engine_join(e, &ep, err, sizeof(err)) >= 0);
  send_n(&ep, 5);
  run_until(&loop, &s, 5);
  assert_int_equal(mcw_engine_group(e, 0)->packets, 5);
  close_engine(&loop, e);
}

static void test_more_groups_than_limit(void **state) {
  uv_loop_t loop;
  struct seen s = {0};
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &s};
  struct mcw_engine_config cfg;
  struct mcw_endpoint ep;
  struct mcw_engine *e;
  char err[256], text[64];
  int before;

  if (!set_limit(1)) {
    fprintf(stderr, "note: cannot write " SYSCTL "; limit test skipped\n");
    skip();
  }
  uv_loop_init(&loop);
  mcw_engine_config_default(&cfg);
  e = mcw_engine_new(&loop, &cfg, &hooks);
  uv_run(&loop, UV_RUN_NOWAIT);
  before = count_fds();
  /* A limit of 1 per socket: 40 groups on 40 sockets all join. */
  for (int i = 0; i < MANY; i++) {
    snprintf(text, sizeof(text), "239.255.21.%d:7001%%lo", i + 1);
    resolve(text, &ep);
    if (mcw_engine_join(e, &ep, err, sizeof(err)) < 0)
      fail_msg("%s: %s", text, err);
  }
  assert_int_equal(s.joins, MANY);
  send_n(&ep, 3);
  run_until(&loop, &s, 3);
  assert_int_equal(mcw_engine_group(e, MANY - 1)->packets, 3);

  /* A limit of 0: each further join is refused, each says why. */
  assert_true(set_limit(0));
  for (int i = 0; i < 5; i++) {
    snprintf(text, sizeof(text), "239.255.22.%d:7002%%lo", i + 1);
    resolve(text, &ep);
    err[0] = '\0';
    assert_true(mcw_engine_join(e, &ep, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "No buffer space available"));
    assert_non_null(strstr(err, "239.255.22."));
    assert_int_equal(mcw_engine_group(e, MANY + (size_t)i)->state,
                     MCW_GROUP_ERROR);
  }
  assert_int_equal(s.errors, 5);
  uv_run(&loop, UV_RUN_NOWAIT);
  /* One socket per joined group; the refused ones hold none. */
  assert_int_equal(count_fds(), before + MANY);
  assert_true(set_limit(20));
  close_engine(&loop, e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_join_leave_1000),
      cmocka_unit_test(test_more_groups_than_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
