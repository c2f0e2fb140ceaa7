/* atom.c: the Atom feed writer (see atom.h). Hand-written: a feed is a
 * dozen elements, and libxml2's writer would add a dependency to this
 * layer for what html_text already escapes correctly. */
#include "html/atom.h"

#include "core/timeutil.h"
#include "html/html.h"

static void atom_time(buf *out, const char *el, int64_t t)
{
    buf_printf(out, "<%s>", el);
    time_fmt_iso(out, t);
    buf_printf(out, "</%s>\n", el);
}

void atom_begin(buf *out, const char *id, const char *title, const char *self_url,
                const char *alt_url, int64_t updated, const char *lang)
{
    html_fmt(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""
        " xml:lang=\"%s\">\n<id>%s</id>\n<title>%s</title>\n"
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"%s\"/>\n"
        "<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n",
        lang, id, title, self_url, alt_url);
    atom_time(out, "updated", updated);
    html_raw(out, "<author><name>SCAN</name></author>\n");
}

void atom_entry(buf *out, const char *url, const char *title, int64_t published, int64_t updated,
                const char *summary, const char *author)
{
    html_fmt(out,
             "<entry>\n<id>%s</id>\n<title>%s</title>\n<link rel=\"alternate\" href=\"%s\"/>\n",
             url, title, url);
    atom_time(out, "published", published);
    atom_time(out, "updated", updated > published ? updated : published);
    if (author && *author)
        html_fmt(out, "<author><name>%s</name></author>\n", author);
    if (summary && *summary)
        html_fmt(out, "<summary>%s</summary>\n", summary);
    html_raw(out, "</entry>\n");
}

void atom_end(buf *out)
{
    html_raw(out, "</feed>\n");
}
