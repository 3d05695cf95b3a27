/*
 * Command-line helpers shared by mcwatch and mcwatch send: one-line usage
 * errors (exit 2) and strict parsing of whole and decimal numbers.
 */
#ifndef MCWATCH_CLI_H
#define MCWATCH_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Sets the message prefix ("mcwatch send") and the hint's command. */
void mcw_cli_init(const char *prefix, const char *help_command);
/* Prints "<prefix>: <message> (see <help>)" and exits 2. */
void mcw_cli_error(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/*
 * Reports what getopt_long (with a leading ':' in its option string)
 * returned as a missing value (c == ':') or an unknown option; exits 2.
 */
void mcw_cli_bad_option(int c, char **argv, int optind_now, int optopt_now)
    __attribute__((noreturn));
/* Parses decimal digits only, within [min, max]; exits 2 otherwise. */
uint64_t mcw_cli_whole(const char *opt, const char *s, uint64_t min,
                       uint64_t max);
/*
 * Parses a plain decimal number ("2", "0.5", ".25"), within [min, max];
 * 0 is refused unless zero_ok, with its own message. Exits 2 otherwise.
 */
double mcw_cli_decimal(const char *opt, const char *s, double min, double max,
                       bool zero_ok);
/* A random 32-bit id (probe sender ids), from getrandom or the clock. */
uint32_t mcw_cli_random_id(void);

#endif
