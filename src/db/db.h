/* db.h: the database interface every model function uses.
 *
 * One interface, two backends: SQLite (db_sqlite.c) and PostgreSQL
 * (db_pg.c) behind the same calls, chosen by db_open's path. Nothing above
 * src/db/ names sqlite3_* or PQ*.
 *
 * - A `db` is one connection, owned by one thread (each HTTP worker opens
 *   its own; the CLI opens one). It is not thread-safe.
 * - SQL is constant text with $1..$n placeholders; db_prepare() caches the
 *   compiled statement per connection, keyed by the SQL text's address, so
 *   pass string literals (or other storage that outlives the connection).
 * - A statement from db_prepare() belongs to the connection; use it, then
 *   db_reset() it (which also clears bindings) before preparing it again.
 * - Writes go inside db_begin_write()/db_commit() (BEGIN IMMEDIATE on
 *   SQLite, so a transaction never fails half way on a lock upgrade).
 * - Every call returns a db_status; the connection keeps the last error
 *   message for logs (db_errmsg), never for users. */
#ifndef SCAN_DB_H
#define SCAN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

typedef enum {
    DB_OK = 0,
    DB_ROW,        /* db_step: a row is ready */
    DB_DONE,       /* db_step: no more rows */
    DB_ERR,        /* anything else: a bug or a corrupt database */
    DB_BUSY,       /* locked for longer than the busy timeout */
    DB_FULL,       /* disk full or quota: the write was not stored */
    DB_IOERR,      /* I/O error */
    DB_CONSTRAINT, /* unique, foreign key, check or not-null violation */
    DB_NOMEM,      /* out of memory */
    DB_READONLY,   /* database opened or mounted read-only */
} db_status;

typedef struct db_options {
    bool read_only;
    bool create;             /* create the file if missing */
    bool synchronous_normal; /* default FULL: acknowledged writes survive power loss */
    int busy_timeout_ms;     /* default 5000 */
    bool bulk;               /* one write transaction of hundreds of MB (scan org import):
                                a page cache of up to 2 GiB instead of 32 MiB, so its
                                pages are not spilled and read back (512 MiB measured
                                -20% CPU and -35% time importing 100,000 entries; 2 GiB,
                                with temporary tables in memory, took 270,000 more
                                pread/pwrite calls off it) */
} db_options;

/* Process-wide backend set-up; call once at start-up before any db_open. */
void db_global_init(void);

/* Opens a connection to the database at path: a postgresql:// or
 * postgres:// URL opens PostgreSQL (db_pg.c), anything else is an SQLite
 * file. On failure returns non-DB_OK and writes a one-line reason to err. */
db_status db_open(const char *path, const db_options *opts, db **out, buf *err);
/* True when path is a server's URL rather than a file (no folder to make,
 * no file to look for). */
bool db_path_is_url(const char *path);
/* path as logs and messages may show it: a URL's password (user:secret@)
 * becomes "***"; anything else is copied. Truncated to n - 1 bytes. */
void db_path_for_log(const char *path, char *out, size_t n);
/* Finalizes cached statements and closes. NULL is a no-op. */
void db_close(db *d);

/* The compiled statement for sql, from the cache or newly prepared. NULL on
 * error (see db_errmsg). */
db_stmt *db_prepare(db *d, const char *sql);
/* Binds, 1-based like the $n placeholders. Text is copied. */
db_status db_bind_int(db_stmt *s, int i, int64_t v);
db_status db_bind_text(db_stmt *s, int i, const char *v); /* NULL binds NULL */
db_status db_bind_textn(db_stmt *s, int i, const char *v, size_t n);
/* db_bind_text without the copy, for bulk writers' long texts: v must stay
 * valid and unchanged until the statement is reset (db_run and db_reset
 * do that, and unbind it). On SQLite the copy of every bound text was 3%
 * of an import's writer. */
db_status db_bind_text_static(db_stmt *s, int i, const char *v); /* NULL binds NULL */
db_status db_bind_blob(db_stmt *s, int i, const void *v, size_t n);
db_status db_bind_null(db_stmt *s, int i);
/* The largest $n the statement uses: binding a higher number is a bug that
 * makes the statement refuse to run. */
int db_param_count(db_stmt *s);
/* Runs the statement one row further: DB_ROW, DB_DONE, or an error. */
db_status db_step(db_stmt *s);
/* Column values of the current row, 0-based. Text is valid until the next
 * db_step/db_reset; NULL for SQL NULL. */
int64_t db_col_int(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col);
double db_col_double(db_stmt *s, int col);
const void *db_col_blob(db_stmt *s, int col, size_t *n);
bool db_col_is_null(db_stmt *s, int col);
int db_col_count(db_stmt *s);
/* Runs a statement that returns no rows to its end and resets it: DB_OK,
 * DB_ERR if it returned a row (a bug), or the error. */
db_status db_run(db_stmt *s);
/* An arena copy of a text column (NULL stays NULL); sets *oom when the
 * copy fails. */
const char *db_col_dup(arena *a, db_stmt *s, int col, bool *oom);
/* Fills one array element from the current row of s; sets *oom when an
 * arena copy fails (db_col_dup does). ctx is db_collect's. */
typedef void (*db_row_fn)(db_stmt *s, arena *a, void *item, bool *oom, void *ctx);
/* Reads every row of s (bound, not yet stepped) into a growing array in
 * arena a: per row, makes room for one more element of `size` bytes after
 * the *n already in *items (arena_grow; *items moves, the old block stays
 * in the arena), zeroes it, counts it in *n and calls row(s, a, item, &oom,
 * ctx) to fill it. Stops at the first row that sets oom. Resets s. Returns
 * DB_OK after the last row, DB_NOMEM when the arena ran out (the elements
 * counted so far stay in *items, the last one maybe part-filled), else the
 * failed step's status; DB_ERR for s NULL (db_query failed: its connection
 * noted why), so `db_collect(db_query(...), ...)` needs no check of its
 * own. Callers usually start from *items = NULL, *n = 0. */
db_status db_collect(db_stmt *s, arena *a, void **items, size_t *n, size_t size, db_row_fn row,
                     void *ctx);
/* db_collect for a query of one row at most (a lookup by key): copies
 * the first row, filled by row(s, a, out, &oom, ctx), into *out (size
 * bytes) and sets *found; *out untouched and *found false when there is
 * none. Returns db_collect's status; *found stays false unless DB_OK. */
db_status db_collect_one(db_stmt *s, arena *a, void *out, size_t size, db_row_fn row, void *ctx,
                         bool *found);
/* Makes the statement ready for reuse and clears its bindings. */
void db_reset(db_stmt *s);
/* Rows changed by the last INSERT/UPDATE/DELETE, and the last rowid. */
int64_t db_changes(db *d);
int64_t db_last_id(db *d);

/* Write transaction (BEGIN IMMEDIATE on SQLite, SERIALIZABLE on
 * PostgreSQL, whose serialization failures are DB_BUSY for tx_write to
 * retry). Nested calls are an error.
 * All or nothing, enforced here rather than trusted to callers:
 * - a failed bind is remembered on its statement, and db_step refuses to
 *   run that statement until db_reset (a row must never be stored with a
 *   column missing);
 * - db_commit refuses (returns the failure, stores nothing; the caller
 *   rolls back) when any statement of the transaction failed, or when an
 *   allocation failed on this thread since the unit of work began
 *   (db_open or the last db_end_request; mem_failures). */
db_status db_begin_write(db *d);
db_status db_begin_read(db *d);
/* What a write transaction may wait for whole before its first statement
 * (db_write_lock): the writers of one hot spot, which under concurrent
 * writers could only commit one at a time anyway. */
typedef enum {
    DB_LOCK_RETRY = 1u << 0,  /* the retry queue: tx_write's second and later attempts
                                 (app_meta's lock, which no frequent write takes) */
    DB_LOCK_LOGIN = 1u << 1,  /* login_failure: the throttle's counts and a login's writes */
    DB_LOCK_PLACES = 1u << 2, /* event_registration: registrations, cancellations and
                                 capacity changes, which count an event's places */
} db_lock;
/* Right after db_begin_write, before any other statement: waits until no
 * other write transaction holds any of `locks` (DB_LOCK_* bits), then holds
 * them to the commit or rollback, in the bits' order. On SQLite nothing (BEGIN
 * IMMEDIATE already admits one writer at a time). On PostgreSQL a table lock
 * (LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE: readers go on, the
 * table's other writers wait), taken before the transaction's snapshot, so
 * the body sees what the previous holder committed and does not fail
 * serialization against it: N writers of one counter row commit one after
 * another instead of N - 1 of them failing and retrying each round; and
 * writes that failed once on a conflict run their retries one at a time. */
db_status db_write_lock(db *d, unsigned locks);
/* True when the backend runs one write transaction at a time (SQLite);
 * false when writers run side by side and may fail serialization
 * (DB_BUSY) against each other (PostgreSQL): tx_write retries more
 * there. */
bool db_writes_serial(const db *d);
db_status db_commit(db *d);
/* How many of this process's connections wait for their turn to begin a
 * write on d's file now (db_begin_write: on SQLite the process's writers
 * of a file begin in the order they came, src/db/turn.h); 0 on
 * PostgreSQL. For tests. */
unsigned db_write_waiters(const db *d);
/* How many times this process asked the kernel to start writing a bulk
 * writer's file to disk during its COMMIT (db_sqlite.c); for tests. */
unsigned long db_writeback_nudges(void);
/* How many page writes bulk writers' COMMITs asked of their database
 * files in this process, and in how many writes they reached the files
 * (db_sqlite.c gathers consecutive ones); for tests. */
void db_file_writes(unsigned long *pages, unsigned long *runs);
/* Rolls back if a transaction is open; safe to call when none is. */
void db_rollback(db *d);
bool db_in_tx(db *d);

/* Runs a script of several statements (migrations). No placeholders. */
db_status db_exec(db *d, const char *sql);

/* Bulk loading. The secondary indexes of a table (every index but the
 * unique ones, which enforce constraints and serve the loader's own
 * lookups), saved and dropped inside the caller's write transaction, and
 * made again from their saved definitions before it commits: CREATE INDEX
 * sorts once where a large load otherwise walks every index's B-tree per
 * row. A rollback (the load failed, or a dry run) brings them back with
 * everything else, so neither call needs undoing. The stash's strings are
 * arena memory (a). db_indexes_restore makes them in their old order. */
typedef struct db_index_stash {
    const char **sql; /* each index's CREATE INDEX statement */
    size_t n;
} db_index_stash;
db_status db_indexes_drop(db *d, arena *a, const char *table, db_index_stash *stash);
db_status db_indexes_restore(db *d, const db_index_stash *stash);

/* The first failure on this connection since the last db_end_request():
 * out of memory, I/O, disk full, busy or an error (not rows, not constraint
 * violations, which callers answer themselves). SQLite's sticky
 * mallocFailed, lifted to the unit of work: the server answers 5xx for a
 * request whose handler met one, even if the handler carried on, so a page
 * that silently lost rows is never sent as whole. DB_OK when none. */
db_status db_failure(const db *d);
/* For a write whose failure the caller tolerates on purpose (a session's
 * last-seen time on a full disk must not turn reads into 503s):
 *     db_status mark = db_failure(d); ...the write...; db_failure_restore(d, mark); */
void db_failure_restore(db *d, db_status mark);
/* Ends a unit of work (one request): resets statements a caller left
 * part-way (an unreset SELECT pins an old snapshot and makes the next
 * write fail with BUSY), rolls back a forgotten transaction, and clears
 * db_failure(). */
void db_end_request(db *d);
/* Runs one statement with no parameters and returns its first column of the
 * first row as an integer in *out (0 when no row). */
db_status db_scalar_int(db *d, const char *sql, int64_t *out);

/* --- the one-shot vocabulary (Fossil's db_multi_exec / db_int, with
 * placeholders only) ----------------------------------------------------
 * A statement's values travel as an array of db_val made with DB_ARGS:
 *
 *     db_do(d, SQL_TOUCH, DB_ARGS(DBI(id), DBI(now), DBT(name)));
 *     db_int(d, &n, 0, SQL_COUNT, DB_ARGS(DBI(id)));
 *     db_stmt *s = db_query(d, SQL_LIST, DB_ARGS(DBT(kind)));  (then db_collect)
 *
 * Value i binds $i+1. Text is copied at bind time (NULL text binds NULL).
 * Statements without parameters pass DB_NONE. A failed prepare or bind is
 * a failure of the statement (db_step refuses it), never a silent NULL. */
typedef enum { DBV_NULL, DBV_INT, DBV_TEXT } db_val_kind;
typedef struct db_val {
    db_val_kind kind;
    int64_t i;
    const char *s;
} db_val;
#define DBI(v) ((db_val){.kind = DBV_INT, .i = (int64_t)(v)})
#define DBT(v) ((db_val){.kind = DBV_TEXT, .s = (v)})
#define DBNULL ((db_val){.kind = DBV_NULL})
/* s as text, or NULL when s is NULL or "" (an optional field). */
static inline db_val db_opt_text(const char *s)
{
    return s && *s ? DBT(s) : DBNULL;
}
#define DB_NONE 0, NULL
#define DB_ARGS(...)                                                                               \
    sizeof((db_val[]){__VA_ARGS__}) / sizeof(db_val), (const db_val[])                             \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

/* The statement for sql with vals bound, ready for db_step/db_collect (the
 * caller resets it, db_collect does). NULL when it cannot be prepared or a
 * value cannot be bound (the statement is then reset). */
db_stmt *db_query(db *d, const char *sql, size_t n, const db_val *vals);
/* Runs sql with vals to its end (any rows it returns are skipped, which
 * suits UPDATE ... RETURNING-free writes and DELETEs alike): DB_OK, or the
 * failure. */
db_status db_do(db *d, const char *sql, size_t n, const db_val *vals);
/* The first column of the first row as an integer in *out; dflt when the
 * query returns no row or a NULL. DB_OK either way, else the failure. */
db_status db_int(db *d, int64_t *out, int64_t dflt, const char *sql, size_t n, const db_val *vals);

/* The backend's message for this connection's first failure since
 * db_end_request, else its last message (for logs and the CLI). */
const char *db_errmsg(db *d);
/* Records st, a failure met on another connection for d's unit of work
 * (a bulk write's helper database), as d's own: its transaction cannot
 * commit, and db_errmsg(d) gives msg. */
void db_note_failure(db *d, db_status st, const char *msg);
/* A short English name of a status, for logs and tests. */
const char *db_status_name(db_status st);

/* Integrity and foreign-key checks; appends one line per problem to report.
 * DB_OK when clean. */
db_status db_check(db *d, buf *report);
/* Online copy of the whole database to a new file at path. */
db_status db_backup(db *d, const char *path);
/* Inside a write transaction: writes the pages it changed so far to the
 * database file now (SQLite: sqlite3_db_cacheflush), so that its commit
 * has only the rest to write; a bulk writer calls it while a helper
 * thread finishes, leaving less for after. A failure leaves the
 * transaction to roll back. DB_OK at once on PostgreSQL. */
db_status db_write_ahead(db *d);
/* Inside a write transaction: DB_FULL when the file system holding the
 * database file has less free space than the file must grow by to hold
 * the pages the transaction has made (SQLite; DB_OK elsewhere, and when it
 * cannot tell). A bulk writer asks before it waits for its helper, so that
 * a full disk fails the import at once rather than after the wait. */
db_status db_room(db *d);
/* The backend of connection d: its driver's name ("sqlite", or the
 * PostgreSQL driver's), a static string. Migrations pick their dialect
 * file by it (migrate.c). */
const char *db_backend(const db *d);
/* The backend's name and version, e.g. "sqlite 3.40.1". */
const char *db_backend_version(void);

#endif
