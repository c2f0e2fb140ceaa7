/* html.h: the HTML writer. Escapes by default.
 *
 * Every function here makes its output safe for where it goes: text
 * content, attribute values, URLs in href/src. The only way to write
 * markup unescaped is a function with "raw" in its name, and the format
 * directive %R, which pages use for constant markup and for fragments that
 * were themselves built with this writer (cgit's html()/html_txt() split,
 * kcgi's khtml_puts). */
#ifndef SCAN_HTML_H
#define SCAN_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Appends s as text content: & < > " ' escaped; control characters other
 * than tab, line feed and carriage return (C0, DEL, C1), which HTML
 * forbids, become U+FFFD. NULL appends nothing. */
void html_text(buf *out, const char *s);
void html_textn(buf *out, const char *s, size_t n);
/* Appends multi-line text as <p> paragraphs (split at blank lines) with
 * <br> for single line breaks, escaped. NULL appends nothing. */
void html_paragraphs(buf *out, const char *text);
/* Appends s for use inside a double-quoted attribute value (same escaping
 * as text; kept separate so call sites say what they mean). */
void html_attr(buf *out, const char *s);
/* Appends a URL for href/src, attribute-escaped. Only relative URLs and
 * http, https and mailto schemes pass; anything else (javascript:, data:,
 * vbscript:, with any case or embedded whitespace) is written as "#". */
void html_url(buf *out, const char *url);
/* True when html_url would write url as it is (not "#"). */
bool html_url_safe(const char *url);
/* Appends s percent-encoded as one query or path component (RFC 3986
 * unreserved characters kept). The result is also attribute-safe. */
void html_urlencode(buf *out, const char *s);
/* Appends markup as is. Only for constant markup or output of this writer. */
void html_raw(buf *out, const char *markup);

/* printf-like writer with escaping directives:
 *   %s  text (html_text)          %u  URL (html_url)
 *   %q  URL component (html_urlencode)
 *   %d  int                       %D  long long
 *   %R  raw markup (html_raw)     %%  a percent sign
 * Any other directive is a programming error (asserted; writes nothing). */
void html_fmt(buf *out, const char *fmt, ...);

#endif
