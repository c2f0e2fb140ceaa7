/* org.c: the directory of organisations (see org.h): identifiers,
 * validation, reading and listing with facets, the one writer behind every
 * change (row, classifications, revision, search document, audit row and
 * directory_version in the caller's transaction), logos and history.
 *
 * Import and export live next door in org_import.c and write through
 * org_put(); the reference tables are read by ref.c. Fields are described
 * once, in org_fields[] (what they are) and org_rules[] (what they may
 * hold), in the same order, and everything that walks fields (snapshots,
 * diffs, comparisons, CSV and JSON) walks those tables. */
#include "model/org.h"

#include <assert.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/search.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/image.h"
#include "model/tx.h"
#include "model/versions.h"

/* --- fields ------------------------------------------------------------------ */

enum {
    F_SLUG,
    F_NAME,
    F_NAME_EN,
    F_ACRONYM,
    F_KIND,
    F_STATUS,
    F_SHORT_SR,
    F_SHORT_EN,
    F_DESCRIPTION_SR,
    F_DESCRIPTION_EN,
    F_WEBSITE,
    F_EMAIL,
    F_PHONE,
    F_ADDRESS,
    F_MUNICIPALITY,
    F_DISTRICT,
    F_REGION,
    F_COUNTRY,
    F_YEAR_FOUNDED,
    F_PIB,
    F_MB,
    F_SECTORS,
    F_FOS,
    F_GEO,
    F__COUNT
};
_Static_assert(F__COUNT == ORG_N_FIELDS, "org_fields and the F_ indices disagree");

/* clang-format off */
#define FT(m) {#m, ORG_FIELD_TEXT, offsetof(org_rec, m), 0}
#define FI(m) {#m, ORG_FIELD_INT, offsetof(org_rec, m), 0}
#define FL(m, nm) {#m, ORG_FIELD_LIST, offsetof(org_rec, m), offsetof(org_rec, nm)}
/* clang-format on */

const org_field org_fields[ORG_N_FIELDS] = {
    FT(slug),
    FT(name),
    FT(name_en),
    FT(acronym),
    FT(kind),
    FT(status),
    FT(short_sr),
    FT(short_en),
    FT(description_sr),
    FT(description_en),
    FT(website),
    FT(email),
    FT(phone),
    FT(address),
    FT(municipality),
    FT(district),
    FT(region),
    FT(country),
    FI(year_founded),
    FT(pib),
    FT(mb),
    FL(sectors, n_sectors),
    FL(fos, n_fos),
    FL(geo, n_geo),
};

static const char *const status_choices[] = {"draft", "published", "archived", NULL};

#define ORG_YEAR_MIN 1800

/* What each field may hold, index for index with org_fields. Shapes and
 * lengths are checked by form_validate(), exactly as for a posted form;
 * the rules that need the database or a checksum follow in org_validate().
 * year_founded is an integer in org_rec and checked there too. */
static const form_rule org_rules[ORG_N_FIELDS] = {
    [F_SLUG] = {"slug", FV_SLUG, FORM_REQUIRED, 0, 60, NULL},
    [F_NAME] = {"name", FV_TEXT, FORM_REQUIRED, 0, 200, NULL},
    [F_NAME_EN] = {"name_en", FV_TEXT, 0, 0, 200, NULL},
    [F_ACRONYM] = {"acronym", FV_TEXT, 0, 0, 40, NULL},
    [F_KIND] = {"kind", FV_TEXT, FORM_REQUIRED, 0, 40, NULL},
    [F_STATUS] = {"status", FV_ENUM, 0, 0, 0, status_choices},
    [F_SHORT_SR] = {"short_sr", FV_TEXT, 0, 0, 300, NULL},
    [F_SHORT_EN] = {"short_en", FV_TEXT, 0, 0, 300, NULL},
    [F_DESCRIPTION_SR] = {"description_sr", FV_MULTILINE, 0, 0, 10000, NULL},
    [F_DESCRIPTION_EN] = {"description_en", FV_MULTILINE, 0, 0, 10000, NULL},
    [F_WEBSITE] = {"website", FV_URL, 0, 0, 300, NULL},
    [F_EMAIL] = {"email", FV_EMAIL, 0, 0, 254, NULL},
    [F_PHONE] = {"phone", FV_TEXT, 0, 0, 40, NULL},
    [F_ADDRESS] = {"address", FV_TEXT, 0, 0, 300, NULL},
    [F_MUNICIPALITY] = {"municipality", FV_TEXT, 0, 0, 100, NULL},
    [F_DISTRICT] = {"district", FV_TEXT, 0, 0, 40, NULL},
    [F_REGION] = {"region", FV_TEXT, 0, 0, 40, NULL},
    [F_COUNTRY] = {"country", FV_TEXT, 0, 0, 2, NULL},
    [F_YEAR_FOUNDED] = {"year_founded", FV_INT, 0, 0, 0, NULL},
    [F_PIB] = {"pib", FV_TEXT, 0, 0, 0, NULL},
    [F_MB] = {"mb", FV_TEXT, 0, 0, 0, NULL},
    [F_SECTORS] = {"sectors", FV_TEXT, FORM_MULTI, 0, 20, NULL},
    [F_FOS] = {"fos", FV_TEXT, FORM_MULTI, 0, 20, NULL},
    [F_GEO] = {"geo", FV_TEXT, FORM_MULTI, 0, 20, NULL},
};

/* form.h has no code for "not a valid value" yet; form_error_text() shows
 * its generic sentence ("This value is not valid.") for any code it does
 * not know, which is what a phone number with letters deserves. */

static const char *get_text(const org_rec *r, size_t i)
{
    assert(org_fields[i].type == ORG_FIELD_TEXT);
    return *(const char *const *)((const char *)r + org_fields[i].off);
}

static void set_text(org_rec *r, size_t i, const char *v)
{
    assert(org_fields[i].type == ORG_FIELD_TEXT);
    *(const char **)((char *)r + org_fields[i].off) = v;
}

static int64_t get_int(const org_rec *r, size_t i)
{
    assert(org_fields[i].type == ORG_FIELD_INT);
    return *(const int64_t *)((const char *)r + org_fields[i].off);
}

static void set_int(org_rec *r, size_t i, int64_t v)
{
    assert(org_fields[i].type == ORG_FIELD_INT);
    *(int64_t *)((char *)r + org_fields[i].off) = v;
}

static const char *const *get_list(const org_rec *r, size_t i, size_t *n)
{
    assert(org_fields[i].type == ORG_FIELD_LIST);
    *n = *(const size_t *)((const char *)r + org_fields[i].n_off);
    return *(const char *const *const *)((const char *)r + org_fields[i].off);
}

static void set_list(org_rec *r, size_t i, const char **v, size_t n)
{
    assert(org_fields[i].type == ORG_FIELD_LIST);
    *(const char ***)((char *)r + org_fields[i].off) = v;
    *(size_t *)((char *)r + org_fields[i].n_off) = n;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

/* Text equality where NULL and "" are the same (both mean "not given"). */
static bool text_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* True when field i holds the same value in a and b. */
static bool field_eq(const org_rec *a, const org_rec *b, size_t i)
{
    switch (org_fields[i].type) {
    case ORG_FIELD_TEXT:
        return text_eq(get_text(a, i), get_text(b, i));
    case ORG_FIELD_INT:
        return get_int(a, i) == get_int(b, i);
    case ORG_FIELD_LIST: {
        size_t na, nb;
        const char *const *la = get_list(a, i, &na);
        const char *const *lb = get_list(b, i, &nb);
        if (na != nb)
            return false;
        for (size_t k = 0; k < na; k++)
            if (!text_eq(la[k], lb[k]))
                return false;
        return true;
    }
    }
    return false;
}

static bool field_empty(const org_rec *r, size_t i)
{
    size_t n;
    switch (org_fields[i].type) {
    case ORG_FIELD_TEXT:
        return empty(get_text(r, i));
    case ORG_FIELD_INT:
        return get_int(r, i) == 0;
    case ORG_FIELD_LIST:
        get_list(r, i, &n);
        return n == 0;
    }
    return true;
}

/* --- small helpers --------------------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
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

static int64_t local_year(void)
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 9999; /* no clock: let any year past 1800 through */
    return (int64_t)tm.tm_year + 1900;
}

/* --- identifiers ---------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool org_pib_valid(const char *pib)
{
    if (!all_digits(pib, 9))
        return false;
    int c = 10;
    for (int i = 0; i < 8; i++) {
        c = (c + (pib[i] - '0')) % 10;
        if (c == 0)
            c = 10;
        c = (c * 2) % 11;
    }
    return (11 - c) % 10 == pib[8] - '0';
}

bool org_mb_valid(const char *mb)
{
    static const int weight[7] = {2, 7, 6, 5, 4, 3, 2};
    if (!all_digits(mb, 8))
        return false;
    int s = 0;
    for (int i = 0; i < 7; i++)
        s += weight[i] * (mb[i] - '0');
    int r = 11 - s % 11;
    if (r > 9)
        r = 0;
    return r == mb[7] - '0';
}

void org_slugify(buf *out, const char *name)
{
    buf folded = BUF_INIT;
    if (name)
        utf8_fold(&folded, name, strlen(name));
    if (buf_failed(&folded)) {
        out->failed = true;
        goto cleanup;
    }
    size_t len = 0;
    bool dash = false;
    for (const char *p = buf_str(&folded); *p && len < 60; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && len > 0 && len < 59) {
                buf_putc(out, '-');
                len++;
            }
            dash = false;
            buf_putc(out, c);
            len++;
        } else {
            dash = true;
        }
    }
cleanup:
    buf_free(&folded);
}

/* --- validation ------------------------------------------------------------------ */

static const char SQL_SLUG_TAKEN[] = "SELECT 1 FROM org WHERE slug = $1 AND id <> $2";
static const char SQL_PIB_TAKEN[] = "SELECT 1 FROM org WHERE pib = $1 AND id <> $2";
static const char SQL_MB_TAKEN[] = "SELECT 1 FROM org WHERE mb = $1 AND id <> $2";

/* *yes when sql (bound $1 = text, and $2 = id when id_too) returns a row. */
static db_status ask(db *d, const char *sql, const char *text, bool id_too, int64_t id, bool *yes)
{
    *yes = false;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, text);
    if (id_too)
        db_bind_int(s, 2, id);
    db_status st = db_step(s);
    db_reset(s);
    *yes = st == DB_ROW;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* The region of a district into *region (arena; NULL when unknown). */
static db_status district_region(db *d, arena *a, const char *district, const char **region)
{
    (void)a; /* the cached row lives as long as the process */
    const ref_item *it;
    db_status st = ref_get(d, "district", district, LANG_EN, &it);
    *region = st == DB_OK && it ? it->parent : NULL;
    return st;
}

/* *yes when code is a row of the reference table (ref.c's process-wide
 * cache: the tables are never written at run time). One SQL lookup per
 * code was 7% of an import's time at 100,000 entries (perf). */
static db_status ref_known(db *d, const char *table, const char *code, bool *yes)
{
    const ref_item *it;
    db_status st = ref_get(d, table, code, LANG_EN, &it);
    *yes = st == DB_OK && it;
    return st;
}

static void add_error(form_errors *errs, size_t field, form_error_code code, int64_t min,
                      int64_t max)
{
    if (errs->n_items >= sizeof errs->items / sizeof errs->items[0])
        return;
    form_error *e = &errs->items[errs->n_items++];
    e->field = org_fields[field].name;
    e->code = code;
    e->min = min;
    e->max = max;
}

static bool has_error(const form_errors *errs, size_t field)
{
    return form_error_for(errs, org_fields[field].name) != NULL;
}

/* Every code of a list field exists in the table behind sql. */
static db_status check_codes(db *d, const char *table, const form_value *v, size_t field,
                             form_errors *errs)
{
    for (size_t k = 0; k < v->n_list; k++) {
        bool yes;
        db_status st = ref_known(d, table, v->list[k], &yes);
        if (st != DB_OK)
            return st;
        if (!yes) {
            add_error(errs, field, FE_UNKNOWN_CODE, 0, 0);
            break;
        }
    }
    return DB_OK;
}

/* An identifier: checksum (FE_PIB / FE_MB), then not used by another entry. */
static db_status check_id_number(db *d, const form_value *v, size_t field,
                                 bool (*valid)(const char *), form_error_code bad,
                                 const char *sql_taken, int64_t self, form_errors *errs)
{
    if (!v->present || has_error(errs, field))
        return DB_OK;
    if (!valid(v->text)) {
        add_error(errs, field, bad, 0, 0);
        return DB_OK;
    }
    bool taken;
    db_status st = ask(d, sql_taken, v->text, true, self, &taken);
    if (st == DB_OK && taken)
        add_error(errs, field, FE_TAKEN, 0, 0);
    return st;
}

static bool phone_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || strchr(" +()/-", *s)))
            return false;
    return true;
}

db_status org_validate(db *d, const org_rec *in, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form f = {NULL, 0};
    form_value vals[ORG_N_FIELDS];
    db_status st = DB_OK;

    /* The record as a posted form: one field per text, one per list item. */
    size_t n_fields = 0;
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        size_t n = 0;
        if (org_fields[i].type == ORG_FIELD_TEXT) {
            n_fields += get_text(in, i) != NULL;
        } else if (org_fields[i].type == ORG_FIELD_LIST) {
            get_list(in, i, &n);
            n_fields += n;
        }
    }
    if (n_fields) {
        f.fields = arena_zalloc(&a, n_fields * sizeof *f.fields);
        if (!f.fields) {
            st = DB_NOMEM;
            goto cleanup;
        }
    }
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        if (org_fields[i].type == ORG_FIELD_TEXT && get_text(in, i)) {
            form_field *fld = &f.fields[f.n_fields++];
            fld->name = org_fields[i].name;
            fld->value = get_text(in, i);
            fld->value_len = strlen(fld->value);
        } else if (org_fields[i].type == ORG_FIELD_LIST) {
            size_t n;
            const char *const *l = get_list(in, i, &n);
            for (size_t k = 0; k < n; k++) {
                form_field *fld = &f.fields[f.n_fields++];
                fld->name = org_fields[i].name;
                fld->value = l[k] ? l[k] : "";
                fld->value_len = strlen(fld->value);
            }
        }
    }
    form_validate(&a, &f, org_rules, ORG_N_FIELDS, vals, errs);

    int64_t year = in->year_founded, this_year = local_year();
    if (year != 0 && (year < ORG_YEAR_MIN || year > this_year))
        add_error(errs, F_YEAR_FOUNDED, FE_RANGE, ORG_YEAR_MIN, this_year);

    bool yes;
    if (vals[F_SLUG].present && !has_error(errs, F_SLUG)) {
        if ((st = ask(d, SQL_SLUG_TAKEN, vals[F_SLUG].text, true, in->id, &yes)) != DB_OK)
            goto cleanup;
        if (yes)
            add_error(errs, F_SLUG, FE_TAKEN, 0, 0);
    }
    if (vals[F_KIND].present && !has_error(errs, F_KIND)) {
        if ((st = ref_known(d, "kind", vals[F_KIND].text, &yes)) != DB_OK)
            goto cleanup;
        if (!yes)
            add_error(errs, F_KIND, FE_UNKNOWN_CODE, 0, 0);
    }
    if (vals[F_PHONE].present && !has_error(errs, F_PHONE) && !phone_ok(vals[F_PHONE].text))
        add_error(errs, F_PHONE, FE_INVALID, 0, 0);
    if (vals[F_COUNTRY].present && !has_error(errs, F_COUNTRY)) {
        const char *c = vals[F_COUNTRY].text;
        if (!(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] == '\0'))
            add_error(errs, F_COUNTRY, FE_UNKNOWN_CODE, 0, 0);
    }
    st =
        check_id_number(d, &vals[F_PIB], F_PIB, org_pib_valid, FE_PIB, SQL_PIB_TAKEN, in->id, errs);
    if (st == DB_OK)
        st = check_id_number(d, &vals[F_MB], F_MB, org_mb_valid, FE_MB, SQL_MB_TAKEN, in->id, errs);
    if (st == DB_OK && !has_error(errs, F_SECTORS))
        st = check_codes(d, "nace", &vals[F_SECTORS], F_SECTORS, errs);
    if (st == DB_OK && !has_error(errs, F_FOS))
        st = check_codes(d, "fos", &vals[F_FOS], F_FOS, errs);
    if (st == DB_OK && !has_error(errs, F_GEO))
        st = check_codes(d, "geo", &vals[F_GEO], F_GEO, errs);
    if (st != DB_OK)
        goto cleanup;

    /* District and region: each known, and the district inside the region. */
    const char *district_of = NULL;
    bool region_ok = false;
    if (vals[F_REGION].present && !has_error(errs, F_REGION)) {
        if ((st = ref_known(d, "region", vals[F_REGION].text, &yes)) != DB_OK)
            goto cleanup;
        if (!yes)
            add_error(errs, F_REGION, FE_UNKNOWN_CODE, 0, 0);
        region_ok = yes;
    }
    if (vals[F_DISTRICT].present && !has_error(errs, F_DISTRICT)) {
        if ((st = district_region(d, &a, vals[F_DISTRICT].text, &district_of)) != DB_OK)
            goto cleanup;
        if (!district_of)
            add_error(errs, F_DISTRICT, FE_UNKNOWN_CODE, 0, 0);
        else if (region_ok && strcmp(district_of, vals[F_REGION].text) != 0)
            add_error(errs, F_DISTRICT, FE_MISMATCH, 0, 0);
    }
cleanup:
    arena_free(&a);
    return st;
}

/* --- reading ----------------------------------------------------------------------- */

/* The full row: id, then org_fields 0..20 in order, then the rest. */
#define ORG_FULL_COLS                                                                              \
    "o.id, o.slug, o.name, o.name_en, o.acronym, o.kind, o.status, o.short_sr, o.short_en,"        \
    " o.description_sr, o.description_en, o.website, o.email, o.phone, o.address,"                 \
    " o.municipality, o.district, o.region, o.country, o.year_founded, o.pib, o.mb,"               \
    " o.is_demo, o.created_at, coalesce(o.created_by, 0), o.updated_at,"                           \
    " coalesce(o.updated_by, 0),"                                                                  \
    " EXISTS (SELECT 1 FROM org_logo l WHERE l.org_id = o.id),"                                    \
    " (SELECT coalesce(max(r.rev), 0) FROM org_revision r WHERE r.org_id = o.id)"
enum { FULL_FIRST_FIELD = 1, FULL_IS_DEMO = 22 };

static const char SQL_GET_BY_SLUG[] = "SELECT " ORG_FULL_COLS " FROM org o WHERE o.slug = $1";
static const char SQL_GET_BY_ID[] = "SELECT " ORG_FULL_COLS " FROM org o WHERE o.id = $1";

/* The summary row of lists (org.h's org_list_result). */
#define ORG_SUMMARY_COLS                                                                           \
    "o.id, o.slug, o.name, o.name_en, o.acronym, o.kind, o.status, o.municipality,"                \
    " o.district, o.region, o.year_founded, o.short_sr, o.short_en, o.updated_at, o.is_demo"

/* The classification tables, index for index with the list fields. */
static const struct code_table {
    size_t field;
    const char *sql_get, *sql_delete, *sql_insert;
} code_tables[3] = {
    {F_SECTORS, "SELECT code FROM org_sector WHERE org_id = $1 ORDER BY code",
     "DELETE FROM org_sector WHERE org_id = $1",
     "INSERT INTO org_sector(org_id, code) VALUES ($1, $2)"},
    {F_FOS, "SELECT code FROM org_fos WHERE org_id = $1 ORDER BY code",
     "DELETE FROM org_fos WHERE org_id = $1", "INSERT INTO org_fos(org_id, code) VALUES ($1, $2)"},
    {F_GEO, "SELECT code FROM org_geo WHERE org_id = $1 ORDER BY code",
     "DELETE FROM org_geo WHERE org_id = $1", "INSERT INTO org_geo(org_id, code) VALUES ($1, $2)"},
};

/* Reads the full row of s into *r (arena copies). */
static bool read_full(arena *a, db_stmt *s, org_rec *r)
{
    bool oom = false;
    memset(r, 0, sizeof *r);
    r->id = db_col_int(s, 0);
    for (size_t i = F_SLUG; i <= F_MB; i++) {
        int col = FULL_FIRST_FIELD + (int)i;
        if (org_fields[i].type == ORG_FIELD_INT)
            set_int(r, i, db_col_is_null(s, col) ? 0 : db_col_int(s, col));
        else
            set_text(r, i, db_col_dup(a, s, col, &oom));
    }
    r->is_demo = db_col_int(s, FULL_IS_DEMO) != 0;
    r->created_at = db_col_int(s, FULL_IS_DEMO + 1);
    r->created_by = db_col_int(s, FULL_IS_DEMO + 2);
    r->updated_at = db_col_int(s, FULL_IS_DEMO + 3);
    r->updated_by = db_col_int(s, FULL_IS_DEMO + 4);
    r->has_logo = db_col_int(s, FULL_IS_DEMO + 5) != 0;
    r->rev = db_col_int(s, FULL_IS_DEMO + 6);
    return !oom;
}

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

static void code_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    *(const char **)item = db_col_dup(a, s, 0, oom);
}

/* The codes of one classification table for entry id (arena). */
static db_status load_codes(db *d, arena *a, const struct code_table *t, int64_t id, org_rec *r)
{
    db_stmt *s = db_prepare(d, t->sql_get);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    const char **items = NULL;
    size_t n = 0;
    db_status st = db_collect(s, a, (void **)&items, &n, sizeof *items, code_row, NULL);
    if (st != DB_OK)
        return st;
    set_list(r, t->field, items, n);
    return DB_OK;
}

db_status org_get(db *d, arena *a, const char *slug, int64_t id, org_rec *out, bool *found)
{
    assert(d && a && out && found);
    *found = false;
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prepare(d, slug ? SQL_GET_BY_SLUG : SQL_GET_BY_ID);
    if (!s)
        return DB_ERR;
    if (slug)
        db_bind_text(s, 1, slug);
    else
        db_bind_int(s, 1, id);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        st = read_full(a, s, out) ? DB_OK : DB_NOMEM;
        *found = st == DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    for (size_t k = 0; st == DB_OK && *found && k < 3; k++)
        st = load_codes(d, a, &code_tables[k], out->id, out);
    if (st != DB_OK)
        *found = false;
    return st;
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
        " LIMIT $8 + $9) UNION ALL SELECT * FROM (SELECT " ORG_SUMMARY_COLS FROM_ORG,              \
        FILTERS,                                                                                   \
        " AND o.year_founded IS NULL ORDER BY o.id " dir " LIMIT $8 + $9)"                         \
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
        ", o.id " dir " LIMIT $8) UNION ALL SELECT * FROM (SELECT " ORG_SUMMARY_COLS FROM_ORG,     \
        FILTERS,                                                                                   \
        " AND o.year_founded IS NULL AND o.id " cmp " (SELECT CASE WHEN year_founded IS NULL"      \
        " THEN id ELSE " undated " END FROM org WHERE id = $9) ORDER BY o.id " dir " LIMIT $8)"    \
        " LIMIT $8",                                                                               \
        NULL

static const char *const list_parts[V__COUNT][8] = {
    [V_COUNT] = {"SELECT count(*)" FROM_ORG, FILTERS, NULL},
    [V_KEYSET] = {"SELECT " ORG_SUMMARY_COLS FROM_ORG, FILTERS,
                  " AND o.id > $9 ORDER BY o.id LIMIT $8", NULL},
    [V_NAME] = {PAGE("o.name_folded, o.id")},
    [V_NAME_DESC] = {PAGE("o.name_folded DESC, o.id DESC")},
    [V_UPDATED] = {PAGE("o.updated_at, o.id")},
    [V_UPDATED_DESC] = {PAGE("o.updated_at DESC, o.id DESC")},
    [V_FOUNDED] = {PAGE_FOUNDED("")},
    [V_FOUNDED_DESC] = {PAGE_FOUNDED("DESC")},
    [V_AFTER_NAME] = {AFTER(">", "o.name_folded, o.id", "o.name_folded, o.id")},
    [V_AFTER_NAME_DESC] = {AFTER("<", "o.name_folded, o.id", "o.name_folded DESC, o.id DESC")},
    [V_AFTER_UPDATED] = {AFTER(">", "o.updated_at, o.id", "o.updated_at, o.id")},
    [V_AFTER_UPDATED_DESC] = {AFTER("<", "o.updated_at, o.id", "o.updated_at DESC, o.id DESC")},
    [V_AFTER_FOUNDED] = {AFTER_FOUNDED(">", "", "0")},
    [V_AFTER_FOUNDED_DESC] = {AFTER_FOUNDED("<", "DESC", "9223372036854775807")},
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
 * kind applies, per status or summed over all of them. */
static const char SQL_FACET_STORED[] =
    "SELECT code, sum(n) FROM org_facet_count WHERE status = $1 AND facet = $2"
    " GROUP BY code HAVING sum(n) > 0 ORDER BY code";
static const char SQL_FACET_STORED_ANY[] =
    "SELECT code, sum(n) FROM org_facet_count WHERE facet = $2 GROUP BY code"
    " HAVING sum(n) > 0 ORDER BY code";
static const char SQL_FACET_STORED_KIND[] =
    "SELECT code, n FROM org_facet_count WHERE status = $1 AND kind = $3 AND facet = $2"
    " AND n > 0 ORDER BY code";
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

    db_stmt *s = list_prepare(d, V_COUNT, mask, vals);
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

/* --- snapshots ---------------------------------------------------------------------------- */

void org_snapshot(buf *out, const org_rec *r)
{
    buf_putc(out, '{');
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        json_put_key(out, org_fields[i].name, i == 0);
        switch (org_fields[i].type) {
        case ORG_FIELD_TEXT: {
            const char *v = get_text(r, i);
            json_put_string(out, empty(v) ? NULL : v);
            break;
        }
        case ORG_FIELD_INT:
            if (get_int(r, i))
                json_put_int(out, get_int(r, i));
            else
                buf_puts(out, "null");
            break;
        case ORG_FIELD_LIST: {
            size_t n;
            const char *const *l = get_list(r, i, &n);
            buf_putc(out, '[');
            for (size_t k = 0; k < n; k++) {
                if (k)
                    buf_putc(out, ',');
                json_put_string(out, l[k] ? l[k] : "");
            }
            buf_putc(out, ']');
            break;
        }
        }
    }
    buf_putc(out, '}');
}

static ssize_t field_index(const char *name)
{
    for (size_t i = 0; i < ORG_N_FIELDS; i++)
        if (strcmp(org_fields[i].name, name) == 0)
            return (ssize_t)i;
    return -1;
}

/* An arena copy of a JSON string without NUL bytes, or NULL (why set). */
static const char *json_text(arena *a, const json_t *v, const char *key, buf *why)
{
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (memchr(s, '\0', len)) {
        buf_printf(why, "%s: must not contain NUL characters", key);
        return NULL;
    }
    char *c = arena_strndup(a, s, len);
    if (!c)
        buf_puts(why, "out of memory");
    return c;
}

bool org_from_json(arena *a, const struct json_t *obj, org_rec *out, bool *present, buf *why)
{
    memset(out, 0, sizeof *out);
    if (present)
        memset(present, 0, ORG_N_FIELDS * sizeof *present);
    if (!json_is_object(obj)) {
        buf_puts(why, "expected an object with the entry's fields");
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        ssize_t i = field_index(key);
        if (i < 0) {
            buf_printf(why, "unknown field \"%.40s\"", key);
            return false;
        }
        if (present)
            present[i] = true;
        if (json_is_null(v))
            continue;
        switch (org_fields[i].type) {
        case ORG_FIELD_TEXT: {
            if (!json_is_string(v)) {
                buf_printf(why, "%s: must be a string or null", key);
                return false;
            }
            const char *t = json_text(a, v, key, why);
            if (!t)
                return false;
            set_text(out, (size_t)i, t);
            break;
        }
        case ORG_FIELD_INT: {
            int64_t n = 0;
            if (json_is_integer(v))
                n = (int64_t)json_integer_value(v);
            else if (!json_is_string(v) ||
                     (*json_string_value(v) && !str_to_i64(json_string_value(v), &n))) {
                buf_printf(why, "%s: must be a whole number or null", key);
                return false;
            }
            set_int(out, (size_t)i, n);
            break;
        }
        case ORG_FIELD_LIST: {
            if (!json_is_array(v)) {
                buf_printf(why, "%s: must be a list of codes", key);
                return false;
            }
            size_t n = json_array_size(v);
            const char **l = n ? arena_alloc(a, n * sizeof *l) : NULL;
            if (n && !l) {
                buf_puts(why, "out of memory");
                return false;
            }
            for (size_t k = 0; k < n; k++) {
                json_t *e = json_array_get(v, k);
                if (!json_is_string(e)) {
                    buf_printf(why, "%s: must be a list of codes", key);
                    return false;
                }
                if (!(l[k] = json_text(a, e, key, why)))
                    return false;
            }
            set_list(out, (size_t)i, l, n);
            break;
        }
        }
    }
    return true;
}

/* --- writing ------------------------------------------------------------------------------ */

/* s without surrounding ASCII whitespace, NULL when nothing is left; for
 * multiline text CRLF and CR become LF. Returns s itself when unchanged. */
static const char *norm_text(arena *a, const char *s, bool multiline, bool *oom)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    const char *p = s;
    while (n > 0 && is_space(p[0]))
        p++, n--;
    while (n > 0 && is_space(p[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    bool cr = multiline && memchr(p, '\r', n);
    if (!cr && p == s && p[n] == '\0')
        return s;
    char *t = arena_alloc(a, n + 1);
    if (!t) {
        *oom = true;
        return NULL;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (cr && p[i] == '\r') {
            t[j++] = '\n';
            if (i + 1 < n && p[i + 1] == '\n')
                i++;
        } else {
            t[j++] = p[i];
        }
    }
    t[j] = '\0';
    return t;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The record as it will be stored (see org_put). Strings point into in or
 * into a. */
static db_status normalize(arena *a, const org_rec *in, org_rec *n)
{
    bool oom = false;
    *n = *in;
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        if (org_fields[i].type == ORG_FIELD_TEXT) {
            bool multi = org_rules[i].kind == FV_MULTILINE;
            set_text(n, i, norm_text(a, get_text(in, i), multi, &oom));
        } else if (org_fields[i].type == ORG_FIELD_LIST) {
            size_t cnt, m = 0;
            const char *const *l = get_list(in, i, &cnt);
            const char **c = cnt ? arena_alloc(a, cnt * sizeof *c) : NULL;
            if (cnt && !c)
                return DB_NOMEM;
            for (size_t k = 0; k < cnt; k++) {
                const char *t = norm_text(a, l[k], false, &oom);
                if (t)
                    c[m++] = t;
            }
            if (m > 1)
                qsort(c, m, sizeof *c, cmp_str);
            size_t u = 0;
            for (size_t k = 0; k < m; k++)
                if (u == 0 || strcmp(c[u - 1], c[k]) != 0)
                    c[u++] = c[k];
            set_list(n, i, c, u);
        }
    }
    return oom ? DB_NOMEM : DB_OK;
}

/* New entries take the next id above every id ever used, the deleted
 * ones' revisions included, so a new entry never inherits an old history. */
static const char SQL_INSERT[] =
    "INSERT INTO org(id, slug, name, name_en, acronym, kind, status, short_sr, short_en,"
    " description_sr, description_en, website, email, phone, address, municipality,"
    " district, region, country, year_founded, pib, mb, name_folded, is_demo,"
    " created_at, created_by, updated_at, updated_by)"
    " VALUES (coalesce($26, max(coalesce((SELECT max(id) FROM org), 0),"
    "                       coalesce((SELECT max(org_id) FROM org_revision), 0)) + 1),"
    " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,"
    " $20, $21, $22, $23, $24, nullif($25, 0), $24, nullif($25, 0))";
static const char SQL_UPDATE[] =
    "UPDATE org SET slug = $1, name = $2, name_en = $3, acronym = $4, kind = $5, status = $6,"
    " short_sr = $7, short_en = $8, description_sr = $9, description_en = $10, website = $11,"
    " email = $12, phone = $13, address = $14, municipality = $15, district = $16,"
    " region = $17, country = $18, year_founded = $19, pib = $20, mb = $21,"
    " name_folded = $22, updated_at = $24, updated_by = nullif($25, 0) WHERE id = $26";
static const char SQL_REVISION[] =
    "INSERT INTO org_revision(org_id, rev, at, actor_id, action, snapshot)"
    " VALUES ($1, (SELECT coalesce(max(rev), 0) + 1 FROM org_revision WHERE org_id = $1),"
    " $2, nullif($3, 0), $4, $5)";
static const char SQL_TOUCH[] =
    "UPDATE org SET updated_at = $2, updated_by = nullif($3, 0) WHERE id = $1";

/* INSERT (id = forced id or 0 for the next one) or UPDATE of n's row. */
static db_status write_row(db *d, const org_rec *n, bool insert, int64_t forced_id,
                           int64_t actor_id, int64_t now, int64_t *id)
{
    buf folded = BUF_INIT;
    utf8_fold(&folded, n->name, strlen(n->name));
    if (buf_failed(&folded))
        return DB_NOMEM;
    db_status st = DB_ERR;
    db_stmt *s = db_prepare(d, insert ? SQL_INSERT : SQL_UPDATE);
    if (!s)
        goto cleanup;
    for (size_t i = F_SLUG; i <= F_MB; i++) {
        if (org_fields[i].type == ORG_FIELD_INT) {
            if (get_int(n, i))
                db_bind_int(s, (int)i + 1, get_int(n, i));
            else
                db_bind_null(s, (int)i + 1);
        } else {
            db_bind_text(s, (int)i + 1, get_text(n, i));
        }
    }
    db_bind_text(s, 22, buf_str(&folded));
    if (insert)
        db_bind_int(s, 23, n->is_demo ? 1 : 0);
    db_bind_int(s, 24, now);
    db_bind_int(s, 25, actor_id);
    if (!insert || forced_id)
        db_bind_int(s, 26, insert ? forced_id : n->id);
    st = db_run(s);
    if (st == DB_OK)
        *id = insert ? db_last_id(d) : n->id;
cleanup:
    buf_free(&folded);
    return st;
}

/* Replaces the codes of one classification table (a new entry has none
 * to delete). */
static db_status replace_codes(db *d, const struct code_table *t, int64_t id, const org_rec *n,
                               bool is_new)
{
    db_stmt *s;
    db_status st = DB_OK;
    if (!is_new) {
        if (!(s = db_prepare(d, t->sql_delete)))
            return DB_ERR;
        db_bind_int(s, 1, id);
        st = db_run(s);
    }
    size_t cnt;
    const char *const *l = get_list(n, t->field, &cnt);
    for (size_t k = 0; st == DB_OK && k < cnt; k++) {
        if (!(s = db_prepare(d, t->sql_insert)))
            return DB_ERR;
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, l[k]);
        st = db_run(s);
    }
    return st;
}

static db_status add_revision(db *d, int64_t id, int64_t now, int64_t actor_id, const char *action,
                              const char *snapshot)
{
    db_stmt *s = db_prepare(d, SQL_REVISION);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, actor_id);
    db_bind_text(s, 4, action);
    db_bind_text(s, 5, snapshot);
    return db_run(s);
}

/* The directory changed: tx_bump, the one place that bumps a version. */
static db_status bump_version(db *d, int64_t now)
{
    return tx_bump(d, TX_DIRECTORY);
}

static void put_word(buf *b, const char *s)
{
    if (empty(s))
        return;
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, s);
}

/* The labels, in English and in Serbian, of everything an entry is
 * classified by: kind, district, region, every sector and field of
 * science with the section or field above it, and every geographical
 * focus, from the process-wide reference cache (ref.c). A statement that
 * read them back from the rows just written was 12% of an import's time
 * at 100,000 entries (perf). Serbian Latin is not added: search folds
 * Cyrillic to Latin, so the Cyrillic label answers queries in either
 * script and in ASCII. */
static db_status put_labels(db *d, buf *body, const char *table, const char *code, bool with_parent)
{
    const ref_item *en, *sr;
    db_status st = ref_get(d, table, code, LANG_EN, &en);
    if (st == DB_OK)
        st = ref_get(d, table, code, LANG_SR_CYRL, &sr);
    if (st != DB_OK || !en || !sr)
        return st; /* an unknown code has no label (validation refuses them) */
    put_word(body, en->label);
    put_word(body, sr->label);
    if (with_parent && en->parent)
        st = put_labels(d, body, table, en->parent, false);
    return st;
}

/* The search document: title = names and acronym; body = descriptions,
 * municipality and the labels above. Call after the entry's rows are
 * written. */
static db_status put_search(db *d, int64_t id, const org_rec *n, bool bulk)
{
    buf title = BUF_INIT, body = BUF_INIT;
    db_status st = DB_ERR;
    put_word(&title, n->name);
    put_word(&title, n->name_en);
    put_word(&title, n->acronym);
    put_word(&body, n->short_sr);
    put_word(&body, n->short_en);
    put_word(&body, n->description_sr);
    put_word(&body, n->description_en);
    put_word(&body, n->municipality);
    if ((st = put_labels(d, &body, "kind", n->kind, false)) != DB_OK ||
        (st = put_labels(d, &body, "district", n->district, false)) != DB_OK ||
        (st = put_labels(d, &body, "region", n->region, false)) != DB_OK)
        goto cleanup;
    for (size_t k = 0; k < n->n_sectors; k++)
        if ((st = put_labels(d, &body, "nace", n->sectors[k], true)) != DB_OK)
            goto cleanup;
    for (size_t k = 0; k < n->n_fos; k++)
        if ((st = put_labels(d, &body, "fos", n->fos[k], true)) != DB_OK)
            goto cleanup;
    for (size_t k = 0; k < n->n_geo; k++)
        if ((st = put_labels(d, &body, "geo", n->geo[k], false)) != DB_OK)
            goto cleanup;
    if (buf_failed(&title) || buf_failed(&body)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    st = (bulk ? search_put_pending : search_put)(d, "org", id, buf_str(&title), buf_str(&body));
cleanup:
    buf_free(&title);
    buf_free(&body);
    return st;
}

/* {"fields":["name","website"]}: names only, never values (audit.h). */
static void put_fields_detail(buf *b, const char *const *names, size_t n)
{
    buf_puts(b, "{\"fields\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        json_put_string(b, names[i]);
    }
    buf_puts(b, "]}");
}

/* --- stored facet counts ------------------------------------------------------------
 *
 * org_facet_count (migration 0009) holds per status what the facet
 * statements give with no filter but the status; the writers here keep it
 * in their transaction: an entry's (facet, code) pairs are read before and
 * after a write, the old ones taken at the old status and the new ones
 * added at the new one. Done here rather than by triggers on org and its
 * code tables: a trigger makes each of those statements open a statement
 * savepoint, and FTS5 flushes its pending index at every savepoint, which
 * made the 10,000-entry import twice as slow. The same comparison drops
 * the stored figures totals grouped by sector, region or district when a
 * cluster member's code for that grouping changes. */

static const char SQL_FACET_STATUS[] = "SELECT status, coalesce(kind, '') FROM org WHERE id = $1";
/* The pairs an entry counts in: the trees count a top-level code once and
 * each sub-code it has (as TREE_FACET). */
static const char SQL_FACET_PAIRS[] =
    "SELECT 'kind', kind FROM org WHERE id = $1 AND kind IS NOT NULL"
    " UNION SELECT 'region', region FROM org WHERE id = $1 AND region IS NOT NULL"
    " UNION SELECT 'district', district FROM org WHERE id = $1 AND district IS NOT NULL"
    " UNION SELECT 'geo', code FROM org_geo WHERE org_id = $1"
    " UNION SELECT 'sector', coalesce(n.parent, s.code) FROM org_sector s JOIN ref_nace n"
    " ON n.code = s.code WHERE s.org_id = $1"
    " UNION SELECT 'sector', s.code FROM org_sector s JOIN ref_nace n ON n.code = s.code"
    " WHERE s.org_id = $1 AND n.parent IS NOT NULL"
    " UNION SELECT 'fos', coalesce(n.parent, s.code) FROM org_fos s JOIN ref_fos n"
    " ON n.code = s.code WHERE s.org_id = $1"
    " UNION SELECT 'fos', s.code FROM org_fos s JOIN ref_fos n ON n.code = s.code"
    " WHERE s.org_id = $1 AND n.parent IS NOT NULL";
static const char SQL_FACET_TAKE[] =
    "UPDATE org_facet_count SET n = n - 1"
    " WHERE status = $1 AND kind = $4 AND facet = $2 AND code = $3";
static const char SQL_FACET_ADD[] =
    "INSERT INTO org_facet_count(status, kind, facet, code, n) VALUES ($1, $4, $2, $3, 1)"
    " ON CONFLICT(status, kind, facet, code) DO UPDATE SET n = n + 1";
static const char SQL_FIG_MEMBER[] = "SELECT 1 FROM cluster_member WHERE org_id = $1 LIMIT 1";
static const char SQL_FIG_DROP_DONE[] = "DELETE FROM figure_total_done WHERE grp = $1";
static const char SQL_FIG_DROP_ROWS[] = "DELETE FROM figure_total_row WHERE grp = $1";

typedef struct facet_pair {
    const char *facet, *code;
} facet_pair;

typedef struct facet_snap {
    const char *status; /* NULL: no such entry */
    const char *kind;   /* "" for none */
    facet_pair *pairs;
    size_t n;
} facet_snap;

static void facet_pair_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    facet_pair *p = item;
    p->facet = db_col_dup(a, s, 0, oom);
    p->code = db_col_dup(a, s, 1, oom);
}

/* The entry's status and pairs now (arena); status NULL when id is 0 or
 * no entry has it. */
static db_status facet_snapshot(db *d, arena *a, int64_t id, facet_snap *out)
{
    memset(out, 0, sizeof *out);
    if (id <= 0)
        return DB_OK;
    db_stmt *s = db_prepare(d, SQL_FACET_STATUS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    bool oom = false;
    if (st == DB_ROW) {
        out->status = db_col_dup(a, s, 0, &oom);
        out->kind = db_col_dup(a, s, 1, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st;
    if (!(s = db_prepare(d, SQL_FACET_PAIRS)))
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect(s, a, (void **)&out->pairs, &out->n, sizeof *out->pairs, facet_pair_row,
                      NULL);
}

static bool has_pair(const facet_snap *x, const facet_pair *p)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->pairs[i].facet, p->facet) == 0 && strcmp(x->pairs[i].code, p->code) == 0)
            return true;
    return false;
}

static db_status facet_bump(db *d, const char *sql, const facet_snap *x, const facet_pair *p)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, x->status);
    db_bind_text(s, 2, p->facet);
    db_bind_text(s, 3, p->code);
    db_bind_text(s, 4, x->kind ? x->kind : "");
    return db_run(s);
}

/* Moves entry id's counts from before to after (either may be empty) and
 * drops the figures totals a member's changed grouping makes stale. In
 * the caller's write transaction. */
static db_status facet_apply(db *d, int64_t id, const facet_snap *before, const facet_snap *after)
{
    bool same_status = before->status && after->status &&
                       strcmp(before->status, after->status) == 0 &&
                       strcmp(before->kind, after->kind) == 0; /* the same counts' key */
    db_status st = DB_OK;
    bool changed[3] = {false, false, false}; /* sector, region, district */
    static const char *const fig_facet[3] = {"sector", "region", "district"};
    for (size_t i = 0; st == DB_OK && i < before->n; i++) {
        const facet_pair *p = &before->pairs[i];
        bool kept = has_pair(after, p);
        for (int g = 0; g < 3; g++)
            changed[g] |= !kept && strcmp(p->facet, fig_facet[g]) == 0;
        if (!same_status || !kept)
            st = facet_bump(d, SQL_FACET_TAKE, before, p);
    }
    for (size_t i = 0; st == DB_OK && i < after->n; i++) {
        const facet_pair *p = &after->pairs[i];
        bool had = has_pair(before, p);
        for (int g = 0; g < 3; g++)
            changed[g] |= !had && strcmp(p->facet, fig_facet[g]) == 0;
        if (!same_status || !had)
            st = facet_bump(d, SQL_FACET_ADD, after, p);
    }
    if (st != DB_OK || !(changed[0] || changed[1] || changed[2]) || !before->status)
        return st;
    db_stmt *s = db_prepare(d, SQL_FIG_MEMBER);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    st = db_step(s);
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st; /* not a member: counted nowhere */
    st = DB_OK;
    for (int g = 0; st == DB_OK && g < 3; g++) {
        for (int k = 0; st == DB_OK && changed[g] && k < 2; k++) {
            if (!(s = db_prepare(d, k ? SQL_FIG_DROP_ROWS : SQL_FIG_DROP_DONE)))
                return DB_ERR;
            db_bind_int(s, 1, g + 2); /* FIG_GROUP_SECTOR, _REGION, _DISTRICT */
            st = db_run(s);
        }
    }
    return st;
}

static db_status acc_add(db *d, org_facet_acc *acc, const org_rec *n);

/* The one writer (see org_put). audit_action NULL means org_create or
 * org_update; recreate lets a restore bring back a deleted entry under
 * its old id. */
static db_status put_tx(db *d, const org_rec *in, const char *rev_action, const char *audit_action,
                        bool recreate, org_facet_acc *bulk, int64_t actor_id, const char *ip,
                        form_errors *errs, org_put_result *res)
{
    assert(d && in && rev_action && res);
    assert(db_in_tx(d));
    form_errors local;
    memset(&local, 0, sizeof local);
    if (!errs)
        errs = &local;
    size_t errs_before = errs->n_items;
    arena a = ARENA_INIT;
    buf snap = BUF_INIT, detail = BUF_INIT;
    org_rec n, old;
    bool found = false;
    memset(res, 0, sizeof *res);
    memset(&old, 0, sizeof old);

    db_status st = normalize(&a, in, &n);
    if (st != DB_OK)
        goto cleanup;
    if (n.id) {
        if ((st = org_get(d, &a, NULL, n.id, &old, &found)) != DB_OK)
            goto cleanup;
        if (!found && !recreate) {
            st = DB_DONE;
            goto cleanup;
        }
    }
    if (!n.status)
        n.status = found ? old.status : "draft";
    if (!n.country)
        n.country = "RS";
    if (n.district && !n.region && (st = district_region(d, &a, n.district, &n.region)) != DB_OK)
        goto cleanup;
    if ((st = org_validate(d, &n, errs)) != DB_OK)
        goto cleanup;
    if (errs->n_items > errs_before) {
        st = DB_CONSTRAINT;
        goto cleanup;
    }

    for (size_t i = 0; i < ORG_N_FIELDS; i++)
        if (found ? !field_eq(&old, &n, i) : !field_empty(&n, i))
            res->changed[res->n_changed++] = org_fields[i].name;
    res->id = n.id;
    res->created = !found;
    if (found && res->n_changed == 0)
        goto cleanup; /* nothing changed: nothing written, no revision */

    int64_t now = time_now();
    facet_snap before, after;
    bool counted = !(bulk && !found); /* org_put_bulk: counted in bulk, added by org_facets_add */
    if (counted && (st = facet_snapshot(d, &a, found ? old.id : 0, &before)) != DB_OK)
        goto cleanup;
    if ((st = write_row(d, &n, !found, found ? 0 : n.id, actor_id, now, &res->id)) != DB_OK)
        goto cleanup;
    for (size_t k = 0; k < 3; k++) {
        size_t f = code_tables[k].field;
        if (found && field_eq(&old, &n, f))
            continue;
        if ((st = replace_codes(d, &code_tables[k], res->id, &n, !found)) != DB_OK)
            goto cleanup;
    }
    if (counted && ((st = facet_snapshot(d, &a, res->id, &after)) != DB_OK ||
                    (st = facet_apply(d, res->id, &before, &after)) != DB_OK))
        goto cleanup;
    if (!counted && (st = acc_add(d, bulk, &n)) != DB_OK)
        goto cleanup;
    org_snapshot(&snap, &n);
    put_fields_detail(&detail, res->changed, res->n_changed);
    if (buf_failed(&snap) || buf_failed(&detail)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if ((st = add_revision(d, res->id, now, actor_id, rev_action, buf_str(&snap))) != DB_OK)
        goto cleanup;
    if ((st = put_search(d, res->id, &n, bulk != NULL)) != DB_OK)
        goto cleanup;
    if (!audit_action)
        audit_action = found ? "org_update" : "org_create";
    st = audit_add(d, actor_id, ip, audit_action, "org", res->id, buf_str(&detail));
    if (st == DB_OK && bulk)
        bulk->writes++; /* org_facets_add bumps the version once for all */
    else if (st == DB_OK)
        st = bump_version(d, now);
cleanup:
    arena_free(&a);
    buf_free(&snap);
    buf_free(&detail);
    return st;
}

db_status org_put(db *d, const org_rec *in, const char *rev_action, int64_t actor_id,
                  const char *ip, form_errors *errs, org_put_result *res)
{
    return put_tx(d, in, rev_action, NULL, false, NULL, actor_id, ip, errs, res);
}

db_status org_put_bulk(db *d, const org_rec *in, const char *rev_action, int64_t actor_id,
                       org_facet_acc *acc, form_errors *errs, org_put_result *res)
{
    assert(acc && acc->a);
    return put_tx(d, in, rev_action, NULL, false, acc, actor_id, NULL, errs, res);
}

/* The slot of (status, kind, facet, code) in acc, NULL on OOM. */
static struct org_facet_slot *acc_slot(org_facet_acc *acc, const char *status, const char *kind,
                                       const char *facet, const char *code)
{
    if ((acc->n + 1) * 2 > acc->cap) { /* grow: rehash into twice the room */
        size_t cap = acc->cap ? acc->cap * 2 : 256;
        struct org_facet_slot *slots = arena_zalloc(acc->a, cap * sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < acc->cap; i++) {
            const struct org_facet_slot *o = &acc->slots[i];
            if (!o->facet)
                continue;
            uint64_t h = 1469598103934665603ULL;
            for (const char *const *k =
                     (const char *const[]){o->status, o->kind, o->facet, o->code, NULL};
                 *k; k++)
                for (const char *p = *k;; p++) {
                    h = (h ^ (unsigned char)*p) * 1099511628211ULL;
                    if (!*p)
                        break;
                }
            size_t j = (size_t)h & (cap - 1);
            while (slots[j].facet)
                j = (j + 1) & (cap - 1);
            slots[j] = *o;
        }
        acc->slots = slots;
        acc->cap = cap;
    }
    const char *key[4] = {status, kind, facet, code};
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the four, NULs included */
    for (int k = 0; k < 4; k++)
        for (const char *p = key[k];; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
            if (!*p)
                break;
        }
    size_t j = (size_t)h & (acc->cap - 1);
    for (;; j = (j + 1) & (acc->cap - 1)) {
        struct org_facet_slot *e = &acc->slots[j];
        if (!e->facet) {
            e->status = arena_strdup(acc->a, status);
            e->kind = arena_strdup(acc->a, kind);
            e->facet = facet; /* a constant */
            e->code = arena_strdup(acc->a, code);
            if (!e->status || !e->kind || !e->code) {
                e->facet = NULL;
                return NULL;
            }
            acc->n++;
            return e;
        }
        if (strcmp(e->facet, facet) == 0 && strcmp(e->code, code) == 0 &&
            strcmp(e->status, status) == 0 && strcmp(e->kind, kind) == 0)
            return e;
    }
}

/* Counts new entry n in acc: the pairs SQL_FACET_PAIRS gives once its
 * rows are written (a tree's top-level code once however many of its
 * sub-codes the entry has), under its status and kind. */
static db_status acc_add(db *d, org_facet_acc *acc, const org_rec *n)
{
    facet_pair *pairs = mem_malloc((3 + n->n_geo + 2 * (n->n_sectors + n->n_fos)) * sizeof *pairs);
    if (!pairs)
        return DB_NOMEM;
    size_t np = 0;
    db_status st = DB_OK;
    const char *const single[3][2] = {
        {"kind", n->kind}, {"region", n->region}, {"district", n->district}};
    for (int k = 0; k < 3; k++)
        if (single[k][1])
            pairs[np++] = (facet_pair){single[k][0], single[k][1]};
    for (size_t k = 0; k < n->n_geo; k++)
        pairs[np++] = (facet_pair){"geo", n->geo[k]};
    static const char *const tree[2][2] = {{"sector", "nace"}, {"fos", "fos"}};
    for (int t = 0; t < 2; t++) {
        const char *const *codes = t ? n->fos : n->sectors;
        size_t cnt = t ? n->n_fos : n->n_sectors;
        for (size_t k = 0; k < cnt; k++) {
            const ref_item *it;
            if ((st = ref_get(d, tree[t][1], codes[k], LANG_EN, &it)) != DB_OK)
                goto cleanup;
            if (!it)
                continue; /* not in the reference table: the join drops it */
            facet_pair cand[2] = {{tree[t][0], it->parent ? it->parent : codes[k]},
                                  {tree[t][0], codes[k]}};
            for (int c = 0; c < (it->parent ? 2 : 1); c++) {
                bool dup = false;
                for (size_t q = 0; q < np && !dup; q++)
                    dup = strcmp(pairs[q].facet, cand[c].facet) == 0 &&
                          strcmp(pairs[q].code, cand[c].code) == 0;
                if (!dup)
                    pairs[np++] = cand[c];
            }
        }
    }
    for (size_t k = 0; k < np; k++) {
        struct org_facet_slot *e =
            acc_slot(acc, n->status, n->kind ? n->kind : "", pairs[k].facet, pairs[k].code);
        if (!e) {
            st = DB_NOMEM;
            break;
        }
        e->n++;
    }
cleanup:
    mem_free(pairs);
    return st;
}

static const char SQL_FACET_ADD_N[] =
    "INSERT INTO org_facet_count(status, kind, facet, code, n) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT(status, kind, facet, code) DO UPDATE SET n = n + excluded.n";

static const char SQL_BUMP_BY[] =
    "UPDATE app_meta SET value = CAST(CAST(value AS INTEGER) + $2 AS TEXT), updated_at = $1"
    " WHERE key = 'directory_version'";

db_status org_facets_add(db *d, const org_facet_acc *acc)
{
    db_status st = DB_OK;
    if (acc->writes) {
        db_stmt *s = db_prepare(d, SQL_BUMP_BY);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, time_now());
        db_bind_int(s, 2, acc->writes);
        if ((st = db_run(s)) != DB_OK)
            return st;
    }
    for (size_t i = 0; st == DB_OK && i < acc->cap; i++) {
        const struct org_facet_slot *e = &acc->slots[i];
        if (!e->facet)
            continue;
        db_stmt *s = db_prepare(d, SQL_FACET_ADD_N);
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, e->status);
        db_bind_text(s, 2, e->kind);
        db_bind_text(s, 3, e->facet);
        db_bind_text(s, 4, e->code);
        db_bind_int(s, 5, e->n);
        st = db_run(s);
    }
    return st;
}

db_status org_create(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs,
                     int64_t *id)
{
    assert(d && in);
    org_rec c = *in;
    org_put_result res;
    c.id = 0;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        return st;
    if ((st = put_tx(d, &c, "create", NULL, false, NULL, actor_id, ip, errs, &res)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
    if (st == DB_OK && id)
        *id = res.id;
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

static const char SQL_KIND_NOW[] = "SELECT kind FROM org WHERE id = $1";

/* DB_CONSTRAINT with FE_SECRETARIAT_ONLY on "kind" when kind (surrounding
 * blanks ignored) differs from the stored kind of entry id; DB_OK when it
 * is the same, empty (org_validate says "required") or there is no entry. */
static db_status kind_kept(db *d, int64_t id, const char *kind, form_errors *errs)
{
    db_stmt *s = db_prepare(d, SQL_KIND_NOW);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    bool changed = false;
    if (st == DB_ROW && kind) {
        const char *now = db_col_text(s, 0);
        while (*kind == ' ' || *kind == '\t')
            kind++;
        size_t n = strlen(kind);
        while (n && (kind[n - 1] == ' ' || kind[n - 1] == '\t'))
            n--;
        changed = n && (!now || strlen(now) != n || memcmp(now, kind, n) != 0);
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (!changed)
        return DB_OK;
    if (errs && errs->n_items < sizeof errs->items / sizeof errs->items[0])
        errs->items[errs->n_items++] = (form_error){.field = "kind", .code = FE_SECRETARIAT_ONLY};
    return DB_CONSTRAINT;
}

db_status org_update(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs)
{
    return org_update_as(d, in, true, actor_id, ip, errs);
}

db_status org_update_as(db *d, const org_rec *in, bool may_classify, int64_t actor_id,
                        const char *ip, form_errors *errs)
{
    assert(d && in && in->id > 0);
    org_put_result res;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        return st;
    if (!may_classify && (st = kind_kept(d, in->id, in->kind, errs)) != DB_OK)
        goto cleanup;
    if ((st = put_tx(d, in, "update", NULL, false, NULL, actor_id, ip, errs, &res)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

db_status org_set_status(db *d, int64_t id, const char *status, int64_t actor_id, const char *ip)
{
    static const struct {
        const char *status, *rev_action;
    } actions[] = {{"published", "publish"}, {"archived", "archive"}, {"draft", "update"}};
    const char *rev_action = NULL;
    for (size_t i = 0; status && i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(status, actions[i].status) == 0)
            rev_action = actions[i].rev_action;
    if (!rev_action)
        return DB_CONSTRAINT;
    arena a = ARENA_INIT;
    org_rec r;
    org_put_result res;
    bool found;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = org_get(d, &a, NULL, id, &r, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_DONE;
        goto cleanup;
    }
    r.status = status;
    if ((st = put_tx(d, &r, rev_action, "org_status", false, NULL, actor_id, ip, NULL, &res)) !=
        DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    arena_free(&a);
    return st;
}

static const char SQL_EXISTS[] = "SELECT 1 FROM org WHERE id = $1";
static const char SQL_DELETE[] = "DELETE FROM org WHERE id = $1";

db_status org_delete(db *d, int64_t id, int64_t actor_id, const char *ip)
{
    arena a = ARENA_INIT;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_prepare(d, SQL_EXISTS);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    st = db_step(s);
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such entry */
    /* The logo and the classifications go with the row (ON DELETE
     * CASCADE); memberships, affiliations and invitations refuse (FK). */
    facet_snap before, none = {0};
    if ((st = facet_snapshot(d, &a, id, &before)) != DB_OK)
        goto cleanup;
    if (!(s = db_prepare(d, SQL_DELETE))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = facet_apply(d, id, &before, &none)) != DB_OK)
        goto cleanup;
    if ((st = search_delete(d, "org", id)) != DB_OK)
        goto cleanup;
    if ((st = audit_add(d, actor_id, ip, "org_delete", "org", id, NULL)) != DB_OK)
        goto cleanup;
    if ((st = bump_version(d, time_now())) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    arena_free(&a);
    return st;
}

/* --- logos (the checks are in image.c) ------------------------------------------------------ */

static const char SQL_LOGO_PUT[] =
    "INSERT INTO org_logo(org_id, content_type, data, sha, uploaded_at, uploaded_by)"
    " VALUES ($1, $2, $3, $4, $5, nullif($6, 0))"
    " ON CONFLICT (org_id) DO UPDATE SET content_type = excluded.content_type,"
    " data = excluded.data, sha = excluded.sha, uploaded_at = excluded.uploaded_at,"
    " uploaded_by = excluded.uploaded_by";
static const char SQL_LOGO_DELETE[] = "DELETE FROM org_logo WHERE org_id = $1";
static const char SQL_LOGO_GET[] = "SELECT content_type, data, sha FROM org_logo WHERE org_id = $1";

db_status org_set_logo(db *d, int64_t id, const void *data, size_t n, int64_t actor_id,
                       const char *ip, int *why)
{
    assert(d && why);
    const char *type = NULL;
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    *why = 0;
    if (n > 0) {
        image_verdict v;
        if (!image_check(data, n, &v)) {
            *why = v.why;
            return DB_CONSTRAINT;
        }
        type = v.content_type;
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, data, n);
        sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    }
    int64_t now = time_now();
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_prepare(d, SQL_TOUCH);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, actor_id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (db_changes(d) == 0) {
        st = DB_DONE; /* no such entry */
        goto cleanup;
    }
    if (!(s = db_prepare(d, n > 0 ? SQL_LOGO_PUT : SQL_LOGO_DELETE))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    if (n > 0) {
        db_bind_text(s, 2, type);
        db_bind_blob(s, 3, data, n);
        db_bind_text(s, 4, sha);
        db_bind_int(s, 5, now);
        db_bind_int(s, 6, actor_id);
    }
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = audit_add(d, actor_id, ip, "org_logo", "org", id, "{\"fields\":[\"logo\"]}")) !=
        DB_OK)
        goto cleanup;
    if ((st = bump_version(d, now)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

db_status org_get_logo(db *d, arena *a, int64_t id, const char **content_type, const void **data,
                       size_t *n, const char **sha)
{
    *content_type = NULL;
    *data = NULL;
    *n = 0;
    *sha = NULL;
    db_stmt *s = db_prepare(d, SQL_LOGO_GET);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    bool oom = false;
    if (st == DB_ROW) {
        size_t len = 0;
        const void *blob = db_col_blob(s, 1, &len);
        void *copy = arena_alloc(a, len ? len : 1);
        if (!copy) {
            oom = true;
        } else {
            if (len)
                memcpy(copy, blob, len);
            *data = copy;
            *n = len;
        }
        *content_type = db_col_dup(a, s, 0, &oom);
        *sha = db_col_dup(a, s, 2, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* --- history ------------------------------------------------------------------------------- */

static const char SQL_REVISIONS[] = "SELECT r.rev, r.at, coalesce(r.actor_id, 0),"
                                    "       CASE WHEN p.erased_at IS NULL THEN p.name END,"
                                    "       r.action, r.snapshot, p.erased_at IS NOT NULL"
                                    "  FROM org_revision r LEFT JOIN person p ON p.id = r.actor_id"
                                    " WHERE r.org_id = $1 ORDER BY r.rev DESC";
static const char SQL_SNAPSHOT[] =
    "SELECT snapshot FROM org_revision WHERE org_id = $1 AND rev = $2";

static void revision_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    org_revision *r = item;
    r->rev = db_col_int(s, 0);
    r->at = db_col_int(s, 1);
    r->actor_id = db_col_int(s, 2);
    r->actor_name = db_col_dup(a, s, 3, oom);
    r->actor_erased = db_col_int(s, 6) != 0;
    r->action = db_col_dup(a, s, 4, oom);
    r->snapshot = db_col_dup(a, s, 5, oom);
}

db_status org_revisions(db *d, arena *a, int64_t org_id, org_revision **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_REVISIONS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, org_id);
    return db_collect(s, a, (void **)items, n, sizeof **items, revision_row, NULL);
}

/* The display text of key in a snapshot object: strings as they are,
 * numbers in decimal, lists joined with ", "; NULL for null, missing or
 * empty. */
static const char *display(arena *a, const json_t *obj, const char *key, bool *oom)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;
    char *t = NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        t = arena_strndup(a, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        t = arena_printf(a, "%lld", (long long)json_integer_value(v));
    } else if (json_is_array(v)) {
        buf b = BUF_INIT;
        for (size_t k = 0; k < json_array_size(v); k++) {
            const json_t *e = json_array_get(v, k);
            if (k)
                buf_puts(&b, ", ");
            if (json_is_string(e))
                buf_append(&b, json_string_value(e), json_string_length(e));
        }
        if (b.len == 0 && !buf_failed(&b))
            return NULL;
        t = buf_failed(&b) ? NULL : arena_strndup(a, buf_str(&b), b.len);
        buf_free(&b);
    } else if (json_is_true(v) || json_is_false(v)) {
        t = arena_strdup(a, json_is_true(v) ? "true" : "false");
    } else {
        t = arena_printf(a, "%g", json_number_value(v));
    }
    if (!t)
        *oom = true;
    return t && *t ? t : NULL;
}

int org_diff(arena *a, const char *before, const char *after, org_change **changes, size_t *n)
{
    assert(a && changes && n);
    *changes = NULL;
    *n = 0;
    buf err = BUF_INIT;
    json_t *jb = NULL, *ja = NULL;
    int rc = -1;
    if (before && !(jb = json_parse(before, strlen(before), &err)))
        goto cleanup;
    if (after && !(ja = json_parse(after, strlen(after), &err)))
        goto cleanup;
    org_change *out = arena_alloc(a, ORG_N_FIELDS * sizeof *out);
    if (!out)
        goto cleanup;
    bool oom = false;
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        const char *b = display(a, jb, org_fields[i].name, &oom);
        const char *f = display(a, ja, org_fields[i].name, &oom);
        if (text_eq(b, f))
            continue;
        out[*n].field = org_fields[i].name;
        out[*n].before = b;
        out[*n].after = f;
        (*n)++;
    }
    if (oom) {
        *n = 0;
        goto cleanup;
    }
    *changes = out;
    rc = 0;
cleanup:
    json_decref(jb);
    json_decref(ja);
    buf_free(&err);
    return rc;
}

db_status org_restore(db *d, int64_t org_id, int64_t rev, int64_t actor_id, const char *ip,
                      form_errors *errs)
{
    return org_restore_as(d, org_id, rev, true, actor_id, ip, errs);
}

db_status org_restore_as(db *d, int64_t org_id, int64_t rev, bool may_classify, int64_t actor_id,
                         const char *ip, form_errors *errs)
{
    arena a = ARENA_INIT;
    buf why = BUF_INIT;
    json_t *j = NULL;
    org_rec r;
    org_put_result res;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_SNAPSHOT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_int(s, 2, rev);
    st = db_step(s);
    if (st == DB_ROW) {
        const char *snap = db_col_text(s, 0);
        j = json_parse(snap, strlen(snap), &why);
    }
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such revision */
    if (!j || !org_from_json(&a, j, &r, NULL, &why)) {
        log_error("org_restore: revision %lld of entry %lld unreadable: %s", (long long)rev,
                  (long long)org_id, buf_str(&why));
        st = DB_ERR;
        goto cleanup;
    }
    r.id = org_id;
    /* an old revision may carry another kind: that is the secretariat's */
    if (!may_classify && (st = kind_kept(d, org_id, r.kind, errs)) != DB_OK)
        goto cleanup;
    /* Validated as an update: slugs and PIBs may have been taken since. */
    if ((st = put_tx(d, &r, "restore", "org_restore", true, NULL, actor_id, ip, errs, &res)) !=
        DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    json_decref(j);
    buf_free(&why);
    arena_free(&a);
    return st;
}

/* --- caches ----------------------------------------------------------------------------------- */

static const char SQL_IDS_BY_NAME[] = "SELECT id FROM org WHERE name_folded = $1 LIMIT 2";

db_status org_id_by_name(db *d, const char *name, int64_t *id, bool *several)
{
    assert(d && name && id && several);
    *id = 0;
    *several = false;
    buf folded = BUF_INIT;
    utf8_fold(&folded, name, strlen(name));
    if (buf_failed(&folded))
        return DB_NOMEM;
    db_status st = DB_OK;
    db_stmt *s = db_query(d, SQL_IDS_BY_NAME, DB_ARGS(DBT(buf_str(&folded))));
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    int rows = 0;
    int64_t first = 0;
    while ((st = db_step(s)) == DB_ROW)
        if (rows++ == 0)
            first = db_col_int(s, 0);
    db_reset(s);
    if (st != DB_DONE)
        goto cleanup;
    st = DB_OK;
    if (rows == 1)
        *id = first;
    *several = rows > 1;
cleanup:
    buf_free(&folded);
    return st;
}

static const char SQL_ID_BY_PIB[] = "SELECT id FROM org WHERE pib = $1";

db_status org_id_by_pib(db *d, const char *pib, int64_t *id)
{
    *id = 0;
    db_stmt *s = db_prepare(d, SQL_ID_BY_PIB);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, pib);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status org_directory_version(db *d, int64_t *v)
{
    return versions_read(d, VERSION_DIRECTORY, v);
}
