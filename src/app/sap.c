/*
 * --sap: session discovery for a running session. One engine service
 * subscription per SAP group and interface (RFC 2974's well-known groups:
 * 224.2.127.254 global, 239.255.255.255 for the local administrative
 * scope, ff0X::2:7ffe for the IPv6 scopes X), whose datagrams go to the
 * session's directory (core/sapdir.c) instead of the group list. The
 * directory's changes go to the mode's on_sap hook (headless lines, the
 * TUI's Sessions page); an announced a=rtpmap rate fills the RTP clock
 * table for its payload type unless --clock or an earlier announcement
 * already did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/common.h"
#include "mcwatch/rtp.h"

/* The SAP groups, RFC 2974 section 3; IPv6 at link, site, org and global. */
static const char *const sap_groups[] = {
    MCW_SAP_V4_GLOBAL,
    MCW_SAP_V4_ADMIN,
    "[ff02" MCW_SAP_V6_GROUP "]",
    "[ff05" MCW_SAP_V6_GROUP "]",
    "[ff08" MCW_SAP_V6_GROUP "]",
    "[ff0e" MCW_SAP_V6_GROUP "]",
};

/* Adds the SAP groups on interface name unless they are there already. */
static void add_iface(struct mcw_options *o,
                      const struct mcw_iface_list *ifaces, const char *name) {
  char text[128], err[256];

  for (size_t i = 0; i < o->nsap_eps; i++)
    if (strcmp(o->sap_eps[i].iface, name) == 0)
      return;
  for (size_t g = 0; g < MCW_ARRAY_LEN(sap_groups); g++) {
    struct mcw_endpoint ep;
    snprintf(text, sizeof(text), "%s:%d%%%s", sap_groups[g], MCW_SAP_PORT,
             name);
    if (mcw_endpoint_parse(text, &ep, err, sizeof(err)) < 0 ||
        mcw_endpoint_resolve(&ep, ifaces, NULL, err, sizeof(err)) < 0)
      mcw_cli_error("--sap: %s", err);
    o->sap_eps =
        mcw_xrealloc(o->sap_eps, (o->nsap_eps + 1) * sizeof(*o->sap_eps));
    o->sap_eps[o->nsap_eps++] = ep;
  }
}

void mcw_sap_add_endpoints(struct mcw_options *o,
                           const struct mcw_iface_list *ifaces,
                           const char *def) {
  add_iface(o, ifaces, def);
  for (size_t i = 0; i < o->nendpoints; i++)
    if (o->endpoints[i].iface[0] != '\0')
      add_iface(o, ifaces, o->endpoints[i].iface);
}

/* A datagram of a SAP group: into the directory. */
static void on_sap_datagram(void *ctx, const struct mcw_datagram *d) {
  struct mcw_session *s = ctx;

  if (s->sapdir == NULL)
    return;
  mcw_sapdir_feed(s->sapdir, d->data, d->caplen, d->ifindex, mcw_mono_ns());
}

void mcw_session_sap_clocks(struct mcw_engine *e, const struct mcw_sap_media *m,
                            size_t from) {
  struct mcw_addr a;

  if (m->clock == 0 || m->pt > 127 || mcw_addr_parse(m->group, &a) != 0)
    return;
  for (size_t i = from; i < mcw_engine_count(e); i++) {
    struct mcw_group *g = mcw_engine_group(e, i);
    if (mcw_addr_same_host(&g->ep.group, &a) && g->ep.group.port == m->port)
      mcw_stream_clock_set(&g->senders.budget, m->pt, m->clock);
  }
}

void mcw_session_sap_known_clocks(struct mcw_session *s, size_t from) {
  if (s->sapdir == NULL)
    return;
  for (size_t i = 0; i < s->sapdir->n; i++)
    for (unsigned k = 0; k < s->sapdir->v[i].nmedia; k++)
      mcw_session_sap_clocks(s->engine, &s->sapdir->v[i].media[k], from);
}

/* A session announced, deleted or expired: the clocks its media name go
   to the groups watched at their addresses, then the mode hears of it. */
static void on_change(void *ctx, const struct mcw_sap_session *ss,
                      enum mcw_sap_state st) {
  struct mcw_session *s = ctx;

  if (st == MCW_SAP_ANNOUNCED)
    for (unsigned i = 0; i < ss->nmedia; i++)
      mcw_session_sap_clocks(s->engine, &ss->media[i], 0);
  if (s->on_sap != NULL)
    s->on_sap(s, ss, st);
}

int mcw_session_sap_start(struct mcw_session *s) {
  struct mcw_options *o = s->opt;
  struct mcw_sapdir_config cfg;
  char err[256], msg[400], ep[128];
  size_t ok = 0;

  if (!o->sap)
    return 0;
  mcw_sapdir_config_default(&cfg);
  if (o->sap_timeout > 0)
    cfg.timeout_ns = (int64_t)(o->sap_timeout * 1e9);
  s->sapdir = mcw_xcalloc(1, sizeof(*s->sapdir));
  mcw_sapdir_init(s->sapdir, &cfg, on_change, s);
  for (size_t i = 0; i < o->nsap_eps; i++) {
    mcw_endpoint_format(&o->sap_eps[i], ep, sizeof(ep));
    if (mcw_engine_listen(s->engine, &o->sap_eps[i], on_sap_datagram, s, err,
                          sizeof(err)) < 0) {
      snprintf(msg, sizeof(msg), "SAP: %s", err);
      mcw_engine_report(s->engine, MCW_EV_WARNING, 0, msg);
      continue;
    }
    ok++;
  }
  if (ok == 0) {
    mcw_engine_report(s->engine, MCW_EV_ERROR, -EADDRNOTAVAIL,
                      "SAP: no announcement group could be joined");
    return 1;
  }
  snprintf(msg, sizeof(msg), "SAP: listening on %zu group%s", ok,
           ok == 1 ? "" : "s");
  mcw_engine_report(s->engine, MCW_EV_JOIN, 0, msg);
  return 0;
}

void mcw_session_sap_tick(struct mcw_session *s) {
  if (s->sapdir != NULL)
    mcw_sapdir_expire(s->sapdir, mcw_mono_ns());
}

void mcw_session_sap_free(struct mcw_session *s) {
  if (s->sapdir == NULL)
    return;
  mcw_sapdir_free(s->sapdir);
  free(s->sapdir);
  s->sapdir = NULL;
}
