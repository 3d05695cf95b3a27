/*
 * libmicrohttpd on the libuv loop. We open and bind the listening sockets
 * ourselves (so ":PORT" can mean 127.0.0.1 and ::1, and errors are ours to
 * word) and hand each to its own MHD daemon in external epoll mode. The
 * daemon's epoll descriptor is level-triggered readable whenever it has
 * work, so a uv_poll_t on it calls MHD_run; after every run the uv_timer_t
 * is set to MHD_get_timeout (idle connections to close, buffered input to
 * process). Handles are stopped before MHD_stop_daemon closes the
 * descriptors, and the listener is freed once both handles have closed.
 */
#include "mcwatch/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcwatch/addr.h"
#include "mcwatch/common.h"

struct listener {
  struct mcw_httpd *h;
  struct MHD_Daemon *d;
  uv_poll_t poll;
  uv_timer_t timer;
  int open_handles;
};

struct mcw_httpd {
  struct listener *ls[MCW_HTTPD_ADDRS_MAX];
  unsigned n;
  mcw_httpd_metrics_fn fn;
  void *ctx;
};

static const char index_page[] =
    "<!DOCTYPE html>\n<html><head><title>mcwatch</title></head>\n"
    "<body><h1>mcwatch</h1>\n"
    "<p><a href=\"/metrics\">Metrics</a> (Prometheus text format; "
    "<a href=\"/metrics?senders=1\">with senders</a>)</p>\n"
    "</body></html>\n";

void mcw_httpd_limits_default(struct mcw_httpd_limits *l) {
  l->connections = 32;
  l->per_address = 4;
  l->idle_timeout_s = 10;
  l->connection_memory = 16 * 1024;
}

const char *mcw_httpd_version(void) { return MHD_get_version(); }

static int set_addr(struct sockaddr_storage *ss, const char *host,
                    unsigned port) {
  struct mcw_addr a;

  if (mcw_addr_parse(host, &a) < 0)
    return -EINVAL;
  a.port = (uint16_t)port;
  mcw_addr_to_sockaddr(&a, ss);
  return 0;
}

int mcw_httpd_parse_listen(const char *text, struct mcw_httpd_listen *out,
                           char *err, size_t errlen) {
  char host[MCW_ADDRSTRLEN];
  const char *colon, *port_text;
  size_t hlen;
  unsigned long port;
  char *end;

  memset(out, 0, sizeof(*out));
  colon = strrchr(text, ':');
  if (colon == NULL) {
    snprintf(err, errlen, "%s: not [ADDR]:PORT (a port is needed)", text);
    return -EINVAL;
  }
  port_text = colon + 1;
  if (port_text[0] == '\0' ||
      strspn(port_text, "0123456789") != strlen(port_text) ||
      (errno = 0, port = strtoul(port_text, &end, 10), errno != 0) ||
      port < 1 || port > 65535) {
    snprintf(err, errlen, "%s: port must be 1 to 65535", text);
    return -EINVAL;
  }
  hlen = (size_t)(colon - text);
  if (hlen == 0) {
    out->loopback_pair = true;
    out->naddrs = 2;
    set_addr(&out->addrs[0], "127.0.0.1", (unsigned)port);
    set_addr(&out->addrs[1], "::1", (unsigned)port);
    return 0;
  }
  if (text[0] == '[') {
    if (hlen < 2 || text[hlen - 1] != ']') {
      snprintf(err, errlen, "%s: an IPv6 address goes in brackets, [::1]:PORT",
               text);
      return -EINVAL;
    }
    text++;
    hlen -= 2;
  } else if (memchr(text, ':', hlen) != NULL) {
    snprintf(err, errlen, "%s: IPv6 goes in brackets, [%.*s]:%s", text,
             (int)hlen, text, port_text);
    return -EINVAL;
  }
  if (hlen >= sizeof(host)) {
    snprintf(err, errlen, "%.*s: address too long", (int)hlen, text);
    return -EINVAL;
  }
  memcpy(host, text, hlen);
  host[hlen] = '\0';
  if (set_addr(&out->addrs[0], host, (unsigned)port) < 0) {
    snprintf(err, errlen, "%s: not an IPv4 or IPv6 address%s", host,
             strchr(host, ':') != NULL && text[-1] != '[' ? " (IPv6 goes in "
                                                            "brackets)"
                                                          : "");
    return -EINVAL;
  }
  out->naddrs = 1;
  return 0;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
                               const char *type, void *body, size_t len,
                               enum MHD_ResponseMemoryMode mode,
                               const char *allow) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
  enum MHD_Result ret;

  if (r == NULL) {
    if (mode == MHD_RESPMEM_MUST_FREE)
      free(body);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (allow != NULL)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
  ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *c, unsigned status,
                                  const char *text, const char *allow) {
  return respond(c, status, "text/plain; charset=utf-8", (void *)text,
                 strlen(text), MHD_RESPMEM_PERSISTENT, allow);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  struct mcw_httpd *h = cls;
  bool is_metrics = strcmp(url, "/metrics") == 0;
  bool is_index = strcmp(url, "/") == 0;
  bool readonly = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                  strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  const char *q;
  char *body = NULL;
  size_t len = 0;

  /* Answered on the first call, before any request body is read: MHD then
     closes the connection rather than read a body nobody wants. */
  if (!is_metrics && !is_index)
    return text_reply(c, MHD_HTTP_NOT_FOUND, "Not found: try /metrics\n", NULL);
  if (!readonly)
    return text_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                      "Only GET and HEAD are served\n", "GET, HEAD");
  if (*upload_size != 0) /* a GET with a body: nothing to do with it */
    return text_reply(c, MHD_HTTP_BAD_REQUEST, "A GET has no body\n", NULL);
  if (is_index)
    return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8",
                   (void *)index_page, sizeof(index_page) - 1,
                   MHD_RESPMEM_PERSISTENT, NULL);
  q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "senders");
  if (h->fn(h->ctx, q != NULL && strcmp(q, "1") == 0, &body, &len) < 0)
    return text_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                      "Could not render the metrics\n", NULL);
  return respond(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                 body, len, MHD_RESPMEM_MUST_FREE, NULL);
}

static void on_timer(uv_timer_t *t);

/* Runs the daemon and sets the timer for its next deadline. */
static void run(struct listener *l) {
  MHD_UNSIGNED_LONG_LONG ms;

  MHD_run(l->d);
  if (MHD_get_timeout(l->d, &ms) == MHD_YES)
    uv_timer_start(&l->timer, on_timer, ms, 0);
  else
    uv_timer_stop(&l->timer);
}

static void on_poll(uv_poll_t *p, int status, int events) { run(p->data); }
static void on_timer(uv_timer_t *t) { run(t->data); }

static int open_socket(const struct sockaddr_storage *ss, int backlog) {
  socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                            : sizeof(struct sockaddr_in);
  int one = 1, fd, r;

  fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (ss->ss_family == AF_INET6)
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, (const struct sockaddr *)ss, len) < 0 ||
      listen(fd, backlog) < 0) {
    r = -errno;
    close(fd);
    return r;
  }
  return fd;
}

static struct listener *listener_new(struct mcw_httpd *h, uv_loop_t *loop,
                                     int fd,
                                     const struct mcw_httpd_limits *lim) {
  struct listener *l = mcw_xcalloc(1, sizeof(*l));
  const union MHD_DaemonInfo *info;

  l->h = h;
  l->d = MHD_start_daemon(
      MHD_USE_EPOLL, 0, NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)lim->per_address,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)lim->idle_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim->connection_memory,
      MHD_OPTION_END);
  if (l->d == NULL) {
    free(l);
    return NULL;
  }
  info = MHD_get_daemon_info(l->d, MHD_DAEMON_INFO_EPOLL_FD);
  uv_poll_init(loop, &l->poll, info->epoll_fd);
  uv_timer_init(loop, &l->timer);
  l->poll.data = l->timer.data = l;
  l->open_handles = 2;
  uv_poll_start(&l->poll, UV_READABLE, on_poll);
  run(l);
  return l;
}

static void on_closed(uv_handle_t *hd) {
  struct listener *l = hd->data;

  if (--l->open_handles == 0)
    free(l);
}

static void listener_close(struct listener *l) {
  uv_close((uv_handle_t *)&l->poll, on_closed);
  uv_close((uv_handle_t *)&l->timer, on_closed);
  /* The handles are stopped: the daemon may close its descriptors now. */
  MHD_stop_daemon(l->d);
  l->d = NULL;
}

struct mcw_httpd *mcw_httpd_start(uv_loop_t *loop,
                                  const struct mcw_httpd_listen *l,
                                  const struct mcw_httpd_limits *lim,
                                  mcw_httpd_metrics_fn fn, void *ctx, char *err,
                                  size_t errlen) {
  struct mcw_httpd *h = mcw_xcalloc(1, sizeof(*h));

  h->fn = fn;
  h->ctx = ctx;
  for (unsigned i = 0; i < l->naddrs; i++) {
    struct mcw_addr a;
    char where[MCW_ADDRSTRLEN + 8];
    int fd;

    mcw_addr_from_sockaddr(&a, (const struct sockaddr *)&l->addrs[i]);
    mcw_addr_format_port(&a, where, sizeof(where));
    fd = open_socket(&l->addrs[i], (int)lim->connections);
    /* ":PORT" on a host without IPv6 still serves on 127.0.0.1. */
    if (fd < 0 && l->loopback_pair && i > 0 &&
        (fd == -EADDRNOTAVAIL || fd == -EAFNOSUPPORT))
      continue;
    if (fd < 0) {
      snprintf(err, errlen, "metrics on %s: %s", where, strerror(-fd));
      mcw_httpd_close(h);
      return NULL;
    }
    h->ls[h->n] = listener_new(h, loop, fd, lim);
    if (h->ls[h->n] == NULL) {
      snprintf(err, errlen, "metrics on %s: the HTTP server did not start",
               where);
      mcw_httpd_close(h);
      return NULL;
    }
    h->n++;
  }
  return h;
}

void mcw_httpd_close(struct mcw_httpd *h) {
  if (h == NULL)
    return;
  for (unsigned i = 0; i < h->n; i++)
    listener_close(h->ls[i]);
  free(h);
}
