/* i18n.c: language negotiation, the message lookup T() and locale-aware
 * formatting of numbers, money, dates and plural forms (see i18n.h).
 *
 * The English and Serbian Cyrillic tables are static (catalog.c). The
 * Serbian Latin table is derived once by i18n_init() with utf8_cyr_to_lat()
 * into one heap block that this file owns until i18n_shutdown(); after
 * init everything here is read-only and safe to call from any thread.
 * Dates go through localtime_r(), so the process zone must be
 * Europe/Belgrade (time_setup_zone() in core/timeutil.c). */
#include "i18n/i18n.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "core/utf8.h"

/* The derived Serbian Latin strings: pointers into latn_block, which this
 * module owns (NULL before i18n_init and after i18n_shutdown). */
static char *latn_block;
static const char *sr_latn[MSG__COUNT];

static const char *const lang_tags[LANG__COUNT] = {"en", "sr-Latn", "sr-Cyrl"};
static const char *const lang_names[LANG__COUNT] = {"English", "Srpski", "Српски"};
static const char *const month_abbr_en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int i18n_init(void)
{
    if (latn_block)
        return 0;
    int rc = -1;
    size_t off[MSG__COUNT];
    buf b = BUF_INIT;
    for (size_t i = 0; i < MSG__COUNT; i++) {
        const char *s = i18n_catalog_sr_cyrl[i];
        assert(s && utf8_valid(s, strlen(s), false));
        off[i] = b.len;
        utf8_cyr_to_lat(&b, s, strlen(s));
        buf_append(&b, "", 1); /* each string keeps its terminator */
    }
    if (buf_failed(&b))
        goto cleanup;
    latn_block = buf_detach(&b, NULL);
    if (!latn_block)
        goto cleanup;
    for (size_t i = 0; i < MSG__COUNT; i++)
        sr_latn[i] = latn_block + off[i];
    rc = 0;
cleanup:
    buf_free(&b);
    return rc;
}

void i18n_shutdown(void)
{
    for (size_t i = 0; i < MSG__COUNT; i++)
        sr_latn[i] = NULL;
    mem_free(latn_block);
    latn_block = NULL;
}

const char *T(lang_id lang, msg_id id)
{
    assert((unsigned)id < MSG__COUNT);
    if ((unsigned)id >= MSG__COUNT)
        return "";
    switch (lang) {
    case LANG_SR_CYRL:
        return i18n_catalog_sr_cyrl[id];
    case LANG_SR_LATN:
        /* Before i18n_init() (a bug) Cyrillic is the closest readable text. */
        assert(sr_latn[id]);
        return sr_latn[id] ? sr_latn[id] : i18n_catalog_sr_cyrl[id];
    default:
        return i18n_catalog_en[id];
    }
}

const char *i18n_tag(lang_id lang)
{
    assert((unsigned)lang < LANG__COUNT);
    return (unsigned)lang < LANG__COUNT ? lang_tags[lang] : lang_tags[LANG_EN];
}

const char *i18n_name(lang_id lang)
{
    assert((unsigned)lang < LANG__COUNT);
    return (unsigned)lang < LANG__COUNT ? lang_names[lang] : lang_names[LANG_EN];
}

/* ---- tags and negotiation ----------------------------------------------- */

static bool is_alnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_alpha_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* True when s[0..n) equals the lower-case ASCII word w, ignoring case. */
static bool eq_nocase(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c != w[i])
            return false;
    }
    return true;
}

/* Parses the language tag s[0..n): subtags of 1-8 letters or digits joined
 * by '-' (or '_', as some clients send). */
static bool parse_tag(const char *s, size_t n, lang_id *out)
{
    const char *sub[3]; /* the first subtags; the rest are only checked */
    size_t sub_len[3];
    size_t n_sub = 0;
    size_t i = 0;
    while (i <= n) {
        size_t start = i;
        while (i < n && is_alnum_ascii(s[i]))
            i++;
        size_t len = i - start;
        if (len == 0 || len > 8)
            return false;
        if (n_sub < 3) {
            sub[n_sub] = s + start;
            sub_len[n_sub] = len;
        }
        n_sub++;
        if (i == n)
            break;
        if (s[i] != '-' && s[i] != '_')
            return false;
        i++;
    }
    if (n_sub == 0)
        return false;
    if (eq_nocase(sub[0], sub_len[0], "en")) {
        *out = LANG_EN;
        return true;
    }
    if (!eq_nocase(sub[0], sub_len[0], "sr"))
        return false;
    /* A script subtag, if any, is the second one and has four letters. */
    if (n_sub >= 2 && sub_len[1] == 4 && is_alpha_ascii(sub[1][0])) {
        if (eq_nocase(sub[1], 4, "latn")) {
            *out = LANG_SR_LATN;
            return true;
        }
        if (eq_nocase(sub[1], 4, "cyrl")) {
            *out = LANG_SR_CYRL;
            return true;
        }
        return false; /* some other script */
    }
    *out = LANG_SR_CYRL; /* "sr", "sr-RS": Serbian defaults to Cyrillic */
    return true;
}

bool i18n_parse(const char *tag, lang_id *out)
{
    lang_id l;
    if (!tag || !parse_tag(tag, strlen(tag), &l))
        return false;
    if (out)
        *out = l;
    return true;
}

/* Parses an RFC 9110 qvalue s[0..n) ("0", "0.5", "1.000") into thousandths;
 * -1 when malformed. */
static int parse_qvalue(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q <= 1000 ? q : -1;
}

/* Trims optional white space around s[*b..*e). */
static void trim(const char *s, size_t *b, size_t *e)
{
    while (*b < *e && is_ows(s[*b]))
        (*b)++;
    while (*e > *b && is_ows(s[*e - 1]))
        (*e)--;
}

/* The weight of one Accept-Language element s[0..n) ("sr-Latn;q=0.8") in
 * thousandths and its language in *out; -1 when the element is malformed
 * or names no language we serve. Parameters other than q are ignored. */
static int accept_element(const char *s, size_t n, lang_id *out)
{
    size_t semi = 0;
    while (semi < n && s[semi] != ';')
        semi++;
    size_t tb = 0, te = semi;
    trim(s, &tb, &te);
    if (!parse_tag(s + tb, te - tb, out))
        return -1;
    int q = 1000;
    size_t i = semi;
    while (i < n) {
        size_t pb = i + 1, pe = pb;
        while (pe < n && s[pe] != ';')
            pe++;
        i = pe;
        trim(s, &pb, &pe);
        if (pe - pb >= 2 && (s[pb] == 'q' || s[pb] == 'Q') && s[pb + 1] == '=') {
            q = parse_qvalue(s + pb + 2, pe - pb - 2);
            if (q < 0)
                return -1;
        }
    }
    return q;
}

lang_id i18n_negotiate(const char *param, const char *cookie, const char *accept_language)
{
    lang_id l;
    if (i18n_parse(param, &l) || i18n_parse(cookie, &l))
        return l;
    if (!accept_language)
        return LANG_EN;
    lang_id best = LANG_EN;
    int best_q = 0; /* q=0 means "not acceptable" */
    const char *s = accept_language;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != ',')
            e++;
        int q = accept_element(s + i, e - i, &l);
        if (q > best_q) { /* strictly greater: the earlier of equals wins */
            best_q = q;
            best = l;
        }
        i = e + 1;
    }
    return best;
}

/* ---- numbers ------------------------------------------------------------ */

/* |v| without overflow, also for INT64_MIN. */
static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static char group_sep(lang_id lang)
{
    return lang == LANG_EN ? ',' : '.';
}

static char decimal_sep(lang_id lang)
{
    return lang == LANG_EN ? '.' : ',';
}

/* Appends m in decimal with sep between groups of three digits. */
static void put_grouped(buf *out, uint64_t m, char sep)
{
    char tmp[32]; /* 20 digits and 6 separators at most */
    size_t i = sizeof tmp, digits = 0;
    do {
        if (digits > 0 && digits % 3 == 0)
            tmp[--i] = sep;
        tmp[--i] = (char)('0' + m % 10);
        m /= 10;
        digits++;
    } while (m > 0);
    buf_append(out, tmp + i, sizeof tmp - i);
}

void i18n_fmt_int(buf *out, lang_id lang, int64_t v)
{
    if (v < 0)
        buf_putc(out, '-');
    put_grouped(out, magnitude(v), group_sep(lang));
}

void i18n_fmt_money(buf *out, lang_id lang, int64_t minor, const char *currency, bool whole_only)
{
    uint64_t m = magnitude(minor);
    uint64_t whole = m / 100;
    unsigned cents = (unsigned)(m % 100);
    if (minor < 0 && (whole > 0 || !whole_only)) /* never "-0 EUR" */
        buf_putc(out, '-');
    put_grouped(out, whole, group_sep(lang));
    if (!whole_only) {
        buf_putc(out, decimal_sep(lang));
        buf_putc(out, (char)('0' + cents / 10));
        buf_putc(out, (char)('0' + cents % 10));
    }
    if (currency && *currency) {
        buf_putc(out, ' ');
        buf_puts(out, currency);
    }
}

/* ---- dates -------------------------------------------------------------- */

/* Breaks a UTC Unix time into local (Europe/Belgrade) time. */
static bool local_tm(int64_t unix_utc, struct tm *tm)
{
    time_t t = (time_t)unix_utc;
    if ((int64_t)t != unix_utc)
        return false;
    return localtime_r(&t, tm) != NULL;
}

/* Appends the date of tm in the language's style. */
static void put_date(buf *out, lang_id lang, const struct tm *tm)
{
    long long year = (long long)tm->tm_year + 1900;
    if (lang == LANG_EN) {
        int mon = tm->tm_mon >= 0 && tm->tm_mon < 12 ? tm->tm_mon : 0;
        buf_printf(out, "%d %s %lld", tm->tm_mday, month_abbr_en[mon], year);
    } else {
        buf_printf(out, "%d. %d. %lld.", tm->tm_mday, tm->tm_mon + 1, year);
    }
}

void i18n_fmt_date(buf *out, lang_id lang, int64_t unix_utc)
{
    struct tm tm;
    if (!local_tm(unix_utc, &tm)) {
        buf_putc(out, '?');
        return;
    }
    put_date(out, lang, &tm);
}

void i18n_fmt_datetime(buf *out, lang_id lang, int64_t unix_utc)
{
    struct tm tm;
    if (!local_tm(unix_utc, &tm)) {
        buf_putc(out, '?');
        return;
    }
    put_date(out, lang, &tm);
    buf_printf(out, " %02d:%02d", tm.tm_hour, tm.tm_min);
}

/* ---- plurals ------------------------------------------------------------ */

int i18n_plural_form(lang_id lang, int64_t n)
{
    uint64_t m = magnitude(n);
    if (lang == LANG_EN)
        return m == 1 ? 0 : 2;
    unsigned d10 = (unsigned)(m % 10), d100 = (unsigned)(m % 100);
    if (d10 == 1 && d100 != 11)
        return 0;
    if (d10 >= 2 && d10 <= 4 && (d100 < 12 || d100 > 14))
        return 1;
    return 2;
}
