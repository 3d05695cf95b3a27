/*
 * Fuzzes the probe decoder with arbitrary datagrams, captured whole or in
 * part. Invariants: the decoded text lies inside the captured bytes, and a
 * decoded probe encodes and decodes again to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t caplen, size_t len) {
  static uint8_t again[MCW_PROBE_MAX];
  struct mcw_probe p, q;
  int n;

  if (mcw_probe_decode(data, caplen, len, &p) != 0)
    return;
  if (p.text_avail > p.text_len ||
      (p.text_avail > 0 &&
       (p.text < data || p.text + p.text_avail > data + caplen)))
    abort(); /* text outside the captured bytes */
  n = mcw_probe_encode(&p, p.text, p.text_avail, 0, again, sizeof(again));
  if (n < 0)
    abort();
  if (mcw_probe_decode(again, (size_t)n, (size_t)n, &q) != 0 ||
      q.sender_id != p.sender_id || q.seq != p.seq || q.send_ns != p.send_ns ||
      q.text_len != p.text_avail || q.text_avail != p.text_avail ||
      (p.text_avail > 0 && memcmp(q.text, p.text, p.text_avail) != 0))
    abort(); /* the round trip changed the probe */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MCW_PROBE_MAX)
    size = MCW_PROBE_MAX;
  check(data, size, size);
  /* The same bytes as the capture of a longer datagram (MSG_TRUNC). */
  check(data, size, size + 100);
  if (size > 0)
    check(data, size / 2, size);
  return 0;
}
