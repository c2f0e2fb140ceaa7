/* figures.c: yearly figures of organisations: rates, one organisation's
 * rows, their writes and verification (see figures.h); the totals built
 * from them are in figures_total.c, the CSV importer in figures_import.c
 * (it writes through figures_put_tx()).
 *
 * Money is integer minor units throughout and every ratio is integer
 * arithmetic with 128-bit intermediates, rounded half up, so a total never
 * depends on floating point. Totals are one SQL statement per year, chosen
 * from a table of constant texts assembled at compile time from fixed
 * fragments by scope (SCAN, founders, one cluster) and grouping (none,
 * cluster, sector, region, district); values are always bound, never
 * formatted in. Membership is read from cluster_member and
 * scan_membership, the same rows cluster.c writes, never copied. What
 * those statements give is stored per year and kept exact by triggers in
 * every write's transaction (see "precomputed totals" below), so a page
 * reads a few hundred rows instead of aggregating every member. */
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

#define RATE_SOURCE_MAX 200

/* --- small helpers ------------------------------------------------------------ */

/* This year in Belgrade (the process zone); FIG_YEAR_MAX when the clock
 * cannot be read. */
static int local_year(void)
{
    int y = time_year();
    return y ? y : FIG_YEAR_MAX;
}

static int64_t clamp128(__int128 v)
{
    if (v > INT64_MAX)
        return INT64_MAX;
    if (v < INT64_MIN)
        return INT64_MIN;
    return (int64_t)v;
}

int64_t figures_div_round(__int128 num, __int128 den)
{
    assert(den > 0);
    if (num >= 0)
        return clamp128((2 * num + den) / (2 * den));
    return clamp128(-((-2 * num + den) / (2 * den)));
}

int64_t figures_ratio_bp(int64_t num, int64_t den)
{
    return figures_div_round((__int128)num * 10000, den);
}

int64_t figures_rsd_to_eur(int64_t para, int64_t rate_e4)
{
    /* para / 100 RSD at rate_e4 / 10^4 RSD per EUR is
     * para / 100 * 10^4 / rate_e4 EUR = para * 10^4 / rate_e4 cents. */
    assert(rate_e4 > 0);
    if (rate_e4 <= 0)
        return -1;
    return figures_div_round((__int128)para * 10000, rate_e4);
}

/* --- versions ------------------------------------------------------------------ */

db_status figures_version(db *d, int64_t *v)
{
    return versions_read(d, VERSION_FIGURES, v);
}

/* --- exchange rates ---------------------------------------------------------------- */

static const char SQL_RATE[] = "SELECT rsd_per_eur_e4 FROM fx_rate WHERE year = $1";
static const char SQL_RATE_PUT[] =
    "INSERT INTO fx_rate(year, rsd_per_eur_e4, source) VALUES ($1, $2, $3)"
    " ON CONFLICT(year) DO UPDATE SET rsd_per_eur_e4 = excluded.rsd_per_eur_e4,"
    " source = excluded.source";
static const char SQL_RSD_ROWS[] = "SELECT id, revenue_rsd, exports_rsd, rnd_rsd FROM org_figure"
                                   " WHERE year = $1 AND rate_e4 IS NOT NULL";
static const char SQL_RECONVERT[] =
    "UPDATE org_figure SET revenue_eur = $2, exports_eur = $3, rnd_eur = $4, rate_e4 = $5"
    " WHERE id = $1";

db_status figures_rate(db *d, int year, int64_t *rate_e4, bool *found)
{
    *rate_e4 = 0;
    *found = false;
    db_stmt *s = db_prepare(d, SQL_RATE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, year);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *rate_e4 = db_col_int(s, 0);
        *found = true;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* A row entered in RSD: its id and RSD amounts (-1 for NULL). */
typedef struct rsd_row {
    int64_t id, amount[3];
} rsd_row;

static void rsd_row_read(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    rsd_row *r = item;
    r->id = db_col_int(s, 0);
    for (int k = 0; k < 3; k++)
        r->amount[k] = db_col_is_null(s, k + 1) ? -1 : db_col_int(s, k + 1);
}

/* The RSD rows of year (arena), read before any is rewritten. */
static db_status rsd_rows_of(db *d, arena *a, int year, rsd_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_RSD_ROWS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, year);
    return db_collect(s, a, (void **)rows, n, sizeof **rows, rsd_row_read, NULL);
}

typedef struct rate_ctx {
    int year;
    int64_t rate_e4;
    const char *source;
} rate_ctx;

/* Stores the rate and reconverts the year's rows entered in RSD. */
static db_status rate_body(tx *t, void *ctx)
{
    const rate_ctx *c = ctx;
    db *d = t->d;
    arena a = ARENA_INIT;
    rsd_row *rows;
    size_t n = 0;
    db_status st = db_do(d, SQL_RATE_PUT, DB_ARGS(DBI(c->year), DBI(c->rate_e4), DBT(c->source)));
    /* Rows entered in RSD keep their RSD amounts and follow the corrected
     * rate; their verification stands (what was verified is the input). */
    if (st == DB_OK)
        st = rsd_rows_of(d, &a, c->year, &rows, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        db_stmt *s = db_prepare(d, SQL_RECONVERT);
        if (!s) {
            st = DB_ERR;
            break;
        }
        db_bind_int(s, 1, rows[i].id);
        for (int k = 0; k < 3; k++) {
            if (rows[i].amount[k] < 0)
                db_bind_null(s, k + 2);
            else
                db_bind_int(s, k + 2, figures_rsd_to_eur(rows[i].amount[k], c->rate_e4));
        }
        db_bind_int(s, 5, c->rate_e4);
        st = db_run(s);
    }
    if (st == DB_OK) {
        buf_reset(&t->detail);
        buf_printf(&t->detail, "{\"year\":%d,\"rate_e4\":%lld,\"reconverted\":%zu}", c->year,
                   (long long)c->rate_e4, n);
    }
    arena_free(&a);
    return st;
}

db_status figures_set_rate(db *d, int year, int64_t rate_e4, const char *source, int64_t actor_id)
{
    assert(d);
    if (year < FIG_YEAR_MIN || year > FIG_YEAR_MAX || rate_e4 <= 0 || str_empty(source) ||
        strlen(source) > RATE_SOURCE_MAX)
        return DB_CONSTRAINT;
    rate_ctx c = {.year = year, .rate_e4 = rate_e4, .source = source};
    tx t = TX_INIT(actor_id, NULL, "fx_rate_set", "fx_rate", year);
    t.bump = TX_FIGURES;
    return tx_write(d, &t, rate_body, &c);
}

/* --- one organisation's figures ---------------------------------------------------- */

static const char *const source_codes[] = {"self_reported", "business_register", "estimate", NULL};

#define FIGURE_COLS                                                                                \
    "f.id, f.org_id, f.year, f.employees, f.revenue_eur, f.exports_eur, f.rnd_eur,"                \
    " f.revenue_rsd, f.exports_rsd, f.rnd_rsd, f.rate_e4, f.source, f.is_demo,"                    \
    " coalesce(f.entered_by, 0), f.entered_at, coalesce(f.verified_by, 0),"                        \
    " coalesce(f.verified_at, 0), o.slug, o.name"

static const char SQL_OF_ORG[] =
    "SELECT " FIGURE_COLS " FROM org_figure f JOIN org o ON o.id = f.org_id"
    " WHERE f.org_id = $1 ORDER BY f.year DESC";
static const char SQL_LATEST_EMPLOYEES[] =
    "SELECT employees FROM org_figure WHERE org_id = $1 AND employees IS NOT NULL"
    " ORDER BY year DESC LIMIT 1";

static int64_t col_or(db_stmt *s, int col, int64_t none)
{
    return db_col_is_null(s, col) ? none : db_col_int(s, col);
}

static void read_figure(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    figure_rec *r = item;
    r->id = db_col_int(s, 0);
    r->org_id = db_col_int(s, 1);
    r->year = (int)db_col_int(s, 2);
    r->employees = col_or(s, 3, -1);
    r->revenue_eur = col_or(s, 4, -1);
    r->exports_eur = col_or(s, 5, -1);
    r->rnd_eur = col_or(s, 6, -1);
    r->revenue_rsd = col_or(s, 7, -1);
    r->exports_rsd = col_or(s, 8, -1);
    r->rnd_rsd = col_or(s, 9, -1);
    r->rate_e4 = col_or(s, 10, 0);
    r->source = db_col_dup(a, s, 11, oom);
    r->is_demo = db_col_int(s, 12) != 0;
    r->entered_by = db_col_int(s, 13);
    r->entered_at = db_col_int(s, 14);
    r->verified_by = db_col_int(s, 15);
    r->verified_at = db_col_int(s, 16);
    r->org_slug = db_col_dup(a, s, 17, oom);
    r->org_name = db_col_dup(a, s, 18, oom);
}

db_status figures_of_org(db *d, arena *a, int64_t org_id, figure_rec **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_OF_ORG);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, org_id);
    return db_collect(s, a, (void **)items, n, sizeof **items, read_figure, NULL);
}

db_status figures_latest_employees(db *d, int64_t org_id, int64_t *employees)
{
    *employees = -1;
    db_stmt *s = db_prepare(d, SQL_LATEST_EMPLOYEES);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, org_id);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *employees = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* --- writing ------------------------------------------------------------------------ */

static const char SQL_ORG_EXISTS[] = "SELECT 1 FROM org WHERE id = $1";
static const char SQL_EXISTING[] =
    "SELECT id, employees, revenue_eur, exports_eur, rnd_eur, revenue_rsd, exports_rsd, rnd_rsd,"
    " rate_e4, source, is_demo, coalesce(entered_by, 0), entered_at, coalesce(verified_by, 0)"
    " FROM org_figure WHERE org_id = $1 AND year = $2";
static const char SQL_INSERT[] =
    "INSERT INTO org_figure(employees, revenue_eur, exports_eur, rnd_eur, revenue_rsd,"
    " exports_rsd, rnd_rsd, rate_e4, source, is_demo, entered_by, entered_at, org_id, year)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nullif($11, 0), $12, $13, $14)"
    " ON CONFLICT(org_id, year) DO NOTHING";
static const char SQL_UPDATE[] =
    "UPDATE org_figure SET employees = $1, revenue_eur = $2, exports_eur = $3, rnd_eur = $4,"
    " revenue_rsd = $5, exports_rsd = $6, rnd_rsd = $7, rate_e4 = $8, source = $9,"
    " is_demo = $10, entered_by = nullif($11, 0), entered_at = $12, verified_by = NULL,"
    " verified_at = NULL WHERE id = $13";

/* The values of one row as stored; -1 (0 for rate_e4) for NULL. */
typedef struct fig_values {
    int64_t employees, revenue_eur, exports_eur, rnd_eur;
    int64_t revenue_rsd, exports_rsd, rnd_rsd, rate_e4;
    const char *source;
    bool is_demo;
} fig_values;

static void bind_opt(db_stmt *s, int i, int64_t v)
{
    if (v < 0)
        db_bind_null(s, i);
    else
        db_bind_int(s, i, v);
}

/* The checks of figures_put (field names as in figures.h). */
static const char *const value_fields[4] = {"employees", "revenue", "exports", "rnd"};

static db_status check_input(db *d, int year, const char *currency, const int64_t v[4],
                             const char *source, form_errors *errs, int64_t *rate_e4)
{
    int this_year = local_year();
    *rate_e4 = 0;
    if (year < FIG_YEAR_MIN)
        valid_add_error(errs, "year", FE_RANGE, FIG_YEAR_MIN, this_year);
    else if (year > this_year || year > FIG_YEAR_MAX)
        valid_add_error(errs, "year", FE_FUTURE_YEAR, FIG_YEAR_MIN, this_year);
    bool rsd = currency && strcmp(currency, "RSD") == 0;
    if (!rsd && currency && strcmp(currency, "EUR") != 0)
        valid_add_error(errs, "currency", FE_CHOICE, 0, 0);
    if (str_empty(source))
        valid_add_error(errs, "source", FE_REQUIRED, 0, 0);
    else {
        bool known = false;
        for (const char *const *c = source_codes; *c; c++)
            known = known || strcmp(*c, source) == 0;
        if (!known)
            valid_add_error(errs, "source", FE_CHOICE, 0, 0);
    }
    bool any = false;
    for (int i = 0; i < 4; i++) {
        if (v[i] < -1)
            valid_add_error(errs, value_fields[i], FE_RANGE, 0, INT64_MAX);
        any = any || v[i] >= 0;
    }
    if (!any && v[0] >= -1 && v[1] >= -1 && v[2] >= -1 && v[3] >= -1)
        valid_add_error(errs, "employees", FE_REQUIRED, 0, 0);
    if (v[1] >= 0 && v[2] >= 0 && v[2] > v[1])
        valid_add_error(errs, "exports", FE_EXPORTS_ABOVE_REVENUE, 0, 0);
    if (rsd && year >= FIG_YEAR_MIN && year <= FIG_YEAR_MAX) {
        bool found;
        db_status st = figures_rate(d, year, rate_e4, &found);
        if (st != DB_OK)
            return st;
        if (!found)
            valid_add_error(errs, "currency", FE_NO_RATE, 0, 0);
    }
    return DB_OK;
}

/* {"org":1,"year":2024,"currency":"EUR","fields":[...]} plus, for an
 * update, who had entered (and verified) the values replaced. */
static void put_detail(buf *b, int64_t org_id, int year, bool rsd, const figures_put_result *res,
                       int64_t was_by, int64_t was_at, int64_t was_verified_by)
{
    buf_printf(b, "{\"org\":%lld,\"year\":%d,\"currency\":\"%s\",\"fields\":[", (long long)org_id,
               year, rsd ? "RSD" : "EUR");
    for (size_t i = 0; i < res->n_changed; i++) {
        if (i)
            buf_putc(b, ',');
        json_put_string(b, res->changed[i]);
    }
    buf_putc(b, ']');
    if (!res->created)
        buf_printf(b, ",\"was\":{\"entered_by\":%lld,\"entered_at\":%lld,\"verified_by\":%lld}",
                   (long long)was_by, (long long)was_at, (long long)was_verified_by);
    buf_putc(b, '}');
}

db_status figures_put_tx(db *d, int64_t org_id, int year, const char *currency, int64_t employees,
                         int64_t revenue, int64_t exports, int64_t rnd, const char *source,
                         bool is_demo, int64_t actor_id, const char *ip, form_errors *errs,
                         figures_put_result *res)
{
    assert(d && res);
    assert(db_in_tx(d));
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    memset(res, 0, sizeof *res);
    buf detail = BUF_INIT;
    if (str_empty(currency))
        currency = "EUR";
    bool rsd = strcmp(currency, "RSD") == 0;
    const int64_t v[4] = {employees, revenue, exports, rnd};
    int64_t rate_e4;
    db_status st = check_input(d, year, currency, v, source, errs, &rate_e4);
    if (st != DB_OK)
        goto cleanup;
    if (errs->n_items > before) {
        st = DB_CONSTRAINT;
        goto cleanup;
    }

    db_stmt *s = db_prepare(d, SQL_ORG_EXISTS);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    st = db_step(s);
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such organisation */

    fig_values nv = {employees, revenue, exports, rnd, -1, -1, -1, 0, source, is_demo};
    if (rsd) {
        nv.revenue_rsd = revenue;
        nv.exports_rsd = exports;
        nv.rnd_rsd = rnd;
        nv.rate_e4 = rate_e4;
        nv.revenue_eur = revenue < 0 ? -1 : figures_rsd_to_eur(revenue, rate_e4);
        nv.exports_eur = exports < 0 ? -1 : figures_rsd_to_eur(exports, rate_e4);
        nv.rnd_eur = rnd < 0 ? -1 : figures_rsd_to_eur(rnd, rate_e4);
    }

    /* The stored row, if any, and what differs from it. */
    if (!(s = db_prepare(d, SQL_EXISTING))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_int(s, 2, year);
    st = db_step(s);
    int64_t was_by = 0, was_at = 0, was_verified_by = 0;
    if (st == DB_ROW) {
        fig_values ov = {col_or(s, 1, -1),      col_or(s, 2, -1), col_or(s, 3, -1),
                         col_or(s, 4, -1),      col_or(s, 5, -1), col_or(s, 6, -1),
                         col_or(s, 7, -1),      col_or(s, 8, 0),  NULL,
                         db_col_int(s, 10) != 0};
        const char *osrc = db_col_text(s, 9);
        res->id = db_col_int(s, 0);
        res->old_rsd = ov.rate_e4 != 0;
        res->old_demo = ov.is_demo;
        res->old_values[0] = ov.employees;
        res->old_values[1] = res->old_rsd ? ov.revenue_rsd : ov.revenue_eur;
        res->old_values[2] = res->old_rsd ? ov.exports_rsd : ov.exports_eur;
        res->old_values[3] = res->old_rsd ? ov.rnd_rsd : ov.rnd_eur;
        snprintf(res->old_source, sizeof res->old_source, "%s", osrc ? osrc : "");
        was_by = db_col_int(s, 11);
        was_at = db_col_int(s, 12);
        was_verified_by = db_col_int(s, 13);
        /* An amount changed when its euro value did, or, both in RSD, its
         * RSD value did; a change of currency alone is "currency". */
        bool both_rsd = ov.rate_e4 != 0 && rsd;
        if (ov.employees != nv.employees)
            res->changed[res->n_changed++] = "employees";
        if (ov.revenue_eur != nv.revenue_eur || (both_rsd && ov.revenue_rsd != nv.revenue_rsd))
            res->changed[res->n_changed++] = "revenue";
        if (ov.exports_eur != nv.exports_eur || (both_rsd && ov.exports_rsd != nv.exports_rsd))
            res->changed[res->n_changed++] = "exports";
        if (ov.rnd_eur != nv.rnd_eur || (both_rsd && ov.rnd_rsd != nv.rnd_rsd))
            res->changed[res->n_changed++] = "rnd";
        if ((ov.rate_e4 != 0) != rsd)
            res->changed[res->n_changed++] = "currency";
        if (!osrc || strcmp(osrc, source) != 0)
            res->changed[res->n_changed++] = "source";
        if (ov.is_demo != nv.is_demo)
            res->changed[res->n_changed++] = "demo";
    } else {
        res->created = true;
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        goto cleanup;
    st = DB_OK;
    if (!res->created && res->n_changed == 0)
        goto cleanup; /* the same values: nothing written, verification kept */
    if (res->created) {
        for (size_t i = 0; i < 4; i++)
            if (v[i] >= 0)
                res->changed[res->n_changed++] = value_fields[i];
    }

    if (!(s = db_prepare(d, res->created ? SQL_INSERT : SQL_UPDATE))) {
        st = DB_ERR;
        goto cleanup;
    }
    bind_opt(s, 1, nv.employees);
    bind_opt(s, 2, nv.revenue_eur);
    bind_opt(s, 3, nv.exports_eur);
    bind_opt(s, 4, nv.rnd_eur);
    bind_opt(s, 5, nv.revenue_rsd);
    bind_opt(s, 6, nv.exports_rsd);
    bind_opt(s, 7, nv.rnd_rsd);
    if (rsd)
        db_bind_int(s, 8, nv.rate_e4);
    else
        db_bind_null(s, 8);
    db_bind_text(s, 9, source);
    db_bind_int(s, 10, is_demo ? 1 : 0);
    db_bind_int(s, 11, actor_id);
    db_bind_int(s, 12, time_now());
    if (res->created) {
        db_bind_int(s, 13, org_id);
        db_bind_int(s, 14, year);
    } else {
        db_bind_int(s, 13, res->id);
    }
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (res->created && db_changes(d) == 0) {
        /* a concurrent save (PostgreSQL) made the row after our look:
         * busy, so tx_write runs this again and the retry updates it */
        st = DB_BUSY;
        goto cleanup;
    }
    if (res->created)
        res->id = db_last_id(d);

    put_detail(&detail, org_id, year, rsd, res, was_by, was_at, was_verified_by);
    if (buf_failed(&detail)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    st = audit_add(d, actor_id, ip, res->created ? "figure_create" : "figure_update", "figure",
                   res->id, buf_str(&detail));
cleanup:
    buf_free(&detail);
    return st;
}

/* figures_put's arguments, for its body. */
typedef struct {
    int64_t org_id, employees, revenue, exports, rnd;
    int year;
    const char *currency, *source;
    bool is_demo;
    form_errors *errs;
} put_ctx;

static db_status put_body(tx *t, void *ctx)
{
    put_ctx *c = ctx;
    figures_put_result res;
    /* figures_put_tx writes its own audit row (the importer and the demo
     * call it in their bodies too); a row written bumps figures_version */
    db_status st =
        figures_put_tx(t->d, c->org_id, c->year, c->currency, c->employees, c->revenue, c->exports,
                       c->rnd, c->source, c->is_demo, t->actor_id, t->ip, c->errs, &res);
    t->bump = st == DB_OK && (res.created || res.n_changed) ? TX_FIGURES : 0;
    return st;
}

db_status figures_put(db *d, int64_t org_id, int year, const char *currency, int64_t employees,
                      int64_t revenue, int64_t exports, int64_t rnd, const char *source,
                      bool is_demo, int64_t actor_id, const char *ip, form_errors *errs)
{
    assert(d);
    put_ctx c = {.org_id = org_id,
                 .employees = employees,
                 .revenue = revenue,
                 .exports = exports,
                 .rnd = rnd,
                 .year = year,
                 .currency = currency,
                 .source = source,
                 .is_demo = is_demo,
                 .errs = errs};
    tx t = TX_INIT(actor_id, ip, NULL, NULL, 0);
    return tx_write(d, &t, put_body, &c);
}

static const char SQL_VERIFY[] =
    "UPDATE org_figure SET verified_by = CASE WHEN $2 = 1 THEN nullif($3, 0) END,"
    " verified_at = CASE WHEN $2 = 1 THEN CAST($4 AS BIGINT) END WHERE id = $1";

static db_status verify_body(tx *t, void *ctx)
{
    db_status st =
        db_do(t->d, SQL_VERIFY,
              DB_ARGS(DBI(t->entity_id), DBI(*(bool *)ctx), DBI(t->actor_id), DBI(time_now())));
    if (st == DB_OK && db_changes(t->d) == 0)
        st = DB_DONE; /* no such figure */
    return st;
}

db_status figures_verify(db *d, int64_t figure_id, bool verified, int64_t actor_id, const char *ip)
{
    assert(d);
    tx t =
        TX_INIT(actor_id, ip, verified ? "figure_verify" : "figure_unverify", "figure", figure_id);
    t.bump = TX_FIGURES;
    return tx_write(d, &t, verify_body, &verified);
}
