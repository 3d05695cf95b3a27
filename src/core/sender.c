/*
 * The sender table: items[] is dense in first-seen order; index[] is an
 * open-addressing hash (linear probing) of index_size >= 2 * max entries,
 * each 0 for empty or an items position plus one. Senders are never removed
 * one by one, only all at once by clear, so no tombstones are needed.
 */
#include "mcwatch/sender.h"

#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

#define SENDER_RATE_SLOTS 12 /* 1 s slots: enough for a 10 s window */

void mcw_senders_init(struct mcw_sender_table *t, uint32_t max) {
  memset(t, 0, sizeof(*t));
  t->max = max ? max : 1;
  t->index_size = 4;
  while (t->index_size < 2 * t->max)
    t->index_size *= 2;
  t->budget.ts_max = MCW_TS_TRACKED_MAX;
  t->items = mcw_xcalloc(t->max, sizeof(*t->items));
  t->index = mcw_xcalloc(t->index_size, sizeof(*t->index));
}

void mcw_senders_free(struct mcw_sender_table *t) {
  mcw_senders_clear(t);
  free(t->items);
  free(t->index);
  t->items = NULL;
  t->index = NULL;
}

void mcw_senders_clear(struct mcw_sender_table *t) {
  for (uint32_t i = 0; i < t->count; i++) {
    mcw_rate_free(&t->items[i].rate);
    mcw_stream_free(&t->items[i].stream, &t->budget);
  }
  memset(t->index, 0, sizeof(*t->index) * t->index_size);
  t->count = 0;
  t->overflow_packets = 0;
  t->overflow_bytes = 0;
}

/* Returns the index slot that holds addr, or the empty slot where it goes. */
static uint32_t *probe(struct mcw_sender_table *t, const struct mcw_addr *a) {
  uint32_t mask = t->index_size - 1;
  uint32_t h = mcw_addr_hash(a) & mask;

  for (;;) {
    uint32_t *slot = &t->index[h];
    if (*slot == 0 || mcw_addr_equal(&t->items[*slot - 1].addr, a))
      return slot;
    h = (h + 1) & mask;
  }
}

struct mcw_sender *mcw_senders_find(struct mcw_sender_table *t,
                                    const struct mcw_addr *addr) {
  uint32_t *slot = probe(t, addr);
  return *slot ? &t->items[*slot - 1] : NULL;
}

struct mcw_sender *mcw_senders_get(struct mcw_sender_table *t,
                                   const struct mcw_addr *addr,
                                   int64_t mono_ns) {
  uint32_t *slot = probe(t, addr);
  struct mcw_sender *s;

  if (*slot)
    return &t->items[*slot - 1];
  if (t->count >= t->max)
    return NULL;
  s = &t->items[t->count];
  memset(s, 0, sizeof(*s));
  s->addr = *addr;
  mcw_rate_init(&s->rate, MCW_NS_PER_SEC, SENDER_RATE_SLOTS, mono_ns);
  mcw_stream_init(&s->stream);
  *slot = ++t->count;
  return s;
}
