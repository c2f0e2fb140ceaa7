/* web_account.c: the account page (profile, password, API tokens,
 * "download my data") and the new-password checks every password form
 * shares (web_account.h).
 *
 * Handlers here call the model (auth.c, person.c); the guard (guard.c) has
 * already checked CSRF and login as the route table's flags ask. Logging
 * in and out is in web_login.c, the pages behind one-time links in
 * web_account_link.c, the form helpers every form uses in web_form.c.
 *
 * Secrets never travel in a URL we make: a new API token is shown in the
 * 200 answer to the POST that created it, and session tokens only in
 * Set-Cookie. */
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "json/json.h"
#include "model/auth.h"
#include "model/person.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_account.h"
#include "web/web_org.h"

/* A catalog message formatted with printf arguments, as an arena string
 * (the catalog's own string when the arena is out of memory). */
const char *web_account_msgf(req *r, msg_id id, ...)
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
void web_account_check_password(req *r, const char *pw, const char *pw2, const char *email,
                                const char *person, const char *name, const char *name2,
                                web_errs *e)
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
            web_errs_add(e, name, web_account_msgf(r, MSG_PW_ERR_SHORT, AUTH_PASSWORD_MIN));
            break;
        case PW_TOO_LONG:
            web_errs_add(e, name, web_account_msgf(r, MSG_PW_ERR_LONG, AUTH_PASSWORD_MAX));
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
                              .hint = web_account_msgf(r, MSG_PW_HINT, AUTH_PASSWORD_MIN),
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
                         web_account_msgf(r, MSG_TOKEN_REVOKE_LABEL, t[i].name),
                         T(L, MSG_TOKEN_REVOKE));
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
                 web_account_msgf(r, MSG_TOKEN_DAYS, atoi(token_days[i])));
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
            web_account_msgf(r, MSG_TOKEN_NEW_TITLE, v->new_token_name), T(L, MSG_TOKEN_NEW_NOTE),
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
    if (!web_account_need_session(r))
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
    web_account_check_password(r, pw, pw2, r->user->email, r->user->name, "new_password",
                               "new_password2", &e);
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
        web_account_session_cookie(r, NULL);
        resp_redirect(r, "/login?done=password");
        return;
    }
    web_account_session_cookie(r, token);
    memset(token, 0, sizeof token);
    web_notice_next(r, NOTICE_PASSWORD_SAVED, 0);
    resp_redirect(r, "/account");
}

void web_account_token_create(req *r)
{
    if (!web_account_need_session(r))
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
    if (!web_account_need_session(r))
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
