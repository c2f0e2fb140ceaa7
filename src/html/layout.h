/* layout.h: the one page layout every HTML page uses.
 *
 * layout_begin() writes the document head (title, description, canonical,
 * OpenGraph, stylesheet, icons), the header with the navigation, the search
 * box and the language switch, and opens <main>; layout_end() closes it and
 * writes the footer and the script tag. Pages write their content between
 * the two into r->out with the escaping writer of html.h. */
#ifndef SCAN_LAYOUT_H
#define SCAN_LAYOUT_H

#include "http/request.h"

typedef struct page_meta {
    const char *title;       /* page title (text), without the site name */
    const char *description; /* meta description and og:description, or NULL */
    const char *nav;         /* which navigation item is current: "home", ... */
    const char *head_raw;    /* extra markup for <head> (JSON-LD built by the
                                JSON writer), or NULL */
    const char *og_type;     /* "website" unless given */
} page_meta;

void layout_begin(req *r, const page_meta *m);
void layout_end(req *r);

/* The current URL with the query parameter `lang` set to the given language
 * (other parameters kept), appended URL-encoded and attribute-safe. */
void layout_lang_url(buf *out, const req *r, lang_id lang);

/* Writes the hidden _csrf input every POST form carries (nothing for the
 * public, whose forms are checked by origin only). */
void layout_csrf_field(req *r);
/* What the frame needs to know about the reader, which only the web layer
 * knows (who is logged in lives in the model): registered once at start-up
 * by web_setup() (guard.c), so this layer names no model type.
 * - csrf: the token for this request's forms: the session's, or for a
 *   visitor without one a pre-session token kept in a cookie; NULL when
 *   there is none (the form then relies on the Origin check alone).
 * - user_area: writes the account bar above the header (name, links, log
 *   out; or "Log in"); nav is the page's nav key, for aria-current. */
typedef struct layout_hooks {
    const char *(*csrf)(req *r);
    void (*user_area)(req *r, const char *nav);
    void (*notice)(req *r); /* a save's confirmation at the top of <main> (notice.h) */
} layout_hooks;
void layout_set_hooks(const layout_hooks *h);

/* The HTML error page renderer registered with resp_set_error_page(). */
void layout_error_page(req *r, unsigned status, const char *message);

#endif
