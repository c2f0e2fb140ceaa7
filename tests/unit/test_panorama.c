/* test_panorama.c: the arithmetic of the district map and the location
 * quotient (model/panorama.c) on hand-made numbers whose answers are
 * worked out in the comments, the class breaks of per-capita values, and
 * the reference import's all-or-nothing rule on a real database: a file
 * with one wrong row stores nothing and says where; a good file replaces
 * its year and gives the quotients worked out below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "db/db.h"
#include "html/chart.h"
#include "i18n/i18n.h"
#include "model/panorama.h"

#include "testdb.h"

static void test_lq(void **state)
{
    (void)state;
    /* district: 200 of 1,000 employed in C (20%); Serbia: 1,000 of 10,000
     * (10%): LQ 2.00 */
    assert_int_equal(panorama_lq(200, 1000, 1000, 10000), 200);
    assert_true(panorama_lq_above_one(200, 1000, 1000, 10000));
    /* the same share as the country: exactly 1, not above */
    assert_int_equal(panorama_lq(100, 1000, 1000, 10000), 100);
    assert_false(panorama_lq_above_one(100, 1000, 1000, 10000));
    /* 101/1000 over 1000/10000 = 1.01: above */
    assert_true(panorama_lq_above_one(101, 1000, 1000, 10000));
    /* just above 1 but rounding to 1.00: 100001 / 1000000 over 1/10 */
    assert_int_equal(panorama_lq(100001, 1000000, 1, 10), 100);
    assert_true(panorama_lq_above_one(100001, 1000000, 1, 10));
    /* 1/3 over 1/2 = 0.666..: 67 (half up) */
    assert_int_equal(panorama_lq(1, 3, 1, 2), 67);
    /* 1/8 over 1/1 = 0.125 -> 13 (half up) */
    assert_int_equal(panorama_lq(1, 8, 1, 1), 13);
    /* undefined: an empty district, a sector absent nationally */
    assert_int_equal(panorama_lq(0, 0, 10, 100), -1);
    assert_int_equal(panorama_lq(5, 10, 0, 100), -1);
    assert_int_equal(panorama_lq(-1, 10, 1, 100), -1);
    assert_false(panorama_lq_above_one(5, 10, 0, 100));
    /* large numbers do not overflow: 1.7 million employed in a district of
     * a country of 10^12 */
    assert_int_equal(panorama_lq(1700000, 1700000, 1700000, 1000000000000LL), 58823529);
    /* no sector employs anyone in the district: 0, not above */
    assert_int_equal(panorama_lq(0, 1000, 10, 100), 0);
}

/* The map's quotient of SCAN members' employment, on hand-made cells:
 * nationally C and J hold half each (C given by two districts: they add
 * up). Beograd's members: C 100, J 300 -> C 0.25/0.5 = 0.50, J 0.75/0.5
 * = 1.50. Južnobački: C 200 only (J 0) -> C 1.00/0.5 = 2.00. Nišavski:
 * C 50, J 50 -> both exactly 1.00 (not above), and 500 in an unknown
 * section that counts in neither part nor total. An unknown district
 * counts nowhere. */
static void test_lq_members(void **state)
{
    (void)state;
    const pano_cell members[] = {
        {"JUZNOBACKI", "C", 200, 7}, {"BEOGRAD", "C", 100, 1},  {"BEOGRAD", "J", 300, 1},
        {"JUZNOBACKI", "J", 0, 7},   {"NISAVSKI", "C", 50, 20}, {"NISAVSKI", "J", 50, 20},
        {"NISAVSKI", "?", 500, 20},  {"?", "C", 1000, 99},
    };
    const pano_cell national[] = {{NULL, "C", 300, 0}, {NULL, "C", 200, 0}, {NULL, "J", 500, 0}};
    pano_lq out[8];
    size_t n = panorama_lq_members_compute(members, 8, national, 3, out);
    assert_int_equal(n, 2);
    assert_string_equal(out[0].district, "BEOGRAD");
    assert_string_equal(out[0].nace, "J");
    assert_int_equal(out[0].lq, 150);
    assert_int_equal(out[0].employees, 300);
    assert_string_equal(out[1].district, "JUZNOBACKI");
    assert_string_equal(out[1].nace, "C");
    assert_int_equal(out[1].lq, 200);
    /* without a national share for a section there is no quotient */
    const pano_cell only_j[] = {{NULL, "J", 500, 0}};
    n = panorama_lq_members_compute(members, 8, only_j, 1, out);
    assert_int_equal(n, 0); /* J's national share is 1: nobody is above */
    assert_int_equal(panorama_lq_members_compute(members, 8, NULL, 0, out), 0);
}

static void test_per_capita(void **state)
{
    (void)state;
    /* 12 organisations among 1,681,405 people: 0.7137 per 100,000 -> 7 tenths */
    assert_int_equal(panorama_per_capita(12, 1681405, 100000), 7);
    /* 3,140 employees among 607,178 people: 5.171 per 1,000 -> 52 tenths */
    assert_int_equal(panorama_per_capita(3140, 607178, 1000), 52);
    /* half up: 1 per 200,000 = 0.5 per 100,000 -> 5 tenths; 1 in 2,000,000
     * = 0.05 -> 1 tenth (0.5 rounds up) */
    assert_int_equal(panorama_per_capita(1, 200000, 100000), 5);
    assert_int_equal(panorama_per_capita(1, 2000000, 100000), 1);
    assert_int_equal(panorama_per_capita(1, 2000001, 100000), 0);
    /* unknown population: no value (Kosovo and Metohija) */
    assert_int_equal(panorama_per_capita(5, 0, 1000), -1);
    assert_int_equal(panorama_per_capita(5, -1, 1000), -1);
    assert_int_equal(panorama_per_capita(-5, 100, 1000), -1);
}

static void test_breaks_per_capita(void **state)
{
    (void)state;
    /* ten districts' tenths and three without a population: five classes
     * at the quintiles of the ten, the missing ones ignored */
    int64_t v[] = {7, CHART_NONE, 52, 0, 0, 13, CHART_NONE, 33, 26, 8, 11, CHART_NONE, 5};
    int64_t b[CHART_MAP_CLASSES];
    /* sorted: 0 0 5 7 8 11 13 26 33 52; quantile c*10/5 - 1: 1,3,5,7,9 */
    assert_int_equal(chart_map_breaks(v, 13, 5, b), 5);
    assert_int_equal(b[0], 0);
    assert_int_equal(b[1], 7);
    assert_int_equal(b[2], 11);
    assert_int_equal(b[3], 26);
    assert_int_equal(b[4], 52);
    /* all equal: one class */
    int64_t same[] = {4, 4, 4};
    assert_int_equal(chart_map_breaks(same, 3, 5, b), 1);
    assert_int_equal(b[0], 4);
}

/* Three districts and two sections:
 *             C      J   | total
 *   BEOGRAD   100    300 |  400
 *   JUZNOBACKI 200   100 |  300
 *   NISAVSKI  200    100 |  300
 *   Serbia    500    500 | 1000
 * LQ C: Beograd 0.25/0.5 = 0.50; Južnobački, Nišavski 0.667/0.5 = 1.33.
 * LQ J: Beograd 0.75/0.5 = 1.50; the others 0.67. */
static const char GOOD[] = "district,nace,year,employees,source\n"
                           "BEOGRAD,C,2023,100,RZS test\n"
                           "BEOGRAD,J,2023,300,RZS test\n"
                           "JUZNOBACKI,C,2023,200,RZS test\n"
                           "JUZNOBACKI,J,2023,100,RZS test\n"
                           "NISAVSKI,C,2023,200,RZS test\n"
                           "NISAVSKI,J,2023,100,RZS test\n";

static int64_t count_rows(db *d)
{
    int64_t n = -1;
    assert_int_equal(db_scalar_int(d, "SELECT count(*) FROM ref_employment", &n), DB_OK);
    return n;
}

/* The shipped district populations (0031, checked in 0053 against the RZS
 * 2022 census, docs/DATA.md): each value as published, the 25 adding up
 * to the published total, each row naming the census and its check, no
 * row still saying it was not checked. */
static void test_population(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        int64_t population;
    } census[] = {
        {"BEOGRAD", 1681405},        {"SEVERNOBACKI", 160163},  {"SREDNJEBANATSKI", 157711},
        {"SEVERNOBANATSKI", 117896}, {"JUZNOBANATSKI", 260244}, {"ZAPADNOBACKI", 154491},
        {"JUZNOBACKI", 607178},      {"SREMSKI", 282547},       {"MACVANSKI", 265377},
        {"KOLUBARSKI", 154497},      {"PODUNAVSKI", 175573},    {"BRANICEVSKI", 156367},
        {"SUMADIJSKI", 269728},      {"POMORAVSKI", 182047},    {"BORSKI", 101100},
        {"ZAJECARSKI", 96715},       {"ZLATIBORSKI", 254659},   {"MORAVICKI", 189281},
        {"RASKI", 296532},           {"RASINSKI", 207197},      {"NISAVSKI", 343950},
        {"TOPLICKI", 77341},         {"PIROTSKI", 76700},       {"JABLANICKI", 184502},
        {"PCINJSKI", 193802},
    };
    testdb t;
    assert_int_equal(testdb_open(&t), 0);
    arena a = ARENA_INIT;
    pano_district *d = NULL;
    size_t n = 0;
    assert_int_equal(panorama_districts(t.d, &a, &d, &n), DB_OK);
    int64_t total = 0;
    size_t with = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i].population < 0)
            continue;
        with++;
        total += d[i].population;
        bool known = false;
        for (size_t k = 0; k < sizeof census / sizeof *census; k++)
            if (strcmp(census[k].code, d[i].code) == 0) {
                assert_int_equal(d[i].population, census[k].population);
                known = true;
            }
        assert_true(known);
        assert_int_equal(d[i].population_year, 2022);
        assert_non_null(strstr(d[i].pop_source, "Census 2022 final results"));
        assert_null(strstr(d[i].pop_source, "not yet checked"));
    }
    assert_int_equal(with, 25);
    assert_int_equal(total, 6647003); /* RZS: the Republic without Kosovo and Metohija */
    arena_free(&a);
    testdb_close(&t);
}

static void test_import(void **state)
{
    (void)state;
    testdb t;
    assert_int_equal(testdb_open(&t), 0);
    arena a = ARENA_INIT;
    size_t n_rows = 0, n_p = 0;
    pano_ref_problem *p = NULL;

    /* one unknown district, one section that is a division, a negative
     * number, a repeated row, a missing source: nothing stored, each said */
    const char *bad = "nace,district,year,employees,source\n"
                      "C,BEOGRAD,2023,100,x\n"
                      "C,ATLANTIS,2023,100,x\n"
                      "62,BEOGRAD,2023,100,x\n"
                      "J,BEOGRAD,2023,-4,x\n"
                      "C,BEOGRAD,2023,7,x\n"
                      "J,NISAVSKI,2023,7,\n";
    assert_int_equal(panorama_ref_import(t.d, &a, bad, strlen(bad), 0, &n_rows, &p, &n_p),
                     DB_CONSTRAINT);
    assert_int_equal(count_rows(t.d), 0);
    assert_int_equal(n_p, 5);
    bool district = false, nace = false, employees = false, dup = false, source = false;
    for (size_t i = 0; i < n_p; i++) {
        district |= p[i].line == 3 && p[i].column && strcmp(p[i].column, "district") == 0;
        nace |= p[i].line == 4 && p[i].column && strcmp(p[i].column, "nace") == 0;
        employees |= p[i].line == 5 && p[i].column && strcmp(p[i].column, "employees") == 0;
        dup |= p[i].line == 6 && strstr(p[i].message, "line 2") != NULL;
        source |= p[i].line == 7 && p[i].column && strcmp(p[i].column, "source") == 0;
    }
    assert_true(district && nace && employees && dup && source);

    /* a header without a needed column */
    const char *nocol = "district,nace,employees,source\nBEOGRAD,C,1,x\n";
    assert_int_equal(panorama_ref_import(t.d, &a, nocol, strlen(nocol), 0, &n_rows, &p, &n_p),
                     DB_CONSTRAINT);
    assert_int_equal(n_p, 1);
    assert_string_equal(p[0].column, "year");

    /* the good file */
    assert_int_equal(panorama_ref_import(t.d, &a, GOOD, strlen(GOOD), 0, &n_rows, &p, &n_p), DB_OK);
    assert_int_equal(n_rows, 6);
    assert_int_equal(count_rows(t.d), 6);
    int year = 0;
    bool demo = true;
    const char *src = NULL;
    assert_int_equal(panorama_lq_year(t.d, &a, &year, &demo, &src), DB_OK);
    assert_int_equal(year, 2023);
    assert_false(demo);
    assert_string_equal(src, "RZS test");
    pano_lq *lq = NULL;
    size_t n = 0;
    assert_int_equal(panorama_lq_specialised(t.d, &a, 2023, &lq, &n), DB_OK);
    /* in district order (Beograd, Južnobački, Nišavski), above 1 only */
    assert_int_equal(n, 3);
    assert_string_equal(lq[0].district, "BEOGRAD");
    assert_string_equal(lq[0].nace, "J");
    assert_int_equal(lq[0].lq, 150);
    assert_string_equal(lq[1].district, "JUZNOBACKI");
    assert_string_equal(lq[1].nace, "C");
    assert_int_equal(lq[1].lq, 133);
    assert_string_equal(lq[2].district, "NISAVSKI");
    /* a cluster in division 62 (section J) in Belgrade: 1.50 */
    int64_t v = 0, emp = 0;
    char sec[4];
    assert_int_equal(panorama_lq_of(t.d, 2023, "BEOGRAD", "62", &v, &emp, sec), DB_OK);
    assert_int_equal(v, 150);
    assert_int_equal(emp, 300);
    assert_string_equal(sec, "J");
    assert_int_equal(panorama_lq_of(t.d, 2023, "BEOGRAD", "A", &v, &emp, sec), DB_OK);
    assert_int_equal(v, -1); /* no employment in A there: undefined */

    /* the same year again replaces it (one row now) */
    const char *again = "district,nace,year,employees,source\nBEOGRAD,C,2023,5,again\n";
    assert_int_equal(panorama_ref_import(t.d, &a, again, strlen(again), 0, &n_rows, &p, &n_p),
                     DB_OK);
    assert_int_equal(count_rows(t.d), 1);
    int64_t audits = 0;
    assert_int_equal(db_scalar_int(t.d,
                                   "SELECT count(*) FROM audit WHERE action = "
                                   "'ref_employment_import'",
                                   &audits),
                     DB_OK);
    assert_int_equal(audits, 2);
    arena_free(&a);
    testdb_close(&t);
}

int main(void)
{
    i18n_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lq),         cmocka_unit_test(test_lq_members),
        cmocka_unit_test(test_per_capita), cmocka_unit_test(test_breaks_per_capita),
        cmocka_unit_test(test_import),     cmocka_unit_test(test_population),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    i18n_shutdown();
    return rc;
}
