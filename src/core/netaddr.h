/* netaddr.h: lists of client addresses and networks ("127.0.0.1, ::1,
 * 10.0.0.0/8, fd00::/8"), for routes that only some addresses may reach
 * (/metrics) and, later, for the proxies whose forwarded addresses are
 * trusted. IPv4 is kept as IPv4-mapped IPv6 (::ffff:a.b.c.d), so a
 * listener on :: that reports v4 clients in that form matches too. */
#ifndef SCAN_NETADDR_H
#define SCAN_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

#define NETADDR_MAX 32

typedef struct netaddr_range {
    unsigned char net[16];
    unsigned bits; /* prefix length over the 128 bits */
} netaddr_range;

typedef struct netaddr_list {
    netaddr_range r[NETADDR_MAX];
    size_t n;
} netaddr_list;

/* Parses a comma- or space-separated list; an empty list matches nothing.
 * False (and *out empty) on any entry that is not an address or a
 * network with a prefix in range, or on more than NETADDR_MAX entries. */
bool netaddr_parse(const char *s, netaddr_list *out);

/* Whether textual address ip (as the server reports peers) is in l. */
bool netaddr_has(const netaddr_list *l, const char *ip);

/* ip as 16 bytes (IPv4 mapped to ::ffff:a.b.c.d); false when ip is not
 * an address. */
bool netaddr_bytes(const char *ip, unsigned char out[16]);

/* The client behind trusted proxies: walks the comma-separated addresses
 * of an X-Forwarded-For value from the right (the entry the nearest proxy
 * added) past those in trusted, and writes the first one that is not into
 * out (cap bytes). False, leaving out alone, when the value is malformed
 * or holds only trusted addresses: then the peer is the client. */
bool netaddr_forwarded(const netaddr_list *trusted, const char *xff, char *out, size_t cap);

#endif
