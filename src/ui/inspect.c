/*
 * The inspector: one datagram over the whole screen, with its arrival,
 * sender, interface and sizes, its decoded stream header (probe, RTP,
 * MPEG-TS, mcjoin, msend) when it has one, the payload as escaped text wrapped
 * to the width, and a hexdump whose text column shows printable ASCII only. The
 * inspector keeps its own copy of the datagram (fields and the --snap bytes
 * kept), so it stays on screen at any rate, after the ring has overwritten
 * it and after a clear; stepping to the newer or older one looks it up in
 * the pane's list by arrival number.
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcwatch/escape.h"
#include "mcwatch/fmt.h"
#include "mcwatch/stream.h"
#include "ui.h"

/* Copies rec into the inspector's own record. */
static void keep(struct tui *t, const struct mcw_record *rec) {
  size_t n = rec->caplen < UI_INSPECT_MAX ? rec->caplen : UI_INSPECT_MAX;

  t->insp_rec = *rec;
  memcpy(t->insp_payload, rec->payload, n);
  t->insp_rec.caplen = (uint32_t)n;
  t->insp_rec.payload = t->insp_payload;
  t->insp_number = rec->number;
  t->insp_have = true;
}

/* Record number n in the pane's list of the inspected group, or NULL. */
static const struct mcw_record *in_list(struct tui *t, uint64_t n) {
  const struct mcw_ring *r = ui_pane_ring(ui_pane_of(t, t->insp_group));
  const struct mcw_record *newest = mcw_ring_recent(r, 0), *rec;

  if (newest == NULL || n == 0 || n > newest->number ||
      newest->number - n >= UINT32_MAX)
    return NULL;
  rec = mcw_ring_recent(r, (uint32_t)(newest->number - n));
  return rec != NULL && rec->number == n ? rec : NULL;
}

bool ui_inspect_open(struct tui *t) {
  struct mcw_group *g = ui_current_group(t);
  const struct mcw_record *rec;

  if (g == NULL)
    return false;
  rec = ui_pane_selected(t, ui_pane_of(t, g));
  if (rec == NULL)
    return false;
  t->insp_group = g;
  keep(t, rec);
  t->insp_scroll = 0;
  t->mode = UI_INSPECT;
  return true;
}

static unsigned i_close(struct tui *t, int key) {
  t->mode = UI_MAIN;
  return UI_REDRAW;
}

static unsigned i_scroll(struct tui *t, int key) {
  int d = key == KEY_UP      ? -1
          : key == KEY_DOWN  ? 1
          : key == KEY_PPAGE ? -10
                             : 10;
  t->insp_scroll += d;
  if (t->insp_scroll < 0)
    t->insp_scroll = 0;
  return UI_REDRAW;
}

/* Steps to the previous or next datagram of the group (in the pane's filter).
 */
static unsigned i_step(struct tui *t, int key) {
  uint64_t n = t->insp_number;

  if (t->insp_group == NULL || !t->insp_have)
    return UI_NONE;
  for (;;) {
    const struct mcw_record *rec;
    n = key == KEY_LEFT || key == '[' ? n + 1 : n - 1; /* left: newer */
    rec = in_list(t, n);
    if (rec == NULL)
      return UI_NONE; /* none newer yet, or the older ones are overwritten */
    if (ui_sender_match(t, &rec->src)) {
      keep(t, rec);
      break;
    }
  }
  t->insp_scroll = 0;
  return UI_REDRAW;
}

static const struct ui_binding inspect_bindings[] = {
    {{27, 'q', '\r', '\n'}, "Esc", "Close", "Close the inspector.", i_close, NULL},
    {{KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE},
     "Up/Down",
     "Scroll",
     "Scroll the hexdump.",
     i_scroll, NULL},
    {{KEY_LEFT, KEY_RIGHT, '[', ']'},
     "Left/Right",
     "Newer/Older",
     "Step to the newer or older datagram.",
     i_step, NULL},
};

const struct ui_keymap ui_inspect_keys = {"Inspector", inspect_bindings,
                                          MCW_ARRAY_LEN(inspect_bindings)};

static void field(struct tui *t, int y, const char *name, const char *value) {
  move(y, 1);
  attron(ui_attr(t, UI_C_DIM));
  ui_put_pad(stdscr, name, 10);
  attroff(ui_attr(t, UI_C_DIM));
  ui_put(stdscr, value, COLS - 12);
}

/* Draws the payload as escaped text wrapped to w columns; returns rows. */
static int draw_text(struct tui *t, const struct mcw_record *rec, int y,
                     int maxrows) {
  const uint8_t *p = rec->payload;
  size_t left = rec->caplen;
  int w = COLS - 12, rows = 0; /* values start at column 11 */
  char line[1024];

  if (w < 8)
    return 0;
  if (w > (int)sizeof(line) - 1)
    w = (int)sizeof(line) - 1;
  while (left > 0 && rows < maxrows) {
    size_t used =
        mcw_escape(p, left, line, (size_t)w + 1, t->utf8 ? 0 : MCW_ESC_ASCII);
    if (used == 0)
      break;
    move(y + rows, 11);
    ui_put_escaped(t, stdscr, line, w);
    p += used;
    left -= used;
    rows++;
  }
  if (left > 0 && rows > 0) {
    move(y + rows - 1, COLS - 2);
    addstr(t->utf8 ? "\u2026" : "+");
  }
  return rows;
}

void ui_inspect_draw(struct tui *t) {
  const struct mcw_record *rec =
      t->insp_group != NULL && t->insp_have ? &t->insp_rec : NULL;
  char buf[200], a[MCW_ADDRSTRLEN], clock[32], ifn[IF_NAMESIZE], ep[128];
  char n1[32], n2[32], hdr[300];
  int y = 0, lines, top;
  time_t secs;
  struct tm tm;

  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE));
  if (rec == NULL) {
    ui_put(stdscr, " Inspector: that datagram's group was removed", COLS);
    attroff(ui_attr(t, UI_C_TITLE));
    return;
  }
  snprintf(buf, sizeof(buf), " Datagram #%s of %s%s",
           mcw_fmt_count(rec->number, n1, sizeof(n1)),
           mcw_endpoint_format(&t->insp_group->ep, ep, sizeof(ep)),
           in_list(t, rec->number) != NULL
               ? ""
               : " (kept here; gone from the list)");
  ui_put(stdscr, buf, COLS);
  attroff(ui_attr(t, UI_C_TITLE));
  ui_hline(stdscr, ++y, 0, COLS);

  secs = (time_t)(rec->ts_ns / 1000000000);
  localtime_r(&secs, &tm);
  strftime(n2, sizeof(n2), "%Y-%m-%d", &tm);
  snprintf(buf, sizeof(buf), "%s %s", n2,
           ui_clock(rec->ts_ns, clock, sizeof(clock)));
  field(t, ++y, "arrival", buf);
  field(t, ++y, "from", mcw_addr_format_port(&rec->src, a, sizeof(a)));
  snprintf(buf, sizeof(buf), "%s (index %u)",
           rec->ifindex && if_indextoname(rec->ifindex, ifn) ? ifn : "?",
           rec->ifindex);
  field(t, ++y, "via", buf);
  snprintf(buf, sizeof(buf), "%s bytes; %s kept%s",
           mcw_fmt_count(rec->len, n1, sizeof(n1)),
           mcw_fmt_count(rec->caplen, n2, sizeof(n2)),
           rec->truncated ? "; TRUNCATED by the kernel (longer than 65536)"
           : rec->caplen < rec->len ? " (raise --snap to keep more)"
                                    : "");
  field(t, ++y, "length", buf);
  /* The decoded probe, RTP, TS, mcjoin or msend header, when it is one. */
  if (mcw_stream_describe(rec->payload, rec->caplen, rec->len, hdr,
                          sizeof(hdr))[0] != '\0')
    field(t, ++y, "header", hdr);
  ui_hline(stdscr, ++y, 0, COLS);
  move(++y, 1);
  attron(ui_attr(t, UI_C_DIM));
  addstr("text");
  attroff(ui_attr(t, UI_C_DIM));
  y += draw_text(t, rec, y, 4 > LINES - y - 6 ? 1 : 4);
  ui_hline(stdscr, y, 0, COLS);

  /* The hexdump takes the rest, scrolled. */
  lines = (int)((rec->caplen + MCW_HEX_PER_LINE - 1) / MCW_HEX_PER_LINE);
  top = t->insp_scroll;
  if (top > lines - (LINES - y - 2))
    top = lines - (LINES - y - 2);
  if (top < 0)
    top = 0;
  t->insp_scroll = top;
  for (int i = 0; y + 1 + i < LINES - 1 && top + i < lines; i++) {
    size_t off = (size_t)(top + i) * MCW_HEX_PER_LINE;
    char hl[MCW_HEXLINE_MAX];
    mcw_fmt_hexline(rec->payload + off, rec->caplen - off, off, hl, sizeof(hl));
    move(y + 1 + i, 1);
    ui_put(stdscr, hl, COLS - 1);
  }
}
