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

/* Makes room for n more bytes plus the terminator. */
static void reserve(struct mcw_json *j, size_t n) {
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

/* Appends n bytes and keeps the buffer terminated. */
static void put(struct mcw_json *j, const char *s, size_t n) {
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

/* Appends s (n bytes) as a quoted, escaped JSON string. */
static void put_string(struct mcw_json *j, const char *s, size_t n) {
  const uint8_t *in = (const uint8_t *)s;
  char *p;
  size_t i = 0;

  if (n > (SIZE_MAX - 2) / 6)
    mcw_fatal("JSON string too large");
  reserve(j, 6 * n + 2); /* every input byte costs at most six */
  p = j->buf + j->len;
  *p++ = '"';
  while (i < n) {
    uint32_t cp;
    size_t k, run = i;

    /* Hot path: copy a run of plain ASCII at once. */
    while (run < n && plain_ascii(in[run]))
      run++;
    if (run > i) {
      memcpy(p, in + i, run - i);
      p += run - i;
      i = run;
      continue;
    }
    k = mcw_escape_decode(in + i, n - i, &cp);

    if (k == 0) {
      p += put_u(p, in[i]); /* not UTF-8: keep the byte's value visible */
      i++;
    } else if (k == 1) {
      p += put_ascii(p, in[i]);
      i++;
    } else {
      if (mcw_escape_cp_unsafe(cp))
        p += put_u(p, cp);
      else {
        memcpy(p, in + i, k);
        p += k;
      }
      i += k;
    }
  }
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

void mcw_json_key(struct mcw_json *j, const char *key) {
  separate(j);
  put_string(j, key, strlen(key));
  put(j, ":", 1);
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

void mcw_json_plain(struct mcw_json *j, const char *s, size_t len) {
  separate(j);
  reserve(j, len + 2);
  j->buf[j->len++] = '"';
  memcpy(j->buf + j->len, s, len);
  j->len += len;
  j->buf[j->len++] = '"';
  j->buf[j->len] = '\0';
  j->need_comma = true;
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
