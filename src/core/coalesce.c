/*
 * Wakeup coalescing policy (include/mcwatch/coalesce.h). Pure arithmetic on
 * what the last window read and how long it lasted; the engine takes the
 * nap it returns.
 */
#include "mcwatch/coalesce.h"

/* Starts a window at now_ns with nothing read in it. */
static void start_window(struct mcw_coalesce *c, int64_t now_ns) {
  c->since_ns = now_ns;
  c->got = 0;
  c->busiest = 0;
  c->busiest_bytes = 0;
  c->full = false;
}

void mcw_coalesce_init(struct mcw_coalesce *c, int64_t max_ns, int64_t now_ns) {
  c->max_ns = max_ns > 0 ? max_ns : 0;
  start_window(c, now_ns);
}

void mcw_coalesce_note(struct mcw_coalesce *c, uint32_t n, uint64_t bytes,
                       bool full) {
  uint64_t kernel = bytes + (uint64_t)n * MCW_COALESCE_OVERHEAD;

  c->got += n;
  if (n > c->busiest)
    c->busiest = n;
  if (kernel > c->busiest_bytes)
    c->busiest_bytes = kernel;
  if (full)
    c->full = true;
}

/* The nap the last window allows (see the header for the rules). */
static int64_t nap_for(const struct mcw_coalesce *c, int64_t window,
                       int64_t rcvbuf) {
  double nap = (double)c->max_ns;

  if (c->max_ns == 0 || c->got == 0 || c->full)
    return 0;
  /* At the busiest socket's rate, gather at most half a batch... */
  if (c->busiest > 0) {
    double lim =
        (double)MCW_COALESCE_PER_SOCKET * (double)window / (double)c->busiest;
    if (lim < nap)
      nap = lim;
  }
  /* ...and at most a quarter of the smallest receive buffer. */
  if (rcvbuf > 0 && c->busiest_bytes > 0) {
    double lim =
        (double)rcvbuf / 4.0 * (double)window / (double)c->busiest_bytes;
    if (lim < nap)
      nap = lim;
  }
  /* A nap that would not bring two datagrams saves no wakeup. */
  if ((double)c->got * nap / (double)window < 2.0)
    return 0;
  return nap < MCW_COALESCE_MIN_NS ? 0 : (int64_t)nap;
}

int64_t mcw_coalesce_next(struct mcw_coalesce *c, int64_t now_ns,
                          int64_t rcvbuf) {
  int64_t window = now_ns - c->since_ns;
  int64_t nap = nap_for(c, window > 0 ? window : 1, rcvbuf);

  /* Whatever the next wakeup reads arrived after the reads just done, so
     its window starts now (the nap is part of it). */
  start_window(c, now_ns);
  return nap;
}
