/*
 * What the keys do to the world: join, leave, remove, rejoin on another
 * interface, send, clear and pause. These call the engine and the model and
 * report in one status line; they never draw. Endpoints typed here follow
 * the command line's syntax and validation (mcw_endpoint_parse, then
 * mcw_endpoint_resolve against a fresh interface scan). A rejoin (the
 * interface picker, or joining a left group again) keeps the group's place,
 * number and figures; removing and clearing ask first (ui_confirm_open).
 * Sending goes through the engine, which keeps one socket per group, so a
 * conversation is one sender, marked "this host" by its probe id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "mcwatch/common.h"
#include "mcwatch/ifscan.h"
#include "mcwatch/probe.h"
#include "mcwatch/engine.h"
#include "ui.h"

static const char *default_iface(struct tui *t) {
  if (t->opt->iface != NULL)
    return t->opt->iface;
  if (t->opt->default_iface != NULL)
    return t->opt->default_iface;
  return "lo";
}

void ui_join(struct tui *t, const char *text) {
  struct mcw_engine *e = t->session.engine;
  struct mcw_iface_list list = {0};
  struct mcw_endpoint ep, *all;
  char err[256], shown[128];
  size_t before = mcw_engine_count(e);
  int r, i;

  if (text[0] == '\0') {
    ui_status(t, UI_INFO, "nothing to join");
    return;
  }
  if (mcw_endpoint_parse(text, &ep, err, sizeof(err)) < 0) {
    ui_status(t, UI_ERROR, "%s", err);
    return;
  }
  r = mcw_ifscan(&list);
  if (r < 0) {
    ui_status(t, UI_ERROR, "cannot list interfaces: %s", strerror(-r));
    return;
  }
  all = mcw_xcalloc(list.count + 1, sizeof(*all));
  r = mcw_endpoint_resolve_all(&ep, &list, default_iface(t), all,
                               list.count + 1, err, sizeof(err));
  mcw_iface_list_free(&list);
  if (r < 0) {
    ui_status(t, UI_ERROR, "%s", err);
    free(all);
    return;
  }
  /* "%*" gives one endpoint per interface; each is its own pane. */
  for (int k = 0; k < r; k++) {
    mcw_endpoint_format(&all[k], shown, sizeof(shown));
    i = mcw_engine_find(e, &all[k]);
    if (i >= 0) {
      struct mcw_group *g = mcw_engine_group(e, (size_t)i);
      t->cur = (size_t)i;
      if (g->state == MCW_GROUP_LEFT || g->state == MCW_GROUP_ERROR) {
        /* Joined again where it is listed, with its figures. */
        (void)mcw_engine_rejoin(e, (size_t)i, NULL, err, sizeof(err));
        continue;
      }
      ui_status(t, UI_WARN, "%s is already listed (%s)", shown,
                mcw_group_state_name(g->state));
      continue;
    }
    /* The group is listed whatever happens; the engine's event says how. */
    (void)mcw_engine_join(e, &all[k], err, sizeof(err));
    t->cur = mcw_engine_count(e) - 1;
  }
  free(all);
  /* A session already announced on SAP names its streams' RTP clocks. */
  mcw_session_sap_known_clocks(&t->session, before);
}

void ui_leave(struct tui *t) {
  struct mcw_engine *e = t->session.engine;
  struct mcw_group *g = ui_current_group(t);
  char shown[128];

  if (g == NULL) {
    ui_status(t, UI_INFO, "no group selected");
    return;
  }
  mcw_endpoint_format(&g->ep, shown, sizeof(shown));
  if (g->state == MCW_GROUP_JOINED || g->state == MCW_GROUP_WAITING) {
    mcw_engine_leave(e, t->cur);
    ui_status(t, UI_INFO, "left %s; press l again to remove its pane", shown);
    return;
  }
  char q[200];
  snprintf(q, sizeof(q), "remove %s and its figures?", shown);
  ui_confirm_open(t, UI_CONFIRM_REMOVE, g, q);
}

/* Position of g in the engine's list, or -1 when it is gone. */
static int group_index(struct tui *t, const struct mcw_group *g) {
  struct mcw_engine *e = t->session.engine;

  for (size_t i = 0; i < mcw_engine_count(e); i++)
    if (mcw_engine_group(e, i) == g)
      return (int)i;
  return -1;
}

/* Clears g's counters and resets its pane to follow the newest. */
static void clear_group(struct tui *t, struct mcw_group *g) {
  struct ui_pane *p;
  char shown[128];

  mcw_group_clear(g, mcw_mono_ns());
  p = ui_pane_of(t, g);
  p->sel = 0;
  p->top = 0;
  if (p->has_snap) {
    mcw_ring_free(&p->snap);
    p->has_snap = false;
    if (t->paused)
      ui_pane_freeze(p);
  }
  ui_status(t, UI_INFO, "cleared counters of %s",
            mcw_endpoint_format(&g->ep, shown, sizeof(shown)));
}

void ui_confirmed(struct tui *t, enum ui_confirm what, struct mcw_group *g) {
  int i = g != NULL ? group_index(t, g) : -1;
  char shown[128];

  if (what == UI_CONFIRM_SAVE) {
    ui_save_list(t, t->confirm_path, true);
    return;
  }
  if (what == UI_CONFIRM_RECORD) {
    ui_record_begin(t, t->confirm_path);
    return;
  }
  if (i < 0) {
    ui_status(t, UI_WARN, "that group is gone meanwhile; nothing done");
    return;
  }
  t->cur = (size_t)i;
  mcw_endpoint_format(&g->ep, shown, sizeof(shown));
  if (what == UI_CONFIRM_CLEAR) {
    clear_group(t, g);
    return;
  }
  ui_pane_forget(t, g);
  mcw_engine_remove(t->session.engine, (size_t)i);
  ui_clamp(t); /* the last group gone: select the one before it */
  ui_status(t, UI_INFO, "removed %s", shown);
}

void ui_pick_open(struct tui *t) {
  struct mcw_group *g = ui_current_group(t);
  struct mcw_iface_list all = {0};
  int r;

  if (g == NULL) {
    ui_status(t, UI_INFO, "no group selected; press a to join one");
    return;
  }
  r = mcw_ifscan(&all);
  if (r < 0) {
    ui_status(t, UI_ERROR, "cannot list interfaces: %s", strerror(-r));
    return;
  }
  mcw_iface_list_free(&t->picks);
  t->pick_sel = 0;
  for (size_t i = 0; i < all.count; i++) {
    const struct mcw_iface *a = &all.items[i];
    struct mcw_iface *c;
    if (!mcw_iface_can_multicast(a))
      continue;
    if (a->index == g->ep.ifindex)
      t->pick_sel = t->picks.count;
    c = mcw_iface_list_add(&t->picks, a->name, a->index, a->flags);
    for (unsigned k = 0; k < a->naddrs; k++)
      mcw_iface_add_addr(c, &a->addrs[k]);
  }
  mcw_iface_list_free(&all);
  if (t->picks.count == 0) {
    ui_status(t, UI_ERROR, "no interface can carry multicast");
    return;
  }
  t->mode = UI_PICK;
}

void ui_pick_apply(struct tui *t) {
  struct mcw_engine *e = t->session.engine;
  struct mcw_group *g = ui_current_group(t);
  struct mcw_endpoint ep;
  const struct mcw_iface *ifc;
  char err[256], shown[128];
  int i;

  if (g == NULL || t->pick_sel >= t->picks.count)
    return;
  ifc = &t->picks.items[t->pick_sel];
  ep = g->ep;
  mcw_strlcpy(ep.iface, ifc->name, sizeof(ep.iface));
  if (mcw_endpoint_resolve(&ep, &t->picks, ifc->name, err, sizeof(err)) < 0) {
    ui_status(t, UI_ERROR, "%s", err);
    return;
  }
  i = mcw_engine_find(e, &ep);
  if (i >= 0 && (size_t)i != t->cur) {
    t->cur = (size_t)i;
    ui_status(t, UI_WARN, "%s is already listed",
              mcw_endpoint_format(&ep, shown, sizeof(shown)));
    return;
  }
  /* A fresh socket there (also on the same interface); the group keeps
     its place, its number, its pane and its figures. */
  if (mcw_engine_rejoin(e, t->cur, &ep, err, sizeof(err)) >= 0)
    ui_status(t, UI_INFO, "rejoined %s on %s (index %u); figures kept",
              mcw_endpoint_format(&ep, shown, sizeof(shown)), ep.iface,
              ep.ifindex);
}

/* The sender id of this screen's probes, random once per run. */
static uint32_t probe_id(void) {
  static uint32_t id;
  while (id == 0 && getrandom(&id, sizeof(id), GRND_NONBLOCK) < 0)
    id = (uint32_t)time(NULL) ^ (uint32_t)getpid();
  return id;
}

void ui_send(struct tui *t, const char *text) {
  static uint64_t seq; /* one sequence for the run, over all groups */
  struct mcw_group *g = ui_current_group(t);
  struct mcw_probe p = {0};
  struct timespec now;
  uint8_t buf[MCW_PROBE_HDR + UI_LINE_MAX];
  char err[256], shown[128];
  size_t len = strlen(text);
  int r, n;

  if (g == NULL) {
    ui_status(t, UI_WARN, "no group to send to");
    return;
  }
  if (len == 0) {
    ui_status(t, UI_INFO, "nothing sent (empty text)");
    return;
  }
  mcw_endpoint_format(&g->ep, shown, sizeof(shown));
  /* An mcwatch probe carrying the text: other mcwatch show both. */
  clock_gettime(CLOCK_REALTIME, &now);
  p.sender_id = probe_id();
  p.seq = seq;
  p.send_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
  n = mcw_probe_encode(&p, text, len, 0, buf, sizeof(buf));
  if (n < 0) {
    ui_status(t, UI_ERROR, "send: text too long");
    return;
  }
  /* Our probes come back on loopback: the sender row says "this host". */
  mcw_group_set_own_probe(g, p.sender_id);
  r = mcw_engine_send(t->session.engine, t->cur, buf, (size_t)n, UI_SEND_TTL,
                      err, sizeof(err));
  if (r < 0) {
    ui_status(t, UI_ERROR, "not sent: %s", err);
    return;
  }
  seq++;
  ui_status(t, UI_INFO,
            "sent probe #%llu (%zu bytes of text) to %s via %s (TTL %d, "
            "loopback on)",
            (unsigned long long)p.seq, len, shown, g->ep.iface, UI_SEND_TTL);
}

void ui_clear(struct tui *t) {
  struct mcw_group *g = ui_current_group(t);
  char q[200], shown[128];

  if (g == NULL) {
    ui_status(t, UI_INFO, "no group selected");
    return;
  }
  snprintf(q, sizeof(q), "clear the counters, lists and senders of %s?",
           mcw_endpoint_format(&g->ep, shown, sizeof(shown)));
  ui_confirm_open(t, UI_CONFIRM_CLEAR, g, q);
}

void ui_pane_freeze(struct ui_pane *p) {
  const struct mcw_ring *live = &p->group->ring;
  uint32_t n = mcw_ring_count(live);

  if (p->has_snap)
    return;
  mcw_ring_init(&p->snap, live->cap, live->snap);
  for (uint32_t i = n; i-- > 0;) {
    const struct mcw_record *r = mcw_ring_recent(live, i);
    struct mcw_datagram d;
    memset(&d, 0, sizeof(d));
    d.ts_ns = r->ts_ns;
    d.src = r->src;
    d.ifindex = r->ifindex;
    d.len = r->len;
    d.truncated = r->truncated;
    d.data = r->payload;
    d.caplen = r->caplen;
    mcw_ring_push(&p->snap, &d, r->number);
  }
  p->has_snap = true;
}

void ui_pause(struct tui *t, bool on) {
  struct mcw_engine *e = t->session.engine;

  t->paused = on;
  for (size_t i = 0; i < mcw_engine_count(e); i++) {
    struct ui_pane *p = ui_pane_of(t, mcw_engine_group(e, i));
    if (on) {
      ui_pane_freeze(p);
    } else if (p->has_snap && p->sel == 0) { /* a selection keeps its copy */
      mcw_ring_free(&p->snap);
      p->has_snap = false;
    }
  }
}
