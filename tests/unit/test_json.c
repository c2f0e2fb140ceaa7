/* test_json.c: JSON writing is always valid and safe inside HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/utf8.h"
#include "json/json.h"
#include "random_text.h"

static void test_escaping_round_trips(void **state)
{
    const char *in = "quote\" back\\ nl\n tab\t ctl\x01 </script> & Ниш \xE2\x80\xA8";
    buf b = BUF_INIT;
    json_put_string(&b, in);
    assert_null(strchr(buf_str(&b), '<'));
    assert_null(strchr(buf_str(&b), '>'));
    assert_null(strstr(buf_str(&b), "\xE2\x80\xA8"));
    buf err = BUF_INIT;
    buf arr = BUF_INIT;
    buf_printf(&arr, "[%s]", buf_str(&b));
    json_t *v = json_parse(arr.data, arr.len, &err);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_array_get(v, 0)), in);
    json_decref(v);
    buf_free(&b);
    buf_free(&arr);
    buf_free(&err);
}

/* The API writers' member helpers: a comma, the key, the value. */
static void test_put_field(void **state)
{
    (void)state;
    buf o = BUF_INIT;
    buf_putc(&o, '{');
    json_put_key(&o, "id", true);
    json_put_int(&o, 7);
    json_put_field(&o, "name", "Niš \"A\"");
    json_put_field_int(&o, "n", -3);
    buf_putc(&o, '}');
    assert_string_equal(o.data, "{\"id\":7,\"name\":\"Niš \\\"A\\\"\",\"n\":-3}");
    buf_free(&o);
}

static void test_invalid_utf8_replaced(void **state)
{
    buf b = BUF_INIT;
    json_put_stringn(&b,
                     "a\xFF"
                     "b",
                     3);
    assert_string_equal(buf_str(&b), "\"a\\ufffdb\"");
    buf_free(&b);
}

static void test_parse_errors_say_where(void **state)
{
    buf err = BUF_INIT;
    assert_null(json_parse("{\"a\": 1,,}", 10, &err));
    assert_non_null(strstr(buf_str(&err), "line 1"));
    buf_reset(&err);
    assert_null(json_parse("{\"a\":1,\"a\":2}", 13, &err)); /* duplicate keys */
    buf_reset(&err);
    assert_null(json_parse("42", 2, &err));
    assert_non_null(strstr(buf_str(&err), "object"));
    buf_free(&err);
}

static void test_dump_matches_jansson(void **state)
{
    buf err = BUF_INIT;
    const char *text = "{\"n\":-12,\"s\":\"<x>\",\"a\":[true,false,null,1.5,2.0],\"o\":{}}";
    json_t *v = json_parse(text, strlen(text), &err);
    assert_non_null(v);
    buf out = BUF_INIT;
    assert_true(json_dump_buf(&out, v));
    assert_string_equal(
        buf_str(&out),
        "{\"n\":-12,\"s\":\"\\u003cx\\u003e\",\"a\":[true,false,null,1.5,2.0],\"o\":{}}");
    json_decref(v);
    buf_free(&out);
    buf_free(&err);
}

/* json_put_stringn as it was before its table lookup and inline two-byte
 * step: the reference the fast loop must agree with, byte for byte. */
static void put_plain(buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(out, '"');
    size_t i = 0;
    while (i < n) {
        /* A run that needs no escape is appended at once: one call per
         * character was 5% of a 100,000-entry import (revision snapshots). */
        size_t run = i;
        for (;;) {
            unsigned char r = run < n ? (unsigned char)s[run] : 0;
            if (run < n && r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '<' && r != '>' &&
                r != '&') {
                run++;
                continue;
            }
            if (run < n && r >= 0x80) {
                uint32_t cp;
                int len = utf8_decode(s + run, n - run, &cp);
                if (len > 0 && cp != 0x2028 && cp != 0x2029) {
                    run += (size_t)len;
                    continue;
                }
            }
            break;
        }
        if (run > i) {
            buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            int len = utf8_decode(s + i, n - i, &cp);
            if (len <= 0) {
                buf_puts(out, "\\ufffd");
                i++;
                continue;
            }
            if (cp == 0x2028 || cp == 0x2029) /* line separators break JS */
                buf_printf(out, "\\u%04x", (unsigned)cp);
            else
                buf_append(out, s + i, (size_t)len);
            i += (size_t)len;
            continue;
        }
        switch (c) {
        case '"':
            buf_puts(out, "\\\"");
            break;
        case '\\':
            buf_puts(out, "\\\\");
            break;
        case '\n':
            buf_puts(out, "\\n");
            break;
        case '\r':
            buf_puts(out, "\\r");
            break;
        case '\t':
            buf_puts(out, "\\t");
            break;
        case '<':
        case '>':
        case '&':
        default:
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_append(out, e, 6);
            } else {
                buf_putc(out, (char)c);
            }
        }
        i++;
    }
    buf_putc(out, '"');
}

static void test_string_matches_plain_loop(void **state)
{
    (void)state;
    uint32_t x = 362436069u;
    char text[96];
    for (int round = 0; round < 20000; round++) {
        size_t n = fast_random_text_any(&x, text, sizeof text, false);
        for (size_t off = 0; off < 9 && off <= n; off++) {
            buf want = BUF_INIT, got = BUF_INIT;
            put_plain(&want, text + off, n - off);
            json_put_stringn(&got, text + off, n - off);
            assert_false(buf_failed(&want) || buf_failed(&got));
            if (want.len != got.len || memcmp(want.data, got.data, want.len) != 0)
                fail_msg("round %d offset %zu: %s instead of %s", round, off, buf_str(&got),
                         buf_str(&want));
            buf_free(&want);
            buf_free(&got);
        }
    }
}

int main(void)
{
    json_setup();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping_round_trips),
        cmocka_unit_test(test_put_field),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_parse_errors_say_where),
        cmocka_unit_test(test_dump_matches_jansson),
        cmocka_unit_test(test_string_matches_plain_loop),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
