/*
 * The sequence tracker. A run is [lo, hi] with `unique` distinct numbers
 * seen; bits[] holds one bit per number of the window (hi - WINDOW, hi],
 * at position number % WINDOW, set when that number arrived. Advancing hi
 * clears the positions it passes over, so a bit never speaks for a number
 * outside the window. All differences are taken in unsigned 64-bit
 * arithmetic, so no input, however absurd, can overflow.
 *
 * Malformed datagrams: `excused` counts missing numbers of the run that a
 * malformed datagram stands for; excused + gap_open never exceeds the
 * numbers missing (hi - lo + 1 - unique). `gap_lo` and `gap_open` describe the
 * gap the last advance of hi skipped ([gap_lo, hi - 1]) and how much of it is
 * still unexcused; `pending` counts malformed datagrams since the last
 * good one that found no such gap, for the next advance to use.
 */
#include "mcwatch/seqtrack.h"

#include <string.h>

#define W MCW_SEQ_WINDOW

static bool bit_get(const struct mcw_seq *s, uint64_t n) {
  return (s->bits[(n % W) / 64] >> (n % 64)) & 1;
}

static void bit_set(struct mcw_seq *s, uint64_t n) {
  s->bits[(n % W) / 64] |= UINT64_C(1) << (n % 64);
}

static void bit_clear(struct mcw_seq *s, uint64_t n) {
  s->bits[(n % W) / 64] &= ~(UINT64_C(1) << (n % 64));
}

void mcw_seq_init(struct mcw_seq *s, uint64_t max_dropout,
                  uint32_t max_misorder, uint64_t confirm_mask) {
  memset(s, 0, sizeof(*s));
  s->max_dropout = max_dropout ? max_dropout : 1;
  s->max_misorder = max_misorder > W ? W : max_misorder;
  s->confirm_mask = confirm_mask ? confirm_mask : UINT64_MAX;
}

/* Starts a run at n. */
static void run_begin(struct mcw_seq *s, uint64_t n) {
  memset(s->bits, 0, sizeof(s->bits));
  s->started = true;
  s->has_stray = false;
  s->lo = s->hi = n;
  s->unique = 1;
  s->excused = 0;
  s->gap_open = 0;
  s->pending = 0;
  bit_set(s, n);
}

/* Numbers of the run neither received nor excused. */
static uint64_t run_lost(const struct mcw_seq *s) {
  return s->hi - s->lo + 1 - s->unique - s->excused;
}

/* Adds the run's figures to the closed totals. */
static void run_close(struct mcw_seq *s) {
  if (!s->started)
    return;
  s->expected_closed += s->hi - s->lo + 1 - s->excused;
  s->lost_closed += run_lost(s);
  s->started = false;
}

void mcw_seq_malformed(struct mcw_seq *s) {
  if (!s->started)
    return; /* before the first good datagram there is no gap to excuse */
  if (s->gap_open > 0) {
    s->gap_open--;
    s->excused++;
  } else if (s->pending < UINT32_MAX) {
    s->pending++;
  }
}

/* hi moved forward past gap numbers: malformed ones waiting excuse them. */
static void gap_opened(struct mcw_seq *s, uint64_t gap) {
  uint64_t e = s->pending < gap ? s->pending : gap;

  s->excused += e;
  s->gap_lo = s->hi + 1;
  s->gap_open = gap - e < UINT32_MAX ? (uint32_t)(gap - e) : UINT32_MAX;
  s->pending = 0;
}

/* A late datagram filled n: it takes back an excuse it makes needless. */
static void gap_filled(struct mcw_seq *s, uint64_t n) {
  uint64_t missing = s->hi - s->lo + 1 - s->unique;

  if (s->gap_open > 0 && n - s->gap_lo < s->hi - s->gap_lo)
    s->gap_open--;
  /* Keep excused + gap_open <= missing: what n filled was excused. */
  if (s->gap_open > missing)
    s->gap_open = (uint32_t)missing;
  if (s->excused > missing - s->gap_open)
    s->excused = missing - s->gap_open;
}

void mcw_seq_restart(struct mcw_seq *s) {
  if (!s->started)
    return;
  run_close(s);
  s->restarts++;
  s->has_stray = false;
}

enum mcw_seq_result mcw_seq_push(struct mcw_seq *s, uint64_t n) {
  uint64_t fwd, back;

  s->received++;
  if (!s->started) {
    run_begin(s, n);
    return MCW_SEQ_FIRST;
  }
  fwd = n - s->hi;
  back = s->hi - n;
  if (fwd != 0 && fwd <= s->max_dropout) {
    if (fwd >= W) {
      memset(s->bits, 0, sizeof(s->bits));
    } else {
      for (uint64_t k = s->hi + 1; k != n; k++)
        bit_clear(s, k);
    }
    gap_opened(s, fwd - 1);
    s->hi = n;
    bit_set(s, n);
    s->unique++;
    s->has_stray = false;
    return MCW_SEQ_NEXT;
  }
  if (fwd == 0) {
    s->dup++;
    return MCW_SEQ_DUP;
  }
  if (back < s->max_misorder) {
    if (bit_get(s, n)) {
      s->dup++;
      return MCW_SEQ_DUP;
    }
    bit_set(s, n);
    s->unique++;
    s->reordered++;
    if (back > s->hi - s->lo) /* older than the run's first: widen it */
      s->lo = n;
    gap_filled(s, n);
    return MCW_SEQ_LATE;
  }
  /* Out of range: a restart if the previous stray led here in order. */
  if (s->has_stray &&
      ((s->stray + 1) & s->confirm_mask) == (n & s->confirm_mask)) {
    s->strays--; /* the stray was the first of the new run */
    run_close(s);
    s->restarts++;
    run_begin(s, n - 1);
    bit_set(s, n);
    s->hi = n;
    s->unique = 2;
    return MCW_SEQ_RESTART;
  }
  s->has_stray = true;
  s->stray = n;
  s->strays++;
  return MCW_SEQ_STRAY;
}

uint64_t mcw_seq_lost(const struct mcw_seq *s) {
  uint64_t lost = s->lost_closed;
  if (s->started)
    lost += run_lost(s);
  return lost;
}

uint64_t mcw_seq_expected(const struct mcw_seq *s) {
  uint64_t e = s->expected_closed;
  if (s->started)
    e += s->hi - s->lo + 1 - s->excused;
  return e;
}

uint64_t mcw_seq_highest(const struct mcw_seq *s) {
  return s->started ? s->hi : 0;
}

uint64_t mcw_seq_extend16(const struct mcw_seq *s, uint16_t seq) {
  int d;

  if (!s->started)
    return seq;
  d = (int)((unsigned)(seq - (uint16_t)s->hi) & 0xffffu);
  if (d >= 32768)
    d -= 65536;
  return s->hi + (uint64_t)(int64_t)d;
}
