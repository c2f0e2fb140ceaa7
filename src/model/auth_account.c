/* auth_account.c: accounts (see auth.h).
 *
 * Creating accounts (and their person), setting a password, disabling and
 * enabling, the secretariat role, lookup by e-mail and the first
 * administrator of a new database. */
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

/* --- accounts --------------------------------------------------------------------- */

static const char SQL_PERSON_INSERT[] =
    "INSERT INTO person(name, email, created_at, updated_at) VALUES ($1, $2, $3, $3)";
static const char SQL_ACCOUNT_INSERT[] =
    "INSERT INTO account(person_id, pass_hash, secretariat, created_at, password_changed_at)"
    " VALUES ($1, $2, $3, $4, $5)";

db_status auth_account_insert(db *d, int64_t person_id, const char *hash, secretariat_role sec,
                              int64_t actor_id, int64_t now, int64_t *account_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_status st = db_do(d, SQL_ACCOUNT_INSERT,
                         DB_ARGS(DBI(person_id), DBT(hash), DBT(auth_sec_name(sec)), DBI(now),
                                 hash ? DBI(now) : DBNULL));
    if (st != DB_OK)
        return st;
    *account_id = db_last_id(d);
    const char *sn = auth_sec_name(sec);
    return auth_audit_fmt(d, actor_id, NULL, "account_create", "account", *account_id,
                          "{\"person_id\":%lld,\"secretariat\":%s%s%s}", (long long)person_id,
                          sn ? "\"" : "", sn ? sn : "null", sn ? "\"" : "");
}

db_status auth_person_account_insert(db *d, const char *name, const char *em, const char *hash,
                                     secretariat_role sec, int64_t actor_id, int64_t now,
                                     int64_t *account_id, int64_t *person_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_status st = db_do(d, SQL_PERSON_INSERT, DB_ARGS(DBT(name), DBT(em), DBI(now)));
    if (st != DB_OK)
        return st;
    *person_id = db_last_id(d);
    return auth_account_insert(d, *person_id, hash, sec, actor_id, now, account_id);
}

bool auth_name_ok(const char *name)
{
    if (!name)
        return false;
    for (; *name; name++)
        if (!auth_is_ws(*name))
            return true;
    return false;
}

/* What auth_account_create's body needs and gives back. */
typedef struct {
    const char *name, *em, *hash;
    secretariat_role sec;
    int64_t account_id;
} create_ctx;

static db_status create_body(tx *t, void *ctx)
{
    create_ctx *c = ctx;
    int64_t person_id = 0;
    /* auth_account_insert writes the audit row (its other callers need it) */
    return auth_person_account_insert(t->d, c->name, c->em, c->hash, c->sec, t->actor_id,
                                      time_now(), &c->account_id, &person_id);
}

db_status auth_account_create(db *d, const char *name, const char *email, const char *password,
                              secretariat_role sec, int64_t actor_id, int64_t *account_id)
{
    char em[EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
    bool has_pw = password && *password;
    *account_id = 0;
    if (!auth_email_norm(email, em) || !strchr(em, '@') || !auth_name_ok(name) || sec < SEC_NONE ||
        sec > SEC_ADMIN)
        return DB_CONSTRAINT;
    if (has_pw && auth_password_hash(password, hash) != 0)
        return DB_NOMEM; /* hashed before the transaction: it takes a while */
    create_ctx c = {.name = name, .em = em, .hash = has_pw ? hash : NULL, .sec = sec};
    tx t = TX_INIT(actor_id, NULL, NULL, NULL, 0);
    db_status st = tx_write(d, &t, create_body, &c);
    if (st == DB_OK)
        *account_id = c.account_id;
    sodium_memzero(hash, sizeof hash);
    return st;
}

const char auth_sql_password_set[] =
    "UPDATE account SET pass_hash = $2, password_changed_at = $3 WHERE id = $1";

/* What the password, disable and rights bodies share: the account, what
 * to set, and the session to keep. */
typedef struct {
    const char *hash;
    bool disabled;
    secretariat_role sec;
    int64_t keep_session;
} account_ctx;

static db_status password_body(tx *t, void *ctx)
{
    account_ctx *c = ctx;
    int64_t person_id = 0, n = 0, n_tok = 0, now = time_now();
    db_status st = auth_account_person(t->d, t->entity_id, &person_id);
    if (st == DB_OK)
        st = db_do(t->d, auth_sql_password_set, DB_ARGS(DBI(t->entity_id), DBT(c->hash), DBI(now)));
    if (st == DB_OK)
        st = auth_sessions_end(t->d, t->entity_id, c->keep_session, &n);
    if (st == DB_OK)
        st = auth_tokens_revoke_all(t->d, t->entity_id, now, &n_tok);
    buf_printf(&t->detail, "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld}", (long long)n,
               (long long)n_tok);
    return st;
}

db_status auth_password_set(db *d, int64_t account_id, const char *password, int64_t keep_session,
                            int64_t actor_id)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!password || !*password)
        return DB_CONSTRAINT;
    if (auth_password_hash(password, hash) != 0)
        return DB_NOMEM;
    account_ctx c = {.hash = hash, .keep_session = keep_session};
    tx t = TX_INIT(actor_id, NULL, "password_change", "account", account_id);
    db_status st = tx_write(d, &t, password_body, &c);
    sodium_memzero(hash, sizeof hash);
    return st;
}

static const char SQL_DISABLE[] =
    "UPDATE account SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, $3) END"
    " WHERE id = $1";

static db_status disable_body(tx *t, void *ctx)
{
    account_ctx *c = ctx;
    int64_t person_id = 0, n = 0, n_tok = 0, now = time_now();
    db_status st = auth_account_person(t->d, t->entity_id, &person_id);
    if (st == DB_OK)
        st = db_do(t->d, SQL_DISABLE, DB_ARGS(DBI(t->entity_id), DBI(c->disabled), DBI(now)));
    if (st == DB_OK && c->disabled)
        st = auth_sessions_end(t->d, t->entity_id, 0, &n);
    /* revoked, not merely suspended: enabling the account must not bring
     * back a token someone may have taken while it was disabled */
    if (st == DB_OK && c->disabled)
        st = auth_tokens_revoke_all(t->d, t->entity_id, now, &n_tok);
    if (c->disabled)
        buf_printf(&t->detail, "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld}", (long long)n,
                   (long long)n_tok);
    else
        buf_puts(&t->detail, "{\"sessions_ended\":0}");
    return st;
}

db_status auth_account_disable(db *d, int64_t account_id, bool disabled, int64_t actor_id)
{
    account_ctx c = {.disabled = disabled};
    tx t = TX_INIT(actor_id, NULL, disabled ? "account_disable" : "account_enable", "account",
                   account_id);
    return tx_write(d, &t, disable_body, &c);
}

static const char SQL_SEC_GET[] = "SELECT coalesce(secretariat, '') FROM account WHERE id = $1";
static const char SQL_SEC_SET[] = "UPDATE account SET secretariat = $2 WHERE id = $1";

static db_status secretariat_body(tx *t, void *ctx)
{
    account_ctx *c = ctx;
    int64_t n = 0;
    db_stmt *s = db_query(t->d, SQL_SEC_GET, DB_ARGS(DBI(t->entity_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    secretariat_role was = st == DB_ROW ? auth_parse_sec(db_col_text(s, 0)) : SEC_NONE;
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_CONSTRAINT : st;
    st = db_do(t->d, SQL_SEC_SET, DB_ARGS(DBI(t->entity_id), DBT(auth_sec_name(c->sec))));
    /* rights changed: every session of the account must be a new one */
    if (st == DB_OK)
        st = auth_sessions_end(t->d, t->entity_id, 0, &n);
    const char *from = auth_sec_name(was), *to = auth_sec_name(c->sec);
    buf_printf(&t->detail,
               "{\"secretariat\":{\"from\":\"%s\",\"to\":\"%s\"},\"sessions_ended\":%lld}",
               from ? from : "none", to ? to : "none", (long long)n);
    return st;
}

db_status auth_secretariat_set(db *d, int64_t account_id, secretariat_role sec, int64_t actor_id)
{
    if (sec < SEC_NONE || sec > SEC_ADMIN)
        return DB_CONSTRAINT;
    account_ctx c = {.sec = sec};
    tx t = TX_INIT(actor_id, NULL, "rights_change", "account", account_id);
    return tx_write(d, &t, secretariat_body, &c);
}

static const char SQL_ACCOUNT_BY_EMAIL[] =
    "SELECT a.id, a.person_id, coalesce(a.secretariat, ''), p.name, p.email"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE p.email = $1 AND p.erased_at IS NULL";

db_status auth_account_by_email(db *d, arena *a, const char *email, principal *p, bool *found)
{
    assert(d && a);
    char em[EMAIL_MAX + 1];
    *found = false;
    if (!auth_email_norm(email, em))
        return DB_OK;
    db_stmt *s = db_prepare(d, SQL_ACCOUNT_BY_EMAIL);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, em);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        memset(p, 0, sizeof *p);
        p->account_id = db_col_int(s, 0);
        p->person_id = db_col_int(s, 1);
        p->secretariat = auth_parse_sec(db_col_text(s, 2));
        p->name = arena_strdup(a, db_col_text(s, 3));
        p->email = arena_strdup(a, db_col_text(s, 4));
        st = p->name && p->email ? DB_OK : DB_NOMEM;
        *found = st == DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

static const char SQL_ACCOUNT_COUNT[] = "SELECT count(*) FROM account";

/* No 0/O/o, 1/l/I/i: a password read off a terminal is typed right. */
static const char UNAMBIGUOUS[] = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/* The first administrator, unless an account appeared meanwhile (then
 * c->account_id stays 0 and nothing is written). */
static db_status bootstrap_body(tx *t, void *ctx)
{
    create_ctx *c = ctx;
    int64_t n = 0;
    c->account_id = 0;
    db_status st = db_scalar_int(t->d, SQL_ACCOUNT_COUNT, &n);
    if (st != DB_OK || n > 0)
        return st;
    return create_body(t, ctx);
}

db_status auth_bootstrap_admin(db *d, const char *email, char password_out[32], bool *created)
{
    char em[EMAIL_MAX + 1], pw[21], hash[crypto_pwhash_STRBYTES];
    int64_t n = 0;
    *created = false;
    password_out[0] = '\0';
    pw[0] = '\0';
    hash[0] = '\0';
    if (!auth_email_norm(email && *email ? email : "admin@scan.local", em) || !strchr(em, '@'))
        return DB_CONSTRAINT;
    db_status st = db_scalar_int(d, SQL_ACCOUNT_COUNT, &n);
    if (st != DB_OK || n > 0)
        goto cleanup; /* the common case, without hashing */
    for (size_t i = 0; i < 20; i++)
        pw[i] = UNAMBIGUOUS[randombytes_uniform((uint32_t)(sizeof UNAMBIGUOUS - 1))];
    pw[20] = '\0';
    if (auth_password_hash(pw, hash) != 0) {
        st = DB_NOMEM;
        goto cleanup;
    }
    create_ctx c = {.name = "Administrator", .em = em, .hash = hash, .sec = SEC_ADMIN};
    tx t = TX_INIT(0, NULL, NULL, NULL, 0);
    if ((st = tx_write(d, &t, bootstrap_body, &c)) != DB_OK || !c.account_id)
        goto cleanup; /* failed, or another process was quicker */
    memcpy(password_out, pw, sizeof pw);
    *created = true;
cleanup:
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(hash, sizeof hash);
    return st;
}
