/* testdb.c: see testdb.h. */
#include "testdb.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"
#include "embedded.h"

/* The first open of a process migrates a database in a folder of its own
 * and keeps it closed as a template (removed at exit); every open copies
 * it. Applying every migration under ASan costs about a second of CPU, and
 * most of the ~250 cases of the unit level open a database. */
static char template_dir[64], template_path[96];
static pid_t template_pid; /* a forked child's exit leaves it alone */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw);

static void template_remove(void)
{
    if (template_dir[0] && getpid() == template_pid)
        nftw(template_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Copies the file from to the new file to; 0, or -1 after printing why. */
static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char chunk[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite(chunk, 1, n, out) != n)
            rc = -1;
    if (in && ferror(in))
        rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "testdb: copy %s to %s failed\n", from, to);
    return rc;
}

/* The template, made on first use; 0, or -1 after printing why. */
static int template_ready(void)
{
    if (template_path[0])
        return 0;
    snprintf(template_dir, sizeof template_dir, "/tmp/scan-unit-XXXXXX");
    if (!mkdtemp(template_dir)) {
        perror("testdb: mkdtemp");
        template_dir[0] = '\0';
        return -1;
    }
    template_pid = getpid();
    atexit(template_remove);
    char path[96];
    snprintf(path, sizeof path, "%s/template.db", template_dir);
    buf err = BUF_INIT;
    db *d = NULL;
    int applied = 0, rc = -1;
    if (db_open(path, NULL, &d, &err) != DB_OK)
        fprintf(stderr, "testdb: open %s: %s\n", path, buf_str(&err));
    else if (migrate_up(d, &applied, &err) != DB_OK)
        fprintf(stderr, "testdb: migrate: %s\n", buf_str(&err));
    else if (applied < 1)
        fprintf(stderr, "testdb: no migration applied to a new database\n");
    else
        rc = 0;
    db_close(d); /* the last connection: WAL checkpointed into the file */
    buf_free(&err);
    if (rc == 0)
        memcpy(template_path, path, sizeof template_path);
    return rc;
}

int testdb_open(testdb *t)
{
    /* SQLite allocates through mem_* as in the server, so fault injection
     * reaches inside it (a no-op after the first open) */
    db_global_init();
    memset(t, 0, sizeof *t);
    if (template_ready() != 0)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/scan-unit-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("testdb: mkdtemp");
        t->dir[0] = '\0';
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
    buf err = BUF_INIT;
    int applied = 0, version = 0;
    /* the schema ends at the latest version; numbers may have gaps while
     * branches that each add a migration are merged */
    if (copy_file(template_path, t->path) != 0) {
        /* said why */
    } else if (db_open(t->path, NULL, &t->d, &err) != DB_OK) {
        fprintf(stderr, "testdb: open %s: %s\n", t->path, buf_str(&err));
    } else if (migrate_up(t->d, &applied, &err) != DB_OK) {
        fprintf(stderr, "testdb: migrate: %s\n", buf_str(&err));
    } else if (applied != 0 || migrate_current(t->d, &version) != DB_OK ||
               version != migrate_latest()) {
        fprintf(stderr, "testdb: schema version %d after %d migrations, %d expected\n", version,
                applied, migrate_latest());
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
