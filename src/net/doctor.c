/*
 * The doctor's live checks: each reads one thing from the running system
 * (interface flags through getifaddrs, files under /proc/net and
 * /proc/sys, a connect() for the route, a brief join on a socket of its
 * own, a read-only dump of the firewall rules) and hands the text to the
 * pure readers of src/core/doctor_parse.c. Each check adds one line to the
 * report with a plain sentence and, when something is wrong, the command
 * that fixes it. Nothing here changes the system; the join is left again.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "mcwatch/doctor.h"
#include "mcwatch/fwjudge.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/msock.h"

#define TEXT_MAX (4u << 20)
#define OWN_MAX 4096

struct ctx {
  const struct mcw_endpoint *ep;
  const struct mcw_doctor_options *o;
  struct mcw_doctor_report *r;
  const struct mcw_iface *ifc; /* NULL when the interface does not exist */
  const char *ifname;
  char group[MCW_ADDRSTRLEN], source[MCW_ADDRSTRLEN];
  bool v6;
};

void mcw_doctor_options_default(struct mcw_doctor_options *opts) {
  memset(opts, 0, sizeof(*opts));
  opts->rcvbuf = MCW_RCVBUF_DEFAULT;
  opts->ngroups = 1;
  opts->join = true;
  opts->procfs = "/proc";
}

/* Reads procfs/rel into a NUL-terminated heap buffer; NULL if unreadable. */
static char *slurp(const struct ctx *c, const char *rel) {
  char path[512];
  FILE *f;
  char *buf;
  size_t n = 0, cap = 65536;

  snprintf(path, sizeof(path), "%s/%s", c->o->procfs, rel);
  f = fopen(path, "r");
  if (f == NULL)
    return NULL;
  buf = mcw_xmalloc(cap);
  for (;;) {
    size_t got = fread(buf + n, 1, cap - 1 - n, f);
    n += got;
    if (got == 0 || n >= TEXT_MAX)
      break;
    if (n == cap - 1) {
      cap *= 2;
      buf = mcw_xrealloc(buf, cap);
    }
  }
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Reads a number from procfs/rel; 0 or -errno. */
static int read_long(const struct ctx *c, const char *rel, long *v) {
  char *t = slurp(c, rel);
  int r;

  if (t == NULL)
    return -errno;
  r = mcw_doctor_parse_long(t, v);
  free(t);
  return r;
}

static void check_interface(struct ctx *c) {
  char fix[200];
  bool lo;

  if (c->ifc == NULL) {
    mcw_doctor_add(c->r, "interface", MCW_DOC_FAIL, "ip -br link show",
                   "%s: no such interface on this host; the fix lists the "
                   "ones there are",
                   c->ifname);
    return;
  }
  if (!(c->ifc->flags & IFF_UP)) {
    snprintf(fix, sizeof(fix), "ip link set dev %s up", c->ifname);
    mcw_doctor_add(c->r, "interface", MCW_DOC_FAIL, fix,
                   "%s is down: nothing arrives on an interface that is down",
                   c->ifname);
    return;
  }
  lo = (c->ifc->flags & IFF_LOOPBACK) != 0;
  if (!(c->ifc->flags & IFF_MULTICAST)) {
    snprintf(fix, sizeof(fix), "ip link set dev %s multicast on", c->ifname);
    if (lo)
      mcw_doctor_add(c->r, "interface", MCW_DOC_WARN, fix,
                     "%s (index %u) is up but lacks the MULTICAST flag: Linux "
                     "still delivers multicast on loopback, but routes and "
                     "other tools skip it",
                     c->ifname, c->ifc->index);
    else
      mcw_doctor_add(c->r, "interface", MCW_DOC_FAIL, fix,
                     "%s (index %u) lacks the MULTICAST flag: it cannot join "
                     "a group",
                     c->ifname, c->ifc->index);
    return;
  }
  if (!lo && !(c->ifc->flags & IFF_RUNNING)) {
    mcw_doctor_add(c->r, "interface", MCW_DOC_WARN, "ip -br link show",
                   "%s is up but has no carrier (cable, or the veth peer is "
                   "down)",
                   c->ifname);
    return;
  }
  mcw_doctor_add(c->r, "interface", MCW_DOC_OK, NULL,
                 "%s (index %u) is up and has the MULTICAST flag", c->ifname,
                 c->ifc->index);
}

static void check_scope(struct ctx *c) {
  const uint8_t *b = c->ep->group.bytes;
  bool ssm = mcw_addr_is_ssm(&c->ep->group);
  char fix[200], ep[128];

  if (ssm && !mcw_endpoint_has_source(c->ep)) {
    struct mcw_endpoint x = *c->ep;
    mcw_addr_parse(c->v6 ? "2001:db8::1" : "192.0.2.1", &x.source);
    mcw_endpoint_format(&x, ep, sizeof(ep));
    snprintf(fix, sizeof(fix), "mcwatch %s   (the sender's address after @)",
             ep);
    mcw_doctor_add(c->r, "scope", MCW_DOC_FAIL, fix,
                   "%s is in the source-specific range (%s): a join without "
                   "a source receives nothing",
                   c->group, c->v6 ? "ff3x::/32" : "232.0.0.0/8");
    return;
  }
  if (!c->v6 && b[0] == 224 && b[1] == 0 && b[2] == 0) {
    mcw_doctor_add(c->r, "scope", MCW_DOC_WARN, NULL,
                   "%s is in 224.0.0.0/24, the local control block: never "
                   "routed whatever the TTL, and used by routing protocols",
                   c->group);
    return;
  }
  if (c->v6 && ((b[1] & 0x0f) == 1)) {
    mcw_doctor_add(c->r, "scope", MCW_DOC_WARN, NULL,
                   "%s has interface-local scope (ff01::/16): it never "
                   "leaves this host",
                   c->group);
    return;
  }
  if (c->v6 && ((b[1] & 0x0f) == 2)) {
    mcw_doctor_add(c->r, "scope", MCW_DOC_OK, NULL,
                   "%s has link-local scope (ff02::/16): never routed, the "
                   "sender must be on this link",
                   c->group);
    return;
  }
  mcw_doctor_add(c->r, "scope", MCW_DOC_OK, NULL,
                 "%s is %s%s; senders default to TTL 1, "
                 "which crosses no router (mcwatch send --ttl N)",
                 c->group,
                 !c->v6 && b[0] == 239
                     ? "organisation-local (239.0.0.0/8): kept inside "
                       "your network"
                 : ssm ? "source-specific, with a source"
                       : "a routable group",
                 "");
}

static void check_route(struct ctx *c) {
  struct sockaddr_storage ss;
  socklen_t sl = mcw_addr_to_sockaddr(&c->ep->group, &ss);
  char rif[IF_NAMESIZE] = "", fix[200];
  char *table = slurp(c, c->v6 ? "net/ipv6_route" : "net/route");
  int fd = socket(c->ep->group.family, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

  if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0)
    err = errno;
  if (fd >= 0)
    close(fd);
  if (table != NULL)
    (void)mcw_doctor_route_iface(table, &c->ep->group, rif, sizeof(rif));
  free(table);
  if (err != 0) {
    snprintf(fix, sizeof(fix), "ip %sroute add %s dev %s", c->v6 ? "-6 " : "",
             c->v6 ? "ff00::/8" : "224.0.0.0/4", c->ifname);
    /* Receiving needs no route: only sending does, so a warning. */
    mcw_doctor_add(c->r, "route", MCW_DOC_WARN, fix,
                   "no route for %s (%s): receiving on %s works without one, "
                   "but sending from this host fails with ENETUNREACH unless "
                   "the program names its interface (mcwatch send does)",
                   c->group, strerror(err), c->ifname);
    return;
  }
  if (rif[0] != '\0' && strcmp(rif, c->ifname) != 0) {
    snprintf(fix, sizeof(fix), "ip %sroute add %s/%d dev %s",
             c->v6 ? "-6 " : "", c->group, c->v6 ? 128 : 32, c->ifname);
    mcw_doctor_add(c->r, "route", MCW_DOC_WARN, fix,
                   "sending to %s would use %s, not %s: local senders that do "
                   "not name an interface reach the wrong link",
                   c->group, rif, c->ifname);
    return;
  }
  mcw_doctor_add(c->r, "route", MCW_DOC_OK, NULL,
                 "a route for %s exists; sending would use %s", c->group,
                 rif[0] ? rif : "the default route's interface");
}

static void check_rp_filter(struct ctx *c) {
  struct mcw_doctor_rpf in = {.ifname = c->ifname, .route_iface = ""};
  enum mcw_doctor_status st;
  char rel[128], fix[300], msg[400], rif[IF_NAMESIZE] = "", dif[IF_NAMESIZE];
  struct mcw_addr any = {.family = AF_INET};
  char *table;

  if (c->v6) {
    mcw_doctor_add(c->r, "rp_filter", MCW_DOC_SKIP, NULL,
                   "reverse-path filtering (rp_filter) applies to IPv4 only");
    return;
  }
  snprintf(rel, sizeof(rel), "sys/net/ipv4/conf/%s/rp_filter", c->ifname);
  if (read_long(c, "sys/net/ipv4/conf/all/rp_filter", &in.all) < 0 ||
      read_long(c, rel, &in.dev) < 0) {
    mcw_doctor_add(c->r, "rp_filter", MCW_DOC_SKIP, NULL,
                   "not checked: cannot read /proc/%s", rel);
    return;
  }
  in.source = mcw_endpoint_has_source(c->ep) ? c->source : "";
  for (unsigned i = 0; c->ifc != NULL && i < c->ifc->naddrs; i++)
    in.iface_has_v4 = in.iface_has_v4 || c->ifc->addrs[i].family == AF_INET;
  table = slurp(c, "net/route");
  in.route = -ENOENT;
  if (table != NULL) {
    if (in.source[0] != '\0')
      in.route =
          mcw_doctor_route_iface(table, &c->ep->source, rif, sizeof(rif));
    in.default_route =
        mcw_doctor_route_iface(table, &any, dif, sizeof(dif)) == 0;
  }
  free(table);
  in.route_iface = rif;
  /* The verdict first: it fills fix, which the call below reads. */
  st = mcw_doctor_rpf_judge(&in, msg, sizeof(msg), fix, sizeof(fix));
  mcw_doctor_add(c->r, "rp_filter", st, fix[0] ? fix : NULL, "%s", msg);
}

/* Collects the socket inodes this process holds (to skip in the port
 * check); returns how many. */
static size_t own_inodes(unsigned long *out, size_t max) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  size_t n = 0;

  if (d == NULL)
    return 0;
  while ((e = readdir(d)) != NULL && n < max) {
    char path[300], link[64];
    ssize_t len;
    snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
    len = readlink(path, link, sizeof(link) - 1);
    if (len <= 0)
      continue;
    link[len] = '\0';
    if (sscanf(link, "socket:[%lu]", &out[n]) == 1)
      n++;
  }
  closedir(d);
  return n;
}

static void check_port(struct ctx *c) {
  static const char *files[] = {"net/udp", "net/udp6"};
  unsigned long *own = mcw_xmalloc(OWN_MAX * sizeof(*own));
  size_t nown = own_inodes(own, OWN_MAX), others = 0;
  uint16_t port = c->ep->group.port;
  char list[200] = "", fix[120], a[MCW_ADDRSTRLEN], holders[160];
  bool wild = false;

  for (size_t f = 0; f < MCW_ARRAY_LEN(files); f++) {
    struct mcw_doctor_udp u[32];
    char *text = slurp(c, files[f]);
    size_t n;
    if (text == NULL)
      continue;
    n = mcw_doctor_udp_bound(text, port, u, MCW_ARRAY_LEN(u));
    free(text);
    for (size_t i = 0; i < n && i < MCW_ARRAY_LEN(u); i++) {
      bool mine = false;
      for (size_t k = 0; k < nown; k++)
        mine = mine || own[k] == u[i].inode;
      if (mine)
        continue;
      others++;
      wild = wild || !mcw_addr_is_multicast(&u[i].local);
      if (strlen(list) + MCW_ADDRSTRLEN + 2 < sizeof(list))
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                 list[0] ? ", " : "",
                 mcw_addr_format_port(&u[i].local, a, sizeof(a)));
    }
  }
  free(own);
  if (others == 0) {
    mcw_doctor_add(c->r, "port", MCW_DOC_OK, NULL,
                   "no other socket is bound to UDP port %u", port);
    return;
  }
  snprintf(fix, sizeof(fix), "ss -uapn 'sport = :%u'", port);
  mcw_msock_port_holders(port, holders, sizeof(holders));
  mcw_doctor_add(c->r, "port", MCW_DOC_WARN, fix,
                 "%zu other socket%s bound to UDP port %u (%s%s%s): each gets "
                 "its own copy%s; a program that set neither SO_REUSEADDR nor "
                 "SO_REUSEPORT keeps mcwatch off the port (see membership)",
                 others, others == 1 ? " is" : "s are", port, list,
                 holders[0] ? "; " : "", holders,
                 wild ? ", and one bound to a wildcard also receives every "
                        "other group joined on this port"
                      : "");
}

static void check_membership(struct ctx *c) {
  struct mcw_msock_info info;
  char err[512], fix[200], *text;
  int fd;
  bool listed;

  if (!c->o->join || c->ifc == NULL) {
    mcw_doctor_add(c->r, "membership", MCW_DOC_SKIP, NULL,
                   c->ifc == NULL ? "not checked: no interface to join on"
                                  : "not checked (no join asked for)");
    return;
  }
  fd = mcw_msock_open(c->ep, 0, &info, err, sizeof(err));
  if (fd < 0) {
    char cause[400], holders[160] = "";
    mcw_sockerr_explain(info.step, -fd, c->ep,
                        c->o->ngroups > 1 ? c->o->ngroups : 0, cause,
                        sizeof(cause), fix, sizeof(fix));
    if (info.step == MCW_STEP_BIND && fd == -EADDRINUSE)
      mcw_msock_port_holders(c->ep->group.port, holders, sizeof(holders));
    mcw_doctor_add(c->r, "membership", MCW_DOC_FAIL, fix[0] ? fix : NULL,
                   "the %s failed (%s): %s%s%s",
                   mcw_sockerr_step_name(info.step), strerror(-fd), cause,
                   holders[0] ? "; held by " : "", holders);
    return;
  }
  text = slurp(c, c->v6 ? "net/igmp6" : "net/igmp");
  listed = text != NULL && mcw_doctor_igmp_has(text, c->ifname, &c->ep->group);
  free(text);
  mcw_msock_leave(fd, c->ep);
  close(fd);
  if (listed)
    mcw_doctor_add(c->r, "membership", MCW_DOC_OK, NULL,
                   "joined: the kernel lists %s on %s in /proc/net/%s and "
                   "reports it with %s (then left again)%s",
                   c->group, c->ifname, c->v6 ? "igmp6" : "igmp",
                   c->v6 ? "MLD" : "IGMP",
                   info.reuseport ? "; the port's holder set SO_REUSEPORT "
                                    "only, so the port is shared that way"
                                  : "");
  else
    mcw_doctor_add(c->r, "membership", MCW_DOC_FAIL,
                   c->v6 ? "cat /proc/net/igmp6" : "cat /proc/net/igmp",
                   "the join succeeded, yet /proc/net/%s does not list %s on "
                   "%s: no membership report goes out",
                   c->v6 ? "igmp6" : "igmp", c->group, c->ifname);
}

static void check_limits(struct ctx *c) {
  char fix[200];
  long v;

  if (!c->v6 && read_long(c, "sys/net/ipv4/igmp_max_memberships", &v) == 0) {
    if ((long)c->o->ngroups > v) {
      snprintf(fix, sizeof(fix), "sysctl -w net.ipv4.igmp_max_memberships=%zu",
               c->o->ngroups);
      mcw_doctor_add(c->r, "memberships", MCW_DOC_WARN, fix,
                     "%zu groups, but igmp_max_memberships is %ld per socket: "
                     "a program joining them all on one socket gets ENOBUFS "
                     "(mcwatch uses one socket per group)",
                     c->o->ngroups, v);
    } else {
      mcw_doctor_add(c->r, "memberships", MCW_DOC_OK, NULL,
                     "%zu group%s within igmp_max_memberships (%ld per socket)",
                     c->o->ngroups, c->o->ngroups == 1 ? "" : "s", v);
    }
  }
  if (c->v6 && read_long(c, "sys/net/core/optmem_max", &v) == 0) {
    /* Measured: each IPv6 membership takes 56 bytes of the socket's
       option memory; igmp_max_memberships does not apply (DOCTOR.md). */
    long per = v / 56;
    if ((long)c->o->ngroups > per) {
      snprintf(fix, sizeof(fix), "sysctl -w net.core.optmem_max=%zu",
               c->o->ngroups * 64);
      mcw_doctor_add(c->r, "memberships", MCW_DOC_WARN, fix,
                     "%zu group%s, but net.core.optmem_max (%ld bytes) "
                     "holds about %ld IPv6 memberships per socket: a program "
                     "joining them all on one socket gets ENOMEM (mcwatch "
                     "uses one socket per group)",
                     c->o->ngroups, c->o->ngroups == 1 ? "" : "s", v, per);
    } else {
      mcw_doctor_add(c->r, "memberships", MCW_DOC_OK, NULL,
                     "%zu group%s within net.core.optmem_max (%ld bytes, "
                     "about %ld IPv6 memberships per socket)",
                     c->o->ngroups, c->o->ngroups == 1 ? "" : "s", v, per);
    }
  }
  if (read_long(c, "sys/net/core/rmem_max", &v) < 0) {
    mcw_doctor_add(c->r, "rmem_max", MCW_DOC_SKIP, NULL,
                   "not checked: cannot read net.core.rmem_max");
  } else if (c->o->rcvbuf > 0 && v < c->o->rcvbuf) {
    snprintf(fix, sizeof(fix), "sysctl -w net.core.rmem_max=%d", c->o->rcvbuf);
    mcw_doctor_add(c->r, "rmem_max", MCW_DOC_WARN, fix,
                   "net.core.rmem_max is %ld, below the %d-byte receive "
                   "buffer asked for: bursts overflow sooner (see drops)",
                   v, c->o->rcvbuf);
  } else {
    mcw_doctor_add(c->r, "rmem_max", MCW_DOC_OK, NULL,
                   "net.core.rmem_max is %ld: the %d-byte receive buffer "
                   "asked for is granted",
                   v, c->o->rcvbuf);
  }
}

/* True when prog is an executable in PATH (or the sbin directories). */
static bool have_program(const char *prog) {
  const char *path = getenv("PATH");
  char dirs[1024], file[1200], *save = NULL;

  snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin", path ? path : "/usr/bin");
  for (char *d = strtok_r(dirs, ":", &save); d != NULL;
       d = strtok_r(NULL, ":", &save)) {
    snprintf(file, sizeof(file), "%s/%s", d, prog);
    if (access(file, X_OK) == 0)
      return true;
  }
  return false;
}

/* Runs a read-only listing with a time limit; the output, or NULL. */
static char *run_listing(const char *cmd) {
  char line[300], *buf = NULL;
  size_t n = 0;
  FILE *p;

  snprintf(line, sizeof(line),
           "PATH=$PATH:/usr/sbin:/sbin timeout 3 %s "
           "2>/dev/null",
           cmd);
  p = popen(line, "r");
  if (p == NULL)
    return NULL;
  buf = mcw_xmalloc(TEXT_MAX + 1);
  n = fread(buf, 1, TEXT_MAX, p);
  buf[n] = '\0';
  pclose(p);
  return buf;
}

/* Counts the rules of iptables-legacy, which nft does not show: "-A"
 * lines and DROP policies of iptables-legacy-save. Only when the legacy
 * tables exist already (listing them would load the modules). */
static size_t legacy_rules(const struct ctx *c) {
  const char *save = c->v6 ? "ip6tables-legacy-save" : "iptables-legacy-save";
  char *names =
      slurp(c, c->v6 ? "net/ip6_tables_names" : "net/ip_tables_names");
  char *text, *line, *save_ptr = NULL;
  size_t n = 0;
  bool in_use = names != NULL && names[0] != '\0';

  free(names);
  if (!in_use || !have_program(save) || (text = run_listing(save)) == NULL)
    return 0;
  for (line = strtok_r(text, "\n", &save_ptr); line != NULL;
       line = strtok_r(NULL, "\n", &save_ptr)) {
    const char *sp = strchr(line, ' ');
    if (strncmp(line, "-A ", 3) == 0 ||
        (line[0] == ':' && sp != NULL && strncmp(sp, " DROP", 5) == 0))
      n++;
  }
  free(text);
  return n;
}

static void check_firewall(struct ctx *c) {
  struct mcw_fw_packet p = {
      .group = c->ep->group, .ifname = c->ifname, .ifindex = c->ep->ifindex};
  struct mcw_fw_result res;
  char fix[300], where[200], legacy[160] = "";
  size_t nlegacy;
  char *text;
  int r;

  if (geteuid() != 0) {
    mcw_doctor_add(c->r, "firewall", MCW_DOC_SKIP, NULL,
                   "not checked: reading the firewall rules needs root");
    return;
  }
  if (mcw_endpoint_has_source(c->ep))
    p.source = c->ep->source;
  nlegacy = legacy_rules(c);
  if (nlegacy > 0)
    snprintf(legacy, sizeof(legacy),
             "; %zu iptables-legacy rule%s, which nft does not show, %s not "
             "judged (%s)",
             nlegacy, nlegacy == 1 ? "" : "s", nlegacy == 1 ? "is" : "are",
             c->v6 ? "ip6tables-legacy-save" : "iptables-legacy-save");
  if (!have_program("nft")) {
    mcw_doctor_add(c->r, "firewall", nlegacy ? MCW_DOC_WARN : MCW_DOC_SKIP,
                   NULL,
                   "not checked: nft is not installed (it reads "
                   "nftables and iptables-nft rules)%s",
                   legacy);
    return;
  }
  text = run_listing("nft -j list ruleset");
  r = text != NULL ? mcw_fw_judge(text, &p, &res) : -EIO;
  free(text);
  if (r < 0) {
    mcw_doctor_add(c->r, "firewall", MCW_DOC_SKIP, NULL,
                   "not checked: nft -j list ruleset gave no ruleset%s",
                   legacy);
    return;
  }
  snprintf(where, sizeof(where), "%s %s %s%s", res.rule.family, res.rule.table,
           res.rule.chain, "");
  mcw_fw_fix(&res, &p, fix, sizeof(fix));
  switch (res.verdict) {
  case MCW_FW_DROP:
    if (res.rule.handle < 0)
      mcw_doctor_add(c->r, "firewall", MCW_DOC_FAIL, fix,
                     "chain %s has policy drop and no rule accepts UDP to "
                     "%s port %u on %s first: nothing gets through%s",
                     where, c->group, p.group.port, c->ifname, legacy);
    else
      mcw_doctor_add(c->r, "firewall", MCW_DOC_FAIL, fix,
                     "rule \"%s\" (%s, handle %ld) drops UDP to %s port %u "
                     "on %s: nothing gets through%s",
                     res.rule.text, where, res.rule.handle, c->group,
                     p.group.port, c->ifname, legacy);
    break;
  case MCW_FW_MAYBE:
    mcw_doctor_add(c->r, "firewall", MCW_DOC_WARN, fix,
                   "%s \"%s\" (%s) may drop UDP to %s port %u on %s: it "
                   "depends on %s%s",
                   res.rule.handle < 0 ? "the chain's" : "rule", res.rule.text,
                   where, c->group, p.group.port, c->ifname, res.unknown,
                   legacy);
    break;
  default:
    mcw_doctor_add(
        c->r, "firewall", nlegacy ? MCW_DOC_WARN : MCW_DOC_OK,
        nlegacy ? (c->v6 ? "ip6tables-legacy-save" : "iptables-legacy-save")
                : NULL,
        "%zu nftables rule%s, %zu base chain%s on the way in "
        "(prerouting, input): none drops UDP to %s port %u on "
        "%s%s",
        res.rules, res.rules == 1 ? "" : "s", res.base_chains,
        res.base_chains == 1 ? "" : "s", c->group, p.group.port, c->ifname,
        legacy);
  }
}

int mcw_doctor_run(const struct mcw_endpoint *ep,
                   const struct mcw_doctor_options *opts,
                   struct mcw_doctor_report *r) {
  struct mcw_iface_list list = {0};
  struct ctx c = {.ep = ep, .o = opts, .r = r};
  struct mcw_endpoint resolved;
  int err;

  mcw_endpoint_format(ep, r->endpoint, sizeof(r->endpoint));
  c.v6 = ep->group.family == AF_INET6;
  mcw_addr_format(&ep->group, c.group, sizeof(c.group));
  mcw_addr_format(&ep->source, c.source, sizeof(c.source));
  err = mcw_ifscan(&list);
  if (err == 0)
    c.ifc = ep->ifindex ? mcw_iface_by_index(&list, ep->ifindex)
                        : mcw_iface_find(&list, ep->iface);
  c.ifname = c.ifc ? c.ifc->name : ep->iface;
  if (c.ifc != NULL) {
    /* The join below needs the index; callers may give only the name. */
    resolved = *ep;
    resolved.ifindex = c.ifc->index;
    mcw_strlcpy(resolved.iface, c.ifc->name, sizeof(resolved.iface));
    c.ep = &resolved;
  }

  check_interface(&c);
  check_scope(&c);
  if (c.ifc != NULL) {
    check_route(&c);
    check_rp_filter(&c);
  }
  check_port(&c); /* before our own join, which would be counted */
  check_membership(&c);
  check_limits(&c);
  check_firewall(&c);
  mcw_doctor_check_querier(c.ep, opts, r);
  mcw_iface_list_free(&list);
  return 0;
}
