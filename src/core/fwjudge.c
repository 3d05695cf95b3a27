/*
 * The firewall judge (see include/mcwatch/fwjudge.h). The JSON is parsed
 * by jansson; this file walks it. Every match is three-valued: YES, NO or
 * MAYBE (the judge cannot know the field). A rule's matches are ANDed;
 * its verdict then applies for certain (YES) or possibly (MAYBE). Per
 * base chain the walk remembers the first possible drop and whether an
 * accept might have come first, so that
 *   - a certain drop after a possible accept is only a possible drop,
 *   - a certain accept after a possible drop leaves a possible drop,
 *   - a chain reached through a possible jump turns certainties into
 *     possibilities.
 * A payload match on a header the datagram lacks (ip daddr for IPv6, tcp
 * dport for UDP) is NO whatever the operator: nft adds the protocol
 * dependency, which fails first. Multicast UDP never sees a reply, so
 * conntrack keeps it in state "new".
 */
#include "mcwatch/fwjudge.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwjudge_int.h"
#include "mcwatch/common.h"

#define MAX_DEPTH 16

enum tri { NO, YES, MAYBE };
enum out { FALL, RET, ACCEPTED, DROPPED };
enum vkind { V_ABSENT, V_UNKNOWN, V_ADDR, V_NUM, V_STR };

struct val {
  enum vkind k;
  struct mcw_addr a;
  long n; /* V_NUM, or V_STR's numeric alias (-1 when none) */
  const char *s;
  const char *why; /* V_UNKNOWN: what the judge cannot know */
};

struct ctx {
  json_t *items; /* the "nftables" array */
  const struct mcw_fw_packet *p;
  bool v6;
  /* Per base chain. */
  bool maybe_accept, have_maybe;
  struct mcw_fw_rule maybe, drop;
  char unknown[120], why[120];
};

struct loc {
  const char *family, *table, *chain;
  long handle;
  int index;
  json_t *expr;
};

/* ---- reading the ruleset ---- */

static const char *str(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : "";
}

/* The object under key of item i of the array when it is an object. */
static json_t *item(json_t *items, size_t i, const char *key) {
  json_t *o = json_object_get(json_array_get(items, i), key);
  return json_is_object(o) ? o : NULL;
}

static bool same_table(json_t *o, const char *family, const char *table) {
  return strcmp(str(o, "family"), family) == 0 &&
         strcmp(str(o, "table"), table) == 0;
}

/* ---- the datagram's side of a match ---- */

static struct val unknown(const char *why) {
  return (struct val){.k = V_UNKNOWN, .why = why, .n = -1};
}

static struct val text(const char *s, long alias) {
  return (struct val){.k = V_STR, .s = s, .n = alias};
}

static struct val payload_value(const struct ctx *c, json_t *pl) {
  static const char *absent[] = {"tcp",    "sctp", "dccp", "udplite", "icmp",
                                 "icmpv6", "igmp", "ah",   "esp",     "comp",
                                 "arp",    "mh",   "rt",   "hbh",     "frag",
                                 "dst",    "gre",  "vxlan"};
  const char *proto = str(pl, "protocol"), *field = str(pl, "field");

  if (strcmp(proto, "ip") == 0 || strcmp(proto, "ip6") == 0) {
    if (c->v6 != (proto[2] == '6'))
      return (struct val){.k = V_ABSENT};
    if (strcmp(field, "daddr") == 0)
      return (struct val){.k = V_ADDR, .a = c->p->group};
    if (strcmp(field, "saddr") == 0)
      return c->p->source.family
                 ? (struct val){.k = V_ADDR, .a = c->p->source}
                 : unknown("the sender's address (give GROUP@SOURCE)");
    if (strcmp(field, "protocol") == 0 || strcmp(field, "nexthdr") == 0)
      return text("udp", 17);
    return unknown("an IP header field");
  }
  if (strcmp(proto, "udp") == 0 || strcmp(proto, "th") == 0) {
    if (strcmp(field, "dport") == 0)
      return (struct val){.k = V_NUM, .n = c->p->group.port};
    return unknown(strcmp(field, "sport") == 0 ? "the sender's UDP port"
                                               : "a UDP header field");
  }
  for (size_t i = 0; i < MCW_ARRAY_LEN(absent); i++)
    if (strcmp(proto, absent[i]) == 0)
      return (struct val){.k = V_ABSENT};
  return unknown(proto[0] ? "a link-layer header field"
                          : "a raw payload match");
}

static struct val left_value(const struct ctx *c, json_t *left) {
  json_t *o;

  if ((o = json_object_get(left, "payload")) != NULL)
    return payload_value(c, o);
  if ((o = json_object_get(left, "meta")) != NULL) {
    const char *key = str(o, "key");
    if (strcmp(key, "l4proto") == 0)
      return text("udp", 17);
    if (strcmp(key, "nfproto") == 0)
      return c->v6 ? text("ipv6", 10) : text("ipv4", 2);
    if (strcmp(key, "protocol") == 0)
      return c->v6 ? text("ip6", 0x86dd) : text("ip", 0x0800);
    if (strcmp(key, "iifname") == 0)
      return text(c->p->ifname, -1);
    if (strcmp(key, "iif") == 0)
      return text(c->p->ifname, c->p->ifindex ? (long)c->p->ifindex : -1);
    if (strcmp(key, "pkttype") == 0)
      return text("multicast", 2);
    return unknown("a packet property (meta)");
  }
  if ((o = json_object_get(left, "ct")) != NULL) {
    const char *key = str(o, "key");
    if (strcmp(key, "state") == 0)
      return text("new", -1); /* no reply ever comes back */
    if (strcmp(key, "direction") == 0)
      return text("original", 0);
    return unknown("a conntrack property");
  }
  if ((o = json_object_get(left, "fib")) != NULL) {
    json_t *flags = json_object_get(o, "flags");
    bool daddr = false, other = false;
    size_t i;
    json_t *f;
    json_array_foreach(flags, i, f) {
      if (json_is_string(f) && strcmp(json_string_value(f), "daddr") == 0)
        daddr = true;
      else
        other = true;
    }
    if (strcmp(str(o, "result"), "type") == 0 && daddr && !other)
      return text("multicast", -1);
    return unknown("a route lookup (fib, nft's reverse-path filter)");
  }
  return unknown("an expression the judge does not read");
}

/* ---- the rule's side ---- */

static int addr_cmp(const struct mcw_addr *a, const struct mcw_addr *b) {
  size_t n = a->family == AF_INET6 ? 16 : 4;
  return memcmp(a->bytes, b->bytes, n);
}

/* Parses an address value of the rule in v's family; false if it is not. */
static bool rule_addr(json_t *j, const struct val *v, struct mcw_addr *out) {
  return json_is_string(j) && mcw_addr_parse(json_string_value(j), out) == 0 &&
         out->family == v->a.family;
}

static bool prefix_has(const struct mcw_addr *net, int len,
                       const struct mcw_addr *a) {
  int full = len / 8, rest = len % 8;
  if (memcmp(net->bytes, a->bytes, (size_t)full) != 0)
    return false;
  return rest == 0 ||
         ((net->bytes[full] ^ a->bytes[full]) & (0xff << (8 - rest))) == 0;
}

static enum tri any_of(struct ctx *c, const struct val *v, json_t *elems,
                       const struct loc *l, int depth);

/* Compares v with one value of the rule (a value, range, prefix, set...). */
static enum tri equals(struct ctx *c, const struct val *v, json_t *r,
                       const struct loc *l, int depth) {
  json_t *o;

  if (depth > MAX_DEPTH)
    return MAYBE;
  if (json_is_array(r))
    return any_of(c, v, r, l, depth + 1);
  if (json_is_string(r) && json_string_value(r)[0] == '@') {
    const char *name = json_string_value(r) + 1;
    for (size_t i = 0; i < json_array_size(c->items); i++) {
      json_t *s = item(c->items, i, "set");
      if (s != NULL && strcmp(str(s, "family"), l->family) == 0 &&
          strcmp(str(s, "table"), l->table) == 0 &&
          strcmp(str(s, "name"), name) == 0)
        return any_of(c, v, json_object_get(s, "elem"), l, depth + 1);
    }
    return MAYBE; /* a set that is not listed */
  }
  if ((o = json_object_get(r, "set")) != NULL)
    return any_of(c, v, o, l, depth + 1);
  if ((o = json_object_get(r, "elem")) != NULL)
    return equals(c, v, json_object_get(o, "val"), l, depth + 1);
  if ((o = json_object_get(r, "range")) != NULL) {
    json_t *lo = json_array_get(o, 0), *hi = json_array_get(o, 1);
    struct mcw_addr a, b;
    if (v->k == V_NUM && json_is_integer(lo) && json_is_integer(hi))
      return v->n >= json_integer_value(lo) && v->n <= json_integer_value(hi)
                 ? YES
                 : NO;
    if (v->k == V_ADDR && rule_addr(lo, v, &a) && rule_addr(hi, v, &b))
      return addr_cmp(&a, &v->a) <= 0 && addr_cmp(&v->a, &b) <= 0 ? YES : NO;
    return MAYBE;
  }
  if ((o = json_object_get(r, "prefix")) != NULL) {
    struct mcw_addr a;
    json_t *len = json_object_get(o, "len");
    if (v->k != V_ADDR || !json_is_integer(len) ||
        !rule_addr(json_object_get(o, "addr"), v, &a))
      return MAYBE;
    return prefix_has(&a, (int)json_integer_value(len), &v->a) ? YES : NO;
  }
  if (v->k == V_ADDR) {
    struct mcw_addr a;
    if (!json_is_string(r) || mcw_addr_parse(json_string_value(r), &a) < 0)
      return MAYBE;
    return a.family == v->a.family && addr_cmp(&a, &v->a) == 0 ? YES : NO;
  }
  if (json_is_integer(r))
    return (v->k == V_NUM || (v->k == V_STR && v->n >= 0))
               ? (json_integer_value(r) == v->n ? YES : NO)
               : MAYBE;
  if (json_is_string(r)) {
    const char *s = json_string_value(r);
    size_t n = strlen(s);
    char *end;
    long num;
    if (v->k == V_STR) {
      if (n > 0 && s[n - 1] == '*' && (n < 2 || s[n - 2] != '\\'))
        return strncmp(s, v->s, n - 1) == 0 ? YES : NO; /* "eth*" */
      return strcmp(s, v->s) == 0 ? YES : NO;
    }
    num = strtol(s, &end, 10);
    if (v->k == V_NUM && end != s && *end == '\0')
      return num == v->n ? YES : NO;
    return MAYBE; /* a service name, say */
  }
  return MAYBE;
}

static enum tri any_of(struct ctx *c, const struct val *v, json_t *elems,
                       const struct loc *l, int depth) {
  enum tri t = NO;
  size_t i;
  json_t *e;

  if (!json_is_array(elems))
    return json_is_null(elems) || elems == NULL ? NO : MAYBE;
  json_array_foreach(elems, i, e) {
    enum tri x = equals(c, v, e, l, depth);
    if (x == YES)
      return YES;
    if (x == MAYBE)
      t = MAYBE;
  }
  return t;
}

static void note_unknown(struct ctx *c, const char *why) {
  if (c->why[0] == '\0')
    mcw_strlcpy(c->why, why, sizeof(c->why));
}

static enum tri match(struct ctx *c, json_t *m, const struct loc *l) {
  struct val v = left_value(c, json_object_get(m, "left"));
  json_t *right = json_object_get(m, "right");
  const char *op =
      json_is_string(json_object_get(m, "op")) ? str(m, "op") : "==";
  enum tri t;

  if (v.k == V_ABSENT)
    return NO;
  if (v.k == V_UNKNOWN) {
    note_unknown(c, v.why);
    return MAYBE;
  }
  if (strcmp(op, "==") == 0 || strcmp(op, "in") == 0) {
    t = equals(c, &v, right, l, 0);
  } else if (strcmp(op, "!=") == 0) {
    t = equals(c, &v, right, l, 0);
    t = t == YES ? NO : t == NO ? YES : MAYBE;
  } else if (v.k == V_NUM && json_is_integer(right)) {
    long r = (long)json_integer_value(right);
    bool yes = strcmp(op, "<") == 0    ? v.n < r
               : strcmp(op, ">") == 0  ? v.n > r
               : strcmp(op, "<=") == 0 ? v.n <= r
               : strcmp(op, ">=") == 0 ? v.n >= r
                                       : false;
    t = yes ? YES : NO;
  } else {
    t = MAYBE;
  }
  if (t == MAYBE)
    note_unknown(c, "a value the judge cannot compare");
  return t;
}

/* ---- walking chains ---- */

static void locate(const struct ctx *c, const struct loc *l, bool policy,
                   struct mcw_fw_rule *r) {
  static const char *ipt[] = {"filter", "raw", "mangle", "security", "nat"};
  memset(r, 0, sizeof(*r));
  mcw_strlcpy(r->family, l->family, sizeof(r->family));
  mcw_strlcpy(r->table, l->table, sizeof(r->table));
  mcw_strlcpy(r->chain, l->chain, sizeof(r->chain));
  r->handle = policy ? -1 : l->handle;
  r->index = l->index;
  for (size_t i = 0; i < MCW_ARRAY_LEN(ipt); i++)
    r->iptables =
        r->iptables ||
        ((strcmp(l->family, "ip") == 0 || strcmp(l->family, "ip6") == 0) &&
         strcmp(l->table, ipt[i]) == 0);
  if (policy)
    snprintf(r->text, sizeof(r->text), "policy drop");
  else
    mcw_fw_render(l->expr, r->text, sizeof(r->text));
  (void)c;
}

static void maybe_drop(struct ctx *c, const struct loc *l, bool policy) {
  if (c->have_maybe)
    return;
  c->have_maybe = true;
  locate(c, l, policy, &c->maybe);
  mcw_strlcpy(c->unknown, c->why[0] ? c->why : "a condition on the path",
              sizeof(c->unknown));
}

static enum out walk(struct ctx *c, const char *family, const char *table,
                     const char *chain, bool cond, int depth);

/* Applies one verdict statement reached with certainty m. */
static enum out verdict(struct ctx *c, json_t *st, enum tri m,
                        const struct loc *l, bool cond, int depth,
                        bool *ended) {
  const char *key = json_object_iter_key(json_object_iter(st));
  json_t *arg = json_object_iter_value(json_object_iter(st));
  bool sure = m == YES && !cond;

  *ended = true;
  if (key == NULL)
    return FALL;
  if (strcmp(key, "accept") == 0) {
    if (sure)
      return ACCEPTED;
    c->maybe_accept = true;
  } else if (strcmp(key, "drop") == 0 || strcmp(key, "reject") == 0 ||
             (strcmp(key, "xt") == 0 &&
              strcmp(str(arg, "type"), "target") == 0 &&
              (strcmp(str(arg, "name"), "REJECT") == 0 ||
               strcmp(str(arg, "name"), "DROP") == 0))) {
    if (sure && !c->maybe_accept) {
      locate(c, l, false, &c->drop);
      return DROPPED;
    }
    if (sure)
      note_unknown(c, "an earlier rule that might accept it");
    maybe_drop(c, l, false);
  } else if (strcmp(key, "queue") == 0) {
    note_unknown(c, "a userspace program the datagram is queued to");
    maybe_drop(c, l, false);
  } else if (strcmp(key, "jump") == 0 || strcmp(key, "goto") == 0) {
    enum out o = walk(c, l->family, l->table, str(arg, "target"),
                      cond || m != YES, depth + 1);
    if (m == YES && (o == ACCEPTED || o == DROPPED))
      return o;
    if (m == YES && key[0] == 'g')
      return RET; /* falling off a goto's chain leaves this one too */
  } else if (strcmp(key, "return") == 0) {
    if (sure)
      return RET;
    c->maybe_accept = true; /* what follows might be skipped */
  } else {
    *ended = false; /* counter, log, limit, xt match, mark set... */
  }
  return FALL;
}

/* A verdict map: the datagram's value picks at most one element. */
static enum out vmap(struct ctx *c, json_t *vm, enum tri m, const struct loc *l,
                     bool cond, int depth) {
  struct val v = left_value(c, json_object_get(vm, "key"));
  json_t *data = json_object_get(json_object_get(vm, "data"), "set");
  size_t i;
  json_t *e;
  bool ended;

  if (v.k == V_ABSENT)
    return FALL;
  if (v.k == V_UNKNOWN || !json_is_array(data)) {
    note_unknown(c, v.k == V_UNKNOWN ? v.why : "a named verdict map");
    maybe_drop(c, l, false);
    return FALL;
  }
  json_array_foreach(data, i, e) {
    enum tri t = equals(c, &v, json_array_get(e, 0), l, 0), both;
    enum out o;
    if (t == NO)
      continue;
    both = t == YES && m == YES ? YES : MAYBE;
    o = verdict(c, json_array_get(e, 1), both, l, cond, depth, &ended);
    if (o != FALL || both == YES)
      return o;
  }
  return FALL;
}

static enum out rule(struct ctx *c, const struct loc *l, bool cond, int depth) {
  char xtwhy[100];
  enum tri m = YES;
  size_t i;
  json_t *e;

  if (!cond) /* in a chain reached by a possible jump, keep its reason */
    c->why[0] = '\0';
  json_array_foreach(l->expr, i, e) {
    json_t *o;
    bool ended;
    enum out r;
    if ((o = json_object_get(e, "match")) != NULL) {
      enum tri t = match(c, o, l);
      if (t == NO)
        return FALL;
      if (t == MAYBE)
        m = MAYBE;
      continue;
    }
    if ((o = json_object_get(e, "vmap")) != NULL)
      return vmap(c, o, m, l, cond, depth);
    if ((o = json_object_get(e, "xt")) != NULL &&
        strcmp(str(o, "type"), "target") != 0) {
      /* An iptables extension (-m multiport, addrtype...) that nft shows
         by name only: it may or may not match. */
      snprintf(xtwhy, sizeof(xtwhy),
               "an iptables extension nft cannot show (-m %s)", str(o, "name"));
      note_unknown(c, xtwhy);
      m = MAYBE;
      continue;
    }
    r = verdict(c, e, m, l, cond, depth, &ended);
    if (ended)
      return r;
  }
  return FALL;
}

static enum out walk(struct ctx *c, const char *family, const char *table,
                     const char *chain, bool cond, int depth) {
  int index = 0;

  if (depth > MAX_DEPTH)
    return FALL;
  for (size_t i = 0; i < json_array_size(c->items); i++) {
    json_t *r = item(c->items, i, "rule");
    struct loc l;
    enum out o;
    if (r == NULL || !same_table(r, family, table) ||
        strcmp(str(r, "chain"), chain) != 0)
      continue;
    l = (struct loc){.family = family,
                     .table = table,
                     .chain = chain,
                     .handle =
                         (long)json_integer_value(json_object_get(r, "handle")),
                     .index = ++index,
                     .expr = json_object_get(r, "expr")};
    o = rule(c, &l, cond, depth);
    if (o != FALL)
      return o;
  }
  return FALL;
}

/* True when base chain ch is on the datagram's way in. */
static bool on_path(const struct ctx *c, json_t *ch) {
  const char *fam = str(ch, "family"), *hook = str(ch, "hook");
  json_t *devs;

  if (strcmp(fam, "netdev") == 0) {
    if (strcmp(hook, "ingress") != 0)
      return false;
    if (json_object_get(ch, "dev") == NULL)
      return true; /* nft 1.0.6 omits it: maybe (see mcw_fw_judge) */
    if (strcmp(str(ch, "dev"), c->p->ifname) == 0)
      return true;
    devs = json_object_get(ch, "dev");
    for (size_t i = 0; json_is_array(devs) && i < json_array_size(devs); i++) {
      const char *d = json_string_value(json_array_get(devs, i));
      if (d != NULL && strcmp(d, c->p->ifname) == 0)
        return true;
    }
    return false;
  }
  if (strcmp(hook, "prerouting") != 0 && strcmp(hook, "input") != 0)
    return false;
  return strcmp(fam, "inet") == 0 || strcmp(fam, c->v6 ? "ip6" : "ip") == 0;
}

int mcw_fw_judge(const char *json, const struct mcw_fw_packet *p,
                 struct mcw_fw_result *r) {
  json_error_t jerr;
  json_t *root = json_loads(json, 0, &jerr);
  struct ctx c = {.p = p, .v6 = p->group.family == AF_INET6};

  memset(r, 0, sizeof(*r));
  r->verdict = MCW_FW_ACCEPT;
  c.items = json_object_get(root, "nftables");
  if (!json_is_array(c.items)) {
    json_decref(root);
    return -EINVAL;
  }
  for (size_t i = 0; i < json_array_size(c.items); i++) {
    json_t *ch = item(c.items, i, "chain");
    struct loc pol;
    bool anydev;
    enum out o;
    if (item(c.items, i, "rule") != NULL)
      r->rules++;
    if (ch == NULL || !on_path(&c, ch))
      continue;
    r->base_chains++;
    c.maybe_accept = c.have_maybe = false;
    c.why[0] = '\0';
    /* A netdev chain whose device is not listed may be another's. */
    anydev = strcmp(str(ch, "family"), "netdev") == 0 &&
             json_object_get(ch, "dev") == NULL;
    if (anydev)
      note_unknown(&c, "the device of a netdev ingress chain (nft -j does "
                       "not list it)");
    o = walk(&c, str(ch, "family"), str(ch, "table"), str(ch, "name"), anydev,
             0);
    pol = (struct loc){.family = str(ch, "family"),
                       .table = str(ch, "table"),
                       .chain = str(ch, "name")};
    if ((o == FALL || o == RET) && strcmp(str(ch, "policy"), "drop") == 0) {
      if (c.maybe_accept) {
        mcw_strlcpy(c.why, "a rule that might accept it first", sizeof(c.why));
        maybe_drop(&c, &pol, true);
      } else {
        locate(&c, &pol, true, &c.drop);
        o = DROPPED;
      }
    }
    if (o == DROPPED && r->verdict != MCW_FW_DROP) {
      r->verdict = MCW_FW_DROP;
      r->rule = c.drop;
      r->unknown[0] = '\0';
    } else if (c.have_maybe && r->verdict == MCW_FW_ACCEPT) {
      r->verdict = MCW_FW_MAYBE;
      r->rule = c.maybe;
      mcw_strlcpy(r->unknown, c.unknown, sizeof(r->unknown));
    }
  }
  json_decref(root);
  return 0;
}
