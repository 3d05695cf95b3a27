/*
 * Watching interfaces change while mcwatch runs: a NETLINK_ROUTE socket
 * subscribed to link and address notifications, read on the libuv loop.
 * Each message becomes one mcw_ifchange for the callback; the engine
 * decides what matters to its subscriptions.
 */
#ifndef MCWATCH_IFWATCH_H
#define MCWATCH_IFWATCH_H

#include <stdbool.h>
#include <uv.h>

#include "mcwatch/addr.h"
#include "mcwatch/iface.h"

enum mcw_ifchange_kind {
  MCW_IFCHANGE_LINK, /* flags or name of a link changed, or it was removed */
  MCW_IFCHANGE_ADDR, /* an address was added or removed */
};

struct mcw_ifchange {
  enum mcw_ifchange_kind kind;
  bool removed;            /* link deleted, or address removed */
  unsigned index;          /* interface index */
  char name[MCW_IFNAMSIZ]; /* link name ("" when the message had none) */
  unsigned flags;          /* IFF_* of the link (LINK only) */
  struct mcw_addr addr;    /* the address (ADDR only) */
};

typedef void (*mcw_ifwatch_cb)(void *ctx, const struct mcw_ifchange *c);

struct mcw_ifwatch;

/* Opens the netlink socket and starts watching; NULL with -errno in *err. */
struct mcw_ifwatch *mcw_ifwatch_start(uv_loop_t *loop, mcw_ifwatch_cb cb,
                                      void *ctx, int *err);
/* Stops watching; the watcher is freed once its handle has closed. */
void mcw_ifwatch_close(struct mcw_ifwatch *w);

#endif
