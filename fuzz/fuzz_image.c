/* fuzz_image: image_check() of src/model/image.h (the logo checks: PNG,
 * JPEG, and the SVG allow-list over libxml2) on arbitrary bytes. Checks:
 * no memory errors, leaks or UB (ASan/UBSan); the verdict is consistent
 * (accepted <=> a content type, which matches the magic bytes; a refusal
 * carries a catalog message id); the refused name is NUL-terminated valid
 * UTF-8; the same bytes give the same verdict twice; and an accepted SVG,
 * once comments and CDATA sections are taken out, holds no markup that
 * is a tag (any prefix, any case) of script, XHTML meta/form/iframe/
 * embed/object, foreignObject, image, feImage, a, animate or set, no
 * DOCTYPE or entity declaration, and no "<?" but the XML declaration.
 * Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "i18n/i18n.h"
#include "model/image.h"

static bool has_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(s + i, lit, m) == 0)
            return true;
    return false;
}

/* s without <!-- comments --> and <![CDATA[ sections ]]> (malloc'd). */
static char *strip(const char *s, size_t n, size_t *out_n)
{
    char *o = malloc(n + 1);
    if (!o)
        abort();
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        const char *open = NULL, *close = NULL;
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
            open = "<!--", close = "-->";
        else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0)
            open = "<![CDATA[", close = "]]>";
        if (!open) {
            o[j++] = s[i++];
            continue;
        }
        size_t k = i + strlen(open), cl = strlen(close);
        while (k + cl <= n && memcmp(s + k, close, cl) != 0)
            k++;
        i = k + cl <= n ? k + cl : n;
        o[j++] = ' ';
    }
    *out_n = j;
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    image_verdict v, again;
    bool ok = image_check(data, size, &v);
    if (ok != (v.why == 0) || ok != (v.content_type != NULL))
        abort();
    if (!ok && (v.why <= 0 || v.why >= MSG__COUNT))
        abort();
    size_t name_len = strnlen(v.name, sizeof v.name);
    if (name_len == sizeof v.name || !utf8_valid(v.name, name_len, false))
        abort();
    image_check(data, size, &again);
    if (again.why != v.why || again.what != v.what || strcmp(again.name, v.name) != 0)
        abort();
    if (!ok)
        return 0;
    if (strcmp(v.content_type, "image/png") == 0) {
        if (size < 8 || memcmp(data, "\x89PNG", 4) != 0)
            abort();
    } else if (strcmp(v.content_type, "image/jpeg") == 0) {
        if (size < 3 || data[0] != 0xFF || data[1] != 0xD8)
            abort();
    } else if (strcmp(v.content_type, "image/svg+xml") == 0) {
        size_t n = 0;
        char *s = strip((const char *)data, size, &n);
        if (has_ci(s, n, "<!doctype") || has_ci(s, n, "<!entity"))
            abort();
        /* every start or end tag: its local name is never one of these */
        static const char *const never[] = {
            "script",  "meta", "form",    "iframe", "foreignobject", "image", "a",
            "animate", "set",  "feimage", "embed",  "object",        NULL};
        for (size_t i = 0; i < n; i++) {
            if (s[i] != '<')
                continue;
            size_t b = i + 1 + (i + 1 < n && s[i + 1] == '/'), e = b, local = b;
            while (e < n && !strchr(" \t\r\n/>", s[e]))
                if (s[e++] == ':')
                    local = e;
            for (size_t k = 0; never[k]; k++)
                if (e - local == strlen(never[k]) &&
                    strncasecmp(s + local, never[k], e - local) == 0)
                    abort();
        }
        /* "<?" only as the XML declaration at the very start (after a BOM) */
        const char *t = s;
        size_t tn = n;
        if (tn >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
            t += 3, tn -= 3;
        const char *pi = tn >= 2 ? memmem(t, tn, "<?", 2) : NULL;
        if (pi && (pi != t || tn < 6 || memcmp(t, "<?xml", 5) != 0 || !strchr(" \t\r\n", t[5]) ||
                   memmem(t + 2, tn - 2, "<?", 2)))
            abort();
        free(s);
    } else {
        abort();
    }
    return 0;
}
