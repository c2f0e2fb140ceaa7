/* fuzz_url: a request target as the server takes it apart: the path
 * percent-decoded by router_decode_path(), matched against route patterns
 * with router_pattern_matches(), and the query parsed by
 * form_parse_urlencoded().
 * Checks: no memory errors or UB; a decoded path is valid UTF-8 without
 * NUL, never longer than its source, and equal to it when the source has no
 * '%'; a pattern without parameters matches exactly its own text; on a
 * parse error the query form is empty. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/router.h"

static const char *const patterns[] = {
    "/",
    "/orgs",
    "/orgs/{slug}",
    "/orgs/{slug}/members/{id}/end",
    "/assets/{dir}/{file}",
    "/api/v1/orgs/{slug}",
    "/api/v1/figures",
    "/admin/people/{id}/erase",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    const char *s = (const char *)data;
    const char *qm = memchr(s, '?', size);
    size_t plen = qm ? (size_t)(qm - s) : size;
    char *path = router_decode_path(&a, s, plen);
    if (path) {
        size_t n = strlen(path);
        if (n > plen || !utf8_valid(path, n, false))
            abort();
        if (!memchr(s, '%', plen) && (n != plen || memcmp(path, s, plen) != 0))
            abort();
        for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
            bool m = router_pattern_matches(patterns[i], path);
            if (!strchr(patterns[i], '{') && m != (strcmp(patterns[i], path) == 0))
                abort();
        }
    }
    if (qm) {
        form f;
        const char *bad = NULL;
        if (form_parse_urlencoded(&a, qm + 1, size - plen - 1, &f, &bad) != FORM_OK &&
            f.n_fields != 0)
            abort();
    }
    arena_free(&a);
    return 0;
}

/* router.c looks routes up in the table of src/web/routes.c, which would
 * pull in every handler: the target matches patterns directly instead. */
const route routes[1];
const size_t n_routes = 0;
