/* testdb.h: the fixture most unit tests share, a fresh, fully migrated
 * SQLite database in a folder of its own under /tmp.
 *
 * With env SCAN_TEST_PG=URL (a PostgreSQL server's postgresql:// URL, as
 * tests/pg/unit.sh sets from tests/pg/pg_temp.sh, the same variable as
 * tests/http/lib.mjs reads), each fixture is instead a fresh database of
 * its own on that server (CREATE DATABASE scan_u_<pid>_<n>), dropped by
 * testdb_close; path is then its URL, which db_open takes as it takes a
 * file. The folder is made either way (tests keep files in it). */
#ifndef SCAN_TESTDB_H
#define SCAN_TESTDB_H

#include "db/db.h"

typedef struct testdb {
    char dir[64];     /* /tmp/scan-unit-XXXXXX */
    char path[512];   /* <dir>/t.db, or the URL of the PostgreSQL database */
    char pg_name[48]; /* PostgreSQL mode: the database's name, else "" */
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
