/* test_post_stats.c: the cooperation board's statistics (model/post_stats.c)
 * on hand-made posts and introductions whose answers are worked out in the
 * comments: months in Europe/Belgrade (a post at 23:30 UTC on the last day
 * of a month belongs to the next month in Belgrade, in winter and in
 * summer time), hidden posts left out, a cross-cluster, a same-cluster
 * (directly, through a cluster's own manager, and after a membership
 * ended) and an organisation-less introduction, nearest-rank percentiles
 * of the waiting time, closings and expiry, and the period's validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "model/post_stats.h"

#include "testdb.h"

#define NOON_15_JUNE_2026 1781517600 /* 2026-06-15 10:00 UTC */

/* Clusters K1 (10), K2 (11); A (20) and D (23) members of K1, B (21) of
 * K2, C (22) of none, E (24) was in K1 until 2026-01-20. People: 1 rep of
 * A, 2 rep of B, 3 rep of D, 4 no organisation, 5 manager of K2, 6 rep of
 * E.
 *
 * Posts (UTC -> Belgrade month):
 *   1 A offer technology NACE 26 (C)  2026-02-28 23:30 -> March
 *   2 B request supply_chain 62 (J)   2026-03-31 22:30 -> April
 *   3 C offer technology 26 (C)       2026-03-10 10:00 -> March
 *   4 D request export, HIDDEN        2026-04-05 10:00 -> (not counted)
 *   5 A request training 62, 10 (C)   2026-01-15 10:00 -> January; closed
 *     found_partner 2026-05-31 22:30 -> June
 *   6 B offer other, no NACE          2025-12-31 23:30 -> January; closed
 *     no_longer_needed 2026-02-10 -> February
 *   7 C offer technology, no NACE     2026-01-20 10:00 -> January; open,
 *     valid until 2026-05-20: expired in May
 *   8 D offer technology              2025-12-31 22:30 -> December 2025
 *     (23:30 CET: before the period)
 *   9 A offer technology              2026-04-06 10:00 -> April; valid
 *     until today: not expired
 * Introductions:
 *   1 on 1 by 2 (B/K2 -> A/K1): cross   2026-03-31 22:30 -> April, accepted
 *   2 on 1 by 3 (D/K1 -> A/K1): same    2026-04-02 10:00 -> April, pending
 *   3 on 3 by 4 (no organisation)       2026-03-12 10:00 -> March, declined
 *   4 on 2 by 1 (A/K1 -> B/K2): cross   2026-04-03 10:00 -> April, accepted
 *   5 on 4 (hidden post)                2026-04-06 10:00 -> not counted
 *   6 on 5 by 6 (E left K1): cross      2026-02-01 10:00 -> February, accepted
 *   7 on 6 by 5 (K2's manager -> B/K2): same 2026-01-10 -> January, pending */
static const char SEED[] =
    "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
    " (1, 'P1', 'p1@example.com', 0, 0), (2, 'P2', 'p2@example.com', 0, 0),"
    " (3, 'P3', 'p3@example.com', 0, 0), (4, 'P4', 'p4@example.com', 0, 0),"
    " (5, 'P5', 'p5@example.com', 0, 0), (6, 'P6', 'p6@example.com', 0, 0);"
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES"
    " (10, 'k1', 'K1', 'cluster', 'published', 0, 0, 'k1'),"
    " (11, 'k2', 'K2', 'cluster', 'published', 0, 0, 'k2'),"
    " (20, 'a', 'A', 'company', 'published', 0, 0, 'a'),"
    " (21, 'b', 'B', 'company', 'published', 0, 0, 'b'),"
    " (22, 'c', 'C', 'company', 'published', 0, 0, 'c'),"
    " (23, 'd', 'D', 'company', 'published', 0, 0, 'd'),"
    " (24, 'e', 'E', 'company', 'published', 0, 0, 'e');"
    "INSERT INTO cluster_member(cluster_id, org_id, joined_on, left_on) VALUES"
    " (10, 20, '2020-01-01', NULL), (10, 23, '2020-01-01', NULL), (11, 21, '2020-01-01', NULL),"
    " (10, 24, '2020-01-01', '2026-01-20');"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
    " (1, 20, 'representative', 0), (2, 21, 'representative', 0),"
    " (3, 23, 'representative', 0), (5, 11, 'manager', 0), (6, 24, 'representative', 0);"
    "INSERT INTO post(id, org_id, kind, topic, lang, title, body, status, close_reason,"
    "                 hidden_reason, valid_until, published_at, closed_at, created_at, updated_at)"
    " VALUES"
    " (1, 20, 'offer', 'technology', 'en', 't', 'b', 'open', NULL, NULL, '2026-12-31',"
    "  1772321400, NULL, 0, 0),"
    " (2, 21, 'request', 'supply_chain', 'en', 't', 'b', 'open', NULL, NULL, '2026-12-31',"
    "  1774996200, NULL, 0, 0),"
    " (3, 22, 'offer', 'technology', 'en', 't', 'b', 'open', NULL, NULL, '2026-12-31',"
    "  1773136800, NULL, 0, 0),"
    " (4, 23, 'request', 'export', 'en', 't', 'b', 'hidden', NULL, 'spam', '2026-12-31',"
    "  1775383200, NULL, 0, 0),"
    " (5, 20, 'request', 'training', 'en', 't', 'b', 'closed', 'found_partner', NULL,"
    "  '2026-12-31', 1768471200, 1780266600, 0, 0),"
    " (6, 21, 'offer', 'other', 'en', 't', 'b', 'closed', 'no_longer_needed', NULL, '2026-12-31',"
    "  1767223800, 1770717600, 0, 0),"
    " (7, 22, 'offer', 'technology', 'en', 't', 'b', 'open', NULL, NULL, '2026-05-20',"
    "  1768903200, NULL, 0, 0),"
    " (8, 23, 'offer', 'technology', 'en', 't', 'b', 'open', NULL, NULL, '2026-12-31',"
    "  1767220200, NULL, 0, 0),"
    " (9, 20, 'offer', 'technology', 'en', 't', 'b', 'open', NULL, NULL, '2026-06-15',"
    "  1775469600, NULL, 0, 0);"
    "INSERT INTO post_nace(post_id, code) VALUES (1, '26'), (2, '62'), (3, '26'), (4, '62'),"
    " (5, '62'), (5, '10');"
    "INSERT INTO post_interest(id, post_id, person_id, status, created_at, updated_at) VALUES"
    " (1, 1, 2, 'accepted', 1774996200, 0), (2, 1, 3, 'pending', 1775124000, 0),"
    " (3, 3, 4, 'declined', 1773309600, 0), (4, 2, 1, 'accepted', 1775210400, 0),"
    " (5, 4, 1, 'pending', 1775469600, 0), (6, 5, 6, 'accepted', 1769940000, 0),"
    " (7, 6, 5, 'pending', 1768039200, 0)";

typedef struct fixture {
    testdb t;
    arena a;
    post_stats_period p;
} fixture;

static int setup(void **state)
{
    time_setup_zone();
    time_set_now(NOON_15_JUNE_2026);
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open_seeded(&f->t, SEED) != 0) {
        free(f);
        return -1;
    }
    form_errors fe = {0};
    if (!post_stats_period_parse(&f->a, "2026-01", "2026-06", &f->p, &fe)) {
        testdb_close(&f->t);
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

/* Checks row m of g against the n expected values. */
static void row_is(const post_stats_grid *g, size_t m, size_t n, const int64_t *want)
{
    assert_int_equal(g->n_cols, n);
    for (size_t c = 0; c < n; c++) {
        if (POST_STATS_AT(g, m, c) != want[c])
            fprintf(stderr, "month %zu column %s: %lld, want %lld\n", m, g->cols[c],
                    (long long)POST_STATS_AT(g, m, c), (long long)want[c]);
        assert_int_equal(POST_STATS_AT(g, m, c), want[c]);
    }
}
#define ROW(g, m, ...)                                                                             \
    row_is(g, m, sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), (int64_t[]){__VA_ARGS__})

enum { JAN, FEB, MAR, APR, MAY, JUN };

static void test_period(void **state)
{
    fixture *f = *state;
    post_stats_period p;
    form_errors fe = {0};
    /* the default: the twelve months up to this one */
    assert_true(post_stats_period_parse(&f->a, NULL, "", &p, &fe));
    assert_string_equal(p.from, "2025-07");
    assert_string_equal(p.to, "2026-06");
    assert_int_equal(p.n_months, 12);
    assert_string_equal(p.months[6], "2026-01");
    assert_int_equal(p.t0, 1751320800); /* 2025-07-01 00:00 CEST */
    /* from alone runs to this month */
    assert_true(post_stats_period_parse(&f->a, "2026-03", NULL, &p, &fe));
    assert_string_equal(p.to, "2026-06");
    assert_int_equal(p.n_months, 4);
    /* the fixture's period: Belgrade months in UTC, winter and summer */
    assert_int_equal(f->p.t0, 1767222000); /* 2026-01-01 00:00 CET = 2025-12-31 23:00 UTC */
    assert_int_equal(f->p.t1, 1782856800); /* 2026-07-01 00:00 CEST = 2026-06-30 22:00 UTC */

    static const struct {
        const char *from, *to, *field;
        form_error_code code;
    } bad[] = {
        {"2026-13", "2026-06", "from", FE_INVALID},  {"2026-5", "2026-06", "from", FE_INVALID},
        {"2026-01", "june", "to", FE_INVALID},       {"1999-12", "2000-01", "from", FE_INVALID},
        {"2026-05", "2026-01", "to", FE_DATE_ORDER}, {"2000-01", "2026-06", "from", FE_RANGE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        form_errors e = {0};
        assert_false(post_stats_period_parse(&f->a, bad[i].from, bad[i].to, &p, &e));
        assert_true(e.n_items >= 1);
        assert_string_equal(e.items[0].field, bad[i].field);
        assert_int_equal(e.items[0].code, bad[i].code);
        buf t = BUF_INIT;
        post_stats_error_text(&t, LANG_EN, &e.items[0]);
        assert_true(t.len > 10); /* a sentence, not a code */
        buf_free(&t);
    }
    /* ten years is the most */
    assert_true(post_stats_period_parse(&f->a, "2016-07", "2026-06", &p, &fe));
    assert_int_equal(p.n_months, POST_STATS_MAX_MONTHS);
}

static void test_kinds_topics(void **state)
{
    fixture *f = *state;
    post_stats_grid g;
    assert_int_equal(post_stats_kinds(f->t.d, &f->a, &f->p, &g), DB_OK);
    assert_int_equal(g.n_months, 6);
    ROW(&g, JAN, 2, 1); /* 6 (23:30 UTC on 31 December is January here) and 7; 5 */
    ROW(&g, FEB, 0, 0); /* 1 was published on 28 February UTC, 1 March here */
    ROW(&g, MAR, 2, 0); /* 1, 3 */
    ROW(&g, APR, 1, 1); /* 2 (31 March UTC, summer time) and 9; 4 is hidden */
    ROW(&g, MAY, 0, 0);
    assert_int_equal(post_stats_topics(f->t.d, &f->a, &f->p, &g), DB_OK);
    /* technology, supply_chain, project_partner, tender, export, training, other */
    ROW(&g, JAN, 1, 0, 0, 0, 0, 1, 1);
    ROW(&g, MAR, 2, 0, 0, 0, 0, 0, 0);
    ROW(&g, APR, 1, 1, 0, 0, 0, 0, 0); /* no export: 4 is hidden */
}

static void test_sectors(void **state)
{
    fixture *f = *state;
    post_stats_grid g;
    assert_int_equal(post_stats_sectors(f->t.d, &f->a, &f->p, 6, &g), DB_OK);
    assert_int_equal(g.n_cols, 4);
    assert_string_equal(g.cols[0], "C"); /* 1, 3, 5 (lowest division 10) */
    assert_string_equal(g.cols[1], "J"); /* 2 */
    assert_string_equal(g.cols[2], "other");
    assert_string_equal(g.cols[3], "none");
    ROW(&g, JAN, 1, 0, 0, 2); /* 5; 6 and 7 have no NACE code */
    ROW(&g, MAR, 2, 0, 0, 0);
    ROW(&g, APR, 0, 1, 0, 1); /* 2; 9 */
    /* only the largest named: J goes into "other" */
    assert_int_equal(post_stats_sectors(f->t.d, &f->a, &f->p, 1, &g), DB_OK);
    assert_int_equal(g.n_cols, 3);
    assert_string_equal(g.cols[0], "C");
    ROW(&g, APR, 0, 1, 1);
}

static void test_intros_and_cross(void **state)
{
    fixture *f = *state;
    post_stats_grid g;
    assert_int_equal(post_stats_intros(f->t.d, &f->a, &f->p, &g), DB_OK);
    /* made, accepted, declined, pending */
    ROW(&g, JAN, 1, 0, 0, 1);
    ROW(&g, FEB, 1, 1, 0, 0);
    ROW(&g, MAR, 1, 0, 1, 0);
    ROW(&g, APR, 3, 2, 0, 1); /* 1 (31 March 22:30 UTC), 2, 4; 5 is on a hidden post */
    ROW(&g, MAY, 0, 0, 0, 0);
    assert_int_equal(post_stats_cross(f->t.d, &f->a, &f->p, &g), DB_OK);
    /* introductions, cross, same, unknown */
    ROW(&g, JAN, 1, 0, 1, 0); /* K2's manager and B, a member of K2 */
    ROW(&g, FEB, 1, 1, 0, 0); /* E had left K1 before it asked A */
    ROW(&g, MAR, 1, 0, 0, 1); /* a person without an organisation */
    ROW(&g, APR, 3, 2, 1, 0); /* B->A and A->B cross; D->A within K1 */
}

static void test_first_interest(void **state)
{
    fixture *f = *state;
    post_stats_grid g;
    assert_int_equal(post_stats_first_interest(f->t.d, &f->a, &f->p, &g), DB_OK);
    /* posts, with, without, median, p90 (seconds) */
    /* January: 6 waited 9 d 10.5 h, 5 waited 17 d, 7 none: the median is
     * the 1st of 2 (nearest rank), the 90th percentile the 2nd */
    ROW(&g, JAN, 3, 2, 1, 9 * 86400 + 37800, 17 * 86400);
    ROW(&g, FEB, 0, 0, 0, -1, -1);
    /* March: 3 waited 2 d; 1 waited 30 d 23 h (its first of two) */
    ROW(&g, MAR, 2, 2, 0, 2 * 86400, 30 * 86400 + 82800);
    ROW(&g, APR, 2, 1, 1, 2 * 86400 + 41400, 2 * 86400 + 41400); /* 2; 9 none */
    assert_int_equal(post_stats_days(2 * 86400 + 41400), 2);
    assert_int_equal(post_stats_days(9 * 86400 + 43200), 10); /* half a day rounds up */
}

static void test_closures_and_demo(void **state)
{
    fixture *f = *state;
    post_stats_grid g;
    assert_int_equal(post_stats_closures(f->t.d, &f->a, &f->p, &g), DB_OK);
    /* found_partner, no_longer_needed, expired */
    ROW(&g, JAN, 0, 0, 0);
    ROW(&g, FEB, 0, 1, 0); /* 6 */
    ROW(&g, MAY, 0, 0, 1); /* 7, valid until 20 May; 9 is valid until today */
    ROW(&g, JUN, 1, 0, 0); /* 5, closed 31 May 22:30 UTC = 1 June here */
    bool demo = true;
    assert_int_equal(post_stats_any_demo(f->t.d, &demo), DB_OK);
    assert_false(demo);
    assert_int_equal(db_exec(f->t.d, "UPDATE post SET is_demo = 1 WHERE id = 3"), DB_OK);
    assert_int_equal(post_stats_any_demo(f->t.d, &demo), DB_OK);
    assert_true(demo);
}

int main(void)
{
    if (i18n_init() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kinds_topics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intros_and_cross, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_interest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closures_and_demo, setup, teardown),
    };
    return cmocka_run_group_tests_name("post_stats", tests, NULL, NULL);
}
