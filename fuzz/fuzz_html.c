/* fuzz_html: html_text(), html_textn(), html_attr(), html_url() and
 * html_urlencode() on arbitrary bytes (the input as a C string up to its
 * first NUL, and all of it for html_textn). Checks: no memory errors or UB
 * (ASan/UBSan); the output never contains '<' or '"' (nor '>' or '\''),
 * so it cannot break out of text content or a double-quoted attribute;
 * html_url() output never starts a javascript:/data:/vbscript: URL.
 * Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "html/html.h"

static void check(const buf *b)
{
    if (b->failed)
        return;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->data[i];
        if (c == '<' || c == '"' || c == '>' || c == '\'')
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    buf b = BUF_INIT;
    html_text(&b, s);
    check(&b);
    buf_reset(&b);
    html_textn(&b, s, size);
    check(&b);
    buf_reset(&b);
    html_attr(&b, s);
    check(&b);
    buf_reset(&b);
    html_urlencode(&b, s);
    check(&b);
    buf_reset(&b);
    html_url(&b, s);
    check(&b);
    if (!b.failed && b.len >= 5) {
        /* strip nothing: the written URL itself must not be a bad scheme */
        const char *o = b.data;
        if (strncasecmp(o, "javascript:", 11) == 0 || strncasecmp(o, "data:", 5) == 0 ||
            strncasecmp(o, "vbscript:", 9) == 0)
            abort();
    }
    buf_free(&b);
    free(s);
    return 0;
}
