/* test_devplan.c: development plans and the support log (model/devplan.c,
 * model/support.c): the overdue rule on Belgrade dates around midnight in
 * winter and summer time, the overdue actions of the clusters a person
 * manages, the action checks (nothing stored on a refusal), and the
 * support report's counts per cluster and kind with mentoring meetings,
 * other years left out, and support_log_add inside another writer's
 * transaction recording a source once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "model/devplan.h"
#include "model/support.h"
#include "model/tx.h"

#include "testdb.h"

/* 2027-03-10 12:00 UTC */
#define NOW 1804680000LL

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
    if (!t ||
        testdb_open_seeded(
            t, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
               " (1, 'ca', 'Кластер А', 'cluster', 'published', 0, 0),"
               " (2, 'cb', 'Кластер Б', 'cluster', 'published', 0, 0),"
               " (3, 'co', 'Фирма', 'company', 'published', 0, 0),"
               " (4, 'ci', 'Иницијатива', 'cluster_initiative', 'published', 0, 0);"
               "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
               " (1, 'Ана', 'ana@example.com', 0, 0), (2, 'Бора', 'bora@example.com', 0, 0);"
               "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
               " (1, 1, 'manager', 0), (2, 2, 'manager', 0);"
               "INSERT INTO devplan_goal(id, org_id, title, created_at, updated_at) VALUES"
               " (1, 1, 'Г1', 0, 0), (2, 2, 'Г2', 0, 0);"
               "INSERT INTO devplan_action(goal_id, title, deadline, status, done_on, created_at,"
               " updated_at) VALUES"
               " (1, 'due yesterday', '2027-03-09', 'planned', NULL, 0, 0),"
               " (1, 'due today', '2027-03-10', 'in_progress', NULL, 0, 0),"
               " (1, 'done late', '2027-01-01', 'done', '2027-02-01', 0, 0),"
               " (1, 'dropped', '2027-01-01', 'dropped', NULL, 0, 0),"
               " (2, 'other cluster', '2027-01-01', 'planned', NULL, 0, 0);") != 0) {
        free(t);
        return -1;
    }
    time_set_now(NOW);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    time_set_now(0);
    testdb_close(*state);
    free(*state);
    return 0;
}

static void overdue_rule(void **state)
{
    (void)state;
    assert_true(devplan_is_overdue("2027-03-09", "planned", "2027-03-10"));
    assert_true(devplan_is_overdue("2027-03-09", "in_progress", "2027-03-10"));
    assert_false(devplan_is_overdue("2027-03-10", "planned", "2027-03-10")); /* due today */
    assert_false(devplan_is_overdue("2027-03-09", "done", "2027-03-10"));
    assert_false(devplan_is_overdue("2027-03-09", "dropped", "2027-03-10"));
    assert_false(devplan_is_overdue("2027-03-09", "planned", ""));
}

/* Today is Belgrade's date: a deadline of 9 March turns overdue at
 * midnight in Belgrade (23:00 UTC in winter, 22:00 UTC in summer), not at
 * midnight UTC. */
static void overdue_at_belgrade_midnight(void **state)
{
    (void)state;
    char today[11];
    devplan_date_at(1804633199LL, today); /* 2027-03-09 22:59:59 UTC = 23:59:59 CET */
    assert_string_equal(today, "2027-03-09");
    assert_false(devplan_is_overdue("2027-03-09", "planned", today));
    devplan_date_at(1804633200LL, today); /* 23:00:00 UTC = 00:00 CET on the 10th */
    assert_string_equal(today, "2027-03-10");
    assert_true(devplan_is_overdue("2027-03-09", "planned", today));
    devplan_date_at(1815083999LL, today); /* 2027-07-08 21:59:59 UTC = 23:59:59 CEST */
    assert_string_equal(today, "2027-07-08");
    devplan_date_at(1815084000LL, today); /* 22:00 UTC = midnight CEST */
    assert_string_equal(today, "2027-07-09");
    assert_true(devplan_is_overdue("2027-07-08", "in_progress", today));
}

static void plan_and_overdue_for(void **state)
{
    testdb *t = *state;
    arena a = ARENA_INIT;
    devplan p;
    assert_int_equal(devplan_get(t->d, &a, 1, "2027-03-10", &p), DB_OK);
    assert_int_equal(p.n_goals, 1);
    assert_int_equal(p.goals[0].n_actions, 4);
    assert_int_equal(p.n_overdue, 1);
    devplan_overdue_row *x;
    size_t n;
    assert_int_equal(devplan_overdue_for(t->d, &a, 1, "2027-03-10", &x, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].title, "due yesterday");
    assert_string_equal(x[0].slug, "ca");
    /* a day later the one due today is overdue too */
    assert_int_equal(devplan_overdue_for(t->d, &a, 1, "2027-03-11", &x, &n), DB_OK);
    assert_int_equal(n, 2);
    /* an ended affiliation: nothing */
    assert_int_equal(
        db_do(t->d, "UPDATE affiliation SET ended_at = 1 WHERE person_id = 1", DB_NONE), DB_OK);
    assert_int_equal(devplan_overdue_for(t->d, &a, 1, "2027-03-11", &x, &n), DB_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

static int64_t count(db *d, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, -1, sql, DB_NONE), DB_OK);
    return n;
}

static void action_checks(void **state)
{
    testdb *t = *state;
    struct {
        devplan_action_input in;
        const char *field;
        form_error_code code;
    } cases[] = {
        {{"", "", "", "2027-04-01", "planned", ""}, "title", FE_REQUIRED},
        {{"x", "", "", "2027-02-30", "planned", ""}, "deadline", FE_DATE},
        {{"x", "", "", "2027-04-01", "later", ""}, "status", FE_CHOICE},
        {{"x", "", "", "2027-04-01", "planned", "2027-03-01"}, "done_on", FE_MISMATCH},
        {{"x", "1", "Неко", "2027-04-01", "planned", ""}, "owner_text", FE_MISMATCH},
        {{"x", "2", "", "2027-04-01", "planned", ""}, "owner", FE_INVALID}, /* Бора: not of А */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        form_errors e = {0};
        int64_t id = 0;
        assert_int_equal(devplan_action_save(t->d, 1, 1, 0, &cases[i].in, 1, NULL, &id, &e),
                         DB_CONSTRAINT);
        const form_error *fe = form_error_for(&e, cases[i].field);
        assert_non_null(fe);
        assert_int_equal(fe->code, cases[i].code);
    }
    assert_int_equal(count(t->d, "SELECT count(*) FROM devplan_action"), 5);
    assert_int_equal(count(t->d, "SELECT count(*) FROM audit"), 0);
    /* done without a date: today (Belgrade); the owner of the team */
    form_errors e = {0};
    int64_t id = 0;
    devplan_action_input ok = {"x", "1", "", "2027-04-01", "done", ""};
    assert_int_equal(devplan_action_save(t->d, 1, 1, 0, &ok, 1, NULL, &id, &e), DB_OK);
    arena a = ARENA_INIT;
    devplan p;
    assert_int_equal(devplan_get(t->d, &a, 1, "2027-03-10", &p), DB_OK);
    bool seen = false;
    for (size_t i = 0; i < p.goals[0].n_actions; i++)
        if (p.goals[0].actions[i].id == id) {
            assert_string_equal(p.goals[0].actions[i].done_on, "2027-03-10");
            assert_string_equal(p.goals[0].actions[i].owner_name, "Ана");
            seen = true;
        }
    assert_true(seen);
    /* another cluster's goal: DB_DONE, nothing stored */
    assert_int_equal(devplan_action_save(t->d, 1, 2, 0, &ok, 1, NULL, &id, &e), DB_DONE);
    assert_int_equal(count(t->d, "SELECT count(*) FROM devplan_action"), 6);
    assert_int_equal(count(t->d, "SELECT count(*) FROM audit WHERE entity = 'devplan'"), 1);
    arena_free(&a);
}

typedef struct attended {
    int64_t org;
    const char *source;
} attended;

/* Another module's write that records a training attended. */
static db_status attended_body(tx *tt, void *ctx)
{
    const attended *c = ctx;
    return support_log_add(tt->d, c->org, "2027-02-10", "training", "Обука", NULL, c->source, 0,
                           NULL);
}

static void support_counts(void **state)
{
    testdb *t = *state;
    form_errors e = {0};
    const char *const rows[][4] = {
        {"ca", "2027-01-05", "consultation", "a"}, {"ca", "2027-02-05", "consultation", "b"},
        {"ca", "2027-03-05", "introduction", "c"}, {"ca", "2026-12-31", "other", "last year"},
        {"cb", "2027-12-31", "other", "d"},        {"ci", "2027-06-01", "consultation", "e"},
    };
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(
            support_add(t->d, rows[i][0], rows[i][1], rows[i][2], rows[i][3], NULL, 1, NULL, &e),
            DB_OK);
    /* refused: a company, a bad kind; nothing stored */
    assert_int_equal(support_add(t->d, "co", "2027-01-01", "other", "x", NULL, 1, NULL, &e),
                     DB_CONSTRAINT);
    assert_int_equal(support_add(t->d, "ca", "2027-01-01", "lunch", "x", NULL, 1, NULL, &e),
                     DB_CONSTRAINT);
    assert_int_equal(count(t->d, "SELECT count(*) FROM support_entry"), 6);
    /* inside another writer's transaction, the same source once */
    attended at = {1, "event:7"};
    for (int i = 0; i < 2; i++) {
        tx tt = TX_INIT(0, NULL, "event_attendance", "event", 7);
        assert_int_equal(tx_write(t->d, &tt, attended_body, &at), DB_OK);
    }
    assert_int_equal(count(t->d, "SELECT count(*) FROM support_entry WHERE source = 'event:7'"), 1);
    /* a mentoring pair with two meetings this year and one the year before */
    assert_int_equal(
        db_do(t->d,
              "INSERT INTO mentoring(id, mentee_id, mentor_id, started_on, created_at, updated_at)"
              " VALUES (1, 4, 2, '2026-01-01', 0, 0)",
              DB_NONE),
        DB_OK);
    assert_int_equal(
        db_do(t->d,
              "INSERT INTO mentoring_meeting(mentoring_id, met_on, notes, created_at) VALUES"
              " (1, '2026-11-01', 'n', 0), (1, '2027-01-10', 'n', 0), (1, '2027-02-10', 'n', 0)",
              DB_NONE),
        DB_OK);
    arena a = ARENA_INIT;
    support_count *c;
    size_t n;
    assert_int_equal(support_report(t->d, &a, 2027, &c, &n), DB_OK);
    assert_int_equal(n, 3); /* ci, ca, cb by name: Иницијатива, Кластер А, Кластер Б */
    const support_count *ca = NULL, *cb = NULL, *ci = NULL;
    for (size_t i = 0; i < n; i++) {
        if (c[i].org_id == 1)
            ca = &c[i];
        if (c[i].org_id == 2)
            cb = &c[i];
        if (c[i].org_id == 4)
            ci = &c[i];
    }
    assert_non_null(ca);
    assert_non_null(cb);
    assert_non_null(ci);
    int64_t want_a[5] = {2, 1, 1, 0, 0}, want_b[5] = {0, 0, 0, 1, 0}, want_i[5] = {1, 0, 0, 0, 2};
    for (int k = 0; k < 5; k++) {
        assert_int_equal(ca->n[k], want_a[k]);
        assert_int_equal(cb->n[k], want_b[k]);
        assert_int_equal(ci->n[k], want_i[k]);
    }
    assert_int_equal(ca->total, 4);
    assert_int_equal(ci->total, 3);
    /* the year before: the one entry and the one meeting */
    assert_int_equal(support_report(t->d, &a, 2026, &c, &n), DB_OK);
    assert_int_equal(n, 2);
    support_entry *l;
    assert_int_equal(support_list(t->d, &a, 2027, &l, &n), DB_OK);
    assert_int_equal(n, 8); /* 5 entries, 1 attended, 2 meetings */
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overdue_rule),
        cmocka_unit_test(overdue_at_belgrade_midnight),
        cmocka_unit_test_setup_teardown(plan_and_overdue_for, setup, teardown),
        cmocka_unit_test_setup_teardown(action_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(support_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
