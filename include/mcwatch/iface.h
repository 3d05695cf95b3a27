/*
 * A snapshot of the host's network interfaces: name, index, flags and
 * addresses. The lookup functions here are pure so that tests can build a
 * synthetic list; src/net/ifscan.c fills one from the kernel.
 */
#ifndef MCWATCH_IFACE_H
#define MCWATCH_IFACE_H

#include <stdbool.h>
#include <stddef.h>

#include "mcwatch/addr.h"

#define MCW_IFACE_ADDRS 8
#define MCW_IFNAMSIZ 16

struct mcw_iface {
  char name[MCW_IFNAMSIZ];
  unsigned index;
  unsigned flags; /* IFF_UP, IFF_RUNNING, IFF_MULTICAST, IFF_LOOPBACK... */
  struct mcw_addr addrs[MCW_IFACE_ADDRS];
  unsigned naddrs;
};

struct mcw_iface_list {
  struct mcw_iface *items;
  size_t count;
};

/* Finds an interface by name, by decimal index or by one of its addresses. */
const struct mcw_iface *mcw_iface_find(const struct mcw_iface_list *list,
                                       const char *spec);
/* Finds an interface by index; NULL when absent. */
const struct mcw_iface *mcw_iface_by_index(const struct mcw_iface_list *list,
                                           unsigned index);
/*
 * Appends an interface with no addresses and returns it (used by the scanner
 * and by tests). The array may move: earlier item pointers become invalid.
 */
struct mcw_iface *mcw_iface_list_add(struct mcw_iface_list *list,
                                     const char *name, unsigned index,
                                     unsigned flags);
/* Adds an address to ifc, silently keeping the first MCW_IFACE_ADDRS. */
void mcw_iface_add_addr(struct mcw_iface *ifc, const struct mcw_addr *a);
/* Releases the list's memory. */
void mcw_iface_list_free(struct mcw_iface_list *list);
/* True when ifc can join: MULTICAST set, or loopback (Linux delivers there). */
bool mcw_iface_can_multicast(const struct mcw_iface *ifc);

#endif
