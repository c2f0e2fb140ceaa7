/* json.c: JSON writer and reader helpers (see json.h). */
#include "json/json.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "core/utf8.h"

static void *j_malloc(size_t n)
{
    return mem_malloc(n);
}

static void j_free(void *p)
{
    mem_free(p);
}

void json_setup(void)
{
    json_set_alloc_funcs(j_malloc, j_free);
}

/* The bytes a JSON string takes as they are: printable ASCII except the
 * quote, the backslash and the HTML-significant < > &. A table lookup per
 * byte, not six comparisons: the revision snapshots made this loop 6% of
 * an import's instructions (callgrind, 2,000 entries). */
static const unsigned char json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 10 */
    1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 20 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, /* 30 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 50 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, /* 70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* a0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* b0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* c0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* d0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* e0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* f0 */
};

void json_put_stringn(buf *out, const char *s, size_t n)
{
    assert(out && (s || n == 0));
    static const char hex[] = "0123456789abcdef";
    buf_putc(out, '"');
    size_t i = 0;
    while (i < n) {
        /* A run that needs no escape is appended at once: one call per
         * character was 5% of a 100,000-entry import (revision snapshots). */
        size_t run = i;
        for (;;) {
            while (run + 8 <= n) { /* four two-byte letters (Cyrillic) at a time */
                uint64_t v;
                memcpy(&v, s + run, 8);
                if (!utf8_two_byte_run(v))
                    break;
                run += 8;
            }
            while (run < n && json_plain[(unsigned char)s[run]])
                run++;
            unsigned char r = run < n ? (unsigned char)s[run] : 0;
            if (r >= 0xC2 && r <= 0xDF && run + 1 < n &&
                ((unsigned char)s[run + 1] & 0xC0) == 0x80) {
                run += 2; /* two bytes (Cyrillic, Latin with diacritics): valid, not U+2028/9 */
                continue;
            }
            if (run < n && r >= 0x80) {
                uint32_t cp;
                int len = utf8_decode(s + run, n - run, &cp);
                if (len > 0 && cp != 0x2028 && cp != 0x2029) {
                    run += (size_t)len;
                    continue;
                }
            }
            break;
        }
        if (run > i) {
            buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            int len = utf8_decode(s + i, n - i, &cp);
            if (len <= 0) {
                buf_puts(out, "\\ufffd");
                i++;
                continue;
            }
            if (cp == 0x2028 || cp == 0x2029) /* line separators break JS */
                buf_printf(out, "\\u%04x", (unsigned)cp);
            else
                buf_append(out, s + i, (size_t)len);
            i += (size_t)len;
            continue;
        }
        switch (c) {
        case '"':
            buf_puts(out, "\\\"");
            break;
        case '\\':
            buf_puts(out, "\\\\");
            break;
        case '\n':
            buf_puts(out, "\\n");
            break;
        case '\r':
            buf_puts(out, "\\r");
            break;
        case '\t':
            buf_puts(out, "\\t");
            break;
        case '<':
        case '>':
        case '&':
        default:
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_append(out, e, 6);
            } else {
                buf_putc(out, (char)c);
            }
        }
        i++;
    }
    buf_putc(out, '"');
}

void json_put_string(buf *out, const char *s)
{
    assert(out);
    if (!s)
        buf_puts(out, "null");
    else
        json_put_stringn(out, s, strlen(s));
}

void json_put_key(buf *out, const char *key, bool first)
{
    assert(out && key);
    if (!first)
        buf_putc(out, ',');
    json_put_string(out, key);
    buf_putc(out, ':');
}

void json_put_int(buf *out, int64_t v)
{
    assert(out);
    buf_printf(out, "%lld", (long long)v);
}

void json_put_field(buf *out, const char *key, const char *v)
{
    json_put_key(out, key, false);
    json_put_string(out, v);
}

void json_put_field_int(buf *out, const char *key, int64_t v)
{
    json_put_key(out, key, false);
    json_put_int(out, v);
}

void json_put_bool(buf *out, bool v)
{
    assert(out);
    buf_puts(out, v ? "true" : "false");
}

static void dump_value(buf *out, const json_t *v, bool *ok)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *val;
        bool first = true;
        buf_putc(out, '{');
        json_object_foreach((json_t *)v, k, val)
        {
            json_put_key(out, k, first);
            dump_value(out, val, ok);
            first = false;
        }
        buf_putc(out, '}');
        break;
    }
    case JSON_ARRAY: {
        buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                buf_putc(out, ',');
            dump_value(out, json_array_get(v, i), ok);
        }
        buf_putc(out, ']');
        break;
    }
    case JSON_STRING:
        json_put_stringn(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        json_put_int(out, (int64_t)json_integer_value(v));
        break;
    case JSON_REAL: {
        /* %.17g drops the point of whole numbers ("2"): keep it a real */
        char num[40];
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        buf_puts(out, num);
        if (!strpbrk(num, ".eEn"))
            buf_puts(out, ".0");
        break;
    }
    case JSON_TRUE:
        buf_puts(out, "true");
        break;
    case JSON_FALSE:
        buf_puts(out, "false");
        break;
    case JSON_NULL:
        buf_puts(out, "null");
        break;
    }
}

bool json_dump_buf(buf *out, const json_t *v)
{
    assert(out);
    bool ok = true;
    if (!v)
        return false;
    dump_value(out, v, &ok);
    return ok && !buf_failed(out);
}

json_t *json_parse(const char *text, size_t n, buf *err)
{
    assert((text || n == 0) && err); /* the reason goes to err: never NULL */
    json_error_t e;
    /* jansson's lexer (2.14, Debian 12) ignores a failed allocation while
     * it saves a token and then reads past its buffer (upstream issue #362,
     * fix not released): injected faults wait until it has returned, so the
     * out-of-memory loop tests our code, not that bug */
    mem_fault_hold hold = mem_fault_pause();
    json_t *v = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    mem_fault_resume(hold);
    if (!v) {
        buf_printf(err, "invalid JSON at line %d, column %d: %s", e.line, e.column, e.text);
        return NULL;
    }
    if (!json_is_object(v) && !json_is_array(v)) {
        buf_puts(err, "invalid JSON: the body must be an object or an array");
        json_decref(v);
        return NULL;
    }
    return v;
}
