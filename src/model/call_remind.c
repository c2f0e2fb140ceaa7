/* call_remind.c: the reminders 14 and 3 days before a call's deadline
 * (see call_remind_run in call.h). Run by the digest job of `scan serve`
 * and by `scan calls remind`.
 *
 * Once-only is the database's: each reminder is a funding_call_reminder
 * row (primary key call, person, days) inserted with INSERT OR IGNORE in
 * the transaction that queues its mail; when the insert changes nothing
 * the reminder went already (this run's twin, another server) and no mail
 * is queued. The transactions are BEGIN IMMEDIATE, so two runs never both
 * see the row missing. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "ical/ical.h"
#include "model/call.h"
#include "model/mail.h"
#include "model/notify.h"
#include "model/tx.h"

#define DAY 86400

/* The calls with a reminder step due: deadline ahead within 14 days, and
 * the step's moment (deadline less 14 days, or 3 in the last three) not
 * before the deadline was entered or last changed (deadline_set_at,
 * migration 0036): a call entered 10 days ahead gets no "14 days" mail,
 * only the 3-day one; one entered 2 days ahead gets none. */
static const char SQL_DUE[] =
    "SELECT id FROM funding_call WHERE status = 'published' AND deadline_at > $1"
    " AND deadline_at <= $1 + 14 * 86400"
    " AND deadline_at - CASE WHEN deadline_at - $1 <= 3 * 86400 THEN 3 ELSE 14 END * 86400"
    "  >= coalesce(deadline_set_at, created_at)"
    " ORDER BY deadline_at, id";
/* Followers, and the current managers and representatives who asked for
 * the calls that match their organisation (notify kind call_match, any
 * channel but never), with that organisation. */
static const char SQL_FOLLOWERS[] =
    "SELECT f.person_id, 0 FROM funding_call_follow f"
    " WHERE f.call_id = $1 AND EXISTS (SELECT 1 FROM account a JOIN person p ON p.id = a.person_id"
    "   WHERE a.person_id = f.person_id AND a.disabled_at IS NULL AND p.erased_at IS NULL)"
    " AND NOT EXISTS (SELECT 1 FROM notify_pref n WHERE n.person_id = f.person_id"
    "   AND n.kind = 'call_remind' AND n.channel = 'never')"
    " ORDER BY f.person_id";
static const char SQL_OPTED_IN[] =
    "SELECT DISTINCT f.person_id, f.org_id FROM notify_pref p JOIN affiliation f"
    " ON f.person_id = p.person_id AND f.ended_at IS NULL JOIN org o ON o.id = f.org_id"
    " AND o.status = 'published' JOIN account a ON a.person_id = f.person_id"
    " AND a.disabled_at IS NULL WHERE p.kind = 'call_match' AND p.channel <> 'never'"
    " ORDER BY f.person_id, f.org_id";
static const char SQL_SENT[] =
    "SELECT count(*) FROM funding_call_reminder WHERE call_id = $1 AND person_id = $2"
    " AND days <= $3";
static const char SQL_MARK[] =
    "INSERT INTO funding_call_reminder(call_id, person_id, days, queued_at)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

typedef struct who {
    int64_t person, org;
} who;

static void who_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a;
    (void)oom;
    (void)ctx;
    who *w = item;
    w->person = db_col_int(s, 0);
    w->org = db_col_int(s, 1);
}

static void id_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a;
    (void)oom;
    (void)ctx;
    *(int64_t *)item = db_col_int(s, 0);
}

typedef struct remind_ctx {
    const call_rec *c;
    const int64_t *people;
    const bool *follower; /* per person: reminded as a follower (else as a match) */
    size_t n_people;
    int days;
    int64_t now;
    const char *base_url;
    bool dry_run;
    int sent; /* out, overwritten by each run of the body */
} remind_ctx;

/* The mail of one reminder to person, in their language, with a one-click
 * unsubscribe (RFC 8058, notify's tokens and headers) that turns off what
 * brought it: reminders of followed calls (call_remind) or of matching
 * calls (call_match). */
static db_status remind_mail(db *d, arena *a, const remind_ctx *c, int64_t person, bool follower)
{
    const char *to = NULL, *name = NULL;
    lang_id L = LANG_SR_CYRL;
    db_status st = mail_person(d, a, person, LANG_SR_CYRL, &to, &name, &L);
    if (st != DB_OK || !to)
        return st; /* erased or without an address: nobody to tell */
    const call_rec *k = c->c;
    const char *title = mail_text_in(a, L, L == LANG_EN && k->title_en ? k->title_en : k->title_sr);
    char date[11] = "", hm[6] = "";
    ical_utc_to_local(k->deadline_tz, k->deadline_at, date, hm);
    buf subject = BUF_INIT, body = BUF_INIT, bg = BUF_INIT;
    i18n_fmt_datetime(&bg, L, k->deadline_at);
    int left = call_days_left(c->now, k->deadline_at); /* Belgrade calendar days */
    if (left <= 0)
        buf_printf(&subject, T(L, MSG_CALL_MAIL_SUBJECT_TODAY), title);
    else if (left == 1)
        buf_printf(&subject, T(L, MSG_CALL_MAIL_SUBJECT_TOMORROW), title);
    else
        buf_printf(&subject, T(L, MSG_CALL_MAIL_SUBJECT), left, title);
    buf_printf(&body, T(L, MSG_CALL_MAIL_BODY), title, mail_text_in(a, L, k->programme), date, hm,
               k->deadline_tz, buf_failed(&bg) ? "" : buf_str(&bg));
    buf_printf(&body, "\n\n%s/calls/%lld\n", c->base_url ? c->base_url : notify_base_url(),
               (long long)k->id);
    buf_free(&bg);
    char token[44];
    const char *hdr[2] = {NULL, NULL};
    st = notify_unsub_new(d, person, follower ? "call_remind" : "call_match", token);
    if (st == DB_OK) {
        notify_unsub_headers(a, token, hdr);
        buf_puts(&body, "\n-- \n");
        buf_printf(&body, T(L, MSG_CALL_MAIL_UNSUB),
                   arena_printf(a, "%s/u/%s", notify_base_url(), token));
        buf_putc(&body, '\n');
        if (!hdr[0] || buf_failed(&subject) || buf_failed(&body))
            st = DB_NOMEM;
    }
    if (st == DB_OK)
        st = mail_queue_ex(d, to, buf_str(&subject), buf_str(&body), NULL, hdr, 2, NULL);
    buf_free(&subject);
    buf_free(&body);
    return st;
}

/* Days from 1970-01-01 of the proleptic Gregorian date y-m-d (Howard
 * Hinnant's days_from_civil): exact integer arithmetic, no time zone. */
static int64_t civil_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The Belgrade calendar date of utc as days from 1970-01-01 (libical's
 * zone rules, as the deadline's own date on the call pages). */
static int64_t belgrade_day(int64_t utc)
{
    char date[11] = "", hm[6] = "";
    int y = 1970, m = 1, d = 1;
    if (!ical_utc_to_local("Europe/Belgrade", utc, date, hm) ||
        sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return utc / DAY;
    return civil_days(y, m, d);
}

int call_days_left(int64_t now, int64_t deadline_at)
{
    return (int)(belgrade_day(deadline_at) - belgrade_day(now));
}

static db_status remind_body(tx *t, void *vctx)
{
    remind_ctx *c = vctx;
    c->sent = 0;
    arena a = ARENA_INIT;
    db_status st = DB_OK;
    for (size_t i = 0; i < c->n_people; i++) {
        if ((st = db_do(t->d, SQL_MARK,
                        DB_ARGS(DBI(c->c->id), DBI(c->people[i]), DBI(c->days), DBI(c->now)))) !=
            DB_OK)
            break;
        if (db_changes(t->d) == 0)
            continue; /* sent already */
        if ((st = remind_mail(t->d, &a, c, c->people[i], c->follower[i])) != DB_OK)
            break;
        c->sent++;
    }
    buf_printf(&t->detail, "{\"days\":%d,\"sent\":%d}", c->days, c->sent);
    arena_free(&a);
    return st;
}

/* The people to remind of c: followers, and opted-in people of an entry
 * the call does not exclude; each once, ascending. */
static db_status recipients(db *d, arena *a, const call_rec *c, const who *opted, size_t n_opted,
                            int64_t **out, bool **follower, size_t *n)
{
    who *fol = NULL;
    size_t n_fol = 0;
    db_stmt *s = db_query(d, SQL_FOLLOWERS, DB_ARGS(DBI(c->id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)&fol, &n_fol, sizeof *fol, who_row, NULL);
    if (st != DB_OK)
        return st;
    int64_t *ids = arena_alloc(a, (n_fol + n_opted + 1) * sizeof *ids);
    bool *fl = arena_alloc(a, (n_fol + n_opted + 1) * sizeof *fl);
    if (!ids || !fl)
        return DB_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n_fol; i++) {
        fl[k] = true;
        ids[k++] = fol[i].person;
    }
    for (size_t i = 0; i < n_opted; i++) {
        bool have = false;
        for (size_t j = 0; j < k && !have; j++)
            have = ids[j] == opted[i].person;
        if (have)
            continue;
        call_facts f;
        bool found = false;
        if ((st = call_facts_get(d, a, opted[i].org, &f, &found)) != DB_OK)
            return st;
        call_check_row *rows;
        size_t n_rows;
        if (found && call_evaluate(a, LANG_EN, c, &f, &rows, &n_rows) != CALL_NOT_MET) {
            fl[k] = false;
            ids[k++] = opted[i].person;
        }
    }
    *out = ids;
    *follower = fl;
    *n = k;
    return DB_OK;
}

db_status call_remind_run(db *d, int64_t now, bool dry_run, const char *base_url, int *sent)
{
    assert(d && sent);
    *sent = 0;
    arena a = ARENA_INIT;
    int64_t *due = NULL;
    size_t n_due = 0;
    who *opted = NULL;
    size_t n_opted = 0;
    db_status st;
    db_stmt *s = db_query(d, SQL_DUE, DB_ARGS(DBI(now)));
    if (!s) {
        st = db_failure(d) ? db_failure(d) : DB_ERR;
        goto cleanup;
    }
    if ((st = db_collect(s, &a, (void **)&due, &n_due, sizeof *due, id_row, NULL)) != DB_OK)
        goto cleanup;
    if (n_due == 0)
        goto cleanup;
    if (!(s = db_query(d, SQL_OPTED_IN, DB_NONE))) {
        st = db_failure(d) ? db_failure(d) : DB_ERR;
        goto cleanup;
    }
    if ((st = db_collect(s, &a, (void **)&opted, &n_opted, sizeof *opted, who_row, NULL)) != DB_OK)
        goto cleanup;
    for (size_t i = 0; i < n_due; i++) {
        call_rec c;
        bool found = false;
        if ((st = call_get(d, &a, due[i], &c, &found)) != DB_OK)
            goto cleanup;
        if (!found)
            continue;
        int days = c.deadline_at - now <= 3 * DAY ? 3 : 14;
        int64_t *people = NULL;
        bool *follower = NULL;
        size_t n_people = 0;
        if ((st = recipients(d, &a, &c, opted, n_opted, &people, &follower, &n_people)) != DB_OK)
            goto cleanup;
        if (n_people == 0)
            continue;
        size_t n_pending = 0; /* those this step has not reached yet */
        for (size_t k = 0; k < n_people; k++) {
            int64_t n = 0;
            if ((st = db_int(d, &n, 0, SQL_SENT, DB_ARGS(DBI(c.id), DBI(people[k]), DBI(days)))) !=
                DB_OK)
                goto cleanup;
            if (n == 0) {
                follower[n_pending] = follower[k];
                people[n_pending++] = people[k];
            }
        }
        if (dry_run || n_pending == 0) { /* no transaction, no audit row for nothing */
            *sent += (int)n_pending;
            continue;
        }
        n_people = n_pending;
        remind_ctx rc = {.c = &c,
                         .people = people,
                         .follower = follower,
                         .n_people = n_people,
                         .days = days,
                         .now = now,
                         .base_url = base_url};
        tx t = TX_INIT(0, NULL, "call_remind", "funding_call", c.id);
        if ((st = tx_write(d, &t, remind_body, &rc)) != DB_OK)
            goto cleanup;
        *sent += rc.sent;
    }
cleanup:
    arena_free(&a);
    return st;
}
