/*
 * The session: what every mode of mcwatch shares once the command line is
 * understood. It owns the loop and the engine, starts the demo senders,
 * stops on SIGINT, SIGTERM, SIGHUP or after --duration, and tears down in
 * libuv's order: stop, close handles, run the loop until it drains, close
 * the loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "mcwatch/analyzer.h"
#include "mcwatch/chanlist.h"
#include "mcwatch/common.h"
#include "mcwatch/msock.h"

static const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(uv_signal_t *h, int signum) {
  struct mcw_session *s = h->data;
  mcw_session_stop(s, signum == SIGINT    ? "SIGINT"
                      : signum == SIGTERM ? "SIGTERM"
                                          : "SIGHUP");
}

static void on_duration(uv_timer_t *t) {
  mcw_session_stop(t->data, "duration");
}

#define ALARM_TICK_MS 500 /* silence is seen within --silence + 0.5 s */

struct alarm_ctx {
  struct mcw_session *s;
  struct mcw_group *g;
};

/* Logs one alarm transition and passes it to the mode's hook. */
static void on_alarm_event(void *ctx, const struct mcw_alarm_event *ev) {
  struct alarm_ctx *a = ctx;
  char ep[128];

  mcw_outage_record(a->s->outages, a->g,
                    mcw_endpoint_format(&a->g->ep, ep, sizeof(ep)),
                    a->g->ep.label, ev);
  if (a->s->on_alarm != NULL)
    a->s->on_alarm(a->s, a->g, ev);
}

/* The watcher follows the interfaces of the joined groups. */
static void igmp_sync(struct mcw_session *s) {
  if (s->igmp == NULL)
    return;
  mcw_igmpwatch_unmark(s->igmp);
  for (size_t i = 0; i < mcw_engine_count(s->engine); i++) {
    const struct mcw_group *g = mcw_engine_group(s->engine, i);
    if (g->ep.ifindex == 0 ||
        (g->state != MCW_GROUP_JOINED && g->state != MCW_GROUP_JOINING))
      continue;
    mcw_igmpwatch_want(s->igmp, g->ep.iface, g->ep.ifindex, g->ep.group.family,
                       g->ep.source.family != 0);
  }
  mcw_igmpwatch_tick(s->igmp);
}

void mcw_session_alarms(struct mcw_session *s) {
  int64_t mono = mcw_mono_ns(), wall = mcw_wall_ns();

  mcw_engine_refresh_drops(s->engine);
  for (size_t i = 0; i < mcw_engine_count(s->engine); i++) {
    struct alarm_ctx a = {s, mcw_engine_group(s->engine, i)};
    const char *service;
    /* A group with no label takes its TS service name (from the SDT),
       escaped like any label: it came from the network. */
    if (a.g->ep.label[0] == '\0' &&
        (service = mcw_analyzer_service_name(a.g)) != NULL)
      mcw_label_set(a.g->ep.label, service, strlen(service));
    mcw_group_alarms(a.g, &s->opt->alarm, mono, wall, on_alarm_event, &a);
  }
  igmp_sync(s);
}

static void on_igmp_message(void *ctx, const struct mcw_igmp_link *l,
                            const struct mcw_igmp_msg *m,
                            const struct mcw_addr *src, bool self,
                            unsigned flags) {
  struct mcw_session *s = ctx;
  if (s->on_igmp != NULL)
    s->on_igmp(s, l, m, src, self, flags);
}

static void on_igmp_alarm(void *ctx, const struct mcw_igmp_link *l,
                          const struct mcw_querier_event *ev) {
  struct mcw_session *s = ctx;
  if (s->on_querier_alarm != NULL)
    s->on_querier_alarm(s, l, ev);
}

static void on_igmp_notice(void *ctx, const char *text) {
  struct mcw_session *s = ctx;
  mcw_engine_report(s->engine, MCW_EV_WARNING, -EPERM, text);
}

void mcw_session_alarms_forget(struct mcw_session *s, struct mcw_group *g) {
  struct alarm_ctx a = {s, g};
  struct mcw_health h;

  mcw_group_health(g, &h);
  mcw_alarms_reset(&g->alarms, h.lost, mcw_mono_ns(), mcw_wall_ns(),
                   on_alarm_event, &a);
}

static void on_alarm_tick(uv_timer_t *t) {
  mcw_session_alarms(t->data);
  mcw_session_sap_tick(t->data);
}

/* One scrape of /metrics: fresh kernel drop counts, then the exposition. */
static int render_metrics(void *ctx, bool senders, char **body, size_t *len) {
  struct mcw_session *s = ctx;
  struct mcw_metrics_buf b = {0};
  struct mcw_metrics_build build;
  size_t n = mcw_engine_count(s->engine);
  struct mcw_group **groups = mcw_xcalloc(n ? n : 1, sizeof(*groups));
  struct mcw_metrics_input in = {groups,           n,       mcw_mono_ns(),
                                 s->start_wall_ns, senders, &build};
  const struct mcw_igmp_link **links = NULL;
  size_t nlinks = 0;

  mcw_app_build(&build);
  if (s->igmp != NULL) {
    size_t nl = mcw_igmpwatch_count(s->igmp);
    links = mcw_xcalloc(nl ? nl : 1, sizeof(*links));
    for (size_t i = 0; i < nl; i++)
      links[i] = mcw_igmpwatch_link(s->igmp, i);
    nlinks = nl;
  }
  mcw_engine_refresh_drops(s->engine);
  for (size_t i = 0; i < n; i++)
    groups[i] = mcw_engine_group(s->engine, i);
  *len = mcw_metrics_render(&b, &in);
  *len = mcw_metrics_render_igmp(&b, links, nlinks);
  *body = b.buf;
  free(groups);
  free(links);
  return 0;
}

/* Starts the --metrics listener; false (reported) when it cannot. */
static bool start_metrics(struct mcw_session *s) {
  struct mcw_httpd_limits lim;
  char err[300];

  mcw_httpd_limits_default(&lim);
  s->httpd = mcw_httpd_start(&s->loop, &s->opt->metrics_listen, &lim,
                             render_metrics, s, err, sizeof(err));
  if (s->httpd == NULL)
    mcw_engine_report(s->engine, MCW_EV_ERROR, -EADDRNOTAVAIL, err);
  return s->httpd != NULL;
}

void mcw_session_init(struct mcw_session *s, struct mcw_options *o,
                      const struct mcw_engine_hooks *hooks) {
  memset(s, 0, sizeof(*s));
  s->opt = o;
  uv_loop_init(&s->loop);
  s->engine = mcw_engine_new(&s->loop, &o->engine, hooks);
  s->start_mono_ns = mcw_mono_ns();
  s->start_wall_ns = mcw_wall_ns();
  for (size_t i = 0; i < MCW_ARRAY_LEN(stop_signals); i++) {
    uv_signal_init(&s->loop, &s->signals[i]);
    s->signals[i].data = s;
    uv_signal_start(&s->signals[i], on_signal, stop_signals[i]);
  }
  uv_timer_init(&s->loop, &s->duration_timer);
  s->duration_timer.data = s;
  uv_timer_init(&s->loop, &s->alarm_timer);
  s->alarm_timer.data = s;
  s->outages = mcw_xcalloc(1, sizeof(*s->outages));
  if (o->igmp) {
    struct mcw_igmpwatch_hooks h = {on_igmp_message, on_igmp_alarm,
                                    on_igmp_notice, s};
    s->igmp = mcw_igmpwatch_new(&s->loop, &h);
  }
}

int mcw_session_start(struct mcw_session *s) {
  struct mcw_options *o = s->opt;
  char err[256];
  int failed = 0;

  if (o->metrics && !start_metrics(s))
    failed++;
  for (size_t i = 0; i < o->nendpoints; i++)
    if (mcw_engine_join(s->engine, &o->endpoints[i], err, sizeof(err)) < 0)
      failed++;
  failed += mcw_session_sap_start(s);
  if (o->demo && !s->stopping) {
    int g = mcw_engine_find(s->engine, &o->endpoints[0]);
    if (g >= 0 &&
        mcw_engine_group(s->engine, (size_t)g)->state == MCW_GROUP_JOINED) {
      s->demo = mcw_demo_start(&s->loop, &o->endpoints[0], err, sizeof(err));
      if (s->demo == NULL) {
        char msg[300];
        snprintf(msg, sizeof(msg), "demo sender: %s", err);
        mcw_engine_report(s->engine, MCW_EV_ERROR, -1, msg);
        failed++;
      }
    }
  }
  igmp_sync(s); /* the raw sockets open (or the notice comes) at once */
  uv_timer_start(&s->alarm_timer, on_alarm_tick, ALARM_TICK_MS, ALARM_TICK_MS);
  if (o->duration > 0)
    uv_timer_start(&s->duration_timer, on_duration,
                   (uint64_t)(o->duration * 1000.0 + 0.5), 0);
  return failed;
}

void mcw_session_stop(struct mcw_session *s, const char *reason) {
  if (s->stopping)
    return;
  s->stopping = true;
  s->reason = reason;
  mcw_engine_pause_delivery(s->engine);
  mcw_demo_stop(s->demo);
  s->demo = NULL;
  mcw_engine_close(s->engine);
  mcw_httpd_close(s->httpd);
  s->httpd = NULL;
  mcw_igmpwatch_close(s->igmp);
  s->igmp = NULL;
  if (s->on_stop != NULL)
    s->on_stop(s);
  for (size_t i = 0; i < MCW_ARRAY_LEN(stop_signals); i++)
    uv_close((uv_handle_t *)&s->signals[i], NULL);
  uv_close((uv_handle_t *)&s->duration_timer, NULL);
  uv_close((uv_handle_t *)&s->alarm_timer, NULL);
}

int mcw_session_run(struct mcw_session *s) {
  int r;

  /* Returns once stopped and every handle has closed. */
  uv_run(&s->loop, UV_RUN_DEFAULT);
  mcw_engine_free(s->engine);
  s->engine = NULL;
  r = uv_loop_close(&s->loop);
  free(s->outages);
  s->outages = NULL;
  mcw_session_sap_free(s);
  if (r != 0)
    fprintf(stderr, "mcwatch: internal: loop not empty at exit (%s)\n",
            uv_strerror(r));
  return r;
}
