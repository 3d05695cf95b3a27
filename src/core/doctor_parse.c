/*
 * Pure readers for the kernel's text files that the doctor looks at. Each
 * takes the whole file as one NUL-terminated buffer and walks it line by
 * line; none touches the system, so tests feed them canned text.
 *
 * Addresses in /proc/net are 32-bit words printed with %08X straight from
 * network-order memory, so their bytes are recovered by storing the parsed
 * value back into memory in host order (the kernel printed it on this
 * host). Interface names there are at most 15 characters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/doctor.h"

#define RTF_UP_FLAG 0x0001
#define RTF_REJECT_FLAG 0x0200

/* Copies the next line of *p into line (truncated) and advances; false at
 * the end. */
static bool next_line(const char **p, char *line, size_t len) {
  const char *s = *p, *e;
  size_t n;

  if (*s == '\0')
    return false;
  e = strchr(s, '\n');
  if (e == NULL)
    e = s + strlen(s);
  n = (size_t)(e - s);
  if (n >= len)
    n = len - 1;
  memcpy(line, s, n);
  line[n] = '\0';
  *p = *e ? e + 1 : e;
  return true;
}

/* Stores hex words (8 hex digits each, as /proc prints them) into bytes. */
static bool hex_words(const char *hex, size_t words, uint8_t *bytes) {
  for (size_t i = 0; i < words; i++) {
    char w[9];
    uint32_t v;
    memcpy(w, hex + i * 8, 8);
    w[8] = '\0';
    if (strspn(w, "0123456789abcdefABCDEF") != 8)
      return false;
    v = (uint32_t)strtoul(w, NULL, 16);
    memcpy(bytes + i * 4, &v, 4);
  }
  return true;
}

/* Parses 32 hex digits in plain byte order (igmp6, ipv6_route). */
static bool hex_bytes(const char *hex, uint8_t *bytes, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char b[3] = {hex[2 * i], hex[2 * i + 1], '\0'};
    if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]))
      return false;
    bytes[i] = (uint8_t)strtoul(b, NULL, 16);
  }
  return true;
}

bool mcw_doctor_igmp_has(const char *text, const char *ifname,
                         const struct mcw_addr *group) {
  char line[256], dev[32] = "";
  const char *p = text;

  while (next_line(&p, line, sizeof(line))) {
    if (group->family == AF_INET6) {
      char name[32], hex[40];
      uint8_t b[16];
      if (sscanf(line, "%*d %31s %39s", name, hex) == 2 && strlen(hex) == 32 &&
          hex_bytes(hex, b, 16) && strcmp(name, ifname) == 0 &&
          memcmp(b, group->bytes, 16) == 0)
        return true;
      continue;
    }
    if (isdigit((unsigned char)line[0])) {
      /* "2\teth0      :     1      V3" */
      size_t n;
      if (sscanf(line, "%*d %31s", dev) != 1)
        dev[0] = '\0';
      n = strlen(dev);
      if (n > 0 && dev[n - 1] == ':')
        dev[n - 1] = '\0';
    } else if (line[0] == '\t') {
      char hex[16];
      uint8_t b[4];
      if (sscanf(line, " %15s", hex) == 1 && strlen(hex) == 8 &&
          hex_words(hex, 1, b) && strcmp(dev, ifname) == 0 &&
          memcmp(b, group->bytes, 4) == 0)
        return true;
    }
  }
  return false;
}

size_t mcw_doctor_udp_bound(const char *text, uint16_t port,
                            struct mcw_doctor_udp *out, size_t max) {
  char line[512];
  const char *p = text;
  size_t n = 0;

  while (next_line(&p, line, sizeof(line))) {
    char hex[40];
    unsigned lport;
    unsigned long inode;
    struct mcw_doctor_udp u;
    size_t hl;

    /* "  12: 0100007F:0035 00000000:0000 07 ... uid timeout inode ..." */
    if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %*s %*s %*s %*s %*s %*s %*s %lu",
               hex, &lport, &inode) != 3 ||
        lport != port)
      continue;
    hl = strlen(hex);
    memset(&u, 0, sizeof(u));
    if (hl == 8)
      u.local.family = AF_INET;
    else if (hl == 32)
      u.local.family = AF_INET6;
    else
      continue;
    if (!hex_words(hex, hl / 8, u.local.bytes))
      continue;
    u.local.port = (uint16_t)lport;
    u.inode = inode;
    if (n < max)
      out[n] = u;
    n++;
  }
  return n;
}

/* True when the first plen bits of a and b agree. */
static bool prefix_match(const uint8_t *a, const uint8_t *b, int plen) {
  int full = plen / 8, rest = plen % 8;

  if (memcmp(a, b, (size_t)full) != 0)
    return false;
  if (rest == 0)
    return true;
  return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int mcw_doctor_route_iface(const char *text, const struct mcw_addr *addr,
                           char *ifname, size_t len) {
  char line[512];
  const char *p = text;
  int best = -1;
  bool best_reject = false;
  unsigned long best_metric = 0;

  while (next_line(&p, line, sizeof(line))) {
    char name[32], dst[40], mask[40];
    unsigned flags, plen = 0;
    unsigned long metric;
    uint8_t d[16] = {0}, m[4];
    bool reject;

    if (addr->family == AF_INET) {
      /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
      if (sscanf(line, "%31s %39s %*s %x %*d %*u %lu %39s", name, dst, &flags,
                 &metric, mask) != 5 ||
          strlen(dst) != 8 || strlen(mask) != 8 || !hex_words(dst, 1, d) ||
          !hex_words(mask, 1, m))
        continue;
      for (int i = 0; i < 4; i++)
        for (int b = 7; b >= 0 && (m[i] >> b & 1); b--)
          plen++;
    } else {
      /* dst plen src splen nexthop metric refcnt use flags dev */
      if (sscanf(line, "%39s %x %*s %*s %*s %lx %*s %*s %x %31s", dst, &plen,
                 &metric, &flags, name) != 5 ||
          strlen(dst) != 32 || !hex_bytes(dst, d, 16) || plen > 128)
        continue;
      flags |= RTF_UP_FLAG;
    }
    if (!(flags & RTF_UP_FLAG) || !prefix_match(d, addr->bytes, (int)plen))
      continue;
    /* Unreachable and prohibit routes carry RTF_REJECT; a blackhole shows
       as device "*". Either ends the lookup: the longest match wins even
       when it leads nowhere. */
    reject = (flags & RTF_REJECT_FLAG) || strcmp(name, "*") == 0;
    if ((int)plen > best || ((int)plen == best && metric < best_metric)) {
      best = (int)plen;
      best_metric = metric;
      best_reject = reject;
      mcw_strlcpy(ifname, reject ? "" : name, len);
    }
  }
  if (best < 0)
    return -ENOENT;
  return best_reject ? -EHOSTUNREACH : best;
}

int mcw_doctor_parse_long(const char *text, long *v) {
  char *end;

  while (isspace((unsigned char)*text))
    text++;
  if (*text == '\0')
    return -EINVAL;
  errno = 0;
  *v = strtol(text, &end, 10);
  if (errno != 0 || end == text)
    return -EINVAL;
  while (isspace((unsigned char)*end))
    end++;
  return *end == '\0' ? 0 : -EINVAL;
}
