/*
 * The firewall judge: reads the ruleset as `nft -j list ruleset` prints it
 * (JSON; iptables-nft rules appear there too, each once) and decides
 * whether a UDP datagram to a group and port, arriving on an interface,
 * is dropped on its way in. Pure: the caller runs nft and hands over the
 * text; tests feed captured outputs.
 *
 * The datagram passes every base chain hooked at prerouting or input (ip,
 * ip6 or inet tables, and netdev ingress on its interface): an accept ends
 * one base chain only, a drop anywhere is final. In each chain the rules
 * are walked in order, following jump and goto (up to a depth), verdict
 * maps and named sets; each match is true, false, or unknown (a field the
 * judge cannot know, such as a sender port, or an iptables extension that
 * nft shows only by name). A rule that might match makes the verdict
 * "maybe", never a guess.
 */
#ifndef MCWATCH_FWJUDGE_H
#define MCWATCH_FWJUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "mcwatch/addr.h"

enum mcw_fw_verdict {
  MCW_FW_ACCEPT, /* no rule or policy on the path drops it */
  MCW_FW_MAYBE,  /* a rule that might match drops it */
  MCW_FW_DROP,   /* a rule or a chain policy drops it */
};

/* The datagram to judge. */
struct mcw_fw_packet {
  struct mcw_addr group;  /* destination; group.port is the UDP port */
  struct mcw_addr source; /* the sender, family 0 when unknown */
  const char *ifname;     /* arrival interface */
  unsigned ifindex;       /* its index (meta iif may give a number) */
};

/* Where the verdict comes from, when it is not ACCEPT. */
struct mcw_fw_rule {
  char family[8], table[64], chain[64];
  long handle;    /* the rule's handle; -1 for a chain policy */
  int index;      /* 1-based position in its chain (iptables -D CHAIN N) */
  bool iptables;  /* the table is iptables-nft's (filter, raw...) */
  char text[200]; /* the rule rendered ("udp dport 4000-6000 drop") */
};

struct mcw_fw_result {
  enum mcw_fw_verdict verdict;
  size_t rules;            /* rules in the whole ruleset */
  size_t base_chains;      /* base chains on the datagram's path */
  struct mcw_fw_rule rule; /* the deciding rule, unless ACCEPT */
  char unknown[120];       /* for MAYBE: what could not be judged */
};

/*
 * Judges p against json (the output of `nft -j list ruleset`) into r.
 * Returns 0, or -EINVAL when json is not an nft ruleset.
 */
int mcw_fw_judge(const char *json, const struct mcw_fw_packet *p,
                 struct mcw_fw_result *r);

/*
 * Writes the command that lets p through past r's rule (an accept inserted
 * before it, or appended before a drop policy; iptables syntax for
 * iptables-nft tables), or for MAYBE the command that lists the chain.
 */
void mcw_fw_fix(const struct mcw_fw_result *r, const struct mcw_fw_packet *p,
                char *fix, size_t len);

#endif
