/*
 * Fuzzes the JSON writer's string escaping with arbitrary bytes. The
 * result must be one line of printable, valid UTF-8 text whose string
 * body has no raw control, DEL, quote or unsafe code point.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/escape.h"
#include "mcwatch/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_json j;
  size_t i = 0, quotes = 0;

  memset(&j, 0, sizeof(j));
  mcw_json_reset(&j);
  mcw_json_open(&j);
  mcw_json_key(&j, "text");
  mcw_json_strn(&j, (const char *)data, size);
  mcw_json_key(&j, "n");
  mcw_json_double(&j, size ? (double)data[0] / 3.0 : -0.0, size % 12);
  mcw_json_close(&j);
  if (strlen(j.buf) != j.len)
    abort(); /* a raw NUL got through */
  while (i < j.len) {
    uint32_t cp;
    size_t k = mcw_escape_decode((const uint8_t *)j.buf + i, j.len - i, &cp);
    if (k == 0 || cp < 0x20 || cp == 0x7f || mcw_escape_cp_unsafe(cp))
      abort();
    if (cp == '"' && (i == 0 || j.buf[i - 1] != '\\'))
      quotes++;
    i += k;
  }
  if (quotes != 6) {
    /* "text" and "n" keys plus the value: an escaped \\ before a quote
       would fool the count, so recount properly only in that case. */
    if (memchr(data, '\\', size) == NULL)
      abort();
  }
  mcw_json_free(&j);
  return 0;
}
