/* web_invite.c: invitations to a role at an organisation (moved out of
 * web_admin.c). Open to anyone rights_can(RIGHT_INVITE) allows for at
 * least one organisation (cluster managers for their cluster and its
 * members); the organisation list of the form shows exactly those. Forms
 * use the helpers of web_form.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "json/json.h"
#include "html/layout.h"
#include "model/audit.h"
#include "model/auth.h"
#include "model/mail.h"
#include "model/org.h"
#include "model/person.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_admin.h"
#include "web/web_org.h"

/* --- invitations --------------------------------------------------------------- */

typedef struct org_opt {
    int64_t id;
    const char *name;
} org_opt;

static const char *org_opt_name(const void *item)
{
    return ((const org_opt *)item)->name;
}

#define INVITE_MAX_PAGES 50 /* of 100 organisations each */

/* The organisations the user may invite for (rights_can decides, one by
 * one, after the directory has been read) and whether they may invite
 * without one. Arena memory. */
static db_status invite_scope(req *r, org_opt **items, size_t *n, bool *can_none)
{
    *items = NULL;
    *n = 0;
    *can_none = rights_can(r->db, r->user, RIGHT_INVITE, 0);
    size_t cap = 0;
    for (int page = 1; page <= INVITE_MAX_PAGES; page++) {
        org_query q = {.status = "any", .sort = ORG_SORT_NAME, .page = page, .per_page = 100};
        org_list_result res;
        memset(&res, 0, sizeof res);
        db_status st = org_list(r->db, r->a, &q, &res);
        if (st != DB_OK)
            return st;
        for (size_t i = 0; i < res.n_items; i++) {
            const org_rec *x = &res.items[i];
            if (x->status && strcmp(x->status, "archived") == 0)
                continue;
            if (*n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                org_opt *grown = arena_alloc(r->a, ncap * sizeof *grown);
                if (!grown)
                    return DB_NOMEM;
                if (*n)
                    memcpy(grown, *items, *n * sizeof *grown);
                *items = grown;
                cap = ncap;
            }
            (*items)[(*n)++] = (org_opt){x->id, web_org_name(r, x)};
        }
        if (res.n_items < 100)
            break;
    }
    if (!*can_none) { /* not an admin: keep only what rights_can allows */
        size_t kept = 0;
        for (size_t i = 0; i < *n; i++)
            if (rights_can(r->db, r->user, RIGHT_INVITE, (*items)[i].id))
                (*items)[kept++] = (*items)[i];
        *n = kept;
    }
    /* by the reader's alphabet, as the reader sees the names */
    return web_sort_by_name(r, *items, *n, sizeof **items, org_opt_name) ? DB_OK : DB_NOMEM;
}

typedef struct invite_view {
    const char *name, *email, *org, *role; /* as typed */
    const web_errs *errs;
    const char *notice;
} invite_view;

static void invite_page(req *r, const invite_view *v, const org_opt *orgs, size_t n_orgs,
                        bool can_none)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const web_errs *e = v->errs;
    page_meta m = {.title = T(L, MSG_INVITE_TITLE), .nav = "invite"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    if (r->user->secretariat == SEC_ADMIN)
        web_admin_nav(r, "invite");
    html_fmt(o, "<div class=\"form-page form-page-wide\"><h1>%s</h1><p class=\"intro\">%s</p>\n",
             T(L, MSG_INVITE_TITLE), T(L, MSG_INVITE_LEAD));
    if (v->notice) {
        web_notice(r, v->notice);
        if (rights_can(r->db, r->user, RIGHT_USERS_MANAGE, 0))
            html_fmt(o, "<p class=\"notice-more\">%s <a href=\"/admin/outbox\">%s</a></p>\n",
                     T(L, MSG_INVITE_SENT_OUTBOX), T(L, MSG_ADMIN_OUTBOX));
    }
    web_error_summary(r, e);
    html_raw(o, "<form class=\"form panel\" method=\"post\" action=\"/invite\">");
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "inv-name",
                              .name = "name",
                              .type = "text",
                              .label = T(L, MSG_INVITE_NAME),
                              .value = v->name,
                              .autocomplete = "off",
                              .error = web_errs_get(e, "name"),
                              .required = true,
                              .maxlength = 200});
    web_field(r, &(web_input){.id = "inv-email",
                              .name = "email",
                              .type = "email",
                              .label = T(L, MSG_INVITE_EMAIL),
                              .value = v->email,
                              .autocomplete = "off",
                              .error = web_errs_get(e, "email"),
                              .required = true,
                              .maxlength = 254});

    const char *org_err = web_errs_get(e, "org");
    html_fmt(o, "<div class=\"field%R\"><label for=\"inv-org\">%s</label>",
             org_err ? " field-invalid" : "", T(L, MSG_INVITE_ORG));
    if (org_err)
        html_fmt(o, "<p class=\"field-error\" id=\"inv-org-error\">%s</p>", org_err);
    html_fmt(o, "<select id=\"inv-org\" name=\"org\"%R%R>",
             org_err ? " aria-describedby=\"inv-org-error\" aria-invalid=\"true\"" : "",
             can_none ? "" : " required");
    if (can_none)
        html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_INVITE_ORG_NONE));
    else
        html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_INVITE_ORG_CHOOSE));
    for (size_t i = 0; i < n_orgs; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)orgs[i].id);
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", id,
                 v->org && strcmp(v->org, id) == 0 ? " selected" : "", orgs[i].name);
    }
    html_raw(o, "</select></div>\n");

    const char *role_err = web_errs_get(e, "role");
    html_fmt(o,
             "<fieldset class=\"field choices%R\" aria-describedby=\"inv-role-hint%R\">"
             "<legend>%s</legend><p class=\"field-hint\" id=\"inv-role-hint\">%s</p>",
             role_err ? " field-invalid" : "", role_err ? " inv-role-error" : "",
             T(L, MSG_INVITE_ROLE), T(L, MSG_INVITE_ROLE_HINT));
    if (role_err)
        html_fmt(o, "<p class=\"field-error\" id=\"inv-role-error\">%s</p>", role_err);
    static const struct {
        const char *value;
        msg_id label;
    } roles[] = {{"manager", MSG_ROLE_MANAGER}, {"representative", MSG_ROLE_REPRESENTATIVE}};
    for (size_t i = 0; i < 2; i++)
        html_fmt(o,
                 "<div class=\"choice\"><input type=\"radio\" id=\"inv-role-%s\" name=\"role\" "
                 "value=\"%s\"%R><label for=\"inv-role-%s\">%s</label></div>",
                 roles[i].value, roles[i].value,
                 v->role && strcmp(v->role, roles[i].value) == 0 ? " checked" : "", roles[i].value,
                 T(L, roles[i].label));
    html_raw(o, "</fieldset>\n");
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, MSG_INVITE_SUBMIT));
    html_raw(o, "</div>\n");
    layout_end(r);
}

void web_invite_form(req *r)
{
    org_opt *orgs = NULL;
    size_t n = 0;
    bool can_none = false;
    db_status st = invite_scope(r, &orgs, &n, &can_none);
    if (st != DB_OK) {
        resp_fail(r, st, "invite scope");
        return;
    }
    if (!can_none && n == 0) {
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    invite_view v = {0};
    if (req_query(r, "done"))
        v.notice = T(r->lang, MSG_INVITE_SENT);
    invite_page(r, &v, orgs, n, can_none);
}

void web_invite(req *r)
{
    lang_id L = r->lang;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const char *const roles[] = {"manager", "representative", NULL};
    static const form_rule rules[] = {
        {"name", FV_TEXT, FORM_REQUIRED, 1, 200, NULL},
        {"email", FV_EMAIL, FORM_REQUIRED, 0, 254, NULL},
        {"org", FV_INT, 0, 1, INT64_MAX, NULL},
        {"role", FV_ENUM, 0, 0, 0, roles},
    };
    form_value val[4];
    form_errors fe = {0};
    web_errs e = {0};
    form_validate(r->a, &f, rules, 4, val, &fe);
    web_errs_from_form(r, &fe, &e);
    int64_t org = val[2].present && !web_errs_get(&e, "org") ? val[2].i : 0;
    bool can_none = rights_can(r->db, r->user, RIGHT_INVITE, 0);
    /* object level first: inviting for an organisation one has no right
     * on is refused outright, whatever else the form says */
    if (org && !rights_can(r->db, r->user, RIGHT_INVITE, org)) {
        resp_error(r, 403, T(L, MSG_INVITE_FORBIDDEN_ORG));
        return;
    }
    org_opt *orgs = NULL;
    size_t n_orgs = 0;
    if (!org && !can_none) {
        db_status st = invite_scope(r, &orgs, &n_orgs, &can_none);
        if (st != DB_OK) {
            resp_fail(r, st, "invite scope");
            return;
        }
        if (n_orgs == 0) {
            resp_error(r, 403, T(L, MSG_HTTP_ERR_FORBIDDEN));
            return;
        }
        web_errs_add(&e, "org", T(L, MSG_INVITE_ERR_ORG));
    }
    if (org && !val[3].present)
        web_errs_add(&e, "role", T(L, MSG_INVITE_ERR_ROLE));
    /* a manager runs a cluster's or cluster initiative's entry and has no
     * rights anywhere else (rights.h): refused with what to choose instead,
     * before the right to appoint one is asked. A representative may bring
     * colleagues, not appoint managers: that is for whoever manages the
     * cluster (or the secretariat). */
    if (org && val[3].present && strcmp(val[3].text, "manager") == 0) {
        bool takes = false;
        db_status st = rights_org_takes_managers(r->db, org, &takes);
        if (st != DB_OK) {
            resp_fail(r, st, "invite org kind");
            return;
        }
        if (!takes)
            web_errs_add(&e, "role", T(L, MSG_INVITE_ERR_MANAGER_KIND));
        else if (!rights_can(r->db, r->user, RIGHT_MEMBERS_EDIT, org))
            web_errs_add(&e, "role", T(L, MSG_INVITE_ERR_MANAGER));
    }

    const char *base = NULL;
    if (!e.n && !(base = web_base_url(r))) {
        resp_error(r, 400, T(L, MSG_ERR_HOST));
        return;
    }
    if (!e.n) {
        char token[AUTH_TOKEN_LEN + 1] = "";
        db_status st = auth_invite(r->db, val[0].text, val[1].text, org, org ? val[3].text : NULL,
                                   r->user->person_id, r->lang, base, token);
        memset(token, 0, sizeof token); /* it travels by mail only */
        if (st == DB_OK) {
            resp_redirect(r, "/invite?done=sent");
            return;
        }
        resp_fail(r, st, "invite");
        return;
    }
    if (!orgs) {
        db_status st = invite_scope(r, &orgs, &n_orgs, &can_none);
        if (st != DB_OK) {
            resp_fail(r, st, "invite scope");
            return;
        }
    }
    invite_view v = {.name = val[0].text,
                     .email = val[1].text,
                     .org = val[2].text,
                     .role = val[3].text,
                     .errs = &e};
    r->status = 422;
    invite_page(r, &v, orgs, n_orgs, can_none);
}
