/*
 * Recording received datagrams to a pcap file through libpcap: raw IP
 * link type (LINKTYPE_RAW, IPv4 and IPv6 in one file), nanosecond
 * timestamps from the kernel, IP and UDP headers rebuilt around the whole
 * received payload (see ipframe.h). A datagram longer than the receive
 * buffer is written with its true length and what was captured. Readable
 * by tcpdump, tshark and Wireshark.
 */
#ifndef MCWATCH_CAPTURE_H
#define MCWATCH_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "mcwatch/datagram.h"
#include "mcwatch/group.h"

struct mcw_capture;

/* Opens path for writing (truncating it); NULL with a sentence in err. */
struct mcw_capture *mcw_capture_open(const char *path, char *err,
                                     size_t errlen);
/* Writes one datagram received in group g; 0 or a negative errno. */
int mcw_capture_write(struct mcw_capture *c, const struct mcw_group *g,
                      const struct mcw_datagram *d);
/* Pushes buffered packets to the file. */
void mcw_capture_flush(struct mcw_capture *c);
/* Packets written so far. */
uint64_t mcw_capture_count(const struct mcw_capture *c);
/* The file's path as given. */
const char *mcw_capture_path(const struct mcw_capture *c);
/* Flushes, closes the file and frees c (NULL is fine). */
void mcw_capture_close(struct mcw_capture *c);

#endif
