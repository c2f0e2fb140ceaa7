/* migrate.h: versioned schema migrations embedded in the binary.
 *
 * Migrations are src/db/migrations/NNNN_name.sql, compiled in by
 * tools/embed.py and applied in order, each in its own transaction, with
 * their version recorded in schema_migrations. A database whose newest
 * version is above what this binary knows is refused, never touched. */
#ifndef SCAN_MIGRATE_H
#define SCAN_MIGRATE_H

#include "core/buf.h"
#include "db/db.h"

/* Brings the database up to the newest embedded version. *applied (if not
 * NULL) receives how many migrations ran. On failure writes a one-line
 * reason to err and leaves the database at the last good version. */
db_status migrate_up(db *d, int *applied, buf *err);
/* The schema version recorded in the database (0 when new). */
db_status migrate_current(db *d, int *version);
/* The newest version embedded in this binary. */
int migrate_latest(void);

#endif
