/*
 * Unit tests for the firewall judge, fed rulesets captured from real
 * nftables and iptables-nft (`nft -j list ruleset` in a namespace; see
 * tests/unit/fwjudge_capture.sh and fwjudge_rulesets.h): ranges, sets,
 * prefixes, iifname, l4proto, != , reject, chain policies, jumps, verdict
 * maps, named sets, netdev ingress, chains off the path, iptables
 * extensions nft cannot show (judged "maybe"), and each rule counted once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fwjudge_rulesets.h"
#include "mcwatch/fwjudge.h"

static struct mcw_fw_result res;
static char fix[300];

/* Judges a datagram to group:port from src ("" = unknown) on ifname. */
static enum mcw_fw_verdict judge(const char *json, const char *group,
                                 unsigned port, const char *src,
                                 const char *ifname) {
  struct mcw_fw_packet p = {.ifname = ifname, .ifindex = 3};

  assert_int_equal(mcw_addr_parse(group, &p.group), 0);
  p.group.port = (uint16_t)port;
  if (src[0] != '\0')
    assert_int_equal(mcw_addr_parse(src, &p.source), 0);
  assert_int_equal(mcw_fw_judge(json, &p, &res), 0);
  mcw_fw_fix(&res, &p, fix, sizeof(fix));
  return res.verdict;
}

static void test_range(void **state) {
  assert_int_equal(judge(nft_range, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_DROP);
  assert_string_equal(res.rule.text, "udp dport 4000-6000 drop");
  assert_string_equal(res.rule.family, "inet");
  assert_string_equal(res.rule.table, "f");
  assert_string_equal(res.rule.chain, "input");
  assert_int_equal(res.rule.handle, 2);
  assert_false(res.rule.iptables);
  assert_string_equal(fix, "nft insert rule inet f input position 2 ip daddr "
                           "239.1.1.1 udp dport 5000 accept");
  assert_int_equal(judge(nft_range, "239.1.1.1", 6001, "", "eth0"),
                   MCW_FW_ACCEPT);
  assert_string_equal(fix, "");
  assert_int_equal(judge(nft_range, "ff15::1", 4000, "", "eth0"), MCW_FW_DROP);
  assert_string_equal(fix, "nft insert rule inet f input position 2 ip6 "
                           "daddr ff15::1 udp dport 4000 accept");
  assert_int_equal(res.rules, 1);
  assert_int_equal(res.base_chains, 1);
}

static void test_daddr(void **state) {
  assert_int_equal(judge(nft_daddr, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_DROP);
  assert_string_equal(res.rule.text, "ip daddr 239.1.1.1 drop");
  assert_int_equal(judge(nft_daddr, "239.1.1.2", 5000, "", "eth0"),
                   MCW_FW_ACCEPT);
  /* An ip table is not on an IPv6 datagram's path at all. */
  assert_int_equal(judge(nft_daddr, "ff15::1", 5000, "", "eth0"),
                   MCW_FW_ACCEPT);
  assert_int_equal(res.base_chains, 0);
}

static void test_iif_set_reject(void **state) {
  assert_int_equal(judge(nft_iif_set, "239.1.1.1", 5001, "", "a1"),
                   MCW_FW_DROP);
  assert_string_equal(res.rule.chain, "pre");
  assert_non_null(strstr(res.rule.text, "reject"));
  assert_int_equal(judge(nft_iif_set, "239.1.1.1", 5001, "", "a2"),
                   MCW_FW_ACCEPT);
  assert_int_equal(judge(nft_iif_set, "239.1.1.1", 5002, "", "a1"),
                   MCW_FW_ACCEPT);
}

static void test_prefix_not_equal(void **state) {
  assert_int_equal(judge(nft_prefix_ne, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_ACCEPT);
  assert_int_equal(judge(nft_prefix_ne, "239.1.1.1", 5001, "", "eth0"),
                   MCW_FW_DROP);
  assert_string_equal(res.rule.text,
                      "ip daddr 239.0.0.0/8 udp dport != 5000 counter drop");
  assert_int_equal(judge(nft_prefix_ne, "224.1.1.1", 5001, "", "eth0"),
                   MCW_FW_ACCEPT);
  /* ip daddr does not apply to IPv6: the dependency fails, even with !=. */
  assert_int_equal(judge(nft_prefix_ne, "ff15::1", 5001, "", "eth0"),
                   MCW_FW_ACCEPT);
}

static void test_policy(void **state) {
  /* Multicast UDP stays "new" in conntrack: only lo is let in. */
  assert_int_equal(judge(nft_policy, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_DROP);
  assert_int_equal(res.rule.handle, -1);
  assert_string_equal(res.rule.text, "policy drop");
  assert_string_equal(fix, "nft insert rule inet f input ip daddr 239.1.1.1 "
                           "udp dport 5000 accept");
  assert_int_equal(judge(nft_policy, "239.1.1.1", 5000, "", "lo"),
                   MCW_FW_ACCEPT);
}

static void test_jump(void **state) {
  assert_int_equal(judge(nft_jump, "239.1.1.1", 5000, "10.1.2.3", "eth0"),
                   MCW_FW_DROP);
  assert_string_equal(res.rule.chain, "sub");
  assert_string_equal(res.rule.text, "udp dport 5000 drop");
  assert_int_equal(judge(nft_jump, "239.1.1.1", 5000, "192.0.2.1", "eth0"),
                   MCW_FW_ACCEPT);
  /* Without the sender's address, the jump may or may not happen. */
  assert_int_equal(judge(nft_jump, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_MAYBE);
  assert_string_equal(res.rule.chain, "sub");
  assert_non_null(strstr(res.unknown, "sender's address"));
  assert_string_equal(fix, "nft -a list chain inet f sub   (rule handle 4)");
  assert_int_equal(judge(nft_jump, "239.1.1.1", 5001, "", "eth0"),
                   MCW_FW_ACCEPT);
}

static void test_named_set(void **state) {
  assert_int_equal(judge(nft_set, "239.2.3.4", 5000, "", "eth0"), MCW_FW_DROP);
  assert_string_equal(res.rule.text, "ip daddr @blocked drop");
  assert_int_equal(judge(nft_set, "239.3.3.3", 5000, "", "eth0"), MCW_FW_DROP);
  assert_int_equal(judge(nft_set, "239.3.3.4", 5000, "", "eth0"),
                   MCW_FW_ACCEPT);
}

static void test_vmap(void **state) {
  assert_int_equal(judge(nft_vmap, "239.1.1.1", 5000, "", "eth0"), MCW_FW_DROP);
  assert_string_equal(res.rule.chain, "udpc");
  assert_int_equal(judge(nft_vmap, "239.1.1.1", 5001, "", "eth0"),
                   MCW_FW_ACCEPT);
}

static void test_netdev(void **state) {
  /* nft 1.0.6 does not list a netdev chain's device in JSON: the chain may
     be on any interface, so its drops are possible, not certain. */
  assert_int_equal(judge(nft_netdev, "239.1.1.1", 5000, "", "a1"),
                   MCW_FW_MAYBE);
  assert_string_equal(res.rule.family, "netdev");
  assert_non_null(strstr(res.unknown, "netdev"));
  assert_int_equal(judge(nft_netdev, "239.1.1.2", 5000, "", "a1"),
                   MCW_FW_ACCEPT);
}

static void test_off_path(void **state) {
  /* Output and forward chains never see a datagram that is received. */
  assert_int_equal(judge(nft_elsewhere, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_ACCEPT);
  assert_int_equal(res.base_chains, 0);
}

static void test_accept_first(void **state) {
  /* Two tables: an accept ends one base chain, not the other; a possible
     accept (the sender's port is unknown) makes a later drop possible. */
  assert_int_equal(judge(nft_accept_first, "239.9.9.9", 5000, "", "eth0"),
                   MCW_FW_MAYBE);
  assert_string_equal(res.rule.table, "f");
  assert_non_null(strstr(res.unknown, "accept"));
  assert_int_equal(judge(nft_accept_first, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_DROP);
  assert_string_equal(res.rule.table, "g");
}

static void test_iptables(void **state) {
  /* One iptables-nft rule is one rule. */
  assert_int_equal(judge(ipt_one, "239.1.1.1", 5000, "", "eth0"), MCW_FW_DROP);
  assert_int_equal(res.rules, 1);
  assert_true(res.rule.iptables);
  assert_string_equal(res.rule.chain, "INPUT");
  assert_int_equal(res.rule.index, 1);
  assert_string_equal(fix, "iptables -I INPUT 1 -d 239.1.1.1 -p udp --dport "
                           "5000 -j ACCEPT");
  assert_int_equal(judge(ipt_one, "239.1.1.1", 5001, "", "eth0"),
                   MCW_FW_ACCEPT);

  assert_int_equal(judge(ipt_mixed, "239.1.1.1", 5000, "", "eth0"),
                   MCW_FW_DROP);
  assert_int_equal(res.rules, 7);
  /* -i a1 -d 239.1.1.0/24 -j REJECT: an xt target nft names. */
  assert_int_equal(judge(ipt_mixed, "239.1.1.7", 6000, "", "a1"), MCW_FW_DROP);
  assert_int_equal(res.rule.index, 2);
  /* -m multiport: an extension nft shows only by name: maybe. */
  assert_int_equal(judge(ipt_mixed, "239.5.5.5", 6000, "192.0.2.1", "eth0"),
                   MCW_FW_MAYBE);
  assert_int_equal(res.rule.index, 3);
  assert_string_equal(res.unknown,
                      "an iptables extension nft cannot show (-m multiport)");
  assert_string_equal(fix, "iptables -L INPUT -v -n --line-numbers   (rule 3)");

  assert_int_equal(judge(ipt6, "ff15::1", 5000, "", "eth0"), MCW_FW_DROP);
  assert_string_equal(fix, "ip6tables -I INPUT 1 -d ff15::1 -p udp --dport "
                           "5000 -j ACCEPT");
  assert_int_equal(judge(ipt6, "239.1.1.1", 5000, "", "eth0"), MCW_FW_ACCEPT);
}

static void test_bad_input(void **state) {
  struct mcw_fw_packet p = {.ifname = "eth0"};

  mcw_addr_parse("239.1.1.1", &p.group);
  assert_int_equal(mcw_fw_judge("", &p, &res), -EINVAL);
  assert_int_equal(mcw_fw_judge("not json", &p, &res), -EINVAL);
  assert_int_equal(mcw_fw_judge("{\"x\": 1}", &p, &res), -EINVAL);
  assert_int_equal(mcw_fw_judge("{\"nftables\": []}", &p, &res), 0);
  assert_int_equal(res.verdict, MCW_FW_ACCEPT);
  /* Odd shapes never crash: missing fields, wrong types, loops. */
  assert_int_equal(
      mcw_fw_judge("{\"nftables\": [{\"chain\": {\"family\": \"inet\", "
                   "\"table\": \"t\", \"name\": \"c\", \"hook\": \"input\"}},"
                   "{\"rule\": {\"family\": \"inet\", \"table\": \"t\", "
                   "\"chain\": \"c\", \"expr\": [{\"match\": {\"left\": 3, "
                   "\"right\": {}}}, {\"jump\": {\"target\": \"c\"}}]}},"
                   "{\"rule\": {\"family\": \"inet\", \"table\": \"t\", "
                   "\"chain\": \"c\", \"expr\": 7}}, {\"rule\": null}]}",
                   &p, &res),
      0);
  assert_int_equal(res.rules, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_range),
      cmocka_unit_test(test_daddr),
      cmocka_unit_test(test_iif_set_reject),
      cmocka_unit_test(test_prefix_not_equal),
      cmocka_unit_test(test_policy),
      cmocka_unit_test(test_jump),
      cmocka_unit_test(test_named_set),
      cmocka_unit_test(test_vmap),
      cmocka_unit_test(test_netdev),
      cmocka_unit_test(test_off_path),
      cmocka_unit_test(test_accept_first),
      cmocka_unit_test(test_iptables),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
