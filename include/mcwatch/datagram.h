/*
 * One received datagram as the engine hands it to the model: borrowed
 * payload bytes plus what the kernel told us about its arrival.
 */
#ifndef MCWATCH_DATAGRAM_H
#define MCWATCH_DATAGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "mcwatch/addr.h"

struct mcw_datagram {
  int64_t ts_ns;       /* arrival, wall clock (kernel timestamp if any) */
  bool kernel_ts;      /* ts_ns came from SO_TIMESTAMPNS */
  struct mcw_addr src; /* sender address and port */
  struct mcw_addr dst; /* destination from packet info (family 0 if none) */
  unsigned ifindex;    /* arrival interface, 0 if unknown */
  uint32_t len;        /* full datagram length */
  bool truncated;      /* longer than the receive buffer (MSG_TRUNC) */
  const uint8_t *data; /* payload bytes, borrowed for the call */
  uint32_t caplen;     /* bytes at data, <= len */
  bool has_ttl;        /* ttl came from IP_TTL / IPV6_HOPLIMIT */
  uint8_t ttl;         /* TTL or hop limit the datagram arrived with */
};

#endif
