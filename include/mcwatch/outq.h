/*
 * A bounded backlog of output lines for a reader that may be slow. Lines
 * are appended whole; when the backlog would pass its limit, the lines
 * that do not fit are dropped whole and counted, so the reader never sees
 * a cut line and nothing is lost without being counted. Bulk lines (one
 * per datagram) may fill only part of the limit, which keeps room for the
 * lines that say what happened (stats, events, the summary). Pure: no I/O.
 */
#ifndef MCWATCH_OUTQ_H
#define MCWATCH_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcw_outq {
  char *buf;
  size_t head, len, size; /* pending bytes are buf[head, head + len) */
  size_t limit;           /* most bytes pending after an append */
  uint64_t dropped;       /* lines dropped so far */
};

/* Bulk lines may fill this share of the limit: three quarters. */
#define MCW_OUTQ_BULK_SHARE(limit) ((limit) / 4 * 3)

/* Sets up an empty backlog of at most limit bytes (allocated as needed). */
void mcw_outq_init(struct mcw_outq *q, size_t limit);
/*
 * Appends the whole lines of text (each ends with '\n'; a missing last
 * newline is taken as one). The lines that would take the backlog past
 * the limit (its bulk share when bulk is set) are dropped and counted.
 * Returns the number of lines dropped.
 */
size_t mcw_outq_push(struct mcw_outq *q, const char *text, size_t len,
                     bool bulk);
/*
 * Appends text that must follow what is pending whatever the limit: the
 * rest of a line that a write cut short.
 */
void mcw_outq_push_all(struct mcw_outq *q, const char *text, size_t len);
/* The pending bytes: *len of them at the returned pointer. */
const char *mcw_outq_peek(const struct mcw_outq *q, size_t *len);
/* Marks n pending bytes as written. */
void mcw_outq_consume(struct mcw_outq *q, size_t n);
/* Drops everything pending and counts it (a cut line counts as one). */
size_t mcw_outq_drop_all(struct mcw_outq *q);
/* Frees the buffer. */
void mcw_outq_free(struct mcw_outq *q);

#endif
