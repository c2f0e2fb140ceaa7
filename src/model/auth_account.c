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
    db_stmt *s = db_prepare(d, SQL_ACCOUNT_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    db_bind_text(s, 2, hash);
    db_bind_text(s, 3, auth_sec_name(sec));
    db_bind_int(s, 4, now);
    if (hash)
        db_bind_int(s, 5, now);
    db_status st = db_run(s);
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
    db_stmt *s = db_prepare(d, SQL_PERSON_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, name);
    db_bind_text(s, 2, em);
    db_bind_int(s, 3, now);
    db_status st = db_run(s);
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

db_status auth_account_create(db *d, const char *name, const char *email, const char *password,
                              secretariat_role sec, int64_t actor_id, int64_t *account_id)
{
    char em[EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
    int64_t person_id = 0;
    bool has_pw = password && *password;
    *account_id = 0;
    if (!auth_email_norm(email, em) || !strchr(em, '@') || !auth_name_ok(name) || sec < SEC_NONE ||
        sec > SEC_ADMIN)
        return DB_CONSTRAINT;
    if (has_pw && auth_password_hash(password, hash) != 0)
        return DB_NOMEM; /* hashed before the transaction: it takes a while */
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    st = auth_person_account_insert(d, name, em, has_pw ? hash : NULL, sec, actor_id, time_now(),
                                    account_id, &person_id);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK) {
        db_rollback(d);
        *account_id = 0;
    }
    sodium_memzero(hash, sizeof hash);
    return st;
}

const char auth_sql_password_set[] =
    "UPDATE account SET pass_hash = $2, password_changed_at = $3 WHERE id = $1";

db_status auth_password_set(db *d, int64_t account_id, const char *password, int64_t keep_session,
                            int64_t actor_id)
{
    char hash[crypto_pwhash_STRBYTES];
    int64_t person_id = 0, n = 0, n_tok = 0, now = time_now();
    if (!password || !*password)
        return DB_CONSTRAINT;
    if (auth_password_hash(password, hash) != 0)
        return DB_NOMEM;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = auth_account_person(d, account_id, &person_id)) != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, auth_sql_password_set);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_text(s, 2, hash);
    db_bind_int(s, 3, now);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = auth_sessions_end(d, account_id, keep_session, &n)) != DB_OK)
        goto cleanup;
    if ((st = auth_tokens_revoke_all(d, account_id, now, &n_tok)) != DB_OK)
        goto cleanup;
    st = auth_audit_fmt(d, actor_id, NULL, "password_change", "account", account_id,
                        "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld}", (long long)n,
                        (long long)n_tok);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    sodium_memzero(hash, sizeof hash);
    return st;
}

static const char SQL_DISABLE[] =
    "UPDATE account SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, $3) END"
    " WHERE id = $1";

db_status auth_account_disable(db *d, int64_t account_id, bool disabled, int64_t actor_id)
{
    int64_t person_id = 0, n = 0, n_tok = 0, now = time_now();
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = auth_account_person(d, account_id, &person_id)) != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_DISABLE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_int(s, 2, disabled ? 1 : 0);
    db_bind_int(s, 3, now);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (disabled && (st = auth_sessions_end(d, account_id, 0, &n)) != DB_OK)
        goto cleanup;
    /* revoked, not merely suspended: enabling the account must not bring
     * back a token someone may have taken while it was disabled */
    if (disabled && (st = auth_tokens_revoke_all(d, account_id, now, &n_tok)) != DB_OK)
        goto cleanup;
    if (disabled)
        st = auth_audit_fmt(d, actor_id, NULL, "account_disable", "account", account_id,
                            "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld}", (long long)n,
                            (long long)n_tok);
    else
        st = auth_audit_fmt(d, actor_id, NULL, "account_enable", "account", account_id,
                            "{\"sessions_ended\":0}");
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

static const char SQL_SEC_GET[] = "SELECT coalesce(secretariat, '') FROM account WHERE id = $1";
static const char SQL_SEC_SET[] = "UPDATE account SET secretariat = $2 WHERE id = $1";

db_status auth_secretariat_set(db *d, int64_t account_id, secretariat_role sec, int64_t actor_id)
{
    int64_t n = 0;
    if (sec < SEC_NONE || sec > SEC_ADMIN)
        return DB_CONSTRAINT;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_SEC_GET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    st = db_step(s);
    secretariat_role was = st == DB_ROW ? auth_parse_sec(db_col_text(s, 0)) : SEC_NONE;
    db_reset(s);
    if (st != DB_ROW) {
        st = st == DB_DONE ? DB_CONSTRAINT : st;
        goto cleanup;
    }
    s = db_prepare(d, SQL_SEC_SET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_text(s, 2, auth_sec_name(sec));
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    /* rights changed: every session of the account must be a new one */
    if ((st = auth_sessions_end(d, account_id, 0, &n)) != DB_OK)
        goto cleanup;
    const char *from = auth_sec_name(was), *to = auth_sec_name(sec);
    st = auth_audit_fmt(d, actor_id, NULL, "rights_change", "account", account_id,
                        "{\"secretariat\":{\"from\":\"%s\",\"to\":\"%s\"},\"sessions_ended\":%lld}",
                        from ? from : "none", to ? to : "none", (long long)n);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
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

db_status auth_bootstrap_admin(db *d, const char *email, char password_out[32], bool *created)
{
    char em[EMAIL_MAX + 1], pw[21], hash[crypto_pwhash_STRBYTES];
    int64_t n = 0, account_id = 0, person_id = 0;
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
    if ((st = db_begin_write(d)) != DB_OK)
        goto cleanup;
    if ((st = db_scalar_int(d, SQL_ACCOUNT_COUNT, &n)) != DB_OK || n > 0)
        goto cleanup; /* another process was quicker */
    st = auth_person_account_insert(d, "Administrator", em, hash, SEC_ADMIN, 0, time_now(),
                                    &account_id, &person_id);
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_commit(d)) != DB_OK)
        goto cleanup;
    memcpy(password_out, pw, sizeof pw);
    *created = true;
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(hash, sizeof hash);
    return st;
}
