/*
 * The datagram ring. rec[] and slab[] are allocated once at init: record
 * slot s owns slab bytes [s * snap, (s + 1) * snap). head counts every push,
 * so the newest record is at (head - 1) % cap and the ring holds
 * min(head, cap) records. Pushing overwrites the oldest in place.
 */
#include "mcwatch/ring.h"

#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

void mcw_ring_init(struct mcw_ring *r, uint32_t cap, uint32_t snap) {
  r->cap = cap;
  r->snap = snap;
  r->head = 0;
  r->rec = cap ? mcw_xcalloc(cap, sizeof(*r->rec)) : NULL;
  r->slab = cap && snap ? mcw_xmalloc((size_t)cap * snap) : NULL;
}

void mcw_ring_free(struct mcw_ring *r) {
  free(r->rec);
  free(r->slab);
  r->rec = NULL;
  r->slab = NULL;
  r->head = 0;
}

void mcw_ring_clear(struct mcw_ring *r) { r->head = 0; }

void mcw_ring_push(struct mcw_ring *r, const struct mcw_datagram *d,
                   uint64_t number) {
  uint32_t s, keep;
  struct mcw_record *rec;

  if (r->cap == 0) /* a ring that keeps nothing (headless) */
    return;
  s = (uint32_t)(r->head % r->cap);
  rec = &r->rec[s];
  keep = d->caplen < r->snap ? d->caplen : r->snap;

  rec->number = number;
  rec->ts_ns = d->ts_ns;
  rec->src = d->src;
  rec->ifindex = d->ifindex;
  rec->len = d->len;
  rec->truncated = d->truncated;
  rec->caplen = keep;
  rec->payload = r->slab ? r->slab + (size_t)s * r->snap : NULL;
  if (keep > 0)
    memcpy(r->slab + (size_t)s * r->snap, d->data, keep);
  r->head++;
}

uint32_t mcw_ring_count(const struct mcw_ring *r) {
  return r->head < r->cap ? (uint32_t)r->head : r->cap;
}

const struct mcw_record *mcw_ring_recent(const struct mcw_ring *r, uint32_t i) {
  if (i >= mcw_ring_count(r))
    return NULL;
  return &r->rec[(r->head - 1 - i) % r->cap];
}
