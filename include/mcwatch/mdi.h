/*
 * The Media Delivery Index of RFC 4445 for one stream, over 1-second
 * intervals of arrival time. Delay Factor: a virtual buffer fills with the
 * media bytes of each datagram as it arrives and drains at the media rate
 * MR; at each arrival VB(pre) = bytes received so far in the interval -
 * MR x time since the interval began, and VB(post) = VB(pre) + the
 * datagram's bytes; DF = (max VB(post) - min VB(pre)) / MR, in ms. Media
 * Loss Rate: media packets lost in the interval, per second. The figures
 * are those of the last complete interval.
 */
#ifndef MCWATCH_MDI_H
#define MCWATCH_MDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCW_MDI_INTERVAL_NS 1000000000LL

struct mcw_mdi {
  bool open;        /* an interval has begun */
  bool has_vb;      /* the interval has virtual buffer samples */
  int64_t start_ns; /* when the interval began */
  double bytes;     /* media bytes received in it */
  double vb_min, vb_max;
  uint64_t lost_start; /* lost media packets when it began */
  /* The last complete interval. */
  bool has_df, has_mlr;
  double df_ms, mlr;
};

/*
 * Accounts a datagram of n media bytes arriving at now_ns, the media rate
 * being mr_bps bits per second (0 when unknown) and lost the stream's
 * count of lost media packets so far.
 */
void mcw_mdi_datagram(struct mcw_mdi *m, size_t n, int64_t now_ns,
                      double mr_bps, uint64_t lost);

#endif
