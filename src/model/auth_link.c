/* auth_link.c: one-time links (see auth.h).
 *
 * Invitations (to a role at an organisation) and password resets: a link
 * is a random token stored hashed with its purpose and expiry, queued as a
 * mail in the same transaction, written in the reader's language; using it
 * sets the password, grants the role and ends older sessions. */
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

/* --- one-time links ------------------------------------------------------------------ */

static const char SQL_INVITEE[] =
    "SELECT p.id, coalesce(a.id, 0), a.pass_hash IS NOT NULL FROM person p"
    "  LEFT JOIN account a ON a.person_id = p.id WHERE p.email = $1 AND p.erased_at IS NULL";
static const char SQL_ORG_NAME[] = "SELECT name FROM org WHERE id = $1";
static const char SQL_LINK_INSERT[] =
    "INSERT INTO one_time_link(token_hash, purpose, person_id, grant_org_id, grant_role,"
    " created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7, $8)";

/* Inserts a link (inside the caller's transaction). */
static db_status link_insert(db *d, const unsigned char h[32], const char *purpose,
                             int64_t person_id, int64_t org_id, const char *role,
                             int64_t created_by, int64_t now, int64_t ttl, int64_t *link_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_stmt *s = db_prepare(d, SQL_LINK_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, 32);
    db_bind_text(s, 2, purpose);
    db_bind_int(s, 3, person_id);
    if (org_id)
        db_bind_int(s, 4, org_id);
    db_bind_text(s, 5, org_id ? role : NULL);
    db_bind_int(s, 6, created_by);
    db_bind_int(s, 7, now);
    db_bind_int(s, 8, now + ttl);
    db_status st = db_run(s);
    *link_id = st == DB_OK ? db_last_id(d) : 0;
    return st;
}

/* Appends base_url without trailing slashes, then path and the token. */
/* --- mail in the reader's language ---------------------------------------------- */

static const char SQL_PERSON_MAIL[] =
    "SELECT name, lang FROM person WHERE id = $1 AND erased_at IS NULL";
static const char SQL_PERSON_LANG_SET[] = "UPDATE person SET lang = $2 WHERE email = $1 AND "
                                          "erased_at IS NULL AND lang IS DISTINCT FROM $2";

/* The language mail to person_id is written in: their saved one (the
 * language they last logged in with), else fallback (the language of
 * whoever caused the mail). Their name into *name (arena). */
static db_status mail_reader(db *d, arena *a, int64_t person_id, lang_id fallback, lang_id *lang,
                             const char **name)
{
    *lang = fallback;
    *name = NULL;
    db_stmt *s = db_query(d, SQL_PERSON_MAIL, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        bool oom = false;
        *name = db_col_dup(a, s, 0, &oom);
        const char *tag = db_col_text(s, 1);
        if (tag)
            i18n_parse(tag, lang);
        if (oom)
            st = DB_NOMEM;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status auth_person_lang_set(db *d, const char *email, lang_id lang)
{
    assert(d && (unsigned)lang < LANG__COUNT);
    char em[EMAIL_MAX + 1];
    if (!auth_email_norm(email, em))
        return DB_OK;
    db_status mark = db_failure(d);
    db_status st = db_do(d, SQL_PERSON_LANG_SET, DB_ARGS(DBT(em), DBT(i18n_tag(lang))));
    if (st != DB_OK && st != DB_NOMEM) /* housekeeping, as a session touch */
        db_failure_restore(d, mark);
    return st;
}

static void put_link(buf *b, const char *base_url, const char *path, const char *token)
{
    size_t n = base_url ? strlen(base_url) : 0;
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    buf_append(b, base_url ? base_url : "", n);
    buf_puts(b, path);
    buf_puts(b, token);
}

static bool role_ok(const char *role)
{
    return role && (strcmp(role, "manager") == 0 || strcmp(role, "representative") == 0);
}

/* What the invitation and reset bodies need, and the mail body they
 * compose (overwritten on a retry; zeroed and freed by the caller: it
 * holds the link). */
typedef struct {
    const char *name, *em, *role, *base_url, *tok;
    const unsigned char *h; /* the token's hash, 32 bytes */
    int64_t org_id;
    lang_id lang;
    arena *a;
    buf body;
} link_mail_ctx;

static db_status invite_body(tx *t, void *ctx)
{
    link_mail_ctx *c = ctx;
    db *d = t->d;
    const char *em = c->em, *role = c->role;
    int64_t now = time_now(), person_id = 0, account_id = 0, link_id = 0, actor_id = t->actor_id;
    bool has_password = false;
    buf_reset(&c->body);
    db_stmt *s = db_query(d, SQL_INVITEE, DB_ARGS(DBT(em)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        person_id = db_col_int(s, 0);
        account_id = db_col_int(s, 1);
        has_password = db_col_int(s, 2) != 0;
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (!person_id) {
        if (!auth_name_ok(c->name))
            return DB_CONSTRAINT;
        st = auth_person_account_insert(d, c->name, em, NULL, SEC_NONE, actor_id, now, &account_id,
                                        &person_id);
    } else if (!account_id) {
        st = auth_account_insert(d, person_id, NULL, SEC_NONE, actor_id, now, &account_id);
    } else {
        st = DB_OK;
    }
    if (st != DB_OK)
        return st;

    /* the mail, in the invitee's language: who invites, to what, and how
     * to accept (an existing account logs in; a new one chooses a password) */
    lang_id ml = c->lang;
    const char *invitee = NULL, *inviter = NULL, *org_name = NULL;
    if ((st = mail_reader(d, c->a, person_id, c->lang, &ml, &invitee)) != DB_OK)
        return st;
    if (actor_id) {
        lang_id unused;
        if ((st = mail_reader(d, c->a, actor_id, c->lang, &unused, &inviter)) != DB_OK)
            return st;
    }
    if (c->org_id) {
        s = db_query(d, SQL_ORG_NAME, DB_ARGS(DBI(c->org_id)));
        if (!s)
            return DB_ERR;
        st = db_step(s);
        bool oom = false;
        if (st == DB_ROW)
            org_name = db_col_dup(c->a, s, 0, &oom);
        db_reset(s);
        if (st != DB_ROW)
            return st == DB_DONE ? DB_CONSTRAINT : st; /* no such organisation */
        if (oom)
            return DB_NOMEM;
        bool takes = true; /* a manager only where managers have rights (rights.h) */
        if (strcmp(role, "manager") == 0 &&
            (st = rights_org_takes_managers(d, c->org_id, &takes)) != DB_OK)
            return st;
        if (!takes)
            return DB_CONSTRAINT;
    }
    inviter = inviter ? mail_text_in(c->a, ml, inviter) : T(ml, MSG_MAIL_THE_SECRETARIAT);
    buf what = BUF_INIT, link = BUF_INIT;
    if (c->org_id)
        buf_printf(
            &what,
            T(ml, strcmp(role, "manager") == 0 ? MSG_MAIL_AS_MANAGER_OF : MSG_MAIL_AS_REP_OF),
            mail_text_in(c->a, ml, org_name));
    put_link(&link, c->base_url, "/invite/accept?t=", c->tok);
    buf_printf(&c->body, T(ml, has_password ? MSG_MAIL_INVITE_EXISTING : MSG_MAIL_INVITE_NEW),
               mail_text_in(c->a, ml, invitee ? invitee : em), inviter, buf_str(&what),
               buf_str(&link));
    bool lost = buf_failed(&what) || buf_failed(&link);
    sodium_memzero(link.data ? link.data : (char *)"", link.data ? link.cap : 0);
    buf_free(&what);
    buf_free(&link);
    buf subject = BUF_INIT;
    buf_printf(&subject, T(ml, MSG_MAIL_INVITE_SUBJECT), inviter);
    if (lost || buf_failed(&c->body) || buf_failed(&subject)) {
        buf_free(&subject);
        return DB_NOMEM;
    }

    st = link_insert(d, c->h, "invite", person_id, c->org_id, role, actor_id, now, AUTH_INVITE_TTL,
                     &link_id);
    if (st == DB_OK)
        st = mail_queue(d, em, buf_str(&subject), buf_str(&c->body));
    buf_free(&subject);
    t->entity_id = account_id;
    if (c->org_id)
        buf_printf(&t->detail, "{\"link_id\":%lld,\"org_id\":%lld,\"role\":\"%s\"}",
                   (long long)link_id, (long long)c->org_id, role);
    else
        buf_printf(&t->detail, "{\"link_id\":%lld}", (long long)link_id);
    return st;
}

/* Makes the link's token, runs body on c in a write transaction and
 * copies the token to token_out (may be NULL) when it is stored; zeroes
 * the token and the mail body and frees what c held either way. */
static db_status link_mail_write(db *d, tx *t, tx_body body, link_mail_ctx *c,
                                 char token_out[AUTH_TOKEN_LEN + 1])
{
    char tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    arena a = ARENA_INIT;
    auth_token_new(tok);
    auth_token_hash(tok, h);
    c->tok = tok;
    c->h = h;
    c->a = &a;
    c->body = (buf)BUF_INIT;
    db_status st = tx_write(d, t, body, c);
    if (st == DB_OK && token_out)
        memcpy(token_out, tok, sizeof tok);
    sodium_memzero(tok, sizeof tok);
    if (c->body.data)
        sodium_memzero(c->body.data, c->body.cap);
    buf_free(&c->body);
    arena_free(&a);
    return st;
}

db_status auth_invite(db *d, const char *name, const char *email, int64_t org_id, const char *role,
                      int64_t actor_id, lang_id lang, const char *base_url,
                      char token_out[AUTH_TOKEN_LEN + 1])
{
    assert(d && (unsigned)lang < LANG__COUNT);
    char em[EMAIL_MAX + 1];
    token_out[0] = '\0';
    if (!auth_email_norm(email, em) || !strchr(em, '@') || (org_id && !role_ok(role)) ||
        (!org_id && role))
        return DB_CONSTRAINT;
    link_mail_ctx c = {
        .name = name, .em = em, .role = role, .base_url = base_url, .org_id = org_id, .lang = lang};
    tx t = TX_INIT(actor_id, NULL, "invite", "account", 0);
    return link_mail_write(d, &t, invite_body, &c, token_out);
}

static const char SQL_RESET_TARGET[] =
    "SELECT a.id, a.person_id,"
    "       (SELECT count(*) FROM one_time_link l WHERE l.person_id = a.person_id"
    "           AND l.purpose = 'reset' AND l.created_at > $2)"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE p.email = $1 AND p.erased_at IS NULL AND a.disabled_at IS NULL";

static db_status reset_body(tx *t, void *ctx)
{
    link_mail_ctx *c = ctx;
    db *d = t->d;
    const char *em = c->em;
    int64_t now = time_now(), person_id = 0, recent = 0, link_id = 0;
    buf_reset(&c->body);
    t->action = NULL;
    db_stmt *s = db_query(d, SQL_RESET_TARGET, DB_ARGS(DBT(em), DBI(now - 3600)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        t->entity_id = db_col_int(s, 0);
        person_id = db_col_int(s, 1);
        recent = db_col_int(s, 2);
    }
    db_reset(s);
    if (st == DB_DONE || (st == DB_ROW && recent >= AUTH_RESET_PER_HOUR))
        return DB_OK; /* unknown, disabled, or enough mails this hour: say nothing */
    if (st != DB_ROW)
        return st;
    st = link_insert(d, c->h, "reset", person_id, 0, NULL, 0, now, AUTH_RESET_TTL, &link_id);
    if (st != DB_OK)
        return st;
    t->action = "reset_request";
    buf_printf(&t->detail, "{\"link_id\":%lld}", (long long)link_id);
    lang_id ml = c->lang;
    const char *who = NULL;
    if ((st = mail_reader(d, c->a, person_id, c->lang, &ml, &who)) != DB_OK)
        return st;
    buf link = BUF_INIT;
    put_link(&link, c->base_url, "/password/reset?t=", c->tok);
    buf_printf(&c->body, T(ml, MSG_MAIL_RESET_BODY), mail_text_in(c->a, ml, who ? who : em),
               buf_str(&link));
    bool lost = buf_failed(&link);
    sodium_memzero(link.data ? link.data : (char *)"", link.data ? link.cap : 0);
    buf_free(&link);
    if (lost || buf_failed(&c->body))
        return DB_NOMEM;
    return mail_queue(d, em, T(ml, MSG_MAIL_RESET_SUBJECT), buf_str(&c->body));
}

db_status auth_reset_request(db *d, const char *email, lang_id lang, const char *base_url)
{
    assert(d && (unsigned)lang < LANG__COUNT);
    char em[EMAIL_MAX + 1];
    if (!auth_email_norm(email, em))
        return DB_OK;
    link_mail_ctx c = {.em = em, .base_url = base_url, .lang = lang};
    tx t = TX_INIT(0, NULL, NULL, "account", 0);
    return link_mail_write(d, &t, reset_body, &c, NULL);
}

static const char SQL_LINK_FIND[] =
    "SELECT l.id, l.person_id, coalesce(l.grant_org_id, 0), l.grant_role,"
    "       coalesce(l.created_by, 0), l.expires_at, l.used_at IS NOT NULL, coalesce(a.id, 0),"
    "       a.pass_hash"
    "  FROM one_time_link l JOIN person p ON p.id = l.person_id"
    "  LEFT JOIN account a ON a.person_id = l.person_id"
    " WHERE l.token_hash = $1 AND l.purpose = $2"
    "   AND p.erased_at IS NULL AND a.disabled_at IS NULL";

typedef struct link_row {
    int64_t id, person_id, org_id, created_by, account_id;
    char role[16];                          /* "manager", "representative" or "" */
    char pass_hash[crypto_pwhash_STRBYTES]; /* the account's, "" while it has none */
} link_row;

/* Finds the link and says what state it is in. A link of an erased person
 * or of a disabled (or missing) account is unknown: it must not work. */
static db_status link_find(db *d, const char *token, const char *purpose, int64_t now, link_row *l,
                           link_state *st_out)
{
    unsigned char h[32];
    memset(l, 0, sizeof *l);
    *st_out = LINK_UNKNOWN;
    if (!token || strlen(token) != AUTH_TOKEN_LEN || !purpose ||
        (strcmp(purpose, "invite") != 0 && strcmp(purpose, "reset") != 0))
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_LINK_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_text(s, 2, purpose);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        l->id = db_col_int(s, 0);
        l->person_id = db_col_int(s, 1);
        l->org_id = db_col_int(s, 2);
        const char *role = db_col_text(s, 3);
        if (role && strlen(role) < sizeof l->role)
            strcpy(l->role, role);
        l->created_by = db_col_int(s, 4);
        int64_t expires = db_col_int(s, 5);
        bool used = db_col_int(s, 6) != 0;
        l->account_id = db_col_int(s, 7);
        const char *ph = db_col_text(s, 8);
        l->pass_hash[0] = '\0';
        if (ph && strlen(ph) < sizeof l->pass_hash)
            strcpy(l->pass_hash, ph);
        if (!l->account_id)
            *st_out = LINK_UNKNOWN;
        else if (used)
            *st_out = LINK_USED;
        else if (now >= expires)
            *st_out = LINK_EXPIRED;
        else
            *st_out = LINK_OK;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status auth_link_check(db *d, const char *token, const char *purpose, link_state *st)
{
    link_row l;
    return link_find(d, token, purpose, time_now(), &l, st);
}

static const char SQL_LINK_PERSON[] = "SELECT email, name FROM person WHERE id = $1";

static const char SQL_ORG_NAMES[] = "SELECT name, coalesce(name_en, '') FROM org WHERE id = $1";

db_status auth_link_grant(db *d, arena *a, const char *token, const char *purpose,
                          const char **org_name, const char **org_name_en, const char **role)
{
    assert(d && a);
    link_row l;
    link_state ls = LINK_UNKNOWN;
    *org_name = *org_name_en = *role = NULL;
    db_status st = link_find(d, token, purpose, time_now(), &l, &ls);
    sodium_memzero(l.pass_hash, sizeof l.pass_hash);
    if (st != DB_OK || ls != LINK_OK || !l.org_id)
        return st;
    *role = arena_strdup(a, l.role);
    db_stmt *s = db_query(d, SQL_ORG_NAMES, DB_ARGS(DBI(l.org_id)));
    if (!s)
        return DB_ERR;
    st = db_step(s);
    bool oom = !*role;
    if (st == DB_ROW) {
        *org_name = db_col_dup(a, s, 0, &oom);
        *org_name_en = db_col_dup(a, s, 1, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status auth_link_has_password(db *d, const char *token, const char *purpose, bool *has)
{
    link_row l;
    link_state ls = LINK_UNKNOWN;
    *has = false;
    db_status st = link_find(d, token, purpose, time_now(), &l, &ls);
    *has = st == DB_OK && ls == LINK_OK && l.pass_hash[0];
    sodium_memzero(l.pass_hash, sizeof l.pass_hash);
    return st;
}

db_status auth_link_person(db *d, arena *a, const char *token, const char *purpose,
                           const char **email, const char **name)
{
    assert(d && a);
    link_row l;
    link_state ls = LINK_UNKNOWN;
    *email = *name = NULL;
    db_status st = link_find(d, token, purpose, time_now(), &l, &ls);
    if (st != DB_OK || ls != LINK_OK)
        return st;
    db_stmt *s = db_prepare(d, SQL_LINK_PERSON);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, l.person_id);
    st = db_step(s);
    if (st == DB_ROW) {
        const char *e = db_col_text(s, 0), *n = db_col_text(s, 1);
        *email = e ? arena_strdup(a, e) : NULL;
        *name = n ? arena_strdup(a, n) : NULL;
        st = (e && !*email) || (n && !*name) ? DB_NOMEM : DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

static const char SQL_LINK_USED[] =
    "UPDATE one_time_link SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
static const char SQL_AFFILIATION_FIND[] =
    "SELECT id FROM affiliation WHERE person_id = $1 AND org_id = $2 AND role = $3"
    "   AND ended_at IS NULL";
static const char SQL_AFFILIATION_INSERT[] =
    "INSERT INTO affiliation(person_id, org_id, role, started_at, created_by)"
    " VALUES ($1, $2, $3, $4, nullif($5, 0))";
/* After a reset, the person's other pending reset links stop working. */
static const char SQL_RESETS_EXPIRE[] =
    "UPDATE one_time_link SET expires_at = $3 WHERE person_id = $1 AND id <> $2"
    "   AND purpose = 'reset' AND used_at IS NULL AND expires_at > $3";

/* Creates the affiliation a link grants unless the same one is current
 * (inside the caller's transaction); *aff_id is its id either way. */
static db_status affiliation_grant(db *d, const link_row *l, int64_t now, int64_t *aff_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    *aff_id = 0;
    db_stmt *s = db_prepare(d, SQL_AFFILIATION_FIND);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, l->person_id);
    db_bind_int(s, 2, l->org_id);
    db_bind_text(s, 3, l->role);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *aff_id = db_col_int(s, 0);
    db_reset(s);
    if (st == DB_ROW)
        return DB_OK;
    if (st != DB_DONE)
        return st;
    s = db_prepare(d, SQL_AFFILIATION_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, l->person_id);
    db_bind_int(s, 2, l->org_id);
    db_bind_text(s, 3, l->role);
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, l->created_by);
    if ((st = db_run(s)) != DB_OK)
        return st;
    *aff_id = db_last_id(d);
    return auth_audit_fmt(d, l->created_by, NULL, "affiliation_create", "affiliation", *aff_id,
                          "{\"person_id\":%lld,\"org_id\":%lld,\"role\":\"%s\",\"link_id\":%lld}",
                          (long long)l->person_id, (long long)l->org_id, l->role, (long long)l->id);
}

typedef struct {
    const char *token, *purpose, *hash;
    bool invite, existing;
    link_row *l;
    link_state *st_out;
} use_ctx;

/* Uses the link: marks it used, sets the password (unless an existing
 * account accepts), grants the affiliation, expires other resets, ends
 * sessions and tokens. *c->st_out says when the link no longer works
 * (then nothing is written). */
static db_status use_body(tx *t, void *ctx)
{
    use_ctx *c = ctx;
    db *d = t->d;
    link_row *l = c->l;
    int64_t now = time_now(), n = 0, n_tok = 0, aff_id = 0;
    t->action = NULL;
    /* again inside the transaction: a parallel use may have won */
    db_status st = link_find(d, c->token, c->purpose, now, l, c->st_out);
    if (st != DB_OK || *c->st_out != LINK_OK)
        return st;
    /* the role is granted only while whoever sent the invitation may still
     * invite for that organisation (the system's own, created_by 0, stand) */
    if (c->invite && l->org_id && l->created_by &&
        !rights_person_can(d, l->created_by, RIGHT_INVITE, l->org_id)) {
        *c->st_out = LINK_WITHDRAWN;
        return DB_OK;
    }
    if ((st = db_do(d, SQL_LINK_USED, DB_ARGS(DBI(l->id), DBI(now)))) != DB_OK)
        return st;
    if (db_changes(d) != 1)
        return DB_ERR; /* link_find just saw it unused in this transaction */
    if (!c->existing && (st = db_do(d, auth_sql_password_set,
                                    DB_ARGS(DBI(l->account_id), DBT(c->hash), DBI(now)))) != DB_OK)
        return st;
    if (l->org_id && l->role[0] && (st = affiliation_grant(d, l, now, &aff_id)) != DB_OK)
        return st;
    if (!c->invite && (st = db_do(d, SQL_RESETS_EXPIRE,
                                  DB_ARGS(DBI(l->person_id), DBI(l->id), DBI(now)))) != DB_OK)
        return st;
    /* a new password ends what the old one opened; accepting with the
     * password one has changes nothing of that */
    if (!c->existing && (st = auth_sessions_end(d, l->account_id, 0, &n)) != DB_OK)
        return st;
    if (!c->existing && (st = auth_tokens_revoke_all(d, l->account_id, now, &n_tok)) != DB_OK)
        return st;
    t->action = c->invite ? "invite_accepted" : "password_reset";
    t->actor_id = l->person_id;
    t->entity_id = l->account_id;
    buf_printf(&t->detail,
               "{\"link_id\":%lld,\"affiliation_id\":%lld,\"sessions_ended\":%lld,"
               "\"tokens_revoked\":%lld}",
               (long long)l->id, (long long)aff_id, (long long)n, (long long)n_tok);
    return DB_OK;
}

db_status auth_link_use(db *d, const char *token, const char *purpose, const char *password,
                        link_state *st_out, int64_t *account_id)
{
    char hash[crypto_pwhash_STRBYTES];
    link_row l;
    int64_t now = time_now();
    bool invite = purpose && strcmp(purpose, "invite") == 0;
    *account_id = 0;
    hash[0] = '\0';
    if (!password || !*password)
        return DB_CONSTRAINT;
    /* a cheap look first, so a bad link costs no hashing */
    db_status st = link_find(d, token, purpose, now, &l, st_out);
    if (st != DB_OK || *st_out != LINK_OK)
        goto cleanup;
    /* an invited person who has an account already accepts with the
     * password they have, which stays as it is */
    bool existing = invite && l.pass_hash[0];
    if (existing) {
        if (!auth_password_verify(password, l.pass_hash)) {
            *st_out = LINK_WRONG_PASSWORD;
            goto cleanup;
        }
    } else if (auth_password_hash(password, hash) != 0) {
        st = DB_NOMEM;
        goto cleanup;
    }
    use_ctx c = {.token = token,
                 .purpose = purpose,
                 .hash = hash,
                 .invite = invite,
                 .existing = existing,
                 .l = &l,
                 .st_out = st_out};
    tx t = TX_INIT(0, NULL, NULL, "account", 0);
    if ((st = tx_write(d, &t, use_body, &c)) == DB_OK && *st_out == LINK_OK)
        *account_id = l.account_id;
cleanup:
    if (st != DB_OK)
        *st_out = LINK_UNKNOWN;
    sodium_memzero(hash, sizeof hash);
    sodium_memzero(l.pass_hash, sizeof l.pass_hash);
    return st;
}
