/*
 * Command-line helpers shared by mcwatch and mcwatch send: one-line usage
 * errors (exit 2) and strict parsing of whole and decimal numbers.
 */
#ifndef MCWATCH_CLI_H
#define MCWATCH_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct option;

/* Sets the message prefix ("mcwatch send") and the hint's command. */
void mcw_cli_init(const char *prefix, const char *help_command);
/*
 * Names the long options mcw_cli_bad_option may tell an ambiguous prefix
 * among (getopt_long reports it like an unknown option); NULL forgets them.
 */
void mcw_cli_long_options(const struct option *opts);
/* Puts "FILE:LINE" before every error until called with NULL. */
void mcw_cli_where(const char *where);
/* Escape flags for text on stderr or stdout: ASCII only outside UTF-8. */
unsigned mcw_cli_escape_flags(void);
/* Prints "<prefix>: <message>" on stderr, the message escaped. */
void mcw_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "<prefix>: <message> (see <help>)", the message escaped; exits 2. */
void mcw_cli_error(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/*
 * Reports what getopt_long (with a leading ':' in its option string)
 * returned, naming the option as typed: a missing value (c == ':'), a value
 * given to an option that takes none, an ambiguous prefix (when the long
 * options were given to mcw_cli_long_options) or an unknown option; exits 2.
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
/*
 * Flushes standard output; returns MCW_EXIT_OK, or MCW_EXIT_FAILURE after
 * one line on stderr when anything written there failed (a full disk).
 */
int mcw_cli_stdout_done(void);
/* A random 32-bit id (probe sender ids), from getrandom or the clock. */
uint32_t mcw_cli_random_id(void);

#endif
