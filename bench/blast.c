/*
 * mcw-blast: the benchmark's traffic. Sends COUNT datagrams of SIZE bytes
 * round-robin to GROUPS consecutive IPv4 groups starting at BASE, on one
 * port, through IFACE (named by index, so no route is needed), either as
 * fast as it can (RATE 0, sendmmsg batches of 64) or paced at RATE
 * datagrams per second on absolute deadlines. Bounded by COUNT; prints
 * "sent N in S s (R/s)" and exits.
 *
 * Every datagram starts like an iperf2 UDP datagram, so that iperf's
 * server can count the same traffic as the other receivers: a 32-bit
 * sequence number per group counting from 1, the send time (seconds and
 * microseconds), the upper half of a 64-bit sequence number (0) and a
 * zeroed client header (no options). All in network byte order; the rest
 * of the datagram is 'x'. With the word "fin" after IFACE, ten end-of-test
 * datagrams (negative sequence numbers, as iperf's client sends) go to
 * each group 10 ms apart after the burst; they are not in the count.
 * With the word "ts" instead, every group gets a continuous MPEG-TS byte
 * stream (tsgen.h) cut into SIZE-byte datagrams, for the TS analyzers.
 * With "keep-rate" a paced sender that is behind its deadlines sends every
 * datagram already due in one sendmmsg (up to 64), so the average rate
 * holds where one system call per datagram cannot keep up (100,000/s);
 * without it each datagram is its own call, as before.
 *
 *   mcw-blast BASE PORT GROUPS COUNT SIZE RATE IFACE [fin | ts] [keep-rate]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iperfhdr.h"
#include "tsgen.h"

#define BATCH 64
#define FINS 10

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* iperf2's header for sequence number id, stamped with the time now. */
static void iperf_header(uint8_t *p, int32_t id) {
  struct timeval tv;

  gettimeofday(&tv, NULL);
  mcw_iperf_header(p, id, (uint32_t)tv.tv_sec, (uint32_t)tv.tv_usec);
}

int main(int argc, char **argv) {
  static uint8_t payload[BATCH][65536];
  struct sockaddr_in *dst;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct ip_mreqn mr;
  struct in_addr base;
  long groups, size, port;
  unsigned long long count, sent = 0;
  double rate;
  int fd, ttl = 1, fin = 0, tsmode = 0, keep = 0;
  uint64_t *tspos = NULL;
  int64_t start, next;

  int bad = argc < 8 || argc > 10;

  for (int i = 8; i < argc && !bad; i++) {
    if (strcmp(argv[i], "fin") == 0 && !tsmode)
      fin = 1;
    else if (strcmp(argv[i], "ts") == 0 && !fin)
      tsmode = 1;
    else if (strcmp(argv[i], "keep-rate") == 0)
      keep = 1;
    else
      bad = 1; /* not a word of ours */
  }
  if (bad) {
    fprintf(stderr, "usage: mcw-blast BASE PORT GROUPS COUNT SIZE RATE IFACE "
                    "[fin | ts] [keep-rate]\n");
    return 2;
  }
  if (inet_pton(AF_INET, argv[1], &base) != 1) {
    fprintf(stderr, "mcw-blast: %s: not an IPv4 address\n", argv[1]);
    return 2;
  }
  port = atol(argv[2]);
  groups = atol(argv[3]);
  count = strtoull(argv[4], NULL, 10);
  size = atol(argv[5]);
  rate = atof(argv[6]);
  if (groups < 1 || groups > 1000 || size < MCW_IPERF_HEADER || size > 65507 ||
      count > 100000000ULL || port < 1 || port > 65535 || rate < 0) {
    fprintf(stderr, "mcw-blast: argument out of range\n");
    return 2;
  }
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  memset(&mr, 0, sizeof(mr));
  mr.imr_ifindex = (int)if_nametoindex(argv[7]);
  if (fd < 0 || mr.imr_ifindex == 0 ||
      setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
      setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0) {
    perror("mcw-blast: socket");
    return 1;
  }
  dst = calloc((size_t)groups, sizeof(*dst));
  tspos = calloc((size_t)groups, sizeof(*tspos));
  if (dst == NULL || tspos == NULL) {
    perror("mcw-blast");
    return 1;
  }
  for (long g = 0; g < groups; g++) {
    dst[g].sin_family = AF_INET;
    dst[g].sin_port = htons((uint16_t)port);
    dst[g].sin_addr.s_addr = htonl(ntohl(base.s_addr) + (uint32_t)g);
  }
  memset(payload, 'x', sizeof(payload));
  memset(msgs, 0, sizeof(msgs));
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = payload[i];
    iov[i].iov_len = (size_t)size;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
  }
  start = next = now_ns();
  while (sent < count) {
    int n = (int)(count - sent < BATCH ? count - sent : BATCH), r;
    if (rate > 0) { /* paced: one datagram per deadline, batches of 1 */
      struct timespec ts;
      n = 1;
      next = start + (int64_t)((double)sent * 1e9 / rate);
      ts.tv_sec = next / 1000000000;
      ts.tv_nsec = next % 1000000000;
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
      if (keep) { /* and every other one already due */
        unsigned long long due =
            (unsigned long long)((double)(now_ns() - start) * rate / 1e9) + 1;
        if (due > sent + 1)
          n = (int)(due - sent < (unsigned long long)BATCH ? due - sent : BATCH);
        if ((unsigned long long)n > count - sent)
          n = (int)(count - sent);
      }
    }
    for (int i = 0; i < n; i++) {
      unsigned long long k = sent + (unsigned)i;
      msgs[i].msg_hdr.msg_name = &dst[k % (unsigned)groups];
      if (tsmode)
        ts_fill(payload[i], size, &tspos[k % (unsigned)groups]);
      else
        iperf_header(payload[i], (int32_t)(k / (unsigned)groups + 1));
    }
    r = sendmmsg(fd, msgs, (unsigned)n, 0);
    if (r < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
        continue;
      perror("mcw-blast: sendmmsg");
      return 1;
    }
    sent += (unsigned long long)r;
  }
  {
    double secs = (double)(now_ns() - start) / 1e9;
    printf("sent %llu in %.3f s (%.0f/s)\n", sent, secs, (double)sent / secs);
    fflush(stdout);
  }
  for (int f = 0; fin && f < FINS; f++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    for (long g = 0; g < groups; g++) {
      /* As iperf's client: the last sequence number plus one, negated
         (its server counts the end datagram in Lost/Total). */
      unsigned long long last =
          count / (unsigned)groups +
          ((unsigned long long)g < count % (unsigned)groups);
      iperf_header(payload[0], -(int32_t)(last + 1));
      (void)sendto(fd, payload[0], (size_t)size, 0, (struct sockaddr *)&dst[g],
                   sizeof(dst[g]));
    }
  }
  free(dst);
  free(tspos);
  close(fd);
  return 0;
}
