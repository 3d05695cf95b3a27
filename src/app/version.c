/*
 * What mcwatch was built with: its version and the versions of the
 * libraries pkg-config found at build time (CMake passes them in), with
 * the versions loaded now where a library can tell.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

#ifndef MCW_BUILT_LIBUV
#define MCW_BUILT_LIBUV "?"
#endif
#ifndef MCW_BUILT_NCURSES
#define MCW_BUILT_NCURSES "?"
#endif
#ifndef MCW_BUILT_LIBPCAP
#define MCW_BUILT_LIBPCAP "?"
#endif
#ifndef MCW_BUILT_MHD
#define MCW_BUILT_MHD "?"
#endif

void mcw_app_build(struct mcw_metrics_build *b) {
  b->version = MCWATCH_VERSION;
  b->libuv = MCW_BUILT_LIBUV;
  b->ncurses = MCW_BUILT_NCURSES;
  b->libpcap = MCW_BUILT_LIBPCAP;
  b->libmicrohttpd = MCW_BUILT_MHD;
}

void mcw_print_version(FILE *f) {
  struct mcw_metrics_build b;

  mcw_app_build(&b);
  fprintf(f,
          "mcwatch %s\n"
          "built with: libuv %s (running %s), ncurses %s, libpcap %s, "
          "libmicrohttpd %s (running %s)\n",
          b.version, b.libuv, uv_version_string(), b.ncurses, b.libpcap,
          b.libmicrohttpd, mcw_httpd_version());
}
