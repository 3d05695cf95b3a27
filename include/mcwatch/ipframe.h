/*
 * Rebuilding the IP and UDP headers of a received datagram so that a
 * capture file shows what arrived as raw IP packets: the socket hands over
 * only the payload, its source and its destination. The file format itself
 * is libpcap's business (src/sink/capture.c); this only writes header
 * bytes. Pure: no sockets, no files.
 */
#ifndef MCWATCH_IPFRAME_H
#define MCWATCH_IPFRAME_H

#include <stdint.h>

#include "mcwatch/addr.h"

/* Room for the longest header written: IPv6 (40) plus UDP (8). */
#define MCW_IPFRAME_MAX 48

/*
 * Writes an IPv4 or IPv6 header and a UDP header for a datagram of len
 * payload bytes from src to dst (addresses and ports) into out. The UDP
 * checksum covers payload when all of it was captured (caplen == len),
 * else it is 0 (IPv4: none). The TTL or hop limit is written as 1: the
 * socket does not tell the received one. Returns the header length, or
 * -EAFNOSUPPORT when the families differ or are unset, or -EMSGSIZE.
 */
int mcw_ipframe_header(uint8_t *out, const struct mcw_addr *src,
                       const struct mcw_addr *dst, const uint8_t *payload,
                       uint32_t caplen, uint32_t len);

#endif
