/*
 * IP and UDP headers for captured datagrams (see ipframe.h). The checksum
 * is the Internet checksum (RFC 1071): a ones' complement sum of 16-bit
 * words, folded; for UDP it runs over a pseudo-header of addresses,
 * protocol and length (RFC 768, RFC 8200 section 8.1), the UDP header and
 * the payload.
 */
#include "mcwatch/ipframe.h"

#include <errno.h>
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
