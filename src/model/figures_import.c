/* figures_import.c: the yearly figures importer and its templates
 * (figures_import, figures_csv_template and figures_template in
 * figures.h), split from figures.c.
 *
 * The upload is read by the importers' shared skeleton (model/import.c):
 * CSV in UTF-8, UTF-16 or Windows-1250 with commas, semicolons or tabs, or
 * the first sheet of an XLSX workbook. The header names the columns (pib
 * and/or slug, year, employees, revenue, exports, rnd, currency, source,
 * and the template's name, which is ignored; any order, case ignored); a
 * row with none of the four figures is skipped (a template's member
 * nobody filled in); every row is
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
#include "core/num.h"
#include "valid/valid.h"
#include "i18n/i18n.h"
#include "model/import.h"
#include "model/org.h"
#include "model/rights.h"
#include "model/tx.h"

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
/* columns the import reads past: the template's organisation name */
static const char *const ignored_cols[] = {"name", NULL};

const char *const figures_template_columns[10] = {
    "pib", "slug", "name", "year", "employees", "revenue", "exports", "rnd", "currency", "source"};

static const char TEMPLATE[] =
    "pib,slug,year,employees,revenue,exports,rnd,currency,source\r\n"
    "101134702,,2024,42,1234567.89,987654.32,45000.00,EUR,self_reported\r\n";

const char *figures_csv_template(void)
{
    return TEMPLATE;
}

/* --- small helpers ------------------------------------------------------------ */

/* A cell as a number by the one rule people's numbers follow everywhere
 * (core/num.h, as the forms read FV_INT and FV_MONEY): "1.234.567,89",
 * "1,234,567.89", "1234567.89"; "150.000" is ambiguous and refused, never
 * guessed. decimals is 0 for a count, 2 for an amount (into minor units);
 * further zeros as a spreadsheet may store them ("1234567.890") are read
 * too. On NUM_AMBIGUOUS *out holds the digits, for the message. */
static num_status parse_number(const char *s, int decimals, int64_t *out)
{
    size_t n = strlen(s);
    num_status st = num_parse(s, n, decimals, out);
    if (st != NUM_DECIMALS || decimals == 0)
        return st;
    int64_t wide;
    if (num_parse(s, n, 6, &wide) != NUM_OK || wide % 10000 != 0)
        return NUM_DECIMALS;
    *out = wide / 10000;
    return NUM_OK;
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
    arena *a; /* the caller's: problems, changes and their text */
    figures_import_report *rep;
    lang_id lang; /* of the problem messages */
    import_problems probs;
    size_t cap_changes;
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
    im->row_bad = true;
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, id);
    buf_vprintf(&b, T(im->lang, id), ap);
    va_end(ap);
    if (buf_failed(&b))
        im->oom = true;
    else
        import_problem_add(&im->probs, line, buf_str(&b));
    buf_free(&b);
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

/* --- matching ------------------------------------------------------------------------ */

static const char SQL_BY_PIB[] = "SELECT id, slug, name, name_en FROM org WHERE pib = $1";
static const char SQL_BY_SLUG[] = "SELECT id, slug, name, name_en FROM org WHERE slug = $1";
static const char SQL_IS_MEMBER[] =
    "SELECT 1 FROM cluster_member WHERE cluster_id = $1 AND org_id = $2 AND joined_on <= $3"
    " AND (left_on IS NULL OR left_on > $3) LIMIT 1";

/* An organisation a row names: its slug and names (arena copies). */
typedef struct import_org {
    const char *slug, *name, *name_en;
} import_org;

/* The organisation with that PIB or slug: *id 0 when none. */
static db_status find_org(importer *im, const char *sql, const char *key, int64_t *id,
                          import_org *o)
{
    *id = 0;
    memset(o, 0, sizeof *o);
    db_stmt *s = db_prepare(im->d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, key);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *id = db_col_int(s, 0);
        o->slug = arena_strdup(im->a, db_col_text(s, 1));
        o->name = arena_strdup(im->a, db_col_text(s, 2) ? db_col_text(s, 2) : "");
        o->name_en = db_col_text(s, 3) ? arena_strdup(im->a, db_col_text(s, 3)) : NULL;
        if (!o->slug || !o->name)
            im->oom = true;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* Resolves the row's organisation from its PIB and/or slug; reports and
 * leaves *id 0 when it cannot. */
static db_status resolve_org(importer *im, int64_t line, const char *pib, const char *slug,
                             int64_t *id, import_org *org)
{
    int64_t by_pib = 0, by_slug = 0;
    import_org s1 = {0}, s2 = {0};
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
    *org = by_pib ? s1 : s2;
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

/* Reads the header into map[] (column -> COL_ index, -1 ignored). False
 * when it is not usable (reported). */
static bool read_header(importer *im, const csv_cell *cells, size_t n, int *map, int64_t line)
{
    bool seen[COL__COUNT];
    if (n > COL__COUNT + 1) {
        problem(im, line, MSG_FIMP_HDR_TOO_MANY, n, COL__COUNT + 1);
        return false;
    }
    bool ok = import_map_header(cells, n, col_names, COL__COUNT, ignored_cols, map, seen, line,
                                im->lang, &im->probs);
    if (!seen[COL_PIB] && !seen[COL_SLUG]) {
        problem(im, line, MSG_FIMP_HDR_NO_KEY);
        ok = false;
    }
    for (int k = COL_YEAR; k < COL__COUNT; k++) {
        if (!seen[k]) {
            problem(im, line, MSG_FIMP_HDR_LACKS, col_names[k]);
            ok = false;
        }
    }
    return ok;
}

/* Records one changed value for the preview table (the first
 * FIGURES_IMPORT_MAX_CHANGES; the rest are counted). */
static figures_import_change *add_change(importer *im, const import_org *org, int year,
                                         bool created, figures_field field)
{
    figures_import_report *rep = im->rep;
    if (rep->n_changes >= FIGURES_IMPORT_MAX_CHANGES) {
        rep->changes_more++;
        return NULL;
    }
    if (!arena_grow(im->a, (void **)&rep->changes, rep->n_changes, &im->cap_changes,
                    sizeof *rep->changes)) {
        im->oom = true;
        return NULL;
    }
    figures_import_change *c = &rep->changes[rep->n_changes++];
    memset(c, 0, sizeof *c);
    c->org_slug = org->slug;
    c->org_name = org->name;
    c->org_name_en = org->name_en;
    c->year = year;
    c->created = created;
    c->field = field;
    c->old_num = c->new_num = -1;
    return c;
}

/* What a written row changed, value by value (res from figures_put_tx). */
static void record_changes(importer *im, const import_org *org, int year, const int64_t num[4],
                           const char *currency, const char *source, const figures_put_result *res)
{
    static const struct {
        const char *name;
        figures_field f;
    } fields[] = {{"employees", FIGF_EMPLOYEES},
                  {"revenue", FIGF_REVENUE},
                  {"exports", FIGF_EXPORTS},
                  {"rnd", FIGF_RND},
                  {"currency", FIGF_CURRENCY},
                  {"source", FIGF_SOURCE},
                  {"demo", FIGF_DEMO}};
    const char *old_cur = res->old_rsd ? "RSD" : "EUR";
    /* the row's cells die with the record: keep arena copies */
    currency = strcmp(currency, "RSD") == 0 ? "RSD" : "EUR";
    source = arena_strdup(im->a, source);
    if (!source) {
        im->oom = true;
        return;
    }
    for (size_t k = 0; k < res->n_changed; k++) {
        for (size_t j = 0; j < sizeof fields / sizeof fields[0]; j++) {
            if (strcmp(res->changed[k], fields[j].name) != 0)
                continue;
            figures_import_change *c = add_change(im, org, year, res->created, fields[j].f);
            if (!c)
                return;
            if (fields[j].f <= FIGF_RND) {
                c->new_num = num[fields[j].f];
                c->new_cur = currency;
                if (!res->created) {
                    c->old_num = res->old_values[fields[j].f];
                    c->old_cur = old_cur;
                }
            } else if (fields[j].f == FIGF_CURRENCY) {
                c->new_text = currency;
                c->old_text = old_cur;
            } else if (fields[j].f == FIGF_SOURCE) {
                c->new_text = source;
                c->old_text = res->created ? NULL : arena_strdup(im->a, res->old_source);
            }
        }
    }
}

static db_status import_row(importer *im, const csv_cell *cells, size_t n, const int *map,
                            int64_t line, int64_t cluster_id, const char *today, pair_set *pairs,
                            int64_t actor_id, const char *ip)
{
    const char *v[COL__COUNT];
    for (int k = 0; k < COL__COUNT; k++)
        v[k] = "";
    for (size_t c = 0; c < n; c++) {
        if (map[c] < 0)
            continue; /* an ignored column */
        char *s = (char *)cells[c].s;
        if (csv_has_guard(s))
            s++;
        v[map[c]] = import_trim(s);
    }
    im->row_bad = false;
    if (!*v[COL_EMPLOYEES] && !*v[COL_REVENUE] && !*v[COL_EXPORTS] && !*v[COL_RND]) {
        im->rep->skipped++; /* nothing filled in: a template's member left blank */
        return DB_OK;
    }
    db_status st;

    int64_t org_id;
    import_org org = {0};
    if ((st = resolve_org(im, line, v[COL_PIB], v[COL_SLUG], &org_id, &org)) != DB_OK)
        return st;
    const char *slug = org.slug;
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
        num_status ns = parse_number(cell, k == 0 ? 0 : 2, &num[k]);
        if (ns == NUM_AMBIGUOUS) { /* "read as X or Y?", as the form says it */
            form_error e = {
                .field = col_names[COL_EMPLOYEES + k], .code = FE_AMBIGUOUS_NUMBER, .min = num[k]};
            problem_field(im, line, 0, &e);
            num[k] = -1;
        } else if (ns != NUM_OK) {
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

    if (res.created || res.n_changed)
        record_changes(im, &org, (int)year, num, currency, v[COL_SOURCE], &res);
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

/* Appends one record to the normalised copy (UTF-8 CSV with commas). */
static void put_record(buf *out, const csv_cell *cells, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        if (c)
            buf_putc(out, ',');
        /* a cell that needs no guard but starts with one keeps it by a
           second: the reader takes one away in both cases */
        csv_put_cell(out, cells[c].s);
    }
    buf_puts(out, "\r\n");
}

/* figures_import's inputs and what its body leaves behind. */
typedef struct import_run {
    arena *a;
    const char *csv;
    size_t n;
    int64_t cluster_id;
    bool dry_run;
    lang_id lang;
    const principal *by;
    figures_import_report *rep;
    importer im;
    buf norm; /* the normalised copy, moved to the arena at the end */
} import_run;

/* Reads the whole file and writes its rows, from the start each time it
 * runs (a retry forgets what the last attempt read). DB_OK to commit;
 * DB_DONE to roll back without a failure (a dry run, or problems, which
 * are in the report). */
static db_status import_body(tx *t, void *ctx)
{
    import_run *c = ctx;
    figures_import_report *rep = c->rep;
    arena *a = c->a;
    buf_free(&rep->preview);
    memset(rep, 0, sizeof *rep);
    c->im =
        (importer){.d = t->d, .a = a, .rep = rep, .lang = c->lang, .by = c->by, .last_first = -1};
    importer *im = &c->im;
    im->probs.a = a;
    buf_reset(&c->norm);
    arena scratch = ARENA_INIT; /* one record's cells, freed per record */
    pair_set pairs = {NULL, 0};
    import_reader r;
    const csv_cell *cells;
    size_t n_cells;
    int64_t line = 1;
    int map[COL__COUNT + 1];
    size_t n_cols;
    char today[11];
    db_status st = DB_OK;

    local_today(today);
    if (!import_open(&r, a, c->csv, c->n, c->lang, &im->probs))
        goto done;
    rep->from_xlsx = r.format == IMPORT_XLSX;
    buf det = BUF_INIT;
    import_detected(&det, c->lang, &r);
    if (!buf_failed(&det))
        rep->detected = arena_strdup(a, buf_str(&det));
    buf_free(&det);
    int rc = import_next(&r, &scratch, &cells, &n_cells, &line, c->lang, &im->probs);
    if (rc <= 0) {
        if (rc == 0)
            problem(im, line, MSG_FIMP_EMPTY);
        goto done;
    }
    if (!read_header(im, cells, n_cells, map, line))
        goto done;
    put_record(&c->norm, cells, n_cells);
    n_cols = n_cells;
    if (!pairs_init(&pairs, r.format == IMPORT_XLSX ? r.n_rows : r.lines)) {
        st = DB_NOMEM;
        goto done;
    }
    for (;;) {
        arena_free(&scratch); /* the previous record's text */
        import_scratch_freed(&r);
        rc = import_next(&r, &scratch, &cells, &n_cells, &line, c->lang, &im->probs);
        if (rc <= 0)
            break;
        if (n_cells > n_cols && r.format == IMPORT_XLSX) {
            /* a sheet's row may stop at its last value, never go past
               the header */
            problem(im, line, MSG_FIMP_FIELD_COUNT, n_cols, n_cells);
            continue;
        }
        if (n_cells != n_cols && r.format == IMPORT_CSV) {
            problem(im, line, MSG_FIMP_FIELD_COUNT, n_cols, n_cells);
            continue;
        }
        put_record(&c->norm, cells, n_cells);
        st = import_row(im, cells, n_cells, map, line, c->cluster_id, today, &pairs, t->actor_id,
                        t->ip);
        if (st != DB_OK)
            goto done;
        if (im->oom || im->probs.oom)
            break;
    }
    if (im->oom || im->probs.oom || buf_failed(&rep->preview) || buf_failed(&c->norm))
        st = DB_NOMEM;
done:
    arena_free(&scratch);
    mem_free(pairs.slots);
    if (st == DB_OK && (im->probs.n || c->dry_run))
        st = DB_DONE; /* nothing stored */
    /* every row written through figures_put_tx changes the figures */
    t->bump = st == DB_OK && rep->created + rep->updated > 0 ? TX_FIGURES : 0;
    return st;
}

db_status figures_import(db *d, arena *a, const char *csv, size_t n, int64_t cluster_id,
                         bool dry_run, int64_t actor_id, const char *ip, const principal *by,
                         lang_id lang, figures_import_report *rep)
{
    assert(d && a && rep && (csv || n == 0));
    memset(rep, 0, sizeof *rep);
    import_run c = {.a = a,
                    .csv = csv,
                    .n = n,
                    .cluster_id = cluster_id,
                    .dry_run = dry_run,
                    .lang = lang,
                    .by = by,
                    .rep = rep,
                    .norm = BUF_INIT};
    tx t = TX_INIT(actor_id, ip, NULL, NULL, 0); /* figures_put_tx writes each row's audit row */
    db_status st = tx_write(d, &t, import_body, &c);
    if (st == DB_DONE)
        st = DB_OK;
    rep->problems = c.im.probs.items;
    rep->n_problems = c.im.probs.n;
    if (st == DB_OK && c.norm.len) {
        if (buf_failed(&c.norm) || !(rep->normalized = arena_strndup(a, c.norm.data, c.norm.len)))
            st = DB_NOMEM;
        rep->normalized_len = c.norm.len;
    }
    buf_free(&c.norm);
    if (st == DB_OK && (c.im.oom || c.im.probs.oom))
        st = DB_NOMEM;
    if (st == DB_OK && rep->n_problems)
        st = DB_CONSTRAINT;
    return st;
}

/* --- the cluster's own template -------------------------------------------------------- */

static const char SQL_TEMPLATE[] =
    "SELECT o.id, coalesce(o.pib, ''), o.slug, o.name, f.id, f.employees, f.revenue_eur,"
    " f.exports_eur, f.rnd_eur, f.revenue_rsd, f.exports_rsd, f.rnd_rsd, f.rate_e4, f.source"
    " FROM cluster_member m JOIN org o ON o.id = m.org_id"
    " LEFT JOIN org_figure f ON f.org_id = o.id AND f.year = $2"
    " WHERE m.cluster_id = $1 AND m.joined_on <= $3 AND (m.left_on IS NULL OR m.left_on > $3)"
    " GROUP BY o.id, f.id ORDER BY o.name, o.id";

static int64_t col_opt(db_stmt *s, int i)
{
    return db_col_is_null(s, i) ? -1 : db_col_int(s, i);
}

db_status figures_template(db *d, arena *a, int64_t cluster_id, int year, const principal *by,
                           figures_template_row **rows, size_t *n)
{
    assert(d && a && rows && n);
    *rows = NULL;
    *n = 0;
    size_t cap = 0;
    char today[11];
    local_today(today);
    int64_t *ids = NULL;
    size_t cap_ids = 0;
    db_stmt *s = db_prepare(d, SQL_TEMPLATE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, year);
    db_bind_text(s, 3, today);
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (!arena_grow(a, (void **)rows, *n, &cap, sizeof **rows) ||
            !arena_grow(a, (void **)&ids, *n, &cap_ids, sizeof *ids)) {
            st = DB_NOMEM;
            break;
        }
        figures_template_row *t = &(*rows)[*n];
        memset(t, 0, sizeof *t);
        ids[*n] = db_col_int(s, 0);
        t->pib = arena_strdup(a, db_col_text(s, 1));
        t->slug = arena_strdup(a, db_col_text(s, 2));
        t->name = arena_strdup(a, db_col_text(s, 3) ? db_col_text(s, 3) : "");
        t->employees = t->revenue = t->exports = t->rnd = -1;
        t->currency = "EUR";
        t->source = "self_reported";
        if (!db_col_is_null(s, 4)) {
            bool rsd = !db_col_is_null(s, 12);
            t->has = true;
            t->employees = col_opt(s, 5);
            t->revenue = col_opt(s, rsd ? 9 : 6);
            t->exports = col_opt(s, rsd ? 10 : 7);
            t->rnd = col_opt(s, rsd ? 11 : 8);
            t->currency = rsd ? "RSD" : "EUR";
            t->source = arena_strdup(a, db_col_text(s, 13));
        }
        if (!t->pib || !t->slug || !t->name || !t->source) {
            st = DB_NOMEM;
            break;
        }
        (*n)++;
    }
    db_reset(s);
    if (st != DB_DONE)
        return st == DB_ROW ? DB_ERR : st;
    /* Figures the person may not change stay out: the import would refuse
       them even unchanged. */
    for (size_t i = 0; by && i < *n; i++) {
        figures_template_row *t = &(*rows)[i];
        int first = rights_figures_first_year(d, by, ids[i]);
        if (t->has && (first < 0 || year < first)) {
            t->has = false;
            t->employees = t->revenue = t->exports = t->rnd = -1;
        }
    }
    return DB_OK;
}
