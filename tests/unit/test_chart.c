/* test_chart.c: the SVG charts: well-formed output (balanced tags) with a
 * <title> and <desc>, no inline style, escaped labels, the "no data"
 * frame, zero and negative values, long labels, long series cut to the
 * largest with an "and N more" note, numbers in the reader's language,
 * compact money and percentages, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "html/chart.h"
#include "html/chart_internal.h"

/* Checks that every tag in s is closed in order (self-closing tags count
 * as closed); fails the test with the offending position otherwise. */
static void assert_balanced(const char *s)
{
    char stack[64][16];
    size_t depth = 0;
    const char *p = s;
    while ((p = strchr(p, '<'))) {
        const char *end = strchr(p, '>');
        if (!end)
            fail_msg("unterminated tag at %zu", (size_t)(p - s));
        bool closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t n = strcspn(name, " \t\n/>");
        if (n == 0 || n >= sizeof stack[0])
            fail_msg("bad tag name at %zu", (size_t)(p - s));
        bool self = end[-1] == '/';
        if (closing) {
            if (depth == 0 || strlen(stack[depth - 1]) != n ||
                strncmp(stack[depth - 1], name, n) != 0)
                fail_msg("</%.*s> at %zu closes <%s>", (int)n, name, (size_t)(p - s),
                         depth ? stack[depth - 1] : "(nothing)");
            depth--;
        } else if (!self) {
            if (depth == 64)
                fail_msg("nesting too deep");
            memcpy(stack[depth], name, n);
            stack[depth][n] = '\0';
            depth++;
        }
        p = end + 1;
    }
    if (depth != 0)
        fail_msg("<%s> never closed", stack[depth - 1]);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* What every chart must be: a figure with an accessible svg, balanced,
 * without inline style. */
static void assert_chart_shape(const char *s, const char *id)
{
    char want[160];
    assert_non_null(strstr(s, "<figure class=\"chart"));
    assert_non_null(strstr(s, "<svg "));
    assert_non_null(strstr(s, "role=\"img\""));
    assert_non_null(strstr(s, "width=\"100%\""));
    assert_non_null(strstr(s, "viewBox=\"0 0 640 "));
    snprintf(want, sizeof want, "aria-labelledby=\"%s-title %s-desc\"", id, id);
    assert_non_null(strstr(s, want));
    snprintf(want, sizeof want, "<title id=\"%s-title\">", id);
    assert_non_null(strstr(s, want));
    snprintf(want, sizeof want, "<desc id=\"%s-desc\">", id);
    assert_non_null(strstr(s, want));
    assert_null(strstr(s, "style="));
    assert_null(strstr(s, "<script"));
    assert_balanced(s);
}

static const char *const org3[] = {"Vojvodina ICT", "<b>Tom & \"Jerry\"</b>", "Нишки кластер"};
static const int64_t val3[] = {1200, 300, 4500};

static void test_bar_shape_and_escaping(void **state)
{
    buf b = BUF_INIT;
    chart_opts o = {.id = "c1", .title = "Members <by> cluster", .subtitle = "2023"};
    assert_int_equal(chart_bar(&b, LANG_EN, &o, org3, val3, 3), 0);
    const char *s = buf_str(&b);
    assert_chart_shape(s, "c1");
    assert_int_equal(count(s, "<rect class=\"bar\""), 3);
    assert_int_equal(count(s, "<g class=\"bar-row\">"), 3);
    assert_non_null(strstr(s, "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"));
    assert_null(strstr(s, "<b>"));
    assert_non_null(strstr(s, "Members &lt;by&gt; cluster"));
    assert_non_null(strstr(s, "<figcaption><span class=\"chart-title\">"));
    assert_non_null(strstr(s, "<span class=\"chart-sub\">2023</span>"));
    /* values next to the bars, grouped in English */
    assert_non_null(strstr(s, ">4,500</text>"));
    assert_non_null(strstr(s, ">1,200</text>"));
    /* the text equivalent names the largest and smallest */
    assert_non_null(strstr(s, "Largest: Нишки кластер, 4,500; smallest: &lt;b&gt;Tom"));
    assert_non_null(strstr(s, "3 items in all."));
    /* given order is kept when nothing is cut */
    const char *rows = strstr(s, "</desc>");
    assert_true(strstr(rows, "Vojvodina ICT") < strstr(rows, "Нишки кластер"));
    buf_free(&b);
}

static void test_bar_languages(void **state)
{
    static const char *const l[] = {"A", "B"};
    static const int64_t v[] = {123456789, 1234500}; /* 1,234,567.89 and 12,345 EUR */
    chart_opts o = {.id = "m", .title = "Revenue", .unit = CHART_UNIT_MONEY_CENTS};
    buf b = BUF_INIT;
    assert_int_equal(chart_bar(&b, LANG_EN, &o, l, v, 2), 0);
    assert_non_null(strstr(buf_str(&b), ">1.2M EUR</text>"));
    assert_non_null(strstr(buf_str(&b), ">12.3K EUR</text>"));
    assert_non_null(strstr(buf_str(&b), "Largest: A, 1,234,567.89 EUR; smallest: B, 12,345 EUR"));
    buf_reset(&b);
    assert_int_equal(chart_bar(&b, LANG_SR_CYRL, &o, l, v, 2), 0);
    assert_chart_shape(buf_str(&b), "m");
    assert_non_null(strstr(buf_str(&b), ">1,2 мил. EUR</text>"));
    assert_non_null(strstr(buf_str(&b), ">12,3 хиљ. EUR</text>"));
    assert_non_null(
        strstr(buf_str(&b), "Највећа вредност: A, 1.234.567,89 EUR; најмања: B, 12.345 EUR"));
    buf_reset(&b);
    assert_int_equal(chart_bar(&b, LANG_SR_LATN, &o, l, v, 2), 0);
    assert_non_null(strstr(buf_str(&b), ">1,2 mil. EUR</text>"));
    assert_non_null(strstr(buf_str(&b), "Najveća vrednost"));
    /* counts: Serbian groups with '.' */
    static const int64_t big[] = {1234567, 5};
    chart_opts c = {.id = "n", .title = "Employees"};
    buf_reset(&b);
    assert_int_equal(chart_bar(&b, LANG_SR_CYRL, &c, l, big, 2), 0);
    assert_non_null(strstr(buf_str(&b), ">1.234.567</text>"));
    buf_free(&b);
}

static void test_bar_empty(void **state)
{
    buf b = BUF_INIT;
    chart_opts o = {.id = "e", .title = "Nothing"};
    assert_int_equal(chart_bar(&b, LANG_EN, &o, NULL, NULL, 0), 0);
    assert_chart_shape(buf_str(&b), "e");
    assert_non_null(strstr(buf_str(&b), "No data to show."));
    assert_null(strstr(buf_str(&b), "class=\"bar\""));
    buf_reset(&b);
    assert_int_equal(chart_bar(&b, LANG_SR_CYRL, &o, NULL, NULL, 0), 0);
    assert_non_null(strstr(buf_str(&b), "Нема података за приказ."));
    buf_free(&b);
}

static void test_bar_zero_and_negative(void **state)
{
    static const char *const l[] = {"zero", "loss", "gain"};
    static const int64_t v[] = {0, -500, 1000};
    buf b = BUF_INIT;
    chart_opts o = {.id = "z", .title = "Change"};
    assert_int_equal(chart_bar(&b, LANG_EN, &o, l, v, 3), 0);
    const char *s = buf_str(&b);
    assert_chart_shape(s, "z");
    assert_int_equal(count(s, "<rect class=\"bar neg\""), 1);
    assert_int_equal(count(s, "<rect class=\"bar\""), 1); /* zero draws no bar */
    assert_non_null(strstr(s, ">0</text>"));
    assert_non_null(strstr(s, " text-anchor=\"end\">-500</text>"));
    assert_non_null(strstr(s, "<line class=\"axis\""));
    /* all zero: no division by zero, no bars */
    static const int64_t zeros[] = {0, 0, 0};
    buf_reset(&b);
    assert_int_equal(chart_bar(&b, LANG_EN, &o, l, zeros, 3), 0);
    assert_chart_shape(buf_str(&b), "z");
    assert_null(strstr(buf_str(&b), "<rect class=\"bar"));
    assert_null(strstr(buf_str(&b), "nan"));
    assert_null(strstr(buf_str(&b), "inf"));
    /* extreme values stay finite */
    static const int64_t ext[] = {INT64_MAX, INT64_MIN + 1, 1};
    buf_reset(&b);
    assert_int_equal(chart_bar(&b, LANG_EN, &o, l, ext, 3), 0);
    assert_chart_shape(buf_str(&b), "z");
    assert_null(strstr(buf_str(&b), "nan"));
    buf_free(&b);
}

static void test_bar_long_label(void **state)
{
    char label[256];
    memset(label, 'x', 200);
    memcpy(label, "Клaster ", 9); /* a multi-byte start, so cuts respect UTF-8 */
    label[200] = '\0';
    const char *l[] = {label, "short"};
    int64_t v[] = {10, 20};
    buf b = BUF_INIT;
    chart_opts o = {.id = "long", .title = "Long"};
    assert_int_equal(chart_bar(&b, LANG_EN, &o, l, v, 2), 0);
    const char *s = buf_str(&b);
    assert_chart_shape(s, "long");
    /* cut with an ellipsis on the chart, whole in the bar's title */
    assert_non_null(strstr(s, "\xE2\x80\xA6</text>"));
    char want[300];
    snprintf(want, sizeof want, "<title>%s: 10</title>", label);
    assert_non_null(strstr(s, want));
    const char *text = strstr(s, "<text class=\"label\"");
    const char *close = strstr(text, "</text>");
    assert_true(close - text < 120);
    buf_free(&b);
}

static void test_bar_caps_long_series(void **state)
{
    enum { N = 1000 };
    static char names[N][16];
    static const char *labels[N];
    static int64_t values[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "org %d", i);
        labels[i] = names[i];
        values[i] = (int64_t)((i * 7919) % N); /* a permutation of 0..999 */
    }
    buf b = BUF_INIT;
    chart_opts o = {.id = "cap", .title = "Many", .table_id = "cap-table"};
    assert_int_equal(chart_bar(&b, LANG_EN, &o, labels, values, N), 0);
    const char *s = buf_str(&b);
    assert_chart_shape(s, "cap");
    assert_int_equal(count(s, "<g class=\"bar-row\">"), 15);
    assert_non_null(strstr(s, "… and 985 more (see the table)"));
    assert_non_null(strstr(s, "<a href=\"#cap-table\">"));
    assert_non_null(strstr(s, "1,000 items in all."));
    /* the largest first: value 999 is i with i * 7919 % 1000 == 999, i = 321 */
    const char *first = strstr(s, "<g class=\"bar-row\"><title>");
    assert_non_null(first);
    assert_int_equal(strncmp(first + strlen("<g class=\"bar-row\"><title>"), "org 321: 999", 12),
                     0);
    assert_non_null(strstr(s, ">985</text>")); /* the top 15 are 999..985 */
    assert_null(strstr(s, ">984</text>"));
    assert_true(b.len < 20000);
    /* a smaller cap */
    buf_reset(&b);
    o.max_bars = 5;
    assert_int_equal(chart_bar(&b, LANG_SR_CYRL, &o, labels, values, N), 0);
    assert_int_equal(count(buf_str(&b), "<g class=\"bar-row\">"), 5);
    assert_non_null(strstr(buf_str(&b), "… и још 995 (видети табелу)"));
    buf_free(&b);
}

static void test_line(void **state)
{
    static const int years[] = {2019, 2020, 2021, 2022, 2023};
    static const int64_t a[] = {100, 400, 800, 1234, 1100};
    static const int64_t c[] = {50, CHART_NONE, 300, 500, CHART_NONE};
    chart_series s[] = {{"Employees <all>", a}, {"Exporters", c}};
    chart_opts o = {.id = "ln", .title = "Trend"};
    buf b = BUF_INIT;
    assert_int_equal(chart_line(&b, LANG_EN, &o, years, 5, s, 2), 0);
    const char *out = buf_str(&b);
    assert_chart_shape(out, "ln");
    /* nice ticks: 0..1250 by 250, grouped per language */
    assert_non_null(strstr(out, ">1,250</text>"));
    assert_non_null(strstr(out, ">250</text>"));
    assert_non_null(strstr(out, ">0</text>"));
    assert_non_null(strstr(out, ">2019</text>"));
    assert_non_null(strstr(out, ">2023</text>"));
    /* legend with escaped names, one path per series, the gap breaks it */
    assert_non_null(strstr(out, ">Employees &lt;all&gt;</text>"));
    assert_int_equal(count(out, "<path class=\"line"), 2);
    const char *second = strstr(out, "<path class=\"line k1 d1\"");
    assert_non_null(second);
    const char *d = strstr(second, " d=\"");
    const char *dend = strchr(d + 4, '"');
    size_t moves = 0;
    for (const char *p = d + 4; p < dend; p++)
        moves += *p == 'M';
    assert_int_equal(moves, 1); /* 2019 alone is a marker; 2021-2022 a segment */
    /* markers with exact values; the last value of each line */
    assert_non_null(strstr(out, "<title>Exporters, 2019: 50</title>"));
    assert_non_null(strstr(out, "<text class=\"end\""));
    assert_non_null(strstr(out, "Years 2019 to 2023. Employees &lt;all&gt;: from 100 to 1,100, "
                                "highest 1,234 in 2022; Exporters: from 50 to 500, highest 500 "
                                "in 2022."));
    buf_reset(&b);
    assert_int_equal(chart_line(&b, LANG_SR_CYRL, &o, years, 5, s, 2), 0);
    assert_chart_shape(buf_str(&b), "ln");
    assert_non_null(strstr(buf_str(&b), ">1.250</text>"));
    assert_non_null(strstr(buf_str(&b), "Године од 2019. до 2023."));
    assert_non_null(strstr(buf_str(&b), "највише 1.234 у 2022. години"));
    buf_free(&b);
}

static void test_line_money_negative_and_empty(void **state)
{
    static const int years[] = {2020, 2021, 2022};
    static const int64_t v[] = {-30000000, 70000000, 150000000}; /* -300K .. 1.5M EUR */
    chart_series s[] = {{"Result", v}};
    chart_opts o = {.id = "lm", .title = "Result", .unit = CHART_UNIT_MONEY_CENTS};
    buf b = BUF_INIT;
    assert_int_equal(chart_line(&b, LANG_EN, &o, years, 3, s, 1), 0);
    const char *out = buf_str(&b);
    assert_chart_shape(out, "lm");
    assert_non_null(strstr(out, ">EUR</text>"));
    assert_non_null(strstr(out, ">-500K</text>"));
    assert_non_null(strstr(out, ">1.5M</text>"));
    assert_non_null(strstr(out, "<line class=\"axis\""));
    assert_non_null(strstr(out, ">1.5M EUR</text>")); /* the end label */
    buf_reset(&b);
    assert_int_equal(chart_line(&b, LANG_SR_CYRL, &o, years, 3, s, 1), 0);
    assert_non_null(strstr(buf_str(&b), ">1,5 мил.</text>"));
    /* nothing present */
    static const int64_t none[] = {CHART_NONE, CHART_NONE, CHART_NONE};
    chart_series e[] = {{"Empty", none}};
    buf_reset(&b);
    assert_int_equal(chart_line(&b, LANG_EN, &o, years, 3, e, 1), 0);
    assert_chart_shape(buf_str(&b), "lm");
    assert_non_null(strstr(buf_str(&b), "No data to show."));
    buf_reset(&b);
    assert_int_equal(chart_line(&b, LANG_EN, &o, NULL, 0, NULL, 0), 0);
    assert_non_null(strstr(buf_str(&b), "No data to show."));
    /* one year, one value */
    static const int one_year[] = {2023};
    static const int64_t one[] = {5};
    chart_series s1[] = {{"One", one}};
    chart_opts c = {.id = "l1", .title = "One"};
    buf_reset(&b);
    assert_int_equal(chart_line(&b, LANG_EN, &c, one_year, 1, s1, 1), 0);
    assert_chart_shape(buf_str(&b), "l1");
    assert_non_null(strstr(buf_str(&b), "Year 2023."));
    buf_free(&b);
}

static void test_share(void **state)
{
    static const char *const rows[] = {"ICT", "Food & drink", "Empty"};
    static const char *const parts[] = {"Exports", "Domestic <EU>"};
    static const int64_t v[] = {600, 400, 50, 950, 0, 0};
    chart_opts o = {.id = "sh", .title = "Exports share", .unit = CHART_UNIT_MONEY_CENTS};
    buf b = BUF_INIT;
    assert_int_equal(chart_stacked_share(&b, LANG_EN, &o, rows, 3, parts, 2, v), 0);
    const char *s = buf_str(&b);
    assert_chart_shape(s, "sh");
    assert_non_null(strstr(s, "<pattern id=\"sh-p1\""));
    assert_non_null(strstr(s, "fill=\"url(#sh-p1)\""));
    assert_non_null(strstr(s, ">60%</text>"));
    assert_non_null(strstr(s, ">95%</text>"));
    assert_non_null(strstr(s, ">Domestic &lt;EU&gt;</text>"));
    assert_non_null(strstr(s, "Food &amp; drink"));
    assert_non_null(strstr(s, ">no data</text>"));
    assert_non_null(
        strstr(s, "Exports, highest share: ICT (60.0%); lowest: Food &amp; drink (5.0%)."));
    assert_non_null(strstr(s, ">100%</text>"));
    buf_reset(&b);
    assert_int_equal(chart_stacked_share(&b, LANG_SR_CYRL, &o, rows, 3, parts, 2, v), 0);
    assert_chart_shape(buf_str(&b), "sh");
    assert_non_null(strstr(buf_str(&b), ">нема података</text>"));
    assert_non_null(strstr(buf_str(&b), "највећи удео: ICT (60,0%)"));
    /* all rows empty, negatives count as zero */
    static const int64_t neg[] = {-5, 0};
    buf_reset(&b);
    assert_int_equal(chart_stacked_share(&b, LANG_EN, &o, rows, 1, parts, 2, neg), 0);
    assert_non_null(strstr(buf_str(&b), "No data to show."));
    buf_free(&b);
}

static void test_share_caps_rows(void **state)
{
    enum { N = 40, P = 7 };
    static char names[N][16];
    static const char *labels[N];
    static int64_t v[N * P];
    static const char *const parts[P] = {"a", "b", "c", "d", "e", "f", "g"};
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "row %d", i);
        labels[i] = names[i];
        for (int p = 0; p < P; p++)
            v[i * P + p] = (i + 1) * (p + 1);
    }
    chart_opts o = {.id = "sc", .title = "Shares"};
    buf b = BUF_INIT;
    assert_int_equal(chart_stacked_share(&b, LANG_EN, &o, labels, N, parts, P, v), 0);
    assert_chart_shape(buf_str(&b), "sc");
    assert_int_equal(count(buf_str(&b), "<g class=\"share-row\">"), 15);
    assert_non_null(strstr(buf_str(&b), "… and 25 more (see the table)"));
    /* seven parts, seven fills (f0 and six patterns); an eighth would reuse */
    assert_int_equal(count(buf_str(&b), "<pattern "), 6);
    assert_non_null(strstr(buf_str(&b), "class=\"f6\""));
    buf_free(&b);
}

static void fmt_odd(buf *out, lang_id lang, int64_t v, bool compact, void *ctx)
{
    buf_printf(out, "%s<%lld>", (const char *)ctx, (long long)v);
}

static void test_custom_formatter_and_id(void **state)
{
    static const char *const l[] = {"a"};
    static const int64_t v[] = {7};
    chart_opts o = {.id = "x y\"z", .title = "T", .fmt = fmt_odd, .fmt_ctx = "&"};
    buf b = BUF_INIT;
    assert_int_equal(chart_bar(&b, LANG_EN, &o, l, v, 1), 0);
    assert_chart_shape(buf_str(&b), "x-y-z");
    assert_non_null(strstr(buf_str(&b), ">&amp;&lt;7&gt;</text>"));
    assert_non_null(strstr(buf_str(&b), "One item: a, &amp;&lt;7&gt;."));
    buf_free(&b);
}

static void test_deterministic(void **state)
{
    chart_opts o = {.id = "d", .title = "Same"};
    buf a = BUF_INIT, b = BUF_INIT;
    assert_int_equal(chart_bar(&a, LANG_EN, &o, org3, val3, 3), 0);
    assert_int_equal(chart_bar(&b, LANG_EN, &o, org3, val3, 3), 0);
    assert_string_equal(buf_str(&a), buf_str(&b));
    buf_free(&a);
    buf_free(&b);
}

/* Every allocation failing in turn: each call returns -1 with out marked
 * failed, or 0 with complete output; ASan checks for leaks. */
static void test_out_of_memory(void **state)
{
    static const int years[] = {2021, 2022, 2023};
    static const int64_t v[] = {1, CHART_NONE, 3};
    chart_series s[] = {{"a", v}, {"b", v}};
    static const char *const parts[] = {"x", "y"};
    static const int64_t sv[] = {1, 2, 3, 4, 5, 6};
    chart_opts o = {.id = "oom", .title = "T", .max_bars = 2, .table_id = "t"};
    for (int kind = 0; kind < 3; kind++) {
        bool done = false;
        for (long k = 0; k < 200 && !done; k++) {
            buf b = BUF_INIT;
            mem_fail_after(k);
            int rc = kind == 0   ? chart_bar(&b, LANG_SR_LATN, &o, org3, val3, 3)
                     : kind == 1 ? chart_line(&b, LANG_EN, &o, years, 3, s, 2)
                                 : chart_stacked_share(&b, LANG_EN, &o, org3, 3, parts, 2, sv);
            mem_fail_after(-1);
            if (rc == 0) {
                assert_false(buf_failed(&b));
                assert_balanced(buf_str(&b));
                done = true;
            } else {
                assert_int_equal(rc, -1);
                assert_true(buf_failed(&b));
            }
            buf_free(&b);
        }
        assert_true(done);
    }
}

static void check_money(lang_id lang, int64_t cents, const char *want)
{
    buf b = BUF_INIT;
    chart_fmt_money_compact(&b, lang, cents);
    if (strcmp(buf_str(&b), want) != 0)
        fail_msg("compact %lld = \"%s\", want \"%s\"", (long long)cents, buf_str(&b), want);
    buf_free(&b);
}

static void check_bp(lang_id lang, int64_t bp, const char *want)
{
    buf b = BUF_INIT;
    chart_fmt_bp(&b, lang, bp);
    if (strcmp(buf_str(&b), want) != 0)
        fail_msg("bp %lld = \"%s\", want \"%s\"", (long long)bp, buf_str(&b), want);
    buf_free(&b);
}

static void test_formats(void **state)
{
    check_money(LANG_EN, 0, "0 EUR");
    check_money(LANG_EN, 95000, "950 EUR");
    check_money(LANG_EN, 99949, "999 EUR");
    check_money(LANG_EN, 99950, "1.0K EUR");
    check_money(LANG_EN, 1234500, "12.3K EUR");
    check_money(LANG_EN, 99996000, "1.0M EUR");
    check_money(LANG_EN, 120000000, "1.2M EUR");
    check_money(LANG_EN, -150000000, "-1.5M EUR");
    check_money(LANG_EN, 340000000000, "3.4B EUR");
    check_money(LANG_EN, 123450000000000, "1,234.5B EUR");
    check_money(LANG_EN, -40, "0 EUR");
    check_money(LANG_SR_CYRL, 120000000, "1,2 мил. EUR");
    check_money(LANG_SR_CYRL, 340000000000, "3,4 млрд. EUR");
    check_money(LANG_SR_CYRL, 1234500, "12,3 хиљ. EUR");
    check_money(LANG_SR_CYRL, 123450000000000, "1.234,5 млрд. EUR");
    check_money(LANG_SR_LATN, 340000000000, "3,4 mlrd. EUR");
    check_money(LANG_SR_LATN, 120000000, "1,2 mil. EUR");
    check_money(LANG_EN, INT64_MIN, "-92,233,720.4B EUR");
    check_bp(LANG_EN, 6234, "62.3%");
    check_bp(LANG_SR_CYRL, 6234, "62,3%");
    check_bp(LANG_EN, -1250, "-12.5%");
    check_bp(LANG_EN, 5, "0.1%");
    check_bp(LANG_EN, -4, "0.0%");
    check_bp(LANG_EN, 10000, "100.0%");
}

static int setup(void **state)
{
    return i18n_init();
}

static int teardown(void **state)
{
    i18n_shutdown();
    return 0;
}

/* The network's labels (issue 14 leftover): a name wider than its room
 * wraps at spaces and hyphens onto lines that each fit (by chart.c's
 * estimate, 10px labels), every word shown, the whole name in the label's
 * <title>; only a name too long for its lines is cut, and it too has its
 * title; a short name is one plain line; the same data, the same bytes. */
static void net_labels(const char *s, void (*each)(const char *label, const char *body))
{
    const char *p = s;
    while ((p = strstr(p, "<text class=\"nl"))) {
        const char *gt = strchr(p, '>'), *end = strstr(p, "</text>");
        assert_non_null(gt);
        assert_non_null(end);
        char body[2048];
        size_t n = (size_t)(end - gt - 1);
        assert_true(n < sizeof body);
        memcpy(body, gt + 1, n);
        body[n] = '\0';
        each(p, body);
        p = end;
    }
}

static int g_wrapped, g_cut, g_plain;

static void check_label(const char *label, const char *body)
{
    (void)label;
    if (strncmp(body, "<title>", 7) != 0) {
        assert_null(strchr(body, '<')); /* one plain line */
        assert_true(chart_text_width(body) / 1.3 <= 150);
        g_plain++;
        return;
    }
    const char *t_end = strstr(body, "</title>");
    assert_non_null(t_end);
    char full[512], joined[512] = "";
    snprintf(full, sizeof full, "%.*s", (int)(t_end - body - 7), body + 7);
    bool cut = strstr(body, "\xE2\x80\xA6") != NULL;
    const char *q = t_end + 8;
    int lines = 0;
    while ((q = strstr(q, "<tspan"))) {
        const char *a = strchr(q, '>') + 1, *b = strstr(a, "</tspan>");
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(b - a), a);
        assert_true(chart_text_width(line) / 1.3 <= 150.01);
        if (*joined && joined[strlen(joined) - 1] != '-')
            strcat(joined, " ");
        strcat(joined, line);
        lines++;
        q = b;
    }
    if (lines == 0) { /* one line, cut */
        assert_true(cut);
        g_cut++;
        return;
    }
    assert_true(lines <= 4);
    if (cut) {
        g_cut++;
    } else {
        assert_string_equal(joined, full); /* every word, none lost */
        g_wrapped++;
    }
}

static void test_network_labels(void **state)
{
    (void)state;
    static const char *const partners[] = {
        "Министарство привреде",
        "Научно-технолошки парк Београд",
        "Chamber of Commerce and Industry of Serbia",
        "Развојна агенција Србије",
        "Универзитет у Новом Саду",
        "Demo Donor Programme for Cluster Development",
        "Демо: програми Европске уније",
        "Фонд",
        "Институт за сензорске технологије и примењену електронику у Нишу и "
        "Београду, са огранцима у Новом Саду и Крагујевцу",
    };
    enum { NP = sizeof partners / sizeof *partners, NC = 5 };
    chart_net_node nodes[1 + NC + NP];
    nodes[0] = (chart_net_node){.label = "SCAN", .ring = 0};
    static const char *const clusters[NC] = {"Војвођански ИКТ кластер", "VMC",
                                             "Кластер информационих технологија", "NiCAT",
                                             "Аутомобилски кластер Србије"};
    for (int i = 0; i < NC; i++)
        nodes[1 + i] = (chart_net_node){.label = clusters[i], .ring = 1};
    for (int i = 0; i < NP; i++)
        nodes[1 + NC + i] = (chart_net_node){.label = partners[i], .ring = 2};
    chart_net_edge edges[NC + NP];
    for (size_t i = 0; i < NC + NP; i++)
        edges[i] = (chart_net_edge){.a = 0, .b = i + 1, .weight = 1, .title = "t"};
    const char *legend[4] = {"SCAN", "Clusters", "Partners", NULL};
    chart_opts o = {.id = "net", .title = "Network"};
    buf b = BUF_INIT, again = BUF_INIT;
    assert_int_equal(
        chart_network(&b, LANG_SR_CYRL, &o, nodes, 1 + NC + NP, edges, NC + NP, legend), 0);
    assert_int_equal(
        chart_network(&again, LANG_SR_CYRL, &o, nodes, 1 + NC + NP, edges, NC + NP, legend), 0);
    const char *s = buf_str(&b);
    assert_balanced(s);
    assert_string_equal(s, buf_str(&again));
    g_wrapped = g_cut = g_plain = 0;
    net_labels(s, check_label);
    assert_int_equal(g_wrapped + g_cut + g_plain, 1 + NC + NP);
    assert_int_equal(g_cut, 1); /* only the institute's four-line name */
    assert_true(g_wrapped >= 6);
    assert_non_null(strstr(s, "<title>Научно-технолошки парк Београд</title><tspan"));
    assert_non_null(strstr(s, ">Фонд</text>"));

    /* a dense ring (rotated labels): one line each, cut ones titled */
    enum { ND = 60 };
    static chart_net_node dense[1 + ND];
    static chart_net_edge dedges[ND];
    dense[0] = (chart_net_node){.label = "SCAN", .ring = 0};
    for (int i = 0; i < ND; i++) {
        dense[1 + i] = (chart_net_node){.label = partners[i % NP], .ring = 2};
        dedges[i] = (chart_net_edge){.a = 0, .b = (size_t)i + 1, .weight = 1, .title = "t"};
    }
    buf d = BUF_INIT;
    assert_int_equal(chart_network(&d, LANG_SR_CYRL, &o, dense, 1 + ND, dedges, ND, legend), 0);
    assert_balanced(buf_str(&d));
    g_wrapped = g_cut = g_plain = 0;
    net_labels(buf_str(&d), check_label);
    assert_int_equal(g_wrapped + g_cut + g_plain, 1 + ND);
    buf_free(&b);
    buf_free(&again);
    buf_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bar_shape_and_escaping),
        cmocka_unit_test(test_bar_languages),
        cmocka_unit_test(test_bar_empty),
        cmocka_unit_test(test_bar_zero_and_negative),
        cmocka_unit_test(test_bar_long_label),
        cmocka_unit_test(test_bar_caps_long_series),
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_line_money_negative_and_empty),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_share_caps_rows),
        cmocka_unit_test(test_custom_formatter_and_id),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_network_labels),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
