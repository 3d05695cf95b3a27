/*
 * What the command line asked for, shared by the modes of the program
 * (headless, TUI, interface list, demo). Internal to src/app and src/ui.
 */
#ifndef MCWATCH_APP_H
#define MCWATCH_APP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcwatch/alarm.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/engine.h"
#include "mcwatch/httpd.h"
#include "mcwatch/iface.h"
#include "mcwatch/igmpwatch.h"
#include "mcwatch/metrics.h"
#include "mcwatch/sapdir.h"

#define MCW_EXIT_OK 0
#define MCW_EXIT_FAILURE 1
#define MCW_EXIT_USAGE 2

#define MCW_RING_MAX (UINT64_C(256) << 20) /* --history x --snap, per group */

#define MCW_DEMO_ADDR "239.255.42.42"
#define MCW_DEMO_GROUP MCW_DEMO_ADDR ":4242"
#define MCW_DEMO_IFACE "lo"

struct mcw_options {
  bool headless;
  bool demo;
  bool list_interfaces;
  bool json;
  bool stats_only;
  bool color;                /* TUI: false with --no-color or NO_COLOR */
  const char *iface;         /* default interface for endpoints without % */
  const char *default_iface; /* the one main picked when iface is NULL */
  const char *write;         /* --write: pcap file to record to, or NULL */
  uint64_t count;            /* stop after this many datagrams; 0 = never */
  double duration;           /* stop after this many seconds; 0 = never */
  double interval;           /* seconds between stats lines; 0 = none */
  char notice[320];          /* a message for the user at start (demo set-up) */
  struct mcw_engine_config engine;
  struct mcw_alarm_config alarm; /* --silence, --max-loss */
  bool ring_bell;                /* --bell: ring when an alarm is raised */
  bool mouse;                    /* TUI: clicks and wheel (--no-mouse) */
  bool igmp;                     /* watch IGMP/MLD (--no-igmp turns off) */
  struct mcw_endpoint *endpoints;
  size_t nendpoints;
  const char **files; /* -f channel lists, in order */
  size_t nfiles;
  const char *config_path; /* the config file being read, for messages */
  char **owned;            /* option values copied from the config file */
  size_t nowned;

  bool metrics; /* --metrics: serve /metrics on metrics_listen */
  struct mcw_httpd_listen metrics_listen;

  bool sap;                     /* --sap: listen for session announcements */
  double sap_timeout;           /* --sap-timeout: expiry floor, seconds */
  struct mcw_endpoint *sap_eps; /* the SAP groups on each chosen interface */
  size_t nsap_eps;
};

/*
 * A running monitor: the loop, the engine, the demo senders, the signals
 * that stop it and the --duration timer. Headless and TUI modes both build
 * on it and add their own output.
 */
struct mcw_session {
  uv_loop_t loop;
  struct mcw_options *opt;
  struct mcw_engine *engine;
  struct mcw_demo *demo;
  uv_signal_t signals[3];
  uv_timer_t duration_timer;
  uv_timer_t alarm_timer;
  struct mcw_outage_log *outages; /* every alarm raised and cleared */
  struct mcw_httpd *httpd;        /* --metrics, or NULL */
  struct mcw_sapdir *sapdir;      /* --sap: the announced sessions, or NULL */
  int64_t start_mono_ns, start_wall_ns;
  bool stopping;
  const char *reason; /* why it stopped: "count", "duration", "SIGINT"... */
  /* Called once when the session stops, after groups were left. */
  void (*on_stop)(struct mcw_session *s);
  /* Called for each alarm raised or cleared (after it is logged). */
  void (*on_alarm)(struct mcw_session *s, struct mcw_group *g,
                   const struct mcw_alarm_event *ev);
  /* Called for each SAP session announced, deleted or expired (--sap). */
  void (*on_sap)(struct mcw_session *s, const struct mcw_sap_session *ss,
                 enum mcw_sap_state st);
  /* The IGMP/MLD watcher (NULL with --no-igmp), and its hooks: each
   * message heard, each querier alarm raised or cleared. */
  struct mcw_igmpwatch *igmp;
  void (*on_igmp)(struct mcw_session *s, const struct mcw_igmp_link *l,
                  const struct mcw_igmp_msg *m, const struct mcw_addr *src,
                  bool self, unsigned flags);
  void (*on_querier_alarm)(struct mcw_session *s, const struct mcw_igmp_link *l,
                           const struct mcw_querier_event *ev);
  void *ctx;
};

/* Sets up loop, engine and signals; hooks receive datagrams and events. */
void mcw_session_init(struct mcw_session *s, struct mcw_options *o,
                      const struct mcw_engine_hooks *hooks);
/*
 * Joins every endpoint of the options and starts the demo senders when
 * asked. Returns the number of joins that failed.
 */
int mcw_session_start(struct mcw_session *s);
/* Stops: leaves the groups, stops senders and timers; reason is kept. */
void mcw_session_stop(struct mcw_session *s, const char *reason);
/* Judges every group's alarms now (the timer does it twice a second). */
void mcw_session_alarms(struct mcw_session *s);
/*
 * Closes g's alarms before it leaves the list (the TUI's remove), so its
 * outages end in the log.
 */
void mcw_session_alarms_forget(struct mcw_session *s, struct mcw_group *g);
/* Runs the loop until stopped and drained; returns 0 or a libuv error. */
int mcw_session_run(struct mcw_session *s);

/*
 * --sap: adds the SAP groups (224.2.127.254, 239.255.255.255 and
 * ff0X::2:7ffe, port 9875) on the default interface and on every
 * interface a watched endpoint names, to o->sap_eps.
 */
void mcw_sap_add_endpoints(struct mcw_options *o,
                           const struct mcw_iface_list *ifaces,
                           const char *def);
/*
 * Starts listening on o->sap_eps through the engine, each subscription's
 * datagrams going to the session's directory. Returns 1 when no SAP group
 * could be joined (reported), else 0; groups that fail are warnings.
 */
int mcw_session_sap_start(struct mcw_session *s);
/*
 * The RTP clock that medium m names (its a=rtpmap) goes to the groups from
 * position `from` on that watch its address and port: that stream's own,
 * not the whole process's (two sessions may use one dynamic type at two
 * rates).
 */
void mcw_session_sap_clocks(struct mcw_engine *e, const struct mcw_sap_media *m,
                            size_t from);
/* The same for every medium of every session announced so far: for groups
   joined after their announcement (from position `from` on). */
void mcw_session_sap_known_clocks(struct mcw_session *s, size_t from);
/* Drops the sessions that expired (the session's 2 Hz timer). */
void mcw_session_sap_tick(struct mcw_session *s);
/* Frees the directory once the loop has drained. */
void mcw_session_sap_free(struct mcw_session *s);

/* What this build of mcwatch is made of (version.c). */
void mcw_app_build(struct mcw_metrics_build *b);
/* Prints --version: the version and the libraries it was built with. */
void mcw_print_version(FILE *f);

/* Runs headless: JSON lines on stdout. Returns the exit code. */
int mcw_run_headless(struct mcw_options *o);
/*
 * Binds key (as the config file names it: "a", "F2", "Ctrl-J", "Tab") to
 * the screen UI's action; 0, or -1 with the reason in err.
 */
int mcw_ui_bind(const char *action, const char *key, char *err, size_t len);
/* Runs the full-screen monitor. Returns the exit code. */
int mcw_run_tui(struct mcw_options *o);
/* Runs `mcwatch send` (argv[0] is "send"). Returns the exit code. */
int mcw_run_send(int argc, char **argv);
/* What `mcwatch send --replay` was asked (src/app/replay.c). */
struct mcw_replay_config {
  const char *path;   /* the capture */
  const char *filter; /* --filter: a libpcap filter expression, or NULL */
  const char *iface;  /* --iface for original groups, or NULL */
  double speed;       /* 1 = the capture's timing; 0 = no waiting */
  bool loop;          /* start again at the end */
  uint64_t count;     /* stop after this many datagrams; 0 = never */
  double duration;    /* stop after this many seconds; 0 = never */
  int ttl;
  bool mloop;                     /* multicast loopback */
  const struct mcw_endpoint *eps; /* resolved; none = original groups */
  size_t neps;
  volatile sig_atomic_t *stop; /* set by a signal handler */
};
/* Replays a capture's UDP payloads; returns the exit code. */
int mcw_replay(const struct mcw_replay_config *cfg);
/* Runs `mcwatch doctor` (argv[0] is "doctor"). Returns the exit code. */
int mcw_run_doctor(int argc, char **argv);
/* Runs `mcwatch beacon` (argv[0] is "beacon"). Returns the exit code. */
int mcw_run_beacon(int argc, char **argv);

/* Demo: prepares lo and starts the built-in senders on loop. */
struct mcw_demo;
/* What mcw_demo_prepare changed on the host, to undo at exit. */
struct mcw_demo_prep {
  bool set_multicast; /* set IFF_MULTICAST on lo */
  bool added_route;   /* added the demo group's host route on lo */
};
/*
 * Readies lo for the demo: as root sets its MULTICAST flag and adds a host
 * route for the demo group (for other tools); otherwise says in note which
 * command would. note is empty when nothing was needed.
 */
void mcw_demo_prepare(struct mcw_demo_prep *p, char *note, size_t len);
/* Undoes what mcw_demo_prepare changed. */
void mcw_demo_restore(const struct mcw_demo_prep *p);
/* Starts the demo senders to ep on loop; NULL with err on failure. */
struct mcw_demo *mcw_demo_start(uv_loop_t *loop, const struct mcw_endpoint *ep,
                                char *err, size_t errlen);
/* Stops the senders and closes their handles (freed by the loop). */
void mcw_demo_stop(struct mcw_demo *d);

#endif
