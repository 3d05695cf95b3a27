/*
 * Command-line helpers. Every usage error is one line on stderr naming the
 * option or value and the rule, with one hint at most, and exit status 2.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "mcwatch/escape.h"

static const char *prefix = "mcwatch";
static char where[300]; /* "FILE:LINE" while the config file is applied */
static const char *help = "mcwatch --help";
static const struct option *long_options;

void mcw_cli_init(const char *p, const char *help_command) {
  prefix = p;
  help = help_command;
}

void mcw_cli_long_options(const struct option *opts) { long_options = opts; }

void mcw_cli_where(const char *w) {
  snprintf(where, sizeof(where), "%s", w != NULL ? w : "");
}

unsigned mcw_cli_escape_flags(void) {
  const char *cs = nl_langinfo(CODESET);
  return strcmp(cs, "UTF-8") == 0 ? 0 : MCW_ESC_ASCII;
}

/*
 * Escapes a message raw into out (cut to outlen). Parts of it may be
 * escaped already (an endpoint's error quotes it escaped): backslashes
 * pass, so those are not doubled.
 */
static void escape_text(const char *raw, char *out, size_t outlen) {
  mcw_escape((const uint8_t *)raw, strlen(raw), out, outlen,
             MCW_ESC_MESSAGE | mcw_cli_escape_flags());
}

void mcw_cli_warn(const char *fmt, ...) {
  char msg[1024], esc[MCW_ESC_MAX(sizeof(msg))];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  escape_text(msg, esc, sizeof(esc));
  fprintf(stderr, "%s: %s\n", prefix, esc);
}

void mcw_cli_error(const char *fmt, ...) {
  char msg[512], esc[MCW_ESC_MAX(sizeof(msg))];
  va_list ap;

  int n = where[0] ? snprintf(msg, sizeof(msg), "%s: ", where) : 0;

  va_start(ap, fmt);
  vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
  va_end(ap);
  /* Messages quote arguments, file and interface names: never raw. */
  escape_text(msg, esc, sizeof(esc));
  /* One hint at most: the message may already point somewhere. */
  if (strstr(esc, "(see mcwatch") != NULL)
    fprintf(stderr, "%s: %s\n", prefix, esc);
  else
    fprintf(stderr, "%s: %s (see %s)\n", prefix, esc, help);
  exit(MCW_EXIT_USAGE);
}

/* "--name" of arg "--name=value" into buf. */
static const char *long_name(const char *arg, char *buf, size_t len) {
  size_t n = strcspn(arg, "=");
  snprintf(buf, len, "%.*s", (int)(n < 200 ? n : 200), arg);
  return buf;
}

/* Says which long options arg ("--pre") abbreviates, when more than one. */
static void check_ambiguous(const char *arg) {
  const char *name = arg + 2;
  size_t n = strcspn(name, "="), found = 0;
  char list[256] = "";

  if (long_options == NULL || n == 0)
    return;
  for (const struct option *o = long_options; o->name != NULL; o++) {
    size_t used = strlen(list);
    if (strncmp(o->name, name, n) != 0)
      continue;
    if (strlen(o->name) == n)
      return; /* an exact match is never ambiguous */
    found++;
    snprintf(list + used, sizeof(list) - used, "%s--%s", used > 0 ? ", " : "",
             o->name);
  }
  if (found > 1)
    mcw_cli_error("%.*s: ambiguous option; could be %s", (int)(n + 2), arg,
                  list);
}

void mcw_cli_bad_option(int c, char **argv, int optind_now, int optopt_now) {
  const char *arg = optind_now > 0 ? argv[optind_now - 1] : "";
  const char *cur = argv[optind_now];
  bool is_long = strncmp(arg, "--", 2) == 0 && arg[2] != '\0';
  char name[256];

  /*
   * getopt_long leaves optind past the element it judged, except for a
   * short option inside a cluster it has not finished ("-xH" stops at x):
   * then the element is argv[optind], and only optopt names the option.
   */
  if (optopt_now > 0 && optopt_now < 256 && cur != NULL && cur[0] == '-' &&
      cur[1] != '-' && strchr(cur + 1, optopt_now) != NULL)
    is_long = false;
  else if (optopt_now > 0 && optopt_now < 256 && arg[0] == '-' && arg[1] != '-')
    is_long = false;
  if (c == ':') {
    if (is_long)
      mcw_cli_error("%s: needs a value", long_name(arg, name, sizeof(name)));
    mcw_cli_error("-%c: needs a value", optopt_now);
  }
  if (!is_long) /* a control byte here is escaped with the message */
    mcw_cli_error("-%c: unknown option", optopt_now);
  /* getopt_long names the option in optopt when it was known. */
  if (optopt_now != 0 && strchr(arg, '=') != NULL)
    mcw_cli_error("%s: option takes no value", arg);
  check_ambiguous(arg);
  mcw_cli_error("%s: unknown option", long_name(arg, name, sizeof(name)));
}

uint64_t mcw_cli_whole(const char *opt, const char *s, uint64_t min,
                       uint64_t max) {
  unsigned long long v;
  char *end;

  if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s))
    mcw_cli_error("%s '%s': not a whole number", opt, s);
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno == ERANGE || v < min || v > max)
    mcw_cli_error("%s %s: out of range; allowed %llu to %llu", opt, s,
                  (unsigned long long)min, (unsigned long long)max);
  return v;
}

double mcw_cli_decimal(const char *opt, const char *s, double min, double max,
                       bool zero_ok) {
  size_t digits = strspn(s, "0123456789"), frac = 0;
  double v;

  if (s[digits] == '.')
    frac = strspn(s + digits + 1, "0123456789") + 1;
  /* Digits, or digits and a point and digits: no sign, exponent or hex. */
  if (digits + frac == 0 || (digits == 0 && frac == 1) ||
      s[digits + frac] != '\0')
    mcw_cli_error("%s '%s': not a number", opt, s);
  v = strtod(s, NULL);
  if (v == 0 && !zero_ok)
    mcw_cli_error("%s %s: must be more than 0", opt, s);
  if (v < min || v > max)
    mcw_cli_error("%s %s: out of range; allowed %g to %g", opt, s, min, max);
  return v;
}

uint32_t mcw_cli_random_id(void) {
  uint32_t id;

  if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id)) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    id = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() << 16;
  }
  return id;
}

int mcw_cli_stdout_done(void) {
  int bad = fflush(stdout) != 0 || ferror(stdout);

  if (!bad)
    return MCW_EXIT_OK;
  /* What could not be written is not done: say so, and fail. */
  fprintf(stderr, "%s: standard output: %s\n", prefix,
          errno ? strerror(errno) : "write error");
  return MCW_EXIT_FAILURE;
}
