/* test_person.c: personal data: display names, the JSON export (complete,
 * without secrets), erasure (anonymised, sessions and tokens gone, audit
 * kept, refused the second time), the account list and affiliations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "json/json.h"
#include "model/person.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
} fixture;

/* Ana (person 1, account 1) with an affiliation with the org
 * "klaster-nis", audit rows she caused and a failed login; the admin Boris
 * (person 2, account 2); seed_secrets adds their sessions and her token. */
static const char SEED[] =
    "INSERT INTO person(id, name, email, phone, public_contact, created_at, updated_at) VALUES"
    " (1, 'Ана Петровић', 'ana@example.org', '+381 11 123', 1, 1700000000, 1700000000),"
    " (2, 'Boris Admin', 'boris@example.org', NULL, 0, 1700000000, 1700000000);"
    "INSERT INTO account(id, person_id, pass_hash, secretariat, created_at, last_login_at) VALUES"
    " (1, 1, '$argon2id$v=19$m=65536,t=2,p=1$SECRETHASH', NULL, 1700000000, 1700003600),"
    " (2, 2, '$argon2id$v=19$m=65536,t=2,p=1$OTHERHASH', 'admin', 1700000000, NULL);"
    "INSERT INTO org(id, slug, name, kind, created_at, updated_at) VALUES"
    " (1, 'klaster-nis', 'Кластер Ниш', 'cluster', 1700000000, 1700000000),"
    " (2, 'ict-net', 'ICT Net', 'cluster', 1700000000, 1700000000);"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
    " (1, 1, 'manager', 1700000000);"
    "INSERT INTO audit(at, actor_id, ip, action, entity, entity_id, detail) VALUES"
    " (1700000001, 1, '192.0.2.7', 'login', 'account', 1, NULL),"
    " (1700000002, 1, '192.0.2.7', 'org_update', 'org', 1, '{\"fields\":[\"name\"]}'),"
    " (1700000003, 2, '192.0.2.9', 'login', 'account', 2, NULL);"
    "INSERT INTO login_failure(email, ip, at) VALUES ('ana@example.org', '192.0.2.66', "
    "1700000000);";

/* Her sessions and token: the hashes bound as blobs (SQLite's x'01' is not
 * PostgreSQL's bytea literal). 0 or -1. */
static int seed_secrets(db *d)
{
    static const struct {
        unsigned char hash;
        int account;
        const char *csrf, *ip, *agent;
    } sessions[] = {
        {0x01, 1, "csrf1", "192.0.2.7", "Firefox/128"},
        {0x02, 1, "csrf2", "192.0.2.8", "curl/7.88"},
        {0x03, 2, "csrf3", "192.0.2.9", "Boris UA"},
    };
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++) {
        db_stmt *st =
            db_prepare(d, "INSERT INTO session(token_hash, account_id, csrf, created_at,"
                          " last_seen_at, expires_at, ip, user_agent)"
                          " VALUES ($1, $2, $3, 1700000000, 1700000100, 1800000000, $4, $5)");
        if (!st || db_bind_blob(st, 1, &sessions[i].hash, 1) != DB_OK ||
            db_bind_int(st, 2, sessions[i].account) != DB_OK ||
            db_bind_text(st, 3, sessions[i].csrf) != DB_OK ||
            db_bind_text(st, 4, sessions[i].ip) != DB_OK ||
            db_bind_text(st, 5, sessions[i].agent) != DB_OK || db_run(st) != DB_OK)
            return -1;
    }
    static const unsigned char token = 0xaa;
    db_stmt *st =
        db_prepare(d, "INSERT INTO api_token(account_id, name, token_hash, scope, created_at)"
                      " VALUES (1, 'import script', $1, 'write', 1700000000)");
    if (!st || db_bind_blob(st, 1, &token, 1) != DB_OK || db_run(st) != DB_OK)
        return -1;
    return 0;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open_seeded(&f->t, SEED) != 0) {
        free(f);
        return -1;
    }
    if (seed_secrets(f->t.d) != 0) {
        fprintf(stderr, "seed: %s\n", db_errmsg(f->t.d));
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
    free(f);
    return 0;
}

static int64_t scalar(db *d, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(d, sql, &v), DB_OK);
    return v;
}

static json_t *export_of(db *d, int64_t person_id, buf *text)
{
    assert_int_equal(person_export_json(d, person_id, text), DB_OK);
    buf err = BUF_INIT;
    json_t *j = json_parse(text->data, text->len, &err);
    assert_non_null(j);
    buf_free(&err);
    return j;
}

static const char *str_at(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void test_export_is_complete_and_has_no_secrets(void **state)
{
    fixture *f = *state;
    buf text = BUF_INIT;
    json_t *j = export_of(f->t.d, 1, &text);
    const char *keys[] = {"format",       "exported_at", "person",     "account",
                          "affiliations", "sessions",    "api_tokens", "audit"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(j, keys[i]));
    json_t *p = json_object_get(j, "person");
    assert_string_equal(str_at(p, "name"), "Ана Петровић");
    assert_string_equal(str_at(p, "email"), "ana@example.org");
    assert_string_equal(str_at(p, "phone"), "+381 11 123");
    assert_true(json_is_true(json_object_get(p, "public_contact")));
    assert_string_equal(str_at(p, "created_at"), "2023-11-14T22:13:20Z");
    json_t *acc = json_object_get(j, "account");
    assert_null(json_object_get(acc, "pass_hash"));
    assert_true(json_is_true(json_object_get(acc, "password_set")));
    assert_string_equal(str_at(acc, "last_login_at"), "2023-11-14T23:13:20Z");
    json_t *aff = json_array_get(json_object_get(j, "affiliations"), 0);
    assert_string_equal(str_at(aff, "role"), "manager");
    assert_string_equal(str_at(json_object_get(aff, "org"), "slug"), "klaster-nis");
    assert_string_equal(str_at(json_object_get(aff, "org"), "name"), "Кластер Ниш");
    assert_true(json_is_null(json_object_get(aff, "ended_at")));
    json_t *sessions = json_object_get(j, "sessions");
    assert_int_equal(json_array_size(sessions), 2); /* hers only */
    assert_string_equal(str_at(json_array_get(sessions, 0), "ip"), "192.0.2.7");
    assert_string_equal(str_at(json_array_get(sessions, 0), "user_agent"), "Firefox/128");
    json_t *tok = json_array_get(json_object_get(j, "api_tokens"), 0);
    assert_string_equal(str_at(tok, "name"), "import script");
    assert_string_equal(str_at(tok, "scope"), "write");
    json_t *audit = json_object_get(j, "audit");
    assert_int_equal(json_array_size(audit), 2); /* rows she caused */
    assert_string_equal(str_at(json_array_get(audit, 1), "action"), "org_update");
    /* nothing secret anywhere in the text */
    assert_null(strstr(text.data, "pass_hash"));
    assert_null(strstr(text.data, "argon2"));
    assert_null(strstr(text.data, "SECRETHASH"));
    assert_null(strstr(text.data, "token_hash"));
    assert_null(strstr(text.data, "csrf"));
    assert_null(strstr(text.data, "Boris"));
    json_decref(j);
    buf_free(&text);

    buf none = BUF_INIT;
    assert_int_equal(person_export_json(f->t.d, 999, &none), DB_DONE);
    assert_int_equal(none.len, 0);
}

static void test_erase_anonymises_and_keeps_audit(void **state)
{
    fixture *f = *state;
    assert_int_equal(person_erase(f->t.d, 1, 2, "198.51.100.1"), DB_OK);
    assert_int_equal(scalar(f->t.d,
                            "SELECT count(*) FROM person WHERE id = 1 AND name = 'Erased person #1'"
                            " AND email IS NULL AND phone IS NULL AND public_contact = 0"
                            " AND erased_at IS NOT NULL"),
                     1);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM account WHERE id = 1"
                                    " AND disabled_at IS NOT NULL AND pass_hash IS NULL"),
                     1);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM session WHERE account_id = 1"), 0);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM session"), 1); /* Boris keeps his */
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM api_token WHERE revoked_at IS NULL"), 0);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM affiliation WHERE ended_at IS NULL"), 0);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM login_failure"), 0);
    /* audit rows she caused stay, with her id; the erasure is audited */
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM audit WHERE actor_id = 1"), 2);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM audit WHERE action = 'person_erase'"
                                    " AND actor_id = 2 AND entity = 'person' AND entity_id = 1"
                                    " AND ip = '198.51.100.1'"),
                     1);
    /* Boris is untouched */
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM person WHERE id = 2"
                                    " AND email = 'boris@example.org' AND erased_at IS NULL"),
                     1);

    buf text = BUF_INIT;
    json_t *j = export_of(f->t.d, 1, &text);
    assert_null(strstr(text.data, "Ана"));
    assert_null(strstr(text.data, "ana@example.org"));
    assert_null(strstr(text.data, "+381"));
    assert_int_equal(json_array_size(json_object_get(j, "sessions")), 0);
    json_decref(j);
    buf_free(&text);
}

static void test_second_erase_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(person_erase(f->t.d, 1, 2, NULL), DB_OK);
    int64_t erased_at = scalar(f->t.d, "SELECT erased_at FROM person WHERE id = 1");
    assert_int_equal(person_erase(f->t.d, 1, 2, NULL), DB_CONSTRAINT);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM audit WHERE action = 'person_erase'"), 1);
    assert_int_equal(scalar(f->t.d, "SELECT erased_at FROM person WHERE id = 1"), erased_at);
    assert_int_equal(person_erase(f->t.d, 999, 2, NULL), DB_DONE);
    assert_false(db_in_tx(f->t.d));
}

static void test_account_list(void **state)
{
    fixture *f = *state;
    arena a = ARENA_INIT;
    person_account *rows;
    size_t n;
    assert_int_equal(person_account_list(f->t.d, &a, &rows, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].email, "ana@example.org");
    assert_int_equal(rows[0].secretariat, SEC_NONE);
    assert_int_equal(rows[0].last_login_at, 1700003600);
    assert_string_equal(rows[1].email, "boris@example.org");
    assert_int_equal(rows[1].secretariat, SEC_ADMIN);
    assert_int_equal(rows[1].last_login_at, 0);
    assert_int_equal(person_erase(f->t.d, 1, 2, NULL), DB_OK);
    assert_int_equal(person_account_list(f->t.d, &a, &rows, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].email, "boris@example.org");
    assert_null(rows[1].email); /* erased last */
    assert_true(rows[1].disabled_at > 0);
    arena_free(&a);
}

static void test_affiliation_start_and_end(void **state)
{
    fixture *f = *state;
    person_aff_result res;
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "ict-net", "representative", true, 0, NULL, &res), DB_OK);
    assert_int_equal(res, AFF_DONE);
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "ict-net", "representative", true, 0, NULL, &res), DB_OK);
    assert_int_equal(res, AFF_UNCHANGED);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM affiliation WHERE person_id = 2"), 1);
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "ict-net", "representative", false, 0, NULL, &res),
        DB_OK);
    assert_int_equal(res, AFF_DONE);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM affiliation WHERE person_id = 2"
                                    " AND ended_at IS NOT NULL"),
                     1);
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "ict-net", "representative", false, 0, NULL, &res),
        DB_OK);
    assert_int_equal(res, AFF_UNCHANGED);
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "no-such-org", "manager", true, 0, NULL, &res), DB_OK);
    assert_int_equal(res, AFF_NO_ORG);
    assert_int_equal(person_affiliation_set(f->t.d, 2, "ict-net", "owner", true, 0, NULL, &res),
                     DB_CONSTRAINT);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM audit WHERE entity = 'affiliation'"), 2);
    assert_false(db_in_tx(f->t.d));
}

/* A "manager" gives rights only at a cluster or cluster initiative
 * (rights.h), so one is started only there: a manager of a company is
 * refused with nothing written, a representative of it is not; a manager
 * affiliation left from before can still be ended. */
static void test_affiliation_manager_only_of_clusters(void **state)
{
    fixture *f = *state;
    person_aff_result res;
    assert_int_equal(db_exec(f->t.d,
                             "INSERT INTO org(id, slug, name, kind, created_at, updated_at)"
                             " VALUES (3, 'firma', 'Firma', 'company', 1700000000, 1700000000),"
                             " (4, 'inicijativa', 'Inicijativa', 'cluster_initiative',"
                             " 1700000000, 1700000000)"),
                     DB_OK);
    assert_int_equal(person_affiliation_set(f->t.d, 2, "firma", "manager", true, 0, NULL, &res),
                     DB_OK);
    assert_int_equal(res, AFF_NO_MANAGERS);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM affiliation WHERE person_id = 2"), 0);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM audit WHERE entity = 'affiliation'"), 0);
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "firma", "representative", true, 0, NULL, &res), DB_OK);
    assert_int_equal(res, AFF_DONE);
    assert_int_equal(
        person_affiliation_set(f->t.d, 2, "inicijativa", "manager", true, 0, NULL, &res), DB_OK);
    assert_int_equal(res, AFF_DONE);
    /* one recorded before the rule (or before the entry's kind changed) */
    assert_int_equal(db_exec(f->t.d, "INSERT INTO affiliation(person_id, org_id, role, started_at)"
                                     " VALUES (1, 3, 'manager', 1700000000)"),
                     DB_OK);
    assert_int_equal(person_affiliation_set(f->t.d, 1, "firma", "manager", false, 0, NULL, &res),
                     DB_OK);
    assert_int_equal(res, AFF_DONE);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM affiliation WHERE person_id = 1"
                                    " AND org_id = 3 AND ended_at IS NULL"),
                     0);
    assert_false(db_in_tx(f->t.d));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    json_setup();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_is_complete_and_has_no_secrets, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_erase_anonymises_and_keeps_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_erase_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affiliation_start_and_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affiliation_manager_only_of_clusters, setup, teardown),
    };
    return cmocka_run_group_tests_name("person", tests, NULL, NULL);
}
