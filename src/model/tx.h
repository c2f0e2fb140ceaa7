/* tx.h: the one way the model writes: a write transaction around a
 * function, with its audit row and its data-version bumps.
 *
 *     static db_status put_stage(tx *t, void *ctx) { ...db_do(t->d, ...)...; }
 *     tx t = TX_INIT(actor_id, ip, "cluster_stage", "org", org_id);
 *     t.bump = TX_FIGURES | TX_DIRECTORY;
 *     db_status st = tx_write(d, &t, put_stage, &input);
 *
 * tx_write opens the write transaction, runs body, appends the audit row
 * (action, entity, entity_id and the JSON object the body left in
 * t->detail), bumps the data versions named in t->bump (the page caches
 * key on them), and commits; on any failure it rolls back and returns the
 * status, so either all of it is stored or none. It is the only place that
 * retries: a DB_BUSY (SQLite's lock held past the busy timeout; on a
 * second backend, a serialization failure) runs the body again from the
 * start, at most TX_TRIES times in all (TX_TRIES_CONCURRENT on a backend
 * with concurrent writers), so a body must touch nothing but
 * the database and t (and whatever its ctx holds for output, which it must
 * overwrite, not append to). A body answers a user's mistake with
 * DB_CONSTRAINT after writing the messages into its ctx; that is returned
 * as it is, rolled back, never retried. */
#ifndef SCAN_TX_H
#define SCAN_TX_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "valid/valid.h"

/* The data versions (data_version, 0049: a sum of shards) a write may bump. */
enum {
    TX_DIRECTORY = 1u << 0, /* directory_version: lists, profiles, search */
    TX_FIGURES = 1u << 1,   /* figures_version: totals, charts, members */
};

#define TX_TRIES 3
/* Where writers run side by side (PostgreSQL: db_writes_serial false), a
 * serialization failure is an ordinary answer to contention, not a lock
 * held too long: up to this many attempts, each retry after a random
 * pause of up to 2^n ms (at most TX_BACKOFF_MAX_MS), so writers that
 * failed together do not meet again at once. */
#define TX_TRIES_CONCURRENT 10
#define TX_BACKOFF_MAX_MS   100
/* data_version's rows per kind (its CHECK says 0 .. 63). */
#define TX_VERSION_SHARDS 64

typedef struct tx {
    db *d;              /* set by tx_write for the body */
    int64_t actor_id;   /* 0 = the system */
    const char *ip;     /* may be NULL */
    const char *action; /* audit action; NULL: the body writes its own rows */
    const char *entity; /* audit entity, may be NULL */
    int64_t entity_id;  /* may be set by the body (a new row's id) */
    buf detail;         /* JSON object for the audit row; empty: none */
    unsigned bump;      /* TX_* versions to bump on commit */
    unsigned locks;     /* DB_LOCK_* to wait for before the body (db_write_lock);
                           DB_LOCK_RETRY is added on a retry */
    int tries;          /* how many times the body ran (for tests and logs) */
} tx;

#define TX_INIT(actor, ipaddr, act, ent, id)                                                       \
    ((tx){.actor_id = (actor),                                                                     \
          .ip = (ipaddr),                                                                          \
          .action = (act),                                                                         \
          .entity = (ent),                                                                         \
          .entity_id = (id),                                                                       \
          .detail = BUF_INIT})

typedef db_status (*tx_body)(tx *t, void *ctx);

/* Runs body(t, ctx) in one write transaction as described above. Frees
 * t->detail before returning. d must not be inside a transaction. */
db_status tx_write(db *d, tx *t, tx_body body, void *ctx);

/* The current value of one data version (TX_DIRECTORY or TX_FIGURES) in
 * *out; 0 when the row is missing. */
db_status tx_version(db *d, unsigned which, int64_t *out);

/* The counter shard (0 .. TX_VERSION_SHARDS - 1) this thread's writes on
 * d add to: data_version's (0049) and the directory's facet counts'
 * (org_facet_count, 0058). Always 0 where writers take turns (SQLite);
 * else one per thread, so a process's writers never share one. */
int64_t tx_shard(db *d);

/* The status of a write refused by validation: DB_NOMEM when the only
 * trouble was an allocation (a server error), else DB_CONSTRAINT. */
db_status tx_invalid(const form_errors *errs);

#endif
