/*
 * Headless output (see output.h). How stdout is written depends on what
 * it is:
 *   - a pipe or a terminal: through a description of our own, reopened
 *     from /proc/self/fd/1 with O_NONBLOCK, so the flag does not leak to
 *     the other processes that share stdout (the shell, a `( ...; echo )`
 *     group); where that fails, O_NONBLOCK is set on stdout and restored
 *     at exit;
 *   - a socket: send(MSG_DONTWAIT) (uv_poll sets O_NONBLOCK on it too;
 *     restored at exit);
 *   - a file or a device: plain writes, which do not wait on a reader.
 * What the reader does not take at once waits in the backlog and goes out
 * when uv_poll says stdout is writable.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mcw_output_init(struct mcw_output *o, uv_loop_t *loop) {
  struct stat sb;

  memset(o, 0, sizeof(*o));
  o->fd = 1;
  o->stdout_fl = -1;
  mcw_outq_init(&o->q, MCW_OUTPUT_BACKLOG);
  if (fstat(1, &sb) != 0)
    return; /* writes will say why */
  if (S_ISFIFO(sb.st_mode) || isatty(1)) {
    int fd =
        open("/proc/self/fd/1", O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      o->fd = fd;
      o->own_fd = true;
    }
  } else if (S_ISSOCK(sb.st_mode)) {
    o->sock = true;
  } else {
    return;
  }
  if (!o->own_fd)
    o->stdout_fl = fcntl(1, F_GETFL);
  if (uv_poll_init(loop, &o->poll, o->fd) == 0) {
    o->poll.data = o;
    o->poll_open = true;
    o->pollable = true;
  }
}

static ssize_t put(struct mcw_output *o, const char *p, size_t n) {
  ssize_t w;

  do
    w = o->sock ? send(o->fd, p, n, MSG_DONTWAIT) : write(o->fd, p, n);
  while (w < 0 && errno == EINTR);
  if (w == 0 && n > 0) {
    errno = EIO; /* nothing taken and no reason: do not spin */
    w = -1;
  }
  return w;
}

static bool would_block(void) {
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

static void fail(struct mcw_output *o, int err) {
  if (o->error != 0)
    return;
  o->error = err;
  mcw_outq_drop_all(&o->q);
  if (o->polling) {
    uv_poll_stop(&o->poll);
    o->polling = false;
  }
  if (o->on_error != NULL)
    o->on_error(o->ctx, err);
}

static void on_writable(uv_poll_t *h, int status, int events);

/* Writes what stdout takes of the backlog and watches it for the rest. */
static void pump(struct mcw_output *o) {
  size_t n;
  const char *p;

  while (o->error == 0 && (p = mcw_outq_peek(&o->q, &n), n > 0)) {
    ssize_t w = put(o, p, n);
    if (w < 0) {
      if (!would_block())
        fail(o, -errno);
      break;
    }
    mcw_outq_consume(&o->q, (size_t)w);
  }
  if (!o->poll_open || o->error != 0)
    return;
  if (o->q.len > 0 && !o->polling) {
    uv_poll_start(&o->poll, UV_WRITABLE, on_writable);
    o->polling = true;
  } else if (o->q.len == 0 && o->polling) {
    uv_poll_stop(&o->poll);
    o->polling = false;
  }
}

static void on_writable(uv_poll_t *h, int status, int events) {
  struct mcw_output *o = h->data;

  (void)events;
  if (status < 0)
    fail(o, status);
  else
    pump(o);
}

void mcw_output_write(struct mcw_output *o, const char *text, size_t len,
                      bool bulk) {
  size_t done = 0;

  if (o->error != 0 || len == 0)
    return;
  if (o->q.len == 0) {
    /* Nothing waiting: straight to stdout, as much as it takes. */
    while (done < len) {
      ssize_t w = put(o, text + done, len - done);
      if (w < 0) {
        if (!would_block())
          fail(o, -errno);
        break;
      }
      done += (size_t)w;
    }
    if (o->error != 0 || done == len)
      return;
    if (done > 0 && text[done - 1] != '\n') {
      /* The rest of a line cut short must follow, whatever the limit. */
      const char *nl = memchr(text + done, '\n', len - done);
      size_t cut = nl ? (size_t)(nl - (text + done)) + 1 : len - done;
      mcw_outq_push_all(&o->q, text + done, cut);
      done += cut;
    }
  }
  mcw_outq_push(&o->q, text + done, len - done, bulk);
  pump(o);
}

uint64_t mcw_output_dropped(const struct mcw_output *o) { return o->q.dropped; }

void mcw_output_stop(struct mcw_output *o) {
  if (!o->poll_open)
    return;
  o->poll_open = false;
  o->polling = false;
  uv_close((uv_handle_t *)&o->poll, NULL);
}

uint64_t mcw_output_finish(struct mcw_output *o, int timeout_ms) {
  int64_t deadline = mono_ms() + timeout_ms;
  uint64_t dropped = 0;

  while (o->error == 0 && o->q.len > 0) {
    struct pollfd pfd = {o->fd, POLLOUT, 0};
    int64_t left;
    pump(o);
    left = deadline - mono_ms();
    if (o->q.len == 0 || o->error != 0 || left <= 0)
      break;
    if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
      break;
  }
  if (o->error == 0 && o->q.len > 0)
    dropped = mcw_outq_drop_all(&o->q);
  if (o->own_fd)
    close(o->fd);
  if (o->stdout_fl >= 0)
    (void)fcntl(1, F_SETFL, o->stdout_fl);
  o->own_fd = false;
  o->stdout_fl = -1;
  mcw_outq_free(&o->q);
  return dropped;
}
