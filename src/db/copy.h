/* copy.h: a whole database copied between backends (`scan db copy`).
 *
 * SQLite to PostgreSQL, PostgreSQL to SQLite, or the same backend twice.
 * Both databases are migrated to the same version first (the caller's
 * job: cli_open_db); the tables and their columns, and the order of the
 * foreign keys, are read from the source's catalogue, so a table a
 * migration adds is copied with no list to keep. Tables only one backend
 * has (SQLite's FTS5 shadow tables, PostgreSQL's search_word, which a
 * trigger fills from search_fts) are not copied; the target's own
 * machinery fills them. schema_migrations is not copied either (both are
 * at one version). */
#ifndef SCAN_DB_COPY_H
#define SCAN_DB_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"

/* One copied table: rows and checksum on each side, read after the copy
 * committed. The checksum is the sum (mod 2^64) of a 64-bit hash of each
 * row's canonical text (per value: its kind, integer in decimal, real as
 * %.17g, text and blobs as length and bytes; NULL apart), so it does not
 * depend on the order either backend returns rows in. */
typedef struct db_copy_table {
    const char *name; /* arena */
    int64_t rows_src, rows_dst;
    uint64_t sum_src, sum_dst;
} db_copy_table;

typedef struct db_copy_report {
    db_copy_table *tables; /* arena, in the order copied (parents first) */
    size_t n_tables;
    const char **skipped; /* arena: tables only the source has, not copied */
    size_t n_skipped;
    int n_differ; /* tables whose rows or checksum differ after the copy */
} db_copy_report;

/* Copies every table of src into dst in one write transaction on dst,
 * parents before children: on dst, the triggers are off meanwhile (the
 * copied rows already hold what they would compute), each table's rows
 * are deleted first (a migrated database holds the rows its migrations
 * seed), then the source's rows inserted; PostgreSQL's identity and
 * serial sequences are moved past the largest copied id; then commit.
 * Refused (DB_CONSTRAINT, the reason in err) when dst already holds data
 * (an audit row or a person: every write through tx_write leaves an audit
 * row) unless force, or when the two are at different schema versions.
 * After the commit, counts and checksums of every table are read on both
 * sides into *rep (arena a); rep->n_differ counts the tables that differ.
 * Any other failure rolls dst back and returns its status, with the
 * reason in err. */
db_status db_copy(db *src, db *dst, bool force, arena *a, db_copy_report *rep, buf *err);

/* Rows and checksum of one table of d (as in db_copy_table), by the
 * catalogue of d. DB_ERR when there is no such table. */
db_status db_copy_checksum(db *d, const char *table, int64_t *rows, uint64_t *sum);

#endif
