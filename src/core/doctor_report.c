/*
 * The doctor's report: a growable array of checks in the order they ran,
 * and its two renderings. The text form is a table a person reads (status,
 * check name, sentence, then "fix:" and the command on its own line); the
 * JSON form is one object per check per line (schema in docs/DOCTOR.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/doctor.h"
#include "mcwatch/escape.h"

struct mcw_doctor_check *mcw_doctor_add(struct mcw_doctor_report *r,
                                        const char *name,
                                        enum mcw_doctor_status status,
                                        const char *fix, const char *fmt, ...) {
  struct mcw_doctor_check *c;
  va_list ap;

  if (r->count == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 16;
    r->checks = mcw_xrealloc(r->checks, r->cap * sizeof(*r->checks));
  }
  c = &r->checks[r->count++];
  memset(c, 0, sizeof(*c));
  mcw_strlcpy(c->name, name, sizeof(c->name));
  c->status = status;
  if (fix != NULL)
    mcw_strlcpy(c->fix, fix, sizeof(c->fix));
  va_start(ap, fmt);
  vsnprintf(c->message, sizeof(c->message), fmt, ap);
  va_end(ap);
  return c;
}

enum mcw_doctor_status mcw_doctor_worst(const struct mcw_doctor_report *r) {
  enum mcw_doctor_status w = MCW_DOC_OK;

  for (size_t i = 0; i < r->count; i++)
    if (r->checks[i].status != MCW_DOC_SKIP && r->checks[i].status > w)
      w = r->checks[i].status;
  return w;
}

const char *mcw_doctor_status_name(enum mcw_doctor_status s) {
  static const char *names[] = {"ok", "warning", "failure", "not checked"};
  return s <= MCW_DOC_SKIP ? names[s] : "?";
}

static void put(struct mcw_json *j, const char *s) {
  mcw_json_raw(j, s, strlen(s));
}

/* Appends s to j through the escaper: the sentences carry interface names,
 * table and chain names and program names from outside, which may hold
 * terminal escapes. */
static void put_escaped(struct mcw_json *j, const char *s) {
  size_t n = strlen(s);
  char *out = mcw_xmalloc(MCW_ESC_MAX(n));

  mcw_escape((const uint8_t *)s, n, out, MCW_ESC_MAX(n), 0);
  put(j, out);
  free(out);
}

void mcw_doctor_format_text(const struct mcw_doctor_report *r,
                            struct mcw_json *j) {
  static const char *tags[] = {"OK  ", "WARN", "FAIL", "SKIP"};
  char line[64];

  put(j, "mcwatch doctor ");
  put_escaped(j, r->endpoint);
  put(j, "\n");
  for (size_t i = 0; i < r->count; i++) {
    const struct mcw_doctor_check *c = &r->checks[i];
    snprintf(line, sizeof(line), "  %s  %-11s ", tags[c->status], c->name);
    put(j, line);
    put_escaped(j, c->message);
    put(j, "\n");
    if (c->fix[0] != '\0') {
      snprintf(line, sizeof(line), "        %-11s fix: ", "");
      put(j, line);
      put_escaped(j, c->fix);
      put(j, "\n");
    }
  }
}

void mcw_doctor_format_json(const struct mcw_doctor_report *r,
                            struct mcw_json *j) {
  for (size_t i = 0; i < r->count; i++) {
    const struct mcw_doctor_check *c = &r->checks[i];
    mcw_json_open(j);
    mcw_json_key(j, "endpoint");
    mcw_json_str(j, r->endpoint);
    mcw_json_key(j, "check");
    mcw_json_str(j, c->name);
    mcw_json_key(j, "status");
    mcw_json_str(j, c->status == MCW_DOC_OK     ? "ok"
                    : c->status == MCW_DOC_WARN ? "warn"
                    : c->status == MCW_DOC_FAIL ? "fail"
                                                : "skip");
    mcw_json_key(j, "message");
    mcw_json_str(j, c->message);
    mcw_json_key(j, "fix");
    mcw_json_str(j, c->fix[0] ? c->fix : NULL);
    mcw_json_close(j);
    put(j, "\n");
    j->need_comma = false;
  }
}

void mcw_doctor_report_free(struct mcw_doctor_report *r) {
  free(r->checks);
  r->checks = NULL;
  r->count = r->cap = 0;
}
