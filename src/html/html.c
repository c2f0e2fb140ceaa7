/* html.c: escaping HTML writer (see html.h). */
#include "html/html.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

void html_textn(buf *out, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default: {
            /* control characters are forbidden code points in HTML (a
             * refused form echoes what was typed, BEL included): each
             * becomes U+FFFD; tab, line feed and carriage return stay */
            unsigned char c = (unsigned char)s[i];
            bool c0 = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
            bool c1 = c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
                      (unsigned char)s[i + 1] <= 0x9F;
            if (!c0 && !c1)
                continue;
            buf_append(out, s + start, i - start);
            buf_puts(out, "\xEF\xBF\xBD");
            i += c1; /* both bytes of a C1 control */
            start = i + 1;
            continue;
        }
        }
        buf_append(out, s + start, i - start);
        buf_puts(out, rep);
        start = i + 1;
    }
    buf_append(out, s + start, n - start);
}

void html_paragraphs(buf *o, const char *text)
{
    const char *p = text;
    while (p && *p) {
        while (*p == '\n')
            p++;
        if (!*p)
            break;
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        html_raw(o, "<p>");
        for (size_t i = 0; i < n;) {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
            html_textn(o, p + i, len);
            i += len;
            if (nl) {
                html_raw(o, "<br>");
                i++;
            }
        }
        html_raw(o, "</p>\n");
        p += n;
    }
}

void html_text(buf *out, const char *s)
{
    if (s)
        html_textn(out, s, strlen(s));
}

void html_attr(buf *out, const char *s)
{
    html_text(out, s);
}

void html_raw(buf *out, const char *markup)
{
    buf_puts(out, markup);
}

/* True when the URL's scheme (if any) is one we allow in links. */
static int url_is_safe(const char *url)
{
    /* browsers ignore tabs/newlines and leading spaces inside schemes */
    char scheme[16];
    size_t n = 0;
    for (const char *p = url; *p && n < sizeof scheme - 1; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ')
            continue;
        if (c == ':')
            break;
        if (c == '/' || c == '?' || c == '#')
            return 1; /* relative: no scheme before the first / ? # */
        scheme[n++] = (char)tolower(c);
    }
    scheme[n] = '\0';
    const char *colon = strchr(url, ':');
    const char *stop = strpbrk(url, "/?#");
    if (!colon || (stop && stop < colon))
        return 1;
    return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
           strcmp(scheme, "mailto") == 0 || strcmp(scheme, "tel") == 0;
}

bool html_url_safe(const char *url)
{
    return url && url_is_safe(url);
}

void html_url(buf *out, const char *url)
{
    if (!url || !url_is_safe(url)) {
        buf_putc(out, '#');
        return;
    }
    html_text(out, url);
}

void html_urlencode(buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_putc(out, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_append(out, e, 3);
        }
    }
}

void html_fmt(buf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt, *lit = fmt;
    while ((p = strchr(p, '%'))) {
        buf_append(out, lit, (size_t)(p - lit));
        switch (p[1]) {
        case 's':
            html_text(out, va_arg(ap, const char *));
            break;
        case 'u':
            html_url(out, va_arg(ap, const char *));
            break;
        case 'q':
            html_urlencode(out, va_arg(ap, const char *));
            break;
        case 'R':
            html_raw(out, va_arg(ap, const char *));
            break;
        case 'd':
            buf_printf(out, "%d", va_arg(ap, int));
            break;
        case 'D':
            buf_printf(out, "%lld", va_arg(ap, long long));
            break;
        case '%':
            buf_putc(out, '%');
            break;
        default:
            assert(!"html_fmt: unknown directive");
            break;
        }
        p += p[1] ? 2 : 1;
        lit = p;
    }
    buf_puts(out, lit);
    va_end(ap);
}
