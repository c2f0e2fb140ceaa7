/* newsletter.c: subscribers, issues, sending (see newsletter.h). The
 * confirmation and unsubscribe tokens are auth_token_new's random tokens
 * stored as their auth_token_hash, like every other token of SCAN. */
#include "model/newsletter.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "db/job.h"
#include "html/html.h"
#include "html/markdown.h"
#include "json/json.h"
#include "model/auth.h"
#include "model/bgjob.h"
#include "model/mail.h"
#include "model/news.h"
#include "model/notify.h"
#include "model/tx.h"

static const char *lang_code(lang_id L)
{
    return L == LANG_EN ? "en" : L == LANG_SR_LATN ? "sr-Latn" : "sr";
}

static lang_id lang_of(const char *code)
{
    if (code && strcmp(code, "en") == 0)
        return LANG_EN;
    if (code && strcmp(code, "sr-Latn") == 0)
        return LANG_SR_LATN;
    return LANG_SR_CYRL;
}

static bool token_shape(const char *token)
{
    return token && strlen(token) == AUTH_TOKEN_LEN &&
           strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               AUTH_TOKEN_LEN;
}

/* --- subscribing ------------------------------------------------------------------- */

static const char SQL_SUB_FIND[] =
    "SELECT id, confirmed_at IS NOT NULL AND unsubscribed_at IS NULL, created_at, "
    " confirmed_at IS NULL AND unsubscribed_at IS NULL"
    " FROM news_subscriber WHERE email = $1";
static const char SQL_SUB_REOPEN[] =
    "UPDATE news_subscriber SET lang = $2, confirm_hash = $3, created_at = $4, confirmed_at = NULL,"
    " unsubscribed_at = NULL WHERE id = $1";
static const char SQL_SUB_INSERT[] =
    "INSERT INTO news_subscriber(email, lang, confirm_hash, created_at) VALUES ($1, $2, $3, $4)";

typedef struct sub_ctx {
    const char *email, *base, *ip;
    lang_id lang;
    nlsub_result res;
    int64_t wait_s;
} sub_ctx;

/* The confirmation mails of the last window: by client address (the
 * partial index audit_newsletter_subscribe, migration 0038) and by
 * subscriber row (audit_entity). $3 is the cap less one: the row whose
 * leaving the window frees a place. */
static const char SQL_SUB_NTH_BY_IP[] =
    "SELECT at FROM audit WHERE action = 'newsletter_subscribe' AND ip = $1 AND at > $2"
    " ORDER BY at DESC LIMIT 1 OFFSET $3";
static const char SQL_SUB_NTH_BY_ID[] =
    "SELECT at FROM audit WHERE entity = 'newsletter' AND entity_id = $1"
    " AND action = 'newsletter_subscribe' AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3";

/* *wait_s > 0 when the cap-th newest mail of key since now - window is
 * still inside it: the seconds until it leaves. */
static db_status sub_wait(db *d, const char *sql, db_val key, int64_t now, int64_t window,
                          int64_t cap, int64_t *wait_s)
{
    db_stmt *s = db_query(d, sql, DB_ARGS(key, DBI(now - window), DBI(cap - 1)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    int64_t at = st == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (st == DB_ROW && at + window - now > *wait_s)
        *wait_s = at + window - now;
    return DB_OK;
}

static db_status subscribe_body(tx *t, void *vc)
{
    sub_ctx *c = vc;
    c->res = NLSUB_MAILED;
    db_stmt *s = db_query(t->d, SQL_SUB_FIND, DB_ARGS(DBT(c->email)));
    if (!s)
        return db_failure(t->d) ? db_failure(t->d) : DB_ERR;
    int64_t id = 0, created = 0;
    bool active = false, waiting = false;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        id = db_col_int(s, 0);
        active = db_col_int(s, 1) != 0;
        created = db_col_int(s, 2);
        waiting = db_col_int(s, 3) != 0;
        st = DB_OK;
    }
    db_reset(s);
    if (st != DB_OK && st != DB_DONE)
        return st;
    int64_t now = time_now();
    /* the client's limit first, for known and new addresses alike: the
     * answer must not tell whether an address is on the list */
    c->wait_s = 0;
    st = DB_OK;
    if (c->ip && *c->ip)
        st = sub_wait(t->d, SQL_SUB_NTH_BY_IP, DBT(c->ip), now, 3600, NEWSLETTER_SUB_PER_IP,
                      &c->wait_s);
    if (st != DB_OK)
        return st;
    if (c->wait_s > 0) {
        c->res = NLSUB_THROTTLED;
        t->action = NULL;
        return DB_OK;
    }
    if (active || (waiting && created > now - NEWSLETTER_CONFIRM_TTL)) {
        /* nothing changes and nothing is mailed, but the audit row stays
         * (entity_id 0: not the address's count): it spends the client's
         * hourly allowance as a new address would, else a client could
         * tell a listed address by how long its allowance lasts */
        c->res = NLSUB_ALREADY;
        return DB_OK;
    }
    /* a mail would go: within the address's limit */
    if (id)
        st = sub_wait(t->d, SQL_SUB_NTH_BY_ID, DBI(id), now, 86400, NEWSLETTER_SUB_PER_EMAIL,
                      &c->wait_s);
    if (st != DB_OK)
        return st;
    if (c->wait_s > 0) {
        c->res = NLSUB_THROTTLED;
        t->action = NULL;
        return DB_OK;
    }
    char token[AUTH_TOKEN_LEN + 1];
    auth_token_new(token);
    unsigned char h[32];
    auth_token_hash(token, h);
    db_stmt *w = db_prepare(t->d, id ? SQL_SUB_REOPEN : SQL_SUB_INSERT);
    if (!w)
        return DB_ERR;
    if (id) {
        db_bind_int(w, 1, id);
        db_bind_text(w, 2, lang_code(c->lang));
        db_bind_blob(w, 3, h, sizeof h);
        db_bind_int(w, 4, now);
    } else {
        db_bind_text(w, 1, c->email);
        db_bind_text(w, 2, lang_code(c->lang));
        db_bind_blob(w, 3, h, sizeof h);
        db_bind_int(w, 4, now);
    }
    if ((st = db_run(w)) != DB_OK)
        return st;
    t->entity_id = id ? id : db_last_id(t->d);
    buf subject = BUF_INIT, body = BUF_INIT;
    buf_printf(&subject, "%s", T(c->lang, MSG_NL_CONFIRM_SUBJECT));
    buf_printf(&body, "%s\n\n%s/newsletter/confirm/%s\n\n%s\n", T(c->lang, MSG_NL_CONFIRM_BODY),
               c->base ? c->base : "", token, T(c->lang, MSG_NL_CONFIRM_IGNORE));
    return mail_queue_buf(t->d, c->email, &subject, &body);
}

db_status newsletter_subscribe(db *d, const char *email, lang_id lang, const char *base_url,
                               const char *ip, form_errors *errs, nlsub_result *res,
                               int64_t *wait_s)
{
    assert(d && errs && res && wait_s);
    *wait_s = 0;
    static const form_rule rule[] = {{"email", FV_EMAIL, FORM_REQUIRED, 3, 254, NULL}};
    static const valid_table vt = {rule, 1, NULL, 0};
    arena a = ARENA_INIT;
    form_value v[1];
    db_status st;
    if (!valid_values(&a, &vt, (const char *[1]){email}, v, errs, NULL)) {
        st = tx_invalid(errs);
        goto cleanup;
    }
    /* addresses compare without case (the column is NOCASE); store lower case */
    char *low = arena_strdup(&a, v[0].text);
    if (!low) {
        st = DB_NOMEM;
        goto cleanup;
    }
    for (char *p = low; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    sub_ctx c = {low, base_url, ip, lang, NLSUB_MAILED, 0};
    tx t = TX_INIT(0, ip, "newsletter_subscribe", "newsletter", 0);
    st = tx_write(d, &t, subscribe_body, &c);
    if (st == DB_CONSTRAINT) { /* the outbox refused the address */
        valid_add_error(errs, "email", FE_EMAIL, 0, 0);
    }
    *res = c.res;
    *wait_s = c.res == NLSUB_THROTTLED ? c.wait_s : 0;
cleanup:
    arena_free(&a);
    return st;
}

typedef struct tok_ctx {
    const unsigned char *hash;
    nltok_state state;
} tok_ctx;

static const char SQL_CONFIRM_GET[] =
    "SELECT id, created_at FROM news_subscriber WHERE confirm_hash = $1";
static const char SQL_CONFIRM_SET[] =
    "UPDATE news_subscriber SET confirm_hash = NULL, confirmed_at = $2 WHERE id = $1";

static db_status confirm_body(tx *t, void *vc)
{
    tok_ctx *c = vc;
    c->state = NLTOK_UNKNOWN;
    db_stmt *s = db_prepare(t->d, SQL_CONFIRM_GET);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, c->hash, 32);
    db_status st = db_step(s);
    int64_t id = 0, created = 0;
    if (st == DB_ROW) {
        id = db_col_int(s, 0);
        created = db_col_int(s, 1);
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (!id) {
        t->action = NULL;
        return DB_OK;
    }
    int64_t now = time_now();
    if (created <= now - NEWSLETTER_CONFIRM_TTL) {
        c->state = NLTOK_EXPIRED;
        t->action = NULL;
        return DB_OK;
    }
    t->entity_id = id;
    c->state = NLTOK_OK;
    return db_do(t->d, SQL_CONFIRM_SET, DB_ARGS(DBI(id), DBI(now)));
}

db_status newsletter_confirm(db *d, const char *token, const char *ip, nltok_state *state)
{
    *state = NLTOK_UNKNOWN;
    if (!token_shape(token))
        return DB_OK;
    unsigned char h[32];
    auth_token_hash(token, h);
    tok_ctx c = {h, NLTOK_UNKNOWN};
    tx t = TX_INIT(0, ip, "newsletter_confirm", "newsletter", 0);
    db_status st = tx_write(d, &t, confirm_body, &c);
    *state = c.state;
    return st;
}

static const char SQL_UNSUB_GET[] =
    "SELECT subscriber_id FROM newsletter_delivery WHERE unsub_hash = $1 AND unsub_used_at IS NULL";
static const char SQL_UNSUB_USE[] =
    "UPDATE newsletter_delivery SET unsub_used_at = $2 WHERE unsub_hash = $1";
static const char SQL_UNSUB_SET[] =
    "UPDATE news_subscriber SET unsubscribed_at = coalesce(unsubscribed_at, $2) WHERE id = $1";

static db_status unsub_body(tx *t, void *vc)
{
    tok_ctx *c = vc;
    c->state = NLTOK_UNKNOWN;
    db_stmt *s = db_prepare(t->d, SQL_UNSUB_GET);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, c->hash, 32);
    db_status st = db_step(s);
    int64_t id = st == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (!id) {
        t->action = NULL;
        return DB_OK;
    }
    int64_t now = time_now();
    s = db_prepare(t->d, SQL_UNSUB_USE);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, c->hash, 32);
    db_bind_int(s, 2, now);
    if ((st = db_run(s)) != DB_OK)
        return st;
    t->entity_id = id;
    c->state = NLTOK_OK;
    return db_do(t->d, SQL_UNSUB_SET, DB_ARGS(DBI(id), DBI(now)));
}

db_status newsletter_unsubscribe(db *d, const char *token, const char *ip, nltok_state *state)
{
    *state = NLTOK_UNKNOWN;
    if (!token_shape(token))
        return DB_OK;
    unsigned char h[32];
    auth_token_hash(token, h);
    tok_ctx c = {h, NLTOK_UNKNOWN};
    tx t = TX_INIT(0, ip, "newsletter_unsubscribe", "newsletter", 0);
    db_status st = tx_write(d, &t, unsub_body, &c);
    *state = c.state;
    return st;
}

static const char SQL_ACC_GET[] =
    "SELECT lang FROM news_subscriber WHERE person_id = $1 AND confirmed_at IS NOT NULL"
    " AND unsubscribed_at IS NULL";

db_status newsletter_account_get(db *d, int64_t person_id, bool *on, lang_id *lang)
{
    *on = false;
    *lang = LANG_SR_CYRL;
    db_stmt *s = db_query(d, SQL_ACC_GET, DB_ARGS(DBI(person_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *on = true;
        *lang = lang_of(db_col_text(s, 0));
        st = DB_OK;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

typedef struct acc_ctx {
    int64_t person_id;
    bool on;
    lang_id lang;
} acc_ctx;

static const char SQL_PERSON_EMAIL[] =
    "SELECT email FROM person WHERE id = $1 AND erased_at IS NULL AND email IS NOT NULL";
/* an existing row of the address (public or the account's) becomes the account's */
static const char SQL_ACC_UPSERT[] =
    "INSERT INTO news_subscriber(email, lang, person_id, created_at, confirmed_at)"
    " VALUES ($1, $2, $3, $4, $4) ON CONFLICT (email) DO UPDATE SET lang = $2, person_id = $3,"
    " confirm_hash = NULL, confirmed_at = coalesce(news_subscriber.confirmed_at, $4),"
    " unsubscribed_at = NULL";
static const char SQL_ACC_OFF[] =
    "UPDATE news_subscriber SET unsubscribed_at = $2 WHERE person_id = $1 AND unsubscribed_at IS"
    " NULL";

static db_status account_body(tx *t, void *vc)
{
    acc_ctx *c = vc;
    t->entity_id = c->person_id;
    buf_printf(&t->detail, "{\"on\":%s,\"lang\":\"%s\"}", c->on ? "true" : "false",
               lang_code(c->lang));
    if (!c->on)
        return db_do(t->d, SQL_ACC_OFF, DB_ARGS(DBI(c->person_id), DBI(time_now())));
    db_stmt *s = db_query(t->d, SQL_PERSON_EMAIL, DB_ARGS(DBI(c->person_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st != DB_ROW) {
        db_reset(s);
        return st == DB_DONE ? DB_DONE : st;
    }
    char email[320];
    snprintf(email, sizeof email, "%s", db_col_text(s, 0));
    db_reset(s);
    /* a person row of another address already subscribed? drop the old link */
    st = db_do(t->d,
               "UPDATE news_subscriber SET person_id = NULL WHERE person_id = $1 AND email <> $2",
               DB_ARGS(DBI(c->person_id), DBT(email)));
    if (st != DB_OK)
        return st;
    return db_do(t->d, SQL_ACC_UPSERT,
                 DB_ARGS(DBT(email), DBT(lang_code(c->lang)), DBI(c->person_id), DBI(time_now())));
}

db_status newsletter_account_set(db *d, int64_t person_id, bool on, lang_id lang, const char *ip)
{
    acc_ctx c = {person_id, on, lang};
    tx t = TX_INIT(person_id, ip, "newsletter_account", "person", person_id);
    return tx_write(d, &t, account_body, &c);
}

static const char SQL_SUBS[] =
    "SELECT id, created_at, coalesce(confirmed_at, 0), coalesce(unsubscribed_at, 0), email, lang,"
    " person_id IS NOT NULL FROM news_subscriber ORDER BY created_at DESC, id DESC LIMIT $1";
static const char SQL_SUBS_N[] =
    "SELECT count(*) FROM news_subscriber WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS"
    " NULL";

static void sub_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    nl_subscriber *e = item;
    e->id = db_col_int(s, 0);
    e->created_at = db_col_int(s, 1);
    e->confirmed_at = db_col_int(s, 2);
    e->unsubscribed_at = db_col_int(s, 3);
    e->email = db_col_dup(a, s, 4, oom);
    e->lang = db_col_dup(a, s, 5, oom);
    e->account = db_col_int(s, 6) != 0;
}

db_status newsletter_subscribers(db *d, arena *a, int limit, nl_subscriber **items, size_t *n,
                                 int64_t *n_confirmed)
{
    db_status st = db_int(d, n_confirmed, 0, SQL_SUBS_N, DB_NONE);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_query(d, SQL_SUBS, DB_ARGS(DBI(limit)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, sub_row, NULL);
}

/* --- issues ------------------------------------------------------------------------- */

enum { NI_SUBJ_SR, NI_SUBJ_EN, NI_INTRO_SR, NI_INTRO_EN, NI_N };
static const form_rule issue_rules[NI_N] = {
    [NI_SUBJ_SR] = {"subject_sr", FV_TEXT, FORM_REQUIRED, 1, NEWSLETTER_SUBJECT_MAX, NULL},
    [NI_SUBJ_EN] = {"subject_en", FV_TEXT, FORM_REQUIRED, 1, NEWSLETTER_SUBJECT_MAX, NULL},
    [NI_INTRO_SR] = {"intro_sr", FV_MULTILINE, FORM_REQUIRED, 1, NEWSLETTER_INTRO_MAX, NULL},
    [NI_INTRO_EN] = {"intro_en", FV_MULTILINE, FORM_REQUIRED, 1, NEWSLETTER_INTRO_MAX, NULL},
};
static const valid_table issue_table = {issue_rules, NI_N, NULL, 0};

static const char SQL_LAST_SENT[] =
    "SELECT coalesce(max(send_started_at), $1) FROM newsletter_issue WHERE status <> 'draft'";
static const char SQL_ISSUE_INSERT[] =
    "INSERT INTO newsletter_issue(subject_sr, subject_en, intro_sr, intro_en, since_at,"
    " created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)";

typedef struct issue_ctx {
    const form_value *v;
    int64_t id;
} issue_ctx;

static db_status issue_body(tx *t, void *vc)
{
    issue_ctx *c = vc;
    int64_t now = time_now(), since = 0;
    db_status st = db_int(t->d, &since, 0, SQL_LAST_SENT, DB_ARGS(DBI(now - 30 * 86400)));
    if (st != DB_OK)
        return st;
    st = db_do(t->d, SQL_ISSUE_INSERT,
               DB_ARGS(DBT(c->v[NI_SUBJ_SR].text), DBT(c->v[NI_SUBJ_EN].text),
                       DBT(c->v[NI_INTRO_SR].text), DBT(c->v[NI_INTRO_EN].text), DBI(since),
                       DBI(now), t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st != DB_OK)
        return st;
    c->id = t->entity_id = db_last_id(t->d);
    return DB_OK;
}

db_status newsletter_issue_create(db *d, const char *subject_sr, const char *subject_en,
                                  const char *intro_sr, const char *intro_en, int64_t actor_id,
                                  const char *ip, form_errors *errs, int64_t *id)
{
    arena a = ARENA_INIT;
    form_value v[NI_N];
    db_status st;
    if (!valid_values(&a, &issue_table,
                      (const char *[NI_N]){subject_sr, subject_en, intro_sr, intro_en}, v, errs,
                      NULL)) {
        st = tx_invalid(errs);
        goto cleanup;
    }
    issue_ctx c = {v, 0};
    tx t = TX_INIT(actor_id, ip, "newsletter_issue", "newsletter", 0);
    st = tx_write(d, &t, issue_body, &c);
    if (st == DB_OK && id)
        *id = c.id;
cleanup:
    arena_free(&a);
    return st;
}

#define ISSUE_COLS                                                                                 \
    "id, subject_sr, subject_en, intro_sr, intro_en, status, since_at,"                            \
    " coalesce(send_started_at, 0), coalesce(enqueued_at, 0), created_at FROM newsletter_issue"

static void issue_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    nl_issue *e = item;
    e->id = db_col_int(s, 0);
    e->subject_sr = db_col_dup(a, s, 1, oom);
    e->subject_en = db_col_dup(a, s, 2, oom);
    e->intro_sr = db_col_dup(a, s, 3, oom);
    e->intro_en = db_col_dup(a, s, 4, oom);
    e->status = db_col_dup(a, s, 5, oom);
    e->since_at = db_col_int(s, 6);
    e->send_started_at = db_col_int(s, 7);
    e->enqueued_at = db_col_int(s, 8);
    e->created_at = db_col_int(s, 9);
}

db_status newsletter_issue_get(db *d, arena *a, int64_t id, nl_issue *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(d, "SELECT " ISSUE_COLS " WHERE id = $1", DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    bool found = false;
    db_status st = db_collect_one(s, a, out, sizeof *out, issue_row, NULL, &found);
    return st == DB_OK && !found ? DB_DONE : st;
}

db_status newsletter_issues(db *d, arena *a, nl_issue **items, size_t *n)
{
    db_stmt *s = db_query(d, "SELECT " ISSUE_COLS " ORDER BY id DESC LIMIT 100", DB_NONE);
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, issue_row, NULL);
}

/* --- composing ---------------------------------------------------------------------- */

/* One section's rows: a title in two languages, a link, a time. */
typedef struct nl_line {
    const char *sr, *en, *href;
    int64_t at;
} nl_line;

static void line_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    nl_line *e = item;
    e->sr = db_col_dup(a, s, 0, oom);
    e->en = db_col_dup(a, s, 1, oom);
    e->href = db_col_dup(a, s, 2, oom);
    e->at = db_col_int(s, 3);
}

/* The sections: $1 now, $2 since. */
static const struct {
    msg_id title;
    const char *sql;
} nl_sections[] = {
    {MSG_NL_SEC_NEWS,
     "SELECT title_sr, title_en, '/news/' || slug, publish_at FROM news WHERE status = 'published'"
     " AND publish_at <= $1 AND publish_at > $2 ORDER BY publish_at DESC LIMIT 20"},
    {MSG_NL_SEC_CALLS,
     "SELECT title_sr, title_en, '/calls/' || id, deadline_at FROM funding_call"
     " WHERE status = 'published' AND deadline_at > $1 AND deadline_at <= $1 + 30 * 86400"
     " AND $2 = $2 ORDER BY deadline_at LIMIT 20"},
    {MSG_NL_SEC_EVENTS,
     "SELECT title_sr, title_en, '/events/' || id, starts_at FROM event WHERE status = 'published'"
     " AND audience = 'everyone' AND starts_at > $1 AND starts_at <= $1 + 60 * 86400 AND $2 = $2"
     " ORDER BY starts_at LIMIT 20"},
    {MSG_NL_SEC_POSTS,
     "SELECT title, title_tr, '/cooperation/' || id, published_at FROM post WHERE status = 'open'"
     " AND visibility = 'public' AND published_at > $2 AND published_at <= $1"
     " ORDER BY published_at DESC LIMIT 10"},
    /* public positions only: the newsletter goes to the public, and a
     * position open for signature is for SCAN's people (its page is 404 to
     * others): the ones submitted to government since the last issue */
    {MSG_NL_SEC_POSITIONS,
     "SELECT v.title_sr, v.title_en, '/positions/' || p.id, p.updated_at FROM position p"
     " JOIN position_version v ON v.position_id = p.id AND v.version = p.version"
     " WHERE p.stage IN ('submitted', 'answered', 'closed') AND p.updated_at > $2"
     " AND p.updated_at <= $1 ORDER BY p.updated_at DESC LIMIT 20"},
};

db_status newsletter_compose(db *d, arena *a, const nl_issue *is, lang_id L, const char *base,
                             const char *unsub_url, const char **subject, const char **text,
                             const char **html)
{
    if (!base)
        base = "";
    bool en = L == LANG_EN;
    unsigned mdf = L == LANG_SR_LATN ? MD_LATIN : 0;
    buf t = BUF_INIT, h = BUF_INIT;
    const char *intro = en ? is->intro_en : is->intro_sr;
    md_text(&t, intro, strlen(intro), mdf);
    buf_puts(&t, "\n");
    html_raw(&h, "<div class=\"nl-intro\">");
    md_html(&h, intro, strlen(intro), 3, mdf);
    html_raw(&h, "</div>");
    int64_t now = time_now();
    db_status st = DB_OK;
    for (size_t k = 0; k < sizeof nl_sections / sizeof nl_sections[0]; k++) {
        nl_line *rows = NULL;
        size_t n = 0;
        db_stmt *s = db_query(d, nl_sections[k].sql, DB_ARGS(DBI(now), DBI(is->since_at)));
        if (!s) {
            st = db_failure(d) ? db_failure(d) : DB_ERR;
            break;
        }
        if ((st = db_collect(s, a, (void **)&rows, &n, sizeof *rows, line_row, NULL)) != DB_OK)
            break;
        if (n == 0)
            continue; /* a section with nothing in it is left out */
        const char *title = T(L, nl_sections[k].title);
        buf_printf(&t, "\n%s\n", title);
        html_fmt(&h, "<h2>%s</h2><ul>", title);
        for (size_t i = 0; i < n; i++) {
            const char *x = en && rows[i].en && *rows[i].en ? rows[i].en : rows[i].sr;
            x = mail_text_in(a, L, x ? x : "");
            buf dt = BUF_INIT;
            i18n_fmt_date(&dt, L, rows[i].at);
            buf_printf(&t, "- %s (%s)\n  %s%s\n", x, buf_str(&dt), base, rows[i].href);
            html_fmt(&h, "<li><a href=\"%s%s\">%s</a> <small>%s</small></li>", base, rows[i].href,
                     x, buf_str(&dt));
            buf_free(&dt);
        }
        html_raw(&h, "</ul>");
    }
    const char *u = unsub_url ? unsub_url : "#";
    buf_printf(&t, "\n-- \n%s\n%s\n", T(L, MSG_NL_MAIL_UNSUB), u);
    html_fmt(&h, "<hr><p><small>%s <a href=\"%s\">%s</a></small></p>", T(L, MSG_NL_MAIL_UNSUB), u,
             u);
    if (st == DB_OK && (buf_failed(&t) || buf_failed(&h)))
        st = DB_NOMEM;
    if (st == DB_OK) {
        *subject = mail_text_in(a, L, en ? is->subject_en : is->subject_sr);
        *text = arena_strdup(a, buf_str(&t));
        *html = arena_strdup(a, buf_str(&h));
        if (!*text || !*html)
            st = DB_NOMEM;
    }
    buf_free(&t);
    buf_free(&h);
    return st;
}

/* --- sending ------------------------------------------------------------------------ */

typedef struct send_ctx {
    int64_t id;
    form_errors *errs;
} send_ctx;

static db_status send_body(tx *t, void *vc)
{
    send_ctx *c = vc;
    db_status st =
        db_do(t->d,
              "UPDATE newsletter_issue SET status = 'sending', send_started_at = $2,"
              " updated_at = $2, updated_by = $3 WHERE id = $1 AND status = 'draft'",
              DB_ARGS(DBI(c->id), DBI(time_now()), t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0) {
        int64_t n = 0;
        st = db_int(t->d, &n, 0, "SELECT count(*) FROM newsletter_issue WHERE id = $1",
                    DB_ARGS(DBI(c->id)));
        if (st != DB_OK)
            return st;
        if (!n)
            return DB_DONE;
        valid_add_error(c->errs, "status", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    return DB_OK;
}

db_status newsletter_send(db *d, int64_t id, int64_t actor_id, const char *ip, form_errors *errs)
{
    send_ctx c = {id, errs};
    tx t = TX_INIT(actor_id, ip, "newsletter_send", "newsletter", id);
    db_status st = tx_write(d, &t, send_body, &c);
    if (st != DB_OK)
        return st;
    int64_t added = 0;
    return newsletter_enqueue(d, id, &added);
}

/* The next batch of subscribers without a row, by id after $2. */
static const char SQL_ENQUEUE[] =
    "INSERT INTO newsletter_delivery(issue_id, subscriber_id)"
    " SELECT $1, id FROM news_subscriber WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL"
    " AND id > $2 ORDER BY id LIMIT $3 ON CONFLICT DO NOTHING";
static const char SQL_ENQUEUE_LAST[] =
    "SELECT coalesce(max(subscriber_id), 0) FROM newsletter_delivery WHERE issue_id = $1";

typedef struct enq_ctx {
    int64_t id, added;
    bool done;
} enq_ctx;

static db_status enqueue_body(tx *t, void *vc)
{
    enq_ctx *c = vc;
    c->added = 0;
    c->done = false;
    int64_t last = 0;
    db_status st = db_int(t->d, &last, 0, SQL_ENQUEUE_LAST, DB_ARGS(DBI(c->id)));
    if (st != DB_OK)
        return st;
    if ((st = db_do(t->d, SQL_ENQUEUE, DB_ARGS(DBI(c->id), DBI(last), DBI(NEWSLETTER_BATCH)))) !=
        DB_OK)
        return st;
    c->added = db_changes(t->d);
    if (c->added < NEWSLETTER_BATCH) {
        c->done = true;
        return db_do(t->d,
                     "UPDATE newsletter_issue SET enqueued_at = $2 WHERE id = $1 AND enqueued_at"
                     " IS NULL",
                     DB_ARGS(DBI(c->id), DBI(time_now())));
    }
    return DB_OK;
}

db_status newsletter_enqueue(db *d, int64_t id, int64_t *added)
{
    *added = 0;
    for (;;) {
        enq_ctx c = {id, 0, false};
        tx t = TX_INIT(0, NULL, NULL, "newsletter", id); /* batches: the send is audited */
        db_status st = tx_write(d, &t, enqueue_body, &c);
        if (st != DB_OK)
            return st;
        *added += c.added;
        if (c.done)
            return DB_OK;
    }
}

static const char SQL_PENDING[] =
    "SELECT d.issue_id, d.subscriber_id, s.email, s.lang, s.confirmed_at IS NOT NULL AND"
    " s.unsubscribed_at IS NULL FROM newsletter_delivery d"
    " JOIN newsletter_issue i ON i.id = d.issue_id AND i.status = 'sending'"
    " JOIN news_subscriber s ON s.id = d.subscriber_id"
    " WHERE d.queued_at IS NULL ORDER BY d.issue_id, d.subscriber_id LIMIT $1";
static const char SQL_MARK[] =
    "UPDATE newsletter_delivery SET queued_at = $3, outbox_id = $4, unsub_hash = $5"
    " WHERE issue_id = $1 AND subscriber_id = $2 AND queued_at IS NULL";
static const char SQL_FINISH[] =
    "UPDATE newsletter_issue SET status = 'sent' WHERE status = 'sending' AND enqueued_at IS NOT"
    " NULL AND NOT EXISTS (SELECT 1 FROM newsletter_delivery d WHERE d.issue_id ="
    " newsletter_issue.id AND d.queued_at IS NULL)";

typedef struct pending_row {
    int64_t issue, sub;
    const char *email, *lang;
    bool active;
} pending_row;

static void pending_fill(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pending_row *e = item;
    e->issue = db_col_int(s, 0);
    e->sub = db_col_int(s, 1);
    e->email = db_col_dup(a, s, 2, oom);
    e->lang = db_col_dup(a, s, 3, oom);
    e->active = db_col_int(s, 4) != 0;
}

typedef struct pump_ctx {
    int max;
    const char *base;
    int queued;
} pump_ctx;

static db_status pump_body(tx *t, void *vc)
{
    pump_ctx *c = vc;
    c->queued = 0;
    arena a = ARENA_INIT;
    pending_row *rows = NULL;
    size_t n = 0;
    db_status st;
    db_stmt *s = db_query(t->d, SQL_PENDING, DB_ARGS(DBI(c->max)));
    if (!s) {
        st = db_failure(t->d) ? db_failure(t->d) : DB_ERR;
        goto cleanup;
    }
    if ((st = db_collect(s, &a, (void **)&rows, &n, sizeof *rows, pending_fill, NULL)) != DB_OK)
        goto cleanup;
    /* one composed issue per language: composed once per batch */
    nl_issue is = {0};
    int64_t is_id = 0;
    const char *subj[LANG__COUNT] = {0}, *txt[LANG__COUNT] = {0}, *htm[LANG__COUNT] = {0};
    int64_t now = time_now();
    for (size_t i = 0; i < n; i++) {
        pending_row *p = &rows[i];
        if (!p->active) { /* unsubscribed since it was enqueued: skipped, never mailed */
            if ((st = db_do(t->d, SQL_MARK,
                            DB_ARGS(DBI(p->issue), DBI(p->sub), DBI(now), DBNULL, DBNULL))) !=
                DB_OK)
                goto cleanup;
            continue;
        }
        if (p->issue != is_id) {
            if ((st = newsletter_issue_get(t->d, &a, p->issue, &is)) != DB_OK)
                goto cleanup;
            is_id = p->issue;
            memset(subj, 0, sizeof subj);
        }
        lang_id L = lang_of(p->lang);
        if (!subj[L]) {
            if ((st = newsletter_compose(t->d, &a, &is, L, c->base, "\x01", &subj[L], &txt[L],
                                         &htm[L])) != DB_OK)
                goto cleanup;
        }
        char token[AUTH_TOKEN_LEN + 1];
        auth_token_new(token);
        unsigned char h[32];
        auth_token_hash(token, h);
        const char *url = arena_printf(&a, "%s/newsletter/u/%s", c->base, token);
        /* the placeholder \x01 stands for this mail's own link */
        buf bt = BUF_INIT, bh = BUF_INIT;
        for (const char *q = txt[L]; *q; q++)
            if (*q == '\x01')
                buf_puts(&bt, url);
            else
                buf_putc(&bt, *q);
        for (const char *q = htm[L]; *q; q++)
            if (*q == '\x01')
                buf_puts(&bh, url);
            else
                buf_putc(&bh, *q);
        const char *hdr[2] = {arena_printf(&a, "List-Unsubscribe: <%s>", url ? url : ""),
                              "List-Unsubscribe-Post: List-Unsubscribe=One-Click"};
        int64_t out_id = 0;
        if (!url || !hdr[0] || buf_failed(&bt) || buf_failed(&bh))
            st = DB_NOMEM;
        else
            st =
                mail_queue_ex(t->d, p->email, subj[L], buf_str(&bt), buf_str(&bh), hdr, 2, &out_id);
        buf_free(&bt);
        buf_free(&bh);
        if (st == DB_CONSTRAINT) { /* an address the outbox refuses: skipped */
            st = db_do(t->d, SQL_MARK,
                       DB_ARGS(DBI(p->issue), DBI(p->sub), DBI(now), DBNULL, DBNULL));
            if (st != DB_OK)
                goto cleanup;
            continue;
        }
        if (st != DB_OK)
            goto cleanup;
        db_stmt *m = db_prepare(t->d, SQL_MARK);
        if (!m) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(m, 1, p->issue);
        db_bind_int(m, 2, p->sub);
        db_bind_int(m, 3, now);
        db_bind_int(m, 4, out_id);
        db_bind_blob(m, 5, h, sizeof h);
        if ((st = db_run(m)) != DB_OK)
            goto cleanup;
        c->queued++;
    }
    st = db_do(t->d, SQL_FINISH, DB_NONE);
cleanup:
    arena_free(&a);
    return st;
}

static const char SQL_UNFINISHED[] =
    "SELECT id FROM newsletter_issue WHERE status = 'sending' AND enqueued_at IS NULL LIMIT 1";

db_status newsletter_pump(db *d, int max, const char *base_url, int *queued)
{
    *queued = 0;
    /* a restart in the middle of enqueueing carries on first */
    int64_t open = 0, added = 0;
    db_status st = db_int(d, &open, 0, SQL_UNFINISHED, DB_NONE);
    if (st == DB_OK && open)
        st = newsletter_enqueue(d, open, &added);
    if (st != DB_OK || max <= 0)
        return st;
    pump_ctx c = {max, base_url ? base_url : "", 0};
    tx t = TX_INIT(0, NULL, NULL, "newsletter", 0);
    st = tx_write(d, &t, pump_body, &c);
    *queued = c.queued;
    return st;
}

static const char SQL_PROGRESS[] =
    "SELECT count(*), sum(CASE WHEN d.queued_at IS NULL THEN 1 ELSE 0 END),"
    " sum(CASE WHEN d.queued_at IS NOT NULL AND d.outbox_id IS NOT NULL AND o.sent_at IS NULL"
    " AND o.attempts < $2 THEN 1 ELSE 0 END), sum(CASE WHEN o.sent_at IS NOT NULL THEN 1 ELSE 0 "
    "END),"
    " sum(CASE WHEN o.sent_at IS NULL AND o.attempts >= $2 THEN 1 ELSE 0 END),"
    " sum(CASE WHEN d.queued_at IS NOT NULL AND d.outbox_id IS NULL THEN 1 ELSE 0 END)"
    " FROM newsletter_delivery d LEFT JOIN outbox o ON o.id = d.outbox_id WHERE d.issue_id = $1";

db_status newsletter_progress(db *d, int64_t id, nl_progress *p)
{
    memset(p, 0, sizeof *p);
    db_stmt *s = db_query(d, SQL_PROGRESS, DB_ARGS(DBI(id), DBI(MAIL_MAX_ATTEMPTS)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        p->total = db_col_int(s, 0);
        p->pending = db_col_int(s, 1);
        p->queued = db_col_int(s, 2);
        p->sent = db_col_int(s, 3);
        p->failed = db_col_int(s, 4);
        p->skipped = db_col_int(s, 5);
        st = DB_OK;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

static const char SQL_FAILURES[] =
    "SELECT s.email, o.last_error, o.attempts FROM newsletter_delivery d"
    " JOIN outbox o ON o.id = d.outbox_id JOIN news_subscriber s ON s.id = d.subscriber_id"
    " WHERE d.issue_id = $1 AND o.sent_at IS NULL AND o.attempts > 0 ORDER BY o.attempts DESC"
    " LIMIT 200";

static void failure_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    nl_failure *e = item;
    e->email = db_col_dup(a, s, 0, oom);
    e->error = db_col_dup(a, s, 1, oom);
    e->attempts = (int)db_col_int(s, 2);
}

db_status newsletter_failures(db *d, arena *a, int64_t id, nl_failure **items, size_t *n)
{
    db_stmt *s = db_query(d, SQL_FAILURES, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, failure_row, NULL);
}

/* --- pacing and the job ---------------------------------------------------------------- */

void newsletter_pace_init(nl_pace *p, double rate, uint64_t now_us)
{
    p->rate = rate >= 1 ? rate : 1;
    p->tokens = 0;
    p->last_us = now_us;
}

int newsletter_pace_take(nl_pace *p, uint64_t now_us, int max)
{
    if (now_us > p->last_us) {
        p->tokens += (double)(now_us - p->last_us) * p->rate / 1e6;
        p->last_us = now_us;
    }
    if (p->tokens > p->rate)
        p->tokens = p->rate; /* at most one second's worth in a burst */
    int n = (int)p->tokens;
    if (n > max)
        n = max;
    if (n < 0)
        n = 0;
    p->tokens -= n;
    return n;
}

static bgjob g_job = BGJOB_INIT;
static double g_rate; /* mails a second, set before the job starts */

static void *job_main(void *arg)
{
    (void)arg;
    nl_pace pace;
    newsletter_pace_init(&pace, g_rate, time_mono_us());
    for (;;) {
        /* a tick of at most 100 ms: the rate holds within a tenth of a second */
        /* several app servers: only the lease's holder sends (db_job_lease);
         * the delivery rows make a pump that died mid-way harmless */
        bool held = false;
        if (notify_base_ready() && db_job_lease(g_job.d, DB_JOB_NEWSLETTER, &held) == DB_OK &&
            held) {
            int want = newsletter_pace_take(&pace, time_mono_us(), 100000);
            int queued = 0;
            db_status st = newsletter_pump(g_job.d, want, notify_base_url(), &queued);
            db_end_request(g_job.d);
            if (st != DB_OK)
                log_warn("newsletter: pump interrupted: %s", db_status_name(st));
            else if (queued < want)
                pace.tokens = 0; /* nothing waiting: no burst saved up for later */
        }
        db_end_request(g_job.d); /* the lease's check too */
        if (bgjob_wait(&g_job, 100))
            break;
    }
    return NULL;
}

int newsletter_job_start(const char *db_path, double rate)
{
    g_rate = rate > 0 ? rate : NEWSLETTER_RATE;
    db_options opts = {.busy_timeout_ms = 5000};
    if (bgjob_start(&g_job, "newsletter", db_path, &opts, job_main, NULL) != 0)
        return -1;
    log_info("newsletter: sending at most %.0f mails a second", g_rate);
    return 0;
}

void newsletter_job_stop(void)
{
    bgjob_stop(&g_job);
}
