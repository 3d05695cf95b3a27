/*
 * The configuration file: defaults for long options and key bindings, in
 * INI syntax read by libinih.
 *
 *   # ~/.config/mcwatch/config
 *   iface = eth0          # any long option, without the dashes
 *   silence = 5
 *   bell = yes            # flags take yes/no (true/false, on/off, 1/0)
 *   [keys]
 *   join = a              # an action of the screen UI and its key
 *
 * Entries before any section, or in [options], are options; entries in
 * [keys] are bindings. The file is found at $XDG_CONFIG_HOME/mcwatch/config,
 * else ~/.config/mcwatch/config, unless --config FILE or --no-config.
 */
#ifndef MCWATCH_CONFIG_H
#define MCWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum mcw_config_section {
  MCW_CONFIG_OPTIONS,
  MCW_CONFIG_KEYS,
};

/*
 * Receives one entry and the line it is on; returns 0, or -EINVAL with
 * the reason in err (the loader adds the file and line).
 */
typedef int (*mcw_config_fn)(void *ctx, enum mcw_config_section section,
                             const char *name, const char *value,
                             unsigned line, char *err, size_t errlen);

/*
 * Reads the file at path and hands each entry to fn, in order, stopping at
 * the first error. Returns 0; 1 when the file does not exist and !required;
 * or -errno with "PATH:LINE: reason" (or "PATH: reason") in err.
 */
int mcw_config_load(const char *path, bool required, mcw_config_fn fn,
                    void *ctx, char *err, size_t errlen);

/* Same for text already in memory (tests); name is used in messages. */
int mcw_config_parse(const char *name, const char *text, mcw_config_fn fn,
                     void *ctx, char *err, size_t errlen);

/*
 * Writes the default path into buf ($XDG_CONFIG_HOME/mcwatch/config, else
 * $HOME/.config/mcwatch/config); returns buf, or NULL when neither
 * variable is set to an absolute path.
 */
const char *mcw_config_default_path(char *buf, size_t len);

/* Reads yes/no, true/false, on/off, 1/0 (any case); -1 when none. */
int mcw_config_bool(const char *value);

#endif
