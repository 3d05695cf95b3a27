/*
 * The engine. subs[] holds one subscription per listed group, in the order
 * they were added; a subscription keeps its group (the model) for as long
 * as it is listed. While joined, it has a conn: a non-blocking socket and
 * the uv_poll_t that watches it. Leaving, failing or losing the interface
 * stops the poll, drops the membership and closes the handle; the conn and
 * its socket are freed in the close callback (libuv's rule), so a new conn
 * can be opened at once for a rejoin. mcw_engine_free runs after the loop
 * has drained every close.
 */
#include "mcwatch/engine.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_int.h"
#include "mcwatch/common.h"

#define BATCHES_PER_WAKEUP 16 /* fairness between busy sockets */

int64_t mcw_mono_ns(void) { return (int64_t)uv_hrtime(); }

void mcw_engine_config_default(struct mcw_engine_config *cfg) {
  mcw_group_config_default(&cfg->group);
  cfg->rcvbuf = MCW_RCVBUF_DEFAULT;
  cfg->coalesce_ns = MCW_COALESCE_DEFAULT_NS;
  cfg->watch_ifaces = true;
}

/* Before the loop waits for I/O again: after a wakeup that read a few
   datagrams, nap so that the next one finds several (coalesce.h). */
static void on_prepare(uv_prepare_t *p) {
  struct mcw_engine *e = p->data;
  int64_t nap = mcw_coalesce_next(&e->coalesce, mcw_mono_ns(), e->min_rcvbuf);

  if (nap > 0 && e->deliver) {
    struct timespec ts = {(time_t)(nap / MCW_NS_PER_SEC),
                          (long)(nap % MCW_NS_PER_SEC)};
    (void)nanosleep(&ts, NULL); /* a signal cuts it short: fine */
  }
}

static void on_prepare_closed(uv_handle_t *h) {
  struct mcw_engine *e = h->data;

  e->open_handles--;
}

struct mcw_engine *mcw_engine_new(uv_loop_t *loop,
                                  const struct mcw_engine_config *cfg,
                                  const struct mcw_engine_hooks *hooks) {
  struct mcw_engine *e = mcw_xcalloc(1, sizeof(*e));

  e->loop = loop;
  e->cfg = *cfg;
  e->hooks = *hooks;
  e->deliver = true;
  mcw_batch_init(&e->batch);
  mcw_coalesce_init(&e->coalesce, cfg->coalesce_ns, mcw_mono_ns());
  uv_prepare_init(loop, &e->nap);
  e->nap.data = e;
  uv_prepare_start(&e->nap, on_prepare);
  uv_unref((uv_handle_t *)&e->nap); /* it never keeps the loop alive */
  e->open_handles++;
  if (cfg->watch_ifaces)
    mcw_engine_watch_ifaces(e);
  return e;
}

void mcw_engine_emit(struct mcw_engine *e, const struct mcw_event *ev) {
  if (e->hooks.on_event != NULL)
    e->hooks.on_event(e->hooks.ctx, ev);
}

static void emit(struct mcw_engine *e, enum mcw_event_type type,
                 const struct mcw_group *g, int err, const char *msg) {
  struct mcw_event ev = {.type = type, .group = g, .err = err, .message = msg};
  mcw_engine_emit(e, &ev);
}

/* Closes s's sending socket, if it has one. */
static void close_tx(struct sub *s) {
  if (s->tx == NULL)
    return;
  mcw_tx_close(s->tx);
  free(s->tx);
  s->tx = NULL;
}

void mcw_engine_free(struct mcw_engine *e) {
  if (e == NULL)
    return;
  if (e->open_handles > 0)
    mcw_fatal("internal: engine freed with %u handles open", e->open_handles);
  for (size_t i = 0; i < e->nsubs; i++) {
    close_tx(e->subs[i]);
    mcw_group_free(e->subs[i]->group);
    free(e->subs[i]);
  }
  for (size_t i = 0; i < e->nsvcs; i++) {
    mcw_group_free(e->svcs[i]->group);
    free(e->svcs[i]);
  }
  free(e->subs);
  free(e->svcs);
  free(e->ifs);
  mcw_batch_free(&e->batch);
  free(e);
}

static void on_conn_closed(uv_handle_t *h) {
  struct conn *c = h->data;

  close(c->fd);
  c->eng->open_handles--;
  free(c);
}

/* True when d belongs to s: its group and source, on the interface chosen. */
static bool ours(const struct sub *s, const struct mcw_datagram *d) {
  const struct mcw_endpoint *ep = &s->group->ep;

  if (d->dst.family != 0 && !mcw_addr_same_host(&d->dst, &ep->group))
    return false; /* IPV6_MULTICAST_ALL missing (Linux < 4.20) */
  if (ep->ifindex != 0 && d->ifindex != 0 && d->ifindex != ep->ifindex)
    return false;
  if (mcw_endpoint_has_source(ep) && !mcw_addr_same_host(&d->src, &ep->source))
    return false;
  return true;
}

/* Reads the socket's drop counter: the cmsg copy only moves with traffic. */
static void refresh_drops(struct sub *s) {
  int64_t drops = s->conn != NULL ? mcw_msock_drops(s->conn->fd) : -1;
  if (drops >= 0)
    mcw_group_set_kernel_drops(s->group, (uint64_t)drops);
}

void mcw_engine_disconnect(struct sub *s, bool leave) {
  struct conn *c = s->conn;

  if (c == NULL)
    return;
  refresh_drops(s);
  uv_poll_stop(&c->poll);
  if (leave)
    mcw_msock_leave(c->fd, &s->group->ep);
  c->sub = NULL;
  s->conn = NULL;
  uv_close((uv_handle_t *)&c->poll, on_conn_closed);
}

static void fail_sub(struct sub *s, int err, const char *what) {
  char msg[sizeof(s->group->message)];
  char ep[128];

  snprintf(msg, sizeof(msg), "%s: %s: %s",
           mcw_endpoint_format(&s->group->ep, ep, sizeof(ep)), what,
           uv_strerror(err));
  mcw_engine_disconnect(s, true);
  s->group->state = MCW_GROUP_ERROR;
  mcw_strlcpy(s->group->message, msg, sizeof(s->group->message));
  emit(s->eng, MCW_EV_ERROR, s->group, err, msg);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  struct conn *c = h->data;
  struct mcw_engine *e = c->eng;
  struct mcw_datagram d;
  uint32_t got = 0;
  uint64_t bytes = 0;
  bool full = false;

  if (c->sub == NULL)
    return;
  if (status < 0) {
    fail_sub(c->sub, status, "receive");
    return;
  }
  for (int b = 0; b < BATCHES_PER_WAKEUP && c->sub != NULL && e->deliver; b++) {
    int n = mcw_batch_recv(&e->batch, c->fd);
    int64_t now = mcw_mono_ns();

    if (n < 0) {
      mcw_coalesce_note(&e->coalesce, got, bytes, full);
      fail_sub(c->sub, n, "receive");
      return;
    }
    got += (uint32_t)n;
    full = full || n == MCW_BATCH;
    for (int i = 0; i < n && c->sub != NULL && e->deliver; i++) {
      struct mcw_group *g = c->sub->group;
      int64_t drops = mcw_batch_get(&e->batch, i, &d);
      bytes += d.len;
      if (drops >= 0)
        mcw_group_set_kernel_drops(g, (uint64_t)drops);
      if (!ours(c->sub, &d)) {
        g->ignored++;
        continue;
      }
      if (c->sub->rx != NULL) { /* a service: its receiver alone */
        c->sub->rx(c->sub->rx_ctx, &d);
        continue;
      }
      mcw_group_account(g, &d, now);
      e->total++;
      if (e->hooks.on_datagram != NULL)
        e->hooks.on_datagram(e->hooks.ctx, g, &d);
    }
    if (n < MCW_BATCH)
      break;
  }
  mcw_coalesce_note(&e->coalesce, got, bytes, full);
}

int mcw_engine_connect(struct sub *s, char *err, size_t errlen) {
  struct mcw_engine *e = s->eng;
  struct mcw_msock_info info;
  struct conn *c;
  char text[160];
  int fd, r;

  fd = mcw_msock_open(&s->group->ep, e->cfg.rcvbuf, &info, err, errlen);
  if (fd < 0)
    return fd;
  c = mcw_xcalloc(1, sizeof(*c));
  c->eng = e;
  c->fd = fd;
  r = uv_poll_init_socket(e->loop, &c->poll, fd);
  if (r < 0) {
    snprintf(err, errlen, "%s: watch socket: %s",
             mcw_endpoint_format(&s->group->ep, text, sizeof(text)),
             uv_strerror(r));
    close(fd);
    free(c);
    return r;
  }
  c->poll.data = c;
  c->sub = s;
  s->conn = c;
  e->open_handles++;
  mcw_group_new_socket(s->group);
  s->group->rcvbuf = info.rcvbuf;
  if (info.rcvbuf > 0 && (e->min_rcvbuf == 0 || info.rcvbuf < e->min_rcvbuf))
    e->min_rcvbuf = info.rcvbuf;
  uv_poll_start(&c->poll, UV_READABLE, on_readable);
  return 0;
}

static void add_sub(struct mcw_engine *e, struct sub *s) {
  if (e->nsubs == e->cap) {
    e->cap = e->cap ? e->cap * 2 : 8;
    e->subs = mcw_xrealloc(e->subs, e->cap * sizeof(*e->subs));
  }
  e->subs[e->nsubs++] = s;
}

/*
 * Opens s's socket and says how it went: state JOINED and a join event
 * ("verb ENDPOINT"), plus warnings, or state ERROR and an error event.
 */
static int start_sub(struct mcw_engine *e, struct sub *s, const char *verb,
                     char *err, size_t errlen) {
  const struct mcw_endpoint *ep = &s->group->ep;
  char text[200], eptext[128];
  int r;

  r = mcw_engine_connect(s, err, errlen);
  if (r < 0) {
    s->group->state = MCW_GROUP_ERROR;
    mcw_strlcpy(s->group->message, err, sizeof(s->group->message));
    emit(e, MCW_EV_ERROR, s->group, r, err);
    return r;
  }
  s->group->state = MCW_GROUP_JOINED;
  s->group->message[0] = '\0';
  snprintf(text, sizeof(text), "%s %s", verb,
           mcw_endpoint_format(ep, eptext, sizeof(eptext)));
  emit(e, MCW_EV_JOIN, s->group, 0, text);
  if (ep->group.family == AF_INET6 &&
      (mcw_engine_iface_flags(ep->iface) & IFF_LOOPBACK))
    emit(e, MCW_EV_WARNING, s->group, 0,
         "Linux does not deliver IPv6 multicast on loopback: nothing will "
         "arrive here; use a veth pair or a real interface");
  if (e->cfg.rcvbuf > 0 && s->group->rcvbuf > 0 &&
      s->group->rcvbuf / 2 < e->cfg.rcvbuf) {
    snprintf(text, sizeof(text),
             "receive buffer capped at %d bytes (asked %d); raise "
             "net.core.rmem_max",
             s->group->rcvbuf / 2, e->cfg.rcvbuf);
    emit(e, MCW_EV_WARNING, s->group, 0, text);
  }
  return 0;
}

int mcw_engine_join(struct mcw_engine *e, const struct mcw_endpoint *ep,
                    char *err, size_t errlen) {
  struct sub *s = mcw_xcalloc(1, sizeof(*s));
  int r;

  s->eng = e;
  s->group = mcw_group_new(ep, &e->cfg.group, mcw_mono_ns());
  add_sub(e, s);
  mcw_engine_track_iface(e, ep);
  r = start_sub(e, s, "joined", err, errlen);
  return r < 0 ? r : (int)(e->nsubs - 1);
}

int mcw_engine_listen(struct mcw_engine *e, const struct mcw_endpoint *ep,
                      mcw_engine_rx_fn rx, void *ctx, char *err,
                      size_t errlen) {
  struct mcw_group_config small = {.history = 1, .snap = 1, .max_senders = 1};
  struct sub *s = mcw_xcalloc(1, sizeof(*s));
  int r;

  s->eng = e;
  s->group = mcw_group_new(ep, &small, mcw_mono_ns());
  s->rx = rx;
  s->rx_ctx = ctx;
  r = mcw_engine_connect(s, err, errlen);
  if (r < 0) {
    mcw_group_free(s->group);
    free(s);
    return r;
  }
  s->group->state = MCW_GROUP_JOINED;
  e->svcs = mcw_xrealloc(e->svcs, (e->nsvcs + 1) * sizeof(*e->svcs));
  e->svcs[e->nsvcs++] = s;
  mcw_engine_track_iface(e, ep); /* followed like a group's */
  return 0;
}

int mcw_engine_rejoin(struct mcw_engine *e, size_t i,
                      const struct mcw_endpoint *ep, char *err, size_t errlen) {
  struct sub *s;

  if (i >= e->nsubs)
    return -ENOENT;
  s = e->subs[i];
  /* The old membership goes first; its kernel drops are carried over. */
  mcw_engine_disconnect(s, true);
  if (ep != NULL) {
    close_tx(s); /* the next send goes out of the new interface */
    s->group->ep = *ep;
    mcw_engine_track_iface(e, ep);
  }
  return start_sub(e, s, "rejoined", err, errlen);
}

int mcw_engine_send(struct mcw_engine *e, size_t i, const void *data,
                    size_t len, int ttl, char *err, size_t errlen) {
  struct sub *s;
  char ep[128];
  int r;

  if (i >= e->nsubs) {
    snprintf(err, errlen, "no such group");
    return -ENOENT;
  }
  s = e->subs[i];
  if (s->tx != NULL && s->tx_ifindex != s->group->ep.ifindex)
    close_tx(s); /* its interface was re-created with a new index */
  if (s->tx == NULL) {
    s->tx = mcw_xcalloc(1, sizeof(*s->tx));
    r = mcw_tx_open(s->tx, &s->group->ep, ttl, true, err, errlen);
    if (r < 0) {
      free(s->tx);
      s->tx = NULL;
      return r;
    }
    s->tx_ifindex = s->group->ep.ifindex;
  }
  r = mcw_tx_send(s->tx, data, len);
  if (r < 0)
    snprintf(err, errlen, "send to %s via %s: %s",
             mcw_endpoint_format(&s->group->ep, ep, sizeof(ep)),
             s->group->ep.iface[0] ? s->group->ep.iface : "default",
             strerror(-r));
  return r;
}

int mcw_engine_leave(struct mcw_engine *e, size_t i) {
  struct sub *s;
  char text[160], ep[128];

  if (i >= e->nsubs)
    return -ENOENT;
  s = e->subs[i];
  if (s->group->state != MCW_GROUP_JOINED &&
      s->group->state != MCW_GROUP_WAITING)
    return 0;
  mcw_engine_disconnect(s, true);
  close_tx(s);
  s->group->state = MCW_GROUP_LEFT;
  snprintf(text, sizeof(text), "left %s",
           mcw_endpoint_format(&s->group->ep, ep, sizeof(ep)));
  emit(e, MCW_EV_LEAVE, s->group, 0, text);
  return 0;
}

int mcw_engine_remove(struct mcw_engine *e, size_t i) {
  struct sub *s;

  if (i >= e->nsubs)
    return -ENOENT;
  mcw_engine_leave(e, i);
  s = e->subs[i];
  mcw_engine_disconnect(s, true); /* an error state may keep nothing open */
  close_tx(s);
  memmove(&e->subs[i], &e->subs[i + 1], (e->nsubs - i - 1) * sizeof(*e->subs));
  e->nsubs--;
  mcw_group_free(s->group);
  free(s);
  return 0;
}

int mcw_engine_find(const struct mcw_engine *e, const struct mcw_endpoint *ep) {
  for (size_t i = 0; i < e->nsubs; i++) {
    const struct mcw_endpoint *o = &e->subs[i]->group->ep;
    if (mcw_addr_equal(&o->group, &ep->group) &&
        mcw_addr_same_host(&o->source, &ep->source) &&
        o->source.family == ep->source.family && o->ifindex == ep->ifindex)
      return (int)i;
  }
  return -1;
}

size_t mcw_engine_count(const struct mcw_engine *e) { return e->nsubs; }

struct mcw_group *mcw_engine_group(const struct mcw_engine *e, size_t i) {
  return i < e->nsubs ? e->subs[i]->group : NULL;
}

uint64_t mcw_engine_total(const struct mcw_engine *e) { return e->total; }

void mcw_engine_report(struct mcw_engine *e, enum mcw_event_type type, int err,
                       const char *message) {
  emit(e, type, NULL, err, message);
}

void mcw_engine_refresh_drops(struct mcw_engine *e) {
  for (size_t i = 0; i < e->nsubs; i++)
    refresh_drops(e->subs[i]);
}

void mcw_engine_pause_delivery(struct mcw_engine *e) { e->deliver = false; }

void mcw_engine_close(struct mcw_engine *e) {
  if (e->closing)
    return;
  e->deliver = false;
  for (size_t i = 0; i < e->nsubs; i++) {
    mcw_engine_leave(e, i);
    close_tx(e->subs[i]); /* a failed or left group may still send */
  }
  for (size_t i = 0; i < e->nsvcs; i++)
    mcw_engine_disconnect(e->svcs[i], true);
  mcw_ifwatch_close(e->watch);
  e->watch = NULL;
  uv_close((uv_handle_t *)&e->nap, on_prepare_closed);
  e->closing = true;
}
