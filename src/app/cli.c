/*
 * Command-line helpers. Every usage error is one line on stderr naming the
 * option or value and the rule, with one hint at most, and exit status 2.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "app.h"

static const char *prefix = "mcwatch";
static const char *help = "mcwatch --help";

void mcw_cli_init(const char *p, const char *help_command) {
  prefix = p;
  help = help_command;
}

void mcw_cli_error(const char *fmt, ...) {
  char msg[512];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  /* One hint at most: the message may already point somewhere. */
  if (strstr(msg, "(see mcwatch") != NULL)
    fprintf(stderr, "%s: %s\n", prefix, msg);
  else
    fprintf(stderr, "%s: %s (see %s)\n", prefix, msg, help);
  exit(MCW_EXIT_USAGE);
}

void mcw_cli_bad_option(int c, char **argv, int optind_now, int optopt_now) {
  if (c == ':')
    mcw_cli_error("%s: needs a value", argv[optind_now - 1]);
  if (optopt_now != 0)
    mcw_cli_error("-%c: unknown option", optopt_now);
  mcw_cli_error("%s: unknown option", argv[optind_now - 1]);
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
