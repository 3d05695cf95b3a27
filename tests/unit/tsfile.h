/*
 * MPEG-TS sample files for the unit tests (tests/data/, made by
 * tests/data/make-ts-samples.sh with ffmpeg): read whole, chopped into
 * datagrams of any size, and scanned independently of the code under test.
 */
#ifndef MCWATCH_TEST_TSFILE_H
#define MCWATCH_TEST_TSFILE_H

#include <stdio.h>
#include <stdlib.h>

#include "mcwatch/stream.h"
#include "streamgen.h"

/* Reads tests/data/NAME whole; *len is its size. Aborts when missing. */
static inline uint8_t *tsfile_read(const char *name, size_t *len) {
  char path[512];
  FILE *f;
  uint8_t *buf;
  long n;

  snprintf(path, sizeof(path), "%s/%s", MCW_TEST_DATA, name);
  f = fopen(path, "rb");
  if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0)
    abort();
  rewind(f);
  buf = malloc((size_t)n);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
    abort();
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* Feeds len bytes at p to st as datagrams of size bytes, 1 ms apart. */
static inline void tsfile_feed(struct mcw_stream *st,
                               struct mcw_stream_budget *b, const uint8_t *p,
                               size_t len, size_t size, int64_t *t) {
  for (size_t off = 0; off < len; off += size) {
    size_t n = len - off < size ? len - off : size;
    struct mcw_datagram d = dg(p + off, n, *t);
    mcw_stream_account(st, &d, b);
    *t += 1000000;
  }
}

/* The distinct PIDs of whole packets at p, null PID left out; ascending. */
static inline size_t tsfile_pids(const uint8_t *p, size_t len, uint16_t *out,
                                 size_t max) {
  static uint8_t seen[8192];
  size_t n = 0;

  for (size_t i = 0; i < 8192; i++)
    seen[i] = 0;
  for (size_t i = 0; i + 188 <= len; i += 188)
    seen[(p[i + 1] & 0x1f) << 8 | p[i + 2]] = 1;
  for (unsigned pid = 0; pid < 0x1fff && n < max; pid++)
    if (seen[pid])
      out[n++] = (uint16_t)pid;
  return n;
}

#endif
