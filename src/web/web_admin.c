/* web_admin.c: invitations and the secretariat's administration pages:
 * users (secretariat role, disabling, erasure), the audit log and the mail
 * outbox.
 *
 * The route table flags the admin pages RF_ADMIN, and every handler asks
 * rights_can() as well for the right it exercises, so a change in the
 * rights table reaches these pages too. Invitations are open to anyone
 * rights_can(RIGHT_INVITE) allows for at least one organisation (cluster
 * managers for their cluster and its members); the organisation list of
 * the form shows exactly those. Forms use the helpers of web_form.c. */
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
#include "web/web_org.h"

#define AUDIT_PAGE  50
#define OUTBOX_PAGE 200

/* The "Users · Audit log · Outbox · Invite" row on top of admin pages. */
static void admin_nav(req *r, const char *current)
{
    static const struct {
        const char *key, *href;
        msg_id label;
    } items[] = {
        {"users", "/admin/users", MSG_ADMIN_USERS},
        {"audit", "/admin/audit", MSG_ADMIN_AUDIT},
        {"outbox", "/admin/outbox", MSG_ADMIN_OUTBOX},
        {"invite", "/invite", MSG_ACCOUNT_INVITE_LINK},
    };
    buf *o = &r->out;
    html_fmt(o, "<nav class=\"subnav\" aria-label=\"%s\"><ul>", T(r->lang, MSG_ADMIN_NAV));
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        html_fmt(o, "<li><a href=\"%u\"%R>%s</a></li>", items[i].href,
                 strcmp(items[i].key, current) == 0 ? " aria-current=\"page\"" : "",
                 T(r->lang, items[i].label));
    html_raw(o, "</ul></nav>\n");
}

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
        admin_nav(r, "invite");
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
    /* a representative may bring colleagues, not appoint managers: that is
     * for whoever manages the cluster (or the secretariat) */
    if (org && val[3].present && strcmp(val[3].text, "manager") == 0 &&
        !rights_can(r->db, r->user, RIGHT_MEMBERS_EDIT, org))
        web_errs_add(&e, "role", T(L, MSG_INVITE_ERR_MANAGER));

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

/* --- users ------------------------------------------------------------------------ */

/* The account of {id} from the list (person_account_list is the one way
 * the model lists accounts; the list is small). */
static db_status find_user(req *r, int64_t account_id, person_account *u, bool *found)
{
    person_account *rows = NULL;
    size_t n = 0;
    *found = false;
    db_status st = person_account_list(r->db, r->a, &rows, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        if (rows[i].account_id == account_id) {
            *u = rows[i];
            *found = true;
            break;
        }
    }
    return st;
}

/* An error to show in one row of the users table. */
typedef struct row_err {
    int64_t person_id;
    const char *field; /* "role", "disabled" or "confirm" */
    const char *text;
} row_err;

static void users_page(req *r, const char *notice, const row_err *re)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    person_account *u = NULL;
    size_t n = 0;
    db_status st = person_account_list(r->db, r->a, &u, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "users list");
        return;
    }
    page_meta m = {.title = T(L, MSG_ADMIN_USERS), .nav = "admin"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    admin_nav(r, "users");
    html_fmt(o, "<h1>%s</h1><p class=\"intro\">%s</p>\n", T(L, MSG_ADMIN_USERS),
             T(L, MSG_USERS_LEAD));
    web_notice(r, notice);
    if (re)
        web_alert(r, T(L, MSG_FORM_SUMMARY));
    html_fmt(o,
             "<div class=\"table-wrap\"><table class=\"users\"><caption class=\"visually-hidden\">"
             "%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "</tr></thead><tbody>\n",
             T(L, MSG_ADMIN_USERS), T(L, MSG_USERS_COL_PERSON), T(L, MSG_USERS_COL_ROLE),
             T(L, MSG_USERS_COL_STATUS), T(L, MSG_USERS_COL_LAST_LOGIN), T(L, MSG_USERS_COL_ERASE));
    static const struct {
        const char *value;
        secretariat_role sec;
    } secs[] = {{"none", SEC_NONE}, {"editor", SEC_EDITOR}, {"admin", SEC_ADMIN}};
    for (size_t i = 0; i < n; i++) {
        const person_account *x = &u[i];
        bool self = x->person_id == r->user->person_id;
        bool erased = x->email == NULL;
        bool locked = self || erased; /* no forms on these rows */
        const char *name = erased ? T(L, MSG_ERASED_PERSON) : x->name;
        const char *err_field = re && re->person_id == x->person_id ? re->field : NULL;
        const char *err = err_field ? re->text : NULL;
        long long aid = (long long)x->account_id, pid = (long long)x->person_id;

        html_fmt(o, "<tr id=\"user-%D\"%R><th scope=\"row\"><span class=\"person-name\">%s</span>",
                 aid, erased ? " class=\"erased\"" : "", name);
        if (self)
            html_fmt(o, " <span class=\"tag\">%s</span>", T(L, MSG_USERS_YOU));
        if (x->email)
            html_fmt(o, "<br><span class=\"muted small\">%s</span>", x->email);
        /* what the person manages or represents, and so may change */
        person_affil *aff = NULL;
        size_t n_aff = 0;
        if (!erased && person_affiliations(r->db, r->a, x->person_id, &aff, &n_aff) == DB_OK &&
            n_aff) {
            html_raw(o, "<ul class=\"user-affils\">");
            for (size_t k = 0; k < n_aff; k++)
                html_fmt(o, "<li>%s <a href=\"/orgs/%q\">%s</a></li>",
                         T(L, strcmp(aff[k].role, "manager") == 0 ? MSG_USERS_MANAGER_OF
                                                                  : MSG_USERS_REP_OF),
                         aff[k].org_slug, web_org_text(r, aff[k].org_name, NULL));
            html_raw(o, "</ul>");
        }
        html_raw(o, "</th>\n<td>");

        /* secretariat role */
        if (locked) {
            html_fmt(o, "%s", web_secretariat_label(L, x->secretariat));
        } else {
            bool bad = err_field && strcmp(err_field, "role") == 0;
            html_fmt(o,
                     "<form class=\"inline-form\" method=\"post\" action=\"/admin/users/%D/role\">",
                     aid);
            layout_csrf_field(r);
            html_fmt(o, "<label class=\"visually-hidden\" for=\"role-%D\">%s</label>", aid,
                     T(L, MSG_USERS_COL_ROLE));
            html_fmt(o, "<select id=\"role-%D\" name=\"role\"%R>", aid,
                     bad ? " aria-invalid=\"true\" aria-describedby=\"role-err\"" : "");
            for (size_t k = 0; k < 3; k++)
                html_fmt(o, "<option value=\"%s\"%R>%s</option>", secs[k].value,
                         secs[k].sec == x->secretariat ? " selected" : "",
                         web_secretariat_label(L, secs[k].sec));
            html_fmt(o,
                     "</select> <button type=\"submit\" class=\"button-secondary\">%s</button>"
                     "</form>",
                     T(L, MSG_USERS_CHANGE));
            if (bad)
                html_fmt(o, "<p class=\"field-error\" id=\"role-err\">%s</p>", err);
        }
        html_raw(o, "</td>\n<td>");

        /* status */
        msg_id status = erased           ? MSG_USERS_STATUS_ERASED
                        : x->disabled_at ? MSG_USERS_STATUS_DISABLED
                                         : MSG_USERS_STATUS_ACTIVE;
        html_fmt(o, "<span class=\"status status-%R\">%s</span>",
                 erased           ? "erased"
                 : x->disabled_at ? "disabled"
                                  : "active",
                 T(L, status));
        if (!locked) {
            html_fmt(o,
                     "<form class=\"inline-form\" method=\"post\" "
                     "action=\"/admin/users/%D/disable\">",
                     aid);
            layout_csrf_field(r);
            html_fmt(o,
                     "<input type=\"hidden\" name=\"disabled\" value=\"%R\"><button "
                     "type=\"submit\" class=\"button-secondary\">%s</button></form>",
                     x->disabled_at ? "0" : "1",
                     T(L, x->disabled_at ? MSG_USERS_ENABLE : MSG_USERS_DISABLE));
            if (err_field && strcmp(err_field, "disabled") == 0)
                html_fmt(o, "<p class=\"field-error\">%s</p>", err);
        }
        html_raw(o, "</td>\n<td>");
        web_datetime(r, x->last_login_at, MSG_USERS_NEVER);
        html_raw(o, "</td>\n<td>");

        /* erase, behind a disclosure and a confirmation box */
        if (!locked) {
            bool bad = err_field && strcmp(err_field, "confirm") == 0;
            html_fmt(o, "<details class=\"erase\"%R><summary>%s</summary>", bad ? " open" : "",
                     T(L, MSG_USERS_ERASE_SUMMARY));
            html_fmt(o, "<form method=\"post\" action=\"/admin/people/%D/erase\">", pid);
            layout_csrf_field(r);
            if (bad)
                html_fmt(o, "<p class=\"field-error\" id=\"erase-%D-error\">%s</p>", pid, err);
            html_fmt(o,
                     "<div class=\"choice\"><input type=\"checkbox\" id=\"erase-%D\" "
                     "name=\"confirm\" value=\"yes\" required%R><label for=\"erase-%D\">%s</label>"
                     "</div>",
                     pid, bad ? " aria-invalid=\"true\"" : "", pid, T(L, MSG_USERS_ERASE_CONFIRM));
            html_fmt(o,
                     "<button type=\"submit\" class=\"button-danger\">%s</button></form></details>",
                     T(L, MSG_USERS_ERASE_BUTTON));
        }
        html_raw(o, "</td></tr>\n");
    }
    html_raw(o, "</tbody></table></div>\n");
    layout_end(r);
}

static const struct {
    const char *key;
    msg_id text;
} users_notices[] = {
    {"role", MSG_USERS_DONE_ROLE},
    {"disabled", MSG_USERS_DONE_DISABLED},
    {"enabled", MSG_USERS_DONE_ENABLED},
    {"erased", MSG_USERS_DONE_ERASED},
};

/* The secretariat's right on users, asked of rights_can() on top of the
 * route's RF_ADMIN flag. Writes the 403. */
static bool may_manage_users(req *r)
{
    if (rights_can(r->db, r->user, RIGHT_USERS_MANAGE, 0))
        return true;
    resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
    return false;
}

void web_admin_users(req *r)
{
    if (!may_manage_users(r))
        return;
    const char *notice = NULL;
    const char *done = req_query(r, "done");
    for (size_t i = 0; done && i < sizeof users_notices / sizeof users_notices[0]; i++)
        if (strcmp(done, users_notices[i].key) == 0)
            notice = T(r->lang, users_notices[i].text);
    users_page(r, notice, NULL);
}

/* The account named by {id}, which must exist, be someone else's and not
 * erased. Writes the 4xx and returns false otherwise. */
static bool target_user(req *r, person_account *u)
{
    int64_t id = 0;
    bool found = false;
    if (str_to_i64(req_param(r, "id"), &id) && id > 0) {
        db_status st = find_user(r, id, u, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "find user");
            return false;
        }
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_USERS_NOT_FOUND));
        return false;
    }
    if (u->person_id == r->user->person_id) {
        resp_error(r, 403, T(r->lang, MSG_USERS_SELF));
        return false;
    }
    if (!u->email) {
        resp_error(r, 409, T(r->lang, MSG_USERS_ERASED_ALREADY));
        return false;
    }
    return true;
}

void web_admin_user_role(req *r)
{
    if (!may_manage_users(r))
        return;
    person_account u;
    if (!target_user(r, &u))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const char *const roles[] = {"none", "editor", "admin", NULL};
    static const form_rule rules[] = {{"role", FV_ENUM, FORM_REQUIRED, 0, 0, roles}};
    form_value val[1];
    form_errors fe = {0};
    if (!form_validate(r->a, &f, rules, 1, val, &fe)) {
        web_errs e = {0};
        web_errs_from_form(r, &fe, &e);
        row_err re = {u.person_id, "role", web_errs_get(&e, "role")};
        r->status = 422;
        users_page(r, NULL, &re);
        return;
    }
    static const secretariat_role secs[] = {SEC_NONE, SEC_EDITOR, SEC_ADMIN};
    db_status st = auth_secretariat_set(r->db, u.account_id, secs[val[0].i], r->user->person_id);
    if (st != DB_OK) {
        resp_fail(r, st, "secretariat role");
        return;
    }
    resp_redirect(r, "/admin/users?done=role");
}

void web_admin_user_disable(req *r)
{
    if (!may_manage_users(r))
        return;
    person_account u;
    if (!target_user(r, &u))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const char *const values[] = {"0", "1", NULL};
    static const form_rule rules[] = {{"disabled", FV_ENUM, FORM_REQUIRED, 0, 0, values}};
    form_value val[1];
    form_errors fe = {0};
    if (!form_validate(r->a, &f, rules, 1, val, &fe)) {
        web_errs e = {0};
        web_errs_from_form(r, &fe, &e);
        row_err re = {u.person_id, "disabled", web_errs_get(&e, "disabled")};
        r->status = 422;
        users_page(r, NULL, &re);
        return;
    }
    bool disable = val[0].i == 1;
    db_status st = auth_account_disable(r->db, u.account_id, disable, r->user->person_id);
    if (st != DB_OK) {
        resp_fail(r, st, "disable account");
        return;
    }
    resp_redirect(r, disable ? "/admin/users?done=disabled" : "/admin/users?done=enabled");
}

void web_admin_person_erase(req *r)
{
    lang_id L = r->lang;
    if (!may_manage_users(r))
        return;
    int64_t id = 0;
    if (!str_to_i64(req_param(r, "id"), &id) || id <= 0) {
        resp_error(r, 404, T(L, MSG_USERS_NOT_FOUND));
        return;
    }
    if (id == r->user->person_id) {
        resp_error(r, 403, T(L, MSG_USERS_SELF));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {{"confirm", FV_BOOL, FORM_REQUIRED, 0, 0, NULL}};
    form_value val[1];
    form_errors fe = {0};
    if (!form_validate(r->a, &f, rules, 1, val, &fe)) {
        row_err re = {id, "confirm", T(L, MSG_USERS_ERASE_UNCONFIRMED)};
        r->status = 422;
        users_page(r, NULL, &re);
        return;
    }
    db_status st = person_erase(r->db, id, r->user->person_id, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_USERS_NOT_FOUND));
        return;
    }
    if (st == DB_CONSTRAINT) {
        resp_error(r, 409, T(L, MSG_USERS_ERASED_ALREADY));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "erase person");
        return;
    }
    resp_redirect(r, "/admin/users?done=erased");
}

/* --- audit log ----------------------------------------------------------------------- */

/* Parses a YYYY-MM-DD date as local midnight in the server's zone
 * (Europe/Belgrade), add_days later; false for anything else, including
 * days a month does not have. */
/* --- audit log ------------------------------------------------------------------ */

/* Every action and entity the model records, in words; an action missing
 * here shows as its code (tests/http/audit.test.mjs fails on one). */
static const struct {
    const char *code;
    msg_id label;
} audit_actions[] =
    {
        {"account_create", MSG_AUDIT_ACT_ACCOUNT_CREATE},
        {"account_disable", MSG_AUDIT_ACT_ACCOUNT_DISABLE},
        {"account_enable", MSG_AUDIT_ACT_ACCOUNT_ENABLE},
        {"affiliation_create", MSG_AUDIT_ACT_AFFILIATION_CREATE},
        {"affiliation_start", MSG_AUDIT_ACT_AFFILIATION_START},
        {"affiliation_end", MSG_AUDIT_ACT_AFFILIATION_END},
        {"cluster_label", MSG_AUDIT_ACT_CLUSTER_LABEL},
        {"cluster_label_verify", MSG_AUDIT_ACT_CLUSTER_LABEL_VERIFY},
        {"cluster_member_add", MSG_AUDIT_ACT_CLUSTER_MEMBER_ADD},
        {"cluster_member_end", MSG_AUDIT_ACT_CLUSTER_MEMBER_END},
        {"cluster_profile", MSG_AUDIT_ACT_CLUSTER_PROFILE},
        {"cluster_scan_status", MSG_AUDIT_ACT_CLUSTER_SCAN_STATUS},
        {"cluster_stage", MSG_AUDIT_ACT_CLUSTER_STAGE},
        {"cluster_team_accept", MSG_AUDIT_ACT_CLUSTER_TEAM_ACCEPT},
        {"cluster_team_add", MSG_AUDIT_ACT_CLUSTER_TEAM_ADD},
        {"cluster_team_end", MSG_AUDIT_ACT_CLUSTER_TEAM_END},
        {"cluster_team_invite", MSG_AUDIT_ACT_CLUSTER_TEAM_INVITE},
        {"figure_create", MSG_AUDIT_ACT_FIGURE_CREATE},
        {"figure_update", MSG_AUDIT_ACT_FIGURE_UPDATE},
        {"figure_verify", MSG_AUDIT_ACT_FIGURE_VERIFY},
        {"figure_unverify", MSG_AUDIT_ACT_FIGURE_UNVERIFY},
        {"fx_rate_set", MSG_AUDIT_ACT_FX_RATE_SET},
        {"invite", MSG_AUDIT_ACT_INVITE},
        {"invite_accepted", MSG_AUDIT_ACT_INVITE_ACCEPTED},
        {"login", MSG_AUDIT_ACT_LOGIN},
        {"login_failed", MSG_AUDIT_ACT_LOGIN_FAILED},
        {"logout", MSG_AUDIT_ACT_LOGOUT},
        {"membership_propose", MSG_AUDIT_ACT_MEMBERSHIP_PROPOSE},
        {"membership_accept", MSG_AUDIT_ACT_MEMBERSHIP_ACCEPT},
        {"membership_decline", MSG_AUDIT_ACT_MEMBERSHIP_DECLINE},
        {"membership_withdraw", MSG_AUDIT_ACT_MEMBERSHIP_WITHDRAW},
        {"org_create", MSG_AUDIT_ACT_ORG_CREATE},
        {"org_update", MSG_AUDIT_ACT_ORG_UPDATE},
        {"org_status", MSG_AUDIT_ACT_ORG_STATUS},
        {"org_restore", MSG_AUDIT_ACT_ORG_RESTORE},
        {"org_delete", MSG_AUDIT_ACT_ORG_DELETE},
        {"org_logo", MSG_AUDIT_ACT_ORG_LOGO},
        {"org_propose", MSG_AUDIT_ACT_ORG_PROPOSE},
        {"org_proposal_accept", MSG_AUDIT_ACT_ORG_PROPOSAL_ACCEPT},
        {"org_proposal_decline", MSG_AUDIT_ACT_ORG_PROPOSAL_DECLINE},
        {"password_change", MSG_AUDIT_ACT_PASSWORD_CHANGE},
        {"password_reset", MSG_AUDIT_ACT_PASSWORD_RESET},
        {"person_erase", MSG_AUDIT_ACT_PERSON_ERASE},
        {"reset_request", MSG_AUDIT_ACT_RESET_REQUEST},
        {"rights_change", MSG_AUDIT_ACT_RIGHTS_CHANGE},
        {"session_rotate", MSG_AUDIT_ACT_SESSION_ROTATE},
        {"sessions_end", MSG_AUDIT_ACT_SESSIONS_END},
        {"token_create", MSG_AUDIT_ACT_TOKEN_CREATE},
        {"token_revoke", MSG_AUDIT_ACT_TOKEN_REVOKE},
        {"figures_coverage_set", MSG_AUDIT_ACT_FIGURES_COVERAGE_SET},
        {"notify_settings", MSG_AUDIT_ACT_NOTIFY_SETTINGS},
        {"notify_topic_add", MSG_AUDIT_ACT_NOTIFY_TOPIC_ADD},
        {"notify_topic_remove", MSG_AUDIT_ACT_NOTIFY_TOPIC_REMOVE},
        {"notify_follow", MSG_AUDIT_ACT_NOTIFY_FOLLOW},
        {"notify_unfollow", MSG_AUDIT_ACT_NOTIFY_UNFOLLOW},
        {"notify_unsubscribe", MSG_AUDIT_ACT_NOTIFY_UNSUBSCRIBE},
        {"digest_send", MSG_AUDIT_ACT_DIGEST_SEND},
        {"event_create", MSG_AUDIT_ACT_EVENT_CREATE},
        {"event_update", MSG_AUDIT_ACT_EVENT_UPDATE},
        {"event_register", MSG_AUDIT_ACT_EVENT_REGISTER},
        {"event_cancel", MSG_AUDIT_ACT_EVENT_CANCEL},
        {"initiative_start", MSG_AUDIT_ACT_INITIATIVE_START},
        {"readiness_answer", MSG_AUDIT_ACT_READINESS_ANSWER},
        {"post_create", MSG_AUDIT_ACT_POST_CREATE},
        {"post_update", MSG_AUDIT_ACT_POST_UPDATE},
        {"post_close", MSG_AUDIT_ACT_POST_CLOSE},
        {"post_hide", MSG_AUDIT_ACT_POST_HIDE},
        {"post_report", MSG_AUDIT_ACT_POST_REPORT},
        {"interest_express", MSG_AUDIT_ACT_INTEREST_EXPRESS},
        {"interest_accept", MSG_AUDIT_ACT_INTEREST_ACCEPT},
        {"interest_decline", MSG_AUDIT_ACT_INTEREST_DECLINE},
},
  audit_entities[] = {
      {"org", MSG_AUDIT_ENT_ORG},
      {"figure", MSG_AUDIT_ENT_FIGURE},
      {"account", MSG_AUDIT_ENT_ACCOUNT},
      {"person", MSG_AUDIT_ENT_PERSON},
      {"affiliation", MSG_AUDIT_ENT_AFFILIATION},
      {"api_token", MSG_AUDIT_ENT_API_TOKEN},
      {"fx_rate", MSG_AUDIT_ENT_FX_RATE},
      {"cluster_member", MSG_AUDIT_ENT_CLUSTER_MEMBER},
      {"cluster_member_proposal", MSG_AUDIT_ENT_CLUSTER_MEMBER_PROPOSAL},
      {"cluster_team", MSG_AUDIT_ENT_CLUSTER_TEAM},
      {"session", MSG_AUDIT_ENT_SESSION},
      {"app_meta", MSG_AUDIT_ENT_APP_META},
      {"notify_topic", MSG_AUDIT_ENT_NOTIFY_TOPIC},
      {"event", MSG_AUDIT_ENT_EVENT},
      {"post", MSG_AUDIT_ENT_POST},
      {"post_interest", MSG_AUDIT_ENT_POST_INTEREST},
};

static const char *audit_action_label(lang_id L, const char *code)
{
    for (size_t i = 0; i < sizeof audit_actions / sizeof audit_actions[0]; i++)
        if (strcmp(audit_actions[i].code, code) == 0)
            return T(L, audit_actions[i].label);
    return code;
}

static const char *audit_entity_label(lang_id L, const char *code)
{
    for (size_t i = 0; i < sizeof audit_entities / sizeof audit_entities[0]; i++)
        if (strcmp(audit_entities[i].code, code) == 0)
            return T(L, audit_entities[i].label);
    return code;
}

/* The words for the detail fields the model records; a field without a
 * row here is shown by its name, underscores as spaces. Fields naming an
 * entry or a person by id are shown by name (kind 1: an entry, 2: a
 * person), so the log reads "Organisation: Banat Metal" rather than
 * "org: 63". */
static const struct {
    const char *key;
    msg_id label;
    int kind;
} detail_keys[] = {
    {"org", MSG_AUDIT_KEY_ORG, 1},
    {"org_id", MSG_AUDIT_KEY_ORG, 1},
    {"member", MSG_AUDIT_KEY_MEMBER, 1},
    {"cluster", MSG_AUDIT_KEY_CLUSTER, 1},
    {"cluster_id", MSG_AUDIT_KEY_CLUSTER, 1},
    {"person", MSG_AUDIT_KEY_PERSON, 2},
    {"person_id", MSG_AUDIT_KEY_PERSON, 2},
    {"proposed_by", MSG_AUDIT_KEY_PROPOSED_BY, 2},
    {"verified_by", MSG_AUDIT_KEY_VERIFIED_BY, 2},
    {"entered_by", MSG_AUDIT_KEY_ENTERED_BY, 2},
    {"proposal", MSG_AUDIT_KEY_PROPOSAL, 0},
    {"role", MSG_AUDIT_KEY_ROLE, 0},
    {"joined_on", MSG_AUDIT_KEY_JOINED_ON, 0},
    {"left_on", MSG_AUDIT_KEY_LEFT_ON, 0},
    {"year", MSG_AUDIT_KEY_YEAR, 0},
    {"reason", MSG_AUDIT_KEY_REASON, 0},
    {"state", MSG_AUDIT_KEY_STATE, 0},
    {"was", MSG_AUDIT_KEY_WAS, 0},
    {"fields", MSG_AUDIT_KEY_FIELDS, 0},
    {"known_device", MSG_AUDIT_KEY_KNOWN_DEVICE, 0},
    {"sessions_ended", MSG_AUDIT_KEY_SESSIONS_ENDED, 0},
    {"tokens_revoked", MSG_AUDIT_KEY_TOKENS_REVOKED, 0},
    {"manager", MSG_AUDIT_KEY_MANAGER, 0},
    {"label", MSG_AUDIT_KEY_LABEL, 0},
    {"reference", MSG_AUDIT_KEY_REFERENCE, 0},
    {"kind", MSG_AUDIT_KEY_KIND, 0},
    {"scope", MSG_AUDIT_KEY_SCOPE, 0},
    {"mailed", MSG_AUDIT_KEY_MAILED, 0},
};

/* One value of a detail field as text: an entry's or a person's name for
 * the fields that name one by id (the id when it is gone). */
static void detail_value(req *r, buf *text, json_t *x, int kind)
{
    if (json_is_integer(x) && kind) {
        int64_t id = (int64_t)json_integer_value(x);
        const char *name = NULL;
        if (kind == 1) {
            org_rec o;
            bool found = false;
            if (org_get(r->db, r->a, NULL, id, &o, &found) == DB_OK && found)
                name = web_org_name(r, &o);
        } else if (person_name_of(r->db, r->a, id, &name) != DB_OK) {
            name = NULL;
        }
        if (name) {
            buf_puts(text, web_org_text(r, name, NULL));
            return;
        }
        buf_printf(text, "#%lld", (long long)id);
        return;
    }
    if (json_is_string(x))
        buf_puts(text, json_string_value(x));
    else if (json_is_integer(x))
        buf_printf(text, "%lld", (long long)json_integer_value(x));
    else if (json_is_true(x) || json_is_false(x))
        buf_puts(text, T(r->lang, json_is_true(x) ? MSG_AUDIT_YES : MSG_AUDIT_NO));
    else if (!json_is_null(x))
        json_dump_buf(text, x);
}

/* The detail object as "field: value" pairs in the reader's language
 * (lists joined by commas); anything that is not a JSON object is shown as
 * it is. */
static void audit_detail(req *r, const char *detail)
{
    buf *o = &r->out;
    buf err = BUF_INIT; /* json_parse says why; a detail that does not parse is shown raw */
    json_t *v = json_parse(detail, strlen(detail), &err);
    buf_free(&err);
    if (!json_is_object(v)) {
        html_fmt(o, "<code class=\"detail\">%s</code>", detail);
        json_decref(v);
        return;
    }
    html_raw(o, "<ul class=\"audit-detail\">");
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        buf name = BUF_INIT, text = BUF_INIT;
        int kind = 0;
        size_t k;
        for (k = 0; k < sizeof detail_keys / sizeof detail_keys[0]; k++)
            if (strcmp(detail_keys[k].key, key) == 0)
                break;
        if (k < sizeof detail_keys / sizeof detail_keys[0]) {
            buf_puts(&name, T(r->lang, detail_keys[k].label));
            kind = detail_keys[k].kind;
        } else {
            for (const char *c = key; *c; c++)
                buf_putc(&name, *c == '_' ? ' ' : *c);
        }
        size_t n = json_is_array(val) ? json_array_size(val) : 1;
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_puts(&text, ", ");
            detail_value(r, &text, json_is_array(val) ? json_array_get(val, i) : val, kind);
        }
        html_fmt(o, "<li><span class=\"muted\">%s:</span> %s</li>", buf_str(&name), buf_str(&text));
        buf_free(&name);
        buf_free(&text);
    }
    html_raw(o, "</ul>");
    json_decref(v);
}

/* A select of known codes with their words; "" is any. */
static void audit_select(req *r, const char *id, const char *name, msg_id label,
                         const char *current, bool actions)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">"
             "<option value=\"\">%s</option>",
             id, T(L, label), id, name, T(L, MSG_AUDIT_ANY));
    size_t n = actions ? sizeof audit_actions / sizeof audit_actions[0]
                       : sizeof audit_entities / sizeof audit_entities[0];
    for (size_t i = 0; i < n; i++) {
        const char *code = actions ? audit_actions[i].code : audit_entities[i].code;
        msg_id m = actions ? audit_actions[i].label : audit_entities[i].label;
        html_fmt(&r->out, "<option value=\"%s\"%R>%s</option>", code,
                 current && strcmp(current, code) == 0 ? " selected" : "", T(L, m));
    }
    html_raw(&r->out, "</select></div>");
}

static bool parse_day(const char *s, int add_days, int64_t *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mo = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_isdst = -1};
    struct tm check = tm;
    if (mktime(&check) == (time_t)-1 || check.tm_mday != d || check.tm_mon != mo - 1)
        return false;
    tm.tm_mday += add_days;
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return false;
    *out = (int64_t)t;
    return true;
}

/* The audit page's filter as query parameters (each "name=value&"), for
 * the keyset link. */
static void audit_query(buf *u, const form_value *val, const form_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!val[i].present || strcmp(rules[i].name, "before") == 0)
            continue;
        html_urlencode(u, rules[i].name);
        buf_putc(u, '=');
        html_urlencode(u, val[i].text);
        buf_putc(u, '&');
    }
}

void web_admin_audit(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (!rights_can(r->db, r->user, RIGHT_AUDIT_VIEW, 0)) {
        resp_error(r, 403, T(L, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    enum { F_ACTION, F_ENTITY, F_ACTOR, F_FROM, F_TO, F_BEFORE, F__N };
    static const form_rule rules[F__N] = {
        {"action", FV_TEXT, 0, 0, 64, NULL},      {"entity", FV_TEXT, 0, 0, 64, NULL},
        {"actor", FV_INT, 0, 1, INT64_MAX, NULL}, {"from", FV_TEXT, 0, 0, 10, NULL},
        {"to", FV_TEXT, 0, 0, 10, NULL},          {"before", FV_INT, 0, 1, INT64_MAX, NULL},
    };
    form_value val[F__N];
    form_errors fe = {0};
    web_errs e = {0};
    form_validate(r->a, &r->query, rules, F__N, val, &fe);
    web_errs_from_form(r, &fe, &e);
    audit_filter flt = {.limit = AUDIT_PAGE + 1};
    if (val[F_ACTION].present)
        flt.action = val[F_ACTION].text;
    if (val[F_ENTITY].present)
        flt.entity = val[F_ENTITY].text;
    if (val[F_ACTOR].present && !web_errs_get(&e, "actor"))
        flt.actor_id = val[F_ACTOR].i;
    if (val[F_BEFORE].present && !web_errs_get(&e, "before"))
        flt.before_id = val[F_BEFORE].i;
    if (val[F_FROM].present && !parse_day(val[F_FROM].text, 0, &flt.since))
        web_errs_add(&e, "from", T(L, MSG_ERR_DATE));
    if (val[F_TO].present && !web_errs_get(&e, "to")) {
        /* through the end of that day: until is exclusive */
        if (!parse_day(val[F_TO].text, 1, &flt.until))
            web_errs_add(&e, "to", T(L, MSG_ERR_DATE));
    }

    audit_row *rows = NULL;
    size_t n = 0;
    if (!e.n) {
        db_status st = audit_list(r->db, r->a, &flt, &rows, &n);
        if (st != DB_OK) {
            resp_fail(r, st, "audit list");
            return;
        }
    } else {
        r->status = 422;
    }

    page_meta m = {.title = T(L, MSG_ADMIN_AUDIT), .nav = "admin"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    admin_nav(r, "audit");
    html_fmt(o, "<h1>%s</h1>\n", T(L, MSG_ADMIN_AUDIT));
    web_error_summary(r, &e);
    html_fmt(o,
             "<form class=\"form filter-form panel\" method=\"get\" action=\"/admin/audit\">"
             "<fieldset><legend>%s</legend><div class=\"filter-fields\">",
             T(L, MSG_AUDIT_FILTER));
    audit_select(r, "audit-action", "action", MSG_AUDIT_ACTION, val[F_ACTION].text, true);
    audit_select(r, "audit-entity", "entity", MSG_AUDIT_ENTITY, val[F_ENTITY].text, false);
    {
        person_account *people = NULL;
        size_t n_people = 0;
        if (person_account_list(r->db, r->a, &people, &n_people) != DB_OK)
            n_people = 0; /* the request's failure (db_failure) makes it a 5xx */
        html_fmt(o,
                 "<div class=\"field\"><label for=\"audit-actor\">%s</label><select "
                 "id=\"audit-actor\" name=\"actor\"><option value=\"\">%s</option>",
                 T(L, MSG_AUDIT_COL_WHO), T(L, MSG_AUDIT_ANYONE));
        for (size_t i = 0; i < n_people; i++)
            html_fmt(o, "<option value=\"%D\"%R>%s</option>", (long long)people[i].person_id,
                     flt.actor_id == people[i].person_id ? " selected" : "", people[i].name);
        html_raw(o, "</select></div>");
    }
    static const struct {
        int f;
        const char *id;
        msg_id label;
    } dates[] = {
        {F_FROM, "audit-from", MSG_AUDIT_FROM},
        {F_TO, "audit-to", MSG_AUDIT_TO},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        const char *name = rules[dates[i].f].name;
        web_field(r, &(web_input){.id = dates[i].id,
                                  .name = name,
                                  .type = "date",
                                  .label = T(L, dates[i].label),
                                  .value = val[dates[i].f].text,
                                  .autocomplete = "off",
                                  .error = web_errs_get(&e, name)});
    }
    html_fmt(o,
             "</div><div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/admin/audit\">%s</a></div></fieldset></form>\n",
             T(L, MSG_AUDIT_APPLY), T(L, MSG_AUDIT_CLEAR));

    if (!e.n) {
        size_t shown = n > AUDIT_PAGE ? AUDIT_PAGE : n;
        if (shown == 0) {
            html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_AUDIT_NONE));
        } else {
            html_fmt(o,
                     "<div class=\"table-wrap\"><table class=\"audit\"><caption "
                     "class=\"visually-hidden\">%s</caption><thead><tr><th scope=\"col\">%s</th>"
                     "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                     "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                     T(L, MSG_ADMIN_AUDIT), T(L, MSG_AUDIT_COL_WHEN), T(L, MSG_AUDIT_COL_WHO),
                     T(L, MSG_AUDIT_COL_WHAT), T(L, MSG_AUDIT_COL_ENTITY), T(L, MSG_AUDIT_COL_IP),
                     T(L, MSG_AUDIT_COL_DETAIL));
            for (size_t i = 0; i < shown; i++) {
                const audit_row *a = &rows[i];
                html_raw(o, "<tr><td class=\"nowrap\">");
                web_datetime(r, a->at, MSG_USERS_NEVER);
                html_raw(o, "</td><td>");
                if (!a->actor_id) {
                    html_fmt(o, "<span class=\"muted\">%s</span>", T(L, MSG_AUDIT_SYSTEM));
                } else {
                    const char *who = web_actor_name(r, a->actor_id, a->actor_name, a->actor_erased,
                                                     MSG_AUDIT_SYSTEM);
                    html_fmt(o,
                             "<a href=\"/admin/audit?actor=%D\">%s</a> <span "
                             "class=\"muted small\">#%D</span>",
                             (long long)a->actor_id, who, (long long)a->actor_id);
                }
                html_fmt(o, "</td><td><span title=\"%s\">%s</span></td><td>", a->action,
                         audit_action_label(L, a->action));
                if (a->entity)
                    html_fmt(o, "<span class=\"muted\">%s:</span> ",
                             audit_entity_label(L, a->entity));
                if (a->entity_name && a->entity_slug)
                    html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", a->entity_slug,
                             web_org_text(r, a->entity_name, NULL));
                else if (a->entity_name)
                    html_fmt(o, "%s", web_org_text(r, a->entity_name, NULL));
                else if (a->entity_id)
                    html_fmt(o, "#%D", (long long)a->entity_id);
                if (a->entity_year)
                    html_fmt(o, ", %D", (long long)a->entity_year);
                html_fmt(o, "</td><td>%s</td><td>", a->ip ? a->ip : "");
                if (a->detail && *a->detail)
                    audit_detail(r, a->detail);
                html_raw(o, "</td></tr>\n");
            }
            html_raw(o, "</tbody></table></div>\n");
        }
        if (n > AUDIT_PAGE || flt.before_id) {
            html_raw(o, "<nav class=\"pager\"><ul>");
            if (flt.before_id) {
                buf u = BUF_INIT;
                buf_puts(&u, "/admin/audit?");
                audit_query(&u, val, rules, F__N);
                html_fmt(o, "<li><a href=\"%u\">%s</a></li>", buf_str(&u), T(L, MSG_AUDIT_NEWEST));
                buf_free(&u);
            }
            if (n > AUDIT_PAGE) {
                buf u = BUF_INIT;
                buf_puts(&u, "/admin/audit?");
                audit_query(&u, val, rules, F__N);
                buf_printf(&u, "before=%lld", (long long)rows[AUDIT_PAGE - 1].id);
                html_fmt(o, "<li><a href=\"%u\" rel=\"next\">%s</a></li>", buf_str(&u),
                         T(L, MSG_AUDIT_OLDER));
                buf_free(&u);
            }
            html_raw(o, "</ul></nav>\n");
        }
    }
    layout_end(r);
}

/* --- outbox ----------------------------------------------------------------------------- */

void web_admin_outbox(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (!may_manage_users(r))
        return;
    outbox_row *rows = NULL;
    size_t n = 0;
    db_status st = mail_outbox_list(r->db, r->a, OUTBOX_PAGE, &rows, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "outbox list");
        return;
    }
    page_meta m = {.title = T(L, MSG_ADMIN_OUTBOX), .nav = "admin"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    admin_nav(r, "outbox");
    html_fmt(o, "<h1>%s</h1><p class=\"intro\">%s</p>\n", T(L, MSG_ADMIN_OUTBOX),
             T(L, MSG_OUTBOX_LEAD));
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_OUTBOX_NONE));
        layout_end(r);
        return;
    }
    html_fmt(o,
             "<div class=\"table-wrap\"><table class=\"outbox\"><caption class=\"visually-hidden\">"
             "%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\" "
             "class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
             T(L, MSG_ADMIN_OUTBOX), T(L, MSG_OUTBOX_COL_SUBJECT), T(L, MSG_OUTBOX_COL_TO),
             T(L, MSG_OUTBOX_COL_CREATED), T(L, MSG_OUTBOX_COL_SENT), T(L, MSG_OUTBOX_COL_ATTEMPTS),
             T(L, MSG_OUTBOX_COL_ERROR));
    for (size_t i = 0; i < n; i++) {
        const outbox_row *x = &rows[i];
        html_fmt(o,
                 "<tr><th scope=\"row\"><details class=\"mail\"><summary>%s</summary>"
                 "<pre class=\"mail-body\">%s</pre></details></th><td>%s</td><td class=\"nowrap\">",
                 x->subject, x->body, x->to);
        web_datetime(r, x->created_at, MSG_USERS_NEVER);
        html_raw(o, "</td><td class=\"nowrap\">");
        web_datetime(r, x->sent_at, MSG_OUTBOX_QUEUED);
        html_fmt(o, "</td><td class=\"num\">%d</td><td>", x->attempts);
        if (x->last_error && *x->last_error)
            html_fmt(o, "<span class=\"error-text\">%s</span>", x->last_error);
        html_raw(o, "</td></tr>\n");
    }
    html_raw(o, "</tbody></table></div>\n");
    layout_end(r);
}
