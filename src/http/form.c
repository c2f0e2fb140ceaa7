/* form.c: urlencoded and multipart/form-data parsing, and the table-driven
 * field validator (see form.h).
 *
 * The parsers turn untrusted request bytes into a flat list of form_field in
 * the request arena; they never read outside [body, body + n), never
 * recurse, and refuse what they cannot decode rather than guess, so they can
 * be fuzzed directly. The validator runs a handler's form_rule table over
 * that list and produces typed form_value entries plus per-field errors,
 * which form_error_text() turns into catalog sentences (messages.def,
 * section "form errors"). Nothing here knows about libmicrohttpd. */
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

static bool is_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
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

static bool eq_nocase(const char *s, size_t n, const char *w)
{
    size_t wn = strlen(w);
    if (n != wn)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)s[i], y = (unsigned char)w[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
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
    if (!eq_nocase(type, (size_t)(p - type), "multipart/form-data"))
        return FORM_ERR_MULTIPART;

    bool seen = false;
    mp_param prm;
    int r;
    while ((r = param_next(&p, end, &prm)) == 1) {
        if (!eq_nocase(prm.name, prm.name_len, "boundary"))
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
    if (!eq_nocase(type, (size_t)(p - type), "form-data"))
        return FORM_ERR_MULTIPART;
    mp_param prm;
    int r;
    while ((r = param_next(&p, end, &prm)) == 1) {
        const char **slot;
        if (eq_nocase(prm.name, prm.name_len, "name"))
            slot = &fld->name;
        else if (eq_nocase(prm.name, prm.name_len, "filename"))
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
        if (eq_nocase(p, hlen, "content-disposition")) {
            if (have_cd) {
                st = FORM_ERR_MULTIPART;
                goto cleanup;
            }
            have_cd = true;
            st = mp_disposition(a, v, ve, fld);
            if (st != FORM_OK)
                goto cleanup;
        } else if (eq_nocase(p, hlen, "content-type")) {
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

/* --- lookup -------------------------------------------------------------- */

const form_field *form_find(const form *f, const char *name)
{
    if (!f || !name)
        return NULL;
    for (size_t i = 0; i < f->n_fields; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return &f->fields[i];
    return NULL;
}

const char *form_get(const form *f, const char *name)
{
    const form_field *fld = form_find(f, name);
    return fld ? fld->value : NULL;
}

/* --- validation ---------------------------------------------------------- */

/* Code points in valid UTF-8. */
static size_t utf8_count(const char *s, size_t n)
{
    size_t cp = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cp++;
    return cp;
}

/* True when valid UTF-8 s holds a control character: C0, DEL, C1, or the
 * Unicode line and paragraph separators. With multiline, \n \r \t and the
 * two separators are allowed. */
static bool has_control(const char *s, size_t n, bool multiline)
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
    }
    return false;
}

static int64_t sat_mul100(int64_t v)
{
    if (v > INT64_MAX / 100)
        return INT64_MAX;
    if (v < INT64_MIN / 100)
        return INT64_MIN;
    return v * 100;
}

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Dot-separated labels of letters, digits, '-' (and with underscore, '_'),
 * or non-ASCII (IDN) bytes; no empty label. */
static bool host_ok(const char *s, size_t n, bool underscore)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!is_alnum(c) && c != '-' && c < 0x80 && !(underscore && c == '_'))
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

static bool email_ok(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
        return false;
    size_t ll = (size_t)(at - s);
    const char *dom = at + 1;
    size_t dl = n - ll - 1;
    if (ll == 0 || ll > 64 || s[0] == '.' || s[ll - 1] == '.')
        return false;
    for (size_t i = 0; i < ll; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || strchr("\"(),:;<>[\\]", c))
            return false;
        if (c == '.' && s[i + 1] == '.')
            return false;
    }
    if (!memchr(dom, '.', dl) || !host_ok(dom, dl, false))
        return false;
    for (size_t i = 0; i < dl; i++) /* no label may start or end with '-' */
        if (dom[i] == '-' && (i == 0 || i + 1 == dl || dom[i - 1] == '.' || dom[i + 1] == '.'))
            return false;
    return true;
}

static bool url_ok(const char *s, size_t n)
{
    size_t i;
    if (n >= 7 && eq_nocase(s, 7, "http://"))
        i = 7;
    else if (n >= 8 && eq_nocase(s, 8, "https://"))
        i = 8;
    else
        return false;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c <= 0x20 || c == 0x7f || strchr("\"<>\\`", c))
            return false;
    }
    size_t a0 = i;
    while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
        i++;
    const char *auth = s + a0;
    size_t al = i - a0;
    if (al == 0 || memchr(auth, '@', al))
        return false; /* no host, or credentials in the URL */
    size_t hl;        /* host length within auth */
    if (auth[0] == '[') {
        const char *rb = memchr(auth, ']', al);
        if (!rb || rb == auth + 1)
            return false;
        for (const char *q = auth + 1; q < rb; q++)
            if (str_hex_digit((unsigned char)*q) < 0 && *q != ':' && *q != '.')
                return false;
        hl = (size_t)(rb - auth) + 1;
    } else {
        const char *colon = memchr(auth, ':', al);
        hl = colon ? (size_t)(colon - auth) : al;
        if (!host_ok(auth, hl, true))
            return false;
    }
    if (hl < al) {
        if (auth[hl] != ':' || al - hl - 1 < 1 || al - hl - 1 > 5)
            return false;
        for (size_t k = hl + 1; k < al; k++)
            if (auth[k] < '0' || auth[k] > '9')
                return false;
    }
    return true;
}

static bool slug_ok(const char *s, size_t n)
{
    if (n == 0 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

static form_error_code check_len(const form_rule *r, const char *s, size_t n)
{
    size_t cp = utf8_count(s, n);
    if (r->min > 0 && cp < (uint64_t)r->min)
        return FE_TOO_SHORT;
    if (r->max > 0 && cp > (uint64_t)r->max)
        return FE_TOO_LONG;
    return 0;
}

/* Checks one field against a non-file rule. *text gets the trimmed (for
 * FV_MULTILINE also newline-normalised) text, or NULL when the value is
 * empty after trimming or cannot be shown; *iv the typed value. */
static form_error_code check_value(arena *a, const form_rule *r, const form_field *fld,
                                   const char **text, int64_t *iv)
{
    *text = NULL;
    *iv = 0;
    const char *s = fld->value;
    size_t n = fld->value_len;
    if (!utf8_valid(s, n, false))
        return FE_CONTROL_CHARS; /* only a file part can hold such bytes */
    while (n > 0 && is_ascii_space((unsigned char)s[0]))
        s++, n--;
    while (n > 0 && is_ascii_space((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return 0;

    char *t;
    if (r->kind == FV_MULTILINE && memchr(s, '\r', n)) {
        /* CRLF (what browsers submit) and lone CR become LF */
        t = arena_alloc(a, n + 1);
        if (!t)
            return FE_NOMEM;
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\r') {
                t[j++] = '\n';
                if (i + 1 < n && s[i + 1] == '\n')
                    i++;
            } else {
                t[j++] = s[i];
            }
        }
        t[j] = '\0';
        n = j;
    } else if (s[n] == '\0') {
        t = (char *)s; /* already terminated: the field's own bytes */
    } else {
        t = arena_strndup(a, s, n);
        if (!t)
            return FE_NOMEM;
    }
    *text = t;

    switch (r->kind) {
    case FV_TEXT:
    case FV_MULTILINE:
        if (has_control(t, n, r->kind == FV_MULTILINE))
            return FE_CONTROL_CHARS;
        return check_len(r, t, n);
    case FV_INT:
        switch (num_parse(t, n, 0, iv)) {
        case NUM_OK:
            break;
        case NUM_AMBIGUOUS:
            return FE_AMBIGUOUS_NUMBER; /* *iv: the digits, for the message */
        default:
            *iv = 0;
            return FE_NOT_INT;
        }
        if (!(r->min == 0 && r->max == 0) && (*iv < r->min || *iv > r->max))
            return FE_RANGE;
        return 0;
    case FV_MONEY:
        switch (num_parse(t, n, 2, iv)) {
        case NUM_OK:
            break;
        case NUM_AMBIGUOUS:
            return FE_AMBIGUOUS_NUMBER;
        default:
            *iv = 0;
            return FE_NOT_MONEY;
        }
        if (!(r->min == 0 && r->max == 0) && (*iv < sat_mul100(r->min) || *iv > sat_mul100(r->max)))
            return FE_RANGE;
        return 0;
    case FV_EMAIL:
        if (has_control(t, n, false) || !email_ok(t, n))
            return FE_EMAIL;
        return check_len(r, t, n);
    case FV_URL:
        if (has_control(t, n, false) || !url_ok(t, n))
            return FE_URL;
        return check_len(r, t, n);
    case FV_SLUG:
        if (!slug_ok(t, n))
            return FE_SLUG;
        return check_len(r, t, n);
    case FV_ENUM:
        assert(r->choices);
        for (size_t k = 0; r->choices && r->choices[k]; k++) {
            if (strcmp(r->choices[k], t) == 0) {
                *iv = (int64_t)k;
                return 0;
            }
        }
        return FE_CHOICE;
    case FV_BOOL:
        if (eq_nocase(t, n, "on") || eq_nocase(t, n, "1") || eq_nocase(t, n, "true") ||
            eq_nocase(t, n, "yes")) {
            *iv = 1;
            return 0;
        }
        if (eq_nocase(t, n, "off") || eq_nocase(t, n, "0") || eq_nocase(t, n, "false") ||
            eq_nocase(t, n, "no"))
            return 0;
        return FE_CHOICE;
    case FV_FILE:
        break;
    }
    assert(!"unknown form_kind");
    return FE_CHOICE;
}

/* FV_FILE: the first file part of that name. */
static form_error_code check_file(const form *f, const form_rule *r, form_value *v)
{
    for (size_t i = 0; f && i < f->n_fields; i++) {
        const form_field *fld = &f->fields[i];
        if (!fld->filename || strcmp(fld->name, r->name) != 0)
            continue;
        /* an empty file input is sent as filename="" with no bytes */
        if (fld->filename[0] == '\0' && fld->value_len == 0)
            break;
        v->present = true;
        v->text = fld->filename;
        v->file = fld;
        if (r->max > 0 && fld->value_len > (uint64_t)r->max)
            return FE_FILE_TOO_BIG;
        return 0;
    }
    return (r->flags & FORM_REQUIRED) ? FE_REQUIRED : 0;
}

static form_error_code check_rule(arena *a, const form *f, const form_rule *r, form_value *v)
{
    if (r->kind == FV_FILE)
        return check_file(f, r, v);

    form_error_code first = 0;
    if (r->flags & FORM_MULTI) {
        size_t count = 0;
        for (size_t i = 0; f && i < f->n_fields; i++)
            count += strcmp(f->fields[i].name, r->name) == 0;
        if (count > 0) {
            v->list = arena_alloc(a, count * sizeof *v->list);
            if (!v->list)
                return FE_NOMEM;
        }
        for (size_t i = 0; f && i < f->n_fields; i++) {
            if (strcmp(f->fields[i].name, r->name) != 0)
                continue;
            const char *t;
            int64_t iv;
            form_error_code c = check_value(a, r, &f->fields[i], &t, &iv);
            if (c && !first)
                first = c;
            if (!t)
                continue;
            if (v->n_list == 0) {
                v->text = t;
                v->i = iv;
            }
            v->list[v->n_list++] = t;
        }
        v->present = v->n_list > 0;
    } else {
        const form_field *fld = form_find(f, r->name);
        if (fld) {
            first = check_value(a, r, fld, &v->text, &v->i);
            v->present = v->text != NULL;
        }
    }
    if (first)
        return first;
    if ((r->flags & FORM_REQUIRED) && (!v->present || (r->kind == FV_BOOL && v->i == 0)))
        return FE_REQUIRED;
    return 0;
}

static void add_error(form_errors *errs, const form_rule *r, form_error_code code)
{
    if (errs->n_items >= sizeof errs->items / sizeof errs->items[0])
        return; /* full: the form already has plenty to fix */
    form_error *e = &errs->items[errs->n_items++];
    e->field = r->name;
    e->code = code;
    e->min = r->min;
    e->max = r->max;
}

bool form_validate(arena *a, const form *f, const form_rule *rules, size_t n_rules,
                   form_value *vals, form_errors *errs)
{
    assert(a && (rules || n_rules == 0) && (vals || n_rules == 0) && errs);
    assert(errs->n_items <= sizeof errs->items / sizeof errs->items[0]);
    bool ok = true;
    for (size_t i = 0; i < n_rules; i++) {
        assert(rules[i].name);
        assert(rules[i].kind != FV_ENUM || rules[i].choices);
        memset(&vals[i], 0, sizeof vals[i]);
        form_error_code c = check_rule(a, f, &rules[i], &vals[i]);
        if (c) {
            ok = false;
            add_error(errs, &rules[i], c);
            if (c == FE_AMBIGUOUS_NUMBER && errs->n_items > 0)
                errs->items[errs->n_items - 1].min = vals[i].i; /* how it was read */
        }
    }
    return ok;
}

const form_error *form_error_for(const form_errors *errs, const char *field)
{
    if (!errs || !field)
        return NULL;
    for (size_t i = 0; i < errs->n_items && i < sizeof errs->items / sizeof errs->items[0]; i++)
        if (errs->items[i].field && strcmp(errs->items[i].field, field) == 0)
            return &errs->items[i];
    return NULL;
}

/* --- messages ------------------------------------------------------------ */

/* Appends a byte count as "512 B", "100 KB", "1.5 MB" ("1,5 MB" in Serbian). */
static void fmt_size(buf *out, lang_id lang, int64_t bytes)
{
    static const struct {
        int64_t unit;
        const char *sym;
    } units[] = {{INT64_C(1) << 30, "GB"}, {INT64_C(1) << 20, "MB"}, {INT64_C(1) << 10, "KB"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (bytes < units[i].unit)
            continue;
        int64_t tenth = (bytes % units[i].unit) * 10 / units[i].unit;
        i18n_fmt_int(out, lang, bytes / units[i].unit);
        if (tenth) {
            buf_putc(out, lang == LANG_EN ? '.' : ',');
            buf_putc(out, (char)('0' + tenth));
        }
        buf_printf(out, " %s", units[i].sym);
        return;
    }
    i18n_fmt_int(out, lang, bytes);
    buf_puts(out, " B");
}

/* Appends T(lang, id) with its one or two %s filled by formatted integers
 * (or by a size when size is set). */
/* Numbers of up to four digits are written without grouping, so bounds
 * that are years read "1800", not "1,800". */
static void fmt_bound(buf *out, lang_id lang, int64_t v)
{
    if (v > -10000 && v < 10000)
        buf_printf(out, "%lld", (long long)v);
    else
        i18n_fmt_int(out, lang, v);
}

static void put_with_numbers(buf *out, lang_id lang, msg_id id, int64_t x, int64_t y, bool two,
                             bool size)
{
    buf bx = BUF_INIT, by = BUF_INIT;
    if (size)
        fmt_size(&bx, lang, x);
    else
        fmt_bound(&bx, lang, x);
    if (two)
        fmt_bound(&by, lang, y);
    if (buf_failed(&bx) || buf_failed(&by))
        out->failed = true;
    else if (two)
        buf_printf(out, T(lang, id), buf_str(&bx), buf_str(&by));
    else
        buf_printf(out, T(lang, id), buf_str(&bx));
    buf_free(&bx);
    buf_free(&by);
}

void form_error_text(buf *out, lang_id lang, const form_error *e)
{
    static const msg_id too_short[3] = {MSG_FORM_ERR_TOO_SHORT_ONE, MSG_FORM_ERR_TOO_SHORT_FEW,
                                        MSG_FORM_ERR_TOO_SHORT_MANY};
    static const msg_id too_long[3] = {MSG_FORM_ERR_TOO_LONG_ONE, MSG_FORM_ERR_TOO_LONG_FEW,
                                       MSG_FORM_ERR_TOO_LONG_MANY};
    assert(out && e);
    int pf; /* plural form */
    switch (e->code) {
    case FE_REQUIRED:
        buf_puts(out, T(lang, MSG_FORM_ERR_REQUIRED));
        return;
    case FE_TOO_SHORT:
        pf = i18n_plural_form(lang, e->min);
        buf_printf(out, T(lang, too_short[pf >= 0 && pf < 3 ? pf : 2]), (long long)e->min);
        return;
    case FE_TOO_LONG:
        pf = i18n_plural_form(lang, e->max);
        buf_printf(out, T(lang, too_long[pf >= 0 && pf < 3 ? pf : 2]), (long long)e->max);
        return;
    case FE_NOT_INT:
        buf_puts(out, T(lang, MSG_FORM_ERR_NOT_INT));
        return;
    case FE_RANGE:
        if (e->max == INT64_MAX)
            put_with_numbers(out, lang, MSG_FORM_ERR_RANGE_MIN, e->min, 0, false, false);
        else if (e->min == INT64_MIN)
            put_with_numbers(out, lang, MSG_FORM_ERR_RANGE_MAX, e->max, 0, false, false);
        else
            put_with_numbers(out, lang, MSG_FORM_ERR_RANGE, e->min, e->max, true, false);
        return;
    case FE_NOT_MONEY:
        buf_puts(out, T(lang, MSG_FORM_ERR_NOT_MONEY));
        return;
    case FE_AMBIGUOUS_NUMBER: {
        /* both readings of "1.234" in the reader's habit: 1234 and 1,234 */
        int64_t v = e->min;
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        char whole[32], dec[40];
        snprintf(whole, sizeof whole, "%lld", (long long)v);
        snprintf(dec, sizeof dec, "%s%llu%c%03llu", v < 0 ? "-" : "",
                 (unsigned long long)(mag / 1000), lang == LANG_EN ? '.' : ',',
                 (unsigned long long)(mag % 1000));
        buf_printf(out, T(lang, MSG_FORM_ERR_AMBIGUOUS_NUMBER), whole, dec, whole);
        return;
    }
    case FE_EMAIL:
        buf_puts(out, T(lang, MSG_FORM_ERR_EMAIL));
        return;
    case FE_URL:
        buf_puts(out, T(lang, MSG_FORM_ERR_URL));
        return;
    case FE_SLUG:
        buf_puts(out, T(lang, MSG_FORM_ERR_SLUG));
        return;
    case FE_CHOICE:
        buf_puts(out, T(lang, MSG_FORM_ERR_CHOICE));
        return;
    case FE_CONTROL_CHARS:
        buf_puts(out, T(lang, MSG_FORM_ERR_CONTROL_CHARS));
        return;
    case FE_FILE_TOO_BIG:
        put_with_numbers(out, lang, MSG_FORM_ERR_FILE_TOO_BIG, e->max, 0, false, true);
        return;
    case FE_NOMEM:
        buf_puts(out, T(lang, MSG_FORM_ERR_NOMEM));
        return;
    case FE_PIB:
        buf_puts(out, T(lang, MSG_FORM_ERR_PIB));
        return;
    case FE_MB:
        buf_puts(out, T(lang, MSG_FORM_ERR_MB));
        return;
    case FE_TAKEN:
        buf_puts(out, T(lang, MSG_FORM_ERR_TAKEN));
        return;
    case FE_UNKNOWN_CODE:
        buf_puts(out, T(lang, MSG_FORM_ERR_UNKNOWN_CODE));
        return;
    case FE_MISMATCH:
        buf_puts(out, T(lang, MSG_FORM_ERR_MISMATCH));
        return;
    case FE_DATE:
        buf_puts(out, T(lang, MSG_FORM_ERR_DATE));
        return;
    case FE_DATE_ORDER:
        buf_puts(out, T(lang, MSG_FORM_ERR_DATE_ORDER));
        return;
    case FE_FUTURE_YEAR:
        buf_puts(out, T(lang, MSG_FORM_ERR_FUTURE_YEAR));
        return;
    case FE_EXPORTS_ABOVE_REVENUE:
        buf_puts(out, T(lang, MSG_FORM_ERR_EXPORTS_ABOVE_REVENUE));
        return;
    case FE_NO_RATE:
        buf_puts(out, T(lang, MSG_FORM_ERR_NO_RATE));
        return;
    case FE_NOT_CLUSTER:
        buf_puts(out, T(lang, MSG_FORM_ERR_NOT_CLUSTER));
        return;
    case FE_SELF_MEMBER:
        buf_puts(out, T(lang, MSG_FORM_ERR_SELF_MEMBER));
        return;
    case FE_ALREADY_MEMBER:
        buf_puts(out, T(lang, MSG_FORM_ERR_ALREADY_MEMBER));
        return;
    case FE_SECRETARIAT_ONLY:
        buf_puts(out, T(lang, MSG_FORM_ERR_SECRETARIAT_ONLY));
        return;
    case FE_MEMBER_SECRETARIAT:
        buf_puts(out, T(lang, MSG_FORM_ERR_MEMBER_SECRETARIAT));
        return;
    case FE_ALREADY_PROPOSED:
        buf_puts(out, T(lang, MSG_FORM_ERR_ALREADY_PROPOSED));
        return;
    case FE_NOT_PENDING:
        buf_puts(out, T(lang, MSG_FORM_ERR_NOT_PENDING));
        return;
    case FE_INVALID:
        break;
    }
    buf_puts(out, T(lang, MSG_FORM_ERR_INVALID));
}
