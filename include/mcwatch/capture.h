/*
 * Recording received datagrams to a pcap file through libpcap: raw IP
 * link type (LINKTYPE_RAW, IPv4 and IPv6 in one file), nanosecond
 * timestamps from the kernel, IP and UDP headers rebuilt around the whole
 * received payload (see ipframe.h). A datagram longer than the receive
 * buffer is written with its true length and what was captured. Readable
 * by tcpdump, tshark and Wireshark.
 *
 * Time order: datagrams of different groups come off different sockets,
 * drained one after the other, so they reach the sink out of timestamp
 * order; under a flood a socket's queue can lag the others by most of a
 * second. Each socket's datagrams do come in order, so the sink holds a
 * record until every group that delivered recently has delivered one
 * stamped at least as late (the watermark), and at least the window, at
 * most MCW_CAPTURE_MAX_NS (times by the caller's monotonic clock); then
 * records go out in timestamp order. A record older than one already
 * written is still written, and counted as late.
 *
 * Write errors (a full disk, an I/O error) are caught on every write that
 * reaches the file: the sink knows how many bytes and so how many whole
 * records are in it. After the first error it writes nothing more, and
 * closing cuts the file after the last whole record.
 */
#ifndef MCWATCH_CAPTURE_H
#define MCWATCH_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/datagram.h"
#include "mcwatch/group.h"

/* The shortest hold: one loop iteration's worth of slack, and more. */
#define MCW_CAPTURE_WINDOW_NS (50 * INT64_C(1000000))
/* A group that delivered within this holds back the watermark. */
#define MCW_CAPTURE_IDLE_NS (500 * INT64_C(1000000))
/* The longest hold, whatever the watermark (a clock step, say). */
#define MCW_CAPTURE_MAX_NS (2000 * INT64_C(1000000))
/* At most this many bytes of records are held; beyond, the oldest go. */
#define MCW_CAPTURE_HOLD_BYTES (64u << 20)

struct mcw_capture;

/* What a capture did: every figure is exact. */
struct mcw_capture_stats {
  uint64_t accepted;      /* datagrams handed to the sink */
  uint64_t written;       /* records whole in the file */
  uint64_t not_written;   /* accepted but not in the file (after an error) */
  uint64_t late;          /* written after a record with a later timestamp */
  uint64_t held;          /* waiting in the reorder window now */
  int64_t reorder_max_ns; /* largest step back in time seen on arrival */
  int error;              /* the first write error (negative errno), or 0 */
};

/*
 * Opens path for writing (truncating it) and writes the file header;
 * records are held at least window_ns for reordering. NULL with a
 * sentence in err (the path in it escaped).
 */
struct mcw_capture *mcw_capture_open(const char *path, int64_t window_ns,
                                     char *err, size_t errlen);
/*
 * Takes one datagram received in group g (now_ns: monotonic clock) and
 * writes the records whose window has passed. 0, or a negative errno when
 * writing failed: then the capture writes nothing more and should be
 * closed. Every later call returns the same error.
 */
int mcw_capture_write(struct mcw_capture *c, const struct mcw_group *g,
                      const struct mcw_datagram *d, int64_t now_ns);
/* Writes the records whose window has passed and pushes them to the file;
   0 or the negative errno of a failed write (as mcw_capture_write). */
int mcw_capture_flush(struct mcw_capture *c, int64_t now_ns);
/* The figures so far. */
void mcw_capture_stats(const struct mcw_capture *c,
                       struct mcw_capture_stats *st);
/* The file's path as given, escaped (mcw_escape) for messages. */
const char *mcw_capture_path(const struct mcw_capture *c);
/*
 * Writes every held record, closes the file (cut after the last whole
 * record if writing failed) and frees c. Fills st (may be NULL) with the
 * final figures. Returns 0 or the first write error. NULL c is fine.
 */
int mcw_capture_close(struct mcw_capture *c, struct mcw_capture_stats *st);

#endif
