/* test_position.c: advocacy positions (model/position.c, position_sign.c):
 * the paragraph split, the stage machine, the weight on hand-made data
 * (an organisation in two signing clusters and signing itself counts once;
 * unreported members count as members, never as numbers; low coverage
 * says so; a withdrawn signature leaves the weight), the refusals (a
 * signature on a draft, a comment on a paragraph that does not exist, a
 * withdrawal after submission: nothing written), and Markdown in a
 * position's text: raw HTML and javascript: links never become markup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "html/markdown.h"
#include "i18n/i18n.h"
#include "model/digest.h"
#include "model/position.h"

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

/* Clusters 1 (members 3, 4, 5) and 2 (members 5, 6, 7), company 8 outside
 * both; figures for 2024: 3: 10 people, 4: 20, 5: 30, 8: 5; 6 and 7 did
 * not report. Position 1 in signing, 2 a draft, 3 submitted. */
static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t ||
        testdb_open_seeded(
            t,
            "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
            " (1, 'c1', 'К1', 'cluster', 'published', 0, 0),"
            " (2, 'c2', 'К2', 'cluster', 'published', 0, 0),"
            " (3, 'a', 'А', 'company', 'published', 0, 0),"
            " (4, 'b', 'Б', 'company', 'published', 0, 0),"
            " (5, 'x', 'Х', 'company', 'published', 0, 0),"
            " (6, 'y', 'У', 'company', 'published', 0, 0),"
            " (7, 'v', 'В', 'company', 'published', 0, 0),"
            " (8, 'z', 'З', 'company', 'published', 0, 0);"
            "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES"
            " (1, 3, '2020-01-01'), (1, 4, '2020-01-01'), (1, 5, '2020-01-01'),"
            " (2, 5, '2020-01-01'), (2, 6, '2020-01-01'), (2, 7, '2020-01-01');"
            "INSERT INTO org_figure(org_id, year, employees, revenue_eur, exports_eur, source,"
            " entered_at) VALUES (3, 2024, 10, 100, 50, 'self_reported', 0),"
            " (4, 2024, 20, 200, 0, 'self_reported', 0),"
            " (5, 2024, 30, 300, 100, 'self_reported', 0),"
            " (8, 2024, 5, 50, 10, 'self_reported', 0);"
            "INSERT INTO person(id, name, created_at, updated_at) VALUES (1, 'Ана', 0, 0);"
            "INSERT INTO scan_membership(org_id, status, since, created_at) VALUES"
            " (1, 'founder', '2020-01-01', 0);"
            "INSERT INTO position(id, kind, owner_id, stage, created_at, updated_at) VALUES"
            " (1, 'proposal', 1, 'signing', 0, 0), (2, 'proposal', 1, 'draft', 0, 0),"
            " (3, 'proposal', 1, 'submitted', 0, 0), (4, 'proposal', 1, 'consultation', 0, 0);"
            "INSERT INTO position_version(position_id, version, title_sr, body_sr, created_at)"
            " VALUES (1, 1, 'П', 'Један.', 0), (2, 1, 'П', 'Један.', 0), (3, 1, 'П', 'Један.', 0),"
            " (4, 1, 'П', 'Први.\n\nДруги.', 0);") != 0) {
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

static void paragraphs(void **state)
{
    (void)state;
    pos_para p[8];
    const char *t = "\n\nFirst line\nsame paragraph\n\n \t\nSecond\n\n\n- a\n- b\n";
    size_t n = position_paragraphs(t, strlen(t), p, 8);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].len, strlen("First line\nsame paragraph"));
    assert_memory_equal(t + p[0].start, "First line", 10);
    assert_memory_equal(t + p[1].start, "Second", p[1].len);
    assert_memory_equal(t + p[2].start, "- a\n- b", p[2].len);
    assert_int_equal(position_paragraphs("", 0, NULL, 0), 0);
    assert_int_equal(position_paragraphs("  \n\t\n", 5, NULL, 0), 0);
    assert_int_equal(position_paragraphs("one", 3, NULL, 0), 1);
    /* CRLF blank lines separate too; counting without room gives the count */
    assert_int_equal(position_paragraphs("a\r\n\r\nb", 6, NULL, 0), 2);
}

static void stage_machine(void **state)
{
    (void)state;
    assert_true(position_move_ok(POS_DRAFT, POS_CONSULTATION));
    assert_true(position_move_ok(POS_CONSULTATION, POS_SIGNING));
    assert_true(position_move_ok(POS_SIGNING, POS_SUBMITTED));
    assert_true(position_move_ok(POS_SUBMITTED, POS_ANSWERED));
    assert_true(position_move_ok(POS_ANSWERED, POS_CLOSED));
    assert_true(position_move_ok(POS_DRAFT, POS_CLOSED));
    assert_false(position_move_ok(POS_DRAFT, POS_SIGNING));
    assert_false(position_move_ok(POS_DRAFT, POS_SUBMITTED));
    assert_false(position_move_ok(POS_SIGNING, POS_CONSULTATION));
    assert_false(position_move_ok(POS_CLOSED, POS_CLOSED));
    assert_false(position_move_ok(POS_SUBMITTED, POS_SUBMITTED));
    assert_int_equal(position_stage_of("signing"), POS_SIGNING);
    assert_int_equal(position_stage_of("nope"), POS_N_STAGES);
    assert_true(position_stage_public(POS_ANSWERED));
    assert_false(position_stage_public(POS_SIGNING));
}

/* Moves position 1 to stage (the signatories become final, or open again). */
static void set_stage(testdb *t, const char *stage)
{
    assert_int_equal(
        db_do(t->d, "UPDATE position SET stage = $1 WHERE id = 1", DB_ARGS(DBT(stage))), DB_OK);
}

static void weight_once_and_coverage(void **state)
{
    testdb *t = *state;
    form_errors fe = {0};
    position_weight w;
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_int_equal(w.clusters + w.orgs, 0);
    assert_int_equal(w.year, 0);
    /* cluster 1, cluster 2 and member X itself: X counts once */
    assert_int_equal(position_sign(t->d, 1, 1, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_sign(t->d, 1, 2, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_sign(t->d, 1, 5, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_int_equal(w.clusters, 2);
    assert_int_equal(w.orgs, 1);
    assert_int_equal(w.year, 2024);
    assert_int_equal(w.members, 5); /* A, B, X, Y, V */
    assert_int_equal(w.reported, 3);
    assert_true(w.covered); /* 3 of 5, over half */
    /* while signing the sums are withheld: the totals before and after one
     * signature would differ by that signatory's own figures */
    assert_true(w.withheld);
    assert_int_equal(w.why, POS_HOLD_OPEN);
    assert_int_equal(w.employees, 0);
    assert_int_equal(w.revenue_cents, 0);
    /* submitted: cluster 2's side is X, Y, V; it leaves A and B outside, two
     * reporting: whoever speaks for cluster 2 (knowing X) would read A+B */
    set_stage(t, "submitted");
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_true(w.withheld);
    assert_int_equal(w.why, POS_HOLD_SIDE);
    assert_int_equal(w.employees, 0);
    set_stage(t, "signing");
    /* company Z outside both clusters adds itself: cluster 1's side (A, B,
     * X) now leaves Z alone outside it */
    assert_int_equal(position_sign(t->d, 1, 8, 1, NULL, &fe), DB_OK);
    set_stage(t, "submitted");
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_int_equal(w.members, 6);
    assert_int_equal(w.reported, 4);
    assert_int_equal(w.why, POS_HOLD_SIDE);
    assert_int_equal(w.employees, 0);
    set_stage(t, "signing");
    /* no weight is kept per signature: two running totals would give away
     * one signatory's own figures; 0042 dropped the columns that held it */
    int64_t wm = -1;
    bool sqlite = strcmp(db_backend(t->d), "sqlite") == 0;
    assert_int_equal(db_int(t->d, &wm, -1,
                            sqlite ? "SELECT count(*) FROM pragma_table_info('position_signature')"
                                     " WHERE name LIKE 'w\\_%' ESCAPE '\\'"
                                   : "SELECT count(*) FROM information_schema.columns"
                                     " WHERE table_name = 'position_signature'"
                                     " AND column_name LIKE 'w\\_%' ESCAPE '\\'",
                            DB_NONE),
                     DB_OK);
    assert_int_equal(wm, 0);
    /* cluster 2, X and Z withdraw: cluster 1 alone, its own members' total
     * (every side leaves none outside): stated once submitted */
    assert_int_equal(position_withdraw(t->d, 1, 2, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_withdraw(t->d, 1, 5, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_withdraw(t->d, 1, 8, 1, NULL, &fe), DB_OK);
    set_stage(t, "submitted");
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_int_equal(w.members, 3); /* A, B, X */
    assert_int_equal(w.reported, 3);
    assert_false(w.withheld);
    assert_int_equal(w.why, POS_SHOWN);
    assert_int_equal(w.employees, 60);
    assert_int_equal(w.revenue_cents, 600);
    assert_int_equal(w.exports_cents, 150);
    set_stage(t, "signing");
    /* cluster 1 withdraws, cluster 2 and Z sign again: X, Y, V, Z */
    assert_int_equal(position_withdraw(t->d, 1, 1, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_sign(t->d, 1, 2, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_sign(t->d, 1, 8, 1, NULL, &fe), DB_OK);
    set_stage(t, "submitted");
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_int_equal(w.members, 4); /* X, Y, V, Z */
    assert_int_equal(w.reported, 2);
    assert_true(w.covered); /* 2 of 4: exactly half */
    /* but two reporting: the sums could be read as one of them; withheld */
    assert_true(w.withheld);
    assert_int_equal(w.why, POS_HOLD_FEW);
    assert_int_equal(w.employees, 0);
    assert_int_equal(w.revenue_cents, 0);
    set_stage(t, "signing");
    /* Z withdraws: 1 of 3 reported, low: the page states no sums */
    assert_int_equal(position_withdraw(t->d, 1, 8, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_weight_compute(t->d, 1, &w), DB_OK);
    assert_int_equal(w.members, 3);
    assert_int_equal(w.reported, 1);
    assert_false(w.covered);
    assert_int_equal(w.year, 2024); /* the newest, there being no covered one */
    /* the cached weight follows the data version a signature bumps */
    position_weight c;
    assert_int_equal(position_weight_cached(t->d, 1, &c), DB_OK);
    assert_int_equal(c.members, 3);
    assert_int_equal(position_sign(t->d, 1, 1, 1, NULL, &fe), DB_OK);
    assert_int_equal(position_weight_cached(t->d, 1, &c), DB_OK);
    assert_int_equal(c.members, 5); /* A, B, X, Y, V */
}

static int64_t count(db *d, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, -1, sql, DB_NONE), DB_OK);
    return n;
}

static void refusals(void **state)
{
    testdb *t = *state;
    form_errors fe = {0};
    /* a signature on a draft */
    assert_int_equal(position_sign(t->d, 2, 1, 1, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(fe.items[0].code, FE_POSITION_STAGE);
    assert_int_equal(fe.items[0].min, POS_DRAFT);
    assert_int_equal(count(t->d, "SELECT count(*) FROM position_signature"), 0);
    /* a withdrawal after submission */
    assert_int_equal(db_do(t->d,
                           "INSERT INTO position_signature(position_id, org_id, signed_at, "
                           "signed_by) VALUES (3, 1, 0, 1)",
                           DB_NONE),
                     DB_OK);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_withdraw(t->d, 3, 1, 1, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(fe.items[0].code, FE_POSITION_STAGE);
    assert_int_equal(count(t->d, "SELECT count(*) FROM position_signature WHERE withdrawn_at IS "
                                 "NULL"),
                     1);
    /* a comment on a paragraph that does not exist (two paragraphs: 0, 1) */
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_comment_add(t->d, 4, 2, 0, 0, "Шта?", 1, NULL, NULL, &fe),
                     DB_CONSTRAINT);
    assert_int_equal(fe.items[0].code, FE_POSITION_PARAGRAPH);
    assert_int_equal(fe.items[0].max, 2);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_comment_add(t->d, 4, -1, 0, 0, "Шта?", 1, NULL, NULL, &fe),
                     DB_CONSTRAINT);
    /* comments only during consultation */
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_comment_add(t->d, 1, 0, 0, 0, "Шта?", 1, NULL, NULL, &fe),
                     DB_CONSTRAINT);
    assert_int_equal(count(t->d, "SELECT count(*) FROM position_comment"), 0);
    int64_t cid = 0;
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_comment_add(t->d, 4, 1, 0, 0, "Да.", 1, NULL, &cid, &fe), DB_OK);
    /* a reply to a comment of another position: none such */
    assert_int_equal(position_comment_add(t->d, 1, 0, cid, 0, "Не.", 1, NULL, NULL, &fe),
                     DB_CONSTRAINT); /* position 1 is not in consultation */
    /* an impossible move */
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_move(t->d, 2, "submitted", NULL, 1, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(fe.items[0].code, FE_POSITION_STAGE);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(position_move(t->d, 2, "consultation", "1999-01-01", 1, NULL, &fe),
                     DB_CONSTRAINT);
    assert_string_equal(fe.items[0].field, "consult_until");
    assert_int_equal(count(t->d, "SELECT count(*) FROM position_step"), 0);
    assert_int_equal(count(t->d, "SELECT count(*) FROM position WHERE id = 2 AND stage = 'draft'"),
                     1);
}

/* What a writer types into a position never becomes markup of ours. */
static void markdown_text(void **state)
{
    (void)state;
    const char *text = "<script>alert(1)</script>\n\n"
                       "[click](javascript:alert(1)) and [ok](https://scan.rs/)\n\n"
                       "<img src=x onerror=alert(1)>\n\n"
                       "[data](data:text/html,<b>x</b>) [JS](JaVaScRiPt:alert(1))";
    pos_para p[8];
    size_t n = position_paragraphs(text, strlen(text), p, 8);
    assert_int_equal(n, 4);
    buf out = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        assert_true(md_html(&out, text + p[i].start, p[i].len, 3, 0));
    const char *h = buf_str(&out);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<img"));
    assert_null(strstr(h, "onerror=alert"));
    assert_null(strcasestr(h, "href=\"javascript:"));
    assert_null(strstr(h, "href=\"data:"));
    assert_non_null(strstr(h, "<a href=\"https://scan.rs/\">ok</a>"));
    buf_free(&out);
}

/* The digest's section: positions the reader could still sign (as the
 * manager of a SCAN cluster); an organisation outside every SCAN cluster
 * (an institution the position addresses) never hears of it. */
static void digest_signing(void **state)
{
    testdb *t = *state;
    assert_int_equal(db_do(t->d,
                           "INSERT INTO affiliation(person_id, org_id, role, started_at)"
                           " VALUES (1, 1, 'manager', 0)",
                           DB_NONE),
                     DB_OK);
    arena a = ARENA_INIT;
    digest_reader r = {.person_id = 1, .name = "Ана", .lang = LANG_EN};
    digest_period w = {.week = "2026-W49", .now = 0};
    digest_part p = {.text = BUF_INIT, .html = BUF_INIT, .lang = LANG_EN};
    assert_int_equal(position_digest_signing(t->d, &a, &r, &w, &p), DB_OK);
    assert_int_equal(p.items, 1);
    assert_non_null(strstr(buf_str(&p.text), "open for signature, 0 signatures so far"));
    buf_free(&p.text);
    buf_free(&p.html);
    /* the representative of a company in no cluster: nothing */
    /* db_exec: two statements (db_do runs one; SQLite's prepare ignored
     * the affiliation, PostgreSQL refuses the pair) */
    assert_int_equal(db_exec(t->d, "INSERT INTO person(id, name, created_at, updated_at)"
                                   " VALUES (2, 'Outsider', 0, 0);"
                                   "INSERT INTO affiliation(person_id, org_id, role, started_at)"
                                   " VALUES (2, 8, 'representative', 0)"),
                     DB_OK);
    digest_reader out = {.person_id = 2, .name = "Outsider", .lang = LANG_EN};
    digest_part none = {.text = BUF_INIT, .html = BUF_INIT, .lang = LANG_EN};
    assert_int_equal(position_digest_signing(t->d, &a, &out, &w, &none), DB_OK);
    assert_int_equal(none.items, 0);
    buf_free(&none.text);
    buf_free(&none.html);
    form_errors fe = {0};
    assert_int_equal(position_sign(t->d, 1, 1, 1, NULL, &fe), DB_OK);
    digest_part q = {.text = BUF_INIT, .html = BUF_INIT, .lang = LANG_EN};
    assert_int_equal(position_digest_signing(t->d, &a, &r, &w, &q), DB_OK);
    assert_int_equal(q.items, 0); /* signed: nothing left to ask */
    buf_free(&q.text);
    buf_free(&q.html);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paragraphs),
        cmocka_unit_test(stage_machine),
        cmocka_unit_test_setup_teardown(weight_once_and_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals, setup, teardown),
        cmocka_unit_test(markdown_text),
        cmocka_unit_test_setup_teardown(digest_signing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
