/*
 * The Prometheus exposition: renders the model (every group's counters,
 * stream health, alarms and probe delays) into a buffer in the text format
 * 0.0.4, with no I/O, so the output is tested byte for byte. The metrics are
 * a table (name, type, help, how to read the value from a group's
 * snapshot); docs/METRICS.md describes each one.
 *
 * Every group series carries the labels group, port, source ("" for any
 * source), iface and, when the group has one, label. Senders become labels
 * only when asked for (senders = true: the scrape's ?senders=1), since a
 * group may have hundreds of them.
 */
#ifndef MCWATCH_METRICS_H
#define MCWATCH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcw_group;
struct mcw_igmp_link;

#define MCW_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A growable text buffer; start from a zeroed struct. */
struct mcw_metrics_buf {
  char *buf;
  size_t len, cap;
};

/* Who is rendering: goes into mcwatch_build_info. */
struct mcw_metrics_build {
  const char *version;
  const char *libuv, *ncurses, *libpcap, *libmicrohttpd;
};

/* One scrape's input. */
struct mcw_metrics_input {
  struct mcw_group *const *groups; /* read, and their rates advanced */
  size_t ngroups;
  int64_t mono_ns;       /* now, for rates and idle times */
  int64_t start_wall_ns; /* when the process started (wall clock) */
  bool senders;          /* add per-sender series */
  const struct mcw_metrics_build *build;
};

/*
 * Renders every metric for in into out (emptied first; NUL-terminated at
 * out->len). Returns the length in bytes.
 */
size_t mcw_metrics_render(struct mcw_metrics_buf *out,
                          const struct mcw_metrics_input *in);

/*
 * Appends the mcwatch_igmp_* series of the IGMP/MLD watcher's n links to
 * out (after mcw_metrics_render). Returns the length in bytes.
 */
size_t mcw_metrics_render_igmp(struct mcw_metrics_buf *out,
                               const struct mcw_igmp_link *const *links,
                               size_t n);

/* Frees the buffer and zeroes it. */
void mcw_metrics_buf_free(struct mcw_metrics_buf *b);

/* Appends n bytes of s to out; for callers that add their own series. */
void mcw_metrics_append(struct mcw_metrics_buf *out, const char *s, size_t n);
/*
 * Writes s as a label value (backslash, double quote and newline escaped)
 * into out; for callers that add their own series.
 */
void mcw_metrics_label_value(struct mcw_metrics_buf *out, const char *s);

#endif
