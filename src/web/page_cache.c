/* page_cache.c: the LRU cache of rendered bodies (see page_cache.h).
 *
 * A fixed array of hash buckets (chained) plus one doubly linked list in
 * recency order, both under one mutex. Entries are single heap blocks:
 * the struct, then the key, the content type and the body, so freeing an
 * entry is one mem_free(). The entity tag is a BLAKE2b of the body made
 * at put time, which the server then sends instead of hashing the body on
 * every hit. */
#include "web/page_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/mem.h"
#include "core/strutil.h"

#define N_BUCKETS 512 /* a power of two, about twice the entry limit */

typedef struct entry {
    struct entry *next_in_bucket;
    struct entry *prev, *next; /* recency list: head is the most recent */
    uint64_t hash;
    int64_t version;
    size_t body_len;
    size_t size; /* bytes of the whole block, for the byte limit */
    const char *key;
    const char *content_type;
    const char *body;
    char etag[25];
} entry;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static entry *g_buckets[N_BUCKETS]; /* owned: every entry is in one bucket */
static entry *g_head, *g_tail;      /* the same entries in recency order */
static size_t g_entries, g_bytes;
static uint64_t g_hits, g_misses;

/* FNV-1a: short keys, no adversary gains from collisions beyond a longer
 * chain in a 256-entry table. */
static uint64_t key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void list_unlink(entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        g_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        g_tail = e->prev;
    e->prev = e->next = NULL;
}

static void list_push_front(entry *e)
{
    e->prev = NULL;
    e->next = g_head;
    if (g_head)
        g_head->prev = e;
    g_head = e;
    if (!g_tail)
        g_tail = e;
}

/* Finds the entry for key with hash h; *link_out gets the pointer that
 * points at it (for removal). Lock held. */
static entry *find(const char *key, uint64_t h, entry ***link_out)
{
    entry **link = &g_buckets[h & (N_BUCKETS - 1)];
    for (; *link; link = &(*link)->next_in_bucket) {
        if ((*link)->hash == h && strcmp((*link)->key, key) == 0) {
            if (link_out)
                *link_out = link;
            return *link;
        }
    }
    return NULL;
}

/* Unlinks e from its bucket and the list and frees it. Lock held. */
static void drop(entry *e)
{
    entry **link = &g_buckets[e->hash & (N_BUCKETS - 1)];
    while (*link && *link != e)
        link = &(*link)->next_in_bucket;
    if (*link)
        *link = e->next_in_bucket;
    list_unlink(e);
    g_entries--;
    g_bytes -= e->size;
    mem_free(e);
}

bool page_cache_get(const char *key, int64_t version, arena *a, buf *out, const char **content_type,
                    const char **etag)
{
    uint64_t h = key_hash(key);
    bool hit = false;
    pthread_mutex_lock(&g_lock);
    entry *e = find(key, h, NULL);
    if (e && e->version != version) {
        drop(e);
        e = NULL;
    }
    if (e) {
        const char *ct = arena_strdup(a, e->content_type);
        const char *tag = arena_strdup(a, e->etag);
        size_t before = out->len;
        if (ct && tag && buf_reserve(out, e->body_len)) {
            buf_append(out, e->body, e->body_len);
            hit = !buf_failed(out);
            if (!hit)
                out->len = before;
        }
        if (hit) {
            *content_type = ct;
            *etag = tag;
            list_unlink(e);
            list_push_front(e);
        }
    }
    if (hit)
        g_hits++;
    else
        g_misses++;
    pthread_mutex_unlock(&g_lock);
    return hit;
}

void page_cache_put(const char *key, int64_t version, const char *content_type, const void *body,
                    size_t n)
{
    size_t klen = strlen(key), clen = strlen(content_type);
    if (klen > PAGE_CACHE_MAX_KEY || n > PAGE_CACHE_MAX_BYTES / 4)
        return;
    size_t size = sizeof(entry) + klen + 1 + clen + 1 + n + 1;
    entry *e = mem_malloc(size);
    if (!e)
        return;
    memset(e, 0, sizeof *e);
    char *p = (char *)(e + 1);
    memcpy(p, key, klen + 1);
    e->key = p;
    p += klen + 1;
    memcpy(p, content_type, clen + 1);
    e->content_type = p;
    p += clen + 1;
    memcpy(p, body, n);
    p[n] = '\0';
    e->body = p;
    e->body_len = n;
    e->size = size;
    e->version = version;
    e->hash = key_hash(key);
    unsigned char tag[12];
    crypto_generichash(tag, sizeof tag, body, n, NULL, 0);
    str_hex(e->etag, tag, sizeof tag);

    pthread_mutex_lock(&g_lock);
    entry *old = find(key, e->hash, NULL);
    if (old)
        drop(old);
    while (g_tail && (g_entries >= PAGE_CACHE_MAX_ENTRIES || g_bytes + size > PAGE_CACHE_MAX_BYTES))
        drop(g_tail);
    entry **bucket = &g_buckets[e->hash & (N_BUCKETS - 1)];
    e->next_in_bucket = *bucket;
    *bucket = e;
    list_push_front(e);
    g_entries++;
    g_bytes += size;
    pthread_mutex_unlock(&g_lock);
}

void page_cache_clear(void)
{
    pthread_mutex_lock(&g_lock);
    while (g_tail)
        drop(g_tail);
    pthread_mutex_unlock(&g_lock);
}

void page_cache_stats(uint64_t *hits, uint64_t *misses, size_t *entries, size_t *bytes)
{
    pthread_mutex_lock(&g_lock);
    if (hits)
        *hits = g_hits;
    if (misses)
        *misses = g_misses;
    if (entries)
        *entries = g_entries;
    if (bytes)
        *bytes = g_bytes;
    pthread_mutex_unlock(&g_lock);
}

void page_cache_shutdown(void)
{
    page_cache_clear();
}
