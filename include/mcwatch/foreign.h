/*
 * Payloads of other tools' test senders, recognised from their formats so
 * their sequence numbers give loss and order figures:
 *
 * - mcjoin (github.com/troglobit/mcjoin, version 2.x) sends text,
 *   "Sender PID <pid>, MC group <group> ... count: <n>, freq: <ms>",
 *   NUL-padded to the datagram size; n counts from 0 per group.
 * - msend (Informatica mtools) sends "Message <n>" with n in hex (the
 *   default) or decimal (-d), counting from 0, followed by a NUL and
 *   padding when a message length is set; it opens with an
 *   "echo test N, sender equiv cmd ..." or "echo sender equiv cmd: ..."
 *   message and may close with "stat <count>".
 * - iperf 2 (iperf2.sourceforge.io) starts each UDP datagram with a
 *   16-byte header in network byte order: a 32-bit signed sequence
 *   number, the send time in seconds and microseconds, and (since 2.0.10)
 *   the upper 32 bits of a 64-bit sequence number. The client ends a test
 *   with datagrams whose sequence number is negative (the FIN).
 */
#ifndef MCWATCH_FOREIGN_H
#define MCWATCH_FOREIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses an mcjoin payload: its PID and count. Returns 0 or -EINVAL. */
int mcw_mcjoin_parse(const uint8_t *p, size_t len, uint32_t *pid,
                     uint64_t *count);

enum mcw_msend_type {
  MCW_MSEND_DATA,    /* "Message <n>" */
  MCW_MSEND_CONTROL, /* "echo ..." or "stat <n>" */
};

struct mcw_msend {
  enum mcw_msend_type type;
  char digits[17]; /* the number as sent, for either base */
  bool has_hex_letter;
};

/* Parses an msend payload. Returns 0 or -EINVAL. */
int mcw_msend_parse(const uint8_t *p, size_t len, struct mcw_msend *out);

struct mcw_iperf2 {
  uint64_t seq;     /* 64-bit sequence number (its magnitude for a FIN) */
  uint32_t hi;      /* its upper 32 bits as sent */
  uint64_t send_ns; /* send time */
  bool fin;         /* a negative number: the client's end of test */
  /*
   * Could be the FIN of a client without the upper half (a negative
   * 32-bit id), or a 64-bit number from 2^31 to 2^32: the stream decides.
   */
  bool fin32;
};

/*
 * Parses an iperf 2 UDP header from len bytes. Returns 0, or -EINVAL when
 * it cannot be one (too short, microseconds of a million or more, a zero
 * send time).
 */
int mcw_iperf2_parse(const uint8_t *p, size_t len, struct mcw_iperf2 *out);

#endif
