/*
 * mcw-scrape: the cost of one /metrics scrape on the loop, without a
 * network: GROUPS groups, each with a labelled channel, SENDERS probe
 * senders (so every group has jitter and a delay histogram) and a few
 * lost datagrams, rendered ROUNDS times. Prints the median and worst
 * milliseconds per scrape and the size of the exposition.
 *
 *   mcw-scrape GROUPS SENDERS ROUNDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcwatch/common.h"
#include "mcwatch/group.h"
#include "mcwatch/metrics.h"
#include "mcwatch/probe.h"

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Probes 0..99 from each sender, every tenth one missing. */
static void feed(struct mcw_group *g, unsigned senders) {
  uint8_t buf[256];

  for (unsigned s = 0; s < senders; s++)
    for (uint64_t seq = 0; seq < 100; seq++) {
      struct mcw_probe p = {
          .sender_id = s, .seq = seq, .send_ns = seq * 1000000};
      struct mcw_datagram d;
      int n;
      if (seq % 10 == 5)
        continue;
      n = mcw_probe_encode(&p, "bench", 5, 0, buf, sizeof(buf));
      memset(&d, 0, sizeof(d));
      d.data = buf;
      d.len = d.caplen = (uint32_t)n;
      d.ts_ns = (int64_t)(seq * 1000000 + 200000 + (seq % 7) * 10000);
      d.src.family = AF_INET;
      d.src.bytes[0] = 10;
      d.src.bytes[3] = (uint8_t)(s + 1);
      d.src.port = 40000;
      mcw_group_account(g, &d, (int64_t)seq * 1000000);
    }
}

int main(int argc, char **argv) {
  struct mcw_metrics_build build = {"bench", "1", "1", "1", "1"};
  struct mcw_metrics_buf b = {0};
  struct mcw_group_config cfg;
  struct mcw_group **g;
  long ngroups, senders, rounds;
  int64_t *t;
  size_t lines = 0;

  if (argc != 4 || (ngroups = atol(argv[1])) < 1 || ngroups > 100000 ||
      (senders = atol(argv[2])) < 0 || senders > 200 ||
      (rounds = atol(argv[3])) < 1 || rounds > 100000) {
    fprintf(stderr, "usage: mcw-scrape GROUPS SENDERS ROUNDS\n");
    return 2;
  }
  mcw_group_config_default(&cfg);
  cfg.history = 16; /* the ring is not read by a scrape */
  g = mcw_xcalloc((size_t)ngroups, sizeof(*g));
  for (long i = 0; i < ngroups; i++) {
    struct mcw_endpoint ep;
    char text[64], err[128];
    snprintf(text, sizeof(text), "239.77.%ld.%ld:5000%%eth0", i / 250,
             i % 250 + 1);
    if (mcw_endpoint_parse(text, &ep, err, sizeof(err)) < 0) {
      fprintf(stderr, "mcw-scrape: %s\n", err);
      return 1;
    }
    snprintf(ep.label, sizeof(ep.label), "Channel %ld HD", i + 1);
    g[i] = mcw_group_new(&ep, &cfg, 0);
    g[i]->state = MCW_GROUP_JOINED;
    feed(g[i], (unsigned)senders);
  }
  t = mcw_xcalloc((size_t)rounds, sizeof(*t));
  for (long r = 0; r < rounds; r++) {
    struct mcw_metrics_input in = {g, (size_t)ngroups, 200000000,
                                   0, false,           &build};
    int64_t start = now_ns();
    mcw_metrics_render(&b, &in);
    t[r] = now_ns() - start;
  }
  qsort(t, (size_t)rounds, sizeof(*t), cmp);
  for (size_t i = 0; i < b.len; i++)
    lines += b.buf[i] == '\n';
  printf("groups %ld senders %ld: scrape median %.2f ms, worst %.2f ms, "
         "%zu bytes, %zu lines\n",
         ngroups, senders, (double)t[rounds / 2] / 1e6,
         (double)t[rounds - 1] / 1e6, b.len, lines);
  mcw_metrics_buf_free(&b);
  for (long i = 0; i < ngroups; i++)
    mcw_group_free(g[i]);
  free(g);
  free(t);
  return 0;
}
