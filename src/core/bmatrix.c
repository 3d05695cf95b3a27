/*
 * The beacon matrix: a fixed table of peers (beacons) and a square of
 * cells [from][to] holding what `to` heard from `from`. This beacon's own
 * column comes from its measurements (mcw_bmatrix_measure); every other
 * column comes from that beacon's reports, and a report from beacon R
 * writes nothing but column R. Peers are kept by id (FNV-1a of the name),
 * so a beacon restarted on another address keeps its row. Each cell keeps
 * a ring of its loss per report interval for a sparkline. Nothing here
 * allocates after mcw_bmatrix_new.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/beacon.h"
#include "mcwatch/common.h"

#define CELL(m, f, t) (&(m)->cells[(size_t)(f)*MCW_BEACON_MAX + (size_t)(t)])

struct mcw_bmatrix *mcw_bmatrix_new(const char *name, int64_t interval_ns,
                                    int64_t now_ns) {
  struct mcw_bmatrix *m = mcw_xcalloc(1, sizeof(*m));
  struct mcw_beacon_peer *p = &m->peers[0];
  size_t len = strlen(name);

  if (len > MCW_BEACON_NAME_MAX)
    len = MCW_BEACON_NAME_MAX;
  m->cells =
      mcw_xcalloc((size_t)MCW_BEACON_MAX * MCW_BEACON_MAX, sizeof(*m->cells));
  m->interval_ns = interval_ns > 0 ? interval_ns : MCW_NS_PER_SEC;
  m->self = 0;
  p->used = p->self = p->heard = true;
  memcpy(p->name, name, len);
  p->name[len] = '\0';
  p->id = mcw_beacon_id(p->name, len);
  p->first_ns = p->last_ns = now_ns;
  return m;
}

void mcw_bmatrix_free(struct mcw_bmatrix *m) {
  if (m == NULL)
    return;
  free(m->cells);
  free(m);
}

int mcw_bmatrix_find(const struct mcw_bmatrix *m, uint64_t id) {
  for (int i = 0; i < MCW_BEACON_MAX; i++)
    if (m->peers[i].used && m->peers[i].id == id)
      return i;
  return -1;
}

/* Empties slot i with its row and column. */
static void clear_peer(struct mcw_bmatrix *m, int i) {
  memset(&m->peers[i], 0, sizeof(m->peers[i]));
  for (int j = 0; j < MCW_BEACON_MAX; j++) {
    memset(CELL(m, i, j), 0, sizeof(struct mcw_bcell));
    memset(CELL(m, j, i), 0, sizeof(struct mcw_bcell));
  }
}

/*
 * A free slot for a new peer. When the table is full, a beacon heard
 * directly takes the slot of the peer known only from reports that was
 * heard of longest ago; a peer named only in reports takes none.
 */
static int alloc_peer(struct mcw_bmatrix *m, bool heard) {
  int victim = -1;

  for (int i = 0; i < MCW_BEACON_MAX; i++)
    if (!m->peers[i].used)
      return i;
  if (!heard)
    return -ENOSPC;
  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    const struct mcw_beacon_peer *p = &m->peers[i];
    if (!p->self && !p->heard &&
        (victim < 0 || p->last_ns < m->peers[victim].last_ns))
      victim = i;
  }
  if (victim < 0)
    return -ENOSPC;
  clear_peer(m, victim);
  return victim;
}

static int new_peer(struct mcw_bmatrix *m, uint64_t id, const char *name,
                    size_t len, bool heard, int64_t now_ns) {
  int i = alloc_peer(m, heard);
  struct mcw_beacon_peer *p;

  if (i < 0) {
    m->overflow++;
    return i;
  }
  p = &m->peers[i];
  p->used = true;
  p->id = id;
  memcpy(p->name, name, len);
  p->name[len] = '\0';
  p->first_ns = p->last_ns = now_ns;
  return i;
}

/* Takes beacon r's report: its column, and nothing else. */
static void take_report(struct mcw_bmatrix *m, int r,
                        const struct mcw_beacon_msg *msg, int64_t now_ns) {
  m->peers[r].reports = true;
  m->peers[r].report_ns = now_ns;
  for (unsigned k = 0; k < msg->nentries; k++) {
    const struct mcw_beacon_entry *e = &msg->entries[k];
    struct mcw_bcell *c;
    int f;

    if (e->from_id == msg->id)
      continue; /* about itself: not a pair */
    f = mcw_bmatrix_find(m, e->from_id);
    if (f < 0)
      f = new_peer(m, e->from_id, e->name, e->name_len, false, now_ns);
    if (f < 0)
      continue;
    c = CELL(m, f, r);
    if (e->received > c->f.received) {
      /* Someone heard more of it: it is not gone. (A cell emptied for
         age keeps its figures, so an old report cannot revive it.) */
      m->peers[f].last_ns = now_ns;
      m->peers[f].gone = false;
    }
    if (!c->valid || c->own || c->f.received != e->received ||
        c->f.lost != e->lost || c->f.dup != e->dup)
      c->updated_ns = now_ns; /* figures that did not move age */
    c->valid = true;
    c->own = false;
    c->f.received = e->received;
    c->f.lost = e->lost;
    c->f.dup = e->dup;
    c->f.reordered = e->reordered;
    c->f.has_delay = e->has_delay;
    c->f.delay_ms = e->delay_mean_us / 1000.0;
    c->f.delay_max_ms = e->delay_max_us / 1000.0;
    c->f.has_jitter = e->has_jitter;
    c->f.jitter_ms = e->jitter_us / 1000.0;
    c->f.has_hops = e->has_hops;
    c->f.hops = e->hops;
  }
}

int mcw_bmatrix_heard(struct mcw_bmatrix *m, const struct mcw_beacon_msg *msg,
                      const struct mcw_addr *src, int64_t now_ns) {
  struct mcw_beacon_peer *p;
  int i;

  if (msg->id == m->peers[m->self].id)
    return -EEXIST;
  i = mcw_bmatrix_find(m, msg->id);
  if (i < 0)
    i = new_peer(m, msg->id, msg->name, msg->name_len, true, now_ns);
  if (i < 0)
    return i;
  p = &m->peers[i];
  memcpy(p->name, msg->name, msg->name_len);
  p->name[msg->name_len] = '\0';
  if (p->heard && !mcw_addr_equal(&p->addr, src))
    p->restarts++;
  p->heard = true;
  p->addr = *src;
  p->ttl = msg->ttl;
  p->last_ns = now_ns;
  p->gone = false;
  if (msg->nentries > 0)
    take_report(m, i, msg, now_ns);
  return i;
}

void mcw_bmatrix_measure(struct mcw_bmatrix *m, int from,
                         const struct mcw_bcell_figs *f, int64_t now_ns) {
  struct mcw_bcell *c;

  if (from < 0 || from >= MCW_BEACON_MAX || !m->peers[from].used ||
      from == m->self)
    return;
  c = CELL(m, from, m->self);
  if (c->own && c->f.received == f->received && c->f.lost == f->lost &&
      c->f.dup == f->dup)
    return; /* nothing new arrived: the cell ages (or stays empty) */
  c->valid = true;
  c->own = true;
  c->f = *f;
  c->updated_ns = now_ns;
}

/* Pushes the cell's loss since the last tick to its history. */
static void push_history(struct mcw_bcell *c) {
  uint64_t dr, dl;
  uint8_t v = 255;

  if (c->f.received < c->base_received) { /* a restart: counted afresh */
    dr = c->f.received;
    dl = c->f.lost;
  } else {
    dr = c->f.received - c->base_received;
    dl = c->f.lost >= c->base_lost ? c->f.lost - c->base_lost : 0;
  }
  if (dr + dl > 0)
    v = (uint8_t)((dl * 100 + (dr + dl) / 2) / (dr + dl));
  c->base_received = c->f.received;
  c->base_lost = c->f.lost;
  c->hist[(c->hist_head + c->hist_count) % MCW_BEACON_HIST] = v;
  if (c->hist_count < MCW_BEACON_HIST)
    c->hist_count++;
  else
    c->hist_head = (uint8_t)((c->hist_head + 1) % MCW_BEACON_HIST);
}

void mcw_bmatrix_tick(struct mcw_bmatrix *m, int64_t now_ns) {
  int64_t gone = MCW_BEACON_GONE * m->interval_ns;
  int64_t removed = MCW_BEACON_REMOVE * m->interval_ns;

  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    struct mcw_beacon_peer *p = &m->peers[i];
    if (!p->used || p->self)
      continue;
    if (now_ns - p->last_ns > removed)
      clear_peer(m, i);
    else if (now_ns - p->last_ns > gone)
      p->gone = true;
  }
  for (size_t k = 0; k < (size_t)MCW_BEACON_MAX * MCW_BEACON_MAX; k++) {
    struct mcw_bcell *c = &m->cells[k];
    if (!c->valid)
      continue;
    if (now_ns - c->updated_ns > gone) {
      c->valid = false; /* nobody vouches for it any more */
      continue;
    }
    push_history(c);
  }
}

const struct mcw_beacon_peer *mcw_bmatrix_peer(const struct mcw_bmatrix *m,
                                               int i) {
  if (i < 0 || i >= MCW_BEACON_MAX || !m->peers[i].used)
    return NULL;
  return &m->peers[i];
}

const struct mcw_bcell *mcw_bmatrix_cell(const struct mcw_bmatrix *m, int from,
                                         int to) {
  return CELL(m, from, to);
}

static uint32_t sat32(uint64_t v) {
  return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int32_t us32(double ms) {
  double us = ms * 1000.0;
  if (!(us > -2147483647.0)) /* also NaN */
    return -2147483647;
  return us >= 2147483647.0 ? INT32_MAX : (int32_t)lround(us);
}

void mcw_bmatrix_message(const struct mcw_bmatrix *m, uint8_t ttl, bool report,
                         struct mcw_beacon_msg *msg) {
  const struct mcw_beacon_peer *self = &m->peers[m->self];

  msg->version = MCW_BEACON_VERSION;
  msg->flags = 0;
  msg->ttl = ttl;
  msg->id = self->id;
  msg->name_len = (uint8_t)strlen(self->name);
  memcpy(msg->name, self->name, (size_t)msg->name_len + 1);
  msg->interval_ms = sat32((uint64_t)(m->interval_ns / MCW_NS_PER_MS));
  msg->nentries = 0;
  for (int i = 0; report && i < MCW_BEACON_MAX; i++) {
    const struct mcw_bcell *c = CELL(m, i, m->self);
    struct mcw_beacon_entry *e = &msg->entries[msg->nentries];
    double j;
    if (!m->peers[i].used || i == m->self || !c->valid || !c->own)
      continue;
    e->from_id = m->peers[i].id;
    e->name_len = (uint8_t)strlen(m->peers[i].name);
    memcpy(e->name, m->peers[i].name, (size_t)e->name_len + 1);
    e->received = sat32(c->f.received);
    e->lost = sat32(c->f.lost);
    e->dup = sat32(c->f.dup);
    e->reordered = sat32(c->f.reordered);
    e->has_delay = c->f.has_delay;
    e->delay_mean_us = e->has_delay ? us32(c->f.delay_ms) : 0;
    e->delay_max_us = e->has_delay ? us32(c->f.delay_max_ms) : 0;
    e->has_jitter = c->f.has_jitter;
    j = c->f.jitter_ms * 1000.0;
    e->jitter_us = !e->has_jitter || !(j > 0)    ? 0
                   : j >= (double)UINT32_MAX - 1 ? UINT32_MAX - 1
                                                 : (uint32_t)lround(j);
    e->has_hops = c->f.has_hops && c->f.hops != 255;
    e->hops = e->has_hops ? c->f.hops : 0;
    msg->nentries++;
  }
}

double mcw_bcell_loss_pct(const struct mcw_bcell_figs *f) {
  uint64_t all = f->received + f->lost;

  if (all == 0)
    return -1.0;
  return 100.0 * (double)f->lost / (double)all;
}

int mcw_bmatrix_order(const struct mcw_bmatrix *m, int order[MCW_BEACON_MAX]) {
  int n = 0;

  for (int i = 0; i < MCW_BEACON_MAX; i++) {
    int k;
    if (!m->peers[i].used)
      continue;
    for (k = n; k > 0; k--) {
      const struct mcw_beacon_peer *a = &m->peers[order[k - 1]];
      int c = strcmp(a->name, m->peers[i].name);
      if (c < 0 || (c == 0 && a->id < m->peers[i].id))
        break;
      order[k] = order[k - 1];
    }
    order[k] = i;
    n++;
  }
  return n;
}
