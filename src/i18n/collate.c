/* collate.c: Serbian sort keys through ICU (see collate.h).
 *
 * ICU (Debian libicu-dev) carries CLDR's Serbian tailorings for both
 * scripts; writing the azbuka and abeceda orders by hand would get the
 * digraphs, diacritics and everything that is not a Serbian letter wrong
 * in ways ICU already solved. What ICU does not have is Serbian
 * transliteration from Latin to Cyrillic (its generic Latin-Cyrillic
 * transform maps "j" to "й"), so that one table is here. */
#include "i18n/collate.h"

#include <pthread.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include "core/utf8.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static UCollator *g_coll[2]; /* opened once, read by every thread, never closed */

static void open_collators(void)
{
    UErrorCode e = U_ZERO_ERROR;
    g_coll[COLLATE_LATN] = ucol_open("sr_Latn", &e);
    if (U_FAILURE(e))
        g_coll[COLLATE_LATN] = NULL;
    e = U_ZERO_ERROR;
    g_coll[COLLATE_CYRL] = ucol_open("sr", &e);
    if (U_FAILURE(e))
        g_coll[COLLATE_CYRL] = NULL;
}

/* Serbian Latin lower-case letters to Cyrillic code points; the digraphs
 * lj, nj, dž are handled before this table. */
static uint32_t lat_letter(uint32_t lc)
{
    static const uint32_t ascii[26] = {
        0x430, 0x431, 0x446, 0x434, 0x435, 0x444, 0x433, 0x445, 0x438, 0x458, 0x43A, 0x43B, 0x43C,
        0x43D, 0x43E, 0x43F, 0,     0x440, 0x441, 0x442, 0x443, 0x432, 0,     0,     0,     0x437,
    }; /* a b c d e f g h i j k l m n o p q r s t u v w x y z: q w x y have none */
    if (lc >= 'a' && lc <= 'z')
        return ascii[lc - 'a'];
    switch (lc) {
    case 0x10D: /* č */
        return 0x447;
    case 0x107: /* ć */
        return 0x45B;
    case 0x111: /* đ */
        return 0x452;
    case 0x161: /* š */
        return 0x448;
    case 0x17E: /* ž */
        return 0x436;
    }
    return 0;
}

/* Lower-cases a Serbian Latin capital (ASCII, Č Ć Đ Š Ž); *upper says
 * whether it was one. */
static uint32_t lat_lower(uint32_t cp, bool *upper)
{
    *upper = true;
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    switch (cp) {
    case 0x10C: /* Č */
    case 0x106: /* Ć */
    case 0x110: /* Đ */
    case 0x160: /* Š */
    case 0x17D: /* Ž */
        return cp + 1;
    }
    *upper = false;
    return cp;
}

/* The capital of a Cyrillic lower-case letter: а..я are 0x20 above А..Я,
 * ђ..џ 0x50 above Ђ..Џ. */
static uint32_t cyr_upper(uint32_t cp)
{
    return cp >= 0x450 ? cp - 0x50 : cp - 0x20;
}

void collate_lat_to_cyr(buf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp, next = 0;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len <= 0) {
            utf8_put(out, 0xFFFD);
            i++;
            continue;
        }
        int next_len =
            i + (size_t)len < n ? utf8_decode(s + i + len, n - i - (size_t)len, &next) : 0;
        bool upper, next_upper;
        uint32_t lc = lat_lower(cp, &upper);
        uint32_t next_lc = next_len > 0 ? lat_lower(next, &next_upper) : 0;
        uint32_t cyr = 0;
        int used = len;
        if ((lc == 'l' || lc == 'n') && next_lc == 'j') {
            cyr = lc == 'l' ? 0x459 : 0x45A; /* љ њ */
            used += next_len;
        } else if (lc == 'd' && next_lc == 0x17E) {
            cyr = 0x45F; /* џ */
            used += next_len;
        } else {
            cyr = lat_letter(lc);
        }
        if (cyr)
            utf8_put(out, upper ? cyr_upper(cyr) : cyr);
        else
            buf_append(out, s + i, (size_t)len);
        i += (size_t)used;
    }
}

bool collate_key(buf *out, collate_script script, const char *s, size_t n)
{
    pthread_once(&g_once, open_collators);
    const UCollator *c = g_coll[script == COLLATE_CYRL ? COLLATE_CYRL : COLLATE_LATN];
    if (!c)
        return false;
    buf text = BUF_INIT, wide = BUF_INIT;
    bool ok = false;
    if (script == COLLATE_CYRL)
        collate_lat_to_cyr(&text, s, n);
    else
        utf8_cyr_to_lat(&text, s, n);
    if (buf_failed(&text) || text.len > (size_t)INT32_MAX / 4)
        goto cleanup;
    /* ICU collates UTF-16; a malformed byte becomes U+FFFD */
    int32_t units = 0;
    UErrorCode e = U_ZERO_ERROR;
    if (!buf_reserve(&wide, (text.len + 1) * sizeof(UChar)))
        goto cleanup;
    u_strFromUTF8WithSub((UChar *)wide.data, (int32_t)(text.len + 1), &units,
                         text.len ? text.data : "", (int32_t)text.len, 0xFFFD, NULL, &e);
    if (U_FAILURE(e))
        goto cleanup;
    int32_t room = 32 + units * 4;
    for (int tries = 0; tries < 2; tries++) {
        if (!buf_reserve(out, (size_t)room))
            goto cleanup;
        int32_t need = ucol_getSortKey(c, (const UChar *)wide.data, units,
                                       (uint8_t *)out->data + out->len, room);
        if (need <= 0)
            goto cleanup;
        if (need <= room) {
            out->len += (size_t)need - 1; /* the key ends in a NUL that is not part of it */
            ok = true;
            break;
        }
        room = need;
    }
cleanup:
    buf_free(&text);
    buf_free(&wide);
    return ok;
}

int collate_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}
