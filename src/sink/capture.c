/*
 * The pcap sink (see capture.h). libpcap writes the records: a "dead"
 * handle of link type DLT_RAW with nanosecond precision, dumping to a
 * stdio stream of our own (fopencookie) whose write function is the only
 * path to the file descriptor. So every byte that reaches the file is
 * counted (disk_bytes), the first failed or short write is kept as the
 * error, and nothing is written after it.
 *
 * Each datagram becomes one record: the rebuilt IP and UDP headers
 * followed by the captured payload, stamped with the kernel's arrival
 * time. Records wait in a binary min-heap ordered by (timestamp, arrival
 * number) until they are ripe (see capture.h: the window, the watermark
 * of the groups that delivered recently, the longest hold), then go to
 * libpcap in timestamp order. The groups' last timestamps are kept in a
 * small array, looked up from the last one used (a batch comes from one
 * group), and the watermark is computed once per flush. A small ring keeps the
 * file offsets where records end that are not yet known to be on disk; as
 * disk_bytes passes them they are counted written, and after an error the file
 * is cut at the last one.
 */
#include "mcwatch/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/ipframe.h"

#define SNAPLEN 262144  /* libpcap's usual maximum, above any datagram */
#define FILE_HDR 24     /* pcap file header */
#define REC_HDR 16      /* pcap record header */
#define STDIO_BUF 65536 /* the stream's buffer: about one write per 64 KiB */
#define ENDS 4096       /* record ends awaiting the disk (power of two) */

struct rec {
  int64_t ts_ns, in_ns; /* timestamp; when the sink took it (monotonic) */
  uint64_t n;           /* arrival number: keeps equal timestamps in order */
  uint32_t caplen, len; /* frame bytes at data; length on the wire */
  uint8_t data[];
};

/* What the sink knows of one group's stream of datagrams. */
struct source {
  const void *group;
  int64_t last_ts, last_in; /* its newest timestamp; when it came */
};

struct mcw_capture {
  pcap_t *pcap;
  pcap_dumper_t *dump;
  FILE *fp;
  int fd;
  int64_t window_ns;
  struct rec **heap;
  size_t nheap, capheap, held_bytes;
  struct source *src;
  size_t nsrc, capsrc, src_last;
  uint64_t logical;    /* bytes handed to the stream so far */
  uint64_t disk_bytes; /* bytes the kernel took */
  uint64_t ends[ENDS]; /* offsets where records end, not yet on disk */
  size_t ends_head, nends;
  uint64_t good_end; /* the file ends with a whole record here */
  int64_t last_ts, newest_ts, last_flush_ns;
  bool any_written, any_seen, flushed;
  struct mcw_capture_stats st;
  char path[MCW_ESC_MAX(512)]; /* as given, escaped for messages */
};

/* The stream's write function: every byte to the file passes here. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size) {
  struct mcw_capture *c = cookie;
  size_t done = 0;

  if (c->st.error != 0)
    return 0; /* nothing after the first error */
  while (done < size) {
    ssize_t w = write(c->fd, buf + done, size - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      c->st.error = w < 0 ? -errno : -EIO;
      break;
    }
    done += (size_t)w;
  }
  c->disk_bytes += done;
  /* Records whose last byte is on disk are now whole in the file. */
  while (c->nends > 0 && c->ends[c->ends_head] <= c->disk_bytes) {
    c->good_end = c->ends[c->ends_head];
    c->ends_head = (c->ends_head + 1) & (ENDS - 1);
    c->nends--;
    c->st.written++;
  }
  if (c->good_end < FILE_HDR && c->disk_bytes >= FILE_HDR)
    c->good_end = FILE_HDR;
  return (ssize_t)done;
}

struct mcw_capture *mcw_capture_open(const char *path, int64_t window_ns,
                                     char *err, size_t errlen) {
  struct mcw_capture *c = mcw_xcalloc(1, sizeof(*c));
  struct stat sb;
  cookie_io_functions_t io = {NULL, cookie_write, NULL, NULL};

  mcw_escape((const uint8_t *)path, strlen(path), c->path, sizeof(c->path), 0);
  c->window_ns = window_ns;
  c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (c->fd < 0) {
    snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
    free(c);
    return NULL;
  }
  c->pcap = pcap_open_dead_with_tstamp_precision(DLT_RAW, SNAPLEN,
                                                 PCAP_TSTAMP_PRECISION_NANO);
  c->fp = fopencookie(c, "w", io);
  if (c->pcap == NULL || c->fp == NULL) {
    snprintf(err, errlen, "%s: cannot set up libpcap's writer", c->path);
    goto fail;
  }
  setvbuf(c->fp, NULL, _IOFBF, STDIO_BUF);
  c->dump = pcap_dump_fopen(c->pcap, c->fp);
  if (c->dump == NULL) {
    snprintf(err, errlen, "%s: %s", c->path, pcap_geterr(c->pcap));
    goto fail;
  }
  c->fp = NULL; /* the dumper owns it now */
  c->logical = FILE_HDR;
  /* The header reaches the file now: an unwritable file (/dev/full, a full
     disk) is refused at once rather than after the first datagrams. */
  if (pcap_dump_flush(c->dump) != 0 || c->st.error != 0) {
    snprintf(err, errlen, "%s: %s", c->path,
             strerror(c->st.error ? -c->st.error : EIO));
    pcap_dump_close(c->dump);
    c->dump = NULL;
    goto fail;
  }
  c->capheap = 1024;
  c->heap = mcw_xmalloc(c->capheap * sizeof(*c->heap));
  return c;
fail:
  if (c->fp != NULL)
    fclose(c->fp);
  if (c->pcap != NULL)
    pcap_close(c->pcap);
  /* No half header left behind (no-op on devices). */
  if (fstat(c->fd, &sb) == 0 && S_ISREG(sb.st_mode))
    (void)ftruncate(c->fd, 0);
  close(c->fd);
  free(c);
  return NULL;
}

static bool rec_before(const struct rec *a, const struct rec *b) {
  return a->ts_ns < b->ts_ns || (a->ts_ns == b->ts_ns && a->n < b->n);
}

static void heap_push(struct mcw_capture *c, struct rec *r) {
  size_t i;

  if (c->nheap == c->capheap) {
    c->capheap *= 2;
    c->heap = mcw_xrealloc(c->heap, c->capheap * sizeof(*c->heap));
  }
  i = c->nheap++;
  while (i > 0 && rec_before(r, c->heap[(i - 1) / 2])) {
    c->heap[i] = c->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  c->heap[i] = r;
  c->held_bytes += r->caplen;
}

static struct rec *heap_pop(struct mcw_capture *c) {
  struct rec *top = c->heap[0], *last = c->heap[--c->nheap];
  size_t i = 0;

  for (;;) {
    size_t k = 2 * i + 1;
    if (k >= c->nheap)
      break;
    if (k + 1 < c->nheap && rec_before(c->heap[k + 1], c->heap[k]))
      k++;
    if (!rec_before(c->heap[k], last))
      break;
    c->heap[i] = c->heap[k];
    i = k;
  }
  if (c->nheap > 0)
    c->heap[i] = last;
  c->held_bytes -= top->caplen;
  return top;
}

/* Hands one record to libpcap and notes where it ends in the file. */
static void dump_rec(struct mcw_capture *c, struct rec *r) {
  struct pcap_pkthdr h;

  if (c->st.error != 0)
    return;
  if (c->any_written && r->ts_ns < c->last_ts)
    c->st.late++;
  else
    c->last_ts = r->ts_ns;
  c->any_written = true;
  if (c->nends == ENDS)
    (void)fflush(pcap_dump_file(c->dump)); /* empties the ring */
  if (c->st.error != 0)
    return;
  memset(&h, 0, sizeof(h));
  /* With nanosecond precision libpcap reads tv_usec as nanoseconds. */
  h.ts.tv_sec = (time_t)(r->ts_ns / 1000000000);
  h.ts.tv_usec = (suseconds_t)(r->ts_ns % 1000000000);
  h.caplen = r->caplen;
  h.len = r->len;
  c->logical += REC_HDR + r->caplen;
  c->ends[(c->ends_head + c->nends++) & (ENDS - 1)] = c->logical;
  pcap_dump((u_char *)c->dump, &h, r->data);
}

/*
 * The watermark: the oldest of the newest timestamps of the groups that
 * delivered within the idle time. Their sockets' next datagrams come no
 * earlier than that; groups that fell quiet hold nothing back.
 */
static int64_t watermark(const struct mcw_capture *c, int64_t now_ns) {
  int64_t w = INT64_MAX;

  for (size_t i = 0; i < c->nsrc; i++)
    if (now_ns - c->src[i].last_in < MCW_CAPTURE_IDLE_NS &&
        c->src[i].last_ts < w)
      w = c->src[i].last_ts;
  return w;
}

/* Writes the held records that are ripe: held min_ns and stamped no later
   than the watermark mark, or held the longest, or beyond the room (with
   mark INT64_MIN only those); all of them when all is set. */
static void release(struct mcw_capture *c, int64_t now_ns, int64_t mark,
                    int64_t min_ns, bool all) {
  while (c->nheap > 0 && c->st.error == 0) {
    struct rec *r = c->heap[0];
    int64_t held = now_ns - r->in_ns;
    bool ripe = all || c->held_bytes > MCW_CAPTURE_HOLD_BYTES ||
                held >= MCW_CAPTURE_MAX_NS ||
                (held >= min_ns && r->ts_ns <= mark);
    if (!ripe)
      break;
    dump_rec(c, heap_pop(c));
    free(r);
  }
}

/* Notes that group g delivered a datagram stamped ts at now_ns. */
static void note_source(struct mcw_capture *c, const void *g, int64_t ts,
                        int64_t now_ns) {
  struct source *s = NULL;

  if (c->src_last < c->nsrc && c->src[c->src_last].group == g) {
    s = &c->src[c->src_last];
  } else {
    for (size_t i = 0; i < c->nsrc && s == NULL; i++)
      if (c->src[i].group == g) {
        s = &c->src[i];
        c->src_last = i;
      }
  }
  if (s == NULL) {
    if (c->nsrc == c->capsrc) {
      c->capsrc = c->capsrc ? 2 * c->capsrc : 16;
      c->src = mcw_xrealloc(c->src, c->capsrc * sizeof(*c->src));
    }
    c->src_last = c->nsrc++;
    s = &c->src[c->src_last];
    s->group = g;
    s->last_ts = ts;
  }
  if (ts > s->last_ts)
    s->last_ts = ts;
  s->last_in = now_ns;
}

int mcw_capture_write(struct mcw_capture *c, const struct mcw_group *g,
                      const struct mcw_datagram *d, int64_t now_ns) {
  struct mcw_addr dst = d->dst.family ? d->dst : g->ep.group;
  uint32_t caplen = d->caplen > 65536 ? 65536 : d->caplen;
  struct rec *r;
  int hl;

  c->st.accepted++;
  if (c->st.error != 0)
    return c->st.error;
  r = mcw_xmalloc(sizeof(*r) + MCW_IPFRAME_MAX + caplen);
  dst.port = g->ep.group.port;
  hl = mcw_ipframe_header(r->data, &d->src, &dst, d->data, caplen, d->len);
  if (hl < 0) {
    free(r); /* not a datagram we can frame: never in the file */
    c->st.accepted--;
    return 0;
  }
  memcpy(r->data + hl, d->data, caplen);
  r->ts_ns = d->ts_ns;
  r->in_ns = now_ns;
  r->n = c->st.accepted;
  r->caplen = (uint32_t)hl + caplen;
  r->len = (uint32_t)hl + d->len;
  if (c->any_seen && d->ts_ns < c->newest_ts) {
    if (c->newest_ts - d->ts_ns > c->st.reorder_max_ns)
      c->st.reorder_max_ns = c->newest_ts - d->ts_ns;
  } else {
    c->newest_ts = d->ts_ns;
  }
  c->any_seen = true;
  note_source(c, g, d->ts_ns, now_ns);
  heap_push(c, r);
  /* Records go out at flush time; here only when too much is held. */
  if (c->held_bytes > MCW_CAPTURE_HOLD_BYTES)
    release(c, now_ns, INT64_MIN, 0, false);
  return c->st.error;
}

/*
 * A group that delivered nothing yet (or fell quiet) holds no watermark,
 * yet its socket may have filled while the loop served the others. It was
 * not readable when the loop last polled (else it would have been read),
 * which was after the previous flush: so its datagrams are stamped after
 * the previous flush, and records taken before then can go. Hence the
 * hold of the window plus the time since the previous flush, which grows
 * by itself when the loop is slow.
 */
int mcw_capture_flush(struct mcw_capture *c, int64_t now_ns) {
  int64_t gap;

  if (c == NULL)
    return 0;
  gap = c->flushed ? now_ns - c->last_flush_ns : c->window_ns;
  c->flushed = true;
  c->last_flush_ns = now_ns;
  release(c, now_ns, watermark(c, now_ns), c->window_ns + (gap > 0 ? gap : 0),
          false);
  if (c->st.error == 0)
    (void)pcap_dump_flush(c->dump);
  return c->st.error;
}

void mcw_capture_stats(const struct mcw_capture *c,
                       struct mcw_capture_stats *st) {
  *st = c->st;
  st->held = c->nheap;
  st->not_written = c->st.error ? c->st.accepted - c->st.written : 0;
}

const char *mcw_capture_path(const struct mcw_capture *c) { return c->path; }

int mcw_capture_close(struct mcw_capture *c, struct mcw_capture_stats *st) {
  struct stat sb;
  int err;

  if (c == NULL)
    return 0;
  release(c, 0, INT64_MAX, 0, true);
  pcap_dump_close(c->dump); /* flushes; after an error writes nothing */
  pcap_close(c->pcap);
  while (c->nheap > 0)
    free(heap_pop(c));
  free(c->heap);
  free(c->src);
  /* Cut a partial record (or a partial header) off the end. */
  if (c->st.error != 0 && fstat(c->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
      (uint64_t)sb.st_size > c->good_end)
    (void)ftruncate(c->fd, (off_t)c->good_end);
  if (close(c->fd) != 0 && c->st.error == 0 && errno != EINTR)
    c->st.error = -errno; /* NFS and the like report late */
  if (st != NULL) {
    mcw_capture_stats(c, st);
    st->held = 0;
    st->not_written = st->accepted - st->written;
  }
  err = c->st.error;
  free(c);
  return err;
}
