/* fuzz_topic: notify_topic_canonical() (a saved search's query string) on
 * arbitrary bytes. Checks: no memory errors or UB (ASan/UBSan); on
 * TOPIC_OK the result is at most NOTIFY_QUERY_MAX bytes of
 * name=value pairs joined by '&' with names [a-z_] and values in the
 * unreserved set, '+' or %XX, and canonicalising it again gives itself
 * (idempotent: the same search is always stored as one row). Violations
 * abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "web/web_topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    const char *out = NULL;
    topic_error e = notify_topic_canonical(&a, in, &out);
    if (e == TOPIC_OK) {
        if (!out || strlen(out) > NOTIFY_QUERY_MAX)
            abort();
        for (const char *p = out; *p; p++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+%&=_",
                        *p))
                abort();
        const char *again = NULL;
        if (notify_topic_canonical(&a, out, &again) != TOPIC_OK || strcmp(out, again) != 0)
            abort();
    } else if (e != TOPIC_BAD_QUERY && e != TOPIC_TOO_LONG) {
        abort();
    }
    free(in);
    arena_free(&a);
    return 0;
}
