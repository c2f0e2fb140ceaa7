/* testdb.c: see testdb.h. */
#include "testdb.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/migrate.h"

int testdb_open(testdb *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/scan-unit-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("testdb: mkdtemp");
        t->dir[0] = '\0';
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
    buf err = BUF_INIT;
    int applied = 0, version = 0;
    /* versions may skip numbers (0010 was reserved while 0006..0009 were
     * being written elsewhere): the newest one applied is what counts */
    if (db_open(t->path, NULL, &t->d, &err) != DB_OK) {
        fprintf(stderr, "testdb: open %s: %s\n", t->path, buf_str(&err));
    } else if (migrate_up(t->d, &applied, &err) != DB_OK) {
        fprintf(stderr, "testdb: migrate: %s\n", buf_str(&err));
    } else if (applied < 1 || migrate_current(t->d, &version) != DB_OK ||
               version != migrate_latest()) {
        fprintf(stderr, "testdb: %d migrations applied up to version %d, %d expected\n", applied,
                version, migrate_latest());
    } else {
        buf_free(&err);
        return 0;
    }
    buf_free(&err);
    testdb_close(t);
    return -1;
}

int testdb_open_seeded(testdb *t, const char *sql)
{
    if (testdb_open(t) != 0)
        return -1;
    if (db_exec(t->d, sql) != DB_OK) {
        fprintf(stderr, "testdb: seed: %s\n%s\n", db_errmsg(t->d), sql);
        testdb_close(t);
        return -1;
    }
    return 0;
}

/* Removes one entry; nftw visits a folder's contents before the folder. */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) != 0)
        perror(path);
    return 0;
}

void testdb_close(testdb *t)
{
    db_close(t->d);
    t->d = NULL;
    if (t->dir[0] && nftw(t->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
        perror(t->dir);
    t->dir[0] = '\0';
    t->path[0] = '\0';
}
