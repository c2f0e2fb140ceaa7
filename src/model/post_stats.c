/* post_stats.c: the cooperation board's statistics (see post_stats.h):
 * the period of months and its validation, then one query per statistic
 * grouped by month in Belgrade, folded into a month-by-column grid. The
 * cross-cluster rule mirrors match.c's clusters_of() (an organisation's
 * clusters are itself and the clusters it is a member of); the percentiles
 * of the waiting time are computed here from the one query's rows. Queries
 * group by UTC hour and hour_index() folds hours into Belgrade months. */
#include "model/post_stats.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "model/post.h"

/* --- the period ----------------------------------------------------------------------- */

/* "YYYY-MM" (years 2000..2199) into *y, *m; false otherwise. */
static bool month_parse(const char *s, int *y, int *m)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    *y = atoi(s);
    *m = atoi(s + 5);
    return *y >= 2000 && *y <= 2199 && *m >= 1 && *m <= 12;
}

/* Writes month number k (year * 12 + month - 1) as "YYYY-MM". */
static void ym_put(char out[8], int k)
{
    unsigned y = k < 0 ? 0 : (unsigned)(k / 12) % 10000, m = k < 0 ? 1 : (unsigned)(k % 12) + 1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
}

/* The first instant of month (y, m) in Belgrade, as UTC seconds. */
static int64_t month_start(int y, int m)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1, .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

enum { PF_FROM, PF_TO, PF__N };

static const form_rule period_rules[PF__N] = {
    [PF_FROM] = {"from", FV_TEXT, 0, 0, 20, NULL},
    [PF_TO] = {"to", FV_TEXT, 0, 0, 20, NULL},
};

/* Each given value is a month. */
static void rule_months(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    int y, m;
    for (int i = 0; i < PF__N; i++)
        if (v[i].present && !month_parse(v[i].text, &y, &m))
            valid_add_error(errs, period_rules[i].name, FE_INVALID, 0, 0);
}

/* from is not after to, and the period is not too long. */
static void rule_order(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    int fy, fm, ty, tm;
    if (!v[PF_FROM].present || !v[PF_TO].present || !month_parse(v[PF_FROM].text, &fy, &fm) ||
        !month_parse(v[PF_TO].text, &ty, &tm))
        return;
    int n = (ty * 12 + tm) - (fy * 12 + fm) + 1;
    if (n < 1)
        valid_add_error(errs, "to", FE_DATE_ORDER, 0, 0);
    else if (n > POST_STATS_MAX_MONTHS)
        valid_add_error(errs, "from", FE_RANGE, 1, POST_STATS_MAX_MONTHS);
}

static const valid_cross_fn period_cross[] = {rule_months, rule_order};
static const valid_table period_table = {period_rules, PF__N, period_cross, 2};

bool post_stats_period_parse(arena *a, const char *from, const char *to, post_stats_period *p,
                             form_errors *errs)
{
    memset(p, 0, sizeof *p);
    char deff[8], deft[8];
    int y, m;
    if (!to || !*to) {
        time_t t = (time_t)time_now();
        struct tm tm;
        if (!localtime_r(&t, &tm))
            return false;
        ym_put(deft, (tm.tm_year + 1900) * 12 + tm.tm_mon);
        to = deft;
    }
    if ((!from || !*from) && month_parse(to, &y, &m)) {
        int k = y * 12 + (m - 1) - (POST_STATS_DEFAULT - 1);
        ym_put(deff, k);
        from = deff;
    }
    form_value v[PF__N];
    if (!valid_values(a, &period_table, (const char *const[PF__N]){from, to}, v, errs, NULL))
        return false;
    if (!v[PF_FROM].present || !v[PF_TO].present)
        return false; /* "to" was no month, so from could not default */
    int fy, fm, ty, tm;
    month_parse(v[PF_FROM].text, &fy, &fm);
    month_parse(v[PF_TO].text, &ty, &tm);
    ym_put(p->from, fy * 12 + fm - 1);
    ym_put(p->to, ty * 12 + tm - 1);
    p->n_months = (size_t)((ty * 12 + tm) - (fy * 12 + fm) + 1);
    for (size_t i = 0; i < p->n_months; i++) {
        int k = fy * 12 + (fm - 1) + (int)i;
        ym_put(p->months[i], k);
    }
    for (size_t i = 0; i <= p->n_months; i++) {
        int k = fy * 12 + (fm - 1) + (int)i;
        p->starts[i] = month_start(k / 12, k % 12 + 1);
    }
    p->t0 = p->starts[0];
    p->t1 = p->starts[p->n_months];
    return true;
}

void post_stats_error_text(buf *out, lang_id lang, const form_error *e)
{
    switch (e->code) {
    case FE_INVALID:
        buf_puts(out, T(lang, MSG_PSTATS_ERR_MONTH));
        break;
    case FE_DATE_ORDER:
        buf_puts(out, T(lang, MSG_PSTATS_ERR_ORDER));
        break;
    case FE_RANGE:
        buf_printf(out, T(lang, MSG_PSTATS_ERR_LONG), (int)e->max);
        break;
    default:
        form_error_text(out, lang, e);
    }
}

/* --- grids ------------------------------------------------------------------------------ */

static db_status grid_init(arena *a, const post_stats_period *p, const char **cols, size_t n_cols,
                           post_stats_grid *g)
{
    g->n_months = p->n_months;
    g->n_cols = n_cols;
    g->cols = cols;
    size_t n = p->n_months * n_cols;
    g->v = arena_zalloc(a, (n ? n : 1) * sizeof *g->v);
    return g->v ? DB_OK : DB_NOMEM;
}

/* The index of month "YYYY-MM" in the period, or -1. */
static long month_index(const post_stats_period *p, const char *ym)
{
    int y, m, fy, fm;
    if (!ym || !month_parse(ym, &y, &m) || !month_parse(p->from, &fy, &fm))
        return -1;
    long i = (long)(y * 12 + m) - (fy * 12 + fm);
    return i >= 0 && (size_t)i < p->n_months ? i : -1;
}

/* The month of the period that UTC hour number hour (unix seconds / 3600)
 * falls in, or -1. */
static long hour_index(const post_stats_period *p, int64_t hour)
{
    int64_t t = hour * 3600;
    if (t < p->t0 || t >= p->t1)
        return -1;
    size_t lo = 0, hi = p->n_months; /* starts[lo] <= t < starts[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (p->starts[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo;
}

/* The month of column col of a row: a "YYYY-MM" month, or a UTC hour
 * number. */
static long row_month(const post_stats_period *p, db_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    if (v && strlen(v) == 7 && v[4] == '-')
        return month_index(p, v);
    return v ? hour_index(p, db_col_int(s, col)) : -1;
}

static long col_index(const post_stats_grid *g, const char *key)
{
    for (size_t c = 0; key && c < g->n_cols; c++)
        if (strcmp(g->cols[c], key) == 0)
            return (long)c;
    return -1;
}

/* Runs a query whose rows are (month, column key, count) and adds each
 * count into g; rows of unknown months or keys are ignored. */
static db_status grid_fill(db *d, post_stats_grid *g, const post_stats_period *p, const char *sql,
                           size_t n, const db_val *vals)
{
    db_stmt *s = db_query(d, sql, n, vals);
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        long m = row_month(p, s, 0);
        long c = col_index(g, db_col_text(s, 1));
        if (m >= 0 && c >= 0)
            POST_STATS_AT(g, (size_t)m, (size_t)c) += db_col_int(s, 2);
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

/* The UTC hour of a time column, the unit queries group by. */
#define HOUR_OF(col) "(" col " / 3600)"

/* --- posts per month ------------------------------------------------------------------- */

static const char SQL_KINDS[] =
    "SELECT " HOUR_OF("published_at") ", kind, count(*) FROM post"
                                      " WHERE status <> 'hidden' AND published_at >= $1"
                                      "   AND published_at < $2 GROUP BY 1, 2";

db_status post_stats_kinds(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    static const char *cols[] = {"offer", "request"};
    db_status st = grid_init(a, p, cols, 2, g);
    return st != DB_OK ? st : grid_fill(d, g, p, SQL_KINDS, DB_ARGS(DBI(p->t0), DBI(p->t1)));
}

static const char SQL_TOPICS[] =
    "SELECT " HOUR_OF("published_at") ", topic, count(*) FROM post"
                                      " WHERE status <> 'hidden' AND published_at >= $1"
                                      "   AND published_at < $2 GROUP BY 1, 2";

db_status post_stats_topics(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    size_t n = 0;
    while (post_topics[n])
        n++;
    db_status st = grid_init(a, p, (const char **)post_topics, n, g);
    return st != DB_OK ? st : grid_fill(d, g, p, SQL_TOPICS, DB_ARGS(DBI(p->t0), DBI(p->t1)));
}

/* A post's sector: the section of its lowest division ('' for none);
 * min(code) reads the first entry of post_nace's primary key. */
static const char SQL_SECTORS[] =
    "SELECT x.h, coalesce(n.parent, ''), count(*) FROM ("
    "  SELECT p.published_at / 3600 AS h,"
    "         (SELECT min(pn.code) FROM post_nace pn WHERE pn.post_id = p.id) AS code"
    "    FROM post p WHERE p.status <> 'hidden' AND p.published_at >= $1"
    "     AND p.published_at < $2) x"
    "  LEFT JOIN ref_nace n ON n.code = x.code GROUP BY 1, 2";

typedef struct sector_row {
    long month;
    const char *sec;
    int64_t n;
} sector_row;

typedef struct sector_total {
    const char *sec;
    int64_t n;
} sector_total;

static int by_total(const void *x, const void *y)
{
    const sector_total *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->sec, b->sec);
}

db_status post_stats_sectors(db *d, arena *a, const post_stats_period *p, size_t top_n,
                             post_stats_grid *g)
{
    db_stmt *s = db_query(d, SQL_SECTORS, DB_ARGS(DBI(p->t0), DBI(p->t1)));
    if (!s)
        return DB_ERR;
    sector_row *rows = NULL;
    sector_total *tot = NULL;
    size_t n_rows = 0, cap_rows = 0, n_tot = 0, cap_tot = 0;
    db_status st;
    bool oom = false;
    while ((st = db_step(s)) == DB_ROW) {
        long m = row_month(p, s, 0);
        const char *sec = db_col_text(s, 1);
        if (m < 0)
            continue;
        if (!arena_grow(a, (void **)&rows, n_rows, &cap_rows, sizeof *rows)) {
            oom = true;
            break;
        }
        sector_row *r = &rows[n_rows++];
        r->month = m;
        r->sec = arena_strdup(a, sec ? sec : "");
        r->n = db_col_int(s, 2);
        if (!r->sec) {
            oom = true;
            break;
        }
        if (!*r->sec)
            continue;
        size_t k = 0;
        while (k < n_tot && strcmp(tot[k].sec, r->sec) != 0)
            k++;
        if (k == n_tot) {
            if (!arena_grow(a, (void **)&tot, n_tot, &cap_tot, sizeof *tot)) {
                oom = true;
                break;
            }
            tot[n_tot++] = (sector_total){r->sec, 0};
        }
        tot[k].n += r->n;
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_DONE)
        return st;
    if (n_tot)
        qsort(tot, n_tot, sizeof *tot, by_total);
    size_t named = n_tot < top_n ? n_tot : top_n;
    const char **cols = arena_alloc(a, (named + 2) * sizeof *cols);
    if (!cols)
        return DB_NOMEM;
    for (size_t i = 0; i < named; i++)
        cols[i] = tot[i].sec;
    cols[named] = "other";
    cols[named + 1] = "none";
    if ((st = grid_init(a, p, cols, named + 2, g)) != DB_OK)
        return st;
    for (size_t i = 0; i < n_rows; i++) {
        long c = *rows[i].sec ? col_index(g, rows[i].sec) : (long)(named + 1);
        if (c < 0 || (size_t)c >= named + 2 || (*rows[i].sec && (size_t)c >= named))
            c = (long)named; /* a section beyond the top: "other" */
        POST_STATS_AT(g, (size_t)rows[i].month, (size_t)c) += rows[i].n;
    }
    return DB_OK;
}

/* --- introductions --------------------------------------------------------------------- */

static const char SQL_INTROS[] =
    "SELECT " HOUR_OF("i.created_at") ", i.status, count(*)"
                                      "  FROM post_interest i JOIN post p ON p.id = i.post_id"
                                      " WHERE p.status <> 'hidden' AND i.created_at >= $1 AND "
                                      "i.created_at < $2 GROUP BY 1, 2";

/* Fills g with the four columns cols over p: sql (binds $1 p->t0, $2
 * p->t1) counts columns 1 to 3, and column 0 is their sum. */
static db_status grid_total_of_three(db *d, arena *a, const post_stats_period *p, const char **cols,
                                     const char *sql, post_stats_grid *g)
{
    db_status st = grid_init(a, p, cols, 4, g);
    if (st != DB_OK || (st = grid_fill(d, g, p, sql, DB_ARGS(DBI(p->t0), DBI(p->t1)))) != DB_OK)
        return st;
    for (size_t m = 0; m < g->n_months; m++)
        POST_STATS_AT(g, m, 0) =
            POST_STATS_AT(g, m, 1) + POST_STATS_AT(g, m, 2) + POST_STATS_AT(g, m, 3);
    return DB_OK;
}

db_status post_stats_intros(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    static const char *cols[] = {"made", "accepted", "declined", "pending"};
    return grid_total_of_three(d, a, p, cols, SQL_INTROS, g);
}

/* An organisation's membership of a cluster counts on day i.day when it
 * had joined by then and had not left (match.c's clusters_of, on that
 * day). */
#define MEMBER_ON(m)                                                                               \
    " AND " m ".joined_on <= i.day AND (" m ".left_on IS NULL OR " m ".left_on > i.day)"

static const char SQL_CROSS[] =
    "WITH i AS ("
    "  SELECT i.id, i.person_id, i.org_id AS req_org, i.created_at AS at, p.org_id AS post_org,"
    "         " HOUR_OF(
        "i.created_at") " AS ym,"
                        "         date(i.created_at, 'unixepoch', 'localtime') AS day"
                        "    FROM post_interest i JOIN post p ON p.id = i.post_id"
                        "   WHERE p.status <> 'hidden' AND i.created_at >= $1 AND i.created_at < "
                        "$2),"
                        " r AS ("
                        "  SELECT i.id, i.req_org AS org FROM i WHERE i.req_org IS NOT NULL"
                        "  UNION SELECT i.id, f.org_id FROM i JOIN affiliation f ON f.person_id = "
                        "i.person_id"
                        "   WHERE f.started_at <= i.at AND (f.ended_at IS NULL OR f.ended_at > "
                        "i.at))"
                        " SELECT i.ym, CASE"
                        "   WHEN NOT EXISTS (SELECT 1 FROM r WHERE r.id = i.id) THEN 'unknown'"
                        "   WHEN EXISTS (SELECT 1 FROM r WHERE r.id = i.id AND (r.org = i.post_org"
                        "     OR EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = r.org"
                        "                AND m.cluster_id = i.post_org" MEMBER_ON(
                            "m") ")"
                                 "     OR EXISTS (SELECT 1 FROM cluster_member m WHERE m.org_id = "
                                 "i.post_org"
                                 "                AND m.cluster_id = r.org" MEMBER_ON(
                                     "m") ")"
                                          "     OR EXISTS (SELECT 1 FROM cluster_member x JOIN "
                                          "cluster_member y"
                                          "                  ON y.cluster_id = x.cluster_id"
                                          "                WHERE x.org_id = r.org AND y.org_id = "
                                          "i.post_org" MEMBER_ON("x")
                                              MEMBER_ON("y") "))) THEN 'same'"
                                                             "   ELSE 'cross' END, count(*)"
                                                             "  FROM i GROUP BY 1, 2";

db_status post_stats_cross(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    static const char *cols[] = {"introductions", "cross", "same", "unknown"};
    return grid_total_of_three(d, a, p, cols, SQL_CROSS, g);
}

/* --- time to the first interest --------------------------------------------------------- */

static const char SQL_FIRST[] =
    "SELECT ym, wait FROM ("
    "  SELECT " HOUR_OF("p.published_at") " AS ym,"
                                          "         (SELECT min(i.created_at) FROM post_interest "
                                          "i WHERE i.post_id = p.id)"
                                          "           - p.published_at AS wait"
                                          "    FROM post p WHERE p.status <> 'hidden' AND "
                                          "p.published_at >= $1 AND p.published_at < $2) AS waits"
                                          " ORDER BY ym";

static int by_wait(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* The nearest-rank q-th percentile (q in percent) of sorted w[0..n). */
static int64_t percentile(const int64_t *w, size_t n, unsigned q)
{
    assert(n > 0);
    size_t rank = ((size_t)q * n + 99) / 100; /* ceil(q/100 * n) */
    if (rank < 1)
        rank = 1;
    return w[rank - 1];
}

db_status post_stats_first_interest(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    static const char *cols[] = {"posts", "with_interest", "without", "median_s", "p90_s"};
    db_status st = grid_init(a, p, cols, 5, g);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_query(d, SQL_FIRST, DB_ARGS(DBI(p->t0), DBI(p->t1)));
    if (!s)
        return DB_ERR;
    int64_t *w = NULL;
    size_t n_w = 0, cap_w = 0;
    long cur = -1;
    bool oom = false;
    /* rows come sorted by hour, so each month's rows are together: its
     * waits are collected in w and sorted when the month ends */
    for (;;) {
        st = db_step(s);
        long m = st == DB_ROW ? row_month(p, s, 0) : -2;
        if (st == DB_ROW && m == -1)
            continue;
        if (m != cur && cur >= 0) {
            if (n_w)
                qsort(w, n_w, sizeof *w, by_wait);
            POST_STATS_AT(g, (size_t)cur, 3) = n_w ? percentile(w, n_w, 50) : -1;
            POST_STATS_AT(g, (size_t)cur, 4) = n_w ? percentile(w, n_w, 90) : -1;
            n_w = 0;
        }
        if (st != DB_ROW)
            break;
        cur = m;
        POST_STATS_AT(g, (size_t)m, 0)++;
        if (db_col_is_null(s, 1)) {
            POST_STATS_AT(g, (size_t)m, 2)++;
            continue;
        }
        POST_STATS_AT(g, (size_t)m, 1)++;
        if (!arena_grow(a, (void **)&w, n_w, &cap_w, sizeof *w)) {
            oom = true;
            break;
        }
        int64_t wait = db_col_int(s, 1);
        w[n_w++] = wait < 0 ? 0 : wait;
    }
    db_reset(s);
    for (size_t m = 0; m < g->n_months; m++)
        if (!POST_STATS_AT(g, m, 1))
            POST_STATS_AT(g, m, 3) = POST_STATS_AT(g, m, 4) = -1;
    if (oom)
        return DB_NOMEM;
    return st == DB_DONE ? DB_OK : st;
}

/* --- how posts ended ---------------------------------------------------------------------- */

/* The hour as text, like the other branch's month (PostgreSQL's UNION
 * wants one type); row_month reads either. */
static const char SQL_CLOSURES[] = "SELECT CAST(" HOUR_OF(
    "closed_at") " AS TEXT), close_reason, count(*) FROM post"
                 " WHERE status = 'closed' AND closed_at >= $1 AND closed_at < $2 GROUP BY 1, 2"
                 " UNION ALL "
                 "SELECT substr(valid_until, 1, 7), 'expired', count(*) FROM post"
                 " WHERE status = 'open' AND valid_until < $3 AND substr(valid_until, 1, 7) "
                 "BETWEEN $4 AND $5"
                 " GROUP BY 1";

db_status post_stats_closures(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    static const char *cols[] = {"found_partner", "no_longer_needed", "expired"};
    char today[11];
    post_today(today);
    db_status st = grid_init(a, p, cols, 3, g);
    return st != DB_OK
               ? st
               : grid_fill(d, g, p, SQL_CLOSURES,
                           DB_ARGS(DBI(p->t0), DBI(p->t1), DBT(today), DBT(p->from), DBT(p->to)));
}

int64_t post_stats_days(int64_t seconds)
{
    return (seconds + 43200) / 86400;
}

db_status post_stats_any_demo(db *d, bool *yes)
{
    int64_t n = 0;
    db_status st = db_int(
        d, &n, 0, "SELECT EXISTS (SELECT 1 FROM post WHERE is_demo = 1 AND status <> 'hidden')",
        DB_NONE);
    *yes = n != 0;
    return st;
}
