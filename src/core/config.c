/*
 * The configuration file (see config.h). libinih does the syntax: it
 * calls handle() for each "name = value" with its section, and returns
 * the number of the first line that failed, be it a syntax error or an
 * entry our callback refused. The reason is kept in struct load; once one
 * entry failed, later ones are not applied. inih reads through our
 * reader (next_line), which counts lines, so the callback is told where
 * each entry stands (Debian builds inih without INI_HANDLER_LINENO).
 */
#include "mcwatch/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcwatch/common.h"
#include "mcwatch/escape.h"

struct load {
  mcw_config_fn fn;
  void *ctx;
  bool failed;
  char why[400];
  FILE *f;          /* reading a file, or */
  const char *text; /* a string */
  unsigned line;    /* lines handed to inih so far */
};

/* inih's reader: one line (fgets-like) from the file or the string. */
static char *next_line(char *str, int num, void *stream) {
  struct load *l = stream;
  char *r = NULL;

  if (l->f != NULL) {
    r = fgets(str, num, l->f);
  } else if (l->text != NULL && *l->text != '\0' && num > 1) {
    const char *nl = strchr(l->text, '\n');
    size_t n = nl ? (size_t)(nl - l->text) + 1 : strlen(l->text);
    if (n > (size_t)num - 1)
      n = (size_t)num - 1;
    memcpy(str, l->text, n);
    str[n] = '\0';
    l->text += n;
    r = str;
  }
  if (r != NULL && (strchr(r, '\n') != NULL || l->f == NULL || feof(l->f)))
    l->line++;
  return r;
}

static int handle(void *user, const char *section, const char *name,
                  const char *value) {
  struct load *l = user;
  enum mcw_config_section sec;

  if (l->failed)
    return 1; /* the first error is the one reported */
  if (section[0] == '\0' || strcasecmp(section, "options") == 0) {
    sec = MCW_CONFIG_OPTIONS;
  } else if (strcasecmp(section, "keys") == 0) {
    sec = MCW_CONFIG_KEYS;
  } else {
    char shown[MCW_ESC_MAX(40)];
    mcw_escape((const uint8_t *)section, strnlen(section, 40), shown,
               sizeof(shown), 0);
    snprintf(l->why, sizeof(l->why),
             "[%s]: unknown section; the sections are [options] and [keys]",
             shown);
    l->failed = true;
    return 0;
  }
  if (l->fn(l->ctx, sec, name, value, l->line, l->why, sizeof(l->why)) < 0) {
    l->failed = true;
    return 0;
  }
  return 1;
}

/* Turns inih's answer into ours, with the file's name escaped. */
static int finish(const char *name, int line, struct load *l, char *err,
                  size_t errlen) {
  char shown[MCW_ESC_MAX(200)];

  if (line == 0)
    return 0;
  mcw_escape((const uint8_t *)name, strnlen(name, 200), shown, sizeof(shown),
             0);
  if (line < 0)
    snprintf(err, errlen, "%s: %s", shown,
             line == -2 ? "out of memory" : "cannot be read");
  else
    snprintf(err, errlen, "%s:%d: %s", shown, line,
             l->failed ? l->why
                       : "not an entry: write \"name = value\", a [section] "
                         "or a # comment");
  return -EINVAL;
}

int mcw_config_parse(const char *name, const char *text, mcw_config_fn fn,
                     void *ctx, char *err, size_t errlen) {
  struct load l = {fn, ctx, false, "", NULL, text, 0};
  return finish(name, ini_parse_stream(next_line, &l, handle, &l), &l, err,
                errlen);
}

int mcw_config_load(const char *path, bool required, mcw_config_fn fn,
                    void *ctx, char *err, size_t errlen) {
  struct load l = {fn, ctx, false, "", NULL, NULL, 0};
  FILE *f = fopen(path, "r");
  int line;

  if (f == NULL) {
    int e = errno;
    char shown[MCW_ESC_MAX(200)];
    if (e == ENOENT && !required)
      return 1;
    mcw_escape((const uint8_t *)path, strnlen(path, 200), shown, sizeof(shown),
               0);
    snprintf(err, errlen, "%s: %s", shown, strerror(e));
    return -e;
  }
  l.f = f;
  line = ini_parse_stream(next_line, &l, handle, &l);
  if (line == 0 && ferror(f))
    line = -1;
  fclose(f);
  return finish(path, line, &l, err, errlen);
}

const char *mcw_config_default_path(char *buf, size_t len) {
  const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

  if (xdg != NULL && xdg[0] == '/')
    snprintf(buf, len, "%s/mcwatch/config", xdg);
  else if (home != NULL && home[0] == '/')
    snprintf(buf, len, "%s/.config/mcwatch/config", home);
  else
    return NULL;
  return buf;
}

int mcw_config_bool(const char *v) {
  static const char *const yes[] = {"yes", "true", "on", "1"};
  static const char *const no[] = {"no", "false", "off", "0"};

  for (size_t i = 0; i < MCW_ARRAY_LEN(yes); i++) {
    if (strcasecmp(v, yes[i]) == 0)
      return 1;
    if (strcasecmp(v, no[i]) == 0)
      return 0;
  }
  return -1;
}
