/*
 * Interface and route discovery. getifaddrs gives one entry per address
 * (plus an AF_PACKET entry per interface); they are folded into one
 * mcw_iface per interface. The default route is read from procfs, which
 * needs no privileges and no netlink round trip.
 */
#include "mcwatch/ifscan.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

static int by_index(const void *a, const void *b) {
  const struct mcw_iface *x = a, *y = b;
  return (x->index > y->index) - (x->index < y->index);
}

int mcw_ifscan(struct mcw_iface_list *list) {
  struct ifaddrs *ifa, *p;

  list->items = NULL;
  list->count = 0;
  if (getifaddrs(&ifa) < 0)
    return -errno;
  for (p = ifa; p != NULL; p = p->ifa_next) {
    struct mcw_iface *ifc = NULL;
    struct mcw_addr a;
    unsigned index;

    if (p->ifa_name == NULL)
      continue;
    for (size_t i = 0; i < list->count; i++)
      if (strcmp(list->items[i].name, p->ifa_name) == 0)
        ifc = &list->items[i];
    if (ifc == NULL) {
      index = if_nametoindex(p->ifa_name);
      if (index == 0)
        continue; /* gone meanwhile */
      ifc = mcw_iface_list_add(list, p->ifa_name, index, p->ifa_flags);
    }
    if (p->ifa_addr != NULL && mcw_addr_from_sockaddr(&a, p->ifa_addr) == 0) {
      a.port = 0;
      mcw_iface_add_addr(ifc, &a);
    }
  }
  freeifaddrs(ifa);
  if (list->count > 1)
    qsort(list->items, list->count, sizeof(*list->items), by_index);
  return 0;
}

/* /proc/net/route: Iface Destination Gateway Flags ... Mask ... (hex). */
static int default_v4(char *name, size_t len) {
  FILE *f = fopen("/proc/net/route", "r");
  char line[256], ifname[64];
  unsigned long dest, gw, flags, mask;
  int found = -ENOENT;

  if (f == NULL)
    return -errno;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (sscanf(line, "%63s %lx %lx %lx %*s %*s %*s %lx", ifname, &dest, &gw,
               &flags, &mask) != 5)
      continue;
    if (dest == 0 && mask == 0 && (flags & 1 /* RTF_UP */)) {
      mcw_strlcpy(name, ifname, len);
      found = 0;
      break;
    }
  }
  fclose(f);
  return found;
}

/* /proc/net/ipv6_route: dest plen src plen nexthop metric ref use flags dev. */
static int default_v6(char *name, size_t len) {
  FILE *f = fopen("/proc/net/ipv6_route", "r");
  char line[512], dest[33], ifname[64];
  unsigned plen;
  int found = -ENOENT;

  if (f == NULL)
    return -errno;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (sscanf(line, "%32s %x %*s %*s %*s %*s %*s %*s %*s %63s", dest, &plen,
               ifname) != 3)
      continue;
    if (plen == 0 && strspn(dest, "0") == 32 && strcmp(ifname, "lo") != 0) {
      mcw_strlcpy(name, ifname, len);
      found = 0;
      break;
    }
  }
  fclose(f);
  return found;
}

int mcw_ifscan_default_route(char *name, size_t len) {
  if (default_v4(name, len) == 0)
    return 0;
  return default_v6(name, len) == 0 ? 0 : -ENOENT;
}

const char *mcw_ifscan_default_iface(const char *given, char *buf, size_t len) {
  if (given != NULL)
    return given;
  return mcw_ifscan_default_route(buf, len) == 0 ? buf : "lo";
}
