/*
 * Big-endian (network order) reads and writes of 16, 32 and 64-bit
 * numbers at any alignment, for the wire formats mcwatch writes itself
 * (probes, beacon messages).
 */
#ifndef MCWATCH_BE_H
#define MCWATCH_BE_H

#include <stdint.h>

static inline void mcw_put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static inline void mcw_put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static inline void mcw_put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static inline uint16_t mcw_get16(const uint8_t *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t mcw_get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static inline uint64_t mcw_get64(const uint8_t *p) {
  return (uint64_t)mcw_get32(p) << 32 | mcw_get32(p + 4);
}

#endif
