/* test_pdf.c: the PDF structure check (model/pdf.c) on documents built
 * here with exact cross-reference tables: a plain one passes with its
 * page count; not a PDF, a broken cross-reference, no pages, encryption
 * (made by qpdf itself) and each kind of active content are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "model/pdf.h"

/* A PDF of the objects given (object i+1 is objs[i]), with the catalog
 * as object 1, and an exact xref. */
static void make_pdf(buf *b, const char *const *objs, size_t n)
{
    size_t off[16];
    buf_reset(b);
    buf_puts(b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    for (size_t i = 0; i < n; i++) {
        off[i] = b->len;
        buf_printf(b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b->len;
    buf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%010zu 00000 n \n", off[i]);
    buf_printf(b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
}

#define CONTENT "<< /Length 38 >>\nstream\nBT /F1 24 Tf 72 700 Td (Hello) Tj ET\n\nendstream"

static pdf_verdict check(const char *const *objs, size_t n, int *pages)
{
    buf b = BUF_INIT;
    make_pdf(&b, objs, n);
    pdf_verdict v = pdf_check(b.data, b.len, pages);
    buf_free(&b);
    return v;
}

static void test_plain(void **state)
{
    (void)state;
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
                          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                          CONTENT, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"};
    int pages = -1;
    assert_int_equal(check(objs, 5, &pages), PDF_OK);
    assert_int_equal(pages, 2);
}

static void test_refused(void **state)
{
    (void)state;
    assert_int_equal(pdf_check("GIF89a....", 10, NULL), PDF_NOT_PDF);
    assert_int_equal(pdf_check("%PDF-1.", 7, NULL), PDF_NOT_PDF);
    assert_int_equal(pdf_check("%PDF-1.4 x", (size_t)PDF_MAX + 1, NULL), PDF_TOO_BIG);
    /* a cross-reference that points to the wrong places needs repair */
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"};
    buf b = BUF_INIT;
    make_pdf(&b, objs, 3);
    char *x = strstr(b.data, "0000000015 00000 n");
    assert_non_null(x);
    x[9] = '7';
    assert_int_equal(pdf_check(b.data, b.len, NULL), PDF_BROKEN);
    /* cut short */
    make_pdf(&b, objs, 3);
    assert_int_equal(pdf_check(b.data, b.len / 2, NULL), PDF_BROKEN);
    buf_free(&b);
    const char *none[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [] /Count 0 >>"};
    assert_int_equal(check(none, 2, NULL), PDF_NO_PAGES);
}

static void test_active(void **state)
{
    (void)state;
    const char *page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";
    const char *js[] = {"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                        "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"};
    assert_int_equal(check(js, 4, NULL), PDF_ACTIVE);
    const char *launch[] = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [<< /Type /Annot "
        "/Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (cmd.exe) >> >>] >>"};
    assert_int_equal(check(launch, 3, NULL), PDF_ACTIVE);
    const char *embedded[] = {"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names "
                              "[(a.exe) 4 0 R] >> >> >>",
                              "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                              "<< /Type /Filespec /F (a.exe) >>"};
    assert_int_equal(check(embedded, 4, NULL), PDF_ACTIVE);
    const char *submit[] = {
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, "[]"};
    assert_int_equal(check(submit, 4, NULL), PDF_ACTIVE);
    /* the same names as plain text in a content stream are not content */
    const char *text[] = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        "<< /Length 36 >>\nstream\nBT (/JavaScript /Launch /JS) Tj ET\n\nendstream"};
    assert_int_equal(check(text, 4, NULL), PDF_OK);
}

static void test_encrypted(void **state)
{
    (void)state;
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"};
    buf b = BUF_INIT;
    make_pdf(&b, objs, 3);
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    assert_int_equal(qpdf_read_memory(q, "t", b.data, b.len, ""), QPDF_SUCCESS);
    assert_int_equal(qpdf_init_write_memory(q), QPDF_SUCCESS);
    qpdf_set_static_ID(q, QPDF_TRUE);
    qpdf_set_r6_encryption_parameters2(q, "", "owner", QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
                                       QPDF_TRUE, QPDF_TRUE, qpdf_r3p_full, QPDF_TRUE);
    assert_int_equal(qpdf_write(q), QPDF_SUCCESS);
    assert_int_equal(pdf_check(qpdf_get_buffer(q), qpdf_get_buffer_length(q), NULL), PDF_ENCRYPTED);
    qpdf_cleanup(&q);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_active),
        cmocka_unit_test(test_encrypted),
    };
    return cmocka_run_group_tests_name("pdf", tests, NULL, NULL);
}
