/*
 * A small multicast sender: one socket with its outgoing interface set by
 * index, TTL and loopback chosen, used by the demo and by the send keys.
 */
#ifndef MCWATCH_TX_H
#define MCWATCH_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mcwatch/endpoint.h"

struct mcw_tx {
  int fd;
  struct sockaddr_storage dst;
  socklen_t dstlen;
  int ttl;
  /* Kept by mcw_txrun (mcwatch/txrun.h) for this destination: */
  uint64_t sent;    /* datagrams the kernel took */
  uint64_t refused; /* datagrams it refused for want of buffer space */
  int err;          /* -errno that stopped sending here, else 0 */
};

/*
 * Opens a sender to ep's group and port through ep->ifindex with the given
 * TTL (hop limit) and multicast loopback. Returns 0 or -errno with a
 * sentence in err that names the endpoint (its interface name raw: escape
 * the sentence before it reaches a terminal). On failure tx->fd is -1.
 */
int mcw_tx_open(struct mcw_tx *tx, const struct mcw_endpoint *ep, int ttl,
                bool loop, char *err, size_t errlen);
/* Sends one datagram; returns 0 or -errno. */
int mcw_tx_send(struct mcw_tx *tx, const void *data, size_t len);
/* Closes the sender. */
void mcw_tx_close(struct mcw_tx *tx);

#endif
