/* page_cache.h: a small process-wide cache of rendered response bodies.
 *
 * Public pages that every anonymous visitor sees alike (the directory list,
 * later the figures pages) are rendered once and then served from here:
 * a hit costs the caller one cheap version query plus a memcpy. Entries
 * are keyed by a string the page makes (language + full URL) and carry the
 * data version they were rendered from; a lookup with another version
 * misses and drops the entry, so an edit (which bumps the version) is
 * visible on the very next request. Least recently used entries are
 * evicted beyond PAGE_CACHE_MAX_ENTRIES or PAGE_CACHE_MAX_BYTES.
 *
 * Thread-safe (one mutex; the critical sections are a hash lookup and a
 * memcpy). The cache owns every entry it holds; callers get copies.
 * page_cache_shutdown() frees everything at process exit. Pages never
 * cache anything user-specific: callers only use it for anonymous GETs. */
#ifndef SCAN_PAGE_CACHE_H
#define SCAN_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

#define PAGE_CACHE_MAX_ENTRIES 256
#define PAGE_CACHE_MAX_BYTES   (64u * 1024u * 1024u)
#define PAGE_CACHE_MAX_KEY     2048 /* longer keys are never cached */

/* Looks key up for data version `version`. On a hit appends the stored
 * body to out, sets *content_type and *etag to arena copies (a to
 * allocate from) and returns true. A stored entry of another version is
 * dropped and counts as a miss. False also when out or the arena cannot
 * grow (out is then left as it was, apart from its sticky error flag). */
bool page_cache_get(const char *key, int64_t version, arena *a, buf *out, const char **content_type,
                    const char **etag);

/* Stores a copy of body (n bytes) with its content type under key for
 * `version`, replacing any entry of that key, and computes the entity tag
 * once (so hits need not hash the body). Silently does nothing when the
 * key is too long, the body bigger than a quarter of PAGE_CACHE_MAX_BYTES
 * or memory is short: caching is an optimisation, never a failure. */
void page_cache_put(const char *key, int64_t version, const char *content_type, const void *body,
                    size_t n);

/* Drops every entry (tests; an admin action that changes all pages). */
void page_cache_clear(void);

/* Hits and misses since start, for logs and tests. */
void page_cache_stats(uint64_t *hits, uint64_t *misses, size_t *entries, size_t *bytes);

/* Frees every entry. Call once at process exit, after the server stopped. */
void page_cache_shutdown(void);

#endif
