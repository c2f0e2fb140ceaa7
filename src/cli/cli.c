/* cli.c: the command table and dispatcher of the `scan` binary. */
#include "cli/cli.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "scan_config.h"

const cli_command cli_commands[] = {
    {"serve", cli_serve,
     "[--db FILE] [--listen HOST:PORT] [--threads N] [--io-threads N] [--log-format text|json]\n"
     "            [--hash-threads N] [--worker-share N] [--timeout SECONDS] [--max-body BYTES] "
     "[--max-header BYTES]\n"
     "            [--max-connections N] [--max-per-ip N] [--shutdown-wait SECONDS]\n"
     "            [--secure-cookies] [--test-routes]\n"
     "            [--base-url URL] [--smtp-url URL] [--smtp-from ADDRESS] [--sync-normal]\n"
     "            [--digest-weekday 1-7] [--digest-hour 0-23] [--digest-off]\n"
     "            [--newsletter-rate N] [--metrics-allow LIST] [--trusted-proxies LIST]\n"
     "            [--pg-cache-window MS]",
     "serve the web UI and the JSON API",
     "Migrates the database if needed and serves HTTP until SIGTERM or SIGINT, then\n"
     "finishes in-flight requests (at most --shutdown-wait seconds, default 10) and\n"
     "exits 0. A database without any account gets the first admin, whose password\n"
     "is logged once.\n"
     "--base-url is the public address used in links sent by mail (default http://\n"
     "and the listen address). With --smtp-url (smtp://host:port or smtps://host:port)\n"
     "a sender thread delivers the outbox; --smtp-from defaults to\n"
     "\"SCAN <noreply@scan.local>\"; SMTP credentials come only from the environment\n"
     "(SCAN_SMTP_USER, SCAN_SMTP_PASSWORD). Without SMTP, admins read the outbox.\n"
     "--hash-threads N (default 2) threads hash passwords (login, password change and\n"
     "reset, invitations); --worker-share N is how many workers one client address may\n"
     "hold while others wait (default max(1, threads/4)).\n"
     "--test-routes serves the extra routes the test suites use: never in production.\n"
     "--sync-normal runs SQLite with synchronous=NORMAL instead of FULL: faster\n"
     "commits, still safe when the process crashes, but the last acknowledged\n"
     "writes can vanish on a power loss or OS crash (not advised).\n"
     "A job in the server sends the weekly digests once this ISO week's time has come\n"
     "(--digest-weekday, 1 = Monday, and --digest-hour, Europe/Belgrade; default\n"
     "Monday 07:00); --digest-off leaves them to cron and `scan digest run`.\n"
     "--newsletter-rate N (1 to 100000, default 10) is how many newsletter mails a\n"
     "second the server hands to the outbox.\n"
     "/metrics (Prometheus text format) answers only the addresses and networks of\n"
     "--metrics-allow (default \"127.0.0.1, ::1\"; e.g. \"127.0.0.1, 10.0.0.0/8\");\n"
     "others get 404. Behind a reverse proxy, --trusted-proxies names its addresses:\n"
     "from them (only) the client is the address X-Forwarded-For gives (throttling,\n"
     "admission, logs); raise --max-per-ip then: every connection comes from the proxy.\n"
     "--pg-cache-window MS (PostgreSQL; 0 = off, or 10 to 10000): anonymous cached pages\n"
     "are answered without asking the database, at the price of showing other app\n"
     "servers' writes up to MS late (this server's own writes show at once); a thread\n"
     "reads the data versions every MS/2. Ignored on SQLite.\n"
     "Environment: SCAN_DB, SCAN_LISTEN, SCAN_THREADS, SCAN_IO_THREADS, SCAN_LOG_FORMAT,\n"
     "SCAN_HASH_THREADS, SCAN_WORKER_SHARE, SCAN_TIMEOUT, SCAN_MAX_BODY, SCAN_MAX_HEADER,\n"
     "SCAN_MAX_CONNECTIONS, SCAN_MAX_PER_IP, SCAN_SHUTDOWN_WAIT, SCAN_TEST_ROUTES=1,\n"
     "SCAN_SECURE_COOKIES=1, SCAN_BASE_URL, SCAN_SMTP_URL, SCAN_SMTP_FROM, SCAN_SYNC_NORMAL=1,\n"
     "SCAN_DIGEST_WEEKDAY, SCAN_DIGEST_HOUR, SCAN_DIGEST_OFF=1, SCAN_METRICS_ALLOW,\n"
     "SCAN_NEWSLETTER_RATE, SCAN_TRUSTED_PROXIES, SCAN_PG_CACHE_WINDOW;\n"
     "options override them."},
    {"init", cli_init, "[--db FILE] [--demo]",
     "create or migrate a database; --demo loads demo data",
     "Creates the database file (and its folder) if missing and applies every\n"
     "migration. With --demo, also loads the demonstration data once. When the\n"
     "database has no account yet, creates the first admin (admin@scan.local) and\n"
     "prints its password once."},
    {"db check", cli_db_check, "[--db FILE]", "run integrity and foreign-key checks", NULL},
    {"db backup", cli_db_backup, "[--db FILE] DEST", "make an online copy of the database",
     "Copies the live database to DEST (which must not exist) without stopping the server."},
    {"db copy", cli_db_copy, "FROM TO [--force]", "copy a whole database between backends",
     "Copies every table of FROM into TO (an SQLite file or a postgresql:// URL; both\n"
     "are migrated first) in one transaction on TO, then compares each table's row\n"
     "count and checksum on both sides and prints them; exit 1 if any differ. TO must\n"
     "hold no data (no account, no audit row): --force replaces whatever it holds.\n"
     "Stop the servers writing to FROM first: what they write meanwhile is not copied."},
    {"user add", cli_user_add,
     "EMAIL --name NAME [--admin|--editor] [--password-stdin] [--db FILE]", "create an account",
     "Creates a person with an account. Prints a random password once, unless\n"
     "--password-stdin reads one from the first line of standard input."},
    {"user passwd", cli_user_passwd, "EMAIL [--password-stdin] [--db FILE]",
     "set a new password and end the user's sessions",
     "Prints a new random password once, or reads one from the first line of\n"
     "standard input with --password-stdin (at least 12 characters, not a common\n"
     "password, not the e-mail address)."},
    {"user list", cli_user_list, "[--db FILE]", "list accounts",
     "Columns: person id, e-mail, name, secretariat role, disabled, last login\n"
     "(Europe/Belgrade)."},
    {"user disable", cli_user_disable, "EMAIL [--enable] [--db FILE]",
     "disable (or enable again) an account", NULL},
    {"user role", cli_user_role,
     "EMAIL admin|editor|none [--db FILE]\n"
     "       scan user role EMAIL manager|representative --org SLUG [--end] [--db FILE]",
     "set the secretariat role, or start or end an affiliation",
     "admin, editor or none sets the secretariat role. manager or representative\n"
     "starts an affiliation with the organisation whose slug is SLUG; with --end,\n"
     "ends it. Rights follow at once. A manager is started only for a cluster or a\n"
     "cluster initiative; a representative for any organisation."},
    {"org import", cli_org_import,
     "FILE [--format csv|xlsx|json] [--dry-run] [--timings] [--db FILE]",
     "import directory entries from CSV, an Excel workbook or JSON (all or nothing)",
     "Reads FILE (- for standard input) into the database (default var/scan.db, made\n"
     "by `scan init`); the format comes from its extension unless --format says.\n"
     "Each entry is matched by slug, else by PIB, else created, and validated like\n"
     "the form. When any row is bad, prints every problem as \"line N: reason\" (CSV,\n"
     "workbook) or \"entry N: reason\" (JSON: the Nth object) on stderr, changes\n"
     "nothing and exits 1. Otherwise prints \"created N, updated N, unchanged N\"; with\n"
     "--dry-run also one line per planned change, and changes nothing. CSV: a header\n"
     "row of field names (those of `scan org export`; name and kind are needed),\n"
     "in UTF-8, UTF-16 or Windows-1250, separated by commas, semicolons or\n"
     "tabs, RFC 4180 quoting, lists joined with ';'. Workbook (.xlsx): the same\n"
     "columns on the first sheet. JSON: an array of objects with the same keys.\n"
     "Coded fields (kind, status, district, region, country, sectors, fos, geo)\n"
     "take the codes `scan org export` writes; a wrong one is named with the codes\n"
     "it may take. --timings prints on stderr where the time went: each phase's wall\n"
     "seconds (read: the file, open: the database, parse: parse and check the rows,\n"
     "rows: write them, indexes: make the indexes, ahead: write ahead while the\n"
     "search indexes finish, search: copy them in, commit, close) and, for the\n"
     "import's own phases, the CPU seconds of all its threads and of the writing\n"
     "thread; for a file of 4 MiB or more also how much of the heap a helper thread\n"
     "made ready ahead of the writer (\"heap made ready\": the span it went over,\n"
     "most of which the writer then fills)."},
    {"org export", cli_org_export, "--format csv|json [--out FILE] [--db FILE]",
     "write every directory entry as CSV or JSON",
     "Writes every entry, whatever its status, to standard output or to FILE\n"
     "(written whole and then renamed into place). --format may be left out when\n"
     "FILE ends in .csv or .json. The output imports back unchanged."},
    {"figures rate", cli_figures_rate, "YEAR RATE [--source TEXT] [--db FILE]",
     "set the yearly RSD-per-EUR rate used to convert RSD input",
     "Stores (or corrects) the rate of YEAR (1990..2100): RATE is RSD per EUR, a\n"
     "positive decimal with at most 4 decimals after '.', such as 117.4593. Figures\n"
     "of that year entered in RSD are converted again at the new rate. --source\n"
     "says where the rate comes from (at most 200 bytes)."},
    {"figures rates", cli_figures_rates, "[--db FILE]", "list the yearly RSD-per-EUR rates",
     "Columns: year, RSD per EUR, source."},
    {"figures coverage", cli_figures_coverage, "[PERCENT] [--db FILE]",
     "the share of members that must report before a year is the headline",
     "Without PERCENT prints the setting (default 50). A year whose figures fewer\n"
     "members than that have reported is never a page's default year, and no change\n"
     "from or to such a year is shown: only like is compared with like."},
    {"ref import", cli_ref_import, "FILE [--db FILE]",
     "load employment by district and NACE section (location quotient)",
     "A CSV with the header district,nace,year,employees,source (is_demo\n"
     "optional): district codes as in the directory (BEOGRAD, JUZNOBACKI...),\n"
     "NACE section letters, the statistical office's figures with their source.\n"
     "Each year in the file replaces that year's rows; any wrong row stores\n"
     "nothing and is reported with its line and column."},
    {"digest run", cli_digest_run,
     "[--dry-run] [--now] [--base-url URL] [--digest-weekday 1-7] [--digest-hour 0-23] [--db FILE]",
     "send this week's digests (for cron; `scan serve` runs them itself)",
     "Composes each person's weekly digest (what waits for them, the news they\n"
     "follow) and queues it in the outbox when it has something to say. Without\n"
     "--now it runs only once this ISO week's scheduled time has come (default\n"
     "Monday 07:00 Europe/Belgrade). Idempotent: a person gets one digest per ISO\n"
     "week however often this runs, here or in any server. --dry-run counts and\n"
     "stores nothing. --base-url is the public address for links in the mail."},
    {"events remind", cli_event_remind, "[--dry-run] [--now] [--base-url URL] [--db FILE]",
     "queue the reminders of tomorrow's events (for cron; `scan serve` runs them itself)",
     "Mails every confirmed participant of an event starting tomorrow (Europe/Belgrade)\n"
     "a reminder with the event as an .ics file, from 08:00 the day before (--now: from\n"
     "midnight). Idempotent: each registration is reminded once however often this\n"
     "runs. --dry-run counts and stores nothing."},
    {"calls remind", cli_call_remind, "[--dry-run] [--base-url URL] [--db FILE]",
     "queue the reminders 14 and 3 days before funding-call deadlines (`scan serve` runs them)",
     "Mails the followers of each published call whose deadline is at most 14 (then 3)\n"
     "days away, and the managers and representatives who asked for calls matching\n"
     "their organisation, in their language. Idempotent: each reminder goes once however\n"
     "often this runs, here or in any server. --dry-run counts and stores nothing."},
    {"post generate", cli_post_generate,
     "[--count N] [--batch N] [--seed N] [--timing] [--no-matches] [--db FILE]",
     "add illustrative cooperation posts over the published organisations (benchmarks)",
     "Publishes N synthetic posts (default 1000) through the same code as the forms, so each\n"
     "gets its words and stored matches; --batch posts commit together; --timing prints the\n"
     "median and p99 time of one post's insert and matching; --no-matches stores codes and\n"
     "words only (a bulk load the later posts match against). Used by bench/cooperation.sh."},
    {"routes", cli_routes, "", "list the route table (method, pattern, flags)", NULL},
    {"version", cli_version, "", "print the version", NULL},
    {"help", cli_help, "[COMMAND]", "list commands, or explain one", NULL},
};
const unsigned cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "scan %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see: scan help %s)\n", cmd);
    return 2;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "scan %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

int cli_version(int argc, char **argv)
{
    if (argc > 0)
        return cli_usage_error("version", "takes no arguments");
    printf("scan %s\n", SCAN_VERSION);
    return 0;
}

static const cli_command *find_command(int argc, char **argv, int *used)
{
    for (unsigned i = 0; i < cli_n_commands; i++) {
        const char *name = cli_commands[i].name;
        const char *sp = strchr(name, ' ');
        if (!sp && argc >= 1 && strcmp(argv[0], name) == 0) {
            *used = 1;
            return &cli_commands[i];
        }
        if (sp && argc >= 2 && strncmp(argv[0], name, (size_t)(sp - name)) == 0 &&
            strlen(argv[0]) == (size_t)(sp - name) && strcmp(argv[1], sp + 1) == 0) {
            *used = 2;
            return &cli_commands[i];
        }
    }
    return NULL;
}

int cli_help(int argc, char **argv)
{
    if (argc == 0) {
        printf("SCAN platform %s: the Serbian Cluster Association's web platform.\n\n"
               "usage: scan COMMAND [OPTIONS]\n\ncommands:\n",
               SCAN_VERSION);
        for (unsigned i = 0; i < cli_n_commands; i++)
            printf("  %-12s %s\n", cli_commands[i].name, cli_commands[i].summary);
        printf("\nscan help COMMAND explains one command.\n");
        return 0;
    }
    /* "scan help 'user disable'" names the command as one word */
    char one[64], *two[2];
    const char *sp = argc == 1 ? strchr(argv[0], ' ') : NULL;
    if (sp && strlen(argv[0]) < sizeof one && !strchr(sp + 1, ' ')) {
        memcpy(one, argv[0], strlen(argv[0]) + 1);
        one[sp - argv[0]] = '\0';
        two[0] = one;
        two[1] = one + (sp - argv[0]) + 1;
        argc = 2;
        argv = two;
    }
    int used = 0;
    const cli_command *c = find_command(argc, argv, &used);
    if (!c || used != argc) {
        /* "scan help user": the commands of the group */
        size_t n = strlen(argv[0]), shown = 0;
        for (unsigned i = 0; argc == 1 && i < cli_n_commands; i++) {
            const char *name = cli_commands[i].name;
            if (strncmp(name, argv[0], n) == 0 && name[n] == ' ') {
                if (shown++ == 0)
                    printf("commands of 'scan %s':\n", argv[0]);
                printf("  %-16s %s\n", name, cli_commands[i].summary);
            }
        }
        if (shown) {
            printf("\nscan help %s COMMAND explains one of them.\n", argv[0]);
            return 0;
        }
        return cli_usage_error("help", "no command named '%s%s%s'", argv[0], argc > 1 ? " " : "",
                               argc > 1 ? argv[1] : "");
    }
    printf("usage: scan %s %s\n\n%s.\n", c->name, c->usage, c->summary);
    if (c->help)
        printf("\n%s\n", c->help);
    return 0;
}

int cli_main(int argc, char **argv)
{
    assert(argc >= 0 && (argv || argc == 0));
    if (argc < 2)
        return cli_help(0, NULL);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cli_help(0, NULL);
    if (strcmp(argv[1], "--version") == 0)
        return cli_version(0, NULL);
    int used = 0;
    const cli_command *c = find_command(argc - 1, argv + 1, &used);
    if (!c) {
        /* a group's word alone or with an unknown second one ("scan
         * calls"): name the group's commands rather than deny it exists */
        size_t n = strlen(argv[1]), shown = 0;
        for (unsigned i = 0; i < cli_n_commands; i++) {
            const char *name = cli_commands[i].name;
            if (strncmp(name, argv[1], n) == 0 && name[n] == ' ') {
                if (shown++ == 0)
                    fprintf(stderr, "scan: '%s' needs one of its commands:", argv[1]);
                fprintf(stderr, "%s scan %s", shown > 1 ? "," : "", name);
            }
        }
        if (shown) {
            fprintf(stderr, " (see: scan help %s)\n", argv[1]);
            return 2;
        }
        fprintf(stderr, "scan: unknown command '%s' (see: scan help)\n", argv[1]);
        return 2;
    }
    /* "scan serve --help", "scan org import FILE -h": the command's help,
     * as "scan help serve" gives it (up to a "--", after which every
     * argument is the command's own) */
    for (int i = 1 + used; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return cli_help(used, argv + 1);
    return c->fn(argc - 1 - used, argv + 1 + used);
}

static int set_opt(const char *cmd, const cli_opt *o, const char *v, const char *from)
{
    assert(cmd && o && o->out && from);
    int64_t n;
    switch (o->type) {
    case OPT_STR:
        *(const char **)o->out = v;
        return 0;
    case OPT_FLAG:
        if (!v || !*v || strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
            *(bool *)o->out = true;
        else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
            *(bool *)o->out = false;
        else
            return cli_usage_error(cmd, "%s wants 1 or 0, not '%s'", from, v);
        return 0;
    case OPT_UINT:
    case OPT_SIZE:
        if (!v || !str_to_i64(v, &n) || n < 0 || (o->type == OPT_UINT && n > 1000000))
            return cli_usage_error(cmd, "%s wants a whole number, not '%s'", from, v ? v : "");
        if (o->type == OPT_UINT)
            *(unsigned *)o->out = (unsigned)n;
        else
            *(size_t *)o->out = (size_t)n;
        return 0;
    }
    return 2;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, size_t n_opts,
              char **pos, int max_pos, int *n_pos)
{
    assert(cmd && argc >= 0 && (argv || argc == 0) && (opts || n_opts == 0));
    assert(n_pos && (pos || max_pos == 0));
    *n_pos = 0;
    for (size_t i = 0; i < n_opts; i++) {
        const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
        if (v && *v && set_opt(cmd, &opts[i], v, opts[i].env) != 0)
            return 2;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
            if (*n_pos >= max_pos)
                return cli_usage_error(cmd, "unexpected argument '%s'", a);
            pos[(*n_pos)++] = argv[i];
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        const cli_opt *o = NULL;
        for (size_t k = 0; k < n_opts; k++)
            if (strlen(opts[k].name) == nl && strncmp(opts[k].name, a, nl) == 0)
                o = &opts[k];
        if (!o)
            return cli_usage_error(cmd, "unknown option %.*s", (int)nl, a);
        const char *v = eq ? eq + 1 : NULL;
        if (!v && o->type != OPT_FLAG) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "%s needs a value", o->name);
            v = argv[++i];
        }
        if (set_opt(cmd, o, v, o->name) != 0)
            return 2;
    }
    return 0;
}
