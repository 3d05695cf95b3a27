/*
 * Endpoints name what to watch: GROUP:PORT[@SOURCE][%IFACE], IPv6 groups in
 * brackets ("[ff15::1234]:5000%eth0"). Parsing is pure; the interface part
 * stays text until mcw_endpoint_resolve() looks it up in an interface list.
 */
#ifndef MCWATCH_ENDPOINT_H
#define MCWATCH_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "mcwatch/addr.h"

#define MCW_IFACE_MAX 64 /* longest interface text kept (names, addresses) */
#define MCW_LABEL_MAX 96 /* a channel's label, escaped, terminator included */

struct mcw_iface_list;

struct mcw_endpoint {
  struct mcw_addr group;     /* multicast group; group.port is the port */
  struct mcw_addr source;    /* source filter, family 0 when any-source */
  char iface[MCW_IFACE_MAX]; /* as written, or resolved name; "" = default */
  unsigned ifindex;          /* 0 until resolved */
  char label[MCW_LABEL_MAX]; /* channel name from a list; "" when none */
  /* An RTP clock that a description of this stream (SDP a=rtpmap) names:
     payload type and rate, or 0 Hz when none. */
  uint8_t clock_pt;
  uint32_t clock_hz;
};

/*
 * Parses text into ep. On error returns -EINVAL and writes one line naming
 * the field and the rule into err ("239.1.2.300: not an IPv4 address").
 */
int mcw_endpoint_parse(const char *text, struct mcw_endpoint *ep, char *err,
                       size_t errlen);
/*
 * Like mcw_endpoint_parse, but a source-specific group may come without a
 * source: for callers that add the sources themselves (the beacon's --ssm).
 */
int mcw_endpoint_parse_channel(const char *text, struct mcw_endpoint *ep,
                               char *err, size_t errlen);

/*
 * Resolves ep->iface (name, index or address; "" means default_iface) in
 * list, fills ifindex and the interface name, and checks that it can carry
 * multicast. Returns 0 or -ENODEV / -EINVAL with a sentence in err.
 */
int mcw_endpoint_resolve(struct mcw_endpoint *ep,
                         const struct mcw_iface_list *list,
                         const char *default_iface, char *err, size_t errlen);

/*
 * Resolves ep like mcw_endpoint_resolve into out[0], or, when its interface
 * is "*", into one endpoint per interface that is up and has the MULTICAST
 * flag (at most max). Returns how many, or -errno with a sentence in err.
 */
int mcw_endpoint_resolve_all(const struct mcw_endpoint *ep,
                             const struct mcw_iface_list *list,
                             const char *default_iface,
                             struct mcw_endpoint *out, size_t max, char *err,
                             size_t errlen);

/* Formats ep in the syntax it was parsed from; returns buf. */
const char *mcw_endpoint_format(const struct mcw_endpoint *ep, char *buf,
                                size_t len);

/* True when ep has a source filter. */
bool mcw_endpoint_has_source(const struct mcw_endpoint *ep);

#endif
