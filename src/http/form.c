/* form.c: urlencoded and multipart/form-data parsing (see form.h).
 *
 * The parsers turn untrusted request bytes into a flat list of form_field in
 * the request arena; they never read outside [body, body + n), never
 * recurse, and refuse what they cannot decode rather than guess, so they can
 * be fuzzed directly. Validating the fields is src/valid/'s business: this
 * file is transport only. Nothing here knows about libmicrohttpd. */
#include "http/form.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "core/strutil.h"
#include "core/utf8.h"

/* RFC 2046 5.1.1: a boundary is 1 to 70 characters. */
#define MP_MAX_BOUNDARY 70
/* Largest header section of one part: its lines with their CRLFs, not
 * counting the blank line that ends it. */
#define MP_MAX_HEADER 8192
/* How much of an undecodable raw name goes into *err_field. */
#define ERR_RAW_MAX 64

/* --- small helpers ----------------------------------------------------- */

static void set_err(const char **err_field, const char *s)
{
    if (err_field)
        *err_field = s;
}

/* A printable-ASCII copy of at most ERR_RAW_MAX bytes of raw input, for
 * naming a field whose name itself could not be decoded. NULL on OOM. */
static const char *err_raw(arena *a, const char *s, size_t n)
{
    if (n > ERR_RAW_MAX)
        n = ERR_RAW_MAX;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        p[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    p[n] = '\0';
    return p;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110 tchar. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* --- application/x-www-form-urlencoded --------------------------------- */

/* Decodes n bytes of src into dst ('+' is a space, %XX a byte). dst has room
 * for n + 1 bytes and is NUL-terminated. False on a bad escape. */
static bool url_decode(char *dst, const char *src, size_t n, size_t *out_len)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '+') {
            dst[j++] = ' ';
        } else if (c == '%') {
            if (n - i < 3)
                return false;
            int hi = str_hex_digit((unsigned char)src[i + 1]);
            int lo = str_hex_digit((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            dst[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            dst[j++] = (char)c;
        }
    }
    dst[j] = '\0';
    *out_len = j;
    return true;
}

/* Decodes one name=value pair into *fld. */
static form_status url_pair(arena *a, const char *s, size_t n, form_field *fld,
                            const char **err_field)
{
    const char *eq = memchr(s, '=', n);
    size_t name_raw = eq ? (size_t)(eq - s) : n;
    const char *val = eq ? eq + 1 : s + n;
    size_t val_raw = eq ? n - name_raw - 1 : 0;
    size_t name_len, val_len;

    char *name = arena_alloc(a, name_raw + 1);
    char *value = arena_alloc(a, val_raw + 1);
    if (!name || !value)
        return FORM_ERR_NOMEM;
    if (!url_decode(name, s, name_raw, &name_len)) {
        set_err(err_field, err_raw(a, s, name_raw));
        return FORM_ERR_ENCODING;
    }
    if (!utf8_valid(name, name_len, false)) {
        set_err(err_field, err_raw(a, s, name_raw));
        return FORM_ERR_UTF8;
    }
    if (!url_decode(value, val, val_raw, &val_len)) {
        set_err(err_field, name);
        return FORM_ERR_ENCODING;
    }
    if (!utf8_valid(value, val_len, false)) {
        set_err(err_field, name);
        return FORM_ERR_UTF8;
    }
    fld->name = name;
    fld->value = value;
    fld->value_len = val_len;
    fld->filename = NULL;
    fld->content_type = NULL;
    return FORM_OK;
}

form_status form_parse_urlencoded(arena *a, const char *s, size_t n, form *out,
                                  const char **err_field)
{
    assert(a && out);
    assert(s || n == 0);
    form_status st = FORM_OK;
    out->fields = NULL;
    out->n_fields = 0;
    set_err(err_field, NULL);
    if (n == 0)
        return FORM_OK;

    /* Count the non-empty pairs first so the array is allocated once and an
     * oversized form is refused before any decoding work. */
    const char *end = s + n;
    size_t count = 0;
    for (const char *p = s; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
        if (len > 0 && ++count > FORM_MAX_FIELDS) {
            const char *eq = memchr(p, '=', len);
            set_err(err_field, err_raw(a, p, eq ? (size_t)(eq - p) : len));
            return FORM_ERR_TOO_MANY;
        }
        p += len + (amp ? 1 : 0);
    }
    if (count == 0)
        return FORM_OK;

    form_field *fields = arena_alloc(a, count * sizeof *fields);
    if (!fields)
        return FORM_ERR_NOMEM;
    size_t k = 0;
    for (const char *p = s; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
        if (len > 0) {
            assert(k < count);
            st = url_pair(a, p, len, &fields[k], err_field);
            if (st != FORM_OK)
                goto cleanup;
            k++;
        }
        p += len + (amp ? 1 : 0);
    }
    assert(k == count);
    out->fields = fields;
    out->n_fields = k;

cleanup:
    /* nothing to free: arena memory dies with the request */
    return st;
}

/* --- header parameters (Content-Type, Content-Disposition) ------------- */

typedef struct mp_param {
    const char *name;
    size_t name_len;
    const char *raw; /* value as written, quotes included when quoted */
    size_t raw_len;
    bool quoted;
} mp_param;

/* Reads the next "; name=value" from [*pp, end). Returns 1 with *prm set,
 * 0 at the end of the list, -1 on a syntax error. A quoted value is a
 * quoted-string with backslash escapes; an unquoted one runs to ';' or
 * whitespace. */
static int param_next(const char **pp, const char *end, mp_param *prm)
{
    const char *p = *pp;
    for (;;) {
        while (p < end && is_ows(*p))
            p++;
        if (p == end)
            return 0;
        if (*p != ';')
            return -1;
        p++;
        while (p < end && is_ows(*p))
            p++;
        if (p == end)
            return 0; /* a trailing ';' is tolerated */
        if (*p != ';')
            break;
    }
    prm->name = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    prm->name_len = (size_t)(p - prm->name);
    if (prm->name_len == 0)
        return -1;
    while (p < end && is_ows(*p))
        p++;
    if (p == end || *p != '=')
        return -1;
    p++;
    while (p < end && is_ows(*p))
        p++;
    prm->raw = p;
    if (p < end && *p == '"') {
        prm->quoted = true;
        p++;
        for (;;) {
            if (p == end)
                return -1;
            unsigned char c = (unsigned char)*p;
            if (c == '"')
                break;
            if (c == '\\') {
                if (end - p < 2)
                    return -1;
                p++;
                c = (unsigned char)*p;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return -1;
            p++;
        }
        p++; /* closing quote */
    } else {
        prm->quoted = false;
        while (p < end && *p != ';' && !is_ows(*p)) {
            unsigned char c = (unsigned char)*p;
            if (c < 0x20 || c == 0x7f || c == '"')
                return -1;
            p++;
        }
        if (p == prm->raw)
            return -1;
    }
    prm->raw_len = (size_t)(p - prm->raw);
    *pp = p;
    return 1;
}

/* The parameter's value with quotes and escapes removed, in arena memory. */
static char *param_value(arena *a, const mp_param *prm, size_t *len)
{
    if (!prm->quoted) {
        *len = prm->raw_len;
        return arena_strndup(a, prm->raw, prm->raw_len);
    }
    assert(prm->raw_len >= 2);
    char *v = arena_alloc(a, prm->raw_len);
    if (!v)
        return NULL;
    size_t j = 0;
    for (size_t i = 1; i + 1 < prm->raw_len; i++) {
        if (prm->raw[i] == '\\')
            i++; /* param_next guaranteed a following byte before the quote */
        v[j++] = prm->raw[i];
    }
    v[j] = '\0';
    *len = j;
    return v;
}

/* RFC 2046 bchars; a space may not be last. */
static bool boundary_ok(const char *b, size_t n)
{
    if (n == 0 || n > MP_MAX_BOUNDARY || b[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && (c == '\0' || !strchr("'()+_,-./:=? ", c)))
            return false;
    }
    return true;
}

/* Extracts the boundary from a multipart/form-data Content-Type value. */
static form_status mp_boundary(arena *a, const char *ct, char *bnd, size_t *blen)
{
    if (!ct)
        return FORM_ERR_MULTIPART;
    const char *p = ct, *end = ct + strlen(ct);
    while (p < end && is_ows(*p))
        p++;
    const char *type = p;
    while (p < end && (is_tchar((unsigned char)*p) || *p == '/'))
        p++;
    if (!str_ieqn(type, (size_t)(p - type), "multipart/form-data"))
        return FORM_ERR_MULTIPART;

    bool seen = false;
    mp_param prm;
    int r;
    while ((r = param_next(&p, end, &prm)) == 1) {
        if (!str_ieqn(prm.name, prm.name_len, "boundary"))
            continue;
        size_t len;
        char *v = param_value(a, &prm, &len);
        if (!v)
            return FORM_ERR_NOMEM;
        if (seen || !boundary_ok(v, len))
            return FORM_ERR_MULTIPART;
        memcpy(bnd, v, len);
        *blen = len;
        seen = true;
    }
    return (r == 0 && seen) ? FORM_OK : FORM_ERR_MULTIPART;
}

/* --- multipart/form-data ------------------------------------------------ */

/* Parses a Content-Disposition value: form-data; name="..."[; filename="..."]. */
static form_status mp_disposition(arena *a, const char *p, const char *end, form_field *fld)
{
    const char *type = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (!str_ieqn(type, (size_t)(p - type), "form-data"))
        return FORM_ERR_MULTIPART;
    mp_param prm;
    int r;
    while ((r = param_next(&p, end, &prm)) == 1) {
        const char **slot;
        if (str_ieqn(prm.name, prm.name_len, "name"))
            slot = &fld->name;
        else if (str_ieqn(prm.name, prm.name_len, "filename"))
            slot = &fld->filename;
        else
            continue; /* filename* and friends: browsers do not send them here */
        if (*slot)
            return FORM_ERR_MULTIPART; /* a repeated parameter is ambiguous */
        size_t len;
        char *v = param_value(a, &prm, &len);
        if (!v)
            return FORM_ERR_NOMEM;
        if (memchr(v, '\0', len))
            return FORM_ERR_MULTIPART;
        *slot = v;
    }
    if (r < 0 || !fld->name)
        return FORM_ERR_MULTIPART;
    return FORM_OK;
}

/* Parses the header lines in [p, end), each ending in CRLF, into *fld.
 * part_no is 1-based, for naming the part while its name is unknown. */
static form_status mp_headers(arena *a, const char *p, const char *end, size_t part_no,
                              form_field *fld, const char **err_field)
{
    form_status st = FORM_OK;
    const char *err_name = NULL; /* NULL: name the part by number */
    bool have_cd = false;
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        assert(eol); /* the section ends with CRLF */
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p) {
            st = FORM_ERR_MULTIPART;
            goto cleanup;
        }
        for (const char *q = p; q < colon; q++) {
            if (!is_tchar((unsigned char)*q)) { /* also refuses obs-fold */
                st = FORM_ERR_MULTIPART;
                goto cleanup;
            }
        }
        const char *v = colon + 1, *ve = eol;
        for (const char *q = v; q < ve; q++) {
            unsigned char c = (unsigned char)*q;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                st = FORM_ERR_MULTIPART;
                goto cleanup;
            }
        }
        while (v < ve && is_ows(*v))
            v++;
        while (ve > v && is_ows(ve[-1]))
            ve--;
        size_t hlen = (size_t)(colon - p);
        if (str_ieqn(p, hlen, "content-disposition")) {
            if (have_cd) {
                st = FORM_ERR_MULTIPART;
                goto cleanup;
            }
            have_cd = true;
            st = mp_disposition(a, v, ve, fld);
            if (st != FORM_OK)
                goto cleanup;
        } else if (str_ieqn(p, hlen, "content-type")) {
            if (fld->content_type || v == ve) {
                st = FORM_ERR_MULTIPART;
                goto cleanup;
            }
            fld->content_type = arena_strndup(a, v, (size_t)(ve - v));
            if (!fld->content_type) {
                st = FORM_ERR_NOMEM;
                goto cleanup;
            }
        } /* other headers (Content-Transfer-Encoding, ...) are ignored */
        p = eol + 2;
    }
    if (!have_cd) {
        st = FORM_ERR_MULTIPART;
        goto cleanup;
    }
    if (!utf8_valid(fld->name, strlen(fld->name), false)) {
        st = FORM_ERR_UTF8;
        goto cleanup;
    }
    err_name = fld->name;
    if ((fld->filename && !utf8_valid(fld->filename, strlen(fld->filename), false)) ||
        (fld->content_type && !utf8_valid(fld->content_type, strlen(fld->content_type), false)))
        st = FORM_ERR_UTF8;

cleanup:
    if (st != FORM_OK)
        set_err(err_field, err_name ? err_name : arena_printf(a, "part %zu", part_no));
    return st;
}

form_status form_parse_multipart(arena *a, const char *content_type, const char *body, size_t n,
                                 form *out, const char **err_field)
{
    assert(a && out);
    assert(body || n == 0);
    form_status st = FORM_OK;
    form_field *fields = NULL;
    size_t n_fields = 0, cap = 0;
    out->fields = NULL;
    out->n_fields = 0;
    set_err(err_field, NULL);

    /* The delimiter is CRLF "--" boundary; the very first one may also sit
     * at the start of the body without the CRLF. */
    char delim[4 + MP_MAX_BOUNDARY];
    size_t blen = 0;
    st = mp_boundary(a, content_type, delim + 4, &blen);
    if (st != FORM_OK) {
        set_err(err_field, "Content-Type");
        goto cleanup;
    }
    memcpy(delim, "\r\n--", 4);
    size_t dlen = 4 + blen;
    if (!body)
        body = "";
    const char *end = body + n, *p;
    if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        p = body + dlen - 2;
    } else {
        const char *q = memmem(body, n, delim, dlen);
        if (!q) {
            st = FORM_ERR_MULTIPART;
            set_err(err_field, "part 1");
            goto cleanup;
        }
        p = q + dlen;
    }

    for (;;) {
        /* p is just past a delimiter: "--" closes, else padding and CRLF */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the epilogue is ignored */
        size_t part_no = n_fields + 1;
        while (p < end && is_ows(*p))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            st = FORM_ERR_MULTIPART;
            set_err(err_field, arena_printf(a, "part %zu", part_no));
            goto cleanup;
        }
        p += 2;
        if (n_fields == FORM_MAX_FIELDS) {
            st = FORM_ERR_TOO_MANY;
            set_err(err_field, arena_printf(a, "part %zu", part_no));
            goto cleanup;
        }

        /* header section [p, hend) of CRLF-terminated lines, then a blank line */
        const char *hend, *content;
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            hend = p;
            content = p + 2;
        } else {
            size_t lim = (size_t)(end - p);
            if (lim > MP_MAX_HEADER + 2)
                lim = MP_MAX_HEADER + 2;
            const char *q = memmem(p, lim, "\r\n\r\n", 4);
            if (!q) {
                st = FORM_ERR_MULTIPART;
                set_err(err_field, arena_printf(a, "part %zu", part_no));
                goto cleanup;
            }
            hend = q + 2;
            content = q + 4;
        }
        form_field fld = {0};
        st = mp_headers(a, p, hend, part_no, &fld, err_field);
        if (st != FORM_OK)
            goto cleanup;

        const char *q = memmem(content, (size_t)(end - content), delim, dlen);
        if (!q) {
            st = FORM_ERR_MULTIPART; /* no closing boundary */
            set_err(err_field, fld.name);
            goto cleanup;
        }
        size_t len = (size_t)(q - content);
        if (!fld.filename && !utf8_valid(content, len, false)) {
            st = FORM_ERR_UTF8;
            set_err(err_field, fld.name);
            goto cleanup;
        }
        fld.value = arena_strndup(a, content, len);
        fld.value_len = len;
        if (!fld.value) {
            st = FORM_ERR_NOMEM;
            goto cleanup;
        }
        if (n_fields == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            if (ncap > FORM_MAX_FIELDS)
                ncap = FORM_MAX_FIELDS;
            form_field *nf = arena_alloc(a, ncap * sizeof *nf);
            if (!nf) {
                st = FORM_ERR_NOMEM;
                goto cleanup;
            }
            if (n_fields)
                memcpy(nf, fields, n_fields * sizeof *nf);
            fields = nf;
            cap = ncap;
        }
        fields[n_fields++] = fld;
        p = q + dlen;
    }
    out->fields = fields;
    out->n_fields = n_fields;

cleanup:
    /* arena memory dies with the request; on error *out stays empty */
    return st;
}
