/* test_cluster.c: the cluster model (model/cluster.c) on a real, freshly
 * migrated database: size classes at their boundaries, the member list on
 * a date with headcount, sector and start-up flags, the ECCP composition,
 * every refusal of cluster_member_add and cluster_member_end (nothing
 * written, the right field and code), stage, label and SCAN status
 * history, the profile, the management team with and without contacts,
 * audit rows and the version bumps. Data is small and hand-made, so every
 * expected number can be checked by eye. */
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
#include "model/cluster.h"
#include "model/membership.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
} fixture;

/* Ids of the hand-made entries. */
enum {
    K_VOICT = 10, /* cluster */
    K_NICAT = 11, /* cluster */
    K_INIT = 12,  /* cluster initiative */
    C_MICRO = 20, /* companies by headcount */
    C_SMALL10,
    C_SMALL49,
    C_MEDIUM50,
    C_MEDIUM249,
    C_LARGE250,
    C_UNKNOWN,
    C_MICRO9,
    U_UNI = 30,
    U_INSTITUTE,
    N_NGO = 40,
    C_LEFT = 50,   /* left before the date */
    C_FUTURE = 51, /* joins after the date */
};

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

static void exec(fixture *f, const char *sql)
{
    db_status st = db_exec(f->t.d, sql);
    if (st != DB_OK)
        fprintf(stderr, "exec: %s\n%s\n", db_errmsg(f->t.d), sql);
    assert_int_equal(st, DB_OK);
}

/* An entry of kind; founded 0 = unknown. */
static void org(fixture *f, int id, const char *slug, const char *kind, int founded)
{
    char sql[512], year[16] = "NULL";
    if (founded)
        snprintf(year, sizeof year, "%d", founded);
    snprintf(sql, sizeof sql,
             "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded,"
             " year_founded) VALUES (%d, '%s', 'Name %s', '%s', 'published', 0, 0, 'name %s', %s)",
             id, slug, slug, kind, slug, year);
    exec(f, sql);
}

static void headcount(fixture *f, int org_id, int year, const char *employees)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO org_figure(org_id, year, employees, source, entered_at)"
             " VALUES (%d, %d, %s, 'estimate', 0)",
             org_id, year, employees);
    exec(f, sql);
}

/* People for the management team: a private contact, a public one and an
 * erased person. */
static const char SEED[] = "INSERT INTO person(id, name, email, phone, public_contact, created_at,"
                           " updated_at) VALUES"
                           " (1, 'Ana Urednik', 'ana@example.com', '+381 11 123', 0, 0, 0),"
                           " (2, 'Public Pera', 'pera@example.com', '+381 21 456', 1, 0, 0),"
                           " (3, 'Gone Person', NULL, NULL, 0, 0, 0);"
                           "UPDATE person SET erased_at = 1 WHERE id = 3";

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

static int64_t scalar(fixture *f, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(f->t.d, sql, &v), DB_OK);
    return v;
}

static int64_t version(fixture *f, const char *key)
{
    char sql[160]; /* key: directory_version or figures_version; the sum of its shards (0049) */
    snprintf(sql, sizeof sql, "SELECT sum(n) FROM data_version WHERE kind || '_version' = '%s'",
             key);
    return scalar(f, sql);
}

static void no_errors(const form_errors *e)
{
    for (size_t i = 0; i < e->n_items; i++)
        fprintf(stderr, "unexpected error: %s code %d\n", e->items[i].field, e->items[i].code);
    assert_int_equal(e->n_items, 0);
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

/* --- size classes and composition ------------------------------------------------------- */

static void test_size_class_boundaries(void **state)
{
    (void)state;
    assert_null(cluster_size_class(-1));
    assert_string_equal(cluster_size_class(0), "micro");
    assert_string_equal(cluster_size_class(9), "micro");
    assert_string_equal(cluster_size_class(10), "small");
    assert_string_equal(cluster_size_class(49), "small");
    assert_string_equal(cluster_size_class(50), "medium");
    assert_string_equal(cluster_size_class(249), "medium");
    assert_string_equal(cluster_size_class(250), "large");
    assert_string_equal(cluster_size_class(1000000), "large");
}

/* Members of voict on 2024-06-30 and their composition. */
static void test_members_and_composition(void **state)
{
    fixture *f = *state;
    int y = this_year();
    org(f, K_VOICT, "voict", "cluster", 0);
    org(f, C_MICRO, "micro1", "company", y - 5);  /* a start-up: founded 5 years ago */
    org(f, C_MICRO9, "micro9", "company", y - 6); /* not: 6 years ago */
    org(f, C_SMALL10, "small10", "company", 0);
    org(f, C_SMALL49, "small49", "company", 0);
    org(f, C_MEDIUM50, "medium50", "company", 0);
    org(f, C_MEDIUM249, "medium249", "company", 0);
    org(f, C_LARGE250, "large250", "company", y); /* a large start-up */
    org(f, C_UNKNOWN, "unknown", "company", 0);
    org(f, U_UNI, "uni", "university", 0);
    org(f, U_INSTITUTE, "institute", "research_institute", 0);
    org(f, N_NGO, "ngo", "ngo", 0);
    org(f, C_LEFT, "left", "company", 0);
    org(f, C_FUTURE, "future", "company", 0);
    exec(f, "INSERT INTO org_sector(org_id, code) VALUES (20, 'J'), (20, '62'), (21, 'C')");
    headcount(f, C_MICRO, 2022, "1");
    headcount(f, C_MICRO, 2023, "3");
    headcount(f, C_MICRO, 2024, "NULL"); /* a later row without headcount is skipped */
    headcount(f, C_MICRO9, 2023, "9");
    headcount(f, C_SMALL10, 2023, "10");
    headcount(f, C_SMALL49, 2023, "49");
    headcount(f, C_MEDIUM50, 2023, "50");
    headcount(f, C_MEDIUM249, 2023, "249");
    headcount(f, C_LARGE250, 2023, "250");
    exec(f, "INSERT INTO cluster_member(cluster_id, org_id, joined_on, left_on) VALUES"
            " (10, 20, '2020-01-01', NULL), (10, 27, '2020-01-01', NULL),"
            " (10, 21, '2020-01-01', NULL), (10, 22, '2020-01-01', NULL),"
            " (10, 23, '2020-01-01', NULL), (10, 24, '2020-01-01', NULL),"
            " (10, 25, '2020-01-01', NULL), (10, 26, '2024-06-30', NULL),"
            " (10, 30, '2019-01-01', '2024-07-01'), (10, 31, '2019-01-01', NULL),"
            " (10, 40, '2019-01-01', NULL),"
            " (10, 50, '2019-01-01', '2024-06-30')," /* left on the date: not a member */
            " (10, 51, '2024-07-01', NULL)");        /* joins the day after */

    cluster_member_rec *m;
    size_t n;
    assert_int_equal(cluster_members(f->t.d, &f->a, K_VOICT, "2024-06-30", &m, &n), DB_OK);
    assert_int_equal(n, 11);
    /* by name: "Name institute", "Name large250", "Name medium249", ... */
    assert_string_equal(m[0].slug, "institute");
    const cluster_member_rec *micro = NULL, *micro9 = NULL, *large = NULL, *unknown = NULL;
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(m[i].slug, "left");
        assert_string_not_equal(m[i].slug, "future");
        if (strcmp(m[i].slug, "micro1") == 0)
            micro = &m[i];
        if (strcmp(m[i].slug, "micro9") == 0)
            micro9 = &m[i];
        if (strcmp(m[i].slug, "large250") == 0)
            large = &m[i];
        if (strcmp(m[i].slug, "unknown") == 0)
            unknown = &m[i];
    }
    assert_non_null(micro);
    assert_int_equal(micro->employees, 3);
    assert_string_equal(micro->size_class, "micro");
    assert_string_equal(micro->sector, "62"); /* first code by code order */
    assert_true(micro->is_startup);
    assert_string_equal(micro->role, "member");
    assert_string_equal(micro->kind, "company");
    assert_non_null(micro9);
    assert_false(micro9->is_startup);
    assert_string_equal(micro9->size_class, "micro");
    assert_true(large->is_startup);
    assert_string_equal(large->size_class, "large");
    assert_int_equal(unknown->employees, -1);
    assert_null(unknown->size_class);
    assert_null(unknown->sector);

    cluster_composition c;
    cluster_composition_of(m, n, &c);
    assert_int_equal(c.total, 11);
    assert_int_equal(c.smes, 6);  /* 3, 9, 10, 49, 50, 249 */
    assert_int_equal(c.large, 1); /* 250 */
    assert_int_equal(c.unknown_size, 1);
    assert_int_equal(c.startups, 2); /* micro1, large250 */
    assert_int_equal(c.research, 2); /* university, institute */
    assert_int_equal(c.other, 1);    /* ngo */
    assert_int_equal(c.total, c.smes + c.large + c.unknown_size + c.research + c.other);

    /* The university left on 2024-07-01: a member on 2024-06-30, not on that day. */
    assert_int_equal(cluster_members(f->t.d, &f->a, K_VOICT, "2024-07-01", &m, &n), DB_OK);
    assert_int_equal(n, 11); /* the university is gone, "future" has joined */
    bool uni = false, future = false;
    for (size_t i = 0; i < n; i++) {
        uni = uni || strcmp(m[i].slug, "uni") == 0;
        future = future || strcmp(m[i].slug, "future") == 0;
    }
    assert_false(uni);
    assert_true(future);

    /* Today by default; a bad date is refused. */
    assert_int_equal(cluster_members(f->t.d, &f->a, K_VOICT, NULL, &m, &n), DB_OK);
    assert_int_equal(n, 11);
    assert_int_equal(cluster_members(f->t.d, &f->a, K_VOICT, "2024-02-30", &m, &n), DB_CONSTRAINT);
    cluster_composition_of(NULL, 0, &c);
    assert_int_equal(c.total, 0);
}

/* --- membership writes --------------------------------------------------------------------- */

static void test_member_add_refusals(void **state)
{
    fixture *f = *state;
    org(f, K_VOICT, "voict", "cluster", 0);
    org(f, K_INIT, "init", "cluster_initiative", 0);
    org(f, C_MICRO, "acme", "company", 0);
    org(f, C_SMALL10, "beta", "company", 0);
    int64_t fv = version(f, "figures_version"), dv = version(f, "directory_version");
    int64_t audits = scalar(f, "SELECT count(*) FROM audit");
    form_errors e;

    /* Not a cluster: a company as the cluster, and no entry at all. */
    memset(&e, 0, sizeof e);
    assert_int_equal(
        cluster_member_add(f->t.d, C_SMALL10, C_MICRO, NULL, "2024-01-01", 1, NULL, &e),
        DB_CONSTRAINT);
    has_error(&e, "cluster_id", FE_NOT_CLUSTER);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, 999, C_MICRO, NULL, "2024-01-01", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "cluster_id", FE_NOT_CLUSTER);
    /* Itself. */
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, K_VOICT, K_VOICT, NULL, "2024-01-01", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "org_id", FE_SELF_MEMBER);
    /* No such member, bad role, bad dates. */
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, K_VOICT, 999, "chair", "2024-13-01", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "org_id", FE_INVALID);
    has_error(&e, "role", FE_CHOICE);
    has_error(&e, "joined_on", FE_DATE);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, K_VOICT, C_MICRO, NULL, "2023-02-29", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "joined_on", FE_DATE);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, K_VOICT, C_MICRO, NULL, "24-01-01", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "joined_on", FE_DATE);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(version(f, "figures_version"), fv);

    /* Accepted: a leap day, an initiative as the cluster; audit and both versions. */
    memset(&e, 0, sizeof e);
    assert_int_equal(
        cluster_member_add(f->t.d, K_VOICT, C_MICRO, "board", "2024-02-29", 1, "10.0.0.1", &e),
        DB_OK);
    no_errors(&e);
    assert_int_equal(cluster_member_add(f->t.d, K_INIT, C_MICRO, NULL, NULL, 1, NULL, &e), DB_OK);
    no_errors(&e);
    assert_int_equal(version(f, "figures_version"), fv + 2);
    assert_int_equal(version(f, "directory_version"), dv + 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'cluster_member_add'"
                               " AND entity = 'org' AND entity_id = 10 AND actor_id = 1"
                               " AND ip = '10.0.0.1'"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE cluster_id = 12"
                               " AND role = 'member' AND created_by = 1 AND created_at > 0"),
                     1);

    /* Already a current member: the same date, a later one, an earlier one. */
    const char *dates[] = {"2024-02-29", "2025-01-01", "2020-01-01"};
    for (size_t i = 0; i < 3; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(cluster_member_add(f->t.d, K_VOICT, C_MICRO, NULL, dates[i], 1, NULL, &e),
                         DB_CONSTRAINT);
        has_error(&e, "org_id", FE_ALREADY_MEMBER);
    }
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE cluster_id = 10"), 1);

    /* Ending: not before joining; then a new membership from the end on. */
    int64_t mid = scalar(f, "SELECT id FROM cluster_member WHERE cluster_id = 10");
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_end(f->t.d, mid, "2024-02-28", 1, NULL, &e), DB_CONSTRAINT);
    has_error(&e, "left_on", FE_DATE_ORDER);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_end(f->t.d, mid, "2024-02-31", 1, NULL, &e), DB_CONSTRAINT);
    has_error(&e, "left_on", FE_DATE);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_end(f->t.d, 9999, "2024-05-01", 1, NULL, &e), DB_DONE);
    assert_int_equal(cluster_member_end(f->t.d, mid, "2024-05-01", 1, NULL, &e), DB_OK);
    no_errors(&e);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'cluster_member_end'"
                               " AND entity_id = 10"),
                     1);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, K_VOICT, C_MICRO, NULL, "2024-04-30", 1, NULL, &e),
                     DB_CONSTRAINT); /* overlaps the ended one */
    has_error(&e, "org_id", FE_ALREADY_MEMBER);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_member_add(f->t.d, K_VOICT, C_MICRO, NULL, "2024-05-01", 1, NULL, &e),
                     DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE cluster_id = 10"), 2);
}

/* --- history: stages, SCAN status, labels; profile and team -------------------------------- */

static void test_history_profile_team(void **state)
{
    fixture *f = *state;
    org(f, K_VOICT, "voict", "cluster", 0);
    org(f, C_MICRO, "acme", "company", 0);
    form_errors e;
    int64_t fv = version(f, "figures_version");

    /* Stages: a re-recorded stage replaces its date; refusals write nothing. */
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_set_stage(f->t.d, K_VOICT, "initiative", "2015-01-01", 1, NULL, &e),
                     DB_OK);
    assert_int_equal(cluster_set_stage(f->t.d, K_VOICT, "emerging", "2018-05-01", 1, NULL, &e),
                     DB_OK);
    assert_int_equal(cluster_set_stage(f->t.d, K_VOICT, "initiative", "2014-06-01", 1, NULL, &e),
                     DB_OK);
    no_errors(&e);
    assert_int_equal(cluster_set_stage(f->t.d, K_VOICT, "mature", "2019-02-29", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "stage", FE_CHOICE);
    has_error(&e, "reached_on", FE_DATE);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_set_stage(f->t.d, C_MICRO, "emerging", "2019-01-01", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "org_id", FE_NOT_CLUSTER);
    assert_int_equal(cluster_set_stage(f->t.d, 999, "emerging", "2019-01-01", 1, NULL, NULL),
                     DB_DONE);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_stage"), 2);

    /* SCAN status history, oldest first; the current status is the last. */
    const char *st[][2] = {{"applied", "2016-01-10"},
                           {"founder", "2016-08-02"},
                           {"suspended", "2020-01-01"},
                           {"founder", "2021-01-01"}};
    for (size_t i = 0; i < 4; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(cluster_add_scan_status(f->t.d, K_VOICT, st[i][0], st[i][1],
                                                 i == 2 ? "unpaid" : NULL, 1, NULL, &e),
                         DB_OK);
        no_errors(&e);
    }
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_add_scan_status(f->t.d, K_VOICT, "expelled", "", NULL, 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "status", FE_CHOICE);
    has_error(&e, "since", FE_REQUIRED);
    char long_note[600];
    memset(long_note, 'x', sizeof long_note - 1);
    long_note[sizeof long_note - 1] = '\0';
    memset(&e, 0, sizeof e);
    assert_int_equal(
        cluster_add_scan_status(f->t.d, K_VOICT, "member", "2022-01-01", long_note, 1, NULL, &e),
        DB_CONSTRAINT);
    has_error(&e, "note", FE_TOO_LONG);

    /* Labels: ESCA labels last two years unless told; "other" needs a name. */
    memset(&e, 0, sizeof e);
    assert_int_equal(
        cluster_add_label(f->t.d, K_VOICT, "esca_bronze", NULL, "2012-02-29", NULL, 1, NULL, &e),
        DB_OK);
    assert_int_equal(cluster_add_label(f->t.d, K_VOICT, "other", "Regional award", "2019-05-01",
                                       NULL, 1, NULL, &e),
                     DB_OK);
    no_errors(&e);
    assert_int_equal(
        cluster_add_label(f->t.d, K_VOICT, "other", NULL, "2019-05-01", "2019-05-01", 1, NULL, &e),
        DB_CONSTRAINT);
    has_error(&e, "name", FE_REQUIRED);
    has_error(&e, "expires_on", FE_DATE_ORDER);
    memset(&e, 0, sizeof e);
    assert_int_equal(
        cluster_add_label(f->t.d, K_VOICT, "esca_platinum", NULL, "x", NULL, 1, NULL, &e),
        DB_CONSTRAINT);
    has_error(&e, "label", FE_CHOICE);
    has_error(&e, "awarded_on", FE_DATE);

    /* Profile: trimmed, CRLF as LF, empty as NULL. */
    assert_int_equal(cluster_set_profile(f->t.d, K_VOICT, "  Vision ", "Mission", "",
                                         "Training\r\nExport fairs\r\n", NULL, 1, NULL),
                     DB_OK);
    assert_int_equal(cluster_set_profile(f->t.d, C_MICRO, "v", NULL, NULL, NULL, NULL, 1, NULL),
                     DB_CONSTRAINT);
    assert_int_equal(cluster_set_profile(f->t.d, 999, "v", NULL, NULL, NULL, NULL, 1, NULL),
                     DB_DONE);

    /* Team: a private contact, a public one, an erased person refused. */
    memset(&e, 0, sizeof e);
    assert_int_equal(
        cluster_team_add(f->t.d, K_VOICT, 1, "Manager", 1000, "2016-01-01", 1, NULL, &e), DB_OK);
    assert_int_equal(cluster_team_add(f->t.d, K_VOICT, 2, "Assistant", 500, NULL, 1, NULL, &e),
                     DB_OK);
    no_errors(&e);
    assert_int_equal(cluster_team_add(f->t.d, K_VOICT, 3, "", 1001, "2016-13-01", 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "role", FE_REQUIRED);
    has_error(&e, "fte_milli", FE_RANGE);
    has_error(&e, "since", FE_DATE);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_team_add(f->t.d, K_VOICT, 3, "Member", 100, NULL, 1, NULL, &e),
                     DB_CONSTRAINT);
    has_error(&e, "person_id", FE_INVALID);
    int64_t tid = scalar(f, "SELECT id FROM cluster_team WHERE person_id = 1");
    assert_int_equal(cluster_team_end(f->t.d, tid, "2015-12-31", 1, NULL), DB_CONSTRAINT);
    assert_int_equal(cluster_team_end(f->t.d, 9999, "2020-01-01", 1, NULL), DB_DONE);
    assert_int_equal(cluster_team_end(f->t.d, tid, "2023-06-30", 1, NULL), DB_OK);

    /* Everything read back. */
    cluster_info ci;
    assert_int_equal(cluster_get(f->t.d, &f->a, K_VOICT, false, &ci), DB_OK);
    assert_int_equal(ci.n_stages, 2);
    assert_string_equal(ci.stages[0].stage, "initiative");
    assert_string_equal(ci.stages[0].reached_on, "2014-06-01");
    assert_string_equal(ci.stages[1].stage, "emerging"); /* current = last */
    assert_int_equal(ci.n_scan, 4);
    assert_string_equal(ci.scan[0].status, "applied");
    assert_string_equal(ci.scan[2].status, "suspended");
    assert_string_equal(ci.scan[2].note, "unpaid");
    assert_string_equal(ci.scan[3].status, "founder");
    assert_string_equal(ci.scan[3].since, "2021-01-01");
    assert_int_equal(ci.scan[3].created_by, 1);
    assert_int_equal(ci.n_labels, 2);
    assert_string_equal(ci.labels[0].label, "esca_bronze");
    assert_string_equal(ci.labels[0].expires_on, "2014-02-28");
    assert_string_equal(ci.labels[1].name, "Regional award");
    assert_null(ci.labels[1].expires_on);
    assert_string_equal(ci.vision, "Vision");
    assert_null(ci.goals);
    assert_null(ci.networks);
    assert_string_equal(ci.services, "Training\nExport fairs");
    assert_int_equal(ci.n_team, 2);
    assert_string_equal(ci.team[0].name, "Public Pera"); /* current first */
    assert_string_equal(ci.team[0].email, "pera@example.com");
    assert_int_equal(ci.team[0].fte_milli, 500);
    assert_string_equal(ci.team[1].name, "Ana Urednik");
    assert_null(ci.team[1].email); /* private, and the reader may not see it */
    assert_string_equal(ci.team[1].until, "2023-06-30");
    assert_int_equal(cluster_get(f->t.d, &f->a, K_VOICT, true, &ci), DB_OK);
    assert_string_equal(ci.team[1].email, "ana@example.com");
    assert_string_equal(ci.team[1].phone, "+381 11 123");

    /* An invitation: pending (and replaced by a second one) until accepted
     * by the person, with its mail; nobody else can accept it. */
    memset(&e, 0, sizeof e);
    int64_t mails = scalar(f, "SELECT count(*) FROM outbox");
    assert_int_equal(cluster_team_invite(f->t.d, K_VOICT, 1, "Analyst", NULL, false, 200, NULL,
                                         "https://scan.example/orgs/voict/team/accept", 2, NULL,
                                         &e),
                     DB_OK);
    assert_int_equal(cluster_team_invite(f->t.d, K_VOICT, 1, "Analyst", NULL, false, 300, NULL,
                                         "https://scan.example/orgs/voict/team/accept", 2, NULL,
                                         &e),
                     DB_OK);
    no_errors(&e);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_team WHERE invited = 1"), 1);
    assert_int_equal(scalar(f, "SELECT fte_milli FROM cluster_team WHERE invited = 1"), 300);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox"), mails + 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE body LIKE"
                               " '%https://scan.example/orgs/voict/team/accept%'"),
                     2);
    assert_int_equal(cluster_team_accept(f->t.d, K_VOICT, 2, NULL), DB_DONE);
    assert_int_equal(cluster_team_accept(f->t.d, K_VOICT, 1, NULL), DB_OK);
    assert_int_equal(cluster_team_accept(f->t.d, K_VOICT, 1, NULL), DB_DONE);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_team WHERE invited = 1"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action IN ('cluster_team_invite',"
                               " 'cluster_team_accept')"),
                     3);
    int64_t aid = scalar(f, "SELECT id FROM cluster_team WHERE role = 'Analyst'");
    assert_int_equal(cluster_team_end(f->t.d, aid, "2024-01-01", 1, NULL), DB_OK);
    assert_int_equal(cluster_get(f->t.d, &f->a, 999, true, &ci), DB_DONE);

    /* Every accepted write: one audit row on the cluster and a bump. */
    int64_t writes = 3 + 4 + 2 + 1 + 2 + 1 + 4; /* the last 4: invitation, its accept and end */
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM audit WHERE entity = 'org' AND entity_id = 10"), writes);
    assert_int_equal(version(f, "figures_version"), fv + writes);
}

/* --- the edit page's one save, labels as claims, team and rights -------------------------- */

static void test_save_claims_grants(void **state)
{
    fixture *f = *state;
    org(f, K_VOICT, "voict", "cluster", 0);
    org(f, C_MICRO, "acme", "company", 0);
    form_errors e = {0};

    /* One save, one transaction: a bad part refuses the whole form. */
    cluster_edit in = {
        .vision = "Визија", .vision_en = "Vision", .stage = "emerging", .reached_on = "2024-02-30"};
    assert_int_equal(cluster_save(f->t.d, K_VOICT, &in, false, 1, NULL, &e), DB_CONSTRAINT);
    assert_non_null(form_error_for(&e, "reached_on"));
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_profile"), 0);
    in.reached_on = "2024-02-01";
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_save(f->t.d, K_VOICT, &in, false, 1, NULL, &e), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_profile WHERE vision_en = 'Vision'"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_stage"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'cluster_profile'"), 1);
    /* the SCAN status is the secretariat's; not a cluster is refused */
    memset(&e, 0, sizeof e);
    cluster_edit scan = {.status = "member", .since = "2024-01-01"};
    assert_int_equal(cluster_save(f->t.d, K_VOICT, &scan, false, 1, NULL, &e), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&e, "status")->code, FE_SECRETARIAT_ONLY);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_save(f->t.d, C_MICRO, &in, false, 1, NULL, &e), DB_CONSTRAINT);

    /* A manager's label is a claim; the secretariat's needs a reference. */
    cluster_edit lbl = {.label = "esca_gold", .awarded_on = "2025-06-01"};
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_save(f->t.d, K_VOICT, &lbl, false, 1, NULL, &e), DB_OK);
    int64_t id = scalar(f, "SELECT id FROM cluster_label WHERE state = 'claimed'");
    assert_true(id > 0);
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM cluster_label WHERE expires_on = '2027-06-01'"), 1);
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_save(f->t.d, K_VOICT, &lbl, true, 1, NULL, &e), DB_CONSTRAINT);
    assert_non_null(form_error_for(&e, "reference"));
    cluster_label_claim *claims = NULL;
    size_t n = 0;
    assert_int_equal(cluster_label_claims(f->t.d, &f->a, &claims, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(claims[0].org_slug, "voict");
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_label_verify(f->t.d, K_VOICT, id, NULL, 1, NULL, &e), DB_CONSTRAINT);
    assert_int_equal(cluster_label_verify(f->t.d, 11, id, "REF-1", 1, NULL, &e), DB_DONE);
    assert_int_equal(cluster_label_verify(f->t.d, K_VOICT, id, "REF-1", 1, NULL, &e), DB_OK);
    assert_int_equal(cluster_label_verify(f->t.d, K_VOICT, id, "REF-2", 1, NULL, &e), DB_DONE);
    cluster_info ci;
    assert_int_equal(cluster_get(f->t.d, &f->a, K_VOICT, false, &ci), DB_OK);
    assert_int_equal(ci.n_labels, 1);
    assert_true(ci.labels[0].verified);
    assert_string_equal(ci.labels[0].reference, "REF-1");
    assert_string_equal(ci.labels[0].verified_by, "Ana Urednik");

    /* The team invitation offers the manager right: accepting starts it
     * while the inviter may still invite; ending the team row ends it. */
    exec(f, "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES (2, 10, "
            "'manager', 0)");
    exec(f, "INSERT INTO account(person_id, created_at) VALUES (2, 0)");
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_team_invite(f->t.d, K_VOICT, 1, "Координатор", "Coordinator", true,
                                         500, NULL, "https://scan.example/orgs/voict/team/accept",
                                         2, NULL, &e),
                     DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM affiliation WHERE person_id = 1"), 0);
    assert_int_equal(cluster_team_accept(f->t.d, K_VOICT, 1, NULL), DB_OK);
    assert_int_equal(scalar(f,
                            "SELECT count(*) FROM affiliation WHERE person_id = 1 AND org_id = 10"
                            " AND role = 'manager' AND ended_at IS NULL AND created_by = 2"),
                     1);
    int64_t team = scalar(f, "SELECT id FROM cluster_team WHERE person_id = 1");
    assert_int_equal(cluster_team_end(f->t.d, team, "2025-12-31", 2, NULL), DB_OK);
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM affiliation WHERE person_id = 1 AND ended_at IS NULL"), 0);
    /* an offer whose sender lost the right to invite grants nothing */
    exec(f, "UPDATE affiliation SET ended_at = 1 WHERE person_id = 2");
    exec(f, "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES (2, 10, "
            "'manager', 0)");
    memset(&e, 0, sizeof e);
    assert_int_equal(cluster_team_invite(f->t.d, K_VOICT, 1, "Analyst", NULL, true, 200, NULL,
                                         "https://scan.example/orgs/voict/team/accept", 2, NULL,
                                         &e),
                     DB_OK);
    exec(f, "UPDATE affiliation SET ended_at = 1 WHERE person_id = 2");
    assert_int_equal(cluster_team_accept(f->t.d, K_VOICT, 1, NULL), DB_OK);
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM affiliation WHERE person_id = 1 AND ended_at IS NULL"), 0);

    /* Members who reported before joining. */
    exec(f,
         "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (10, 20, '2025-03-01')");
    headcount(f, C_MICRO, 2023, "5");
    int64_t *ids = NULL;
    assert_int_equal(cluster_prejoin_reporters(f->t.d, &f->a, K_VOICT, &ids, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], C_MICRO);
}

/* --- memberships by consent (membership.c) ------------------------------------------------ */

/* A manager proposes; the representative is mailed; a decline keeps its
 * reason; a withdrawn proposal cannot be accepted; the secretariat and a
 * proposer who represents the organisation add at once; nothing of a
 * refused write is stored. Person 1 manages VOICT and represents C_SMALL10;
 * person 2 represents C_MICRO. */
static void test_membership_proposals(void **state)
{
    fixture *f = *state;
    org(f, K_VOICT, "voict", "cluster", 2009);
    org(f, K_NICAT, "nicat", "cluster", 2010);
    org(f, C_MICRO, "micro", "company", 2000);
    org(f, C_SMALL10, "small10", "company", 2000);
    org(f, C_SMALL49, "small49", "company", 2000);
    org(f, N_NGO, "assoc", "cluster_association", 2000);
    exec(f, "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
            " (1, 10, 'manager', 0), (1, 21, 'representative', 0), (2, 20, 'representative', 0)");
    principal mgr = {.person_id = 1, .session_id = 1}, rep = {.person_id = 2, .session_id = 1};
    principal ed = {.person_id = 1, .session_id = 1, .secretariat = SEC_EDITOR};
    int64_t fv = version(f, "figures_version");
    form_errors e = {0};
    membership_outcome out;
    int64_t id = 0;

    /* refusals: nothing stored, the field and code named */
    assert_int_equal(
        membership_propose(f->t.d, &mgr, K_VOICT, K_NICAT, NULL, NULL, NULL, NULL, &e, &out, &id),
        DB_CONSTRAINT);
    has_error(&e, "org_id", FE_MEMBER_SECRETARIAT);
    e.n_items = 0;
    assert_int_equal(
        membership_propose(f->t.d, &mgr, K_VOICT, N_NGO, NULL, NULL, NULL, NULL, &e, &out, &id),
        DB_CONSTRAINT);
    has_error(&e, "org_id", FE_MEMBER_SECRETARIAT);
    e.n_items = 0;
    assert_int_equal(membership_propose(f->t.d, &mgr, K_VOICT, C_MICRO, "chair", "2024-02-30", NULL,
                                        NULL, &e, &out, &id),
                     DB_CONSTRAINT);
    has_error(&e, "role", FE_CHOICE);
    has_error(&e, "joined_on", FE_DATE);
    e.n_items = 0;
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member_proposal"), 0);
    assert_int_equal(version(f, "figures_version"), fv);

    /* a proposal, mailed to the representative in English and Serbian */
    assert_int_equal(membership_propose(f->t.d, &mgr, K_VOICT, C_MICRO, NULL, "2020-01-01",
                                        "10.0.0.1", "https://scan.example", &e, &out, &id),
                     DB_OK);
    no_errors(&e);
    assert_int_equal(out, MEMBERSHIP_PROPOSED);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'pera@example.com'"
                               " AND subject LIKE 'SCAN: membership proposal for Name micro / %'"
                               " AND body LIKE '%https://scan.example/account#proposals%'"
                               " AND body LIKE '%Кластер Name voict предлаже%'"),
                     1);
    assert_int_equal(version(f, "figures_version"), fv + 1);
    /* declined with a reason (too long first: refused, still pending) */
    char longer[600];
    memset(longer, 'x', 501);
    longer[501] = '\0';
    assert_int_equal(membership_decline(f->t.d, &rep, id, longer, NULL, &e), DB_CONSTRAINT);
    has_error(&e, "reason", FE_TOO_LONG);
    e.n_items = 0;
    assert_int_equal(membership_decline(f->t.d, &rep, id, "Not now", NULL, &e), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member_proposal WHERE status ="
                               " 'declined' AND reason = 'Not now' AND decided_by = 2"),
                     1);
    assert_int_equal(membership_accept(f->t.d, &rep, id, NULL, &e), DB_CONSTRAINT);
    has_error(&e, "id", FE_NOT_PENDING);
    e.n_items = 0;
    assert_int_equal(membership_accept(f->t.d, &rep, 999, NULL, &e), DB_DONE);

    /* proposed again and withdrawn: only by its own cluster */
    assert_int_equal(
        membership_propose(f->t.d, &mgr, K_VOICT, C_MICRO, NULL, NULL, NULL, NULL, &e, &out, &id),
        DB_OK);
    assert_int_equal(membership_withdraw(f->t.d, K_NICAT, id, 1, NULL, &e), DB_DONE);
    assert_int_equal(membership_withdraw(f->t.d, K_VOICT, id, 1, NULL, &e), DB_OK);
    assert_int_equal(membership_accept(f->t.d, &rep, id, NULL, &e), DB_CONSTRAINT);
    e.n_items = 0;
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member"), 0);

    /* the proposer represents small10: their consent is given, added at once */
    assert_int_equal(membership_propose(f->t.d, &mgr, K_VOICT, C_SMALL10, "board", "2021-05-01",
                                        NULL, NULL, &e, &out, &id),
                     DB_OK);
    assert_int_equal(out, MEMBERSHIP_ADDED);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE org_id = 21"
                               " AND proposed_by = 1 AND accepted_by = 1 AND role = 'board'"),
                     1);
    /* a pending proposal is settled when the secretariat adds the pair itself */
    assert_int_equal(
        membership_propose(f->t.d, &mgr, K_VOICT, C_SMALL49, NULL, NULL, NULL, NULL, &e, &out, &id),
        DB_OK);
    assert_int_equal(out, MEMBERSHIP_PROPOSED);
    int64_t pending = id;
    assert_int_equal(
        membership_propose(f->t.d, &ed, K_VOICT, C_SMALL49, NULL, NULL, NULL, NULL, &e, &out, &id),
        DB_OK);
    assert_int_equal(out, MEMBERSHIP_ADDED);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cluster_member_proposal WHERE id = %lld AND status = "
             "'accepted' AND member_id = %lld",
             (long long)pending, (long long)id);
    assert_int_equal(scalar(f, sql), 1);
    /* the secretariat may add a cluster as a member */
    assert_int_equal(
        membership_propose(f->t.d, &ed, K_VOICT, K_NICAT, NULL, NULL, NULL, NULL, &e, &out, &id),
        DB_OK);
    no_errors(&e);
    /* propose, decline, propose, withdraw, propose; the direct additions are
     * cluster_member_add rows */
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action LIKE 'membership_%'"), 5);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'cluster_member_add'"),
                     3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_class_boundaries),
        cmocka_unit_test_setup_teardown(test_members_and_composition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_member_add_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_profile_team, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_claims_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_membership_proposals, setup, teardown),
    };
    return cmocka_run_group_tests_name("cluster", tests, NULL, NULL);
}
