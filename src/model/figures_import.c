/* figures_import.c: the yearly figures importer and its CSV template
 * (figures_import and figures_csv_template in figures.h), split from
 * figures.c.
 *
 * The file is read with core/csv.c, like the directory importer. The
 * header names the columns (pib and/or slug, year, employees, revenue,
 * exports, rnd, currency, source; any order, case ignored); every row is
 * matched to an organisation, parsed, and written through figures_put_tx()
 * inside ONE write transaction with prepared statements reused for every
 * row, so each row is validated exactly like the form and 100,000 rows
 * take seconds. Any problem anywhere rolls the whole file back, but every
 * row is still checked, so the report lists every bad row with its line;
 * a dry run always rolls back after computing the preview. */
#include "model/figures.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/csv.h"
#include "core/mem.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "valid/valid.h"
#include "i18n/i18n.h"
#include "model/org.h"
#include "model/rights.h"

enum {
    COL_PIB,
    COL_SLUG,
    COL_YEAR,
    COL_EMPLOYEES,
    COL_REVENUE,
    COL_EXPORTS,
    COL_RND,
    COL_CURRENCY,
    COL_SOURCE,
    COL__COUNT
};
static const char *const col_names[COL__COUNT] = {
    "pib", "slug", "year", "employees", "revenue", "exports", "rnd", "currency", "source"};

static const char TEMPLATE[] =
    "pib,slug,year,employees,revenue,exports,rnd,currency,source\r\n"
    "101134702,,2024,42,1234567.89,987654.32,45000.00,EUR,self_reported\r\n";

const char *figures_csv_template(void)
{
    return TEMPLATE;
}

/* --- small helpers ------------------------------------------------------------ */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* s trimmed in place (cells are arena copies the importer owns). */
static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* A decimal amount with at most two decimals after '.' or ',' ("1234567",
 * "1234567.8", "1234567,89"), an optional leading '-', into minor units. */
static bool parse_amount(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    if (*s < '0' || *s > '9')
        return false;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX / 100 - 9) / 10)
            return false;
        v = v * 10 + (*s - '0');
    }
    int64_t frac = 0;
    if (*s == '.' || *s == ',') {
        s++;
        int digits = 0;
        for (; *s >= '0' && *s <= '9'; s++, digits++)
            frac = frac * 10 + (*s - '0');
        if (digits < 1 || digits > 2)
            return false;
        if (digits == 1)
            frac *= 10;
    }
    if (*s)
        return false;
    *out = (v * 100 + frac) * (neg ? -1 : 1);
    return true;
}

/* A count: digits only (a leading '-' is parsed for the range message). */
static bool parse_count(const char *s, int64_t *out)
{
    return *s && str_to_i64(s, out);
}

static void local_today(char out[11])
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

/* --- (organisation, year) pairs seen in the file -------------------------------- */

typedef struct pair_set {
    struct pair_slot {
        int64_t org_id; /* 0 = free */
        int year;
        int64_t line;
    } * slots;
    size_t cap; /* power of two, more than twice the rows */
} pair_set;

static bool pairs_init(pair_set *p, size_t rows)
{
    p->cap = 64;
    while (p->cap < rows * 2 + 1)
        p->cap *= 2;
    p->slots = mem_calloc(p->cap, sizeof *p->slots);
    return p->slots != NULL;
}

/* The line the pair was first seen on (0 the first time, when it is
 * added). */
static int64_t pairs_add(pair_set *p, int64_t org_id, int year, int64_t line)
{
    uint64_t h =
        ((uint64_t)org_id * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)year * 0xC2B2AE3D27D4EB4FULL;
    size_t j = (size_t)(h >> 17) & (p->cap - 1);
    while (p->slots[j].org_id) {
        if (p->slots[j].org_id == org_id && p->slots[j].year == year)
            return p->slots[j].line;
        j = (j + 1) & (p->cap - 1);
    }
    p->slots[j].org_id = org_id;
    p->slots[j].year = year;
    p->slots[j].line = line;
    return 0;
}

/* --- the import's state ------------------------------------------------------------ */

typedef struct importer {
    db *d;
    arena *a; /* the caller's: problems and their messages */
    figures_import_report *rep;
    lang_id lang; /* of the problem messages and preview lines */
    size_t cap_problems;
    bool oom;
    bool row_bad;        /* the current row has a problem: not written */
    const principal *by; /* whose rights each row needs; NULL: the system */
    int64_t last_org;    /* the organisation rights_figures_first_year last answered */
    int last_first;      /* its answer: -1 none, 0 every year, else from that year */
} importer;

/* Adds a problem worded by the catalog message id in the import's
 * language (its placeholders take the arguments). */
static void problem(importer *im, int64_t line, msg_id id, ...)
{
    const char *fmt = T(im->lang, id);
    figures_import_report *rep = im->rep;
    im->row_bad = true;
    if (rep->n_problems == im->cap_problems) {
        size_t ncap = im->cap_problems ? im->cap_problems * 2 : 16;
        struct figures_import_problem *g = arena_alloc(im->a, ncap * sizeof *g);
        if (!g) {
            im->oom = true;
            return;
        }
        if (rep->n_problems)
            memcpy(g, rep->problems, rep->n_problems * sizeof *g);
        rep->problems = g;
        im->cap_problems = ncap;
    }
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, id);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *m = buf_failed(&b) ? NULL : arena_strndup(im->a, buf_str(&b), b.len);
    buf_free(&b);
    if (!m) {
        im->oom = true;
        return;
    }
    rep->problems[rep->n_problems].line = line;
    rep->problems[rep->n_problems].message = m;
    rep->n_problems++;
}

/* A validation error of figures_put_tx as a short reason in the import's
 * language. */
static void problem_field(importer *im, int64_t line, int year, const form_error *e)
{
    const char *f = e->field;
    switch (e->code) {
    case FE_EXPORTS_ABOVE_REVENUE:
        problem(im, line, MSG_FIMP_EXPORTS_ABOVE);
        return;
    case FE_FUTURE_YEAR:
        problem(im, line, MSG_FIMP_FUTURE_YEAR, year);
        return;
    case FE_NO_RATE:
        problem(im, line, MSG_FIMP_NO_RATE, year);
        return;
    case FE_RANGE:
        if (strcmp(f, "year") == 0)
            problem(im, line, MSG_FIMP_YEAR_BEFORE, year);
        else
            problem(im, line, MSG_FIMP_NEGATIVE, f);
        return;
    case FE_REQUIRED:
        if (strcmp(f, "employees") == 0)
            problem(im, line, MSG_FIMP_NO_FIGURES);
        else
            problem(im, line, MSG_FIMP_FIELD_MISSING, f);
        return;
    case FE_CHOICE:
        if (strcmp(f, "currency") == 0)
            problem(im, line, MSG_FIMP_CURRENCY_CHOICE);
        else if (strcmp(f, "source") == 0)
            problem(im, line, MSG_FIMP_SOURCE_CHOICE);
        else
            problem(im, line, MSG_FIMP_NOT_ALLOWED, f);
        return;
    default:
        break;
    }
    buf b = BUF_INIT;
    form_error_text(&b, im->lang, e);
    if (buf_failed(&b))
        im->oom = true;
    else
        problem(im, line, MSG_FIMP_FIELD_ERROR, f, buf_str(&b));
    buf_free(&b);
}

/* A CSV reader error (core/csv.c words it in English) in the import's
 * language; with rest, saying that the rest of the file was not read. */
static void csv_problem(importer *im, int64_t line, const char *err, bool rest)
{
    static const struct {
        const char *en;
        msg_id id;
    } known[] = {
        {"a quoted field is not closed", MSG_FIMP_CSV_UNCLOSED},
        {"unexpected text after a closing quote", MSG_FIMP_CSV_AFTER_QUOTE},
        {"a quote inside an unquoted field (quote the whole field and double the quote)",
         MSG_FIMP_CSV_BARE_QUOTE},
        {"out of memory", MSG_FIMP_CSV_NOMEM},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (err && strcmp(err, known[i].en) == 0) {
            if (rest)
                problem(im, line, MSG_FIMP_REST_UNREAD, T(im->lang, known[i].id));
            else
                problem(im, line, known[i].id);
            return;
        }
    }
    if (!rest) {
        problem(im, line, MSG_FIMP_CSV_OTHER, err ? err : "?");
        return;
    }
    buf b = BUF_INIT;
    buf_printf(&b, T(im->lang, MSG_FIMP_CSV_OTHER), err ? err : "?");
    if (buf_failed(&b))
        im->oom = true;
    else
        problem(im, line, MSG_FIMP_REST_UNREAD, buf_str(&b));
    buf_free(&b);
}

/* --- matching ------------------------------------------------------------------------ */

static const char SQL_BY_PIB[] = "SELECT id, slug FROM org WHERE pib = $1";
static const char SQL_BY_SLUG[] = "SELECT id, slug FROM org WHERE slug = $1";
static const char SQL_IS_MEMBER[] =
    "SELECT 1 FROM cluster_member WHERE cluster_id = $1 AND org_id = $2 AND joined_on <= $3"
    " AND (left_on IS NULL OR left_on > $3) LIMIT 1";

/* The organisation with that PIB or slug: *id 0 when none; *slug an
 * arena copy. */
static db_status find_org(importer *im, const char *sql, const char *key, int64_t *id,
                          const char **slug)
{
    *id = 0;
    *slug = NULL;
    db_stmt *s = db_prepare(im->d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, key);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *id = db_col_int(s, 0);
        if (!(*slug = arena_strdup(im->a, db_col_text(s, 1))))
            im->oom = true;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* Resolves the row's organisation from its PIB and/or slug; reports and
 * leaves *id 0 when it cannot. */
static db_status resolve_org(importer *im, int64_t line, const char *pib, const char *slug,
                             int64_t *id, const char **org_slug)
{
    int64_t by_pib = 0, by_slug = 0;
    const char *s1 = NULL, *s2 = NULL;
    db_status st;
    *id = 0;
    if (!*pib && !*slug) {
        problem(im, line, MSG_FIMP_NO_ORG_KEY);
        return DB_OK;
    }
    if (*pib) {
        if (!org_pib_valid(pib)) {
            problem(im, line, MSG_FIMP_BAD_PIB, pib);
            return DB_OK;
        }
        if ((st = find_org(im, SQL_BY_PIB, pib, &by_pib, &s1)) != DB_OK)
            return st;
        if (!by_pib) {
            problem(im, line, MSG_FIMP_UNKNOWN_PIB, pib);
            return DB_OK;
        }
    }
    if (*slug) {
        if ((st = find_org(im, SQL_BY_SLUG, slug, &by_slug, &s2)) != DB_OK)
            return st;
        if (!by_slug) {
            problem(im, line, MSG_FIMP_UNKNOWN_SLUG, slug);
            return DB_OK;
        }
    }
    if (by_pib && by_slug && by_pib != by_slug) {
        problem(im, line, MSG_FIMP_PIB_SLUG_DIFFER, pib, slug);
        return DB_OK;
    }
    *id = by_pib ? by_pib : by_slug;
    *org_slug = by_pib ? s1 : s2;
    return DB_OK;
}

static db_status is_member(importer *im, int64_t cluster_id, int64_t org_id, const char *today,
                           bool *yes)
{
    *yes = false;
    db_stmt *s = db_prepare(im->d, SQL_IS_MEMBER);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    db_bind_text(s, 3, today);
    db_status st = db_step(s);
    db_reset(s);
    *yes = st == DB_ROW;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* --- rows ------------------------------------------------------------------------------ */

/* Reads the header into map[] (column -> COL_ index). False when it is
 * not usable (reported). */
static bool read_header(importer *im, const csv_cell *cells, size_t n, int map[COL__COUNT])
{
    bool seen[COL__COUNT] = {false};
    bool ok = true;
    if (n > COL__COUNT) {
        problem(im, 1, MSG_FIMP_HDR_TOO_MANY, n, COL__COUNT);
        return false;
    }
    for (size_t c = 0; c < n; c++) {
        char *name = trim((char *)cells[c].s);
        map[c] = -1;
        for (int k = 0; k < COL__COUNT; k++)
            if (str_ieq(name, col_names[k]))
                map[c] = k;
        if (map[c] < 0) {
            problem(im, 1, MSG_FIMP_HDR_UNKNOWN, name);
            ok = false;
        } else if (seen[map[c]]) {
            problem(im, 1, MSG_FIMP_HDR_TWICE, col_names[map[c]]);
            ok = false;
        } else {
            seen[map[c]] = true;
        }
    }
    if (!seen[COL_PIB] && !seen[COL_SLUG]) {
        problem(im, 1, MSG_FIMP_HDR_NO_KEY);
        ok = false;
    }
    for (int k = COL_YEAR; k < COL__COUNT; k++) {
        if (!seen[k]) {
            problem(im, 1, MSG_FIMP_HDR_LACKS, col_names[k]);
            ok = false;
        }
    }
    return ok;
}

/* One data row: parse, match, check and write (see the file comment). */
static db_status import_row(importer *im, const csv_cell *cells, size_t n, const int *map,
                            int64_t line, int64_t cluster_id, const char *today, pair_set *pairs,
                            int64_t actor_id, const char *ip)
{
    const char *v[COL__COUNT];
    for (int k = 0; k < COL__COUNT; k++)
        v[k] = "";
    for (size_t c = 0; c < n; c++) {
        char *s = (char *)cells[c].s;
        if (csv_has_guard(s))
            s++;
        v[map[c]] = trim(s);
    }
    im->row_bad = false;
    db_status st;

    int64_t org_id;
    const char *slug = NULL;
    if ((st = resolve_org(im, line, v[COL_PIB], v[COL_SLUG], &org_id, &slug)) != DB_OK)
        return st;
    if (org_id && cluster_id) {
        bool member;
        if ((st = is_member(im, cluster_id, org_id, today, &member)) != DB_OK)
            return st;
        if (!member)
            problem(im, line, MSG_FIMP_NOT_MEMBER, slug);
    }

    int64_t year = 0;
    if (!*v[COL_YEAR])
        problem(im, line, MSG_FIMP_YEAR_MISSING);
    else if (!str_to_i64(v[COL_YEAR], &year) || year < 0 || year > 9999) {
        problem(im, line, MSG_FIMP_NOT_YEAR, v[COL_YEAR]);
        year = 0;
    }
    int64_t num[4] = {-1, -1, -1, -1};
    for (int k = 0; k < 4; k++) {
        const char *cell = v[COL_EMPLOYEES + k];
        if (!*cell)
            continue;
        bool ok = k == 0 ? parse_count(cell, &num[k]) : parse_amount(cell, &num[k]);
        if (!ok) {
            if (k == 0)
                problem(im, line, MSG_FIMP_NOT_COUNT, cell);
            else
                problem(im, line, MSG_FIMP_NOT_AMOUNT, col_names[COL_EMPLOYEES + k], cell);
            num[k] = -1;
        } else if (num[k] < 0) {
            problem(im, line, MSG_FIMP_NEGATIVE, col_names[COL_EMPLOYEES + k]);
        }
    }
    const char *currency = v[COL_CURRENCY];
    if (!*currency)
        problem(im, line, MSG_FIMP_CURRENCY_MISSING);
    else if (str_ieq(currency, "eur"))
        currency = "EUR";
    else if (str_ieq(currency, "rsd"))
        currency = "RSD";
    if (org_id && year && im->by && !im->row_bad) { /* the caller's right on each row's org */
        if (org_id != im->last_org) {               /* one question per organisation, not per row */
            im->last_first = rights_figures_first_year(im->d, im->by, org_id);
            im->last_org = org_id;
        }
        if (im->last_first < 0 || year < im->last_first)
            problem(im, line, MSG_FIMP_ROW_FORBIDDEN, slug, (int)year);
    }
    if (org_id && year) {
        int64_t first = pairs_add(pairs, org_id, (int)year, line);
        if (first)
            problem(im, line, MSG_FIMP_DUPLICATE, slug, (int)year, (long long)first);
    }
    if (im->row_bad || im->oom)
        return DB_OK;

    form_errors errs;
    memset(&errs, 0, sizeof errs);
    figures_put_result res;
    st = figures_put_tx(im->d, org_id, (int)year, currency, num[0], num[1], num[2], num[3],
                        v[COL_SOURCE], false, actor_id, ip, &errs, &res);
    if (st == DB_CONSTRAINT && errs.n_items > 0) {
        for (size_t k = 0; k < errs.n_items; k++)
            problem_field(im, line, (int)year, &errs.items[k]);
        return DB_OK;
    }
    if (st == DB_DONE) /* matched a moment ago, inside this transaction */
        return DB_ERR;
    if (st != DB_OK)
        return st;

    buf *pv = &im->rep->preview;
    if (res.created) {
        im->rep->created++;
        buf_printf(pv, T(im->lang, MSG_FIMP_PV_CREATE), (int)year, slug);
        buf_putc(pv, '\n');
    } else if (res.n_changed) {
        im->rep->updated++;
        buf_printf(pv, T(im->lang, MSG_FIMP_PV_UPDATE), (int)year, slug);
        for (size_t k = 0; k < res.n_changed; k++)
            buf_printf(pv, "%s %s", k ? "," : "", res.changed[k]);
        buf_putc(pv, '\n');
    } else {
        im->rep->unchanged++;
    }
    return DB_OK;
}

db_status figures_import(db *d, arena *a, const char *csv, size_t n, int64_t cluster_id,
                         bool dry_run, int64_t actor_id, const char *ip, const principal *by,
                         lang_id lang, figures_import_report *rep)
{
    assert(d && a && rep && (csv || n == 0));
    memset(rep, 0, sizeof *rep);
    importer im = {d, a, rep, lang, 0, false, false, by, 0, -1};
    arena scratch = ARENA_INIT; /* one record's cells, freed per record */
    pair_set pairs = {NULL, 0};
    csv_reader r;
    size_t n_cells;
    int64_t line;
    const char *err = NULL;
    int map[COL__COUNT];
    size_t n_cols;
    char today[11];
    db_status st = DB_OK;
    bool in_tx = false;

    local_today(today);
    if (!csv)
        csv = "";
    csv_skip_bom(&csv, &n);
    int64_t bad = csv_bad_utf8_line(csv, n);
    if (bad) {
        problem(&im, bad, MSG_FIMP_NOT_UTF8);
        goto done;
    }
    csv_reader_init(&r, csv, n);
    int rc = csv_record(&scratch, &r, &n_cells, &line, &err);
    if (rc <= 0) {
        if (rc < 0)
            csv_problem(&im, line, err, false);
        else
            problem(&im, line, MSG_FIMP_EMPTY);
        goto done;
    }
    if (!read_header(&im, r.cells, n_cells, map))
        goto done;
    n_cols = n_cells;
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += csv[i] == '\n';
    if (!pairs_init(&pairs, lines)) {
        st = DB_NOMEM;
        goto done;
    }

    if ((st = db_begin_write(d)) != DB_OK)
        goto done;
    in_tx = true;
    for (;;) {
        /* The reader keeps its cell array in the arena it is given: forget
         * it together with the previous record's text. */
        arena_free(&scratch);
        r.cells = NULL;
        r.cap = 0;
        rc = csv_record(&scratch, &r, &n_cells, &line, &err);
        if (rc <= 0)
            break;
        if (n_cells == 1 && r.cells[0].n == 0)
            continue; /* a blank line */
        if (n_cells != n_cols) {
            problem(&im, line, MSG_FIMP_FIELD_COUNT, n_cols, n_cells);
            continue;
        }
        st = import_row(&im, r.cells, n_cells, map, line, cluster_id, today, &pairs, actor_id, ip);
        if (st != DB_OK)
            goto done;
        if (im.oom)
            break;
    }
    if (rc < 0)
        csv_problem(&im, line, err, true);
    if (im.oom || buf_failed(&rep->preview)) {
        st = DB_NOMEM;
        goto done;
    }
    if (rep->n_problems == 0 && !dry_run) {
        st = db_commit(d);
        in_tx = st != DB_OK;
    }
done:
    if (in_tx)
        db_rollback(d);
    arena_free(&scratch);
    mem_free(pairs.slots);
    if (st == DB_OK && im.oom)
        st = DB_NOMEM;
    if (st == DB_OK && rep->n_problems)
        st = DB_CONSTRAINT;
    return st;
}
