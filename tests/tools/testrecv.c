/*
 * mcw-testrecv: a tiny multicast receiver standing in for "some other
 * application" in the port-sharing tests. It sets the socket options it
 * is told to (none by default, as many programs do), binds to the group or
 * to the wildcard address, joins on IFACE, says "ready" on stdout, counts
 * datagrams for a bounded time and prints "received N".
 *
 *   mcw-testrecv GROUP PORT IFACE [--reuseaddr] [--reuseport] [--bind-any]
 *                [--source ADDR] [--seconds S] [--until N]
 *
 * --source joins source-specific (MCAST_JOIN_SOURCE_GROUP), from ADDR.
 * --until N stops as soon as N datagrams have arrived (still bounded by
 * --seconds, default 5). Exit 0 after counting, 2 when the bind fails
 * (with "bind: <reason>" on stdout, so tests can tell EADDRINUSE), 1 on
 * any other error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what) {
  printf("%s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  int one = 1, reuseaddr = 0, reuseport = 0, any = 0, fd, v6;
  double seconds = 5, end;
  long until = -1, got = 0;
  const char *source = NULL;
  struct sockaddr_storage ss, src;
  struct group_source_req gsr;
  struct group_req gr;
  unsigned ifindex;
  socklen_t sl;

  if (argc < 4) {
    fprintf(stderr, "usage: mcw-testrecv GROUP PORT IFACE [--reuseaddr] "
                    "[--reuseport] [--bind-any] [--source ADDR] [--seconds S] "
                    "[--until N]\n");
    return 1;
  }
  for (int i = 4; i < argc; i++) {
    if (strcmp(argv[i], "--reuseaddr") == 0)
      reuseaddr = 1;
    else if (strcmp(argv[i], "--reuseport") == 0)
      reuseport = 1;
    else if (strcmp(argv[i], "--bind-any") == 0)
      any = 1;
    else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
      source = argv[++i];
    else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
      seconds = atof(argv[++i]);
    else if (strcmp(argv[i], "--until") == 0 && i + 1 < argc)
      until = atol(argv[++i]);
    else {
      fprintf(stderr, "mcw-testrecv: unknown argument %s\n", argv[i]);
      return 1;
    }
  }
  if (seconds <= 0 || seconds > 60)
    seconds = 5;
  ifindex = if_nametoindex(argv[3]);
  if (ifindex == 0)
    return die("if_nametoindex");
  memset(&ss, 0, sizeof(ss));
  v6 = strchr(argv[1], ':') != NULL;
  if (v6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET6, argv[1], &s6->sin6_addr) != 1)
      return die("group");
    sl = sizeof(*s6);
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &s4->sin_addr) != 1)
      return die("group");
    sl = sizeof(*s4);
  }
  memset(&gr, 0, sizeof(gr));
  gr.gr_interface = ifindex;
  memcpy(&gr.gr_group, &ss, sl);
  memset(&gsr, 0, sizeof(gsr));
  gsr.gsr_interface = ifindex;
  memcpy(&gsr.gsr_group, &ss, sl);
  if (source != NULL) {
    memset(&src, 0, sizeof(src));
    src.ss_family = ss.ss_family;
    if (inet_pton(ss.ss_family, source,
                  v6 ? (void *)&((struct sockaddr_in6 *)&src)->sin6_addr
                     : (void *)&((struct sockaddr_in *)&src)->sin_addr) != 1)
      return die("source");
    memcpy(&gsr.gsr_source, &src, sl);
  }

  fd = socket(ss.ss_family, SOCK_DGRAM, 0);
  if (fd < 0)
    return die("socket");
  if ((reuseaddr &&
       setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) ||
      (reuseport &&
       setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0))
    return die("setsockopt");
  if (any) {
    if (v6)
      memset(&((struct sockaddr_in6 *)&ss)->sin6_addr, 0,
             sizeof(struct in6_addr));
    else
      ((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_ANY);
  }
  if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
    printf("bind: %s\n", strerror(errno));
    return 2;
  }
  if ((source == NULL
           ? setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, MCAST_JOIN_GROUP,
                        &gr, sizeof(gr))
           : setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                        MCAST_JOIN_SOURCE_GROUP, &gsr, sizeof(gsr))) < 0)
    return die("join");
  printf("ready\n");
  fflush(stdout);

  end = now_s() + seconds;
  while (until < 0 || got < until) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    double left = end - now_s();
    char buf[65536];
    if (left <= 0)
      break;
    if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
      continue;
    if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
      got++;
  }
  printf("received %ld\n", got);
  close(fd);
  return 0;
}
