/*
 * The built-in demo: two local senders on lo to the demo group, at different
 * rates and with different payloads: mcwatch probes (with a deliberate gap
 * in one sequence number of 50, so loss shows), text with control bytes to
 * show the escaping, and binary. A new user sees live traffic, several
 * senders, loss figures and safe previews with no network at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/route.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "mcwatch/common.h"
#include "mcwatch/msock.h"
#include "mcwatch/probe.h"
#include "mcwatch/tx.h"

struct demo_sender {
  struct mcw_demo *demo;
  struct mcw_tx tx;
  uv_timer_t timer;
  unsigned id;
  uint64_t seq;       /* datagrams sent */
  uint64_t probe_seq; /* probe sequence number (with deliberate gaps) */
  uint32_t probe_id;  /* probe sender id, new every run */
};

struct mcw_demo {
  struct demo_sender s[2];
  int open_handles;
};

/* True when /proc/net/route has a route on lo that covers the demo group. */
static bool demo_route_exists(in_addr_t group) {
  FILE *f = fopen("/proc/net/route", "r");
  char line[256], ifname[64];
  unsigned long dest, mask;
  bool found = false;

  if (f == NULL)
    return false;
  while (!found && fgets(line, sizeof(line), f) != NULL)
    if (sscanf(line, "%63s %lx %*s %*s %*s %*s %*s %lx", ifname, &dest,
               &mask) == 3 &&
        strcmp(ifname, MCW_DEMO_IFACE) == 0 && (group & mask) == dest)
      found = true;
  fclose(f);
  return found;
}

/* Adds or deletes the host route group/32 dev lo; 0 or -errno. */
static int demo_route(int fd, in_addr_t group, bool add) {
  struct rtentry rt;
  struct sockaddr_in *sin;

  memset(&rt, 0, sizeof(rt));
  sin = (struct sockaddr_in *)&rt.rt_dst;
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = group;
  sin = (struct sockaddr_in *)&rt.rt_genmask;
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = INADDR_BROADCAST;
  rt.rt_flags = RTF_UP | RTF_HOST;
  rt.rt_dev = (char *)MCW_DEMO_IFACE;
  return ioctl(fd, add ? SIOCADDRT : SIOCDELRT, &rt) == 0 ? 0 : -errno;
}

void mcw_demo_prepare(struct mcw_demo_prep *p, char *note, size_t len) {
  struct ifreq ifr;
  in_addr_t group;
  bool down = false, need_flag = false, need_route = false;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  memset(p, 0, sizeof(*p));
  note[0] = '\0';
  if (fd < 0)
    return;
  inet_pton(AF_INET, MCW_DEMO_ADDR, &group);
  memset(&ifr, 0, sizeof(ifr));
  mcw_strlcpy(ifr.ifr_name, MCW_DEMO_IFACE, sizeof(ifr.ifr_name));
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
    down = !(ifr.ifr_flags & IFF_UP);
    if (!(ifr.ifr_flags & IFF_MULTICAST)) {
      ifr.ifr_flags |= IFF_MULTICAST;
      if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0)
        p->set_multicast = true;
      else
        need_flag = true;
    }
  }
  if (!demo_route_exists(group)) {
    if (demo_route(fd, group, true) == 0)
      p->added_route = true;
    else
      need_route = true;
  }
  close(fd);

  if (down)
    snprintf(note, len, "demo: lo is down; bring it up: ip link set lo up");
  else if (p->set_multicast || p->added_route)
    snprintf(note, len, "demo: set %s%s%s on lo (undone at exit)",
             p->set_multicast ? "MULTICAST" : "",
             p->set_multicast && p->added_route ? " and " : "",
             p->added_route ? "route " MCW_DEMO_ADDR "/32" : "");
  else if (need_flag || need_route)
    snprintf(note, len, "demo: for other tools to send here, as root: %s%s%s",
             need_flag ? "ip link set lo multicast on" : "",
             need_flag && need_route ? "; " : "",
             need_route ? "ip route add " MCW_DEMO_ADDR "/32 dev lo" : "");
}

void mcw_demo_restore(const struct mcw_demo_prep *p) {
  struct ifreq ifr;
  in_addr_t group;
  int fd;

  if (!p->set_multicast && !p->added_route)
    return;
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  if (p->added_route) {
    inet_pton(AF_INET, MCW_DEMO_ADDR, &group);
    (void)demo_route(fd, group, false);
  }
  memset(&ifr, 0, sizeof(ifr));
  mcw_strlcpy(ifr.ifr_name, MCW_DEMO_IFACE, sizeof(ifr.ifr_name));
  if (p->set_multicast && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags &= ~IFF_MULTICAST;
    (void)ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  close(fd);
}

static void on_demo_closed(uv_handle_t *h) {
  struct demo_sender *s = h->data;
  struct mcw_demo *d = s->demo;

  mcw_tx_close(&s->tx);
  if (--d->open_handles == 0)
    free(d);
}

/* Builds the next payload of sender s: text, text with escapes, or binary. */
/* Builds the text of the next datagram of sender s. */
static int demo_text(struct demo_sender *s, char *buf, size_t len,
                     uint64_t skipped) {
  static const char *words[] = {"camera-1", "ticker", "sensor", "studio"};

  if (skipped != 0)
    return snprintf(buf, len, "demo skipped #%llu on purpose, to show loss",
                    (unsigned long long)skipped);
  if (s->seq % 10 == 9)
    return snprintf(buf, len,
                    "demo \x1b]0;title\x07 escapes stay "
                    "\x1b[1mescaped\x1b[0m");
  if (s->id == 0) /* a probe: its sequence number shows beside the text */
    return snprintf(buf, len, "mcwatch demo sender 1 %s",
                    words[s->seq % MCW_ARRAY_LEN(words)]);
  return snprintf(buf, len, "mcwatch demo sender %u #%llu %s", s->id + 1,
                  (unsigned long long)s->seq,
                  words[s->seq % MCW_ARRAY_LEN(words)]);
}

/*
 * Builds the next datagram of sender s. Sender 1 sends mcwatch probes and
 * skips one sequence number in 50, so the demo shows loss being counted;
 * sender 2 sends plain text and, one time in five, binary bytes.
 */
static size_t demo_payload(struct demo_sender *s, uint8_t *buf, size_t len) {
  char text[128];
  uint64_t skipped = 0;
  int n;

  if (s->id == 1 && s->seq % 5 == 4) {
    for (size_t i = 0; i < 48 && i < len; i++)
      buf[i] = (uint8_t)(s->seq * 31 + i * 7);
    return 48 < len ? 48 : len;
  }
  if (s->id == 1) {
    n = demo_text(s, (char *)buf, len, 0);
    return n > 0 ? (size_t)n : 0;
  }
  if (++s->probe_seq % 50 == 0)
    skipped = s->probe_seq++;
  n = demo_text(s, text, sizeof(text), skipped);
  struct mcw_probe p = {.version = MCW_PROBE_VERSION,
                        .sender_id = s->probe_id,
                        .seq = s->probe_seq,
                        .send_ns = (uint64_t)mcw_wall_ns()};
  n = mcw_probe_encode(&p, text, n > 0 ? (size_t)n : 0, 0, buf, len);
  return n > 0 ? (size_t)n : 0;
}

static void on_demo_tick(uv_timer_t *t) {
  struct demo_sender *s = t->data;
  uint8_t buf[256];
  size_t n;

  s->seq++;
  n = demo_payload(s, buf, sizeof(buf));
  (void)mcw_tx_send(&s->tx, buf, n);
}

struct mcw_demo *mcw_demo_start(uv_loop_t *loop, const struct mcw_endpoint *ep,
                                char *err, size_t errlen) {
  static const uint64_t period_ms[2] = {100, 350};
  struct mcw_demo *d = mcw_xcalloc(1, sizeof(*d));

  for (unsigned i = 0; i < 2; i++) {
    struct demo_sender *s = &d->s[i];
    s->demo = d;
    s->id = i;
    s->probe_id = (uint32_t)(mcw_wall_ns() ^ ((uint64_t)getpid() << 16)) + i;
    if (mcw_tx_open(&s->tx, ep, 1, true, err, errlen) < 0) {
      if (i == 1)
        mcw_tx_close(&d->s[0].tx);
      free(d);
      return NULL;
    }
  }
  for (unsigned i = 0; i < 2; i++) {
    struct demo_sender *s = &d->s[i];
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    uv_timer_start(&s->timer, on_demo_tick, 50 + i * 20, period_ms[i]);
    d->open_handles++;
  }
  return d;
}

void mcw_demo_stop(struct mcw_demo *d) {
  if (d == NULL)
    return;
  for (unsigned i = 0; i < 2; i++) {
    uv_timer_stop(&d->s[i].timer);
    uv_close((uv_handle_t *)&d->s[i].timer, on_demo_closed);
  }
}
