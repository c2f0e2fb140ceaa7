/* event.c: events and their registrations (see event.h).
 *
 * The waiting list is the registrations in state 'waiting' ordered by
 * (queued_at, id). Every change that can free or add places (a cancel, a
 * capacity raised) ends with promote(), which confirms the head of the
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
#include "model/mail.h"
#include "model/notify.h"
#include "model/support.h"
#include "model/tx.h"

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

static bool one_of(const char *v, const char *const *choices)
{
    for (size_t i = 0; v && choices[i]; i++)
        if (strcmp(v, choices[i]) == 0)
            return true;
    return false;
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
    return one_of(kind, event_kinds);
}

bool event_audience_known(const char *audience)
{
    return one_of(audience, event_audiences);
}

void event_check(const event_input *in, int64_t now, bool is_new, form_errors *errs)
{
    assert(in && errs);
    if (!in->kind || !*in->kind)
        add_error(errs, "kind", FE_REQUIRED, 0, 0);
    else if (!one_of(in->kind, event_kinds))
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
    else if (!one_of(in->language, event_languages))
        add_error(errs, "language", FE_CHOICE, 0, 0);
    if (!in->audience || !*in->audience)
        add_error(errs, "audience", FE_REQUIRED, 0, 0);
    else if (!one_of(in->audience, event_audiences))
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

static db_val text_or_null(const char *s)
{
    return s && *s ? DBT(s) : DBNULL;
}

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
                       text_or_null(in->title_en), text_or_null(in->description_sr),
                       text_or_null(in->description_en), DBI(in->starts_at), DBI(in->ends_at),
                       text_or_null(in->place), text_or_null(in->online_url), DBT(in->language),
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
static db_status event_mail(db *d, const char *to, const char *tag, const char *title_sr,
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
static db_status promote(db *d, int64_t event_id, const char *base_url)
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
                       text_or_null(in->title_en), text_or_null(in->description_sr),
                       text_or_null(in->description_en), DBI(in->starts_at), DBI(in->ends_at),
                       text_or_null(in->place), text_or_null(in->online_url), DBT(in->language),
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
    return in->cancelled ? DB_OK : promote(t->d, c->id, c->base_url);
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
    t.bump = TX_DIRECTORY; /* the cached /events pages show places */
    write_ctx c = {.in = in, .id = id, .base_url = base_url, .errs = errs};
    return tx_write(d, &t, update_body, &c);
}

/* --- registering and cancelling --------------------------------------------------- */

static const char SQL_EVENT_STATE[] =
    "SELECT status, starts_at, coalesce(capacity, 0), coalesce(cancel_until, starts_at)"
    " FROM event WHERE id = $1";
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

typedef struct event_state {
    bool found, cancelled;
    int64_t starts_at, capacity, cutoff;
} event_state;

static db_status read_state(db *d, int64_t id, event_state *es)
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
    db_status st = read_state(t->d, c->event_id, &es);
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
    if ((st = db_int(t->d, &confirmed, 0, SQL_CONFIRMED, DB_ARGS(DBI(c->event_id)))) != DB_OK)
        return st;
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
    t.bump = TX_DIRECTORY; /* the cached /events pages show places */
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
    db_status st = read_state(t->d, c->event_id, &es);
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
    return promote(t->d, c->event_id, c->base_url);
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
    t.bump = TX_DIRECTORY; /* the cached /events pages show places */
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

/* --- attendance ---------------------------------------------------------------------- */

static const char SQL_ATT_CLEAR[] =
    "UPDATE event_registration SET attended = CASE state WHEN 'confirmed' THEN 0 ELSE NULL END,"
    " updated_at = $2 WHERE event_id = $1 AND (state = 'confirmed' OR attended IS NOT NULL)";
static const char SQL_ATT_SET[] = "UPDATE event_registration SET attended = 1, updated_at = $3"
                                  " WHERE id = $2 AND event_id = $1 AND state = 'confirmed'";
static const char SQL_ATT_EVENT[] =
    "UPDATE event SET attendance_at = $2, attendance_by = $3 WHERE id = $1";

typedef struct att_ctx {
    int64_t event_id;
    const int64_t *ids;
    size_t n;
    event_refusal why;
} att_ctx;

/* The clusters an event of SCAN's (the association's own) helped: those
 * whose team an attendee is on, and those an attendee's organisation is
 * an accepted member of on the event's day; with the event's title. */
static const char SQL_ATT_CLUSTERS[] =
    "WITH att AS (SELECT r.person_id FROM event_registration r JOIN event e ON e.id = r.event_id"
    "  JOIN org o ON o.id = e.organiser_id AND o.kind = 'cluster_association'"
    "  WHERE r.event_id = $1 AND r.attended = 1),"
    " orgs AS (SELECT f.org_id FROM affiliation f JOIN att ON att.person_id = f.person_id"
    "  WHERE f.ended_at IS NULL)"
    " SELECT c.id, (SELECT title_sr FROM event WHERE id = $1) FROM org c WHERE c.kind IN"
    " ('cluster', 'cluster_initiative') AND (c.id IN (SELECT org_id FROM orgs) OR c.id IN"
    "  (SELECT m.cluster_id FROM cluster_member m JOIN orgs ON orgs.org_id = m.org_id"
    "   WHERE m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2)))"
    " ORDER BY c.id";

typedef struct att_cluster {
    int64_t id;
    const char *title;
} att_cluster;

static void att_cluster_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    att_cluster *c = item;
    c->id = db_col_int(s, 0);
    c->title = db_col_dup(a, s, 1, oom);
}

/* Attendance feeds the support log (support.h): one "training" entry per
 * cluster the event helped, source "event:<id>", so marking again adds
 * nothing twice. */
static db_status attendance_support(tx *t, int64_t event_id, int64_t starts_at)
{
    char day[11];
    time_t ts = (time_t)starts_at;
    struct tm tm;
    if (!localtime_r(&ts, &tm) || strftime(day, sizeof day, "%Y-%m-%d", &tm) != 10)
        return DB_ERR; /* the process zone is Europe/Belgrade (timeutil.c) */
    arena a = ARENA_INIT;
    att_cluster *cl = NULL;
    size_t n = 0;
    db_stmt *s = db_query(t->d, SQL_ATT_CLUSTERS, DB_ARGS(DBI(event_id), DBT(day)));
    db_status st = s ? db_collect(s, &a, (void **)&cl, &n, sizeof *cl, att_cluster_row, NULL)
                     : (db_failure(t->d) ? db_failure(t->d) : DB_ERR);
    char source[32];
    snprintf(source, sizeof source, "event:%lld", (long long)event_id);
    for (size_t i = 0; st == DB_OK && i < n; i++)
        st = support_log_add(t->d, cl[i].id, day, "training", cl[i].title, NULL, source,
                             t->actor_id, NULL);
    arena_free(&a);
    return st;
}

static db_status attendance_body(tx *t, void *ctx)
{
    att_ctx *c = ctx;
    event_state es;
    db_status st = read_state(t->d, c->event_id, &es);
    if (st != DB_OK)
        return st;
    if (!es.found) {
        c->why = EVENT_NO_SUCH;
        return DB_CONSTRAINT;
    }
    int64_t now = time_now();
    if (now < es.starts_at) {
        c->why = EVENT_NOT_STARTED;
        return DB_CONSTRAINT;
    }
    if ((st = db_do(t->d, SQL_ATT_CLEAR, DB_ARGS(DBI(c->event_id), DBI(now)))) != DB_OK)
        return st;
    int64_t marked = 0;
    for (size_t i = 0; i < c->n; i++) {
        if ((st = db_do(t->d, SQL_ATT_SET, DB_ARGS(DBI(c->event_id), DBI(c->ids[i]), DBI(now)))) !=
            DB_OK)
            return st;
        marked += db_changes(t->d);
    }
    if ((st = db_do(t->d, SQL_ATT_EVENT,
                    DB_ARGS(DBI(c->event_id), DBI(now), int_or_null(t->actor_id)))) != DB_OK)
        return st;
    if ((st = attendance_support(t, c->event_id, es.starts_at)) != DB_OK)
        return st;
    buf_puts(&t->detail, "{");
    json_put_key(&t->detail, "attended", true);
    json_put_int(&t->detail, marked);
    buf_puts(&t->detail, "}");
    return DB_OK;
}

db_status event_mark_attendance(db *d, int64_t event_id, const int64_t *attended, size_t n_attended,
                                int64_t actor, const char *ip, event_refusal *why)
{
    assert(d && why && (attended || n_attended == 0));
    tx t = TX_INIT(actor, ip, "event_attendance", "event", event_id);
    att_ctx c = {.event_id = event_id, .ids = attended, .n = n_attended};
    db_status st = tx_write(d, &t, attendance_body, &c);
    *why = st == DB_CONSTRAINT ? c.why : EVENT_OK;
    return st;
}

/* Attended registrations made on behalf of $1, or of people affiliated
 * with $1 now, for events starting in [$2, $3). */
#define SQL_ATTENDED_OF                                                                            \
    " FROM event_registration r JOIN event e ON e.id = r.event_id"                                 \
    " WHERE r.attended = 1 AND e.starts_at >= $2 AND e.starts_at < $3"                             \
    " AND (r.org_id = $1 OR EXISTS (SELECT 1 FROM affiliation f WHERE f.person_id = r.person_id"   \
    "  AND f.org_id = $1 AND f.ended_at IS NULL))"
static const char SQL_ATTENDED_COUNT[] = "SELECT count(*)" SQL_ATTENDED_OF;
static const char SQL_ATTENDED_LIST[] =
    "SELECT e.id, e.starts_at, count(*), e.kind, e.title_sr, e.title_en" SQL_ATTENDED_OF
    " GROUP BY e.id ORDER BY e.starts_at, e.id";
static const char SQL_HELD_COUNT[] =
    "SELECT count(*) FROM event WHERE organiser_id = $1 AND status = 'published'"
    " AND starts_at >= $2 AND starts_at < $3";

db_status event_attended_count(db *d, int64_t org_id, int64_t from, int64_t to, int64_t *n)
{
    return db_int(d, n, 0, SQL_ATTENDED_COUNT, DB_ARGS(DBI(org_id), DBI(from), DBI(to)));
}

db_status event_held_count(db *d, int64_t org_id, int64_t from, int64_t to, int64_t *n)
{
    return db_int(d, n, 0, SQL_HELD_COUNT, DB_ARGS(DBI(org_id), DBI(from), DBI(to)));
}

static void attendance_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    event_attendance_row *w = item;
    w->event_id = db_col_int(s, 0);
    w->starts_at = db_col_int(s, 1);
    w->attendees = db_col_int(s, 2);
    w->kind = db_col_dup(a, s, 3, oom);
    w->title_sr = db_col_dup(a, s, 4, oom);
    w->title_en = db_col_dup(a, s, 5, oom);
}

db_status event_attendance_of(db *d, arena *a, int64_t org_id, int64_t from, int64_t to,
                              event_attendance_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_ATTENDED_LIST, DB_ARGS(DBI(org_id), DBI(from), DBI(to)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, attendance_row, NULL);
}

/* --- reminders ------------------------------------------------------------------------ */

int64_t event_remind_due(int64_t starts_at, bool early)
{
    time_t t = (time_t)starts_at;
    struct tm tm;
    localtime_r(&t, &tm); /* the process zone is Europe/Belgrade (timeutil.c) */
    struct tm due = {.tm_year = tm.tm_year,
                     .tm_mon = tm.tm_mon,
                     .tm_mday = tm.tm_mday - 1,
                     .tm_hour = early ? 0 : 8,
                     .tm_isdst = -1};
    return (int64_t)mktime(&due);
}

/* Confirmed registrations not yet reminded of published events starting
 * within the next two days (the due rule is applied in C). */
static const char SQL_REMIND_PENDING[] =
    "SELECT r.id, e.id, e.starts_at, p.email, coalesce(p.lang, 'sr-Cyrl'), e.title_sr,"
    " coalesce(e.title_en, e.title_sr)"
    " FROM event_registration r JOIN event e ON e.id = r.event_id"
    " JOIN person p ON p.id = r.person_id"
    " WHERE r.state = 'confirmed' AND r.reminded_at IS NULL AND e.status = 'published'"
    " AND e.starts_at > $1 AND e.starts_at <= $1 + 2 * 86400 + 7200"
    " ORDER BY e.starts_at, r.id LIMIT 5000";
static const char SQL_REMINDED[] =
    "UPDATE event_registration SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL"
    " AND state = 'confirmed'";

typedef struct remind_item {
    int64_t rid, event_id, starts_at;
    const char *email, *tag, *title_sr, *title_en;
} remind_item;

static void remind_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    remind_item *m = item;
    m->rid = db_col_int(s, 0);
    m->event_id = db_col_int(s, 1);
    m->starts_at = db_col_int(s, 2);
    m->email = db_col_dup(a, s, 3, oom);
    m->tag = db_col_dup(a, s, 4, oom);
    m->title_sr = db_col_dup(a, s, 5, oom);
    m->title_en = db_col_dup(a, s, 6, oom);
}

typedef struct remind_ctx {
    const remind_item *m;
    const char *base_url;
    int64_t now;
    bool sent;
} remind_ctx;

static db_status remind_body(tx *t, void *ctx)
{
    remind_ctx *c = ctx;
    db_status st = db_do(t->d, SQL_REMINDED, DB_ARGS(DBI(c->m->rid), DBI(c->now)));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0)
        return DB_OK; /* another run reminded them first */
    c->sent = true;
    buf_puts(&t->detail, "{");
    json_put_key(&t->detail, "registration", true);
    json_put_int(&t->detail, c->m->rid);
    buf_puts(&t->detail, "}");
    return event_mail(t->d, c->m->email, c->m->tag, c->m->title_sr, c->m->title_en, c->m->event_id,
                      c->base_url, MSG_EVENT_MAIL_REMIND_SUBJECT, MSG_EVENT_MAIL_REMIND_BODY, true);
}

db_status event_remind_run(db *d, int64_t now, bool early, bool dry_run, const char *base_url,
                           int *sent)
{
    *sent = 0;
    arena a = ARENA_INIT;
    remind_item *items = NULL;
    size_t n = 0;
    db_status st;
    db_stmt *s = db_query(d, SQL_REMIND_PENDING, DB_ARGS(DBI(now)));
    if (!s) {
        st = db_failure(d) ? db_failure(d) : DB_ERR;
        goto cleanup;
    }
    if ((st = db_collect(s, &a, (void **)&items, &n, sizeof *items, remind_row, NULL)) != DB_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if (event_remind_due(items[i].starts_at, early) > now)
            continue;
        if (dry_run) {
            (*sent)++;
            continue;
        }
        tx t = TX_INIT(0, NULL, "event_remind", "event", items[i].event_id);
        remind_ctx c = {.m = &items[i], .base_url = base_url, .now = now};
        if ((st = tx_write(d, &t, remind_body, &c)) != DB_OK)
            goto cleanup;
        *sent += c.sent;
    }
cleanup:
    arena_free(&a);
    return st;
}
