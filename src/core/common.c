/*
 * Allocation that never fails quietly, and the one fatal path. A fatal error
 * first runs the hook the UI registered (which ends curses mode), so the
 * user's terminal is never left raw.
 */
#include "mcwatch/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_hook)(void);

void mcw_set_fatal_hook(void (*hook)(void)) { fatal_hook = hook; }

void mcw_fatal(const char *fmt, ...) {
  va_list ap;

  if (fatal_hook != NULL) {
    void (*hook)(void) = fatal_hook;
    fatal_hook = NULL;
    hook();
  }
  fputs("mcwatch: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

void *mcw_xmalloc(size_t size) {
  void *p = malloc(size ? size : 1);
  if (p == NULL)
    mcw_fatal("out of memory (%zu bytes)", size);
  return p;
}

void *mcw_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (p == NULL)
    mcw_fatal("out of memory (%zu x %zu bytes)", n, size);
  return p;
}

void *mcw_xrealloc(void *old, size_t size) {
  void *p = realloc(old, size ? size : 1);
  if (p == NULL)
    mcw_fatal("out of memory (%zu bytes)", size);
  return p;
}

char *mcw_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(mcw_xmalloc(n), s, n);
}

size_t mcw_strlcpy(char *dst, const char *src, size_t n) {
  size_t len = strlen(src);
  if (n > 0) {
    size_t c = len < n - 1 ? len : n - 1;
    memcpy(dst, src, c);
    dst[c] = '\0';
  }
  return len;
}
