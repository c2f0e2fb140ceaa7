/* csv.c: the CSV reader and cell writer (see csv.h), moved out of
 * model/org_import.c so the directory and figures importers read files the
 * same way and report the same sentences. */
#include "core/csv.h"

#include <string.h>

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
    for (;;) {
        buf_reset(&cell);
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                const char *q = memchr(r->p, '"', (size_t)(r->end - r->p));
                if (!q) {
                    *err = "a quoted field is not closed";
                    goto cleanup;
                }
                for (const char *c = r->p; c < q; c++)
                    r->line += *c == '\n';
                buf_append(&cell, r->p, (size_t)(q - r->p));
                r->p = q + 1;
                if (r->p < r->end && *r->p == '"') { /* a doubled quote */
                    buf_putc(&cell, '"');
                    r->p++;
                    continue;
                }
                break;
            }
            if (r->p < r->end && *r->p != ',' && !at_eol(r, r->p)) {
                *err = "unexpected text after a closing quote";
                goto cleanup;
            }
        } else {
            const char *start = r->p;
            while (r->p < r->end && *r->p != ',' && !at_eol(r, r->p)) {
                if (*r->p == '"') {
                    *err = "a quote inside an unquoted field (quote the whole field and double "
                           "the quote)";
                    goto cleanup;
                }
                r->p++;
            }
            buf_append(&cell, start, (size_t)(r->p - start));
        }
        if (buf_failed(&cell) || !grow_cells(a, r, *n)) {
            *err = "out of memory";
            goto cleanup;
        }
        char *copy = arena_strndup(a, cell.data ? cell.data : "", cell.len);
        if (!copy) {
            *err = "out of memory";
            goto cleanup;
        }
        r->cells[*n].s = copy;
        r->cells[*n].n = cell.len;
        (*n)++;
        if (r->p < r->end && *r->p == ',') {
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

int64_t csv_bad_utf8_line(const char *s, size_t n)
{
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
