/*
 * The engine. subs[] holds one subscription per listed group, in the order
 * they were added. A joined subscription owns a non-blocking socket and a
 * uv_poll_t embedded in the subscription; leaving stops the poll, drops the
 * membership and closes the handle, and the socket is closed in the close
 * callback. The subscription memory itself is freed only after its handle
 * has closed (libuv's rule); mcw_engine_free runs after the loop drained.
 */
#include "mcwatch/engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "mcwatch/msock.h"

#define BATCHES_PER_WAKEUP 16 /* fairness between busy sockets */

struct sub {
  struct mcw_engine *eng;
  struct mcw_group *group;
  int fd;
  uv_poll_t poll;
  bool open;     /* fd and poll handle live */
  bool detached; /* removed from the list; free once closed */
};

struct mcw_engine {
  uv_loop_t *loop;
  struct mcw_engine_config cfg;
  struct mcw_engine_hooks hooks;
  struct sub **subs;
  size_t nsubs, cap;
  struct mcw_batch batch;
  uint64_t total;
  unsigned closing_handles;
  bool closing;
  bool deliver;
};

int64_t mcw_mono_ns(void) { return (int64_t)uv_hrtime(); }

void mcw_engine_config_default(struct mcw_engine_config *cfg) {
  mcw_group_config_default(&cfg->group);
  cfg->rcvbuf = MCW_RCVBUF_DEFAULT;
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
  return e;
}

static void emit(struct mcw_engine *e, enum mcw_event_type type,
                 const struct mcw_group *g, int err, const char *msg) {
  struct mcw_event ev = {type, g, err, msg};
  if (e->hooks.on_event != NULL)
    e->hooks.on_event(e->hooks.ctx, &ev);
}

void mcw_engine_free(struct mcw_engine *e) {
  if (e == NULL)
    return;
  if (e->closing_handles > 0)
    mcw_fatal("internal: engine freed with %u handles open",
              e->closing_handles);
  for (size_t i = 0; i < e->nsubs; i++) {
    mcw_group_free(e->subs[i]->group);
    free(e->subs[i]);
  }
  free(e->subs);
  mcw_batch_free(&e->batch);
  free(e);
}

static void on_poll_closed(uv_handle_t *h) {
  struct sub *s = h->data;
  struct mcw_engine *e = s->eng;

  close(s->fd);
  s->fd = -1;
  e->closing_handles--;
  if (s->detached) {
    mcw_group_free(s->group);
    free(s);
  }
}

/* True when d belongs to s: the group it joined, on the interface it chose. */
static bool ours(const struct sub *s, const struct mcw_datagram *d) {
  const struct mcw_endpoint *ep = &s->group->ep;

  if (d->dst.family != 0 && !mcw_addr_same_host(&d->dst, &ep->group))
    return false; /* IPV6_MULTICAST_ALL missing (Linux < 4.20) */
  if (ep->ifindex != 0 && d->ifindex != 0 && d->ifindex != ep->ifindex)
    return false;
  return true;
}

/* Reads the socket's drop counter: the cmsg copy only moves with traffic. */
static void refresh_drops(struct sub *s) {
  int64_t drops = s->open ? mcw_msock_drops(s->fd) : -1;
  if (drops >= 0)
    mcw_group_set_kernel_drops(s->group, (uint64_t)drops);
}

static void stop_sub(struct sub *s, bool leave) {
  if (!s->open)
    return;
  refresh_drops(s);
  s->open = false;
  uv_poll_stop(&s->poll);
  if (leave)
    mcw_msock_leave(s->fd, &s->group->ep);
  s->eng->closing_handles++;
  uv_close((uv_handle_t *)&s->poll, on_poll_closed);
}

static void fail_sub(struct sub *s, int err, const char *what) {
  char msg[sizeof(s->group->message)];
  char ep[128];

  snprintf(msg, sizeof(msg), "%s: %s: %s",
           mcw_endpoint_format(&s->group->ep, ep, sizeof(ep)), what,
           uv_strerror(err));
  stop_sub(s, true);
  s->group->state = MCW_GROUP_ERROR;
  mcw_strlcpy(s->group->message, msg, sizeof(s->group->message));
  emit(s->eng, MCW_EV_ERROR, s->group, err, msg);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  struct sub *s = h->data;
  struct mcw_engine *e = s->eng;
  struct mcw_datagram d;

  if (status < 0) {
    fail_sub(s, status, "receive");
    return;
  }
  for (int b = 0; b < BATCHES_PER_WAKEUP && s->open && e->deliver; b++) {
    int n = mcw_batch_recv(&e->batch, s->fd);
    int64_t now = mcw_mono_ns();

    if (n < 0) {
      fail_sub(s, n, "receive");
      return;
    }
    for (int i = 0; i < n && s->open && e->deliver; i++) {
      int64_t drops = mcw_batch_get(&e->batch, i, &d);
      if (drops >= 0)
        mcw_group_set_kernel_drops(s->group, (uint64_t)drops);
      if (!ours(s, &d)) {
        s->group->ignored++;
        continue;
      }
      mcw_group_account(s->group, &d, now);
      e->total++;
      if (e->hooks.on_datagram != NULL)
        e->hooks.on_datagram(e->hooks.ctx, s->group, &d);
    }
    if (n < MCW_BATCH)
      break;
  }
}

static void add_sub(struct mcw_engine *e, struct sub *s) {
  if (e->nsubs == e->cap) {
    e->cap = e->cap ? e->cap * 2 : 8;
    e->subs = mcw_xrealloc(e->subs, e->cap * sizeof(*e->subs));
  }
  e->subs[e->nsubs++] = s;
}

int mcw_engine_join(struct mcw_engine *e, const struct mcw_endpoint *ep,
                    char *err, size_t errlen) {
  struct sub *s = mcw_xcalloc(1, sizeof(*s));
  struct mcw_msock_info info;
  char text[128];
  int r;

  s->eng = e;
  s->fd = -1;
  s->group = mcw_group_new(ep, &e->cfg.group, mcw_mono_ns());
  add_sub(e, s);

  r = mcw_msock_open(ep, e->cfg.rcvbuf, &info, err, errlen);
  if (r >= 0) {
    s->fd = r;
    r = uv_poll_init_socket(e->loop, &s->poll, s->fd);
    if (r < 0) {
      close(s->fd);
      s->fd = -1;
      snprintf(err, errlen, "%s: watch socket: %s",
               mcw_endpoint_format(ep, text, sizeof(text)), uv_strerror(r));
    }
  }
  if (r < 0) {
    s->group->state = MCW_GROUP_ERROR;
    mcw_strlcpy(s->group->message, err, sizeof(s->group->message));
    emit(e, MCW_EV_ERROR, s->group, r, err);
    return r;
  }
  s->poll.data = s;
  s->open = true;
  s->group->rcvbuf = info.rcvbuf;
  s->group->state = MCW_GROUP_JOINED;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  snprintf(text, sizeof(text), "joined %s",
           mcw_endpoint_format(ep, err, errlen));
  emit(e, MCW_EV_JOIN, s->group, 0, text);
  if (e->cfg.rcvbuf > 0 && info.rcvbuf > 0 && info.rcvbuf / 2 < e->cfg.rcvbuf) {
    snprintf(text, sizeof(text),
             "receive buffer capped at %d bytes (asked %d); raise "
             "net.core.rmem_max",
             info.rcvbuf / 2, e->cfg.rcvbuf);
    emit(e, MCW_EV_WARNING, s->group, 0, text);
  }
  return (int)(e->nsubs - 1);
}

int mcw_engine_leave(struct mcw_engine *e, size_t i) {
  struct sub *s;
  char text[160], ep[128];

  if (i >= e->nsubs)
    return -ENOENT;
  s = e->subs[i];
  if (s->group->state != MCW_GROUP_JOINED)
    return 0;
  stop_sub(s, true);
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
  memmove(&e->subs[i], &e->subs[i + 1], (e->nsubs - i - 1) * sizeof(*e->subs));
  e->nsubs--;
  if (s->fd >= 0) {
    s->detached = true; /* freed by on_poll_closed */
  } else {
    mcw_group_free(s->group);
    free(s);
  }
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

void mcw_engine_report(struct mcw_engine *e, enum mcw_event_type type,
                       int err, const char *message) {
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
  for (size_t i = 0; i < e->nsubs; i++)
    mcw_engine_leave(e, i);
  e->closing = true;
}
