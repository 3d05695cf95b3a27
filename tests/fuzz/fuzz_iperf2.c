/*
 * Fuzzes the iperf 2 header parser, then a stream of the input cut into
 * 16-byte headers. Invariants: a parsed header has microseconds below a
 * million (so its send time is consistent), a FIN's number is the
 * magnitude of a negative one, and the stream's lost <= expected.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/foreign.h"
#include "mcwatch/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_iperf2 h;
  struct mcw_stream st;
  struct mcw_stream_figures f;

  if (mcw_iperf2_parse(data, size, &h) == 0) {
    if (size < 16 || h.send_ns % 1000 != 0 || (h.fin && h.seq == 0))
      abort();
  }
  mcw_stream_init(&st);
  for (size_t off = 0; off + 16 <= size; off += 16) {
    struct mcw_datagram d;
    memset(&d, 0, sizeof(d));
    d.data = data + off;
    d.len = d.caplen = 16;
    d.ts_ns = (int64_t)off * 1000;
    mcw_stream_account(&st, &d, NULL);
  }
  mcw_stream_figures(&st, &f);
  if (f.lost > f.expected)
    abort();
  mcw_stream_free(&st, NULL);
  return 0;
}
