/*
 * The output backlog (see outq.h): one buffer holding the pending bytes
 * from head; appending moves them back to the start when the end has no
 * room, so the buffer grows to about the limit once and then stays.
 */
#include "mcwatch/outq.h"

#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

void mcw_outq_init(struct mcw_outq *q, size_t limit) {
  memset(q, 0, sizeof(*q));
  q->limit = limit;
}

/* Counts the lines in text (a last line without '\n' counts too). */
static size_t count_lines(const char *text, size_t len) {
  size_t n = 0;
  const char *p = text, *end = text + len;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    n++;
    if (nl == NULL)
      break;
    p = nl + 1;
  }
  return n;
}

/* Makes room for n more bytes after the pending ones. */
static void reserve(struct mcw_outq *q, size_t n) {
  if (q->head + q->len + n <= q->size)
    return;
  if (q->len > 0 && q->head > 0)
    memmove(q->buf, q->buf + q->head, q->len);
  q->head = 0;
  if (q->len + n > q->size) {
    size_t size = q->size ? q->size : 65536;
    while (size < q->len + n)
      size *= 2;
    q->buf = mcw_xrealloc(q->buf, size);
    q->size = size;
  }
}

void mcw_outq_push_all(struct mcw_outq *q, const char *text, size_t len) {
  if (len == 0)
    return;
  reserve(q, len);
  memcpy(q->buf + q->head + q->len, text, len);
  q->len += len;
}

size_t mcw_outq_push(struct mcw_outq *q, const char *text, size_t len,
                     bool bulk) {
  size_t limit = bulk ? MCW_OUTQ_BULK_SHARE(q->limit) : q->limit;
  size_t room = limit > q->len ? limit - q->len : 0, keep = 0, dropped;

  if (len <= room) {
    keep = len;
  } else if (room > 0) {
    /* The longest run of whole lines that fits. */
    const char *nl = memrchr(text, '\n', room);
    keep = nl ? (size_t)(nl - text) + 1 : 0;
  }
  mcw_outq_push_all(q, text, keep);
  dropped = count_lines(text + keep, len - keep);
  q->dropped += dropped;
  return dropped;
}

const char *mcw_outq_peek(const struct mcw_outq *q, size_t *len) {
  *len = q->len;
  return q->buf ? q->buf + q->head : "";
}

void mcw_outq_consume(struct mcw_outq *q, size_t n) {
  if (n > q->len)
    n = q->len;
  q->head += n;
  q->len -= n;
  if (q->len == 0)
    q->head = 0;
}

size_t mcw_outq_drop_all(struct mcw_outq *q) {
  size_t n = count_lines(q->buf ? q->buf + q->head : "", q->len);

  q->dropped += n;
  q->head = q->len = 0;
  return n;
}

void mcw_outq_free(struct mcw_outq *q) {
  free(q->buf);
  q->buf = NULL;
  q->head = q->len = q->size = 0;
}
