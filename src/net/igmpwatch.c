/*
 * The IGMP / MLD watcher (see igmpwatch.h). One raw socket per family,
 * watched by uv_poll_t and drained up to MAX_PER_WAKEUP messages at a
 * time; the arrival interface comes from packet info and picks the link.
 * What the kernel owns (the two sockets) is apart from what was asked
 * for (the links), as the engine keeps its conns apart from its subs.
 *
 * Raw sockets were measured against libpcap for this: both need
 * CAP_NET_RAW; the raw socket sees what the IP layer accepts, which,
 * once 224.0.0.22 / 224.0.0.2 (ff02::16 / ff02::2) are joined, is every
 * query, every v3 / MLDv2 report and every leave that reaches the port
 * (docs/ARCHITECTURE.md, "IGMP and MLD"); it needs no promiscuous mode
 * and no extra library on the receive path.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "mcwatch/engine.h"
#include "mcwatch/igmpwatch.h"
#include "mcwatch/msock.h"

#define MAX_PER_WAKEUP 64
#define SELF_REFRESH_NS INT64_C(5000000000)
#define MAX_SELF 64

struct rawsock {
  int fd;     /* -1 when closed or refused */
  bool tried; /* opening was attempted */
  uv_poll_t poll;
  struct mcw_igmpwatch *w;
};

struct mcw_igmpwatch {
  uv_loop_t *loop;
  struct mcw_igmpwatch_hooks hooks;
  struct rawsock sock[2]; /* [0] IPv4, [1] IPv6 */
  struct mcw_igmp_link *links[MCW_IGMPWATCH_LINKS];
  size_t nlinks;
  uint64_t bad;
  bool told;   /* the fallback notice was given */
  int closing; /* handles still to close */
  struct mcw_addr self[MAX_SELF];
  size_t nself;
  int64_t self_mono;
  uint8_t buf[9216];
};

struct mcw_igmpwatch *mcw_igmpwatch_new(uv_loop_t *loop,
                                        const struct mcw_igmpwatch_hooks *h) {
  struct mcw_igmpwatch *w = mcw_xcalloc(1, sizeof(*w));
  w->loop = loop;
  w->hooks = *h;
  for (int i = 0; i < 2; i++) {
    w->sock[i].fd = -1;
    w->sock[i].w = w;
  }
  return w;
}

static int fam_index(int family) { return family == AF_INET6 ? 1 : 0; }

/* The host's own addresses, refreshed at most every 5 s. */
static bool is_self(struct mcw_igmpwatch *w, const struct mcw_addr *a) {
  int64_t now = mcw_mono_ns();
  struct ifaddrs *ifa, *i;

  if (w->self_mono == 0 || now - w->self_mono > SELF_REFRESH_NS) {
    w->self_mono = now;
    w->nself = 0;
    if (getifaddrs(&ifa) == 0) {
      for (i = ifa; i != NULL && w->nself < MAX_SELF; i = i->ifa_next)
        if (i->ifa_addr != NULL &&
            mcw_addr_from_sockaddr(&w->self[w->nself], i->ifa_addr) == 0)
          w->nself++;
      freeifaddrs(ifa);
    }
  }
  for (size_t k = 0; k < w->nself; k++)
    if (mcw_addr_same_host(&w->self[k], a))
      return true;
  return false;
}

/* True when the interface named name is a loopback one. */
static bool is_loopback(const char *name) {
  struct ifaddrs *ifa, *i;
  bool lo = false;

  if (getifaddrs(&ifa) != 0)
    return false;
  for (i = ifa; i != NULL; i = i->ifa_next)
    if (strcmp(i->ifa_name, name) == 0 && (i->ifa_flags & IFF_LOOPBACK))
      lo = true;
  freeifaddrs(ifa);
  return lo;
}

static struct mcw_igmp_link *find(struct mcw_igmpwatch *w, unsigned ifindex,
                                  int family) {
  for (size_t i = 0; i < w->nlinks; i++)
    if (w->links[i]->ifindex == ifindex && w->links[i]->family == family)
      return w->links[i];
  return NULL;
}

/* Decodes one message received on s and accounts it on its link. */
static void one(struct mcw_igmpwatch *w, int family, size_t n,
                struct sockaddr_storage *from, unsigned ifindex) {
  struct mcw_igmp_msg m;
  struct mcw_addr src, dst;
  struct mcw_igmp_link *l = find(w, ifindex, family);
  int r;

  if (l == NULL)
    return; /* an interface nobody watches */
  if (family == AF_INET) {
    r = mcw_igmp_decode_ip4(w->buf, n, &src, &dst, &m);
  } else {
    r = mcw_addr_from_sockaddr(&src, (struct sockaddr *)from);
    src.port = 0;
    src.scope_id = 0;
    if (r == 0)
      r = mcw_mld_decode(w->buf, n, &m);
  }
  if (r == -ENOMSG)
    return;
  if (r < 0) {
    w->bad++;
    return;
  }
  bool self = is_self(w, &src) || l->loopback;
  unsigned flags =
      mcw_igmp_link_account(l, &m, &src, self, mcw_mono_ns(), mcw_wall_ns());
  if (w->hooks.on_message != NULL)
    w->hooks.on_message(w->hooks.ctx, l, &m, &src, self, flags);
}

static void on_readable(uv_poll_t *p, int status, int events) {
  struct rawsock *s = p->data;
  struct mcw_igmpwatch *w = s->w;
  int family = s == &w->sock[1] ? AF_INET6 : AF_INET;
  (void)events;

  if (status < 0)
    return;
  for (int k = 0; k < MAX_PER_WAKEUP; k++) {
    struct sockaddr_storage from;
    union {
      char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
      struct cmsghdr align;
    } cm;
    struct iovec iov = {w->buf, sizeof(w->buf)};
    struct msghdr msg = {&from, sizeof(from), &iov, 1, cm.b, sizeof(cm.b), 0};
    unsigned ifindex = 0;
    ssize_t n = recvmsg(s->fd, &msg, MSG_DONTWAIT);

    if (n < 0)
      return;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL;
         c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        ifindex = (unsigned)pi.ipi_ifindex;
      } else if (c->cmsg_level == IPPROTO_IPV6 &&
                 c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        ifindex = pi.ipi6_ifindex;
      }
    }
    if (msg.msg_flags & MSG_TRUNC) {
      w->bad++;
      continue;
    }
    one(w, family, (size_t)n, &from, ifindex);
  }
}

/* Opens the family's raw socket; on refusal says so once. */
static void open_sock(struct mcw_igmpwatch *w, int family) {
  struct rawsock *s = &w->sock[fam_index(family)];
  int on = 1, fd;

  s->tried = true;
  if (family == AF_INET) {
    fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IGMP);
    if (fd >= 0)
      setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
  } else {
    struct icmp6_filter f;
    fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                IPPROTO_ICMPV6);
    if (fd >= 0) {
      ICMP6_FILTER_SETBLOCKALL(&f);
      ICMP6_FILTER_SETPASS(130, &f);
      ICMP6_FILTER_SETPASS(131, &f);
      ICMP6_FILTER_SETPASS(132, &f);
      ICMP6_FILTER_SETPASS(143, &f);
      setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
    }
  }
  if (fd < 0) {
    int e = errno;
    if (!w->told && w->hooks.on_notice != NULL) {
      char msg[300];
      snprintf(msg, sizeof(msg),
               "IGMP/MLD: cannot open a raw socket (%s)%s; the querier is "
               "unknown, only the version the kernel recorded in "
               "/proc/net/igmp is shown",
               strerror(e),
               e == EPERM || e == EACCES
                   ? ": it needs CAP_NET_RAW (run as root or "
                     "setcap cap_net_raw+ep on mcwatch)"
                   : "");
      w->hooks.on_notice(w->hooks.ctx, msg);
    }
    w->told = true;
    return;
  }
  s->fd = fd;
  uv_poll_init(w->loop, &s->poll, fd);
  s->poll.data = s;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
}

/* Joins the groups reports and leaves are sent to, on the link. */
static void join_report_groups(struct mcw_igmpwatch *w,
                               const struct mcw_igmp_link *l) {
  static const char *const v4[] = {"224.0.0.22", "224.0.0.2"};
  static const char *const v6[] = {"ff02::16", "ff02::2"};
  int fd = w->sock[fam_index(l->family)].fd;

  for (int i = 0; i < 2; i++) {
    struct group_req gr;
    struct mcw_addr a;
    memset(&gr, 0, sizeof(gr));
    gr.gr_interface = l->ifindex;
    mcw_addr_parse(l->family == AF_INET ? v4[i] : v6[i], &a);
    mcw_addr_to_sockaddr(&a, &gr.gr_group);
    /* A failure only costs other hosts' reports: the queries still come. */
    (void)setsockopt(fd, l->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                     MCAST_JOIN_GROUP, &gr, sizeof(gr));
  }
}

struct mcw_igmp_link *mcw_igmpwatch_want(struct mcw_igmpwatch *w,
                                         const char *iface, unsigned ifindex,
                                         int family, bool ssm) {
  struct mcw_igmp_link *l = find(w, ifindex, family);
  struct rawsock *s = &w->sock[fam_index(family)];

  if (l == NULL) {
    if (w->nlinks == MCW_IGMPWATCH_LINKS || w->closing > 0)
      return NULL;
    l = mcw_xcalloc(1, sizeof(*l));
    mcw_igmp_link_init(l, iface, ifindex, family, mcw_mono_ns());
    w->links[w->nlinks++] = l;
    if (!s->tried)
      open_sock(w, family);
    l->live = s->fd >= 0;
    l->loopback = is_loopback(iface);
    if (l->live)
      join_report_groups(w, l);
  }
  l->ssm_joined |= ssm;
  return l;
}

void mcw_igmpwatch_unmark(struct mcw_igmpwatch *w) {
  for (size_t i = 0; i < w->nlinks; i++)
    w->links[i]->ssm_joined = false;
}

static void on_alarm(void *ctx, const struct mcw_igmp_link *l,
                     const struct mcw_querier_event *ev) {
  struct mcw_igmpwatch *w = ctx;
  if (w->hooks.on_alarm != NULL)
    w->hooks.on_alarm(w->hooks.ctx, l, ev);
}

/* Reads /proc/net/igmp into the links that have no raw socket. */
static void read_proc(struct mcw_igmpwatch *w) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = NULL;

  for (size_t i = 0; i < w->nlinks; i++) {
    struct mcw_igmp_link *l = w->links[i];
    if (l->live || l->family != AF_INET)
      continue;
    if (f == NULL && text == NULL) {
      f = fopen("/proc/net/igmp", "re");
      if (f == NULL)
        return;
      text = mcw_xcalloc(1, 65537);
      len = fread(text, 1, 65536, f);
      text[len] = '\0';
      fclose(f);
    }
    l->kernel_version = mcw_igmp_proc_version(text, l->iface);
  }
  free(text);
}

void mcw_igmpwatch_tick(struct mcw_igmpwatch *w) {
  int64_t mono = mcw_mono_ns(), wall = mcw_wall_ns();

  read_proc(w);
  for (size_t i = 0; i < w->nlinks; i++)
    mcw_igmp_link_alarms(w->links[i], mono, wall, on_alarm, w);
}

size_t mcw_igmpwatch_count(const struct mcw_igmpwatch *w) {
  return w == NULL ? 0 : w->nlinks;
}

const struct mcw_igmp_link *mcw_igmpwatch_link(const struct mcw_igmpwatch *w,
                                               size_t i) {
  return i < w->nlinks ? w->links[i] : NULL;
}

const struct mcw_igmp_link *mcw_igmpwatch_find(const struct mcw_igmpwatch *w,
                                               unsigned ifindex, int family) {
  if (w == NULL)
    return NULL;
  return find((struct mcw_igmpwatch *)w, ifindex, family);
}

bool mcw_igmpwatch_live(const struct mcw_igmpwatch *w, int family) {
  return w->sock[fam_index(family)].fd >= 0;
}

uint64_t mcw_igmpwatch_bad(const struct mcw_igmpwatch *w) { return w->bad; }

static void free_all(struct mcw_igmpwatch *w) {
  for (size_t i = 0; i < w->nlinks; i++)
    free(w->links[i]);
  free(w);
}

static void on_closed(uv_handle_t *h) {
  struct rawsock *s = h->data;
  struct mcw_igmpwatch *w = s->w;
  close(s->fd);
  s->fd = -1;
  if (--w->closing == 0)
    free_all(w);
}

void mcw_igmpwatch_close(struct mcw_igmpwatch *w) {
  if (w == NULL)
    return;
  for (int i = 0; i < 2; i++)
    if (w->sock[i].fd >= 0) {
      w->closing++;
      uv_poll_stop(&w->sock[i].poll);
      uv_close((uv_handle_t *)&w->sock[i].poll, on_closed);
    }
  if (w->closing == 0)
    free_all(w);
}
