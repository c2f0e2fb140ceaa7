/* digest.c: the weekly digest's sections, composer, run and job (see
 * digest.h). Sections read their module's data (worklist.c, membership.c,
 * notify_event); the run claims, queues through the outbox (mail.c) and
 * marks, one person per transaction (tx.c). */
#include "model/digest.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/job.h"
#include "html/html.h"
#include "model/agreement.h"
#include "model/auth.h"
#include "model/bgjob.h"
#include "model/call.h"
#include "model/event.h"
#include "model/consultation.h"
#include "model/devplan.h"
#include "model/mail.h"
#include "model/news.h"
#include "model/membership.h"
#include "model/notify.h"
#include "model/post_digest.h"
#include "model/post_facet.h"
#include "model/position.h"
#include "model/tx.h"
#include "model/worklist.h"

#define DIGEST_EVENTS_SHOWN 50 /* lines of events; the rest as "and N more" */
#define DIGEST_JOB_INTERVAL 60 /* seconds between checks of the schedule */
#define DIGEST_LEASE_RETRY  3  /* seconds between asks for the lease held elsewhere */

/* --- items ------------------------------------------------------------------- */

void digest_item(digest_part *p, const char *text, const char *href)
{
    const char *base = notify_base_url();
    buf_printf(&p->text, "- %s\n", text);
    if (href) {
        buf_printf(&p->text, "  %s%s\n", base, href);
        buf full = BUF_INIT;
        buf_printf(&full, "%s%s", base, href);
        html_fmt(&p->html, "<li style=\"margin:0 0 .5em\"><a href=\"%u\">%s</a></li>\n",
                 buf_str(&full), text);
        buf_free(&full);
    } else {
        html_fmt(&p->html, "<li style=\"margin:0 0 .5em\">%s</li>\n", text);
    }
    p->items++;
}

/* Text in the reader's script (names are stored as typed). */
static const char *in_lang(arena *a, lang_id lang, const char *s)
{
    if (!s || lang == LANG_SR_CYRL)
        return s ? s : "";
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, s, strlen(s));
    const char *out = buf_failed(&b) ? s : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out ? out : s;
}

/* --- sections ------------------------------------------------------------------ */

/* Waiting for you: membership proposals the reader may decide (as on their
 * account page) and invitations they sent that nobody has accepted yet
 * (as on their start page). */
static db_status sec_waiting(db *d, arena *a, const digest_reader *r, const digest_period *w,
                             digest_part *out)
{
    (void)w;
    principal p = {.person_id = r->person_id, .secretariat = r->sec};
    membership_proposal *mp = NULL;
    size_t n_mp = 0;
    db_status st = membership_pending_for(d, a, &p, &mp, &n_mp);
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n_mp; i++) {
        buf t = BUF_INIT;
        buf_printf(&t, T(r->lang, MSG_DIGEST_PROPOSAL), in_lang(a, r->lang, mp[i].cluster_name),
                   in_lang(a, r->lang, mp[i].org_name), mp[i].joined_on ? mp[i].joined_on : "");
        digest_item(out, buf_str(&t), "/account#proposals");
        buf_free(&t);
    }
    work_invite *inv = NULL;
    size_t n_inv = 0;
    if ((st = worklist_invites(d, a, r->person_id, &inv, &n_inv)) != DB_OK)
        return st;
    for (size_t i = 0; i < n_inv; i++) {
        buf t = BUF_INIT;
        buf_printf(&t, T(r->lang, MSG_DIGEST_INVITE), in_lang(a, r->lang, inv[i].invitee),
                   inv[i].org_name ? in_lang(a, r->lang, inv[i].org_name) : "SCAN");
        digest_item(out, buf_str(&t), "/start");
        buf_free(&t);
    }
    return DB_OK;
}

/* The introductions' kinds have their own section (sec_intros): each
 * event is in exactly one of the two. */
#define INTRO_KINDS "('post_interest', 'post_interest_answer', 'post_message')"
static const char SQL_WEEK_EVENTS[] =
    "SELECT id, created_at, kind, a, b, href, channel FROM notify_event"
    " WHERE person_id = $1 AND channel = 'weekly' AND digest_week IS NULL AND created_at <= $2"
    "   AND kind NOT IN " INTRO_KINDS " ORDER BY created_at, id LIMIT $3";
static const char SQL_WEEK_EVENTS_COUNT[] =
    "SELECT count(*) FROM notify_event"
    " WHERE person_id = $1 AND channel = 'weekly' AND digest_week IS NULL AND created_at <= $2"
    "   AND kind NOT IN " INTRO_KINDS;
/* A request for an introduction is listed only while it can still be
 * answered: pending, on an open post (checked now, not when it was made;
 * the mark below carries the settled ones without a line). */
#define INTRO_ACTIONABLE                                                                           \
    " AND (kind <> 'post_interest' OR EXISTS (SELECT 1 FROM post_interest i"                       \
    "  JOIN post p ON p.id = i.post_id WHERE i.id = notify_event.entity_id"                        \
    "   AND i.status = 'pending' AND p.status = 'open'))"
static const char SQL_WEEK_INTROS[] =
    "SELECT id, created_at, kind, a, b, href, channel FROM notify_event"
    " WHERE person_id = $1 AND channel = 'weekly' AND digest_week IS NULL AND created_at <= $2"
    "   AND kind IN " INTRO_KINDS INTRO_ACTIONABLE " ORDER BY created_at, id LIMIT $3";
static const char SQL_WEEK_INTROS_COUNT[] =
    "SELECT count(*) FROM notify_event"
    " WHERE person_id = $1 AND channel = 'weekly' AND digest_week IS NULL AND created_at <= $2"
    "   AND kind IN " INTRO_KINDS INTRO_ACTIONABLE;
static const char SQL_WEEK_EVENTS_MARK[] =
    "UPDATE notify_event SET digest_week = $3"
    " WHERE person_id = $1 AND channel = 'weekly' AND digest_week IS NULL AND created_at <= $2";

static void event_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    notify_event_row *e = item;
    e->id = db_col_int(s, 0);
    e->created_at = db_col_int(s, 1);
    e->kind = db_col_dup(a, s, 2, oom);
    e->a = db_col_dup(a, s, 3, oom);
    e->b = db_col_dup(a, s, 4, oom);
    e->href = db_col_dup(a, s, 5, oom);
    e->channel = db_col_dup(a, s, 6, oom);
}

/* Weekly events not yet carried (digest_run marks them in the same
 * transaction) read by list/count, each a line linking to its page; the
 * rest as "and N more" linking to more_href. */
static db_status week_events(db *d, arena *a, const digest_reader *r, const digest_period *w,
                             const char *list, const char *count, const char *more_href,
                             digest_part *out)
{
    notify_event_row *ev = NULL;
    size_t n = 0;
    int64_t total = 0;
    db_stmt *s =
        db_query(d, list, DB_ARGS(DBI(r->person_id), DBI(w->now), DBI(DIGEST_EVENTS_SHOWN)));
    if (!s)
        return DB_ERR;
    db_status st = db_collect(s, a, (void **)&ev, &n, sizeof *ev, event_row, NULL);
    if (st == DB_OK)
        st = db_int(d, &total, 0, count, DB_ARGS(DBI(r->person_id), DBI(w->now)));
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        buf t = BUF_INIT;
        notify_event_line(&t, r->lang, &ev[i]);
        digest_item(out, buf_str(&t), ev[i].href);
        buf_free(&t);
    }
    if (total > (int64_t)n) {
        buf t = BUF_INIT;
        buf_printf(&t, T(r->lang, MSG_DIGEST_MORE), (long long)(total - (int64_t)n));
        digest_item(out, buf_str(&t), more_href);
        buf_free(&t);
    }
    return DB_OK;
}

/* The events the reader chose to hear of weekly, but introductions. */
static db_status sec_events(db *d, arena *a, const digest_reader *r, const digest_period *w,
                            digest_part *out)
{
    return week_events(d, a, r, w, SQL_WEEK_EVENTS, SQL_WEEK_EVENTS_COUNT, "/account/notifications",
                       out);
}

/* Introductions (issue 13): interest in the reader's organisations'
 * posts, answers to the reader's interest, and thread messages, for a
 * reader who hears of them weekly (the default but for messages). */
static db_status sec_intros(db *d, arena *a, const digest_reader *r, const digest_period *w,
                            digest_part *out)
{
    return week_events(d, a, r, w, SQL_WEEK_INTROS, SQL_WEEK_INTROS_COUNT, "/cooperation/mine",
                       out);
}

/* Agreements expiring within 60 days that the reader manages (a party
 * cluster's manager; the secretariat: all), titles in their language. */
static db_status sec_agreements(db *d, arena *a, const digest_reader *r, const digest_period *w,
                                digest_part *out)
{
    (void)w;
    agreement_rec *g = NULL;
    size_t n = 0;
    db_status st = agreement_expiring_for(d, a, r->sec != SEC_NONE ? 0 : r->person_id, &g, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        const char *title = r->lang == LANG_EN && g[i].title_en ? g[i].title_en : g[i].title_sr;
        buf t = BUF_INIT, until = BUF_INIT;
        int64_t day = 0; /* the date as the reader writes it (noon: the same day) */
        if (time_date_start(g[i].valid_until, 0, &day))
            i18n_fmt_date(&until, r->lang, day + 12 * 3600);
        else
            buf_puts(&until, g[i].valid_until);
        buf_printf(&t, T(r->lang, MSG_AG_DIGEST_ITEM), in_lang(a, r->lang, title), buf_str(&until));
        buf_free(&until);
        char href[48];
        snprintf(href, sizeof href, "/agreements/%lld", (long long)g[i].id);
        digest_item(out, buf_str(&t), href);
        buf_free(&t);
    }
    return st;
}

/* The sections, in the order they appear. Later modules (cooperation,
 * calls, events, positions) add a row here and their function. */
const digest_section digest_sections[] = {
    {"waiting", MSG_DIGEST_SEC_WAITING, sec_waiting},
    {"events", MSG_DIGEST_SEC_EVENTS, sec_events},
    {"posts", MSG_DIGEST_SEC_POSTS, post_digest_section}, /* post_digest.c */
    {"introductions", MSG_DIGEST_SEC_INTROS, sec_intros},
    {"agreements", MSG_AG_DIGEST_SEC, sec_agreements},
    {"devplan_overdue", MSG_DP_DIGEST_SEC, devplan_digest_overdue},
    {"consultation_deadlines", MSG_ADV_DIGEST_SEC, consultation_digest}, /* consultation.c */
    {"positions_signing", MSG_POS_DIGEST_SEC, position_digest_signing},  /* position_sign.c */
    {"news", MSG_NEWS_DIGEST_SEC, news_digest_section},                  /* news.c */
};
const size_t digest_n_sections = sizeof digest_sections / sizeof digest_sections[0];

/* --- period and schedule ---------------------------------------------------------- */

void digest_period_at(int64_t t, digest_period *w)
{
    time_t tt = (time_t)t;
    struct tm tm;
    memset(w, 0, sizeof *w);
    w->now = t;
    if (!localtime_r(&tt, &tm) || strftime(w->week, sizeof w->week, "%G-W%V", &tm) != 8)
        snprintf(w->week, sizeof w->week, "0000-W00");
}

bool digest_due(int64_t t, digest_schedule sch)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return false;
    int wd = tm.tm_wday == 0 ? 7 : tm.tm_wday; /* ISO: Monday 1 .. Sunday 7 */
    return wd > sch.weekday || (wd == sch.weekday && tm.tm_hour >= sch.hour);
}

/* --- composing -------------------------------------------------------------------- */

db_status digest_compose(db *d, arena *a, const digest_reader *r, const digest_period *w,
                         const char *unsub_token, const char **subject, const char **text,
                         const char **html, int *items)
{
    assert(d && a && r && w);
    *subject = *text = *html = NULL;
    *items = 0;
    lang_id L = r->lang;
    const char *base = notify_base_url();
    buf body_t = BUF_INIT, hx = BUF_INIT;
    db_status st = DB_OK;
    for (size_t i = 0; i < digest_n_sections; i++) {
        digest_part p = {.text = BUF_INIT, .html = BUF_INIT, .lang = L};
        st = digest_sections[i].fn(d, a, r, w, &p);
        if (st == DB_OK && p.items > 0) {
            buf_printf(&body_t, "\n%s\n\n%s", T(L, digest_sections[i].title), buf_str(&p.text));
            html_fmt(&hx,
                     "<h2 style=\"font-size:1.15em;margin:1.5em 0 .5em\">%s</h2>\n"
                     "<ul style=\"padding-left:1.2em\">\n%R</ul>\n",
                     T(L, digest_sections[i].title), buf_str(&p.html));
            *items += p.items;
        }
        if (st == DB_OK && (buf_failed(&p.text) || buf_failed(&p.html)))
            st = DB_NOMEM;
        buf_free(&p.text);
        buf_free(&p.html);
        if (st != DB_OK)
            goto cleanup;
    }
    if (*items == 0)
        goto cleanup;
    const char *name = in_lang(a, L, r->name);
    const char *tok = unsub_token ? unsub_token : "TOKEN";
    buf subj = BUF_INIT, t = BUF_INIT, h = BUF_INIT, hello = BUF_INIT, url = BUF_INIT;
    buf_printf(&subj, T(L, MSG_DIGEST_SUBJECT), w->week);
    buf_printf(&hello, T(L, MSG_DIGEST_HELLO), name);
    buf_printf(&t, "%s\n%s", buf_str(&hello), buf_str(&body_t));
    buf_printf(&t, "\n-- \n%s\n%s/account/notifications\n\n%s\n%s/u/%s\n",
               T(L, MSG_NOTIFY_MAIL_SETTINGS), base, T(L, MSG_DIGEST_UNSUB), base, tok);
    html_fmt(&h,
             "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<title>%s</title></head>\n"
             "<body style=\"margin:0;padding:1em;background:#f4f5f7;color:#1d2330;"
             "font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\">\n"
             "<div style=\"max-width:40em;margin:0 auto;background:#fff;padding:1.25em 1.5em;"
             "border-radius:6px\">\n"
             "<p style=\"margin:0 0 1em;font-weight:600;color:#0b4f8a\">SCAN</p>\n"
             "<h1 style=\"font-size:1.35em;margin:0 0 .75em\">%s</h1>\n<p>%s</p>\n%R",
             i18n_tag(L), buf_str(&subj), buf_str(&subj), buf_str(&hello), buf_str(&hx));
    buf_printf(&url, "%s/account/notifications", base);
    html_fmt(&h,
             "<hr style=\"border:0;border-top:1px solid #d0d4dc;margin:1.5em 0 1em\">\n"
             "<p style=\"font-size:.9em;color:#4a5262\"><a href=\"%u\">%s</a></p>\n",
             buf_str(&url), T(L, MSG_NOTIFY_MAIL_SETTINGS));
    buf_reset(&url);
    buf_printf(&url, "%s/u/%s", base, tok);
    html_fmt(&h,
             "<p style=\"font-size:.9em;color:#4a5262\"><a href=\"%u\">%s</a></p>\n"
             "</div>\n</body></html>\n",
             buf_str(&url), T(L, MSG_DIGEST_UNSUB));
    if (buf_failed(&subj) || buf_failed(&t) || buf_failed(&h) || buf_failed(&hello) ||
        buf_failed(&url) || buf_failed(&body_t) || buf_failed(&hx)) {
        st = DB_NOMEM;
    } else {
        *subject = arena_strdup(a, buf_str(&subj));
        *text = arena_strdup(a, buf_str(&t));
        *html = arena_strdup(a, buf_str(&h));
        if (!*subject || !*text || !*html)
            st = DB_NOMEM;
    }
    buf_free(&subj);
    buf_free(&t);
    buf_free(&h);
    buf_free(&hello);
    buf_free(&url);
cleanup:
    if (st != DB_OK) {
        *subject = *text = *html = NULL;
        *items = 0;
    }
    buf_free(&body_t);
    buf_free(&hx);
    return st;
}

/* --- running ---------------------------------------------------------------------- */

/* Set by digest_job_stop: a run in progress stops after the person at hand
 * (what it did so far is committed; the next run carries on). */
static atomic_bool g_stopping;

/* People who get a digest this week and have no claim for it yet. */
static const char SQL_READERS[] =
    "SELECT p.id, p.name, p.email, p.lang, coalesce(ac.secretariat, '')"
    " FROM person p JOIN account ac ON ac.person_id = p.id"
    " WHERE p.erased_at IS NULL AND p.email IS NOT NULL AND ac.disabled_at IS NULL"
    "   AND NOT EXISTS (SELECT 1 FROM notify_pref q WHERE q.person_id = p.id"
    "                   AND q.kind = 'digest' AND q.channel = 'never')"
    "   AND NOT EXISTS (SELECT 1 FROM digest_claim c WHERE c.person_id = p.id AND c.week = $1)"
    " ORDER BY p.id";
static const char SQL_CLAIM[] =
    "INSERT INTO digest_claim(person_id, week, claimed_at, items) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (person_id, week) DO NOTHING";
static const char SQL_CLAIM_MAIL[] =
    "UPDATE digest_claim SET outbox_id = $3 WHERE person_id = $1 AND week = $2";

static void reader_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    digest_reader *r = item;
    r->person_id = db_col_int(s, 0);
    r->name = db_col_dup(a, s, 1, oom);
    r->email = db_col_dup(a, s, 2, oom);
    r->lang = LANG_SR_CYRL;
    const char *tag = db_col_text(s, 3);
    if (tag)
        i18n_parse(tag, &r->lang);
    const char *sec = db_col_text(s, 4);
    r->sec = sec && strcmp(sec, "admin") == 0    ? SEC_ADMIN
             : sec && strcmp(sec, "editor") == 0 ? SEC_EDITOR
                                                 : SEC_NONE;
}

typedef struct send_ctx {
    const digest_reader *r;
    const digest_period *w;
    int items;    /* out: 0 = nothing to send */
    bool already; /* out: claimed by another run meanwhile */
} send_ctx;

/* One person's digest, in one transaction: claim, compose, mail, mark. */
static db_status send_one(tx *t, void *vctx)
{
    send_ctx *c = vctx;
    c->items = 0;
    c->already = false;
    db *d = t->d;
    arena a = ARENA_INIT;
    const char *subject, *text, *html;
    int items = 0;
    char token[AUTH_TOKEN_LEN + 1];
    const char *hdr[2];
    int64_t out_id = 0;
    db_status st =
        db_do(d, SQL_CLAIM, DB_ARGS(DBI(c->r->person_id), DBT(c->w->week), DBI(c->w->now), DBI(0)));
    if (st != DB_OK)
        goto cleanup;
    if (db_changes(d) == 0) {
        c->already = true;
        st = DB_DONE; /* rolled back: the other run's claim stands */
        goto cleanup;
    }
    if ((st = notify_unsub_new(d, c->r->person_id, NOTIFY_DIGEST, token)) != DB_OK)
        goto cleanup;
    if ((st = digest_compose(d, &a, c->r, c->w, token, &subject, &text, &html, &items)) != DB_OK)
        goto cleanup;
    if (items == 0) {
        st = DB_DONE; /* nothing to say: no claim, no link, no mail */
        goto cleanup;
    }
    notify_unsub_headers(&a, token, hdr);
    if (!hdr[0]) {
        st = DB_NOMEM;
        goto cleanup;
    }
    st = mail_queue_ex(d, c->r->email, subject, text, html, hdr, 2, &out_id);
    if (st == DB_CONSTRAINT) {
        st = DB_DONE; /* an address the outbox refuses: skipped, as other mail */
        goto cleanup;
    }
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_do(d, "UPDATE digest_claim SET items = $3 WHERE person_id = $1 AND week = $2",
                    DB_ARGS(DBI(c->r->person_id), DBT(c->w->week), DBI(items)))) != DB_OK ||
        (st = db_do(d, SQL_CLAIM_MAIL,
                    DB_ARGS(DBI(c->r->person_id), DBT(c->w->week), DBI(out_id)))) != DB_OK ||
        (st = db_do(d, SQL_WEEK_EVENTS_MARK,
                    DB_ARGS(DBI(c->r->person_id), DBI(c->w->now), DBT(c->w->week)))) != DB_OK)
        goto cleanup;
    c->items = items;
    buf_printf(&t->detail, "{\"week\":\"%s\",\"items\":%d,\"outbox\":%lld}", c->w->week, items,
               (long long)out_id);
cleanup:
    arena_free(&a);
    return st;
}

db_status digest_run(db *d, digest_schedule sch, bool force, bool dry_run, digest_report *rep)
{
    assert(d && rep && !db_in_tx(d));
    memset(rep, 0, sizeof *rep);
    digest_period w;
    digest_period_at(time_now(), &w);
    memcpy(rep->week, w.week, sizeof rep->week);
    if (!force && !digest_due(w.now, sch)) {
        rep->not_due = true;
        return DB_OK;
    }
    arena a = ARENA_INIT;
    digest_reader *rs = NULL;
    size_t n = 0;
    db_status st = DB_ERR;
    db_stmt *s = db_query(d, SQL_READERS, DB_ARGS(DBT(w.week)));
    if (s)
        st = db_collect(s, &a, (void **)&rs, &n, sizeof *rs, reader_row, NULL);
    if (st != DB_OK)
        goto cleanup;
    rep->readers = (int)n;
    for (size_t i = 0; i < n && !atomic_load(&g_stopping); i++) {
        /* composed first without a transaction: most weeks most people have
         * nothing to say, and they take no write lock */
        arena pa = ARENA_INIT;
        const char *subject, *text, *html;
        int items = 0;
        st = digest_compose(d, &pa, &rs[i], &w, NULL, &subject, &text, &html, &items);
        arena_free(&pa);
        db_end_request(d); /* each reader's reads on their own */
        if (st != DB_OK)
            goto cleanup;
        if (items == 0 || dry_run) {
            if (items > 0)
                rep->sent++;
            else
                rep->empty++;
            continue;
        }
        send_ctx c = {.r = &rs[i], .w = &w};
        tx t = TX_INIT(0, NULL, "digest_send", "person", rs[i].person_id);
        st = tx_write(d, &t, send_one, &c);
        if (st == DB_DONE) {
            if (c.already)
                rep->already++;
            else
                rep->empty++;
            st = DB_OK;
        } else if (st != DB_OK) {
            goto cleanup;
        } else {
            rep->sent++;
        }
    }
    st = DB_OK;
cleanup:
    arena_free(&a);
    return st;
}

/* --- the job in the server ----------------------------------------------------------- */

/* The one job; started and stopped from one thread (cli_serve). */
static bgjob g_job = BGJOB_INIT;
static digest_schedule g_sch; /* set before the job starts */
static bool g_leased;         /* the job thread's: it held the lease at its last check */

static void *job_main(void *arg)
{
    (void)arg;
    for (;;) {
        int wait_s = DIGEST_JOB_INTERVAL;
        if (!notify_base_ready()) {
            wait_s = 1; /* links need the server's address: it is starting */
            goto wait;
        }
        /* several app servers: the one holding the lease runs the jobs; the
         * others ask again every few seconds and take over when its holder
         * died (db_job_lease). Every run below is idempotent by its claims,
         * so one that died mid-way is finished by the next holder. */
        bool held = false;
        if (db_job_lease(g_job.d, DB_JOB_DIGEST, &held) != DB_OK || !held) {
            db_end_request(g_job.d);
            if (g_leased)
                log_warn("digest: the jobs' lease is lost: another server runs them");
            g_leased = false;
            wait_s = DIGEST_LEASE_RETRY;
            goto wait;
        }
        if (!g_leased)
            log_info("digest: this server holds the jobs' lease and runs them");
        g_leased = true;
        digest_report rep;
        db_status st = digest_run(g_job.d, g_sch, false, false, &rep);
        db_end_request(g_job.d);
        metrics_job_run(METRICS_JOB_DIGEST, st == DB_OK);
        if (st != DB_OK)
            log_warn("digest: run interrupted: %s", db_status_name(st));
        else if (rep.sent > 0)
            log_info("digest: week %s: %d sent, %d with nothing to say", rep.week, rep.sent,
                     rep.empty);
        st = post_facet_sweep(g_job.d); /* the board's counts: expired posts out */
        metrics_job_run(METRICS_JOB_BOARD_SWEEP, st == DB_OK);
        if (st != DB_OK)
            log_warn("digest: the board's count sweep interrupted");
        int reminded = 0; /* the events' reminders ride on the same job (event.h) */
        st = event_remind_run(g_job.d, time_now(), false, false, NULL, &reminded);
        metrics_job_run(METRICS_JOB_EVENT_REMIND, st == DB_OK);
        if (st != DB_OK)
            log_warn("digest: event reminders interrupted");
        else if (reminded > 0)
            log_info("digest: %d event reminders queued", reminded);
        db_end_request(g_job.d);
        reminded = 0; /* and the funding calls' deadline reminders (call.h) */
        if (call_remind_run(g_job.d, time_now(), false, NULL, &reminded) != DB_OK)
            log_warn("digest: call reminders interrupted");
        else if (reminded > 0)
            log_info("digest: %d call reminders queued", reminded);
        db_end_request(g_job.d);
    wait:
        if (bgjob_wait(&g_job, (unsigned)wait_s * 1000))
            break;
    }
    return NULL;
}

int digest_job_start(const char *db_path, digest_schedule sch)
{
    g_sch = sch;
    db_options o = {.busy_timeout_ms = 5000};
    if (bgjob_start(&g_job, "digest", db_path, &o, job_main, NULL) != 0)
        return -1;
    log_info("digest: weekly digests on ISO weekday %d from %02d:00 Europe/Belgrade", sch.weekday,
             sch.hour);
    return 0;
}

void digest_job_stop(void)
{
    if (!g_job.running)
        return;
    atomic_store(&g_stopping, true);
    bgjob_stop(&g_job);
    atomic_store(&g_stopping, false);
}
