/* testdb.h: the fixture most unit tests share, a fresh, fully migrated
 * SQLite database in a folder of its own under /tmp. */
#ifndef SCAN_TESTDB_H
#define SCAN_TESTDB_H

#include "db/db.h"

typedef struct testdb {
    char dir[64];  /* /tmp/scan-unit-XXXXXX */
    char path[96]; /* <dir>/t.db */
    db *d;
} testdb;

/* Makes a fresh database in a new temp folder and brings it to the newest
 * migration; 0, or -1 after printing why to stderr. */
int testdb_open(testdb *t);
/* testdb_open, then runs sql (one or more statements: the rows a fixture
 * needs); on failure prints why, closes and removes it, and gives -1. */
int testdb_open_seeded(testdb *t, const char *sql);
/* Closes the database (if open) and removes the folder with everything in
 * it; *t can be opened again. */
void testdb_close(testdb *t);

#endif
