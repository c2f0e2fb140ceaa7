/* web_account_link.c: the pages behind one-time links (see web.h):
 * accepting an invitation and resetting a password (both choose a new
 * password through web_account_check_password), and asking for a reset
 * link ("forgot password"). A link's token travels in the URL we mailed,
 * never in one we make afterwards. */
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/auth.h"
#include "web/web.h"
#include "web/web_account.h"
#include "web/web_org.h"

/* --- one-time links: accepting an invitation, resetting a password ---------------- */

typedef struct link_kind {
    const char *purpose; /* "invite" or "reset" (auth_link_*) */
    const char *action;  /* the form's action */
    msg_id title, lead, expired, submit;
    const char *done; /* the login page's notice afterwards */
} link_kind;

static const link_kind link_invite = {
    "invite",           "/invite/accept",       MSG_INVITE_ACCEPT_TITLE, MSG_INVITE_ACCEPT_LEAD,
    MSG_INVITE_EXPIRED, MSG_LINK_SUBMIT_INVITE, "/login?done=set"};
static const link_kind link_reset = {
    "reset",           "/password/reset",     MSG_RESET_TITLE,    MSG_RESET_LEAD,
    MSG_RESET_EXPIRED, MSG_LINK_SUBMIT_RESET, "/login?done=reset"};

/* The 4xx for a link that cannot be used: 404 unknown, 410 expired or
 * used. */
static void link_refuse(req *r, const link_kind *k, link_state st)
{
    if (st == LINK_WITHDRAWN)
        resp_error(r, 410, T(r->lang, MSG_LINK_WITHDRAWN));
    else if (st == LINK_UNKNOWN)
        resp_error(r, 404, T(r->lang, MSG_LINK_UNKNOWN));
    else
        resp_error(r, 410, T(r->lang, st == LINK_EXPIRED ? k->expired : MSG_LINK_USED));
}

/* An invitation to a person who has an account: one field, their own
 * password, which stays as it is. */
static bool link_existing(req *r, const link_kind *k, const char *token)
{
    bool has = false;
    return strcmp(k->purpose, "invite") == 0 &&
           auth_link_has_password(r->db, token, k->purpose, &has) == DB_OK && has;
}

static void link_page(req *r, const link_kind *k, const char *token, const web_errs *e)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool existing = link_existing(r, k, token);
    page_meta m = {.title = T(L, k->title)};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"form-page\"><h1>%s</h1>\n", T(L, k->title));
    /* whom the link is for, and what it grants: nobody should set a
     * password without knowing which account it opens */
    const char *email = NULL, *person = NULL, *org = NULL, *org_en = NULL, *role = NULL;
    if (auth_link_person(r->db, r->a, token, k->purpose, &email, &person) == DB_OK && email) {
        html_fmt(o, "<p class=\"link-for\">");
        html_fmt(o, T(L, MSG_LINK_FOR), person ? web_org_text(r, person, NULL) : email, email);
        if (strcmp(k->purpose, "invite") == 0 &&
            auth_link_grant(r->db, r->a, token, k->purpose, &org, &org_en, &role) == DB_OK && org) {
            html_raw(o, " ");
            html_fmt(o,
                     T(L, role && strcmp(role, "manager") == 0 ? MSG_LINK_GRANTS_MANAGER
                                                               : MSG_LINK_GRANTS_REP),
                     web_org_text(r, org, org_en));
        }
        html_raw(o, "</p>\n");
    }
    html_fmt(o, "<p class=\"intro\">%s</p>\n", T(L, existing ? MSG_INVITE_EXISTING_LEAD : k->lead));
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form panel\" method=\"post\" action=\"%u\">", k->action);
    layout_csrf_field(r);
    html_fmt(o, "<input type=\"hidden\" name=\"t\" value=\"%s\">", token);
    if (existing) {
        web_field(r, &(web_input){.id = "link-password",
                                  .name = "password",
                                  .type = "password",
                                  .label = T(L, MSG_INVITE_EXISTING_PW),
                                  .autocomplete = "current-password",
                                  .error = web_errs_get(e, "password"),
                                  .required = true});
        html_fmt(o,
                 "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
                 "</div>\n",
                 T(L, k->submit));
        layout_end(r);
        return;
    }
    web_field(r, &(web_input){.id = "link-password",
                              .name = "password",
                              .type = "password",
                              .label = T(L, MSG_ACCOUNT_PW_NEW),
                              .autocomplete = "new-password",
                              .hint = web_account_msgf(r, MSG_PW_HINT, AUTH_PASSWORD_MIN),
                              .error = web_errs_get(e, "password"),
                              .required = true});
    web_field(r, &(web_input){.id = "link-password2",
                              .name = "password2",
                              .type = "password",
                              .label = T(L, MSG_ACCOUNT_PW_REPEAT),
                              .autocomplete = "new-password",
                              .error = web_errs_get(e, "password2"),
                              .required = true});
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, k->submit));
    html_raw(o, "</div>\n");
    layout_end(r);
}

/* Checks the link's token (length, then the database); writes the 4xx and
 * returns false when it cannot be used. */
static bool link_usable(req *r, const link_kind *k, const char *token)
{
    if (!token || strlen(token) != AUTH_TOKEN_LEN) {
        link_refuse(r, k, LINK_UNKNOWN);
        return false;
    }
    link_state ls = LINK_UNKNOWN;
    db_status st = auth_link_check(r->db, token, k->purpose, &ls);
    if (st != DB_OK) {
        resp_fail(r, st, "link check");
        return false;
    }
    if (ls != LINK_OK) {
        link_refuse(r, k, ls);
        return false;
    }
    return true;
}

static void link_form(req *r, const link_kind *k)
{
    const char *token = req_query(r, "t");
    if (link_usable(r, k, token))
        link_page(r, k, token, NULL);
}

static void link_use(req *r, const link_kind *k)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *token = form_get(&f, "t");
    if (!link_usable(r, k, token))
        return;
    const char *pw = form_get(&f, "password");
    const char *pw2 = form_get(&f, "password2");
    web_errs e = {0};
    /* judged against the address and name of the person the link is for */
    const char *email = NULL, *person = NULL;
    db_status st = auth_link_person(r->db, r->a, token, k->purpose, &email, &person);
    if (st != DB_OK) {
        resp_fail(r, st, "link person");
        return;
    }
    bool existing = link_existing(r, k, token);
    if (existing && (!pw || !*pw))
        web_errs_add(&e, "password", T(r->lang, MSG_INVITE_EXISTING_WRONG));
    else if (!existing)
        web_account_check_password(r, pw, pw2, email, person, "password", "password2", &e);
    if (e.n) {
        r->status = 422;
        link_page(r, k, token, &e);
        return;
    }
    link_state ls = LINK_UNKNOWN;
    int64_t account_id = 0;
    st = auth_link_use(r->db, token, k->purpose, pw, &ls, &account_id);
    if (st != DB_OK) {
        resp_fail(r, st, "link use");
        return;
    }
    if (ls == LINK_WRONG_PASSWORD) {
        web_errs_add(&e, "password", T(r->lang, MSG_INVITE_EXISTING_WRONG));
        r->status = 422;
        link_page(r, k, token, &e);
        return;
    }
    if (ls != LINK_OK) {
        link_refuse(r, k, ls);
        return;
    }
    /* the link ended the account's sessions; if this browser held one of
     * them, drop its cookie too */
    if (r->user && r->user->account_id == account_id)
        web_account_session_cookie(r, NULL);
    resp_redirect(r, k->done);
}

void web_invite_accept_form(req *r)
{
    link_form(r, &link_invite);
}

void web_invite_accept(req *r)
{
    link_use(r, &link_invite);
}

void web_password_reset_form(req *r)
{
    link_form(r, &link_reset);
}

void web_password_reset(req *r)
{
    link_use(r, &link_reset);
}

static void forgot_page(req *r, const char *email, const web_errs *e, const char *notice)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    page_meta m = {.title = T(L, MSG_FORGOT_TITLE)};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"form-page\"><h1>%s</h1><p class=\"intro\">%s</p>\n",
             T(L, MSG_FORGOT_TITLE), T(L, MSG_FORGOT_LEAD));
    web_notice(r, notice);
    web_error_summary(r, e);
    html_raw(o, "<form class=\"form panel\" method=\"post\" action=\"/password/forgot\">");
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "forgot-email",
                              .name = "email",
                              .type = "email",
                              .label = T(L, MSG_LOGIN_EMAIL),
                              .value = email,
                              .autocomplete = "username",
                              .error = web_errs_get(e, "email"),
                              .required = true,
                              .maxlength = 254});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/login\">%s</a></div></form></div>\n",
             T(L, MSG_FORGOT_SUBMIT), T(L, MSG_FORGOT_BACK));
    layout_end(r);
}

void web_password_forgot_form(req *r)
{
    const char *sent = req_query(r, "sent");
    forgot_page(r, NULL, NULL, sent ? T(r->lang, MSG_FORGOT_SENT) : NULL);
}

void web_password_forgot(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {{"email", FV_EMAIL, FORM_REQUIRED, 0, 254, NULL}};
    form_value val[1];
    form_errors fe = {0};
    web_errs e = {0};
    if (!form_validate(r->a, &f, rules, 1, val, &fe)) {
        web_errs_from_form(r, &fe, &e);
        r->status = 422;
        forgot_page(r, val[0].text, &e, NULL);
        return;
    }
    const char *base = web_base_url(r);
    if (!base) {
        resp_error(r, 400, T(r->lang, MSG_ERR_HOST));
        return;
    }
    /* the same answer whether or not the address has an account */
    db_status st = auth_reset_request(r->db, val[0].text, r->lang, base);
    if (st != DB_OK) {
        resp_fail(r, st, "password reset request");
        return;
    }
    resp_redirect(r, "/password/forgot?sent=1");
}
