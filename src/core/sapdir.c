/*
 * The session directory (see sapdir.h). Sessions sit in an array in the
 * order they were first announced; a lookup is a linear scan by origin
 * and hash, which a bounded directory of announcements heard every few
 * minutes affords. A re-announcement (same key) is not parsed again: it
 * moves the last-heard time and the measured interval. A new key from the
 * same origin with the same o= username and session id is a modified
 * announcement (RFC 2974 section 5) and replaces the old entry.
 *
 * Expiry, RFC 2974 section 4: a session not re-announced for ten times
 * its announcement interval or one hour, whichever is the greater, is
 * deleted. The hour is configurable (--sap-timeout) for small networks.
 */
#include "mcwatch/sapdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

void mcw_sapdir_config_default(struct mcw_sapdir_config *cfg) {
  cfg->max = MCW_SAPDIR_MAX;
  cfg->timeout_ns = (int64_t)MCW_SAP_TIMEOUT_S * 1000000000;
}

void mcw_sapdir_init(struct mcw_sapdir *d, const struct mcw_sapdir_config *cfg,
                     void (*on_change)(void *ctx,
                                       const struct mcw_sap_session *s,
                                       enum mcw_sap_state st),
                     void *ctx) {
  memset(d, 0, sizeof(*d));
  d->cfg = *cfg;
  d->on_change = on_change;
  d->ctx = ctx;
}

void mcw_sapdir_free(struct mcw_sapdir *d) {
  free(d->v);
  d->v = NULL;
  d->n = d->cap = 0;
}

static void report(struct mcw_sapdir *d, const struct mcw_sap_session *s,
                   enum mcw_sap_state st) {
  if (st == MCW_SAP_ANNOUNCED)
    d->announced++;
  else if (st == MCW_SAP_DELETED)
    d->deleted++;
  else
    d->expired++;
  if (d->on_change != NULL)
    d->on_change(d->ctx, s, st);
}

static enum mcw_sap_refusal refuse(struct mcw_sapdir *d,
                                   enum mcw_sap_refusal r) {
  d->refused[r]++;
  return r;
}

static struct mcw_sap_session *
find(struct mcw_sapdir *d, const struct mcw_addr *origin, uint16_t hash) {
  for (size_t i = 0; i < d->n; i++)
    if (d->v[i].hash == hash && mcw_addr_equal(&d->v[i].origin, origin))
      return &d->v[i];
  return NULL;
}

static struct mcw_sap_session *find_owner(struct mcw_sapdir *d,
                                          const struct mcw_addr *origin,
                                          const char *owner) {
  for (size_t i = 0; owner[0] != '\0' && i < d->n; i++)
    if (strcmp(d->v[i].owner, owner) == 0 &&
        mcw_addr_equal(&d->v[i].origin, origin))
      return &d->v[i];
  return NULL;
}

/* Drops entry i, keeping the order of the rest. */
static void drop(struct mcw_sapdir *d, size_t i) {
  memmove(&d->v[i], &d->v[i + 1], (d->n - i - 1) * sizeof(*d->v));
  d->n--;
}

/*
 * Reads the description into s (name, owner, media). Returns false when
 * it does not parse or names no medium that can be watched.
 */
static bool describe(struct mcw_sap_session *s, const uint8_t *sdp,
                     size_t len) {
  struct mcw_sdp_media m[MCW_SAP_MEDIA_MAX];
  char why[200];
  int n = mcw_sdp_media((const char *)sdp, len, m, MCW_SAP_MEDIA_MAX, why,
                        sizeof(why));

  if (n <= 0)
    return false;
  s->nmedia = 0;
  for (int i = 0; i < n; i++) {
    struct mcw_sap_media *o = &s->media[s->nmedia];
    if (m[i].error[0] != '\0')
      continue;
    mcw_strlcpy(o->type, m[i].type, sizeof(o->type));
    mcw_strlcpy(o->group, m[i].group, sizeof(o->group));
    mcw_strlcpy(o->source, m[i].source, sizeof(o->source));
    o->port = m[i].port;
    o->pt = m[i].pt;
    o->clock = m[i].clock;
    s->nmedia++;
  }
  mcw_strlcpy(s->name, m[0].session, sizeof(s->name));
  mcw_strlcpy(s->owner, m[0].origin, sizeof(s->owner));
  return s->nmedia > 0;
}

static enum mcw_sap_refusal announce(struct mcw_sapdir *d,
                                     const struct mcw_sap_packet *p,
                                     unsigned ifindex, int64_t now) {
  struct mcw_sap_session *s = find(d, &p->origin, p->hash), *old;
  struct mcw_sap_session fresh;

  if (s != NULL) { /* a re-announcement */
    s->interval_ns = now - s->last_ns;
    s->last_ns = now;
    s->heard++;
    s->ifindex = ifindex;
    return MCW_SAP_OK;
  }
  memset(&fresh, 0, sizeof(fresh));
  if (!describe(&fresh, p->payload, p->payload_len))
    return refuse(d, MCW_SAP_SDP);
  fresh.origin = p->origin;
  fresh.hash = p->hash;
  fresh.first_ns = fresh.last_ns = now;
  fresh.heard = 1;
  fresh.ifindex = ifindex;
  old = find_owner(d, &p->origin, fresh.owner);
  if (old != NULL) { /* a modified description replaces the old one */
    fresh.first_ns = old->first_ns;
    fresh.interval_ns = now - old->last_ns;
    fresh.heard = old->heard + 1;
    *old = fresh;
    report(d, old, MCW_SAP_ANNOUNCED);
    return MCW_SAP_OK;
  }
  if (d->n >= d->cfg.max)
    return refuse(d, MCW_SAP_FULL);
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 16;
    d->v = mcw_xrealloc(d->v, d->cap * sizeof(*d->v));
  }
  d->v[d->n] = fresh;
  report(d, &d->v[d->n++], MCW_SAP_ANNOUNCED);
  return MCW_SAP_OK;
}

enum mcw_sap_refusal mcw_sapdir_feed(struct mcw_sapdir *d, const uint8_t *buf,
                                     size_t len, unsigned ifindex,
                                     int64_t now_ns) {
  struct mcw_sap_packet p;
  enum mcw_sap_refusal r;
  struct mcw_sap_session *s;

  d->packets++;
  r = mcw_sap_decode(buf, len, &p);
  if (r != MCW_SAP_OK)
    return refuse(d, r);
  if (!p.deletion)
    return announce(d, &p, ifindex, now_ns);
  s = find(d, &p.origin, p.hash);
  if (s != NULL) {
    struct mcw_sap_session gone = *s;
    drop(d, (size_t)(s - d->v));
    report(d, &gone, MCW_SAP_DELETED);
  }
  return MCW_SAP_OK; /* deleting what was never heard is no fault */
}

int64_t mcw_sapdir_deadline(const struct mcw_sapdir *d,
                            const struct mcw_sap_session *s) {
  int64_t wait = s->interval_ns * MCW_SAP_INTERVALS;

  if (wait < d->cfg.timeout_ns)
    wait = d->cfg.timeout_ns;
  return s->last_ns + wait;
}

size_t mcw_sapdir_expire(struct mcw_sapdir *d, int64_t now_ns) {
  size_t gone = 0;

  for (size_t i = 0; i < d->n;) {
    if (now_ns < mcw_sapdir_deadline(d, &d->v[i])) {
      i++;
      continue;
    }
    struct mcw_sap_session s = d->v[i];
    drop(d, i);
    report(d, &s, MCW_SAP_EXPIRED);
    gone++;
  }
  return gone;
}

const char *mcw_sap_media_endpoint(const struct mcw_sap_media *m, char *buf,
                                   size_t len) {
  bool v6 = strchr(m->group, ':') != NULL;

  if (m->source[0] != '\0')
    snprintf(buf, len, v6 ? "[%s]:%u@%s" : "%s:%u@%s", m->group, m->port,
             m->source);
  else
    snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", m->group, m->port);
  return buf;
}
