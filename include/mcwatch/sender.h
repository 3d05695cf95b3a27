/*
 * A bounded table of the senders seen on one group, keyed by source address
 * and port. Senders live in a dense array in first-seen order (for display)
 * and an open-addressing index of twice the capacity (for lookup). When the
 * table is full, datagrams from new senders are counted in `overflow` rather
 * than dropped silently; memory never grows after start-up.
 */
#ifndef MCWATCH_SENDER_H
#define MCWATCH_SENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "mcwatch/addr.h"
#include "mcwatch/rate.h"
#include "mcwatch/stream.h"

struct mcw_sender {
  struct mcw_addr addr;
  uint64_t packets;
  uint64_t bytes;
  int64_t first_ns; /* wall clock */
  int64_t last_ns;  /* wall clock */
  struct mcw_rate rate;
  struct mcw_stream stream; /* what it sends and how healthy that is */
  bool own; /* sends this host's own probes (mcw_group_set_own_probe) */
};

struct mcw_sender_table {
  struct mcw_sender *items; /* dense, first-seen order */
  uint32_t *index;          /* 0 = empty, else items position + 1 */
  uint32_t max;             /* capacity */
  uint32_t count;
  uint32_t index_size;       /* power of two >= 2 * max */
  uint64_t overflow_packets; /* datagrams from senders not tracked */
  uint64_t overflow_bytes;
  struct mcw_stream_budget budget; /* TS tables its senders may allocate */
};

/* Sets up a table for at most max senders. */
void mcw_senders_init(struct mcw_sender_table *t, uint32_t max);
/* Frees the table. */
void mcw_senders_free(struct mcw_sender_table *t);
/* Forgets all senders and overflow counts. */
void mcw_senders_clear(struct mcw_sender_table *t);
/* Finds the sender of addr; NULL when absent. */
struct mcw_sender *mcw_senders_find(struct mcw_sender_table *t,
                                    const struct mcw_addr *addr);
/*
 * Finds or adds the sender of addr (its rate meter starting at mono_ns);
 * NULL when the table is full.
 */
struct mcw_sender *mcw_senders_get(struct mcw_sender_table *t,
                                   const struct mcw_addr *addr,
                                   int64_t mono_ns);

#endif
