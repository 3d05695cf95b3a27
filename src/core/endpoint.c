/*
 * Endpoint parsing. The syntax is GROUP:PORT[@SOURCE][%IFACE], read left to
 * right in four fields:
 *
 *   GROUP   an IPv4 group, or an IPv6 group in brackets ("[ff15::1]");
 *   PORT    decimal digits after the first ':' that follows the group;
 *   SOURCE  after '@', an address; IPv6 bare or in brackets;
 *   IFACE   after the last '%': a name, an index or an address, kept as
 *           text until mcw_endpoint_resolve() looks it up.
 *
 * Splitting IFACE at the last '%' keeps "ff35::1 ... @2001:db8::5%eth0"
 * unambiguous, since an address never contains '%'. Each field is checked
 * as soon as it is read, so the first mistake from the left is the one
 * reported, in one line that names the field and the rule. Any user text
 * echoed in a message goes through show(), which escapes control and
 * non-ASCII bytes: a message must never carry a terminal escape sequence.
 */
#include "mcwatch/endpoint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/iface.h"

#define SHOW_CHARS 64                  /* user bytes echoed in a message */
#define SHOW_SIZE (SHOW_CHARS * 4 + 4) /* each may become "\xHH"; "..." */
#define PORT_MAX 65535

static int say(int code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes one message line into err (when there is room) and returns code. */
static int say(int code, char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;

  if (err != NULL && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Copies s[0..n) into out for a message, escaping unprintable bytes. */
static const char *show(const char *s, size_t n, char out[SHOW_SIZE]) {
  size_t o = 0;

  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (i == SHOW_CHARS) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out[o++] = (char)c;
    } else {
      static const char hex[] = "0123456789abcdef";
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  return out;
}

/* Parses s[0..n) as an address; 0 or -EINVAL (also when far too long). */
static int parse_span(const char *s, size_t n, struct mcw_addr *a) {
  char buf[INET6_ADDRSTRLEN];

  if (n >= sizeof(buf))
    return -EINVAL;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return mcw_addr_parse(buf, a);
}

/* Says what s[0..n) failed to be, judging by the characters it holds. */
static const char *not_an_address(const char *s, size_t n) {
  if (n > 0 && memchr(s, ':', n) != NULL)
    return "not an IPv6 address";
  for (size_t i = 0; i < n; i++)
    if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
      return "not an IP address (names are not looked up)";
  return "not an IPv4 address";
}

/* True when s[0..n) is one to five decimal digits. */
static bool short_digits(const char *s, size_t n) {
  if (n == 0 || n > 5)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

/* Explains a bare IPv6 group s[0..n), suggesting the bracketed form. */
static int bare_ipv6(const char *s, size_t n, char *err, size_t errlen) {
  char shown[SHOW_SIZE], eg[INET6_ADDRSTRLEN + 8];
  const char *colon = s + n;
  struct mcw_addr a;

  while (colon > s && colon[-1] != ':')
    colon--;
  colon--; /* n holds at least two colons, so this is the last one */
  show(s, n, shown);
  if (short_digits(colon + 1, (size_t)(s + n - colon - 1)) &&
      parse_span(s, (size_t)(colon - s), &a) == 0 && a.family == AF_INET6)
    snprintf(eg, sizeof(eg), "[%.*s]:%.*s", (int)(colon - s), s,
             (int)(s + n - colon - 1), colon + 1);
  else if (parse_span(s, n, &a) == 0)
    snprintf(eg, sizeof(eg), "[%.*s]:5000", (int)n, s);
  else
    return say(-EINVAL, err, errlen,
               "%s: not an IPv6 address; IPv6 groups go in brackets, "
               "e.g. [ff15::1]:5000",
               shown);
  return say(-EINVAL, err, errlen, "%s: IPv6 groups go in brackets, e.g. %s",
             shown, eg);
}

/*
 * Reads the group at the start of text into g and its text as written
 * (without brackets) into gshow; *used is set to the bytes consumed.
 */
static int parse_group(const char *text, size_t *used, struct mcw_addr *g,
                       char gshow[SHOW_SIZE], char *err, size_t errlen) {
  const char *s = text;
  size_t n;

  if (text[0] == '[') {
    const char *close = strchr(text, ']');
    char whole[SHOW_SIZE];
    if (close == NULL)
      return say(-EINVAL, err, errlen,
                 "%s: missing ']' after the IPv6 group, e.g. [ff15::1]:5000",
                 show(text, strlen(text), whole));
    s = text + 1;
    n = (size_t)(close - s);
    *used = n + 2;
    show(s, n, gshow);
    if (n == 0)
      return say(-EINVAL, err, errlen,
                 "[]: empty group; write GROUP:PORT, e.g. [ff15::1]:5000");
    if (memchr(s, '%', n) != NULL)
      return say(-EINVAL, err, errlen,
                 "%s: no zone inside the brackets; put the interface at the "
                 "end, e.g. [ff12::1]:5000%%eth0",
                 gshow);
    if (parse_span(s, n, g) < 0)
      return say(-EINVAL, err, errlen, "%s: not an IPv6 address", gshow);
    if (g->family == AF_INET)
      return say(-EINVAL, err, errlen,
                 "%s: IPv4 groups take no brackets, e.g. %s:5000", gshow,
                 gshow);
  } else {
    size_t lead = strcspn(text, "@%"), colons = 0;
    n = strcspn(text, ":@%");
    for (size_t i = 0; i < lead; i++)
      colons += text[i] == ':';
    /* Two colons mean a bare IPv6 group, unless an IPv4 one comes first. */
    if (colons >= 2 && parse_span(text, n, g) < 0)
      return bare_ipv6(text, lead, err, errlen);
    *used = n;
    show(s, n, gshow);
    if (n == 0)
      return say(-EINVAL, err, errlen,
                 "missing group; write GROUP:PORT, e.g. 239.1.2.3:5000");
    if (parse_span(s, n, g) < 0)
      return say(-EINVAL, err, errlen, "%s: %s", gshow, not_an_address(s, n));
  }
  if (!mcw_addr_is_multicast(g))
    return say(-EINVAL, err, errlen,
               "%s: not a multicast group; multicast is 224.0.0.0/4 or "
               "ff00::/8",
               gshow);
  return 0;
}

/* Reads the port s[0..n): decimal digits only, 1 to 65535. */
static int parse_port(const char *s, size_t n, uint16_t *port, char *err,
                      size_t errlen) {
  char shown[SHOW_SIZE];
  unsigned long v = 0;

  show(s, n, shown);
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return say(-EINVAL, err, errlen, "port '%s': not a number", shown);
    if (v <= PORT_MAX) /* stop growing once out of range: no overflow */
      v = v * 10 + (unsigned long)(s[i] - '0');
  }
  if (v < 1 || v > PORT_MAX)
    return say(-EINVAL, err, errlen,
               "port %s: out of range; a port is 1 to 65535", shown);
  *port = (uint16_t)v;
  return 0;
}

/* Reads the source s[0..n) after '@' into a and its text into sshow. */
static int parse_source(const char *s, size_t n, struct mcw_addr *a,
                        char sshow[SHOW_SIZE], char *err, size_t errlen) {
  show(s, n, sshow);
  if (n == 0)
    return say(-EINVAL, err, errlen, "source: empty address after @");
  if (memchr(s, '@', n) != NULL)
    return say(-EINVAL, err, errlen,
               "source %s: more than one @; write one @SOURCE", sshow);
  if (s[0] == '[') {
    if (n < 2 || s[n - 1] != ']')
      return say(-EINVAL, err, errlen, "source %s: missing ']'", sshow);
    if (parse_span(s + 1, n - 2, a) < 0)
      return say(-EINVAL, err, errlen, "source %s: not an IPv6 address", sshow);
    if (a->family == AF_INET)
      return say(-EINVAL, err, errlen,
                 "source %s: IPv4 sources take no brackets", sshow);
    show(s + 1, n - 2, sshow);
  } else if (parse_span(s, n, a) < 0) {
    return say(-EINVAL, err, errlen, "source %s: %s", sshow,
               not_an_address(s, n));
  }
  if (!mcw_addr_is_unicast(a))
    return say(-EINVAL, err, errlen, "source %s: not a unicast address", sshow);
  return 0;
}

/* Checks the interface text s after '%'; resolution comes later. */
static int check_iface(const char *s, char *err, size_t errlen) {
  size_t n = strlen(s);
  char shown[SHOW_SIZE];

  show(s, n, shown);
  if (n == 0)
    return say(-EINVAL, err, errlen, "interface: empty name after %%");
  if (n >= MCW_IFACE_MAX)
    return say(-EINVAL, err, errlen,
               "interface '%s': too long; at most %d characters", shown,
               MCW_IFACE_MAX - 1);
  if (strchr(s, '@') != NULL)
    return say(-EINVAL, err, errlen,
               "interface '%s': write @SOURCE before %%IFACE, e.g. "
               "239.1.2.3:5000@10.0.0.5%%eth0",
               shown);
  return 0;
}

/* True for ASCII whitespace, whatever the locale says. */
static bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Rejects empty text, edge or inner whitespace, and control bytes. */
static int check_text(const char *text, char *err, size_t errlen) {
  size_t n = text == NULL ? 0 : strlen(text);
  char shown[SHOW_SIZE];

  if (n == 0)
    return say(-EINVAL, err, errlen, "empty endpoint");
  show(text, n, shown);
  if (is_space(text[0]) || is_space(text[n - 1]))
    return say(-EINVAL, err, errlen,
               "'%s': leading or trailing whitespace in the endpoint", shown);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)text[i];
    if (is_space((char)c))
      return say(-EINVAL, err, errlen, "'%s': whitespace inside the endpoint",
                 shown);
    if (c < 0x20 || c == 0x7f)
      return say(-EINVAL, err, errlen,
                 "'%s': control character in the endpoint", shown);
  }
  return 0;
}

/* Formats a group for an example: "239.1.2.3" or "[ff15::1]". */
static const char *example_group(const struct mcw_addr *g, char *buf,
                                 size_t len) {
  char host[INET6_ADDRSTRLEN];

  mcw_addr_format(g, host, sizeof(host));
  snprintf(buf, len, g->family == AF_INET6 ? "[%s]" : "%s", host);
  return buf;
}

/* Parses GROUP:PORT[@SOURCE][%IFACE] into ep, or explains the first error. */
static int parse(const char *text, struct mcw_endpoint *ep, char *err,
                 size_t errlen, bool need_source) {
  char gshow[SHOW_SIZE], sshow[SHOW_SIZE], eg[INET6_ADDRSTRLEN + 4];
  const char *p, *pct, *end, *at;
  struct mcw_endpoint e;
  size_t used = 0;
  int r;

  memset(ep, 0, sizeof(*ep));
  memset(&e, 0, sizeof(e));
  if ((r = check_text(text, err, errlen)) < 0 ||
      (r = parse_group(text, &used, &e.group, gshow, err, errlen)) < 0)
    return r;

  p = text + used;
  if (*p != ':') {
    char c[SHOW_SIZE];
    example_group(&e.group, eg, sizeof(eg));
    if (*p == '\0' || *p == '@' || *p == '%')
      return say(-EINVAL, err, errlen,
                 "%s: missing port; write GROUP:PORT, e.g. %s:5000", gshow, eg);
    return say(-EINVAL, err, errlen,
               "unexpected '%s' after %s; write GROUP:PORT, e.g. %s:5000",
               show(p, 1, c), eg, eg);
  }
  p++;

  /* IFACE runs from the last '%' to the end; there must be only one. */
  pct = strrchr(p, '%');
  end = pct != NULL ? pct : p + strlen(p);
  if (memchr(p, '%', (size_t)(end - p)) != NULL)
    return say(-EINVAL, err, errlen,
               "interface: more than one %%; write one %%IFACE at the end");
  at = memchr(p, '@', (size_t)(end - p));

  if (p == (at != NULL ? at : end))
    return say(-EINVAL, err, errlen,
               "%s: missing port; write GROUP:PORT, e.g. %s:5000", gshow,
               example_group(&e.group, eg, sizeof(eg)));
  if ((r = parse_port(p, (size_t)((at != NULL ? at : end) - p), &e.group.port,
                      err, errlen)) < 0)
    return r;

  if (at != NULL) {
    if ((r = parse_source(at + 1, (size_t)(end - at - 1), &e.source, sshow, err,
                          errlen)) < 0)
      return r;
    if (e.source.family != e.group.family)
      return say(-EINVAL, err, errlen, "source %s is %s but group %s is %s",
                 sshow, e.source.family == AF_INET ? "IPv4" : "IPv6", gshow,
                 e.group.family == AF_INET ? "IPv4" : "IPv6");
  }

  if (pct != NULL) {
    if ((r = check_iface(pct + 1, err, errlen)) < 0)
      return r;
    mcw_strlcpy(e.iface, pct + 1, sizeof(e.iface));
  }

  if (need_source && mcw_addr_is_ssm(&e.group) && e.source.family == 0) {
    bool v6 = e.group.family == AF_INET6;
    return say(-EINVAL, err, errlen,
               "%s: source-specific group (%s) needs a source, e.g. "
               "%s:%u@%s",
               gshow, v6 ? "ff3x::/32" : "232.0.0.0/8",
               example_group(&e.group, eg, sizeof(eg)), (unsigned)e.group.port,
               v6 ? "2001:db8::5" : "10.0.0.5");
  }

  *ep = e;
  return 0;
}

int mcw_endpoint_parse(const char *text, struct mcw_endpoint *ep, char *err,
                       size_t errlen) {
  return parse(text, ep, err, errlen, true);
}

int mcw_endpoint_parse_channel(const char *text, struct mcw_endpoint *ep,
                               char *err, size_t errlen) {
  return parse(text, ep, err, errlen, false);
}

/* Looks up ep's interface (or the default) and checks it can multicast. */
int mcw_endpoint_resolve(struct mcw_endpoint *ep,
                         const struct mcw_iface_list *list,
                         const char *default_iface, char *err, size_t errlen) {
  const char *spec = ep->iface[0] != '\0' ? ep->iface : default_iface;
  const struct mcw_iface *ifc;
  char shown[SHOW_SIZE];

  if (spec == NULL || spec[0] == '\0')
    return say(-ENODEV, err, errlen, "no interface given and no default");
  ifc = mcw_iface_find(list, spec);
  if (ifc == NULL)
    return say(-ENODEV, err, errlen,
               "%s: no such interface (see mcwatch --list-interfaces)",
               show(spec, strlen(spec), shown));
  if (!mcw_iface_can_multicast(ifc)) {
    show(ifc->name, strlen(ifc->name), shown);
    return say(-EINVAL, err, errlen,
               "%s: interface has no MULTICAST flag; fix: ip link set %s "
               "multicast on",
               shown, shown);
  }
  mcw_strlcpy(ep->iface, ifc->name, sizeof(ep->iface));
  ep->ifindex = ifc->index;
  /* Interface- and link-local IPv6 groups (ffx1::, ffx2::) need a scope. */
  if (ep->group.family == AF_INET6) {
    unsigned scope = ep->group.bytes[1] & 0x0f;
    ep->group.scope_id = scope == 1 || scope == 2 ? ifc->index : 0;
  }
  return 0;
}

/* Resolves ep into out[]: one endpoint, or one per interface for "%*". */
int mcw_endpoint_resolve_all(const struct mcw_endpoint *ep,
                             const struct mcw_iface_list *list,
                             const char *default_iface,
                             struct mcw_endpoint *out, size_t max, char *err,
                             size_t errlen) {
  size_t n = 0;

  if (max == 0)
    return say(-EINVAL, err, errlen, "no room for endpoints");
  if (strcmp(ep->iface, "*") != 0) {
    out[0] = *ep;
    int r = mcw_endpoint_resolve(&out[0], list, default_iface, err, errlen);
    return r < 0 ? r : 1;
  }
  for (size_t i = 0; i < list->count && n < max; i++) {
    const struct mcw_iface *ifc = &list->items[i];
    if (!(ifc->flags & IFF_UP) || !(ifc->flags & IFF_MULTICAST))
      continue;
    out[n] = *ep;
    mcw_strlcpy(out[n].iface, ifc->name, sizeof(out[n].iface));
    if (mcw_endpoint_resolve(&out[n], list, NULL, err, errlen) == 0)
      n++;
  }
  if (n == 0)
    return say(-ENODEV, err, errlen,
               "%%*: no interface is up with the MULTICAST flag "
               "(see mcwatch --list-interfaces)");
  return (int)n;
}

/* Formats ep canonically, leaving out the parts that are unset. */
const char *mcw_endpoint_format(const struct mcw_endpoint *ep, char *buf,
                                size_t len) {
  char g[MCW_ADDRSTRLEN] = "", s[MCW_ADDRSTRLEN] = "";
  bool src = ep->source.family != 0, ifc = ep->iface[0] != '\0';

  if (len == 0)
    return buf;
  if (ep->group.port != 0)
    mcw_addr_format_port(&ep->group, g, sizeof(g));
  else if (ep->group.family != 0)
    example_group(&ep->group, g, sizeof(g));
  if (src)
    mcw_addr_format(&ep->source, s, sizeof(s));
  snprintf(buf, len, "%s%s%s%s%s", g, src ? "@" : "", s, ifc ? "%" : "",
           ifc ? ep->iface : "");
  return buf;
}

/* Tells whether ep filters on a source. */
bool mcw_endpoint_has_source(const struct mcw_endpoint *ep) {
  return ep->source.family != 0;
}
