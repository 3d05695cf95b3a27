/*
 * `mcwatch beacon GROUP:PORT...`: who hears whom. Sends probes carrying
 * beacon messages (docs/BEACON.md) to each channel at --rate on the libuv
 * loop, receives with the engine (so every peer's loss, duplicates,
 * reordering, delay and jitter come from the stream trackers), reads the
 * received TTL for hops, and every --report seconds measures its column,
 * ends the matrix's interval, writes the matrix (headless) or marks the
 * screen for redraw, and sends its report in the next probe. With --ssm,
 * a source-specific channel joins each peer found on the any-source
 * channel of the same family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ui/bview.h"
#include "app.h"
#include "beacon_app.h"
#include "cli.h"
#include "mcwatch/beacon.h"
#include "mcwatch/beacon_out.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/httpd.h"
#include "mcwatch/jsonl.h"
#include "mcwatch/msock.h"
#include "mcwatch/probe.h"
#include "mcwatch/tx.h"
#include "output.h"

/* The channel a group of the engine belongs to; NULL when none. */
static struct mcw_bchan *chan_of(struct mcw_beacon_app *b,
                                 const struct mcw_group *g) {
  for (size_t i = 0; i < b->nch; i++) {
    struct mcw_bchan *c = &b->ch[i];
    if (mcw_addr_equal(&c->ep.group, &g->ep.group) &&
        c->ep.ifindex == g->ep.ifindex)
      return c;
  }
  return NULL;
}

static void say(struct mcw_beacon_app *b, const char *type, const char *msg) {
  char esc[600];

  mcw_escape((const uint8_t *)msg, strlen(msg), esc, sizeof(esc),
             MCW_ESC_MESSAGE);
  if (b->headless) {
    mcw_json_reset(&b->json);
    mcw_jsonl_event(&b->json, type, NULL, esc, mcw_wall_ns());
    mcw_json_raw(&b->json, "\n", 1);
    mcw_output_write(&b->out, b->json.buf, b->json.len, false);
  } else {
    mcw_strlcpy(b->status, esc, sizeof(b->status));
    if (b->view != NULL)
      mcw_bview_dirty(b->view);
  }
}

/* Joins the SSM channels that follow c for a newly seen peer address. */
static void follow_peer(struct mcw_beacon_app *b, size_t asm_i,
                        const struct mcw_addr *src) {
  for (size_t k = 0; k < b->nch; k++) {
    struct mcw_bchan *s = &b->ch[k];
    struct mcw_endpoint ep;
    char err[256];
    bool known = false;

    if (!s->ssm || s->follows != (int)asm_i ||
        src->family != s->ep.group.family)
      continue;
    for (size_t j = 0; j < s->nsources && !known; j++)
      known = mcw_addr_equal(&s->sources[j], src);
    if (known)
      continue;
    if (s->nsources == MCW_BEACON_SOURCES) {
      say(b, "warning", "source-specific channel: too many sources");
      continue;
    }
    s->sources[s->nsources++] = *src;
    ep = s->ep;
    ep.source = *src;
    (void)mcw_engine_join(b->engine, &ep, err, sizeof(err));
  }
}

static void on_datagram(void *ctx, struct mcw_group *g,
                        const struct mcw_datagram *d) {
  struct mcw_beacon_app *b = ctx;
  struct mcw_bchan *c = chan_of(b, g);
  static struct mcw_beacon_msg msg;
  struct mcw_probe p;
  struct mcw_addr host;
  int i;

  if (c == NULL || mcw_probe_decode(d->data, d->caplen, d->len, &p) != 0 ||
      p.text_avail == 0 || mcw_beacon_decode(p.text, p.text_avail, &msg) != 0)
    return;
  i = mcw_bmatrix_heard(c->m, &msg, &d->src, mcw_mono_ns());
  if (i < 0)
    return;
  c->has_rttl[i] = d->has_ttl;
  c->rttl[i] = d->ttl;
  if (!c->ssm) {
    host = d->src;
    host.port = 0;
    follow_peer(b, (size_t)(c - b->ch), &host);
  }
}

static void on_event(void *ctx, const struct mcw_event *ev) {
  struct mcw_beacon_app *b = ctx;

  if (ev->type == MCW_EV_ERROR || ev->type == MCW_EV_WARNING)
    say(b, ev->type == MCW_EV_ERROR ? "error" : "warning", ev->message);
}

/* This beacon's measurement of every peer it hears on channel c. */
static void measure(struct mcw_beacon_app *b, struct mcw_bchan *c,
                    int64_t now) {
  size_t ng = mcw_engine_count(b->engine);

  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    const struct mcw_beacon_peer *p = mcw_bmatrix_peer(c->m, i);
    struct mcw_stream_figures sf;
    struct mcw_bcell_figs f;
    struct mcw_sender *s = NULL;

    if (p == NULL || p->self || !p->heard)
      continue;
    for (size_t k = 0; k < ng && s == NULL; k++) {
      struct mcw_group *g = mcw_engine_group(b->engine, k);
      if (chan_of(b, g) == c)
        s = mcw_senders_find(&g->senders, &p->addr);
    }
    if (s == NULL)
      continue;
    mcw_stream_figures(&s->stream, &sf);
    if (!sf.tracked)
      continue;
    memset(&f, 0, sizeof(f));
    f.received = sf.received;
    f.lost = sf.lost;
    f.dup = sf.dup;
    f.reordered = sf.reordered;
    f.has_delay = sf.has_latency;
    f.delay_ms = sf.lat_mean_ms;
    f.delay_max_ms = sf.lat_max_ms;
    f.has_jitter = sf.has_jitter;
    f.jitter_ms = sf.jitter_ms;
    f.has_hops = c->has_rttl[i] && c->rttl[i] <= p->ttl;
    f.hops = f.has_hops ? (uint8_t)(p->ttl - c->rttl[i]) : 0;
    mcw_bmatrix_measure(c->m, i, &f, now);
  }
}

static void views(struct mcw_beacon_app *b, struct mcw_beacon_view *v) {
  for (size_t i = 0; i < b->nch; i++) {
    v[i].m = b->ch[i].m;
    v[i].group = b->ch[i].text;
    v[i].ssm = b->ch[i].ssm;
  }
}

static void on_report(uv_timer_t *t) {
  struct mcw_beacon_app *b = t->data;
  struct mcw_beacon_view v[MCW_BEACON_CHANNELS];
  int64_t now = mcw_mono_ns(), wall = mcw_wall_ns();

  views(b, v);
  for (size_t i = 0; i < b->nch; i++) {
    struct mcw_bchan *c = &b->ch[i];
    measure(b, c, now);
    mcw_bmatrix_tick(c->m, now);
    c->report_due = true;
    if (b->headless) {
      mcw_json_reset(&b->json);
      mcw_beacon_json(&b->json, &v[i], wall, now);
      mcw_output_write(&b->out, b->json.buf, b->json.len, false);
    }
  }
  if (b->view != NULL)
    mcw_bview_dirty(b->view);
}

static void on_probe(uv_timer_t *t) {
  struct mcw_beacon_app *b = t->data;
  static struct mcw_beacon_msg msg;
  static uint8_t text[MCW_BEACON_MSG_MAX];
  static uint8_t dgram[MCW_PROBE_HDR + MCW_BEACON_MSG_MAX];

  for (size_t i = 0; i < b->nch; i++) {
    struct mcw_bchan *c = &b->ch[i];
    struct mcw_probe p = {0};
    int n, len, r;

    if (c->tx.fd < 0)
      continue;
    mcw_bmatrix_message(c->m, (uint8_t)b->ttl, c->report_due, &msg);
    n = mcw_beacon_encode(&msg, text, sizeof(text));
    if (n < 0)
      continue;
    p.version = MCW_PROBE_VERSION;
    p.hdr_len = MCW_PROBE_HDR;
    p.sender_id = c->probe_id;
    p.seq = c->seq;
    p.send_ns = (uint64_t)mcw_wall_ns();
    len = mcw_probe_encode(&p, text, (size_t)n, 0, dgram, sizeof(dgram));
    if (len < 0)
      continue;
    /* A probe the kernel refused (a firewall's drop gives EPERM) keeps its
       sequence number: the receivers count it lost, as it was. */
    r = mcw_tx_send(&c->tx, dgram, (size_t)len);
    c->seq++;
    if (r == 0) {
      c->report_due = false;
    } else {
      c->send_failed++;
      if (c->tx.err != r) {
        char m[300];
        c->tx.err = r;
        snprintf(m, sizeof(m),
                 "%s: a probe was not sent: %s (sending goes on; "
                 "receivers count refused probes as lost)",
                 c->text, strerror(-r));
        say(b, "warning", m);
      }
    }
  }
}

static void stop(struct mcw_beacon_app *b) {
  if (b->stopping)
    return;
  b->stopping = true;
  uv_timer_stop(&b->probe_timer);
  uv_close((uv_handle_t *)&b->probe_timer, NULL);
  uv_close((uv_handle_t *)&b->report_timer, NULL);
  uv_close((uv_handle_t *)&b->duration_timer, NULL);
  for (size_t i = 0; i < MCW_ARRAY_LEN(b->signals); i++)
    uv_close((uv_handle_t *)&b->signals[i], NULL);
  mcw_engine_pause_delivery(b->engine);
  mcw_engine_close(b->engine);
  mcw_httpd_close(b->httpd);
  b->httpd = NULL;
  if (b->view != NULL)
    mcw_bview_close(b->view);
  if (b->headless)
    mcw_output_stop(&b->out);
  for (size_t i = 0; i < b->nch; i++)
    mcw_tx_close(&b->ch[i].tx);
}

static void on_signal(uv_signal_t *h, int signum) {
  (void)signum;
  stop(h->data);
}

static void on_duration(uv_timer_t *t) { stop(t->data); }

static void on_quit(void *ctx) { stop(ctx); }

static int render_metrics(void *ctx, bool senders, char **body, size_t *len) {
  struct mcw_beacon_app *b = ctx;
  struct mcw_beacon_view v[MCW_BEACON_CHANNELS];
  struct mcw_metrics_buf out = {0};

  (void)senders;
  views(b, v);
  mcw_beacon_metrics(&out, v, b->nch, mcw_mono_ns());
  if (out.buf == NULL)
    mcw_metrics_append(&out, "", 0);
  *body = out.buf;
  *len = out.len;
  return 0;
}

/* Opens the senders and joins the any-source channels; false on failure. */
static bool start(struct mcw_beacon_app *b) {
  char err[300];
  bool ok = true;

  for (size_t i = 0; i < b->nch; i++) {
    struct mcw_bchan *c = &b->ch[i];
    c->m =
        mcw_bmatrix_new(b->name, (int64_t)(b->report_s * 1e9), mcw_mono_ns());
    c->probe_id = mcw_cli_random_id();
    if (mcw_tx_open(&c->tx, &c->ep, b->ttl, true, err, sizeof(err)) < 0) {
      fprintf(stderr, "mcwatch beacon: %s\n", err);
      ok = false;
    }
    if (!c->ssm && mcw_engine_join(b->engine, &c->ep, err, sizeof(err)) < 0) {
      fprintf(stderr, "mcwatch beacon: %s\n", err);
      ok = false;
    }
  }
  return ok;
}

int mcw_run_beacon(int argc, char **argv) {
  struct mcw_beacon_app *b = mcw_xcalloc(1, sizeof(*b));
  struct mcw_engine_config cfg;
  struct mcw_engine_hooks hooks = {on_datagram, on_event, b};
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct mcw_beacon_view v[MCW_BEACON_CHANNELS];
  int code = MCW_EXIT_OK;

  mcw_cli_init("mcwatch beacon", "mcwatch beacon --help");
  b->rate = 10;
  b->report_s = 5;
  b->ttl = 8;
  b->color = getenv("NO_COLOR") == NULL || getenv("NO_COLOR")[0] == '\0';
  {
    char host[256] = "";
    size_t n;
    if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0')
      mcw_strlcpy(host, "beacon", sizeof(host));
    /* At most 32 bytes, cut before a UTF-8 continuation byte. */
    n = strnlen(host, MCW_BEACON_NAME_MAX);
    while (n > 1 && ((uint8_t)host[n] & 0xc0) == 0x80)
      n--;
    memcpy(b->name, host, n);
    b->name[n] = '\0';
  }
  mcw_beacon_parse(b, argc, argv);

  uv_loop_init(&b->loop);
  mcw_engine_config_default(&cfg);
  b->engine = mcw_engine_new(&b->loop, &cfg, &hooks);
  if (b->headless)
    mcw_output_init(&b->out, &b->loop);
  for (size_t i = 0; i < MCW_ARRAY_LEN(sigs); i++) {
    uv_signal_init(&b->loop, &b->signals[i]);
    b->signals[i].data = b;
    uv_signal_start(&b->signals[i], on_signal, sigs[i]);
  }
  uv_timer_init(&b->loop, &b->probe_timer);
  uv_timer_init(&b->loop, &b->report_timer);
  uv_timer_init(&b->loop, &b->duration_timer);
  b->probe_timer.data = b->report_timer.data = b->duration_timer.data = b;
  if (!start(b)) {
    code = MCW_EXIT_FAILURE;
    stop(b);
  } else {
    char err[300];
    uint64_t probe_ms = (uint64_t)(1000.0 / b->rate + 0.5);
    uint64_t report_ms = (uint64_t)(b->report_s * 1000.0 + 0.5);
    if (b->metrics) {
      struct mcw_httpd_limits lim;
      mcw_httpd_limits_default(&lim);
      b->httpd = mcw_httpd_start(&b->loop, &b->listen, &lim, render_metrics, b,
                                 err, sizeof(err));
      if (b->httpd == NULL) {
        fprintf(stderr, "mcwatch beacon: --metrics: %s\n", err);
        code = MCW_EXIT_FAILURE;
        stop(b);
      }
    }
    if (!b->stopping && !b->headless) {
      b->view =
          mcw_bview_open(&b->loop, b->color, on_quit, b, err, sizeof(err));
      if (b->view == NULL) {
        fprintf(stderr, "mcwatch beacon: %s\n", err);
        code = MCW_EXIT_USAGE; /* like the monitor: no terminal */
        stop(b);
      } else {
        views(b, v);
        mcw_bview_set(b->view, v, b->nch, b->status);
      }
    }
    if (!b->stopping) {
      uv_timer_start(&b->probe_timer, on_probe, 0, probe_ms ? probe_ms : 1);
      uv_timer_start(&b->report_timer, on_report, report_ms, report_ms);
      if (b->duration > 0)
        uv_timer_start(&b->duration_timer, on_duration,
                       (uint64_t)(b->duration * 1000.0 + 0.5), 0);
    }
  }
  uv_run(&b->loop, UV_RUN_DEFAULT);
  mcw_engine_free(b->engine);
  if (uv_loop_close(&b->loop) != 0)
    fprintf(stderr, "mcwatch beacon: internal: loop not empty at exit\n");
  if (b->view != NULL)
    mcw_bview_free(b->view);
  if (b->headless)
    mcw_output_finish(&b->out, MCW_OUTPUT_EXIT_MS);
  for (size_t i = 0; i < b->nch; i++)
    mcw_bmatrix_free(b->ch[i].m);
  mcw_json_free(&b->json);
  free(b);
  return code;
}
