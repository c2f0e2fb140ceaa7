/* cli_db.c: `scan db check`, `scan db backup`, `scan db copy` and `scan routes`. */
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "db/copy.h"
#include "db/db.h"
#include "http/router.h"

#define DEFAULT_DB "var/scan.db"

int cli_db_check(int argc, char **argv)
{
    const char *path = DEFAULT_DB;
    const cli_opt opts[] = {{"--db", "SCAN_DB", OPT_STR, &path}};
    char *pos[1];
    int n_pos;
    if (cli_parse("db check", argc, argv, opts, 1, pos, 0, &n_pos))
        return 2;
    db *d = cli_open_db("db check", path, 0);
    if (!d)
        return 1;
    buf report = BUF_INIT;
    db_status st = db_check(d, &report);
    int rc = 0;
    if (st == DB_OK)
        printf("%s: integrity and foreign keys ok\n", path);
    else
        rc = cli_fail("db check", "%s has problems (%s):\n%s", path, db_status_name(st),
                      buf_str(&report));
    buf_free(&report);
    db_close(d);
    return rc;
}

int cli_db_backup(int argc, char **argv)
{
    const char *path = DEFAULT_DB;
    const cli_opt opts[] = {{"--db", "SCAN_DB", OPT_STR, &path}};
    char *pos[1];
    int n_pos;
    if (cli_parse("db backup", argc, argv, opts, 1, pos, 1, &n_pos))
        return 2;
    if (n_pos != 1)
        return cli_usage_error("db backup", "name the file to write, e.g. scan db backup copy.db");
    struct stat st;
    if (stat(pos[0], &st) == 0)
        return cli_fail("db backup", "%s exists already: choose a new file name", pos[0]);
    db *d = cli_open_db("db backup", path, 0);
    if (!d)
        return 1;
    db_status s = db_backup(d, pos[0]);
    int rc = 0;
    if (s == DB_OK)
        printf("copied %s to %s\n", path, pos[0]);
    else
        rc = cli_fail("db backup", "cannot write %s: %s", pos[0], db_errmsg(d));
    db_close(d);
    return rc;
}

int cli_db_copy(int argc, char **argv)
{
    bool force = false;
    const cli_opt opts[] = {{"--force", NULL, OPT_FLAG, &force}};
    char *pos[2];
    int n_pos;
    if (cli_parse("db copy", argc, argv, opts, 1, pos, 2, &n_pos))
        return 2;
    if (n_pos != 2)
        return cli_usage_error("db copy", "name the source and the target, e.g. scan db copy "
                                          "var/scan.db postgresql://scan@/scan");
    char from[256], to[256];
    db_path_for_log(pos[0], from, sizeof from);
    db_path_for_log(pos[1], to, sizeof to);
    db *src = cli_open_db("db copy", pos[0], 0);
    if (!src)
        return 1;
    db *dst = cli_open_db("db copy", pos[1], CLI_DB_CREATE | CLI_DB_BULK);
    if (!dst) {
        db_close(src);
        return 1;
    }
    arena a = ARENA_INIT;
    buf err = BUF_INIT;
    db_copy_report rep;
    int rc = 0;
    db_status st = db_copy(src, dst, force, &a, &rep, &err);
    if (st != DB_OK) {
        rc = cli_fail("db copy", "nothing copied: %s", buf_str(&err));
        goto cleanup;
    }
    int64_t total = 0;
    printf("%-32s %10s %10s  %-16s %-16s\n", "table", "rows", "copied", "checksum", "copy's");
    for (size_t i = 0; i < rep.n_tables; i++) {
        const db_copy_table *t = &rep.tables[i];
        bool same = t->rows_src == t->rows_dst && t->sum_src == t->sum_dst;
        printf("%-32s %10lld %10lld  %016llx %016llx%s\n", t->name, (long long)t->rows_src,
               (long long)t->rows_dst, (unsigned long long)t->sum_src,
               (unsigned long long)t->sum_dst, same ? "" : "  DIFFERENT");
        total += t->rows_src;
    }
    for (size_t i = 0; i < rep.n_skipped; i++)
        printf("%-32s not copied: only %s has it (the target fills its own)\n", rep.skipped[i],
               db_backend(src));
    if (rep.n_differ > 0) {
        rc = cli_fail("db copy", "copied %s to %s, but %d tables differ (above)", from, to,
                      rep.n_differ);
        goto cleanup;
    }
    printf("copied %s (%s) to %s (%s): %zu tables, %lld rows, every count and checksum equal\n",
           from, db_backend(src), to, db_backend(dst), rep.n_tables, (long long)total);
cleanup:
    buf_free(&err);
    arena_free(&a);
    db_close(dst);
    db_close(src);
    return rc;
}

int cli_routes(int argc, char **argv)
{
    if (argc > 0)
        return cli_usage_error("routes", "takes no arguments");
    for (size_t i = 0; i < n_routes; i++) {
        const route *r = &routes[i];
        printf("%s\t%s\t%s%s%s%s%s%s%s\t%s\n", router_method_name(r->method), r->pattern,
               r->flags & RF_INLINE ? "inline," : "", r->flags & RF_LOGIN ? "login," : "",
               r->flags & RF_CSRF ? "csrf," : "", r->flags & RF_ADMIN ? "admin," : "",
               r->flags & RF_TEST ? "test," : "", r->flags & RF_NO_LOG ? "nolog," : "",
               r->flags & RF_HASH ? "hash," : "", r->summary ? r->summary : "");
    }
    return 0;
}
