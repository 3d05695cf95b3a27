/*
 * Human-readable figures. Each function writes into a caller's buffer with
 * snprintf, so a short buffer truncates rather than overflows, and returns
 * that buffer so calls can sit inside printf argument lists.
 */
#include "mcwatch/fmt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mcwatch/common.h"

const char *mcw_fmt_si(double v, char *buf, size_t len) {
  static const char suffix[] = " kMGTPE";
  int i = 0;

  if (len == 0)
    return buf;
  if (!isfinite(v) || v < 0) {
    snprintf(buf, len, "-");
    return buf;
  }
  /* Divides while the value would print as four digits ("999.6" -> "1.0k"). */
  while (i < 6 && v >= 999.5) {
    v /= 1000.0;
    i++;
  }
  if (i == 0) {
    if (v < 9.95 && v != floor(v))
      snprintf(buf, len, "%.1f", v);
    else
      snprintf(buf, len, "%.0f", v);
  } else if (v < 99.95) {
    snprintf(buf, len, "%.1f%c", v, suffix[i]);
  } else {
    snprintf(buf, len, "%.0f%c", v, suffix[i]);
  }
  return buf;
}

const char *mcw_fmt_bytes(uint64_t v, char *buf, size_t len) {
  char si[16];

  if (v < 1000) {
    snprintf(buf, len, "%" PRIu64 " B", v);
    return buf;
  }
  mcw_fmt_si((double)v, si, sizeof(si));
  snprintf(buf, len, "%.*s %cB", (int)(strlen(si) - 1), si, si[strlen(si) - 1]);
  return buf;
}

const char *mcw_fmt_count(uint64_t v, char *buf, size_t len) {
  char digits[24], out[32];
  size_t n, o = 0;

  n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, v);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0)
      out[o++] = ',';
    out[o++] = digits[i];
  }
  out[o] = '\0';
  snprintf(buf, len, "%s", out);
  return buf;
}

const char *mcw_fmt_age(int64_t ns, char *buf, size_t len) {
  int64_t ms = ns / MCW_NS_PER_MS, s = ns / MCW_NS_PER_SEC;

  if (ns < 0)
    snprintf(buf, len, "-");
  else if (ms < 1000)
    snprintf(buf, len, "%" PRId64 "ms", ms);
  else if (ms < 9950)
    snprintf(buf, len, "%.1fs", (double)ms / 1000.0);
  else if (s < 60)
    snprintf(buf, len, "%" PRId64 "s", s);
  else if (s < 3600)
    snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
  else if (s < 86400)
    snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600, (s % 3600) / 60);
  else
    snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
             (s % 86400) / 3600);
  return buf;
}

const char *mcw_fmt_hexline(const uint8_t *data, size_t len, size_t offset,
                            char *buf, size_t buflen) {
  static const char hex[] = "0123456789abcdef";
  char line[MCW_HEXLINE_MAX];
  size_t o;

  if (len > MCW_HEX_PER_LINE)
    len = MCW_HEX_PER_LINE;
  o = (size_t)snprintf(line, sizeof(line), "%04zx ", offset);
  for (size_t i = 0; i < MCW_HEX_PER_LINE; i++) {
    if (i == 8)
      line[o++] = ' ';
    line[o++] = ' ';
    line[o++] = i < len ? hex[data[i] >> 4] : ' ';
    line[o++] = i < len ? hex[data[i] & 15] : ' ';
  }
  line[o++] = ' ';
  line[o++] = ' ';
  line[o++] = '|';
  for (size_t i = 0; i < len; i++)
    line[o++] = data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '.';
  line[o++] = '|';
  line[o] = '\0';
  snprintf(buf, buflen, "%s", line);
  return buf;
}

double mcw_fmt_spark(const double *v, size_t n, unsigned nlevels,
                     uint8_t *out) {
  double max = 0;

  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i]) && v[i] > max)
      max = v[i];
  for (size_t i = 0; i < n; i++) {
    double x = isfinite(v[i]) && v[i] > 0 ? v[i] : 0;
    unsigned l = 0;
    if (x > 0 && max > 0 && nlevels > 1) {
      l = (unsigned)ceil(x / max * (double)(nlevels - 1));
      if (l < 1)
        l = 1;
      if (l > nlevels - 1)
        l = nlevels - 1;
    }
    out[i] = (uint8_t)l;
  }
  return max;
}

const char *mcw_fmt_fit(const char *s, size_t width, char *buf, size_t len) {
  size_t n = strlen(s), head, tail;

  if (len == 0)
    return buf;
  if (width >= len)
    width = len - 1;
  if (n <= width) {
    memcpy(buf, s, n + 1);
    return buf;
  }
  if (width < 3) { /* no room for both ends */
    memcpy(buf, s, width);
    buf[width] = '\0';
    return buf;
  }
  tail = (width - 1) / 2;
  head = width - 1 - tail;
  memcpy(buf, s, head);
  buf[head] = '~';
  memcpy(buf + head + 1, s + n - tail, tail);
  buf[width] = '\0';
  return buf;
}
