/*
 * The doctor explains why a joined group may see nothing. This header has
 * two halves. The pure half (src/core/doctor_parse.c, doctor_report.c)
 * reads the kernel's text files handed over as buffers (/proc/net/igmp,
 * igmp6, udp, udp6, route, ipv6_route, sysctl values), judges rp_filter
 * (doctor_rpf.c), and holds a report: an array of checks, each ok,
 * warning, failure or not checked, with one plain sentence and the exact
 * command that fixes it. The firewall has its own judge (fwjudge.h).
 * The live half (src/net/doctor.c) reads the running system and fills a
 * report for one endpoint.
 */
#ifndef MCWATCH_DOCTOR_H
#define MCWATCH_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/addr.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/json.h"

enum mcw_doctor_status {
  MCW_DOC_OK,
  MCW_DOC_WARN,
  MCW_DOC_FAIL,
  MCW_DOC_SKIP, /* not checked (not root, tool missing...) */
};

struct mcw_doctor_check {
  char name[16]; /* "interface", "route", "rp_filter"... */
  enum mcw_doctor_status status;
  char message[400]; /* one plain sentence */
  char fix[300];     /* the exact command, "" when none */
};

struct mcw_doctor_report {
  char endpoint[128]; /* as formatted, e.g. "239.1.2.3:5000%eth0" */
  struct mcw_doctor_check *checks;
  size_t count, cap;
};

/* One socket from /proc/net/udp or udp6. */
struct mcw_doctor_udp {
  struct mcw_addr local; /* address and port */
  unsigned long inode;
};

/* ---- pure: parsing (doctor_parse.c) ---- */

/*
 * True when text (the contents of /proc/net/igmp, or igmp6 for an IPv6
 * group) lists group on the interface named ifname.
 */
bool mcw_doctor_igmp_has(const char *text, const char *ifname,
                         const struct mcw_addr *group);
/*
 * Reads /proc/net/udp (or udp6: the family follows the address width)
 * text; stores up to max sockets bound to port into out and returns how
 * many there are in all.
 */
size_t mcw_doctor_udp_bound(const char *text, uint16_t port,
                            struct mcw_doctor_udp *out, size_t max);
/*
 * Finds the interface of the longest matching route for addr in the text
 * of /proc/net/route (IPv4) or /proc/net/ipv6_route (IPv6) and writes its
 * name; returns the prefix length, -ENOENT when no route matches, or
 * -EHOSTUNREACH when the longest match is a blackhole, unreachable or
 * prohibit route (ifname is then "").
 */
int mcw_doctor_route_iface(const char *text, const struct mcw_addr *addr,
                           char *ifname, size_t len);
/* Parses a sysctl value ("1\n"); returns 0 and sets *v, or -EINVAL. */
int mcw_doctor_parse_long(const char *text, long *v);
/* ---- pure: the rp_filter verdict (doctor_rpf.c) ---- */

/* What the rp_filter verdict needs to know. */
struct mcw_doctor_rpf {
  long all, dev;           /* net.ipv4.conf.{all,IFACE}.rp_filter */
  const char *ifname;      /* the arrival interface */
  const char *source;      /* the sender's address, "" when any-source */
  int route;               /* mcw_doctor_route_iface() for the source */
  const char *route_iface; /* its interface ("" when none) */
  bool default_route;      /* a usable default route exists */
  bool iface_has_v4;       /* the arrival interface has an IPv4 address */
};

/*
 * Judges whether the kernel's reverse-path filter lets the sender's
 * multicast in on ifname (the mode is the larger of all and dev); writes
 * one sentence into msg and the command that fixes it into fix ("" when
 * none). Returns the check's status.
 */
enum mcw_doctor_status mcw_doctor_rpf_judge(const struct mcw_doctor_rpf *in,
                                            char *msg, size_t mlen, char *fix,
                                            size_t flen);

/* ---- pure: the report (doctor_report.c) ---- */

/* Adds a check; fix may be NULL. Returns it. */
struct mcw_doctor_check *mcw_doctor_add(struct mcw_doctor_report *r,
                                        const char *name,
                                        enum mcw_doctor_status status,
                                        const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The worst status of the report (SKIP counts as OK). */
enum mcw_doctor_status mcw_doctor_worst(const struct mcw_doctor_report *r);
/* "ok", "warning", "failure", "not checked". */
const char *mcw_doctor_status_name(enum mcw_doctor_status s);
/* Writes the report as text lines ("  OK    route   ...", "fix: ...") into
 * j's buffer (used as a plain text buffer); the endpoint, sentences and
 * fixes pass through mcw_escape, since they carry names from outside. */
void mcw_doctor_format_text(const struct mcw_doctor_report *r,
                            struct mcw_json *j);
/* Writes one JSON object per check, one per line, into j. */
void mcw_doctor_format_json(const struct mcw_doctor_report *r,
                            struct mcw_json *j);
/* Frees the checks. */
void mcw_doctor_report_free(struct mcw_doctor_report *r);

/* ---- live (src/net/doctor.c) ---- */

struct mcw_doctor_options {
  int rcvbuf;         /* receive buffer mcwatch would ask for */
  size_t ngroups;     /* groups being checked together */
  bool join;          /* join briefly to check the kernel's membership */
  const char *procfs; /* "/proc", or a test tree */
  double listen_s;    /* wait this long for an IGMP/MLD query; 0: don't */
};

/* Fills opts with the defaults. */
void mcw_doctor_options_default(struct mcw_doctor_options *opts);
/*
 * Checks one endpoint (group parsed; interface resolved when it exists,
 * else ep->ifindex is 0 and ep->iface names what was asked) on the running
 * system and fills r. Returns 0, or -ENOMEM.
 */
int mcw_doctor_run(const struct mcw_endpoint *ep,
                   const struct mcw_doctor_options *opts,
                   struct mcw_doctor_report *r);
/*
 * The querier check (src/net/doctor_querier.c): listens on ep's interface
 * for a general query for up to opts->listen_s seconds and reads the
 * querier version the kernel recorded; adds one "querier" check to r.
 */
void mcw_doctor_check_querier(const struct mcw_endpoint *ep,
                              const struct mcw_doctor_options *opts,
                              struct mcw_doctor_report *r);

#endif
