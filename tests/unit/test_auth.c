/* test_auth.c: the accounts model (src/model/auth.c, audit.c) against a
 * real, migrated SQLite database: tokens, password policy and hashing,
 * login and throttling, sessions, API tokens, accounts, invitations and
 * resets, and the append-only audit log.
 *
 * argon2id costs about 0.1 s a hash, so tests hash only where the point is
 * hashing; failures for throttling are inserted directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "model/audit.h"
#include "i18n/i18n.h"
#include "model/auth.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
} fixture;

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    time_setup_zone();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    auth_shutdown();
    return 0;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open(&f->t) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    testdb_close(&f->t);
    arena_free(&f->a);
    free(f);
    return 0;
}

/* --- helpers --------------------------------------------------------------- */

static int64_t scalar(fixture *f, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(f->t.d, sql, &v), DB_OK);
    return v;
}

static int64_t audit_count(fixture *f, const char *action)
{
    audit_filter flt = {.action = action, .limit = 500};
    audit_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(audit_list(f->t.d, &f->a, &flt, &rows, &n), DB_OK);
    return (int64_t)n;
}

/* The newest audit row of an action (must exist). */
static audit_row last_audit(fixture *f, const char *action)
{
    audit_filter flt = {.action = action, .limit = 1};
    audit_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(audit_list(f->t.d, &f->a, &flt, &rows, &n), DB_OK);
    assert_int_equal(n, 1);
    return rows[0];
}

static int64_t person_of(fixture *f, int64_t account_id)
{
    db_stmt *s = db_prepare(f->t.d, "SELECT person_id FROM account WHERE id = $1");
    assert_non_null(s);
    db_bind_int(s, 1, account_id);
    assert_int_equal(db_step(s), DB_ROW);
    int64_t v = db_col_int(s, 0);
    db_reset(s);
    return v;
}

static int64_t account_create(fixture *f, const char *email, const char *pw, secretariat_role sec)
{
    int64_t id = 0;
    assert_int_equal(auth_account_create(f->t.d, "Ana Anić", email, pw, sec, 0, &id), DB_OK);
    assert_true(id > 0);
    return id;
}

static void fail_insert(fixture *f, const char *email, const char *ip, int64_t at)
{
    db_stmt *s = db_prepare(f->t.d, "INSERT INTO login_failure(email, ip, at) VALUES ($1, $2, $3)");
    assert_non_null(s);
    db_bind_text(s, 1, email);
    db_bind_text(s, 2, ip);
    db_bind_int(s, 3, at);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
}

/* n failures for email from n different addresses prefix.0 ... at time
 * at, in one statement (one commit: a row each would cost a sync each). */
static void fail_insert_spread(fixture *f, const char *email, const char *prefix, int n, int64_t at)
{
    db_stmt *s = db_prepare(f->t.d, "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k"
                                    " WHERE i + 1 < $3)"
                                    " INSERT INTO login_failure(email, ip, at)"
                                    " SELECT $1, $2 || '.' || i, $4 FROM k");
    assert_non_null(s);
    db_bind_text(s, 1, email);
    db_bind_text(s, 2, prefix);
    db_bind_int(s, 3, n);
    db_bind_int(s, 4, at);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
}

static int64_t wait_for(fixture *f, const char *email, const char *ip, int64_t now)
{
    int64_t w = -1;
    assert_int_equal(auth_throttle_wait(f->t.d, email, ip, false, now, &w), DB_OK);
    return w;
}

static login_result login(fixture *f, const char *email, const char *pw,
                          char tok[AUTH_TOKEN_LEN + 1])
{
    login_result res = LOGIN_BAD;
    int64_t w = -1;
    char dev[AUTH_TOKEN_LEN + 1];
    assert_int_equal(
        auth_login(f->t.d, &f->a, email, pw, "192.0.2.1", "test/1.0", NULL, &res, tok, dev, &w),
        DB_OK);
    return res;
}

/* A login from ip with the device cookie device (or NULL); the device
 * cookie to send back goes to dev. */
static login_result login_at(fixture *f, const char *email, const char *pw, const char *ip,
                             const char *device, char dev[AUTH_TOKEN_LEN + 1])
{
    login_result res = LOGIN_BAD;
    int64_t w = -1;
    char tok[AUTH_TOKEN_LEN + 1];
    assert_int_equal(
        auth_login(f->t.d, &f->a, email, pw, ip, "test/1.0", device, &res, tok, dev, &w), DB_OK);
    assert_true(res == LOGIN_THROTTLED ? w > 0 : w == 0);
    return res;
}

static bool session_ok(fixture *f, const char *tok, int64_t now, principal *p)
{
    bool found = false;
    assert_int_equal(auth_session_lookup(f->t.d, &f->a, tok, now, p, &found), DB_OK);
    return found;
}

static int64_t org_insert(fixture *f, const char *slug, const char *kind)
{
    db_stmt *s = db_prepare(f->t.d, "INSERT INTO org(slug, name, kind, created_at, updated_at)"
                                    " VALUES ($1, $1, $2, 0, 0)");
    assert_non_null(s);
    db_bind_text(s, 1, slug);
    db_bind_text(s, 2, kind);
    assert_int_equal(db_step(s), DB_DONE);
    db_reset(s);
    return db_last_id(f->t.d);
}

/* The newest outbox body (arena copy) or NULL, and its recipient. */
static const char *outbox_last(fixture *f, const char **to)
{
    db_stmt *s = db_prepare(f->t.d, "SELECT body, to_addr FROM outbox ORDER BY id DESC LIMIT 1");
    assert_non_null(s);
    const char *body = NULL;
    if (db_step(s) == DB_ROW) {
        body = arena_strdup(&f->a, db_col_text(s, 0));
        if (to)
            *to = arena_strdup(&f->a, db_col_text(s, 1));
    }
    db_reset(s);
    return body;
}

/* The token after marker in body, copied to out. */
static void token_after(const char *body, const char *marker, char out[AUTH_TOKEN_LEN + 1])
{
    const char *p = strstr(body, marker);
    assert_non_null(p);
    p += strlen(marker);
    assert_true(strlen(p) >= AUTH_TOKEN_LEN);
    memcpy(out, p, AUTH_TOKEN_LEN);
    out[AUTH_TOKEN_LEN] = '\0';
}

/* --- secrets ------------------------------------------------------------- */

static void test_tokens_format_unique_hash(void **state)
{
    (void)state;
    enum { N = 200 };
    static char toks[N][AUTH_TOKEN_LEN + 1];
    for (int i = 0; i < N; i++) {
        auth_token_new(toks[i]);
        assert_int_equal(strlen(toks[i]), AUTH_TOKEN_LEN);
        assert_int_equal(strspn(toks[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_"),
                         AUTH_TOKEN_LEN);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(toks[i], toks[j]);
    }
    unsigned char h1[32], h2[32], h3[32];
    auth_token_hash(toks[0], h1);
    auth_token_hash(toks[0], h2);
    auth_token_hash(toks[1], h3);
    assert_memory_equal(h1, h2, 32);
    assert_memory_not_equal(h1, h3, 32);
    /* BLAKE2b-256 of "abc", a known answer */
    unsigned char k[32];
    char hex[65];
    auth_token_hash("abc", k);
    sodium_bin2hex(hex, sizeof hex, k, sizeof k);
    assert_string_equal(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

/* --- passwords ----------------------------------------------------------- */

static void test_password_policy(void **state)
{
    (void)state;
    assert_int_equal(auth_password_check(NULL, NULL, NULL), PW_TOO_SHORT);
    assert_int_equal(auth_password_check("", NULL, NULL), PW_TOO_SHORT);
    assert_int_equal(auth_password_check("short", NULL, NULL), PW_TOO_SHORT);
    /* code points, not bytes: 11 Cyrillic letters are 22 bytes but too few */
    assert_int_equal(auth_password_check("абвгдђежзиј", NULL, NULL), PW_TOO_SHORT);
    assert_int_equal(auth_password_check("абвгдђежзијк", NULL, NULL), PW_OK);
    assert_int_equal(auth_password_check("kx7Rv2qLm9w", NULL, NULL), PW_TOO_SHORT);
    assert_int_equal(auth_password_check("kx7Rv2qLm9wT", NULL, NULL), PW_OK);
    char longpw[AUTH_PASSWORD_MAX + 2];
    memset(longpw, 'x', sizeof longpw - 1);
    longpw[AUTH_PASSWORD_MAX + 1] = '\0';
    assert_int_equal(auth_password_check(longpw, NULL, NULL), PW_TOO_LONG);
    longpw[AUTH_PASSWORD_MAX] = '\0';
    longpw[7] = 'y';
    assert_int_not_equal(auth_password_check(longpw, NULL, NULL), PW_TOO_LONG);
    for (int i = 0; i < AUTH_PASSWORD_MAX; i++)
        longpw[i] = (char)('a' + (i * 7 + i / 26) % 26);
    assert_int_equal(auth_password_check(longpw, NULL, NULL), PW_OK);
    /* 256 code points of two bytes each still fit */
    char cyr[2 * AUTH_PASSWORD_MAX + 3];
    for (int i = 0; i < AUTH_PASSWORD_MAX; i++)
        memcpy(cyr + 2 * i, i % 2 ? "ж" : "ш", 2);
    cyr[2 * AUTH_PASSWORD_MAX] = '\0';
    assert_int_not_equal(auth_password_check(cyr, NULL, NULL), PW_TOO_LONG);
    memcpy(cyr + 2 * AUTH_PASSWORD_MAX, "ж", 3);
    assert_int_equal(auth_password_check(cyr, NULL, NULL), PW_TOO_LONG);

    /* entries of the list that pass the length rule, in any case */
    assert_int_equal(auth_password_check("password1234", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("PassWord1234", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("qwerty123456", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("1qaz2wsx3edc", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("temppassword", NULL, NULL),
                     PW_COMMON); /* "TempPassWord" */
    assert_int_equal(auth_password_check("MEGAPAROL12345", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("qwertyuiop[]", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("password12345", NULL, NULL), PW_COMMON);
    /* a long entry, found although the file has CRLF line ends */
    assert_int_equal(auth_password_check("123456789987654321", NULL, NULL), PW_COMMON);
    assert_int_equal(auth_password_check("password123456x", NULL, NULL), PW_WEAK_WORDS);

    /* like the e-mail address or its local part, ignoring case */
    const char *em = "  Marko.Markovic@Example.COM ";
    assert_int_equal(auth_password_check("marko.markovic", em, NULL), PW_LIKE_EMAIL);
    assert_int_equal(auth_password_check("MARKO.MARKOVIC", em, NULL), PW_LIKE_EMAIL);
    assert_int_equal(auth_password_check("marko.markovic@example.com", em, NULL), PW_LIKE_EMAIL);
    assert_int_equal(auth_password_check("marko.markovic!", em, NULL), PW_WEAK_PERSONAL);
    assert_int_equal(auth_password_check("marko.markovic", "other@example.com", NULL), PW_OK);
    /* the order of the rules: too short wins over like-email */
    assert_int_equal(auth_password_check("ana", "ana@example.com", NULL), PW_TOO_SHORT);
}

/* Strength (zxcvbn): long enough and not on the list, yet easy to guess;
 * the verdict names the pattern, so the message can say why. */
static void test_password_strength(void **state)
{
    (void)state;
    /* the four the review found accepted */
    assert_int_equal(auth_password_check("aaaaaaaaaaaa", NULL, NULL), PW_WEAK_REPEAT);
    assert_int_equal(auth_password_check("123456789012", NULL, NULL), PW_WEAK_SEQUENCE);
    assert_int_equal(auth_password_check("qwertyuiopas", NULL, NULL), PW_WEAK_WORDS);
    assert_int_equal(auth_password_check("            ", NULL, NULL), PW_WEAK_REPEAT);
    /* other patterns */
    assert_int_equal(auth_password_check("abcdefghijkm", NULL, NULL), PW_WEAK_SEQUENCE);
    assert_int_equal(auth_password_check("19901231199012", NULL, NULL), PW_WEAK_DATE);
    assert_int_equal(auth_password_check("zxcvbnm,./asdfg", NULL, NULL), PW_WEAK_KEYBOARD);
    assert_int_equal(auth_password_check("P@ssw0rd!Summer", NULL, NULL), PW_WEAK_WORDS);
    /* the person's own words: name, e-mail and its pieces */
    assert_int_equal(auth_password_check("jelenapetrovic7", "jp@example.com", "Jelena Petrovic"),
                     PW_WEAK_PERSONAL);
    assert_int_equal(auth_password_check("jelenapetrovic7", "jp@example.com", NULL), PW_OK);
    /* the name in the other script, with or without diacritics (found by
     * the new-user review), and the site's own name */
    assert_int_not_equal(
        auth_password_check("Milica Jovanović", "mj@example.com", "Милица Јовановић"), PW_OK);
    assert_int_not_equal(
        auth_password_check("milicajovanovic", "mj@example.com", "Милица Јовановић"), PW_OK);
    assert_int_not_equal(auth_password_check("Serbian Cluster Association", NULL, NULL), PW_OK);
    assert_int_equal(
        auth_password_check("correct horse battery staple 9", NULL, "Милица Јовановић"), PW_OK);
    assert_int_equal(auth_password_check("petrovicjelena!", "jelena.petrovic@example.com", NULL),
                     PW_WEAK_PERSONAL);
    /* strong ones pass, passphrases included */
    assert_int_equal(auth_password_check("correct horse battery", NULL, NULL), PW_OK);
    assert_int_equal(auth_password_check("Zpq7-kx2v-9TfW", NULL, NULL), PW_OK);
    assert_int_equal(auth_password_check("tiha reka nosi kamen", "ana@example.com", "Ana Anić"),
                     PW_OK);
    assert_int_equal(auth_password_check("ћирилица лозинка", NULL, NULL), PW_OK);
}

typedef struct verify_job {
    const char *hash;
    bool ok;
} verify_job;

static void *verify_thread(void *arg)
{
    verify_job *j = arg;
    j->ok = auth_password_verify("correct horse battery", j->hash);
    return NULL;
}

static void test_hash_verify_and_cap(void **state)
{
    (void)state;
    char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
    assert_int_equal(auth_password_hash("correct horse battery", h1), 0);
    assert_int_equal(auth_password_hash("correct horse battery", h2), 0);
    assert_true(strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
    assert_string_not_equal(h1, h2); /* salted */
    assert_true(auth_password_verify("correct horse battery", h1));
    assert_true(auth_password_verify("correct horse battery", h2));
    assert_false(auth_password_verify("correct horse batterx", h1));
    assert_false(auth_password_verify("correct horse battery", NULL));
    assert_false(auth_password_verify("correct horse battery", "not a hash"));

    enum { T = 6 };
    pthread_t th[T];
    verify_job jobs[T];
    for (int i = 0; i < T; i++) {
        jobs[i] = (verify_job){.hash = h1, .ok = false};
        assert_int_equal(pthread_create(&th[i], NULL, verify_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        assert_true(jobs[i].ok);
    }
    assert_true(auth_hashing_peak() >= 1);
    assert_true(auth_hashing_peak() <= AUTH_MAX_HASHING);
}

/* --- login --------------------------------------------------------------- */

static void test_login_success_and_session(void **state)
{
    fixture *f = *state;
    int64_t acc = account_create(f, "Ana@Example.com", "lozinka za test 1", SEC_EDITOR);
    int64_t pid = person_of(f, acc);
    assert_int_equal(scalar(f, "SELECT count(*) FROM person WHERE email = 'ana@example.com'"), 1);
    char tok[AUTH_TOKEN_LEN + 1];
    int64_t t0 = time_now();
    assert_int_equal(login(f, "  ANA@example.COM ", "lozinka za test 1", tok), LOGIN_OK);
    assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
    principal p;
    assert_true(session_ok(f, tok, t0 + 1, &p));
    assert_int_equal(p.account_id, acc);
    assert_int_equal(p.person_id, pid);
    assert_string_equal(p.email, "ana@example.com");
    assert_string_equal(p.name, "Ana Anić");
    assert_int_equal(p.secretariat, SEC_EDITOR);
    assert_true(p.session_id > 0);
    assert_int_equal(p.token_id, 0);
    assert_int_equal(strlen(p.csrf), AUTH_TOKEN_LEN);
    assert_string_not_equal(p.csrf, tok);
    /* stored hashed only, with a week's lifetime, address and agent */
    assert_int_equal(scalar(f, "SELECT count(*) FROM session WHERE length(token_hash) = 32"
                               " AND expires_at - created_at = 7 * 86400 AND ip = '192.0.2.1'"
                               " AND user_agent = 'test/1.0'"),
                     1);
    assert_true(scalar(f, "SELECT last_login_at FROM account") >= t0);
    /* the attempt was uncounted again */
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"), 0);
    audit_row r = last_audit(f, "login");
    assert_int_equal(r.actor_id, pid);
    assert_string_equal(r.entity, "account");
    assert_int_equal(r.entity_id, acc);
    assert_string_equal(r.ip, "192.0.2.1");
    assert_string_equal(r.actor_name, "Ana Anić");
    /* a garbage or unknown cookie finds nothing */
    char other[AUTH_TOKEN_LEN + 1];
    auth_token_new(other);
    assert_false(session_ok(f, other, t0 + 1, &p));
    assert_false(session_ok(f, "short", t0 + 1, &p));
}

static void test_login_failures_are_generic(void **state)
{
    fixture *f = *state;
    int64_t acc = account_create(f, "ana@example.com", "lozinka za test 1", SEC_NONE);
    int64_t invited = account_create(f, "nopw@example.com", NULL, SEC_NONE);
    char tok[AUTH_TOKEN_LEN + 1] = "x";
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 2", tok), LOGIN_BAD);
    assert_string_equal(tok, "");
    assert_int_equal(login(f, "nobody@example.com", "lozinka za test 1", tok), LOGIN_BAD);
    assert_int_equal(login(f, "nopw@example.com", "", tok), LOGIN_BAD);
    assert_int_equal(scalar(f, "SELECT count(*) FROM session"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"), 3);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"
                               " WHERE email = 'nobody@example.com' AND ip = '192.0.2.1'"),
                     1);
    /* audited without an actor; with the account when there is one */
    assert_int_equal(audit_count(f, "login_failed"), 3);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'login_failed'"
                               " AND actor_id IS NULL AND entity IS NULL"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'login_failed'"
                               " AND entity = 'account' AND entity_id IN (1, 2)"),
                     2);
    (void)invited;
    /* disabled: told apart only with the right password, never logged in */
    assert_int_equal(auth_account_disable(f->t.d, acc, true, 0), DB_OK);
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", tok), LOGIN_DISABLED);
    assert_string_equal(tok, "");
    assert_int_equal(scalar(f, "SELECT count(*) FROM session"), 0);
    assert_int_equal(audit_count(f, "account_disable"), 1);
    assert_int_equal(audit_count(f, "login_failed"), 4);
    assert_int_equal(auth_account_disable(f->t.d, acc, false, 0), DB_OK);
    assert_int_equal(audit_count(f, "account_enable"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM account WHERE disabled_at IS NOT NULL"), 0);
}

/* The current-password check: right or wrong, no session and no login
 * audit row; a wrong one counts towards throttling, a right one does not. */
static void test_check_password(void **state)
{
    fixture *f = *state;
    account_create(f, "ana@example.com", "lozinka za test 1", SEC_NONE);
    bool ok = true;
    int64_t wait = -1;
    assert_int_equal(auth_check_password(f->t.d, "Ana@Example.com", "wrong password 1", "192.0.2.1",
                                         false, &ok, &wait),
                     DB_OK);
    assert_false(ok);
    assert_int_equal(wait, 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"), 1);
    assert_int_equal(auth_check_password(f->t.d, "ana@example.com", "lozinka za test 1",
                                         "192.0.2.1", false, &ok, &wait),
                     DB_OK);
    assert_true(ok);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM session"), 0);
    assert_int_equal(audit_count(f, "login"), 0);
    /* throttled like a login after repeated failures from this address */
    for (int i = 0; i < 8; i++)
        fail_insert(f, "ana@example.com", "192.0.2.1", time_now());
    assert_int_equal(auth_check_password(f->t.d, "ana@example.com", "lozinka za test 1",
                                         "192.0.2.1", false, &ok, &wait),
                     DB_OK);
    assert_false(ok);
    assert_true(wait > 0);
    /* failures elsewhere do not hold this address up, until the account's
     * hourly cap: then only a trusted caller (holding the account's
     * session) gets through */
    assert_int_equal(auth_check_password(f->t.d, "ana@example.com", "lozinka za test 1",
                                         "192.0.2.2", false, &ok, &wait),
                     DB_OK);
    assert_true(ok);
    fail_insert_spread(f, "ana@example.com", "10.1.0", AUTH_FAIL_CAP, time_now());
    assert_int_equal(auth_check_password(f->t.d, "ana@example.com", "lozinka za test 1",
                                         "192.0.2.2", false, &ok, &wait),
                     DB_OK);
    assert_false(ok);
    assert_true(wait > 0);
    assert_int_equal(auth_check_password(f->t.d, "ana@example.com", "lozinka za test 1",
                                         "192.0.2.2", true, &ok, &wait),
                     DB_OK);
    assert_true(ok);
    assert_int_equal(wait, 0);
}

/* Failures count per (account, address): an attacker at one address is
 * slowed down more and more, the owner at another is not. */
static void test_throttle_growth_and_cap(void **state)
{
    fixture *f = *state;
    int64_t now = time_now();
    const char *em = "victim@example.com", *bad = "10.0.0.9", *owner = "192.0.2.1";
    assert_int_equal(wait_for(f, em, bad, now), 0);
    for (int i = 0; i < AUTH_FAIL_FREE; i++)
        fail_insert(f, em, bad, now - 60);
    fail_insert(f, em, bad, now - 7200); /* older than an hour: not counted */
    assert_int_equal(wait_for(f, em, bad, now), 0);
    fail_insert(f, em, bad, now); /* 4th: 2 s */
    assert_int_equal(wait_for(f, em, bad, now), 2);
    assert_int_equal(wait_for(f, "VICTIM@example.com ", bad, now), 2); /* normalised */
    assert_int_equal(wait_for(f, em, bad, now + 1), 1);                /* from the last */
    assert_int_equal(wait_for(f, em, bad, now + 2), 0);
    fail_insert(f, em, bad, now); /* 5th: 4 s, 6th: 8 s */
    assert_int_equal(wait_for(f, em, bad, now), 4);
    fail_insert(f, em, bad, now);
    assert_int_equal(wait_for(f, em, bad, now), 8);
    for (int i = 0; i < 10; i++)
        fail_insert(f, em, bad, now);
    assert_int_equal(wait_for(f, em, bad, now), AUTH_FAIL_DELAY_MAX);
    /* the same account from another address, another account from there */
    assert_int_equal(wait_for(f, em, owner, now), 0);
    assert_int_equal(wait_for(f, em, NULL, now), 0);
    assert_int_equal(wait_for(f, "someone@example.com", bad, now), 0);

    /* while throttled, a login is refused before any password check and
     * is not counted */
    int64_t before = scalar(f, "SELECT count(*) FROM login_failure");
    login_result res = LOGIN_OK;
    int64_t w = 0;
    char tok[AUTH_TOKEN_LEN + 1], dev[AUTH_TOKEN_LEN + 1];
    assert_int_equal(
        auth_login(f->t.d, &f->a, em, "whatever it is", bad, NULL, NULL, &res, tok, dev, &w),
        DB_OK);
    assert_int_equal(res, LOGIN_THROTTLED);
    assert_true(w > 0 && w <= AUTH_FAIL_DELAY_MAX);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"), before);
    /* the owner, at another address, logs in meanwhile */
    account_create(f, em, "lozinka za test 1", SEC_NONE);
    assert_int_equal(login(f, em, "lozinka za test 1", tok), LOGIN_OK);

    /* per address: lenient, then the same growth */
    for (int i = 0; i < AUTH_FAIL_FREE_IP; i++) {
        char e[64];
        snprintf(e, sizeof e, "u%d@example.com", i);
        fail_insert(f, e, "203.0.113.5", now);
    }
    assert_int_equal(wait_for(f, "fresh@example.com", "203.0.113.5", now), 0);
    fail_insert(f, "u99@example.com", "203.0.113.5", now);
    assert_int_equal(wait_for(f, "fresh@example.com", "203.0.113.5", now), 2);
    assert_int_equal(wait_for(f, "fresh@example.com", "203.0.113.6", now), 0);
}

static void test_throttle_hour_cap_and_prune(void **state)
{
    fixture *f = *state;
    int64_t now = time_now();
    const char *em = "capped@example.com";
    /* AUTH_FAIL_CAP - 1 failures spread over the hour: the growing delay
     * has run out long ago, and the cap is not reached */
    for (int i = 0; i < AUTH_FAIL_CAP - 1; i++)
        fail_insert(f, em, "198.51.100.1", now - 3000 + i * 10);
    assert_int_equal(wait_for(f, em, NULL, now), 0);
    /* the 100th: wait until the oldest is an hour old */
    fail_insert(f, em, "198.51.100.1", now - 1000);
    assert_int_equal(wait_for(f, em, NULL, now), 600);
    assert_int_equal(wait_for(f, em, NULL, now + 599), 1);
    /* at now + 600 the oldest leaves the hour: 99 remain, no cap */
    assert_int_equal(wait_for(f, em, NULL, now + 600), 0);
    /* with 101, the second oldest decides */
    fail_insert(f, em, "198.51.100.1", now - 1000);
    assert_int_equal(wait_for(f, em, NULL, now), 610);
    /* a trusted client (device cookie, own session) is not capped */
    int64_t w = -1;
    assert_int_equal(auth_throttle_wait(f->t.d, em, NULL, true, now, &w), DB_OK);
    assert_int_equal(w, 0);

    /* rows older than a day go, a few at a time, when failures are recorded */
    assert_int_equal(db_exec(f->t.d, "DELETE FROM login_failure"), DB_OK);
    for (int i = 0; i < 10; i++)
        fail_insert(f, "old@example.com", "198.51.100.2", now - 2 * 86400);
    fail_insert(f, "recent@example.com", "198.51.100.2", now - 3600);
    assert_int_equal(auth_record_failure(f->t.d, " New@Example.com", "198.51.100.3", now), DB_OK);
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM login_failure WHERE email = 'old@example.com'"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_failure"), 2);
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM login_failure WHERE email = 'new@example.com'"), 1);
}

/* A device cookie of the account lets its owner's right password through
 * the account-wide cap that distributed guessing has reached; nothing else
 * does, and the per-address limits still hold for it. */
static void test_device_cookie_passes_account_cap(void **state)
{
    fixture *f = *state;
    const char *em = "ana@example.com", *pw = "lozinka za test 1";
    account_create(f, em, pw, SEC_NONE);
    account_create(f, "bob@example.com", "bobova lozinka 7", SEC_NONE);
    char dev[AUTH_TOKEN_LEN + 1], dev2[AUTH_TOKEN_LEN + 1], bobdev[AUTH_TOKEN_LEN + 1];
    int64_t t0 = time_now();
    assert_int_equal(login_at(f, em, pw, "192.0.2.1", NULL, dev), LOGIN_OK);
    assert_int_equal(strlen(dev), AUTH_TOKEN_LEN);
    assert_int_equal(login_at(f, "bob@example.com", "bobova lozinka 7", "192.0.2.1", NULL, bobdev),
                     LOGIN_OK);
    /* stored hashed, for AUTH_DEVICE_TTL */
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_device WHERE length(token_hash) = 32"),
                     2);
    int64_t exp = scalar(f, "SELECT expires_at FROM login_device WHERE account_id = 1");
    assert_true(exp >= t0 + AUTH_DEVICE_TTL && exp <= time_now() + AUTH_DEVICE_TTL);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'login'"
                               " AND detail LIKE '%\"known_device\":false%'"),
                     2);

    /* many addresses guess: the account's hourly cap is reached */
    fail_insert_spread(f, em, "10.2.0", AUTH_FAIL_CAP, time_now());
    /* the owner at a new address without the cookie waits ... */
    assert_int_equal(login_at(f, em, pw, "192.0.2.77", NULL, dev2), LOGIN_THROTTLED);
    /* ... and so does someone else's device cookie */
    assert_int_equal(login_at(f, em, pw, "192.0.2.77", bobdev, dev2), LOGIN_THROTTLED);
    /* with the account's own device cookie the right password gets in,
     * and the same cookie is renewed */
    assert_int_equal(login_at(f, em, pw, "192.0.2.77", dev, dev2), LOGIN_OK);
    assert_string_equal(dev2, dev);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_device"), 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'login'"
                               " AND detail LIKE '%\"known_device\":true%'"),
                     1);
    /* a wrong password with the cookie is just wrong, and counted */
    assert_int_equal(login_at(f, em, "not the password", "192.0.2.77", dev, dev2), LOGIN_BAD);
    assert_string_equal(dev2, "");
    /* the per-(account, address) limit still holds for the cookie */
    for (int i = 0; i < 10; i++)
        fail_insert(f, em, "192.0.2.77", time_now());
    assert_int_equal(login_at(f, em, pw, "192.0.2.77", dev, dev2), LOGIN_THROTTLED);
    assert_int_equal(login_at(f, em, pw, "192.0.2.78", dev, dev2), LOGIN_OK);
    /* an expired device cookie is no longer trusted */
    assert_int_equal(db_exec(f->t.d, "UPDATE login_device SET expires_at = 1"), DB_OK);
    assert_int_equal(login_at(f, em, pw, "192.0.2.79", dev, dev2), LOGIN_THROTTLED);
    /* a login without a (valid) cookie makes a new one; an account keeps
     * at most AUTH_DEVICE_MAX, expired ones go */
    assert_int_equal(db_exec(f->t.d, "DELETE FROM login_failure"), DB_OK);
    for (int i = 0; i < AUTH_DEVICE_MAX + 3; i++) {
        /* a distinct hash bound as a blob (randomblob() is SQLite's) */
        unsigned char hash[32] = {0};
        hash[0] = (unsigned char)(0x80 + i);
        db_stmt *st = db_prepare(f->t.d, "INSERT INTO login_device(token_hash, account_id,"
                                         " created_at, last_login_at, expires_at)"
                                         " VALUES ($1, 1, 0, 0, 4000000000)");
        assert_non_null(st);
        assert_int_equal(db_bind_blob(st, 1, hash, sizeof hash), DB_OK);
        assert_int_equal(db_run(st), DB_OK);
    }
    assert_int_equal(login_at(f, em, pw, "192.0.2.80", NULL, dev2), LOGIN_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM login_device WHERE account_id = 1"),
                     AUTH_DEVICE_MAX);
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM login_device WHERE account_id = 1 AND expires_at = 1"), 0);
}

/* --- sessions ------------------------------------------------------------ */

static void test_session_idle_and_absolute_expiry(void **state)
{
    fixture *f = *state;
    account_create(f, "ana@example.com", "lozinka za test 1", SEC_NONE);
    char tok[AUTH_TOKEN_LEN + 1];
    principal p;
    int64_t t0 = time_now();
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", tok), LOGIN_OK);
    /* idle: nothing for longer than AUTH_SESSION_IDLE ends it (and removes it) */
    assert_true(session_ok(f, tok, t0 + 10, &p));
    assert_false(session_ok(f, tok, t0 + 2 + AUTH_SESSION_IDLE + 1, &p));
    assert_int_equal(scalar(f, "SELECT count(*) FROM session"), 0);

    /* absolute: regular use keeps it alive, but not past AUTH_SESSION_MAX */
    t0 = time_now();
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", tok), LOGIN_OK);
    int64_t expires = scalar(f, "SELECT expires_at FROM session");
    assert_true(expires >= t0 + AUTH_SESSION_MAX && expires <= t0 + AUTH_SESSION_MAX + 2);
    int64_t t = t0;
    int steps = 0;
    while (t + AUTH_SESSION_IDLE - 60 < expires) {
        t += AUTH_SESSION_IDLE - 60;
        assert_true(session_ok(f, tok, t, &p));
        steps++;
    }
    assert_true(steps >= 13);
    assert_true(session_ok(f, tok, expires - 1, &p));
    assert_false(session_ok(f, tok, expires, &p));
    assert_int_equal(scalar(f, "SELECT count(*) FROM session"), 0);
}

static void test_sessions_end_rotate_and_rights_change(void **state)
{
    fixture *f = *state;
    int64_t acc = account_create(f, "ana@example.com", "lozinka za test 1", SEC_NONE);
    int64_t pid = person_of(f, acc);
    char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1], t3[AUTH_TOKEN_LEN + 1];
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", t1), LOGIN_OK);
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", t2), LOGIN_OK);
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", t3), LOGIN_OK);
    int64_t now = time_now();
    principal p1, p2, p3;
    assert_true(session_ok(f, t2, now, &p2));
    /* end all but one */
    assert_int_equal(auth_sessions_end_all(f->t.d, acc, p2.session_id), DB_OK);
    assert_false(session_ok(f, t1, now, &p1));
    assert_false(session_ok(f, t3, now, &p3));
    assert_true(session_ok(f, t2, now, &p2));
    audit_row r = last_audit(f, "sessions_end");
    assert_int_equal(r.actor_id, pid);
    char want[64];
    snprintf(want, sizeof want, "{\"ended\":2,\"kept\":%lld,\"tokens_revoked\":0}",
             (long long)p2.session_id);
    assert_string_equal(r.detail, want);

    /* rotation: a new id and cookie, same CSRF token, old cookie dead */
    char csrf[AUTH_TOKEN_LEN + 1];
    strcpy(csrf, p2.csrf);
    int64_t old_sid = p2.session_id;
    char nt[AUTH_TOKEN_LEN + 1];
    assert_int_equal(auth_session_rotate(f->t.d, &p2, nt), DB_OK);
    assert_int_equal(strlen(nt), AUTH_TOKEN_LEN);
    assert_int_not_equal(p2.session_id, old_sid);
    assert_false(session_ok(f, t2, now, &p1));
    assert_true(session_ok(f, nt, now, &p1));
    assert_int_equal(p1.session_id, p2.session_id);
    assert_string_equal(p1.csrf, csrf);
    assert_int_equal(audit_count(f, "session_rotate"), 1);
    /* rotating an ended session creates nothing */
    principal gone = p2;
    gone.session_id = old_sid;
    assert_int_equal(auth_session_rotate(f->t.d, &gone, t1), DB_OK);
    assert_string_equal(t1, "");
    assert_int_equal(gone.session_id, 0);
    principal tokp = {.account_id = acc, .person_id = pid, .token_id = 1};
    assert_int_equal(auth_session_rotate(f->t.d, &tokp, t1), DB_CONSTRAINT);

    /* a change of secretariat rights ends every session of the account */
    assert_int_equal(auth_secretariat_set(f->t.d, acc, SEC_ADMIN, 0), DB_OK);
    assert_false(session_ok(f, nt, now, &p1));
    r = last_audit(f, "rights_change");
    assert_int_equal(r.entity_id, acc);
    assert_null(r.actor_name); /* the system: pages say so in their language */
    assert_int_equal(r.actor_id, 0);
    assert_string_equal(
        r.detail, "{\"secretariat\":{\"from\":\"none\",\"to\":\"admin\"},\"sessions_ended\":1}");
    assert_int_equal(scalar(f, "SELECT count(*) FROM account WHERE secretariat = 'admin'"), 1);
    assert_int_equal(auth_secretariat_set(f->t.d, 999, SEC_ADMIN, 0), DB_CONSTRAINT);

    /* a new password ends the other sessions but the one kept */
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", t1), LOGIN_OK);
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", t2), LOGIN_OK);
    assert_true(session_ok(f, t2, now, &p2));
    assert_int_equal(p2.secretariat, SEC_ADMIN);
    assert_int_equal(auth_password_set(f->t.d, acc, "nova lozinka 2", p2.session_id, pid), DB_OK);
    assert_false(session_ok(f, t1, now, &p1));
    assert_true(session_ok(f, t2, now, &p2));
    r = last_audit(f, "password_change");
    assert_int_equal(r.actor_id, pid);
    assert_string_equal(r.detail, "{\"sessions_ended\":1,\"tokens_revoked\":0}");
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", t1), LOGIN_BAD);

    /* logout */
    assert_int_equal(auth_session_end(f->t.d, p2.session_id), DB_OK);
    assert_false(session_ok(f, t2, now, &p2));
    assert_int_equal(scalar(f, "SELECT count(*) FROM session"), 0);
    assert_int_equal(audit_count(f, "logout"), 1);
    assert_int_equal(auth_session_end(f->t.d, 12345), DB_OK); /* gone already: fine */
    assert_int_equal(audit_count(f, "logout"), 1);
}

/* --- API tokens ---------------------------------------------------------- */

static void test_api_tokens(void **state)
{
    fixture *f = *state;
    int64_t acc = account_create(f, "ana@example.com", NULL, SEC_NONE);
    int64_t other = account_create(f, "bob@example.com", NULL, SEC_NONE);
    char rtok[AUTH_TOKEN_LEN + 1], wtok[AUTH_TOKEN_LEN + 1];
    int64_t rid = 0, wid = 0;
    assert_int_equal(auth_token_create(f->t.d, acc, "reports", false, 90, rtok, &rid), DB_OK);
    assert_int_equal(auth_token_create(f->t.d, acc, "sync", true, 90, wtok, &wid), DB_OK);
    assert_int_equal(strlen(rtok), AUTH_TOKEN_LEN);
    assert_true(rid > 0 && wid > rid);
    char scratch[AUTH_TOKEN_LEN + 1];
    int64_t sid = -1;
    assert_int_equal(auth_token_create(f->t.d, acc, "", true, 90, scratch, &sid), DB_CONSTRAINT);
    assert_int_equal(auth_token_create(f->t.d, 999, "x", true, 90, scratch, &sid), DB_CONSTRAINT);
    assert_string_equal(scratch, "");
    assert_int_equal(sid, 0);
    assert_int_equal(audit_count(f, "token_create"), 2);
    assert_int_equal(auth_token_create(f->t.d, acc, "reports2", false, 90, rtok, &rid), DB_OK);
    assert_int_equal(auth_token_create(f->t.d, acc, "sync2", true, 90, wtok, &wid), DB_OK);
    assert_int_equal(audit_count(f, "token_create"), 4);
    assert_int_equal(scalar(f, "SELECT count(*) FROM api_token WHERE length(token_hash) = 32"), 4);

    principal p;
    bool found = false;
    token_state ts = TOKEN_UNKNOWN;
    int64_t now = time_now();
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, rtok, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_OK);
    assert_true(p.token_expires_at >= now + 90 * 86400 - 2 &&
                p.token_expires_at <= now + 90 * 86400);
    assert_int_equal(p.token_id, rid);
    assert_false(p.token_write);
    assert_int_equal(p.account_id, acc);
    assert_int_equal(p.session_id, 0);
    assert_null(p.csrf);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, wtok, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_OK);
    assert_true(p.token_write);
    assert_true(scalar(f, "SELECT count(*) FROM api_token WHERE last_used_at IS NOT NULL") == 2);

    api_token_info *items = NULL;
    size_t n = 0;
    assert_int_equal(auth_token_list(f->t.d, &f->a, acc, &items, &n), DB_OK);
    assert_int_equal(n, 4);
    assert_int_equal(items[0].id, wid); /* newest first */
    assert_string_equal(items[0].name, "sync2");
    assert_true(items[0].write);
    assert_false(items[1].write);
    assert_true(items[0].last_used_at > 0);
    assert_int_equal(items[0].revoked_at, 0);
    assert_int_equal(auth_token_list(f->t.d, &f->a, other, &items, &n), DB_OK);
    assert_int_equal(n, 0);

    /* revoke: only the owner, once */
    assert_int_equal(auth_token_revoke(f->t.d, other, rid, &found), DB_OK);
    assert_false(found);
    assert_int_equal(auth_token_revoke(f->t.d, acc, rid, &found), DB_OK);
    assert_true(found);
    assert_int_equal(auth_token_revoke(f->t.d, acc, rid, &found), DB_OK);
    assert_true(found);
    assert_int_equal(audit_count(f, "token_revoke"), 1);
    audit_row r = last_audit(f, "token_revoke");
    assert_int_equal(r.entity_id, rid);
    assert_string_equal(r.entity, "api_token");
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, rtok, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_UNKNOWN);
    /* a disabled account's tokens stop working, and enabling it again
     * does not revive them: disabling revoked them */
    assert_int_equal(auth_account_disable(f->t.d, acc, true, 0), DB_OK);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, wtok, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_UNKNOWN);
    assert_string_equal(last_audit(f, "account_disable").detail,
                        "{\"sessions_ended\":0,\"tokens_revoked\":3}");
    assert_int_equal(auth_account_disable(f->t.d, acc, false, 0), DB_OK);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, wtok, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_UNKNOWN);
    assert_int_equal(scalar(f, "SELECT count(*) FROM api_token WHERE account_id = 1"
                               " AND revoked_at IS NULL"),
                     0);
}

/* Every token expires: chosen lifetime, at most a year; an expired token
 * is told apart from an unknown one and its use is not recorded. */
static void test_api_token_expiry(void **state)
{
    fixture *f = *state;
    int64_t acc = account_create(f, "ana@example.com", NULL, SEC_NONE);
    char tok[AUTH_TOKEN_LEN + 1], scratch[AUTH_TOKEN_LEN + 1];
    int64_t id = 0, bad = -1, now = time_now();
    assert_int_equal(auth_token_create(f->t.d, acc, "month", false, 0, scratch, &bad),
                     DB_CONSTRAINT);
    assert_int_equal(
        auth_token_create(f->t.d, acc, "month", false, AUTH_TOKEN_DAYS_MAX + 1, scratch, &bad),
        DB_CONSTRAINT);
    assert_int_equal(bad, 0);
    assert_int_equal(
        auth_token_create(f->t.d, acc, "year", true, AUTH_TOKEN_DAYS_MAX, scratch, &id), DB_OK);
    assert_int_equal(auth_token_create(f->t.d, acc, "month", false, 30, tok, &id), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM api_token WHERE name = 'month'"
                               " AND expires_at - created_at = 30 * 86400"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM api_token WHERE name = 'year'"
                               " AND expires_at - created_at = 365 * 86400"),
                     1);
    assert_string_equal(last_audit(f, "token_create").detail, "{\"scope\":\"read\",\"days\":30}");
    int64_t expires = scalar(f, "SELECT expires_at FROM api_token WHERE name = 'month'");
    principal p;
    token_state ts = TOKEN_UNKNOWN;
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, tok, expires - 1, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_OK);
    assert_int_equal(p.token_expires_at, expires);
    assert_int_equal(db_exec(f->t.d, "UPDATE api_token SET last_used_at = NULL"), DB_OK);
    memset(&p, 0, sizeof p);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, tok, expires, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_EXPIRED);
    assert_int_equal(p.account_id, 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM api_token WHERE last_used_at IS NOT NULL"), 0);
    /* the list shows the expiry */
    api_token_info *items = NULL;
    size_t n = 0;
    assert_int_equal(auth_token_list(f->t.d, &f->a, acc, &items, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].expires_at, expires);
    assert_true(items[1].expires_at >= now + 365 * 86400);
}

/* A password change, "log out everywhere" and a reset revoke every API
 * token of the account (the review found them still working after). */
static void test_api_tokens_revoked_with_password_and_logout(void **state)
{
    fixture *f = *state;
    int64_t acc = account_create(f, "ana@example.com", "lozinka za test 1", SEC_NONE);
    int64_t pid = person_of(f, acc);
    char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
    int64_t id = 0, now = time_now();
    principal p;
    token_state ts = TOKEN_UNKNOWN;
    assert_int_equal(auth_token_create(f->t.d, acc, "a", true, 90, t1, &id), DB_OK);
    assert_int_equal(auth_password_set(f->t.d, acc, "nova lozinka 2", 0, pid), DB_OK);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, t1, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_UNKNOWN);
    assert_string_equal(last_audit(f, "password_change").detail,
                        "{\"sessions_ended\":0,\"tokens_revoked\":1}");

    assert_int_equal(auth_token_create(f->t.d, acc, "b", false, 90, t2, &id), DB_OK);
    assert_int_equal(auth_sessions_end_all(f->t.d, acc, 0), DB_OK);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, t2, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_UNKNOWN);
    assert_string_equal(last_audit(f, "sessions_end").detail,
                        "{\"ended\":0,\"kept\":0,\"tokens_revoked\":1}");

    /* a password reset link too */
    assert_int_equal(auth_token_create(f->t.d, acc, "c", false, 90, t2, &id), DB_OK);
    assert_int_equal(auth_reset_request(f->t.d, "ana@example.com", LANG_EN, "http://x"), DB_OK);
    const char *body = outbox_last(f, NULL);
    assert_non_null(body);
    char link[AUTH_TOKEN_LEN + 1];
    token_after(body, "/password/reset?t=", link);
    link_state ls = LINK_UNKNOWN;
    int64_t who = 0;
    assert_int_equal(auth_link_use(f->t.d, link, "reset", "treca lozinka 3", &ls, &who), DB_OK);
    assert_int_equal(ls, LINK_OK);
    assert_int_equal(auth_token_lookup(f->t.d, &f->a, t2, now, &p, &ts), DB_OK);
    assert_int_equal(ts, TOKEN_UNKNOWN);
}

/* --- accounts ------------------------------------------------------------ */

static void test_accounts_and_bootstrap(void **state)
{
    fixture *f = *state;
    char pw[32];
    bool created = false;
    assert_int_equal(auth_bootstrap_admin(f->t.d, NULL, pw, &created), DB_OK);
    assert_true(created);
    assert_int_equal(strlen(pw), 20);
    assert_int_equal(strspn(pw, "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"), 20);
    assert_int_equal(auth_password_check(pw, "admin@scan.local", NULL), PW_OK);
    char tok[AUTH_TOKEN_LEN + 1];
    assert_int_equal(login(f, "admin@scan.local", pw, tok), LOGIN_OK);
    principal p;
    assert_true(session_ok(f, tok, time_now(), &p));
    assert_int_equal(p.secretariat, SEC_ADMIN);
    char pw2[32] = "unchanged";
    assert_int_equal(auth_bootstrap_admin(f->t.d, "other@scan.local", pw2, &created), DB_OK);
    assert_false(created);
    assert_string_equal(pw2, "");
    assert_int_equal(scalar(f, "SELECT count(*) FROM account"), 1);
    audit_row r = last_audit(f, "account_create");
    assert_int_equal(r.actor_id, 0);
    assert_string_equal(r.detail, "{\"person_id\":1,\"secretariat\":\"admin\"}");

    /* e-mails are trimmed and lower-cased; duplicates refused */
    int64_t id = 0;
    assert_int_equal(
        auth_account_create(f->t.d, "Bob", " Bob@Example.com\t", NULL, SEC_NONE, p.person_id, &id),
        DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM person WHERE email = 'bob@example.com'"), 1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM account WHERE pass_hash IS NULL"), 1);
    int64_t dup = 0;
    assert_int_equal(
        auth_account_create(f->t.d, "Bob 2", "BOB@EXAMPLE.COM", NULL, SEC_NONE, 0, &dup),
        DB_CONSTRAINT);
    assert_int_equal(dup, 0);
    assert_int_equal(auth_account_create(f->t.d, "", "x@example.com", NULL, SEC_NONE, 0, &dup),
                     DB_CONSTRAINT);
    assert_int_equal(auth_account_create(f->t.d, "X", "   ", NULL, SEC_NONE, 0, &dup),
                     DB_CONSTRAINT);
    assert_int_equal(scalar(f, "SELECT count(*) FROM person"), 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'account_create'"), 2);
    r = last_audit(f, "account_create");
    assert_int_equal(r.actor_id, p.person_id);
    assert_string_equal(r.detail, "{\"person_id\":2,\"secretariat\":null}");

    principal q;
    bool found = false;
    assert_int_equal(auth_account_by_email(f->t.d, &f->a, "BOB@example.com ", &q, &found), DB_OK);
    assert_true(found);
    assert_int_equal(q.account_id, id);
    assert_string_equal(q.name, "Bob");
    assert_int_equal(q.secretariat, SEC_NONE);
    assert_int_equal(auth_account_by_email(f->t.d, &f->a, "carol@example.com", &q, &found), DB_OK);
    assert_false(found);
    assert_int_equal(auth_password_set(f->t.d, 999, "whatever 12345", 0, 0), DB_CONSTRAINT);
}

/* --- invitations and resets --------------------------------------------- */

/* Mail speaks the recipient's language (their saved one, else the
 * inviter's), names the inviter and the organisation; a person who has an
 * account accepts an invitation with their own password, which stays. */
static void test_invite_language_and_existing_account(void **state)
{
    fixture *f = *state;
    assert_int_equal(i18n_init(), 0); /* the derived Latin catalog */
    int64_t admin = account_create(f, "boss@example.com", NULL, SEC_ADMIN);
    int64_t admin_pid = person_of(f, admin);
    assert_int_equal(
        db_exec(f->t.d, "UPDATE person SET name = 'Бора Шеф' WHERE email = 'boss@example.com'"),
        DB_OK);
    int64_t cluster = org_insert(f, "nis-cluster", "cluster");
    assert_int_equal(
        db_exec(f->t.d, "UPDATE org SET name = 'Нишки кластер' WHERE slug = 'nis-cluster'"), DB_OK);
    char tok[AUTH_TOKEN_LEN + 1];
    const char *to = NULL, *body;

    /* a new person, invited from Cyrillic pages: Cyrillic mail */
    assert_int_equal(auth_invite(f->t.d, "Мила Милић", "mila@example.com", cluster, "manager",
                                 admin_pid, LANG_SR_CYRL, "https://scan.example", tok),
                     DB_OK);
    body = outbox_last(f, &to);
    assert_non_null(strstr(body, "Здраво, Мила Милић"));
    assert_non_null(strstr(body, "Бора Шеф вас позива"));
    assert_non_null(strstr(body, "менаџера организације Нишки кластер"));
    assert_non_null(strstr(body, "изаберите лозинку"));
    assert_int_equal(
        scalar(f, "SELECT count(*) FROM outbox WHERE subject = 'Бора Шеф вас позива у SCAN'"), 1);

    /* someone who uses the site in English gets English, whoever invites */
    int64_t eve = account_create(f, "eve@example.com", "correct horse battery staple 9", SEC_NONE);
    assert_int_equal(auth_person_lang_set(f->t.d, "EVE@example.com", LANG_EN), DB_OK);
    assert_int_equal(auth_invite(f->t.d, NULL, "eve@example.com", cluster, "representative",
                                 admin_pid, LANG_SR_CYRL, "https://scan.example", tok),
                     DB_OK);
    body = outbox_last(f, &to);
    assert_non_null(strstr(body, "Hello Ana"));
    assert_non_null(strstr(body, "Bora Sef invites you") ? strstr(body, "Bora Sef invites you")
                                                         : strstr(body, "Bora Šef invites you"));
    assert_non_null(strstr(body, "as a representative of Niški klaster"));
    assert_non_null(strstr(body, "You already have a SCAN account"));

    /* accepting: the wrong password changes nothing; hers accepts and
     * leaves password, sessions and tokens as they were */
    char *hash_before = NULL;
    {
        db_stmt *s = db_prepare(f->t.d, "SELECT pass_hash FROM account WHERE id = $1");
        db_bind_int(s, 1, eve);
        assert_int_equal(db_step(s), DB_ROW);
        hash_before = strdup(db_col_text(s, 0));
        db_reset(s);
    }
    bool has = false;
    assert_int_equal(auth_link_has_password(f->t.d, tok, "invite", &has), DB_OK);
    assert_true(has);
    link_state ls;
    int64_t acc = 0;
    assert_int_equal(auth_link_use(f->t.d, tok, "invite", "not her password at all 1", &ls, &acc),
                     DB_OK);
    assert_int_equal(ls, LINK_WRONG_PASSWORD);
    assert_int_equal(scalar(f, "SELECT count(*) FROM affiliation WHERE role = 'representative'"),
                     0);
    assert_int_equal(
        auth_link_use(f->t.d, tok, "invite", "correct horse battery staple 9", &ls, &acc), DB_OK);
    assert_int_equal(ls, LINK_OK);
    assert_int_equal(acc, eve);
    assert_int_equal(scalar(f, "SELECT count(*) FROM affiliation WHERE role = 'representative'"
                               " AND ended_at IS NULL"),
                     1);
    {
        db_stmt *s = db_prepare(f->t.d, "SELECT pass_hash FROM account WHERE id = $1");
        db_bind_int(s, 1, eve);
        assert_int_equal(db_step(s), DB_ROW);
        assert_string_equal(db_col_text(s, 0), hash_before);
        db_reset(s);
    }
    free(hash_before);

    /* a reset mail follows the saved language too */
    assert_int_equal(auth_person_lang_set(f->t.d, "eve@example.com", LANG_SR_LATN), DB_OK);
    assert_int_equal(auth_reset_request(f->t.d, "eve@example.com", LANG_EN, "https://scan.example"),
                     DB_OK);
    body = outbox_last(f, &to);
    assert_non_null(strstr(body, "Zdravo, Ana"));
    assert_non_null(strstr(body, "Izaberite novu lozinku"));
}

static void test_invite_accept_single_use(void **state)
{
    fixture *f = *state;
    int64_t admin = account_create(f, "admin@example.com", NULL, SEC_ADMIN);
    int64_t admin_pid = person_of(f, admin);
    int64_t cluster = org_insert(f, "ict-cluster", "cluster");
    char tok[AUTH_TOKEN_LEN + 1];
    assert_int_equal(auth_invite(f->t.d, "Мила Милић", "Mila@Example.com", cluster, "manager",
                                 admin_pid, LANG_EN, "https://scan.example/", tok),
                     DB_OK);
    assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
    /* person and account without password; link hashed; mail queued */
    assert_int_equal(scalar(f, "SELECT count(*) FROM person p JOIN account a ON a.person_id = p.id"
                               " WHERE p.email = 'mila@example.com' AND a.pass_hash IS NULL"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM one_time_link WHERE purpose = 'invite'"
                               " AND expires_at - created_at = 7 * 86400 AND created_by = 1"
                               " AND grant_role = 'manager' AND used_at IS NULL"),
                     1);
    const char *to = NULL;
    const char *body = outbox_last(f, &to);
    assert_non_null(body);
    assert_string_equal(to, "mila@example.com");
    char link[128];
    snprintf(link, sizeof link, "https://scan.example/invite/accept?t=%s", tok);
    assert_non_null(strstr(body, link));
    assert_non_null(strstr(body, "ict-cluster"));
    audit_row r = last_audit(f, "invite");
    assert_int_equal(r.actor_id, admin_pid);
    assert_string_equal(r.entity, "account");
    assert_non_null(strstr(r.detail, "\"role\":\"manager\""));
    assert_int_equal(audit_count(f, "account_create"), 2);

    link_state st = LINK_UNKNOWN;
    assert_int_equal(auth_link_check(f->t.d, tok, "invite", &st), DB_OK);
    assert_int_equal(st, LINK_OK);
    assert_int_equal(auth_link_check(f->t.d, tok, "reset", &st), DB_OK);
    assert_int_equal(st, LINK_UNKNOWN);
    assert_int_equal(auth_link_check(f->t.d, "nonsense", "invite", &st), DB_OK);
    assert_int_equal(st, LINK_UNKNOWN);

    int64_t acc = 0;
    assert_int_equal(auth_link_use(f->t.d, tok, "invite", "моја нова лозинка", &st, &acc), DB_OK);
    assert_int_equal(st, LINK_OK);
    assert_true(acc > 0);
    int64_t pid = person_of(f, acc);
    assert_int_equal(scalar(f, "SELECT count(*) FROM affiliation WHERE role = 'manager'"
                               " AND org_id = 1 AND ended_at IS NULL AND created_by = 1"
                               " AND started_at > 0"),
                     1);
    r = last_audit(f, "invite_accepted");
    assert_int_equal(r.actor_id, pid);
    assert_int_equal(r.entity_id, acc);
    r = last_audit(f, "affiliation_create");
    assert_int_equal(r.actor_id, admin_pid);
    assert_string_equal(r.entity, "affiliation");

    /* single use */
    assert_int_equal(auth_link_check(f->t.d, tok, "invite", &st), DB_OK);
    assert_int_equal(st, LINK_USED);
    assert_int_equal(auth_link_use(f->t.d, tok, "invite", "another password 9", &st, &acc), DB_OK);
    assert_int_equal(st, LINK_USED);
    assert_int_equal(acc, 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM affiliation"), 1);
    assert_int_equal(audit_count(f, "invite_accepted"), 1);

    char stok[AUTH_TOKEN_LEN + 1];
    assert_int_equal(login(f, "mila@example.com", "МОЈА НОВА ЛОЗИНКА", stok), LOGIN_BAD);
    assert_int_equal(login(f, "mila@example.com", "моја нова лозинка", stok), LOGIN_OK);

    /* bad arguments */
    assert_int_equal(auth_invite(f->t.d, "X", "x@example.com", cluster, "boss", admin_pid, LANG_EN,
                                 "https://scan.example", tok),
                     DB_CONSTRAINT);
    assert_int_equal(auth_invite(f->t.d, "X", "x@example.com", 4242, "manager", admin_pid, LANG_EN,
                                 "https://scan.example", tok),
                     DB_CONSTRAINT);
    assert_int_equal(auth_invite(f->t.d, NULL, "x@example.com", 0, NULL, admin_pid, LANG_EN,
                                 "https://scan.example", tok),
                     DB_CONSTRAINT);
    /* a manager only of a cluster or cluster initiative: of a company that
     * role would give nothing (rights.h); its representative is invited */
    int64_t company = org_insert(f, "some-company", "company");
    int64_t links = scalar(f, "SELECT count(*) FROM one_time_link");
    int64_t mails = scalar(f, "SELECT count(*) FROM outbox");
    assert_int_equal(auth_invite(f->t.d, "X", "x@example.com", company, "manager", admin_pid,
                                 LANG_EN, "https://scan.example", tok),
                     DB_CONSTRAINT);
    assert_int_equal(scalar(f, "SELECT count(*) FROM one_time_link"), links);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox"), mails);
    assert_int_equal(scalar(f, "SELECT count(*) FROM person WHERE email = 'x@example.com'"), 0);
    /* an invitation without affiliation for an existing account */
    assert_int_equal(auth_invite(f->t.d, NULL, "MILA@example.com", 0, NULL, admin_pid, LANG_EN,
                                 "https://scan.example", tok),
                     DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM person"), 2);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox"), 2);
}

static void test_expired_link(void **state)
{
    fixture *f = *state;
    char tok[AUTH_TOKEN_LEN + 1];
    assert_int_equal(auth_invite(f->t.d, "Late Comer", "late@example.com", 0, NULL, 0, LANG_EN,
                                 "http://localhost:8080", tok),
                     DB_OK);
    assert_non_null(strstr(outbox_last(f, NULL), "http://localhost:8080/invite/accept?t="));
    assert_int_equal(
        db_exec(f->t.d,
                "UPDATE one_time_link SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) - 1"),
        DB_OK);
    link_state st = LINK_OK;
    assert_int_equal(auth_link_check(f->t.d, tok, "invite", &st), DB_OK);
    assert_int_equal(st, LINK_EXPIRED);
    int64_t acc = -1;
    assert_int_equal(auth_link_use(f->t.d, tok, "invite", "too late for this", &st, &acc), DB_OK);
    assert_int_equal(st, LINK_EXPIRED);
    assert_int_equal(acc, 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM account WHERE pass_hash IS NOT NULL"), 0);
    assert_int_equal(audit_count(f, "invite_accepted"), 0);
}

static void test_reset(void **state)
{
    fixture *f = *state;
    /* unknown e-mail: OK, and nothing at all is written */
    int64_t audits = scalar(f, "SELECT count(*) FROM audit");
    assert_int_equal(
        auth_reset_request(f->t.d, "nobody@example.com", LANG_EN, "https://scan.example"), DB_OK);
    assert_int_equal(auth_reset_request(f->t.d, "", LANG_EN, "https://scan.example"), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM one_time_link"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM person"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audits);

    int64_t acc = account_create(f, "ana@example.com", "lozinka za test 1", SEC_NONE);
    char old[AUTH_TOKEN_LEN + 1];
    assert_int_equal(login(f, "ana@example.com", "lozinka za test 1", old), LOGIN_OK);
    assert_int_equal(
        auth_reset_request(f->t.d, " ANA@example.com", LANG_EN, "https://scan.example/"), DB_OK);
    const char *to = NULL;
    const char *body = outbox_last(f, &to);
    assert_string_equal(to, "ana@example.com");
    char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
    token_after(body, "https://scan.example/password/reset?t=", t1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM one_time_link WHERE purpose = 'reset'"
                               " AND expires_at - created_at = 3600 AND created_by IS NULL"),
                     1);
    assert_int_equal(audit_count(f, "reset_request"), 1);
    assert_int_equal(auth_reset_request(f->t.d, "ana@example.com", LANG_EN, "https://scan.example"),
                     DB_OK);
    token_after(outbox_last(f, NULL), "https://scan.example/password/reset?t=", t2);
    assert_string_not_equal(t1, t2);

    link_state st = LINK_UNKNOWN;
    assert_int_equal(auth_link_check(f->t.d, t1, "reset", &st), DB_OK);
    assert_int_equal(st, LINK_OK);
    assert_int_equal(auth_link_check(f->t.d, t1, "invite", &st), DB_OK);
    assert_int_equal(st, LINK_UNKNOWN);
    int64_t got = 0;
    assert_int_equal(auth_link_use(f->t.d, t1, "reset", "a brand new secret", &st, &got), DB_OK);
    assert_int_equal(st, LINK_OK);
    assert_int_equal(got, acc);
    /* old sessions ended, the other pending reset link expired */
    principal p;
    assert_false(session_ok(f, old, time_now(), &p));
    assert_int_equal(auth_link_check(f->t.d, t2, "reset", &st), DB_OK);
    assert_int_equal(st, LINK_EXPIRED);
    audit_row r = last_audit(f, "password_reset");
    assert_int_equal(r.entity_id, acc);
    assert_non_null(strstr(r.detail, "\"sessions_ended\":1"));
    assert_int_equal(scalar(f, "SELECT count(*) FROM affiliation"), 0);

    /* at most AUTH_RESET_PER_HOUR mails an hour, silently */
    for (int i = 2; i < AUTH_RESET_PER_HOUR + 3; i++)
        assert_int_equal(
            auth_reset_request(f->t.d, "ana@example.com", LANG_EN, "https://scan.example"), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM one_time_link"), AUTH_RESET_PER_HOUR);
    /* disabled accounts get nothing, and their links stop working */
    assert_int_equal(db_exec(f->t.d, "DELETE FROM one_time_link WHERE used_at IS NULL"), DB_OK);
    assert_int_equal(auth_reset_request(f->t.d, "ana@example.com", LANG_EN, "https://scan.example"),
                     DB_OK);
    token_after(outbox_last(f, NULL), "https://scan.example/password/reset?t=", t1);
    assert_int_equal(auth_account_disable(f->t.d, acc, true, 0), DB_OK);
    assert_int_equal(auth_link_check(f->t.d, t1, "reset", &st), DB_OK);
    assert_int_equal(st, LINK_UNKNOWN);
    int64_t links = scalar(f, "SELECT count(*) FROM one_time_link");
    assert_int_equal(auth_reset_request(f->t.d, "ana@example.com", LANG_EN, "https://scan.example"),
                     DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM one_time_link"), links);
}

/* --- audit --------------------------------------------------------------- */

static void test_audit_append_only_and_list(void **state)
{
    fixture *f = *state;
    int64_t a1 = account_create(f, "ana@example.com", NULL, SEC_NONE);
    int64_t p1 = person_of(f, a1);
    assert_int_equal(db_begin_write(f->t.d), DB_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(audit_add(f->t.d, p1, "192.0.2.7", "test_action", "org", i + 1, NULL),
                         DB_OK);
    assert_int_equal(audit_add(f->t.d, 0, NULL, "test_other", NULL, 0, "{\"k\":1}"), DB_OK);
    assert_int_equal(db_commit(f->t.d), DB_OK);

    /* the log refuses change */
    assert_int_not_equal(db_exec(f->t.d, "UPDATE audit SET action = 'x'"), DB_OK);
    assert_int_not_equal(db_exec(f->t.d, "DELETE FROM audit"), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), 7);

    /* filters and keyset pages */
    audit_filter flt = {.action = "test_action", .limit = 2};
    audit_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(audit_list(f->t.d, &f->a, &flt, &rows, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].entity_id, 5);
    assert_int_equal(rows[1].entity_id, 4);
    assert_string_equal(rows[0].ip, "192.0.2.7");
    assert_string_equal(rows[0].actor_name, "Ana Anić");
    flt.before_id = rows[1].id;
    assert_int_equal(audit_list(f->t.d, &f->a, &flt, &rows, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].entity_id, 3);
    flt.before_id = rows[1].id;
    assert_int_equal(audit_list(f->t.d, &f->a, &flt, &rows, &n), DB_OK);
    assert_int_equal(n, 1);
    audit_filter by_actor = {.actor_id = p1};
    assert_int_equal(audit_list(f->t.d, &f->a, &by_actor, &rows, &n), DB_OK);
    assert_int_equal(n, 5);
    audit_filter by_entity = {.entity = "account"};
    assert_int_equal(audit_list(f->t.d, &f->a, &by_entity, &rows, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].action, "account_create");
    assert_null(rows[0].actor_name); /* the system */
    assert_int_equal(rows[0].actor_id, 0);
    int64_t now = time_now();
    audit_filter future = {.since = now + 3600};
    assert_int_equal(audit_list(f->t.d, &f->a, &future, &rows, &n), DB_OK);
    assert_int_equal(n, 0);
    audit_filter past = {.until = now - 3600};
    assert_int_equal(audit_list(f->t.d, &f->a, &past, &rows, &n), DB_OK);
    assert_int_equal(n, 0);
    audit_filter window = {.since = now - 3600, .until = now + 3600};
    assert_int_equal(audit_list(f->t.d, &f->a, &window, &rows, &n), DB_OK);
    assert_int_equal(n, 7);
    assert_int_equal(audit_list(f->t.d, &f->a, NULL, &rows, &n), DB_OK);
    assert_int_equal(n, 7);
    assert_string_equal(rows[0].detail, "{\"k\":1}");
    assert_null(rows[0].entity);

    /* after erasure the log names nobody */
    assert_int_equal(db_exec(f->t.d, "UPDATE person SET erased_at = 1, email = NULL"), DB_OK);
    assert_int_equal(audit_list(f->t.d, &f->a, &by_actor, &rows, &n), DB_OK);
    assert_int_equal(n, 5);
    assert_null(rows[0].actor_name); /* the page says "Erased person" in its language */
    assert_true(rows[0].actor_erased);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_format_unique_hash),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_password_strength),
        cmocka_unit_test(test_hash_verify_and_cap),
        cmocka_unit_test_setup_teardown(test_login_success_and_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_failures_are_generic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_growth_and_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_cookie_passes_account_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_hour_cap_and_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_idle_and_absolute_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_end_rotate_and_rights_change, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_token_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_tokens_revoked_with_password_and_logout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_accounts_and_bootstrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invite_accept_single_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invite_language_and_existing_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_append_only_and_list, setup, teardown),
    };
    return cmocka_run_group_tests_name("auth", tests, group_setup, group_teardown);
}
