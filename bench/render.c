/*
 * mcw-render: the cost of what mcwatch does for each datagram in user
 * space, without a network: account it to its group (rates, history,
 * senders, stream health) and render its JSON line, COUNT times, for a
 * SIZE-byte datagram shaped like mcw-blast's (an iperf2 header, then 'x').
 * Prints nanoseconds and bytes per datagram. Run it under
 * `valgrind --tool=callgrind` for instruction counts that do not drift
 * with the machine's load.
 *
 *   mcw-render SIZE COUNT [PREVIEW [ts]]
 *
 * With "ts" the datagrams carry a continuous MPEG-TS byte stream instead
 * (PAT and PMT every 100 packets, a PCR every 20 on the video PID, counters
 * in order), cut into SIZE-byte datagrams: the cost per TS datagram.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iperfhdr.h"
#include "tsgen.h"
#include "mcwatch/jsonl.h"

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  static uint8_t payload[65536];
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  struct mcw_group *g;
  struct mcw_datagram d;
  struct mcw_json j = {0};
  char err[128];
  long size, count, preview = 256;
  uint64_t bytes = 0, tspos = 0;
  int ts = 0;
  int64_t start, ns;

  if (argc < 3 || argc > 5) {
    fprintf(stderr, "usage: mcw-render SIZE COUNT [PREVIEW [ts]]\n");
    return 2;
  }
  size = atol(argv[1]);
  count = atol(argv[2]);
  if (argc >= 4)
    preview = atol(argv[3]);
  if (argc == 5)
    ts = strcmp(argv[4], "ts") == 0;
  if (size < MCW_IPERF_HEADER || size > 65507 || count < 1 || preview < 0 ||
      preview > 65535) {
    fprintf(stderr, "mcw-render: argument out of range\n");
    return 2;
  }
  if (mcw_endpoint_parse("239.77.0.1:9000%lo", &ep, err, sizeof(err)) < 0) {
    fprintf(stderr, "mcw-render: %s\n", err);
    return 1;
  }
  ep.ifindex = 1;
  mcw_group_config_default(&cfg);
  g = mcw_group_new(&ep, &cfg, 0);
  memset(payload, 'x', sizeof(payload));
  memset(&d, 0, sizeof(d));
  mcw_addr_parse("127.0.0.1", &d.src);
  d.src.port = 40000;
  mcw_addr_parse("239.77.0.1", &d.dst);
  d.ifindex = 1;
  d.kernel_ts = true;
  d.data = payload;
  d.len = d.caplen = (uint32_t)size;
  start = now_ns();
  for (long i = 0; i < count; i++) {
    /* The header mcw-blast writes, 10 us apart. */
    if (ts)
      ts_fill(payload, size, &tspos);
    else
      mcw_iperf_header(payload, (int32_t)(i + 1),
                       (uint32_t)(1795548275 + i / 100000),
                       (uint32_t)(i * 10 % 1000000));
    d.ts_ns = INT64_C(1795548275000000000) + i * 10000;
    mcw_group_account(g, &d, d.ts_ns);
    mcw_jsonl_datagram(&j, g, &d, "lo", (uint32_t)preview);
    mcw_json_end_line(&j);
    if (j.len >= 1 << 16) {
      bytes += j.len;
      mcw_json_reset(&j);
    }
  }
  bytes += j.len;
  ns = now_ns() - start;
  printf("%ld datagrams of %ld bytes, preview %ld: %.1f ns and %.0f bytes "
         "of JSON each\n",
         count, size, preview, (double)ns / (double)count,
         (double)bytes / (double)count);
  mcw_json_free(&j);
  mcw_group_free(g);
  return 0;
}
