/*
 * The TR 101 290 checks on each TS packet, and the periods judged every
 * MCW_TR_CHECK_NS of arrival time (PAT, PMT, PID, PCR and PTS silences).
 * A silence longer than its limit is one error, counted when the limit
 * passes (or when the late packet arrives, whichever comes first), never
 * again until the PID is heard from. Definitions in docs/TS.md.
 */
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/tr101290.h"
#include "psi.h"

#define PCR_WRAP ((UINT64_C(1) << 33) * 300)

static const char *const names[MCW_TR_CHECKS] = {
    [MCW_TR_TS_SYNC_LOSS] = "ts_sync_loss",
    [MCW_TR_SYNC_BYTE] = "sync_byte_error",
    [MCW_TR_PAT] = "pat_error",
    [MCW_TR_CC] = "continuity_count_error",
    [MCW_TR_PMT] = "pmt_error",
    [MCW_TR_PID] = "pid_error",
    [MCW_TR_TRANSPORT] = "transport_error",
    [MCW_TR_CRC] = "crc_error",
    [MCW_TR_PCR_REPETITION] = "pcr_repetition_error",
    [MCW_TR_PCR_DISCONTINUITY] = "pcr_discontinuity_indicator_error",
    [MCW_TR_PTS] = "pts_error",
    [MCW_TR_CAT] = "cat_error",
};

const char *mcw_tr_name(enum mcw_tr_check c) {
  return c < MCW_TR_CHECKS ? names[c] : "?";
}

struct mcw_tr *mcw_tr_new(void) {
  struct mcw_tr *tr = mcw_xcalloc(1, sizeof(*tr));
  return tr;
}

const struct mcw_tr_pid *mcw_tr_pid_info(const struct mcw_tr *tr,
                                         unsigned pid) {
  if (tr == NULL || pid >= 8192 || tr->slot[pid] == 0)
    return NULL;
  return &tr->pid[tr->slot[pid] - 1];
}

/* Counts error c on the stream and on PID slot s. */
static void error(struct mcw_tr *tr, struct mcw_tr_pid *s,
                  enum mcw_tr_check c) {
  tr->count[c]++;
  if (s != NULL)
    s->err[c]++;
}

/* Judges every silence against its limit at now_ns. */
static void periods(struct mcw_tr *tr, int64_t now_ns) {
  if (tr->pat_seen && !tr->pat_late && now_ns - tr->pat_ns > MCW_TR_PAT_NS) {
    tr->pat_late = true;
    error(tr, NULL, MCW_TR_PAT);
  }
  for (uint8_t i = 0; i < tr->npids; i++) {
    struct mcw_tr_pid *s = &tr->pid[i];
    if (s->referenced && !s->late) {
      if (s->role == MCW_TR_ROLE_PMT && now_ns - s->last_ns > MCW_TR_PMT_NS) {
        s->late = true;
        error(tr, s, MCW_TR_PMT);
      } else if (s->role == MCW_TR_ROLE_ES &&
                 now_ns - s->last_ns > MCW_TR_PID_NS) {
        s->late = true;
        error(tr, s, MCW_TR_PID);
      }
    }
    if (s->has_pcr && !s->pcr_late && now_ns - s->pcr_ns > MCW_TR_PCR_NS) {
      /* No PCR at all for a second of arrivals: the PID stopped them. */
      s->pcr_late = true;
      error(tr, s, MCW_TR_PCR_REPETITION);
    }
    if (s->has_pts && !s->pts_late && now_ns - s->pts_ns > MCW_TR_PTS_NS) {
      s->pts_late = true;
      error(tr, s, MCW_TR_PTS);
    }
  }
}

/* A PCR of slot s: repetition, discontinuity and the media rate. */
static void pcr(struct mcw_tr *tr, struct mcw_tr_pid *s, const uint8_t *p,
                int64_t now_ns, uint64_t packets) {
  uint64_t base = (uint64_t)p[6] << 25 | (uint64_t)p[7] << 17 |
                  (uint64_t)p[8] << 9 | (uint64_t)p[9] << 1 | p[10] >> 7;
  uint64_t v = base * 300 + (((uint64_t)p[10] & 1) << 8 | p[11]);
  bool disc = (p[5] & 0x80) != 0;

  if (s->has_pcr && !disc) {
    uint64_t d = (v + PCR_WRAP - s->pcr) % PCR_WRAP;
    if (d > MCW_TR_PCR_JUMP)
      error(tr, s, MCW_TR_PCR_DISCONTINUITY);
    else if (d > MCW_TR_PCR_GAP && !s->pcr_late)
      error(tr, s, MCW_TR_PCR_REPETITION);
    else if (d > 0 && s->pid == tr->rate_pid) {
      double bps =
          (double)(packets - s->pcr_packets) * 188 * 8 * 27e6 / (double)d;
      tr->media_bps =
          tr->media_bps == 0 ? bps : tr->media_bps + (bps - tr->media_bps) / 16;
    }
  }
  if (tr->rate_pid == 0)
    tr->rate_pid = s->pid; /* the media rate follows the first PCR PID */
  s->has_pcr = true;
  s->pcr_late = false;
  s->pcr = v;
  s->pcr_ns = now_ns;
  s->pcr_packets = packets;
}

/* A PES start of slot s whose header at p[off] may carry a PTS. */
static void pes(struct mcw_tr *tr, struct mcw_tr_pid *s, const uint8_t *p,
                size_t off, int64_t now_ns) {
  if (off + 9 > 188 || p[off] != 0 || p[off + 1] != 0 || p[off + 2] != 1 ||
      !(p[off + 7] & 0x80))
    return;
  if (s->has_pts && !s->pts_late && now_ns - s->pts_ns > MCW_TR_PTS_NS)
    error(tr, s, MCW_TR_PTS);
  s->has_pts = true;
  s->pts_late = false;
  s->pts_ns = now_ns;
}

void mcw_tr_packet(struct mcw_tr *tr, const uint8_t *p, int64_t now_ns,
                   bool cc_error, uint64_t packets) {
  unsigned pid = ((unsigned)(p[1] & 0x1f) << 8) | p[2];
  unsigned afc = (p[3] >> 4) & 3, scrambled = p[3] >> 6;
  size_t off = 4;
  struct mcw_tr_pid *s;

  if (now_ns >= tr->next_check_ns) {
    periods(tr, now_ns);
    tr->next_check_ns = now_ns + MCW_TR_CHECK_NS;
  }
  if (pid == MCW_TS_NULL_PID_TR) {
    if (p[1] & 0x80)
      tr->count[MCW_TR_TRANSPORT]++;
    return;
  }
  s = tr->slot[pid] ? &tr->pid[tr->slot[pid] - 1] : mcw_tr_slot(tr, pid);
  if (s == NULL) {
    if (p[1] & 0x80)
      tr->count[MCW_TR_TRANSPORT]++;
    if (cc_error)
      tr->count[MCW_TR_CC]++;
    return;
  }
  if (cc_error)
    error(tr, s, MCW_TR_CC);
  if (p[1] & 0x80)
    error(tr, s, MCW_TR_TRANSPORT);
  if (s->role != MCW_TR_ROLE_PMT) {
    s->last_ns = now_ns;
    s->late = false;
  }
  if (scrambled) {
    if (pid == 0)
      error(tr, s, MCW_TR_PAT);
    else if (s->role == MCW_TR_ROLE_PMT)
      error(tr, s, MCW_TR_PMT);
    else if (!tr->cat_seen && now_ns - tr->cat_err_ns >= MCW_TR_CAT_NS) {
      tr->cat_err_ns = now_ns;
      error(tr, NULL, MCW_TR_CAT);
    }
    return; /* its payload cannot be read */
  }
  if (afc & 2) {
    off = 5 + (size_t)p[4];
    if (p[4] >= 7 && (p[5] & 0x10))
      pcr(tr, s, p, now_ns, packets);
  }
  if (!(afc & 1) || off >= 188)
    return;
  if (s->role == MCW_TR_ROLE_ES) {
    if (p[1] & 0x40)
      pes(tr, s, p, off, now_ns);
    return;
  }
  if (s->role == MCW_TR_OTHER)
    return;
  if ((p[1] & 0x40) && off + 1 < 188) {
    unsigned table = p[off + 1 + p[off] < 188 ? off + 1 + p[off] : 187];
    if (pid == 0) {
      if (table == 0x00) {
        if (tr->pat_seen && !tr->pat_late &&
            now_ns - tr->pat_ns > MCW_TR_PAT_NS)
          error(tr, s, MCW_TR_PAT);
        tr->pat_seen = true;
        tr->pat_late = false;
        tr->pat_ns = now_ns;
      } else if (table != 0xff) {
        error(tr, s, MCW_TR_PAT);
      }
    } else if (pid == 1 && table != 0x01 && table != 0xff) {
      error(tr, s, MCW_TR_CAT);
    } else if (s->role == MCW_TR_ROLE_PMT && table == 0x02 &&
               s->late == false && s->last_ns != 0 &&
               now_ns - s->last_ns > MCW_TR_PMT_NS) {
      s->late = true; /* counted here; section_done clears it */
      error(tr, s, MCW_TR_PMT);
    }
  }
  mcw_tr_psi(tr, s, p, off, cc_error, now_ns);
}
