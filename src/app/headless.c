/*
 * Headless mode: the session's events as JSON lines on stdout (schema in
 * docs/JSON.md). Datagram lines are written as they arrive (unless
 * --stats-only), stats lines on a timer, and one summary line at the end.
 * Lines collect in one buffer that goes to stdout (unbuffered) in a single
 * write after each wakeup's worth of output, or every 64 KiB, so a fast
 * stream costs one write per batch, not per datagram.
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/capture.h"
#include "mcwatch/common.h"
#include "mcwatch/jsonl.h"
#include "mcwatch/msock.h"

struct headless {
  struct mcw_session session;
  struct mcw_json json;
  uv_timer_t stats_timer;
  uv_check_t flush_check;
  struct mcw_capture *capture; /* --write, or NULL */
  uint64_t seen;
  int errors;
  bool stats_timer_open;
};

/* Lines collect in h->json and go out in one write of about this size. */
#define OUT_CHUNK (1 << 16)

/* Hands the collected lines to stdout (unbuffered: one write). */
static void drain(struct headless *h) {
  if (h->json.len > 0)
    fwrite(h->json.buf, 1, h->json.len, stdout);
  mcw_json_reset(&h->json);
}

static void emit_line(struct headless *h) {
  mcw_json_end_line(&h->json);
  if (h->json.len >= OUT_CHUNK)
    drain(h);
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
  if (h->capture != NULL)
    (void)mcw_capture_write(h->capture, g, d);
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
  if (ev->type == MCW_EV_IFACE)
    mcw_jsonl_iface(&h->json, ev->iface, ev->ifindex, ev->change, ev->addr,
                    ev->message, mcw_wall_ns());
  else
    mcw_jsonl_event(&h->json, names[ev->type], ev->group, ev->message,
                    mcw_wall_ns());
  emit_line(h);
  if (ev->type == MCW_EV_ERROR)
    mcw_cli_warn("%s", ev->message); /* may quote a name: escaped */
}

static void on_stats(uv_timer_t *t) {
  struct headless *h = t->data;
  struct mcw_engine *e = h->session.engine;
  int64_t mono = mcw_mono_ns(), wall = mcw_wall_ns();
  struct mcw_group_stats st;

  mcw_engine_refresh_drops(e);
  for (size_t i = 0; i < mcw_engine_count(e); i++) {
    struct mcw_group *g = mcw_engine_group(e, i);
    if (g->state != MCW_GROUP_JOINED)
      continue;
    mcw_group_stats(g, mono, &st);
    mcw_jsonl_stats(&h->json, g, &st, wall);
    emit_line(h);
  }
  drain(h);
}

static void on_flush(uv_check_t *c) {
  struct headless *h = c->data;

  drain(h);
  mcw_capture_flush(h->capture);
}

/* The last line: every group's figures and why mcwatch stopped. */
static void on_stop(struct mcw_session *s) {
  struct headless *h = s->ctx;
  struct mcw_engine *e = s->engine;
  int64_t mono = mcw_mono_ns();
  struct mcw_group_stats st;

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
    mcw_json_close(&h->json);
  }
  mcw_json_close_array(&h->json);
  if (h->capture != NULL) {
    mcw_json_key(&h->json, "capture");
    mcw_json_open(&h->json);
    mcw_json_key(&h->json, "file");
    mcw_json_str(&h->json, mcw_capture_path(h->capture));
    mcw_json_key(&h->json, "packets");
    mcw_json_u64(&h->json, mcw_capture_count(h->capture));
    mcw_json_close(&h->json);
  }
  mcw_json_close(&h->json);
  emit_line(h);
  drain(h);
  /* Every way out passes here: signals, --count, --duration, errors. */
  mcw_capture_close(h->capture);
  h->capture = NULL;

  if (h->stats_timer_open) {
    uv_close((uv_handle_t *)&h->stats_timer, NULL);
    uv_close((uv_handle_t *)&h->flush_check, NULL);
    h->stats_timer_open = false;
  }
}

int mcw_run_headless(struct mcw_options *o) {
  struct headless h;
  struct mcw_engine_hooks hooks = {on_datagram, on_event, &h};
  int failed, r;

  memset(&h, 0, sizeof(h));
  /* stdout gets whole batches from h.json: stdio's own buffer would only
     copy them once more. */
  setvbuf(stdout, NULL, _IONBF, 0);
  if (o->write != NULL) {
    char err[600];
    h.capture = mcw_capture_open(o->write, err, sizeof(err));
    if (h.capture == NULL) {
      mcw_cli_warn("--write %s", err); /* the path is escaped */
      return MCW_EXIT_FAILURE;
    }
  }
  /* The buffer's working size from the start (a batch may pass 64 KiB by
     one line), written once so that its pages are resident now and the
     process's memory does not creep up as bursts come. */
  mcw_json_reserve(&h.json, 2 * OUT_CHUNK - 1);
  memset(h.json.buf, 0, h.json.cap);
  mcw_session_init(&h.session, o, &hooks);
  h.session.on_stop = on_stop;
  h.session.ctx = &h;

  uv_timer_init(&h.session.loop, &h.stats_timer);
  h.stats_timer.data = &h;
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
    drain(&h);
  }
  r = mcw_session_run(&h.session);
  drain(&h);
  mcw_json_free(&h.json);
  if (failed > 0 || r != 0)
    return MCW_EXIT_FAILURE;
  return MCW_EXIT_OK;
}
