/*
 * The beacon: who hears whom. Every `mcwatch beacon` sends mcwatch probes
 * whose text is a beacon message (this header's format, docs/BEACON.md),
 * and every report interval one of them also carries a report: what this
 * beacon heard from each other beacon. Each beacon merges what it measures
 * itself with the reports it hears into a matrix, a row per sending beacon
 * and a column per receiving beacon.
 *
 * The beacon message (network byte order), version 1:
 *
 *   offset  size  field
 *        0     4  magic "MCWB"
 *        4     1  version (1)
 *        5     1  flags (none defined; receivers ignore them)
 *        6     1  TTL or hop limit the probe was sent with
 *        7     1  name length N (1 to 32)
 *        8     8  beacon id (FNV-1a 64 of the name)
 *       16     4  report interval in milliseconds
 *       20     2  entry count E (0 to MCW_BEACON_MAX)
 *       22     N  name (UTF-8 by convention, never trusted)
 *   then E entries, each 38 bytes plus its name:
 *        0     8  id of the beacon heard
 *        8     4  probes received
 *       12     4  probes lost
 *       16     4  duplicates
 *       20     4  reordered
 *       24     4  mean one-way delay, microseconds, signed (INT32_MIN unknown)
 *       28     4  max one-way delay, microseconds, signed (INT32_MIN unknown)
 *       32     4  jitter, microseconds (UINT32_MAX unknown)
 *       36     1  hops (255 unknown)
 *       37     1  name length (1 to 32), then the name
 *
 * The matrix (struct mcw_bmatrix) is a fixed table of MCW_BEACON_MAX
 * peers and MCW_BEACON_MAX x MCW_BEACON_MAX cells indexed [from][to],
 * allocated once. A report from beacon R writes only cells [x][R]: R's own
 * column. Peers known only from reports give way to beacons heard directly
 * when the table is full, so a report cannot crowd out a real beacon.
 */
#ifndef MCWATCH_BEACON_H
#define MCWATCH_BEACON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/addr.h"

#define MCW_BEACON_MAGIC "MCWB"
#define MCW_BEACON_VERSION 1
#define MCW_BEACON_MAX 64      /* beacons tracked; entries in one report */
#define MCW_BEACON_NAME_MAX 32 /* bytes */
#define MCW_BEACON_HDR 22
#define MCW_BEACON_ENTRY 38
#define MCW_BEACON_MSG_MAX                                                     \
  (MCW_BEACON_HDR + MCW_BEACON_NAME_MAX +                                      \
   MCW_BEACON_MAX * (MCW_BEACON_ENTRY + MCW_BEACON_NAME_MAX))
#define MCW_BEACON_HIST 60   /* report intervals of loss history per cell */
#define MCW_BEACON_GONE 3    /* intervals unheard before a beacon is gone */
#define MCW_BEACON_REMOVE 12 /* intervals unheard before it is removed */

/* What one beacon reports about one sender. */
struct mcw_beacon_entry {
  uint64_t from_id;
  uint8_t name_len;
  char name[MCW_BEACON_NAME_MAX + 1]; /* raw bytes, NUL-terminated */
  uint32_t received, lost, dup, reordered;
  bool has_delay;
  int32_t delay_mean_us, delay_max_us;
  bool has_jitter;
  uint32_t jitter_us;
  bool has_hops;
  uint8_t hops;
};

/* A decoded (or to be encoded) beacon message. */
struct mcw_beacon_msg {
  uint8_t version, flags, ttl;
  uint64_t id;
  uint8_t name_len;
  char name[MCW_BEACON_NAME_MAX + 1]; /* raw bytes, NUL-terminated */
  uint32_t interval_ms;
  uint16_t nentries;
  struct mcw_beacon_entry entries[MCW_BEACON_MAX];
};

/* The beacon id of a name: FNV-1a 64, so a name keeps its id anywhere. */
uint64_t mcw_beacon_id(const char *name, size_t len);
/*
 * Writes m into buf (capacity cap). Returns the length, -EINVAL for a name
 * of 0 or more than MCW_BEACON_NAME_MAX bytes or too many entries, or
 * -EMSGSIZE when cap is too small.
 */
int mcw_beacon_encode(const struct mcw_beacon_msg *m, uint8_t *buf, size_t cap);
/*
 * Decodes a beacon message from len bytes (a probe's text). Returns 0;
 * -EINVAL when the magic is not there; -EPROTO for another version, a bad
 * name length, too many entries, or entries that do not fit. Bytes after
 * the last entry are ignored (room for later versions' fields).
 */
int mcw_beacon_decode(const uint8_t *data, size_t len,
                      struct mcw_beacon_msg *out);

/* One cell's figures: what beacon `from`'s probes did on the way to `to`. */
struct mcw_bcell_figs {
  uint64_t received, lost, dup, reordered;
  bool has_delay;
  double delay_ms, delay_max_ms;
  bool has_jitter;
  double jitter_ms;
  bool has_hops;
  uint8_t hops;
};

struct mcw_bcell {
  bool valid; /* has figures */
  bool own;   /* measured here, not reported */
  struct mcw_bcell_figs f;
  int64_t updated_ns; /* monotonic */
  /* Loss per report interval, oldest first from hist[(head + i) % HIST]:
     percent 0 to 100, or 255 when nothing was received or lost. */
  uint8_t hist[MCW_BEACON_HIST];
  uint8_t hist_head, hist_count;
  uint64_t base_received, base_lost; /* at the last tick */
};

struct mcw_beacon_peer {
  bool used;
  bool self;    /* this beacon */
  bool heard;   /* heard directly (not only named in reports) */
  bool gone;    /* unheard for MCW_BEACON_GONE intervals */
  bool reports; /* a report of its own was heard */
  uint64_t id;
  char name[MCW_BEACON_NAME_MAX + 1];
  uint8_t ttl;          /* TTL its probes are sent with */
  struct mcw_addr addr; /* where its probes come from now (heard only) */
  int64_t first_ns, last_ns, report_ns; /* monotonic */
  uint32_t restarts;                    /* times it came from a new address */
};

struct mcw_bmatrix {
  int64_t interval_ns;
  struct mcw_beacon_peer peers[MCW_BEACON_MAX];
  struct mcw_bcell *cells; /* [from * MCW_BEACON_MAX + to] */
  int self;
  uint64_t overflow; /* messages about beacons that found no room */
};

/* Creates a matrix for the beacon named name, reporting every interval_ns. */
struct mcw_bmatrix *mcw_bmatrix_new(const char *name, int64_t interval_ns,
                                    int64_t now_ns);
/* Frees it. */
void mcw_bmatrix_free(struct mcw_bmatrix *m);
/*
 * Notes a beacon message heard directly from src at now_ns; returns the
 * sender's peer index, or -ENOSPC when the table is full of beacons heard
 * directly, or -EEXIST for this beacon's own message. When the message
 * carries entries, they are taken as the sender's report (its column).
 */
int mcw_bmatrix_heard(struct mcw_bmatrix *m, const struct mcw_beacon_msg *msg,
                      const struct mcw_addr *src, int64_t now_ns);
/*
 * Sets this beacon's own measurement of peer from's probes; figures that
 * did not move since the last call leave the cell's age running.
 */
void mcw_bmatrix_measure(struct mcw_bmatrix *m, int from,
                         const struct mcw_bcell_figs *f, int64_t now_ns);
/*
 * Ends a report interval: peers unheard for MCW_BEACON_GONE intervals are
 * gone, for MCW_BEACON_REMOVE removed with their row and column; each
 * valid cell's loss over the interval is pushed to its history.
 */
void mcw_bmatrix_tick(struct mcw_bmatrix *m, int64_t now_ns);
/* Peer i, or NULL when the slot is empty. */
const struct mcw_beacon_peer *mcw_bmatrix_peer(const struct mcw_bmatrix *m,
                                               int i);
/* The cell [from][to]. */
const struct mcw_bcell *mcw_bmatrix_cell(const struct mcw_bmatrix *m, int from,
                                         int to);
/* Finds the peer with this id; -1 when absent. */
int mcw_bmatrix_find(const struct mcw_bmatrix *m, uint64_t id);
/*
 * Fills msg with this beacon's header (ttl, interval) and, when report is
 * true, its own column as entries.
 */
void mcw_bmatrix_message(const struct mcw_bmatrix *m, uint8_t ttl, bool report,
                         struct mcw_beacon_msg *msg);
/* Loss in percent of a cell's figures; negative when nothing is known. */
double mcw_bcell_loss_pct(const struct mcw_bcell_figs *f);
/*
 * Fills order with the used peers' indexes sorted by name (then id);
 * returns how many.
 */
int mcw_bmatrix_order(const struct mcw_bmatrix *m, int order[MCW_BEACON_MAX]);

#endif
