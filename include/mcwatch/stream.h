/*
 * What one sender's datagrams are, and how healthy the stream is. The
 * classifier looks at the first bytes of each datagram: an mcwatch probe
 * (magic "MCWP"), an mcjoin or msend payload, MPEG-TS (188-byte packets
 * with sync bytes; believed after 2 datagrams), RTP version 2 (believed
 * after 3 datagrams with one SSRC and sequence numbers a few apart; with a
 * TS payload it is "rtp-ts"), or none of these (only counted). Each kind
 * feeds a sequence tracker; probes add one-way latency and RFC 3550
 * jitter from their send times, RTP adds jitter from its timestamps, TS
 * adds continuity counters per PID.
 *
 * Memory: everything is in struct mcw_stream (about 470 bytes) except the
 * latency histogram (1.2 KB, for probe streams) and the TS per-PID table
 * (8 KB), each allocated once when a stream turns out to need it. TS
 * tables are limited per group by struct mcw_stream_budget (16 by default);
 * further TS senders are recognised and counted, their PIDs not tracked.
 *
 * RTP is tracked per SSRC: a sender (address and port) whose datagrams
 * carry a second SSRC gets a table of up to MCW_RTP_SSRC_MAX streams, one
 * per SSRC, each with its own sequence tracker, jitter and (rtp-ts) TS
 * checker; the sender's figures are their sums (jitter, SSRC, PT and TS
 * details are those of the SSRC heard last). A ninth SSRC takes the place
 * of the one heard least recently, whose figures stay in the sums
 * (`retired`). The table (about 4.5 KB) is allocated once, when a second
 * SSRC is heard; a sender with one SSRC costs nothing more.
 */
#ifndef MCWATCH_STREAM_H
#define MCWATCH_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/datagram.h"
#include "mcwatch/latency.h"
#include "mcwatch/mpegts.h"
#include "mcwatch/seqtrack.h"

#define MCW_TS_TRACKED_MAX 16 /* TS senders tracked per group */
#define MCW_RTP_SSRC_MAX 8    /* SSRCs tracked apart per sender */

enum mcw_kind {
  MCW_KIND_UNKNOWN, /* none recognised (yet) */
  MCW_KIND_PROBE,
  MCW_KIND_RTP,
  MCW_KIND_RTP_TS, /* MPEG-TS carried in RTP */
  MCW_KIND_TS,     /* MPEG-TS straight in UDP */
  MCW_KIND_MCJOIN,
  MCW_KIND_MSEND,
  MCW_KIND_IPERF2, /* iperf 2 UDP traffic */
};

#define MCW_STREAM_CLOCKS 8 /* RTP clocks a group's description may name */

/* What a group lends its senders: how many TS tables may still be made,
   and the RTP clocks that a description of the group (an SDP from a file
   or SAP) names for its payload types. */
struct mcw_stream_budget {
  uint32_t ts_max;
  uint32_t ts_used;
  uint8_t nclocks;
  uint8_t clock_pt[MCW_STREAM_CLOCKS];
  uint32_t clock_hz[MCW_STREAM_CLOCKS];
};

/* Records that payload type pt runs at hz on this group (a later
   description replaces an earlier one's; past MCW_STREAM_CLOCKS types the
   first recorded goes). Ignores pt above 127 and hz 0. */
void mcw_stream_clock_set(struct mcw_stream_budget *b, unsigned pt,
                          uint32_t hz);
/* The clock of payload type pt on this group: --clock PT=HZ, else the
   group's description, else RFC 3551's for a static type; 0 = unknown. */
uint32_t mcw_stream_clock(const struct mcw_stream_budget *b, uint8_t pt);

struct mcw_rtp_window;
struct mcw_rtp_ssrcs;

struct mcw_stream {
  enum mcw_kind kind;
  enum mcw_kind cand; /* candidate kind awaiting confirmation */
  uint8_t cand_n;     /* datagrams that agreed so far */
  uint8_t cand_other; /* RTP: datagrams of other SSRCs since (held) */
  uint16_t cand_seq[3];
  uint32_t cand_ssrc;
  /* TS recognition: a chain of datagrams whose sync bytes line up. */
  uint16_t ts_next;   /* offset of the next sync byte in the next datagram */
  uint16_t ts_syncs;  /* sync bytes in the chain */
  uint8_t ts_chain;   /* datagrams in the chain */
  bool ts_aligned;    /* each of them was whole packets */
  uint64_t malformed; /* datagrams of the sender's kind that did not parse */
  struct mcw_seq seq;
  uint32_t id; /* probe sender id, RTP SSRC, mcjoin PID */
  bool has_id;
  uint8_t pt;         /* RTP payload type */
  uint8_t msend_base; /* 0 unsure, 10 or 16 */
  uint64_t last_seq;  /* last sequence number as sent */
  /* RFC 3550 interarrival jitter, in nanoseconds. */
  double jitter_ns;
  bool has_prev;
  int64_t prev_arrival_ns;
  uint64_t prev_send; /* probe send ns, or RTP timestamp */
  uint64_t jitter_n;  /* samples */
  struct mcw_latency lat;
  struct mcw_ts ts;
  bool ts_tracked; /* has a per-PID table */
  /* rtp-ts: datagrams held to give their TS packets in RTP order. */
  struct mcw_rtp_window *win;
  /* rtp, rtp-ts: one stream per SSRC, once a second SSRC was heard. */
  struct mcw_rtp_ssrcs *ssrcs;
};

/* A stream's figures, for output. */
struct mcw_stream_figures {
  enum mcw_kind kind;
  bool tracked; /* has sequence figures */
  uint64_t received, expected, lost, dup, reordered, restarts, malformed;
  bool has_id;
  uint32_t id;
  uint8_t pt;
  uint64_t last_seq;
  bool has_jitter;
  double jitter_ms;
  bool has_latency;
  double lat_min_ms, lat_mean_ms, lat_max_ms, lat_p99_ms;
  uint64_t lat_negative;
  bool is_ts, ts_tracked;
  uint32_t ts_pids;
  uint64_t cc_errors;
};

/* Counts summed over the SSRCs a sender's table gave up (retired). */
struct mcw_stream_sums {
  uint64_t received, expected, lost, dup, reordered, restarts, malformed;
  uint64_t cc_errors;
};

/* The SSRCs of one RTP sender, each its own stream (see above). */
struct mcw_rtp_ssrcs {
  uint32_t n;                        /* streams in use */
  uint32_t cur;                      /* the one heard last */
  uint64_t retired;                  /* SSRCs given up to make room */
  struct mcw_stream_sums gone;       /* their figures */
  int64_t last_ns[MCW_RTP_SSRC_MAX]; /* when each was last heard */
  struct mcw_stream s[MCW_RTP_SSRC_MAX];
};

/* Sets up an empty stream. */
void mcw_stream_init(struct mcw_stream *st);
/* Frees what a stream allocated and hands its TS table back to b. */
void mcw_stream_free(struct mcw_stream *st, struct mcw_stream_budget *b);
/* Classifies and counts one datagram of the stream's sender. */
void mcw_stream_account(struct mcw_stream *st, const struct mcw_datagram *d,
                        struct mcw_stream_budget *b);
/* Fills f with the stream's figures. */
void mcw_stream_figures(const struct mcw_stream *st,
                        struct mcw_stream_figures *f);
/*
 * The stream of the SSRC heard last, for its TS details and current
 * figures: st itself unless st tracks several SSRCs.
 */
const struct mcw_stream *mcw_stream_main(const struct mcw_stream *st);
/*
 * How many SSRCs st tracks apart (0 for a stream with one SSRC or none),
 * and the i-th of them.
 */
size_t mcw_stream_ssrc_count(const struct mcw_stream *st);
/* The stream of st's i-th SSRC (i below mcw_stream_ssrc_count). */
const struct mcw_stream *mcw_stream_ssrc(const struct mcw_stream *st, size_t i);
/* The kind as a word: "probe", "rtp", "rtp-ts", "ts", "mcjoin", "msend"... */
const char *mcw_kind_name(enum mcw_kind k);
/*
 * Describes the header of one datagram in words (probe, RTP, TS, mcjoin,
 * msend), for the inspector; writes "" when none fits. Returns buf.
 */
char *mcw_stream_describe(const uint8_t *data, size_t caplen, size_t len,
                          char *buf, size_t n);

#endif
