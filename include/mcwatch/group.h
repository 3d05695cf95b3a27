/*
 * The model of one watched group: its endpoint, its state, counters, rate
 * meters (1 s and 10 s windows from 100 ms slots, plus a 1 s history for
 * sparklines), a ring of recent datagrams and the sender table. Everything
 * is allocated at creation; accounting a datagram never allocates.
 * Two clocks: wall-clock nanoseconds come with each datagram (for display),
 * monotonic nanoseconds are passed in (for rates).
 */
#ifndef MCWATCH_GROUP_H
#define MCWATCH_GROUP_H

#include <stdint.h>

#include "mcwatch/alarm.h"
#include "mcwatch/datagram.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/rate.h"
#include "mcwatch/ring.h"
#include "mcwatch/sender.h"

#define MCW_HISTORY_DEFAULT 1000
#define MCW_SNAP_DEFAULT 256
#define MCW_SENDERS_DEFAULT 256
#define MCW_SPARK_SECONDS 120

enum mcw_group_state {
  MCW_GROUP_JOINING,
  MCW_GROUP_JOINED,
  MCW_GROUP_LEFT,
  MCW_GROUP_ERROR,
  MCW_GROUP_WAITING, /* its interface is down or gone; rejoins on return */
};

struct mcw_group_config {
  uint32_t history;     /* datagrams kept in the ring */
  uint32_t snap;        /* payload bytes kept per datagram */
  uint32_t max_senders; /* senders tracked */
};

struct mcw_group {
  struct mcw_endpoint ep;
  enum mcw_group_state state;
  char message[160]; /* reason for MCW_GROUP_ERROR */
  uint64_t packets;
  uint64_t bytes;
  uint64_t truncated;         /* datagrams cut by the kernel (MSG_TRUNC) */
  uint64_t ignored;           /* arrived for another group or interface */
  uint64_t kernel_drops;      /* from SO_RXQ_OVFL, since joining or clearing */
  uint64_t kernel_drops_raw;  /* the current socket's cumulative counter */
  uint64_t kernel_drops_base; /* its value at the last clear */
  uint64_t kernel_drops_prev; /* drops of earlier sockets since the clear */
  int64_t first_ns;           /* wall clock of first datagram, 0 if none */
  int64_t last_ns;            /* wall clock of last datagram, 0 if none */
  int64_t last_mono_ns;       /* monotonic time of last datagram */
  int rcvbuf;                 /* receive buffer the kernel granted, bytes */
  struct mcw_rate rate;       /* 100 ms slots over 10 s */
  struct mcw_rate history;    /* 1 s slots for sparklines */
  struct mcw_ring ring;
  struct mcw_sender_table senders;
  struct mcw_alarms alarms; /* judged on the session's timer */
  uint32_t own_probe_id;    /* probe sender id of this host's sends */
  bool has_own_probe;       /* own_probe_id is set */
};

/* Stream health summed over a group's senders (see mcwatch/stream.h). */
struct mcw_health {
  uint32_t tracked;    /* senders with sequence figures */
  uint32_t ts_senders; /* senders sending MPEG-TS */
  uint64_t received, expected, lost, dup, reordered, restarts, malformed;
  uint64_t cc_errors;
};

/* A snapshot of a group's figures at one moment. */
struct mcw_group_stats {
  uint64_t packets, bytes, truncated, kernel_drops;
  uint64_t overflow_packets;
  uint32_t senders;
  double pps_1s, bps_1s, pps_10s, bps_10s;
  int64_t idle_ns; /* since the last datagram; -1 when none yet */
  struct mcw_health health;
};

/* Fills cfg with the defaults. */
void mcw_group_config_default(struct mcw_group_config *cfg);
/* Creates the model of a group for ep, counting from mono_ns. */
struct mcw_group *mcw_group_new(const struct mcw_endpoint *ep,
                                const struct mcw_group_config *cfg,
                                int64_t mono_ns);
/* Frees a group. */
void mcw_group_free(struct mcw_group *g);
/* Counts one datagram received at mono_ns; never allocates. */
void mcw_group_account(struct mcw_group *g, const struct mcw_datagram *d,
                       int64_t mono_ns);
/* Records the kernel's cumulative drop counter for the group's socket. */
void mcw_group_set_kernel_drops(struct mcw_group *g, uint64_t drops);
/* Starts counting kernel drops of a new socket (after a rejoin). */
void mcw_group_new_socket(struct mcw_group *g);
/*
 * Names the probe sender id this host sends to g with, so the sender whose
 * probes carry it is marked `own` ("this host") from its next datagram on.
 */
void mcw_group_set_own_probe(struct mcw_group *g, uint32_t sender_id);
/* Zeroes counters, history and senders; keeps state and endpoint. */
void mcw_group_clear(struct mcw_group *g, int64_t mono_ns);
/* Computes the group's figures at mono_ns. */
void mcw_group_stats(struct mcw_group *g, int64_t mono_ns,
                     struct mcw_group_stats *out);
/* Sums the stream health figures of g's senders into h. */
void mcw_group_health(const struct mcw_group *g, struct mcw_health *h);
/*
 * Judges g's alarms at mono_ns (see alarm.h) from its figures; fn hears
 * each raise and clear. Returns the raised mask.
 */
unsigned mcw_group_alarms(struct mcw_group *g,
                          const struct mcw_alarm_config *cfg, int64_t mono_ns,
                          int64_t wall_ns, mcw_alarm_fn fn, void *ctx);
/* The state as a word: "joining", "joined", "left", "error", "waiting". */
const char *mcw_group_state_name(enum mcw_group_state s);

#endif
