/*
 * The beacon matrix as output: one JSON line per report interval
 * ({"event":"matrix",...}, docs/BEACON.md) and the mcwatch_beacon_*
 * Prometheus series (docs/METRICS.md). No I/O; names are escaped here.
 */
#ifndef MCWATCH_BEACON_OUT_H
#define MCWATCH_BEACON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/beacon.h"
#include "mcwatch/json.h"
#include "mcwatch/metrics.h"

/* One beacon channel's matrix, as the renderers read it. */
struct mcw_beacon_view {
  const struct mcw_bmatrix *m;
  const char *group; /* "GROUP:PORT", for the group field and label */
  bool ssm;          /* the source-specific channel */
};

/*
 * True when the pair (from, to) is shown: both known, not the same, and
 * `to` is this beacon, has reported, or the cell has figures.
 */
bool mcw_beacon_pair_shown(const struct mcw_bmatrix *m, int from, int to);
/* Writes the matrix event of v at wall_ns (ages against mono_ns) into j. */
void mcw_beacon_json(struct mcw_json *j, const struct mcw_beacon_view *v,
                     int64_t wall_ns, int64_t mono_ns);
/* Appends the mcwatch_beacon_* families for n channels to out. */
void mcw_beacon_metrics(struct mcw_metrics_buf *out,
                        const struct mcw_beacon_view *v, size_t n,
                        int64_t mono_ns);

#endif
