/* chart_radar.c: the radar (spider) chart of chart.h: a few scores on a
 * common scale, one axis each, with up to two series (this year and the
 * one before). Kept apart from chart.c, which is being split into files
 * under 1000 lines; it follows chart.c's conventions: a figure with a
 * caption, an svg role="img" with <title> and a <desc> that says every
 * value, colours from scan.css classes only (no inline style, the CSP
 * holds), series that differ in dash and marker as well as colour, and a
 * table beside it on the page (the caller's). The canvas is smaller than
 * the other charts. (460 units) so that at a phone's width its text stays
 * readable without scrolling (scan.css: .chart-radar). */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "html/chart.h"
#include "html/chart_internal.h"
#include "html/html.h"

#define RW    460.0 /* canvas width */
#define RCX   230.0 /* centre */
#define RCY   172.0
#define RR    112.0 /* radius of the full scale */
#define LEG_Y 338.0 /* legend baseline */

/* The point at fraction f of the radius on axis i of n (axis 0 points up,
 * the others clockwise). */
static void point(size_t i, size_t n, double f, double *x, double *y)
{
    double a = -M_PI / 2 + 2 * M_PI * (double)i / (double)n;
    *x = RCX + f * RR * cos(a);
    *y = RCY + f * RR * sin(a);
}

/* Appends the path step to that point: a move for axis 0, a line after. */
static void path_to(buf *out, size_t i, size_t n, double f)
{
    double x, y;
    point(i, n, f, &x, &y);
    buf_putc(out, i ? 'L' : 'M');
    chart_put_num(out, x);
    buf_putc(out, ' ');
    chart_put_num(out, y);
}

static void fmt(buf *out, lang_id lang, const chart_opts *o, int64_t v)
{
    if (o->fmt)
        o->fmt(out, lang, v, false, o->fmt_ctx);
    else
        i18n_fmt_int(out, lang, v);
}

static double frac(int64_t v, int64_t max)
{
    if (v == CHART_NONE || v < 0)
        return 0;
    return v > max ? 1.0 : (double)v / (double)max;
}

int chart_radar(buf *out, lang_id lang, const chart_opts *o, const char *const *axes, size_t n_axes,
                const chart_series *series, size_t n_series, int64_t max)
{
    assert(out && o && axes && (series || n_series == 0) && max > 0);
    char id[64];
    chart_opts named = *o;
    if (!named.id || !*named.id)
        named.id = "radar";
    chart_make_id(id, sizeof id, &named);
    if (n_series > 2)
        n_series = 2;

    /* the text equivalent: every value of every series */
    buf desc = BUF_INIT;
    for (size_t s = 0; s < n_series; s++) {
        if (s)
            buf_puts(&desc, " ");
        buf_printf(&desc, "%s: ", series[s].name ? series[s].name : "");
        for (size_t i = 0; i < n_axes; i++) {
            buf_printf(&desc, "%s%s ", i ? ", " : "", axes[i]);
            if (series[s].values[i] == CHART_NONE)
                buf_puts(&desc, T(lang, MSG_CHART_ROW_NO_DATA));
            else
                fmt(&desc, lang, o, series[s].values[i]);
        }
        buf_puts(&desc, ".");
    }
    if (n_series == 0 || n_axes < 3)
        buf_puts(&desc, T(lang, MSG_CHART_NO_DATA));

    double h = n_series > 1 ? LEG_Y + 12 : LEG_Y - 10;
    html_fmt(out, "<figure class=\"chart chart-radar\" id=\"%s\">\n", id);
    if (o->title && *o->title) {
        html_fmt(out, "<figcaption><span class=\"chart-title\">%s</span>", o->title);
        if (o->subtitle && *o->subtitle)
            html_fmt(out, " <span class=\"chart-sub\">%s</span>", o->subtitle);
        html_raw(out, "</figcaption>\n");
    }
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" role=\"img\" "
               "viewBox=\"0 0 %d ",
               (int)RW);
    chart_put_num(out, h);
    html_fmt(out,
             "\" width=\"100%%\" font-size=\"13\" aria-labelledby=\"%s-title %s-desc\">\n"
             "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n",
             id, id, id, o->title ? o->title : "", id, buf_str(&desc));
    bool desc_failed = buf_failed(&desc);
    buf_free(&desc);

    if (n_axes >= 3) {
        /* the grid: a ring per quarter of the scale, and the axes */
        for (int ring = 1; ring <= 4; ring++) {
            buf_puts(out, "<path class=\"grid\" fill=\"none\" d=\"");
            for (size_t i = 0; i < n_axes; i++)
                path_to(out, i, n_axes, ring / 4.0);
            buf_puts(out, "Z\"/>\n");
        }
        for (size_t i = 0; i < n_axes; i++) {
            double x, y;
            point(i, n_axes, 1.0, &x, &y);
            buf_puts(out, "<line class=\"grid\"");
            chart_attr(out, "x1", RCX);
            chart_attr(out, "y1", RCY);
            chart_attr(out, "x2", x);
            chart_attr(out, "y2", y);
            buf_puts(out, "/>\n");
        }
        /* the scale along the first axis */
        for (int ring = 2; ring <= 4; ring += 2) {
            double x, y;
            point(0, n_axes, ring / 4.0, &x, &y);
            buf_puts(out, "<text class=\"tick\"");
            chart_attr(out, "x", x + 4);
            chart_attr(out, "y", y + 12);
            buf_putc(out, '>');
            fmt(out, lang, o, max * ring / 4);
            buf_puts(out, "</text>\n");
        }
        /* axis names outside the rings, anchored away from the centre */
        for (size_t i = 0; i < n_axes; i++) {
            double x, y;
            point(i, n_axes, 1.0, &x, &y);
            double dx = x - RCX, dy = y - RCY;
            const char *anchor = fabs(dx) < 1 ? "middle" : dx > 0 ? "start" : "end";
            double tx = x + (fabs(dx) < 1 ? 0 : dx > 0 ? 8 : -8);
            double ty = y + (dy < -1 ? -10 : dy > 1 ? 20 : 5);
            if (fabs(dx) >= 1)
                ty = y + (dy < 0 ? -2 : 14);
            buf_printf(out, "<text class=\"label\" text-anchor=\"%s\"", anchor);
            chart_attr(out, "x", tx);
            chart_attr(out, "y", ty);
            buf_putc(out, '>');
            html_text(out, axes[i]);
            buf_puts(out, "</text>\n");
        }
        /* the series: the earlier one dashed, unfilled; the latest filled */
        for (size_t s = n_series; s-- > 0;) {
            bool latest = s == 0;
            buf_printf(out, "<g class=\"radar-series\"><path class=\"%s k%u%s\" d=\"",
                       latest ? "radar-area" : "line", (unsigned)s, latest ? "" : " d1");
            for (size_t i = 0; i < n_axes; i++)
                path_to(out, i, n_axes, frac(series[s].values[i], max));
            buf_puts(out, "Z\"/>");
            for (size_t i = 0; i < n_axes; i++) {
                if (series[s].values[i] == CHART_NONE)
                    continue;
                double x, y;
                point(i, n_axes, frac(series[s].values[i], max), &x, &y);
                if (latest)
                    buf_printf(out, "<circle class=\"mk f%u\"", (unsigned)s);
                else
                    buf_printf(out, "<rect class=\"mk f%u\"", (unsigned)s);
                if (latest) {
                    chart_attr(out, "cx", x);
                    chart_attr(out, "cy", y);
                    buf_puts(out, " r=\"4\">");
                } else {
                    chart_attr(out, "x", x - 3.4);
                    chart_attr(out, "y", y - 3.4);
                    buf_puts(out, " width=\"6.8\" height=\"6.8\">");
                }
                buf_puts(out, "<title>");
                html_text(out, axes[i]);
                buf_puts(out, ": ");
                buf t = BUF_INIT;
                fmt(&t, lang, o, series[s].values[i]);
                html_text(out, buf_str(&t));
                if (buf_failed(&t))
                    out->failed = true;
                buf_free(&t);
                buf_puts(out, latest ? "</title></circle>" : "</title></rect>");
            }
            buf_puts(out, "</g>\n");
        }
        /* the legend, when there is a second series */
        if (n_series > 1) {
            double x = 40;
            for (size_t s = 0; s < n_series; s++) {
                buf_printf(out, "<g class=\"legend-item\"><line class=\"line k%u%s\"", (unsigned)s,
                           s ? " d1" : "");
                chart_attr(out, "x1", x);
                chart_attr(out, "x2", x + 24);
                chart_attr(out, "y1", LEG_Y - 4);
                chart_attr(out, "y2", LEG_Y - 4);
                buf_puts(out, "/><text class=\"legend\"");
                chart_attr(out, "x", x + 30);
                chart_attr(out, "y", LEG_Y);
                buf_putc(out, '>');
                html_text(out, series[s].name ? series[s].name : "");
                buf_puts(out, "</text></g>\n");
                x += 200;
            }
        }
    }
    html_raw(out, "</svg>\n");
    if (o->note && *o->note)
        html_fmt(out, "<p class=\"chart-note\">%s</p>\n", o->note);
    html_raw(out, "</figure>\n");
    if (desc_failed)
        out->failed = true;
    return buf_failed(out) ? -1 : 0;
}
