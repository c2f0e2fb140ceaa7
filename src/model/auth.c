/* auth.c: accounts, passwords, sessions, API tokens, one-time links and
 * login throttling (see auth.h). */
#include "model/auth.h"

#include <sodium.h>
#include <string.h>

#include "core/log.h"

void auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void auth_token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static const char SQL_SESSION_FIND[] =
    "SELECT s.id, s.csrf, s.last_seen_at, s.expires_at, a.id, a.person_id, "
    "       coalesce(a.secretariat, ''), p.name, p.email"
    "  FROM session s JOIN account a ON a.id = s.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE s.token_hash = $1 AND a.disabled_at IS NULL AND p.erased_at IS NULL";
static const char SQL_SESSION_TOUCH[] = "UPDATE session SET last_seen_at = $2 WHERE id = $1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM session WHERE id = $1";

static secretariat_role parse_sec(const char *s)
{
    if (s && strcmp(s, "admin") == 0)
        return SEC_ADMIN;
    if (s && strcmp(s, "editor") == 0)
        return SEC_EDITOR;
    return SEC_NONE;
}

db_status auth_session_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                              bool *found)
{
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
        p->account_id = db_col_int(s, 4);
        p->person_id = db_col_int(s, 5);
        p->secretariat = parse_sec(db_col_text(s, 6));
        p->name = arena_strdup(a, db_col_text(s, 7));
        p->email = arena_strdup(a, db_col_text(s, 8));
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    if (st != DB_OK || !sid)
        return st;
    if (now >= expires || now - last_seen > AUTH_SESSION_IDLE) {
        s = db_prepare(d, SQL_SESSION_DELETE); /* expired: remove it */
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
        s = db_prepare(d, SQL_SESSION_TOUCH);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, sid);
        db_bind_int(s, 2, now);
        st = db_step(s);
        db_reset(s);
        if (st != DB_DONE)
            log_warn("session touch failed: %s", db_status_name(st));
    }
    return DB_OK;
}

static const char SQL_TOKEN_FIND[] =
    "SELECT t.id, t.scope, a.id, a.person_id, coalesce(a.secretariat, ''), p.name, p.email"
    "  FROM api_token t JOIN account a ON a.id = t.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL"
    "   AND p.erased_at IS NULL";
static const char SQL_TOKEN_USED[] =
    "UPDATE api_token SET last_used_at = $2 WHERE id = $1 AND coalesce(last_used_at, 0) < $2 - 60";

db_status auth_token_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                            bool *found)
{
    unsigned char h[32];
    *found = false;
    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_TOKEN_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        memset(p, 0, sizeof *p);
        p->token_id = db_col_int(s, 0);
        p->token_write = strcmp(db_col_text(s, 1), "write") == 0;
        p->account_id = db_col_int(s, 2);
        p->person_id = db_col_int(s, 3);
        p->secretariat = parse_sec(db_col_text(s, 4));
        p->name = arena_strdup(a, db_col_text(s, 5));
        p->email = arena_strdup(a, db_col_text(s, 6));
        st = p->name ? DB_OK : DB_NOMEM;
        *found = st == DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    if (*found) {
        s = db_prepare(d, SQL_TOKEN_USED);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, p->token_id);
        db_bind_int(s, 2, now);
        db_step(s);
        db_reset(s);
    }
    return st;
}
