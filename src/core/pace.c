/*
 * The token bucket: `tokens` is a fraction refilled from the time elapsed
 * since last_ns, capped at depth; whole tokens are spent. Doubles keep
 * sub-nanosecond remainders, so the long-run rate does not drift.
 */
#include "mcwatch/pace.h"

#define DEPTH_S 0.02

void mcw_pace_init(struct mcw_pace *p, double rate, int64_t now_ns) {
  p->rate = rate > 0 ? rate : 1;
  p->depth = p->rate * DEPTH_S;
  if (p->depth < 1)
    p->depth = 1;
  p->tokens = 1;
  p->last_ns = now_ns;
}

uint32_t mcw_pace_take(struct mcw_pace *p, int64_t now_ns, uint32_t max) {
  uint32_t n;

  if (now_ns > p->last_ns) {
    p->tokens += (double)(now_ns - p->last_ns) * p->rate / 1e9;
    if (p->tokens > p->depth)
      p->tokens = p->depth;
    p->last_ns = now_ns;
  }
  n = p->tokens >= (double)max ? max : (uint32_t)p->tokens;
  p->tokens -= n;
  return n;
}

int64_t mcw_pace_next_ns(const struct mcw_pace *p) {
  double need = 1.0 - p->tokens;

  if (need <= 0)
    return p->last_ns;
  return p->last_ns + (int64_t)(need * 1e9 / p->rate) + 1;
}
