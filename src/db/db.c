/* db.c: the public database interface over a backend driver.
 *
 * Keeps, per connection, a small open-addressing cache from SQL text
 * address to compiled statement (Fossil's db_static_prepare, kcgi's
 * stmts[]), so each statement is compiled once per connection and only
 * bound per call. Transactions are tracked here so that db_rollback() is
 * always safe in a cleanup label. */
#include "db/db.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "db/db_driver.h"
#include "db/turn.h"

struct db_stmt {
    const char *sql; /* cache key: the address of the caller's text */
    char *text;      /* that text when compiled, to check the key */
    size_t text_len;
    void *h; /* driver statement */
    db *owner;
    db_status bind_failed; /* first failed bind since the last reset: the
                              statement must not run (Fossil: any bind
                              error is fatal), else a row is stored with
                              that column NULL */
};

struct db {
    const struct db_driver *drv;
    void *conn;
    db_stmt **cache; /* open addressing, n_cache slots, power of two; each
                        statement is its own allocation so pointers handed
                        out stay valid when the table grows */
    size_t n_cache;
    size_t n_used;
    bool in_tx;
    db_status tx_failure;   /* first failure inside the open transaction:
                               db_commit refuses while it is set */
    db_status failure;      /* first failure since db_end_request (db.h) */
    char failure_msg[160];  /* the backend's words for it (db_errmsg): a later
                               statement (a PRAGMA in cleanup) clears SQLite's */
    db_turn *turn;          /* the process's queue of writers to this file (turn.h),
                               NULL: none (PostgreSQL, in-memory, read-only) */
    bool has_turn;          /* this connection holds its turn: from db_begin_write
                               to the end of its transaction */
    int busy_ms;            /* the busy timeout: how long it waits for a turn */
    unsigned long mem_mark; /* mem_failures() when the unit of work began */
};

/* When any connection of the process last met a full disk (Unix seconds,
 * 0: never). The write-ahead log keeps whatever it grew to (SQLite
 * checkpoints it by itself only at 1000 pages, 4 MiB), so the space an
 * operator frees would soon be eaten by it again. For ten minutes after a
 * full disk every write first checkpoints the log into the database and
 * truncates it (db_begin_write): a commit more, and the log stays small
 * while space is short. */
#define DB_FULL_CARE_S 600
static _Atomic int64_t g_disk_full_at;

/* Remembers the first failure of the unit of work: everything except the
 * answers a caller is expected to handle (rows, constraint violations). */
static db_status note(db *d, db_status st)
{
    if (st == DB_OK || st == DB_ROW || st == DB_DONE || st == DB_CONSTRAINT)
        return st;
    if (st == DB_FULL)
        atomic_store(&g_disk_full_at, time_now());
    if (d->in_tx && d->tx_failure == DB_OK)
        d->tx_failure = st;
    if (d->failure == DB_OK) {
        d->failure = st;
        snprintf(d->failure_msg, sizeof d->failure_msg, "%s", d->drv->errmsg(d->conn));
        if (st == DB_ERR) /* a bug or corruption: keep the backend's words */
            log_msg(LOG_LVL_ERROR, NULL, "database: %s", d->drv->errmsg(d->conn));
    }
    return st;
}

/* Gives the connection's write turn (turn.h) to the next writer once its
 * transaction has ended. */
static void turn_end(db *d)
{
    if (d->has_turn && !d->in_tx) {
        d->has_turn = false;
        db_turn_give(d->turn);
    }
}

/* Every bind goes through here: a failed bind (out of memory copying the
 * text, a bad index) is remembered on the statement so that db_step
 * refuses to run it, and on the connection so that the transaction cannot
 * commit. */
static db_status bound(db_stmt *s, int i, db_status st)
{
    if (st != DB_OK) {
        if (st != DB_NOMEM) /* a bug: which statement, which parameter */
            log_msg(LOG_LVL_ERROR, NULL, "database: bind $%d failed (%s): %.200s", i,
                    db_status_name(st), s->sql);
        if (s->bind_failed == DB_OK)
            s->bind_failed = st == DB_CONSTRAINT ? DB_ERR : st;
        note(s->owner, s->bind_failed);
    }
    return st;
}

static size_t hash_ptr(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

/* The driver of the connections this process opened (db_backend_version):
 * one process serves one database, so the last db_open's is everyone's. */
static const struct db_driver *_Atomic g_driver = &db_sqlite_driver;

void db_global_init(void)
{
    db_sqlite_driver.global_init();
    db_pg_driver.global_init();
}

bool db_path_is_url(const char *path)
{
    return db_pg_url(path);
}

static void log_put(char *out, size_t n, size_t *k, const char *s, size_t len)
{
    for (size_t i = 0; i < len && *k + 1 < n; i++)
        out[(*k)++] = s[i];
}

void db_path_for_log(const char *path, char *out, size_t n)
{
    if (!n)
        return;
    const char *p = path ? path : "";
    size_t k = 0;
    const char *scheme = db_path_is_url(p) ? strstr(p, "://") : NULL;
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    if (at && slash && slash < at)
        at = NULL; /* an '@' after the host is no user part */
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    for (const char *q = p; *q;) {
        if (colon && q == colon + 1) { /* user:secret@ */
            log_put(out, n, &k, "***", 3);
            q = at;
        } else if (scheme && q > p && (q[-1] == '?' || q[-1] == '&') &&
                   strncmp(q, "password=", 9) == 0) {
            log_put(out, n, &k, "password=***", 12);
            q += strcspn(q, "&");
        } else {
            log_put(out, n, &k, q, 1);
            q++;
        }
    }
    out[k] = '\0';
}

db_status db_open(const char *path, const db_options *opts, db **out, buf *err)
{
    static const db_options defaults = {false, true, false, 5000, false};
    const db_options *o;
    *out = NULL;
    db *d = mem_calloc(1, sizeof *d);
    if (!d) {
        buf_puts(err, "out of memory");
        return DB_NOMEM;
    }
    d->drv = db_pg_url(path) ? &db_pg_driver : &db_sqlite_driver;
    db_status st = d->drv->open(path, opts ? opts : &defaults, &d->conn, err);
    if (st != DB_OK) {
        mem_free(d);
        return st;
    }
    atomic_store(&g_driver, d->drv);
    d->mem_mark = mem_failures();
    o = opts ? opts : &defaults;
    d->busy_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000;
    uint64_t dev, ino;
    if (d->drv->file_id && d->drv->file_id(d->conn, &dev, &ino))
        d->turn = db_turn_get(dev, ino); /* NULL (out of memory): writes without turns */
    *out = d;
    return DB_OK;
}

void db_close(db *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_cache; i++) {
        if (d->cache[i]) {
            d->drv->finalize(d->cache[i]->h);
            mem_free(d->cache[i]->text);
            mem_free(d->cache[i]);
        }
    }
    mem_free(d->cache);
    if (d->in_tx)
        d->drv->exec(d->conn, "ROLLBACK");
    d->in_tx = false;
    turn_end(d);
    db_turn_release(d->turn);
    d->drv->close(d->conn);
    mem_free(d);
}

static bool cache_grow(db *d)
{
    size_t n = d->n_cache ? d->n_cache * 2 : 64;
    db_stmt **c = mem_calloc(n, sizeof *c);
    if (!c)
        return false;
    for (size_t i = 0; i < d->n_cache; i++) {
        if (!d->cache[i])
            continue;
        size_t j = hash_ptr(d->cache[i]->sql) & (n - 1);
        while (c[j])
            j = (j + 1) & (n - 1);
        c[j] = d->cache[i];
    }
    mem_free(d->cache);
    d->cache = c;
    d->n_cache = n;
    return true;
}

/* A copy of the SQL text a cached statement was compiled from. */
static char *remember(const char *sql, size_t *len)
{
    *len = strlen(sql);
    char *t = mem_malloc(*len + 1);
    if (t)
        memcpy(t, sql, *len + 1);
    return t;
}

db_stmt *db_prepare(db *d, const char *sql)
{
    if (d->n_cache == 0 || (d->n_used + 1) * 4 > d->n_cache * 3)
        if (!cache_grow(d)) {
            note(d, DB_NOMEM);
            return NULL;
        }
    size_t j = hash_ptr(sql) & (d->n_cache - 1);
    while (d->cache[j]) {
        db_stmt *c = d->cache[j];
        if (c->sql == sql) {
            /* The key is the address; the text is checked too, so that a
             * caller that builds SQL in a buffer whose address is later
             * reused for other text (a stack array, an arena) gets its
             * own statement, not the one compiled for the old text. The
             * -O0 build of test_figures did: stored(f, 2022) ran 2021's
             * query from the same stack slot. */
            if (c->text_len == strlen(sql) && memcmp(c->text, sql, c->text_len) == 0)
                return c;
            void *h = d->drv->prepare(d->conn, sql);
            if (!h) {
                note(d, DB_ERR);
                return NULL;
            }
            char *t = remember(sql, &c->text_len);
            if (!t) {
                d->drv->finalize(h);
                note(d, DB_NOMEM);
                return NULL;
            }
            d->drv->finalize(c->h);
            mem_free(c->text);
            c->h = h;
            c->text = t;
            c->bind_failed = DB_OK;
            return c;
        }
        j = (j + 1) & (d->n_cache - 1);
    }
    db_stmt *s = mem_malloc(sizeof *s);
    if (!s) {
        note(d, DB_NOMEM);
        return NULL;
    }
    if (!(s->text = remember(sql, &s->text_len))) {
        mem_free(s);
        note(d, DB_NOMEM);
        return NULL;
    }
    s->h = d->drv->prepare(d->conn, sql);
    if (!s->h) {
        note(d, DB_ERR);
        mem_free(s->text);
        mem_free(s);
        return NULL;
    }
    s->sql = sql;
    s->owner = d;
    s->bind_failed = DB_OK;
    d->cache[j] = s;
    d->n_used++;
    return s;
}

db_status db_bind_int(db_stmt *s, int i, int64_t v)
{
    return bound(s, i, s->owner->drv->bind_int(s->h, i, v));
}

db_status db_bind_text(db_stmt *s, int i, const char *v)
{
    if (!v)
        return bound(s, i, s->owner->drv->bind_null(s->h, i));
    return bound(s, i, s->owner->drv->bind_text(s->h, i, v, strlen(v)));
}

db_status db_bind_text_static(db_stmt *s, int i, const char *v)
{
    if (!v)
        return bound(s, i, s->owner->drv->bind_null(s->h, i));
    const struct db_driver *drv = s->owner->drv;
    return bound(
        s, i,
        (drv->bind_text_static ? drv->bind_text_static : drv->bind_text)(s->h, i, v, strlen(v)));
}

db_status db_bind_textn(db_stmt *s, int i, const char *v, size_t n)
{
    if (!v)
        return bound(s, i, s->owner->drv->bind_null(s->h, i));
    return bound(s, i, s->owner->drv->bind_text(s->h, i, v, n));
}

db_status db_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
    return bound(s, i, s->owner->drv->bind_blob(s->h, i, v, n));
}

db_status db_bind_null(db_stmt *s, int i)
{
    return bound(s, i, s->owner->drv->bind_null(s->h, i));
}

int db_param_count(db_stmt *s)
{
    return s->owner->drv->param_count(s->h);
}

db_status db_step(db_stmt *s)
{
    db *d = s->owner;
    /* a transaction the backend ended by itself must not carry on in
     * autocommit mode: that would store half of what the caller meant to
     * be atomic */
    if (d->in_tx && !d->drv->tx_active(d->conn))
        return note(d, d->tx_failure == DB_BUSY ? DB_BUSY : DB_ERR);
    if (s->bind_failed != DB_OK) /* a value is missing: never run it */
        return note(d, s->bind_failed);
    /* a write in autocommit mode (housekeeping: a token's last use) takes
     * its turn like a transaction, else it met the queue's writers in
     * SQLite's busy handler and lost to them for seconds */
    if (d->turn && !d->in_tx && !d->has_turn && d->drv->writes(s->h) && !d->drv->busy(s->h)) {
        if (!db_turn_take(d->turn, d->busy_ms))
            return note(d, DB_BUSY);
        d->has_turn = true;
    }
    uint64_t t0 = time_mono_us();
    db_status st = d->drv->step(s->h);
    metrics_db(time_mono_us() - t0);
    if (st != DB_ROW) /* done: the lock is free again (a row: at db_reset) */
        turn_end(d);
    return note(d, st);
}

int64_t db_col_int(db_stmt *s, int col)
{
    return s->owner->drv->col_int(s->h, col);
}

const char *db_col_text(db_stmt *s, int col)
{
    const char *v = s->owner->drv->col_text(s->h, col);
    if (!v && !s->owner->drv->col_is_null(s->h, col))
        note(s->owner, DB_NOMEM); /* the conversion to text ran out of memory */
    return v;
}

double db_col_double(db_stmt *s, int col)
{
    return s->owner->drv->col_double(s->h, col);
}

const void *db_col_blob(db_stmt *s, int col, size_t *n)
{
    return s->owner->drv->col_blob(s->h, col, n);
}

bool db_col_is_null(db_stmt *s, int col)
{
    return s->owner->drv->col_is_null(s->h, col);
}

int db_col_count(db_stmt *s)
{
    return s->owner->drv->col_count(s->h);
}

db_status db_run(db_stmt *s)
{
    db_status st = db_step(s);
    db_reset(s);
    if (st == DB_ROW)
        return DB_ERR;
    return st == DB_DONE ? DB_OK : st;
}

const char *db_col_dup(arena *a, db_stmt *s, int col, bool *oom)
{
    const char *v = db_col_text(s, col);
    if (!v)
        return NULL;
    char *c = arena_strdup(a, v);
    if (!c)
        *oom = true;
    return c;
}

db_status db_collect(db_stmt *s, arena *a, void **items, size_t *n, size_t size, db_row_fn row,
                     void *ctx)
{
    assert(a && items && n && size > 0 && row);
    assert(*items || *n == 0);
    if (!s) /* db_query failed (and noted why on its connection): pass it on */
        return DB_ERR;
    size_t cap = *n; /* elements already there count as a full array */
    bool oom = false;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (!arena_grow(a, items, *n, &cap, size)) {
            oom = true;
            break;
        }
        void *item = (char *)*items + *n * size;
        memset(item, 0, size);
        (*n)++;
        row(s, a, item, &oom, ctx);
        if (oom)
            break;
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_DONE ? DB_OK : st;
}

db_status db_collect_one(db_stmt *s, arena *a, void *out, size_t size, db_row_fn row, void *ctx,
                         bool *found)
{
    assert(a && out && size && row && found);
    *found = false;
    if (!s) /* db_query failed (and noted why on its connection): pass it on */
        return DB_ERR;
    void *items = NULL;
    size_t n = 0;
    db_status st = db_collect(s, a, &items, &n, size, row, ctx);
    if (st == DB_OK && n) {
        memcpy(out, items, size);
        *found = true;
    }
    return st;
}

void db_reset(db_stmt *s)
{
    if (s) {
        s->owner->drv->reset(s->h);
        s->bind_failed = DB_OK; /* the bindings are cleared with it */
        turn_end(s->owner);     /* an autocommit write stopped at a row */
    }
}

int64_t db_changes(db *d)
{
    return d->drv->changes(d->conn);
}

int64_t db_last_id(db *d)
{
    return d->drv->last_id(d->conn);
}

static db_status begin(db *d, const char *sql)
{
    if (d->in_tx)
        return note(d, DB_ERR);
    db_status st = note(d, d->drv->exec(d->conn, sql));
    /* a BEGIN that failed half-way may still have opened one: track it so
     * it is rolled back */
    if (st == DB_OK || d->drv->tx_active(d->conn)) {
        d->in_tx = true;
        d->tx_failure = st;
    }
    return st;
}

db_status db_begin_write(db *d)
{
    if (d->in_tx)
        return note(d, DB_ERR);
    /* this process's writers of the file in the order they came (turn.h):
     * SQLite's busy handler let a writer miss the lock for seconds */
    if (d->turn && !d->has_turn) { /* held: an autocommit write left at a row */
        if (!db_turn_take(d->turn, d->busy_ms))
            return note(d, DB_BUSY);
        d->has_turn = true;
    }
    int64_t full_at = atomic_load(&g_disk_full_at);
    if (full_at && time_now() - full_at < DB_FULL_CARE_S && d->drv->full_disk_care)
        d->drv->exec(d->conn, d->drv->full_disk_care); /* a failure: the write says */
    db_status st = begin(d, d->drv->begin_write);
    turn_end(d); /* a BEGIN that opened nothing gives the turn back */
    return st;
}

unsigned db_write_waiters(const db *d)
{
    return d->turn ? db_turn_waiting(d->turn) : 0;
}

db_status db_write_lock(db *d, unsigned locks)
{
    if (!d->in_tx)
        return note(d, DB_ERR);
    size_t n = sizeof d->drv->write_lock / sizeof d->drv->write_lock[0];
    for (size_t i = 0; i < n; i++) {
        if (!(locks & (1u << i)) || !d->drv->write_lock[i])
            continue;
        db_status st = note(d, d->drv->exec(d->conn, d->drv->write_lock[i]));
        if (st != DB_OK) /* noted as the transaction's failure: it commits nothing */
            return st;
    }
    return DB_OK;
}

bool db_writes_serial(const db *d)
{
    return !d->drv->write_lock[0];
}

db_status db_begin_read(db *d)
{
    return begin(d, d->drv->begin_read);
}

db_status db_commit(db *d)
{
    if (!d->in_tx)
        return note(d, DB_ERR);
    if (!d->drv->tx_active(d->conn))
        return note(d, DB_ERR); /* rolled back by the backend: nothing stored */
    if (d->tx_failure != DB_OK) /* a statement of it failed: all or nothing */
        return d->tx_failure;
    /* An allocation failed somewhere in this unit of work (this thread's
     * count moved), maybe in a caller that carried on with less than it
     * was given: a JSON string missing a byte, a buffer missing a piece.
     * Nothing of it may be stored; the request answers 5xx anyway. */
    if (mem_failures() != d->mem_mark)
        return note(d, DB_NOMEM);
    db_status st = note(d, d->drv->exec(d->conn, "COMMIT"));
    if (st == DB_OK)
        d->in_tx = false;
    turn_end(d);
    return st;
}

void db_rollback(db *d)
{
    if (!d || !d->in_tx)
        return;
    d->drv->exec(d->conn, "ROLLBACK");
    /* a ROLLBACK can itself run out of memory: then the transaction is
     * still open and db_end_request() tries again */
    d->in_tx = d->drv->tx_active(d->conn);
    if (!d->in_tx)
        d->tx_failure = DB_OK;
    turn_end(d);
}

bool db_in_tx(db *d)
{
    return d->in_tx;
}

db_status db_exec(db *d, const char *sql)
{
    return note(d, d->drv->exec(d->conn, sql));
}

db_status db_indexes_drop(db *d, arena *a, const char *table, db_index_stash *stash)
{
    assert(d && a && table && stash);
    assert(db_in_tx(d)); /* a rollback must bring them back */
    memset(stash, 0, sizeof *stash);
    const char **names = NULL, **sqls = NULL;
    size_t n = 0, cap = 0, cap2 = 0;
    bool oom = false;
    db_stmt *s = db_prepare(d, d->drv->secondary_indexes); /* each driver's catalogue */
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, table);
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (!arena_grow(a, (void **)&names, n, &cap, sizeof *names) ||
            !arena_grow(a, (void **)&sqls, n, &cap2, sizeof *sqls)) {
            oom = true;
            break;
        }
        names[n] = db_col_dup(a, s, 0, &oom);
        sqls[n] = db_col_dup(a, s, 1, &oom);
        n++;
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_DONE && st != DB_ROW)
        return st;
    /* the names come from the catalogue, never from a user; quoted as
     * identifiers all the same */
    buf drop = BUF_INIT;
    st = DB_OK;
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        buf_reset(&drop);
        buf_puts(&drop, "DROP INDEX \"");
        for (const char *c = names[i]; *c; c++) {
            if (*c == '"')
                buf_putc(&drop, '"');
            buf_putc(&drop, *c);
        }
        buf_puts(&drop, "\"");
        st = buf_failed(&drop) ? DB_NOMEM : db_exec(d, buf_str(&drop));
        if (st == DB_OK)
            stash->n = i + 1;
    }
    buf_free(&drop);
    stash->sql = sqls;
    return st;
}

db_status db_indexes_restore(db *d, const db_index_stash *stash)
{
    assert(d && stash);
    assert(db_in_tx(d));
    db_status st = DB_OK;
    for (size_t i = 0; st == DB_OK && i < stash->n; i++)
        st = db_exec(d, stash->sql[i]); /* the schema's own text */
    return st;
}

db_status db_failure(const db *d)
{
    return d->failure;
}

void db_failure_restore(db *d, db_status mark)
{
    d->failure = mark;
}

void db_end_request(db *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_cache; i++)
        if (d->cache[i] && (d->drv->busy(d->cache[i]->h) || d->cache[i]->bind_failed))
            db_reset(d->cache[i]);
    if (d->drv->tx_active(d->conn))
        d->in_tx = true; /* whatever the bookkeeping says, end it */
    db_rollback(d);
    d->failure = DB_OK;
    d->failure_msg[0] = '\0';
    d->mem_mark = mem_failures();
}

db_status db_scalar_int(db *d, const char *sql, int64_t *out)
{
    return db_int(d, out, 0, sql, DB_NONE);
}

db_stmt *db_query(db *d, const char *sql, size_t n, const db_val *vals)
{
    assert(d && sql && (vals || n == 0));
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return NULL;
    db_status st = DB_OK;
    for (size_t i = 0; i < n && st == DB_OK; i++) {
        int at = (int)i + 1;
        switch (vals[i].kind) {
        case DBV_INT:
            st = db_bind_int(s, at, vals[i].i);
            break;
        case DBV_TEXT:
            st = db_bind_text(s, at, vals[i].s);
            break;
        case DBV_NULL:
            st = db_bind_null(s, at);
            break;
        }
    }
    if (st != DB_OK) {
        db_reset(s);
        return NULL;
    }
    return s;
}

db_status db_do(db *d, const char *sql, size_t n, const db_val *vals)
{
    db_stmt *s = db_query(d, sql, n, vals);
    if (!s)
        return db_failure(d) != DB_OK ? db_failure(d) : DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW)
        ;
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

db_status db_int(db *d, int64_t *out, int64_t dflt, const char *sql, size_t n, const db_val *vals)
{
    *out = dflt;
    db_stmt *s = db_query(d, sql, n, vals);
    if (!s)
        return db_failure(d) != DB_OK ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        if (!db_col_is_null(s, 0))
            *out = db_col_int(s, 0);
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

void db_note_failure(db *d, db_status st, const char *msg)
{
    if (!d || st == DB_OK || st == DB_ROW || st == DB_DONE)
        return;
    if (d->in_tx && d->tx_failure == DB_OK)
        d->tx_failure = st;
    if (d->failure == DB_OK) {
        d->failure = st;
        snprintf(d->failure_msg, sizeof d->failure_msg, "%s", msg && *msg ? msg : "failed");
    }
}

const char *db_errmsg(db *d)
{
    if (!d)
        return "no connection";
    return d->failure != DB_OK && d->failure_msg[0] ? d->failure_msg : d->drv->errmsg(d->conn);
}

const char *db_status_name(db_status st)
{
    switch (st) {
    case DB_OK:
        return "ok";
    case DB_ROW:
        return "row";
    case DB_DONE:
        return "done";
    case DB_ERR:
        return "error";
    case DB_BUSY:
        return "busy";
    case DB_FULL:
        return "disk full";
    case DB_IOERR:
        return "I/O error";
    case DB_CONSTRAINT:
        return "constraint violation";
    case DB_NOMEM:
        return "out of memory";
    case DB_READONLY:
        return "read-only";
    }
    return "unknown";
}

db_status db_check(db *d, buf *report)
{
    return d->drv->check(d->conn, report);
}

db_status db_backup(db *d, const char *path)
{
    return d->drv->backup(d->conn, path);
}

db_status db_write_ahead(db *d)
{
    assert(db_in_tx(d));
    return d->drv->write_ahead ? note(d, d->drv->write_ahead(d->conn)) : DB_OK;
}

db_status db_room(db *d)
{
    assert(db_in_tx(d));
    return d->drv->room ? note(d, d->drv->room(d->conn)) : DB_OK;
}

const char *db_backend(const db *d)
{
    return d->drv->name;
}

const char *db_backend_version(void)
{
    return atomic_load(&g_driver)->version();
}
