/*
 * Headless mode: the session's events as JSON lines on stdout (schema in
 * docs/JSON.md). Datagram lines are written as they arrive (unless
 * --stats-only), stats lines on a timer, and one summary line at the end.
 * Lines collect in one buffer that goes to the output (output.c) in a
 * single write after each wakeup's worth of output, or every 64 KiB, so a
 * fast stream costs one write per batch, not per datagram. The output
 * never blocks the loop: a slow reader costs dropped lines, counted.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/capture.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/jsonl.h"
#include "mcwatch/msock.h"
#include "mcwatch/sapjson.h"
#include "mcwatch/igmpjson.h"
#include "output.h"

struct headless {
  struct mcw_session session;
  struct mcw_json json;
  struct mcw_output out;
  uv_timer_t stats_timer, capture_timer;
  uv_check_t flush_check;
  struct mcw_capture *capture;  /* --write while recording, or NULL */
  struct mcw_capture_stats cap; /* its final figures once closed */
  int cap_error;                /* why recording stopped early, or 0 */
  uint64_t seen;
  int errors;
  bool stats_timer_open, drop_warned, late_warned;
};

/* Lines collect in h->json and go out in one write of about this size. */
#define OUT_CHUNK (1 << 16)

static void report(struct headless *h, enum mcw_event_type type,
                   const char *message);

/* Hands the collected lines to the output; bulk: datagram lines. */
static void drain_as(struct headless *h, bool bulk) {
  /* An output error inside the write may stop the session, whose summary
     then renders after these lines and is dropped with them. */
  if (h->json.len > 0)
    mcw_output_write(&h->out, h->json.buf, h->json.len, bulk);
  mcw_json_reset(&h->json);
  if (!h->drop_warned && mcw_output_dropped(&h->out) > 0) {
    h->drop_warned = true;
    report(h, MCW_EV_WARNING,
           "standard output is not keeping up; dropping whole lines, "
           "counted as output_dropped");
  }
}

static void drain(struct headless *h) { drain_as(h, true); }

static void emit_line(struct headless *h) {
  mcw_json_end_line(&h->json);
  if (h->json.len >= OUT_CHUNK)
    drain(h);
}

/* Stdout failed (a closed pipe, a full disk): nothing more can be said
   there, so say it on stderr and stop. */
static void on_output_error(void *ctx, int err) {
  struct headless *h = ctx;

  fprintf(stderr, "mcwatch: standard output: %s; stopping\n", strerror(-err));
  mcw_session_stop(&h->session, "output error");
}

/* Recording failed: close the file (cut after the last whole record),
   keep the figures, and say so at once. */
static void capture_failed(struct headless *h, int err) {
  char msg[MCW_ESC_MAX(512) + 200], path[MCW_ESC_MAX(512)];

  h->cap_error = err;
  mcw_strlcpy(path, mcw_capture_path(h->capture), sizeof(path));
  (void)mcw_capture_close(h->capture, &h->cap);
  h->capture = NULL;
  snprintf(msg, sizeof(msg),
           "--write %s: %s; recording stopped with %llu datagrams in the "
           "file, %llu not written",
           path, strerror(-err), (unsigned long long)h->cap.written,
           (unsigned long long)h->cap.not_written);
  report(h, MCW_EV_ERROR, msg);
}

/* Writes the ripe records; says once when some came too late to order. */
static void capture_tick(struct headless *h) {
  struct mcw_capture_stats st;
  int r;

  if (h->capture == NULL)
    return;
  r = mcw_capture_flush(h->capture, mcw_mono_ns());
  if (r < 0) {
    capture_failed(h, r);
    return;
  }
  mcw_capture_stats(h->capture, &st);
  if (st.late > 0 && !h->late_warned) {
    char msg[MCW_ESC_MAX(512) + 200];
    h->late_warned = true;
    snprintf(msg, sizeof(msg),
             "--write %s: a datagram came too late to be put in time "
             "order; it is in the file out of order (counted as late)",
             mcw_capture_path(h->capture));
    report(h, MCW_EV_WARNING, msg);
  }
}

static const char *iface_name(const struct mcw_group *g, unsigned index,
                              char *buf) {
  if (index == 0)
    return "";
  if (index == g->ep.ifindex)
    return g->ep.iface;
  return if_indextoname(index, buf) ? buf : "?";
}

static void on_datagram(void *ctx, struct mcw_group *g,
                        const struct mcw_datagram *d) {
  struct headless *h = ctx;
  char ifbuf[IF_NAMESIZE];

  h->seen++;
  if (h->capture != NULL) {
    int r = mcw_capture_write(h->capture, g, d, mcw_mono_ns());
    if (r < 0)
      capture_failed(h, r);
  }
  if (!h->session.opt->stats_only) {
    mcw_jsonl_datagram(&h->json, g, d, iface_name(g, d->ifindex, ifbuf),
                       h->session.opt->engine.group.snap);
    emit_line(h);
  }
  if (h->session.opt->count > 0 && h->seen >= h->session.opt->count)
    mcw_session_stop(&h->session, "count");
}

static void on_event(void *ctx, const struct mcw_event *ev) {
  static const char *names[] = {"join", "leave", "error", "warning", "iface"};
  struct headless *h = ctx;

  if (ev->type == MCW_EV_ERROR)
    h->errors++;
  drain(h); /* what came before goes first, as bulk */
  if (ev->type == MCW_EV_IFACE)
    mcw_jsonl_iface(&h->json, ev->iface, ev->ifindex, ev->change, ev->addr,
                    ev->message, mcw_wall_ns());
  else
    mcw_jsonl_event(&h->json, names[ev->type], ev->group, ev->message,
                    mcw_wall_ns());
  mcw_json_end_line(&h->json);
  drain_as(h, false);
  if (ev->type == MCW_EV_ERROR)
    mcw_cli_warn("%s", ev->message); /* may quote a name: escaped */
}

/* An alarm raised or cleared, as its own line (docs/JSON.md). */
static void on_alarm(struct mcw_session *s, struct mcw_group *g,
                     const struct mcw_alarm_event *ev) {
  struct headless *h = s->ctx;

  drain(h);
  mcw_jsonl_alarm(&h->json, g, ev, mcw_wall_ns());
  mcw_json_end_line(&h->json);
  drain_as(h, false);
}

/* A SAP session announced, deleted or expired (--sap; docs/JSON.md). */
static void on_sap(struct mcw_session *s, const struct mcw_sap_session *ss,
                   enum mcw_sap_state st) {
  struct headless *h = s->ctx;

  drain(h);
  mcw_jsonl_sap_session(&h->json, ss, st, mcw_wall_ns());
  mcw_json_end_line(&h->json);
  drain_as(h, false);
}

/* An IGMP/MLD message heard, and the querier when it changed; the host's
 * own reports are not written (docs/JSON.md). */
static void on_igmp(struct mcw_session *s, const struct mcw_igmp_link *l,
                    const struct mcw_igmp_msg *m, const struct mcw_addr *src,
                    bool self, unsigned flags) {
  struct headless *h = s->ctx;

  if (self && m->type != MCW_IGMP_QUERY)
    return;
  drain(h);
  mcw_jsonl_igmp(&h->json, l, m, src, self, mcw_wall_ns());
  mcw_json_end_line(&h->json);
  if (flags & MCW_IGMP_NEW_QUERIER) {
    mcw_jsonl_querier(&h->json, l, mcw_wall_ns());
    mcw_json_end_line(&h->json);
  }
  drain_as(h, false);
}

/* A querier alarm raised or cleared. */
static void on_querier_alarm(struct mcw_session *s,
                             const struct mcw_igmp_link *l,
                             const struct mcw_querier_event *ev) {
  struct headless *h = s->ctx;

  drain(h);
  mcw_jsonl_querier_alarm(&h->json, l, ev, mcw_wall_ns());
  mcw_json_end_line(&h->json);
  drain_as(h, false);
}

/* An event of mcwatch's own (not the engine's). */
static void report(struct headless *h, enum mcw_event_type type,
                   const char *message) {
  struct mcw_event ev;

  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.message = message;
  on_event(h, &ev);
  if (type == MCW_EV_WARNING)
    fprintf(stderr, "mcwatch: warning: %s\n", message);
}

static void on_stats(uv_timer_t *t) {
  struct headless *h = t->data;
  struct mcw_engine *e = h->session.engine;
  int64_t mono = mcw_mono_ns(), wall = mcw_wall_ns();
  struct mcw_group_stats st;

  drain(h);
  mcw_engine_refresh_drops(e);
  for (size_t i = 0; i < mcw_engine_count(e); i++) {
    struct mcw_group *g = mcw_engine_group(e, i);
    if (g->state != MCW_GROUP_JOINED)
      continue;
    mcw_group_stats(g, mono, &st);
    mcw_jsonl_stats(&h->json, g, &st, mcw_output_dropped(&h->out), wall);
    mcw_json_end_line(&h->json);
  }
  drain_as(h, false);
}

static void on_flush(uv_check_t *c) {
  struct headless *h = c->data;

  capture_tick(h);
  drain(h);
}

static void on_capture_timer(uv_timer_t *t) { capture_tick(t->data); }

/* The summary's "capture" object: what is really in the file. */
static void summary_capture(struct headless *h) {
  const struct mcw_capture_stats *st = &h->cap;

  mcw_json_key(&h->json, "capture");
  mcw_json_open(&h->json);
  mcw_json_key(&h->json, "file");
  mcw_json_str(&h->json, h->session.opt->write);
  mcw_json_key(&h->json, "packets");
  mcw_json_u64(&h->json, st->written);
  mcw_json_key(&h->json, "not_written");
  mcw_json_u64(&h->json, st->not_written);
  mcw_json_key(&h->json, "late");
  mcw_json_u64(&h->json, st->late);
  mcw_json_key(&h->json, "reorder_max_ms");
  mcw_json_double(&h->json, (double)st->reorder_max_ns / 1e6, 3);
  mcw_json_key(&h->json, "error");
  if (h->cap_error != 0)
    mcw_json_str(&h->json, strerror(-h->cap_error));
  else
    mcw_json_null(&h->json);
  mcw_json_close(&h->json);
}

/* The last line: every group's figures and why mcwatch stopped. */
static void on_stop(struct mcw_session *s) {
  struct headless *h = s->ctx;
  struct mcw_engine *e = s->engine;
  int64_t mono = mcw_mono_ns();
  struct mcw_group_stats st;

  /* Every way out passes here: signals, --count, --duration, errors. The
     file is finished first, so the summary counts what is in it. */
  if (h->capture != NULL) {
    int r = mcw_capture_close(h->capture, &h->cap);
    h->capture = NULL;
    if (r < 0)
      capture_failed(h, r);
  }
  drain(h);
  mcw_json_open(&h->json);
  mcw_json_key(&h->json, "event");
  mcw_json_str(&h->json, "summary");
  mcw_jsonl_time(&h->json, mcw_wall_ns());
  mcw_json_key(&h->json, "reason");
  mcw_json_str(&h->json, s->reason);
  mcw_json_key(&h->json, "duration_s");
  mcw_json_double(&h->json, (double)(mono - s->start_mono_ns) / 1e9, 3);
  mcw_json_key(&h->json, "datagrams");
  mcw_json_u64(&h->json, mcw_engine_total(e));
  mcw_json_key(&h->json, "errors");
  mcw_json_u64(&h->json, (uint64_t)h->errors);
  mcw_json_key(&h->json, "output_dropped");
  mcw_json_u64(&h->json, mcw_output_dropped(&h->out));
  mcw_json_key(&h->json, "groups");
  mcw_json_open_array(&h->json);
  for (size_t i = 0; i < mcw_engine_count(e); i++) {
    struct mcw_group *g = mcw_engine_group(e, i);
    mcw_group_stats(g, mono, &st);
    mcw_json_open(&h->json);
    mcw_jsonl_group_fields(&h->json, g);
    mcw_jsonl_figures(&h->json, g, &st);
    if (g->state == MCW_GROUP_ERROR) {
      mcw_json_key(&h->json, "message");
      mcw_json_str(&h->json, g->message);
    }
    mcw_jsonl_outages(&h->json, s->outages, g);
    mcw_json_close(&h->json);
  }
  mcw_json_close_array(&h->json);
  if (s->sapdir != NULL)
    mcw_jsonl_sap_counts(&h->json, s->sapdir);
  if (h->session.opt->write != NULL)
    summary_capture(h);
  mcw_json_close(&h->json);
  mcw_json_end_line(&h->json);
  drain_as(h, false);
  mcw_output_stop(&h->out); /* the rest goes after the loop */

  if (h->stats_timer_open) {
    uv_close((uv_handle_t *)&h->stats_timer, NULL);
    uv_close((uv_handle_t *)&h->capture_timer, NULL);
    uv_close((uv_handle_t *)&h->flush_check, NULL);
    h->stats_timer_open = false;
  }
}

int mcw_run_headless(struct mcw_options *o) {
  struct headless h;
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &h};
  uint64_t late_drops;
  int failed, r;

  memset(&h, 0, sizeof(h));
  if (o->write != NULL) {
    char err[MCW_ESC_MAX(512) + 100];
    h.capture =
        mcw_capture_open(o->write, MCW_CAPTURE_WINDOW_NS, err, sizeof(err));
    if (h.capture == NULL) {
      mcw_cli_warn("--write %s", err); /* the path is escaped */
      return MCW_EXIT_FAILURE;
    }
    /* A reader that goes away must not kill mcwatch before the file is
       closed whole: a closed stdout is then an error like any other. */
    signal(SIGPIPE, SIG_IGN);
  }
  /* The buffer's working size from the start (a batch may pass 64 KiB by
     one line), written once so that its pages are resident now and the
     process's memory does not creep up as bursts come. */
  mcw_json_reserve(&h.json, 2 * OUT_CHUNK - 1);
  memset(h.json.buf, 0, h.json.cap);
  /* Nothing reads a group's history of datagrams without a screen: no
     ring, so no memory touched for it (336 KiB a group by default). */
  o->engine.group.history = 0;
  mcw_session_init(&h.session, o, &hooks);
  h.session.on_stop = on_stop;
  h.session.on_alarm = on_alarm;
  h.session.on_sap = on_sap;
  h.session.on_igmp = on_igmp;
  h.session.on_querier_alarm = on_querier_alarm;
  h.session.ctx = &h;
  mcw_output_init(&h.out, &h.session.loop);
  h.out.on_error = on_output_error;
  h.out.ctx = &h;

  uv_timer_init(&h.session.loop, &h.stats_timer);
  h.stats_timer.data = &h;
  uv_timer_init(&h.session.loop, &h.capture_timer);
  h.capture_timer.data = &h;
  uv_check_init(&h.session.loop, &h.flush_check);
  h.flush_check.data = &h;
  uv_check_start(&h.flush_check, on_flush);
  uv_unref((uv_handle_t *)&h.flush_check);
  h.stats_timer_open = true;

  failed = mcw_session_start(&h.session);
  if (failed > 0) {
    mcw_session_stop(&h.session, "error");
  } else {
    if (o->interval > 0) {
      uint64_t ms = (uint64_t)(o->interval * 1000.0 + 0.5);
      uv_timer_start(&h.stats_timer, on_stats, ms ? ms : 1, ms ? ms : 1);
    }
    if (h.capture != NULL) /* held records go out when traffic stops too */
      uv_timer_start(&h.capture_timer, on_capture_timer, 50, 50);
    drain(&h);
  }
  r = mcw_session_run(&h.session);
  drain(&h);
  late_drops = mcw_output_finish(&h.out, MCW_OUTPUT_EXIT_MS);
  if (late_drops > 0)
    fprintf(stderr,
            "mcwatch: standard output: the reader took too little in %d s; "
            "%llu line%s dropped at exit (the summary among them)\n",
            MCW_OUTPUT_EXIT_MS / 1000, (unsigned long long)late_drops,
            late_drops == 1 ? "" : "s");
  mcw_json_free(&h.json);
  if (failed > 0 || r != 0 || h.out.error != 0 || h.cap_error != 0)
    return MCW_EXIT_FAILURE;
  return MCW_EXIT_OK;
}
