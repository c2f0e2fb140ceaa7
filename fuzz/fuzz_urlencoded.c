/* fuzz_urlencoded: form_parse_urlencoded() on arbitrary bytes.
 * Checks: no memory errors or UB (ASan/UBSan); on FORM_OK every field name
 * and value is valid UTF-8 without NUL and value_len matches strlen(value);
 * on error the form is empty. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    form f;
    const char *err_field = NULL;
    form_status st = form_parse_urlencoded(&a, (const char *)data, size, &f, &err_field);
    if (st == FORM_OK) {
        for (size_t i = 0; i < f.n_fields; i++) {
            const form_field *fl = &f.fields[i];
            if (!fl->name || !fl->value)
                abort();
            if (!utf8_valid(fl->name, strlen(fl->name), false))
                abort();
            if (strlen(fl->value) != fl->value_len)
                abort();
            if (!utf8_valid(fl->value, fl->value_len, false))
                abort();
        }
    } else if (f.n_fields != 0) {
        abort();
    }
    arena_free(&a);
    return 0;
}
