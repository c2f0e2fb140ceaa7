/* test_agreement.c: agreements (model/agreement.c): the validation table
 * and its cross rules (each refusal under its field, nothing stored), the
 * parties (unknown, a company, the same entry twice, a manager's own
 * cluster required), expiry read from the Belgrade date (no write), the
 * 60-day window at its edges and per manager, rights, the signed PDF (a
 * non-PDF refused, a good one stored with its SHA-256), deleting drafts
 * only, and the audit rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "model/agreement.h"
#include "model/demo.h"
#include "model/pdf.h"
#include "model/rights.h"

#include "testdb.h"

/* 2027-03-10 12:00 UTC: 13:00 in Belgrade */
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
               " (1, 'scan', 'SCAN', 'cluster_association', 'published', 0, 0),"
               " (2, 'ca', 'Кластер А', 'cluster', 'published', 0, 0),"
               " (3, 'cb', 'Кластер Б', 'cluster', 'published', 0, 0),"
               " (4, 'uni', 'Универзитет', 'university', 'published', 0, 0),"
               " (5, 'co', 'Фирма', 'company', 'published', 0, 0),"
               " (6, 'dr', 'Нацрт', 'chamber', 'draft', 0, 0);"
               "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
               " (1, 'Ана', 'ana@example.com', 0, 0), (2, 'Бора', 'bora@example.com', 0, 0),"
               " (3, 'Вера', 'vera@example.com', 0, 0);"
               "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
               " (1, 2, 'manager', 0), (2, 3, 'manager', 0), (3, 4, 'representative', 0);") != 0) {
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

static const principal editor = {.person_id = 3, .secretariat = SEC_EDITOR};
static const principal ana = {.person_id = 1};  /* manager of ca */
static const principal bora = {.person_id = 2}; /* manager of cb */

static agreement_input good(const char *const *parties, size_t n)
{
    return (agreement_input){.kind = "cooperation",
                             .title_sr = "Споразум",
                             .signed_on = "2027-01-10",
                             .valid_from = "2027-01-10",
                             .valid_until = "2028-01-10",
                             .status = "signed",
                             .parties = parties,
                             .n_parties = n};
}

static int64_t rows(db *d, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, -1, sql, DB_NONE), DB_OK);
    return n;
}

/* Saves in as p; asserts DB_CONSTRAINT with code under field and nothing
 * stored. */
static void refused(db *d, const principal *p, agreement_input in, const char *field,
                    form_error_code code)
{
    int64_t before = rows(d, "SELECT count(*) FROM agreement");
    form_errors fe = {0};
    int64_t id = 0;
    assert_int_equal(agreement_save(d, p, 0, &in, NULL, &id, &fe), DB_CONSTRAINT);
    const form_error *e = form_error_for(&fe, field);
    assert_non_null(e);
    assert_int_equal(e->code, code);
    assert_int_equal(rows(d, "SELECT count(*) FROM agreement"), before);
}

static void validation(void **state)
{
    db *d = ((testdb *)*state)->d;
    const char *two[] = {"scan", "uni"};
    agreement_input in = good(two, 2);
    in.valid_until = "2027-01-09";
    refused(d, &editor, in, "valid_until", FE_DATE_ORDER);
    in = good(two, 2);
    in.signed_on = "2027-03-11"; /* tomorrow in Belgrade */
    refused(d, &editor, in, "signed_on", FE_RANGE);
    in = good(two, 2);
    in.signed_on = NULL;
    refused(d, &editor, in, "signed_on", FE_REQUIRED);
    in = good(two, 2);
    in.status = "expired"; /* valid until next year */
    refused(d, &editor, in, "status", FE_MISMATCH);
    in = good(two, 2);
    in.status = "lost";
    refused(d, &editor, in, "status", FE_CHOICE);
    in = good(two, 2);
    in.title_sr = " ";
    refused(d, &editor, in, "title_sr", FE_REQUIRED);
    in = good(two, 2);
    in.valid_from = "2027-02-30";
    refused(d, &editor, in, "valid_from", FE_DATE);
    const char *one[] = {"scan"};
    refused(d, &editor, good(one, 1), "parties", FE_TOO_SHORT);
    const char *twice[] = {"scan", "scan"};
    refused(d, &editor, good(twice, 2), "parties", FE_TOO_SHORT);
    const char *unknown[] = {"scan", "nobody-here"};
    refused(d, &editor, good(unknown, 2), "parties", FE_UNKNOWN_CODE);
    const char *draft[] = {"scan", "dr"};
    refused(d, &editor, good(draft, 2), "parties", FE_UNKNOWN_CODE);
    const char *company[] = {"scan", "co"};
    refused(d, &editor, good(company, 2), "parties", FE_INVALID);
    /* signed today is not the future; a draft needs no date */
    in = good(two, 2);
    in.signed_on = "2027-03-10";
    form_errors fe = {0};
    int64_t id = 0;
    assert_int_equal(agreement_save(d, &editor, 0, &in, NULL, &id, &fe), DB_OK);
    in = good(two, 2);
    in.status = "draft";
    in.signed_on = NULL;
    assert_int_equal(agreement_save(d, &editor, 0, &in, NULL, &id, &fe), DB_OK);
    assert_int_equal(rows(d, "SELECT count(*) FROM audit WHERE action = 'agreement_create'"), 2);
}

static void managers(void **state)
{
    db *d = ((testdb *)*state)->d;
    const char *theirs[] = {"ca", "uni"}, *others[] = {"cb", "uni"};
    assert_true(agreement_may_edit(d, &ana, NULL));
    assert_false(agreement_may_edit(d, &(principal){.person_id = 3}, NULL));
    assert_false(agreement_may_edit(d, NULL, NULL));
    refused(d, &ana, good(others, 2), "parties", FE_SECRETARIAT_ONLY);
    form_errors fe = {0};
    int64_t id = 0;
    agreement_input in = good(theirs, 2);
    assert_int_equal(agreement_save(d, &ana, 0, &in, NULL, &id, &fe), DB_OK);
    agreement_rec g;
    bool found = false;
    arena a = ARENA_INIT;
    assert_int_equal(agreement_get(d, &a, id, &g, &found), DB_OK);
    assert_true(found);
    assert_int_equal(g.n_parties, 2);
    assert_true(agreement_may_edit(d, &ana, &g));
    assert_false(agreement_may_edit(d, &bora, &g));
    assert_true(agreement_may_edit(d, &editor, &g));
    /* a read-only token never writes */
    assert_false(agreement_may_edit(d, &(principal){.person_id = 1, .token_id = 9}, &g));
    /* the university's representative reads the document, does not edit */
    principal vera = {.person_id = 3};
    assert_false(agreement_may_edit(d, &vera, &g));
    assert_true(agreement_may_read_file(d, &vera, &g));
    assert_false(agreement_may_read_file(d, &bora, &g));
    assert_false(agreement_may_read_file(d, NULL, &g));
    /* Ana cannot drop her cluster from the parties */
    const char *without[] = {"scan", "uni"};
    in = good(without, 2);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(agreement_save(d, &ana, id, &in, NULL, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(form_error_for(&fe, "parties")->code, FE_SECRETARIAT_ONLY);
    assert_int_equal(rows(d, "SELECT count(*) FROM agreement_party p JOIN org o ON o.id = p.org_id"
                             " WHERE o.slug = 'ca'"),
                     1);
    arena_free(&a);
}

static void expiry(void **state)
{
    db *d = ((testdb *)*state)->d;
    /* today in Belgrade is 2027-03-10; +60 days is 2027-05-09 */
    assert_int_equal(
        db_exec(d, "INSERT INTO agreement(id, kind, title_sr, signed_on, valid_until, status,"
                   " created_at, updated_at) VALUES"
                   " (1, 'mou', 'yesterday', '2026-01-01', '2027-03-09', 'signed', 0, 0),"
                   " (2, 'mou', 'today', '2026-01-01', '2027-03-10', 'signed', 0, 0),"
                   " (3, 'mou', 'in 60 days', '2026-01-01', '2027-05-09', 'signed', 0, 0),"
                   " (4, 'mou', 'in 61 days', '2026-01-01', '2027-05-10', 'signed', 0, 0),"
                   " (5, 'mou', 'terminated', '2026-01-01', '2027-04-01', 'terminated', 0, 0),"
                   " (6, 'mou', 'open-ended', '2026-01-01', NULL, 'signed', 0, 0);"
                   "INSERT INTO agreement_party(agreement_id, org_id) VALUES (1, 2), (1, 4), (2, "
                   "2), (2, 4), (3, 3),"
                   " (3, 4), (4, 2), (4, 4), (5, 2), (5, 4), (6, 2), (6, 4);"),
        DB_OK);
    arena a = ARENA_INIT;
    agreement_rec g;
    bool found;
    assert_int_equal(agreement_get(d, &a, 1, &g, &found), DB_OK);
    assert_string_equal(g.state, "expired");
    assert_string_equal(g.status, "signed");
    assert_int_equal(agreement_get(d, &a, 2, &g, &found), DB_OK);
    assert_string_equal(g.state, "signed"); /* valid through its last day */
    agreement_rec *list;
    size_t n;
    assert_int_equal(agreement_expiring_for(d, &a, 0, &list, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, 2);
    assert_int_equal(list[1].id, 3);
    assert_int_equal(agreement_expiring_for(d, &a, 1, &list, &n), DB_OK); /* Ana: ca */
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, 2);
    assert_int_equal(agreement_expiring_for(d, &a, 3, &list, &n), DB_OK); /* a representative */
    assert_int_equal(n, 0);
    agreement_filter f = {.state = "expired"};
    assert_int_equal(agreement_list(d, &a, &f, &list, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, 1);
    /* the next morning in Belgrade (2027-03-11 00:30, still the 10th in
     * UTC) the agreement valid until the 10th reads expired */
    time_set_now(NOW + 11 * 3600 + 30 * 60);
    assert_int_equal(agreement_get(d, &a, 2, &g, &found), DB_OK);
    assert_string_equal(g.state, "expired");
    arena_free(&a);
}

static void document(void **state)
{
    db *d = ((testdb *)*state)->d;
    const char *two[] = {"scan", "uni"};
    agreement_input in = good(two, 2);
    form_errors fe = {0};
    int64_t id = 0;
    assert_int_equal(agreement_save(d, &editor, 0, &in, NULL, &id, &fe), DB_OK);
    int verdict = 0;
    assert_int_equal(agreement_file_put(d, id, "x.pdf", "not a pdf", 9, 3, NULL, &verdict, &fe),
                     DB_CONSTRAINT);
    assert_int_equal(verdict, PDF_NOT_PDF);
    assert_int_equal(rows(d, "SELECT count(*) FROM agreement_file"), 0);
    buf b = BUF_INIT;
    demo_agreement_pdf(&b, "Unit test");
    memset(&fe, 0, sizeof fe);
    assert_int_equal(
        agreement_file_put(d, id, "..\\dir/\"sig;ned\".PDF", b.data, b.len, 3, NULL, &verdict, &fe),
        DB_OK);
    assert_int_equal(agreement_file_put(d, 999, "x.pdf", b.data, b.len, 3, NULL, &verdict, &fe),
                     DB_DONE);
    arena a = ARENA_INIT;
    const char *name;
    const void *data;
    size_t n;
    bool found;
    assert_int_equal(agreement_file_get(d, &a, id, &name, &data, &n, &found), DB_OK);
    assert_true(found);
    assert_string_equal(name, "_sig_ned_.PDF.pdf");
    assert_int_equal(n, b.len);
    assert_memory_equal(data, b.data, n);
    assert_int_equal(rows(d, "SELECT length(sha256) FROM agreement_file"), 64);
    assert_int_equal(rows(d, "SELECT count(*) FROM audit WHERE action = 'agreement_file'"), 1);
    buf_free(&b);
    arena_free(&a);
}

static void deleting(void **state)
{
    db *d = ((testdb *)*state)->d;
    const char *two[] = {"scan", "uni"};
    agreement_input in = good(two, 2);
    form_errors fe = {0};
    int64_t signed_id = 0, draft_id = 0;
    assert_int_equal(agreement_save(d, &editor, 0, &in, NULL, &signed_id, &fe), DB_OK);
    in.status = "draft";
    assert_int_equal(agreement_save(d, &editor, 0, &in, NULL, &draft_id, &fe), DB_OK);
    assert_int_equal(agreement_delete(d, signed_id, 3, NULL, &fe), DB_CONSTRAINT);
    assert_int_equal(agreement_delete(d, draft_id, 3, NULL, &fe), DB_OK);
    assert_int_equal(agreement_delete(d, draft_id, 3, NULL, &fe), DB_DONE);
    assert_int_equal(rows(d, "SELECT count(*) FROM agreement"), 1);
    assert_int_equal(rows(d, "SELECT count(*) FROM agreement_party"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(validation, setup, teardown),
        cmocka_unit_test_setup_teardown(managers, setup, teardown),
        cmocka_unit_test_setup_teardown(expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(document, setup, teardown),
        cmocka_unit_test_setup_teardown(deleting, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
