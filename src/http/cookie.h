/* cookie.h: Cookie request header parsing and Set-Cookie header building.
 *
 * Parsing is tolerant of what browsers send (spaces, quoted values, empty
 * pairs) but refuses names that are not RFC 6265 tokens. Building always
 * writes Path, HttpOnly and SameSite as asked, and Secure plus the __Host-
 * prefix when `secure` is set. Pure functions, fuzzable. */
#ifndef SCAN_COOKIE_H
#define SCAN_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

/* Finds cookie `name` in a Cookie header value. Returns an arena copy of the
 * value (surrounding double quotes removed), or NULL when absent or when the
 * header is malformed. The first occurrence wins. */
const char *cookie_get(arena *a, const char *header, const char *name);
/* The same without a copy: a pointer to the value inside header and its
 * length in *len, or NULL. Never allocates, so a NULL always means "not
 * there" (cookie_get's NULL can also mean out of memory). */
const char *cookie_find(const char *header, const char *name, size_t *len);

typedef struct cookie_opts {
    bool http_only;
    bool secure;           /* adds Secure and requires the __Host- prefix form */
    const char *same_site; /* "Lax", "Strict" or NULL */
    int64_t max_age;       /* seconds; 0 = session cookie; <0 = delete now */
} cookie_opts;

/* Appends a Set-Cookie header value: name=value; Path=/; ... . When
 * opts->secure the name is written with the "__Host-" prefix. Value must be
 * cookie-safe (RFC 6265 cookie-octets); returns false and appends nothing
 * otherwise. */
bool cookie_build(buf *out, const char *name, const char *value, const cookie_opts *opts);

#endif
