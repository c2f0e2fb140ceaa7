/* event_reg.c: registering and cancelling (oneself or, as a
 * representative, colleagues), who an event's audience lets in, and the
 * colleagues one may register (see event.h). A cancel that frees a place
 * ends with event_promote() in the same transaction. */
#include "model/event.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "json/json.h"
#include "model/event_internal.h"
#include "model/mail.h"
#include "model/notify.h"
#include "model/support.h"
#include "model/tx.h"

/* --- registering and cancelling --------------------------------------------------- */

static const char SQL_MINE[] =
    "SELECT id, state FROM event_registration WHERE event_id = $1 AND person_id = $2";
static const char SQL_REG_INSERT[] =
    "INSERT INTO event_registration(event_id, person_id, state, queued_at, registered_by,"
    " confirmed_at, created_at, updated_at, org_id) VALUES ($1, $2, $3, $4, $6, $5, $4, $4, $7)";
static const char SQL_REG_AGAIN[] =
    "UPDATE event_registration SET state = $2, queued_at = $3, confirmed_at = $4,"
    " cancelled_at = NULL, updated_at = $3, registered_by = $5, org_id = $6, reminded_at = NULL,"
    " attended = NULL WHERE id = $1";
/* An organisation registrar ($1) represents that person ($2) is currently
 * affiliated with: the lowest id when there are several. */
static const char SQL_COLLEAGUE_ORG[] =
    "SELECT min(r.org_id) FROM affiliation r JOIN affiliation c ON c.org_id = r.org_id"
    " JOIN person p ON p.id = c.person_id"
    " WHERE r.person_id = $1 AND r.role = 'representative' AND r.ended_at IS NULL"
    " AND c.person_id = $2 AND c.ended_at IS NULL AND p.erased_at IS NULL";
static const char SQL_REG_BY[] = "SELECT coalesce(registered_by, person_id) FROM event_registration"
                                 " WHERE event_id = $1 AND person_id = $2";
static const char SQL_PERSON_MAIL[] =
    "SELECT email, coalesce(lang, 'sr-Cyrl') FROM person WHERE id = $1 AND erased_at IS NULL";
static const char SQL_TITLES[] =
    "SELECT title_sr, coalesce(title_en, title_sr), audience FROM event WHERE id = $1";
static const char SQL_REG_CANCEL[] =
    "UPDATE event_registration SET state = 'cancelled', cancelled_at = $2, updated_at = $2"
    " WHERE id = $1";

typedef struct reg_ctx {
    int64_t event_id, person, registrar;
    const char *base_url;
    event_place place;
    event_refusal why;
} reg_ctx;

/* The person's registration row: *rid 0 when none; *state its state. */
static db_status read_mine(db *d, int64_t event_id, int64_t person, int64_t *rid, char *state,
                           size_t state_size)
{
    *rid = 0;
    state[0] = '\0';
    db_stmt *s = db_query(d, SQL_MINE, DB_ARGS(DBI(event_id), DBI(person)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *rid = db_col_int(s, 0);
        const char *v = db_col_text(s, 1);
        snprintf(state, state_size, "%s", v ? v : "");
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static db_status refuse(reg_ctx *c, event_refusal why)
{
    c->why = why;
    return DB_CONSTRAINT;
}

static db_status register_body(tx *t, void *ctx)
{
    reg_ctx *c = ctx;
    event_state es;
    db_status st = event_read_state(t->d, c->event_id, &es);
    if (st != DB_OK)
        return st;
    int64_t now = time_now();
    if (!es.found)
        return refuse(c, EVENT_NO_SUCH);
    if (es.cancelled)
        return refuse(c, EVENT_IS_CANCELLED);
    if (now >= es.starts_at)
        return refuse(c, EVENT_HAS_BEGUN);
    int64_t rid;
    char state[16];
    if ((st = read_mine(t->d, c->event_id, c->person, &rid, state, sizeof state)) != DB_OK)
        return st;
    if (rid && strcmp(state, "cancelled") != 0)
        return refuse(c, EVENT_ALREADY);
    int64_t org_id = 0;
    if (c->registrar != c->person) {
        if ((st = db_int(t->d, &org_id, 0, SQL_COLLEAGUE_ORG,
                         DB_ARGS(DBI(c->registrar), DBI(c->person)))) != DB_OK)
            return st;
        if (org_id <= 0)
            return refuse(c, EVENT_NOT_COLLEAGUE);
    }
    arena a = ARENA_INIT;
    const char *title_sr = NULL, *title_en = NULL, *audience = NULL, *email = NULL, *tag = NULL;
    bool oom = false;
    db_stmt *q = db_query(t->d, SQL_TITLES, DB_ARGS(DBI(c->event_id)));
    if (!q)
        return db_failure(t->d) ? db_failure(t->d) : DB_ERR;
    if ((st = db_step(q)) == DB_ROW) {
        title_sr = db_col_dup(&a, q, 0, &oom);
        title_en = db_col_dup(&a, q, 1, &oom);
        audience = db_col_dup(&a, q, 2, &oom);
    }
    db_reset(q);
    if (st == DB_ROW && (q = db_query(t->d, SQL_PERSON_MAIL, DB_ARGS(DBI(c->person)))) != NULL) {
        if ((st = db_step(q)) == DB_ROW) {
            email = db_col_dup(&a, q, 0, &oom);
            tag = db_col_dup(&a, q, 1, &oom);
        }
        db_reset(q);
    }
    if (st != DB_ROW || oom) {
        arena_free(&a);
        return oom ? DB_NOMEM : st == DB_DONE ? refuse(c, EVENT_NO_SUCH) : st;
    }
    bool in_audience = false;
    if ((st = event_audience_allows(t->d, audience, c->person, &in_audience)) != DB_OK ||
        !in_audience) {
        arena_free(&a);
        return st != DB_OK ? st : refuse(c, EVENT_NOT_AUDIENCE);
    }
    int64_t confirmed = 0;
    if ((st = event_confirmed_count(t->d, c->event_id, &confirmed)) != DB_OK) {
        arena_free(&a);
        return st;
    }
    bool room = es.capacity == 0 || confirmed < es.capacity;
    const char *to = room ? "confirmed" : "waiting";
    db_val when = room ? DBI(now) : DBNULL;
    db_val org = org_id > 0 ? DBI(org_id) : DBNULL;
    if (rid)
        st = db_do(t->d, SQL_REG_AGAIN,
                   DB_ARGS(DBI(rid), DBT(to), DBI(now), when, DBI(c->registrar), org));
    else
        st = db_do(t->d, SQL_REG_INSERT,
                   DB_ARGS(DBI(c->event_id), DBI(c->person), DBT(to), DBI(now), when,
                           DBI(c->registrar), org));
    if (st == DB_OK)
        st = room
                 ? event_mail(t->d, email, tag, title_sr, title_en, c->event_id, c->base_url,
                              MSG_EVENT_MAIL_CONFIRMED_SUBJECT, MSG_EVENT_MAIL_CONFIRMED_BODY, true)
                 : event_mail(t->d, email, tag, title_sr, title_en, c->event_id, c->base_url,
                              MSG_EVENT_MAIL_WAITING_SUBJECT, MSG_EVENT_MAIL_WAITING_BODY, false);
    arena_free(&a);
    if (st != DB_OK)
        return st;
    c->place = room ? EVENT_CONFIRMED : EVENT_WAITING;
    buf_puts(&t->detail, "{");
    json_put_key(&t->detail, "person", true);
    json_put_int(&t->detail, c->person);
    json_put_key(&t->detail, "state", false);
    json_put_string(&t->detail, to);
    if (c->registrar != c->person) {
        json_put_key(&t->detail, "for_org", false);
        json_put_int(&t->detail, org_id);
    }
    buf_puts(&t->detail, "}");
    return DB_OK;
}

db_status event_register(db *d, int64_t event_id, int64_t person, const char *ip,
                         event_place *place, event_refusal *why)
{
    return event_register_as(d, event_id, person, person, ip, NULL, place, why);
}

db_status event_register_as(db *d, int64_t event_id, int64_t person, int64_t registrar,
                            const char *ip, const char *base_url, event_place *place,
                            event_refusal *why)
{
    assert(d && place && why && person > 0 && registrar > 0);
    tx t = TX_INIT(registrar, ip, "event_register", "event", event_id);
    t.bump = TX_DIRECTORY;    /* the cached /events pages show places */
    t.locks = DB_LOCK_PLACES; /* the rush for the last places: one at a time, not 40001s */
    reg_ctx c = {
        .event_id = event_id, .person = person, .registrar = registrar, .base_url = base_url};
    db_status st = tx_write(d, &t, register_body, &c);
    *place = st == DB_OK ? c.place : EVENT_NONE;
    *why = st == DB_CONSTRAINT ? c.why : EVENT_OK;
    return st;
}

static db_status cancel_body(tx *t, void *ctx)
{
    reg_ctx *c = ctx;
    event_state es;
    db_status st = event_read_state(t->d, c->event_id, &es);
    if (st != DB_OK)
        return st;
    if (!es.found)
        return refuse(c, EVENT_NO_SUCH);
    int64_t rid;
    char state[16];
    if ((st = read_mine(t->d, c->event_id, c->person, &rid, state, sizeof state)) != DB_OK)
        return st;
    if (!rid || strcmp(state, "cancelled") == 0)
        return refuse(c, EVENT_NOT_REGISTERED);
    if (c->registrar != c->person) { /* only the one who registered them */
        int64_t by = 0;
        if ((st = db_int(t->d, &by, 0, SQL_REG_BY, DB_ARGS(DBI(c->event_id), DBI(c->person)))) !=
            DB_OK)
            return st;
        if (by != c->registrar)
            return refuse(c, EVENT_NOT_REGISTERED);
    }
    bool was_confirmed = strcmp(state, "confirmed") == 0;
    if (was_confirmed && !es.cancelled && time_now() >= es.cutoff)
        return refuse(c, EVENT_CUTOFF_PASSED);
    if ((st = db_do(t->d, SQL_REG_CANCEL, DB_ARGS(DBI(rid), DBI(time_now())))) != DB_OK)
        return st;
    buf_puts(&t->detail, "{");
    json_put_key(&t->detail, "person", true);
    json_put_int(&t->detail, c->person);
    json_put_key(&t->detail, "was", false);
    json_put_string(&t->detail, state);
    buf_puts(&t->detail, "}");
    if (!was_confirmed || es.cancelled)
        return DB_OK;
    return event_promote(t->d, c->event_id, c->base_url);
}

db_status event_cancel(db *d, int64_t event_id, int64_t person, const char *ip,
                       const char *base_url, event_refusal *why)
{
    return event_cancel_as(d, event_id, person, person, ip, base_url, why);
}

db_status event_cancel_as(db *d, int64_t event_id, int64_t person, int64_t actor, const char *ip,
                          const char *base_url, event_refusal *why)
{
    assert(d && why && person > 0 && actor > 0);
    tx t = TX_INIT(actor, ip, "event_cancel", "event", event_id);
    t.bump = TX_DIRECTORY;    /* the cached /events pages show places */
    t.locks = DB_LOCK_PLACES; /* a freed place goes to the head of the waiting list */
    reg_ctx c = {.event_id = event_id, .person = person, .registrar = actor, .base_url = base_url};
    db_status st = tx_write(d, &t, cancel_body, &c);
    *why = st == DB_CONSTRAINT ? c.why : EVENT_OK;
    return st;
}

/* --- audience ---------------------------------------------------------------------- */

/* On a cluster's management team, or the secretariat. */
static const char SQL_IS_MANAGER[] =
    "SELECT (EXISTS (SELECT 1 FROM affiliation a JOIN org c ON c.id = a.org_id"
    "  WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    "  AND c.kind IN ('cluster', 'cluster_initiative'))"
    " OR EXISTS (SELECT 1 FROM account WHERE person_id = $1 AND disabled_at IS NULL"
    "  AND secretariat IN ('admin', 'editor')))";
/* Affiliated with a current, accepted member of a cluster ($2: now). */
static const char SQL_IS_MEMBER[] =
    "SELECT EXISTS (SELECT 1 FROM affiliation a JOIN cluster_member m ON m.org_id = a.org_id"
    " JOIN org c ON c.id = m.cluster_id WHERE a.person_id = $1 AND a.ended_at IS NULL"
    " AND c.kind IN ('cluster', 'cluster_initiative') AND c.status = 'published'"
    " AND m.joined_on <= date($2, 'unixepoch', 'localtime')"
    " AND (m.left_on IS NULL OR m.left_on > date($2, 'unixepoch', 'localtime')))";

db_status event_audience_allows(db *d, const char *audience, int64_t person, bool *yes)
{
    *yes = false;
    if (!audience || strcmp(audience, "everyone") == 0) {
        *yes = person > 0;
        return DB_OK;
    }
    int64_t v = 0;
    db_status st = db_int(d, &v, 0, SQL_IS_MANAGER, DB_ARGS(DBI(person)));
    if (st != DB_OK || v || strcmp(audience, "members") != 0) {
        *yes = st == DB_OK && v;
        return st;
    }
    st = db_int(d, &v, 0, SQL_IS_MEMBER, DB_ARGS(DBI(person), DBI(time_now())));
    *yes = st == DB_OK && v;
    return st;
}

/* --- colleagues ---------------------------------------------------------------------- */

static const char SQL_COLLEAGUES[] =
    "SELECT DISTINCT p.id, o.id, p.name, o.name FROM affiliation r"
    " JOIN affiliation c ON c.org_id = r.org_id AND c.ended_at IS NULL"
    " JOIN person p ON p.id = c.person_id AND p.erased_at IS NULL"
    " JOIN org o ON o.id = r.org_id"
    " WHERE r.person_id = $1 AND r.role = 'representative' AND r.ended_at IS NULL"
    " AND p.id <> $1 ORDER BY p.name, p.id LIMIT 500";

static void colleague_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    event_colleague *c = item;
    c->person_id = db_col_int(s, 0);
    c->org_id = db_col_int(s, 1);
    c->name = db_col_dup(a, s, 2, oom);
    c->org_name = db_col_dup(a, s, 3, oom);
}

db_status event_colleagues(db *d, arena *a, int64_t registrar, event_colleague **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_COLLEAGUES, DB_ARGS(DBI(registrar)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, colleague_row, NULL);
}
