/*
 * A compact, family-independent IP address with port, used throughout the
 * model instead of struct sockaddr_storage (128 bytes) so that datagram
 * records and sender tables stay small.
 */
#ifndef MCWATCH_ADDR_H
#define MCWATCH_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Enough for "[ffff:...:255.255.255.255%interfacename]:65535". */
#define MCW_ADDRSTRLEN 72

struct mcw_addr {
  uint16_t family;   /* AF_INET, AF_INET6, or 0 when unset */
  uint16_t port;     /* host byte order; 0 when none */
  uint32_t scope_id; /* IPv6 scope (interface index) for link-local */
  uint8_t bytes[16]; /* network byte order; IPv4 uses the first 4 */
};

/* Parses a bare IPv4 or IPv6 address (no port, no brackets); 0 or -EINVAL. */
int mcw_addr_parse(const char *text, struct mcw_addr *out);
/* Fills a from a socket address; returns 0 or -EAFNOSUPPORT. */
int mcw_addr_from_sockaddr(struct mcw_addr *a, const struct sockaddr *sa);
/* Writes a as a socket address; returns its length, or 0 when unset. */
socklen_t mcw_addr_to_sockaddr(const struct mcw_addr *a,
                               struct sockaddr_storage *ss);
/* Formats the address alone ("239.1.2.3", "ff15::1"); returns buf. */
const char *mcw_addr_format(const struct mcw_addr *a, char *buf, size_t len);
/* Formats address and port ("239.1.2.3:5000", "[ff15::1]:5000"). */
const char *mcw_addr_format_port(const struct mcw_addr *a, char *buf,
                                 size_t len);
/* True when both family, bytes and port are equal. */
bool mcw_addr_equal(const struct mcw_addr *a, const struct mcw_addr *b);
/* True when the addresses (not ports) are equal. */
bool mcw_addr_same_host(const struct mcw_addr *a, const struct mcw_addr *b);
/* A hash of family, bytes and port for hash tables. */
uint32_t mcw_addr_hash(const struct mcw_addr *a);
/* True for 224.0.0.0/4 and ff00::/8. */
bool mcw_addr_is_multicast(const struct mcw_addr *a);
/* True for the source-specific ranges 232.0.0.0/8 and ff3x::/32. */
bool mcw_addr_is_ssm(const struct mcw_addr *a);
/* True for an address that can be a sender: not multicast, not any, not
 * broadcast. */
bool mcw_addr_is_unicast(const struct mcw_addr *a);
/* True for 127.0.0.0/8 and ::1. */
bool mcw_addr_is_loopback(const struct mcw_addr *a);

#endif
