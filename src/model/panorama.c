/* panorama.c: the directory counted by district, population, the location
 * quotient and its reference table, the clusters of /panorama with their
 * stage history, and the open calls of the home page (panorama.h). The
 * yearly money and employment totals are figures_total's; this file only
 * counts what figures does not. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/figures.h"
#include "model/panorama.h"
#include "model/tx.h"
#include "valid/valid.h"

/* --- arithmetic ---------------------------------------------------------------- */

int64_t panorama_lq(int64_t part_local, int64_t total_local, int64_t part_ref, int64_t total_ref)
{
    if (part_local < 0 || total_local <= 0 || part_ref <= 0 || total_ref <= 0)
        return -1;
    /* (pl / tl) / (pr / tr) * 100 = pl * tr * 100 / (tl * pr), half up */
    __int128 num = (__int128)part_local * total_ref * 100;
    __int128 den = (__int128)total_local * part_ref;
    __int128 q = (2 * num + den) / (2 * den);
    return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}

bool panorama_lq_above_one(int64_t part_local, int64_t total_local, int64_t part_ref,
                           int64_t total_ref)
{
    if (part_local < 0 || total_local <= 0 || part_ref <= 0 || total_ref <= 0)
        return false;
    return (__int128)part_local * total_ref > (__int128)part_ref * total_local;
}

int64_t panorama_per_capita(int64_t value, int64_t population, int64_t per)
{
    if (population <= 0 || value < 0 || per <= 0)
        return -1;
    __int128 num = (__int128)value * per * 10;
    __int128 q = (2 * num + population) / (2 * (__int128)population);
    return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}

/* --- districts ----------------------------------------------------------------- */

/* The directory's counts come from org_facet_count, kept exact by every
 * write (0009): the same numbers /orgs?district=X shows, without counting
 * 100,000 entries per render. */
static const char SQL_DISTRICTS[] =
    "SELECT d.code, d.label_en, d.label_sr,"
    " (SELECT coalesce(sum(c.n), 0) FROM org_facet_count c WHERE c.status = 'published'"
    "   AND c.facet = 'district' AND c.code = d.code),"
    " (SELECT coalesce(sum(c.n), 0) FROM org_facet_count c WHERE c.status = 'published'"
    "   AND c.kind = 'cluster' AND c.facet = 'district' AND c.code = d.code),"
    " p.population, p.year, p.source"
    " FROM ref_district d LEFT JOIN ref_population p ON p.district = d.code"
    "  AND p.year = (SELECT max(q.year) FROM ref_population q WHERE q.district = d.code)"
    " ORDER BY d.sort";

static void district_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pano_district *x = item;
    x->code = db_col_dup(a, s, 0, oom);
    x->label_en = db_col_dup(a, s, 1, oom);
    x->label_sr = db_col_dup(a, s, 2, oom);
    x->orgs = db_col_int(s, 3);
    x->clusters = db_col_int(s, 4);
    x->population = db_col_is_null(s, 5) ? -1 : db_col_int(s, 5);
    x->population_year = db_col_is_null(s, 6) ? 0 : (int)db_col_int(s, 6);
    x->pop_source = db_col_dup(a, s, 7, oom);
}

db_status panorama_districts(db *d, arena *a, pano_district **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_DISTRICTS, DB_NONE);
    return db_collect(s, a, (void **)items, n, sizeof **items, district_row, NULL);
}

/* --- location quotient --------------------------------------------------------- */

static const char SQL_LQ_YEAR[] =
    "SELECT year, max(is_demo), min(source) FROM ref_employment"
    " WHERE year = (SELECT max(year) FROM ref_employment) GROUP BY year";

typedef struct lq_year_row {
    int year;
    bool demo;
    const char *source;
} lq_year_row;

static void lq_year_row_fn(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    lq_year_row *x = item;
    x->year = (int)db_col_int(s, 0);
    x->demo = db_col_int(s, 1) != 0;
    x->source = db_col_dup(a, s, 2, oom);
}

db_status panorama_lq_year(db *d, arena *a, int *year, bool *is_demo, const char **source)
{
    lq_year_row row = {0};
    bool found = false;
    db_stmt *s = db_query(d, SQL_LQ_YEAR, DB_NONE);
    db_status st = db_collect_one(s, a, &row, sizeof row, lq_year_row_fn, NULL, &found);
    *year = found ? row.year : 0;
    *is_demo = found && row.demo;
    *source = found ? row.source : NULL;
    return st;
}

static const char SQL_LQ_ALL[] = "SELECT e.district, e.nace, e.employees,"
                                 " sum(e.employees) OVER (PARTITION BY e.district),"
                                 " sum(e.employees) OVER (PARTITION BY e.nace),"
                                 " sum(e.employees) OVER (), d.sort"
                                 " FROM ref_employment e JOIN ref_district d ON d.code = e.district"
                                 " WHERE e.year = $1";

typedef struct lq_raw {
    pano_lq x;
    int64_t total_local, part_ref, total_ref, sort;
} lq_raw;

static void lq_raw_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    lq_raw *r = item;
    r->x.district = db_col_dup(a, s, 0, oom);
    r->x.nace = db_col_dup(a, s, 1, oom);
    r->x.employees = db_col_int(s, 2);
    r->total_local = db_col_int(s, 3);
    r->part_ref = db_col_int(s, 4);
    r->total_ref = db_col_int(s, 5);
    r->sort = db_col_int(s, 6);
}

static int cmp_lq(const void *pa, const void *pb)
{
    const lq_raw *a = pa, *b = pb;
    if (a->sort != b->sort)
        return a->sort < b->sort ? -1 : 1;
    if (a->x.lq != b->x.lq)
        return a->x.lq > b->x.lq ? -1 : 1;
    return strcmp(a->x.nace, b->x.nace);
}

db_status panorama_lq_specialised(db *d, arena *a, int year, pano_lq **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    lq_raw *raw = NULL;
    size_t n_raw = 0;
    db_stmt *s = db_query(d, SQL_LQ_ALL, DB_ARGS(DBI(year)));
    db_status st = db_collect(s, a, (void **)&raw, &n_raw, sizeof *raw, lq_raw_row, NULL);
    if (st != DB_OK)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < n_raw; i++) {
        lq_raw *r = &raw[i];
        r->x.above_one =
            panorama_lq_above_one(r->x.employees, r->total_local, r->part_ref, r->total_ref);
        if (!r->x.above_one)
            continue;
        r->x.lq = panorama_lq(r->x.employees, r->total_local, r->part_ref, r->total_ref);
        raw[k++] = *r;
    }
    if (k == 0)
        return DB_OK;
    qsort(raw, k, sizeof *raw, cmp_lq);
    pano_lq *out = arena_alloc(a, k * sizeof *out);
    if (!out)
        return DB_NOMEM;
    for (size_t i = 0; i < k; i++)
        out[i] = raw[i].x;
    *items = out;
    *n = k;
    return DB_OK;
}

/* The national employment of section nace among n cells (0 when none). */
static int64_t national_of(const pano_cell *national, size_t n, const char *nace, int64_t *total)
{
    int64_t part = 0, all = 0;
    for (size_t i = 0; i < n; i++) {
        all += national[i].employees;
        if (national[i].nace && strcmp(national[i].nace, nace) == 0)
            part += national[i].employees;
    }
    *total = all;
    return part;
}

static bool known(const char *code)
{
    return code && *code && strcmp(code, "?") != 0;
}

static int cmp_members_lq(const void *pa, const void *pb)
{
    const pano_lq *a = pa, *b = pb;
    if (a->district_sort != b->district_sort)
        return a->district_sort < b->district_sort ? -1 : 1;
    int c = strcmp(a->district, b->district);
    if (c)
        return c;
    if (a->lq != b->lq)
        return a->lq > b->lq ? -1 : 1;
    return strcmp(a->nace, b->nace);
}

size_t panorama_lq_members_compute(const pano_cell *members, size_t n_members,
                                   const pano_cell *national, size_t n_national, pano_lq *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n_members; i++) {
        const pano_cell *m = &members[i];
        if (!known(m->district) || !known(m->nace) || m->employees <= 0)
            continue;
        int64_t local = 0; /* the district's members in every known section */
        for (size_t j = 0; j < n_members; j++)
            if (known(members[j].nace) && members[j].district &&
                strcmp(members[j].district, m->district) == 0 && members[j].employees > 0)
                local += members[j].employees;
        int64_t total_ref = 0, part_ref = national_of(national, n_national, m->nace, &total_ref);
        if (!panorama_lq_above_one(m->employees, local, part_ref, total_ref))
            continue;
        out[k++] = (pano_lq){.district = m->district,
                             .nace = m->nace,
                             .employees = m->employees,
                             .lq = panorama_lq(m->employees, local, part_ref, total_ref),
                             .above_one = true,
                             .district_sort = m->sort};
    }
    if (k > 1)
        qsort(out, k, sizeof *out, cmp_members_lq);
    return k;
}

static const char SQL_DISTRICT_SORT[] = "SELECT code, sort FROM ref_district";
static const char SQL_NATIONAL[] =
    "SELECT nace, sum(employees) FROM ref_employment WHERE year = $1 GROUP BY nace";

static void cell_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pano_cell *c = item;
    c->district = NULL;
    c->nace = db_col_dup(a, s, 0, oom);
    c->employees = db_col_int(s, 1);
}

db_status panorama_lq_members(db *d, arena *a, int fig_year, int ref_year, pano_lq **items,
                              size_t *n, bool *any_demo)
{
    *items = NULL;
    *n = 0;
    *any_demo = false;
    figure_total *rows = NULL;
    size_t n_rows = 0;
    figure_query q = {
        .scope = FIG_SCOPE_SCAN, .group = FIG_GROUP_DISTRICT_SECTOR, .year = fig_year};
    db_status st = figures_total(d, a, &q, &rows, &n_rows);
    if (st != DB_OK || n_rows == 0)
        return st;
    pano_cell *nat = NULL, *sorts = NULL;
    size_t n_nat = 0, n_sorts = 0;
    db_stmt *s = db_query(d, SQL_NATIONAL, DB_ARGS(DBI(ref_year)));
    if ((st = db_collect(s, a, (void **)&nat, &n_nat, sizeof *nat, cell_row, NULL)) != DB_OK)
        return st;
    s = db_query(d, SQL_DISTRICT_SORT, DB_NONE);
    if ((st = db_collect(s, a, (void **)&sorts, &n_sorts, sizeof *sorts, cell_row, NULL)) != DB_OK)
        return st;
    pano_cell *cells = arena_alloc(a, n_rows * sizeof *cells);
    pano_lq *out = arena_alloc(a, n_rows * sizeof *out);
    if (!cells || !out)
        return DB_NOMEM;
    size_t nc = 0;
    for (size_t i = 0; i < n_rows; i++) {
        const char *key = rows[i].key, *sp = key ? strchr(key, ' ') : NULL;
        if (!sp)
            continue;
        *any_demo |= rows[i].any_demo;
        char *dist = arena_strndup(a, key, (size_t)(sp - key));
        if (!dist)
            return DB_NOMEM;
        int64_t sort = INT64_MAX;
        for (size_t j = 0; j < n_sorts; j++) /* cell_row put the code in nace */
            if (sorts[j].nace && strcmp(sorts[j].nace, dist) == 0)
                sort = sorts[j].employees;
        cells[nc++] = (pano_cell){dist, sp + 1, rows[i].employees, sort};
    }
    *n = panorama_lq_members_compute(cells, nc, nat, n_nat, out);
    *items = *n ? out : NULL;
    return DB_OK;
}

static const char SQL_SECTION_OF[] = "SELECT coalesce(parent, code) FROM ref_nace WHERE code = $1";
static const char SQL_LQ_PARTS[] =
    "SELECT"
    " (SELECT coalesce(sum(employees), 0) FROM ref_employment"
    "   WHERE year = $1 AND district = $2 AND nace = $3),"
    " (SELECT coalesce(sum(employees), 0) FROM ref_employment WHERE year = $1 AND district = $2),"
    " (SELECT coalesce(sum(employees), 0) FROM ref_employment WHERE year = $1 AND nace = $3),"
    " (SELECT coalesce(sum(employees), 0) FROM ref_employment WHERE year = $1)";

typedef struct lq_parts {
    int64_t v[4];
} lq_parts;

static void lq_parts_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a;
    (void)oom;
    (void)ctx;
    lq_parts *p = item;
    for (int i = 0; i < 4; i++)
        p->v[i] = db_col_int(s, i);
}

typedef struct text_row {
    const char *s;
} text_row;

static void text_row_fn(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    ((text_row *)item)->s = db_col_dup(a, s, 0, oom);
}

db_status panorama_lq_of(db *d, int year, const char *district, const char *nace, int64_t *lq,
                         int64_t *employees, char section[4])
{
    *lq = -1;
    *employees = 0;
    section[0] = '\0';
    if (!district || !nace)
        return DB_OK;
    arena a = ARENA_INIT;
    text_row sec = {0};
    bool found = false;
    db_stmt *s = db_query(d, SQL_SECTION_OF, DB_ARGS(DBT(nace)));
    db_status st = db_collect_one(s, &a, &sec, sizeof sec, text_row_fn, NULL, &found);
    if (st == DB_OK && found && sec.s) {
        snprintf(section, 4, "%s", sec.s);
        lq_parts p = {0};
        s = db_query(d, SQL_LQ_PARTS, DB_ARGS(DBI(year), DBT(district), DBT(sec.s)));
        st = db_collect_one(s, &a, &p, sizeof p, lq_parts_row, NULL, &found);
        if (st == DB_OK && found && p.v[0] > 0) {
            *employees = p.v[0];
            *lq = panorama_lq(p.v[0], p.v[1], p.v[2], p.v[3]);
        }
    }
    arena_free(&a);
    return st;
}

/* --- reference import ------------------------------------------------------- */

enum { RC_DISTRICT, RC_NACE, RC_YEAR, RC_EMPLOYEES, RC_SOURCE, RC_DEMO, RC__COUNT };
static const char *const ref_cols[RC__COUNT] = {"district",  "nace",   "year",
                                                "employees", "source", "is_demo"};
static const form_rule ref_rules[RC__COUNT] = {
    {"district", FV_TEXT, FORM_REQUIRED, 1, 32, NULL},
    {"nace", FV_TEXT, FORM_REQUIRED, 1, 1, NULL},
    {"year", FV_INT, FORM_REQUIRED, 1990, 2100, NULL},
    {"employees", FV_INT, FORM_REQUIRED, 0, 100000000, NULL},
    {"source", FV_TEXT, FORM_REQUIRED, 1, 200, NULL},
    {"is_demo", FV_BOOL, 0, 0, 0, NULL},
};
static const valid_table ref_table = {ref_rules, RC__COUNT, NULL, 0};

#define REF_MAX_ROWS     100000
#define REF_MAX_PROBLEMS 200

typedef struct ref_row {
    const char *district, *nace, *source;
    int year;
    int64_t employees;
    bool demo;
    int64_t line;
} ref_row;

typedef struct ref_ctx {
    ref_row *rows;
    size_t n;
    int64_t now;
} ref_ctx;

static const char SQL_REF_HAS_DISTRICT[] = "SELECT count(*) FROM ref_district WHERE code = $1";
static const char SQL_REF_HAS_SECTION[] =
    "SELECT count(*) FROM ref_nace WHERE code = $1 AND parent IS NULL";
static const char SQL_REF_DELETE_YEAR[] = "DELETE FROM ref_employment WHERE year = $1";
static const char SQL_REF_INSERT[] =
    "INSERT INTO ref_employment(district, nace, year, employees, source, is_demo, imported_at,"
    " imported_by) VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, 0))";

/* Takes ASCII spaces off both ends of s, in place. */
static void trim(char *s)
{
    size_t n = strlen(s), i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    memmove(s, s + i, n - i + 1);
}

static int cmp_ref(const void *pa, const void *pb)
{
    const ref_row *a = pa, *b = pb;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    int c = strcmp(a->district, b->district);
    if (c)
        return c;
    c = strcmp(a->nace, b->nace);
    if (c)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

static db_status ref_body(tx *t, void *vctx)
{
    ref_ctx *c = vctx;
    db_status st = DB_OK;
    int last = 0;
    for (size_t i = 0; i < c->n && st == DB_OK; i++) /* rows are sorted by year */
        if (c->rows[i].year != last) {
            last = c->rows[i].year;
            st = db_do(t->d, SQL_REF_DELETE_YEAR, DB_ARGS(DBI(last)));
        }
    for (size_t i = 0; i < c->n && st == DB_OK; i++) {
        const ref_row *r = &c->rows[i];
        st = db_do(t->d, SQL_REF_INSERT,
                   DB_ARGS(DBT(r->district), DBT(r->nace), DBI(r->year), DBI(r->employees),
                           DBT(r->source), DBI(r->demo), DBI(c->now), DBI(t->actor_id)));
    }
    if (st == DB_OK) {
        buf_reset(&t->detail);
        buf_printf(&t->detail, "{\"rows\":%zu}", c->n);
    }
    return st;
}

typedef struct ref_problems {
    arena *a;
    pano_ref_problem *items;
    size_t n, cap;
    bool oom;
} ref_problems;

static void add_problem(ref_problems *p, int64_t line, const char *column, const char *message)
{
    if (p->n >= REF_MAX_PROBLEMS)
        return;
    if (!arena_grow(p->a, (void **)&p->items, p->n, &p->cap, sizeof *p->items)) {
        p->oom = true;
        return;
    }
    p->items[p->n++] = (pano_ref_problem){line, column, message};
}

db_status panorama_ref_import(db *d, arena *a, const char *csv, size_t n, int64_t actor_id,
                              size_t *n_rows, pano_ref_problem **problems, size_t *n_problems)
{
    *n_rows = 0;
    *problems = NULL;
    *n_problems = 0;
    ref_problems pr = {.a = a};
    csv_skip_bom(&csv, &n);
    int64_t bad = csv_bad_utf8_line(csv, n);
    if (bad) {
        add_problem(&pr, bad, NULL, "is not UTF-8 text: save the file as CSV UTF-8");
        goto refused;
    }
    csv_reader rd;
    csv_reader_init(&rd, csv, n);
    size_t nc;
    int64_t line;
    const char *err = NULL;
    int rc = csv_record(a, &rd, &nc, &line, &err);
    if (rc <= 0) {
        add_problem(&pr, 1, NULL, rc < 0 ? err : "the file is empty: give a header row first");
        goto refused;
    }
    int col_of[RC__COUNT];
    for (int k = 0; k < RC__COUNT; k++)
        col_of[k] = -1;
    for (size_t i = 0; i < nc; i++) {
        char *h = arena_strdup(a, rd.cells[i].s);
        if (!h)
            return DB_NOMEM;
        trim(h);
        int k = 0;
        while (k < RC__COUNT && strcmp(h, ref_cols[k]) != 0)
            k++;
        if (k == RC__COUNT)
            add_problem(&pr, line, arena_strdup(a, h),
                        "is not a column of the table: the columns are district, nace, year, "
                        "employees, source and optionally is_demo");
        else if (col_of[k] >= 0)
            add_problem(&pr, line, ref_cols[k], "is given twice in the header");
        else
            col_of[k] = (int)i;
    }
    for (int k = 0; k < RC_DEMO; k++)
        if (col_of[k] < 0)
            add_problem(&pr, 1, ref_cols[k], "is missing from the header row");
    if (pr.n)
        goto refused;

    ref_ctx c = {.now = time_now()};
    size_t cap = 0;
    while ((rc = csv_record(a, &rd, &nc, &line, &err)) == 1) {
        if (nc == 1 && rd.cells[0].n == 0)
            continue; /* a blank line */
        if (c.n >= REF_MAX_ROWS) {
            add_problem(&pr, line, NULL, "is past 100,000 rows: split the file by year");
            break;
        }
        const char *values[RC__COUNT] = {0};
        for (int k = 0; k < RC__COUNT; k++)
            if (col_of[k] >= 0 && (size_t)col_of[k] < nc)
                values[k] = rd.cells[col_of[k]].s;
        form_value vals[RC__COUNT];
        form_errors errs = {0};
        bool ok = valid_values(a, &ref_table, values, vals, &errs, NULL);
        for (size_t e = 0; e < errs.n_items; e++) {
            buf m = BUF_INIT;
            form_error_text(&m, LANG_EN, &errs.items[e]);
            add_problem(&pr, line, errs.items[e].field, arena_strdup(a, buf_str(&m)));
            buf_free(&m);
        }
        if (!ok)
            continue;
        int64_t has = 0;
        db_status st =
            db_int(d, &has, 0, SQL_REF_HAS_DISTRICT, DB_ARGS(DBT(vals[RC_DISTRICT].text)));
        if (st != DB_OK)
            return st;
        if (!has) {
            add_problem(&pr, line, "district",
                        "is not a district code: use the codes of ref_district such as BEOGRAD "
                        "or JUZNOBACKI");
            continue;
        }
        st = db_int(d, &has, 0, SQL_REF_HAS_SECTION, DB_ARGS(DBT(vals[RC_NACE].text)));
        if (st != DB_OK)
            return st;
        if (!has) {
            add_problem(&pr, line, "nace", "is not a NACE section: give its letter, A to U");
            continue;
        }
        if (!arena_grow(a, (void **)&c.rows, c.n, &cap, sizeof *c.rows))
            return DB_NOMEM;
        c.rows[c.n++] = (ref_row){.district = vals[RC_DISTRICT].text,
                                  .nace = vals[RC_NACE].text,
                                  .source = vals[RC_SOURCE].text,
                                  .year = (int)vals[RC_YEAR].i,
                                  .employees = vals[RC_EMPLOYEES].i,
                                  .demo = vals[RC_DEMO].i != 0,
                                  .line = line};
    }
    if (rc < 0)
        add_problem(&pr, line, NULL, err);
    if (c.n)
        qsort(c.rows, c.n, sizeof *c.rows, cmp_ref);
    for (size_t i = 1; i < c.n; i++) {
        const ref_row *p = &c.rows[i - 1], *q = &c.rows[i];
        if (p->year == q->year && strcmp(p->district, q->district) == 0 &&
            strcmp(p->nace, q->nace) == 0)
            add_problem(&pr, q->line, NULL,
                        arena_printf(a,
                                     "repeats district %s, section %s, year %d of line %lld: "
                                     "keep one",
                                     q->district, q->nace, q->year, (long long)p->line));
    }
    if (pr.oom)
        return DB_NOMEM;
    if (pr.n)
        goto refused;
    if (c.n == 0) {
        add_problem(&pr, 2, NULL, "no rows under the header: nothing to import");
        goto refused;
    }
    tx t = TX_INIT(actor_id, NULL, "ref_employment_import", "ref_employment", 0);
    t.bump = TX_FIGURES;
    db_status st = tx_write(d, &t, ref_body, &c);
    if (st == DB_OK)
        *n_rows = c.n;
    return st;

refused:
    if (pr.oom)
        return DB_NOMEM;
    *problems = pr.items;
    *n_problems = pr.n;
    return DB_CONSTRAINT;
}

/* --- clusters ------------------------------------------------------------------ */

const char *const pano_stages[PANO_N_STAGES] = {"initiative", "emerging", "developing",
                                                "established", "none"};

bool panorama_finding_path(const char *stage)
{
    return !stage || strcmp(stage, "initiative") == 0 || strcmp(stage, "emerging") == 0;
}

static const char SQL_CLUSTERS[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind, o.district, o.region, o.is_demo,"
    " (SELECT s.stage FROM cluster_stage s WHERE s.org_id = o.id"
    "   ORDER BY s.reached_on DESC, s.id DESC LIMIT 1),"
    " (SELECT coalesce(n.parent, n.code) FROM org_sector x JOIN ref_nace n ON n.code = x.code"
    "   WHERE x.org_id = o.id ORDER BY n.sort LIMIT 1),"
    " (SELECT count(DISTINCT m.org_id) FROM cluster_member m WHERE m.cluster_id = o.id"
    "   AND m.joined_on <= $1 AND (m.left_on IS NULL OR m.left_on > $1)),"
    " (SELECT sum(f.employees) FROM org_figure f WHERE f.year = $2 AND f.org_id IN"
    "   (SELECT m.org_id FROM cluster_member m WHERE m.cluster_id = o.id"
    "     AND m.joined_on <= $3 AND (m.left_on IS NULL OR m.left_on >= $4)))"
    " FROM org o WHERE o.status = 'published' AND o.kind IN ('cluster', 'cluster_initiative')"
    " ORDER BY o.id";

static void cluster_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pano_cluster *x = item;
    x->id = db_col_int(s, 0);
    x->slug = db_col_dup(a, s, 1, oom);
    x->name = db_col_dup(a, s, 2, oom);
    x->name_en = db_col_dup(a, s, 3, oom);
    x->kind = db_col_dup(a, s, 4, oom);
    x->district = db_col_dup(a, s, 5, oom);
    x->region = db_col_dup(a, s, 6, oom);
    x->is_demo = db_col_int(s, 7) != 0;
    x->stage = db_col_dup(a, s, 8, oom);
    x->sector = db_col_dup(a, s, 9, oom);
    x->members = db_col_int(s, 10);
    x->employees = db_col_is_null(s, 11) ? -1 : db_col_int(s, 11);
}

db_status panorama_clusters(db *d, arena *a, const char *today, int year, pano_cluster **items,
                            size_t *n)
{
    *items = NULL;
    *n = 0;
    char end[16], start[16];
    snprintf(end, sizeof end, "%04d-12-31", year);
    snprintf(start, sizeof start, "%04d-01-01", year);
    db_stmt *s = db_query(d, SQL_CLUSTERS, DB_ARGS(DBT(today), DBI(year), DBT(end), DBT(start)));
    return db_collect(s, a, (void **)items, n, sizeof **items, cluster_row, NULL);
}

static const char SQL_CLUSTER_COUNT[] =
    "SELECT coalesce(sum(n), 0) FROM org_facet_count WHERE status = 'published' AND facet = 'kind'"
    " AND code IN ('cluster', 'cluster_initiative')";

db_status panorama_cluster_count(db *d, int64_t *n)
{
    return db_scalar_int(d, SQL_CLUSTER_COUNT, n);
}

static const char SQL_STAGES[] =
    "SELECT o.id, CAST(strftime('%Y', o.created_at, 'unixepoch') AS INTEGER), s.stage,"
    " CAST(substr(s.reached_on, 1, 4) AS INTEGER)"
    " FROM org o LEFT JOIN cluster_stage s ON s.org_id = o.id"
    " WHERE o.status = 'published' AND o.kind IN ('cluster', 'cluster_initiative')"
    " ORDER BY o.id, s.reached_on, s.id";

typedef struct stage_row {
    int64_t org;
    int created, reached;
    int stage; /* index into pano_stages; PANO_N_STAGES - 1 when none */
} stage_row;

static void stage_row_fn(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a;
    (void)oom;
    (void)ctx;
    stage_row *x = item;
    x->org = db_col_int(s, 0);
    x->created = (int)db_col_int(s, 1);
    const char *st = db_col_text(s, 2);
    x->stage = PANO_N_STAGES - 1;
    for (int i = 0; st && i < PANO_N_STAGES - 1; i++)
        if (strcmp(st, pano_stages[i]) == 0)
            x->stage = i;
    x->reached = db_col_is_null(s, 3) ? 0 : (int)db_col_int(s, 3);
}

db_status panorama_stage_history(db *d, arena *a, int first, int last, int64_t **counts)
{
    *counts = NULL;
    if (last < first || last - first >= 60)
        return DB_CONSTRAINT;
    size_t ny = (size_t)(last - first + 1);
    int64_t *c = arena_zalloc(a, ny * PANO_N_STAGES * sizeof *c);
    if (!c)
        return DB_NOMEM;
    stage_row *rows = NULL;
    size_t n = 0;
    db_stmt *s = db_query(d, SQL_STAGES, DB_NONE);
    db_status st = db_collect(s, a, (void **)&rows, &n, sizeof *rows, stage_row_fn, NULL);
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n;) { /* one cluster: rows[i .. j) */
        size_t j = i;
        while (j < n && rows[j].org == rows[i].org)
            j++;
        int from = rows[i].created;
        if (rows[i].reached && rows[i].reached < from)
            from = rows[i].reached;
        for (int y = first; y <= last; y++) {
            if (y < from)
                continue;
            int stage = PANO_N_STAGES - 1;
            for (size_t k = i; k < j; k++)
                if (rows[k].reached && rows[k].reached <= y)
                    stage = rows[k].stage;
            c[(size_t)(y - first) * PANO_N_STAGES + (size_t)stage]++;
        }
        i = j;
    }
    *counts = c;
    return DB_OK;
}

/* --- the home page ------------------------------------------------------------- */

static const char SQL_OPEN_CALLS[] =
    "SELECT id, programme, title_sr, title_en, url, deadline_at, is_demo FROM funding_call"
    " WHERE status = 'published' AND deadline_at > $1 ORDER BY deadline_at, id LIMIT $2";

static void call_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pano_call *x = item;
    x->id = db_col_int(s, 0);
    x->programme = db_col_dup(a, s, 1, oom);
    x->title_sr = db_col_dup(a, s, 2, oom);
    x->title_en = db_col_dup(a, s, 3, oom);
    x->url = db_col_dup(a, s, 4, oom);
    x->deadline_at = db_col_int(s, 5);
    x->is_demo = db_col_int(s, 6) != 0;
}

db_status panorama_open_calls(db *d, arena *a, int64_t now, int limit, pano_call **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_OPEN_CALLS, DB_ARGS(DBI(now), DBI(limit)));
    return db_collect(s, a, (void **)items, n, sizeof **items, call_row, NULL);
}
