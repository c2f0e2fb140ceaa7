/* csv.c: the CSV reader and cell writer (see csv.h), moved out of
 * model/org_import.c so the directory and figures importers read files the
 * same way and report the same sentences. */
#include "core/csv.h"

#include <assert.h>
#include <iconv.h>
#include <pthread.h>

#include <string.h>

#include "core/strutil.h"
#include "core/utf8.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool trigger(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool csv_needs_guard(const char *s)
{
    return s[0] && (trigger(s[0]) || (s[0] == '\'' && (trigger(s[1]) || s[1] == '\'')));
}

bool csv_has_guard(const char *s)
{
    return s[0] == '\'' && (trigger(s[1]) || s[1] == '\'');
}

void csv_put_cell(buf *out, const char *s)
{
    if (!s || !*s)
        return;
    bool quote = strpbrk(s, ",\"\r\n") || is_space(s[0]) || is_space(s[strlen(s) - 1]);
    if (quote)
        buf_putc(out, '"');
    if (csv_needs_guard(s))
        buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    if (quote)
        buf_putc(out, '"');
}

void csv_reader_init(csv_reader *r, const char *data, size_t n)
{
    r->p = data;
    r->end = data + n;
    r->line = 1;
    r->cells = NULL;
    r->cap = 0;
    r->sep = ',';
}

/* At the end of a record: LF, CRLF or the end of the text. */
static bool at_eol(const csv_reader *r, const char *p)
{
    return p >= r->end || *p == '\n' || (*p == '\r' && p + 1 < r->end && p[1] == '\n');
}

/* Room for one more cell in r->cells (arena, doubled on growth). */
static bool grow_cells(arena *a, csv_reader *r, size_t n)
{
    if (n < r->cap)
        return true;
    size_t ncap = r->cap ? r->cap * 2 : 16;
    csv_cell *g = arena_alloc(a, ncap * sizeof *g);
    if (!g)
        return false;
    if (n)
        memcpy(g, r->cells, n * sizeof *g);
    r->cells = g;
    r->cap = ncap;
    return true;
}

int csv_record(arena *a, csv_reader *r, size_t *n, int64_t *line, const char **err)
{
    *n = 0;
    *line = r->line;
    if (r->p >= r->end)
        return 0;
    buf cell = BUF_INIT;
    int rc = -1;
    const unsigned char sep = (unsigned char)r->sep;
    for (;;) {
        /* The cell's text: a span of the input as it is (most cells), or
         * built in cell (a quoted one with doubled quotes). Each is copied
         * once into the arena: reading byte by byte into a buffer and
         * copying that again was 5% of an import's writer (callgrind). */
        const char *span = NULL;
        size_t span_len = 0;
        buf_reset(&cell);
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            const char *q = memchr(r->p, '"', (size_t)(r->end - r->p));
            if (q && !(q + 1 < r->end && q[1] == '"')) { /* no doubled quote */
                r->line += (int64_t)str_count_char(r->p, q, '\n');
                span = r->p;
                span_len = (size_t)(q - r->p);
                r->p = q + 1;
            } else {
                for (;;) {
                    q = memchr(r->p, '"', (size_t)(r->end - r->p));
                    if (!q) {
                        *err = "a quoted field is not closed";
                        goto cleanup;
                    }
                    r->line += (int64_t)str_count_char(r->p, q, '\n');
                    buf_append(&cell, r->p, (size_t)(q - r->p));
                    r->p = q + 1;
                    if (r->p < r->end && *r->p == '"') { /* a doubled quote */
                        buf_putc(&cell, '"');
                        r->p++;
                        continue;
                    }
                    break;
                }
            }
            if (r->p < r->end && *r->p != r->sep && !at_eol(r, r->p)) {
                *err = "unexpected text after a closing quote";
                goto cleanup;
            }
        } else {
            const char *p = r->p;
            for (; p < r->end; p++) {
                unsigned char c = (unsigned char)*p;
                if (c > '"' && c != sep)
                    continue; /* the common case: one or two tests a byte */
                if (c == sep || at_eol(r, p))
                    break;
                if (c == '"') {
                    r->p = p;
                    *err = "a quote inside an unquoted field (quote the whole field and double "
                           "the quote)";
                    goto cleanup;
                }
            }
            span = r->p;
            span_len = (size_t)(p - r->p);
            r->p = p;
        }
        if (buf_failed(&cell) || !grow_cells(a, r, *n)) {
            *err = "out of memory";
            goto cleanup;
        }
        if (!span) {
            span = cell.data ? cell.data : "";
            span_len = cell.len;
        }
        char *copy = arena_strndup(a, span, span_len);
        if (!copy) {
            *err = "out of memory";
            goto cleanup;
        }
        r->cells[*n].s = copy;
        r->cells[*n].n = span_len;
        (*n)++;
        if (r->p < r->end && *r->p == r->sep) {
            r->p++;
            continue;
        }
        if (r->p < r->end) { /* end of line */
            r->p += *r->p == '\r' ? 2 : 1;
            r->line++;
        }
        break;
    }
    rc = 1;
cleanup:
    buf_free(&cell);
    return rc;
}

void csv_skip_bom(const char **data, size_t *n)
{
    if (*n >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        *data += 3;
        *n -= 3;
    }
}

/* Texts of this size or more are checked in two halves at once. */
#define VALID_HALVES_MIN ((size_t)8 << 20)

typedef struct valid_half {
    const char *s;
    size_t n;
    bool ok;
} valid_half;

static void *valid_half_main(void *arg)
{
    valid_half *h = arg;
    h->ok = utf8_valid(h->s, h->n, false);
    return NULL;
}

/* utf8_valid(s, n, false), the second half of a large text on a thread of
 * its own: the importer checks its whole file on its writer before it
 * parses, and the other core is free then (0.2 s of a 107 MB CSV). The
 * halves meet where a character begins (a sequence that crossed there
 * would need a continuation byte there), so the text is valid exactly
 * when both are. */
static bool valid_text(const char *s, size_t n)
{
    if (n < VALID_HALVES_MIN)
        return utf8_valid(s, n, false);
    size_t mid = n / 2;
    for (int k = 0; k < 3 && ((unsigned char)s[mid] & 0xC0) == 0x80; k++)
        mid++; /* more than three: invalid, and the first half says so */
    valid_half h = {s + mid, n - mid, false};
    pthread_t th;
    if (pthread_create(&th, NULL, valid_half_main, &h) != 0)
        return utf8_valid(s, n, false);
    bool first = utf8_valid(s, mid, false);
    pthread_join(th, NULL);
    return first && h.ok;
}

int64_t csv_bad_utf8_line(const char *s, size_t n)
{
    /* the whole text first, eight ASCII bytes at a time: counting lines
     * byte by byte on the way was 3.5% of the writer's instructions in a
     * 10,000-entry import (callgrind), for files that are nearly always
     * valid; the line is looked for only when it is not */
    if (valid_text(s, n))
        return 0;
    int64_t line = 1;
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] - 1u < 0x7Fu) { /* ASCII other than NUL: no call */
            line += s[i] == '\n';
            i++;
            continue;
        }
        if ((unsigned char)s[i] >= 0xC2 && (unsigned char)s[i] <= 0xDF && i + 1 < n &&
            ((unsigned char)s[i + 1] & 0xC0) == 0x80) { /* two bytes, always valid (Cyrillic) */
            i += 2;
            continue;
        }
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len <= 0 || cp == 0)
            return line;
        if (s[i] == '\n')
            line++;
        i += (size_t)len;
    }
    return 0;
}

/* --- what a spreadsheet saved: encoding and separator ------------------------- */

const char *csv_encoding_name(csv_encoding e)
{
    switch (e) {
    case CSV_ENC_UTF8:
        return "UTF-8";
    case CSV_ENC_UTF8_BOM:
        return "UTF-8 (BOM)";
    case CSV_ENC_UTF16:
        return "UTF-16";
    case CSV_ENC_CP1250:
        return "Windows-1250";
    }
    return "?";
}

const char *csv_sep_name(char sep)
{
    return sep == ';' ? ";" : sep == '\t' ? "tab" : ",";
}

/* The converted text of n bytes of s from encoding `from` (iconv), NUL
 * terminated in arena a; *bad_line the line of the first byte that cannot
 * be converted (lines counted in the source by its LF bytes, or by its
 * 16-bit LF units for UTF-16). */
static int convert(arena *a, const char *from, const char *s, size_t n, bool wide, const char **out,
                   size_t *out_n, int64_t *bad_line)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return CSV_DEC_NOMEM;
    /* at most 3 UTF-8 bytes per input byte (CP1250) or per 16-bit unit */
    size_t cap = n * 3 + 1;
    char *o = arena_alloc(a, cap);
    if (!o) {
        iconv_close(cd);
        return CSV_DEC_NOMEM;
    }
    char *in = (char *)s, *op = o;
    size_t in_left = n, out_left = cap - 1;
    int rc = CSV_DEC_OK;
    if (iconv(cd, &in, &in_left, &op, &out_left) == (size_t)-1) {
        int64_t line = 1;
        size_t step = wide ? 2 : 1;
        for (const char *c = s; c + step <= in; c += step)
            line += wide ? (c[0] == '\n' && c[1] == 0) || (c[0] == 0 && c[1] == '\n') : *c == '\n';
        *bad_line = line;
        rc = CSV_DEC_BAD;
    }
    iconv_close(cd);
    if (rc != CSV_DEC_OK)
        return rc;
    *op = '\0';
    *out = o;
    *out_n = (size_t)(op - o);
    return CSV_DEC_OK;
}

int csv_decode(arena *a, const char *data, size_t n, csv_encoding *enc, const char **out,
               size_t *out_n, int64_t *bad_line)
{
    assert(a && (data || n == 0) && enc && out && out_n && bad_line);
    *bad_line = 0;
    *out = data ? data : "";
    *out_n = n;
    *enc = CSV_ENC_UTF8;
    int64_t bad = -1; /* -1: *out not checked yet */
    if (n >= 2 && ((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE)) {
        *enc = CSV_ENC_UTF16;
        int rc = convert(a, "UTF-16LE", data + 2, n - 2, true, out, out_n, bad_line);
        if (rc != CSV_DEC_OK)
            return rc;
    } else if (n >= 2 && ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF)) {
        *enc = CSV_ENC_UTF16;
        int rc = convert(a, "UTF-16BE", data + 2, n - 2, true, out, out_n, bad_line);
        if (rc != CSV_DEC_OK)
            return rc;
    } else if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        *enc = CSV_ENC_UTF8_BOM;
        *out = data + 3;
        *out_n = n - 3;
    } else if ((bad = csv_bad_utf8_line(data, n)) != 0 && !memchr(data, '\0', n)) {
        /* not UTF-8: what Excel saves as "CSV" with Serbian (Latin) or
           other Central European settings */
        *enc = CSV_ENC_CP1250;
        int rc = convert(a, "CP1250", data, n, false, out, out_n, bad_line);
        if (rc != CSV_DEC_OK)
            return rc;
        bad = -1;
    }
    /* the plain UTF-8 case was checked just above, once: a second pass
       over the same bytes was 1.7% of a 2,000-entry import (callgrind) */
    if (bad < 0)
        bad = csv_bad_utf8_line(*out, *out_n);
    if (bad) {
        *bad_line = bad;
        return CSV_DEC_BAD;
    }
    return CSV_DEC_OK;
}

char csv_sniff_sep(const char *s, size_t n)
{
    static const char seps[] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0};
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted; /* a doubled quote toggles twice */
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            for (int k = 0; k < 3; k++)
                count[k] += c == seps[k];
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return seps[best];
}
