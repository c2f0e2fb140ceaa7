/* markdown.h: the one Markdown renderer (CommonMark, on libcmark).
 *
 * Every text people write in Markdown (positions, news, newsletter
 * introductions) goes through here, so what a writer types can never
 * become markup of ours:
 *   - raw HTML, inline or in blocks, is dropped (cmark's safe mode: it
 *     leaves an HTML comment saying so);
 *   - a link keeps its URL only when html.h would write it (relative,
 *     http, https, mailto, tel); any other link (javascript:, data:,
 *     vbscript:, file:, ...) becomes its text;
 *   - an image becomes a link to the image with its description as the
 *     text (pictures from other sites would report our readers to them,
 *     and the CSP allows none), under the same URL rule;
 *   - headings start at the level the page gives (a "# Title" inside a
 *     page under its own h1 and h2 becomes an h3), never above h6;
 *   - MD_LATIN writes Serbian Cyrillic text in Latin (the Latin page is
 *     derived as everywhere); code and URLs stay as written.
 * Input that is not valid UTF-8 has its bad bytes replaced by U+FFFD.
 * Why libcmark and not a hand-written parser: CommonMark's rules
 * (emphasis, nesting, lazy continuation) are subtle, and Debian's
 * libcmark is the reference implementation, fuzzed upstream. It aborts
 * the process when malloc fails (its default allocator), so callers
 * bound the input (MD_MAX) the way forms bound every field. */
#ifndef SCAN_MARKDOWN_H
#define SCAN_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define MD_MAX (64 * 1024) /* bytes a Markdown field may hold */

enum {
    MD_LATIN = 1u << 0, /* Serbian Cyrillic text transliterated to Latin */
};

/* Appends src[0..n) rendered as HTML. heading_base (1-6) is the level a
 * "#" heading gets. Returns false when the output buffer failed (out of
 * memory: its sticky flag is set too). */
bool md_html(buf *out, const char *src, size_t n, int heading_base, unsigned flags);

/* Appends src[0..n) as plain text for mail, feeds and descriptions:
 * paragraphs and headings separated by blank lines, list items as
 * "- " lines, a link as "text (URL)" when its URL passes the rule above,
 * emphasis and code as their text. Same flags as md_html. */
bool md_text(buf *out, const char *src, size_t n, unsigned flags);

#endif
