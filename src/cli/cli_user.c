/* cli_user.c: `scan user add|passwd|list|disable|role`: accounts from the
 * command line, for the first admin, for recovery when nobody can log in,
 * and for scripts.
 *
 * Every command opens the database with cli_open_db() (never creating
 * one), calls the model (auth.c for accounts and passwords, person.c for
 * the account list and affiliations) as the system actor (id 0), and
 * prints one line. Passwords are either random (printed once) or read
 * from the first line of stdin with --password-stdin, never taken from
 * argv, where other users of the machine could read them. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "model/auth.h"
#include "model/person.h"

#define DEFAULT_DB    "var/scan.db"
#define RANDOM_PW_LEN 20

/* --- helpers ---------------------------------------------------------------- */

/* A plausible address: one '@' with text on both sides, no spaces or
 * control characters. The model normalises case. */
static bool email_plausible(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > 254)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* What to tell the user about a refused password (the web pages' English
 * catalog text for a weak one, so both say the same). */
static const char *pw_problem(pw_verdict v)
{
    static char weak[512];
    switch (v) {
    case PW_OK:
        return NULL;
    case PW_TOO_SHORT:
        return "the password is too short: use at least 12 characters";
    case PW_TOO_LONG:
        return "the password is too long: use at most 256 characters";
    case PW_COMMON:
        return "the password is one of the most common ones: choose another";
    case PW_LIKE_EMAIL:
        return "the password must not be the e-mail address or its local part";
    case PW_WEAK_REPEAT:
    case PW_WEAK_SEQUENCE:
    case PW_WEAK_KEYBOARD:
    case PW_WEAK_WORDS:
    case PW_WEAK_DATE:
    case PW_WEAK_PERSONAL:
    case PW_WEAK: {
        msg_id id = v == PW_WEAK_REPEAT     ? MSG_PW_ERR_WEAK_REPEAT
                    : v == PW_WEAK_SEQUENCE ? MSG_PW_ERR_WEAK_SEQUENCE
                    : v == PW_WEAK_KEYBOARD ? MSG_PW_ERR_WEAK_KEYBOARD
                    : v == PW_WEAK_WORDS    ? MSG_PW_ERR_WEAK_WORDS
                    : v == PW_WEAK_DATE     ? MSG_PW_ERR_WEAK_DATE
                    : v == PW_WEAK_PERSONAL ? MSG_PW_ERR_WEAK_PERSONAL
                                            : MSG_PW_ERR_WEAK;
        snprintf(weak, sizeof weak, "%s %s", T(LANG_EN, id), T(LANG_EN, MSG_PW_ERR_SUGGEST));
        return weak; /* one command per process: a static buffer is enough */
    }
    }
    return "the password is not acceptable";
}

/* A random password of letters and digits without look-alikes (0/O, 1/l/I)
 * that passes the policy (20 of 57 symbols: about 117 bits, far above
 * AUTH_PW_MIN_BITS; the loop only guards against a freak draw). */
static void random_password(char out[RANDOM_PW_LEN + 1], const char *email, const char *name)
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    do {
        for (int i = 0; i < RANDOM_PW_LEN; i++)
            out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
        out[RANDOM_PW_LEN] = '\0';
    } while (auth_password_check(out, email, name) != PW_OK);
}

/* Reads the first line of stdin (without its line end) into out. Returns 0,
 * or 1 after printing why. */
static int read_password(const char *cmd, char *out, size_t cap)
{
    if (!fgets(out, (int)cap, stdin)) {
        out[0] = '\0';
        return cli_fail(cmd, "--password-stdin: no password on standard input");
    }
    size_t n = strlen(out);
    bool line_end = n > 0 && out[n - 1] == '\n';
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    if (!line_end && !feof(stdin)) {
        sodium_memzero(out, cap);
        return cli_fail(cmd, "the password is too long: use at most %d characters",
                        AUTH_PASSWORD_MAX);
    }
    if (n == 0)
        return cli_fail(cmd, "--password-stdin: the first line of standard input is empty");
    return 0;
}

/* Gets the password for email (the person's name, may be NULL, counts as
 * a guessable word): from stdin or random. *shown true when it is random
 * and must be printed. Returns 0, or 1 after printing why. */
static int obtain_password(const char *cmd, bool from_stdin, const char *email, const char *name,
                           char *out, size_t cap, bool *shown)
{
    *shown = false;
    if (!from_stdin) {
        random_password(out, email, name);
        *shown = true;
        return 0;
    }
    if (read_password(cmd, out, cap) != 0)
        return 1;
    const char *problem = pw_problem(auth_password_check(out, email, name));
    if (problem) {
        sodium_memzero(out, cap);
        return cli_fail(cmd, "%s", problem);
    }
    return 0;
}

/* Finds the account for email; prints why and returns 1 when it cannot. */
static int find_account(const char *cmd, db *d, arena *a, const char *email, principal *p)
{
    bool found = false;
    db_status st = auth_account_by_email(d, a, email, p, &found);
    if (st != DB_OK)
        return cli_fail(cmd, "database error: %s (%s)", db_status_name(st), db_errmsg(d));
    if (!found)
        return cli_fail(cmd, "no account for %s (see: scan user list)", email);
    return 0;
}

static int db_failed(const char *cmd, db *d, db_status st)
{
    return cli_fail(cmd, "database error: %s (%s)", db_status_name(st), db_errmsg(d));
}

/* --- scan user add ------------------------------------------------------------ */

int cli_user_add(int argc, char **argv)
{
    const char *cmd = "user add";
    const char *path = DEFAULT_DB, *name = NULL;
    bool admin = false, editor = false, from_stdin = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--name", NULL, OPT_STR, &name},
        {"--admin", NULL, OPT_FLAG, &admin},
        {"--editor", NULL, OPT_FLAG, &editor},
        {"--password-stdin", NULL, OPT_FLAG, &from_stdin},
    };
    char *pos[1];
    int n_pos, rc = 1;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1, &n_pos))
        return 2;
    if (n_pos != 1)
        return cli_usage_error(cmd, "wants the new user's e-mail address");
    const char *email = pos[0];
    if (!email_plausible(email))
        return cli_usage_error(cmd, "'%s' is not an e-mail address", email);
    if (!name || !*name || strspn(name, " \t") == strlen(name))
        return cli_usage_error(cmd, "--name NAME is required");
    if (admin && editor)
        return cli_usage_error(cmd, "choose one of --admin and --editor");

    char pw[AUTH_PASSWORD_MAX * 4 + 4];
    bool shown = false;
    db *d = NULL;
    if (obtain_password(cmd, from_stdin, email, name, pw, sizeof pw, &shown) != 0)
        goto cleanup;
    d = cli_open_db(cmd, path, 0);
    if (!d)
        goto cleanup;
    int64_t account_id = 0;
    secretariat_role sec = SEC_NONE;
    if (admin)
        sec = SEC_ADMIN;
    else if (editor)
        sec = SEC_EDITOR;
    db_status st = auth_account_create(d, name, email, pw, sec, 0, &account_id);
    if (st == DB_CONSTRAINT) {
        arena a = ARENA_INIT;
        principal p;
        bool exists = false;
        auth_account_by_email(d, &a, email, &p, &exists);
        arena_free(&a);
        if (exists)
            cli_fail(cmd, "an account for %s exists already (see: scan user passwd)", email);
        else
            cli_fail(cmd, "the e-mail address or the name was not accepted");
        goto cleanup;
    }
    if (st != DB_OK) {
        db_failed(cmd, d, st);
        goto cleanup;
    }
    if (shown)
        printf("user %s created; password: %s (shown once; change it after logging in)\n", email,
               pw);
    else
        printf("user %s created\n", email);
    rc = 0;
cleanup:
    sodium_memzero(pw, sizeof pw);
    db_close(d);
    return rc;
}

/* --- scan user passwd --------------------------------------------------------- */

int cli_user_passwd(int argc, char **argv)
{
    const char *cmd = "user passwd";
    const char *path = DEFAULT_DB;
    bool from_stdin = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--password-stdin", NULL, OPT_FLAG, &from_stdin},
    };
    char *pos[1];
    int n_pos, rc = 1;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1, &n_pos))
        return 2;
    if (n_pos != 1)
        return cli_usage_error(cmd, "wants the user's e-mail address");
    const char *email = pos[0];

    char pw[AUTH_PASSWORD_MAX * 4 + 4];
    bool shown = false;
    arena a = ARENA_INIT;
    principal p;
    db *d = cli_open_db(cmd, path, 0);
    pw[0] = '\0';
    if (!d || find_account(cmd, d, &a, email, &p) != 0)
        goto cleanup;
    if (obtain_password(cmd, from_stdin, email, p.name, pw, sizeof pw, &shown) != 0)
        goto cleanup;
    db_status st = auth_password_set(d, p.account_id, pw, 0, 0);
    if (st != DB_OK) {
        db_failed(cmd, d, st);
        goto cleanup;
    }
    if (shown)
        printf("password of %s changed; new password: %s (shown once; its sessions ended and"
               " API tokens revoked)\n",
               email, pw);
    else
        printf("password of %s changed (its sessions ended and API tokens revoked)\n", email);
    rc = 0;
cleanup:
    sodium_memzero(pw, sizeof pw);
    arena_free(&a);
    db_close(d);
    return rc;
}

/* --- scan user list ----------------------------------------------------------- */

/* Width of s in code points (close enough to terminal columns for names). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

/* Prints s padded to width columns, then two spaces (unless last). */
static void put_cell(const char *s, int width, bool last)
{
    if (last) {
        printf("%s\n", s);
        return;
    }
    printf("%s%*s  ", s, width - text_width(s), "");
}

enum { COL_ID, COL_EMAIL, COL_NAME, COL_SEC, COL_DISABLED, COL_LOGIN, N_COLS };

int cli_user_list(int argc, char **argv)
{
    const char *cmd = "user list";
    const char *path = DEFAULT_DB;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
    };
    char *pos[1];
    int n_pos, rc = 1;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &n_pos))
        return 2;
    arena a = ARENA_INIT;
    person_account *rows = NULL;
    size_t n = 0;
    const char *(*cells)[N_COLS] = NULL;
    db *d = cli_open_db(cmd, path, 0);
    if (!d)
        goto cleanup;
    db_status st = person_account_list(d, &a, &rows, &n);
    if (st != DB_OK) {
        db_failed(cmd, d, st);
        goto cleanup;
    }
    static const char *const head[N_COLS] = {"id",          "email",    "name",
                                             "secretariat", "disabled", "last login (Belgrade)"};
    int width[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        width[c] = text_width(head[c]);
    cells = arena_zalloc(&a, sizeof *cells * (n ? n : 1));
    if (!cells) {
        cli_fail(cmd, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const person_account *r = &rows[i];
        char when[32] = "never";
        if (r->last_login_at) {
            time_t t = (time_t)r->last_login_at;
            struct tm tm;
            localtime_r(&t, &tm); /* main() set the zone to Europe/Belgrade */
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        }
        cells[i][COL_ID] = arena_printf(&a, "%lld", (long long)r->person_id);
        cells[i][COL_EMAIL] = r->email ? r->email : "(erased)";
        cells[i][COL_NAME] = r->name;
        cells[i][COL_SEC] = r->secretariat == SEC_ADMIN    ? "admin"
                            : r->secretariat == SEC_EDITOR ? "editor"
                                                           : "-";
        cells[i][COL_DISABLED] = r->disabled_at ? "yes" : "no";
        cells[i][COL_LOGIN] = arena_strdup(&a, when);
        for (int c = 0; c < N_COLS; c++) {
            if (!cells[i][c]) {
                cli_fail(cmd, "out of memory");
                goto cleanup;
            }
            int w = text_width(cells[i][c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    for (int c = 0; c < N_COLS; c++)
        put_cell(head[c], width[c], c == N_COLS - 1);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < N_COLS; c++)
            put_cell(cells[i][c], width[c], c == N_COLS - 1);
    rc = 0;
cleanup:
    arena_free(&a);
    db_close(d);
    return rc;
}

/* --- scan user disable -------------------------------------------------------- */

int cli_user_disable(int argc, char **argv)
{
    const char *cmd = "user disable";
    const char *path = DEFAULT_DB;
    bool enable = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--enable", NULL, OPT_FLAG, &enable},
    };
    char *pos[1];
    int n_pos, rc = 1;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1, &n_pos))
        return 2;
    if (n_pos != 1)
        return cli_usage_error(cmd, "wants the user's e-mail address");
    arena a = ARENA_INIT;
    principal p;
    db *d = cli_open_db(cmd, path, 0);
    if (!d || find_account(cmd, d, &a, pos[0], &p) != 0)
        goto cleanup;
    db_status st = auth_account_disable(d, p.account_id, !enable, 0);
    if (st != DB_OK) {
        db_failed(cmd, d, st);
        goto cleanup;
    }
    printf("account %s %s\n", pos[0],
           enable ? "enabled" : "disabled (its sessions ended and API tokens revoked)");
    rc = 0;
cleanup:
    arena_free(&a);
    db_close(d);
    return rc;
}

/* --- scan user role ----------------------------------------------------------- */

int cli_user_role(int argc, char **argv)
{
    const char *cmd = "user role";
    const char *path = DEFAULT_DB, *org = NULL;
    bool end = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--org", NULL, OPT_STR, &org},
        {"--end", NULL, OPT_FLAG, &end},
    };
    char *pos[2];
    int n_pos, rc = 1;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], pos, 2, &n_pos))
        return 2;
    if (n_pos != 2)
        return cli_usage_error(cmd, "wants EMAIL and a role (admin, editor, none, manager or "
                                    "representative)");
    const char *email = pos[0], *role = pos[1];
    bool secretariat =
        strcmp(role, "admin") == 0 || strcmp(role, "editor") == 0 || strcmp(role, "none") == 0;
    bool affiliation = strcmp(role, "manager") == 0 || strcmp(role, "representative") == 0;
    if (!secretariat && !affiliation)
        return cli_usage_error(cmd,
                               "unknown role '%s': use admin, editor, none, manager or "
                               "representative",
                               role);
    if (secretariat && (org || end))
        return cli_usage_error(cmd, "--org and --end go with manager or representative only");
    if (affiliation && (!org || !*org))
        return cli_usage_error(cmd, "%s needs --org SLUG", role);

    arena a = ARENA_INIT;
    principal p;
    db_status st;
    db *d = cli_open_db(cmd, path, 0);
    if (!d || find_account(cmd, d, &a, email, &p) != 0)
        goto cleanup;
    if (secretariat) {
        secretariat_role sec = role[0] == 'a' ? SEC_ADMIN : role[0] == 'e' ? SEC_EDITOR : SEC_NONE;
        st = auth_secretariat_set(d, p.account_id, sec, 0);
        if (st != DB_OK) {
            db_failed(cmd, d, st);
            goto cleanup;
        }
        if (sec == SEC_NONE)
            printf("%s has no secretariat role now\n", email);
        else
            printf("%s is %s now\n", email, role);
        rc = 0;
        goto cleanup;
    }
    person_aff_result res;
    st = person_affiliation_set(d, p.person_id, org, role, !end, 0, NULL, &res);
    if (st != DB_OK) {
        db_failed(cmd, d, st);
        goto cleanup;
    }
    switch (res) {
    case AFF_NO_ORG:
        cli_fail(cmd, "no organisation with slug '%s'", org);
        goto cleanup;
    case AFF_NO_MANAGERS:
        cli_fail(cmd,
                 "'%s' is no cluster or cluster initiative: a manager there would have no "
                 "rights; make %s its representative instead",
                 org, email);
        goto cleanup;
    case AFF_UNCHANGED:
        if (end) {
            cli_fail(cmd, "%s is not a current %s of %s; nothing to end", email, role, org);
            goto cleanup;
        }
        printf("%s is %s of %s already\n", email, role, org);
        break;
    case AFF_DONE:
        if (end)
            printf("%s is no longer %s of %s\n", email, role, org);
        else
            printf("%s is %s of %s now\n", email, role, org);
        break;
    }
    rc = 0;
cleanup:
    arena_free(&a);
    db_close(d);
    return rc;
}
