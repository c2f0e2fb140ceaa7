/* valid.c: the table-driven field validator and its error sentences (see
 * valid.h).
 *
 * Runs a form_rule table over a list of form_field (parsed by http/form.c
 * from a request, or built by a model or importer from any other source)
 * and produces typed form_value entries plus per-field errors, which
 * form_error_text() turns into catalog sentences (messages.def, section
 * "form errors"). It sits below the model: it knows no request, no
 * database and no entity. */
#include "valid/valid.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"

/* --- small helpers ----------------------------------------------------- */

static bool is_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The length of the space character at the start of s[0..n) (ASCII
 * white space, or one of the Unicode spaces a pasted name brings: no-break
 * U+00A0, U+2000-U+200B, U+202F, U+205F, U+3000, the BOM U+FEFF), else 0. */
static size_t space_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && is_ascii_space(u[0]))
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8B || u[2] == 0xAF))
        return 3;
    if (n >= 3 && ((u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) ||
                   (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
                   (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)))
        return 3;
    return 0;
}

/* The length of the space character that ends s[0..n), else 0. */
static size_t space_before(const char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++)
        if (space_at(s + n - k, k) == k)
            return k;
    return 0;
}

void form_trim(const char **s, size_t *n)
{
    for (size_t k; *n > 0 && (k = space_at(*s, *n)) > 0;)
        *s += k, *n -= k;
    for (size_t k; *n > 0 && (k = space_before(*s, *n)) > 0;)
        *n -= k;
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

/* True when valid UTF-8 s holds a control character: C0, DEL, C1, the
 * Unicode line and paragraph separators, or the noncharacters U+FFFE and
 * U+FFFF (not characters in XML 1.0: one in a name made the SVG badge and
 * the Atom feed ill-formed; found by fuzz/fuzz_chart.c), or an invisible
 * formatting character (below). With multiline, \n \r \t and the two
 * separators are allowed. */
/* Nonzero when one of the eight bytes of v could start a control
 * character: below 0x20, 0x7f, or the lead byte 0xC2 (U+0080..U+009F),
 * 0xE2 (U+2028/9) or 0xEF (U+FFFE/F). Exact about "none" (the classic SWAR
 * tests), so a block it clears needs no look byte by byte. */
static uint64_t may_control(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t x7f = v ^ (ones * 0x7f), xc2 = v ^ (ones * 0xC2), xe2 = v ^ (ones * 0xE2);
    uint64_t xef = v ^ (ones * 0xEF);
    return ((v - ones * 0x20) & ~v & highs) | ((x7f - ones) & ~x7f & highs) |
           ((xc2 - ones) & ~xc2 & highs) | ((xe2 - ones) & ~xe2 & highs) |
           ((xef - ones) & ~xef & highs);
}

/* True when the three bytes at p encode an invisible formatting character
 * that can make a text read other than it is: the bidirectional
 * embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069: a
 * right-to-left override shows "exe.doc" for "cod.exe"), the zero-width
 * space and word joiner (U+200B, U+2060: two names that look the same) and
 * a byte order mark inside a text (U+FEFF). The joiners and direction
 * marks (U+200C..U+200F) that some scripts need stay allowed. */
static bool invisible(const unsigned char *p)
{
    if (p[0] == 0xEF)
        return p[1] == 0xBB && p[2] == 0xBF;
    if (p[0] != 0xE2)
        return false;
    if (p[1] == 0x80)
        return p[2] == 0x8B || (p[2] >= 0xAA && p[2] <= 0xAE);
    return p[1] == 0x81 && (p[2] == 0xA0 || (p[2] >= 0xA6 && p[2] <= 0xA9));
}

static bool has_control(const char *s, size_t n, bool multiline)
{
    /* eight bytes at a time where none could be one: this loop, byte by
     * byte, was 2% of an import's instructions (callgrind, 2,000 entries) */
    size_t i = 0;
    while (i < n) {
        size_t end = n;
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (!may_control(v)) {
                i += 8;
                continue;
            }
            end = i + 8;
        }
        for (; i < end; i++) {
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
            if (i + 2 < n && invisible((const unsigned char *)s + i))
                return true;
        }
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
    if (n >= 7 && str_ieqn(s, 7, "http://"))
        i = 7;
    else if (n >= 8 && str_ieqn(s, 8, "https://"))
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
    form_trim(&s, &n);
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
        if (str_ieqn(t, n, "on") || str_ieqn(t, n, "1") || str_ieqn(t, n, "true") ||
            str_ieqn(t, n, "yes")) {
            *iv = 1;
            return 0;
        }
        if (str_ieqn(t, n, "off") || str_ieqn(t, n, "0") || str_ieqn(t, n, "false") ||
            str_ieqn(t, n, "no"))
            return 0;
        return FE_CHOICE;
    case FV_DATE:
        return time_date_valid(t) ? 0 : FE_DATE;
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

void valid_add_error(form_errors *errs, const char *field, form_error_code code, int64_t min,
                     int64_t max)
{
    assert(errs && field);
    if (errs->n_items >= sizeof errs->items / sizeof errs->items[0])
        return; /* full: the form already has plenty to fix */
    form_error *e = &errs->items[errs->n_items++];
    e->field = field;
    e->code = code;
    e->min = min;
    e->max = max;
}

/* Where each rule's fields are when the form lists them in the rules'
 * order, as valid_values and org_validate_local build theirs: rule i's are
 * fields start[i] .. start[i + 1] - 1, found in one walk of both lists
 * (about one strcmp per rule and one per field). False when the form is
 * in another order or has a field no rule names (a posted form): then
 * each rule looks through all of them. Looking up each of an import's 21
 * fields among the others was 9% of its prepare thread (callgrind). */
#define ORDERED_RULES_MAX 64
static bool fields_in_rule_order(const form *f, const form_rule *rules, size_t n_rules,
                                 size_t *start)
{
    if (!f || n_rules >= ORDERED_RULES_MAX)
        return false;
    size_t j = 0;
    for (size_t i = 0; i < n_rules; i++) {
        start[i] = j;
        while (j < f->n_fields && (f->fields[j].name == rules[i].name ||
                                   strcmp(f->fields[j].name, rules[i].name) == 0))
            j++;
    }
    start[n_rules] = j;
    return j == f->n_fields;
}

bool form_validate(arena *a, const form *f, const form_rule *rules, size_t n_rules,
                   form_value *vals, form_errors *errs)
{
    assert(a && (rules || n_rules == 0) && (vals || n_rules == 0) && errs);
    assert(errs->n_items <= sizeof errs->items / sizeof errs->items[0]);
#ifndef NDEBUG
    /* each rule names its own field (fields_in_rule_order gives a field
     * to the first rule of its name) */
    for (size_t i = 0; i < n_rules; i++)
        for (size_t k = 0; k < i; k++)
            assert(strcmp(rules[i].name, rules[k].name) != 0);
#endif
    size_t start[ORDERED_RULES_MAX + 1];
    bool ordered = fields_in_rule_order(f, rules, n_rules, start);
    bool ok = true;
    for (size_t i = 0; i < n_rules; i++) {
        assert(rules[i].name);
        assert(rules[i].kind != FV_ENUM || rules[i].choices);
        memset(&vals[i], 0, sizeof vals[i]);
        /* ordered: the rule's own fields, as a form of their own */
        size_t n_own = ordered ? start[i + 1] - start[i] : 0;
        form own = {n_own ? f->fields + start[i] : NULL, n_own};
        form_error_code c = check_rule(a, ordered ? &own : f, &rules[i], &vals[i]);
        if (c) {
            ok = false;
            valid_add_error(errs, rules[i].name, c, rules[i].min, rules[i].max);
            if (c == FE_AMBIGUOUS_NUMBER && errs->n_items > 0)
                errs->items[errs->n_items - 1].min = vals[i].i; /* how it was read */
        }
    }
    return ok;
}

bool valid_values(arena *a, const valid_table *t, const char *const *values, form_value *vals,
                  form_errors *errs, const void *ctx)
{
    assert(a && t && values && vals && errs);
    assert(t->n_rules <= 32);
    size_t before = errs->n_items;
    form_field fields[32];
    form f = {fields, 0};
    for (size_t i = 0; i < t->n_rules; i++) {
        assert(t->rules[i].kind != FV_FILE && !(t->rules[i].flags & FORM_MULTI));
        if (str_empty(values[i]))
            continue;
        fields[f.n_fields++] = (form_field){
            .name = t->rules[i].name, .value = values[i], .value_len = strlen(values[i])};
    }
    bool ok = form_validate(a, &f, t->rules, t->n_rules, vals, errs);
    for (size_t i = 0; i < t->n_cross; i++)
        t->cross[i](vals, ctx, errs);
    return ok && errs->n_items == before;
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
    case FE_NOT_PUBLISHED:
        buf_puts(out, T(lang, MSG_FORM_ERR_NOT_PUBLISHED));
        return;
    case FE_POSITION_STAGE: {
        static const msg_id stage[] = {MSG_POS_STAGE_DRAFT,    MSG_POS_STAGE_CONSULTATION,
                                       MSG_POS_STAGE_SIGNING,  MSG_POS_STAGE_SUBMITTED,
                                       MSG_POS_STAGE_ANSWERED, MSG_POS_STAGE_CLOSED};
        bool known = e->min >= 0 && e->min < (int64_t)(sizeof stage / sizeof stage[0]);
        buf_printf(out, T(lang, MSG_FORM_ERR_POSITION_STAGE), known ? T(lang, stage[e->min]) : "?");
        return;
    }
    case FE_POSITION_PARAGRAPH:
        if (e->max > 0)
            buf_printf(out, T(lang, MSG_FORM_ERR_POSITION_PARAGRAPH), (long long)e->max);
        else
            buf_puts(out, T(lang, MSG_FORM_ERR_POSITION_NO_TEXT));
        return;
    case FE_POSITION_UNSIGNED:
        buf_puts(out, T(lang, MSG_FORM_ERR_POSITION_UNSIGNED));
        return;
    case FE_POSITION_UNSENT:
        buf_puts(out, T(lang, MSG_FORM_ERR_POSITION_UNSENT));
        return;
    case FE_POSITION_CLOSED:
        buf_puts(out, T(lang, MSG_FORM_ERR_POSITION_CONSULT_CLOSED));
        return;
    case FE_INVALID:
        break;
    }
    buf_puts(out, T(lang, MSG_FORM_ERR_INVALID));
}
