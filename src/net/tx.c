/*
 * The sender used by the demo and by the TUI's send key. The outgoing
 * interface is named by index (IP_MULTICAST_IF with ip_mreqn, or
 * IPV6_MULTICAST_IF), so no multicast route is needed; on an interface with
 * an IPv4 address the socket is bound to it so receivers see a real source.
 */
#include "mcwatch/tx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mcwatch/common.h"

/* The interface's primary IPv4 address, for a meaningful source. */
static int iface_ipv4(const char *name, struct sockaddr_in *out) {
  struct ifreq ifr;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

  if (fd < 0)
    return -1;
  memset(&ifr, 0, sizeof(ifr));
  mcw_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
  if (ioctl(fd, SIOCGIFADDR, &ifr) == 0 && ifr.ifr_addr.sa_family == AF_INET) {
    memcpy(out, &ifr.ifr_addr, sizeof(*out));
    out->sin_port = 0;
    r = 0;
  }
  close(fd);
  return r;
}

int mcw_tx_open(struct mcw_tx *tx, const struct mcw_endpoint *ep, int ttl,
                bool loop, char *err, size_t errlen) {
  char shown[MCW_ADDRSTRLEN + MCW_IFACE_MAX + 2];
  int v6 = ep->group.family == AF_INET6, on = loop ? 1 : 0, r;
  const char *what;

  mcw_endpoint_format(ep, shown, sizeof(shown));
  memset(tx, 0, sizeof(*tx));
  tx->ttl = ttl;
  tx->dstlen = mcw_addr_to_sockaddr(&ep->group, &tx->dst);
  tx->fd = socket(ep->group.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (tx->fd < 0) {
    r = -errno;
    snprintf(err, errlen, "sender socket for %s: %s", shown, strerror(-r));
    return r;
  }
  if (v6) {
    int idx = (int)ep->ifindex;
    what = "IPV6_MULTICAST_IF";
    if (setsockopt(tx->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) <
        0)
      goto fail;
    what = "IPV6_MULTICAST_HOPS";
    if (setsockopt(tx->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl,
                   sizeof(ttl)) < 0)
      goto fail;
    what = "IPV6_MULTICAST_LOOP";
    if (setsockopt(tx->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &on, sizeof(on)) <
        0)
      goto fail;
  } else {
    struct ip_mreqn mr;
    struct sockaddr_in src;
    memset(&mr, 0, sizeof(mr));
    mr.imr_ifindex = (int)ep->ifindex;
    what = "IP_MULTICAST_IF";
    if (setsockopt(tx->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
      goto fail;
    what = "IP_MULTICAST_TTL";
    if (setsockopt(tx->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0)
      goto fail;
    what = "IP_MULTICAST_LOOP";
    if (setsockopt(tx->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &on, sizeof(on)) < 0)
      goto fail;
    if (iface_ipv4(ep->iface, &src) == 0)
      (void)bind(tx->fd, (struct sockaddr *)&src, sizeof(src));
  }
  return 0;

fail:
  r = -errno;
  snprintf(err, errlen, "sender for %s: %s: %s", shown, what, strerror(-r));
  close(tx->fd);
  tx->fd = -1;
  return r;
}

int mcw_tx_send(struct mcw_tx *tx, const void *data, size_t len) {
  ssize_t n;

  do
    n = sendto(tx->fd, data, len, 0, (struct sockaddr *)&tx->dst, tx->dstlen);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : 0;
}

void mcw_tx_close(struct mcw_tx *tx) {
  if (tx->fd >= 0)
    close(tx->fd);
  tx->fd = -1;
}
