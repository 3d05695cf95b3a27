/*
 * `mcwatch doctor GROUP...`: runs the doctor's checks for each endpoint
 * and prints them as a table (or JSON lines with --json). The interface is
 * looked up but not required to be usable: a missing, down or
 * non-multicast interface is what the doctor reports, not a usage error.
 * Exit 0 when no check failed, 1 when one did, 2 on a usage error.
 */
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/common.h"
#include "mcwatch/doctor.h"
#include "mcwatch/ifscan.h"

enum { OPT_JSON = 256, OPT_RCVBUF, OPT_NO_JOIN, OPT_LISTEN };

static const struct option doctor_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"iface", required_argument, NULL, 'i'},
    {"rcvbuf", required_argument, NULL, OPT_RCVBUF},
    {"no-join", no_argument, NULL, OPT_NO_JOIN},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void doctor_usage(FILE *f) {
  fputs("Usage: mcwatch doctor [OPTIONS] GROUP:PORT[@SOURCE][%IFACE]...\n"
        "\n"
        "Explain why a group may see nothing: checks the interface (exists,\n"
        "up, MULTICAST), the route for the group, rp_filter and the route\n"
        "back to the source, the kernel's membership after a brief join\n"
        "(/proc/net/igmp, igmp6), igmp_max_memberships (IPv4) or\n"
        "net.core.optmem_max (IPv6), net.core.rmem_max, the group's scope,\n"
        "other sockets on the port and, as root, whether a firewall rule\n"
        "drops the group's datagrams (nft -j list ruleset, read only).\n"
        "Each check reads OK, WARN, FAIL or SKIP (not checked), with a\n"
        "sentence and the command that fixes it.\n"
        "\n"
        "Options:\n"
        "  -i, --iface IFACE    interface for endpoints without %IFACE\n"
        "                       (default: that of the default route, else lo)\n"
        "      --json           one JSON object per check per line\n"
        "      --rcvbuf BYTES   receive buffer to check against rmem_max\n"
        "                       (default 4194304)\n"
        "      --no-join        skip the brief join (membership check)\n"
        "      --listen S       wait up to S seconds for an IGMP/MLD query\n"
        "                       on the interface (CAP_NET_RAW): who queries,\n"
        "                       how often, and its version against a\n"
        "                       source-specific join (default 0: only the\n"
        "                       version the kernel recorded)\n"
        "  -h, --help           show this help\n"
        "\n"
        "Exit status: 0 nothing failed, 1 a check failed, 2 usage error.\n"
        "The doctor joins each group for a moment and leaves it again.\n",
        f);
}

/* Parses one endpoint and looks up its interface (absent is allowed). */
static void parse_endpoint(const char *text, const char *def,
                           const struct mcw_iface_list *list,
                           struct mcw_endpoint *ep) {
  const struct mcw_iface *ifc;
  char err[256];

  if (mcw_endpoint_parse(text, ep, err, sizeof(err)) < 0)
    mcw_cli_error("%s", err);
  if (ep->iface[0] == '\0')
    mcw_strlcpy(ep->iface, def, sizeof(ep->iface));
  if (strcmp(ep->iface, "*") == 0)
    mcw_cli_error("%s: the doctor checks one interface at a time; name it "
                  "after %%",
                  text);
  ifc = mcw_iface_find(list, ep->iface);
  if (ifc != NULL) {
    ep->ifindex = ifc->index;
    mcw_strlcpy(ep->iface, ifc->name, sizeof(ep->iface));
  }
}

int mcw_run_doctor(int argc, char **argv) {
  struct mcw_doctor_options opts;
  struct mcw_iface_list list = {0};
  struct mcw_endpoint *eps;
  struct mcw_json out = {0};
  char defiface[IF_NAMESIZE];
  const char *iface = NULL, *def;
  bool json = false, failed = false;
  int c, n;

  mcw_cli_init("mcwatch doctor", "mcwatch doctor --help");
  mcw_doctor_options_default(&opts);
  optind = 1;
  opterr = 0;
  mcw_cli_long_options(doctor_options);
  while ((c = getopt_long(argc, argv, ":i:h", doctor_options, NULL)) != -1) {
    switch (c) {
    case OPT_JSON:
      json = true;
      break;
    case 'i':
      if (optarg[0] == '\0')
        mcw_cli_error("--iface: empty interface name");
      iface = optarg;
      break;
    case OPT_RCVBUF:
      opts.rcvbuf =
          (int)mcw_cli_whole("--rcvbuf", optarg, 0, 1024u * 1024 * 1024);
      break;
    case OPT_NO_JOIN:
      opts.join = false;
      break;
    case OPT_LISTEN:
      opts.listen_s = mcw_cli_decimal("--listen", optarg, 0, 3600, true);
      break;
    case 'h':
      doctor_usage(stdout);
      return mcw_cli_stdout_done();
    default: /* ':' (a value is missing) or '?' (unknown) */
      mcw_cli_bad_option(c, argv, optind, optopt);
    }
  }
  if (optind >= argc)
    mcw_cli_error("no group to check; give GROUP:PORT");
  if (mcw_ifscan(&list) < 0) {
    fprintf(stderr, "mcwatch doctor: cannot list interfaces\n");
    return MCW_EXIT_FAILURE;
  }
  def = mcw_ifscan_default_iface(iface, defiface, sizeof(defiface));
  n = argc - optind;
  eps = mcw_xcalloc((size_t)n, sizeof(*eps));
  for (int i = 0; i < n; i++)
    parse_endpoint(argv[optind + i], def, &list, &eps[i]);
  mcw_iface_list_free(&list);

  opts.ngroups = (size_t)n;
  for (int i = 0; i < n; i++) {
    struct mcw_doctor_report r = {0};
    mcw_doctor_run(&eps[i], &opts, &r);
    failed = failed || mcw_doctor_worst(&r) == MCW_DOC_FAIL;
    mcw_json_reset(&out);
    if (json)
      mcw_doctor_format_json(&r, &out);
    else
      mcw_doctor_format_text(&r, &out);
    if (!json && i + 1 < n)
      mcw_json_raw(&out, "\n", 1);
    fwrite(out.buf, 1, out.len, stdout);
    mcw_doctor_report_free(&r);
  }
  if (!json)
    printf("%s\n", failed ? "result: a check failed (see FAIL above)"
                          : "result: nothing failed");
  mcw_json_free(&out);
  free(eps);
  if (mcw_cli_stdout_done() != MCW_EXIT_OK)
    return MCW_EXIT_FAILURE;
  return failed ? MCW_EXIT_FAILURE : MCW_EXIT_OK;
}
