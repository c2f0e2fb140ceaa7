/* web_consultation.c: the public consultations tracker (issue 16).
 *
 *   GET  /consultations            open consultations by deadline, then
 *                                  past ones; for the secretariat the form
 *                                  of a new one (?edit=ID: that one's form)
 *   POST /consultations            add one (the secretariat)
 *   POST /consultations/{id}       change one (the secretariat)
 *   GET  /consultations.ics        every deadline as an iCalendar feed
 *                                  (the one writer, src/ical/)
 *
 * Everyone reads; RIGHT_ADVOCACY_MANAGE writes (403 otherwise). A refused
 * post shows the page again (422) with the errors beside the fields and
 * nothing stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/consultation.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_advocacy.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

static bool may_manage(req *r)
{
    return r->user && rights_can(r->db, r->user, RIGHT_ADVOCACY_MANAGE, 0);
}

typedef struct co_view {
    int64_t id; /* the consultation being edited; 0: a new one */
    const form *typed;
    const web_errs *errs;
} co_view;

static const char *val(const co_view *v, const consultation_rec *c, const char *name,
                       const char *from_rec)
{
    (void)c;
    if (v && v->typed) {
        const char *s = form_get(v->typed, name);
        return s ? s : "";
    }
    return from_rec;
}

static void the_form(req *r, const co_view *v, const consultation_rec *c)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    institution_choice *ic = NULL;
    size_t n_ic = 0;
    if (submission_institutions(r->db, r->a, &ic, &n_ic) != DB_OK) {
        o->failed = true;
        return;
    }
    const web_errs *e = v ? v->errs : NULL;
    int64_t id = v ? v->id : 0;
    html_fmt(o,
             "<section class=\"panel\" id=\"consultation-form\" aria-labelledby=\"co-form-h\">"
             "<h2 id=\"co-form-h\">%s</h2>",
             T(L, id ? MSG_ADV_CO_EDIT : MSG_ADV_CO_NEW));
    web_error_summary(r, e);
    if (id)
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/consultations/%D\" novalidate>",
                 (long long)id);
    else
        html_raw(o, "<form class=\"form\" method=\"post\" action=\"/consultations\" novalidate>");
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "co-title-sr",
                              .name = "title_sr",
                              .type = "text",
                              .label = T(L, MSG_ADV_CO_L_TITLE_SR),
                              .value = val(v, c, "title_sr", c ? c->title_sr : NULL),
                              .error = web_errs_get(e, "title_sr"),
                              .required = true,
                              .maxlength = CONSULTATION_TITLE_MAX});
    web_field(r, &(web_input){.id = "co-title-en",
                              .name = "title_en",
                              .type = "text",
                              .label = T(L, MSG_ADV_CO_L_TITLE_EN),
                              .value = val(v, c, "title_en", c ? c->title_en : NULL),
                              .error = web_errs_get(e, "title_en"),
                              .maxlength = CONSULTATION_TITLE_MAX});
    web_adv_institution_select(r, "co-inst", ic, n_ic,
                               val(v, c, "institution", c ? c->institution_slug : NULL),
                               web_errs_get(e, "institution"));
    web_field(r, &(web_input){.id = "co-url",
                              .name = "url",
                              .type = "url",
                              .label = T(L, MSG_ADV_CO_L_URL),
                              .value = val(v, c, "url", c ? c->url : NULL),
                              .error = web_errs_get(e, "url")});
    wc_date_field(r, "co-deadline", "deadline_on", T(L, MSG_ADV_CO_L_DEADLINE), NULL,
                  val(v, c, "deadline_on", c ? c->deadline_on : NULL),
                  web_errs_get(e, "deadline_on"), true);
    char pos[24] = "";
    if (c && c->n_positions)
        snprintf(pos, sizeof pos, "%lld", (long long)c->positions[0].id);
    web_field(r, &(web_input){.id = "co-position",
                              .name = "position",
                              .type = "text",
                              .label = T(L, MSG_ADV_CO_L_POSITION),
                              .hint = T(L, MSG_ADV_CO_H_POSITION),
                              .value = val(v, c, "position", pos),
                              .error = web_errs_get(e, "position"),
                              .maxlength = 20});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_ADV_CO_SAVE));
}

static void item(req *r, const consultation_rec *c, bool manage)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<li class=\"adv-co%R\" id=\"consultation-%D\"><h3>", c->open ? "" : " adv-co-past",
             (long long)c->id);
    const char *title = web_org_text(r, c->title_sr, c->title_en);
    if (c->url && html_url_safe(c->url))
        html_fmt(o, "<a href=\"%s\" rel=\"nofollow noopener\">%s</a>", c->url, title);
    else
        html_fmt(o, "%s", title);
    html_raw(o, "</h3><p class=\"muted\">");
    html_fmt(o, "<strong>%s</strong>",
             arena_printf(r->a, T(L, MSG_ADV_CO_DEADLINE), wf_ymd(r, c->deadline_on)));
    if (c->institution_slug)
        html_fmt(o, " · <a href=\"/orgs/%q\">%s</a>", c->institution_slug,
                 web_org_text(r, c->institution_name, c->institution_name_en));
    if (c->is_demo)
        html_fmt(o, " · <span class=\"badge badge-demo\">%s</span>", T(L, MSG_ADV_DEMO_BADGE));
    html_raw(o, "</p>");
    if (c->n_positions) {
        html_fmt(o, "<p>%s ", T(L, MSG_ADV_CO_ANSWERED_BY));
        for (size_t i = 0; i < c->n_positions; i++) {
            const consultation_position *p = &c->positions[i];
            const char *t = web_org_text(r, p->title_sr, p->title_en);
            html_fmt(o, "%R<a href=\"/positions/%D\">%s</a> (%s)", i ? ", " : "", (long long)p->id,
                     t ? t : "", web_adv_stage_label(L, p->stage));
        }
        html_raw(o, "</p>");
    } else if (c->open) {
        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_ADV_CO_NO_POSITION));
    }
    if (manage)
        html_fmt(o, "<p><a href=\"/consultations?edit=%D#consultation-form\">%s</a></p>",
                 (long long)c->id, T(L, MSG_ADV_CO_EDIT));
    html_raw(o, "</li>");
}

static void page(req *r, const co_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char today[11];
    wf_today(today);
    consultation_rec *c = NULL;
    size_t n = 0;
    db_status st = consultation_list(r->db, r->a, today, &c, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "consultation_list");
        return;
    }
    bool manage = may_manage(r);
    const consultation_rec *editing = NULL;
    co_view ev = {0};
    if (manage && !v) {
        const char *s = req_query(r, "edit");
        long long id = s ? strtoll(s, NULL, 10) : 0;
        for (size_t i = 0; id > 0 && i < n; i++)
            if (c[i].id == id) {
                editing = &c[i];
                ev.id = id;
                v = &ev;
            }
    } else if (v && v->id) {
        for (size_t i = 0; i < n; i++)
            if (c[i].id == v->id)
                editing = &c[i];
    }
    page_meta pm = {
        .title = T(L, MSG_ADV_CO_TITLE), .description = T(L, MSG_ADV_CO_LEAD), .nav = "start"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div>"
             "<p><a href=\"/consultations.ics\">%s</a></p></div>\n",
             T(L, MSG_ADV_CO_TITLE), T(L, MSG_ADV_CO_LEAD), T(L, MSG_ADV_CO_ICS));
    if ((!v || !v->typed) && req_query(r, "saved"))
        web_notice(r, T(L, MSG_ADV_CO_SAVED));
    size_t n_open = 0;
    for (size_t i = 0; i < n; i++)
        n_open += c[i].open;
    html_fmt(o,
             "<section aria-labelledby=\"co-open-h\"><h2 id=\"co-open-h\">%s <span "
             "class=\"count\">%d</span></h2>",
             T(L, MSG_ADV_CO_OPEN), (int)n_open);
    if (!n_open)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_ADV_CO_NONE_OPEN));
    else
        html_raw(o, "<ul class=\"adv-co-list\">");
    for (size_t i = 0; i < n; i++)
        if (c[i].open)
            item(r, &c[i], manage);
    if (n_open)
        html_raw(o, "</ul>");
    html_raw(o, "</section>\n");
    if (n > n_open) {
        html_fmt(o,
                 "<section aria-labelledby=\"co-past-h\"><h2 id=\"co-past-h\">%s <span "
                 "class=\"count\">%d</span></h2><ul class=\"adv-co-list\">",
                 T(L, MSG_ADV_CO_PAST), (int)(n - n_open));
        for (size_t i = 0; i < n; i++)
            if (!c[i].open)
                item(r, &c[i], manage);
        html_raw(o, "</ul></section>\n");
    }
    if (manage)
        the_form(r, v, editing);
    layout_end(r);
}

void web_consultations(req *r)
{
    page(r, NULL);
}

static void save(req *r, int64_t id)
{
    if (!may_manage(r)) {
        resp_error(r, 403, T(r->lang, MSG_ADV_CO_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    consultation_input in = {form_get(&f, "title_sr"),    form_get(&f, "title_en"),
                             form_get(&f, "institution"), form_get(&f, "url"),
                             form_get(&f, "deadline_on"), form_get(&f, "position")};
    int64_t new_id = 0;
    db_status st =
        consultation_save(r->db, id, &in, r->user->person_id, r->client_ip, &new_id, &fe);
    if (st == DB_OK) {
        resp_redirect(
            r, arena_printf(r->a, "/consultations?saved=1#consultation-%lld", (long long)new_id));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_ADV_CO_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "consultation_save");
        return;
    }
    web_errs e = {0};
    web_adv_errors(r, &fe, &e);
    co_view v = {id, &f, &e};
    r->status = 422;
    page(r, &v);
}

void web_consultation_create(req *r)
{
    save(r, 0);
}

void web_consultation_update(req *r)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || id <= 0) {
        resp_error(r, 404, T(r->lang, MSG_ADV_CO_NOT_FOUND));
        return;
    }
    save(r, id);
}

/* The host part of UIDs: the configured public host, else "scan". */
static const char *uid_host(req *r)
{
    const char *base = web_base_url(r);
    const char *p = base ? strstr(base, "://") : NULL;
    return p ? p + 3 : "scan";
}

/* GET /consultations.ics: every consultation's deadline (consultation_ics). */
void web_consultations_ics(req *r)
{
    lang_id L = r->lang;
    char today[11];
    wf_today(today);
    consultation_rec *c = NULL;
    size_t n = 0;
    db_status st = consultation_list(r->db, r->a, today, &c, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "consultation_list");
        return;
    }
    const char *prefix = arena_printf(r->a, T(L, MSG_ADV_CO_ICS_SUMMARY), "");
    if (!prefix || !consultation_ics(&r->out, L, T(L, MSG_ADV_CO_TITLE), prefix, c, n, uid_host(r),
                                     web_base_url(r))) {
        buf_reset(&r->out);
        resp_fail(r, DB_NOMEM, "consultations.ics");
        return;
    }
    r->content_type = "text/calendar; charset=utf-8";
    resp_header(r, "Content-Disposition", "inline; filename=\"consultations.ics\"");
}
