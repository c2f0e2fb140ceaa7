/* org_import.c: the directory's import and export (org_import and
 * org_export in org.h), split from org.c.
 *
 * Both formats carry the org_fields of every entry: CSV (RFC 4180, a
 * header row of field names, lists joined with ';') and JSON (an array of
 * objects, the revision snapshot format). An import is all or nothing in
 * one write transaction: every row is parsed, checked against the others
 * (the same slug or PIB twice) and written through org_put(), so it is
 * validated exactly like a form, and any problem anywhere rolls the whole
 * file back while every problem is still reported with its line. A dry
 * run does the same and always rolls back, leaving a preview. */
#include "model/org.h"

#include <assert.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "core/csv.h"
#include "core/mem.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "db/search.h"
#include "model/import.h"
#include "model/org_internal.h"
#include "json/json.h"

#define IMPORT_SLUG_TRIES 10000

/* --- small helpers ------------------------------------------------------------ */

/* An arena copy of s[0..n) without surrounding white space (form_trim's);
 * NULL when empty (or on OOM, which sets *oom). */
static const char *trim_dup(arena *a, const char *s, size_t n, bool *oom)
{
    form_trim(&s, &n);
    if (n == 0)
        return NULL;
    char *c = arena_strndup(a, s, n);
    if (!c)
        *oom = true;
    return c;
}

static const char **rec_text(org_rec *r, size_t i)
{
    return (const char **)((char *)r + org_fields[i].off);
}

static const char *rec_get(const org_rec *r, size_t i)
{
    return *(const char *const *)((const char *)r + org_fields[i].off);
}

static int64_t *rec_int(org_rec *r, size_t i)
{
    return (int64_t *)((char *)r + org_fields[i].off);
}

static void rec_set_list(org_rec *r, size_t i, const char **l, size_t n)
{
    *(const char ***)((char *)r + org_fields[i].off) = l;
    *(size_t *)((char *)r + org_fields[i].n_off) = n;
}

static const char *const *rec_list(const org_rec *r, size_t i, size_t *n)
{
    *n = *(const size_t *)((const char *)r + org_fields[i].n_off);
    return *(const char *const *const *)((const char *)r + org_fields[i].off);
}

/* --- a string set for one import (arena memory) ---------------------------------- */

typedef struct str_set {
    struct str_slot {
        const char *key;
        int64_t line;
    } * slots;
    size_t cap; /* power of two, at least twice the keys */
} str_set;

static bool set_init(arena *a, str_set *s, size_t keys)
{
    s->cap = 64;
    while (s->cap < keys * 2 + 1)
        s->cap *= 2;
    s->slots = arena_zalloc(a, s->cap * sizeof *s->slots);
    return s->slots != NULL;
}

static struct str_slot *set_slot(const str_set *s, const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    size_t j = (size_t)h & (s->cap - 1);
    while (s->slots[j].key && strcmp(s->slots[j].key, key) != 0)
        j = (j + 1) & (s->cap - 1);
    return &s->slots[j];
}

/* The line a key was first seen on, or 0. */
static int64_t set_get(const str_set *s, const char *key)
{
    struct str_slot *e = set_slot(s, key);
    return e->key ? e->line : 0;
}

/* Adds key (not copied: it must live in the arena); the caller sized the
 * set for every key it adds. */
static void set_add(str_set *s, const char *key, int64_t line)
{
    struct str_slot *e = set_slot(s, key);
    if (!e->key) {
        e->key = key;
        e->line = line;
    }
}

/* --- the import's state ------------------------------------------------------------ */

typedef struct import_row {
    int64_t line;
    org_rec rec;
    bool present[ORG_N_FIELDS]; /* columns or keys given */
    bool skip;                  /* already reported: not written */
} import_row;

/* Under a bulk load (bulk_begin): every slug, PIB and MB the directory
 * held when the load began and every one it has written since, trimmed as
 * the write stores them. A key not among them is free without a lookup:
 * the write transaction keeps anyone else from adding one. A key among
 * them is looked up as before, since an entry this load changed may have
 * let it go. At 100,000 new entries the three lookups per row (slug, PIB,
 * MB) took 0.35-0.47 s of the writing thread. */
typedef struct taken_keys {
    bool on;
    str_set slug, pib, mb;
} taken_keys;

typedef struct importer {
    db *d;
    arena *a;
    org_import_report *rep;
    import_row *rows;
    size_t n_rows, cap_rows;
    size_t cap_problems;
    bool oom;
    org_facet_acc facets; /* of the entries created */
    taken_keys taken;
    str_set matched;  /* existing entries a row matched: id -> line (made at the first) */
    const char *unit; /* what a problem's number counts: "line" (CSV), "entry" (JSON) */
} importer;

static void problem(importer *im, int64_t line, const char *message)
{
    org_import_report *rep = im->rep;
    if (!arena_grow(im->a, (void **)&rep->problems, rep->n_problems, &im->cap_problems,
                    sizeof *rep->problems)) {
        im->oom = true;
        return;
    }
    const char *m = arena_strdup(im->a, message);
    if (!m) {
        im->oom = true;
        return;
    }
    rep->problems[rep->n_problems].line = line;
    rep->problems[rep->n_problems].message = m;
    rep->n_problems++;
}

static void problem_fmt(importer *im, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem_fmt(importer *im, int64_t line, const char *fmt, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (buf_failed(&b))
        im->oom = true;
    else
        problem(im, line, buf_str(&b));
    buf_free(&b);
}

/* The reference table behind a coded field, NULL for another field. */
static const char *code_table(const char *field)
{
    static const char *const map[][2] = {
        {"kind", "kind"},    {"district", "district"}, {"region", "region"},
        {"sectors", "nace"}, {"fos", "fos"},           {"geo", "geo"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(field, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* After a coded field's "Choose a value from the list." (a form's words:
 * the file has no list): the value that is not a code and, for a list of
 * at most 40, the codes the field takes, so the line says what to write
 * (`scan org export` writes the codes too). The codes are the field's
 * rule's choices (status) or its reference table's. */
static void code_hint(importer *im, buf *b, const org_rec *r, const form_error *e)
{
    size_t f = 0;
    while (f < ORG_N_FIELDS && strcmp(org_fields[f].name, e->field) != 0)
        f++;
    if (f == ORG_N_FIELDS || (e->code != FE_CHOICE && e->code != FE_UNKNOWN_CODE))
        return;
    /* the value, or a list's first value */
    const char *one = org_fields[f].type == ORG_FIELD_TEXT ? rec_get(r, f) : NULL;
    size_t n_list = 1;
    const char *const *list = &one;
    if (org_fields[f].type == ORG_FIELD_LIST)
        list = rec_list(r, f, &n_list);
    const char *table = code_table(e->field);
    const char *const *choices = org_rules[f].choices;
    if (!table && !choices) { /* country: ISO 3166-1, too many to list */
        buf_printf(b,
                   " \"%.40s\" is not a country's code: write two letters (ISO 3166-1), such as "
                   "RS, BA or DE.",
                   one ? one : "");
        return;
    }
    arena a = ARENA_INIT;
    const char *const *codes = choices;
    size_t n = 0;
    if (table) {
        ref_item *items = NULL;
        const char **c = NULL;
        if (ref_list(im->d, &a, table, LANG_EN, &items, &n) != DB_OK ||
            (n && !(c = arena_alloc(&a, n * sizeof *c)))) {
            arena_free(&a);
            return; /* the sentence alone */
        }
        for (size_t j = 0; j < n; j++)
            c[j] = items[j].code;
        codes = c;
    } else {
        while (codes[n])
            n++;
    }
    const char *bad = NULL;
    for (size_t k = 0; k < n_list && !bad; k++) {
        size_t j = 0;
        while (j < n && list[k] && strcmp(codes[j], list[k]) != 0)
            j++;
        if (list[k] && j == n)
            bad = list[k];
    }
    if (bad)
        buf_printf(b, " \"%.40s\" is not one of its codes", bad);
    if (n <= 40) {
        buf_puts(b, bad ? ": " : " Its codes: ");
        for (size_t j = 0; j < n; j++)
            buf_printf(b, "%s%s", j ? ", " : "", codes[j]);
        buf_putc(b, '.');
    } else {
        buf_puts(b, bad ? " (the web form lists them; `scan org export` writes those in use)."
                        : " The web form lists its codes.");
    }
    arena_free(&a);
}

/* "field: sentence" for a validation error, in English; with r, the row,
 * what a coded field was given and may take (code_hint). */
static void problem_field(importer *im, int64_t line, const form_error *e, const org_rec *r)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s: ", e->field);
    form_error_text(&b, LANG_EN, e);
    if (r)
        code_hint(im, &b, r, e);
    if (buf_failed(&b))
        im->oom = true;
    else
        problem(im, line, buf_str(&b));
    buf_free(&b);
}

static import_row *new_row(importer *im, int64_t line)
{
    if (!arena_grow(im->a, (void **)&im->rows, im->n_rows, &im->cap_rows, sizeof *im->rows)) {
        im->oom = true;
        return NULL;
    }
    import_row *r = &im->rows[im->n_rows++];
    memset(r, 0, sizeof *r);
    r->line = line;
    return r;
}

/* --- CSV ------------------------------------------------------------------------------ */

/* Reading, quoting and the formula guard live in core/csv.c. */

/* Splits a list cell on ';' into trimmed codes (arena). */
static bool csv_list(arena *a, const char *s, const char ***out, size_t *n)
{
    size_t cnt = 1;
    for (const char *p = s; *p; p++)
        cnt += *p == ';';
    const char **l = arena_alloc(a, cnt * sizeof *l);
    if (!l)
        return false;
    *n = 0;
    bool oom = false;
    for (const char *p = s;;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *t = trim_dup(a, p, len, &oom);
        if (t)
            l[(*n)++] = t;
        if (!e)
            break;
        p = e + 1;
    }
    *out = l;
    return !oom;
}

/* The records after the header into rows (problems to im, the reader's to
 * probs): 0 at the end of the text, -1 after a syntax error (reported),
 * -2 out of memory (im->oom). */
static int parse_rows(importer *im, import_reader *r, const int *map, size_t n_cols,
                      import_problems *probs)
{
    const csv_cell *cells;
    size_t n_cells;
    int64_t line = 1;
    int rc;
    while ((rc = import_next(r, im->a, &cells, &n_cells, &line, LANG_EN, probs)) > 0) {
        import_row *row = new_row(im, line);
        if (!row)
            return -2;
        /* a workbook keeps no empty cells after a row's last value:
         * those cells are empty, not missing */
        bool short_row = r->format == IMPORT_XLSX && n_cells < n_cols;
        if (n_cells != n_cols && !short_row) {
            problem_fmt(im, line, "expected %zu fields as in the header, found %zu", n_cols,
                        n_cells);
            row->skip = true;
            continue;
        }
        for (size_t c = 0; c < n_cols; c++) {
            size_t f = (size_t)map[c];
            const char *s = c < n_cells ? cells[c].s : "";
            if (csv_has_guard(s))
                s++;
            row->present[f] = true;
            switch (org_fields[f].type) {
            case ORG_FIELD_TEXT:
                *rec_text(&row->rec, f) = *s ? s : NULL;
                break;
            case ORG_FIELD_INT: {
                int64_t v = 0;
                bool oom = false;
                const char *t = trim_dup(im->a, s, strlen(s), &oom);
                if (oom) {
                    im->oom = true;
                    return -2;
                }
                if (t && !str_to_i64(t, &v)) {
                    /* reported; the row is still checked for its other
                     * problems (the import fails and rolls back anyway) */
                    form_error e = {org_fields[f].name, FE_NOT_INT, 0, 0};
                    problem_field(im, line, &e, NULL);
                    v = 0;
                }
                *rec_int(&row->rec, f) = v;
                break;
            }
            case ORG_FIELD_LIST: {
                const char **l = NULL;
                size_t cnt = 0;
                if (!csv_list(im->a, s, &l, &cnt)) {
                    im->oom = true;
                    return -2;
                }
                rec_set_list(&row->rec, f, l, cnt);
                break;
            }
            }
        }
    }
    return rc;
}

/* --- CSV in two halves -----------------------------------------------------------------
 *
 * Reading 100,000 entries (107 MB) took the writer 0.27-0.37 s before
 * anything else could start, with the other core idle. A text of at
 * least g_split_min bytes is read in two halves at once: this thread
 * reads up to a line break near the middle where an even number of quotes
 * came before it, a second thread the rest, in its own arena (adopted
 * afterwards) and with its own report, appended in order. That is the
 * same as one reading exactly when the first half ends cleanly at its end
 * (a quoted field cut there is not closed, which csv_record reports);
 * otherwise, or when memory or the thread is missing, both halves are
 * dropped and the text is read again in one piece. */
static size_t g_split_min = 8u << 20;

void org_import_set_split_min(size_t bytes)
{
    g_split_min = bytes;
}

/* Just after a line break near the middle of [p, end) with an even number
 * of quotes before it, or NULL. */
static const char *find_split(const char *p, const char *end)
{
    const char *at = p + (end - p) / 2;
    size_t quotes = str_count_char(p, at, '"');
    while (at < end) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        if (!nl || nl + 1 >= end)
            return NULL;
        quotes += str_count_char(at, nl, '"');
        if (quotes % 2 == 0)
            return nl + 1;
        at = nl + 1;
    }
    return NULL;
}

typedef struct half {
    importer im;
    arena a;
    org_import_report rep;
    import_reader r;
    import_problems probs;
    const int *map;
    size_t n_cols;
} half;

static void *half_main(void *arg)
{
    half *h = arg;
    (void)parse_rows(&h->im, &h->r, h->map, h->n_cols, &h->probs);
    return NULL;
}

/* True when it read the rows (in halves, or again in one piece). */
static bool parse_halves(importer *im, import_reader *r, const int *map, size_t n_cols,
                         import_problems *probs)
{
    const char *start = r->csv.p, *end = r->csv.end, *split;
    if (r->format != IMPORT_CSV || (size_t)(end - start) < g_split_min ||
        !(split = find_split(start, end)))
        return false;
    half *h = calloc(1, sizeof *h);
    if (!h)
        return false;
    int64_t start_line = r->csv.line;
    h->im = (importer){.a = &h->a, .rep = &h->rep};
    h->probs = (import_problems){.a = &h->a};
    h->map = map;
    h->n_cols = n_cols;
    h->r = *r; /* text stays the file's start: a record at split is not its first */
    csv_reader_init(&h->r.csv, split, (size_t)(end - split));
    h->r.csv.sep = r->csv.sep;
    h->r.csv.line = start_line + (int64_t)str_count_char(start, split, '\n');
    pthread_t th;
    if (pthread_create(&th, NULL, half_main, h) != 0) {
        free(h);
        return false;
    }
    size_t rows0 = im->n_rows, problems0 = im->rep->n_problems, probs0 = probs->n;
    r->csv.end = split;
    int rc = parse_rows(im, r, map, n_cols, probs);
    r->csv.end = end;
    pthread_join(th, NULL);
    bool whole = rc == 0 && r->csv.p == split && !h->im.oom && !h->probs.oom;
    for (size_t i = 0; whole && i < h->im.n_rows && !im->oom; i++) {
        import_row *row = new_row(im, h->im.rows[i].line);
        if (row)
            *row = h->im.rows[i];
    }
    for (size_t i = 0; whole && i < h->rep.n_problems; i++)
        problem(im, h->rep.problems[i].line, h->rep.problems[i].message);
    for (size_t i = 0; whole && i < h->probs.n; i++)
        import_problem_add(probs, h->probs.items[i].line, h->probs.items[i].message);
    if (whole) {
        arena_adopt(im->a, &h->a); /* the rows' text */
        r->csv = h->r.csv;
    } else if (!im->oom) { /* again, in one piece */
        arena_free(&h->a);
        im->n_rows = rows0;
        im->rep->n_problems = problems0;
        probs->n = probs0;
        r->csv.p = start;
        r->csv.line = start_line;
        parse_rows(im, r, map, n_cols, probs);
    } else {
        arena_free(&h->a);
    }
    free(h);
    return true;
}

/* Reads the upload through the importers' shared reader (model/import.h:
 * UTF-8, UTF-16 or Windows-1250; commas, semicolons or tabs; or an XLSX's
 * first sheet); its problems (English) join the report at the end. */
static void parse_csv(importer *im, const char *data, size_t n)
{
    import_problems probs = {.a = im->a};
    import_reader r;
    const csv_cell *cells;
    size_t n_cells;
    int64_t line = 1;
    int map[ORG_N_FIELDS * 2]; /* column -> org_fields index */
    size_t n_cols = 0;
    int rc;

    if (!import_open(&r, im->a, data, n, LANG_EN, &probs))
        goto done;
    rc = import_next(&r, im->a, &cells, &n_cells, &line, LANG_EN, &probs);
    if (rc <= 0) {
        if (rc == 0)
            problem(im, line, "the file is empty: the first line must name the fields");
        goto done;
    }
    if (n_cells > ORG_N_FIELDS * 2) {
        problem_fmt(im, 1, "the header has %zu columns; at most the %d field names are allowed",
                    n_cells, ORG_N_FIELDS);
        return;
    }
    const char *names[ORG_N_FIELDS];
    bool seen[ORG_N_FIELDS];
    for (size_t i = 0; i < ORG_N_FIELDS; i++)
        names[i] = org_fields[i].name;
    if (!import_map_header(cells, n_cells, names, ORG_N_FIELDS, NULL, map, seen, line, LANG_EN,
                           &probs))
        goto done;
    n_cols = n_cells;

    if (!parse_halves(im, &r, map, n_cols, &probs))
        parse_rows(im, &r, map, n_cols, &probs);
done:
    for (size_t i = 0; i < probs.n; i++)
        problem(im, probs.items[i].line, probs.items[i].message);
    if (probs.oom)
        im->oom = true;
}

/* --- JSON ------------------------------------------------------------------------------ */

static void parse_json(importer *im, const char *data, size_t n)
{
    buf err = BUF_INIT;
    json_t *j = json_parse(data, n, &err);
    if (!j) {
        problem(im, 0, buf_failed(&err) ? "invalid JSON" : buf_str(&err));
        goto cleanup;
    }
    if (!json_is_array(j)) {
        problem(im, 0, "expected a JSON array of objects, one per entry");
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(j) && !im->oom; i++) {
        import_row *row = new_row(im, (int64_t)i + 1);
        if (!row)
            break;
        buf_reset(&err);
        if (!org_from_json(im->a, json_array_get(j, i), &row->rec, row->present, &err)) {
            problem(im, row->line, buf_str(&err));
            row->skip = true;
        }
    }
cleanup:
    json_decref(j);
    buf_free(&err);
}

/* --- matching and writing -------------------------------------------------------------- */

static const char SQL_ID_BY_SLUG[] = "SELECT id FROM org WHERE slug = $1";
static const char SQL_ID_BY_PIB[] = "SELECT id FROM org WHERE pib = $1";

static db_status lookup_id(db *d, const char *sql, const char *v, int64_t *id)
{
    *id = 0;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, v);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* Whether key is known to be free without asking the database (taken_keys). */
static bool key_free(const importer *im, const str_set *set, const char *key)
{
    return im->taken.on && key && !set_get(set, key);
}

static const char SQL_KEYS[] = "SELECT slug, pib, mb FROM org";

/* Fills im->taken with the directory's keys, room left for every row's. */
static db_status taken_load(importer *im, size_t present)
{
    taken_keys *t = &im->taken;
    str_set *sets[3] = {&t->slug, &t->pib, &t->mb};
    for (size_t k = 0; k < 3; k++)
        if (!set_init(im->a, sets[k], present + im->n_rows))
            return DB_NOMEM;
    db_stmt *s = db_prepare(im->d, SQL_KEYS);
    if (!s)
        return DB_ERR;
    bool oom = false;
    db_status st;
    size_t seen = 0;
    while ((st = db_step(s)) == DB_ROW && seen++ < present)
        for (int k = 0; k < 3; k++) {
            const char *v = db_col_dup(im->a, s, k, &oom);
            if (v)
                set_add(sets[k], v, 1);
        }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_DONE)
        return st == DB_ROW ? DB_ERR : st; /* more rows than counted: not in this transaction */
    t->on = true;
    return DB_OK;
}

/* After a row's write, whatever came of it: its keys may be stored now. */
static void taken_add(importer *im, const org_rec *r)
{
    if (!im->taken.on)
        return;
    if (r->slug)
        set_add(&im->taken.slug, r->slug, 1);
    if (r->pib)
        set_add(&im->taken.pib, r->pib, 1);
    if (r->mb)
        set_add(&im->taken.mb, r->mb, 1);
}

/* A free slug for a new entry named name: its slug, else with -2, -3...,
 * never one used in the database or anywhere in the file (slugs) . */
static db_status make_slug(importer *im, str_set *slugs, const char *name, int64_t line,
                           const char **out)
{
    buf base = BUF_INIT, cand = BUF_INIT;
    db_status st = DB_OK;
    *out = NULL;
    org_slugify(&base, name);
    if (base.len == 0)
        buf_puts(&base, "entry");
    for (int k = 1; k <= IMPORT_SLUG_TRIES; k++) {
        char suffix[16] = "";
        if (k > 1)
            snprintf(suffix, sizeof suffix, "-%d", k);
        size_t keep = base.len;
        if (keep + strlen(suffix) > 60)
            keep = 60 - strlen(suffix);
        while (keep > 0 && base.data[keep - 1] == '-')
            keep--;
        buf_reset(&cand);
        buf_append(&cand, base.data, keep);
        buf_puts(&cand, suffix);
        if (buf_failed(&base) || buf_failed(&cand)) {
            st = DB_NOMEM;
            goto cleanup;
        }
        if (set_get(slugs, buf_str(&cand)))
            continue;
        int64_t id = 0;
        if (!key_free(im, &im->taken.slug, buf_str(&cand)) &&
            (st = lookup_id(im->d, SQL_ID_BY_SLUG, buf_str(&cand), &id)) != DB_OK)
            goto cleanup;
        if (id)
            continue;
        char *c = arena_strndup(im->a, buf_str(&cand), cand.len);
        if (!c) {
            st = DB_NOMEM;
            goto cleanup;
        }
        set_add(slugs, c, line);
        *out = c;
        goto cleanup;
    }
cleanup:
    buf_free(&base);
    buf_free(&cand);
    return st;
}

/* The same slug or PIB on two rows: the later rows are reported and
 * skipped. Slugs and PIBs are trimmed here for matching. */
static bool find_duplicates(importer *im, str_set *slugs, str_set *pibs)
{
    if (!set_init(im->a, slugs, im->n_rows * 2 + 1) || !set_init(im->a, pibs, im->n_rows))
        return false;
    for (size_t i = 0; i < im->n_rows; i++) {
        import_row *row = &im->rows[i];
        if (row->skip)
            continue;
        bool oom = false;
        org_rec *r = &row->rec;
        r->slug = r->slug ? trim_dup(im->a, r->slug, strlen(r->slug), &oom) : NULL;
        r->pib = r->pib ? trim_dup(im->a, r->pib, strlen(r->pib), &oom) : NULL;
        r->mb = r->mb ? trim_dup(im->a, r->mb, strlen(r->mb), &oom) : NULL;
        if (oom)
            return false;
        int64_t first;
        if (r->slug && (first = set_get(slugs, r->slug))) {
            problem_fmt(im, row->line, "slug: \"%.60s\" is also on %s %lld of this file", r->slug,
                        im->unit, (long long)first);
            row->skip = true;
        }
        if (r->pib && (first = set_get(pibs, r->pib))) {
            problem_fmt(im, row->line, "pib: %.20s is also on %s %lld of this file", r->pib,
                        im->unit, (long long)first);
            row->skip = true;
        }
        if (r->slug)
            set_add(slugs, r->slug, row->line);
        if (r->pib)
            set_add(pibs, r->pib, row->line);
    }
    return true;
}

/* Fills the fields a row did not give (absent columns or keys, or an empty
 * slug) from the existing entry. */
static db_status merge_existing(importer *im, import_row *row, int64_t id)
{
    bool all = row->rec.slug != NULL;
    for (size_t i = 0; all && i < ORG_N_FIELDS; i++)
        all = row->present[i];
    if (all)
        return DB_OK;
    org_rec old;
    bool found;
    /* the entry's code rows may still be kept in bulk (org_bulk_flush) */
    db_status st = org_bulk_flush(im->d, &im->facets);
    if (st == DB_OK)
        st = org_get(im->d, im->a, NULL, id, &old, &found);
    if (st != DB_OK || !found)
        return st == DB_OK ? DB_DONE : st;
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        if (row->present[i] && !(i == 0 && !row->rec.slug))
            continue;
        switch (org_fields[i].type) {
        case ORG_FIELD_TEXT:
            *rec_text(&row->rec, i) = *rec_text(&old, i);
            break;
        case ORG_FIELD_INT:
            *rec_int(&row->rec, i) = *rec_int(&old, i);
            break;
        case ORG_FIELD_LIST: {
            size_t n;
            const char *const *l = rec_list(&old, i, &n);
            rec_set_list(&row->rec, i, (const char **)l, n);
            break;
        }
        }
    }
    return DB_OK;
}

/* --- the prepare stage ------------------------------------------------------------------- */

/* What a row's write can work out without the database (org_prep_make:
 * normalising, the form rules, the folded name, ICU sort keys and the
 * revision snapshot) is made on a thread of its own, ahead of the writer,
 * through a ring: row i goes into slot i % PREP_RING; the thread stays at
 * most PREP_RING rows ahead of the writer, which waits for row i's slot,
 * writes the row and releases the slot. Without the thread
 * (pthread_create failed) the writer makes each slot itself. Rows are
 * never written by the thread, and the writer changes a row only once it
 * is prepared.
 *
 * The ring is long enough to ride out the scheduler: three threads share
 * two cores (writer, this one, the search helper), and with 64 slots (2 ms
 * of the writer's work) the writer waited for this thread 1.8-6.8 s of an
 * import of 100,000 rows (traced, load 6-9) whenever it was off the CPU
 * for a moment; with 256 slots 0.3-0.6 s (load 4.6), with 1,024 under
 * 0.1 s, but the writer then reads slots made long before (out of the
 * CPU's caches) and its user time grew by about 0.4 s. A full ring waits
 * until half of it is free again, and each side wakes the other only when
 * it waits (was: one broadcast per row each way, 100,000 context switches
 * an import, now 4,400-11,000). A slot keeps its buffers' capacity from
 * row to row: a few KB each. */
#define PREP_RING 256

typedef struct prep_stage {
    const import_row *rows;
    size_t n_rows;
    org_prep slots[PREP_RING];
    pthread_mutex_t mu;
    pthread_cond_t cv_made, cv_free;
    size_t made;    /* rows [0, made) are prepared */
    size_t used;    /* rows [0, used) are written: their slots are free */
    size_t wake_at; /* the thread waits for used to reach it */
    bool stop, started;
    bool writer_waits, prep_waits; /* in pthread_cond_wait */
    pthread_t th;
} prep_stage;

static void *prep_main(void *arg)
{
    prep_stage *p = arg;
    for (size_t i = 0; i < p->n_rows; i++) {
        pthread_mutex_lock(&p->mu);
        if (!p->stop && i >= p->used + PREP_RING) {
            p->wake_at = i - PREP_RING / 2 + 1; /* half the ring free */
            p->prep_waits = true;
            while (!p->stop && p->used < p->wake_at)
                pthread_cond_wait(&p->cv_free, &p->mu);
            p->prep_waits = false;
        }
        bool stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        if (!p->rows[i].skip)
            org_prep_make(&p->slots[i % PREP_RING], &p->rows[i].rec);
        pthread_mutex_lock(&p->mu);
        p->made = i + 1;
        if (p->writer_waits)
            pthread_cond_signal(&p->cv_made);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

static void prep_start(prep_stage *p, const import_row *rows, size_t n_rows)
{
    memset(p, 0, sizeof *p);
    p->rows = rows;
    p->n_rows = n_rows;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_made, NULL);
    pthread_cond_init(&p->cv_free, NULL);
    p->started = pthread_create(&p->th, NULL, prep_main, p) == 0;
}

/* Row i's slot, once prepared. */
static const org_prep *prep_take(prep_stage *p, size_t i)
{
    org_prep *slot = &p->slots[i % PREP_RING];
    if (!p->started) {
        org_prep_make(slot, &p->rows[i].rec);
        return slot;
    }
    pthread_mutex_lock(&p->mu);
    p->writer_waits = true;
    while (p->made <= i)
        pthread_cond_wait(&p->cv_made, &p->mu);
    p->writer_waits = false;
    pthread_mutex_unlock(&p->mu);
    return slot;
}

/* Row i is written: its slot may be made again. */
static void prep_release(prep_stage *p, size_t i)
{
    if (!p->started)
        return;
    pthread_mutex_lock(&p->mu);
    p->used = i + 1;
    if (p->prep_waits && p->used >= p->wake_at)
        pthread_cond_signal(&p->cv_free);
    pthread_mutex_unlock(&p->mu);
}

/* Stops the thread (whether or not it is done) and frees the slots. */
static void prep_stop(prep_stage *p)
{
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_signal(&p->cv_free);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->th, NULL);
    }
    pthread_cond_destroy(&p->cv_made);
    pthread_cond_destroy(&p->cv_free);
    pthread_mutex_destroy(&p->mu);
    for (size_t k = 0; k < PREP_RING; k++)
        org_prep_free(&p->slots[k]);
}

static db_status import_row_write(importer *im, import_row *row, const org_prep *prep,
                                  str_set *slugs, int64_t actor_id)
{
    org_rec *r = &row->rec;
    int64_t id = 0;
    bool made_slug = false;
    db_status st = DB_OK;
    /* what is found free here is not looked up again by the write's checks */
    im->facets.free_slug = im->facets.free_pib = NULL;
    im->facets.free_mb = key_free(im, &im->taken.mb, r->mb) ? r->mb : NULL;
    if (r->slug && !key_free(im, &im->taken.slug, r->slug) &&
        (st = lookup_id(im->d, SQL_ID_BY_SLUG, r->slug, &id)) != DB_OK)
        return st;
    if (r->slug && !id)
        im->facets.free_slug = r->slug;
    if (!id && r->pib && !key_free(im, &im->taken.pib, r->pib) &&
        (st = lookup_id(im->d, SQL_ID_BY_PIB, r->pib, &id)) != DB_OK)
        return st;
    if (!id && r->pib)
        im->facets.free_pib = r->pib;
    if (id) {
        /* one row per entry: a row found by slug and another by PIB
         * would both update it, the last silently winning */
        char *key = arena_printf(im->a, "%lld", (long long)id);
        if (!key || (!im->matched.slots && !set_init(im->a, &im->matched, im->n_rows))) {
            im->oom = true;
            return DB_NOMEM;
        }
        int64_t first = set_get(&im->matched, key);
        if (first) {
            problem_fmt(im, row->line,
                        "this is the same entry as %s %lld (found by its slug or its PIB): "
                        "give each entry once",
                        im->unit, (long long)first);
            return DB_OK;
        }
        set_add(&im->matched, key, row->line);
        r->id = id;
        if ((st = merge_existing(im, row, id)) != DB_OK)
            return st;
    } else if (!r->slug) {
        made_slug = true;
        if ((st = make_slug(im, slugs, r->name, row->line, &r->slug)) != DB_OK)
            return st;
        if (!r->slug) {
            problem(im, row->line, "slug: no free slug could be made from the name");
            return DB_OK;
        }
    }

    form_errors errs;
    memset(&errs, 0, sizeof errs);
    org_put_result res;
    /* a row whose slug was just made here was prepared without it */
    st = org_put_bulk(im->d, r, made_slug ? NULL : prep, "import", actor_id, &im->facets, &errs,
                      &res);
    taken_add(im, r);
    if (st == DB_CONSTRAINT && errs.n_items > 0) {
        for (size_t k = 0; k < errs.n_items; k++)
            problem_field(im, row->line, &errs.items[k], r);
        return DB_OK;
    }
    if (st != DB_OK)
        return st;

    buf *pv = &im->rep->preview;
    if (res.created) {
        im->rep->created++;
        buf_printf(pv, "create %s\n", r->slug);
    } else if (res.n_changed) {
        im->rep->updated++;
        buf_printf(pv, "update %s:", r->slug);
        for (size_t k = 0; k < res.n_changed; k++)
            buf_printf(pv, "%s %s", k ? "," : "", res.changed[k]);
        buf_putc(pv, '\n');
    } else {
        im->rep->unchanged++;
    }
    return DB_OK;
}

/* A load of more rows than the directory holds (and at least
 * IMPORT_BULK_MIN) drops the secondary indexes of the tables it fills and
 * makes them again before its commit (db_indexes_drop): at 100,000 rows
 * into an empty directory, inserting the rows with the indexes in place
 * took 2.64 s of CPU in SQLite, without them 0.46 s plus 1.41 s to make
 * them (sqlite3 shell, the same rows). The unique indexes stay: they check
 * slugs and PIBs and serve the lookups of every row. Keeping the
 * indexes whose new rows go in at a few places (status, kind, district,
 * region, codes) was tried: in the sqlite3 shell it cost less than making
 * them again, inside the import (whose other writes share the caches) it
 * cost more (callgrind, 10,000 entries: +3% of the writer's
 * instructions; 100,000 entries: the writer's CPU 7.57 and 7.75 s kept,
 * 7.13 and 7.55 s dropped), so all are dropped. */
#define IMPORT_BULK_MIN 256
static const char *const bulk_tables[] = {"org", "org_sector", "org_fos", "org_geo"};
#define N_BULK_TABLES (sizeof bulk_tables / sizeof bulk_tables[0])

/* The rows the load will write (those not already reported). */
static size_t rows_to_write(const importer *im)
{
    size_t n = 0;
    for (size_t i = 0; i < im->n_rows; i++)
        n += !im->rows[i].skip;
    return n;
}

/* Whether the load is a bulk one: at least IMPORT_BULK_MIN rows to write
 * and more than the directory holds (*present gets how many it holds). */
static db_status bulk_sized(importer *im, int64_t *present, bool *yes)
{
    size_t n_write = rows_to_write(im);
    *present = 0;
    *yes = false;
    if (n_write < IMPORT_BULK_MIN)
        return DB_OK;
    db_status st = db_scalar_int(im->d, "SELECT count(*) FROM org", present);
    *yes = st == DB_OK && (int64_t)n_write > *present;
    return st;
}

static db_status bulk_begin(importer *im, db_index_stash stash[N_BULK_TABLES], bool *dropped)
{
    *dropped = false;
    int64_t present = 0;
    bool bulk = false;
    db_status st = bulk_sized(im, &present, &bulk);
    if (st != DB_OK || !bulk)
        return st;
    for (size_t k = 0; k < N_BULK_TABLES; k++)
        if ((st = db_indexes_drop(im->d, im->a, bulk_tables[k], &stash[k])) != DB_OK)
            return st; /* the caller rolls back, indexes and all */
    *dropped = true;
    return taken_load(im, (size_t)present);
}

/* A bulk load (bulk_sized) on SQLite writes with its foreign keys
 * unenforced and checks them once before its commit (fk_check): SQLite
 * otherwise probes each row's parents (district, region, person; each
 * sector, field and focus code; the entry of each code row) as it goes,
 * 6.7% of the writing thread's instructions (callgrind, 10,000 entries),
 * while one check of the tables after the load took under a fifth of
 * that at 100,000. The check reads whole tables, so only a load larger
 * than the directory trades the probes for it. The setting is the
 * connection's and changes only outside a transaction: fk_pause before
 * the load's, fk_resume after it, whatever came of it. */
static const char *const fk_tables[] = {"org", "org_sector", "org_fos", "org_geo"};

/* Whether a row of those tables lacks its parent (*bad). */
static db_status fk_violated(db *d, bool *bad)
{
    db_status st = DB_OK;
    char sql[64];
    *bad = false;
    for (size_t k = 0; st == DB_OK && !*bad && k < sizeof fk_tables / sizeof *fk_tables; k++) {
        snprintf(sql, sizeof sql, "PRAGMA foreign_key_check(%s)", fk_tables[k]);
        db_stmt *s = db_prepare(d, sql);
        if (!s)
            return DB_ERR;
        st = db_step(s);
        db_reset(s);
        *bad = st == DB_ROW;
        if (st == DB_ROW || st == DB_DONE)
            st = DB_OK;
    }
    return st;
}

/* A directory that already holds a row without its parent (a reference
 * code deleted by hand, with the sqlite3 shell's foreign keys off) keeps
 * the probes: the check after the load could not tell that row from the
 * load's, and refused every large import for it, naming the file. */
static bool fk_pause(importer *im)
{
    int64_t present;
    bool bulk = false, bad = true;
    return strcmp(db_backend(im->d), "sqlite") == 0 && bulk_sized(im, &present, &bulk) == DB_OK &&
           bulk && fk_violated(im->d, &bad) == DB_OK && !bad &&
           db_exec(im->d, "PRAGMA foreign_keys=OFF") == DB_OK;
}

static void fk_resume(importer *im)
{
    (void)db_exec(im->d, "PRAGMA foreign_keys=ON");
}

/* Whether the load left a row without its parent, in the tables it wrote
 * (revisions and audit rows name only the actor, checked here too); a
 * problem if so. */
static db_status fk_check(importer *im, int64_t actor_id)
{
    db_status st = DB_OK;
    bool bad = false;
    if (actor_id) {
        int64_t n = 0;
        st = db_int(im->d, &n, 0, "SELECT count(*) FROM person WHERE id = $1",
                    DB_ARGS(DBI(actor_id)));
        bad = st == DB_OK && n == 0;
    }
    if (st == DB_OK && !bad)
        st = fk_violated(im->d, &bad);
    if (st == DB_OK && bad)
        problem(im, 0,
                "the file names a record the directory does not hold (a code of a reference"
                " table, or the acting user): nothing was imported");
    return st;
}

/* --timings: closes the phase that began at *since (wall, process and
 * writing thread CPU, microseconds) as `name` and begins the next one. */
typedef struct phase_clock {
    uint64_t wall, cpu, writer;
} phase_clock;

static uint64_t cpu_us(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static phase_clock phase_now(void)
{
    return (phase_clock){.wall = time_mono_us(),
                         .cpu = cpu_us(CLOCK_PROCESS_CPUTIME_ID),
                         .writer = cpu_us(CLOCK_THREAD_CPUTIME_ID)};
}

static void phase_end(org_import_report *rep, const char *name, phase_clock *since)
{
    phase_clock now = phase_now();
    if (rep->n_phases < ORG_IMPORT_PHASES)
        rep->phases[rep->n_phases++] =
            (struct org_import_phase){.name = name,
                                      .wall_us = now.wall - since->wall,
                                      .cpu_us = now.cpu - since->cpu,
                                      .writer_us = now.writer - since->writer};
    *since = now;
}

/* Sorts the problems into file order, stably (those of one line keep the
 * order they were found in): a bottom-up merge sort through tmp. */
static void sort_problems(struct org_import_problem *p, struct org_import_problem *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = p[j].line < p[i].line ? p[j++] : p[i++];
            while (i < mid)
                tmp[k++] = p[i++];
            while (j < hi)
                tmp[k++] = p[j++];
        }
        memcpy(p, tmp, n * sizeof *p);
    }
}

db_status org_import(db *d, arena *a, const char *data, size_t n, org_format fmt, bool dry_run,
                     int64_t actor_id, org_import_report *rep)
{
    assert(d && a && rep && (data || n == 0));
    memset(rep, 0, sizeof *rep);
    importer im = {.d = d,
                   .a = a,
                   .rep = rep,
                   .facets = {.a = a},
                   .unit = fmt == ORG_FMT_JSON ? "entry" : "line"};
    str_set slugs, pibs;
    prep_stage *prep = NULL;
    db_index_stash stash[N_BULK_TABLES];
    bool dropped = false; /* a dry run or a failure: the rollback restores them */
    db_status st = DB_OK;
    bool in_tx = false, fk_paused = false;
    phase_clock clock = phase_now();

    if (fmt == ORG_FMT_CSV) {
        parse_csv(&im, data, n); /* the shared reader decides the encoding */
    } else {
        csv_skip_bom(&data, &n);
        int64_t bad = csv_bad_utf8_line(data, n);
        if (bad) {
            problem(&im, bad, "the file is not valid UTF-8 text: save it as UTF-8 (CSV UTF-8)");
            goto done;
        }
        parse_json(&im, data, n);
    }
    if (im.oom || !find_duplicates(&im, &slugs, &pibs)) {
        st = DB_NOMEM;
        goto done;
    }
    /* A syntax or header problem leaves nothing trustworthy to write. */
    if (rep->n_problems && im.n_rows == 0)
        goto done;
    phase_end(rep, "parse", &clock);

    /* the rows are final now but for what their writes fill in */
    if (!(prep = mem_malloc(sizeof *prep))) {
        st = DB_NOMEM;
        goto done;
    }
    prep_start(prep, im.rows, im.n_rows);
    search_drop_pending(d); /* what an earlier import could not detach (search.h) */
    fk_paused = fk_pause(&im);
    if ((st = db_begin_write(d)) != DB_OK)
        goto done;
    in_tx = true;
    if ((st = search_begin_pending(d)) != DB_OK)
        goto done;
    if ((st = bulk_begin(&im, stash, &dropped)) != DB_OK)
        goto done;
    for (size_t i = 0; i < im.n_rows && !im.oom; i++) {
        if (!im.rows[i].skip)
            st = import_row_write(&im, &im.rows[i], prep_take(prep, i), &slugs, actor_id);
        prep_release(prep, i);
        if (st != DB_OK) {
            if (st == DB_DONE) /* the entry matched a moment ago is gone */
                st = DB_ERR;
            goto done;
        }
    }
    prep_stop(prep);
    mem_free(prep);
    prep = NULL;
    if (im.oom || buf_failed(&rep->preview)) {
        st = DB_NOMEM;
        goto done;
    }
    phase_end(rep, "rows", &clock);
    /* the helper finishes the search documents while the indexes are made */
    search_close_pending(d);
    if ((st = org_bulk_flush(d, &im.facets)) != DB_OK ||
        (st = org_facets_add(d, &im.facets)) != DB_OK)
        goto done;
    if (fk_paused && rep->n_problems == 0 && !dry_run && (st = fk_check(&im, actor_id)) != DB_OK)
        goto done;
    if (rep->n_problems == 0 && !dry_run) {
        for (size_t k = 0; dropped && k < N_BULK_TABLES; k++)
            if ((st = db_indexes_restore(d, &stash[k])) != DB_OK)
                goto done;
        phase_end(rep, "indexes", &clock);
        /* while the helpers finish the FTS tables (or, when they are
         * done, before their tables are copied), the pages written so
         * far go to the file: the commit then writes only the rest (the
         * file's new pages need no journal, only the few it had). Only
         * once the helpers have added every document: from the write ahead
         * to the commit no other process can read the file, and a helper
         * far behind (long descriptions, a busy machine) once kept
         * readers out for 15-20 s. */
        if ((st = db_room(d)) != DB_OK) /* a full disk fails now, not after the wait */
            goto done;
        if (search_helper_await(d) && (st = db_write_ahead(d)) != DB_OK)
            goto done;
        phase_end(rep, "ahead", &clock);
        if ((st = search_flush_pending(d)) != DB_OK)
            goto done;
        phase_end(rep, "search", &clock);
        st = db_commit(d);
        in_tx = st != DB_OK;
        phase_end(rep, "commit", &clock);
    }
done:
    if (prep) {
        prep_stop(prep);
        mem_free(prep);
    }
    org_facet_acc_free(&im.facets);
    if (in_tx)
        db_rollback(d);
    if (fk_paused && db_in_tx(d)) /* a rollback that ran out of memory: once more */
        db_rollback(d);
    if (fk_paused)
        fk_resume(&im); /* a no-op while a transaction is still open */
    /* after the transaction: a dry run, a problem or a failure did not
     * flush; a flush may have left the helper's database attached */
    search_drop_pending(d);
    if (rep->n_problems > 1) {
        struct org_import_problem *tmp = arena_alloc(a, rep->n_problems * sizeof *tmp);
        if (tmp)
            sort_problems(rep->problems, tmp, rep->n_problems);
        else if (st == DB_OK || st == DB_CONSTRAINT)
            st = DB_NOMEM;
    }
    if (st == DB_OK && im.oom)
        st = DB_NOMEM;
    if (st == DB_OK && rep->n_problems)
        st = DB_CONSTRAINT;
    return st;
}

/* --- export ------------------------------------------------------------------------------ */

/* The entry columns in org_fields order (0..20) after the id; the list
 * tables stream alongside, ordered the same way. */
static const char SQL_EXPORT[] =
    "SELECT id, slug, name, name_en, acronym, kind, status, short_sr, short_en,"
    " description_sr, description_en, website, email, phone, address, municipality,"
    " district, region, country, year_founded, pib, mb FROM org ORDER BY id";
static const char *const sql_export_lists[3] = {
    "SELECT org_id, code FROM org_sector ORDER BY org_id, code",
    "SELECT org_id, code FROM org_fos ORDER BY org_id, code",
    "SELECT org_id, code FROM org_geo ORDER BY org_id, code",
};
static const size_t export_list_field[3] = {ORG_N_FIELDS - 3, ORG_N_FIELDS - 2, ORG_N_FIELDS - 1};

typedef struct list_cursor {
    db_stmt *s;
    db_status st; /* DB_ROW while positioned on a row */
} list_cursor;

/* The codes of entry id from cursor c (arena), advancing past them. */
static db_status cursor_take(arena *a, list_cursor *c, int64_t id, const char ***out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while (c->st == DB_ROW && db_col_int(c->s, 0) < id)
        c->st = db_step(c->s);
    while (c->st == DB_ROW && db_col_int(c->s, 0) == id) {
        if (!arena_grow(a, (void **)out, *n, &cap, sizeof **out))
            return DB_NOMEM;
        if (!((*out)[(*n)++] = arena_strdup(a, db_col_text(c->s, 1))))
            return DB_NOMEM;
        c->st = db_step(c->s);
    }
    return c->st == DB_ROW || c->st == DB_DONE ? DB_OK : c->st;
}

static void csv_put_row(buf *out, const org_rec *r)
{
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        if (i)
            buf_putc(out, ',');
        const char *base = (const char *)r + org_fields[i].off;
        switch (org_fields[i].type) {
        case ORG_FIELD_TEXT:
            csv_put_cell(out, *(const char *const *)base);
            break;
        case ORG_FIELD_INT:
            if (*(const int64_t *)base)
                buf_printf(out, "%lld", (long long)*(const int64_t *)base);
            break;
        case ORG_FIELD_LIST: {
            size_t n;
            const char *const *l = rec_list(r, i, &n);
            buf joined = BUF_INIT;
            for (size_t k = 0; k < n; k++) {
                if (k)
                    buf_putc(&joined, ';');
                buf_puts(&joined, l[k]);
            }
            if (buf_failed(&joined))
                out->failed = true;
            csv_put_cell(out, buf_str(&joined));
            buf_free(&joined);
            break;
        }
        }
    }
    buf_puts(out, "\r\n");
}

db_status org_export(db *d, org_format fmt, buf *out)
{
    assert(d && out);
    list_cursor cur[3] = {{NULL, DB_DONE}, {NULL, DB_DONE}, {NULL, DB_DONE}};
    arena a = ARENA_INIT;
    db_status st = DB_OK;
    db_stmt *s = NULL;
    bool first = true;

    if ((st = db_begin_read(d)) != DB_OK) /* one consistent picture */
        return st;
    if (!(s = db_prepare(d, SQL_EXPORT))) {
        st = DB_ERR;
        goto cleanup;
    }
    for (size_t k = 0; k < 3; k++) {
        if (!(cur[k].s = db_prepare(d, sql_export_lists[k]))) {
            st = DB_ERR;
            goto cleanup;
        }
        cur[k].st = db_step(cur[k].s);
    }
    if (fmt == ORG_FMT_CSV) {
        for (size_t i = 0; i < ORG_N_FIELDS; i++) {
            if (i)
                buf_putc(out, ',');
            buf_puts(out, org_fields[i].name);
        }
        buf_puts(out, "\r\n");
    } else {
        buf_putc(out, '[');
    }
    while ((st = db_step(s)) == DB_ROW) {
        org_rec r;
        memset(&r, 0, sizeof r);
        r.id = db_col_int(s, 0);
        for (size_t i = 0; i + 3 < ORG_N_FIELDS; i++) {
            if (org_fields[i].type == ORG_FIELD_INT)
                *rec_int(&r, i) = db_col_is_null(s, (int)i + 1) ? 0 : db_col_int(s, (int)i + 1);
            else
                *rec_text(&r, i) = db_col_text(s, (int)i + 1);
        }
        arena_free(&a);
        for (size_t k = 0; k < 3; k++) {
            const char **l;
            size_t n;
            if ((st = cursor_take(&a, &cur[k], r.id, &l, &n)) != DB_OK)
                goto cleanup;
            rec_set_list(&r, export_list_field[k], l, n);
        }
        if (fmt == ORG_FMT_CSV) {
            csv_put_row(out, &r);
        } else {
            buf_puts(out, first ? "\n" : ",\n");
            org_snapshot(out, &r);
        }
        first = false;
    }
    if (st != DB_DONE)
        goto cleanup;
    st = DB_OK;
    if (fmt == ORG_FMT_JSON)
        buf_puts(out, first ? "]\n" : "\n]\n");
    if (buf_failed(out))
        st = DB_NOMEM;
cleanup:
    if (s)
        db_reset(s);
    for (size_t k = 0; k < 3; k++)
        if (cur[k].s)
            db_reset(cur[k].s);
    arena_free(&a);
    db_rollback(d); /* ends the read transaction */
    return st;
}
