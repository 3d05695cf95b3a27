/*
 * IP and UDP headers for captured datagrams (see ipframe.h). The checksum
 * is the Internet checksum (RFC 1071): a ones' complement sum of 16-bit
 * words, folded; for UDP it runs over a pseudo-header of addresses,
 * protocol and length (RFC 768, RFC 8200 section 8.1), the UDP header and
 * the payload. The other way, mcw_ipframe_decode reads a captured frame
 * (libpcap reads the file; this only reads the link, IP and UDP headers
 * of one record) down to its UDP payload, for `mcwatch send --replay`.
 */
#include "mcwatch/ipframe.h"

#include <errno.h>
#include <pcap/dlt.h>
#include <string.h>

#define IPPROTO_UDP_NUM 17

/* Adds bytes to a running ones' complement sum (n may be odd). */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n) {
  size_t i;

  for (i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)p[i] << 8 | p[i + 1];
  if (i < n)
    sum += (uint32_t)p[i] << 8;
  return sum;
}

static uint16_t fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

int mcw_ipframe_header(uint8_t *out, const struct mcw_addr *src,
                       const struct mcw_addr *dst, const uint8_t *payload,
                       uint32_t caplen, uint32_t len) {
  bool v6 = src->family == AF_INET6;
  size_t alen = v6 ? 16 : 4, ip = v6 ? 40 : 20;
  uint8_t *udp = out + ip, pseudo[40];
  uint32_t udplen = 8 + len, sum;

  if (src->family != dst->family ||
      (src->family != AF_INET && src->family != AF_INET6))
    return -EAFNOSUPPORT;
  if (udplen + (v6 ? 0 : ip) > 65535)
    return -EMSGSIZE;
  memset(out, 0, ip + 8);
  if (v6) {
    out[0] = 0x60;
    put16(out + 4, udplen);
    out[6] = IPPROTO_UDP_NUM;
    out[7] = 1; /* hop limit */
    memcpy(out + 8, src->bytes, 16);
    memcpy(out + 24, dst->bytes, 16);
  } else {
    out[0] = 0x45;
    put16(out + 2, (uint32_t)ip + udplen);
    out[8] = 1; /* TTL */
    out[9] = IPPROTO_UDP_NUM;
    memcpy(out + 12, src->bytes, 4);
    memcpy(out + 16, dst->bytes, 4);
    put16(out + 10, fold(sum_bytes(0, out, 20)));
  }
  put16(udp, src->port);
  put16(udp + 2, dst->port);
  put16(udp + 4, udplen);
  if (caplen < len)
    return (int)(ip + 8); /* not all of it: no checksum */
  /* Pseudo-header: source, destination, then length and protocol. */
  memcpy(pseudo, src->bytes, alen);
  memcpy(pseudo + alen, dst->bytes, alen);
  sum = sum_bytes(0, pseudo, 2 * alen);
  sum += udplen + IPPROTO_UDP_NUM;
  sum = sum_bytes(sum, udp, 8);
  sum = sum_bytes(sum, payload, caplen);
  sum = fold(sum);
  put16(udp + 6, sum == 0 ? 0xffff : sum);
  return (int)(ip + 8);
}

static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8

bool mcw_ipframe_dlt_known(int dlt) {
  switch (dlt) {
  case DLT_NULL:
  case DLT_EN10MB:
  case DLT_RAW:
  case DLT_LOOP:
  case DLT_LINUX_SLL:
  case DLT_LINUX_SLL2:
  case DLT_IPV4:
  case DLT_IPV6:
    return true;
  default:
    return false;
  }
}

/* Reads the UDP header at p (n bytes left in the IP payload, avail in the
 * capture) into out, whose addresses are set. */
static int decode_udp(const uint8_t *p, uint32_t n, uint32_t avail,
                      struct mcw_frame_udp *out) {
  uint32_t ulen;

  if (n < 8 || avail < 8)
    return MCW_FRAME_TRUNCATED;
  ulen = get16(p + 4);
  /* IPv6 jumbograms (length 0) are not UDP over a network we watch. */
  if (ulen < 8 || ulen > n || ulen > avail)
    return MCW_FRAME_TRUNCATED;
  out->src.port = (uint16_t)get16(p);
  out->dst.port = (uint16_t)get16(p + 2);
  out->payload = p + 8;
  out->len = ulen - 8;
  return MCW_FRAME_UDP;
}

static int decode_ipv4(const uint8_t *p, uint32_t avail,
                       struct mcw_frame_udp *out) {
  uint32_t ihl, total;

  if (avail < 20)
    return MCW_FRAME_TRUNCATED;
  ihl = (uint32_t)(p[0] & 0x0f) * 4;
  total = get16(p + 2);
  if (ihl < 20 || total < ihl || avail < ihl)
    return MCW_FRAME_TRUNCATED;
  if ((get16(p + 6) & 0x3fff) != 0) /* more fragments, or an offset */
    return MCW_FRAME_FRAGMENT;
  if (p[9] != IPPROTO_UDP_NUM)
    return MCW_FRAME_NOT_UDP;
  memset(out, 0, sizeof(*out));
  out->src.family = out->dst.family = AF_INET;
  memcpy(out->src.bytes, p + 12, 4);
  memcpy(out->dst.bytes, p + 16, 4);
  return decode_udp(p + ihl, total - ihl, avail - ihl, out);
}

static int decode_ipv6(const uint8_t *p, uint32_t avail,
                       struct mcw_frame_udp *out) {
  uint32_t off = 40, n;
  unsigned next;

  if (avail < 40)
    return MCW_FRAME_TRUNCATED;
  n = get16(p + 4);
  next = p[6];
  /* Extension headers before UDP: hop-by-hop, routing, destination. */
  for (int hops = 0; next != IPPROTO_UDP_NUM; hops++) {
    uint32_t len;
    if (next == 44)
      return MCW_FRAME_FRAGMENT;
    if ((next != 0 && next != 43 && next != 60) || hops >= 8)
      return MCW_FRAME_NOT_UDP;
    if (avail < off + 8 || n < off - 40 + 8)
      return MCW_FRAME_TRUNCATED;
    len = ((uint32_t)p[off + 1] + 1) * 8;
    next = p[off];
    off += len;
    if (off - 40 > n)
      return MCW_FRAME_TRUNCATED;
  }
  if (avail < off)
    return MCW_FRAME_TRUNCATED;
  memset(out, 0, sizeof(*out));
  out->src.family = out->dst.family = AF_INET6;
  memcpy(out->src.bytes, p + 8, 16);
  memcpy(out->dst.bytes, p + 24, 16);
  return decode_udp(p + off, n - (off - 40), avail - off, out);
}

/* Decodes an IP packet whose version is in its first nibble. */
static int decode_ip(const uint8_t *p, uint32_t avail,
                     struct mcw_frame_udp *out) {
  if (avail < 1)
    return MCW_FRAME_TRUNCATED;
  if (p[0] >> 4 == 4)
    return decode_ipv4(p, avail, out);
  if (p[0] >> 4 == 6)
    return decode_ipv6(p, avail, out);
  return MCW_FRAME_NOT_IP;
}

/* Decodes an IP packet after an Ethernet type (VLAN tags already off). */
static int decode_ethertype(uint32_t type, const uint8_t *p, uint32_t avail,
                            struct mcw_frame_udp *out) {
  if (type != ETH_IPV4 && type != ETH_IPV6)
    return MCW_FRAME_NOT_IP;
  return decode_ip(p, avail, out);
}

int mcw_ipframe_decode(int dlt, const uint8_t *f, uint32_t caplen,
                       struct mcw_frame_udp *out) {
  uint32_t type, off;

  switch (dlt) {
  case DLT_RAW:
  case DLT_IPV4:
  case DLT_IPV6:
    return decode_ip(f, caplen, out);
  case DLT_NULL:
  case DLT_LOOP: /* a 4-byte family (host or network order): look at IP */
    if (caplen < 4)
      return MCW_FRAME_TRUNCATED;
    return decode_ip(f + 4, caplen - 4, out);
  case DLT_EN10MB:
    off = 12;
    for (int tags = 0;; tags++) {
      if (caplen < off + 2)
        return MCW_FRAME_TRUNCATED;
      type = get16(f + off);
      if ((type != ETH_VLAN && type != ETH_QINQ) || tags == 2)
        break;
      off += 4;
    }
    return decode_ethertype(type, f + off + 2, caplen - off - 2, out);
  case DLT_LINUX_SLL: /* 16 bytes, protocol last */
    if (caplen < 16)
      return MCW_FRAME_TRUNCATED;
    return decode_ethertype(get16(f + 14), f + 16, caplen - 16, out);
  case DLT_LINUX_SLL2: /* 20 bytes, protocol first */
    if (caplen < 20)
      return MCW_FRAME_TRUNCATED;
    return decode_ethertype(get16(f), f + 20, caplen - 20, out);
  default:
    return -EPROTONOSUPPORT;
  }
}
