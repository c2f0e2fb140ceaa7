/* router.c: matches a method and path against the route table (see
 * router.h). Patterns are literal segments and {name} segments; a {name}
 * matches exactly one non-empty segment. The table is small (tens of
 * rows), so a linear scan is simplest and fast enough; measured in bench/. */
#include "http/router.h"

#include <string.h>

#include "core/strutil.h"
#include "core/utf8.h"

/* Compares one pattern segment [p, pe) with a path segment [s, se). */
static bool seg_match(const char *p, const char *pe, const char *s, const char *se)
{
    if (pe - p >= 2 && p[0] == '{' && pe[-1] == '}')
        return se > s;
    return (pe - p) == (se - s) && memcmp(p, s, (size_t)(pe - p)) == 0;
}

/* Walks pattern and path segment by segment; captures params into r when
 * r is not NULL. */
static bool match(const char *pattern, const char *path, req *r)
{
    const char *p = pattern, *s = path;
    size_t n = 0;
    for (;;) {
        if (*p != '/' || *s != '/')
            return *p == *s; /* both ended (or a malformed pattern) */
        p++;
        s++;
        const char *pe = strchr(p, '/'), *se = strchr(s, '/');
        if (!pe)
            pe = p + strlen(p);
        if (!se)
            se = s + strlen(s);
        if (!seg_match(p, pe, s, se))
            return false;
        if (r && *p == '{' && n < REQ_MAX_PARAMS) {
            r->param_names[n] = arena_strndup(r->a, p + 1, (size_t)(pe - p - 2));
            r->param_values[n] = arena_strndup(r->a, s, (size_t)(se - s));
            n++;
            r->n_params = n;
        }
        p = pe;
        s = se;
        if (!*p && !*s)
            return true;
    }
}

bool router_pattern_matches(const char *pattern, const char *path)
{
    return match(pattern, path, NULL);
}

route_result router_match(req *r, unsigned method, const char *path, const route **out,
                          unsigned *allowed)
{
    unsigned want = method == HTTP_HEAD ? HTTP_GET : method;
    unsigned allow = 0;
    for (size_t i = 0; i < n_routes; i++) {
        const route *rt = &routes[i];
        if (!match(rt->pattern, path, NULL))
            continue;
        if (rt->method == want) {
            r->n_params = 0;
            match(rt->pattern, path, r);
            *out = rt;
            return ROUTE_FOUND;
        }
        allow |= rt->method;
        if (rt->method == HTTP_GET)
            allow |= HTTP_HEAD;
    }
    *allowed = allow;
    return allow ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

const char *router_method_name(unsigned m)
{
    switch (m) {
    case HTTP_GET:
        return "GET";
    case HTTP_HEAD:
        return "HEAD";
    case HTTP_POST:
        return "POST";
    case HTTP_PUT:
        return "PUT";
    case HTTP_PATCH:
        return "PATCH";
    case HTTP_DELETE:
        return "DELETE";
    case HTTP_OPTIONS:
        return "OPTIONS";
    default:
        return "OTHER";
    }
}

void router_allow_text(buf *out, unsigned allowed)
{
    bool first = true;
    for (unsigned bit = HTTP_GET; bit <= HTTP_OPTIONS; bit <<= 1) {
        if (!(allowed & bit))
            continue;
        if (!first)
            buf_puts(out, ", ");
        buf_puts(out, router_method_name(bit));
        first = false;
    }
}

char *router_decode_path(arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n || (hi = str_hex_digit((unsigned char)s[i + 1])) < 0 ||
                (lo = str_hex_digit((unsigned char)s[i + 2])) < 0)
                return NULL;
            out[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    if (memchr(out, '\0', j) || !utf8_valid(out, j, false))
        return NULL;
    return out;
}
