/*
 * Reading the host's interfaces and routes from the kernel: getifaddrs for
 * names, indexes, flags and addresses; /proc/net/route and ipv6_route for
 * the interface of the default route.
 */
#ifndef MCWATCH_IFSCAN_H
#define MCWATCH_IFSCAN_H

#include <stddef.h>

#include "mcwatch/iface.h"

/* Fills list with the host's interfaces, sorted by index; 0 or -errno. */
int mcw_ifscan(struct mcw_iface_list *list);

/*
 * Writes the name of the default route's interface (IPv4, else IPv6) into
 * name; returns 0, or -ENOENT when there is no default route.
 */
int mcw_ifscan_default_route(char *name, size_t len);

/*
 * The interface for endpoints written without %IFACE: given when it is not
 * NULL, else the default route's (written into buf), else "lo".
 */
const char *mcw_ifscan_default_iface(const char *given, char *buf, size_t len);

#endif
