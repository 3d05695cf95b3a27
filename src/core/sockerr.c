/*
 * The table of socket errors: one row per (step, errno, family, source)
 * with a cause and a fix written as templates. The first row that fits
 * wins, so specific rows (IPv6, with a source) come before general ones.
 * Templates name the endpoint's parts in braces: {group}, {source},
 * {port}, {iface}, {ifindex}, {count}; expand() fills them in.
 *
 * Measured on Linux 6.18 (docs/DOCTOR.md): a join succeeds on an
 * interface that is down or lacks the MULTICAST flag, so no join error
 * is fixed by `ip link set dev X up multicast on`; ENODEV means the index
 * does not exist; EADDRINUSE at the join means this socket already joined
 * the group; IPv4 groups per socket stop at igmp_max_memberships
 * (ENOBUFS), IPv4 sources per group at igmp_max_msf (ENOBUFS), IPv6 groups
 * per socket at net.core.optmem_max (ENOMEM, about 56 bytes each), IPv6
 * sources per group at mld_max_msf (ENOBUFS).
 */
#include "mcwatch/sockerr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mcwatch/common.h"

enum { ANY = -1 };

struct row {
  int step;   /* enum mcw_sock_step, or ANY */
  int err;    /* positive errno */
  int family; /* AF_INET, AF_INET6 or ANY */
  int source; /* 1 with a source, 0 without, ANY */
  const char *cause, *fix;
};

static const struct row rows[] = {
    /* Any step. */
    {ANY, EMFILE, ANY, ANY,
     "this process has as many open files as its limit allows (mcwatch uses "
     "one socket per group)",
     "ulimit -n 65536"},
    {ANY, ENFILE, ANY, ANY, "the system-wide open-file table is full",
     "sysctl fs.file-nr   (then raise fs.file-max)"},
    {MCW_STEP_SOCKET, EAFNOSUPPORT, AF_INET6, ANY,
     "IPv6 is disabled or not built into this kernel",
     "sysctl -w net.ipv6.conf.all.disable_ipv6=0"},
    {ANY, EPERM, ANY, ANY,
     "a security policy (seccomp, SELinux, AppArmor, a cgroup BPF program) "
     "refused it",
     ""},
    {MCW_STEP_SOCKET, EACCES, ANY, ANY,
     "a security policy (seccomp, SELinux, AppArmor, a cgroup BPF program) "
     "refused it",
     ""},

    /* bind */
    {MCW_STEP_BIND, EADDRINUSE, ANY, ANY,
     "another socket holds UDP port {port} without SO_REUSEADDR",
     "ss -uapn 'sport = :{port}'"},
    {MCW_STEP_BIND, EACCES, ANY, ANY,
     "ports below 1024 need root or CAP_NET_BIND_SERVICE",
     "sysctl -w net.ipv4.ip_unprivileged_port_start={port}   (or run as "
     "root)"},
    {MCW_STEP_BIND, EADDRNOTAVAIL, AF_INET6, ANY,
     "the kernel will not bind {group}: IPv6 is disabled on {iface}, or the "
     "group's scope needs an interface",
     "sysctl -w net.ipv6.conf.{iface}.disable_ipv6=0"},
    {MCW_STEP_BIND, EADDRNOTAVAIL, ANY, ANY,
     "the kernel will not bind {group} on this host", "ip -br addr show"},
    {MCW_STEP_BIND, EINVAL, ANY, ANY,
     "the kernel refused the address (an IPv6 link-local group needs its "
     "interface)",
     ""},

    /* join */
    {MCW_STEP_JOIN, ENODEV, ANY, ANY,
     "no interface has index {ifindex} ({iface}): it was deleted, or "
     "re-created with a new index",
     "ip -br link show"},
    {MCW_STEP_JOIN, EADDRINUSE, ANY, ANY,
     "this socket has already joined {group} on {iface}", ""},
    {MCW_STEP_JOIN, EADDRNOTAVAIL, AF_INET6, ANY,
     "{iface} has no IPv6 configuration (disabled on it?), or the membership "
     "does not exist",
     "sysctl -w net.ipv6.conf.{iface}.disable_ipv6=0"},
    {MCW_STEP_JOIN, EADDRNOTAVAIL, ANY, ANY,
     "{iface} has no IPv4 configuration, or the membership does not exist",
     "ip addr show dev {iface}"},
    {MCW_STEP_JOIN, EINVAL, ANY, 1,
     "the kernel refused the group or the source: {group} must be multicast, "
     "{source} unicast, and both of one family",
     ""},
    {MCW_STEP_JOIN, EINVAL, ANY, ANY,
     "the kernel refused the group: {group} must be a multicast address", ""},
    {MCW_STEP_JOIN, ENOBUFS, AF_INET, 1,
     "too many sources for {group} on one socket: "
     "net.ipv4.igmp_max_msf limits them (default 10)",
     "sysctl -w net.ipv4.igmp_max_msf={count}"},
    {MCW_STEP_JOIN, ENOBUFS, AF_INET, ANY,
     "too many groups on one socket: net.ipv4.igmp_max_memberships limits "
     "them (default 20), and net.core.optmem_max bounds the memory they use",
     "sysctl -w net.ipv4.igmp_max_memberships={count}"},
    {MCW_STEP_JOIN, ENOBUFS, AF_INET6, 1,
     "too many sources for {group} on one socket: net.ipv6.mld_max_msf "
     "limits them (default 64)",
     "sysctl -w net.ipv6.mld_max_msf={count}"},
    {MCW_STEP_JOIN, ENOBUFS, AF_INET6, ANY,
     "the socket's option memory is used up: net.core.optmem_max limits "
     "IPv6 memberships (about 56 bytes each)",
     "sysctl -w net.core.optmem_max=262144"},
    {MCW_STEP_JOIN, ENOMEM, AF_INET6, ANY,
     "too many groups on one socket: net.core.optmem_max limits IPv6 "
     "memberships (about 56 bytes each, 2340 at the default 131072; "
     "igmp_max_memberships does not apply to IPv6)",
     "sysctl -w net.core.optmem_max=262144"},
    {MCW_STEP_JOIN, ENOMEM, ANY, ANY,
     "the socket's option memory is used up: net.core.optmem_max bounds it",
     "sysctl -w net.core.optmem_max=262144"},
    {MCW_STEP_JOIN, ENOPROTOOPT, ANY, ANY,
     "this kernel lacks multicast (CONFIG_IP_MULTICAST) or source-specific "
     "joins",
     ""},
};

/* Appends src to out (size len, used *n), truncating. */
static void append(char *out, size_t len, size_t *n, const char *src) {
  size_t k = strlen(src);

  if (*n + 1 >= len)
    return;
  if (k > len - 1 - *n)
    k = len - 1 - *n;
  memcpy(out + *n, src, k);
  *n += k;
  out[*n] = '\0';
}

/* Copies tpl into out with the {names} replaced by ep's parts. */
static void expand(const char *tpl, const struct mcw_endpoint *ep, size_t count,
                   char *out, size_t len) {
  size_t n = 0;

  if (len == 0)
    return;
  out[0] = '\0';
  while (*tpl != '\0') {
    const char *close = *tpl == '{' ? strchr(tpl, '}') : NULL;
    char word[16], val[MCW_ADDRSTRLEN + MCW_IFACE_MAX];
    size_t wl;

    if (close == NULL || (wl = (size_t)(close - tpl - 1)) >= sizeof(word)) {
      char one[2] = {*tpl++, '\0'};
      append(out, len, &n, one);
      continue;
    }
    memcpy(word, tpl + 1, wl);
    word[wl] = '\0';
    tpl = close + 1;
    if (strcmp(word, "group") == 0)
      mcw_addr_format(&ep->group, val, sizeof(val));
    else if (strcmp(word, "source") == 0)
      mcw_addr_format(&ep->source, val, sizeof(val));
    else if (strcmp(word, "port") == 0)
      snprintf(val, sizeof(val), "%u", ep->group.port);
    else if (strcmp(word, "iface") == 0)
      mcw_strlcpy(val, ep->iface[0] ? ep->iface : "the interface", sizeof(val));
    else if (strcmp(word, "ifindex") == 0)
      snprintf(val, sizeof(val), "%u", ep->ifindex);
    else if (strcmp(word, "count") == 0)
      snprintf(val, sizeof(val), "%zu", count ? count : 64);
    else
      snprintf(val, sizeof(val), "{%s}", word);
    append(out, len, &n, val);
  }
}

bool mcw_sockerr_explain(enum mcw_sock_step step, int err,
                         const struct mcw_endpoint *ep, size_t count,
                         char *cause, size_t clen, char *fix, size_t flen) {
  int family = ep->group.family, source = mcw_endpoint_has_source(ep);

  for (size_t i = 0; i < MCW_ARRAY_LEN(rows); i++) {
    const struct row *r = &rows[i];
    if ((r->step != ANY && r->step != (int)step) || r->err != err ||
        (r->family != ANY && r->family != family) ||
        (r->source != ANY && r->source != source))
      continue;
    expand(r->cause, ep, count, cause, clen);
    expand(r->fix, ep, count, fix, flen);
    return true;
  }
  snprintf(cause, clen, "%s", strerror(err));
  if (flen > 0)
    fix[0] = '\0';
  return false;
}

const char *mcw_sockerr_step_name(enum mcw_sock_step step) {
  static const char *names[] = {"socket", "socket options", "bind", "join"};
  return step <= MCW_STEP_JOIN ? names[step] : "?";
}
