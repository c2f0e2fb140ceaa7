/* web_mentoring.c: mentoring pairs (issue 15).
 *
 *   GET  /admin/mentoring            every pairing, the form for a new one
 *   POST /admin/mentoring            pair a mentee with a mentor
 *   POST /admin/mentoring/{id}/end   end a pairing with a date and a note
 *   GET  /mentoring/{id}             one pairing and its meetings
 *   POST /mentoring/{id}/meetings    record a meeting
 *
 * The admin pages are the administrators' (RF_ADMIN, like every /admin/
 * page). A pairing's page and its meetings are for both clusters' teams
 * and the secretariat (mentoring_may_see); anyone else gets 403, an
 * unknown id 404. A refused post shows the page again (422) with the
 * errors beside the fields and the input as typed. */
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/mentoring.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_admin.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

static const char *pair_name(req *r, const mentoring_rec *m)
{
    return arena_printf(r->a, T(r->lang, MSG_MT_PAIR_NAME),
                        web_org_text(r, m->mentee_name, m->mentee_name_en),
                        web_org_text(r, m->mentor_name, m->mentor_name_en));
}

/* The words for the model's refusals, then the generic ones. */
static void word_errors(req *r, const form_errors *fe, web_errs *e)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "mentee") == 0 && x->code != FE_REQUIRED)
            web_errs_add(e, "mentee", T(L, MSG_MT_E_MENTEE));
        else if (strcmp(x->field, "mentor") == 0 && x->code == FE_TAKEN)
            web_errs_add(e, "mentor", T(L, MSG_MT_E_RUNNING));
        else if (strcmp(x->field, "mentor") == 0 && x->code == FE_SELF_MEMBER)
            web_errs_add(e, "mentor", T(L, MSG_MT_E_SELF));
        else if (strcmp(x->field, "mentor") == 0 && x->code != FE_REQUIRED)
            web_errs_add(e, "mentor", T(L, MSG_MT_E_MENTOR));
        else if (strcmp(x->field, "met_on") == 0 && x->code == FE_NOT_PENDING)
            web_errs_add(e, "met_on", T(L, MSG_MT_E_AFTER_END));
        else if (strcmp(x->field, "ended_on") == 0 && x->code == FE_NOT_PENDING)
            web_errs_add(e, "ended_on", T(L, MSG_MT_E_ENDED));
        else if (x->code == FE_DATE_ORDER)
            web_errs_add(e, x->field, T(L, MSG_MT_E_BEFORE_START));
    }
    web_errs_from_form(r, fe, e);
}

static void side_select(req *r, const char *id, const char *name, const char *label,
                        const mentoring_side *s, size_t n, const char *value, const char *error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    web_field_open(r, id, label, NULL, error);
    html_fmt(o, "<select id=\"%s\" name=\"%s\" required", id, name);
    web_described_by(r, id, false, error);
    html_fmt(o, "><option value=\"\">%s</option>", T(L, MSG_MT_CHOOSE));
    for (size_t i = 0; i < n; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s%R%s</option>", s[i].slug,
                 value && strcmp(value, s[i].slug) == 0 ? " selected" : "",
                 web_org_text(r, s[i].name, s[i].name_en), *s[i].stage ? " · " : "",
                 *s[i].stage ? wf_stage_label(L, s[i].stage) : "");
    html_raw(o, "</select></div>");
}

typedef struct admin_view {
    const form *typed;
    const web_errs *errs;
    int64_t end_id; /* the pairing whose end failed; 0: the create form */
} admin_view;

static const char *typed(const admin_view *v, bool here, const char *name, const char *dflt)
{
    const char *s = here ? form_get(v->typed, name) : NULL;
    return here ? (s ? s : "") : dflt;
}

static void admin_page(req *r, const admin_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    mentoring_rec *m = NULL;
    mentoring_side *mentees = NULL, *mentors = NULL;
    size_t n = 0, n_mentees = 0, n_mentors = 0;
    db_status st = mentoring_list(r->db, r->a, &m, &n);
    if (st == DB_OK)
        st = mentoring_candidates(r->db, r->a, false, &mentees, &n_mentees);
    if (st == DB_OK)
        st = mentoring_candidates(r->db, r->a, true, &mentors, &n_mentors);
    if (st != DB_OK) {
        resp_fail(r, st, "mentoring_list");
        return;
    }
    page_meta pm = {.title = T(L, MSG_MT_ADMIN_TITLE), .nav = "admin"};
    layout_begin(r, &pm);
    web_admin_nav(r, "mentoring");
    html_fmt(o, "<h1>%s</h1><p class=\"lead\">%s</p>", T(L, MSG_MT_ADMIN_TITLE),
             T(L, MSG_MT_ADMIN_LEAD));
    if (!v && req_query(r, "ended"))
        web_notice(r, T(L, MSG_MT_ENDED_NOTICE));
    bool here = v && v->end_id == 0;
    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"mt-new\"><h2 id=\"mt-new\">%s</h2>",
             T(L, MSG_MT_NEW));
    if (here)
        web_error_summary(r, v->errs);
    html_raw(o, "<form class=\"form\" method=\"post\" action=\"/admin/mentoring\" novalidate>");
    layout_csrf_field(r);
    side_select(r, "mt-mentee", "mentee", T(L, MSG_MT_L_MENTEE), mentees, n_mentees,
                typed(v, here, "mentee", NULL), here ? web_errs_get(v->errs, "mentee") : NULL);
    side_select(r, "mt-mentor", "mentor", T(L, MSG_MT_L_MENTOR), mentors, n_mentors,
                typed(v, here, "mentor", NULL), here ? web_errs_get(v->errs, "mentor") : NULL);
    char today[11];
    wf_today(today);
    wc_date_field(r, "mt-start", "started_on", T(L, MSG_MT_L_STARTED), NULL,
                  typed(v, here, "started_on", today),
                  here ? web_errs_get(v->errs, "started_on") : NULL, true);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>",
             T(L, MSG_MT_CREATE));

    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"mt-all\"><h2 id=\"mt-all\">%s</h2>",
             T(L, MSG_MT_ALL));
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_MT_NONE));
    for (size_t i = 0; i < n; i++) {
        bool end_here = v && v->end_id == m[i].id;
        html_fmt(o,
                 "<article class=\"mentoring-pair\" id=\"pair-%D\"><h3><a "
                 "href=\"/mentoring/%D\">%s</a></h3>",
                 (long long)m[i].id, (long long)m[i].id, pair_name(r, &m[i]));
        html_fmt(o, "<p class=\"muted\">%s",
                 arena_printf(r->a, T(L, MSG_MT_SINCE), wf_ymd(r, m[i].started_on)));
        if (m[i].ended_on)
            html_fmt(o, " · %s",
                     arena_printf(r->a, T(L, MSG_MT_ENDED_ON), wf_ymd(r, m[i].ended_on)));
        html_fmt(o, " · %s</p>", arena_printf(r->a, T(L, MSG_MT_MEETINGS_N), (int)m[i].meetings));
        if (!m[i].ended_on) {
            const char *idp = arena_printf(r->a, "end-%lld", (long long)m[i].id);
            html_fmt(o, "<details%R><summary>%s</summary>", end_here ? " open" : "",
                     T(L, MSG_MT_END));
            if (end_here)
                web_error_summary(r, v->errs);
            html_fmt(o,
                     "<form class=\"form\" method=\"post\" action=\"/admin/mentoring/%D/end\" "
                     "novalidate>",
                     (long long)m[i].id);
            layout_csrf_field(r);
            wc_date_field(r, arena_printf(r->a, "%s-on", idp), "ended_on", T(L, MSG_MT_L_ENDED),
                          NULL, typed(v, end_here, "ended_on", today),
                          end_here ? web_errs_get(v->errs, "ended_on") : NULL, true);
            wc_textarea(r, arena_printf(r->a, "%s-note", idp), "end_note", T(L, MSG_MT_L_END_NOTE),
                        NULL, typed(v, end_here, "end_note", NULL),
                        end_here ? web_errs_get(v->errs, "end_note") : NULL, 3);
            html_fmt(o,
                     "<div class=\"form-actions\"><button type=\"submit\" "
                     "class=\"button-secondary\">%s</button></div></form></details>",
                     T(L, MSG_MT_END));
        } else if (m[i].end_note) {
            html_fmt(o, "<p class=\"plan-review-body\">%s</p>",
                     web_org_text(r, m[i].end_note, NULL));
        }
        html_raw(o, "</article>");
    }
    html_raw(o, "</section>\n");
    layout_end(r);
}

void web_mentoring_admin(req *r)
{
    admin_page(r, NULL);
}

void web_mentoring_create(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    int64_t id = 0;
    db_status st =
        mentoring_create(r->db, form_get(&f, "mentee"), form_get(&f, "mentor"),
                         form_get(&f, "started_on"), r->user->person_id, r->client_ip, &id, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/mentoring/%lld?created=1", (long long)id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "mentoring_create");
        return;
    }
    web_errs e = {0};
    word_errors(r, &fe, &e);
    admin_view v = {&f, &e, 0};
    r->status = 422;
    admin_page(r, &v);
}

static bool param_id(req *r, int64_t *id)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        resp_error(r, 404, T(r->lang, MSG_MT_NOT_FOUND));
        return false;
    }
    *id = v;
    return true;
}

void web_mentoring_end(req *r)
{
    int64_t id;
    form f;
    if (!param_id(r, &id) || !req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = mentoring_end(r->db, id, form_get(&f, "ended_on"), form_get(&f, "end_note"),
                                 r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/admin/mentoring?ended=1#pair-%lld", (long long)id));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_MT_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "mentoring_end");
        return;
    }
    web_errs e = {0};
    word_errors(r, &fe, &e);
    admin_view v = {&f, &e, id};
    r->status = 422;
    admin_page(r, &v);
}

/* Loads {id} and checks that the reader may see it (writes 404/403). */
static bool load_pair(req *r, mentoring_rec *m)
{
    int64_t id;
    if (!param_id(r, &id))
        return false;
    bool found = false;
    db_status st = mentoring_get(r->db, r->a, id, m, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "mentoring_get");
        return false;
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_MT_NOT_FOUND));
        return false;
    }
    if (!mentoring_may_see(r->db, r->user, m)) {
        resp_error(r, 403, T(r->lang, MSG_MT_FORBIDDEN));
        return false;
    }
    return true;
}

static void pair_page(req *r, const mentoring_rec *m, const form *f, const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    mentoring_meeting *x = NULL;
    size_t n = 0;
    db_status st = mentoring_meetings(r->db, r->a, m->id, &x, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "mentoring_meetings");
        return;
    }
    const char *title = pair_name(r, m);
    page_meta pm = {.title = title, .nav = "start"};
    layout_begin(r, &pm);
    html_fmt(o, "<h1>%s</h1>", title);
    if (m->is_demo)
        html_fmt(o, "<p class=\"demo-note\">%s</p>", T(L, MSG_MT_DEMO));
    if (!f && req_query(r, "created"))
        web_notice(r, T(L, MSG_MT_CREATED_NOTICE));
    else if (!f && req_query(r, "saved"))
        web_notice(r, T(L, MSG_MT_MEETING_SAVED));
    html_fmt(o, "<dl class=\"facts\"><dt>%s</dt><dd><a href=\"/orgs/%q\">%s</a>",
             T(L, MSG_MT_L_MENTEE), m->mentee_slug,
             web_org_text(r, m->mentee_name, m->mentee_name_en));
    /* the mentee's plan, for those who may read it (its team, the secretariat) */
    if (rights_can(r->db, r->user, RIGHT_ORG_EDIT, m->mentee_id))
        html_fmt(o, " · <a href=\"/orgs/%q/plan\">%s</a>", m->mentee_slug, T(L, MSG_DP_CRUMB));
    html_raw(o, "</dd>");
    html_fmt(o, "<dt>%s</dt><dd><a href=\"/orgs/%q\">%s</a></dd>", T(L, MSG_MT_L_MENTOR),
             m->mentor_slug, web_org_text(r, m->mentor_name, m->mentor_name_en));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_MT_L_STARTED), wf_ymd(r, m->started_on));
    if (m->ended_on) {
        html_fmt(o, "<dt>%s</dt><dd>%s", T(L, MSG_MT_L_ENDED), wf_ymd(r, m->ended_on));
        if (m->end_note)
            html_fmt(o, "<p class=\"plan-review-body\">%s</p>", web_org_text(r, m->end_note, NULL));
        html_raw(o, "</dd>");
    }
    html_raw(o, "</dl>");

    html_fmt(o,
             "<section class=\"panel\" id=\"meetings\" aria-labelledby=\"mt-meet\"><h2 "
             "id=\"mt-meet\">%s <span class=\"count\">%d</span></h2>",
             T(L, MSG_MT_MEETINGS), (int)n);
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_MT_NO_MEETINGS));
    for (size_t i = 0; i < n; i++) {
        html_fmt(o, "<article class=\"plan-review\" id=\"meeting-%D\"><h3>%s</h3>",
                 (long long)x[i].id, wf_ymd(r, x[i].met_on));
        if (x[i].by_name)
            html_fmt(
                o, "<p class=\"muted\">%s</p>",
                arena_printf(r->a, T(L, MSG_MT_RECORDED_BY), web_org_text(r, x[i].by_name, NULL)));
        html_fmt(o, "<p class=\"plan-review-body\">%s</p>", web_org_text(r, x[i].notes, NULL));
        if (x[i].next_steps)
            html_fmt(o, "<h4>%s</h4><p class=\"plan-review-body\">%s</p>", T(L, MSG_MT_L_NEXT),
                     web_org_text(r, x[i].next_steps, NULL));
        html_raw(o, "</article>");
    }
    html_raw(o, "</section>");
    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"mt-add\"><h2 id=\"mt-add\">%s</h2>",
             T(L, MSG_MT_ADD_MEETING));
    web_error_summary(r, errs);
    html_fmt(o,
             "<form class=\"form\" method=\"post\" action=\"/mentoring/%D/meetings\" novalidate>",
             (long long)m->id);
    layout_csrf_field(r);
    char today[11];
    wf_today(today);
    const char *met = f ? form_get(f, "met_on") : today;
    wc_date_field(r, "mt-met", "met_on", T(L, MSG_MT_L_MET_ON), NULL, met ? met : "",
                  web_errs_get(errs, "met_on"), true);
    wc_textarea(r, "mt-notes", "notes", T(L, MSG_MT_L_NOTES), NULL, f ? form_get(f, "notes") : NULL,
                web_errs_get(errs, "notes"), 4);
    wc_textarea(r, "mt-next", "next_steps", T(L, MSG_MT_L_NEXT), NULL,
                f ? form_get(f, "next_steps") : NULL, web_errs_get(errs, "next_steps"), 3);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_MT_ADD_MEETING));
    layout_end(r);
}

void web_mentoring_page(req *r)
{
    mentoring_rec m;
    if (load_pair(r, &m))
        pair_page(r, &m, NULL, NULL);
}

void web_mentoring_meeting_add(req *r)
{
    mentoring_rec m;
    form f;
    if (!load_pair(r, &m) || !req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st =
        mentoring_meeting_add(r->db, m.id, form_get(&f, "met_on"), form_get(&f, "notes"),
                              form_get(&f, "next_steps"), r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/mentoring/%lld?saved=1#meetings", (long long)m.id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "mentoring_meeting_add");
        return;
    }
    web_errs e = {0};
    word_errors(r, &fe, &e);
    r->status = 422;
    pair_page(r, &m, &f, &e);
}
