/* web_admin.c: the secretariat's administration pages: users
 * (secretariat role, disabling, erasure) and the mail outbox, with the
 * row of links on top of every admin page (web_admin_nav). The audit log
 * is in web_admin_audit.c, invitations in web_invite.c.
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
#include "web/web_admin.h"
#include "web/web_org.h"

#define OUTBOX_PAGE 200

void web_admin_nav(req *r, const char *current)
{
    static const struct {
        const char *key, *href;
        msg_id label;
    } items[] = {
        {"users", "/admin/users", MSG_ADMIN_USERS},
        {"audit", "/admin/audit", MSG_ADMIN_AUDIT},
        {"outbox", "/admin/outbox", MSG_ADMIN_OUTBOX},
        {"invite", "/invite", MSG_ACCOUNT_INVITE_LINK},
        {"assessments", "/admin/assessments", MSG_AS_ADMIN_TITLE},
        {"mentoring", "/admin/mentoring", MSG_MT_ADMIN_TITLE},
        {"support", "/admin/support", MSG_SU_TITLE},
        {"newsletter", "/admin/newsletter", MSG_NL_ADMIN_TITLE},
    };
    buf *o = &r->out;
    html_fmt(o, "<nav class=\"subnav\" aria-label=\"%s\"><ul>", T(r->lang, MSG_ADMIN_NAV));
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        html_fmt(o, "<li><a href=\"%u\"%R>%s</a></li>", items[i].href,
                 strcmp(items[i].key, current) == 0 ? " aria-current=\"page\"" : "",
                 T(r->lang, items[i].label));
    html_raw(o, "</ul></nav>\n");
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
    web_admin_nav(r, "users");
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
    web_admin_nav(r, "outbox");
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
