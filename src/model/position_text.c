/* position_text.c: a position's text split into paragraphs (see
 * position.h: paragraphs are separated by blank lines). Apart from
 * position.c, which holds the database side, so that the fuzz target
 * (fuzz/fuzz_position.c) links it without the database. */
#include <stdbool.h>
#include <string.h>

#include "model/position.h"

/* A line [p, e) of only spaces and tabs. */
static bool blank_line(const char *p, const char *e)
{
    for (; p < e; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r')
            return false;
    return true;
}

size_t position_paragraphs(const char *text, size_t n, pos_para *out, size_t max)
{
    size_t count = 0;
    const char *p = text, *end = text + n;
    const char *start = NULL, *last = NULL; /* the paragraph's first line, the end of its last */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (blank_line(p, e)) {
            if (start) {
                if (count < max)
                    out[count] = (pos_para){(size_t)(start - text), (size_t)(last - start)};
                count++;
                start = NULL;
            }
        } else {
            if (!start)
                start = p;
            last = e;
        }
        p = nl ? nl + 1 : end;
    }
    if (start) {
        if (count < max)
            out[count] = (pos_para){(size_t)(start - text), (size_t)(last - start)};
        count++;
    }
    return count;
}
