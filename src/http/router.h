/* router.h: the route table and its matcher.
 *
 * Every page and endpoint is one row: method, path pattern with {name}
 * parameters, handler, flags and body limit. The server enforces the flags
 * centrally before any handler runs (cgit's cmd table, Redis's command
 * flags): login, role and CSRF checks never live inside handlers. The
 * table itself is in src/web/routes.c. */
#ifndef SCAN_ROUTER_H
#define SCAN_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

typedef void (*route_fn)(req *r);

enum {
    RF_INLINE = 1u << 0,      /* runs on the I/O thread: no database, never blocks */
    RF_LOGIN = 1u << 1,       /* needs a logged-in user (accounts) */
    RF_CSRF = 1u << 2,        /* state-changing: CSRF token and Origin checked */
    RF_ADMIN = 1u << 3,       /* secretariat admin only */
    RF_NO_LOG = 1u << 4,      /* leave out of the access log (health probes) */
    RF_TEST = 1u << 5,        /* exists only when the server runs with test routes on */
    RF_WRITE_TOKEN = 1u << 6, /* API write: a Bearer token must be read-write */
    RF_HASH = 1u << 7,        /* computes a password hash (argon2id): runs on the small
                                 hashing pool, never on the general workers */
    RF_FAST = 1u << 8,        /* anonymous GETs may be answered from the page cache on the
                                 I/O thread (server_hook_fast): the handler reads no
                                 database before web_cache_serve() */
    RF_SECRET_PATH = 1u << 9, /* the path holds a credential (a one-click token): the access
                                 log writes the route's pattern, never the path */
};

typedef struct route {
    unsigned method; /* one http_method bit; GET routes also answer HEAD */
    const char *pattern;
    route_fn fn;
    unsigned flags;
    size_t max_body;     /* 0 = the server default */
    const char *summary; /* one line, used by `scan routes` and docs */
} route;

typedef enum { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD } route_result;

/* The table, defined in src/web/routes.c. */
extern const route routes[];
extern const size_t n_routes;

/* Finds the route for method and path. On ROUTE_FOUND fills *out and the
 * request's params (arena copies, percent-decoded segments). On
 * ROUTE_BAD_METHOD, *allowed gets the bitmask of methods the path accepts
 * (with HEAD added wherever GET is). */
route_result router_match(req *r, unsigned method, const char *path, const route **out,
                          unsigned *allowed);
/* Appends an Allow header value for a method bitmask ("GET, HEAD, POST"). */
void router_allow_text(buf *out, unsigned allowed);
/* The method name for one bit ("GET"). */
const char *router_method_name(unsigned method);
/* Percent-decodes the path part of a request target (n bytes of s, no
 * query) into the arena. NULL when an escape is broken, the result holds a
 * NUL or is not valid UTF-8 (overlong forms such as %C0%AF included), or
 * memory ran out. Pure apart from the arena: fuzzed by fuzz/fuzz_url.c. */
char *router_decode_path(arena *a, const char *s, size_t n);
/* True when pattern matches path; pure, for tests (no params captured). */
bool router_pattern_matches(const char *pattern, const char *path);

#endif
