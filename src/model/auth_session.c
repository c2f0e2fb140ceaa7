/* auth_session.c: sessions and login (see auth.h).
 *
 * A session is a random cookie value stored only as its BLAKE2b hash.
 * Login checks the throttle (auth_throttle.c), verifies the password
 * (auth_password.c, against a dummy hash when the account is unknown so
 * the time does not tell), records the failure or opens the session, in
 * one transaction with its audit row. */
#include "model/auth.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/auth_internal.h"
#include "model/mail.h"
#include "model/rights.h"
#include "model/tx.h"

/* An argon2id hash (of a random password nobody knows) with the same
 * parameters as real ones: verified against when the account is unknown
 * or has no password yet, so a login takes as long either way. */
static const char DUMMY_HASH[] = "$argon2id$v=19$m=65536,t=2,p=1$jeotMatTwaN5xWSV79ZULg$"
                                 "wkCrPPBYVd4m9T71BkQb6OMOd89CuB7hPHFcrchxexM";

/* --- sessions --------------------------------------------------------------------- */

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO session(token_hash, account_id, csrf, created_at, last_seen_at, expires_at,"
    " ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)";
static const char SQL_SESSIONS_END[] = "DELETE FROM session WHERE account_id = $1 AND id <> $2";
static const char SQL_SESSIONS_STALE[] =
    "DELETE FROM session WHERE account_id = $1 AND (expires_at <= $2 OR last_seen_at < $2 - $3)";

/* Creates a session (inside the caller's transaction) with a fresh token
 * and CSRF token; the cookie token goes to token_out. */
static db_status session_insert(db *d, int64_t account_id, int64_t now, const char *ip,
                                const char *ua, char token_out[AUTH_TOKEN_LEN + 1], int64_t *sid)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    char csrf[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    auth_token_new(token_out);
    auth_token_new(csrf);
    auth_token_hash(token_out, h);
    db_stmt *s = db_prepare(d, SQL_SESSION_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_int(s, 2, account_id);
    db_bind_text(s, 3, csrf);
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, now + AUTH_SESSION_MAX);
    if (ip)
        db_bind_textn(s, 6, ip, strnlen(ip, IP_MAX));
    if (ua)
        db_bind_textn(s, 7, ua, strnlen(ua, UA_MAX));
    db_status st = db_run(s);
    if (st == DB_OK)
        *sid = db_last_id(d);
    return st;
}

db_status auth_sessions_end(db *d, int64_t account_id, int64_t keep, int64_t *n)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_status st = db_do(d, SQL_SESSIONS_END, DB_ARGS(DBI(account_id), DBI(keep)));
    *n = st == DB_OK ? db_changes(d) : 0;
    return st;
}

static const char SQL_TOKENS_REVOKE_ALL[] =
    "UPDATE api_token SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL";

db_status auth_tokens_revoke_all(db *d, int64_t account_id, int64_t now, int64_t *n)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_status st = db_do(d, SQL_TOKENS_REVOKE_ALL, DB_ARGS(DBI(account_id), DBI(now)));
    *n = st == DB_OK ? db_changes(d) : 0;
    return st;
}

static const char SQL_SESSION_FIND[] =
    "SELECT s.id, s.csrf, s.last_seen_at, s.expires_at, a.id, a.person_id, "
    "       coalesce(a.secretariat, ''), p.name, p.email"
    "  FROM session s JOIN account a ON a.id = s.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE s.token_hash = $1 AND a.disabled_at IS NULL AND p.erased_at IS NULL";
static const char SQL_SESSION_TOUCH[] = "UPDATE session SET last_seen_at = $2 WHERE id = $1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM session WHERE id = $1";

db_status auth_session_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                              bool *found)
{
    assert(d && a);
    unsigned char h[32];
    *found = false;
    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_SESSION_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_status st = db_step(s);
    int64_t sid = 0, last_seen = 0, expires = 0;
    if (st == DB_ROW) {
        sid = db_col_int(s, 0);
        last_seen = db_col_int(s, 2);
        expires = db_col_int(s, 3);
        memset(p, 0, sizeof *p);
        p->session_id = sid;
        p->csrf = arena_strdup(a, db_col_text(s, 1));
        auth_principal_fill(p, a, s, 4);
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    if (st != DB_OK || !sid)
        return st;
    if (now >= expires || now - last_seen > AUTH_SESSION_IDLE) {
        s = db_prepare(d, SQL_SESSION_DELETE); /* expired: housekeeping, not audited */
        if (s) {
            db_bind_int(s, 1, sid);
            db_step(s);
            db_reset(s);
        }
        return DB_OK;
    }
    if (!p->csrf || !p->name)
        return DB_NOMEM;
    *found = true;
    if (now - last_seen >= 300) { /* refresh at most every 5 minutes */
        /* housekeeping: on a full or busy disk the reader still reads */
        db_status mark = db_failure(d);
        s = db_prepare(d, SQL_SESSION_TOUCH);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, sid);
        db_bind_int(s, 2, now);
        st = db_step(s);
        db_reset(s);
        if (st != DB_DONE) {
            log_warn("session touch failed: %s", db_status_name(st));
            if (st != DB_NOMEM)
                db_failure_restore(d, mark);
        }
    }
    return DB_OK;
}

static const char SQL_SESSION_OWNER[] =
    "SELECT s.account_id, a.person_id FROM session s JOIN account a ON a.id = s.account_id"
    " WHERE s.id = $1";

/* Ends the session t->entity_id names (gone already: nothing to do) and
 * audits it as its person's logout of the account. */
static db_status session_end_body(tx *t, void *ctx)
{
    int64_t session_id = *(int64_t *)ctx;
    t->action = NULL;
    db_stmt *s = db_query(t->d, SQL_SESSION_OWNER, DB_ARGS(DBI(session_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        t->entity_id = db_col_int(s, 0);
        t->actor_id = db_col_int(s, 1);
    }
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st;
    if ((st = db_do(t->d, SQL_SESSION_DELETE, DB_ARGS(DBI(session_id)))) != DB_OK)
        return st;
    t->action = "logout";
    buf_printf(&t->detail, "{\"session_id\":%lld}", (long long)session_id);
    return DB_OK;
}

db_status auth_session_end(db *d, int64_t session_id)
{
    tx t = TX_INIT(0, NULL, NULL, "account", 0);
    return tx_write(d, &t, session_end_body, &session_id);
}

/* Ends the account's sessions but the one in ctx and revokes its tokens;
 * audited only when something ended. */
static db_status sessions_end_all_body(tx *t, void *ctx)
{
    int64_t keep = *(int64_t *)ctx, n = 0, n_tok = 0;
    t->action = NULL;
    db_status st = auth_account_person(t->d, t->entity_id, &t->actor_id);
    if (st == DB_OK)
        st = auth_sessions_end(t->d, t->entity_id, keep, &n);
    if (st == DB_OK)
        st = auth_tokens_revoke_all(t->d, t->entity_id, time_now(), &n_tok);
    if (st == DB_OK && (n > 0 || n_tok > 0)) {
        t->action = "sessions_end";
        buf_printf(&t->detail, "{\"ended\":%lld,\"kept\":%lld,\"tokens_revoked\":%lld}",
                   (long long)n, (long long)keep, (long long)n_tok);
    }
    return st;
}

db_status auth_sessions_end_all(db *d, int64_t account_id, int64_t keep_session_id)
{
    tx t = TX_INIT(0, NULL, NULL, "account", account_id);
    return tx_write(d, &t, sessions_end_all_body, &keep_session_id);
}

/* The new session inherits account, CSRF token, absolute expiry, address
 * and user agent of the old one: a rotation changes the id, never extends
 * the lifetime. */
static const char SQL_SESSION_COPY[] =
    "INSERT INTO session(token_hash, account_id, csrf, created_at, last_seen_at, expires_at,"
    " ip, user_agent)"
    " SELECT $2, account_id, csrf, $3, $3, expires_at, ip, user_agent FROM session"
    "  WHERE id = $1 AND account_id = $4 AND expires_at > $3";

typedef struct {
    const principal *p;
    const unsigned char *h; /* the new token's hash, 32 bytes */
    int64_t new_id;         /* 0: the old session ended meanwhile */
} rotate_ctx;

static db_status rotate_body(tx *t, void *ctx)
{
    rotate_ctx *c = ctx;
    c->new_id = 0;
    t->action = NULL;
    db_stmt *s = db_prepare(t->d, SQL_SESSION_COPY); /* a blob: no db_do */
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, c->p->session_id);
    db_bind_blob(s, 2, c->h, 32);
    db_bind_int(s, 3, time_now());
    db_bind_int(s, 4, c->p->account_id);
    db_status st = db_run(s);
    if (st != DB_OK || db_changes(t->d) == 0)
        return st;
    c->new_id = db_last_id(t->d);
    if ((st = db_do(t->d, SQL_SESSION_DELETE, DB_ARGS(DBI(c->p->session_id)))) != DB_OK)
        return st;
    t->action = "session_rotate";
    buf_printf(&t->detail, "{\"session_id\":%lld}", (long long)c->new_id);
    return DB_OK;
}

db_status auth_session_rotate(db *d, principal *p, char token_out[AUTH_TOKEN_LEN + 1])
{
    char tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    token_out[0] = '\0';
    if (!p || !p->session_id)
        return DB_CONSTRAINT; /* token principals have no session */
    auth_token_new(tok);
    auth_token_hash(tok, h);
    rotate_ctx c = {.p = p, .h = h};
    tx t = TX_INIT(p->person_id, NULL, NULL, "account", p->account_id);
    db_status st = tx_write(d, &t, rotate_body, &c);
    if (st == DB_OK && c.new_id) {
        p->session_id = c.new_id;
        memcpy(token_out, tok, sizeof tok);
    } else if (st == DB_OK) {
        p->session_id = 0; /* the old session ended meanwhile */
    }
    sodium_memzero(tok, sizeof tok);
    return st;
}

/* --- login ------------------------------------------------------------------------ */

static const char SQL_LOGIN_FIND[] =
    "SELECT a.id, a.person_id, a.pass_hash, a.disabled_at IS NOT NULL"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE p.email = $1 AND p.erased_at IS NULL";
static const char SQL_LAST_LOGIN[] = "UPDATE account SET last_login_at = $2 WHERE id = $1";

typedef struct login_account {
    int64_t id, person_id;
    bool disabled;
    char hash[crypto_pwhash_STRBYTES]; /* "" when no password is set */
} login_account;

static db_status login_find(db *d, const char *em, login_account *acc)
{
    memset(acc, 0, sizeof *acc);
    db_stmt *s = db_prepare(d, SQL_LOGIN_FIND);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, em);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        acc->id = db_col_int(s, 0);
        acc->person_id = db_col_int(s, 1);
        const char *h = db_col_text(s, 2);
        if (h && strlen(h) < sizeof acc->hash)
            strcpy(acc->hash, h);
        acc->disabled = db_col_int(s, 3) != 0;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* What login_body needs: the account found, whether the password was
 * right, the provisional failure row, and where the cookies go. */
typedef struct {
    const login_account *acc;
    bool ok;
    int64_t fail_id, device_id, now;
    const char *device, *ua;
    char *tok, *dev; /* AUTH_TOKEN_LEN + 1 each */
} login_ctx;

/* The outcome of a checked password: the session, device cookie and
 * last-login time with a "login" row, or a "login_failed" row. */
static db_status login_body(tx *t, void *ctx)
{
    login_ctx *c = ctx;
    const login_account *acc = c->acc;
    int64_t sid = 0;
    db_status st = DB_OK;
    t->entity = acc->id ? "account" : NULL;
    t->entity_id = acc->id;
    if (!c->ok || acc->disabled) {
        t->action = "login_failed";
        if (c->ok)
            buf_puts(&t->detail, "{\"reason\":\"disabled\"}");
        return DB_OK;
    }
    if ((st = db_do(t->d, auth_sql_fail_delete, DB_ARGS(DBI(c->fail_id)))) != DB_OK)
        return st;
    st =
        db_do(t->d, SQL_SESSIONS_STALE, DB_ARGS(DBI(acc->id), DBI(c->now), DBI(AUTH_SESSION_IDLE)));
    if (st == DB_OK)
        st = session_insert(t->d, acc->id, c->now, t->ip, c->ua, c->tok, &sid);
    if (st == DB_OK)
        st = auth_device_remember(t->d, acc->id, c->device_id, c->device, c->now, c->dev);
    if (st == DB_OK)
        st = db_do(t->d, SQL_LAST_LOGIN, DB_ARGS(DBI(acc->id), DBI(c->now)));
    t->action = "login";
    t->actor_id = acc->person_id;
    buf_printf(&t->detail, "{\"session_id\":%lld,\"known_device\":%s}", (long long)sid,
               c->device_id ? "true" : "false");
    return st;
}

/* The attempt is counted before the password is checked: throttle check
 * and the (provisional) failure row share one write transaction, so
 * parallel guesses cannot all pass a check made before any of them was
 * recorded. A successful login removes its row again. */
db_status auth_login(db *d, arena *a, const char *email, const char *password, const char *ip,
                     const char *user_agent, const char *device, login_result *res,
                     char token_out[AUTH_TOKEN_LEN + 1], char device_out[AUTH_TOKEN_LEN + 1],
                     int64_t *wait_s)
{
    assert(d && a);
    char em[EMAIL_MAX + 1], tok[AUTH_TOKEN_LEN + 1], dev[AUTH_TOKEN_LEN + 1];
    login_account acc;
    int64_t now = time_now(), fail_id = 0, device_id = 0;
    *res = LOGIN_BAD;
    *wait_s = 0;
    token_out[0] = '\0';
    device_out[0] = '\0';
    tok[0] = '\0';
    dev[0] = '\0';
    memset(&acc, 0, sizeof acc);
    auth_email_norm(email, em);
    if (!password)
        password = "";

    db_status st = auth_attempt_count(d, em, ip, device, false, now, &device_id, wait_s, &fail_id);
    if (st != DB_OK)
        goto cleanup;
    if (*wait_s > 0) {
        *res = LOGIN_THROTTLED;
        goto cleanup;
    }

    st = login_find(d, em, &acc);
    if (st != DB_OK)
        goto cleanup;
    bool usable = acc.id && acc.hash[0] && strlen(password) <= 4 * AUTH_PASSWORD_MAX;
    bool ok = auth_password_verify(password, usable ? acc.hash : DUMMY_HASH) && usable;

    login_ctx c = {.acc = &acc,
                   .ok = ok,
                   .fail_id = fail_id,
                   .device_id = device_id,
                   .device = device,
                   .ua = user_agent,
                   .now = now,
                   .tok = tok,
                   .dev = dev};
    tx t = TX_INIT(0, ip, NULL, NULL, 0);
    t.locks = DB_LOCK_LOGIN; /* as the attempt's count (auth_attempt_count) */
    if ((st = tx_write(d, &t, login_body, &c)) != DB_OK)
        goto cleanup;
    if (ok && !acc.disabled) {
        *res = LOGIN_OK;
        memcpy(token_out, tok, sizeof tok);
        memcpy(device_out, dev, sizeof dev);
    } else {
        *res = ok ? LOGIN_DISABLED : LOGIN_BAD;
    }
cleanup:
    if (st != DB_OK)
        *res = LOGIN_BAD;
    sodium_memzero(tok, sizeof tok);
    sodium_memzero(dev, sizeof dev);
    sodium_memzero(&acc, sizeof acc);
    (void)a;
    return st;
}

db_status auth_check_password(db *d, const char *email, const char *password, const char *ip,
                              bool trusted, bool *ok, int64_t *wait_s)
{
    char em[EMAIL_MAX + 1];
    login_account acc;
    int64_t now = time_now(), fail_id = 0;
    *ok = false;
    *wait_s = 0;
    auth_email_norm(email, em);
    if (!password)
        password = "";
    /* throttled and counted like a login, so a stolen session cannot be
     * used to guess the password at full speed */
    int64_t device_id = 0;
    db_status st = auth_attempt_count(d, em, ip, NULL, trusted, now, &device_id, wait_s, &fail_id);
    if (st != DB_OK || *wait_s > 0)
        return st;
    st = login_find(d, em, &acc);
    if (st == DB_OK) {
        bool usable =
            acc.id && acc.hash[0] && !acc.disabled && strlen(password) <= 4 * AUTH_PASSWORD_MAX;
        *ok = auth_password_verify(password, usable ? acc.hash : DUMMY_HASH) && usable;
    }
    if (st == DB_OK && *ok) /* right: the attempt does not count */
        st = db_do(d, auth_sql_fail_delete, DB_ARGS(DBI(fail_id)));
    sodium_memzero(&acc, sizeof acc);
    return st;
}
