/* cli_org.c: `scan org import` and `scan org export`: the directory in
 * and out of CSV and JSON files, for the first load of real data, for
 * bulk corrections made in a spreadsheet, and for backups readable
 * without SQLite.
 *
 * Both call the model (org_import, org_export in org.c) as the system
 * actor (id 0), so an import writes revisions, search documents and
 * audit rows exactly like the forms. An import is all or nothing: when any
 * row is bad, every problem is printed as "line N: reason" on stderr and
 * nothing changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/org.h"

#define DEFAULT_DB "var/scan.db"
/* The largest file `scan org import` reads (a directory of 100,000
 * entries in CSV is about 60 MB). */
#define IMPORT_MAX_BYTES (512u * 1024 * 1024)
#define PREFAULT_FROM    (4u * 1024 * 1024) /* a file of 4 MiB (some 4,000 entries) or more */

/* Parses "csv" or "json" into *fmt, and for reading also "xlsx" (a
 * workbook goes through the same table reader as CSV text, which tells
 * the two apart by their bytes: model/import.c); false for anything
 * else. */
static bool parse_format(const char *s, bool reading, org_format *fmt)
{
    if (strcasecmp(s, "csv") == 0 || (reading && strcasecmp(s, "xlsx") == 0))
        *fmt = ORG_FMT_CSV;
    else if (strcasecmp(s, "json") == 0)
        *fmt = ORG_FMT_JSON;
    else
        return false;
    return true;
}

/* The format a file name says by its extension (.csv, .json; .xlsx for
 * reading). */
static bool format_from_name(const char *path, bool reading, org_format *fmt)
{
    const char *dot = strrchr(path, '.');
    return dot && !strchr(dot, '/') && parse_format(dot + 1, reading, fmt);
}

/* Reads the whole of path ("-" = stdin) into out. Returns 0, or 1 after
 * printing why. */
static int read_file(const char *cmd, const char *path, buf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return cli_fail(cmd, "cannot open %s: %s", path, strerror(errno));
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(out, chunk, n);
        if (out->len > IMPORT_MAX_BYTES) {
            rc = cli_fail(cmd, "%s is larger than %u MB: split it into smaller files", path,
                          IMPORT_MAX_BYTES / (1024 * 1024));
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = cli_fail(cmd, "cannot read %s: %s", path, strerror(errno));
    if (rc == 0 && buf_failed(out))
        rc = cli_fail(cmd, "out of memory reading %s", path);
    if (f != stdin)
        fclose(f);
    return rc;
}

int cli_org_import(int argc, char **argv)
{
    const char *cmd = "org import";
    const char *path = DEFAULT_DB;
    const char *format = NULL;
    bool dry_run = false, timings = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--format", NULL, OPT_STR, &format},
        {"--dry-run", NULL, OPT_FLAG, &dry_run},
        {"--timings", NULL, OPT_FLAG, &timings},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1, &n_pos))
        return 2;
    if (n_pos != 1)
        return cli_usage_error(cmd, "name the file to import");
    const char *file = pos[0];
    org_format fmt;
    if (format ? !parse_format(format, true, &fmt) : !format_from_name(file, true, &fmt))
        return cli_usage_error(cmd,
                               format ? "--format wants csv, xlsx or json, not '%s'"
                                      : "cannot tell the format of '%s' from its name: "
                                        "give --format csv, xlsx or json",
                               format ? format : file);
    uint64_t t0 = time_mono_us();
    buf data = BUF_INIT;
    if (read_file(cmd, file, &data) != 0) {
        buf_free(&data);
        return 1;
    }
    uint64_t t_read = time_mono_us();
    db *d = cli_open_db(cmd, path, CLI_DB_BULK);
    if (!d) {
        buf_free(&data);
        return 1;
    }
    arena a = ARENA_INIT;
    org_import_report rep = {0};
    uint64_t t_open = time_mono_us();
    /* a large import's writer grows its page cache by some 6 bytes for
     * every byte of the file: a thread prepares the pages ahead of it
     * (core/mem.h), where each would otherwise cost the writer a page
     * fault (10 paired runs of 100,000 entries: bench/RESULTS.md) */
    bool prefault = data.len >= PREFAULT_FROM && mem_prefault_start();
    db_status st = org_import(d, &a, data.data ? data.data : "", data.len, fmt, dry_run, 0, &rep);
    size_t prefaulted = prefault ? mem_prefault_stop() : 0;
    uint64_t t_import = time_mono_us();
    int rc = 0;
    if (rep.n_problems > 0) {
        /* a CSV problem names its line of the file, a JSON one the
         * entry's place in the array (its line would depend on the
         * layout); one about the whole file (0) names neither */
        for (size_t i = 0; i < rep.n_problems; i++) {
            if (rep.problems[i].line > 0)
                fprintf(stderr, "%s %lld: ", fmt == ORG_FMT_JSON ? "entry" : "line",
                        (long long)rep.problems[i].line);
            fprintf(stderr, "%s\n", rep.problems[i].message);
        }
        rc = cli_fail(cmd, "%zu problem%s in %s; nothing was changed", rep.n_problems,
                      rep.n_problems == 1 ? "" : "s",
                      strcmp(file, "-") == 0 ? "standard input" : file);
    } else if (st == DB_FULL) {
        rc = cli_fail(cmd, "the import failed and nothing was changed: the disk is full (free "
                           "space where the database is and import again)");
    } else if (st != DB_OK) {
        rc = cli_fail(cmd, "the import failed and nothing was changed: %s (%s)", db_status_name(st),
                      db_errmsg(d));
    } else {
        if (dry_run && rep.preview.len)
            fwrite(rep.preview.data, 1, rep.preview.len, stdout);
        printf("created %lld, updated %lld, unchanged %lld%s\n", (long long)rep.created,
               (long long)rep.updated, (long long)rep.unchanged,
               dry_run ? " (dry run: nothing was changed)" : "");
    }
    buf_free(&rep.preview);
    arena_free(&a);
    buf_free(&data);
    db_close(d);
    if (timings) {
        fflush(stdout);
        /* wall seconds of each phase, and in the import's own phases the
         * CPU seconds of all threads (the helpers run beside the writer)
         * and of the writing thread alone */
        uint64_t t_end = time_mono_us();
        fprintf(stderr, "timings: read %.2f s, open %.2f s", (double)(t_read - t0) / 1e6,
                (double)(t_open - t_read) / 1e6);
        for (size_t k = 0; k < rep.n_phases; k++)
            fprintf(stderr, ", %s %.2f s (CPU %.2f s, writer %.2f s)", rep.phases[k].name,
                    (double)rep.phases[k].wall_us / 1e6, (double)rep.phases[k].cpu_us / 1e6,
                    (double)rep.phases[k].writer_us / 1e6);
        fprintf(stderr, ", close %.2f s", (double)(t_end - t_import) / 1e6);
        if (prefault)
            fprintf(stderr, ", heap made ready %zu MiB", prefaulted >> 20);
        fprintf(stderr, "; %.2f s in all\n", (double)(t_end - t0) / 1e6);
    }
    return rc;
}

/* Writes n bytes to path through a temporary file renamed into place, so
 * a reader never sees half an export. Returns 0, or 1 after printing why. */
static int write_file(const char *cmd, const char *path, const char *data, size_t n)
{
    buf tmp = BUF_INIT;
    buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
    const char *tmp_path = buf_str(&tmp);
    FILE *f = fopen(tmp_path, "wb");
    int rc = 0;
    if (!f) {
        rc = cli_fail(cmd, "cannot create %s: %s", tmp_path, strerror(errno));
        goto cleanup;
    }
    bool ok = fwrite(data, 1, n, f) == n;
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    int saved = errno;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        rc = cli_fail(cmd, "cannot write %s: %s", tmp_path, strerror(saved ? saved : errno));
        unlink(tmp_path);
        goto cleanup;
    }
    if (rename(tmp_path, path) != 0) {
        rc = cli_fail(cmd, "cannot rename %s to %s: %s", tmp_path, path, strerror(errno));
        unlink(tmp_path);
    }
cleanup:
    buf_free(&tmp);
    return rc;
}

int cli_org_export(int argc, char **argv)
{
    const char *cmd = "org export";
    const char *path = DEFAULT_DB;
    const char *format = NULL;
    const char *out_path = NULL;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--format", NULL, OPT_STR, &format},
        {"--out", NULL, OPT_STR, &out_path},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &n_pos))
        return 2;
    org_format fmt;
    if (format) {
        if (!parse_format(format, false, &fmt))
            return cli_usage_error(cmd, "--format wants csv or json, not '%s'", format);
    } else if (!out_path || !format_from_name(out_path, false, &fmt)) {
        return cli_usage_error(cmd, "give --format csv or --format json");
    }
    db *d = cli_open_db(cmd, path, 0);
    if (!d)
        return 1;
    buf out = BUF_INIT;
    int rc = 0;
    db_status st = org_export(d, fmt, &out);
    if (st != DB_OK || buf_failed(&out)) {
        rc = cli_fail(cmd, "cannot export: %s (%s)", db_status_name(st == DB_OK ? DB_NOMEM : st),
                      db_errmsg(d));
    } else if (out_path && strcmp(out_path, "-") != 0) {
        rc = write_file(cmd, out_path, out.data ? out.data : "", out.len);
    } else if (out.len && (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout))) {
        rc = cli_fail(cmd, "cannot write to standard output: %s", strerror(errno));
    }
    buf_free(&out);
    db_close(d);
    return rc;
}
