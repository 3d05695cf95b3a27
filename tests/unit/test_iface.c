/*
 * Unit tests for iface.c and for mcw_endpoint_resolve(), on a synthetic
 * interface list: lo (index 1, LOOPBACK|UP, no MULTICAST flag, 127.0.0.1
 * and ::1), eth0 (index 2, UP|MULTICAST, 10.0.0.2, fe80::2, 2001:db8::2)
 * and ifb0 (index 3, UP, no MULTICAST flag, no address).
 */
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/common.h"
#include "mcwatch/endpoint.h"
#include "mcwatch/iface.h"

static void add_addr(struct mcw_iface *ifc, const char *text) {
  struct mcw_addr a;
  assert_int_equal(mcw_addr_parse(text, &a), 0);
  mcw_iface_add_addr(ifc, &a);
}

static int setup(void **state) {
  static struct mcw_iface_list list;
  struct mcw_iface *ifc;

  list.items = NULL;
  list.count = 0;
  ifc = mcw_iface_list_add(&list, "lo", 1, IFF_LOOPBACK | IFF_UP);
  add_addr(ifc, "127.0.0.1");
  add_addr(ifc, "::1");
  ifc = mcw_iface_list_add(&list, "eth0", 2, IFF_UP | IFF_MULTICAST);
  add_addr(ifc, "10.0.0.2");
  add_addr(ifc, "fe80::2");
  add_addr(ifc, "2001:db8::2");
  mcw_iface_list_add(&list, "ifb0", 3, IFF_UP);
  *state = &list;
  return 0;
}

static int teardown(void **state) {
  struct mcw_iface_list *list = *state;
  mcw_iface_list_free(list);
  assert_null(list->items);
  assert_int_equal(list->count, 0);
  return 0;
}

/* Returns the name found for spec, or "-" when nothing matches. */
static const char *found(const struct mcw_iface_list *list, const char *spec) {
  const struct mcw_iface *ifc = mcw_iface_find(list, spec);
  return ifc != NULL ? ifc->name : "-";
}

static void test_list(void **state) {
  const struct mcw_iface_list *list = *state;

  assert_int_equal(list->count, 3);
  assert_string_equal(list->items[0].name, "lo");
  assert_int_equal(list->items[0].index, 1);
  assert_int_equal(list->items[0].naddrs, 2);
  assert_int_equal(list->items[1].naddrs, 3);
  assert_int_equal(list->items[2].naddrs, 0);
  assert_int_equal(list->items[1].flags, IFF_UP | IFF_MULTICAST);
}

static void test_find(void **state) {
  static const struct {
    const char *spec, *name;
  } cases[] = {
      {"lo", "lo"},
      {"eth0", "eth0"},
      {"ifb0", "ifb0"},
      {"1", "lo"},
      {"2", "eth0"},
      {"3", "ifb0"},
      {"02", "eth0"},
      {"10.0.0.2", "eth0"},
      {"127.0.0.1", "lo"},
      {"::1", "lo"},
      {"fe80::2", "eth0"},
      {"2001:db8::2", "eth0"},
      {"2001:DB8::2", "eth0"},
      {"eth1", "-"},
      {"ETH0", "-"},
      {"eth", "-"},
      {"0", "-"},
      {"4", "-"},
      {"-1", "-"},
      {"+2", "-"},
      {"2x", "-"},
      {"4294967298", "-"},
      {"10.0.0.3", "-"},
      {"::2", "-"},
      {"::ffff:10.0.0.2", "-"},
      {"[::1]", "-"},
      {"", "-"},
  };
  const struct mcw_iface_list *list = *state;

  for (size_t i = 0; i < MCW_ARRAY_LEN(cases); i++)
    if (strcmp(found(list, cases[i].spec), cases[i].name) != 0)
      fail_msg("find '%s': got %s, want %s", cases[i].spec,
               found(list, cases[i].spec), cases[i].name);
  assert_null(mcw_iface_find(list, NULL));
  assert_null(mcw_iface_find(NULL, "eth0"));
}

static void test_find_name_before_index(void **state) {
  struct mcw_iface_list list = {NULL, 0};
  (void)state;

  mcw_iface_list_add(&list, "eth0", 3, IFF_MULTICAST);
  mcw_iface_list_add(&list, "3", 7, IFF_MULTICAST);
  assert_int_equal(mcw_iface_find(&list, "3")->index, 7);
  assert_string_equal(mcw_iface_find(&list, "7")->name, "3");
  mcw_iface_list_free(&list);
}

static void test_by_index(void **state) {
  const struct mcw_iface_list *list = *state;

  assert_string_equal(mcw_iface_by_index(list, 1)->name, "lo");
  assert_string_equal(mcw_iface_by_index(list, 3)->name, "ifb0");
  assert_null(mcw_iface_by_index(list, 0));
  assert_null(mcw_iface_by_index(list, 4));
  assert_null(mcw_iface_by_index(NULL, 1));
}

static void test_can_multicast(void **state) {
  const struct mcw_iface_list *list = *state;
  struct mcw_iface plain;

  assert_true(mcw_iface_can_multicast(&list->items[0]));  /* lo */
  assert_true(mcw_iface_can_multicast(&list->items[1]));  /* eth0 */
  assert_false(mcw_iface_can_multicast(&list->items[2])); /* ifb0 */
  memset(&plain, 0, sizeof(plain));
  plain.flags = IFF_UP | IFF_RUNNING | IFF_BROADCAST;
  assert_false(mcw_iface_can_multicast(&plain));
}

static void test_grow_and_caps(void **state) {
  struct mcw_iface_list list = {NULL, 0};
  struct mcw_iface *ifc;
  char name[32];
  (void)state;

  for (unsigned i = 0; i < 100; i++) {
    snprintf(name, sizeof(name), "veth%u", i);
    ifc = mcw_iface_list_add(&list, name, i + 1, IFF_MULTICAST);
    assert_int_equal(list.count, i + 1);
    assert_ptr_equal(ifc, &list.items[i]);
  }
  for (unsigned i = 0; i < 100; i++) {
    snprintf(name, sizeof(name), "veth%u", i);
    assert_string_equal(list.items[i].name, name);
    assert_int_equal(mcw_iface_find(&list, name)->index, i + 1);
  }
  /* Names are cut to MCW_IFNAMSIZ - 1 bytes. */
  ifc = mcw_iface_list_add(&list, "a-very-long-interface-name", 200, 0);
  assert_string_equal(ifc->name, "a-very-long-int");
  /* Addresses beyond MCW_IFACE_ADDRS are dropped silently. */
  for (unsigned i = 0; i < MCW_IFACE_ADDRS + 3; i++) {
    char text[32];
    snprintf(text, sizeof(text), "10.1.0.%u", i + 1);
    add_addr(ifc, text);
  }
  assert_int_equal(ifc->naddrs, MCW_IFACE_ADDRS);
  assert_string_equal(found(&list, "10.1.0.8"), "a-very-long-int");
  assert_string_equal(found(&list, "10.1.0.9"), "-");
  mcw_iface_list_free(&list);
  mcw_iface_list_free(&list); /* twice is harmless */
}

/* Parses text and resolves it; returns the resolve result. */
static int resolve(const struct mcw_iface_list *list, const char *text,
                   const char *dflt, struct mcw_endpoint *ep, char *err,
                   size_t errlen) {
  char perr[256];
  if (mcw_endpoint_parse(text, ep, perr, sizeof(perr)) != 0)
    fail_msg("parse '%s': %s", text, perr);
  err[0] = '\0';
  return mcw_endpoint_resolve(ep, list, dflt, err, errlen);
}

static void test_resolve_good(void **state) {
  static const struct {
    const char *text, *dflt, *iface;
    unsigned ifindex, scope;
    const char *canon;
  } cases[] = {
      {"239.1.2.3:5000", "eth0", "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000", "2", "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000", "10.0.0.2", "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000%eth0", NULL, "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000%eth0", "ifb0", "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000%2", "", "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000%10.0.0.2", NULL, "eth0", 2, 0, "239.1.2.3:5000%eth0"},
      {"239.1.2.3:5000%lo", NULL, "lo", 1, 0, "239.1.2.3:5000%lo"},
      {"239.1.2.3:5000%127.0.0.1", NULL, "lo", 1, 0, "239.1.2.3:5000%lo"},
      {"232.1.1.1:5000@10.0.0.5%1", NULL, "lo", 1, 0,
       "232.1.1.1:5000@10.0.0.5%lo"},
      {"[ff15::1]:5000%eth0", NULL, "eth0", 2, 0, "[ff15::1]:5000%eth0"},
      {"[ff02::1]:5000%eth0", NULL, "eth0", 2, 2, "[ff02::1]:5000%eth0"},
      {"[ff12::1]:5000", "fe80::2", "eth0", 2, 2, "[ff12::1]:5000%eth0"},
      {"[ff01::1]:5000%::1", NULL, "lo", 1, 1, "[ff01::1]:5000%lo"},
      {"[ff32::1]:5000@fe80::9%eth0", NULL, "eth0", 2, 2,
       "[ff32::1]:5000@fe80::9%eth0"},
      {"[ff35::1]:5000@2001:db8::5%2001:db8::2", NULL, "eth0", 2, 0,
       "[ff35::1]:5000@2001:db8::5%eth0"},
  };
  const struct mcw_iface_list *list = *state;

  for (size_t i = 0; i < MCW_ARRAY_LEN(cases); i++) {
    struct mcw_endpoint ep;
    char err[256], buf[256];
    int r = resolve(list, cases[i].text, cases[i].dflt, &ep, err, sizeof(err));
    if (r != 0)
      fail_msg("resolve '%s': %d (%s)", cases[i].text, r, err);
    assert_string_equal(err, "");
    assert_string_equal(ep.iface, cases[i].iface);
    assert_int_equal(ep.ifindex, cases[i].ifindex);
    assert_int_equal(ep.group.scope_id, cases[i].scope);
    assert_int_equal(ep.source.scope_id, 0);
    assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)),
                        cases[i].canon);
  }
}

static void test_resolve_bad(void **state) {
  static const struct {
    const char *text, *dflt;
    int code;
    const char *message;
  } cases[] = {
      {"239.1.2.3:5000", NULL, -ENODEV, "no interface given and no default"},
      {"239.1.2.3:5000", "", -ENODEV, "no interface given and no default"},
      {"239.1.2.3:5000%eth9", NULL, -ENODEV,
       "eth9: no such interface (see mcwatch --list-interfaces)"},
      {"239.1.2.3:5000%eth9", "eth0", -ENODEV,
       "eth9: no such interface (see mcwatch --list-interfaces)"},
      {"239.1.2.3:5000", "eth9", -ENODEV,
       "eth9: no such interface (see mcwatch --list-interfaces)"},
      {"239.1.2.3:5000%9", NULL, -ENODEV,
       "9: no such interface (see mcwatch --list-interfaces)"},
      {"239.1.2.3:5000%10.0.0.9", NULL, -ENODEV,
       "10.0.0.9: no such interface (see mcwatch --list-interfaces)"},
      {"239.1.2.3:5000", "eth\x1b[2J", -ENODEV,
       "eth\\x1b[2J: no such interface (see mcwatch --list-interfaces)"},
      {"239.1.2.3:5000%ifb0", NULL, -EINVAL,
       "ifb0: interface has no MULTICAST flag; fix: ip link set ifb0 "
       "multicast on"},
      {"239.1.2.3:5000%3", NULL, -EINVAL,
       "ifb0: interface has no MULTICAST flag; fix: ip link set ifb0 "
       "multicast on"},
      {"[ff15::1]:5000", "ifb0", -EINVAL,
       "ifb0: interface has no MULTICAST flag; fix: ip link set ifb0 "
       "multicast on"},
  };
  const struct mcw_iface_list *list = *state;

  for (size_t i = 0; i < MCW_ARRAY_LEN(cases); i++) {
    struct mcw_endpoint ep;
    char err[256];
    int r = resolve(list, cases[i].text, cases[i].dflt, &ep, err, sizeof(err));
    if (r != cases[i].code || strcmp(err, cases[i].message) != 0)
      fail_msg("resolve '%s':\n   got %d '%s'\n  want %d '%s'", cases[i].text,
               r, err, cases[i].code, cases[i].message);
    assert_int_equal(ep.ifindex, 0);
  }
}

static void test_resolve_again(void **state) {
  const struct mcw_iface_list *list = *state;
  struct mcw_endpoint ep;
  char err[256];

  /* A re-resolve (say, after the interface came back) recomputes scope. */
  assert_int_equal(
      resolve(list, "[ff02::1]:5000%eth0", NULL, &ep, err, sizeof(err)), 0);
  assert_int_equal(ep.group.scope_id, 2);
  assert_int_equal(mcw_endpoint_resolve(&ep, list, NULL, err, sizeof(err)), 0);
  assert_int_equal(ep.group.scope_id, 2);
  mcw_strlcpy(ep.iface, "lo", sizeof(ep.iface));
  assert_int_equal(mcw_endpoint_resolve(&ep, list, NULL, err, sizeof(err)), 0);
  assert_int_equal(ep.ifindex, 1);
  assert_int_equal(ep.group.scope_id, 1);
  /* Empty list: every name is unknown. */
  {
    struct mcw_iface_list empty = {NULL, 0};
    assert_int_equal(mcw_endpoint_resolve(&ep, &empty, NULL, err, sizeof(err)),
                     -ENODEV);
    assert_string_equal(
        err, "lo: no such interface (see mcwatch --list-interfaces)");
  }
}

/* "%*" expands to every interface that is up with MULTICAST, in order. */
static void test_resolve_all(void **state) {
  const struct mcw_iface_list *list = *state;
  struct mcw_iface_list more = {NULL, 0};
  struct mcw_endpoint ep, out[8];
  char err[256];

  assert_int_equal(
      mcw_endpoint_parse("239.1.2.3:5000%*", &ep, err, sizeof(err)), 0);
  /* lo (no MULTICAST flag) and ifb0 are left out. */
  assert_int_equal(
      mcw_endpoint_resolve_all(&ep, list, NULL, out, 8, err, sizeof(err)), 1);
  assert_string_equal(out[0].iface, "eth0");
  assert_int_equal(out[0].ifindex, 2);

  mcw_iface_list_add(&more, "a", 4, IFF_UP | IFF_MULTICAST);
  mcw_iface_list_add(&more, "down0", 5, IFF_MULTICAST);
  mcw_iface_list_add(&more, "b", 6, IFF_UP | IFF_MULTICAST | IFF_LOOPBACK);
  mcw_iface_list_add(&more, "c", 7, IFF_UP | IFF_MULTICAST);
  assert_int_equal(
      mcw_endpoint_resolve_all(&ep, &more, NULL, out, 8, err, sizeof(err)), 3);
  assert_string_equal(out[0].iface, "a");
  assert_string_equal(out[1].iface, "b");
  assert_string_equal(out[2].iface, "c");
  assert_int_equal(out[2].ifindex, 7);
  /* Capped by the room given. */
  assert_int_equal(
      mcw_endpoint_resolve_all(&ep, &more, NULL, out, 2, err, sizeof(err)), 2);
  mcw_iface_list_free(&more);

  /* Nothing suitable: one clear line. */
  {
    struct mcw_iface_list none = {NULL, 0};
    assert_int_equal(
        mcw_endpoint_resolve_all(&ep, &none, NULL, out, 8, err, sizeof(err)),
        -ENODEV);
    assert_string_equal(err, "%*: no interface is up with the MULTICAST flag "
                             "(see mcwatch --list-interfaces)");
  }
  /* Without "*", it is mcw_endpoint_resolve. */
  assert_int_equal(mcw_endpoint_parse("239.1.2.3:5000", &ep, err, sizeof(err)),
                   0);
  assert_int_equal(
      mcw_endpoint_resolve_all(&ep, list, "lo", out, 8, err, sizeof(err)), 1);
  assert_string_equal(out[0].iface, "lo");
  assert_int_equal(
      mcw_endpoint_parse("239.1.2.3:5000%nope", &ep, err, sizeof(err)), 0);
  assert_int_equal(
      mcw_endpoint_resolve_all(&ep, list, "lo", out, 8, err, sizeof(err)),
      -ENODEV);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resolve_all),
      cmocka_unit_test(test_list),
      cmocka_unit_test(test_find),
      cmocka_unit_test(test_find_name_before_index),
      cmocka_unit_test(test_by_index),
      cmocka_unit_test(test_can_multicast),
      cmocka_unit_test(test_grow_and_caps),
      cmocka_unit_test(test_resolve_good),
      cmocka_unit_test(test_resolve_bad),
      cmocka_unit_test(test_resolve_again),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
