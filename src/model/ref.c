/* ref.c: the reference tables of the directory (kinds, NACE sectors,
 * fields of science, regions, districts, geographical focus), read with
 * labels in the reader's language (ref_list and ref_label in org.h).
 *
 * The tables are seeded by migration 0004 and never written at run time.
 * Labels are stored in English and Serbian Cyrillic; the Serbian Latin
 * label is transliterated here (utf8_cyr_to_lat) on every read. A table
 * name chooses one row of a fixed table of constant SQL, so no name is
 * ever formatted into SQL; the statements are prepared once per
 * connection by db_prepare's cache. */
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "model/org.h"

/* Every list statement yields code, parent (NULL where the table has no
 * hierarchy), label_en, label_sr in display order. */
#define REF_LIST(table, parent)                                                                    \
    "SELECT code, " parent ", label_en, label_sr FROM " table " ORDER BY sort, code"

static const char SQL_KIND_LIST[] = REF_LIST("ref_kind", "NULL");
static const char SQL_NACE_LIST[] = REF_LIST("ref_nace", "parent");
static const char SQL_FOS_LIST[] = REF_LIST("ref_fos", "parent");
static const char SQL_REGION_LIST[] = REF_LIST("ref_region", "NULL");
static const char SQL_DISTRICT_LIST[] = REF_LIST("ref_district", "region");
static const char SQL_GEO_LIST[] = REF_LIST("ref_geo", "NULL");

/* The public name of each table and its statements. A district's parent
 * is its region, so a district list can be grouped like the others. */
static const struct ref_table {
    const char *name;
    const char *sql_list;
} ref_tables[] = {
    {"kind", SQL_KIND_LIST},     {"nace", SQL_NACE_LIST},         {"fos", SQL_FOS_LIST},
    {"region", SQL_REGION_LIST}, {"district", SQL_DISTRICT_LIST}, {"geo", SQL_GEO_LIST},
};

static const struct ref_table *table_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof ref_tables / sizeof ref_tables[0]; i++)
        if (strcmp(ref_tables[i].name, name) == 0)
            return &ref_tables[i];
    return NULL;
}

/* The label of the current row of s (label_en in column col, label_sr in
 * col + 1) in lang, copied into a. scratch is a caller's buffer reused for
 * the transliteration. NULL on OOM. */
static char *label_copy(arena *a, buf *scratch, db_stmt *s, int col, lang_id lang)
{
    const char *en = db_col_text(s, col), *sr = db_col_text(s, col + 1);
    assert(en && sr); /* NOT NULL columns */
    switch (lang) {
    case LANG_SR_CYRL:
        return arena_strdup(a, sr);
    case LANG_SR_LATN:
        buf_reset(scratch);
        utf8_cyr_to_lat(scratch, sr, strlen(sr));
        if (buf_failed(scratch))
            return NULL;
        return arena_strndup(a, buf_str(scratch), scratch->len);
    case LANG_EN:
    case LANG__COUNT:
        break;
    }
    return arena_strdup(a, en);
}

/* Loads one table in one language from the database (uncached). */
static db_status ref_load(db *d, arena *a, const char *table, lang_id lang, ref_item **items,
                          size_t *n)
{
    assert(d && a && items && n);
    assert(lang < LANG__COUNT);
    *items = NULL;
    *n = 0;
    const struct ref_table *t = table_find(table);
    if (!t) {
        log_error("ref_list: unknown reference table '%s'", table ? table : "(null)");
        return DB_ERR;
    }
    db_stmt *s = db_prepare(d, t->sql_list);
    if (!s) {
        log_error("ref_list(%s): %s", t->name, db_errmsg(d));
        return DB_ERR;
    }
    buf scratch = BUF_INIT;
    ref_item *out = NULL;
    size_t count = 0, cap = 0;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == cap) {
            /* Grows within the arena; the old block stays there until the
             * arena is freed (reference tables hold at most ~110 rows). */
            size_t ncap = cap ? cap * 2 : 64;
            ref_item *grown = arena_alloc(a, ncap * sizeof *grown);
            if (!grown) {
                st = DB_NOMEM;
                goto cleanup;
            }
            if (count)
                memcpy(grown, out, count * sizeof *grown);
            out = grown;
            cap = ncap;
        }
        ref_item *it = &out[count];
        const char *parent = db_col_text(s, 1);
        it->code = arena_strdup(a, db_col_text(s, 0));
        it->parent = parent ? arena_strdup(a, parent) : NULL;
        it->label = label_copy(a, &scratch, s, 2, lang);
        if (!it->code || (parent && !it->parent) || !it->label) {
            st = DB_NOMEM;
            goto cleanup;
        }
        count++;
    }
    if (st == DB_DONE) {
        st = DB_OK;
        *items = out;
        *n = count;
    } else {
        log_error("ref_list(%s): %s (%s)", t->name, db_status_name(st), db_errmsg(d));
    }
cleanup:
    db_reset(s);
    buf_free(&scratch);
    return st;
}

/* The process-wide cache. Reference tables are written only by migrations,
 * so each (table, language) is loaded once and shared read-only by every
 * thread; measured: loading them per request was half the profile page's
 * time at 100,000 entries. Owned here; freed by ref_cache_shutdown(). */
#define N_TABLES (sizeof ref_tables / sizeof ref_tables[0])
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static arena cache_arena = ARENA_INIT;
static struct {
    bool loaded;
    ref_item *items;
    size_t n;
    uint32_t *slots; /* code -> index + 1, open addressing; 0 is empty */
    size_t cap;      /* a power of two, at least twice n */
} cache[N_TABLES][LANG__COUNT];

static size_t code_hash(const char *code)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const char *p = code; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (size_t)h;
}

/* The code index of one cached table: ref_get was a linear strcmp scan,
 * 3% of an import's instructions at 2,000 entries (callgrind; each entry
 * looks up about 15 codes for validation, facets and search labels). */
static bool index_build(arena *a, ref_item *items, size_t n, uint32_t **slots, size_t *cap)
{
    size_t c = 16;
    while (c < n * 2 + 1)
        c *= 2;
    uint32_t *s = arena_zalloc(a, c * sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < n; i++) {
        size_t j = code_hash(items[i].code) & (c - 1);
        while (s[j] && strcmp(items[s[j] - 1].code, items[i].code) != 0)
            j = (j + 1) & (c - 1);
        if (!s[j]) /* the first of a repeated code wins, as the scan did */
            s[j] = (uint32_t)i + 1;
    }
    *slots = s;
    *cap = c;
    return true;
}

/* The item of code in a cached table, or NULL. */
static const ref_item *index_find(const ref_item *items, const uint32_t *slots, size_t cap,
                                  const char *code)
{
    if (!code || !slots)
        return NULL;
    for (size_t j = code_hash(code) & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
        if (strcmp(items[slots[j] - 1].code, code) == 0)
            return &items[slots[j] - 1];
    return NULL;
}

/* The cached rows of table t in lang, loading them on first use; *found
 * (when given) is the row of code, or NULL. */
static db_status cached_find(db *d, const struct ref_table *t, lang_id lang, const ref_item **items,
                             size_t *n, const char *code, const ref_item **found)
{
    size_t ti = (size_t)(t - ref_tables);
    db_status st = DB_OK;
    pthread_mutex_lock(&cache_lock);
    if (!cache[ti][lang].loaded) {
        st = ref_load(d, &cache_arena, t->name, lang, &cache[ti][lang].items, &cache[ti][lang].n);
        if (st == DB_OK && !index_build(&cache_arena, cache[ti][lang].items, cache[ti][lang].n,
                                        &cache[ti][lang].slots, &cache[ti][lang].cap))
            st = DB_NOMEM;
        cache[ti][lang].loaded = st == DB_OK;
    }
    *items = cache[ti][lang].items;
    *n = cache[ti][lang].n;
    if (found)
        *found = st == DB_OK ? index_find(cache[ti][lang].items, cache[ti][lang].slots,
                                          cache[ti][lang].cap, code)
                             : NULL;
    pthread_mutex_unlock(&cache_lock);
    return st;
}

static db_status cached(db *d, const struct ref_table *t, lang_id lang, const ref_item **items,
                        size_t *n)
{
    return cached_find(d, t, lang, items, n, NULL, NULL);
}

void ref_cache_shutdown(void)
{
    pthread_mutex_lock(&cache_lock);
    memset(cache, 0, sizeof cache);
    arena_free(&cache_arena);
    pthread_mutex_unlock(&cache_lock);
}

db_status ref_list(db *d, arena *a, const char *table, lang_id lang, ref_item **items, size_t *n)
{
    assert(d && a && items && n);
    assert(lang < LANG__COUNT);
    *items = NULL;
    *n = 0;
    const struct ref_table *t = table_find(table);
    if (!t) {
        log_error("ref_list: unknown reference table '%s'", table ? table : "(null)");
        return DB_ERR;
    }
    const ref_item *all;
    size_t count;
    db_status st = cached(d, t, lang, &all, &count);
    if (st != DB_OK || count == 0)
        return st;
    /* the array is the caller's to reorder; the strings stay shared */
    ref_item *copy = arena_alloc(a, count * sizeof *copy);
    if (!copy)
        return DB_NOMEM;
    memcpy(copy, all, count * sizeof *copy);
    *items = copy;
    *n = count;
    return DB_OK;
}

db_status ref_get(db *d, const char *table, const char *code, lang_id lang, const ref_item **item)
{
    assert(d && item);
    assert(lang < LANG__COUNT);
    *item = NULL;
    const struct ref_table *t = table_find(table);
    if (!t) {
        log_error("ref_get: unknown reference table '%s'", table ? table : "(null)");
        return DB_ERR;
    }
    const ref_item *all;
    size_t count;
    return cached_find(d, t, lang, &all, &count, code, item);
}

bool ref_get_cached(const char *table, const char *code, lang_id lang, const ref_item **item)
{
    assert(item);
    assert(lang < LANG__COUNT);
    *item = NULL;
    const struct ref_table *t = table_find(table);
    if (!t)
        return false;
    size_t ti = (size_t)(t - ref_tables);
    pthread_mutex_lock(&cache_lock);
    bool loaded = cache[ti][lang].loaded;
    if (loaded)
        *item = index_find(cache[ti][lang].items, cache[ti][lang].slots, cache[ti][lang].cap, code);
    pthread_mutex_unlock(&cache_lock);
    return loaded;
}

const char *ref_label(db *d, arena *a, const char *table, const char *code, lang_id lang)
{
    assert(d && a);
    assert(lang < LANG__COUNT);
    const struct ref_table *t = table_find(table);
    if (!t) {
        log_error("ref_label: unknown reference table '%s'", table ? table : "(null)");
        return NULL;
    }
    if (!code)
        return NULL;
    const ref_item *all, *it;
    size_t count;
    if (cached_find(d, t, lang, &all, &count, code, &it) != DB_OK || !it)
        return NULL;
    return it->label;
}
