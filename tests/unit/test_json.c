/*
 * Tests for the JSON writer: structure and commas, exact escaping of every
 * control byte, quotes, backslashes, terminal-unsafe code points and bytes
 * that are not UTF-8, integer limits, doubles (NaN and infinities become
 * null), termination after every call, growth, and a property test that
 * feeds random bytes through mcw_escape and the writer and decodes them back.
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/json.h"

/* Checks that the buffer is terminated where len says and holds expect. */
static void expect_json(const struct mcw_json *j, const char *expect) {
  assert_non_null(j->buf);
  assert_int_equal(j->buf[j->len], '\0');
  assert_int_equal(strlen(j->buf), j->len);
  assert_true(j->len < j->cap);
  assert_string_equal(j->buf, expect);
}

/* Writes one string value into a fresh buffer and checks its JSON text. */
static void expect_strn(const char *s, size_t len, const char *expect) {
  struct mcw_json j = {0};

  mcw_json_strn(&j, s, len);
  expect_json(&j, expect);
  mcw_json_free(&j);
}

#define EXPECT_STR(lit, expect) expect_strn(lit, sizeof(lit) - 1, expect)

static void test_empty_containers(void **state) {
  struct mcw_json j = {0};

  mcw_json_open(&j);
  mcw_json_close(&j);
  expect_json(&j, "{}");
  mcw_json_reset(&j);
  mcw_json_open_array(&j);
  mcw_json_close_array(&j);
  expect_json(&j, "[]");
  mcw_json_free(&j);
}

static void test_flat_object(void **state) {
  struct mcw_json j = {0};

  mcw_json_open(&j);
  mcw_json_key(&j, "a");
  mcw_json_u64(&j, 1);
  mcw_json_key(&j, "b");
  mcw_json_i64(&j, -5);
  mcw_json_key(&j, "c");
  mcw_json_bool(&j, true);
  mcw_json_key(&j, "d");
  mcw_json_bool(&j, false);
  mcw_json_key(&j, "e");
  mcw_json_null(&j);
  mcw_json_key(&j, "f");
  mcw_json_str(&j, "x");
  mcw_json_key(&j, "g");
  mcw_json_str(&j, NULL);
  mcw_json_key(&j, "h");
  mcw_json_str(&j, "");
  mcw_json_close(&j);
  expect_json(&j, "{\"a\":1,\"b\":-5,\"c\":true,\"d\":false,\"e\":null,"
                  "\"f\":\"x\",\"g\":null,\"h\":\"\"}");
  mcw_json_free(&j);
}

static void test_nested(void **state) {
  struct mcw_json j = {0};

  mcw_json_open(&j);
  mcw_json_key(&j, "a");
  mcw_json_open(&j);
  mcw_json_key(&j, "b");
  mcw_json_open_array(&j);
  mcw_json_u64(&j, 1);
  mcw_json_u64(&j, 2);
  mcw_json_open(&j);
  mcw_json_key(&j, "c");
  mcw_json_open_array(&j);
  mcw_json_close_array(&j);
  mcw_json_close(&j);
  mcw_json_open_array(&j);
  mcw_json_close_array(&j);
  mcw_json_str(&j, "s");
  mcw_json_close_array(&j);
  mcw_json_key(&j, "d");
  mcw_json_open(&j);
  mcw_json_close(&j);
  mcw_json_close(&j);
  mcw_json_key(&j, "e");
  mcw_json_open_array(&j);
  mcw_json_open_array(&j);
  mcw_json_close_array(&j);
  mcw_json_open_array(&j);
  mcw_json_null(&j);
  mcw_json_close_array(&j);
  mcw_json_close_array(&j);
  mcw_json_close(&j);
  expect_json(&j, "{\"a\":{\"b\":[1,2,{\"c\":[]},[],\"s\"],\"d\":{}},"
                  "\"e\":[[],[null]]}");
  mcw_json_free(&j);
}

static void test_top_level_array(void **state) {
  struct mcw_json j = {0};

  mcw_json_open_array(&j);
  for (int i = 0; i < 3; i++) {
    mcw_json_open(&j);
    mcw_json_key(&j, "i");
    mcw_json_i64(&j, i);
    mcw_json_close(&j);
  }
  mcw_json_close_array(&j);
  expect_json(&j, "[{\"i\":0},{\"i\":1},{\"i\":2}]");
  mcw_json_free(&j);
}

static void test_string_escapes(void **state) {
  EXPECT_STR("plain text / ok", "\"plain text / ok\"");
  EXPECT_STR("say \"hi\"", "\"say \\\"hi\\\"\"");
  EXPECT_STR("C:\\dir", "\"C:\\\\dir\"");
  EXPECT_STR("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
  EXPECT_STR("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
  EXPECT_STR("a\0b", "\"a\\u0000b\"");
  EXPECT_STR("\x1b]0;pwned\x07", "\"\\u001b]0;pwned\\u0007\"");
  EXPECT_STR("\x1b[2J", "\"\\u001b[2J\"");
  /* mcw_escape output is escaped again, so its backslashes double. */
  EXPECT_STR("\\x1b[2J", "\"\\\\x1b[2J\"");
}

static void test_every_control(void **state) {
  static const char *const named[0x20] = {
      ['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n",
      ['\r'] = "\\r", ['\t'] = "\\t",
  };
  char in[1], expect[16];

  for (unsigned b = 0; b < 0x20; b++) {
    in[0] = (char)b;
    if (named[b] != NULL)
      snprintf(expect, sizeof(expect), "\"%s\"", named[b]);
    else
      snprintf(expect, sizeof(expect), "\"\\u%04x\"", b);
    expect_strn(in, 1, expect);
  }
}

static void test_utf8(void **state) {
  EXPECT_STR("caf\xc3\xa9", "\"caf\xc3\xa9\"");
  EXPECT_STR("\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"");
  EXPECT_STR("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
  EXPECT_STR("\xc2\xa0", "\"\xc2\xa0\"");
  /* Valid but unsafe on a terminal: written as \u escapes. */
  EXPECT_STR("\xc2\x9b?25l", "\"\\u009b?25l\"");
  EXPECT_STR("\xc2\x80\xc2\x9f", "\"\\u0080\\u009f\"");
  EXPECT_STR("a\xe2\x80\xaez", "\"a\\u202ez\"");
  EXPECT_STR("\xd8\x9c\xe2\x81\xa6", "\"\\u061c\\u2066\"");
  EXPECT_STR("\xe2\x80\xa8\xe2\x80\xa9\xef\xbb\xbf",
             "\"\\u2028\\u2029\\ufeff\"");
  /* Invisible: zero width space; beyond the BMP a surrogate pair (tag A). */
  EXPECT_STR("a\xe2\x80\x8b"
             "b",
             "\"a\\u200bb\"");
  EXPECT_STR("\xf3\xa0\x81\x81", "\"\\udb40\\udc41\"");
}

static void test_invalid_utf8(void **state) {
  EXPECT_STR("\xff", "\"\\u00ff\"");
  EXPECT_STR("\x9b?25l", "\"\\u009b?25l\"");
  EXPECT_STR("\xc0\xaf", "\"\\u00c0\\u00af\"");
  EXPECT_STR("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"");
  EXPECT_STR("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");
  EXPECT_STR("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"");
  EXPECT_STR("ok\xe2\x82", "\"ok\\u00e2\\u0082\"");
  EXPECT_STR("\xe2\x82\xe2\x82\xac", "\"\\u00e2\\u0082\xe2\x82\xac\"");
}

static void test_key_escaped(void **state) {
  struct mcw_json j = {0};

  mcw_json_open(&j);
  mcw_json_key(&j, "we\"ird\n");
  mcw_json_u64(&j, 0);
  mcw_json_close(&j);
  expect_json(&j, "{\"we\\\"ird\\n\":0}");
  mcw_json_free(&j);
}

static void test_integers(void **state) {
  struct mcw_json j = {0};

  mcw_json_open_array(&j);
  mcw_json_u64(&j, 0);
  mcw_json_u64(&j, UINT64_MAX);
  mcw_json_i64(&j, -1);
  mcw_json_i64(&j, INT64_MIN);
  mcw_json_i64(&j, INT64_MAX);
  mcw_json_close_array(&j);
  expect_json(&j, "[0,18446744073709551615,-1,-9223372036854775808,"
                  "9223372036854775807]");
  mcw_json_free(&j);
}

static void test_doubles(void **state) {
  struct mcw_json j = {0};

  mcw_json_open_array(&j);
  mcw_json_double(&j, 1.5, 3);
  mcw_json_double(&j, 3.14159, 2);
  mcw_json_double(&j, -1.0 / 3.0, 4);
  mcw_json_double(&j, 2.4, 0);
  mcw_json_double(&j, 0.0, 1);
  mcw_json_double(&j, 1e20, 0);
  mcw_json_double(&j, 7.25, -3);
  mcw_json_double(&j, NAN, 3);
  mcw_json_double(&j, INFINITY, 1);
  mcw_json_double(&j, -INFINITY, 1);
  mcw_json_close_array(&j);
  expect_json(&j, "[1.500,3.14,-0.3333,2,0.0,100000000000000000000,7,"
                  "null,null,null]");
  mcw_json_free(&j);
}

static void test_huge_double(void **state) {
  struct mcw_json j = {0};

  mcw_json_double(&j, 1e300, 2);
  assert_int_equal(j.len, 301 + 3);
  assert_int_equal(j.buf[0], '1');
  for (size_t i = 0; i < 301; i++)
    assert_true(j.buf[i] >= '0' && j.buf[i] <= '9');
  assert_string_equal(j.buf + 301, ".00");
  mcw_json_reset(&j);
  mcw_json_double(&j, -1e300, 0);
  assert_int_equal(j.len, 302);
  assert_int_equal(j.buf[0], '-');
  mcw_json_free(&j);
}

static void test_double_locale(void **state) {
  static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8",
                                              "fr_FR.UTF-8", "fr_FR.utf8"};
  struct mcw_json j = {0};
  const char *found = NULL;

  for (size_t i = 0; i < MCW_ARRAY_LEN(comma_locales) && !found; i++)
    found = setlocale(LC_NUMERIC, comma_locales[i]);
  if (found == NULL) {
    print_message("no locale with a decimal comma installed\n");
    skip();
  }
  mcw_json_double(&j, -2.5, 2);
  setlocale(LC_NUMERIC, "C");
  expect_json(&j, "-2.50");
  mcw_json_free(&j);
}

static void test_terminated_after_every_call(void **state) {
  struct mcw_json j = {0};

  mcw_json_reset(&j);
  expect_json(&j, "");
  mcw_json_open(&j);
  expect_json(&j, "{");
  mcw_json_key(&j, "k");
  expect_json(&j, "{\"k\":");
  mcw_json_open_array(&j);
  expect_json(&j, "{\"k\":[");
  mcw_json_str(&j, "v");
  expect_json(&j, "{\"k\":[\"v\"");
  mcw_json_strn(&j, "w\x01", 2);
  expect_json(&j, "{\"k\":[\"v\",\"w\\u0001\"");
  mcw_json_u64(&j, 7);
  mcw_json_i64(&j, -7);
  mcw_json_double(&j, 0.5, 1);
  mcw_json_bool(&j, true);
  mcw_json_null(&j);
  expect_json(&j, "{\"k\":[\"v\",\"w\\u0001\",7,-7,0.5,true,null");
  mcw_json_close_array(&j);
  expect_json(&j, "{\"k\":[\"v\",\"w\\u0001\",7,-7,0.5,true,null]");
  mcw_json_close(&j);
  mcw_json_raw(&j, "\n", 1);
  expect_json(&j, "{\"k\":[\"v\",\"w\\u0001\",7,-7,0.5,true,null]}\n");
  mcw_json_free(&j);
  assert_null(j.buf);
  assert_int_equal(j.len, 0);
  mcw_json_free(&j); /* twice is harmless */
}

static void test_reset_and_reuse(void **state) {
  struct mcw_json j = {0};

  mcw_json_open(&j);
  mcw_json_key(&j, "a");
  mcw_json_u64(&j, 1);
  mcw_json_close(&j);
  mcw_json_raw(&j, "\n", 1);
  mcw_json_reset(&j);
  assert_false(j.need_comma);
  expect_json(&j, "");
  /* A new line starts without a stray comma. */
  mcw_json_open(&j);
  mcw_json_key(&j, "b");
  mcw_json_u64(&j, 2);
  mcw_json_close(&j);
  expect_json(&j, "{\"b\":2}");
  mcw_json_free(&j);
  mcw_json_str(&j, "again");
  expect_json(&j, "\"again\"");
  mcw_json_free(&j);
}

static void test_growth(void **state) {
  struct mcw_json j = {0};
  static char expect[16 * 20000];
  char *p = expect;

  mcw_json_open_array(&j);
  *p++ = '[';
  for (int i = 0; i < 20000; i++) {
    mcw_json_i64(&j, (int64_t)i * 7919 - 50000);
    p += sprintf(p, "%s%lld", i ? "," : "", (long long)i * 7919 - 50000);
  }
  mcw_json_close_array(&j);
  strcpy(p, "]");
  expect_json(&j, expect);
  mcw_json_free(&j);
}

static uint64_t rng_state = 0x243f6a8885a308d3u;

/* xorshift64: a fixed, portable sequence. */
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 32);
}

/* Decodes the JSON string at s (from its quote) into out; returns the length.
 */
static size_t decode_string(const char *s, char *out) {
  size_t w = 0;
  unsigned v;

  assert_int_equal(*s++, '"');
  while (*s != '"') {
    assert_int_not_equal(*s, '\0');
    if (*s != '\\') {
      out[w++] = *s++;
      continue;
    }
    s++;
    switch (*s++) {
    case '"':
      out[w++] = '"';
      break;
    case '\\':
      out[w++] = '\\';
      break;
    case 'b':
      out[w++] = '\b';
      break;
    case 'f':
      out[w++] = '\f';
      break;
    case 'n':
      out[w++] = '\n';
      break;
    case 'r':
      out[w++] = '\r';
      break;
    case 't':
      out[w++] = '\t';
      break;
    case 'u':
      assert_int_equal(sscanf(s, "%4x", &v), 1);
      assert_true(v < 0x80); /* escape output is free of C1 and bidi */
      out[w++] = (char)v;
      s += 4;
      break;
    default:
      fail_msg("bad escape \\%c", s[-1]);
    }
  }
  assert_string_equal(s, "\"");
  return w;
}

static void test_property_roundtrip(void **state) {
  uint8_t in[96];
  char text[MCW_ESC_MAX(96)], back[MCW_ESC_MAX(96)];
  struct mcw_json j = {0};

  for (int iter = 0; iter < 10000; iter++) {
    size_t n = rnd() % sizeof(in);

    for (size_t i = 0; i < n; i++)
      in[i] =
          (uint8_t)(rnd() >> (iter % 3 == 0 ? 25 : 24)); /* some ASCII-only */
    /* Raw bytes: always valid JSON text with no control byte. */
    mcw_json_reset(&j);
    mcw_json_strn(&j, (const char *)in, n);
    for (size_t i = 0; i < j.len; i++)
      assert_true((uint8_t)j.buf[i] >= 0x20 && (uint8_t)j.buf[i] != 0x7f);
    assert_int_equal(strlen(j.buf), j.len);
    /* Escaped payload text survives a JSON round trip exactly. */
    mcw_escape(in, n, text, sizeof(text), 0);
    mcw_json_reset(&j);
    mcw_json_str(&j, text);
    for (size_t i = 0; i < j.len; i++)
      assert_true((uint8_t)j.buf[i] >= 0x20 && (uint8_t)j.buf[i] != 0x7f);
    back[decode_string(j.buf, back)] = '\0';
    assert_string_equal(back, text);
  }
  mcw_json_free(&j);
}

/* What mcw_json_payload must equal: mcw_escape, then mcw_json_strn. */
static void expect_payload_same(const uint8_t *in, size_t n) {
  static char text[MCW_ESC_MAX(4096)];
  struct mcw_json a = {0}, b = {0};

  assert_true(n <= 4096);
  assert_int_equal(mcw_escape(in, n, text, sizeof(text), 0), n);
  mcw_json_str(&a, text);
  mcw_json_payload(&b, in, n);
  assert_int_equal(b.len, a.len);
  assert_string_equal(b.buf, a.buf);
  assert_true(b.len < b.cap);
  mcw_json_free(&a);
  mcw_json_free(&b);
}

static void test_payload_cases(void **state) {
  static uint8_t big[4096];
  struct mcw_json j = {0};

  (void)state;
  expect_payload_same((const uint8_t *)"", 0);
  expect_payload_same((const uint8_t *)"plain text", 10);
  expect_payload_same((const uint8_t *)"a\\b\"c\n\x01\x7f", 8);
  expect_payload_same((const uint8_t *)"\xc2\x80 \xe2\x80\xae \xf0\x9f\x98\x80",
                      12);
  /* A sequence broken by an ASCII byte, and one cut by the end. */
  expect_payload_same((const uint8_t *)"\xe2\x82\x41\xe2\x82", 5);
  /* Long runs with nothing plain, so mcw_escape fills its buffer many
     times: multibyte characters, C1 controls and bad bytes, at every
     offset against the buffer's size. */
  for (size_t shift = 0; shift < 4; shift++) {
    size_t n = 0;
    while (n + 4 <= sizeof(big) - shift) {
      static const uint8_t pat[][4] = {
          {0xe2, 0x82, 0xac, 0},    {0xc2, 0x85, 0, 0}, {0xff, 0, 0, 0},
          {0xf0, 0x9f, 0x98, 0x80}, {'\\', 0, 0, 0},    {0xe2, 0x80, 0xae, 0}};
      const uint8_t *u = pat[(n / 3 + shift) % 6];
      size_t k = u[3] ? 4 : u[2] ? 3 : u[1] ? 2 : 1;
      memcpy(big + n, u, k);
      n += k;
    }
    expect_payload_same(big, n);
  }
  /* Every byte value, alone and between plain text. */
  for (int b = 0; b < 256; b++) {
    uint8_t one[3] = {'a', (uint8_t)b, 'z'};
    expect_payload_same(one + 1, 1);
    expect_payload_same(one, 3);
  }
  /* Structure: a value like any other, with the comma it needs. */
  mcw_json_open(&j);
  mcw_json_key(&j, "t");
  mcw_json_payload(&j, (const uint8_t *)"\x00\"", 2);
  mcw_json_key(&j, "h");
  mcw_json_hex(&j, (const uint8_t *)"\x00\xff\x7f", 3);
  mcw_json_close(&j);
  mcw_json_end_line(&j);
  mcw_json_open(&j);
  mcw_json_key(&j, "n");
  mcw_json_u64(&j, 1);
  mcw_json_close(&j);
  expect_json(&j, "{\"t\":\"\\\\x00\\\"\",\"h\":\"00ff7f\"}\n{\"n\":1}");
  mcw_json_free(&j);
}

static void test_payload_property(void **state) {
  uint8_t in[700];
  char hex[2 * sizeof(in) + 1];
  struct mcw_json j = {0};

  (void)state;
  for (int iter = 0; iter < 5000; iter++) {
    size_t n = rnd() % sizeof(in);

    for (size_t i = 0; i < n; i++)
      in[i] = (uint8_t)(rnd() >> (iter % 3 == 0 ? 25 : 24));
    expect_payload_same(in, n);
    mcw_hex(in, n, hex, sizeof(hex));
    mcw_json_reset(&j);
    mcw_json_hex(&j, in, n);
    assert_int_equal(j.len, 2 * n + 2);
    assert_memory_equal(j.buf + 1, hex, 2 * n);
  }
  mcw_json_free(&j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_containers),
      cmocka_unit_test(test_flat_object),
      cmocka_unit_test(test_nested),
      cmocka_unit_test(test_top_level_array),
      cmocka_unit_test(test_string_escapes),
      cmocka_unit_test(test_every_control),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_key_escaped),
      cmocka_unit_test(test_integers),
      cmocka_unit_test(test_doubles),
      cmocka_unit_test(test_huge_double),
      cmocka_unit_test(test_double_locale),
      cmocka_unit_test(test_terminated_after_every_call),
      cmocka_unit_test(test_reset_and_reuse),
      cmocka_unit_test(test_growth),
      cmocka_unit_test(test_property_roundtrip),
      cmocka_unit_test(test_payload_cases),
      cmocka_unit_test(test_payload_property),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
