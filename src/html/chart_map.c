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
#include <stdbool.h>
#include <stdio.h>
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
    /* the phone layout's where the short name is too wide for its larger
     * text: two lines split at '|' (NULL: the short name, one line) */
    const char *en_p, *sr_p;
} tile;

static const tile tiles[] = {
    {"SEVERNOBACKI", 1, 0, "N. Bačka", "С. Бачка", "N.|Bačka", "С.|Бачка"},
    {"SEVERNOBANATSKI", 2, 0, "N. Banat", "С. Банат", "N.|Banat", "С.|Банат"},
    {"ZAPADNOBACKI", 0, 1, "W. Bačka", "З. Бачка", "W.|Bačka", "З.|Бачка"},
    {"JUZNOBACKI", 1, 1, "S. Bačka", "Ј. Бачка", "S.|Bačka", "Ј.|Бачка"},
    {"SREDNJEBANATSKI", 2, 1, "C. Banat", "Ср. Банат", "C.|Banat", "Ср.|Банат"},
    {"SREMSKI", 1, 2, "Srem", "Срем", NULL, NULL},
    {"BEOGRAD", 2, 2, "Belgrade", "Београд", "Bel-|grade", "Бео-|град"},
    {"JUZNOBANATSKI", 3, 2, "S. Banat", "Ј. Банат", "S.|Banat", "Ј.|Банат"},
    {"MACVANSKI", 0, 3, "Mačva", "Мачва", NULL, NULL},
    {"KOLUBARSKI", 1, 3, "Kolubara", "Колубара", "Kolu-|bara", "Колу-|бара"},
    {"SUMADIJSKI", 2, 3, "Šumadija", "Шумадија", "Šuma-|dija", "Шума-|дија"},
    {"PODUNAVSKI", 3, 3, "Podunavlje", "Подунавље", "Podu-|navlje", "Поду-|навље"},
    {"BRANICEVSKI", 4, 3, "Braničevo", "Браничево", "Brani-|čevo", "Брани-|чево"},
    {"ZLATIBORSKI", 0, 4, "Zlatibor", "Златибор", "Zlati-|bor", "Злати-|бор"},
    {"MORAVICKI", 1, 4, "Moravica", "Моравица", "Mora-|vica", "Мора-|вица"},
    {"RASKI", 2, 4, "Raška", "Рашка", NULL, NULL},
    {"POMORAVSKI", 3, 4, "Pomoravlje", "Поморавље", "Pomo-|ravlje", "Помо-|равље"},
    {"BORSKI", 4, 4, "Bor", "Бор", NULL, NULL},
    {"ZAJECARSKI", 5, 4, "Zaječar", "Зајечар", NULL, "Заје-|чар"},
    {"PECKI", 1, 5, "Peć", "Пећ", NULL, NULL},
    {"KOSOVSKOMITROVACKI", 2, 5, "Mitrovica", "Митровица", "Mitro-|vica", "Митро-|вица"},
    {"RASINSKI", 3, 5, "Rasina", "Расина", NULL, NULL},
    {"NISAVSKI", 4, 5, "Nišava", "Нишава", NULL, NULL},
    {"PIROTSKI", 5, 5, "Pirot", "Пирот", NULL, NULL},
    {"PRIZRENSKI", 1, 6, "Prizren", "Призрен", NULL, "При-|зрен"},
    {"KOSOVSKI", 2, 6, "Kosovo", "Косово", NULL, NULL},
    {"TOPLICKI", 3, 6, "Toplica", "Топлица", NULL, "Топли-|ца"},
    {"JABLANICKI", 4, 6, "Jablanica", "Јабланица", "Jabla-|nica", "Јабла-|ница"},
    {"KOSOVSKOPOMORAVSKI", 3, 7, "K. Pomor.", "К. Помор.", "K.|Pomor.", "К.|Помор."},
    {"PCINJSKI", 4, 7, "Pčinja", "Пчиња", NULL, NULL},
};
#define N_TILES (sizeof tiles / sizeof *tiles)

/* Two layouts. The full one: tiles on the left with the district's short
 * name and its value, the legend from leg_x on the right, on the 640-unit
 * canvas. The phone one (chart_opts.width CHART_MAP_PHONE_W): the same
 * grid on a canvas only as wide as the tiles, the names alone in larger
 * text (in two lines where needed; the values are in the table beside the
 * map and in each tile's tooltip) and the legend in two columns below, so
 * that on a 390 px screen (about 330 px of map, scale 0.69) every text
 * renders at 11.7 px. */
typedef struct layout {
    double tile_w, tile_h, gap;
    double name_px, value_px, legend_px; /* scan.css .tl, .tv, .legend */
    double leg_x, leg_rh, leg_line;      /* legend: left edge, row, second line */
    double canvas_w;
    bool phone; /* names only, two lines at '|' */
} layout;

static const layout full_layout = {78, 58, 4, 11, 13, 13, 500, 24, 15, CHART_CANVAS_W, false};
static const layout phone_layout = {78, 50, 2, 17, 17, 17, 0, 28, 19, CHART_MAP_PHONE_W, true};
#define ROWS 8

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

/* The tile's short name in lang (Latin derived from the Cyrillic), the
 * phone layout's where it has a shorter one. */
static void short_name(buf *out, lang_id lang, const tile *t, bool phone)
{
    const char *en = phone && t->en_p ? t->en_p : t->en;
    const char *sr = phone && t->sr_p ? t->sr_p : t->sr;
    if (lang == LANG_EN)
        buf_puts(out, en);
    else if (lang == LANG_SR_LATN)
        utf8_cyr_to_lat(out, sr, strlen(sr));
    else
        buf_puts(out, sr);
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

/* One legend entry with its top-left corner at (x, y), w wide: the
 * swatch of class cls (-1: no data) and text, with a second line text2
 * below it when not NULL. */
static void legend_entry(buf *out, const layout *lo, const char *id, double x, double y, double w,
                         int cls, const char *text, const char *text2)
{
    double sw = lo->legend_px * 20 / 13, sh = lo->legend_px * 16 / 13; /* the swatch */
    double base = y + lo->legend_px * 12.5 / 13, fit = (w - sw - 10) * 13 / lo->legend_px;
    buf_puts(out, "<rect");
    chart_attr(out, "x", x);
    chart_attr(out, "y", y);
    chart_attr(out, "width", sw);
    chart_attr(out, "height", sh);
    if (cls < 0)
        html_fmt(out, " class=\"swatch mnd\" fill=\"url(#%s-nd)\"/>", id);
    else
        buf_printf(out, " class=\"swatch m%d\"/>", cls);
    for (int line = 0; line < 2; line++) {
        const char *t = line ? text2 : text;
        if (!t)
            break;
        buf_puts(out, "<text class=\"legend\"");
        chart_attr(out, "x", x + sw + 8);
        chart_attr(out, "y", base + line * lo->leg_line);
        buf_putc(out, '>');
        chart_put_fit(out, t, fit);
        buf_puts(out, "</text>\n");
    }
}

/* A limit in the legend: the tick form, or whole units of its scale
 * ("988 мил.") when whole, for a legend whose ranges are too long. */
static void legend_tick(buf *out, lang_id lang, const chart_opts *o, int64_t v, bool whole)
{
    if (whole)
        chart_fmt_short(out, lang, o, v, true);
    else
        chart_fmt_tick(out, lang, o, v);
}

/* The range of a class holding the values above prev up to hi: "11 – 20"
 * when prev + 1 reads apart from prev, else (compact money or
 * percentages, where 10,000.01 and 10,000 both read "10K") two lines,
 * "over 10K" and "to 20K" (second, arena-free: written into line2), so
 * that no two classes seem to share a number. */
static void legend_range(buf *out, buf *line2, lang_id lang, const chart_opts *o, int64_t prev,
                         int64_t hi, bool whole)
{
    buf a = BUF_INIT, b = BUF_INIT, h = BUF_INIT;
    legend_tick(&a, lang, o, prev, whole);
    legend_tick(&b, lang, o, prev + 1, whole);
    legend_tick(&h, lang, o, hi, whole);
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

/* The forms of a tile's value, shortest last: the tick form ("1,234,567",
 * "12.3B"), shorter units with a decimal ("1.2M", "12,3 млрд."), the same
 * at the smaller size of class "ts" (11 px), whole units ("12 млрд."),
 * whole units at 11 px. The exact value is in the tile's <title> and in
 * the table beside the map. */
enum { VAL_TICK, VAL_SHORT, VAL_SHORT_SMALL, VAL_WHOLE, VAL_WHOLE_SMALL, VAL__COUNT };

/* Writes v's form step into tmp; true when it fits room (canvas units at
 * the chart's 13 units, bold, as chart_text_width estimates). */
static bool value_form(buf *tmp, lang_id lang, const chart_opts *o, int64_t v, int step,
                       double room)
{
    buf_reset(tmp);
    if (step == VAL_TICK)
        chart_fmt_tick(tmp, lang, o, v);
    else
        chart_fmt_short(tmp, lang, o, v, step >= VAL_WHOLE);
    bool small = step == VAL_SHORT_SMALL || step == VAL_WHOLE_SMALL;
    return chart_text_width(buf_str(tmp)) * (small ? 11.0 / 13 : 1) <= room;
}

/* The tile's value centred at (x, y) in room, in the map's form step (one
 * form for every tile, so that they read alike), or should it not fit
 * there the next that does; cut with an ellipsis only when none does.
 * tmp is scratch. */
static void tile_value(buf *out, lang_id lang, const chart_opts *o, bool has, int64_t v, int step,
                       buf *tmp, double x, double y, double room)
{
    if (!has) {
        buf_reset(tmp);
        buf_puts(tmp, "\xE2\x80\x93"); /* –, at the map's size */
    } else {
        while (!value_form(tmp, lang, o, v, step, room) && step + 1 < VAL__COUNT)
            step++;
    }
    bool small = step == VAL_SHORT_SMALL || step == VAL_WHOLE_SMALL;
    html_fmt(out, "<text class=\"%s\" text-anchor=\"middle\"", small ? "tv ts" : "tv");
    chart_attr(out, "x", x);
    chart_attr(out, "y", y);
    buf_putc(out, '>');
    chart_put_fit(out, buf_str(tmp), small ? room * 13 / 11 : room);
}

/* A legend entry before it is drawn. */
typedef struct legend_item {
    buf text, text2; /* text2 empty: one line */
    int cls;
} legend_item;

int chart_districts(buf *out, lang_id lang, const chart_opts *o, const chart_area *areas, size_t n)
{
    assert(out && o && (areas || n == 0));
    const layout *lo = o->width > 0 && o->width < CHART_CANVAS_W ? &phone_layout : &full_layout;
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
    bool low_is_min = false; /* the first class holds one value: the smallest */
    for (size_t t = 0; t < N_TILES; t++)
        low_is_min |= nb > 0 && values[t] != CHART_NONE && values[t] == breaks[0];
    for (size_t t = 0; t < N_TILES; t++)
        low_is_min &= values[t] == CHART_NONE || nb == 0 || values[t] >= breaks[0];

    /* the legend: each class's range (a class holds the values above the
     * limit of the one before, up to its own), then "no data" when a tile
     * has none */
    legend_item leg[CHART_MAP_CLASSES + 1];
    size_t nl = 0;
    /* in the tick form, or (when a line would not fit its column: long
     * money in Serbian) every limit in whole units */
    double leg_fit = (lo->phone ? lo->canvas_w / 2 : lo->canvas_w - lo->leg_x) -
                     lo->legend_px * 20 / 13 - 10; /* legend_entry's room, at its size */
    for (int whole = 0; whole < 2; whole++) {
        bool fits = true;
        for (size_t c = 0; c < nb; c++) {
            legend_item *e = &leg[c];
            if (whole)
                buf_free(&e->text), buf_free(&e->text2);
            e->text = (buf)BUF_INIT;
            e->text2 = (buf)BUF_INIT;
            if (c == 0) {
                /* "≤ 0" read oddly for counts that are never below 0: when
                 * the smallest value is the limit, the class is that one
                 * value, and says so as the other one-value classes do */
                if (!low_is_min)
                    buf_puts(&e->text, "\xE2\x89\xA4 "); /* ≤ */
                legend_tick(&e->text, lang, o, breaks[0], whole);
            } else if (breaks[c - 1] + 1 == breaks[c]) { /* one value: "2", not "2 – 2" */
                legend_tick(&e->text, lang, o, breaks[c], whole);
            } else {
                legend_range(&e->text, &e->text2, lang, o, breaks[c - 1], breaks[c], whole);
            }
            e->cls = (int)(nb > 1 ? c * (CHART_MAP_CLASSES - 1) / (nb - 1) : CHART_MAP_CLASSES - 1);
            fits = fits && chart_text_width(buf_str(&e->text)) * lo->legend_px / 13 <= leg_fit &&
                   chart_text_width(buf_str(&e->text2)) * lo->legend_px / 13 <= leg_fit;
        }
        if (fits)
            break;
    }
    nl = nb;
    if (nv < N_TILES) {
        leg[nl] = (legend_item){BUF_INIT, BUF_INIT, -1};
        buf_puts(&leg[nl++].text, T(lang, MSG_CHART_ROW_NO_DATA));
    }
    /* where each entry goes: the full layout's one column right of the
     * tiles, the phone's two columns (left to right, then down) below */
    double grid_h = ROWS * (lo->tile_h + lo->gap), leg_x[CHART_MAP_CLASSES + 1],
           leg_y[CHART_MAP_CLASSES + 1],
           leg_w = lo->phone ? lo->canvas_w / 2 : lo->canvas_w - lo->leg_x;
    double y = lo->phone ? grid_h + 10 : 0;
    for (size_t i = 0; i < nl; i++) {
        bool right = lo->phone && i % 2 == 1;
        leg_x[i] = lo->leg_x + (right ? leg_w : 0);
        leg_y[i] = y;
        bool two = leg[i].text2.len > 0 || (right && leg[i - 1].text2.len > 0) ||
                   (lo->phone && !right && i + 1 < nl && leg[i + 1].text2.len > 0);
        if (!lo->phone || right || i + 1 == nl)
            y += two ? lo->leg_rh + lo->leg_line : lo->leg_rh;
    }
    double h = lo->phone ? y : grid_h;

    buf desc = BUF_INIT;
    describe(&desc, lang, o, areas, n);
    bool links = false;
    for (size_t i = 0; i < n; i++)
        links |= areas[i].href != NULL;
    if (links)
        chart_figure_begin_links(out, id, o, "map", h, buf_str(&desc));
    else
        chart_figure_begin(out, id, o, "map", h, buf_str(&desc));
    buf_free(&desc);
    /* the hatch of "no data" */
    html_fmt(out,
             "<defs><pattern id=\"%s-nd\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
             "patternTransform=\"rotate(45)\"><line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" "
             "y2=\"6\"/></pattern></defs>\n",
             id);

    buf name = BUF_INIT, val = BUF_INIT, tip = BUF_INIT;
    double tw = lo->tile_w, th = lo->tile_h;
    /* the values' one form: the first in which every tile's fits (full
     * layout only; the phone's tiles hold names alone) */
    double val_room = (tw - 6) * 13 / lo->value_px / 1.1;
    int val_step = VAL_TICK;
    for (bool all = lo->phone; !all && val_step < VAL__COUNT; val_step += !all) {
        all = true;
        for (size_t t = 0; t < N_TILES && all; t++)
            all =
                values[t] == CHART_NONE || value_form(&val, lang, o, values[t], val_step, val_room);
    }
    if (val_step == VAL__COUNT)
        val_step = VAL__COUNT - 1; /* none fits every tile: the shortest, cut */
    for (size_t t = 0; t < N_TILES; t++) {
        const tile *tl = &tiles[t];
        const chart_area *a = area_of(areas, n, tl->code);
        double x = tl->col * (tw + lo->gap), ty = tl->row * (th + lo->gap);
        bool has = values[t] != CHART_NONE;
        size_t cls = has ? class_of(breaks, nb, values[t]) : 0;
        /* with fewer classes than colours, spread them over the scale */
        size_t shade = nb > 1 ? cls * (CHART_MAP_CLASSES - 1) / (nb - 1) : CHART_MAP_CLASSES - 1;
        buf_reset(&name);
        buf_reset(&val);
        buf_reset(&tip);
        short_name(&name, lang, tl, lo->phone);
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
        chart_attr(out, "y", ty);
        chart_attr(out, "width", tw);
        chart_attr(out, "height", th);
        if (has)
            buf_printf(out, " rx=\"4\" class=\"m%zu\"/>", shade);
        else
            html_fmt(out, " rx=\"4\" class=\"mnd\" fill=\"url(#%s-nd)\"/>", id);
        if (lo->phone) { /* the name in one or two lines, no value */
            const char *nm = buf_str(&name), *bar = strchr(nm, '|');
            double ly = ty + (bar ? th / 2 - 4 : th / 2 + 6);
            for (int line = 0; line < (bar ? 2 : 1); line++) {
                const char *part = line ? bar + 1 : nm;
                size_t len = line || !bar ? strlen(part) : (size_t)(bar - nm);
                buf_puts(out, line ? "</text>" : "");
                buf_puts(out, "<text class=\"tl\" text-anchor=\"middle\"");
                chart_attr(out, "x", x + tw / 2);
                chart_attr(out, "y", ly + line * 19);
                buf_putc(out, '>');
                char one[64];
                snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1),
                         part);
                chart_put_fit(out, one, (tw - 4) * 13 / lo->name_px);
            }
        } else {
            buf_puts(out, "<text class=\"tl\" text-anchor=\"middle\"");
            chart_attr(out, "x", x + tw / 2);
            chart_attr(out, "y", ty + 23);
            buf_putc(out, '>');
            /* the fit estimates widths at the chart's 13 units */
            chart_put_fit(out, buf_str(&name), (tw - 6) * 13 / lo->name_px);
            buf_puts(out, "</text>");
            tile_value(out, lang, o, has, values[t], val_step, &val, x + tw / 2, ty + 44, val_room);
        }
        buf_puts(out, "</text></g>");
        if (a && a->href)
            buf_puts(out, "</a>");
        buf_putc(out, '\n');
    }
    for (size_t i = 0; i < nl; i++) {
        legend_entry(out, lo, id, leg_x[i], leg_y[i], leg_w, leg[i].cls, buf_str(&leg[i].text),
                     leg[i].text2.len ? buf_str(&leg[i].text2) : NULL);
        if (leg[i].text.failed || leg[i].text2.failed)
            out->failed = true;
        buf_free(&leg[i].text);
        buf_free(&leg[i].text2);
    }
    if (name.failed || val.failed || tip.failed)
        out->failed = true;
    buf_free(&name);
    buf_free(&val);
    buf_free(&tip);
    chart_figure_end(out, lang, o, false);
    return buf_failed(out) ? -1 : 0;
}
