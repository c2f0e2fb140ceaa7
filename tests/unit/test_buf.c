/* test_buf.c: the growable buffer: appends, formatting, sticky OOM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"

static void test_append_and_grow(void **state)
{
    buf b = BUF_INIT;
    assert_string_equal(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_puts(&b, "abc");
    assert_int_equal(b.len, 3000);
    assert_true(b.cap > 3000);
    assert_int_equal(b.data[3000], '\0');
    assert_memory_equal(b.data + 2997, "abc", 3);
    buf_free(&b);
    assert_null(b.data);
}

static void test_printf_long(void **state)
{
    buf b = BUF_INIT;
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_printf(&b, "%d-%s-%d", 7, big, 9);
    assert_int_equal(b.len, 2 + 599 + 2);
    assert_int_equal(b.data[0], '7');
    assert_int_equal(b.data[b.len - 1], '9');
    buf_free(&b);
}

static void test_sticky_failure(void **state)
{
    buf b = BUF_INIT;
    buf_puts(&b, "ok");
    mem_fail_after(0);
    buf_reserve(&b, 1 << 20);
    mem_fail_after(-1);
    assert_true(buf_failed(&b));
    buf_puts(&b, "more"); /* no-op after failure */
    assert_int_equal(b.len, 2);
    size_t n = 99;
    assert_null(buf_detach(&b, &n));
    assert_int_equal(n, 0);
    assert_null(b.data);
}

static void test_detach_and_reset(void **state)
{
    buf b = BUF_INIT;
    size_t n = 99;
    char *p = buf_detach(&b, &n); /* empty buffer still gives a string */
    assert_non_null(p);
    assert_int_equal(n, 0);
    assert_string_equal(p, "");
    free(p);
    buf_puts(&b, "hello");
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    buf_putc(&b, 'z');
    p = buf_detach(&b, &n);
    assert_string_equal(p, "z");
    assert_int_equal(n, 1);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_grow),
        cmocka_unit_test(test_printf_long),
        cmocka_unit_test(test_sticky_failure),
        cmocka_unit_test(test_detach_and_reset),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
