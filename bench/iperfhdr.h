/*
 * The start of every benchmark datagram: iperf2's UDP datagram header, so
 * that iperf's server counts the same traffic as the other receivers. A
 * 32-bit sequence number, the send time (seconds, microseconds), the upper
 * half of a 64-bit sequence number (the sign only) and a zeroed client
 * header (no options); all in network byte order.
 */
#ifndef MCW_BENCH_IPERFHDR_H
#define MCW_BENCH_IPERFHDR_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#define MCW_IPERF_HEADER 40 /* UDP datagram header (16) and client header */

/* Writes the header for sequence number id, sent at sec.usec, into p. */
static inline void mcw_iperf_header(uint8_t *p, int32_t id, uint32_t sec,
                                    uint32_t usec) {
  uint32_t w[4];

  w[0] = htonl((uint32_t)id);
  w[1] = htonl(sec);
  w[2] = htonl(usec);
  w[3] = id < 0 ? 0xffffffffu : 0;
  memcpy(p, w, sizeof(w));
  memset(p + sizeof(w), 0, MCW_IPERF_HEADER - sizeof(w));
}

#endif
