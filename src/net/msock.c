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

#include <dirent.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "mcwatch/doctor.h"
#include "mcwatch/escape.h"

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

/* Reads a /proc file into buf (NUL-terminated); the length, or 0. */
static size_t read_proc(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  size_t n;

  if (f == NULL)
    return 0;
  n = fread(buf, 1, len - 1, f);
  buf[n] = '\0';
  fclose(f);
  return n;
}

/* Collects the inodes of the UDP sockets bound to port (IPv4 and IPv6). */
static size_t port_inodes(uint16_t port, unsigned long *ino, size_t max) {
  static const char *files[] = {"/proc/net/udp", "/proc/net/udp6"};
  size_t cap = 1u << 20, n = 0;
  char *text = mcw_xmalloc(cap);

  for (size_t f = 0; f < MCW_ARRAY_LEN(files); f++) {
    struct mcw_doctor_udp u[16];
    size_t k;
    if (read_proc(files[f], text, cap) == 0)
      continue;
    k = mcw_doctor_udp_bound(text, port, u, MCW_ARRAY_LEN(u));
    for (size_t i = 0; i < k && i < MCW_ARRAY_LEN(u) && n < max; i++)
      ino[n++] = u[i].inode;
  }
  free(text);
  return n;
}

/* True when process pid holds one of the n socket inodes. */
static bool pid_holds(const char *pid, const unsigned long *ino, size_t n) {
  char path[600], link[64];
  struct dirent *e;
  bool found = false;
  DIR *d;

  snprintf(path, sizeof(path), "/proc/%s/fd", pid);
  if ((d = opendir(path)) == NULL)
    return false;
  while (!found && (e = readdir(d)) != NULL) {
    unsigned long v;
    ssize_t len;
    snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, e->d_name);
    len = readlink(path, link, sizeof(link) - 1);
    if (len <= 0)
      continue;
    link[len] = '\0';
    if (sscanf(link, "socket:[%lu]", &v) != 1)
      continue;
    for (size_t i = 0; i < n; i++)
      found = found || ino[i] == v;
  }
  closedir(d);
  return found;
}

int mcw_msock_port_holders(uint16_t port, char *out, size_t len) {
  unsigned long ino[16];
  size_t n = port_inodes(port, ino, MCW_ARRAY_LEN(ino)), used = 0;
  struct dirent *e;
  char self[24];
  int found = 0;
  DIR *d;

  snprintf(self, sizeof(self), "%ld", (long)getpid());
  if (len > 0)
    out[0] = '\0';
  if (n == 0 || (d = opendir("/proc")) == NULL)
    return 0;
  while ((e = readdir(d)) != NULL) {
    char path[300], comm[64];
    size_t cl;
    if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
        strcmp(e->d_name, self) == 0 || !pid_holds(e->d_name, ino, n))
      continue;
    snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
    cl = read_proc(path, comm, sizeof(comm));
    while (cl > 0 && comm[cl - 1] == '\n')
      comm[--cl] = '\0';
    if (used + 1 < len)
      used += (size_t)snprintf(out + used, len - used, "%spid %s (%s)",
                               found ? ", " : "", e->d_name, comm);
    if (used >= len)
      used = len - 1;
    found++;
  }
  closedir(d);
  return found;
}

/* True when a UDP socket is bound to exactly a's address and port. */
static bool bound_to(const struct mcw_addr *a) {
  const char *file = a->family == AF_INET6 ? "/proc/net/udp6" : "/proc/net/udp";
  size_t cap = 1u << 20, n;
  struct mcw_doctor_udp u[64];
  char *text = mcw_xmalloc(cap);
  bool found = false;

  if (read_proc(file, text, cap) > 0) {
    n = mcw_doctor_udp_bound(text, a->port, u, MCW_ARRAY_LEN(u));
    for (size_t i = 0; i < n && i < MCW_ARRAY_LEN(u) && !found; i++)
      found = memcmp(u[i].local.bytes, a->bytes,
                     a->family == AF_INET6 ? 16 : 4) == 0;
    found = found || n > MCW_ARRAY_LEN(u); /* too many to tell: assume so */
  }
  free(text);
  return found;
}

/*
 * Binds fd (SO_REUSEADDR set) to the group. When another socket holds the
 * port without SO_REUSEADDR, it may have set SO_REUSEPORT alone: then the
 * bind is tried again with SO_REUSEPORT, but only when no socket is bound
 * to the group address itself. Sockets of one SO_REUSEPORT group share an
 * address, and for a datagram that only one of them accepts (another
 * source, another interface) the kernel may hand it to another member
 * (measured on Linux 6.18 over veth: two source-specific sockets got each
 * other's datagrams, and an any-source application lost the datagrams
 * that a source-specific neighbour filtered out). Alone in its group,
 * mcwatch's socket takes nothing from anyone.
 */
static int bind_shared(int fd, const struct mcw_endpoint *ep,
                       const struct sockaddr_storage *ss, socklen_t sl,
                       bool *reuseport) {
  if (bind(fd, (const struct sockaddr *)ss, sl) == 0)
    return 0;
  if (errno != EADDRINUSE || bound_to(&ep->group))
    return -errno;
  if (setopt(fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0 ||
      bind(fd, (const struct sockaddr *)ss, sl) < 0) {
    (void)setopt(fd, SOL_SOCKET, SO_REUSEPORT, 0);
    return -EADDRINUSE;
  }
  *reuseport = true;
  return 0;
}

/* Writes "STEP WHAT: strerror: cause; see: command" for error r into err,
 * escaped: it names the interface and the port's holders, which come from
 * outside and may hold terminal escapes. */
static void describe(const struct mcw_endpoint *ep, enum mcw_sock_step step,
                     int r, char *err, size_t errlen) {
  char what[2 * MCW_ADDRSTRLEN + MCW_IFACE_MAX + 16], a[MCW_ADDRSTRLEN];
  char cause[400], fix[200], holders[200] = "", raw[1024];
  size_t n;

  mcw_addr_format(&ep->group, what, sizeof(what));
  if (step == MCW_STEP_BIND) {
    mcw_addr_format_port(&ep->group, what, sizeof(what));
  } else if (step == MCW_STEP_JOIN) {
    n = strlen(what);
    if (mcw_endpoint_has_source(ep))
      snprintf(what + n, sizeof(what) - n, " from %s",
               mcw_addr_format(&ep->source, a, sizeof(a)));
    n = strlen(what);
    snprintf(what + n, sizeof(what) - n, " on %s", ep->iface);
  }
  mcw_sockerr_explain(step, -r, ep, 0, cause, sizeof(cause), fix, sizeof(fix));
  if (step == MCW_STEP_BIND && r == -EADDRINUSE &&
      mcw_msock_port_holders(ep->group.port, holders, sizeof(holders)) > 0) {
    n = strlen(cause);
    snprintf(cause + n, sizeof(cause) - n, "; held by %s", holders);
  }
  snprintf(raw, sizeof(raw), "%s %s: %s%s%s%s%s", mcw_sockerr_step_name(step),
           what, strerror(-r), strcmp(cause, strerror(-r)) ? ": " : "",
           strcmp(cause, strerror(-r)) ? cause : "", fix[0] ? "; see: " : "",
           fix);
  mcw_escape((const uint8_t *)raw, strlen(raw), err, errlen, 0);
}

int mcw_msock_open(const struct mcw_endpoint *ep, int rcvbuf,
                   struct mcw_msock_info *info, char *err, size_t errlen) {
  struct sockaddr_storage ss;
  socklen_t sl, optlen;
  int fd, r, v6 = ep->group.family == AF_INET6;

  info->step = MCW_STEP_SOCKET;
  fd = socket(ep->group.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    r = -errno;
    describe(ep, info->step, r, err, errlen);
    return r;
  }

  /* SO_REUSEADDR, and SO_REUSEPORT only as a fallback at the bind (see
     bind_shared and docs/ARCHITECTURE.md, "Sharing the port"). */
  info->step = MCW_STEP_OPTIONS;
  info->reuseport = false;
  if ((r = setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1)) < 0)
    goto fail;
  if (v6) {
    if ((r = setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0 ||
        (r = setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0)
      goto fail;
    (void)setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1); /* for hops */
    /* Missing before Linux 4.20: the engine also filters by destination. */
    (void)setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
  } else {
    if ((r = setopt(fd, IPPROTO_IP, IP_PKTINFO, 1)) < 0 ||
        (r = setopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0)) < 0)
      goto fail;
    (void)setopt(fd, IPPROTO_IP, IP_RECVTTL, 1); /* for hops */
  }
  (void)setopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
  (void)setopt(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
  if (rcvbuf > 0)
    (void)setopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
  info->rcvbuf = 0;
  optlen = sizeof(info->rcvbuf);
  (void)getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &info->rcvbuf, &optlen);

  info->step = MCW_STEP_BIND;
  {
    struct mcw_addr bind_addr = ep->group;
    if (v6 && (ep->group.bytes[1] & 0x0f) <= 2)
      bind_addr.scope_id = ep->ifindex; /* interface- and link-local scope */
    sl = mcw_addr_to_sockaddr(&bind_addr, &ss);
  }
  if ((r = bind_shared(fd, ep, &ss, sl, &info->reuseport)) < 0)
    goto fail;

  info->step = MCW_STEP_JOIN;
  if ((r = membership(fd, ep, true)) < 0)
    goto fail;
  return fd;

fail:
  close(fd); /* first, so that the port's holders do not include it */
  describe(ep, info->step, r, err, errlen);
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
    } else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
               (c->cmsg_level == IPPROTO_IPV6 &&
                c->cmsg_type == IPV6_HOPLIMIT)) {
      int v;
      memcpy(&v, CMSG_DATA(c), sizeof(v));
      d->has_ttl = v >= 0 && v <= 255;
      d->ttl = (uint8_t)v;
    }
  }
  if (!d->kernel_ts)
    d->ts_ns = mcw_wall_ns();
  return drops;
}
