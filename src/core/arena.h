/* arena.h: bump allocator for memory that lives as long as one request.
 *
 * Everything a request handler allocates (parsed forms, path parameters,
 * query results copied for rendering) comes from the request's arena and is
 * released at once by arena_free() when the request completes, so handlers
 * almost never call free(). Allocations are 16-byte aligned. An arena is
 * used by one thread at a time. Out of memory returns NULL; callers check,
 * and the arena remembers it (`failed`, sticky like buf's), so the server
 * can refuse to send a page that silently lost a piece: a request whose
 * arena ran out answers 500 even when a handler forgot to check. */
#ifndef SCAN_ARENA_H
#define SCAN_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct arena_block;

typedef struct arena {
    struct arena_block *head; /* newest block first */
    size_t used_total;        /* bytes handed out, for limits and stats */
    bool failed;              /* an allocation failed since ARENA_INIT / arena_free */
} arena;

#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL, 0, false                                                                             \
    }

/* n bytes of uninitialised memory, or NULL on OOM. */
void *arena_alloc(arena *a, size_t n);
/* n zeroed bytes, or NULL on OOM. */
void *arena_zalloc(arena *a, size_t n);
/* Copy of the first n bytes of s, NUL-terminated. NULL on OOM. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* Copy of s (NULL stays NULL). */
char *arena_strdup(arena *a, const char *s);
/* printf into arena memory. NULL on OOM. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for one more element in an arena-backed array: when n has
 * reached *cap, allocates twice the room (16 elements at first), copies
 * the n elements of size elem over, and updates *items and *cap (the old
 * block stays in the arena until it is freed). False on OOM. */
bool arena_grow(arena *a, void **items, size_t n, size_t *cap, size_t elem);
/* Releases every block; the arena is ARENA_INIT again and reusable. */
void arena_free(arena *a);
/* Moves every block of from into a (what was allocated in from lives
 * until a is freed); from is ARENA_INIT again. For work done in a
 * thread's own arena and kept. */
void arena_adopt(arena *a, arena *from);

#endif
