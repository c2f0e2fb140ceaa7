/* test_api.c: API cursors round-trip and refuse what is not ours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "api/api.h"

static void test_cursor_round_trip(void **state)
{
    const int64_t keys[] = {0, 1, 35, 36, 123456789, INT64_MAX};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        buf b = BUF_INIT;
        api_cursor_encode(&b, keys[i]);
        int64_t back = -1;
        assert_true(api_cursor_decode(buf_str(&b), &back));
        assert_int_equal(back, keys[i]);
        buf_free(&b);
    }
}

static void test_cursor_refuses_garbage(void **state)
{
    int64_t v;
    const char *bad[] = {"", "c", "x12", "c-1", "cABC", "c zz", "czzzzzzzzzzzzz", "c3w5e11264sgsg"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(api_cursor_decode(bad[i], &v));
    assert_false(api_cursor_decode(NULL, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cursor_round_trip),
        cmocka_unit_test(test_cursor_refuses_garbage),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
