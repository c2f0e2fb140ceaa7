/* org_list.c: the directory's list (org_list: filters, sorts, keyset
 * pages and facets, see org.h), the summary of one entry, and the
 * clusters of an entry and the members of a cluster. Facets without
 * filters read the counts org_facet.c keeps; the statements are assembled
 * from constant fragments (below). Shared with the other org files through
 * org_internal.h. */
#include <assert.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "model/org.h"
#include "model/org_internal.h"

/* The summary row of lists (org.h's org_list_result). */
#define ORG_SUMMARY_COLS                                                                           \
    "o.id, o.slug, o.name, o.name_en, o.acronym, o.kind, o.status, o.municipality,"                \
    " o.district, o.region, o.year_founded, o.short_sr, o.short_en, o.updated_at, o.is_demo"

static bool read_summary(arena *a, db_stmt *s, org_rec *r)
{
    bool oom = false;
    memset(r, 0, sizeof *r);
    r->id = db_col_int(s, 0);
    r->slug = db_col_dup(a, s, 1, &oom);
    r->name = db_col_dup(a, s, 2, &oom);
    r->name_en = db_col_dup(a, s, 3, &oom);
    r->acronym = db_col_dup(a, s, 4, &oom);
    r->kind = db_col_dup(a, s, 5, &oom);
    r->status = db_col_dup(a, s, 6, &oom);
    r->municipality = db_col_dup(a, s, 7, &oom);
    r->district = db_col_dup(a, s, 8, &oom);
    r->region = db_col_dup(a, s, 9, &oom);
    r->year_founded = db_col_is_null(s, 10) ? 0 : db_col_int(s, 10);
    r->short_sr = db_col_dup(a, s, 11, &oom);
    r->short_en = db_col_dup(a, s, 12, &oom);
    r->updated_at = db_col_int(s, 13);
    r->is_demo = db_col_int(s, 14) != 0;
    return !oom;
}

/* Today in Belgrade as YYYY-MM-DD (the process's zone, set by
 * time_setup_zone()); "" if the clock cannot be read. */
static void local_today(char out[11])
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

/* --- listing -------------------------------------------------------------------------- */

/* The list, count and facet statements are assembled from the constant
 * fragments below, chosen by which filters are set (a bit mask) and never
 * holding a value: every value is bound. Each filter has a fixed
 * placeholder ($1 status, $2 kind, $3 sector, $4 fos, $5 region, $6
 * district, $7 geo; $8 limit, $9 offset or after_id). db_prepare() caches
 * by the text's address, so each assembled text is kept for the life of
 * the process in list_sql_cache (its one owner), at most one per variant
 * and mask. A section letter (or an OECD field) in the sector (fos) filter
 * also matches the divisions (subfields) under it. */
enum { FIL_KIND, FIL_SECTOR, FIL_FOS, FIL_REGION, FIL_DISTRICT, FIL_GEO, FIL_STATUS, FIL__COUNT };
static const int filter_param[FIL__COUNT] = {2, 3, 4, 5, 6, 7, 1};
static const char *const filter_sql[FIL__COUNT] = {
    " AND o.kind = $2",
    " AND EXISTS (SELECT 1 FROM org_sector xs JOIN ref_nace xn ON xn.code = xs.code"
    " WHERE xs.org_id = o.id AND (xs.code = $3 OR xn.parent = $3))",
    " AND EXISTS (SELECT 1 FROM org_fos xf JOIN ref_fos xr ON xr.code = xf.code"
    " WHERE xf.org_id = o.id AND (xf.code = $4 OR xr.parent = $4))",
    " AND o.region = $5",
    " AND o.district = $6",
    " AND EXISTS (SELECT 1 FROM org_geo xg WHERE xg.org_id = o.id AND xg.code = $7)",
    " AND o.status = $1",
};

/* Statement variants: the count, the keyset page, a page per sort (and
 * direction, in org_sort order), a facet per dimension (FIL_ order). */
enum {
    V_COUNT,
    V_KEYSET,
    V_NAME,
    V_NAME_DESC,
    V_UPDATED,
    V_UPDATED_DESC,
    V_FOUNDED,
    V_FOUNDED_DESC,
    V_AFTER_NAME, /* keyset pages after row $9 in each sort, V_NAME order */
    V_AFTER_NAME_DESC,
    V_AFTER_UPDATED,
    V_AFTER_UPDATED_DESC,
    V_AFTER_FOUNDED,
    V_AFTER_FOUNDED_DESC,
    V_NAME_CYRL, /* the same four name variants in each other alphabet */
    V_NAME_CYRL_DESC,
    V_AFTER_NAME_CYRL,
    V_AFTER_NAME_CYRL_DESC,
    V_NAME_EN,
    V_NAME_EN_DESC,
    V_AFTER_NAME_EN,
    V_AFTER_NAME_EN_DESC,
    V_FACET,
    V__COUNT = V_FACET + 6
};

static const char FILTERS[] = "<filters>"; /* marker: the filter fragments go here */
#define FROM_ORG " FROM org o WHERE 1 = 1"
#define PAGE(order)                                                                                \
    "SELECT " ORG_SUMMARY_COLS FROM_ORG, FILTERS, " ORDER BY " order " LIMIT $8 OFFSET $9", NULL
/* Founded, undated last, as the dated entries in (status, year_founded)
 * index order and then the undated ones by id: "year_founded IS NULL"
 * in one ORDER BY made SQLite sort every matching entry for each page.
 * Each part is limited to the rows the page can need, which also keeps
 * its ORDER BY. */
#define PAGE_FOUNDED(dir)                                                                          \
    "SELECT * FROM (SELECT " ORG_SUMMARY_COLS FROM_ORG, FILTERS,                                   \
        " AND o.year_founded IS NOT NULL ORDER BY o.year_founded " dir ", o.id " dir               \
        " LIMIT CAST($8 AS BIGINT) + $9) AS dated UNION ALL SELECT * FROM "                        \
        "(SELECT " ORG_SUMMARY_COLS FROM_ORG,                                                      \
        FILTERS,                                                                                   \
        " AND o.year_founded IS NULL ORDER BY o.id " dir                                           \
        " LIMIT CAST($8 AS BIGINT) + $9) AS undated"                                               \
        " LIMIT $8 OFFSET $9",                                                                     \
        NULL
#define TREE_FACET(link, ref)                                                                      \
    "SELECT coalesce(n.parent, s.code), count(DISTINCT o.id) FROM org o JOIN " link                \
    " s ON s.org_id = o.id JOIN " ref " n ON n.code = s.code WHERE 1 = 1",                         \
        FILTERS,                                                                                   \
        " GROUP BY 1 UNION ALL SELECT s.code, count(*) FROM org o JOIN " link                      \
        " s ON s.org_id = o.id JOIN " ref " n ON n.code = s.code WHERE n.parent IS NOT NULL",      \
        FILTERS, " GROUP BY 1 ORDER BY 1", NULL

/* A keyset page after the row whose id is $9: the sort key compared as a
 * row value, which SQLite turns into a range on the (status, key) index,
 * so a page costs the same at any depth (an OFFSET walked every row
 * before it). Founded sorts put entries without a year last: the dated
 * ones after the cursor, then the undated ones by id (all of them when
 * the cursor row is dated). */
#define AFTER(cmp, key, order)                                                                     \
    "SELECT " ORG_SUMMARY_COLS FROM_ORG, FILTERS,                                                  \
        " AND (" key ") " cmp " (SELECT " key " FROM org o WHERE o.id = $9) ORDER BY " order       \
        " LIMIT $8",                                                                               \
        NULL
#define AFTER_FOUNDED(cmp, dir, undated)                                                           \
    "SELECT * FROM (SELECT " ORG_SUMMARY_COLS FROM_ORG, FILTERS,                                   \
        " AND o.year_founded IS NOT NULL AND (o.year_founded, o.id) " cmp                          \
        " (SELECT year_founded, id FROM org WHERE id = $9) ORDER BY o.year_founded " dir           \
        ", o.id " dir                                                                              \
        " LIMIT $8) AS dated UNION ALL SELECT * FROM (SELECT " ORG_SUMMARY_COLS FROM_ORG,          \
        FILTERS,                                                                                   \
        " AND o.year_founded IS NULL AND o.id " cmp " (SELECT CASE WHEN year_founded IS NULL"      \
        " THEN id ELSE " undated " END FROM org WHERE id = $9) ORDER BY o.id " dir                 \
        " LIMIT $8) AS undated"                                                                    \
        " LIMIT $8",                                                                               \
        NULL

static const char *const list_parts[V__COUNT][8] = {
    [V_COUNT] = {"SELECT count(*)" FROM_ORG, FILTERS, NULL},
    [V_KEYSET] = {"SELECT " ORG_SUMMARY_COLS FROM_ORG, FILTERS,
                  " AND o.id > $9 ORDER BY o.id LIMIT $8", NULL},
    [V_NAME] = {PAGE("o.name_key_latn, o.id")},
    [V_NAME_DESC] = {PAGE("o.name_key_latn DESC, o.id DESC")},
    [V_UPDATED] = {PAGE("o.updated_at, o.id")},
    [V_UPDATED_DESC] = {PAGE("o.updated_at DESC, o.id DESC")},
    [V_FOUNDED] = {PAGE_FOUNDED("")},
    [V_FOUNDED_DESC] = {PAGE_FOUNDED("DESC")},
    [V_AFTER_NAME] = {AFTER(">", "o.name_key_latn, o.id", "o.name_key_latn, o.id")},
    [V_AFTER_NAME_DESC] = {AFTER("<", "o.name_key_latn, o.id", "o.name_key_latn DESC, o.id DESC")},
    [V_AFTER_UPDATED] = {AFTER(">", "o.updated_at, o.id", "o.updated_at, o.id")},
    [V_AFTER_UPDATED_DESC] = {AFTER("<", "o.updated_at, o.id", "o.updated_at DESC, o.id DESC")},
    [V_AFTER_FOUNDED] = {AFTER_FOUNDED(">", "", "0")},
    [V_AFTER_FOUNDED_DESC] = {AFTER_FOUNDED("<", "DESC", "9223372036854775807")},
    [V_NAME_CYRL] = {PAGE("o.name_key_cyrl, o.id")},
    [V_NAME_CYRL_DESC] = {PAGE("o.name_key_cyrl DESC, o.id DESC")},
    [V_AFTER_NAME_CYRL] = {AFTER(">", "o.name_key_cyrl, o.id", "o.name_key_cyrl, o.id")},
    [V_AFTER_NAME_CYRL_DESC] = {AFTER("<", "o.name_key_cyrl, o.id",
                                      "o.name_key_cyrl DESC, o.id DESC")},
    [V_NAME_EN] = {PAGE("o.name_key_en, o.id")},
    [V_NAME_EN_DESC] = {PAGE("o.name_key_en DESC, o.id DESC")},
    [V_AFTER_NAME_EN] = {AFTER(">", "o.name_key_en, o.id", "o.name_key_en, o.id")},
    [V_AFTER_NAME_EN_DESC] = {AFTER("<", "o.name_key_en, o.id", "o.name_key_en DESC, o.id DESC")},
    [V_FACET +
        FIL_KIND] = {"SELECT o.kind, count(*)" FROM_ORG, FILTERS, " GROUP BY 1 ORDER BY 1", NULL},
    [V_FACET + FIL_SECTOR] = {TREE_FACET("org_sector", "ref_nace")},
    [V_FACET + FIL_FOS] = {TREE_FACET("org_fos", "ref_fos")},
    [V_FACET + FIL_REGION] = {"SELECT o.region, count(*) FROM org o WHERE o.region IS NOT NULL",
                              FILTERS, " GROUP BY 1 ORDER BY 1", NULL},
    [V_FACET + FIL_DISTRICT] = {"SELECT o.district, count(*) FROM org o"
                                " WHERE o.district IS NOT NULL",
                                FILTERS, " GROUP BY 1 ORDER BY 1", NULL},
    [V_FACET + FIL_GEO] = {"SELECT g.code, count(*) FROM org o JOIN org_geo g ON g.org_id = o.id"
                           " WHERE 1 = 1",
                           FILTERS, " GROUP BY 1 ORDER BY 1", NULL},
};

static const char *const facet_names[6] = {"kind", "sector", "fos", "region", "district", "geo"};

static pthread_mutex_t list_sql_mu = PTHREAD_MUTEX_INITIALIZER;
static char *list_sql_cache[V__COUNT][1u << FIL__COUNT];

/* The statement text of variant for the filters in mask (see above); NULL
 * on OOM. */
static const char *list_sql(int variant, unsigned mask)
{
    assert(variant >= 0 && variant < V__COUNT && mask < (1u << FIL__COUNT));
    pthread_mutex_lock(&list_sql_mu);
    char *sql = list_sql_cache[variant][mask];
    if (!sql) {
        buf b = BUF_INIT;
        for (const char *const *p = list_parts[variant]; *p; p++) {
            if (*p != FILTERS) {
                buf_puts(&b, *p);
                continue;
            }
            for (unsigned k = 0; k < FIL__COUNT; k++)
                if (mask & (1u << k))
                    buf_puts(&b, filter_sql[k]);
        }
        size_t len;
        sql = buf_detach(&b, &len);
        list_sql_cache[variant][mask] = sql;
    }
    pthread_mutex_unlock(&list_sql_mu);
    return sql;
}

static db_stmt *list_prepare(db *d, int variant, unsigned mask, const char *const *vals)
{
    const char *sql = list_sql(variant, mask);
    db_stmt *s = sql ? db_prepare(d, sql) : NULL;
    if (!s)
        return NULL;
    for (unsigned k = 0; k < FIL__COUNT; k++)
        if (mask & (1u << k))
            db_bind_text(s, filter_param[k], vals[k]);
    return s;
}

/* The counts of one facet kept by the writers (0009_figures_totals.sql,
 * facet_apply): what V_FACET gives when no filter but the status and the
 * kind applies, per status or summed over all of them; each a sum over
 * the writers' shards (0058). */
static const char SQL_FACET_STORED[] =
    "SELECT code, sum(n) FROM org_facet_count WHERE status = $1 AND facet = $2"
    " GROUP BY code HAVING sum(n) > 0 ORDER BY code";
static const char SQL_FACET_STORED_ANY[] =
    "SELECT code, sum(n) FROM org_facet_count WHERE facet = $2 GROUP BY code"
    " HAVING sum(n) > 0 ORDER BY code";
static const char SQL_FACET_STORED_KIND[] =
    "SELECT code, sum(n) FROM org_facet_count WHERE status = $1 AND kind = $3 AND facet = $2"
    " GROUP BY code HAVING sum(n) > 0 ORDER BY code";
static const char SQL_FACET_STORED_KIND_ANY[] =
    "SELECT code, sum(n) FROM org_facet_count WHERE kind = $3 AND facet = $2 GROUP BY code"
    " HAVING sum(n) > 0 ORDER BY code";

static db_status list_facet(db *d, arena *a, int dim, unsigned mask, const char *const *vals,
                            org_facet *out)
{
    out->name = facet_names[dim];
    out->values = NULL;
    out->n_values = 0;
    unsigned others = mask & ~(1u << dim);
    db_stmt *s;
    if ((others & ~(1u << FIL_STATUS) & ~(1u << FIL_KIND)) == 0) { /* the stored counts */
        bool any = !(others & (1u << FIL_STATUS)), kind = others & (1u << FIL_KIND);
        const char *sql = kind ? (any ? SQL_FACET_STORED_KIND_ANY : SQL_FACET_STORED_KIND)
                               : (any ? SQL_FACET_STORED_ANY : SQL_FACET_STORED);
        if ((s = db_prepare(d, sql))) {
            if (!any)
                db_bind_text(s, 1, vals[FIL_STATUS]);
            db_bind_text(s, 2, facet_names[dim]);
            if (kind)
                db_bind_text(s, 3, vals[FIL_KIND]);
        }
    } else {
        s = list_prepare(d, V_FACET + dim, others, vals);
    }
    if (!s)
        return DB_ERR;
    size_t cap = 0;
    db_status st;
    bool oom = false;
    while (!oom && (st = db_step(s)) == DB_ROW) {
        if (db_col_is_null(s, 0))
            continue;
        if (!arena_grow(a, (void **)&out->values, out->n_values, &cap, sizeof *out->values)) {
            oom = true;
            break;
        }
        org_facet_count *c = &out->values[out->n_values++];
        c->code = db_col_dup(a, s, 0, &oom);
        c->count = db_col_int(s, 1);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_DONE ? DB_OK : st;
}

/* The count of entries when no filter but the status and the kind
 * applies, from the stored counts of the kind facet (every entry has one
 * kind, so they add up to the entries): a handful of rows where count(*)
 * walked an index of every entry (about 3 ms at 100,000 entries, on every
 * page of an API cursor walk). The other filters count the rows. */
static const char SQL_COUNT_STORED[] =
    "SELECT coalesce(sum(n), 0) FROM org_facet_count WHERE facet = 'kind'"
    " AND ($1 IS NULL OR status = $1) AND ($2 IS NULL OR kind = $2)";

static db_stmt *stored_count(db *d, unsigned mask, const char *const *vals)
{
    db_stmt *s = db_prepare(d, SQL_COUNT_STORED);
    if (!s)
        return NULL;
    if (mask & (1u << FIL_STATUS))
        db_bind_text(s, 1, vals[FIL_STATUS]);
    else
        db_bind_null(s, 1);
    if (mask & (1u << FIL_KIND))
        db_bind_text(s, 2, vals[FIL_KIND]);
    else
        db_bind_null(s, 2);
    return s;
}

db_status org_list(db *d, arena *a, const org_query *q, org_list_result *out)
{
    assert(d && a && q && out);
    memset(out, 0, sizeof *out);
    const char *vals[FIL__COUNT] = {q->kind,
                                    q->sector,
                                    q->fos,
                                    q->region,
                                    q->district,
                                    q->geo,
                                    empty(q->status) ? "published" : q->status};
    if (q->status && strcmp(q->status, "any") == 0)
        vals[FIL_STATUS] = NULL;
    unsigned mask = 0;
    for (unsigned k = 0; k < FIL__COUNT; k++)
        if (!empty(vals[k]))
            mask |= 1u << k;

    int per_page = q->per_page < 1 ? 20 : q->per_page > 100 ? 100 : q->per_page;
    int64_t page = q->page < 1 ? 1 : q->page;
    bool keyset = q->sort == ORG_SORT_ID || q->after_id > 0;
    int sort = (unsigned)q->sort <= ORG_SORT_FOUNDED ? (int)q->sort : ORG_SORT_NAME;
    int variant = q->sort == ORG_SORT_ID ? V_KEYSET
                  : keyset               ? V_AFTER_NAME + 2 * sort + (q->desc ? 1 : 0)
                                         : V_NAME + 2 * sort + (q->desc ? 1 : 0);
    if (sort == ORG_SORT_NAME && q->sort != ORG_SORT_ID &&
        (q->names == ORG_NAMES_CYRL || q->names == ORG_NAMES_EN)) /* same layout, other key */
        variant = (q->names == ORG_NAMES_CYRL ? V_NAME_CYRL : V_NAME_EN) + (keyset ? 2 : 0) +
                  (q->desc ? 1 : 0);

    db_stmt *s = (mask & ~(1u << FIL_STATUS) & ~(1u << FIL_KIND)) == 0
                     ? stored_count(d, mask, vals)
                     : list_prepare(d, V_COUNT, mask, vals);
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        out->total = db_col_int(s, 0);
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_ERR : st;

    s = list_prepare(d, variant, mask, vals);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 8, per_page);
    db_bind_int(s, 9, keyset ? q->after_id : (page - 1) * per_page);
    out->items = arena_alloc(a, (size_t)per_page * sizeof *out->items);
    if (!out->items) {
        db_reset(s);
        return DB_NOMEM;
    }
    bool oom = false;
    while (!oom && (st = db_step(s)) == DB_ROW)
        oom = !read_summary(a, s, &out->items[out->n_items++]);
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_DONE)
        return st;

    if (q->want_facets) {
        for (int k = 0; k < 6; k++) {
            st = list_facet(d, a, k, mask, vals, &out->facets[k]);
            if (st != DB_OK)
                return st;
        }
        out->n_facets = 6;
    }
    return DB_OK;
}

org_names org_names_for(lang_id lang)
{
    return lang == LANG_SR_CYRL ? ORG_NAMES_CYRL : lang == LANG_EN ? ORG_NAMES_EN : ORG_NAMES_LATN;
}

static const char SQL_SUMMARY_BY_ID[] = "SELECT " ORG_SUMMARY_COLS " FROM org o WHERE o.id = $1";

db_status org_summary(db *d, arena *a, int64_t id, org_rec *out, bool *found)
{
    *found = false;
    db_stmt *s = db_prepare(d, SQL_SUMMARY_BY_ID);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        st = read_summary(a, s, out) ? DB_OK : DB_NOMEM;
        *found = st == DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

/* org_summaries' statement: ORG_SUMMARY_BATCH ids at a time, the unused
 * places bound NULL (which no id equals). One statement for a page of
 * search hits instead of one per hit: on PostgreSQL each statement is a
 * round trip to another process (20 per search page before). */
#define ORG_SUMMARY_BATCH 20
static const char SQL_SUMMARY_BY_IDS[] =
    "SELECT " ORG_SUMMARY_COLS " FROM org o WHERE o.id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

db_status org_summaries(db *d, arena *a, const int64_t *ids, size_t n, org_rec *out, bool *found)
{
    db_status st = DB_OK;
    for (size_t i = 0; i < n; i++)
        found[i] = false;
    for (size_t from = 0; from < n && st == DB_OK; from += ORG_SUMMARY_BATCH) {
        size_t k = n - from < ORG_SUMMARY_BATCH ? n - from : ORG_SUMMARY_BATCH;
        db_stmt *s = db_prepare(d, SQL_SUMMARY_BY_IDS);
        if (!s)
            return DB_ERR;
        for (size_t j = 0; j < ORG_SUMMARY_BATCH; j++) {
            if (j < k)
                db_bind_int(s, (int)j + 1, ids[from + j]);
            else
                db_bind_null(s, (int)j + 1);
        }
        while ((st = db_step(s)) == DB_ROW) {
            int64_t id = db_col_int(s, 0);
            for (size_t j = from; j < from + k; j++) {
                if (ids[j] != id || found[j])
                    continue;
                if (!read_summary(a, s, &out[j])) {
                    st = DB_NOMEM;
                    break;
                }
                found[j] = true;
            }
            if (st == DB_NOMEM)
                break;
        }
        db_reset(s);
        if (st == DB_DONE)
            st = DB_OK;
    }
    return st;
}

/* Current memberships: joined by today and not left before tomorrow. */
static const char SQL_CLUSTERS_OF[] =
    "SELECT DISTINCT " ORG_SUMMARY_COLS ", o.name_folded"
    "  FROM cluster_member m JOIN org o ON o.id = m.cluster_id"
    " WHERE m.org_id = $1 AND m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2)"
    " ORDER BY o.name_folded, o.id";
static const char SQL_MEMBERS_OF[] =
    "SELECT DISTINCT " ORG_SUMMARY_COLS ", o.name_folded"
    "  FROM cluster_member m JOIN org o ON o.id = m.org_id"
    " WHERE m.cluster_id = $1 AND m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2)"
    " ORDER BY o.name_folded, o.id";

static void summary_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    if (!read_summary(a, s, item))
        *oom = true;
}

static db_status list_related(db *d, arena *a, const char *sql, int64_t id, org_rec **items,
                              size_t *n)
{
    *items = NULL;
    *n = 0;
    char today[11];
    local_today(today);
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, today);
    return db_collect(s, a, (void **)items, n, sizeof **items, summary_row, NULL);
}

db_status org_clusters_of(db *d, arena *a, int64_t org_id, org_rec **items, size_t *n)
{
    return list_related(d, a, SQL_CLUSTERS_OF, org_id, items, n);
}

db_status org_members_of(db *d, arena *a, int64_t cluster_id, org_rec **items, size_t *n)
{
    return list_related(d, a, SQL_MEMBERS_OF, cluster_id, items, n);
}
