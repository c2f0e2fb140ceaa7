/* web_membership.c: cluster memberships by consent, on the pages.
 *
 *   web_membership_panel()           the "Membership proposals" panel of
 *                                    /account (id "proposals"): the
 *                                    pending proposals for the
 *                                    organisations the reader represents
 *                                    and, for the secretariat, those for
 *                                    organisations without a
 *                                    representative, each with Accept and
 *                                    Decline (reason optional)
 *   web_membership_pending_of_cluster()  the pending proposals of a cluster
 *                                    on its members page, each with
 *                                    Withdraw
 *   POST /memberships/{id}/accept    accept (RIGHT_MEMBERSHIP_DECIDE on the
 *   POST /memberships/{id}/decline   proposed organisation) or decline
 *   POST /orgs/{slug}/members/proposals/{id}/withdraw
 *                                    withdraw (RIGHT_MEMBERS_EDIT on the
 *                                    cluster)
 *
 * The model is membership.h; rights are asked of rights_can() before any
 * write, so a refused caller gets 403 whatever the proposal's state. The
 * account page is the natural place for decisions: it already lists the
 * reader's organisations, and a representative may have several. */
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/membership.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* An entry's name as web_org_name shows it (script of the page). */
static const char *name_of(req *r, const char *slug, const char *name)
{
    org_rec o = {.slug = slug, .name = name};
    return web_org_name(r, &o);
}

void web_membership_panel(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    membership_proposal *p = NULL;
    size_t n = 0;
    if (!r->user || membership_pending_for(r->db, r->a, r->user, &p, &n) != DB_OK)
        return; /* a failure is the request's (db_failure): the page becomes a 5xx */
    const char *done = req_query(r, "proposal");
    if (n == 0 && !done)
        return;
    html_fmt(o,
             "<section class=\"panel membership-proposals\" id=\"proposals\" "
             "aria-labelledby=\"proposals-h\"><h2 id=\"proposals-h\">%s</h2><p class=\"muted\">"
             "%s</p>",
             T(L, MSG_MP_ACCOUNT_TITLE), T(L, MSG_MP_ACCOUNT_LEAD));
    if (done && strcmp(done, "accepted") == 0)
        web_notice(r, T(L, MSG_MP_ACCEPTED));
    else if (done && strcmp(done, "declined") == 0)
        web_notice(r, T(L, MSG_MP_DECLINED));
    if (n)
        html_raw(o, "<ul class=\"plain proposals\">");
    for (size_t i = 0; i < n; i++) {
        const membership_proposal *x = &p[i];
        const char *cluster = name_of(r, x->cluster_slug, x->cluster_name);
        const char *org = name_of(r, x->org_slug, x->org_name);
        html_fmt(o, "<li class=\"proposal\" id=\"proposal-%D\"><p>", (long long)x->id);
        /* "CLUSTER proposes ORG as ROLE from DATE", names as links */
        buf line = BUF_INIT;
        buf_printf(&line, T(L, MSG_MP_LINE), "\x01", "\x02", wf_role_label(L, x->role),
                   wf_ymd(r, x->joined_on));
        for (const char *c = buf_str(&line); *c;) {
            size_t run = strcspn(c, "\x01\x02");
            html_textn(o, c, run);
            c += run;
            if (*c == '\x01')
                html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", x->cluster_slug, cluster);
            else if (*c == '\x02')
                html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", x->org_slug, org);
            if (*c)
                c++;
        }
        buf_free(&line);
        html_raw(o, "</p>");
        if (x->proposer_name)
            html_fmt(o, "<p class=\"muted\">%s</p>",
                     arena_printf(r->a, T(L, MSG_MP_PROPOSED_BY),
                                  web_org_text(r, x->proposer_name, NULL)));
        if (!x->org_has_rep)
            html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_MP_LINE_NO_REP));
        const char *back = strcmp(r->path, "/start") == 0
                               ? "<input type=\"hidden\" name=\"back\" value=\"start\">"
                               : "";
        html_fmt(o,
                 "<form method=\"post\" action=\"/memberships/%D/accept\" class=\"inline-form\">%R",
                 (long long)x->id, back);
        layout_csrf_field(r);
        html_fmt(o, "<button type=\"submit\">%s</button></form>", T(L, MSG_MP_ACCEPT));
        const char *id = arena_printf(r->a, "decline-%lld", (long long)x->id);
        html_fmt(
            o, "<form method=\"post\" action=\"/memberships/%D/decline\" class=\"inline-form\">%R",
            (long long)x->id, back);
        layout_csrf_field(r);
        html_fmt(o,
                 "<label for=\"%s\">%s</label><input id=\"%s\" name=\"reason\" type=\"text\" "
                 "maxlength=\"500\" autocomplete=\"off\">"
                 "<button type=\"submit\" class=\"button-secondary\">%s</button></form></li>",
                 id, arena_printf(r->a, T(L, MSG_MP_REASON_FOR), org), id, T(L, MSG_MP_DECLINE));
    }
    if (n)
        html_raw(o, "</ul>");
    html_raw(o, "</section>\n");
}

void web_membership_pending_of_cluster(req *r, const org_rec *cluster)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    membership_proposal *p = NULL;
    size_t n = 0;
    if (membership_pending_of_cluster(r->db, r->a, cluster->id, &p, &n) != DB_OK || n == 0)
        return; /* a failure is the request's (db_failure): the page becomes a 5xx */
    html_fmt(o,
             "<section class=\"panel members-proposed\" aria-labelledby=\"prop-title\"><h2 "
             "id=\"prop-title\">%s <span class=\"count\">%d</span></h2>"
             "<div class=\"table-wrap\"><table class=\"data members-proposed\"><thead><tr>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
             T(L, MSG_MP_PENDING_TITLE), (int)n, T(L, MSG_CL_COL_NAME), T(L, MSG_CL_COL_ROLE),
             T(L, MSG_CL_COL_JOINED), T(L, MSG_MP_COL_STATE), T(L, MSG_MP_WITHDRAW));
    for (size_t i = 0; i < n; i++) {
        const membership_proposal *x = &p[i];
        html_fmt(o,
                 "<tr><th scope=\"row\"><a href=\"/orgs/%q\">%s</a></th><td>%s</td><td>%s</td>"
                 "<td>%s</td><td><form method=\"post\" "
                 "action=\"/orgs/%q/members/proposals/%D/withdraw\" class=\"inline-form\">",
                 x->org_slug, name_of(r, x->org_slug, x->org_name), wf_role_label(L, x->role),
                 wf_ymd(r, x->joined_on), T(L, x->org_has_rep ? MSG_MP_HAS_REP : MSG_MP_NO_REP),
                 cluster->slug, (long long)x->id);
        layout_csrf_field(r);
        html_fmt(o,
                 "<button type=\"submit\" class=\"button-small button-secondary\">%s</button>"
                 "</form></td></tr>",
                 T(L, MSG_MP_WITHDRAW));
    }
    html_raw(o, "</tbody></table></div></section>\n");
}

/* Loads the proposal {id} and checks RIGHT_MEMBERSHIP_DECIDE on its
 * organisation (writes the 404/403). */
static bool load_for_decision(req *r, membership_proposal *x)
{
    int64_t id = 0;
    const char *p = req_param(r, "id");
    bool found = false;
    if (p && str_to_i64(p, &id) && id > 0) {
        db_status st = membership_get(r->db, r->a, id, x, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "membership_get");
            return false;
        }
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_MP_NOT_FOUND));
        return false;
    }
    if (!rights_can(r->db, r->user, RIGHT_MEMBERSHIP_DECIDE, x->org_id)) {
        resp_error(r, 403, T(r->lang, MSG_MP_FORBIDDEN));
        return false;
    }
    return true;
}

/* The answer to a decision the model refused (422 with what to fix) or
 * failed (5xx), or the way back to the account page. */
static void decided(req *r, db_status st, const form_errors *fe, const char *what, const form *f)
{
    if (st == DB_OK) { /* back to the page the decision was made on */
        const char *back = form_get(f, "back");
        bool start = back && strcmp(back, "start") == 0;
        resp_redirect(
            r, arena_printf(r->a, "/%s?proposal=%s#proposals", start ? "start" : "account", what));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_MP_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT || fe->n_items == 0) {
        resp_fail(r, st, "membership decision");
        return;
    }
    buf t = BUF_INIT;
    form_error_text(&t, r->lang, &fe->items[0]);
    const char *why = buf_failed(&t) ? T(r->lang, MSG_FORM_ERR_INVALID) : buf_str(&t);
    const char *msg = arena_printf(r->a, T(r->lang, MSG_MP_REFUSED), why);
    buf_free(&t);
    resp_error(r, fe->items[0].code == FE_NOT_PENDING ? 409 : 422,
               msg ? msg : T(r->lang, MSG_FORM_ERR_INVALID));
}

void web_membership_accept(req *r)
{
    membership_proposal x;
    if (!load_for_decision(r, &x))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = membership_accept(r->db, r->user, x.id, r->client_ip, &fe);
    decided(r, st, &fe, "accepted", &f);
}

void web_membership_decline(req *r)
{
    membership_proposal x;
    if (!load_for_decision(r, &x))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {{"reason", FV_TEXT, 0, 0, 0, NULL}}; /* trims */
    form_value val[1];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, 1, val, &fe);
    const char *reason = val[0].present ? val[0].text : NULL;
    fe.n_items = 0; /* the model checks the reason and says what to fix */
    db_status st = membership_decline(r->db, r->user, x.id, reason, r->client_ip, &fe);
    decided(r, st, &fe, "declined", &f);
}

void web_membership_withdraw(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!web_org_load(r, &cl))
        return;
    if (!rights_can(r->db, r->user, RIGHT_MEMBERS_EDIT, cl.id)) {
        resp_error(r, 403, T(L, MSG_CL_FORBIDDEN));
        return;
    }
    int64_t id = 0;
    const char *p = req_param(r, "id");
    if (!p || !str_to_i64(p, &id) || id <= 0) {
        resp_error(r, 404, T(L, MSG_MP_NOT_FOUND));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = membership_withdraw(r->db, cl.id, id, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/members/manage?withdrawn=1", cl.slug));
        return;
    }
    decided(r, st, &fe, NULL, &f);
}
