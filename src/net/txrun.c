/*
 * The paced send loop. Per wake-up it takes whole tokens from the bucket
 * (at most one batch), builds that many probes for each destination into
 * a reusable array of buffers and hands them to the kernel with one
 * sendmmsg per destination; then it sleeps on an absolute monotonic
 * deadline until the next token. Buffers are allocated once per run.
 * A destination whose send fails for good is left out from then on; the
 * loop ends when none is left.
 */
#include "mcwatch/txrun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mcwatch/common.h"
#include "mcwatch/pace.h"
#include "mcwatch/probe.h"

#define BATCH_MAX 64
#define BATCH_BYTES (1024 * 1024)
#define RETRY_NS 50000 /* pause when the kernel has no buffer (ENOBUFS) */
#define RETRIES                                                                \
  2000 /* about 0.1 s of retries before a datagram counts lost                 \
        */

static int64_t now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (int64_t)ts.tv_sec * MCW_NS_PER_SEC + ts.tv_nsec;
}

static void sleep_until(int64_t mono_ns) {
  struct timespec ts = {.tv_sec = (time_t)(mono_ns / MCW_NS_PER_SEC),
                        .tv_nsec = (long)(mono_ns % MCW_NS_PER_SEC)};
  /* EINTR (a signal) just returns early: the caller checks *stop. */
  (void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* Sends n prepared messages on tx; returns 0 or -errno (fatal for tx). */
static int send_batch(struct mcw_tx *tx, struct mmsghdr *m, unsigned n,
                      const struct mcw_txrun_config *cfg,
                      struct mcw_txrun_result *res) {
  unsigned done = 0, tries = 0;

  while (done < n) {
    int r = sendmmsg(tx->fd, m + done, n - done, 0);
    if (r > 0) {
      done += (unsigned)r;
      res->sent += (uint64_t)r;
      tx->sent += (uint64_t)r;
      tries = 0;
      continue;
    }
    if (r < 0 && errno == EINTR) {
      if (*cfg->stop)
        return 0;
      continue;
    }
    if (r < 0 && (errno == ENOBUFS || errno == EAGAIN) && tries++ < RETRIES) {
      sleep_until(now_ns(CLOCK_MONOTONIC) + RETRY_NS);
      continue;
    }
    if (r < 0 && errno != ENOBUFS && errno != EAGAIN)
      return -errno;
    res->errors++; /* gave up on this one */
    tx->refused++;
    done++;
    tries = 0;
  }
  return 0;
}

int mcw_txrun(const struct mcw_txrun_config *cfg,
              struct mcw_txrun_result *res) {
  size_t len = MCW_PROBE_HDR + cfg->text_len;
  unsigned batch;
  uint8_t *bufs;
  struct mmsghdr msgs[BATCH_MAX];
  struct iovec iov[BATCH_MAX];
  struct mcw_pace pace;
  uint64_t seq = 0;
  int64_t start, end = 0, first = 0, last = 0;
  size_t live = 0;

  memset(res, 0, sizeof(*res));
  for (size_t t = 0; t < cfg->ntx; t++) {
    cfg->tx[t].sent = cfg->tx[t].refused = 0;
    cfg->tx[t].err = 0;
    if (cfg->tx[t].fd >= 0)
      live++;
  }
  if (cfg->size > len)
    len = cfg->size;
  batch = (unsigned)(BATCH_BYTES / len);
  if (batch > BATCH_MAX)
    batch = BATCH_MAX;
  if (batch == 0)
    batch = 1;
  bufs = mcw_xmalloc((size_t)batch * len);
  start = now_ns(CLOCK_MONOTONIC);
  if (cfg->duration > 0)
    end = start + (int64_t)(cfg->duration * 1e9);
  mcw_pace_init(&pace, cfg->rate, start);

  while (!*cfg->stop && live > 0) {
    int64_t now = now_ns(CLOCK_MONOTONIC), next;
    uint64_t want = batch;
    unsigned n;

    if (end != 0 && now >= end)
      break;
    if (cfg->count != 0) {
      if (seq >= cfg->count)
        break;
      if (cfg->count - seq < want)
        want = cfg->count - seq;
    }
    n = mcw_pace_take(&pace, now, (uint32_t)want);
    if (n == 0) {
      next = mcw_pace_next_ns(&pace);
      sleep_until(end != 0 && end < next ? end : next);
      continue;
    }
    if (first == 0)
      first = now;
    for (size_t t = 0; t < cfg->ntx; t++) {
      struct mcw_tx *tx = &cfg->tx[t];
      if (tx->fd < 0 || tx->err != 0)
        continue;
      memset(msgs, 0, sizeof(msgs[0]) * n);
      for (unsigned i = 0; i < n; i++) {
        struct mcw_probe p = {.sender_id = cfg->sender_id, .seq = seq + i};
        uint8_t *b = bufs + (size_t)i * len;
        p.send_ns = (uint64_t)now_ns(CLOCK_REALTIME);
        mcw_probe_encode(&p, cfg->text, cfg->text_len, len, b, len);
        iov[i].iov_base = b;
        iov[i].iov_len = len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &tx->dst;
        msgs[i].msg_hdr.msg_namelen = tx->dstlen;
      }
      tx->err = send_batch(tx, msgs, n, cfg, res);
      if (tx->err < 0) {
        if (res->err == 0)
          res->err = tx->err;
        res->failed++;
        live--;
        if (cfg->failed != NULL)
          cfg->failed(cfg->arg, t, tx->err);
      }
    }
    seq += n;
    last = now_ns(CLOCK_MONOTONIC);
  }
  res->seconds = first ? (double)(last - first) / 1e9 : 0;
  free(bufs);
  return res->err;
}
