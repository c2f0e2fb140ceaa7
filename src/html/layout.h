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
/* Where a visitor without a session gets the token for its forms (login,
 * password reset): registered by the web layer (guard.c), which keeps it in
 * a cookie. Returns NULL when it cannot (the form then relies on the
 * Origin check alone). */
typedef const char *(*layout_anon_csrf_fn)(req *r);
void layout_set_anon_csrf(layout_anon_csrf_fn fn);

/* The HTML error page renderer registered with resp_set_error_page(). */
void layout_error_page(req *r, unsigned status, const char *message);

#endif
