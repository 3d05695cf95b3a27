/*
 * Unit tests for SAP (RFC 2974) and the session directory. Packets are
 * built here from the RFC's header layout, not by mcwatch code: announce,
 * re-announce (no new event), modify (new hash, same o=: replaced),
 * delete, expire on a fake clock (ten intervals or the floor, whichever
 * is greater), the bound, and every refusal counted (short, version,
 * encrypted, compressed, payload type, bad SDP). The SDP's a=rtpmap rate
 * reaches the session's media.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/sap.h"
#include "mcwatch/sapdir.h"

#define S 1000000000LL

static uint8_t pkt[4096];

static const char *SDP_TV =
    "v=0\r\no=alice 123 1 IN IP4 10.0.0.5\r\ns=News channel\r\n"
    "c=IN IP4 239.1.1.1/32\r\nt=0 0\r\nm=video 5004 RTP/AVP 33\r\n"
    "m=audio 5006 RTP/AVP 96\r\na=rtpmap:96 L16/44100/2\r\n";

/*
 * Builds a SAP packet by hand: flags byte (V=1 unless version given),
 * auth length 0, hash, IPv4 origin 10.0.0.5, optional type, then text.
 */
static size_t sap(unsigned version, unsigned flags, uint16_t hash,
                  const char *type, const char *text) {
  size_t n = 0;
  pkt[n++] = (uint8_t)(version << 5 | flags);
  pkt[n++] = 0;
  pkt[n++] = (uint8_t)(hash >> 8);
  pkt[n++] = (uint8_t)hash;
  pkt[n++] = 10, pkt[n++] = 0, pkt[n++] = 0, pkt[n++] = 5;
  if (type != NULL) {
    memcpy(pkt + n, type, strlen(type) + 1);
    n += strlen(type) + 1;
  }
  memcpy(pkt + n, text, strlen(text));
  return n + strlen(text);
}

struct seen {
  int announced, deleted, expired;
  char last_name[128];
};

static void on_change(void *ctx, const struct mcw_sap_session *s,
                      enum mcw_sap_state st) {
  struct seen *e = ctx;
  if (st == MCW_SAP_ANNOUNCED)
    e->announced++;
  else if (st == MCW_SAP_DELETED)
    e->deleted++;
  else
    e->expired++;
  snprintf(e->last_name, sizeof(e->last_name), "%s", s->name);
}

static void setup_dir(struct mcw_sapdir *d, struct seen *e, size_t max,
                      int64_t timeout) {
  struct mcw_sapdir_config cfg;
  mcw_sapdir_config_default(&cfg);
  assert_int_equal(cfg.max, 1000);
  assert_int_equal(cfg.timeout_ns, 3600 * S);
  cfg.max = max;
  cfg.timeout_ns = timeout;
  memset(e, 0, sizeof(*e));
  mcw_sapdir_init(d, &cfg, on_change, e);
}

static void test_decode(void **state) {
  struct mcw_sap_packet p;
  size_t n = sap(1, 0, 0xbeef, "application/sdp", SDP_TV);

  (void)state;
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_OK);
  assert_int_equal(p.version, 1);
  assert_false(p.deletion);
  assert_int_equal(p.hash, 0xbeef);
  assert_int_equal(p.origin.family, AF_INET);
  assert_memory_equal(p.origin.bytes, "\x0a\x00\x00\x05", 4);
  assert_int_equal(p.payload_len, strlen(SDP_TV));
  assert_memory_equal(p.payload, SDP_TV, strlen(SDP_TV));
  /* No type at all: the payload starts with v=0. */
  n = sap(1, 0, 1, NULL, SDP_TV);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_OK);
  assert_int_equal(p.payload_len, strlen(SDP_TV));
  /* Authentication data is skipped: 2 words. */
  n = sap(1, 0, 1, NULL, SDP_TV);
  memmove(pkt + 16, pkt + 8, n - 8);
  memset(pkt + 8, 0xaa, 8);
  pkt[1] = 2;
  assert_int_equal(mcw_sap_decode(pkt, n + 8, &p), MCW_SAP_OK);
  assert_int_equal(p.auth_words, 2);
  assert_memory_equal(p.payload, "v=0", 3);
  /* An IPv6 origin (A=1). */
  pkt[0] = 0x20 | 0x10;
  pkt[1] = 0;
  memset(pkt + 4, 0, 16);
  pkt[4] = 0xfd, pkt[19] = 1;
  memcpy(pkt + 20, "v=0\r\n", 5);
  assert_int_equal(mcw_sap_decode(pkt, 25, &p), MCW_SAP_OK);
  assert_int_equal(p.origin.family, AF_INET6);
  assert_int_equal(p.origin.bytes[15], 1);
  assert_int_equal(p.payload_len, 5);
}

static void test_refusals(void **state) {
  struct mcw_sap_packet p;
  size_t n;

  (void)state;
  assert_int_equal(mcw_sap_decode(pkt, 0, &p), MCW_SAP_SHORT);
  n = sap(1, 0, 1, NULL, "");
  assert_int_equal(mcw_sap_decode(pkt, 7, &p), MCW_SAP_SHORT);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_TYPE);
  pkt[1] = 200; /* 800 bytes of authentication that are not there */
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_SHORT);
  n = sap(0, 0, 1, NULL, SDP_TV);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_VERSION);
  n = sap(2, 0, 1, NULL, SDP_TV);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_VERSION);
  n = sap(1, 0x02, 1, NULL, SDP_TV);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_ENCRYPTED);
  n = sap(1, 0x01, 1, NULL, "\x78\x9c garbage");
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_COMPRESSED);
  n = sap(1, 0, 1, "text/plain", "hello");
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_TYPE);
  n = sap(1, 0, 1, "application/sdpx", SDP_TV);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_TYPE);
  n = sap(1, 0, 1, "APPLICATION/SDP", SDP_TV);
  assert_int_equal(mcw_sap_decode(pkt, n, &p), MCW_SAP_OK);
  assert_string_equal(mcw_sap_refusal_name(MCW_SAP_COMPRESSED), "compressed");
  assert_string_equal(mcw_sap_refusal_name(MCW_SAP_REFUSALS), "?");
}

static void test_announce_delete(void **state) {
  struct mcw_sapdir d;
  struct seen e;
  const struct mcw_sap_session *s;
  char ep[80];
  size_t n;

  (void)state;
  setup_dir(&d, &e, 10, 3600 * S);
  n = sap(1, 0, 0x1234, "application/sdp", SDP_TV);
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 5 * S), MCW_SAP_OK);
  assert_int_equal(e.announced, 1);
  assert_int_equal(d.n, 1);
  s = &d.v[0];
  assert_string_equal(s->name, "News channel");
  assert_string_equal(s->owner, "alice 123 10.0.0.5");
  assert_int_equal(s->nmedia, 2);
  assert_string_equal(s->media[0].type, "video");
  assert_string_equal(mcw_sap_media_endpoint(&s->media[0], ep, sizeof(ep)),
                      "239.1.1.1:5004");
  assert_int_equal(s->media[0].clock, 0); /* static PT 33: no rtpmap */
  assert_string_equal(s->media[1].type, "audio");
  assert_int_equal(s->media[1].port, 5006);
  assert_int_equal(s->media[1].pt, 96);
  assert_int_equal(s->media[1].clock, 44100);
  /* Re-announced 300 s later: no event, the interval is measured. */
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 305 * S), MCW_SAP_OK);
  assert_int_equal(e.announced, 1);
  assert_int_equal(d.v[0].heard, 2);
  assert_int_equal(d.v[0].interval_ns, 300 * S);
  assert_int_equal(d.v[0].last_ns, 305 * S);
  assert_int_equal(d.v[0].ifindex, 3);
  /* Deleted by a packet with T=1 and the same hash (only o= inside). */
  n = sap(1, 0x04, 0x1234, NULL, "o=alice 123 1 IN IP4 10.0.0.5\r\n");
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 306 * S), MCW_SAP_OK);
  assert_int_equal(e.deleted, 1);
  assert_string_equal(e.last_name, "News channel");
  assert_int_equal(d.n, 0);
  /* Deleting it again is no fault and no event. */
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 307 * S), MCW_SAP_OK);
  assert_int_equal(e.deleted, 1);
  assert_int_equal(d.deleted, 1);
  mcw_sapdir_free(&d);
}

static void test_modified(void **state) {
  struct mcw_sapdir d;
  struct seen e;
  size_t n;

  (void)state;
  setup_dir(&d, &e, 10, 3600 * S);
  n = sap(1, 0, 1, NULL, SDP_TV);
  mcw_sapdir_feed(&d, pkt, n, 3, 0);
  n = sap(1, 0, 2, NULL,
          "v=0\r\no=alice 123 2 IN IP4 10.0.0.5\r\ns=News HD\r\n"
          "c=IN IP4 239.1.1.2/32\r\nt=0 0\r\nm=video 5004 RTP/AVP 33\r\n");
  mcw_sapdir_feed(&d, pkt, n, 3, 10 * S);
  assert_int_equal(e.announced, 2);
  assert_int_equal(d.n, 1);
  assert_string_equal(d.v[0].name, "News HD");
  assert_int_equal(d.v[0].hash, 2);
  assert_string_equal(d.v[0].media[0].group, "239.1.1.2");
  /* Another owner is another session. */
  n = sap(1, 0, 3, NULL,
          "v=0\r\no=bob 9 1 IN IP4 10.0.0.5\r\ns=Radio\r\n"
          "c=IN IP4 239.1.1.3/32\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n");
  mcw_sapdir_feed(&d, pkt, n, 3, 11 * S);
  assert_int_equal(d.n, 2);
  mcw_sapdir_free(&d);
}

static void test_expiry(void **state) {
  struct mcw_sapdir d;
  struct seen e;
  size_t n = sap(1, 0, 7, NULL, SDP_TV);

  (void)state;
  /* The floor (one hour by default) when the interval is short. */
  setup_dir(&d, &e, 10, 3600 * S);
  mcw_sapdir_feed(&d, pkt, n, 3, 0);
  mcw_sapdir_feed(&d, pkt, n, 3, 300 * S);
  assert_int_equal(mcw_sapdir_deadline(&d, &d.v[0]), 3900 * S);
  assert_int_equal(mcw_sapdir_expire(&d, 3899 * S), 0);
  assert_int_equal(mcw_sapdir_expire(&d, 3900 * S), 1);
  assert_int_equal(e.expired, 1);
  assert_int_equal(d.n, 0);
  mcw_sapdir_free(&d);
  /* Ten intervals when that is longer: 10 x 600 s beats the hour. */
  setup_dir(&d, &e, 10, 3600 * S);
  mcw_sapdir_feed(&d, pkt, n, 3, 0);
  mcw_sapdir_feed(&d, pkt, n, 3, 600 * S);
  assert_int_equal(mcw_sapdir_expire(&d, 600 * S + 6000 * S - 1), 0);
  assert_int_equal(mcw_sapdir_expire(&d, 6600 * S), 1);
  mcw_sapdir_free(&d);
  /* A shorter floor (--sap-timeout 2): heard once, gone after 2 s. */
  setup_dir(&d, &e, 10, 2 * S);
  mcw_sapdir_feed(&d, pkt, n, 3, 0);
  assert_int_equal(mcw_sapdir_expire(&d, 2 * S - 1), 0);
  assert_int_equal(mcw_sapdir_expire(&d, 2 * S), 1);
  mcw_sapdir_free(&d);
}

static void test_bound_and_counts(void **state) {
  struct mcw_sapdir d;
  struct seen e;
  size_t n;

  (void)state;
  setup_dir(&d, &e, 3, 3600 * S);
  for (unsigned h = 1; h <= 5; h++) {
    char text[300];
    snprintf(text, sizeof(text),
             "v=0\r\no=u%u 1 1 IN IP4 10.0.0.5\r\ns=S%u\r\n"
             "c=IN IP4 239.1.1.%u/32\r\nt=0 0\r\nm=video 5004 RTP/AVP 33\r\n",
             h, h, h);
    n = sap(1, 0, (uint16_t)h, NULL, text);
    mcw_sapdir_feed(&d, pkt, n, 3, 0);
  }
  assert_int_equal(d.n, 3);
  assert_int_equal(d.refused[MCW_SAP_FULL], 2);
  n = sap(1, 0, 99, NULL, "v=0\r\nthis is not sdp at all");
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 0), MCW_SAP_SDP);
  n = sap(1, 0, 98, NULL, "v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\ns=No media\r\n");
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 0), MCW_SAP_SDP);
  n = sap(1, 1, 97, NULL, "compressed");
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 0), MCW_SAP_COMPRESSED);
  n = sap(3, 0, 97, NULL, SDP_TV);
  assert_int_equal(mcw_sapdir_feed(&d, pkt, n, 3, 0), MCW_SAP_VERSION);
  assert_int_equal(d.refused[MCW_SAP_SDP], 2);
  assert_int_equal(d.refused[MCW_SAP_COMPRESSED], 1);
  assert_int_equal(d.refused[MCW_SAP_VERSION], 1);
  assert_int_equal(d.packets, 9);
  assert_int_equal(d.announced, 3);
  mcw_sapdir_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_announce_delete),
      cmocka_unit_test(test_modified),
      cmocka_unit_test(test_expiry),
      cmocka_unit_test(test_bound_and_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
