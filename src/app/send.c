/*
 * `mcwatch send`: sends mcwatch probes (docs/PROBE.md) to one or more
 * groups at a steady rate, bounded by a count or a duration or stopped by
 * Ctrl-C, then prints one summary line on stderr. Options are its own;
 * endpoints follow the receiver's syntax (GROUP:PORT[%IFACE]). Usage
 * errors print one line and exit 2; runtime failures exit 1. A group that
 * fails (its sender cannot be opened, or a send fails for good) is
 * reported at once with its own endpoint and the others go on; the exit
 * status is then 1. Every line that carries text from outside (interface
 * names, endpoints) goes through the escaper.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <math.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/probe.h"
#include "mcwatch/txrun.h"

#define RATE_DEFAULT 10.0
#define RATE_MAX 1000000.0
#define RATE_MIN_S 0.01 /* shorter than this, a rate is not measured */
#define SAY_MAX 2048

enum { OPT_NO_LOOP = 256, OPT_REPLAY, OPT_SPEED, OPT_LOOP, OPT_FILTER };

static const struct option send_options[] = {
    {"text", required_argument, NULL, 't'},
    {"size", required_argument, NULL, 's'},
    {"rate", required_argument, NULL, 'r'},
    {"count", required_argument, NULL, 'n'},
    {"duration", required_argument, NULL, 'd'},
    {"ttl", required_argument, NULL, 'T'},
    {"iface", required_argument, NULL, 'i'},
    {"no-loop", no_argument, NULL, OPT_NO_LOOP},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"loop", no_argument, NULL, OPT_LOOP},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig) { stop_flag = sig; }

static void send_usage(FILE *f) {
  fputs(
      "Usage: mcwatch send [OPTIONS] GROUP:PORT[%IFACE]...\n"
      "       mcwatch send --replay FILE [OPTIONS] [GROUP:PORT[%IFACE]...]\n"
      "\n"
      "Send mcwatch probes (sender id, sequence number, send time and an\n"
      "optional text; see docs/PROBE.md) so that mcwatch receivers report\n"
      "loss, duplicates, reordering, latency and jitter.\n"
      "\n"
      "Options:\n"
      "  -t, --text TEXT           text carried in every probe\n"
      "  -s, --size BYTES          pad each probe to BYTES (32 to 65507)\n"
      "  -r, --rate PPS            probes per second per group (default "
      "10;\n"
      "                            fractions allowed, at most 1000000)\n"
      "  -n, --count N             stop after N probes per group\n"
      "  -d, --duration SECONDS    stop after SECONDS\n"
      "      --ttl N               multicast TTL / hop limit (default 1)\n"
      "  -i, --iface IFACE         interface for groups without %IFACE\n"
      "                            (default: that of the default route, "
      "else lo)\n"
      "      --no-loop             do not loop probes back to this host\n"
      "\n"
      "Replay (instead of probes):\n"
      "      --replay FILE         send the UDP payloads of a pcap or pcapng\n"
      "                            capture (tcpdump, Wireshark, mcwatch\n"
      "                            --write) with its timing: to each GROUP\n"
      "                            given, else to their original groups\n"
      "                            (on --iface)\n"
      "      --speed X             X times the capture's pace (default 1;\n"
      "                            0: as fast as possible)\n"
      "      --loop                start the capture again at its end\n"
      "      --filter EXPR         only the records this pcap-filter(7)\n"
      "                            expression takes\n"
      "      (--count counts datagrams taken from the capture; --duration\n"
      "      and --ttl apply; --text, --size and --rate do not)\n"
      "  -h, --help                show this help\n"
      "\n"
      "Without --count or --duration it sends until Ctrl-C. At the end it\n"
      "prints \"sent N datagrams in S s (R/s) to ...\" on stderr (no rate\n"
      "with fewer than 2 probes per group or under 10 ms: nothing to\n"
      "measure). A group that fails is reported at once; the others go on.\n"
      "Exit status: 0 ok, 1 runtime failure (any group, a capture that\n"
      "cannot be read or is cut short, nothing replayed), 2 usage error\n"
      "(also a file that is not a capture).\n",
      f);
}

/* Resolves the endpoints of argv[first..argc) into eps; exits 2 on error. */
static size_t resolve(char **argv, int first, int argc, const char *iface,
                      struct mcw_endpoint *eps) {
  struct mcw_iface_list list;
  char err[256], defiface[IF_NAMESIZE];
  const char *def;
  size_t n = 0;
  int r = mcw_ifscan(&list);

  if (r < 0) {
    fprintf(stderr, "mcwatch send: cannot list interfaces: %s\n", strerror(-r));
    exit(MCW_EXIT_FAILURE);
  }
  def = mcw_ifscan_default_iface(iface, defiface, sizeof(defiface));
  for (int i = first; i < argc; i++) {
    struct mcw_endpoint *ep = &eps[n];
    if (mcw_endpoint_parse(argv[i], ep, err, sizeof(err)) < 0 ||
        mcw_endpoint_resolve(ep, &list, def, err, sizeof(err)) < 0) {
      mcw_iface_list_free(&list);
      mcw_cli_error("%s", err);
    }
    if (mcw_endpoint_has_source(ep)) {
      mcw_iface_list_free(&list);
      mcw_cli_error("%s: a source (@) is for receiving; send to "
                    "GROUP:PORT[%%IFACE]",
                    argv[i]);
    }
    n++;
  }
  mcw_iface_list_free(&list);
  return n;
}

/* Escape flags for stderr: ASCII only unless the locale is UTF-8. */
static unsigned escape_flags(void) {
  return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? 0 : MCW_ESC_ASCII;
}

static void say(const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void append(char *line, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints prefix and the formatted line, escaped, on stderr. */
static void say(const char *prefix, const char *fmt, ...) {
  char raw[SAY_MAX], esc[MCW_ESC_MAX(SAY_MAX)];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(raw, sizeof(raw), fmt, ap);
  va_end(ap);
  mcw_escape((const uint8_t *)raw, strlen(raw), esc, sizeof(esc),
             escape_flags());
  fprintf(stderr, "%s%s\n", prefix, esc);
}

/* Appends to line (SAY_MAX bytes, *used of them taken); cuts when full. */
static void append(char *line, size_t *used, const char *fmt, ...) {
  va_list ap;
  int k;

  if (*used >= SAY_MAX - 1)
    return;
  va_start(ap, fmt);
  k = vsnprintf(line + *used, SAY_MAX - *used, fmt, ap);
  va_end(ap);
  if (k > 0)
    *used = *used + (size_t)k < SAY_MAX ? *used + (size_t)k : SAY_MAX - 1;
}

/* Whether tx was opened and has not failed. */
static bool sending(const struct mcw_tx *tx) {
  return tx->fd >= 0 && tx->err == 0;
}

/*
 * Prints "sent N datagram(s) in S s (R/s) to A, B" for the groups that
 * sent to the end. The rate counts intervals between probes: (P - 1) / S
 * for P probes per group; with fewer than 2, or under RATE_MIN_S, there
 * is nothing to measure and no rate is printed.
 */
static void summary(const struct mcw_txrun_result *res, const struct mcw_tx *tx,
                    const struct mcw_endpoint *eps, size_t n) {
  char line[SAY_MAX], shown[128];
  uint64_t sent = 0, refused = 0, per = 0;
  size_t ok = 0, used = 0;

  for (size_t i = 0; i < n; i++) {
    if (!sending(&tx[i]))
      continue;
    ok++;
    sent += tx[i].sent;
    refused += tx[i].refused;
    if (tx[i].sent > per)
      per = tx[i].sent;
  }
  if (ok == 0)
    return;
  append(line, &used, "sent %llu datagram%s in %.3f s",
         (unsigned long long)sent, sent == 1 ? "" : "s", res->seconds);
  if (per >= 2 && res->seconds >= RATE_MIN_S)
    append(line, &used, " (%.1f/s%s)", (double)(per - 1) / res->seconds,
           ok > 1 ? " per group" : "");
  append(line, &used, " to ");
  for (size_t i = 0, k = 0; i < n; i++)
    if (sending(&tx[i]))
      append(line, &used, "%s%s", k++ ? ", " : "",
             mcw_endpoint_format(&eps[i], shown, sizeof(shown)));
  if (refused > 0)
    append(line, &used, "; %llu refused by the kernel (no buffer space)",
           (unsigned long long)refused);
  say("", "%s", line);
}

struct failures {
  const struct mcw_endpoint *eps;
  const struct mcw_tx *tx;
};

/* Reports, at once, that group i stopped on error err. */
static void on_failed(void *arg, size_t i, int err) {
  const struct failures *f = arg;
  char shown[128];

  say("mcwatch send: ", "%s: cannot send: %s (stopped after %llu datagram%s)",
      mcw_endpoint_format(&f->eps[i], shown, sizeof(shown)), strerror(-err),
      (unsigned long long)f->tx[i].sent, f->tx[i].sent == 1 ? "" : "s");
}

/* Runs --replay with the options and endpoints parsed; returns the code. */
static int replay(struct mcw_replay_config *rp, int argc, char **argv,
                  const char *iface, int ttl, bool loop, bool probe_opt,
                  const struct mcw_txrun_config *cfg) {
  struct mcw_endpoint *eps = NULL;
  struct sigaction sa;
  int code;

  if (probe_opt)
    mcw_cli_error("--text, --size and --rate are for probes, not --replay");
  if (rp->path[0] == '\0')
    mcw_cli_error("--replay: empty file name");
  if (optind < argc) {
    eps = mcw_xcalloc((size_t)(argc - optind), sizeof(*eps));
    rp->neps = resolve(argv, optind, argc, iface, eps);
  }
  rp->eps = eps;
  rp->iface = iface;
  rp->ttl = ttl;
  rp->mloop = loop;
  rp->count = cfg->count;
  rp->duration = cfg->duration;
  rp->stop = &stop_flag;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end at once */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  code = mcw_replay(rp);
  free(eps);
  return code;
}

int mcw_run_send(int argc, char **argv) {
  struct mcw_txrun_config cfg;
  struct mcw_txrun_result res;
  struct mcw_endpoint *eps;
  struct mcw_tx *tx;
  struct failures fails;
  struct sigaction sa;
  const char *iface = NULL;
  char err[256];
  long ttl = 1;
  bool loop = true, probe_opt = false;
  struct mcw_replay_config rp = {.speed = 1.0};
  size_t n, failed = 0;
  int c;

  mcw_cli_init("mcwatch send", "mcwatch send --help");
  memset(&cfg, 0, sizeof(cfg));
  cfg.rate = RATE_DEFAULT;
  optind = 1;
  opterr = 0;
  mcw_cli_long_options(send_options);
  while ((c = getopt_long(argc, argv, ":t:s:r:n:d:i:h", send_options, NULL)) !=
         -1) {
    switch (c) {
    case 't':
      probe_opt = true;
      cfg.text = optarg;
      cfg.text_len = strlen(optarg);
      if (cfg.text_len > MCW_PROBE_MAX - MCW_PROBE_HDR)
        mcw_cli_error("--text: longer than %d bytes",
                      MCW_PROBE_MAX - MCW_PROBE_HDR);
      break;
    case 's':
      probe_opt = true;
      cfg.size =
          (size_t)mcw_cli_whole("--size", optarg, MCW_PROBE_HDR, MCW_PROBE_MAX);
      break;
    case 'r':
      probe_opt = true;
      cfg.rate = mcw_cli_decimal("--rate", optarg, 0.001, RATE_MAX, false);
      break;
    case 'n':
      cfg.count = mcw_cli_whole("--count", optarg, 1, UINT64_MAX);
      break;
    case 'd':
      cfg.duration =
          mcw_cli_decimal("--duration", optarg, 0.001, 31536000.0, false);
      break;
    case 'T':
      ttl = (long)mcw_cli_whole("--ttl", optarg, 0, 255);
      break;
    case 'i':
      if (optarg[0] == '\0')
        mcw_cli_error("--iface: empty interface name");
      iface = optarg;
      break;
    case OPT_NO_LOOP:
      loop = false;
      break;
    case OPT_REPLAY:
      rp.path = optarg;
      break;
    case OPT_SPEED:
      rp.speed = mcw_cli_decimal("--speed", optarg, 0, 1000.0, true);
      if (rp.speed > 0 && rp.speed < 0.001)
        mcw_cli_error("--speed %s: out of range; allowed 0 or 0.001 to 1000",
                      optarg);
      break;
    case OPT_LOOP:
      rp.loop = true;
      break;
    case OPT_FILTER:
      rp.filter = optarg;
      break;
    case 'h':
      send_usage(stdout);
      return mcw_cli_stdout_done();
    default: /* ':' (a value is missing) or '?' (unknown) */
      mcw_cli_bad_option(c, argv, optind, optopt);
    }
  }
  if (rp.path != NULL)
    return replay(&rp, argc, argv, iface, (int)ttl, loop, probe_opt, &cfg);
  if (rp.loop || rp.filter != NULL || rp.speed != 1.0)
    mcw_cli_error("--speed, --loop and --filter go with --replay FILE");
  if (optind >= argc)
    mcw_cli_error("no group to send to; give GROUP:PORT");
  if (cfg.size != 0 && cfg.size < MCW_PROBE_HDR + cfg.text_len)
    mcw_cli_error("--size %zu: smaller than the probe header (%d bytes) "
                  "and the text (%zu bytes)",
                  cfg.size, MCW_PROBE_HDR, cfg.text_len);

  eps = mcw_xcalloc((size_t)(argc - optind), sizeof(*eps));
  n = resolve(argv, optind, argc, iface, eps);
  tx = mcw_xcalloc(n, sizeof(*tx));
  for (size_t i = 0; i < n; i++) {
    if (mcw_tx_open(&tx[i], &eps[i], (int)ttl, loop, err, sizeof(err)) < 0) {
      say("mcwatch send: ", "%s", err);
      failed++;
    }
  }

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end at once */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  cfg.tx = tx;
  cfg.ntx = n;
  cfg.sender_id = mcw_cli_random_id();
  cfg.stop = &stop_flag;
  cfg.failed = on_failed;
  cfg.arg = &fails;
  fails.eps = eps;
  fails.tx = tx;
  if (failed < n) {
    mcw_txrun(&cfg, &res);
    failed += res.failed;
    summary(&res, tx, eps, n);
  }
  for (size_t i = 0; i < n; i++)
    mcw_tx_close(&tx[i]);
  free(tx);
  free(eps);
  return failed > 0 ? MCW_EXIT_FAILURE : MCW_EXIT_OK;
}
