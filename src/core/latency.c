/*
 * The latency histogram: bucket i < 16 holds exactly i microseconds; above
 * that, a value v with highest set bit e (4 <= e <= 37) goes to bucket
 * 16 + (e - 4) * 8 + the next three bits of v, so each power of two is cut
 * in eight. Percentiles report the upper edge of their bucket, capped at
 * the largest sample, so they never understate.
 */
#include "mcwatch/latency.h"

#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

static unsigned bucket(uint64_t us) {
  unsigned e;

  if (us < 16)
    return (unsigned)us;
  e = 63u - (unsigned)__builtin_clzll(us);
  if (e > 37)
    return MCW_LAT_BUCKETS - 1;
  return 16 + (e - 4) * 8 + (unsigned)((us >> (e - 3)) & 7);
}

/* The largest microsecond value that falls in bucket i. */
static uint64_t bucket_top(unsigned i) {
  unsigned e, sub;

  if (i < 16)
    return i;
  e = (i - 16) / 8 + 4;
  sub = (i - 16) % 8;
  return ((uint64_t)(8 + sub + 1) << (e - 3)) - 1;
}

void mcw_latency_add(struct mcw_latency *l, int64_t ns) {
  if (l->hist == NULL)
    l->hist = mcw_xcalloc(MCW_LAT_BUCKETS, sizeof(*l->hist));
  if (l->n == 0 || ns < l->min_ns)
    l->min_ns = ns;
  if (l->n == 0 || ns > l->max_ns)
    l->max_ns = ns;
  l->n++;
  l->sum_ns += (double)ns;
  if (ns < 0) {
    l->negative++;
    ns = 0;
  }
  l->hist[bucket((uint64_t)ns / 1000)]++;
}

int64_t mcw_latency_percentile(const struct mcw_latency *l, double p) {
  uint64_t want, seen = 0;

  if (l->n == 0 || l->hist == NULL)
    return 0;
  want = (uint64_t)((double)l->n * p / 100.0 + 0.999999);
  if (want == 0)
    want = 1;
  for (unsigned i = 0; i < MCW_LAT_BUCKETS; i++) {
    seen += l->hist[i];
    if (seen >= want) {
      int64_t top = (int64_t)(bucket_top(i) * 1000 + 999);
      return top < l->max_ns ? top : l->max_ns;
    }
  }
  return l->max_ns;
}

double mcw_latency_mean(const struct mcw_latency *l) {
  return l->n ? l->sum_ns / (double)l->n : 0;
}

void mcw_latency_cumulative(const struct mcw_latency *l,
                            const int64_t *bounds_ns, size_t n, uint64_t *out) {
  uint64_t seen = 0;
  size_t k = 0;

  if (l->hist == NULL)
    return;
  for (unsigned i = 0; i < MCW_LAT_BUCKETS && k < n; i++) {
    /* The bucket's last nanosecond (the last bucket has no end): when it
       passes the bound, the bound's count is what came before. */
    int64_t last = i == MCW_LAT_BUCKETS - 1
                       ? INT64_MAX
                       : (int64_t)(bucket_top(i) * 1000 + 999);
    while (k < n && last > bounds_ns[k])
      out[k++] += seen;
    seen += l->hist[i];
  }
  while (k < n)
    out[k++] += seen;
}

void mcw_latency_free(struct mcw_latency *l) {
  free(l->hist);
  memset(l, 0, sizeof(*l));
}
