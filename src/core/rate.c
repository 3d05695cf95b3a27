/*
 * Rate meters. A meter is a ring of nslots slots, each slot_ns wide. Slot
 * number k (absolute, k = t / slot_ns) lives at index k % nslots. `cur` is
 * the newest absolute slot that has been touched; moving it forward zeroes
 * the slots it passes, so a stale slot is never read. Rates use complete
 * slots only: the window ending at the start of the current slot.
 */
#include "mcwatch/rate.h"

#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

static int64_t slot_of(const struct mcw_rate *r, int64_t t) {
  return t >= 0 ? t / r->slot_ns : -((-t + r->slot_ns - 1) / r->slot_ns);
}

/* Moves cur forward to slot k, zeroing the slots skipped over. */
static void advance(struct mcw_rate *r, int64_t k) {
  if (k <= r->cur)
    return;
  if (k - r->cur >= (int64_t)r->nslots) {
    memset(r->slot, 0, sizeof(*r->slot) * r->nslots);
  } else {
    for (int64_t s = r->cur + 1; s <= k; s++)
      memset(&r->slot[s % r->nslots], 0, sizeof(*r->slot));
  }
  r->cur = k;
}

void mcw_rate_init(struct mcw_rate *r, int64_t slot_ns, uint32_t nslots,
                   int64_t now_ns) {
  r->slot_ns = slot_ns > 0 ? slot_ns : MCW_NS_PER_SEC;
  r->nslots = nslots >= 2 ? nslots : 2;
  r->slot = mcw_xcalloc(r->nslots, sizeof(*r->slot));
  mcw_rate_reset(r, now_ns);
}

void mcw_rate_free(struct mcw_rate *r) {
  free(r->slot);
  r->slot = NULL;
}

void mcw_rate_reset(struct mcw_rate *r, int64_t now_ns) {
  memset(r->slot, 0, sizeof(*r->slot) * r->nslots);
  r->start_ns = now_ns;
  r->cur = slot_of(r, now_ns);
}

void mcw_rate_add(struct mcw_rate *r, int64_t now_ns, uint64_t bytes) {
  int64_t k = slot_of(r, now_ns);
  struct mcw_rate_slot *s;

  advance(r, k);
  if (k <= r->cur - (int64_t)r->nslots)
    return; /* older than the ring: a clock step backwards */
  s = &r->slot[((k % r->nslots) + r->nslots) % r->nslots];
  s->packets++;
  s->bytes += bytes;
}

/* Sums the complete slots of the window; returns seconds observed. */
static double window_sum(struct mcw_rate *r, int64_t now_ns, int64_t window_ns,
                         uint64_t *packets, uint64_t *bytes) {
  int64_t k = slot_of(r, now_ns);
  int64_t n = window_ns / r->slot_ns;
  int64_t from, to_ns, from_ns;

  advance(r, k);
  if (n < 1)
    n = 1;
  if (n > (int64_t)r->nslots - 1)
    n = r->nslots - 1;
  *packets = *bytes = 0;
  for (int64_t s = k - n; s < k; s++) {
    const struct mcw_rate_slot *sl =
        &r->slot[((s % r->nslots) + r->nslots) % r->nslots];
    *packets += sl->packets;
    *bytes += sl->bytes;
  }
  from = k - n;
  from_ns = from * r->slot_ns;
  to_ns = k * r->slot_ns;
  if (from_ns < r->start_ns)
    from_ns = r->start_ns;
  if (to_ns <= from_ns)
    return 0.0;
  /*
   * Never divide by less than a second (or the window, if shorter): two
   * datagrams 50 ms after the start are not 40 per second.
   */
  int64_t min_ns = window_ns < MCW_NS_PER_SEC ? window_ns : MCW_NS_PER_SEC;
  if (to_ns - from_ns < min_ns)
    from_ns = to_ns - min_ns;
  return (double)(to_ns - from_ns) / 1e9;
}

double mcw_rate_pps(struct mcw_rate *r, int64_t now_ns, int64_t window_ns) {
  uint64_t p, b;
  double secs = window_sum(r, now_ns, window_ns, &p, &b);
  return secs > 0 ? (double)p / secs : 0.0;
}

double mcw_rate_bps(struct mcw_rate *r, int64_t now_ns, int64_t window_ns) {
  uint64_t p, b;
  double secs = window_sum(r, now_ns, window_ns, &p, &b);
  return secs > 0 ? (double)b * 8.0 / secs : 0.0;
}

size_t mcw_rate_history(struct mcw_rate *r, int64_t now_ns, double *out,
                        size_t n) {
  int64_t k = slot_of(r, now_ns);
  double per_sec = 1e9 / (double)r->slot_ns;

  advance(r, k);
  if (n > r->nslots - 1)
    n = r->nslots - 1;
  for (size_t i = 0; i < n; i++) {
    int64_t s = k - (int64_t)n + (int64_t)i;
    const struct mcw_rate_slot *sl =
        &r->slot[((s % r->nslots) + r->nslots) % r->nslots];
    out[i] = (s + 1) * r->slot_ns <= r->start_ns
                 ? 0.0
                 : (double)sl->packets * per_sec;
  }
  return n;
}
