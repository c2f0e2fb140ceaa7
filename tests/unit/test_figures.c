/* test_figures.c: yearly figures and their totals (model/figures.c,
 * model/figures_import.c) on a real, freshly migrated database with
 * small hand-made data whose every total is worked out in the comments:
 * the three aggregation rules (a company in two clusters counted once
 * SCAN-wide but in both cluster rows; a member that left in 2021 counted
 * in 2020 and 2021, not 2022; missing reporters and the verified share),
 * SCAN status in force for the year, the founders and single-cluster
 * scopes, grouping by cluster, sector, region and district, the change
 * from the year before, basis point rounding, RSD conversion (exact
 * values, half up, big values), every figures_put refusal, replacement
 * and verification, rate correction, and the importer (all or nothing
 * with every bad row listed, manager scope, dry run, preview). */
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

#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/figures.h"
#include "model/org.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
} fixture;

/* This year, as the code under test computes it (time_now() in the process's
 * zone). The clock stays fixed at this instant (time_set_now; teardown lets
 * it go), so a test run at New Year's midnight cannot see two years. */
static int this_year(void)
{
    time_t t = (time_t)time_now();
    time_set_now(t);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* The people who enter and verify figures. */
static const char SEED[] = "INSERT INTO person(id, name, email, created_at, updated_at)"
                           " VALUES (1, 'Ana Urednik', 'ana@example.com', 0, 0),"
                           "        (2, 'Sekretar', 'sek@example.com', 0, 0)";

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

static void exec(fixture *f, const char *sql)
{
    db_status st = db_exec(f->t.d, sql);
    if (st != DB_OK)
        fprintf(stderr, "exec: %s\n%s\n", db_errmsg(f->t.d), sql);
    assert_int_equal(st, DB_OK);
}

static int64_t scalar(fixture *f, const char *sql)
{
    int64_t v = -1;
    db_status st = db_scalar_int(f->t.d, sql, &v);
    if (st != DB_OK)
        fprintf(stderr, "scalar: %s\n%s\n", db_errmsg(f->t.d), sql);
    assert_int_equal(st, DB_OK);
    return v;
}

static int64_t fig_version(fixture *f)
{
    int64_t v;
    assert_int_equal(figures_version(f->t.d, &v), DB_OK);
    return v;
}

static void has_error(const form_errors *e, const char *field, form_error_code code)
{
    const form_error *x = form_error_for(e, field);
    if (!x || x->code != code)
        for (size_t i = 0; i < e->n_items; i++)
            fprintf(stderr, "error: %s code %d\n", e->items[i].field, e->items[i].code);
    assert_non_null(x);
    assert_int_equal(x->code, code);
}

/* The DOMAIN.md check digit, written independently of org.c. */
static void make_pib(char out[10], const char *first8)
{
    int c = 10;
    for (int i = 0; i < 8; i++) {
        c = (c + first8[i] - '0') % 10;
        if (c == 0)
            c = 10;
        c = (c * 2) % 11;
    }
    memcpy(out, first8, 8);
    out[8] = (char)('0' + (11 - c) % 10);
    out[9] = '\0';
}

/* --- the hand-made world ----------------------------------------------------------------- */

/* Clusters and their SCAN history:
 *   10 voict  member 2016-08-02, suspended 2023-03-01
 *   11 nicat  founder 2016-08-02
 *   12 appl   applied 2020-01-01 (never counts)
 *   14 late   applied 2021-05-01, member 2022-02-01 (counts from 2022)
 * Members:
 *   20 acme   voict 2016-, nicat 2017-   sector 62 (J), region VO, Južnobački
 *   21 beta   voict 2015-01-01 .. 2021-06-30   sector 25 (C), BG, Belgrade
 *   22 gamma  voict 2018-  never reports; no sector, no region
 *   23 delta  appl 2019-
 *   24 eps    nicat 2019-  sector J, region JI
 *   25 phi    late 2020-
 * Figures (employees / revenue / exports in EUR cents, v = verified):
 *   2020 acme 90/80M/40M v, beta 10/10M/0, eps 20/30M/15M
 *   2021 acme 100/100M/60M v, beta 12/20M/5M, eps 20/30M/30M v,
 *        delta 5/1M/-, phi 7/2M/1M
 *   2022 acme 110/110M/70M, beta 13/25M/-, eps 25/40M/10M v (demo), phi 8/4M/2M */
static void world(fixture *f)
{
    exec(f, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded,"
            " region, district, pib) VALUES"
            " (10, 'voict', 'Vojvodina ICT Cluster', 'cluster', 'published', 0, 0, 'vojvodina',"
            "  'VO', 'JUZNOBACKI', NULL),"
            " (11, 'nicat', 'NiCAT', 'cluster', 'published', 0, 0, 'nicat', 'JI', NULL, NULL),"
            " (12, 'appl', 'Applicant', 'cluster', 'published', 0, 0, 'applicant', NULL, NULL,"
            "  NULL),"
            " (14, 'late', 'Late Cluster', 'cluster', 'published', 0, 0, 'late', NULL, NULL, NULL),"
            " (20, 'acme', 'Acme', 'company', 'published', 0, 0, 'acme', 'VO', 'JUZNOBACKI',"
            "  '101134702'),"
            " (21, 'beta', 'Beta', 'company', 'published', 0, 0, 'beta', 'BG', 'BEOGRAD',"
            "  '113460262'),"
            " (22, 'gamma', 'Gamma', 'company', 'published', 0, 0, 'gamma', NULL, NULL, NULL),"
            " (23, 'delta', 'Delta', 'company', 'published', 0, 0, 'delta', NULL, NULL, NULL),"
            " (24, 'eps', 'Eps', 'company', 'published', 0, 0, 'eps', 'JI', NULL, NULL),"
            " (25, 'phi', 'Phi', 'company', 'published', 0, 0, 'phi', NULL, NULL, NULL);"
            "INSERT INTO org_sector(org_id, code) VALUES (20, '62'), (21, '25'), (24, 'J');"
            "INSERT INTO scan_membership(org_id, status, since, created_at) VALUES"
            " (10, 'member', '2016-08-02', 0), (10, 'suspended', '2023-03-01', 0),"
            " (11, 'founder', '2016-08-02', 0), (12, 'applied', '2020-01-01', 0),"
            " (14, 'applied', '2021-05-01', 0), (14, 'member', '2022-02-01', 0);"
            "INSERT INTO cluster_member(cluster_id, org_id, joined_on, left_on) VALUES"
            " (10, 20, '2016-01-01', NULL), (11, 20, '2017-01-01', NULL),"
            " (10, 21, '2015-01-01', '2021-06-30'), (10, 22, '2018-01-01', NULL),"
            " (12, 23, '2019-01-01', NULL), (11, 24, '2019-01-01', NULL),"
            " (14, 25, '2020-01-01', NULL);"
            "INSERT INTO org_figure(org_id, year, employees, revenue_eur, exports_eur, source,"
            " entered_at, verified_at, is_demo) VALUES"
            " (20, 2020, 90, 80000000, 40000000, 'self_reported', 0, 5, 0),"
            " (21, 2020, 10, 10000000, 0, 'self_reported', 0, NULL, 0),"
            " (24, 2020, 20, 30000000, 15000000, 'self_reported', 0, NULL, 0),"
            " (20, 2021, 100, 100000000, 60000000, 'self_reported', 0, 5, 0),"
            " (21, 2021, 12, 20000000, 5000000, 'self_reported', 0, NULL, 0),"
            " (24, 2021, 20, 30000000, 30000000, 'self_reported', 0, 5, 0),"
            " (23, 2021, 5, 1000000, NULL, 'estimate', 0, NULL, 0),"
            " (25, 2021, 7, 2000000, 1000000, 'estimate', 0, NULL, 0),"
            " (20, 2022, 110, 110000000, 70000000, 'self_reported', 0, NULL, 0),"
            " (21, 2022, 13, 25000000, NULL, 'self_reported', 0, NULL, 0),"
            " (24, 2022, 25, 40000000, 10000000, 'self_reported', 0, 5, 1),"
            " (25, 2022, 8, 4000000, 2000000, 'estimate', 0, NULL, 0)");
}

static const figure_total *total(fixture *f, figure_scope scope, int64_t cluster_id,
                                 figure_group group, int year, size_t *n)
{
    figure_query q = {scope, cluster_id, group, year};
    figure_total *rows;
    assert_int_equal(figures_total(f->t.d, &f->a, &q, &rows, n), DB_OK);
    return rows;
}

static const figure_total *one(fixture *f, figure_scope scope, int64_t cluster_id, int year)
{
    size_t n;
    const figure_total *t = total(f, scope, cluster_id, FIG_GROUP_NONE, year, &n);
    assert_int_equal(n, 1);
    assert_string_equal(t->key, "all");
    assert_int_equal(t->year, year);
    return t;
}

static const figure_total *find(const figure_total *rows, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0)
            return &rows[i];
    fail_msg("no row %s", key);
    return NULL;
}

/* --- conversion ------------------------------------------------------------------------ */

/* The expected value by another route: quotient and remainder. */
static int64_t expect_eur(int64_t para, int64_t rate)
{
    __int128 n = (__int128)para * 10000;
    __int128 q = n / rate, rem = n % rate;
    if (rem * 2 >= rate)
        q++;
    return (int64_t)q;
}

static void test_rsd_to_eur(void **state)
{
    (void)state;
    /* 1,174,593.00 RSD at 117.4593 RSD per EUR is exactly 10,000.00 EUR. */
    assert_int_equal(figures_rsd_to_eur(117459300, 1174593), 1000000);
    /* 587,296.50 RSD is exactly 5,000.00 EUR. */
    assert_int_equal(figures_rsd_to_eur(58729650, 1174593), 500000);
    assert_int_equal(figures_rsd_to_eur(0, 1174593), 0);
    /* Half a cent rounds up; less than half rounds down. At 2 RSD/EUR one
     * para is half a cent, three are 1.5 cents. */
    assert_int_equal(figures_rsd_to_eur(1, 20000), 1);
    assert_int_equal(figures_rsd_to_eur(3, 20000), 2);
    assert_int_equal(figures_rsd_to_eur(1, 30000), 0); /* 0.33 */
    assert_int_equal(figures_rsd_to_eur(2, 30000), 1); /* 0.67 */
    /* 117.4593: 1 RSD = 0.8513... cents -> 1; 58 para = 0.4937 -> 0; 59 para -> 1. */
    assert_int_equal(figures_rsd_to_eur(100, 1174593), 1);
    assert_int_equal(figures_rsd_to_eur(58, 1174593), 0);
    assert_int_equal(figures_rsd_to_eur(59, 1174593), 1);
    /* Big values: no overflow in the intermediate (para * 10^4 is ~10^23). */
    int64_t big[] = {9000000000000000000LL, INT64_MAX, 123456789012345678LL, 999999999999999LL};
    int64_t rates[] = {1174593, 1170875, 1000001, 9999};
    for (size_t i = 0; i < 4; i++)
        for (size_t k = 0; k < 4; k++)
            if (rates[k] >= 10000)
                assert_int_equal(figures_rsd_to_eur(big[i], rates[k]),
                                 expect_eur(big[i], rates[k]));
    /* 9e22 / 1174593 = 76622285336282439.96: rounds up. */
    assert_int_equal(figures_rsd_to_eur(9000000000000000000LL, 1174593), 76622285336282440LL);
    /* A result beyond int64 saturates rather than wrapping. */
    assert_int_equal(figures_rsd_to_eur(INT64_MAX, 9999), INT64_MAX);
}

/* --- figures_put ------------------------------------------------------------------------------ */

static void test_put_refusals(void **state)
{
    fixture *f = *state;
    world(f);
    int64_t rows = scalar(f, "SELECT count(*) FROM org_figure");
    int64_t audits = scalar(f, "SELECT count(*) FROM audit");
    int64_t v = fig_version(f);
    int y = this_year();
    form_errors e;

#define REFUSED(field, code, ...)                                                                  \
    do {                                                                                           \
        memset(&e, 0, sizeof e);                                                                   \
        assert_int_equal(figures_put(f->t.d, __VA_ARGS__, &e), DB_CONSTRAINT);                     \
        has_error(&e, field, code);                                                                \
    } while (0)

    REFUSED("exports", FE_EXPORTS_ABOVE_REVENUE, 22, 2023, "EUR", 5, 10000, 10001, -1,
            "self_reported", false, 1, NULL);
    REFUSED("exports", FE_EXPORTS_ABOVE_REVENUE, 22, 2023, "RSD", 5, 10000, 10001, -1,
            "self_reported", false, 1, NULL);
    REFUSED("revenue", FE_RANGE, 22, 2023, "EUR", 5, -500, -1, -1, "estimate", false, 1, NULL);
    REFUSED("employees", FE_RANGE, 22, 2023, "EUR", -2, 1, 0, -1, "estimate", false, 1, NULL);
    REFUSED("rnd", FE_RANGE, 22, 2023, "EUR", 1, 1, 0, -7, "estimate", false, 1, NULL);
    REFUSED("year", FE_FUTURE_YEAR, 22, y + 1, "EUR", 1, 1, 0, -1, "estimate", false, 1, NULL);
    REFUSED("year", FE_RANGE, 22, 1989, "EUR", 1, 1, 0, -1, "estimate", false, 1, NULL);
    REFUSED("currency", FE_NO_RATE, 22, 2010, "RSD", 1, 100, 0, -1, "estimate", false, 1, NULL);
    REFUSED("currency", FE_CHOICE, 22, 2021, "USD", 1, 100, 0, -1, "estimate", false, 1, NULL);
    REFUSED("source", FE_CHOICE, 22, 2021, "EUR", 1, 100, 0, -1, "guess", false, 1, NULL);
    REFUSED("source", FE_REQUIRED, 22, 2021, "EUR", 1, 100, 0, -1, NULL, false, 1, NULL);
    REFUSED("employees", FE_REQUIRED, 22, 2021, "EUR", -1, -1, -1, -1, "estimate", false, 1, NULL);
#undef REFUSED
    /* Several problems at once are all reported. */
    memset(&e, 0, sizeof e);
    assert_int_equal(figures_put(f->t.d, 22, y + 1, "RSD", -3, 5, 6, -1, "x", false, 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "year", FE_FUTURE_YEAR);
    has_error(&e, "employees", FE_RANGE);
    has_error(&e, "exports", FE_EXPORTS_ABOVE_REVENUE);
    has_error(&e, "source", FE_CHOICE);
    /* No such organisation. */
    memset(&e, 0, sizeof e);
    assert_int_equal(
        figures_put(f->t.d, 999, 2021, "EUR", 1, 1, 0, -1, "estimate", false, 1, NULL, &e),
        DB_DONE);

    /* Nothing was written by any of them. */
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure"), rows);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(fig_version(f), v);

    /* This year is allowed; exports equal to revenue too. */
    memset(&e, 0, sizeof e);
    assert_int_equal(
        figures_put(f->t.d, 22, y, NULL, 1, 100, 100, -1, "estimate", false, 1, NULL, &e), DB_OK);
    assert_int_equal(e.n_items, 0);
}

static void test_put_rsd_replace_verify(void **state)
{
    fixture *f = *state;
    world(f);
    form_errors e = {0};
    int64_t v0 = fig_version(f);

    /* RSD at the 2022 rate: EUR values converted, RSD and the rate kept. */
    assert_int_equal(figures_put(f->t.d, 22, 2022, "RSD", 12, 117459300, 58729650, 100, "estimate",
                                 false, 1, "10.1.1.1", &e),
                     DB_OK);
    figure_rec *r;
    size_t n;
    assert_int_equal(figures_of_org(f->t.d, &f->a, 22, &r, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].year, 2022);
    assert_int_equal(r[0].employees, 12);
    assert_int_equal(r[0].revenue_eur, 1000000);
    assert_int_equal(r[0].exports_eur, 500000);
    assert_int_equal(r[0].rnd_eur, 1); /* 1 RSD = 0.85 cents */
    assert_int_equal(r[0].revenue_rsd, 117459300);
    assert_int_equal(r[0].rate_e4, 1174593);
    assert_string_equal(r[0].source, "estimate");
    assert_int_equal(r[0].entered_by, 1);
    assert_string_equal(r[0].org_slug, "gamma");
    assert_int_equal(fig_version(f), v0 + 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'figure_create'"
                               " AND entity = 'figure' AND ip = '10.1.1.1'"),
                     1);
    int64_t id = r[0].id;

    /* Verified, then replaced in EUR by someone else: verification cleared,
     * the replaced entry's author kept in the audit row. */
    assert_int_equal(figures_verify(f->t.d, id, true, 2, NULL), DB_OK);
    assert_int_equal(scalar(f, "SELECT verified_by FROM org_figure WHERE org_id = 22"), 2);
    assert_int_equal(figures_verify(f->t.d, 9999, true, 2, NULL), DB_DONE);
    assert_int_equal(figures_put(f->t.d, 22, 2022, "EUR", 12, 2000000, 500000, -1, "estimate",
                                 false, 2, NULL, &e),
                     DB_OK);
    assert_int_equal(figures_of_org(f->t.d, &f->a, 22, &r, &n), DB_OK);
    assert_int_equal(r[0].id, id);
    assert_int_equal(r[0].revenue_eur, 2000000);
    assert_int_equal(r[0].revenue_rsd, -1);
    assert_int_equal(r[0].rnd_eur, -1);
    assert_int_equal(r[0].rate_e4, 0);
    assert_int_equal(r[0].verified_by, 0);
    assert_int_equal(r[0].verified_at, 0);
    assert_int_equal(r[0].entered_by, 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'figure_update'"
                               " AND detail LIKE '%\"fields\":[\"revenue\",\"rnd\",\"currency\"]%'"
                               " AND detail LIKE '%\"was\":{\"entered_by\":1,%'"),
                     1);

    /* The same values again: nothing written, verification kept. */
    assert_int_equal(figures_verify(f->t.d, id, true, 2, NULL), DB_OK);
    int64_t v = fig_version(f), audits = scalar(f, "SELECT count(*) FROM audit");
    assert_int_equal(figures_put(f->t.d, 22, 2022, "EUR", 12, 2000000, 500000, -1, "estimate",
                                 false, 1, NULL, &e),
                     DB_OK);
    assert_int_equal(fig_version(f), v);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(scalar(f, "SELECT verified_by FROM org_figure WHERE org_id = 22"), 2);
    assert_int_equal(figures_verify(f->t.d, id, false, 2, NULL), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure WHERE org_id = 22"
                               " AND verified_at IS NULL AND verified_by IS NULL"),
                     1);

    int64_t emp;
    assert_int_equal(figures_latest_employees(f->t.d, 20, &emp), DB_OK);
    assert_int_equal(emp, 110);
    assert_int_equal(figures_latest_employees(f->t.d, 10, &emp), DB_OK);
    assert_int_equal(emp, -1);
    assert_int_equal(figures_of_org(f->t.d, &f->a, 20, &r, &n), DB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].year, 2022); /* newest first */
    assert_int_equal(r[2].year, 2020);
    assert_int_equal(r[2].verified_at, 5);
}

static void test_rates(void **state)
{
    fixture *f = *state;
    world(f);
    form_errors e = {0};
    int64_t rate;
    bool found;
    assert_int_equal(figures_rate(f->t.d, 2022, &rate, &found), DB_OK);
    assert_true(found);
    assert_int_equal(rate, 1174593);
    assert_int_equal(figures_rate(f->t.d, 2010, &rate, &found), DB_OK);
    assert_false(found);

    assert_int_equal(
        figures_put(f->t.d, 22, 2022, "RSD", 3, 117459300, -1, -1, "estimate", false, 1, NULL, &e),
        DB_OK);
    assert_int_equal(figures_verify(f->t.d,
                                    scalar(f, "SELECT id FROM org_figure WHERE org_id = 22"), true,
                                    2, NULL),
                     DB_OK);
    /* Corrected to 100 RSD per EUR: the RSD row follows, verification stands. */
    int64_t v = fig_version(f);
    assert_int_equal(figures_set_rate(f->t.d, 2022, 1000000, "NBS", 2), DB_OK);
    assert_int_equal(scalar(f, "SELECT revenue_eur FROM org_figure WHERE org_id = 22"), 1174593);
    assert_int_equal(scalar(f, "SELECT rate_e4 FROM org_figure WHERE org_id = 22"), 1000000);
    assert_int_equal(scalar(f, "SELECT verified_by FROM org_figure WHERE org_id = 22"), 2);
    assert_int_equal(scalar(f, "SELECT revenue_eur FROM org_figure WHERE org_id = 20"
                               " AND year = 2022"),
                     110000000); /* entered in EUR: untouched */
    assert_int_equal(fig_version(f), v + 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'fx_rate_set'"
                               " AND entity_id = 2022 AND detail LIKE '%\"reconverted\":1}'"),
                     1);
    /* A new year's rate makes RSD input possible. */
    assert_int_equal(figures_set_rate(f->t.d, 2010, 1031000, "NBS", 2), DB_OK);
    assert_int_equal(
        figures_put(f->t.d, 22, 2010, "RSD", 3, 103100, -1, -1, "estimate", false, 1, NULL, &e),
        DB_OK);
    assert_int_equal(scalar(f, "SELECT revenue_eur FROM org_figure WHERE year = 2010"), 1000);
    assert_int_equal(figures_set_rate(f->t.d, 2010, 0, "NBS", 2), DB_CONSTRAINT);
    assert_int_equal(figures_set_rate(f->t.d, 1980, 1000, "NBS", 2), DB_CONSTRAINT);
    assert_int_equal(figures_set_rate(f->t.d, 2010, 1000, "", 2), DB_CONSTRAINT);
}

/* --- totals ---------------------------------------------------------------------------------- */

static void test_rules(void **state)
{
    fixture *f = *state;
    world(f);

    /* 2021, SCAN: voict and nicat (late only applied, appl never). acme is
     * in both but counts once: acme, beta (left mid-2021), gamma, eps. */
    const figure_total *t = one(f, FIG_SCOPE_SCAN, 0, 2021);
    assert_int_equal(t->members, 4);
    assert_int_equal(t->reported, 3);
    assert_int_equal(t->missing, 1);  /* gamma */
    assert_int_equal(t->verified, 2); /* acme, eps */
    assert_int_equal(t->verified_bp, 6667);
    assert_int_equal(t->employees, 132);
    assert_int_equal(t->revenue_eur, 150000000);
    assert_int_equal(t->exports_eur, 95000000);
    assert_int_equal(t->rnd_eur, 0);
    assert_int_equal(t->export_share_bp, 6333); /* 95 / 150 */
    assert_false(t->any_demo);
    /* 2020 the same set: 120 employees, 120M revenue, 55M exports. */
    assert_true(t->has_prev);
    assert_int_equal(t->prev_employees, 120);
    assert_int_equal(t->prev_revenue_eur, 120000000);
    assert_int_equal(t->prev_exports_eur, 55000000);
    assert_int_equal(t->employees_change_bp, 1000); /* +10% */
    assert_int_equal(t->revenue_change_bp, 2500);   /* +25% */
    assert_int_equal(t->exports_change_bp, 7273);   /* +72.727% */

    /* 2022: beta has left (its 2022 row does not count); late is now a
     * member, so phi counts; eps's row is demo data. */
    t = one(f, FIG_SCOPE_SCAN, 0, 2022);
    assert_int_equal(t->members, 4); /* acme, gamma, eps, phi */
    assert_int_equal(t->reported, 3);
    assert_int_equal(t->verified, 1);
    assert_int_equal(t->verified_bp, 3333);
    assert_int_equal(t->employees, 143);
    assert_int_equal(t->revenue_eur, 154000000);
    assert_int_equal(t->exports_eur, 82000000);
    assert_int_equal(t->revenue_change_bp, 267);   /* 4 / 150 = 2.667% */
    assert_int_equal(t->employees_change_bp, 833); /* 11 / 132 = 8.33% */
    assert_int_equal(t->exports_change_bp, -1368); /* -13 / 95 = -13.68% */
    assert_true(t->any_demo);

    /* 2023: voict suspended (in force on 2023-12-31): acme and eps through
     * nicat, phi through late; no figures. */
    t = one(f, FIG_SCOPE_SCAN, 0, 2023);
    assert_int_equal(t->members, 3);
    assert_int_equal(t->reported, 0);
    assert_int_equal(t->missing, 3);
    assert_int_equal(t->verified_bp, -1);
    assert_int_equal(t->export_share_bp, -1);
    assert_int_equal(t->revenue_eur, 0);
    /* nobody reported: no headline, and no "-100 %" claimed on 2022 */
    assert_false(t->covered);
    assert_false(t->has_prev);
    assert_int_equal(t->change_state, FIG_CHANGE_LOW_COVERAGE);
    assert_int_equal(t->revenue_change_bp, 0);
    /* 2019: acme, beta, gamma and eps (joined 2019-01-01); nothing reported,
     * and nothing in 2018 either. */
    t = one(f, FIG_SCOPE_SCAN, 0, 2019);
    assert_int_equal(t->members, 4);
    assert_int_equal(t->reported, 0);
    assert_int_equal(t->missing, 4);
    assert_false(t->has_prev);
}

static void test_rules_by_cluster(void **state)
{
    fixture *f = *state;
    world(f);
    size_t n;
    /* Per cluster, acme counts in both. */
    const figure_total *rows = total(f, FIG_SCOPE_SCAN, 0, FIG_GROUP_CLUSTER, 2021, &n);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].key, "nicat"); /* 130M before 120M */
    assert_string_equal(rows[0].label, "NiCAT");
    assert_int_equal(rows[0].members, 2);
    assert_int_equal(rows[0].revenue_eur, 130000000);
    assert_int_equal(rows[0].exports_eur, 90000000);
    assert_int_equal(rows[0].verified_bp, 10000);
    assert_string_equal(rows[1].key, "voict");
    assert_int_equal(rows[1].members, 3); /* acme, beta, gamma */
    assert_int_equal(rows[1].reported, 2);
    assert_int_equal(rows[1].missing, 1);
    assert_int_equal(rows[1].revenue_eur, 120000000);
    assert_int_equal(rows[0].members + rows[1].members, 5); /* vs 4 SCAN-wide */
    assert_true(rows[1].has_prev);
    assert_int_equal(rows[1].prev_revenue_eur, 90000000);
    assert_int_equal(rows[1].revenue_change_bp, 3333);

    /* Rule 2 per cluster: beta in voict 2020 and 2021, not 2022. */
    rows = total(f, FIG_SCOPE_SCAN, 0, FIG_GROUP_CLUSTER, 2020, &n);
    assert_int_equal(find(rows, n, "voict")->members, 3);
    assert_int_equal(find(rows, n, "voict")->employees, 100);
    rows = total(f, FIG_SCOPE_SCAN, 0, FIG_GROUP_CLUSTER, 2022, &n);
    assert_int_equal(n, 3); /* late joins */
    assert_int_equal(find(rows, n, "voict")->members, 2);
    assert_int_equal(find(rows, n, "voict")->revenue_eur, 110000000);
    assert_int_equal(find(rows, n, "late")->members, 1);
    assert_false(find(rows, n, "late")->has_prev); /* not in scope in 2021 */

    /* Founders: nicat only. */
    const figure_total *t = one(f, FIG_SCOPE_FOUNDERS, 0, 2021);
    assert_int_equal(t->members, 2);
    assert_int_equal(t->revenue_eur, 130000000);
    rows = total(f, FIG_SCOPE_FOUNDERS, 0, FIG_GROUP_CLUSTER, 2021, &n);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].key, "nicat");

    /* One cluster, whatever its SCAN status: the applicant's delta. */
    t = one(f, FIG_SCOPE_CLUSTER, 12, 2021);
    assert_int_equal(t->members, 1);
    assert_int_equal(t->reported, 1);
    assert_int_equal(t->revenue_eur, 1000000);
    assert_int_equal(t->export_share_bp, -1); /* no exports given */
    t = one(f, FIG_SCOPE_CLUSTER, 10, 2023);  /* suspended from SCAN, still a cluster */
    assert_int_equal(t->members, 2);
    t = one(f, FIG_SCOPE_CLUSTER, 999, 2021);
    assert_int_equal(t->members, 0);
    assert_int_equal(t->verified_bp, -1);
    assert_false(t->has_prev);
    rows = total(f, FIG_SCOPE_CLUSTER, 10, FIG_GROUP_CLUSTER, 2021, &n);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].members, 3);
}

static void test_group_sector_region(void **state)
{
    fixture *f = *state;
    world(f);
    size_t n;
    /* 2021 SCAN: acme (62 -> J), eps (J), beta (25 -> C), gamma (none). */
    const figure_total *rows = total(f, FIG_SCOPE_SCAN, 0, FIG_GROUP_SECTOR, 2021, &n);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].key, "J");
    assert_int_equal(rows[0].members, 2);
    assert_int_equal(rows[0].revenue_eur, 130000000);
    assert_string_equal(rows[1].key, "C");
    assert_int_equal(rows[1].revenue_eur, 20000000);
    assert_string_equal(rows[2].key, "?");
    assert_int_equal(rows[2].members, 1);
    assert_int_equal(rows[2].reported, 0);
    int64_t members = 0;
    for (size_t i = 0; i < n; i++)
        members += rows[i].members;
    assert_int_equal(members, 4); /* the groups partition the SCAN total */

    rows = total(f, FIG_SCOPE_SCAN, 0, FIG_GROUP_REGION, 2021, &n);
    assert_int_equal(n, 4);
    assert_string_equal(rows[0].key, "VO");
    assert_int_equal(rows[0].revenue_eur, 100000000);
    assert_string_equal(rows[1].key, "JI");
    assert_string_equal(rows[2].key, "BG");
    assert_string_equal(rows[3].key, "?");
    assert_true(rows[0].has_prev);
    assert_int_equal(rows[0].revenue_change_bp, 2500); /* 80M -> 100M */

    rows = total(f, FIG_SCOPE_SCAN, 0, FIG_GROUP_DISTRICT, 2021, &n);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].key, "JUZNOBACKI");
    assert_string_equal(rows[1].key, "?"); /* gamma and eps */
    assert_int_equal(rows[1].members, 2);
    assert_int_equal(rows[1].revenue_eur, 30000000);
    assert_string_equal(rows[2].key, "BEOGRAD");
}

static void test_trend_years_missing(void **state)
{
    fixture *f = *state;
    world(f);
    figure_total *rows;
    size_t n;
    assert_int_equal(figures_trend(f->t.d, &f->a, FIG_SCOPE_SCAN, 0, 2019, 2023, &rows, &n), DB_OK);
    assert_int_equal(n, 5);
    assert_int_equal(rows[0].year, 2019);
    assert_int_equal(rows[0].reported, 0);
    assert_false(rows[0].has_prev);
    assert_false(rows[1].has_prev); /* 2019 had nothing reported */
    assert_int_equal(rows[1].revenue_eur, 120000000);
    assert_int_equal(rows[2].revenue_eur, 150000000);
    assert_int_equal(rows[2].revenue_change_bp, 2500);
    assert_int_equal(rows[3].revenue_change_bp, 267);
    assert_int_equal(rows[4].members, 3);
    /* The same numbers as figures_total. */
    const figure_total *t = one(f, FIG_SCOPE_SCAN, 0, 2022);
    assert_int_equal(rows[3].members, t->members);
    assert_int_equal(rows[3].exports_change_bp, t->exports_change_bp);
    assert_int_equal(figures_trend(f->t.d, &f->a, FIG_SCOPE_SCAN, 0, 2023, 2019, &rows, &n),
                     DB_CONSTRAINT);

    int *years;
    assert_int_equal(figures_years(f->t.d, &f->a, &years, &n), DB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(years[0], 2022);
    assert_int_equal(years[1], 2021);
    assert_int_equal(years[2], 2020);

    figure_missing *m;
    assert_int_equal(figures_missing(f->t.d, &f->a, 2021, &m, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(m[0].cluster_slug, "voict");
    assert_string_equal(m[0].org_slug, "gamma");
    assert_string_equal(m[0].org_name, "Gamma");
    assert_int_equal(figures_missing(f->t.d, &f->a, 2023, &m, &n), DB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(m[0].cluster_slug, "late"); /* by cluster name, then member */
    assert_string_equal(m[0].org_slug, "phi");
    assert_string_equal(m[1].cluster_slug, "nicat");
    assert_string_equal(m[1].org_slug, "acme");
    assert_string_equal(m[2].org_slug, "eps");
}

/* Export share and verified share in basis points, rounded half up; rows
 * without revenue or without exports stay out of the share. */
static void test_basis_points(void **state)
{
    fixture *f = *state;
    exec(f, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
            " (1, 'k', 'K', 'cluster', 'published', 0, 0),"
            " (2, 'a', 'A', 'company', 'published', 0, 0),"
            " (3, 'b', 'B', 'company', 'published', 0, 0),"
            " (4, 'c', 'C', 'company', 'published', 0, 0);"
            "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES"
            " (1, 2, '2020-01-01'), (1, 3, '2020-01-01'), (1, 4, '2020-01-01');"
            "INSERT INTO org_figure(org_id, year, revenue_eur, exports_eur, source, entered_at,"
            " verified_at) VALUES"
            " (2, 2021, 20000, 1, 'estimate', 0, 1),"   /* 0.5 bp */
            " (2, 2022, 3, 2, 'estimate', 0, NULL),"    /* 6666.67 bp */
            " (3, 2022, NULL, 5, 'estimate', 0, 1),"    /* no revenue: out of the share */
            " (4, 2022, 1000, NULL, 'estimate', 0, 1)," /* no exports: out of the share */
            " (2, 2023, 3, 1, 'estimate', 0, NULL),"    /* 3333.33 bp */
            " (3, 2023, 3, 0, 'estimate', 0, NULL),"
            " (4, 2023, 2, 0, 'estimate', 0, 1)");
    const figure_total *t = one(f, FIG_SCOPE_CLUSTER, 1, 2021);
    assert_int_equal(t->export_share_bp, 1);
    assert_int_equal(t->verified_bp, 10000);
    assert_int_equal(t->missing, 2);
    /* the rounding of a change, on years each a third reported: let any
     * report count for a headline (a setting of 1 %) */
    assert_int_equal(figures_set_min_coverage(f->t.d, 100, 0), DB_OK);
    t = one(f, FIG_SCOPE_CLUSTER, 1, 2022);
    assert_true(t->has_prev);
    assert_int_equal(t->export_share_bp, 6667);
    assert_int_equal(t->exports_eur, 7); /* the sums keep every row */
    assert_int_equal(t->revenue_eur, 1003);
    assert_int_equal(t->verified_bp, 6667); /* 2 of 3 */
    /* 20000 -> 1003 cents is -94.985%: a half rounds away from zero. */
    assert_int_equal(t->revenue_change_bp, -9499);
    t = one(f, FIG_SCOPE_CLUSTER, 1, 2023);
    assert_int_equal(t->export_share_bp, 1250); /* 1 / 8 */
    assert_int_equal(t->verified_bp, 3333);     /* 1 of 3 */
}

/* --- import ------------------------------------------------------------------------------------
 */

static void import_world(fixture *f)
{
    exec(f, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, pib) VALUES"
            " (10, 'voict', 'VOICT', 'cluster', 'published', 0, 0, NULL),"
            " (20, 'acme', 'Acme', 'company', 'published', 0, 0, '101134702'),"
            " (21, 'beta', 'Beta', 'company', 'published', 0, 0, '113460262'),"
            " (22, 'gamma', 'Gamma', 'company', 'published', 0, 0, NULL);"
            "INSERT INTO cluster_member(cluster_id, org_id, joined_on, left_on) VALUES"
            " (10, 20, '2016-01-01', NULL), (10, 21, '2016-01-01', '2021-06-30')");
}

static void expect_problem(const figures_import_report *rep, size_t i, int64_t line,
                           const char *message)
{
    assert_true(i < rep->n_problems);
    if (rep->problems[i].line != line || strcmp(rep->problems[i].message, message) != 0)
        fprintf(stderr, "problem %zu: line %lld: %s\n", i, (long long)rep->problems[i].line,
                rep->problems[i].message);
    assert_int_equal(rep->problems[i].line, line);
    assert_string_equal(rep->problems[i].message, message);
}

/* --- precomputed totals against the reference ---------------------------------------- */

static void same_total(const figure_total *x, const figure_total *y, const char *what)
{
    if (strcmp(x->key, y->key) != 0 || strcmp(x->label, y->label) != 0 || x->year != y->year ||
        x->members != y->members || x->reported != y->reported || x->missing != y->missing ||
        x->verified != y->verified || x->verified_bp != y->verified_bp ||
        x->employees != y->employees || x->revenue_eur != y->revenue_eur ||
        x->exports_eur != y->exports_eur || x->rnd_eur != y->rnd_eur ||
        x->export_share_bp != y->export_share_bp || x->has_prev != y->has_prev ||
        x->prev_employees != y->prev_employees || x->prev_revenue_eur != y->prev_revenue_eur ||
        x->prev_exports_eur != y->prev_exports_eur ||
        x->employees_change_bp != y->employees_change_bp ||
        x->revenue_change_bp != y->revenue_change_bp ||
        x->exports_change_bp != y->exports_change_bp || x->any_demo != y->any_demo)
        fail_msg("%s: stored %s/%s %d members %lld reported %lld verified %lld revenue %lld"
                 " employees %lld demo %d; reference %s/%s members %lld reported %lld verified"
                 " %lld revenue %lld employees %lld demo %d",
                 what, x->key, x->label, x->year, (long long)x->members, (long long)x->reported,
                 (long long)x->verified, (long long)x->revenue_eur, (long long)x->employees,
                 x->any_demo, y->key, y->label, (long long)y->members, (long long)y->reported,
                 (long long)y->verified, (long long)y->revenue_eur, (long long)y->employees,
                 y->any_demo);
}

/* Every scope (SCAN, founders, each cluster) and grouping for 2015-2024:
 * figures_total (stored rows) equals figures_total_reference (the SQL of
 * before), row for row and field for field, and the trend agrees too. */
static void stored_equals_reference(fixture *f, const char *step)
{
    static const struct {
        figure_scope scope;
        int64_t cluster;
    } scopes[] = {{FIG_SCOPE_SCAN, 0},     {FIG_SCOPE_FOUNDERS, 0}, {FIG_SCOPE_CLUSTER, 10},
                  {FIG_SCOPE_CLUSTER, 11}, {FIG_SCOPE_CLUSTER, 12}, {FIG_SCOPE_CLUSTER, 14}};
    char what[160];
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
        for (int g = FIG_GROUP_NONE; g <= FIG_GROUP_DISTRICT_SECTOR; g++) {
            for (int y = 2015; y <= 2024; y++) {
                figure_query q = {scopes[i].scope, scopes[i].cluster, (figure_group)g, y};
                figure_total *a, *b;
                size_t na, nb;
                assert_int_equal(figures_total(f->t.d, &f->a, &q, &a, &na), DB_OK);
                assert_int_equal(figures_total_reference(f->t.d, &f->a, &q, &b, &nb), DB_OK);
                snprintf(what, sizeof what, "%s: scope %d cluster %lld group %d year %d", step,
                         scopes[i].scope, (long long)scopes[i].cluster, g, y);
                if (na != nb)
                    fail_msg("%s: %zu stored rows, %zu reference rows", what, na, nb);
                for (size_t k = 0; k < na; k++)
                    same_total(&a[k], &b[k], what);
            }
        }
        figure_total *t;
        size_t nt;
        assert_int_equal(
            figures_trend(f->t.d, &f->a, scopes[i].scope, scopes[i].cluster, 2015, 2024, &t, &nt),
            DB_OK);
        assert_int_equal(nt, 10);
        for (size_t k = 0; k < nt; k++) {
            figure_query q = {scopes[i].scope, scopes[i].cluster, FIG_GROUP_NONE, 2015 + (int)k};
            figure_total *b;
            size_t nb;
            assert_int_equal(figures_total_reference(f->t.d, &f->a, &q, &b, &nb), DB_OK);
            assert_int_equal(nb, 1);
            snprintf(what, sizeof what, "%s: trend scope %d cluster %lld year %d", step,
                     scopes[i].scope, (long long)scopes[i].cluster, 2015 + (int)k);
            same_total(&t[k], b, what);
        }
    }
}

/* Whether the SCAN ungrouped total of year is stored (not dropped). */
static bool stored(fixture *f, int year)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM figure_total_done WHERE year = %d AND scope = 0 AND grp = 0",
             year);
    return scalar(f, sql) == 1;
}

/* Saves organisation id through org_update with a new region and district
 * (when region is not NULL) or new sectors (when sectors is not NULL). */
static void edit_org(fixture *f, int64_t id, const char *region, const char *district,
                     const char **sectors, size_t n_sectors)
{
    org_rec r;
    bool found = false;
    assert_int_equal(org_get(f->t.d, &f->a, NULL, id, &r, &found), DB_OK);
    assert_true(found);
    if (region) {
        r.region = region;
        r.district = district;
    }
    if (sectors) {
        r.sectors = sectors;
        r.n_sectors = n_sectors;
    }
    form_errors e = {0};
    db_status st = org_update(f->t.d, &r, 1, NULL, &e);
    for (size_t i = 0; i < e.n_items; i++)
        fprintf(stderr, "org_update %lld: %s code %d\n", (long long)id, e.items[i].field,
                e.items[i].code);
    assert_int_equal(st, DB_OK);
}

static void test_stored_totals_follow_writes(void **state)
{
    fixture *f = *state;
    world(f);
    form_errors e = {0};
    stored_equals_reference(f, "filled");
    /* every set asked for is stored now: 2014-2024 (2014 as 2015's year
     * before), SCAN and founders by all six groupings (district x sector
     * since 0043), four clusters */
    assert_int_equal(scalar(f, "SELECT count(*) FROM figure_total_done"), 11 * (6 + 6 + 4));

    /* Figures writes are added in their transaction, nothing dropped:
     * gamma (in voict only) reports for 2021 for the first time. */
    assert_int_equal(figures_put(f->t.d, 22, 2021, "EUR", 4, 3000000, 1000000, 50000, "estimate",
                                 false, 1, NULL, &e),
                     DB_OK);
    assert_true(stored(f, 2021));
    stored_equals_reference(f, "gamma 2021 created");
    /* acme (two clusters) corrects 2021: its verification goes too */
    assert_int_equal(figures_put(f->t.d, 20, 2021, "EUR", 101, 99000000, -1, -1,
                                 "business_register", true, 1, NULL, &e),
                     DB_OK);
    assert_true(stored(f, 2021));
    stored_equals_reference(f, "acme 2021 replaced");
    assert_int_equal(
        figures_verify(f->t.d,
                       scalar(f, "SELECT id FROM org_figure WHERE org_id = 22 AND year = 2021"),
                       true, 2, NULL),
        DB_OK);
    stored_equals_reference(f, "gamma 2021 verified");
    /* a member that left mid-2021 (beta) and one never counted (delta in
     * the applicant cluster) */
    assert_int_equal(figures_put(f->t.d, 21, 2022, "EUR", 14, 26000000, 1000000, -1,
                                 "self_reported", false, 1, NULL, &e),
                     DB_OK);
    assert_int_equal(
        figures_put(f->t.d, 23, 2022, "EUR", 6, 2000000, -1, -1, "estimate", false, 1, NULL, &e),
        DB_OK);
    stored_equals_reference(f, "beta and delta 2022");
    /* RSD rows follow a corrected rate */
    assert_int_equal(figures_put(f->t.d, 25, 2022, "RSD", 8, 117459300, 58729650, -1, "estimate",
                                 false, 1, NULL, &e),
                     DB_OK);
    assert_int_equal(figures_set_rate(f->t.d, 2022, 1000000, "NBS", 2), DB_OK);
    stored_equals_reference(f, "rate 2022 corrected");
    /* a row deleted (the demo one) */
    exec(f, "DELETE FROM org_figure WHERE org_id = 24 AND year = 2022");
    assert_true(stored(f, 2022));
    stored_equals_reference(f, "eps 2022 deleted");

    /* Memberships: the years whose overlap changes are dropped and come
     * back equal; the others stay stored. eps joins voict from 2022 (a
     * member in two clusters); beta's membership is ended earlier. */
    exec(f, "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (10, 24, "
            "'2022-03-01')");
    assert_true(stored(f, 2021));
    assert_false(stored(f, 2022));
    stored_equals_reference(f, "eps joins voict");
    exec(f, "UPDATE cluster_member SET left_on = '2020-12-31' WHERE org_id = 21");
    assert_true(stored(f, 2020));
    assert_false(stored(f, 2021));
    stored_equals_reference(f, "beta left earlier");
    exec(f, "UPDATE cluster_member SET left_on = '2023-05-01' WHERE org_id = 22");
    stored_equals_reference(f, "gamma left");
    exec(f, "DELETE FROM cluster_member WHERE org_id = 25");
    stored_equals_reference(f, "phi's membership deleted");

    /* SCAN status, region, district and sector of a member */
    exec(f, "INSERT INTO scan_membership(org_id, status, since, created_at) VALUES"
            " (11, 'suspended', '2022-06-01', 0)");
    assert_true(stored(f, 2021));
    stored_equals_reference(f, "nicat suspended");
    /* the directory's writer (org_update) drops what a member's new
     * region, district or sectors make stale */
    edit_org(f, 24, "BG", "BEOGRAD", NULL, 0);
    stored_equals_reference(f, "eps moved");
    const char *c[] = {"C"};
    edit_org(f, 22, NULL, NULL, c, 1);
    edit_org(f, 20, NULL, NULL, c, 0);
    stored_equals_reference(f, "sectors changed");
    exec(f, "UPDATE org SET name = 'Vojvodina ICT', slug = 'vict' WHERE id = 10");
    stored_equals_reference(f, "cluster renamed");
    exec(f, "UPDATE org_figure SET is_demo = 1 WHERE org_id = 20 AND year = 2020");
    stored_equals_reference(f, "demo flag");
    exec(f, "DELETE FROM cluster_member WHERE org_id = 22; DELETE FROM org WHERE id = 22");
    stored_equals_reference(f, "gamma deleted");
}

/* The district x sector grouping (0043: the map's location quotients) of
 * SCAN and the founders, 2018-2024: stored equals reference. */
static void district_sector_equals_reference(fixture *f, const char *step)
{
    char what[160];
    for (int sc = FIG_SCOPE_SCAN; sc <= FIG_SCOPE_FOUNDERS; sc++)
        for (int y = 2018; y <= 2024; y++) {
            figure_query q = {(figure_scope)sc, 0, FIG_GROUP_DISTRICT_SECTOR, y};
            figure_total *a, *b;
            size_t na, nb;
            assert_int_equal(figures_total(f->t.d, &f->a, &q, &a, &na), DB_OK);
            assert_int_equal(figures_total_reference(f->t.d, &f->a, &q, &b, &nb), DB_OK);
            snprintf(what, sizeof what, "%s: scope %d year %d", step, sc, y);
            if (na != nb)
                fail_msg("%s: %zu stored rows, %zu reference rows", what, na, nb);
            for (size_t k = 0; k < na; k++)
                same_total(&a[k], &b[k], what);
        }
}

/* xorshift64: the same sequence on every run (a failure replays). */
static uint64_t rnd_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Random figures writes (insert, change, delete, move to another member
 * or year), membership and SCAN status changes and members' district and
 * sector edits through the directory's writer: after each, the stored
 * district x sector sums equal the fresh grouping, and they stay stored
 * across figures writes (the map's first render after one reads them). */
static void test_district_sector_random_writes(void **state)
{
    fixture *f = *state;
    world(f);
    district_sector_equals_reference(f, "filled");
    /* 2017-2024 (2017 as 2018's year before), SCAN and founders */
    assert_int_equal(scalar(f, "SELECT count(*) FROM figure_total_done WHERE grp = 5"), 2 * 8);
    static const char *const places[][2] = {
        {"VO", "JUZNOBACKI"}, {"BG", "BEOGRAD"}, {"JI", "NISAVSKI"}};
    static const char *const secs[] = {"C", "J", "62", "25", "A"};
    static const int64_t members[] = {20, 21, 22, 23, 24, 25};
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char sql[600], step[64];
    for (int i = 0; i < 120; i++) {
        int64_t org = members[rnd_next(&x) % 6], org2 = members[rnd_next(&x) % 6];
        int year = 2019 + (int)(rnd_next(&x) % 5), emp = (int)(rnd_next(&x) % 300);
        unsigned op = (unsigned)(rnd_next(&x) % 10);
        int64_t done_before = scalar(f, "SELECT count(*) FROM figure_total_done WHERE grp = 5");
        switch (op) {
        case 0:
        case 1: /* a row written anew */
            snprintf(sql, sizeof sql,
                     "DELETE FROM org_figure WHERE org_id = %lld AND year = %d;"
                     "INSERT INTO org_figure(org_id, year, employees, revenue_eur, exports_eur,"
                     " source, entered_at, verified_at, is_demo) VALUES (%lld, %d, %d, %d, %s,"
                     " 'estimate', 0, %s, %d)",
                     (long long)org, year, (long long)org, year, emp, emp * 1000,
                     emp % 3 ? "1000" : "NULL", emp % 2 ? "5" : "NULL", emp % 5 == 0);
            break;
        case 2: /* values changed */
            snprintf(sql, sizeof sql,
                     "UPDATE org_figure SET employees = %d, exports_eur = %s, is_demo = %d"
                     " WHERE org_id = %lld AND year = %d",
                     emp, emp % 2 ? "NULL" : "7", emp % 4 == 0, (long long)org, year);
            break;
        case 3: /* deleted */
            snprintf(sql, sizeof sql, "DELETE FROM org_figure WHERE org_id = %lld AND year = %d",
                     (long long)org, year);
            break;
        case 4: /* moved to another member, or another year */
            snprintf(
                sql, sizeof sql,
                "UPDATE org_figure SET org_id = %lld, year = %d WHERE org_id = %lld AND year = %d"
                " AND NOT EXISTS (SELECT 1 FROM org_figure g WHERE g.org_id = %lld"
                " AND g.year = %d)",
                (long long)org2, emp % 2 ? year : 2019 + emp % 5, (long long)org, year,
                (long long)org2, emp % 2 ? year : 2019 + emp % 5);
            break;
        case 5: /* a membership added or ended */
            if (emp % 2)
                snprintf(sql, sizeof sql,
                         "INSERT INTO cluster_member(cluster_id, org_id, joined_on) SELECT %d,"
                         " %lld, '%d-03-01' WHERE NOT EXISTS (SELECT 1 FROM cluster_member"
                         " WHERE cluster_id = %d AND org_id = %lld)",
                         emp % 3 ? 10 : 11, (long long)org, year, emp % 3 ? 10 : 11,
                         (long long)org);
            else
                snprintf(sql, sizeof sql,
                         "UPDATE cluster_member SET left_on = '%d-06-30' WHERE org_id = %lld", year,
                         (long long)org);
            break;
        case 6: /* a SCAN status */
            snprintf(sql, sizeof sql,
                     "INSERT INTO scan_membership(org_id, status, since, created_at) VALUES"
                     " (%d, '%s', '%d-0%d-01', 0)",
                     emp % 2 ? 10 : 11, emp % 3 ? "member" : "suspended", year, 1 + emp % 9);
            break;
        case 7:
        case 8: { /* a member moves (the directory's writer) */
            const char *const *pl = places[emp % 3];
            edit_org(f, org, pl[0], pl[1], NULL, 0);
            sql[0] = '\0';
            break;
        }
        default: { /* a member's sectors change */
            const char *c[2] = {secs[emp % 5], secs[(emp / 5) % 5]};
            edit_org(f, org, NULL, NULL, c, 1 + (emp % 2 && strcmp(c[0], c[1]) != 0));
            sql[0] = '\0';
            break;
        }
        }
        if (sql[0])
            exec(f, sql);
        if (op <= 4) /* figures writes keep the sets stored (the triggers) */
            assert_int_equal(scalar(f, "SELECT count(*) FROM figure_total_done WHERE grp = 5"),
                             done_before);
        snprintf(step, sizeof step, "random write %d (op %u)", i, op);
        district_sector_equals_reference(f, step);
    }
}

static void test_import_all_or_nothing(void **state)
{
    fixture *f = *state;
    import_world(f);
    char unknown[10], csv[2048];
    make_pib(unknown, "10000000");
    int future = this_year() + 1;
    snprintf(csv, sizeof csv,
             "pib,slug,year,employees,revenue,exports,rnd,currency,source\n" /* 1 */
             "101134702,,2024,42,1234567.89,987654.32,,EUR,self_reported\n"  /* 2 ok */
             ",beta,2023,10,\"1000,50\",0,,EUR,estimate\n"                   /* 3 ok */
             "101134703,,2023,1,1,0,,EUR,estimate\n"                         /* 4 */
             "%s,,2023,1,1,0,,EUR,estimate\n"                                /* 5 */
             ",gamma,2023,5,100.00,200.00,,EUR,estimate\n"                   /* 6 */
             ",gamma,%d,5,1,0,,EUR,estimate\n"                               /* 7 */
             ",acme,2024,1,2,1,,EUR,estimate\n"                              /* 8 */
             ",gamma,2022,x,1.234,,,EUR,estimate\n"                          /* 9 */
             ",gamma,2010,1,100,,,RSD,estimate\n"                            /* 10 */
             ",gamma,2021,1,100,,,USD,estimate\n"                            /* 11 */
             ",gamma,2020,1,,,,EUR,guess\n"                                  /* 12 */
             ",nobody,2021,1,-5,,,EUR,estimate\n"                            /* 13 */
             "101134702,beta,2021,1,5,,,EUR,estimate\n"                      /* 14 */
             ",gamma,2020,1,5\n",                                            /* 15 */
             unknown, future);
    int64_t audits = scalar(f, "SELECT count(*) FROM audit"), v = fig_version(f);
    figures_import_report rep;
    assert_int_equal(figures_import(f->t.d, &f->a, csv, strlen(csv), 0, false, 1, "10.0.0.9", NULL,
                                    LANG_EN, &rep),
                     DB_CONSTRAINT);
    char msg[128];
    size_t i = 0;
    expect_problem(&rep, i++, 4, "bad PIB 101134703");
    snprintf(msg, sizeof msg, "unknown organisation (PIB %s)", unknown);
    expect_problem(&rep, i++, 5, msg);
    expect_problem(&rep, i++, 6, "exports above revenue");
    snprintf(msg, sizeof msg, "year %d is in the future", future);
    expect_problem(&rep, i++, 7, msg);
    expect_problem(&rep, i++, 8, "acme 2024 is also on line 2 of this file");
    expect_problem(&rep, i++, 9, "employees: not a whole number (x)");
    /* "1.234" is ambiguous by the forms' rule (core/num.h), said as they say it */
    expect_problem(&rep, i++, 9,
                   "revenue: Read as 1234 or as 1.234? A point or comma followed by three digits "
                   "can mean either; write 1234 for the whole number, without a thousands "
                   "separator.");
    expect_problem(&rep, i++, 10, "no RSD exchange rate for 2010: give the amounts in EUR");
    expect_problem(&rep, i++, 11, "currency must be EUR or RSD");
    expect_problem(&rep, i++, 12, "source must be self_reported, business_register or estimate");
    expect_problem(&rep, i++, 13, "unknown organisation (slug nobody)");
    expect_problem(&rep, i++, 13, "revenue is negative");
    expect_problem(&rep, i++, 14, "PIB 101134702 and slug beta name different organisations");
    expect_problem(&rep, i++, 15, "expected 9 fields as in the header, found 5");
    assert_int_equal(rep.n_problems, i);
    buf_free(&rep.preview);

    /* Nothing changed: no rows, no audit, the same version. */
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(fig_version(f), v);

    /* Header problems stop before any row. */
    const char *bad_header = "pib,year,employees,revenue,exports,rnd,currency,colour\n";
    assert_int_equal(figures_import(f->t.d, &f->a, bad_header, strlen(bad_header), 0, false, 1,
                                    NULL, NULL, LANG_EN, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 2);
    expect_problem(&rep, 0, 1, "unknown column \"colour\" in the header");
    expect_problem(&rep, 1, 1, "the header lacks the column \"source\"");
    buf_free(&rep.preview);
    /* The same problems in Serbian (Cyrillic) come from the catalog. */
    assert_int_equal(figures_import(f->t.d, &f->a, bad_header, strlen(bad_header), 0, false, 1,
                                    NULL, NULL, LANG_SR_CYRL, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 2);
    assert_non_null(strstr(rep.problems[0].message, "colour"));
    assert_non_null(strstr(rep.problems[0].message, "непозната колона"));
    bool cyrillic = false;
    for (const unsigned char *c = (const unsigned char *)rep.problems[0].message; *c; c++)
        cyrillic |= (*c == 0xD0 || *c == 0xD1) && c[1] >= 0x80 && c[1] <= 0xBF;
    assert_true(cyrillic);
    buf_free(&rep.preview);
    assert_int_equal(figures_import(f->t.d, &f->a, "", 0, 0, false, 1, NULL, NULL, LANG_EN, &rep),
                     DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 1);
    buf_free(&rep.preview);
}

static void test_import_dry_run_and_write(void **state)
{
    fixture *f = *state;
    import_world(f);
    /* BOM, CRLF, comma decimals, one decimal, RSD, a guarded cell, case. */
    const char *csv = "\xEF\xBB\xBFPIB,Slug,Year,Employees,Revenue,Exports,RnD,Currency,Source\r\n"
                      "101134702,,2024,42,1234567.89,\"987654,3\",,eur,self_reported\r\n"
                      ",beta,2023,10,1000,0,,EUR,estimate\r\n"
                      "\r\n"
                      ",beta,2022,10,\"1174593,00\",,,RSD,business_register\r\n";
    figures_import_report rep;
    int64_t v = fig_version(f);
    assert_int_equal(
        figures_import(f->t.d, &f->a, csv, strlen(csv), 0, true, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    assert_int_equal(rep.n_problems, 0);
    assert_int_equal(rep.created, 3);
    assert_string_equal(buf_str(&rep.preview),
                        "create 2024 acme\ncreate 2023 beta\ncreate 2022 beta\n");
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure"), 0); /* dry run */
    assert_int_equal(fig_version(f), v);

    assert_int_equal(
        figures_import(f->t.d, &f->a, csv, strlen(csv), 0, false, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    assert_int_equal(rep.created, 3);
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT revenue_eur FROM org_figure WHERE org_id = 20"), 123456789);
    assert_int_equal(scalar(f, "SELECT exports_eur FROM org_figure WHERE org_id = 20"), 98765430);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure WHERE org_id = 20"
                               " AND rnd_eur IS NULL AND employees = 42"),
                     1);
    assert_int_equal(scalar(f, "SELECT revenue_eur FROM org_figure WHERE org_id = 21"
                               " AND year = 2022"),
                     1000000);
    assert_int_equal(scalar(f, "SELECT revenue_rsd FROM org_figure WHERE org_id = 21"
                               " AND year = 2022"),
                     117459300);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'figure_create'"), 3);
    assert_true(fig_version(f) > v);

    /* Again, changed: an update listing its fields, the rest unchanged. */
    const char *csv2 = "slug,year,employees,revenue,exports,rnd,currency,source\n"
                       "acme,2024,42,1300000,900000,,EUR,self_reported\n"
                       "beta,2023,10,1000.00,0,,EUR,estimate\n"
                       "beta,2022,10,1174593,,,RSD,business_register\n";
    assert_int_equal(
        figures_import(f->t.d, &f->a, csv2, strlen(csv2), 0, false, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    assert_int_equal(rep.created, 0);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(rep.unchanged, 2);
    assert_string_equal(buf_str(&rep.preview), "update 2024 acme: revenue, exports\n");
    buf_free(&rep.preview);

    /* The template imports as it is once its PIB exists. */
    const char *tpl = figures_csv_template();
    const char *hdr = "pib,slug,year,employees,revenue,exports,rnd,currency,source\r\n";
    assert_true(strncmp(tpl, hdr, strlen(hdr)) == 0);
    assert_int_equal(
        figures_import(f->t.d, &f->a, tpl, strlen(tpl), 0, true, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    assert_int_equal(rep.updated, 1);
    assert_string_equal(buf_str(&rep.preview), "update 2024 acme: revenue, exports, rnd\n");
    buf_free(&rep.preview);
}

/* Excel's Serbian CSV (Windows-1250, semicolons, decimal commas, a name
 * column): read, and the report holds each changed value with the old
 * and the new one for the preview table; a row without figures is
 * skipped; the cluster's template lists its current members with their
 * stored figures. */
static void test_import_preview_values(void **state)
{
    fixture *f = *state;
    import_world(f);
    exec(f, "INSERT INTO org_figure(org_id, year, employees, revenue_eur, source, is_demo,"
            " entered_at) VALUES (20, 2023, 40, 100000, 'estimate', 1, 0)");
    const char csv[] = "slug;name;year;employees;revenue;exports;rnd;currency;source\r\n"
                       "acme;Acme Ni\x9A;2023;42;1000,50;;;EUR;estimate\r\n"
                       "beta;\xE8;2020;;;;;EUR;estimate\r\n"
                       "beta;Beta;2020;7;;;;EUR;self_reported\r\n";
    figures_import_report rep;
    assert_int_equal(
        figures_import(f->t.d, &f->a, csv, sizeof csv - 1, 0, true, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    assert_string_equal(rep.detected,
                        "Read as CSV text in Windows-1250, separated by semicolons (;).");
    assert_int_equal(rep.created, 1);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(rep.skipped, 1);
    /* acme 2023: employees 40 -> 42, revenue 1000.00 -> 1000.50, demo -> reported;
       beta 2020 created with its employees */
    assert_int_equal(rep.n_changes, 4);
    const figures_import_change *c = rep.changes;
    assert_string_equal(c[0].org_slug, "acme");
    assert_string_equal(c[0].org_name, "Acme");
    assert_int_equal(c[0].year, 2023);
    assert_false(c[0].created);
    assert_int_equal(c[0].field, FIGF_EMPLOYEES);
    assert_int_equal(c[0].old_num, 40);
    assert_int_equal(c[0].new_num, 42);
    assert_int_equal(c[1].field, FIGF_REVENUE);
    assert_int_equal(c[1].old_num, 100000);
    assert_int_equal(c[1].new_num, 100050);
    assert_string_equal(c[1].old_cur, "EUR");
    assert_int_equal(c[2].field, FIGF_DEMO);
    assert_true(c[3].created);
    assert_string_equal(c[3].org_slug, "beta");
    assert_int_equal(c[3].field, FIGF_EMPLOYEES);
    assert_int_equal(c[3].new_num, 7);
    /* the records again as UTF-8 CSV with commas, for the confirmation */
    assert_non_null(rep.normalized);
    assert_non_null(strstr(rep.normalized, "acme,Acme Niš,2023,42,\"1000,50\",,,EUR,estimate\r\n"));
    buf_free(&rep.preview);

    /* The template: acme (a current member) with its 2023 figures; beta
     * left in 2021 and is not listed. */
    figures_template_row *rows;
    size_t n;
    assert_int_equal(figures_template(f->t.d, &f->a, 10, 2023, NULL, &rows, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].slug, "acme");
    assert_string_equal(rows[0].pib, "101134702");
    assert_true(rows[0].has);
    assert_int_equal(rows[0].employees, 40);
    assert_int_equal(rows[0].revenue, 100000);
    assert_int_equal(rows[0].exports, -1);
    assert_string_equal(rows[0].source, "estimate");
    assert_int_equal(figures_template(f->t.d, &f->a, 10, 2019, NULL, &rows, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_false(rows[0].has);
}

/* A manager imports only for the cluster's current members. */
static void test_import_manager_scope(void **state)
{
    fixture *f = *state;
    import_world(f);
    const char *csv = "slug,year,employees,revenue,exports,rnd,currency,source\n"
                      "acme,2023,5,100,50,,EUR,self_reported\n"
                      "beta,2023,5,100,50,,EUR,self_reported\n"   /* left in 2021 */
                      "gamma,2023,5,100,50,,EUR,self_reported\n"; /* never a member */
    figures_import_report rep;
    assert_int_equal(
        figures_import(f->t.d, &f->a, csv, strlen(csv), 10, false, 1, NULL, NULL, LANG_EN, &rep),
        DB_CONSTRAINT);
    assert_int_equal(rep.n_problems, 2);
    expect_problem(&rep, 0, 3, "beta is not a current member of this cluster");
    expect_problem(&rep, 1, 4, "gamma is not a current member of this cluster");
    buf_free(&rep.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure"), 0);

    /* The same file without the others passes; the secretariat (0) may
     * import all three. */
    const char *mine = "slug,year,employees,revenue,exports,rnd,currency,source\n"
                       "acme,2023,5,100,50,,EUR,self_reported\n";
    assert_int_equal(
        figures_import(f->t.d, &f->a, mine, strlen(mine), 10, false, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    buf_free(&rep.preview);
    assert_int_equal(
        figures_import(f->t.d, &f->a, csv, strlen(csv), 0, false, 1, NULL, NULL, LANG_EN, &rep),
        DB_OK);
    assert_int_equal(rep.created, 2);
    assert_int_equal(rep.unchanged, 1);
    buf_free(&rep.preview);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsd_to_eur),
        cmocka_unit_test_setup_teardown(test_put_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_rsd_replace_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules_by_cluster, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_sector_region, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trend_years_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basis_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_totals_follow_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_district_sector_random_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_dry_run_and_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_preview_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_manager_scope, setup, teardown),
    };
    return cmocka_run_group_tests_name("figures", tests, NULL, NULL);
}
