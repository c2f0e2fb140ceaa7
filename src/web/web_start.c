/* web_start.c: the start page (/start), where each person lands after
 * logging in: the work waiting for them, by role.
 *
 * The page is a table of sections. Each section reads its part from the
 * model (worklist.h) and writes it only when it has something to show, so
 * a person sees the work of every role they hold (the secretariat's
 * queues, the clusters they manage, the organisations they represent,
 * drafts, invitations) and nothing else; when no section has anything the
 * page says so and points to the directory. Later modules (cooperation,
 * calls, events, positions) add a row to the table and a function, and
 * nothing else changes. */
#include <assert.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/cluster.h"
#include "model/event.h"
#include "model/worklist.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"
#include "web/web_tie.h"

/* The year whose figures members are asked for: last calendar year (a
 * year's figures are reported during the next one). */
static int report_year(void)
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 2000;
    return tm.tm_year + 1900 - 1;
}

/* One section: true when it wrote anything; a failed read answers 5xx
 * through *st. */
typedef bool (*start_section_fn)(req *r, db_status *st);

static void section_head(req *r, msg_id title)
{
    html_fmt(&r->out, "<section class=\"work card\"><h2>%s</h2>\n", T(r->lang, title));
}

static bool sec_queues(req *r, db_status *st)
{
    if (r->user->secretariat < SEC_EDITOR)
        return false;
    lang_id L = r->lang;
    char today[11];
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(today, sizeof today, "%Y-%m-%d", &tm) != 10)
        today[0] = '\0';
    work_queues q = {0};
    if ((*st = worklist_queues(r->db, today, &q)) != DB_OK)
        return false;
    section_head(r, MSG_START_QUEUES);
    static const struct {
        size_t off;
        msg_id label;
        const char *href;
    } rows[] = {
        {offsetof(work_queues, drafts), MSG_START_Q_DRAFTS, "/orgs?status=draft"},
        {offsetof(work_queues, unverified), MSG_START_Q_UNVERIFIED, "/figures/verify"},
        {offsetof(work_queues, labels_expiring), MSG_START_Q_LABELS, "/orgs?kind=cluster"},
        {offsetof(work_queues, labels_claimed), MSG_NEWUSER_Q_CLAIMED, "#labels-to-verify"},
        {offsetof(work_queues, mail_failed), MSG_START_Q_MAIL, "/admin/outbox"},
    };
    html_raw(&r->out, "<ul class=\"work-counts\">");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t v = *(const int64_t *)((const char *)&q + rows[i].off);
        html_fmt(&r->out, "<li%R><a href=\"%u\"><span class=\"work-count\">%D</span> %s</a></li>",
                 v ? " class=\"has-work\"" : "", rows[i].href, (long long)v, T(L, rows[i].label));
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

static bool sec_clusters(req *r, db_status *st)
{
    lang_id L = r->lang;
    work_cluster *c;
    size_t n;
    int year = report_year();
    if ((*st = worklist_clusters(r->db, r->a, r->user->person_id, year, &c, &n)) != DB_OK || !n)
        return false;
    section_head(r, MSG_START_CLUSTERS);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li><a href=\"/orgs/%q\">%s</a> · ", c[i].slug,
                 web_org_text(r, c[i].name, c[i].name_en));
        html_fmt(&r->out, T(L, MSG_START_MEMBERS_N), (int)c[i].members);
        if (c[i].missing)
            html_fmt(&r->out, " · <a class=\"has-work\" href=\"/figures/missing?year=%d\">", year);
        else
            html_raw(&r->out, " · <span>");
        html_fmt(&r->out, T(L, MSG_START_MISSING_N), (int)c[i].missing, year);
        html_raw(&r->out, c[i].missing ? "</a>" : "</span>");
        html_fmt(&r->out,
                 " <span class=\"work-actions\"><a href=\"/orgs/%q/members/manage\">%s</a> "
                 "<a href=\"/orgs/%q/cluster/edit\">%s</a> <a href=\"/orgs/%q/plan\">%s</a>"
                 "</span></li>",
                 c[i].slug, T(L, MSG_START_MEMBERS_LINK), c[i].slug, T(L, MSG_START_EDIT_LINK),
                 c[i].slug, T(L, MSG_DP_CRUMB));
    }
    /* a member that is not in the directory yet: the manager proposes it */
    html_fmt(&r->out, "</ul><p><a href=\"/orgs/new\">%s</a></p></section>\n",
             T(L, MSG_NEWUSER_PROPOSE_ENTRY));
    return true;
}

static bool sec_orgs(req *r, db_status *st)
{
    lang_id L = r->lang;
    work_org *o;
    size_t n;
    int year = report_year();
    if ((*st = worklist_orgs(r->db, r->a, r->user->person_id, year, &o, &n)) != DB_OK || !n)
        return false;
    section_head(r, MSG_START_ORGS);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li><a href=\"/orgs/%q\">%s</a> · ", o[i].slug,
                 web_org_text(r, o[i].name, o[i].name_en));
        if (o[i].reported) {
            html_fmt(&r->out, "<span>");
            html_fmt(&r->out, T(L, MSG_START_REPORTED), year);
            html_raw(&r->out, "</span>");
        } else {
            html_fmt(&r->out, "<a class=\"has-work\" href=\"/orgs/%q/figures\">", o[i].slug);
            html_fmt(&r->out, T(L, MSG_START_NOT_REPORTED), year);
            html_raw(&r->out, "</a>");
        }
        html_fmt(&r->out,
                 " <span class=\"work-actions\"><a href=\"/orgs/%q/edit\">%s</a></span></li>",
                 o[i].slug, T(L, MSG_START_EDIT_ENTRY));
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

/* What SCAN is for, from this person's seat: the four activities as
 * links, for everyone who speaks for a cluster or an organisation (a
 * manager also publishes news, positions and events for the cluster). */
static bool sec_activities(req *r, db_status *st)
{
    lang_id L = r->lang;
    work_cluster *c;
    work_org *o;
    size_t nc, no;
    int year = report_year();
    if ((*st = worklist_clusters(r->db, r->a, r->user->person_id, year, &c, &nc)) != DB_OK ||
        (*st = worklist_orgs(r->db, r->a, r->user->person_id, year, &o, &no)) != DB_OK)
        return false;
    if (!nc && !no)
        return false;
    static const struct {
        const char *href;
        msg_id label;
        bool manager; /* only for a cluster's manager */
    } links[] = {
        {"/cooperation/new", MSG_START_DO_POST, false},
        {"/cooperation/mine", MSG_NAV_MINE, false},
        {"/calls", MSG_START_DO_CALLS, false},
        {"/projects/new", MSG_START_DO_PROJECT, false},
        {"/positions", MSG_START_DO_POSITIONS, false},
        {"/positions/new", MSG_START_DO_POSITION_NEW, true},
        {"/news/new", MSG_START_DO_NEWS, true},
        {"/events/new", MSG_START_DO_EVENT, true},
    };
    section_head(r, MSG_START_DO);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (!links[i].manager || nc)
            html_fmt(&r->out, "<li><a href=\"%s\">%s</a></li>", links[i].href,
                     T(L, links[i].label));
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

static bool sec_drafts(req *r, db_status *st)
{
    work_draft *w;
    size_t n;
    bool all = r->user->secretariat >= SEC_EDITOR;
    if ((*st = worklist_drafts(r->db, r->a, r->user->person_id, all, &w, &n)) != DB_OK || !n)
        return false;
    section_head(r, MSG_START_DRAFTS);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li><a href=\"/orgs/%q/edit\">%s</a> · ", w[i].slug,
                 web_org_text(r, w[i].name, w[i].name_en));
        html_fmt(&r->out, "%s ", T(r->lang, MSG_START_CHANGED));
        web_datetime(r, w[i].updated_at, MSG_USERS_NEVER);
        html_raw(&r->out, "</li>");
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

static bool sec_invites(req *r, db_status *st)
{
    lang_id L = r->lang;
    work_invite *w;
    size_t n;
    if ((*st = worklist_invites(r->db, r->a, r->user->person_id, &w, &n)) != DB_OK || !n)
        return false;
    section_head(r, MSG_START_INVITES);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li>%s", web_org_text(r, w[i].invitee, NULL));
        if (w[i].org_slug)
            html_fmt(&r->out, " · <a href=\"/orgs/%q\">%s</a> (%s)", w[i].org_slug,
                     web_org_text(r, w[i].org_name, NULL),
                     T(L, w[i].role && strcmp(w[i].role, "manager") == 0 ? MSG_START_ROLE_MANAGER
                                                                         : MSG_START_ROLE_REP));
        html_fmt(&r->out, " · %s ", T(L, MSG_START_EXPIRES));
        web_datetime(r, w[i].expires_at, MSG_USERS_NEVER);
        html_raw(&r->out, "</li>");
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

/* Places in management teams the reader was invited to: each links to
 * the page where it is accepted. */
static bool sec_team_invites(req *r, db_status *st)
{
    lang_id L = r->lang;
    work_team_invite *w;
    size_t n;
    if ((*st = worklist_team_invites(r->db, r->a, r->user->person_id, &w, &n)) != DB_OK || !n)
        return false;
    section_head(r, MSG_NEWUSER_TEAM_INVITES);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li><a href=\"/orgs/%q\">%s</a>", w[i].org_slug,
                 web_org_text(r, w[i].org_name, w[i].org_name_en));
        const char *role = web_org_text(r, w[i].role, w[i].role_en);
        if (role)
            html_fmt(&r->out, " · %s", role);
        html_fmt(
            &r->out,
            " <span class=\"work-actions\"><a href=\"/orgs/%q/team/accept\">%s</a></span></li>",
            w[i].org_slug, T(L, MSG_NEWUSER_TEAM_ACCEPT));
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

/* Labels clusters declared that the secretariat has not verified yet:
 * each links to its cluster's edit page, where it is verified. */
static bool sec_labels(req *r, db_status *st)
{
    if (r->user->secretariat < SEC_EDITOR)
        return false;
    cluster_label_claim *w;
    size_t n;
    if ((*st = cluster_label_claims(r->db, r->a, &w, &n)) != DB_OK || !n)
        return false;
    /* the queues card counts these and links here */
    html_fmt(&r->out, "<section class=\"work card\" id=\"labels-to-verify\"><h2>%s</h2>\n",
             T(r->lang, MSG_START_LABELS_VERIFY));
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        const char *name = strcmp(w[i].label, "other") == 0
                               ? web_org_text(r, w[i].name, w[i].name_en)
                               : wf_label_label(r->lang, w[i].label);
        html_fmt(&r->out, "<li><a href=\"/orgs/%q/cluster/edit#verify\">%s</a> · %s</li>",
                 w[i].org_slug, web_org_text(r, w[i].org_name, NULL), name ? name : "");
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

/* Membership proposals the reader may accept or decline (the same panel
 * as on the account page, web_membership.c). */
static bool sec_proposals(req *r, db_status *st)
{
    size_t before = r->out.len;
    web_membership_panel(r);
    *st = db_failure(r->db);
    return r->out.len > before;
}

/* The upcoming events the reader registered for, or waits for. */
static bool sec_events(req *r, db_status *st)
{
    event_rec *e;
    size_t n;
    if ((*st = event_mine(r->db, r->a, r->user->person_id, &e, &n)) != DB_OK || !n)
        return false;
    section_head(r, MSG_START_EVENTS);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li><a href=\"/events/%D\">%s</a> · ", (long long)e[i].id,
                 web_org_text(r, e[i].title_sr, e[i].title_en));
        web_datetime(r, e[i].starts_at, MSG_USERS_NEVER);
        html_fmt(&r->out, " · %s</li>",
                 T(r->lang, e[i].confirmed ? MSG_EVENT_STATE_CONFIRMED : MSG_EVENT_STATE_WAITING));
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

/* The secretariat's pages that no queue leads to: the board's statistics
 * and the self-assessments (editors too), mentoring and the support log
 * (admins: RF_ADMIN pages). */
static bool sec_secretariat(req *r, db_status *st)
{
    *st = DB_OK;
    if (!r->user || r->user->secretariat == SEC_NONE)
        return false;
    static const struct {
        const char *href;
        msg_id label;
        bool admin_only;
    } pages[] = {{"/cooperation/stats", MSG_PSTATS_TITLE, false},
                 {"/admin/assessments", MSG_AS_ADMIN_TITLE, false},
                 {"/admin/mentoring", MSG_MT_ADMIN_TITLE, true},
                 {"/admin/support", MSG_SU_TITLE, true},
                 {"/admin/advocacy", MSG_ADV_OV_TITLE, false},
                 {"/consultations", MSG_ADV_CO_TITLE, false}};
    section_head(r, MSG_START_SECRETARIAT);
    html_raw(&r->out, "<ul class=\"work-list\">");
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        if (!pages[i].admin_only || r->user->secretariat == SEC_ADMIN)
            html_fmt(&r->out, "<li><a href=\"%s\">%s</a></li>", pages[i].href,
                     T(r->lang, pages[i].label));
    html_raw(&r->out, "</ul></section>\n");
    return true;
}

/* In the order a person's day goes: the platform's queues, then the
 * clusters and organisations they answer for, then unfinished things. */
// clang-format off
static const start_section_fn sections[] = {
    sec_queues,    web_start_entry_queue,  sec_labels,   web_post_start_reported,
    web_post_start_interest,
    sec_proposals, sec_team_invites,       sec_clusters, sec_orgs, sec_activities,
    sec_drafts,    web_start_my_proposals, sec_invites,  sec_events,
    sec_secretariat, web_assess_start,       web_devplan_start, web_start_readiness,
    web_agreement_start, /* agreements expiring within 60 days (web_agreement.c) */
    web_tie_start,       /* agreements and projects awaiting confirmation (web_tie.c) */
    web_position_start,  /* positions open for the reader's signature (web_position.c) */
};
// clang-format on

void web_start(req *r)
{
    assert(r && r->a && r->db);
    lang_id L = r->lang;
    page_meta m = {.title = T(L, MSG_START_TITLE), .nav = "start"};
    layout_begin(r, &m);
    html_fmt(&r->out, "<h1>%s</h1>\n<p class=\"lead\">", T(L, MSG_START_TITLE));
    html_fmt(&r->out, T(L, MSG_START_HELLO), web_org_text(r, r->user->name, NULL));
    html_raw(&r->out, "</p>\n<div class=\"work-grid\">\n");
    bool any = false;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        db_status st = DB_OK;
        any |= sections[i](r, &st);
        if (st != DB_OK) {
            buf_reset(&r->out);
            resp_fail(r, st, "start page section");
            return;
        }
    }
    html_raw(&r->out, "</div>\n");
    if (!any)
        html_fmt(&r->out, "<p class=\"empty\">%s <a href=\"/orgs\">%s</a></p>\n",
                 T(L, MSG_START_NOTHING), T(L, MSG_START_BROWSE));
    html_fmt(&r->out,
             "<p class=\"muted\"><a href=\"/initiatives/new\">%s</a> · "
             "<a href=\"/account/notifications\">%s</a></p>\n",
             T(L, MSG_INIT_START), T(L, MSG_NOTIFY_LINK));
    layout_end(r);
}
