/*
 * The IGMP / MLD watcher: raw sockets (IPPROTO_IGMP; ICMPv6 filtered to
 * the four MLD types) on the interfaces of the watched groups, feeding one
 * mcw_igmp_link per interface and family. It joins 224.0.0.22 and
 * 224.0.0.2 (ff02::16 and ff02::2) on those interfaces so the kernel hands
 * over other hosts' v3 reports and leaves. Without CAP_NET_RAW it says so
 * once and falls back to /proc/net/igmp, where the kernel records the
 * querier version it heard (IPv4 only); everything else is then unknown.
 */
#ifndef MCWATCH_IGMPWATCH_H
#define MCWATCH_IGMPWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "mcwatch/igmp.h"
#include "mcwatch/querier.h"

#define MCW_IGMPWATCH_LINKS 64

struct mcw_igmpwatch_hooks {
  /* Each message decoded on a watched link (self: sent by this host);
   * flags from mcw_igmp_link_account. */
  void (*on_message)(void *ctx, const struct mcw_igmp_link *l,
                     const struct mcw_igmp_msg *m, const struct mcw_addr *src,
                     bool self, unsigned flags);
  /* Each alarm raised or cleared. */
  void (*on_alarm)(void *ctx, const struct mcw_igmp_link *l,
                   const struct mcw_querier_event *ev);
  /* A sentence for the user, said once (no raw socket, and why). */
  void (*on_notice)(void *ctx, const char *text);
  void *ctx;
};

struct mcw_igmpwatch;

/* A watcher on loop; nothing is opened until a link is wanted. */
struct mcw_igmpwatch *mcw_igmpwatch_new(uv_loop_t *loop,
                                        const struct mcw_igmpwatch_hooks *h);

/*
 * Wants the link (iface, ifindex, family), opening the family's raw
 * socket and joining the report groups on first use; ssm marks a
 * source-specific join there. Returns the link, or NULL when the table
 * is full.
 */
struct mcw_igmp_link *mcw_igmpwatch_want(struct mcw_igmpwatch *w,
                                         const char *iface, unsigned ifindex,
                                         int family, bool ssm);
/* Clears every link's ssm mark (before a round of wants). */
void mcw_igmpwatch_unmark(struct mcw_igmpwatch *w);

/* Judges every link's alarms now (and reads /proc in fallback). */
void mcw_igmpwatch_tick(struct mcw_igmpwatch *w);

/* The links, for the screen and the metrics. */
size_t mcw_igmpwatch_count(const struct mcw_igmpwatch *w);
const struct mcw_igmp_link *mcw_igmpwatch_link(const struct mcw_igmpwatch *w,
                                               size_t i);
/* The link of (ifindex, family), or NULL. */
const struct mcw_igmp_link *mcw_igmpwatch_find(const struct mcw_igmpwatch *w,
                                               unsigned ifindex, int family);
/* True when the family's raw socket is open (false: /proc fallback). */
bool mcw_igmpwatch_live(const struct mcw_igmpwatch *w, int family);
/* Messages refused as malformed so far. */
uint64_t mcw_igmpwatch_bad(const struct mcw_igmpwatch *w);

/* Closes the sockets; the watcher is freed once its handles have closed. */
void mcw_igmpwatch_close(struct mcw_igmpwatch *w);

#endif
