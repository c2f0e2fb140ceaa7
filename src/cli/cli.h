/* cli.h: the `scan` command table (Fossil shares one table shape for pages
 * and commands; so do we: name, handler, usage, summary).
 *
 * Each command gets argc/argv after its own name and returns the process
 * exit status: 0 success, 1 runtime error, 2 usage error. Every failure
 * prints one line on stderr that says what to fix. */
#ifndef SCAN_CLI_H
#define SCAN_CLI_H

typedef int (*cli_fn)(int argc, char **argv);

typedef struct cli_command {
    const char *name; /* "serve", "db check" (two words for groups) */
    cli_fn fn;
    const char *usage;   /* argument synopsis */
    const char *summary; /* one line */
    const char *help;    /* longer text for `scan help NAME`, or NULL */
} cli_command;

extern const cli_command cli_commands[];
extern const unsigned cli_n_commands;

/* Runs the command line; the whole of main(). */
int cli_main(int argc, char **argv);

/* Reports a usage error ("scan serve: unknown option --x; see scan help
 * serve") and returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a runtime error and returns 1. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Commands (cli_serve.c, cli_db.c, cli_user.c). */
int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_db_check(int argc, char **argv);
int cli_db_backup(int argc, char **argv);
int cli_db_copy(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_help(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_user_add(int argc, char **argv);
int cli_user_passwd(int argc, char **argv);
int cli_user_list(int argc, char **argv);
int cli_user_disable(int argc, char **argv);
int cli_user_role(int argc, char **argv);
/* cli_org.c */
int cli_org_import(int argc, char **argv);
int cli_org_export(int argc, char **argv);
/* cli_figures.c */
int cli_figures_rate(int argc, char **argv);
int cli_figures_rates(int argc, char **argv);
int cli_figures_coverage(int argc, char **argv);
/* cli_ref.c */
int cli_ref_import(int argc, char **argv);
/* cli_digest.c */
int cli_digest_run(int argc, char **argv);
int cli_event_remind(int argc, char **argv);
/* cli_call.c: scan calls remind */
int cli_call_remind(int argc, char **argv);
struct digest_schedule;
/* Checks --digest-weekday (1..7) and --digest-hour (0..23) into *sch;
 * 0, or 2 after a usage error. */
int cli_digest_schedule(const char *cmd, unsigned weekday, unsigned hour,
                        struct digest_schedule *sch);
/* cli_post.c */
int cli_post_generate(int argc, char **argv);

/* Opens the database named by --db / SCAN_DB / the default, migrated to the
 * newest schema; prints the reason and returns NULL on failure. Shared by
 * the commands that need a database. flags: 0, or CLI_DB_CREATE (make the
 * file and its folder) and/or CLI_DB_BULK (db_options.bulk: one big write
 * transaction follows). */
enum { CLI_DB_CREATE = 1, CLI_DB_BULK = 2 };
struct db;
struct arena;
struct db *cli_open_db(const char *cmd, const char *path, int create);

/* The public address for links in mails of a job run from the command
 * line: flag (--base-url or SCAN_BASE_URL) when given, else the one a
 * server recorded in d, else http://localhost:8080 with a warning on
 * stderr. NULL after a usage error message (flag not http(s)). */
const char *cli_base_url(const char *cmd, struct db *d, struct arena *a, const char *flag);

/* Option tables: each command lists its options; cli_parse() fills them
 * from argv ("--name value" or "--name=value") after their environment
 * variable, so options override the environment. */
#include <stdbool.h>
#include <stddef.h>

typedef enum { OPT_STR, OPT_UINT, OPT_SIZE, OPT_FLAG } cli_opt_type;

typedef struct cli_opt {
    const char *name; /* "--db" */
    const char *env;  /* "SCAN_DB" or NULL */
    cli_opt_type type;
    void *out; /* const char **, unsigned *, size_t *, bool * */
} cli_opt;

/* Parses options; non-option arguments go to pos[] (at most max_pos, their
 * count in *n_pos). Returns 0, or 2 after printing a usage error. */
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, size_t n_opts,
              char **pos, int max_pos, int *n_pos);

#endif
