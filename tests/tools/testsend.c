/*
 * mcw-testsend: a tiny, bounded multicast sender for the tests. It names
 * the outgoing interface by index (no multicast route needed), sends a
 * fixed number of datagrams and exits.
 *
 *   mcw-testsend GROUP PORT IFACE COUNT [--text T | --hex HEX | --size N]
 *                [--interval-ms MS] [--ttl N] [--sport PORT] [--source ADDR]
 *
 * The text may contain %n, replaced by the datagram number (1-based).
 * With --probe-seqs LIST (e.g. "0-99,105,103,103,110-199") it sends
 * mcwatch probes numbered as listed, built by the project's own encoder
 * (sender id --probe-id, default 0x7e57), and COUNT is ignored: gaps,
 * duplicates and reordering are crafted exactly.
 * With --hex-lines FILE it sends one datagram per line of FILE, each line
 * the payload in hex (an empty line sends an empty datagram), and COUNT is
 * ignored: one process sends a whole list of crafted datagrams.
 * Exit 0 when every datagram was sent, 1 on any error (with a message).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mcwatch/probe.h"

#define SEQS_MAX 200000

/* Parses "a-b,c,..." into seqs; returns how many, or -1. */
static long parse_seqs(const char *s, uint64_t *seqs, long max) {
  long n = 0;
  while (*s) {
    char *end;
    unsigned long long a = strtoull(s, &end, 10), b = a;
    if (end == s)
      return -1;
    if (*end == '-') {
      s = end + 1;
      b = strtoull(s, &end, 10);
      if (end == s || b < a)
        return -1;
    }
    for (unsigned long long v = a; v <= b; v++) {
      if (n >= max)
        return -1;
      seqs[n++] = v;
    }
    s = *end == ',' ? end + 1 : end;
    if (*end != ',' && *end != '\0')
      return -1;
  }
  return n;
}

static int die(const char *what) {
  fprintf(stderr, "mcw-testsend: %s: %s\n", what, strerror(errno));
  return 1;
}

static size_t unhex(const char *s, unsigned char *out, size_t max) {
  size_t n = 0;
  while (s[0] && s[1] && n < max) {
    unsigned v;
    if (sscanf(s, "%2x", &v) != 1)
      break;
    out[n++] = (unsigned char)v;
    s += 2;
  }
  return n;
}

/* Sends one datagram per line of the file at path, each line in hex. */
static int send_hex_lines(int fd, const char *path,
                          const struct sockaddr_storage *dst, socklen_t dlen,
                          long interval_ms) {
  static char line[2 * 65536 + 2];
  static unsigned char pkt[65536];
  FILE *f = fopen(path, "r");

  if (f == NULL)
    return die(path);
  while (fgets(line, sizeof(line), f) != NULL) {
    size_t len;
    line[strcspn(line, "\n")] = '\0';
    len = unhex(line, pkt, sizeof(pkt));
    if (sendto(fd, pkt, len, 0, (const struct sockaddr *)dst, dlen) < 0) {
      fclose(f);
      return die("sendto");
    }
    if (interval_ms > 0) {
      struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000};
      nanosleep(&ts, NULL);
    }
  }
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  static unsigned char buf[65536], out[65536];
  static uint64_t seqs[SEQS_MAX];
  const char *text = "mcw-testsend %n", *hex = NULL, *source = NULL;
  const char *hex_lines = NULL;
  long nseqs = -1;
  unsigned long probe_id = 0x7e57;
  long size = -1, interval_ms = 0, ttl = 1, sport = 0;
  struct sockaddr_storage dst, src;
  socklen_t dlen;
  unsigned ifindex;
  long count;
  int fd, v6;

  if (argc < 5) {
    fprintf(stderr, "usage: mcw-testsend GROUP PORT IFACE COUNT [--text T | "
                    "--hex HEX | --size N] [--interval-ms MS] [--ttl N] "
                    "[--sport PORT] [--source ADDR]\n");
    return 2;
  }
  for (int i = 5; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--text"))
      text = argv[i + 1];
    else if (!strcmp(argv[i], "--hex"))
      hex = argv[i + 1];
    else if (!strcmp(argv[i], "--hex-lines"))
      hex_lines = argv[i + 1];
    else if (!strcmp(argv[i], "--size"))
      size = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--interval-ms"))
      interval_ms = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--ttl"))
      ttl = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--sport"))
      sport = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--source"))
      source = argv[i + 1];
    else if (!strcmp(argv[i], "--probe-id"))
      probe_id = strtoul(argv[i + 1], NULL, 0);
    else if (!strcmp(argv[i], "--probe-seqs")) {
      nseqs = parse_seqs(argv[i + 1], seqs, SEQS_MAX);
      if (nseqs < 0) {
        fprintf(stderr, "mcw-testsend: bad --probe-seqs\n");
        return 2;
      }
    } else {
      fprintf(stderr, "mcw-testsend: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  count = nseqs >= 0 ? nseqs : atol(argv[4]);
  if (count < 0 || count > 10000000) {
    fprintf(stderr, "mcw-testsend: count out of range\n");
    return 2;
  }
  ifindex = if_nametoindex(argv[3]);
  if (ifindex == 0)
    return die(argv[3]);
  memset(&dst, 0, sizeof(dst));
  memset(&src, 0, sizeof(src));
  v6 = strchr(argv[1], ':') != NULL;
  if (v6) {
    struct sockaddr_in6 *d = (struct sockaddr_in6 *)&dst;
    d->sin6_family = AF_INET6;
    d->sin6_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET6, argv[1], &d->sin6_addr) != 1)
      return die(argv[1]);
    d->sin6_scope_id = ifindex;
    dlen = sizeof(*d);
  } else {
    struct sockaddr_in *d = (struct sockaddr_in *)&dst;
    d->sin_family = AF_INET;
    d->sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &d->sin_addr) != 1)
      return die(argv[1]);
    dlen = sizeof(*d);
  }
  fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (fd < 0)
    return die("socket");
  if (v6) {
    int idx = (int)ifindex, hops = (int)ttl;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) <
            0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) <
            0)
      return die("IPv6 multicast options");
  } else {
    struct ip_mreqn mr;
    int t = (int)ttl;
    memset(&mr, 0, sizeof(mr));
    mr.imr_ifindex = (int)ifindex;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof(t)) < 0)
      return die("IPv4 multicast options");
  }
  if (sport > 0 || source != NULL) {
    socklen_t slen;
    if (v6) {
      struct sockaddr_in6 *s = (struct sockaddr_in6 *)&src;
      s->sin6_family = AF_INET6;
      s->sin6_port = htons((uint16_t)sport);
      if (source && inet_pton(AF_INET6, source, &s->sin6_addr) != 1)
        return die(source);
      slen = sizeof(*s);
    } else {
      struct sockaddr_in *s = (struct sockaddr_in *)&src;
      s->sin_family = AF_INET;
      s->sin_port = htons((uint16_t)sport);
      if (source && inet_pton(AF_INET, source, &s->sin_addr) != 1)
        return die(source);
      slen = sizeof(*s);
    }
    if (bind(fd, (struct sockaddr *)&src, slen) < 0)
      return die("bind");
  }
  if (hex_lines != NULL)
    return send_hex_lines(fd, hex_lines, &dst, dlen, interval_ms);
  for (long n = 1; n <= count; n++) {
    size_t len = 0;
    if (nseqs >= 0) {
      struct timespec now;
      struct mcw_probe p = {.sender_id = (uint32_t)probe_id,
                            .seq = seqs[n - 1]};
      clock_gettime(CLOCK_REALTIME, &now);
      p.send_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
      len = (size_t)mcw_probe_encode(&p, "gap test", 8, 0, out, sizeof(out));
    } else if (hex != NULL) {
      len = unhex(hex, out, sizeof(out));
    } else if (size >= 0) {
      len = (size_t)size < sizeof(out) ? (size_t)size : sizeof(out);
      for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)(n + i);
    } else {
      const char *p = text;
      while (*p && len < sizeof(out) - 32) {
        if (p[0] == '%' && p[1] == 'n') {
          len += (size_t)snprintf((char *)out + len, 32, "%ld", n);
          p += 2;
        } else {
          out[len++] = (unsigned char)*p++;
        }
      }
    }
    memcpy(buf, out, len);
    if (sendto(fd, buf, len, 0, (struct sockaddr *)&dst, dlen) < 0)
      return die("sendto");
    if (interval_ms > 0 && n < count) {
      struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000};
      nanosleep(&ts, NULL);
    }
  }
  close(fd);
  return 0;
}
