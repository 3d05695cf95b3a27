/*
 * The built-in demo: two local senders on lo to the demo group, at different
 * rates and with different payloads (plain text, text with control bytes to
 * show the escaping, and binary), so a new user sees live traffic, several
 * senders and safe previews with no network at all.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "mcwatch/common.h"
#include "mcwatch/tx.h"

struct demo_sender {
  struct mcw_demo *demo;
  struct mcw_tx tx;
  uv_timer_t timer;
  unsigned id;
  uint64_t seq;
};

struct mcw_demo {
  struct demo_sender s[2];
  int open_handles;
};

void mcw_demo_prepare(char *note, size_t len) {
  struct ifreq ifr;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  note[0] = '\0';
  if (fd < 0)
    return;
  memset(&ifr, 0, sizeof(ifr));
  mcw_strlcpy(ifr.ifr_name, MCW_DEMO_IFACE, sizeof(ifr.ifr_name));
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
    if (!(ifr.ifr_flags & IFF_UP)) {
      snprintf(note, len, "lo is down; bring it up with: ip link set lo up");
    } else if (!(ifr.ifr_flags & IFF_MULTICAST)) {
      ifr.ifr_flags |= IFF_MULTICAST;
      if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0)
        snprintf(note, len, "set the MULTICAST flag on lo for the demo");
      else
        snprintf(note, len,
                 "lo has no MULTICAST flag; Linux still delivers the demo "
                 "locally; to set it: sudo ip link set lo multicast on");
    }
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
static size_t demo_payload(struct demo_sender *s, uint8_t *buf, size_t len) {
  static const char *words[] = {"camera-1", "ticker", "sensor", "studio"};
  int n;

  if (s->id == 1 && s->seq % 5 == 4) {
    for (size_t i = 0; i < 48 && i < len; i++)
      buf[i] = (uint8_t)(s->seq * 31 + i * 7);
    return 48 < len ? 48 : len;
  }
  if (s->id == 0 && s->seq % 10 == 9)
    n = snprintf((char *)buf, len,
                 "demo #%llu \x1b]0;title\x07 escapes stay \x1b[1mescaped\x1b[0m",
                 (unsigned long long)s->seq);
  else
    n = snprintf((char *)buf, len, "mcwatch demo sender %u #%llu %s",
                 s->id + 1, (unsigned long long)s->seq,
                 words[s->seq % MCW_ARRAY_LEN(words)]);
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
