/*
 * Alarms (see alarm.h). The window for loss and drops is a ring of
 * samples of the cumulative figures; the figure over the window is the
 * newest sample minus the oldest one no older than the window (or the
 * oldest kept, while the ring is younger than the window). Cumulative
 * figures that go down (a sequence tracker taking a late datagram back
 * out of "lost", a clear) count as zero, never as a negative.
 */
#include "mcwatch/alarm.h"

#include <stdio.h>
#include <string.h>

#include "mcwatch/common.h"

static const char *const names[MCW_ALARM_KINDS] = {"error", "silence", "loss",
                                                   "drops"};

const char *mcw_alarm_name(enum mcw_alarm_kind k) {
  return (unsigned)k < MCW_ALARM_KINDS ? names[k] : "?";
}

void mcw_alarm_config_default(struct mcw_alarm_config *cfg) {
  cfg->silence_s = MCW_SILENCE_DEFAULT;
  cfg->max_loss_pct = 0.0;
}

static uint64_t delta(uint64_t now, uint64_t then) {
  return now > then ? now - then : 0;
}

/* Adds a sample unless the newest is too recent; always refreshes it. */
static void sample(struct mcw_alarms *a, const struct mcw_alarm_input *in,
                   int64_t mono_ns) {
  struct mcw_alarm_sample s = {mono_ns, in->received, in->lost, in->drops};
  unsigned newest = (a->head + a->count - 1) % MCW_ALARM_SAMPLES;

  if (a->count > 1) {
    unsigned prev = (newest + MCW_ALARM_SAMPLES - 1) % MCW_ALARM_SAMPLES;
    if (mono_ns - a->ring[prev].mono_ns < MCW_ALARM_SAMPLE_NS) {
      a->ring[newest] = s; /* too soon for a new slot: move the newest */
      return;
    }
  }
  if (a->count == MCW_ALARM_SAMPLES) {
    a->head = (a->head + 1) % MCW_ALARM_SAMPLES;
    a->count--;
  }
  a->ring[(a->head + a->count) % MCW_ALARM_SAMPLES] = s;
  a->count++;
}

/* The oldest sample within the window of mono_ns. */
static const struct mcw_alarm_sample *window_start(const struct mcw_alarms *a,
                                                   int64_t mono_ns) {
  for (unsigned i = 0; i < a->count; i++) {
    const struct mcw_alarm_sample *s =
        &a->ring[(a->head + i) % MCW_ALARM_SAMPLES];
    if (mono_ns - s->mono_ns <= MCW_ALARM_WINDOW_NS)
      return s;
  }
  return &a->ring[(a->head + a->count - 1) % MCW_ALARM_SAMPLES];
}

static void format_why(const struct mcw_alarms *a, enum mcw_alarm_kind k,
                       int64_t mono_ns, char *buf, size_t len) {
  switch (k) {
  case MCW_ALARM_ERROR:
    snprintf(buf, len, "error: %s", a->reason);
    break;
  case MCW_ALARM_SILENCE:
    snprintf(buf, len, "silent %.0fs", (double)a->idle_ns / 1e9);
    break;
  case MCW_ALARM_LOSS:
    if (a->loss_pct >= 10.0 || a->loss_pct == 0.0)
      snprintf(buf, len, "loss %.0f%%", a->loss_pct);
    else if (a->loss_pct >= 0.1)
      snprintf(buf, len, "loss %.1f%%", a->loss_pct);
    else
      snprintf(buf, len, "loss %.2f%%", a->loss_pct);
    break;
  default:
    snprintf(buf, len, "drops %llu", (unsigned long long)a->window_drops);
    break;
  }
  (void)mono_ns;
}

static void transition(struct mcw_alarms *a, enum mcw_alarm_kind k, bool up,
                       uint64_t lost, int64_t mono_ns, int64_t wall_ns,
                       mcw_alarm_fn fn, void *ctx) {
  struct mcw_alarm_event ev;
  char why[160];

  memset(&ev, 0, sizeof(ev));
  ev.kind = k;
  ev.raised = up;
  if (up) {
    a->raised |= 1u << k;
    a->since_wall[k] = wall_ns;
    a->since_mono[k] = mono_ns;
    ev.start_wall_ns = wall_ns;
  } else {
    a->raised &= ~(1u << k);
    ev.start_wall_ns = a->since_wall[k];
    ev.end_wall_ns = wall_ns;
    ev.duration_s = (double)(mono_ns - a->since_mono[k]) / 1e9;
    ev.lost = delta(lost, a->lost_base[k]);
  }
  format_why(a, k, mono_ns, why, sizeof(why));
  ev.why = why;
  if (fn != NULL)
    fn(ctx, &ev);
}

unsigned mcw_alarms_update(struct mcw_alarms *a,
                           const struct mcw_alarm_input *in,
                           const struct mcw_alarm_config *cfg, int64_t mono_ns,
                           int64_t wall_ns, mcw_alarm_fn fn, void *ctx) {
  const struct mcw_alarm_sample *old;
  bool want[MCW_ALARM_KINDS];
  uint64_t rx, lost;

  sample(a, in, mono_ns);
  old = window_start(a, mono_ns);
  lost = delta(in->lost, old->lost);
  rx = delta(in->received, old->received);
  a->window_lost = lost;
  a->window_drops = delta(in->drops, old->drops);
  a->loss_pct = lost + rx > 0 ? 100.0 * (double)lost / (double)(lost + rx) : 0;
  a->idle_ns = in->idle_ns;
  if (in->failed)
    mcw_strlcpy(a->reason, in->reason ? in->reason : "failed",
                sizeof(a->reason));

  want[MCW_ALARM_ERROR] = in->active && in->failed;
  want[MCW_ALARM_SILENCE] = in->active && !in->failed && in->packets > 0 &&
                            in->idle_ns >= 0 &&
                            (double)in->idle_ns > cfg->silence_s * 1e9;
  want[MCW_ALARM_LOSS] =
      in->active && lost > 0 && a->loss_pct > cfg->max_loss_pct;
  want[MCW_ALARM_DROPS] = in->active && a->window_drops > 0;

  for (int k = 0; k < MCW_ALARM_KINDS; k++) {
    bool is = (a->raised >> k) & 1u;
    if (want[k] == is)
      continue;
    if (want[k])
      /* Loss counts from the window's start: the loss that raised it. */
      a->lost_base[k] = k == MCW_ALARM_LOSS ? old->lost : in->lost;
    transition(a, (enum mcw_alarm_kind)k, want[k], in->lost, mono_ns, wall_ns,
               fn, ctx);
  }
  return a->raised;
}

void mcw_alarms_reset(struct mcw_alarms *a, uint64_t lost, int64_t mono_ns,
                      int64_t wall_ns, mcw_alarm_fn fn, void *ctx) {
  for (int k = 0; k < MCW_ALARM_KINDS; k++)
    if ((a->raised >> k) & 1u)
      transition(a, (enum mcw_alarm_kind)k, false, lost, mono_ns, wall_ns, fn,
                 ctx);
  a->count = 0;
  a->head = 0;
}

const char *mcw_alarms_describe(const struct mcw_alarms *a, int64_t mono_ns,
                                char *buf, size_t len) {
  size_t o = 0;

  if (len == 0)
    return buf;
  buf[0] = '\0';
  for (int k = 0; k < MCW_ALARM_KINDS; k++) {
    char one[160];
    if (!((a->raised >> k) & 1u))
      continue;
    format_why(a, (enum mcw_alarm_kind)k, mono_ns, one, sizeof(one));
    o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? ", " : "",
                          one);
    if (o >= len)
      break;
  }
  return buf;
}

void mcw_outage_record(struct mcw_outage_log *log, const void *owner,
                       const char *endpoint, const char *label,
                       const struct mcw_alarm_event *ev) {
  struct mcw_outage *o = NULL;

  if (!ev->raised) { /* find the open entry and close it */
    for (unsigned i = log->count; i-- > 0;) {
      struct mcw_outage *x = &log->v[(log->head + i) % MCW_OUTAGES_MAX];
      if (x->owner == owner && x->kind == ev->kind && x->end_wall_ns == 0) {
        x->end_wall_ns = ev->end_wall_ns;
        x->duration_s = ev->duration_s;
        x->lost = ev->lost;
        return;
      }
    }
    return; /* its start has rolled out of the log */
  }
  if (log->count == MCW_OUTAGES_MAX) {
    log->head = (log->head + 1) % MCW_OUTAGES_MAX;
    log->count--;
  }
  o = &log->v[(log->head + log->count) % MCW_OUTAGES_MAX];
  log->count++;
  log->total++;
  memset(o, 0, sizeof(*o));
  mcw_strlcpy(o->endpoint, endpoint, sizeof(o->endpoint));
  mcw_strlcpy(o->label, label ? label : "", sizeof(o->label));
  mcw_strlcpy(o->why, ev->why ? ev->why : "", sizeof(o->why));
  o->kind = ev->kind;
  o->start_wall_ns = ev->start_wall_ns;
  o->owner = owner;
}

const struct mcw_outage *mcw_outage_at(const struct mcw_outage_log *log,
                                       size_t i) {
  if (i >= log->count)
    return NULL;
  return &log->v[(log->head + i) % MCW_OUTAGES_MAX];
}
