/* test_tx.c: the model's one write helper (model/tx.c) and the one-shot
 * database vocabulary it is written in (db_do, db_int, db_query): a write
 * commits with its audit row and version bumps or leaves nothing, a
 * user's mistake is not retried, a busy database is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "db/db.h"
#include "model/tx.h"

#include "testdb.h"

static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t || testdb_open_seeded(t, "CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT NOT NULL,"
                                    " n INTEGER)") != 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    testdb *t = *state;
    testdb_close(t);
    free(t);
    return 0;
}

static const char SQL_ADD[] = "INSERT INTO note(body, n) VALUES ($1, $2)";
static const char SQL_COUNT[] = "SELECT count(*) FROM note WHERE n >= $1";
static const char SQL_AUDITS[] = "SELECT count(*) FROM audit WHERE action = $1 AND entity_id = $2";
static const char SQL_BODY_OF[] = "SELECT n FROM note WHERE body = $1";

typedef struct add_ctx {
    const char *body;
    int64_t n;
    bool fail_after_insert; /* the body reports a user's mistake late */
    int busy_left;          /* report DB_BUSY this many times first */
} add_ctx;

static db_status add_note(tx *t, void *p)
{
    add_ctx *c = p;
    db_status st = db_do(t->d, SQL_ADD, DB_ARGS(DBT(c->body), DBI(c->n)));
    if (st != DB_OK)
        return st;
    t->entity_id = db_last_id(t->d);
    buf_printf(&t->detail, "{\"n\":%lld}", (long long)c->n);
    if (c->busy_left > 0) {
        c->busy_left--;
        return DB_BUSY;
    }
    return c->fail_after_insert ? DB_CONSTRAINT : DB_OK;
}

static void test_vocabulary(void **state)
{
    testdb *t = *state;
    db *d = t->d;
    assert_int_equal(db_do(d, SQL_ADD, DB_ARGS(DBT("a"), DBI(1))), DB_OK);
    assert_int_equal(db_do(d, SQL_ADD, DB_ARGS(DBT("b"), DBNULL)), DB_OK);
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, -7, SQL_COUNT, DB_ARGS(DBI(0))), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_int(d, &n, -7, SQL_BODY_OF, DB_ARGS(DBT("b"))), DB_OK);
    assert_int_equal(n, -7); /* NULL: the default */
    assert_int_equal(db_int(d, &n, -8, SQL_BODY_OF, DB_ARGS(DBT("none"))), DB_OK);
    assert_int_equal(n, -8); /* no row: the default */
    assert_int_equal(db_scalar_int(d, "SELECT count(*) FROM note", &n), DB_OK);
    assert_int_equal(n, 2);
    /* NULL text binds NULL, and NOT NULL refuses it */
    assert_int_equal(db_do(d, SQL_ADD, DB_ARGS(DBT(NULL), DBI(3))), DB_CONSTRAINT);
    /* one value too many is a bug: the statement never runs */
    assert_null(db_query(d, SQL_ADD, DB_ARGS(DBT("c"), DBI(3), DBI(4))));
    assert_int_equal(db_failure(d), DB_ERR);
    db_end_request(d);
    db_stmt *s = db_query(d, "SELECT body FROM note ORDER BY id", DB_NONE);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "a");
    db_reset(s);
}

static void test_write_commits_with_audit_and_version(void **state)
{
    testdb *t = *state;
    db *d = t->d;
    int64_t v0, f0, v1, f1, n;
    assert_int_equal(tx_version(d, TX_DIRECTORY, &v0), DB_OK);
    assert_int_equal(tx_version(d, TX_FIGURES, &f0), DB_OK);
    assert_true(v0 > 0 && f0 > 0);
    tx w = TX_INIT(0, "127.0.0.1", "note_add", "note", 0);
    w.bump = TX_DIRECTORY;
    add_ctx c = {.body = "hello", .n = 5};
    assert_int_equal(tx_write(d, &w, add_note, &c), DB_OK);
    assert_int_equal(w.tries, 1);
    assert_true(w.entity_id > 0);
    assert_int_equal(db_int(d, &n, 0, SQL_AUDITS, DB_ARGS(DBT("note_add"), DBI(w.entity_id))),
                     DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tx_version(d, TX_DIRECTORY, &v1), DB_OK);
    assert_int_equal(tx_version(d, TX_FIGURES, &f1), DB_OK);
    assert_int_equal(v1, v0 + 1);
    assert_int_equal(f1, f0); /* only what was named */
    assert_false(db_in_tx(d));
}

static void test_mistake_rolls_back_once(void **state)
{
    testdb *t = *state;
    db *d = t->d;
    int64_t v0, v1, n;
    assert_int_equal(tx_version(d, TX_FIGURES, &v0), DB_OK);
    tx w = TX_INIT(0, NULL, "note_add", "note", 0);
    w.bump = TX_FIGURES;
    add_ctx c = {.body = "late", .n = 1, .fail_after_insert = true};
    assert_int_equal(tx_write(d, &w, add_note, &c), DB_CONSTRAINT);
    assert_int_equal(w.tries, 1); /* a user's mistake is not retried */
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM note", DB_NONE), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM audit", DB_NONE), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(tx_version(d, TX_FIGURES, &v1), DB_OK);
    assert_int_equal(v1, v0);
    assert_false(db_in_tx(d));
}

static void test_busy_is_retried_then_given_up(void **state)
{
    testdb *t = *state;
    db *d = t->d;
    int64_t n;
    tx w = TX_INIT(0, NULL, "note_add", "note", 0);
    add_ctx c = {.body = "retry", .n = 2, .busy_left = 2};
    assert_int_equal(tx_write(d, &w, add_note, &c), DB_OK);
    assert_int_equal(w.tries, 3);
    /* each attempt rolled back before the next: one row, one audit row */
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM note", DB_NONE), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM audit", DB_NONE), DB_OK);
    assert_int_equal(n, 1);

    tx w2 = TX_INIT(0, NULL, "note_add", "note", 0);
    add_ctx c2 = {.body = "never", .n = 3, .busy_left = 10};
    assert_int_equal(tx_write(d, &w2, add_note, &c2), DB_BUSY);
    assert_int_equal(w2.tries, TX_TRIES);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM note", DB_NONE), DB_OK);
    assert_int_equal(n, 1);
}

/* A BEGIN that stays busy (another connection holds the write lock)
 * gives up after TX_TRIES attempts without running the body (it retried
 * for ever: only body runs were counted). */
static void test_busy_begin_is_bounded(void **state)
{
    testdb *t = *state;
    db *holder = NULL, *writer = NULL;
    buf err = BUF_INIT;
    db_options o = {.busy_timeout_ms = 20};
    assert_int_equal(db_open(t->path, &o, &holder, &err), DB_OK);
    assert_int_equal(db_open(t->path, &o, &writer, &err), DB_OK);
    assert_int_equal(db_begin_write(holder), DB_OK);
    tx w = TX_INIT(0, NULL, "note_add", "note", 0);
    add_ctx c = {.body = "locked out", .n = 1};
    assert_int_equal(tx_write(writer, &w, add_note, &c), DB_BUSY);
    assert_int_equal(w.tries, 0);
    db_rollback(holder);
    db_close(writer);
    db_close(holder);
    buf_free(&err);
}

/* An allocation that fails once inside the body's bind: nothing is stored
 * even though the body ignores nothing and everything after it works. */
static void test_failed_allocation_stores_nothing(void **state)
{
    testdb *t = *state;
    db *d = t->d;
    char big[2048];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    int64_t n;
    for (long k = 0; k < 2000; k++) {
        db_end_request(d);
        tx w = TX_INIT(0, NULL, "note_add", "note", 0);
        add_ctx c = {.body = big, .n = k};
        mem_fail_once(k);
        db_status st = tx_write(d, &w, add_note, &c);
        mem_fail_after(-1);
        assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM note", DB_NONE), DB_OK);
        int64_t audits;
        assert_int_equal(db_int(d, &audits, 0, "SELECT count(*) FROM audit", DB_NONE), DB_OK);
        if (st == DB_OK) {
            /* the fault fell outside this unit or the write is whole */
            assert_int_equal(n, 1);
            assert_int_equal(audits, 1);
            assert_int_equal(db_int(d, &n, -1, "SELECT length(body) FROM note", DB_NONE), DB_OK);
            assert_int_equal(n, (int64_t)sizeof big - 1);
            return;
        }
        assert_int_equal(n, 0);
        assert_int_equal(audits, 0);
    }
    fail_msg("the write never ran through within 2000 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vocabulary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_commits_with_audit_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mistake_rolls_back_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_begin_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_is_retried_then_given_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_allocation_stores_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
