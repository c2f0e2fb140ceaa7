/* auth_throttle.c: login throttling and remembered devices (see auth.h).
 *
 * Three limits, the longest wait winning: per (account, address), per
 * address, and per account from all addresses together; the last does not
 * apply to a client with a device cookie of a recent successful login,
 * which this file also stores (login_device, hashed). Used by
 * auth_session.c's login. */
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
#include "model/tx.h"
#include "model/mail.h"
#include "model/rights.h"

/* --- throttling ----------------------------------------------------------------- */

static const char SQL_FAIL_BY_EMAIL[] =
    "SELECT count(*), coalesce(max(at), 0) FROM login_failure WHERE email = $1 AND at > $2";
static const char SQL_FAIL_BY_PAIR[] = "SELECT count(*), coalesce(max(at), 0) FROM login_failure"
                                       " WHERE email = $1 AND ip = $3 AND at > $2";
static const char SQL_FAIL_BY_IP[] =
    "SELECT count(*), coalesce(max(at), 0) FROM login_failure WHERE ip = $1 AND at > $2";
/* The ($3 + 1)-th newest failure of the hour: when it is an hour old, fewer
 * than AUTH_FAIL_CAP remain. */
static const char SQL_FAIL_NTH[] = "SELECT at FROM login_failure WHERE email = $1 AND at > $2"
                                   " ORDER BY at DESC LIMIT 1 OFFSET $3";
static const char SQL_FAIL_INSERT[] =
    "INSERT INTO login_failure(email, ip, at) VALUES ($1, $2, $3)";
const char auth_sql_fail_delete[] = "DELETE FROM login_failure WHERE id = $1";
/* Looks at the oldest 64 rows only, so it never scans the table. */
static const char SQL_FAIL_PRUNE[] =
    "DELETE FROM login_failure WHERE id IN (SELECT id FROM"
    " (SELECT id, at FROM login_failure ORDER BY id LIMIT 64) AS oldest WHERE at < $1)";

/* Counts failures since `since` by key (email or ip; with key2 the ip of
 * an (email, ip) pair), with the newest. */
static db_status fail_stats(db *d, const char *sql, const char *key, const char *key2,
                            int64_t since, int64_t *n, int64_t *last)
{
    *n = *last = 0;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, key);
    db_bind_int(s, 2, since);
    if (key2)
        db_bind_textn(s, 3, key2, strnlen(key2, IP_MAX));
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *n = db_col_int(s, 0);
        *last = db_col_int(s, 1);
    }
    db_reset(s);
    return st == DB_ROW ? DB_OK : st == DB_DONE ? DB_ERR : st;
}

/* The growing delay: nothing for the first `free_n` failures, then 2, 4,
 * 8 ... seconds after the newest one, at most AUTH_FAIL_DELAY_MAX. */
static int64_t backoff(int64_t n, int64_t free_n, int64_t last, int64_t now)
{
    if (n <= free_n)
        return 0;
    int64_t over = n - free_n;
    int64_t delay = over >= 30 ? AUTH_FAIL_DELAY_MAX : (int64_t)1 << over;
    if (delay > AUTH_FAIL_DELAY_MAX)
        delay = AUTH_FAIL_DELAY_MAX;
    int64_t w = last + delay - now;
    return w > 0 ? w : 0;
}

db_status auth_throttle_compute(db *d, const char *em, const char *ip, bool trusted, int64_t now,
                                int64_t *wait_s)
{
    *wait_s = 0;
    int64_t since = now - 3600, n = 0, last = 0, w = 0;
    db_status st = DB_OK;
    if (ip && *ip) {
        st = fail_stats(d, SQL_FAIL_BY_PAIR, em, ip, since, &n, &last);
        if (st != DB_OK)
            return st;
        w = backoff(n, AUTH_FAIL_FREE, last, now);
    }
    st = trusted ? DB_OK : fail_stats(d, SQL_FAIL_BY_EMAIL, em, NULL, since, &n, &last);
    if (st != DB_OK)
        return st;
    if (!trusted && n >= AUTH_FAIL_CAP) {
        db_stmt *s = db_prepare(d, SQL_FAIL_NTH);
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, em);
        db_bind_int(s, 2, since);
        db_bind_int(s, 3, AUTH_FAIL_CAP - 1);
        st = db_step(s);
        int64_t at = st == DB_ROW ? db_col_int(s, 0) : 0;
        db_reset(s);
        if (st != DB_ROW)
            return st == DB_DONE ? DB_ERR : st;
        if (at + 3600 - now > w)
            w = at + 3600 - now;
    }
    if (ip && *ip) {
        st = fail_stats(d, SQL_FAIL_BY_IP, ip, NULL, since, &n, &last);
        if (st != DB_OK)
            return st;
        int64_t wi = backoff(n, AUTH_FAIL_FREE_IP, last, now);
        if (wi > w)
            w = wi;
    }
    *wait_s = w;
    return DB_OK;
}

db_status auth_throttle_wait(db *d, const char *email, const char *ip, bool trusted, int64_t now,
                             int64_t *wait_s)
{
    char em[EMAIL_MAX + 1];
    auth_email_norm(email, em);
    return auth_throttle_compute(d, em, ip, trusted, now, wait_s);
}

db_status auth_failure_insert(db *d, const char *em, const char *ip, int64_t now, int64_t *id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_stmt *s = db_prepare(d, SQL_FAIL_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, em);
    db_bind_textn(s, 2, ip ? ip : "", ip ? strnlen(ip, IP_MAX) : 0);
    db_bind_int(s, 3, now);
    db_status st = db_run(s);
    if (st != DB_OK)
        return st;
    if (id)
        *id = db_last_id(d);
    s = db_prepare(d, SQL_FAIL_PRUNE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, now - 86400);
    return db_run(s);
}

/* What auth_record_failure and auth_attempt_count share. */
typedef struct {
    const char *em, *ip, *device;
    bool trusted, count;
    int64_t now, wait_s, fail_id, device_id;
} attempt_ctx;

/* The device (when asked: a known one makes the attempt trusted), the
 * throttle wait (when asked), and the failure row unless throttled. */
static db_status attempt_body(tx *t, void *ctx)
{
    attempt_ctx *c = ctx;
    db_status st = DB_OK;
    c->wait_s = c->fail_id = c->device_id = 0;
    if (c->device &&
        (st = auth_device_find(t->d, c->em, c->device, c->now, &c->device_id)) == DB_OK)
        c->trusted = c->device_id != 0;
    if (st == DB_OK && c->count)
        st = auth_throttle_compute(t->d, c->em, c->ip, c->trusted, c->now, &c->wait_s);
    if (st != DB_OK || c->wait_s > 0)
        return st;
    return auth_failure_insert(t->d, c->em, c->ip, c->now, &c->fail_id);
}

db_status auth_record_failure(db *d, const char *email, const char *ip, int64_t now)
{
    char em[EMAIL_MAX + 1];
    auth_email_norm(email, em);
    attempt_ctx c = {.em = em, .ip = ip, .now = now};
    tx t = TX_INIT(0, ip, NULL, NULL, 0);
    t.locks = DB_LOCK_LOGIN; /* the counts and the new failure, one writer at a time */
    return tx_write(d, &t, attempt_body, &c);
}

db_status auth_attempt_count(db *d, const char *em, const char *ip, const char *device,
                             bool trusted, int64_t now, int64_t *device_id, int64_t *wait_s,
                             int64_t *fail_id)
{
    attempt_ctx c = {
        .em = em, .ip = ip, .device = device, .trusted = trusted, .count = true, .now = now};
    tx t = TX_INIT(0, ip, NULL, NULL, 0);
    /* a count read and a failure row written: parallel attempts, which
     * read each other's rows, take turns rather than fail serialization */
    t.locks = DB_LOCK_LOGIN;
    db_status st = tx_write(d, &t, attempt_body, &c);
    *device_id = st == DB_OK ? c.device_id : 0;
    *wait_s = st == DB_OK ? c.wait_s : 0;
    *fail_id = st == DB_OK ? c.fail_id : 0;
    return st;
}

/* --- devices --------------------------------------------------------------------- */

/* A device cookie proves that this browser logged in to the account
 * recently (OWASP's "device cookies" against lockout): its attempts skip
 * the account-wide cap. Stored hashed like sessions. */
static const char SQL_DEVICE_FIND[] =
    "SELECT d.id FROM login_device d JOIN account a ON a.id = d.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE d.token_hash = $1 AND p.email = $2 AND d.expires_at > $3";
static const char SQL_DEVICE_RENEW[] =
    "UPDATE login_device SET last_login_at = $2, expires_at = $3 WHERE id = $1";
static const char SQL_DEVICE_INSERT[] =
    "INSERT INTO login_device(token_hash, account_id, created_at, last_login_at, expires_at)"
    " VALUES ($1, $2, $3, $3, $4)";
/* expired ones, and all but the newest AUTH_DEVICE_MAX of the account */
static const char SQL_DEVICE_PRUNE[] =
    "DELETE FROM login_device WHERE account_id = $1 AND (expires_at <= $2 OR id NOT IN"
    " (SELECT id FROM login_device WHERE account_id = $1 ORDER BY id DESC LIMIT $3))";

db_status auth_device_find(db *d, const char *em, const char *device, int64_t now,
                           int64_t *device_id)
{
    unsigned char h[32];
    *device_id = 0;
    if (!device || strlen(device) != AUTH_TOKEN_LEN || !*em)
        return DB_OK;
    auth_token_hash(device, h);
    db_stmt *s = db_prepare(d, SQL_DEVICE_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_text(s, 2, em);
    db_bind_int(s, 3, now);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *device_id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status auth_device_remember(db *d, int64_t account_id, int64_t device_id, const char *device,
                               int64_t now, char out[AUTH_TOKEN_LEN + 1])
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    unsigned char h[32];
    db_stmt *s;
    db_status st;
    if (device_id) {
        s = db_prepare(d, SQL_DEVICE_RENEW);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, device_id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, now + AUTH_DEVICE_TTL);
        if ((st = db_run(s)) != DB_OK)
            return st;
        memcpy(out, device, AUTH_TOKEN_LEN + 1);
    } else {
        auth_token_new(out);
        auth_token_hash(out, h);
        s = db_prepare(d, SQL_DEVICE_INSERT);
        if (!s)
            return DB_ERR;
        db_bind_blob(s, 1, h, sizeof h);
        db_bind_int(s, 2, account_id);
        db_bind_int(s, 3, now);
        db_bind_int(s, 4, now + AUTH_DEVICE_TTL);
        if ((st = db_run(s)) != DB_OK)
            return st;
    }
    s = db_prepare(d, SQL_DEVICE_PRUNE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, AUTH_DEVICE_MAX);
    return db_run(s);
}
