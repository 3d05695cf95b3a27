/*
 * MPEG transport stream continuity checking (ISO/IEC 13818-1): 188-byte
 * packets starting with the sync byte 0x47, a 13-bit PID and a 4-bit
 * continuity counter per PID. One byte of state per PID (8192 bytes per
 * stream), allocated once when a stream is found to be TS.
 *
 * The counter goes up by one (mod 16) on each packet of a PID that carries
 * a payload; a packet without payload repeats it; a packet with payload
 * may come twice in a row (one duplicate), and every further repeat of the
 * same counter is an error (100 packets with one stuck counter: 1
 * duplicate, 98 errors); the adaptation field's discontinuity_indicator
 * allows any value; the null PID 0x1FFF is ignored. Anything else counts
 * as a continuity error.
 *
 * Datagrams carry TS in one of two shapes. Aligned: each datagram is whole
 * packets (7 x 188 = 1316 bytes, RTP payloads). Byte stream: packets cross
 * datagram boundaries (ffmpeg's udp:// default of 1472 bytes); the checker
 * then keeps the start of a packet begun in one datagram and completes it
 * with the next. Synchronisation follows ETSI TR 101 290 1.1: sync is
 * acquired after MCW_TS_SYNC_ACQUIRE consecutive sync bytes 188 bytes
 * apart and lost after MCW_TS_SYNC_LOSE consecutive corrupted ones
 * (ts_sync_loss counts the losses); out of sync, a byte stream is searched
 * for sync and its packets are not checked.
 */
#ifndef MCWATCH_MPEGTS_H
#define MCWATCH_MPEGTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcw_tr;

#define MCW_TS_PACKET 188
#define MCW_TS_SYNC 0x47
#define MCW_TS_PIDS 8192
#define MCW_TS_NULL_PID 0x1fff
#define MCW_TS_SYNC_ACQUIRE 5 /* TR 101 290 1.1 */
#define MCW_TS_SYNC_LOSE 2    /* TR 101 290 1.1 */

struct mcw_ts {
  uint8_t *pid;         /* per PID: bits 0-3 counter, 4 seen, 5 dup used,
                           6 start afresh */
  uint32_t pids;        /* distinct PIDs seen (null PID excluded) */
  uint64_t packets;     /* TS packets examined */
  uint64_t cc_errors;   /* continuity counter errors */
  uint64_t dups;        /* allowed duplicate packets */
  uint64_t sync_errors; /* 188-byte slots without the sync byte */
  uint64_t tei;         /* packets with transport_error_indicator set */
  uint64_t sync_loss;   /* TR 101 290 1.1 TS_sync_loss */
  uint64_t cc_lost;     /* packets the counter jumps say went missing */
  int64_t now_ns;       /* arrival of the bytes being checked */
  struct mcw_tr *tr;    /* TR 101 290 and tables; NULL when not measured */
  bool stream;          /* a byte stream, not aligned datagrams */
  bool in_sync;
  uint8_t good, bad; /* consecutive correct / corrupted sync bytes */
  uint8_t skip;      /* while searching: bytes to the next expected sync */
  uint8_t part_n;    /* bytes of a packet begun in an earlier datagram */
  uint8_t part[MCW_TS_PACKET];
};

/* True when the len bytes at p are whole TS packets, each with the sync. */
bool mcw_ts_looks(const uint8_t *p, size_t len);
/*
 * Where whole TS packets start in the len bytes at p when packets may
 * cross datagram boundaries: the first offset below 188 from which every
 * 188th byte is a sync byte. Returns it and the number of sync bytes in
 * *syncs, or -1 when there is none.
 */
int mcw_ts_offset(const uint8_t *p, size_t len, unsigned *syncs);
/* Allocates the per-PID state of t: aligned datagrams, in sync. */
void mcw_ts_init(struct mcw_ts *t);
/* Frees the per-PID state. */
void mcw_ts_free(struct mcw_ts *t);
/* Checks the TS packets in the len bytes at p (a datagram's payload). */
void mcw_ts_account(struct mcw_ts *t, const uint8_t *p, size_t len);
/* Counts the sync bytes of aligned datagram bytes whose packets are not read.
 */
void mcw_ts_sync_only(struct mcw_ts *t, const uint8_t *p, size_t len);
/*
 * Checks the next len bytes of a byte stream: completes the packet begun
 * in the previous datagram, checks the whole ones and keeps the start of
 * the last. The first call switches t to a byte stream.
 */
void mcw_ts_feed(struct mcw_ts *t, const uint8_t *p, size_t len);
/*
 * The byte stream lost bytes we could not read (a truncated datagram):
 * forget the packet begun and search for sync afresh, without counting a
 * sync loss (the stream itself may be fine).
 */
void mcw_ts_lost_bytes(struct mcw_ts *t);
/*
 * Makes the next packet of every PID a fresh start, neither duplicate nor
 * error: for after a datagram whose packets could not be read.
 */
void mcw_ts_resync(struct mcw_ts *t);
/* Copies up to max PIDs seen, in increasing order, into out; returns n. */
size_t mcw_ts_pid_list(const struct mcw_ts *t, uint16_t *out, size_t max);

#endif
