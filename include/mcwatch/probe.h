/*
 * The mcwatch probe: a small versioned binary header followed by optional
 * text, sent by `mcwatch send` and by the screen UI's send key. All fields
 * are in network byte order; docs/PROBE.md gives the byte layout.
 *
 *   offset  size  field
 *        0     4  magic "MCWP"
 *        4     1  version (1)
 *        5     1  flags (none defined in version 1; receivers ignore them)
 *        6     2  header length in bytes (32 in version 1; text starts here)
 *        8     4  sender id, random per sending run
 *       12     2  text length in bytes
 *       14     2  reserved, 0
 *       16     8  sequence number, from 0, +1 per probe per group
 *       24     8  send time, nanoseconds since the Unix epoch (UTC)
 *       32     -  text (UTF-8 by convention, never trusted), then padding
 */
#ifndef MCWATCH_PROBE_H
#define MCWATCH_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCW_PROBE_MAGIC "MCWP"
#define MCW_PROBE_VERSION 1
#define MCW_PROBE_HDR 32
#define MCW_PROBE_MAX 65507 /* largest IPv4 UDP payload */

struct mcw_probe {
  uint8_t version;
  uint8_t flags;
  uint16_t hdr_len;
  uint32_t sender_id;
  uint64_t seq;
  uint64_t send_ns;
  uint16_t text_len;   /* as declared */
  const uint8_t *text; /* decode: borrowed from the datagram */
  uint32_t text_avail; /* decode: text bytes present in what was captured */
};

/*
 * Writes probe p with its text into buf (capacity cap), padded with zeros
 * to size bytes when size is larger. Returns the datagram length, or
 * -EMSGSIZE when it does not fit in cap or the text exceeds 65535 bytes.
 */
int mcw_probe_encode(const struct mcw_probe *p, const void *text,
                     size_t text_len, size_t size, uint8_t *buf, size_t cap);
/* True when data starts with the probe magic. */
bool mcw_probe_magic(const uint8_t *data, size_t caplen);
/*
 * Decodes a probe from caplen captured bytes of a len-byte datagram.
 * Returns 0; -EINVAL when the magic is not there (not a probe); -EPROTO
 * for a probe that is truncated, of another version, or whose header or
 * text length does not fit the datagram.
 */
int mcw_probe_decode(const uint8_t *data, size_t caplen, size_t len,
                     struct mcw_probe *out);

#endif
