/* cli_figures.c: `scan figures rate` and `scan figures rates`: the yearly
 * RSD-per-EUR rates used to convert figures entered in RSD.
 *
 * `rate` stores (or corrects) one year's rate through figures_set_rate as
 * the system actor (id 0), which also converts that year's RSD-entered
 * rows again and writes an audit row. `rates` lists what is stored. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/strutil.h"
#include "db/db.h"
#include "model/figures.h"

#define DEFAULT_DB     "var/scan.db"
#define YEAR_MIN       1990
#define YEAR_MAX       2100
#define SOURCE_MAX     200
#define DEFAULT_SOURCE "set with scan figures rate"

/* Parses a year of 1990..2100 written in digits; false otherwise. */
static bool parse_year(const char *s, int *year)
{
    size_t n = strlen(s);
    if (n == 0 || n > 4 || strspn(s, "0123456789") != n)
        return false;
    int y = 0;
    for (size_t i = 0; i < n; i++)
        y = y * 10 + (s[i] - '0');
    if (y < YEAR_MIN || y > YEAR_MAX)
        return false;
    *year = y;
    return true;
}

/* Parses a positive decimal with at most 4 decimals ("117.4593") into
 * RSD per EUR * 10^4. Returns NULL, or what is wrong with it. */
static const char *parse_rate(const char *s, int64_t *rate_e4)
{
    size_t n_int = strspn(s, "0123456789");
    if (n_int == 0)
        return "is not a positive decimal number: write it like 117.4593";
    if (n_int > 9)
        return "is too large: give RSD per EUR, such as 117.4593";
    int64_t v = 0;
    for (size_t i = 0; i < n_int; i++)
        v = v * 10 + (s[i] - '0');
    const char *p = s + n_int;
    size_t n_dec = 0;
    if (*p == '.') {
        p++;
        n_dec = strspn(p, "0123456789");
        if (n_dec == 0 || p[n_dec] != '\0')
            return "is not a positive decimal number: write it like 117.4593";
        if (n_dec > 4)
            return "has more than 4 decimals: round it to 4, such as 117.4593";
        for (size_t i = 0; i < n_dec; i++)
            v = v * 10 + (p[i] - '0');
    } else if (*p != '\0') {
        return "is not a positive decimal number: write it like 117.4593, with '.' for decimals";
    }
    for (size_t i = n_dec; i < 4; i++)
        v *= 10;
    if (v == 0)
        return "is zero: give the rate in RSD per EUR, such as 117.4593";
    *rate_e4 = v;
    return NULL;
}

int cli_figures_rate(int argc, char **argv)
{
    const char *cmd = "figures rate";
    const char *path = DEFAULT_DB;
    const char *source = NULL;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--source", NULL, OPT_STR, &source},
    };
    char *pos[2];
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 2, &n_pos))
        return 2;
    if (n_pos != 2)
        return cli_usage_error(cmd, "give the year and the rate, such as 2024 117.0875");
    int year;
    if (!parse_year(pos[0], &year))
        return cli_usage_error(cmd, "the year must be a number from %d to %d, not '%s'", YEAR_MIN,
                               YEAR_MAX, pos[0]);
    int64_t rate_e4;
    const char *why = parse_rate(pos[1], &rate_e4);
    if (why)
        return cli_usage_error(cmd, "the rate '%s' %s", pos[1], why);
    if (!source)
        source = DEFAULT_SOURCE;
    if (source[0] == '\0')
        return cli_usage_error(cmd, "--source must not be empty");
    if (strlen(source) > SOURCE_MAX)
        return cli_usage_error(cmd, "--source must be at most %d bytes", SOURCE_MAX);
    db *d = cli_open_db(cmd, path, 0);
    if (!d)
        return 1;
    int rc = 0;
    db_status st = figures_set_rate(d, year, rate_e4, source, 0);
    if (st != DB_OK)
        rc = cli_fail(cmd, "cannot store the rate: %s (%s)", db_status_name(st), db_errmsg(d));
    else
        printf("%d: %lld.%04lld RSD per EUR (%s)\n", year, (long long)(rate_e4 / 10000),
               (long long)(rate_e4 % 10000), source);
    db_close(d);
    return rc;
}

static const char SQL_RATES[] = "SELECT year, rsd_per_eur_e4, source FROM fx_rate ORDER BY year";

int cli_figures_rates(int argc, char **argv)
{
    const char *cmd = "figures rates";
    const char *path = DEFAULT_DB;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &n_pos))
        return 2;
    db *d = cli_open_db(cmd, path, 0);
    if (!d)
        return 1;
    int rc = 0;
    db_stmt *s = db_prepare(d, SQL_RATES);
    if (!s) {
        rc = cli_fail(cmd, "cannot read the rates: %s", db_errmsg(d));
        goto done;
    }
    printf("%-4s  %12s  %s\n", "year", "RSD per EUR", "source");
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        int64_t r = db_col_int(s, 1);
        const char *src = db_col_text(s, 2);
        printf("%-4lld  %7lld.%04lld  %s\n", (long long)db_col_int(s, 0), (long long)(r / 10000),
               (long long)(r % 10000), src ? src : "");
    }
    if (st != DB_DONE)
        rc = cli_fail(cmd, "cannot read the rates: %s (%s)", db_status_name(st), db_errmsg(d));
    db_reset(s);
done:
    db_close(d);
    return rc;
}

/* `scan figures coverage [PERCENT]`: the share of members that must have
 * reported for a year to be a page's default year and to be compared with
 * another (figures_min_coverage); without PERCENT, prints it. */
int cli_figures_coverage(int argc, char **argv)
{
    const char *cmd = "figures coverage";
    const char *path = DEFAULT_DB;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1, &n_pos))
        return 2;
    int64_t pct = -1;
    if (n_pos == 1 && (!str_to_i64(pos[0], &pct) || pct < 1 || pct > 100))
        return cli_usage_error(cmd, "PERCENT must be a whole number from 1 to 100, such as 50");
    db *d = cli_open_db(cmd, path, 0);
    if (!d)
        return 1;
    int rc = 0;
    int64_t bp = 0;
    db_status st = n_pos == 1 ? figures_set_min_coverage(d, pct * 100, 0) : DB_OK;
    if (st == DB_OK)
        st = figures_min_coverage(d, &bp);
    if (st != DB_OK)
        rc =
            cli_fail(cmd, "cannot %s the coverage: %s", n_pos ? "set" : "read", db_status_name(st));
    else
        printf("a year's figures are a headline when at least %lld%% of the members reported\n",
               (long long)(bp / 100));
    db_close(d);
    return rc;
}
