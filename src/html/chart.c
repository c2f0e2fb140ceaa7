/* chart.c: server-rendered SVG charts (see chart.h).
 *
 * Every chart is laid out on a 640-unit-wide canvas (the svg scales to its
 * container) with 13-unit text; a page may ask for a narrower one
 * (chart_opts.width) so the text stays readable on a phone. The server
 * cannot measure text, so widths are estimated from per-glyph advances
 * close to DejaVu Sans, the widest of the common sans-serif fonts: with a
 * narrower font there is a little more air, never an overlap. Colours,
 * dashes and text styles are classes styled by scan.css ("charts and
 * tables"); the markup carries only geometry, so the CSP (no inline
 * style) holds. */
#include "html/chart.h"
#include "html/chart_internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/utf8.h"
#include "html/html.h"

#define CW_FULL 640.0 /* canvas width (chart_opts.width narrows it) */
/* The canvas width of o's chart: CW_FULL unless o asks for a narrower
 * one (a chart meant to be read on a phone: its text scales less). */
static double canvas_width(const chart_opts *o)
{
    return o && o->width >= 240 && o->width < CW_FULL ? o->width : CW_FULL;
}
#define FONT     13.0  /* text size, in canvas units */
#define ROW_H    26.0  /* one bar row */
#define BAR_H    16.0  /* bar thickness in a bar chart */
#define SHARE_H  18.0  /* bar thickness in a share chart */
#define PLOT_H   210.0 /* plot height of a line chart */
#define N_COLOUR 6     /* palette size (c0..c5 in scan.css); patterns p1..p5 */
#define N_SHARE  7     /* share charts' parts before fills repeat: f0, p1..p6 */

/* ---- text measurement and writing ---------------------------------------- */

/* Advance of one code point in em, roughly DejaVu Sans. */
static double glyph_em(uint32_t c)
{
    if (c == ' ' || c == '.' || c == ',' || c == ':' || c == ';' || c == '\'' || c == '!' ||
        c == '|' || c == 'i' || c == 'l' || c == 'j' || c == 'I')
        return 0.32;
    if (c == 'f' || c == 't' || c == 'r' || c == '(' || c == ')' || c == '-' || c == '[' ||
        c == ']' || c == '/')
        return 0.42;
    if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '%' || c == '@')
        return 0.96;
    if (c >= '0' && c <= '9')
        return 0.64;
    if (c >= 'A' && c <= 'Z')
        return 0.72;
    if (c < 0x80)
        return 0.6;
    if (c >= 0x400 && c < 0x430) /* Cyrillic capitals (and Ђ Љ Њ ...) */
        return c == 0x409 || c == 0x40A || c == 0x416 || c == 0x428 || c == 0x429 ? 1.05 : 0.76;
    if (c == 0x436 || c == 0x43C || c == 0x448 || c == 0x449 || c == 0x44E || c == 0x459 ||
        c == 0x45A) /* ж м ш щ ю љ њ */
        return 0.92;
    if (c >= 0x430 && c < 0x460)
        return 0.64;
    if (c == 0x2026 || c == 0x2014) /* … — */
        return 1.0;
    return 0.66;
}

/* Estimated width of s[0..n) at FONT. */
static double text_width(const char *s, size_t n)
{
    double w = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k <= 0) {
            k = 1;
            cp = '?';
        }
        w += glyph_em(cp) * FONT;
        i += (size_t)k;
    }
    return w;
}

static double str_width(const char *s)
{
    return s ? text_width(s, strlen(s)) : 0;
}

/* Values and end labels are semi-bold: a tenth wider. */
#define BOLD 1.1

/* Appends s escaped; when wider than max_w, cut at a code point boundary
 * (and trailing spaces) and ended with an ellipsis so the whole fits. */
static void put_fit(buf *out, const char *s, double max_w)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (text_width(s, n) <= max_w) {
        html_textn(out, s, n);
        return;
    }
    double w = glyph_em(0x2026) * FONT;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k <= 0) {
            k = 1;
            cp = '?';
        }
        double g = glyph_em(cp) * FONT;
        if (w + g > max_w)
            break;
        w += g;
        i += (size_t)k;
    }
    while (i > 0 && s[i - 1] == ' ')
        i--;
    html_textn(out, s, i);
    buf_puts(out, "\xE2\x80\xA6");
}

/* Appends a coordinate with at most one decimal ("12", "12.5", never "-0"). */
static void put_num(buf *out, double v)
{
    long long t = llround(v * 10.0);
    long long m = t < 0 ? -t : t;
    if (t < 0)
        buf_putc(out, '-');
    if (m % 10 == 0)
        buf_printf(out, "%lld", m / 10);
    else
        buf_printf(out, "%lld.%lld", m / 10, m % 10);
}

/* Appends the point "x y" of a path. */
static void put_pt(buf *out, double x, double y)
{
    put_num(out, x);
    buf_putc(out, ' ');
    put_num(out, y);
}

/* Appends the attribute ` name="v"` for a coordinate. */
static void attr(buf *out, const char *name, double v)
{
    buf_printf(out, " %s=\"", name);
    put_num(out, v);
    buf_putc(out, '"');
}

/* ---- values ------------------------------------------------------------------ */

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static char decimal_sep(lang_id lang)
{
    return lang == LANG_EN ? '.' : ',';
}

/* Appends tenths as "12.3" (or "12" when trim and the decimal is 0). */
static void put_tenths(buf *out, lang_id lang, uint64_t tenths, bool trim)
{
    i18n_fmt_int(out, lang, (int64_t)(tenths / 10));
    if (!trim || tenths % 10) {
        buf_putc(out, decimal_sep(lang));
        buf_putc(out, (char)('0' + tenths % 10));
    }
}

/* Compact euros: see chart_fmt_money_compact; trim drops ".0" and currency
 * adds " EUR". */
static void money_compact(buf *out, lang_id lang, int64_t cents, bool trim, bool currency)
{
    static const struct {
        uint64_t unit; /* in cents */
        msg_id suffix;
    } scales[] = {
        {100000, MSG_NUM_THOUSAND_SHORT},
        {100000000, MSG_NUM_MILLION_SHORT},
        {100000000000ULL, MSG_NUM_BILLION_SHORT},
    };
    uint64_t m = magnitude(cents);
    int s = -1;
    for (int i = 0; i < 3; i++)
        if (m >= scales[i].unit)
            s = i;
    uint64_t euros = (m + 50) / 100;
    if (s < 0 && euros >= 1000)
        s = 0; /* 999.50 EUR rounds to 1.0K */
    if (s < 0) {
        if (cents < 0 && euros > 0)
            buf_putc(out, '-');
        i18n_fmt_int(out, lang, (int64_t)euros);
    } else {
        uint64_t tenth = scales[s].unit / 10;
        uint64_t tenths = m / tenth + (m % tenth >= tenth / 2);
        if (tenths >= 10000 && s < 2) { /* 999.96K -> 1.0M */
            s++;
            tenth = scales[s].unit / 10;
            tenths = m / tenth + (m % tenth >= tenth / 2);
        }
        if (cents < 0)
            buf_putc(out, '-');
        put_tenths(out, lang, tenths, trim);
        if (lang != LANG_EN)
            buf_putc(out, ' ');
        buf_puts(out, T(lang, scales[s].suffix));
    }
    if (currency)
        buf_puts(out, " EUR");
}

void chart_fmt_money_compact(buf *out, lang_id lang, int64_t cents)
{
    money_compact(out, lang, cents, false, true);
}

static void bp_fmt(buf *out, lang_id lang, int64_t bp, bool trim)
{
    uint64_t m = magnitude(bp);
    uint64_t tenths = m / 10 + (m % 10 >= 5);
    if (bp < 0 && tenths > 0)
        buf_putc(out, '-');
    put_tenths(out, lang, tenths, trim);
    buf_putc(out, '%');
}

void chart_fmt_bp(buf *out, lang_id lang, int64_t bp)
{
    bp_fmt(out, lang, bp, false);
}

/* Appends v as the chart's unit or formatter says: compact for labels on
 * the chart, exact for the text equivalent and tooltips. */
static void fmt_value(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool compact)
{
    if (o->fmt) {
        o->fmt(out, lang, v, compact, o->fmt_ctx);
        return;
    }
    switch (o->unit) {
    case CHART_UNIT_MONEY_CENTS:
        if (compact)
            money_compact(out, lang, v, false, true);
        else
            i18n_fmt_money(out, lang, v, "EUR", v % 100 == 0);
        break;
    case CHART_UNIT_BP:
        bp_fmt(out, lang, v, false);
        break;
    default:
        i18n_fmt_int(out, lang, v);
        break;
    }
}

/* Appends an axis tick label: compact, no ".0", money without currency
 * (the axis names it once). */
static void fmt_tick(buf *out, lang_id lang, const chart_opts *o, int64_t v)
{
    if (o->fmt) {
        o->fmt(out, lang, v, true, o->fmt_ctx);
        return;
    }
    switch (o->unit) {
    case CHART_UNIT_MONEY_CENTS:
        money_compact(out, lang, v, true, false);
        break;
    case CHART_UNIT_BP:
        bp_fmt(out, lang, v, true);
        break;
    default:
        i18n_fmt_int(out, lang, v);
        break;
    }
}

/* Appends v in few characters for a label with little room: counts and
 * money (without currency) in thousands, millions or billions with one
 * decimal ("12.3B", "1,2 мил."), or rounded to whole units of their scale
 * when whole ("12B"); below a thousand, and for percentages and
 * formatter-drawn values, the tick form. */
static void fmt_short(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool whole)
{
    static const msg_id suffix[] = {MSG_NUM_THOUSAND_SHORT, MSG_NUM_MILLION_SHORT,
                                    MSG_NUM_BILLION_SHORT};
    if (o->fmt || o->unit == CHART_UNIT_BP) {
        fmt_tick(out, lang, o, v);
        return;
    }
    uint64_t per = o->unit == CHART_UNIT_MONEY_CENTS ? 100 : 1; /* of v in one unit */
    uint64_t m = magnitude(v), scale = 1000 * per;
    if ((m + per / 2) / per < 1000) { /* under a thousand once rounded */
        fmt_tick(out, lang, o, v);
        return;
    }
    int s = 0;
    while (s < 2 && m >= scale * 1000)
        s++, scale *= 1000;
    /* in tenths or wholes of the scale, rounded half up; 999.96K is 1.0M */
    uint64_t step = whole ? scale : scale / 10, q = m / step + (m % step >= step / 2);
    if (q >= (whole ? 1000u : 10000u) && s < 2) {
        s++, scale *= 1000;
        step = whole ? scale : scale / 10;
        q = m / step + (m % step >= step / 2);
    }
    if (v < 0)
        buf_putc(out, '-');
    if (whole)
        i18n_fmt_int(out, lang, (int64_t)q);
    else
        put_tenths(out, lang, q, true);
    if (lang != LANG_EN)
        buf_putc(out, ' ');
    buf_puts(out, T(lang, suffix[s]));
}

static int64_t clamp_value(int64_t v)
{
    return v > CHART_LIMIT ? CHART_LIMIT : v < -CHART_LIMIT ? -CHART_LIMIT : v;
}

/* ---- the figure around every chart ---------------------------------------- */

/* Copies o->id into id (cap bytes) keeping [A-Za-z0-9_-]. */
static void make_id(char *id, size_t cap, const chart_opts *o)
{
    const char *s = o->id && *o->id ? o->id : "chart";
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        id[n++] = ok ? c : '-';
    }
    id[n] = '\0';
}

/* Opens the figure, writes the caption and opens the svg of height h with
 * its <title> and <desc>. */
static void figure_begin_role(buf *out, const char *id, const chart_opts *o, const char *kind,
                              double h, const char *desc, const char *role)
{
    html_fmt(out, "<figure class=\"chart chart-%s%R\" id=\"%s\">\n", kind,
             canvas_width(o) < CW_FULL ? " chart-compact" : "", id);
    if ((o->title && *o->title) || (o->subtitle && *o->subtitle)) {
        html_raw(out, "<figcaption>");
        if (o->title && *o->title)
            html_fmt(out, "<span class=\"chart-title\">%s</span>", o->title);
        if (o->subtitle && *o->subtitle)
            html_fmt(out, " <span class=\"chart-sub\">%s</span>", o->subtitle);
        html_raw(out, "</figcaption>\n");
    }
    html_fmt(out,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" role=\"%s\" "
             "viewBox=\"0 0 ",
             role);
    put_num(out, canvas_width(o));
    buf_putc(out, ' ');
    put_num(out, ceil(h));
    html_fmt(out,
             "\" width=\"100%%\" font-size=\"13\" aria-labelledby=\"%s-title %s-desc\">\n"
             "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n",
             id, id, id, o->title ? o->title : "", id, desc);
}

static void figure_begin(buf *out, const char *id, const chart_opts *o, const char *kind, double h,
                         const char *desc)
{
    figure_begin_role(out, id, o, kind, h, desc, "img");
}

/* Closes the svg and the figure, with the note under the chart and, when
 * the chart was cut short, a link to the full table. */
static void figure_end(buf *out, lang_id lang, const chart_opts *o, bool capped)
{
    html_raw(out, "</svg>\n");
    if (capped && o->table_id && *o->table_id) {
        html_raw(out, "<p class=\"chart-note\"><a href=\"#");
        html_urlencode(out, o->table_id);
        html_fmt(out, "\">%s</a></p>\n", T(lang, MSG_CHART_SEE_TABLE));
    }
    if (o->note && *o->note)
        html_fmt(out, "<p class=\"chart-note\">%s</p>\n", o->note);
    html_raw(out, "</figure>\n");
}

/* A chart with nothing to draw: the frame and "No data to show." */
static int chart_empty(buf *out, lang_id lang, const char *id, const chart_opts *o,
                       const char *kind)
{
    const char *msg = T(lang, MSG_CHART_NO_DATA);
    figure_begin(out, id, o, kind, 56, msg);
    double cw = canvas_width(o);
    buf_puts(out, "<rect class=\"frame\" x=\"0.5\" y=\"0.5\"");
    attr(out, "width", cw - 1);
    buf_puts(out, " height=\"55\" rx=\"4\"/>\n<text class=\"empty\"");
    attr(out, "x", cw / 2);
    html_fmt(out, " y=\"32\" text-anchor=\"middle\">%s</text>\n", msg);
    figure_end(out, lang, o, false);
    return buf_failed(out) ? -1 : 0;
}

/* The "… and N more (see the table)" line at baseline y. */
static void more_note(buf *out, lang_id lang, size_t more, double y)
{
    buf n = BUF_INIT, t = BUF_INIT;
    i18n_fmt_int(&n, lang, (int64_t)more);
    buf_printf(&t, T(lang, MSG_CHART_MORE), buf_str(&n));
    buf_puts(out, "<text class=\"note\" x=\"0\"");
    attr(out, "y", y);
    buf_putc(out, '>');
    html_text(out, buf_str(&t));
    buf_puts(out, "</text>\n");
    if (buf_failed(&n) || buf_failed(&t))
        out->failed = true;
    buf_free(&n);
    buf_free(&t);
}

/* ---- for the other chart files (chart_internal.h) ----------------------------- */

double chart_text_width(const char *s)
{
    return str_width(s);
}

void chart_put_fit(buf *out, const char *s, double max_w)
{
    put_fit(out, s, max_w);
}

void chart_put_num(buf *out, double v)
{
    put_num(out, v);
}

void chart_attr(buf *out, const char *name, double v)
{
    attr(out, name, v);
}

void chart_make_id(char *id, size_t cap, const chart_opts *o)
{
    make_id(id, cap, o);
}

void chart_figure_begin(buf *out, const char *id, const chart_opts *o, const char *kind, double h,
                        const char *desc)
{
    figure_begin(out, id, o, kind, h, desc);
}

void chart_figure_begin_links(buf *out, const char *id, const chart_opts *o, const char *kind,
                              double h, const char *desc)
{
    figure_begin_role(out, id, o, kind, h, desc, "group");
}

void chart_figure_end(buf *out, lang_id lang, const chart_opts *o, bool capped)
{
    figure_end(out, lang, o, capped);
}

int chart_draw_empty(buf *out, lang_id lang, const char *id, const chart_opts *o, const char *kind)
{
    return chart_empty(out, lang, id, o, kind);
}

void chart_fmt_value(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool compact)
{
    fmt_value(out, lang, o, v, compact);
}

void chart_fmt_tick(buf *out, lang_id lang, const chart_opts *o, int64_t v)
{
    fmt_tick(out, lang, o, v);
}

void chart_fmt_short(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool whole)
{
    fmt_short(out, lang, o, v, whole);
}

/* ---- bar chart ---------------------------------------------------------------- */

typedef struct ranked {
    int64_t v;
    size_t i;
} ranked;

/* Largest value first; equal values keep their order. */
static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

int chart_bar(buf *out, lang_id lang, const chart_opts *o, const char *const *labels,
              const int64_t *values, size_t n)
{
    const double CW = canvas_width(o);
    assert(out && o);
    assert(n == 0 || (labels && values));
    char id[64];
    make_id(id, sizeof id, o);
    if (n == 0 || !labels || !values)
        return chart_empty(out, lang, id, o, "bar");

    int rc = -1;
    size_t max = o->max_bars ? o->max_bars : CHART_DEFAULT_MAX_BARS;
    size_t shown = n < max ? n : max;
    ranked *order = NULL;
    size_t *voff = NULL;
    buf vals = BUF_INIT, desc = BUF_INIT, a = BUF_INIT, b = BUF_INIT, c = BUF_INIT, d = BUF_INIT;

    /* which bars, in which order */
    order = mem_malloc(n * sizeof *order);
    voff = mem_malloc((shown + 1) * sizeof *voff);
    if (!order || !voff)
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        order[i] = (ranked){values[i], i};
    if (n > shown)
        qsort(order, n, sizeof *order, ranked_cmp);

    /* the text equivalent: largest and smallest of all values */
    size_t imax = 0, imin = 0;
    for (size_t i = 1; i < n; i++) {
        if (values[i] > values[imax])
            imax = i;
        if (values[i] < values[imin])
            imin = i;
    }
    fmt_value(&a, lang, o, values[imax], false);
    if (n == 1) {
        buf_printf(&desc, T(lang, MSG_CHART_DESC_BAR_ONE), labels[0] ? labels[0] : "", buf_str(&a));
    } else {
        fmt_value(&b, lang, o, values[imin], false);
        i18n_fmt_int(&c, lang, (int64_t)n);
        buf_printf(&desc, T(lang, MSG_CHART_DESC_BAR), labels[imax] ? labels[imax] : "",
                   buf_str(&a), labels[imin] ? labels[imin] : "", buf_str(&b), buf_str(&c));
    }

    /* layout: label column, room for values either side, the bar area */
    double label_need = 0, pos_room = 0, neg_room = 0;
    int64_t lo = 0, hi = 0;
    for (size_t k = 0; k < shown; k++) {
        size_t i = order[k].i;
        int64_t v = clamp_value(values[i]);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        double lw = str_width(labels[i]);
        label_need = lw > label_need ? lw : label_need;
        voff[k] = vals.len;
        fmt_value(&vals, lang, o, values[i], true);
        double vw = text_width(vals.data ? vals.data + voff[k] : "", vals.len - voff[k]) * BOLD + 6;
        if (values[i] < 0)
            neg_room = vw > neg_room ? vw : neg_room;
        else
            pos_room = vw > pos_room ? vw : pos_room;
    }
    voff[shown] = vals.len;
    double label_w = label_need < CW * 0.38 ? label_need : CW * 0.38;
    double min_bars = CW * 0.3;
    double bar_left = label_w + 10 + neg_room, bar_right = CW - pos_room - 2;
    if (bar_right - bar_left < min_bars) { /* give the bars room at the labels' cost */
        double cut = min_bars - (bar_right - bar_left);
        label_w = label_w - cut > 40 ? label_w - cut : 40;
        bar_left = label_w + 10 + neg_room;
    }
    double bw = bar_right - bar_left;
    double span = (double)hi - (double)lo;
    if (span <= 0)
        span = 1;
    double zero_x = bar_left + (-(double)lo) / span * bw;
    double top = 4;
    double h = top + (double)shown * ROW_H + (n > shown ? 26 : 0) + 4;

    figure_begin(out, id, o, "bar", h, buf_str(&desc));
    for (size_t k = 0; k < shown; k++) {
        size_t i = order[k].i;
        int64_t v = values[i];
        double y = top + (double)k * ROW_H, base = y + ROW_H / 2 + 4.5;
        double len = fabs((double)clamp_value(v)) / span * bw;
        const char *val = vals.data ? vals.data + voff[k] : "";
        buf_puts(out, "<g class=\"bar-row\"><title>");
        html_text(out, labels[i]);
        buf_puts(out, ": ");
        buf_reset(&d);
        fmt_value(&d, lang, o, v, false);
        html_text(out, buf_str(&d));
        buf_puts(out, "</title><text class=\"label\"");
        attr(out, "x", label_w);
        attr(out, "y", base);
        buf_puts(out, " text-anchor=\"end\">");
        put_fit(out, labels[i], label_w);
        buf_puts(out, "</text>");
        if (len >= 0.5) {
            buf_puts(out, v < 0 ? "<rect class=\"bar neg\"" : "<rect class=\"bar\"");
            attr(out, "x", v < 0 ? zero_x - len : zero_x);
            attr(out, "y", y + (ROW_H - BAR_H) / 2);
            attr(out, "width", len);
            attr(out, "height", BAR_H);
            buf_puts(out, "/>");
        }
        buf_puts(out, "<text class=\"value\"");
        attr(out, "x", v < 0 ? zero_x - len - 5 : zero_x + len + 5);
        attr(out, "y", base);
        buf_puts(out, v < 0 ? " text-anchor=\"end\">" : ">");
        html_textn(out, val, voff[k + 1] - voff[k]);
        buf_puts(out, "</text></g>\n");
    }
    buf_puts(out, "<line class=\"axis\"");
    attr(out, "x1", zero_x);
    attr(out, "x2", zero_x);
    attr(out, "y1", top);
    attr(out, "y2", top + (double)shown * ROW_H);
    buf_puts(out, "/>\n");
    if (n > shown)
        more_note(out, lang, n - shown, top + (double)shown * ROW_H + 18);
    figure_end(out, lang, o, n > shown);
    rc = 0;

cleanup:
    if (buf_failed(&vals) || buf_failed(&desc) || buf_failed(&a) || buf_failed(&b) ||
        buf_failed(&c) || buf_failed(&d))
        rc = -1;
    if (rc != 0)
        out->failed = true;
    mem_free(order);
    mem_free(voff);
    buf_free(&vals);
    buf_free(&desc);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
    buf_free(&d);
    return buf_failed(out) ? -1 : rc;
}

/* ---- axes ------------------------------------------------------------------------ */

/* The smallest "nice" step (1, 2, 2.5 or 5 times a power of ten, 2.5 only
 * from 25 up so steps stay whole) that is at least raw (raw >= 1). */
static uint64_t nice_step(uint64_t raw)
{
    uint64_t p = 1;
    while (p <= raw / 10)
        p *= 10;
    if (raw <= p)
        return p;
    if (raw <= 2 * p)
        return 2 * p;
    if (p >= 10 && raw * 2 <= 5 * p)
        return 5 * p / 2;
    if (raw <= 5 * p)
        return 5 * p;
    return 10 * p;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

typedef struct axis {
    int64_t lo, hi, step; /* lo <= 0 <= hi, multiples of step */
} axis;

/* The step after a nice step s: 1 -> 2 -> 2.5 (from 25 up) -> 5 -> 10. */
static uint64_t nice_next(uint64_t s)
{
    return nice_step(s + 1);
}

/* A value axis over [min, max] (clamped values) that includes zero, at
 * round numbers no finer than min_step: of the nice steps giving three to
 * eight intervals, the one whose range is tightest around the data (the
 * coarser on a tie), so the top tick is not far above the largest value. */
static axis axis_make(int64_t min, int64_t max, int64_t min_step)
{
    if (min > 0)
        min = 0;
    if (max < 0)
        max = 0;
    uint64_t span = (uint64_t)(max - min); /* at most 2 * CHART_LIMIT */
    uint64_t raw = span / 8 > (uint64_t)min_step ? span / 8 : (uint64_t)min_step;
    axis best = {0, 0, 0};
    for (uint64_t step = nice_step(raw);; step = nice_next(step)) {
        axis ax;
        ax.step = (int64_t)step;
        ax.lo = floor_div(min, ax.step) * ax.step;
        ax.hi = -floor_div(-max, ax.step) * ax.step;
        if (ax.hi == ax.lo)
            ax.hi = ax.lo + ax.step;
        uint64_t intervals = (uint64_t)(ax.hi - ax.lo) / step;
        if (intervals <= 8 && (best.step == 0 || ax.hi - ax.lo <= best.hi - best.lo))
            best = ax;
        if (intervals <= 3 || step > (uint64_t)CHART_LIMIT * 4)
            break;
    }
    return best;
}

/* The unit's smallest sensible tick step. */
static int64_t unit_min_step(const chart_opts *o)
{
    if (o->fmt)
        return 1;
    return o->unit == CHART_UNIT_MONEY_CENTS ? 100 : o->unit == CHART_UNIT_BP ? 10 : 1;
}

/* ---- legend ---------------------------------------------------------------------- */

/* Writes a marker of shape (series index) centred at x, y. */
static void marker(buf *out, size_t s, double x, double y)
{
    unsigned shape = (unsigned)(s % 5);
    if (shape == 0) {
        buf_printf(out, "<circle class=\"mk f%u\"", (unsigned)(s % N_COLOUR));
        attr(out, "cx", x);
        attr(out, "cy", y);
        buf_puts(out, " r=\"3.6\"/>");
        return;
    }
    buf_printf(out, "<path class=\"mk f%u\" d=\"M", (unsigned)(s % N_COLOUR));
    switch (shape) {
    case 1: /* square */
        put_pt(out, x - 3.4, y - 3.4);
        buf_puts(out, "h6.8v6.8h-6.8z");
        break;
    case 2: /* triangle up */
        put_pt(out, x, y - 4.4);
        buf_puts(out, "l4.2 7.4h-8.4z");
        break;
    case 3: /* diamond */
        put_pt(out, x, y - 4.6);
        buf_puts(out, "l4.6 4.6l-4.6 4.6l-4.6 -4.6z");
        break;
    default: /* triangle down */
        put_pt(out, x, y + 4.4);
        buf_puts(out, "l4.2 -7.4h-8.4z");
        break;
    }
    buf_puts(out, "\"/>");
}

/* The legend's height for items of the given text widths, laid out in
 * rows across the canvas; with out it also writes them (swatch kind:
 * 'l' line and marker, 'b' filled box with pattern of chart id). */
static double legend(buf *out, const char *id, char kind, const char *const *names, size_t n,
                     double CW)
{
    const double item_pad = 18, swatch = kind == 'l' ? 30 : 18, max_name = CW * 0.6, row = 20;
    double x = 0, y = 0;
    for (size_t i = 0; i < n; i++) {
        double nw = str_width(names[i]);
        nw = nw < max_name ? nw : max_name;
        double w = swatch + nw;
        if (x > 0 && x + w > CW) {
            x = 0;
            y += row;
        }
        if (out) {
            double cy = y + 10;
            buf_puts(out, "<g class=\"legend-item\">");
            if (kind == 'l') {
                buf_printf(out, "<line class=\"line k%u d%u\"", (unsigned)(i % N_COLOUR),
                           (unsigned)(i % 4));
                attr(out, "x1", x);
                attr(out, "x2", x + 24);
                attr(out, "y1", cy);
                attr(out, "y2", cy);
                buf_puts(out, "/>");
                marker(out, i, x + 12, cy);
            } else {
                if (i % N_SHARE == 0)
                    buf_puts(out, "<rect class=\"swatch f0\"");
                else
                    buf_printf(out, "<rect class=\"swatch\" fill=\"url(#%s-p%u)\"", id,
                               (unsigned)(i % N_SHARE));
                attr(out, "x", x + 0.5);
                attr(out, "y", cy - 6);
                buf_puts(out, " width=\"12\" height=\"12\"/>");
            }
            buf_puts(out, "<text class=\"legend\"");
            attr(out, "x", x + swatch);
            attr(out, "y", cy + 4.5);
            buf_putc(out, '>');
            put_fit(out, names[i], max_name);
            buf_puts(out, "</text></g>\n");
        }
        x += w + item_pad;
    }
    return n ? y + row : 0;
}

/* ---- line chart ------------------------------------------------------------------- */

typedef struct end_label {
    double y;
    size_t s, j; /* series, year index */
} end_label;

static int end_label_cmp(const void *pa, const void *pb)
{
    const end_label *a = pa, *b = pb;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return a->s < b->s ? -1 : a->s > b->s;
}

int chart_line(buf *out, lang_id lang, const chart_opts *o, const int *years, size_t n_years,
               const chart_series *series, size_t n_series)
{
    const double CW = canvas_width(o);
    assert(out && o);
    char id[64];
    make_id(id, sizeof id, o);
    int64_t vmin = 0, vmax = 0;
    bool any = false;
    for (size_t s = 0; s < n_series && years; s++)
        for (size_t j = 0; j < n_years && series[s].values; j++) {
            int64_t v = series[s].values[j];
            if (v == CHART_NONE)
                continue;
            v = clamp_value(v);
            vmin = !any || v < vmin ? v : vmin;
            vmax = !any || v > vmax ? v : vmax;
            any = true;
        }
    if (!any)
        return chart_empty(out, lang, id, o, "line");

    int rc = -1;
    end_label *ends = NULL;
    const char **names = NULL;
    buf desc = BUF_INIT, t = BUF_INIT, a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
    ends = mem_malloc(n_series * sizeof *ends);
    names = mem_malloc(n_series * sizeof *names);
    if (!ends || !names)
        goto cleanup;
    for (size_t s = 0; s < n_series; s++)
        names[s] = series[s].name ? series[s].name : "";

    /* the text equivalent: each series' first, last and highest value */
    if (n_years == 1)
        buf_printf(&desc, T(lang, MSG_CHART_DESC_YEAR), years[0]);
    else
        buf_printf(&desc, T(lang, MSG_CHART_DESC_YEARS), years[0], years[n_years - 1]);
    for (size_t s = 0; s < n_series; s++) {
        const int64_t *v = series[s].values;
        size_t first = n_years, last = 0, top = n_years;
        for (size_t j = 0; v && j < n_years; j++) {
            if (v[j] == CHART_NONE)
                continue;
            if (first == n_years)
                first = j;
            last = j;
            if (top == n_years || v[j] > v[top])
                top = j;
        }
        buf_puts(&desc, s == 0 ? " " : "; ");
        if (first == n_years) {
            buf_printf(&desc, T(lang, MSG_CHART_DESC_SERIES_EMPTY), names[s]);
            continue;
        }
        buf_reset(&a), buf_reset(&b), buf_reset(&c);
        fmt_value(&a, lang, o, v[first], false);
        fmt_value(&b, lang, o, v[last], false);
        fmt_value(&c, lang, o, v[top], false);
        buf_printf(&desc, T(lang, MSG_CHART_DESC_SERIES), names[s], buf_str(&a), buf_str(&b),
                   buf_str(&c), years[top]);
    }
    buf_putc(&desc, '.');

    /* vertical layout: legend, unit, plot, year labels */
    bool money_axis = !o->fmt && o->unit == CHART_UNIT_MONEY_CENTS;
    double legend_h = legend(NULL, id, 'l', names, n_series, CW);
    double plot_top = legend_h + (money_axis ? 30 : 16);
    double plot_bottom = plot_top + PLOT_H;
    double h = plot_bottom + 28;

    /* value axis and horizontal layout */
    axis ax = axis_make(vmin, vmax, unit_min_step(o));
    double tick_w = 0;
    for (int64_t v = ax.lo; v <= ax.hi; v += ax.step) {
        buf_reset(&t);
        fmt_tick(&t, lang, o, v);
        double w = text_width(buf_str(&t), t.len);
        tick_w = w > tick_w ? w : tick_w;
    }
    double end_w = 0;
    for (size_t s = 0; s < n_series; s++) {
        const int64_t *v = series[s].values;
        for (size_t j = n_years; v && j-- > 0;)
            if (v[j] != CHART_NONE) {
                buf_reset(&t);
                fmt_value(&t, lang, o, v[j], true);
                double w = text_width(buf_str(&t), t.len) * BOLD;
                end_w = w > end_w ? w : end_w;
                break;
            }
    }
    tick_w = tick_w < CW * 0.3 ? tick_w : CW * 0.3; /* odd formatters: keep a plot */
    end_w = end_w < CW * 0.3 ? end_w : CW * 0.3;
    double left = tick_w + 12, right = CW - end_w - 12;
    /* the years sit a little inside the axis, clear of the tick labels */
    double inset_l = n_years > 1 ? 18 : 0, inset_r = n_years > 1 ? 6 : 0;
    double plot_w = right - left - inset_l - inset_r;
    bool by_value = n_years > 1;
    for (size_t j = 1; j < n_years; j++)
        if (years[j] <= years[j - 1])
            by_value = false;
#define X_OF(j)                                                                                    \
    (n_years == 1 ? left + plot_w / 2                                                              \
     : by_value                                                                                    \
         ? left + inset_l +                                                                        \
               ((double)years[(j)] - years[0]) / ((double)years[n_years - 1] - years[0]) * plot_w  \
         : left + inset_l + (double)(j) / (double)(n_years - 1) * plot_w)
#define Y_OF(v)                                                                                    \
    (plot_bottom - ((double)clamp_value(v) - (double)ax.lo) / (double)(ax.hi - ax.lo) * PLOT_H)

    figure_begin(out, id, o, "line", h, buf_str(&desc));
    legend(out, id, 'l', names, n_series, CW);
    if (money_axis) {
        buf_puts(out, "<text class=\"unit\" x=\"0\"");
        attr(out, "y", plot_top - 14);
        buf_puts(out, ">EUR</text>\n");
    }
    /* grid and value ticks */
    for (int64_t v = ax.lo; v <= ax.hi; v += ax.step) {
        double y = Y_OF(v);
        buf_puts(out, v == 0 ? "<line class=\"axis\"" : "<line class=\"grid\"");
        attr(out, "x1", left);
        attr(out, "x2", right);
        attr(out, "y1", y);
        attr(out, "y2", y);
        buf_puts(out, "/><text class=\"tick\"");
        attr(out, "x", left - 8);
        attr(out, "y", y + 4.5);
        buf_puts(out, " text-anchor=\"end\">");
        buf_reset(&t);
        fmt_tick(&t, lang, o, v);
        html_text(out, buf_str(&t));
        buf_puts(out, "</text>\n");
    }
    /* years: a tick each, a label where there is room */
    size_t fit = (size_t)(plot_w / 46) + 1, every = (n_years + fit - 1) / (fit ? fit : 1);
    if (every == 0)
        every = 1;
    for (size_t j = 0; j < n_years; j++) {
        double x = X_OF(j);
        buf_puts(out, "<line class=\"xtick\"");
        attr(out, "x1", x);
        attr(out, "x2", x);
        attr(out, "y1", plot_bottom);
        attr(out, "y2", plot_bottom + 4);
        buf_puts(out, "/>");
        if (j % every == 0) {
            buf_puts(out, "<text class=\"tick\"");
            attr(out, "x", x);
            attr(out, "y", plot_bottom + 19);
            buf_printf(out, " text-anchor=\"middle\">%d</text>", years[j]);
        }
        buf_putc(out, '\n');
    }
    /* the lines, broken at gaps */
    for (size_t s = 0; s < n_series; s++) {
        const int64_t *v = series[s].values;
        if (!v)
            continue;
        bool pen = false, drawn = false;
        for (size_t j = 0; j < n_years; j++) {
            if (v[j] == CHART_NONE) {
                pen = false;
                continue;
            }
            bool next = j + 1 < n_years && v[j + 1] != CHART_NONE;
            if (!pen && !next)
                continue; /* a lone point: only its marker */
            if (!drawn)
                buf_printf(out, "<path class=\"line k%u d%u\" fill=\"none\" d=\"",
                           (unsigned)(s % N_COLOUR), (unsigned)(s % 4));
            buf_puts(out, pen ? "L" : "M");
            put_pt(out, X_OF(j), Y_OF(v[j]));
            pen = drawn = true;
        }
        if (drawn)
            buf_puts(out, "\"/>\n");
    }
    /* markers with exact values, when there are not too many */
    bool markers = n_years <= 40;
    size_t n_ends = 0;
    for (size_t s = 0; s < n_series; s++) {
        const int64_t *v = series[s].values;
        for (size_t j = 0; v && j < n_years; j++) {
            if (v[j] == CHART_NONE)
                continue;
            if (markers) {
                buf_puts(out, "<g class=\"pt\"><title>");
                html_text(out, names[s]);
                buf_printf(out, ", %d: ", years[j]);
                buf_reset(&t);
                fmt_value(&t, lang, o, v[j], false);
                html_text(out, buf_str(&t));
                buf_puts(out, "</title>");
                marker(out, s, X_OF(j), Y_OF(v[j]));
                buf_puts(out, "</g>\n");
            }
        }
        for (size_t j = n_years; v && j-- > 0;)
            if (v[j] != CHART_NONE) {
                ends[n_ends++] = (end_label){Y_OF(v[j]) + 4.5, s, j};
                break;
            }
    }
    /* the last value of each line, pushed apart where they would touch */
    qsort(ends, n_ends, sizeof *ends, end_label_cmp);
    for (size_t k = 1; k < n_ends; k++)
        if (ends[k].y < ends[k - 1].y + 14)
            ends[k].y = ends[k - 1].y + 14;
    for (size_t k = n_ends; k-- > 0;) {
        double limit = k + 1 < n_ends ? ends[k + 1].y - 14 : plot_bottom + 4.5;
        if (ends[k].y > limit)
            ends[k].y = limit;
    }
    for (size_t k = 0; k < n_ends; k++) {
        buf_puts(out, "<text class=\"end\"");
        attr(out, "x", X_OF(ends[k].j) + 8);
        attr(out, "y", ends[k].y);
        buf_putc(out, '>');
        buf_reset(&t);
        fmt_value(&t, lang, o, series[ends[k].s].values[ends[k].j], true);
        html_text(out, buf_str(&t));
        buf_puts(out, "</text>\n");
    }
#undef X_OF
#undef Y_OF
    figure_end(out, lang, o, false);
    rc = 0;

cleanup:
    if (buf_failed(&desc) || buf_failed(&t) || buf_failed(&a) || buf_failed(&b) || buf_failed(&c))
        rc = -1;
    if (rc != 0)
        out->failed = true;
    mem_free(ends);
    mem_free(names);
    buf_free(&desc);
    buf_free(&t);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
    return buf_failed(out) ? -1 : rc;
}

/* ---- 100% stacked share bars ---------------------------------------------------- */

/* The hatch patterns p1..p5 of chart id for parts 1..5 (part 0 is solid),
 * each over its palette colour, so shares differ in print without colour. */
static void share_patterns(buf *out, const char *id, size_t n_parts)
{
    static const char *const body[N_SHARE] = {
        NULL,
        /* diagonal */
        " width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect class=\"f1\" "
        "width=\"6\" height=\"6\"/><line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/>",
        /* dots */
        " width=\"5\" height=\"5\"><rect class=\"f2\" width=\"5\" height=\"5\"/>"
        "<circle class=\"hatch-dot\" cx=\"2.5\" cy=\"2.5\" r=\"1.1\"/>",
        /* cross-hatch */
        " width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect class=\"f3\" "
        "width=\"6\" height=\"6\"/><line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/>"
        "<line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"6\" y2=\"0\"/>",
        /* horizontal */
        " width=\"5\" height=\"5\"><rect class=\"f4\" width=\"5\" height=\"5\"/>"
        "<line class=\"hatch\" x1=\"0\" y1=\"2.5\" x2=\"5\" y2=\"2.5\"/>",
        /* reverse diagonal */
        " width=\"6\" height=\"6\" patternTransform=\"rotate(-45)\"><rect class=\"f5\" "
        "width=\"6\" height=\"6\"/><line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/>",
        /* vertical, on the seventh colour: a seventh part (the board's
         * topics) no longer repeats the first part's solid blue */
        " width=\"5\" height=\"5\"><rect class=\"f6\" width=\"5\" height=\"5\"/>"
        "<line class=\"hatch\" x1=\"2.5\" y1=\"0\" x2=\"2.5\" y2=\"5\"/>",
    };
    size_t used = n_parts < N_SHARE ? n_parts : N_SHARE;
    if (used < 2)
        return;
    buf_puts(out, "<defs>");
    for (size_t p = 1; p < used; p++) {
        buf_printf(out, "<pattern id=\"%s-p%u\" patternUnits=\"userSpaceOnUse\"%s</pattern>", id,
                   (unsigned)p, body[p]);
    }
    buf_puts(out, "</defs>\n");
}

/* Share of part in total, in basis points, rounded half up. */
static int64_t share_bp(uint64_t part, uint64_t total)
{
    return (int64_t)(((unsigned __int128)part * 20000 + total) / ((unsigned __int128)total * 2));
}

int chart_stacked_share(buf *out, lang_id lang, const chart_opts *o, const char *const *labels,
                        size_t n_rows, const char *const *parts, size_t n_parts,
                        const int64_t *values)
{
    const double CW = canvas_width(o);
    assert(out && o);
    char id[64];
    make_id(id, sizeof id, o);
    if (n_rows == 0 || n_parts == 0 || !labels || !parts || !values)
        return chart_empty(out, lang, id, o, "share");

    int rc = -1;
    uint64_t *totals = mem_malloc(n_rows * sizeof *totals);
    buf desc = BUF_INIT, t = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
    if (!totals)
        goto cleanup;
    size_t valid = 0, ihi = n_rows, ilo = n_rows;
    int64_t bhi = 0, blo = 0;
    for (size_t r = 0; r < n_rows; r++) {
        uint64_t sum = 0;
        for (size_t p = 0; p < n_parts; p++) {
            int64_t v = values[r * n_parts + p];
            if (v > 0) /* saturating: shares of absurd sums stay sane */
                sum = sum + (uint64_t)v < sum ? UINT64_MAX : sum + (uint64_t)v;
        }
        totals[r] = sum;
        if (sum == 0)
            continue;
        int64_t v0 = values[r * n_parts];
        int64_t bp = share_bp(v0 > 0 ? (uint64_t)v0 : 0, sum);
        if (valid == 0 || bp > bhi)
            bhi = bp, ihi = r;
        if (valid == 0 || bp < blo)
            blo = bp, ilo = r;
        valid++;
    }
    if (valid == 0) {
        mem_free(totals);
        return chart_empty(out, lang, id, o, "share");
    }

    /* the text equivalent: where the first part's share is highest and lowest */
    const char *p0 = parts[0] ? parts[0] : "";
    bp_fmt(&a, lang, bhi, false);
    if (valid == 1) {
        buf_printf(&desc, T(lang, MSG_CHART_DESC_SHARE_ONE), p0, buf_str(&a),
                   labels[ihi] ? labels[ihi] : "");
    } else {
        bp_fmt(&b, lang, blo, false);
        buf_printf(&desc, T(lang, MSG_CHART_DESC_SHARE), p0, labels[ihi] ? labels[ihi] : "",
                   buf_str(&a), labels[ilo] ? labels[ilo] : "", buf_str(&b));
    }

    size_t max = o->max_bars ? o->max_bars : CHART_DEFAULT_MAX_BARS;
    size_t shown = n_rows < max ? n_rows : max;
    double label_need = 0;
    for (size_t r = 0; r < shown; r++) {
        double w = str_width(labels[r]);
        label_need = w > label_need ? w : label_need;
    }
    double label_w = label_need < CW * 0.34 ? label_need : CW * 0.34;
    double legend_h = legend(NULL, id, 'b', parts, n_parts, CW);
    double top = legend_h + 10;
    double bar_left = label_w + 10, bar_right = CW - 24, bw = bar_right - bar_left;
    double rows_bottom = top + (double)shown * ROW_H;
    double h = rows_bottom + 22 + (n_rows > shown ? 26 : 0);

    figure_begin(out, id, o, "share", h, buf_str(&desc));
    share_patterns(out, id, n_parts);
    legend(out, id, 'b', parts, n_parts, CW);
    /* quarter grid with percent ticks under the rows */
    for (int q = 0; q <= 4; q++) {
        double x = bar_left + bw * q / 4;
        buf_puts(out, q == 0 ? "<line class=\"axis\"" : "<line class=\"grid\"");
        attr(out, "x1", x);
        attr(out, "x2", x);
        attr(out, "y1", top);
        attr(out, "y2", rows_bottom + 3);
        buf_puts(out, "/><text class=\"tick\"");
        attr(out, "x", x);
        attr(out, "y", rows_bottom + 17);
        buf_puts(out, " text-anchor=\"middle\">");
        buf_reset(&t);
        bp_fmt(&t, lang, q * 2500, true);
        html_text(out, buf_str(&t));
        buf_puts(out, "</text>\n");
    }
    for (size_t r = 0; r < shown; r++) {
        double y = top + (double)r * ROW_H, by = y + (ROW_H - SHARE_H) / 2;
        double base = y + ROW_H / 2 + 4.5;
        buf_puts(out, "<g class=\"share-row\"><text class=\"label\"");
        attr(out, "x", label_w);
        attr(out, "y", base);
        buf_puts(out, " text-anchor=\"end\"><title>");
        html_text(out, labels[r]);
        buf_puts(out, "</title>");
        put_fit(out, labels[r], label_w);
        buf_puts(out, "</text>");
        if (totals[r] == 0) {
            buf_puts(out, "<rect class=\"frame\"");
            attr(out, "x", bar_left);
            attr(out, "y", by);
            attr(out, "width", bw);
            attr(out, "height", SHARE_H);
            buf_puts(out, "/><text class=\"note\"");
            attr(out, "x", bar_left + 6);
            attr(out, "y", base);
            buf_putc(out, '>');
            html_text(out, T(lang, MSG_CHART_ROW_NO_DATA));
            buf_puts(out, "</text></g>\n");
            continue;
        }
        double x = bar_left;
        for (size_t p = 0; p < n_parts; p++) {
            int64_t v = values[r * n_parts + p];
            uint64_t pv = v > 0 ? (uint64_t)v : 0;
            int64_t bp = share_bp(pv, totals[r]);
            double w = (double)pv / (double)totals[r] * bw;
            buf_puts(out, "<g class=\"seg\"><title>");
            html_text(out, labels[r]);
            buf_puts(out, " \xE2\x80\x94 ");
            html_text(out, parts[p]);
            buf_puts(out, ": ");
            buf_reset(&t);
            bp_fmt(&t, lang, bp, false);
            buf_puts(&t, " (");
            fmt_value(&t, lang, o, v, false);
            buf_putc(&t, ')');
            html_text(out, buf_str(&t));
            buf_puts(out, "</title>");
            if (w >= 0.05) {
                if (p % N_SHARE == 0)
                    buf_puts(out, "<rect class=\"part f0\"");
                else
                    buf_printf(out, "<rect class=\"part\" fill=\"url(#%s-p%u)\"", id,
                               (unsigned)(p % N_SHARE));
                attr(out, "x", x);
                attr(out, "y", by);
                attr(out, "width", w);
                attr(out, "height", SHARE_H);
                buf_puts(out, "/>");
            }
            buf_reset(&t);
            bp_fmt(&t, lang, (bp + 50) / 100 * 100, true); /* whole percent inside */
            if (w >= text_width(buf_str(&t), t.len) * BOLD + 8) {
                buf_puts(out, p % N_SHARE == 0 ? "<text class=\"in in0\"" : "<text class=\"in\"");
                attr(out, "x", x + w / 2);
                attr(out, "y", base);
                buf_puts(out, " text-anchor=\"middle\">");
                html_text(out, buf_str(&t));
                buf_puts(out, "</text>");
            }
            buf_puts(out, "</g>");
            x += w;
        }
        buf_puts(out, "</g>\n");
    }
    if (n_rows > shown)
        more_note(out, lang, n_rows - shown, rows_bottom + 40);
    figure_end(out, lang, o, n_rows > shown);
    rc = 0;

cleanup:
    if (buf_failed(&desc) || buf_failed(&t) || buf_failed(&a) || buf_failed(&b))
        rc = -1;
    if (rc != 0)
        out->failed = true;
    mem_free(totals);
    buf_free(&desc);
    buf_free(&t);
    buf_free(&a);
    buf_free(&b);
    return buf_failed(out) ? -1 : rc;
}
