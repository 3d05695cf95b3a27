/*
 * The Prometheus exposition. A scrape first takes one snapshot per group
 * (its label text, figures, jitter, merged delay histogram and alarms),
 * then walks the metric table: for each metric, its HELP and TYPE lines and
 * one series per group, so every family is written together as the format
 * requires. The table is the one place that names a metric; docs/METRICS.md
 * follows it.
 */
#include "mcwatch/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/alarm.h"
#include "mcwatch/analyzer.h"
#include "mcwatch/common.h"
#include "mcwatch/group.h"
#include "mcwatch/querier.h"

/* Probe one-way delay buckets, in seconds and in nanoseconds. */
static const char *const delay_le[] = {
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
    "0.05",   "0.1",     "0.25",   "0.5",   "1",      "2.5",   "5",    "10"};
static const int64_t delay_le_ns[] = {
    100000,     250000,     500000,     1000000,    2500000,   5000000,
    10000000,   25000000,   50000000,   100000000,  250000000, 500000000,
    1000000000, 2500000000, 5000000000, 10000000000};
#define DELAY_BUCKETS MCW_ARRAY_LEN(delay_le_ns)

/* What one scrape reads of one group. */
struct snap {
  struct mcw_group *g;
  char labels[640]; /* group="...",port="...",... (escaped) */
  struct mcw_group_stats st;
  bool has_jitter;
  double jitter_s; /* the largest of its senders' */
  uint64_t delay_n, delay_le[DELAY_BUCKETS];
  double delay_sum_s;
  struct mcw_ts_totals ts; /* TR 101 290 and MDI, for TS groups */
};

/* A metric read from a snapshot: absent, a whole number, or a real. */
struct value {
  enum { V_NONE, V_INT, V_REAL } kind;
  uint64_t u;
  double d;
};

static void grow(struct mcw_metrics_buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + n + 1)
    cap *= 2;
  b->buf = mcw_xrealloc(b->buf, cap);
  b->cap = cap;
}

static void put(struct mcw_metrics_buf *b, const char *s, size_t n) {
  grow(b, n);
  memcpy(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = '\0';
}

static void puts_(struct mcw_metrics_buf *b, const char *s) {
  put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void
putf(struct mcw_metrics_buf *b, const char *fmt, ...) {
  va_list ap;
  int n;

  grow(b, 64);
  va_start(ap, fmt);
  n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= b->cap - b->len) {
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

void mcw_metrics_buf_free(struct mcw_metrics_buf *b) {
  free(b->buf);
  memset(b, 0, sizeof(*b));
}

void mcw_metrics_append(struct mcw_metrics_buf *out, const char *s, size_t n) {
  put(out, s, n);
}

void mcw_metrics_label_value(struct mcw_metrics_buf *out, const char *s) {
  for (; *s != '\0'; s++) {
    if (*s == '\\')
      put(out, "\\\\", 2);
    else if (*s == '"')
      put(out, "\\\"", 2);
    else if (*s == '\n')
      put(out, "\\n", 2);
    else
      put(out, s, 1);
  }
}

static void label(struct mcw_metrics_buf *b, const char *name, const char *v,
                  bool comma) {
  if (comma)
    put(b, ",", 1);
  puts_(b, name);
  put(b, "=\"", 2);
  mcw_metrics_label_value(b, v);
  put(b, "\"", 1);
}

static void take_snap(struct snap *s, struct mcw_group *g, int64_t mono_ns) {
  struct mcw_metrics_buf lb = {0};
  char addr[MCW_ADDRSTRLEN], port[8];

  memset(s, 0, sizeof(*s));
  s->g = g;
  mcw_addr_format(&g->ep.group, addr, sizeof(addr));
  snprintf(port, sizeof(port), "%u", (unsigned)g->ep.group.port);
  label(&lb, "group", addr, false);
  label(&lb, "port", port, true);
  if (mcw_endpoint_has_source(&g->ep))
    mcw_addr_format(&g->ep.source, addr, sizeof(addr));
  else
    addr[0] = '\0';
  label(&lb, "source", addr, true);
  label(&lb, "iface", g->ep.iface, true);
  if (g->ep.label[0] != '\0')
    label(&lb, "label", g->ep.label, true);
  mcw_strlcpy(s->labels, lb.buf, sizeof(s->labels));
  mcw_metrics_buf_free(&lb);

  mcw_group_stats(g, mono_ns, &s->st);
  mcw_analyzer_ts_totals(g, &s->ts);
  for (uint32_t i = 0; i < g->senders.count; i++) {
    const struct mcw_stream *st = &g->senders.items[i].stream;
    if (st->jitter_n > 0 &&
        (!s->has_jitter || st->jitter_ns / 1e9 > s->jitter_s)) {
      s->has_jitter = true;
      s->jitter_s = st->jitter_ns / 1e9;
    }
    if (st->lat.n > 0) {
      s->delay_n += st->lat.n;
      s->delay_sum_s += st->lat.sum_ns / 1e9;
      mcw_latency_cumulative(&st->lat, delay_le_ns, DELAY_BUCKETS, s->delay_le);
    }
  }
}

static struct value v_int(uint64_t u) { return (struct value){V_INT, u, 0}; }
static struct value v_real(double d) { return (struct value){V_REAL, 0, d}; }
static const struct value v_none = {V_NONE, 0, 0};

static struct value read_joined(const struct snap *s) {
  return v_int(s->g->state == MCW_GROUP_JOINED);
}
static struct value read_packets(const struct snap *s) {
  return v_int(s->st.packets);
}
static struct value read_bytes(const struct snap *s) {
  return v_int(s->st.bytes);
}
static struct value read_expected(const struct snap *s) {
  return v_int(s->st.health.expected);
}
static struct value read_lost(const struct snap *s) {
  return v_int(s->st.health.lost);
}
static struct value read_dup(const struct snap *s) {
  return v_int(s->st.health.dup);
}
static struct value read_reordered(const struct snap *s) {
  return v_int(s->st.health.reordered);
}
static struct value read_truncated(const struct snap *s) {
  return v_int(s->st.truncated);
}
static struct value read_drops(const struct snap *s) {
  return v_int(s->st.kernel_drops);
}
static struct value read_untracked(const struct snap *s) {
  return v_int(s->st.overflow_packets);
}
static struct value read_last(const struct snap *s) {
  if (s->g->last_ns <= 0)
    return v_none;
  return v_real((double)s->g->last_ns / 1e9);
}
static struct value read_senders(const struct snap *s) {
  return v_int(s->st.senders);
}
static struct value read_jitter(const struct snap *s) {
  return s->has_jitter ? v_real(s->jitter_s) : v_none;
}

static void write_value(struct mcw_metrics_buf *b, struct value v) {
  if (v.kind == V_INT)
    putf(b, " %llu\n", (unsigned long long)v.u);
  else if (v.d >= 1e6) /* timestamps: to the millisecond */
    putf(b, " %.3f\n", v.d);
  else
    putf(b, " %.9g\n", v.d);
}

static void head(struct mcw_metrics_buf *b, const char *name, const char *type,
                 const char *help) {
  putf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void series(struct mcw_metrics_buf *b, const char *name,
                   const struct snap *s, const char *extra, struct value v) {
  puts_(b, name);
  put(b, "{", 1);
  puts_(b, s->labels);
  if (extra != NULL)
    puts_(b, extra);
  put(b, "}", 1);
  write_value(b, v);
}

struct ctx {
  struct mcw_metrics_buf *b;
  const struct mcw_metrics_input *in;
  const struct snap *snaps;
};

static void write_alarms(const struct ctx *c, const char *name) {
  for (size_t i = 0; i < c->in->ngroups; i++)
    for (int k = 0; k < MCW_ALARM_KINDS; k++) {
      char extra[48];
      snprintf(extra, sizeof(extra), ",alarm=\"%s\"",
               mcw_alarm_name((enum mcw_alarm_kind)k));
      series(c->b, name, &c->snaps[i], extra,
             v_int((c->snaps[i].g->alarms.raised >> k) & 1u));
    }
}

static void write_delay(const struct ctx *c, const char *name) {
  for (size_t i = 0; i < c->in->ngroups; i++) {
    const struct snap *s = &c->snaps[i];
    if (s->delay_n == 0)
      continue;
    for (size_t k = 0; k <= DELAY_BUCKETS; k++) {
      char extra[32];
      snprintf(extra, sizeof(extra), ",le=\"%s\"",
               k < DELAY_BUCKETS ? delay_le[k] : "+Inf");
      putf(c->b, "%s_bucket", name);
      series(c->b, "", s, extra,
             v_int(k < DELAY_BUCKETS ? s->delay_le[k] : s->delay_n));
    }
    putf(c->b, "%s_sum", name);
    series(c->b, "", s, NULL, v_real(s->delay_sum_s));
    putf(c->b, "%s_count", name);
    series(c->b, "", s, NULL, v_int(s->delay_n));
  }
}

static void write_tr101290(const struct ctx *c, const char *name) {
  for (size_t i = 0; i < c->in->ngroups; i++) {
    if (!c->snaps[i].ts.ts)
      continue;
    for (int k = 0; k < MCW_TR_CHECKS; k++) {
      char check[64];
      snprintf(check, sizeof(check), ",check=\"%s\"",
               mcw_tr_name((enum mcw_tr_check)k));
      series(c->b, name, &c->snaps[i], check, v_int(c->snaps[i].ts.tr[k]));
    }
  }
}

static struct value read_mdi_df(const struct snap *s) {
  return s->ts.has_mdi ? v_real(s->ts.df_ms / 1e3) : v_none;
}

static struct value read_mdi_mlr(const struct snap *s) {
  return s->ts.has_mdi ? v_real(s->ts.mlr) : v_none;
}

/* Per-sender series, only when the scrape asks (?senders=1). */
static void write_sender_family(const struct ctx *c, const char *name,
                                int which) {
  for (size_t i = 0; i < c->in->ngroups; i++) {
    const struct mcw_group *g = c->snaps[i].g;
    for (uint32_t k = 0; k < g->senders.count; k++) {
      const struct mcw_sender *snd = &g->senders.items[k];
      struct mcw_stream_figures f;
      struct mcw_metrics_buf extra = {0};
      char addr[MCW_ADDRSTRLEN + 8];
      struct value v;

      mcw_stream_figures(&snd->stream, &f);
      if (which == 0)
        v = v_int(snd->packets);
      else if (which == 1)
        v = v_int(snd->bytes);
      else if (which == 2)
        v = f.tracked ? v_int(f.lost) : v_none;
      else
        v = f.has_jitter ? v_real(f.jitter_ms / 1e3) : v_none;
      if (v.kind == V_NONE)
        continue;
      label(&extra, "sender",
            mcw_addr_format_port(&snd->addr, addr, sizeof(addr)), true);
      series(c->b, name, &c->snaps[i], extra.buf, v);
      mcw_metrics_buf_free(&extra);
    }
  }
}

static void write_sender_packets(const struct ctx *c, const char *name) {
  write_sender_family(c, name, 0);
}
static void write_sender_bytes(const struct ctx *c, const char *name) {
  write_sender_family(c, name, 1);
}
static void write_sender_lost(const struct ctx *c, const char *name) {
  write_sender_family(c, name, 2);
}
static void write_sender_jitter(const struct ctx *c, const char *name) {
  write_sender_family(c, name, 3);
}

/* One row per metric: read a value per group, or write the series itself. */
struct metric {
  const char *name, *type, *help;
  struct value (*read)(const struct snap *s);
  void (*write)(const struct ctx *c, const char *name);
  bool per_sender; /* only with in->senders */
};

static const struct metric metrics[] = {
    {"mcwatch_group_joined", "gauge",
     "1 when the group is joined now, else 0 (joining, left, failed, or "
     "waiting for its interface).",
     read_joined, NULL, false},
    {"mcwatch_packets_received_total", "counter",
     "Datagrams received for the group.", read_packets, NULL, false},
    {"mcwatch_bytes_received_total", "counter",
     "UDP payload bytes received for the group.", read_bytes, NULL, false},
    {"mcwatch_packets_expected_total", "counter",
     "Datagrams expected from the sequence numbers of senders whose streams "
     "carry them (probe, RTP, MPEG-TS, mcjoin, msend).",
     read_expected, NULL, false},
    {"mcwatch_packets_lost_total", "counter",
     "Datagrams missing from sequence-numbered streams.", read_lost, NULL,
     false},
    {"mcwatch_packets_duplicated_total", "counter",
     "Datagrams received twice in sequence-numbered streams.", read_dup, NULL,
     false},
    {"mcwatch_packets_reordered_total", "counter",
     "Datagrams arrived after a later one in sequence-numbered streams.",
     read_reordered, NULL, false},
    {"mcwatch_packets_truncated_total", "counter",
     "Datagrams cut short by the kernel (larger than the receive buffer "
     "slot).",
     read_truncated, NULL, false},
    {"mcwatch_packets_untracked_total", "counter",
     "Datagrams from senders beyond the sender table (--max-senders).",
     read_untracked, NULL, false},
    {"mcwatch_kernel_drops_total", "counter",
     "Datagrams the kernel dropped on the group's socket (SO_RXQ_OVFL), "
     "since it was joined.",
     read_drops, NULL, false},
    {"mcwatch_last_packet_timestamp_seconds", "gauge",
     "Wall-clock time of the last datagram (absent until one arrives).",
     read_last, NULL, false},
    {"mcwatch_senders", "gauge", "Senders seen on the group.", read_senders,
     NULL, false},
    {"mcwatch_jitter_seconds", "gauge",
     "RFC 3550 interarrival jitter, the largest among the group's probe and "
     "RTP senders.",
     read_jitter, NULL, false},
    {"mcwatch_one_way_delay_seconds", "histogram",
     "One-way delay of mcwatch probes (arrival minus send time; meaningful "
     "when the clocks agree).",
     NULL, write_delay, false},
    {"mcwatch_alarm_active", "gauge",
     "1 while the alarm is raised for the group (error, silence, loss, "
     "drops), else 0.",
     NULL, write_alarms, false},
    {"mcwatch_tr101290_errors_total", "counter",
     "ETSI TR 101 290 errors in MPEG-TS streams, by check.", NULL,
     write_tr101290, false},
    {"mcwatch_mdi_delay_factor_seconds", "gauge",
     "RFC 4445 delay factor of the group's TS stream over the last whole "
     "second (the worst among its senders).",
     read_mdi_df, NULL, false},
    {"mcwatch_mdi_media_loss_rate", "gauge",
     "RFC 4445 media loss rate: TS packets lost per second over the last "
     "whole second (the worst among its senders).",
     read_mdi_mlr, NULL, false},
    {"mcwatch_sender_packets_received_total", "counter",
     "Datagrams received from one sender (with ?senders=1).", NULL,
     write_sender_packets, true},
    {"mcwatch_sender_bytes_received_total", "counter",
     "UDP payload bytes received from one sender (with ?senders=1).", NULL,
     write_sender_bytes, true},
    {"mcwatch_sender_packets_lost_total", "counter",
     "Datagrams missing from one sender's sequence (with ?senders=1).", NULL,
     write_sender_lost, true},
    {"mcwatch_sender_jitter_seconds", "gauge",
     "RFC 3550 interarrival jitter of one sender (with ?senders=1).", NULL,
     write_sender_jitter, true},
};

static void write_build(struct mcw_metrics_buf *b,
                        const struct mcw_metrics_input *in) {
  const struct mcw_metrics_build *bi = in->build;

  head(b, "mcwatch_build_info", "gauge",
       "mcwatch's version and the libraries it was built with; always 1.");
  puts_(b, "mcwatch_build_info{");
  label(b, "version", bi && bi->version ? bi->version : "", false);
  label(b, "libuv", bi && bi->libuv ? bi->libuv : "", true);
  label(b, "ncurses", bi && bi->ncurses ? bi->ncurses : "", true);
  label(b, "libpcap", bi && bi->libpcap ? bi->libpcap : "", true);
  label(b, "libmicrohttpd", bi && bi->libmicrohttpd ? bi->libmicrohttpd : "",
        true);
  puts_(b, "} 1\n");
  head(b, "mcwatch_start_time_seconds", "gauge",
       "Wall-clock time mcwatch started.");
  putf(b, "mcwatch_start_time_seconds %.3f\n", (double)in->start_wall_ns / 1e9);
  head(b, "mcwatch_groups", "gauge", "Groups watched (in any state).");
  putf(b, "mcwatch_groups %zu\n", in->ngroups);
}

/* Labels of an IGMP/MLD link: iface, protocol. */
static void igmp_labels(struct mcw_metrics_buf *b, const char *name,
                        const struct mcw_igmp_link *l) {
  puts_(b, name);
  put(b, "{", 1);
  label(b, "iface", l->iface, false);
  label(b, "protocol", l->family == AF_INET6 ? "mld" : "igmp", true);
}

size_t mcw_metrics_render_igmp(struct mcw_metrics_buf *b,
                               const struct mcw_igmp_link *const *links,
                               size_t n) {
  static const struct {
    const char *name, *type, *help;
  } m[] = {
      {"mcwatch_igmp_queries_received_total", "counter",
       "IGMP/MLD queries heard on the interface (general and specific)."},
      {"mcwatch_igmp_reports_received_total", "counter",
       "IGMP/MLD reports heard on the interface, this host's included."},
      {"mcwatch_igmp_leaves_received_total", "counter",
       "IGMPv2 leaves and MLDv1 dones heard on the interface."},
      {"mcwatch_igmp_last_query_timestamp_seconds", "gauge",
       "Wall-clock time of the last general query (absent until one)."},
      {"mcwatch_igmp_query_interval_seconds", "gauge",
       "The querier's query interval (QQIC, else measured; absent until a "
       "querier is heard)."},
      {"mcwatch_igmp_querier_info", "gauge",
       "The elected querier's address and version; always 1."},
      {"mcwatch_igmp_alarm_active", "gauge",
       "1 while the querier alarm (no-querier, old-version, change) is "
       "raised on the interface, else 0."},
  };
  char a[MCW_ADDRSTRLEN], v[16];

  for (size_t k = 0; k < MCW_ARRAY_LEN(m); k++) {
    head(b, m[k].name, m[k].type, m[k].help);
    for (size_t i = 0; i < n; i++) {
      const struct mcw_igmp_link *l = links[i];
      if (k >= 3 && k <= 5 && !l->have_querier)
        continue;
      if (k == 6) {
        for (int j = 0; j < MCW_QUERIER_ALARMS; j++) {
          igmp_labels(b, m[k].name, l);
          label(b, "alarm", mcw_querier_alarm_name(j), true);
          putf(b, "} %u\n", (l->raised >> j) & 1u);
        }
        continue;
      }
      igmp_labels(b, m[k].name, l);
      if (k == 5) {
        snprintf(v, sizeof(v), "%d", l->version);
        label(b, "address", mcw_addr_format(&l->querier, a, sizeof(a)), true);
        label(b, "version", v, true);
      }
      put(b, "}", 1);
      write_value(b, k == 0   ? v_int(l->queries)
                     : k == 1 ? v_int(l->reports)
                     : k == 2 ? v_int(l->leaves)
                     : k == 3 ? v_real((double)l->last_query_wall / 1e9)
                     : k == 4 ? v_real(l->qi_s)
                              : v_int(1));
    }
  }
  return b->len;
}

size_t mcw_metrics_render(struct mcw_metrics_buf *out,
                          const struct mcw_metrics_input *in) {
  struct snap *snaps = NULL;
  struct ctx c = {out, in, NULL};

  out->len = 0;
  grow(out, 0);
  out->buf[0] = '\0';
  if (in->ngroups > 0)
    snaps = mcw_xmalloc(in->ngroups * sizeof(*snaps));
  for (size_t i = 0; i < in->ngroups; i++)
    take_snap(&snaps[i], in->groups[i], in->mono_ns);
  c.snaps = snaps;
  write_build(out, in);
  for (size_t m = 0; m < MCW_ARRAY_LEN(metrics); m++) {
    const struct metric *mt = &metrics[m];
    if (mt->per_sender && !in->senders)
      continue;
    head(out, mt->name, mt->type, mt->help);
    if (mt->write != NULL) {
      mt->write(&c, mt->name);
      continue;
    }
    for (size_t i = 0; i < in->ngroups; i++) {
      struct value v = mt->read(&snaps[i]);
      if (v.kind != V_NONE)
        series(out, mt->name, &snaps[i], NULL, v);
    }
  }
  free(snaps);
  return out->len;
}
