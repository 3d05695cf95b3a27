/*
 * Payload escaping. The input is walked one unit at a time, where a unit is
 * either a single byte or one well-formed UTF-8 sequence. Each unit is
 * rendered into a small scratch buffer (at most ten bytes: "\u{10ffff}")
 * and copied to the output only when it fits whole together with the
 * terminator, so an escape or a multibyte character is never cut in half
 * and the return value always names a unit boundary.
 *
 * Decoding follows Table 3-7 of the Unicode Standard: any byte that does
 * not begin a complete, shortest-form sequence for a scalar value up to
 * U+10FFFF is escaped on its own as \xHH and decoding resumes at the next
 * byte, so one bad byte never swallows good text after it.
 */
#include "mcwatch/escape.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

size_t mcw_escape_decode(const uint8_t *s, size_t len, uint32_t *cp) {
  uint8_t b0, lo = 0x80, hi = 0xbf;
  size_t n;
  uint32_t c;

  if (len == 0)
    return 0;
  b0 = s[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
    c = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    c = b0 & 0x0f;
    if (b0 == 0xe0)
      lo = 0xa0; /* overlong below U+0800 */
    else if (b0 == 0xed)
      hi = 0x9f; /* surrogates U+D800..U+DFFF */
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    c = b0 & 0x07;
    if (b0 == 0xf0)
      lo = 0x90; /* overlong below U+10000 */
    else if (b0 == 0xf4)
      hi = 0x8f; /* beyond U+10FFFF */
  } else {
    return 0; /* continuation byte, C0, C1, F5..FF */
  }
  if (len < n || s[1] < lo || s[1] > hi)
    return 0;
  c = (c << 6) | (s[1] & 0x3f);
  for (size_t i = 2; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3f);
  }
  *cp = c;
  return n;
}

bool mcw_escape_cp_unsafe(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
    return true;
  switch (cp) {
  case 0x061c: /* ARABIC LETTER MARK */
  case 0x200e: /* LEFT-TO-RIGHT MARK */
  case 0x200f: /* RIGHT-TO-LEFT MARK */
  case 0x2028: /* LINE SEPARATOR */
  case 0x2029: /* PARAGRAPH SEPARATOR */
  case 0xfeff: /* ZERO WIDTH NO-BREAK SPACE (BOM) */
    return true;
  default:
    break;
  }
  return (cp >= 0x202a && cp <= 0x202e) || /* LRE RLE PDF LRO RLO */
         (cp >= 0x2066 && cp <= 0x2069) || /* LRI RLI FSI PDI */
         /* Invisible characters that hide or fake text. U+200D (zero
            width joiner) stays: emoji sequences need it. */
         cp == 0x200b || cp == 0x200c ||   /* ZW space, ZW non-joiner */
         (cp >= 0x2060 && cp <= 0x2064) || /* word joiner, invisibles */
         (cp >= 0x206a && cp <= 0x206f) || /* deprecated format controls */
         (cp >= 0xfff9 && cp <= 0xfffb) || /* interlinear annotation */
         (cp >= 0xe0000 && cp <= 0xe007f); /* tag characters */
}

/* Renders \u{hhhh} (at least four hex digits) into u; returns its length. */
static size_t render_cp(char *u, uint32_t cp) {
  char digits[8];
  size_t nd = 0, n = 0;

  do {
    digits[nd++] = hexdigits[cp & 0xf];
    cp >>= 4;
  } while (cp != 0);
  while (nd < 4)
    digits[nd++] = '0';
  u[n++] = '\\';
  u[n++] = 'u';
  u[n++] = '{';
  while (nd > 0)
    u[n++] = digits[--nd];
  u[n++] = '}';
  return n;
}

/* Renders one ASCII byte (or a lone bad byte when bad) into u. */
static size_t render_byte(char *u, uint8_t b, bool bad) {
  if (!bad && b >= 0x20 && b < 0x7f) {
    if (b == '\\') {
      u[0] = u[1] = '\\';
      return 2;
    }
    u[0] = (char)b;
    return 1;
  }
  u[0] = '\\';
  switch (bad ? 0 : b) {
  case '\n':
    u[1] = 'n';
    return 2;
  case '\t':
    u[1] = 't';
    return 2;
  case '\r':
    u[1] = 'r';
    return 2;
  default:
    u[1] = 'x';
    u[2] = hexdigits[b >> 4];
    u[3] = hexdigits[b & 0xf];
    return 4;
  }
}

size_t mcw_escape_unit(const uint8_t *data, size_t len, unsigned flags,
                       char u[MCW_ESC_UNIT_MAX], size_t *used) {
  uint32_t cp;
  size_t n = mcw_escape_decode(data, len, &cp);

  if (n == 0) {
    *used = 1;
    return render_byte(u, data[0], true);
  }
  *used = n;
  if (n == 1)
    return render_byte(u, data[0], false);
  if ((flags & MCW_ESC_ASCII) || mcw_escape_cp_unsafe(cp))
    return render_cp(u, cp);
  memcpy(u, data, n);
  return n;
}

size_t mcw_escape(const uint8_t *data, size_t len, char *out, size_t outlen,
                  unsigned flags) {
  size_t in = 0, pos = 0;

  if (outlen == 0)
    return 0;
  while (in < len) {
    char u[MCW_ESC_UNIT_MAX];
    size_t used, n, run = in;

    /* Hot path: printable ASCII other than '\\' is copied as it is. */
    while (run < len && data[run] >= 0x20 && data[run] < 0x7f &&
           data[run] != '\\')
      run++;
    if (run > in) {
      size_t want = run - in, room = outlen - 1 - pos;
      size_t k = want < room ? want : room;
      memcpy(out + pos, data + in, k);
      pos += k;
      in += k;
      if (k < want)
        break; /* out is full */
      continue;
    }
    n = mcw_escape_unit(data + in, len - in, flags, u, &used);

    if (n >= outlen - pos)
      break; /* would leave no room for the terminator */
    memcpy(out + pos, u, n);
    pos += n;
    in += used;
  }
  out[pos] = '\0';
  return in;
}

#define HEX_ROW(h)                                                             \
  h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" h "8" h "9" h "a" h "b" h    \
    "c" h "d" h "e" h "f"

/* The two hex digits of every byte value, in order. */
static const char hex_pairs[] = HEX_ROW("0") HEX_ROW("1") HEX_ROW("2")
    HEX_ROW("3") HEX_ROW("4") HEX_ROW("5") HEX_ROW("6") HEX_ROW("7")
        HEX_ROW("8") HEX_ROW("9") HEX_ROW("a") HEX_ROW("b") HEX_ROW("c")
            HEX_ROW("d") HEX_ROW("e") HEX_ROW("f");

/* JSON lines carry a hex preview of every datagram: pairs come from a
   table, four bytes a round. */
size_t mcw_hex(const uint8_t *data, size_t len, char *out, size_t outlen) {
  size_t n, i = 0;

  if (outlen == 0)
    return 0;
  n = (outlen - 1) / 2;
  if (n > len)
    n = len;
  for (; i + 4 <= n; i += 4) {
    memcpy(out + 2 * i, hex_pairs + 2 * data[i], 2);
    memcpy(out + 2 * i + 2, hex_pairs + 2 * data[i + 1], 2);
    memcpy(out + 2 * i + 4, hex_pairs + 2 * data[i + 2], 2);
    memcpy(out + 2 * i + 6, hex_pairs + 2 * data[i + 3], 2);
  }
  for (; i < n; i++)
    memcpy(out + 2 * i, hex_pairs + 2 * data[i], 2);
  out[2 * n] = '\0';
  return n;
}
