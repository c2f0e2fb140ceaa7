/* test_utf8.c: unit tests for core/utf8 (validation, decoding, Serbian
 * transliteration and search folding). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"
#include "random_text.h"

/* ---- helpers ------------------------------------------------------------ */

static bool valid(const char *s)
{
    return utf8_valid(s, strlen(s), false);
}

/* Checks utf8_cyr_to_lat(in) == want. */
static void check_lat(const char *in, const char *want)
{
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, in, strlen(in));
    assert_false(buf_failed(&b));
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

/* Checks utf8_fold(in) == want. */
static void check_fold(const char *in, const char *want)
{
    buf b = BUF_INIT;
    utf8_fold(&b, in, strlen(in));
    assert_false(buf_failed(&b));
    if (strcmp(buf_str(&b), want) != 0)
        fail_msg("fold(\"%s\") = \"%s\", want \"%s\"", in, buf_str(&b), want);
    assert_true(utf8_valid(b.data ? b.data : "", b.len, true));
    buf_free(&b);
}

/* ---- validation and decoding -------------------------------------------- */

static void test_valid_good(void **state)
{
    (void)state;
    assert_true(valid(""));
    assert_true(valid("plain ASCII"));
    assert_true(valid("Niš Ниш Ђорђе €"));
    assert_true(valid("\xF0\x9F\x98\x80"));             /* U+1F600 */
    assert_true(valid("\xF4\x8F\xBF\xBF"));             /* U+10FFFF */
    assert_true(valid("\xEF\xBF\xBF"));                 /* U+FFFF */
    assert_true(valid("\xED\x9F\xBF"));                 /* U+D7FF, just below surrogates */
    assert_true(valid("\xEE\x80\x80"));                 /* U+E000, just above */
    assert_true(valid("\xC2\x80\xDF\xBF\xE0\xA0\x80")); /* smallest 2- and 3-byte forms */
    assert_true(valid("\xF0\x90\x80\x80"));             /* U+10000 */
}

static void test_valid_overlong(void **state)
{
    (void)state;
    assert_false(valid("\xC0\x80"));         /* NUL */
    assert_false(valid("\xC1\xBF"));         /* U+007F */
    assert_false(valid("\xC0\xAF"));         /* '/' */
    assert_false(valid("\xE0\x80\xAF"));     /* '/' in three bytes */
    assert_false(valid("\xE0\x9F\xBF"));     /* U+07FF in three bytes */
    assert_false(valid("\xF0\x80\x80\xAF")); /* '/' in four bytes */
    assert_false(valid("\xF0\x8F\xBF\xBF")); /* U+FFFF in four bytes */
}

static void test_valid_surrogates_and_range(void **state)
{
    (void)state;
    assert_false(valid("\xED\xA0\x80"));             /* U+D800 */
    assert_false(valid("\xED\xBF\xBF"));             /* U+DFFF */
    assert_false(valid("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
    assert_false(valid("\xF4\x90\x80\x80"));         /* U+110000 */
    assert_false(valid("\xF5\x80\x80\x80"));
    assert_false(valid("\xF7\xBF\xBF\xBF"));
    assert_false(valid("\xF8\x88\x80\x80\x80")); /* old five-byte form */
    assert_false(valid("\xFE"));
    assert_false(valid("\xFF"));
}

static void test_valid_truncated(void **state)
{
    (void)state;
    assert_false(valid("\xC3"));
    assert_false(valid("a\xC3"));
    assert_false(valid("\xE2\x82"));
    assert_false(valid("\xF0\x9F\x98"));
    assert_false(valid("\xF0\x9F"));
    assert_false(valid("\x80"));         /* lone continuation */
    assert_false(valid("\xC3\x28"));     /* bad continuation */
    assert_false(valid("\xE2\x28\xA1")); /* bad second byte */
    assert_false(valid("\xE2\x82\x28")); /* bad third byte */
    /* the length argument is honoured: "é" cut to one byte */
    assert_false(utf8_valid("\xC3\xA9", 1, false));
    assert_true(utf8_valid("\xC3\xA9", 2, false));
}

static void test_valid_nul(void **state)
{
    (void)state;
    static const char s[] = {'a', '\0', 'b'};
    assert_false(utf8_valid(s, sizeof s, false));
    assert_true(utf8_valid(s, sizeof s, true));
    assert_true(utf8_valid(s, 1, false));
    assert_true(utf8_valid(NULL, 0, false));
}

static void test_decode(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(utf8_decode("\0", 1, &cp), 1);
    assert_int_equal(cp, 0);
    assert_int_equal(utf8_decode("š", 2, &cp), 2);
    assert_int_equal(cp, 0x161);
    assert_int_equal(utf8_decode("Ђ", 2, &cp), 2);
    assert_int_equal(cp, 0x402);
    assert_int_equal(utf8_decode("€", 3, &cp), 3);
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(utf8_decode("", 0, &cp), 0);
    assert_int_equal(utf8_decode("\xE2\x82\xAC", 2, &cp), 0);
    assert_int_equal(utf8_decode("\xC0\x80", 2, &cp), 0);
}

static void test_put_roundtrip(void **state)
{
    (void)state;
    static const uint32_t cps[] = {0x01,   0x7F,   0x80,   0x7FF,   0x800,   0xD7FF,
                                   0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        buf b = BUF_INIT;
        utf8_put(&b, cps[i]);
        uint32_t cp = 0;
        int len = utf8_decode(b.data, b.len, &cp);
        assert_int_equal((size_t)len, b.len);
        assert_int_equal(cp, cps[i]);
        buf_free(&b);
    }
    /* no encoding: written as U+FFFD */
    buf b = BUF_INIT;
    utf8_put(&b, 0xD800);
    utf8_put(&b, 0x110000);
    assert_string_equal(buf_str(&b), "\xEF\xBF\xBD\xEF\xBF\xBD");
    buf_free(&b);
}

/* ---- transliteration ---------------------------------------------------- */

static void test_translit_alphabet(void **state)
{
    (void)state;
    check_lat("абвгдђежзијклљмнњопрстћуфхцчџш", "abvgdđežzijklljmnnjoprstćufhcčdžš");
    /* all capitals: the digraphs have upper-case neighbours */
    check_lat("АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ", "ABVGDĐEŽZIJKLLJMNNJOPRSTĆUFHCČDŽŠ");
    /* one capital at a time, each alone */
    static const char *const pairs[][2] = {
        {"А", "A"}, {"Б", "B"},  {"В", "V"}, {"Г", "G"}, {"Д", "D"},  {"Ђ", "Đ"},
        {"Е", "E"}, {"Ж", "Ž"},  {"З", "Z"}, {"И", "I"}, {"Ј", "J"},  {"К", "K"},
        {"Л", "L"}, {"Љ", "Lj"}, {"М", "M"}, {"Н", "N"}, {"Њ", "Nj"}, {"О", "O"},
        {"П", "P"}, {"Р", "R"},  {"С", "S"}, {"Т", "T"}, {"Ћ", "Ć"},  {"У", "U"},
        {"Ф", "F"}, {"Х", "H"},  {"Ц", "C"}, {"Ч", "Č"}, {"Џ", "Dž"}, {"Ш", "Š"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        check_lat(pairs[i][0], pairs[i][1]);
}

static void test_translit_digraph_case(void **state)
{
    (void)state;
    check_lat("ЉУБА", "LJUBA");
    check_lat("Љуба", "Ljuba");
    check_lat("ЊЕГОШ", "NJEGOŠ");
    check_lat("Његош", "Njegoš");
    check_lat("Џ", "Dž");
    check_lat("ЏЏ", "DŽDŽ");
    check_lat("Џеп", "Džep");
    check_lat("ЏЕП", "DŽEP");
    check_lat("ЉЉ", "LJLJ");
    check_lat("ПЉ", "PLJ");       /* upper-case neighbour before */
    check_lat("Љ Уба", "Lj Uba"); /* a space is no neighbour */
    check_lat("ЏEP", "DŽEP");     /* Latin capitals count as neighbours */
    check_lat("ИЗ ЊЕГА", "IZ NJEGA");
}

static void test_translit_passthrough(void **state)
{
    (void)state;
    check_lat("ICT кластер", "ICT klaster");
    check_lat("Кластер ICT Србије", "Klaster ICT Srbije");
    check_lat("https://example.rs/путања?q=1", "https://example.rs/putanja?q=1");
    check_lat("Niš, Đorđe, €5", "Niš, Đorđe, €5");
    check_lat("Ё ы €", "Ё ы €"); /* non-Serbian Cyrillic is kept */
    check_lat("", "");
    check_lat("Кластерска асоцијација Србије", "Klasterska asocijacija Srbije");
}

static void test_translit_malformed(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b,
                    "а\xC3"
                    "б\xFF",
                    6);
    assert_string_equal(buf_str(&b), "a\xEF\xBF\xBD"
                                     "b\xEF\xBF\xBD");
    buf_free(&b);
}

/* ---- folding ------------------------------------------------------------ */

static void test_fold_nis(void **state)
{
    (void)state;
    check_fold("Niš", "nis");
    check_fold("Nis", "nis");
    check_fold("Ниш", "nis");
    check_fold("НИШ", "nis");
    check_fold("NIŠ", "nis");
    check_fold("niš", "nis");
    check_fold("Nis\xCC\x8C", "nis"); /* decomposed š: s + combining caron */
}

static void test_fold_dj(void **state)
{
    (void)state;
    check_fold("Đorđe", "dorde");
    check_fold("Djordje", "dorde");
    check_fold("Dorde", "dorde");
    check_fold("Ђорђе", "dorde");
    check_fold("ĐORĐE", "dorde");
    check_fold("DJORDJE", "dorde");
    check_fold("ЂОРЂЕ", "dorde");
    check_fold("Дјордје", "dorde"); /* Cyrillic д + ј folds as "dj" */
}

static void test_fold_diacritics(void **state)
{
    (void)state;
    check_fold("čćšžđ", "ccszd");
    check_fold("ČĆŠŽĐ", "ccszd");
    check_fold("џеп", "dzep");
    check_fold("Džep", "dzep");
    check_fold("DŽEP", "dzep");
    check_fold("ǅep", "dzep"); /* the single-letter digraph */
    check_fold("Čačak", "cacak");
    check_fold("Чачак", "cacak");
    check_fold("Ćuprija", "cuprija");
    check_fold("Žitište", "zitiste");
    check_fold("Café Müller", "cafe muller");
    check_fold("Straße", "strasse");
    check_fold("ÀÉÎÕÜÇÑØÅÆŒ", "aeioucnoaaeoe");
    check_fold("Łódź", "lodz");
    check_fold("İstanbul", "istanbul");
    check_fold("Ljubljana", "ljubljana");
    check_fold("Љубљана", "ljubljana");
    check_fold("Нови Сад", "novi sad");
}

static void test_fold_other(void **state)
{
    (void)state;
    check_fold("ICT 2026", "ict 2026");
    check_fold("ΑΘΗΝΑ", "αθηνα");
    check_fold("ΟΔΟΣ", "οδοσ"); /* final sigma folds like σ */
    check_fold("МОСКВА", "moskva");
    check_fold("ЁЖ", "ёz"); /* Ё is not Serbian: lower-cased, kept */
    check_fold("€ × ÷ 日本", "€ × ÷ 日本");
    check_fold("", "");
    /* a j after a folded d goes however many follow: folding is idempotent
     * (fuzz_words found "đjJ" folding to "dj", which folds again to "d") */
    check_fold("ĐjJu", "du");
    check_fold("djjj", "d");
    check_fold("Ђјј", "d");
}

static void test_fold_malformed(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    utf8_fold(&b, "A\xC0\x80Š\xE2\x82", 7);
    assert_string_equal(buf_str(&b), "a\xEF\xBF\xBD\xEF\xBF\xBD"
                                     "s\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_true(utf8_valid(b.data, b.len, false));
    buf_free(&b);
    /* NUL bytes are kept */
    static const char nul[] = {'A', '\0', 'B'};
    utf8_fold(&b, nul, sizeof nul);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);
    buf_free(&b);
}

/* Folding arbitrary bytes never crashes and always yields valid UTF-8;
 * folding a transliteration gives the same as folding the original. */
static void test_fold_random(void **state)
{
    (void)state;
    uint32_t x = 2463534242u;
    char in[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        size_t len = (size_t)(x % sizeof in);
        for (n = 0; n < len; n++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            in[n] = (char)(x >> 24);
        }
        buf b = BUF_INIT, c = BUF_INIT;
        utf8_fold(&b, in, n);
        assert_true(utf8_valid(buf_str(&b), b.len, true));
        utf8_cyr_to_lat(&c, in, n);
        assert_true(utf8_valid(buf_str(&c), c.len, true));
        buf_free(&b);
        buf_free(&c);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    static const char *const words[] = {"Ђорђе Његош", "Љубљана ЏЕП", "Ниш и Чачак", "ICT кластер"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        buf lat = BUF_INIT, f1 = BUF_INIT, f2 = BUF_INIT;
        utf8_cyr_to_lat(&lat, words[i], strlen(words[i]));
        utf8_fold(&f1, words[i], strlen(words[i]));
        utf8_fold(&f2, lat.data, lat.len);
        assert_string_equal(buf_str(&f1), buf_str(&f2));
        buf_free(&lat);
        buf_free(&f1);
        buf_free(&f2);
    }
}

/* Long runs of two-byte letters, the fold's in-place loop: "ß" folds to
 * as many bytes as it takes (the loop's room is checked once per run),
 * after text already in the buffer and across its growth; a letter after
 * "d" and the j of "dj" still fold as one by one. */
static void test_fold_two_byte_runs(void **state)
{
    (void)state;
    enum { N = 5000 };
    buf in = BUF_INIT, want = BUF_INIT, out = BUF_INIT;
    for (int k = 0; k < N; k++) {
        buf_puts(&in, "\xC3\x9F"); /* ß */
        buf_puts(&want, "ss");
    }
    buf_puts(&out, "abc ");
    utf8_fold(&out, in.data, in.len);
    assert_int_equal(out.len, 4 + want.len);
    assert_memory_equal(out.data + 4, want.data, want.len);
    assert_int_equal(out.data[out.len], '\0');
    buf_reset(&in);
    buf_reset(&want);
    buf_reset(&out);
    for (int k = 0; k < N; k++) {
        buf_puts(&in, "Ђорђе Дјордје ЖЉЊ ");
        buf_puts(&want, "dorde dorde zljnj ");
    }
    utf8_fold(&out, in.data, in.len);
    assert_string_equal(buf_str(&out), buf_str(&want));
    buf_free(&in);
    buf_free(&want);
    buf_free(&out);
}

/* utf8_valid as it was before its eight-byte step and inline two-byte
 * step: the reference its fast loop must agree with. */
static bool valid_plain(const char *s, size_t n, bool allow_nul)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || (cp == 0 && !allow_nul))
            return false;
        i += (size_t)len;
    }
    return true;
}

static void test_valid_matches_plain_loop(void **state)
{
    (void)state;
    uint32_t x = 88172645u;
    char text[96];
    size_t n_valid = 0;
    for (int round = 0; round < 20000; round++) {
        size_t n = fast_random_text_any(&x, text, sizeof text, false);
        for (size_t off = 0; off < 9 && off <= n; off++)
            for (int nul = 0; nul < 2; nul++) {
                bool want = valid_plain(text + off, n - off, nul);
                n_valid += want;
                if (utf8_valid(text + off, n - off, nul) != want)
                    fail_msg("round %d offset %zu allow_nul %d: expected %d", round, off, nul,
                             want);
            }
    }
    assert_true(n_valid > 10000); /* both answers were exercised */
}

/* Random texts made of the bytes the fast paths look at (leads C0..DF and
 * the rest, continuations, ASCII, NUL, three- and four-byte leads), at
 * every offset and length, agree with the reference. */
static void test_valid_fast_paths(void **state)
{
    (void)state;
    static const unsigned char pick[] = {'a',  ' ',  0x00, 0x7F, 0x80, 0x8F, 0xBF, 0xC0, 0xC1,
                                         0xC2, 0xD0, 0xD1, 0xDF, 0xE0, 0xE2, 0xED, 0xF0, 0xF4,
                                         0xF5, 0xFF, 0xD0, 0x9D, 0xD1, 0x88, 0xA0, 0xB0};
    uint32_t x = 88172645u;
    char in[40];
    size_t fails = 0;
    for (int round = 0; round < 200000; round++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t len = x % sizeof in;
        /* mostly well-formed Cyrillic and ASCII, with one byte changed */
        for (size_t k = 0; k < len;) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if (x % 3 && k + 2 <= len) {
                in[k++] = (char)(0xD0 | (x >> 8 & 1));
                in[k++] = (char)(0x80 | (x >> 9 & 0x3F));
            } else {
                in[k++] = (char)(x % 5 ? 'a' + (x >> 10) % 26 : ' ');
            }
        }
        if (len) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            in[(x >> 8) % len] = (char)pick[(x >> 16) % sizeof pick];
        }
        for (int nul = 0; nul < 2; nul++) {
            bool want = valid_plain(in, len, nul), got = utf8_valid(in, len, nul);
            if (want != got)
                fail_msg("round %d: %d bytes, allow_nul %d: utf8_valid %d, reference %d", round,
                         (int)len, nul, got, want);
            fails += !want;
        }
    }
    assert_true(fails > 10000); /* both answers were tried, often */
    /* each lead 0xC0..0xDF before a continuation, at each of four places */
    for (int lead = 0xC0; lead <= 0xDF; lead++)
        for (int at = 0; at < 8; at += 2) {
            char t[8] = {'\xD0', '\x9D', '\xD0', '\x9D', '\xD0', '\x9D', '\xD0', '\x9D'};
            t[at] = (char)lead;
            assert_int_equal(utf8_valid(t, 8, false), lead >= 0xC2);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_good),
        cmocka_unit_test(test_valid_matches_plain_loop),
        cmocka_unit_test(test_valid_overlong),
        cmocka_unit_test(test_valid_surrogates_and_range),
        cmocka_unit_test(test_valid_truncated),
        cmocka_unit_test(test_valid_nul),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_put_roundtrip),
        cmocka_unit_test(test_translit_alphabet),
        cmocka_unit_test(test_translit_digraph_case),
        cmocka_unit_test(test_translit_passthrough),
        cmocka_unit_test(test_translit_malformed),
        cmocka_unit_test(test_fold_nis),
        cmocka_unit_test(test_fold_dj),
        cmocka_unit_test(test_fold_diacritics),
        cmocka_unit_test(test_fold_other),
        cmocka_unit_test(test_fold_malformed),
        cmocka_unit_test(test_fold_random),
        cmocka_unit_test(test_valid_fast_paths),
        cmocka_unit_test(test_fold_two_byte_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
