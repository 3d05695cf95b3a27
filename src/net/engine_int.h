/*
 * The engine's insides, shared by engine.c (subscriptions and receiving)
 * and engine_iface.c (reacting to interfaces that go down, come back or
 * change). Not a public header.
 */
#ifndef MCWATCH_ENGINE_INT_H
#define MCWATCH_ENGINE_INT_H

#include "mcwatch/coalesce.h"
#include "mcwatch/engine.h"
#include "mcwatch/ifwatch.h"
#include "mcwatch/msock.h"
#include "mcwatch/tx.h"

struct sub;

/*
 * An open socket of a subscription, watched by a uv_poll_t. It lives on
 * the heap apart from the subscription so that a rejoin can open a new one
 * while the old handle is still closing; it is freed in its close callback.
 */
struct conn {
  struct sub *sub; /* NULL once detached from its subscription */
  struct mcw_engine *eng;
  int fd;
  uv_poll_t poll;
};

/*
 * A listed group and, while joined, its connection. A service subscription
 * (mcw_engine_listen) is not listed: rx receives its datagrams instead of
 * the model and the hooks, and its group only holds the endpoint.
 */
struct sub {
  struct mcw_engine *eng;
  struct mcw_group *group;
  mcw_engine_rx_fn rx; /* a service's receiver, or NULL for a group */
  void *rx_ctx;
  struct conn *conn;   /* NULL when not joined */
  struct mcw_tx *tx;   /* sending socket, opened on the first send; or NULL */
  unsigned tx_ifindex; /* the interface index it sends through */
};

/* What the engine last saw of an interface some subscription names. */
struct ifstate {
  char name[MCW_IFNAMSIZ];
  unsigned index; /* 0 while the interface does not exist */
  bool up;        /* IFF_UP and IFF_RUNNING */
};

struct mcw_engine {
  uv_loop_t *loop;
  struct mcw_engine_config cfg;
  struct mcw_engine_hooks hooks;
  struct sub **subs;
  size_t nsubs, cap;
  struct sub **svcs; /* service subscriptions (SAP), not listed */
  size_t nsvcs;
  struct ifstate *ifs;
  size_t nifs;
  struct mcw_ifwatch *watch;
  struct mcw_batch batch;
  uint64_t total;
  unsigned open_handles;
  bool closing;
  bool deliver;
  /* Wakeup coalescing (coalesce.h): a nap before the loop waits again. */
  uv_prepare_t nap;
  struct mcw_coalesce coalesce;
  int64_t min_rcvbuf; /* the smallest receive buffer granted, or 0 */
};

/* Passes an event to the hook. */
void mcw_engine_emit(struct mcw_engine *e, const struct mcw_event *ev);
/* Opens a socket for s's endpoint and starts receiving; 0 or -errno. */
int mcw_engine_connect(struct sub *s, char *err, size_t errlen);
/* Closes s's socket (leaving the group first when leave is true). */
void mcw_engine_disconnect(struct sub *s, bool leave);
/* Starts watching interfaces (netlink); failures become a warning. */
void mcw_engine_watch_ifaces(struct mcw_engine *e);
/* The interface's flags now, from the kernel; 0 when it does not exist. */
unsigned mcw_engine_iface_flags(const char *name);
/* Records the interface of a new subscription and its current state. */
void mcw_engine_track_iface(struct mcw_engine *e,
                            const struct mcw_endpoint *ep);

#endif
