/*
 * The IGMP / MLD control plane of one link (an interface and a family), as
 * heard by the watcher: the elected querier with its version and timers,
 * the hosts that reported each group lately, and three alarms of its own.
 *
 *   no-querier   no general query for longer than the querier's own query
 *                interval plus its maximum response time (a query was
 *                missed), or, when none was ever heard, for the default
 *                other-querier-present interval (255 s) of watching. It is
 *                raised before the cliff: snooping switches drop a
 *                membership one membership interval (2 x 125 + 10 = 260 s
 *                by default) after the last report, which follows a query;
 *   old-version  an IGMPv1/v2 (MLDv1) querier while source-specific groups
 *                are joined on the link: hosts fall back to reports that
 *                cannot name sources;
 *   change       the querier changed address or version; it clears by
 *                itself after two query intervals (10 s at least).
 *
 * Timers follow RFC 3376 8 / RFC 3810 9: the query interval comes from the
 * QQIC of v3 / MLDv2 queries, else it is measured between general queries
 * (else 125 s); robustness from QRV (else 2); the maximum response time
 * from the query. The reporters are a fixed table (the least recently
 * heard entry gives way), so memory is bounded whatever the link sends.
 * Pure: times are arguments, so it is tested on a fake clock.
 */
#ifndef MCWATCH_QUERIER_H
#define MCWATCH_QUERIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/addr.h"
#include "mcwatch/igmp.h"

#define MCW_IGMP_REPORTERS 128
#define MCW_IGMP_DEFAULT_QI_S 125.0
#define MCW_IGMP_DEFAULT_QRI_S 10.0
#define MCW_IGMP_DEFAULT_ROBUSTNESS 2

enum mcw_querier_alarm {
  MCW_QUERIER_NONE,    /* no-querier */
  MCW_QUERIER_VERSION, /* old-version */
  MCW_QUERIER_CHANGE,  /* change */
  MCW_QUERIER_ALARMS,
};

enum mcw_qi_source {
  MCW_QI_DEFAULT,  /* nothing heard yet: 125 s */
  MCW_QI_CARRIED,  /* QQIC of a v3 / MLDv2 query */
  MCW_QI_MEASURED, /* time between two general queries */
};

/* One host's latest report of one group. */
struct mcw_igmp_reporter {
  struct mcw_addr group, host;
  int version;
  uint8_t mode;   /* v3 record type; MODE_IS_EXCLUDE for v1/v2 joins */
  bool left;      /* its latest word was a leave */
  bool self;      /* sent by this host */
  bool anonymous; /* from 0.0.0.0 or ::: not told apart from others */
  uint64_t reports;
  int64_t last_mono, last_wall;
};

struct mcw_igmp_link {
  char iface[32];
  unsigned ifindex;
  int family;         /* AF_INET: IGMP; AF_INET6: MLD */
  int64_t watch_mono; /* when watching began */
  bool ssm_joined;    /* source-specific groups joined here */
  bool live;          /* heard through a raw socket; false: unknown */
  bool loopback;      /* a loopback interface: every report is this host's */
  int kernel_version; /* querier version in /proc/net/igmp; 0: none */
  /* The elected querier. */
  bool have_querier;
  struct mcw_addr querier;
  int version;
  uint8_t robustness; /* QRV, or 2 */
  double qi_s;        /* query interval */
  enum mcw_qi_source qi_from;
  double max_resp_s;                        /* of the last general query */
  int64_t last_query_mono, last_query_wall; /* last general query */
  /* A querier that lost the election but still queries. */
  struct mcw_addr other;
  int64_t other_mono;
  /* Counters. */
  uint64_t queries, general_queries, reports, leaves;
  /* Alarms. */
  unsigned raised; /* bit (1 << alarm) */
  int64_t since_mono[MCW_QUERIER_ALARMS], since_wall[MCW_QUERIER_ALARMS];
  char why[MCW_QUERIER_ALARMS][240];
  char change[200]; /* words of the last change, until it clears */
  bool changed;     /* set by account, consumed by the judge */
  /* Reporters. */
  struct mcw_igmp_reporter rep[MCW_IGMP_REPORTERS];
  size_t nrep;
};

/* What mcw_igmp_link_account saw, as bits. */
#define MCW_IGMP_NEW_QUERIER 1u /* elected querier or its figures changed */

/* One alarm raised or cleared. */
struct mcw_querier_event {
  enum mcw_querier_alarm kind;
  bool raised;
  int64_t start_wall_ns, end_wall_ns; /* end 0 when raised */
  double duration_s;
  const char *why;
};

typedef void (*mcw_querier_fn)(void *ctx, const struct mcw_igmp_link *l,
                               const struct mcw_querier_event *ev);

/* Starts l for the interface (name, index) and family at mono_ns. */
void mcw_igmp_link_init(struct mcw_igmp_link *l, const char *iface,
                        unsigned ifindex, int family, int64_t mono_ns);

/*
 * Accounts one decoded message m from src (self: sent by this host) at
 * mono_ns / wall_ns: elects the querier, learns its timers, records the
 * reporters. Returns MCW_IGMP_NEW_QUERIER bits.
 */
unsigned mcw_igmp_link_account(struct mcw_igmp_link *l,
                               const struct mcw_igmp_msg *m,
                               const struct mcw_addr *src, bool self,
                               int64_t mono_ns, int64_t wall_ns);

/* Membership interval: robustness x query interval + max response. */
double mcw_igmp_link_membership_s(const struct mcw_igmp_link *l);
/* Other-querier-present interval: robustness x QI + max response / 2. */
double mcw_igmp_link_oqpi_s(const struct mcw_igmp_link *l);
/* Seconds since the last general query (or since watching began). */
double mcw_igmp_link_age_s(const struct mcw_igmp_link *l, int64_t mono_ns);

/* Judges the alarms at mono_ns; fn sees each raise and clear. */
unsigned mcw_igmp_link_alarms(struct mcw_igmp_link *l, int64_t mono_ns,
                              int64_t wall_ns, mcw_querier_fn fn, void *ctx);

/*
 * A short status for a pane header: "querier 10.0.0.1 IGMPv3 125s, 3s
 * ago", "NO QUERIER 140s: snooping stops in ~120s". Returns buf.
 */
const char *mcw_igmp_link_status(const struct mcw_igmp_link *l, int64_t mono_ns,
                                 char *buf, size_t len);

/* Other hosts that reported group within the membership interval. */
size_t mcw_igmp_link_others(const struct mcw_igmp_link *l,
                            const struct mcw_addr *group, int64_t mono_ns);

/*
 * The querier version the kernel recorded for ifname in text, the contents
 * of /proc/net/igmp ("V1", "V2", "V3" after the device's count): 1 to 3,
 * or 0 when the device is not listed. V3 also means "none heard".
 */
int mcw_igmp_proc_version(const char *text, const char *ifname);

/* "no-querier", "old-version", "change". */
const char *mcw_querier_alarm_name(enum mcw_querier_alarm k);
/* "IGMPv3", "MLDv2"...; "?" when version is 0. */
const char *mcw_igmp_version_name(int family, int version);
/* "carried", "measured", "default". */
const char *mcw_qi_source_name(enum mcw_qi_source s);

#endif
