/*
 * A sequence tracker for one stream: counts received, lost, duplicated and
 * reordered datagrams from their sequence numbers, in the spirit of RFC
 * 3550 appendix A.1. Numbers are 64-bit; 16-bit RTP numbers are first
 * extended with mcw_seq_extend16. State is fixed-size (a bitmap of the
 * last MCW_SEQ_WINDOW numbers for duplicate detection); nothing allocates.
 *
 * Definitions (also in docs/JSON.md):
 * - A run is a stretch of numbers from one sender incarnation. Within a
 *   run, expected = highest - lowest + 1 and unique = distinct numbers seen.
 * - lost = sum over runs of (expected - unique): a gap counts as lost until
 *   a late datagram fills it, after which it counts as reordered instead.
 * - dup: a number already seen within the window.
 * - reordered: a new number lower than the highest seen (a late arrival).
 * - A jump forward of more than max_dropout, or back by max_misorder or
 *   more, is not believed at once: the datagram is a "stray". When the next
 *   datagram follows it in sequence, the sender restarted: the run closes
 *   and a new one begins (restarts + 1), so a jump of 2^63 is a restart,
 *   never 2^63 lost datagrams. A stray not confirmed is counted only there.
 * - A malformed datagram (mcw_seq_malformed) has no number we can read, but
 *   it was sent: it stands for one missing number next to it in time. It
 *   excuses one number of the gap the last good datagram opened, if some of
 *   that gap is still unexcused, or else one of the gap the next good
 *   datagram opens. Excused numbers are neither expected nor lost. A
 *   malformed datagram with no such gap beside it excuses nothing, so it
 *   can never hide a loss elsewhere; a late datagram that fills an excused
 *   number takes the excuse back.
 */
#ifndef MCWATCH_SEQTRACK_H
#define MCWATCH_SEQTRACK_H

#include <stdbool.h>
#include <stdint.h>

#define MCW_SEQ_WINDOW 1024

enum mcw_seq_result {
  MCW_SEQ_FIRST,   /* the first of a run */
  MCW_SEQ_NEXT,    /* in order (maybe after a gap) */
  MCW_SEQ_LATE,    /* filled a gap: reordered */
  MCW_SEQ_DUP,     /* seen before */
  MCW_SEQ_STRAY,   /* out of range, not (yet) believed */
  MCW_SEQ_RESTART, /* confirmed a restart: a new run began */
};

struct mcw_seq {
  uint64_t max_dropout;  /* largest forward jump taken as loss */
  uint32_t max_misorder; /* how far back a late datagram may be (<= window) */
  uint64_t confirm_mask; /* bits compared to confirm a restart */
  bool started;
  bool has_stray;
  uint64_t lo, hi;   /* lowest and highest number of the run */
  uint64_t unique;   /* distinct numbers of the run */
  uint64_t excused;  /* missing numbers of the run excused by malformed ones */
  uint64_t gap_lo;   /* first number of the gap the last advance opened */
  uint32_t gap_open; /* numbers of that gap not excused (nor filled) yet */
  uint32_t pending;  /* malformed datagrams waiting for the next gap */
  uint64_t stray;    /* number of the last stray datagram */
  uint64_t received; /* every datagram pushed */
  uint64_t dup, reordered, restarts, strays;
  uint64_t lost_closed;     /* lost in runs already closed */
  uint64_t expected_closed; /* expected in runs already closed */
  uint64_t bits[MCW_SEQ_WINDOW / 64];
};

/* Sets up a tracker; confirm_mask is 0xffff for RTP, all ones otherwise. */
void mcw_seq_init(struct mcw_seq *s, uint64_t max_dropout,
                  uint32_t max_misorder, uint64_t confirm_mask);
/* Counts one datagram numbered seq. */
enum mcw_seq_result mcw_seq_push(struct mcw_seq *s, uint64_t seq);
/* Counts a malformed datagram of the stream: it may excuse one lost number. */
void mcw_seq_malformed(struct mcw_seq *s);
/* Closes the current run at once (a new sender id or SSRC): restarts + 1. */
void mcw_seq_restart(struct mcw_seq *s);
/* Datagrams lost over all runs (excused numbers are not lost). */
uint64_t mcw_seq_lost(const struct mcw_seq *s);
/* Datagrams expected over all runs (received unique + lost). */
uint64_t mcw_seq_expected(const struct mcw_seq *s);
/* The highest number of the current run (0 before the first). */
uint64_t mcw_seq_highest(const struct mcw_seq *s);
/* Extends a 16-bit number to the 64-bit one nearest the highest seen. */
uint64_t mcw_seq_extend16(const struct mcw_seq *s, uint16_t seq);

#endif
