/*
 * Unit tests for the IGMP and MLD decoder: each version's queries,
 * reports and leaves built byte by byte from RFC 2236, 3376, 2710 and
 * 3810; the floating-point codes (QQIC, Max Resp Code) at and around
 * 128 / 32768; and hostile messages (short, lying counts, bad checksum,
 * unicast groups, fragments) refused rather than read past their end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mcwatch/igmp.h"

static uint8_t b[256];

/* Writes the IGMP checksum of an n-byte message in b. */
static size_t sum(size_t n) {
  uint32_t s = 0;
  b[2] = b[3] = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)b[i] << 8 | b[i + 1];
  if (n & 1)
    s += (uint32_t)b[n - 1] << 8;
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  b[2] = (uint8_t)(~s >> 8);
  b[3] = (uint8_t)~s;
  return n;
}

static size_t igmp8(uint8_t type, uint8_t code, const uint8_t g[4]) {
  memset(b, 0, sizeof(b));
  b[0] = type;
  b[1] = code;
  memcpy(b + 4, g, 4);
  return sum(8);
}

static const uint8_t any4[4] = {0, 0, 0, 0};
static const uint8_t g4[4] = {239, 1, 2, 3};

static void test_codes(void **state) {
  (void)state;
  assert_int_equal(mcw_igmp_code8(0), 0);
  assert_int_equal(mcw_igmp_code8(100), 100);
  assert_int_equal(mcw_igmp_code8(127), 127);
  assert_int_equal(mcw_igmp_code8(128), 128);  /* 0x10 << 3 */
  assert_int_equal(mcw_igmp_code8(0x89), 200); /* RFC 6636 4.2's 20 s */
  assert_int_equal(mcw_igmp_code8(178), 1152); /* 10010 << 6 */
  assert_int_equal(mcw_igmp_code8(0xff), 31744);
  assert_int_equal(mcw_mld_code16(10000), 10000);
  assert_int_equal(mcw_mld_code16(32767), 32767);
  assert_int_equal(mcw_mld_code16(32768), 32768);
  assert_int_equal(mcw_mld_code16(0xffff), 0x1fffu << 10);
}

static void test_igmp_v1_v2(void **state) {
  struct mcw_igmp_msg m;
  (void)state;

  assert_int_equal(mcw_igmp_decode(b, igmp8(0x11, 0, any4), &m), 0);
  assert_int_equal(m.version, 1);
  assert_true(m.general);
  assert_int_equal(m.max_resp_ms, 10000);

  assert_int_equal(mcw_igmp_decode(b, igmp8(0x11, 100, any4), &m), 0);
  assert_int_equal(m.type, MCW_IGMP_QUERY);
  assert_int_equal(m.version, 2);
  assert_int_equal(m.max_resp_ms, 10000);
  assert_int_equal(m.qqi_s, 0);

  assert_int_equal(mcw_igmp_decode(b, igmp8(0x11, 10, g4), &m), 0);
  assert_false(m.general);
  assert_int_equal(m.group.family, AF_INET);
  assert_memory_equal(m.group.bytes, g4, 4);

  assert_int_equal(mcw_igmp_decode(b, igmp8(0x16, 0, g4), &m), 0);
  assert_int_equal(m.type, MCW_IGMP_REPORT);
  assert_int_equal(m.version, 2);
  assert_int_equal(mcw_igmp_decode(b, igmp8(0x12, 0, g4), &m), 0);
  assert_int_equal(m.version, 1);
  assert_int_equal(mcw_igmp_decode(b, igmp8(0x17, 0, g4), &m), 0);
  assert_int_equal(m.type, MCW_IGMP_LEAVE);

  /* A report of a unicast group, a bad checksum, an unknown type. */
  static const uint8_t uni[4] = {10, 0, 0, 1};
  assert_int_equal(mcw_igmp_decode(b, igmp8(0x16, 0, uni), &m), -EBADMSG);
  igmp8(0x16, 0, g4);
  b[7] ^= 1;
  assert_int_equal(mcw_igmp_decode(b, 8, &m), -EBADMSG);
  assert_int_equal(mcw_igmp_decode(b, igmp8(0x30, 0, g4), &m), -ENOMSG);
  assert_int_equal(mcw_igmp_decode(b, 7, &m), -EBADMSG);
  /* 9 to 11 bytes: neither a v2 nor a v3 query. */
  igmp8(0x11, 100, any4);
  assert_int_equal(mcw_igmp_decode(b, sum(10), &m), -EBADMSG);
}

static size_t v3query(uint8_t code, const uint8_t g[4], uint8_t flags,
                      uint8_t qqic, uint16_t nsrc, size_t extra) {
  memset(b, 0, sizeof(b));
  b[0] = 0x11;
  b[1] = code;
  memcpy(b + 4, g, 4);
  b[8] = flags;
  b[9] = qqic;
  b[10] = (uint8_t)(nsrc >> 8);
  b[11] = (uint8_t)nsrc;
  return sum(12 + extra);
}

static void test_igmp_v3_query(void **state) {
  struct mcw_igmp_msg m;
  (void)state;

  assert_int_equal(mcw_igmp_decode(b, v3query(100, any4, 2, 125, 0, 0), &m), 0);
  assert_int_equal(m.version, 3);
  assert_true(m.general);
  assert_int_equal(m.qrv, 2);
  assert_int_equal(m.qqi_s, 125);
  assert_int_equal(m.max_resp_ms, 10000);
  assert_false(m.suppress);

  /* QQIC 0x89 (200 s), Max Resp Code 0x80 (12.8 s), S flag, QRV 7. */
  assert_int_equal(
      mcw_igmp_decode(b, v3query(0x80, any4, 0x0f, 0x89, 0, 0), &m), 0);
  assert_int_equal(m.qqi_s, 200);
  assert_int_equal(m.max_resp_ms, 12800);
  assert_true(m.suppress);
  assert_int_equal(m.qrv, 7);

  /* A group-and-source query with two sources, then one that lies. */
  assert_int_equal(mcw_igmp_decode(b, v3query(10, g4, 2, 125, 2, 8), &m), 0);
  assert_int_equal(m.nsources, 2);
  assert_false(m.general);
  assert_int_equal(mcw_igmp_decode(b, v3query(10, g4, 2, 125, 3, 8), &m),
                   -EBADMSG);
  assert_int_equal(mcw_igmp_decode(b, v3query(10, g4, 2, 125, 65535, 8), &m),
                   -EBADMSG);
  /* A general query naming sources. */
  assert_int_equal(mcw_igmp_decode(b, v3query(10, any4, 2, 125, 1, 4), &m),
                   -EBADMSG);
}

/* A v3 report with records of (type, nsrc, aux words) for 239.1.2.(3+i). */
static size_t v3report(unsigned n, const uint8_t *types, const uint8_t *nsrc,
                       const uint8_t *aux, unsigned claim) {
  size_t off = 8;
  memset(b, 0, sizeof(b));
  b[0] = 0x22;
  b[6] = (uint8_t)(claim >> 8);
  b[7] = (uint8_t)claim;
  for (unsigned i = 0; i < n; i++) {
    b[off] = types[i];
    b[off + 1] = aux[i];
    b[off + 3] = nsrc[i];
    b[off + 4] = 239;
    b[off + 5] = 1;
    b[off + 6] = 2;
    b[off + 7] = (uint8_t)(3 + i);
    off += 8 + 4u * nsrc[i] + 4u * aux[i];
  }
  return sum(off);
}

static void test_igmp_v3_report(void **state) {
  struct mcw_igmp_msg m;
  const uint8_t types[3] = {MCW_IGMP_MODE_IS_EXCLUDE, MCW_IGMP_ALLOW_NEW,
                            MCW_IGMP_CHANGE_TO_INCLUDE};
  const uint8_t nsrc[3] = {0, 2, 1}, aux[3] = {0, 1, 0};
  size_t n;
  (void)state;

  n = v3report(3, types, nsrc, aux, 3);
  assert_int_equal(mcw_igmp_decode(b, n, &m), 0);
  assert_int_equal(m.type, MCW_IGMP_REPORT);
  assert_int_equal(m.version, 3);
  assert_int_equal(m.nrecords, 3);
  assert_int_equal(m.records[1].type, MCW_IGMP_ALLOW_NEW);
  assert_int_equal(m.records[1].nsources, 2);
  assert_int_equal(m.records[2].group.bytes[3], 5);
  /* Claims a fourth record; one cut short by a byte. */
  n = v3report(3, types, nsrc, aux, 4);
  assert_int_equal(mcw_igmp_decode(b, n, &m), -EBADMSG);
  n = v3report(3, types, nsrc, aux, 3);
  assert_int_equal(mcw_igmp_decode(b, sum(n - 1), &m), -EBADMSG);
  /* A record type outside 1..6. */
  const uint8_t bad[1] = {7}, z[1] = {0};
  assert_int_equal(mcw_igmp_decode(b, v3report(1, bad, z, z, 1), &m), -EBADMSG);
}

static void test_ip4(void **state) {
  uint8_t pkt[64] = {0x46, 0, 0, 32, 0,   0, 0x40, 0, 1,    2, 0, 0,
                     10,   0, 0, 1,  224, 0, 0,    1, 0x94, 4, 0, 0};
  struct mcw_addr src, dst;
  struct mcw_igmp_msg m;
  (void)state;

  memcpy(pkt + 24, b, igmp8(0x11, 100, any4));
  assert_int_equal(mcw_igmp_decode_ip4(pkt, 32, &src, &dst, &m), 0);
  assert_int_equal(src.bytes[0], 10);
  assert_int_equal(dst.bytes[0], 224);
  assert_int_equal(m.version, 2);
  /* Extra bytes past the total length (Ethernet padding) are not IGMP. */
  assert_int_equal(mcw_igmp_decode_ip4(pkt, 40, &src, &dst, &m), 0);
  /* Cut short, not IGMP, a fragment, a header longer than the packet. */
  assert_int_equal(mcw_igmp_decode_ip4(pkt, 31, &src, &dst, &m), -EBADMSG);
  pkt[9] = 17;
  assert_int_equal(mcw_igmp_decode_ip4(pkt, 32, &src, &dst, &m), -EBADMSG);
  pkt[9] = 2;
  pkt[6] = 0x20;
  assert_int_equal(mcw_igmp_decode_ip4(pkt, 32, &src, &dst, &m), -EBADMSG);
  pkt[6] = 0x40;
  pkt[0] = 0x4f;
  assert_int_equal(mcw_igmp_decode_ip4(pkt, 32, &src, &dst, &m), -EBADMSG);
}

static void test_mld(void **state) {
  struct mcw_igmp_msg m;
  (void)state;

  /* MLDv1 general query, 10 s. */
  memset(b, 0, sizeof(b));
  b[0] = 130;
  b[4] = 0x27;
  b[5] = 0x10;
  assert_int_equal(mcw_mld_decode(b, 24, &m), 0);
  assert_int_equal(m.family, AF_INET6);
  assert_int_equal(m.version, 1);
  assert_true(m.general);
  assert_int_equal(m.max_resp_ms, 10000);
  /* MLDv2: QRV 2, QQIC 125, max resp code 0x8000 (32.768 s). */
  b[4] = 0x80;
  b[5] = 0;
  b[24] = 2;
  b[25] = 125;
  assert_int_equal(mcw_mld_decode(b, 28, &m), 0);
  assert_int_equal(m.version, 2);
  assert_int_equal(m.qqi_s, 125);
  assert_int_equal(m.max_resp_ms, 32768);
  assert_int_equal(mcw_mld_decode(b, 26, &m), -EBADMSG);
  b[27] = 1; /* one source, not there */
  assert_int_equal(mcw_mld_decode(b, 28, &m), -EBADMSG);

  /* MLDv1 report and done for ff15::1; a unicast group is refused. */
  memset(b, 0, sizeof(b));
  b[0] = 131;
  b[8] = 0xff;
  b[9] = 0x15;
  b[23] = 1;
  assert_int_equal(mcw_mld_decode(b, 24, &m), 0);
  assert_int_equal(m.type, MCW_IGMP_REPORT);
  b[0] = 132;
  assert_int_equal(mcw_mld_decode(b, 24, &m), 0);
  assert_int_equal(m.type, MCW_IGMP_LEAVE);
  assert_int_equal(mcw_mld_decode(b, 23, &m), -EBADMSG);
  b[8] = 0xfe;
  assert_int_equal(mcw_mld_decode(b, 24, &m), -EBADMSG);

  /* MLDv2 report: one record, one source. */
  memset(b, 0, sizeof(b));
  b[0] = 143;
  b[7] = 1;
  b[8] = MCW_IGMP_MODE_IS_INCLUDE;
  b[11] = 1;
  b[12] = 0xff;
  b[13] = 0x3e;
  b[27] = 9;
  assert_int_equal(mcw_mld_decode(b, 8 + 20 + 16, &m), 0);
  assert_int_equal(m.nrecords, 1);
  assert_int_equal(m.records[0].nsources, 1);
  assert_int_equal(mcw_mld_decode(b, 8 + 20 + 15, &m), -EBADMSG);
  b[0] = 128; /* echo request */
  assert_int_equal(mcw_mld_decode(b, 44, &m), -ENOMSG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codes),
      cmocka_unit_test(test_igmp_v1_v2),
      cmocka_unit_test(test_igmp_v3_query),
      cmocka_unit_test(test_igmp_v3_report),
      cmocka_unit_test(test_ip4),
      cmocka_unit_test(test_mld),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
