/* test_chart_map.c: the district map (html/chart_map.c): class limits on
 * hand-made values, and the SVG: one tile per district in its class,
 * hatched where there is no data, links escaped, names in each script,
 * the legend's ranges, the same bytes for the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "html/chart.h"
#include "i18n/i18n.h"

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_breaks(void **state)
{
    (void)state;
    int64_t b[CHART_MAP_CLASSES];
    const int64_t ten[] = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
    assert_int_equal(chart_map_breaks(ten, 10, 5, b), 5);
    assert_int_equal(b[0], 2);
    assert_int_equal(b[1], 4);
    assert_int_equal(b[2], 6);
    assert_int_equal(b[3], 8);
    assert_int_equal(b[4], 10);
    /* repeated values make fewer classes; CHART_NONE is no value */
    const int64_t rep[] = {0, 0, 0, 0, 0, 0, 0, 5, CHART_NONE, 5};
    assert_int_equal(chart_map_breaks(rep, 10, 5, b), 2);
    assert_int_equal(b[0], 0);
    assert_int_equal(b[1], 5);
    const int64_t none[] = {CHART_NONE, CHART_NONE};
    assert_int_equal(chart_map_breaks(none, 2, 5, b), 0);
    const int64_t three[] = {300, 100, 200};
    assert_int_equal(chart_map_breaks(three, 3, 5, b), 3);
    assert_int_equal(b[0], 100);
    assert_int_equal(b[2], 300);
}

static void test_map(void **state)
{
    (void)state;
    chart_area a[] = {
        {"BEOGRAD", "City of Belgrade", "/orgs?district=BEOGRAD", 120},
        {"JUZNOBACKI", "South Bačka District", "/orgs?district=JUZNOBACKI&a=<b>", 40},
        {"NISAVSKI", "Nišava District", NULL, 10},
        {"SUMADIJSKI", "Šumadija District", NULL, 0},
        {"NOWHERE", "Not a district", "/x", 999999},
    };
    chart_opts o = {.id = "clusters", .title = "Clusters by district"};
    buf b = BUF_INIT;
    assert_int_equal(chart_districts(&b, LANG_EN, &o, a, 5), 0);
    const char *s = buf_str(&b);
    assert_int_equal(count(s, "<g class=\"tile"), 30); /* 29 districts and Belgrade */
    assert_int_equal(count(s, "class=\"mnd\""), 26);   /* hatched: no data */
    assert_non_null(strstr(s, "<title>City of Belgrade: 120</title>"));
    /* with links the svg is a group, not an image (which cannot hold links) */
    assert_non_null(strstr(s, "<a href=\"/orgs?district=JUZNOBACKI&amp;a=&lt;b&gt;\">"));
    assert_non_null(strstr(s, "class=\"chart-svg\" role=\"group\""));
    assert_null(strstr(s, "NOWHERE"));
    assert_null(strstr(s, "999"));
    /* four values, four classes: 0, 10, 40, 120 spread over the five shades */
    assert_non_null(strstr(s, "<g class=\"tile dark\"><title>City of Belgrade"));
    assert_non_null(strstr(s, "class=\"m4\"/><text class=\"tl\" text-anchor=\"middle\" x=\"203\""));
    assert_non_null(strstr(s, ">Belgrade</text>"));
    assert_non_null(strstr(s, ">0</text>")); /* the smallest value is the first class's limit */
    assert_null(strstr(s, ">≤ 0</text>"));
    assert_non_null(strstr(s, ">41 – 120</text>"));
    assert_non_null(strstr(s, ">1 – 10</text>"));
    assert_non_null(strstr(s, ">no data</text>"));
    assert_non_null(strstr(s, "Largest: City of Belgrade, 120; smallest: Šumadija District, 0"));
    /* the same input gives the same bytes */
    buf c = BUF_INIT;
    assert_int_equal(chart_districts(&c, LANG_EN, &o, a, 5), 0);
    assert_string_equal(buf_str(&c), s);
    /* short names in each script */
    buf_reset(&c);
    assert_int_equal(chart_districts(&c, LANG_SR_CYRL, &o, a, 5), 0);
    assert_non_null(strstr(buf_str(&c), ">Београд</text>"));
    assert_non_null(strstr(buf_str(&c), ">Ј. Бачка</text>"));
    buf_reset(&c);
    assert_int_equal(chart_districts(&c, LANG_SR_LATN, &o, a, 5), 0);
    assert_non_null(strstr(buf_str(&c), ">Beograd</text>"));
    assert_non_null(strstr(buf_str(&c), ">J. Bačka</text>"));
    buf_free(&c);
    /* nothing to show */
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_EN, &o, a + 4, 1), 0);
    assert_non_null(strstr(buf_str(&b), "No data to show."));
    /* a class of one value says it once: "1", not "1 – 1" */
    chart_area few[] = {{"BEOGRAD", "B", NULL, 0},
                        {"BORSKI", "Bo", NULL, 1},
                        {"PIROTSKI", "P", NULL, 2},
                        {"PCINJSKI", "Pc", NULL, 9}};
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_EN, &o, few, 4), 0);
    assert_non_null(strstr(buf_str(&b), ">1</text>\n"));
    assert_non_null(strstr(buf_str(&b), ">2</text>\n"));
    assert_non_null(strstr(buf_str(&b), ">3 – 9</text>"));
    assert_null(strstr(buf_str(&b), "1 – 1"));
    /* compact money: 10,000.01 EUR reads "10K" like 10,000 EUR, so the
     * classes say "over" rather than "10K – 20K, 10K – 30K" */
    chart_area money[] = {{"BEOGRAD", "B", NULL, 1000000},
                          {"BORSKI", "Bo", NULL, 2000000},
                          {"PIROTSKI", "P", NULL, 3000000}};
    chart_opts om = {.id = "rev", .title = "Revenue", .unit = CHART_UNIT_MONEY_CENTS};
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_EN, &om, money, 3), 0);
    assert_non_null(strstr(buf_str(&b), ">10K</text>"));
    assert_non_null(strstr(buf_str(&b), ">over 10K</text>"));
    assert_non_null(strstr(buf_str(&b), ">to 20K</text>"));
    assert_non_null(strstr(buf_str(&b), ">over 20K</text>"));
    assert_non_null(strstr(buf_str(&b), ">to 30K</text>"));
    assert_null(strstr(buf_str(&b), "10K – "));
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_SR_CYRL, &om, money, 3), 0);
    assert_non_null(strstr(buf_str(&b), ">преко 10 хиљ.</text>"));
    assert_non_null(strstr(buf_str(&b), ">до 20 хиљ.</text>"));
    assert_null(strstr(buf_str(&b), "\xE2\x80\xA6</text>")); /* nothing cut */
    /* the first class keeps "≤" when it holds more than its limit */
    chart_area spread[] = {{"SEVERNOBACKI", "a", NULL, 1},    {"SEVERNOBANATSKI", "b", NULL, 2},
                           {"ZAPADNOBACKI", "c", NULL, 3},    {"JUZNOBACKI", "d", NULL, 4},
                           {"SREDNJEBANATSKI", "e", NULL, 5}, {"SREMSKI", "f", NULL, 6},
                           {"BEOGRAD", "g", NULL, 7},         {"JUZNOBANATSKI", "h", NULL, 8},
                           {"MACVANSKI", "i", NULL, 9},       {"KOLUBARSKI", "j", NULL, 10},
                           {"SUMADIJSKI", "k", NULL, 11},     {"PODUNAVSKI", "l", NULL, 12}};
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_EN, &o, spread, 12), 0);
    assert_non_null(strstr(buf_str(&b), ">≤ "));
    /* without links, a picture */
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_EN, &o, a + 2, 2), 0);
    assert_non_null(strstr(buf_str(&b), "class=\"chart-svg\" role=\"img\""));
    assert_null(strstr(buf_str(&b), "<a "));
    buf_free(&b);
}

/* The value text of the tile whose <title> starts with name, between
 * its '>' and "</text>", into v. */
static void tile_text(const char *svg, const char *name, char *v, size_t cap)
{
    char key[80];
    snprintf(key, sizeof key, "<title>%s: ", name);
    const char *t = strstr(svg, key);
    assert_non_null(t);
    t = strstr(t, "<text class=\"tv");
    assert_non_null(t);
    t = strchr(t, '>') + 1;
    const char *e = strstr(t, "</text>");
    assert_non_null(e);
    snprintf(v, cap, "%.*s", (int)(e - t), t);
}

/* Long values (revenue and exports at 100,000 organisations, employees
 * in Belgrade) fit their tiles in every language, in one form for the
 * whole map: shorter units, then the smaller text, then whole units;
 * never cut. The exact value stays in the tile's title. */
static void test_map_long_values(void **state)
{
    (void)state;
    chart_area money[] = {
        {"BEOGRAD", "B", NULL, 2345678901234},   /* 23,456,789,012.34 EUR */
        {"JUZNOBACKI", "J", NULL, 534567890100}, /* 5,345,678,901 EUR */
        {"NISAVSKI", "N", NULL, 98765432100},    /* 987,654,321 EUR */
        {"BORSKI", "Bo", NULL, 99999900},        /* 999,999 EUR */
        {"PIROTSKI", "P", NULL, 45600},          /* 456 EUR */
    };
    /* beyond any district's revenue: whole units at the smaller size */
    chart_area huge[] = {{"BEOGRAD", "B", NULL, 12345678901234}, {"JUZNOBACKI", "J", NULL, 45600}};
    chart_area people[] = {{"BEOGRAD", "B", NULL, 1234567}, {"JUZNOBACKI", "J", NULL, 987654}};
    chart_opts om = {.id = "rev", .title = "Revenue", .unit = CHART_UNIT_MONEY_CENTS};
    chart_opts oc = {.id = "emp", .title = "Employees"};
    const lang_id langs[] = {LANG_EN, LANG_SR_CYRL, LANG_SR_LATN};
    static const char *const want[2][5] = {
        {"23.5B", "5.3B", "987.7M", "1M", "456"},
        {"23,5 млрд.", "5,3 млрд.", "987,7 мил.", "1 мил.", "456"},
    };
    static const char *const want_huge[2][2] = {{"123.5B", "456"}, {"123 млрд.", "456"}};
    static const char *const want_people[2][2] = {{"1.2M", "987.7K"}, {"1,2 мил.", "987,7 хиљ."}};
    buf b = BUF_INIT;
    char v[64];
    for (int l = 0; l < 3; l++) {
        const chart_area *sets[] = {money, huge, people};
        const size_t n_sets[] = {5, 2, 2};
        const chart_opts *opts[] = {&om, &om, &oc};
        for (int k = 0; k < 3; k++) {
            buf_reset(&b);
            assert_int_equal(chart_districts(&b, langs[l], opts[k], sets[k], n_sets[k]), 0);
            const char *s = buf_str(&b);
            assert_null(strstr(s, "\xE2\x80\xA6</text>")); /* nothing cut */
            /* one form: every value at the same size */
            size_t small = count(s, "<text class=\"tv ts\""), all = count(s, "<text class=\"tv");
            assert_true(small == 0 || small == all);
            for (size_t i = 0; i < n_sets[k]; i++) {
                tile_text(s, sets[k][i].name, v, sizeof v);
                if (l == 2)
                    continue; /* Latin: derived; narrower, it may fit sooner */
                const char *w = k == 0 ? want[l][i] : k == 1 ? want_huge[l][i] : want_people[l][i];
                assert_string_equal(v, w);
            }
            if (l == 0) /* English fits at the full size */
                assert_int_equal(small, 0);
            if (l == 1) /* Serbian's longer units need the smaller one */
                assert_int_equal(small, all);
        }
        /* the exact amounts in the tooltips */
        buf_reset(&b);
        assert_int_equal(chart_districts(&b, langs[l], &om, money, 5), 0);
        assert_non_null(strstr(buf_str(&b), l == 0 ? "<title>J: 5,345,678,901 EUR</title>"
                                                   : "<title>J: 5.345.678.901 EUR</title>"));
        buf_reset(&b);
        assert_int_equal(chart_districts(&b, langs[l], &oc, people, 2), 0);
        assert_non_null(strstr(buf_str(&b), l == 0 ? "<title>B: 1,234,567</title>"
                                                   : "<title>B: 1.234.567</title>"));
    }
    buf_free(&b);
}

/* The text elements of the name in a badge: how many, and whether each
 * is within the room by the chart's estimate is for chart_badge; here:
 * the sizes, the whole name in the title, no cut unless needed. */
static size_t badge_lines(const char *svg, int *px)
{
    size_t n = 0;
    for (const char *p = strstr(svg, "font-weight=\"bold\" fill=\"#ffffff\""); p;
         p = strstr(p + 1, "font-weight=\"bold\" fill=\"#ffffff\"")) {
        const char *fs = p;
        while (fs > svg && strncmp(fs, "font-size=\"", 11) != 0)
            fs--;
        px[n < 4 ? n : 3] = atoi(fs + 11);
        n++;
    }
    return n;
}

static void test_badge(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    int px[4] = {0};
    /* a short name: one line at 15 */
    chart_badge(&b, "VOICT", "120 members · 3,000 employees · 2024");
    assert_int_equal(badge_lines(buf_str(&b), px), 1);
    assert_int_equal(px[0], 15);
    assert_non_null(strstr(buf_str(&b), ">VOICT</text>"));
    assert_non_null(strstr(buf_str(&b), "width=\"320\" height=\"72\""));
    /* the longest demo cluster's name, in Cyrillic: two lines, whole */
    static const char demo[] = "Демо иницијатива за кластер обновљиве енергије";
    buf_reset(&b);
    chart_badge(&b, demo, "1");
    assert_int_equal(badge_lines(buf_str(&b), px), 2);
    assert_true(px[0] >= 10 && px[0] <= 13 && px[1] == px[0]);
    assert_null(strstr(buf_str(&b), "\xE2\x80\xA6</text>"));
    /* 120 characters, Latin and Cyrillic: two lines at the smallest size,
     * the second cut with an ellipsis only because it must be; the title
     * keeps the whole name */
    static const char lat[] =
        "Klaster za razvoj informaciono-komunikacionih tehnologija i elektronske industrije "
        "jugoistocne Srbije i Pomoravlja - Nis"; /* 120 characters */
    static const char cyr[] =
        "Кластер за развој информационо-комуникационих технологија и електронске индустрије "
        "југоисточне Србије и Поморавља - Ниш"; /* 120 too */
    assert_int_equal(strlen(lat), 120);
    const char *names[] = {lat, cyr};
    for (int i = 0; i < 2; i++) {
        buf_reset(&b);
        chart_badge(&b, names[i], "1 · 2 · 2024");
        const char *s = buf_str(&b);
        assert_int_equal(badge_lines(s, px), 2);
        assert_int_equal(px[0], 10);
        assert_int_equal(px[1], 10);
        char title[400];
        snprintf(title, sizeof title, "<title>%s: 1 · 2 · 2024</title>", names[i]);
        assert_non_null(strstr(s, title));
        /* the first line is words of the name, not a cut */
        assert_null(strstr(s, "\xE2\x80\xA6</text><text x=\"70\" y=\"34\""));
    }
    /* every length of name, word by word, across the sizes where it first
     * stops fitting on one line: whole words on at most two lines, nothing
     * read past the name (an overflow here once crashed /orgs/vmc/badge.svg
     * for a name that fitted whole at 13 but not at 15) */
    static const char words[] = "Vojvodjanski metalski klaster Novi Sad i Vojvodina sever";
    char name[sizeof words];
    for (size_t k = 1; k <= strlen(words); k++) {
        if (words[k] != ' ' && words[k] != '\0')
            continue;
        memcpy(name, words, k);
        name[k] = '\0';
        buf_reset(&b);
        chart_badge(&b, name, "1");
        const char *s = buf_str(&b);
        size_t lines = badge_lines(s, px);
        assert_true(lines == 1 || lines == 2);
        assert_true(px[0] >= 10 && px[0] <= 15);
        /* the last word of the name is drawn, whole */
        const char *last = strrchr(name, ' ');
        char tail[64];
        snprintf(tail, sizeof tail, "%s</text>", last ? last + 1 : name);
        if (strlen(name) < 40)
            assert_non_null(strstr(s, tail));
    }
    /* one long unbroken word: one line, as large as it fits */
    buf_reset(&b);
    chart_badge(&b, "Vojvodjanskimetalskiklasternovisad", "1");
    assert_int_equal(badge_lines(buf_str(&b), px), 1);
    assert_true(px[0] >= 10 && px[0] <= 13);
    /* markup in a name is escaped */
    buf_reset(&b);
    chart_badge(&b, "<script>x</script> & Co", "1");
    assert_null(strstr(buf_str(&b), "<script>"));
    assert_non_null(strstr(buf_str(&b), "&lt;script&gt;"));
    buf_free(&b);
}

static int setup(void **state)
{
    (void)state;
    return i18n_init();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breaks),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_map_long_values),
        cmocka_unit_test(test_badge),
    };
    return cmocka_run_group_tests_name("chart_map", tests, setup, NULL);
}
