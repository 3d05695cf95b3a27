/*
 * Unit tests for endpoint.c, driven by two tables: good endpoints with every
 * field they should yield and their canonical form, and bad endpoints with
 * the exact one-line message each must produce. Resolution against an
 * interface list is tested in test_iface.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcwatch/common.h"
#include "mcwatch/endpoint.h"

struct good {
  const char *text;
  const char *group; /* canonical address text */
  unsigned port;
  const char *source; /* NULL for any-source */
  const char *iface;
  const char *canon; /* mcw_endpoint_format output */
};

static const struct good goods[] = {
    {"239.1.2.3:5000", "239.1.2.3", 5000, NULL, "", "239.1.2.3:5000"},
    {"232.1.1.1:5000@10.0.0.5%eth0", "232.1.1.1", 5000, "10.0.0.5", "eth0",
     "232.1.1.1:5000@10.0.0.5%eth0"},
    {"232.1.1.1:5000@10.0.0.5", "232.1.1.1", 5000, "10.0.0.5", "",
     "232.1.1.1:5000@10.0.0.5"},
    {"[ff15::1234]:5000%lo", "ff15::1234", 5000, NULL, "lo",
     "[ff15::1234]:5000%lo"},
    {"[ff35::1]:5000@2001:db8::5%eth0", "ff35::1", 5000, "2001:db8::5", "eth0",
     "[ff35::1]:5000@2001:db8::5%eth0"},
    {"[ff35::1]:5000@[2001:db8::5]%eth0", "ff35::1", 5000, "2001:db8::5",
     "eth0", "[ff35::1]:5000@2001:db8::5%eth0"},
    {"[ff35::1]:5000@2001:db8::5", "ff35::1", 5000, "2001:db8::5", "",
     "[ff35::1]:5000@2001:db8::5"},
    {"239.1.2.3:5000@10.0.0.5", "239.1.2.3", 5000, "10.0.0.5", "",
     "239.1.2.3:5000@10.0.0.5"},
    {"239.1.2.3:5000%3", "239.1.2.3", 5000, NULL, "3", "239.1.2.3:5000%3"},
    {"239.1.2.3:5000%10.0.0.2", "239.1.2.3", 5000, NULL, "10.0.0.2",
     "239.1.2.3:5000%10.0.0.2"},
    {"[ff15::1]:5000%2001:db8::2", "ff15::1", 5000, NULL, "2001:db8::2",
     "[ff15::1]:5000%2001:db8::2"},
    {"239.1.2.3:05000", "239.1.2.3", 5000, NULL, "", "239.1.2.3:5000"},
    {"239.1.2.3:000000000000000000000005000", "239.1.2.3", 5000, NULL, "",
     "239.1.2.3:5000"},
    {"224.0.0.1:1", "224.0.0.1", 1, NULL, "", "224.0.0.1:1"},
    {"239.255.255.255:65535", "239.255.255.255", 65535, NULL, "",
     "239.255.255.255:65535"},
    {"[FF15::ABCD]:5000", "ff15::abcd", 5000, NULL, "", "[ff15::abcd]:5000"},
    {"[ff02::1]:5000%eth0", "ff02::1", 5000, NULL, "eth0",
     "[ff02::1]:5000%eth0"},
    {"[ff3e::8000:1]:1234@fe80::1%eth0", "ff3e::8000:1", 1234, "fe80::1",
     "eth0", "[ff3e::8000:1]:1234@fe80::1%eth0"},
    {"239.1.2.3:5000%eth0.100", "239.1.2.3", 5000, NULL, "eth0.100",
     "239.1.2.3:5000%eth0.100"},
    {"233.252.0.1:5000%veth-a_b", "233.252.0.1", 5000, NULL, "veth-a_b",
     "233.252.0.1:5000%veth-a_b"},
    {"[ff3e:1::1]:5000", "ff3e:1::1", 5000, NULL, "", "[ff3e:1::1]:5000"},
    {"[ff15::1]:5000@::ffff:10.0.0.1", "ff15::1", 5000, "::ffff:10.0.0.1", "",
     "[ff15::1]:5000@::ffff:10.0.0.1"},
    {"239.1.2.3:5000%"
     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
     "239.1.2.3", 5000, NULL,
     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
     "239.1.2.3:5000%"
     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"},
};

struct bad {
  const char *text;
  const char *message;
};

static const struct bad bads[] = {
    {"", "empty endpoint"},
    {"239.1.2.300:5000", "239.1.2.300: not an IPv4 address"},
    {"239.1.2:5000", "239.1.2: not an IPv4 address"},
    {"10.0.0.1:5000",
     "10.0.0.1: not a multicast group; multicast is 224.0.0.0/4 or ff00::/8"},
    {"[2001:db8::1]:5000", "2001:db8::1: not a multicast group; multicast is "
                           "224.0.0.0/4 or ff00::/8"},
    {"mcast.example:5000",
     "mcast.example: not an IP address (names are not looked up)"},
    {":5000", "missing group; write GROUP:PORT, e.g. 239.1.2.3:5000"},
    {"239.1.2.3:0", "port 0: out of range; a port is 1 to 65535"},
    {"239.1.2.3:00000", "port 00000: out of range; a port is 1 to 65535"},
    {"239.1.2.3:65536", "port 65536: out of range; a port is 1 to 65535"},
    {"239.1.2.3:70000", "port 70000: out of range; a port is 1 to 65535"},
    {"239.1.2.3:99999999999999999999999",
     "port 99999999999999999999999: out of range; a port is 1 to 65535"},
    {"239.1.2.3:abc", "port 'abc': not a number"},
    {"239.1.2.3:+5000", "port '+5000': not a number"},
    {"239.1.2.3:-1", "port '-1': not a number"},
    {"239.1.2.3:0x10", "port '0x10': not a number"},
    {"239.1.2.3:5000x", "port '5000x': not a number"},
    {"239.1.2.3::5000", "port ':5000': not a number"},
    {"[ff15::1]:5000]", "port '5000]': not a number"},
    {"239.1.2.3",
     "239.1.2.3: missing port; write GROUP:PORT, e.g. 239.1.2.3:5000"},
    {"239.1.2.3:",
     "239.1.2.3: missing port; write GROUP:PORT, e.g. 239.1.2.3:5000"},
    {"239.1.2.3:@10.0.0.5",
     "239.1.2.3: missing port; write GROUP:PORT, e.g. 239.1.2.3:5000"},
    {"239.1.2.3%eth0",
     "239.1.2.3: missing port; write GROUP:PORT, e.g. 239.1.2.3:5000"},
    {"[ff15::1]",
     "ff15::1: missing port; write GROUP:PORT, e.g. [ff15::1]:5000"},
    {"ff15::1", "ff15::1: IPv6 groups go in brackets, e.g. [ff15::1]:5000"},
    {"ff15::1:5000",
     "ff15::1:5000: IPv6 groups go in brackets, e.g. [ff15::1]:5000"},
    {"ff35::1:5000@2001:db8::5%eth0",
     "ff35::1:5000: IPv6 groups go in brackets, e.g. [ff35::1]:5000"},
    {"ff15::zz:5000", "ff15::zz:5000: not an IPv6 address; IPv6 groups go in "
                      "brackets, e.g. [ff15::1]:5000"},
    {"[ff15::1",
     "[ff15::1: missing ']' after the IPv6 group, e.g. [ff15::1]:5000"},
    {"[]:5000", "[]: empty group; write GROUP:PORT, e.g. [ff15::1]:5000"},
    {"[ff15::zz]:5000", "ff15::zz: not an IPv6 address"},
    {"[239.1.2.3]:5000",
     "239.1.2.3: IPv4 groups take no brackets, e.g. 239.1.2.3:5000"},
    {"[ff12::1%eth0]:5000",
     "ff12::1%eth0: no zone inside the brackets; put the interface at the "
     "end, e.g. [ff12::1]:5000%eth0"},
    {"[ff15::1]x:5000",
     "unexpected 'x' after [ff15::1]; write GROUP:PORT, e.g. [ff15::1]:5000"},
    {"239.1.2.3:5000@239.1.1.1", "source 239.1.1.1: not a unicast address"},
    {"239.1.2.3:5000@0.0.0.0", "source 0.0.0.0: not a unicast address"},
    {"239.1.2.3:5000@255.255.255.255",
     "source 255.255.255.255: not a unicast address"},
    {"[ff15::1]:5000@::", "source ::: not a unicast address"},
    {"[ff15::1]:5000@ff02::1", "source ff02::1: not a unicast address"},
    {"239.1.2.3:5000@10.0.0.300", "source 10.0.0.300: not an IPv4 address"},
    {"239.1.2.3:5000@host.example",
     "source host.example: not an IP address (names are not looked up)"},
    {"[ff15::1]:5000@2001:db8::zz", "source 2001:db8::zz: not an IPv6 address"},
    {"239.1.2.3:5000@[10.0.0.5]",
     "source [10.0.0.5]: IPv4 sources take no brackets"},
    {"[ff15::1]:5000@[2001:db8::5", "source [2001:db8::5: missing ']'"},
    {"239.1.2.3:5000@", "source: empty address after @"},
    {"239.1.2.3:5000@%eth0", "source: empty address after @"},
    {"239.1.2.3:5000@10.0.0.5@10.0.0.6",
     "source 10.0.0.5@10.0.0.6: more than one @; write one @SOURCE"},
    {"[ff15::1]:5000@10.0.0.1",
     "source 10.0.0.1 is IPv4 but group ff15::1 is IPv6"},
    {"239.1.2.3:5000@2001:db8::5",
     "source 2001:db8::5 is IPv6 but group 239.1.2.3 is IPv4"},
    {"232.1.1.1:5000", "232.1.1.1: source-specific group (232.0.0.0/8) needs "
                       "a source, e.g. 232.1.1.1:5000@10.0.0.5"},
    {"232.1.1.1:6000%eth0",
     "232.1.1.1: source-specific group (232.0.0.0/8) needs a source, e.g. "
     "232.1.1.1:6000@10.0.0.5"},
    {"[ff35::1]:5000",
     "ff35::1: source-specific group (ff3x::/32) needs a source, e.g. "
     "[ff35::1]:5000@2001:db8::5"},
    {"[FF3E::1]:5000%eth0",
     "FF3E::1: source-specific group (ff3x::/32) needs a source, e.g. "
     "[ff3e::1]:5000@2001:db8::5"},
    {"239.1.2.3:5000%", "interface: empty name after %"},
    {"239.1.2.3:5000@10.0.0.5%", "interface: empty name after %"},
    {"239.1.2.3:5000%"
     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
     "interface "
     "'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl': "
     "too long; at most 63 characters"},
    {"239.1.2.3:5000%"
     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopq",
     "interface "
     "'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl...': "
     "too long; at most 63 characters"},
    {"239.1.2.3:5000%eth0%eth1",
     "interface: more than one %; write one %IFACE at the end"},
    {"[ff15::1]:5000@fe80::1%eth0%eth1",
     "interface: more than one %; write one %IFACE at the end"},
    {"239.1.2.3:5000%eth0@10.0.0.5",
     "interface 'eth0@10.0.0.5': write @SOURCE before %IFACE, e.g. "
     "239.1.2.3:5000@10.0.0.5%eth0"},
    {" 239.1.2.3:5000",
     "' 239.1.2.3:5000': leading or trailing whitespace in the endpoint"},
    {"239.1.2.3:5000 ",
     "'239.1.2.3:5000 ': leading or trailing whitespace in the endpoint"},
    {"239.1.2.3:5000\n",
     "'239.1.2.3:5000\\x0a': leading or trailing whitespace in the endpoint"},
    {"\t239.1.2.3:5000",
     "'\\x09239.1.2.3:5000': leading or trailing whitespace in the endpoint"},
    {"239.1.2.3: 5000", "'239.1.2.3: 5000': whitespace inside the endpoint"},
    {"\x1b[31m239.1.2.3:5000",
     "'\\x1b[31m239.1.2.3:5000': control character in the endpoint"},
    {"239.1.2.3:5000%eth\x7f",
     "'239.1.2.3:5000%eth\\x7f': control character in the endpoint"},
    {"239.1.2.\xc3\xa9:5000", "239.1.2.\\xc3\\xa9: not an IP address (names "
                              "are not looked up)"},
};

static void test_good(void **state) {
  (void)state;
  for (size_t i = 0; i < MCW_ARRAY_LEN(goods); i++) {
    const struct good *g = &goods[i];
    struct mcw_endpoint ep, again;
    char err[256] = "", buf[256], a[MCW_ADDRSTRLEN];
    int r;

    memset(&ep, 0x55, sizeof(ep));
    r = mcw_endpoint_parse(g->text, &ep, err, sizeof(err));
    if (r != 0)
      fail_msg("'%s': returned %d (%s)", g->text, r, err);
    assert_string_equal(err, ""); /* untouched on success */
    assert_string_equal(mcw_addr_format(&ep.group, a, sizeof(a)), g->group);
    assert_true(mcw_addr_is_multicast(&ep.group));
    assert_int_equal(ep.group.port, g->port);
    assert_int_equal(ep.group.scope_id, 0);
    if (g->source == NULL) {
      assert_false(mcw_endpoint_has_source(&ep));
      assert_int_equal(ep.source.family, 0);
    } else {
      assert_true(mcw_endpoint_has_source(&ep));
      assert_int_equal(ep.source.family, ep.group.family);
      assert_string_equal(mcw_addr_format(&ep.source, a, sizeof(a)), g->source);
      assert_int_equal(ep.source.port, 0);
    }
    assert_string_equal(ep.iface, g->iface);
    assert_int_equal(ep.ifindex, 0);
    assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)), g->canon);
    /* The canonical form parses back to the same endpoint. */
    assert_int_equal(mcw_endpoint_parse(buf, &again, err, sizeof(err)), 0);
    assert_memory_equal(&ep, &again, sizeof(ep));
  }
}

static void test_bad(void **state) {
  (void)state;
  for (size_t i = 0; i < MCW_ARRAY_LEN(bads); i++) {
    const struct bad *b = &bads[i];
    struct mcw_endpoint ep, zero;
    char err[256];
    int r;

    memset(&ep, 0x55, sizeof(ep));
    memset(&zero, 0, sizeof(zero));
    memset(err, 'x', sizeof(err));
    r = mcw_endpoint_parse(b->text, &ep, err, sizeof(err));
    if (r != -EINVAL)
      fail_msg("'%s': returned %d, want -EINVAL", b->text, r);
    if (strcmp(err, b->message) != 0)
      fail_msg("'%s':\n   got '%s'\n  want '%s'", b->text, err, b->message);
    assert_null(strchr(err, '\n'));              /* one line */
    assert_memory_equal(&ep, &zero, sizeof(ep)); /* cleared on error */
  }
}

static void test_null_and_short_err(void **state) {
  struct mcw_endpoint ep;
  char err[12];
  (void)state;

  assert_int_equal(mcw_endpoint_parse(NULL, &ep, err, sizeof(err)), -EINVAL);
  assert_string_equal(err, "empty endpo");
  assert_int_equal(mcw_endpoint_parse("239.1.2.3:0", &ep, NULL, 0), -EINVAL);
  assert_int_equal(mcw_endpoint_parse("239.1.2.3:0", &ep, err, 0), -EINVAL);
  assert_int_equal(mcw_endpoint_parse("239.1.2.3:0", &ep, err, sizeof(err)),
                   -EINVAL);
  assert_string_equal(err, "port 0: out");
}

static void test_format_partial(void **state) {
  struct mcw_endpoint ep;
  char buf[128], tiny[6];
  (void)state;

  memset(&ep, 0, sizeof(ep));
  assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)), "");
  assert_int_equal(mcw_addr_parse("239.1.2.3", &ep.group), 0);
  assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)), "239.1.2.3");
  mcw_strlcpy(ep.iface, "eth0", sizeof(ep.iface));
  assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)),
                      "239.1.2.3%eth0");
  assert_int_equal(mcw_addr_parse("ff15::1", &ep.group), 0);
  assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)),
                      "[ff15::1]%eth0");
  ep.group.port = 5000;
  ep.group.scope_id = 2; /* the scope is not part of the syntax */
  assert_string_equal(mcw_endpoint_format(&ep, buf, sizeof(buf)),
                      "[ff15::1]:5000%eth0");
  assert_string_equal(mcw_endpoint_format(&ep, tiny, sizeof(tiny)), "[ff15");
}

/* A channel (the beacon's --ssm) may name a source-specific group alone. */
static void test_channel(void **state) {
  struct mcw_endpoint ep;
  char err[256];

  (void)state;
  assert_int_equal(
      mcw_endpoint_parse_channel("232.1.1.1:5000%lo", &ep, err, sizeof(err)),
      0);
  assert_int_equal(ep.source.family, 0);
  assert_int_equal(ep.group.port, 5000);
  assert_string_equal(ep.iface, "lo");
  assert_int_equal(
      mcw_endpoint_parse_channel("[ff35::1]:5000", &ep, err, sizeof(err)), 0);
  assert_int_equal(
      mcw_endpoint_parse("232.1.1.1:5000%lo", &ep, err, sizeof(err)), -EINVAL);
  /* Everything else is checked as before. */
  assert_int_equal(
      mcw_endpoint_parse_channel("10.1.1.1:5000", &ep, err, sizeof(err)),
      -EINVAL);
  assert_int_equal(
      mcw_endpoint_parse_channel("232.1.1.300:5000", &ep, err, sizeof(err)),
      -EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good),
      cmocka_unit_test(test_bad),
      cmocka_unit_test(test_null_and_short_err),
      cmocka_unit_test(test_format_partial),
      cmocka_unit_test(test_channel),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
