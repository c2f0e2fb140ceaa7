/* fuzz_multipart: form_parse_multipart() on arbitrary bytes. The first line
 * of the input (up to LF) is the Content-Type header; the rest is the body.
 * Checks: no memory errors or UB (ASan/UBSan); on FORM_OK every field has a
 * valid UTF-8 name, text (non-file) values are valid UTF-8 without NUL, and
 * every value is NUL-terminated at value_len; on error the form is empty.
 * Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t ct_len = nl ? (size_t)(nl - s) : size;
    char *ct = malloc(ct_len + 1);
    if (!ct)
        return 0;
    memcpy(ct, s, ct_len);
    ct[ct_len] = '\0';
    const char *body = nl ? nl + 1 : s + size;
    size_t body_len = (size_t)(s + size - body);
    /* copy the body so ASan sees reads past its end */
    char *b = malloc(body_len ? body_len : 1);
    if (!b) {
        free(ct);
        return 0;
    }
    memcpy(b, body, body_len);

    arena a = ARENA_INIT;
    form f;
    const char *err_field = NULL;
    form_status st = form_parse_multipart(&a, ct, b, body_len, &f, &err_field);
    if (st == FORM_OK) {
        for (size_t i = 0; i < f.n_fields; i++) {
            const form_field *fl = &f.fields[i];
            if (!fl->name || !fl->value)
                abort();
            if (!utf8_valid(fl->name, strlen(fl->name), false))
                abort();
            if (fl->value[fl->value_len] != '\0')
                abort();
            if (!fl->filename && !utf8_valid(fl->value, fl->value_len, false))
                abort();
        }
    } else if (f.n_fields != 0) {
        abort();
    }
    arena_free(&a);
    free(b);
    free(ct);
    return 0;
}
