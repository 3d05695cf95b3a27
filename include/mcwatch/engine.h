/*
 * The engine: owns the subscriptions on a libuv loop. Each subscription is
 * one socket watched by a uv_poll_t and drained in recvmmsg batches; every
 * datagram is accounted in its group's model, then offered to the hooks
 * (JSON sink, pcap, ...). The engine never draws and never formats.
 */
#ifndef MCWATCH_ENGINE_H
#define MCWATCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "mcwatch/datagram.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/group.h"

enum mcw_event_type {
  MCW_EV_JOIN,    /* a group was joined */
  MCW_EV_LEAVE,   /* a group was left */
  MCW_EV_ERROR,   /* a group failed (join refused, socket error) */
  MCW_EV_WARNING, /* something the user should know, nothing failed */
  MCW_EV_IFACE,   /* an interface a group uses went down, came back... */
};

struct mcw_event {
  enum mcw_event_type type;
  const struct mcw_group *group; /* NULL for engine-wide events */
  int err;                       /* -errno for errors, else 0 */
  const char *message;           /* one line, never NULL */
  /* MCW_EV_IFACE only: */
  const char *iface;           /* interface name */
  unsigned ifindex;            /* its index now (0 when gone) */
  const char *change;          /* "down", "up", "gone", "address-added"... */
  const struct mcw_addr *addr; /* the address, for address changes */
};

struct mcw_engine_hooks {
  /* Called for each datagram after it was accounted in g. */
  void (*on_datagram)(void *ctx, struct mcw_group *g,
                      const struct mcw_datagram *d);
  /* Called for joins, leaves, errors and warnings. */
  void (*on_event)(void *ctx, const struct mcw_event *ev);
  void *ctx;
};

/* Receives the datagrams of a service subscription (mcw_engine_listen). */
typedef void (*mcw_engine_rx_fn)(void *ctx, const struct mcw_datagram *d);

struct mcw_engine_config {
  struct mcw_group_config group;
  int rcvbuf;        /* SO_RCVBUF asked for each socket; 0 = system default */
  int64_t coalesce_ns; /* longest nap between wakeups (coalesce.h); 0 = off */
  bool watch_ifaces; /* follow interfaces through netlink and rejoin */
};

struct mcw_engine;

/* Fills cfg with the defaults. */
void mcw_engine_config_default(struct mcw_engine_config *cfg);
/* Creates an engine on loop. */
struct mcw_engine *mcw_engine_new(uv_loop_t *loop,
                                  const struct mcw_engine_config *cfg,
                                  const struct mcw_engine_hooks *hooks);
/*
 * Joins a resolved endpoint and starts receiving. The group is added to the
 * engine's list whatever happens (state JOINED or ERROR) and a join or error
 * event is emitted. Returns the group's position, or -errno on failure with
 * the reason in err (and in the group's message).
 */
int mcw_engine_join(struct mcw_engine *e, const struct mcw_endpoint *ep,
                    char *err, size_t errlen);
/*
 * Listens on ep for a service such as SAP announcements: a subscription
 * like a group's (its own socket, joined on ep's interface) that is not
 * listed among the groups; its datagrams go to rx and nowhere else (not
 * the model, not the hooks). It is left by mcw_engine_close. Returns 0, or
 * -errno with the reason in err.
 */
int mcw_engine_listen(struct mcw_engine *e, const struct mcw_endpoint *ep,
                      mcw_engine_rx_fn rx, void *ctx, char *err, size_t errlen);
/* Leaves group i (state LEFT; figures are kept); 0, or -ENOENT. */
int mcw_engine_leave(struct mcw_engine *e, size_t i);
/*
 * Joins group i again on a fresh socket, keeping its place in the list and
 * its figures, ring and senders. With ep NULL it rejoins where it was (a
 * left or failed group); with ep, it moves to ep (another interface). A
 * join or error event is emitted. Returns 0, -ENOENT, or -errno with the
 * reason in err (the group is then in state ERROR).
 */
int mcw_engine_rejoin(struct mcw_engine *e, size_t i,
                      const struct mcw_endpoint *ep, char *err, size_t errlen);
/*
 * Sends one datagram to group i from the group's own sending socket, opened
 * on the first send (TTL ttl, loopback on) and kept until the group is left,
 * rejoined elsewhere or removed, so every datagram comes from one sender.
 * Returns 0, or -errno with a sentence in err.
 */
int mcw_engine_send(struct mcw_engine *e, size_t i, const void *data,
                    size_t len, int ttl, char *err, size_t errlen);
/* Leaves group i if joined and drops it from the list; 0 or -ENOENT. */
int mcw_engine_remove(struct mcw_engine *e, size_t i);
/* Finds a group with this exact endpoint (any state); -1 when absent. */
int mcw_engine_find(const struct mcw_engine *e, const struct mcw_endpoint *ep);
/* How many groups are listed. */
size_t mcw_engine_count(const struct mcw_engine *e);
/* Group i, or NULL. */
struct mcw_group *mcw_engine_group(const struct mcw_engine *e, size_t i);
/* Datagrams accounted over all groups since start. */
uint64_t mcw_engine_total(const struct mcw_engine *e);
/* Passes an engine-wide message (no group) to the event hook. */
void mcw_engine_report(struct mcw_engine *e, enum mcw_event_type type, int err,
                       const char *message);
/* Reads every joined socket's kernel drop counter into its group. */
void mcw_engine_refresh_drops(struct mcw_engine *e);
/* Stops delivering datagrams at once (the rest of a batch is not counted). */
void mcw_engine_pause_delivery(struct mcw_engine *e);
/*
 * Leaves every group and closes every handle; groups stay readable. Run
 * the loop until it drains, then call mcw_engine_free.
 */
void mcw_engine_close(struct mcw_engine *e);
/* Frees the engine and its groups, once its handles have closed. */
void mcw_engine_free(struct mcw_engine *e);
/* Monotonic nanoseconds, the engine's clock for rates. */
int64_t mcw_mono_ns(void);

#endif
