/*
 * One-way latency figures of a probe stream: minimum, mean, maximum and
 * the 99th percentile from a fixed log-scale histogram of microseconds
 * (16 exact buckets below 16 us, then 8 buckets per power of two up to
 * 2^37 us, about 38 hours), so a percentile is within 12.5% of the truth
 * and no datagram allocates. The histogram (1.2 KB) is allocated once, on
 * the first sample. Latency is arrival minus send time on two clocks: it
 * means something only where the clocks agree (on one host, or with PTP);
 * samples below zero are counted apart and enter the histogram as 0.
 */
#ifndef MCWATCH_LATENCY_H
#define MCWATCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define MCW_LAT_BUCKETS (16 + 34 * 8)

struct mcw_latency {
  uint64_t n;        /* samples */
  uint64_t negative; /* samples below zero (clocks disagree) */
  int64_t min_ns, max_ns;
  double sum_ns;
  uint32_t *hist; /* MCW_LAT_BUCKETS counters, NULL before the first */
};

/* Adds one latency sample in nanoseconds. */
void mcw_latency_add(struct mcw_latency *l, int64_t ns);
/* The p-th percentile (0 < p <= 100) in nanoseconds; 0 with no samples. */
int64_t mcw_latency_percentile(const struct mcw_latency *l, double p);
/* The mean in nanoseconds; 0 with no samples. */
double mcw_latency_mean(const struct mcw_latency *l);
/*
 * Adds to out[k] the samples known to be at or below bounds_ns[k] (bounds
 * ascending): those of whole buckets that end at or below the bound, so a
 * count may leave out samples up to 12.5% under its bound.
 */
void mcw_latency_cumulative(const struct mcw_latency *l,
                            const int64_t *bounds_ns, size_t n, uint64_t *out);
/* Frees the histogram and forgets every sample. */
void mcw_latency_free(struct mcw_latency *l);

#endif
