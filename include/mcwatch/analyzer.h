/*
 * Stream analyzers: one row per kind of stream mcwatch recognises (probe,
 * mcjoin, msend, MPEG-TS, RTP...). Each row says how to recognise the
 * kind from a datagram of an unknown stream, how to account a datagram
 * once the stream is of that kind, and how to report it: extra JSON fields
 * and a short line of screen text. The table's order is the order in which
 * an unknown stream's datagram is tried. A new stream kind is one file in
 * src/analyze/ and one row in src/analyze/analyzers.c.
 *
 * The helpers below the table are the stream's shared bookkeeping
 * (stream.c), for the analyzers only.
 */
#ifndef MCWATCH_ANALYZER_H
#define MCWATCH_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/stream.h"
#include "mcwatch/tr101290.h"

struct mcw_json;
struct mcw_group;

#define MCW_SEQ_DROPOUT_64 (UINT64_C(1) << 20) /* probes, mcjoin, msend */
#define MCW_RTP_DROPOUT 3000                   /* RFC 3550 A.1 */
#define MCW_RTP_MISORDER 100                   /* RFC 3550 A.1 */

enum mcw_recognised {
  MCW_AN_NO,    /* not this kind: ask the next analyzer */
  MCW_AN_HELD,  /* perhaps this kind (a candidate): ask no further */
  MCW_AN_TAKEN, /* this kind: the stream is set to it and accounted */
};

struct mcw_analyzer {
  enum mcw_kind kind;
  const char *name; /* as in JSON "kind" */
  /* Recognised even over another kind; such rows come first. */
  bool overrides;
  /* Looks at a datagram of a stream not (yet) of this kind. */
  enum mcw_recognised (*recognise)(struct mcw_stream *st,
                                   const struct mcw_datagram *d,
                                   struct mcw_stream_budget *b);
  /* Accounts a datagram of a stream of this kind. */
  void (*account)(struct mcw_stream *st, const struct mcw_datagram *d,
                  struct mcw_stream_budget *b);
  /* Writes the kind's own JSON fields (keys and values); may be NULL. */
  void (*json)(const struct mcw_stream *st, struct mcw_json *j);
  /* Writes a short line for the screen into buf; may be NULL. */
  void (*text)(const struct mcw_stream *st, char *buf, size_t n);
};

/* The analyzers, in the order an unknown stream's datagrams try them. */
extern const struct mcw_analyzer *const mcw_analyzers[];
extern const size_t mcw_analyzer_count;
/* The analyzer of kind k, or NULL for MCW_KIND_UNKNOWN. */
const struct mcw_analyzer *mcw_analyzer_of(enum mcw_kind k);

/* Writes the JSON fields of the stream's analyzer, if any. */
void mcw_stream_json(const struct mcw_stream *st, struct mcw_json *j);
/* Writes the screen line of the stream's analyzer into buf ("" if none). */
void mcw_stream_text(const struct mcw_stream *st, char *buf, size_t n);

/*
 * The service name of the group's first TS sender that has one (from its
 * SDT; raw bytes off the wire, escape before showing), or NULL.
 */
const char *mcw_analyzer_service_name(const struct mcw_group *g);

/* A group's MPEG-TS checks summed over its TS senders (metrics). */
struct mcw_ts_totals {
  bool ts;                    /* some sender carries TS */
  uint64_t tr[MCW_TR_CHECKS]; /* TR 101 290 counts by check */
  bool has_mdi;               /* a complete MDI interval exists */
  double df_ms, mlr;          /* the worst DF and MLR among the senders */
};

/* Fills out with g's TS totals. */
void mcw_analyzer_ts_totals(const struct mcw_group *g,
                            struct mcw_ts_totals *out);

/* Rows of the table (src/analyze/kind_*.c). */
extern const struct mcw_analyzer mcw_an_probe, mcw_an_mcjoin, mcw_an_msend,
    mcw_an_ts, mcw_an_rtp, mcw_an_rtp_ts, mcw_an_iperf2;

/* RFC 4445 MDI: a datagram of n TS bytes (at the TS checker's now_ns). */
void mcw_an_ts_mdi(struct mcw_ts *t, size_t n);
/* TS fields in JSON (tr101290, programs, names), for ts and rtp-ts. */
void mcw_an_ts_json(const struct mcw_ts *t, struct mcw_json *j);
/*
 * TS screen line: TR 101 290 priority 1 and 2 totals and the service name
 * (raw bytes off the wire: escape before showing).
 */
void mcw_an_ts_text(const struct mcw_ts *t, char *buf, size_t n);

/* Shared bookkeeping for analyzers (stream.c). */
/* Forgets everything but the malformed count and starts over as kind k. */
void mcw_stream_set_kind(struct mcw_stream *st, enum mcw_kind k,
                         struct mcw_stream_budget *b);
/* Switches to sender id or SSRC id: a restart when it changed. */
void mcw_stream_new_id(struct mcw_stream *st, uint32_t id);
/* Counts a datagram of the stream's kind that did not parse. */
void mcw_stream_malformed(struct mcw_stream *st);
/*
 * Pushes sequence number seq; true when the datagram is new (neither a
 * duplicate nor a stray), in which case jitter may use it.
 */
bool mcw_stream_push(struct mcw_stream *st, uint64_t seq,
                     enum mcw_seq_result *res);
/* RFC 3550 jitter: arrival, send-time step in ns, and the send stamp. */
void mcw_stream_jitter(struct mcw_stream *st, int64_t arrival_ns,
                       int64_t sent_d, uint64_t sent);

#endif
