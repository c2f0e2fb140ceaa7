/* figures.c: yearly figures of organisations and the totals built from
 * them (see figures.h); the CSV importer is next door in
 * figures_import.c and writes through figures_put_tx().
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

#define FIG_TREND_MAX   200 /* years in one trend */
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
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nullif($11, 0), $12, $13, $14)";
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
    "UPDATE org_figure SET verified_by = CASE WHEN $2 THEN nullif($3, 0) END,"
    " verified_at = CASE WHEN $2 THEN $4 END WHERE id = $1";

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
    " GROUP BY s.cluster_id ORDER BY 7 DESC, 1"
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
    }

static const char *const total_sql[3][5] = {
    [FIG_SCOPE_SCAN] = TOTALS(SCOPE_SCAN),
    [FIG_SCOPE_FOUNDERS] = TOTALS(SCOPE_FOUNDERS),
    [FIG_SCOPE_CLUSTER] = TOTALS(SCOPE_CLUSTER),
};

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
static db_status run_total(db *d, arena *a, figure_scope scope, int64_t cluster_id,
                           figure_group group, int year, figure_total **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    char first[16], last[16];
    snprintf(first, sizeof first, "%04d-01-01", year);
    snprintf(last, sizeof last, "%04d-12-31", year);
    db_stmt *s = db_prepare(d, total_sql[scope][group]);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, last);
    db_bind_text(s, 2, first);
    if (scope == FIG_SCOPE_CLUSTER)
        db_bind_int(s, 3, cluster_id);
    db_bind_int(s, 4, year);
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
 * with every grouping, and one cluster's ungrouped total; anything else
 * is computed each time. */

static const char SQL_DONE[] = "SELECT 1 FROM figure_total_done"
                               " WHERE year = $1 AND scope = $2 AND cluster_id = $3 AND grp = $4";
static const char SQL_DONE_PUT[] =
    "INSERT OR IGNORE INTO figure_total_done(year, scope, cluster_id, grp) VALUES ($1, $2, $3, $4)";
/* The cluster grouping is stored by the cluster's id (slugs and names
 * change); the reference gives the slug, unique, so it is looked up. */
static const char SQL_ROW_PUT[] =
    "INSERT INTO figure_total_row(year, scope, cluster_id, grp, key, members, reported,"
    " verified, employees, revenue, exports, rnd, rev_both, exp_both, demo) VALUES ($1, $2, $3,"
    " $4, CASE WHEN $4 = 1 THEN (SELECT printf('%d', id) FROM org WHERE slug = $5) ELSE $5 END,"
    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
/* The same columns, names and order as the reference statements. */
static const char SQL_ROWS[] =
    "SELECT CASE WHEN t.grp = 1 THEN k.slug ELSE t.key END,"
    " CASE WHEN t.grp = 1 THEN k.name ELSE t.key END, t.members, t.reported, t.verified,"
    " t.employees, t.revenue, t.exports, t.rnd, t.rev_both, t.exp_both, t.demo > 0"
    " FROM figure_total_row t LEFT JOIN org k ON t.grp = 1 AND k.id = CAST(t.key AS INTEGER)"
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
    return scope != FIG_SCOPE_CLUSTER || group == FIG_GROUP_NONE;
}

static db_status is_done(db *d, figure_scope scope, int64_t cluster_id, figure_group group,
                         int year, bool *done)
{
    *done = false;
    db_stmt *s = db_prepare(d, SQL_DONE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, year);
    db_bind_int(s, 2, scope);
    db_bind_int(s, 3, scope == FIG_SCOPE_CLUSTER ? cluster_id : 0);
    db_bind_int(s, 4, group);
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
    char first[16], last[16];
    snprintf(first, sizeof first, "%04d-01-01", year);
    snprintf(last, sizeof last, "%04d-12-31", year);
    db_status st = DB_ERR;
    db_stmt *s = db_prepare(d, total_sql[scope][group]);
    if (!s)
        goto cleanup;
    db_bind_text(s, 1, last);
    db_bind_text(s, 2, first);
    if (scope == FIG_SCOPE_CLUSTER)
        db_bind_int(s, 3, cluster_id);
    db_bind_int(s, 4, year);
    if ((st = db_collect(s, &a, (void **)&rows, &n, sizeof *rows, raw_row, NULL)) != DB_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if (!(s = db_prepare(d, SQL_ROW_PUT))) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, year);
        db_bind_int(s, 2, scope);
        db_bind_int(s, 3, cid);
        db_bind_int(s, 4, group);
        db_bind_text(s, 5, rows[i].key ? rows[i].key : "?");
        for (int k = 0; k < 10; k++)
            db_bind_int(s, 6 + k, rows[i].v[k]);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
    }
    if (!(s = db_prepare(d, SQL_DONE_PUT))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, year);
    db_bind_int(s, 2, scope);
    db_bind_int(s, 3, cid);
    db_bind_int(s, 4, group);
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
    if (st == DB_FULL || st == DB_BUSY || st == DB_READONLY || st == DB_IOERR) {
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
    db_stmt *s = db_prepare(d, SQL_ROWS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, year);
    db_bind_int(s, 2, scope);
    db_bind_int(s, 3, scope == FIG_SCOPE_CLUSTER ? cluster_id : 0);
    db_bind_int(s, 4, group);
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
    return scope == FIG_SCOPE_SCAN || scope == FIG_SCOPE_FOUNDERS || scope == FIG_SCOPE_CLUSTER;
}

/* figures_total and figures_total_reference: `stored` chooses the
 * precomputed rows (where kept) or the reference statements. */
static db_status total_of(db *d, arena *a, const figure_query *q, bool stored, figure_total **rows,
                          size_t *n)
{
    assert(d && a && q && rows && n);
    *rows = NULL;
    *n = 0;
    if (!scope_ok(q->scope) || (unsigned)q->group > FIG_GROUP_DISTRICT || !year_ok(q->year))
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
    char first[16], last[16];
    snprintf(first, sizeof first, "%04d-01-01", year);
    snprintf(last, sizeof last, "%04d-12-31", year);
    db_stmt *s = db_prepare(d, SQL_MISSING);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, last);
    db_bind_text(s, 2, first);
    db_bind_int(s, 4, year);
    return db_collect(s, a, (void **)items, n, sizeof **items, missing_row, NULL);
}
