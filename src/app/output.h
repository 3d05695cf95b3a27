/*
 * Headless output to standard output that never stalls the loop. Lines go
 * to stdout at once when it takes them; what it does not take waits in a
 * bounded backlog (mcw_outq) written when the descriptor is writable, and
 * lines beyond the backlog are dropped whole and counted. A write error
 * (a closed pipe, a full disk) is kept and reported through a hook.
 * Internal to src/app.
 */
#ifndef MCWATCH_OUTPUT_H
#define MCWATCH_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "mcwatch/outq.h"

#define MCW_OUTPUT_BACKLOG (16u << 20) /* bytes waiting for a slow reader */
#define MCW_OUTPUT_EXIT_MS 2000       /* most time spent flushing at exit */

struct mcw_output {
  uv_poll_t poll;
  int fd;        /* where the lines go */
  int stdout_fl; /* fd 1's flags to restore, or -1 when untouched */
  bool own_fd;   /* fd is our own description of stdout: close it */
  bool sock;     /* send(MSG_DONTWAIT) rather than write */
  bool pollable; /* a pipe, socket or terminal: written without blocking */
  bool poll_open, polling;
  int error; /* the first write error (negative errno), or 0 */
  struct mcw_outq q;
  /* Called once, at the first write error (possibly from the loop). */
  void (*on_error)(void *ctx, int err);
  void *ctx;
};

/* Sets up writing to stdout on loop. */
void mcw_output_init(struct mcw_output *o, uv_loop_t *loop);
/* Writes whole lines (bulk: datagram lines, the first to go). */
void mcw_output_write(struct mcw_output *o, const char *text, size_t len,
                      bool bulk);
/* Lines dropped so far. */
uint64_t mcw_output_dropped(const struct mcw_output *o);
/* Stops watching stdout on the loop (before the loop is closed). */
void mcw_output_stop(struct mcw_output *o);
/*
 * After the loop: writes the backlog, waiting at most timeout_ms for the
 * reader, then drops the rest. Returns the lines dropped here; restores
 * stdout.
 */
uint64_t mcw_output_finish(struct mcw_output *o, int timeout_ms);

#endif
