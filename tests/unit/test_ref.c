/* test_ref.c: the seeded reference data (migration 0004) and its reader
 * (model/ref.c) on a real, freshly migrated database: sizes of every
 * table, the hierarchy, labels in all three languages, display order and
 * the refusal of unknown tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "db/db.h"
#include "model/org.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open(&f->t) != 0) {
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
    return 0;
}

/* The items of table in lang; fails the test on any error. */
static ref_item *list(fixture *f, const char *table, lang_id lang, size_t *n)
{
    ref_item *items = NULL;
    assert_int_equal(ref_list(f->t.d, &f->a, table, lang, &items, n), DB_OK);
    assert_non_null(items);
    return items;
}

static size_t count_roots(const ref_item *items, size_t n)
{
    size_t roots = 0;
    for (size_t i = 0; i < n; i++)
        roots += items[i].parent == NULL;
    return roots;
}

static bool has_code(const ref_item *items, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i].code, code) == 0)
            return true;
    return false;
}

static void test_counts(void **state)
{
    fixture *f = *state;
    size_t n = 0;

    ref_item *nace = list(f, "nace", LANG_EN, &n);
    assert_int_equal(n, 21 + 88);
    assert_int_equal(count_roots(nace, n), 21);

    /* 6 fields, 7 + 11 + 5 + 5 + 9 + 5 subfields, and X */
    ref_item *fos = list(f, "fos", LANG_EN, &n);
    assert_int_equal(n, 6 + 42 + 1);
    assert_int_equal(count_roots(fos, n), 7);
    assert_true(has_code(fos, n, "X"));
    assert_true(has_code(fos, n, "2.11"));

    list(f, "region", LANG_EN, &n);
    assert_int_equal(n, 5);
    size_t n_districts = 0;
    ref_item *districts = list(f, "district", LANG_EN, &n_districts);
    assert_int_equal(n_districts, 30);
    assert_true(has_code(districts, n_districts, "BEOGRAD"));

    ref_item *geo = list(f, "geo", LANG_EN, &n);
    assert_int_equal(n, 5 + 5 + 30);
    static const char *const geo_codes[] = {"RS",     "WB",   "DANUBE",     "EU",
                                            "GLOBAL", "R-KM", "D-NISAVSKI", "D-BEOGRAD"};
    for (size_t i = 0; i < sizeof geo_codes / sizeof geo_codes[0]; i++)
        assert_true(has_code(geo, n, geo_codes[i]));

    ref_item *kinds = list(f, "kind", LANG_EN, &n);
    assert_int_equal(n, 14);
    assert_string_equal(kinds[0].code, "cluster");
    int64_t clusters = 0;
    assert_int_equal(
        db_scalar_int(f->t.d, "SELECT count(*) FROM ref_kind WHERE is_cluster = 1", &clusters),
        DB_OK);
    assert_int_equal(clusters, 2);

    int64_t divisions = 0;
    assert_int_equal(
        db_scalar_int(f->t.d, "SELECT count(*) FROM ref_nace WHERE parent IS NOT NULL", &divisions),
        DB_OK);
    assert_int_equal(divisions, 88);
}

static void test_hierarchy(void **state)
{
    fixture *f = *state;
    size_t n = 0;
    ref_item *nace = list(f, "nace", LANG_EN, &n);
    for (size_t i = 0; i < n; i++) {
        const ref_item *it = &nace[i];
        if (!it->parent) {
            assert_int_equal(strlen(it->code), 1);
            assert_true(it->code[0] >= 'A' && it->code[0] <= 'U');
            continue;
        }
        assert_int_equal(strlen(it->code), 2);
        bool parent_is_section = false;
        for (size_t j = 0; j < n; j++)
            if (!nace[j].parent && strcmp(nace[j].code, it->parent) == 0)
                parent_is_section = true;
        if (!parent_is_section)
            fail_msg("division %s has parent %s, not a section", it->code, it->parent);
    }
    /* an outline: each section directly followed by its divisions */
    assert_string_equal(nace[0].code, "A");
    assert_string_equal(nace[1].code, "01");
    assert_string_equal(nace[n - 1].code, "99");
    for (size_t i = 1; i < n; i++)
        if (nace[i].parent &&
            strcmp(nace[i].parent, nace[i - 1].parent ? nace[i - 1].parent : nace[i - 1].code) != 0)
            fail_msg("division %s is out of place", nace[i].code);

    size_t n_regions = 0, n_districts = 0;
    ref_item *regions = list(f, "region", LANG_EN, &n_regions);
    ref_item *districts = list(f, "district", LANG_EN, &n_districts);
    for (size_t i = 0; i < n_districts; i++) {
        assert_non_null(districts[i].parent);
        if (!has_code(regions, n_regions, districts[i].parent))
            fail_msg("district %s has unknown region %s", districts[i].code, districts[i].parent);
    }

    /* numeric order of subfields: 2.9 before 2.10 */
    ref_item *fos = list(f, "fos", LANG_EN, &n);
    size_t at_9 = n, at_10 = n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fos[i].code, "2.9") == 0)
            at_9 = i;
        if (strcmp(fos[i].code, "2.10") == 0)
            at_10 = i;
    }
    assert_true(at_9 + 1 == at_10);
    assert_string_equal(fos[n - 1].code, "X");

    /* the seed satisfies every foreign key */
    buf rep = BUF_INIT;
    assert_int_equal(db_check(f->t.d, &rep), DB_OK);
    buf_free(&rep);
}

static void test_labels_in_every_language(void **state)
{
    fixture *f = *state;
    static const char *const tables[] = {"kind", "nace", "fos", "region", "district", "geo"};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (int lang = 0; lang < LANG__COUNT; lang++) {
            size_t n = 0;
            ref_item *items = list(f, tables[t], (lang_id)lang, &n);
            assert_true(n > 0);
            for (size_t i = 0; i < n; i++)
                if (!items[i].label || !items[i].label[0])
                    fail_msg("%s %s has no label in language %d", tables[t], items[i].code, lang);
        }
    }
    /* Serbian is stored in Cyrillic only: no Latin letter in any label_sr
     * (checked here in C, byte by byte: GLOB is SQLite's, and PostgreSQL's
     * regular expressions are not SQLite's; the same rows on both) */
    static const char *const sql[] = {
        "SELECT code, label_sr FROM ref_kind",
        "SELECT code, label_sr FROM ref_nace",
        "SELECT code, label_sr FROM ref_fos",
        "SELECT code, label_sr FROM ref_region",
        "SELECT code, label_sr || ' ' || seat_sr || CASE WHEN seat_en IS NULL THEN 'null' ELSE '' "
        "END"
        " FROM ref_district",
        "SELECT code, label_sr FROM ref_geo",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        db_stmt *st = db_prepare(f->t.d, sql[i]);
        assert_non_null(st);
        size_t rows = 0;
        db_status rc;
        while ((rc = db_step(st)) == DB_ROW) {
            const char *label = db_col_text(st, 1); /* NULL: a seat missing */
            rows++;
            if (!label ||
                label[strcspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")])
                fail_msg("%s: %s has a Latin letter or a missing seat: %s", sql[i],
                         db_col_text(st, 0), label ? label : "(null)");
        }
        db_reset(st);
        assert_int_equal(rc, DB_DONE);
        assert_true(rows > 0);
    }
}

static void test_label_lookup(void **state)
{
    fixture *f = *state;
    arena *a = &f->a;
    assert_string_equal(ref_label(f->t.d, a, "district", "NISAVSKI", LANG_SR_LATN),
                        "Nišavski okrug");
    assert_string_equal(ref_label(f->t.d, a, "district", "NISAVSKI", LANG_SR_CYRL),
                        "Нишавски округ");
    assert_string_equal(ref_label(f->t.d, a, "district", "NISAVSKI", LANG_EN), "Nišava District");
    assert_string_equal(ref_label(f->t.d, a, "geo", "D-NISAVSKI", LANG_SR_LATN), "Nišavski okrug");
    assert_string_equal(ref_label(f->t.d, a, "region", "SZ", LANG_SR_LATN),
                        "Šumadija i Zapadna Srbija");
    assert_string_equal(ref_label(f->t.d, a, "nace", "C", LANG_SR_LATN), "Prerađivačka industrija");
    assert_string_equal(ref_label(f->t.d, a, "nace", "62", LANG_EN),
                        "Computer programming, consultancy and related activities");
    assert_string_equal(ref_label(f->t.d, a, "fos", "X", LANG_EN),
                        "Cross-thematic/Interdisciplinary");
    assert_string_equal(ref_label(f->t.d, a, "kind", "cluster", LANG_SR_CYRL), "Кластер");

    /* the Latin list matches the single lookups */
    size_t n = 0;
    ref_item *districts = list(f, "district", LANG_SR_LATN, &n);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(districts[i].code, "SREDNJEBANATSKI") == 0) {
            assert_string_equal(districts[i].label, "Srednjebanatski okrug");
            assert_string_equal(districts[i].parent, "VO");
            seen = true;
        }
    assert_true(seen);

    assert_null(ref_label(f->t.d, a, "district", "NO_SUCH", LANG_EN));
    assert_null(ref_label(f->t.d, a, "nace", "00", LANG_SR_LATN));
    assert_null(ref_label(f->t.d, a, "nace", NULL, LANG_EN));
}

static void test_unknown_table(void **state)
{
    fixture *f = *state;
    ref_item *items = (ref_item *)1;
    size_t n = 7;
    assert_int_equal(ref_list(f->t.d, &f->a, "person", LANG_EN, &items, &n), DB_ERR);
    assert_null(items);
    assert_int_equal(n, 0);
    assert_int_equal(ref_list(f->t.d, &f->a, "ref_nace", LANG_EN, &items, &n), DB_ERR);
    assert_int_equal(ref_list(f->t.d, &f->a, "nace; DROP TABLE org", LANG_EN, &items, &n), DB_ERR);
    assert_int_equal(ref_list(f->t.d, &f->a, NULL, LANG_EN, &items, &n), DB_ERR);
    assert_null(ref_label(f->t.d, &f->a, "nope", "A", LANG_EN));
    /* still readable afterwards */
    assert_non_null(ref_label(f->t.d, &f->a, "nace", "A", LANG_EN));
}

/* ref_get (a hash index per cached table) finds every code of every table
 * in every language, as the list has it, and nothing else. */
static void test_get_finds_every_code(void **state)
{
    fixture *f = *state;
    static const char *const tables[] = {"kind", "nace", "fos", "region", "district", "geo"};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (int lang = 0; lang < LANG__COUNT; lang++) {
            size_t n = 0;
            ref_item *items = list(f, tables[t], (lang_id)lang, &n);
            assert_true(n > 0);
            for (size_t i = 0; i < n; i++) {
                const ref_item *it = NULL;
                assert_int_equal(ref_get(f->t.d, tables[t], items[i].code, (lang_id)lang, &it),
                                 DB_OK);
                assert_non_null(it);
                assert_string_equal(it->code, items[i].code);
                assert_string_equal(it->label, items[i].label);
                assert_ptr_equal(it->parent, items[i].parent); /* shared strings */
            }
            const ref_item *none = (const ref_item *)1;
            assert_int_equal(ref_get(f->t.d, tables[t], "NO SUCH CODE", (lang_id)lang, &none),
                             DB_OK);
            assert_null(none);
            assert_int_equal(ref_get(f->t.d, tables[t], NULL, (lang_id)lang, &none), DB_OK);
            assert_null(none);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hierarchy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_in_every_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_label_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_finds_every_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_table, setup, teardown),
    };
    return cmocka_run_group_tests_name("ref", tests, NULL, NULL);
}
