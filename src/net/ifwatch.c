/*
 * Interface notifications from the kernel. One non-blocking NETLINK_ROUTE
 * socket joined to RTMGRP_LINK, RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR
 * is watched by a uv_poll_t; each readable wakeup drains the socket and
 * turns every RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR and RTM_DELADDR into
 * an mcw_ifchange. If the kernel's buffer overflowed (ENOBUFS), a link
 * dump is requested so no change is missed for good.
 */
#include "mcwatch/ifwatch.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcwatch/common.h"

struct mcw_ifwatch {
  uv_poll_t poll;
  int fd;
  mcw_ifwatch_cb cb;
  void *ctx;
  uint32_t seq;
};

/* Asks the kernel for every link, so the state is whole again. */
static void request_dump(struct mcw_ifwatch *w) {
  struct {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
  } req;
  struct sockaddr_nl to = {.nl_family = AF_NETLINK};

  memset(&req, 0, sizeof(req));
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = ++w->seq;
  req.ifi.ifi_family = AF_UNSPEC;
  (void)sendto(w->fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&to,
               sizeof(to));
}

static void parse_link(struct mcw_ifwatch *w, struct nlmsghdr *nh) {
  struct ifinfomsg *ifi = NLMSG_DATA(nh);
  struct mcw_ifchange c;
  int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));

  if (len < 0)
    return;
  memset(&c, 0, sizeof(c));
  c.kind = MCW_IFCHANGE_LINK;
  c.removed = nh->nlmsg_type == RTM_DELLINK;
  c.index = (unsigned)ifi->ifi_index;
  c.flags = ifi->ifi_flags;
  for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFLA_IFNAME) {
      size_t n =
          RTA_PAYLOAD(a) < sizeof(c.name) ? RTA_PAYLOAD(a) : sizeof(c.name) - 1;
      memcpy(c.name, RTA_DATA(a), n);
      c.name[n < sizeof(c.name) ? n : sizeof(c.name) - 1] = '\0';
    }
  }
  w->cb(w->ctx, &c);
}

static void parse_addr(struct mcw_ifwatch *w, struct nlmsghdr *nh) {
  struct ifaddrmsg *ifa = NLMSG_DATA(nh);
  struct mcw_ifchange c;
  int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifa));
  size_t alen = ifa->ifa_family == AF_INET6 ? 16 : 4;

  if (len < 0 || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
    return;
  memset(&c, 0, sizeof(c));
  c.kind = MCW_IFCHANGE_ADDR;
  c.removed = nh->nlmsg_type == RTM_DELADDR;
  c.index = ifa->ifa_index;
  for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    /* IFA_LOCAL is the address on point-to-point links; else IFA_ADDRESS. */
    if ((a->rta_type == IFA_ADDRESS && c.addr.family == 0) ||
        a->rta_type == IFA_LOCAL) {
      if (RTA_PAYLOAD(a) < alen)
        continue;
      c.addr.family = ifa->ifa_family;
      memcpy(c.addr.bytes, RTA_DATA(a), alen);
    }
  }
  if (if_indextoname(c.index, c.name) == NULL)
    c.name[0] = '\0';
  w->cb(w->ctx, &c);
}

static void on_netlink(uv_poll_t *h, int status, int events) {
  struct mcw_ifwatch *w = h->data;
  char buf[16384] __attribute__((aligned(8)));

  if (status < 0)
    return;
  for (;;) {
    ssize_t n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == ENOBUFS) { /* we missed messages: ask for the state */
        request_dump(w);
        continue;
      }
      return; /* EAGAIN: drained */
    }
    for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
         nh = NLMSG_NEXT(nh, n)) {
      switch (nh->nlmsg_type) {
      case RTM_NEWLINK:
      case RTM_DELLINK:
        parse_link(w, nh);
        break;
      case RTM_NEWADDR:
      case RTM_DELADDR:
        parse_addr(w, nh);
        break;
      default:
        break;
      }
    }
  }
}

struct mcw_ifwatch *mcw_ifwatch_start(uv_loop_t *loop, mcw_ifwatch_cb cb,
                                      void *ctx, int *err) {
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  struct mcw_ifwatch *w;
  int fd, r;

  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
              NETLINK_ROUTE);
  if (fd < 0) {
    *err = -errno;
    return NULL;
  }
  local.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
    *err = -errno;
    close(fd);
    return NULL;
  }
  w = mcw_xcalloc(1, sizeof(*w));
  w->fd = fd;
  w->cb = cb;
  w->ctx = ctx;
  r = uv_poll_init_socket(loop, &w->poll, fd);
  if (r < 0) {
    *err = r;
    close(fd);
    free(w);
    return NULL;
  }
  w->poll.data = w;
  uv_poll_start(&w->poll, UV_READABLE, on_netlink);
  return w;
}

static void on_closed(uv_handle_t *h) {
  struct mcw_ifwatch *w = h->data;
  close(w->fd);
  free(w);
}

void mcw_ifwatch_close(struct mcw_ifwatch *w) {
  if (w == NULL)
    return;
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t *)&w->poll, on_closed);
}
