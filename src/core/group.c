/*
 * The group model: one struct per watched endpoint holding counters, two
 * rate meters (100 ms slots over 10 s for the 1 s and 10 s rates; 1 s slots
 * for the sparkline history), the ring of recent datagrams and the sender
 * table. All of it is allocated in mcw_group_new; mcw_group_account only
 * updates what is there, so memory is fixed however long mcwatch runs.
 */
#include "mcwatch/group.h"

#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

#define RATE_SLOT_NS (100 * MCW_NS_PER_MS)
#define RATE_SLOTS 101 /* 10 s of complete slots plus the current one */

void mcw_group_config_default(struct mcw_group_config *cfg) {
  cfg->history = MCW_HISTORY_DEFAULT;
  cfg->snap = MCW_SNAP_DEFAULT;
  cfg->max_senders = MCW_SENDERS_DEFAULT;
}

struct mcw_group *mcw_group_new(const struct mcw_endpoint *ep,
                                const struct mcw_group_config *cfg,
                                int64_t mono_ns) {
  struct mcw_group *g = mcw_xcalloc(1, sizeof(*g));

  g->ep = *ep;
  g->state = MCW_GROUP_JOINING;
  mcw_rate_init(&g->rate, RATE_SLOT_NS, RATE_SLOTS, mono_ns);
  mcw_rate_init(&g->history, MCW_NS_PER_SEC, MCW_SPARK_SECONDS + 1, mono_ns);
  mcw_ring_init(&g->ring, cfg->history, cfg->snap);
  mcw_senders_init(&g->senders, cfg->max_senders);
  mcw_stream_clock_set(&g->senders.budget, ep->clock_pt, ep->clock_hz);
  return g;
}

void mcw_group_free(struct mcw_group *g) {
  if (g == NULL)
    return;
  mcw_rate_free(&g->rate);
  mcw_rate_free(&g->history);
  mcw_ring_free(&g->ring);
  mcw_senders_free(&g->senders);
  free(g);
}

void mcw_group_account(struct mcw_group *g, const struct mcw_datagram *d,
                       int64_t mono_ns) {
  struct mcw_sender *s;

  g->packets++;
  g->bytes += d->len;
  if (d->truncated)
    g->truncated++;
  if (g->first_ns == 0)
    g->first_ns = d->ts_ns;
  g->last_ns = d->ts_ns;
  g->last_mono_ns = mono_ns;
  mcw_rate_add(&g->rate, mono_ns, d->len);
  mcw_rate_add(&g->history, mono_ns, d->len);
  mcw_ring_push(&g->ring, d, g->packets);

  s = mcw_senders_get(&g->senders, &d->src, mono_ns);
  if (s == NULL) {
    g->senders.overflow_packets++;
    g->senders.overflow_bytes += d->len;
    return;
  }
  s->packets++;
  s->bytes += d->len;
  if (s->first_ns == 0)
    s->first_ns = d->ts_ns;
  s->last_ns = d->ts_ns;
  mcw_rate_add(&s->rate, mono_ns, d->len);
  mcw_stream_account(&s->stream, d, &g->senders.budget);
  if (g->has_own_probe && s->stream.kind == MCW_KIND_PROBE && s->stream.has_id)
    s->own = s->stream.id == g->own_probe_id; /* another id: not ours now */
}

void mcw_group_set_own_probe(struct mcw_group *g, uint32_t sender_id) {
  g->own_probe_id = sender_id;
  g->has_own_probe = true;
}

void mcw_group_set_kernel_drops(struct mcw_group *g, uint64_t drops) {
  g->kernel_drops_raw = drops;
  g->kernel_drops =
      g->kernel_drops_prev +
      (drops >= g->kernel_drops_base ? drops - g->kernel_drops_base : drops);
}

void mcw_group_new_socket(struct mcw_group *g) {
  g->kernel_drops_prev = g->kernel_drops;
  g->kernel_drops_raw = g->kernel_drops_base = 0;
}

void mcw_group_clear(struct mcw_group *g, int64_t mono_ns) {
  g->packets = g->bytes = g->truncated = 0;
  g->kernel_drops_base = g->kernel_drops_raw;
  g->kernel_drops_prev = 0;
  g->kernel_drops = 0;
  g->first_ns = g->last_ns = g->last_mono_ns = 0;
  mcw_rate_reset(&g->rate, mono_ns);
  mcw_rate_reset(&g->history, mono_ns);
  mcw_ring_clear(&g->ring);
  mcw_senders_clear(&g->senders);
  /* The cumulative figures restart: so does the alarms' window. */
  g->alarms.count = 0;
  g->alarms.head = 0;
}

unsigned mcw_group_alarms(struct mcw_group *g,
                          const struct mcw_alarm_config *cfg, int64_t mono_ns,
                          int64_t wall_ns, mcw_alarm_fn fn, void *ctx) {
  struct mcw_alarm_input in;
  struct mcw_health h;

  mcw_group_health(g, &h);
  memset(&in, 0, sizeof(in));
  in.active = g->state == MCW_GROUP_JOINED || g->state == MCW_GROUP_JOINING ||
              g->state == MCW_GROUP_ERROR || g->state == MCW_GROUP_WAITING;
  in.failed = g->state == MCW_GROUP_ERROR || g->state == MCW_GROUP_WAITING;
  in.reason = g->message[0]                   ? g->message
              : g->state == MCW_GROUP_WAITING ? "waiting for its interface"
                                              : "failed";
  in.packets = g->packets;
  in.idle_ns = g->packets ? mono_ns - g->last_mono_ns : -1;
  in.received = h.received;
  in.lost = h.lost;
  in.drops = g->kernel_drops;
  return mcw_alarms_update(&g->alarms, &in, cfg, mono_ns, wall_ns, fn, ctx);
}

void mcw_group_stats(struct mcw_group *g, int64_t mono_ns,
                     struct mcw_group_stats *out) {
  out->packets = g->packets;
  out->bytes = g->bytes;
  out->truncated = g->truncated;
  out->kernel_drops = g->kernel_drops;
  out->overflow_packets = g->senders.overflow_packets;
  out->senders = g->senders.count;
  out->pps_1s = mcw_rate_pps(&g->rate, mono_ns, MCW_NS_PER_SEC);
  out->bps_1s = mcw_rate_bps(&g->rate, mono_ns, MCW_NS_PER_SEC);
  out->pps_10s = mcw_rate_pps(&g->rate, mono_ns, 10 * MCW_NS_PER_SEC);
  out->bps_10s = mcw_rate_bps(&g->rate, mono_ns, 10 * MCW_NS_PER_SEC);
  out->idle_ns = g->packets ? mono_ns - g->last_mono_ns : -1;
  mcw_group_health(g, &out->health);
}

void mcw_group_health(const struct mcw_group *g, struct mcw_health *h) {
  memset(h, 0, sizeof(*h));
  for (uint32_t i = 0; i < g->senders.count; i++) {
    struct mcw_stream_figures f;
    mcw_stream_figures(&g->senders.items[i].stream, &f);
    h->malformed += f.malformed;
    h->cc_errors += f.cc_errors;
    if (f.is_ts)
      h->ts_senders++;
    if (!f.tracked)
      continue;
    h->tracked++;
    h->received += f.received;
    h->expected += f.expected;
    h->lost += f.lost;
    h->dup += f.dup;
    h->reordered += f.reordered;
    h->restarts += f.restarts;
  }
}

const char *mcw_group_state_name(enum mcw_group_state s) {
  switch (s) {
  case MCW_GROUP_JOINING:
    return "joining";
  case MCW_GROUP_JOINED:
    return "joined";
  case MCW_GROUP_LEFT:
    return "left";
  case MCW_GROUP_ERROR:
    return "error";
  case MCW_GROUP_WAITING:
    return "waiting";
  }
  return "unknown";
}
