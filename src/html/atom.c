/* atom.c: the Atom feed writer (see atom.h). Written by hand: an Atom
 * document is a dozen fixed elements, and libxml2's writer (linked
 * already) would add a tree and allocations for what one escaping
 * function does. */
#include "html/atom.h"

#include <string.h>

#include "core/timeutil.h"

/* Appends s as XML character data or attribute text: & < > " escaped,
 * C0 controls other than tab, LF and CR dropped (XML 1.0 forbids them). */
static void xml_text(buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        default:
            if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
                buf_putc(out, (char)*p);
        }
    }
}

static void element(buf *out, const char *indent, const char *name, const char *text)
{
    buf_printf(out, "%s<%s>", indent, name);
    xml_text(out, text);
    buf_printf(out, "</%s>\n", name);
}

static void when(buf *out, const char *indent, const char *name, int64_t t)
{
    buf_printf(out, "%s<%s>", indent, name);
    time_fmt_iso(out, t);
    buf_printf(out, "</%s>\n", name);
}

static void link(buf *out, const char *indent, const char *rel, const char *type, const char *href)
{
    buf_printf(out, "%s<link rel=\"%s\"", indent, rel);
    if (type)
        buf_printf(out, " type=\"%s\"", type);
    buf_puts(out, " href=\"");
    xml_text(out, href);
    buf_puts(out, "\"/>\n");
}

bool atom_write(buf *out, const atom_feed *f, const atom_entry *e, size_t n)
{
    if (!out || !f || !f->id || !f->title)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!e[i].id || !e[i].title)
            return false;
    buf_puts(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    if (f->lang) {
        buf_puts(out, " xml:lang=\"");
        xml_text(out, f->lang);
        buf_putc(out, '"');
    }
    buf_puts(out, ">\n");
    element(out, "  ", "id", f->id);
    element(out, "  ", "title", f->title);
    when(out, "  ", "updated", f->updated);
    if (f->self_url)
        link(out, "  ", "self", "application/atom+xml", f->self_url);
    if (f->alt_url)
        link(out, "  ", "alternate", "text/html", f->alt_url);
    buf_puts(out, "  <author><name>");
    xml_text(out, f->title);
    buf_puts(out, "</name></author>\n");
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, "  <entry>\n");
        element(out, "    ", "id", e[i].id);
        element(out, "    ", "title", e[i].title);
        when(out, "    ", "updated", e[i].updated);
        if (e[i].published)
            when(out, "    ", "published", e[i].published);
        if (e[i].url)
            link(out, "    ", "alternate", "text/html", e[i].url);
        if (e[i].author) {
            buf_puts(out, "    <author><name>");
            xml_text(out, e[i].author);
            buf_puts(out, "</name></author>\n");
        }
        if (e[i].summary) {
            buf_puts(out, "    <summary type=\"text\">");
            xml_text(out, e[i].summary);
            buf_puts(out, "</summary>\n");
        }
        buf_puts(out, "  </entry>\n");
    }
    buf_puts(out, "</feed>\n");
    return !buf_failed(out);
}
