/*
 * The JSON line writer. struct mcw_json is a growable byte buffer (buf,
 * len, cap) that is kept NUL-terminated after every call, so buf can go
 * straight to fwrite() or puts(); cap counts the terminator's byte too.
 * need_comma is the only structural state: it is set after a value (a
 * scalar or a closed object or array) and cleared after an opening bracket
 * or a key, so the next value or key knows whether to write "," first.
 * The writer does not check that the caller's structure is balanced.
 *
 * Strings follow RFC 8259 and are made safe for a terminal that shows the
 * line: ", \ and controls are escaped, and so are DEL, the C1 controls, the
 * bidirectional controls, U+2028, U+2029 and U+FEFF (as \uHHHH, which
 * decodes to the same text). Input should be valid UTF-8; any byte that is
 * not part of a well-formed sequence is written as \u00XX of that byte, so
 * the output is always valid JSON and valid UTF-8.
 */
#include "mcwatch/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"

static const char hexdigits[] = "0123456789abcdef";

/* Grows the buffer to hold n more bytes plus the terminator. */
static void grow(struct mcw_json *j, size_t n) {
  size_t need, cap;

  if (n > SIZE_MAX - 1 - j->len)
    mcw_fatal("JSON buffer too large");
  need = j->len + n + 1;
  if (j->buf != NULL && need <= j->cap)
    return;
  cap = j->cap < 256 ? 256 : j->cap;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  j->buf = mcw_xrealloc(j->buf, cap);
  j->cap = cap;
}

/* Makes room for n more bytes plus the terminator (cap > len always holds
   once there is a buffer, for the terminator). */
static inline void reserve(struct mcw_json *j, size_t n) {
  if (j->buf == NULL || n >= j->cap - j->len)
    grow(j, n);
}

/* Appends n bytes and keeps the buffer terminated. */
static inline void put(struct mcw_json *j, const char *s, size_t n) {
  reserve(j, n);
  memcpy(j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = '\0';
}

/* Writes the comma a value or key needs when one came before it. */
static void separate(struct mcw_json *j) {
  if (j->need_comma)
    put(j, ",", 1);
}

/* Writes a scalar value given as text. */
static void value(struct mcw_json *j, const char *s, size_t n) {
  separate(j);
  put(j, s, n);
  j->need_comma = true;
}

/* Writes the \uHHHH escape of code point cp (at most U+FFFF) at p. */
static size_t put_u16(char *p, uint32_t u) {
  p[0] = '\\';
  p[1] = 'u';
  p[2] = hexdigits[(u >> 12) & 0xf];
  p[3] = hexdigits[(u >> 8) & 0xf];
  p[4] = hexdigits[(u >> 4) & 0xf];
  p[5] = hexdigits[u & 0xf];
  return 6;
}

/* Writes cp as \uHHHH, or as a surrogate pair beyond the BMP (RFC 8259). */
static size_t put_u(char *p, uint32_t cp) {
  if (cp <= 0xffff)
    return put_u16(p, cp);
  cp -= 0x10000;
  put_u16(p, 0xd800 + (cp >> 10));
  return 6 + put_u16(p + 6, 0xdc00 + (cp & 0x3ff));
}

/* 1 for a byte that goes into a JSON string as it is: printable ASCII
   other than '"' and backslash. */
static const uint8_t plain_table[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* True for a byte that goes into a JSON string as it is. */
static inline bool plain_ascii(uint8_t b) { return plain_table[b] != 0; }

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* True when any byte of x is zero. */
static inline bool has_zero(uint64_t x) { return ((x - ONES) & ~x & HIGHS); }

/*
 * True when all eight bytes at p are plain, the word-at-a-time form of
 * plain_ascii. Each test is exact for "some byte is ...": below 0x20, above
 * 0x7e (adding 1 sets the top bit of 0x7f; a byte with it set already
 * shows through the or), '"', backslash.
 */
static inline bool plain8(const uint8_t *p) {
  uint64_t x;

  memcpy(&x, p, sizeof(x));
  return !(((x - 0x20 * ONES) & ~x & HIGHS) | (((x + ONES) | x) & HIGHS) ||
           has_zero(x ^ (0x22 * ONES)) || has_zero(x ^ (0x5c * ONES)));
}

/* The length of the run of plain bytes at the start of in[0..n). */
static size_t plain_run(const uint8_t *in, size_t n) {
  size_t i = 0;

  while (i + 8 <= n && plain8(in + i))
    i += 8;
  while (i < n && plain_ascii(in[i]))
    i++;
  return i;
}

/* Writes one ASCII byte at p, escaped if JSON or a terminal needs it. */
static size_t put_ascii(char *p, uint8_t b) {
  char e;

  switch (b) {
  case '"':
    e = '"';
    break;
  case '\\':
    e = '\\';
    break;
  case '\b':
    e = 'b';
    break;
  case '\f':
    e = 'f';
    break;
  case '\n':
    e = 'n';
    break;
  case '\r':
    e = 'r';
    break;
  case '\t':
    e = 't';
    break;
  default:
    if (b < 0x20 || b == 0x7f)
      return put_u(p, b);
    p[0] = (char)b;
    return 1;
  }
  p[0] = '\\';
  p[1] = e;
  return 2;
}

/*
 * Writes the n bytes at in, escaped, at p (no quotes); returns the new end.
 * The caller has reserved room: every input byte costs at most six.
 */
static char *string_body(char *p, const uint8_t *in, size_t n) {
  size_t i = 0;
  unsigned state = MCW_ESC_NOBASE; /* what a combining mark would land on */

  while (i < n) {
    uint32_t cp;
    size_t k, run = i;

    /* Hot path: copy a run of plain ASCII at once. */
    run += plain_run(in + i, n - i);
    if (run > i) {
      memcpy(p, in + i, run - i);
      p += run - i;
      i = run;
      state = MCW_ESC_BASE;
      continue;
    }
    k = mcw_escape_decode(in + i, n - i, &cp);

    if (k == 0) {
      p += put_u(p, in[i]); /* not UTF-8: keep the byte's value visible */
      state = MCW_ESC_NOBASE;
      i++;
    } else if (k == 1) {
      p += put_ascii(p, in[i]);
      (void)mcw_escape_cp_raw(cp, 0, &state);
      i++;
    } else {
      /* The escaper's rules, JSON's escapes (\uHHHH). */
      if (!mcw_escape_cp_raw(cp, 0, &state))
        p += put_u(p, cp);
      else {
        memcpy(p, in + i, k);
        p += k;
      }
      i += k;
    }
  }
  return p;
}

/* Appends s (n bytes) as a quoted, escaped JSON string. */
static void put_string(struct mcw_json *j, const char *s, size_t n) {
  char *p;

  if (n > (SIZE_MAX - 2) / 6)
    mcw_fatal("JSON string too large");
  reserve(j, 6 * n + 2); /* every input byte costs at most six */
  p = j->buf + j->len;
  *p++ = '"';
  p = string_body(p, (const uint8_t *)s, n);
  *p++ = '"';
  *p = '\0';
  j->len = (size_t)(p - j->buf);
}

/*
 * Rewrites the output of "%.*f" into JSON number syntax: whatever the
 * locale uses as its decimal point (a comma, or several bytes) becomes ".".
 * Returns the new length.
 */
static size_t c_decimal_point(char *s, size_t n) {
  size_t r = 0, w = 0;

  if (n > 0 && s[0] == '-')
    s[w++] = s[r++];
  while (r < n) {
    if (s[r] >= '0' && s[r] <= '9') {
      s[w++] = s[r++];
      continue;
    }
    s[w++] = '.';
    while (r < n && (s[r] < '0' || s[r] > '9'))
      r++;
  }
  s[w] = '\0';
  return w;
}

void mcw_json_reset(struct mcw_json *j) {
  j->len = 0;
  j->need_comma = false;
  reserve(j, 0);
  j->buf[0] = '\0';
}

void mcw_json_reserve(struct mcw_json *j, size_t n) { reserve(j, n); }

void mcw_json_free(struct mcw_json *j) {
  free(j->buf);
  j->buf = NULL;
  j->len = j->cap = 0;
  j->need_comma = false;
}

void mcw_json_open(struct mcw_json *j) {
  separate(j);
  put(j, "{", 1);
  j->need_comma = false;
}

void mcw_json_close(struct mcw_json *j) {
  put(j, "}", 1);
  j->need_comma = true;
}

void mcw_json_open_array(struct mcw_json *j) {
  separate(j);
  put(j, "[", 1);
  j->need_comma = false;
}

void mcw_json_close_array(struct mcw_json *j) {
  put(j, "]", 1);
  j->need_comma = true;
}

#define KEY_FAST 64 /* keys up to this long are copied in one pass */

void mcw_json_key(struct mcw_json *j, const char *key) {
  const uint8_t *k = (const uint8_t *)key;
  char *p;
  size_t i;

  /*
   * The usual key, plain ASCII: checked and copied in one pass (no
   * strlen, no separate scan), straight after the comma and quote; the
   * line only grows once the whole key has turned out plain.
   */
  reserve(j, KEY_FAST + 4);
  p = j->buf + j->len + (j->need_comma ? 2 : 1);
  for (i = 0; i < KEY_FAST && plain_ascii(k[i]); i++)
    p[i] = (char)k[i];
  if (k[i] == '\0') {
    if (j->need_comma)
      p[-2] = ',';
    p[-1] = '"';
    p[i] = '"';
    p[i + 1] = ':';
    p[i + 2] = '\0';
    j->len = (size_t)(p + i + 2 - j->buf);
  } else {
    separate(j);
    put_string(j, key, strlen(key));
    put(j, ":", 1);
  }
  j->need_comma = false;
}

void mcw_json_str(struct mcw_json *j, const char *s) {
  if (s == NULL)
    mcw_json_null(j);
  else
    mcw_json_strn(j, s, strlen(s));
}

void mcw_json_strn(struct mcw_json *j, const char *s, size_t len) {
  separate(j);
  put_string(j, s, len);
  j->need_comma = true;
}

void mcw_json_number(struct mcw_json *j, const char *text, size_t len) {
  value(j, text, len);
}

/* Writes v in decimal at the end of tmp[24]; returns where it starts. */
static char *u64_digits(uint64_t v, char *end) {
  char *p = end;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return p;
}

void mcw_json_u64(struct mcw_json *j, uint64_t v) {
  char tmp[24], *start = u64_digits(v, tmp + sizeof(tmp));

  value(j, start, (size_t)(tmp + sizeof(tmp) - start));
}

void mcw_json_i64(struct mcw_json *j, int64_t v) {
  char tmp[24], *start;

  if (v >= 0) {
    mcw_json_u64(j, (uint64_t)v);
    return;
  }
  start = u64_digits(-(uint64_t)v, tmp + sizeof(tmp));
  *--start = '-';
  value(j, start, (size_t)(tmp + sizeof(tmp) - start));
}

void mcw_json_double(struct mcw_json *j, double v, int decimals) {
  char tmp[64], *s = tmp;
  int n;

  if (!isfinite(v)) {
    mcw_json_null(j);
    return;
  }
  if (decimals < 0)
    decimals = 0;
  n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
  if (n < 0) {
    mcw_json_null(j);
    return;
  }
  if ((size_t)n >= sizeof(tmp)) { /* |v| beyond about 1e45 */
    s = mcw_xmalloc((size_t)n + 1);
    snprintf(s, (size_t)n + 1, "%.*f", decimals, v);
  }
  value(j, s, c_decimal_point(s, (size_t)n));
  if (s != tmp)
    free(s);
}

void mcw_json_bool(struct mcw_json *j, bool v) {
  if (v)
    value(j, "true", 4);
  else
    value(j, "false", 5);
}

void mcw_json_null(struct mcw_json *j) { value(j, "null", 4); }

void mcw_json_raw(struct mcw_json *j, const char *s, size_t len) {
  put(j, s, len);
}

/*
 * mcw_escape's output is printable ASCII (with '\\' doubled) and harmless
 * UTF-8, so escaping it again for JSON at most doubles an ASCII byte. The
 * worst input byte is one that becomes \xHH: four bytes, five in JSON
 * (a two-byte C1 control becomes \u{0080}: nine in JSON, 4.5 a byte).
 */
#define PAYLOAD_MAX_PER_BYTE 5

/*
 * What mcw_json_payload writes for a byte that is a unit of its own: any
 * ASCII byte, or a byte that does not start well-formed UTF-8 (here, every
 * byte from 0x80 up, taken alone). Made once from mcw_escape_unit, so the
 * escaping rules stay in one place; mcwatch is single-threaded.
 */
struct byte_text {
  char text[8];
  uint8_t len;
  bool base; /* shown raw: a combining mark may follow it raw */
};

static const struct byte_text *byte_texts(void) {
  static struct byte_text t[256];
  static bool ready;

  if (!ready) {
    for (int b = 0; b < 256; b++) {
      uint8_t in = (uint8_t)b;
      char u[MCW_ESC_UNIT_MAX];
      unsigned state = MCW_ESC_NOBASE;
      size_t used, k = mcw_escape_unit(&in, 1, 0, &state, u, &used);

      t[b].base = state != MCW_ESC_NOBASE;
      for (size_t m = 0; m < k; m++) {
        if (u[m] == '\\' || u[m] == '"')
          t[b].text[t[b].len++] = '\\';
        t[b].text[t[b].len++] = u[m];
      }
    }
    ready = true;
  }
  return t;
}

void mcw_json_payload(struct mcw_json *j, const uint8_t *data, size_t n) {
  const struct byte_text *bt = byte_texts();
  char *p;
  size_t i = 0;
  unsigned state = MCW_ESC_NOBASE; /* what a combining mark would land on */

  if (n > (SIZE_MAX - 16) / PAYLOAD_MAX_PER_BYTE)
    mcw_fatal("JSON string too large");
  separate(j);
  /* 8 spare bytes: a byte's text is copied as a whole word. */
  reserve(j, PAYLOAD_MAX_PER_BYTE * n + 2 + 8);
  p = j->buf + j->len;
  *p++ = '"';
  while (i < n) {
    uint8_t b = data[i];
    uint32_t cp;
    size_t k;

    if (plain_ascii(b)) {
      /* Bytes that both escapers leave alone go straight into the line. */
      size_t run = plain_run(data + i, n - i);
      memcpy(p, data + i, run);
      p += run;
      i += run;
      state = MCW_ESC_BASE;
      continue;
    }
    /* Below 0xc2 (ASCII, a lone continuation byte, C0/C1 leads) and above
       0xf4 no UTF-8 sequence starts: a unit of one byte, no decoding. */
    k = b < 0xc2 || b > 0xf4 ? 1 : mcw_escape_decode(data + i, n - i, &cp);
    if (k <= 1) {
      /* A unit of one byte: its text from the table. */
      memcpy(p, bt[b].text, sizeof(bt[b].text));
      p += bt[b].len;
      state = bt[b].base ? MCW_ESC_BASE : MCW_ESC_NOBASE;
      i++;
    } else if (mcw_escape_cp_raw(cp, 0, &state)) {
      memcpy(p, data + i, k); /* harmless UTF-8 passes */
      p += k;
      i += k;
    } else {
      /* An unsafe character, as mcw_escape writes it (\u{hhhh}), with
         the backslash escaped again. */
      char u[MCW_ESC_UNIT_MAX];
      size_t used, m,
          len = mcw_escape_unit(data + i, n - i, 0, &state, u, &used);

      for (m = 0; m < len; m++) {
        if (u[m] == '\\' || u[m] == '"')
          *p++ = '\\';
        *p++ = u[m];
      }
      i += used;
    }
  }
  *p++ = '"';
  *p = '\0';
  j->len = (size_t)(p - j->buf);
  j->need_comma = true;
}

void mcw_json_hex(struct mcw_json *j, const uint8_t *data, size_t n) {
  if (n > (SIZE_MAX - 2) / 2)
    mcw_fatal("JSON string too large");
  separate(j);
  reserve(j, 2 * n + 2);
  j->buf[j->len++] = '"';
  j->len += 2 * mcw_hex(data, n, j->buf + j->len, 2 * n + 1);
  j->buf[j->len++] = '"';
  j->buf[j->len] = '\0';
  j->need_comma = true;
}

void mcw_json_end_line(struct mcw_json *j) {
  put(j, "\n", 1);
  j->need_comma = false;
}
