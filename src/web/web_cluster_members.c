/* web_cluster_members.c: a cluster's members page.
 *
 *   GET  /orgs/{slug}/members/manage    the members form: add, end
 *   POST /orgs/{slug}/members           propose a member (by its PIB,
 *                                       address or name); the
 *                                       secretariat's addition is accepted
 *                                       at once (membership.h)
 *   POST /orgs/{slug}/members/{id}/end  end a membership on a date
 *
 * Rights: RIGHT_MEMBERS_EDIT. Errors are shown next to their fields with
 * everything typed kept. */
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/cluster.h"
#include "model/membership.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* --- members: GET /orgs/{slug}/members/manage, POST add and end --------------------------- */

static const char *const role_codes[] = {"member", "founding_member", "board", NULL};

typedef struct members_view {
    const char *org, *role, *joined_on; /* the add form as typed */
    const web_errs *errs;               /* the add form's errors */
    int64_t end_id;                     /* the membership whose end failed */
    const char *end_value, *end_error;
    bool end_confirm; /* end_error asks to confirm: the form carries confirm=1 */
    bool not_found;   /* the organisation typed is not in the directory */
} members_view;

/* The reader's name of the entry at slug, for notices; the slug itself
 * when there is none (the notice still says something true). */
static const char *name_by_slug(req *r, const char *slug)
{
    org_rec o;
    bool found = false;
    if (strlen(slug) > 200 || org_get(r->db, r->a, slug, 0, &o, &found) != DB_OK || !found)
        return slug;
    return web_org_name(r, &o);
}

static void members_page(req *r, const org_rec *org, const members_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    cluster_member_rec *m = NULL;
    size_t n = 0;
    db_status st = cluster_members(r->db, r->a, org->id, NULL, &m, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_members");
        return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_CL_MEMBERS_TITLE), web_org_name(r, org));
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    wc_form_head(r, org, title, T(L, MSG_CL_MEMBERS_CRUMB));
    const char *added = req_query(r, "added");
    if (!v->errs && !v->end_error) {
        if (added)
            web_notice(r, arena_printf(r->a, T(L, MSG_CL_MEMBER_ADDED), name_by_slug(r, added)));
        else if (req_query(r, "proposed"))
            web_notice(r, arena_printf(r->a, T(L, MSG_MP_PROPOSED),
                                       name_by_slug(r, req_query(r, "proposed"))));
        else if (req_query(r, "proposed_sec"))
            web_notice(r, arena_printf(r->a, T(L, MSG_MP_PROPOSED_SEC),
                                       name_by_slug(r, req_query(r, "proposed_sec"))));
        else if (req_query(r, "withdrawn"))
            web_notice(r, T(L, MSG_MP_WITHDRAWN));
        else if (req_query(r, "ended"))
            web_notice(r, arena_printf(r->a, T(L, MSG_CL_MEMBER_ENDED_NAMED),
                                       name_by_slug(r, req_query(r, "ended"))));
    }
    char today[11];
    wf_today(today);

    html_fmt(o,
             "<section class=\"panel members-add\" aria-labelledby=\"add-title\">"
             "<h2 id=\"add-title\">%s</h2>",
             T(L, MSG_CL_ADD_MEMBER));
    web_error_summary(r, v->errs);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/members\" novalidate>",
             org->slug);
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "mem-org",
                              .name = "org",
                              .type = "text",
                              .label = T(L, MSG_CL_L_ORG),
                              .value = v->org,
                              .hint = T(L, MSG_CL_H_ORG),
                              .error = web_errs_get(v->errs, "org"),
                              .required = true,
                              .autocomplete = "off",
                              .suggest = "fill",
                              .maxlength = 200});
    if (v->not_found) /* where the manager is stuck: the way to add the entry */
        html_fmt(o,
                 "<p class=\"field-note\" id=\"mem-org-propose\"><a href=\"/orgs/new\">%s</a></p>",
                 T(L, MSG_NEWUSER_PROPOSE_MISSING));
    wc_code_select(r, "mem-role", "role", T(L, MSG_CL_COL_ROLE), role_codes, wf_role_label,
                   v->role ? v->role : "member", web_errs_get(v->errs, "role"), false);
    wc_date_field(r, "mem-joined", "joined_on", T(L, MSG_CL_COL_JOINED), T(L, MSG_CL_H_JOINED),
                  v->joined_on, web_errs_get(v->errs, "joined_on"), true);
    html_fmt(
        o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form></section>",
        T(L, MSG_CL_ADD_BUTTON));

    html_fmt(o,
             "<section class=\"panel members-current\" aria-labelledby=\"cur-title\"><h2 "
             "id=\"cur-title\">%s <span "
             "class=\"count\">%d</span></h2>",
             T(L, MSG_CL_CURRENT_MEMBERS), (int)n);
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CL_NO_MEMBERS));
    else
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data members-manage\"><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead><tbody>",
                 T(L, MSG_CL_COL_NAME), T(L, MSG_CL_COL_ROLE), T(L, MSG_CL_COL_JOINED),
                 T(L, MSG_CL_END_MEMBERSHIP));
    for (size_t i = 0; i < n; i++) {
        const cluster_member_rec *x = &m[i];
        org_rec as_org = {.slug = x->slug, .name = x->name};
        bool failed = v->end_id == x->id && v->end_error;
        const char *id = arena_printf(r->a, "end-%lld", (long long)x->id);
        html_fmt(
            o,
            "<tr><th scope=\"row\"><a href=\"/orgs/%q\">%s</a></th><td>%s</td><td>%s</td><td>"
            "<form method=\"post\" action=\"/orgs/%q/members/%D/end\" class=\"inline-form%R\">",
            x->slug, web_org_name(r, &as_org), wf_role_label(L, x->role), wf_ymd(r, x->joined_on),
            org->slug, (long long)x->id, failed ? " field-invalid" : "");
        layout_csrf_field(r);
        html_fmt(o, "<label class=\"visually-hidden\" for=\"%s\">%s</label>", id,
                 arena_printf(r->a, T(L, MSG_CL_LEFT_ON_FOR), web_org_name(r, &as_org)));
        if (failed)
            html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, v->end_error);
        const char *left_on = failed && v->end_value ? v->end_value : today;
        html_fmt(o, "<input id=\"%s\" name=\"left_on\" type=\"%s\" value=\"%s\"", id,
                 web_date_type(left_on), left_on);
        if (failed)
            html_fmt(o, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
        html_raw(o, ">");
        if (failed && v->end_confirm)
            html_raw(o, "<input type=\"hidden\" name=\"confirm\" value=\"1\">");
        html_fmt(o,
                 "<button type=\"submit\" class=\"button-small "
                 "button-secondary\">%s</button></form></td></tr>",
                 T(L, failed && v->end_confirm ? MSG_CL_END_CONFIRM_BUTTON : MSG_CL_END_BUTTON));
    }
    if (n)
        html_raw(o, "</tbody></table></div>");
    html_raw(o, "</section>\n");
    web_membership_pending_of_cluster(r, org); /* proposals, each with Withdraw */
    layout_end(r);
}

void web_cluster_members_form(req *r)
{
    org_rec o;
    if (!wc_load(r, &o, RIGHT_MEMBERS_EDIT))
        return;
    members_view v = {0};
    members_page(r, &o, &v);
}

/* The organisation named by what the manager typed: its PIB (9 digits),
 * or its directory address (slug), optionally as /orgs/slug or a full URL.
 * *found false when none matches; *bad_pib true when the text has the
 * shape of a PIB but its check digit is wrong (nothing is looked up). *pib
 * tells which kind of lookup was made, for the message. */
static db_status find_org(req *r, const char *typed, org_rec *out, bool *found, bool *pib,
                          bool *bad_pib, bool *several)
{
    *found = false;
    *bad_pib = false;
    *several = false;
    *pib = strlen(typed) == 9 && strspn(typed, "0123456789") == 9;
    if (*pib) {
        if (!org_pib_valid(typed)) {
            *bad_pib = true;
            return DB_OK;
        }
        int64_t id = 0;
        db_status st = org_id_by_pib(r->db, typed, &id);
        if (st != DB_OK || id == 0)
            return st;
        return org_get(r->db, r->a, NULL, id, out, found);
    }
    const char *slug = strrchr(typed, '/') ? strrchr(typed, '/') + 1 : typed;
    if (!*slug)
        return DB_OK;
    char *lower = arena_strdup(r->a, slug);
    if (!lower)
        return DB_NOMEM;
    for (char *c = lower; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    db_status st = org_get(r->db, r->a, lower, 0, out, found);
    if (st != DB_OK || *found)
        return st;
    /* a name as typed, in any script ("Niš", "Nis", "Ниш" alike) */
    int64_t id = 0;
    if ((st = org_id_by_name(r->db, typed, &id, several)) != DB_OK || id == 0)
        return st;
    return org_get(r->db, r->a, NULL, id, out, found);
}

void web_cluster_member_add(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!wc_load(r, &cl, RIGHT_MEMBERS_EDIT))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {
        {"org", FV_TEXT, FORM_REQUIRED, 1, 200, NULL},
        {"role", FV_ENUM, FORM_REQUIRED, 0, 0, role_codes},
        {"joined_on", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
    };
    form_value val[3];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, 3, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    members_view v = {
        .org = val[0].text, .role = val[1].text, .joined_on = val[2].text, .errs = &e};
    org_rec member;
    bool found = false, pib = false, bad_pib = false, several = false;
    /* the typeahead's choice, when script ran: the entry's address */
    const char *picked = form_get(&f, "org_pick");
    if (!web_errs_get(&e, "org")) {
        db_status st = DB_OK;
        if (picked && *picked && strlen(picked) <= 200)
            st = org_get(r->db, r->a, picked, 0, &member, &found);
        if (st == DB_OK && !found)
            st = find_org(r, val[0].text, &member, &found, &pib, &bad_pib, &several);
        if (st != DB_OK) {
            resp_fail(r, st, "member lookup");
            return;
        }
        /* only a published entry can be a member (membership_propose):
           any other is answered as a name that matches nothing, so the
           form tells no one that a draft exists */
        if (found && (!member.status || strcmp(member.status, "published") != 0))
            found = false;
        if (bad_pib)
            web_errs_add(&e, "org", T(L, MSG_FORM_ERR_PIB));
        else if (several)
            web_errs_add(&e, "org", T(L, MSG_CL_ERR_SEVERAL));
        else if (!found) {
            web_errs_add(&e, "org", T(L, pib ? MSG_CL_ERR_PIB : MSG_CL_ERR_NO_ORG));
            v.not_found = true;
        }
    }
    if (e.n == 0) {
        /* a manager proposes; the organisation (or the secretariat) accepts */
        form_errors me = {0};
        membership_outcome done = MEMBERSHIP_PROPOSED;
        db_status st =
            membership_propose(r->db, r->user, cl.id, member.id, val[1].text, val[2].text,
                               r->client_ip, web_base_url(r), &me, &done, NULL);
        if (st == DB_OK) {
            /* who is asked: the organisation's representatives, or the
             * secretariat when it has none */
            bool rep = true;
            if (done != MEMBERSHIP_ADDED &&
                (st = rights_org_has_representative(r->db, member.id, &rep)) != DB_OK) {
                resp_fail(r, st, "representative");
                return;
            }
            resp_redirect(r, arena_printf(r->a, "/orgs/%s/members/manage?%s=%s", cl.slug,
                                          done == MEMBERSHIP_ADDED ? "added"
                                          : rep                    ? "proposed"
                                                                   : "proposed_sec",
                                          member.slug));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "membership_propose");
            return;
        }
        for (size_t i = 0; i < me.n_items; i++)
            if (strcmp(me.items[i].field, "org_id") == 0 ||
                strcmp(me.items[i].field, "cluster_id") == 0)
                me.items[i].field = "org";
        /* the model's "no such organisation" (an entry that is not
           published, e.g. a pending proposal): worded as the lookup's */
        if (me.n_items && me.items[0].code == FE_INVALID && strcmp(me.items[0].field, "org") == 0) {
            web_errs_add(&e, "org", T(L, pib ? MSG_CL_ERR_PIB : MSG_CL_ERR_NO_ORG));
            me.n_items = 0;
        }
        web_errs_from_form(r, &me, &e);
        if (e.n == 0)
            web_errs_add(&e, "org", T(L, MSG_FORM_ERR_INVALID));
    }
    r->status = 422;
    members_page(r, &cl, &v);
}

void web_cluster_member_end(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!wc_load(r, &cl, RIGHT_MEMBERS_EDIT))
        return;
    int64_t id = 0;
    const char *p = req_param(r, "id");
    cluster_member_rec *m = NULL;
    size_t n = 0;
    db_status st = cluster_members(r->db, r->a, cl.id, NULL, &m, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_members");
        return;
    }
    bool current = false;
    if (p && str_to_i64(p, &id))
        for (size_t i = 0; i < n && !current; i++)
            current = m[i].id == id;
    if (!current) { /* not a current membership of this cluster */
        resp_error(r, 404, T(L, MSG_CL_NO_MEMBERSHIP));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *left = form_get(&f, "left_on");
    const cluster_member_rec *mine = NULL;
    for (size_t i = 0; i < n; i++)
        if (m[i].id == id)
            mine = &m[i];
    const char *who = name_by_slug(r, mine->slug);
    /* ending is final and needs nobody's consent: the first press asks */
    const char *confirm = form_get(&f, "confirm");
    if (!confirm || strcmp(confirm, "1") != 0) {
        members_view v = {.end_id = id,
                          .end_value = left,
                          .end_confirm = true,
                          .end_error = arena_printf(r->a, T(L, MSG_CL_END_ASK), who)};
        r->status = 422;
        members_page(r, &cl, &v);
        return;
    }
    form_errors fe = {0};
    st = cluster_member_end(r->db, id, left, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r,
                      arena_printf(r->a, "/orgs/%s/members/manage?ended=%s", cl.slug, mine->slug));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_CL_NO_MEMBERSHIP));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "cluster_member_end");
        return;
    }
    buf t = BUF_INIT;
    if (fe.n_items)
        form_error_text(&t, L, &fe.items[0]);
    else
        buf_puts(&t, T(L, MSG_FORM_ERR_DATE));
    members_view v = {
        .end_id = id, .end_value = left, .end_error = arena_strdup(r->a, buf_str(&t))};
    buf_free(&t);
    r->status = 422;
    members_page(r, &cl, &v);
}
