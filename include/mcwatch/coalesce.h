/*
 * Wakeup coalescing: when datagrams arrive one or two at a time, waking the
 * receiver for each costs far more than reading it (on a busy machine every
 * wakeup is a context switch). After a loop iteration that read datagrams,
 * the receiver may nap briefly so that the next wakeup finds several
 * waiting, like a network card's interrupt moderation. Arrival times come
 * from the kernel's timestamps, so the figures do not move; only the moment
 * they are shown does, by at most the nap.
 *
 * The nap is bounded so that it cannot cost a datagram: it is skipped after
 * a full batch (a fast stream batches by itself), and shortened so that the
 * busiest socket expects at most half a batch and a quarter of its receive
 * buffer during it. It is skipped too when it would not save a wakeup (the
 * traffic is too sparse to bring two datagrams in one nap).
 */
#ifndef MCWATCH_COALESCE_H
#define MCWATCH_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#define MCW_COALESCE_DEFAULT_NS 500000 /* 0.5 ms */
#define MCW_COALESCE_MAX_NS 10000000   /* 10 ms: the most --coalesce takes */
#define MCW_COALESCE_MIN_NS 20000      /* shorter naps are not worth one */
#define MCW_COALESCE_PER_SOCKET 32     /* datagrams a socket may gather */
/* Kernel bytes a datagram costs beyond its payload (skb truesize). */
#define MCW_COALESCE_OVERHEAD 1024

struct mcw_coalesce {
  int64_t max_ns;         /* the longest nap; 0 = never nap */
  int64_t since_ns;       /* when the current window started */
  uint64_t got;           /* datagrams read in the window */
  uint32_t busiest;       /* most datagrams read from one socket */
  uint64_t busiest_bytes; /* most kernel bytes read from one socket */
  bool full;              /* a read filled a whole batch */
};

/* Starts a policy with naps of at most max_ns (0: off) at time now_ns. */
void mcw_coalesce_init(struct mcw_coalesce *c, int64_t max_ns, int64_t now_ns);
/* Records one socket's reads in this wakeup: n datagrams, bytes of payload,
   and whether a read came back full. */
void mcw_coalesce_note(struct mcw_coalesce *c, uint32_t n, uint64_t bytes,
                       bool full);
/*
 * Before the loop waits again: the nap to take now (0 for none), given the
 * smallest receive buffer of the open sockets (bytes, as SO_RCVBUF reports
 * it; 0 if unknown). Starts a new window at now_ns, the nap included.
 */
int64_t mcw_coalesce_next(struct mcw_coalesce *c, int64_t now_ns,
                          int64_t rcvbuf);

#endif
