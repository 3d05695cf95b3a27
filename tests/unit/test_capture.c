/*
 * The pcap sink, read back with libpcap: records of several groups come
 * out in timestamp order after the reorder window, a record later than
 * the window is written and counted late, and a write error (a file size
 * limit standing in for a full disk) leaves a file that ends with its
 * last whole record, with exact counts. No sockets, no loop: a fake clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "mcwatch/capture.h"

#define MS INT64_C(1000000)
#define WINDOW (100 * MS)
#define T0 INT64_C(1795537920000000000) /* a wall-clock timestamp */
#define PAYLOAD 100
#define RECORD (16 + 28 + PAYLOAD) /* record header, IPv4 + UDP, payload */

static char path[64];

static int setup(void **state) {
  int fd;

  (void)state;
  snprintf(path, sizeof(path), "/tmp/mcw-test-capture-XXXXXX");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  unlink(path);
  return 0;
}

static struct mcw_group *make_group(const char *endpoint) {
  struct mcw_endpoint ep;
  struct mcw_group_config cfg;
  char err[128];

  assert_int_equal(mcw_endpoint_parse(endpoint, &ep, err, sizeof(err)), 0);
  ep.ifindex = 1;
  mcw_group_config_default(&cfg);
  return mcw_group_new(&ep, &cfg, 0);
}

/* A datagram of PAYLOAD bytes to g stamped ts, whose first byte is tag. */
static void put(struct mcw_capture *c, struct mcw_group *g, int64_t ts,
                uint8_t tag, int64_t now, int want) {
  static uint8_t payload[PAYLOAD];
  struct mcw_datagram d;

  memset(&d, 0, sizeof(d));
  memset(payload, 'x', sizeof(payload));
  payload[0] = tag;
  d.ts_ns = ts;
  d.kernel_ts = true;
  mcw_addr_parse("10.0.0.5", &d.src);
  d.src.port = 40000;
  d.dst = g->ep.group;
  d.data = payload;
  d.len = d.caplen = PAYLOAD;
  assert_int_equal(mcw_capture_write(c, g, &d, now), want);
}

/* Flushes at now after a loop iteration that took no time (the hold is
   the window plus the time since the previous flush). */
static int settle(struct mcw_capture *c, int64_t now) {
  (void)mcw_capture_flush(c, now);
  return mcw_capture_flush(c, now);
}

/* Reads the file back: the tags in file order, and their timestamps. */
static size_t read_back(uint8_t *tags, int64_t *ts, size_t max) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline_with_tstamp_precision(
      path, PCAP_TSTAMP_PRECISION_NANO, err);
  struct pcap_pkthdr *h;
  const u_char *data;
  size_t n = 0;
  int r;

  assert_non_null(p);
  while ((r = pcap_next_ex(p, &h, &data)) == 1) {
    assert_true(n < max);
    assert_int_equal(h->caplen, 28 + PAYLOAD);
    tags[n] = data[28];
    ts[n++] = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
  }
  assert_int_equal(r, PCAP_ERROR_BREAK); /* a clean end, no cut record */
  pcap_close(p);
  return n;
}

static void test_groups_in_time_order(void **state) {
  struct mcw_group *a = make_group("239.1.1.1:5000%lo");
  struct mcw_group *b = make_group("239.1.1.2:5000%lo");
  struct mcw_capture_stats st;
  char err[256];
  struct mcw_capture *c = mcw_capture_open(path, WINDOW, err, sizeof(err));
  uint8_t tags[16];
  int64_t ts[16];
  size_t n;

  assert_non_null(c);
  /* Group a's socket is drained first, then b's: drain order is not time
     order. */
  put(c, a, T0 + 10 * MS, 'a', 0, 0);
  put(c, a, T0 + 30 * MS, 'c', 0, 0);
  put(c, a, T0 + 50 * MS, 'e', 1 * MS, 0);
  put(c, b, T0 + 20 * MS, 'b', 2 * MS, 0);
  put(c, b, T0 + 40 * MS, 'd', 2 * MS, 0);
  put(c, b, T0 + 40 * MS, 'f', 3 * MS, 0); /* equal stamps keep arrival order */
  /* Inside the window nothing is written. */
  assert_int_equal(settle(c, WINDOW - 1), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.held, 6);
  assert_int_equal(st.written, 0);
  /* After it, the records taken at 0 go; 'c' waits behind 'b' (taken at
     2 ms). */
  assert_int_equal(settle(c, WINDOW), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.written, 1);
  /* All past the window, but b has delivered up to 40 ms only: 'e' (50)
     waits, since b's socket may still hold a datagram stamped before it. */
  assert_int_equal(settle(c, WINDOW + 3 * MS), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.written, 5);
  assert_int_equal(st.held, 1);
  /* b delivers again, stamped later: the watermark passes 'e'. */
  put(c, b, T0 + 60 * MS, 'g', WINDOW + 4 * MS, 0);
  assert_int_equal(settle(c, WINDOW + 5 * MS), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.written, 6);
  assert_int_equal(st.held, 1); /* 'g': a has not delivered past 60 */
  /* A quiet group holds nothing back once idle (a last delivered at 1 ms). */
  assert_int_equal(settle(c, 1 * MS + MCW_CAPTURE_IDLE_NS - 1), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.held, 1);
  assert_int_equal(settle(c, 1 * MS + MCW_CAPTURE_IDLE_NS), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.held, 0);
  assert_int_equal(mcw_capture_close(c, &st), 0);
  assert_int_equal(st.accepted, 7);
  assert_int_equal(st.written, 7);
  assert_int_equal(st.not_written, 0);
  assert_int_equal(st.late, 0);
  assert_int_equal(st.reorder_max_ns, 30 * MS); /* 'b' after 'e' */
  n = read_back(tags, ts, 16);
  assert_int_equal(n, 7);
  assert_memory_equal(tags, "abcdfeg", 7);
  for (size_t i = 1; i < n; i++)
    assert_true(ts[i] >= ts[i - 1]);
  mcw_group_free(a);
  mcw_group_free(b);
}

static void test_longest_hold(void **state) {
  struct mcw_group *a = make_group("239.1.1.1:5000%lo");
  struct mcw_group *b = make_group("239.1.1.2:5000%lo");
  struct mcw_capture_stats st;
  char err[256];
  struct mcw_capture *c = mcw_capture_open(path, WINDOW, err, sizeof(err));
  int64_t now = 0;

  assert_non_null(c);
  /* b keeps delivering, stamped far back (a clock step): a's record is
     held no longer than the longest hold. */
  put(c, a, T0 + 500 * MS, 'a', 0, 0);
  for (; now < MCW_CAPTURE_MAX_NS; now += 100 * MS) {
    put(c, b, T0 - 3600 * INT64_C(1000000000) + now, 'b', now, 0);
    assert_int_equal(settle(c, now + WINDOW - 1), 0);
  }
  mcw_capture_stats(c, &st);
  assert_int_equal(st.held, 2); /* 'a', and the last 'b' in its window */
  assert_int_equal(settle(c, MCW_CAPTURE_MAX_NS), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.held, 0);
  assert_int_equal(mcw_capture_close(c, &st), 0);
  assert_int_equal(st.written, 21);
  mcw_group_free(a);
  mcw_group_free(b);
}

static void test_slow_loop(void **state) {
  struct mcw_group *a = make_group("239.1.1.1:5000%lo");
  struct mcw_group *b = make_group("239.1.1.2:5000%lo");
  struct mcw_capture_stats st;
  char err[256];
  struct mcw_capture *c = mcw_capture_open(path, WINDOW, err, sizeof(err));
  uint8_t tags[16];
  int64_t ts[16];

  assert_non_null(c);
  assert_int_equal(settle(c, 0), 0);
  /* An iteration of 500 ms: a delivers at its start; b's socket filled
     meanwhile but is read only in the next iteration. */
  put(c, a, T0 + 20 * MS, 'b', 10 * MS, 0);
  assert_int_equal(mcw_capture_flush(c, 500 * MS), 0);
  mcw_capture_stats(c, &st);
  assert_int_equal(st.held, 1); /* held 490 ms, past the window: not enough */
  put(c, b, T0 + 15 * MS, 'a', 501 * MS, 0);
  assert_int_equal(mcw_capture_flush(c, 502 * MS), 0);
  assert_int_equal(mcw_capture_close(c, &st), 0);
  assert_int_equal(st.late, 0);
  assert_int_equal(read_back(tags, ts, 16), 2);
  assert_memory_equal(tags, "ab", 2);
  mcw_group_free(a);
  mcw_group_free(b);
}

static void test_late_record_counted(void **state) {
  struct mcw_group *a = make_group("239.1.1.1:5000%lo");
  struct mcw_capture_stats st;
  char err[256];
  struct mcw_capture *c = mcw_capture_open(path, WINDOW, err, sizeof(err));
  uint8_t tags[16];
  int64_t ts[16];

  assert_non_null(c);
  put(c, a, T0 + 500 * MS, 'a', 0, 0);
  assert_int_equal(settle(c, WINDOW), 0); /* 'a' goes */
  put(c, a, T0 + 600 * MS, 'b', WINDOW, 0);
  /* Stamped before 'a', which is already in the file: too late. */
  put(c, a, T0 + 100 * MS, 'c', WINDOW + 1, 0);
  assert_int_equal(mcw_capture_close(c, &st), 0);
  assert_int_equal(st.written, 3);
  assert_int_equal(st.late, 1);
  assert_int_equal(read_back(tags, ts, 16), 3);
  assert_memory_equal(tags, "acb", 3); /* written, not lost */
  mcw_group_free(a);
}

static void test_write_error_cuts_whole(void **state) {
  struct mcw_group *a = make_group("239.1.1.1:5000%lo");
  struct mcw_capture_stats st;
  struct rlimit old, lim;
  struct stat sb;
  char err[256];
  struct mcw_capture *c;
  uint8_t tags[64];
  int64_t ts[64];
  int r = 0;

  /* A file size limit fails writes as a full disk does: a short write,
     then an error (EFBIG; SIGXFSZ ignored). Room for 3.5 records. */
  signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  lim = old;
  lim.rlim_cur = 24 + 3 * RECORD + RECORD / 2;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  c = mcw_capture_open(path, 0, err, sizeof(err));
  assert_non_null(c);
  for (int i = 0; i < 40 && r == 0; i++) {
    put(c, a, T0 + i * MS, (uint8_t)('A' + i), i, r);
    r = mcw_capture_flush(c, i);
  }
  assert_int_equal(r, -EFBIG); /* found on the flush that failed */
  /* Every later call says the same and writes nothing. */
  put(c, a, T0 + 99 * MS, 'z', 99, -EFBIG);
  assert_int_equal(mcw_capture_close(c, &st), -EFBIG);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  assert_int_equal(st.error, -EFBIG);
  assert_int_equal(st.written, 3);
  assert_int_equal(st.not_written, st.accepted - 3);
  assert_true(st.not_written >= 2);
  /* The file ends with the third whole record: no cut one. */
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 24 + 3 * RECORD);
  assert_int_equal(read_back(tags, ts, 64), 3);
  assert_memory_equal(tags, "ABC", 3);
  mcw_group_free(a);
}

static void test_unwritable_refused_at_open(void **state) {
  char err[256];
  struct rlimit old, lim;
  struct stat sb;

  /* A hostile file name is escaped in the message. */
  assert_null(mcw_capture_open("/nonexistent/\x1b]0;x\x07.pcap", WINDOW, err,
                               sizeof(err)));
  assert_string_equal(err, "/nonexistent/\\x1b]0;x\\x07.pcap: No such file "
                           "or directory");
  /* /dev/full takes nothing: refused at once, not after datagrams. */
  assert_null(mcw_capture_open("/dev/full", WINDOW, err, sizeof(err)));
  assert_string_equal(err, "/dev/full: No space left on device");
  /* Not even the header fits: refused, and no half header left. */
  signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  lim = old;
  lim.rlim_cur = 10;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  assert_null(mcw_capture_open(path, WINDOW, err, sizeof(err)));
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  assert_non_null(strstr(err, "File too large"));
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_groups_in_time_order, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_longest_hold, setup, teardown),
      cmocka_unit_test_setup_teardown(test_slow_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(test_late_record_counted, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_write_error_cuts_whole, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_unwritable_refused_at_open, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
