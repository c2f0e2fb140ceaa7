/* fuzz_markdown: md_html() and md_text() on arbitrary bytes, with and
 * without MD_LATIN, at every heading base. Checks: no memory errors or UB
 * (ASan/UBSan); the HTML holds only the tags CommonMark makes (p, a, em,
 * strong, code, pre, h1-h6, ul, ol, li, blockquote, hr, br, and cmark's
 * "raw HTML omitted" comment), with only the attributes cmark writes
 * (href, title, start, class), and every href has no scheme or one that
 * html.h allows: no raw HTML, no script, no img, no event handler, no
 * javascript: link.
 * Violations abort(). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "html/html.h"
#include "html/markdown.h"

static int one_of(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0)
            return 1;
    return 0;
}

static const char *const tags[] = {"p",  "a",          "em", "strong", "code", "pre", "h1",
                                   "h2", "h3",         "h4", "h5",     "h6",   "ul",  "ol",
                                   "li", "blockquote", "hr", "br",     NULL};
static const char *const attrs[] = {"href", "title", "start", "class", NULL};

/* The URL as a browser reads it (WHATWG: leading controls and spaces
 * stripped, tabs and newlines removed) must have no scheme or an allowed
 * one; a "scheme" with other characters (cmark's %XX escapes) makes the
 * URL relative. */
static void check_href(const char *v, size_t n)
{
    char scheme[16];
    size_t k = 0;
    while (n && (unsigned char)*v <= ' ')
        v++, n--;
    for (; n; v++, n--) {
        unsigned char c = (unsigned char)*v;
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == ':')
            break;
        if (!(isalnum(c) || c == '+' || c == '-' || c == '.') || (k == 0 && !isalpha(c)))
            return; /* relative */
        if (k == sizeof scheme - 1)
            return; /* no allowed scheme is this long, and none dangerous */
        scheme[k++] = (char)tolower(c);
    }
    if (!n)
        return; /* no colon: relative */
    scheme[k] = '\0';
    if (strcmp(scheme, "http") && strcmp(scheme, "https") && strcmp(scheme, "mailto") &&
        strcmp(scheme, "tel"))
        abort();
}

static void check_html(const char *h)
{
    for (const char *p = strchr(h, '<'); p; p = strchr(p, '<')) {
        p++;
        if (strncmp(p, "!-- raw HTML omitted -->", 24) == 0) {
            p += 24;
            continue;
        }
        if (*p == '/')
            p++;
        size_t n = strcspn(p, " />");
        if (!one_of(p, n, tags))
            abort();
        p += n;
        while (*p == ' ') { /* name="value" pairs, or the " />" of a void tag */
            p++;
            if (*p == '/')
                break;
            size_t an = strcspn(p, "=");
            if (!one_of(p, an, attrs) || p[an + 1] != '"')
                abort();
            const char *v = p + an + 2, *e = strchr(v, '"');
            if (!e)
                abort();
            if (an == 4 && memcmp(p, "href", 4) == 0)
                check_href(v, (size_t)(e - v));
            p = e + 1;
        }
        if (*p == '/')
            p++;
        if (*p != '>')
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MD_MAX)
        return 0;
    const char *src = (const char *)data;
    int base = size ? 1 + data[0] % 6 : 1;
    buf b = BUF_INIT;
    for (unsigned flags = 0; flags <= MD_LATIN; flags += MD_LATIN) {
        buf_reset(&b);
        if (md_html(&b, src, size, base, flags))
            check_html(buf_str(&b));
        buf_reset(&b);
        md_text(&b, src, size, flags);
    }
    buf_free(&b);
    return 0;
}
