/*
 * Unit tests for config.c: entries reach the callback with their section,
 * errors name the file, the line and the reason (libinih's syntax errors
 * and the callback's refusals alike), the first error stops the rest, and
 * the default path follows XDG.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcwatch/config.h"

struct seen {
  int n;
  char lines[16][128];
};

static int collect(void *ctx, enum mcw_config_section sec, const char *name,
                   const char *value, unsigned line, char *err,
                   size_t errlen) {
  struct seen *s = ctx;
  if (strcmp(name, "bogus") == 0) {
    snprintf(err, errlen, "%s: unknown option", name);
    return -EINVAL;
  }
  if (s->n < 16)
    snprintf(s->lines[s->n++], 128, "%u|%s|%s|%s", line,
             sec == MCW_CONFIG_KEYS ? "keys" : "options", name, value);
  return 0;
}

static void test_entries(void **state) {
  struct seen s = {0};
  char err[300] = "";
  (void)state;
  assert_int_equal(mcw_config_parse("cfg",
                                    "# comment\n"
                                    "iface = lo\n"
                                    "silence=5   ; trailing comment\n"
                                    "\n"
                                    "[options]\n"
                                    "bell = yes\n"
                                    "[keys]\n"
                                    "join = a\n",
                                    collect, &s, err, sizeof(err)),
                   0);
  assert_int_equal(s.n, 4);
  assert_string_equal(s.lines[0], "2|options|iface|lo");
  assert_string_equal(s.lines[1], "3|options|silence|5");
  assert_string_equal(s.lines[2], "6|options|bell|yes");
  assert_string_equal(s.lines[3], "8|keys|join|a");
}

static void test_errors(void **state) {
  struct seen s = {0};
  char err[300] = "";
  (void)state;
  assert_int_equal(mcw_config_parse("cfg", "iface = lo\nbogus = 1\nbell=yes\n",
                                    collect, &s, err, sizeof(err)),
                   -EINVAL);
  assert_string_equal(err, "cfg:2: bogus: unknown option");
  assert_int_equal(s.n, 1); /* nothing after the first error */

  assert_int_equal(mcw_config_parse("cfg", "iface = lo\n\njust words\n",
                                    collect, &s, err, sizeof(err)),
                   -EINVAL);
  assert_string_equal(err, "cfg:3: not an entry: write \"name = value\", a "
                           "[section] or a # comment");

  assert_int_equal(mcw_config_parse("cfg", "[colours]\nx = 1\n", collect, &s,
                                    err, sizeof(err)),
                   -EINVAL);
  assert_string_equal(err, "cfg:2: [colours]: unknown section; the sections "
                           "are [options] and [keys]");

  assert_int_equal(
      mcw_config_parse("c\x1b[2Jfg", "x\n", collect, &s, err, sizeof(err)),
      -EINVAL);
  assert_non_null(strstr(err, "c\\x1b[2Jfg:1:"));
}

static void test_files(void **state) {
  struct seen s = {0};
  char err[300] = "", path[] = "/tmp/mcw-config-XXXXXX";
  int fd;
  (void)state;
  assert_int_equal(mcw_config_load("/nonexistent/mcwatch/config", false,
                                   collect, &s, err, sizeof(err)),
                   1);
  assert_int_equal(mcw_config_load("/nonexistent/mcwatch/config", true, collect,
                                   &s, err, sizeof(err)),
                   -ENOENT);
  assert_string_equal(err,
                      "/nonexistent/mcwatch/config: No such file or directory");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "history = 10\n", 13), 13);
  close(fd);
  assert_int_equal(mcw_config_load(path, true, collect, &s, err, sizeof(err)),
                   0);
  assert_string_equal(s.lines[0], "1|options|history|10");
  unlink(path);
  /* A directory is not a file. */
  assert_true(mcw_config_load("/tmp", true, collect, &s, err, sizeof(err)) < 0);
}

static void test_default_path(void **state) {
  char buf[300];
  (void)state;
  setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
  setenv("HOME", "/home/u", 1);
  assert_string_equal(mcw_config_default_path(buf, sizeof(buf)),
                      "/x/cfg/mcwatch/config");
  setenv("XDG_CONFIG_HOME", "relative", 1);
  assert_string_equal(mcw_config_default_path(buf, sizeof(buf)),
                      "/home/u/.config/mcwatch/config");
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HOME");
  assert_null(mcw_config_default_path(buf, sizeof(buf)));
}

static void test_bool(void **state) {
  (void)state;
  assert_int_equal(mcw_config_bool("YES"), 1);
  assert_int_equal(mcw_config_bool("on"), 1);
  assert_int_equal(mcw_config_bool("0"), 0);
  assert_int_equal(mcw_config_bool("False"), 0);
  assert_int_equal(mcw_config_bool("maybe"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entries), cmocka_unit_test(test_errors),
      cmocka_unit_test(test_files),   cmocka_unit_test(test_default_path),
      cmocka_unit_test(test_bool),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
