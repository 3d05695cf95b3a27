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

/* What a captured frame held, as mcw_ipframe_decode tells. */
enum mcw_frame_kind {
  MCW_FRAME_UDP,       /* a whole UDP datagram: payload and addresses */
  MCW_FRAME_NOT_IP,    /* ARP, LLDP, an unknown link header... */
  MCW_FRAME_NOT_UDP,   /* IP, but TCP, ICMP, IGMP... */
  MCW_FRAME_FRAGMENT,  /* an IP fragment (the datagram is not whole) */
  MCW_FRAME_TRUNCATED, /* cut by the capture's snap length, or malformed */
};

/* A UDP datagram found in a captured frame. */
struct mcw_frame_udp {
  struct mcw_addr src, dst; /* addresses and ports */
  const uint8_t *payload;   /* points into the frame */
  uint32_t len;             /* payload bytes */
};

/*
 * Decodes one captured frame of link type dlt (libpcap's DLT_ number:
 * Ethernet with up to two VLAN tags, Linux cooked SLL and SLL2, raw IP,
 * IPv4, IPv6, BSD loopback NULL and LOOP) of caplen captured bytes down to
 * UDP, for IPv4 and IPv6 (skipping IPv6 extension headers). Fills out when
 * the result is MCW_FRAME_UDP. Returns -EPROTONOSUPPORT for a link type it
 * does not know.
 */
int mcw_ipframe_decode(int dlt, const uint8_t *frame, uint32_t caplen,
                       struct mcw_frame_udp *out);
/* Whether mcw_ipframe_decode knows link type dlt. */
bool mcw_ipframe_dlt_known(int dlt);

#endif
