/* event_attend.c: after and before an event: the organiser's attendance
 * (which feeds the support log), the reads of attendance for reports, and
 * the reminders of the day before, each sent once (see event.h). */
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
    db_status st = event_read_state(t->d, c->event_id, &es);
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
                    DB_ARGS(DBI(c->event_id), DBI(now),
                            t->actor_id ? DBI(t->actor_id) : DBNULL))) != DB_OK)
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
