/* web_cluster_team.c: a cluster's management team.
 *
 *   POST /orgs/{slug}/team           invite a person (by e-mail) to the
 *                                    management team, the same answer
 *                                    whether or not the address has an
 *                                    account
 *   POST /orgs/{slug}/team/{id}/end  end a team membership on a date
 *   GET/POST /orgs/{slug}/team/accept   the invited person accepts
 *
 * and the team panel of the edit page (wc_team_panel). Rights:
 * RIGHT_ORG_EDIT; accepting needs only the invitation. */
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/auth.h"
#include "model/cluster.h"
#include "model/org.h"
#include "model/person.h"
#include "model/rights.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* The management team fieldset of the edit page: the current members,
 * each with an End form, and the add form. */
void wc_team_panel(req *r, const org_rec *org, const cluster_info *ci, const wc_edit_view *v,
                   const char *today)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const web_errs *e = wc_errs_of(v, "team");
    html_fmt(o,
             "<section class=\"panel cl-edit\" id=\"team\" aria-labelledby=\"ed-team\">"
             "<fieldset><legend><h2 id=\"ed-team\">%s</h2></legend>",
             T(L, MSG_CL_TEAM));
    size_t current = 0;
    for (size_t i = 0; i < ci->n_team; i++)
        current += wc_empty(ci->team[i].until);
    if (current == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CL_TEAM_NONE));
    else
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data team-manage\"><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\" "
                 "class=\"num\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>"
                 "</thead><tbody>",
                 T(L, MSG_CL_COL_PERSON), T(L, MSG_CL_COL_ROLE), T(L, MSG_CL_COL_FTE),
                 T(L, MSG_CL_L_SINCE), T(L, MSG_CL_TEAM_COL_END));
    for (size_t i = 0; i < ci->n_team; i++) {
        const cluster_team_rec *t = &ci->team[i];
        if (!wc_empty(t->until))
            continue;
        const char *name = wc_text(r, t->name) ? wc_text(r, t->name) : "";
        if (t->invited) /* the address, not the name: the form must not say whose it is */
            name = arena_printf(r->a, T(L, MSG_CL_TEAM_PENDING), t->email ? t->email : "");
        bool failed = v->end_id == t->id && v->end_error;
        const char *id = arena_printf(r->a, "team-end-%lld", (long long)t->id);
        html_fmt(o, "<tr><th scope=\"row\">%s", name);
        if (t->manager)
            html_fmt(o, " <span class=\"tag\">%s</span>", T(L, MSG_CL_TEAM_MANAGER_TAG));
        html_fmt(o,
                 "</th><td>%s</td><td class=\"num\">%s</td><td>%s</td><td>"
                 "<form method=\"post\" action=\"/orgs/%q/team/%D/end\" class=\"inline-form%R\">",
                 wc_text(r, t->role), wc_fte_text(r, t->fte_milli),
                 wc_empty(t->since) ? "" : wf_ymd(r, t->since), org->slug, (long long)t->id,
                 failed ? " field-invalid" : "");
        layout_csrf_field(r);
        html_fmt(o, "<label class=\"visually-hidden\" for=\"%s\">%s</label>", id,
                 arena_printf(r->a, T(L, MSG_CL_TEAM_UNTIL_FOR), name));
        if (failed)
            html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, v->end_error);
        const char *until = failed && v->end_value ? v->end_value : today;
        html_fmt(o, "<input id=\"%s\" name=\"until\" type=\"%s\" value=\"%s\"", id,
                 web_date_type(until), until);
        if (failed)
            html_fmt(o, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
        html_fmt(o,
                 "><button type=\"submit\" class=\"button-small button-secondary\">%s</button>"
                 "</form></td></tr>",
                 T(L, MSG_CL_END_BUTTON));
    }
    if (current)
        html_raw(o, "</tbody></table></div>");
    html_fmt(o, "<h3>%s</h3>", T(L, MSG_CL_TEAM_ADD));
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/team\" novalidate>",
             org->slug);
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "ce-team-email",
                              .name = "email",
                              .type = "email",
                              .label = T(L, MSG_CL_TEAM_L_EMAIL),
                              .hint = T(L, MSG_CL_TEAM_H_EMAIL),
                              .value = wc_shown(v, "team", 0, NULL),
                              .error = web_errs_get(e, "email"),
                              .required = true,
                              .autocomplete = "off",
                              .maxlength = 254});
    web_field(r, &(web_input){.id = "ce-team-role",
                              .name = "role",
                              .type = "text",
                              .label = T(L, MSG_CL_COL_ROLE),
                              .value = wc_shown(v, "team", 1, NULL),
                              .error = web_errs_get(e, "role"),
                              .required = true,
                              .maxlength = 100});
    web_field(r, &(web_input){.id = "ce-team-fte",
                              .name = "fte",
                              .type = "text",
                              .label = T(L, MSG_CL_TEAM_L_FTE),
                              .hint = T(L, MSG_CL_TEAM_H_FTE),
                              .value = wc_shown(v, "team", 2, "1"),
                              .error = web_errs_get(e, "fte"),
                              .required = true,
                              .maxlength = 5});
    wc_date_field(r, "ce-team-since", "since", T(L, MSG_CL_L_SINCE), NULL,
                  wc_shown(v, "team", 3, today), web_errs_get(e, "since"), false);
    web_field(r, &(web_input){.id = "ce-team-name",
                              .name = "name",
                              .type = "text",
                              .label = T(L, MSG_CL_TEAM_L_NAME),
                              .hint = T(L, MSG_CL_TEAM_H_NAME),
                              .value = wc_shown(v, "team", 4, NULL),
                              .error = web_errs_get(e, "name"),
                              .maxlength = 200});
    web_field(r, &(web_input){.id = "ce-team-role-en",
                              .name = "role_en",
                              .type = "text",
                              .label = T(L, MSG_CL_TEAM_L_ROLE_EN),
                              .value = wc_shown(v, "team", 5, NULL),
                              .error = web_errs_get(e, "role_en"),
                              .maxlength = 100});
    /* team and rights as one path: the invitation offers the manager
     * right, ticked unless a failed post had it unticked */
    bool manager = !v->part || strcmp(v->part, "team") != 0 || v->f[6];
    html_fmt(o,
             "<div class=\"field field-check\"><input type=\"checkbox\" id=\"ce-team-manager\" "
             "name=\"manager\" value=\"1\" aria-describedby=\"ce-team-manager-hint\"%R>"
             "<label for=\"ce-team-manager\">%s</label><p class=\"field-hint\" "
             "id=\"ce-team-manager-hint\">%s</p></div>",
             manager ? " checked" : "", T(L, MSG_CL_TEAM_L_MANAGER), T(L, MSG_CL_TEAM_H_MANAGER));
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</fieldset></section>\n",
             T(L, MSG_CL_TEAM_ADD));
}

/* --- the management team: POST /orgs/{slug}/team, POST /orgs/{slug}/team/{id}/end ---------- */

/* A share of full time typed as a decimal from 0 to 1 with at most three
 * decimals ('.' or ',' as the mark) into thousandths; false otherwise. */
static bool fte_parse(const char *s, int *milli)
{
    size_t n_int = strspn(s, "0123456789");
    if (n_int == 0 || n_int > 1)
        return false;
    int v = (s[0] - '0') * 1000;
    s += n_int;
    if (*s == '.' || *s == ',') {
        s++;
        size_t n_frac = strspn(s, "0123456789");
        if (n_frac == 0 || n_frac > 3)
            return false;
        for (size_t i = 0, scale = 100; i < n_frac; i++, scale /= 10)
            v += (s[i] - '0') * (int)scale;
        s += n_frac;
    }
    if (*s || v > 1000)
        return false;
    *milli = v;
    return true;
}

void web_cluster_team_add(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!wc_load(r, &cl, RIGHT_ORG_EDIT))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {
        {"email", FV_EMAIL, FORM_REQUIRED, 0, 254, NULL},
        {"role", FV_TEXT, FORM_REQUIRED, 1, 100, NULL},
        {"fte", FV_TEXT, FORM_REQUIRED, 1, 5, NULL},
        {"since", FV_TEXT, 0, 0, 10, NULL},
        {"name", FV_TEXT, 0, 0, 200, NULL},
        {"role_en", FV_TEXT, 0, 0, 100, NULL},
        {"manager", FV_BOOL, 0, 0, 0, NULL},
    };
    form_value val[7];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, 7, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    wc_edit_view v = {.part = "team", .errs = &e};
    for (size_t i = 0; i < 6; i++)
        v.f[i] = val[i].text;
    v.f[6] = val[6].i ? "1" : NULL;
    int fte = 0;
    if (!web_errs_get(&e, "fte") && !fte_parse(val[2].text, &fte))
        web_errs_add(&e, "fte", T(L, MSG_CL_TEAM_ERR_FTE));
    const char *base = NULL;
    if (!e.n && !(base = web_base_url(r))) {
        resp_error(r, 400, T(L, MSG_ERR_HOST));
        return;
    }
    if (e.n == 0) {
        /* An invitation, whether or not the address has an account, and
         * the same answer either way: the form must not tell the manager
         * who has an account. Without one (or without a password yet) the
         * address first gets an account invitation; the name typed (or the
         * address) names the new account. */
        const char *email = val[0].text;
        bool can_log_in = false;
        db_status st = person_can_log_in(r->db, email, &can_log_in);
        if (st == DB_OK && !can_log_in) {
            char token[AUTH_TOKEN_LEN + 1] = "";
            st = auth_invite(r->db, val[4].present ? val[4].text : email, email, 0, NULL,
                             r->user->person_id, r->lang, base, token);
            memset(token, 0, sizeof token); /* it travels by mail only */
        }
        int64_t person = 0;
        if (st == DB_OK)
            st = person_id_by_email(r->db, email, &person);
        if (st == DB_OK && person == 0)
            st = DB_ERR; /* auth_invite made the person */
        if (st != DB_OK) {
            resp_fail(r, st, "team invitation");
            return;
        }
        form_errors me = {0};
        const char *since = val[3].text && *val[3].text ? val[3].text : NULL;
        st = cluster_team_invite(r->db, cl.id, person, val[1].text, val[5].text, val[6].i != 0, fte,
                                 since, arena_printf(r->a, "%s/orgs/%s/team/accept", base, cl.slug),
                                 r->user->person_id, r->client_ip, &me);
        if (st == DB_OK) {
            resp_redirect(
                r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=team-invited#team", cl.slug));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "cluster_team_invite");
            return;
        }
        for (size_t i = 0; i < me.n_items; i++) {
            if (strcmp(me.items[i].field, "person_id") == 0)
                me.items[i].field = "email";
            else if (strcmp(me.items[i].field, "fte_milli") == 0)
                me.items[i].field = "fte";
            else if (strcmp(me.items[i].field, "org_id") == 0)
                me.items[i].field = "email";
        }
        web_errs_from_form(r, &me, &e);
        if (e.n == 0)
            web_errs_add(&e, "email", T(L, MSG_FORM_ERR_INVALID));
    }
    r->status = 422;
    wc_edit_page(r, &cl, &v);
}

void web_cluster_team_end(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!wc_load(r, &cl, RIGHT_ORG_EDIT))
        return;
    cluster_info ci;
    db_status st = cluster_get(r->db, r->a, cl.id, false, &ci);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_get");
        return;
    }
    int64_t id = 0;
    const char *p = req_param(r, "id");
    bool current = false;
    if (p && str_to_i64(p, &id))
        for (size_t i = 0; i < ci.n_team && !current; i++)
            current = ci.team[i].id == id && wc_empty(ci.team[i].until);
    if (!current) { /* not a current team member of this cluster */
        resp_error(r, 404, T(L, MSG_CL_TEAM_NO_ROW));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *until = form_get(&f, "until");
    if (until && !*until)
        until = NULL;
    st = cluster_team_end(r->db, id, until, r->user->person_id, r->client_ip);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=team#team", cl.slug));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_CL_TEAM_NO_ROW));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "cluster_team_end");
        return;
    }
    wc_edit_view v = {.end_id = id, .end_value = until, .end_error = T(L, MSG_CL_TEAM_ERR_UNTIL)};
    r->status = 422;
    wc_edit_page(r, &cl, &v);
}

/* --- accepting a team invitation: GET and POST /orgs/{slug}/team/accept ------------------- */

/* The logged-in person's pending invitation to org's team, or NULL. */
static const cluster_team_rec *my_invitation(req *r, const org_rec *org, cluster_info *ci,
                                             db_status *st)
{
    *st = cluster_get(r->db, r->a, org->id, false, ci);
    for (size_t i = 0; *st == DB_OK && i < ci->n_team; i++)
        if (ci->team[i].invited && wc_empty(ci->team[i].until) &&
            ci->team[i].person_id == r->user->person_id)
            return &ci->team[i];
    return NULL;
}

void web_cluster_team_accept_form(req *r)
{
    lang_id L = r->lang;
    org_rec org;
    if (!web_org_load(r, &org))
        return;
    cluster_info ci;
    db_status st;
    const cluster_team_rec *t = my_invitation(r, &org, &ci, &st);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_get");
        return;
    }
    if (!t) {
        resp_error(r, 404, T(L, MSG_CL_TEAM_ACCEPT_NONE));
        return;
    }
    const char *name = web_org_name(r, &org);
    const char *title = arena_printf(r->a, T(L, MSG_CL_TEAM_ACCEPT_TITLE), name);
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    /* the share of full time as a sentence of its own, and only when
     * given: "with 1 of full time" reads badly in Serbian */
    html_fmt(&r->out, "<h1>%s</h1><p>%s", title,
             arena_printf(r->a, T(L, MSG_CL_TEAM_ACCEPT_AS), name, wc_text(r, t->role)));
    if (t->fte_milli > 0)
        html_fmt(&r->out, " %s",
                 arena_printf(r->a, T(L, MSG_CL_TEAM_ACCEPT_FTE), wc_fte_text(r, t->fte_milli)));
    html_fmt(&r->out, "</p><form method=\"post\" action=\"/orgs/%q/team/accept\">", org.slug);
    layout_csrf_field(r);
    html_fmt(&r->out, "<button type=\"submit\">%s</button></form>",
             T(L, MSG_CL_TEAM_ACCEPT_BUTTON));
    layout_end(r);
}

void web_cluster_team_accept(req *r)
{
    org_rec org;
    if (!web_org_load(r, &org))
        return;
    db_status st = cluster_team_accept(r->db, org.id, r->user->person_id, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_CL_TEAM_ACCEPT_NONE));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_team_accept");
        return;
    }
    web_notice_next(r, NOTICE_TEAM_JOINED, 0);
    resp_redirect(r, arena_printf(r->a, "/orgs/%s#cl-team", org.slug));
}
