/* guard.c: the checks every request passes before its handler, driven by
 * the route table's flags (see server_hooks.h). One place for language
 * negotiation, CSRF, login and role checks, so no handler can forget them.
 * The accounts module extends guard with sessions and roles. */
#include <string.h>
#include <strings.h>

#include "core/strutil.h"
#include "html/layout.h"
#include "http/cookie.h"
#include "http/router.h"
#include "http/server.h"
#include "http/server_hooks.h"
#include "web/web.h"

void web_setup(void)
{
    resp_set_error_page(layout_error_page);
}

void server_hook_prepare(req *r)
{
    const char *param = req_query(r, "lang");
    const char *cookie_hdr = req_header(r, "Cookie");
    const char *cookie = cookie_hdr ? cookie_get(r->a, cookie_hdr, "lang") : NULL;
    r->lang = i18n_negotiate(param, cookie, req_header(r, "Accept-Language"));
    lang_id chosen;
    if (param && i18n_parse(param, &chosen) && !r->is_api) {
        buf c = BUF_INIT;
        cookie_opts o = {.http_only = true, .secure = false, .same_site = "Lax",
                         .max_age = 365 * 24 * 3600};
        if (cookie_build(&c, "lang", i18n_tag(chosen), &o))
            resp_header(r, "Set-Cookie", buf_str(&c));
        buf_free(&c);
    }
}

/* The host part of an absolute URL ("https://a.b:8080/x" -> "a.b:8080"),
 * compared with the Host header. */
static bool same_origin(const char *url, const char *host)
{
    const char *p = strstr(url, "://");
    if (!p || !host)
        return false;
    p += 3;
    size_t n = strcspn(p, "/?#");
    return strlen(host) == n && strncasecmp(p, host, n) == 0;
}

/* CSRF, first line of defence: a state-changing request from a browser
 * must come from our own origin. Bearer-token API calls are exempt (no
 * ambient credentials); the per-session form token joins this check when
 * sessions exist. */
static bool csrf_ok(const req *r)
{
    const char *auth = req_header(r, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
        return true;
    const char *host = req_header(r, "Host");
    const char *origin = req_header(r, "Origin");
    if (origin && strcmp(origin, "null") != 0)
        return same_origin(origin, host);
    const char *referer = req_header(r, "Referer");
    if (referer)
        return same_origin(referer, host);
    return false;
}

bool server_hook_guard(req *r)
{
    unsigned f = r->route->flags;
    if ((f & RF_TEST) && !(r->cfg && r->cfg->test_routes)) {
        resp_error(r, 404, T(r->lang, MSG_HTTP_ERR_NOT_FOUND));
        return false;
    }
    if ((f & RF_CSRF) && !csrf_ok(r)) {
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_CSRF));
        return false;
    }
    if (f & (RF_LOGIN | RF_ADMIN)) { /* no accounts yet: nobody is logged in */
        resp_error(r, 401, T(r->lang, MSG_HTTP_ERR_LOGIN));
        return false;
    }
    return true;
}
