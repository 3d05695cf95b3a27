/*
 * The pcap sink (see capture.h). libpcap writes the file: a "dead" handle
 * of link type DLT_RAW with nanosecond precision, opened for dumping. Each
 * datagram becomes one record: the rebuilt IP and UDP headers followed by
 * the captured payload, stamped with the kernel's arrival time. Records
 * are assembled in one buffer reused across calls.
 */
#include "mcwatch/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/ipframe.h"

#define SNAPLEN 262144 /* libpcap's usual maximum, above any datagram */

struct mcw_capture {
  pcap_t *pcap;
  pcap_dumper_t *dump;
  uint8_t *frame; /* MCW_IPFRAME_MAX + 65536 bytes */
  uint64_t count;
  char path[512];
};

struct mcw_capture *mcw_capture_open(const char *path, char *err,
                                     size_t errlen) {
  struct mcw_capture *c = mcw_xcalloc(1, sizeof(*c));

  c->pcap = pcap_open_dead_with_tstamp_precision(DLT_RAW, SNAPLEN,
                                                 PCAP_TSTAMP_PRECISION_NANO);
  if (c->pcap == NULL) {
    snprintf(err, errlen, "%s: libpcap cannot make a capture handle", path);
    free(c);
    return NULL;
  }
  c->dump = pcap_dump_open(c->pcap, path);
  if (c->dump == NULL) {
    snprintf(err, errlen, "%s", pcap_geterr(c->pcap));
    pcap_close(c->pcap);
    free(c);
    return NULL;
  }
  c->frame = mcw_xmalloc(MCW_IPFRAME_MAX + 65536);
  mcw_strlcpy(c->path, path, sizeof(c->path));
  return c;
}

int mcw_capture_write(struct mcw_capture *c, const struct mcw_group *g,
                      const struct mcw_datagram *d) {
  struct pcap_pkthdr h;
  struct mcw_addr dst = d->dst.family ? d->dst : g->ep.group;
  uint32_t caplen = d->caplen > 65536 ? 65536 : d->caplen;
  int hl;

  dst.port = g->ep.group.port;
  hl = mcw_ipframe_header(c->frame, &d->src, &dst, d->data, caplen, d->len);
  if (hl < 0)
    return hl;
  memcpy(c->frame + hl, d->data, caplen);
  memset(&h, 0, sizeof(h));
  /* With nanosecond precision libpcap reads tv_usec as nanoseconds. */
  h.ts.tv_sec = (time_t)(d->ts_ns / 1000000000);
  h.ts.tv_usec = (suseconds_t)(d->ts_ns % 1000000000);
  h.caplen = (bpf_u_int32)hl + caplen;
  h.len = (bpf_u_int32)hl + d->len;
  pcap_dump((u_char *)c->dump, &h, c->frame);
  c->count++;
  return 0;
}

void mcw_capture_flush(struct mcw_capture *c) {
  if (c != NULL)
    (void)pcap_dump_flush(c->dump);
}

uint64_t mcw_capture_count(const struct mcw_capture *c) { return c->count; }

const char *mcw_capture_path(const struct mcw_capture *c) { return c->path; }

void mcw_capture_close(struct mcw_capture *c) {
  if (c == NULL)
    return;
  pcap_dump_close(c->dump); /* flushes */
  pcap_close(c->pcap);
  free(c->frame);
  free(c);
}
