/* test_db.c: the database layer on SQLite: migrations, statement cache,
 * placeholders, transactions, status mapping, checks, backup, search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "db/migrate.h"
#include "db/search.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open(&f->t) != 0) {
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

static void test_migrations_idempotent_and_newer_refused(void **state)
{
    fixture *f = *state;
    int v = 0, applied = 99;
    buf err = BUF_INIT;
    assert_int_equal(migrate_current(f->t.d, &v), DB_OK);
    assert_int_equal(v, migrate_latest());
    assert_int_equal(migrate_up(f->t.d, &applied, &err), DB_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(db_exec(f->t.d, "INSERT INTO schema_migrations VALUES (9999, 'future', 0)"),
                     DB_OK);
    assert_int_not_equal(migrate_up(f->t.d, &applied, &err), DB_OK);
    assert_non_null(strstr(buf_str(&err), "newer"));
    buf_free(&err);
}

static const char SQL_T[] =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL UNIQUE, b INTEGER)";
static const char SQL_INS[] = "INSERT INTO t(b, a) VALUES ($2, $1)";
static const char SQL_SEL[] = "SELECT a, b FROM t WHERE b = $1 AND a <> '$1'";

static void test_statements_and_placeholders(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->t.d, SQL_T), DB_OK);
    db_stmt *s = db_prepare(f->t.d, SQL_INS);
    assert_non_null(s);
    assert_ptr_equal(s, db_prepare(f->t.d, SQL_INS)); /* cached per connection */
    db_bind_text(s, 1, "Ниш");
    db_bind_int(s, 2, 7);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
    assert_int_equal(db_changes(f->t.d), 1);
    assert_true(db_last_id(f->t.d) > 0);
    /* the same unique value: a constraint status, not a generic error */
    db_bind_text(s, 1, "Ниш");
    db_bind_int(s, 2, 8);
    assert_int_equal(db_step(s), DB_CONSTRAINT);
    db_reset(s);
    db_stmt *q = db_prepare(f->t.d, SQL_SEL);
    assert_non_null(q);
    db_bind_int(q, 1, 7);
    assert_int_equal(db_step(q), DB_ROW);
    assert_string_equal(db_col_text(q, 0), "Ниш");
    assert_int_equal(db_col_int(q, 1), 7);
    assert_int_equal(db_step(q), DB_DONE);
    db_reset(q);
    assert_null(db_prepare(f->t.d, "SELECT * FROM no_such_table"));
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->t.d, SQL_T), DB_OK);
    assert_int_equal(db_begin_write(f->t.d), DB_OK);
    assert_true(db_in_tx(f->t.d));
    assert_int_equal(db_begin_write(f->t.d), DB_ERR); /* no nesting */
    db_stmt *s = db_prepare(f->t.d, SQL_INS);
    db_bind_text(s, 1, "x");
    db_bind_int(s, 2, 1);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
    db_rollback(f->t.d);
    assert_false(db_in_tx(f->t.d));
    int64_t n = -1;
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 0);
    db_rollback(f->t.d); /* harmless without a transaction */
    assert_int_equal(db_commit(f->t.d), DB_ERR);
}

static void test_check_and_backup(void **state)
{
    fixture *f = *state;
    buf rep = BUF_INIT;
    assert_int_equal(db_check(f->t.d, &rep), DB_OK);
    assert_int_equal(rep.len, 0);
    char copy[128];
    snprintf(copy, sizeof copy, "%s/copy.db", f->t.dir);
    assert_int_equal(db_backup(f->t.d, copy), DB_OK);
    db *c = NULL;
    buf err = BUF_INIT;
    db_options ro = {.read_only = true};
    assert_int_equal(db_open(copy, &ro, &c, &err), DB_OK);
    int v = 0;
    int64_t n = 0;
    assert_int_equal(db_scalar_int(c, "SELECT max(version) FROM schema_migrations", &n), DB_OK);
    v = (int)n;
    assert_int_equal(v, migrate_latest());
    db_close(c);
    assert_int_not_equal(db_backup(f->t.d, copy), DB_OK); /* exists: refused */
    buf_free(&rep);
    buf_free(&err);
}

static void test_open_errors(void **state)
{
    db *d = NULL;
    buf err = BUF_INIT;
    db_options o = {.create = false};
    assert_int_not_equal(db_open("/nonexistent/dir/x.db", &o, &d, &err), DB_OK);
    assert_null(d);
    assert_true(err.len > 0);
    buf_free(&err);
}

static void test_search_folds_scripts(void **state)
{
    fixture *f = *state;
    arena a = ARENA_INIT;
    assert_int_equal(search_put(f->t.d, "org", 1, "Niški klaster", "Seat: Niš, Nišavski okrug"),
                     DB_OK);
    assert_int_equal(search_put(f->t.d, "org", 2, "Војвођански ИКТ кластер", "Нови Сад"), DB_OK);
    assert_int_equal(search_put(f->t.d, "org", 3, "Đorđe Company", "Beograd"), DB_OK);
    static const struct {
        const char *q;
        int64_t ref;
    } cases[] = {{"Niš", 1},         {"nis", 1},      {"Ниш", 1},     {"NIŠ", 1},   {"vojvo", 2},
                 {"Vojvođanski", 2}, {"novi sad", 2}, {"Djordje", 3}, {"Ђорђе", 3}, {"dorde", 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        search_hit *h = NULL;
        size_t n = 0;
        assert_int_equal(search_query(f->t.d, &a, cases[i].q, "org", 10, 0, &h, &n), DB_OK);
        if (n < 1 || h[0].ref != cases[i].ref)
            fail_msg("query '%s' found %zu hits, first %lld", cases[i].q, n,
                     n ? (long long)h[0].ref : -1LL);
    }
    /* replacing a document drops its old words */
    assert_int_equal(search_put(f->t.d, "org", 1, "Renamed", ""), DB_OK);
    search_hit *h = NULL;
    size_t n = 0;
    assert_int_equal(search_query(f->t.d, &a, "Niš", NULL, 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(search_delete(f->t.d, "org", 2), DB_OK);
    assert_int_equal(search_query(f->t.d, &a, "vojvo", NULL, 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

static void test_match_expression_is_safe(void **state)
{
    buf b = BUF_INIT;
    search_build_match(&b, "\"a\" OR b* NEAR(c) -d ^e");
    assert_string_equal(buf_str(&b), "\"a\"* \"or\"* \"b\"* \"near\"* \"c\"* \"d\"* \"e\"*");
    buf_reset(&b);
    search_build_match(&b, "  ,;!  ");
    assert_int_equal(b.len, 0);
    buf_free(&b);
    fixture *f = *state;
    arena a = ARENA_INIT;
    search_hit *h = NULL;
    size_t n = 9;
    assert_int_equal(search_query(f->t.d, &a, "\"unbalanced ( * :", NULL, 5, 0, &h, &n), DB_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations_idempotent_and_newer_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_statements_and_placeholders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_and_backup, setup, teardown),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test_setup_teardown(test_search_folds_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_expression_is_safe, setup, teardown),
    };
    return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
