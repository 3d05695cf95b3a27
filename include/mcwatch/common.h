/*
 * Small helpers shared by every room: allocation that never returns NULL,
 * a fatal-error path that restores the terminal first, and array sizes.
 */
#ifndef MCWATCH_COMMON_H
#define MCWATCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define MCW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MCW_NS_PER_SEC INT64_C(1000000000)
#define MCW_NS_PER_MS INT64_C(1000000)

/* Allocates or dies: out of memory is fatal in mcwatch. */
void *mcw_xmalloc(size_t size);
/* Allocates zeroed memory or dies. */
void *mcw_xcalloc(size_t n, size_t size);
/* Resizes or dies. */
void *mcw_xrealloc(void *p, size_t size);
/* Duplicates a string or dies. */
char *mcw_xstrdup(const char *s);

/* Registers a function that undoes terminal changes before a fatal exit. */
void mcw_set_fatal_hook(void (*hook)(void));
/* Prints "mcwatch: <message>" and exits 1, after running the fatal hook. */
void mcw_fatal(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* Copies src into dst of size n, always terminated; returns strlen(src). */
size_t mcw_strlcpy(char *dst, const char *src, size_t n);

#endif
