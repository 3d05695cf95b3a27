/*
 * The beacon's state, shared by its command line (beacon_opts.c) and its
 * loop (beacon.c). Internal to src/app.
 */
#ifndef MCWATCH_BEACON_APP_H
#define MCWATCH_BEACON_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "mcwatch/beacon.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/engine.h"
#include "mcwatch/httpd.h"
#include "mcwatch/json.h"
#include "mcwatch/tx.h"
#include "output.h"

struct mcw_bview;

#define MCW_BEACON_CHANNELS 8
#define MCW_BEACON_SOURCES (2 * MCW_BEACON_MAX) /* SSM joins per channel */

/* One beacon channel: its group, matrix, sender and SSM sources. */
struct mcw_bchan {
  struct mcw_endpoint ep;
  bool ssm;
  int follows; /* SSM: the any-source channel whose peers it joins */
  char text[MCW_ADDRSTRLEN + 8];
  struct mcw_bmatrix *m;
  struct mcw_tx tx;
  uint32_t probe_id;
  uint64_t seq;
  uint64_t send_failed; /* probes the kernel refused */
  bool report_due;
  bool has_rttl[MCW_BEACON_MAX];
  uint8_t rttl[MCW_BEACON_MAX]; /* TTL each peer's probes arrive with */
  struct mcw_addr sources[MCW_BEACON_SOURCES];
  size_t nsources;
};

/* A running beacon. */
struct mcw_beacon_app {
  uv_loop_t loop;
  struct mcw_engine *engine;
  uv_timer_t probe_timer, report_timer, duration_timer;
  uv_signal_t signals[3];
  struct mcw_bchan ch[MCW_BEACON_CHANNELS];
  size_t nch;
  char name[MCW_BEACON_NAME_MAX + 1];
  int ttl;
  double rate, report_s, duration;
  bool headless, color, stopping;
  bool metrics;
  struct mcw_httpd_listen listen;
  struct mcw_httpd *httpd;
  struct mcw_output out;
  struct mcw_json json;
  struct mcw_bview *view;
  char status[300];
  int exit_code;
};

/*
 * Reads the command line into b (defaults already set): options, then the
 * channels, resolved. Exits with a usage error (status 2) when bad.
 */
void mcw_beacon_parse(struct mcw_beacon_app *b, int argc, char **argv);

#endif
