/*
 * `mcwatch send --replay FILE`: sends the UDP payloads of a capture again,
 * with the capture's timing. libpcap reads the file (pcap or pcapng, any
 * precision: pcap_fopen_offline_with_tstamp_precision hands nanoseconds);
 * mcw_ipframe_decode finds the UDP datagram in each record (Ethernet, SLL,
 * SLL2, raw IP, loopback; IPv4 and IPv6). Records that hold no whole UDP
 * datagram are skipped and counted by reason.
 *
 * Destinations: every payload goes to each endpoint given; with none, to
 * its original group and port (a sender per distinct destination, opened
 * when first met, at most DEST_MAX; non-multicast destinations are
 * skipped, never sent to a unicast host from a field capture).
 *
 * Timing: each record is sent when as much time (divided by --speed) has
 * passed since the first as passed in the capture, counted from record to
 * record, so a timestamp going backwards sends at once and does not hold
 * up the rest. --loop starts the file again one average gap after its last
 * record. Sleeps are clock_nanosleep on absolute monotonic deadlines.
 *
 * Exit: 2 for a file that is not a capture (or of a link type mcwatch
 * cannot read), 1 for an I/O error (cannot open, cut short) or a group
 * that failed, 0 otherwise.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/ipframe.h"
#include "mcwatch/tx.h"

#define DEST_MAX 1024
#define RETRY_NS 50000 /* pause when the kernel has no buffer (ENOBUFS) */
#define RETRIES 2000   /* about 0.1 s of retries before a datagram is lost */
#define LINE_MAX_ 2048

struct dest {
  struct mcw_endpoint ep;
  struct mcw_tx tx;
  bool failed;
};

struct replay {
  const struct mcw_replay_config *cfg;
  struct dest *dests;
  size_t ndests;
  struct mcw_iface_list ifaces;
  const char *def; /* default interface for original groups */
  char defbuf[64];
  /* what happened */
  uint64_t records, sent, bytes, refused;
  uint64_t not_ip, not_udp, fragments, truncated, not_multicast, too_many;
  uint64_t taken; /* UDP datagrams taken from the capture (for --count) */
  int failures;
  /* timing */
  int64_t start_mono, first_sent, last_sent;
  double virt_ns;  /* capture time elapsed, all passes */
  int64_t prev_ts; /* previous record's time in this pass, or -1 */
  int64_t pass_first, pass_last;
  uint64_t pass_records;
};

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * MCW_NS_PER_SEC + ts.tv_nsec;
}

static void sleep_until(int64_t ns) {
  struct timespec ts = {.tv_sec = (time_t)(ns / MCW_NS_PER_SEC),
                        .tv_nsec = (long)(ns % MCW_NS_PER_SEC)};
  (void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* Opens the capture; on failure says why and returns NULL with *code. */
static pcap_t *open_capture(const char *path, int *code) {
  char errbuf[PCAP_ERRBUF_SIZE];
  FILE *fp = fopen(path, "rb");
  pcap_t *p;

  if (fp == NULL) {
    mcw_cli_warn("%s: %s", path, strerror(errno));
    *code = MCW_EXIT_FAILURE;
    return NULL;
  }
  p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
                                               errbuf);
  if (p == NULL) {
    fclose(fp);
    mcw_cli_warn("%s: not a pcap or pcapng capture (%s)", path, errbuf);
    *code = MCW_EXIT_USAGE;
    return NULL;
  }
  if (!mcw_ipframe_dlt_known(pcap_datalink(p))) {
    const char *name = pcap_datalink_val_to_name(pcap_datalink(p));
    mcw_cli_warn("%s: link type %s (%d) is not one mcwatch reads (Ethernet, "
                 "Linux cooked, raw IP, loopback)",
                 path, name ? name : "unknown", pcap_datalink(p));
    pcap_close(p);
    *code = MCW_EXIT_USAGE;
    return NULL;
  }
  return p;
}

/* Applies --filter; exits 2 when libpcap cannot compile it. */
static void set_filter(pcap_t *p, const char *filter) {
  struct bpf_program prog;

  if (filter == NULL)
    return;
  if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
      pcap_setfilter(p, &prog) < 0) {
    char msg[PCAP_ERRBUF_SIZE + 8];
    snprintf(msg, sizeof(msg), "%s", pcap_geterr(p));
    pcap_close(p);
    mcw_cli_error("--filter: %s", msg);
  }
  pcap_freecode(&prog);
}

/* The sender for an original destination: found, opened, or NULL. */
static struct dest *dest_for(struct replay *r, const struct mcw_addr *dst) {
  struct dest *d;
  char err[256];

  for (size_t i = 0; i < r->ndests; i++)
    if (mcw_addr_equal(&r->dests[i].ep.group, dst))
      return &r->dests[i];
  if (r->ndests == DEST_MAX) {
    r->too_many++;
    return NULL;
  }
  d = &r->dests[r->ndests++];
  memset(d, 0, sizeof(*d));
  d->tx.fd = -1;
  d->ep.group = *dst;
  if (mcw_endpoint_resolve(&d->ep, &r->ifaces, r->def, err, sizeof(err)) < 0 ||
      mcw_tx_open(&d->tx, &d->ep, r->cfg->ttl, r->cfg->mloop, err,
                  sizeof(err)) < 0) {
    mcw_cli_warn("%s", err);
    d->failed = true;
    r->failures++;
  }
  return d;
}

/* Sends one payload to d, retrying while the kernel has no buffer. */
static void send_to(struct replay *r, struct dest *d, const uint8_t *p,
                    uint32_t len) {
  char shown[128];
  int e;

  if (d->failed)
    return;
  for (int tries = 0;; tries++) {
    e = mcw_tx_send(&d->tx, p, len);
    if (e == 0) {
      r->sent++;
      r->bytes += len;
      d->tx.sent++;
      return;
    }
    if ((e == -ENOBUFS || e == -EAGAIN) && tries < RETRIES) {
      sleep_until(mono_ns() + RETRY_NS);
      continue;
    }
    break;
  }
  if (e == -ENOBUFS || e == -EAGAIN) {
    r->refused++;
    return;
  }
  mcw_cli_warn("%s: cannot send: %s (stopped after %llu datagram%s)",
               mcw_endpoint_format(&d->ep, shown, sizeof(shown)), strerror(-e),
               (unsigned long long)d->tx.sent, d->tx.sent == 1 ? "" : "s");
  d->failed = true;
  r->failures++;
}

/* Counts a record decode skipped. */
static void skip(struct replay *r, int kind) {
  switch (kind) {
  case MCW_FRAME_NOT_IP:
    r->not_ip++;
    break;
  case MCW_FRAME_NOT_UDP:
    r->not_udp++;
    break;
  case MCW_FRAME_FRAGMENT:
    r->fragments++;
    break;
  default:
    r->truncated++;
  }
}

/* Waits until the record stamped ts is due. */
static void pace(struct replay *r, int64_t ts) {
  int64_t due;

  if (r->prev_ts >= 0 && ts > r->prev_ts)
    r->virt_ns += (double)(ts - r->prev_ts);
  r->prev_ts = ts;
  if (r->pass_records++ == 0)
    r->pass_first = ts;
  r->pass_last = ts;
  if (r->start_mono == 0)
    r->start_mono = mono_ns();
  if (r->cfg->speed <= 0)
    return;
  due = r->start_mono + (int64_t)(r->virt_ns / r->cfg->speed);
  while (mono_ns() < due && !*r->cfg->stop)
    sleep_until(due);
}

/* Whether --count or --duration says to stop. */
static bool done(const struct replay *r) {
  const struct mcw_replay_config *c = r->cfg;

  if (*c->stop)
    return true;
  if (c->count != 0 && r->taken >= c->count)
    return true;
  return c->duration > 0 && r->start_mono != 0 &&
         mono_ns() - r->start_mono >= (int64_t)(c->duration * 1e9);
}

/* Replays one pass of the file; returns 0, or the exit code of an error. */
static int one_pass(struct replay *r, pcap_t *p) {
  const int dlt = pcap_datalink(p);
  struct pcap_pkthdr *h;
  const u_char *data;
  int rc;

  r->prev_ts = -1;
  r->pass_records = 0;
  while (!done(r) && (rc = pcap_next_ex(p, &h, &data)) == 1) {
    struct mcw_frame_udp u;
    int kind = mcw_ipframe_decode(dlt, data, h->caplen, &u);
    int64_t ts = (int64_t)h->ts.tv_sec * MCW_NS_PER_SEC + h->ts.tv_usec;

    r->records++;
    if (kind != MCW_FRAME_UDP) {
      skip(r, kind);
      continue;
    }
    if (r->cfg->neps == 0 && !mcw_addr_is_multicast(&u.dst)) {
      r->not_multicast++;
      continue;
    }
    r->taken++;
    pace(r, ts);
    if (*r->cfg->stop)
      break;
    if (r->first_sent == 0)
      r->first_sent = mono_ns();
    if (r->cfg->neps > 0) {
      for (size_t i = 0; i < r->ndests; i++)
        send_to(r, &r->dests[i], u.payload, u.len);
    } else {
      struct dest *d = dest_for(r, &u.dst);
      if (d != NULL)
        send_to(r, d, u.payload, u.len);
    }
    r->last_sent = mono_ns();
  }
  if (!done(r) && rc == PCAP_ERROR) {
    mcw_cli_warn("%s: cut short after %llu records: %s", r->cfg->path,
                 (unsigned long long)r->records, pcap_geterr(p));
    return MCW_EXIT_FAILURE;
  }
  return 0;
}

/* Appends to line (LINE_MAX_ bytes, *used taken); cuts when full. */
static void append(char *line, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *line, size_t *used, const char *fmt, ...) {
  va_list ap;
  int k;

  if (*used >= LINE_MAX_ - 1)
    return;
  va_start(ap, fmt);
  k = vsnprintf(line + *used, LINE_MAX_ - *used, fmt, ap);
  va_end(ap);
  if (k > 0)
    *used = *used + (size_t)k < LINE_MAX_ ? *used + (size_t)k : LINE_MAX_ - 1;
}

/* Prints the one summary line on stderr (escaped). */
static void summary(const struct replay *r) {
  char line[LINE_MAX_], shown[128], esc[MCW_ESC_MAX(LINE_MAX_)];
  size_t used = 0, k = 0;
  uint64_t skipped = r->not_ip + r->not_udp + r->fragments + r->truncated +
                     r->not_multicast + r->too_many;
  double s = r->first_sent ? (double)(r->last_sent - r->first_sent) / 1e9 : 0;

  append(line, &used, "replayed %llu datagram%s (%llu bytes) in %.3f s",
         (unsigned long long)r->sent, r->sent == 1 ? "" : "s",
         (unsigned long long)r->bytes, s);
  for (size_t i = 0; i < r->ndests; i++)
    if (!r->dests[i].failed && r->dests[i].tx.sent > 0)
      append(line, &used, "%s%s", k++ ? ", " : " to ",
             mcw_endpoint_format(&r->dests[i].ep, shown, sizeof(shown)));
  append(line, &used, "; %llu record%s read", (unsigned long long)r->records,
         r->records == 1 ? "" : "s");
  if (skipped > 0) {
    append(line, &used, ", %llu skipped:", (unsigned long long)skipped);
    k = 0;
#define SKIPPED(n, what)                                                       \
  if ((n) > 0)                                                                 \
    append(line, &used, "%s %llu %s", k++ ? "," : "", (unsigned long long)(n), \
           what);
    SKIPPED(r->not_ip, "not IP");
    SKIPPED(r->not_udp, "not UDP");
    SKIPPED(r->fragments, "IP fragments");
    SKIPPED(r->truncated, "cut short or malformed");
    SKIPPED(r->not_multicast, "not to a multicast group");
    SKIPPED(r->too_many, "beyond 1024 groups");
#undef SKIPPED
  }
  if (r->refused > 0)
    append(line, &used, "; %llu refused by the kernel (no buffer space)",
           (unsigned long long)r->refused);
  mcw_escape((const uint8_t *)line, strlen(line), esc, sizeof(esc),
             mcw_cli_escape_flags());
  fprintf(stderr, "%s\n", esc);
}

int mcw_replay(const struct mcw_replay_config *cfg) {
  struct replay r;
  char err[256];
  int code = 0, rc;
  pcap_t *p = open_capture(cfg->path, &code);

  if (p == NULL)
    return code;
  set_filter(p, cfg->filter);
  memset(&r, 0, sizeof(r));
  r.cfg = cfg;
  r.dests = mcw_xcalloc(cfg->neps > 0 ? cfg->neps : DEST_MAX, sizeof(*r.dests));
  if ((rc = mcw_ifscan(&r.ifaces)) < 0) {
    mcw_cli_warn("cannot list interfaces: %s", strerror(-rc));
    pcap_close(p);
    free(r.dests);
    return MCW_EXIT_FAILURE;
  }
  r.def = mcw_ifscan_default_iface(cfg->iface, r.defbuf, sizeof(r.defbuf));
  for (size_t i = 0; i < cfg->neps; i++) {
    struct dest *d = &r.dests[r.ndests++];
    d->ep = cfg->eps[i];
    if (mcw_tx_open(&d->tx, &d->ep, cfg->ttl, cfg->mloop, err, sizeof(err)) <
        0) {
      mcw_cli_warn("%s", err);
      d->failed = true;
      r.failures++;
    }
  }
  for (;;) {
    uint64_t before = r.taken;
    code = one_pass(&r, p);
    pcap_close(p);
    p = NULL;
    if (code != 0 || !cfg->loop || done(&r) || r.taken == before)
      break;
    /* The next pass starts one average gap after this one's last record. */
    if (r.pass_records > 1)
      r.virt_ns +=
          (double)(r.pass_last - r.pass_first) / (double)(r.pass_records - 1);
    if ((p = open_capture(cfg->path, &code)) == NULL)
      break;
    set_filter(p, cfg->filter);
  }
  if (p != NULL)
    pcap_close(p);
  summary(&r);
  for (size_t i = 0; i < r.ndests; i++)
    mcw_tx_close(&r.dests[i].tx);
  mcw_iface_list_free(&r.ifaces);
  free(r.dests);
  if (code != 0)
    return code;
  return r.failures > 0 || r.sent == 0 ? MCW_EXIT_FAILURE : MCW_EXIT_OK;
}
