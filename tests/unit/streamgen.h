/*
 * Builders of synthetic datagrams for the stream tests (test_stream.c,
 * test_figures.c): a datagram record around some bytes, RTP headers and
 * MPEG-TS packets written by hand from their specifications. Probes come
 * from the project's own encoder.
 */
#ifndef MCWATCH_TEST_STREAMGEN_H
#define MCWATCH_TEST_STREAMGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mcwatch/datagram.h"

/* A datagram of len bytes at data, wholly captured, arriving at ts. */
static inline struct mcw_datagram dg(const uint8_t *data, size_t len,
                                     int64_t ts) {
  struct mcw_datagram d;
  memset(&d, 0, sizeof(d));
  d.ts_ns = ts;
  d.data = data;
  d.len = d.caplen = (uint32_t)len;
  return d;
}

/* Writes an RTP header (version 2, no CSRC) and payload bytes; the size. */
static inline size_t rtp(uint8_t *p, uint8_t pt, uint16_t seq, uint32_t ts,
                         uint32_t ssrc, size_t payload) {
  p[0] = 0x80;
  p[1] = pt;
  p[2] = (uint8_t)(seq >> 8);
  p[3] = (uint8_t)seq;
  for (int i = 0; i < 4; i++) {
    p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
    p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
  }
  memset(p + 12, 0xaa, payload);
  return 12 + payload;
}

/* One TS packet: PID, adaptation_field_control, counter, discontinuity. */
static inline void ts_packet(uint8_t *p, unsigned pid, unsigned afc,
                             unsigned cc, bool disc) {
  memset(p, 0xff, 188);
  p[0] = 0x47;
  p[1] = (uint8_t)(pid >> 8);
  p[2] = (uint8_t)pid;
  p[3] = (uint8_t)(afc << 4 | cc);
  if (afc & 2) {
    p[4] = 1;
    p[5] = disc ? 0x80 : 0;
  }
}

#endif
