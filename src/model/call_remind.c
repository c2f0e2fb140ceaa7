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
#include <string.h>

#include "core/timeutil.h"
#include "ical/ical.h"
#include "model/call.h"
#include "model/mail.h"
#include "model/notify.h"
#include "model/tx.h"

#define DAY 86400

static const char SQL_DUE[] =
    "SELECT id FROM funding_call WHERE status = 'published' AND deadline_at > $1"
    " AND deadline_at <= $1 + 14 * 86400 ORDER BY deadline_at, id";
/* Followers, and the current managers and representatives who asked for
 * the calls that match their organisation (notify kind call_match, any
 * channel but never), with that organisation. */
static const char SQL_FOLLOWERS[] =
    "SELECT f.person_id, 0 FROM funding_call_follow f"
    " WHERE f.call_id = $1 AND EXISTS (SELECT 1 FROM account a JOIN person p ON p.id = a.person_id"
    "   WHERE a.person_id = f.person_id AND a.disabled_at IS NULL AND p.erased_at IS NULL)"
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
    size_t n_people;
    int days;
    int64_t now;
    const char *base_url;
    bool dry_run;
    int sent; /* out, overwritten by each run of the body */
} remind_ctx;

/* The mail of one reminder to person, in their language. */
static db_status remind_mail(db *d, arena *a, const remind_ctx *c, int64_t person)
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
    buf_printf(&subject, T(L, MSG_CALL_MAIL_SUBJECT), c->days, title);
    buf_printf(&body, T(L, MSG_CALL_MAIL_BODY), title, mail_text_in(a, L, k->programme), date, hm,
               k->deadline_tz, buf_failed(&bg) ? "" : buf_str(&bg));
    buf_printf(&body, "\n\n%s/calls/%lld\n", c->base_url ? c->base_url : notify_base_url(),
               (long long)k->id);
    buf_free(&bg);
    return mail_queue_buf(d, to, &subject, &body);
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
        if ((st = remind_mail(t->d, &a, c, c->people[i])) != DB_OK)
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
                            int64_t **out, size_t *n)
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
    if (!ids)
        return DB_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n_fol; i++)
        ids[k++] = fol[i].person;
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
        if (found && call_evaluate(a, LANG_EN, c, &f, &rows, &n_rows) != CALL_NOT_MET)
            ids[k++] = opted[i].person;
    }
    *out = ids;
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
        size_t n_people = 0;
        if ((st = recipients(d, &a, &c, opted, n_opted, &people, &n_people)) != DB_OK)
            goto cleanup;
        if (n_people == 0)
            continue;
        size_t n_pending = 0; /* those this step has not reached yet */
        for (size_t k = 0; k < n_people; k++) {
            int64_t n = 0;
            if ((st = db_int(d, &n, 0, SQL_SENT, DB_ARGS(DBI(c.id), DBI(people[k]), DBI(days)))) !=
                DB_OK)
                goto cleanup;
            if (n == 0)
                people[n_pending++] = people[k];
        }
        if (dry_run || n_pending == 0) { /* no transaction, no audit row for nothing */
            *sent += (int)n_pending;
            continue;
        }
        n_people = n_pending;
        remind_ctx rc = {.c = &c,
                         .people = people,
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
