/*
 * Payload escaping. The input is walked one unit at a time, where a unit is
 * either a single byte or one well-formed UTF-8 sequence. Each unit is
 * rendered into a small scratch buffer (at most ten bytes: "\u{10ffff}")
 * and copied to the output only when it fits whole together with the
 * terminator, so an escape or a multibyte character is never cut in half
 * and the return value always names a unit boundary.
 *
 * A combining mark is shown raw only right after a character shown raw
 * (its base) and at most MCW_ESC_MARKS_MAX times on one base, so it can
 * never land on an escape, on the cell before the text or past what a
 * terminal cell keeps; mcw_escape carries that state from unit to unit.
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

/* Closed ranges of code points, sorted. */
struct cp_range {
  uint32_t lo, hi;
};

/*
 * Default-ignorable code points (Unicode's DerivedCoreProperties): drawn as
 * nothing, or as blank cells whose width terminals disagree on. They hide
 * or fake text and shift columns, so all are escaped, the zero width
 * joiner included.
 */
static const struct cp_range ignorable[] = {
    {0x00ad, 0x00ad},   {0x034f, 0x034f},   {0x061c, 0x061c},
    {0x115f, 0x1160},   {0x17b4, 0x17b5},   {0x180b, 0x180f},
    {0x200b, 0x200f},   {0x202a, 0x202e},   {0x2060, 0x206f},
    {0x3164, 0x3164},   {0xfe00, 0xfe0f},   {0xfeff, 0xfeff},
    {0xffa0, 0xffa0},   {0xfff0, 0xfff8},   {0x1bca0, 0x1bca3},
    {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff},
};

/* The other format characters (Cf) and the two separators. */
static const struct cp_range format[] = {
    {0x0600, 0x0605},   {0x06dd, 0x06dd},   {0x070f, 0x070f},
    {0x0890, 0x0891},   {0x08e2, 0x08e2},   {0x2028, 0x2029},
    {0xfff9, 0xfffb},   {0x110bd, 0x110bd}, {0x110cd, 0x110cd},
    {0x13430, 0x1343f},
};

static const struct cp_range marks[] = {
#include "escape_marks.h"
};

static bool in_ranges(const struct cp_range *r, size_t n, uint32_t cp) {
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < r[mid].lo)
      hi = mid;
    else if (cp > r[mid].hi)
      lo = mid + 1;
    else
      return true;
  }
  return false;
}

bool mcw_escape_cp_unsafe(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
    return true;
  if (cp < 0xad)
    return false;
  return in_ranges(ignorable, sizeof(ignorable) / sizeof(ignorable[0]), cp) ||
         in_ranges(format, sizeof(format) / sizeof(format[0]), cp) ||
         (cp >= 0xfdd0 && cp <= 0xfdef) || /* noncharacters */
         (cp & 0xfffe) == 0xfffe ||        /* U+FFFE, U+FFFF in every plane */
         (cp >= 0x40000 && cp <= 0xdffff); /* planes 4 to 13: unassigned */
}

bool mcw_escape_cp_mark(uint32_t cp) {
  return cp >= 0x300 && in_ranges(marks, sizeof(marks) / sizeof(marks[0]), cp);
}

bool mcw_escape_cp_raw(uint32_t cp, unsigned flags, unsigned *state) {
  if (cp < 0x80) {
    bool raw =
        cp >= 0x20 && cp < 0x7f && (cp != '\\' || (flags & MCW_ESC_MESSAGE));
    *state = raw ? MCW_ESC_BASE : MCW_ESC_NOBASE;
    return raw;
  }
  if ((flags & MCW_ESC_ASCII) || mcw_escape_cp_unsafe(cp)) {
    *state = MCW_ESC_NOBASE;
    return false;
  }
  if (mcw_escape_cp_mark(cp)) {
    /* Only on a base shown raw, and no more than a terminal cell keeps. */
    if (*state == MCW_ESC_NOBASE || *state > MCW_ESC_MARKS_MAX) {
      *state = MCW_ESC_NOBASE;
      return false;
    }
    (*state)++;
    return true;
  }
  *state = MCW_ESC_BASE;
  return true;
}

size_t mcw_escape_cp(uint32_t cp, char u[MCW_ESC_UNIT_MAX]) {
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
static size_t render_byte(char *u, uint8_t b, bool bad, unsigned flags) {
  if (!bad && b >= 0x20 && b < 0x7f) {
    if (b == '\\' && !(flags & MCW_ESC_MESSAGE)) {
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
                       unsigned *state, char u[MCW_ESC_UNIT_MAX],
                       size_t *used) {
  unsigned start = MCW_ESC_NOBASE;
  uint32_t cp;
  size_t n = mcw_escape_decode(data, len, &cp);

  if (state == NULL)
    state = &start;
  if (n == 0) {
    *used = 1;
    *state = MCW_ESC_NOBASE;
    return render_byte(u, data[0], true, flags);
  }
  *used = n;
  if (n == 1) {
    (void)mcw_escape_cp_raw(cp, flags, state);
    return render_byte(u, data[0], false, flags);
  }
  if (!mcw_escape_cp_raw(cp, flags, state))
    return mcw_escape_cp(cp, u);
  memcpy(u, data, n);
  return n;
}

size_t mcw_escape(const uint8_t *data, size_t len, char *out, size_t outlen,
                  unsigned flags) {
  size_t in = 0, pos = 0;
  unsigned state = MCW_ESC_NOBASE;

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
      if (k > 0)
        state = MCW_ESC_BASE;
      if (k < want)
        break; /* out is full */
      continue;
    }
    n = mcw_escape_unit(data + in, len - in, flags, &state, u, &used);
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
