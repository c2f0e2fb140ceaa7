/* figures_total.c: the totals built from the organisations' yearly
 * figures (moved out of figures.c): one SQL statement per year, chosen
 * from a table of constant texts assembled at compile time from fixed
 * fragments by scope (SCAN, founders, one cluster) and grouping (none,
 * cluster, sector, region, district); values are always bound, never
 * formatted in. What those statements give is stored per year and kept
 * exact by triggers in every write's transaction ("precomputed totals"
 * below), so a page reads a few hundred rows instead of aggregating every
 * member. Trends, years, the minimum coverage and who has not reported
 * are here too. */
#include "model/figures.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/figures_internal.h"
#include "model/tx.h"
#include "model/versions.h"

#define FIG_TREND_MAX 200 /* years in one trend */

/* --- totals --------------------------------------------------------------------------- */

/* Parameters of every total statement: $1 = 'Y-12-31', $2 = 'Y-01-01',
 * $3 = the cluster (FIG_SCOPE_CLUSTER only), $4 = Y.
 *
 * scope(cluster_id): the clusters whose members count. For SCAN and the
 * founders, the SCAN status in force on Y-12-31 (the latest history row
 * with since on or before it) decides; applied, suspended and left do not
 * count. counted: the organisations (DISTINCT: rule 1) with a membership
 * in a scope cluster overlapping Y (rule 2); per cluster for the cluster
 * grouping, where each row is a single-cluster total. Figures are then
 * LEFT JOINed so members without a row stay counted as missing (rule 3).
 *
 * Result columns: key, label, members, reported, verified, employees,
 * revenue, exports, rnd, revenue and exports over the rows that give both
 * (the export share's base), any demo. Rows sort by revenue, then key. */
#define IN_FORCE                                                                                   \
    "(SELECT x.status FROM scan_membership x WHERE x.org_id = s.org_id AND x.since <= $1"          \
    " ORDER BY x.since DESC, x.id DESC LIMIT 1)"
#define SCOPE_SCAN                                                                                 \
    "scope(cluster_id) AS (SELECT DISTINCT s.org_id FROM scan_membership s"                        \
    " WHERE s.since <= $1 AND " IN_FORCE " IN ('member', 'founder'))"
#define SCOPE_FOUNDERS                                                                             \
    "scope(cluster_id) AS (SELECT DISTINCT s.org_id FROM scan_membership s"                        \
    " WHERE s.since <= $1 AND " IN_FORCE " = 'founder')"
#define SCOPE_CLUSTER "scope(cluster_id) AS (SELECT id FROM org WHERE id = $3)"
#define OVERLAPS      "m.joined_on <= $1 AND (m.left_on IS NULL OR m.left_on >= $2)"
#define COUNTED                                                                                    \
    "counted(org_id) AS (SELECT DISTINCT m.org_id FROM scope c CROSS JOIN cluster_member m"        \
    " WHERE m.cluster_id = c.cluster_id AND " OVERLAPS ")"
#define COUNTED_PAIRS                                                                              \
    "counted(cluster_id, org_id) AS (SELECT DISTINCT m.cluster_id, m.org_id FROM scope c"          \
    " CROSS JOIN cluster_member m WHERE m.cluster_id = c.cluster_id AND " OVERLAPS ")"
/* The signers of position $3 (FIG_SCOPE_POSITION): the members of the
 * signing clusters overlapping Y, and every other signing organisation
 * itself; UNION keeps each once (rule 1). */
#define SIGNERS(cond)                                                                              \
    "SELECT g.org_id FROM position_signature g JOIN org o ON o.id = g.org_id"                      \
    " WHERE g.position_id = $3 AND g.withdrawn_at IS NULL AND o.kind " cond
#define SCOPE_POSITION "scope(cluster_id) AS (" SIGNERS("IN ('cluster', 'cluster_initiative')") ")"
#define COUNTED_POSITION                                                                           \
    "counted(org_id) AS (SELECT m.org_id FROM scope c CROSS JOIN cluster_member m"                 \
    " WHERE m.cluster_id = c.cluster_id AND " OVERLAPS                                             \
    " UNION " SIGNERS("NOT IN ('cluster', 'cluster_initiative')") ")"
#define AGG                                                                                        \
    "count(c.org_id), count(f.id), count(f.verified_at), coalesce(sum(f.employees), 0),"           \
    " coalesce(sum(f.revenue_eur), 0), coalesce(sum(f.exports_eur), 0),"                           \
    " coalesce(sum(f.rnd_eur), 0),"                                                                \
    " coalesce(sum(CASE WHEN f.exports_eur IS NOT NULL THEN f.revenue_eur END), 0),"               \
    " coalesce(sum(CASE WHEN f.revenue_eur IS NOT NULL THEN f.exports_eur END), 0),"               \
    " coalesce(max(f.is_demo), 0)"
#define FIG_JOIN " LEFT JOIN org_figure f ON f.org_id = c.org_id AND f.year = $4"
#define TOTAL_NONE(scope)                                                                          \
    "WITH " scope ", " COUNTED " SELECT 'all', 'all', " AGG " FROM counted c" FIG_JOIN
#define TOTAL_CLUSTER(scope)                                                                       \
    "WITH " scope ", " COUNTED_PAIRS " SELECT k.slug, k.name, " AGG                                \
    " FROM scope s JOIN org k ON k.id = s.cluster_id"                                              \
    " LEFT JOIN counted c ON c.cluster_id = s.cluster_id" FIG_JOIN                                 \
    " GROUP BY s.cluster_id, k.slug, k.name ORDER BY 7 DESC, 1"
#define TOTAL_KEYED(scope, key, join)                                                              \
    "WITH " scope ", " COUNTED ", keyed(org_id, key) AS (SELECT k.org_id, " key                    \
    " FROM counted k" join ") SELECT c.key, c.key, " AGG " FROM keyed c" FIG_JOIN                  \
    " GROUP BY c.key ORDER BY 7 DESC, 1"
/* The NACE section of an organisation's first sector (a division maps to
 * its parent section). */
#define KEY_SECTOR                                                                                 \
    "coalesce((SELECT coalesce(n.parent, n.code) FROM org_sector x JOIN ref_nace n"                \
    " ON n.code = x.code WHERE x.org_id = k.org_id ORDER BY x.code LIMIT 1), '?')"
#define JOIN_ORG " JOIN org o ON o.id = k.org_id"
#define TOTALS(scope)                                                                              \
    {                                                                                              \
        [FIG_GROUP_NONE] = TOTAL_NONE(scope), [FIG_GROUP_CLUSTER] = TOTAL_CLUSTER(scope),          \
        [FIG_GROUP_SECTOR] = TOTAL_KEYED(scope, KEY_SECTOR, ""),                                   \
        [FIG_GROUP_REGION] = TOTAL_KEYED(scope, "coalesce(o.region, '?')", JOIN_ORG),              \
        [FIG_GROUP_DISTRICT] = TOTAL_KEYED(scope, "coalesce(o.district, '?')", JOIN_ORG),          \
        [FIG_GROUP_DISTRICT_SECTOR] =                                                              \
            TOTAL_KEYED(scope, "coalesce(o.district, '?') || ' ' || " KEY_SECTOR, JOIN_ORG),       \
    }

static const char *const total_sql[4][6] = {
    [FIG_SCOPE_SCAN] = TOTALS(SCOPE_SCAN),
    [FIG_SCOPE_FOUNDERS] = TOTALS(SCOPE_FOUNDERS),
    [FIG_SCOPE_CLUSTER] = TOTALS(SCOPE_CLUSTER),
    [FIG_SCOPE_POSITION] = {[FIG_GROUP_NONE] =
                                "WITH " SCOPE_POSITION ", " COUNTED_POSITION
                                " SELECT 'all', 'all', " AGG " FROM counted c" FIG_JOIN},
};

/* Scopes whose statements take $3 (a cluster, a position). */
static bool keyed_scope(figure_scope scope)
{
    return scope == FIG_SCOPE_CLUSTER || scope == FIG_SCOPE_POSITION;
}

/* ctx: the int year of run_total. */
static void total_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    figure_total *t = item;
    t->key = db_col_dup(a, s, 0, oom);
    t->label = db_col_dup(a, s, 1, oom);
    t->year = *(const int *)ctx;
    t->members = db_col_int(s, 2);
    t->reported = db_col_int(s, 3);
    t->missing = t->members - t->reported;
    t->verified = db_col_int(s, 4);
    t->verified_bp = t->reported > 0 ? figures_ratio_bp(t->verified, t->reported) : -1;
    t->employees = db_col_int(s, 5);
    t->revenue_eur = db_col_int(s, 6);
    t->exports_eur = db_col_int(s, 7);
    t->rnd_eur = db_col_int(s, 8);
    int64_t rev_both = db_col_int(s, 9), exp_both = db_col_int(s, 10);
    t->export_share_bp = rev_both > 0 ? figures_ratio_bp(exp_both, rev_both) : -1;
    t->any_demo = db_col_int(s, 11) != 0;
}

/* Runs the total statement of scope and group for year (arena rows,
 * without the previous-year fields). */
/* sql prepared and bound for year: $1 its last day, $2 its first, $4
 * the year, and $3 cluster_id when by_cluster. NULL when it could not be
 * prepared. The text binds are copied, so the bounds may die here. */
static db_stmt *year_stmt(db *d, const char *sql, int year, bool by_cluster, int64_t cluster_id)
{
    char first[16], last[16];
    snprintf(first, sizeof first, "%04d-01-01", year);
    snprintf(last, sizeof last, "%04d-12-31", year);
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return NULL;
    db_bind_text(s, 1, last);
    db_bind_text(s, 2, first);
    if (by_cluster)
        db_bind_int(s, 3, cluster_id);
    db_bind_int(s, 4, year);
    return s;
}

/* sql prepared with a stored total's key bound: $1 year, $2 scope, $3
 * the cluster (0 unless scope is FIG_SCOPE_CLUSTER), $4 group. NULL when
 * it could not be prepared. */
static db_stmt *key_stmt(db *d, const char *sql, int year, figure_scope scope, int64_t cluster_id,
                         figure_group group)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return NULL;
    db_bind_int(s, 1, year);
    db_bind_int(s, 2, scope);
    db_bind_int(s, 3, scope == FIG_SCOPE_CLUSTER ? cluster_id : 0);
    db_bind_int(s, 4, group);
    return s;
}

static db_status run_total(db *d, arena *a, figure_scope scope, int64_t cluster_id,
                           figure_group group, int year, figure_total **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = year_stmt(d, total_sql[scope][group], year, keyed_scope(scope), cluster_id);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)rows, n, sizeof **rows, total_row, &year);
}

/* --- precomputed totals ------------------------------------------------------------
 *
 * What run_total gives for (year, scope, cluster, grouping) is kept in
 * figure_total_row (0009_figures_totals.sql), filled whole from run_total
 * the first time it is asked for, inside a write transaction, and from
 * then on kept exact by triggers in the transaction of every write (a
 * figures row adds or takes its values; membership, SCAN status and
 * key changes drop what they touch, filled again on the next read). So
 * a page after a figures write reads stored rows instead of aggregating
 * every member again, and the numbers are those of run_total, which stays
 * the reference (figures_total_reference; tests/unit/test_figures.c
 * compares the two after every kind of write). Stored: SCAN and founders
 * with every grouping (district x sector since 0043, for the map's
 * location quotients), and one cluster's ungrouped total; anything else
 * is computed each time. */

static const char SQL_DONE[] = "SELECT 1 FROM figure_total_done"
                               " WHERE year = $1 AND scope = $2 AND cluster_id = $3 AND grp = $4";
static const char SQL_DONE_PUT[] = "INSERT INTO figure_total_done(year, scope, cluster_id, grp) "
                                   "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
/* The cluster grouping is stored by the cluster's id (slugs and names
 * change); the reference gives the slug, unique, so it is looked up. */
static const char SQL_ROW_PUT[] =
    "INSERT INTO figure_total_row(year, scope, cluster_id, grp, key, members, reported,"
    " verified, employees, revenue, exports, rnd, rev_both, exp_both, demo) VALUES ($1, $2, $3,"
    " $4, CASE WHEN $4 = 1 THEN (SELECT printf('%d', id) FROM org WHERE slug = $5) ELSE $5 END,"
    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
/* The same columns, names and order as the reference statements. The key
 * is cast inside CASE: PostgreSQL may evaluate a join condition's terms in
 * any order and would cast 'all' (SQLite's plan is unchanged: a rowid
 * lookup). */
static const char SQL_ROWS[] =
    "SELECT CASE WHEN t.grp = 1 THEN k.slug ELSE t.key END,"
    " CASE WHEN t.grp = 1 THEN k.name ELSE t.key END, t.members, t.reported, t.verified,"
    " t.employees, t.revenue, t.exports, t.rnd, t.rev_both, t.exp_both, t.demo > 0"
    " FROM figure_total_row t LEFT JOIN org k"
    " ON t.grp = 1 AND k.id = CASE WHEN t.grp = 1 THEN CAST(t.key AS INTEGER) END"
    " WHERE t.year = $1 AND t.scope = $2 AND t.cluster_id = $3 AND t.grp = $4"
    " ORDER BY 7 DESC, 1";

/* The raw sums of a reference row, for storing (total_row derives the
 * rest). */
typedef struct raw_total {
    const char *key;
    int64_t v[10]; /* members .. exp_both, demo as in SQL_ROW_PUT $6..$15 */
} raw_total;

static void raw_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    raw_total *t = item;
    t->key = db_col_dup(a, s, 0, oom);
    for (int k = 0; k < 10; k++)
        t->v[k] = db_col_int(s, k + 2);
}

static bool stored_kind(figure_scope scope, figure_group group)
{
    if (group == FIG_GROUP_DISTRICT_SECTOR) /* kept by 0043's triggers for these two */
        return scope == FIG_SCOPE_SCAN || scope == FIG_SCOPE_FOUNDERS;
    return scope == FIG_SCOPE_SCAN || scope == FIG_SCOPE_FOUNDERS ||
           (scope == FIG_SCOPE_CLUSTER && group == FIG_GROUP_NONE);
}

static db_status is_done(db *d, figure_scope scope, int64_t cluster_id, figure_group group,
                         int year, bool *done)
{
    *done = false;
    db_stmt *s = key_stmt(d, SQL_DONE, year, scope, cluster_id, group);
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    *done = st == DB_ROW;
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* Computes one set with the reference statement and stores it. In the
 * caller's write transaction. */
static db_status fill(db *d, figure_scope scope, int64_t cluster_id, figure_group group, int year)
{
    arena a = ARENA_INIT;
    raw_total *rows = NULL;
    size_t n = 0;
    int64_t cid = scope == FIG_SCOPE_CLUSTER ? cluster_id : 0;
    db_status st = DB_ERR;
    db_stmt *s =
        year_stmt(d, total_sql[scope][group], year, scope == FIG_SCOPE_CLUSTER, cluster_id);
    if (!s)
        goto cleanup;
    if ((st = db_collect(s, &a, (void **)&rows, &n, sizeof *rows, raw_row, NULL)) != DB_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if (!(s = key_stmt(d, SQL_ROW_PUT, year, scope, cid, group))) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_text(s, 5, rows[i].key ? rows[i].key : "?");
        for (int k = 0; k < 10; k++)
            db_bind_int(s, 6 + k, rows[i].v[k]);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
    }
    if (!(s = key_stmt(d, SQL_DONE_PUT, year, scope, cid, group))) {
        st = DB_ERR;
        goto cleanup;
    }
    st = db_run(s);
cleanup:
    arena_free(&a);
    return st;
}

/* Makes sure the sets of years[0..n) are stored: a read to see, then, if
 * any is missing, one write transaction that fills what is still missing
 * (another worker may have filled it meanwhile). Outside any transaction;
 * a failure to store is not the reader's failure when it can still
 * compute (the caller falls back to run_total), so only DB_NOMEM and
 * real errors are returned. */
static db_status ensure_stored(db *d, figure_scope scope, int64_t cluster_id, figure_group group,
                               const int *years, size_t n)
{
    if (!stored_kind(scope, group) || db_in_tx(d))
        return DB_OK;
    bool missing = false, done;
    db_status st = db_begin_read(d);
    for (size_t i = 0; st == DB_OK && i < n && !missing; i++)
        if ((st = is_done(d, scope, cluster_id, group, years[i], &done)) == DB_OK)
            missing = !done;
    db_rollback(d);
    if (st != DB_OK || !missing)
        return st;
    /* Storing is an optimisation a reader makes: on a full, read-only or
     * locked disk the totals are computed instead (get_total falls back to
     * run_total), and the read still answers. */
    db_status mark = db_failure(d);
    if ((st = db_begin_write(d)) == DB_OK) {
        for (size_t i = 0; st == DB_OK && i < n; i++)
            if ((st = is_done(d, scope, cluster_id, group, years[i], &done)) == DB_OK && !done)
                st = fill(d, scope, cluster_id, group, years[i]);
        if (st == DB_OK)
            st = db_commit(d);
    }
    if (st != DB_OK)
        db_rollback(d);
    /* DB_CONSTRAINT: another app server stored the same set meanwhile
     * (PostgreSQL may report two SERIALIZABLE inserts of one key as a
     * unique violation rather than a serialization failure); seen by
     * tests/cluster/kill.mjs as a 500 on a profile */
    if (st == DB_FULL || st == DB_BUSY || st == DB_READONLY || st == DB_IOERR ||
        st == DB_CONSTRAINT) {
        log_warn("figures totals not stored (%s): computed for this request", db_status_name(st));
        db_failure_restore(d, mark);
        return DB_OK;
    }
    return st;
}

/* The rows of one set: the stored ones when stored, else run_total. */
static db_status get_total(db *d, arena *a, figure_scope scope, int64_t cluster_id,
                           figure_group group, int year, figure_total **rows, size_t *n)
{
    bool done = false;
    db_status st =
        stored_kind(scope, group) ? is_done(d, scope, cluster_id, group, year, &done) : DB_OK;
    if (st != DB_OK)
        return st;
    if (!done)
        return run_total(d, a, scope, cluster_id, group, year, rows, n);
    *rows = NULL;
    *n = 0;
    db_stmt *s = key_stmt(d, SQL_ROWS, year, scope, cluster_id, group);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)rows, n, sizeof **rows, total_row, &year);
}

/* Change from prev to cur in basis points of prev; 0 when prev is 0. */
static int64_t change_bp(int64_t cur, int64_t prev)
{
    if (prev <= 0)
        return 0;
    return figures_div_round(((__int128)cur - prev) * 10000, prev);
}

static bool covered(const figure_total *t, int64_t min_bp)
{
    return t->members > 0 && (__int128)t->reported * 10000 >= (__int128)min_bp * t->members;
}

static void fill_prev(figure_total *t, const figure_total *p, int64_t min_bp)
{
    t->covered = covered(t, min_bp);
    t->prev_members = p ? p->members : 0;
    t->prev_reported = p ? p->reported : 0;
    t->has_prev = false;
    if (!p || p->reported == 0) {
        t->change_state = FIG_CHANGE_NO_PREV;
        return;
    }
    if (!t->covered || !covered(p, min_bp)) { /* not like with like */
        t->change_state = FIG_CHANGE_LOW_COVERAGE;
        return;
    }
    t->change_state = FIG_CHANGE_OK;
    t->has_prev = true;
    t->prev_employees = p->employees;
    t->prev_revenue_eur = p->revenue_eur;
    t->prev_exports_eur = p->exports_eur;
    t->employees_change_bp = change_bp(t->employees, p->employees);
    t->revenue_change_bp = change_bp(t->revenue_eur, p->revenue_eur);
    t->exports_change_bp = change_bp(t->exports_eur, p->exports_eur);
}

static int cmp_key(const void *x, const void *y)
{
    const figure_total *a = x, *b = y;
    return strcmp(a->key ? a->key : "", b->key ? b->key : "");
}

static const char SQL_MIN_COVERAGE[] =
    "SELECT CAST(value AS INTEGER) FROM app_meta WHERE key = 'figures_min_coverage_bp'";
static const char SQL_MIN_COVERAGE_SET[] =
    "INSERT INTO app_meta(key, value, updated_at) VALUES ('figures_min_coverage_bp', $1, $2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

db_status figures_min_coverage(db *d, int64_t *bp)
{
    db_status st = db_int(d, bp, FIG_COVERAGE_DEFAULT_BP, SQL_MIN_COVERAGE, DB_NONE);
    if (*bp < 0 || *bp > 10000)
        *bp = FIG_COVERAGE_DEFAULT_BP;
    return st;
}

static db_status coverage_body(tx *t, void *ctx)
{
    int64_t bp = *(const int64_t *)ctx;
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)bp);
    buf_printf(&t->detail, "{\"min_coverage_bp\":%lld}", (long long)bp);
    return db_do(t->d, SQL_MIN_COVERAGE_SET, DB_ARGS(DBT(v), DBI(time_now())));
}

db_status figures_set_min_coverage(db *d, int64_t bp, int64_t actor_id)
{
    if (bp < 0 || bp > 10000)
        return DB_CONSTRAINT;
    tx t = TX_INIT(actor_id, NULL, "figures_coverage_set", "app_meta", 0);
    t.bump = TX_FIGURES;
    return tx_write(d, &t, coverage_body, &bp);
}

db_status figures_default_year(db *d, arena *a, figure_scope scope, int64_t cluster_id,
                               const int *years, size_t n_years, int *year,
                               figure_total *newest_total)
{
    assert(d && a && year && newest_total);
    memset(newest_total, 0, sizeof *newest_total);
    *year = n_years ? years[0] : 0;
    for (size_t i = 0; i < n_years; i++) {
        figure_query q = {
            .scope = scope, .cluster_id = cluster_id, .group = FIG_GROUP_NONE, .year = years[i]};
        figure_total *t;
        size_t n;
        db_status st = figures_total(d, a, &q, &t, &n);
        if (st != DB_OK)
            return st;
        if (n == 1 && t[0].covered) {
            *year = years[i];
            return DB_OK;
        }
        if (i == 0 && n == 1)
            *newest_total = t[0];
    }
    /* no year is covered: the newest, and nothing passed over */
    memset(newest_total, 0, sizeof *newest_total);
    return DB_OK;
}

static bool year_ok(int year)
{
    return year >= FIG_YEAR_MIN && year <= FIG_YEAR_MAX;
}

static bool scope_ok(figure_scope scope)
{
    return scope == FIG_SCOPE_SCAN || scope == FIG_SCOPE_FOUNDERS || scope == FIG_SCOPE_CLUSTER ||
           scope == FIG_SCOPE_POSITION;
}

/* figures_total and figures_total_reference: `stored` chooses the
 * precomputed rows (where kept) or the reference statements. */
static db_status total_of(db *d, arena *a, const figure_query *q, bool stored, figure_total **rows,
                          size_t *n)
{
    assert(d && a && q && rows && n);
    *rows = NULL;
    *n = 0;
    if (!scope_ok(q->scope) || (unsigned)q->group > FIG_GROUP_DISTRICT_SECTOR ||
        !year_ok(q->year) || !total_sql[q->scope][q->group])
        return DB_CONSTRAINT;
    figure_total *prev = NULL;
    size_t n_prev = 0;
    bool own_tx = !db_in_tx(d);
    const int years[2] = {q->year, q->year - 1};
    int64_t min_bp;
    db_status st = figures_min_coverage(d, &min_bp);
    if (st != DB_OK)
        return st;
    if (stored)
        st = ensure_stored(d, q->scope, q->cluster_id, q->group, years,
                           q->year > FIG_YEAR_MIN ? 2 : 1);
    if (st == DB_OK && own_tx)
        st = db_begin_read(d); /* both years from one picture */
    if (st != DB_OK)
        return st;
    db_status (*get)(db *, arena *, figure_scope, int64_t, figure_group, int, figure_total **,
                     size_t *) = stored ? get_total : run_total;
    if ((st = get(d, a, q->scope, q->cluster_id, q->group, q->year, rows, n)) != DB_OK)
        goto cleanup;
    if (q->year > FIG_YEAR_MIN &&
        (st = get(d, a, q->scope, q->cluster_id, q->group, q->year - 1, &prev, &n_prev)) != DB_OK)
        goto cleanup;
    if (n_prev > 1)
        qsort(prev, n_prev, sizeof *prev, cmp_key);
    for (size_t i = 0; i < *n; i++) {
        figure_total *t = &(*rows)[i];
        const figure_total *p = n_prev ? bsearch(t, prev, n_prev, sizeof *prev, cmp_key) : NULL;
        fill_prev(t, p, min_bp);
    }
cleanup:
    if (own_tx)
        db_rollback(d); /* ends the read transaction */
    if (st != DB_OK) {
        *rows = NULL;
        *n = 0;
    }
    return st;
}

db_status figures_total(db *d, arena *a, const figure_query *q, figure_total **rows, size_t *n)
{
    assert(d && a);
    return total_of(d, a, q, true, rows, n);
}

db_status figures_total_reference(db *d, arena *a, const figure_query *q, figure_total **rows,
                                  size_t *n)
{
    assert(d && a);
    return total_of(d, a, q, false, rows, n);
}

db_status figures_trend(db *d, arena *a, figure_scope scope, int64_t cluster_id, int from, int to,
                        figure_total **rows, size_t *n)
{
    assert(d && a && rows && n);
    *rows = NULL;
    *n = 0;
    if (!scope_ok(scope) || !year_ok(from) || !year_ok(to) || from > to ||
        to - from >= FIG_TREND_MAX)
        return DB_CONSTRAINT;
    size_t count = (size_t)(to - from + 1);
    figure_total *out = arena_alloc(a, count * sizeof *out);
    int *years = arena_alloc(a, (count + 1) * sizeof *years);
    if (!out || !years)
        return DB_NOMEM;
    size_t n_years = 0;
    for (int y = from > FIG_YEAR_MIN ? from - 1 : from; y <= to; y++)
        years[n_years++] = y;
    int64_t min_bp;
    db_status st = figures_min_coverage(d, &min_bp);
    if (st == DB_OK)
        st = ensure_stored(d, scope, cluster_id, FIG_GROUP_NONE, years, n_years);
    if (st != DB_OK)
        return st;
    bool own_tx = !db_in_tx(d);
    st = own_tx ? db_begin_read(d) : DB_OK;
    if (st != DB_OK)
        return st;
    figure_total prev = {0}, *one;
    bool have_prev = false;
    size_t got;
    if (from > FIG_YEAR_MIN) {
        if ((st = get_total(d, a, scope, cluster_id, FIG_GROUP_NONE, from - 1, &one, &got)) !=
            DB_OK)
            goto cleanup;
        if (got == 1) {
            prev = one[0];
            have_prev = true;
        }
    }
    for (int y = from; y <= to; y++) {
        if ((st = get_total(d, a, scope, cluster_id, FIG_GROUP_NONE, y, &one, &got)) != DB_OK)
            goto cleanup;
        assert(got == 1); /* an aggregate without GROUP BY gives one row */
        if (got != 1) {
            st = DB_ERR;
            goto cleanup;
        }
        figure_total *t = &out[y - from];
        *t = one[0];
        fill_prev(t, have_prev ? &prev : NULL, min_bp);
        prev = one[0];
        have_prev = true;
    }
    *rows = out;
    *n = count;
cleanup:
    if (own_tx)
        db_rollback(d);
    return st;
}

/* Each step seeks the next lower year in the (year, org_id) index, so the
 * cost is one seek per distinct year, not a scan of every row. */
static const char SQL_YEARS[] =
    "WITH RECURSIVE y(v) AS (SELECT max(year) FROM org_figure"
    " UNION ALL SELECT (SELECT max(year) FROM org_figure WHERE year < y.v) FROM y"
    " WHERE y.v IS NOT NULL) SELECT v FROM y WHERE v IS NOT NULL";

static void year_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    *(int *)item = (int)db_col_int(s, 0);
}

db_status figures_years(db *d, arena *a, int **years, size_t *n)
{
    assert(d && a && years && n);
    *years = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_YEARS);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)years, n, sizeof **years, year_row, NULL);
}

/* The members counted for the year in the SCAN scope (the same rules as
 * the totals) without a figures row for it. */
static const char SQL_MISSING[] =
    "WITH " SCOPE_SCAN ", " COUNTED_PAIRS " SELECT k.slug, k.name, o.slug, o.name FROM counted c"
    " JOIN org k ON k.id = c.cluster_id JOIN org o ON o.id = c.org_id"
    " WHERE NOT EXISTS (SELECT 1 FROM org_figure f WHERE f.org_id = c.org_id AND f.year = $4)"
    " ORDER BY k.name_folded, k.id, o.name_folded, o.id";

static void missing_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    figure_missing *m = item;
    m->cluster_slug = db_col_dup(a, s, 0, oom);
    m->cluster_name = db_col_dup(a, s, 1, oom);
    m->org_slug = db_col_dup(a, s, 2, oom);
    m->org_name = db_col_dup(a, s, 3, oom);
}

db_status figures_missing(db *d, arena *a, int year, figure_missing **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    if (!year_ok(year))
        return DB_CONSTRAINT;
    db_stmt *s = year_stmt(d, SQL_MISSING, year, false, 0);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, missing_row, NULL);
}
