/* test_assess.c: the self-assessment (model/assess.c) and its radar chart
 * (html/chart_radar.c): levels, scores and percentiles on hand-made
 * answers with known results, the five-peer rule (four peers: no
 * percentile; five: one), an assessment keeping the questionnaire version
 * it was started under when a new version arrives, the indicators computed
 * from the platform's data, and a refused save that stores nothing. */
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
#include "html/chart.h"
#include "i18n/i18n.h"
#include "model/assess.h"

#include "testdb.h"

/* 2026-06-15 12:00 UTC */
#define NOW 1781524800LL

static int group_setup(void **state)
{
    (void)state;
    time_setup_zone();
    return i18n_init();
}

static int group_teardown(void **state)
{
    (void)state;
    i18n_shutdown();
    return 0;
}

/* Clusters 1..7 (c1 has three members: two companies and a university;
 * stages: 1..5 established, 6 and 7 emerging), a person, figures. */
static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t ||
        testdb_open_seeded(
            t, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
               " (1, 'c1', 'C1', 'cluster', 'published', 0, 0),"
               " (2, 'c2', 'C2', 'cluster', 'published', 0, 0),"
               " (3, 'c3', 'C3', 'cluster', 'published', 0, 0),"
               " (4, 'c4', 'C4', 'cluster', 'published', 0, 0),"
               " (5, 'c5', 'C5', 'cluster', 'published', 0, 0),"
               " (6, 'c6', 'C6', 'cluster', 'published', 0, 0),"
               " (7, 'c7', 'C7', 'cluster', 'published', 0, 0),"
               " (11, 'm1', 'M1', 'company', 'published', 0, 0),"
               " (12, 'm2', 'M2', 'company', 'published', 0, 0),"
               " (13, 'u1', 'U1', 'university', 'published', 0, 0),"
               " (14, 'gone', 'Gone', 'company', 'published', 0, 0);"
               "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
               " (1, 'Ана', 'ana@example.com', 0, 0);"
               "INSERT INTO cluster_member(cluster_id, org_id, joined_on, left_on) VALUES"
               " (1, 11, '2020-01-01', NULL), (1, 12, '2026-03-01', NULL),"
               " (1, 13, '2021-05-05', NULL), (1, 14, '2020-01-01', '2025-01-01');"
               "INSERT INTO org_figure(org_id, year, employees, source, entered_at) VALUES"
               " (11, 2025, 40, 'self_reported', 0), (12, 2026, 300, 'self_reported', 0);"
               "INSERT INTO cluster_team(org_id, person_id, role, fte_milli, since) VALUES"
               " (1, 1, 'manager', 500, '2020-01-01'), (1, 1, 'assistant', 250, NULL);"
               "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at) VALUES"
               " (1, 'established', '2020-01-01', 0), (2, 'established', '2020-01-01', 0),"
               " (3, 'established', '2020-01-01', 0), (4, 'established', '2020-01-01', 0),"
               " (5, 'established', '2020-01-01', 0), (6, 'emerging', '2020-01-01', 0),"
               " (7, 'emerging', '2020-01-01', 0);"
               "INSERT INTO event(kind, organiser_id, title_sr, starts_at, ends_at, language,"
               " audience, created_at, updated_at) VALUES"
               " ('training', 1, 'Обука', 1780000000, 1780003600, 'sr', 'everyone', 0, 0),"
               " ('training', 1, 'Стара', 1700000000, 1700003600, 'sr', 'everyone', 0, 0);") != 0) {
        free(t);
        return -1;
    }
    time_set_now(NOW);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    testdb *t = *state;
    time_set_now(0);
    testdb_close(t);
    free(t);
    return 0;
}

static int64_t scalar(testdb *t, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(t->d, sql, &v), DB_OK);
    return v;
}

static void test_levels_and_scores(void **state)
{
    (void)state;
    assess_indicator ind[4] = {
        {.group = 0, .scale = ASSESS_SCALE_LEVEL},
        {.group = 0, .scale = ASSESS_SCALE_YESNO},
        {.group = 1, .scale = ASSESS_SCALE_NUMBER, .thr = {5, 15, 30, 60}},
        {.group = 2, .scale = ASSESS_SCALE_LEVEL},
    };
    assert_int_equal(assess_level_of(&ind[0], 3), 3);
    assert_int_equal(assess_level_of(&ind[1], 1), 4);
    assert_int_equal(assess_level_of(&ind[1], 0), 0);
    assert_int_equal(assess_level_of(&ind[2], 4), 0);
    assert_int_equal(assess_level_of(&ind[2], 5), 1);
    assert_int_equal(assess_level_of(&ind[2], 29), 2);
    assert_int_equal(assess_level_of(&ind[2], 60), 4);
    assert_int_equal(assess_level_of(&ind[2], 6000), 4);

    /* structure: levels 3 and 4 -> mean 3.5 -> 87.5; governance: 1 -> 25;
       financing unanswered; overall: (87.5 + 25) / 2 = 56.25 -> 56.3 */
    int levels[4] = {3, 4, 1, -1}, group[ASSESS_N_GROUPS], overall;
    assess_scores(ind, levels, 4, group, &overall);
    assert_int_equal(group[0], 875);
    assert_int_equal(group[1], 250);
    assert_int_equal(group[2], -1);
    assert_int_equal(group[3], -1);
    assert_int_equal(overall, 563);
    /* nothing answered */
    int none[4] = {-1, -1, -1, -1};
    assess_scores(ind, none, 4, group, &overall);
    assert_int_equal(overall, -1);
    /* levels */
    assert_string_equal(assess_level_name(399), "foundation");
    assert_string_equal(assess_level_name(400), "developing");
    assert_string_equal(assess_level_name(699), "developing");
    assert_string_equal(assess_level_name(700), "ready");
}

static void test_percentile_rule(void **state)
{
    (void)state;
    assert_int_equal(assess_percentile(4, 4, 0), -1); /* four peers: never */
    assert_int_equal(assess_percentile(0, 0, 0), -1);
    assert_int_equal(assess_percentile(5, 5, 0), 100);
    assert_int_equal(assess_percentile(5, 0, 0), 0);
    assert_int_equal(assess_percentile(5, 2, 1), 50); /* (2 + 0.5) / 5 */
    assert_int_equal(assess_percentile(6, 1, 0), 17); /* 16.67 */
}

/* A submitted assessment of org for year with score, as peers see it. */
static void peer(testdb *t, int org, int year, int score, const char *stage)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO assess_response(org_id, year, version_id, status, stage, score,"
             " submitted_at, created_at, updated_at) VALUES (%d, %d, 1, 'submitted', '%s', %d,"
             " 1, 1, 1)",
             org, year, stage, score);
    assert_int_equal(db_exec(t->d, sql), DB_OK);
}

static void test_five_peer_rule(void **state)
{
    testdb *t = *state;
    peer(t, 1, 2025, 500, "established");
    peer(t, 2, 2025, 300, "established");
    peer(t, 3, 2025, 400, "established");
    peer(t, 4, 2025, 500, "established");
    peer(t, 6, 2025, 900, "emerging");
    assess_position pos;
    /* c1 has four peers: no percentile at all */
    assert_int_equal(assess_position_get(t->d, 1, 2025, 500, "established", &pos), DB_OK);
    assert_int_equal(pos.n_all, 4);
    assert_int_equal(pos.pct_all, -1);
    assert_int_equal(pos.n_stage, 3);
    assert_int_equal(pos.pct_stage, -1);
    /* a fifth: below 300, 400; equal 500; above 900, 1000 -> (2 + 0.5) / 5 */
    peer(t, 7, 2025, 1000, "emerging");
    assert_int_equal(assess_position_get(t->d, 1, 2025, 500, "established", &pos), DB_OK);
    assert_int_equal(pos.n_all, 5);
    assert_int_equal(pos.pct_all, 50);
    assert_int_equal(pos.pct_stage, -1); /* still three of its stage */
    /* a draft is not a peer; another year neither */
    assert_int_equal(db_exec(t->d, "UPDATE assess_response SET status = 'draft', score = NULL"
                                   " WHERE org_id = 7"),
                     DB_OK);
    peer(t, 5, 2024, 100, "established");
    assert_int_equal(assess_position_get(t->d, 1, 2025, 500, "established", &pos), DB_OK);
    assert_int_equal(pos.n_all, 4);
    assert_int_equal(pos.pct_all, -1);
}

static void test_computed_from_data(void **state)
{
    testdb *t = *state;
    struct {
        const char *name;
        int64_t want;
        bool known;
    } cases[] = {
        {"members_count", 3, true},    /* 'gone' left in 2025 */
        {"member_types", 2, true},     /* company, university */
        {"sme_share", 50, true},       /* of two with employees known, one under 250 */
        {"research_members", 1, true}, /* the university */
        {"public_partner", 0, true},    {"team_fte", 750, true},
        {"figures_reported", 33, true}, /* m2 of three reported 2026 */
        {"events_held", 1, true},       /* the 2023 one is another year */
        {"new_members", 1, true},       /* m2 joined in 2026 */
        {"coop_posts", 0, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = -1;
        bool known = false;
        assert_int_equal(assess_compute(t->d, 1, 2026, cases[i].name, &v, &known), DB_OK);
        if (v != cases[i].want)
            fail_msg("%s: %lld, want %lld", cases[i].name, (long long)v, (long long)cases[i].want);
        assert_int_equal(known, cases[i].known);
    }
    /* a member leaving changes the computed value */
    assert_int_equal(db_exec(t->d, "UPDATE cluster_member SET left_on = '2026-04-01'"
                                   " WHERE org_id = 13"),
                     DB_OK);
    int64_t v = 0;
    bool known = false;
    assert_int_equal(assess_compute(t->d, 1, 2026, "members_count", &v, &known), DB_OK);
    assert_int_equal(v, 2);
    /* no member with employees: the share is not known, the manager answers */
    assert_int_equal(assess_compute(t->d, 2, 2026, "sme_share", &v, &known), DB_OK);
    assert_false(known);
    assert_int_equal(assess_compute(t->d, 1, 2026, "no_such", &v, &known), DB_ERR);
}

static void test_version_kept_and_bad_input(void **state)
{
    testdb *t = *state;
    arena a = ARENA_INIT;
    form_errors fe = {0};
    /* an answer outside its scale: refused, nothing stored */
    assess_input_item bad[] = {{"strategy", "7", NULL}, {"fee_scheme", "1", NULL}};
    assess_input in = {.items = bad, .n = 2};
    assert_int_equal(assess_save(t->d, &a, 1, 2026, &in, 1, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(fe.n_items, 1);
    assert_string_equal(fe.items[0].field, "strategy");
    assert_int_equal(fe.items[0].code, FE_RANGE);
    assert_int_equal(scalar(t, "SELECT count(*) FROM assess_response"), 0);
    assert_int_equal(scalar(t, "SELECT count(*) FROM assess_answer"), 0);
    /* unknown and computed indicators, a year in the future */
    memset(&fe, 0, sizeof fe);
    assess_input_item odd[] = {{"happiness", "3", NULL}, {"members_count", "9", NULL}};
    in = (assess_input){.items = odd, .n = 2};
    assert_int_equal(assess_save(t->d, &a, 1, 2026, &in, 1, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(fe.n_items, 2);
    assert_int_equal(fe.items[0].code, FE_UNKNOWN_CODE);
    assert_int_equal(fe.items[1].code, FE_INVALID);
    memset(&fe, 0, sizeof fe);
    in = (assess_input){.items = bad + 1, .n = 1};
    assert_int_equal(assess_save(t->d, &a, 1, 2027, &in, 1, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(fe.items[0].code, FE_FUTURE_YEAR);
    assert_int_equal(scalar(t, "SELECT count(*) FROM assess_answer"), 0);

    /* a draft under version 1, with the computed indicators stored */
    memset(&fe, 0, sizeof fe);
    assert_int_equal(assess_save(t->d, &a, 1, 2026, &in, 1, NULL, &fe), DB_OK);
    assert_int_equal(scalar(t, "SELECT count(*) FROM assess_answer WHERE source = 'computed'"
                               " AND version_id = 1"),
                     12);
    assert_int_equal(scalar(t, "SELECT count(*) FROM audit WHERE action = 'assess_save'"), 1);
    /* the secretariat adds next questionnaire from 2026 on: one indicator */
    assert_int_equal(
        db_exec(t->d,
                "INSERT INTO assess_version(id, year_from, name, created_at) VALUES"
                " (2, 2026, 'v2', 0);"
                "INSERT INTO assess_indicator(version_id, group_code, code, position, text_en,"
                " text_sr, text_sr_latn, scale) VALUES (2, 'services', 'digital', 1, 'Digital',"
                " 'Дигитално', 'Digitalno', 'level');"),
        DB_OK);
    assess_response resp;
    assess_questionnaire q;
    assess_answer *ans;
    bool has = false;
    assert_int_equal(assess_load(t->d, &a, 1, 2026, &resp, &q, &ans, &has), DB_OK);
    assert_true(has);
    assert_int_equal(q.version_id, 1); /* kept */
    assert_int_equal(q.n, 36);
    /* c2's new 2026 assessment is under version 2 */
    assert_int_equal(assess_load(t->d, &a, 2, 2026, &resp, &q, &ans, &has), DB_OK);
    assert_int_equal(q.version_id, 2);
    assert_int_equal(q.n, 1);
    /* submitting c2 under v2: one answer is all it needs */
    assess_input_item dig[] = {{"digital", "3", "plan.pdf"}};
    in = (assess_input){.items = dig, .n = 1, .replace = true, .submit = true};
    memset(&fe, 0, sizeof fe);
    assert_int_equal(assess_save(t->d, &a, 2, 2026, &in, 1, NULL, &fe), DB_OK);
    assert_int_equal(scalar(t, "SELECT score FROM assess_response WHERE org_id = 2"), 750);
    assert_int_equal(scalar(t, "SELECT score_services FROM assess_response WHERE org_id = 2"), 750);
    /* c1 submitting with indicators unanswered: refused, still a draft */
    in = (assess_input){.items = bad + 1, .n = 1, .submit = true};
    memset(&fe, 0, sizeof fe);
    assert_int_equal(assess_save(t->d, &a, 1, 2026, &in, 1, NULL, &fe), DB_CONSTRAINT);
    assert_true(fe.n_items > 0);
    assert_int_equal(fe.items[0].code, FE_REQUIRED);
    assert_int_equal(scalar(t, "SELECT count(*) FROM assess_response WHERE org_id = 1"
                               " AND status = 'draft'"),
                     1);
    arena_free(&a);
}

static void test_radar_chart(void **state)
{
    (void)state;
    const char *axes[] = {"Structure", "Governance",  "Financing",
                          "Services",  "Interaction", "Recognition <&>"};
    int64_t now[] = {875, 250, CHART_NONE, 500, 1000, 0};
    int64_t before[] = {500, 250, 250, 500, 750, 0};
    chart_series s[] = {{"2026", now}, {"2025", before}};
    chart_opts o = {.id = "r1", .title = "Scores"};
    buf out = BUF_INIT;
    assert_int_equal(chart_radar(&out, LANG_EN, &o, axes, 6, s, 2, 1000), 0);
    const char *h = buf_str(&out);
    assert_non_null(strstr(h, "<figure class=\"chart chart-radar\" id=\"r1\">"));
    assert_non_null(strstr(h, "role=\"img\""));
    assert_non_null(strstr(h, "<desc id=\"r1-desc\">2026: Structure 875"));
    assert_non_null(strstr(h, "Recognition &lt;&amp;&gt;"));
    assert_non_null(strstr(h, "Financing no data"));
    assert_null(strstr(h, "style="));
    /* the same input, the same bytes */
    buf again = BUF_INIT;
    assert_int_equal(chart_radar(&again, LANG_EN, &o, axes, 6, s, 2, 1000), 0);
    assert_string_equal(buf_str(&out), buf_str(&again));
    buf_free(&out);
    buf_free(&again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_and_scores),
        cmocka_unit_test(test_percentile_rule),
        cmocka_unit_test_setup_teardown(test_five_peer_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_computed_from_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_kept_and_bad_input, setup, teardown),
        cmocka_unit_test(test_radar_chart),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
