/* chart_badge.c: the embeddable badge of chart.h (chart_badge), drawn for
 * web_panorama.c's /orgs/{slug}/badge.svg. It is a chart only in that it
 * is SVG whose text must fit without font metrics: it measures with
 * chart.c's per-glyph estimate (chart_text_width, at 13 units) scaled to
 * its own sizes, so a long name wraps onto two lines and shrinks rather
 * than being cut after a fixed number of characters (which cut short
 * Latin names needlessly and let wide Cyrillic ones run off the edge). */
#include <assert.h>
#include <string.h>

#include "html/chart.h"
#include "html/chart_internal.h"
#include "html/html.h"

#define NAME_X    70.0
#define NAME_ROOM (CHART_BADGE_W - NAME_X - 8.0) /* from the name's left edge to the margin */
#define BOLD      1.08                           /* bold runs wider than the estimate */
#define EST_FONT  13.0                           /* chart_text_width's size */
#define ONE_LINE  15.0
#define TWO_MAX   13
#define TWO_MIN   10

/* Width of s[0..n) at px, bold. */
static double width_at(const char *s, size_t n, double px)
{
    char tmp[512];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return chart_text_width(tmp) * px / EST_FONT * BOLD;
}

/* The longest prefix of s ending before a space that fits room at px:
 * its length, 0 when not even the first word fits. It always leaves a
 * second line (it never takes the whole of s, even when s fits whole at
 * px: the caller breaks s there, past its end otherwise). */
static size_t fit_words(const char *s, double px)
{
    size_t best = 0, n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ')
            continue;
        if (width_at(s, i, px) > NAME_ROOM)
            break;
        best = i;
    }
    return best;
}

static void name_text(buf *out, double y, double px, const char *s, size_t n, bool cut)
{
    buf_puts(out, "<text");
    chart_attr(out, "x", NAME_X);
    chart_attr(out, "y", y);
    buf_puts(out, " font-family=\"sans-serif\"");
    chart_attr(out, "font-size", px);
    buf_puts(out, " font-weight=\"bold\" fill=\"#ffffff\">");
    if (cut) {
        /* chart_put_fit measures at 13 units: scale the room to match */
        char tmp[1024];
        size_t k = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
        memcpy(tmp, s, k);
        tmp[k] = '\0';
        chart_put_fit(out, tmp, NAME_ROOM * EST_FONT / px / BOLD);
    } else {
        html_textn(out, s, n);
    }
    buf_puts(out, "</text>");
}

void chart_badge(buf *out, const char *name, const char *line)
{
    assert(out && name && line);
    html_fmt(out,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 "
             "%d %d\" role=\"img\" aria-label=\"%s: %s\"><title>%s: %s</title>"
             "<rect width=\"%d\" height=\"%d\" rx=\"6\" fill=\"#0b3d5c\"/>"
             "<rect x=\"6\" y=\"6\" width=\"52\" height=\"%d\" rx=\"4\" fill=\"#ffffff\"/>"
             "<text x=\"32\" y=\"41\" text-anchor=\"middle\" font-family=\"sans-serif\" "
             "font-size=\"14\" font-weight=\"bold\" fill=\"#0b3d5c\">SCAN</text>",
             CHART_BADGE_W, CHART_BADGE_H, CHART_BADGE_W, CHART_BADGE_H, name, line, name, line,
             CHART_BADGE_W, CHART_BADGE_H, CHART_BADGE_H - 12);
    size_t n = strlen(name);
    if (width_at(name, n, ONE_LINE) <= NAME_ROOM) {
        name_text(out, 30, ONE_LINE, name, n, false);
    } else {
        /* two lines: the largest size at which the words fill both */
        int px = TWO_MAX;
        size_t first = 0;
        for (; px >= TWO_MIN; px--) {
            first = fit_words(name, px);
            if (first && width_at(name + first + 1, n - first - 1, px) <= NAME_ROOM)
                break;
        }
        if (px < TWO_MIN) { /* too long even small: the second line ends in "…" */
            px = TWO_MIN;
            first = fit_words(name, px);
        }
        if (first == 0) { /* one unbroken word: one line, as large as fits */
            for (px = TWO_MAX; px > TWO_MIN && width_at(name, n, px) > NAME_ROOM; px--)
                ;
            name_text(out, 30, px, name, n, width_at(name, n, px) > NAME_ROOM);
        } else {
            const char *rest = name + first + 1;
            size_t rn = n - first - 1;
            bool cut = width_at(rest, rn, px) > NAME_ROOM;
            name_text(out, 21, px, name, first, false);
            name_text(out, 21 + px + 3, px, rest, rn, cut);
        }
    }
    html_fmt(out,
             "<text x=\"70\" y=\"58\" font-family=\"sans-serif\" font-size=\"13\" "
             "fill=\"#e6f0f5\">%s</text></svg>\n",
             line);
}
