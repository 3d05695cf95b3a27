/*
 * Encoding and decoding of mcwatch probes. The header is a fixed 32-byte
 * record (layout in mcwatch/probe.h and docs/PROBE.md) written and read
 * byte by byte in network order, so there is no struct packing or
 * alignment to get wrong. Decoding trusts nothing: every length is checked
 * against the datagram before use.
 */
#include "mcwatch/probe.h"

#include <errno.h>
#include <string.h>

#include "mcwatch/be.h"

int mcw_probe_encode(const struct mcw_probe *p, const void *text,
                     size_t text_len, size_t size, uint8_t *buf, size_t cap) {
  size_t n = MCW_PROBE_HDR + text_len;

  if (text_len > UINT16_MAX)
    return -EMSGSIZE;
  if (size > n)
    n = size;
  if (n > cap)
    return -EMSGSIZE;
  memcpy(buf, MCW_PROBE_MAGIC, 4);
  buf[4] = MCW_PROBE_VERSION;
  buf[5] = p->flags;
  mcw_put16(buf + 6, MCW_PROBE_HDR);
  mcw_put32(buf + 8, p->sender_id);
  mcw_put16(buf + 12, (uint16_t)text_len);
  mcw_put16(buf + 14, 0);
  mcw_put64(buf + 16, p->seq);
  mcw_put64(buf + 24, p->send_ns);
  if (text_len > 0)
    memcpy(buf + MCW_PROBE_HDR, text, text_len);
  memset(buf + MCW_PROBE_HDR + text_len, 0, n - MCW_PROBE_HDR - text_len);
  return (int)n;
}

bool mcw_probe_magic(const uint8_t *data, size_t caplen) {
  return caplen >= 4 && memcmp(data, MCW_PROBE_MAGIC, 4) == 0;
}

int mcw_probe_decode(const uint8_t *data, size_t caplen, size_t len,
                     struct mcw_probe *out) {
  size_t avail;

  memset(out, 0, sizeof(*out));
  if (!mcw_probe_magic(data, caplen))
    return -EINVAL;
  if (len < caplen)
    len = caplen;
  if (caplen < 8)
    return -EPROTO; /* too short even for version and header length */
  out->version = data[4];
  out->flags = data[5];
  out->hdr_len = mcw_get16(data + 6);
  if (out->version != MCW_PROBE_VERSION)
    return -EPROTO;
  if (caplen < MCW_PROBE_HDR || out->hdr_len < MCW_PROBE_HDR ||
      out->hdr_len > len)
    return -EPROTO;
  out->sender_id = mcw_get32(data + 8);
  out->text_len = mcw_get16(data + 12);
  out->seq = mcw_get64(data + 16);
  out->send_ns = mcw_get64(data + 24);
  if ((size_t)out->text_len > len - out->hdr_len)
    return -EPROTO;
  avail = caplen > out->hdr_len ? caplen - out->hdr_len : 0;
  if (avail > out->text_len)
    avail = out->text_len;
  out->text = data + (out->hdr_len <= caplen ? out->hdr_len : caplen);
  out->text_avail = (uint32_t)avail;
  return 0;
}
