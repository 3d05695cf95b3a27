/*
 * The firewall judge's words: a rule's JSON written back roughly as nft
 * prints it (so the doctor can quote the rule that drops), and the command
 * that lets the datagram through, in nft's syntax or, for iptables-nft's
 * tables, in iptables' own.
 */
#include <stdio.h>
#include <string.h>

#include "fwjudge_int.h"
#include "mcwatch/common.h"
#include "mcwatch/fwjudge.h"

/* The string value of j, or def. */
static const char *sv(json_t *j, const char *def) {
  const char *s = json_string_value(j);
  return s != NULL ? s : def;
}

/* Appends s to out (used *n), a space before it unless first. */
static void put(char *out, size_t len, size_t *n, const char *s) {
  int k;

  if (*n + 1 >= len)
    return;
  k = snprintf(out + *n, len - *n, "%s%s", *n ? " " : "", s);
  *n = k < 0 ? *n : *n + (size_t)k >= len ? len - 1 : *n + (size_t)k;
}

static void value(json_t *r, char *buf, size_t len, int depth) {
  json_t *o;

  buf[0] = '\0';
  if (depth > 4) {
    snprintf(buf, len, "...");
  } else if (json_is_string(r)) {
    snprintf(buf, len, "%s", json_string_value(r));
  } else if (json_is_integer(r)) {
    snprintf(buf, len, "%lld", (long long)json_integer_value(r));
  } else if ((o = json_object_get(r, "range")) != NULL) {
    char a[80], b[80];
    value(json_array_get(o, 0), a, sizeof(a), depth + 1);
    value(json_array_get(o, 1), b, sizeof(b), depth + 1);
    snprintf(buf, len, "%s-%s", a, b);
  } else if ((o = json_object_get(r, "prefix")) != NULL) {
    char a[80];
    value(json_object_get(o, "addr"), a, sizeof(a), depth + 1);
    snprintf(buf, len, "%s/%lld", a,
             (long long)json_integer_value(json_object_get(o, "len")));
  } else if ((o = json_object_get(r, "elem")) != NULL) {
    value(json_object_get(o, "val"), buf, len, depth + 1);
  } else if (json_is_array(r) || json_is_array(json_object_get(r, "set"))) {
    json_t *a = json_is_array(r) ? r : json_object_get(r, "set"), *e;
    size_t i, n = 0;
    n += (size_t)snprintf(buf, len, "{ ");
    json_array_foreach(a, i, e) {
      char one[80];
      if (n + 8 >= len) {
        break;
      }
      value(e, one, sizeof(one), depth + 1);
      n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", one);
    }
    if (n + 3 < len)
      snprintf(buf + n, len - n, " }");
  } else {
    snprintf(buf, len, "...");
  }
}

static void left(json_t *l, char *buf, size_t len) {
  static const char *bare[] = {"iifname", "oifname", "iif", "oif", "mark"};
  json_t *o;

  if ((o = json_object_get(l, "payload")) != NULL) {
    snprintf(buf, len, "%s %s", sv(json_object_get(o, "protocol"), "payload"),
             sv(json_object_get(o, "field"), "raw"));
  } else if ((o = json_object_get(l, "meta")) != NULL) {
    const char *key = json_string_value(json_object_get(o, "key"));
    bool b = false;
    for (size_t i = 0; key != NULL && i < MCW_ARRAY_LEN(bare); i++)
      b = b || strcmp(key, bare[i]) == 0;
    snprintf(buf, len, "%s%s", b ? "" : "meta ", key ? key : "?");
  } else if ((o = json_object_get(l, "ct")) != NULL) {
    snprintf(buf, len, "ct %s", sv(json_object_get(o, "key"), "?"));
  } else if ((o = json_object_get(l, "fib")) != NULL) {
    char f[80];
    value(json_object_get(o, "flags"), f, sizeof(f), 0);
    snprintf(buf, len, "fib %s %s", f, sv(json_object_get(o, "result"), "?"));
  } else {
    snprintf(buf, len, "...");
  }
}

void mcw_fw_render(json_t *expr, char *out, size_t len) {
  size_t i, n = 0;
  json_t *e;

  if (len == 0)
    return;
  out[0] = '\0';
  json_array_foreach(expr, i, e) {
    const char *key = json_object_iter_key(json_object_iter(e));
    json_t *arg = json_object_iter_value(json_object_iter(e));
    char a[100], b[160], one[280];
    if (key == NULL)
      continue;
    if (strcmp(key, "match") == 0) {
      const char *op = json_string_value(json_object_get(arg, "op"));
      left(json_object_get(arg, "left"), a, sizeof(a));
      value(json_object_get(arg, "right"), b, sizeof(b), 0);
      snprintf(one, sizeof(one), "%s%s%s %s", a,
               op && strcmp(op, "==") && strcmp(op, "in") ? " " : "",
               op && strcmp(op, "==") && strcmp(op, "in") ? op : "", b);
    } else if (strcmp(key, "jump") == 0 || strcmp(key, "goto") == 0) {
      snprintf(one, sizeof(one), "%s %s", key,
               sv(json_object_get(arg, "target"), "?"));
    } else if (strcmp(key, "xt") == 0) {
      snprintf(one, sizeof(one), "xt %s \"%s\"",
               sv(json_object_get(arg, "type"), "?"),
               sv(json_object_get(arg, "name"), "?"));
    } else if (strcmp(key, "vmap") == 0) {
      left(json_object_get(arg, "key"), a, sizeof(a));
      snprintf(one, sizeof(one), "%s vmap { ... }", a);
    } else {
      snprintf(one, sizeof(one), "%s", key); /* accept, drop, counter... */
    }
    put(out, len, &n, one);
  }
}

void mcw_fw_fix(const struct mcw_fw_result *r, const struct mcw_fw_packet *p,
                char *fix, size_t len) {
  const struct mcw_fw_rule *u = &r->rule;
  bool v6 = p->group.family == AF_INET6;
  char g[MCW_ADDRSTRLEN], where[40] = "";
  const char *ipt = strcmp(u->family, "ip6") == 0 ? "ip6tables" : "iptables";

  mcw_addr_format(&p->group, g, sizeof(g));
  if (r->verdict == MCW_FW_ACCEPT) {
    snprintf(fix, len, "%s", "");
  } else if (r->verdict == MCW_FW_MAYBE) {
    if (u->iptables)
      snprintf(fix, len, "%s -L %s -v -n --line-numbers   (rule %d)", ipt,
               u->chain, u->index);
    else
      snprintf(fix, len, "nft -a list chain %s %s %s   (rule handle %ld)",
               u->family, u->table, u->chain, u->handle);
  } else if (u->iptables) {
    if (u->handle >= 0)
      snprintf(where, sizeof(where), " %d", u->index);
    snprintf(fix, len, "%s -I %s%s -d %s -p udp --dport %u -j ACCEPT", ipt,
             u->chain, where, g, p->group.port);
  } else {
    if (u->handle >= 0)
      snprintf(where, sizeof(where), " position %ld", u->handle);
    snprintf(fix, len,
             "nft insert rule %s %s %s%s %s daddr %s udp dport %u "
             "accept",
             u->family, u->table, u->chain, where, v6 ? "ip6" : "ip", g,
             p->group.port);
  }
}
