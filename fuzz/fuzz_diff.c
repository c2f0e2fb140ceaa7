/* fuzz_diff: diff_words() on two texts cut from the input (the first
 * byte says where). Checks: no memory errors or UB (ASan/UBSan); joining
 * the unchanged and deleted pieces gives the first text and joining the
 * unchanged and inserted ones the second; no empty piece; two unchanged
 * pieces never follow each other. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    size_t cut = size > 1 ? (size_t)data[0] * (size - 1) / 255 : 0;
    const char *a = (const char *)data + 1, *b = a + cut;
    size_t an = cut, bn = size - 1 - cut;
    arena ar = ARENA_INIT;
    diff_piece *p;
    size_t n;
    if (!diff_words(&ar, a, an, b, bn, &p, &n)) {
        arena_free(&ar);
        return 0;
    }
    buf ra = BUF_INIT, rb = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (p[i].n == 0 || (i && p[i].kind == DIFF_SAME && p[i - 1].kind == DIFF_SAME))
            abort();
        if (p[i].kind != DIFF_INS)
            buf_append(&ra, p[i].s, p[i].n);
        if (p[i].kind != DIFF_DEL)
            buf_append(&rb, p[i].s, p[i].n);
    }
    if (ra.failed || rb.failed) {
        buf_free(&ra), buf_free(&rb), arena_free(&ar);
        return 0;
    }
    if (ra.len != an || (an && memcmp(ra.data, a, an)) || rb.len != bn ||
        (bn && memcmp(rb.data, b, bn)))
        abort();
    buf_free(&ra);
    buf_free(&rb);
    arena_free(&ar);
    return 0;
}
