/*
 * `mcwatch send`: sends mcwatch probes (docs/PROBE.md) to one or more
 * groups at a steady rate, bounded by a count or a duration or stopped by
 * Ctrl-C, then prints one summary line on stderr. Options are its own;
 * endpoints follow the receiver's syntax (GROUP:PORT[%IFACE]). Usage
 * errors print one line and exit 2; runtime failures exit 1.
 */
#include <errno.h>
#include <getopt.h>
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
#include "mcwatch/ifscan.h"
#include "mcwatch/probe.h"
#include "mcwatch/txrun.h"

#define RATE_DEFAULT 10.0
#define RATE_MAX 1000000.0

enum { OPT_NO_LOOP = 256 };

static const struct option send_options[] = {
    {"text", required_argument, NULL, 't'},
    {"size", required_argument, NULL, 's'},
    {"rate", required_argument, NULL, 'r'},
    {"count", required_argument, NULL, 'n'},
    {"duration", required_argument, NULL, 'd'},
    {"ttl", required_argument, NULL, 'T'},
    {"iface", required_argument, NULL, 'i'},
    {"no-loop", no_argument, NULL, OPT_NO_LOOP},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig) { stop_flag = sig; }

static void send_usage(FILE *f) {
  fputs("Usage: mcwatch send [OPTIONS] GROUP:PORT[%IFACE]...\n"
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
        "  -h, --help                show this help\n"
        "\n"
        "Without --count or --duration it sends until Ctrl-C. At the end it\n"
        "prints \"sent N datagrams in S s (R/s) to ...\" on stderr.\n"
        "Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
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

/* Prints "sent N datagrams in S s (R/s) to A, B" on stderr. */
static void summary(const struct mcw_txrun_result *res,
                    const struct mcw_endpoint *eps, size_t n) {
  double per = n ? (double)res->sent / (double)n : 0;
  double rate = res->seconds > 0 ? (per - 1) / res->seconds : 0;
  char shown[128];

  fprintf(stderr, "sent %llu datagrams in %.3f s (%.1f/s%s) to ",
          (unsigned long long)res->sent, res->seconds, rate,
          n > 1 ? " per group" : "");
  for (size_t i = 0; i < n; i++)
    fprintf(stderr, "%s%s", i ? ", " : "",
            mcw_endpoint_format(&eps[i], shown, sizeof(shown)));
  if (res->errors > 0)
    fprintf(stderr, "; %llu refused by the kernel (no buffer space)",
            (unsigned long long)res->errors);
  fputc('\n', stderr);
}

int mcw_run_send(int argc, char **argv) {
  struct mcw_txrun_config cfg;
  struct mcw_txrun_result res;
  struct mcw_endpoint *eps;
  struct mcw_tx *tx;
  struct sigaction sa;
  const char *iface = NULL;
  char err[256];
  long ttl = 1;
  bool loop = true;
  size_t n, opened = 0;
  int c, r;

  mcw_cli_init("mcwatch send", "mcwatch send --help");
  memset(&cfg, 0, sizeof(cfg));
  cfg.rate = RATE_DEFAULT;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":t:s:r:n:d:i:h", send_options, NULL)) !=
         -1) {
    switch (c) {
    case 't':
      cfg.text = optarg;
      cfg.text_len = strlen(optarg);
      if (cfg.text_len > MCW_PROBE_MAX - MCW_PROBE_HDR)
        mcw_cli_error("--text: longer than %d bytes",
                      MCW_PROBE_MAX - MCW_PROBE_HDR);
      break;
    case 's':
      cfg.size =
          (size_t)mcw_cli_whole("--size", optarg, MCW_PROBE_HDR, MCW_PROBE_MAX);
      break;
    case 'r':
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
    case 'h':
      send_usage(stdout);
      return MCW_EXIT_OK;
    default: /* ':' (a value is missing) or '?' (unknown) */
      mcw_cli_bad_option(c, argv, optind, optopt);
    }
  }
  if (optind >= argc)
    mcw_cli_error("no group to send to; give GROUP:PORT");
  if (cfg.size != 0 && cfg.size < MCW_PROBE_HDR + cfg.text_len)
    mcw_cli_error("--size %zu: smaller than the probe header (%d bytes) "
                  "and the text (%zu bytes)",
                  cfg.size, MCW_PROBE_HDR, cfg.text_len);

  eps = mcw_xcalloc((size_t)(argc - optind), sizeof(*eps));
  n = resolve(argv, optind, argc, iface, eps);
  tx = mcw_xcalloc(n, sizeof(*tx));
  for (; opened < n; opened++) {
    r = mcw_tx_open(&tx[opened], &eps[opened], (int)ttl, loop, err,
                    sizeof(err));
    if (r < 0) {
      fprintf(stderr, "mcwatch send: %s\n", err);
      for (size_t i = 0; i < opened; i++)
        mcw_tx_close(&tx[i]);
      free(tx);
      free(eps);
      return MCW_EXIT_FAILURE;
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
  r = mcw_txrun(&cfg, &res);
  summary(&res, eps, n);
  if (r < 0)
    fprintf(stderr, "mcwatch send: sending to %s: %s\n", eps[0].iface,
            strerror(-r));
  for (size_t i = 0; i < n; i++)
    mcw_tx_close(&tx[i]);
  free(tx);
  free(eps);
  return r < 0 ? MCW_EXIT_FAILURE : MCW_EXIT_OK;
}
