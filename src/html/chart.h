/* chart.h: server-rendered SVG charts for statistics pages.
 *
 * Three kinds, all drawn on the server into a buf as one
 * <figure class="chart"> holding an <svg role="img"> with a <title> and a
 * one-sentence <desc> (the text equivalent: largest and smallest values,
 * first and last years), and a <figcaption>. Nothing here needs script:
 * the output obeys a CSP without inline script or style attributes, so
 * colours come from classes in scan.css (a colour-blind-safe palette) and
 * every chart still reads in black and white: values are written next to
 * bars, lines differ in dash and marker shape, shares in hatch pattern.
 *
 * The text is in the reader's language (numbers through i18n_fmt_int and
 * i18n_fmt_money, compact money such as "1.2M EUR" / "1,2 мил. EUR") and
 * is escaped with html_text; labels too long for the chart are cut with an
 * ellipsis and given in full in a <title> child of their bar. A chart is a
 * picture of a table that the page shows beside it (web/table.h); long
 * series are cut to the largest max_bars items with an "and N more" note.
 *
 * Output is deterministic (same input, same bytes) so tests compare it.
 * Nothing is allocated that outlives a call; the functions are
 * thread-safe once i18n_init() has run. Neighbours: html.h (escaping),
 * i18n.h (numbers and messages), web/table.h (the data beside the chart). */
#ifndef SCAN_CHART_H
#define SCAN_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "i18n/i18n.h"

/* How values are shown when no formatter callback is given. */
typedef enum {
    CHART_UNIT_COUNT = 0,   /* integers with the language's grouping: 1,234 / 1.234 */
    CHART_UNIT_MONEY_CENTS, /* euro cents: compact on the chart ("1.2M EUR"),
                               exact in the text equivalent */
    CHART_UNIT_BP,          /* basis points shown as percent: 6234 -> "62.3%" */
} chart_unit;

/* Appends v as plain text (the chart escapes it). compact is true for
 * labels on the chart itself and false for the text equivalent and
 * tooltips. */
typedef void (*chart_fmt_fn)(buf *out, lang_id lang, int64_t v, bool compact, void *ctx);

/* A missing value in a line series: the line breaks there. */
#define CHART_NONE INT64_MIN

/* Values beyond +-CHART_LIMIT (10^15 EUR in cents) are drawn as if at the
 * limit; their labels still show the true value. */
#define CHART_LIMIT 100000000000000000LL

/* Default number of bars or rows drawn before "and N more". */
#define CHART_DEFAULT_MAX_BARS 15

typedef struct chart_opts {
    const char *id;       /* unique on the page; prefix of the <title>,
                             <desc> and pattern ids. Letters, digits, '-'
                             and '_' (others become '-'); NULL = "chart" */
    const char *title;    /* what the chart shows: figcaption and <title> */
    const char *subtitle; /* optional second caption line (year, scope) */
    const char *note;     /* optional line under the chart (source) */
    const char *table_id; /* optional id of the table beside the chart: the
                             "and N more" note links to it */
    chart_unit unit;      /* used when fmt is NULL */
    chart_fmt_fn fmt;     /* optional formatter; overrides unit */
    void *fmt_ctx;        /* passed to fmt */
    size_t max_bars;      /* bars/rows drawn at most; 0 = CHART_DEFAULT_MAX_BARS */
    double width;         /* bar, line and share charts: the canvas width in
                             text units, 240..640; 0 = 640. A narrower canvas
                             keeps its 13-unit text larger when the svg
                             shrinks to a phone's width (the figure gets the
                             class chart-compact, drawn at most 30rem wide) */
} chart_opts;

/* A horizontal bar chart of one series: labels[i] with values[i], i < n.
 * Negative values extend left of a zero line; every bar has its value
 * written next to it. When n exceeds max_bars, the max_bars largest
 * values are drawn (largest first) and a note says how many more there
 * are; otherwise bars keep the given order. n == 0 draws "No data".
 * Returns 0, or -1 when memory ran out (out is then failed). */
int chart_bar(buf *out, lang_id lang, const chart_opts *o, const char *const *labels,
              const int64_t *values, size_t n);

/* One series of a line chart: values[j] belongs to years[j]. */
typedef struct chart_series {
    const char *name;      /* legend text */
    const int64_t *values; /* n_years values, CHART_NONE where missing */
} chart_series;

/* A line chart of n_series series over n_years ascending years, with a
 * y axis at round numbers that includes zero, light grid lines, a legend
 * (line colour, dash and marker shape per series), a marker per value with
 * its exact value as a tooltip, and the last value written at the end of
 * each line. Gaps (CHART_NONE) break a line. Years are spaced by their
 * value when strictly ascending, else evenly. No values at all draws
 * "No data". Returns 0 or -1 as chart_bar. */
int chart_line(buf *out, lang_id lang, const chart_opts *o, const int *years, size_t n_years,
               const chart_series *series, size_t n_series);

/* 100% stacked horizontal bars: one row per labels[r] (r < n_rows), split
 * into n_parts parts named parts[p], with values[r * n_parts + p] (for
 * example exports and domestic revenue per cluster). Each part is drawn
 * as its share of the row's total, with a colour and a hatch pattern, a
 * legend, and the rounded percentage written inside when it fits.
 * Negative values count as zero; a row whose total is zero is drawn empty
 * and marked "no data". Rows keep the given order; beyond max_bars rows a
 * note says how many more there are. Returns 0 or -1 as chart_bar. */
int chart_stacked_share(buf *out, lang_id lang, const chart_opts *o, const char *const *labels,
                        size_t n_rows, const char *const *parts, size_t n_parts,
                        const int64_t *values);

/* A radar (spider) chart (chart_radar.c): n_axes (at least 3) axes named
 * axes[i] from the centre (0) to max, one polygon per series with
 * values[i] per axis (CHART_NONE: drawn at the centre, said "no data"):
 * the first series filled with round markers, a second one (the year
 * before) dashed with square markers and a legend; more are ignored. Each
 * marker has its value as a tooltip and the <desc> says every value.
 * Returns 0 or -1 as chart_bar. */
int chart_radar(buf *out, lang_id lang, const chart_opts *o, const char *const *axes, size_t n_axes,
                const chart_series *series, size_t n_series, int64_t max);

/* Appends euro cents in compact form with the currency: "950 EUR",
 * "12.3K EUR", "1.2M EUR", "3.4B EUR" (en); "12,3 хиљ. EUR",
 * "1,2 мил. EUR", "3,4 млрд. EUR" (sr, suffixes from the catalog so Latin
 * is derived). One decimal, rounded half away from zero; a value that
 * rounds to 1000 of a unit moves up a unit. */
void chart_fmt_money_compact(buf *out, lang_id lang, int64_t cents);
/* Appends basis points as a percentage with one decimal: 6234 -> "62.3%"
 * (en), "62,3%" (sr). */
void chart_fmt_bp(buf *out, lang_id lang, int64_t bp);

/* --- the district map (chart_map.c) ----------------------------------------- */

#define CHART_MAP_CLASSES 5   /* colour classes at most */
#define CHART_MAP_MAX     128 /* values chart_map_breaks looks at */

/* One district's value: code is ref_district's (BEOGRAD, JUZNOBACKI,
 * ...), name its full name in the reader's language (tooltip and text
 * equivalent), href where its tile links (the directory filtered to it;
 * NULL: no link), value CHART_NONE when there is no data. */
typedef struct chart_area {
    const char *code;
    const char *name;
    const char *href;
    int64_t value;
} chart_area;

/* The class limits of values (CHART_NONE ignored; the first
 * CHART_MAP_MAX only): the k-quantiles, ascending and distinct, so class
 * c holds the values above breaks[c-1] up to breaks[c]. Returns how many
 * (0 without values; fewer than k when values repeat). */
size_t chart_map_breaks(const int64_t *values, size_t n, size_t k, int64_t *breaks);

/* The districts of Serbia and the City of Belgrade as a tile cartogram:
 * one tile each in its geographic place, coloured by the class of its
 * value (at most CHART_MAP_CLASSES, a sequential colour-blind-safe scale
 * that prints in grey; no data hatched), with its short name and compact
 * value (money without its currency: say it in the subtitle), a tooltip
 * with the exact one, a link when href is set, and a legend of the
 * classes' ranges. Areas whose code is not a district are
 * ignored; districts without an area count as no data. Returns 0 or -1
 * as chart_bar. With o->width CHART_MAP_PHONE_W (any width under 640)
 * the phone layout: a canvas as wide as the tiles, the names alone (no
 * values) in larger text and the legend in two columns below, so that on
 * a 390 px screen every label renders at 11 px or more (the page shows it
 * instead of the full one on narrow screens; the figure has class
 * chart-compact). */
#define CHART_MAP_PHONE_W 478 /* 6 tiles of 78 and 5 gaps of 2 */
int chart_districts(buf *out, lang_id lang, const chart_opts *o, const chart_area *areas, size_t n);

/* The embeddable badge of a cluster (/orgs/{slug}/badge.svg): a
 * CHART_BADGE_W x CHART_BADGE_H standalone SVG document with "SCAN", the
 * name and one line of numbers (line). The name fits by the chart's
 * width estimate: on one line at 15 px when it fits, else wrapped at
 * spaces onto two lines at the largest size from 13 down to 10 px that
 * holds it, the second line cut with an ellipsis only when even that
 * does not; the whole name stays in the <title> and aria-label. */
#define CHART_BADGE_W 320
#define CHART_BADGE_H 72
void chart_badge(buf *out, const char *name, const char *line);

/* --- the network graph (chart_network.c) ------------------------------------ */

/* A node: label (escaped here), optional href and tooltip (title; NULL:
 * the label), ring 0 (the centre: SCAN), 1 (clusters) or 2 (partners),
 * group true for a node that stands for several entries (drawn larger). */
typedef struct chart_net_node {
    const char *label, *href, *title;
    int ring;
    bool group;
    bool funder; /* tied only as a funder: drawn as a square */
} chart_net_node;

/* An edge between nodes a and b with its weight (line width) and tooltip. */
typedef struct chart_net_edge {
    size_t a, b;
    int64_t weight;
    const char *title;
    bool funding; /* a funder with a project's participant: dashed */
} chart_net_edge;

/* The nodes on concentric rings in the given order within each ring (the
 * centre, ring 1 at 150 units, ring 2 at 215), the edges as lines (funding
 * ties dashed), a legend of the three rings' names and, in legend[3], of
 * funders (a square; legend[k] NULL: none). A label wider than its room
 * wraps at spaces and hyphens (up to four lines where the ring leaves
 * room), cut with an ellipsis only past them, with the whole name in its
 * <title>. Deterministic: the layout depends only on the order. n == 0
 * draws "No data". Returns 0 or -1 as chart_bar. */
int chart_network(buf *out, lang_id lang, const chart_opts *o, const chart_net_node *nodes,
                  size_t n, const chart_net_edge *edges, size_t n_edges,
                  const char *const legend[4]);

#endif
