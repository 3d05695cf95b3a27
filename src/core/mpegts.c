/*
 * The TS continuity checker. pid[] has one byte per PID: the last
 * continuity counter in bits 0-3, "seen" in bit 4 and "one duplicate
 * already allowed" in bit 5. Each 188-byte packet costs a few byte reads.
 */
#include "mcwatch/mpegts.h"

#include <stdlib.h>

#include "mcwatch/common.h"

#define SEEN 0x10
#define DUP 0x20

bool mcw_ts_looks(const uint8_t *p, size_t len) {
  if (len == 0 || len % MCW_TS_PACKET != 0)
    return false;
  for (size_t i = 0; i < len; i += MCW_TS_PACKET)
    if (p[i] != MCW_TS_SYNC)
      return false;
  return true;
}

void mcw_ts_init(struct mcw_ts *t) {
  t->pid = mcw_xcalloc(MCW_TS_PIDS, 1);
  t->pids = 0;
  t->packets = t->cc_errors = t->dups = t->sync_errors = t->tei = 0;
}

void mcw_ts_free(struct mcw_ts *t) {
  free(t->pid);
  t->pid = NULL;
}

/* Checks one 188-byte packet. */
static void packet(struct mcw_ts *t, const uint8_t *p) {
  unsigned pid = ((unsigned)(p[1] & 0x1f) << 8) | p[2];
  unsigned afc = (p[3] >> 4) & 3, cc = p[3] & 0x0f;
  bool payload = (afc & 1) != 0;
  bool disc = (afc & 2) && p[4] > 0 && (p[5] & 0x80);
  uint8_t *st = &t->pid[pid];
  unsigned last = *st & 0x0f;

  t->packets++;
  if (p[1] & 0x80)
    t->tei++;
  if (pid == MCW_TS_NULL_PID || afc == 0) /* null, or reserved: no meaning */
    return;
  if (!(*st & SEEN)) {
    t->pids++;
    *st = (uint8_t)(SEEN | cc);
    return;
  }
  if (disc) {
    *st = (uint8_t)(SEEN | cc);
    return;
  }
  if (!payload) { /* the counter must not move */
    if (cc != last)
      t->cc_errors++;
    *st = (uint8_t)(SEEN | cc);
    return;
  }
  if (cc == last && !(*st & DUP)) { /* one duplicate allowed */
    t->dups++;
    *st |= DUP;
    return;
  }
  if (cc != ((last + 1) & 0x0f))
    t->cc_errors++;
  *st = (uint8_t)(SEEN | cc);
}

void mcw_ts_account(struct mcw_ts *t, const uint8_t *p, size_t len) {
  for (size_t i = 0; i + MCW_TS_PACKET <= len; i += MCW_TS_PACKET) {
    if (p[i] != MCW_TS_SYNC) {
      t->sync_errors++;
      continue;
    }
    if (t->pid != NULL)
      packet(t, p + i);
  }
}

size_t mcw_ts_pid_list(const struct mcw_ts *t, uint16_t *out, size_t max) {
  size_t n = 0;
  if (t->pid == NULL)
    return 0;
  for (unsigned i = 0; i < MCW_TS_PIDS && n < max; i++)
    if (t->pid[i] & SEEN)
      out[n++] = (uint16_t)i;
  return n;
}
