/* chart_internal.h: what chart.c shares with the other chart files
 * (chart_map.c, chart_radar.c): the figure around every chart, text that fits, numbers
 * as coordinates, and values as the chart's unit says. Not for pages. */
#ifndef SCAN_CHART_INTERNAL_H
#define SCAN_CHART_INTERNAL_H

#include "html/chart.h"

#define CHART_CANVAS_W 640.0 /* every chart's viewBox width */

/* The width of s in canvas units at the chart's font size (estimated per
 * glyph: no font metrics on the server). */
double chart_text_width(const char *s);
/* Appends s escaped, cut with an ellipsis to fit max_w. */
void chart_put_fit(buf *out, const char *s, double max_w);
/* Appends a coordinate with at most one decimal ("12", "12.5", never "-0"). */
void chart_put_num(buf *out, double v);
/* Appends ` name="v"` with at most one decimal. */
void chart_attr(buf *out, const char *name, double v);
/* o->id made safe for ids ([A-Za-z0-9_-]) into id. */
void chart_make_id(char *id, size_t cap, const chart_opts *o);
/* Opens the figure of class chart-KIND with its caption and the svg of
 * height h with its <title> and <desc>; chart_figure_end closes both,
 * with the note and (capped) the link to the table. */
void chart_figure_begin(buf *out, const char *id, const chart_opts *o, const char *kind, double h,
                        const char *desc);
void chart_figure_end(buf *out, lang_id lang, const chart_opts *o, bool capped);
/* chart_figure_begin for a chart whose parts are links (the district
 * map): the svg is a named group, not an image, since an image cannot
 * hold links (axe: nested-interactive); each link is named by the
 * visible text it holds. */
void chart_figure_begin_links(buf *out, const char *id, const chart_opts *o, const char *kind,
                              double h, const char *desc);
/* The frame with "No data to show." as a whole chart. */
int chart_draw_empty(buf *out, lang_id lang, const char *id, const chart_opts *o, const char *kind);
/* Appends v as o's unit or formatter says: compact on the chart, exact
 * in the text equivalent and tooltips. */
void chart_fmt_value(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool compact);

/* Appends v as an axis label: compact, money without its currency. */
void chart_fmt_tick(buf *out, lang_id lang, const chart_opts *o, int64_t v);

/* Appends v in fewer characters than its tick form where it has room for
 * little (a map tile): counts and money in K/M/B with one decimal, or
 * whole units of the scale when whole ("12B", "1.234 млрд."); the tick
 * form below a thousand and for percentages or formatted values. */
void chart_fmt_short(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool whole);

#endif
