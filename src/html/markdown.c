/* markdown.c: Markdown to safe HTML or plain text, on libcmark (see
 * markdown.h for the rules). The document is parsed once, the tree
 * rewritten (links, images, headings, Latin), then rendered by cmark in
 * its safe mode or walked here for text. */
#include "html/markdown.h"

#include <assert.h>
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "html/html.h"

/* The nodes of doc in document order (a copy: the rewrite below moves
 * and frees nodes, which an iterator must not see). NULL on OOM. */
static cmark_node **collect(cmark_node *doc, size_t *n)
{
    size_t cap = 64, len = 0;
    cmark_node **v = malloc(cap * sizeof *v);
    cmark_iter *it = v ? cmark_iter_new(doc) : NULL;
    if (!it) {
        free(v);
        return NULL;
    }
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (len == cap) {
            cmark_node **w = realloc(v, 2 * cap * sizeof *v);
            if (!w) {
                free(v);
                cmark_iter_free(it);
                return NULL;
            }
            v = w;
            cap *= 2;
        }
        v[len++] = cmark_iter_get_node(it);
    }
    cmark_iter_free(it);
    *n = len;
    return v;
}

/* Moves node's children before it and frees it (a link that may not
 * stay a link keeps its text). */
static void unwrap(cmark_node *node)
{
    cmark_node *c;
    while ((c = cmark_node_first_child(node)))
        cmark_node_insert_before(node, c);
    cmark_node_free(node);
}

/* An image as a link to it, its description the link's text. */
static bool image_to_link(cmark_node *img)
{
    const char *url = cmark_node_get_url(img);
    if (!url || !html_url_safe(url)) {
        unwrap(img);
        return true;
    }
    cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
    if (!link || !cmark_node_set_url(link, url)) {
        cmark_node_free(link);
        return false;
    }
    cmark_node *c;
    while ((c = cmark_node_first_child(img)))
        cmark_node_append_child(link, c);
    cmark_node_replace(img, link);
    cmark_node_free(img);
    return true;
}

static bool latin(cmark_node *text)
{
    const char *s = cmark_node_get_literal(text);
    if (!s)
        return true;
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, s, strlen(s));
    bool ok = !b.failed && cmark_node_set_literal(text, b.len ? b.data : "");
    buf_free(&b);
    return ok;
}

/* Parses src and applies the rules of markdown.h; NULL on OOM. */
static cmark_node *parse(const char *src, size_t n, int heading_base, unsigned flags)
{
    cmark_node *doc = cmark_parse_document(src ? src : "", src ? n : 0, CMARK_OPT_VALIDATE_UTF8);
    size_t len = 0;
    cmark_node **v = doc ? collect(doc, &len) : NULL;
    bool ok = v != NULL;
    for (size_t i = 0; ok && i < len; i++) {
        switch (cmark_node_get_type(v[i])) {
        case CMARK_NODE_TEXT:
            if (flags & MD_LATIN)
                ok = latin(v[i]);
            break;
        case CMARK_NODE_HEADING: {
            int level = cmark_node_get_heading_level(v[i]) + heading_base - 1;
            cmark_node_set_heading_level(v[i], level > 6 ? 6 : level < 1 ? 1 : level);
            break;
        }
        case CMARK_NODE_LINK: {
            const char *url = cmark_node_get_url(v[i]);
            if (!url || !html_url_safe(url))
                unwrap(v[i]);
            break;
        }
        case CMARK_NODE_IMAGE:
            ok = image_to_link(v[i]);
            break;
        default:
            break;
        }
    }
    free(v);
    if (!ok) {
        cmark_node_free(doc);
        return NULL;
    }
    return doc;
}

bool md_html(buf *out, const char *src, size_t n, int heading_base, unsigned flags)
{
    assert(out && heading_base >= 1 && heading_base <= 6);
    cmark_node *doc = parse(src, n, heading_base, flags);
    /* no CMARK_OPT_UNSAFE: raw HTML and dangerous URLs are left out */
    char *html = doc ? cmark_render_html(doc, CMARK_OPT_DEFAULT) : NULL;
    cmark_node_free(doc);
    if (!html) {
        out->failed = true;
        return false;
    }
    buf_puts(out, html);
    cmark_get_default_mem_allocator()->free(html);
    return !out->failed;
}

/* Drops the line ends written after start. */
static void trim_newlines(buf *out, size_t start)
{
    while (out->len > start && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
}

/* A blank line before the next block unless nothing was written yet. */
static void block_gap(buf *out, size_t start)
{
    if (out->len == start)
        return;
    trim_newlines(out, start);
    buf_puts(out, "\n\n");
}

bool md_text(buf *out, const char *src, size_t n, unsigned flags)
{
    assert(out);
    cmark_node *doc = parse(src, n, 1, flags);
    cmark_iter *it = doc ? cmark_iter_new(doc) : NULL;
    if (!it) {
        cmark_node_free(doc);
        out->failed = true;
        return false;
    }
    size_t start = out->len;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        const char *lit;
        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_PARAGRAPH:
            /* a list item's paragraph follows its "- " */
            if (ev == CMARK_EVENT_ENTER &&
                cmark_node_get_type(cmark_node_parent(node)) != CMARK_NODE_ITEM)
                block_gap(out, start);
            break;
        case CMARK_NODE_HEADING:
        case CMARK_NODE_BLOCK_QUOTE:
        case CMARK_NODE_THEMATIC_BREAK:
        case CMARK_NODE_LIST:
            if (ev == CMARK_EVENT_ENTER)
                block_gap(out, start);
            break;
        case CMARK_NODE_ITEM:
            if (ev == CMARK_EVENT_ENTER) {
                if (out->len > start && out->data[out->len - 1] != '\n')
                    buf_putc(out, '\n');
                buf_puts(out, "- ");
            }
            break;
        case CMARK_NODE_CODE_BLOCK:
            block_gap(out, start);
            buf_puts(out, (lit = cmark_node_get_literal(node)) ? lit : "");
            break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            lit = cmark_node_get_literal(node);
            buf_puts(out, lit ? lit : ""); /* TEXT is already Latin when asked */
            break;
        case CMARK_NODE_SOFTBREAK:
            buf_putc(out, ' ');
            break;
        case CMARK_NODE_LINEBREAK:
            buf_putc(out, '\n');
            break;
        case CMARK_NODE_LINK:
            if (ev == CMARK_EVENT_EXIT && (lit = cmark_node_get_url(node)) && *lit)
                buf_printf(out, " (%s)", lit);
            break;
        default: /* raw HTML is dropped here too */
            break;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    trim_newlines(out, start);
    return !out->failed;
}
