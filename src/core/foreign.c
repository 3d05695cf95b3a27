/*
 * Recognisers for mcjoin, msend and iperf 2 payloads (formats in
 * mcwatch/foreign.h). They read at most the first 256 bytes, never past the
 * datagram, and accept only the exact shapes those tools send, so ordinary text
 * is not mistaken for them.
 */
#include "mcwatch/foreign.h"

#include <errno.h>
#include <string.h>

#define SCAN_MAX 256

static bool prefix(const uint8_t *p, size_t len, const char *s) {
  size_t n = strlen(s);
  return len >= n && memcmp(p, s, n) == 0;
}

/* Reads decimal digits at p[*i]; at most 19 of them. */
static int read_dec(const uint8_t *p, size_t len, size_t *i, uint64_t *v) {
  size_t start = *i;

  *v = 0;
  while (*i < len && p[*i] >= '0' && p[*i] <= '9' && *i - start < 19)
    *v = *v * 10 + (uint64_t)(p[(*i)++] - '0');
  return *i > start ? 0 : -EINVAL;
}

int mcw_mcjoin_parse(const uint8_t *p, size_t len, uint32_t *pid,
                     uint64_t *count) {
  static const char key[] = "count: ";
  size_t i = 11, n = len < SCAN_MAX ? len : SCAN_MAX;
  uint64_t v;

  if (!prefix(p, n, "Sender PID ") || read_dec(p, n, &i, &v) < 0 ||
      v > UINT32_MAX || !prefix(p + i, n - i, ", MC group "))
    return -EINVAL;
  *pid = (uint32_t)v;
  for (; i + sizeof(key) - 1 <= n; i++) {
    if (p[i] == '\0')
      break;
    if (memcmp(p + i, key, sizeof(key) - 1) == 0) {
      i += sizeof(key) - 1;
      if (read_dec(p, n, &i, count) < 0 ||
          (i < n && p[i] >= '0' && p[i] <= '9'))
        return -EINVAL; /* no number, or one too long to read whole */
      return 0;
    }
  }
  return -EINVAL;
}

static bool is_hex(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

int mcw_msend_parse(const uint8_t *p, size_t len, struct mcw_msend *out) {
  size_t i = 8, k = 0;

  memset(out, 0, sizeof(*out));
  if (prefix(p, len, "echo test ") || prefix(p, len, "echo sender equiv cmd")) {
    out->type = MCW_MSEND_CONTROL;
    return 0;
  }
  if (prefix(p, len, "stat ") && len > 5 && p[5] >= '0' && p[5] <= '9') {
    out->type = MCW_MSEND_CONTROL;
    return 0;
  }
  if (!prefix(p, len, "Message "))
    return -EINVAL;
  while (i < len && is_hex(p[i]) && k < 16) {
    if (!(p[i] >= '0' && p[i] <= '9'))
      out->has_hex_letter = true;
    out->digits[k++] = (char)p[i++];
  }
  /* The number ends the message, or a NUL ends the text. */
  if (k == 0 || (i < len && p[i] != '\0'))
    return -EINVAL;
  out->type = MCW_MSEND_DATA;
  return 0;
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

int mcw_iperf2_parse(const uint8_t *p, size_t len, struct mcw_iperf2 *out) {
  uint32_t id, sec, usec, hi;
  uint64_t v;

  memset(out, 0, sizeof(*out));
  if (len < 16)
    return -EINVAL;
  id = be32(p);
  sec = be32(p + 4);
  usec = be32(p + 8);
  hi = be32(p + 12);
  if (usec >= 1000000 || sec == 0)
    return -EINVAL;
  v = (uint64_t)hi << 32 | id;
  out->hi = hi;
  out->fin = (v >> 63) != 0;
  out->seq = out->fin ? ~v + 1 : v;
  /* Without the upper half (before 2.0.10), a FIN is a negative id. */
  out->fin32 = hi == 0 && (id & 0x80000000u) != 0;
  out->send_ns = (uint64_t)sec * 1000000000u + (uint64_t)usec * 1000u;
  return 0;
}
