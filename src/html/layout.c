/* layout.c: the page frame shared by every HTML page (see layout.h). */
#include "html/layout.h"

#include <stdio.h>

#include <string.h>
#include <strings.h>

#include "html/html.h"
#include "http/assets.h"
#include "http/form.h"

void layout_lang_url(buf *out, const req *r, lang_id lang)
{
    /* the path is already decoded; re-encode each byte that needs it but
     * keep the slashes */
    for (const char *p = r->path; *p; p++) {
        if (*p == '/') {
            buf_putc(out, '/');
        } else {
            char one[2] = {*p, 0};
            html_urlencode(out, one);
        }
    }
    buf_puts(out, "?");
    for (size_t i = 0; i < r->query.n_fields; i++) {
        const form_field *f = &r->query.fields[i];
        if (strcmp(f->name, "lang") == 0)
            continue;
        html_urlencode(out, f->name);
        buf_putc(out, '=');
        html_urlencode(out, f->value);
        buf_puts(out, "&amp;");
    }
    buf_puts(out, "lang=");
    buf_puts(out, i18n_tag(lang));
}

static layout_hooks hooks; /* set once at start-up, read by every request */

/* The site's sections: the main navigation names each, and a page inside
 * one shows the section's own pages in a second row (two levels, no
 * JavaScript). A section is current when the page's nav key names it or
 * one of its pages, or when the path lies under one of its pages. */
typedef struct {
    const char *key; /* a page_meta.nav value */
    const char *href;
    msg_id label;
    bool login; /* shown to signed-in readers only */
} nav_page;

typedef struct {
    const char *key;
    const char *href;
    msg_id label;
    nav_page pages[6];
} nav_section;

static const nav_section sections[] = {
    {"orgs",
     "/orgs",
     MSG_NAV_DIRECTORY,
     {{"orgs", "/orgs", MSG_NAV_DIRECTORY, false},
      {"panorama", "/panorama", MSG_NAV_PANORAMA, false},
      {"initiatives", "/initiatives", MSG_NAV_INITIATIVES, false}}},
    {"figures",
     "/figures",
     MSG_NAV_FIGURES,
     {{"figures", "/figures", MSG_NAV_FIGURES, false}, {"map", "/map", MSG_NAV_MAP, false}}},
    {"cooperation",
     "/cooperation",
     MSG_POST_NAV,
     {{"cooperation", "/cooperation", MSG_NAV_BOARD, false},
      {"mine", "/cooperation/mine", MSG_NAV_MINE, true}}},
    {"events", "/events", MSG_NAV_EVENTS, {{"events", "/events", MSG_NAV_EVENTS, false}}},
    {"partners",
     "/network",
     MSG_NAV_PARTNERS,
     {{"network", "/network", MSG_NAV_NETWORK, false},
      {"projects", "/projects", MSG_NAV_PROJECTS, false},
      {"calls", "/calls", MSG_NAV_CALLS, false},
      {"agreements", "/agreements", MSG_NAV_AGREEMENTS, false}}},
    {"positions",
     "/positions",
     MSG_NAV_ADVOCACY,
     {{"positions", "/positions", MSG_NAV_POSITIONS, false},
      {"consultations", "/consultations", MSG_NAV_CONSULTATIONS, false}}},
    {"news",
     "/news",
     MSG_NEWS_NAV,
     {{"news", "/news", MSG_NEWS_NAV, false},
      {"newsletter", "/newsletter", MSG_NAV_NEWSLETTER, false}}},
};
enum { N_SECTIONS = sizeof sections / sizeof sections[0] };

/* path is href or lies under it ("/calls/12" under "/calls") */
static bool path_under(const char *path, const char *href)
{
    size_t n = strlen(href);
    return strncmp(path, href, n) == 0 && (path[n] == '\0' || path[n] == '/' || path[n] == '.');
}

/* The section the page is in, or NULL (home, account, admin pages): the
 * one with the longest page the path lies under, else the one the page's
 * nav key names (a section or one of its pages). */
static const nav_section *section_of(const req *r, const page_meta *m)
{
    if (m->nav && strcmp(m->nav, "home") == 0)
        return NULL;
    const nav_section *best = NULL;
    size_t best_n = 0;
    for (int i = 0; i < N_SECTIONS; i++)
        for (const nav_page *p = sections[i].pages; p->href; p++)
            if (path_under(r->path, p->href) && strlen(p->href) > best_n) {
                best = &sections[i];
                best_n = strlen(p->href);
            }
    if (best || !m->nav)
        return best;
    for (int i = 0; i < N_SECTIONS; i++) {
        if (strcmp(m->nav, sections[i].key) == 0)
            return &sections[i];
        for (const nav_page *p = sections[i].pages; p->href; p++)
            if (strcmp(m->nav, p->key) == 0)
                return &sections[i];
    }
    return NULL;
}

static void nav_main(req *r, const page_meta *m, const nav_section *cur)
{
    html_fmt(&r->out, "<nav class=\"main-nav\" aria-label=\"%s\"><ul>", T(r->lang, MSG_NAV_MAIN));
    for (int i = 0; i < N_SECTIONS; i++)
        html_fmt(&r->out, "<li><a href=\"%u\"%R>%s</a></li>", sections[i].href,
                 cur == &sections[i] ? " aria-current=\"page\"" : "",
                 T(r->lang, sections[i].label));
    (void)m;
    html_raw(&r->out, "</ul></nav>\n");
}

/* The second row: the current section's pages, the one being read marked
 * (the most specific match: /cooperation/mine over /cooperation). */
static void nav_sub(req *r, const page_meta *m, const nav_section *cur)
{
    if (!cur || !cur->pages[1].href)
        return;
    const nav_page *here = NULL; /* the longest page the path lies under, */
    for (const nav_page *p = cur->pages; p->href; p++)
        if ((!p->login || r->user) && path_under(r->path, p->href) &&
            (!here || strlen(p->href) > strlen(here->href)))
            here = p;
    for (const nav_page *p = cur->pages; !here && p->href; p++) /* else the nav key's */
        if ((!p->login || r->user) && m->nav && strcmp(m->nav, p->key) == 0)
            here = p;
    html_fmt(&r->out, "<nav class=\"sub-nav\" aria-label=\"%s\"><ul>", T(r->lang, cur->label));
    for (const nav_page *p = cur->pages; p->href; p++)
        if (!p->login || r->user)
            html_fmt(&r->out, "<li><a href=\"%u\"%R>%s</a></li>", p->href,
                     p == here ? " aria-current=\"page\"" : "", T(r->lang, p->label));
    html_raw(&r->out, "</ul></nav>\n");
}

/* A field the language switch may send again: never a password, the old
 * CSRF token (the current one is added) or a file (it cannot be re-sent). */
static bool resend_field(const form_field *f)
{
    return !f->filename && strstr(f->name, "password") == NULL && strcmp(f->name, "_csrf") != 0;
}

/* The language switch of a page that shows a form refused with errors (a
 * POST answered 422: nothing was changed): a form that posts what was typed
 * again to the same address with the other language, so switching keeps
 * it, and the form comes back with its errors in that language. Passwords
 * and files are left out. False (nothing written) on any other page, or
 * when the body cannot be read again. */
static bool lang_switch_form(req *r)
{
    if (r->method != HTTP_POST || r->status != 422)
        return false;
    const char *ct = req_header(r, "Content-Type");
    form f = {0};
    form_status st = FORM_ERR_ENCODING;
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        st = form_parse_urlencoded(r->a, r->body, r->body_len, &f, NULL);
    else if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
        st = form_parse_multipart(r->a, ct, r->body, r->body_len, &f, NULL);
    if (st != FORM_OK)
        return false;
    buf *o = &r->out;
    /* sent in the encoding the handler read the first time */
    html_raw(o, "<form method=\"post\" action=\"");
    layout_lang_url(o, r, r->lang);
    html_fmt(o, "\"%R><ul>",
             ct[0] == 'm' || ct[0] == 'M' ? " enctype=\"multipart/form-data\"" : "");
    for (int l = 0; l < LANG__COUNT; l++) {
        html_fmt(o, "<li><button type=\"submit\" class=\"lang-button\" lang=\"%s\" formaction=\"",
                 i18n_tag((lang_id)l));
        layout_lang_url(o, r, (lang_id)l);
        html_fmt(o, "\"%R>%s</button></li>", l == (int)r->lang ? " aria-current=\"true\"" : "",
                 i18n_name((lang_id)l));
    }
    html_raw(o, "</ul>");
    layout_csrf_field(r);
    for (size_t i = 0; i < f.n_fields; i++) {
        if (!resend_field(&f.fields[i]))
            continue;
        html_fmt(o, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", f.fields[i].name,
                 f.fields[i].value);
    }
    html_raw(o, "</form>");
    return true;
}

void layout_begin(req *r, const page_meta *m)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    r->content_type = "text/html; charset=utf-8";
    html_fmt(o, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
             i18n_tag(L));
    html_raw(o, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if (m->title && strcmp(m->title, T(L, MSG_SITE_NAME)) != 0)
        html_fmt(o, "<title>%s · SCAN</title>\n", m->title);
    else
        html_fmt(o, "<title>%s · SCAN</title>\n", T(L, MSG_SITE_NAME));
    if (m->description)
        html_fmt(o, "<meta name=\"description\" content=\"%s\">\n", m->description);
    html_fmt(o, "<meta property=\"og:site_name\" content=\"%s\">\n", T(L, MSG_SITE_NAME));
    html_fmt(o, "<meta property=\"og:title\" content=\"%s\">\n",
             m->title ? m->title : T(L, MSG_SITE_NAME));
    html_fmt(o, "<meta property=\"og:type\" content=\"%s\">\n",
             m->og_type ? m->og_type : "website");
    if (m->description)
        html_fmt(o, "<meta property=\"og:description\" content=\"%s\">\n", m->description);
    html_fmt(o, "<link rel=\"stylesheet\" href=\"%u\">\n", assets_url("css/scan.css"));
    html_fmt(o, "<link rel=\"icon\" href=\"%u\" type=\"image/svg+xml\">\n",
             assets_url("img/favicon.svg"));
    for (int l = 0; l < LANG__COUNT; l++) {
        html_fmt(o, "<link rel=\"alternate\" hreflang=\"%s\" href=\"", i18n_tag((lang_id)l));
        layout_lang_url(o, r, (lang_id)l);
        html_raw(o, "\">\n");
    }
    if (m->head_raw)
        html_raw(o, m->head_raw);
    html_fmt(o, "<script src=\"%u\" defer></script>\n", assets_url("js/scan.js"));
    html_raw(o, "</head>\n<body>\n");
    html_fmt(o, "<a class=\"skip\" href=\"#main\">%s</a>\n", T(L, MSG_SKIP_TO_CONTENT));

    /* header: a slim top bar with the language switch and the account
     * area, then brand, navigation and search on one row: five sections
     * and a search box that shows its whole hint leave no room for the
     * language buttons on that row at 1366 px */
    html_raw(
        o, "<header class=\"site-header\"><div class=\"account-bar\"><div class=\"wrap top-row\">");
    html_fmt(o, "<nav class=\"lang-switch\" aria-label=\"%s\">", T(L, MSG_NAV_LANGUAGE));
    if (!lang_switch_form(r)) {
        html_raw(o, "<ul>");
        for (int l = 0; l < LANG__COUNT; l++) {
            html_fmt(o, "<li><a lang=\"%s\" hreflang=\"%s\" href=\"", i18n_tag((lang_id)l),
                     i18n_tag((lang_id)l));
            layout_lang_url(o, r, (lang_id)l);
            html_fmt(o, "\"%R>%s</a></li>", l == (int)L ? " aria-current=\"true\"" : "",
                     i18n_name((lang_id)l));
        }
        html_raw(o, "</ul>");
    }
    html_raw(o, "</nav>\n");
    if (hooks.user_area) /* the account bar: who is reading (the web layer) */
        hooks.user_area(r, m->nav);
    html_raw(o, "</div></div>\n<div class=\"wrap header-row\">\n");
    html_fmt(o,
             "<a class=\"brand\" href=\"/\"><img src=\"%u\" alt=\"\" width=\"40\" height=\"40\">"
             "<span class=\"brand-text\"><span class=\"brand-name\">SCAN</span>"
             "<span class=\"brand-sub\">%s</span></span></a>\n",
             assets_url("img/logo.svg"), T(L, MSG_SITE_NAME));
    const nav_section *cur = section_of(r, m);
    nav_main(r, m, cur);
    /* no "Home" item: the brand is the way home; no "Search" item: the
     * search box is the way to search */
    /* the second row: the section's own pages on the left, the search box
     * on the right (seven sections and a search box that shows its whole
     * hint do not fit one row at 1366 px in Serbian) */
    html_raw(o, "</div>\n<div class=\"sub-bar\"><div class=\"wrap sub-row\">");
    nav_sub(r, m, cur);
    html_fmt(
        o,
        "<form class=\"search-box typeahead\" role=\"search\" action=\"/search\" method=\"get\">"
        "<label class=\"visually-hidden\" for=\"site-q\">%s</label>"
        "<input id=\"site-q\" type=\"search\" name=\"q\" placeholder=\"%s\" "
        "autocomplete=\"off\" maxlength=\"200\" data-suggest>"
        "<button type=\"submit\">%s</button></form>\n",
        T(L, MSG_NAV_SEARCH), T(L, MSG_SEARCH_PLACEHOLDER_SHORT), T(L, MSG_SEARCH_BUTTON));
    html_raw(o, "</div></div>\n");
    html_raw(o, "</header>\n<main id=\"main\" class=\"wrap\">\n");
    if (hooks.notice) /* a save's confirmation, shown once (the web layer) */
        hooks.notice(r);
}

void layout_end(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_raw(o, "</main>\n<footer class=\"site-footer\"><div class=\"wrap\">\n");
    /* a map of the site: every section with its pages, and the feeds, so
     * no page is reachable by address only */
    html_fmt(o, "<nav class=\"site-map\" aria-label=\"%s\">\n", T(L, MSG_NAV_SITE_MAP));
    for (int i = 0; i < N_SECTIONS; i++) {
        html_fmt(o, "<div><h2><a href=\"%u\">%s</a></h2>", sections[i].href,
                 T(L, sections[i].label));
        if (sections[i].pages[1].href) {
            html_raw(o, "<ul>");
            for (const nav_page *p = sections[i].pages; p->href; p++)
                if (!p->login || r->user)
                    html_fmt(o, "<li><a href=\"%u\">%s</a></li>", p->href, T(L, p->label));
            html_raw(o, "</ul>");
        }
        html_raw(o, "</div>\n");
    }
    static const struct {
        const char *href;
        msg_id label;
    } feeds[] = {{"/news.atom", MSG_NAV_FEED_NEWS},
                 {"/positions.atom", MSG_NAV_FEED_POSITIONS},
                 {"/cooperation.atom", MSG_NAV_FEED_POSTS},
                 {"/events.ics", MSG_NAV_FEED_EVENTS},
                 {"/calls.ics", MSG_NAV_FEED_CALLS},
                 {"/consultations.ics", MSG_NAV_FEED_CONSULTATIONS}};
    html_fmt(o, "<div><h2>%s</h2><ul>", T(L, MSG_NAV_FEEDS));
    for (size_t i = 0; i < sizeof feeds / sizeof feeds[0]; i++)
        html_fmt(o, "<li><a href=\"%u\">%s</a></li>", feeds[i].href, T(L, feeds[i].label));
    html_raw(o, "</ul></div>\n</nav>\n<div class=\"footer-row\">\n");
    html_fmt(o, "<p><strong>SCAN</strong> · %s</p>\n", T(L, MSG_FOOTER_ABOUT));
    html_fmt(o,
             "<ul class=\"footer-links\"><li><a href=\"/api/v1/openapi.json\">%s</a></li>"
             "<li><a href=\"/status\">%s</a></li></ul>\n",
             T(L, MSG_NAV_API), T(L, MSG_FOOTER_HEALTH));
    html_raw(o, "</div>");
    html_raw(o, "</div></footer>\n</body>\n</html>\n");
}

void layout_set_hooks(const layout_hooks *h)
{
    hooks = *h;
}

void layout_csrf_field(req *r)
{
    const char *t = hooks.csrf ? hooks.csrf(r) : NULL;
    if (t)
        html_fmt(&r->out, "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", t);
}

void layout_error_page(req *r, unsigned status, const char *message)
{
    msg_id title = status == 404   ? MSG_ERROR_TITLE_404
                   : status == 403 ? MSG_ERROR_TITLE_403
                   : status == 401 ? MSG_ERROR_TITLE_401
                   : status == 503 ? MSG_ERROR_TITLE_503
                   : status >= 500 ? MSG_ERROR_TITLE_5XX
                                   : MSG_ERROR_TITLE;
    page_meta m = {.title = T(r->lang, title)};
    buf_reset(&r->out);
    layout_begin(r, &m);
    html_fmt(&r->out, "<section class=\"error-page\"><p class=\"error-status\">%d</p>",
             (int)status);
    html_fmt(&r->out, "<h1>%s</h1><p>%s</p>", T(r->lang, title), message);
    if (status >= 500) {
        /* on the stack: the page may be reporting that memory ran out */
        char id[96];
        snprintf(id, sizeof id, T(r->lang, MSG_ERROR_REQUEST_ID), r->id ? r->id : "-");
        html_fmt(&r->out, "<p class=\"request-id\"><code>%s</code></p>", id);
    }
    html_fmt(&r->out, "<p><a href=\"/\">%s</a></p></section>\n", T(r->lang, MSG_ERROR_HOME_LINK));
    layout_end(r);
}
