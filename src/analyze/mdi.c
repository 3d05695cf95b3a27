/*
 * RFC 4445 Media Delivery Index (definitions in mcwatch/mdi.h). An
 * interval closes at the first arrival a second or more after it began;
 * that arrival opens the next one with an empty virtual buffer.
 */
#include "mcwatch/mdi.h"

void mcw_mdi_datagram(struct mcw_mdi *m, size_t n, int64_t now_ns,
                      double mr_bps, uint64_t lost) {
  if (m->open && now_ns - m->start_ns >= MCW_MDI_INTERVAL_NS) {
    double secs = (double)(now_ns - m->start_ns) / 1e9;
    m->has_df = m->has_vb && mr_bps > 0;
    if (m->has_df)
      m->df_ms = (m->vb_max - m->vb_min) * 8 / mr_bps * 1000;
    m->has_mlr = true;
    m->mlr = (double)(lost - m->lost_start) / secs;
    m->open = false;
  }
  if (!m->open || now_ns < m->start_ns) {
    m->open = true;
    m->has_vb = false;
    m->start_ns = now_ns;
    m->bytes = 0;
    m->lost_start = lost;
  }
  if (mr_bps > 0) {
    double pre = m->bytes - mr_bps / 8 * (double)(now_ns - m->start_ns) / 1e9;
    double post = pre + (double)n;
    if (!m->has_vb || pre < m->vb_min)
      m->vb_min = pre;
    if (!m->has_vb || post > m->vb_max)
      m->vb_max = post;
    m->has_vb = true;
  }
  m->bytes += (double)n;
}
