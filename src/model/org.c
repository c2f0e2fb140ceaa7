/* org.c: the directory of organisations (see org.h): the fields,
 * identifiers, validation and reading one entry, its JSON snapshot, and
 * the look-ups by name and PIB.
 *
 * The rest of the directory model lives next door, one concern a file:
 * org_list.c (the list query builder and its facets), org_write.c (the one
 * writer behind every change: row, classifications, revision, search
 * document, audit row and directory_version in the caller's transaction;
 * status, deletion, logos, restore), org_facet.c (the stored facet counts
 * the writers keep), org_history.c (revisions and diffs), org_import.c
 * (import and export, through org_put()); what they share is in
 * org_internal.h. The reference tables are read by ref.c. Fields are
 * described once, in org_fields[] (what they are) and org_rules[] (what
 * they may hold), in the same order, and everything that walks fields
 * (snapshots, diffs, comparisons, CSV and JSON) walks those tables. */
#include "model/org.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "i18n/country.h"
#include "json/json.h"
#include "model/org_internal.h"
#include "model/versions.h"

/* --- fields ------------------------------------------------------------------ */

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
const form_rule org_rules[ORG_N_FIELDS] = {
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

/* --- small helpers --------------------------------------------------------------- */

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
db_status org_district_region(db *d, arena *a, const char *district, const char **region)
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
                                 const char *sql_taken, int64_t self, const char *known_free,
                                 form_errors *errs)
{
    if (!v->present || has_error(errs, field))
        return DB_OK;
    if (!valid(v->text)) {
        add_error(errs, field, bad, 0, 0);
        return DB_OK;
    }
    if (known_free && strcmp(known_free, v->text) == 0)
        return DB_OK; /* the caller just found no entry with it */
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

bool org_validate_local(arena *a, const org_rec *in, form_value vals[ORG_N_FIELDS],
                        form_errors *errs)
{
    assert(a && in && vals && errs);
    form f = {NULL, 0};

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
    if (n_fields && !(f.fields = arena_zalloc(a, n_fields * sizeof *f.fields)))
        return false;
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
    form_validate(a, &f, org_rules, ORG_N_FIELDS, vals, errs);

    int64_t year = in->year_founded, this_year = local_year();
    if (year != 0 && (year < ORG_YEAR_MIN || year > this_year))
        add_error(errs, F_YEAR_FOUNDED, FE_RANGE, ORG_YEAR_MIN, this_year);
    return true;
}

db_status org_validate_db(db *d, const org_rec *in, const form_value vals[ORG_N_FIELDS],
                          form_errors *errs)
{
    return org_validate_db_known(d, in, vals, NULL, NULL, NULL, errs);
}

db_status org_validate_db_known(db *d, const org_rec *in, const form_value vals[ORG_N_FIELDS],
                                const char *free_slug, const char *free_pib, const char *free_mb,
                                form_errors *errs)
{
    assert(d && in && vals && errs);
    arena a = ARENA_INIT;
    db_status st = DB_OK;
    bool yes;
    if (vals[F_SLUG].present && !has_error(errs, F_SLUG) &&
        !(free_slug && strcmp(free_slug, vals[F_SLUG].text) == 0)) {
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
    /* an ISO 3166-1 code or XK, as a call's country rules (country.h) */
    if (vals[F_COUNTRY].present && !has_error(errs, F_COUNTRY) &&
        !country_code_known(vals[F_COUNTRY].text))
        add_error(errs, F_COUNTRY, FE_UNKNOWN_CODE, 0, 0);
    st = check_id_number(d, &vals[F_PIB], F_PIB, org_pib_valid, FE_PIB, SQL_PIB_TAKEN, in->id,
                         free_pib, errs);
    if (st == DB_OK)
        st = check_id_number(d, &vals[F_MB], F_MB, org_mb_valid, FE_MB, SQL_MB_TAKEN, in->id,
                             free_mb, errs);
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
        if ((st = org_district_region(d, &a, vals[F_DISTRICT].text, &district_of)) != DB_OK)
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

db_status org_validate_new(db *d, const org_rec *in, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value vals[ORG_N_FIELDS];
    size_t before = errs->n_items;
    db_status st = DB_NOMEM;
    if (!org_validate_local(&a, in, vals, errs))
        goto cleanup;
    bool no_slug = !vals[F_SLUG].present || has_error(errs, F_SLUG);
    st = org_validate_db_known(d, in, vals, vals[F_SLUG].present ? vals[F_SLUG].text : NULL, NULL,
                               NULL, errs);
    /* refused anyway: whether the slug is taken too, as org_validate says */
    bool yes;
    if (st == DB_OK && !no_slug && errs->n_items > before && !has_error(errs, F_SLUG) &&
        (st = ask(d, SQL_SLUG_TAKEN, vals[F_SLUG].text, true, in->id, &yes)) == DB_OK && yes)
        add_error(errs, F_SLUG, FE_TAKEN, 0, 0);
cleanup:
    arena_free(&a);
    return st;
}

db_status org_validate(db *d, const org_rec *in, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value vals[ORG_N_FIELDS];
    db_status st =
        org_validate_local(&a, in, vals, errs) ? org_validate_db(d, in, vals, errs) : DB_NOMEM;
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

/* The classification tables, index for index with the list fields. */
const struct org_code_table org_code_tables[3] = {
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

static void code_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    *(const char **)item = db_col_dup(a, s, 0, oom);
}

/* The codes of one classification table for entry id (arena). */
static db_status load_codes(db *d, arena *a, const struct org_code_table *t, int64_t id, org_rec *r)
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
        st = load_codes(d, a, &org_code_tables[k], out->id, out);
    if (st != DB_OK)
        *found = false;
    return st;
}

/* --- snapshots ---------------------------------------------------------------------------- */

void org_snapshot(buf *out, const org_rec *r)
{
    buf_putc(out, '{');
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        /* the field names are plain ASCII identifiers: written as they are,
         * what json_put_key would write after checking every byte */
        assert(strspn(org_fields[i].name, "abcdefghijklmnopqrstuvwxyz_") ==
               strlen(org_fields[i].name));
        if (i)
            buf_putc(out, ',');
        buf_putc(out, '"');
        buf_puts(out, org_fields[i].name);
        buf_puts(out, "\":");
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

/* The highest n among the slugs stem (counted as 1) and stem-n of entries
 * other than $2: one indexed range query however many namesakes there are
 * (trying -2, -3 ... one by one gave up at 999, and a thousand creates of
 * one name through the API then answered 422 "slug taken" for a slug
 * nobody typed). A stem holds only [a-z0-9-] (ASCII), so stem-n with n
 * starting 1-9 is the byte range [stem-1, stem-:) on both backends (SQLite's
 * GLOB is not PostgreSQL's). */
static const char SQL_SLUG_USED[] = "SELECT count(*) FROM org WHERE slug = $1 AND id <> $2";
static const char SQL_SLUG_MAX[] =
    "SELECT coalesce(max(CASE WHEN slug = $1 THEN 1"
    " ELSE CAST(substr(slug, length($1) + 2) AS INTEGER) END), 0)"
    " FROM org WHERE (slug = $1 OR (slug >= $1 || '-1' AND slug < $1 || '-:')) AND id <> $2";

db_status org_free_slug(db *d, arena *a, const char *base, int64_t self, const char **slug)
{
    assert(d && a && base && slug);
    *slug = base;
    int64_t used = 0, top = 0;
    db_status st = db_int(d, &used, 0, SQL_SLUG_USED, DB_ARGS(DBT(base), DBI(self)));
    if (st != DB_OK || used == 0)
        return st;
    /* room for '-' and ten digits within the 60 characters of a slug */
    size_t keep = strlen(base) > 49 ? 49 : strlen(base);
    while (keep > 1 && base[keep - 1] == '-')
        keep--;
    const char *stem = arena_printf(a, "%.*s", (int)keep, base);
    if (!stem)
        return DB_NOMEM;
    if ((st = db_int(d, &top, 0, SQL_SLUG_MAX, DB_ARGS(DBT(stem), DBI(self)))) != DB_OK)
        return st;
    const char *c = arena_printf(a, "%s-%lld", stem, (long long)(top < 1 ? 2 : top + 1));
    if (!c)
        return DB_NOMEM;
    *slug = c;
    return DB_OK;
}

static const char SQL_ID_BY_MB[] = "SELECT id FROM org WHERE mb = $1";

db_status org_id_by_mb(db *d, const char *mb, int64_t *id)
{
    *id = 0;
    db_stmt *s = db_query(d, SQL_ID_BY_MB, DB_ARGS(DBT(mb)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
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
