/* test_readiness.c: the readiness check (model/readiness.c): each
 * criterion computed from data and following it both ways (15 members
 * met, one leaves: not met; member types; legal entity; figures by the
 * coverage rule; team FTE from the team, else the answer), the answers'
 * validation (nothing stored on a refusal) and the stage mapping. */
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
#include "i18n/i18n.h"
#include "model/readiness.h"

#include "testdb.h"

/* 2027-03-01 12:00 UTC: the last complete year is 2026 */
#define NOW 1803902400LL

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

static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    char sql[8192];
    int n = snprintf(sql, sizeof sql,
                     "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
                     " (1, 'c', 'Кластер', 'cluster_initiative', 'published', 0, 0),"
                     " (2, 'd', 'Предузеће', 'company', 'published', 0, 0),"
                     " (30, 'uni', 'Универзитет', 'university', 'published', 0, 0),"
                     " (31, 'city', 'Град', 'public_authority', 'published', 0, 0);"
                     "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
                     " (1, 'Ана', 'ana@example.com', 0, 0);");
    for (int i = 10; i < 26; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n,
                      "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at)"
                      " VALUES (%d, 'co%d', 'Co %d', 'company', 'published', 0, 0);",
                      i, i, i);
    if (!t || testdb_open_seeded(t, sql) != 0) {
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

static void exec(testdb *t, const char *sql)
{
    assert_int_equal(db_exec(t->d, sql), DB_OK);
}

/* Members org ids [from, to) of cluster 1 since 2024. */
static void add_members(testdb *t, int from, int to)
{
    char sql[256];
    for (int i = from; i < to; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO cluster_member(cluster_id, org_id, role, joined_on)"
                 " VALUES (1, %d, 'member', '2024-01-01')",
                 i);
        exec(t, sql);
    }
}

static readiness_item get(testdb *t, readiness_criterion c, readiness *out)
{
    arena a = ARENA_INIT;
    readiness rd;
    assert_int_equal(readiness_get(t->d, &a, 1, &rd), DB_OK);
    readiness_item it = rd.items[c];
    it.url = it.note = it.answered_by_name = NULL; /* arena strings die here */
    if (out) {
        *out = rd;
        for (int i = 0; i < RD__COUNT; i++)
            out->items[i].url = out->items[i].note = out->items[i].answered_by_name = NULL;
        out->ready_for = rd.ready_for; /* string constants */
        out->stage_now = NULL;
    }
    arena_free(&a);
    return it;
}

static void test_members_follow_the_data(void **state)
{
    testdb *t = *state;
    add_members(t, 10, 24); /* 14 */
    readiness_item it = get(t, RD_MEMBERS, NULL);
    assert_true(it.computed);
    assert_int_equal(it.value, 14);
    assert_int_equal(it.state, RD_STATE_NOT_MET);
    add_members(t, 24, 25); /* 15 */
    it = get(t, RD_MEMBERS, NULL);
    assert_int_equal(it.value, 15);
    assert_int_equal(it.state, RD_STATE_MET);
    /* one leaves: the criterion turns red at once */
    exec(t, "UPDATE cluster_member SET left_on = '2027-02-01' WHERE org_id = 10");
    it = get(t, RD_MEMBERS, NULL);
    assert_int_equal(it.value, 14);
    assert_int_equal(it.state, RD_STATE_NOT_MET);
    /* a proposal is not a membership */
    exec(t, "INSERT INTO cluster_member_proposal(cluster_id, org_id, role, joined_on, proposed_at)"
            " VALUES (1, 25, 'member', '2027-01-01', 0)");
    assert_int_equal(get(t, RD_MEMBERS, NULL).value, 14);
}

static void test_member_types(void **state)
{
    testdb *t = *state;
    add_members(t, 10, 13);
    readiness_item it = get(t, RD_MEMBER_TYPES, NULL);
    assert_int_equal(it.value, 1);
    assert_int_equal(it.state, RD_STATE_NOT_MET); /* companies only */
    exec(t,
         "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (1, 30, '2024-01-01')");
    it = get(t, RD_MEMBER_TYPES, NULL);
    assert_int_equal(it.value, 2);
    assert_int_equal(it.state, RD_STATE_MET);
    /* a public body alone is visible cooperation with public bodies */
    exec(t, "DELETE FROM cluster_member");
    exec(t,
         "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (1, 31, '2024-01-01')");
    assert_int_equal(get(t, RD_MEMBER_TYPES, NULL).state, RD_STATE_MET);
}

static void test_legal_entity(void **state)
{
    testdb *t = *state;
    /* no number in the directory: not known, the team answers */
    assert_int_equal(get(t, RD_LEGAL_ENTITY, NULL).state, RD_STATE_UNANSWERED);
    form_errors fe = {0};
    assert_int_equal(readiness_answer(t->d, 1, "legal_entity", "yes", NULL, NULL, 1, NULL, &fe),
                     DB_OK);
    assert_int_equal(get(t, RD_LEGAL_ENTITY, NULL).state, RD_STATE_MET);
    exec(t, "UPDATE org SET mb = '07004044' WHERE id = 1");
    assert_int_equal(get(t, RD_LEGAL_ENTITY, NULL).state, RD_STATE_MET);
    exec(t, "UPDATE org SET mb = NULL, pib = '101134702' WHERE id = 1");
    assert_int_equal(get(t, RD_LEGAL_ENTITY, NULL).state, RD_STATE_MET);
}

static void test_figures_coverage(void **state)
{
    testdb *t = *state;
    add_members(t, 10, 14); /* 4 members */
    readiness_item it = get(t, RD_FIGURES, NULL);
    assert_int_equal(it.state, RD_STATE_NOT_MET);
    exec(t, "INSERT INTO org_figure(org_id, year, employees, source, entered_at)"
            " VALUES (10, 2026, 5, 'self_reported', 0)");
    it = get(t, RD_FIGURES, NULL);
    assert_int_equal(it.value, 1);
    assert_int_equal(it.target, 4);
    assert_int_equal(it.state, RD_STATE_NOT_MET); /* 1 of 4 is under half */
    exec(t, "INSERT INTO org_figure(org_id, year, employees, source, entered_at)"
            " VALUES (11, 2026, 7, 'self_reported', 0)");
    assert_int_equal(get(t, RD_FIGURES, NULL).state, RD_STATE_MET); /* half: covered */
    /* an older year does not count for the last complete one */
    exec(t, "DELETE FROM org_figure WHERE org_id = 11");
    exec(t, "INSERT INTO org_figure(org_id, year, employees, source, entered_at)"
            " VALUES (11, 2025, 7, 'self_reported', 0)");
    assert_int_equal(get(t, RD_FIGURES, NULL).state, RD_STATE_NOT_MET);
}

static void test_team_fte_from_team_else_answer(void **state)
{
    testdb *t = *state;
    assert_int_equal(get(t, RD_TEAM_FTE, NULL).state, RD_STATE_UNANSWERED);
    form_errors fe = {0};
    assert_int_equal(readiness_answer(t->d, 1, "team_fte", "yes", NULL, NULL, 1, NULL, &fe), DB_OK);
    readiness_item it = get(t, RD_TEAM_FTE, NULL);
    assert_false(it.computed);
    assert_int_equal(it.state, RD_STATE_MET);
    assert_int_equal(it.answered_by, 1);
    /* once the team records FTE, the data tells (and overrides the answer) */
    exec(t, "INSERT INTO cluster_team(org_id, person_id, role, fte_milli) VALUES (1, 1, 'M', 300)");
    it = get(t, RD_TEAM_FTE, NULL);
    assert_true(it.computed);
    assert_int_equal(it.value, 300);
    assert_int_equal(it.state, RD_STATE_NOT_MET);
    exec(t, "UPDATE cluster_team SET fte_milli = 500");
    assert_int_equal(get(t, RD_TEAM_FTE, NULL).state, RD_STATE_MET);
    /* a team member who left no longer counts */
    exec(t, "UPDATE cluster_team SET until = '2027-01-31'");
    assert_int_equal(get(t, RD_TEAM_FTE, NULL).state, RD_STATE_MET); /* back to the answer */
    assert_false(get(t, RD_TEAM_FTE, NULL).computed);
}

static void test_strategy_and_services_from_the_page(void **state)
{
    testdb *t = *state;
    assert_int_equal(get(t, RD_STRATEGY, NULL).state, RD_STATE_UNANSWERED);
    assert_int_equal(get(t, RD_SERVICES, NULL).state, RD_STATE_UNANSWERED);
    exec(t, "INSERT INTO cluster_profile(org_id, goals, services, updated_at)"
            " VALUES (1, 'Извоз', 'Обуке', 0)");
    assert_true(get(t, RD_STRATEGY, NULL).computed);
    assert_int_equal(get(t, RD_STRATEGY, NULL).state, RD_STATE_MET);
    assert_int_equal(get(t, RD_SERVICES, NULL).state, RD_STATE_MET);
}

static int64_t answers(testdb *t)
{
    int64_t n = -1;
    assert_int_equal(db_scalar_int(t->d, "SELECT count(*) FROM readiness_answer", &n), DB_OK);
    return n;
}

static void test_answers_validated(void **state)
{
    testdb *t = *state;
    const struct {
        const char *code, *met, *url, *note, *field;
        form_error_code err;
    } bad[] = {
        {"website_en", "yes", NULL, NULL, "url", FE_REQUIRED},
        {"website_en", "yes", "ftp://example.com", NULL, "url", FE_URL},
        {"website_en", "yes", "javascript:alert(1)", NULL, "url", FE_URL},
        {"members", "yes", NULL, NULL, "criterion", FE_CHOICE},
        {"fee_scheme", "maybe", NULL, NULL, "met", FE_CHOICE},
        {"fee_scheme", NULL, NULL, NULL, "met", FE_REQUIRED},
        {"fee_scheme", "yes", NULL, "line\nbreak", "note", FE_CONTROL_CHARS},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        form_errors fe = {0};
        assert_int_equal(readiness_answer(t->d, 1, bad[i].code, bad[i].met, bad[i].url, bad[i].note,
                                          1, NULL, &fe),
                         DB_CONSTRAINT);
        const form_error *e = form_error_for(&fe, bad[i].field);
        assert_non_null(e);
        assert_int_equal(e->code, bad[i].err);
    }
    form_errors fe = {0};
    assert_int_equal(readiness_answer(t->d, 2, "fee_scheme", "yes", NULL, NULL, 1, NULL, &fe),
                     DB_CONSTRAINT); /* not a cluster */
    assert_int_equal(answers(t), 0);
    assert_int_equal(readiness_answer(t->d, 1, "website_en", "yes", "https://c.example/en",
                                      "News monthly", 1, "127.0.0.1", &fe),
                     DB_OK);
    assert_int_equal(answers(t), 1);
    int64_t audit = 0;
    assert_int_equal(db_scalar_int(t->d,
                                   "SELECT count(*) FROM audit WHERE action = 'readiness_answer'"
                                   " AND entity = 'org' AND entity_id = 1",
                                   &audit),
                     DB_OK);
    assert_int_equal(audit, 1);
    readiness_item it = get(t, RD_WEBSITE_EN, NULL);
    assert_int_equal(it.state, RD_STATE_MET);
    /* a second answer replaces the first */
    assert_int_equal(readiness_answer(t->d, 1, "website_en", "no", NULL, NULL, 1, NULL, &fe),
                     DB_OK);
    assert_int_equal(answers(t), 1);
    assert_int_equal(get(t, RD_WEBSITE_EN, NULL).state, RD_STATE_NOT_MET);
}

static void test_stage_mapping(void **state)
{
    (void)state;
    bool met[RD__COUNT] = {0};
    assert_string_equal(readiness_stage_of(met), "initiative");
    met[RD_LEGAL_ENTITY] = met[RD_STRATEGY] = true;
    assert_string_equal(readiness_stage_of(met), "initiative");
    met[RD_MEMBER_TYPES] = true;
    assert_string_equal(readiness_stage_of(met), "emerging");
    met[RD_TEAM_FTE] = met[RD_FEE_SCHEME] = met[RD_SERVICES] = true;
    assert_string_equal(readiness_stage_of(met), "emerging");
    met[RD_FIGURES] = true;
    assert_string_equal(readiness_stage_of(met), "developing");
    met[RD_MEMBERS] = true;
    assert_string_equal(readiness_stage_of(met), "developing");
    met[RD_WEBSITE_EN] = true;
    assert_string_equal(readiness_stage_of(met), "established");
    /* a later stage's criteria alone do not skip an earlier one */
    met[RD_LEGAL_ENTITY] = false;
    assert_string_equal(readiness_stage_of(met), "initiative");
}

static void test_whole_check(void **state)
{
    testdb *t = *state;
    readiness rd;
    get(t, RD_MEMBERS, &rd);
    assert_int_equal(rd.n_met, 0);
    assert_string_equal(rd.ready_for, "initiative");
    exec(t, "UPDATE org SET mb = '07004044' WHERE id = 1");
    exec(t, "INSERT INTO cluster_profile(org_id, vision, updated_at) VALUES (1, 'Визија', 0)");
    add_members(t, 10, 12);
    exec(t,
         "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (1, 30, '2024-01-01')");
    get(t, RD_MEMBERS, &rd);
    assert_int_equal(rd.n_met, 3);
    assert_string_equal(rd.ready_for, "emerging");
    arena a = ARENA_INIT;
    int n_met = 0;
    const char *ready = NULL;
    assert_int_equal(readiness_summary(t->d, &a, 1, &n_met, &ready), DB_OK);
    assert_int_equal(n_met, 3);
    assert_string_equal(ready, "emerging");
    assert_int_equal(readiness_get(t->d, &a, 2, &rd), DB_DONE); /* not a cluster */
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_members_follow_the_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_member_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legal_entity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_figures_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_team_fte_from_team_else_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strategy_and_services_from_the_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_validated, setup, teardown),
        cmocka_unit_test(test_stage_mapping),
        cmocka_unit_test_setup_teardown(test_whole_check, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
