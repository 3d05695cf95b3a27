/*
 * The TS continuity checker. pid[] has one byte per PID: the last
 * continuity counter in bits 0-3, "seen" in bit 4, "the one duplicate is
 * used" in bit 5 and "start afresh" (after a datagram that could not be
 * read) in bit 6. Each 188-byte packet costs a few byte reads.
 *
 * ISO/IEC 13818-1 2.4.3.3: the counter goes up by one with each packet of
 * a PID that carries a payload, and stays put on a packet without one; a
 * packet may be sent twice in a row, so one repeat of a counter is a
 * duplicate and any further repeat is an error until the counter moves on.
 * The duplicate allowance is therefore spent until the counter advances
 * (neither an error nor a packet without payload renews it).
 */
#include "mcwatch/mpegts.h"

#include <stdlib.h>

#include "mcwatch/common.h"

#define SEEN 0x10
#define DUP 0x20
#define RESYNC 0x40

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
  if (disc || (*st & RESYNC)) {
    *st = (uint8_t)(SEEN | cc);
    return;
  }
  if (!payload) { /* the counter must not move; the allowance is kept */
    if (cc != last) {
      t->cc_errors++;
      *st = (uint8_t)(SEEN | cc);
    }
    return;
  }
  if (cc == last) {
    if (*st & DUP) { /* a repeat beyond the one duplicate */
      t->cc_errors++;
    } else {
      t->dups++;
      *st |= DUP;
    }
    return;
  }
  if (cc != ((last + 1) & 0x0f))
    t->cc_errors++;
  *st = (uint8_t)(SEEN | cc);
}

void mcw_ts_resync(struct mcw_ts *t) {
  if (t->pid == NULL)
    return;
  for (unsigned i = 0; i < MCW_TS_PIDS; i++)
    if (t->pid[i] & SEEN)
      t->pid[i] |= RESYNC;
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
