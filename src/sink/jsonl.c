/*
 * Rendering of headless events as JSON lines. Payload bytes are untrusted:
 * they appear only through mcw_json_payload (as "text": mcw_escape's
 * rendering, escaped again for JSON) and mcw_json_hex (as "hex"), so no raw
 * byte can reach a terminal that displays the output.
 */
#include "mcwatch/jsonl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcwatch/analyzer.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/probe.h"

/* Writes the last n decimal digits of v, zero-padded, at p. */
static void digits(char *p, uint64_t v, int n) {
  while (n-- > 0) {
    p[n] = (char)('0' + v % 10);
    v /= 10;
  }
}

/*
 * The time fields are written for every datagram, so the calendar part is
 * formatted once per second and the rest with integer arithmetic.
 */
void mcw_jsonl_time(struct mcw_json *j, int64_t ns) {
  static int64_t cached_sec = INT64_MIN;
  static char cal[48], secs[32]; /* "2026-11-24T16:32:00." and "1795...." */
  static size_t cal_len, secs_len;
  int64_t sec = ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
  uint64_t usec = (uint64_t)(ns - sec * 1000000000) / 1000;
  char buf[64], num[40];

  if (sec != cached_sec) {
    time_t t = (time_t)sec;
    struct tm tm;
    int n;

    gmtime_r(&t, &tm);
    n = snprintf(cal, sizeof(cal), "%04d-%02d-%02dT%02d:%02d:%02d.",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
    cal_len = n > 0 && (size_t)n < sizeof(cal) ? (size_t)n : 0;
    n = snprintf(secs, sizeof(secs), "%lld.", (long long)sec);
    secs_len = n > 0 && (size_t)n < sizeof(secs) ? (size_t)n : 0;
    cached_sec = sec;
  }
  memcpy(buf, cal, cal_len);
  digits(buf + cal_len, usec, 6);
  buf[cal_len + 6] = 'Z';
  mcw_json_key(j, "time");
  mcw_json_strn(j, buf, cal_len + 7);
  /* "ts": seconds with six decimals, the same instant as "time". */
  memcpy(num, secs, secs_len);
  digits(num + secs_len, usec, 6);
  mcw_json_key(j, "ts");
  mcw_json_number(j, num, secs_len + 6);
}

/* Renders the fields that name g (no leading comma) into j. */
static void render_group_fields(struct mcw_json *j, const struct mcw_group *g) {
  char buf[160];

  mcw_json_key(j, "endpoint");
  mcw_json_str(j, mcw_endpoint_format(&g->ep, buf, sizeof(buf)));
  mcw_json_key(j, "group");
  mcw_json_str(j, mcw_addr_format(&g->ep.group, buf, sizeof(buf)));
  mcw_json_key(j, "port");
  mcw_json_u64(j, g->ep.group.port);
  mcw_json_key(j, "source");
  if (mcw_endpoint_has_source(&g->ep))
    mcw_json_str(j, mcw_addr_format(&g->ep.source, buf, sizeof(buf)));
  else
    mcw_json_null(j);
  mcw_json_key(j, "iface");
  mcw_json_str(j, g->ep.iface);
  if (g->ep.label[0] != '\0') {
    mcw_json_key(j, "label");
    mcw_json_str(j, g->ep.label);
  }
}

/*
 * The group fields are the same on every line of a group, so they are
 * rendered once and kept in a small direct-mapped cache, keyed by the
 * group and checked against its endpoint (which a rejoin may change).
 */
#define FIELD_SLOTS 256

struct field_slot {
  const struct mcw_group *g;
  struct mcw_endpoint ep;
  char text[400];
  size_t len;
};

/* Field by field: padding bytes of an endpoint need not be initialised. */
static bool same_endpoint(const struct mcw_endpoint *a,
                          const struct mcw_endpoint *b) {
  return mcw_addr_equal(&a->group, &b->group) &&
         a->source.family == b->source.family &&
         mcw_addr_equal(&a->source, &b->source) &&
         strcmp(a->iface, b->iface) == 0 && strcmp(a->label, b->label) == 0;
}

void mcw_jsonl_group_fields(struct mcw_json *j, const struct mcw_group *g) {
  static struct field_slot slots[FIELD_SLOTS];
  struct field_slot *sl = &slots[((uintptr_t)g >> 4) % FIELD_SLOTS];

  if (sl->g != g || !same_endpoint(&sl->ep, &g->ep)) {
    struct mcw_json t = {0};
    render_group_fields(&t, g);
    if (t.len >= sizeof(sl->text)) { /* cannot happen with sane names */
      sl->g = NULL;
      mcw_json_free(&t);
      render_group_fields(j, g);
      return;
    }
    memcpy(sl->text, t.buf, t.len);
    sl->len = t.len;
    sl->g = g;
    sl->ep = g->ep;
    mcw_json_free(&t);
  }
  if (j->need_comma)
    mcw_json_raw(j, ",", 1);
  mcw_json_raw(j, sl->text, sl->len);
  j->need_comma = true;
}

/* For an mcwatch probe, its decoded header and text as "probe". */
static void probe_fields(struct mcw_json *j, const struct mcw_datagram *d) {
  struct mcw_probe p;

  if (mcw_probe_decode(d->data, d->caplen, d->len, &p) < 0)
    return;
  mcw_json_key(j, "probe");
  mcw_json_open(j);
  mcw_json_key(j, "sender_id");
  mcw_json_u64(j, p.sender_id);
  mcw_json_key(j, "seq");
  mcw_json_u64(j, p.seq);
  mcw_json_key(j, "send_ts");
  mcw_json_double(j, (double)(p.send_ns / 1000) / 1e6, 6);
  mcw_json_key(j, "text");
  mcw_json_payload(j, p.text, p.text_avail < 1024 ? p.text_avail : 1024);
  mcw_json_close(j);
}

void mcw_jsonl_datagram(struct mcw_json *j, const struct mcw_group *g,
                        const struct mcw_datagram *d, const char *ifname,
                        uint32_t preview) {
  char buf[MCW_ADDRSTRLEN];
  uint32_t n = d->caplen < preview ? d->caplen : preview;

  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "datagram");
  mcw_jsonl_time(j, d->ts_ns);
  mcw_jsonl_group_fields(j, g);
  mcw_json_key(j, "from");
  mcw_json_str(j, mcw_addr_format(&d->src, buf, sizeof(buf)));
  mcw_json_key(j, "sport");
  mcw_json_u64(j, d->src.port);
  mcw_json_key(j, "dst");
  if (d->dst.family != 0)
    mcw_json_str(j, mcw_addr_format(&d->dst, buf, sizeof(buf)));
  else
    mcw_json_null(j);
  mcw_json_key(j, "arrival_iface");
  mcw_json_str(j, ifname);
  mcw_json_key(j, "len");
  mcw_json_u64(j, d->len);
  mcw_json_key(j, "truncated");
  mcw_json_bool(j, d->truncated);
  mcw_json_key(j, "kernel_ts");
  mcw_json_bool(j, d->kernel_ts);
  mcw_json_key(j, "seq");
  mcw_json_u64(j, g->packets);
  mcw_json_key(j, "preview_len");
  mcw_json_u64(j, n);
  mcw_json_key(j, "text");
  mcw_json_payload(j, d->data, n);
  mcw_json_key(j, "hex");
  mcw_json_hex(j, d->data, n);
  probe_fields(j, d);
  mcw_json_close(j);
}

/* Writes a key and a count. */
static void u64_field(struct mcw_json *j, const char *key, uint64_t v) {
  mcw_json_key(j, key);
  mcw_json_u64(j, v);
}

/* Writes a key and milliseconds, or null when there is no figure. */
static void ms_field(struct mcw_json *j, const char *key, bool has, double v) {
  mcw_json_key(j, key);
  if (has)
    mcw_json_double(j, v, 3);
  else
    mcw_json_null(j);
}

/* Loss as a percentage of the datagrams expected, or null. */
static void loss_pct(struct mcw_json *j, uint64_t lost, uint64_t expected) {
  mcw_json_key(j, "loss_pct");
  if (expected > 0)
    mcw_json_double(j, 100.0 * (double)lost / (double)expected, 3);
  else
    mcw_json_null(j);
}

/* The group's stream health totals. */
static void health(struct mcw_json *j, const struct mcw_health *h) {
  u64_field(j, "tracked_senders", h->tracked);
  u64_field(j, "received", h->received);
  u64_field(j, "lost", h->lost);
  loss_pct(j, h->lost, h->expected);
  u64_field(j, "dup", h->dup);
  u64_field(j, "reordered", h->reordered);
  u64_field(j, "restarts", h->restarts);
  u64_field(j, "malformed", h->malformed);
  u64_field(j, "cc_errors", h->cc_errors);
}

/* One sender's stream fields (kind and, where tracked, health). */
static void stream_fields(struct mcw_json *j, const struct mcw_stream *st) {
  struct mcw_stream_figures f;
  uint16_t pids[64];
  size_t npids;

  mcw_stream_figures(st, &f);
  mcw_json_key(j, "kind");
  mcw_json_str(j, mcw_kind_name(f.kind));
  u64_field(j, "malformed", f.malformed);
  if (f.tracked) {
    u64_field(j, "received", f.received);
    u64_field(j, "lost", f.lost);
    loss_pct(j, f.lost, f.expected);
    u64_field(j, "dup", f.dup);
    u64_field(j, "reordered", f.reordered);
    u64_field(j, "restarts", f.restarts);
    u64_field(j, "last_seq", f.last_seq);
  }
  if (f.kind == MCW_KIND_PROBE || f.kind == MCW_KIND_MCJOIN) {
    mcw_json_key(j, f.kind == MCW_KIND_PROBE ? "sender_id" : "pid");
    mcw_json_u64(j, f.id);
  }
  if (f.kind == MCW_KIND_RTP || f.kind == MCW_KIND_RTP_TS) {
    u64_field(j, "ssrc", f.id);
    u64_field(j, "pt", f.pt);
  }
  if (f.kind == MCW_KIND_PROBE || f.kind == MCW_KIND_RTP ||
      f.kind == MCW_KIND_RTP_TS)
    ms_field(j, "jitter_ms", f.has_jitter, f.jitter_ms);
  if (f.kind == MCW_KIND_PROBE) {
    ms_field(j, "latency_min_ms", f.has_latency, f.lat_min_ms);
    ms_field(j, "latency_mean_ms", f.has_latency, f.lat_mean_ms);
    ms_field(j, "latency_max_ms", f.has_latency, f.lat_max_ms);
    ms_field(j, "latency_p99_ms", f.has_latency, f.lat_p99_ms);
    u64_field(j, "latency_negative", f.lat_negative);
  }
  if (f.is_ts) {
    mcw_json_key(j, "ts_tracked");
    mcw_json_bool(j, f.ts_tracked);
    u64_field(j, "cc_errors", f.cc_errors);
    mcw_json_key(j, "ts_pids");
    mcw_json_open_array(j);
    npids =
        mcw_ts_pid_list(&mcw_stream_main(st)->ts, pids, MCW_ARRAY_LEN(pids));
    for (size_t i = 0; i < npids; i++)
      mcw_json_u64(j, pids[i]);
    mcw_json_close_array(j);
    u64_field(j, "ts_pid_count", f.ts_pids);
  }
  mcw_stream_json(st, j); /* the analyzer's own fields */
}

void mcw_jsonl_figures(struct mcw_json *j, const struct mcw_group *g,
                       const struct mcw_group_stats *st) {
  mcw_json_key(j, "state");
  mcw_json_str(j, mcw_group_state_name(g->state));
  mcw_json_key(j, "packets");
  mcw_json_u64(j, st->packets);
  mcw_json_key(j, "bytes");
  mcw_json_u64(j, st->bytes);
  mcw_json_key(j, "pps_1s");
  mcw_json_double(j, st->pps_1s, 1);
  mcw_json_key(j, "bps_1s");
  mcw_json_double(j, st->bps_1s, 0);
  mcw_json_key(j, "pps_10s");
  mcw_json_double(j, st->pps_10s, 1);
  mcw_json_key(j, "bps_10s");
  mcw_json_double(j, st->bps_10s, 0);
  mcw_json_key(j, "senders");
  mcw_json_u64(j, st->senders);
  mcw_json_key(j, "senders_overflow_packets");
  mcw_json_u64(j, st->overflow_packets);
  mcw_json_key(j, "truncated");
  mcw_json_u64(j, st->truncated);
  mcw_json_key(j, "kernel_drops");
  mcw_json_u64(j, st->kernel_drops);
  mcw_json_key(j, "ignored");
  mcw_json_u64(j, g->ignored);
  mcw_json_key(j, "rcvbuf");
  mcw_json_i64(j, g->rcvbuf);
  mcw_json_key(j, "idle_s");
  if (st->idle_ns >= 0)
    mcw_json_double(j, (double)st->idle_ns / 1e9, 3);
  else
    mcw_json_null(j);
  health(j, &st->health);
  if (mcw_analyzer_service_name(g) != NULL) { /* a TS sender's SDT name */
    mcw_json_key(j, "service_name");
    mcw_json_str(j, mcw_analyzer_service_name(g));
  }
}

void mcw_jsonl_stats(struct mcw_json *j, const struct mcw_group *g,
                     const struct mcw_group_stats *st, uint64_t output_dropped,
                     int64_t now_ns) {
  char buf[MCW_ADDRSTRLEN];

  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "stats");
  mcw_jsonl_time(j, now_ns);
  mcw_jsonl_group_fields(j, g);
  mcw_jsonl_figures(j, g, st);
  u64_field(j, "output_dropped", output_dropped);
  mcw_json_key(j, "by_sender");
  mcw_json_open_array(j);
  for (uint32_t i = 0; i < g->senders.count; i++) {
    const struct mcw_sender *s = &g->senders.items[i];
    mcw_json_open(j);
    mcw_json_key(j, "from");
    mcw_json_str(j, mcw_addr_format(&s->addr, buf, sizeof(buf)));
    mcw_json_key(j, "sport");
    mcw_json_u64(j, s->addr.port);
    mcw_json_key(j, "packets");
    mcw_json_u64(j, s->packets);
    mcw_json_key(j, "bytes");
    mcw_json_u64(j, s->bytes);
    stream_fields(j, &s->stream);
    mcw_json_close(j);
  }
  mcw_json_close_array(j);
  mcw_json_close(j);
}

void mcw_jsonl_event(struct mcw_json *j, const char *type,
                     const struct mcw_group *g, const char *message,
                     int64_t now_ns) {
  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, type);
  mcw_jsonl_time(j, now_ns);
  if (g != NULL) {
    mcw_jsonl_group_fields(j, g);
    if (g->ep.ifindex != 0) {
      mcw_json_key(j, "ifindex");
      mcw_json_u64(j, g->ep.ifindex);
    }
  }
  mcw_json_key(j, "message");
  mcw_json_str(j, message);
  mcw_json_close(j);
}

void mcw_jsonl_iface(struct mcw_json *j, const char *iface, unsigned ifindex,
                     const char *change, const struct mcw_addr *addr,
                     const char *message, int64_t now_ns) {
  char buf[MCW_ADDRSTRLEN];

  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "iface");
  mcw_jsonl_time(j, now_ns);
  mcw_json_key(j, "iface");
  mcw_json_str(j, iface);
  mcw_json_key(j, "ifindex");
  mcw_json_u64(j, ifindex);
  mcw_json_key(j, "change");
  mcw_json_str(j, change);
  if (addr != NULL && addr->family != 0) {
    mcw_json_key(j, "address");
    mcw_json_str(j, mcw_addr_format(addr, buf, sizeof(buf)));
  }
  mcw_json_key(j, "message");
  mcw_json_str(j, message);
  mcw_json_close(j);
}

/* A wall-clock time as an ISO 8601 string value (UTC, microseconds). */
static void mcw_jsonl_iso(struct mcw_json *j, int64_t ns) {
  time_t t = (time_t)(ns / 1000000000);
  struct tm tm;
  char buf[48];

  gmtime_r(&t, &tm);
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
           tm.tm_sec, (int)((ns % 1000000000) / 1000));
  mcw_json_str(j, buf);
}

void mcw_jsonl_alarm_open(struct mcw_json *j, bool raised, const char *name,
                          int64_t now_ns) {
  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "alarm");
  mcw_jsonl_time(j, now_ns);
  mcw_json_key(j, "state");
  mcw_json_str(j, raised ? "raised" : "cleared");
  mcw_json_key(j, "alarm");
  mcw_json_str(j, name);
}

void mcw_jsonl_alarm(struct mcw_json *j, const struct mcw_group *g,
                     const struct mcw_alarm_event *ev, int64_t now_ns) {
  mcw_jsonl_alarm_open(j, ev->raised, mcw_alarm_name(ev->kind), now_ns);
  mcw_jsonl_group_fields(j, g);
  mcw_json_key(j, "why");
  mcw_json_str(j, ev->why);
  mcw_json_key(j, "since");
  mcw_jsonl_iso(j, ev->start_wall_ns);
  if (!ev->raised) {
    mcw_json_key(j, "duration_s");
    mcw_json_double(j, ev->duration_s, 3);
    mcw_json_key(j, "lost");
    mcw_json_u64(j, ev->lost);
  }
  mcw_json_close(j);
}

void mcw_jsonl_outages(struct mcw_json *j, const struct mcw_outage_log *log,
                       const void *owner) {
  mcw_json_key(j, "outages");
  mcw_json_open_array(j);
  for (size_t i = 0; i < log->count; i++) {
    const struct mcw_outage *o = mcw_outage_at(log, i);
    if (o->owner != owner)
      continue;
    mcw_json_open(j);
    mcw_json_key(j, "alarm");
    mcw_json_str(j, mcw_alarm_name(o->kind));
    mcw_json_key(j, "start");
    mcw_jsonl_iso(j, o->start_wall_ns);
    mcw_json_key(j, "end");
    if (o->end_wall_ns != 0)
      mcw_jsonl_iso(j, o->end_wall_ns);
    else
      mcw_json_null(j); /* still raised when mcwatch stopped */
    mcw_json_key(j, "duration_s");
    if (o->end_wall_ns != 0)
      mcw_json_double(j, o->duration_s, 3);
    else
      mcw_json_null(j);
    mcw_json_key(j, "lost");
    if (o->end_wall_ns != 0)
      mcw_json_u64(j, o->lost);
    else
      mcw_json_null(j);
    mcw_json_key(j, "why");
    mcw_json_str(j, o->why);
    mcw_json_close(j);
  }
  mcw_json_close_array(j);
}
