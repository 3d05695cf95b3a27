/*
 * The beacon message: encoder and decoder (format in mcwatch/beacon.h and
 * docs/BEACON.md). The decoder treats its input as hostile: every length
 * is checked against the bytes present before it is used, the entry count
 * is bounded, names hold no NUL byte and are copied raw (escape them
 * before output).
 */
#include <errno.h>
#include <string.h>

#include "mcwatch/be.h"
#include "mcwatch/beacon.h"

uint64_t mcw_beacon_id(const char *name, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);

  for (size_t i = 0; i < len; i++) {
    h ^= (uint8_t)name[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

int mcw_beacon_encode(const struct mcw_beacon_msg *m, uint8_t *buf,
                      size_t cap) {
  size_t n = MCW_BEACON_HDR + m->name_len;

  if (m->name_len == 0 || m->name_len > MCW_BEACON_NAME_MAX ||
      m->nentries > MCW_BEACON_MAX)
    return -EINVAL;
  for (unsigned i = 0; i < m->nentries; i++) {
    const struct mcw_beacon_entry *e = &m->entries[i];
    if (e->name_len == 0 || e->name_len > MCW_BEACON_NAME_MAX)
      return -EINVAL;
    n += MCW_BEACON_ENTRY + e->name_len;
  }
  if (n > cap)
    return -EMSGSIZE;
  memcpy(buf, MCW_BEACON_MAGIC, 4);
  buf[4] = MCW_BEACON_VERSION;
  buf[5] = m->flags;
  buf[6] = m->ttl;
  buf[7] = m->name_len;
  mcw_put64(buf + 8, m->id);
  mcw_put32(buf + 16, m->interval_ms);
  mcw_put16(buf + 20, m->nentries);
  memcpy(buf + MCW_BEACON_HDR, m->name, m->name_len);
  n = MCW_BEACON_HDR + m->name_len;
  for (unsigned i = 0; i < m->nentries; i++) {
    const struct mcw_beacon_entry *e = &m->entries[i];
    uint8_t *p = buf + n;
    mcw_put64(p, e->from_id);
    mcw_put32(p + 8, e->received);
    mcw_put32(p + 12, e->lost);
    mcw_put32(p + 16, e->dup);
    mcw_put32(p + 20, e->reordered);
    mcw_put32(p + 24, (uint32_t)(e->has_delay ? e->delay_mean_us : INT32_MIN));
    mcw_put32(p + 28, (uint32_t)(e->has_delay ? e->delay_max_us : INT32_MIN));
    mcw_put32(p + 32, e->has_jitter ? e->jitter_us : UINT32_MAX);
    p[36] = e->has_hops ? e->hops : 255;
    p[37] = e->name_len;
    memcpy(p + MCW_BEACON_ENTRY, e->name, e->name_len);
    n += MCW_BEACON_ENTRY + e->name_len;
  }
  return (int)n;
}

int mcw_beacon_decode(const uint8_t *data, size_t len,
                      struct mcw_beacon_msg *out) {
  size_t off;

  if (len < 4 || memcmp(data, MCW_BEACON_MAGIC, 4) != 0)
    return -EINVAL;
  if (len < MCW_BEACON_HDR || data[4] != MCW_BEACON_VERSION)
    return -EPROTO;
  out->version = data[4];
  out->flags = data[5];
  out->ttl = data[6];
  out->name_len = data[7];
  out->id = mcw_get64(data + 8);
  out->interval_ms = mcw_get32(data + 16);
  out->nentries = mcw_get16(data + 20);
  if (out->name_len == 0 || out->name_len > MCW_BEACON_NAME_MAX ||
      out->nentries > MCW_BEACON_MAX || len - MCW_BEACON_HDR < out->name_len ||
      memchr(data + MCW_BEACON_HDR, 0, out->name_len) != NULL)
    return -EPROTO;
  memcpy(out->name, data + MCW_BEACON_HDR, out->name_len);
  out->name[out->name_len] = '\0';
  off = MCW_BEACON_HDR + out->name_len;
  for (unsigned i = 0; i < out->nentries; i++) {
    struct mcw_beacon_entry *e = &out->entries[i];
    const uint8_t *p = data + off;
    int32_t mean, max;
    if (len - off < MCW_BEACON_ENTRY)
      return -EPROTO;
    e->name_len = p[37];
    if (e->name_len == 0 || e->name_len > MCW_BEACON_NAME_MAX ||
        len - off - MCW_BEACON_ENTRY < e->name_len ||
        memchr(p + MCW_BEACON_ENTRY, 0, e->name_len) != NULL)
      return -EPROTO;
    e->from_id = mcw_get64(p);
    e->received = mcw_get32(p + 8);
    e->lost = mcw_get32(p + 12);
    e->dup = mcw_get32(p + 16);
    e->reordered = mcw_get32(p + 20);
    mean = (int32_t)mcw_get32(p + 24);
    max = (int32_t)mcw_get32(p + 28);
    e->has_delay = mean != INT32_MIN && max != INT32_MIN;
    e->delay_mean_us = e->has_delay ? mean : 0;
    e->delay_max_us = e->has_delay ? max : 0;
    e->jitter_us = mcw_get32(p + 32);
    e->has_jitter = e->jitter_us != UINT32_MAX;
    if (!e->has_jitter)
      e->jitter_us = 0;
    e->hops = p[36];
    e->has_hops = e->hops != 255;
    if (!e->has_hops)
      e->hops = 0;
    memcpy(e->name, p + MCW_BEACON_ENTRY, e->name_len);
    e->name[e->name_len] = '\0';
    off += MCW_BEACON_ENTRY + e->name_len;
  }
  return 0;
}
