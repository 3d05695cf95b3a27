/*
 * Unit tests for TR 101 290 and the tables: a clean ffmpeg stream (any
 * datagram size, arrival times at its mux rate) has no error, its program,
 * PIDs with stream types, service and provider names and media rate; a
 * crafted stream (PAT, PMT, SDT, video with PCR and PTS, audio, one packet
 * per millisecond) has no error when clean and exactly one of each check
 * when impaired for that check alone. Sections are written with their own
 * bitwise CRC-32, independent of the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/json.h"
#include "mcwatch/tr101290.h"
#include "tsfile.h"

static uint64_t count(const struct mcw_stream *st, enum mcw_tr_check c) {
  switch (c) {
  case MCW_TR_TS_SYNC_LOSS:
    return st->ts.sync_loss;
  case MCW_TR_SYNC_BYTE:
    return st->ts.sync_errors;
  case MCW_TR_CC:
    return st->ts.cc_errors;
  default:
    return st->ts.tr->count[c];
  }
}

static void test_ffmpeg_clean(void **state) {
  static const size_t sizes[] = {1472, 1316, 999};
  size_t len;
  uint8_t *ts = tsfile_read("clean.ts", &len);

  (void)state;
  for (size_t k = 0; k < 3; k++) {
    struct mcw_stream_budget b = {.ts_max = 16};
    struct mcw_stream st;
    const struct mcw_tr_pid *v, *a;

    mcw_stream_init(&st);
    for (size_t off = 0; off < len; off += sizes[k]) {
      size_t n = len - off < sizes[k] ? len - off : sizes[k];
      /* Arrival at the mux rate, 600 kbit/s. */
      struct mcw_datagram d =
          dg(ts + off, n, (int64_t)(off * 8 * 1000000000ull / 600000));
      mcw_stream_account(&st, &d, &b);
    }
    assert_int_equal(st.kind, MCW_KIND_TS);
    for (int c = 0; c < MCW_TR_CHECKS; c++) {
      if (count(&st, (enum mcw_tr_check)c) != 0)
        fail_msg("%s: %llu", mcw_tr_name((enum mcw_tr_check)c),
                 (unsigned long long)count(&st, (enum mcw_tr_check)c));
    }
    assert_int_equal(st.ts.tr->nprograms, 1);
    assert_int_equal(st.ts.tr->program[0].number, 7);
    assert_int_equal(st.ts.tr->program[0].pmt_pid, 0x1000);
    assert_int_equal(st.ts.tr->program[0].pcr_pid, 0x100);
    v = mcw_tr_pid_info(st.ts.tr, 0x100);
    a = mcw_tr_pid_info(st.ts.tr, 0x101);
    assert_non_null(v);
    assert_non_null(a);
    assert_int_equal(v->stream_type, 0x02);
    assert_string_equal(mcw_tr_stream_type(v->stream_type), "MPEG-2 video");
    assert_int_equal(a->stream_type, 0x03);
    assert_true(st.ts.tr->has_service);
    assert_string_equal(st.ts.tr->service, "mcwatch test");
    assert_string_equal(st.ts.tr->provider, "mcwatch");
    assert_true(st.ts.tr->media_bps > 590000 && st.ts.tr->media_bps < 610000);
    mcw_stream_free(&st, &b);
  }
  free(ts);
}

/* The crafted stream. */

enum impair {
  CLEAN,
  SYNC_BYTE,
  SYNC_LOSS,
  PAT_MISSING,
  PAT_TABLE_ID,
  PAT_SCRAMBLED,
  CC_LOST,
  PMT_MISSING,
  TEI,
  CRC,
  PCR_GAP,
  PCR_JUMP,
  PCR_JUMP_FLAGGED,
  PTS_GAP,
  CAT_SCRAMBLED,
  CAT_TABLE_ID,
};

static uint32_t crc_bitwise(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++)
    for (int b = 7; b >= 0; b--) {
      unsigned bit = ((c >> 31) ^ (p[i] >> b)) & 1;
      c = (c << 1) ^ (bit ? 0x04c11db7u : 0);
    }
  return c;
}

/* A packet of pid carrying section s (n bytes, CRC appended here). */
static void section_packet(uint8_t *p, unsigned pid, unsigned cc, uint8_t *s,
                           size_t n) {
  uint32_t c;

  s[1] = (uint8_t)(0xb0 | (n + 4 - 3) >> 8);
  s[2] = (uint8_t)(n + 4 - 3);
  c = crc_bitwise(s, n);
  s[n] = (uint8_t)(c >> 24);
  s[n + 1] = (uint8_t)(c >> 16);
  s[n + 2] = (uint8_t)(c >> 8);
  s[n + 3] = (uint8_t)c;
  ts_packet(p, pid, 1, cc, false);
  p[1] |= 0x40;
  p[4] = 0; /* pointer_field */
  memcpy(p + 5, s, n + 4);
}

static void pat(uint8_t *p, unsigned cc) {
  uint8_t s[32] = {0x00, 0, 0, 0x00, 0x01, 0xc1, 0, 0, 0x00, 0x07, 0xf0, 0x00};
  section_packet(p, 0, cc, s, 12);
}

static void pmt(uint8_t *p, unsigned cc) {
  uint8_t s[32] = {0x02, 0,    0,    0x00, 0x07, 0xc1, 0,    0,
                   0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0,
                   0x00, 0x0f, 0xe1, 0x01, 0xf0, 0x00};
  section_packet(p, 0x1000, cc, s, 22);
}

static void sdt(uint8_t *p, unsigned cc) {
  uint8_t s[64] = {
      0x42, 0,    0,    0x00, 0x01, 0xc1, 0,    0,
      0x00, 0x01, 0xff, 0x00, 0x07, 0xfc, 0x80, 14, /* service 7, 14 bytes */
      0x48, 12,   0x01, 3,    'P',  'r',  'o',  6,
      'N',  'e',  'w',  's',  ' ',  '1'};
  section_packet(p, 0x11, cc, s, 30);
}

/* Writes a PCR of value v (27 MHz) into packet p's adaptation field. */
static void put_pcr(uint8_t *p, uint64_t v, bool disc) {
  uint64_t base = v / 300, ext = v % 300;
  p[3] |= 0x20;
  p[4] = 7;
  p[5] = (uint8_t)(0x10 | (disc ? 0x80 : 0));
  p[6] = (uint8_t)(base >> 25);
  p[7] = (uint8_t)(base >> 17);
  p[8] = (uint8_t)(base >> 9);
  p[9] = (uint8_t)(base >> 1);
  p[10] = (uint8_t)((base & 1) << 7 | 0x7e | ext >> 8);
  p[11] = (uint8_t)ext;
}

/* Two seconds of the crafted stream with impairment im, one packet a ms. */
static void crafted(enum impair im, struct mcw_stream *st,
                    struct mcw_stream_budget *b) {
  unsigned cc[5] = {0}; /* PAT, PMT, video, SDT, audio */
  uint64_t pcr_off = 0;
  uint8_t p[188];

  mcw_stream_init(st);
  for (int ms = 0; ms < 2000; ms++) {
    int m10 = ms % 10;
    bool late = ms >= 1000;
    struct mcw_datagram d;

    if (m10 == 0 && ms % 100 == 0) {
      if (im == PAT_MISSING && late && ms < 1600)
        continue;
      pat(p, cc[0]++ & 15);
      if (im == PAT_TABLE_ID && ms == 1200) { /* a CAT on PID 0 */
        uint8_t s[16] = {0x01, 0, 0, 0, 1, 0xc1, 0, 0};
        section_packet(p, 0, (cc[0] - 1) & 15, s, 8);
      }
      if (im == PAT_SCRAMBLED && ms == 1200)
        p[3] |= 0x80;
    } else if (m10 == 1 && ms % 100 == 1) {
      if (im == PMT_MISSING && late && ms < 1600)
        continue;
      pmt(p, cc[1]++ & 15);
      if (im == CRC && ms == 1201)
        p[20] ^= 1;
    } else if (m10 == 2) {
      if (ms % 500 != 2)
        continue;
      sdt(p, cc[3]++ & 15);
    } else if (m10 == 5) {
      ts_packet(p, 0x101, 1, cc[4]++ & 15, false);
    } else {
      if (im == CC_LOST && ms == 1007)
        cc[2]++; /* a packet that never came */
      ts_packet(p, 0x100, 1, cc[2]++ & 15, false);
      if (m10 == 3 && ms % 20 == 3) {
        bool skip = im == PCR_GAP && ms > 1000 && ms < 1050;
        if ((im == PCR_JUMP || im == PCR_JUMP_FLAGGED) && ms == 1203)
          pcr_off = 27000 * 200;
        if (!skip)
          put_pcr(p, (uint64_t)ms * 27000 + pcr_off,
                  im == PCR_JUMP_FLAGGED && ms == 1203);
      } else if (m10 == 4 && ms % 40 == 4 &&
                 !(im == PTS_GAP && ms > 1000 && ms < 1800)) {
        p[1] |= 0x40;
        p[4] = 0;
        p[5] = 0;
        p[6] = 1;
        p[7] = 0xe0;
        p[10] = 0x80; /* PTS present */
        p[11] = 0x80;
        p[12] = 5;
      }
      if (im == CAT_SCRAMBLED && ms == 1306)
        p[3] |= 0x80;
    }
    if (im == TEI && ms == 1306)
      p[1] |= 0x80;
    if ((im == SYNC_BYTE && ms == 1306) ||
        (im == SYNC_LOSS && (ms == 1306 || ms == 1307)))
      p[0] = 0x46;
    d = dg(p, 188, (int64_t)ms * 1000000);
    mcw_stream_account(st, &d, b);
    if (im == CAT_TABLE_ID && ms == 1306) {
      uint8_t s[16] = {0x02, 0, 0, 0, 1, 0xc1, 0, 0};
      section_packet(p, 1, 0, s, 8);
      d = dg(p, 188, (int64_t)ms * 1000000 + 1);
      mcw_stream_account(st, &d, b);
    }
  }
}

static void expect(enum impair im, enum mcw_tr_check c, uint64_t n,
                   enum mcw_tr_check c2, uint64_t n2) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;

  crafted(im, &st, &b);
  assert_int_equal(st.kind, MCW_KIND_TS);
  for (int k = 0; k < MCW_TR_CHECKS; k++) {
    uint64_t want = k == (int)c ? n : k == (int)c2 ? n2 : 0;
    if (count(&st, (enum mcw_tr_check)k) != want)
      fail_msg("impairment %d: %s is %llu, want %llu", im,
               mcw_tr_name((enum mcw_tr_check)k),
               (unsigned long long)count(&st, (enum mcw_tr_check)k),
               (unsigned long long)want);
  }
  mcw_stream_free(&st, &b);
}

static void test_crafted(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  const struct mcw_tr_pid *v;

  (void)state;
  expect(CLEAN, MCW_TR_CHECKS, 0, MCW_TR_CHECKS, 0);
  expect(SYNC_BYTE, MCW_TR_SYNC_BYTE, 1, MCW_TR_CHECKS, 0);
  expect(SYNC_LOSS, MCW_TR_TS_SYNC_LOSS, 1, MCW_TR_SYNC_BYTE, 2);
  expect(PAT_MISSING, MCW_TR_PAT, 1, MCW_TR_CHECKS, 0);
  expect(PAT_TABLE_ID, MCW_TR_PAT, 1, MCW_TR_CHECKS, 0);
  expect(PAT_SCRAMBLED, MCW_TR_PAT, 1, MCW_TR_CHECKS, 0);
  expect(CC_LOST, MCW_TR_CC, 1, MCW_TR_CHECKS, 0);
  expect(PMT_MISSING, MCW_TR_PMT, 1, MCW_TR_CHECKS, 0);
  expect(TEI, MCW_TR_TRANSPORT, 1, MCW_TR_CHECKS, 0);
  expect(CRC, MCW_TR_CRC, 1, MCW_TR_CHECKS, 0);
  expect(PCR_GAP, MCW_TR_PCR_REPETITION, 1, MCW_TR_CHECKS, 0);
  expect(PCR_JUMP, MCW_TR_PCR_DISCONTINUITY, 1, MCW_TR_CHECKS, 0);
  expect(PCR_JUMP_FLAGGED, MCW_TR_CHECKS, 0, MCW_TR_CHECKS, 0);
  expect(PTS_GAP, MCW_TR_PTS, 1, MCW_TR_CHECKS, 0);
  expect(CAT_SCRAMBLED, MCW_TR_CAT, 1, MCW_TR_CHECKS, 0);
  expect(CAT_TABLE_ID, MCW_TR_CAT, 1, MCW_TR_CHECKS, 0);
  /* Per PID: the continuity error belongs to the video PID. */
  crafted(CC_LOST, &st, &b);
  v = mcw_tr_pid_info(st.ts.tr, 0x100);
  assert_non_null(v);
  assert_int_equal(v->err[MCW_TR_CC], 1);
  assert_int_equal(v->stream_type, 0x1b);
  assert_int_equal(mcw_tr_pid_info(st.ts.tr, 0x101)->stream_type, 0x0f);
  assert_string_equal(st.ts.tr->service, "News 1");
  assert_string_equal(st.ts.tr->provider, "Pro");
  mcw_stream_free(&st, &b);
}

/* PID_error: a PID the PMT names, silent longer than the 5 s limit. */
static void test_pid_error(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  uint8_t p[188];
  unsigned cc[3] = {0};

  (void)state;
  mcw_stream_init(&st);
  for (int ms = 0; ms < 8000; ms++) {
    struct mcw_datagram d;
    if (ms % 100 == 0)
      pat(p, cc[0]++ & 15);
    else if (ms % 100 == 1)
      pmt(p, cc[1]++ & 15);
    else if (ms % 10 == 5 && (ms < 1000 || ms > 6500))
      ts_packet(p, 0x101, 1, cc[2]++ & 15, false);
    else
      ts_packet(p, 0x1fff, 1, 0, false);
    d = dg(p, 188, (int64_t)ms * 1000000);
    mcw_stream_account(&st, &d, &b);
  }
  assert_int_equal(count(&st, MCW_TR_PID), 2);
  assert_int_equal(mcw_tr_pid_info(st.ts.tr, 0x101)->err[MCW_TR_PID], 1);
  /* The video PID named by the PMT never came at all: one error too. */
  assert_int_equal(mcw_tr_pid_info(st.ts.tr, 0x100)->err[MCW_TR_PID], 1);
  mcw_stream_free(&st, &b);
}

/* The JSON fields: tr101290 with every check, programs and names. */
static void test_json(void **state) {
  struct mcw_stream_budget b = {.ts_max = 16};
  struct mcw_stream st;
  struct mcw_json j = {0};
  char line[64];

  (void)state;
  crafted(TEI, &st, &b);
  mcw_json_open(&j);
  mcw_stream_json(&st, &j);
  mcw_json_close(&j);
  mcw_json_end_line(&j);
  for (int c = 0; c < MCW_TR_CHECKS; c++) {
    char key[64];
    snprintf(key, sizeof(key), "\"%s\":%d", mcw_tr_name((enum mcw_tr_check)c),
             c == MCW_TR_TRANSPORT);
    assert_non_null(strstr(j.buf, key));
  }
  assert_non_null(strstr(j.buf, "\"programs\":[{\"program\":7,\"pmt_pid\":4096,"
                                "\"pcr_pid\":256}]"));
  assert_non_null(strstr(j.buf, "\"service_name\":\"News 1\""));
  assert_non_null(strstr(j.buf, "\"provider_name\":\"Pro\""));
  assert_non_null(strstr(j.buf, "{\"pid\":256,\"stream_type\":27,\"type\":"
                                "\"H.264\",\"program\":7"));
  mcw_stream_text(&st, line, sizeof(line));
  assert_string_equal(line,
                      "TR 101 290 P1 0 P2 1  MDI 3.1:0  service News 1 / Pro");
  mcw_json_free(&j);
  mcw_stream_free(&st, &b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ffmpeg_clean),
      cmocka_unit_test(test_crafted),
      cmocka_unit_test(test_pid_error),
      cmocka_unit_test(test_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
