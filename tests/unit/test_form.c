/* test_form.c: unit tests for src/http/form.c, the urlencoded and multipart
 * parsers, the field validators and the error sentences. */
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
#include "core/utf8.h"
#include "http/form.h"
#include "i18n/i18n.h"
#include "random_text.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* --- helpers --------------------------------------------------------------- */

static form_status parse_url(arena *a, const char *s, form *f, const char **err)
{
    return form_parse_urlencoded(a, s, strlen(s), f, err);
}

#define CT "multipart/form-data; boundary=XyZ"

static form_status parse_mp(arena *a, const char *ct, const char *body, size_t n, form *f,
                            const char **err)
{
    return form_parse_multipart(a, ct, body, n, f, err);
}

/* Validates one urlencoded body against one rule. */
static form_error_code check1(arena *a, const char *body, const form_rule *r, form_value *v)
{
    form f;
    form_errors errs = {0};
    assert_int_equal(parse_url(a, body, &f, NULL), FORM_OK);
    bool ok = form_validate(a, &f, r, 1, v, &errs);
    assert_true(ok == (errs.n_items == 0));
    if (ok)
        return 0;
    assert_string_equal(errs.items[0].field, r->name);
    return errs.items[0].code;
}

/* Text is trimmed of white space at both ends, the Unicode spaces a
 * pasted name brings included (no-break, en/em/thin, narrow no-break,
 * ideographic, zero width, BOM); inside it they stay. A value of spaces
 * only is empty (required). */
static void test_trim_unicode_spaces(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form_value v;
    form_rule name = {"name", FV_TEXT, FORM_REQUIRED, 0, 0, NULL};
    /* U+00A0 U+2003 "Ni" U+00A0 "s" U+202F U+3000 U+FEFF, URL-encoded */
    assert_int_equal(
        check1(&a, "name=%C2%A0%E2%80%83Ni%C2%A0s%E2%80%AF%E3%80%80%EF%BB%BF", &name, &v), 0);
    assert_string_equal(v.text, "Ni\xC2\xA0s");
    assert_int_equal(check1(&a, "name=+%E2%80%8B%E2%81%9F%C2%A0+", &name, &v), FE_REQUIRED);
    /* a lone U+00A0's bytes at the end are not taken for less or more */
    assert_int_equal(check1(&a, "name=%C3%A0", &name, &v), 0);
    assert_string_equal(v.text, "\xC3\xA0");
    arena_free(&a);
}

static char *error_text(lang_id lang, form_error_code code, int64_t min, int64_t max)
{
    form_error e = {"x", code, min, max};
    buf b = BUF_INIT;
    form_error_text(&b, lang, &e);
    assert_false(buf_failed(&b));
    char *s = buf_detach(&b, NULL);
    assert_non_null(s);
    return s;
}

static void assert_error_text(lang_id lang, form_error_code code, int64_t min, int64_t max,
                              const char *want)
{
    char *s = error_text(lang, code, min, max);
    assert_string_equal(s, want);
    free(s);
}

/* --- urlencoded -------------------------------------------------------- */

static void test_url_basic(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = "untouched";
    assert_int_equal(parse_url(&a, "a=1&b=hello+world&c=x%20y&d=100%25", &f, &err), FORM_OK);
    assert_null(err);
    assert_int_equal(f.n_fields, 4);
    assert_string_equal(f.fields[0].name, "a");
    assert_string_equal(f.fields[0].value, "1");
    assert_int_equal(f.fields[0].value_len, 1);
    assert_null(f.fields[0].filename);
    assert_null(f.fields[0].content_type);
    assert_string_equal(form_get(&f, "b"), "hello world");
    assert_string_equal(form_get(&f, "c"), "x y");
    assert_string_equal(form_get(&f, "d"), "100%");
    assert_null(form_get(&f, "e"));
    assert_null(form_find(&f, "A"));
    assert_ptr_equal(form_find(&f, "c"), &f.fields[2]);
    assert_null(form_find(NULL, "a"));
    arena_free(&a);
}

static void test_url_utf8(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    assert_int_equal(parse_url(&a, "name=Ren%C3%A9e&%c3%a9=%D0%96", &f, &err), FORM_OK);
    assert_string_equal(form_get(&f, "name"), "Ren\xc3\xa9"
                                              "e");
    assert_string_equal(form_get(&f, "\xc3\xa9"), "\xd0\x96");
    /* raw UTF-8 (not percent-encoded) is accepted too */
    assert_int_equal(parse_url(&a, "x=\xd0\x96", &f, &err), FORM_OK);
    assert_string_equal(form_get(&f, "x"), "\xd0\x96");

    assert_int_equal(parse_url(&a, "ok=1&bad=%FF", &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "bad");
    assert_int_equal(f.n_fields, 0);
    assert_null(f.fields);
    assert_int_equal(parse_url(&a, "bad=%C3", &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "bad");
    assert_int_equal(parse_url(&a, "over=%C0%AF", &f, &err), FORM_ERR_UTF8); /* overlong */
    assert_string_equal(err, "over");
    assert_int_equal(parse_url(&a, "nul=a%00b", &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "nul");
    /* an undecodable name is reported as its raw text */
    assert_int_equal(parse_url(&a, "%FF=1", &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "%FF");
    assert_int_equal(parse_url(&a, "\xff=1", &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "?");
    /* a raw NUL byte in the input */
    assert_int_equal(form_parse_urlencoded(&a, "a=\0b", 4, &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "a");
    arena_free(&a);
}

static void test_url_bad_escapes(void **state)
{
    (void)state;
    static const char *const bad[] = {"x=%zz", "x=%", "x=%4", "x=%4g", "x=%g4", "x=ab%", "x=%%41"};
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        err = NULL;
        assert_int_equal(parse_url(&a, bad[i], &f, &err), FORM_ERR_ENCODING);
        assert_string_equal(err, "x");
        assert_int_equal(f.n_fields, 0);
    }
    assert_int_equal(parse_url(&a, "ok=1&%zz=1", &f, &err), FORM_ERR_ENCODING);
    assert_string_equal(err, "%zz");
    assert_int_equal(parse_url(&a, "ab%4", &f, &err), FORM_ERR_ENCODING);
    assert_string_equal(err, "ab%4");
    /* err_field may be NULL */
    assert_int_equal(parse_url(&a, "x=%zz", &f, NULL), FORM_ERR_ENCODING);

    /* a long raw name is truncated to 64 printable bytes */
    char big[300];
    memset(big, 'n', 200);
    strcpy(big + 200, "%zz=1");
    assert_int_equal(parse_url(&a, big, &f, &err), FORM_ERR_ENCODING);
    assert_int_equal(strlen(err), 64);
    arena_free(&a);
}

static void test_url_empty_and_shapes(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    assert_int_equal(parse_url(&a, "", &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 0);
    assert_int_equal(form_parse_urlencoded(&a, NULL, 0, &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 0);
    assert_int_equal(parse_url(&a, "&&&", &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 0);

    assert_int_equal(parse_url(&a, "a&b=&=c", &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 3);
    assert_string_equal(f.fields[0].name, "a");
    assert_string_equal(f.fields[0].value, "");
    assert_string_equal(f.fields[1].name, "b");
    assert_string_equal(f.fields[1].value, "");
    assert_string_equal(f.fields[2].name, "");
    assert_string_equal(f.fields[2].value, "c");

    assert_int_equal(parse_url(&a, "a=1&&b=2&", &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 2);
    assert_int_equal(parse_url(&a, "a==b&a=2", &f, &err), FORM_OK);
    assert_string_equal(form_get(&f, "a"), "=b"); /* the first occurrence wins */
    assert_int_equal(parse_url(&a, "=", &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 1);
    assert_string_equal(f.fields[0].name, "");
    assert_string_equal(f.fields[0].value, "");
    arena_free(&a);
}

static void test_url_too_many(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    buf b = BUF_INIT;
    form f;
    const char *err = NULL;
    for (int i = 0; i < FORM_MAX_FIELDS; i++)
        buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
    assert_int_equal(form_parse_urlencoded(&a, b.data, b.len, &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, FORM_MAX_FIELDS);
    assert_string_equal(form_get(&f, "f511"), "511");
    buf_puts(&b, "&&f512=x");
    assert_int_equal(form_parse_urlencoded(&a, b.data, b.len, &f, &err), FORM_ERR_TOO_MANY);
    assert_string_equal(err, "f512");
    assert_int_equal(f.n_fields, 0);
    buf_free(&b);
    arena_free(&a);
}

/* --- multipart ------------------------------------------------------------- */

static const char file_bytes[] = "\x00\x01\r\n--Xy\r\n\r\n\xff\xfe--XyZ-\x00";
#define FILE_LEN (sizeof file_bytes - 1)

/* Two text fields and a binary file, with preamble and epilogue. */
static size_t mp_body(char *out, size_t cap)
{
    buf b = BUF_INIT;
    buf_puts(&b, "This is the preamble.\r\n--XyZ\r\n"
                 "Content-Disposition: form-data; name=\"title\"\r\n"
                 "\r\n"
                 "Hello, \xd0\xa1\xd1\x80\xd0\xb1\xd0\xb8\xd1\x98\xd0\xb0\r\n"
                 "--XyZ\r\n"
                 "content-disposition: form-data; name=\"note\"\r\n"
                 "Content-Type: text/plain; charset=UTF-8\r\n"
                 "\r\n"
                 "line one\r\nline two\r\n"
                 "--XyZ\r\n"
                 "Content-Disposition: form-data; name=\"upload\"; filename=\"data.bin\"\r\n"
                 "Content-Type: application/octet-stream\r\n"
                 "\r\n");
    buf_append(&b, file_bytes, FILE_LEN);
    buf_puts(&b, "\r\n--XyZ--\r\nepilogue, ignored: --XyZ\r\ngarbage");
    assert_false(buf_failed(&b));
    assert_true(b.len <= cap);
    memcpy(out, b.data, b.len);
    size_t n = b.len;
    buf_free(&b);
    return n;
}

static void test_mp_basic(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    char body[1024];
    size_t n = mp_body(body, sizeof body);
    assert_int_equal(parse_mp(&a, CT, body, n, &f, &err), FORM_OK);
    assert_null(err);
    assert_int_equal(f.n_fields, 3);
    assert_string_equal(f.fields[0].name, "title");
    assert_string_equal(f.fields[0].value,
                        "Hello, \xd0\xa1\xd1\x80\xd0\xb1\xd0\xb8\xd1\x98\xd0\xb0");
    assert_null(f.fields[0].filename);
    assert_null(f.fields[0].content_type);
    assert_string_equal(f.fields[1].value, "line one\r\nline two");
    assert_string_equal(f.fields[1].content_type, "text/plain; charset=UTF-8");
    const form_field *up = form_find(&f, "upload");
    assert_non_null(up);
    assert_string_equal(up->filename, "data.bin");
    assert_string_equal(up->content_type, "application/octet-stream");
    assert_int_equal(up->value_len, FILE_LEN);
    assert_memory_equal(up->value, file_bytes, FILE_LEN);
    assert_int_equal(up->value[FILE_LEN], '\0');

    /* the same body with the first delimiter at offset 0, no preamble */
    const char *first = strstr(body, "--XyZ");
    assert_int_equal(parse_mp(&a, CT, first, n - (size_t)(first - body), &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 3);
    arena_free(&a);
}

static void test_mp_boundary_param(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    const char *body = "--a b:c?=\r\n"
                       "Content-Disposition: form-data; name=x\r\n\r\n"
                       "1\r\n--a b:c?=--";
    assert_int_equal(parse_mp(&a, "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c?=\"", body,
                              strlen(body), &f, &err),
                     FORM_OK);
    assert_int_equal(f.n_fields, 1);
    assert_string_equal(form_get(&f, "x"), "1");

    const char *body2 = "--simple\r\nContent-Disposition: form-data; name=\"y\"\r\n\r\n"
                        "\r\n--simple--";
    assert_int_equal(
        parse_mp(&a, "multipart/form-data ;boundary=simple ", body2, strlen(body2), &f, &err),
        FORM_OK);
    assert_string_equal(form_get(&f, "y"), "");
    assert_int_equal(f.fields[0].value_len, 0);

    /* 70 characters are allowed, 71 are not */
    char b70[128] = "multipart/form-data; boundary=", body70[256];
    size_t pre = strlen(b70);
    memset(b70 + pre, 'b', 70);
    b70[pre + 70] = '\0';
    snprintf(body70, sizeof body70, "--%s--", b70 + pre);
    assert_int_equal(parse_mp(&a, b70, body70, strlen(body70), &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 0);
    strcat(b70, "b");
    assert_int_equal(parse_mp(&a, b70, body70, strlen(body70), &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "Content-Type");

    static const char *const bad_ct[] = {
        "text/plain; boundary=x",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"abc",
        "multipart/form-data; boundary=\"ends with space \"",
        "multipart/form-data; boundary=a; boundary=a",
        "multipart/form-data; boundary=a*b",
        "multipart/form-data; boundary",
        "multipart/form-data x; boundary=a",
        "multipart/form-dataX; boundary=a",
    };
    for (size_t i = 0; i < N_ELEMS(bad_ct); i++) {
        err = NULL;
        assert_int_equal(parse_mp(&a, bad_ct[i], "--a--", 5, &f, &err), FORM_ERR_MULTIPART);
        assert_string_equal(err, "Content-Type");
    }
    assert_int_equal(parse_mp(&a, NULL, "--a--", 5, &f, &err), FORM_ERR_MULTIPART);
    arena_free(&a);
}

static void test_mp_framing_errors(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    const char *hdr = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nabc";

    /* missing final boundary: the part is named */
    assert_int_equal(parse_mp(&a, CT, hdr, strlen(hdr), &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "title");
    assert_int_equal(f.n_fields, 0);
    const char *b2 = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ\r\n";
    assert_int_equal(parse_mp(&a, CT, b2, strlen(b2), &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "part 2");

    /* no delimiter at all, empty body */
    assert_int_equal(parse_mp(&a, CT, "hello", 5, &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "part 1");
    assert_int_equal(parse_mp(&a, CT, "", 0, &f, &err), FORM_ERR_MULTIPART);
    assert_int_equal(parse_mp(&a, CT, NULL, 0, &f, &err), FORM_ERR_MULTIPART);

    /* only a close delimiter: an empty form */
    assert_int_equal(parse_mp(&a, CT, "--XyZ--", 7, &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 0);

    /* delimiter followed by junk instead of CRLF; the boundary as a prefix */
    const char *b3 = "--XyZjunk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b3, strlen(b3), &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "part 1");
    /* LF-only framing */
    const char *b4 = "--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b4, strlen(b4), &f, &err), FORM_ERR_MULTIPART);

    /* transport padding after a delimiter is allowed */
    const char *b5 = "--XyZ \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b5, strlen(b5), &f, &err), FORM_OK);
    assert_string_equal(form_get(&f, "a"), "1");
    arena_free(&a);
}

static void test_mp_garbage_headers(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "no colon here",
        ": empty name",
        "Content-Disposition form-data; name=\"a\"",
        "Content-Disposition: form-data; name=\"a\"\r\n folded: continuation",
        "Content-Type: text/plain",                               /* no disposition */
        "Content-Disposition: attachment; name=\"a\"",            /* wrong type */
        "Content-Disposition: form-data",                         /* no name */
        "Content-Disposition: form-data; filename=\"f\"",         /* no name */
        "Content-Disposition: form-data; name=\"a",               /* unterminated quote */
        "Content-Disposition: form-data; name=\"a\\",             /* escape at end */
        "Content-Disposition: form-data; name=\"a\"; name=\"b\"", /* repeated param */
        "Content-Disposition: form-data; name=\"a\" junk",
        "Content-Disposition: form-data; name=",
        "Content-Disposition: form-data; =x",
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "Content-Disposition: form-data; name=\"b\"",
        "Content-Disposition: form-data; name=\"a\"\r\nContent-Type: a\r\nContent-Type: b",
        "Content-Disposition: form-data; name=\"a\"\r\nContent-Type:",
        "Content-Disposition: form-data; name=\"a\"\r\nX-Bad: a\x01z",
        "Content-Disposition: form-data; name=\"a\rb\"",
        "Bad Name: x\r\nContent-Disposition: form-data; name=\"a\"",
    };
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    buf b = BUF_INIT;
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        buf_reset(&b);
        buf_printf(&b, "--XyZ\r\n%s\r\n\r\nvalue\r\n--XyZ--\r\n", bad[i]);
        err = NULL;
        form_status st = parse_mp(&a, CT, b.data, b.len, &f, &err);
        if (st != FORM_ERR_MULTIPART)
            fail_msg("case %zu: status %d", i, (int)st);
        assert_string_equal(err, "part 1");
    }

    /* a NUL byte inside the header section */
    static const char nul_hdr[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\0\"\r\n\r\n"
                                  "v\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, nul_hdr, sizeof nul_hdr - 1, &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "part 1");

    /* no blank line after the headers */
    const char *nohdr = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, nohdr, strlen(nohdr), &f, &err), FORM_ERR_MULTIPART);
    /* a part with no headers at all */
    const char *nothing = "--XyZ\r\n\r\nvalue\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, nothing, strlen(nothing), &f, &err), FORM_ERR_MULTIPART);
    assert_string_equal(err, "part 1");

    /* header section limit: 8192 bytes pass, a bigger one is refused */
    for (int extra = 0; extra < 2; extra++) {
        buf_reset(&b);
        const char *cd = "Content-Disposition: form-data; name=\"a\"\r\n";
        buf_printf(&b, "--XyZ\r\n%sX-Pad: ", cd);
        size_t pad = 8192 - strlen(cd) - strlen("X-Pad: ") - 2 + (size_t)extra;
        for (size_t k = 0; k < pad; k++)
            buf_putc(&b, 'p');
        buf_puts(&b, "\r\n\r\nv\r\n--XyZ--");
        assert_int_equal(parse_mp(&a, CT, b.data, b.len, &f, &err),
                         extra ? FORM_ERR_MULTIPART : FORM_OK);
    }
    buf_free(&b);
    arena_free(&a);
}

static void test_mp_escapes_and_utf8(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    static const char b1[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"a\\\"b\"; filename=\"x\\\\y \\\"q\\\".txt\"\r\n"
        "\r\n\xff\x00\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b1, sizeof b1 - 1, &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, 1);
    assert_string_equal(f.fields[0].name, "a\"b");
    assert_string_equal(f.fields[0].filename, "x\\y \"q\".txt");
    assert_int_equal(f.fields[0].value_len, 2); /* file parts are binary */

    /* an empty file input: filename="" and no bytes */
    const char *b2 = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b2, strlen(b2), &f, &err), FORM_OK);
    assert_string_equal(f.fields[0].filename, "");
    assert_int_equal(f.fields[0].value_len, 0);

    /* UTF-8 names and filenames (as browsers send them) */
    const char *b3 = "--XyZ\r\nContent-Disposition: form-data; name=\"\xd0\xb8\xd0\xbc\xd0\xb5\"; "
                     "filename=\"\xd1\x84\xd0\xb0\xd1\x98\xd0\xbb.txt\"\r\n\r\nx\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b3, strlen(b3), &f, &err), FORM_OK);
    assert_string_equal(f.fields[0].name, "\xd0\xb8\xd0\xbc\xd0\xb5");

    /* text parts must be UTF-8 without NUL */
    const char *b4 = "--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nab\xff\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b4, strlen(b4), &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "t");
    static const char b5[] = "--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\na\0b\r\n"
                             "--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b5, sizeof b5 - 1, &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "t");
    /* bad UTF-8 in a name names the part; in a filename names the field */
    const char *b6 = "--XyZ\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b6, strlen(b6), &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "part 1");
    const char *b7 = "--XyZ\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\nx\r\n--XyZ\r\n"
                     "Content-Disposition: form-data; name=\"g\"; filename=\"\xc3\"\r\n\r\n"
                     "x\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b7, strlen(b7), &f, &err), FORM_ERR_UTF8);
    assert_string_equal(err, "g");
    arena_free(&a);
}

static void test_mp_too_many(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    const char *err = NULL;
    buf b = BUF_INIT;
    for (int i = 0; i < FORM_MAX_FIELDS; i++)
        buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
    size_t keep = b.len;
    buf_puts(&b, "--XyZ--");
    assert_int_equal(parse_mp(&a, CT, b.data, b.len, &f, &err), FORM_OK);
    assert_int_equal(f.n_fields, FORM_MAX_FIELDS);
    assert_string_equal(form_get(&f, "f0"), "0");
    assert_string_equal(form_get(&f, "f511"), "511");
    b.len = keep;
    buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f512\"\r\n\r\nx\r\n--XyZ--");
    assert_int_equal(parse_mp(&a, CT, b.data, b.len, &f, &err), FORM_ERR_TOO_MANY);
    assert_string_equal(err, "part 513");
    assert_int_equal(f.n_fields, 0);
    buf_free(&b);
    arena_free(&a);
}

/* --- validation: text kinds ------------------------------------------------ */

static void test_validate_text(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"name", FV_TEXT, FORM_REQUIRED, 2, 5, NULL};

    assert_int_equal(check1(&a, "name=+Ana+", &r, &v), 0);
    assert_true(v.present);
    assert_string_equal(v.text, "Ana");
    /* five Cyrillic letters are ten bytes but five characters */
    assert_int_equal(check1(&a, "name=%D0%82%D0%BE%D1%80%D1%92%D0%B5", &r, &v), 0);
    assert_string_equal(v.text, "\xd0\x82\xd0\xbe\xd1\x80\xd1\x92\xd0\xb5");
    assert_int_equal(check1(&a, "name=%D0%82%D0%BE%D1%80%D1%92%D0%B5a", &r, &v), FE_TOO_LONG);
    assert_string_equal(v.text, "\xd0\x82\xd0\xbe\xd1\x80\xd1\x92\xd0\xb5"
                                "a"); /* kept for redisplay */
    assert_int_equal(check1(&a, "name=%D0%96%D0%96", &r, &v), 0);
    assert_int_equal(check1(&a, "name=%D0%96", &r, &v), FE_TOO_SHORT);
    assert_int_equal(check1(&a, "name=abcde", &r, &v), 0);
    assert_int_equal(check1(&a, "name=abcdef", &r, &v), FE_TOO_LONG);

    assert_int_equal(check1(&a, "", &r, &v), FE_REQUIRED);
    assert_false(v.present);
    assert_null(v.text);
    assert_int_equal(check1(&a, "name=+%09%0D%0A+", &r, &v), FE_REQUIRED);
    assert_false(v.present);
    assert_int_equal(check1(&a, "name=a%0Ab", &r, &v), FE_CONTROL_CHARS);
    assert_int_equal(check1(&a, "name=a%0Db", &r, &v), FE_CONTROL_CHARS);
    assert_int_equal(check1(&a, "name=a%09b", &r, &v), FE_CONTROL_CHARS);
    assert_int_equal(check1(&a, "name=a%7Fb", &r, &v), FE_CONTROL_CHARS);
    assert_int_equal(check1(&a, "name=a%C2%85b", &r, &v), FE_CONTROL_CHARS);    /* C1 NEL */
    assert_int_equal(check1(&a, "name=a%E2%80%A8b", &r, &v), FE_CONTROL_CHARS); /* U+2028 */
    assert_int_equal(check1(&a, "name=a%EF%BF%BFb", &r, &v), FE_CONTROL_CHARS); /* U+FFFF */
    assert_int_equal(check1(&a, "name=a%EF%BF%BEb", &r, &v), FE_CONTROL_CHARS); /* U+FFFE */
    assert_int_equal(check1(&a, "name=a%EF%BF%BDb", &r, &v), 0); /* U+FFFD is a character */
    /* invisible formatting characters that make a text read otherwise */
    assert_int_equal(check1(&a, "name=a%E2%80%AEb", &r, &v), FE_CONTROL_CHARS); /* RLO */
    assert_int_equal(check1(&a, "name=a%E2%81%A6b", &r, &v), FE_CONTROL_CHARS); /* LRI */
    assert_int_equal(check1(&a, "name=a%E2%80%8Bb", &r, &v), FE_CONTROL_CHARS); /* ZWSP */
    assert_int_equal(check1(&a, "name=a%EF%BB%BFb", &r, &v), FE_CONTROL_CHARS); /* BOM */
    assert_int_equal(check1(&a, "name=a%E2%80%8Cb", &r, &v), 0); /* ZWNJ: some scripts need it */
    assert_int_equal(check1(&a, "name=a%E2%80%8Fb", &r, &v), 0); /* RLM */

    form_rule opt = {"nick", FV_TEXT, 0, 0, 0, NULL};
    assert_int_equal(check1(&a, "other=1", &opt, &v), 0);
    assert_false(v.present);
    assert_null(v.text);
    char big[2100] = "nick=";
    memset(big + 5, 'x', 2000);
    big[2005] = '\0';
    assert_int_equal(check1(&a, big, &opt, &v), 0); /* 0,0: no limit */
    assert_int_equal(strlen(v.text), 2000);
    arena_free(&a);
}

static void test_validate_multiline(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"body", FV_MULTILINE, 0, 0, 5, NULL};
    assert_int_equal(check1(&a, "body=%0D%0Aa%0D%0Ab%0Dc%09+", &r, &v), 0);
    assert_string_equal(v.text, "a\nb\nc"); /* CRLF and CR become LF, then 5 characters */
    assert_int_equal(check1(&a, "body=a%0D%0Ab%0D%0Acd", &r, &v), FE_TOO_LONG);
    assert_int_equal(check1(&a, "body=a%09b", &r, &v), 0);
    assert_string_equal(v.text, "a\tb");
    assert_int_equal(check1(&a, "body=a%01b", &r, &v), FE_CONTROL_CHARS);
    assert_int_equal(check1(&a, "body=a%1Bb", &r, &v), FE_CONTROL_CHARS);
    assert_int_equal(check1(&a, "body=a%C2%9Bb", &r, &v), FE_CONTROL_CHARS);
    arena_free(&a);
}

static void test_validate_int(void **state)
{
    (void)state;
    static const char *const bad[] = {"%2B1",
                                      "1.0",
                                      "12a",
                                      "-",
                                      "0x10",
                                      "1+2",
                                      "1%202",
                                      "%D9%A1",
                                      "9223372036854775808",
                                      "-9223372036854775809",
                                      "99999999999999999999"};
    arena a = ARENA_INIT;
    form_value v;
    form_rule any = {"n", FV_INT, 0, 0, 0, NULL};
    char body[64];
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        snprintf(body, sizeof body, "n=%s", bad[i]);
        assert_int_equal(check1(&a, body, &any, &v), FE_NOT_INT);
    }
    assert_int_equal(check1(&a, "n=42", &any, &v), 0);
    assert_int_equal(v.i, 42);
    assert_int_equal(check1(&a, "n=+-7+", &any, &v), 0); /* '+' is a space: trimmed */
    assert_int_equal(v.i, -7);
    assert_int_equal(check1(&a, "n=007", &any, &v), 0);
    assert_int_equal(v.i, 7);
    assert_int_equal(check1(&a, "n=-0", &any, &v), 0);
    assert_int_equal(v.i, 0);
    assert_int_equal(check1(&a, "n=9223372036854775807", &any, &v), 0);
    assert_true(v.i == INT64_MAX);
    assert_int_equal(check1(&a, "n=-9223372036854775808", &any, &v), 0);
    assert_true(v.i == INT64_MIN);
    assert_int_equal(check1(&a, "n=", &any, &v), 0);
    assert_false(v.present);

    form_rule r = {"n", FV_INT, FORM_REQUIRED, 1, 10, NULL};
    assert_int_equal(check1(&a, "n=0", &r, &v), FE_RANGE);
    assert_int_equal(check1(&a, "n=1", &r, &v), 0);
    assert_int_equal(check1(&a, "n=10", &r, &v), 0);
    assert_int_equal(check1(&a, "n=11", &r, &v), FE_RANGE);
    assert_int_equal(check1(&a, "n=-5", &r, &v), FE_RANGE);
    assert_int_equal(check1(&a, "x=5", &r, &v), FE_REQUIRED);
    form_rule neg = {"n", FV_INT, 0, -5, 0, NULL};
    assert_int_equal(check1(&a, "n=0", &neg, &v), 0);
    assert_int_equal(check1(&a, "n=-5", &neg, &v), 0);
    assert_int_equal(check1(&a, "n=1", &neg, &v), FE_RANGE);
    assert_int_equal(check1(&a, "n=-6", &neg, &v), FE_RANGE);
    arena_free(&a);
}

static void test_validate_money(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t minor;
    } good[] = {
        {"1234", 123400},
        {"1234.5", 123450},
        {"1234,56", 123456},
        {"-0.99", -99},
        {"0", 0},
        {"0,05", 5},
        {"-12", -1200},
        {"92233720368547758.07", INT64_MAX},
        {"1.234,56", 123456}, /* either habit (core/num.h; more in test_num.c) */
        {"1,234.56", 123456},
        {"1+234+567", 123456700}, /* '+' is a space: grouping */
    };
    static const char *const bad[] = {"1.",
                                      ".5",
                                      ",5",
                                      "1e3",
                                      "1.2.3",
                                      "1.234.56",
                                      "--1",
                                      "%2B1",
                                      "abc",
                                      "1.5a",
                                      "-",
                                      "92233720368547758.08",
                                      "100000000000000000000"};
    arena a = ARENA_INIT;
    form_value v;
    form_rule any = {"m", FV_MONEY, 0, 0, 0, NULL};
    char body[64];
    for (size_t i = 0; i < N_ELEMS(good); i++) {
        snprintf(body, sizeof body, "m=%s", good[i].in);
        assert_int_equal(check1(&a, body, &any, &v), 0);
        assert_true(v.i == good[i].minor);
    }
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        snprintf(body, sizeof body, "m=%s", bad[i]);
        if (check1(&a, body, &any, &v) != FE_NOT_MONEY)
            fail_msg("accepted %s", bad[i]);
    }
    form_rule r = {"m", FV_MONEY, 0, 1, 500, NULL}; /* whole units */
    assert_int_equal(check1(&a, "m=500.00", &r, &v), 0);
    assert_int_equal(v.i, 50000);
    assert_int_equal(check1(&a, "m=500.01", &r, &v), FE_RANGE);
    assert_int_equal(check1(&a, "m=1", &r, &v), 0);
    assert_int_equal(check1(&a, "m=0.99", &r, &v), FE_RANGE);
    arena_free(&a);
}

static void test_validate_email(void **state)
{
    (void)state;
    static const char *const good[] = {"a@b.rs", "first.last%2Btag@sub.example.com",
                                       "x_y-z@mail-1.example.org", "%D0%B0@%D0%BF.%D1%80%D1%81"};
    static const char *const bad[] = {
        "a@b",      "@b.rs",        "a@",        "a@@b.rs",    "a@b@c.rs", "a+b@c.rs", "a@b..rs",
        "a@.b.rs",  ".a@b.rs",      "a.@b.rs",   "a..b@c.rs",  "a@-b.rs",  "a@b-.rs",  "a@b.rs.",
        "a@b_c.rs", "%3Ca%3E@b.rs", "a@b%0A.rs", "a%0Ab@c.rs", "a,b@c.rs", "plain"};
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"e", FV_EMAIL, 0, 0, 0, NULL};
    char body[128];
    for (size_t i = 0; i < N_ELEMS(good); i++) {
        snprintf(body, sizeof body, "e=%s", good[i]);
        if (check1(&a, body, &r, &v) != 0)
            fail_msg("refused %s", good[i]);
    }
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        snprintf(body, sizeof body, "e=%s", bad[i]);
        if (check1(&a, body, &r, &v) != FE_EMAIL)
            fail_msg("accepted %s", bad[i]);
    }
    form_rule len = {"e", FV_EMAIL, 0, 0, 6, NULL};
    assert_int_equal(check1(&a, "e=a@b.rs", &len, &v), 0);
    assert_int_equal(check1(&a, "e=ab@b.rs", &len, &v), FE_TOO_LONG);
    arena_free(&a);
}

static void test_validate_url(void **state)
{
    (void)state;
    static const char *const good[] = {
        "http://example.com",      "https://example.com:8443/path?q=1#frag",
        "HTTPS://Example.COM",     "http://[::1]/",
        "http://localhost",        "https://a.b.c/%2520x",
        "http://my_host.local:80", "https://example.com?x",
        "https://example.com#top"};
    static const char *const bad[] = {"ftp://example.com",   "http://",
                                      "http:///path",        "http://exa%20mple.com",
                                      "http://x.com/a%20b",  "http://user:pw@host.com",
                                      "javascript:alert(1)", "http://host:123456",
                                      "http://host:/",       "http://host:8a",
                                      "//host.com",          "example.com",
                                      "http://a..b",         "http://[]/",
                                      "http://[zz]/",        "http://x.com/%3Cscript%3E",
                                      "http://x.com/%0Ax",   "https:example.com",
                                      "http://.x.com"};
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"u", FV_URL, 0, 0, 0, NULL};
    char body[128];
    for (size_t i = 0; i < N_ELEMS(good); i++) {
        snprintf(body, sizeof body, "u=%s", good[i]);
        if (check1(&a, body, &r, &v) != 0)
            fail_msg("refused %s", good[i]);
    }
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        snprintf(body, sizeof body, "u=%s", bad[i]);
        if (check1(&a, body, &r, &v) != FE_URL)
            fail_msg("accepted %s", bad[i]);
    }
    form_rule len = {"u", FV_URL, 0, 0, 12, NULL};
    assert_int_equal(check1(&a, "u=http://ab.rs", &len, &v), 0);
    assert_int_equal(check1(&a, "u=http://abc.rs", &len, &v), FE_TOO_LONG);
    arena_free(&a);
}

static void test_validate_slug(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"s", FV_SLUG, 0, 2, 8, NULL};
    assert_int_equal(check1(&a, "s=abc-123", &r, &v), 0);
    assert_string_equal(v.text, "abc-123");
    assert_int_equal(check1(&a, "s=a--b", &r, &v), 0);
    assert_int_equal(check1(&a, "s=abcdefgh", &r, &v), 0);
    assert_int_equal(check1(&a, "s=abcdefghi", &r, &v), FE_TOO_LONG);
    assert_int_equal(check1(&a, "s=a", &r, &v), FE_TOO_SHORT);
    static const char *const bad[] = {"-abc", "abc-", "Abc", "a_b", "a+b", "%C4%87ao", "a.b", "-"};
    char body[64];
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        snprintf(body, sizeof body, "s=%s", bad[i]);
        if (check1(&a, body, &r, &v) != FE_SLUG)
            fail_msg("accepted %s", bad[i]);
    }
    arena_free(&a);
}

static void test_validate_enum_bool(void **state)
{
    (void)state;
    static const char *const colours[] = {"red", "green", "blue", NULL};
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"c", FV_ENUM, 0, 0, 0, colours};
    assert_int_equal(check1(&a, "c=green", &r, &v), 0);
    assert_int_equal(v.i, 1);
    assert_int_equal(check1(&a, "c=+blue+", &r, &v), 0);
    assert_int_equal(v.i, 2);
    assert_int_equal(check1(&a, "c=Green", &r, &v), FE_CHOICE);
    assert_int_equal(check1(&a, "c=purple", &r, &v), FE_CHOICE);
    assert_int_equal(check1(&a, "c=", &r, &v), 0);
    assert_false(v.present);
    r.flags = FORM_REQUIRED;
    assert_int_equal(check1(&a, "c=", &r, &v), FE_REQUIRED);

    form_rule b = {"ok", FV_BOOL, 0, 0, 0, NULL};
    static const char *const yes[] = {"on", "1", "true", "yes", "ON", "True"};
    static const char *const no[] = {"0", "off", "false", "no"};
    char body[64];
    for (size_t i = 0; i < N_ELEMS(yes); i++) {
        snprintf(body, sizeof body, "ok=%s", yes[i]);
        assert_int_equal(check1(&a, body, &b, &v), 0);
        assert_int_equal(v.i, 1);
        assert_true(v.present);
    }
    for (size_t i = 0; i < N_ELEMS(no); i++) {
        snprintf(body, sizeof body, "ok=%s", no[i]);
        assert_int_equal(check1(&a, body, &b, &v), 0);
        assert_int_equal(v.i, 0);
    }
    assert_int_equal(check1(&a, "other=1", &b, &v), 0);
    assert_int_equal(v.i, 0);
    assert_false(v.present);
    assert_int_equal(check1(&a, "ok=maybe", &b, &v), FE_CHOICE);
    b.flags = FORM_REQUIRED; /* "must be ticked" */
    assert_int_equal(check1(&a, "other=1", &b, &v), FE_REQUIRED);
    assert_int_equal(check1(&a, "ok=0", &b, &v), FE_REQUIRED);
    assert_int_equal(check1(&a, "ok=on", &b, &v), 0);
    arena_free(&a);
}

static void test_validate_file(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    form_value v;
    form_errors errs = {0};
    char body[1024];
    size_t n = mp_body(body, sizeof body);
    assert_int_equal(parse_mp(&a, CT, body, n, &f, NULL), FORM_OK);

    form_rule r = {"upload", FV_FILE, FORM_REQUIRED, 0, (int64_t)FILE_LEN, NULL};
    assert_true(form_validate(&a, &f, &r, 1, &v, &errs));
    assert_true(v.present);
    assert_ptr_equal(v.file, form_find(&f, "upload"));
    assert_string_equal(v.text, "data.bin");
    r.max = (int64_t)FILE_LEN - 1;
    assert_false(form_validate(&a, &f, &r, 1, &v, &errs));
    assert_int_equal(errs.n_items, 1);
    assert_int_equal(errs.items[0].code, FE_FILE_TOO_BIG);
    assert_true(errs.items[0].max == (int64_t)FILE_LEN - 1);

    /* a text field of that name is not a file */
    errs.n_items = 0;
    form_rule t = {"title", FV_FILE, FORM_REQUIRED, 0, 0, NULL};
    assert_false(form_validate(&a, &f, &t, 1, &v, &errs));
    assert_int_equal(errs.items[0].code, FE_REQUIRED);
    assert_false(v.present);
    assert_null(v.file);

    /* an empty file input is absent */
    const char *b2 = "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"\"\r\n"
                     "\r\n\r\n--XyZ--";
    assert_int_equal(parse_mp(&a, CT, b2, strlen(b2), &f, NULL), FORM_OK);
    errs.n_items = 0;
    r.max = 0;
    assert_false(form_validate(&a, &f, &r, 1, &v, &errs));
    assert_int_equal(errs.items[0].code, FE_REQUIRED);
    r.flags = 0;
    assert_true(form_validate(&a, &f, &r, 1, &v, &errs));
    assert_false(v.present);

    /* a binary file part given to a text rule cannot pass as text */
    assert_int_equal(parse_mp(&a, CT, body, n, &f, NULL), FORM_OK);
    form_rule txt = {"upload", FV_MULTILINE, 0, 0, 0, NULL};
    errs.n_items = 0;
    assert_false(form_validate(&a, &f, &txt, 1, &v, &errs));
    assert_int_equal(errs.items[0].code, FE_CONTROL_CHARS);
    assert_null(v.text);
    arena_free(&a);
}

static void test_validate_multi(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form_value v;
    form_rule r = {"tag", FV_SLUG, FORM_MULTI, 0, 0, NULL};
    assert_int_equal(check1(&a, "tag=a&x=1&tag=&tag=+b-c+", &r, &v), 0);
    assert_true(v.present);
    assert_int_equal(v.n_list, 2);
    assert_string_equal(v.list[0], "a");
    assert_string_equal(v.list[1], "b-c");
    assert_string_equal(v.text, "a");
    assert_int_equal(check1(&a, "tag=a&tag=B&tag=c", &r, &v), FE_SLUG);
    assert_int_equal(v.n_list, 3);
    assert_int_equal(check1(&a, "x=1", &r, &v), 0);
    assert_false(v.present);
    assert_int_equal(v.n_list, 0);
    r.flags |= FORM_REQUIRED;
    assert_int_equal(check1(&a, "tag=&tag=+", &r, &v), FE_REQUIRED);

    static const char *const opts[] = {"x", "y", NULL};
    form_rule e = {"o", FV_ENUM, FORM_MULTI, 0, 0, opts};
    assert_int_equal(check1(&a, "o=y&o=x", &e, &v), 0);
    assert_int_equal(v.n_list, 2);
    assert_int_equal(v.i, 1);

    /* without FORM_MULTI the first occurrence is used */
    form_rule one = {"tag", FV_TEXT, 0, 0, 0, NULL};
    assert_int_equal(check1(&a, "tag=first&tag=second", &one, &v), 0);
    assert_string_equal(v.text, "first");
    assert_null(v.list);
    arena_free(&a);
}

static void test_validate_table_and_errors(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form f;
    form_errors errs = {0};
    const form_rule rules[] = {
        {"name", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
        {"age", FV_INT, 0, 0, 150, NULL},
        {"mail", FV_EMAIL, FORM_REQUIRED, 0, 0, NULL},
        {"site", FV_URL, 0, 0, 0, NULL},
    };
    form_value vals[N_ELEMS(rules)];
    assert_int_equal(parse_url(&a, "name=Ana&age=200&site=http%3A%2F%2Fx.rs&junk=1", &f, NULL),
                     FORM_OK);
    assert_false(form_validate(&a, &f, rules, N_ELEMS(rules), vals, &errs));
    assert_int_equal(errs.n_items, 2);
    assert_string_equal(errs.items[0].field, "age");
    assert_int_equal(errs.items[0].code, FE_RANGE);
    assert_int_equal(errs.items[0].min, 0);
    assert_int_equal(errs.items[0].max, 150);
    assert_string_equal(errs.items[1].field, "mail");
    assert_int_equal(errs.items[1].code, FE_REQUIRED);
    assert_ptr_equal(form_error_for(&errs, "mail"), &errs.items[1]);
    assert_null(form_error_for(&errs, "name"));
    assert_null(form_error_for(NULL, "name"));
    assert_string_equal(vals[0].text, "Ana");
    assert_string_equal(vals[1].text, "200");
    assert_string_equal(vals[3].text, "http://x.rs");

    /* more than 32 failing fields: extra errors are dropped */
    form_rule many[40];
    form_value mv[40];
    char names[40][8];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "f%d", i);
        many[i] = (form_rule){names[i], FV_TEXT, FORM_REQUIRED, 0, 0, NULL};
    }
    form_errors e2 = {0};
    assert_false(form_validate(&a, &f, many, 40, mv, &e2));
    assert_int_equal(e2.n_items, 32);
    assert_string_equal(e2.items[31].field, "f31");
    assert_false(form_validate(&a, &f, many, 40, mv, &e2)); /* already full: still safe */
    assert_int_equal(e2.n_items, 32);

    /* a NULL form is an empty one */
    form_errors e3 = {0};
    assert_false(form_validate(&a, NULL, rules, N_ELEMS(rules), vals, &e3));
    assert_int_equal(e3.n_items, 2);
    arena_free(&a);
}

/* A form in the rules' order (fields_in_rule_order: each rule handed its
 * own fields) validates exactly as the same fields in another order (each
 * rule looks through all of them): values, lists and errors. */
static void test_validate_order_same(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    static const char *const opts[] = {"x", "y", NULL};
    const form_rule rules[] = {
        {"name", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
        {"tag", FV_SLUG, FORM_MULTI, 0, 0, NULL},
        {"age", FV_INT, 0, 0, 150, NULL},
        {"o", FV_ENUM, FORM_MULTI, 0, 0, opts},
        {"mail", FV_EMAIL, FORM_REQUIRED, 0, 0, NULL},
        {"note", FV_TEXT, 0, 0, 0, NULL},
    };
    static const char *const posts[][2] = {
        /* in the rules' order; the same fields in another order */
        {"name=Ana&tag=a&tag=b-c&age=200&o=y&o=x&note=n1&note=n2",
         "note=n1&o=y&age=200&tag=a&name=Ana&o=x&tag=b-c&note=n2"},
        {"name=&tag=B&o=z", "o=z&tag=B&name="},
        {"", ""},
        {"name=Ana&mail=a%40b.rs", "mail=a%40b.rs&name=Ana"},
    };
    for (size_t k = 0; k < N_ELEMS(posts); k++) {
        form_value v[2][N_ELEMS(rules)];
        form_errors e[2];
        memset(e, 0, sizeof e);
        bool ok[2];
        for (int o = 0; o < 2; o++) {
            form f;
            assert_int_equal(parse_url(&a, posts[k][o], &f, NULL), FORM_OK);
            ok[o] = form_validate(&a, &f, rules, N_ELEMS(rules), v[o], &e[o]);
        }
        assert_int_equal(ok[0], ok[1]);
        assert_int_equal(e[0].n_items, e[1].n_items);
        for (size_t i = 0; i < e[0].n_items; i++) {
            assert_string_equal(e[0].items[i].field, e[1].items[i].field);
            assert_int_equal(e[0].items[i].code, e[1].items[i].code);
        }
        for (size_t r = 0; r < N_ELEMS(rules); r++) {
            assert_int_equal(v[0][r].present, v[1][r].present);
            assert_int_equal(v[0][r].i, v[1][r].i);
            assert_int_equal(v[0][r].n_list, v[1][r].n_list);
            if (v[0][r].text || v[1][r].text) {
                assert_non_null(v[0][r].text);
                assert_non_null(v[1][r].text);
                assert_string_equal(v[0][r].text, v[1][r].text);
            }
        }
    }
    arena_free(&a);
}

/* --- messages ---------------------------------------------------------------- */

static void test_error_text(void **state)
{
    (void)state;
    assert_error_text(LANG_EN, FE_REQUIRED, 0, 0, "This field is required.");
    assert_error_text(LANG_SR_CYRL, FE_REQUIRED, 0, 0, "Ово поље је обавезно.");
    assert_error_text(LANG_SR_LATN, FE_REQUIRED, 0, 0, "Ovo polje je obavezno.");

    assert_error_text(LANG_EN, FE_TOO_LONG, 0, 200, "Must be at most 200 characters.");
    assert_error_text(LANG_EN, FE_TOO_LONG, 0, 1, "Must be at most 1 character.");
    assert_error_text(LANG_SR_CYRL, FE_TOO_LONG, 0, 21, "Може имати највише 21 знак.");
    assert_error_text(LANG_SR_CYRL, FE_TOO_LONG, 0, 3, "Може имати највише 3 знака.");
    assert_error_text(LANG_SR_CYRL, FE_TOO_LONG, 0, 12, "Може имати највише 12 знакова.");
    assert_error_text(LANG_SR_LATN, FE_TOO_LONG, 0, 200, "Može imati najviše 200 znakova.");
    assert_error_text(LANG_EN, FE_TOO_SHORT, 3, 0, "Must be at least 3 characters long.");
    assert_error_text(LANG_SR_CYRL, FE_TOO_SHORT, 2, 0, "Мора имати најмање 2 знака.");

    assert_error_text(LANG_EN, FE_RANGE, 1, 10, "Must be between 1 and 10.");
    assert_error_text(LANG_EN, FE_RANGE, -5, 1000000, "Must be between -5 and 1,000,000.");
    assert_error_text(LANG_SR_CYRL, FE_RANGE, 0, 1000000, "Мора бити између 0 и 1.000.000.");
    assert_error_text(LANG_EN, FE_RANGE, 18, INT64_MAX, "Must be at least 18.");
    assert_error_text(LANG_EN, FE_RANGE, INT64_MIN, 99, "Must be at most 99.");

    assert_error_text(LANG_EN, FE_FILE_TOO_BIG, 0, 2 * 1024 * 1024,
                      "The file is too big; the largest allowed size is 2 MB.");
    assert_error_text(LANG_SR_LATN, FE_FILE_TOO_BIG, 0, 3 * 512 * 1024,
                      "Datoteka je prevelika; najveća dozvoljena veličina je 1,5 MB.");
    assert_error_text(LANG_EN, FE_FILE_TOO_BIG, 0, 500,
                      "The file is too big; the largest allowed size is 500 B.");
    assert_error_text(LANG_EN, FE_FILE_TOO_BIG, 0, 10 * 1024,
                      "The file is too big; the largest allowed size is 10 KB.");

    /* every code has its own non-empty sentence in every language */
    for (int lang = 0; lang < LANG__COUNT; lang++) {
        for (int c = FE_REQUIRED; c <= FE_NOMEM; c++) {
            char *s = error_text((lang_id)lang, (form_error_code)c, 1, 5);
            assert_true(strlen(s) > 5);
            assert_null(strchr(s, '%'));
            free(s);
        }
    }
    assert_error_text(LANG_EN, (form_error_code)999, 0, 0, "This value is not valid.");
}

/* FV_DATE: a real calendar date, years 1900..2199, written YYYY-MM-DD. */
static void test_validate_date(void **state)
{
    (void)state;
    static const form_rule rules[] = {{"d", FV_DATE, FORM_REQUIRED, 0, 0, NULL}};
    static const valid_table t = {rules, 1, NULL, 0};
    static const struct {
        const char *in;
        form_error_code want;
    } cases[] = {
        {"2024-02-29", 0},       {"2023-02-29", FE_DATE}, {"2023-04-31", FE_DATE},
        {" 2023-12-31 ", 0},     {"1899-12-31", FE_DATE}, {"2200-01-01", FE_DATE},
        {"2023-1-01", FE_DATE},  {"2023/01/01", FE_DATE}, {"", FE_REQUIRED},
        {"2023-13-01", FE_DATE}, {"2023-00-10", FE_DATE}, {"abcd-ef-gh", FE_DATE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        arena a = ARENA_INIT;
        form_value v;
        form_errors errs = {0};
        bool ok = valid_values(&a, &t, &cases[i].in, &v, &errs, NULL);
        assert_int_equal(ok, cases[i].want == 0);
        if (cases[i].want)
            assert_int_equal(form_error_for(&errs, "d")->code, cases[i].want);
        else
            assert_int_equal(strlen(v.text), 10);
        arena_free(&a);
    }
}

/* valid_values: arguments through a table, then its cross-field rules in
 * order, with the caller's context; absent values are NULL or "". */
static void end_after_start(const form_value *v, const void *ctx, form_errors *errs)
{
    int *calls = (int *)ctx;
    (*calls)++;
    if (v[0].present && v[1].present && !form_error_for(errs, "to") &&
        strcmp(v[1].text, v[0].text) <= 0)
        valid_add_error(errs, "to", FE_DATE_ORDER, 0, 0);
}

static void test_valid_values_cross(void **state)
{
    (void)state;
    static const form_rule rules[] = {{"from", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
                                      {"to", FV_DATE, 0, 0, 0, NULL},
                                      {"note", FV_TEXT, 0, 0, 5, NULL}};
    static const valid_cross_fn cross[] = {end_after_start};
    static const valid_table t = {rules, 3, cross, 1};
    arena a = ARENA_INIT;
    form_value v[3];
    int calls = 0;

    form_errors errs = {0};
    const char *good[3] = {"2024-01-01", "2024-06-30", NULL};
    assert_true(valid_values(&a, &t, good, v, &errs, &calls));
    assert_int_equal(calls, 1);
    assert_false(v[2].present);

    form_errors bad = {0};
    const char *order[3] = {"2024-06-30", "2024-01-01", "toolong"};
    assert_false(valid_values(&a, &t, order, v, &bad, &calls));
    assert_int_equal(calls, 2);
    assert_int_equal(bad.n_items, 2);
    assert_int_equal(form_error_for(&bad, "to")->code, FE_DATE_ORDER);
    assert_int_equal(form_error_for(&bad, "note")->code, FE_TOO_LONG);
    assert_int_equal(form_error_for(&bad, "note")->max, 5);

    /* a cross rule only adds: errors found before stay, none is doubled */
    form_errors both = {0};
    const char *missing[3] = {"", "2024-13-01", NULL};
    assert_false(valid_values(&a, &t, missing, v, &both, &calls));
    assert_int_equal(both.n_items, 2);
    assert_int_equal(form_error_for(&both, "from")->code, FE_REQUIRED);
    assert_int_equal(form_error_for(&both, "to")->code, FE_DATE);
    arena_free(&a);
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

/* valid.c's control check as it was before its eight-byte step: the
 * reference the fast loop must agree with. */
static bool control_plain(const char *s, size_t n, bool multiline)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            if (multiline && (c == '\n' || c == '\r' || c == '\t'))
                continue;
            return true;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9F)
            return true; /* U+0080..U+009F */
        if (!multiline && c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
            return true; /* U+2028, U+2029 */
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
            return true; /* U+FFFE, U+FFFF */
        if (i + 2 < n) {
            unsigned char b1 = (unsigned char)s[i + 1], b2 = (unsigned char)s[i + 2];
            if (c == 0xEF && b1 == 0xBB && b2 == 0xBF)
                return true; /* U+FEFF */
            if (c == 0xE2 && b1 == 0x80 && (b2 == 0x8B || (b2 >= 0xAA && b2 <= 0xAE)))
                return true; /* U+200B, U+202A..U+202E */
            if (c == 0xE2 && b1 == 0x81 && (b2 == 0xA0 || (b2 >= 0xA6 && b2 <= 0xA9)))
                return true; /* U+2060, U+2066..U+2069 */
        }
    }
    return false;
}

/* Text and multiline fields refuse control characters exactly where the
 * byte-by-byte check did: random valid UTF-8 between two letters (so
 * trimming leaves it whole), at every offset from an eight-byte step. */
static void test_control_matches_plain_loop(void **state)
{
    (void)state;
    uint32_t x = 521288629u;
    char text[96];
    size_t refused = 0, checked = 0;
    for (int round = 0; round < 20000; round++) {
        size_t n = fast_random_text_any(&x, text + 1, sizeof text - 2, true);
        text[0] = 'x';
        text[n + 1] = 'x';
        text[n + 2] = '\0';
        n += 2;
        if (memchr(text, '\0', n) || !utf8_valid(text, n, false))
            continue; /* other codes answer those first */
        for (int multi = 0; multi < 2; multi++) {
            arena a = ARENA_INIT;
            form_rule r = {"t", multi ? FV_MULTILINE : FV_TEXT, 0, 0, 10000, NULL};
            form_field fld = {"t", text, n, NULL, NULL};
            form f = {&fld, 1};
            form_value v;
            form_errors errs = {0};
            form_validate(&a, &f, &r, 1, &v, &errs);
            bool want = control_plain(text, n, multi);
            bool got = errs.n_items == 1 && errs.items[0].code == FE_CONTROL_CHARS;
            if (got != want || (!want && errs.n_items))
                fail_msg("round %d multiline %d: expected %s", round, multi,
                         want ? "a refusal" : "no error");
            refused += want;
            checked++;
            arena_free(&a);
        }
    }
    if (refused < 1000 || checked - refused < 1000) /* both answers exercised */
        fail_msg("%zu refused of %zu checked", refused, checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_matches_plain_loop),
        cmocka_unit_test(test_validate_order_same),
        cmocka_unit_test(test_trim_unicode_spaces),
        cmocka_unit_test(test_url_basic),
        cmocka_unit_test(test_url_utf8),
        cmocka_unit_test(test_url_bad_escapes),
        cmocka_unit_test(test_url_empty_and_shapes),
        cmocka_unit_test(test_url_too_many),
        cmocka_unit_test(test_mp_basic),
        cmocka_unit_test(test_mp_boundary_param),
        cmocka_unit_test(test_mp_framing_errors),
        cmocka_unit_test(test_mp_garbage_headers),
        cmocka_unit_test(test_mp_escapes_and_utf8),
        cmocka_unit_test(test_mp_too_many),
        cmocka_unit_test(test_validate_text),
        cmocka_unit_test(test_validate_multiline),
        cmocka_unit_test(test_validate_int),
        cmocka_unit_test(test_validate_money),
        cmocka_unit_test(test_validate_email),
        cmocka_unit_test(test_validate_url),
        cmocka_unit_test(test_validate_slug),
        cmocka_unit_test(test_validate_enum_bool),
        cmocka_unit_test(test_validate_file),
        cmocka_unit_test(test_validate_multi),
        cmocka_unit_test(test_validate_table_and_errors),
        cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_validate_date),
        cmocka_unit_test(test_valid_values_cross),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
