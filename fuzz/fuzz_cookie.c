/* fuzz_cookie: cookie_get() and cookie_build() on arbitrary bytes.
 * The input is split at the first NUL: before it, the cookie name; after
 * it, the Cookie header (or the whole input is the header, name "sid").
 * Checks: no memory errors or UB (ASan/UBSan); a value cookie_get() returns
 * contains no ';'; when cookie_build() accepts a value the header it writes
 * contains no CR, LF or NUL and starts with the (prefixed) name and '=';
 * a value found by cookie_get() and rebuilt with cookie_build() is found
 * again, identical, by cookie_get() on "name=value". Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/cookie.h"

static void check_built(const buf *out, const char *name, bool secure)
{
    const char *s = buf_str(out);
    if (strlen(s) != out->len)
        abort();
    if (strpbrk(s, "\r\n"))
        abort();
    size_t off = 0;
    if (secure) {
        if (strncmp(s, "__Host-", 7) != 0)
            abort();
        off = 7;
    }
    size_t nl = strlen(name);
    if (strncmp(s + off, name, nl) != 0 || s[off + nl] != '=')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    const char *name = "sid";
    const char *header = in;
    size_t first = strlen(in);
    if (first < size) {
        name = in;
        header = in + first + 1;
    }

    arena a = ARENA_INIT;
    const char *v = cookie_get(&a, header, name);
    if (v && strchr(v, ';'))
        abort();

    static const cookie_opts variants[] = {
        {true, false, "Lax", 0},
        {true, true, "Strict", 3600},
        {false, false, NULL, -1},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        buf out = BUF_INIT;
        /* the raw header as a value: usually refused, never unsafe */
        if (cookie_build(&out, name, header, &variants[i]))
            check_built(&out, name, variants[i].secure);
        else if (out.len != 0)
            abort();
        buf_reset(&out);
        if (v && cookie_build(&out, name, v, &variants[i])) {
            check_built(&out, name, variants[i].secure);
            if (!variants[i].secure) {
                /* round trip: the header line's first pair is name=value */
                const char *s = buf_str(&out);
                const char *semi = strchr(s, ';');
                size_t pl = semi ? (size_t)(semi - s) : strlen(s);
                char *pair = arena_strndup(&a, s, pl);
                if (pair) {
                    const char *v2 = cookie_get(&a, pair, name);
                    if (!v2 || strcmp(v2, v) != 0)
                        abort();
                }
            }
        }
        buf_free(&out);
    }
    arena_free(&a);
    free(in);
    return 0;
}
