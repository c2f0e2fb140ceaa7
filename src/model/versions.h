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
 * several app servers write one database, nothing is published by
 * default: every request asks the database, so a write through one server
 * shows on the very next request through any other (tests/cluster/run.sh
 * directory). A server started with a window (scan serve
 * --pg-cache-window MS, versions_poll_start) publishes there too and
 * trusts a snapshot for MS: a thread with its own connection reads the
 * versions every MS/2, so cache hits stay on the I/O thread, and a write
 * through another server shows within MS (plus one poll's round trip). */
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
 * process; on PostgreSQL, which other app servers write too, only while a
 * window is set (versions_poll_start). */
bool versions_kept(db *d);

/* The write generation to pass to versions_publish: take it before
 * reading a version from the database. */
uint64_t versions_generation(void);
/* Records v, read from the database outside any write transaction, as the
 * current value of kind, confirmed as of read_at_us (time_mono_us() taken
 * before the read began, so a slow read is not trusted for longer);
 * ignored when a write of this process finished since gen was taken, or
 * when a higher value is known (versions never go down). */
void versions_publish(version_kind kind, int64_t v, uint64_t gen, uint64_t read_at_us);
/* Forgets every snapshot (after a write request of this process). */
void versions_invalidate(void);
/* Both values when every snapshot was confirmed within the TTL
 * (VERSIONS_TTL_MS, or the window of versions_poll_start while it runs);
 * false otherwise (ask the database). */
bool versions_fresh(int64_t v[VERSION__COUNT]);

/* The bounds of scan serve --pg-cache-window (0 = off, the default). Below
 * the minimum the poller (every window/2) would run about as long as it
 * sleeps on a loaded machine; above the maximum a page out of date for
 * that long is a cache an operator should put in the proxy instead. */
#define VERSIONS_WINDOW_MIN_MS 10
#define VERSIONS_WINDOW_MAX_MS 10000

/* Opt-in trust window for several app servers on PostgreSQL (scan serve
 * --pg-cache-window): opens a connection of its own to path (db_open) and
 * starts one thread that reads the versions (versions_read) every
 * window_ms / 2 and publishes them; versions read on any connection are
 * then kept (versions_kept) and a snapshot is trusted for window_ms. A
 * failed read is logged once (and its recovery once); the thread then
 * tries again with a growing pause (up to 5 s, the driver reconnecting),
 * and with no confirmation the snapshot lapses within window_ms, so the
 * fast path stops by itself until reads succeed again. Works on either
 * backend (scan serve starts it on PostgreSQL only) and starts from no
 * snapshot (values kept from another database forgotten). window_ms 0 does
 * nothing. Returns 0, or -1 after logging why (the connection or the
 * thread could not be made; nothing was changed). One poller per process:
 * -1 when one runs. */
int versions_poll_start(const char *path, unsigned window_ms);
/* Stops and joins the poller, closes its connection, goes back to the
 * strict default (nothing kept on PostgreSQL, VERSIONS_TTL_MS) and forgets
 * the snapshot. A no-op when none runs. */
void versions_poll_stop(void);

/* The snapshot a request on the I/O thread renders with: set by the fast
 * path before the handler runs, read by versions_read without a database
 * connection. Thread-local (each I/O thread answers one request at a
 * time). */
void versions_fast_set(const int64_t v[VERSION__COUNT]);

#endif
