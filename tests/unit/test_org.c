/* test_org.c: the directory model (model/org.c, model/org_import.c) on a
 * real, freshly migrated database with the seeded reference data:
 * identifier checksums, slugs, every validation rule, the create/get round
 * trip, revisions and diffs, restore, uniqueness, list filters and facet
 * counts, logos, search, audit rows, and import/export (all or nothing,
 * dry run, round trip). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <pthread.h>
#include <xlsxwriter.h>

#include "core/arena.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "db/search.h"
#include "model/versions.h"
#include "i18n/i18n.h"
#include "model/org.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
} fixture;

/* Ana, who edits, and an erased person. */
static const char SEED[] = "INSERT INTO person(id, name, email, created_at, updated_at)"
                           " VALUES (1, 'Ana Urednik', 'ana@example.com', 0, 0),"
                           "        (2, 'Gone Person', NULL, 0, 0);"
                           "UPDATE person SET erased_at = 1 WHERE id = 2";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open_seeded(&f->t, SEED) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    testdb_close(&f->t);
    arena_free(&f->a);
    free(f);
    time_set_now(0);
    return 0;
}

static int64_t scalar_of(db *d, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(d, sql, &v), DB_OK);
    return v;
}

static int64_t scalar(fixture *f, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(f->t.d, sql, &v), DB_OK);
    return v;
}

/* A minimal valid entry. */
static org_rec rec(const char *slug, const char *name, const char *kind)
{
    org_rec r;
    memset(&r, 0, sizeof r);
    r.slug = slug;
    r.name = name;
    r.kind = kind;
    return r;
}

static void set_lists(org_rec *r, const char **sec, size_t n_sec, const char **fos, size_t n_fos,
                      const char **geo, size_t n_geo)
{
    r->sectors = sec;
    r->n_sectors = n_sec;
    r->fos = fos;
    r->n_fos = n_fos;
    r->geo = geo;
    r->n_geo = n_geo;
}

static int64_t create_ok(fixture *f, const org_rec *r)
{
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    int64_t id = 0;
    db_status st = org_create(f->t.d, r, 1, "127.0.0.1", &errs, &id);
    if (st != DB_OK) {
        for (size_t i = 0; i < errs.n_items; i++)
            fprintf(stderr, "create %s: %s code %d\n", r->slug, errs.items[i].field,
                    errs.items[i].code);
    }
    assert_int_equal(st, DB_OK);
    assert_true(id > 0);
    return id;
}

/* --- identifiers ------------------------------------------------------------------ */

/* DOMAIN.md's algorithms, written independently of org.c, to generate
 * further valid numbers. */
static char pib_check(const char *first8)
{
    int c = 10;
    for (int i = 0; i < 8; i++) {
        c = (c + first8[i] - '0') % 10;
        if (c == 0)
            c = 10;
        c = (c * 2) % 11;
    }
    return (char)('0' + (11 - c) % 10);
}

static char mb_check(const char *first7)
{
    static const int w[7] = {2, 7, 6, 5, 4, 3, 2};
    int s = 0;
    for (int i = 0; i < 7; i++)
        s += w[i] * (first7[i] - '0');
    int r = 11 - s % 11;
    return (char)('0' + (r > 9 ? 0 : r));
}

static void test_identifiers(void **state)
{
    (void)state;
    assert_true(org_pib_valid("101134702"));
    assert_true(org_pib_valid("113460262"));
    assert_false(org_pib_valid("101134703"));
    assert_false(org_pib_valid("106006801"));
    assert_false(org_pib_valid("10113470"));
    assert_false(org_pib_valid("1011347020"));
    assert_false(org_pib_valid("10113470a"));
    assert_false(org_pib_valid(""));
    assert_false(org_pib_valid(NULL));
    assert_true(org_mb_valid("66841251"));
    assert_false(org_mb_valid("66841252"));
    assert_false(org_mb_valid("6684125"));
    assert_false(org_mb_valid("6684125x"));
    assert_false(org_mb_valid(NULL));

    srand(42);
    for (int k = 0; k < 200; k++) {
        char pib[10], mb[9];
        for (int i = 0; i < 8; i++)
            pib[i] = (char)('0' + rand() % 10);
        pib[8] = pib_check(pib);
        pib[9] = '\0';
        assert_true(org_pib_valid(pib));
        pib[8] = (char)('0' + (pib[8] - '0' + 1 + rand() % 9) % 10);
        assert_false(org_pib_valid(pib));
        for (int i = 0; i < 7; i++)
            mb[i] = (char)('0' + rand() % 10);
        mb[7] = mb_check(mb);
        mb[8] = '\0';
        assert_true(org_mb_valid(mb));
        mb[7] = (char)('0' + (mb[7] - '0' + 1 + rand() % 9) % 10);
        assert_false(org_mb_valid(mb));
    }
}

static void slug_is(const char *name, const char *want)
{
    buf b = BUF_INIT;
    org_slugify(&b, name);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

static void test_slugify(void **state)
{
    (void)state;
    slug_is("Нишки кластер напредних технологија", "niski-klaster-naprednih-tehnologija");
    slug_is("Đorđe & Ćirić d.o.o.", "dorde-ciric-d-o-o");
    slug_is("Vojvođanski IKT klaster", "vojvodanski-ikt-klaster");
    slug_is("  --Hello,   World!--  ", "hello-world");
    slug_is("Џеп, Љиљана и Њива", "dzep-ljiljana-i-njiva");
    slug_is("", "");
    slug_is("!!!", "");
    buf b = BUF_INIT;
    org_slugify(&b, "Aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggg");
    assert_true(b.len <= 60);
    assert_true(b.data[b.len - 1] != '-');
    assert_string_equal(buf_str(&b),
                        "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddddd-eeeeeeeeee-fffff");
    buf_free(&b);
}

/* --- validation -------------------------------------------------------------------- */

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void expect_error(fixture *f, const org_rec *r, const char *field, form_error_code code)
{
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_validate(f->t.d, r, &errs), DB_OK);
    const form_error *e = form_error_for(&errs, field);
    if (!e || e->code != code) {
        fprintf(stderr, "expected %s code %d; got:", field, code);
        for (size_t i = 0; i < errs.n_items; i++)
            fprintf(stderr, " %s=%d", errs.items[i].field, errs.items[i].code);
        fprintf(stderr, "\n");
    }
    assert_non_null(e);
    assert_int_equal(e->code, code);
    assert_int_equal(errs.n_items, 1); /* only that field */
}

static void test_validation_rules(void **state)
{
    fixture *f = *state;
    org_rec ok = rec("voict", "Vojvodina ICT Cluster", "cluster");
    const char *sec[] = {"62", "J"}, *fos[] = {"1.2"}, *geo[] = {"RS", "WB"};
    set_lists(&ok, sec, 2, fos, 1, geo, 2);
    ok.website = "https://vojvodinaictcluster.org";
    ok.email = "office@vojvodinaictcluster.org";
    ok.phone = "+381 (21) 123-456/7";
    ok.district = "JUZNOBACKI";
    ok.region = "VO";
    ok.country = "RS";
    ok.year_founded = 2009;
    ok.pib = "101134702";
    ok.mb = "66841251";
    ok.status = "published";
    ok.description_sr = "Први ред\nдруги ред";
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_validate(f->t.d, &ok, &errs), DB_OK);
    assert_int_equal(errs.n_items, 0);

    char *long201 = repeat('a', 201), *long301 = repeat('b', 301), *long10001 = repeat('c', 10001);
    char *slug61 = repeat('s', 61), *phone41 = repeat('1', 41);
    org_rec r;
#define CASE(mutation, field, code)                                                                \
    r = ok;                                                                                        \
    mutation;                                                                                      \
    expect_error(f, &r, field, code)
    CASE(r.name = NULL, "name", FE_REQUIRED);
    CASE(r.name = "   ", "name", FE_REQUIRED);
    CASE(r.name = long201, "name", FE_TOO_LONG);
    CASE(r.name = "Line\nbreak", "name", FE_CONTROL_CHARS);
    CASE(r.address = "Bul. \x01 1", "address", FE_CONTROL_CHARS);
    CASE(r.slug = NULL, "slug", FE_REQUIRED);
    CASE(r.slug = "Bad Slug", "slug", FE_SLUG);
    CASE(r.slug = "-edge", "slug", FE_SLUG);
    CASE(r.slug = slug61, "slug", FE_TOO_LONG);
    CASE(r.kind = NULL, "kind", FE_REQUIRED);
    CASE(r.kind = "spaceship", "kind", FE_UNKNOWN_CODE);
    CASE(r.status = "deleted", "status", FE_CHOICE);
    CASE(r.short_sr = long301, "short_sr", FE_TOO_LONG);
    CASE(r.short_en = long301, "short_en", FE_TOO_LONG);
    CASE(r.description_en = long10001, "description_en", FE_TOO_LONG);
    CASE(r.website = "ftp://example.com", "website", FE_URL);
    CASE(r.website = "example.com", "website", FE_URL);
    CASE(r.email = "office.example.com", "email", FE_EMAIL);
    CASE(r.phone = phone41, "phone", FE_TOO_LONG);
    CASE(r.country = "rs", "country", FE_UNKNOWN_CODE);
    CASE(r.country = "SRB", "country", FE_TOO_LONG);
    CASE(r.country = "ZZ", "country", FE_UNKNOWN_CODE); /* two letters ISO never assigned */
    CASE(r.year_founded = 1799, "year_founded", FE_RANGE);
    CASE(r.pib = "101134703", "pib", FE_PIB);
    CASE(r.pib = "12345", "pib", FE_PIB);
    CASE(r.mb = "66841252", "mb", FE_MB);
    CASE(r.district = "ATLANTIS", "district", FE_UNKNOWN_CODE);
    CASE(r.region = "XX", "region", FE_UNKNOWN_CODE);
    CASE(r.district = "NISAVSKI", "district", FE_MISMATCH);
    const char *bad_sec[] = {"C", "ZZ"};
    CASE((r.sectors = bad_sec, r.n_sectors = 2), "sectors", FE_UNKNOWN_CODE);
    const char *bad_fos[] = {"9.9"};
    CASE((r.fos = bad_fos, r.n_fos = 1), "fos", FE_UNKNOWN_CODE);
    const char *bad_geo[] = {"MARS"};
    CASE((r.geo = bad_geo, r.n_geo = 1), "geo", FE_UNKNOWN_CODE);
#undef CASE
    /* any ISO 3166-1 code, or XK (Kosovo, as EU programmes write it) */
    for (const char *const *c = (const char *const[]){"DE", "XK", "BA", NULL}; *c; c++) {
        r = ok;
        r.country = *c;
        memset(&errs, 0, sizeof errs);
        assert_int_equal(org_validate(f->t.d, &r, &errs), DB_OK);
        assert_int_equal(errs.n_items, 0);
    }

    /* the year may not be in the future; the phone takes only its characters.
     * The clock stays at this instant (teardown lets it go): the same year here
     * and in org_validate() even at New Year's midnight. */
    time_t now = (time_t)time_now();
    time_set_now(now);
    struct tm tm;
    localtime_r(&now, &tm);
    r = ok;
    r.year_founded = tm.tm_year + 1900 + 1;
    expect_error(f, &r, "year_founded", FE_RANGE);
    r.year_founded = tm.tm_year + 1900;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_validate(f->t.d, &r, &errs), DB_OK);
    assert_int_equal(errs.n_items, 0);
    r = ok;
    r.phone = "call me";
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_validate(f->t.d, &r, &errs), DB_OK);
    assert_int_equal(errs.n_items, 1);
    assert_string_equal(errs.items[0].field, "phone");
    buf msg = BUF_INIT;
    form_error_text(&msg, LANG_EN, &errs.items[0]);
    assert_string_equal(buf_str(&msg), "This value is not valid.");
    buf_free(&msg);

    /* several problems at once: one error per field */
    r = ok;
    r.name = NULL;
    r.pib = "101134703";
    r.kind = "spaceship";
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_validate(f->t.d, &r, &errs), DB_OK);
    assert_int_equal(errs.n_items, 3);

    free(long201);
    free(long301);
    free(long10001);
    free(slug61);
    free(phone41);
}

static void test_uniqueness(void **state)
{
    fixture *f = *state;
    org_rec a = rec("alpha", "Alpha", "company");
    a.pib = "101134702";
    a.mb = "66841251";
    int64_t ida = create_ok(f, &a);

    form_errors errs;
    int64_t id = 0;
    org_rec b = rec("alpha", "Beta", "company");
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_create(f->t.d, &b, 1, NULL, &errs, &id), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&errs, "slug")->code, FE_TAKEN);
    b.slug = "beta";
    b.pib = "101134702";
    b.mb = "66841251";
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_create(f->t.d, &b, 1, NULL, &errs, &id), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&errs, "pib")->code, FE_TAKEN);
    assert_int_equal(form_error_for(&errs, "mb")->code, FE_TAKEN);
    /* a new entry's slug is the INSERT's to refuse (org_validate_new),
     * but refused for another field it is named too */
    b.slug = "alpha";
    b.mb = NULL;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_create(f->t.d, &b, 1, NULL, &errs, &id), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&errs, "pib")->code, FE_TAKEN);
    assert_int_equal(form_error_for(&errs, "slug")->code, FE_TAKEN);
    assert_int_equal(errs.n_items, 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), 1);

    /* an entry keeps its own slug and PIB on update */
    a.id = ida;
    a.name = "Alpha Renamed";
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_update(f->t.d, &a, 1, NULL, &errs), DB_OK);
    assert_int_equal(errs.n_items, 0);
    /* updating a missing entry */
    a.id = 999;
    assert_int_equal(org_update(f->t.d, &a, 1, NULL, &errs), DB_DONE);
}

/* --- create, read, update, history ------------------------------------------------------ */

static void test_create_get_round_trip(void **state)
{
    fixture *f = *state;
    org_rec in = rec("nicat", "Нишки кластер напредних технологија", "cluster");
    const char *sec[] = {"62", "26", "62 "}, *fos[] = {"2.2", "1.2"}, *geo[] = {"RS"};
    in.name_en = "Nis Cluster of Advanced Technologies";
    in.acronym = "NiCAT";
    in.short_sr = "  Кластер из Ниша ";
    in.short_en = "ICT and electronics cluster";
    in.description_sr = "Први ред\r\nдруги ред";
    in.description_en = "Line one\nline two";
    in.website = "https://nicat.rs";
    in.email = "office@nicat.rs";
    in.phone = "+381 18 123 456";
    in.address = "Vojvode Mišića 50";
    in.municipality = "Niš";
    in.district = "NISAVSKI"; /* region derived */
    in.year_founded = 2012;
    in.pib = "113460262";
    in.mb = "66841251";
    set_lists(&in, sec, 3, fos, 2, geo, 1);
    int64_t v0, v1;
    assert_int_equal(org_directory_version(f->t.d, &v0), DB_OK);
    int64_t id = create_ok(f, &in);
    assert_int_equal(org_directory_version(f->t.d, &v1), DB_OK);
    assert_int_equal(v1, v0 + 1);

    org_rec out;
    bool found = false;
    assert_int_equal(org_get(f->t.d, &f->a, "nicat", 0, &out, &found), DB_OK);
    assert_true(found);
    assert_int_equal(out.id, id);
    assert_string_equal(out.name, in.name);
    assert_string_equal(out.name_en, in.name_en);
    assert_string_equal(out.acronym, "NiCAT");
    assert_string_equal(out.kind, "cluster");
    assert_string_equal(out.status, "draft");
    assert_string_equal(out.short_sr, "Кластер из Ниша");
    assert_string_equal(out.description_sr, "Први ред\nдруги ред");
    assert_string_equal(out.website, "https://nicat.rs");
    assert_string_equal(out.phone, "+381 18 123 456");
    assert_string_equal(out.district, "NISAVSKI");
    assert_string_equal(out.region, "JI");
    assert_string_equal(out.country, "RS");
    assert_int_equal(out.year_founded, 2012);
    assert_string_equal(out.pib, "113460262");
    assert_string_equal(out.mb, "66841251");
    assert_int_equal(out.n_sectors, 2);
    assert_string_equal(out.sectors[0], "26");
    assert_string_equal(out.sectors[1], "62");
    assert_int_equal(out.n_fos, 2);
    assert_string_equal(out.fos[0], "1.2");
    assert_int_equal(out.n_geo, 1);
    assert_false(out.has_logo);
    assert_int_equal(out.rev, 1);
    assert_int_equal(out.created_by, 1);
    assert_int_equal(out.updated_by, 1);
    assert_true(out.created_at > 0);

    org_rec by_id;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &by_id, &found), DB_OK);
    assert_true(found);
    assert_string_equal(by_id.slug, "nicat");
    assert_int_equal(org_get(f->t.d, &f->a, "nope", 0, &by_id, &found), DB_OK);
    assert_false(found);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE name_folded ="
                               " 'niski klaster naprednih tehnologija'"),
                     1);
}

static void test_update_revision_and_diff(void **state)
{
    fixture *f = *state;
    org_rec in = rec("vmc", "Vojvodina Metal Cluster", "cluster");
    const char *sec[] = {"25"};
    in.sectors = sec;
    in.n_sectors = 1;
    int64_t id = create_ok(f, &in);

    org_rec cur;
    bool found;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    cur.name = "Vojvodina Metal Cluster VMC";
    cur.website = "https://vmc.rs";
    const char *sec2[] = {"C", "25"};
    cur.sectors = sec2;
    cur.n_sectors = 2;
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_update(f->t.d, &cur, 1, NULL, &errs), DB_OK);

    org_revision *revs;
    size_t n;
    assert_int_equal(org_revisions(f->t.d, &f->a, id, &revs, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(revs[0].rev, 2);
    assert_string_equal(revs[0].action, "update");
    assert_string_equal(revs[0].actor_name, "Ana Urednik");
    assert_string_equal(revs[1].action, "create");

    org_change *ch;
    size_t nc;
    assert_int_equal(org_diff(&f->a, revs[1].snapshot, revs[0].snapshot, &ch, &nc), 0);
    assert_int_equal(nc, 3);
    assert_string_equal(ch[0].field, "name");
    assert_string_equal(ch[0].before, "Vojvodina Metal Cluster");
    assert_string_equal(ch[0].after, "Vojvodina Metal Cluster VMC");
    assert_string_equal(ch[1].field, "website");
    assert_null(ch[1].before);
    assert_string_equal(ch[1].after, "https://vmc.rs");
    assert_string_equal(ch[2].field, "sectors");
    assert_string_equal(ch[2].before, "25");
    assert_string_equal(ch[2].after, "25, C");

    /* the first revision against nothing lists every field that was set */
    assert_int_equal(org_diff(&f->a, NULL, revs[1].snapshot, &ch, &nc), 0);
    assert_int_equal(nc, 6); /* slug, name, kind, status, country, sectors */
    assert_int_equal(org_diff(&f->a, "{bad", revs[1].snapshot, &ch, &nc), -1);

    /* audit detail lists names only */
    db_stmt *s = db_prepare(f->t.d, "SELECT detail FROM audit WHERE action = 'org_update'"
                                    " AND entity = 'org' AND entity_id = $1");
    db_bind_int(s, 1, id);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "{\"fields\":[\"name\",\"website\",\"sectors\"]}");
    db_reset(s);
}

static void test_noop_update_writes_nothing(void **state)
{
    fixture *f = *state;
    org_rec in = rec("facts", "Fashion and Apparel Cluster of Serbia", "cluster");
    in.acronym = "FACTS";
    int64_t id = create_ok(f, &in);
    int64_t revs = scalar(f, "SELECT count(*) FROM org_revision");
    int64_t audits = scalar(f, "SELECT count(*) FROM audit");
    int64_t v0, v1;
    assert_int_equal(org_directory_version(f->t.d, &v0), DB_OK);

    org_rec cur;
    bool found;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_update(f->t.d, &cur, 1, NULL, &errs), DB_OK);
    cur.name = "  Fashion and Apparel Cluster of Serbia ";
    cur.status = NULL; /* unchanged */
    assert_int_equal(org_update(f->t.d, &cur, 1, NULL, &errs), DB_OK);
    assert_int_equal(org_set_status(f->t.d, id, "draft", 1, NULL), DB_OK);

    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), revs);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(org_directory_version(f->t.d, &v1), DB_OK);
    assert_int_equal(v1, v0);
}

static void test_status_and_restore(void **state)
{
    fixture *f = *state;
    org_rec in = rec("alpha", "Alpha", "company");
    in.pib = "101134702";
    int64_t id = create_ok(f, &in);
    assert_int_equal(org_set_status(f->t.d, id, "published", 1, NULL), DB_OK);
    assert_int_equal(org_set_status(f->t.d, id, "gone", 1, NULL), DB_CONSTRAINT);
    assert_int_equal(org_set_status(f->t.d, 12345, "published", 1, NULL), DB_DONE);

    org_rec cur;
    bool found;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    assert_string_equal(cur.status, "published");
    assert_int_equal(cur.rev, 2);
    cur.slug = "alpha-new";
    cur.name = "Alpha New";
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_update(f->t.d, &cur, 2, NULL, &errs), DB_OK); /* erased actor */

    /* restore revision 1: a new revision with revision 1's content */
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_restore(f->t.d, id, 1, 1, NULL, &errs), DB_OK);
    org_revision *revs;
    size_t n;
    assert_int_equal(org_revisions(f->t.d, &f->a, id, &revs, &n), DB_OK);
    assert_int_equal(n, 4);
    assert_string_equal(revs[0].action, "restore");
    assert_string_equal(revs[0].snapshot, revs[3].snapshot);
    assert_null(revs[1].actor_name);
    assert_true(revs[1].actor_erased);
    assert_string_equal(revs[2].action, "publish");
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    assert_string_equal(cur.slug, "alpha");
    assert_string_equal(cur.status, "draft");
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'org_restore'"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'org_status'"), 1);

    /* restoring a revision whose slug another entry took since is refused */
    org_rec other = rec("alpha-new", "Other", "company");
    create_ok(f, &other);
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_restore(f->t.d, id, 3, 1, NULL, &errs), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&errs, "slug")->code, FE_TAKEN);
    assert_int_equal(org_restore(f->t.d, id, 99, 1, NULL, &errs), DB_DONE);
}

/* The kind classifies an entry: only a caller who may classify (the
 * secretariat) changes it, by update or by restoring an older revision. */
static void test_kind_is_the_secretariats(void **state)
{
    fixture *f = *state;
    org_rec in = rec("kindly", "Kindly d.o.o.", "company");
    int64_t id = create_ok(f, &in);
    org_rec cur;
    bool found;
    form_errors errs;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    cur.kind = "cluster";
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_update_as(f->t.d, &cur, false, 1, NULL, &errs), DB_CONSTRAINT);
    assert_int_equal(errs.n_items, 1);
    assert_string_equal(errs.items[0].field, "kind");
    assert_int_equal(errs.items[0].code, FE_SECRETARIAT_ONLY);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE kind = 'cluster'"), 0);
    cur.kind = " company "; /* unchanged, blanks aside: fine */
    cur.name = "Kindly Two d.o.o.";
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_update_as(f->t.d, &cur, false, 1, NULL, &errs), DB_OK);
    cur.kind = "cluster";
    assert_int_equal(org_update_as(f->t.d, &cur, true, 1, NULL, &errs), DB_OK); /* secretariat */
    /* revision 1 was a company: restoring it changes the kind */
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_restore_as(f->t.d, id, 1, false, 1, NULL, &errs), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&errs, "kind")->code, FE_SECRETARIAT_ONLY);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE kind = 'cluster'"), 1);
    assert_int_equal(org_restore_as(f->t.d, id, 1, true, 1, NULL, &errs), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE kind = 'cluster'"), 0);
}

/* The data versions are kept in memory only on SQLite: on PostgreSQL a
 * read publishes nothing (other servers write), so the page hooks must not
 * read them for the snapshot's sake (server_hook_finish did, a round trip
 * after every anonymous page). */
static void test_versions_kept(void **state)
{
    fixture *f = *state;
    bool sqlite = strcmp(db_backend(f->t.d), "sqlite") == 0;
    assert_int_equal(versions_kept(f->t.d), sqlite);
    if (sqlite)
        return; /* kept for VERSIONS_TTL_MS: timing, not asserted here */
    versions_invalidate();
    int64_t v[VERSION__COUNT], got = -1;
    assert_int_equal(versions_read(f->t.d, VERSION_DIRECTORY, &got), DB_OK);
    assert_true(got >= 0);
    assert_false(versions_fresh(v));
}

/* Waits up to ms for versions_fresh to give a directory version of at
 * least want (polled every 5 ms, never a fixed sleep that load could
 * outrun); true when it did, with the snapshot in v. */
static bool fresh_within(int64_t v[VERSION__COUNT], int64_t want, int ms)
{
    uint64_t end = time_mono_us() + (uint64_t)ms * 1000;
    do {
        if (versions_fresh(v) && v[VERSION_DIRECTORY] >= want)
            return true;
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    } while (time_mono_us() < end);
    return false;
}

/* The same for the snapshot lapsing (versions_fresh false). */
static bool stale_within(int ms)
{
    int64_t v[VERSION__COUNT];
    uint64_t end = time_mono_us() + (uint64_t)ms * 1000;
    do {
        if (!versions_fresh(v))
            return true;
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    } while (time_mono_us() < end);
    return false;
}

/* The poller of scan serve --pg-cache-window (versions_poll_start): while
 * it runs, versions read on PostgreSQL are kept and a snapshot is trusted
 * for the window; a write through another connection (another app
 * server) shows within it, a write of this process (versions_invalidate)
 * at once; stopping goes back to the strict default. On PostgreSQL also:
 * with the poller's connection gone and no new one allowed, the snapshot
 * lapses by itself, and comes back once connections are allowed again. */
static void test_versions_poller(void **state)
{
    fixture *f = *state;
    bool sqlite = strcmp(db_backend(f->t.d), "sqlite") == 0;
    int64_t v[VERSION__COUNT], before = -1;
    versions_invalidate();
    assert_int_equal(versions_read(f->t.d, VERSION_DIRECTORY, &before), DB_OK);
    assert_int_equal(versions_poll_start(f->t.path, 0), 0); /* off: nothing started */
    assert_int_equal(versions_kept(f->t.d), sqlite);
    assert_int_equal(versions_poll_start(f->t.path, 60), 0);
    assert_int_equal(versions_poll_start(f->t.path, 60), -1); /* one per process */
    assert_true(versions_kept(f->t.d));
    assert_true(fresh_within(v, before, 5000));
    assert_int_equal(v[VERSION_DIRECTORY], before);

    /* another server's write: no invalidation here, seen by a poll */
    assert_int_equal(
        db_exec(f->t.d, "UPDATE data_version SET n = n + 1 WHERE kind = 'directory' AND shard = 0"),
        DB_OK);
    assert_true(fresh_within(v, before + 1, 5000));
    assert_int_equal(v[VERSION_DIRECTORY], before + 1);

    /* this process's write: untrusted at once, confirmed again by a poll */
    versions_invalidate();
    assert_false(versions_fresh(v));
    assert_true(fresh_within(v, before + 1, 5000));

    if (!sqlite) {
        /* the poller's session killed and no new one allowed (said from
         * the server's own database: a database cannot refuse connections
         * to itself): its reads fail, nothing confirms the snapshot, which
         * lapses */
        db *admin = NULL;
        buf err = BUF_INIT;
        db_options o = {.busy_timeout_ms = 5000};
        assert_int_equal(db_open(getenv("SCAN_TEST_PG"), &o, &admin, &err), DB_OK);
        buf_free(&err);
        char sql[200];
        snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS false", f->t.pg_name);
        assert_int_equal(db_exec(admin, sql), DB_OK);
        snprintf(sql, sizeof sql,
                 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                 " WHERE datname = '%s' AND pid <> %lld",
                 f->t.pg_name,
                 (long long)scalar_of(f->t.d, "SELECT pg_backend_pid()")); /* not the fixture's */
        assert_true(scalar_of(admin, sql) >= 1); /* the poller's session at least */
        assert_true(stale_within(5000));
        assert_false(fresh_within(v, 0, 300)); /* and stays so */
        snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS true", f->t.pg_name);
        assert_int_equal(db_exec(admin, sql), DB_OK);
        db_close(admin);
        /* reconnected within its back-off (at most 5 s between tries) */
        assert_true(fresh_within(v, before + 1, 15000));
    }

    versions_poll_stop();
    assert_false(versions_fresh(v)); /* forgotten */
    assert_int_equal(versions_kept(f->t.d), sqlite);
    assert_int_equal(versions_read(f->t.d, VERSION_DIRECTORY, &before), DB_OK);
    assert_int_equal(versions_fresh(v), sqlite); /* PostgreSQL: strict again */
    versions_poll_stop();                        /* none runs: a no-op */
}

/* org_summaries: one query per 20 ids, each result in its id's place
 * whatever order the rows come in, a missing id not found (and the ids
 * after it still found), across the batch boundary. */
static void test_summaries_batch(void **state)
{
    fixture *f = *state;
    enum { N_ORGS = 22 };
    int64_t made[N_ORGS];
    char slugs[N_ORGS][16], names[N_ORGS][32];
    for (int i = 0; i < N_ORGS; i++) {
        snprintf(slugs[i], sizeof slugs[i], "batch-%02d", i);
        snprintf(names[i], sizeof names[i], "Batch Entry %02d", i);
        org_rec in = rec(slugs[i], names[i], "company");
        made[i] = create_ok(f, &in);
    }
    /* newest first, a missing id at 5 and at 21 (the second batch) */
    int64_t ids[N_ORGS + 2];
    size_t n = 0;
    for (int i = N_ORGS - 1; i >= 0; i--) {
        if (n == 5 || n == 21) {
            ids[n] = made[N_ORGS - 1] + 1000 + (int64_t)n;
            n++;
        }
        ids[n++] = made[i];
    }
    assert_int_equal(n, N_ORGS + 2);
    org_rec out[N_ORGS + 2];
    bool found[N_ORGS + 2];
    assert_int_equal(org_summaries(f->t.d, &f->a, ids, n, out, found), DB_OK);
    for (size_t i = 0; i < n; i++) {
        if (i == 5 || i == 21) {
            assert_false(found[i]);
            continue;
        }
        assert_true(found[i]);
        assert_int_equal(out[i].id, ids[i]);
        int k = 0;
        while (made[k] != ids[i])
            k++;
        assert_string_equal(out[i].slug, slugs[k]);
        assert_string_equal(out[i].name, names[k]);
    }
    /* none asked: nothing read, nothing found */
    assert_int_equal(org_summaries(f->t.d, &f->a, ids, 0, out, found), DB_OK);
}

static void test_delete_search_and_audit(void **state)
{
    fixture *f = *state;
    org_rec in = rec("nicat", "Нишки кластер напредних технологија", "cluster");
    in.acronym = "NiCAT";
    in.district = "NISAVSKI";
    const char *sec[] = {"62"};
    in.sectors = sec;
    in.n_sectors = 1;
    int64_t id = create_ok(f, &in);

    static const char *const queries[] = {
        "Ниш",       "nis", "NIŠ", "nicat", "нишки кластер", "nisava", "computer programming",
        "рачунарско"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        search_hit *h;
        size_t n;
        assert_int_equal(search_query(f->t.d, &f->a, queries[i], "org", 10, 0, &h, &n), DB_OK);
        if (n != 1)
            fprintf(stderr, "query %s: %zu hits\n", queries[i], n);
        assert_int_equal(n, 1);
        assert_int_equal(h[0].ref, id);
    }

    /* a membership refers to it: refused, nothing changed */
    org_rec member = rec("member", "Member Co", "company");
    int64_t mid = create_ok(f, &member);
    assert_int_equal(db_exec(f->t.d, "INSERT INTO cluster_member(cluster_id, org_id, joined_on)"
                                     " SELECT o.id, m.id, '2020-01-01' FROM org o, org m"
                                     " WHERE o.slug = 'nicat' AND m.slug = 'member'"),
                     DB_OK);
    assert_int_equal(org_delete(f->t.d, id, 1, NULL), DB_CONSTRAINT);
    bool found;
    org_rec cur;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    assert_true(found);

    org_rec *items;
    size_t n;
    assert_int_equal(org_members_of(f->t.d, &f->a, id, &items, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, mid);
    assert_int_equal(org_clusters_of(f->t.d, &f->a, mid, &items, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, id);
    assert_int_equal(db_exec(f->t.d, "UPDATE cluster_member SET left_on = '2021-01-01'"), DB_OK);
    assert_int_equal(org_members_of(f->t.d, &f->a, id, &items, &n), DB_OK);
    assert_int_equal(n, 0);

    assert_int_equal(db_exec(f->t.d, "DELETE FROM cluster_member"), DB_OK);
    assert_int_equal(org_delete(f->t.d, id, 1, "10.0.0.1"), DB_OK);
    assert_int_equal(org_delete(f->t.d, id, 1, NULL), DB_DONE);
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    assert_false(found);
    search_hit *h;
    assert_int_equal(search_query(f->t.d, &f->a, "nicat", "org", 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 0);
    org_revision *revs;
    assert_int_equal(org_revisions(f->t.d, &f->a, id, &revs, &n), DB_OK);
    assert_int_equal(n, 1); /* history stays */

    /* a new entry never takes the deleted one's id (or history) */
    org_rec again = rec("again", "Again", "company");
    int64_t id2 = create_ok(f, &again);
    assert_true(id2 > mid && id2 != id);

    /* audit rows: one per change, entity org, names only */
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE entity = 'org'"
                               " AND action = 'org_create'"),
                     3);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'org_delete'"
                               " AND ip = '10.0.0.1' AND actor_id = 1"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE detail LIKE '%Ниш%'"), 0);

    /* deleted entries can be brought back from their history */
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    assert_int_equal(org_restore(f->t.d, id, 1, 1, NULL, &errs), DB_OK);
    assert_int_equal(org_get(f->t.d, &f->a, "nicat", 0, &cur, &found), DB_OK);
    assert_true(found);
    assert_int_equal(cur.id, id);
    assert_int_equal(cur.rev, 2);
}

/* --- listing and facets ------------------------------------------------------------------- */

static void make_list_set(fixture *f, int64_t ids[5])
{
    const char *s1[] = {"62"}, *f1[] = {"1.2"}, *g1[] = {"RS"};
    const char *s2[] = {"C", "25"}, *f2[] = {"2.3"}, *g2[] = {"RS", "WB"};
    const char *s3[] = {"29"}, *f3[] = {"2.3"}, *g3[] = {"EU"};
    const char *s4[] = {"62"}, *g4[] = {"RS"};
    const char *s5[] = {"J"};
    org_rec r[5] = {
        rec("e1", "Echo One", "cluster"),      rec("e2", "Delta Two", "cluster"),
        rec("e3", "Charlie Three", "company"), rec("e4", "Bravo Four", "company"),
        rec("e5", "Alpha Five", "university"),
    };
    set_lists(&r[0], s1, 1, f1, 1, g1, 1);
    set_lists(&r[1], s2, 2, f2, 1, g2, 2);
    set_lists(&r[2], s3, 1, f3, 1, g3, 1);
    set_lists(&r[3], s4, 1, NULL, 0, g4, 1);
    set_lists(&r[4], s5, 1, NULL, 0, NULL, 0);
    r[0].district = "JUZNOBACKI";
    r[1].district = "NISAVSKI";
    r[2].district = "SUMADIJSKI";
    r[3].district = "JUZNOBACKI";
    r[0].year_founded = 2009;
    r[1].year_founded = 2012;
    r[2].year_founded = 2009;
    for (int i = 0; i < 5; i++) {
        r[i].status = i < 4 ? "published" : "draft";
        ids[i] = create_ok(f, &r[i]);
    }
}

static int64_t facet(const org_list_result *res, const char *name, const char *code)
{
    for (size_t i = 0; i < res->n_facets; i++) {
        if (strcmp(res->facets[i].name, name) != 0)
            continue;
        for (size_t k = 0; k < res->facets[i].n_values; k++)
            if (strcmp(res->facets[i].values[k].code, code) == 0)
                return res->facets[i].values[k].count;
        return 0;
    }
    fail_msg("no facet %s", name);
    return -1;
}

static size_t facet_size(const org_list_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_facets; i++)
        if (strcmp(res->facets[i].name, name) == 0)
            return res->facets[i].n_values;
    return 0;
}

/* The facet counts org_list reads from org_facet_count (kept by
 * triggers) against the GROUP BYs they replace, as "code=n;..." strings,
 * for each status and all statuses. */
static const char *const facet_ref_sql[6] = {
    "SELECT o.kind, count(*) FROM org o WHERE o.kind IS NOT NULL AND %s GROUP BY 1",
    "SELECT coalesce(n.parent, s.code), count(DISTINCT o.id) FROM org o JOIN org_sector s ON"
    " s.org_id = o.id JOIN ref_nace n ON n.code = s.code WHERE %s GROUP BY 1 UNION ALL SELECT"
    " s.code, count(*) FROM org o JOIN org_sector s ON s.org_id = o.id JOIN ref_nace n ON"
    " n.code = s.code WHERE n.parent IS NOT NULL AND %s GROUP BY 1",
    "SELECT coalesce(n.parent, s.code), count(DISTINCT o.id) FROM org o JOIN org_fos s ON"
    " s.org_id = o.id JOIN ref_fos n ON n.code = s.code WHERE %s GROUP BY 1 UNION ALL SELECT"
    " s.code, count(*) FROM org o JOIN org_fos s ON s.org_id = o.id JOIN ref_fos n ON"
    " n.code = s.code WHERE n.parent IS NOT NULL AND %s GROUP BY 1",
    "SELECT o.region, count(*) FROM org o WHERE o.region IS NOT NULL AND %s GROUP BY 1",
    "SELECT o.district, count(*) FROM org o WHERE o.district IS NOT NULL AND %s GROUP BY 1",
    "SELECT g.code, count(*) FROM org o JOIN org_geo g ON g.org_id = o.id WHERE %s GROUP BY 1",
};

static void facets_equal_reference(fixture *f, const char *step)
{
    static const char *const statuses[] = {"published", "draft", "archived", "any"};
    static const char *const kinds[] = {NULL, "cluster", "company", "university"};
    for (size_t k = 0; k < 4; k++) {
        for (size_t j = 0; j < 4; j++) {
            org_query q;
            memset(&q, 0, sizeof q);
            q.want_facets = true;
            q.status = statuses[k];
            q.kind = kinds[j];
            org_list_result res;
            assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
            assert_int_equal(res.n_facets, 6);
            char cond[128], inner[1200], sql[1400];
            for (int d = 0; d < 6; d++) {
                /* a facet counts among the entries matching the other filters */
                if (k == 3)
                    snprintf(cond, sizeof cond, "1 = 1");
                else
                    snprintf(cond, sizeof cond, "o.status = '%s'", statuses[k]);
                if (kinds[j] && d != 0)
                    snprintf(cond + strlen(cond), sizeof cond - strlen(cond), " AND o.kind = '%s'",
                             kinds[j]);
                snprintf(inner, sizeof inner, facet_ref_sql[d], cond, cond);
                snprintf(sql, sizeof sql,
                         "SELECT coalesce(group_concat(c || '=' || n, ';'), '') FROM (SELECT *"
                         " FROM (SELECT '' AS c, 0 AS n WHERE 1 = 0 UNION ALL %s) AS u"
                         " WHERE c IS NOT NULL ORDER BY 1) AS f",
                         inner);
                /* db_prepare caches by the text's address: one copy per text */
                db_stmt *s = db_prepare(f->t.d, arena_strdup(&f->a, sql));
                if (!s)
                    fail_msg("%s: %s", db_errmsg(f->t.d), sql);
                assert_int_equal(db_step(s), DB_ROW);
                char want[800];
                snprintf(want, sizeof want, "%s", db_col_text(s, 0));
                db_reset(s);
                char got[800] = "";
                const org_facet *fc = &res.facets[d];
                for (size_t i = 0; i < fc->n_values; i++)
                    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%lld", i ? ";" : "",
                             fc->values[i].code, (long long)fc->values[i].count);
                if (strcmp(got, want) != 0)
                    fail_msg("%s: status %s kind %s facet %s: stored %s, reference %s", step,
                             statuses[k], kinds[j] ? kinds[j] : "-", fc->name, got, want);
            }
        }
    }
}

/* Reads entry id, lets change() edit it, saves it through org_update. */
static void update_with(fixture *f, int64_t id, void (*change)(org_rec *))
{
    org_rec r;
    bool found = false;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &r, &found), DB_OK);
    assert_true(found);
    change(&r);
    form_errors errs;
    memset(&errs, 0, sizeof errs);
    db_status st = org_update(f->t.d, &r, 1, NULL, &errs);
    for (size_t i = 0; i < errs.n_items; i++)
        fprintf(stderr, "update %s: %s code %d\n", r.slug, errs.items[i].field, errs.items[i].code);
    assert_int_equal(st, DB_OK);
}

static void to_university(org_rec *r)
{
    r->kind = "university";
    r->region = "BG";
    r->district = "BEOGRAD";
}

static void sectors_c_no_geo(org_rec *r)
{
    static const char *s[] = {"C"};
    set_lists(r, s, 1, r->fos, r->n_fos, NULL, 0);
}

static void sectors_62_j_63(org_rec *r)
{
    static const char *s[] = {"62", "63", "J"};
    set_lists(r, s, 3, r->fos, r->n_fos, r->geo, r->n_geo);
}

static void sectors_j_63(org_rec *r)
{
    static const char *s[] = {"63", "J"};
    set_lists(r, s, 2, r->fos, r->n_fos, r->geo, r->n_geo);
}

static void sectors_c_j(org_rec *r)
{
    static const char *s[] = {"C", "J"};
    set_lists(r, s, 2, r->fos, r->n_fos, r->geo, r->n_geo);
}

static void fos_three(org_rec *r)
{
    static const char *fo[] = {"1.1", "2", "2.3"};
    set_lists(r, r->sectors, r->n_sectors, fo, 3, r->geo, r->n_geo);
}

static void test_stored_facets_follow_writes(void **state)
{
    fixture *f = *state;
    int64_t ids[5];
    make_list_set(f, ids);
    facets_equal_reference(f, "created");
    update_with(f, ids[0], to_university);
    facets_equal_reference(f, "kind, region and district changed");
    assert_int_equal(org_set_status(f->t.d, ids[1], "archived", 1, NULL), DB_OK);
    facets_equal_reference(f, "archived");
    update_with(f, ids[1], sectors_c_no_geo);
    update_with(f, ids[3], sectors_62_j_63);
    update_with(f, ids[4], sectors_c_j);
    update_with(f, ids[2], fos_three);
    facets_equal_reference(f, "codes changed");
    update_with(f, ids[3], sectors_j_63);
    facets_equal_reference(f, "one of two divisions gone");
    assert_int_equal(org_set_status(f->t.d, ids[4], "published", 1, NULL), DB_OK);
    facets_equal_reference(f, "published");
    assert_int_equal(org_delete(f->t.d, ids[2], 1, NULL), DB_OK);
    facets_equal_reference(f, "deleted");
}

/* The writes of another thread: on PostgreSQL each thread counts on its
 * own shard of org_facet_count (tx_shard, 0058), so an entry counted by
 * one thread's write leaves from another's shard. */
typedef struct shard_job {
    fixture *f;
    const int64_t *ids;
    int step;
    db_status st;
} shard_job;

static void *shard_writes(void *arg)
{
    shard_job *j = arg;
    arena a = ARENA_INIT;
    org_rec r;
    bool found = false;
    j->st = DB_OK;
    if (j->step == 0) { /* kind, region, district and sectors changed; one archived */
        void (*change[2])(org_rec *) = {to_university, sectors_c_j};
        for (int k = 0; k < 2 && j->st == DB_OK; k++) {
            j->st = org_get(j->f->t.d, &a, NULL, j->ids[k], &r, &found);
            if (j->st == DB_OK && !found)
                j->st = DB_DONE;
            if (j->st == DB_OK) {
                change[k](&r);
                j->st = org_update(j->f->t.d, &r, 1, NULL, NULL);
            }
        }
        if (j->st == DB_OK)
            j->st = org_set_status(j->f->t.d, j->ids[2], "archived", 1, NULL);
    } else { /* and back, and one deleted */
        j->st = org_set_status(j->f->t.d, j->ids[2], "published", 1, NULL);
        if (j->st == DB_OK)
            j->st = org_delete(j->f->t.d, j->ids[3], 1, NULL);
    }
    arena_free(&a);
    return NULL;
}

static void test_stored_facets_across_shards(void **state)
{
    fixture *f = *state;
    int64_t ids[5];
    make_list_set(f, ids);
    for (int step = 0; step < 2; step++) {
        shard_job j = {.f = f, .ids = ids, .step = step, .st = DB_ERR};
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, shard_writes, &j), 0);
        pthread_join(th, NULL);
        assert_int_equal(j.st, DB_OK);
        facets_equal_reference(f, step ? "published again and deleted by a third thread"
                                       : "changed by another thread");
    }
    int64_t shards = 0, below = 0;
    assert_int_equal(
        db_scalar_int(f->t.d, "SELECT count(DISTINCT shard) FROM org_facet_count", &shards), DB_OK);
    assert_int_equal(
        db_scalar_int(f->t.d, "SELECT count(*) FROM org_facet_count WHERE n < 0", &below), DB_OK);
    if (db_writes_serial(f->t.d)) { /* SQLite: one shard, never below zero */
        assert_int_equal(shards, 1);
        assert_int_equal(below, 0);
    } else { /* three threads' shards; the entries left the shard they came on from another */
        assert_true(shards >= 3);
        assert_true(below > 0);
    }
}

static void test_list_filters_and_facets(void **state)
{
    fixture *f = *state;
    int64_t ids[5];
    make_list_set(f, ids);
    org_query q;
    memset(&q, 0, sizeof q);
    q.want_facets = true;
    org_list_result res;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 4); /* published only */
    assert_int_equal(res.n_items, 4);
    assert_string_equal(res.items[0].slug, "e4"); /* by name: Bravo, Charlie, Delta, Echo */
    assert_string_equal(res.items[3].slug, "e1");
    assert_int_equal(res.n_facets, 6);
    assert_int_equal(facet(&res, "kind", "cluster"), 2);
    assert_int_equal(facet(&res, "kind", "company"), 2);
    assert_int_equal(facet(&res, "kind", "university"), 0);
    assert_int_equal(facet(&res, "sector", "C"), 2); /* e2 (C and 25, once) and e3 (29) */
    assert_int_equal(facet(&res, "sector", "25"), 1);
    assert_int_equal(facet(&res, "sector", "29"), 1);
    assert_int_equal(facet(&res, "sector", "62"), 2);
    assert_int_equal(facet(&res, "sector", "J"), 2);
    assert_int_equal(facet_size(&res, "sector"), 5);
    assert_int_equal(facet(&res, "fos", "1"), 1);
    assert_int_equal(facet(&res, "fos", "1.2"), 1);
    assert_int_equal(facet(&res, "fos", "2"), 2);
    assert_int_equal(facet(&res, "fos", "2.3"), 2);
    assert_int_equal(facet(&res, "region", "VO"), 2);
    assert_int_equal(facet(&res, "region", "JI"), 1);
    assert_int_equal(facet(&res, "region", "SZ"), 1);
    assert_int_equal(facet(&res, "district", "JUZNOBACKI"), 2);
    assert_int_equal(facet(&res, "district", "NISAVSKI"), 1);
    assert_int_equal(facet(&res, "geo", "RS"), 3);
    assert_int_equal(facet(&res, "geo", "WB"), 1);
    assert_int_equal(facet(&res, "geo", "EU"), 1);

    /* a filter narrows the other facets but not its own */
    q.kind = "cluster";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 2);
    assert_int_equal(facet(&res, "kind", "cluster"), 2);
    assert_int_equal(facet(&res, "kind", "company"), 2);
    assert_int_equal(facet(&res, "sector", "62"), 1);
    assert_int_equal(facet(&res, "sector", "C"), 1);
    assert_int_equal(facet(&res, "sector", "29"), 0);
    assert_int_equal(facet(&res, "region", "SZ"), 0);

    /* a section letter matches its divisions */
    memset(&q, 0, sizeof q);
    q.want_facets = true;
    q.sector = "C";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 2);
    assert_string_equal(res.items[0].slug, "e3");
    assert_string_equal(res.items[1].slug, "e2");
    assert_int_equal(facet(&res, "kind", "cluster"), 1);
    assert_int_equal(facet(&res, "kind", "company"), 1);
    assert_int_equal(facet(&res, "sector", "62"), 2); /* own filter ignored */
    q.sector = "J";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 2);
    q.sector = "29";
    q.fos = "2";
    q.region = "SZ";
    q.district = "SUMADIJSKI";
    q.geo = "EU";
    q.kind = "company";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 1);
    assert_int_equal(res.items[0].id, ids[2]);
    q.geo = "RS";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 0);
    assert_int_equal(facet(&res, "geo", "EU"), 1);

    /* status: any, or one */
    memset(&q, 0, sizeof q);
    q.status = "any";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 5);
    assert_int_equal(res.n_facets, 0);
    q.status = "draft";
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 1);
    assert_string_equal(res.items[0].slug, "e5");

    /* sorting, pages and the keyset */
    memset(&q, 0, sizeof q);
    q.sort = ORG_SORT_FOUNDED;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_string_equal(res.items[0].slug, "e1"); /* 2009, id tie-break */
    assert_string_equal(res.items[1].slug, "e3");
    assert_string_equal(res.items[2].slug, "e2");
    assert_string_equal(res.items[3].slug, "e4"); /* unknown year last */
    q.desc = true;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_string_equal(res.items[0].slug, "e2");
    assert_string_equal(res.items[1].slug, "e3");
    assert_string_equal(res.items[3].slug, "e4");
    q.sort = ORG_SORT_NAME;
    q.desc = false;
    q.per_page = 3;
    q.page = 2;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.total, 4);
    assert_int_equal(res.n_items, 1);
    assert_string_equal(res.items[0].slug, "e1");
    memset(&q, 0, sizeof q);
    q.sort = ORG_SORT_ID;
    q.per_page = 2;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.n_items, 2);
    assert_int_equal(res.items[0].id, ids[0]);
    q.after_id = res.items[1].id;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.n_items, 2);
    assert_int_equal(res.items[0].id, ids[2]);
    assert_int_equal(res.items[1].id, ids[3]);
    q.after_id = ids[3];
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.n_items, 0);
}

/* --- logos ------------------------------------------------------------------------------- */

static size_t png(unsigned char *p, uint32_t w, uint32_t h)
{
    static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                         0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    memcpy(p, head, sizeof head);
    const unsigned char dims[8] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h};
    memcpy(p + 16, dims, 8);
    static const unsigned char tail[] = {8, 6, 0, 0, 0,   0x11, 0x22, 0x33, 0x44, /* CRC */
                                         0, 0, 0, 0, 'I', 'E',  'N',  'D',  0xAE, 0x42, 0x60, 0x82};
    memcpy(p + 24, tail, sizeof tail);
    return 24 + sizeof tail;
}

static int logo(fixture *f, int64_t id, const void *data, size_t n)
{
    int why = -1;
    db_status st = org_set_logo(f->t.d, id, data, n, 1, NULL, &why);
    if (st == DB_OK)
        assert_int_equal(why, 0);
    else
        assert_int_equal(st, DB_CONSTRAINT);
    return why;
}

static int svg(fixture *f, int64_t id, const char *text)
{
    return logo(f, id, text, strlen(text));
}

/* The name sort follows the reader's alphabet (ICU keys stored by the
 * writer), and rows written without keys (a migration, the sqlite3 shell)
 * get them from org_fill_sort_keys. */
static void test_name_order_per_alphabet(void **state)
{
    fixture *f = *state;
    /* Ђ after Д in the azbuka; in the abeceda Đ after Dž (Џ) and D */
    const char *const names[4] = {"Ђак", "Џеп", "Дуб", "Ћуп"};
    for (int i = 0; i < 4; i++) {
        org_rec r = rec(NULL, names[i], "company");
        char slug[8];
        snprintf(slug, sizeof slug, "n%d", i);
        r.slug = slug;
        r.status = "published";
        create_ok(f, &r);
    }
    org_query q;
    memset(&q, 0, sizeof q);
    org_list_result res;
    q.names = ORG_NAMES_CYRL;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    assert_int_equal(res.n_items, 4);
    const char *const cyrl[4] = {"Дуб", "Ђак", "Ћуп", "Џеп"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(res.items[i].name, cyrl[i]);
    q.names = ORG_NAMES_LATN; /* Ćup Dub Džep Đak */
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    const char *const latn[4] = {"Ћуп", "Дуб", "Џеп", "Ђак"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(res.items[i].name, latn[i]);

    /* keys lost (as after migration 0013) come back, in the same order */
    assert_int_equal(db_exec(f->t.d, "UPDATE org SET name_key_latn = NULL, name_key_cyrl = NULL,"
                                     " name_key_en = NULL"),
                     DB_OK);
    int64_t filled = 0;
    assert_int_equal(org_fill_sort_keys(f->t.d, &filled), DB_OK);
    assert_int_equal(filled, 4);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE name_key_cyrl IS NULL"), 0);
    assert_int_equal(org_fill_sort_keys(f->t.d, &filled), DB_OK);
    assert_int_equal(filled, 0);
    q.names = ORG_NAMES_CYRL;
    assert_int_equal(org_list(f->t.d, &f->a, &q, &res), DB_OK);
    for (int i = 0; i < 4; i++)
        assert_string_equal(res.items[i].name, cyrl[i]);
}

static void test_logos(void **state)
{
    fixture *f = *state;
    org_rec in = rec("logo", "Logo Co", "company");
    int64_t id = create_ok(f, &in);
    unsigned char p[64];
    size_t n = png(p, 120, 80);
    assert_int_equal(logo(f, id, p, n), 0);
    const char *type, *sha;
    const void *data;
    size_t len;
    assert_int_equal(org_get_logo(f->t.d, &f->a, id, &type, &data, &len, &sha), DB_OK);
    assert_string_equal(type, "image/png");
    assert_int_equal(len, n);
    assert_memory_equal(data, p, n);
    assert_int_equal(strlen(sha), 64);
    org_rec cur;
    bool found;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &cur, &found), DB_OK);
    assert_true(cur.has_logo);
    assert_int_equal(cur.rev, 1); /* a logo is not a revision */
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'org_logo'"), 1);

    n = png(p, 5000, 10);
    assert_int_equal(logo(f, id, p, n), MSG_LOGO_DIMENSIONS);
    n = png(p, 0, 10);
    assert_int_equal(logo(f, id, p, n), MSG_LOGO_DIMENSIONS);
    assert_int_equal(logo(f, id, p, 20), MSG_LOGO_FORMAT); /* truncated */
    assert_int_equal(logo(f, id, "GIF89a......", 12), MSG_LOGO_FORMAT);

    static const unsigned char jpeg[] = {
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0, 1,    1,    0,
        0,    1,    0,    1,    0,    0,    0xFF, 0xC0, 0x00, 0x11, 8, 0x00, 0x40, 0x00,
        0x80, 3,    1,    0x22, 0,    2,    0x11, 1,    3,    0x11, 1, 0xFF, 0xD9};
    assert_int_equal(logo(f, id, jpeg, sizeof jpeg), 0);
    assert_int_equal(org_get_logo(f->t.d, &f->a, id, &type, &data, &len, &sha), DB_OK);
    assert_string_equal(type, "image/jpeg");
    unsigned char bigj[sizeof jpeg];
    memcpy(bigj, jpeg, sizeof jpeg);
    bigj[25] = 0x20; /* height 8256 */
    assert_int_equal(logo(f, id, bigj, sizeof bigj), MSG_LOGO_DIMENSIONS);
    assert_int_equal(logo(f, id, jpeg, 20), MSG_LOGO_FORMAT); /* no frame header */

    assert_int_equal(svg(f, id,
                         "<?xml version=\"1.0\"?>\n<!-- logo -->\n"
                         "<svg xmlns=\"http://www.w3.org/2000/svg\""
                         " xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">"
                         "<defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient>"
                         "<circle id=\"c\" r=\"4\"/></defs>"
                         "<style>.a{fill:url(#g)}</style>"
                         "<use xlink:href=\"#c\" class=\"a\"/><text>Ниш &amp; co</text>"
                         "</svg>\n"),
                     0);
    assert_int_equal(org_get_logo(f->t.d, &f->a, id, &type, &data, &len, &sha), DB_OK);
    assert_string_equal(type, "image/svg+xml");

    /* the whole catalogue of hostile and broken SVG is in test_image.c */
    static const char *const unsafe[] = {
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><meta xmlns=\"http://www.w3.org/1999/xhtml\""
        " http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"/></svg>",
        "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg>&x;</svg>",
    };
    for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++)
        assert_int_equal(svg(f, id, unsafe[i]), MSG_LOGO_SVG_UNSAFE);
    assert_int_equal(svg(f, id, "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>"),
                     MSG_LOGO_SVG_INVALID);
    char *huge = malloc(512 * 1024 + 1);
    memset(huge, ' ', 512 * 1024 + 1);
    assert_int_equal(logo(f, id, huge, 512 * 1024 + 1), MSG_LOGO_TOO_BIG);
    free(huge);
    assert_int_equal(org_get_logo(f->t.d, &f->a, id, &type, &data, &len, &sha), DB_OK);
    assert_string_equal(type, "image/svg+xml"); /* refusals changed nothing */

    /* no such entry; removing the logo */
    int why;
    assert_int_equal(org_set_logo(f->t.d, 999, jpeg, sizeof jpeg, 1, NULL, &why), DB_DONE);
    assert_int_equal(org_set_logo(f->t.d, id, NULL, 0, 1, NULL, &why), DB_OK);
    assert_int_equal(org_get_logo(f->t.d, &f->a, id, &type, &data, &len, &sha), DB_OK);
    assert_null(data);
}

/* --- import and export ---------------------------------------------------------------------- */

static bool has_problem(const org_import_report *rep, int64_t line, const char *part)
{
    for (size_t i = 0; i < rep->n_problems; i++)
        if (rep->problems[i].line == line && strstr(rep->problems[i].message, part))
            return true;
    return false;
}

static void dump_problems(const org_import_report *rep)
{
    for (size_t i = 0; i < rep->n_problems; i++)
        fprintf(stderr, "  line %lld: %s\n", (long long)rep->problems[i].line,
                rep->problems[i].message);
}

/* A workbook of the first n_rows of the rows below (slug, name, kind;
 * year_founded a number in the first entry, empty in the second) into
 * data (at most cap bytes); its size. */
static size_t org_book(size_t n_rows, char *data, size_t cap)
{
    static const char *const rows[][3] = {
        {"slug", "name", "kind"},
        {"radionica-nis", "Радионица Ниш", "company"},
        {"bad-kind", "Bad Kind", "firma"},
    };
    char path[] = "/tmp/scan-test-org-xlsx-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (size_t r = 0; r < n_rows; r++)
        for (int c = 0; c < 3; c++)
            worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, rows[r][c], NULL);
    worksheet_write_string(ws, 0, 3, "year_founded", NULL);
    worksheet_write_number(ws, 1, 3, 2011, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    size_t n = fread(data, 1, cap, in);
    fclose(in);
    unlink(path);
    assert_true(n > 0 && n < cap);
    return n;
}

/* An Excel workbook goes through the same reader as CSV text (ORG_FMT_CSV:
 * the reader tells them apart by their bytes), so `scan org import` takes
 * the .xlsx a person saved; a bad cell is named by its row, and a row's
 * empty cells after its last value are empty, not missing. */
static void test_import_workbook(void **state)
{
    fixture *f = *state;
    char data[65536];
    size_t n = org_book(3, data, sizeof data);
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, data, n, ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    if (rep.n_problems != 1)
        dump_problems(&rep);
    assert_int_equal(rep.n_problems, 1); /* its empty last cell is not a problem */
    assert_true(has_problem(&rep, 3, "kind: Choose a value from the list. \"firma\""));
    buf_free(&rep.preview);

    n = org_book(2, data, sizeof data); /* the bad row gone: the good one is written */
    assert_int_equal(org_import(f->t.d, &f->a, data, n, ORG_FMT_CSV, false, 1, &rep), DB_OK);
    assert_int_equal(rep.created, 1);
    buf_free(&rep.preview);
    org_rec r;
    bool found = false;
    assert_int_equal(org_get(f->t.d, &f->a, "radionica-nis", 0, &r, &found), DB_OK);
    assert_true(found);
    assert_string_equal(r.name, "Радионица Ниш");
    assert_int_equal(r.year_founded, 2011);
}

/* One row per entry: a row that finds an entry by its slug and another
 * that finds the same entry by its PIB would both update it, the last
 * silently winning; the second is a problem, and nothing changes. (In
 * CSV the first row's empty PIB cell clears the PIB, so the second makes
 * a new entry: JSON leaves a missing key as it is.) */
static void test_import_same_entry_twice(void **state)
{
    fixture *f = *state;
    static const char base[] = "slug,name,kind,status,pib\n"
                               "prvi,Prvi,company,published,880078828\n";
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, base, strlen(base), ORG_FMT_CSV, false, 1, &rep),
                     DB_OK);
    buf_free(&rep.preview);
    static const char twice[] = "[{\"slug\":\"prvi\",\"name\":\"Prvi Put\",\"kind\":\"company\"},"
                                " {\"slug\":\"drugi\",\"name\":\"Drugi Put\",\"kind\":\"company\","
                                "\"pib\":\"880078828\"}]";
    assert_int_equal(org_import(f->t.d, &f->a, twice, strlen(twice), ORG_FMT_JSON, false, 1, &rep),
                     DB_CONSTRAINT);
    if (rep.n_problems != 1)
        dump_problems(&rep);
    assert_int_equal(rep.n_problems, 1);
    assert_true(has_problem(&rep, 2, "this is the same entry as entry 1"));
    buf_free(&rep.preview);
    org_rec r;
    bool found = false;
    assert_int_equal(org_get(f->t.d, &f->a, "prvi", 0, &r, &found), DB_OK);
    assert_true(found);
    assert_string_equal(r.name, "Prvi"); /* nothing changed */
    assert_int_equal(org_get(f->t.d, &f->a, "drugi", 0, &r, &found), DB_OK);
    assert_false(found);
}

/* A name pasted with no-break spaces around it is stored without them,
 * as a form stores it (form_trim); inside the name they stay. */
static void test_import_trims_unicode_spaces(void **state)
{
    fixture *f = *state;
    static const char csv[] = "slug,name,kind\n"
                              "razmak,\xC2\xA0\xC2\xA0Ime\xC2\xA0"
                              "Firme\xE2\x80\xAF,company\n";
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep),
                     DB_OK);
    buf_free(&rep.preview);
    org_rec r;
    bool found = false;
    assert_int_equal(org_get(f->t.d, &f->a, "razmak", 0, &r, &found), DB_OK);
    assert_true(found);
    assert_string_equal(r.name, "Ime\xC2\xA0"
                                "Firme");
}

/* A coded field's problem names what the row gave and the codes the
 * field takes: a rule's choices (status) or a reference table's (kind). */
static void test_import_names_codes(void **state)
{
    fixture *f = *state;
    static const char csv[] = "slug,name,kind,status\n"
                              "kodovi,Kodovi,firma,public\n";
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    if (rep.n_problems != 2)
        dump_problems(&rep);
    assert_true(has_problem(
        &rep, 2,
        "status: Choose one of the offered options. \"public\" is not one of its codes: "
        "draft, published, archived."));
    assert_true(has_problem(&rep, 2, "\"firma\" is not one of its codes: cluster, "));
    buf_free(&rep.preview);
}

static void test_import_all_or_nothing(void **state)
{
    fixture *f = *state;
    org_rec in = rec("existing", "Existing", "company");
    create_ok(f, &in);
    int64_t orgs = scalar(f, "SELECT count(*) FROM org");
    int64_t revs = scalar(f, "SELECT count(*) FROM org_revision");
    int64_t audits = scalar(f, "SELECT count(*) FROM audit");
    int64_t v0, v1;
    assert_int_equal(org_directory_version(f->t.d, &v0), DB_OK);

    static const char csv[] = "slug,name,kind,pib,sectors\n"
                              "good-one,Good One,company,101134702,62;J\n"
                              "bad-pib,Bad PIB,company,101134703,\n"
                              "bad-kind,Bad Kind,spaceship,,\n"
                              "good-one,Twice,company,,\n"
                              "good-two,\"Good, Two\",cluster,,C\n"
                              "dup-pib,Dup PIB,company,101134702,\n"
                              ",,company,,XX\n"
                              "short,row\n";
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    if (rep.n_problems != 7)
        dump_problems(&rep);
    assert_true(has_problem(&rep, 3, "pib: This is not a valid PIB"));
    assert_true(has_problem(&rep, 4, "kind: Choose a value from the list."));
    assert_true(has_problem(&rep, 5, "slug: \"good-one\" is also on line 2"));
    assert_true(has_problem(&rep, 7, "pib: 101134702 is also on line 2"));
    assert_true(has_problem(&rep, 8, "name: This field is required."));
    assert_true(has_problem(&rep, 8, "sectors: Choose a value from the list."));
    /* what a coded field was given, and the codes it takes when they are few */
    assert_true(has_problem(&rep, 4, "\"spaceship\" is not one of its codes: cluster, "));
    assert_true(has_problem(&rep, 8, "\"XX\" is not one of its codes (the web form"));
    assert_true(has_problem(&rep, 9, "expected 5 fields"));
    assert_int_equal(rep.n_problems, 7);
    for (size_t i = 1; i < rep.n_problems; i++) /* in file order */
        assert_true(rep.problems[i - 1].line <= rep.problems[i].line);
    buf_free(&rep.preview);

    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), orgs);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), revs);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(scalar(f, "SELECT count(*) FROM search_fts"), 1);
    assert_int_equal(org_directory_version(f->t.d, &v1), DB_OK);
    assert_int_equal(v1, v0);

    /* header and syntax problems */
    static const char bad_header[] = "slug,name,colour\nx,y,z\n";
    assert_int_equal(
        org_import(f->t.d, &f->a, bad_header, strlen(bad_header), ORG_FMT_CSV, false, 1, &rep),
        DB_CONSTRAINT);
    assert_true(has_problem(&rep, 1, "unknown column \"colour\""));
    buf_free(&rep.preview);
    static const char bad_quote[] = "slug,name,kind\nok,Fine,company\nx,\"open,company\n";
    assert_int_equal(
        org_import(f->t.d, &f->a, bad_quote, strlen(bad_quote), ORG_FMT_CSV, false, 1, &rep),
        DB_CONSTRAINT);
    assert_true(has_problem(&rep, 3, "not closed"));
    buf_free(&rep.preview);
    static const char two[] = "slug,name,kind,year_founded\nx,X,spaceship,soon\n";
    assert_int_equal(org_import(f->t.d, &f->a, two, strlen(two), ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 2); /* both problems of the row */
    assert_true(has_problem(&rep, 2, "year_founded: Enter a whole number"));
    assert_true(has_problem(&rep, 2, "kind: "));
    buf_free(&rep.preview);
    /* Not UTF-8: Windows-1250 is read (the importers' shared reader,
     * model/import.h), a byte that codes nothing there is refused. */
    static const char cp1250[] = "slug;name;kind\nx;Ni\xe8;company\n";
    assert_int_equal(org_import(f->t.d, &f->a, cp1250, strlen(cp1250), ORG_FMT_CSV, true, 1, &rep),
                     DB_OK);
    assert_string_equal(buf_str(&rep.preview), "create x\n");
    buf_free(&rep.preview);
    static const char latin1[] = "slug,name,kind\nx,Ni\x98,company\n";
    assert_int_equal(org_import(f->t.d, &f->a, latin1, strlen(latin1), ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    assert_true(has_problem(&rep, 2, "neither UTF-8 nor Windows-1250"));
    buf_free(&rep.preview);
    static const char nul[] = "slug,name,kind\nx,X,company\ny,\0Y,company\n";
    assert_int_equal(org_import(f->t.d, &f->a, nul, sizeof nul - 1, ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    /* a NUL byte, refused on its line (the shared reader names both
     * encodings it tried) */
    assert_true(has_problem(&rep, 3, "neither UTF-8 nor Windows-1250"));
    buf_free(&rep.preview);
    static const char json[] = "[{\"slug\":\"j1\",\"name\":\"J One\",\"kind\":\"company\"},"
                               " {\"slug\":\"j2\",\"name\":\"J Two\",\"kind\":\"nope\"},"
                               " {\"slug\":\"j3\",\"colour\":\"red\"},"
                               " {\"slug\":\"j4\",\"name\":\"J4\",\"kind\":\"company\","
                               "  \"year_founded\":\"soon\"}]";
    assert_int_equal(org_import(f->t.d, &f->a, json, strlen(json), ORG_FMT_JSON, false, 1, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 3);
    assert_true(has_problem(&rep, 2, "kind:"));
    assert_true(has_problem(&rep, 3, "unknown field \"colour\""));
    assert_true(has_problem(&rep, 4, "year_founded"));
    buf_free(&rep.preview);
    assert_int_equal(org_import(f->t.d, &f->a, "{", 1, ORG_FMT_JSON, false, 1, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 1);
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), orgs);
}

static void test_import_dry_run_and_write(void **state)
{
    fixture *f = *state;
    org_rec in = rec("acme", "Acme", "company");
    in.pib = "113460262";
    create_ok(f, &in);
    int64_t orgs = scalar(f, "SELECT count(*) FROM org");
    int64_t revs = scalar(f, "SELECT count(*) FROM org_revision");

    /* BOM, CRLF, quoted commas, doubled quotes and newlines; matching by
     * PIB; generated slugs avoid the database and every slug in the file */
    static const char csv[] =
        "\xEF\xBB\xBF"
        "slug,name,kind,pib,description_en,website\r\n"
        ",Acme,company,113460262,\"Renamed \"\"by\"\" PIB,\r\nsecond line\",\r\n"
        ",Acme,company,,,https://acme-two.example\r\n"
        ",Acme,company,,,\r\n"
        "acme-3,Acme Explicit,cluster,,,\r\n";
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, true, 1, &rep),
                     DB_OK);
    if (rep.n_problems)
        dump_problems(&rep);
    assert_int_equal(rep.created, 3);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(rep.unchanged, 0);
    assert_string_equal(buf_str(&rep.preview), "update acme: description_en\n"
                                               "create acme-2\n"
                                               "create acme-4\n"
                                               "create acme-3\n");
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), orgs);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), revs);

    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep),
                     DB_OK);
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), orgs + 3);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision WHERE action = 'import'"), 4);
    org_rec cur;
    bool found;
    assert_int_equal(org_get(f->t.d, &f->a, "acme", 0, &cur, &found), DB_OK);
    assert_string_equal(cur.description_en, "Renamed \"by\" PIB,\nsecond line");
    assert_string_equal(cur.kind, "company");
    assert_int_equal(org_get(f->t.d, &f->a, "acme-2", 0, &cur, &found), DB_OK);
    assert_string_equal(cur.website, "https://acme-two.example");
    assert_int_equal(org_get(f->t.d, &f->a, "acme-3", 0, &cur, &found), DB_OK);
    assert_string_equal(cur.kind, "cluster");

    /* absent columns keep their values on update */
    static const char partial[] = "slug,short_en\nacme-2,Short\n";
    assert_int_equal(
        org_import(f->t.d, &f->a, partial, strlen(partial), ORG_FMT_CSV, false, 1, &rep), DB_OK);
    assert_string_equal(buf_str(&rep.preview), "update acme-2: short_en\n");
    buf_free(&rep.preview);
    assert_int_equal(org_get(f->t.d, &f->a, "acme-2", 0, &cur, &found), DB_OK);
    assert_string_equal(cur.website, "https://acme-two.example");
    assert_string_equal(cur.short_en, "Short");
}

/* An import adds its new entries' facet counts in one go at the end and
 * its search documents in bulk before the commit: the stored counts still
 * equal the GROUP BYs, with updates (counted per entry) in the same file,
 * the documents are found, directory_version goes up once per entry
 * written, and a dry run leaves neither counts nor documents behind. */
static void test_import_bulk_counts_and_search(void **state)
{
    fixture *f = *state;
    int64_t ids[5];
    make_list_set(f, ids);
    int64_t version = scalar(f, "SELECT sum(n) FROM data_version WHERE kind = 'directory'");
    int64_t docs = scalar(f, "SELECT count(*) FROM search_doc");
    /* e1 changes kind and codes (an update), the rest are new: a division
     * with its section (counted once), two divisions of one section, a
     * region taken from the district, another status and kind */
    static const char csv[] =
        "slug,name,kind,status,district,region,sectors,fos,geo\n"
        "e1,Echo One,company,published,NISAVSKI,,C;25,2.3,EU\n"
        "zulu-one,Zulu Quokkaimport,company,published,JUZNOBACKI,,62;J,1.2;1,RS;WB\n"
        "zulu-two,Zulu Two,company,draft,,BG,62;63,2.3,\n"
        "zulu-three,Zulu Three,university,published,SUMADIJSKI,,J,,EU\n"
        "zulu-four,Zulu Four,cluster,archived,,,,,\n";
    org_import_report rep;
    db_status st = org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, true, 1, &rep);
    if (rep.n_problems)
        dump_problems(&rep);
    buf_free(&rep.preview);
    assert_int_equal(st, DB_OK);
    facets_equal_reference(f, "dry run");
    assert_int_equal(scalar(f, "SELECT count(*) FROM search_doc"), docs);

    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep),
                     DB_OK);
    if (rep.n_problems)
        dump_problems(&rep);
    assert_int_equal(rep.created, 4);
    assert_int_equal(rep.updated, 1);
    buf_free(&rep.preview);
    facets_equal_reference(f, "imported");
    assert_int_equal(scalar(f, "SELECT sum(n) FROM data_version WHERE kind = 'directory'"),
                     version + 5);
    assert_int_equal(scalar(f, "SELECT count(*) FROM search_doc"), docs + 4);
    assert_int_equal(scalar(f, "SELECT count(*) FROM search_fts"), docs + 4);
    assert_int_equal(scalar(f, "SELECT count(*) FROM search_title"), docs + 4);
    search_hit *h;
    size_t n;
    assert_int_equal(search_query(f->t.d, &f->a, "quokkaimp", "org", 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(search_query(f->t.d, &f->a, "zulu", "org", 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 4);

    /* a second import into the same connection: the pending table again */
    static const char more[] = "slug,name,kind,sectors\nzulu-five,Zulu Five,company,C\n";
    assert_int_equal(org_import(f->t.d, &f->a, more, strlen(more), ORG_FMT_CSV, false, 1, &rep),
                     DB_OK);
    buf_free(&rep.preview);
    facets_equal_reference(f, "imported again");
    assert_int_equal(search_query(f->t.d, &f->a, "zulu", "org", 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 5);
}

static void test_export_import_round_trip(void **state)
{
    fixture *f = *state;
    int64_t ids[5];
    make_list_set(f, ids);
    org_rec t = rec("tricky", "Tricky, \"Quoted\" d.o.o.", "company");
    t.phone = "+381 21 123 456";
    t.short_sr = "=SUM(A1:A2) не сме да се изврши";
    t.short_en = "'- leading quote and dash";
    t.description_en = "First line\nsecond; with semicolon\n\nthird";
    t.address = "-1 Minus Street";
    t.email = "handle@example.com";
    t.pib = "101134702";
    t.mb = "66841251";
    t.year_founded = 1990;
    create_ok(f, &t);

    for (int fmt = ORG_FMT_CSV; fmt <= ORG_FMT_JSON; fmt++) {
        buf out = BUF_INIT;
        assert_int_equal(org_export(f->t.d, (org_format)fmt, &out), DB_OK);
        if (fmt == ORG_FMT_CSV) {
            assert_true(strncmp(buf_str(&out), "slug,name,name_en,acronym,kind,status,", 38) == 0);
            assert_non_null(strstr(buf_str(&out), ",'+381 21 123 456,"));
            assert_non_null(strstr(buf_str(&out), "\"Tricky, \"\"Quoted\"\" d.o.o.\""));
        } else {
            json_error_t je;
            json_t *j = json_loadb(buf_str(&out), out.len, 0, &je);
            assert_non_null(j);
            assert_int_equal(json_array_size(j), 6);
            json_decref(j);
        }
        int64_t revs = scalar(f, "SELECT count(*) FROM org_revision");
        org_import_report rep;
        assert_int_equal(
            org_import(f->t.d, &f->a, out.data, out.len, (org_format)fmt, false, 1, &rep), DB_OK);
        if (rep.n_problems || rep.preview.len)
            fprintf(stderr, "%s", buf_str(&rep.preview)), dump_problems(&rep);
        assert_int_equal(rep.created, 0);
        assert_int_equal(rep.updated, 0);
        assert_int_equal(rep.unchanged, 6);
        assert_int_equal(rep.preview.len, 0);
        assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), revs);
        buf_free(&rep.preview);
        buf_free(&out);
    }
}

/* --- the bulk path of the import (secondary indexes made once) ----------------- */

/* n generated entries from first on, as CSV (malloc'd): names in both
 * scripts, kinds, districts, years and classifications varied. */
static char *bulk_csv(int first, int n)
{
    static const char *const kinds[] = {"company", "cluster", "university", "public_authority"};
    static const char *const districts[] = {"NISAVSKI", "SREDNJEBANATSKI", "BEOGRAD", ""};
    static const char *const names[] = {"Кластер %d Ниш", "Tehno %d Kragujevac", "Ђорђе %d доо",
                                        "Inovacija %d"};
    buf b = BUF_INIT;
    buf_puts(&b, "slug,name,name_en,kind,status,district,year_founded,sectors,fos,geo,"
                 "description_sr\n");
    for (int i = first; i < first + n; i++) {
        char name[64];
        snprintf(name, sizeof name, names[i % 4], i);
        buf_printf(&b, "e-%d,%s,%s,%s,%s,%s,%d,%s,%s,%s,\"Опис %d, ред\"\n", i, name,
                   i % 3 ? "" : "English name", kinds[i % 4], i % 5 ? "published" : "draft",
                   districts[i % 4], 1990 + i % 30, i % 2 ? "62;J" : "C", i % 3 ? "" : "X",
                   i % 4 ? "WB" : "", i);
    }
    assert_false(buf_failed(&b));
    return buf_detach(&b, NULL);
}

/* Every row of sql as text, rows and columns separated (malloc'd). */
static char *rows_text(db *d, const char *sql, int cols)
{
    db_stmt *s = db_prepare(d, sql);
    assert_non_null(s);
    buf b = BUF_INIT;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        for (int c = 0; c < cols; c++) {
            const char *v = db_col_text(s, c);
            buf_puts(&b, v ? v : "NULL");
            buf_putc(&b, '\t');
        }
        buf_putc(&b, '\n');
    }
    db_reset(s);
    assert_int_equal(st, DB_DONE);
    assert_false(buf_failed(&b));
    char *out = buf_detach(&b, NULL);
    return out ? out : strdup("");
}

/* What an import must leave the same on either path (times apart). */
static const struct {
    int cols;
    const char *sql;
} bulk_same[] = {
    {16,
     "SELECT id, slug, name, name_en, kind, status, district, region, year_founded, name_folded,"
     " hex(name_key_latn), hex(name_key_cyrl), hex(name_key_en), created_by, updated_by, is_demo"
     " FROM org ORDER BY id"},
    {2, "SELECT org_id, code FROM org_sector ORDER BY org_id, code"},
    {2, "SELECT org_id, code FROM org_fos ORDER BY org_id, code"},
    {2, "SELECT org_id, code FROM org_geo ORDER BY org_id, code"},
    {5, "SELECT org_id, rev, actor_id, action, snapshot FROM org_revision ORDER BY org_id, rev"},
    {6, "SELECT actor_id, ip, action, entity, entity_id, detail FROM audit ORDER BY id"},
    {3, "SELECT id, kind, ref FROM search_doc ORDER BY id"},
    {5, "SELECT rowid, kind, ref, title, body FROM search_fts ORDER BY rowid"},
    {4, "SELECT rowid, kind, ref, title FROM search_title ORDER BY rowid"},
    {4, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name"},
    {5, "SELECT status, kind, facet, code, sum(n) FROM org_facet_count GROUP BY 1, 2, 3, 4"
        " ORDER BY 1, 2, 3, 4"},
    /* answers that walk the rebuilt indexes */
    {1, "SELECT id FROM org WHERE kind = 'cluster' AND status = 'published' ORDER BY id"},
    {1, "SELECT id FROM org WHERE status = 'published' ORDER BY name_key_cyrl, id"},
    {1, "SELECT id FROM org WHERE status = 'published' ORDER BY name_key_en DESC, id LIMIT 50"},
    {1, "SELECT org_id FROM org_sector WHERE code = 'J' ORDER BY org_id"},
    {1, "SELECT id FROM org WHERE district = 'NISAVSKI' AND status = 'draft' ORDER BY id"},
    {1, "PRAGMA integrity_check"},
};

static void import_ok(db *d, arena *a, const char *csv)
{
    org_import_report rep;
    assert_int_equal(org_import(d, a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep), DB_OK);
    assert_int_equal(rep.n_problems, 0);
    buf_free(&rep.preview);
}

/* A bulk writer that updates an entry it created and still keeps rows of
 * (org_put_bulk with the entry's id) reads it whole: the kept rows are
 * written first, so its sectors are not taken for a change. */
static void test_bulk_update_reads_kept_codes(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    org_facet_acc acc;
    memset(&acc, 0, sizeof acc);
    acc.a = &f->a;
    const char *sectors[] = {"62", "J"};
    org_rec r = {.slug = "kept-codes",
                 .name = "Kept Codes",
                 .kind = "company",
                 .status = "published",
                 .sectors = sectors,
                 .n_sectors = 2};
    form_errors errs = {0};
    org_put_result res;
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(org_put_bulk(d, &r, NULL, "import", 1, &acc, &errs, &res), DB_OK);
    assert_true(res.created);
    assert_int_equal(acc.n_codes[0], 2); /* kept, not written yet */
    org_rec u = r;
    u.id = res.id;
    u.name = "Kept Codes Renamed";
    org_put_result res2;
    assert_int_equal(org_put_bulk(d, &u, NULL, "import", 1, &acc, &errs, &res2), DB_OK);
    assert_int_equal(res2.n_changed, 1);
    assert_string_equal(res2.changed[0], "name");
    assert_int_equal(org_bulk_flush(d, &acc), DB_OK);
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    int64_t n = 0;
    assert_int_equal(
        db_int(d, &n, 0, "SELECT count(*) FROM org_sector WHERE org_id = $1", DB_ARGS(DBI(res.id))),
        DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM org_revision WHERE org_id = $1",
                            DB_ARGS(DBI(res.id))),
                     DB_OK);
    assert_int_equal(n, 2);
    org_facet_acc_free(&acc);
}

/* A bulk import keeps its new entries' code rows and writes them 16 to a
 * statement (flush_codes), flushing early when a batch would overflow:
 * every entry gets exactly its codes, whatever their number. */
static void test_import_bulk_codes(void **state)
{
    fixture *f = *state;
    enum { N = 300, MAXC = 41 };
    char codes[MAXC][16];
    db_stmt *s = db_prepare(f->t.d, "SELECT code FROM ref_nace ORDER BY code LIMIT 41");
    assert_non_null(s);
    int nc = 0;
    while (db_step(s) == DB_ROW && nc < MAXC)
        snprintf(codes[nc++], sizeof codes[0], "%s", db_col_text(s, 0));
    db_reset(s);
    assert_int_equal(nc, MAXC);
    buf csv = BUF_INIT;
    buf_puts(&csv, "slug,name,kind,status,sectors,geo\n");
    for (int i = 0; i < N; i++) {
        buf_printf(&csv, "c-%d,Codes %d,company,published,\"", i, i);
        for (int k = 0; k < i * 7 % MAXC; k++)
            buf_printf(&csv, "%s%s", k ? ";" : "", codes[k]);
        buf_printf(&csv, "\",%s\n", i % 3 ? "WB" : "");
    }
    assert_false(buf_failed(&csv));
    import_ok(f->t.d, &f->a, buf_str(&csv));
    buf_free(&csv);
    /* portable SQL: the test runs on PostgreSQL too */
    static const char SECTORS[] = "SELECT s.code FROM org_sector s JOIN org o ON o.id = s.org_id"
                                  " WHERE o.slug = $1 ORDER BY s.code";
    static const char GEO[] = "SELECT count(*) FROM org_geo g JOIN org o ON o.id = g.org_id"
                              " WHERE o.slug = $1";
    int64_t total = 0;
    for (int i = 0; i < N; i++) {
        char slug[16];
        snprintf(slug, sizeof slug, "c-%d", i);
        buf want = BUF_INIT, got = BUF_INIT;
        for (int k = 0; k < i * 7 % MAXC; k++)
            buf_printf(&want, "%s%s", k ? ";" : "", codes[k]);
        assert_non_null(s = db_prepare(f->t.d, SECTORS));
        db_bind_text(s, 1, slug);
        while (db_step(s) == DB_ROW)
            buf_printf(&got, "%s%s", got.len ? ";" : "", db_col_text(s, 0));
        db_reset(s);
        if (strcmp(buf_str(&got), buf_str(&want)) != 0)
            fail_msg("%s: sectors '%s', want '%s'", slug, buf_str(&got), buf_str(&want));
        int64_t geo = -1;
        assert_int_equal(db_int(f->t.d, &geo, -1, GEO, DB_ARGS(DBT(slug))), DB_OK);
        assert_int_equal(geo, i % 3 ? 1 : 0);
        total += i * 7 % MAXC;
        buf_free(&want);
        buf_free(&got);
    }
    int64_t n = 0;
    assert_int_equal(db_int(f->t.d, &n, 0, "SELECT count(*) FROM org_sector", 0, NULL), DB_OK);
    assert_int_equal(n, total);
}

/* 600 entries into an empty directory take the bulk path (more rows than
 * present: the secondary indexes dropped and made again); the same 600 in
 * four files of 150 take the row-by-row path. Rows, revisions, audit,
 * search documents, facets, indexes and search answers are the same. */
static void test_import_bulk_path_same_as_row_by_row(void **state)
{
    fixture *f = *state;
    testdb slow;
    assert_int_equal(testdb_open_seeded(&slow, SEED), 0);
    char *all = bulk_csv(1, 600);
    /* a search first, so that the connection's FTS5 tables have read
     * their (empty) index before the import replaces them */
    search_hit *hits;
    size_t n_hits;
    assert_int_equal(search_query(f->t.d, &f->a, "kragu", "org", 50, 0, &hits, &n_hits), DB_OK);
    assert_int_equal(n_hits, 0);
    import_ok(f->t.d, &f->a, all);
    for (int part = 0; part < 4; part++) {
        char *csv = bulk_csv(1 + part * 150, 150);
        import_ok(slow.d, &f->a, csv);
        free(csv);
    }
    for (size_t i = 0; i < sizeof bulk_same / sizeof bulk_same[0]; i++) {
        char *fast_rows = rows_text(f->t.d, bulk_same[i].sql, bulk_same[i].cols);
        char *slow_rows = rows_text(slow.d, bulk_same[i].sql, bulk_same[i].cols);
        assert_true(strlen(fast_rows) > 0);
        if (strcmp(fast_rows, slow_rows) != 0)
            fail_msg("differs: %s", bulk_same[i].sql);
        free(fast_rows);
        free(slow_rows);
    }
    static const char *const queries[] = {"kragu", "ниш",     "nis",         "đorđe",
                                          "opis",  "english", "inovacija 4", "tehno 12"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        search_hit *h1, *h2;
        size_t n1, n2;
        assert_int_equal(search_query(f->t.d, &f->a, queries[i], "org", 50, 0, &h1, &n1), DB_OK);
        assert_int_equal(search_query(slow.d, &f->a, queries[i], "org", 50, 0, &h2, &n2), DB_OK);
        assert_true(n1 > 0);
        assert_int_equal(n1, n2);
        for (size_t k = 0; k < n1; k++)
            assert_int_equal(h1[k].ref, h2[k].ref);
    }
    /* the bulk path did run: its indexes were made anew, after the rest */
    static const char ORDER[] = "SELECT rowid FROM sqlite_schema WHERE name = 'org_kind'";
    int64_t fast_at = 0, slow_at = 0;
    assert_int_equal(db_scalar_int(f->t.d, ORDER, &fast_at), DB_OK);
    assert_int_equal(db_scalar_int(slow.d, ORDER, &slow_at), DB_OK);
    assert_true(fast_at > slow_at);
    /* the fast import built the FTS tables on its helper (they started
     * empty) and made them anew, after the indexes; the slow one's first
     * file did too, and its three other files added to them */
    static const char FTS_AT[] = "SELECT rowid FROM sqlite_schema WHERE name = 'search_fts'";
    assert_true(scalar_of(f->t.d, FTS_AT) > fast_at);
    /* both FTS5 indexes agree with their documents, and the connection
     * that imported goes on writing and finding documents */
    static const char *const checks[] = {
        "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')",
        "INSERT INTO search_title(search_title) VALUES ('integrity-check')",
    };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(db_exec(f->t.d, checks[i]), DB_OK);
        assert_int_equal(db_exec(slow.d, checks[i]), DB_OK);
    }
    assert_int_equal(search_query(f->t.d, &f->a, "kragu", "org", 1000, 0, &hits, &n_hits), DB_OK);
    size_t kragu = n_hits;
    assert_true(kragu > 0);
    assert_int_equal(db_begin_write(f->t.d), DB_OK);
    assert_int_equal(search_put(f->t.d, "org", 99999, "Kragujevac Zebrawordimport", ""), DB_OK);
    assert_int_equal(db_commit(f->t.d), DB_OK);
    assert_int_equal(search_query(f->t.d, &f->a, "zebrawordim", "org", 50, 0, &hits, &n_hits),
                     DB_OK);
    assert_int_equal(n_hits, 1);
    assert_int_equal(search_query(f->t.d, &f->a, "kragu", "org", 1000, 0, &hits, &n_hits), DB_OK);
    assert_int_equal(n_hits, kragu + 1);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(db_exec(f->t.d, checks[i]), DB_OK);
    /* the helper's database is detached again */
    assert_int_equal(scalar_of(f->t.d, "SELECT count(*) FROM pragma_database_list"
                                       " WHERE name NOT IN ('main', 'temp')"),
                     0);
    free(all);
    testdb_close(&slow);
}

/* A bulk writer keeps new entries' revision and audit rows and writes
 * them ORG_BULK_ROWS at a time (org_write.c). In a file that mixes new
 * entries with changes to existing ones (so batches are cut short and
 * flushed by other writes, and the last one is partial), every entry
 * still gets exactly one revision and one audit row, in the file's order,
 * by the importing person; a dry run leaves none. */
static void test_import_batched_rows_in_order(void **state)
{
    fixture *f = *state;
    buf b = BUF_INIT;
    buf_puts(&b, "slug,name,kind,status\n");
    for (int i = 1; i <= 40; i++)
        buf_printf(&b, "old-%d,Staro %d,company,published\n", i, i);
    assert_false(buf_failed(&b));
    import_ok(f->t.d, &f->a, buf_str(&b));
    int64_t audit_mark = scalar(f, "SELECT max(id) FROM audit");
    int64_t rev_mark = scalar(f, "SELECT max(id) FROM org_revision");
    /* rows 3, 6, ... 30 change old entries; the others are new (31 to 100:
     * two full batches and a part one) */
    buf want_audit = BUF_INIT, want_rev = BUF_INIT;
    buf_reset(&b);
    buf_puts(&b, "slug,name,kind,status\n");
    for (int i = 1; i <= 100; i++) {
        if (i % 3 == 0 && i <= 30) {
            buf_printf(&b, "old-%d,Novo %d,company,published\n", i / 3, i);
            buf_printf(&want_audit, "org_update old-%d 1\n", i / 3);
            buf_printf(&want_rev, "old-%d 2 1\n", i / 3);
        } else {
            buf_printf(&b, "new-%d,Novo %d,cluster,draft\n", i, i);
            buf_printf(&want_audit, "org_create new-%d 1\n", i);
            buf_printf(&want_rev, "new-%d 1 1\n", i);
        }
    }
    assert_false(buf_failed(&b) || buf_failed(&want_audit) || buf_failed(&want_rev));
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, buf_str(&b), b.len, ORG_FMT_CSV, true, 1, &rep),
                     DB_OK);
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT max(id) FROM audit"), audit_mark);
    assert_int_equal(scalar(f, "SELECT max(id) FROM org_revision"), rev_mark);
    import_ok(f->t.d, &f->a, buf_str(&b));
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT a.action || ' ' || o.slug || ' ' || a.actor_id FROM audit a"
             " JOIN org o ON o.id = a.entity_id WHERE a.id > %lld ORDER BY a.id",
             (long long)audit_mark);
    char *got = rows_text(f->t.d, sql, 1);
    buf want = BUF_INIT;
    for (const char *p = buf_str(&want_audit); *p; p++)
        buf_puts(&want, *p == '\n' ? "\t\n" : (char[]){*p, 0});
    assert_string_equal(got, buf_str(&want));
    free(got);
    snprintf(sql, sizeof sql,
             "SELECT o.slug || ' ' || r.rev || ' ' || r.actor_id FROM org_revision r"
             " JOIN org o ON o.id = r.org_id WHERE r.id > %lld ORDER BY r.id",
             (long long)rev_mark);
    got = rows_text(f->t.d, sql, 1);
    buf_reset(&want);
    for (const char *p = buf_str(&want_rev); *p; p++)
        buf_puts(&want, *p == '\n' ? "\t\n" : (char[]){*p, 0});
    assert_string_equal(got, buf_str(&want));
    free(got);
    /* each revision's snapshot is its own entry's (its slug, the snapshot's
     * first field; LIKE rather than json_extract, which PostgreSQL lacks) */
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision r JOIN org o ON o.id = r.org_id"
                               " WHERE r.snapshot NOT LIKE '{\"slug\":\"' || o.slug || '\",%'"),
                     0);
    buf_free(&want);
    buf_free(&want_audit);
    buf_free(&want_rev);
    buf_free(&b);
}

/* The importer's prepared rows (org_prep_make, on its prepare thread)
 * store exactly what the form writer stores: 300 entries imported from
 * one file (the bulk path) and the same entries written one by one with
 * org_put leave the same rows, revisions, audit rows, facet counts and
 * search documents, and searches answer the same. Rows with a region
 * take the prepared path; every seventh has a district only (its region
 * derived: the writer does it all); names and descriptions need
 * normalising (blanks, CRLF). */
static void test_import_prepared_same_as_org_put(void **state)
{
    fixture *f = *state;
    testdb slow;
    assert_int_equal(testdb_open_seeded(&slow, SEED), 0);
    static const char *const kinds[] = {"company", "cluster", "university", "public_authority"};
    static const char *const regions[] = {"BG", "JI", "VO", ""};
    static const char *const two_sectors[] = {"62", "J"}, *const one_sector[] = {"C"},
                             *const fos[] = {"X"}, *const geo[] = {"WB"};
    buf csv = BUF_INIT;
    buf_puts(&csv, "slug,name,name_en,kind,status,district,region,year_founded,sectors,fos,geo,"
                   "description_sr\n");
    assert_int_equal(db_begin_write(slow.d), DB_OK);
    for (int i = 1; i <= 300; i++) {
        char slug[32], name[64], desc[64];
        snprintf(slug, sizeof slug, "p-%d", i);
        snprintf(name, sizeof name, i % 2 ? "Предузеће %d Ниш" : "  Firma %d Kragujevac ", i);
        snprintf(desc, sizeof desc, "Опис %d,\r\nред", i);
        const char *district = i % 7 ? NULL : "NISAVSKI";
        const char *region = i % 7 && *regions[i % 4] ? regions[i % 4] : NULL;
        buf_printf(&csv, "%s,\"%s\",%s,%s,%s,%s,%s,%d,%s,%s,%s,\"%s\"\n", slug, name,
                   i % 3 ? "" : "English name", kinds[i % 4], i % 5 ? "published" : "draft",
                   district ? district : "", region ? region : "", 1990 + i % 30,
                   i % 2 ? "62;J" : "C", i % 3 ? "" : "X", i % 4 ? "WB" : "", desc);
        org_rec r;
        memset(&r, 0, sizeof r);
        r.slug = slug;
        r.name = name;
        r.name_en = i % 3 ? NULL : "English name";
        r.kind = kinds[i % 4];
        r.status = i % 5 ? "published" : "draft";
        r.district = district;
        r.region = region;
        r.year_founded = 1990 + i % 30;
        r.sectors = (const char **)(i % 2 ? two_sectors : one_sector);
        r.n_sectors = i % 2 ? 2 : 1;
        r.fos = (const char **)fos;
        r.n_fos = i % 3 ? 0 : 1;
        r.geo = (const char **)geo;
        r.n_geo = i % 4 ? 1 : 0;
        r.description_sr = desc;
        form_errors errs;
        memset(&errs, 0, sizeof errs);
        org_put_result res;
        assert_int_equal(org_put(slow.d, &r, "import", 1, NULL, &errs, &res), DB_OK);
    }
    assert_int_equal(db_commit(slow.d), DB_OK);
    assert_false(buf_failed(&csv));
    import_ok(f->t.d, &f->a, buf_str(&csv));
    for (size_t i = 0; i < sizeof bulk_same / sizeof bulk_same[0]; i++) {
        char *fast_rows = rows_text(f->t.d, bulk_same[i].sql, bulk_same[i].cols);
        char *slow_rows = rows_text(slow.d, bulk_same[i].sql, bulk_same[i].cols);
        if (strcmp(fast_rows, slow_rows) != 0)
            fail_msg("differs: %s", bulk_same[i].sql);
        free(fast_rows);
        free(slow_rows);
    }
    static const char *const queries[] = {"kragu", "ниш", "nis", "preduzece 12", "opis", "english"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        search_hit *h1, *h2;
        size_t n1, n2;
        assert_int_equal(search_query(f->t.d, &f->a, queries[i], "org", 50, 0, &h1, &n1), DB_OK);
        assert_int_equal(search_query(slow.d, &f->a, queries[i], "org", 50, 0, &h2, &n2), DB_OK);
        assert_true(n1 > 0);
        assert_int_equal(n1, n2);
        for (size_t k = 0; k < n1; k++)
            assert_int_equal(h1[k].ref, h2[k].ref);
    }
    buf_free(&csv);
    testdb_close(&slow);
}

/* Out of memory anywhere in a bulk import (the writer's allocations and
 * SQLite's on its connection; the prepare and search helper threads are
 * not injected, core/mem.h is per thread) stores every entry or none:
 * then no row, revision, audit row or search document, and every index
 * back. Both fault modes: every allocation from the k-th on, and the k-th
 * alone (a fault something absorbs must still leave the import whole; the
 * database is then made afresh for the next k). */
static void test_import_out_of_memory_all_or_nothing(void **state)
{
    fixture *f = *state;
    static const char SCHEMA[] = "SELECT rowid, type, name, tbl_name, sql FROM sqlite_schema"
                                 " ORDER BY rowid";
    char *before = rows_text(f->t.d, SCHEMA, 5);
    char *csv = bulk_csv(1, 300);
    int tried = 0, refused = 0;
    for (int once = 0, whole = 0; once < 2; once++) {
        for (long k = 1; k < 10000000; k += k / 2 + 1) {
            arena a = ARENA_INIT;
            org_import_report rep;
            if (once)
                mem_fail_once(k);
            else
                mem_fail_after(k);
            db_status st = org_import(f->t.d, &a, csv, strlen(csv), ORG_FMT_CSV, false, 1, &rep);
            mem_fail_after(-1);
            db_end_request(f->t.d); /* as after a request: a rollback that failed, again */
            buf_free(&rep.preview);
            arena_free(&a);
            tried++;
            int64_t orgs = scalar(f, "SELECT count(*) FROM org");
            if (st == DB_OK) {
                assert_int_equal(orgs, 300);
                assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), 300);
                assert_int_equal(scalar(f, "SELECT count(*) FROM search_doc"), 300);
                assert_int_equal(scalar(f, "SELECT count(*) FROM search_fts"), 300);
                assert_int_equal(
                    scalar(f, "SELECT count(*) FROM audit WHERE action = 'org_create'"), 300);
                assert_int_equal(scalar(f, "SELECT count(*) FROM org_sector"), 150 * 2 + 150);
                testdb_close(&f->t); /* afresh for the next k */
                assert_int_equal(testdb_open_seeded(&f->t, SEED), 0);
                if (!once || ++whole == 3)
                    break; /* the later k fall after the import too */
                continue;
            }
            refused++;
            assert_int_equal(orgs, 0);
            assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), 0);
            assert_int_equal(scalar(f, "SELECT count(*) FROM search_doc"), 0);
            assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), 0);
            char *after = rows_text(f->t.d, SCHEMA, 5);
            if (strcmp(after, before) != 0) {
                size_t at = 0;
                while (after[at] == before[at])
                    at++;
                while (at > 0 && before[at - 1] != '\n')
                    at--;
                fail_msg("fault %ld (%s): the schema changed from \"%.120s\" to \"%.120s\"", k,
                         once ? "once" : "from then on", before + at, after + at);
            }
            free(after);
        }
    }
    if (!(refused > 10 && tried > refused))
        fail_msg("%d imports tried, %d refused", tried, refused);
    assert_int_equal(
        db_exec(f->t.d, "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"), DB_OK);
    free(before);
    free(csv);
}

/* A bulk import that fails (a bad row last) or is a dry run changes
 * nothing: no rows, and every index back as it was. */
/* The import's report for csv as one text: status, counts, the preview
 * and every problem with its line (malloc'd). */
static char *import_report_text(fixture *f, const char *csv, bool dry_run)
{
    org_import_report rep;
    db_status st = org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, dry_run, 1, &rep);
    buf b = BUF_INIT;
    buf_printf(&b, "status %d, created %lld, updated %lld, unchanged %lld\n%s", (int)st,
               (long long)rep.created, (long long)rep.updated, (long long)rep.unchanged,
               buf_str(&rep.preview));
    for (size_t i = 0; i < rep.n_problems; i++)
        buf_printf(&b, "line %lld: %s\n", (long long)rep.problems[i].line, rep.problems[i].message);
    buf_free(&rep.preview);
    assert_false(buf_failed(&b));
    return buf_detach(&b, NULL);
}

/* A CSV of n rows whose descriptions run over several lines with doubled
 * quotes, and with what a reader must report in both halves: a row of the
 * wrong width, a year that is no number, a slug given twice (on either
 * side of the middle), blank lines; bad adds a syntax error at row bad. */
static char *halves_csv(int n, int bad, bool problems)
{
    buf b = BUF_INIT;
    buf_puts(&b, "slug,name,kind,year_founded,description_sr\r\n");
    for (int i = 1; i <= n; i++) {
        if (!problems && i != bad)
            buf_printf(&b, "h-%d,Пола %d,company,%d,\"Први ред, \"\"навод\"\" %d\nдруги\"\r\n", i,
                       i, 1990 + i % 30, i);
        else if (i == n / 4 || i == 3 * n / 4)
            buf_printf(&b, "short-%d,Short row %d\r\n", i, i);
        else if (i == n / 3 || i == 2 * n / 3)
            buf_printf(&b, "year-%d,Year %d,company,19x%d,\r\n", i, i, i);
        else if (i == bad)
            buf_printf(&b, "bad-%d,\"Bad\" quote %d,company,,\r\n", i, i);
        else
            buf_printf(&b,
                       "h-%d,Пола %d,company,%d,\"Први ред, \"\"навод\"\" %d\nдруги "
                       "ред\n\"\"\r\nтрећи\"\r\n",
                       i == n - 5 ? 10 : i, i, 1990 + i % 30, i);
        if (i % 97 == 0)
            buf_puts(&b, "\r\n");
    }
    assert_false(buf_failed(&b));
    return buf_detach(&b, NULL);
}

/* Read in two halves at once (org_import_set_split_min) or in one piece,
 * a CSV gives the same report, line for line, and the same entries: for
 * good files, files with problems in both halves, a syntax error in
 * either half (the first makes the halves fall back to one piece), and a
 * quoted field of many lines across the middle. */
static void test_import_halves_same_as_one_piece(void **state)
{
    fixture *f = *state;
    /* and a syntax error on each row about the middle of 200: one of them
     * is the second half's first record, still not the file's first */
    struct halves_case {
        int n, bad;
    } cases[4 + 13] = {{800, 0}, {800, 100}, {800, 700}, {3, 0}};
    for (int i = 0; i < 13; i++)
        cases[4 + i] = (struct halves_case){200, 94 + i};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *csv = halves_csv(cases[k].n, cases[k].bad, true);
        org_import_set_split_min(SIZE_MAX);
        char *one = import_report_text(f, csv, true);
        org_import_set_split_min(1);
        char *two = import_report_text(f, csv, true);
        if (strcmp(one, two) != 0)
            fail_msg("case %zu: in one piece:\n%.2000s\nin halves:\n%.2000s", k, one, two);
        assert_non_null(strstr(one, cases[k].bad ? "quote" : "status"));
        free(one);
        free(two);
        free(csv);
    }
    /* one quoted field of 300 lines (7 KB) across the middle */
    buf b = BUF_INIT;
    buf_puts(&b, "slug,name,kind,description_sr\n");
    for (int i = 1; i <= 200; i++)
        buf_printf(&b, "m-%d,Middle %d,company,short\n", i, i);
    buf_puts(&b, "long,Long,company,\"");
    for (int i = 0; i < 300; i++)
        buf_printf(&b, "line %d, \"\"q\"\"\n", i);
    buf_puts(&b, "\"\n");
    for (int i = 201; i <= 260; i++)
        buf_printf(&b, "m-%d,Middle %d,company,short\n", i, i);
    assert_false(buf_failed(&b));
    org_import_set_split_min(SIZE_MAX);
    char *one = import_report_text(f, buf_str(&b), true);
    org_import_set_split_min(1);
    char *two = import_report_text(f, buf_str(&b), true);
    assert_string_equal(one, two);
    assert_non_null(strstr(one, "status 0, created 261,"));
    free(one);
    free(two);
    /* written: the same rows as read in one piece (a second database) */
    testdb other;
    assert_int_equal(testdb_open_seeded(&other, SEED), 0);
    char *good = halves_csv(600, 0, false);
    org_import_set_split_min(1);
    import_ok(f->t.d, &f->a, good);
    org_import_set_split_min(SIZE_MAX);
    import_ok(other.d, &f->a, good);
    org_import_set_split_min(8u << 20);
    static const char rows_sql[] =
        "SELECT slug, name, kind, year_founded, description_sr FROM org ORDER BY id";
    char *a_rows = rows_text(f->t.d, rows_sql, 5), *b_rows = rows_text(other.d, rows_sql, 5);
    assert_true(strlen(a_rows) > 10000);
    assert_string_equal(a_rows, b_rows);
    free(a_rows);
    free(b_rows);
    testdb_close(&other);
    free(good);
    buf_free(&b);
}

/* n new entries from first on with a PIB and an MB each (numbers made
 * from the index with their check digits), as CSV rows of the header
 * "slug,name,kind,pib,mb,description_sr" (appended to b). */
static void keyed_rows(buf *b, int first, int n)
{
    for (int i = first; i < first + n; i++) {
        char pib[10], mb[9];
        snprintf(pib, sizeof pib, "%08d", 20000000 + i);
        pib[8] = pib_check(pib);
        pib[9] = '\0';
        snprintf(mb, sizeof mb, "%07d", 3000000 + i);
        mb[7] = mb_check(mb);
        mb[8] = '\0';
        buf_printf(b, "k-%d,Keyed %d,company,%s,%s,\n", i, i, pib, mb);
    }
}

/* A bulk load knows which slugs, PIBs and MBs are free without asking
 * (taken_keys in org_import.c) and asks for the others: an entry found by
 * its slug or its PIB is updated, a slug made from a name steps past one
 * the directory holds, and an MB held by an entry or by an earlier row of
 * the file is refused, as on the row-by-row path. The load is a bulk one:
 * more rows than the directory holds. */
static void test_import_bulk_keys_as_looked_up(void **state)
{
    fixture *f = *state;
    static const char OLD[] = "slug,name,kind,pib,mb\n"
                              "old-a,Old A,company,101134702,\n"
                              "old-b,Old B,company,113460262,\n"
                              "taken-name,Taken Name,company,,\n";
    import_ok(f->t.d, &f->a, OLD);
    char mb_a[9] = "3000000";
    mb_a[7] = mb_check(mb_a);
    buf b = BUF_INIT;
    buf_puts(&b, "slug,name,kind,pib,mb,description_sr\n");
    buf_printf(&b, "old-a,Old A,company,101134702,%s,Changed\n", mb_a); /* line 2 */
    buf_puts(&b, ",Old B,company,113460262,,Changed too\n");            /* line 3 */
    buf_puts(&b, ",Taken Name,company,,,\n");                           /* line 4 */
    keyed_rows(&b, 1, 300);
    assert_false(buf_failed(&b));
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, buf_str(&b), b.len, ORG_FMT_CSV, false, 1, &rep),
                     DB_OK);
    assert_int_equal(rep.n_problems, 0);
    assert_int_equal(rep.created, 301);
    assert_int_equal(rep.updated, 2);
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 304);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE slug = 'old-b'"
                               " AND description_sr = 'Changed too'"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE slug = 'taken-name-2'"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org WHERE slug = 'old-a' AND mb IS NOT NULL"),
                     1);

    /* MBs: one old-a holds now (line 3), one twice in the file (lines 4, 5) */
    buf_reset(&b);
    buf_puts(&b, "slug,name,kind,pib,mb,description_sr\n");
    buf_puts(&b, "n-1,New 1,company,,,\n");
    buf_printf(&b, "n-2,New 2,company,,%s,\n", mb_a);
    char mb_n[9] = "3999999";
    mb_n[7] = mb_check(mb_n);
    buf_printf(&b, "n-3,New 3,company,,%s,\n", mb_n);
    buf_printf(&b, "n-4,New 4,company,,%s,\n", mb_n);
    keyed_rows(&b, 1001, 400);
    assert_false(buf_failed(&b));
    assert_int_equal(org_import(f->t.d, &f->a, buf_str(&b), b.len, ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 2);
    assert_int_equal(rep.problems[0].line, 3);
    assert_int_equal(rep.problems[1].line, 5);
    assert_true(strncmp(rep.problems[0].message, "mb: ", 4) == 0);
    assert_true(strncmp(rep.problems[1].message, "mb: ", 4) == 0);
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 304);
    buf_free(&b);
}

/* A bulk load on SQLite writes with foreign keys unenforced and checks
 * them before its commit (fk_pause, fk_check): a load whose rows name an
 * acting user the directory lacks is refused whole with a problem, and
 * the connection enforces foreign keys again after every load. */
static void test_import_bulk_foreign_keys_checked(void **state)
{
    fixture *f = *state;
    char *csv = bulk_csv(1, 300);
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, false, 987654, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 1);
    assert_int_equal(rep.problems[0].line, 0);
    assert_non_null(strstr(rep.problems[0].message, "does not hold"));
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), 0);
    assert_int_equal(scalar(f, "PRAGMA foreign_keys"), 1);
    import_ok(f->t.d, &f->a, csv);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 300);
    assert_int_equal(scalar(f, "PRAGMA foreign_keys"), 1);
    /* enforced again: a code row without its entry is refused */
    assert_int_equal(db_exec(f->t.d, "INSERT INTO org_sector(org_id, code) VALUES (999999, 'J')"),
                     DB_CONSTRAINT);
    free(csv);
    /* a row without its parent from before (written with foreign keys
     * off, as by the sqlite3 shell) is not the load's: a large import
     * that names nothing missing goes in, the row stays as it was */
    assert_int_equal(db_exec(f->t.d, "PRAGMA foreign_keys=OFF"), DB_OK);
    assert_int_equal(db_exec(f->t.d, "INSERT INTO org_sector(org_id, code) VALUES (999999, 'J')"),
                     DB_OK);
    assert_int_equal(db_exec(f->t.d, "PRAGMA foreign_keys=ON"), DB_OK);
    csv = bulk_csv(1001, 400);
    import_ok(f->t.d, &f->a, csv);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 700);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_sector WHERE org_id = 999999"), 1);
    assert_int_equal(scalar(f, "PRAGMA foreign_keys"), 1);
    free(csv);
}

/* A search document holds each label once: two sectors of one section
 * name the section once (put_labels), and its body each word once
 * (search_words_once); the document still answers the section's words. */
static void test_search_labels_once(void **state)
{
    fixture *f = *state;
    import_ok(f->t.d, &f->a,
              "slug,name,kind,status,sectors\ntwo-j,Two J,company,published,62;63\n");
    char *body = rows_text(f->t.d, "SELECT ' ' || body || ' ' FROM search_fts", 1);
    static const char *const words[] = {" information ", " communication ", " service ",
                                        " computer ",    " programming ",   " and "};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *first = strstr(body, words[i]);
        if (!first || strstr(first + 1, words[i]))
            fail_msg("'%s' not once in %s", words[i], body);
    }
    free(body);
    search_hit *hits;
    size_t n_hits;
    assert_int_equal(search_query(f->t.d, &f->a, "komunikacije", "org", 50, 0, &hits, &n_hits),
                     DB_OK);
    assert_int_equal(n_hits, 1);
}

static void test_import_bulk_path_all_or_nothing(void **state)
{
    fixture *f = *state;
    static const char SCHEMA[] = "SELECT rowid, type, name, tbl_name, sql FROM sqlite_schema"
                                 " ORDER BY rowid";
    char *before = rows_text(f->t.d, SCHEMA, 5);
    char *csv = bulk_csv(1, 400);
    buf bad = BUF_INIT;
    buf_puts(&bad, csv);
    buf_puts(&bad, "e-bad,Bad,,spaceship,,,,,,,\n");
    org_import_report rep;
    assert_int_equal(org_import(f->t.d, &f->a, buf_str(&bad), bad.len, ORG_FMT_CSV, false, 1, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 1);
    buf_free(&rep.preview);
    assert_int_equal(org_import(f->t.d, &f->a, csv, strlen(csv), ORG_FMT_CSV, true, 1, &rep),
                     DB_OK);
    assert_int_equal(rep.created, 400);
    buf_free(&rep.preview);
    char *after = rows_text(f->t.d, SCHEMA, 5);
    assert_string_equal(after, before);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_revision"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM search_doc"), 0);
    free(before);
    free(after);
    free(csv);
    buf_free(&bad);
}

int main(void)
{
    time_setup_zone();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_slugify),
        cmocka_unit_test_setup_teardown(test_validation_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uniqueness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_get_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summaries_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_poller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_revision_and_diff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_noop_update_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_and_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kind_is_the_secretariats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_search_and_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters_and_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_facets_follow_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_facets_across_shards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_order_per_alphabet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logos, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_workbook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_same_entry_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_trims_unicode_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_names_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_dry_run_and_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bulk_counts_and_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_import_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bulk_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_update_reads_kept_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bulk_path_same_as_row_by_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bulk_path_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bulk_keys_as_looked_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bulk_foreign_keys_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_labels_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_halves_same_as_one_piece, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_prepared_same_as_org_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_batched_rows_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_out_of_memory_all_or_nothing, setup, teardown),
    };
    /* SQLite only (testdb.h: SCAN_TEST_PG): the four compare the bulk
     * import with the row-by-row path through SQLite's own tables
     * (sqlite_schema, hex() of the keys, the FTS tables' rowids, PRAGMA
     * integrity_check), which PostgreSQL has not; the other imports above
     * run there */
    static const char *const sqlite_only[] = {
        "test_import_bulk_path_same_as_row_by_row", "test_import_bulk_path_all_or_nothing",
        "test_import_bulk_foreign_keys_checked",    "test_search_labels_once",
        "test_import_prepared_same_as_org_put",     "test_import_out_of_memory_all_or_nothing"};
    struct CMUnitTest run[sizeof tests / sizeof tests[0]];
    size_t n = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        bool keep = true;
        for (size_t j = 0; getenv("SCAN_TEST_PG") && j < sizeof sqlite_only / sizeof *sqlite_only;
             j++)
            keep = keep && strcmp(tests[i].name, sqlite_only[j]) != 0;
        if (keep)
            run[n++] = tests[i];
    }
    return _cmocka_run_group_tests("org", run, n, NULL, NULL);
}
