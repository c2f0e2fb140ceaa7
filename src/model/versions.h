/* versions.h: the last known directory_version and figures_version,
 * shared by the threads of one process, so that an anonymous page cache
 * hit can be answered on the I/O thread without a database round trip
 * (server_hook_fast in guard.c).
 *
 * The values live in data_version (sums of shards, 0049) and every write bumps them in its own
 * transaction (org.c, figures.c, cluster.c). Workers read them from the
 * database as before and publish what they read here; a snapshot is
 * trusted for VERSIONS_TTL_MS after its last confirmation. A write request
 * of this process makes it untrusted (versions_invalidate) before its
 * response leaves, so a client always reads its own writes; a write by
 * another process (the CLI) shows within the TTL. On PostgreSQL, where
 * several app servers write one database, nothing is published: every
 * request asks the database, so a write through one server shows on the
 * very next request through any other (tests/cluster/run.sh directory). */
#ifndef SCAN_VERSIONS_H
#define SCAN_VERSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

#define VERSIONS_TTL_MS 100

typedef enum { VERSION_DIRECTORY, VERSION_FIGURES, VERSION__COUNT } version_kind;

/* The current value of kind from app_meta (db.h connection d). Both
 * versions are read in one statement and, outside a write transaction,
 * published, so a page keyed by one of them confirms the other too.
 * Without a connection (d NULL: a handler on the I/O thread) the value
 * set by versions_fast_set. */
db_status versions_read(db *d, version_kind kind, int64_t *v);

/* Whether versions read on d are kept as the process's snapshot (and so
 * may make versions_fresh true): on SQLite, whose writers are this
 * process; never on PostgreSQL, which other app servers write too. */
bool versions_kept(db *d);

/* The write generation to pass to versions_publish: take it before
 * reading a version from the database. */
uint64_t versions_generation(void);
/* Records v, read from the database outside any write transaction, as the
 * current value of kind; ignored when a write of this process finished
 * since gen was taken, or when a higher value is known (versions never go
 * down). */
void versions_publish(version_kind kind, int64_t v, uint64_t gen);
/* Forgets every snapshot (after a write request of this process). */
void versions_invalidate(void);
/* Both values when every snapshot was confirmed within the TTL; false
 * otherwise (ask the database). */
bool versions_fresh(int64_t v[VERSION__COUNT]);

/* The snapshot a request on the I/O thread renders with: set by the fast
 * path before the handler runs, read by versions_read without a database
 * connection. Thread-local (each I/O thread answers one request at a
 * time). */
void versions_fast_set(const int64_t v[VERSION__COUNT]);

#endif
