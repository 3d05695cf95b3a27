/*
 * Alarms: what is wrong with a group now, in words, and since when. Four
 * kinds, judged from the group's figures on a timer (never per datagram):
 *
 *   silence  joined, has received, and nothing for longer than --silence
 *            (a group that never received is "waiting", not silent);
 *   loss     datagrams lost over the last 10 s above --max-loss percent
 *            of those expected (the default 0: any loss);
 *   drops    the kernel dropped datagrams in the last 10 s;
 *   error    the join failed, the socket failed, or the interface is
 *            down or gone (the group waits for it).
 *
 * Each kind is raised and cleared on its own; every transition goes to a
 * callback with start, end, duration and the datagrams lost meanwhile, and
 * the outage log keeps the last entries for the screen and the summary.
 * The window is a ring of samples taken at least MCW_ALARM_SAMPLE_NS apart,
 * so its memory is fixed however often it is updated.
 */
#ifndef MCWATCH_ALARM_H
#define MCWATCH_ALARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mcw_alarm_kind {
  MCW_ALARM_ERROR,
  MCW_ALARM_SILENCE,
  MCW_ALARM_LOSS,
  MCW_ALARM_DROPS,
  MCW_ALARM_KINDS,
};

#define MCW_ALARM_WINDOW_NS INT64_C(10000000000) /* loss and drops window */
#define MCW_ALARM_SAMPLE_NS INT64_C(250000000) /* samples at least this apart  \
                                                */
#define MCW_ALARM_SAMPLES 48                   /* 12 s of samples */
#define MCW_SILENCE_DEFAULT 3.0

struct mcw_alarm_config {
  double silence_s;    /* --silence */
  double max_loss_pct; /* --max-loss */
};

/* What the judge needs to know of a group at one moment. */
struct mcw_alarm_input {
  bool active;        /* joined (or joining); false once left */
  bool failed;        /* error state, or waiting for its interface */
  const char *reason; /* the failure in words when failed */
  uint64_t packets;   /* datagrams received so far */
  int64_t idle_ns;    /* since the last datagram; -1 when none yet */
  uint64_t received;  /* sequence-tracked datagrams received */
  uint64_t lost;      /* and lost */
  uint64_t drops;     /* kernel drops */
};

struct mcw_alarm_sample {
  int64_t mono_ns;
  uint64_t received, lost, drops;
};

/* A group's alarm state; zero it to start. */
struct mcw_alarms {
  unsigned raised;                     /* bit (1 << kind) per raised kind */
  int64_t since_wall[MCW_ALARM_KINDS]; /* when each was raised */
  int64_t since_mono[MCW_ALARM_KINDS];
  uint64_t lost_base[MCW_ALARM_KINDS]; /* lost figure when raised */
  double loss_pct;                     /* over the window, last update */
  uint64_t window_lost, window_drops;  /* over the window, last update */
  int64_t idle_ns;                     /* as last judged */
  char reason[120];                    /* the error's words */
  struct mcw_alarm_sample ring[MCW_ALARM_SAMPLES];
  unsigned head, count;
};

/* One raise or clear. */
struct mcw_alarm_event {
  enum mcw_alarm_kind kind;
  bool raised;
  int64_t start_wall_ns, end_wall_ns; /* end is 0 when raised */
  double duration_s;                  /* 0 when raised */
  uint64_t lost;                      /* lost while raised (on clear) */
  const char *why;                    /* words: "silent 4s", "loss 2.1%"... */
};

typedef void (*mcw_alarm_fn)(void *ctx, const struct mcw_alarm_event *ev);

/* Fills cfg with the defaults (3 s of silence, any loss). */
void mcw_alarm_config_default(struct mcw_alarm_config *cfg);

/*
 * Judges in at mono_ns (wall_ns for the record) and calls fn for each kind
 * raised or cleared since the last update. Returns the raised mask.
 */
unsigned mcw_alarms_update(struct mcw_alarms *a,
                           const struct mcw_alarm_input *in,
                           const struct mcw_alarm_config *cfg, int64_t mono_ns,
                           int64_t wall_ns, mcw_alarm_fn fn, void *ctx);

/* Clears every raised kind (the group was left or removed), reporting each. */
void mcw_alarms_reset(struct mcw_alarms *a, uint64_t lost, int64_t mono_ns,
                      int64_t wall_ns, mcw_alarm_fn fn, void *ctx);

/* The kind's name: "error", "silence", "loss", "drops". */
const char *mcw_alarm_name(enum mcw_alarm_kind k);

/*
 * Words for the raised kinds, worst first, e.g. "silent 12s, drops", into
 * buf; "" when none. Returns buf.
 */
const char *mcw_alarms_describe(const struct mcw_alarms *a, int64_t mono_ns,
                                char *buf, size_t len);

/* The outage log: the last MCW_OUTAGES_MAX alarms raised, with their end. */
#define MCW_OUTAGES_MAX 1000

struct mcw_outage {
  char endpoint[128];
  char label[96];
  enum mcw_alarm_kind kind;
  int64_t start_wall_ns, end_wall_ns; /* end 0 while still raised */
  double duration_s;
  uint64_t lost;
  char why[120];
  const void *owner; /* the group's identity, for matching the clear */
};

struct mcw_outage_log {
  struct mcw_outage v[MCW_OUTAGES_MAX];
  unsigned head, count; /* ring: v[(head + i) % MAX] oldest first */
  uint64_t total;       /* entries ever written */
};

/* Records ev for owner (with its endpoint text and label) in the log. */
void mcw_outage_record(struct mcw_outage_log *log, const void *owner,
                       const char *endpoint, const char *label,
                       const struct mcw_alarm_event *ev);

/* Entry i of the log, oldest first, or NULL. */
const struct mcw_outage *mcw_outage_at(const struct mcw_outage_log *log,
                                       size_t i);

#endif
