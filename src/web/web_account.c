/* web_account.c: logging in and out, the account page (profile, password,
 * API tokens, "download my data"), the pages behind one-time links
 * (accepting an invitation, resetting a password) and GET /api/v1/me.
 *
 * Handlers here call the model (auth.c, person.c); the guard (guard.c) has
 * already checked CSRF and login as the route table's flags ask. The form
 * helpers at the top (web_field, web_errs_*) are shared with web_admin.c:
 * every input gets a label, its error next to it (p.field-error tied by
 * aria-describedby), and keeps what was typed except passwords.
 *
 * Secrets never travel in a URL we make: a new API token is shown in the
 * 200 answer to the POST that created it, and session tokens only in
 * Set-Cookie. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "http/cookie.h"
#include "http/server.h"
#include "json/json.h"
#include "model/auth.h"
#include "model/person.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_org.h"

/* --- form helpers ----------------------------------------------------------- */

void web_errs_add(web_errs *e, const char *field, const char *text)
{
    if (web_errs_get(e, field) || e->n >= WEB_MAX_FIELD_ERRORS)
        return;
    e->field[e->n] = field;
    e->text[e->n] = text;
    e->n++;
}

void web_errs_from_form(req *r, const form_errors *fe, web_errs *e)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf t = BUF_INIT;
        form_error_text(&t, r->lang, &fe->items[i]);
        const char *s = buf_failed(&t) ? NULL : arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        web_errs_add(e, fe->items[i].field, s ? s : T(r->lang, MSG_FORM_ERR_NOMEM));
    }
}

const char *web_errs_get(const web_errs *e, const char *field)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (strcmp(e->field[i], field) == 0)
            return e->text[i];
    return NULL;
}

const char *web_date_type(const char *value)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!value || !*value)
        return "date";
    const char *s = value;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return "text";
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return "text";
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return "text";
    return "date";
}

void web_field(req *r, const web_input *in)
{
    buf *o = &r->out;
    bool is_password = strcmp(in->type, "password") == 0;
    const char *type = strcmp(in->type, "date") == 0 ? web_date_type(in->value) : in->type;
    /* a rejected web address stays as typed: a url input's value must be
     * an absolute URL */
    if (in->error && in->value && *in->value && strcmp(type, "url") == 0)
        type = "text";
    html_fmt(o, "<div class=\"field%R\">", in->error ? " field-invalid" : "");
    html_fmt(o, "<label for=\"%s\">%s</label>", in->id, in->label);
    if (in->hint)
        html_fmt(o, "<p class=\"field-hint\" id=\"%s-hint\">%s</p>", in->id, in->hint);
    if (in->error)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 in->id, T(r->lang, MSG_FORM_ERROR_PREFIX), in->error);
    html_fmt(o, "<input id=\"%s\" name=\"%s\" type=\"%s\"", in->id, in->name, type);
    if (in->value && !is_password)
        html_fmt(o, " value=\"%s\"", in->value);
    if (in->autocomplete)
        html_fmt(o, " autocomplete=\"%s\"", in->autocomplete);
    if (in->suggest)
        html_fmt(o, " data-suggest=\"%s\"", in->suggest);
    if (in->required)
        html_raw(o, " required");
    if (in->maxlength > 0)
        html_fmt(o, " maxlength=\"%d\"", in->maxlength);
    if (in->hint || in->error) {
        html_raw(o, " aria-describedby=\"");
        if (in->hint)
            html_fmt(o, "%s-hint%R", in->id, in->error ? " " : "");
        if (in->error)
            html_fmt(o, "%s-error", in->id);
        html_raw(o, "\"");
    }
    if (in->error)
        html_raw(o, " aria-invalid=\"true\"");
    html_raw(o, "></div>\n");
}

void web_alert(req *r, const char *text)
{
    if (text)
        html_fmt(&r->out, "<div class=\"alert\" role=\"alert\"><p>%s</p></div>\n", text);
}

void web_error_summary(req *r, const web_errs *e)
{
    if (e && e->n)
        web_alert(r, T(r->lang, MSG_FORM_SUMMARY));
}

void web_notice(req *r, const char *text)
{
    if (text)
        html_fmt(&r->out, "<div class=\"notice\" role=\"status\"><p>%s</p></div>\n", text);
}

const char *web_base_url(req *r)
{
    const char *pub = server_public_url();
    if (pub && *pub) {
        size_t n = strlen(pub);
        while (n > 0 && pub[n - 1] == '/')
            n--;
        return arena_strndup(r->a, pub, n);
    }
    /* without a configured URL the Host header names us; refuse anything a
     * host[:port] cannot hold so a link in a mail cannot be bent into
     * markup or another URL's path */
    const char *host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255)
        return NULL;
    for (const char *p = host; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        if (!ok)
            return NULL;
    }
    return arena_printf(r->a, "http://%s", host);
}

void web_retry_text(buf *out, lang_id lang, int64_t wait_s)
{
    static const msg_id forms[3] = {MSG_RETRY_MINUTES_ONE, MSG_RETRY_MINUTES_FEW,
                                    MSG_RETRY_MINUTES_MANY};
    int64_t minutes = (wait_s + 59) / 60;
    if (minutes < 1)
        minutes = 1;
    int pf = i18n_plural_form(lang, minutes);
    buf_printf(out, T(lang, forms[pf >= 0 && pf < 3 ? pf : 2]), (long long)minutes);
}

const char *web_secretariat_label(lang_id lang, secretariat_role sec)
{
    switch (sec) {
    case SEC_ADMIN:
        return T(lang, MSG_SEC_ADMIN);
    case SEC_EDITOR:
        return T(lang, MSG_SEC_EDITOR);
    case SEC_NONE:
        break;
    }
    return T(lang, MSG_SEC_NONE);
}

const char *web_affiliation_role_label(lang_id lang, const char *role)
{
    if (role && strcmp(role, "manager") == 0)
        return T(lang, MSG_ROLE_MANAGER);
    if (role && strcmp(role, "representative") == 0)
        return T(lang, MSG_ROLE_REPRESENTATIVE);
    return role ? role : "";
}

/* A catalog message formatted with printf arguments, as an arena string
 * (the catalog's own string when the arena is out of memory). */
static const char *msgf(req *r, msg_id id, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, id);
    buf_vprintf(&b, T(r->lang, id), ap);
    va_end(ap);
    const char *s = buf_failed(&b) ? NULL : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : T(r->lang, id);
}

/* What to tell about a password judged too easy to guess: the pattern
 * zxcvbn found, then what to do about it (arena string). */
static const char *weak_text(req *r, pw_verdict v)
{
    static const struct {
        pw_verdict v;
        msg_id text;
    } why[] = {
        {PW_WEAK_REPEAT, MSG_PW_ERR_WEAK_REPEAT},     {PW_WEAK_SEQUENCE, MSG_PW_ERR_WEAK_SEQUENCE},
        {PW_WEAK_KEYBOARD, MSG_PW_ERR_WEAK_KEYBOARD}, {PW_WEAK_WORDS, MSG_PW_ERR_WEAK_WORDS},
        {PW_WEAK_DATE, MSG_PW_ERR_WEAK_DATE},         {PW_WEAK_PERSONAL, MSG_PW_ERR_WEAK_PERSONAL},
    };
    msg_id id = MSG_PW_ERR_WEAK;
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
        if (why[i].v == v)
            id = why[i].text;
    const char *s = arena_printf(r->a, "%s %s", T(r->lang, id), T(r->lang, MSG_PW_ERR_SUGGEST));
    return s ? s : T(r->lang, id);
}

/* The checks every new password passes: present, the policy of
 * auth_password_check() (with the person's e-mail and name when known),
 * and typed the same twice. Errors go to the two fields' names. */
static void check_new_password(req *r, const char *pw, const char *pw2, const char *email,
                               const char *person, const char *name, const char *name2, web_errs *e)
{
    lang_id L = r->lang;
    if (!pw || !*pw) {
        web_errs_add(e, name, T(L, MSG_FORM_ERR_REQUIRED));
    } else {
        pw_verdict v = auth_password_check(pw, email ? email : "", person);
        switch (v) {
        case PW_OK:
            break;
        case PW_TOO_SHORT:
            web_errs_add(e, name, msgf(r, MSG_PW_ERR_SHORT, AUTH_PASSWORD_MIN));
            break;
        case PW_TOO_LONG:
            web_errs_add(e, name, msgf(r, MSG_PW_ERR_LONG, AUTH_PASSWORD_MAX));
            break;
        case PW_COMMON:
            web_errs_add(e, name, T(L, MSG_PW_ERR_COMMON));
            break;
        case PW_LIKE_EMAIL:
            web_errs_add(e, name, T(L, MSG_PW_ERR_EMAIL));
            break;
        case PW_WEAK_REPEAT:
        case PW_WEAK_SEQUENCE:
        case PW_WEAK_KEYBOARD:
        case PW_WEAK_WORDS:
        case PW_WEAK_DATE:
        case PW_WEAK_PERSONAL:
        case PW_WEAK:
            web_errs_add(e, name, weak_text(r, v));
            break;
        }
    }
    if (!pw2 || !*pw2)
        web_errs_add(e, name2, T(L, MSG_FORM_ERR_REQUIRED));
    else if (pw && *pw && strcmp(pw, pw2) != 0)
        web_errs_add(e, name2, T(L, MSG_PW_ERR_MISMATCH));
}

/* --- session cookie --------------------------------------------------------- */

/* Sets the session cookie to token, or deletes it when token is NULL.
 * cookie_build() adds the __Host- prefix itself when cookies are Secure,
 * so the name written is exactly web_session_cookie_name(r). */
static void session_cookie(req *r, const char *token)
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
static bool need_session(req *r)
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
        session_cookie(r, token);
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
    if (!need_session(r))
        return;
    db_status st = auth_session_end(r->db, r->user->session_id);
    if (st != DB_OK) {
        resp_fail(r, st, "logout");
        return;
    }
    session_cookie(r, NULL);
    resp_redirect(r, "/login?done=out");
}

void web_logout_everywhere(req *r)
{
    if (!need_session(r))
        return;
    db_status st = auth_sessions_end_all(r->db, r->user->account_id, 0);
    if (st != DB_OK) {
        resp_fail(r, st, "logout everywhere");
        return;
    }
    session_cookie(r, NULL);
    resp_redirect(r, "/login?done=everywhere");
}

/* --- the account page ---------------------------------------------------------- */

typedef struct account_view {
    const web_errs *pw_errs;  /* password form */
    const char *pw_alert;     /* throttled while checking the current password */
    const web_errs *tok_errs; /* token form */
    const char *tok_name;     /* kept token name */
    const char *tok_scope;    /* kept scope: "read" or "write" */
    const char *tok_days;     /* kept lifetime in days: "30", "90", "180" or "365" */
    const char *new_token;    /* the secret of a token just created: shown once */
    const char *new_token_name;
    const char *notice;
} account_view;

void web_datetime(req *r, int64_t t, msg_id when_never)
{
    if (!t) {
        html_fmt(&r->out, "<span class=\"muted\">%s</span>", T(r->lang, when_never));
        return;
    }
    buf d = BUF_INIT, iso = BUF_INIT;
    i18n_fmt_datetime(&d, r->lang, t);
    time_fmt_iso(&iso, t);
    html_fmt(&r->out, "<time datetime=\"%s\">%s</time>", buf_str(&iso), buf_str(&d));
    buf_free(&d);
    buf_free(&iso);
}

static void account_profile(req *r, const person_affil *af, size_t n_af)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const principal *u = r->user;
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"profile-h\"><h2 id=\"profile-h\">%s</h2>"
             "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>",
             T(L, MSG_ACCOUNT_PROFILE), T(L, MSG_ACCOUNT_NAME), u->name, T(L, MSG_ACCOUNT_EMAIL),
             u->email, T(L, MSG_ACCOUNT_SECRETARIAT), web_secretariat_label(L, u->secretariat),
             T(L, MSG_ACCOUNT_AFFILIATIONS));
    bool manages = false;
    if (n_af == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span>", T(L, MSG_ACCOUNT_NO_AFFILIATIONS));
    } else {
        html_raw(o, "<ul class=\"plain\">");
        for (size_t i = 0; i < n_af; i++) {
            html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a> <span class=\"tag\">%s</span>",
                     af[i].org_slug, web_org_text(r, af[i].org_name, NULL),
                     web_affiliation_role_label(L, af[i].role));
            /* why: who invited or granted it, and since when */
            buf since = BUF_INIT;
            i18n_fmt_date(&since, L, af[i].started_at);
            const char *by = af[i].granted_by ? web_org_text(r, af[i].granted_by, NULL) : NULL;
            html_fmt(
                o, " <span class=\"muted small\">%s</span></li>",
                !by ? arena_printf(r->a, T(L, MSG_ACCOUNT_WHY_SINCE), buf_str(&since))
                : af[i].by_secretariat
                    ? arena_printf(r->a, T(L, MSG_ACCOUNT_WHY_SECRETARIAT), buf_str(&since), by)
                    : arena_printf(r->a, T(L, MSG_ACCOUNT_WHY_INVITED), buf_str(&since), by));
            buf_free(&since);
            manages = manages || strcmp(af[i].role, "manager") == 0;
        }
        html_raw(o, "</ul>");
    }
    html_raw(o, "</dd></dl>");
    if (manages || u->secretariat == SEC_ADMIN)
        html_fmt(o, "<p><a class=\"button button-secondary\" href=\"/invite\">%s</a></p>",
                 T(L, MSG_ACCOUNT_INVITE_LINK));
    html_raw(o, "</section>\n");
}

static void account_password_form(req *r, const account_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const web_errs *e = v->pw_errs;
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"pw-h\"><h2 id=\"pw-h\">%s</h2>"
             "<p class=\"muted\">%s %s</p>",
             T(L, MSG_ACCOUNT_PW_TITLE), T(L, MSG_ACCOUNT_PW_NOTE),
             T(L, MSG_ACCOUNT_PW_TOKENS_NOTE));
    web_alert(r, v->pw_alert);
    web_error_summary(r, e);
    html_raw(o, "<form class=\"form\" method=\"post\" action=\"/account/password\">");
    layout_csrf_field(r);
    /* lets password managers file the new password under the right login */
    html_fmt(o,
             "<input type=\"email\" name=\"username\" autocomplete=\"username\" value=\"%s\" "
             "hidden>",
             r->user->email);
    web_field(r, &(web_input){.id = "pw-current",
                              .name = "current_password",
                              .type = "password",
                              .label = T(L, MSG_ACCOUNT_PW_CURRENT),
                              .autocomplete = "current-password",
                              .error = web_errs_get(e, "current_password"),
                              .required = true});
    web_field(r, &(web_input){.id = "pw-new",
                              .name = "new_password",
                              .type = "password",
                              .label = T(L, MSG_ACCOUNT_PW_NEW),
                              .autocomplete = "new-password",
                              .hint = msgf(r, MSG_PW_HINT, AUTH_PASSWORD_MIN),
                              .error = web_errs_get(e, "new_password"),
                              .required = true});
    web_field(r, &(web_input){.id = "pw-new2",
                              .name = "new_password2",
                              .type = "password",
                              .label = T(L, MSG_ACCOUNT_PW_REPEAT),
                              .autocomplete = "new-password",
                              .error = web_errs_get(e, "new_password2"),
                              .required = true});
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, MSG_ACCOUNT_PW_SUBMIT));
    html_raw(o, "</section>\n");
}

/* The lifetimes a new token may have, in days (AUTH_TOKEN_DAYS_MAX at
 * most); the form's choices, validated as an enum. */
static const char *const token_days[] = {"30", "90", "180", "365", NULL};

static void account_tokens(req *r, const account_view *v, const api_token_info *t, size_t n)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    int64_t now = time_now();
    html_fmt(
        o,
        "<section class=\"panel panel-wide\" aria-labelledby=\"tok-h\"><h2 id=\"tok-h\">%s</h2>"
        "<p class=\"muted\">%s</p>",
        T(L, MSG_ACCOUNT_TOKENS), T(L, MSG_ACCOUNT_TOKENS_LEAD));
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_ACCOUNT_TOKENS_NONE));
    } else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">%s</caption>"
                 "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
                 T(L, MSG_ACCOUNT_TOKENS), T(L, MSG_TOKEN_COL_NAME), T(L, MSG_TOKEN_COL_ACCESS),
                 T(L, MSG_TOKEN_COL_CREATED), T(L, MSG_TOKEN_COL_LAST_USED),
                 T(L, MSG_TOKEN_COL_EXPIRES), T(L, MSG_TOKEN_COL_STATUS));
        for (size_t i = 0; i < n; i++) {
            bool expired = !t[i].revoked_at && now >= t[i].expires_at;
            html_fmt(o, "<tr%R><th scope=\"row\">%s</th><td>%s</td><td>",
                     t[i].revoked_at || expired ? " class=\"revoked\"" : "", t[i].name,
                     T(L, t[i].write ? MSG_TOKEN_WRITE : MSG_TOKEN_READ));
            web_datetime(r, t[i].created_at, MSG_TOKEN_NEVER);
            html_raw(o, "</td><td>");
            web_datetime(r, t[i].last_used_at, MSG_TOKEN_NEVER);
            html_raw(o, "</td><td>");
            web_datetime(r, t[i].expires_at, MSG_TOKEN_NEVER);
            html_raw(o, "</td><td>");
            if (t[i].revoked_at) {
                html_fmt(o, "%s ", T(L, MSG_TOKEN_REVOKED));
                web_datetime(r, t[i].revoked_at, MSG_TOKEN_NEVER);
            } else if (expired) {
                html_fmt(o, "%s", T(L, MSG_TOKEN_EXPIRED));
            } else {
                html_fmt(o,
                         "<form class=\"inline-form\" method=\"post\" "
                         "action=\"/account/tokens/%D/revoke\">",
                         (long long)t[i].id);
                layout_csrf_field(r);
                html_fmt(o,
                         "<button type=\"submit\" class=\"button-secondary\" "
                         "aria-label=\"%s\">%s</button></form>",
                         msgf(r, MSG_TOKEN_REVOKE_LABEL, t[i].name), T(L, MSG_TOKEN_REVOKE));
            }
            html_raw(o, "</td></tr>\n");
        }
        html_raw(o, "</tbody></table></div>\n");
    }

    /* create a token */
    const web_errs *e = v->tok_errs;
    const char *scope_err = web_errs_get(e, "scope");
    bool write = v->tok_scope && strcmp(v->tok_scope, "write") == 0;
    html_fmt(o, "<h3 id=\"tok-new-h\">%s</h3>", T(L, MSG_TOKEN_CREATE_TITLE));
    web_error_summary(r, e);
    html_raw(o, "<form class=\"form\" method=\"post\" action=\"/account/tokens\" "
                "aria-labelledby=\"tok-new-h\">");
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "tok-name",
                              .name = "name",
                              .type = "text",
                              .label = T(L, MSG_TOKEN_NAME),
                              .value = v->tok_name,
                              .autocomplete = "off",
                              .hint = T(L, MSG_TOKEN_NAME_HINT),
                              .error = web_errs_get(e, "name"),
                              .required = true,
                              .maxlength = 100});
    html_fmt(o, "<fieldset class=\"field choices%R\"%R><legend>%s</legend>",
             scope_err ? " field-invalid" : "",
             scope_err ? " aria-describedby=\"tok-scope-error\"" : "", T(L, MSG_TOKEN_COL_ACCESS));
    if (scope_err)
        html_fmt(o, "<p class=\"field-error\" id=\"tok-scope-error\">%s</p>", scope_err);
    html_fmt(o,
             "<div class=\"choice\"><input type=\"radio\" id=\"tok-scope-read\" name=\"scope\" "
             "value=\"read\"%R><label for=\"tok-scope-read\">%s <span class=\"choice-hint\">%s"
             "</span></label></div>",
             write ? "" : " checked", T(L, MSG_TOKEN_READ), T(L, MSG_TOKEN_READ_HINT));
    html_fmt(o,
             "<div class=\"choice\"><input type=\"radio\" id=\"tok-scope-write\" name=\"scope\" "
             "value=\"write\"%R><label for=\"tok-scope-write\">%s <span class=\"choice-hint\">%s"
             "</span></label></div></fieldset>",
             write ? " checked" : "", T(L, MSG_TOKEN_WRITE), T(L, MSG_TOKEN_WRITE_HINT));
    /* lifetime: a select of token_days, AUTH_TOKEN_DAYS_DEFAULT chosen */
    const char *days_err = web_errs_get(e, "days");
    const char *want =
        v->tok_days ? v->tok_days : arena_printf(r->a, "%d", AUTH_TOKEN_DAYS_DEFAULT);
    html_fmt(o, "<div class=\"field%R\"><label for=\"tok-days\">%s</label>",
             days_err ? " field-invalid" : "", T(L, MSG_TOKEN_EXPIRY));
    html_fmt(o, "<p class=\"field-hint\" id=\"tok-days-hint\">%s</p>", T(L, MSG_TOKEN_EXPIRY_HINT));
    if (days_err)
        html_fmt(o, "<p class=\"field-error\" id=\"tok-days-error\">%s</p>", days_err);
    html_fmt(o, "<select id=\"tok-days\" name=\"days\" aria-describedby=\"tok-days-hint%R\">",
             days_err ? " tok-days-error" : "");
    for (size_t i = 0; token_days[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", token_days[i],
                 want && strcmp(want, token_days[i]) == 0 ? " selected" : "",
                 msgf(r, MSG_TOKEN_DAYS, atoi(token_days[i])));
    html_raw(o, "</select></div>");
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, MSG_TOKEN_CREATE));
    html_raw(o, "</section>\n");
}

static void account_page(req *r, const account_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const principal *u = r->user;
    person_affil *af = NULL;
    size_t n_af = 0;
    api_token_info *toks = NULL;
    size_t n_toks = 0;
    db_status st = person_affiliations(r->db, r->a, u->person_id, &af, &n_af);
    if (st == DB_OK)
        st = auth_token_list(r->db, r->a, u->account_id, &toks, &n_toks);
    if (st != DB_OK) {
        resp_fail(r, st, "account page");
        return;
    }
    page_meta m = {.title = T(L, MSG_ACCOUNT_TITLE), .nav = "account"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n", T(L, MSG_ACCOUNT_TITLE));
    web_notice(r, v->notice);
    web_membership_panel(r); /* proposals the reader may accept or decline */
    if (v->new_token) {
        html_fmt(
            o,
            "<section class=\"secret-box\" role=\"status\" aria-labelledby=\"new-tok-h\">"
            "<h2 id=\"new-tok-h\">%s</h2><p>%s</p>"
            "<p><label for=\"new-token\">%s</label><input id=\"new-token\" class=\"secret\" "
            "type=\"text\" readonly value=\"%s\" autocomplete=\"off\" spellcheck=\"false\"></p>"
            "<p class=\"muted\">%s</p></section>\n",
            msgf(r, MSG_TOKEN_NEW_TITLE, v->new_token_name), T(L, MSG_TOKEN_NEW_NOTE),
            T(L, MSG_TOKEN_NEW_LABEL), v->new_token, T(L, MSG_TOKEN_NEW_USAGE));
    }
    html_raw(o, "<div class=\"panels\">\n");
    account_profile(r, af, n_af);
    account_password_form(r, v);
    account_tokens(r, v, toks, n_toks);
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"sess-h\"><h2 id=\"sess-h\">%s</h2>"
             "<p>%s %s</p><form method=\"post\" action=\"/logout-everywhere\">",
             T(L, MSG_ACCOUNT_SESSIONS), T(L, MSG_ACCOUNT_SESSIONS_LEAD),
             T(L, MSG_ACCOUNT_SESSIONS_TOKENS));
    layout_csrf_field(r);
    html_fmt(o, "<button type=\"submit\" class=\"button-secondary\">%s</button></form></section>\n",
             T(L, MSG_ACCOUNT_LOGOUT_ALL));
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"notify-h\"><h2 id=\"notify-h\">%s</h2>"
             "<p>%s</p><p><a class=\"button button-secondary\" href=\"/account/notifications\">"
             "%s</a></p></section>\n",
             T(L, MSG_NOTIFY_TITLE), T(L, MSG_NOTIFY_LEAD), T(L, MSG_NOTIFY_LINK));
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"data-h\"><h2 id=\"data-h\">%s</h2>"
             "<p>%s</p><p><a class=\"button button-secondary\" href=\"/account/data\" "
             "download>%s</a></p></section>\n",
             T(L, MSG_ACCOUNT_DATA), T(L, MSG_ACCOUNT_DATA_LEAD), T(L, MSG_ACCOUNT_DATA_LINK));
    html_raw(o, "</div>\n");
    layout_end(r);
}

static const struct {
    const char *key;
    msg_id text;
} account_notices[] = {
    {"password", MSG_ACCOUNT_PW_DONE},
    {"revoked", MSG_TOKEN_REVOKED_DONE},
};

void web_account(req *r)
{
    account_view v = {0};
    const char *done = req_query(r, "done");
    for (size_t i = 0; done && i < sizeof account_notices / sizeof account_notices[0]; i++)
        if (strcmp(done, account_notices[i].key) == 0)
            v.notice = T(r->lang, account_notices[i].text);
    account_page(r, &v);
}

/* Checks the current password (throttled like a login; no session, no
 * login audit row). *ok false with *wait_s > 0 when throttled. */
static db_status verify_password(req *r, const char *password, bool *ok, int64_t *wait_s)
{
    /* trusted: holding the account's session proves a recent login, like a
     * device cookie, so guessers elsewhere cannot block a password change */
    return auth_check_password(r->db, r->user->email, password, r->client_ip, true, ok, wait_s);
}

void web_account_password(req *r)
{
    lang_id L = r->lang;
    if (!need_session(r))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *cur = form_get(&f, "current_password");
    const char *pw = form_get(&f, "new_password");
    const char *pw2 = form_get(&f, "new_password2");
    web_errs e = {0};
    account_view v = {.pw_errs = &e};
    if (!cur || !*cur)
        web_errs_add(&e, "current_password", T(L, MSG_FORM_ERR_REQUIRED));
    check_new_password(r, pw, pw2, r->user->email, r->user->name, "new_password", "new_password2",
                       &e);
    if (!e.n) {
        bool ok = false;
        int64_t wait_s = 0;
        db_status st = verify_password(r, cur, &ok, &wait_s);
        if (st != DB_OK) {
            resp_fail(r, st, "password check");
            return;
        }
        if (!ok && wait_s > 0) {
            buf t = BUF_INIT;
            buf_puts(&t, T(L, MSG_LOGIN_THROTTLED));
            buf_putc(&t, ' ');
            web_retry_text(&t, L, wait_s);
            v.pw_alert = arena_strdup(r->a, buf_str(&t));
            buf_free(&t);
            resp_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait_s));
            r->status = 429;
            account_page(r, &v);
            return;
        }
        if (!ok)
            web_errs_add(&e, "current_password", T(L, MSG_ACCOUNT_PW_WRONG));
    }
    if (e.n) {
        r->status = 422;
        account_page(r, &v);
        return;
    }
    db_status st =
        auth_password_set(r->db, r->user->account_id, pw, r->user->session_id, r->user->person_id);
    if (st != DB_OK) {
        resp_fail(r, st, "password change");
        return;
    }
    /* a new session id for this browser too: whoever knew the old cookie
     * is out */
    principal p = *r->user;
    char token[AUTH_TOKEN_LEN + 1] = "";
    st = auth_session_rotate(r->db, &p, token);
    if (st != DB_OK) {
        resp_fail(r, st, "session rotation after password change");
        return;
    }
    if (!*token) { /* this session ended meanwhile: log in afresh */
        session_cookie(r, NULL);
        resp_redirect(r, "/login?done=password");
        return;
    }
    session_cookie(r, token);
    memset(token, 0, sizeof token);
    web_notice_next(r, NOTICE_PASSWORD_SAVED, 0);
    resp_redirect(r, "/account");
}

void web_account_token_create(req *r)
{
    if (!need_session(r))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const char *const scopes[] = {"read", "write", NULL};
    /* days is optional: clients of the form before it existed get the
     * default lifetime */
    static const form_rule rules[] = {
        {"name", FV_TEXT, FORM_REQUIRED, 1, 100, NULL},
        {"scope", FV_ENUM, FORM_REQUIRED, 0, 0, scopes},
        {"days", FV_ENUM, 0, 0, 0, token_days},
    };
    form_value val[3];
    form_errors fe = {0};
    web_errs e = {0};
    account_view v = {.tok_errs = &e};
    if (!form_validate(r->a, &f, rules, 3, val, &fe)) {
        web_errs_from_form(r, &fe, &e);
        v.tok_name = val[0].text;
        v.tok_scope = val[1].text;
        v.tok_days = val[2].text;
        r->status = 422;
        account_page(r, &v);
        return;
    }
    char token[AUTH_TOKEN_LEN + 1] = "";
    int64_t id = 0;
    bool write = val[1].i == 1;
    int days = val[2].present ? atoi(token_days[val[2].i]) : AUTH_TOKEN_DAYS_DEFAULT;
    db_status st =
        auth_token_create(r->db, r->user->account_id, val[0].text, write, days, token, &id);
    if (st != DB_OK) {
        resp_fail(r, st, "token create");
        return;
    }
    v.tok_errs = NULL;
    v.new_token = arena_strdup(r->a, token);
    v.new_token_name = val[0].text;
    memset(token, 0, sizeof token);
    if (!v.new_token) {
        resp_fail(r, DB_NOMEM, "token create");
        return;
    }
    account_page(r, &v);
}

void web_account_token_revoke(req *r)
{
    if (!need_session(r))
        return;
    int64_t id = 0;
    if (!str_to_i64(req_param(r, "id"), &id) || id <= 0) {
        resp_error(r, 404, T(r->lang, MSG_TOKEN_NOT_FOUND));
        return;
    }
    bool found = false;
    db_status st = auth_token_revoke(r->db, r->user->account_id, id, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "token revoke");
        return;
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_TOKEN_NOT_FOUND));
        return;
    }
    web_notice_next(r, NOTICE_TOKEN_REVOKED, 0);
    resp_redirect(r, "/account");
}

void web_account_data(req *r)
{
    db_status st = person_export_json(r->db, r->user->person_id, &r->out);
    if (st != DB_OK || buf_failed(&r->out)) {
        buf_reset(&r->out);
        resp_fail(r, st != DB_OK ? st : DB_NOMEM, "personal data export");
        return;
    }
    r->content_type = "application/json";
    r->cache_control = "no-store";
    r->no_etag = true;
    resp_header(r, "Content-Disposition", "attachment; filename=\"scan-my-data.json\"");
}

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
                              .hint = msgf(r, MSG_PW_HINT, AUTH_PASSWORD_MIN),
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
        check_new_password(r, pw, pw2, email, person, "password", "password2", &e);
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
        session_cookie(r, NULL);
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
