/* test_json.c: JSON writing is always valid and safe inside HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "json/json.h"

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

int main(void)
{
    json_setup();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping_round_trips),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_parse_errors_say_where),
        cmocka_unit_test(test_dump_matches_jansson),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
