/* db_driver.h: what a database backend implements for db.c.
 *
 * db.c owns the public interface, the per-connection statement cache and
 * transaction bookkeeping; a driver (db_sqlite.c, db_pg.c) only translates
 * calls. db_open picks the driver from the path (db_pg_url). Private to
 * src/db/. */
#ifndef SCAN_DB_DRIVER_H
#define SCAN_DB_DRIVER_H

#include "db/db.h"

struct db_driver {
    const char *name;
    /* The SQL db.c sends to open a write and a read transaction. */
    const char *begin_write;
    const char *begin_read;
    /* db_write_lock's statement per DB_LOCK_* bit (index: the bit's
     * position); all NULL: one writer at a time already (db_writes_serial). */
    const char *write_lock[3];
    /* Run before a write while disk space is short (db.c); NULL: none. */
    const char *full_disk_care;
    /* One parameter, the table name: rows of (index name, CREATE INDEX
     * statement) for the table's secondary (not unique) indexes, in the
     * order they were made (db_indexes_drop). */
    const char *secondary_indexes;
    void (*global_init)(void);
    db_status (*open)(const char *path, const db_options *opts, void **conn, buf *err);
    void (*close)(void *conn);
    /* The device and inode of the file a writable connection writes,
     * false for none (in memory, read-only) or a backend that runs
     * writers side by side; NULL: never. db.c queues the process's
     * writers of one file (turn.h). */
    bool (*file_id)(void *conn, uint64_t *dev, uint64_t *ino);
    /* Compiles sql (with $n placeholders) into a driver statement. */
    void *(*prepare)(void *conn, const char *sql);
    void (*finalize)(void *stmt);
    db_status (*bind_int)(void *stmt, int i, int64_t v);
    db_status (*bind_text)(void *stmt, int i, const char *v, size_t n);
    /* bind_text without a copy: v stays valid until the statement's reset
     * (NULL: the driver copies anyway, bind_text is used) */
    db_status (*bind_text_static)(void *stmt, int i, const char *v, size_t n);
    db_status (*bind_blob)(void *stmt, int i, const void *v, size_t n);
    db_status (*bind_null)(void *stmt, int i);
    /* The largest placeholder number the statement uses. */
    int (*param_count)(void *stmt);
    db_status (*step)(void *stmt);
    int64_t (*col_int)(void *stmt, int col);
    const char *(*col_text)(void *stmt, int col);
    double (*col_double)(void *stmt, int col);
    const void *(*col_blob)(void *stmt, int col, size_t *n);
    bool (*col_is_null)(void *stmt, int col);
    int (*col_count)(void *stmt);
    void (*reset)(void *stmt);
    /* The statement is part-way through its rows (stepped, not reset). */
    bool (*busy)(void *stmt);
    /* The statement may write (db.c: one in autocommit mode takes its
     * write turn, turn.h); NULL with file_id NULL. */
    bool (*writes)(void *stmt);
    /* The connection is inside an explicit transaction: false after the
     * backend rolled one back by itself (SQLite may on NOMEM, FULL, IOERR). */
    bool (*tx_active)(void *conn);
    int64_t (*changes)(void *conn);
    int64_t (*last_id)(void *conn);
    db_status (*exec)(void *conn, const char *sql);
    const char *(*errmsg)(void *conn);
    db_status (*check)(void *conn, buf *report);
    db_status (*backup)(void *conn, const char *path);
    /* Writes the open transaction's changed pages to the file before its
     * commit (db_write_ahead); NULL: the backend has nothing to write. */
    db_status (*write_ahead)(void *conn);
    /* DB_FULL when the open transaction's pages cannot fit where the file
     * is (db_room); NULL: the backend does not say. */
    db_status (*room)(void *conn);
    const char *(*version)(void);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

/* True when path is a PostgreSQL connection URL (postgresql:// or
 * postgres://): db_open then uses db_pg_driver, else db_sqlite_driver. */
bool db_pg_url(const char *path);

#endif
