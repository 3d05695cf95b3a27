/*
 * Unit tests for ipframe.c: IPv4 and IPv6 headers rebuilt around a
 * payload, checked field by field and by verifying both checksums the way
 * a receiver does (the ones' complement sum over the covered bytes folds
 * to 0xffff); and the other way, captured frames of every link type the
 * replay reads decoded back to the same payload and addresses, and the
 * frames it must skip (fragments, other protocols, cut short) told apart.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/ipframe.h"

#include <pcap/dlt.h>

static struct mcw_addr addr(const char *text, uint16_t port) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(text, &a), 0);
  a.port = port;
  return a;
}

static uint32_t sum(uint32_t s, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i += 2)
    s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
  return s;
}

static uint16_t fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)s;
}

static void test_ipv4(void **state) {
  struct mcw_addr src = addr("10.0.0.5", 4444), dst = addr("239.1.2.3", 5000);
  const uint8_t payload[] = "hello, multicast"; /* 17 bytes with the NUL */
  uint8_t h[MCW_IPFRAME_MAX], pseudo[12];

  assert_int_equal(mcw_ipframe_header(h, &src, &dst, payload, 17, 17), 28);
  assert_int_equal(h[0], 0x45);
  assert_int_equal(h[2] << 8 | h[3], 20 + 8 + 17);
  assert_int_equal(h[9], 17);
  assert_memory_equal(h + 12, src.bytes, 4);
  assert_memory_equal(h + 16, dst.bytes, 4);
  assert_int_equal(fold(sum(0, h, 20)), 0xffff);
  assert_int_equal(h[20] << 8 | h[21], 4444);
  assert_int_equal(h[22] << 8 | h[23], 5000);
  assert_int_equal(h[24] << 8 | h[25], 25);
  memcpy(pseudo, src.bytes, 4);
  memcpy(pseudo + 4, dst.bytes, 4);
  pseudo[8] = 0;
  pseudo[9] = 17;
  pseudo[10] = 0;
  pseudo[11] = 25;
  assert_int_equal(fold(sum(sum(sum(0, pseudo, 12), h + 20, 8), payload, 17)),
                   0xffff);
  /* Truncated: true lengths, no checksum. */
  assert_int_equal(mcw_ipframe_header(h, &src, &dst, payload, 5, 1000), 28);
  assert_int_equal(h[2] << 8 | h[3], 1028);
  assert_int_equal(h[26] << 8 | h[27], 0);
}

static void test_ipv6(void **state) {
  struct mcw_addr src = addr("fd55::1", 4603), dst = addr("ff15::70:3", 5603);
  const uint8_t payload[] = {1, 2, 3, 4, 5, 6};
  uint8_t h[MCW_IPFRAME_MAX], pseudo[40] = {0};

  assert_int_equal(mcw_ipframe_header(h, &src, &dst, payload, 6, 6), 48);
  assert_int_equal(h[0] >> 4, 6);
  assert_int_equal(h[4] << 8 | h[5], 14);
  assert_int_equal(h[6], 17);
  assert_memory_equal(h + 8, src.bytes, 16);
  assert_memory_equal(h + 24, dst.bytes, 16);
  memcpy(pseudo, src.bytes, 16);
  memcpy(pseudo + 16, dst.bytes, 16);
  pseudo[35] = 14;
  pseudo[39] = 17;
  assert_int_not_equal(h[46] << 8 | h[47], 0);
  assert_int_equal(fold(sum(sum(sum(0, pseudo, 40), h + 40, 8), payload, 6)),
                   0xffff);
}

static void test_refused(void **state) {
  struct mcw_addr v4 = addr("10.0.0.5", 1), v6 = addr("ff15::1", 2), none = {0};
  uint8_t h[MCW_IPFRAME_MAX];

  assert_int_equal(mcw_ipframe_header(h, &v4, &v6, NULL, 0, 0), -EAFNOSUPPORT);
  assert_int_equal(mcw_ipframe_header(h, &none, &none, NULL, 0, 0),
                   -EAFNOSUPPORT);
  assert_int_equal(mcw_ipframe_header(h, &v4, &v4, NULL, 0, 65508), -EMSGSIZE);
  assert_int_equal(mcw_ipframe_header(h, &v4, &v4, NULL, 0, 65507), 28);
}

/* Builds link + IP + UDP + payload into f; returns the frame length. */
static size_t frame(uint8_t *f, const uint8_t *link, size_t linklen,
                    const struct mcw_addr *src, const struct mcw_addr *dst,
                    const uint8_t *payload, uint32_t len) {
  int h;
  if (linklen > 0)
    memcpy(f, link, linklen);
  h = mcw_ipframe_header(f + linklen, src, dst, payload, len, len);
  assert_true(h > 0);
  memcpy(f + linklen + (size_t)h, payload, len);
  return linklen + (size_t)h + len;
}

static void expect_udp(int dlt, const uint8_t *f, size_t n,
                       const struct mcw_addr *src, const struct mcw_addr *dst,
                       const uint8_t *payload, uint32_t len) {
  struct mcw_frame_udp u;
  assert_int_equal(mcw_ipframe_decode(dlt, f, (uint32_t)n, &u), MCW_FRAME_UDP);
  assert_true(mcw_addr_equal(&u.src, src));
  assert_true(mcw_addr_equal(&u.dst, dst));
  assert_int_equal(u.src.port, src->port);
  assert_int_equal(u.dst.port, dst->port);
  assert_int_equal(u.len, len);
  assert_memory_equal(u.payload, payload, len);
}

static void test_decode_links(void **state) {
  struct mcw_addr s4 = addr("10.0.0.5", 4444), d4 = addr("239.1.2.3", 5000);
  struct mcw_addr s6 = addr("fd00::5", 4446), d6 = addr("ff15::9", 5002);
  const uint8_t p[] = "a payload of 27 bytes here";
  const uint8_t eth4[] = {1, 0, 0x5e, 1, 2, 3, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  const uint8_t eth6[] = {0x33, 0x33, 0, 0, 0, 9, 2, 0, 0, 0, 0, 1, 0x86, 0xdd};
  const uint8_t vlan2[] = {1, 0,    0x5e, 1, 2, 3,    2, 0, 0, 0,    0,
                           1, 0x88, 0xa8, 0, 5, 0x81, 0, 0, 7, 0x08, 0x00};
  uint8_t sll[16] = {0}, sll2[20] = {0}, null4[4] = {2, 0, 0, 0};
  uint8_t loop6[4] = {0, 0, 0, 24}, f[256];
  size_t n;

  (void)state;
  sll[14] = 0x08;
  sll2[0] = 0x86;
  sll2[1] = 0xdd;
  n = frame(f, eth4, sizeof(eth4), &s4, &d4, p, sizeof(p));
  expect_udp(DLT_EN10MB, f, n, &s4, &d4, p, sizeof(p));
  /* Ethernet pads short frames: the IP length, not the capture, counts. */
  memset(f + n, 0xee, 20);
  expect_udp(DLT_EN10MB, f, n + 20, &s4, &d4, p, sizeof(p));
  n = frame(f, eth6, sizeof(eth6), &s6, &d6, p, sizeof(p));
  expect_udp(DLT_EN10MB, f, n, &s6, &d6, p, sizeof(p));
  n = frame(f, vlan2, sizeof(vlan2), &s4, &d4, p, sizeof(p));
  expect_udp(DLT_EN10MB, f, n, &s4, &d4, p, sizeof(p));
  n = frame(f, sll, sizeof(sll), &s4, &d4, p, sizeof(p));
  expect_udp(DLT_LINUX_SLL, f, n, &s4, &d4, p, sizeof(p));
  n = frame(f, sll2, sizeof(sll2), &s6, &d6, p, sizeof(p));
  expect_udp(DLT_LINUX_SLL2, f, n, &s6, &d6, p, sizeof(p));
  n = frame(f, null4, sizeof(null4), &s4, &d4, p, sizeof(p));
  expect_udp(DLT_NULL, f, n, &s4, &d4, p, sizeof(p));
  n = frame(f, loop6, sizeof(loop6), &s6, &d6, p, sizeof(p));
  expect_udp(DLT_LOOP, f, n, &s6, &d6, p, sizeof(p));
  n = frame(f, NULL, 0, &s4, &d4, p, sizeof(p));
  expect_udp(DLT_RAW, f, n, &s4, &d4, p, sizeof(p));
  expect_udp(DLT_IPV4, f, n, &s4, &d4, p, sizeof(p));
  n = frame(f, NULL, 0, &s6, &d6, p, 0);
  expect_udp(DLT_IPV6, f, n, &s6, &d6, p, 0);
  assert_true(mcw_ipframe_dlt_known(DLT_LINUX_SLL2));
  assert_false(mcw_ipframe_dlt_known(DLT_IEEE802_11));
  assert_int_equal(mcw_ipframe_decode(DLT_IEEE802_11, f, (uint32_t)n, NULL),
                   -EPROTONOSUPPORT);
}

static void test_decode_skips(void **state) {
  struct mcw_addr s4 = addr("10.0.0.5", 4444), d4 = addr("239.1.2.3", 5000);
  struct mcw_addr s6 = addr("fd00::5", 4446), d6 = addr("ff15::9", 5002);
  const uint8_t p[40] = {1, 2, 3};
  const uint8_t arp[] = {1,  2,    3,    4, 5, 6, 7, 8, 9, 10, 11,
                         12, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0,  1};
  struct mcw_frame_udp u;
  uint8_t f[256], g[256];
  size_t n;

  (void)state;
  assert_int_equal(mcw_ipframe_decode(DLT_EN10MB, arp, sizeof(arp), &u),
                   MCW_FRAME_NOT_IP);
  n = frame(f, NULL, 0, &s4, &d4, p, sizeof(p));
  f[9] = 2; /* IGMP */
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, f, (uint32_t)n, &u),
                   MCW_FRAME_NOT_UDP);
  f[9] = 17;
  f[6] = 0x20; /* more fragments */
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, f, (uint32_t)n, &u),
                   MCW_FRAME_FRAGMENT);
  f[6] = 0;
  f[7] = 0xb9; /* a later fragment (offset 185 x 8) */
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, f, (uint32_t)n, &u),
                   MCW_FRAME_FRAGMENT);
  f[7] = 0;
  f[6] = 0x40; /* don't fragment: whole */
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, f, (uint32_t)n, &u),
                   MCW_FRAME_UDP);
  /* Cut by the snap length anywhere: never a datagram. */
  for (size_t cut = 0; cut < n; cut++)
    assert_int_equal(mcw_ipframe_decode(DLT_RAW, f, (uint32_t)cut, &u),
                     MCW_FRAME_TRUNCATED);
  /* IPv6: a hop-by-hop header (8 bytes) before UDP is read through. */
  n = frame(f, NULL, 0, &s6, &d6, p, sizeof(p));
  memcpy(g, f, 40);
  g[6] = 0;                   /* next: hop-by-hop */
  g[5] = (uint8_t)(f[5] + 8); /* payload length + 8 */
  memset(g + 40, 0, 8);
  g[40] = 17; /* then UDP, length (0 + 1) x 8 */
  memcpy(g + 48, f + 40, n - 40);
  expect_udp(DLT_RAW, g, n + 8, &s6, &d6, p, sizeof(p));
  g[40] = 44; /* then a fragment header */
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, g, (uint32_t)n + 8, &u),
                   MCW_FRAME_FRAGMENT);
  g[40] = 58; /* then ICMPv6 */
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, g, (uint32_t)n + 8, &u),
                   MCW_FRAME_NOT_UDP);
  /* A UDP length beyond the IP payload is malformed. */
  n = frame(f, NULL, 0, &s4, &d4, p, sizeof(p));
  f[20 + 5] = 200;
  assert_int_equal(mcw_ipframe_decode(DLT_RAW, f, (uint32_t)n, &u),
                   MCW_FRAME_TRUNCATED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipv4),         cmocka_unit_test(test_ipv6),
      cmocka_unit_test(test_refused),      cmocka_unit_test(test_decode_links),
      cmocka_unit_test(test_decode_skips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
