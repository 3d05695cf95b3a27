/*
 * Receive sockets. Each subscription gets its own socket bound to the group
 * address (not INADDR_ANY) with IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off,
 * so a socket sees only the groups it joined itself (DESIGN pitfall 1).
 * Joins go through the protocol-independent MCAST_JOIN_GROUP and
 * MCAST_JOIN_SOURCE_GROUP with the interface given by index (pitfall 2).
 * Sockets are drained with recvmmsg; control messages carry packet info,
 * SO_TIMESTAMPNS and SO_RXQ_OVFL.
 */
#include "mcwatch/msock.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcwatch/common.h"

#ifndef IP_MULTICAST_ALL
#define IP_MULTICAST_ALL 49
#endif
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif
#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

int64_t mcw_wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * MCW_NS_PER_SEC + ts.tv_nsec;
}

static int setopt(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* A hint for errors users meet when joining, after strerror's words. */
static const char *join_hint(int err) {
  switch (err) {
  case ENOBUFS:
    return "; too many memberships? see sysctl net.ipv4.igmp_max_memberships "
           "(or net.ipv6.mld_max_msf)";
  case ENODEV:
    return "; the interface is gone or cannot do multicast";
  case EADDRNOTAVAIL:
    return "; the interface has no address of this family, or the membership "
           "does not exist";
  case EINVAL:
    return "; the kernel refused the group, source or interface";
  default:
    return "";
  }
}

/* Joins (or leaves) ep's group, from ep's source when it has one. */
static int membership(int fd, const struct mcw_endpoint *ep, bool join) {
  int level = ep->group.family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
  struct mcw_addr group = ep->group, source = ep->source;
  int r;

  group.port = source.port = 0;
  if (mcw_endpoint_has_source(ep)) {
    struct group_source_req gsr;
    memset(&gsr, 0, sizeof(gsr));
    gsr.gsr_interface = ep->ifindex;
    mcw_addr_to_sockaddr(&group, &gsr.gsr_group);
    mcw_addr_to_sockaddr(&source, &gsr.gsr_source);
    r = setsockopt(fd, level,
                   join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP,
                   &gsr, sizeof(gsr));
  } else {
    struct group_req gr;
    memset(&gr, 0, sizeof(gr));
    gr.gr_interface = ep->ifindex;
    mcw_addr_to_sockaddr(&group, &gr.gr_group);
    r = setsockopt(fd, level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP, &gr,
                   sizeof(gr));
  }
  return r < 0 ? -errno : 0;
}

int mcw_msock_open(const struct mcw_endpoint *ep, int rcvbuf,
                   struct mcw_msock_info *info, char *err, size_t errlen) {
  char gtxt[MCW_ADDRSTRLEN], stxt[MCW_ADDRSTRLEN];
  struct sockaddr_storage ss;
  socklen_t sl, optlen;
  int fd, r, v6 = ep->group.family == AF_INET6;
  const char *step;

  mcw_addr_format(&ep->group, gtxt, sizeof(gtxt));
  fd = socket(ep->group.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    r = -errno;
    snprintf(err, errlen, "socket for %s: %s%s", gtxt, strerror(-r),
             r == -EMFILE ? "; raise the open-file limit (ulimit -n)" : "");
    return r;
  }

  step = "socket options";
  if ((r = setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1)) < 0)
    goto fail;
  if (v6) {
    if ((r = setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0 ||
        (r = setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0)
      goto fail;
    /* Missing before Linux 4.20: the engine also filters by destination. */
    (void)setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
  } else {
    if ((r = setopt(fd, IPPROTO_IP, IP_PKTINFO, 1)) < 0 ||
        (r = setopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0)) < 0)
      goto fail;
  }
  (void)setopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
  (void)setopt(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
  if (rcvbuf > 0)
    (void)setopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
  info->rcvbuf = 0;
  optlen = sizeof(info->rcvbuf);
  (void)getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &info->rcvbuf, &optlen);

  step = "bind";
  {
    struct mcw_addr bind_addr = ep->group;
    if (v6 && (ep->group.bytes[1] & 0x0f) <= 2)
      bind_addr.scope_id = ep->ifindex; /* interface- and link-local scope */
    sl = mcw_addr_to_sockaddr(&bind_addr, &ss);
  }
  if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
    r = -errno;
    goto fail;
  }

  step = "join";
  if ((r = membership(fd, ep, true)) < 0)
    goto fail;
  return fd;

fail:
  if (strcmp(step, "join") == 0) {
    if (mcw_endpoint_has_source(ep))
      snprintf(err, errlen, "join %s from %s on %s: %s%s", gtxt,
               mcw_addr_format(&ep->source, stxt, sizeof(stxt)), ep->iface,
               strerror(-r), join_hint(-r));
    else
      snprintf(err, errlen, "join %s on %s: %s%s", gtxt, ep->iface,
               strerror(-r), join_hint(-r));
  } else if (strcmp(step, "bind") == 0) {
    snprintf(err, errlen, "bind %s: %s",
             mcw_addr_format_port(&ep->group, stxt, sizeof(stxt)),
             strerror(-r));
  } else {
    snprintf(err, errlen, "%s for %s: %s", step, gtxt, strerror(-r));
  }
  close(fd);
  return r;
}

int64_t mcw_msock_drops(int fd) {
  uint32_t mem[SK_MEMINFO_VARS];
  socklen_t len = sizeof(mem);

  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
    return -errno;
  if (len < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t))
    return -ENOPROTOOPT;
  return mem[SK_MEMINFO_DROPS];
}

void mcw_msock_leave(int fd, const struct mcw_endpoint *ep) {
  (void)membership(fd, ep, false);
}

void mcw_batch_init(struct mcw_batch *b) {
  memset(b->msgs, 0, sizeof(b->msgs));
  b->data = mcw_xmalloc((size_t)MCW_BATCH * MCW_MAX_DATAGRAM);
  for (int i = 0; i < MCW_BATCH; i++) {
    /* A datagram of up to a page touches only the first page of its slot.
       Writing those pages now makes the process's memory its working size
       from the start, instead of creeping up each time a burst fills a
       bigger batch than before (seen in a 10-minute soak: +180 KiB over
       the first 4 minutes). */
    memset(b->data + (size_t)i * MCW_MAX_DATAGRAM, 0, 4096);
    b->iov[i].iov_base = b->data + (size_t)i * MCW_MAX_DATAGRAM;
    b->iov[i].iov_len = MCW_MAX_DATAGRAM;
    b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
    b->msgs[i].msg_hdr.msg_iovlen = 1;
    b->msgs[i].msg_hdr.msg_name = &b->names[i];
    b->msgs[i].msg_hdr.msg_control = b->ctrl[i];
  }
}

void mcw_batch_free(struct mcw_batch *b) {
  free(b->data);
  b->data = NULL;
}

int mcw_batch_recv(struct mcw_batch *b, int fd) {
  int n;

  for (int i = 0; i < MCW_BATCH; i++) {
    b->msgs[i].msg_hdr.msg_namelen = sizeof(b->names[i]);
    b->msgs[i].msg_hdr.msg_controllen = sizeof(b->ctrl[i]);
    b->msgs[i].msg_hdr.msg_flags = 0;
  }
  do
    n = recvmmsg(fd, b->msgs, MCW_BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  return n;
}

int64_t mcw_batch_get(struct mcw_batch *b, int i, struct mcw_datagram *d) {
  struct msghdr *h = &b->msgs[i].msg_hdr;
  int64_t drops = -1;

  memset(d, 0, sizeof(*d));
  if (mcw_addr_from_sockaddr(&d->src, h->msg_name) != 0)
    d->src.family = 0;
  d->len = b->msgs[i].msg_len;
  d->truncated = (h->msg_flags & MSG_TRUNC) != 0;
  d->caplen = d->len < MCW_MAX_DATAGRAM ? d->len : MCW_MAX_DATAGRAM;
  d->data = b->iov[i].iov_base;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof(ts));
      d->ts_ns = (int64_t)ts.tv_sec * MCW_NS_PER_SEC + ts.tv_nsec;
      d->kernel_ts = true;
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
      uint32_t v;
      memcpy(&v, CMSG_DATA(c), sizeof(v));
      drops = v;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      d->ifindex = (unsigned)pi.ipi_ifindex;
      d->dst.family = AF_INET;
      memcpy(d->dst.bytes, &pi.ipi_addr, 4);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      d->ifindex = pi.ipi6_ifindex;
      d->dst.family = AF_INET6;
      memcpy(d->dst.bytes, &pi.ipi6_addr, 16);
    }
  }
  if (!d->kernel_ts)
    d->ts_ns = mcw_wall_ns();
  return drops;
}
