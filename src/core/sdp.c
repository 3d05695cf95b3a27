/*
 * SDP through sofia-sip (see sdp.h). sofia-sip owns the syntax; this file
 * walks its parsed session: media, their connections (or the session's),
 * the source-filter attribute, and counts lines to say where each m= line
 * stands, since the parser does not keep line numbers.
 */
#include "mcwatch/sdp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

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
 * Reads "incl IN IP4 DEST SRC..." for dest; copies the first source into
 * src. Returns 1 when found, 0 when no filter applies, -1 for an exclusive
 * filter (not supported).
 */
static int source_filter(const sdp_attribute_t *a, const char *dest, char *src,
                         size_t srclen) {
  for (; a != NULL; a = a->a_next) {
    char mode[8], net[8], type[8], d[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
    if (a->a_name == NULL || strcasecmp(a->a_name, "source-filter") != 0 ||
        a->a_value == NULL)
      continue;
    if (sscanf(a->a_value, " %7s %7s %7s %45s %45s", mode, net, type, d, s) !=
        5)
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

int mcw_sdp_media(const char *buf, size_t len, struct mcw_sdp_media *out,
                  size_t max, char *err, size_t errlen) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  sdp_parser_t *p = sdp_parse(home, buf, (issize_t)len, 0);
  sdp_session_t *sess = sdp_session(p);
  size_t n = 0;
  unsigned mi = 0;

  if (sess == NULL) {
    const char *why = sdp_parsing_error(p);
    snprintf(err, errlen, "%s",
             why && *why ? why : "not a session description");
    sdp_parser_free(p);
    su_home_deinit(home);
    return -EINVAL;
  }
  for (sdp_media_t *m = sess->sdp_media; m != NULL; m = m->m_next, mi++) {
    sdp_connection_t *c =
        m->m_connections ? m->m_connections : sess->sdp_connection;
    if (m->m_port == 0 || m->m_rejected)
      continue;
    for (; c != NULL; c = c->c_next) {
      unsigned groups = c->c_groups > 1 ? c->c_groups : 1;
      unsigned ports =
          m->m_number_of_ports > 1 ? (unsigned)m->m_number_of_ports : 1;
      unsigned count = groups > ports ? groups : ports;
      bool rtp = m->m_proto_name && strstr(m->m_proto_name, "RTP") != NULL;
      for (unsigned k = 0; k < count && n < max; k++) {
        struct mcw_sdp_media *e = &out[n++];
        memset(e, 0, sizeof(*e));
        e->line = m_line(buf, len, mi);
        e->port = (unsigned)m->m_port + (ports > 1 ? k * (rtp ? 2 : 1) : 0);
        mcw_strlcpy(e->session, sess->sdp_subject ? sess->sdp_subject : "",
                    sizeof(e->session));
        mcw_strlcpy(e->type, m->m_type_name ? m->m_type_name : "media",
                    sizeof(e->type));
        if (c->c_address == NULL || !addr_add(c->c_address, groups > 1 ? k : 0,
                                              e->group, sizeof(e->group))) {
          snprintf(e->error, sizeof(e->error), "c=: %.60s: not an address",
                   c->c_address ? c->c_address : "(none)");
          continue;
        }
        if (e->port > 65535) {
          snprintf(e->error, sizeof(e->error), "m=: port %u beyond 65535",
                   e->port);
          continue;
        }
        int f = source_filter(m->m_attributes, e->group, e->source,
                              sizeof(e->source));
        if (f == 0)
          f = source_filter(sess->sdp_attributes, e->group, e->source,
                            sizeof(e->source));
        if (f < 0)
          snprintf(e->error, sizeof(e->error),
                   "a=source-filter: excl (exclusive filters) is not "
                   "supported; name the sources to watch");
      }
    }
  }
  for (size_t i = 0; i < n; i++)
    out[i].several = n > 1;
  sdp_parser_free(p);
  su_home_deinit(home);
  return (int)n;
}
