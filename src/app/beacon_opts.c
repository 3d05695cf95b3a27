/*
 * `mcwatch beacon`'s command line: options, --help, and the channels
 * (any-source ones given as arguments, source-specific ones by --ssm,
 * each following the first any-source channel of its family).
 */
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "beacon_app.h"
#include "cli.h"
#include "mcwatch/common.h"
#include "mcwatch/ifscan.h"

enum {
  OPT_RATE = 256,
  OPT_REPORT,
  OPT_NAME,
  OPT_TTL,
  OPT_SSM,
  OPT_DURATION,
  OPT_METRICS,
  OPT_NO_COLOR
};

static const struct option beacon_options[] = {
    {"rate", required_argument, NULL, OPT_RATE},
    {"report", required_argument, NULL, OPT_REPORT},
    {"name", required_argument, NULL, OPT_NAME},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"ssm", required_argument, NULL, OPT_SSM},
    {"iface", required_argument, NULL, 'i'},
    {"headless", no_argument, NULL, 'H'},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void beacon_usage(FILE *f) {
  fputs(
      "Usage: mcwatch beacon [OPTIONS] GROUP:PORT[%IFACE]...\n"
      "\n"
      "Who hears whom: every host running a beacon sends probes to the\n"
      "group and, every report interval, a report of what it hears from\n"
      "every other beacon. Each beacon merges them into a matrix: a row\n"
      "per sending beacon, a column per receiving beacon, with loss,\n"
      "duplicates, reordering, one-way delay, jitter and hops per pair.\n"
      "One-way delay needs agreeing clocks (one host, PTP); jitter does not.\n"
      "\n"
      "Options:\n"
      "      --name NAME      this beacon's name, at most 32 bytes\n"
      "                       (default: the host name)\n"
      "      --rate N         probes per second per channel, 1 to 1000\n"
      "                       (default 10)\n"
      "      --report S       seconds between reports, 0.2 to 3600 "
      "(default 5)\n"
      "      --ttl N          TTL (hop limit) of the probes, 1 to 255\n"
      "                       (default 8); hops = sent TTL - received TTL\n"
      "      --ssm GROUP:PORT a source-specific channel: joined for each\n"
      "                       peer found on the any-source channel\n"
      "  -i, --iface IFACE    interface for endpoints without %IFACE\n"
      "  -H, --headless       JSON lines on stdout: a matrix event per "
      "report\n"
      "      --duration S     stop after S seconds\n"
      "      --metrics [ADDR:]PORT  serve mcwatch_beacon_* on /metrics\n"
      "      --no-color       no colours on screen (also NO_COLOR)\n"
      "  -h, --help           show this help\n"
      "\n"
      "Screen keys: arrows move the cursor, v cycles the figure shown\n"
      "(loss, delay, jitter, hops), q quits. docs/BEACON.md has the details.\n",
      f);
}

/* Parses and resolves one channel; exits with a usage error when bad. */
static void add_channel(struct mcw_beacon_app *b, const char *text, bool ssm,
                        const struct mcw_iface_list *list, const char *def) {
  struct mcw_bchan *c;
  char err[300];

  if (b->nch == MCW_BEACON_CHANNELS)
    mcw_cli_error("at most %d channels", MCW_BEACON_CHANNELS);
  c = &b->ch[b->nch];
  memset(c, 0, sizeof(*c));
  c->tx.fd = -1;
  if (mcw_endpoint_parse_channel(text, &c->ep, err, sizeof(err)) < 0 ||
      mcw_endpoint_resolve(&c->ep, list, def, err, sizeof(err)) < 0)
    mcw_cli_error("%s", err);
  if (mcw_endpoint_has_source(&c->ep))
    mcw_cli_error("%s: no @SOURCE for a beacon; --ssm joins each peer", text);
  if (strcmp(c->ep.iface, "*") == 0)
    mcw_cli_error("%s: one interface per channel; name it after %%", text);
  if (ssm != mcw_addr_is_ssm(&c->ep.group))
    mcw_cli_error(ssm ? "%s: --ssm needs a source-specific group "
                        "(232.0.0.0/8 or ff3x::/32)"
                      : "%s: a source-specific group needs --ssm",
                  text);
  c->ssm = ssm;
  c->follows = -1;
  mcw_addr_format_port(&c->ep.group, c->text, sizeof(c->text));
  b->nch++;
}

void mcw_beacon_parse(struct mcw_beacon_app *b, int argc, char **argv) {
  const char *iface = NULL, *ssm[MCW_BEACON_CHANNELS];
  size_t nssm = 0;
  struct mcw_iface_list list;
  char defiface[IF_NAMESIZE], err[300];
  const char *def;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":i:Hh", beacon_options, NULL)) != -1) {
    switch (c) {
    case OPT_RATE:
      b->rate = mcw_cli_decimal("--rate", optarg, 1, 1000, false);
      break;
    case OPT_REPORT:
      b->report_s = mcw_cli_decimal("--report", optarg, 0.2, 3600, false);
      break;
    case OPT_NAME:
      if (optarg[0] == '\0' || strlen(optarg) > MCW_BEACON_NAME_MAX)
        mcw_cli_error("--name: 1 to %d bytes", MCW_BEACON_NAME_MAX);
      mcw_strlcpy(b->name, optarg, sizeof(b->name));
      break;
    case OPT_TTL:
      b->ttl = (int)mcw_cli_whole("--ttl", optarg, 1, 255);
      break;
    case OPT_SSM:
      if (nssm == MCW_BEACON_CHANNELS)
        mcw_cli_error("--ssm: at most %d", MCW_BEACON_CHANNELS);
      ssm[nssm++] = optarg;
      break;
    case 'i':
      if (optarg[0] == '\0')
        mcw_cli_error("--iface: empty interface name");
      iface = optarg;
      break;
    case 'H':
      b->headless = true;
      break;
    case OPT_DURATION:
      b->duration = mcw_cli_decimal("--duration", optarg, 0, 1e9, false);
      break;
    case OPT_METRICS:
      if (mcw_httpd_parse_listen(optarg, &b->listen, err, sizeof(err)) < 0)
        mcw_cli_error("--metrics: %s", err);
      b->metrics = true;
      break;
    case OPT_NO_COLOR:
      b->color = false;
      break;
    case 'h':
      beacon_usage(stdout);
      exit(MCW_EXIT_OK);
    default:
      mcw_cli_bad_option(c, argv, optind, optopt);
    }
  }
  if (optind >= argc)
    mcw_cli_error("no beacon group; give GROUP:PORT");
  if (mcw_ifscan(&list) < 0)
    mcw_cli_error("cannot list interfaces");
  def = mcw_ifscan_default_iface(iface, defiface, sizeof(defiface));
  for (int i = optind; i < argc; i++)
    add_channel(b, argv[i], false, &list, def);
  for (size_t i = 0; i < nssm; i++) {
    struct mcw_bchan *s;
    add_channel(b, ssm[i], true, &list, def);
    s = &b->ch[b->nch - 1];
    for (size_t k = 0; k < b->nch - 1 && s->follows < 0; k++)
      if (!b->ch[k].ssm && b->ch[k].ep.group.family == s->ep.group.family)
        s->follows = (int)k;
    if (s->follows < 0)
      mcw_cli_error("--ssm %s: needs an any-source channel of the same "
                    "family to find its peers",
                    ssm[i]);
  }
  mcw_iface_list_free(&list);
}
