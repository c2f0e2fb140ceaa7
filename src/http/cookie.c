/* cookie.c: reading one cookie from a Cookie request header and writing
 * Set-Cookie header values (see cookie.h).
 *
 * The session and language cookies are the only ones the server reads, so
 * parsing looks up one name rather than building a table: pairs are split
 * on ';' (which no cookie value may contain), names and values are trimmed
 * of spaces as RFC 6265 5.2 asks of user agents, and other pairs are
 * skipped whatever they hold, so a stray cookie set by a script on the same
 * site cannot break the session. The cookie asked for must be well formed.
 * Both functions are pure and safe on any input. */
#include "http/cookie.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "core/strutil.h"

/* Browsers keep at most 4096 bytes of name plus value. */
#define COOKIE_MAX 4096

/* RFC 9110 tchar: the characters of a cookie-name token. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon and
 * backslash. */
static bool is_cookie_octet(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

static bool is_token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strnlen(s, n) == n && str_ieqn(s, n, prefix);
}

const char *cookie_find(const char *header, const char *name, size_t *len)
{
    if (!header || !name)
        return NULL;
    size_t name_len = strlen(name);
    if (!is_token(name, name_len))
        return NULL;
    for (const char *c = header; *c; c++) {
        if ((unsigned char)*c < 0x20 && *c != '\t')
            return NULL; /* control characters: the header is malformed */
        if (*c == 0x7f)
            return NULL;
    }

    const char *p = header;
    while (*p) {
        const char *semi = strchr(p, ';');
        const char *end = semi ? semi : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq) {
            const char *n0 = p, *n1 = eq;
            while (n0 < n1 && is_ws(*n0))
                n0++;
            while (n1 > n0 && is_ws(n1[-1]))
                n1--;
            if ((size_t)(n1 - n0) == name_len && memcmp(n0, name, name_len) == 0) {
                const char *v0 = eq + 1, *v1 = end;
                while (v0 < v1 && is_ws(*v0))
                    v0++;
                while (v1 > v0 && is_ws(v1[-1]))
                    v1--;
                if (v1 - v0 >= 2 && *v0 == '"' && v1[-1] == '"') {
                    v0++;
                    v1--;
                }
                for (const char *q = v0; q < v1; q++)
                    if (!is_cookie_octet((unsigned char)*q))
                        return NULL; /* the first occurrence wins, even when bad */
                *len = (size_t)(v1 - v0);
                return v0;
            }
        }
        if (!semi)
            break;
        p = semi + 1;
    }
    return NULL;
}

const char *cookie_get(arena *a, const char *header, const char *name)
{
    assert(a);
    size_t n;
    const char *v = cookie_find(header, name, &n);
    return v ? arena_strndup(a, v, n) : NULL;
}

bool cookie_build(buf *out, const char *name, const char *value, const cookie_opts *opts)
{
    static const cookie_opts defaults = {0};
    assert(out && name);
    if (!opts)
        opts = &defaults;
    if (!value)
        value = "";
    size_t name_len = strlen(name), value_len = strlen(value);
    if (!is_token(name, name_len))
        return false;
    /* the prefix is ours to add; a caller-written one would be doubled or
     * dropped by the browser */
    if (has_prefix_nocase(name, "__Host-") || has_prefix_nocase(name, "__Secure-"))
        return false;
    for (size_t i = 0; i < value_len; i++)
        if (!is_cookie_octet((unsigned char)value[i]))
            return false;
    if (name_len + value_len + (opts->secure ? 7 : 0) > COOKIE_MAX)
        return false;
    const char *same_site = NULL;
    if (opts->same_site) {
        if (strcmp(opts->same_site, "Lax") == 0 || strcmp(opts->same_site, "Strict") == 0)
            same_site = opts->same_site;
        else if (strcmp(opts->same_site, "None") == 0 && opts->secure)
            same_site = "None"; /* browsers refuse None without Secure */
        else
            return false;
    }

    buf_printf(out, "%s%s=%s; Path=/", opts->secure ? "__Host-" : "", name, value);
    if (opts->max_age > 0)
        buf_printf(out, "; Max-Age=%" PRId64, opts->max_age);
    else if (opts->max_age < 0)
        buf_puts(out, "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    if (opts->secure)
        buf_puts(out, "; Secure");
    if (opts->http_only)
        buf_puts(out, "; HttpOnly");
    if (same_site)
        buf_printf(out, "; SameSite=%s", same_site);
    return true;
}
