/* web_newsletter.c: the newsletter (issue 17).
 *
 *   GET  /newsletter                      what it is, the subscription form
 *   POST /newsletter/subscribe            double opt-in: mails a confirmation link
 *   GET  /newsletter/confirm/{token}      a button (mail scanners follow links)
 *   POST /newsletter/confirm/{token}      confirms
 *   GET  /newsletter/u/{token}            a button; POST unsubscribes (RFC 8058
 *   POST /newsletter/u/{token}            one-click: no login, no CSRF token)
 *   POST /account/newsletter              an account's opt-in (per language)
 *   GET  /admin/newsletter                issues, the compose form, subscribers
 *   POST /admin/newsletter                a new draft issue
 *   GET  /admin/newsletter/{id}           preview in both languages, progress, failures
 *   POST /admin/newsletter/{id}/send      starts sending
 *
 * The admin pages need rights_can(RIGHT_NEWSLETTER): the secretariat. */
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/newsletter.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_admin.h"
#include "web/web_cluster.h"
#include "web/web_news.h"
#include "web/web_org.h"

static bool secretariat(req *r)
{
    if (r->user && rights_can(r->db, r->user, RIGHT_NEWSLETTER, 0))
        return true;
    resp_error(r, 403, T(r->lang, MSG_NL_E_FORBIDDEN));
    return false;
}

static void message_page(req *r, unsigned status, msg_id title, const char *text)
{
    lang_id L = r->lang;
    r->status = status;
    r->cache_control = "no-store";
    page_meta m = {.title = T(L, title), .nav = "news"};
    layout_begin(r, &m);
    html_fmt(&r->out, "<h1>%s</h1>\n", T(L, title));
    if (status < 300)
        web_notice(r, text);
    else
        web_alert(r, text);
    html_fmt(&r->out, "<p><a href=\"/news\">%s</a></p>\n", T(L, MSG_NEWS_TITLE));
    layout_end(r);
}

/* --- the public ---------------------------------------------------------------- */

static void subscribe_page(req *r, const char *email, const char *error)
{
    lang_id L = r->lang;
    if (error)
        r->status = 422;
    page_meta m = {.title = T(L, MSG_NL_TITLE), .nav = "news", .description = T(L, MSG_NL_LEAD)};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(L, MSG_NL_TITLE), T(L, MSG_NL_LEAD));
    html_fmt(
        o,
        "<section class=\"panel nl-subscribe\" aria-labelledby=\"nl-sub\"><h2 id=\"nl-sub\">%s</h2>"
        "<form class=\"form\" method=\"post\" action=\"/newsletter/subscribe\" novalidate>",
        T(L, MSG_NL_SUBSCRIBE));
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "nl-email",
                              .name = "email",
                              .type = "email",
                              .label = T(L, MSG_NL_L_EMAIL),
                              .hint = T(L, MSG_NL_H_EMAIL),
                              .value = email,
                              .error = error,
                              .autocomplete = "email",
                              .required = true,
                              .maxlength = 254});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "<p class=\"hint\">%s</p></section>\n",
             T(L, MSG_NL_SUBSCRIBE), T(L, MSG_NL_PRIVACY));
    if (r->user)
        html_fmt(o, "<p><a href=\"/account/notifications#newsletter\">%s</a></p>\n",
                 T(L, MSG_NL_ACCOUNT_LINK));
    layout_end(r);
}

void web_newsletter_page(req *r)
{
    subscribe_page(r, NULL, NULL);
}

void web_newsletter_subscribe(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *email = form_get(&f, "email");
    form_errors fe = {0};
    nlsub_result res = NLSUB_MAILED;
    int64_t wait_s = 0;
    db_status st = newsletter_subscribe(r->db, email, r->lang, web_base_url(r), r->client_ip, &fe,
                                        &res, &wait_s);
    if (st == DB_CONSTRAINT) {
        subscribe_page(r, email, T(r->lang, MSG_NL_E_EMAIL));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_subscribe");
        return;
    }
    if (res == NLSUB_THROTTLED) { /* the form again, saying when to come back */
        buf t = BUF_INIT;
        buf_puts(&t, T(r->lang, MSG_NL_THROTTLED));
        buf_putc(&t, ' ');
        web_retry_text(&t, r->lang, wait_s);
        const char *text = buf_failed(&t) ? T(r->lang, MSG_NL_THROTTLED) : buf_str(&t);
        subscribe_page(r, email, arena_strdup(r->a, text));
        buf_free(&t);
        r->status = 429;
        resp_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait_s));
        return;
    }
    /* NLSUB_ALREADY answers as a new address does (issue 17 review: the
     * answer told anyone whether an address was on the list) */
    message_page(r, 200, MSG_NL_TITLE, T(r->lang, MSG_NL_MAILED));
}

static void token_form(req *r, msg_id title, msg_id lead, const char *action, msg_id button)
{
    lang_id L = r->lang;
    r->cache_control = "no-store";
    page_meta m = {.title = T(L, title), .nav = "news"};
    layout_begin(r, &m);
    html_fmt(&r->out, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<form method=\"post\" action=\"%s\">",
             T(L, title), T(L, lead), action);
    layout_csrf_field(r);
    /* what a mail provider's one-click POST sends (RFC 8058) */
    html_fmt(&r->out,
             "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, button));
    layout_end(r);
}

void web_newsletter_confirm_form(req *r)
{
    token_form(r, MSG_NL_CONFIRM_TITLE, MSG_NL_CONFIRM_LEAD,
               arena_printf(r->a, "/newsletter/confirm/%s", req_param(r, "token")),
               MSG_NL_CONFIRM_BUTTON);
}

void web_newsletter_confirm(req *r)
{
    nltok_state s;
    db_status st = newsletter_confirm(r->db, req_param(r, "token"), r->client_ip, &s);
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_confirm");
        return;
    }
    if (s == NLTOK_OK)
        message_page(r, 200, MSG_NL_CONFIRM_TITLE, T(r->lang, MSG_NL_CONFIRMED));
    else
        message_page(r, s == NLTOK_EXPIRED ? 410 : 404, MSG_NL_CONFIRM_TITLE,
                     T(r->lang, s == NLTOK_EXPIRED ? MSG_NL_E_EXPIRED : MSG_NL_E_TOKEN));
}

void web_newsletter_unsub_form(req *r)
{
    token_form(r, MSG_NL_UNSUB_TITLE, MSG_NL_UNSUB_LEAD,
               arena_printf(r->a, "/newsletter/u/%s", req_param(r, "token")), MSG_NL_UNSUB_BUTTON);
}

void web_newsletter_unsub(req *r)
{
    nltok_state s;
    db_status st = newsletter_unsubscribe(r->db, req_param(r, "token"), r->client_ip, &s);
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_unsubscribe");
        return;
    }
    if (s == NLTOK_OK)
        message_page(r, 200, MSG_NL_UNSUB_TITLE, T(r->lang, MSG_NL_UNSUBSCRIBED));
    else
        message_page(r, 404, MSG_NL_UNSUB_TITLE, T(r->lang, MSG_NL_E_UNSUB_USED));
}

/* --- an account ------------------------------------------------------------------ */

void web_newsletter_account_section(req *r)
{
    lang_id L = r->lang, nl = LANG_SR_CYRL;
    bool on = false;
    if (newsletter_account_get(r->db, r->user->person_id, &on, &nl) != DB_OK)
        return;
    buf *o = &r->out;
    html_fmt(o,
             "<section class=\"panel\" id=\"newsletter\" aria-labelledby=\"nl-acc\">"
             "<h2 id=\"nl-acc\">%s</h2><p>%s</p>"
             "<form class=\"form\" method=\"post\" action=\"/account/newsletter\">",
             T(L, MSG_NL_TITLE), T(L, MSG_NL_ACCOUNT_LEAD));
    layout_csrf_field(r);
    static const struct {
        const char *code;
        lang_id lang;
        msg_id label;
    } opts[] = {{"off", LANG__COUNT, MSG_NL_ACC_OFF},
                {"sr", LANG_SR_CYRL, MSG_NL_ACC_SR},
                {"sr-Latn", LANG_SR_LATN, MSG_NL_ACC_SR_LATN},
                {"en", LANG_EN, MSG_NL_ACC_EN}};
    html_fmt(o, "<fieldset class=\"choices\"><legend>%s</legend>", T(L, MSG_NL_ACC_LEGEND));
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        bool sel = i == 0 ? !on : on && nl == opts[i].lang;
        html_fmt(o, "<label><input type=\"radio\" name=\"newsletter\" value=\"%s\"%R> %s</label> ",
                 opts[i].code, sel ? " checked" : "", T(L, opts[i].label));
    }
    html_fmt(o,
             "</fieldset><div class=\"form-actions\"><button type=\"submit\">%s</button></div>"
             "</form></section>\n",
             T(L, MSG_NL_ACC_SAVE));
}

void web_newsletter_account(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *v = form_get(&f, "newsletter");
    bool on = true;
    lang_id nl = LANG_SR_CYRL;
    if (v && strcmp(v, "off") == 0)
        on = false;
    else if (v && strcmp(v, "sr") == 0)
        nl = LANG_SR_CYRL;
    else if (v && strcmp(v, "sr-Latn") == 0)
        nl = LANG_SR_LATN;
    else if (v && strcmp(v, "en") == 0)
        nl = LANG_EN;
    else {
        resp_error(r, 422, T(r->lang, MSG_NL_E_CHOICE));
        return;
    }
    db_status st = newsletter_account_set(r->db, r->user->person_id, on, nl, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 422, T(r->lang, MSG_NL_E_NO_ADDRESS));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_account_set");
        return;
    }
    resp_redirect(r, "/account/notifications?done=newsletter#newsletter");
}

/* --- the secretariat ---------------------------------------------------------------- */

static const char *status_label(lang_id L, const char *s)
{
    if (s && strcmp(s, "sending") == 0)
        return T(L, MSG_NL_ST_SENDING);
    if (s && strcmp(s, "sent") == 0)
        return T(L, MSG_NL_ST_SENT);
    return T(L, MSG_NL_ST_DRAFT);
}

static const char *when(req *r, int64_t t)
{
    if (!t)
        return "";
    buf b = BUF_INIT;
    i18n_fmt_datetime(&b, r->lang, t);
    const char *s = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

static void admin_page(req *r, const form *typed, const web_errs *errs)
{
    lang_id L = r->lang;
    nl_issue *is = NULL;
    nl_subscriber *subs = NULL;
    size_t n_is = 0, n_subs = 0;
    int64_t n_conf = 0;
    db_status st = newsletter_issues(r->db, r->a, &is, &n_is);
    if (st == DB_OK)
        st = newsletter_subscribers(r->db, r->a, 200, &subs, &n_subs, &n_conf);
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_admin");
        return;
    }
    if (errs)
        r->status = 422;
    page_meta m = {.title = T(L, MSG_NL_ADMIN_TITLE), .nav = "admin"};
    layout_begin(r, &m);
    buf *o = &r->out;
    if (r->user->secretariat == SEC_ADMIN)
        web_admin_nav(r, "newsletter"); /* editors may not open the other admin pages */
    html_fmt(o, "<h1>%s</h1>\n", T(L, MSG_NL_ADMIN_TITLE));
    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"nl-is\"><h2 id=\"nl-is\">%s</h2>",
             T(L, MSG_NL_ISSUES));
    if (n_is == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_NL_NO_ISSUES));
    else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s"
                 "</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                 T(L, MSG_NL_L_SUBJECT), T(L, MSG_NL_L_STATUS), T(L, MSG_NL_L_CREATED));
        for (size_t i = 0; i < n_is; i++)
            html_fmt(o,
                     "<tr><td><a href=\"/admin/newsletter/%D\">%s</a></td><td>%s</td><td>%s</td>"
                     "</tr>",
                     (long long)is[i].id,
                     web_org_text(r, is[i].subject_sr, L == LANG_EN ? is[i].subject_en : NULL),
                     status_label(L, is[i].status), when(r, is[i].created_at));
        html_raw(o, "</tbody></table></div>");
    }
    html_raw(o, "</section>\n");
    html_fmt(o,
             "<section class=\"panel\" id=\"compose\" aria-labelledby=\"nl-new\"><h2 id=\"nl-new\">"
             "%s</h2><p>%s</p>",
             T(L, MSG_NL_COMPOSE), T(L, MSG_NL_COMPOSE_LEAD));
    web_error_summary(r, errs);
    html_raw(o, "<form class=\"form\" method=\"post\" action=\"/admin/newsletter\" novalidate>");
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "nl-subj-sr",
                              .name = "subject_sr",
                              .type = "text",
                              .label = T(L, MSG_NL_L_SUBJECT_SR),
                              .value = typed ? form_get(typed, "subject_sr") : NULL,
                              .error = web_errs_get(errs, "subject_sr"),
                              .required = true,
                              .maxlength = NEWSLETTER_SUBJECT_MAX});
    wc_textarea(r, "nl-intro-sr", "intro_sr", T(L, MSG_NL_L_INTRO_SR), T(L, MSG_NEWS_H_BODY),
                typed ? form_get(typed, "intro_sr") : NULL, web_errs_get(errs, "intro_sr"), 6);
    web_field(r, &(web_input){.id = "nl-subj-en",
                              .name = "subject_en",
                              .type = "text",
                              .label = T(L, MSG_NL_L_SUBJECT_EN),
                              .value = typed ? form_get(typed, "subject_en") : NULL,
                              .error = web_errs_get(errs, "subject_en"),
                              .required = true,
                              .maxlength = NEWSLETTER_SUBJECT_MAX});
    wc_textarea(r, "nl-intro-en", "intro_en", T(L, MSG_NL_L_INTRO_EN), NULL,
                typed ? form_get(typed, "intro_en") : NULL, web_errs_get(errs, "intro_en"), 6);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_NL_PREVIEW_BUTTON));
    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"nl-subs\"><h2 id=\"nl-subs\">%s</h2>",
             T(L, MSG_NL_SUBSCRIBERS));
    buf cnt = BUF_INIT;
    i18n_fmt_int(&cnt, L, n_conf);
    html_fmt(o, "<p>%s</p>", arena_printf(r->a, T(L, MSG_NL_N_CONFIRMED), buf_str(&cnt)));
    buf_free(&cnt);
    if (n_subs) {
        /* the address names the row, its status beside it and the
         * language, the least needed, last: on a phone the three fit, and
         * where they cannot (320 px) the language is what scrolls in the
         * card while the address stays in view (scan.css) */
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data nl-subs\"><thead><tr><th "
                 "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>"
                 "</thead><tbody>",
                 T(L, MSG_NL_L_EMAIL), T(L, MSG_NL_L_STATUS), T(L, MSG_NL_L_LANG));
        for (size_t i = 0; i < n_subs; i++) {
            const nl_subscriber *s = &subs[i];
            msg_id stm = s->unsubscribed_at ? MSG_NL_SUB_LEFT
                         : s->confirmed_at
                             ? (s->account ? MSG_NL_SUB_ACCOUNT : MSG_NL_SUB_CONFIRMED)
                             : MSG_NL_SUB_WAITING;
            /* the language by name, not its code ("sr-Latn" read as untranslated) */
            const char *lc = s->lang ? s->lang : "sr";
            msg_id lm = strcmp(lc, "en") == 0        ? MSG_NL_ACC_EN
                        : strcmp(lc, "sr-Latn") == 0 ? MSG_NL_ACC_SR_LATN
                                                     : MSG_NL_ACC_SR;
            html_fmt(o,
                     "<tr><th scope=\"row\" class=\"addr\">%s</th><td class=\"nl-sub-status\">%s"
                     "</td><td>%s</td></tr>",
                     s->email, T(L, stm), T(L, lm));
        }
        html_raw(o, "</tbody></table></div>");
    }
    html_raw(o, "</section>\n");
    layout_end(r);
}

void web_newsletter_admin(req *r)
{
    if (secretariat(r))
        admin_page(r, NULL, NULL);
}

void web_newsletter_issue_create(req *r)
{
    if (!secretariat(r))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    int64_t id = 0;
    db_status st = newsletter_issue_create(
        r->db, form_get(&f, "subject_sr"), form_get(&f, "subject_en"), form_get(&f, "intro_sr"),
        form_get(&f, "intro_en"), r->user->person_id, r->client_ip, &fe, &id);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/admin/newsletter/%lld", (long long)id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "newsletter_issue_create");
        return;
    }
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    admin_page(r, &f, &e);
}

static bool load_issue(req *r, nl_issue *is)
{
    const char *id = req_param(r, "id");
    char *end = NULL;
    long long v = id ? strtoll(id, &end, 10) : 0;
    db_status st = v > 0 && !*end ? newsletter_issue_get(r->db, r->a, v, is) : DB_DONE;
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_NL_E_NO_ISSUE));
        return false;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_issue_get");
        return false;
    }
    return true;
}

void web_newsletter_issue(req *r)
{
    if (!secretariat(r))
        return;
    nl_issue is;
    if (!load_issue(r, &is))
        return;
    lang_id L = r->lang;
    nl_progress p;
    nl_failure *fails = NULL;
    size_t n_fails = 0;
    db_status st = newsletter_progress(r->db, is.id, &p);
    if (st == DB_OK)
        st = newsletter_failures(r->db, r->a, is.id, &fails, &n_fails);
    /* the preview: both languages, composed as the mail will be */
    const char *subj[2], *text[2], *html[2];
    const lang_id langs[2] = {L == LANG_SR_LATN ? LANG_SR_LATN : LANG_SR_CYRL, LANG_EN};
    for (int i = 0; i < 2 && st == DB_OK; i++)
        st = newsletter_compose(r->db, r->a, &is, langs[i], "", NULL, &subj[i], &text[i], &html[i]);
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_issue");
        return;
    }
    page_meta m = {.title = web_org_text(r, is.subject_sr, L == LANG_EN ? is.subject_en : NULL),
                   .nav = "admin"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/admin/newsletter\">%s</a></p><h1>%s</h1>\n",
             T(L, MSG_NL_ADMIN_TITLE), m.title);
    html_fmt(o, "<p>%s: <strong>%s</strong></p>", T(L, MSG_NL_L_STATUS),
             status_label(L, is.status));
    if (strcmp(is.status, "draft") == 0) {
        html_fmt(o, "<form method=\"post\" action=\"/admin/newsletter/%D/send\">",
                 (long long)is.id);
        layout_csrf_field(r);
        html_fmt(o,
                 "<p class=\"hint\">%s</p><div class=\"form-actions\"><button type=\"submit\">%s"
                 "</button></div></form>\n",
                 T(L, MSG_NL_SEND_HINT), T(L, MSG_NL_SEND));
    } else {
        html_fmt(o,
                 "<section class=\"panel\" aria-labelledby=\"nl-prog\"><h2 id=\"nl-prog\">%s</h2>"
                 "<dl class=\"facts\" id=\"nl-progress\">"
                 "<dt>%s</dt><dd data-n=\"total\">%D</dd><dt>%s</dt><dd data-n=\"pending\">%D</dd>"
                 "<dt>%s</dt><dd data-n=\"queued\">%D</dd><dt>%s</dt><dd data-n=\"sent\">%D</dd>"
                 "<dt>%s</dt><dd data-n=\"failed\">%D</dd><dt>%s</dt><dd data-n=\"skipped\">%D</dd>"
                 "</dl>",
                 T(L, MSG_NL_PROGRESS), T(L, MSG_NL_P_TOTAL), (long long)p.total,
                 T(L, MSG_NL_P_PENDING), (long long)p.pending, T(L, MSG_NL_P_QUEUED),
                 (long long)p.queued, T(L, MSG_NL_P_SENT), (long long)p.sent, T(L, MSG_NL_P_FAILED),
                 (long long)p.failed, T(L, MSG_NL_P_SKIPPED), (long long)p.skipped);
        if (n_fails) {
            html_fmt(o, "<h3>%s</h3><ul>", T(L, MSG_NL_FAILURES));
            for (size_t i = 0; i < n_fails; i++)
                html_fmt(o, "<li>%s: %s (%d)</li>", fails[i].email,
                         fails[i].error ? fails[i].error : "", fails[i].attempts);
            html_raw(o, "</ul>");
        }
        html_raw(o, "</section>\n");
    }
    for (int i = 0; i < 2; i++) {
        html_fmt(o,
                 "<section class=\"panel nl-preview\" lang=\"%s\" aria-labelledby=\"nl-pv%d\">"
                 "<h2 id=\"nl-pv%d\">%s: %s</h2><p><strong>%s</strong></p>",
                 i18n_tag(langs[i]), i, i, T(L, MSG_NL_PREVIEW), i18n_name(langs[i]), subj[i]);
        html_raw(o, html[i]); /* composed by newsletter_compose: escaped, Markdown safe */
        html_raw(o, "</section>\n");
    }
    layout_end(r);
}

void web_newsletter_send(req *r)
{
    if (!secretariat(r))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    nl_issue is;
    if (!load_issue(r, &is))
        return;
    form_errors fe = {0};
    db_status st = newsletter_send(r->db, is.id, r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        resp_error(r, 409, T(r->lang, MSG_NL_E_NOT_DRAFT));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "newsletter_send");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/admin/newsletter/%lld", (long long)is.id));
}
