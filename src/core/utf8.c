/* utf8.c: UTF-8 decoding and validation, Serbian Cyrillic-to-Latin
 * transliteration and search folding (see utf8.h).
 *
 * Everything is table-driven and allocation-free: output goes to the
 * caller's buf. Case mapping is deliberately small (ASCII, Latin-1,
 * Latin Extended-A, a few Latin Extended-B letters used in South Slavic
 * languages, Greek and Cyrillic): enough for the names and places SCAN
 * stores, without pulling in a Unicode library. i18n.c derives the Serbian
 * Latin catalog with utf8_cyr_to_lat(); the search index and queries are
 * folded with utf8_fold(). */
#include "core/utf8.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>

#define REPLACEMENT_CHAR 0xFFFDu

/* ---- decoding ----------------------------------------------------------- */

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    assert(s || n == 0);
    assert(cp);
    if (n == 0)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    unsigned char b0 = p[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    int len;
    uint32_t c;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        c = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b0 == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        c = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90; /* overlong */
        else if (b0 == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
    }
    if (n < (size_t)len)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    c = (c << 6) | (p[1] & 0x3F);
    for (int i = 2; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    *cp = c;
    return len;
}

bool utf8_valid(const char *s, size_t n, bool allow_nul)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t i = 0;
    while (i < n) {
        /* eight ASCII bytes (no NUL unless allowed), or four two-byte
         * letters, at a time */
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (!(v & highs) ? allow_nul || !((v - ones) & ~v & highs) : utf8_two_byte_run(v)) {
                i += 8;
                continue;
            }
        }
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x01 && b < 0x80) { /* fast path for ASCII */
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            i += 2; /* two bytes (Cyrillic, Latin with diacritics): always valid */
            continue;
        }
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || (cp == 0 && !allow_nul))
            return false;
        i += (size_t)len;
    }
    return true;
}

void utf8_put(buf *out, uint32_t cp)
{
    char tmp[4];
    if (cp < 0x80) {
        buf_putc(out, (char)cp);
        return;
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = REPLACEMENT_CHAR;
    if (cp < 0x800) {
        tmp[0] = (char)(0xC0 | (cp >> 6));
        tmp[1] = (char)(0x80 | (cp & 0x3F));
        buf_append(out, tmp, 2);
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xE0 | (cp >> 12));
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[2] = (char)(0x80 | (cp & 0x3F));
        buf_append(out, tmp, 3);
    } else {
        tmp[0] = (char)(0xF0 | (cp >> 18));
        tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[3] = (char)(0x80 | (cp & 0x3F));
        buf_append(out, tmp, 4);
    }
}

/* Decodes the code point at s[i..n); malformed input yields U+FFFD and
 * consumes one byte so that callers always make progress. */
static size_t decode_lenient(const char *s, size_t n, size_t i, uint32_t *cp)
{
    if (i >= n) {
        *cp = 0;
        return 0;
    }
    int len = utf8_decode(s + i, n - i, cp);
    if (len == 0) {
        *cp = REPLACEMENT_CHAR;
        return 1;
    }
    return (size_t)len;
}

/* ---- case mapping ------------------------------------------------------- */

/* The simple lower-case mapping of cp for the scripts named at the top of
 * the file; every other code point maps to itself. */
static uint32_t lower_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
    if (cp < 0x100)
        return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ? cp + 0x20 : cp;
    if (cp < 0x180) { /* Latin Extended-A: mostly upper/lower pairs */
        if (cp == 0x130)
            return 'i'; /* İ */
        if (cp == 0x178)
            return 0xFF; /* Ÿ */
        if ((cp <= 0x137 && cp != 0x131) || (cp >= 0x14A && cp <= 0x177))
            return (cp & 1) ? cp : cp + 1; /* even code point is upper */
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
            return (cp & 1) ? cp + 1 : cp; /* odd code point is upper */
        return cp;
    }
    if (cp >= 0x1C4 && cp <= 0x1CC) { /* DŽ Dž dž, LJ Lj lj, NJ Nj nj */
        if (cp <= 0x1C6)
            return 0x1C6;
        return cp <= 0x1C9 ? 0x1C9 : 0x1CC;
    }
    if (cp >= 0x218 && cp <= 0x21B) /* Ș ș Ț ț */
        return (cp & 1) ? cp : cp + 1;
    if (cp >= 0x370 && cp < 0x400) { /* Greek */
        if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
            return cp + 0x20;
        if (cp == 0x386)
            return 0x3AC;
        if (cp >= 0x388 && cp <= 0x38A)
            return cp + 0x25;
        if (cp == 0x38C)
            return 0x3CC;
        if (cp == 0x38E || cp == 0x38F)
            return cp + 0x3F;
        return cp;
    }
    if (cp >= 0x400 && cp < 0x500) { /* Cyrillic */
        if (cp < 0x410)
            return cp + 0x50;
        if (cp < 0x430)
            return cp + 0x20;
        if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || cp >= 0x4D0)
            return (cp & 1) ? cp : cp + 1;
        if (cp == 0x4C0)
            return 0x4CF;
        if (cp >= 0x4C1 && cp <= 0x4CE)
            return (cp & 1) ? cp + 1 : cp;
        return cp;
    }
    if (cp == 0x1E9E) /* ẞ */
        return 0xDF;
    return cp;
}

static bool is_upper(uint32_t cp)
{
    return lower_cp(cp) != cp;
}

/* ---- transliteration ---------------------------------------------------- */

#define CYR_FIRST 0x400u
#define CYR_LAST  0x45Fu

/* Serbian Cyrillic U+0400..U+045F to Latin (DOMAIN.md section 4); NULL for
 * letters that are not Serbian. Љ Њ Џ hold their title-case form; the
 * all-capital form comes from cyr_digraph_upper(). */
static const char *const cyr_lat[CYR_LAST - CYR_FIRST + 1] = {
    [0x02] = "Đ", [0x08] = "J", [0x09] = "Lj", [0x0A] = "Nj", [0x0B] = "Ć", [0x0F] = "Dž",
    [0x10] = "A", [0x11] = "B", [0x12] = "V",  [0x13] = "G",  [0x14] = "D", [0x15] = "E",
    [0x16] = "Ž", [0x17] = "Z", [0x18] = "I",  [0x1A] = "K",  [0x1B] = "L", [0x1C] = "M",
    [0x1D] = "N", [0x1E] = "O", [0x1F] = "P",  [0x20] = "R",  [0x21] = "S", [0x22] = "T",
    [0x23] = "U", [0x24] = "F", [0x25] = "H",  [0x26] = "C",  [0x27] = "Č", [0x28] = "Š",
    [0x30] = "a", [0x31] = "b", [0x32] = "v",  [0x33] = "g",  [0x34] = "d", [0x35] = "e",
    [0x36] = "ž", [0x37] = "z", [0x38] = "i",  [0x3A] = "k",  [0x3B] = "l", [0x3C] = "m",
    [0x3D] = "n", [0x3E] = "o", [0x3F] = "p",  [0x40] = "r",  [0x41] = "s", [0x42] = "t",
    [0x43] = "u", [0x44] = "f", [0x45] = "h",  [0x46] = "c",  [0x47] = "č", [0x48] = "š",
    [0x52] = "đ", [0x58] = "j", [0x59] = "lj", [0x5A] = "nj", [0x5B] = "ć", [0x5F] = "dž",
};

/* The Latin for a Serbian Cyrillic letter, or NULL. */
static const char *cyr_latin(uint32_t cp)
{
    if (cp < CYR_FIRST || cp > CYR_LAST)
        return NULL;
    return cyr_lat[cp - CYR_FIRST];
}

/* The all-capital form of Љ Њ Џ, or NULL for any other code point. */
static const char *cyr_digraph_upper(uint32_t cp)
{
    switch (cp) {
    case 0x409:
        return "LJ";
    case 0x40A:
        return "NJ";
    case 0x40F:
        return "DŽ";
    default:
        return NULL;
    }
}

void utf8_cyr_to_lat(buf *out, const char *s, size_t n)
{
    assert(out);
    assert(s || n == 0);
    uint32_t prev = 0, cp;
    size_t i = 0;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII is copied in runs */
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] < 0x80)
                j++;
            buf_append(out, s + i, j - i);
            prev = (unsigned char)s[j - 1];
            i = j;
            continue;
        }
        size_t len = decode_lenient(s, n, i, &cp);
        const char *lat = cyr_latin(cp);
        const char *caps = cyr_digraph_upper(cp);
        if (caps) {
            uint32_t next;
            decode_lenient(s, n, i + len, &next);
            if (is_upper(prev) || is_upper(next))
                lat = caps;
        }
        if (lat)
            buf_puts(out, lat);
        else if (cp == REPLACEMENT_CHAR)
            utf8_put(out, cp);
        else
            buf_append(out, s + i, len);
        prev = cp;
        i += len;
    }
}

/* ---- folding ------------------------------------------------------------ */

/* ASCII folding of U+00C0..U+00FF (after lower-casing); NULL keeps the code
 * point (× and ÷). */
static const char *const latin1_fold[0x40] = {
    "a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Base letter of each code point in U+0100..U+017F; '1' stands for "ij"
 * and '2' for "oe". */
static const char latin_ext_a_fold[] = "aaaaaa"
                                       "cccccccc"
                                       "dddd"
                                       "eeeeeeeeee"
                                       "gggggggg"
                                       "hhhh"
                                       "iiiiiiiiii"
                                       "11"
                                       "jj"
                                       "kkk"
                                       "llllllllll"
                                       "nnnnnnnnn"
                                       "oooooo"
                                       "22"
                                       "rrrrrr"
                                       "ssssssss"
                                       "tttttt"
                                       "uuuuuuuuuuuu"
                                       "ww"
                                       "yyy"
                                       "zzzzzz"
                                       "s";
_Static_assert(sizeof latin_ext_a_fold == 0x80 + 1, "one letter per code point U+0100..U+017F");

/* Folding state: remembers whether the last byte written was 'd' so that
 * the 'j' of "dj" can be dropped whatever script or letters produced it. */
typedef struct folder {
    buf *out;
    bool after_d;
} folder;

static void fold_emit_ascii(folder *f, const char *s)
{
    for (; *s; s++) {
        if (f->after_d && *s == 'j')
            continue; /* the output still ends in d: "djj" is "d" (fuzz_words) */
        buf_putc(f->out, *s);
        f->after_d = *s == 'd';
    }
}

/* The ASCII folding of an already lower-cased Latin letter outside Latin
 * Extended-A, or NULL when the code point has none. */
static const char *latin_fold(uint32_t cp)
{
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1_fold[cp - 0xC0];
    switch (cp) {
    case 0x1C6: /* dž digraph */
        return "dz";
    case 0x1C9: /* lj digraph */
        return "lj";
    case 0x1CC: /* nj digraph */
        return "nj";
    case 0x219: /* ș */
        return "s";
    case 0x21B: /* ț */
        return "t";
    default:
        return NULL;
    }
}

/* Folds one code point (never a Serbian Cyrillic letter: those are
 * transliterated first). */
static void fold_cp(folder *f, uint32_t cp)
{
    char one[2] = {'\0', '\0'};
    cp = lower_cp(cp);
    if (cp == 0) { /* NUL is kept, not treated as a terminator */
        buf_putc(f->out, '\0');
        f->after_d = false;
        return;
    }
    if (cp < 0x80) {
        one[0] = (char)cp;
        fold_emit_ascii(f, one);
        return;
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        char c = latin_ext_a_fold[cp - 0x100];
        if (c == '1') {
            fold_emit_ascii(f, "ij");
        } else if (c == '2') {
            fold_emit_ascii(f, "oe");
        } else {
            one[0] = c;
            fold_emit_ascii(f, one);
        }
        return;
    }
    const char *lat = latin_fold(cp);
    if (lat) {
        fold_emit_ascii(f, lat);
        return;
    }
    if (cp >= 0x300 && cp <= 0x36F) /* combining diacritical marks vanish */
        return;
    if (cp == 0x3C2) /* final sigma */
        cp = 0x3C3;
    utf8_put(f->out, cp);
    f->after_d = false;
}

/* One code point the long way: a Serbian Cyrillic letter as its Latin,
 * letter by letter, anything else through fold_cp. */
static void fold_one(folder *f, uint32_t cp)
{
    const char *lat = cyr_latin(cp);
    if (!lat) {
        fold_cp(f, cp);
        return;
    }
    /* Fold the transliteration letter by letter; it is valid UTF-8. */
    size_t m = strlen(lat), k = 0;
    while (k < m) {
        uint32_t c;
        k += decode_lenient(lat, m, k, &c);
        fold_cp(f, c);
    }
}

/* The fold of every two-byte code point (U+0080..U+07FF: Latin-1 and
 * Latin Extended, Greek, Cyrillic) for either state of after_d, worked
 * out once by fold_one: Cyrillic letters one by one were most of the
 * folding time of an import (perf). len FOLD2_SLOW: not tabled (longer
 * than s, or no memory while building), fold_one does it. At most two
 * bytes, so that a run of tabled letters never writes more than it reads
 * (the loop below checks the room once per run, not per letter), and an
 * entry is four bytes, copied whole. */
#define FOLD2_SLOW 0xFF
typedef struct fold2 {
    char s[2];
    unsigned char len;
    bool after_d;
} fold2;
static fold2 fold2_tab[2][0x800 - 0x80];
static pthread_once_t fold2_once = PTHREAD_ONCE_INIT;

static void fold2_build(void)
{
    for (int st = 0; st < 2; st++) {
        for (uint32_t cp = 0x80; cp < 0x800; cp++) {
            buf b = BUF_INIT;
            folder f = {&b, st == 1};
            fold_one(&f, cp);
            fold2 *e = &fold2_tab[st][cp - 0x80];
            e->len = FOLD2_SLOW;
            if (!buf_failed(&b) && b.len <= sizeof e->s) {
                e->len = (unsigned char)b.len;
                e->after_d = f.after_d;
                if (b.len)
                    memcpy(e->s, b.data, b.len);
            }
            buf_free(&b);
        }
    }
}

/* Eight ASCII bytes at once (SWAR): true when w (8 bytes of input) holds
 * no NUL and no byte of 0x80 or above; *low is then w lower-cased. */
static inline bool fold8_ascii(uint64_t w, uint64_t *low)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    if ((w & high) || ((w - ones) & ~w & high))
        return false;
    /* bytes below 0x80: adding cannot carry into the next byte */
    uint64_t ge_a = (w + ones * (0x80 - 'A')) & high;
    uint64_t gt_z = (w + ones * (0x80 - 'Z' - 1)) & high;
    *low = w | ((ge_a & ~gt_z) >> 2); /* 0x80 >> 2 is 0x20: A-Z to a-z */
    return true;
}

/* True when one of the eight bytes of w is 'j'. */
static inline bool has_j8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t x = w ^ (ones * 'j');
    return ((x - ones) & ~x & high) != 0;
}

void utf8_fold(buf *out, const char *s, size_t n)
{
    assert(out);
    assert(s || n == 0);
    folder f = {out, false};
    size_t i = 0;
    bool tabled = false; /* fold2_tab built (pthread_once done) */
    /* Room for the usual output at once (ASCII and most two-byte letters
     * fold to at most as many bytes); the loops below grow it as needed. */
    if (n && !buf_reserve(out, n + 8))
        return;
    while (i < n) {
        /* A run of ASCII other than NUL, the bulk of any text: lower-cased
         * straight into the buffer (fold_cp byte by byte was a tenth of an
         * import's time), eight bytes at a time where they hold no 'j'
         * (callgrind: folding was a quarter of the search helper's
         * instructions byte by byte), with the same rule for the j of
         * "dj". */
        if ((unsigned char)s[i] - 1u < 0x7Fu) {
            if (out->failed || (out->cap - out->len <= n - i + 8 && !buf_reserve(out, n - i + 8)))
                return;
            char *o = out->data + out->len;
            while (i < n) {
                uint64_t w, low;
                if (n - i >= 8) {
                    memcpy(&w, s + i, 8);
                    if (fold8_ascii(w, &low) && !has_j8(low)) {
                        memcpy(o, &low, 8);
                        o += 8;
                        i += 8;
                        f.after_d = o[-1] == 'd';
                        continue;
                    }
                }
                char c = s[i];
                if ((unsigned char)c - 1u >= 0x7Fu)
                    break;
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                i++;
                if (f.after_d && c == 'j')
                    continue; /* still after d: the fold has no "dj" to fold again */
                *o++ = c;
                f.after_d = c == 'd';
            }
            out->len = (size_t)(o - out->data);
            out->data[out->len] = '\0';
            continue;
        }
        unsigned char b0 = (unsigned char)s[i];
        if (b0 >= 0xC2 && b0 <= 0xDF && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            if (!tabled) {
                pthread_once(&fold2_once, fold2_build);
                tabled = true;
            }
            /* a run of two-byte letters, written in place: a buf_append
             * per letter was a third of folding a Cyrillic text
             * (callgrind). Room for the rest of the input and one entry
             * is enough for the whole run (an entry writes at most the
             * two bytes it reads): one check per run, where one per
             * letter was a tenth of the loop's instructions. */
            if (out->failed || (out->cap - out->len <= n - i + sizeof(fold2) &&
                                !buf_reserve(out, n - i + sizeof(fold2))))
                return;
            char *o = out->data + out->len;
            bool slow = false;
            while (i + 1 < n) {
                unsigned c0 = (unsigned char)s[i], c1 = (unsigned char)s[i + 1];
                if (c0 - 0xC2u > 0xDFu - 0xC2u || (c1 & 0xC0) != 0x80)
                    break;
                const fold2 *e = &fold2_tab[f.after_d][(((c0 & 0x1F) << 6) | (c1 & 0x3F)) - 0x80];
                if (e->len == FOLD2_SLOW) {
                    slow = true;
                    break;
                }
                memcpy(o, e, sizeof *e); /* past e->len: overwritten next, or by the NUL */
                o += e->len;
                f.after_d = e->after_d;
                i += 2;
            }
            out->len = (size_t)(o - out->data);
            out->data[out->len] = '\0';
            if (!slow)
                continue; /* ASCII next, or a byte the code below takes */
        }
        uint32_t cp;
        i += decode_lenient(s, n, i, &cp);
        fold_one(&f, cp);
    }
}
