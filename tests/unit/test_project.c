/* test_project.c: joint projects (model/project.c, project_network.c):
 * the portfolio's once-only counting on hand-made data (a project with
 * several SCAN participants once in every total, an organisation in two
 * clusters once, each cluster's row counting its projects once, unknown
 * shares counted not summed, success by year of submission, clusters
 * outside SCAN left out), the refusals that store nothing (grant over
 * budget, two leads, no lead, end before start, co-financing over 100 %,
 * an unknown participant), visibility of a private project, the
 * network's ties and grouping, and consent (model/tie.c): each kind's row
 * answers once, a funder not confirmed is shown to nobody outside and its
 * grant counts in no total. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "model/project.h"
#include "model/tie.h"

#include "testdb.h"

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

/* Clusters A (1) and B (2) are SCAN members, C (3) is not; company X (4)
 * is a member of both A and B, Y (5) of A only, Z (6) of C; 7 is SCAN, 8 a
 * university, 9 a donor. Person 1 represents Y. */
static const char SEED[] =
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
    " (1, 'ca', 'A', 'cluster', 'published', 0, 0), (2, 'cb', 'B', 'cluster', 'published', 0, 0),"
    " (3, 'cc', 'C', 'cluster', 'published', 0, 0), (4, 'x', 'X', 'company', 'published', 0, 0),"
    " (5, 'y', 'Y', 'company', 'published', 0, 0), (6, 'z', 'Z', 'company', 'published', 0, 0),"
    " (7, 'scan', 'SCAN', 'cluster_association', 'published', 0, 0),"
    " (8, 'uni', 'Uni', 'university', 'published', 0, 0),"
    " (9, 'donor', 'Donor', 'donor', 'published', 0, 0);"
    "INSERT INTO scan_membership(org_id, status, since, created_at) VALUES"
    " (1, 'founder', '2010-01-01', 0), (2, 'member', '2015-01-01', 0),"
    " (3, 'member', '2015-01-01', 0), (3, 'left', '2020-01-01', 0);"
    "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES"
    " (1, 4, '2012-01-01'), (2, 4, '2016-01-01'), (1, 5, '2012-01-01'), (3, 6, '2012-01-01');"
    "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
    " (1, 'Ана', 'ana@example.com', 0, 0), (2, 'Бора', 'bora@example.com', 0, 0);"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES (1, 5, 'representative', "
    "0);"
    /* P1: A, B and X (X in both clusters), grant 1000, 2024; shares A 300, X 200, B unknown */
    "INSERT INTO project(id, title_sr, programme, funder_id, status, submitted_on, starts_on,"
    " budget_cents, grant_cents, visibility, created_at, updated_at) VALUES"
    " (1, 'P1', 'H', 9, 'running', '2023-05-01', '2024-01-01', 2000, 1000, 'public', 0, 0),"
    /* P2: Y with the university, grant 500, 2024, approved */
    " (2, 'P2', 'I', NULL, 'approved', '2023-06-01', '2024-03-01', 500, 500, 'public', 0, 0),"
    /* P3: Z of C (not SCAN): never counted */
    " (3, 'P3', 'H', NULL, 'approved', '2023-06-01', '2024-03-01', 900, 900, 'public', 0, 0),"
    /* P4: A, rejected, submitted 2023: counts in success only */
    " (4, 'P4', 'H', NULL, 'rejected', '2023-02-01', NULL, 700, 700, 'public', 0, 0),"
    /* P5: private, Y leads, grant 100, 2025 */
    " (5, 'P5', 'I', NULL, 'approved', '2024-11-01', '2025-01-01', 100, 100, 'participants', 0, 0);"
    "INSERT INTO project_participant(project_id, org_id, role, share_cents) VALUES"
    " (1, 1, 'lead', 300), (1, 2, 'partner', NULL), (1, 4, 'partner', 200), (1, 8, 'partner', 300),"
    " (2, 5, 'lead', 250), (2, 8, 'partner', 250),"
    " (3, 6, 'lead', 900),"
    " (4, 1, 'lead', NULL),"
    " (5, 5, 'lead', 100);"
    "INSERT INTO agreement(id, kind, title_sr, status, signed_on, created_at, updated_at) VALUES"
    " (1, 'mou', 'M', 'signed', '2024-01-01', 0, 0), (2, 'mou', 'D', 'draft', NULL, 0, 0);"
    "INSERT INTO agreement_party(agreement_id, org_id) VALUES (1, 7), (1, 9), (1, 1), (2, 7), (2, "
    "8);";

static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t || testdb_open_seeded(t, SEED) != 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    testdb_close(*state);
    free(*state);
    return 0;
}

static const portfolio_year *year_of(const portfolio *p, int y)
{
    for (size_t i = 0; i < p->n_years; i++)
        if (p->years[i].year == y)
            return &p->years[i];
    return NULL;
}

static void portfolio_counts_once(void **state)
{
    testdb *t = *state;
    arena a = ARENA_INIT;
    project_viewer pub = {0, false};
    portfolio p;
    assert_int_equal(project_portfolio(t->d, &a, &pub, "2026-06-01", &p), DB_OK);
    /* P1 once (1000) + P2 (500); P3 is C's (not SCAN), P4 rejected, P5 private */
    assert_int_equal(p.total.projects, 2);
    assert_int_equal(p.total.grant_cents, 1500);
    /* shares of SCAN participants, X once though in two clusters: A 300 +
     * X 200 + Y 250; B's unknown counted, not summed */
    assert_int_equal(p.total.shares_cents, 750);
    assert_int_equal(p.total.shares_unknown, 1);
    const portfolio_year *y24 = year_of(&p, 2024);
    assert_non_null(y24);
    assert_int_equal(y24->projects, 2);
    assert_int_equal(y24->grant_cents, 1500);
    /* success by year of submission: 2023 saw P1, P2, P4 from SCAN; two won */
    const portfolio_year *y23 = year_of(&p, 2023);
    assert_non_null(y23);
    assert_int_equal(y23->submitted, 3);
    assert_int_equal(y23->won, 2);
    assert_null(year_of(&p, 2025)); /* only the private project started then */
    /* by cluster: A has P1 (itself, X) and P2 (Y): 1500, P1 once though
     * two of its participants take part; B has P1 (itself, X) */
    assert_int_equal(p.n_clusters, 2);
    for (size_t i = 0; i < p.n_clusters; i++) {
        if (strcmp(p.clusters[i].key, "ca") == 0) {
            assert_int_equal(p.clusters[i].projects, 2);
            assert_int_equal(p.clusters[i].grant_cents, 1500);
            assert_int_equal(p.clusters[i].shares_cents, 750);
        } else {
            assert_string_equal(p.clusters[i].key, "cb");
            assert_int_equal(p.clusters[i].projects, 1);
            assert_int_equal(p.clusters[i].grant_cents, 1000);
            assert_int_equal(p.clusters[i].shares_cents, 200);
            assert_int_equal(p.clusters[i].shares_unknown, 1);
        }
    }
    /* by programme: each project once */
    assert_int_equal(p.n_programmes, 2);
    assert_string_equal(p.programmes[0].key, "H");
    assert_int_equal(p.programmes[0].grant_cents, 1000);
    /* Y's representative sees the private project too, in 2025 */
    project_viewer ana = {1, false};
    assert_int_equal(project_portfolio(t->d, &a, &ana, "2026-06-01", &p), DB_OK);
    assert_int_equal(p.total.grant_cents, 1600);
    assert_non_null(year_of(&p, 2025));
    arena_free(&a);
}

static void visibility(void **state)
{
    testdb *t = *state;
    arena a = ARENA_INIT;
    project_rec r;
    bool found = true;
    project_viewer pub = {0, false}, ana = {1, false}, bora = {2, false}, sec = {2, true};
    assert_int_equal(project_get(t->d, &a, &pub, 5, &r, &found), DB_OK);
    assert_false(found);
    assert_int_equal(project_get(t->d, &a, &bora, 5, &r, &found), DB_OK);
    assert_false(found);
    assert_int_equal(project_get(t->d, &a, &ana, 5, &r, &found), DB_OK);
    assert_true(found);
    assert_int_equal(project_get(t->d, &a, &sec, 5, &r, &found), DB_OK);
    assert_true(found);
    project_rec *l = NULL;
    size_t n = 0;
    project_query q = {0};
    assert_int_equal(project_list(t->d, &a, &pub, &q, &l, &n), DB_OK);
    assert_int_equal(n, 4);
    assert_int_equal(project_list(t->d, &a, &ana, &q, &l, &n), DB_OK);
    assert_int_equal(n, 5);
    /* filters: the cluster A takes in its members' projects */
    q.cluster = "ca";
    assert_int_equal(project_list(t->d, &a, &pub, &q, &l, &n), DB_OK);
    assert_int_equal(n, 3); /* P1, P2 (Y), P4 */
    q = (project_query){.year = "2024", .status = "running"};
    assert_int_equal(project_list(t->d, &a, &pub, &q, &l, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].title_sr, "P1");
    assert_string_equal(l[0].lead_slug, "ca");
    arena_free(&a);
}

static int64_t count(testdb *t, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_scalar_int(t->d, sql, &n), DB_OK);
    return n;
}

static const form_error *err_on(const form_errors *e, const char *field)
{
    return form_error_for(e, field);
}

static void refusals_store_nothing(void **state)
{
    testdb *t = *state;
    project_part_in two_leads[] = {{"ca", "lead", NULL}, {"cb", "lead", NULL}};
    project_part_in ok_parts[] = {{"ca", "lead", "1.234,50"}, {"x", "partner", ""}};
    project_part_in unknown[] = {{"ca", "lead", NULL}, {"nobody", "partner", NULL}};
    project_part_in twice[] = {{"ca", "lead", NULL}, {"1", "partner", NULL}};
    struct {
        project_input in;
        const char *field;
        form_error_code code;
    } cases[] = {
        {{.title_sr = "Нови",
          .status = "approved",
          .budget = "1000",
          .grant = "1.000,01",
          .parts = ok_parts,
          .n_parts = 2},
         "grant",
         FE_MISMATCH},
        {{.title_sr = "Нови",
          .status = "approved",
          .starts_on = "2025-01-02",
          .ends_on = "2025-01-01",
          .parts = ok_parts,
          .n_parts = 2},
         "ends_on",
         FE_DATE_ORDER},
        {{.title_sr = "Нови",
          .status = "approved",
          .cofin = "100,5",
          .parts = ok_parts,
          .n_parts = 2},
         "cofin",
         FE_RANGE},
        {{.title_sr = "Нови", .status = "approved", .parts = two_leads, .n_parts = 2},
         "participants",
         FE_MISMATCH},
        {{.title_sr = "Нови", .status = "approved", .parts = NULL, .n_parts = 0},
         "participants",
         FE_REQUIRED},
        {{.title_sr = "Нови", .status = "approved", .parts = unknown, .n_parts = 2},
         "participants",
         FE_INVALID},
        {{.title_sr = "Нови", .status = "approved", .parts = twice, .n_parts = 2},
         "participants",
         FE_TAKEN},
        {{.title_sr = "Нови",
          .status = "approved",
          .funder = "nobody",
          .parts = ok_parts,
          .n_parts = 2},
         "funder",
         FE_INVALID},
    };
    int64_t before = count(t, "SELECT count(*) FROM project") * 1000 +
                     count(t, "SELECT count(*) FROM project_participant");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        form_errors e = {0};
        int64_t id = 0;
        assert_int_equal(project_save(t->d, 0, &cases[i].in, 1, NULL, &id, &e), DB_CONSTRAINT);
        const form_error *x = err_on(&e, cases[i].field);
        assert_non_null(x);
        assert_int_equal(x->code, cases[i].code);
    }
    assert_int_equal(count(t, "SELECT count(*) FROM project") * 1000 +
                         count(t, "SELECT count(*) FROM project_participant"),
                     before);
    assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE entity = 'project'"), 0);
    /* and the good one: money in either habit, co-financing in per mille,
     * an empty share stored as unknown, audited */
    project_input good = {.title_sr = "Нови",
                          .status = "approved",
                          .budget = "2.000,00",
                          .grant = "1234.50",
                          .cofin = "15,5",
                          .funder = "donor",
                          .parts = ok_parts,
                          .n_parts = 2};
    form_errors e = {0};
    int64_t id = 0;
    assert_int_equal(project_save(t->d, 0, &good, 1, NULL, &id, &e), DB_OK);
    assert_true(id > 0);
    arena a = ARENA_INIT;
    project_rec r;
    bool found = false;
    project_viewer pub = {0, false}, sec = {0, true};
    /* person 1 speaks for neither participant: both wait for their word
     * (0035), so the public sees none of them and the secretariat both */
    assert_int_equal(project_get(t->d, &a, &pub, id, &r, &found), DB_OK);
    assert_true(found);
    assert_int_equal(r.n_parts, 0);
    assert_int_equal(count(t, "SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed'"), 0);
    assert_int_equal(project_get(t->d, &a, &sec, id, &r, &found), DB_OK);
    assert_string_equal(r.parts[0].consent, "proposed");
    assert_int_equal(r.budget_cents, 200000);
    assert_int_equal(r.grant_cents, 123450);
    assert_int_equal(r.cofin_milli, 155);
    assert_int_equal(r.n_parts, 2);
    assert_string_equal(r.parts[0].role, "lead");
    assert_int_equal(r.parts[0].share_cents, 123450);
    assert_false(r.parts[1].share_known);
    assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE entity = 'project'"), 1);
    arena_free(&a);
}

static const network_node *node_named(const network *n, const char *name)
{
    for (size_t i = 0; i < n->n_nodes; i++)
        if (n->nodes[i].name && strcmp(n->nodes[i].name, name) == 0)
            return &n->nodes[i];
    return NULL;
}

static void network_ties(void **state)
{
    testdb *t = *state;
    arena a = ARENA_INIT;
    project_viewer pub = {0, false};
    network_query q = {0};
    network n;
    assert_int_equal(project_network(t->d, &a, &pub, &q, &n), DB_OK);
    /* SCAN (agreement), A, B, C? (C's project has only a company: no tie),
     * Uni, Donor; companies are never nodes */
    assert_non_null(node_named(&n, "SCAN"));
    assert_non_null(node_named(&n, "A"));
    assert_non_null(node_named(&n, "Uni"));
    assert_null(node_named(&n, "X"));
    assert_null(node_named(&n, "C"));
    assert_int_equal(n.nodes[0].ring, 0); /* SCAN first */
    /* A-Donor: the donor funds one project of A (a funding tie, not a
     * joint project: review of issue 14) and one agreement */
    size_t ia = (size_t)(node_named(&n, "A") - n.nodes),
           id = (size_t)(node_named(&n, "Donor") - n.nodes);
    bool seen = false;
    for (size_t i = 0; i < n.n_edges; i++)
        if ((n.edges[i].a == ia && n.edges[i].b == id) ||
            (n.edges[i].a == id && n.edges[i].b == ia)) {
            assert_int_equal(n.edges[i].projects, 0);
            assert_int_equal(n.edges[i].funded, 1);
            assert_int_equal(n.edges[i].agreements, 1);
            seen = true;
        }
    assert_true(seen);
    /* the draft agreement ties nobody: SCAN-Uni only through nothing */
    size_t is = 0, iu = (size_t)(node_named(&n, "Uni") - n.nodes);
    for (size_t i = 0; i < n.n_edges; i++)
        assert_false(n.edges[i].a == is && n.edges[i].b == iu);
    /* the same data, the same network */
    network n2;
    assert_int_equal(project_network(t->d, &a, &pub, &q, &n2), DB_OK);
    assert_int_equal(n2.n_nodes, n.n_nodes);
    assert_int_equal(n2.n_edges, n.n_edges);
    for (size_t i = 0; i < n.n_nodes; i++)
        assert_int_equal(n2.nodes[i].id, n.nodes[i].id);
    /* a partner kind only: the donor stays, the university goes */
    q.kind = "donor";
    assert_int_equal(project_network(t->d, &a, &pub, &q, &n), DB_OK);
    assert_non_null(node_named(&n, "Donor"));
    assert_null(node_named(&n, "Uni"));
    /* years before anything: nothing */
    q = (network_query){.year_to = 2000};
    assert_int_equal(project_network(t->d, &a, &pub, &q, &n), DB_OK);
    assert_int_equal(n.n_edges, 0);
    arena_free(&a);
}

static void network_groups_many_partners(void **state)
{
    testdb *t = *state;
    /* 70 universities on one project with A: more than NETWORK_GROUP_OVER */
    assert_int_equal(db_exec(t->d,
                             "WITH RECURSIVE k(i) AS (SELECT 100 UNION ALL SELECT i + 1"
                             " FROM k WHERE i < 169) INSERT INTO org(id, slug, name, kind,"
                             " status, created_at, updated_at) SELECT i, 'u' || i, 'U' || i,"
                             " 'university', 'published', 0, 0 FROM k;"
                             "INSERT INTO project_participant(project_id, org_id, role)"
                             " SELECT 2, id, 'partner' FROM org WHERE id BETWEEN 100 AND 169;"),
                     DB_OK);
    arena a = ARENA_INIT;
    project_viewer pub = {0, false};
    network_query q = {0};
    network n;
    assert_int_equal(project_network(t->d, &a, &pub, &q, &n), DB_OK);
    assert_true(n.grouped);
    const network_node *g = NULL;
    for (size_t i = 0; i < n.n_nodes; i++)
        if (n.nodes[i].n_members && strcmp(n.nodes[i].kind, "university") == 0)
            g = &n.nodes[i];
    assert_non_null(g);
    assert_int_equal(g->n_members, 71);
    assert_null(node_named(&n, "U100"));
    q.open = "university";
    assert_int_equal(project_network(t->d, &a, &pub, &q, &n), DB_OK);
    assert_non_null(node_named(&n, "U100"));
    arena_free(&a);
}

static int64_t count_of(testdb *t, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_int(t->d, &n, -1, sql, 0, NULL), DB_OK);
    return n;
}

/* One table row per kind (tie.c): a proposed tie takes one answer, a
 * second is FE_NOT_PENDING, a tie not named is DB_DONE, a reason too long
 * is refused under "reason"; each stored answer is one audit row. A
 * funder not confirmed (0044): P1's grant leaves every total and the
 * funder is shown to nobody outside. */
static void consent_each_kind(void **state)
{
    testdb *t = *state;
    arena a = ARENA_INIT;
    assert_int_equal(db_exec(t->d, "UPDATE project SET funder_consent = 'proposed' WHERE id = 1;"
                                   "UPDATE project_participant SET consent = 'proposed'"
                                   " WHERE project_id = 2 AND org_id = 8;"
                                   "UPDATE agreement_party SET consent = 'proposed'"
                                   " WHERE agreement_id = 1 AND org_id = 9;"),
                     DB_OK);
    project_viewer pub = {0, false}, sec = {0, true}, ana = {1, false};
    portfolio p;
    assert_int_equal(project_portfolio(t->d, &a, &pub, "2026-06-01", &p), DB_OK);
    assert_int_equal(p.total.projects, 2);      /* P1 still counts as won */
    assert_int_equal(p.total.grant_cents, 500); /* but not its grant */
    project_rec r;
    bool found = false;
    assert_int_equal(project_get(t->d, &a, &ana, 1, &r, &found), DB_OK);
    assert_true(found);
    assert_int_equal(r.funder_id, 0);
    assert_int_equal(r.grant_cents, -1);
    assert_null(r.funder_consent);
    assert_int_equal(project_get(t->d, &a, &sec, 1, &r, &found), DB_OK);
    assert_int_equal(r.funder_id, 9);
    assert_int_equal(r.grant_cents, 1000);
    assert_string_equal(r.funder_consent, "proposed");
    project_rec *list = NULL;
    size_t n = 0;
    project_query q = {.funder = "donor"};
    assert_int_equal(project_list(t->d, &a, &pub, &q, &list, &n), DB_OK);
    assert_int_equal(n, 0);

    static const struct {
        tie_kind k;
        int64_t id, org, stranger;
    } ties[] = {{TIE_PROJECT_FUNDER, 1, 9, 8},
                {TIE_PROJECT_PARTICIPANT, 2, 8, 9},
                {TIE_AGREEMENT_PARTY, 1, 9, 8}};
    const char *state_now = NULL;
    for (size_t i = 0; i < sizeof ties / sizeof *ties; i++) {
        int64_t audits = count_of(t, "SELECT count(*) FROM audit");
        form_errors fe = {0};
        assert_int_equal(
            tie_consent(t->d, ties[i].k, ties[i].id, ties[i].stranger, true, NULL, 2, NULL, &fe),
            DB_DONE);
        char long_reason[TIE_REASON_MAX + 2];
        memset(long_reason, 'x', sizeof long_reason - 1);
        long_reason[sizeof long_reason - 1] = '\0';
        assert_int_equal(
            tie_consent(t->d, ties[i].k, ties[i].id, ties[i].org, false, long_reason, 2, NULL, &fe),
            DB_CONSTRAINT);
        assert_non_null(form_error_for(&fe, "reason"));
        assert_int_equal(count_of(t, "SELECT count(*) FROM audit"), audits);
        fe = (form_errors){0};
        bool accept = i != 1; /* the participant declines */
        assert_int_equal(tie_consent(t->d, ties[i].k, ties[i].id, ties[i].org, accept,
                                     accept ? NULL : "not ours", 2, NULL, &fe),
                         DB_OK);
        assert_int_equal(count_of(t, "SELECT count(*) FROM audit"), audits + 1);
        assert_int_equal(tie_state(t->d, ties[i].k, ties[i].id, ties[i].org, &state_now), DB_OK);
        assert_string_equal(state_now, accept ? "confirmed" : "declined");
        assert_int_equal(
            tie_consent(t->d, ties[i].k, ties[i].id, ties[i].org, true, NULL, 2, NULL, &fe),
            DB_CONSTRAINT);
        assert_non_null(form_error_for(&fe, "org"));
        assert_int_equal(count_of(t, "SELECT count(*) FROM audit"), audits + 1);
        assert_int_equal(tie_state(t->d, ties[i].k, ties[i].id, ties[i].stranger, &state_now),
                         DB_OK);
        assert_null(state_now);
    }
    assert_int_equal(count_of(t, "SELECT count(*) FROM audit WHERE action IN"
                                 " ('project_funder_confirm', 'project_decline',"
                                 " 'agreement_confirm')"),
                     3);
    /* confirmed: P1's grant is counted again */
    assert_int_equal(project_portfolio(t->d, &a, &pub, "2026-06-01", &p), DB_OK);
    assert_int_equal(p.total.grant_cents, 1500);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(portfolio_counts_once, setup, teardown),
        cmocka_unit_test_setup_teardown(visibility, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_store_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(network_ties, setup, teardown),
        cmocka_unit_test_setup_teardown(network_groups_many_partners, setup, teardown),
        cmocka_unit_test_setup_teardown(consent_each_kind, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
