/*
 * The beacon's screen: the matrix of who hears whom, a cursor on a pair
 * with its figures and loss sparkline, a key cycling the figure shown.
 * Internal to src/ui and src/app/beacon.c.
 */
#ifndef MCWATCH_BVIEW_H
#define MCWATCH_BVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "mcwatch/beacon_out.h"

struct mcw_bview;

/*
 * Opens the screen on loop (stdin watched, SIGWINCH followed, a redraw
 * timer); on_quit is called when the user quits. NULL with err when the
 * terminal cannot be used.
 */
struct mcw_bview *mcw_bview_open(uv_loop_t *loop, bool color,
                                 void (*on_quit)(void *ctx), void *ctx,
                                 char *err, size_t errlen);
/* Sets what is drawn: n channels, this beacon's name, a status line. */
void mcw_bview_set(struct mcw_bview *v, const struct mcw_beacon_view *ch,
                   size_t n, const char *status);
/* Asks for a redraw at the next frame. */
void mcw_bview_dirty(struct mcw_bview *v);
/* Restores the terminal and closes the handles; free after the loop ran. */
void mcw_bview_close(struct mcw_bview *v);
/* Frees the view once its handles have closed. */
void mcw_bview_free(struct mcw_bview *v);

#endif
