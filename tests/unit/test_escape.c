/*
 * Tests for payload escaping: every byte class by exact expected text,
 * terminal attacks (OSC title, screen clear, CSI as a C1 character), bad
 * UTF-8 of every kind, tight output buffers swept one size at a time, and a
 * property test over pseudo-random buffers checked by an independent UTF-8
 * validator and an unescaper that must give back the original bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"

/* Escapes len bytes into a static buffer that always fits; checks consumed. */
static const char *esc(const void *data, size_t len, unsigned flags) {
  static char out[4096];

  assert_true(MCW_ESC_MAX(len) <= sizeof(out));
  assert_int_equal(mcw_escape(data, len, out, MCW_ESC_MAX(len), flags), len);
  assert_true(strlen(out) < MCW_ESC_MAX(len));
  return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1, 0)
#define ESCA(lit) esc(lit, sizeof(lit) - 1, MCW_ESC_ASCII)

/* Encodes any value up to 0x7FFFFFFF the generic way (no validity checks). */
static size_t encode(uint32_t cp, uint8_t *p) {
  if (cp < 0x80) {
    p[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    p[0] = (uint8_t)(0xc0 | (cp >> 6));
    p[1] = (uint8_t)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    p[0] = (uint8_t)(0xe0 | (cp >> 12));
    p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    p[2] = (uint8_t)(0x80 | (cp & 0x3f));
    return 3;
  }
  p[0] = (uint8_t)(0xf0 | ((cp >> 18) & 0x07));
  p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
  p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
  p[3] = (uint8_t)(0x80 | (cp & 0x3f));
  return 4;
}

/* The code points the output must never contain raw, listed independently. */
static int forbidden(uint32_t cp) {
  static const uint32_t single[] = {0x061c, 0x200b, 0x200c, 0x200e,
                                    0x200f, 0x2028, 0x2029, 0xfeff};

  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
    return 1;
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
    return 1;
  if ((cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) ||
      (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f))
    return 1;
  for (size_t i = 0; i < MCW_ARRAY_LEN(single); i++)
    if (cp == single[i])
      return 1;
  return 0;
}

/*
 * Checks s as strict UTF-8 by counting leading ones and then rejecting
 * overlong forms, surrogates and values beyond U+10FFFF; also rejects any
 * forbidden code point. Returns 1 when s is clean.
 */
static int clean_utf8(const char *str) {
  const uint8_t *s = (const uint8_t *)str;
  size_t n = strlen(str), i = 0;

  while (i < n) {
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    uint8_t b = s[i];
    size_t len = b < 0x80   ? 1
                 : b < 0xc0 ? 0
                 : b < 0xe0 ? 2
                 : b < 0xf0 ? 3
                 : b < 0xf8 ? 4
                            : 0;
    uint32_t cp;

    if (len == 0 || i + len > n)
      return 0;
    cp = len == 1 ? b : (uint32_t)(b & (0x7f >> len));
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    if (forbidden(cp))
      return 0;
    i += len;
  }
  return 1;
}

/* Reverses the escaping of s into out; returns the length or -1 if malformed.
 */
static long unescape(const char *s, uint8_t *out) {
  size_t w = 0;

  while (*s != '\0') {
    unsigned v;
    int used;

    if (*s != '\\') {
      out[w++] = (uint8_t)*s++;
      continue;
    }
    s++;
    switch (*s) {
    case '\\':
      out[w++] = '\\';
      s++;
      break;
    case 'n':
      out[w++] = '\n';
      s++;
      break;
    case 't':
      out[w++] = '\t';
      s++;
      break;
    case 'r':
      out[w++] = '\r';
      s++;
      break;
    case 'x':
      if (sscanf(s, "x%2x%n", &v, &used) != 1 || used != 3)
        return -1;
      out[w++] = (uint8_t)v;
      s += used;
      break;
    case 'u':
      if (sscanf(s, "u{%x}%n", &v, &used) != 1 || used < 7 ||
          s[used - 1] != '}')
        return -1;
      w += encode(v, out + w);
      s += used;
      break;
    default:
      return -1;
    }
  }
  return (long)w;
}

/*
 * True when every raw combining mark in out (mcw_escape's output) sits on a
 * base character shown raw, at most MCW_ESC_MARKS_MAX of them: never at
 * the start, after an escape, or after a backslash shown as "\\".
 */
static bool marks_on_bases(const char *out) {
  const uint8_t *s = (const uint8_t *)out;
  size_t n = strlen(out), i = 0;
  int marks = -1; /* -1: nothing a mark could sit on */

  while (i < n) {
    uint32_t cp;
    size_t k;
    if (s[i] == '\\') { /* an escape: \\, \n, \xHH or \u{...} */
      k = s[i + 1] == 'x' ? 4 : s[i + 1] == 'u' ? strcspn(out + i, "}") + 1 : 2;
      i += k;
      marks = -1;
      continue;
    }
    k = mcw_escape_decode(s + i, n - i, &cp);
    if (k == 0)
      return false;
    if (mcw_escape_cp_mark(cp)) {
      if (marks < 0 || marks >= MCW_ESC_MARKS_MAX)
        return false;
      marks++;
    } else {
      marks = 0;
    }
    i += k;
  }
  return true;
}

static void test_ascii_passes(void **state) {
  assert_string_equal(ESC(""), "");
  assert_string_equal(ESC("hello, world ~!{}[]\"'`"),
                      "hello, world ~!{}[]\"'`");
  assert_string_equal(ESC("a\\b"), "a\\\\b");
  assert_string_equal(ESC("\\\\"), "\\\\\\\\");
  assert_string_equal(ESC("a\nb\tc\rd"), "a\\nb\\tc\\rd");
}

static void test_every_c0_and_del(void **state) {
  char expect[8];

  for (unsigned b = 0; b < 0x20; b++) {
    uint8_t in = (uint8_t)b;
    const char *out = esc(&in, 1, 0);

    if (b == '\n')
      strcpy(expect, "\\n");
    else if (b == '\t')
      strcpy(expect, "\\t");
    else if (b == '\r')
      strcpy(expect, "\\r");
    else
      snprintf(expect, sizeof(expect), "\\x%02x", b);
    assert_string_equal(out, expect);
  }
  assert_string_equal(ESC("\x7f"), "\\x7f");
  assert_string_equal(ESC("\x1b\x1f"), "\\x1b\\x1f");
  /* A NUL byte is data, not the end of the input. */
  assert_string_equal(ESC("a\0b"), "a\\x00b");
}

static void test_terminal_attacks(void **state) {
  static const char *const attacks[] = {
      "\x1b]0;pwned\x07",        /* OSC: set window title */
      "\x1b[2J",                 /* CSI: clear screen */
      "\x1b]8;;http://x/\x1b\\", /* OSC 8 hyperlink, ST terminator */
      "\x9b?25l",                /* raw 8-bit CSI: hide the cursor */
      "\xc2\x9b?25l",            /* the same CSI as a UTF-8 C1 character */
      "\xc2\x9d;t\xc2\x9c",      /* OSC ... ST as UTF-8 C1 characters */
  };

  assert_string_equal(ESC("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
  assert_string_equal(ESC("\x1b[2J"), "\\x1b[2J");
  assert_string_equal(ESC("\x9b?25l"), "\\x9b?25l");
  assert_string_equal(ESC("\xc2\x9b?25l"), "\\u{009b}?25l");
  for (size_t i = 0; i < MCW_ARRAY_LEN(attacks); i++) {
    const char *out = esc(attacks[i], strlen(attacks[i]), 0);

    for (const char *p = out; *p != '\0'; p++)
      assert_true((uint8_t)*p >= 0x20 && (uint8_t)*p != 0x7f);
    assert_true(clean_utf8(out));
    assert_true(marks_on_bases(out));
  }
}

static void test_c1(void **state) {
  char expect[16];

  for (unsigned b = 0x80; b < 0xa0; b++) {
    uint8_t raw = (uint8_t)b, utf8[2] = {0xc2, (uint8_t)b};

    snprintf(expect, sizeof(expect), "\\x%02x", b);
    assert_string_equal(esc(&raw, 1, 0), expect);
    snprintf(expect, sizeof(expect), "\\u{%04x}", b);
    assert_string_equal(esc(utf8, 2, 0), expect);
  }
  assert_string_equal(ESC("\xc2\xa0"), "\xc2\xa0"); /* NO-BREAK SPACE passes */
}

static void test_overlong(void **state) {
  assert_string_equal(ESC("\xc0\xaf"), "\\xc0\\xaf");
  assert_string_equal(ESC("\xc1\xbf"), "\\xc1\\xbf");
  assert_string_equal(ESC("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
  assert_string_equal(ESC("\xe0\x9f\xbf"), "\\xe0\\x9f\\xbf");
  assert_string_equal(ESC("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
  assert_string_equal(ESC("\xf0\x8f\xbf\xbf"), "\\xf0\\x8f\\xbf\\xbf");
  /* An overlong NUL or ESC must not sneak a control through. */
  assert_string_equal(ESC("\xc0\x80"), "\\xc0\\x80");
  assert_string_equal(ESC("\xc0\x9b"), "\\xc0\\x9b");
  /* The shortest forms just above the limits pass. */
  assert_string_equal(ESC("\xe0\xa0\x80"), "\xe0\xa0\x80");
  assert_string_equal(ESC("\xf0\x90\x80\x80"), "\xf0\x90\x80\x80");
}

static void test_surrogates_and_range(void **state) {
  assert_string_equal(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80");
  assert_string_equal(ESC("\xed\xbf\xbf"), "\\xed\\xbf\\xbf");
  assert_string_equal(ESC("\xed\x9e\xa3"), "\xed\x9e\xa3"); /* U+D7A3 */
  /* U+D7FF (a Hangul final jamo) alone has no base: escaped. */
  assert_string_equal(ESC("\xed\x9f\xbf"), "\\u{d7ff}");
  assert_string_equal(ESC("\xee\x80\x80"), "\xee\x80\x80"); /* U+E000 */
  assert_string_equal(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
  assert_string_equal(ESC("\xf4\x8f\xbf\xbd"),
                      "\xf4\x8f\xbf\xbd"); /* U+10FFFD */
  assert_string_equal(ESC("\xf4\x8f\xbf\xbf"),
                      "\\u{10ffff}"); /* a noncharacter */
  assert_string_equal(ESC("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
  assert_string_equal(ESC("\xf8\xfe\xff"), "\\xf8\\xfe\\xff");
  assert_string_equal(ESC("\xbf"), "\\xbf"); /* lone continuation */
}

static void test_truncated_and_resync(void **state) {
  assert_string_equal(ESC("\xc3"), "\\xc3");
  assert_string_equal(ESC("ab\xe2\x82"), "ab\\xe2\\x82");
  assert_string_equal(ESC("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
  assert_string_equal(ESC("\xe2\x82Z"), "\\xe2\\x82Z");
  assert_string_equal(ESC("\xe2\x82\xe2\x82\xac"), "\\xe2\\x82\xe2\x82\xac");
  assert_string_equal(ESC("\xff\xc3\xa9"), "\\xff\xc3\xa9");
  assert_string_equal(ESC("\xc3\xc3\xa9"), "\\xc3\xc3\xa9");
  assert_string_equal(ESC("\xf0\x9f\x98\n"), "\\xf0\\x9f\\x98\\n");
}

static void test_bidi_and_invisible(void **state) {
  static const uint32_t escaped[] = {
      0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066,
      0x2067, 0x2068, 0x2069, 0x2028, 0x2029, 0xfeff,
      /* invisible: zero width space and non-joiner, word joiner and
         invisible operators, deprecated format controls, interlinear
         annotation, tags */
      0x200b, 0x200c, 0x2060, 0x2064, 0x206a, 0x206f, 0xfff9, 0xfffb, 0xe0000,
      0xe0041, 0xe007f,
      /* zero width: every default-ignorable code point (the joiner, the
         soft hyphen, the combining grapheme joiner, the Hangul fillers,
         variation selectors...), the other format characters,
         noncharacters, the unassigned planes 4 to 13 */
      0x00ad, 0x034f, 0x115f, 0x1160, 0x17b4, 0x180b, 0x180e, 0x180f, 0x200d,
      0x2065, 0x3164, 0xfe00, 0xfe0f, 0xffa0, 0xfff0, 0xfff8, 0x1bca0, 0x1d173,
      0xe0080, 0xe0100, 0xe01ef, 0xe0fff, 0x0600, 0x06dd, 0x070f, 0x08e2,
      0x110bd, 0x13430, 0xfdd0, 0xfdef, 0xfffe, 0xffff, 0x1fffe, 0x10ffff,
      0x40000, 0xdffff};
  static const uint32_t passed[] = {
      0x061b, 0x061d, 0x2027, 0x202f, 0x2070, 0xfefe,  0xfffc,  0xff01,
      0x00ac, 0x00ae, 0x115e, 0x3163, 0xffa1, 0xf0000, 0x30000, 0x1f600};
  uint8_t in[4];
  char expect[16];

  assert_string_equal(ESC("\xe2\x80\xae"), "\\u{202e}");
  assert_string_equal(ESC("evil\xe2\x80\xaegnp.exe"), "evil\\u{202e}gnp.exe");
  for (size_t i = 0; i < MCW_ARRAY_LEN(escaped); i++) {
    size_t n = encode(escaped[i], in);

    snprintf(expect, sizeof(expect), "\\u{%04x}", (unsigned)escaped[i]);
    assert_string_equal(esc(in, n, 0), expect);
    assert_true(mcw_escape_cp_unsafe(escaped[i]));
  }
  for (size_t i = 0; i < MCW_ARRAY_LEN(passed); i++) {
    size_t n = encode(passed[i], in);

    assert_memory_equal(esc(in, n, 0), in, n);
    assert_false(mcw_escape_cp_unsafe(passed[i]));
  }
}

static void test_multibyte_passes(void **state) {
  assert_string_equal(ESC("caf\xc3\xa9"), "caf\xc3\xa9");
  assert_string_equal(ESC("\xe6\x97\xa5\xe6\x9c\xac"),
                      "\xe6\x97\xa5\xe6\x9c\xac");
  assert_string_equal(ESC("\xf0\x9f\x98\x80!"), "\xf0\x9f\x98\x80!");
  assert_string_equal(ESC("\xe2\x82\xac 5"), "\xe2\x82\xac 5");
  /* A zero width joiner is escaped even inside an emoji sequence: how
     wide the joined glyph is differs from one terminal to the next. */
  assert_string_equal(ESC("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb"),
                      "\xf0\x9f\x91\xa9\\u{200d}\xf0\x9f\x92\xbb");
}

static void test_ascii_flag(void **state) {
  assert_string_equal(ESCA("caf\xc3\xa9"), "caf\\u{00e9}");
  assert_string_equal(ESCA("\xe6\x97\xa5\xe6\x9c\xac"), "\\u{65e5}\\u{672c}");
  assert_string_equal(ESCA("\xf0\x9f\x98\x80"), "\\u{1f600}");
  assert_string_equal(ESCA("\xf4\x8f\xbf\xbf"), "\\u{10ffff}");
  assert_string_equal(ESCA("\xc2\x9b\xe2\x80\xae"), "\\u{009b}\\u{202e}");
  assert_string_equal(ESCA("a\\\n\x1b\xff\xc3"), "a\\\\\\n\\x1b\\xff\\xc3");
  assert_string_equal(ESCA("plain"), "plain");
}

/* One input unit and its rendering, with and without MCW_ESC_ASCII. */
struct unit {
  const char *in, *out, *ascii;
};

static const struct unit units[] = {
    {"A", "A", "A"},
    {"\\", "\\\\", "\\\\"},
    {"\n", "\\n", "\\n"},
    {"\x1b", "\\x1b", "\\x1b"},
    {"\xc3\xa9", "\xc3\xa9", "\\u{00e9}"},
    {"\xe2\x80\xae", "\\u{202e}", "\\u{202e}"},
    {"z", "z", "z"},
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\\u{1f600}"},
    {"\xc0", "\\xc0", "\\xc0"},
    {"\xaf", "\\xaf", "\\xaf"},
    {"\xe6\x97\xa5", "\xe6\x97\xa5", "\\u{65e5}"},
    {"\xc2\x9b", "\\u{009b}", "\\u{009b}"},
    {"\t", "\\t", "\\t"},
    {"\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd", "\\u{10fffd}"},
    {"\x7f", "\\x7f", "\\x7f"},
    {"\xe2", "\\xe2", "\\xe2"}, /* truncated at the end of the input */
    {"\x82", "\\x82", "\\x82"},
};

/* Sweeps every output size over the unit list, checking each boundary. */
static void sweep(unsigned flags) {
  uint8_t in[128];
  char full[256], out[256 + 16];
  size_t nin = 0, nfull = 0;

  full[0] = '\0';
  for (size_t u = 0; u < MCW_ARRAY_LEN(units); u++) {
    const char *r = flags & MCW_ESC_ASCII ? units[u].ascii : units[u].out;

    memcpy(in + nin, units[u].in, strlen(units[u].in));
    nin += strlen(units[u].in);
    strcat(full, r);
  }
  nfull = strlen(full);
  assert_string_equal(esc(in, nin, flags), full);
  for (size_t outlen = 0; outlen <= nfull + 2; outlen++) {
    size_t want_in = 0, want_out = 0, got;

    /* The expected result: as many whole units as fit before the NUL. */
    for (size_t u = 0; u < MCW_ARRAY_LEN(units); u++) {
      const char *r = flags & MCW_ESC_ASCII ? units[u].ascii : units[u].out;

      if (outlen == 0 || want_out + strlen(r) > outlen - 1)
        break;
      want_out += strlen(r);
      want_in += strlen(units[u].in);
    }
    memset(out, 0xaa, sizeof(out));
    got = mcw_escape(in, nin, out, outlen, flags);
    assert_int_equal(got, want_in);
    for (size_t k = outlen; k < sizeof(out); k++)
      assert_int_equal((uint8_t)out[k], 0xaa); /* nothing past outlen */
    if (outlen == 0)
      continue;
    assert_int_equal(strlen(out), want_out);
    assert_memory_equal(out, full, want_out);
  }
}

static void test_small_buffers(void **state) {
  sweep(0);
  sweep(MCW_ESC_ASCII);
}

static void test_small_buffer_edges(void **state) {
  char out[8];

  memset(out, 'x', sizeof(out));
  assert_int_equal(mcw_escape((const uint8_t *)"abc", 3, out, 1, 0), 0);
  assert_string_equal(out, "");
  /* "\x1b" needs four bytes plus the terminator: four is not enough. */
  assert_int_equal(mcw_escape((const uint8_t *)"\x1b", 1, out, 4, 0), 0);
  assert_string_equal(out, "");
  assert_int_equal(mcw_escape((const uint8_t *)"\x1b", 1, out, 5, 0), 1);
  assert_string_equal(out, "\\x1b");
  /* A two-byte character is not cut after its first byte. */
  assert_int_equal(mcw_escape((const uint8_t *)"a\xc3\xa9", 3, out, 3, 0), 1);
  assert_string_equal(out, "a");
  assert_int_equal(mcw_escape(NULL, 0, out, 8, 0), 0);
  assert_string_equal(out, "");
  assert_int_equal(mcw_escape((const uint8_t *)"a", 1, NULL, 0, 0), 0);
}

static void test_worst_case_size(void **state) {
  uint8_t in[64];
  char out[MCW_ESC_MAX(64)];

  /* The most expensive units cost exactly four bytes per input byte. */
  memset(in, 0x01, sizeof(in));
  assert_int_equal(mcw_escape(in, sizeof(in), out, sizeof(out), 0), sizeof(in));
  assert_int_equal(strlen(out), 4 * sizeof(in));
  for (size_t i = 0; i < sizeof(in); i += 2) {
    in[i] = 0xc3;
    in[i + 1] = 0xa9;
  }
  assert_int_equal(mcw_escape(in, sizeof(in), out, sizeof(out), MCW_ESC_ASCII),
                   sizeof(in));
  assert_int_equal(strlen(out), 4 * sizeof(in));
}

static void test_hex(void **state) {
  static const uint8_t in[] = {0x00, 0xff, 0x1b, 0xab, 0x10};
  char out[32];

  assert_int_equal(mcw_hex(in, sizeof(in), out, sizeof(out)), sizeof(in));
  assert_string_equal(out, "00ff1bab10");
  assert_int_equal(mcw_hex(in, 0, out, sizeof(out)), 0);
  assert_string_equal(out, "");
  for (size_t outlen = 0; outlen < 16; outlen++) {
    size_t want = outlen == 0 ? 0 : (outlen - 1) / 2;

    if (want > sizeof(in))
      want = sizeof(in);
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(mcw_hex(in, sizeof(in), out, outlen), want);
    for (size_t k = outlen; k < sizeof(out); k++)
      assert_int_equal((uint8_t)out[k], 0xaa);
    if (outlen > 0) {
      assert_int_equal(strlen(out), 2 * want);
      assert_memory_equal(out, "00ff1bab10", 2 * want);
    }
  }
}

static void test_decode(void **state) {
  uint32_t cp = 0;

  assert_int_equal(mcw_escape_decode((const uint8_t *)"A", 1, &cp), 1);
  assert_int_equal(cp, 'A');
  assert_int_equal(mcw_escape_decode((const uint8_t *)"\xc3\xa9", 2, &cp), 2);
  assert_int_equal(cp, 0xe9);
  assert_int_equal(
      mcw_escape_decode((const uint8_t *)"\xf0\x9f\x98\x80", 4, &cp), 4);
  assert_int_equal(cp, 0x1f600);
  assert_int_equal(mcw_escape_decode((const uint8_t *)"\xc3\xa9", 1, &cp), 0);
  assert_int_equal(mcw_escape_decode((const uint8_t *)"\xed\xa0\x80", 3, &cp),
                   0);
  assert_int_equal(mcw_escape_decode((const uint8_t *)"\xe2\x28\xa1", 3, &cp),
                   0);
  assert_int_equal(mcw_escape_decode((const uint8_t *)"", 0, &cp), 0);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* xorshift64: a fixed, portable sequence. */
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 32);
}

/* Fills buf with a mix of noise and near-miss UTF-8; returns its length. */
static size_t random_buffer(uint8_t *buf, size_t max) {
  static const uint32_t nasty[] = {
      0x80,   0x9b,    0x9f,     0x061c, 0x200e, 0x202e,   0x2066,
      0x2069, 0x2028,  0xfeff,   0xd800, 0xdfff, 0x110000, 0xe9,
      0x65e5, 0x1f600, 0x10ffff, 0x7ff,  0x800,  0xffff,   0x0301,
      0x0301, 0x20dd,  0x1161,   0x200d, 0x00ad, 0x3164,   0xfe0f};
  static const char ascii[] = "\\\n\t\r\x1b\x7f\x07 ~Az";
  size_t n = 0, target = rnd() % (max - 4);

  while (n < target) {
    uint32_t r = rnd();
    size_t k;

    switch (r % 8) {
    case 0:
    case 1:
      buf[n++] = (uint8_t)(r >> 8);
      break;
    case 2:
      buf[n++] = (uint8_t)ascii[(r >> 8) % sizeof(ascii)]; /* NUL too */
      break;
    case 3:
      n += encode(nasty[(r >> 8) % MCW_ARRAY_LEN(nasty)], buf + n);
      break;
    case 4:
      n += encode((r >> 8) % 0x110000, buf + n);
      break;
    case 5: /* a sequence missing its last byte */
      k = encode(0x80 + (r >> 8) % 0x10ff80, buf + n);
      n += k - 1;
      break;
    case 6:
      buf[n++] = (uint8_t)(0x80 + (r >> 8) % 0x40);
      break;
    default:
      buf[n++] = (uint8_t)(0xc0 + (r >> 8) % 0x40);
      break;
    }
  }
  return n;
}

static void test_zero_width(void **state) {
  /* The characters that shifted rows on screen, alone and in text. */
  static const uint32_t listed[] = {0x200d, 0x00ad, 0x034f, 0x115f,
                                    0x1160, 0x3164, 0xffa0, 0x200b,
                                    0x200c, 0x2060, 0xfeff, 0xfe0f};
  for (size_t i = 0; i < MCW_ARRAY_LEN(listed); i++) {
    uint8_t in[8] = {'a'};
    char expect[32];
    size_t n = encode(listed[i], in + 1);

    in[n + 1] = 'b';
    snprintf(expect, sizeof(expect), "a\\u{%04x}b", (unsigned)listed[i]);
    assert_string_equal(esc(in, n + 2, 0), expect);
    assert_true(mcw_escape_cp_unsafe(listed[i]));
  }
}

static void test_combining_marks(void **state) {
  /* On a base shown raw, marks pass: decomposed text reads as it is. */
  assert_string_equal(ESC("e\xcc\x81t\xc3\xa9"), "e\xcc\x81t\xc3\xa9");
  assert_string_equal(ESC(" \xcc\x81"), " \xcc\x81");
  assert_string_equal(ESC("\xe6\x97\xa5\xe2\x83\x9d"),
                      "\xe6\x97\xa5\xe2\x83\x9d");
  /* Hangul: a leading jamo takes a vowel jamo; a vowel alone is escaped. */
  assert_string_equal(ESC("\xe1\x84\x80\xe1\x85\xa1"),
                      "\xe1\x84\x80\xe1\x85\xa1");
  assert_string_equal(ESC("\xe1\x85\xa1"), "\\u{1161}");
  /* Leading marks: at the start, after an escape, after a backslash. */
  assert_string_equal(ESC("\xcc\x81"
                          "ab"),
                      "\\u{0301}ab");
  assert_string_equal(ESC("\x1b\xcc\x81"), "\\x1b\\u{0301}");
  assert_string_equal(ESC("\n\xcc\x81"), "\\n\\u{0301}");
  assert_string_equal(ESC("\\\xcc\x81"), "\\\\\\u{0301}");
  assert_string_equal(ESC("\xe2\x80\x8d\xcc\x81"), "\\u{200d}\\u{0301}");
  assert_string_equal(ESC("\xff\xcc\x81"), "\\xff\\u{0301}");
  /* Four marks on one base pass; the fifth and those after it do not. */
  assert_string_equal(ESC("a\xcc\x81\xcc\x82\xcc\x83\xcc\x84"),
                      "a\xcc\x81\xcc\x82\xcc\x83\xcc\x84");
  assert_string_equal(
      ESC("a\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86"
          "b\xcc\x87"),
      "a\xcc\x81\xcc\x82\xcc\x83\xcc\x84\\u{0305}\\u{0306}b\xcc\x87");
  /* Outside UTF-8 every mark is escaped like any non-ASCII. */
  assert_string_equal(ESCA("e\xcc\x81"), "e\\u{0301}");
  assert_true(mcw_escape_cp_mark(0x0301));
  assert_true(mcw_escape_cp_mark(0x20dd));
  assert_true(mcw_escape_cp_mark(0x1161));
  assert_false(mcw_escape_cp_mark(0x0300 - 1));
  assert_false(mcw_escape_cp_mark('e'));
  assert_false(mcw_escape_cp_mark(0x034f)); /* escaped always instead */
  assert_false(mcw_escape_cp_mark(0x0903)); /* a spacing mark: one cell */
}

static void test_unit_state(void **state) {
  unsigned st = MCW_ESC_NOBASE;
  char u[MCW_ESC_UNIT_MAX];
  size_t used;

  /* A unit with no state is at the start of a text. */
  assert_int_equal(
      mcw_escape_unit((const uint8_t *)"\xcc\x81", 2, 0, NULL, u, &used), 8);
  assert_memory_equal(u, "\\u{0301}", 8);
  assert_int_equal(mcw_escape_unit((const uint8_t *)"e", 1, 0, &st, u, &used),
                   1);
  assert_int_equal(st, MCW_ESC_BASE);
  assert_int_equal(
      mcw_escape_unit((const uint8_t *)"\xcc\x81", 2, 0, &st, u, &used), 2);
  assert_int_equal(st, MCW_ESC_BASE + 1);
  assert_int_equal(
      mcw_escape_unit((const uint8_t *)"\x07", 1, 0, &st, u, &used), 4);
  assert_int_equal(st, MCW_ESC_NOBASE);
  assert_int_equal(mcw_escape_cp(0x1f600, u), 9);
  assert_memory_equal(u, "\\u{1f600}", 9);
}

static void test_message_flag(void **state) {
  const char *raw = "--x\\\x1b]0;\xe2\x80\x8d\\x07";
  char once[64], twice[64];

  /* Backslashes pass, so text escaped already is not escaped again. */
  mcw_escape((const uint8_t *)raw, strlen(raw), once, sizeof(once),
             MCW_ESC_MESSAGE);
  assert_string_equal(once, "--x\\\\x1b]0;\\u{200d}\\x07");
  mcw_escape((const uint8_t *)once, strlen(once), twice, sizeof(twice),
             MCW_ESC_MESSAGE);
  assert_string_equal(twice, once);
}

static void test_property_random(void **state) {
  uint8_t in[128], back[4 * 128];
  char out[MCW_ESC_MAX(128)], small[64];

  for (int iter = 0; iter < 10000; iter++) {
    size_t n = random_buffer(in, sizeof(in));
    unsigned flags = iter % 4 == 3 ? MCW_ESC_ASCII : 0;
    size_t outlen = 1 + rnd() % sizeof(small), got;

    assert_int_equal(mcw_escape(in, n, out, sizeof(out), flags), n);
    assert_true(strlen(out) <= 4 * n);
    for (const char *p = out; *p != '\0'; p++) {
      assert_true((uint8_t)*p >= 0x20 && (uint8_t)*p != 0x7f);
      if (flags & MCW_ESC_ASCII)
        assert_true((uint8_t)*p < 0x80);
    }
    assert_true(clean_utf8(out));
    assert_true(marks_on_bases(out));
    /* The escape is lossless: undoing it gives back the input. */
    assert_int_equal(unescape(out, back), (long)n);
    assert_memory_equal(back, in, n);
    /* A small buffer holds a prefix that ends on a unit boundary. */
    got = mcw_escape(in, n, small, outlen, flags);
    assert_true(got <= n);
    assert_true(strlen(small) < outlen);
    assert_memory_equal(small, out, strlen(small));
    assert_string_equal(esc(in, got, flags), small);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ascii_passes),
      cmocka_unit_test(test_every_c0_and_del),
      cmocka_unit_test(test_terminal_attacks),
      cmocka_unit_test(test_c1),
      cmocka_unit_test(test_overlong),
      cmocka_unit_test(test_surrogates_and_range),
      cmocka_unit_test(test_truncated_and_resync),
      cmocka_unit_test(test_bidi_and_invisible),
      cmocka_unit_test(test_multibyte_passes),
      cmocka_unit_test(test_ascii_flag),
      cmocka_unit_test(test_small_buffers),
      cmocka_unit_test(test_small_buffer_edges),
      cmocka_unit_test(test_worst_case_size),
      cmocka_unit_test(test_hex),
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_zero_width),
      cmocka_unit_test(test_combining_marks),
      cmocka_unit_test(test_unit_state),
      cmocka_unit_test(test_message_flag),
      cmocka_unit_test(test_property_random),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
