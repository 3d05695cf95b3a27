/*
 * Two tools of the screen UI that look beyond the datagram list: the
 * doctor, run for the selected group and shown as a scrollable page (the
 * same checks and words as `mcwatch doctor`), and recording to a pcap
 * file, toggled by a key, with the file name asked for in a prompt. A
 * write error (a full disk) stops recording at once, says so on the status
 * line, and makes the exit status 1.
 * Handlers here change state and set the status line; drawing of the
 * doctor page happens in ui_doctor_draw, called by the view.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcwatch/capture.h"
#include "mcwatch/common.h"
#include "mcwatch/escape.h"
#include "mcwatch/doctor.h"
#include "mcwatch/engine.h"
#include "ui.h"

void ui_doctor_open(struct tui *t) {
  struct mcw_group *g = ui_current_group(t);
  struct mcw_doctor_options opts;
  struct mcw_doctor_report r = {0};
  struct mcw_json j = {0};
  size_t fails = 0, warns = 0;

  if (g == NULL) {
    ui_status(t, UI_WARN, "no group to check; press a to join one");
    return;
  }
  mcw_doctor_options_default(&opts);
  opts.rcvbuf = t->opt->engine.rcvbuf;
  opts.ngroups = mcw_engine_count(t->session.engine);
  mcw_doctor_run(&g->ep, &opts, &r);
  for (size_t i = 0; i < r.count; i++) {
    fails += r.checks[i].status == MCW_DOC_FAIL;
    warns += r.checks[i].status == MCW_DOC_WARN;
  }
  mcw_doctor_format_text(&r, &j);
  free(t->doctor_text);
  t->doctor_text = j.buf; /* taken over; freed with the tui */
  mcw_doctor_report_free(&r);
  t->mode = UI_DOCTOR;
  t->help_scroll = 0;
  ui_status(t,
            fails   ? UI_ERROR
            : warns ? UI_WARN
                    : UI_INFO,
            "doctor: %zu failure%s, %zu warning%s for %s", fails,
            fails == 1 ? "" : "s", warns, warns == 1 ? "" : "s", g->ep.iface);
}

void ui_doctor_draw(struct tui *t) {
  const char *p = t->doctor_text ? t->doctor_text : "";
  int line = 0, y = 1;

  move(0, 0);
  attron(ui_attr(t, UI_C_TITLE));
  ui_put(stdscr, " mcwatch doctor (Up/Down scroll, any other key closes)",
         COLS);
  attroff(ui_attr(t, UI_C_TITLE));
  while (*p != '\0') {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char buf[700];
    if (n >= sizeof(buf))
      n = sizeof(buf) - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    /* Long lines wrap, their continuation under the check's text. */
    for (int pos = 0, first = 1; first || pos < (int)n; first = 0) {
      int indent = first || COLS < 60 ? 0 : 20;
      int k = ui_cut(buf, pos, (int)n, COLS - indent);
      if (line++ >= t->help_scroll && y < LINES - 2) {
        attr_t a = strstr(buf, "  FAIL  ") == buf   ? ui_attr(t, UI_C_ERR)
                   : strstr(buf, "  WARN  ") == buf ? ui_attr(t, UI_C_WARN)
                   : strstr(buf, "  OK    ") == buf ? ui_attr(t, UI_C_OK)
                                                    : A_NORMAL;
        char part[700];
        snprintf(part, sizeof(part), "%.*s", k, buf + pos);
        move(y++, indent);
        attron(a);
        ui_put(stdscr, part, COLS - indent);
        attroff(a);
      }
      pos += k;
      if (k == 0)
        break;
    }
    p = e ? e + 1 : p + n;
  }
  if (t->help_scroll > line - 1)
    t->help_scroll = line > 0 ? line - 1 : 0;
}

/* Recording failed: the file is closed (cut after its last whole record)
   and the status line says why; the exit status will say it too. */
static void record_failed(struct tui *t, int err, const char *path,
                          const struct mcw_capture_stats *st) {
  snprintf(t->record_failed, sizeof(t->record_failed),
           "recording to %s failed: %s; %llu datagram%s in the file, %llu "
           "not written",
           path, strerror(-err), (unsigned long long)st->written,
           st->written == 1 ? "" : "s", (unsigned long long)st->not_written);
  ui_status(t, UI_ERROR, "%s", t->record_failed);
}

/* Closes the file; returns 0 or the write error (already said). */
static int record_close(struct tui *t, struct mcw_capture_stats *st) {
  char path[MCW_ESC_MAX(512)];
  int r;

  mcw_strlcpy(path, mcw_capture_path(t->capture), sizeof(path));
  r = mcw_capture_close(t->capture, st);
  t->capture = NULL;
  if (r < 0)
    record_failed(t, r, path, st);
  return r;
}

void ui_record_datagram(struct tui *t, const struct mcw_group *g,
                        const struct mcw_datagram *d) {
  struct mcw_capture_stats st;

  if (mcw_capture_write(t->capture, g, d, mcw_mono_ns()) < 0)
    (void)record_close(t, &st);
}

void ui_record_tick(struct tui *t) {
  struct mcw_capture_stats st;

  if (t->capture == NULL)
    return;
  if (mcw_capture_flush(t->capture, mcw_mono_ns()) < 0) {
    (void)record_close(t, &st);
    return;
  }
  mcw_capture_stats(t->capture, &st);
  if (st.late > 0 && !t->record_late_said) {
    t->record_late_said = true;
    ui_status(t, UI_WARN,
              "recording: a datagram came too late to be put in time order; "
              "it is in the file out of order");
  }
}

void ui_record_exit(struct tui *t) {
  struct mcw_capture_stats st;
  char path[MCW_ESC_MAX(512)];

  if (t->capture != NULL) {
    mcw_strlcpy(path, mcw_capture_path(t->capture), sizeof(path));
    if (record_close(t, &st) == 0) {
      fprintf(stderr, "mcwatch: recorded %llu datagrams in %s",
              (unsigned long long)st.written, path);
      if (st.late > 0)
        fprintf(stderr, " (%llu out of time order: they came too late)",
                (unsigned long long)st.late);
      fputc('\n', stderr);
    }
  }
  if (t->record_failed[0] != '\0')
    fprintf(stderr, "mcwatch: %s\n", t->record_failed);
}

void ui_record_toggle(struct tui *t) {
  char name[64];
  time_t now = time(NULL);
  struct tm tm;

  if (t->capture != NULL) {
    struct mcw_capture_stats st;
    char path[MCW_ESC_MAX(512)];
    mcw_strlcpy(path, mcw_capture_path(t->capture), sizeof(path));
    if (record_close(t, &st) == 0)
      ui_status(t, UI_INFO, "recording stopped: %llu datagram%s in %s",
                (unsigned long long)st.written, st.written == 1 ? "" : "s",
                path);
    return;
  }
  localtime_r(&now, &tm);
  strftime(name, sizeof(name), "mcwatch-%Y%m%d-%H%M%S.pcap", &tm);
  ui_prompt_open(t, UI_PROMPT_WRITE, "record to pcap file: ", name);
}

void ui_record_start(struct tui *t, const char *path) {
  struct stat sb;

  if (path[0] == '\0') {
    ui_status(t, UI_INFO, "not recording (no file name)");
    return;
  }
  /* A name typed at the prompt never replaces a file without a yes (-w on
     the command line does, as tcpdump -w does). */
  if (path != t->opt->write && lstat(path, &sb) == 0) {
    char question[UI_LINE_MAX * 4 + 64];
    mcw_strlcpy(t->confirm_path, path, sizeof(t->confirm_path));
    snprintf(question, sizeof(question), "%s exists: replace it?", path);
    ui_confirm_open(t, UI_CONFIRM_RECORD, NULL, question);
    return;
  }
  ui_record_begin(t, path);
}

void ui_record_begin(struct tui *t, const char *path) {
  char err[MCW_ESC_MAX(512) + 100];

  t->capture = mcw_capture_open(path, MCW_CAPTURE_WINDOW_NS, err, sizeof(err));
  if (t->capture == NULL) {
    ui_status(t, UI_ERROR, "cannot record: %s", err);
    /* --write on the command line (not a name typed at the prompt): the
       recording asked for did not happen, and the exit status says so. */
    if (path == t->opt->write)
      snprintf(t->record_failed, sizeof(t->record_failed), "--write %s", err);
  } else {
    t->record_late_said = false;
    ui_status(t, UI_INFO, "recording every group to %s (w stops)", path);
  }
}
