/* fuzz_position: a position's Markdown input as the page renders it:
 * position_paragraphs() splits arbitrary bytes into paragraphs, and each
 * paragraph goes through md_html() with and without MD_LATIN (what
 * web_position.c does per paragraph, beside its comments). Checks: no
 * memory errors or UB (ASan/UBSan); the paragraphs lie inside the text in
 * order, never overlap, are never empty and hold no blank line; counting
 * them twice gives the same number; the HTML of a paragraph has no raw
 * markup from the input (no "<script", "<img", "<iframe", "<style",
 * "<svg", and no javascript:, vbscript: or data: href); fuzz_markdown
 * checks md_html's whole tag and attribute set. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "html/markdown.h"
#include "model/position.h"

static void check_html(const char *h)
{
    static const char *const bad[] = {"<script",          "<img",        "<iframe",
                                      "<style",           "<svg",        "href=\"javascript:",
                                      "href=\"vbscript:", "href=\"data:"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strcasestr(h, bad[i]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *text = (const char *)data;
    size_t n = position_paragraphs(text, size, NULL, 0);
    pos_para *p = malloc((n + 1) * sizeof *p);
    if (!p)
        return 0;
    if (position_paragraphs(text, size, p, n) != n)
        abort();
    size_t prev_end = 0;
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (p[i].len == 0 || p[i].start < prev_end || p[i].start + p[i].len > size)
            abort();
        if (i && p[i].start == prev_end)
            abort(); /* two paragraphs always have a blank line between them */
        prev_end = p[i].start + p[i].len;
        if (memmem(text + p[i].start, p[i].len, "\n\n", 2))
            abort();
        for (unsigned flags = 0; flags <= MD_LATIN; flags += MD_LATIN) {
            buf_reset(&b);
            if (md_html(&b, text + p[i].start, p[i].len, 3, flags))
                check_html(buf_str(&b));
        }
    }
    buf_free(&b);
    free(p);
    return 0;
}
