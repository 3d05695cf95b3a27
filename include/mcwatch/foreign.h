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

#endif
