/*
 * The control plane of one link (see querier.h). The querier is elected
 * as the routers elect it (RFC 3376 6.6.2): the lowest source address of
 * a general query wins, and a querier not heard for the other-querier-
 * present interval loses its place to whoever queries next. Reporters
 * live in a fixed array searched linearly (at most MCW_IGMP_REPORTERS
 * entries; a link seldom has more than a few dozen).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mcwatch/querier.h"

#define NS 1000000000.0
#define CHANGE_HOLD_MIN_S 10.0

void mcw_igmp_link_init(struct mcw_igmp_link *l, const char *iface,
                        unsigned ifindex, int family, int64_t mono_ns) {
  memset(l, 0, sizeof(*l));
  snprintf(l->iface, sizeof(l->iface), "%s", iface);
  l->ifindex = ifindex;
  l->family = family;
  l->watch_mono = mono_ns;
  l->robustness = MCW_IGMP_DEFAULT_ROBUSTNESS;
  l->qi_s = MCW_IGMP_DEFAULT_QI_S;
  l->max_resp_s = MCW_IGMP_DEFAULT_QRI_S;
}

const char *mcw_querier_alarm_name(enum mcw_querier_alarm k) {
  static const char *const names[] = {"no-querier", "old-version", "change"};
  return (unsigned)k < MCW_QUERIER_ALARMS ? names[k] : "?";
}

const char *mcw_igmp_version_name(int family, int version) {
  static const char *const v4[] = {"?", "IGMPv1", "IGMPv2", "IGMPv3"};
  static const char *const v6[] = {"?", "MLDv1", "MLDv2"};
  if (family == AF_INET6)
    return version >= 1 && version <= 2 ? v6[version] : "?";
  return version >= 1 && version <= 3 ? v4[version] : "?";
}

const char *mcw_qi_source_name(enum mcw_qi_source s) {
  return s == MCW_QI_CARRIED    ? "carried"
         : s == MCW_QI_MEASURED ? "measured"
                                : "default";
}

double mcw_igmp_link_membership_s(const struct mcw_igmp_link *l) {
  return l->robustness * l->qi_s + l->max_resp_s;
}

double mcw_igmp_link_oqpi_s(const struct mcw_igmp_link *l) {
  return l->robustness * l->qi_s + l->max_resp_s / 2.0;
}

double mcw_igmp_link_age_s(const struct mcw_igmp_link *l, int64_t mono_ns) {
  int64_t from = l->have_querier ? l->last_query_mono : l->watch_mono;
  return (double)(mono_ns - from) / NS;
}

/* Address order for the election: bytes in network order. */
static int addr_cmp(const struct mcw_addr *a, const struct mcw_addr *b) {
  return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

static void querier_words(int family, const struct mcw_addr *a, int version,
                          char *buf, size_t len) {
  char s[MCW_ADDRSTRLEN];
  snprintf(buf, len, "%s %s", mcw_addr_format(a, s, sizeof(s)),
           mcw_igmp_version_name(family, version));
}

/* A general query from src: the election, then the timers it carries. */
static unsigned general_query(struct mcw_igmp_link *l,
                              const struct mcw_igmp_msg *m,
                              const struct mcw_addr *src, int64_t mono_ns,
                              int64_t wall_ns) {
  bool expired = l->have_querier &&
                 mcw_igmp_link_age_s(l, mono_ns) > mcw_igmp_link_oqpi_s(l);
  bool same = l->have_querier && addr_cmp(src, &l->querier) == 0;
  unsigned out = 0;

  if (l->have_querier && !same && !expired && addr_cmp(src, &l->querier) > 0) {
    l->other = *src; /* it lost: it should stop querying soon */
    l->other_mono = mono_ns;
    return 0;
  }
  if (!same || l->version != m->version) {
    if (l->have_querier) {
      char was[90], now[90];
      querier_words(l->family, &l->querier, l->version, was, sizeof(was));
      querier_words(l->family, src, m->version, now, sizeof(now));
      snprintf(l->change, sizeof(l->change), "querier changed: %s -> %s", was,
               now);
      l->changed = true;
    }
    out |= MCW_IGMP_NEW_QUERIER;
  }
  if (same && m->qqi_s == 0 && l->version == m->version) {
    double gap = (double)(mono_ns - l->last_query_mono) / NS;
    if (gap >= 1.0 && (l->qi_from != MCW_QI_MEASURED || gap < l->qi_s - 0.5 ||
                       gap > l->qi_s + 0.5)) {
      l->qi_s = gap;
      l->qi_from = MCW_QI_MEASURED;
      out |= MCW_IGMP_NEW_QUERIER;
    }
  } else if (m->qqi_s != 0 &&
             (l->qi_from != MCW_QI_CARRIED || l->qi_s != m->qqi_s)) {
    l->qi_s = m->qqi_s;
    l->qi_from = MCW_QI_CARRIED;
    out |= MCW_IGMP_NEW_QUERIER;
  } else if (!same && m->qqi_s == 0) {
    l->qi_s = MCW_IGMP_DEFAULT_QI_S; /* a new v1/v2 querier: not known yet */
    l->qi_from = MCW_QI_DEFAULT;
  }
  uint8_t qrv = m->qrv != 0 ? m->qrv : MCW_IGMP_DEFAULT_ROBUSTNESS;
  double mrt = m->max_resp_ms / 1000.0;
  if (qrv != l->robustness || mrt != l->max_resp_s)
    out |= MCW_IGMP_NEW_QUERIER;
  l->robustness = qrv;
  l->max_resp_s = mrt;
  l->have_querier = true;
  l->querier = *src;
  l->version = m->version;
  l->last_query_mono = mono_ns;
  l->last_query_wall = wall_ns;
  return out;
}

/* The entry for (group, host), a free one, or the least recently heard. */
static struct mcw_igmp_reporter *reporter(struct mcw_igmp_link *l,
                                          const struct mcw_addr *group,
                                          const struct mcw_addr *host) {
  struct mcw_igmp_reporter *old = NULL;

  for (size_t i = 0; i < l->nrep; i++) {
    struct mcw_igmp_reporter *r = &l->rep[i];
    if (mcw_addr_same_host(&r->group, group) &&
        mcw_addr_same_host(&r->host, host))
      return r;
    if (old == NULL || r->last_mono < old->last_mono)
      old = r;
  }
  if (l->nrep < MCW_IGMP_REPORTERS)
    old = &l->rep[l->nrep++];
  memset(old, 0, sizeof(*old));
  old->group = *group;
  old->host = *host;
  return old;
}

static void heard(struct mcw_igmp_link *l, const struct mcw_addr *group,
                  const struct mcw_addr *src, int version, uint8_t mode,
                  bool left, bool self, int64_t mono_ns, int64_t wall_ns) {
  struct mcw_igmp_reporter *r = reporter(l, group, src);
  static const uint8_t zero[16];
  /* No address: a host that has none yet, never told apart from others. */
  bool nobody = memcmp(src->bytes, zero, src->family == AF_INET ? 4 : 16) == 0;
  r->version = version;
  r->mode = mode;
  r->left = left;
  r->self = self || l->loopback;
  r->anonymous = nobody;
  r->reports++;
  r->last_mono = mono_ns;
  r->last_wall = wall_ns;
}

unsigned mcw_igmp_link_account(struct mcw_igmp_link *l,
                               const struct mcw_igmp_msg *m,
                               const struct mcw_addr *src, bool self,
                               int64_t mono_ns, int64_t wall_ns) {
  size_t n;

  if (m->family != l->family)
    return 0;
  switch (m->type) {
  case MCW_IGMP_QUERY:
    l->queries++;
    if (!m->general)
      return 0;
    l->general_queries++;
    return general_query(l, m, src, mono_ns, wall_ns);
  case MCW_IGMP_LEAVE:
    l->leaves++;
    heard(l, &m->group, src, m->version, MCW_IGMP_CHANGE_TO_INCLUDE, true, self,
          mono_ns, wall_ns);
    return 0;
  case MCW_IGMP_REPORT:
    l->reports++;
    if (m->version < (m->family == AF_INET ? 3 : 2)) {
      heard(l, &m->group, src, m->version, MCW_IGMP_MODE_IS_EXCLUDE, false,
            self, mono_ns, wall_ns);
      return 0;
    }
    n = m->nrecords < MCW_IGMP_RECORDS_MAX ? m->nrecords : MCW_IGMP_RECORDS_MAX;
    for (size_t i = 0; i < n; i++) {
      const struct mcw_igmp_record *r = &m->records[i];
      /* TO_IN({}) is a v3 leave; an include record with no sources too. */
      bool left = r->nsources == 0 && (r->type == MCW_IGMP_CHANGE_TO_INCLUDE ||
                                       r->type == MCW_IGMP_MODE_IS_INCLUDE);
      heard(l, &r->group, src, m->version, r->type, left, self, mono_ns,
            wall_ns);
    }
    return 0;
  }
  return 0;
}

static void judge(struct mcw_igmp_link *l, enum mcw_querier_alarm k, bool on,
                  const char *why, int64_t mono_ns, int64_t wall_ns,
                  mcw_querier_fn fn, void *ctx) {
  struct mcw_querier_event ev = {k, on, 0, 0, 0.0, NULL};
  bool was = (l->raised >> k) & 1u;

  if (on == was)
    return;
  if (on) {
    l->raised |= 1u << k;
    l->since_mono[k] = mono_ns;
    l->since_wall[k] = wall_ns;
    snprintf(l->why[k], sizeof(l->why[k]), "%s", why);
    ev.start_wall_ns = wall_ns;
  } else {
    l->raised &= ~(1u << k);
    ev.start_wall_ns = l->since_wall[k];
    ev.end_wall_ns = wall_ns;
    ev.duration_s = (double)(mono_ns - l->since_mono[k]) / NS;
  }
  ev.why = l->why[k];
  if (fn != NULL)
    fn(ctx, l, &ev);
}

/* The no-querier words, with the time left before snooping switches
 * forget the membership. */
static void none_words(const struct mcw_igmp_link *l, int64_t mono_ns,
                       char *buf, size_t len) {
  double age = mcw_igmp_link_age_s(l, mono_ns);
  double left = mcw_igmp_link_membership_s(l) - age;

  if (!l->have_querier)
    snprintf(buf, len,
             "no querier: no general query heard in %.0f s; switches that "
             "snoop stop forwarding a group %.0f s after the last query",
             age, mcw_igmp_link_membership_s(l));
  else if (left > 0)
    snprintf(buf, len,
             "no querier: no general query for %.0f s; switches that snoop "
             "will stop forwarding this group in about %.0f s",
             age, left);
  else
    snprintf(buf, len,
             "no querier: no general query for %.0f s; switches that snoop "
             "have stopped forwarding this group about %.0f s ago",
             age, -left);
}

unsigned mcw_igmp_link_alarms(struct mcw_igmp_link *l, int64_t mono_ns,
                              int64_t wall_ns, mcw_querier_fn fn, void *ctx) {
  char why[240];
  double age = mcw_igmp_link_age_s(l, mono_ns);
  bool none = !l->live          ? false
              : l->have_querier ? age > l->qi_s + l->max_resp_s
                                : age > mcw_igmp_link_oqpi_s(l);
  int version = l->have_querier ? l->version : l->kernel_version;
  bool old =
      version != 0 && l->ssm_joined && version < (l->family == AF_INET ? 3 : 2);
  double hold =
      2 * l->qi_s < CHANGE_HOLD_MIN_S ? CHANGE_HOLD_MIN_S : 2 * l->qi_s;

  none_words(l, mono_ns, why, sizeof(why));
  judge(l, MCW_QUERIER_NONE, none, why, mono_ns, wall_ns, fn, ctx);
  if (old) {
    char who[90];
    if (l->have_querier)
      querier_words(l->family, &l->querier, version, who, sizeof(who));
    else
      snprintf(who, sizeof(who), "an %s (as the kernel recorded it)",
               mcw_igmp_version_name(l->family, version));
    snprintf(why, sizeof(why),
             "%s querier while source-specific groups are joined: hosts fall "
             "back to reports that cannot name sources",
             who);
  }
  judge(l, MCW_QUERIER_VERSION, old, why, mono_ns, wall_ns, fn, ctx);
  if (l->changed) {
    l->changed = false;
    judge(l, MCW_QUERIER_CHANGE, false, "", mono_ns, wall_ns, fn, ctx);
    judge(l, MCW_QUERIER_CHANGE, true, l->change, mono_ns, wall_ns, fn, ctx);
  } else if ((l->raised >> MCW_QUERIER_CHANGE) & 1u &&
             (double)(mono_ns - l->since_mono[MCW_QUERIER_CHANGE]) / NS >
                 hold) {
    judge(l, MCW_QUERIER_CHANGE, false, "", mono_ns, wall_ns, fn, ctx);
  }
  return l->raised;
}

const char *mcw_igmp_link_status(const struct mcw_igmp_link *l, int64_t mono_ns,
                                 char *buf, size_t len) {
  char a[MCW_ADDRSTRLEN];
  double age = mcw_igmp_link_age_s(l, mono_ns);
  double left = mcw_igmp_link_membership_s(l) - age;

  if ((l->raised >> MCW_QUERIER_NONE) & 1u) {
    if (left > 0)
      snprintf(buf, len, "NO QUERIER %.0fs: snooping stops in ~%.0fs", age,
               left);
    else
      snprintf(buf, len, "NO QUERIER %.0fs: snooping has stopped", age);
  } else if (!l->live) {
    if (l->kernel_version != 0 && l->kernel_version < 3)
      snprintf(buf, len, "querier: kernel saw %s (no raw socket)",
               mcw_igmp_version_name(l->family, l->kernel_version));
    else
      snprintf(buf, len, "querier: unknown (no raw socket)");
  } else if (!l->have_querier) {
    snprintf(buf, len, "querier: none heard yet (%.0fs)", age);
  } else {
    snprintf(buf, len, "querier %s %s %.0fs, %.0fs ago%s",
             mcw_addr_format(&l->querier, a, sizeof(a)),
             mcw_igmp_version_name(l->family, l->version), l->qi_s, age,
             (l->raised >> MCW_QUERIER_VERSION) & 1u ? " (too old for SSM)"
                                                     : "");
  }
  return buf;
}

size_t mcw_igmp_link_others(const struct mcw_igmp_link *l,
                            const struct mcw_addr *group, int64_t mono_ns) {
  size_t n = 0;
  double window = mcw_igmp_link_membership_s(l);

  for (size_t i = 0; i < l->nrep; i++) {
    const struct mcw_igmp_reporter *r = &l->rep[i];
    if (!r->self && !r->left && !r->anonymous &&
        mcw_addr_same_host(&r->group, group) &&
        (double)(mono_ns - r->last_mono) / NS <= window)
      n++;
  }
  return n;
}

int mcw_igmp_proc_version(const char *text, const char *ifname) {
  const char *p = text;
  size_t n = strlen(ifname);

  /* Device lines: "IDX\tNAME      :   COUNT      V3"; group lines start
   * with a tab. */
  while (p != NULL && *p != '\0') {
    const char *end = strchr(p, '\n'), *q = p;
    char v;

    if (*q >= '0' && *q <= '9') {
      while (*q >= '0' && *q <= '9')
        q++;
      while (*q == ' ' || *q == '\t')
        q++;
      if (strncmp(q, ifname, n) == 0 && (q[n] == ' ' || q[n] == ':')) {
        const char *c = strchr(q + n, 'V');
        if (c != NULL && (end == NULL || c < end) &&
            ((v = c[1]) >= '1' && v <= '3'))
          return v - '0';
      }
    }
    p = end != NULL ? end + 1 : NULL;
  }
  return 0;
}
