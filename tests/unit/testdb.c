/* testdb.c: see testdb.h. */
#include "testdb.h"

#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"
#include "embedded.h"

/* SCAN_TEST_PG's URL, or NULL when the fixtures are SQLite files. */
static const char *pg_server(void)
{
    const char *url = getenv("SCAN_TEST_PG");
    return url && *url ? url : NULL;
}

/* Runs one statement on the server's own database (CREATE or DROP
 * DATABASE cannot run in the database they name): 0, or -1 after printing
 * why. */
static int pg_admin(const char *server, const char *sql)
{
    db *d = NULL;
    buf err = BUF_INIT;
    int rc = -1;
    if (db_open(server, NULL, &d, &err) != DB_OK)
        fprintf(stderr, "testdb: open %s: %s\n", server, buf_str(&err));
    else if (db_exec(d, sql) != DB_OK)
        fprintf(stderr, "testdb: %s: %s\n", sql, db_errmsg(d));
    else
        rc = 0;
    db_close(d);
    buf_free(&err);
    return rc;
}

/* server's URL with the database name replaced by name, in out[n]: the
 * name runs from the first '/' after the authority to '?' or the end
 * (postgresql://user@host/NAME?params). 0, or -1 after printing why. */
static int pg_url(const char *server, const char *name, char *out, size_t n)
{
    const char *auth = strstr(server, "://");
    const char *slash = auth ? strchr(auth + 3, '/') : NULL;
    if (!slash) {
        fprintf(stderr, "testdb: SCAN_TEST_PG is not a postgresql://user@host/db URL: %s\n",
                server);
        return -1;
    }
    const char *rest = slash + 1 + strcspn(slash + 1, "?");
    int len = snprintf(out, n, "%.*s%s%s", (int)(slash + 1 - server), server, name, rest);
    if (len < 0 || (size_t)len >= n) {
        fprintf(stderr, "testdb: SCAN_TEST_PG too long: %s\n", server);
        return -1;
    }
    return 0;
}

/* The migrated, empty database every fixture copies (CREATE DATABASE ...
 * TEMPLATE: a file copy, where migrating each fixture's database took 6 s
 * under ASan), made by the first fixture of any process and named after
 * the schema version; adm holds the advisory lock that makes the first
 * one the only one. 0, or -1 after printing why. */
static int pg_template(db *adm, const char *server, const char *tmpl)
{
    db_stmt *st = db_prepare(adm, "SELECT count(*) FROM pg_database WHERE datname = $1");
    if (!st || db_bind_text(st, 1, tmpl) != DB_OK || db_step(st) != DB_ROW) {
        fprintf(stderr, "testdb: %s: %s\n", tmpl, db_errmsg(adm));
        if (st)
            db_reset(st);
        return -1;
    }
    int64_t found = db_col_int(st, 0);
    db_reset(st);
    if (found)
        return 0;
    char sql[96], url[512];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", tmpl);
    if (db_exec(adm, sql) != DB_OK) {
        fprintf(stderr, "testdb: %s: %s\n", sql, db_errmsg(adm));
        return -1;
    }
    if (pg_url(server, tmpl, url, sizeof url) != 0)
        return -1;
    db *d = NULL;
    buf err = BUF_INIT;
    int applied = 0, rc = -1;
    if (db_open(url, NULL, &d, &err) != DB_OK)
        fprintf(stderr, "testdb: open %s: %s\n", url, buf_str(&err));
    else if (migrate_up(d, &applied, &err) != DB_OK)
        fprintf(stderr, "testdb: migrate %s: %s\n", url, buf_str(&err));
    else
        rc = 0;
    db_close(d);
    buf_free(&err);
    if (rc != 0) {
        snprintf(sql, sizeof sql, "DROP DATABASE %s", tmpl);
        (void)db_exec(adm, sql);
    }
    return rc;
}

/* PostgreSQL mode: a new database on the server, a copy of the template,
 * its URL in t->path: 0 or -1. */
static int pg_create(testdb *t, const char *server)
{
    static atomic_int seq;
    snprintf(t->pg_name, sizeof t->pg_name, "scan_u_%ld_%d", (long)getpid(),
             atomic_fetch_add(&seq, 1));
    char tmpl[48], sql[160];
    snprintf(tmpl, sizeof tmpl, "scan_u_template_%d", migrate_latest());
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", t->pg_name, tmpl);
    db *adm = NULL;
    buf err = BUF_INIT;
    int rc = -1;
    if (pg_url(server, t->pg_name, t->path, sizeof t->path) != 0)
        ; /* said why */
    else if (db_open(server, NULL, &adm, &err) != DB_OK)
        fprintf(stderr, "testdb: open %s: %s\n", server, buf_str(&err));
    /* one lock for every process of the run: the template is made once */
    /* the driver's lock timeout is for requests: here a wait for another
     * process making the template is expected */
    else if (db_exec(adm, "SET lock_timeout = 0; SET statement_timeout = 0;"
                          " SELECT pg_advisory_lock(1850050)") != DB_OK)
        fprintf(stderr, "testdb: advisory lock: %s\n", db_errmsg(adm));
    else if (pg_template(adm, server, tmpl) != 0)
        ; /* said why */
    else if (db_exec(adm, sql) != DB_OK)
        fprintf(stderr, "testdb: %s: %s\n", sql, db_errmsg(adm));
    else
        rc = 0;
    /* the lock ends with the session */
    db_close(adm);
    buf_free(&err);
    if (rc != 0)
        t->pg_name[0] = '\0';
    return rc;
}

/* SQLite: the first open of a process migrates a database in a folder of
 * its own and keeps it closed as a template (removed at exit); every open copies
 * it. Applying every migration under ASan costs about a second of CPU, and
 * most of the ~250 cases of the unit level open a database. */
static char template_dir[64], template_path[96];
static pid_t template_pid; /* a forked child's exit leaves it alone */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw);

static void template_remove(void)
{
    if (template_dir[0] && getpid() == template_pid)
        nftw(template_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Copies the file from to the new file to; 0, or -1 after printing why. */
static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char chunk[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite(chunk, 1, n, out) != n)
            rc = -1;
    if (in && ferror(in))
        rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "testdb: copy %s to %s failed\n", from, to);
    return rc;
}

/* The template, made on first use; 0, or -1 after printing why. */
static int template_ready(void)
{
    if (template_path[0])
        return 0;
    snprintf(template_dir, sizeof template_dir, "/tmp/scan-unit-XXXXXX");
    if (!mkdtemp(template_dir)) {
        perror("testdb: mkdtemp");
        template_dir[0] = '\0';
        return -1;
    }
    template_pid = getpid();
    atexit(template_remove);
    char path[96];
    snprintf(path, sizeof path, "%s/template.db", template_dir);
    buf err = BUF_INIT;
    db *d = NULL;
    int applied = 0, rc = -1;
    if (db_open(path, NULL, &d, &err) != DB_OK)
        fprintf(stderr, "testdb: open %s: %s\n", path, buf_str(&err));
    else if (migrate_up(d, &applied, &err) != DB_OK)
        fprintf(stderr, "testdb: migrate: %s\n", buf_str(&err));
    else if (applied < 1)
        fprintf(stderr, "testdb: no migration applied to a new database\n");
    else
        rc = 0;
    db_close(d); /* the last connection: WAL checkpointed into the file */
    buf_free(&err);
    if (rc == 0)
        memcpy(template_path, path, sizeof template_path);
    return rc;
}

int testdb_open(testdb *t)
{
    /* SQLite allocates through mem_* as in the server, so fault injection
     * reaches inside it (a no-op after the first open) */
    db_global_init();
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/scan-unit-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("testdb: mkdtemp");
        t->dir[0] = '\0';
        return -1;
    }
    const char *server = pg_server();
    if (!server && template_ready() != 0) {
        testdb_close(t);
        return -1;
    }
    if (server) {
        if (pg_create(t, server) != 0) {
            testdb_close(t);
            return -1;
        }
    } else {
        snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
        if (copy_file(template_path, t->path) != 0) {
            testdb_close(t);
            return -1;
        }
    }
    buf err = BUF_INIT;
    int applied = 0, version = 0;
    /* a copy of a template: already at the latest version (numbers may
     * have gaps while branches that each add a migration are merged) */
    if (db_open(t->path, NULL, &t->d, &err) != DB_OK) {
        fprintf(stderr, "testdb: open %s: %s\n", t->path, buf_str(&err));
    } else if (migrate_up(t->d, &applied, &err) != DB_OK) {
        fprintf(stderr, "testdb: migrate: %s\n", buf_str(&err));
    } else if (applied != 0 || migrate_current(t->d, &version) != DB_OK ||
               version != migrate_latest()) {
        fprintf(stderr, "testdb: schema version %d after %d migrations, %d expected\n", version,
                applied, migrate_latest());
    } else {
        buf_free(&err);
        return 0;
    }
    buf_free(&err);
    testdb_close(t);
    return -1;
}

int testdb_open_seeded(testdb *t, const char *sql)
{
    if (testdb_open(t) != 0)
        return -1;
    if (db_exec(t->d, sql) != DB_OK) {
        fprintf(stderr, "testdb: seed: %s\n%s\n", db_errmsg(t->d), sql);
        testdb_close(t);
        return -1;
    }
    /* PostgreSQL: a seed's explicit ids leave the identity sequences
     * behind (SQLite numbers the next row after the largest id): each
     * moves past its column's largest value, so the model's own inserts
     * get new ids as on SQLite */
    if (t->pg_name[0] &&
        db_exec(t->d, "DO $$ DECLARE r record; BEGIN"
                      " FOR r IN SELECT table_name, column_name FROM information_schema.columns"
                      "  WHERE table_schema = 'public' AND is_identity = 'YES' LOOP"
                      "  EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L),"
                      "   coalesce((SELECT max(%I) FROM %I), 0) + 1, false)',"
                      "   r.table_name, r.column_name, r.column_name, r.table_name);"
                      " END LOOP; END $$") != DB_OK) {
        fprintf(stderr, "testdb: identity sequences: %s\n", db_errmsg(t->d));
        testdb_close(t);
        return -1;
    }
    return 0;
}

/* Removes one entry; nftw visits a folder's contents before the folder. */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) != 0)
        perror(path);
    return 0;
}

void testdb_close(testdb *t)
{
    db_close(t->d);
    t->d = NULL;
    if (t->pg_name[0] && pg_server()) {
        /* FORCE: a connection a test left open (a sender thread) is ended */
        char sql[96];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->pg_name);
        (void)pg_admin(pg_server(), sql);
    }
    t->pg_name[0] = '\0';
    if (t->dir[0] && nftw(t->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
        perror(t->dir);
    t->dir[0] = '\0';
    t->path[0] = '\0';
}
