/* cli_serve.c: `scan serve` and `scan init`: open and migrate the
 * database, make sure a first admin exists, and for serve start the mail
 * sender thread (mail.c) around the HTTP server (server.c). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/server.h"
#include "model/auth.h"
#include "model/demo.h"
#include "model/digest.h"
#include "model/newsletter.h"
#include "model/mail.h"
#include "model/notify.h"
#include "model/org.h"
#include "model/post.h"
#include "model/versions.h"

#define DEFAULT_DB        "var/scan.db"
#define FIRST_ADMIN_EMAIL "admin@scan.local"
#define DEFAULT_SMTP_FROM "SCAN <noreply@scan.local>"

/* Creates the folder that will hold the database file, if missing. */
static int make_parent_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(dir, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

const char *cli_base_url(const char *cmd, struct db *d, struct arena *a, const char *flag)
{
    if (flag && *flag) {
        if (strncmp(flag, "http://", 7) != 0 && strncmp(flag, "https://", 8) != 0) {
            cli_usage_error(cmd, "--base-url wants http://HOST[:PORT] or https://...");
            return NULL;
        }
        return flag;
    }
    const char *url = NULL;
    if (notify_public_url_load(d, a, &url) == DB_OK && url && *url)
        return url;
    fprintf(stderr,
            "%s: no --base-url, and no server has recorded its address in this database: "
            "links in the mails point to http://localhost:8080\n",
            cmd);
    return "http://localhost:8080";
}

struct db *cli_open_db(const char *cmd, const char *path, int create)
{
    buf err = BUF_INIT;
    db *d = NULL;
    if ((create & CLI_DB_CREATE) && !db_path_is_url(path) && make_parent_dir(path) != 0) {
        cli_fail(cmd, "cannot create the folder for %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (!(create & CLI_DB_CREATE) && !db_path_is_url(path) && stat(path, &st) != 0) {
        cli_fail(cmd, "no database at %s: create one with 'scan init --db %s'", path, path);
        return NULL;
    }
    db_options o = {.create = (create & CLI_DB_CREATE) != 0,
                    .busy_timeout_ms = 5000,
                    .bulk = create & CLI_DB_BULK};
    if (db_open(path, &o, &d, &err) != DB_OK) {
        cli_fail(cmd, "%s", buf_str(&err));
        buf_free(&err);
        return NULL;
    }
    int applied = 0;
    if (migrate_up(d, &applied, &err) != DB_OK) {
        cli_fail(cmd, "%s", buf_str(&err));
        buf_free(&err);
        db_close(d);
        return NULL;
    }
    /* the names' sort keys are ICU's, which SQL cannot compute: rows a
     * migration left without them get them before anything reads a list */
    int64_t keyed = 0;
    if (org_fill_sort_keys(d, &keyed) != DB_OK) {
        cli_fail(cmd, "cannot compute the directory's sort keys: %s", db_errmsg(d));
        buf_free(&err);
        db_close(d);
        return NULL;
    }
    /* likewise the board's search documents (folded in C; migration 0039) */
    int64_t indexed = 0;
    if (post_search_fill(d, &indexed) != DB_OK) {
        cli_fail(cmd, "cannot index the board's posts for search: %s", db_errmsg(d));
        buf_free(&err);
        db_close(d);
        return NULL;
    }
    buf_free(&err);
    return d;
}

/* Creates the first admin when the database has no account. When one is
 * created, *created is true and its password is in pw. Returns 0, or 1
 * after printing why. */
static int ensure_first_admin(const char *cmd, db *d, char pw[32], bool *created)
{
    db_status st = auth_bootstrap_admin(d, FIRST_ADMIN_EMAIL, pw, created);
    if (st != DB_OK)
        return cli_fail(cmd, "cannot create the first admin: %s (%s)", db_status_name(st),
                        db_errmsg(d));
    return 0;
}

int cli_init(int argc, char **argv)
{
    const char *path = DEFAULT_DB;
    bool demo = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--demo", NULL, OPT_FLAG, &demo},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse("init", argc, argv, opts, 2, pos, 0, &n_pos))
        return 2;
    db *d = cli_open_db("init", path, CLI_DB_CREATE);
    if (!d)
        return 1;
    int version = 0;
    migrate_current(d, &version);
    char pw[32] = "";
    bool created = false;
    int rc = ensure_first_admin("init", d, pw, &created);
    if (rc == 0 && demo) {
        buf err = BUF_INIT;
        int loaded = 0;
        if (demo_load(d, &loaded, &err) != DB_OK)
            rc = cli_fail("init", "cannot load demo data: %s", buf_str(&err));
        else if (loaded)
            printf("demo data loaded\n");
        else
            printf("demo data already present\n");
        buf_free(&err);
    }
    if (rc == 0) {
        char shown[512]; /* a PostgreSQL URL's password is not printed */
        db_path_for_log(path, shown, sizeof shown);
        printf("database %s ready at schema version %d\n", shown, version);
    }
    if (created)
        printf("first admin: %s password: %s (shown once; change it after logging in)\n",
               FIRST_ADMIN_EMAIL, pw);
    sodium_memzero(pw, sizeof pw);
    db_close(d);
    return rc;
}

int cli_serve(int argc, char **argv)
{
    server_config cfg;
    server_config_defaults(&cfg);
    const char *log_fmt_name = "text";
    mail_config mail = {.from = DEFAULT_SMTP_FROM};
    digest_schedule sch = DIGEST_SCHEDULE_DEFAULT;
    unsigned digest_weekday = (unsigned)sch.weekday, digest_hour = (unsigned)sch.hour;
    bool digest_off = false;
    unsigned newsletter_rate = NEWSLETTER_RATE;
    unsigned pg_cache_window = 0; /* ms; 0: strict (versions.h) */
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &cfg.db_path},
        {"--listen", "SCAN_LISTEN", OPT_STR, &cfg.listen},
        {"--threads", "SCAN_THREADS", OPT_UINT, &cfg.workers},
        {"--io-threads", "SCAN_IO_THREADS", OPT_UINT, &cfg.io_threads},
        {"--hash-threads", "SCAN_HASH_THREADS", OPT_UINT, &cfg.hash_workers},
        {"--worker-share", "SCAN_WORKER_SHARE", OPT_UINT, &cfg.worker_share},
        {"--log-format", "SCAN_LOG_FORMAT", OPT_STR, &log_fmt_name},
        {"--timeout", "SCAN_TIMEOUT", OPT_UINT, &cfg.timeout_s},
        {"--max-body", "SCAN_MAX_BODY", OPT_SIZE, &cfg.max_body},
        {"--max-header", "SCAN_MAX_HEADER", OPT_SIZE, &cfg.max_header},
        {"--max-connections", "SCAN_MAX_CONNECTIONS", OPT_UINT, &cfg.conn_limit},
        {"--max-per-ip", "SCAN_MAX_PER_IP", OPT_UINT, &cfg.per_ip_limit},
        {"--shutdown-wait", "SCAN_SHUTDOWN_WAIT", OPT_UINT, &cfg.shutdown_wait_s},
        {"--secure-cookies", "SCAN_SECURE_COOKIES", OPT_FLAG, &cfg.secure_cookies},
        {"--test-routes", "SCAN_TEST_ROUTES", OPT_FLAG, &cfg.test_routes},
        {"--sync-normal", "SCAN_SYNC_NORMAL", OPT_FLAG, &cfg.sync_normal},
        {"--base-url", "SCAN_BASE_URL", OPT_STR, &cfg.public_url},
        {"--metrics-allow", "SCAN_METRICS_ALLOW", OPT_STR, &cfg.metrics_allow},
        {"--trusted-proxies", "SCAN_TRUSTED_PROXIES", OPT_STR, &cfg.trusted_proxies},
        {"--smtp-url", "SCAN_SMTP_URL", OPT_STR, &mail.url},
        {"--smtp-from", "SCAN_SMTP_FROM", OPT_STR, &mail.from},
        {"--digest-weekday", "SCAN_DIGEST_WEEKDAY", OPT_UINT, &digest_weekday},
        {"--digest-hour", "SCAN_DIGEST_HOUR", OPT_UINT, &digest_hour},
        {"--digest-off", "SCAN_DIGEST_OFF", OPT_FLAG, &digest_off},
        {"--newsletter-rate", "SCAN_NEWSLETTER_RATE", OPT_UINT, &newsletter_rate},
        {"--pg-cache-window", "SCAN_PG_CACHE_WINDOW", OPT_UINT, &pg_cache_window},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse("serve", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &n_pos))
        return 2;
    if (cli_digest_schedule("serve", digest_weekday, digest_hour, &sch))
        return 2;
    if (newsletter_rate < 1 || newsletter_rate > 100000)
        return cli_usage_error("serve", "--newsletter-rate wants 1 to 100000 mails a second");
    if (pg_cache_window != 0 &&
        (pg_cache_window < VERSIONS_WINDOW_MIN_MS || pg_cache_window > VERSIONS_WINDOW_MAX_MS))
        return cli_usage_error("serve",
                               "--pg-cache-window wants 0 (off) or %d to %d milliseconds, not %u",
                               VERSIONS_WINDOW_MIN_MS, VERSIONS_WINDOW_MAX_MS, pg_cache_window);
    log_format lf;
    if (!log_parse_format(log_fmt_name, &lf))
        return cli_usage_error("serve", "--log-format wants text or json, not '%s'", log_fmt_name);
    netaddr_list allow;
    if (!netaddr_parse(cfg.metrics_allow, &allow))
        return cli_usage_error("serve",
                               "--metrics-allow wants addresses and networks such as "
                               "'127.0.0.1, ::1, 10.0.0.0/8', not '%s'",
                               cfg.metrics_allow);
    if (!netaddr_parse(cfg.trusted_proxies, &allow))
        return cli_usage_error("serve",
                               "--trusted-proxies wants addresses and networks such as "
                               "'127.0.0.1, 10.0.0.0/8', not '%s'",
                               cfg.trusted_proxies);
    if (!server_listen_valid(cfg.listen))
        return cli_usage_error("serve", "--listen wants HOST:PORT such as 127.0.0.1:8080, not '%s'",
                               cfg.listen);
    if (cfg.workers < 1 || cfg.workers > 256 || cfg.io_threads < 1 || cfg.io_threads > 64)
        return cli_usage_error("serve", "--threads wants 1 to 256 and --io-threads 1 to 64");
    if (cfg.hash_workers < 1 || cfg.hash_workers > 64 || cfg.worker_share > cfg.workers)
        return cli_usage_error("serve",
                               "--hash-threads wants 1 to 64 and --worker-share 0 (auto) "
                               "to --threads (%u)",
                               cfg.workers);
    if (cfg.timeout_s < 1 || cfg.max_header < 1024 || cfg.max_body < 1024 || cfg.conn_limit < 1 ||
        cfg.per_ip_limit < 1)
        return cli_usage_error("serve", "limits must be positive (timeout >= 1 s, sizes >= 1024)");
    /* Public address for links in mails: given, or made from --listen. */
    char base_url[300];
    bool given_url = cfg.public_url && *cfg.public_url;
    if (given_url) {
        size_t n = strlen(cfg.public_url);
        if ((strncmp(cfg.public_url, "http://", 7) != 0 &&
             strncmp(cfg.public_url, "https://", 8) != 0) ||
            n >= sizeof base_url || strpbrk(cfg.public_url, " \t\r\n\"<>"))
            return cli_usage_error("serve",
                                   "--base-url wants http://HOST[:PORT] or https://..., "
                                   "not '%s'",
                                   cfg.public_url);
        snprintf(base_url, sizeof base_url, "%s", cfg.public_url);
        while (n > 0 && base_url[n - 1] == '/')
            base_url[--n] = '\0'; /* pages append paths starting with '/' */
    } else {
        const char *colon = strrchr(cfg.listen, ':');
        bool any_host = colon == cfg.listen;
        snprintf(base_url, sizeof base_url, "http://%s%s", any_host ? "localhost" : "", cfg.listen);
    }
    cfg.public_url = base_url;
    if (mail.url && !*mail.url)
        mail.url = NULL;
    if (mail.url && strncmp(mail.url, "smtp://", 7) != 0 && strncmp(mail.url, "smtps://", 8) != 0)
        return cli_usage_error("serve", "--smtp-url wants smtp://HOST:PORT or smtps://HOST:PORT");
    if (!mail_from_valid(mail.from))
        return cli_usage_error("serve", "--smtp-from wants an address such as '%s'",
                               DEFAULT_SMTP_FROM);
    mail.user = getenv("SCAN_SMTP_USER"); /* secrets only from the environment */
    mail.password = getenv("SCAN_SMTP_PASSWORD");
    if (mail.user && !*mail.user)
        mail.user = NULL;

    log_setup(lf, 2);
    db *d = cli_open_db("serve", cfg.db_path, CLI_DB_CREATE);
    if (!d)
        return 1;
    char pw[32] = "";
    bool created = false;
    int rc = ensure_first_admin("serve", d, pw, &created);
    /* the address cron jobs link to, when this one is known (not port 0) */
    const char *port = strrchr(base_url, ':');
    bool known = given_url || !(port && strcmp(port, ":0") == 0);
    if (rc == 0 && known && notify_public_url_save(d, base_url) != DB_OK)
        log_warn("could not record the public address %s for cron jobs", base_url);
    db_close(d); /* migrated; the workers open their own connections */
    if (rc != 0)
        return rc;
    if (created)
        log_info("first admin: %s password: %s (shown once; change it after logging in)",
                 FIRST_ADMIN_EMAIL, pw);
    sodium_memzero(pw, sizeof pw);
    /* the background jobs, each stopped below whether or not it started */
    const char *failed = NULL;
    if (mail.url && mail_sender_start(cfg.db_path, &mail) != 0)
        failed = "the mail sender";
    notify_set_base_url_fn(server_public_url); /* links in notification mail: the real port */
    if (!failed && !digest_off && digest_job_start(cfg.db_path, sch) != 0)
        failed = "the digest job";
    if (!failed && newsletter_job_start(cfg.db_path, newsletter_rate) != 0)
        failed = "the newsletter job";
    /* the window concerns other app servers' writes: on SQLite the only
     * other writer is the CLI, which VERSIONS_TTL_MS covers already */
    bool on_pg = db_path_is_url(cfg.db_path);
    if (pg_cache_window && !on_pg)
        log_info("--pg-cache-window ignored: an SQLite database has no other app servers");
    else if (pg_cache_window)
        log_info("cached pages may be up to %u ms behind other servers' writes "
                 "(--pg-cache-window)",
                 pg_cache_window);
    if (!failed && on_pg && versions_poll_start(cfg.db_path, pg_cache_window) != 0)
        failed = "the versions poller";
    if (!failed)
        rc = server_run(&cfg);
    versions_poll_stop();
    newsletter_job_stop();
    digest_job_stop();
    mail_sender_stop();
    notify_set_base_url_fn(NULL);
    return failed ? cli_fail("serve", "cannot start %s (see the log above)", failed) : rc;
}
