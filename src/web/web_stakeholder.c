/* web_stakeholder.c: stakeholder relations with an institution (issue
 * 16): the positions addressed to it with their outcomes, the meetings
 * held with it, its contact persons; the secretariat records meetings.
 *
 *   GET  /orgs/{slug}/stakeholder   the section alone (until the lead
 *                                   places web_stakeholder_section() in
 *                                   the profile of partner kinds)
 *   POST /orgs/{slug}/meetings      record a meeting (the secretariat)
 *
 * Everyone sees the submitted positions and their outcomes, and the dates
 * and topics of meetings; meeting notes only the secretariat (never in
 * the HTML of anyone else); contact persons only logged-in people of the
 * network (RIGHT_VIEW_MEMBERS), with an e-mail address only where the
 * person made it public (the secretariat sees every address). */
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/org.h"
#include "model/rights.h"
#include "model/submission.h"
#include "web/web.h"
#include "web/web_advocacy.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* A contact's role in the reader's language: an affiliation's by its
 * code, a team role's English or its Serbian in the reader's script. */
static const char *role_label(req *r, const stakeholder_contact *c)
{
    if (c->role && (strcmp(c->role, "manager") == 0 || strcmp(c->role, "representative") == 0))
        return web_affiliation_role_label(r->lang, c->role);
    return c->role ? web_org_text(r, c->role, c->role_en) : "";
}

static void meeting_form(req *r, const char *slug, const form *typed, const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char today[11];
    wf_today(today);
    const char *met = typed ? form_get(typed, "met_on") : today;
    html_fmt(o, "<h3 id=\"sh-new-h\">%s</h3>", T(L, MSG_ADV_SH_NEW_MEETING));
    web_error_summary(r, errs);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/meetings\" novalidate>",
             slug);
    layout_csrf_field(r);
    wc_date_field(r, "sh-met", "met_on", T(L, MSG_ADV_L_MET_ON), NULL, met ? met : "",
                  web_errs_get(errs, "met_on"), true);
    web_field(r, &(web_input){.id = "sh-att",
                              .name = "attendees",
                              .type = "text",
                              .label = T(L, MSG_ADV_L_ATTENDEES),
                              .hint = T(L, MSG_ADV_H_ATTENDEES),
                              .value = typed ? form_get(typed, "attendees") : NULL,
                              .error = web_errs_get(errs, "attendees"),
                              .required = true,
                              .maxlength = 500});
    wc_textarea(r, "sh-topics", "topics", T(L, MSG_ADV_L_TOPICS), NULL,
                typed ? form_get(typed, "topics") : NULL, web_errs_get(errs, "topics"), 3);
    wc_textarea(r, "sh-notes", "notes", T(L, MSG_ADV_L_NOTES), T(L, MSG_ADV_H_NOTES),
                typed ? form_get(typed, "notes") : NULL, web_errs_get(errs, "notes"), 4);
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, MSG_ADV_MEETING_BUTTON));
}

bool web_stakeholder_section(req *r, int64_t org_id, const char *slug, const form *typed,
                             const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool sec = web_adv_secretariat(r);
    bool members = r->user && rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, 0);
    char today[11];
    wf_today(today);
    stakeholder_position *pos = NULL;
    meeting_rec *m = NULL;
    stakeholder_contact *c = NULL;
    size_t n_pos = 0, n_m = 0, n_c = 0;
    db_status st = submission_stakeholder_positions(r->db, r->a, org_id, today, sec, &pos, &n_pos);
    if (st == DB_OK)
        st = submission_meetings(r->db, r->a, 0, org_id, sec, &m, &n_m);
    if (st == DB_OK && members)
        st = submission_contacts(r->db, r->a, org_id, sec, &c, &n_c);
    if (st != DB_OK) {
        resp_fail(r, st, "stakeholder");
        return false;
    }
    html_fmt(o,
             "<section class=\"panel adv-stakeholder\" id=\"stakeholder\" aria-labelledby=\"sh-h\">"
             "<h2 id=\"sh-h\">%s</h2>",
             T(L, MSG_ADV_SH_TITLE));
    html_fmt(o, "<h3>%s <span class=\"count\">%d</span></h3>", T(L, MSG_ADV_SH_POSITIONS),
             (int)n_pos);
    if (!n_pos) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_ADV_SH_NO_POSITIONS));
    } else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "</tr></thead><tbody>",
                 T(L, MSG_ADV_SH_COL_POSITION), T(L, MSG_ADV_L_STAGE), T(L, MSG_ADV_L_SENT_ON),
                 T(L, MSG_ADV_L_OUTCOME));
        for (size_t i = 0; i < n_pos; i++) {
            const char *t = web_org_text(r, pos[i].title_sr, pos[i].title_en);
            const char *oc = pos[i].outcome   ? pos[i].outcome
                             : pos[i].overdue ? "no_answer"
                             : pos[i].sent_on ? "pending"
                                              : NULL;
            html_fmt(o,
                     "<tr><td><a href=\"/positions/%D/timeline\">%s</a></td><td>%s</td>"
                     "<td>%s</td><td>",
                     (long long)pos[i].id, t ? t : "", web_adv_stage_label(L, pos[i].stage),
                     pos[i].sent_on ? wf_ymd(r, pos[i].sent_on) : "–");
            if (oc)
                html_fmt(o, "<span class=\"adv-outcome adv-outcome-%s\">%s</span>", oc,
                         web_adv_outcome_label(L, oc));
            else
                html_raw(o, "–");
            html_raw(o, "</td></tr>");
        }
        html_raw(o, "</tbody></table></div>");
    }
    html_fmt(o, "<h3 id=\"sh-meetings\">%s <span class=\"count\">%d</span></h3>",
             T(L, MSG_ADV_SH_MEETINGS), (int)n_m);
    if (!n_m)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_ADV_SH_NO_MEETINGS));
    else
        html_raw(o, "<ul class=\"adv-meetings\">");
    for (size_t i = 0; i < n_m; i++) {
        html_fmt(o, "<li id=\"meeting-%D\"><time datetime=\"%s\">%s</time> · %s: %s",
                 (long long)m[i].id, m[i].met_on, wf_ymd(r, m[i].met_on), T(L, MSG_ADV_L_ATTENDEES),
                 m[i].attendees ? web_org_text(r, m[i].attendees, NULL) : "");
        if (m[i].is_demo)
            html_fmt(o, " · <span class=\"badge badge-demo\">%s</span>", T(L, MSG_ADV_DEMO_BADGE));
        if (m[i].position_id)
            html_fmt(o, " · <a href=\"/positions/%D/timeline\">%s</a>", (long long)m[i].position_id,
                     web_org_text(r, m[i].position_title_sr, m[i].position_title_en));
        html_fmt(o, "<p>%s</p>", m[i].topics ? web_org_text(r, m[i].topics, NULL) : "");
        if (m[i].notes)
            html_fmt(o, "<p class=\"adv-tl-notes\"><strong>%s</strong> %s</p>",
                     T(L, MSG_ADV_NOTES_SECRETARIAT), web_org_text(r, m[i].notes, NULL));
        html_raw(o, "</li>");
    }
    if (n_m)
        html_raw(o, "</ul>");
    if (members) {
        html_fmt(o, "<h3>%s</h3>", T(L, MSG_ADV_SH_CONTACTS));
        if (!n_c)
            html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_ADV_SH_NO_CONTACTS));
        else
            html_raw(o, "<ul class=\"adv-contacts\">");
        for (size_t i = 0; i < n_c; i++) {
            html_fmt(o, "<li>%s · %s", web_org_text(r, c[i].name, NULL), role_label(r, &c[i]));
            if (c[i].email)
                html_fmt(o, " · <a href=\"mailto:%s\">%s</a>", c[i].email, c[i].email);
            html_raw(o, "</li>");
        }
        if (n_c)
            html_raw(o, "</ul>");
    }
    if (r->user && rights_can(r->db, r->user, RIGHT_ADVOCACY_MANAGE, 0))
        meeting_form(r, slug, typed, errs);
    html_raw(o, "</section>\n");
    return true;
}

static void page(req *r, const org_rec *org, const form *typed, const web_errs *errs)
{
    lang_id L = r->lang;
    const char *name = web_org_name(r, org);
    const char *title = arena_printf(r->a, "%s: %s", T(L, MSG_ADV_SH_TITLE), name);
    page_meta pm = {.title = title, .nav = "directory"};
    layout_begin(r, &pm);
    wc_form_head(r, org, name, T(L, MSG_ADV_SH_TITLE));
    if (!typed && req_query(r, "saved"))
        web_notice(r, T(L, MSG_ADV_SAVED));
    if (!web_stakeholder_section(r, org->id, org->slug, typed, errs))
        return;
    layout_end(r);
}

void web_stakeholder_page(req *r)
{
    org_rec org;
    if (!web_org_load(r, &org))
        return;
    page(r, &org, NULL, NULL);
}

void web_stakeholder_meeting_add(req *r)
{
    org_rec org;
    if (!web_org_load(r, &org))
        return;
    if (!rights_can(r->db, r->user, RIGHT_ADVOCACY_MANAGE, 0)) {
        resp_error(r, 403, T(r->lang, MSG_ADV_SH_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    meeting_input in = {NULL, form_get(&f, "met_on"), form_get(&f, "attendees"),
                        form_get(&f, "topics"), form_get(&f, "notes")};
    db_status st =
        submission_meeting_add(r->db, org.id, 0, &in, r->user->person_id, r->client_ip, NULL, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/stakeholder?saved=1#sh-meetings", org.slug));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "submission_meeting_add");
        return;
    }
    web_errs e = {0};
    web_adv_errors(r, &fe, &e);
    if (web_errs_get(&e, "institution")) /* not an institution: say so plainly */
        web_errs_add(&e, "met_on", web_errs_get(&e, "institution"));
    r->status = 422;
    page(r, &org, &f, &e);
}
