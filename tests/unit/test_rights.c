/* test_rights.c: rights_can() against the whole table in rights.h, on a
 * real, migrated SQLite database with clusters, members, managers and
 * representatives; plus memberships and affiliations that end, a person
 * with two roles, and read-only API tokens. */
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

#include "core/timeutil.h"
#include "db/db.h"
#include "core/arena.h"
#include "model/figures.h"
#include "model/membership.h"
#include "model/rights.h"

#include "testdb.h"

/* Who is who in the fixture. */
enum { P_ADMIN = 1, P_EDITOR, P_MANAGER, P_REP, P_BOTH, P_NOBODY, P_ENDED, P_NONCLUSTER };
/* Organisations: C is a cluster, I a cluster initiative; M1 is a current
 * member of C, M_LEFT left C yesterday, M_TODAY leaves C today, M_SOON
 * leaves tomorrow, M_LATER joins tomorrow; O is a member of nothing; N is
 * a company with a "manager". */
enum { C = 1, I, M1, M_LEFT, M_TODAY, M_SOON, M_LATER, O, N };

typedef struct fixture {
    testdb t;
} fixture;

/* The fixed clock of every test (time_set_now): 2026-06-15 12:00 in
 * Belgrade, so "today" is the same date for the fixture and for rights_can()
 * however close to midnight the test runs. */
#define NOON_15_JUNE 1781517600 /* 2026-06-15T10:00:00Z */
/* The last second of 15 June in Belgrade (CEST, UTC+2) and the first of 16 June. */
#define LAST_SECOND_15_JUNE 1781560799 /* 2026-06-15T21:59:59Z */
#define MIDNIGHT_16_JUNE    1781560800 /* 2026-06-15T22:00:00Z */

/* A date relative to today in Belgrade, 'YYYY-MM-DD'. */
static void date_rel(int days, char out[11])
{
    time_t t = (time_t)time_now();
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday += days;
    tm.tm_hour = 12; /* clear of DST edges */
    tm.tm_isdst = -1;
    mktime(&tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void exec_sql(fixture *f, const char *sql, const char *a, const char *b, const char *c)
{
    db_stmt *s = db_prepare(f->t.d, sql);
    assert_non_null(s);
    if (a)
        db_bind_text(s, 1, a);
    if (b)
        db_bind_text(s, 2, b);
    if (c)
        db_bind_text(s, 3, c);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
}

static const char SQL_ORG[] = "INSERT INTO org(slug, name, kind, status, created_at, updated_at)"
                              " VALUES ($1, $1, $2, 'published', 0, 0)";
static const char SQL_PERSON[] = "INSERT INTO person(name, email, created_at, updated_at) VALUES "
                                 "($1, $1 || '@example.com', 0, 0)";
static const char SQL_MEMBER[] =
    "INSERT INTO cluster_member(cluster_id, org_id, joined_on, left_on) VALUES (1, $1, $2, $3)";
static const char SQL_AFF[] = "INSERT INTO affiliation(person_id, org_id, role, started_at)"
                              " VALUES ($1, $2, $3, 0)";

static int setup(void **state)
{
    time_setup_zone();
    time_set_now(NOON_15_JUNE);
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open(&f->t) != 0) {
        free(f);
        return -1;
    }
    *state = f;

    static const char *orgs[][2] = {
        {"c", "cluster"},       {"i", "cluster_initiative"},
        {"m1", "company"},      {"m-left", "company"},
        {"m-today", "company"}, {"m-soon", "university"},
        {"m-later", "company"}, {"o", "company"},
        {"n", "company"},
    };
    for (size_t k = 0; k < sizeof orgs / sizeof *orgs; k++)
        exec_sql(f, SQL_ORG, orgs[k][0], orgs[k][1], NULL);
    static const char *people[] = {"admin", "editor", "manager", "rep",
                                   "both",  "nobody", "ended",   "noncluster"};
    for (size_t k = 0; k < sizeof people / sizeof *people; k++)
        exec_sql(f, SQL_PERSON, people[k], NULL, NULL);

    char past[11], yesterday[11], today[11], tomorrow[11];
    date_rel(-400, past);
    date_rel(-1, yesterday);
    date_rel(0, today);
    date_rel(1, tomorrow);
    exec_sql(f, SQL_MEMBER, "3", past, NULL);      /* M1 */
    exec_sql(f, SQL_MEMBER, "4", past, yesterday); /* M_LEFT */
    exec_sql(f, SQL_MEMBER, "5", past, today);     /* M_TODAY */
    exec_sql(f, SQL_MEMBER, "6", past, tomorrow);  /* M_SOON */
    exec_sql(f, SQL_MEMBER, "7", tomorrow, NULL);  /* M_LATER */

    exec_sql(f, SQL_AFF, "3", "1", "manager");        /* manager of C */
    exec_sql(f, SQL_AFF, "4", "3", "representative"); /* representative of M1 */
    exec_sql(f, SQL_AFF, "5", "2", "manager");        /* both: manager of I ... */
    exec_sql(f, SQL_AFF, "5", "8", "representative"); /* ... and representative of O */
    exec_sql(f, SQL_AFF, "7", "1", "manager");        /* ended, below */
    exec_sql(f, SQL_AFF, "8", "9", "manager");        /* "manager" of a company */
    assert_int_equal(db_exec(f->t.d, "UPDATE affiliation SET ended_at = 1 WHERE person_id = 7"),
                     DB_OK);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    testdb_close(&f->t);
    free(f);
    time_set_now(0);
    return 0;
}

static principal who(int person)
{
    principal p = {.account_id = person, .person_id = person, .session_id = 1};
    if (person == P_ADMIN)
        p.secretariat = SEC_ADMIN;
    if (person == P_EDITOR)
        p.secretariat = SEC_EDITOR;
    return p;
}

static const char *right_name(right r)
{
    static const char *names[] = {"VIEW_MEMBERS", "ORG_CREATE",   "ORG_EDIT",         "ORG_DELETE",
                                  "MEMBERS_EDIT", "FIGURES_EDIT", "FIGURES_VERIFY",   "INVITE",
                                  "USERS_MANAGE", "AUDIT_VIEW",   "MEMBERSHIP_DECIDE"};
    return names[r];
}

typedef struct expect {
    right action;
    int org; /* 0: not about an organisation */
    bool yes;
} expect;

/* Checks every expectation for one principal; reports all failures. */
static void check_all(fixture *f, const principal *p, const char *label, const expect *e, size_t n)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        bool got = rights_can(f->t.d, p, e[k].action, e[k].org);
        if (got != e[k].yes) {
            print_error("%s: %s on org %d: expected %s\n", label, right_name(e[k].action), e[k].org,
                        e[k].yes ? "yes" : "no");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

#define CHECK(f, p, label, table) check_all(f, p, label, table, sizeof table / sizeof *table)

static const right ALL[] = {RIGHT_VIEW_MEMBERS,   RIGHT_ORG_CREATE,       RIGHT_ORG_EDIT,
                            RIGHT_ORG_DELETE,     RIGHT_MEMBERS_EDIT,     RIGHT_FIGURES_EDIT,
                            RIGHT_FIGURES_VERIFY, RIGHT_INVITE,           RIGHT_USERS_MANAGE,
                            RIGHT_AUDIT_VIEW,     RIGHT_MEMBERSHIP_DECIDE};

static void test_admin_may_everything(void **state)
{
    fixture *f = *state;
    principal p = who(P_ADMIN);
    for (size_t k = 0; k < sizeof ALL / sizeof *ALL; k++) {
        if (ALL[k] == RIGHT_MEMBERSHIP_DECIDE)
            continue; /* below */
        assert_true(rights_can(f->t.d, &p, ALL[k], 0));
        assert_true(rights_can(f->t.d, &p, ALL[k], C));
        assert_true(rights_can(f->t.d, &p, ALL[k], O));
    }
    /* everything but speaking for an organisation that has a representative */
    assert_false(rights_can(f->t.d, &p, RIGHT_MEMBERSHIP_DECIDE, O));
    assert_true(rights_can(f->t.d, &p, RIGHT_MEMBERSHIP_DECIDE, N));
}

static void test_editor_column(void **state)
{
    fixture *f = *state;
    principal p = who(P_EDITOR);
    static const expect t[] = {
        {RIGHT_VIEW_MEMBERS, 0, true},
        {RIGHT_ORG_CREATE, 0, true},
        {RIGHT_ORG_EDIT, O, true},
        {RIGHT_ORG_EDIT, C, true},
        {RIGHT_ORG_DELETE, O, false},
        {RIGHT_MEMBERS_EDIT, C, true},
        {RIGHT_FIGURES_EDIT, O, true},
        {RIGHT_FIGURES_VERIFY, O, true},
        {RIGHT_INVITE, C, false},
        {RIGHT_INVITE, 0, false},
        {RIGHT_USERS_MANAGE, 0, false},
        {RIGHT_AUDIT_VIEW, 0, false},
        {RIGHT_MEMBERSHIP_DECIDE, O, false}, /* O has a representative: O decides */
        {RIGHT_MEMBERSHIP_DECIDE, N, true},  /* nobody speaks for N: the secretariat */
    };
    CHECK(f, &p, "editor", t);
}

static void test_manager_column(void **state)
{
    fixture *f = *state;
    principal p = who(P_MANAGER);
    static const expect t[] = {
        {RIGHT_VIEW_MEMBERS, 0, true},
        {RIGHT_ORG_CREATE, 0, false},
        {RIGHT_ORG_EDIT, C, true},
        {RIGHT_ORG_EDIT, M1, false}, /* C only */
        {RIGHT_ORG_EDIT, O, false},
        {RIGHT_ORG_DELETE, C, false},
        {RIGHT_MEMBERS_EDIT, C, true},
        {RIGHT_MEMBERS_EDIT, M1, false},
        {RIGHT_MEMBERS_EDIT, I, false},
        {RIGHT_FIGURES_EDIT, C, true},
        {RIGHT_FIGURES_EDIT, M1, true},       /* C's members */
        {RIGHT_FIGURES_EDIT, M_LEFT, false},  /* left yesterday */
        {RIGHT_FIGURES_EDIT, M_TODAY, false}, /* leaves today: no longer current */
        {RIGHT_FIGURES_EDIT, M_SOON, true},   /* leaves tomorrow: still current */
        {RIGHT_FIGURES_EDIT, M_LATER, false}, /* joins tomorrow: not yet */
        {RIGHT_FIGURES_EDIT, O, false},
        {RIGHT_FIGURES_EDIT, 0, false},
        {RIGHT_FIGURES_VERIFY, C, false},
        {RIGHT_INVITE, C, true},
        {RIGHT_INVITE, M1, false}, /* a member's people are its own to choose */
        {RIGHT_INVITE, M_LEFT, false},
        {RIGHT_INVITE, O, false},
        {RIGHT_INVITE, 0, false},
        {RIGHT_USERS_MANAGE, 0, false},
        {RIGHT_AUDIT_VIEW, 0, false},
        {RIGHT_MEMBERSHIP_DECIDE, M1, false}, /* only the member itself accepts */
        {RIGHT_MEMBERSHIP_DECIDE, C, false},
    };
    CHECK(f, &p, "manager of C", t);
}

static void test_representative_column(void **state)
{
    fixture *f = *state;
    principal p = who(P_REP);
    static const expect t[] = {
        {RIGHT_VIEW_MEMBERS, 0, true},
        {RIGHT_ORG_CREATE, 0, false},
        {RIGHT_ORG_EDIT, M1, true},
        {RIGHT_ORG_EDIT, C, false},
        {RIGHT_ORG_EDIT, O, false},
        {RIGHT_ORG_DELETE, M1, false},
        {RIGHT_MEMBERS_EDIT, M1, false},
        {RIGHT_MEMBERS_EDIT, C, false},
        {RIGHT_FIGURES_EDIT, M1, true},
        {RIGHT_FIGURES_EDIT, C, false},
        {RIGHT_FIGURES_EDIT, O, false},
        {RIGHT_FIGURES_VERIFY, M1, false},
        {RIGHT_INVITE, M1, true},
        {RIGHT_USERS_MANAGE, 0, false},
        {RIGHT_AUDIT_VIEW, 0, false},
        {RIGHT_MEMBERSHIP_DECIDE, M1, true},
        {RIGHT_MEMBERSHIP_DECIDE, O, false},
    };
    CHECK(f, &p, "representative of M1", t);
}

static void test_no_affiliation_and_public(void **state)
{
    fixture *f = *state;
    principal nobody = who(P_NOBODY), ended = who(P_ENDED);
    for (size_t k = 0; k < sizeof ALL / sizeof *ALL; k++) {
        for (int org = 0; org <= N; org++) {
            assert_false(rights_can(f->t.d, NULL, ALL[k], org));
            assert_false(rights_can(f->t.d, &nobody, ALL[k], org));
            assert_false(rights_can(f->t.d, &ended, ALL[k], org)); /* ended affiliation */
        }
    }
}

static void test_two_roles(void **state)
{
    fixture *f = *state;
    principal p = who(P_BOTH); /* manager of I (a cluster initiative), representative of O */
    static const expect t[] = {
        {RIGHT_VIEW_MEMBERS, 0, true},
        {RIGHT_ORG_EDIT, I, true},
        {RIGHT_ORG_EDIT, O, true},
        {RIGHT_ORG_EDIT, C, false},
        {RIGHT_MEMBERS_EDIT, I, true},
        {RIGHT_MEMBERS_EDIT, O, false}, /* representing O gives no manager rights */
        {RIGHT_FIGURES_EDIT, I, true},
        {RIGHT_FIGURES_EDIT, O, true},
        {RIGHT_FIGURES_EDIT, M1, false},
        {RIGHT_INVITE, I, true},
        {RIGHT_INVITE, O, true}, /* colleagues for the organisation they represent */
        {RIGHT_ORG_DELETE, O, false},
        {RIGHT_FIGURES_VERIFY, O, false},
    };
    CHECK(f, &p, "manager of I and representative of O", t);
    /* O joins I today: the manager of I gains figures and invitations for O */
    char today[11];
    date_rel(0, today);
    exec_sql(f, "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (2, 8, $1)",
             today, NULL, NULL);
    assert_true(rights_can(f->t.d, &p, RIGHT_INVITE, O));
    assert_false(rights_can(f->t.d, &p, RIGHT_MEMBERS_EDIT, O));
}

static void test_manager_of_a_company_is_no_cluster_manager(void **state)
{
    fixture *f = *state;
    principal p = who(P_NONCLUSTER);
    assert_true(rights_can(f->t.d, &p, RIGHT_VIEW_MEMBERS, 0));
    assert_false(rights_can(f->t.d, &p, RIGHT_ORG_EDIT, N));
    assert_false(rights_can(f->t.d, &p, RIGHT_MEMBERS_EDIT, N));
    assert_false(rights_can(f->t.d, &p, RIGHT_INVITE, N));
}

static void test_endings_take_rights_at_once(void **state)
{
    fixture *f = *state;
    principal p = who(P_MANAGER);
    assert_true(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M1));
    /* M1's membership ended yesterday: the manager's right over it goes */
    char yesterday[11];
    date_rel(-1, yesterday);
    exec_sql(f, "UPDATE cluster_member SET left_on = $1 WHERE org_id = 3", yesterday, NULL, NULL);
    assert_false(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M1));
    assert_false(rights_can(f->t.d, &p, RIGHT_INVITE, M1));
    assert_true(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, C));
    /* the affiliation ends: every right goes */
    assert_int_equal(db_exec(f->t.d, "UPDATE affiliation SET ended_at = 2 WHERE person_id = 3"),
                     DB_OK);
    for (size_t k = 0; k < sizeof ALL / sizeof *ALL; k++)
        for (int org = 0; org <= N; org++)
            assert_false(rights_can(f->t.d, &p, ALL[k], org));
}

/* "Today" is the date in Belgrade, and it turns at Belgrade's midnight, not
 * UTC's: M_SOON (leaves on 16 June) is current until the last second of 15
 * June and not from the first second of 16 June, two hours before midnight
 * UTC. Only a fixed clock makes this testable. */
static void test_today_turns_at_midnight_in_belgrade(void **state)
{
    fixture *f = *state;
    principal p = who(P_MANAGER);
    char today[11];
    time_set_now(LAST_SECOND_15_JUNE);
    date_rel(0, today);
    assert_string_equal(today, "2026-06-15");
    assert_true(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M_SOON));
    assert_false(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M_LATER)); /* joins 16 June */
    time_set_now(MIDNIGHT_16_JUNE);
    date_rel(0, today);
    assert_string_equal(today, "2026-06-16");
    assert_false(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M_SOON));
    assert_false(rights_can(f->t.d, &p, RIGHT_INVITE, M_SOON));
    assert_true(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M_LATER)); /* joined today */
    assert_true(rights_can(f->t.d, &p, RIGHT_FIGURES_EDIT, M1));
}

static void test_read_only_tokens(void **state)
{
    fixture *f = *state;
    principal ro = who(P_MANAGER);
    ro.session_id = 0;
    ro.token_id = 7;
    ro.token_write = false;
    principal rw = ro;
    rw.token_write = true;
    for (size_t k = 0; k < sizeof ALL / sizeof *ALL; k++) {
        bool w = rights_is_write(ALL[k]);
        bool session =
            rights_can(f->t.d, &(principal){.person_id = P_MANAGER, .session_id = 1}, ALL[k], C);
        assert_int_equal(rights_can(f->t.d, &rw, ALL[k], C), session);
        assert_int_equal(rights_can(f->t.d, &ro, ALL[k], C), session && !w);
    }
    assert_true(rights_can(f->t.d, &ro, RIGHT_VIEW_MEMBERS, 0));
    assert_false(rights_can(f->t.d, &ro, RIGHT_ORG_EDIT, C));
    assert_false(rights_can(f->t.d, &ro, RIGHT_FIGURES_EDIT, M1));
    /* even an admin's read-only token reads only */
    principal admin_ro = who(P_ADMIN);
    admin_ro.session_id = 0;
    admin_ro.token_id = 8;
    assert_true(rights_can(f->t.d, &admin_ro, RIGHT_AUDIT_VIEW, 0));
    assert_true(rights_can(f->t.d, &admin_ro, RIGHT_VIEW_MEMBERS, 0));
    assert_false(rights_can(f->t.d, &admin_ro, RIGHT_ORG_DELETE, O));
    assert_false(rights_can(f->t.d, &admin_ro, RIGHT_USERS_MANAGE, 0));
    admin_ro.token_write = true;
    assert_true(rights_can(f->t.d, &admin_ro, RIGHT_ORG_DELETE, O));
}

static void test_which_rights_write(void **state)
{
    (void)state;
    assert_false(rights_is_write(RIGHT_VIEW_MEMBERS));
    assert_false(rights_is_write(RIGHT_AUDIT_VIEW));
    assert_true(rights_is_write(RIGHT_ORG_CREATE));
    assert_true(rights_is_write(RIGHT_ORG_EDIT));
    assert_true(rights_is_write(RIGHT_ORG_DELETE));
    assert_true(rights_is_write(RIGHT_MEMBERS_EDIT));
    assert_true(rights_is_write(RIGHT_FIGURES_EDIT));
    assert_true(rights_is_write(RIGHT_FIGURES_VERIFY));
    assert_true(rights_is_write(RIGHT_INVITE));
    assert_true(rights_is_write(RIGHT_USERS_MANAGE));
    assert_true(rights_is_write(RIGHT_MEMBERSHIP_DECIDE));
}

static int year_now(void)
{
    time_t t = (time_t)time_now();
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static int64_t scalar(fixture *f, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(f->t.d, sql, &v), DB_OK);
    return v;
}

/* A manager's addition is a proposal: no right until the organisation's
 * representative accepts it, and then only from the acceptance year on,
 * however far back the joining date goes. */
static void test_proposal_gives_no_rights_acceptance_does(void **state)
{
    fixture *f = *state;
    principal mgr = who(P_MANAGER), rep_o = who(P_BOTH), rep_m1 = who(P_REP);
    membership_outcome out = MEMBERSHIP_ADDED;
    int64_t id = 0;
    form_errors e = {0};
    assert_int_equal(
        membership_propose(f->t.d, &mgr, C, O, NULL, "2015-03-01", NULL, NULL, &e, &out, &id),
        DB_OK);
    assert_int_equal(out, MEMBERSHIP_PROPOSED);
    assert_true(id > 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE org_id = 8"), 0);
    assert_false(rights_can(f->t.d, &mgr, RIGHT_FIGURES_EDIT, O));
    assert_false(rights_can(f->t.d, &mgr, RIGHT_INVITE, O));
    assert_false(rights_can_year(f->t.d, &mgr, RIGHT_FIGURES_EDIT, O, 2016));
    /* only O's representative (or the secretariat) may decide */
    assert_false(rights_can(f->t.d, &mgr, RIGHT_MEMBERSHIP_DECIDE, O));
    assert_false(rights_can(f->t.d, &rep_m1, RIGHT_MEMBERSHIP_DECIDE, O));
    assert_true(rights_can(f->t.d, &rep_o, RIGHT_MEMBERSHIP_DECIDE, O));
    /* the same pair cannot be proposed twice */
    assert_int_equal(
        membership_propose(f->t.d, &mgr, C, O, NULL, "2016-01-01", NULL, NULL, &e, NULL, NULL),
        DB_CONSTRAINT);
    assert_int_equal(e.items[0].code, FE_ALREADY_PROPOSED);

    assert_int_equal(membership_accept(f->t.d, &rep_o, id, NULL, NULL), DB_OK);
    assert_true(rights_can(f->t.d, &mgr, RIGHT_FIGURES_EDIT, O));
    assert_false(rights_can(f->t.d, &mgr, RIGHT_INVITE, O)); /* O's people stay O's choice */
    int y = year_now();
    assert_true(rights_can_year(f->t.d, &mgr, RIGHT_FIGURES_EDIT, O, y));
    assert_false(
        rights_can_year(f->t.d, &mgr, RIGHT_FIGURES_EDIT, O, y - 1)); /* before acceptance */
    assert_false(rights_can_year(f->t.d, &mgr, RIGHT_FIGURES_EDIT, O, 2016));
    assert_true(rights_can_year(f->t.d, &rep_o, RIGHT_FIGURES_EDIT, O, 2016)); /* O itself: any */
    /* the history: joined as proposed, who proposed, who accepted */
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE org_id = 8"
                               " AND joined_on = '2015-03-01' AND proposed_by = 3"
                               " AND accepted_by = 5 AND accepted_at > 0"),
                     1);
    assert_int_equal(membership_accept(f->t.d, &rep_o, id, NULL, &e), DB_CONSTRAINT);
    /* a row recorded by the system (accepted_at NULL) counts from joining */
    char past[11];
    date_rel(-400, past);
    int joined = atoi(past);
    assert_true(rights_can_year(f->t.d, &mgr, RIGHT_FIGURES_EDIT, M1, joined));
    assert_false(rights_can_year(f->t.d, &mgr, RIGHT_FIGURES_EDIT, M1, joined - 1));
    /* the same rule as one number per organisation (the importer's) */
    assert_int_equal(rights_figures_first_year(f->t.d, &mgr, O), y);
    assert_int_equal(rights_figures_first_year(f->t.d, &mgr, M1), joined);
    assert_int_equal(rights_figures_first_year(f->t.d, &mgr, C), 0);   /* their own cluster */
    assert_int_equal(rights_figures_first_year(f->t.d, &rep_o, O), 0); /* O itself */
    assert_int_equal(rights_figures_first_year(f->t.d, &mgr, M_LATER), -1);
    assert_int_equal(rights_figures_first_year(f->t.d, &rep_m1, O), -1);
    principal ed = who(P_EDITOR);
    assert_int_equal(rights_figures_first_year(f->t.d, &ed, O), 0);
}

/* Organisations without a representative: the secretariat confirms. */
static void test_secretariat_confirms(void **state)
{
    fixture *f = *state;
    principal mgr = who(P_MANAGER), ed = who(P_EDITOR), rep = who(P_REP);
    int64_t id = 0;
    assert_int_equal(
        membership_propose(f->t.d, &mgr, C, N, "board", NULL, NULL, NULL, NULL, NULL, &id), DB_OK);
    membership_proposal *items = NULL;
    size_t n = 0;
    arena a = ARENA_INIT;
    assert_int_equal(membership_pending_for(f->t.d, &a, &ed, &items, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, id);
    assert_false(items[0].org_has_rep);
    assert_int_equal(membership_pending_for(f->t.d, &a, &rep, &items, &n), DB_OK);
    assert_int_equal(n, 0); /* not N's representative */
    assert_int_equal(membership_pending_of_cluster(f->t.d, &a, C, &items, &n), DB_OK);
    assert_int_equal(n, 1);
    arena_free(&a);
    assert_false(rights_can(f->t.d, &rep, RIGHT_MEMBERSHIP_DECIDE, N));
    assert_true(rights_can(f->t.d, &ed, RIGHT_MEMBERSHIP_DECIDE, N));
    assert_int_equal(membership_accept(f->t.d, &ed, id, NULL, NULL), DB_OK);
    assert_true(rights_can(f->t.d, &mgr, RIGHT_FIGURES_EDIT, N));
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member_proposal"
                               " WHERE status = 'accepted' AND decided_by = 2 AND member_id > 0"),
                     1);
}

/* A cluster as a member: the secretariat's decision; and even then its
 * manager cannot be appointed by the manager of C. */
static void test_cluster_as_member_needs_secretariat(void **state)
{
    fixture *f = *state;
    principal mgr = who(P_MANAGER), ed = who(P_EDITOR);
    form_errors e = {0};
    assert_int_equal(
        membership_propose(f->t.d, &mgr, C, I, NULL, "2010-01-01", NULL, NULL, &e, NULL, NULL),
        DB_CONSTRAINT);
    assert_int_equal(e.n_items, 1);
    assert_string_equal(e.items[0].field, "org_id");
    assert_int_equal(e.items[0].code, FE_MEMBER_SECRETARIAT);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member_proposal"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE org_id = 2"), 0);
    assert_false(rights_can(f->t.d, &mgr, RIGHT_INVITE, I));
    membership_outcome out = MEMBERSHIP_PROPOSED;
    assert_int_equal(
        membership_propose(f->t.d, &ed, C, I, NULL, "2010-01-01", NULL, NULL, NULL, &out, NULL),
        DB_OK);
    assert_int_equal(out, MEMBERSHIP_ADDED);
    assert_int_equal(scalar(f, "SELECT count(*) FROM cluster_member WHERE org_id = 2"
                               " AND accepted_by = 2 AND proposed_by = 2"),
                     1);
    assert_false(rights_can(f->t.d, &mgr, RIGHT_INVITE, I)); /* no take-over by invitation */
    assert_false(rights_can(f->t.d, &mgr, RIGHT_MEMBERS_EDIT, I));
}

/* The figures import checks every row: a representative of M1 importing a
 * row for another organisation gets that row refused and nothing stored. */
static void test_import_rows_need_rights(void **state)
{
    fixture *f = *state;
    principal rep = who(P_REP), mgr = who(P_MANAGER);
    arena a = ARENA_INIT;
    figures_import_report r;
    int y = year_now(); /* M1 and M_SOON joined last year or this one */
    char csv[256], own[256], msg[80];
    snprintf(csv, sizeof csv,
             "slug,year,employees,revenue,exports,rnd,currency,source\r\n"
             "m1,%d,10,,,,EUR,self_reported\r\nm-soon,%d,20,,,,EUR,self_reported\r\n",
             y, y);
    snprintf(own, sizeof own,
             "slug,year,employees,revenue,exports,rnd,currency,source\r\n"
             "m1,%d,10,,,,EUR,self_reported\r\n",
             y);
    snprintf(msg, sizeof msg, "you may not change the figures of m-soon for %d", y);
    assert_int_equal(
        figures_import(f->t.d, &a, csv, strlen(csv), 0, false, P_REP, NULL, &rep, LANG_EN, &r),
        DB_CONSTRAINT);
    assert_int_equal(r.n_problems, 1);
    assert_int_equal(r.problems[0].line, 3);
    assert_string_equal(r.problems[0].message, msg);
    buf_free(&r.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure"), 0); /* not even m1's row */
    /* the manager of C may change both (current members of C) */
    assert_int_equal(
        figures_import(f->t.d, &a, csv, strlen(csv), C, true, P_MANAGER, NULL, &mgr, LANG_EN, &r),
        DB_OK);
    assert_int_equal(r.created, 2);
    buf_free(&r.preview);
    /* the representative's own row alone goes through */
    assert_int_equal(
        figures_import(f->t.d, &a, own, strlen(own), 0, false, P_REP, NULL, &rep, LANG_EN, &r),
        DB_OK);
    buf_free(&r.preview);
    assert_int_equal(scalar(f, "SELECT count(*) FROM org_figure"), 1);
    arena_free(&a);
}

/* RIGHT_PROJECT_EDIT with org 0: may this person lead some project at
 * all (the /projects/new form is shown only then): a representative, a
 * cluster's manager, the secretariat; never a "manager" of a company, an
 * ended affiliation, nobody, a read-only token, or a representative of an
 * entry no project may name (a draft). */
static void test_may_start_a_project(void **state)
{
    fixture *f = *state;
    static const struct {
        int person;
        bool yes;
    } t[] = {{P_ADMIN, true}, {P_EDITOR, true},  {P_MANAGER, true}, {P_REP, true},
             {P_BOTH, true},  {P_NOBODY, false}, {P_ENDED, false},  {P_NONCLUSTER, false}};
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        principal p = who(t[k].person);
        if (rights_can(f->t.d, &p, RIGHT_PROJECT_EDIT, 0) != t[k].yes)
            fail_msg("person %d: expected %s", t[k].person, t[k].yes ? "yes" : "no");
    }
    assert_false(rights_can(f->t.d, NULL, RIGHT_PROJECT_EDIT, 0));
    principal ro = who(P_REP);
    ro.token_id = 1;
    assert_false(rights_can(f->t.d, &ro, RIGHT_PROJECT_EDIT, 0));
    assert_int_equal(db_exec(f->t.d, "UPDATE org SET status = 'draft' WHERE id = 3"), DB_OK);
    principal rep = who(P_REP);
    assert_false(rights_can(f->t.d, &rep, RIGHT_PROJECT_EDIT, 0));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_admin_may_everything),
        T(test_editor_column),
        T(test_manager_column),
        T(test_representative_column),
        T(test_no_affiliation_and_public),
        T(test_two_roles),
        T(test_manager_of_a_company_is_no_cluster_manager),
        T(test_endings_take_rights_at_once),
        T(test_today_turns_at_midnight_in_belgrade),
        T(test_read_only_tokens),
        T(test_proposal_gives_no_rights_acceptance_does),
        T(test_secretariat_confirms),
        T(test_cluster_as_member_needs_secretariat),
        T(test_import_rows_need_rights),
        T(test_may_start_a_project),
        cmocka_unit_test(test_which_rights_write),
    };
#undef T
    return cmocka_run_group_tests_name("rights", tests, NULL, NULL);
}
