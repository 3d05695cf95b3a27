/*
 * Compact addresses. struct mcw_addr holds a family, a port in host order,
 * an IPv6 scope and sixteen address bytes in network order, of which IPv4
 * uses the first four; the other twelve stay zero, so two addresses can be
 * compared and hashed without looking at the family twice. Parsing and
 * formatting go through inet_pton and inet_ntop, which are pure library
 * calls: nothing here opens a socket or looks up a name.
 */
#include "mcwatch/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Number of address bytes a family uses; 0 for an unset address. */
static size_t addr_len(const struct mcw_addr *a) {
  switch (a->family) {
  case AF_INET:
    return 4;
  case AF_INET6:
    return 16;
  default:
    return 0;
  }
}

/* True when every byte of p[0..n) is zero. */
static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return false;
  return true;
}

/* Parses a bare IPv4 or IPv6 address; on -EINVAL out is untouched. */
int mcw_addr_parse(const char *text, struct mcw_addr *out) {
  struct mcw_addr a;
  size_t n;

  if (text == NULL || text[0] == '\0')
    return -EINVAL;
  /* Only hex digits, colons and dots: no brackets, ports, zones or spaces. */
  n = strspn(text, "0123456789abcdefABCDEF:.");
  if (text[n] != '\0' || n >= INET6_ADDRSTRLEN)
    return -EINVAL;
  memset(&a, 0, sizeof(a));
  if (inet_pton(AF_INET, text, a.bytes) == 1) {
    a.family = AF_INET;
  } else if (inet_pton(AF_INET6, text, a.bytes) == 1) {
    a.family = AF_INET6;
  } else {
    return -EINVAL;
  }
  *out = a;
  return 0;
}

/* Copies an AF_INET or AF_INET6 socket address into a. */
int mcw_addr_from_sockaddr(struct mcw_addr *a, const struct sockaddr *sa) {
  if (sa == NULL)
    return -EAFNOSUPPORT;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
    memset(a, 0, sizeof(*a));
    a->family = AF_INET;
    a->port = ntohs(sin->sin_port);
    memcpy(a->bytes, &sin->sin_addr, 4);
    return 0;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
    memset(a, 0, sizeof(*a));
    a->family = AF_INET6;
    a->port = ntohs(sin6->sin6_port);
    a->scope_id = sin6->sin6_scope_id;
    memcpy(a->bytes, &sin6->sin6_addr, 16);
    return 0;
  }
  return -EAFNOSUPPORT;
}

/* Writes a into ss and returns the socket address length, 0 when unset. */
socklen_t mcw_addr_to_sockaddr(const struct mcw_addr *a,
                               struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof(*ss));
  if (a->family == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(a->port);
    memcpy(&sin->sin_addr, a->bytes, 4);
    return sizeof(*sin);
  }
  if (a->family == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(a->port);
    sin6->sin6_scope_id = a->scope_id;
    memcpy(&sin6->sin6_addr, a->bytes, 16);
    return sizeof(*sin6);
  }
  return 0;
}

/* Formats the address alone; an unset or unfittable address gives "". */
/* Dotted quad without printf: this runs for every datagram shown. */
static void format_v4(const uint8_t *b, char *out) {
  for (int i = 0; i < 4; i++) {
    unsigned v = b[i];
    if (v >= 100)
      *out++ = (char)('0' + v / 100);
    if (v >= 10)
      *out++ = (char)('0' + v / 10 % 10);
    *out++ = (char)('0' + v % 10);
    *out++ = i < 3 ? '.' : '\0';
  }
}

const char *mcw_addr_format(const struct mcw_addr *a, char *buf, size_t len) {
  if (len == 0)
    return buf;
  buf[0] = '\0';
  if (a->family == AF_INET && len >= 16) {
    format_v4(a->bytes, buf);
    return buf;
  }
  if (addr_len(a) == 0 ||
      inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
    buf[0] = '\0';
  return buf;
}

/* Formats address and port, IPv6 in brackets; an unset address gives "". */
const char *mcw_addr_format_port(const struct mcw_addr *a, char *buf,
                                 size_t len) {
  char host[INET6_ADDRSTRLEN];

  if (len == 0)
    return buf;
  buf[0] = '\0';
  if (addr_len(a) == 0)
    return buf;
  mcw_addr_format(a, host, sizeof(host));
  if (a->family == AF_INET6)
    snprintf(buf, len, "[%s]:%u", host, (unsigned)a->port);
  else
    snprintf(buf, len, "%s:%u", host, (unsigned)a->port);
  return buf;
}

/* Compares family, address bytes and port; the scope is ignored. */
bool mcw_addr_equal(const struct mcw_addr *a, const struct mcw_addr *b) {
  return a->port == b->port && mcw_addr_same_host(a, b);
}

/* Compares family and address bytes, ignoring port and scope. */
bool mcw_addr_same_host(const struct mcw_addr *a, const struct mcw_addr *b) {
  return a->family == b->family && memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

/* Hashes what mcw_addr_equal compares, so equal addresses hash alike. */
uint32_t mcw_addr_hash(const struct mcw_addr *a) {
  /* FNV-1a, 32 bits, over family, address bytes and port. */
  uint8_t head[4] = {(uint8_t)(a->family >> 8), (uint8_t)a->family,
                     (uint8_t)(a->port >> 8), (uint8_t)a->port};
  uint32_t h = 2166136261u;
  size_t n = addr_len(a);

  for (size_t i = 0; i < sizeof(head); i++)
    h = (h ^ head[i]) * 16777619u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ a->bytes[i]) * 16777619u;
  return h;
}

/* Tells whether a lies in 224.0.0.0/4 or ff00::/8. */
bool mcw_addr_is_multicast(const struct mcw_addr *a) {
  if (a->family == AF_INET)
    return (a->bytes[0] & 0xf0) == 0xe0;
  if (a->family == AF_INET6)
    return a->bytes[0] == 0xff;
  return false;
}

/* Tells whether a lies in 232.0.0.0/8 or ff3x::/32 (RFC 4607). */
bool mcw_addr_is_ssm(const struct mcw_addr *a) {
  if (a->family == AF_INET)
    return a->bytes[0] == 232;
  if (a->family == AF_INET6)
    return a->bytes[0] == 0xff && (a->bytes[1] & 0xf0) == 0x30 &&
           a->bytes[2] == 0 && a->bytes[3] == 0;
  return false;
}

/* Tells whether a can be a sender: not multicast, any, 0/8 or broadcast. */
bool mcw_addr_is_unicast(const struct mcw_addr *a) {
  if (a->family == AF_INET)
    return !mcw_addr_is_multicast(a) && a->bytes[0] != 0 &&
           !(a->bytes[0] == 255 && a->bytes[1] == 255 && a->bytes[2] == 255 &&
             a->bytes[3] == 255);
  /* IPv6, v4-mapped included, follows the IPv6 rules alone. */
  if (a->family == AF_INET6)
    return !mcw_addr_is_multicast(a) && !all_zero(a->bytes, 16);
  return false;
}

/* Tells whether a lies in 127.0.0.0/8 or is ::1. */
bool mcw_addr_is_loopback(const struct mcw_addr *a) {
  if (a->family == AF_INET)
    return a->bytes[0] == 127;
  if (a->family == AF_INET6)
    return all_zero(a->bytes, 15) && a->bytes[15] == 1;
  return false;
}
