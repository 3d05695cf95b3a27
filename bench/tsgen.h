/*
 * The benchmark's MPEG-TS: one continuous byte stream (PAT and PMT every
 * 100 packets, a PCR every 20 on the video PID 0x100 as at 10 Mbit/s,
 * continuity counters in order), cut into datagrams of any size. Used by
 * mcw-render (the cost per TS datagram) and mcw-blast (a TS flood), so
 * every TS analyzer has work: sync, PSI, CC, PCR, MDI.
 */
#ifndef MCW_BENCH_TSGEN_H
#define MCW_BENCH_TSGEN_H

#include <stdint.h>
#include <string.h>

/* Writes TS packet n of the benchmark's stream at p. */
static inline void ts_packet(uint8_t *p, uint64_t n) {
  static const uint8_t pat[] = {0x00, 0x00, 0xb0, 0x0d, 0x00, 0x01,
                                0xc1, 0x00, 0x00, 0x00, 0x01, 0xf0,
                                0x00, 0x2a, 0xb1, 0x04, 0xb2};
  static const uint8_t pmt[] = {0x00, 0x02, 0xb0, 0x12, 0x00, 0x01, 0xc1, 0x00,
                                0x00, 0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00,
                                0xf0, 0x00, 0x15, 0xbd, 0x4d, 0x56};
  unsigned pid = n % 100 == 0 ? 0 : n % 100 == 1 ? 0x1000 : 0x100;
  uint64_t pcr = n * 188 * 8 * 27000000 / 10000000; /* 10 Mbit/s */

  memset(p, 0xff, 188);
  p[0] = 0x47;
  p[1] = (uint8_t)((pid == 0x100 ? 0 : 0x40) | pid >> 8);
  p[2] = (uint8_t)pid;
  p[3] = (uint8_t)(0x10 | ((n / 100) & 15));
  if (pid == 0)
    memcpy(p + 4, pat, sizeof(pat));
  else if (pid == 0x1000)
    memcpy(p + 4, pmt, sizeof(pmt));
  else {
    /* The video PID's own count: every packet but the PAT's and PMT's. */
    uint64_t v = n - 2 * (n / 100) - (n % 100 < 2 ? n % 100 : 2);
    p[3] = (uint8_t)(0x10 | (v & 15));
    if (n % 20 == 2) {
      p[3] |= 0x20;
      p[4] = 7;
      p[5] = 0x10;
      p[6] = (uint8_t)(pcr / 300 >> 25);
      p[7] = (uint8_t)(pcr / 300 >> 17);
      p[8] = (uint8_t)(pcr / 300 >> 9);
      p[9] = (uint8_t)(pcr / 300 >> 1);
      p[10] = (uint8_t)((pcr / 300 & 1) << 7 | 0x7e);
      p[11] = 0;
    }
  }
}

/* Fills size bytes at p from the TS byte stream, at *pos bytes in. */
static inline void ts_fill(uint8_t *p, long size, uint64_t *pos) {
  uint8_t pkt[188];

  for (long i = 0; i < size;) {
    uint64_t n = *pos / 188, off = *pos % 188;
    long k = (long)(188 - off) < size - i ? (long)(188 - off) : size - i;
    ts_packet(pkt, n);
    memcpy(p + i, pkt + off, (size_t)k);
    i += k;
    *pos += (uint64_t)k;
  }
}

#endif
