/*
 * Interface lists. A list is a plain array, items[0..count), grown only by
 * mcw_iface_list_add. Its capacity is not stored: it is implied by count,
 * being 4 while count <= 4 and the next power of two above that, so the
 * array doubles whenever count reaches 4, 8, 16... and appends stay
 * amortised O(1). Each interface keeps up to MCW_IFACE_ADDRS addresses.
 * Everything here is pure; src/net/ifscan.c fills a list from the kernel.
 */
#include "mcwatch/iface.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"

#define LIST_MIN_CAP 4

/* True when an array holding count items is full under the implied rule. */
static bool list_full(size_t count) {
  if (count == 0)
    return true;
  if (count < LIST_MIN_CAP)
    return false;
  return (count & (count - 1)) == 0;
}

/* Parses a decimal interface index ("3"); 0 when text is not one. */
static unsigned parse_index(const char *text) {
  unsigned long v = 0;

  if (text[0] == '\0')
    return 0;
  for (const char *p = text; *p != '\0'; p++) {
    if (*p < '0' || *p > '9')
      return 0;
    v = v * 10 + (unsigned long)(*p - '0');
    if (v > 0xffffffffUL)
      return 0;
  }
  return (unsigned)v;
}

/* Finds an interface by exact name, then decimal index, then address. */
const struct mcw_iface *mcw_iface_find(const struct mcw_iface_list *list,
                                       const char *spec) {
  struct mcw_addr a;
  unsigned index;

  if (list == NULL || spec == NULL || spec[0] == '\0')
    return NULL;
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->items[i].name, spec) == 0)
      return &list->items[i];
  index = parse_index(spec);
  if (index != 0)
    return mcw_iface_by_index(list, index);
  if (mcw_addr_parse(spec, &a) == 0) {
    for (size_t i = 0; i < list->count; i++) {
      const struct mcw_iface *ifc = &list->items[i];
      for (unsigned j = 0; j < ifc->naddrs && j < MCW_IFACE_ADDRS; j++)
        if (mcw_addr_same_host(&ifc->addrs[j], &a))
          return ifc;
    }
  }
  return NULL;
}

/* Finds an interface by kernel index; NULL when absent or index is 0. */
const struct mcw_iface *mcw_iface_by_index(const struct mcw_iface_list *list,
                                           unsigned index) {
  if (list == NULL || index == 0)
    return NULL;
  for (size_t i = 0; i < list->count; i++)
    if (list->items[i].index == index)
      return &list->items[i];
  return NULL;
}

/* Appends an interface with no addresses; the name is cut to fit. */
struct mcw_iface *mcw_iface_list_add(struct mcw_iface_list *list,
                                     const char *name, unsigned index,
                                     unsigned flags) {
  struct mcw_iface *ifc;

  if (list_full(list->count)) {
    size_t cap = list->count < LIST_MIN_CAP ? LIST_MIN_CAP : list->count * 2;
    list->items = mcw_xrealloc(list->items, cap * sizeof(*list->items));
  }
  ifc = &list->items[list->count++];
  memset(ifc, 0, sizeof(*ifc));
  mcw_strlcpy(ifc->name, name, sizeof(ifc->name));
  ifc->index = index;
  ifc->flags = flags;
  return ifc;
}

/* Adds an address to ifc, silently keeping only the first MCW_IFACE_ADDRS. */
void mcw_iface_add_addr(struct mcw_iface *ifc, const struct mcw_addr *a) {
  if (ifc->naddrs < MCW_IFACE_ADDRS)
    ifc->addrs[ifc->naddrs++] = *a;
}

/* Frees the list's array and leaves the list empty and reusable. */
void mcw_iface_list_free(struct mcw_iface_list *list) {
  free(list->items);
  list->items = NULL;
  list->count = 0;
}

/* Tells whether ifc can join: MULTICAST set, or loopback (Linux delivers). */
bool mcw_iface_can_multicast(const struct mcw_iface *ifc) {
  return (ifc->flags & (IFF_MULTICAST | IFF_LOOPBACK)) != 0;
}
