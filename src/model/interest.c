/* interest.c: introductions on the cooperation board (see interest.h):
 * the requests, their decisions, and the mail each sends through the
 * outbox in the recipient's language. */
#include "model/interest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "json/json.h"
#include "model/notify.h"
#include "model/post.h"
#include "model/tx.h"

static void err_add(form_errors *e, const char *field, form_error_code code, int64_t max)
{
    if (e->n_items < sizeof e->items / sizeof e->items[0])
        e->items[e->n_items++] = (form_error){.field = field, .code = code, .max = max};
}

static const char SQL_POST_OPEN[] =
    "SELECT p.org_id, p.title FROM post p JOIN org o ON o.id = p.org_id"
    " WHERE p.id = $1 AND p.status = 'open' AND p.valid_until >= $2 AND o.status = 'published'";
static const char SQL_RECENT[] =
    "SELECT count(*) FROM post_interest WHERE person_id = $1 AND created_at > $2";
/* any earlier expression of interest in the post, whatever its answer: a
 * declined one must read like a pending one (declining is silent) and
 * must not let its author ask, and mail the post's people, again */
static const char SQL_PENDING[] =
    "SELECT 1 FROM post_interest WHERE post_id = $1 AND person_id = $2";
static const char SQL_INSERT[] =
    "INSERT INTO post_interest(post_id, person_id, status, created_at, created_by, updated_at,"
    " updated_by, org_id) VALUES ($1, $2, 'pending', $3, $2, $3, $2, $4)";
static const char SQL_MESSAGE[] =
    "INSERT INTO post_interest_message(interest_id, person_id, body, created_at)"
    " VALUES ($1, $2, $3, $4)";
/* The post's side of an introduction: organisation $1's current
 * representatives (and, for a cluster, its current people). The same
 * condition is SIDE_POST below. */
static const char SQL_REP_IDS[] =
    "SELECT DISTINCT f.person_id FROM affiliation f JOIN org o ON o.id = f.org_id"
    " WHERE f.org_id = $1 AND f.ended_at IS NULL"
    "   AND (f.role = 'representative' OR o.kind IN ('cluster', 'cluster_initiative'))"
    " ORDER BY f.person_id";

static const char SQL_PERSON_NAME[] = "SELECT coalesce(name, '') FROM person WHERE id = $1";

/* The name of person id into out ("" when none). */
static db_status person_name(db *d, int64_t id, char *out, size_t size)
{
    out[0] = '\0';
    db_stmt *s = db_query(d, SQL_PERSON_NAME, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        snprintf(out, size, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* The people who answer for organisation org_id's posts (SQL_REPS) into
 * *ids (malloc'd, the caller frees), at most 64. */
static db_status post_side_people(db *d, int64_t org_id, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    int64_t *v = malloc(64 * sizeof *v);
    if (!v)
        return DB_NOMEM;
    db_stmt *s = db_query(d, SQL_REP_IDS, DB_ARGS(DBI(org_id)));
    if (!s) {
        free(v);
        return DB_ERR;
    }
    db_status st;
    while ((st = db_step(s)) == DB_ROW && *n < 64)
        v[(*n)++] = db_col_int(s, 0);
    db_reset(s);
    if (st != DB_DONE && st != DB_ROW) {
        free(v);
        *n = 0;
        return st;
    }
    *ids = v;
    return DB_OK;
}

typedef struct express_ctx {
    int64_t post_id, person_id;
    int64_t org_id; /* the organisation the requester speaks for (0: their only one) */
    const char *message, *base_url;
    form_errors *errs;
    int64_t id;
} express_ctx;

/* A message: required, at most INTEREST_MESSAGE_MAX characters, no
 * control characters but newlines (CRLF kept as LF). */
static const form_rule message_rules[] = {
    {"message", FV_MULTILINE, FORM_REQUIRED, 0, INTEREST_MESSAGE_MAX, NULL},
};
static const valid_table message_table = {message_rules, 1, NULL, 0};

static db_status express_checked(tx *t, express_ctx *c, const char *message);

static db_status express_body(tx *t, void *ctx)
{
    express_ctx *c = ctx;
    c->errs->n_items = 0;
    /* the same rule as every later message of the thread (message_table) */
    arena a = ARENA_INIT;
    form_value v[1];
    const char *values[1] = {c->message};
    bool ok = valid_values(&a, &message_table, values, v, c->errs, NULL);
    char *message = ok && v[0].text ? strdup(v[0].text) : NULL;
    arena_free(&a);
    if (!ok)
        return DB_CONSTRAINT;
    if (!message)
        return DB_NOMEM;
    db_status st = express_checked(t, c, message);
    free(message);
    return st;
}

/* The organisation c->person_id speaks for in an interest in a post of
 * posts_org: c->org_id if it is one of theirs (else FE_INVALID on "org"),
 * else their only one; several and none chosen: FE_REQUIRED on "org";
 * none at all: 0 (the interest records no organisation). */
static db_status requester_org(db *d, express_ctx *c, int64_t posts_org, int64_t *out)
{
    *out = 0;
    arena a = ARENA_INIT;
    post_org *orgs = NULL;
    size_t n = 0;
    db_status st = post_orgs_for(d, &a, c->person_id, &orgs, &n);
    if (st == DB_OK) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (orgs[i].id != posts_org) /* never its own organisation */
                orgs[k++] = orgs[i];
        for (size_t i = 0; i < k && c->org_id; i++)
            if (orgs[i].id == c->org_id)
                *out = c->org_id;
        if (c->org_id && !*out) {
            err_add(c->errs, "org", FE_INVALID, 0);
            st = DB_CONSTRAINT;
        } else if (!c->org_id && k == 1) {
            *out = orgs[0].id;
        } else if (!c->org_id && k > 1) {
            err_add(c->errs, "org", FE_REQUIRED, 0);
            st = DB_CONSTRAINT;
        }
    }
    arena_free(&a);
    return st;
}

static db_status express_checked(tx *t, express_ctx *c, const char *message)
{
    char today[11];
    time_t tt = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&tt, &tm) || strftime(today, sizeof today, "%Y-%m-%d", &tm) != 10)
        return DB_ERR;
    db_stmt *s = db_query(t->d, SQL_POST_OPEN, DB_ARGS(DBI(c->post_id), DBT(today)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    int64_t org_id = 0;
    char title[1024] = "";
    if (st == DB_ROW) {
        org_id = db_col_int(s, 0);
        snprintf(title, sizeof title, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    if (st != DB_OK)
        return st;
    if (!org_id) {
        err_add(c->errs, "status", FE_INVALID, 0);
        return DB_CONSTRAINT;
    }
    int64_t now = time_now(), recent = 0, pending = 0;
    if ((st = db_int(t->d, &recent, 0, SQL_RECENT, DB_ARGS(DBI(c->person_id), DBI(now - 86400)))) !=
        DB_OK)
        return st;
    if (recent >= INTEREST_PER_DAY) {
        err_add(c->errs, "throttle", FE_RANGE, INTEREST_PER_DAY);
        return DB_CONSTRAINT;
    }
    if ((st = db_int(t->d, &pending, 0, SQL_PENDING,
                     DB_ARGS(DBI(c->post_id), DBI(c->person_id)))) != DB_OK)
        return st;
    if (pending) {
        err_add(c->errs, "message", FE_TAKEN, 0);
        return DB_CONSTRAINT;
    }
    /* the organisation the requester speaks for, as it is now: the one
     * they represent, or the one they chose of theirs (post_orgs_for) */
    int64_t from_org = 0;
    if ((st = requester_org(t->d, c, org_id, &from_org)) != DB_OK)
        return st;
    st = db_do(
        t->d, SQL_INSERT,
        DB_ARGS(DBI(c->post_id), DBI(c->person_id), DBI(now), from_org ? DBI(from_org) : DBNULL));
    if (st != DB_OK)
        return st;
    c->id = db_last_id(t->d);
    t->entity_id = c->id;
    st = db_do(t->d, SQL_MESSAGE, DB_ARGS(DBI(c->id), DBI(c->person_id), DBT(message), DBI(now)));
    if (st != DB_OK)
        return st;
    /* the post's side hears of it through notify (kind post_interest):
     * immediately by default, with the message and an unsubscribe link */
    int64_t *reps = NULL;
    size_t n_reps = 0;
    if ((st = post_side_people(t->d, org_id, &reps, &n_reps)) != DB_OK)
        return st;
    char who[256] = "";
    if ((st = person_name(t->d, c->person_id, who, sizeof who)) == DB_OK) {
        notify_to to = {.persons = reps, .n_persons = n_reps};
        char href[64];
        snprintf(href, sizeof href, "/cooperation/%lld", (long long)c->post_id);
        notify_what w = {.entity = "post_interest",
                         .entity_id = c->id,
                         .a = who,
                         .b = title,
                         .href = href,
                         .text = message};
        st = notify_event(t->d, c->person_id, &to, "post_interest", &w, NULL);
    }
    free(reps);
    if (st != DB_OK)
        return st;
    buf_reset(&t->detail);
    buf_putc(&t->detail, '{');
    json_put_key(&t->detail, "post_id", true);
    json_put_int(&t->detail, c->post_id);
    json_put_key(&t->detail, "told", false);
    json_put_int(&t->detail, (int64_t)n_reps);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status interest_express(db *d, int64_t post_id, int64_t person_id, const char *message,
                           const char *ip, const char *base_url, form_errors *errs, int64_t *id)
{
    return interest_express_as(d, post_id, person_id, 0, message, ip, base_url, errs, id);
}

db_status interest_express_as(db *d, int64_t post_id, int64_t person_id, int64_t org_id,
                              const char *message, const char *ip, const char *base_url,
                              form_errors *errs, int64_t *id)
{
    form_errors local = {0};
    express_ctx c = {.post_id = post_id,
                     .person_id = person_id,
                     .org_id = org_id,
                     .message = message,
                     .base_url = base_url,
                     .errs = errs ? errs : &local};
    tx t = TX_INIT(person_id, ip, "interest_express", "post_interest", 0);
    db_status st = tx_write(d, &t, express_body, &c);
    if (st == DB_OK && id)
        *id = c.id;
    return st;
}

static const char SQL_GET[] =
    "SELECT i.status, i.post_id, p.email, coalesce(p.lang, 'en'), t.title, i.person_id"
    "  FROM post_interest i"
    "  JOIN post t ON t.id = i.post_id LEFT JOIN person p ON p.id = i.person_id"
    "   AND p.erased_at IS NULL WHERE i.id = $1";
static const char SQL_DECIDE[] =
    "UPDATE post_interest SET status = $2, updated_at = $3, updated_by = $4 WHERE id = $1";
static const char SQL_ACTOR[] = "SELECT name, email FROM person WHERE id = $1";

typedef struct decide_ctx {
    int64_t id;
    bool accept;
    const char *base_url;
    form_errors *errs;
    int64_t post_id;
} decide_ctx;

static db_status decide_body(tx *t, void *ctx)
{
    decide_ctx *c = ctx;
    c->errs->n_items = 0;
    db_stmt *s = db_query(t->d, SQL_GET, DB_ARGS(DBI(c->id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    char status[16] = "", to[256] = "", lang[8] = "en", title[1024] = "";
    int64_t requester = 0;
    if (st == DB_ROW) {
        snprintf(status, sizeof status, "%s", db_col_text(s, 0));
        c->post_id = db_col_int(s, 1);
        snprintf(to, sizeof to, "%s", db_col_text(s, 2) ? db_col_text(s, 2) : "");
        snprintf(lang, sizeof lang, "%s", db_col_text(s, 3));
        snprintf(title, sizeof title, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
        requester = db_col_int(s, 5);
    }
    db_reset(s);
    if (st == DB_DONE)
        return DB_DONE;
    if (st != DB_ROW)
        return st;
    if (strcmp(status, "pending") != 0) {
        err_add(c->errs, "status", FE_INVALID, 0);
        return DB_CONSTRAINT;
    }
    st = db_do(t->d, SQL_DECIDE,
               DB_ARGS(DBI(c->id), DBT(c->accept ? "accepted" : "declined"), DBI(time_now()),
                       DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    if (c->accept && *to) { /* declining is silent */
        char name[256] = "", email[256] = "";
        s = db_query(t->d, SQL_ACTOR, DB_ARGS(DBI(t->actor_id)));
        if (!s)
            return DB_ERR;
        if ((st = db_step(s)) == DB_ROW) {
            snprintf(name, sizeof name, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
            snprintf(email, sizeof email, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
        }
        db_reset(s);
        if (st != DB_ROW && st != DB_DONE)
            return st;
        lang_id L;
        if (!i18n_parse(lang, &L))
            L = LANG_EN;
        /* the contact goes in the mail's text, in the requester's language */
        buf body = BUF_INIT;
        buf_printf(&body, T(L, MSG_INTEREST_ACCEPTED_BODY), title, name, email);
        char href[64];
        snprintf(href, sizeof href, "/cooperation/%lld", (long long)c->post_id);
        notify_to nt = {.persons = &requester, .n_persons = 1};
        notify_what w = {.entity = "post_interest",
                         .entity_id = c->id,
                         .a = name,
                         .b = title,
                         .href = href,
                         .text = buf_str(&body)};
        st = buf_failed(&body)
                 ? DB_NOMEM
                 : notify_event(t->d, t->actor_id, &nt, "post_interest_answer", &w, NULL);
        buf_free(&body);
        if (st != DB_OK)
            return st;
    }
    buf_reset(&t->detail);
    buf_putc(&t->detail, '{');
    json_put_key(&t->detail, "post_id", true);
    json_put_int(&t->detail, c->post_id);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status interest_decide(db *d, int64_t id, bool accept, int64_t actor_id, const char *ip,
                          const char *base_url, form_errors *errs, int64_t *post_id)
{
    form_errors local = {0};
    decide_ctx c = {.id = id, .accept = accept, .base_url = base_url, .errs = errs ? errs : &local};
    tx t =
        TX_INIT(actor_id, ip, accept ? "interest_accept" : "interest_decline", "post_interest", id);
    db_status st = tx_write(d, &t, decide_body, &c);
    if (post_id)
        *post_id = c.post_id;
    return st;
}

static const char SQL_OF_POST[] =
    "SELECT i.id, i.post_id, i.person_id, i.status, coalesce(p.name, o.name, ''),"
    "       CASE WHEN i.status = 'accepted' THEN p.email END, m.body, i.created_at, t.title,"
    "       NULL, NULL, CASE WHEN i.org_id IS NOT NULL AND i.person_id IS NOT NULL THEN o.name"
    "       ELSE (SELECT group_concat(name, ', ') FROM (SELECT DISTINCT o2.name FROM "
    "affiliation a2"
    "         JOIN org o2 ON o2.id = a2.org_id WHERE a2.person_id = i.person_id"
    "           AND a2.ended_at IS NULL ORDER BY o2.name) AS n) END"
    "  FROM post_interest i JOIN post t ON t.id = i.post_id"
    "  LEFT JOIN person p ON p.id = i.person_id LEFT JOIN org o ON o.id = i.org_id"
    "  LEFT JOIN post_interest_message m ON m.id = (SELECT min(id) FROM post_interest_message"
    "                                               WHERE interest_id = i.id)"
    " WHERE i.post_id = $1 ORDER BY i.id";
static const char SQL_MINE[] =
    "SELECT i.id, i.post_id, i.person_id, i.status, p.name, p.email, m.body, i.created_at,"
    "       t.title, CASE WHEN i.status = 'accepted' THEN u.name END,"
    "       CASE WHEN i.status = 'accepted' THEN u.email END, NULL"
    "  FROM post_interest i JOIN post t ON t.id = i.post_id"
    "  LEFT JOIN person p ON p.id = i.person_id LEFT JOIN person u ON u.id = i.updated_by"
    "  LEFT JOIN post_interest_message m ON m.id = (SELECT min(id) FROM post_interest_message"
    "                                               WHERE interest_id = i.id)"
    " WHERE i.post_id = $1 AND i.person_id = $2 ORDER BY i.id DESC";
static const char SQL_POST_OF[] = "SELECT post_id FROM post_interest WHERE id = $1";
static const char SQL_BY_PERSON[] =
    "SELECT i.id, i.post_id, i.person_id, i.status, NULL, NULL, NULL, i.created_at, t.title,"
    "       NULL, NULL, NULL, t.status = 'open' AND t.valid_until >= $2,"
    "       t.status = 'hidden' OR t.hidden_reason IS NOT NULL"
    "  FROM post_interest i JOIN post t ON t.id = i.post_id"
    /* a hidden post's accepted introduction stays: both sides keep it */
    " WHERE i.person_id = $1 AND ((t.status <> 'hidden' AND t.hidden_reason IS NULL)"
    "       OR i.status = 'accepted') ORDER BY i.id DESC LIMIT 200";

static void row_by_person(db_stmt *s, arena *a, void *item, bool *oom, void *ctx);

static void row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    interest_rec *r = item;
    r->id = db_col_int(s, 0);
    r->post_id = db_col_int(s, 1);
    r->person_id = db_col_int(s, 2);
    r->status = db_col_dup(a, s, 3, oom);
    r->person_name = db_col_dup(a, s, 4, oom);
    r->person_email = db_col_dup(a, s, 5, oom);
    r->message = db_col_dup(a, s, 6, oom);
    r->created_at = db_col_int(s, 7);
    r->post_title = db_col_dup(a, s, 8, oom);
    r->contact_name = db_col_dup(a, s, 9, oom);
    r->contact_email = db_col_dup(a, s, 10, oom);
    r->person_orgs = db_col_dup(a, s, 11, oom);
}

static void row_by_person(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    row(s, a, item, oom, ctx);
    ((interest_rec *)item)->post_open = db_col_int(s, 12) != 0;
    ((interest_rec *)item)->post_hidden = db_col_int(s, 13) != 0;
}

db_status interest_by_person(db *d, arena *a, int64_t person_id, interest_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    char today[11];
    post_today(today);
    db_stmt *s = db_query(d, SQL_BY_PERSON, DB_ARGS(DBI(person_id), DBT(today)));
    return s ? db_collect(s, a, (void **)items, n, sizeof **items, row_by_person, NULL) : DB_ERR;
}

db_status interest_of_post(db *d, arena *a, int64_t post_id, interest_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_OF_POST, DB_ARGS(DBI(post_id)));
    return s ? db_collect(s, a, (void **)items, n, sizeof **items, row, NULL) : DB_ERR;
}

db_status interest_mine(db *d, arena *a, int64_t post_id, int64_t person_id, interest_rec **items,
                        size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_MINE, DB_ARGS(DBI(post_id), DBI(person_id)));
    return s ? db_collect(s, a, (void **)items, n, sizeof **items, row, NULL) : DB_ERR;
}

db_status interest_pending(db *d, int64_t post_id, int64_t *n)
{
    return db_int(d, n, 0,
                  "SELECT count(*) FROM post_interest WHERE post_id = $1 AND status = 'pending'",
                  DB_ARGS(DBI(post_id)));
}

db_status interest_post(db *d, int64_t id, int64_t *post_id)
{
    return db_int(d, post_id, 0, SQL_POST_OF, DB_ARGS(DBI(id)));
}

/* --- the thread ------------------------------------------------------------------ */

/* Whether person $2 is a side of request $1: 1 the requester, 2 the post's
 * organisation (SQL_REP_IDS's condition), 0 neither. */
static const char SQL_SIDE[] =
    "SELECT CASE WHEN i.person_id = $2 THEN 1"
    "            WHEN EXISTS (SELECT 1 FROM affiliation f JOIN org o ON o.id = f.org_id"
    "                          WHERE f.org_id = t.org_id AND f.person_id = $2"
    "                            AND f.ended_at IS NULL AND (f.role = 'representative'"
    "                             OR o.kind IN ('cluster', 'cluster_initiative'))) THEN 2"
    "            ELSE 0 END, i.status, i.post_id, t.org_id, i.person_id, t.title"
    "  FROM post_interest i JOIN post t ON t.id = i.post_id WHERE i.id = $1";
static const char SQL_MSG_RECENT[] =
    "SELECT count(*) FROM post_interest_message WHERE person_id = $1 AND created_at > $2";

db_status interest_side(db *d, int64_t id, int64_t person_id, int *side)
{
    *side = 0;
    db_stmt *s = db_query(d, SQL_SIDE, DB_ARGS(DBI(id), DBI(person_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        *side = (int)db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW ? DB_OK : st;
}

typedef struct reply_ctx {
    int64_t id;
    const char *message;
    form_errors *errs;
    int64_t post_id, msg_id;
} reply_ctx;

static db_status reply_body(tx *t, void *ctx)
{
    reply_ctx *c = ctx;
    c->errs->n_items = 0;
    arena a = ARENA_INIT;
    form_value v[1];
    const char *values[1] = {c->message};
    db_status st = DB_CONSTRAINT;
    if (!valid_values(&a, &message_table, values, v, c->errs, NULL))
        goto cleanup;
    const char *text = v[0].text;
    db_stmt *s = db_query(t->d, SQL_SIDE, DB_ARGS(DBI(c->id), DBI(t->actor_id)));
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    st = db_step(s);
    int side = 0;
    int64_t org_id = 0, requester = 0;
    char status[16] = "";
    char *title = NULL;
    if (st == DB_ROW) {
        side = (int)db_col_int(s, 0);
        snprintf(status, sizeof status, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
        c->post_id = db_col_int(s, 2);
        org_id = db_col_int(s, 3);
        requester = db_col_int(s, 4);
        title = arena_strdup(&a, db_col_text(s, 5) ? db_col_text(s, 5) : "");
    }
    db_reset(s);
    if (st == DB_DONE)
        goto cleanup;
    if (st != DB_ROW)
        goto cleanup;
    if (!title) {
        st = DB_NOMEM;
        goto cleanup;
    }
    st = DB_CONSTRAINT;
    if (side == 0) { /* not a side: the caller answers 403/404 */
        valid_add_error(c->errs, "side", FE_INVALID, 0, 0);
        goto cleanup;
    }
    if (strcmp(status, "accepted") != 0) { /* pending, declined: no thread */
        valid_add_error(c->errs, "status", FE_INVALID, 0, 0);
        goto cleanup;
    }
    int64_t now = time_now(), recent = 0;
    if ((st = db_int(t->d, &recent, 0, SQL_MSG_RECENT,
                     DB_ARGS(DBI(t->actor_id), DBI(now - 86400)))) != DB_OK)
        goto cleanup;
    if (recent >= INTEREST_MESSAGES_PER_DAY) {
        valid_add_error(c->errs, "throttle", FE_RANGE, 0, INTEREST_MESSAGES_PER_DAY);
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    if ((st = db_do(t->d, SQL_MESSAGE,
                    DB_ARGS(DBI(c->id), DBI(t->actor_id), DBT(text), DBI(now)))) != DB_OK)
        goto cleanup;
    c->msg_id = db_last_id(t->d);
    /* the other side hears of it (kind post_message), the text quoted */
    int64_t *reps = NULL;
    size_t n_reps = 0;
    notify_to to = {.persons = &requester, .n_persons = 1};
    if (side == 1) {
        if ((st = post_side_people(t->d, org_id, &reps, &n_reps)) != DB_OK)
            goto cleanup;
        to = (notify_to){.persons = reps, .n_persons = n_reps};
    }
    char who[256];
    if ((st = person_name(t->d, t->actor_id, who, sizeof who)) == DB_OK) {
        char href[96];
        snprintf(href, sizeof href, "/cooperation/%lld#interest-%lld", (long long)c->post_id,
                 (long long)c->id);
        notify_what w = {.entity = "post_interest",
                         .entity_id = c->id,
                         .a = who,
                         .b = title,
                         .href = href,
                         .text = text};
        st = notify_event(t->d, t->actor_id, &to, "post_message", &w, NULL);
    }
    free(reps);
    if (st != DB_OK)
        goto cleanup;
    buf_reset(&t->detail);
    buf_putc(&t->detail, '{');
    json_put_key(&t->detail, "post_id", true);
    json_put_int(&t->detail, c->post_id);
    json_put_key(&t->detail, "message_id", false);
    json_put_int(&t->detail, c->msg_id);
    buf_putc(&t->detail, '}');
cleanup:
    arena_free(&a);
    return st;
}

db_status interest_reply(db *d, int64_t id, int64_t person_id, const char *message, const char *ip,
                         form_errors *errs, int64_t *message_id)
{
    form_errors local = {0};
    reply_ctx c = {.id = id, .message = message, .errs = errs ? errs : &local};
    tx t = TX_INIT(person_id, ip, "interest_message", "post_interest", id);
    db_status st = tx_write(d, &t, reply_body, &c);
    if (st == DB_OK && message_id)
        *message_id = c.msg_id;
    return st;
}

static const char SQL_THREAD[] =
    "SELECT m.id, m.person_id,"
    "       coalesce(p.name, CASE WHEN m.person_id IS NULL THEN o.name END, ''), m.body,"
    "       m.created_at,"
    "       coalesce(m.person_id = i.person_id, m.person_id IS NULL AND i.person_id IS NULL)"
    "  FROM post_interest_message m JOIN post_interest i ON i.id = m.interest_id"
    "  LEFT JOIN person p ON p.id = m.person_id AND p.erased_at IS NULL"
    /* a message with no person (the demo's illustrative introductions
     * carry an organisation, not a person): the requester's organisation */
    "  LEFT JOIN org o ON o.id = i.org_id"
    " WHERE m.interest_id = $1 ORDER BY m.id";

static void thread_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    interest_msg *m = item;
    m->id = db_col_int(s, 0);
    m->person_id = db_col_int(s, 1);
    m->person_name = db_col_dup(a, s, 2, oom);
    m->body = db_col_dup(a, s, 3, oom);
    m->created_at = db_col_int(s, 4);
    m->from_requester = db_col_int(s, 5) != 0;
}

db_status interest_thread(db *d, arena *a, int64_t id, interest_msg **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_THREAD, DB_ARGS(DBI(id)));
    return s ? db_collect(s, a, (void **)items, n, sizeof **items, thread_row, NULL) : DB_ERR;
}

/* Pending requests on open posts ($2 today) of the organisations person $1 answers for,
 * accepted ones (either side) whose last message is the other side's, and
 * person $1's own requests accepted since $3 in whose thread nobody has
 * written yet (contact_name: who accepted; "write to them"). */
static const char SQL_WAITING[] =
    "WITH mine AS (SELECT f.org_id FROM affiliation f JOIN org o ON o.id = f.org_id"
    "               WHERE f.person_id = $1 AND f.ended_at IS NULL AND (f.role = 'representative'"
    "                  OR o.kind IN ('cluster', 'cluster_initiative'))),"
    " cand AS (SELECT i.id, i.post_id, i.person_id, i.status, i.created_at, t.title,"
    "                 i.updated_by, i.updated_at,"
    "                 t.org_id IN (SELECT org_id FROM mine) AS post_side,"
    "                 t.status = 'open' AND t.valid_until >= $2 AS post_open"
    "            FROM post_interest i JOIN post t ON t.id = i.post_id"
    "           WHERE t.status <> 'hidden' AND t.hidden_reason IS NULL AND (i.person_id = $1"
    "              OR t.org_id IN (SELECT org_id FROM mine))),"
    " last AS (SELECT c.*, (SELECT m.person_id FROM post_interest_message m"
    "                       WHERE m.interest_id = c.id ORDER BY m.id DESC LIMIT 1) AS last_by"
    "            FROM cand c)"
    " SELECT l.id, l.post_id, l.person_id, l.status, coalesce(p.name, ''), NULL, NULL,"
    "        l.created_at, l.title,"
    "        CASE WHEN l.person_id = $1 AND l.last_by = $1 THEN coalesce(u.name, '') END,"
    "        NULL, NULL"
    "   FROM last l LEFT JOIN person p ON p.id = l.person_id"
    "   LEFT JOIN person u ON u.id = l.updated_by"
    "  WHERE (l.status = 'pending' AND l.post_side AND l.post_open AND l.person_id <> $1)"
    "     OR (l.status = 'accepted' AND l.person_id = $1 AND l.last_by = $1"
    "         AND l.updated_at >= $3 AND (SELECT count(*) FROM post_interest_message m"
    "                                     WHERE m.interest_id = l.id) = 1)"
    "     OR (l.status = 'accepted' AND l.last_by IS NOT NULL AND l.last_by <> $1"
    "         AND ((l.person_id = $1 AND l.last_by <> l.person_id)"
    "           OR (l.person_id <> $1 AND l.post_side AND l.last_by = l.person_id"
    "               AND (SELECT count(*) FROM post_interest_message m"
    "                     WHERE m.interest_id = l.id) > 1)))"
    "  ORDER BY l.status DESC, l.id LIMIT 50";

db_status interest_waiting(db *d, arena *a, int64_t person_id, interest_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    char today[11];
    post_today(today);
    db_stmt *s =
        db_query(d, SQL_WAITING,
                 DB_ARGS(DBI(person_id), DBT(today), DBI(time_now() - INTEREST_ACCEPTED_SHOWN)));
    return s ? db_collect(s, a, (void **)items, n, sizeof **items, row, NULL) : DB_ERR;
}
