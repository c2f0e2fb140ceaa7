/* cli_db.c: `scan db check`, `scan db backup` and `scan routes`. */
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cli.h"
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
