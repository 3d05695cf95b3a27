/*
 * Fuzzes the JSON writer's string escaping with arbitrary bytes. The
 * result must be one line of printable, valid UTF-8 text whose string
 * body has no raw control, DEL, quote or unsafe code point. The one-pass
 * payload and hex writers must agree byte for byte with mcw_escape and
 * mcw_hex followed by the string writer.
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
  /* The one-pass payload writer says exactly what mcw_escape followed by
     the string writer says, and the hex writer what mcw_hex says. */
  {
    static char text[MCW_ESC_MAX(4096)], hex[2 * 4096 + 1];
    size_t n = size < 4096 ? size : 4096;
    struct mcw_json a = {0}, b = {0};

    mcw_escape(data, n, text, sizeof(text), 0);
    mcw_json_str(&a, text);
    mcw_json_payload(&b, data, n);
    if (a.len != b.len || memcmp(a.buf, b.buf, a.len + 1) != 0)
      abort();
    mcw_hex(data, n, hex, sizeof(hex));
    mcw_json_reset(&b);
    mcw_json_hex(&b, data, n);
    if (b.len != 2 * n + 2 || memcmp(b.buf + 1, hex, 2 * n) != 0)
      abort();
    mcw_json_free(&a);
    mcw_json_free(&b);
  }
  mcw_json_free(&j);
  return 0;
}
