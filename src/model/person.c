/* person.c: people's personal data: display names, the export of
 * everything stored about a person, erasure, and the account list and
 * affiliations that `scan user` and the users page manage (see person.h).
 *
 * Accounts, passwords and sessions themselves belong to auth.c; this file
 * only reads them for the export and the list, and switches them off when
 * a person is erased. Every write also writes its audit row (audit.c) in
 * the same transaction. */
#include "model/person.h"

#include <assert.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/notify.h"
#include "model/rights.h"
#include "model/tx.h"

/* --- lookup by e-mail -------------------------------------------------------- */

static const char SQL_ID_BY_EMAIL[] =
    "SELECT id FROM person WHERE email = lower($1) AND erased_at IS NULL";

db_status person_id_by_email(db *d, const char *email, int64_t *id)
{
    *id = 0;
    db_stmt *s = db_prepare(d, SQL_ID_BY_EMAIL);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, email);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static const char SQL_CAN_LOG_IN[] =
    "SELECT 1 FROM person p JOIN account a ON a.person_id = p.id"
    " WHERE p.email = lower($1) AND p.erased_at IS NULL AND a.pass_hash IS NOT NULL";

db_status person_can_log_in(db *d, const char *email, bool *yes)
{
    *yes = false;
    db_stmt *s = db_prepare(d, SQL_CAN_LOG_IN);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, email);
    db_status st = db_step(s);
    *yes = st == DB_ROW;
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* --- export ------------------------------------------------------------------ */

static const char SQL_EXP_PERSON[] =
    "SELECT id, name, email, phone, public_contact, erased_at, created_at, updated_at"
    "  FROM person WHERE id = $1";
static const char SQL_EXP_ACCOUNT[] =
    "SELECT id, secretariat, pass_hash IS NOT NULL, disabled_at, created_at,"
    "       password_changed_at, last_login_at"
    "  FROM account WHERE person_id = $1";
static const char SQL_EXP_AFF[] =
    "SELECT f.id, f.role, f.started_at, f.ended_at, o.id, o.slug, o.name"
    "  FROM affiliation f JOIN org o ON o.id = f.org_id"
    " WHERE f.person_id = $1 ORDER BY f.id";
static const char SQL_EXP_SESSIONS[] =
    "SELECT s.id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent"
    "  FROM session s JOIN account a ON a.id = s.account_id"
    " WHERE a.person_id = $1 ORDER BY s.id";
static const char SQL_EXP_TOKENS[] =
    "SELECT t.id, t.name, t.scope, t.created_at, t.last_used_at, t.revoked_at"
    "  FROM api_token t JOIN account a ON a.id = t.account_id"
    " WHERE a.person_id = $1 ORDER BY t.id";
/* Cooperation posts the person wrote (they belong to the organisation;
 * the person's part is the authorship). */
static const char SQL_EXP_POSTS[] =
    "SELECT p.id, p.kind, p.title, p.body, p.status, p.published_at, p.valid_until, o.slug"
    "  FROM post p JOIN org o ON o.id = p.org_id WHERE p.author_id = $1 ORDER BY p.id";
static const char SQL_EXP_AUDIT[] =
    "SELECT id, at, ip, action, entity, entity_id, detail FROM audit"
    " WHERE actor_id = $1 ORDER BY id";
/* Notification settings, saved searches and followed clusters (notify.c)
 * as {"type", "value"} rows. */
static const char SQL_EXP_NOTIFY[] =
    "SELECT 'setting', kind || '=' || channel FROM notify_pref WHERE person_id = $1"
    " UNION ALL SELECT 'topic', page || '?' || query FROM notify_topic WHERE person_id = $1"
    " UNION ALL SELECT 'follows', o.slug FROM notify_follow f JOIN org o ON o.id = f.cluster_id"
    "  WHERE f.person_id = $1";

/* One column of an exported row: its key and how it is written; a key
 * with kind '{' opens a nested object of the columns that follow, '}'
 * closes it. Columns are read in order. */
typedef struct exp_col {
    const char *key;
    char kind; /* 'i' integer, 't' text, 'b' boolean, 'T' time, '{', '}' */
} exp_col;

typedef struct exp_array {
    const char *key;
    const char *sql;
    const exp_col *cols; /* ends with a NULL key */
} exp_array;

static const exp_col PERSON_COLS[] = {
    {"id", 'i'},         {"name", 't'},           {"email", 't'},
    {"phone", 't'},      {"public_contact", 'b'}, {"erased_at", 'T'},
    {"created_at", 'T'}, {"updated_at", 'T'},     {NULL, 0}};
static const exp_col ACCOUNT_COLS[] = {
    {"id", 'i'},         {"secretariat", 't'},         {"password_set", 'b'},  {"disabled_at", 'T'},
    {"created_at", 'T'}, {"password_changed_at", 'T'}, {"last_login_at", 'T'}, {NULL, 0}};
static const exp_col AFF_COLS[] = {
    {"id", 'i'}, {"role", 't'}, {"started_at", 'T'}, {"ended_at", 'T'}, {"org", '{'},
    {"id", 'i'}, {"slug", 't'}, {"name", 't'},       {NULL, '}'},       {NULL, 0}};
static const exp_col SESSION_COLS[] = {{"id", 'i'},
                                       {"created_at", 'T'},
                                       {"last_seen_at", 'T'},
                                       {"expires_at", 'T'},
                                       {"ip", 't'},
                                       {"user_agent", 't'},
                                       {NULL, 0}};
static const exp_col TOKEN_COLS[] = {
    {"id", 'i'},           {"name", 't'},       {"scope", 't'}, {"created_at", 'T'},
    {"last_used_at", 'T'}, {"revoked_at", 'T'}, {NULL, 0}};
static const exp_col NOTIFY_COLS[] = {{"type", 't'}, {"value", 't'}, {NULL, 0}};
static const exp_col POST_COLS[] = {{"id", 'i'},          {"kind", 't'},   {"title", 't'},
                                    {"body", 't'},        {"status", 't'}, {"published_at", 'T'},
                                    {"valid_until", 't'}, {"org", 't'},    {NULL, 0}};
static const exp_col AUDIT_COLS[] = {{"id", 'i'},     {"at", 'T'},     {"ip", 't'},
                                     {"action", 't'}, {"entity", 't'}, {"entity_id", 'i'},
                                     {"detail", 't'}, {NULL, 0}};

/* The arrays of the export, in its order. */
static const exp_array exp_arrays[] = {
    {"affiliations", SQL_EXP_AFF, AFF_COLS},    {"sessions", SQL_EXP_SESSIONS, SESSION_COLS},
    {"api_tokens", SQL_EXP_TOKENS, TOKEN_COLS}, {"notifications", SQL_EXP_NOTIFY, NOTIFY_COLS},
    {"posts", SQL_EXP_POSTS, POST_COLS},        {"audit", SQL_EXP_AUDIT, AUDIT_COLS},
};

/* One row as a JSON object, its columns written as cols says. */
static void put_row(buf *o, db_stmt *s, const exp_col *cols)
{
    bool first = true;
    int col = 0;
    buf_putc(o, '{');
    for (const exp_col *c = cols; c->kind; c++) {
        if (c->kind == '}') {
            buf_putc(o, '}');
            first = false;
            continue;
        }
        json_put_key(o, c->key, first);
        first = c->kind == '{';
        if (c->kind == '{')
            buf_putc(o, '{');
        else if (c->kind == 't')
            json_put_string(o, db_col_text(s, col++));
        else if (c->kind == 'b')
            json_put_bool(o, db_col_int(s, col++) != 0);
        else if (db_col_is_null(s, col) && ++col)
            buf_puts(o, "null");
        else if (c->kind == 'i')
            json_put_int(o, db_col_int(s, col++));
        else {
            buf_putc(o, '"');
            time_fmt_iso(o, db_col_int(s, col++));
            buf_putc(o, '"');
        }
    }
    buf_putc(o, '}');
}

/* Runs the array's query for the person and appends "key":[...], one
 * object per row. */
static db_status put_array(db *d, buf *o, const exp_array *a, int64_t person_id)
{
    db_stmt *s = db_prepare(d, a->sql);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    json_put_key(o, a->key, false);
    buf_putc(o, '[');
    db_status st;
    bool first = true;
    while ((st = db_step(s)) == DB_ROW) {
        if (!first)
            buf_putc(o, ',');
        first = false;
        put_row(o, s, a->cols);
    }
    buf_putc(o, ']');
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

/* Appends "person":{...}; *found false when there is no such row. */
static db_status put_person(db *d, buf *o, int64_t person_id, bool *found)
{
    *found = false;
    db_stmt *s = db_prepare(d, SQL_EXP_PERSON);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *found = true;
        json_put_key(o, "person", false);
        put_row(o, s, PERSON_COLS);
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

/* Appends "account":{...} or "account":null. */
static db_status put_account(db *d, buf *o, int64_t person_id)
{
    db_stmt *s = db_prepare(d, SQL_EXP_ACCOUNT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    json_put_key(o, "account", false);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        put_row(o, s, ACCOUNT_COLS);
        st = DB_OK;
    } else if (st == DB_DONE) {
        buf_puts(o, "null");
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

db_status person_export_json(db *d, int64_t person_id, buf *out)
{
    assert(!db_in_tx(d));
    buf o = BUF_INIT;
    bool found = false;
    db_status st = db_begin_read(d);
    if (st != DB_OK)
        goto cleanup;
    buf_puts(&o, "{");
    json_put_key(&o, "format", true);
    json_put_string(&o, "scan-person-export/1");
    json_put_key(&o, "exported_at", false);
    buf_putc(&o, '"');
    time_fmt_iso(&o, time_now());
    buf_putc(&o, '"');
    st = put_person(d, &o, person_id, &found);
    if (st != DB_OK || !found)
        goto cleanup;
    st = put_account(d, &o, person_id);
    for (size_t i = 0; st == DB_OK && i < sizeof exp_arrays / sizeof exp_arrays[0]; i++)
        st = put_array(d, &o, &exp_arrays[i], person_id);
    if (st != DB_OK)
        goto cleanup;
    buf_puts(&o, "}\n");
    if (buf_failed(&o)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    buf_append(out, o.data, o.len);
cleanup:
    db_rollback(d); /* read only: ending it either way is the same */
    buf_free(&o);
    if (st == DB_OK && !found)
        return DB_DONE;
    return st;
}

/* --- erasure --------------------------------------------------------------- */

static const char SQL_ERASE_FIND[] =
    "SELECT erased_at IS NOT NULL, email FROM person WHERE id = $1";
static const char SQL_ERASE_PERSON[] =
    "UPDATE person SET name = 'Erased person #' || id, email = NULL, phone = NULL,"
    "       public_contact = 0, erased_at = $2, updated_at = $2"
    " WHERE id = $1 AND erased_at IS NULL";
static const char SQL_ERASE_ACCOUNT[] =
    "UPDATE account SET disabled_at = coalesce(disabled_at, $2), pass_hash = NULL"
    " WHERE person_id = $1";
static const char SQL_ERASE_SESSIONS[] =
    "DELETE FROM session WHERE account_id IN (SELECT id FROM account WHERE person_id = $1)";
static const char SQL_ERASE_TOKENS[] =
    "UPDATE api_token SET revoked_at = $2"
    " WHERE revoked_at IS NULL AND account_id IN (SELECT id FROM account WHERE person_id = $1)";
static const char SQL_ERASE_LINKS[] =
    "UPDATE one_time_link SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL";
static const char SQL_ERASE_AFF[] =
    "UPDATE affiliation SET ended_at = $2 WHERE person_id = $1 AND ended_at IS NULL";
static const char SQL_ERASE_FAILURES[] = "DELETE FROM login_failure WHERE email = $1";

/* Runs one UPDATE/DELETE bound to (person_id, now); *changed gets the
 * number of rows. */
static db_status erase_step(db *d, const char *sql, int64_t person_id, int64_t now,
                            int64_t *changed)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    if (db_param_count(s) >= 2) /* the statements that stamp a time */
        db_bind_int(s, 2, now);
    db_status st = db_step(s);
    db_reset(s);
    if (st != DB_DONE)
        return st;
    if (changed)
        *changed = db_changes(d);
    return DB_OK;
}

static db_status erase_body(tx *t, void *ctx)
{
    (void)ctx;
    db *d = t->d;
    int64_t person_id = t->entity_id;
    int64_t now = time_now(), n_sessions = 0, n_tokens = 0, n_aff = 0;
    char *email = NULL;
    db_status st;
    db_stmt *s = db_prepare(d, SQL_ERASE_FIND);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, person_id);
    st = db_step(s);
    bool erased = st == DB_ROW && db_col_int(s, 0) != 0;
    if (st == DB_ROW && db_col_text(s, 1)) {
        email = mem_strdup(db_col_text(s, 1));
        if (!email)
            st = DB_NOMEM;
    }
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such person */
    if (erased) {
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    if ((st = erase_step(d, SQL_ERASE_PERSON, person_id, now, NULL)) != DB_OK ||
        (st = erase_step(d, SQL_ERASE_ACCOUNT, person_id, now, NULL)) != DB_OK ||
        (st = erase_step(d, SQL_ERASE_SESSIONS, person_id, now, &n_sessions)) != DB_OK ||
        (st = erase_step(d, SQL_ERASE_TOKENS, person_id, now, &n_tokens)) != DB_OK ||
        (st = erase_step(d, SQL_ERASE_LINKS, person_id, now, NULL)) != DB_OK ||
        (st = erase_step(d, SQL_ERASE_AFF, person_id, now, &n_aff)) != DB_OK ||
        (st = notify_person_erase(d, person_id)) != DB_OK)
        goto cleanup;
    if (email) {
        s = db_prepare(d, SQL_ERASE_FAILURES);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_text(s, 1, email);
        st = db_step(s);
        db_reset(s);
        if (st != DB_DONE)
            goto cleanup;
        st = DB_OK;
    }
    buf_reset(&t->detail);
    buf_printf(&t->detail,
               "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld,\"affiliations_ended\":%lld}",
               (long long)n_sessions, (long long)n_tokens, (long long)n_aff);
cleanup:
    if (email) {
        memset(email, 0, strlen(email));
        mem_free(email);
    }
    return st;
}

db_status person_erase(db *d, int64_t person_id, int64_t actor_id, const char *ip)
{
    assert(!db_in_tx(d));
    tx t = TX_INIT(actor_id, ip, "person_erase", "person", person_id);
    return tx_write(d, &t, erase_body, NULL);
}

/* --- accounts and affiliations ------------------------------------------------ */

static const char SQL_ACCOUNTS[] =
    "SELECT p.id, a.id, p.name, p.email, coalesce(a.secretariat, ''), a.created_at,"
    "       coalesce(a.disabled_at, 0), coalesce(a.last_login_at, 0)"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " ORDER BY p.email IS NULL, p.email, a.id";
static const char SQL_ACCOUNTS_COUNT[] = "SELECT count(*) FROM account";

db_status person_account_list(db *d, arena *a, person_account **rows, size_t *n)
{
    assert(d && a);
    *rows = NULL;
    *n = 0;
    int64_t count = 0;
    size_t k = 0;
    person_account *out = NULL;
    db_status st = db_begin_read(d);
    if (st != DB_OK)
        return st;
    st = db_scalar_int(d, SQL_ACCOUNTS_COUNT, &count);
    if (st != DB_OK)
        goto cleanup;
    out = arena_zalloc(a, sizeof *out * (size_t)(count > 0 ? count : 1));
    db_stmt *s = db_prepare(d, SQL_ACCOUNTS);
    if (!out || !s) {
        st = out ? DB_ERR : DB_NOMEM;
        goto cleanup;
    }
    while (k < (size_t)count && (st = db_step(s)) == DB_ROW) {
        person_account *r = &out[k++];
        const char *sec = db_col_text(s, 4);
        r->person_id = db_col_int(s, 0);
        r->account_id = db_col_int(s, 1);
        r->name = arena_strdup(a, db_col_text(s, 2));
        r->email = arena_strdup(a, db_col_text(s, 3));
        r->secretariat = strcmp(sec, "admin") == 0    ? SEC_ADMIN
                         : strcmp(sec, "editor") == 0 ? SEC_EDITOR
                                                      : SEC_NONE;
        r->created_at = db_col_int(s, 5);
        r->disabled_at = db_col_int(s, 6);
        r->last_login_at = db_col_int(s, 7);
        if (!r->name) {
            st = DB_NOMEM;
            break;
        }
    }
    db_reset(s);
    if (st == DB_ROW || st == DB_DONE || (count == 0 && st == DB_OK))
        st = DB_OK;
cleanup:
    db_rollback(d);
    if (st == DB_OK) {
        *rows = out;
        *n = k;
    }
    return st;
}

static const char SQL_ORG_BY_SLUG[] = "SELECT id FROM org WHERE slug = $1";
static const char SQL_AFF_CURRENT[] =
    "SELECT id FROM affiliation"
    " WHERE person_id = $1 AND org_id = $2 AND role = $3 AND ended_at IS NULL";
static const char SQL_AFF_START[] =
    "INSERT INTO affiliation(person_id, org_id, role, started_at, created_by)"
    " VALUES ($1, $2, $3, $4, nullif($5, 0))";
static const char SQL_AFF_END[] = "UPDATE affiliation SET ended_at = $2 WHERE id = $1";

/* The organisation's id by slug, 0 when none. */
static db_status org_id_by_slug(db *d, const char *slug, int64_t *id)
{
    *id = 0;
    db_stmt *s = db_prepare(d, SQL_ORG_BY_SLUG);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, slug);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* The current affiliation of the person with the org in role, 0 when none. */
static db_status aff_current(db *d, int64_t person_id, int64_t org_id, const char *role,
                             int64_t *id)
{
    *id = 0;
    db_stmt *s = db_prepare(d, SQL_AFF_CURRENT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    db_bind_int(s, 2, org_id);
    db_bind_text(s, 3, role);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

typedef struct aff_ctx {
    int64_t person_id;
    const char *org_slug, *role;
    bool current;
    person_aff_result res; /* out */
} aff_ctx;

/* Starts or ends the affiliation; writes nothing (and leaves t->action
 * NULL: no audit row) when there is no such entry or nothing changes. */
static db_status aff_body(tx *t, void *ctx)
{
    aff_ctx *c = ctx;
    db *d = t->d;
    int64_t person_id = c->person_id, org_id = 0, aff_id = 0, now = time_now();
    const char *role = c->role;
    bool current = c->current;
    t->action = NULL;
    c->res = AFF_UNCHANGED;
    db_status st = org_id_by_slug(d, c->org_slug, &org_id);
    if (st != DB_OK)
        return st;
    if (!org_id) {
        c->res = AFF_NO_ORG;
        return DB_OK;
    }
    if (current && strcmp(role, "manager") == 0) {
        bool takes = false;
        if ((st = rights_org_takes_managers(d, org_id, &takes)) != DB_OK)
            return st;
        if (!takes) {
            c->res = AFF_NO_MANAGERS;
            return DB_OK;
        }
    }
    st = aff_current(d, person_id, org_id, role, &aff_id);
    if (st != DB_OK || (current && aff_id) || (!current && !aff_id))
        return st; /* AFF_UNCHANGED */
    db_stmt *s = db_prepare(d, current ? SQL_AFF_START : SQL_AFF_END);
    if (!s)
        return DB_ERR;
    if (current) {
        db_bind_int(s, 1, person_id);
        db_bind_int(s, 2, org_id);
        db_bind_text(s, 3, role);
        db_bind_int(s, 4, now);
        db_bind_int(s, 5, t->actor_id);
    } else {
        db_bind_int(s, 1, aff_id);
        db_bind_int(s, 2, now);
    }
    if ((st = db_run(s)) != DB_OK)
        return st;
    t->action = current ? "affiliation_start" : "affiliation_end";
    t->entity_id = current ? db_last_id(d) : aff_id;
    buf_reset(&t->detail);
    buf_printf(&t->detail, "{\"person_id\":%lld,\"org_id\":%lld,\"role\":\"%s\"}",
               (long long)person_id, (long long)org_id, role);
    c->res = AFF_DONE;
    return DB_OK;
}

db_status person_affiliation_set(db *d, int64_t person_id, const char *org_slug, const char *role,
                                 bool current, int64_t actor_id, const char *ip,
                                 person_aff_result *res)
{
    assert(!db_in_tx(d));
    *res = AFF_UNCHANGED;
    if (!role || (strcmp(role, "manager") != 0 && strcmp(role, "representative") != 0) || !org_slug)
        return DB_CONSTRAINT;
    aff_ctx c = {.person_id = person_id,
                 .org_slug = org_slug,
                 .role = role,
                 .current = current,
                 .res = AFF_UNCHANGED};
    tx t = TX_INIT(actor_id, ip, NULL, "affiliation", 0); /* the body names the action */
    db_status st = tx_write(d, &t, aff_body, &c);
    if (st == DB_OK)
        *res = c.res;
    return st;
}

static const char SQL_AFFILIATIONS[] =
    "SELECT o.id, o.slug, o.name, f.role, f.started_at, c.name,"
    "       EXISTS (SELECT 1 FROM account a WHERE a.person_id = c.id AND a.secretariat IS NOT NULL)"
    "  FROM affiliation f JOIN org o ON o.id = f.org_id LEFT JOIN person c ON c.id = f.created_by"
    " WHERE f.person_id = $1 AND f.ended_at IS NULL ORDER BY o.name, f.role, o.id";

static void affil_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    person_affil *f = item;
    f->org_id = db_col_int(s, 0);
    f->org_slug = db_col_dup(a, s, 1, oom);
    f->org_name = db_col_dup(a, s, 2, oom);
    f->role = db_col_dup(a, s, 3, oom);
    f->started_at = db_col_int(s, 4);
    f->granted_by = db_col_dup(a, s, 5, oom);
    f->by_secretariat = db_col_int(s, 6) != 0;
}

db_status person_affiliations(db *d, arena *a, int64_t person_id, person_affil **items, size_t *n)
{
    assert(d && a);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_AFFILIATIONS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    return db_collect(s, a, (void **)items, n, sizeof **items, affil_row, NULL);
}

static const char SQL_NAME_OF[] = "SELECT name FROM person WHERE id = $1 AND erased_at IS NULL";

db_status person_name_of(db *d, arena *a, int64_t id, const char **name)
{
    assert(d && a && name);
    *name = NULL;
    db_stmt *s = db_query(d, SQL_NAME_OF, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    bool oom = false;
    if (st == DB_ROW)
        *name = db_col_dup(a, s, 0, &oom);
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}
