/* test_import.c: unit tests for what the importers read (core/csv.h's
 * encoding and separator detection, core/xlsx.h) and the shared skeleton
 * model/import.h: Excel's Serbian "CSV" (Windows-1250, semicolons), UTF-8
 * with and without BOM, UTF-16; workbooks written by libxlsxwriter with
 * shared strings and with inline strings; broken, bomb-like and hostile
 * workbooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/csv.h"
#include "core/xlsx.h"
#include "model/import.h"

/* ---- encodings and separators ------------------------------------------------ */

static void decode_ok(const char *in, size_t n, csv_encoding want_enc, const char *want)
{
    arena a = ARENA_INIT;
    csv_encoding enc;
    const char *out;
    size_t out_n;
    int64_t bad = -1;
    assert_int_equal(csv_decode(&a, in, n, &enc, &out, &out_n, &bad), CSV_DEC_OK);
    assert_int_equal(enc, want_enc);
    assert_int_equal(bad, 0);
    assert_int_equal(out_n, strlen(want));
    assert_memory_equal(out, want, out_n);
    arena_free(&a);
}

static void test_decode_utf8(void **state)
{
    (void)state;
    decode_ok("pib;naziv\nNiš", strlen("pib;naziv\nNiš"), CSV_ENC_UTF8, "pib;naziv\nNiš");
    decode_ok("\xEF\xBB\xBFpib,Ниш", strlen("\xEF\xBB\xBFpib,Ниш"), CSV_ENC_UTF8_BOM, "pib,Ниш");
    decode_ok("", 0, CSV_ENC_UTF8, "");
}

/* csv_bad_utf8_line: 0 for valid text (ASCII runs longer than the eight
 * bytes checked at a time, two-, three- and four-byte characters), else
 * the line of the first byte that is not UTF-8 or is NUL, wherever it
 * falls in an eight-byte run. */
static void test_bad_utf8_line(void **state)
{
    (void)state;
    static const char ok[] = "slug,name\nabcdefghijklmnopq,Ниш Đorđe\n€ 𝄞 x\n";
    assert_int_equal(csv_bad_utf8_line(ok, sizeof ok - 1), 0);
    assert_int_equal(csv_bad_utf8_line("", 0), 0);
    static const struct {
        const char *s;
        size_t n;
        int64_t line;
    } bad[] = {
        {"abcdefgh\nijklmnop\nq\xffrstuvwx\n", 28, 3}, /* a byte no character starts with */
        {"a\nbcdefghij\0klm\n", 16, 2},                /* NUL inside an ASCII run */
        {"a\nb\nc\n\xed\xa0\x80", 9, 4},               /* a surrogate */
        {"\xc0\xaf\n", 3, 1},                          /* overlong */
        {"abc\nНиш\xd0", 11, 2},                       /* cut short at the end */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(csv_bad_utf8_line(bad[i].s, bad[i].n), bad[i].line);

    /* a text of 8 MiB or more is checked in two halves at once: a
     * character across the middle, a bad byte in either half or cut short
     * right before the middle, each found (and on the right line) */
    size_t n = (size_t)9 << 20, mid = n / 2;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 61 == 60 ? '\n' : 'a';
    for (int k = 0; k < 4; k++) { /* "€" (three bytes) ending at mid .. mid + 3 */
        char keep[3];
        memcpy(keep, big + mid - 2 + k, 3);
        memcpy(big + mid - 2 + k, "\xe2\x82\xac", 3);
        assert_int_equal(csv_bad_utf8_line(big, n), 0);
        memcpy(big + mid - 2 + k, keep, 3);
    }
    const struct {
        ptrdiff_t at; /* from mid */
        char c;
    } hits[] = {
        {-1, '\xe2'}, /* cut short: the first half ends inside a character */
        {0, '\x82'},  /* a continuation byte with nothing before it */
        {1, '\x82'},
        {-(ptrdiff_t)mid - 1 + 100, '\xff'}, /* early in the first half */
    };
    for (size_t i = 0; i < sizeof hits / sizeof *hits; i++) {
        size_t at = (size_t)((ptrdiff_t)mid + hits[i].at);
        char keep = big[at];
        big[at] = hits[i].c;
        int64_t line = 1;
        for (size_t k = 0; k < at; k++)
            line += big[k] == '\n';
        assert_int_equal(csv_bad_utf8_line(big, n), line);
        big[at] = keep;
    }
    big[n - 10] = '\0'; /* NUL near the end of the second half */
    assert_int_equal(csv_bad_utf8_line(big, n), (int64_t)((n - 10) / 61) + 1);
    big[n - 10] = 'a';
    assert_int_equal(csv_bad_utf8_line(big, n), 0);
    free(big);
}

/* Windows-1250 as Excel saves it with Serbian (Latin) settings: every
 * letter of the Latin alphabet that is not ASCII, both cases. */
static void test_decode_cp1250(void **state)
{
    (void)state;
    const char in[] = "Ni\x9A;\xE8\xE6\x9E\x9A\xF0;\xC8\xC6\x8E\x8A\xD0\r\n";
    decode_ok(in, sizeof in - 1, CSV_ENC_CP1250, "Niš;čćžšđ;ČĆŽŠĐ\r\n");
    /* 0x98 codes no character in Windows-1250: refused, with its line */
    const char bad[] = "a;b\nNi\x9A\nx\x98y\n";
    arena a = ARENA_INIT;
    csv_encoding enc;
    const char *out;
    size_t out_n;
    int64_t line = 0;
    assert_int_equal(csv_decode(&a, bad, sizeof bad - 1, &enc, &out, &out_n, &line), CSV_DEC_BAD);
    assert_int_equal(line, 3);
    /* a NUL in what is otherwise text is refused too */
    assert_int_equal(csv_decode(&a, "a,b\n\0", 5, &enc, &out, &out_n, &line), CSV_DEC_BAD);
    assert_int_equal(line, 2);
    arena_free(&a);
}

static void test_decode_utf16(void **state)
{
    (void)state;
    /* "a\tš\n" in UTF-16LE with its BOM (Excel's "Unicode text") */
    const char in[] = "\xFF\xFE"
                      "a\0\t\0\x61\x01\n\0";
    decode_ok(in, sizeof in - 1, CSV_ENC_UTF16, "a\tš\n");
}

static void test_sniff_separator(void **state)
{
    (void)state;
    assert_int_equal(csv_sniff_sep("pib;slug;year\n1,5;2;3", 21), ';');
    assert_int_equal(csv_sniff_sep("pib,slug,year\n1;2;3;4;5", 23), ',');
    assert_int_equal(csv_sniff_sep("pib\tslug\n", 9), '\t');
    /* separators inside quotes do not count */
    assert_int_equal(csv_sniff_sep("\"a;b;c\",d\n", 10), ',');
    /* one column: a comma */
    assert_int_equal(csv_sniff_sep("pib\n1;2;3", 9), ',');
    assert_string_equal(csv_encoding_name(CSV_ENC_CP1250), "Windows-1250");
}

/* The shared reader on Excel's Serbian CSV: records with ';', quoted
 * cells with the separator inside, and the sentence saying what it read. */
static void test_reader_serbian_csv(void **state)
{
    (void)state;
    const char in[] = "pib;naziv;prihod\r\n101134702;\"Ni\x9A; d.o.o.\";1234567,89\r\n\r\n";
    arena a = ARENA_INIT, scratch = ARENA_INIT;
    import_problems p = {.a = &a};
    import_reader r;
    assert_true(import_open(&r, &a, in, sizeof in - 1, LANG_EN, &p));
    assert_int_equal(r.format, IMPORT_CSV);
    assert_int_equal(r.sep, ';');
    const csv_cell *cells;
    size_t n;
    int64_t line;
    assert_int_equal(import_next(&r, &scratch, &cells, &n, &line, LANG_EN, &p), 1);
    assert_int_equal(n, 3);
    assert_int_equal(line, 1);
    assert_int_equal(import_next(&r, &scratch, &cells, &n, &line, LANG_EN, &p), 1);
    assert_int_equal(n, 3);
    assert_int_equal(line, 2);
    assert_string_equal(cells[1].s, "Niš; d.o.o.");
    assert_string_equal(cells[2].s, "1234567,89");
    assert_int_equal(import_next(&r, &scratch, &cells, &n, &line, LANG_EN, &p), 0);
    buf b = BUF_INIT;
    import_detected(&b, LANG_EN, &r);
    assert_string_equal(buf_str(&b),
                        "Read as CSV text in Windows-1250, separated by semicolons (;).");
    buf_free(&b);
    assert_int_equal(p.n, 0);
    arena_free(&scratch);
    arena_free(&a);
}

/* ---- XLSX -------------------------------------------------------------------------- */

/* The bytes of a file (malloc'd). */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* A workbook like the template, written by libxlsxwriter: with
 * constant_memory it writes inline strings, else shared strings. With
 * formula, C3 holds one. */
static char *write_book(bool inline_strings, bool formula, size_t *n)
{
    char path[] = "/tmp/scan-test-xlsx-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook_options opt = {.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE,
                                .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_string(ws, 0, 0, "pib", NULL);
    worksheet_write_string(ws, 0, 1, "name", NULL);
    worksheet_write_string(ws, 0, 2, "revenue", NULL);
    worksheet_write_string(ws, 0, 4, "employees", NULL);
    worksheet_write_string(ws, 1, 0, "101134702", NULL);
    worksheet_write_string(ws, 1, 1, "Niš & čćžšđ <d.o.o.>", NULL);
    worksheet_write_string(ws, 1, 2, "1234567.89", NULL);
    worksheet_write_number(ws, 1, 4, 42, NULL);
    /* row 3 left empty; row 4 with a gap before its only cell */
    worksheet_write_number(ws, 3, 2, 1234567.89, NULL);
    if (formula)
        worksheet_write_formula(ws, 2, 2, "=C2*2", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *b = slurp(path, n);
    unlink(path);
    return b;
}

static const xlsx_limits LIMITS = {1u << 20, 10000, 64, 8u << 20};

static void check_book(bool inline_strings)
{
    size_t n;
    char *data = write_book(inline_strings, false, &n);
    assert_true(xlsx_looks_like(data, n));
    arena a = ARENA_INIT;
    xlsx_row *rows;
    size_t n_rows;
    char where[16];
    int64_t row;
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_OK);
    assert_int_equal(n_rows, 3);
    assert_int_equal(rows[0].num, 1);
    assert_int_equal(rows[0].n, 5);
    assert_string_equal(rows[0].cells[3].s, ""); /* the gap in D1 */
    assert_string_equal(rows[0].cells[4].s, "employees");
    assert_int_equal(rows[1].num, 2);
    assert_string_equal(rows[1].cells[0].s, "101134702");
    assert_string_equal(rows[1].cells[1].s, "Niš & čćžšđ <d.o.o.>");
    assert_string_equal(rows[1].cells[2].s, "1234567.89");
    assert_string_equal(rows[1].cells[4].s, "42");
    /* the empty row 3 is no row; row 4 is numbered as in the sheet, and
       its number is the text the file stores */
    assert_int_equal(rows[2].num, 4);
    assert_int_equal(rows[2].n, 3);
    assert_string_equal(rows[2].cells[0].s, "");
    assert_string_equal(rows[2].cells[2].s, "1234567.89");
    arena_free(&a);
    free(data);
}

static void test_xlsx_shared_strings(void **state)
{
    (void)state;
    check_book(false);
}

static void test_xlsx_inline_strings(void **state)
{
    (void)state;
    check_book(true);
}

static void test_xlsx_formula_and_limits(void **state)
{
    (void)state;
    size_t n;
    char *data = write_book(false, true, &n);
    arena a = ARENA_INIT;
    xlsx_row *rows;
    size_t n_rows;
    char where[16];
    int64_t row;
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_FORMULA);
    assert_string_equal(where, "C3");
    assert_int_equal(row, 3);
    /* a part larger than allowed unpacked is refused before reading */
    xlsx_limits tiny = {200, 10000, 64, 8u << 20};
    assert_int_equal(xlsx_read(&a, data, n, &tiny, &rows, &n_rows, where, &row), XLSX_TOO_BIG);
    xlsx_limits few = {1u << 20, 3, 64, 8u << 20};
    assert_int_equal(xlsx_read(&a, data, n, &few, &rows, &n_rows, where, &row),
                     XLSX_TOO_MANY_CELLS);
    xlsx_limits narrow = {1u << 20, 10000, 4, 8u << 20};
    assert_int_equal(xlsx_read(&a, data, n, &narrow, &rows, &n_rows, where, &row),
                     XLSX_TOO_MANY_CELLS);
    assert_string_equal(where, "E1");
    /* cut short: a broken ZIP */
    assert_int_equal(xlsx_read(&a, data, n / 2, &LIMITS, &rows, &n_rows, where, &row),
                     XLSX_NOT_ZIP);
    assert_int_equal(xlsx_read(&a, "PK\3\4junk", 8, &LIMITS, &rows, &n_rows, where, &row),
                     XLSX_NOT_ZIP);
    arena_free(&a);
    free(data);
}

/* A ZIP (in memory, malloc'd) with one part of the given name and text. */
static char *zip_with(const char *name, const char *text, size_t *n)
{
    char path[] = "/tmp/scan-test-zip-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int err;
    zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
    assert_non_null(z);
    zip_source_t *s = zip_source_buffer(z, text, strlen(text), 0);
    assert_non_null(s);
    assert_true(zip_file_add(z, name, s, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
    char *b = slurp(path, n);
    unlink(path);
    return b;
}

static void test_xlsx_hostile(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    xlsx_row *rows;
    size_t n_rows, n;
    char where[16];
    int64_t row;
    char *data = zip_with("hello.txt", "not a workbook", &n);
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_NO_SHEET);
    free(data);
    data = zip_with("xl/worksheets/sheet1.xml",
                    "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaa\">"
                    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><worksheet><sheetData><row r=\"1\">"
                    "<c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData>"
                    "</worksheet>",
                    &n);
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_DTD);
    free(data);
    data = zip_with("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>", &n);
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_BAD_XML);
    free(data);
    /* a shared string index past the table */
    data = zip_with("xl/worksheets/sheet1.xml",
                    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"
                    "</sheetData></worksheet>",
                    &n);
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_BAD_XML);
    free(data);
    /* cells without references, rich text runs, a phonetic hint left out */
    data = zip_with("xl/worksheets/sheet1.xml",
                    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><r><t>Ni</t></r><r><t "
                    "xml:space=\"preserve\">š </t></r><rPh><t>x</t></rPh></is></c><c><v>0.10</v>"
                    "</c><c t=\"b\"><v>1</v></c></row></sheetData></worksheet>",
                    &n);
    assert_int_equal(xlsx_read(&a, data, n, &LIMITS, &rows, &n_rows, where, &row), XLSX_OK);
    assert_int_equal(n_rows, 1);
    assert_int_equal(rows[0].n, 3);
    assert_string_equal(rows[0].cells[0].s, "Niš ");
    assert_string_equal(rows[0].cells[1].s, "0.10");
    assert_string_equal(rows[0].cells[2].s, "1");
    free(data);
    arena_free(&a);
}

/* A workbook (in memory, malloc'd) whose one shared string is len bytes
 * of 'x' and whose sheet has uses cells (one row of 8 per row) pointing
 * at it: a few KB that would unpack to uses x len bytes of cell text. */
static char *repeated_string_book(size_t len, size_t uses, size_t *n)
{
    char *strings = malloc(len + 128);
    if (!strings)
        abort();
    int k = sprintf(strings, "<sst><si><t>");
    memset(strings + k, 'x', len);
    strcpy(strings + k + len, "</t></si></sst>");
    size_t cap = 128 + uses * 64;
    char *sheet = malloc(cap);
    if (!sheet)
        abort();
    size_t w = (size_t)sprintf(sheet, "<worksheet><sheetData>");
    for (size_t i = 0; i < uses; i++) {
        if (i % 8 == 0)
            w += (size_t)sprintf(sheet + w, "%s<row r=\"%zu\">", i ? "</row>" : "", i / 8 + 1);
        w += (size_t)sprintf(sheet + w, "<c t=\"s\"><v>0</v></c>");
    }
    strcpy(sheet + w, "</row></sheetData></worksheet>");
    char path[] = "/tmp/scan-test-zip-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int err;
    zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
    assert_non_null(z);
    zip_source_t *s1 = zip_source_buffer(z, sheet, strlen(sheet), 0);
    assert_true(s1 && zip_file_add(z, "xl/worksheets/sheet1.xml", s1, ZIP_FL_OVERWRITE) >= 0);
    zip_source_t *s2 = zip_source_buffer(z, strings, strlen(strings), 0);
    assert_true(s2 && zip_file_add(z, "xl/sharedStrings.xml", s2, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
    free(sheet);
    free(strings);
    char *b = slurp(path, n);
    unlink(path);
    return b;
}

/* Cells pointing at one long shared string refer to it rather than copy
 * it, and the read's byte budget counts the text every cell stands for:
 * a tiny file cannot make the server allocate uses x len bytes. */
static void test_xlsx_repeated_shared_string(void **state)
{
    (void)state;
    const size_t len = 256 * 1024, uses = 200; /* 50 MB of cell text */
    size_t n;
    char *data = repeated_string_book(len, uses, &n);
    assert_true(n < 64 * 1024);
    arena a = ARENA_INIT;
    xlsx_row *rows;
    size_t n_rows;
    char where[16];
    int64_t row;
    /* within a budget that allows it: read, at the cost of one copy */
    xlsx_limits roomy = {1u << 20, 10000, 64, 64u << 20};
    assert_int_equal(xlsx_read(&a, data, n, &roomy, &rows, &n_rows, where, &row), XLSX_OK);
    assert_int_equal(n_rows, uses / 8);
    assert_int_equal(rows[0].cells[0].n, len);
    assert_ptr_equal(rows[0].cells[0].s, rows[n_rows - 1].cells[7].s);
    assert_true(a.used_total < 4 * len); /* the parts and one copy, not 200 */
    arena_free(&a);
    /* past the budget: refused, having allocated little */
    xlsx_limits tight = {1u << 20, 10000, 64, 8u << 20};
    assert_int_equal(xlsx_read(&a, data, n, &tight, &rows, &n_rows, where, &row), XLSX_OVER_BUDGET);
    assert_true(a.used_total < 4 * len);
    arena_free(&a);
    free(data);
    /* the importers' limit, in words naming it: one 4 MB string used 60
       times (240 MB of text) */
    data = repeated_string_book(4u << 20, 60, &n);
    import_problems p = {.a = &a};
    import_reader r;
    assert_false(import_open(&r, &a, data, n, LANG_EN, &p));
    assert_int_equal(p.n, 1);
    assert_non_null(strstr(p.items[0].message, "160 MB"));
    assert_true(a.used_total < 16u << 20);
    arena_free(&a);
    free(data);
}

/* The shared reader says why a workbook cannot be read, in the reader's
 * language. */
static void test_reader_xlsx_problem(void **state)
{
    (void)state;
    size_t n;
    char *data = write_book(false, true, &n);
    arena a = ARENA_INIT;
    import_problems p = {.a = &a};
    import_reader r;
    assert_false(import_open(&r, &a, data, n, LANG_SR_CYRL, &p));
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].line, 0);
    assert_non_null(strstr(p.items[0].message, "C3"));
    assert_non_null(strstr(p.items[0].message, "формул"));
    arena_free(&a);
    free(data);
}

static int setup(void **state)
{
    (void)state;
    return i18n_init(); /* the derived Latin catalog */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_utf8),
        cmocka_unit_test(test_bad_utf8_line),
        cmocka_unit_test(test_decode_cp1250),
        cmocka_unit_test(test_decode_utf16),
        cmocka_unit_test(test_sniff_separator),
        cmocka_unit_test(test_reader_serbian_csv),
        cmocka_unit_test(test_xlsx_shared_strings),
        cmocka_unit_test(test_xlsx_inline_strings),
        cmocka_unit_test(test_xlsx_formula_and_limits),
        cmocka_unit_test(test_xlsx_hostile),
        cmocka_unit_test(test_reader_xlsx_problem),
        cmocka_unit_test(test_xlsx_repeated_shared_string),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
