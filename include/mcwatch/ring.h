/*
 * A bounded ring of the most recent datagrams of one group. Records and a
 * payload slab (snap bytes per record) are allocated once; pushing
 * overwrites the oldest record, so memory never grows after start-up.
 * head counts every push; record i (0 = newest) lives at (head-1-i) % cap.
 */
#ifndef MCWATCH_RING_H
#define MCWATCH_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "mcwatch/addr.h"
#include "mcwatch/datagram.h"

struct mcw_record {
  uint64_t number; /* 1-based arrival number within the group */
  int64_t ts_ns;   /* wall clock arrival */
  struct mcw_addr src;
  unsigned ifindex;
  uint32_t len;    /* full datagram length */
  uint32_t caplen; /* payload bytes kept (<= snap) */
  bool truncated;  /* truncated by the kernel (longer than our buffer) */
  const uint8_t *payload;
};

struct mcw_ring {
  struct mcw_record *rec;
  uint8_t *slab;
  uint32_t cap;  /* records kept */
  uint32_t snap; /* payload bytes kept per record */
  uint64_t head; /* records ever pushed */
};

/* Allocates a ring of cap records keeping snap payload bytes each; a ring
   of cap 0 keeps nothing and costs nothing (pushes are ignored). */
void mcw_ring_init(struct mcw_ring *r, uint32_t cap, uint32_t snap);
/* Frees the ring. */
void mcw_ring_free(struct mcw_ring *r);
/* Forgets every record. */
void mcw_ring_clear(struct mcw_ring *r);
/* Stores a copy of d (payload capped at snap) as record number `number`. */
void mcw_ring_push(struct mcw_ring *r, const struct mcw_datagram *d,
                   uint64_t number);
/* How many records are held (at most cap). */
uint32_t mcw_ring_count(const struct mcw_ring *r);
/* Record i, 0 being the newest; NULL when i >= count. */
const struct mcw_record *mcw_ring_recent(const struct mcw_ring *r, uint32_t i);

#endif
