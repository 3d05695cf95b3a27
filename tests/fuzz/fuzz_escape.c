/*
 * Fuzzes the payload-to-screen escaper. Invariants: the output has no byte
 * below 0x20 and no 0x7f, is valid UTF-8 with no unsafe code point (so no
 * zero-width default-ignorable or format character), every raw combining
 * mark sits on a base character shown raw (never at the start or after an
 * escape) with at most MCW_ESC_MARKS_MAX on one base, and it takes every
 * input byte when the buffer is MCW_ESC_MAX(len); a small buffer is never
 * overrun and never split inside an escape. MCW_ESC_MESSAGE output escaped
 * again comes back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_output(const char *out, unsigned flags) {
  const uint8_t *s = (const uint8_t *)out;
  size_t n = strlen(out), i = 0;
  int marks = -1; /* -1: nothing a mark could sit on */

  while (i < n) {
    uint32_t cp;
    size_t k;
    if (s[i] == '\\' && !(flags & MCW_ESC_MESSAGE)) {
      /* An escape (\\, \n, \xHH, \u{...}): no base for a mark. */
      k = s[i + 1] == 'x' ? 4 : s[i + 1] == 'u' ? strcspn(out + i, "}") + 1 : 2;
      if (i + k > n)
        abort();
      i += k;
      marks = -1;
      continue;
    }
    k = mcw_escape_decode(s + i, n - i, &cp);
    if (k == 0 || cp < 0x20 || cp == 0x7f || mcw_escape_cp_unsafe(cp))
      abort();
    if (mcw_escape_cp_mark(cp)) {
      if (!(flags & MCW_ESC_MESSAGE) &&
          (marks < 0 || marks >= MCW_ESC_MARKS_MAX))
        abort(); /* a mark with no base, or too many on one */
      marks++;
    } else {
      marks = 0;
    }
    i += k;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *out;
  size_t cap = MCW_ESC_MAX(size), used, small;

  if (size > 4096)
    size = 4096, cap = MCW_ESC_MAX(size);
  out = malloc(cap);
  for (unsigned flags = 0; flags <= (MCW_ESC_ASCII | MCW_ESC_MESSAGE);
       flags++) {
    if (mcw_escape(data, size, out, cap, flags) != size)
      abort(); /* a big enough buffer takes everything */
    check_output(out, flags);
    if (flags & MCW_ESC_MESSAGE) {
      /* Escaping a message again changes nothing. */
      size_t len = strlen(out);
      char *again = malloc(MCW_ESC_MAX(len));
      if (mcw_escape((const uint8_t *)out, len, again, MCW_ESC_MAX(len),
                     flags) != len ||
          strcmp(again, out) != 0)
        abort();
      free(again);
    }
    if (flags & MCW_ESC_ASCII)
      for (const char *p = out; *p; p++)
        if ((uint8_t)*p >= 0x80)
          abort();
    /* A buffer of a size chosen by the input: exact, never overrun. */
    small = size ? data[0] % 24 : 0;
    char *tiny = malloc(small + 1);
    used = mcw_escape(data, size, tiny, small, flags);
    if (used > size || (small > 0 && strlen(tiny) >= small))
      abort();
    if (small > 0)
      check_output(tiny, flags);
    free(tiny);
  }
  used = mcw_hex(data, size, out, cap);
  if (used != size && cap >= 2 * size + 1)
    abort();
  free(out);
  return 0;
}
