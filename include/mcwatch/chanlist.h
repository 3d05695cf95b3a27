/*
 * Channel lists: files that name endpoints with labels, read by `-f FILE`.
 * Three formats, told apart by their content:
 *
 *   plain   one "ENDPOINT [LABEL...]" per line, '#' starts a comment line;
 *           ENDPOINT is mcwatch's syntax or a udp:// / rtp:// address;
 *   M3U     playlists as IPTV systems, VLC and ffmpeg write them:
 *           "#EXTINF:-1 tvg-name=...,Channel name" then a udp:// or rtp://
 *           line ("udp://@239.1.1.1:1234", "udp://10.0.0.5@232.1.1.1:1234",
 *           "udp://239.1.1.1:1234?sources=10.0.0.5&localaddr=10.0.0.2");
 *   SDP     a session description (RFC 4566, parsed by GStreamer's gst-sdp): one
 *           endpoint per m= line from its c= address (or the session's),
 *           the source from a=source-filter (RFC 4570), the s= name as label.
 *
 * Parsing is pure: the caller reads the file and passes its bytes. Labels
 * are stored escaped (mcw_escape), so they are safe on any output.
 */
#ifndef MCWATCH_CHANLIST_H
#define MCWATCH_CHANLIST_H

#include <stddef.h>

#include "mcwatch/endpoint.h"

enum mcw_chanlist_format {
  MCW_CHANLIST_AUTO,
  MCW_CHANLIST_PLAIN,
  MCW_CHANLIST_M3U,
  MCW_CHANLIST_SDP,
};

struct mcw_channel {
  struct mcw_endpoint ep; /* parsed, not resolved; ep.label is set */
  unsigned line;          /* where it was read, from 1 */
  unsigned pt, clock;     /* SDP: an a=rtpmap'ed payload type and its rate */
};

struct mcw_chanlist {
  struct mcw_channel *v;
  size_t n, cap;
};

/* Most entries one list may give (a guard against runaway files). */
#define MCW_CHANLIST_MAX 100000

/*
 * Parses the bytes of one file named name (for messages) and appends its
 * channels to list. On error returns -EINVAL with "NAME:LINE: reason" in
 * err and leaves list as it was. fmt AUTO tells the format by content.
 */
int mcw_chanlist_parse(const char *name, const char *buf, size_t len,
                       enum mcw_chanlist_format fmt, struct mcw_chanlist *list,
                       char *err, size_t errlen);

/* The format that mcw_chanlist_parse would use for these bytes. */
enum mcw_chanlist_format mcw_chanlist_detect(const char *buf, size_t len);

/* Frees the list's entries. */
void mcw_chanlist_free(struct mcw_chanlist *list);

/*
 * Renders the endpoints as a plain channel list that -f reads back
 * ("ENDPOINT LABEL" lines after a comment header). Returns a string from
 * mcw_xmalloc that the caller frees.
 */
char *mcw_chanlist_format_plain(const struct mcw_endpoint *const *eps,
                                size_t n);

/*
 * Stores raw label bytes into out (MCW_LABEL_MAX) made safe for output:
 * white space trimmed, every unit that mcw_escape would escape written as
 * its escape (a lone backslash stays as it is), cut at a unit boundary.
 */
void mcw_label_set(char out[MCW_LABEL_MAX], const char *raw, size_t len);

#endif
