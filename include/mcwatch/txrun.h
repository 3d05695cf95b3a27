/*
 * The paced probe sender behind `mcwatch send`: one token bucket for the
 * whole run; each token sends one probe to every destination, with a
 * sequence number per destination. It runs in the calling thread (no
 * libuv: a tight loop with clock_nanosleep on absolute deadlines is the
 * most accurate pacer), and at high rates sends with sendmmsg in batches.
 * A destination that fails (an error other than a full buffer) stops
 * alone: it is reported through the failed callback and the others go on.
 */
#ifndef MCWATCH_TXRUN_H
#define MCWATCH_TXRUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/tx.h"

struct mcw_txrun_config {
  struct mcw_tx *tx; /* senders, one per destination; fd < 0 is skipped */
  size_t ntx;
  double rate;     /* probes per second per destination */
  uint64_t count;  /* probes per destination; 0 = no limit */
  double duration; /* seconds; 0 = no limit */
  uint32_t sender_id;
  const char *text; /* probe text, may be NULL */
  size_t text_len;
  size_t size;                 /* pad each probe to this many bytes */
  volatile sig_atomic_t *stop; /* set by a signal handler to stop */
  /* Called when destination i stops on error err (-errno); may be NULL. */
  void (*failed)(void *arg, size_t i, int err);
  void *arg;
};

struct mcw_txrun_result {
  uint64_t sent;   /* datagrams sent over all destinations */
  uint64_t errors; /* datagrams the kernel refused (ENOBUFS...) */
  double seconds;  /* from the first send to the last */
  size_t failed;   /* destinations stopped by an error */
  int err;         /* -errno of the first destination that failed, else 0 */
};

/*
 * Sends until the count, the duration, *stop, or until every destination
 * has failed; fills res and each tx's sent, refused and err. Returns
 * res->err.
 */
int mcw_txrun(const struct mcw_txrun_config *cfg, struct mcw_txrun_result *res);

#endif
