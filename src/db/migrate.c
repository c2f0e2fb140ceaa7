/* migrate.c: applies the embedded migrations in order (see migrate.h).
 *
 * One numbered history for both backends: NNNN_name.sql is the text for
 * SQLite and, when nothing beside it says otherwise, for PostgreSQL too
 * (portable SQL); NNNN_name.pg.sql beside it is the PostgreSQL text where
 * the dialects differ (types, FTS5, triggers). Either way the version is
 * recorded under the .sql name, so a database copied between backends
 * carries the same history. */
#include "db/migrate.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "embedded.h"

static int version_of(const char *name)
{
    return atoi(name); /* "0003_x.sql" -> 3; embed.py sorts by name */
}

/* "0003_x.pg.sql": the PostgreSQL text of 0003_x.sql */
static bool is_pg_dialect(const char *name)
{
    size_t n = strlen(name);
    return n > 7 && strcmp(name + n - 7, ".pg.sql") == 0;
}

/* The connection speaks PostgreSQL (the driver's name, whatever its
 * spelling: "pg", "postgres", "postgresql"). */
static bool backend_is_pg(db *d)
{
    return strncmp(db_backend(d), "pg", 2) == 0 || strncmp(db_backend(d), "postgres", 8) == 0;
}

/* The text of migration m for this backend: its .pg.sql sibling on
 * PostgreSQL when there is one, else m itself. */
static const struct embedded_file *dialect_of(db *d, const struct embedded_file *m)
{
    if (!backend_is_pg(d))
        return m;
    size_t n = strlen(m->name) - 4; /* without ".sql" */
    for (unsigned i = 0; i < embedded_n_migrations; i++) {
        const char *o = embedded_migrations[i].name;
        if (is_pg_dialect(o) && strlen(o) == n + 7 && strncmp(o, m->name, n) == 0)
            return &embedded_migrations[i];
    }
    return m;
}

int migrate_latest(void)
{
    int v = 0;
    for (unsigned i = 0; i < embedded_n_migrations; i++)
        if (version_of(embedded_migrations[i].name) > v)
            v = version_of(embedded_migrations[i].name);
    return v;
}

/* PostgreSQL: one session-level advisory lock around the whole run, taken
 * before schema_migrations is even created, so two app servers starting
 * together apply each migration once (the second waits, then finds them
 * recorded). Session-level rather than pg_advisory_xact_lock in each
 * migration's transaction: the version check inside the transaction must
 * see the other server's commit, which a REPEATABLE READ or SERIALIZABLE
 * snapshot taken before the lock was granted would not; a server that
 * dies holding it releases it with its connection. SQLite needs none: each
 * migration is decided inside BEGIN IMMEDIATE, which holds the one writer
 * lock. The key is "SCANMIGR" in ASCII. */
static const char SQL_PG_LOCK[] = "SELECT pg_advisory_lock(5999710933147535186)";
static const char SQL_PG_UNLOCK[] = "SELECT pg_advisory_unlock(5999710933147535186)";

static const char SQL_CREATE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 " version INTEGER PRIMARY KEY,"
                                 " name TEXT NOT NULL,"
                                 " applied_at INTEGER NOT NULL)";
static const char SQL_APPLIED[] = "SELECT count(*) FROM schema_migrations WHERE version = $1";
static const char SQL_CURRENT[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
static const char SQL_RECORD[] =
    "INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)";

db_status migrate_current(db *d, int *version)
{
    int64_t v = 0;
    db_status st = db_exec(d, SQL_CREATE);
    if (st == DB_OK)
        st = db_scalar_int(d, SQL_CURRENT, &v);
    *version = (int)v;
    return st;
}

/* How many busy timeouts (5 s each by default) a migration waits for the
 * writer lock. Several servers starting on one fresh file migrate it one
 * after another, and each migration holds the lock for as long as it
 * takes: seconds under load. The one that waits gets the lock once the
 * others are done and then finds the migration applied. */
#define MIGRATE_BUSY_TRIES 24

static db_status begin_waiting(db *d)
{
    db_status st = DB_BUSY;
    for (int i = 0; i < MIGRATE_BUSY_TRIES && st == DB_BUSY; i++)
        st = db_begin_write(d);
    return st;
}

db_status migrate_up(db *d, int *applied, buf *err)
{
    int current = 0, count = 0;
    bool locked = false;
    db_status st = DB_OK;
    if (backend_is_pg(d)) {
        if ((st = db_exec(d, SQL_PG_LOCK)) != DB_OK) {
            buf_printf(err, "cannot take the migration lock: %s", db_errmsg(d));
            goto cleanup;
        }
        locked = true;
    }
    st = migrate_current(d, &current);
    if (st != DB_OK) {
        buf_printf(err, "cannot read schema version: %s", db_errmsg(d));
        goto cleanup;
    }
    if (current > migrate_latest()) {
        buf_printf(err,
                   "database schema version %d is newer than this scan knows (%d): "
                   "run a newer scan binary",
                   current, migrate_latest());
        st = DB_ERR;
        goto cleanup;
    }
    /* an existing database brought up to date says so first: a migration
     * may rebuild a table (0065: 3.7 s at 100,000 entries), and a server
     * would otherwise sit silent before it listens */
    if (current > 0 && current < migrate_latest())
        log_info("database: migrating from schema version %d to %d", current, migrate_latest());
    for (unsigned i = 0; i < embedded_n_migrations; i++) {
        const struct embedded_file *m = &embedded_migrations[i];
        if (is_pg_dialect(m->name))
            continue; /* applied in place of its .sql on PostgreSQL */
        int v = version_of(m->name);
        if (v <= current)
            continue;
        st = begin_waiting(d);
        /* another process (an app server starting beside this one) may
         * have applied it since the version was read: decided inside the
         * write transaction, which holds the database's one writer lock */
        int64_t done = 0;
        if (st == DB_OK)
            st = db_int(d, &done, 0, SQL_APPLIED, DB_ARGS(DBI(v)));
        if (st == DB_OK && done) {
            db_rollback(d);
            continue;
        }
        if (st == DB_OK)
            st = db_exec(d, (const char *)dialect_of(d, m)->data);
        if (st == DB_OK) {
            db_stmt *s = db_prepare(d, SQL_RECORD);
            st = s ? DB_OK : DB_ERR;
            if (s) {
                db_bind_int(s, 1, v);
                db_bind_text(s, 2, m->name);
                db_bind_int(s, 3, time_now());
                st = db_step(s) == DB_DONE ? DB_OK : DB_ERR;
                db_reset(s);
            }
        }
        if (st == DB_OK)
            st = db_commit(d);
        if (st != DB_OK) {
            buf_printf(err, "migration %s failed: %s", dialect_of(d, m)->name, db_errmsg(d));
            db_rollback(d);
            /* a pragma outlives the rollback: one that edits the schema
             * text (0064) must not leave the connection able to */
            if (!backend_is_pg(d))
                (void)db_exec(d, "PRAGMA writable_schema = RESET");
            goto cleanup;
        }
        count++;
    }
cleanup:
    if (locked && db_exec(d, SQL_PG_UNLOCK) != DB_OK && st == DB_OK)
        st = DB_ERR; /* the connection is broken: say so */
    if (applied)
        *applied = count;
    return st;
}
