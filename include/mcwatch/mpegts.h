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
 */
#ifndef MCWATCH_MPEGTS_H
#define MCWATCH_MPEGTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCW_TS_PACKET 188
#define MCW_TS_SYNC 0x47
#define MCW_TS_PIDS 8192
#define MCW_TS_NULL_PID 0x1fff

struct mcw_ts {
  uint8_t *pid;         /* per PID: bits 0-3 counter, 4 seen, 5 dup used,
                           6 start afresh */
  uint32_t pids;        /* distinct PIDs seen (null PID excluded) */
  uint64_t packets;     /* TS packets examined */
  uint64_t cc_errors;   /* continuity counter errors */
  uint64_t dups;        /* allowed duplicate packets */
  uint64_t sync_errors; /* 188-byte slots without the sync byte */
  uint64_t tei;         /* packets with transport_error_indicator set */
};

/* True when the len bytes at p are whole TS packets, each with the sync. */
bool mcw_ts_looks(const uint8_t *p, size_t len);
/* Allocates the per-PID state of t. */
void mcw_ts_init(struct mcw_ts *t);
/* Frees the per-PID state. */
void mcw_ts_free(struct mcw_ts *t);
/* Checks the TS packets in the len bytes at p (a datagram's payload). */
void mcw_ts_account(struct mcw_ts *t, const uint8_t *p, size_t len);
/*
 * Makes the next packet of every PID a fresh start, neither duplicate nor
 * error: for after a datagram whose packets could not be read.
 */
void mcw_ts_resync(struct mcw_ts *t);
/* Copies up to max PIDs seen, in increasing order, into out; returns n. */
size_t mcw_ts_pid_list(const struct mcw_ts *t, uint16_t *out, size_t max);

#endif
