/*
 * A rate meter: a ring of fixed-width time slots counting packets and bytes,
 * indexed by absolute slot number (time / slot width) modulo the ring size.
 * Rates are computed over complete slots only, so a steady stream reads
 * steady; before a full window has passed, they are divided by the time
 * actually observed, but never by less than one second, so a few datagrams
 * just after the start do not read as a spike. The same structure gives the sparkline history.
 * Time is passed in (monotonic nanoseconds), which lets tests use a fake clock.
 */
#ifndef MCWATCH_RATE_H
#define MCWATCH_RATE_H

#include <stddef.h>
#include <stdint.h>

struct mcw_rate_slot {
  uint64_t packets;
  uint64_t bytes;
};

struct mcw_rate {
  int64_t slot_ns;  /* width of one slot */
  uint32_t nslots;  /* ring size */
  int64_t start_ns; /* when counting began */
  int64_t cur;      /* absolute number of the newest slot touched */
  struct mcw_rate_slot *slot;
};

/* Sets up a meter of nslots slots of slot_ns each, starting at now_ns. */
void mcw_rate_init(struct mcw_rate *r, int64_t slot_ns, uint32_t nslots,
                   int64_t now_ns);
/* Frees the slots. */
void mcw_rate_free(struct mcw_rate *r);
/* Forgets everything counted and starts again at now_ns. */
void mcw_rate_reset(struct mcw_rate *r, int64_t now_ns);
/* Counts one packet of the given size at now_ns. */
void mcw_rate_add(struct mcw_rate *r, int64_t now_ns, uint64_t bytes);
/* Packets per second over the complete slots of the last window_ns. */
double mcw_rate_pps(struct mcw_rate *r, int64_t now_ns, int64_t window_ns);
/* Bits per second over the complete slots of the last window_ns. */
double mcw_rate_bps(struct mcw_rate *r, int64_t now_ns, int64_t window_ns);
/*
 * Writes packets per second for each of the last n complete slots into out,
 * oldest first (slots before counting began read 0). Returns n, capped at
 * the ring size minus one.
 */
size_t mcw_rate_history(struct mcw_rate *r, int64_t now_ns, double *out,
                        size_t n);

#endif
