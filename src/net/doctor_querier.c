/*
 * The doctor's querier check: listens on the group's interface for a
 * general IGMP or MLD query for up to --listen seconds (a raw socket, so
 * CAP_NET_RAW) and reads the querier version the kernel recorded in
 * /proc/net/igmp. It says who queries, how often and how long memberships
 * last, or that nobody does and what happens then on a switch that snoops,
 * and checks the version against a source-specific join.
 */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcwatch/doctor.h"
#include "mcwatch/engine.h"
#include "mcwatch/igmp.h"
#include "mcwatch/querier.h"

#define FIX_NONE                                                               \
  "enable a querier on the switch, or on a Linux bridge: ip link set BRIDGE "  \
  "type bridge mcast_querier 1; or run one on a host of the segment "          \
  "(igmpproxy, pimd)"

/* Opens a raw socket for the family's queries; -errno on failure. */
static int open_raw(int family) {
  int on = 1, fd;

  if (family == AF_INET) {
    fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);
    if (fd >= 0)
      setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
  } else {
    struct icmp6_filter f;
    fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd >= 0) {
      ICMP6_FILTER_SETBLOCKALL(&f);
      ICMP6_FILTER_SETPASS(130, &f);
      setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
    }
  }
  return fd < 0 ? -errno : fd;
}

/* Waits up to secs for a general query on ifindex into l; true if one. */
static bool listen_query(int fd, int family, unsigned ifindex, double secs,
                         struct mcw_igmp_link *l) {
  static uint8_t buf[9216];
  int64_t end = mcw_mono_ns() + (int64_t)(secs * 1e9);

  for (;;) {
    int64_t left = end - mcw_mono_ns();
    struct pollfd p = {fd, POLLIN, 0};
    struct sockaddr_storage from;
    union {
      char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
      struct cmsghdr align;
    } cm;
    struct iovec iov = {buf, sizeof(buf)};
    struct msghdr msg = {&from, sizeof(from), &iov, 1, cm.b, sizeof(cm.b), 0};
    struct mcw_igmp_msg m;
    struct mcw_addr src, dst;
    unsigned idx = 0;
    ssize_t n;
    int r;

    if (left <= 0 || poll(&p, 1, (int)(left / 1000000) + 1) <= 0)
      return false;
    n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0)
      continue;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL;
         c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        idx = (unsigned)pi.ipi_ifindex;
      } else if (c->cmsg_level == IPPROTO_IPV6 &&
                 c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        idx = pi.ipi6_ifindex;
      }
    }
    if (idx != ifindex)
      continue;
    if (family == AF_INET) {
      r = mcw_igmp_decode_ip4(buf, (size_t)n, &src, &dst, &m);
    } else {
      r = mcw_addr_from_sockaddr(&src, (struct sockaddr *)&from);
      src.port = 0;
      src.scope_id = 0;
      if (r == 0)
        r = mcw_mld_decode(buf, (size_t)n, &m);
    }
    if (r == 0 && m.type == MCW_IGMP_QUERY && m.general) {
      mcw_igmp_link_account(l, &m, &src, false, mcw_mono_ns(), 0);
      return true;
    }
  }
}

/* The kernel's querier version for ifname from procfs/net/igmp; 0 when
 * unknown. */
static int kernel_version(const char *procfs, const char *ifname) {
  char path[256], *text;
  size_t len;
  FILE *f;
  int v = 0;

  snprintf(path, sizeof(path), "%s/net/igmp", procfs);
  f = fopen(path, "re");
  if (f == NULL)
    return 0;
  text = calloc(1, 65537);
  if (text != NULL) {
    len = fread(text, 1, 65536, f);
    text[len] = '\0';
    v = mcw_igmp_proc_version(text, ifname);
    free(text);
  }
  fclose(f);
  return v;
}

void mcw_doctor_check_querier(const struct mcw_endpoint *ep,
                              const struct mcw_doctor_options *o,
                              struct mcw_doctor_report *r) {
  int family = ep->group.family, fd;
  bool ssm = ep->source.family != 0, v6 = family == AF_INET6;
  const char *proto = v6 ? "MLD" : "IGMP";
  int kv = v6 ? 0 : kernel_version(o->procfs, ep->iface);
  int newest = v6 ? 2 : 3;
  static struct mcw_igmp_link l;
  char a[MCW_ADDRSTRLEN], fix[300];

  if (ep->ifindex == 0) {
    mcw_doctor_add(r, "querier", MCW_DOC_SKIP, NULL,
                   "no querier check: the interface does not exist");
    return;
  }
  if (o->listen_s <= 0) {
    if (kv != 0 && kv < 3)
      mcw_doctor_add(r, "querier", ssm ? MCW_DOC_FAIL : MCW_DOC_OK,
                     ssm ? "configure the querier for IGMPv3 (a Linux "
                           "bridge: ip link set BRIDGE type bridge "
                           "mcast_igmp_version 3)"
                         : NULL,
                     "the kernel heard an IGMPv%d querier on %s%s", kv,
                     ep->iface,
                     ssm ? ": source-specific joins are then reported "
                           "without their source"
                         : "");
    else
      mcw_doctor_add(r, "querier", MCW_DOC_SKIP, NULL,
                     "not listened for a %s query (--listen 130 waits for "
                     "one; a querier asks every 125 s by default)",
                     proto);
    return;
  }
  fd = open_raw(family);
  if (fd < 0) {
    mcw_doctor_add(r, "querier", MCW_DOC_SKIP, NULL,
                   "cannot listen for %s queries: %s%s", proto, strerror(-fd),
                   fd == -EPERM || fd == -EACCES
                       ? " (it needs CAP_NET_RAW: run the doctor as root)"
                       : "");
    return;
  }
  mcw_igmp_link_init(&l, ep->iface, ep->ifindex, family, mcw_mono_ns());
  if (!listen_query(fd, family, ep->ifindex, o->listen_s, &l)) {
    close(fd);
    mcw_doctor_add(
        r, "querier", MCW_DOC_WARN, FIX_NONE,
        "no %s query heard on %s in %.0f s%s: a switch that snoops %s stops "
        "forwarding the group about 260 s after the join (the membership "
        "interval) when nobody queries%s",
        proto, ep->iface, o->listen_s,
        kv == 3 || kv == 0 ? "" : " (the kernel recorded an older querier)",
        proto,
        o->listen_s < 126 ? "; a querier asks every 125 s by default, so "
                            "listen longer to be sure"
                          : "");
    return;
  }
  close(fd);
  mcw_addr_format(&l.querier, a, sizeof(a));
  if (ssm && l.version < newest) {
    snprintf(fix, sizeof(fix),
             "configure the querier for %s (a Linux bridge: ip link set "
             "BRIDGE type bridge %s %d)",
             mcw_igmp_version_name(family, newest),
             v6 ? "mcast_mld_version" : "mcast_igmp_version", newest);
    mcw_doctor_add(r, "querier", MCW_DOC_FAIL, fix,
                   "querier %s speaks %s on %s: source-specific joins are "
                   "reported without their source, so the source filter "
                   "is lost on the way",
                   a, mcw_igmp_version_name(family, l.version), ep->iface);
    return;
  }
  mcw_doctor_add(r, "querier", MCW_DOC_OK, NULL,
                 "querier %s (%s) on %s: queries every %.0f s (%s), "
                 "robustness %u, max response %.1f s; memberships last "
                 "%.0f s",
                 a, mcw_igmp_version_name(family, l.version), ep->iface, l.qi_s,
                 l.qi_from == MCW_QI_CARRIED ? "as it says"
                                             : "assumed: IGMPv2 does not say",
                 l.robustness, l.max_resp_s, mcw_igmp_link_membership_s(&l));
}
