/* migrate.c: applies the embedded migrations in order (see migrate.h). */
#include "db/migrate.h"

#include <stdlib.h>

#include "core/timeutil.h"
#include "embedded.h"

static int version_of(const char *name)
{
    return atoi(name); /* "0003_x.sql" -> 3; embed.py sorts by name */
}

int migrate_latest(void)
{
    int v = 0;
    for (unsigned i = 0; i < embedded_n_migrations; i++)
        if (version_of(embedded_migrations[i].name) > v)
            v = version_of(embedded_migrations[i].name);
    return v;
}

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

db_status migrate_up(db *d, int *applied, buf *err)
{
    int current = 0, count = 0;
    db_status st = migrate_current(d, &current);
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
    for (unsigned i = 0; i < embedded_n_migrations; i++) {
        const struct embedded_file *m = &embedded_migrations[i];
        int v = version_of(m->name);
        if (v <= current)
            continue;
        st = db_begin_write(d);
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
            st = db_exec(d, (const char *)m->data);
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
            buf_printf(err, "migration %s failed: %s", m->name, db_errmsg(d));
            db_rollback(d);
            goto cleanup;
        }
        count++;
    }
cleanup:
    if (applied)
        *applied = count;
    return st;
}
