/*
 * A token bucket that paces a sender: tokens accrue at `rate` per second
 * up to `depth` (20 ms of traffic, at least one datagram), and each
 * datagram spends one. A sender that falls behind by less than the depth
 * catches up, so the average rate holds; a longer stall is not made up by
 * a burst. Time is passed in (monotonic nanoseconds) so tests can use a
 * fake clock.
 */
#ifndef MCWATCH_PACE_H
#define MCWATCH_PACE_H

#include <stdint.h>

struct mcw_pace {
  double rate;   /* datagrams per second */
  double depth;  /* most tokens held */
  double tokens; /* tokens now */
  int64_t last_ns;
};

/* Starts a bucket at now_ns holding one token (the first datagram). */
void mcw_pace_init(struct mcw_pace *p, double rate, int64_t now_ns);
/* Takes up to max whole tokens available at now_ns; returns how many. */
uint32_t mcw_pace_take(struct mcw_pace *p, int64_t now_ns, uint32_t max);
/* When the next whole token will be there (monotonic ns). */
int64_t mcw_pace_next_ns(const struct mcw_pace *p);

#endif
