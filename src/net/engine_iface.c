/*
 * Following interfaces while mcwatch runs. The engine keeps one ifstate
 * per interface name that a subscription uses: its index (0 while it does
 * not exist) and whether it is up (IFF_UP and IFF_RUNNING). Netlink link
 * messages move that state; only a transition is reported, once per
 * interface, as an MCW_EV_IFACE event:
 *   down  the interface lost IFF_UP or its carrier: its groups wait;
 *   gone  it was deleted: its groups wait, the memberships are orphaned;
 *   up    it is usable again (with a new index if it was re-created):
 *         its groups are joined afresh on a new socket.
 * Address changes on such an interface are reported too; joins name the
 * interface by index, so they need no action.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine_int.h"
#include "mcwatch/common.h"

static struct ifstate *find_name(struct mcw_engine *e, const char *name) {
  for (size_t i = 0; i < e->nifs; i++)
    if (strcmp(e->ifs[i].name, name) == 0)
      return &e->ifs[i];
  return NULL;
}

static struct ifstate *find_index(struct mcw_engine *e, unsigned index) {
  for (size_t i = 0; i < e->nifs; i++)
    if (e->ifs[i].index == index && index != 0)
      return &e->ifs[i];
  return NULL;
}

static bool link_up(unsigned flags) {
  return (flags & IFF_UP) && (flags & IFF_RUNNING);
}

unsigned mcw_engine_iface_flags(const char *name) {
  struct ifreq ifr;
  unsigned flags = 0;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return 0;
  memset(&ifr, 0, sizeof(ifr));
  mcw_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
    flags = (unsigned short)ifr.ifr_flags;
  close(fd);
  return flags;
}

void mcw_engine_track_iface(struct mcw_engine *e,
                            const struct mcw_endpoint *ep) {
  struct ifstate *st;

  if (ep->iface[0] == '\0' || find_name(e, ep->iface) != NULL)
    return;
  e->ifs = mcw_xrealloc(e->ifs, (e->nifs + 1) * sizeof(*e->ifs));
  st = &e->ifs[e->nifs++];
  memset(st, 0, sizeof(*st));
  mcw_strlcpy(st->name, ep->iface, sizeof(st->name));
  st->index = ep->ifindex;
  st->up = link_up(mcw_engine_iface_flags(ep->iface));
}

static void iface_event(struct mcw_engine *e, const struct ifstate *st,
                        const char *change, const struct mcw_addr *addr,
                        const char *message) {
  struct mcw_event ev = {.type = MCW_EV_IFACE,
                         .message = message,
                         .iface = st->name,
                         .ifindex = st->index,
                         .change = change,
                         .addr = addr};
  mcw_engine_emit(e, &ev);
}

/* Puts the joined subscriptions of list on st into waiting; returns how
   many now wait. */
static int park(struct sub **list, size_t count, const struct ifstate *st,
                bool gone) {
  int n = 0;

  for (size_t i = 0; i < count; i++) {
    struct sub *s = list[i];
    if (strcmp(s->group->ep.iface, st->name) != 0)
      continue;
    if (s->group->state == MCW_GROUP_WAITING)
      n++; /* already waiting since an earlier change */
    if (s->group->state != MCW_GROUP_JOINED)
      continue;
    /* A deleted interface took the membership with it: nothing to leave. */
    mcw_engine_disconnect(s, !gone);
    s->group->state = MCW_GROUP_WAITING;
    snprintf(s->group->message, sizeof(s->group->message),
             "waiting for %s to come back (%s)", st->name,
             gone ? "deleted" : "down");
    n++;
  }
  return n;
}

/* Puts the groups and the services (SAP listeners) on st into waiting;
   returns how many groups now wait. */
static int park_groups(struct mcw_engine *e, const struct ifstate *st,
                       bool gone) {
  (void)park(e->svcs, e->nsvcs, st, gone);
  return park(e->subs, e->nsubs, st, gone);
}

/* Joins the waiting subscriptions of list on st afresh, on its current
   index; a group says so, a service (not listed) only when it fails. */
static void rejoin(struct mcw_engine *e, struct sub **list, size_t count,
                   const struct ifstate *st, bool service) {
  char err[120], text[300], ep[128];

  for (size_t i = 0; i < count; i++) {
    struct sub *s = list[i];
    struct mcw_endpoint *p = &s->group->ep;
    if (strcmp(p->iface, st->name) != 0 || s->group->state != MCW_GROUP_WAITING)
      continue;
    p->ifindex = st->index;
    if (p->group.family == AF_INET6 && (p->group.bytes[1] & 0x0f) <= 2)
      p->group.scope_id = st->index;
    if (mcw_engine_connect(s, err, sizeof(err)) < 0) {
      snprintf(s->group->message, sizeof(s->group->message), "rejoin: %s", err);
      struct mcw_event ev = {.type = service ? MCW_EV_WARNING : MCW_EV_ERROR,
                             .group = service ? NULL : s->group,
                             .err = -EIO,
                             .message = s->group->message};
      mcw_engine_emit(e, &ev);
      continue; /* stays waiting: the next change may let it in */
    }
    s->group->state = MCW_GROUP_JOINED;
    s->group->message[0] = '\0';
    if (service)
      continue;
    snprintf(text, sizeof(text), "rejoined %s (%s index %u)",
             mcw_endpoint_format(p, ep, sizeof(ep)), st->name, st->index);
    struct mcw_event ev = {
        .type = MCW_EV_JOIN, .group = s->group, .message = text};
    mcw_engine_emit(e, &ev);
  }
}

static void rejoin_groups(struct mcw_engine *e, const struct ifstate *st) {
  rejoin(e, e->svcs, e->nsvcs, st, true);
  rejoin(e, e->subs, e->nsubs, st, false);
}

static void on_link(struct mcw_engine *e, const struct mcw_ifchange *c) {
  struct ifstate *st = c->name[0] ? find_name(e, c->name) : NULL;
  char msg[200];
  bool up;

  if (st == NULL)
    st = find_index(e, c->index);
  if (st == NULL)
    return;
  if (c->removed) {
    if (st->index != c->index)
      return; /* an older incarnation */
    int n = park_groups(e, st, true);
    st->index = 0;
    st->up = false;
    snprintf(msg, sizeof(msg), "%s was deleted; %d group%s waiting for it",
             st->name, n, n == 1 ? "" : "s");
    iface_event(e, st, "gone", NULL, msg);
    return;
  }
  up = link_up(c->flags);
  if (st->index != c->index) { /* (re-)created, or renamed to our name */
    st->index = c->index;
    st->up = false;
  }
  if (st->up && !up) {
    st->up = false;
    int n = park_groups(e, st, false);
    snprintf(msg, sizeof(msg), "%s is down%s; %d group%s waiting for it",
             st->name, (c->flags & IFF_UP) ? " (no carrier)" : "", n,
             n == 1 ? "" : "s");
    iface_event(e, st, "down", NULL, msg);
  } else if (!st->up && up) {
    st->up = true;
    snprintf(msg, sizeof(msg), "%s is up (index %u); rejoining its groups",
             st->name, st->index);
    iface_event(e, st, "up", NULL, msg);
    rejoin_groups(e, st);
  }
}

static void on_change(void *ctx, const struct mcw_ifchange *c) {
  struct mcw_engine *e = ctx;
  struct ifstate *st;
  char msg[200], addr[MCW_ADDRSTRLEN];

  if (e->closing)
    return;
  if (c->kind == MCW_IFCHANGE_LINK) {
    on_link(e, c);
    return;
  }
  st = find_index(e, c->index);
  if (st == NULL)
    return;
  mcw_addr_format(&c->addr, addr, sizeof(addr));
  snprintf(msg, sizeof(msg), "%s: address %s %s", st->name, addr,
           c->removed ? "removed" : "added");
  iface_event(e, st, c->removed ? "address-removed" : "address-added", &c->addr,
              msg);
}

void mcw_engine_watch_ifaces(struct mcw_engine *e) {
  char msg[160];
  int err = 0;

  e->watch = mcw_ifwatch_start(e->loop, on_change, e, &err);
  if (e->watch == NULL) {
    snprintf(msg, sizeof(msg),
             "cannot follow interface changes (netlink: %s); groups will "
             "not be rejoined if an interface goes away",
             strerror(-err));
    mcw_engine_report(e, MCW_EV_WARNING, err, msg);
  }
}
