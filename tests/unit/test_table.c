/* test_table.c: the table model and its three renderings: accessible,
 * escaped HTML formatted per language; RFC 4180 CSV with a BOM, plain
 * numbers and the formula-injection guard; XLSX (a zip with the sheet,
 * checked with unzip when it is installed); download links and
 * table_respond() headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "web/table.h"

static const table_col cols[] = {
    {"Cluster <name>", TABLE_LINK, TABLE_ALIGN_AUTO, false},
    {"Members", TABLE_INT, TABLE_ALIGN_AUTO, false},
    {"Revenue", TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, false},
    {"Export share", TABLE_BP_PERCENT, TABLE_ALIGN_AUTO, false},
    {"Note", TABLE_TEXT, TABLE_ALIGN_AUTO, false},
};

/* A small table: three rows with escaping hazards, an empty cell, a
 * negative amount and formula-looking text. */
static table *sample(arena *a)
{
    table *t = table_new(a, "Clusters & \"figures\" 2023", cols, 5);
    assert_non_null(t);
    size_t r = table_add_row(t);
    table_set_link(t, r, 0, "Vojvodina <ICT>", "/orgs/vojvodina-ict?x=1&y=2");
    table_set_int(t, r, 1, 1234567);
    table_set_int(t, r, 2, 123456789);
    table_set_int(t, r, 3, 6234);
    table_set_text(t, r, 4, "=SUM(A1:A9)");
    r = table_add_row(t);
    table_set_link(t, r, 0, "Нишки кластер", "javascript:alert(1)");
    table_set_int(t, r, 1, 0);
    table_set_int(t, r, 2, -123450);
    /* export share left empty: not reported */
    table_set_text(t, r, 4, "a, \"quoted\"\nline");
    r = table_add_row(t);
    table_set_text(t, r, 0, "+381 cluster");
    table_set_int(t, r, 1, 5);
    table_set_int(t, r, 2, 5);
    table_set_int(t, r, 3, -50);
    table_set_text(t, r, 4, "@cmd");
    assert_false(t->failed);
    return t;
}

static void test_html(void **state)
{
    arena a = ARENA_INIT;
    table *t = sample(&a);
    t->id = "fig-table";
    buf b = BUF_INIT;
    assert_int_equal(table_html(&b, LANG_EN, t), 0);
    const char *s = buf_str(&b);
    assert_non_null(strstr(s, "<table class=\"data\" id=\"fig-table\">"));
    assert_non_null(strstr(s, "<caption>Clusters &amp; &quot;figures&quot; 2023</caption>"));
    assert_non_null(strstr(s, "<th scope=\"col\">Cluster &lt;name&gt;</th>"));
    assert_non_null(strstr(s, "<th scope=\"col\" class=\"num\">Members</th>"));
    assert_non_null(
        strstr(s, "<th scope=\"row\"><a href=\"/orgs/vojvodina-ict?x=1&amp;y=2\">Vojvodina "
                  "&lt;ICT&gt;</a></th>"));
    assert_non_null(strstr(s, "<a href=\"#\">Нишки кластер</a>")); /* unsafe scheme dropped */
    assert_non_null(strstr(s, "<td class=\"num\">1,234,567</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">1,234,567.89 EUR</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">-1,234.50 EUR</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">62.3%</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">-0.5%</td>"));
    assert_non_null(strstr(s, "<span class=\"visually-hidden\">not available</span>"));
    assert_non_null(strstr(s, "<td>=SUM(A1:A9)</td>"));
    assert_non_null(strstr(s, "<th scope=\"row\">+381 cluster</th>"));
    assert_null(strstr(s, "style="));
    buf_reset(&b);
    assert_int_equal(table_html(&b, LANG_SR_CYRL, t), 0);
    s = buf_str(&b);
    assert_non_null(strstr(s, "<td class=\"num\">1.234.567</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">1.234.567,89 EUR</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">62,3%</td>"));
    assert_non_null(strstr(s, "нема податка"));
    buf_free(&b);
    arena_free(&a);
}

static void test_html_whole_money_and_empty(void **state)
{
    arena a = ARENA_INIT;
    static const table_col c[] = {{"Year", TABLE_INT, TABLE_ALIGN_LEFT, false},
                                  {"Revenue", TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
                                  {"Code", TABLE_TEXT, TABLE_ALIGN_RIGHT, false}};
    table *t = table_new(&a, NULL, c, 3);
    buf b = BUF_INIT;
    assert_int_equal(table_html(&b, LANG_EN, t), 0);
    assert_non_null(strstr(buf_str(&b), "<td colspan=\"3\" class=\"empty\">No rows to show.</td>"));
    assert_null(strstr(buf_str(&b), "<caption>"));
    size_t r = table_add_row(t);
    table_set_int(t, r, 0, 2023);
    table_set_int(t, r, 1, 123456789); /* 1,234,567.89 -> 1,234,568 */
    table_set_text(t, r, 2, "A");
    r = table_add_row(t);
    table_set_int(t, r, 1, -150); /* -1.50 -> -2 */
    buf_reset(&b);
    assert_int_equal(table_html(&b, LANG_EN, t), 0);
    const char *s = buf_str(&b);
    assert_non_null(strstr(s, "<td>2,023</td>")); /* an INT column: grouped; left as asked */
    assert_non_null(strstr(s, "<td class=\"num\">1,234,568 EUR</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">-2 EUR</td>"));
    assert_non_null(strstr(s, "<td class=\"num\">A</td>"));
    assert_null(strstr(s, "scope=\"row\"")); /* first column is a number */
    buf_free(&b);
    arena_free(&a);
}

static void test_csv(void **state)
{
    arena a = ARENA_INIT;
    table *t = sample(&a);
    buf b = BUF_INIT;
    assert_int_equal(table_csv(&b, t), 0);
    const char *want = "\xEF\xBB\xBF"
                       "Cluster <name>,Members,Revenue (EUR),Export share (%),Note\r\n"
                       "Vojvodina <ICT>,1234567,1234567.89,62.34,\"'=SUM(A1:A9)\"\r\n"
                       "Нишки кластер,0,-1234.50,,\"a, \"\"quoted\"\"\nline\"\r\n"
                       "\"'+381 cluster\",5,0.05,-0.50,\"'@cmd\"\r\n";
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);

    /* every formula lead is disarmed; plain minus numbers are numbers */
    static const table_col c[] = {{"x", TABLE_TEXT, TABLE_ALIGN_AUTO, false},
                                  {"n", TABLE_INT, TABLE_ALIGN_AUTO, false}};
    table *u = table_new(&a, "u", c, 2);
    static const char *const bad[] = {"=1+1", "+1", "-1", "@x", "\tx", "\rx"};
    for (size_t i = 0; i < 6; i++) {
        size_t r = table_add_row(u);
        table_set_text(u, r, 0, bad[i]);
        table_set_int(u, r, 1, -7);
    }
    buf c2 = BUF_INIT;
    assert_int_equal(table_csv(&c2, u), 0);
    assert_string_equal(buf_str(&c2), "\xEF\xBB\xBFx,n\r\n"
                                      "\"'=1+1\",-7\r\n\"'+1\",-7\r\n\"'-1\",-7\r\n\"'@x\",-7\r\n"
                                      "\"'\tx\",-7\r\n\"'\rx\",-7\r\n");
    buf_free(&c2);
    arena_free(&a);
}

static void test_many_rows(void **state)
{
    arena a = ARENA_INIT;
    table *t = table_new(&a, "many", cols, 5);
    for (int i = 0; i < 1000; i++) {
        size_t r = table_add_row(t);
        assert_int_equal(r, (size_t)i);
        table_set_text(t, r, 0, "org");
        table_set_int(t, r, 1, i);
    }
    assert_int_equal(t->n_rows, 1000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(t->cells[(size_t)i * 5 + 1].num, i);
    buf b = BUF_INIT;
    assert_int_equal(table_csv(&b, t), 0);
    assert_non_null(strstr(buf_str(&b), "\r\norg,999,,,\r\n"));
    buf_free(&b);
    arena_free(&a);
}

/* Writes bytes to a temporary file and returns `unzip -p file member`
 * (NULL when unzip is not installed). Caller frees. */
static char *unzip_member(const buf *x, const char *member)
{
    if (access("/usr/bin/unzip", X_OK) != 0)
        return NULL;
    char path[] = "/tmp/test-table-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, x->data, x->len), (ssize_t)x->len);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/unzip -p %s %s", path, member);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    buf out = BUF_INIT;
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&out, chunk, k);
    assert_int_equal(pclose(p), 0);
    unlink(path);
    buf_putc(&out, '\0');
    return buf_detach(&out, NULL);
}

static void test_xlsx(void **state)
{
    arena a = ARENA_INIT;
    table *t = sample(&a);
    buf b = BUF_INIT;
    assert_int_equal(table_xlsx(&b, t, LANG_EN), 0);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "PK\x03\x04", 4);
    char *sheet = unzip_member(&b, "xl/worksheets/sheet1.xml");
    if (sheet) {
        assert_non_null(strstr(sheet, "<v>1234567</v>"));
        assert_non_null(strstr(sheet, "<v>1234567.89</v>"));
        assert_non_null(strstr(sheet, "<v>-1234.5</v>"));
        assert_non_null(strstr(sheet, "<v>0.6234</v>"));
        assert_non_null(strstr(sheet, "<pane ySplit=\"1\""));
        assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:E4\"/>"));
        assert_null(strstr(sheet, "<f>")); /* no formulas, ever */
        free(sheet);
        char *strings = unzip_member(&b, "xl/sharedStrings.xml");
        assert_non_null(strings);
        assert_non_null(strstr(strings, "=SUM(A1:A9)"));
        assert_non_null(strstr(strings, "Vojvodina &lt;ICT&gt;"));
        assert_non_null(strstr(strings, "Нишки кластер"));
        free(strings);
        char *styles = unzip_member(&b, "xl/styles.xml");
        assert_non_null(strstr(styles, "#,##0.00 &quot;EUR&quot;"));
        free(styles);
        char *wb = unzip_member(&b, "xl/workbook.xml");
        assert_non_null(strstr(wb, "name=\"Clusters &amp; &quot;figures&quot; 2023\""));
        free(wb);
    } else {
        print_message("unzip not installed: XLSX checked for its zip magic only\n");
    }
    /* a title that cannot name a sheet falls back to the language's word */
    table *u = table_new(&a, "''", cols, 5);
    buf c = BUF_INIT;
    assert_int_equal(table_xlsx(&c, u, LANG_SR_CYRL), 0);
    assert_memory_equal(c.data, "PK\x03\x04", 4);
    char *wb = unzip_member(&c, "xl/workbook.xml");
    if (wb) {
        assert_non_null(strstr(wb, "name=\"Подаци\""));
        free(wb);
    }
    /* a failed table is refused */
    u->failed = true;
    size_t before = c.len;
    assert_int_equal(table_xlsx(&c, u, LANG_EN), -1);
    assert_int_equal(c.len, before);
    buf_free(&b);
    buf_free(&c);
    arena_free(&a);
}

static void test_download_links(void **state)
{
    buf b = BUF_INIT;
    table_download_links(&b, LANG_EN, "/figures?year=2023&format=csv&lang=sr#top",
                         "Revenue <2023>");
    const char *s = buf_str(&b);
    assert_non_null(strstr(s, "<p class=\"table-downloads\">Download: "));
    assert_non_null(
        strstr(s, "<a href=\"/figures?year=2023&amp;lang=sr&amp;format=csv\" download>CSV"));
    assert_non_null(
        strstr(s, "<a href=\"/figures?year=2023&amp;lang=sr&amp;format=xlsx\" download>XLSX"));
    assert_non_null(strstr(s, "<span class=\"visually-hidden\">, Revenue &lt;2023&gt;</span>"));
    buf_reset(&b);
    table_download_links(&b, LANG_SR_CYRL, "/figures", NULL);
    assert_non_null(strstr(buf_str(&b), "Преузимање: "));
    assert_non_null(strstr(buf_str(&b), "href=\"/figures?format=csv\""));
    assert_null(strstr(buf_str(&b), "visually-hidden"));
    buf_reset(&b);
    table_download_links(&b, LANG_EN, "/f?format=xlsx", NULL);
    assert_non_null(strstr(buf_str(&b), "href=\"/f?format=csv\""));
    buf_reset(&b);
    table_download_links(&b, LANG_EN, "javascript:alert(1)?a", NULL);
    assert_null(strstr(buf_str(&b), "javascript"));
    buf_free(&b);
}

/* A request as the server would hand it to a handler, with query q. */
static void make_req(req *r, arena *a, const char *q)
{
    memset(r, 0, sizeof *r);
    r->a = a;
    r->id = "test-1";
    r->method = HTTP_GET;
    r->method_name = "GET";
    r->path = "/figures";
    r->query_raw = q;
    r->lang = LANG_SR_CYRL;
    r->status = 200;
    r->content_type = "text/html; charset=utf-8";
    assert_int_equal(form_parse_urlencoded(a, q, strlen(q), &r->query, NULL), FORM_OK);
}

static const char *resp_get(const req *r, const char *name)
{
    for (size_t i = 0; i < r->n_resp_headers; i++)
        if (strcmp(r->resp_headers[i].name, name) == 0)
            return r->resp_headers[i].value;
    return NULL;
}

static void test_respond(void **state)
{
    arena a = ARENA_INIT;
    table *t = sample(&a);
    req r;

    make_req(&r, &a, "year=2023");
    assert_false(table_respond(&r, t, "x"));
    assert_int_equal(r.out.len, 0);
    make_req(&r, &a, "format=");
    assert_false(table_respond(&r, t, "x"));
    /* a format no table has: a 400, not the page */
    make_req(&r, &a, "format=pdf");
    assert_true(table_respond(&r, t, "x"));
    assert_int_equal(r.status, 400);
    buf_free(&r.out);

    make_req(&r, &a, "year=2023&format=csv");
    assert_true(table_respond(&r, t, "Приход по кластерима 2023"));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/csv; charset=utf-8");
    assert_string_equal(resp_get(&r, "Content-Disposition"),
                        "attachment; filename=\"prihod-po-klasterima-2023.csv\"");
    assert_memory_equal(r.out.data, "\xEF\xBB\xBF", 3);
    buf_free(&r.out);

    make_req(&r, &a, "format=xlsx");
    assert_true(table_respond(&r, t, "../../etc/pass wd\r\n"));
    assert_string_equal(r.content_type,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(resp_get(&r, "Content-Disposition"),
                        "attachment; filename=\"etc-pass-wd.xlsx\"");
    assert_memory_equal(r.out.data, "PK\x03\x04", 4);
    buf_free(&r.out);

    make_req(&r, &a, "format=csv");
    assert_true(table_respond(&r, t, "\"\";"));
    assert_string_equal(resp_get(&r, "Content-Disposition"), "attachment; filename=\"table.csv\"");
    buf_free(&r.out);

    /* a broken table: a 500, still answered */
    t->failed = true;
    make_req(&r, &a, "format=csv");
    assert_true(table_respond(&r, t, "x"));
    assert_int_equal(r.status, 500);
    assert_null(resp_get(&r, "Content-Disposition"));
    buf_free(&r.out);
    arena_free(&a);
}

/* Every allocation failing in turn while building and rendering: the
 * sticky flag or a -1 reports it, nothing crashes or leaks. */
static void test_out_of_memory(void **state)
{
    bool done = false;
    for (long k = 0; k < 400 && !done; k++) {
        arena a = ARENA_INIT;
        buf h = BUF_INIT, c = BUF_INIT, x = BUF_INIT;
        mem_fail_after(k);
        table *t = table_new(&a, "T", cols, 5);
        int rc = -1;
        if (t) {
            for (int i = 0; i < 40; i++) {
                size_t r = table_add_row(t);
                table_set_text(t, r, 0, "name");
                table_set_int(t, r, 2, i * 100);
            }
            rc = table_html(&h, LANG_SR_LATN, t) | table_csv(&c, t) | table_xlsx(&x, t, LANG_EN);
            if (rc == 0) {
                assert_false(t->failed);
                assert_int_equal(t->n_rows, 40);
            }
        }
        mem_fail_after(-1);
        if (rc == 0) {
            assert_false(buf_failed(&h) || buf_failed(&c) || buf_failed(&x));
            assert_memory_equal(x.data, "PK\x03\x04", 4);
            done = true;
        }
        buf_free(&h);
        buf_free(&c);
        buf_free(&x);
        arena_free(&a);
    }
    assert_true(done);
}

static int setup(void **state)
{
    return i18n_init();
}

static int teardown(void **state)
{
    i18n_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html),    cmocka_unit_test(test_html_whole_money_and_empty),
        cmocka_unit_test(test_csv),     cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_xlsx),    cmocka_unit_test(test_download_links),
        cmocka_unit_test(test_respond), cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
