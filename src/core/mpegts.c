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
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/tr101290.h"

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

int mcw_ts_offset(const uint8_t *p, size_t len, unsigned *syncs) {
  size_t end = len < MCW_TS_PACKET ? len : MCW_TS_PACKET;

  for (size_t o = 0; o < end; o++) {
    const uint8_t *s = memchr(p + o, MCW_TS_SYNC, end - o);
    size_t i;
    unsigned n = 0;

    if (s == NULL)
      return -1;
    o = (size_t)(s - p);
    for (i = o; i < len && p[i] == MCW_TS_SYNC; i += MCW_TS_PACKET)
      n++;
    if (i >= len) {
      *syncs = n;
      return (int)o;
    }
  }
  return -1;
}

void mcw_ts_init(struct mcw_ts *t) {
  memset(t, 0, sizeof(*t));
  t->pid = mcw_xcalloc(MCW_TS_PIDS, 1);
  t->tr = mcw_tr_new();
  t->in_sync = true;
  t->good = MCW_TS_SYNC_ACQUIRE;
}

void mcw_ts_free(struct mcw_ts *t) {
  free(t->pid);
  t->pid = NULL;
  mcw_tr_free(t->tr);
  t->tr = NULL;
}

/* The continuity check of one packet; true when it is an error. */
static bool cc_check(struct mcw_ts *t, const uint8_t *p) {
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
    return false;
  if (!(*st & SEEN)) {
    t->pids++;
    *st = (uint8_t)(SEEN | cc);
    return false;
  }
  if (disc || (*st & RESYNC)) {
    *st = (uint8_t)(SEEN | cc);
    return false;
  }
  if (!payload) { /* the counter must not move; the allowance is kept */
    if (cc != last) {
      t->cc_errors++;
      *st = (uint8_t)(SEEN | cc);
      return true;
    }
    return false;
  }
  if (cc == last) {
    if (*st & DUP) { /* a repeat beyond the one duplicate */
      t->cc_errors++;
      return true;
    }
    t->dups++;
    *st |= DUP;
    return false;
  }
  *st = (uint8_t)(SEEN | cc);
  if (cc != ((last + 1) & 0x0f)) {
    t->cc_errors++;
    t->cc_lost += (cc - last - 1) & 0x0f;
    return true;
  }
  return false;
}

/* Checks one 188-byte packet whose sync byte is right. */
static void packet(struct mcw_ts *t, const uint8_t *p) {
  bool e = cc_check(t, p);
  if (t->tr != NULL)
    mcw_tr_packet(t->tr, p, t->now_ns, e, t->packets);
}

void mcw_ts_resync(struct mcw_ts *t) {
  if (t->pid == NULL)
    return;
  for (unsigned i = 0; i < MCW_TS_PIDS; i++)
    if (t->pid[i] & SEEN)
      t->pid[i] |= RESYNC;
}

/*
 * TR 101 290 1.1 and 1.2 on one sync byte: counts it, and loses sync
 * after MCW_TS_SYNC_LOSE corrupted ones in a row (or, in aligned
 * datagrams, regains it after MCW_TS_SYNC_ACQUIRE correct ones). True
 * when the packet may be checked.
 */
static bool sync_byte(struct mcw_ts *t, bool ok) {
  if (ok) {
    t->bad = 0;
    if (!t->in_sync && ++t->good >= MCW_TS_SYNC_ACQUIRE)
      t->in_sync = true;
    return true;
  }
  t->sync_errors++;
  t->good = 0;
  if (t->in_sync && ++t->bad >= MCW_TS_SYNC_LOSE) {
    t->in_sync = false;
    t->sync_loss++;
    t->bad = 0;
  }
  return false;
}

void mcw_ts_account(struct mcw_ts *t, const uint8_t *p, size_t len) {
  for (size_t i = 0; i + MCW_TS_PACKET <= len; i += MCW_TS_PACKET)
    if (sync_byte(t, p[i] == MCW_TS_SYNC) && t->pid != NULL)
      packet(t, p + i);
}

void mcw_ts_sync_only(struct mcw_ts *t, const uint8_t *p, size_t len) {
  for (size_t i = 0; i + MCW_TS_PACKET <= len; i += MCW_TS_PACKET)
    sync_byte(t, p[i] == MCW_TS_SYNC);
}

/* A whole packet of a byte stream, in sync: checks it or loses sync. */
static void stream_packet(struct mcw_ts *t, const uint8_t *p) {
  if (sync_byte(t, p[0] == MCW_TS_SYNC)) {
    if (t->pid != NULL)
      packet(t, p);
    return;
  }
  if (!t->in_sync) { /* lost: search from here, every PID starts afresh */
    t->good = 0;
    t->skip = 0;
    mcw_ts_resync(t);
  }
}

/*
 * Out of sync: looks for MCW_TS_SYNC_ACQUIRE sync bytes 188 bytes apart
 * from p[*i] on, across datagrams. On success *i is the start of the last
 * of them, a packet to check.
 */
static void search(struct mcw_ts *t, const uint8_t *p, size_t len, size_t *i) {
  while (*i < len) {
    if (t->good == 0) {
      const uint8_t *s = memchr(p + *i, MCW_TS_SYNC, len - *i);
      if (s == NULL) {
        *i = len;
        return;
      }
      *i = (size_t)(s - p);
      t->good = 1;
      t->skip = 0;
    } else if (t->skip == 0) {
      if (p[*i] != MCW_TS_SYNC) {
        t->good = 0; /* search on from here */
        continue;
      }
      if (++t->good >= MCW_TS_SYNC_ACQUIRE) {
        t->in_sync = true;
        t->bad = 0;
        return;
      }
    } else {
      size_t k = len - *i < t->skip ? len - *i : t->skip;
      *i += k;
      t->skip = (uint8_t)(t->skip - k);
      continue;
    }
    /* At a sync byte: the next one is expected 188 bytes on. */
    (*i)++;
    t->skip = MCW_TS_PACKET - 1;
  }
}

void mcw_ts_feed(struct mcw_ts *t, const uint8_t *p, size_t len) {
  size_t i = 0;

  t->stream = true;
  while (i < len) {
    if (!t->in_sync) {
      search(t, p, len, &i);
      continue;
    }
    if (t->part_n > 0 || len - i < MCW_TS_PACKET) {
      size_t k = MCW_TS_PACKET - t->part_n;
      if (k > len - i)
        k = len - i;
      memcpy(t->part + t->part_n, p + i, k);
      t->part_n = (uint8_t)(t->part_n + k);
      i += k;
      if (t->part_n == MCW_TS_PACKET) {
        t->part_n = 0;
        stream_packet(t, t->part);
      }
      continue;
    }
    stream_packet(t, p + i);
    i += MCW_TS_PACKET;
  }
}

void mcw_ts_lost_bytes(struct mcw_ts *t) {
  t->stream = true;
  t->part_n = 0;
  t->in_sync = false;
  t->good = 0;
  t->bad = 0;
  t->skip = 0;
  mcw_ts_resync(t);
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
