/* test_num.c: unit tests for src/core/num.c, numbers as people type them,
 * one table per habit (Serbian, English, neither), and the ambiguity
 * message of http/form.c in each language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/num.h"
#include "http/form.h"
#include "i18n/i18n.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

typedef struct {
    const char *in;
    int decimals;
    num_status want;
    int64_t value; /* scaled for NUM_OK, the digits for NUM_AMBIGUOUS */
} num_case;

static void run(const num_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t v = -777;
        num_status st = num_parse(c[i].in, strlen(c[i].in), c[i].decimals, &v);
        if (st != c[i].want)
            fail_msg("\"%s\" (%d decimals): status %d, want %d", c[i].in, c[i].decimals, st,
                     c[i].want);
        if ((st == NUM_OK || st == NUM_AMBIGUOUS) && v != c[i].value)
            fail_msg("\"%s\": %lld, want %lld", c[i].in, (long long)v, (long long)c[i].value);
        if (st != NUM_OK && st != NUM_AMBIGUOUS && v != -777)
            fail_msg("\"%s\": wrote %lld on failure", c[i].in, (long long)v);
    }
}

/* How a Serbian reader writes: point groups, comma is decimal. */
static void test_serbian_habit(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"1.234.567,89", 2, NUM_OK, 123456789},
        {"1.234.567", 0, NUM_OK, 1234567},
        {"1.234.567", 2, NUM_OK, 123456700},
        {"1.234,5", 2, NUM_OK, 123450},
        {"1234,56", 2, NUM_OK, 123456},
        {"0,05", 2, NUM_OK, 5},
        {"-12,5", 2, NUM_OK, -1250},
        {"1 234 567,89", 2, NUM_OK, 123456789},
        {"1\xC2\xA0"
         "234,50",
         2, NUM_OK, 123450}, /* no-break space */
        {"1\xE2\x80\xAF"
         "234",
         0, NUM_OK, 1234}, /* narrow no-break space */
        {"12.500.000", 0, NUM_OK, 12500000},
        {"1.234", 0, NUM_AMBIGUOUS, 1234},
        {"1.234", 2, NUM_AMBIGUOUS, 1234},
        {"-12.500", 2, NUM_AMBIGUOUS, -12500},
        {"1.234.567,891", 2, NUM_DECIMALS, 0},
        {"1.234,5", 0, NUM_DECIMALS, 0},
        {"1.23.456", 0, NUM_BAD, 0},
        {"1.234.56", 0, NUM_BAD, 0},
        {"1234.567.890", 0, NUM_BAD, 0},
        {"1.234 567", 0, NUM_BAD, 0}, /* two kinds of grouping */
    };
    run(c, N_ELEMS(c));
}

/* How an English reader (or a spreadsheet export) writes: comma groups,
 * point is decimal, or no grouping at all. */
static void test_english_habit(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"1234567.89", 2, NUM_OK, 123456789},
        {"1,234,567.89", 2, NUM_OK, 123456789},
        {"1,234,567", 0, NUM_OK, 1234567},
        {"1234.5", 2, NUM_OK, 123450},
        {"-0.99", 2, NUM_OK, -99},
        {"1234.567", 3, NUM_OK, 1234567}, /* four leading digits: cannot be grouping */
        {"0.123", 3, NUM_OK, 123},        /* a leading 0 cannot start a group */
        {"1'234'567.5", 2, NUM_OK, 123456750},
        {"1,234", 0, NUM_AMBIGUOUS, 1234},
        {"999,999", 2, NUM_AMBIGUOUS, 999999},
        {"1234.567", 2, NUM_DECIMALS, 0},
        {"1.0", 0, NUM_DECIMALS, 0},
        {"1,23,456", 0, NUM_BAD, 0},
        {"12,34.5", 2, NUM_BAD, 0},
    };
    run(c, N_ELEMS(c));
}

/* Neither habit: plain digits, limits and garbage. */
static void test_plain_and_bad(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"0", 0, NUM_OK, 0},
        {"-0", 0, NUM_OK, 0},
        {"007", 0, NUM_OK, 7},
        {"9223372036854775807", 0, NUM_OK, INT64_MAX},
        {"-9223372036854775808", 0, NUM_OK, INT64_MIN},
        {"9.223.372.036.854.775.807", 0, NUM_OK, INT64_MAX},
        {"92233720368547758,07", 2, NUM_OK, INT64_MAX},
        {"9223372036854775808", 0, NUM_RANGE, 0},
        {"92233720368547758,08", 2, NUM_RANGE, 0},
        {"100000000000000000000", 2, NUM_RANGE, 0},
        {"", 0, NUM_BAD, 0},
        {"-", 0, NUM_BAD, 0},
        {"--1", 0, NUM_BAD, 0},
        {"+1", 0, NUM_BAD, 0},
        {"1.", 2, NUM_BAD, 0},
        {".5", 2, NUM_BAD, 0},
        {",5", 2, NUM_BAD, 0},
        {"1..2", 2, NUM_BAD, 0},
        {"1, 234", 0, NUM_BAD, 0},
        {"1e3", 0, NUM_BAD, 0},
        {"0x10", 0, NUM_BAD, 0},
        {"12a", 0, NUM_BAD, 0},
        {"1.5a", 2, NUM_BAD, 0},
        {"\xD9\xA1", 0, NUM_BAD, 0}, /* Arabic-Indic one */
        {"1\xC2", 0, NUM_BAD, 0},    /* a cut no-break space */
        {"1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6.7.8.9.0.1.2.3", 0, NUM_BAD, 0},
    };
    run(c, N_ELEMS(c));
}

static char *ambiguity_text(lang_id lang, const char *typed, const char *kind)
{
    arena a = ARENA_INIT;
    char body[64];
    snprintf(body, sizeof body, "n=%s", typed);
    form f;
    assert_int_equal(form_parse_urlencoded(&a, body, strlen(body), &f, NULL), FORM_OK);
    form_rule r = {"n", strcmp(kind, "int") == 0 ? FV_INT : FV_MONEY, 0, 0, 0, NULL};
    form_value v;
    form_errors errs = {0};
    assert_false(form_validate(&a, &f, &r, 1, &v, &errs));
    assert_int_equal(errs.items[0].code, FE_AMBIGUOUS_NUMBER);
    assert_string_equal(v.text, typed); /* kept as typed for the form */
    buf b = BUF_INIT;
    form_error_text(&b, lang, &errs.items[0]);
    assert_false(buf_failed(&b));
    arena_free(&a);
    return buf_detach(&b, NULL);
}

/* The refusal shows both readings in the reader's own habit. */
static void test_ambiguity_message(void **state)
{
    (void)state;
    static const struct {
        lang_id lang;
        const char *typed, *kind, *want;
    } c[] = {
        {LANG_EN, "1.234", "money",
         "Read as 1234 or as 1.234? A point or comma followed by three digits can mean either; "
         "write 1234 for the whole number, without a thousands separator."},
        {LANG_EN, "1,234", "int", "Read as 1234 or as 1.234?"},
        {LANG_SR_CYRL, "1.234", "money", "Да ли је то 1234 или 1,234?"},
        {LANG_SR_LATN, "-12.500", "money", "Da li je to -12500 ili -12,500?"},
    };
    for (size_t i = 0; i < N_ELEMS(c); i++) {
        char *s = ambiguity_text(c[i].lang, c[i].typed, c[i].kind);
        if (strncmp(s, c[i].want, strlen(c[i].want)) != 0)
            fail_msg("%s: \"%s\"", c[i].typed, s);
        free(s);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return i18n_init();
}

static int group_teardown(void **state)
{
    (void)state;
    i18n_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serbian_habit),
        cmocka_unit_test(test_english_habit),
        cmocka_unit_test(test_plain_and_bad),
        cmocka_unit_test(test_ambiguity_message),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
