/*
 * The IGMP and MLD decoder (see igmp.h). Each reader checks the bytes it
 * needs before it reads them; counts taken from the message (sources,
 * records, aux words) are only trusted once the bytes they announce are
 * there. IGMP checksums are checked here (a raw socket sees messages
 * before the kernel's IGMP code judges them); ICMPv6 checksums are checked
 * by the kernel for every raw ICMPv6 socket.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "mcwatch/igmp.h"

static uint16_t rd16(const uint8_t *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* The Internet checksum of len bytes; 0 when a message carrying one is
 * intact. */
static uint16_t inet_sum(const uint8_t *p, size_t len) {
  uint32_t sum = 0;

  for (size_t i = 0; i + 1 < len; i += 2)
    sum += rd16(p + i);
  if (len & 1)
    sum += (uint32_t)p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void set_addr(struct mcw_addr *a, int family, const uint8_t *p) {
  memset(a, 0, sizeof(*a));
  a->family = (uint16_t)family;
  memcpy(a->bytes, p, family == AF_INET ? 4 : 16);
}

static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return false;
  return true;
}

uint32_t mcw_igmp_code8(uint8_t code) {
  if (code < 128)
    return code;
  return (uint32_t)((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}

uint32_t mcw_mld_code16(uint16_t code) {
  if (code < 32768)
    return code;
  return (uint32_t)((code & 0x0fff) | 0x1000) << (((code >> 12) & 0x07) + 3);
}

const char *mcw_igmp_type_name(enum mcw_igmp_type t) {
  switch (t) {
  case MCW_IGMP_QUERY:
    return "query";
  case MCW_IGMP_REPORT:
    return "report";
  case MCW_IGMP_LEAVE:
    return "leave";
  }
  return "?";
}

/* The group field of a query: unset and general when all zero, else it
 * must be a multicast address. */
static int query_group(struct mcw_igmp_msg *m, const uint8_t *p, size_t n) {
  if (all_zero(p, n)) {
    m->general = true;
    return 0;
  }
  set_addr(&m->group, m->family, p);
  return mcw_addr_is_multicast(&m->group) ? 0 : -EBADMSG;
}

/* The group of a v1/v2 report or leave: must be multicast. */
static int report_group(struct mcw_igmp_msg *m, const uint8_t *p) {
  set_addr(&m->group, m->family, p);
  return mcw_addr_is_multicast(&m->group) ? 0 : -EBADMSG;
}

/*
 * Walks the group records of a v3 / MLDv2 report starting at off; each
 * is a 4-byte head (type, aux words, sources), the group, the sources
 * (alen bytes each) and the aux data.
 */
static int records(struct mcw_igmp_msg *m, const uint8_t *p, size_t len,
                   size_t off, unsigned count, size_t alen) {
  m->nrecords = count;
  for (unsigned i = 0; i < count; i++) {
    size_t need;
    struct mcw_igmp_record r;

    if (len - off < 4 + alen)
      return -EBADMSG;
    r.type = p[off];
    r.nsources = rd16(p + off + 2);
    need = 4 + alen + (size_t)r.nsources * alen + (size_t)p[off + 1] * 4;
    if (len - off < need)
      return -EBADMSG;
    if (r.type < MCW_IGMP_MODE_IS_INCLUDE || r.type > MCW_IGMP_BLOCK_OLD)
      return -EBADMSG;
    set_addr(&r.group, m->family, p + off + 4);
    if (!mcw_addr_is_multicast(&r.group))
      return -EBADMSG;
    if (i < MCW_IGMP_RECORDS_MAX)
      m->records[i] = r;
    off += need;
  }
  return 0;
}

/* The v3 / MLDv2 query tail at off: flags, QRV, QQIC, sources. */
static int query_tail(struct mcw_igmp_msg *m, const uint8_t *p, size_t len,
                      size_t off, size_t alen) {
  m->suppress = (p[off] & 0x08) != 0;
  m->qrv = p[off] & 0x07;
  m->qqi_s = mcw_igmp_code8(p[off + 1]);
  m->nsources = rd16(p + off + 2);
  if ((len - off - 4) / alen < m->nsources)
    return -EBADMSG;
  if (m->general && m->nsources != 0)
    return -EBADMSG; /* a general query names no sources */
  return 0;
}

int mcw_igmp_decode(const uint8_t *p, size_t len, struct mcw_igmp_msg *m) {
  int r;

  memset(m, 0, sizeof(*m));
  m->family = AF_INET;
  if (len < 8)
    return -EBADMSG;
  if (inet_sum(p, len) != 0)
    return -EBADMSG;
  switch (p[0]) {
  case 0x11:
    m->type = MCW_IGMP_QUERY;
    if (len >= 8 && len < 12) {
      if (len != 8)
        return -EBADMSG;
      m->version = p[1] == 0 ? 1 : 2;
      m->max_resp_ms = p[1] == 0 ? 10000 : (uint32_t)p[1] * 100;
      return query_group(m, p + 4, 4);
    }
    m->version = 3;
    m->max_resp_ms = mcw_igmp_code8(p[1]) * 100;
    if ((r = query_group(m, p + 4, 4)) < 0)
      return r;
    return query_tail(m, p, len, 8, 4);
  case 0x12:
  case 0x16:
  case 0x17:
    m->type = p[0] == 0x17 ? MCW_IGMP_LEAVE : MCW_IGMP_REPORT;
    m->version = p[0] == 0x12 ? 1 : 2;
    return report_group(m, p + 4);
  case 0x22:
    m->type = MCW_IGMP_REPORT;
    m->version = 3;
    return records(m, p, len, 8, rd16(p + 6), 4);
  default:
    return -ENOMSG;
  }
}

int mcw_mld_decode(const uint8_t *p, size_t len, struct mcw_igmp_msg *m) {
  int r;

  memset(m, 0, sizeof(*m));
  m->family = AF_INET6;
  if (len < 8)
    return -EBADMSG;
  switch (p[0]) {
  case 130:
    m->type = MCW_IGMP_QUERY;
    if (len < 24 || (len > 24 && len < 28))
      return -EBADMSG;
    if ((r = query_group(m, p + 8, 16)) < 0)
      return r;
    if (len == 24) {
      m->version = 1;
      m->max_resp_ms = rd16(p + 4);
      return 0;
    }
    m->version = 2;
    m->max_resp_ms = mcw_mld_code16(rd16(p + 4));
    return query_tail(m, p, len, 24, 16);
  case 131:
  case 132:
    if (len < 24)
      return -EBADMSG;
    m->type = p[0] == 132 ? MCW_IGMP_LEAVE : MCW_IGMP_REPORT;
    m->version = 1;
    return report_group(m, p + 8);
  case 143:
    m->type = MCW_IGMP_REPORT;
    m->version = 2;
    return records(m, p, len, 8, rd16(p + 6), 16);
  default:
    return -ENOMSG;
  }
}

int mcw_igmp_decode_ip4(const uint8_t *pkt, size_t len, struct mcw_addr *src,
                        struct mcw_addr *dst, struct mcw_igmp_msg *m) {
  size_t ihl, total;

  memset(m, 0, sizeof(*m));
  if (len < 20 || pkt[0] >> 4 != 4)
    return -EBADMSG;
  ihl = (size_t)(pkt[0] & 0x0f) * 4;
  total = rd16(pkt + 2);
  if (ihl < 20 || total < ihl || ihl > len || pkt[9] != 2)
    return -EBADMSG;
  if ((rd16(pkt + 6) & 0x3fff) != 0)
    return -EBADMSG; /* a fragment: IGMP is never fragmented */
  if (total > len)
    return -EBADMSG; /* cut short */
  set_addr(src, AF_INET, pkt + 12);
  set_addr(dst, AF_INET, pkt + 16);
  return mcw_igmp_decode(pkt + ihl, total - ihl, m);
}
