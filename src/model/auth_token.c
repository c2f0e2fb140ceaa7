/* auth_token.c: API tokens (see auth.h).
 *
 * Bearer tokens for /api/v1: random, stored hashed, read-only or write,
 * expiring after 30 to 365 days; revoked by their owner, a password change
 * or reset, "log out everywhere" and disabling the account. */
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

/* --- API tokens ------------------------------------------------------------------- */

static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_token(account_id, name, token_hash, scope, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)";
typedef struct {
    const char *name;
    const unsigned char *h; /* the token's hash, 32 bytes */
    int64_t account_id;
    bool write;
    int days;
} token_ctx;

static db_status token_create_body(tx *t, void *ctx)
{
    token_ctx *c = ctx;
    int64_t account_id = c->account_id, now = time_now();
    db_status st = auth_account_person(t->d, account_id, &t->actor_id);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_prepare(t->d, SQL_TOKEN_INSERT); /* a blob: no db_do */
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_bind_text(s, 2, c->name);
    db_bind_blob(s, 3, c->h, 32);
    db_bind_text(s, 4, c->write ? "write" : "read");
    db_bind_int(s, 5, now);
    db_bind_int(s, 6, now + (int64_t)c->days * 86400);
    if ((st = db_run(s)) != DB_OK)
        return st;
    t->entity_id = db_last_id(t->d);
    buf_printf(&t->detail, "{\"scope\":\"%s\",\"days\":%d}", c->write ? "write" : "read", c->days);
    return DB_OK;
}

db_status auth_token_create(db *d, int64_t account_id, const char *name, bool write, int days,
                            char token_out[AUTH_TOKEN_LEN + 1], int64_t *id)
{
    char tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    token_out[0] = '\0';
    *id = 0;
    if (!name || !*name || strlen(name) > TOKEN_NAME_MAX || days < 1 || days > AUTH_TOKEN_DAYS_MAX)
        return DB_CONSTRAINT;
    auth_token_new(tok);
    auth_token_hash(tok, h);
    token_ctx c = {.name = name, .h = h, .account_id = account_id, .write = write, .days = days};
    tx t = TX_INIT(0, NULL, "token_create", "api_token", 0);
    db_status st = tx_write(d, &t, token_create_body, &c);
    if (st == DB_OK) {
        *id = t.entity_id;
        memcpy(token_out, tok, sizeof tok);
    }
    sodium_memzero(tok, sizeof tok);
    return st;
}

static const char SQL_TOKEN_LIST[] =
    "SELECT id, name, scope, created_at, coalesce(last_used_at, 0), coalesce(revoked_at, 0),"
    "       expires_at"
    "  FROM api_token WHERE account_id = $1 ORDER BY id DESC";

static void token_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    api_token_info *t = item;
    t->id = db_col_int(s, 0);
    t->name = arena_strdup(a, db_col_text(s, 1));
    t->write = strcmp(db_col_text(s, 2), "write") == 0;
    t->created_at = db_col_int(s, 3);
    t->last_used_at = db_col_int(s, 4);
    t->revoked_at = db_col_int(s, 5);
    t->expires_at = db_col_int(s, 6);
    if (!t->name)
        *oom = true;
}

db_status auth_token_list(db *d, arena *a, int64_t account_id, api_token_info **items, size_t *n)
{
    assert(d && a);
    api_token_info *out = NULL;
    size_t count = 0;
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_TOKEN_LIST);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_status st = db_collect(s, a, (void **)&out, &count, sizeof *out, token_row, NULL);
    if (st == DB_OK) { /* nothing half-read reaches the caller */
        *items = out;
        *n = count;
    }
    return st;
}

static const char SQL_TOKEN_STATE[] =
    "SELECT revoked_at IS NOT NULL FROM api_token WHERE id = $1 AND account_id = $2";
static const char SQL_TOKEN_REVOKE[] = "UPDATE api_token SET revoked_at = $2 WHERE id = $1";

typedef struct {
    int64_t account_id;
    bool found;
} revoke_ctx;

/* Revokes token t->entity_id of c->account_id; c->found: whether it is
 * theirs. Audited only when it changes. */
static db_status token_revoke_body(tx *t, void *ctx)
{
    revoke_ctx *c = ctx;
    c->found = false;
    t->action = NULL;
    db_stmt *s = db_query(t->d, SQL_TOKEN_STATE, DB_ARGS(DBI(t->entity_id), DBI(c->account_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    bool revoked = st == DB_ROW && db_col_int(s, 0) != 0;
    db_reset(s);
    if (st != DB_ROW) /* DB_DONE: not theirs */
        return st == DB_DONE ? DB_OK : st;
    c->found = true;
    if (revoked) /* already: nothing changes */
        return DB_OK;
    if ((st = auth_account_person(t->d, c->account_id, &t->actor_id)) != DB_OK)
        return st;
    if ((st = db_do(t->d, SQL_TOKEN_REVOKE, DB_ARGS(DBI(t->entity_id), DBI(time_now())))) != DB_OK)
        return st;
    t->action = "token_revoke";
    return DB_OK;
}

db_status auth_token_revoke(db *d, int64_t account_id, int64_t token_id, bool *found)
{
    revoke_ctx c = {.account_id = account_id};
    tx t = TX_INIT(0, NULL, NULL, "api_token", token_id);
    db_status st = tx_write(d, &t, token_revoke_body, &c);
    *found = st == DB_OK && c.found;
    return st;
}

static const char SQL_TOKEN_FIND[] =
    "SELECT t.id, t.scope, a.id, a.person_id, coalesce(a.secretariat, ''), p.name, p.email,"
    "       coalesce(t.last_used_at, 0), t.expires_at"
    "  FROM api_token t JOIN account a ON a.id = t.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL"
    "   AND p.erased_at IS NULL";
static const char SQL_TOKEN_USED[] =
    "UPDATE api_token SET last_used_at = $2 WHERE id = $1 AND coalesce(last_used_at, 0) < $2 - 60";

db_status auth_token_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                            token_state *state)
{
    assert(d && a);
    unsigned char h[32];
    *state = TOKEN_UNKNOWN;
    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_TOKEN_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_status st = db_step(s);
    int64_t last_used = 0;
    if (st == DB_ROW && now >= db_col_int(s, 8)) {
        *state = TOKEN_EXPIRED; /* and not used: last_used_at stays */
        st = DB_OK;
    } else if (st == DB_ROW) {
        memset(p, 0, sizeof *p);
        p->token_expires_at = db_col_int(s, 8);
        last_used = db_col_int(s, 7);
        p->token_id = db_col_int(s, 0);
        p->token_write = strcmp(db_col_text(s, 1), "write") == 0;
        auth_principal_fill(p, a, s, 2);
        st = p->name ? DB_OK : DB_NOMEM;
        if (st == DB_OK)
            *state = TOKEN_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    /* records use at most once a minute; housekeeping, not audited. Checked
     * here first: an UPDATE that matches nothing still takes the write lock,
     * and this runs on every API request. */
    if (*state == TOKEN_OK && last_used < now - 60) {
        db_status mark = db_failure(d);
        s = db_prepare(d, SQL_TOKEN_USED);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, p->token_id);
        db_bind_int(s, 2, now);
        db_status used = db_step(s);
        db_reset(s);
        if (used != DB_DONE && used != DB_NOMEM) /* housekeeping, as above */
            db_failure_restore(d, mark);
    }
    return st;
}
