/* cli_ref.c: `scan ref import FILE`: loads the statistical office's
 * employment by district and NACE section (ref_employment, the reference
 * of the location quotient on /map and the cluster pages) from a CSV.
 *
 * All or nothing: panorama_ref_import checks every row first and stores
 * them in one transaction (each year in the file replacing that year's
 * rows), or prints every problem as "line N, column: what to fix" and
 * stores nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "model/panorama.h"

#define DEFAULT_DB    "var/scan.db"
#define REF_MAX_BYTES (32u * 1024 * 1024)

int cli_ref_import(int argc, char **argv)
{
    const char *cmd = "ref import";
    const char *path = DEFAULT_DB;
    const cli_opt opts[] = {{"--db", "SCAN_DB", OPT_STR, &path}};
    char *pos[1];
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, 1, pos, 1, &n_pos))
        return 2;
    if (n_pos != 1)
        return cli_usage_error(cmd, "give the CSV file to import (or - for standard input)");
    FILE *f = strcmp(pos[0], "-") == 0 ? stdin : fopen(pos[0], "rb");
    if (!f)
        return cli_fail(cmd, "cannot open %s: %s", pos[0], strerror(errno));
    buf data = BUF_INIT;
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && rc == 0) {
        buf_append(&data, chunk, n);
        if (data.len > REF_MAX_BYTES)
            rc = cli_fail(cmd, "%s is larger than 32 MB: split it by year", pos[0]);
    }
    if (rc == 0 && ferror(f))
        rc = cli_fail(cmd, "cannot read %s: %s", pos[0], strerror(errno));
    if (f != stdin)
        fclose(f);
    if (rc == 0 && buf_failed(&data))
        rc = cli_fail(cmd, "out of memory reading %s", pos[0]);
    db *d = rc == 0 ? cli_open_db(cmd, path, 0) : NULL;
    if (rc == 0 && !d)
        rc = 1;
    if (rc == 0) {
        arena a = ARENA_INIT;
        size_t n_rows = 0, n_problems = 0;
        pano_ref_problem *problems = NULL;
        db_status st = panorama_ref_import(d, &a, data.len ? buf_str(&data) : "", data.len, 0,
                                           &n_rows, &problems, &n_problems);
        if (st == DB_CONSTRAINT) {
            for (size_t i = 0; i < n_problems; i++)
                fprintf(stderr, "scan %s: %s: line %lld%s%s: %s\n", cmd, pos[0],
                        (long long)problems[i].line, problems[i].column ? ", column " : "",
                        problems[i].column ? problems[i].column : "", problems[i].message);
            rc = cli_fail(cmd, "nothing imported: fix the %zu problem%s above", n_problems,
                          n_problems == 1 ? "" : "s");
        } else if (st != DB_OK) {
            rc = cli_fail(cmd, "cannot import: %s (%s)", db_status_name(st), db_errmsg(d));
        } else {
            printf("imported %zu rows of employment by district and sector\n", n_rows);
        }
        arena_free(&a);
    }
    db_close(d);
    buf_free(&data);
    return rc;
}
