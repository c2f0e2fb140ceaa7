/* web_org_proposal.c: entries proposed by cluster managers (model in
 * org_proposal.h): the secretariat's accept and decline actions, the two
 * start-page sections (the secretariat's queue of proposed entries; a
 * proposer's own proposals and their status) and the notice on a
 * proposed entry's page. The proposal form itself is the entry form in
 * proposal mode (web_org_edit.c). */
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/org_proposal.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_org.h"

/* The display name of a proposal's entry in the reader's language. */
static const char *proposal_name(req *r, const org_proposal *p)
{
    return web_org_text(r, p->name, p->name_en);
}

static void decide(req *r, bool accept)
{
    lang_id L = r->lang;
    if (r->user->secretariat < SEC_EDITOR) { /* before loading: a draft is 404 to others */
        resp_error(r, 403, T(L, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    org_rec o;
    if (!web_org_load(r, &o))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = org_proposal_decide(r->db, r->user, o.id, accept, form_get(&f, "reason"), L,
                                       r->client_ip, &fe);
    if (st == DB_DONE) {
        resp_error(r, 409, T(L, MSG_PROPOSAL_ERR_DECIDED));
        return;
    }
    if (st == DB_CONSTRAINT) {
        const form_error *e = form_error_for(&fe, "reason");
        resp_error(r, 422,
                   e ? T(L, e->code == FE_REQUIRED ? MSG_PROPOSAL_ERR_REASON
                                                   : MSG_PROPOSAL_ERR_REASON_LONG)
                     : T(L, MSG_PROPOSAL_ERR_ENTRY));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "org_proposal_decide");
        return;
    }
    web_notice_next(r, accept ? NOTICE_PROPOSAL_ACCEPTED : NOTICE_PROPOSAL_DECLINED, 0);
    resp_redirect(r, "/start#proposed-entries");
}

void web_org_proposal_accept(req *r)
{
    decide(r, true);
}

void web_org_proposal_decline(req *r)
{
    decide(r, false);
}

/* "Proposed by NAME on DATE" and the membership that goes with it. */
static void proposal_meta(req *r, const org_proposal *p)
{
    lang_id L = r->lang;
    html_fmt(&r->out, " · %s ",
             web_actor_name(r, p->proposed_by, p->proposer_name, !p->proposer_name,
                            MSG_DIR_SYSTEM_ACTOR));
    web_datetime(r, p->proposed_at, MSG_USERS_NEVER);
    if (p->cluster_id && p->cluster_name)
        html_fmt(&r->out, " · %s %s (%s)", T(L, MSG_PROPOSAL_WITH_MEMBERSHIP),
                 web_org_text(r, p->cluster_name, NULL), p->joined_on ? p->joined_on : "");
}

bool web_start_entry_queue(req *r, db_status *st)
{
    if (r->user->secretariat < SEC_EDITOR)
        return false;
    lang_id L = r->lang;
    org_proposal *p;
    size_t n;
    if ((*st = org_proposals_pending(r->db, r->a, &p, &n)) != DB_OK || !n)
        return false;
    buf *o = &r->out;
    html_fmt(o, "<section class=\"work card\" id=\"proposed-entries\"><h2>%s</h2>\n",
             T(L, MSG_PROPOSAL_QUEUE));
    html_raw(o, "<ul class=\"work-list proposal-queue\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a>", p[i].slug, proposal_name(r, &p[i]));
        proposal_meta(r, &p[i]);
        html_fmt(o,
                 "<div class=\"proposal-actions\"><form method=\"post\" "
                 "action=\"/orgs/%q/proposal/accept\">",
                 p[i].slug);
        layout_csrf_field(r);
        html_fmt(o, "<button type=\"submit\" class=\"button-small\">%s</button></form>",
                 T(L, MSG_PROPOSAL_ACCEPT));
        html_fmt(o,
                 "<form method=\"post\" action=\"/orgs/%q/proposal/decline\" "
                 "class=\"proposal-decline\">",
                 p[i].slug);
        layout_csrf_field(r);
        html_fmt(o,
                 "<label for=\"reason-%D\">%s</label> <input type=\"text\" id=\"reason-%D\" "
                 "name=\"reason\" required maxlength=\"500\"> <button type=\"submit\" "
                 "class=\"button-small button-secondary\">%s</button></form></div></li>",
                 (long long)p[i].org_id, T(L, MSG_PROPOSAL_REASON), (long long)p[i].org_id,
                 T(L, MSG_PROPOSAL_DECLINE));
    }
    html_raw(o, "</ul></section>\n");
    return true;
}

bool web_start_my_proposals(req *r, db_status *st)
{
    lang_id L = r->lang;
    org_proposal *p;
    size_t n;
    if ((*st = org_proposals_by(r->db, r->a, r->user->person_id, &p, &n)) != DB_OK || !n)
        return false;
    buf *o = &r->out;
    html_fmt(o, "<section class=\"work card\" id=\"my-proposals\"><h2>%s</h2>\n",
             T(L, MSG_PROPOSAL_MINE));
    html_raw(o, "<ul class=\"work-list\">");
    for (size_t i = 0; i < n; i++) {
        bool pending = strcmp(p[i].state, "proposed") == 0;
        bool accepted = strcmp(p[i].state, "accepted") == 0;
        html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a> <span class=\"badge badge-%s\">%s</span>",
                 p[i].slug, proposal_name(r, &p[i]), p[i].state,
                 T(L, pending    ? MSG_PROPOSAL_STATE_PENDING
                      : accepted ? MSG_PROPOSAL_STATE_ACCEPTED
                                 : MSG_PROPOSAL_STATE_DECLINED));
        if (!pending && !accepted && p[i].reason)
            html_fmt(o, " %s", p[i].reason);
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></section>\n");
    return true;
}

bool web_org_proposal_notice(req *r, const org_rec *o)
{
    if (!r->user || !o->status || strcmp(o->status, "draft") != 0)
        return false;
    org_proposal p;
    bool found = false;
    if (org_proposal_get(r->db, r->a, o->id, &p, &found) != DB_OK || !found ||
        strcmp(p.state, "accepted") == 0)
        return false; /* a failed read shows the plain draft notice */
    lang_id L = r->lang;
    bool pending = strcmp(p.state, "proposed") == 0;
    html_fmt(&r->out, "<div class=\"notice notice-warn\" role=\"status\"><p>%s",
             T(L, pending ? MSG_PROPOSAL_PENDING_NOTICE : MSG_PROPOSAL_DECLINED_NOTICE));
    if (!pending && p.reason)
        html_fmt(&r->out, " %s", p.reason);
    html_raw(&r->out, "</p></div>\n");
    return true;
}

bool web_org_proposer_of(req *r, const org_rec *o)
{
    if (!r->user || !o->status || strcmp(o->status, "draft") != 0)
        return false;
    org_proposal p;
    bool found = false;
    return org_proposal_get(r->db, r->a, o->id, &p, &found) == DB_OK && found &&
           p.proposed_by == r->user->person_id;
}

bool web_org_proposal_pending(req *r, const org_rec *o)
{
    org_proposal p;
    bool found = false;
    return o->status && strcmp(o->status, "draft") == 0 &&
           org_proposal_get(r->db, r->a, o->id, &p, &found) == DB_OK && found &&
           strcmp(p.state, "proposed") == 0;
}
