/* arena.c: per-request bump allocator (see arena.h). */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"

#define ARENA_BLOCK 8192
#define ALIGN       16

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(ALIGN) unsigned char data[];
};

static void *arena_alloc_block(arena *a, size_t n);

void *arena_alloc(arena *a, size_t n)
{
    void *p = arena_alloc_block(a, n);
    if (!p)
        a->failed = true;
    return p;
}

static void *arena_alloc_block(arena *a, size_t n)
{
    size_t need = (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
    if (need < n)
        return NULL;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
        if (size > SIZE_MAX - sizeof *b)
            return NULL;
        struct arena_block *nb = mem_malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->used = 0;
        if (b && size != ARENA_BLOCK && b->size - b->used >= ARENA_BLOCK / 4) {
            /* a big one-off: keep the current block on top for small ones */
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            a->used_total += need;
            return nb->data;
        }
        nb->next = b;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    return p;
}

void arena_adopt(arena *a, arena *from)
{
    struct arena_block *tail = from->head;
    if (!tail)
        return;
    while (tail->next)
        tail = tail->next;
    tail->next = a->head; /* from's newest block takes the small allocations */
    a->head = from->head;
    a->used_total += from->used_total;
    a->failed = a->failed || from->failed;
    *from = (arena)ARENA_INIT;
}

void *arena_zalloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = NULL;
    if (n >= 0 && (p = arena_alloc(a, (size_t)n + 1)))
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

bool arena_grow(arena *a, void **items, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap < *cap || ncap > SIZE_MAX / elem)
        return false;
    void *g = arena_alloc(a, ncap * elem);
    if (!g)
        return false;
    if (n)
        memcpy(g, *items, n * elem);
    *items = g;
    *cap = ncap;
    return true;
}

void arena_free(arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        mem_free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
    a->failed = false;
}
