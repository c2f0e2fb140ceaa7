/* verify.c: the verification queue (see verify.h). Reads in the one-shot
 * vocabulary (db_query + db_collect); the write is one tx_write body that
 * writes its own audit row per figure row (t->action NULL). */
#include "model/verify.h"

#include <assert.h>

#include "core/timeutil.h"
#include "model/audit.h"
#include "model/tx.h"

/* $1 cluster (0: any), $2 year (0: any), $3 source ('': any); $4 the limit */
#define QUEUE_WHERE                                                                                \
    " WHERE f.verified_at IS NULL AND ($2 = 0 OR f.year = $2) AND ($3 = '' OR f.source = $3)"      \
    " AND ($1 = 0 OR EXISTS (SELECT 1 FROM cluster_member m WHERE m.cluster_id = $1"               \
    "   AND m.org_id = f.org_id AND m.joined_on <= (f.year || '-12-31')"                           \
    "   AND (m.left_on IS NULL OR m.left_on > (f.year || '-01-01'))))"

static const char SQL_QUEUE[] =
    "SELECT f.id, f.org_id, coalesce(f.employees, -1), coalesce(f.revenue_eur, -1),"
    " coalesce(f.exports_eur, -1), coalesce(f.rnd_eur, -1), coalesce(f.rate_e4, 0), f.entered_at,"
    " f.year, f.is_demo, f.source, o.slug, o.name, o.name_en, p.name"
    " FROM org_figure f JOIN org o ON o.id = f.org_id LEFT JOIN person p ON p.id = "
    "f.entered_by" QUEUE_WHERE " ORDER BY f.year DESC, o.name_folded, f.id LIMIT $4";
static const char SQL_QUEUE_COUNT[] = "SELECT count(*) FROM org_figure f" QUEUE_WHERE;

static void queue_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    verify_row *v = item;
    v->id = db_col_int(s, 0);
    v->org_id = db_col_int(s, 1);
    v->employees = db_col_int(s, 2);
    v->revenue_eur = db_col_int(s, 3);
    v->exports_eur = db_col_int(s, 4);
    v->rnd_eur = db_col_int(s, 5);
    v->rate_e4 = db_col_int(s, 6);
    v->entered_at = db_col_int(s, 7);
    v->year = (int)db_col_int(s, 8);
    v->is_demo = db_col_int(s, 9) != 0;
    v->source = db_col_dup(a, s, 10, oom);
    v->org_slug = db_col_dup(a, s, 11, oom);
    v->org_name = db_col_dup(a, s, 12, oom);
    v->org_name_en = db_col_dup(a, s, 13, oom);
    v->entered_by = db_col_dup(a, s, 14, oom);
}

db_status verify_queue(db *d, arena *a, const verify_filter *f, verify_row **rows, size_t *n,
                       int64_t *total)
{
    assert(d && a && f && rows && n && total);
    *rows = NULL;
    *n = 0;
    *total = 0;
    const char *src = f->source ? f->source : "";
    db_status st =
        db_int(d, total, 0, SQL_QUEUE_COUNT, DB_ARGS(DBI(f->cluster_id), DBI(f->year), DBT(src)));
    if (st != DB_OK)
        return st;
    db_stmt *s = db_query(d, SQL_QUEUE,
                          DB_ARGS(DBI(f->cluster_id), DBI(f->year), DBT(src), DBI(VERIFY_PAGE)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)rows, n, sizeof **rows, queue_row, NULL);
}

static const char SQL_YEARS[] =
    "SELECT DISTINCT year FROM org_figure WHERE verified_at IS NULL ORDER BY year DESC";

static void year_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a, (void)oom, (void)ctx;
    *(int *)item = (int)db_col_int(s, 0);
}

db_status verify_queue_years(db *d, arena *a, int **years, size_t *n)
{
    assert(d && a && years && n);
    *years = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_YEARS, DB_NONE);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)years, n, sizeof **years, year_row, NULL);
}

static const char SQL_CLUSTERS[] =
    "SELECT id, slug, name, name_en FROM org WHERE kind IN ('cluster', 'cluster_initiative')"
    " AND status <> 'archived' ORDER BY name_folded, id";

static void cluster_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    verify_cluster *c = item;
    c->id = db_col_int(s, 0);
    c->slug = db_col_dup(a, s, 1, oom);
    c->name = db_col_dup(a, s, 2, oom);
    c->name_en = db_col_dup(a, s, 3, oom);
}

db_status verify_clusters(db *d, arena *a, verify_cluster **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_CLUSTERS, DB_NONE);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, cluster_row, NULL);
}

typedef struct verify_ctx {
    const int64_t *ids;
    size_t n_ids;
    size_t done, already; /* output, overwritten by each try */
} verify_ctx;

static const char SQL_EXISTS[] = "SELECT verified_at IS NOT NULL FROM org_figure WHERE id = $1";
static const char SQL_SET[] = "UPDATE org_figure SET verified_by = nullif($2, 0), verified_at = $3"
                              " WHERE id = $1 AND verified_at IS NULL";

static db_status verify_body(tx *t, void *p)
{
    verify_ctx *c = p;
    c->done = c->already = 0;
    int64_t now = time_now();
    for (size_t i = 0; i < c->n_ids; i++) {
        int64_t was = -1;
        db_status st = db_int(t->d, &was, -1, SQL_EXISTS, DB_ARGS(DBI(c->ids[i])));
        if (st != DB_OK)
            return st;
        if (was < 0)
            return DB_DONE; /* not a figure row: nothing is stored */
        if (was == 1) {
            c->already++; /* verified meanwhile, or listed twice */
            continue;
        }
        if ((st = db_do(t->d, SQL_SET, DB_ARGS(DBI(c->ids[i]), DBI(t->actor_id), DBI(now)))) !=
            DB_OK)
            return st;
        if ((st = audit_add(t->d, t->actor_id, t->ip, "figure_verify", "figure", c->ids[i],
                            "{\"via\":\"queue\"}")) != DB_OK)
            return st;
        c->done++;
    }
    t->bump = c->done ? TX_FIGURES : 0; /* nothing changed: the caches stay valid */
    return DB_OK;
}

db_status verify_figures(db *d, const int64_t *ids, size_t n_ids, int64_t actor_id, const char *ip,
                         size_t *done, size_t *already)
{
    assert(d && (ids || n_ids == 0) && done && already);
    assert(n_ids <= VERIFY_MAX_IDS);
    verify_ctx c = {.ids = ids, .n_ids = n_ids};
    tx t = TX_INIT(actor_id, ip, NULL, NULL, 0);
    t.bump = TX_FIGURES;
    db_status st = tx_write(d, &t, verify_body, &c);
    *done = st == DB_OK ? c.done : 0;
    *already = st == DB_OK ? c.already : 0;
    return st;
}
