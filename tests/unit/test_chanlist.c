/*
 * Unit tests for chanlist.c and sdp.c: plain lists, M3U playlists in the
 * forms VLC and ffmpeg write, SDP files (gst-sdp parses them), labels
 * made safe, bad lines refused with file, line and reason, and the saved
 * form read back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/chanlist.h"
#include "mcwatch/common.h"

/* Parses text and returns the canonical "ENDPOINT|LABEL" of entry i. */
static const char *entry(const struct mcw_chanlist *l, size_t i) {
  static char buf[400];
  char ep[200];

  mcw_endpoint_format(&l->v[i].ep, ep, sizeof(ep));
  snprintf(buf, sizeof(buf), "%s|%s", ep, l->v[i].ep.label);
  return buf;
}

static void parse_ok(const char *text, struct mcw_chanlist *l) {
  char err[400] = "";
  int rc = mcw_chanlist_parse("list", text, strlen(text), MCW_CHANLIST_AUTO, l,
                              err, sizeof(err));
  if (rc != 0)
    fail_msg("unexpected error: %s", err);
}

static void parse_bad(const char *text, const char *want) {
  struct mcw_chanlist l = {0};
  char err[400] = "";
  int rc = mcw_chanlist_parse("list.txt", text, strlen(text), MCW_CHANLIST_AUTO,
                              &l, err, sizeof(err));
  assert_int_equal(rc, -EINVAL);
  assert_string_equal(err, want);
  assert_int_equal(l.n, 0);
  mcw_chanlist_free(&l);
}

static void test_plain(void **state) {
  struct mcw_chanlist l = {0};
  (void)state;
  parse_ok("# studio feeds\n"
           "\n"
           "239.1.1.1:5000 Camera 1\n"
           "  239.1.1.2:5000%lo\tCamera  2 \r\n"
           "232.1.1.1:5000@10.0.0.5 SSM feed\n"
           "[ff15::1]:5000%lo\n"
           "udp://@239.1.1.3:1234 From a URL\n",
           &l);
  assert_int_equal(l.n, 5);
  assert_string_equal(entry(&l, 0), "239.1.1.1:5000|Camera 1");
  assert_string_equal(entry(&l, 1), "239.1.1.2:5000%lo|Camera  2");
  assert_string_equal(entry(&l, 2), "232.1.1.1:5000@10.0.0.5|SSM feed");
  assert_string_equal(entry(&l, 3), "[ff15::1]:5000%lo|");
  assert_string_equal(entry(&l, 4), "239.1.1.3:1234|From a URL");
  assert_int_equal(l.v[0].line, 3);
  assert_int_equal(l.v[4].line, 7);
  mcw_chanlist_free(&l);
}

/* A playlist as VLC saves one (Media > Save Playlist to File, .m3u8). */
static void test_m3u_vlc(void **state) {
  struct mcw_chanlist l = {0};
  (void)state;
  parse_ok("#EXTM3U\n"
           "#EXTINF:-1,BBC One HD\n"
           "#EXTVLCOPT:network-caching=1000\n"
           "udp://@239.100.0.1:1234\n"
           "#EXTINF:-1 tvg-id=\"zdf.de\" tvg-name=\"ZDF, HD\" "
           "group-title=\"News, DE\",ZDF HD\n"
           "rtp://@239.100.0.2:5004\n"
           "#EXTINF:0,\n"
           "udp://@239.100.0.3\n"
           "#EXTINF:-1,SSM channel\n"
           "udp://10.0.0.5@232.1.1.1:1234\n"
           "#EXTINF:-1,On eth1\n"
           "#EXTVLCOPT:miface=lo\n"
           "rtp://@[ff15::42]\n",
           &l);
  assert_int_equal(l.n, 5);
  assert_string_equal(entry(&l, 0), "239.100.0.1:1234|BBC One HD");
  assert_string_equal(entry(&l, 1), "239.100.0.2:5004|ZDF HD");
  assert_string_equal(entry(&l, 2), "239.100.0.3:1234|");
  assert_string_equal(entry(&l, 3), "232.1.1.1:1234@10.0.0.5|SSM channel");
  assert_string_equal(entry(&l, 4), "[ff15::42]:5004%lo|On eth1");
  mcw_chanlist_free(&l);
}

/* URLs in ffmpeg's syntax, with options it understands and we ignore. */
static void test_m3u_ffmpeg(void **state) {
  struct mcw_chanlist l = {0};
  (void)state;
  parse_ok(
      "#EXTM3U\n"
      "#EXTINF:-1 tvg-name=\"Fallback name\",\n"
      "udp://239.2.2.2:5000?pkt_size=1316&fifo_size=1000000\n"
      "#EXTINF:-1,Two sources\n"
      "udp://232.2.2.2:6000?sources=10.0.0.1,10.0.0.2&localaddr=10.0.0.9\n",
      &l);
  assert_int_equal(l.n, 3);
  assert_string_equal(entry(&l, 0), "239.2.2.2:5000|Fallback name");
  assert_string_equal(entry(&l, 1),
                      "232.2.2.2:6000@10.0.0.1%10.0.0.9|Two sources");
  assert_string_equal(entry(&l, 2),
                      "232.2.2.2:6000@10.0.0.2%10.0.0.9|Two sources");
  mcw_chanlist_free(&l);
}

/* An SDP file as ffmpeg's -sdp_file writes one for an RTP output. */
static void test_sdp_ffmpeg(void **state) {
  struct mcw_chanlist l = {0};
  (void)state;
  parse_ok("v=0\r\n"
           "o=- 0 0 IN IP4 127.0.0.1\r\n"
           "s=Studio A\r\n"
           "c=IN IP4 239.3.3.3/16\r\n"
           "t=0 0\r\n"
           "a=tool:libavformat 59.27.100\r\n"
           "m=video 5004 RTP/AVP 96\r\n"
           "b=AS:200\r\n"
           "a=rtpmap:96 MP4V-ES/90000\r\n"
           "m=audio 5006 RTP/AVP 97\r\n"
           "a=rtpmap:97 MPEG4-GENERIC/48000/2\r\n",
           &l);
  assert_int_equal(l.n, 2);
  assert_string_equal(entry(&l, 0), "239.3.3.3:5004|Studio A (video)");
  assert_string_equal(entry(&l, 1), "239.3.3.3:5006|Studio A (audio)");
  assert_int_equal(l.v[0].line, 7);
  assert_int_equal(l.v[1].line, 10);
  /* The a=rtpmap clocks, for jitter of dynamic payload types. */
  assert_int_equal(l.v[0].pt, 96);
  assert_int_equal(l.v[0].clock, 90000);
  assert_int_equal(l.v[1].pt, 97);
  assert_int_equal(l.v[1].clock, 48000);
  mcw_chanlist_free(&l);
}

/* RFC 4566 address ranges, media-level c=, RFC 4570 source filters, IPv6. */
static void test_sdp_forms(void **state) {
  struct mcw_chanlist l = {0};
  (void)state;
  parse_ok("v=0\n"
           "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\n"
           "s=SSM with ranges\n"
           "t=0 0\n"
           "m=video 49170 RTP/AVP 31\n"
           "c=IN IP4 224.2.1.1/127/3\n"
           "m=audio 49230 RTP/AVP 0\n"
           "c=IN IP4 232.3.4.5/64\n"
           "a=source-filter: incl IN IP4 232.3.4.5 192.0.2.10\n"
           "m=application 0 udp x\n"
           "c=IN IP4 239.9.9.9/1\n"
           "m=video 6000 udp MP2T\n"
           "c=IN IP6 ff15::7\n",
           &l);
  assert_int_equal(l.n, 5);
  assert_string_equal(entry(&l, 0), "224.2.1.1:49170|SSM with ranges (video)");
  assert_string_equal(entry(&l, 1), "224.2.1.2:49170|SSM with ranges (video)");
  assert_string_equal(entry(&l, 2), "224.2.1.3:49170|SSM with ranges (video)");
  assert_string_equal(entry(&l, 3),
                      "232.3.4.5:49230@192.0.2.10|SSM with ranges (audio)");
  assert_string_equal(entry(&l, 4), "[ff15::7]:6000|SSM with ranges (video)");
  mcw_chanlist_free(&l);
}

static void test_mixed_and_append(void **state) {
  struct mcw_chanlist l = {0};
  char err[300];
  (void)state;
  parse_ok("239.1.1.1:5000 first\n", &l);
  /* A bad second file leaves the first one's entries as they were. */
  assert_int_equal(mcw_chanlist_parse("b", "239.1.1.2:5000\nnope\n", 20,
                                      MCW_CHANLIST_AUTO, &l, err, sizeof(err)),
                   -EINVAL);
  assert_int_equal(l.n, 1);
  parse_ok("#EXTM3U\n#EXTINF:-1,second\nudp://@239.1.1.2:5000\n", &l);
  assert_int_equal(l.n, 2);
  assert_string_equal(entry(&l, 1), "239.1.1.2:5000|second");
  mcw_chanlist_free(&l);
}

static void test_bad_lines(void **state) {
  (void)state;
  parse_bad("239.1.1.1:5000 ok\n239.1.2.300:5000 Bad\n",
            "list.txt:2: 239.1.2.300: not an IPv4 address");
  parse_bad("# only comments\n\n", "list.txt: no endpoints in the file");
  parse_bad("10.0.0.1:5000\n",
            "list.txt:1: 10.0.0.1: not a multicast group; multicast is "
            "224.0.0.0/4 or ff00::/8");
  parse_bad("#EXTM3U\n#EXTINF:-1,Web\nhttp://example.com/live.m3u8\n",
            "list.txt:3: http: only udp:// and rtp:// addresses can be "
            "watched");
  parse_bad("#EXTM3U\nudp://@239.1.1.1:99999\n",
            "list.txt:2: 99999: not a port (1 to 65535)");
  parse_bad("#EXTM3U\nudp://@:1234\n",
            "list.txt:2: no group address in the URL (udp://@GROUP:PORT)");
  parse_bad("v=0\no=- 0 0 IN IP4 1.2.3.4\ns=x\nt=0 0\nm=video 5000 udp x\n"
            "c=IN IP4 10.1.1.1\n",
            "list.txt:5: 10.1.1.1: not a multicast group; multicast is "
            "224.0.0.0/4 or ff00::/8");
  parse_bad("v=0\no=- 0 0 IN IP4 1.2.3.4\ns=x\nt=0 0\nm=video 5000 udp x\n"
            "c=IN IP4 232.1.1.1\n"
            "a=source-filter: excl IN IP4 232.1.1.1 10.0.0.1\n",
            "list.txt:5: a=source-filter: excl (exclusive filters) is not "
            "supported; name the sources to watch");
  parse_bad("v=0\ns=no media\n",
            "list.txt: SDP: no m= line with a multicast address");
  parse_bad("v=0\ns=x\nm=video 5000 RTP/AVP 96\n",
            "list.txt:3: m=: no c= line gives its address");
  parse_bad("v=0\no=- 0 0 IN IP4 1.2.3.4\ns=x\nt=0 0\n",
            "list.txt: SDP: no m= line with a multicast address");
}

/* The NUL byte in the middle of a line is found even with strlen's help. */
static void test_nul_inside(void **state) {
  struct mcw_chanlist l = {0};
  char err[300];
  static const char text[] = "239.1.1.1:5000 a\0b\n";
  (void)state;
  assert_int_equal(mcw_chanlist_parse("f", text, sizeof(text) - 1,
                                      MCW_CHANLIST_AUTO, &l, err, sizeof(err)),
                   -EINVAL);
  assert_string_equal(err, "f:1: a NUL byte: not a text file");
}

static void test_labels_escaped(void **state) {
  struct mcw_chanlist l = {0};
  char err[300];
  static const char text[] = "239.1.1.1:5000 evil\x1b]0;PWN\x07 name\\x\n"
                             "239.1.1.2:5000 \xe2\x80\xae"
                             "reversed\n";
  (void)state;
  assert_int_equal(mcw_chanlist_parse("f", text, sizeof(text) - 1,
                                      MCW_CHANLIST_AUTO, &l, err, sizeof(err)),
                   0);
  assert_string_equal(l.v[0].ep.label, "evil\\x1b]0;PWN\\x07 name\\x");
  assert_string_equal(l.v[1].ep.label, "\\u{202e}reversed");
  mcw_chanlist_free(&l);
}

static void test_long_label_cut(void **state) {
  struct mcw_chanlist l = {0};
  char text[600];
  (void)state;
  memset(text, 0, sizeof(text));
  strcpy(text, "239.1.1.1:5000 ");
  for (int i = 0; i < 100; i++)
    strcat(text, "\xc3\xa9"); /* e-acute, two bytes */
  strcat(text, "\n");
  parse_ok(text, &l);
  assert_true(strlen(l.v[0].ep.label) < MCW_LABEL_MAX);
  assert_int_equal(strlen(l.v[0].ep.label) % 2, 0); /* whole characters */
  mcw_chanlist_free(&l);
}

/* What the save key writes, -f reads back the same. */
static void test_round_trip(void **state) {
  struct mcw_chanlist l = {0}, back = {0};
  const struct mcw_endpoint *eps[3];
  char *text;
  (void)state;
  parse_ok("239.1.1.1:5000 Camera 1\n232.1.1.1:5000@10.0.0.5%lo SSM\n"
           "[ff15::1]:5000\n",
           &l);
  for (size_t i = 0; i < l.n; i++)
    eps[i] = &l.v[i].ep;
  text = mcw_chanlist_format_plain(eps, l.n);
  parse_ok(text, &back);
  assert_int_equal(back.n, 3);
  for (size_t i = 0; i < 3; i++) {
    char a[400];
    strcpy(a, entry(&l, i));
    assert_string_equal(a, entry(&back, i));
  }
  free(text);
  mcw_chanlist_free(&l);
  mcw_chanlist_free(&back);
}

static void test_detect(void **state) {
  (void)state;
  assert_int_equal(mcw_chanlist_detect("\xef\xbb\xbf#EXTM3U\n", 11),
                   MCW_CHANLIST_M3U);
  assert_int_equal(mcw_chanlist_detect("\n\nv=0\n", 6), MCW_CHANLIST_SDP);
  assert_int_equal(mcw_chanlist_detect("239.1.1.1:1 x\n", 14),
                   MCW_CHANLIST_PLAIN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain),
      cmocka_unit_test(test_m3u_vlc),
      cmocka_unit_test(test_m3u_ffmpeg),
      cmocka_unit_test(test_sdp_ffmpeg),
      cmocka_unit_test(test_sdp_forms),
      cmocka_unit_test(test_mixed_and_append),
      cmocka_unit_test(test_bad_lines),
      cmocka_unit_test(test_nul_inside),
      cmocka_unit_test(test_labels_escaped),
      cmocka_unit_test(test_long_label_cut),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_detect),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
