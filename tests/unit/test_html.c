/* test_html.c: the escaping writer: text, attributes, URLs, html_fmt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "html/html.h"

static void test_text_escapes_everything_dangerous(void **state)
{
    buf b = BUF_INIT;
    html_text(&b, "<script>alert(\"x\") & 'y'</script>");
    assert_string_equal(buf_str(&b),
                        "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;");
    buf_reset(&b);
    html_textn(&b, "a\0b", 3);
    assert_string_equal(buf_str(&b), "a\xEF\xBF\xBD"
                                     "b");
    buf_reset(&b);
    html_text(&b, "Ниш čćž");
    assert_string_equal(buf_str(&b), "Ниш čćž");
    buf_free(&b);
}

static void test_url_schemes(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"/orgs/voict", "/orgs/voict"},
        {"https://example.rs/?a=1&b=2", "https://example.rs/?a=1&amp;b=2"},
        {"HTTP://X.RS", "HTTP://X.RS"},
        {"mailto:office@scan.rs", "mailto:office@scan.rs"},
        {"javascript:alert(1)", "#"},
        {"JaVaScRiPt:alert(1)", "#"},
        {" java\tscript:alert(1)", "#"},
        {"data:text/html,<b>", "#"},
        {"vbscript:x", "#"},
        {"?q=a:b", "?q=a:b"},
        {"relative/path:with-colon-after-slash", "relative/path:with-colon-after-slash"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf b = BUF_INIT;
        html_url(&b, cases[i].in);
        assert_string_equal(buf_str(&b), cases[i].out);
        buf_free(&b);
    }
}

static void test_control_characters(void **state)
{
    buf b = BUF_INIT;
    const char in[] = "a\x07"
                      "b\tc\nd\x7f"
                      " e\xc2\x85"
                      "f\xc2\xa0"
                      "g";
    html_textn(&b, in, sizeof in - 1);
    assert_string_equal(buf_str(&b), "a\xef\xbf\xbd"
                                     "b\tc\nd\xef\xbf\xbd e\xef\xbf\xbd"
                                     "f\xc2\xa0g");
    buf_free(&b);
}

static void test_urlencode(void **state)
{
    buf b = BUF_INIT;
    html_urlencode(&b, "a b&c=d/é\"<");
    assert_string_equal(buf_str(&b), "a%20b%26c%3Dd%2F%C3%A9%22%3C");
    buf_free(&b);
}

static void test_fmt_directives(void **state)
{
    buf b = BUF_INIT;
    html_fmt(&b, "<a href=\"%u\" title=\"%s\">%s</a> %d %D %q %R 100%%", "javascript:x", "\"q\"",
             "<b>", 42, (long long)-9000000000LL, "a b", "<i>raw</i>");
    assert_string_equal(buf_str(&b), "<a href=\"#\" title=\"&quot;q&quot;\">&lt;b&gt;</a> 42 "
                                     "-9000000000 a%20b <i>raw</i> 100%");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_escapes_everything_dangerous),
        cmocka_unit_test(test_url_schemes),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_urlencode),
        cmocka_unit_test(test_fmt_directives),
    };
    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
