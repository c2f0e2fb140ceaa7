/* notify.c: kinds of event, settings, topics, followed clusters, events and
 * unsubscribe links (see notify.h). The digest that carries the weekly
 * events is digest.c; mail goes through the outbox (mail.c). */
#include "model/notify.h"

#include <assert.h>
#include <string.h>

#include "core/mem.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/auth.h"
#include "model/mail.h"
#include "model/tx.h"

/* The kinds of event. Append; never rename an id (stored in rows). */
const notify_kind notify_kinds[] = {
    {"cluster_member", MSG_NK_CLUSTER_MEMBER, MSG_NK_CLUSTER_MEMBER_LINE, NOTIFY_WEEKLY, false},
    /* development plans and mentoring (devplan.c, mentoring.c) */
    {"devplan_action", MSG_NK_DEVPLAN_ACTION, MSG_NK_DEVPLAN_ACTION_LINE, NOTIFY_WEEKLY, false},
    {"mentoring", MSG_NK_MENTORING, MSG_NK_MENTORING_LINE, NOTIFY_IMMEDIATE, false},
    /* introductions and their threads (interest.c): weekly by default, as
     * the issue asks of every kind, in the digest's own "Introductions"
     * section; a thread's messages go out by mail at once ("each message
     * also goes out by mail") */
    {"post_interest", MSG_NK_POST_INTEREST, MSG_NK_POST_INTEREST_LINE, NOTIFY_WEEKLY, false},
    {"post_interest_answer", MSG_NK_POST_ANSWER, MSG_NK_POST_ANSWER_LINE, NOTIFY_WEEKLY, false},
    {"post_message", MSG_NK_POST_MESSAGE, MSG_NK_POST_MESSAGE_LINE, NOTIFY_IMMEDIATE, false},
    /* advocacy positions (position_sign.c) */
    {"position_version", MSG_NK_POSITION_VERSION, MSG_NK_POSITION_VERSION_LINE, NOTIFY_WEEKLY,
     false},
    {"position_reply", MSG_NK_POSITION_REPLY, MSG_NK_POSITION_REPLY_LINE, NOTIFY_IMMEDIATE, false},
    {"position_signing", MSG_NK_POSITION_SIGNING, MSG_NK_POSITION_SIGNING_LINE, NOTIFY_IMMEDIATE,
     false},
    /* funding calls: reminders before the deadline of calls that match one's
     * organisation (call_remind.c); off unless chosen */
    {"call_match", MSG_NK_CALL_MATCH, MSG_NK_CALL_MATCH_LINE, NOTIFY_NEVER, false},
    /* reminders of the calls one follows (call_remind.c); on unless turned off,
     * as by the one-click link in each reminder */
    {"call_remind", MSG_NK_CALL_REMIND, MSG_NK_CALL_REMIND_LINE, NOTIFY_IMMEDIATE, false},
    /* agreements and projects naming an organisation wait for its word
     * (agreement.c, project.c, 0035) */
    {"tie_proposed", MSG_NK_TIE_PROPOSED, MSG_NK_TIE_PROPOSED_LINE, NOTIFY_IMMEDIATE, false},
};
const size_t notify_n_kinds = sizeof notify_kinds / sizeof notify_kinds[0];

static const char *const channel_names[] = {"immediate", "weekly", "never"};

const notify_kind *notify_kind_find(const char *id)
{
    for (size_t i = 0; id && i < notify_n_kinds; i++)
        if (strcmp(notify_kinds[i].id, id) == 0)
            return &notify_kinds[i];
    return NULL;
}

const char *notify_channel_name(notify_channel c)
{
    return (unsigned)c < 3 ? channel_names[c] : "weekly";
}

bool notify_channel_parse(const char *s, notify_channel *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, channel_names[i]) == 0) {
            *out = (notify_channel)i;
            return true;
        }
    return false;
}

/* Set once before threads start (cli), read by every thread after. */
static char *g_base_url;
static const char *(*g_base_fn)(void);

void notify_set_base_url_fn(const char *(*fn)(void))
{
    g_base_fn = fn;
}

void notify_set_base_url(const char *url)
{
    mem_free(g_base_url);
    g_base_url = url ? mem_strdup(url) : NULL;
    if (g_base_url) {
        size_t n = strlen(g_base_url);
        while (n > 0 && g_base_url[n - 1] == '/')
            g_base_url[--n] = '\0';
    }
}

const char *notify_base_url(void)
{
    const char *fn = g_base_fn ? g_base_fn() : NULL;
    if (fn)
        return fn;
    return g_base_url ? g_base_url : "";
}

bool notify_base_ready(void)
{
    return !g_base_fn || g_base_fn() != NULL;
}

/* --- settings ------------------------------------------------------------- */

static const char SQL_PREFS[] = "SELECT kind, channel FROM notify_pref WHERE person_id = $1";
static const char SQL_PREF_PUT[] =
    "INSERT INTO notify_pref(person_id, kind, channel, updated_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (person_id, kind) DO UPDATE SET channel = excluded.channel,"
    " updated_at = excluded.updated_at";

db_status notify_prefs_get(db *d, int64_t person_id, notify_channel *out)
{
    assert(d && out);
    for (size_t i = 0; i < notify_n_kinds; i++)
        out[i] = notify_kinds[i].dflt;
    out[notify_n_kinds] = NOTIFY_WEEKLY;
    db_stmt *s = db_query(d, SQL_PREFS, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        const char *kind = db_col_text(s, 0);
        notify_channel c;
        if (!notify_channel_parse(db_col_text(s, 1), &c))
            continue;
        if (kind && strcmp(kind, NOTIFY_DIGEST) == 0) {
            out[notify_n_kinds] = c;
            continue;
        }
        const notify_kind *k = notify_kind_find(kind);
        if (k) /* a row of a kind no longer in the table is ignored */
            out[k - notify_kinds] = c;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

bool notify_choice_valid(const notify_choice *c)
{
    notify_channel ch;
    if (!c->kind || !notify_channel_parse(c->channel, &ch))
        return false;
    if (strcmp(c->kind, NOTIFY_DIGEST) == 0)
        return ch != NOTIFY_IMMEDIATE;
    const notify_kind *k = notify_kind_find(c->kind);
    return k && !(k->no_immediate && ch == NOTIFY_IMMEDIATE);
}

typedef struct prefs_ctx {
    int64_t person_id;
    const notify_choice *c;
    size_t n;
} prefs_ctx;

static db_status put_prefs(tx *t, void *vctx)
{
    prefs_ctx *p = vctx;
    buf_puts(&t->detail, "{");
    for (size_t i = 0; i < p->n; i++) {
        db_status st = db_do(
            t->d, SQL_PREF_PUT,
            DB_ARGS(DBI(p->person_id), DBT(p->c[i].kind), DBT(p->c[i].channel), DBI(time_now())));
        if (st != DB_OK)
            return st;
        /* kinds and channels are table strings: no escaping needed */
        buf_printf(&t->detail, "%s\"%s\":\"%s\"", i ? "," : "", p->c[i].kind, p->c[i].channel);
    }
    buf_puts(&t->detail, "}");
    return DB_OK;
}

db_status notify_prefs_set(db *d, int64_t person_id, const notify_choice *c, size_t n,
                           const char *ip, size_t *bad)
{
    assert(d && (c || n == 0));
    for (size_t i = 0; i < n; i++)
        if (!notify_choice_valid(&c[i])) {
            if (bad)
                *bad = i;
            return DB_CONSTRAINT;
        }
    if (n == 0)
        return DB_OK;
    prefs_ctx p = {person_id, c, n};
    tx t = TX_INIT(person_id, ip, "notify_settings", "person", person_id);
    return tx_write(d, &t, put_prefs, &p);
}

/* --- topics ------------------------------------------------------------------ */

static const char SQL_TOPIC_COUNT[] = "SELECT count(*) FROM notify_topic WHERE person_id = $1";
static const char SQL_TOPIC_ADD[] =
    "INSERT INTO notify_topic(person_id, page, query, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (person_id, page, query) DO NOTHING";
static const char SQL_TOPIC_DEL[] = "DELETE FROM notify_topic WHERE id = $1 AND person_id = $2";
static const char SQL_TOPICS[] =
    "SELECT id, page, query FROM notify_topic WHERE person_id = $1 ORDER BY id";

typedef struct topic_ctx {
    int64_t person_id, id;
    const char *page, *query;
    topic_error err;
} topic_ctx;

static db_status put_topic(tx *t, void *vctx)
{
    topic_ctx *c = vctx;
    int64_t n = 0;
    db_status st = db_int(t->d, &n, 0, SQL_TOPIC_COUNT, DB_ARGS(DBI(c->person_id)));
    if (st != DB_OK)
        return st;
    if (n >= NOTIFY_TOPICS_MAX) {
        c->err = TOPIC_TOO_MANY;
        return DB_CONSTRAINT;
    }
    st = db_do(t->d, SQL_TOPIC_ADD,
               DB_ARGS(DBI(c->person_id), DBT(c->page), DBT(c->query), DBI(time_now())));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0) {
        c->err = TOPIC_EXISTS;
        return DB_CONSTRAINT;
    }
    c->id = t->entity_id = db_last_id(t->d);
    buf_printf(&t->detail, "{\"topic\":%lld,\"page\":\"%s\"}", (long long)c->id, c->page);
    return DB_OK;
}

db_status notify_topic_add(db *d, int64_t person_id, const char *page, const char *query,
                           const char *ip, topic_error *err, int64_t *id)
{
    assert(d && err);
    arena a = ARENA_INIT;
    *err = TOPIC_OK;
    if (id)
        *id = 0;
    db_status st = DB_CONSTRAINT;
    topic_ctx c = {.person_id = person_id, .page = page};
    if (!page || (strcmp(page, "/orgs") != 0 && strcmp(page, "/cooperation") != 0)) {
        *err = TOPIC_BAD_PAGE;
        goto cleanup;
    }
    c.query = query ? query : "";
    if (strlen(c.query) > NOTIFY_QUERY_MAX) {
        *err = TOPIC_TOO_LONG;
        goto cleanup;
    }
    tx t = TX_INIT(person_id, ip, "notify_topic_add", "notify_topic", 0);
    st = tx_write(d, &t, put_topic, &c);
    *err = st == DB_CONSTRAINT ? c.err : TOPIC_OK;
    if (st == DB_OK && id)
        *id = c.id;
cleanup:
    arena_free(&a);
    return st;
}

typedef struct del_ctx {
    int64_t person_id, id;
} del_ctx;

static db_status del_topic(tx *t, void *vctx)
{
    del_ctx *c = vctx;
    db_status st = db_do(t->d, SQL_TOPIC_DEL, DB_ARGS(DBI(c->id), DBI(c->person_id)));
    if (st == DB_OK && db_changes(t->d) == 0)
        return DB_DONE; /* not theirs, or gone: nothing written, rolled back */
    return st;
}

db_status notify_topic_remove(db *d, int64_t person_id, int64_t id, const char *ip)
{
    del_ctx c = {person_id, id};
    tx t = TX_INIT(person_id, ip, "notify_topic_remove", "notify_topic", id);
    return tx_write(d, &t, del_topic, &c);
}

static void topic_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    notify_topic *t = item;
    t->id = db_col_int(s, 0);
    t->page = db_col_dup(a, s, 1, oom);
    t->query = db_col_dup(a, s, 2, oom);
}

db_status notify_topics(db *d, arena *a, int64_t person_id, notify_topic **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_TOPICS, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, topic_row, NULL);
}

/* --- followed clusters ------------------------------------------------------- */

static const char SQL_CLUSTER_BY_SLUG[] =
    "SELECT id FROM org WHERE slug = $1 AND kind IN ('cluster', 'cluster_initiative')"
    " AND status <> 'deleted'";
static const char SQL_FOLLOW_COUNT[] = "SELECT count(*) FROM notify_follow WHERE person_id = $1";
static const char SQL_FOLLOW_ADD[] =
    "INSERT INTO notify_follow(person_id, cluster_id, created_at) VALUES ($1, $2, $3)"
    " ON CONFLICT (person_id, cluster_id) DO NOTHING";
static const char SQL_FOLLOW_DEL[] =
    "DELETE FROM notify_follow WHERE person_id = $1 AND cluster_id = $2";
static const char SQL_FOLLOWS[] =
    "SELECT o.id, o.slug, o.name, o.name_en FROM notify_follow f JOIN org o ON o.id = f.cluster_id"
    " WHERE f.person_id = $1 ORDER BY o.name_folded, o.id";

typedef struct follow_ctx {
    int64_t person_id;
    const char *slug;
    int64_t cluster_id;
} follow_ctx;

static db_status put_follow(tx *t, void *vctx)
{
    follow_ctx *c = vctx;
    db_status st = db_int(t->d, &c->cluster_id, 0, SQL_CLUSTER_BY_SLUG, DB_ARGS(DBT(c->slug)));
    if (st != DB_OK)
        return st;
    if (!c->cluster_id)
        return DB_DONE;
    int64_t n = 0;
    if ((st = db_int(t->d, &n, 0, SQL_FOLLOW_COUNT, DB_ARGS(DBI(c->person_id)))) != DB_OK)
        return st;
    if (n >= NOTIFY_FOLLOWS_MAX)
        return DB_CONSTRAINT;
    st = db_do(t->d, SQL_FOLLOW_ADD,
               DB_ARGS(DBI(c->person_id), DBI(c->cluster_id), DBI(time_now())));
    if (st == DB_OK && db_changes(t->d) == 0)
        return DB_CONSTRAINT;
    t->entity_id = c->cluster_id;
    return st;
}

db_status notify_follow(db *d, int64_t person_id, const char *slug, const char *ip)
{
    if (!slug || !*slug)
        return DB_DONE;
    follow_ctx c = {person_id, slug, 0};
    tx t = TX_INIT(person_id, ip, "notify_follow", "org", 0);
    return tx_write(d, &t, put_follow, &c);
}

static db_status del_follow(tx *t, void *vctx)
{
    del_ctx *c = vctx;
    db_status st = db_do(t->d, SQL_FOLLOW_DEL, DB_ARGS(DBI(c->person_id), DBI(c->id)));
    if (st == DB_OK && db_changes(t->d) == 0)
        return DB_DONE;
    return st;
}

db_status notify_unfollow(db *d, int64_t person_id, int64_t cluster_id, const char *ip)
{
    del_ctx c = {person_id, cluster_id};
    tx t = TX_INIT(person_id, ip, "notify_unfollow", "org", cluster_id);
    return tx_write(d, &t, del_follow, &c);
}

static void follow_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    notify_followed *f = item;
    f->cluster_id = db_col_int(s, 0);
    f->slug = db_col_dup(a, s, 1, oom);
    f->name = db_col_dup(a, s, 2, oom);
    f->name_en = db_col_dup(a, s, 3, oom);
}

db_status notify_follows(db *d, arena *a, int64_t person_id, notify_followed **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_FOLLOWS, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, follow_row, NULL);
}

/* --- unsubscribe links ----------------------------------------------------------- */

static const char SQL_UNSUB_ADD[] =
    "INSERT INTO notify_unsub(token_hash, person_id, kind, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5)";
static const char SQL_UNSUB_GET[] =
    "SELECT id, person_id, kind, expires_at, used_at FROM notify_unsub WHERE token_hash = $1";
static const char SQL_UNSUB_USED[] =
    "UPDATE notify_unsub SET used_at = $2 WHERE id = $1 AND used_at IS NULL";

db_status notify_unsub_new(db *d, int64_t person_id, const char *kind, char token[44])
{
    assert(d && db_in_tx(d) && kind);
    auth_token_new(token);
    unsigned char h[32];
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_UNSUB_ADD);
    if (!s)
        return DB_ERR;
    int64_t now = time_now();
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_int(s, 2, person_id);
    db_bind_text(s, 3, kind);
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, now + NOTIFY_UNSUB_TTL);
    return db_run(s);
}

void notify_unsub_headers(arena *a, const char *token, const char **hdr)
{
    hdr[0] = arena_printf(a, "List-Unsubscribe: <%s/u/%s>", notify_base_url(), token);
    hdr[1] = "List-Unsubscribe-Post: List-Unsubscribe=One-Click";
}

typedef struct unsub_rec {
    int64_t id, person_id;
    const char *kind;
    unsub_state state;
} unsub_rec;

/* Looks the token up; a malformed one is unknown without a query. */
static db_status unsub_lookup(db *d, arena *a, const char *token, unsub_rec *r)
{
    memset(r, 0, sizeof *r);
    r->state = UNSUB_UNKNOWN;
    if (!token || strlen(token) != AUTH_TOKEN_LEN ||
        strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
            AUTH_TOKEN_LEN)
        return DB_OK;
    unsigned char h[32];
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_UNSUB_GET);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        bool oom = false;
        r->id = db_col_int(s, 0);
        r->person_id = db_col_int(s, 1);
        r->kind = db_col_dup(a, s, 2, &oom);
        if (!db_col_is_null(s, 4))
            r->state = UNSUB_USED;
        else if (db_col_int(s, 3) <= time_now())
            r->state = UNSUB_EXPIRED;
        else
            r->state = UNSUB_OK;
        if (oom)
            st = DB_NOMEM;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status notify_unsub_peek(db *d, arena *a, const char *token, unsub_state *state,
                            const char **kind)
{
    unsub_rec r;
    db_status st = unsub_lookup(d, a, token, &r);
    *state = r.state;
    *kind = r.kind;
    return st;
}

typedef struct use_ctx {
    arena *a;
    const char *token;
    unsub_rec r;
} use_ctx;

static db_status use_unsub(tx *t, void *vctx)
{
    use_ctx *c = vctx;
    db_status st = unsub_lookup(t->d, c->a, c->token, &c->r);
    if (st != DB_OK)
        return st;
    if (c->r.state != UNSUB_OK)
        return DB_DONE; /* rolled back: nothing written */
    if ((st = db_do(t->d, SQL_UNSUB_USED, DB_ARGS(DBI(c->r.id), DBI(time_now())))) != DB_OK)
        return st;
    if ((st = db_do(t->d, SQL_PREF_PUT,
                    DB_ARGS(DBI(c->r.person_id), DBT(c->r.kind), DBT("never"), DBI(time_now())))) !=
        DB_OK)
        return st;
    t->actor_id = c->r.person_id;
    t->entity_id = c->r.person_id;
    buf_printf(&t->detail, "{\"kind\":\"%s\",\"link\":%lld}", c->r.kind, (long long)c->r.id);
    return DB_OK;
}

db_status notify_unsub_use(db *d, arena *a, const char *token, const char *ip, unsub_state *state,
                           const char **kind)
{
    use_ctx c = {.a = a, .token = token};
    tx t = TX_INIT(0, ip, "notify_unsubscribe", "person", 0);
    db_status st = tx_write(d, &t, use_unsub, &c);
    *state = c.r.state;
    *kind = c.r.kind;
    if (st == DB_DONE)
        st = DB_OK;
    return st;
}

/* --- events --------------------------------------------------------------------- */

/* Everyone the event reaches, once each: named people, the current people
 * of the organisations, the cluster's followers; never the actor; only
 * people with an enabled account and an address. $1, $2: JSON arrays of
 * ids. */
#define SQL_RECIPIENTS_(IDS1, IDS2)                                                                \
    "SELECT p.id, p.email, p.lang, coalesce((SELECT channel FROM notify_pref q"                    \
    "   WHERE q.person_id = p.id AND q.kind = $5), '')"                                            \
    " FROM person p JOIN account ac ON ac.person_id = p.id"                                        \
    " WHERE p.erased_at IS NULL AND p.email IS NOT NULL AND ac.disabled_at IS NULL"                \
    "   AND p.id <> $4"                                                                            \
    "   AND (p.id IN (" IDS1 ")"                                                                   \
    "     OR p.id IN (SELECT a.person_id FROM affiliation a WHERE a.ended_at IS NULL"              \
    "                 AND a.org_id IN (" IDS2 "))"                                                 \
    "     OR p.id IN (SELECT f.person_id FROM notify_follow f WHERE f.cluster_id = $3))"           \
    " ORDER BY p.id"
/* json_each is SQLite's; PostgreSQL reads the same JSON arrays with jsonb. */
static const char SQL_RECIPIENTS[] =
    SQL_RECIPIENTS_("SELECT value FROM json_each($1)", "SELECT value FROM json_each($2)");
static const char SQL_RECIPIENTS_PG[] = SQL_RECIPIENTS_(
    "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST($1 AS jsonb))",
    "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST($2 AS jsonb))");
static const char SQL_EVENT_ADD[] =
    "INSERT INTO notify_event(person_id, kind, entity, entity_id, a, b, href, channel,"
    " created_at, created_by) VALUES ($1, $2, $3, nullif($4, 0), $5, $6, $7, $8, $9, nullif($10, "
    "0))";
static const char SQL_EVENT_MAILED[] = "UPDATE notify_event SET outbox_id = $2 WHERE id = $1";

typedef struct recipient {
    int64_t id;
    const char *email;
    lang_id lang;
    notify_channel channel;
} recipient;

static void ids_json(buf *b, const int64_t *ids, size_t n)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_putc(b, ']');
}

static void recipient_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    const notify_kind *k = ctx;
    recipient *r = item;
    r->id = db_col_int(s, 0);
    r->email = db_col_dup(a, s, 1, oom);
    r->lang = LANG_SR_CYRL;
    const char *tag = db_col_text(s, 2);
    if (tag)
        i18n_parse(tag, &r->lang);
    if (!notify_channel_parse(db_col_text(s, 3), &r->channel))
        r->channel = k->dflt;
    if (k->no_immediate && r->channel == NOTIFY_IMMEDIATE)
        r->channel = NOTIFY_WEEKLY;
}

/* Text as the reader of lang writes it: names are stored as typed, in
 * either script; Latin for English and Serbian Latin readers. */
static void put_in_lang(buf *out, lang_id lang, const char *s)
{
    if (!s)
        s = "";
    if (lang == LANG_SR_CYRL)
        buf_puts(out, s);
    else
        utf8_cyr_to_lat(out, s, strlen(s));
}

void notify_event_line(buf *out, lang_id lang, const notify_event_row *e)
{
    const notify_kind *k = notify_kind_find(e->kind);
    buf a = BUF_INIT, b = BUF_INIT;
    put_in_lang(&a, lang, e->a);
    put_in_lang(&b, lang, e->b);
    if (k)
        buf_printf(out, T(lang, k->line), buf_str(&a), buf_str(&b));
    else
        buf_printf(out, "%s %s", buf_str(&a), buf_str(&b));
    buf_free(&a);
    buf_free(&b);
}

/* The immediate mail of one event to one recipient: the line, its link,
 * where to change settings and the unsubscribe link (text only). */
static db_status mail_now(db *d, arena *a, const recipient *r, const notify_kind *k,
                          const notify_what *w, int64_t event_id)
{
    char token[AUTH_TOKEN_LEN + 1];
    db_status st = notify_unsub_new(d, r->id, k->id, token);
    if (st != DB_OK)
        return st;
    const char *base = notify_base_url();
    notify_event_row e = {.kind = k->id, .a = w->a, .b = w->b};
    buf subject = BUF_INIT, body = BUF_INIT;
    notify_event_line(&body, r->lang, &e);
    /* the subject says what happened and to what (the event's line, one
     * line, at most about 150 bytes cut at a character), not only the kind */
    buf_puts(&subject, "SCAN: ");
    for (size_t i = 0; i < body.len && !buf_failed(&body); i++) {
        unsigned char c = (unsigned char)body.data[i];
        if (subject.len >= 150 && (c & 0xC0) != 0x80) {
            buf_puts(&subject, "…");
            break;
        }
        buf_putc(&subject, c == '\r' || c == '\n' || c == '\t' ? ' ' : (char)c);
    }
    buf_puts(&body, "\n");
    if (w->text && *w->text)
        buf_printf(&body, "\n%s\n", w->text);
    if (w->href)
        buf_printf(&body, "\n%s%s\n", base, w->href);
    buf_printf(&body, "\n-- \n%s\n%s/account/notifications\n\n%s\n%s/u/%s\n",
               T(r->lang, MSG_NOTIFY_MAIL_SETTINGS), base, T(r->lang, MSG_NOTIFY_MAIL_UNSUB_KIND),
               base, token);
    const char *hdr[2];
    notify_unsub_headers(a, token, hdr);
    int64_t out_id = 0;
    if (buf_failed(&subject) || buf_failed(&body) || !hdr[0])
        st = DB_NOMEM;
    else
        st = mail_queue_ex(d, r->email, buf_str(&subject), buf_str(&body), NULL, hdr, 2, &out_id);
    if (st == DB_OK)
        st = db_do(d, SQL_EVENT_MAILED, DB_ARGS(DBI(event_id), DBI(out_id)));
    else if (st == DB_CONSTRAINT)
        st = DB_OK; /* an address the outbox refuses: the event stays, unmailed */
    buf_free(&subject);
    buf_free(&body);
    return st;
}

db_status notify_event(db *d, int64_t actor_id, const notify_to *to, const char *kind,
                       const notify_what *what, size_t *n_recorded)
{
    assert(d && db_in_tx(d) && to && what);
    if (n_recorded)
        *n_recorded = 0;
    const notify_kind *k = notify_kind_find(kind);
    if (!k)
        return DB_CONSTRAINT;
    arena a = ARENA_INIT;
    buf persons = BUF_INIT, orgs = BUF_INIT;
    ids_json(&persons, to->persons, to->n_persons);
    ids_json(&orgs, to->orgs, to->n_orgs);
    recipient *rs = NULL;
    size_t n = 0;
    db_status st = DB_NOMEM;
    if (buf_failed(&persons) || buf_failed(&orgs))
        goto cleanup;
    db_stmt *s =
        db_query(d, strcmp(db_backend(d), "sqlite") == 0 ? SQL_RECIPIENTS : SQL_RECIPIENTS_PG,
                 DB_ARGS(DBT(buf_str(&persons)), DBT(buf_str(&orgs)), DBI(to->followers_of),
                         DBI(actor_id), DBT(k->id)));
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    if ((st = db_collect(s, &a, (void **)&rs, &n, sizeof *rs, recipient_row, (void *)k)) != DB_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        st =
            db_do(d, SQL_EVENT_ADD,
                  DB_ARGS(DBI(rs[i].id), DBT(k->id), DBT(what->entity), DBI(what->entity_id),
                          DBT(what->a), DBT(what->b), DBT(what->href),
                          DBT(notify_channel_name(rs[i].channel)), DBI(time_now()), DBI(actor_id)));
        if (st != DB_OK)
            goto cleanup;
        int64_t event_id = db_last_id(d);
        if (rs[i].channel == NOTIFY_IMMEDIATE &&
            (st = mail_now(d, &a, &rs[i], k, what, event_id)) != DB_OK)
            goto cleanup;
    }
    if (n_recorded)
        *n_recorded = n;
    st = DB_OK;
cleanup:
    buf_free(&persons);
    buf_free(&orgs);
    arena_free(&a);
    return st;
}

static const char SQL_JOIN_NAMES[] =
    "SELECT o.name, c.name, c.slug FROM org o, org c WHERE o.id = $1 AND c.id = $2";

db_status notify_member_joined(db *d, int64_t actor_id, int64_t cluster_id, int64_t org_id)
{
    assert(d && db_in_tx(d));
    arena a = ARENA_INIT;
    db_stmt *s = db_query(d, SQL_JOIN_NAMES, DB_ARGS(DBI(org_id), DBI(cluster_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    bool oom = false;
    notify_what w = {.entity = "org", .entity_id = org_id};
    if (st == DB_ROW) {
        w.a = db_col_dup(&a, s, 0, &oom);
        w.b = db_col_dup(&a, s, 1, &oom);
        const char *slug = db_col_text(s, 2);
        w.href = slug ? arena_printf(&a, "/orgs/%s", slug) : NULL;
    }
    db_reset(s);
    if (st == DB_ROW && !oom) {
        notify_to to = {.followers_of = cluster_id};
        st = notify_event(d, actor_id, &to, "cluster_member", &w, NULL);
    } else if (st == DB_DONE) {
        st = DB_OK; /* no such pair: nothing to tell */
    } else if (oom) {
        st = DB_NOMEM;
    }
    arena_free(&a);
    return st;
}

static const char SQL_FOLLOW_CHOICES[] =
    "SELECT o.id, o.slug, o.name, o.name_en FROM org o"
    " WHERE o.kind IN ('cluster', 'cluster_initiative') AND o.status = 'published'"
    "   AND NOT EXISTS (SELECT 1 FROM notify_follow f WHERE f.person_id = $1"
    "                   AND f.cluster_id = o.id)"
    " ORDER BY o.name_folded, o.id LIMIT 500";

db_status notify_follow_choices(db *d, arena *a, int64_t person_id, notify_followed **items,
                                size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_FOLLOW_CHOICES, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, follow_row, NULL);
}

db_status notify_person_erase(db *d, int64_t person_id)
{
    static const char *const sql[] = {
        "DELETE FROM notify_pref WHERE person_id = $1",
        "DELETE FROM notify_topic WHERE person_id = $1",
        "DELETE FROM notify_follow WHERE person_id = $1",
        "DELETE FROM notify_event WHERE person_id = $1",
        "DELETE FROM notify_unsub WHERE person_id = $1",
    };
    assert(d && db_in_tx(d));
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        db_status st = db_do(d, sql[i], DB_ARGS(DBI(person_id)));
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

static const char SQL_URL_SAVE[] =
    "INSERT INTO app_meta(key, value, updated_at) VALUES ('public_url', $1, $2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
static const char SQL_URL_LOAD[] = "SELECT value FROM app_meta WHERE key = 'public_url'";

static db_status url_save_body(tx *t, void *ctx)
{
    return db_do(t->d, SQL_URL_SAVE, DB_ARGS(DBT((const char *)ctx), DBI(time_now())));
}

db_status notify_public_url_save(db *d, const char *url)
{
    tx t = TX_INIT(0, NULL, NULL, NULL, 0); /* configuration the server states, not data */
    return tx_write(d, &t, url_save_body, (void *)url);
}

db_status notify_public_url_load(db *d, arena *a, const char **url)
{
    *url = NULL;
    db_stmt *s = db_query(d, SQL_URL_LOAD, 0, NULL);
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *url = arena_strdup(a, db_col_text(s, 0) ? db_col_text(s, 0) : "");
        st = *url ? DB_OK : DB_NOMEM;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}
