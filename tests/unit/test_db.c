/* test_db.c: the database layer on SQLite: migrations, statement cache,
 * placeholders, transactions, status mapping, checks, backup, search,
 * reading rows into arena arrays (db_collect). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/utf8.h"
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

/* SQLite applies each version's .sql, never the PostgreSQL text beside
 * it, and records the .sql's name (the history both backends share). */
static void test_migrations_sqlite_texts_only(void **state)
{
    fixture *f = *state;
    int64_t n = -1, pg = -1, named = -1;
    assert_int_equal(db_backend(f->t.d)[0], 's');
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM schema_migrations", &n), DB_OK);
    assert_int_equal(
        db_scalar_int(f->t.d, "SELECT count(*) FROM schema_migrations WHERE name LIKE '%.pg.sql'",
                      &pg),
        DB_OK);
    assert_int_equal(pg, 0);
    assert_int_equal(
        db_scalar_int(f->t.d,
                      "SELECT count(*) FROM schema_migrations WHERE name = '0001_foundation.sql'",
                      &named),
        DB_OK);
    assert_int_equal(named, 1);
    /* FTS5 made search_fts (0001.pg.sql would have made a plain table) */
    int64_t virt = 0;
    assert_int_equal(db_scalar_int(f->t.d,
                                   "SELECT count(*) FROM sqlite_master WHERE name = 'search_fts'"
                                   " AND sql LIKE 'CREATE VIRTUAL TABLE%'",
                                   &virt),
                     DB_OK);
    assert_int_equal(virt, 1);
    assert_true(n > 20);
}

/* No table's INSERT builds a temporary b-tree (OpenEphemeral) outside
 * its triggers (whose IN subqueries need theirs): SQLite
 * builds one per statement for a CHECK's IN list of three or more
 * constants (0064_check_lists.sql). And the lists still refuse what they
 * do not name. */
static void test_checks_build_no_temporary_tree(void **state)
{
    fixture *f = *state;
    db_stmt *s = db_prepare(f->t.d, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                    " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
                                    " AND name NOT LIKE 'sqlite_%' ORDER BY name");
    assert_non_null(s);
    char names[400][64];
    size_t n = 0;
    while (db_step(s) == DB_ROW && n < 400)
        snprintf(names[n++], sizeof names[0], "%s", db_col_text(s, 0));
    db_reset(s);
    assert_true(n > 100);
    size_t ephemeral = 0;
    for (size_t i = 0; i < n; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "EXPLAIN INSERT INTO \"%s\" DEFAULT VALUES", names[i]);
        db_stmt *e = db_prepare(f->t.d, sql);
        assert_non_null(e);
        int64_t last = -1; /* a trigger's program follows, from address 0 */
        while (db_step(e) == DB_ROW && db_col_int(e, 0) > last) {
            last = db_col_int(e, 0);
            if (strcmp(db_col_text(e, 1), "OpenEphemeral") == 0) {
                print_message("%s: INSERT builds a temporary b-tree\n", names[i]);
                ephemeral++;
            }
        }
        db_reset(e);
    }
    assert_int_equal(ephemeral, 0);
    static const char ORG[] =
        "INSERT INTO org(slug, name, kind, status, country, created_at, updated_at, name_folded)"
        " VALUES ('check-%d', 'Check', 'company', '%s', 'RS', 0, 0, 'check')";
    char sql[256];
    snprintf(sql, sizeof sql, ORG, 1, "bogus");
    assert_int_equal(db_exec(f->t.d, sql), DB_CONSTRAINT);
    snprintf(sql, sizeof sql, ORG, 2, "archived");
    assert_int_equal(db_exec(f->t.d, sql), DB_OK);
    assert_int_equal(db_exec(f->t.d, "UPDATE org SET status = 'Published' WHERE slug = 'check-2'"),
                     DB_CONSTRAINT);
}

/* A migration that fails part way leaves the connection unable to edit
 * the schema text: 0064 turns writable_schema on, and a pragma outlives
 * the rollback. One allocation of 0064 fails, the first ones each in
 * turn and later ones spaced out; after every failure the pragma is off,
 * and the last run applies it. */
static void test_failed_migration_leaves_schema_locked(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    int applied = 0;
    buf err = BUF_INIT;
    db_status st = DB_ERR;
    long n = 0, failures = 0;
    for (; st != DB_OK && n < 10000000; n += 1 + n / 8) { /* early ones all, then spaced */
        /* 0064 and every migration after it, which only run after it */
        assert_int_equal(db_exec(d, "DELETE FROM schema_migrations WHERE version >= 64"), DB_OK);
        buf_reset(&err);
        mem_fail_once(n);
        st = migrate_up(d, &applied, &err);
        mem_fail_after(-1);
        db_end_request(d); /* the failed allocation is this unit's, not the next's */
        int64_t writable = -1;
        assert_int_equal(db_scalar_int(d, "PRAGMA writable_schema", &writable), DB_OK);
        assert_int_equal(writable, 0);
        if (st != DB_OK)
            failures++;
    }
    assert_int_equal(st, DB_OK);
    int64_t latest = 0;
    assert_int_equal(db_scalar_int(d, "SELECT max(version) FROM schema_migrations", &latest),
                     DB_OK);
    assert_true(latest >= 64);
    assert_int_equal(applied, latest - 63);
    assert_true(failures > 10);
    buf_free(&err);
}

/* What migrate_up logs (text lines, read from a pipe). */
static void migrate_logged(db *d, int *applied, char *out, size_t n)
{
    int fds[2];
    buf err = BUF_INIT;
    assert_int_equal(pipe(fds), 0);
    log_setup(LOG_TEXT, fds[1]);
    assert_int_equal(migrate_up(d, applied, &err), DB_OK);
    log_setup(LOG_TEXT, 2);
    close(fds[1]);
    ssize_t k = read(fds[0], out, n - 1);
    out[k > 0 ? k : 0] = '\0';
    close(fds[0]);
    buf_free(&err);
}

/* An existing database brought up to date says so before the migrations
 * run (one may take seconds); one already up to date says nothing. */
static void test_migrate_says_when_it_upgrades(void **state)
{
    fixture *f = *state;
    char out[1024], want[128];
    int applied = -1;
    int latest = migrate_latest();
    assert_true(latest >= 65);
    assert_int_equal(db_exec(f->t.d, "DELETE FROM schema_migrations WHERE version >= 65"), DB_OK);
    migrate_logged(f->t.d, &applied, out, sizeof out);
    assert_int_equal(applied, latest - 64);
    snprintf(want, sizeof want, "database: migrating from schema version 64 to %d", latest);
    assert_non_null(strstr(out, want));
    migrate_logged(f->t.d, &applied, out, sizeof out);
    assert_int_equal(applied, 0);
    assert_string_equal(out, "");
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

/* The statement cache keys on the text's address: a buffer reused for
 * other text must get its own statement (the -O0 build of test_figures
 * ran the query of the text a stack slot held before). */
static void test_cache_checks_the_text(void **state)
{
    fixture *f = *state;
    char sql[64];
    for (int k = 1; k <= 3; k++) {
        snprintf(sql, sizeof sql, "SELECT %d", k * 11);
        int64_t v = 0;
        assert_int_equal(db_scalar_int(f->t.d, sql, &v), DB_OK);
        assert_int_equal(v, k * 11);
    }
    /* the same text at the same address stays one compiled statement */
    db_stmt *a = db_prepare(f->t.d, sql);
    assert_ptr_equal(a, db_prepare(f->t.d, sql));
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

/* One allocation fails inside a text bind (SQLite copies the text through
 * mem_*): the statement must not run, and the transaction must not commit,
 * even when the caller ignores every return value (as the model did). */
static void test_failed_bind_stores_nothing(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(db_exec(d, SQL_T), DB_OK);
    db_end_request(d);
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(db_begin_write(d), DB_OK);
    db_stmt *s = db_prepare(d, SQL_INS);
    mem_fail_once(0);
    db_status b = db_bind_text(s, 1, big);
    mem_fail_after(-1);
    assert_int_equal(b, DB_NOMEM);
    db_bind_int(s, 2, 7);                   /* later binds work again */
    assert_int_equal(db_step(s), DB_NOMEM); /* but the statement never runs */
    db_reset(s);
    assert_int_equal(db_commit(d), DB_NOMEM);
    assert_true(db_in_tx(d));
    db_rollback(d);
    int64_t n = -1;
    assert_int_equal(db_scalar_int(d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(db_failure(d), DB_NOMEM);
    db_end_request(d); /* a new unit of work starts clean */
    assert_int_equal(db_failure(d), DB_OK);

    /* the reset statement is usable again, and a clean unit commits */
    assert_int_equal(db_begin_write(d), DB_OK);
    s = db_prepare(d, SQL_INS);
    db_bind_text(s, 1, "y");
    db_bind_int(s, 2, 8);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
    assert_int_equal(db_commit(d), DB_OK);
    assert_int_equal(db_scalar_int(d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 1);
}

/* An allocation that failed anywhere in the unit of work, even outside the
 * database (a JSON reader that dropped a byte and carried on), forbids the
 * commit; so does a failed statement the caller ignored. */
static void test_commit_refused_after_any_failure(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(db_exec(d, SQL_T), DB_OK);
    db_end_request(d);
    mem_fail_once(0);
    void *p = mem_malloc(16);
    mem_fail_after(-1);
    assert_null(p);
    assert_int_equal(db_begin_write(d), DB_OK);
    db_stmt *s = db_prepare(d, SQL_INS);
    db_bind_text(s, 1, "z");
    db_bind_int(s, 2, 9);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
    assert_int_equal(db_commit(d), DB_NOMEM);
    db_rollback(d);
    int64_t n = -1;
    assert_int_equal(db_scalar_int(d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 0);
    db_end_request(d);

    /* a statement error inside the transaction (here: a bad parameter
     * index) that the caller does not look at */
    assert_int_equal(db_begin_write(d), DB_OK);
    s = db_prepare(d, SQL_INS);
    db_bind_text(s, 1, "w");
    db_bind_int(s, 2, 10);
    db_bind_int(s, 99, 1);
    db_step(s);
    db_reset(s);
    assert_int_not_equal(db_commit(d), DB_OK);
    db_rollback(d);
    assert_int_equal(db_scalar_int(d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 0);
    db_end_request(d);
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

/* The journal mode of d's database as d sees it ("wal", "delete"). */
static const char *journal_mode(db *d, char *out, size_t n)
{
    db_stmt *s = db_prepare(d, "PRAGMA journal_mode");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    snprintf(out, n, "%s", db_col_text(s, 0));
    db_reset(s);
    return out;
}

/* A bulk writer (scan org import) uses a rollback journal only while it has
 * the file to itself, and leaves it in WAL mode; a connection opened during
 * its transaction opens, reads the committed state, and sees the import
 * once it is committed. */
static void test_bulk_journal(void **state)
{
    fixture *f = *state;
    char mode[16];
    db *b = NULL, *c = NULL;
    buf err = BUF_INIT;
    db_options bulk = {.bulk = true}, plain = {0};
    int64_t n = -1;
    assert_int_equal(db_exec(f->t.d, SQL_T), DB_OK);

    /* another connection has the file open: the bulk writer stays in WAL */
    assert_int_equal(db_open(f->t.path, &bulk, &b, &err), DB_OK);
    assert_string_equal(journal_mode(b, mode, sizeof mode), "wal");
    db_close(b);

    /* alone: a rollback journal */
    db_close(f->t.d);
    f->t.d = NULL;
    assert_int_equal(db_open(f->t.path, &bulk, &b, &err), DB_OK);
    assert_string_equal(journal_mode(b, mode, sizeof mode), "delete");
    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(db_exec(b, "INSERT INTO t(a, b) VALUES ('bulk', 1)"), DB_OK);
    /* opened meanwhile: it cannot switch the file to WAL, and still opens */
    assert_int_equal(db_open(f->t.path, &plain, &c, &err), DB_OK);
    assert_int_equal(db_scalar_int(c, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 0);
    /* its COMMIT asks the kernel to start writing the file meanwhile;
     * another connection's does not */
    unsigned long nudges = db_writeback_nudges();
    assert_int_equal(db_commit(b), DB_OK);
    assert_true(db_writeback_nudges() > nudges);
    nudges = db_writeback_nudges();
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_commit(c), DB_OK);
    assert_int_equal(db_writeback_nudges(), nudges);
    assert_int_equal(db_scalar_int(c, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 1);
    db_close(b);

    /* closing put the file back in WAL mode: c follows, and a new
     * connection finds it so */
    assert_int_equal(db_scalar_int(c, "SELECT count(*) FROM t", &n), DB_OK);
    assert_string_equal(journal_mode(c, mode, sizeof mode), "wal");
    db_close(c);
    db_options ro = {.read_only = true};
    assert_int_equal(db_open(f->t.path, &ro, &c, &err), DB_OK);
    assert_int_equal(db_scalar_int(c, "SELECT count(*) FROM t", &n), DB_OK);
    assert_string_equal(journal_mode(c, mode, sizeof mode), "wal");
    db_close(c);
    buf_free(&err);
}

static const char WA_FILL[] = "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
                              " WHERE i < 2000) INSERT INTO t(a, b)"
                              " SELECT printf('%0500d', i), i FROM k";

static int64_t file_bytes(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (int64_t)st.st_size;
}

/* The file of f as a bulk writer's, with table t holding one row. */
static db *wa_open(fixture *f, buf *err)
{
    db *b = NULL;
    db_options bulk = {.bulk = true};
    assert_int_equal(db_exec(f->t.d, SQL_T), DB_OK);
    assert_int_equal(db_exec(f->t.d, "INSERT INTO t(a, b) VALUES ('first', 0)"), DB_OK);
    db_close(f->t.d);
    f->t.d = NULL;
    assert_int_equal(db_open(f->t.path, &bulk, &b, err), DB_OK);
    return b;
}

/* A transaction adding 2,000 rows (new pages) and changing the first
 * (a page the file had). */
static void wa_change(db *b)
{
    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(db_exec(b, WA_FILL), DB_OK);
    assert_int_equal(db_exec(b, "UPDATE t SET a = 'changed' WHERE b = 0"), DB_OK);
}

static void assert_intact(db *d)
{
    db_stmt *s = db_prepare(d, "PRAGMA integrity_check");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "ok");
    db_reset(s);
}

/* op(b) with the process's file size limit at limit bytes (as a full
 * disk: writes past it fail), the limit restored after. */
static db_status under_file_limit(db *b, int64_t limit, db_status (*op)(db *))
{
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)limit;
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    db_status st = op(b);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, was);
    return st;
}

/* Closes b; a new connection to f's file finds want rows in t, intact. */
static void assert_rows_after_reopen(fixture *f, db *b, int64_t want)
{
    buf err = BUF_INIT;
    int64_t n = -1;
    db_close(b);
    assert_int_equal(db_open(f->t.path, NULL, &f->t.d, &err), DB_OK);
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, want);
    assert_intact(f->t.d);
    buf_free(&err);
}

/* Since db_file_writes gave pages0 and runs0: 200 pages or more were
 * written, in runs of 8 pages or more on average (gathered). */
static void assert_gathered(unsigned long pages0, unsigned long runs0)
{
    unsigned long pages1, runs1;
    db_file_writes(&pages1, &runs1);
    assert_true(pages1 - pages0 >= 200);
    assert_true(runs1 - runs0 <= (pages1 - pages0) / 8);
}

/* A bulk commit's pages reach the file in runs of several pages (the
 * "scan" VFS gathers consecutive writes), and what it wrote is all there:
 * the file checks, and a new connection reads every row. */
static void test_commit_gathers_writes(void **state)
{
    fixture *f = *state;
    db *b = NULL;
    buf err = BUF_INIT;
    db_options bulk = {.bulk = true};
    int64_t n = -1;
    assert_int_equal(db_exec(f->t.d, SQL_T), DB_OK);
    db_close(f->t.d);
    f->t.d = NULL;
    assert_int_equal(db_open(f->t.path, &bulk, &b, &err), DB_OK);
    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(db_exec(b, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
                                " WHERE i < 2000) INSERT INTO t(a, b)"
                                " SELECT printf('%0500d', i), i FROM k"),
                     DB_OK);
    unsigned long pages0, runs0;
    db_file_writes(&pages0, &runs0);
    assert_int_equal(db_commit(b), DB_OK);
    assert_gathered(pages0, runs0); /* about 250 pages of 4 KiB, in runs of up to 16 */
    db_close(b);
    assert_int_equal(db_open(f->t.path, NULL, &f->t.d, &err), DB_OK);
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM t WHERE length(a) = 500", &n),
                     DB_OK);
    assert_int_equal(n, 2000);
    assert_int_equal(db_scalar_int(f->t.d, "SELECT sum(b) FROM t", &n), DB_OK);
    assert_int_equal(n, 2000 * 2001 / 2);
    assert_intact(f->t.d);
    buf_free(&err);
}

/* db_write_ahead writes a bulk transaction's pages before its commit: the
 * file grows by them at once; a rollback after it leaves the file as it
 * was (size, rows, integrity), and a commit after it, with more pages
 * changed since, keeps every row. */
static void test_write_ahead(void **state)
{
    fixture *f = *state;
    buf err = BUF_INIT;
    int64_t n = -1;
    db *b = wa_open(f, &err);
    int64_t size0 = file_bytes(f->t.path);
    wa_change(b);
    assert_int_equal(file_bytes(f->t.path), size0); /* all in the cache so far */
    assert_int_equal(db_room(b), DB_OK);            /* the disk has room for them */
    unsigned long nudges = db_writeback_nudges(), pages0, runs0;
    db_file_writes(&pages0, &runs0);
    assert_int_equal(db_write_ahead(b), DB_OK);
    assert_true(file_bytes(f->t.path) >= size0 + 2000 * 500);
    /* gathered, and the disk asked to start on them */
    assert_gathered(pages0, runs0);
    assert_true(db_writeback_nudges() > nudges);
    /* and the file stays locked: another process can neither read it nor
     * take the journal for a hot one and roll it back (closing any
     * descriptor of the file in this process would have dropped SQLite's
     * locks: the nudger once did) */
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'SELECT count(*) FROM t' >/dev/null 2>&1", f->t.path);
    assert_int_not_equal(system(cmd), 0);
    assert_true(file_bytes(f->t.path) >= size0 + 2000 * 500);
    db_rollback(b);
    assert_int_equal(file_bytes(f->t.path), size0);
    assert_int_equal(db_scalar_int(b, "SELECT count(*) FROM t WHERE a = 'first'", &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_scalar_int(b, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 1);

    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(db_exec(b, WA_FILL), DB_OK);
    assert_int_equal(db_write_ahead(b), DB_OK);
    assert_int_equal(db_exec(b, "UPDATE t SET a = 'x' || a, b = b + 1 WHERE b <= 1000"), DB_OK);
    assert_int_equal(db_commit(b), DB_OK);
    db_close(b);
    assert_int_equal(db_open(f->t.path, NULL, &f->t.d, &err), DB_OK);
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM t", &n), DB_OK);
    assert_int_equal(n, 2001);
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM t WHERE a LIKE 'x%'", &n), DB_OK);
    assert_int_equal(n, 1001);
    assert_int_equal(db_scalar_int(f->t.d, "SELECT sum(b) FROM t", &n), DB_OK);
    assert_int_equal(n, 2000 * 2001 / 2 + 1001);
    assert_intact(f->t.d);
    buf_free(&err);
}

/* A write ahead that cannot reach the file (a file size limit here, as a
 * full disk) fails, ends the transaction, and leaves the file as it was;
 * the next transaction writes ahead and commits. */
static void test_write_ahead_failure(void **state)
{
    fixture *f = *state;
    buf err = BUF_INIT;
    int64_t n = -1;
    db *b = wa_open(f, &err);
    int64_t size0 = file_bytes(f->t.path);
    /* how large the file grows when the write ahead succeeds */
    wa_change(b);
    assert_int_equal(db_write_ahead(b), DB_OK);
    int64_t full = file_bytes(f->t.path);
    db_rollback(b);
    assert_true(full > size0 + 2000 * 500);
    /* the limit stops the first gathered run, then only the last one
     * (which is written after SQLite's flush has returned) */
    const int64_t limits[] = {size0 + 16384, full - 4096};
    for (size_t k = 0; k < 2; k++) {
        wa_change(b);
        db_status st = under_file_limit(b, limits[k], db_write_ahead);
        assert_true(st == DB_FULL || st == DB_IOERR);
        assert_int_not_equal(db_commit(b), DB_OK); /* nothing of it can be committed */
        db_rollback(b);
        assert_false(db_in_tx(b));
        /* the rows as before (the file may keep pages past its end that
         * SQLite no longer counts: its header says how many it has) */
        assert_int_equal(db_scalar_int(b, "SELECT count(*) FROM t", &n), DB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(db_scalar_int(b, "SELECT count(*) FROM t WHERE a = 'first' AND b = 0", &n),
                         DB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(db_scalar_int(b,
                                       "SELECT count(*) FROM pragma_integrity_check"
                                       " WHERE integrity_check <> 'ok'",
                                       &n),
                         DB_OK);
        assert_int_equal(n, 0);
    }
    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(db_exec(b, WA_FILL), DB_OK);
    assert_int_equal(db_write_ahead(b), DB_OK);
    assert_int_equal(db_commit(b), DB_OK);
    assert_rows_after_reopen(f, b, 2001);
    buf_free(&err);
}

/* A bulk writer whose file another process put back in WAL mode (any
 * connection's open asks for it) commits through the log; a checkpoint
 * at that commit that cannot write the database file (a file size limit
 * here, as a full disk) does not make the commit, safe in the log, report
 * a failure. It once did: the checkpoint's writes were gathered as a bulk
 * commit's, and the failed run was reported as the commit's. */
static void test_bulk_follows_wal(void **state)
{
    fixture *f = *state;
    buf err = BUF_INIT;
    db *b = wa_open(f, &err);
    /* a file larger than the log of the next transaction will be, so
     * that the log fits under a limit that stops the file growing */
    wa_change(b);
    assert_int_equal(db_exec(b, "INSERT INTO t(a, b) SELECT 'y' || a, b FROM t WHERE b > 0"),
                     DB_OK);
    assert_int_equal(db_commit(b), DB_OK);
    /* another process opens the file: WAL mode again */
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA journal_mode=WAL' >/dev/null 2>&1", f->t.path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(db_exec(b, "PRAGMA wal_autocheckpoint=10"), DB_OK);
    int64_t size0 = file_bytes(f->t.path);
    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(db_exec(b, "INSERT INTO t(a, b) SELECT 'z' || a, b FROM t"
                                " WHERE b > 0 AND a NOT LIKE 'y%'"),
                     DB_OK);
    assert_int_equal(under_file_limit(b, size0, db_commit), DB_OK);
    assert_rows_after_reopen(f, b, 6001);
    buf_free(&err);
}

/* db_errmsg names the first failure of the unit of work, even after a
 * later statement succeeded (a cleanup PRAGMA once turned an import's
 * "database is locked" into "not an error"), until db_end_request. */
static void test_errmsg_kept(void **state)
{
    fixture *f = *state;
    assert_int_not_equal(db_exec(f->t.d, "SELECT * FROM no_such_table"), DB_OK);
    assert_non_null(strstr(db_errmsg(f->t.d), "no_such_table"));
    assert_int_equal(db_exec(f->t.d, "PRAGMA foreign_keys=ON"), DB_OK);
    assert_non_null(strstr(db_errmsg(f->t.d), "no_such_table"));
    db_end_request(f->t.d);
    assert_null(strstr(db_errmsg(f->t.d), "no_such_table"));
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

/* search_words_once(b, title) on a copy of body, into want. */
static void assert_words_once(const char *body, const char *title, const char *want)
{
    buf b = BUF_INIT;
    buf_puts(&b, body);
    search_words_once(&b, title, strlen(title));
    assert_false(buf_failed(&b));
    assert_string_equal(buf_str(&b), want);
    assert_int_equal(b.len, strlen(want));
    buf_free(&b);
}

/* A document's body keeps each word once and none of its title's, split
 * where FTS5 splits tokens, and answers the same queries as before. */
static void test_search_words_once(void **state)
{
    fixture *f = *state;
    arena a = ARENA_INIT;
    assert_words_once("", "", "");
    assert_words_once("a b a", "", "a b");
    assert_words_once("  ,a,, b. a!", "", "a b");
    assert_words_once("nis, novi sad (nis) sad", "nis kafana", "novi sad");
    assert_words_once("nis", "nis", "");
    /* ASCII punctuation and case: FTS5's token rules, bytes compared */
    assert_words_once("x-ray x_ray x'ray X", "", "x ray X");
    /* outside ASCII: part of a word, even a separator (one word, two tokens) */
    assert_words_once("a—b a—b a b „a“", "", "a—b a b „a“");
    assert_words_once("2014. 2014 20140", "2014", "20140");
    /* a prefix of another word is another word */
    assert_words_once("kra kragujevac kra", "", "kra kragujevac");

    /* past the stack table (256 words): 3,000 words, each twice, and the
     * title's 100 first left out */
    buf body = BUF_INIT, title = BUF_INIT, want = BUF_INIT;
    for (int k = 0; k < 100; k++)
        buf_printf(&title, "%sw%d", k ? " " : "", k);
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < 3000; k++)
            buf_printf(&body, "w%d; ", k);
    for (int k = 100; k < 3000; k++)
        buf_printf(&want, "%sw%d", k > 100 ? " " : "", k);
    assert_words_once(buf_str(&body), buf_str(&title), buf_str(&want));

    /* the document still answers every word, as a prefix, and a word of
     * its title as a name first: once, not again among body matches */
    db *d = f->t.d;
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_put(d, "org", 1, "Ниш Kafana", "Ниш, Нови Сад, Ниш. Нови Београд"),
                     DB_OK);
    assert_int_equal(search_put(d, "org", 2, "Other", "Ниш Ниш kafana novi"), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    static const struct {
        const char *q;
        int64_t refs[2]; /* in order; 0: none */
    } cases[] = {
        {"nis", {1, 2}}, {"ниш kafana", {1, 2}}, {"novi beograd", {1, 0}},  {"kafana sad", {1, 0}},
        {"nov", {1, 2}}, {"other nis", {2, 0}},  {"beograd other", {0, 0}}, {"Kaf", {1, 2}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        search_hit *h = NULL;
        size_t nh = 0;
        assert_int_equal(search_query(d, &a, cases[i].q, "org", 10, 0, &h, &nh), DB_OK);
        size_t want_n = cases[i].refs[0] ? cases[i].refs[1] ? 2 : 1 : 0;
        if (nh != want_n)
            fail_msg("%s: %zu hits, want %zu", cases[i].q, nh, want_n);
        for (size_t k = 0; k < nh; k++)
            assert_int_equal(h[k].ref, cases[i].refs[k]);
    }
    db_stmt *s = db_prepare(d, "SELECT body FROM search_fts WHERE ref = 1");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "novi sad beograd");
    db_reset(s);

    /* out of memory while the table grows: the failed flag, nothing else
     * (last: the connection's unit of work counts the failure) */
    buf b = BUF_INIT;
    buf_puts(&b, buf_str(&body));
    mem_fail_after(0);
    search_words_once(&b, buf_str(&title), title.len);
    mem_fail_after(-1);
    assert_true(buf_failed(&b));
    buf_free(&b);
    buf_free(&body);
    buf_free(&title);
    buf_free(&want);
    arena_free(&a);
}

/* Bulk documents (search_put_pending) are folded on a helper thread and
 * come out exactly as search_put stores them, in the order given, also
 * past the helper's queue bound; a dropped batch leaves nothing behind. */
static void test_search_pending_like_put(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    arena a = ARENA_INIT;
    enum { N = 2500 }; /* more than the 1,024 the helper may lag behind */
    char title[64], body[96];
    assert_int_equal(search_put_pending(d, "org", 1, "x", "y"), DB_ERR); /* no begin */

    /* dropped: nothing stored, and the next batch starts clean */
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 9, "Dropped Ђорђе", "gone"), DB_OK);
    search_drop_pending(d);
    search_drop_pending(d); /* twice is harmless */
    db_rollback(d);

    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    for (int i = 1; i <= N; i++) {
        snprintf(title, sizeof title, "Ниш Đorđe %d", i);
        snprintf(body, sizeof body, "Нови Сад, Šabac — body %d, Нови Сад, Ниш", i * 7);
        assert_int_equal(search_put_pending(d, "org", i, title, body), DB_OK);
    }
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d); /* after the transaction, flushed or not */
    search_drop_pending(d); /* twice is harmless */

    int64_t n = 0;
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_fts", 0, NULL), DB_OK);
    assert_int_equal(n, N);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_title", 0, NULL), DB_OK);
    assert_int_equal(n, N);
    db_stmt *s = db_prepare(d, "SELECT f.ref, f.title, f.body, t.title FROM search_fts f"
                               " JOIN search_title t ON t.rowid = f.rowid"
                               " JOIN search_doc c ON c.id = f.rowid AND c.ref = f.ref"
                               " ORDER BY f.rowid");
    assert_non_null(s);
    int want = 1;
    while (db_step(s) == DB_ROW) {
        buf ft = BUF_INIT;
        snprintf(title, sizeof title, "Ниш Đorđe %d", want);
        /* the body's words once, none of the title's (search_words_once) */
        snprintf(body, sizeof body, "novi sad sabac — body %d", want * 7);
        utf8_fold(&ft, title, strlen(title));
        assert_int_equal(db_col_int(s, 0), want);
        assert_string_equal(db_col_text(s, 1), buf_str(&ft));
        assert_string_equal(db_col_text(s, 2), body);
        assert_string_equal(db_col_text(s, 3), buf_str(&ft));
        buf_free(&ft);
        want++;
    }
    db_reset(s);
    assert_int_equal(want, N + 1);
    search_hit *h = NULL;
    size_t nh = 0;
    assert_int_equal(search_query(d, &a, "djordje 1234", "org", 10, 0, &h, &nh), DB_OK);
    assert_true(nh >= 1); /* and bodies with "1234..." after it */
    assert_int_equal(h[0].ref, 1234);
    assert_int_equal(search_query(d, &a, "dropped", NULL, 10, 0, &h, &nh), DB_OK);
    assert_int_equal(nh, 0);

    /* The tables started empty, so the helper built them (search.c's
     * folder); a second batch adds to tables that are not, through the
     * temporary table. Both leave FTS5 indexes that match their documents. */
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    for (int i = N + 1; i <= N + 10; i++)
        assert_int_equal(search_put_pending(d, "org", i, "Ниш Đorđe second", "batch"), DB_OK);
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_fts", 0, NULL), DB_OK);
    assert_int_equal(n, N + 10);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_title", 0, NULL), DB_OK);
    assert_int_equal(n, N + 10);
    assert_int_equal(search_query(d, &a, "djordje second", "org", 100, 0, &h, &nh), DB_OK);
    assert_int_equal(nh, 10);
    assert_int_equal(db_exec(d, "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"),
                     DB_OK);
    assert_int_equal(
        db_exec(d, "INSERT INTO search_title(search_title) VALUES ('integrity-check')"), DB_OK);
    arena_free(&a);
}

/* After a bulk write that gave (org, 1) twice ("stari opis", then "novi
 * opis") and (org, 2) once: the FTS tables hold two documents, those of
 * search_doc, and nothing finds the replaced words. */
static void assert_repeat_replaced(db *d, int64_t docs)
{
    arena a = ARENA_INIT;
    search_hit *h = NULL;
    size_t n = 0;
    assert_int_equal(search_query(d, &a, "novi", "org", 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].ref, 1);
    assert_int_equal(search_query(d, &a, "stari", NULL, 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 0); /* the first document's words went with it */
    assert_int_equal(search_query(d, &a, "prvi", NULL, 10, 0, &h, &n), DB_OK);
    assert_int_equal(n, 1);
    int64_t c = 0;
    static const char *const counts[] = {
        "SELECT count(*) FROM search_fts",
        "SELECT count(*) FROM search_title",
        "SELECT count(*) FROM search_fts f JOIN search_doc c ON c.id = f.rowid AND c.ref = f.ref",
        "SELECT count(*) FROM search_title t JOIN search_doc c ON c.id = t.rowid"
        " AND c.ref = t.ref",
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        assert_int_equal(db_int(d, &c, 0, counts[i], 0, NULL), DB_OK);
        assert_int_equal(c, docs);
    }
    assert_int_equal(db_exec(d, "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"),
                     DB_OK);
    assert_int_equal(
        db_exec(d, "INSERT INTO search_title(search_title) VALUES ('integrity-check')"), DB_OK);
    arena_free(&a);
}

/* While the helper builds the FTS tables, search_put_pending inserts the
 * search_doc row without looking for an earlier one first; a second
 * document for the same (kind, ref) still replaces the first, with the
 * id search_put would give it (the highest plus one), and the first one's
 * words leave the FTS tables (they stayed, under a rowid no search_doc row
 * named, before the tombstones of folder_forget). */
static void test_search_pending_repeat_while_building(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Prvi", "stari opis"), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 2, "Drugi", "opis"), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Prvi", "novi opis"), DB_OK); /* again */
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    char *rows = NULL;
    db_stmt *s = db_prepare(d, "SELECT group_concat(id || kind || ref, '|') FROM"
                               " (SELECT * FROM search_doc ORDER BY id)");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    rows = strdup(db_col_text(s, 0));
    db_reset(s);
    assert_string_equal(rows, "2org2|3org1");
    free(rows);
    assert_repeat_replaced(d, 2);
}

/* The same when the FTS tables are not empty at the start (the pending
 * documents go through the temporary table), with the repeat far enough
 * apart that the first one was already stored there, and once more in the
 * next bulk write (the earlier one is then in the FTS tables). */
static void test_search_pending_repeat_not_building(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(search_put(d, "event", 7, "Sajam", "postojeci"), DB_OK);
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Prvi", "stari opis"), DB_OK);
    char title[32];
    for (int i = 100; i < 100 + 3000; i++) { /* past the helper's queue bound */
        snprintf(title, sizeof title, "Punjenje %d", i);
        assert_int_equal(search_put_pending(d, "org", i, title, "ostalo"), DB_OK);
    }
    assert_int_equal(search_put_pending(d, "org", 2, "Drugi", "opis"), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Prvi", "novi opis"), DB_OK); /* again */
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    assert_repeat_replaced(d, 3003);

    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Prvi", "stari opis"), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Prvi", "novi opis"), DB_OK);
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    assert_repeat_replaced(d, 3003);
}

/* search_close_pending: the documents given before it are all stored by
 * the flush, in both ways of storing them (the helper's build, the
 * temporary table); a document or a delete after it is refused. */
static void test_search_close_pending(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    char title[32];
    for (int round = 0; round < 2; round++) { /* empty tables, then not */
        assert_int_equal(db_begin_write(d), DB_OK);
        assert_int_equal(search_begin_pending(d), DB_OK);
        for (int i = 1; i <= 2000; i++) {
            snprintf(title, sizeof title, "Zatvoren %d", round * 10000 + i);
            assert_int_equal(search_put_pending(d, "org", round * 10000 + i, title, "opis"), DB_OK);
        }
        /* the niced helper's work goes on at the writer's priority */
        unsigned long promotions = search_helper_promotions();
        search_close_pending(d);
        assert_int_equal(search_helper_promotions(), promotions + 1);
        assert_int_equal(search_put_pending(d, "org", 99999, "Kasno", "opis"), DB_ERR);
        assert_int_equal(search_delete(d, "org", round * 10000 + 5), DB_ERR); /* nothing gone */
        int64_t left = 0;
        assert_int_equal(db_int(d, &left, 0, "SELECT count(*) FROM search_doc", 0, NULL), DB_OK);
        assert_int_equal(left, 2000 * (round + 1));
        assert_int_equal(search_flush_pending(d), DB_OK);
        assert_int_equal(db_commit(d), DB_OK);
        search_drop_pending(d);
        int64_t n = 0;
        assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_fts", 0, NULL), DB_OK);
        assert_int_equal(n, 2000 * (round + 1));
        assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_title", 0, NULL), DB_OK);
        assert_int_equal(n, 2000 * (round + 1));
    }
    arena a = ARENA_INIT;
    search_hit *h = NULL;
    size_t nh = 0;
    assert_int_equal(search_query(d, &a, "zatvoren 10005", NULL, 10, 0, &h, &nh), DB_OK);
    assert_int_equal(nh, 1);
    assert_int_equal(h[0].ref, 10005);
    assert_int_equal(search_query(d, &a, "kasno", NULL, 10, 0, &h, &nh), DB_OK);
    assert_int_equal(nh, 0);
    arena_free(&a);
    assert_int_equal(db_exec(d, "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"),
                     DB_OK);
}

/* A bulk write on d with n pending documents (ids first..) of 6.6 KB
 * each: far more than the helper, at the lowest priority, keeps up with. */
static void pending_long_docs(db *d, const char *word, int first, int n)
{
    char title[32];
    buf body = BUF_INIT;
    for (int k = 0; k < 200; k++)
        buf_puts(&body, "opis klastera i njegovih clanica ");
    assert_false(buf_failed(&body));
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    for (int i = first; i < first + n; i++) {
        snprintf(title, sizeof title, "%s %d", word, i);
        assert_int_equal(search_put_pending(d, "org", i, title, buf_str(&body)), DB_OK);
    }
    buf_free(&body);
}

/* search_helper_await: false without building helpers; with them, true
 * only once every document is added, and the flush stores them all. */
static void test_search_helper_await(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_false(search_helper_await(d)); /* no bulk write */
    for (int round = 0; round < 2; round++) {
        pending_long_docs(d, "Cekanje", round * 100000 + 1, round == 0 ? 6000 : 3000);
        search_close_pending(d);
        if (round == 0) {
            assert_true(search_helper_left(d) > 0); /* far behind, as made */
            assert_true(search_helper_await(d));
            assert_int_equal(search_helper_left(d), 0);
        } else { /* the FTS tables are not empty: the helper only folds */
            assert_false(search_helper_await(d));
        }
        assert_int_equal(search_flush_pending(d), DB_OK);
        assert_int_equal(db_commit(d), DB_OK);
        search_drop_pending(d);
    }
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_fts", 0, NULL), DB_OK);
    assert_int_equal(n, 9000);
    assert_false(search_helper_await(d)); /* ended */
}

/* A bulk write that fails drops its pending documents: the helper stops
 * at its next document rather than folding and building them all first
 * (a failed import once waited 15 s for that), nothing of them is
 * stored, and the next bulk write on the connection stores its own. */
static void test_search_drop_abandons(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    unsigned long abandoned = search_helpers_abandoned();
    pending_long_docs(d, "Napusten", 1, 20000);
    db_rollback(d);
    search_drop_pending(d);
    assert_int_equal(search_helpers_abandoned(), abandoned + 1);
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_doc", 0, NULL), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Posle", "opis"), DB_OK);
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_fts", 0, NULL), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_exec(d, "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"),
                     DB_OK);
}

/* search_title passes FTS5's integrity check and finds n documents for
 * the MATCH expression match. */
static void assert_title_sound(db *d, const char *match, int64_t n)
{
    int64_t got = -1;
    db_val args[] = {DBT(match)};
    assert_int_equal(db_int(d, &got, 0,
                            "SELECT count(*) FROM search_title WHERE search_title MATCH $1", 1,
                            args),
                     DB_OK);
    assert_int_equal(got, n);
    assert_int_equal(
        db_exec(d, "INSERT INTO search_title(search_title) VALUES ('integrity-check')"), DB_OK);
}

/* db_note_failure: a failure met on another connection (a search
 * builder's) counts as the connection's own: the commit refuses, nothing
 * is stored, and db_errmsg says the other's words. */
static void test_note_failure(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(db_exec(d, "CREATE TABLE noted(x)"), DB_OK);
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(db_exec(d, "INSERT INTO noted VALUES (1)"), DB_OK);
    db_note_failure(d, DB_NOMEM, "search index builder: out of memory");
    assert_int_equal(db_commit(d), DB_NOMEM);
    assert_string_equal(db_errmsg(d), "search index builder: out of memory");
    db_rollback(d);
    db_end_request(d);
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM noted", 0, NULL), DB_OK);
    assert_int_equal(n, 0);
    db_note_failure(d, DB_OK, "nothing"); /* not a failure: nothing noted */
    assert_int_equal(db_failure(d), DB_OK);
}

/* The FTS tables' stored settings outlive a build: the builders' copies
 * replace the tables, not what was set on them. */
static void test_search_build_keeps_settings(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(db_exec(d,
                             "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 2);"
                             " INSERT INTO search_title(search_title, rank) VALUES ('pgsz', 8000)"),
                     DB_OK);
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Podesavanja", "opis"), DB_OK);
    search_close_pending(d);
    assert_true(search_helper_await(d)); /* built by the helpers: the tables were empty */
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    int64_t v = 0;
    assert_int_equal(
        db_int(d, &v, 0, "SELECT v FROM search_fts_config WHERE k = 'automerge'", 0, NULL), DB_OK);
    assert_int_equal(v, 2);
    assert_int_equal(
        db_int(d, &v, 0, "SELECT v FROM search_title_config WHERE k = 'pgsz'", 0, NULL), DB_OK);
    assert_int_equal(v, 8000);
    assert_title_sound(d, "podes*", 1);
}

/* The same once the rows are done (search_close_pending), when the title
 * builder has started too: both stop, nothing of theirs is stored, and
 * the next bulk write builds both tables from its own documents. */
static void test_search_drop_after_close(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    pending_long_docs(d, "Napusten", 1, 20000);
    search_close_pending(d);
    db_rollback(d);
    search_drop_pending(d);
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(search_begin_pending(d), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 1, "Posle Ниш", "opis"), DB_OK);
    assert_int_equal(search_put_pending(d, "org", 2, "Drugi", "opis"), DB_OK);
    search_close_pending(d);
    assert_int_equal(search_flush_pending(d), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    search_drop_pending(d);
    int64_t n = -1;
    assert_int_equal(db_int(d, &n, 0, "SELECT count(*) FROM search_title", 0, NULL), DB_OK);
    assert_int_equal(n, 2);
    assert_title_sound(d, "nis*", 1);
}

/* Search answers do not depend on how the FTS tables were filled: the
 * same documents through the helper's build (tables empty at the start)
 * and through search_put one by one (as every form does) give the same
 * documents and the same hits, in the same order, for prefixes of one to
 * eight letters, words of several, and Cyrillic, Latin and ASCII. */
static void test_search_built_same_as_put(void **state)
{
    fixture *f = *state;
    testdb other;
    assert_int_equal(testdb_open(&other), 0);
    db *built = f->t.d, *put = other.d;
    arena a = ARENA_INIT;
    enum { N = 1500 };
    static const char *const words[] = {"Kragujevac", "Ниш",       "Đorđe",   "tehnologija",
                                        "inovacija",  "Нови Сад",  "Šabac",   "klaster",
                                        "drvo",       "namještaj", "softver", "Čačak"};
    enum { W = sizeof words / sizeof words[0] };
    char title[160], body[256];
    assert_int_equal(db_begin_write(built), DB_OK);
    assert_int_equal(search_begin_pending(built), DB_OK);
    assert_int_equal(db_begin_write(put), DB_OK);
    for (int i = 1; i <= N; i++) {
        snprintf(title, sizeof title, "%s %s %d", words[i % W], words[(i * 7) % W], i);
        snprintf(body, sizeof body, "%s, %s — %s opis %d", words[(i * 3) % W], words[(i * 5) % W],
                 words[(i * 11) % W], i * 13);
        const char *kind = i % 3 ? "org" : "event";
        assert_int_equal(search_put_pending(built, kind, i, title, body), DB_OK);
        assert_int_equal(search_put(put, kind, i, title, body), DB_OK);
    }
    assert_int_equal(search_flush_pending(built), DB_OK);
    assert_int_equal(db_commit(built), DB_OK);
    search_drop_pending(built);
    assert_int_equal(db_commit(put), DB_OK);

    static const char *const sqls[] = {
        "SELECT group_concat(r || kind || ref || title || body, '|') FROM"
        " (SELECT rowid AS r, * FROM search_fts ORDER BY rowid)",
        "SELECT group_concat(r || kind || ref || title, '|') FROM"
        " (SELECT rowid AS r, * FROM search_title ORDER BY rowid)",
        "SELECT group_concat(id || kind || ref, '|') FROM (SELECT * FROM search_doc ORDER BY id)",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof *sqls; i++) {
        db_stmt *s1 = db_prepare(built, sqls[i]), *s2 = db_prepare(put, sqls[i]);
        assert_int_equal(db_step(s1), DB_ROW);
        assert_int_equal(db_step(s2), DB_ROW);
        assert_non_null(db_col_text(s1, 0));
        assert_string_equal(db_col_text(s1, 0), db_col_text(s2, 0));
        db_reset(s1);
        db_reset(s2);
    }
    static const char *const queries[] = {
        "k",      "kr",      "kra",   "krag",        "kragu",     "kraguj", "kragujev",
        "ниш",    "nis",     "niš",   "djordje",     "đorđe",     "ђорђе",  "tehn",
        "t",      "te",      "teh",   "tehnologija", "in",        "opis",   "opis 13",
        "novi s", "нови с",  "sabac", "čačak",       "cacak 12",  "kl",     "drvo nam",
        "softv",  "namjest", "2",     "123",         "zzznothing"};
    static const char *const kinds[] = {NULL, "org", "event"};
    size_t answered = 0; /* queries with hits: the comparison compares something */
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        for (size_t k = 0; k < 3; k++) {
            search_hit *h1, *h2;
            size_t n1, n2;
            assert_int_equal(search_query(built, &a, queries[q], kinds[k], 100, 0, &h1, &n1),
                             DB_OK);
            assert_int_equal(search_query(put, &a, queries[q], kinds[k], 100, 0, &h2, &n2), DB_OK);
            if (n1 != n2)
                fail_msg("'%s': %zu hits built, %zu put", queries[q], n1, n2);
            answered += n1 > 0;
            for (size_t j = 0; j < n1; j++)
                if (h1[j].ref != h2[j].ref || strcmp(h1[j].kind, h2[j].kind) != 0)
                    fail_msg("'%s': hit %zu differs", queries[q], j);
        }
    assert_true(answered >= 80);
    assert_int_equal(
        db_exec(built, "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"), DB_OK);
    assert_int_equal(
        db_exec(built, "INSERT INTO search_title(search_title) VALUES ('integrity-check')"), DB_OK);
    arena_free(&a);
    testdb_close(&other);
}

/* Whether the hits of q are exactly the refs in want (n_want of them),
 * in any order. */
static void assert_hits(db *d, arena *a, const char *q, const int64_t *want, size_t n_want)
{
    search_hit *h = NULL;
    size_t n = 0;
    assert_int_equal(search_query(d, a, q, "org", 50, 0, &h, &n), DB_OK);
    bool ok = n == n_want;
    for (size_t i = 0; ok && i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < n_want; j++)
            found = found || h[i].ref == want[j];
        ok = found;
    }
    if (!ok)
        fail_msg("'%s': %zu hits, %zu wanted", q, n, n_want);
}

/* search_fts has no one-character prefix index (0065): a one-letter word
 * of the body stage still finds every word that begins with it, the
 * letter alone, a letter or digit after it, or a letter beyond ASCII
 * after it (from the index's vocabulary), and nothing else; a word
 * beginning beyond ASCII is left to FTS5. */
static void test_search_one_letter(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    arena a = ARENA_INIT;
    int64_t n = -1;
    assert_int_equal(db_scalar_int(d,
                                   "SELECT count(*) FROM sqlite_schema WHERE name = 'search_fts'"
                                   " AND sql LIKE '%prefix = ''2''%'",
                                   &n),
                     DB_OK);
    assert_int_equal(n, 1);
    static const struct {
        const char *title, *body;
    } docs[] = {
        {"Prvi", "a i b"},            /* 1: the word a alone */
        {"Drugi", "Aβeta protein"},   /* 2: a, then a letter beyond ASCII */
        {"Treci", "a7 model"},        /* 3: a, then a digit */
        {"Cetvrti", "zzz bbb"},       /* 4: no word with a */
        {"Alfa", "ccc"},              /* 5: a in the name (the names' stage) */
        {"Peti", "βeta γ"},           /* 6: words beyond ASCII */
        {"Sesti", "Ана и Бане"},      /* 7: Cyrillic, folded to ana */
        {"Sedmi", "bA dA"},           /* 8: a inside words only */
        {"Osmi", NULL},               /* 9: a and 40 characters beyond ASCII, below */
        {"Deveti", "eα eβ eγ eδ eε"}, /* 10: e and five of them */
    };
    /* "a丁 a七 ...": more two-character prefixes than the vocabulary takes */
    char many[40 * 5 + 1] = "";
    for (int i = 0; i < 40; i++) {
        char w[6] = {'a', (char)0xE4, (char)0xB8, (char)(0x80 + i), ' ', '\0'};
        strcat(many, w);
    }
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        assert_int_equal(
            search_put(d, "org", (int64_t)i + 1, docs[i].title, docs[i].body ? docs[i].body : many),
            DB_OK);
    static const int64_t a_all[] = {1, 2, 3, 5, 7, 9}, a_prvi[] = {1}, b_any[] = {1, 4, 7, 8},
                         a_b[] = {1, 7}, beta[] = {6}, gamma[] = {6}, seven[] = {3};
    assert_hits(d, &a, "a", a_all, 6);
    assert_hits(d, &a, "A", a_all, 6);
    assert_hits(d, &a, "а", a_all, 6); /* Cyrillic a */
    assert_hits(d, &a, "a prvi", a_prvi, 1);
    assert_hits(d, &a, "b", b_any, 4);
    assert_hits(d, &a, "a b", a_b, 2); /* "ana i bane" too */
    assert_hits(d, &a, "β", beta, 1);  /* "aβeta" begins with a */
    assert_hits(d, &a, "γ", gamma, 1);
    assert_hits(d, &a, "7", NULL, 0);
    assert_hits(d, &a, "a7", seven, 1);
    assert_hits(d, &a, "x", NULL, 0);
    /* and the same as a table with the one-character index finds */
    assert_int_equal(db_exec(d, "CREATE VIRTUAL TABLE ref_fts USING fts5(kind UNINDEXED,"
                                " ref UNINDEXED, title, body,"
                                " tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2');"
                                " INSERT INTO ref_fts(rowid, kind, ref, title, body)"
                                " SELECT rowid, kind, ref, title, body FROM search_fts"),
                     DB_OK);
    /* with words another word begins with, which the body's expression
     * leaves out: "a ana", "b.a.b", the same word twice */
    static const char *const qs[] = {"a",    "b",      "c",     "p",   "t",      "z",      "7",
                                     "β",    "a b",    "b a z", "a p", "d",      "e i",    "i",
                                     "x y",  "a ana",  "ana a", "a a", "b.a.b",  "bane b", "an a",
                                     "a7 a", "ba a b", "e",     "e a", "osmi a", "a e"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        buf m = BUF_INIT;
        search_build_match(&m, qs[i]);
        db_stmt *s = db_prepare(d, "SELECT ref FROM ref_fts WHERE ref_fts MATCH $1");
        assert_non_null(s);
        db_bind_text(s, 1, buf_str(&m));
        int64_t want[16];
        size_t nw = 0;
        while (db_step(s) == DB_ROW && nw < 16)
            want[nw++] = db_col_int(s, 0);
        db_reset(s);
        assert_hits(d, &a, qs[i], want, nw);
        buf_free(&m);
    }
    /* page by page, as the API's cursor asks: the same six, each once */
    int64_t pos = 0, seen[8];
    size_t got = 0;
    while (pos >= 0 && got < 8) {
        search_hit *h = NULL;
        size_t k = 0;
        assert_int_equal(search_query_after(d, &a, "a", "org", 1, pos, &h, &k, &pos), DB_OK);
        for (size_t i = 0; i < k; i++)
            seen[got++] = h[i].ref;
    }
    assert_int_equal(got, 6);
    for (size_t i = 0; i < got; i++) {
        size_t same = 0;
        for (size_t j = 0; j < 6; j++)
            same += seen[i] == a_all[j];
        for (size_t j = 0; j < i; j++)
            same += seen[i] == seen[j];
        assert_int_equal(same, 1);
    }
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
    /* split where the tokenizers split outside ASCII too (punctuation, a
     * dash, a no-break space, a middle dot), never inside a letter or a
     * number of another script: each quoted word is one token */
    buf_reset(&b);
    search_build_match(&b, "O’Brien Niš–Beograd nis\u00a0klaster a·b «x» Ωmega ½ 2²");
    assert_string_equal(buf_str(&b), "\"o\"* \"brien\"* \"nis\"* \"beograd\"* \"nis\"* \"klaster\"*"
                                     " \"a\"* \"b\"* \"x\"* \"ωmega\"* \"½\"* \"2²\"*");
    buf_free(&b);
    fixture *f = *state;
    arena a = ARENA_INIT;
    search_hit *h = NULL;
    size_t n = 9;
    assert_int_equal(search_query(f->t.d, &a, "\"unbalanced ( * :", NULL, 5, 0, &h, &n), DB_OK);
    assert_int_equal(n, 0);
    /* such words find the document that has them, wherever they stand in
     * it: not only side by side, as a phrase */
    assert_int_equal(search_put(f->t.d, "org", 7, "Kafana O'Brien", "Beograd i okolina; Niš"),
                     DB_OK);
    static const char *const finds[] = {"O’Brien",          "o‘brien",      "Niš–Beograd",
                                        "nis\u00a0beograd", "brien·kafana", "kafana—nis"};
    for (size_t i = 0; i < sizeof finds / sizeof *finds; i++) {
        assert_int_equal(search_query(f->t.d, &a, finds[i], "org", 5, 0, &h, &n), DB_OK);
        if (n != 1 || h[0].ref != 7)
            fail_msg("'%s': %zu hits", finds[i], n);
    }
    arena_free(&a);
}

/* db_collect: rows into a growing arena array, appending, the empty
 * result, a row function that runs out, a failing step, and arena OOM at
 * every allocation in turn. */
static const char SQL_C[] = "CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT, v INTEGER);"
                            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
                            " WHERE i < 40) INSERT INTO c SELECT i, 'row ' || i, i * 10 FROM k;"
                            "UPDATE c SET name = NULL WHERE id = 7";
static const char SQL_C_SEL[] = "SELECT id, name, v FROM c WHERE v >= $1 ORDER BY id";
static const char SQL_C_BAD[] =
    "SELECT id, name, CASE WHEN id > 2 THEN abs(-9223372036854775807 - 1) ELSE v END FROM c"
    " ORDER BY id";

typedef struct c_row {
    int64_t id, v;
    const char *name;
    int64_t untouched; /* never set by c_fill: must read 0 */
} c_row;

/* ctx: NULL, or an int row count after which the row claims OOM. */
static void c_fill(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    c_row *r = item;
    r->id = db_col_int(s, 0);
    r->name = db_col_dup(a, s, 1, oom);
    r->v = db_col_int(s, 2);
    if (ctx && r->id >= *(const int *)ctx)
        *oom = true;
}

static db_status c_collect(db *d, arena *a, int64_t min_v, c_row **rows, size_t *n, void *ctx)
{
    db_stmt *s = db_prepare(d, SQL_C_SEL);
    assert_non_null(s);
    db_bind_int(s, 1, min_v);
    return db_collect(s, a, (void **)rows, n, sizeof **rows, c_fill, ctx);
}

static void check_c_rows(const c_row *rows, size_t n, int64_t first_id)
{
    for (size_t i = 0; i < n; i++) {
        int64_t id = first_id + (int64_t)i;
        assert_int_equal(rows[i].id, id);
        assert_int_equal(rows[i].v, id * 10);
        assert_int_equal(rows[i].untouched, 0);
        if (id == 7) {
            assert_null(rows[i].name);
        } else {
            char want[32];
            snprintf(want, sizeof want, "row %lld", (long long)id);
            assert_string_equal(rows[i].name, want);
        }
    }
}

static void test_path_for_log(void **state)
{
    (void)state;
    char out[128];
    db_path_for_log("postgresql://scan:s3cret@db.example/scan", out, sizeof out);
    assert_string_equal(out, "postgresql://scan:***@db.example/scan");
    db_path_for_log("postgres://scan@db/scan?sslmode=require&password=s3cret&x=1", out, sizeof out);
    assert_string_equal(out, "postgres://scan@db/scan?sslmode=require&password=***&x=1");
    db_path_for_log("postgresql://scan@/scan?host=/tmp/pg", out, sizeof out);
    assert_string_equal(out, "postgresql://scan@/scan?host=/tmp/pg");
    db_path_for_log("postgresql://db/scan?user=a@b", out, sizeof out); /* no user part */
    assert_string_equal(out, "postgresql://db/scan?user=a@b");
    db_path_for_log("var/me:pw@x.db", out, sizeof out); /* a file name: as it is */
    assert_string_equal(out, "var/me:pw@x.db");
    db_path_for_log("postgresql://u:secret@h/d", out, 20); /* truncated, never the secret */
    assert_null(strstr(out, "secret"));
    assert_int_equal(strlen(out), 19);
}

static void test_collect(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    arena a = ARENA_INIT;
    assert_int_equal(db_exec(d, SQL_C), DB_OK);

    /* every row, across several growths of the array */
    c_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(c_collect(d, &a, 0, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 40);
    check_c_rows(rows, n, 1);

    /* appends after the elements already there, keeping them */
    assert_int_equal(c_collect(d, &a, 380, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 43);
    check_c_rows(rows, 40, 1);
    check_c_rows(rows + 40, 3, 38);

    /* no rows: DB_OK, nothing allocated, the statement reusable */
    rows = NULL;
    n = 0;
    assert_int_equal(c_collect(d, &a, 1000, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 0);
    assert_null(rows);

    /* a row function that runs out stops the read at that row */
    int stop_at = 3;
    assert_int_equal(c_collect(d, &a, 0, &rows, &n, &stop_at), DB_NOMEM);
    assert_int_equal(n, 3);
    check_c_rows(rows, n, 1);

    /* a failing step: its status, the rows before it kept */
    rows = NULL;
    n = 0;
    db_stmt *bad = db_prepare(d, SQL_C_BAD);
    assert_non_null(bad);
    db_status st = db_collect(bad, &a, (void **)&rows, &n, sizeof *rows, c_fill, NULL);
    assert_int_not_equal(st, DB_OK);
    assert_int_not_equal(st, DB_NOMEM);
    assert_int_equal(n, 2);

    /* the arena fails at each allocation in turn: DB_NOMEM until there is
     * room for everything, and the statement is always left reset */
    bool whole = false;
    for (long k = 0; k < 200 && !whole; k++) {
        arena b = ARENA_INIT;
        rows = NULL;
        n = 0;
        mem_fail_after(k);
        st = c_collect(d, &b, 0, &rows, &n, NULL);
        mem_fail_after(-1);
        if (st == DB_OK) {
            whole = true;
            assert_int_equal(n, 40);
            check_c_rows(rows, n, 1);
        } else {
            assert_int_equal(st, DB_NOMEM);
            assert_true(n < 40);
            if (k == 0)
                assert_int_equal(n, 0);
        }
        arena_free(&b);
    }
    assert_true(whole);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations_idempotent_and_newer_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migrations_sqlite_texts_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks_build_no_temporary_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_migration_leaves_schema_locked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_statements_and_placeholders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_checks_the_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_bind_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_refused_after_any_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_and_backup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_gathers_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_ahead_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_follows_wal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errmsg_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_drop_abandons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_drop_after_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_build_keeps_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_note_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_helper_await, setup, teardown),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_path_for_log),
        cmocka_unit_test_setup_teardown(test_search_folds_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_pending_repeat_while_building, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_pending_repeat_not_building, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_close_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_words_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_pending_like_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_built_same_as_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_expression_is_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_says_when_it_upgrades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_one_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collect, setup, teardown),
    };
    return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
