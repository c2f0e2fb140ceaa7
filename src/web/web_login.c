/* web_login.c: logging in and out (see web.h), and the session and device
 * cookies.
 *
 * The login form, the login itself (throttled by auth_login, with the
 * device cookie letting this browser's right password through), logging
 * out here and everywhere. The session cookie and the browser-session
 * check are shared with the account pages through web_account.h. Session
 * tokens travel only in Set-Cookie. */
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "http/cookie.h"
#include "http/server.h"
#include "model/auth.h"
#include "web/web.h"
#include "web/web_account.h"

/* --- session cookie --------------------------------------------------------- */

/* Sets the session cookie to token, or deletes it when token is NULL.
 * cookie_build() adds the __Host- prefix itself when cookies are Secure,
 * so the name written is exactly web_session_cookie_name(r). */
void web_account_session_cookie(req *r, const char *token)
{
    const char *name = web_session_cookie_name(r);
    if (str_starts(name, "__Host-"))
        name += 7;
    cookie_opts o = {.http_only = true,
                     .secure = r->cfg && r->cfg->secure_cookies,
                     .same_site = "Lax",
                     .max_age = token ? 0 : -1};
    buf c = BUF_INIT;
    if (cookie_build(&c, name, token ? token : "", &o) && !buf_failed(&c))
        resp_header(r, "Set-Cookie", buf_str(&c));
    buf_free(&c);
}

/* The device cookie: set at a successful login, it lets this browser's
 * right password through while the account is throttled for everyone
 * else (auth_login). Sent only to our own pages (SameSite=Strict, the
 * login form posts from our origin); cookie_build() adds __Host- when
 * cookies are Secure. */
static const char *device_cookie_name(const req *r)
{
    return r->cfg && r->cfg->secure_cookies ? "__Host-device" : "device";
}

static void device_cookie(req *r, const char *token)
{
    cookie_opts o = {.http_only = true,
                     .secure = r->cfg && r->cfg->secure_cookies,
                     .same_site = "Strict",
                     .max_age = AUTH_DEVICE_TTL};
    buf c = BUF_INIT;
    if (cookie_build(&c, "device", token, &o) && !buf_failed(&c))
        resp_header(r, "Set-Cookie", buf_str(&c));
    buf_free(&c);
}

/* Account management needs a browser session; an API token (even a
 * read-write one) must not mint tokens or end sessions. Writes the 403. */
bool web_account_need_session(req *r)
{
    if (r->user && r->user->session_id)
        return true;
    resp_error(r, 403, T(r->lang, MSG_ACCOUNT_NEEDS_SESSION));
    return false;
}

/* Where to go after logging in: a local path only (not "//host", not
 * "/\host", no control characters), else the start page with the work
 * waiting for the person. */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1024)
        return "/start";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return "/start";
    return next;
}

/* --- log in and out ------------------------------------------------------------ */

typedef struct login_view {
    const char *email; /* as typed */
    const char *next;  /* where to go afterwards, or NULL */
    const web_errs *errs;
    const char *alert;  /* wrong password, throttled, disabled */
    const char *notice; /* after logout, a new password, ... */
} login_view;

static void login_page(req *r, const login_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    page_meta m = {.title = T(L, MSG_LOGIN_TITLE), .nav = "login"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"form-page\"><h1>%s</h1><p class=\"intro\">%s</p>\n",
             T(L, MSG_LOGIN_TITLE), T(L, MSG_LOGIN_LEAD));
    web_notice(r, v->notice);
    web_alert(r, v->alert);
    web_error_summary(r, v->errs);
    html_raw(o, "<form class=\"form panel\" method=\"post\" action=\"/login\">");
    layout_csrf_field(r);
    if (v->next && *v->next)
        html_fmt(o, "<input type=\"hidden\" name=\"next\" value=\"%s\">", safe_next(v->next));
    web_field(r, &(web_input){.id = "login-email",
                              .name = "email",
                              .type = "email",
                              .label = T(L, MSG_LOGIN_EMAIL),
                              .value = v->email,
                              .autocomplete = "username",
                              .error = web_errs_get(v->errs, "email"),
                              .required = true,
                              .maxlength = 254});
    web_field(r, &(web_input){.id = "login-password",
                              .name = "password",
                              .type = "password",
                              .label = T(L, MSG_LOGIN_PASSWORD),
                              .autocomplete = "current-password",
                              .error = web_errs_get(v->errs, "password"),
                              .required = true});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/password/forgot\">%s</a></div></form></div>\n",
             T(L, MSG_LOG_IN), T(L, MSG_LOGIN_FORGOT));
    layout_end(r);
}

static const struct {
    const char *key;
    msg_id text;
} login_notices[] = {
    {"out", MSG_LOGIN_DONE_OUT},           {"everywhere", MSG_LOGIN_DONE_EVERYWHERE},
    {"set", MSG_LOGIN_DONE_SET},           {"reset", MSG_LOGIN_DONE_RESET},
    {"password", MSG_LOGIN_DONE_PASSWORD},
};

void web_login_form(req *r)
{
    const char *next = req_query(r, "next");
    if (r->user) {
        resp_redirect(r, safe_next(next));
        return;
    }
    login_view v = {.next = next};
    const char *done = req_query(r, "done");
    for (size_t i = 0; done && i < sizeof login_notices / sizeof login_notices[0]; i++)
        if (strcmp(done, login_notices[i].key) == 0)
            v.notice = T(r->lang, login_notices[i].text);
    login_page(r, &v);
}

void web_login(req *r)
{
    lang_id L = r->lang;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {{"email", FV_EMAIL, FORM_REQUIRED, 0, 254, NULL}};
    form_value val[1];
    form_errors fe = {0};
    web_errs e = {0};
    form_validate(r->a, &f, rules, 1, val, &fe);
    web_errs_from_form(r, &fe, &e);
    const char *password = form_get(&f, "password");
    if (!password || !*password)
        web_errs_add(&e, "password", T(L, MSG_FORM_ERR_REQUIRED));
    login_view v = {.email = val[0].text, .next = form_get(&f, "next"), .errs = &e};
    if (e.n) {
        r->status = 422;
        login_page(r, &v);
        return;
    }

    login_result res = LOGIN_BAD;
    char token[AUTH_TOKEN_LEN + 1] = "", device[AUTH_TOKEN_LEN + 1] = "";
    int64_t wait_s = 0;
    const char *dev_in = cookie_get(r->a, req_header(r, "Cookie"), device_cookie_name(r));
    db_status st = auth_login(r->db, r->a, val[0].text, password, r->client_ip,
                              req_header(r, "User-Agent"), dev_in, &res, token, device, &wait_s);
    if (st != DB_OK) {
        resp_fail(r, st, "login");
        return;
    }
    switch (res) {
    case LOGIN_OK:
        /* a second login in the same browser replaces the first session */
        if (r->user && r->user->session_id)
            auth_session_end(r->db, r->user->session_id);
        web_account_session_cookie(r, token);
        if (*device)
            device_cookie(r, device);
        /* mail to this person follows the language they use the site in */
        auth_person_lang_set(r->db, val[0].text, L);
        memset(token, 0, sizeof token);
        memset(device, 0, sizeof device);
        resp_redirect(r, safe_next(v.next));
        return;
    case LOGIN_THROTTLED: {
        if (wait_s < 1)
            wait_s = 1;
        buf t = BUF_INIT;
        buf_puts(&t, T(L, MSG_LOGIN_THROTTLED));
        buf_putc(&t, ' ');
        web_retry_text(&t, L, wait_s);
        v.alert = arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        r->status = 429;
        resp_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait_s));
        break;
    }
    case LOGIN_DISABLED:
        r->status = 403;
        v.alert = T(L, MSG_LOGIN_DISABLED);
        break;
    case LOGIN_BAD:
        r->status = 401;
        v.alert = T(L, MSG_LOGIN_BAD);
        break;
    }
    v.errs = NULL;
    login_page(r, &v);
}

void web_logout(req *r)
{
    if (!web_account_need_session(r))
        return;
    db_status st = auth_session_end(r->db, r->user->session_id);
    if (st != DB_OK) {
        resp_fail(r, st, "logout");
        return;
    }
    web_account_session_cookie(r, NULL);
    resp_redirect(r, "/login?done=out");
}

void web_logout_everywhere(req *r)
{
    if (!web_account_need_session(r))
        return;
    db_status st = auth_sessions_end_all(r->db, r->user->account_id, 0);
    if (st != DB_OK) {
        resp_fail(r, st, "logout everywhere");
        return;
    }
    web_account_session_cookie(r, NULL);
    resp_redirect(r, "/login?done=everywhere");
}
