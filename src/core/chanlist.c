/*
 * Channel lists (see chanlist.h). Each format is read line by line into
 * endpoint text in mcwatch's own syntax, which mcw_endpoint_parse then
 * checks, so a list gets exactly the command line's rules and messages.
 * URLs (udp://, rtp://) are turned into that syntax by url_endpoints(),
 * which knows the forms VLC and ffmpeg write. SDP is parsed by GStreamer's
 * gst-sdp; this file only walks the parsed session.
 *
 * A list is appended to a scratch copy and committed only when the whole
 * file is good, so a bad line leaves the caller's list untouched.
 */
#include "mcwatch/chanlist.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/sdp.h"

#define LINE_MAX_BYTES 4096
#define URL_MAX_SOURCES 16

struct reader {
  const char *name;
  struct mcw_chanlist *out; /* scratch list being built */
  char *err;
  size_t errlen;
};

static int fail(struct reader *r, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "NAME:LINE: reason" into the reader's err; returns -EINVAL. */
static int fail(struct reader *r, unsigned line, const char *fmt, ...) {
  char why[400], name[160];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  mcw_escape((const uint8_t *)r->name, strlen(r->name), name, sizeof(name), 0);
  if (r->err != NULL && r->errlen > 0) {
    if (line > 0)
      snprintf(r->err, r->errlen, "%s:%u: %s", name, line, why);
    else
      snprintf(r->err, r->errlen, "%s: %s", name, why);
  }
  return -EINVAL;
}

void mcw_label_set(char out[MCW_LABEL_MAX], const char *raw, size_t len) {
  const uint8_t *s = (const uint8_t *)raw;

  while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
    s++, len--;
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                     s[len - 1] == '\r' || s[len - 1] == '\n'))
    len--;
  /* Backslashes pass as they are (MCW_ESC_MESSAGE): harmless alone. */
  mcw_escape(s, len, out, MCW_LABEL_MAX, MCW_ESC_MESSAGE);
}

/* Appends a parsed endpoint with its label and line. */
static int add(struct reader *r, const char *text, const char *label,
               size_t label_len, unsigned line) {
  struct mcw_channel c;
  char why[300];

  memset(&c, 0, sizeof(c));
  if (mcw_endpoint_parse(text, &c.ep, why, sizeof(why)) < 0)
    return fail(r, line, "%s", why);
  if (r->out->n >= MCW_CHANLIST_MAX)
    return fail(r, line, "more than %d channels", MCW_CHANLIST_MAX);
  mcw_label_set(c.ep.label, label != NULL ? label : "", label_len);
  c.line = line;
  if (r->out->n == r->out->cap) {
    r->out->cap = r->out->cap ? 2 * r->out->cap : 16;
    r->out->v = mcw_xrealloc(r->out->v, r->out->cap * sizeof(*r->out->v));
  }
  r->out->v[r->out->n++] = c;
  return 0;
}

/* True when s starts with prefix, ignoring ASCII case. */
static bool starts(const char *s, size_t n, const char *prefix) {
  size_t k = strlen(prefix);
  return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* An address from a URL (bare, or IPv6 in brackets) as endpoint text. */
static bool url_host(const char *s, size_t n, char *out, size_t outlen,
                     bool bracket) {
  if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
    s++;
    n -= 2;
  }
  if (n == 0 || n + 3 > outlen || memchr(s, '[', n) || memchr(s, ']', n))
    return false;
  if (bracket && memchr(s, ':', n) != NULL)
    snprintf(out, outlen, "[%.*s]", (int)n, s);
  else
    snprintf(out, outlen, "%.*s", (int)n, s);
  return true;
}

/* Finds the value of query parameter key in q[0..n); NULL when absent. */
static const char *query_get(const char *q, size_t n, const char *key,
                             size_t *vlen) {
  size_t k = strlen(key);
  const char *end = q + n;

  while (q < end) {
    const char *amp = memchr(q, '&', (size_t)(end - q));
    const char *stop = amp ? amp : end;
    if ((size_t)(stop - q) > k && strncmp(q, key, k) == 0 && q[k] == '=') {
      *vlen = (size_t)(stop - q - (ptrdiff_t)k - 1);
      return q + k + 1;
    }
    q = stop + 1;
  }
  return NULL;
}

/*
 * Turns a udp:// or rtp:// URL into endpoints: "[SRC]@GROUP[:PORT]" with
 * optional ?sources=A,B (ffmpeg) and ?localaddr=IP (ffmpeg) or the iface
 * from an #EXTVLCOPT:miface line. The port defaults to VLC's: 1234 for
 * udp, 5004 for rtp.
 */
static int url_endpoints(struct reader *r, const char *s, size_t n,
                         const char *iface, const char *label, size_t label_len,
                         unsigned line) {
  const char *scheme_end = memchr(s, ':', n);
  const char *auth, *end = s + n, *q, *at, *host, *port = NULL;
  char grp[INET6_ADDRSTRLEN + 3], src[URL_MAX_SOURCES][INET6_ADDRSTRLEN + 3];
  char text[400], ifpart[MCW_IFACE_MAX + 2] = "";
  size_t nsrc = 0, qlen = 0, vlen;
  unsigned long portnum;
  bool rtp = starts(s, n, "rtp://");

  if (!starts(s, n, "udp://") && !rtp)
    return fail(r, line,
                "%.*s: only udp:// and rtp:// addresses can be "
                "watched",
                (int)(scheme_end ? scheme_end - s : 0), s);
  auth = scheme_end + 3;
  q = memchr(auth, '?', (size_t)(end - auth));
  if (q != NULL) {
    qlen = (size_t)(end - q - 1);
    end = q;
    q++;
  }
  at = memchr(auth, '@', (size_t)(end - auth));
  host = at ? at + 1 : auth;
  if (at != NULL && at > auth) {
    if (!url_host(auth, (size_t)(at - auth), src[0], sizeof(src[0]), false))
      return fail(r, line, "no source address before '@'");
    nsrc = 1;
  }
  /* The port follows the last ':' after any ']'. */
  {
    const char *br = memchr(host, ']', (size_t)(end - host));
    const char *from = br ? br : host;
    const char *c = memchr(from, ':', (size_t)(end - from));
    if (c != NULL &&
        (br != NULL || memchr(c + 1, ':', (size_t)(end - c - 1)) == NULL))
      port = c + 1;
    if (!url_host(host, (size_t)((port ? port - 1 : end) - host), grp,
                  sizeof(grp), true))
      return fail(r, line, "no group address in the URL (udp://@GROUP:PORT)");
  }
  if (port != NULL) {
    char *e;
    if (port == end || (size_t)(end - port) > 5)
      return fail(r, line, "%.*s: not a port (1 to 65535)", (int)(end - port),
                  port);
    portnum = strtoul(port, &e, 10);
    if (e != end || portnum == 0 || portnum > 65535)
      return fail(r, line, "%.*s: not a port (1 to 65535)", (int)(end - port),
                  port);
  } else {
    portnum = rtp ? 5004 : 1234;
  }
  if (q != NULL) {
    const char *v = query_get(q, qlen, "sources", &vlen);
    while (v != NULL && vlen > 0) {
      const char *comma = memchr(v, ',', vlen);
      size_t k = comma ? (size_t)(comma - v) : vlen;
      if (nsrc == URL_MAX_SOURCES)
        return fail(r, line, "more than %d sources", URL_MAX_SOURCES);
      if (!url_host(v, k, src[nsrc], sizeof(src[0]), false))
        return fail(r, line, "sources=: an empty address");
      nsrc++;
      v = comma ? comma + 1 : NULL;
      vlen = comma ? vlen - k - 1 : 0;
    }
    v = query_get(q, qlen, "localaddr", &vlen);
    if (v != NULL && vlen > 0 && vlen < MCW_IFACE_MAX)
      snprintf(ifpart, sizeof(ifpart), "%%%.*s", (int)vlen, v);
  }
  if (ifpart[0] == '\0' && iface != NULL && iface[0] != '\0')
    snprintf(ifpart, sizeof(ifpart), "%%%s", iface);
  if (nsrc == 0) {
    snprintf(text, sizeof(text), "%s:%lu%s", grp, portnum, ifpart);
    return add(r, text, label, label_len, line);
  }
  for (size_t i = 0; i < nsrc; i++) {
    int rc;
    snprintf(text, sizeof(text), "%s:%lu@%.48s%s", grp, portnum, src[i],
             ifpart);
    if ((rc = add(r, text, label, label_len, line)) < 0)
      return rc;
  }
  return 0;
}

/* Splits buf into lines, calling fn for each with its number. */
typedef int (*line_fn)(struct reader *r, const char *s, size_t n, unsigned line,
                       void *state);

static int each_line(struct reader *r, const char *buf, size_t len, line_fn fn,
                     void *state) {
  unsigned line = 0;
  const char *p = buf, *end = buf + len;

  if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    size_t n;
    int rc;

    line++;
    while (p < stop && (*p == ' ' || *p == '\t'))
      p++;
    n = (size_t)(stop - p);
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
      n--;
    if (n > LINE_MAX_BYTES)
      return fail(r, line, "line longer than %d bytes", LINE_MAX_BYTES);
    if (memchr(p, '\0', n) != NULL)
      return fail(r, line, "a NUL byte: not a text file");
    if ((rc = fn(r, p, n, line, state)) < 0)
      return rc;
    p = stop + 1;
  }
  return 0;
}

/* True when s[0..n) starts with "SCHEME://". */
static bool has_scheme(const char *s, size_t n) {
  const char *c = memchr(s, ':', n);
  return c != NULL && c > s && (size_t)(c - s) + 3 <= n &&
         memcmp(c, "://", 3) == 0;
}

/* plain: "ENDPOINT [LABEL...]", blank lines and '#' comments. */
static int plain_line(struct reader *r, const char *s, size_t n, unsigned line,
                      void *state) {
  size_t k = 0;
  char text[300];

  (void)state;
  if (n == 0 || s[0] == '#')
    return 0;
  while (k < n && s[k] != ' ' && s[k] != '\t')
    k++;
  if (has_scheme(s, k))
    return url_endpoints(r, s, k, NULL, s + k, n - k, line);
  if (k >= sizeof(text))
    return fail(r, line, "endpoint longer than %zu bytes", sizeof(text) - 1);
  memcpy(text, s, k);
  text[k] = '\0';
  return add(r, text, s + k, n - k, line);
}

struct m3u_state {
  char label[512];
  size_t label_len;
  char iface[MCW_IFACE_MAX];
};

/* The label of an #EXTINF line: after the first comma outside quotes. */
static void extinf_label(const char *s, size_t n, struct m3u_state *st) {
  bool quoted = false;
  const char *name = NULL;
  size_t i, vlen = 0;

  for (i = 0; i < n; i++) {
    if (s[i] == '"')
      quoted = !quoted;
    else if (s[i] == ',' && !quoted)
      break;
  }
  if (i < n) {
    name = s + i + 1;
    vlen = n - i - 1;
  }
  if (vlen == 0) { /* fall back on tvg-name="..." */
    const char *t = NULL;
    for (size_t j = 0; j + 10 <= n; j++)
      if (memcmp(s + j, "tvg-name=\"", 10) == 0) {
        t = s + j + 10;
        break;
      }
    if (t != NULL) {
      const char *e = memchr(t, '"', (size_t)(s + n - t));
      name = t;
      vlen = e ? (size_t)(e - t) : (size_t)(s + n - t);
    }
  }
  st->label_len = vlen < sizeof(st->label) ? vlen : sizeof(st->label) - 1;
  if (name != NULL)
    memcpy(st->label, name, st->label_len);
}

/* M3U/M3U8: #EXTINF labels, #EXTVLCOPT:miface, udp:// and rtp:// lines. */
static int m3u_line(struct reader *r, const char *s, size_t n, unsigned line,
                    void *state) {
  struct m3u_state *st = state;
  int rc;

  if (n == 0)
    return 0;
  if (starts(s, n, "#EXTINF:")) {
    extinf_label(s + 8, n - 8, st);
    return 0;
  }
  if (starts(s, n, "#EXTVLCOPT:miface=")) {
    size_t k = n - 18;
    if (k >= sizeof(st->iface))
      return fail(r, line, "miface: interface name too long");
    memcpy(st->iface, s + 18, k);
    st->iface[k] = '\0';
    return 0;
  }
  if (s[0] == '#')
    return 0;
  rc = url_endpoints(r, s, n, st->iface, st->label, st->label_len, line);
  st->label_len = 0;
  st->iface[0] = '\0';
  return rc;
}

enum mcw_chanlist_format mcw_chanlist_detect(const char *buf, size_t len) {
  const char *p = buf, *end = buf + len;

  if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  if (end - p >= 2 && p[0] == 'v' && p[1] == '=')
    return MCW_CHANLIST_SDP;
  if (starts(p, (size_t)(end - p), "#EXTM3U") ||
      starts(p, (size_t)(end - p), "#EXTINF"))
    return MCW_CHANLIST_M3U;
  return MCW_CHANLIST_PLAIN;
}

/* Walks a parsed SDP session: one endpoint per media address. */
static int sdp_read(struct reader *r, const char *buf, size_t len) {
  struct mcw_sdp_media media[MCW_SDP_MEDIA_MAX];
  char why[300], text[400];
  int n = mcw_sdp_media(buf, len, media, MCW_SDP_MEDIA_MAX, why, sizeof(why));

  if (n < 0)
    return fail(r, 0, "SDP: %s", why);
  if (n == 0)
    return fail(r, 0, "SDP: no m= line with a multicast address");
  for (int i = 0; i < n; i++) {
    const struct mcw_sdp_media *m = &media[i];
    char label[MCW_LABEL_MAX + 32];
    int rc;
    bool v6 = strchr(m->group, ':') != NULL;
    if (m->error[0] != '\0')
      return fail(r, m->line, "%s", m->error);
    if (m->source[0] != '\0')
      snprintf(text, sizeof(text), v6 ? "[%s]:%u@%s" : "%s:%u@%s", m->group,
               m->port, m->source);
    else
      snprintf(text, sizeof(text), v6 ? "[%s]:%u" : "%s:%u", m->group, m->port);
    if (m->several)
      snprintf(label, sizeof(label), "%.100s (%.15s)", m->session, m->type);
    else
      snprintf(label, sizeof(label), "%s", m->session);
    if ((rc = add(r, text, label, strlen(label), m->line)) < 0)
      return rc;
    /* The RTP clock the description gives (a=rtpmap), for jitter. */
    r->out->v[r->out->n - 1].pt = m->pt;
    r->out->v[r->out->n - 1].clock = m->clock;
  }
  return 0;
}

int mcw_chanlist_parse(const char *name, const char *buf, size_t len,
                       enum mcw_chanlist_format fmt, struct mcw_chanlist *list,
                       char *err, size_t errlen) {
  struct mcw_chanlist scratch = {0};
  struct reader r = {name, &scratch, err, errlen};
  struct m3u_state st;
  int rc;

  if (fmt == MCW_CHANLIST_AUTO)
    fmt = mcw_chanlist_detect(buf, len);
  memset(&st, 0, sizeof(st));
  if (fmt == MCW_CHANLIST_SDP)
    rc = sdp_read(&r, buf, len);
  else
    rc = each_line(&r, buf, len,
                   fmt == MCW_CHANLIST_M3U ? m3u_line : plain_line, &st);
  if (rc == 0 && scratch.n == 0)
    rc = fail(&r, 0, "no endpoints in the file");
  if (rc == 0 && list->n + scratch.n > MCW_CHANLIST_MAX)
    rc = fail(&r, 0, "more than %d channels in all", MCW_CHANLIST_MAX);
  if (rc < 0) {
    mcw_chanlist_free(&scratch);
    return rc;
  }
  if (list->n + scratch.n > list->cap) {
    list->cap = list->n + scratch.n;
    list->v = mcw_xrealloc(list->v, list->cap * sizeof(*list->v));
  }
  memcpy(list->v + list->n, scratch.v, scratch.n * sizeof(*scratch.v));
  list->n += scratch.n;
  mcw_chanlist_free(&scratch);
  return 0;
}

void mcw_chanlist_free(struct mcw_chanlist *list) {
  free(list->v);
  memset(list, 0, sizeof(*list));
}

char *mcw_chanlist_format_plain(const struct mcw_endpoint *const *eps,
                                size_t n) {
  size_t cap = 128 + n * (MCW_LABEL_MAX + 160), o = 0;
  char *out = mcw_xmalloc(cap);

  o += (size_t)snprintf(out, cap,
                        "# mcwatch channel list: ENDPOINT LABEL "
                        "(mcwatch -f FILE reads it)\n");
  for (size_t i = 0; i < n; i++) {
    char ep[200];
    mcw_endpoint_format(eps[i], ep, sizeof(ep));
    o += (size_t)snprintf(out + o, cap - o, "%s%s%s\n", ep,
                          eps[i]->label[0] ? " " : "", eps[i]->label);
  }
  return out;
}
