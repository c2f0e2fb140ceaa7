/* test_markdown: the one Markdown renderer refuses raw HTML and unsafe
 * links, turns images into links, shifts headings and writes Latin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "html/markdown.h"

static char *render(buf *b, const char *src, int base, unsigned flags)
{
    buf_reset(b);
    assert_true(md_html(b, src, strlen(src), base, flags));
    return (char *)buf_str(b);
}

static void test_raw_html_dropped(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    const char *h =
        render(&b, "<script>alert(1)</script>\n\nHi <b onclick=\"x()\">there</b>", 1, 0);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<b"));
    assert_null(strstr(h, "onclick"));
    assert_non_null(strstr(h, "there"));
    h = render(&b, "<iframe src=\"https://evil.example\"></iframe>", 1, 0);
    assert_null(strstr(h, "<iframe"));
    /* an entity stays text */
    h = render(&b, "a &lt;b&gt; & c", 1, 0);
    assert_string_equal(h, "<p>a &lt;b&gt; &amp; c</p>\n");
    buf_free(&b);
}

static void test_links(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    const char *h = render(&b, "[ok](https://scan.rs/a?b=1&c=2) and [rel](/orgs/x)", 1, 0);
    assert_non_null(strstr(h, "<a href=\"https://scan.rs/a?b=1&amp;c=2\">ok</a>"));
    assert_non_null(strstr(h, "<a href=\"/orgs/x\">rel</a>"));
    const char *bad[] = {"[x](javascript:alert(1))",    "[x](JaVaScRiPt:alert(1))",
                         "[x](vbscript:msgbox)",        "[x](data:text/html;base64,PHNjcmlwdD4=)",
                         "[x](file:///etc/passwd)",     "<javascript:alert(1)>",
                         "[x](java%0ascript:alert(1))", "[x]: javascript:y\n\n[x]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        h = render(&b, bad[i], 1, 0);
        assert_null(strstr(h, "href"));
        assert_null(strstr(h, "<a"));
    }
    /* the text of a refused link stays */
    h = render(&b, "see [the **law**](javascript:x)", 1, 0);
    assert_string_equal(h, "<p>see the <strong>law</strong></p>\n");
    h = render(&b, "write to <office@scan.rs>", 1, 0);
    assert_non_null(strstr(h, "href=\"mailto:office@scan.rs\""));
    buf_free(&b);
}

static void test_images_become_links(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    const char *h = render(&b, "![the map](https://scan.rs/map.png)", 1, 0);
    assert_null(strstr(h, "<img"));
    assert_string_equal(h, "<p><a href=\"https://scan.rs/map.png\">the map</a></p>\n");
    h = render(&b, "![x](javascript:alert(1))", 1, 0);
    assert_string_equal(h, "<p>x</p>\n");
    buf_free(&b);
}

static void test_headings_shift(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    assert_string_equal(render(&b, "# A\n\n## B\n\n###### C", 3, 0),
                        "<h3>A</h3>\n<h4>B</h4>\n<h6>C</h6>\n");
    assert_string_equal(render(&b, "# A", 1, 0), "<h1>A</h1>\n");
    buf_free(&b);
}

static void test_latin(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    const char *h = render(&b, "**Ниш** и [Љубљана](https://ниш.рс/Ђ) `Ђ`", 1, MD_LATIN);
    /* cmark percent-encodes the URL; it is not transliterated */
    assert_string_equal(h, "<p><strong>Niš</strong> i <a "
                           "href=\"https://%D0%BD%D0%B8%D1%88.%D1%80%D1%81/%D0%82\">Ljubljana</a> "
                           "<code>Ђ</code></p>\n");
    buf_free(&b);
}

static void test_bad_utf8(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    const char src[] = "a\xff\xfe b";
    assert_true(md_html(&b, src, sizeof src - 1, 1, 0));
    assert_string_equal(buf_str(&b), "<p>a\xef\xbf\xbd\xef\xbf\xbd b</p>\n");
    buf_reset(&b);
    assert_true(md_html(&b, NULL, 0, 1, 0));
    assert_string_equal(buf_str(&b), "");
    buf_free(&b);
}

static void test_text(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    const char *src = "# Title\n\nFirst *para*\nsame para.\n\n- one\n- [two](https://a.rs)\n\n"
                      "<b>raw</b> [bad](javascript:x)\n\n```\ncode\n```\n";
    assert_true(md_text(&b, src, strlen(src), 0));
    assert_string_equal(buf_str(&b), "Title\n\nFirst para same para.\n\n- one\n- two (https://a.rs)"
                                     "\n\nraw bad\n\ncode");
    buf_reset(&b);
    assert_true(md_text(&b, "Ниш", strlen("Ниш"), MD_LATIN));
    assert_string_equal(buf_str(&b), "Niš");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_html_dropped),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_images_become_links),
        cmocka_unit_test(test_headings_shift),
        cmocka_unit_test(test_latin),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests_name("markdown", tests, NULL, NULL);
}
