/*
 * Multicast sockets, one per subscription: open, bind to the group, join
 * (any-source or source-specific, by interface index), leave, and drain in
 * batches with recvmmsg, reading each datagram's packet info (arrival
 * interface and destination), kernel timestamp, truncation and the kernel's
 * drop counter. Plain POSIX sockets; libuv only watches the descriptor.
 */
#ifndef MCWATCH_MSOCK_H
#define MCWATCH_MSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mcwatch/datagram.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/sockerr.h"

#define MCW_BATCH 64           /* datagrams per recvmmsg call */
#define MCW_MAX_DATAGRAM 65536 /* receive buffer per datagram */
#define MCW_RCVBUF_DEFAULT (4 << 20)

/* Buffers for one batch; shared by all sockets of a single-threaded loop. */
struct mcw_batch {
  struct mmsghdr msgs[MCW_BATCH];
  struct iovec iov[MCW_BATCH];
  struct sockaddr_storage names[MCW_BATCH];
  uint64_t ctrl[MCW_BATCH][32]; /* cmsg space, 8-byte aligned */
  uint8_t *data;                /* MCW_BATCH * MCW_MAX_DATAGRAM bytes */
};

struct mcw_msock_info {
  int rcvbuf;              /* receive buffer the kernel granted */
  bool reuseport;          /* shares the port through SO_REUSEPORT */
  enum mcw_sock_step step; /* on failure, the step that failed */
};

/*
 * Opens a socket bound to ep's group and port (SO_REUSEADDR set, and
 * SO_REUSEPORT when the port's holder needs it and no socket is bound to
 * the group address; docs/ARCHITECTURE.md), set for packet info, TTL, timestamps and
 * drop counts, and joins the group on ep->ifindex. Returns the descriptor or
 * -errno, with a sentence in err (escaped) naming the cause and the fix
 * (src/core/sockerr.c) and info->step set to the step that failed.
 */
int mcw_msock_open(const struct mcw_endpoint *ep, int rcvbuf,
                   struct mcw_msock_info *info, char *err, size_t errlen);
/* The socket's cumulative kernel drop counter (SO_MEMINFO); -errno if unknown.
 */
int64_t mcw_msock_drops(int fd);
/*
 * Names the processes (other than this one) that hold a UDP socket bound to
 * port ("pid 812 (socat), pid 903 (vlc)") in out, from /proc/net/udp, udp6
 * and /proc/PID/fd; returns how many processes were found (0 when none could
 * be seen, e.g. another user's without root). The names are raw: escape
 * them before they reach a terminal.
 */
int mcw_msock_port_holders(uint16_t port, char *out, size_t len);
/* Leaves ep's group on fd (errors ignored: the socket is closing anyway). */
void mcw_msock_leave(int fd, const struct mcw_endpoint *ep);

/* Allocates the batch's payload buffers. */
void mcw_batch_init(struct mcw_batch *b);
/* Frees them. */
void mcw_batch_free(struct mcw_batch *b);
/*
 * Receives up to MCW_BATCH datagrams from fd without blocking. Returns how
 * many (0 when none are waiting) or -errno; decode each with mcw_batch_get.
 */
int mcw_batch_recv(struct mcw_batch *b, int fd);
/* Decodes datagram i of the last batch into d; returns the drop counter or -1.
 */
int64_t mcw_batch_get(struct mcw_batch *b, int i, struct mcw_datagram *d);

/* Wall-clock time in nanoseconds. */
int64_t mcw_wall_ns(void);

#endif
