/* event.c: events: their fields and checks, reads, writes and the
 * waiting list (see event.h). Registering and cancelling are in
 * event_reg.c, attendance and reminders in event_attend.c, sharing
 * event_internal.h.
 *
 * The waiting list is the registrations in state 'waiting' ordered by
 * (queued_at, id). Every change that can free or add places (a cancel, a
 * capacity raised) ends with event_promote(), which confirms the head of the
 * list while there is room, inside the same transaction, and queues each
 * promoted person's mail there too: a promotion and its mail are stored
 * together or not at all. */
#include "model/event.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "ical/ical.h"
#include "json/json.h"
#include "model/event_internal.h"
#include "model/mail.h"
#include "model/notify.h"
#include "model/support.h"
#include "model/tx.h"
#include "db/db.h"

const char *const event_kinds[] = {"training", "workshop",    "conference",
                                   "b2b",      "study_visit", NULL};
const char *const event_languages[] = {"sr", "en", "sr_en", NULL};
const char *const event_audiences[] = {"managers", "members", "everyone", NULL};

/* --- checks ------------------------------------------------------------------- */

static void add_error(form_errors *errs, const char *field, form_error_code code, int64_t min,
                      int64_t max)
{
    if (!errs || errs->n_items >= sizeof errs->items / sizeof errs->items[0])
        return;
    form_error *e = &errs->items[errs->n_items++];
    e->field = field;
    e->code = code;
    e->min = min;
    e->max = max;
}

/* Text of at most max characters without control characters (newlines
 * allowed when multiline); required when req. */
static void check_text(form_errors *errs, const char *field, const char *v, int64_t max,
                       bool multiline, bool req)
{
    if (!v || !*v) {
        if (req)
            add_error(errs, field, FE_REQUIRED, 0, 0);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t'))) || *p == 0x7f) {
            add_error(errs, field, FE_CONTROL_CHARS, 0, 0);
            return;
        }
    int64_t n = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        n += (*p & 0xc0) != 0x80;
    if (n > max)
        add_error(errs, field, FE_TOO_LONG, 0, max);
}

static bool is_web_url(const char *v)
{
    return (strncmp(v, "https://", 8) == 0 && v[8]) || (strncmp(v, "http://", 7) == 0 && v[7]);
}

bool event_kind_known(const char *kind)
{
    return str_in(kind, event_kinds);
}

bool event_audience_known(const char *audience)
{
    return str_in(audience, event_audiences);
}

void event_check(const event_input *in, int64_t now, bool is_new, form_errors *errs)
{
    assert(in && errs);
    if (!in->kind || !*in->kind)
        add_error(errs, "kind", FE_REQUIRED, 0, 0);
    else if (!str_in(in->kind, event_kinds))
        add_error(errs, "kind", FE_CHOICE, 0, 0);
    if (in->organiser_id <= 0)
        add_error(errs, "organiser", FE_REQUIRED, 0, 0);
    check_text(errs, "title_sr", in->title_sr, EVENT_TITLE_MAX, false, true);
    check_text(errs, "title_en", in->title_en, EVENT_TITLE_MAX, false, false);
    check_text(errs, "description_sr", in->description_sr, EVENT_TEXT_MAX, true, false);
    check_text(errs, "description_en", in->description_en, EVENT_TEXT_MAX, true, false);
    check_text(errs, "place", in->place, EVENT_PLACE_MAX, false, false);
    check_text(errs, "online_url", in->online_url, EVENT_PLACE_MAX, false, false);
    if (in->online_url && *in->online_url && !is_web_url(in->online_url))
        add_error(errs, "online_url", FE_URL, 0, 0);
    if ((!in->place || !*in->place) && (!in->online_url || !*in->online_url))
        add_error(errs, "place", FE_REQUIRED, 0, 0);
    if (in->starts_at <= 0)
        add_error(errs, "starts_at", FE_REQUIRED, 0, 0);
    else if (is_new && in->starts_at < now)
        add_error(errs, "starts_at", FE_RANGE, now, 0);
    if (in->ends_at <= 0)
        add_error(errs, "ends_at", FE_REQUIRED, 0, 0);
    else if (in->starts_at > 0 && in->ends_at <= in->starts_at)
        add_error(errs, "ends_at", FE_DATE_ORDER, 0, 0);
    if (!in->language || !*in->language)
        add_error(errs, "language", FE_REQUIRED, 0, 0);
    else if (!str_in(in->language, event_languages))
        add_error(errs, "language", FE_CHOICE, 0, 0);
    if (!in->audience || !*in->audience)
        add_error(errs, "audience", FE_REQUIRED, 0, 0);
    else if (!str_in(in->audience, event_audiences))
        add_error(errs, "audience", FE_CHOICE, 0, 0);
    if (in->capacity < 0 || in->capacity > EVENT_CAPACITY_MAX)
        add_error(errs, "capacity", FE_RANGE, 1, EVENT_CAPACITY_MAX);
    if (in->cancel_until && in->starts_at > 0 && in->cancel_until > in->starts_at)
        add_error(errs, "cancel_until", FE_DATE_ORDER, 0, 0);
}

/* --- reads -------------------------------------------------------------------- */

#define EVENT_COLS                                                                                 \
    "e.id, e.kind, e.language, e.audience, e.status, e.organiser_id, o.slug, o.name, o.name_en,"   \
    " e.title_sr, e.title_en, e.description_sr, e.description_en, e.place, e.online_url,"          \
    " e.starts_at, e.ends_at, coalesce(e.capacity, 0), coalesce(e.cancel_until, 0),"               \
    " (SELECT count(*) FROM event_registration r WHERE r.event_id = e.id"                          \
    "  AND r.state = 'confirmed'),"                                                                \
    " (SELECT count(*) FROM event_registration r WHERE r.event_id = e.id"                          \
    "  AND r.state = 'waiting'),"                                                                  \
    " e.is_demo, e.created_at, e.created_by, e.updated_at, e.updated_by"                           \
    " FROM event e JOIN org o ON o.id = e.organiser_id"

static const char SQL_GET[] = "SELECT " EVENT_COLS " WHERE e.id = $1 AND o.status = 'published'";
/* Upcoming: not yet ended, soonest first; past: ended, newest first. The
 * keyset (starts_at, id) continues after the last row of a page. */
static const char SQL_LIST_UPCOMING[] =
    "SELECT " EVENT_COLS
    " WHERE e.ends_at > $1 AND o.status = 'published' AND ($2 IS NULL OR e.kind = $2)"
    " AND ($3 = 0 OR e.organiser_id = $3) AND ($4 = 0 OR e.starts_at >= $4)"
    " AND ($5 = 0 OR e.starts_at < $5) AND ($9 IS NULL OR e.audience = $9)"
    " AND (e.starts_at > $6 OR (e.starts_at = $6 AND e.id > $7))"
    " ORDER BY e.starts_at, e.id LIMIT $8";
static const char SQL_LIST_PAST[] =
    "SELECT " EVENT_COLS
    " WHERE e.ends_at <= $1 AND o.status = 'published' AND ($2 IS NULL OR e.kind = $2)"
    " AND ($3 = 0 OR e.organiser_id = $3) AND ($4 = 0 OR e.starts_at >= $4)"
    " AND ($5 = 0 OR e.starts_at < $5) AND ($9 IS NULL OR e.audience = $9)"
    " AND ($6 = 0 OR e.starts_at < $6 OR (e.starts_at = $6 AND e.id < $7))"
    " ORDER BY e.starts_at DESC, e.id DESC LIMIT $8";

static void event_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    event_rec *e = item;
    int c = 0;
    e->id = db_col_int(s, c++);
    e->kind = db_col_dup(a, s, c++, oom);
    e->language = db_col_dup(a, s, c++, oom);
    e->audience = db_col_dup(a, s, c++, oom);
    e->status = db_col_dup(a, s, c++, oom);
    e->organiser_id = db_col_int(s, c++);
    e->organiser_slug = db_col_dup(a, s, c++, oom);
    e->organiser_name = db_col_dup(a, s, c++, oom);
    e->organiser_name_en = db_col_dup(a, s, c++, oom);
    e->title_sr = db_col_dup(a, s, c++, oom);
    e->title_en = db_col_dup(a, s, c++, oom);
    e->description_sr = db_col_dup(a, s, c++, oom);
    e->description_en = db_col_dup(a, s, c++, oom);
    e->place = db_col_dup(a, s, c++, oom);
    e->online_url = db_col_dup(a, s, c++, oom);
    e->starts_at = db_col_int(s, c++);
    e->ends_at = db_col_int(s, c++);
    e->capacity = db_col_int(s, c++);
    e->cancel_until = db_col_int(s, c++);
    e->confirmed = db_col_int(s, c++);
    e->waiting = db_col_int(s, c++);
    e->is_demo = db_col_int(s, c++) != 0;
    e->created_at = db_col_int(s, c++);
    e->created_by = db_col_int(s, c++);
    e->updated_at = db_col_int(s, c++);
    e->updated_by = db_col_int(s, c++);
}

db_status event_get(db *d, arena *a, int64_t id, event_rec *out, bool *found)
{
    assert(d && a && out && found);
    *found = false;
    memset(out, 0, sizeof *out);
    event_rec *rows = NULL;
    size_t n = 0;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)&rows, &n, sizeof *rows, event_row, NULL);
    if (st == DB_OK && n == 1) {
        *out = rows[0];
        *found = true;
    }
    return st;
}

db_status event_list(db *d, arena *a, const event_filter *f, event_rec **out, size_t *n)
{
    assert(d && a && f && out && n);
    *out = NULL;
    *n = 0;
    int limit = f->limit > 0 && f->limit <= 200 ? f->limit : 50;
    db_val kind = f->kind ? DBT(f->kind) : DBNULL;
    db_stmt *s = db_query(d, f->past ? SQL_LIST_PAST : SQL_LIST_UPCOMING,
                          DB_ARGS(DBI(time_now()), kind, DBI(f->organiser_id), DBI(f->from),
                                  DBI(f->to), DBI(f->after_start), DBI(f->after_id), DBI(limit),
                                  f->audience ? DBT(f->audience) : DBNULL));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, event_row, NULL);
}

static const char SQL_MINE_UPCOMING[] =
    "SELECT e.id, e.title_sr, e.title_en, e.starts_at, r.state = 'confirmed'"
    " FROM event_registration r JOIN event e ON e.id = r.event_id"
    " WHERE r.person_id = $1 AND r.state IN ('confirmed', 'waiting') AND e.ends_at > $2"
    " AND e.status = 'published' ORDER BY e.starts_at, e.id LIMIT 20";

static void mine_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    event_rec *e = item;
    e->id = db_col_int(s, 0);
    e->title_sr = db_col_dup(a, s, 1, oom);
    e->title_en = db_col_dup(a, s, 2, oom);
    e->starts_at = db_col_int(s, 3);
    e->confirmed = db_col_int(s, 4);
}

db_status event_mine(db *d, arena *a, int64_t person, event_rec **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_MINE_UPCOMING, DB_ARGS(DBI(person), DBI(time_now())));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, mine_row, NULL);
}

int64_t event_cancel_deadline(const event_rec *e)
{
    return e->cancel_until ? e->cancel_until : e->starts_at;
}

static const char SQL_PLACE[] =
    "SELECT r.state, (SELECT count(*) FROM event_registration w WHERE w.event_id = r.event_id"
    " AND w.state = 'waiting' AND (w.queued_at < r.queued_at OR (w.queued_at = r.queued_at"
    " AND w.id <= r.id))) FROM event_registration r WHERE r.event_id = $1 AND r.person_id = $2";

db_status event_place_of(db *d, int64_t event_id, int64_t person, event_place *place,
                         int64_t *queue_pos)
{
    *place = EVENT_NONE;
    *queue_pos = 0;
    db_stmt *s = db_query(d, SQL_PLACE, DB_ARGS(DBI(event_id), DBI(person)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        const char *state = db_col_text(s, 0);
        if (state && strcmp(state, "confirmed") == 0)
            *place = EVENT_CONFIRMED;
        else if (state && strcmp(state, "waiting") == 0) {
            *place = EVENT_WAITING;
            *queue_pos = db_col_int(s, 1);
        }
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static const char SQL_REGISTRANTS[] =
    "SELECT r.id, r.person_id, p.name, p.email, o.name, r.state, r.queued_at,"
    " coalesce(r.confirmed_at, 0), coalesce(r.cancelled_at, 0), coalesce(r.attended, -1)"
    " FROM event_registration r JOIN person p ON p.id = r.person_id"
    " LEFT JOIN org o ON o.id = r.org_id WHERE r.event_id = $1"
    " ORDER BY CASE r.state WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END,"
    " r.queued_at, r.id";

static void registrant_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    event_registrant *g = item;
    g->id = db_col_int(s, 0);
    g->person_id = db_col_int(s, 1);
    g->name = db_col_dup(a, s, 2, oom);
    g->email = db_col_dup(a, s, 3, oom);
    g->org_name = db_col_dup(a, s, 4, oom);
    g->state = db_col_dup(a, s, 5, oom);
    g->queued_at = db_col_int(s, 6);
    g->confirmed_at = db_col_int(s, 7);
    g->cancelled_at = db_col_int(s, 8);
    g->attended = (int)db_col_int(s, 9);
}

db_status event_registrants(db *d, arena *a, int64_t event_id, event_registrant **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_REGISTRANTS, DB_ARGS(DBI(event_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, registrant_row, NULL);
}

static const char SQL_REGISTERED_BY[] =
    "SELECT r.id, r.person_id, p.name, p.email, o.name, r.state, r.queued_at,"
    " coalesce(r.confirmed_at, 0), coalesce(r.cancelled_at, 0), coalesce(r.attended, -1)"
    " FROM event_registration r JOIN person p ON p.id = r.person_id"
    " LEFT JOIN org o ON o.id = r.org_id WHERE r.event_id = $1 AND r.registered_by = $2"
    " AND r.person_id <> $2 AND r.state IN ('confirmed', 'waiting') ORDER BY p.name, r.id";

db_status event_registered_by(db *d, arena *a, int64_t event_id, int64_t registrar,
                              event_registrant **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_REGISTERED_BY, DB_ARGS(DBI(event_id), DBI(registrar)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, registrant_row, NULL);
}

static const char SQL_ORGANISERS_ALL[] =
    "SELECT id, slug, name, name_en FROM org WHERE status = 'published' AND kind <> 'company'"
    " ORDER BY kind <> 'cluster_association', name";
static const char SQL_ORGANISERS_MINE[] =
    "SELECT DISTINCT o.id, o.slug, o.name, o.name_en FROM affiliation f"
    " JOIN org o ON o.id = f.org_id WHERE f.person_id = $1 AND f.ended_at IS NULL"
    " AND o.status = 'published'"
    " ORDER BY o.name";

static void organiser_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    event_organiser *o = item;
    o->id = db_col_int(s, 0);
    o->slug = db_col_dup(a, s, 1, oom);
    o->name = db_col_dup(a, s, 2, oom);
    o->name_en = db_col_dup(a, s, 3, oom);
}

db_status event_organisers(db *d, arena *a, int64_t person, bool all, event_organiser **out,
                           size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = all ? db_query(d, SQL_ORGANISERS_ALL, DB_NONE)
                     : db_query(d, SQL_ORGANISERS_MINE, DB_ARGS(DBI(person)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, organiser_row, NULL);
}

/* --- writes ------------------------------------------------------------------- */

static db_val int_or_null(int64_t v)
{
    return v > 0 ? DBI(v) : DBNULL;
}

/* An event's organiser is a published entry: a draft or a proposal under
 * review must not publish its name through an event. */
static const char SQL_ORG_EXISTS[] =
    "SELECT count(*) FROM org WHERE id = $1 AND status = 'published'";
static const char SQL_INSERT[] =
    "INSERT INTO event(kind, organiser_id, title_sr, title_en, description_sr, description_en,"
    " starts_at, ends_at, place, online_url, language, audience, capacity, cancel_until, status,"
    " created_at, created_by, updated_at, updated_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'published',"
    " $15, $16, $15, $16)";
static const char SQL_UPDATE[] =
    "UPDATE event SET kind = $2, organiser_id = $3, title_sr = $4, title_en = $5,"
    " description_sr = $6, description_en = $7, starts_at = $8, ends_at = $9, place = $10,"
    " online_url = $11, language = $12, audience = $13, capacity = $14, cancel_until = $15,"
    " status = $16, updated_at = $17, updated_by = $18 WHERE id = $1";
static const char SQL_CONFIRMED[] =
    "SELECT count(*) FROM event_registration WHERE event_id = $1 AND state = 'confirmed'";

db_status event_confirmed_count(db *d, int64_t event_id, int64_t *n)
{
    return db_int(d, n, 0, SQL_CONFIRMED, DB_ARGS(DBI(event_id)));
}

typedef struct write_ctx {
    const event_input *in;
    int64_t id;
    const char *base_url;
    form_errors *errs;
} write_ctx;

/* The event's fields as the audit detail. */
static void detail(buf *j, const event_input *in)
{
    buf_puts(j, "{");
    json_put_key(j, "title_sr", true);
    json_put_string(j, in->title_sr ? in->title_sr : "");
    json_put_key(j, "kind", false);
    json_put_string(j, in->kind ? in->kind : "");
    json_put_key(j, "starts_at", false);
    json_put_int(j, in->starts_at);
    json_put_key(j, "capacity", false);
    json_put_int(j, in->capacity);
    buf_puts(j, "}");
}

static db_status check_organiser(tx *t, write_ctx *c)
{
    int64_t n = 0;
    db_status st = db_int(t->d, &n, 0, SQL_ORG_EXISTS, DB_ARGS(DBI(c->in->organiser_id)));
    if (st == DB_OK && n == 0) {
        add_error(c->errs, "organiser", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    return st;
}

static db_status create_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    const event_input *in = c->in;
    db_status st = check_organiser(t, c);
    if (st != DB_OK)
        return st;
    int64_t now = time_now();
    st = db_do(t->d, SQL_INSERT,
               DB_ARGS(DBT(in->kind), DBI(in->organiser_id), DBT(in->title_sr),
                       db_opt_text(in->title_en), db_opt_text(in->description_sr),
                       db_opt_text(in->description_en), DBI(in->starts_at), DBI(in->ends_at),
                       db_opt_text(in->place), db_opt_text(in->online_url), DBT(in->language),
                       DBT(in->audience), int_or_null(in->capacity), int_or_null(in->cancel_until),
                       DBI(now), int_or_null(t->actor_id)));
    if (st != DB_OK)
        return st;
    c->id = t->entity_id = db_last_id(t->d);
    detail(&t->detail, in);
    return DB_OK;
}

db_status event_create(db *d, const event_input *in, int64_t actor, const char *ip, int64_t *id,
                       form_errors *errs)
{
    assert(d && in && id && errs);
    *id = 0;
    size_t before = errs->n_items;
    event_check(in, time_now(), true, errs);
    if (errs->n_items > before)
        return DB_CONSTRAINT;
    tx t = TX_INIT(actor, ip, "event_create", "event", 0);
    t.bump = TX_DIRECTORY; /* the cached /events pages show places */
    write_ctx c = {.in = in, .errs = errs};
    db_status st = tx_write(d, &t, create_body, &c);
    if (st == DB_OK)
        *id = c.id;
    return st;
}

/* --- the waiting list ------------------------------------------------------------ */

static const char SQL_EVENT_ROOM[] =
    "SELECT coalesce(e.capacity, 0), e.title_sr, coalesce(e.title_en, e.title_sr), e.starts_at"
    " FROM event e WHERE e.id = $1";
static const char SQL_HEAD[] =
    "SELECT r.id, p.email, coalesce(p.lang, 'sr-Cyrl') FROM event_registration r"
    " JOIN person p ON p.id = r.person_id WHERE r.event_id = $1 AND r.state = 'waiting'"
    " ORDER BY r.queued_at, r.id LIMIT 1";
static const char SQL_CONFIRM[] =
    "UPDATE event_registration SET state = 'confirmed', confirmed_at = $2, updated_at = $2"
    " WHERE id = $1";

/* The event as an iCalendar file in language L, for a mail attachment;
 * false when it cannot be written. */
static bool event_ics(db *d, arena *a, int64_t event_id, lang_id L, const char *base_url, buf *out)
{
    event_rec e;
    bool found = false;
    if (event_get(d, a, event_id, &e, &found) != DB_OK || !found)
        return false;
    bool en = L == LANG_EN;
    const char *title = en && e.title_en ? e.title_en : e.title_sr;
    const char *host = base_url && strstr(base_url, "://") ? strstr(base_url, "://") + 3 : "scan";
    ical_event c = {
        .uid = arena_printf(a, "event-%lld@%s", (long long)e.id, host),
        .summary = mail_text_in(a, L, title),
        .description =
            mail_text_in(a, L, en && e.description_en ? e.description_en : e.description_sr),
        .location = e.place && *e.place ? e.place : e.online_url,
        .url = base_url ? arena_printf(a, "%s/events/%lld", base_url, (long long)e.id) : NULL,
        .starts_at = e.starts_at,
        .ends_at = e.ends_at,
        .stamp = e.updated_at,
        .sequence = e.updated_at - e.created_at > 0 ? (e.updated_at - e.created_at) / 60 : 0,
        .cancelled = strcmp(e.status, "cancelled") == 0,
    };
    return c.uid && ical_write(out, title, &c, 1);
}

/* Mails person about event_id in their language: subject and body
 * formats take the title; with_ics attaches the event. */
db_status event_mail(db *d, const char *to, const char *tag, const char *title_sr,
                     const char *title_en, int64_t event_id, const char *base_url,
                     msg_id subject_msg, msg_id body_msg, bool with_ics)
{
    if (!to || !*to)
        return DB_OK; /* erased person: nobody to tell */
    if (!base_url)
        base_url = notify_base_url();
    lang_id L = LANG_SR_CYRL;
    if (tag)
        i18n_parse(tag, &L);
    arena a = ARENA_INIT;
    const char *title = mail_text_in(&a, L, L == LANG_EN && title_en ? title_en : title_sr);
    buf subject = BUF_INIT, body = BUF_INIT, ics = BUF_INIT;
    buf_printf(&subject, T(L, subject_msg), title);
    buf_printf(&body, T(L, body_msg), title);
    if (base_url)
        buf_printf(&body, "\n\n%s/events/%lld\n", base_url, (long long)event_id);
    mail_file f = {.type = "text/calendar; method=PUBLISH",
                   .name = arena_printf(&a, "event-%lld.ics", (long long)event_id)};
    bool ics_ok =
        with_ics && f.name && event_ics(d, &a, event_id, L, base_url, &ics) && !buf_failed(&ics);
    f.data = ics_ok ? buf_str(&ics) : NULL;
    db_status st =
        buf_failed(&subject) || buf_failed(&body)
            ? DB_NOMEM
            : mail_queue_file(d, to, buf_str(&subject), buf_str(&body), ics_ok ? &f : NULL);
    buf_free(&subject);
    buf_free(&body);
    buf_free(&ics);
    arena_free(&a);
    return st;
}

/* Mails the person of a promoted registration, in their language. */
static db_status promotion_mail(db *d, const char *to, const char *tag, const char *title_sr,
                                const char *title_en, int64_t event_id, const char *base_url)
{
    return event_mail(d, to, tag, title_sr, title_en, event_id, base_url,
                      MSG_EVENT_MAIL_PROMOTED_SUBJECT, MSG_EVENT_MAIL_PROMOTED_BODY, true);
}

/* Confirms waiting registrations, oldest first, while the event has room;
 * each promoted person is mailed. In the caller's transaction. */
db_status event_promote(db *d, int64_t event_id, const char *base_url)
{
    arena a = ARENA_INIT;
    db_status st = DB_OK;
    for (;;) {
        int64_t capacity = 0, confirmed = 0;
        const char *title_sr = NULL, *title_en = NULL;
        db_stmt *s = db_query(d, SQL_EVENT_ROOM, DB_ARGS(DBI(event_id)));
        if (!s) {
            st = db_failure(d) ? db_failure(d) : DB_ERR;
            break;
        }
        bool oom = false;
        if ((st = db_step(s)) == DB_ROW) {
            capacity = db_col_int(s, 0);
            title_sr = db_col_dup(&a, s, 1, &oom);
            title_en = db_col_dup(&a, s, 2, &oom);
            st = DB_OK;
        }
        db_reset(s);
        if (oom)
            st = DB_NOMEM;
        if (st == DB_DONE) /* no such event: nothing to promote */
            st = DB_OK;
        if (st != DB_OK || !title_sr)
            break;
        if ((st = db_int(d, &confirmed, 0, SQL_CONFIRMED, DB_ARGS(DBI(event_id)))) != DB_OK)
            break;
        if (capacity > 0 && confirmed >= capacity) /* capacity 0: no limit */
            break;
        if (!(s = db_query(d, SQL_HEAD, DB_ARGS(DBI(event_id))))) {
            st = db_failure(d) ? db_failure(d) : DB_ERR;
            break;
        }
        int64_t rid = 0;
        const char *email = NULL, *tag = NULL;
        if ((st = db_step(s)) == DB_ROW) {
            rid = db_col_int(s, 0);
            email = db_col_dup(&a, s, 1, &oom);
            tag = db_col_dup(&a, s, 2, &oom);
        }
        db_reset(s);
        if (oom) {
            st = DB_NOMEM;
            break;
        }
        if (st == DB_DONE) { /* nobody waiting */
            st = DB_OK;
            break;
        }
        if (st != DB_ROW)
            break;
        if ((st = db_do(d, SQL_CONFIRM, DB_ARGS(DBI(rid), DBI(time_now())))) != DB_OK)
            break;
        if ((st = promotion_mail(d, email, tag, title_sr, title_en, event_id, base_url)) != DB_OK)
            break;
    }
    arena_free(&a);
    return st;
}

static db_status update_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    const event_input *in = c->in;
    db_status st = check_organiser(t, c);
    if (st != DB_OK)
        return st;
    int64_t confirmed = 0;
    if ((st = db_int(t->d, &confirmed, 0, SQL_CONFIRMED, DB_ARGS(DBI(c->id)))) != DB_OK)
        return st;
    if (in->capacity > 0 && in->capacity < confirmed) {
        add_error(c->errs, "capacity", FE_RANGE, confirmed, EVENT_CAPACITY_MAX);
        return DB_CONSTRAINT;
    }
    st = db_do(t->d, SQL_UPDATE,
               DB_ARGS(DBI(c->id), DBT(in->kind), DBI(in->organiser_id), DBT(in->title_sr),
                       db_opt_text(in->title_en), db_opt_text(in->description_sr),
                       db_opt_text(in->description_en), DBI(in->starts_at), DBI(in->ends_at),
                       db_opt_text(in->place), db_opt_text(in->online_url), DBT(in->language),
                       DBT(in->audience), int_or_null(in->capacity), int_or_null(in->cancel_until),
                       DBT(in->cancelled ? "cancelled" : "published"), DBI(time_now()),
                       int_or_null(t->actor_id)));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0) {
        add_error(c->errs, "id", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    detail(&t->detail, in);
    return in->cancelled ? DB_OK : event_promote(t->d, c->id, c->base_url);
}

db_status event_update(db *d, int64_t id, const event_input *in, int64_t actor, const char *ip,
                       const char *base_url, form_errors *errs)
{
    assert(d && in && errs);
    size_t before = errs->n_items;
    event_check(in, time_now(), false, errs);
    if (errs->n_items > before)
        return DB_CONSTRAINT;
    tx t = TX_INIT(actor, ip, "event_update", "event", id);
    t.bump = TX_DIRECTORY;    /* the cached /events pages show places */
    t.locks = DB_LOCK_PLACES; /* a new capacity is checked against, and promotes, registrations */
    write_ctx c = {.in = in, .id = id, .base_url = base_url, .errs = errs};
    return tx_write(d, &t, update_body, &c);
}

/* --- the state registrations and attendance check (event_internal.h) ------------- */

static const char SQL_EVENT_STATE[] =
    "SELECT status, starts_at, coalesce(capacity, 0), coalesce(cancel_until, starts_at)"
    " FROM event WHERE id = $1";

db_status event_read_state(db *d, int64_t id, event_state *es)
{
    memset(es, 0, sizeof *es);
    db_stmt *s = db_query(d, SQL_EVENT_STATE, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        const char *status = db_col_text(s, 0);
        es->found = true;
        es->cancelled = status && strcmp(status, "cancelled") == 0;
        es->starts_at = db_col_int(s, 1);
        es->capacity = db_col_int(s, 2);
        es->cutoff = db_col_int(s, 3);
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}
