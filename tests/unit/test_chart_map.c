/* test_chart_map.c: the district map (html/chart_map.c): class limits on
 * hand-made values, and the SVG: one tile per district in its class,
 * hatched where there is no data, links escaped, names in each script,
 * the legend's ranges, the same bytes for the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
    assert_non_null(strstr(s, ">≤ 0</text>"));
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
    /* without links, a picture */
    buf_reset(&b);
    assert_int_equal(chart_districts(&b, LANG_EN, &o, a + 2, 2), 0);
    assert_non_null(strstr(buf_str(&b), "class=\"chart-svg\" role=\"img\""));
    assert_null(strstr(buf_str(&b), "<a "));
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
    };
    return cmocka_run_group_tests_name("chart_map", tests, setup, NULL);
}
