/*
 * Fuzzes the MPEG-TS continuity checker with arbitrary payloads, split
 * into datagrams at the first byte's choice, as aligned datagrams or (odd
 * first byte) as a byte stream cut anywhere. Invariants: every counter
 * stays within the packets examined, sync losses within sync errors, a
 * kept packet start under 188 bytes, and the PID list is sorted.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "mcwatch/mpegts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint16_t pids[MCW_TS_PIDS];
  struct mcw_ts t;
  size_t chunk, n;

  if (size == 0)
    return 0;
  bool stream = data[0] & 1;
  chunk = stream ? (size_t)data[0] * 7 + 1
                 : (size_t)(data[0] % 8 + 1) * MCW_TS_PACKET;
  data++, size--;
  (void)mcw_ts_looks(data, size);
  mcw_ts_init(&t);
  for (size_t off = 0; off < size; off += chunk)
    if (stream)
      mcw_ts_feed(&t, data + off, size - off < chunk ? size - off : chunk);
    else
      mcw_ts_account(&t, data + off, size - off < chunk ? size - off : chunk);
  if (t.cc_errors > t.packets || t.dups > t.packets || t.tei > t.packets ||
      t.pids > t.packets || t.pids > MCW_TS_PIDS ||
      t.sync_loss > t.sync_errors || t.part_n >= MCW_TS_PACKET)
    abort();
  n = mcw_ts_pid_list(&t, pids, MCW_TS_PIDS);
  if (n != t.pids)
    abort();
  for (size_t i = 1; i < n; i++)
    if (pids[i] <= pids[i - 1])
      abort();
  mcw_ts_free(&t);
  return 0;
}
