/*
 * SDP through GStreamer's SDP library (see sdp.h). GstSDPMessage owns the
 * syntax; this file walks its parsed message: media, their connections
 * (or the session's), the source-filter attribute, and counts lines to say
 * where each m= line stands, since the parser does not keep line numbers.
 * (sofia-sip was tried first: its parser asked for 2 GiB on a 200-byte
 * description that our fuzzer wrote, so it is not fit for untrusted input.)
 */
#include "mcwatch/sdp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gst/sdp/gstsdpmessage.h>

#include "mcwatch/common.h"

/* The line number of the k-th (from 0) line starting "m=". */
static unsigned m_line(const char *buf, size_t len, unsigned k) {
  unsigned line = 1, seen = 0;

  for (size_t i = 0; i < len; i++) {
    if ((i == 0 || buf[i - 1] == '\n') && i + 1 < len && buf[i] == 'm' &&
        buf[i + 1] == '=') {
      if (seen++ == k)
        return line;
    }
    if (buf[i] == '\n')
      line++;
  }
  return 0;
}

/*
 * Reads the "incl IN IP4 DEST SRC..." values of one level (media, or the
 * session when m is NULL) for dest; copies the first source into src.
 * Returns 1 when found, 0 when no filter applies, -1 for an exclusive
 * filter (not supported).
 */
static int source_filter(const GstSDPMessage *msg, const GstSDPMedia *m,
                         const char *dest, char *src, size_t srclen) {
  for (guint i = 0; i < 64; i++) {
    char mode[8], net[8], type[8], d[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
    const char *v =
        m ? gst_sdp_media_get_attribute_val_n(m, "source-filter", i)
          : gst_sdp_message_get_attribute_val_n(msg, "source-filter", i);
    if (v == NULL)
      return 0;
    if (sscanf(v, " %7s %7s %7s %45s %45s", mode, net, type, d, s) != 5)
      continue;
    if (strcmp(d, "*") != 0 && strcmp(d, dest) != 0)
      continue;
    if (strcasecmp(mode, "excl") == 0)
      return -1;
    mcw_strlcpy(src, s, srclen);
    return 1;
  }
  return 0;
}

/* Adds k to the address text a (the n-th address of a c= range). */
static bool addr_add(const char *a, unsigned k, char *out, size_t outlen) {
  unsigned char b[16];
  int af = strchr(a, ':') ? AF_INET6 : AF_INET;
  int len = af == AF_INET ? 4 : 16;

  if (inet_pton(af, a, b) != 1)
    return false;
  for (int i = len - 1; i >= 0 && k > 0; i--) {
    unsigned v = b[i] + (k & 0xff);
    b[i] = (unsigned char)v;
    k = (k >> 8) + (v >> 8);
  }
  return inet_ntop(af, b, out, (socklen_t)outlen) != NULL;
}

/*
 * Finds the first format of m that an a=rtpmap line gives a clock rate
 * ("96 L16/44100/1"); fills pt and clock, which stay 0 when none does.
 */
static void rtpmap(const GstSDPMedia *m, struct mcw_sdp_media *e) {
  for (guint i = 0; i < 64; i++) {
    const char *v = gst_sdp_media_get_attribute_val_n(m, "rtpmap", i);
    unsigned pt;
    unsigned long hz;
    char enc[64];
    if (v == NULL)
      return;
    if (sscanf(v, "%u %63[^/]/%lu", &pt, enc, &hz) != 3 || pt > 127 ||
        hz == 0 || hz > 1000000000ul)
      continue;
    e->pt = pt;
    e->clock = (unsigned)hz;
    return;
  }
}

/* Writes the o= line's username, session id and address into e. */
static void origin(const GstSDPMessage *msg, struct mcw_sdp_media *e) {
  const GstSDPOrigin *o = gst_sdp_message_get_origin(msg);

  if (o == NULL)
    return;
  snprintf(e->origin, sizeof(e->origin), "%.30s %.30s %.30s",
           o->username ? o->username : "-", o->sess_id ? o->sess_id : "-",
           o->addr ? o->addr : "-");
}

/* Fills one entry for address number k of connection c of media m. */
static void fill(struct mcw_sdp_media *e, const GstSDPMessage *msg,
                 const GstSDPMedia *m, const GstSDPConnection *c, unsigned k,
                 unsigned groups, unsigned ports) {
  const char *proto = gst_sdp_media_get_proto(m);
  const char *name = gst_sdp_message_get_session_name(msg);
  const char *type = gst_sdp_media_get_media(m);
  bool rtp = proto != NULL && strstr(proto, "RTP") != NULL;
  unsigned long port = gst_sdp_media_get_port(m);
  int f;

  port += ports > 1 ? k * (rtp ? 2u : 1u) : 0;
  mcw_strlcpy(e->session, name ? name : "", sizeof(e->session));
  mcw_strlcpy(e->type, type ? type : "media", sizeof(e->type));
  origin(msg, e);
  if (rtp)
    rtpmap(m, e);
  if (c == NULL || c->address == NULL) {
    snprintf(e->error, sizeof(e->error), "m=: no c= line gives its address");
    return;
  }
  if (!addr_add(c->address, groups > 1 ? k : 0, e->group, sizeof(e->group))) {
    snprintf(e->error, sizeof(e->error), "c=: %.60s: not an address",
             c->address);
    return;
  }
  if (port == 0 || port > 65535) {
    snprintf(e->error, sizeof(e->error), "m=: %lu: not a port (1 to 65535)",
             port);
    return;
  }
  e->port = (unsigned)port;
  f = source_filter(msg, m, e->group, e->source, sizeof(e->source));
  if (f == 0)
    f = source_filter(msg, NULL, e->group, e->source, sizeof(e->source));
  if (f < 0)
    snprintf(e->error, sizeof(e->error),
             "a=source-filter: excl (exclusive filters) is not supported; "
             "name the sources to watch");
}

int mcw_sdp_media(const char *buf, size_t len, struct mcw_sdp_media *out,
                  size_t max, char *err, size_t errlen) {
  GstSDPMessage *msg = NULL;
  size_t n = 0;

  if (len > 1u << 24 || gst_sdp_message_new(&msg) != GST_SDP_OK) {
    snprintf(err, errlen, "not a session description");
    return -EINVAL;
  }
  if (gst_sdp_message_parse_buffer((const guint8 *)buf, (guint)len, msg) !=
      GST_SDP_OK) {
    snprintf(err, errlen, "not a session description");
    gst_sdp_message_free(msg);
    return -EINVAL;
  }
  for (guint mi = 0; mi < gst_sdp_message_medias_len(msg) && n < max; mi++) {
    const GstSDPMedia *m = gst_sdp_message_get_media(msg, mi);
    guint nconn = gst_sdp_media_connections_len(m);
    unsigned ports = gst_sdp_media_get_num_ports(m);

    if (gst_sdp_media_get_port(m) == 0)
      continue; /* a rejected stream */
    ports = ports > 1 ? ports : 1;
    for (guint ci = 0; ci < (nconn ? nconn : 1) && n < max; ci++) {
      const GstSDPConnection *c = nconn ? gst_sdp_media_get_connection(m, ci)
                                        : gst_sdp_message_get_connection(msg);
      unsigned groups = c && c->addr_number > 1 ? c->addr_number : 1;
      unsigned count = groups > ports ? groups : ports;
      for (unsigned k = 0; k < count && n < max; k++) {
        struct mcw_sdp_media *e = &out[n++];
        memset(e, 0, sizeof(*e));
        e->line = m_line(buf, len, mi);
        fill(e, msg, m, c, k, groups, ports);
        if (e->error[0] != '\0')
          break;
      }
    }
  }
  for (size_t i = 0; i < n; i++)
    out[i].several = n > 1;
  gst_sdp_message_free(msg);
  return (int)n;
}
