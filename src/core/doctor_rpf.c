/*
 * The rp_filter verdict, pure: given the two sysctls, the route back to
 * the sender (when one is named) and a little about the routing table, it
 * says whether the kernel accepts the sender's multicast on the arrival
 * interface, in words and with a fix that really fixes it.
 *
 * What the kernel does (net/ipv4/fib_frontend.c, fib_validate_source,
 * for every multicast datagram that arrives; checked in namespaces by
 * tests/integration/doctor_rpf.sh):
 *   - the mode is max(conf/all/rp_filter, conf/IFACE/rp_filter);
 *   - 0: no check;
 *   - otherwise the route to the source is looked up; no route, or a
 *     blackhole / unreachable / prohibit route, drops the datagram in
 *     both modes, so loose mode (2) is no fix for a missing route;
 *   - a route through the arrival interface passes in both modes;
 *   - a route through another interface passes in loose mode only, and
 *     only when the arrival interface has an IPv4 address (without one the
 *     kernel drops as in strict mode).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/doctor.h"

/* Writes the sysctl fix that sets both keys to mode (sysctl spells a dot
 * inside an interface name as a slash). */
static void sysctl_fix(const char *ifname, int mode, char *out, size_t len) {
  char key[64];
  size_t i;

  for (i = 0; ifname[i] != '\0' && i + 1 < sizeof(key); i++)
    key[i] = ifname[i] == '.' ? '/' : ifname[i];
  key[i] = '\0';
  snprintf(out, len,
           "sysctl -w net.ipv4.conf.all.rp_filter=%d "
           "net.ipv4.conf.%s.rp_filter=%d",
           mode, key, mode);
}

enum mcw_doctor_status mcw_doctor_rpf_judge(const struct mcw_doctor_rpf *in,
                                            char *msg, size_t mlen, char *fix,
                                            size_t flen) {
  long eff = in->all > in->dev ? in->all : in->dev;
  const char *mode = eff == 1 ? "strict" : "loose";
  char zero[160], who[80];

  fix[0] = '\0';
  sysctl_fix(in->ifname, 0, zero, sizeof(zero));
  snprintf(who, sizeof(who), "%ld for all and %ld for %s, so %ld", in->all,
           in->dev, in->ifname, eff);
  if (eff <= 0) {
    snprintf(msg, mlen,
             "rp_filter is %s (off): no multicast is dropped for its "
             "source's route",
             who);
    return MCW_DOC_OK;
  }

  if (in->source[0] == '\0') {
    /* Any-source: the sender is unknown, say what it needs. */
    if (eff == 1) {
      snprintf(fix, flen, "ip route add SENDER/32 dev %s   (or: %s)",
               in->ifname, zero);
      snprintf(msg, mlen,
               "rp_filter is %s (strict): multicast from a sender whose "
               "route back does not leave by %s is dropped; with no route "
               "back at all, loose mode (2) drops it too (check with: ip "
               "route get SENDER)",
               who, in->ifname);
      return MCW_DOC_WARN;
    }
    if (!in->iface_has_v4) {
      snprintf(fix, flen, "ip route add SENDER/32 dev %s   (or: %s)",
               in->ifname, zero);
      snprintf(msg, mlen,
               "rp_filter is %s (loose), but %s has no IPv4 address: the "
               "kernel then accepts only senders whose route back leaves by "
               "%s, as in strict mode",
               who, in->ifname, in->ifname);
      return MCW_DOC_WARN;
    }
    if (!in->default_route) {
      snprintf(fix, flen, "ip route add SENDER/32 dev %s   (or: %s)",
               in->ifname, zero);
      snprintf(msg, mlen,
               "rp_filter is %s (loose) and there is no default route: "
               "multicast from a sender with no route back is dropped "
               "(check with: ip route get SENDER)",
               who);
      return MCW_DOC_WARN;
    }
    snprintf(msg, mlen,
             "rp_filter is %s (loose): every sender with a route back is "
             "accepted, and the default route covers them all",
             who);
    return MCW_DOC_OK;
  }

  if (in->route < 0) {
    snprintf(fix, flen, "ip route add %s/32 dev %s   (or: %s)", in->source,
             in->ifname, zero);
    snprintf(msg, mlen,
             "rp_filter is %s (%s) and there is %s back to %s: the kernel "
             "drops its multicast (rp_filter=2 does not help; a route back "
             "or rp_filter=0 does)",
             who, mode,
             in->route == -EHOSTUNREACH ? "only a blackhole/unreachable route"
                                        : "no route",
             in->source);
    return MCW_DOC_FAIL;
  }
  if (strcmp(in->route_iface, in->ifname) == 0) {
    snprintf(msg, mlen,
             "rp_filter is %s (%s), and the route back to %s leaves by %s "
             "as it should",
             who, mode, in->source, in->ifname);
    return MCW_DOC_OK;
  }
  if (eff == 1 || !in->iface_has_v4) {
    char two[160];
    sysctl_fix(in->ifname, 2, two, sizeof(two));
    if (in->iface_has_v4)
      snprintf(fix, flen, "%s   (or: ip route add %s/32 dev %s)", two,
               in->source, in->ifname);
    else
      snprintf(fix, flen, "ip route add %s/32 dev %s   (or: %s)", in->source,
               in->ifname, zero);
    snprintf(msg, mlen,
             "rp_filter is %s (%s%s) and the route back to %s leaves by %s, "
             "not %s: the kernel drops its multicast",
             who, mode, in->iface_has_v4 ? "" : ", and no IPv4 address here",
             in->source, in->route_iface, in->ifname);
    return MCW_DOC_FAIL;
  }
  snprintf(msg, mlen,
           "rp_filter is %s (loose): the route back to %s leaves by %s, not "
           "%s, which loose mode accepts",
           who, in->source, in->route_iface, in->ifname);
  return MCW_DOC_OK;
}
