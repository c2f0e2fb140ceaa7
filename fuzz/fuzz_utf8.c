/* fuzz_utf8: utf8_valid(), utf8_cyr_to_lat() and utf8_fold() on arbitrary
 * bytes. Checks: no memory errors or UB (ASan/UBSan); utf8_fold() output is
 * always valid UTF-8 (it replaces malformed bytes with U+FFFD), folding is
 * idempotent on its own output's validity, and for input that utf8_valid()
 * accepts (NULs allowed) utf8_cyr_to_lat() output is valid UTF-8 as well;
 * utf8_valid() agrees with a utf8_decode() walk. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* heap copy so ASan catches reads past the end */
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);

    bool valid = utf8_valid(s, size, true);
    /* cross-check with utf8_decode */
    bool walk = true;
    for (size_t i = 0; i < size;) {
        uint32_t cp;
        int l = utf8_decode(s + i, size - i, &cp);
        if (l <= 0) {
            walk = false;
            break;
        }
        i += (size_t)l;
    }
    if (valid != walk)
        abort();

    buf out = BUF_INIT;
    utf8_fold(&out, s, size);
    if (!out.failed && !utf8_valid(out.data ? out.data : "", out.len, true))
        abort();
    buf out2 = BUF_INIT;
    utf8_fold(&out2, out.data ? out.data : "", out.len);
    if (!out2.failed && !utf8_valid(out2.data ? out2.data : "", out2.len, true))
        abort();
    buf_free(&out2);
    buf_reset(&out);

    utf8_cyr_to_lat(&out, s, size);
    if (!out.failed && !utf8_valid(out.data ? out.data : "", out.len, true))
        abort();
    (void)valid;
    buf_free(&out);
    free(s);
    return 0;
}
