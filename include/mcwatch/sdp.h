/*
 * Session descriptions (RFC 4566): the multicast media a description
 * announces, read with GStreamer's SDP library (gst-sdp). One entry per m= line
 * and address (c=IN IP4 239.1.1.1/32/3 gives three), with the source from an
 * a=source-filter: incl line (RFC 4570), the s= name, the o= origin and
 * the clock rate of the first a=rtpmap'ed format.
 */
#ifndef MCWATCH_SDP_H
#define MCWATCH_SDP_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

#define MCW_SDP_MEDIA_MAX 256

struct mcw_sdp_media {
  char group[INET6_ADDRSTRLEN];  /* the c= address, without /ttl */
  char source[INET6_ADDRSTRLEN]; /* from a=source-filter, "" when none */
  unsigned port;
  char session[128]; /* s= (raw bytes; the caller escapes them) */
  char type[16];     /* "video", "audio", ... from m= */
  bool several;      /* the description has more than one entry */
  unsigned line;     /* the m= line's number, from 1 */
  unsigned pt;       /* RTP: the first format with an a=rtpmap rate... */
  unsigned clock;    /* ...and that rate in Hz; 0 when none is given */
  char origin[96];   /* o= username, session id and address (raw bytes) */
  char error[200];   /* set when this entry cannot be watched, and why */
};

/*
 * Parses an SDP text and fills up to max entries. Returns how many, or
 * -EINVAL with the parser's reason in err. An m= line whose port is 0 (a
 * rejected stream) is skipped.
 */
int mcw_sdp_media(const char *buf, size_t len, struct mcw_sdp_media *out,
                  size_t max, char *err, size_t errlen);

#endif
