/* tx.c: the model's one write helper (see tx.h).
 *
 * Every write of a new entity is a validation table plus one body function
 * run through tx_write(); the begin/commit/rollback, the audit row, the
 * data-version bumps (data_version, 0049) and the retry live here once. A
 * second backend takes its lock or retries here too, and no caller knows
 * which.
 *
 * Where writers run side by side (PostgreSQL), the data versions are 64
 * counter rows per kind: a write adds 1 to its thread's own shard and a
 * reader sums them, so two writes that share nothing else never meet on
 * a version row (one row each, as before, made every write on PostgreSQL
 * queue behind the last: a table lock, or a serialization failure and a
 * retry). The directory's facet counts are kept on the same shards
 * (org_facet.c, 0058). A first attempt runs with only the locks the write asked for;
 * its retries (after a conflict on a row it really shares, such as an
 * entry's own row or an event's places) wait for DB_LOCK_RETRY,
 * so writes that failed once take turns instead of failing each other
 * again. */
#include "model/tx.h"

#include <assert.h>
#include <sodium.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "model/audit.h"

/* An upsert, not an UPDATE: PostgreSQL plans the UPDATE of this small
 * table (two pages) as a sequential scan, and a sequential scan in a
 * SERIALIZABLE transaction takes a predicate lock on the whole relation,
 * so every write read every other's shard and two concurrent writes
 * failed each other (a read/write cycle) however the counters were
 * spread. ON CONFLICT finds the row through the primary key and takes no
 * predicate lock. `WHERE true`: SQLite's parser needs it before ON
 * CONFLICT after a SELECT. */
static const char SQL_BUMP[] =
    "INSERT INTO data_version(kind, shard, n)"
    " SELECT k.kind, $1, 1 FROM (SELECT 'directory' AS kind WHERE $2 = 1"
    "                           UNION ALL SELECT 'figures' WHERE $3 = 1) AS k WHERE true"
    " ON CONFLICT(kind, shard) DO UPDATE SET n = data_version.n + 1";
static const char SQL_DIRECTORY_VERSION[] =
    "SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM data_version WHERE kind = 'directory'";
static const char SQL_FIGURES_VERSION[] =
    "SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM data_version WHERE kind = 'figures'";

static atomic_uint g_next_shard;       /* threads that asked for a shard so far */
static _Thread_local int t_shard = -1; /* this thread's shard, once chosen */

/* The shards are consecutive within a process from an offset the process
 * id sets, so a process's writers never share one and two processes'
 * rarely do. */
int64_t tx_shard(db *d)
{
    if (db_writes_serial(d))
        return 0;
    if (t_shard < 0)
        t_shard = (int)(((unsigned)getpid() * 17u + atomic_fetch_add(&g_next_shard, 1)) %
                        TX_VERSION_SHARDS);
    return t_shard;
}

/* Sleeps a random 0 .. 2^n ms (at most TX_BACKOFF_MAX_MS) before retry n + 1. */
static void backoff(int n)
{
    uint32_t cap = n >= 7 ? TX_BACKOFF_MAX_MS : 1u << n;
    if (cap > TX_BACKOFF_MAX_MS)
        cap = TX_BACKOFF_MAX_MS;
    uint32_t us = randombytes_uniform(cap * 1000 + 1);
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Bumps the versions in `which` inside the open transaction. */
static db_status bump(db *d, unsigned which)
{
    assert(d && db_in_tx(d));
    if (!which)
        return DB_OK;
    return db_do(d, SQL_BUMP,
                 DB_ARGS(DBI(tx_shard(d)), DBI((which & TX_DIRECTORY) != 0),
                         DBI((which & TX_FIGURES) != 0)));
}

db_status tx_version(db *d, unsigned which, int64_t *out)
{
    assert(d && (which == TX_DIRECTORY || which == TX_FIGURES));
    return db_int(d, out, 0, which == TX_DIRECTORY ? SQL_DIRECTORY_VERSION : SQL_FIGURES_VERSION,
                  DB_NONE);
}

/* The audit row (detail empty: none; a buffer that failed is DB_NOMEM)
 * and the version bumps, inside the open transaction. */
static db_status finish(db *d, int64_t actor_id, const char *ip, const char *action,
                        const char *entity, int64_t entity_id, const buf *detail, unsigned which)
{
    assert(d && db_in_tx(d) && action);
    if (detail && buf_failed(detail))
        return DB_NOMEM;
    db_status st = audit_add(d, actor_id, ip, action, entity, entity_id,
                             detail && detail->len ? buf_str(detail) : NULL);
    return st == DB_OK ? bump(d, which) : st;
}

/* One attempt: begin, locks, body, audit, bump, commit; rolled back on
 * failure. A retry (n > 1) waits for the retry queue too. */
static db_status attempt(db *d, tx *t, tx_body body, void *ctx, int n)
{
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_write_lock(d, t->locks | (n > 1 ? DB_LOCK_RETRY : 0))) != DB_OK)
        goto cleanup;
    t->tries++;
    if ((st = body(t, ctx)) != DB_OK)
        goto cleanup;
    if (t->action)
        st = finish(d, t->actor_id, t->ip, t->action, t->entity, t->entity_id, &t->detail, t->bump);
    else
        st = bump(d, t->bump);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

db_status tx_write(db *d, tx *t, tx_body body, void *ctx)
{
    assert(d && t && body);
    assert(!db_in_tx(d));
    t->d = d;
    t->tries = 0;
    db_status mark = db_failure(d), st;
    bool serial = db_writes_serial(d);
    int tries = serial ? TX_TRIES : TX_TRIES_CONCURRENT;
    /* attempts, not body runs, are what is bounded: a BEGIN that stays
     * busy never runs the body, and must not retry for ever */
    int n;
    for (n = 1;; n++) {
        st = attempt(d, t, body, ctx, n);
        if (st != DB_BUSY || n >= tries)
            break;
        log_warn("write %s busy, trying again (%d of %d)", t->action ? t->action : "(body)", n + 1,
                 tries);
        if (!serial) /* SQLite waited out its busy timeout already */
            backoff(n);
        buf_reset(&t->detail);
        /* the busy failure is handled here: the retry starts as clean as
         * the first attempt did */
        db_failure_restore(d, mark);
    }
    metrics_write(n, st == DB_BUSY);
    buf_free(&t->detail);
    return st;
}

db_status tx_invalid(const form_errors *errs)
{
    assert(errs);
    for (size_t i = 0; i < errs->n_items; i++)
        if (errs->items[i].code == FE_NOMEM)
            return DB_NOMEM;
    return DB_CONSTRAINT;
}
