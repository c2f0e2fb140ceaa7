/* chart_map.c: the districts of Serbia as a tile cartogram (issue 17's
 * map): one square per district and one for the City of Belgrade, placed
 * in a grid as their seats lie (north up), coloured by class of a
 * measure, each with its short name and value, linking where the page
 * says. A tile map rather than outlines: every district gets the same
 * room whatever its size, and we ship no geometry whose licence we would
 * have to carry. The placement was made by hand from the seats'
 * coordinates (Subotica 46.1 N 19.7 E ... Vranje 42.6 N 21.9 E).
 *
 * Colours: ColorBrewer's five-class YlGnBu, a sequential scheme safe for
 * the common colour-vision deficiencies whose lightness falls steadily,
 * so it also prints in black and white; districts without data are
 * white with a hatch. The legend gives each class's range. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "html/chart.h"
#include "html/chart_internal.h"
#include "html/html.h"

typedef struct tile {
    const char *code;
    int col, row;
    const char *en, *sr; /* short names; Latin is derived from sr */
} tile;

static const tile tiles[] = {
    {"SEVERNOBACKI", 1, 0, "N. Bačka", "С. Бачка"},
    {"SEVERNOBANATSKI", 2, 0, "N. Banat", "С. Банат"},
    {"ZAPADNOBACKI", 0, 1, "W. Bačka", "З. Бачка"},
    {"JUZNOBACKI", 1, 1, "S. Bačka", "Ј. Бачка"},
    {"SREDNJEBANATSKI", 2, 1, "C. Banat", "Ср. Банат"},
    {"SREMSKI", 1, 2, "Srem", "Срем"},
    {"BEOGRAD", 2, 2, "Belgrade", "Београд"},
    {"JUZNOBANATSKI", 3, 2, "S. Banat", "Ј. Банат"},
    {"MACVANSKI", 0, 3, "Mačva", "Мачва"},
    {"KOLUBARSKI", 1, 3, "Kolubara", "Колубара"},
    {"SUMADIJSKI", 2, 3, "Šumadija", "Шумадија"},
    {"PODUNAVSKI", 3, 3, "Podunavlje", "Подунавље"},
    {"BRANICEVSKI", 4, 3, "Braničevo", "Браничево"},
    {"ZLATIBORSKI", 0, 4, "Zlatibor", "Златибор"},
    {"MORAVICKI", 1, 4, "Moravica", "Моравица"},
    {"RASKI", 2, 4, "Raška", "Рашка"},
    {"POMORAVSKI", 3, 4, "Pomoravlje", "Поморавље"},
    {"BORSKI", 4, 4, "Bor", "Бор"},
    {"ZAJECARSKI", 5, 4, "Zaječar", "Зајечар"},
    {"PECKI", 1, 5, "Peć", "Пећ"},
    {"KOSOVSKOMITROVACKI", 2, 5, "Mitrovica", "Митровица"},
    {"RASINSKI", 3, 5, "Rasina", "Расина"},
    {"NISAVSKI", 4, 5, "Nišava", "Нишава"},
    {"PIROTSKI", 5, 5, "Pirot", "Пирот"},
    {"PRIZRENSKI", 1, 6, "Prizren", "Призрен"},
    {"KOSOVSKI", 2, 6, "Kosovo", "Косово"},
    {"TOPLICKI", 3, 6, "Toplica", "Топлица"},
    {"JABLANICKI", 4, 6, "Jablanica", "Јабланица"},
    {"KOSOVSKOPOMORAVSKI", 3, 7, "K. Pomor.", "К. Помор."},
    {"PCINJSKI", 4, 7, "Pčinja", "Пчиња"},
};
#define N_TILES (sizeof tiles / sizeof *tiles)

#define TILE_W   78.0 /* a tile */
#define TILE_H   58.0
#define GAP      4.0
#define ROWS     8
#define LEG_X    500.0 /* the legend's left edge */
#define LEG_RH   24.0  /* one legend row */
#define LEG_LINE 15.0  /* a legend row's second line */
/* Font sizes of the tiles' names and values (scan.css .chart-map .tl,
 * .tv): the fit estimates widths at the chart's 13 px. */
#define NAME_PX  11.0
#define VALUE_PX 13.0

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

size_t chart_map_breaks(const int64_t *values, size_t n, size_t k, int64_t *breaks)
{
    assert(k >= 1 && k <= CHART_MAP_CLASSES);
    int64_t v[CHART_MAP_MAX];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof v / sizeof *v; i++)
        if (values[i] != CHART_NONE)
            v[m++] = values[i];
    if (m == 0)
        return 0;
    qsort(v, m, sizeof *v, cmp_i64);
    size_t nb = 0;
    for (size_t c = 1; c <= k; c++) {
        int64_t q = v[(c * m + k - 1) / k - 1]; /* the value at the c-th k-quantile */
        if (nb == 0 || q > breaks[nb - 1])
            breaks[nb++] = q;
    }
    return nb;
}

/* The class of v among nb limits. */
static size_t class_of(const int64_t *breaks, size_t nb, int64_t v)
{
    size_t c = 0;
    while (c + 1 < nb && v > breaks[c])
        c++;
    return c;
}

static const chart_area *area_of(const chart_area *areas, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (areas[i].code && strcmp(areas[i].code, code) == 0)
            return &areas[i];
    return NULL;
}

/* The tile's short name in lang (Latin derived from the Cyrillic). */
static void short_name(buf *out, lang_id lang, const tile *t)
{
    if (lang == LANG_EN)
        buf_puts(out, t->en);
    else if (lang == LANG_SR_LATN)
        utf8_cyr_to_lat(out, t->sr, strlen(t->sr));
    else
        buf_puts(out, t->sr);
}

/* The text equivalent: highest and lowest district and how many lack
 * data. */
static void describe(buf *out, lang_id lang, const chart_opts *o, const chart_area *areas, size_t n)
{
    const chart_area *hi = NULL, *lo = NULL;
    size_t items = 0;
    for (size_t t = 0; t < N_TILES; t++) {
        const chart_area *a = area_of(areas, n, tiles[t].code);
        if (!a || a->value == CHART_NONE)
            continue;
        items++;
        if (!hi || a->value > hi->value)
            hi = a;
        if (!lo || a->value < lo->value)
            lo = a;
    }
    buf h = BUF_INIT, l = BUF_INIT, c = BUF_INIT;
    chart_fmt_value(&h, lang, o, hi->value, false);
    chart_fmt_value(&l, lang, o, lo->value, false);
    i18n_fmt_int(&c, lang, (int64_t)items);
    buf_printf(out, T(lang, MSG_CHART_DESC_BAR), hi->name ? hi->name : hi->code, buf_str(&h),
               lo->name ? lo->name : lo->code, buf_str(&l), buf_str(&c));
    if (h.failed || l.failed || c.failed)
        out->failed = true;
    buf_free(&h);
    buf_free(&l);
    buf_free(&c);
}

/* One legend row at y: the swatch of class cls (-1: no data) and text,
 * with a second line text2 below it when not NULL. */
static void legend_row2(buf *out, const char *id, double y, int cls, const char *text,
                        const char *text2);
static void legend_row(buf *out, const char *id, double y, int cls, const char *text)
{
    legend_row2(out, id, y, cls, text, NULL);
}

static void legend_row2(buf *out, const char *id, double y, int cls, const char *text,
                        const char *text2)
{
    buf_puts(out, "<rect");
    chart_attr(out, "x", LEG_X);
    chart_attr(out, "y", y);
    if (cls < 0)
        html_fmt(out, " width=\"20\" height=\"16\" class=\"swatch mnd\" fill=\"url(#%s-nd)\"/>",
                 id);
    else
        buf_printf(out, " width=\"20\" height=\"16\" class=\"swatch m%d\"/>", cls);
    buf_puts(out, "<text class=\"legend\"");
    chart_attr(out, "x", LEG_X + 28);
    chart_attr(out, "y", y + 12.5);
    buf_putc(out, '>');
    chart_put_fit(out, text, CHART_CANVAS_W - LEG_X - 30);
    buf_puts(out, "</text>\n");
    if (text2) {
        buf_puts(out, "<text class=\"legend\"");
        chart_attr(out, "x", LEG_X + 28);
        chart_attr(out, "y", y + 12.5 + LEG_LINE);
        buf_putc(out, '>');
        chart_put_fit(out, text2, CHART_CANVAS_W - LEG_X - 30);
        buf_puts(out, "</text>\n");
    }
}

/* The range of a class holding the values above prev up to hi: "11 – 20"
 * when prev + 1 reads apart from prev, else (compact money or
 * percentages, where 10,000.01 and 10,000 both read "10K") two lines,
 * "over 10K" and "to 20K" (second, arena-free: written into line2), so
 * that no two classes seem to share a number. */
static void legend_range(buf *out, buf *line2, lang_id lang, const chart_opts *o, int64_t prev,
                         int64_t hi)
{
    buf a = BUF_INIT, b = BUF_INIT, h = BUF_INIT;
    chart_fmt_tick(&a, lang, o, prev);
    chart_fmt_tick(&b, lang, o, prev + 1);
    chart_fmt_tick(&h, lang, o, hi);
    if (strcmp(buf_str(&a), buf_str(&b)) != 0) {
        buf_printf(out, "%s \xE2\x80\x93 %s", buf_str(&b), buf_str(&h));
    } else {
        buf_printf(out, T(lang, MSG_CHART_MAP_OVER), buf_str(&a));
        buf_printf(line2, T(lang, MSG_CHART_MAP_TO), buf_str(&h));
    }
    if (a.failed || b.failed || h.failed)
        out->failed = true;
    buf_free(&a);
    buf_free(&b);
    buf_free(&h);
}

int chart_districts(buf *out, lang_id lang, const chart_opts *o, const chart_area *areas, size_t n)
{
    assert(out && o && (areas || n == 0));
    char id[64];
    chart_make_id(id, sizeof id, o);
    int64_t values[N_TILES];
    size_t nv = 0;
    for (size_t t = 0; t < N_TILES; t++) {
        const chart_area *a = area_of(areas, n, tiles[t].code);
        values[t] = a ? a->value : CHART_NONE;
        nv += values[t] != CHART_NONE;
    }
    if (nv == 0)
        return chart_draw_empty(out, lang, id, o, "map");
    int64_t breaks[CHART_MAP_CLASSES];
    size_t nb = chart_map_breaks(values, N_TILES, CHART_MAP_CLASSES, breaks);

    buf desc = BUF_INIT;
    describe(&desc, lang, o, areas, n);
    bool links = false;
    for (size_t i = 0; i < n; i++)
        links |= areas[i].href != NULL;
    if (links)
        chart_figure_begin_links(out, id, o, "map", ROWS * (TILE_H + GAP), buf_str(&desc));
    else
        chart_figure_begin(out, id, o, "map", ROWS * (TILE_H + GAP), buf_str(&desc));
    buf_free(&desc);
    /* the hatch of "no data" */
    html_fmt(out,
             "<defs><pattern id=\"%s-nd\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
             "patternTransform=\"rotate(45)\"><line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" "
             "y2=\"6\"/></pattern></defs>\n",
             id);

    buf name = BUF_INIT, val = BUF_INIT, tip = BUF_INIT;
    for (size_t t = 0; t < N_TILES; t++) {
        const tile *tl = &tiles[t];
        const chart_area *a = area_of(areas, n, tl->code);
        double x = tl->col * (TILE_W + GAP), y = tl->row * (TILE_H + GAP);
        bool has = values[t] != CHART_NONE;
        size_t cls = has ? class_of(breaks, nb, values[t]) : 0;
        /* with fewer classes than colours, spread them over the scale */
        size_t shade = nb > 1 ? cls * (CHART_MAP_CLASSES - 1) / (nb - 1) : CHART_MAP_CLASSES - 1;
        buf_reset(&name);
        buf_reset(&val);
        buf_reset(&tip);
        short_name(&name, lang, tl);
        if (has)
            chart_fmt_tick(&val, lang, o, values[t]);
        buf_puts(&tip, a && a->name ? a->name : buf_str(&name));
        buf_puts(&tip, ": ");
        if (has)
            chart_fmt_value(&tip, lang, o, values[t], false);
        else
            buf_puts(&tip, T(lang, MSG_CHART_ROW_NO_DATA));
        if (a && a->href)
            html_fmt(out, "<a href=\"%u\">", a->href); /* named by its visible text */
        html_fmt(out, "<g class=\"tile%s\"><title>%s</title><rect", shade >= 3 ? " dark" : "",
                 buf_str(&tip));
        chart_attr(out, "x", x);
        chart_attr(out, "y", y);
        chart_attr(out, "width", TILE_W);
        chart_attr(out, "height", TILE_H);
        if (has)
            buf_printf(out, " rx=\"4\" class=\"m%zu\"/>", shade);
        else
            html_fmt(out, " rx=\"4\" class=\"mnd\" fill=\"url(#%s-nd)\"/>", id);
        buf_puts(out, "<text class=\"tl\" text-anchor=\"middle\"");
        chart_attr(out, "x", x + TILE_W / 2);
        chart_attr(out, "y", y + 23);
        buf_putc(out, '>');
        chart_put_fit(out, buf_str(&name), (TILE_W - 6) * 13 / NAME_PX);
        buf_puts(out, "</text><text class=\"tv\" text-anchor=\"middle\"");
        chart_attr(out, "x", x + TILE_W / 2);
        chart_attr(out, "y", y + 44);
        buf_putc(out, '>');
        chart_put_fit(out, has ? buf_str(&val) : "\xE2\x80\x93",
                      (TILE_W - 6) * 13 / VALUE_PX / 1.1);
        buf_puts(out, "</text></g>");
        if (a && a->href)
            buf_puts(out, "</a>");
        buf_putc(out, '\n');
    }

    /* the legend: each class's range (a class holds the values above the
     * limit of the one before, up to its own), then "no data" when a tile has none */
    double y = 0;
    buf val2 = BUF_INIT;
    for (size_t c = 0; c < nb; c++) {
        buf_reset(&val);
        buf_reset(&val2);
        if (c == 0) {
            buf_puts(&val, "\xE2\x89\xA4 "); /* ≤ */
            chart_fmt_tick(&val, lang, o, breaks[0]);
        } else if (breaks[c - 1] + 1 == breaks[c]) { /* one value: "2", not "2 – 2" */
            chart_fmt_tick(&val, lang, o, breaks[c]);
        } else {
            legend_range(&val, &val2, lang, o, breaks[c - 1], breaks[c]);
        }
        size_t shade = nb > 1 ? c * (CHART_MAP_CLASSES - 1) / (nb - 1) : CHART_MAP_CLASSES - 1;
        legend_row2(out, id, y, (int)shade, buf_str(&val), val2.len ? buf_str(&val2) : NULL);
        y += val2.len ? LEG_RH + LEG_LINE : LEG_RH;
    }
    if (val2.failed)
        out->failed = true;
    buf_free(&val2);
    if (nv < N_TILES)
        legend_row(out, id, y, -1, T(lang, MSG_CHART_ROW_NO_DATA));
    if (name.failed || val.failed || tip.failed)
        out->failed = true;
    buf_free(&name);
    buf_free(&val);
    buf_free(&tip);
    chart_figure_end(out, lang, o, false);
    return buf_failed(out) ? -1 : 0;
}
