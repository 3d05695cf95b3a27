/*
 * The metrics listener: libmicrohttpd without threads, driven by the libuv
 * loop. Each listening address gets one MHD daemon in epoll mode; its epoll
 * descriptor is watched by a uv_poll_t and its timeouts by a uv_timer_t,
 * so requests are served between datagram batches and never block them.
 * Connections, per-address connections, request memory and idle time are
 * bounded (struct mcw_httpd_limits) so that a slow or hostile client cannot
 * hold the loop or the other scrapes.
 *
 * Served: GET and HEAD of /metrics (the exposition from a callback) and of
 * / (a short page linking to it). Other paths get 404, other methods on
 * those paths 405 with Allow.
 */
#ifndef MCWATCH_HTTPD_H
#define MCWATCH_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

#define MCW_HTTPD_ADDRS_MAX 2

/* Where to listen: one address, or 127.0.0.1 and ::1 for ":PORT". */
struct mcw_httpd_listen {
  struct sockaddr_storage addrs[MCW_HTTPD_ADDRS_MAX];
  unsigned naddrs;
  bool loopback_pair; /* ":PORT": ::1 may be missing (IPv6 off) */
};

struct mcw_httpd_limits {
  unsigned connections;     /* at once, over all clients */
  unsigned per_address;     /* at once, from one client address */
  unsigned idle_timeout_s;  /* a connection silent this long is closed */
  size_t connection_memory; /* request line and headers must fit */
};

/*
 * Fills body (malloc'd; the server frees it) and len with the exposition;
 * senders is true when the query asked for ?senders=1. Returns 0 or -errno.
 */
typedef int (*mcw_httpd_metrics_fn)(void *ctx, bool senders, char **body,
                                    size_t *len);

struct mcw_httpd;

/* The defaults: 32 connections, 4 per address, 10 s idle, 16 KiB each. */
void mcw_httpd_limits_default(struct mcw_httpd_limits *l);

/*
 * Parses "[ADDR]:PORT", "ADDR:PORT" or ":PORT" into out. Returns 0, or
 * -EINVAL with one line in err.
 */
int mcw_httpd_parse_listen(const char *text, struct mcw_httpd_listen *out,
                           char *err, size_t errlen);

/*
 * Listens where l says and serves on loop. Returns the server, or NULL
 * with the reason in err (address in use, not available...).
 */
struct mcw_httpd *mcw_httpd_start(uv_loop_t *loop,
                                  const struct mcw_httpd_listen *l,
                                  const struct mcw_httpd_limits *lim,
                                  mcw_httpd_metrics_fn fn, void *ctx, char *err,
                                  size_t errlen);

/* Closes every connection and handle; freed once the loop has run. */
void mcw_httpd_close(struct mcw_httpd *h);

/* The libmicrohttpd version in use, e.g. "0.9.75". */
const char *mcw_httpd_version(void);

#endif
