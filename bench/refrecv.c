/*
 * mcw-refrecv: the reference receiver, the ceiling of this machine. One
 * socket per group (bound to the group, IP_MULTICAST_ALL off, joined on
 * IFACE by index, like mcwatch), epoll, recvmmsg in batches of 64, and
 * nothing else: it only counts. It stops IDLE_MS after the last datagram
 * (once one has arrived), or after MAX_S seconds, and prints the count.
 *
 *   mcw-refrecv BASE PORT GROUPS IFACE IDLE_MS MAX_S
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_MULTICAST_ALL
#define IP_MULTICAST_ALL 49
#endif
#define BATCH 64

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
  static uint8_t bufs[BATCH][2048];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct epoll_event ev, evs[64];
  struct in_addr base;
  unsigned long long got = 0;
  long groups, port, idle_ms, max_s;
  int ep, ifindex, off = 0, on = 1, rcvbuf = 4 << 20;
  int64_t start, last = 0;

  if (argc != 7) {
    fprintf(stderr,
            "usage: mcw-refrecv BASE PORT GROUPS IFACE IDLE_MS MAX_S\n");
    return 2;
  }
  inet_pton(AF_INET, argv[1], &base);
  port = atol(argv[2]);
  groups = atol(argv[3]);
  ifindex = (int)if_nametoindex(argv[4]);
  idle_ms = atol(argv[5]);
  max_s = atol(argv[6]);
  if (groups < 1 || groups > 1000 || ifindex == 0) {
    fprintf(stderr, "mcw-refrecv: bad arguments\n");
    return 2;
  }
  ep = epoll_create1(0);
  for (long g = 0; g < groups; g++) {
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port)};
    struct group_req gr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sin.sin_addr.s_addr = htonl(ntohl(base.s_addr) + (uint32_t)g);
    memset(&gr, 0, sizeof(gr));
    gr.gr_interface = (uint32_t)ifindex;
    memcpy(&gr.gr_group, &sin, sizeof(sin));
    ((struct sockaddr_in *)&gr.gr_group)->sin_port = 0;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof(off)) ||
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
        bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
        setsockopt(fd, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr))) {
      perror("mcw-refrecv: socket");
      return 1;
    }
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = sizeof(bufs[i]);
    memset(&msgs[i], 0, sizeof(msgs[i]));
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  printf("ready\n");
  fflush(stdout);
  start = now_ms();
  for (;;) {
    int n = epoll_wait(ep, evs, 64, 50);
    int64_t t = now_ms();
    for (int i = 0; i < n; i++) {
      int r;
      while ((r = recvmmsg(evs[i].data.fd, msgs, BATCH, MSG_DONTWAIT, NULL)) >
             0)
        got += (unsigned long long)r;
      last = t;
    }
    if ((last != 0 && t - last > idle_ms) || t - start > max_s * 1000)
      break;
  }
  printf("received %llu\n", got);
  return 0;
}
