/* notice.c: the confirmation after a save, shown once (see notice.h). */
#include "web/notice.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "http/cookie.h"
#include "http/server.h"
#include "i18n/i18n.h"

static const struct {
    const char *name; /* in the cookie: [a-z_] */
    msg_id text;
    bool number; /* the sentence has one %lld */
} notices[NOTICE__COUNT] = {
    [NOTICE_SAVED] = {"saved", MSG_NOTICE_SAVED, false},
    [NOTICE_CREATED] = {"created", MSG_NOTICE_CREATED, false},
    [NOTICE_PUBLISHED] = {"published", MSG_NOTICE_PUBLISHED, false},
    [NOTICE_ARCHIVED] = {"archived", MSG_NOTICE_ARCHIVED, false},
    [NOTICE_RESTORED] = {"restored", MSG_NOTICE_RESTORED, false},
    [NOTICE_FIGURES_SAVED] = {"figures_saved", MSG_NOTICE_FIGURES_SAVED, true},
    [NOTICE_VERIFIED_N] = {"verified", MSG_NOTICE_VERIFIED_N, true},
    [NOTICE_PASSWORD_SAVED] = {"password", MSG_ACCOUNT_PW_DONE, false},
    [NOTICE_TOKEN_REVOKED] = {"revoked", MSG_TOKEN_REVOKED_DONE, false},
    [NOTICE_PROPOSAL_ACCEPTED] = {"proposal_accepted", MSG_NOTICE_PROPOSAL_ACCEPTED, false},
    [NOTICE_PROPOSAL_DECLINED] = {"proposal_declined", MSG_NOTICE_PROPOSAL_DECLINED, false},
    [NOTICE_TEAM_JOINED] = {"team_joined", MSG_NOTICE_TEAM_JOINED, false},
    [NOTICE_SEARCH_SAVED] = {"search_saved", MSG_SAVESEARCH_SAVED, false},
    [NOTICE_SEARCH_EXISTS] = {"search_exists", MSG_NOTIFY_ERR_EXISTS, false},
    [NOTICE_TIE_DECLINED_GONE] = {"tie_declined", MSG_TIE_DECLINED_GONE, false},
};

static bool secure(const req *r)
{
    return r->cfg && r->cfg->secure_cookies;
}

static void set_cookie(req *r, const char *value, int64_t max_age)
{
    buf c = BUF_INIT;
    cookie_opts o = {
        .http_only = true, .secure = secure(r), .same_site = "Lax", .max_age = max_age};
    if (cookie_build(&c, "notice", value, &o) && !buf_failed(&c))
        resp_header(r, "Set-Cookie", buf_str(&c));
    buf_free(&c);
}

void web_notice_next(req *r, notice_kind kind, int64_t n)
{
    assert(kind >= 0 && kind < NOTICE__COUNT);
    char v[48];
    if (notices[kind].number && n >= 0)
        snprintf(v, sizeof v, "%s.%lld", notices[kind].name, (long long)n);
    else
        snprintf(v, sizeof v, "%s", notices[kind].name);
    set_cookie(r, v, 120); /* the redirect is followed at once */
}

void web_notice_show(req *r)
{
    const char *hdr = req_header(r, "Cookie");
    size_t len = 0;
    const char *v = hdr ? cookie_find(hdr, secure(r) ? "__Host-notice" : "notice", &len) : NULL;
    if (!v || r->method != HTTP_GET)
        return;            /* a POST answer (a refused form) leaves it for the page after */
    set_cookie(r, "", -1); /* shown once, or dropped when it is not ours */
    if (!r->user || r->status != 200 || len == 0 || len > 40)
        return;
    char name[41];
    memcpy(name, v, len);
    name[len] = '\0';
    long long n = -1;
    char *dot = strchr(name, '.');
    if (dot) {
        char *end;
        *dot = '\0';
        n = strtoll(dot + 1, &end, 10);
        if (*end || end == dot + 1 || n < 0)
            return;
    }
    for (size_t k = 0; k < NOTICE__COUNT; k++) {
        if (strcmp(notices[k].name, name) != 0)
            continue;
        if (notices[k].number != (dot != NULL))
            return;
        buf t = BUF_INIT;
        if (notices[k].number)
            buf_printf(&t, T(r->lang, notices[k].text), n);
        else
            buf_puts(&t, T(r->lang, notices[k].text));
        if (!buf_failed(&t))
            html_fmt(&r->out, "<div class=\"notice notice-once\" role=\"status\"><p>%s</p></div>\n",
                     buf_str(&t));
        buf_free(&t);
        return;
    }
}
