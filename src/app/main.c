/*
 * mcwatch's entry point: reads the command line, resolves the endpoints
 * against the host's interfaces, and hands over to a mode (interface list,
 * headless JSON lines, or the full-screen monitor). Usage errors print one
 * line and exit 2; runtime failures exit 1.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <wchar.h>

#include "app.h"
#include "cli.h"
#include "mcwatch/chanlist.h"
#include "mcwatch/coalesce.h"
#include "mcwatch/common.h"
#include "mcwatch/config.h"
#include "mcwatch/escape.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/json.h"
#include "mcwatch/rtp.h"

enum {
  OPT_DEMO = 256,
  OPT_JSON,
  OPT_INTERVAL,
  OPT_STATS_ONLY,
  OPT_HISTORY,
  OPT_SNAP,
  OPT_RCVBUF,
  OPT_COALESCE,
  OPT_MAX_SENDERS,
  OPT_NO_COLOR,
  OPT_CONFIG,
  OPT_NO_CONFIG,
  OPT_SILENCE,
  OPT_MAX_LOSS,
  OPT_BELL,
  OPT_NO_BELL,
  OPT_NO_MOUSE,
  OPT_NO_IGMP,
  OPT_METRICS,
  OPT_CLOCK,
  OPT_SAP,
  OPT_SAP_TIMEOUT,
};

static const struct option long_options[] = {
    {"headless", no_argument, NULL, 'H'},
    {"demo", no_argument, NULL, OPT_DEMO},
    {"list-interfaces", no_argument, NULL, 'L'},
    {"json", no_argument, NULL, OPT_JSON},
    {"iface", required_argument, NULL, 'i'},
    {"count", required_argument, NULL, 'n'},
    {"duration", required_argument, NULL, 'd'},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"stats-only", no_argument, NULL, OPT_STATS_ONLY},
    {"history", required_argument, NULL, OPT_HISTORY},
    {"snap", required_argument, NULL, OPT_SNAP},
    {"rcvbuf", required_argument, NULL, OPT_RCVBUF},
    {"coalesce", required_argument, NULL, OPT_COALESCE},
    {"max-senders", required_argument, NULL, OPT_MAX_SENDERS},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"clock", required_argument, NULL, OPT_CLOCK},
    {"write", required_argument, NULL, 'w'},
    {"file", required_argument, NULL, 'f'},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"silence", required_argument, NULL, OPT_SILENCE},
    {"max-loss", required_argument, NULL, OPT_MAX_LOSS},
    {"bell", no_argument, NULL, OPT_BELL},
    {"no-bell", no_argument, NULL, OPT_NO_BELL},
    {"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
    {"no-igmp", no_argument, NULL, OPT_NO_IGMP},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"sap", no_argument, NULL, OPT_SAP},
    {"sap-timeout", required_argument, NULL, OPT_SAP_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f) {
  fputs(
      "Usage: mcwatch [OPTIONS] GROUP:PORT[@SOURCE][%IFACE]...\n"
      "       mcwatch [OPTIONS] -f CHANNELS [GROUP:PORT...]\n"
      "       mcwatch --demo [--headless]\n"
      "       mcwatch --list-interfaces [--json]\n"
      "       mcwatch send [OPTIONS] GROUP:PORT[%IFACE]...  (see mcwatch "
      "send --help)\n"
      "       mcwatch doctor [--json] GROUP:PORT[@SOURCE][%IFACE]...  (why "
      "nothing arrives)\n"
      "       mcwatch beacon [OPTIONS] GROUP:PORT[%IFACE]...  (who hears "
      "whom)\n"
      "\n"
      "Watch IP multicast groups live: who sends, how fast, what arrives.\n"
      "\n"
      "Endpoints:\n"
      "  239.1.2.3:5000            any-source group on the default interface\n"
      "  232.1.1.1:5000@10.0.0.5   source-specific (SSM) group\n"
      "  239.1.2.3:5000%eth0       on an interface (name, index or address)\n"
      "  [ff15::1234]:5000%eth0    IPv6 group (in brackets)\n"
      "  239.1.2.3:5000%*          on every interface that is up with "
      "MULTICAST\n"
      "\n"
      "Modes:\n"
      "  -H, --headless            print JSON lines instead of the screen UI\n"
      "      --demo                watch " MCW_DEMO_GROUP "%" MCW_DEMO_IFACE
      " with built-in local senders\n"
      "  -L, --list-interfaces     list interfaces and exit (with --json: JSON "
      "lines)\n"
      "\n"
      "Options:\n"
      "  -i, --iface IFACE         interface for endpoints without %IFACE\n"
      "                            (default: that of the default route, else "
      "lo)\n"
      "  -n, --count N             stop after N datagrams\n"
      "  -d, --duration SECONDS    stop after SECONDS (fractions allowed)\n"
      "      --interval SECONDS    headless stats every SECONDS (default 1; 0 "
      "= off)\n"
      "      --stats-only          headless: no datagram lines, only stats\n"
      "      --history N           datagrams kept per group for the screen\n"
      "                            (default 1000; headless keeps none)\n"
      "      --snap BYTES          payload bytes kept and shown (default "
      "256);\n"
      "                            history x snap is the memory per group\n"
      "                            (at most 256 MiB)\n"
      "      --rcvbuf BYTES        socket receive buffer to ask for (default "
      "4194304)\n"
      "      --coalesce USEC       longest nap between wakeups when datagrams "
      "come\n"
      "                            a few at a time (default 500; 0 = wake for "
      "each)\n"
      "      --max-senders N       senders tracked per group (default 256)\n"
      "      --clock PT=HZ         RTP clock of payload type PT (repeatable);\n"
      "                            without it, or an SDP naming the group's\n"
      "                            rate (-f, --sap), a dynamic type has no "
      "jitter\n"
      "      --no-color            no colours in the screen UI (also "
      "NO_COLOR)\n"
      "  -f, --file FILE           watch the channels of FILE (repeatable): "
      "lines\n"
      "                            \"ENDPOINT LABEL\", an M3U playlist "
      "(udp://, rtp://)\n"
      "                            or an SDP file\n"
      "      --silence SECONDS     alarm when a group that received is silent "
      "this\n"
      "                            long (default 3)\n"
      "      --max-loss PCT        alarm when loss over 10 s passes PCT "
      "(default 0:\n"
      "                            any loss)\n"
      "      --bell, --no-bell     ring the terminal bell when an alarm is "
      "raised\n"
      "      --no-mouse            do not read the mouse in the screen UI\n"
      "      --no-igmp             do not watch IGMP/MLD queriers and reports\n"
      "                            (a raw socket: needs CAP_NET_RAW)\n"
      "      --config FILE         read defaults and keys from FILE (default\n"
      "                            $XDG_CONFIG_HOME/mcwatch/config or\n"
      "                            ~/.config/mcwatch/config)\n"
      "      --no-config           read no config file\n"
      "  -w, --write FILE          record received datagrams to FILE in pcap "
      "format\n"
      "                            (raw IP, nanosecond kernel timestamps; "
      "tcpdump -r)\n"
      "      --metrics [ADDR]:PORT serve Prometheus metrics at\n"
      "                            http://ADDR:PORT/metrics (:PORT alone: "
      "127.0.0.1\n"
      "                            and ::1; see docs/METRICS.md)\n"
      "      --sap                 list the sessions SAP announces (RFC 2974; "
      "port\n"
      "                            9875 of 224.2.127.254, 239.255.255.255, "
      "ff0X::2:7ffe)\n"
      "                            on -i's interface and the endpoints'\n"
      "      --sap-timeout SECONDS forget a session not re-announced for "
      "SECONDS or\n"
      "                            ten of its intervals, whichever is longer "
      "(default\n"
      "                            3600)\n"
      "  -h, --help                show this help\n"
      "  -V, --version             show the version\n"
      "\n"
      "Exit status: 0 ok, 1 runtime failure (a join refused...), 2 usage "
      "error.\n"
      "See mcwatch(1) and docs/JSON.md for the headless output.\n",
      f);
}

static void raise_fd_limit(void) {
  struct rlimit rl;

  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* Columns text takes on the terminal (its bytes, if the locale cannot say). */
static int text_columns(const char *text) {
  wchar_t w[256];
  size_t n = mbstowcs(w, text, MCW_ARRAY_LEN(w));
  int cols = n == (size_t)-1 || n == MCW_ARRAY_LEN(w) ? -1 : wcswidth(w, n);

  return cols < 0 ? (int)strlen(text) : cols;
}

static void print_iface_text(const struct mcw_iface *ifc) {
  char buf[MCW_ADDRSTRLEN], line[1024], name[MCW_ESC_MAX(IF_NAMESIZE)];
  int n, pad;

  /* A name may hold any byte but '/' and blanks: never print it raw. */
  mcw_escape((const uint8_t *)ifc->name, strlen(ifc->name), name, sizeof(name),
             mcw_cli_escape_flags());
  pad = 15 - text_columns(name);
  n = snprintf(line, sizeof(line), "%s%*s %3u  %-4s  %-12s", name,
               pad > 0 ? pad : 0, "", ifc->index,
               (ifc->flags & IFF_UP) ? "up" : "down",
               (ifc->flags & IFF_MULTICAST) ? "multicast" : "no-multicast");
  if (ifc->flags & IFF_LOOPBACK)
    n += snprintf(line + n, sizeof(line) - (size_t)n, "  loopback");
  for (unsigned i = 0; i < ifc->naddrs && (size_t)n < sizeof(line); i++)
    n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s",
                  mcw_addr_format(&ifc->addrs[i], buf, sizeof(buf)));
  while (n > 0 && line[n - 1] == ' ')
    line[--n] = '\0';
  puts(line);
}

static void print_iface_json(const struct mcw_iface *ifc) {
  struct mcw_json j = {0};
  char buf[MCW_ADDRSTRLEN];

  mcw_json_open(&j);
  mcw_json_key(&j, "name");
  mcw_json_str(&j, ifc->name);
  mcw_json_key(&j, "index");
  mcw_json_u64(&j, ifc->index);
  mcw_json_key(&j, "up");
  mcw_json_bool(&j, (ifc->flags & IFF_UP) != 0);
  mcw_json_key(&j, "running");
  mcw_json_bool(&j, (ifc->flags & IFF_RUNNING) != 0);
  mcw_json_key(&j, "multicast");
  mcw_json_bool(&j, (ifc->flags & IFF_MULTICAST) != 0);
  mcw_json_key(&j, "loopback");
  mcw_json_bool(&j, (ifc->flags & IFF_LOOPBACK) != 0);
  mcw_json_key(&j, "addresses");
  mcw_json_open_array(&j);
  for (unsigned i = 0; i < ifc->naddrs; i++)
    mcw_json_str(&j, mcw_addr_format(&ifc->addrs[i], buf, sizeof(buf)));
  mcw_json_close_array(&j);
  mcw_json_close(&j);
  puts(j.buf);
  mcw_json_free(&j);
}

static int list_interfaces(const struct mcw_iface_list *list, bool json) {
  for (size_t i = 0; i < list->count; i++) {
    if (json)
      print_iface_json(&list->items[i]);
    else
      print_iface_text(&list->items[i]);
  }
  return mcw_cli_stdout_done();
}

/* Adds an endpoint, refusing the same one twice. */
static void add_endpoint(struct mcw_options *o, const struct mcw_endpoint *ep,
                         const char *text) {
  for (size_t i = 0; i < o->nendpoints; i++) {
    const struct mcw_endpoint *x = &o->endpoints[i];
    if (mcw_addr_equal(&x->group, &ep->group) && x->ifindex == ep->ifindex &&
        x->source.family == ep->source.family &&
        mcw_addr_same_host(&x->source, &ep->source))
      mcw_cli_error("%s: given twice", text);
  }
  o->endpoints =
      mcw_xrealloc(o->endpoints, (o->nendpoints + 1) * sizeof(*o->endpoints));
  o->endpoints[o->nendpoints++] = *ep;
}

#define SHORT_OPTS ":HLi:n:d:w:f:hV"

/* Sets what one option (from the command line or the config) asks for. */
static void apply_option(struct mcw_options *o, int c, const char *arg) {
  switch (c) {
  case 'H':
    o->headless = true;
    break;
  case OPT_DEMO:
    o->demo = true;
    break;
  case 'L':
    o->list_interfaces = true;
    break;
  case OPT_JSON:
    o->json = true;
    break;
  case 'i':
    if (arg[0] == '\0')
      mcw_cli_error("--iface: empty interface name");
    o->iface = arg;
    break;
  case 'n':
    o->count = mcw_cli_whole("--count", arg, 1, UINT64_MAX);
    break;
  case 'd':
    o->duration = mcw_cli_decimal("--duration", arg, 0, 31536000, false);
    break;
  case OPT_INTERVAL:
    o->interval = mcw_cli_decimal("--interval", arg, 0, 86400, true);
    if (o->interval > 0 && o->interval < 0.01)
      mcw_cli_error("--interval %s: under 0.01 s", arg);
    break;
  case OPT_STATS_ONLY:
    o->stats_only = true;
    break;
  case OPT_CLOCK: {
    char why[160];
    if (mcw_rtp_clock_parse(arg, why, sizeof(why)) < 0)
      mcw_cli_error("--clock %s", why);
    break;
  }
  case OPT_HISTORY:
    o->engine.group.history =
        (uint32_t)mcw_cli_whole("--history", arg, 1, 1000000);
    break;
  case OPT_SNAP:
    o->engine.group.snap = (uint32_t)mcw_cli_whole("--snap", arg, 0, 4096);
    break;
  case OPT_RCVBUF:
    o->engine.rcvbuf =
        (int)mcw_cli_whole("--rcvbuf", arg, 0, 1024u * 1024 * 1024);
    break;
  case OPT_COALESCE:
    o->engine.coalesce_ns = (int64_t)mcw_cli_whole("--coalesce", arg, 0,
                                                   MCW_COALESCE_MAX_NS / 1000) *
                            1000;
    break;
  case OPT_MAX_SENDERS:
    o->engine.group.max_senders =
        (uint32_t)mcw_cli_whole("--max-senders", arg, 1, 65536);
    break;
  case OPT_NO_COLOR:
    o->color = false;
    break;
  case 'w':
    if (arg[0] == '\0')
      mcw_cli_error("--write: empty file name");
    o->write = arg;
    break;
  case 'f':
    if (arg[0] == '\0')
      mcw_cli_error("--file: empty file name");
    o->files = mcw_xrealloc(o->files, (o->nfiles + 1) * sizeof(*o->files));
    o->files[o->nfiles++] = arg;
    break;
  case OPT_SILENCE:
    o->alarm.silence_s = mcw_cli_decimal("--silence", arg, 0.1, 86400, false);
    break;
  case OPT_MAX_LOSS:
    o->alarm.max_loss_pct = mcw_cli_decimal("--max-loss", arg, 0, 100, true);
    break;
  case OPT_BELL:
    o->ring_bell = true;
    break;
  case OPT_NO_BELL:
    o->ring_bell = false;
    break;
  case OPT_NO_MOUSE:
    o->mouse = false;
    break;
  case OPT_NO_IGMP:
    o->igmp = false;
    break;
  case OPT_METRICS: {
    char err[256];
    if (mcw_httpd_parse_listen(arg, &o->metrics_listen, err, sizeof(err)) < 0)
      mcw_cli_error("--metrics %s", err);
    o->metrics = true;
    break;
  }
  case OPT_SAP:
    o->sap = true;
    break;
  case OPT_SAP_TIMEOUT:
    o->sap_timeout = mcw_cli_decimal("--sap-timeout", arg, 0.1, 86400, false);
    break;
  }
}

/* Options that make no sense as a default. */
static bool config_refuses(int c) {
  return c == 'h' || c == 'V' || c == OPT_CONFIG || c == OPT_NO_CONFIG ||
         c == 'L' || c == OPT_JSON || c == OPT_DEMO || c == 'n' || c == 'd';
}

/* One entry of the config file: an option's default, or a key. */
static int config_entry(void *ctx, enum mcw_config_section sec,
                        const char *name, const char *value, unsigned line,
                        char *err, size_t errlen) {
  struct mcw_options *o = ctx;
  const char *path = o->config_path;
  char here[300], no[80];
  int flag;

  snprintf(here, sizeof(here), "%s:%u", path, line);
  if (sec == MCW_CONFIG_KEYS)
    return mcw_ui_bind(name, value, err, errlen) == 0 ? 0 : -EINVAL;
  snprintf(no, sizeof(no), "no-%s", name);
  for (const struct option *opt = long_options; opt->name != NULL; opt++) {
    bool negated = strcmp(opt->name, no) == 0;
    if (strcmp(opt->name, name) != 0 && !negated)
      continue;
    if (config_refuses(opt->val)) {
      snprintf(err, errlen, "%s: not a default the config file can set", name);
      return -EINVAL;
    }
    mcw_cli_where(here); /* errors name the file and the line */
    if (opt->has_arg == no_argument) {
      flag = mcw_config_bool(value);
      if (flag < 0) {
        snprintf(err, errlen, "%s = %.40s: say yes or no", name, value);
        mcw_cli_where(NULL);
        return -EINVAL;
      }
      if (flag != negated) /* "bell = yes", "color = no" (--no-color) */
        apply_option(o, opt->val, "");
    } else {
      /* The value must outlive the parser: the options keep pointers. */
      char *copy = mcw_xstrdup(value);
      o->owned = mcw_xrealloc(o->owned, (o->nowned + 1) * sizeof(*o->owned));
      o->owned[o->nowned++] = copy;
      apply_option(o, opt->val, copy);
    }
    mcw_cli_where(NULL);
    return 0;
  }
  snprintf(err, errlen,
           "%s: no such option (any long option of mcwatch "
           "--help, without the dashes)",
           name);
  return -EINVAL;
}

/* Reads the config file: path, or the default one when it exists. */
static void load_config(struct mcw_options *o, const char *path) {
  char buf[512], err[600];
  int r;

  if (path == NULL)
    path = mcw_config_default_path(buf, sizeof(buf));
  if (path == NULL)
    return;
  o->config_path = path;
  r = mcw_config_load(path, o->config_path != buf, config_entry, o, err,
                      sizeof(err));
  o->config_path = NULL;
  if (r < 0)
    mcw_cli_error("config: %s", err);
}

/* Reads a whole channel list (at most 64 MiB); "-" is standard input. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  size_t cap = 1 << 16, n = 0;
  char *buf;

  if (f == NULL)
    mcw_cli_error("--file %s: %s", path, strerror(errno));
  buf = mcw_xmalloc(cap);
  for (;;) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
    if (n == cap) {
      if (cap >= (64u << 20))
        mcw_cli_error("--file %s: larger than 64 MiB", path);
      cap *= 2;
      buf = mcw_xrealloc(buf, cap);
    }
  }
  if (ferror(f))
    mcw_cli_error("--file %s: %s", path, strerror(errno));
  if (f != stdin)
    fclose(f);
  *len = n;
  return buf;
}

/* Adds every channel of a list file, resolved like the command line's. */
static void add_file(struct mcw_options *o, const char *path,
                     const struct mcw_iface_list *ifaces, const char *def) {
  struct mcw_chanlist list = {0};
  size_t len;
  char *text = slurp(path, &len), err[600], where[400];
  struct mcw_endpoint *all = mcw_xcalloc(ifaces->count + 1, sizeof(*all));

  if (mcw_chanlist_parse(path, text, len, MCW_CHANLIST_AUTO, &list, err,
                         sizeof(err)) < 0)
    mcw_cli_error("%s", err);
  for (size_t i = 0; i < list.n; i++) {
    int n = mcw_endpoint_resolve_all(&list.v[i].ep, ifaces, def, all,
                                     ifaces->count + 1, err, sizeof(err));
    snprintf(where, sizeof(where), "%s:%u", path, list.v[i].line);
    if (n < 0)
      mcw_cli_error("%s: %s", where, err);
    for (int k = 0; k < n; k++) {
      mcw_strlcpy(all[k].label, list.v[i].ep.label, sizeof(all[k].label));
      /* An SDP's a=rtpmap names the clock of this stream's payload type
         (--clock, for every stream, goes first). */
      if (list.v[i].clock != 0 && list.v[i].pt <= 127) {
        all[k].clock_pt = (uint8_t)list.v[i].pt;
        all[k].clock_hz = list.v[i].clock;
      }
      add_endpoint(o, &all[k], where);
    }
  }
  free(all);
  free(text);
  mcw_chanlist_free(&list);
}

int main(int argc, char **argv) {
  struct mcw_options o;
  struct mcw_iface_list ifaces;
  struct mcw_demo_prep prep;
  char err[256], defiface[IF_NAMESIZE] = "lo";
  const char *def, *config = NULL;
  bool no_config = false;
  int c, r;

  /* The character set decides how names are escaped in messages. */
  setlocale(LC_CTYPE, "");
  if (argc > 1 && strcmp(argv[1], "send") == 0)
    return mcw_run_send(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "doctor") == 0)
    return mcw_run_doctor(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "beacon") == 0)
    return mcw_run_beacon(argc - 1, argv + 1);

  memset(&o, 0, sizeof(o));
  o.interval = 1.0;
  o.color = getenv("NO_COLOR") == NULL || getenv("NO_COLOR")[0] == '\0';
  mcw_engine_config_default(&o.engine);
  mcw_alarm_config_default(&o.alarm);
  o.mouse = true;
  o.igmp = true;

  opterr = 0;
  mcw_cli_long_options(long_options);
  /* First pass: only --config and --no-config, so the file's defaults go
     in before the command line, which overrides them. */
  {
    /* On a copy: getopt_long moves the arguments it passes over. */
    char **copy = mcw_xcalloc((size_t)argc + 1, sizeof(*copy));
    memcpy(copy, argv, (size_t)argc * sizeof(*copy));
    while ((c = getopt_long(argc, copy, SHORT_OPTS, long_options, NULL)) != -1)
      if (c == OPT_CONFIG)
        config = optarg;
      else if (c == OPT_NO_CONFIG)
        no_config = true;
    free(copy);
  }
  if (!no_config)
    load_config(&o, config);
  optind = 0;
  while ((c = getopt_long(argc, argv, SHORT_OPTS, long_options, NULL)) != -1) {
    if (c == OPT_CONFIG || c == OPT_NO_CONFIG)
      continue;
    if (c == 'h') {
      usage(stdout);
      return mcw_cli_stdout_done();
    }
    if (c == 'V') {
      mcw_print_version(stdout);
      return mcw_cli_stdout_done();
    }
    if (c == ':' || c == '?')
      mcw_cli_bad_option(c, argv, optind, optopt);
    apply_option(&o, c, optarg);
  }

  if (o.list_interfaces && (o.demo || o.headless || optind < argc))
    mcw_cli_error("--list-interfaces takes no endpoints and no other mode");
  if (o.json && !o.list_interfaces)
    mcw_cli_error("--json goes with --list-interfaces (headless output is "
                  "always JSON)");
  if (!o.demo && !o.list_interfaces && optind >= argc && o.nfiles == 0 &&
      !o.sap)
    mcw_cli_error("no group to watch; give GROUP:PORT or -f FILE, or try "
                  "--demo or --sap");
  if (o.sap && o.list_interfaces)
    mcw_cli_error("--sap goes with watching, not --list-interfaces");
  if (o.sap_timeout > 0 && !o.sap)
    mcw_cli_error("--sap-timeout goes with --sap");
  if (o.write != NULL && o.list_interfaces)
    mcw_cli_error("--write goes with watching groups, not --list-interfaces");
  if (o.metrics && o.list_interfaces)
    mcw_cli_error("--metrics goes with watching groups, not "
                  "--list-interfaces");
  if (o.stats_only && !o.headless)
    mcw_cli_error("--stats-only goes with --headless");
  /* The ring is allocated per group up front: keep it sane. */
  if ((uint64_t)o.engine.group.history * o.engine.group.snap > MCW_RING_MAX)
    mcw_cli_error("--history %u with --snap %u would keep %llu MiB of payload "
                  "per group; at most %llu MiB",
                  o.engine.group.history, o.engine.group.snap,
                  (unsigned long long)((uint64_t)o.engine.group.history *
                                           o.engine.group.snap >>
                                       20),
                  (unsigned long long)(MCW_RING_MAX >> 20));

  r = mcw_ifscan(&ifaces);
  if (r < 0) {
    fprintf(stderr, "mcwatch: cannot list interfaces: %s\n", strerror(-r));
    return MCW_EXIT_FAILURE;
  }
  if (o.list_interfaces) {
    r = list_interfaces(&ifaces, o.json);
    mcw_iface_list_free(&ifaces);
    return r;
  }

  if (o.iface != NULL) {
    /* Checked even when every endpoint names its own: a typo is a typo. */
    struct mcw_endpoint probe = {.group = {.family = AF_INET}};
    mcw_strlcpy(probe.iface, o.iface, sizeof(probe.iface));
    if (mcw_endpoint_resolve(&probe, &ifaces, NULL, err, sizeof(err)) < 0) {
      mcw_iface_list_free(&ifaces);
      mcw_cli_error("--iface %s", err);
    }
  }
  def = mcw_ifscan_default_iface(o.iface, defiface, sizeof(defiface));
  o.default_iface = def;

  if (o.demo) {
    struct mcw_endpoint ep;
    if (mcw_endpoint_parse(MCW_DEMO_GROUP "%" MCW_DEMO_IFACE, &ep, err,
                           sizeof(err)) < 0 ||
        mcw_endpoint_resolve(&ep, &ifaces, def, err, sizeof(err)) < 0) {
      mcw_cli_warn("demo: %s", err);
      mcw_iface_list_free(&ifaces);
      return MCW_EXIT_FAILURE;
    }
    add_endpoint(&o, &ep, MCW_DEMO_GROUP);
  }
  for (size_t i = 0; i < o.nfiles; i++)
    add_file(&o, o.files[i], &ifaces, def);
  for (int i = optind; i < argc; i++) {
    struct mcw_endpoint ep, *all;
    int n;
    if (mcw_endpoint_parse(argv[i], &ep, err, sizeof(err)) < 0) {
      mcw_iface_list_free(&ifaces);
      mcw_cli_error("%s", err);
    }
    all = mcw_xcalloc(ifaces.count + 1, sizeof(*all));
    n = mcw_endpoint_resolve_all(&ep, &ifaces, def, all, ifaces.count + 1, err,
                                 sizeof(err));
    if (n < 0) {
      free(all);
      mcw_iface_list_free(&ifaces);
      mcw_cli_error("%s", err);
    }
    for (int k = 0; k < n; k++)
      add_endpoint(&o, &all[k], argv[i]);
    free(all);
  }
  if (o.sap)
    mcw_sap_add_endpoints(&o, &ifaces, def);
  mcw_iface_list_free(&ifaces);
  raise_fd_limit();

  if (o.demo) {
    mcw_demo_prepare(&prep, o.notice, sizeof(o.notice));
    if (o.notice[0] != '\0' && o.headless)
      mcw_cli_warn("%s", o.notice);
  }
  r = o.headless ? mcw_run_headless(&o) : mcw_run_tui(&o);
  if (o.demo)
    mcw_demo_restore(&prep);
  free(o.endpoints);
  free(o.sap_eps);
  free(o.files);
  for (size_t i = 0; i < o.nowned; i++)
    free(o.owned[i]);
  free(o.owned);
  return r;
}
