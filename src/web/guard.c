/* guard.c: the checks every request passes before its handler, driven by
 * the route table's flags (see server_hooks.h). One place for language
 * negotiation, identifying the user (session cookie or Bearer token),
 * CSRF, login and role checks, so no handler can forget them. Rights on a
 * particular organisation are then asked of rights_can() by the handler. */
#include <assert.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "http/cookie.h"
#include "http/router.h"
#include "http/server.h"
#include "http/server_hooks.h"
#include "json/json.h"
#include "model/auth.h"
#include "model/versions.h"
#include "web/notice.h"
#include "web/page_cache.h"
#include "web/web.h"

/* The cookie that carries a visitor's pre-session form token. */
static const char *anon_cookie_name(const req *r)
{
    return r->cfg && r->cfg->secure_cookies ? "__Host-pcsrf" : "pcsrf";
}

/* The pre-session form token (double-submit): the visitor's pcsrf cookie,
 * or a new random one sent in that cookie now. A page that carries one is
 * the visitor's own and is never put in the page cache. */
static const char *anon_csrf(req *r)
{
    if (r->anon_csrf)
        return r->anon_csrf;
    size_t n = 0;
    const char *v = cookie_find(req_header(r, "Cookie"), anon_cookie_name(r), &n);
    if (v && n == AUTH_TOKEN_LEN) {
        r->anon_csrf = arena_strndup(r->a, v, n);
        return r->anon_csrf;
    }
    char t[AUTH_TOKEN_LEN + 1];
    auth_token_new(t);
    buf c = BUF_INIT;
    cookie_opts o = {
        .http_only = true, .secure = r->cfg && r->cfg->secure_cookies, .same_site = "Strict"};
    if (cookie_build(&c, "pcsrf", t, &o) && !buf_failed(&c) &&
        resp_header(r, "Set-Cookie", buf_str(&c)))
        r->anon_csrf = arena_strdup(r->a, t);
    buf_free(&c);
    r->cache_control = "no-store";
    return r->anon_csrf;
}

/* The token for this request's forms: the session's, else the visitor's
 * pre-session token. */
static const char *form_csrf(req *r)
{
    return r->user ? r->user->csrf : anon_csrf(r);
}

/* resp_error's body writer: JSON for the API and clients that prefer it,
 * else the HTML page in the site layout. */
static void error_body(req *r, unsigned status, const char *message)
{
    if (!r->is_api && !req_wants_json(r)) {
        r->content_type = "text/html; charset=utf-8";
        layout_error_page(r, status, message);
        return;
    }
    r->content_type = "application/json";
    buf_puts(&r->out, "{\"error\":{\"code\":");
    json_put_string(&r->out, http_status_code(status));
    buf_puts(&r->out, ",\"message\":");
    json_put_string(&r->out, message);
    if (status >= 500) {
        buf_puts(&r->out, ",\"request_id\":");
        json_put_string(&r->out, r->id);
    }
    buf_puts(&r->out, "}}\n");
}

void web_setup(void)
{
    resp_set_error_body(error_body);
    static const layout_hooks hooks = {
        .csrf = form_csrf, .user_area = web_user_area, .notice = web_notice_show};
    layout_set_hooks(&hooks);
}

const char *web_session_cookie_name(const req *r)
{
    return r->cfg && r->cfg->secure_cookies ? "__Host-sid" : "sid";
}

/* Identifies the user from "Authorization: Bearer" (API) or the session
 * cookie. A bad token or cookie simply leaves r->user NULL; the flags
 * decide whether that matters. When the lookup itself fails (out of memory,
 * database error) the request is marked, so the guard answers 5xx instead
 * of treating a logged-in user as the public. */
static void identify(req *r)
{
    if (!r->db)
        return;
    principal *p = arena_zalloc(r->a, sizeof *p);
    bool found = false;
    db_status st = p ? DB_OK : DB_NOMEM;
    const char *auth = req_header(r, "Authorization");
    if (!p) {
        /* nothing to look up with */
    } else if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        token_state ts = TOKEN_UNKNOWN;
        st = auth_token_lookup(r->db, r->a, auth + 7, time_now(), p, &ts);
        found = ts == TOKEN_OK;
        r->token_expired = ts == TOKEN_EXPIRED;
    } else {
        size_t n = 0;
        const char *v = cookie_find(req_header(r, "Cookie"), web_session_cookie_name(r), &n);
        if (v && n == AUTH_TOKEN_LEN) {
            const char *tok = arena_strndup(r->a, v, n);
            st = tok ? auth_session_lookup(r->db, r->a, tok, time_now(), p, &found) : DB_NOMEM;
            if (found)
                r->session_token = tok;
        }
    }
    if (st != DB_OK) {
        log_msg(LOG_LVL_ERROR, r->id, "identify: %s", db_status_name(st));
        r->prepare_failed = true;
        found = false;
    }
    if (found)
        r->user = p;
}

/* The language from ?lang=, the lang cookie or Accept-Language; a ?lang=
 * choice is remembered in the cookie. */
static void negotiate_language(req *r)
{
    /* behind HTTPS the language cookie is Secure too (__Host-lang), like the session's */
    bool secure = r->cfg && r->cfg->secure_cookies;
    const char *param = req_query(r, "lang");
    const char *cookie_hdr = req_header(r, "Cookie");
    const char *cookie =
        cookie_hdr ? cookie_get(r->a, cookie_hdr, secure ? "__Host-lang" : "lang") : NULL;
    r->lang = i18n_negotiate(param, cookie, req_header(r, "Accept-Language"));
    lang_id chosen;
    if (param && i18n_parse(param, &chosen) && !r->is_api) {
        buf c = BUF_INIT;
        cookie_opts o = {
            .http_only = true, .secure = secure, .same_site = "Lax", .max_age = 365 * 24 * 3600};
        if (cookie_build(&c, "lang", i18n_tag(chosen), &o))
            resp_header(r, "Set-Cookie", buf_str(&c));
        buf_free(&c);
    }
}

void server_hook_prepare(req *r)
{
    negotiate_language(r);
    if (r->route && !(r->route->flags & RF_INLINE))
        identify(r);
}

/* The fast path (server_hook_fast): set while an RF_FAST handler runs on
 * the I/O thread, and whether it found its page in the cache. */
static _Thread_local bool t_fast, t_fast_hit;

bool web_cache_serve(req *r, const char *key, int64_t version)
{
    const char *ct, *etag;
    if (key && page_cache_get(key, version, r->a, &r->out, &ct, &etag)) {
        r->content_type = ct;
        r->etag = etag;
        t_fast_hit = t_fast;
        resp_header(r, "X-Scan-Cache", "hit");
        return true;
    }
    if (!t_fast) /* on the I/O thread the request goes back untouched */
        resp_header(r, "X-Scan-Cache", "miss");
    return t_fast; /* a miss on the I/O thread: a worker renders it */
}

bool server_hook_fast(req *r)
{
    if (!r->route || !(r->route->flags & RF_FAST) ||
        (r->method != HTTP_GET && r->method != HTTP_HEAD))
        return false;
    /* anyone who may be logged in is identified by a worker (database) */
    size_t n = 0;
    const char *cookies = req_header(r, "Cookie");
    if (req_header(r, "Authorization") ||
        (cookies && cookie_find(cookies, web_session_cookie_name(r), &n)))
        return false;
    if (r->cfg && r->cfg->test_routes && req_header(r, "X-Scan-Fail-After"))
        return false; /* fault injection counts a worker's allocations */
    int64_t v[VERSION__COUNT];
    if (!versions_fresh(v))
        return false;
    versions_fast_set(v);
    req saved = *r;
    t_fast = true;
    t_fast_hit = false;
    negotiate_language(r);
    assert(r->a && (unsigned)r->lang < LANG__COUNT);
    r->route->fn(r);
    t_fast = false;
    if (t_fast_hit && r->status == 200 && !buf_failed(&r->out) && !r->a->failed) {
        metrics_fast_hit();
        return true;
    }
    /* not a whole hit: as if never tried (the arena keeps what it used) */
    buf_free(&r->out);
    *r = saved;
    return false;
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

/* CSRF: a state-changing request made with the session cookie must come
 * from our own origin (Origin, else Referer) and carry the session's token
 * in the _csrf form field or the X-CSRF-Token header. Without a session
 * (the login form) the origin check alone applies. Bearer-token API calls
 * are exempt: they carry no ambient credentials. */
static bool csrf_ok(req *r, bool *nomem, bool *bad_form)
{
    if (r->user && r->user->token_id)
        return true;
    const char *host = req_header(r, "Host");
    const char *origin = req_header(r, "Origin");
    const char *referer = req_header(r, "Referer");
    if (origin && strcmp(origin, "null") != 0) {
        if (!same_origin(origin, host))
            return false;
    } else if (!referer || !same_origin(referer, host)) {
        return false;
    }
    /* the token to match: the session's, or for a visitor without one the
     * pre-session cookie's (double submit); a client that never fetched a
     * form (no cookie) has the Origin check alone */
    const char *want = NULL;
    size_t n = 0;
    if (r->user) {
        want = r->user->csrf;
        n = strlen(want);
    } else {
        want = cookie_find(req_header(r, "Cookie"), anon_cookie_name(r), &n);
        if (!want || n != AUTH_TOKEN_LEN)
            return true;
    }
    const char *sent = req_header(r, "X-CSRF-Token");
    if (!sent) {
        form f;
        const char *ct = req_header(r, "Content-Type");
        if (ct && (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
                   strncasecmp(ct, "multipart/form-data", 19) == 0)) {
            const char *bad = NULL;
            form_status fs = strncasecmp(ct, "multipart", 9) == 0
                                 ? form_parse_multipart(r->a, ct, r->body, r->body_len, &f, &bad)
                                 : form_parse_urlencoded(r->a, r->body, r->body_len, &f, &bad);
            if (fs == FORM_OK)
                sent = form_get(&f, "_csrf");
            else if (fs == FORM_ERR_NOMEM)
                *nomem = true;
            else
                *bad_form = true; /* say what is wrong with the form, not "another site" */
        }
    }
    return sent && strlen(sent) == n && str_ct_eq(sent, want, n);
}

/* Sends the anonymous visitor to the login page (or a 401 for the API). */
static void need_login(req *r)
{
    if (r->is_api || r->method != HTTP_GET) {
        resp_error(r, 401, T(r->lang, MSG_HTTP_ERR_LOGIN));
        return;
    }
    buf to = BUF_INIT;
    buf_puts(&to, "/login?next=");
    html_urlencode(&to, r->path);
    resp_redirect(r, buf_str(&to));
    buf_free(&to);
}

void server_hook_finish(req *r, bool whole)
{
    /* a write may have bumped a version: the I/O threads ask a worker
     * again before this response leaves (versions.h) */
    if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
        versions_invalidate();
    } else if (r->db && r->route && (r->route->flags & RF_FAST)) {
        /* a page that reads no version (the home page) still needs a
         * fresh snapshot to be answered on the I/O thread next time; on
         * PostgreSQL none is kept, and this read was a round trip after
         * every anonymous page, cache hits too (versions_kept) */
        int64_t v[VERSION__COUNT];
        if (versions_kept(r->db) && !versions_fresh(v))
            (void)versions_read(r->db, VERSION_DIRECTORY, &v[0]);
    }
    if (whole && r->cache_key && r->status == 200 && !r->static_body && !r->anon_csrf)
        page_cache_put(r->cache_key, r->cache_version,
                       r->content_type ? r->content_type : "text/html; charset=utf-8",
                       r->out.data ? r->out.data : "", r->out.len);
}

bool server_hook_guard(req *r)
{
    unsigned f = r->route->flags;
    if ((f & RF_TEST) && !(r->cfg && r->cfg->test_routes)) {
        resp_error(r, 404, T(r->lang, MSG_HTTP_ERR_NOT_FOUND));
        return false;
    }
    if (r->prepare_failed) {
        resp_fail(r, DB_NOMEM, "could not identify the user");
        return false;
    }
    const char *auth = req_header(r, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0 && !r->user && r->db) {
        /* a token was sent and is not valid: say so, before any CSRF talk */
        resp_header(r, "WWW-Authenticate",
                    r->token_expired
                        ? "Bearer error=\"invalid_token\", error_description=\"expired\""
                        : "Bearer");
        resp_error(r, 401,
                   r->token_expired ? T(r->lang, MSG_TOKEN_ERR_EXPIRED)
                                    : "The API token is not valid or was revoked.");
        return false;
    }
    bool nomem = false, bad_form = false;
    if ((f & RF_CSRF) && !csrf_ok(r, &nomem, &bad_form)) {
        form unread;
        if (nomem)
            resp_fail(r, DB_NOMEM, "CSRF check: the form could not be read");
        else if (bad_form)
            req_body_form(r, &unread); /* the 400 naming the field and the problem */
        else
            resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_CSRF));
        return false;
    }
    if ((f & (RF_LOGIN | RF_ADMIN | RF_WRITE_TOKEN)) && !r->user) {
        need_login(r);
        return false;
    }
    if ((f & RF_ADMIN) && r->user->secretariat != SEC_ADMIN) {
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
        return false;
    }
    if (r->user && r->user->token_id && !r->user->token_write &&
        (r->method != HTTP_GET && r->method != HTTP_HEAD)) {
        resp_error(r, 403,
                   "This API token is read-only: create a read-write token to change data.");
        return false;
    }
    /* what every handler relies on: an arena, a language it can look up,
     * and a database unless it runs on the I/O thread */
    assert(r->a && (unsigned)r->lang < LANG__COUNT);
    assert(r->db || (f & RF_INLINE));
    return true;
}
