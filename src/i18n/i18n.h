/* i18n.h: UI languages, the message catalog, and locale-aware formatting.
 *
 * Three UI languages: English, Serbian Latin, Serbian Cyrillic. Every
 * user-visible string comes from the catalog in messages.def through T().
 * The language of a request is negotiated from a `lang` parameter, then a
 * cookie, then Accept-Language (i18n_negotiate). Numbers, money and dates
 * are formatted in the reader's language; dates are shown in Europe/Belgrade
 * local time although stored in UTC. */
#ifndef SCAN_I18N_H
#define SCAN_I18N_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef enum { LANG_EN = 0, LANG_SR_LATN, LANG_SR_CYRL, LANG__COUNT } lang_id;

typedef enum {
#define MSG(id, en, sr) MSG_##id,
#include "i18n/messages.def"
#undef MSG
    MSG__COUNT
} msg_id;

/* The catalog tables that catalog.c expands from messages.def, indexed by
 * msg_id: the English text, the Serbian Cyrillic text and the message's ID
 * as a string ("SAVE"). Static data, never freed. For i18n.c and tests;
 * pages call T(). */
extern const char *const i18n_catalog_en[MSG__COUNT];
extern const char *const i18n_catalog_sr_cyrl[MSG__COUNT];
extern const char *const i18n_catalog_key[MSG__COUNT];

/* Builds the derived Serbian Latin catalog. Call once at start-up before
 * any thread calls T(); returns 0, or -1 on OOM. i18n_shutdown() frees it. */
int i18n_init(void);
void i18n_shutdown(void);

/* The message in the given language. Never NULL; the string is owned by the
 * catalog and lives until i18n_shutdown(). */
const char *T(lang_id lang, msg_id id);

/* The BCP 47 tag for <html lang>: "en", "sr-Latn", "sr-Cyrl". */
const char *i18n_tag(lang_id lang);
/* The language's own name for the language switch ("English", "Srpski",
 * "Српски"). */
const char *i18n_name(lang_id lang);
/* Parses a tag as used in ?lang= and the cookie: "en", "sr-Latn",
 * "sr-Cyrl" (case-insensitive; "sr" alone means Cyrillic, "sr-RS"
 * Cyrillic, "sr-Latn-RS" Latin, "en-*" English). False if unknown or
 * malformed (tag NULL, empty subtags, other scripts); *out is then left
 * alone. */
bool i18n_parse(const char *tag, lang_id *out);
/* The request language: param if it parses, else cookie, else the best
 * Accept-Language entry by q-value that parses, else English. Any argument
 * may be NULL. Accept-Language elements that are malformed (including a
 * bad q such as "q=abc"), have q=0 or name a language we do not serve are
 * skipped; among equal q the earlier element wins. */
lang_id i18n_negotiate(const char *param, const char *cookie, const char *accept_language);

/* Appends an integer with the language's grouping: 1,234,567 (en) or
 * 1.234.567 (sr). */
void i18n_fmt_int(buf *out, lang_id lang, int64_t v);
/* Appends an amount given in minor units (cents) with two decimals and the
 * currency code after it: "1,234.50 EUR" / "1.234,50 EUR". When
 * whole_only, the decimals are omitted (rounded toward zero). */
void i18n_fmt_money(buf *out, lang_id lang, int64_t minor, const char *currency, bool whole_only);
/* Appends a UTC Unix time as a Europe/Belgrade local date: "26 Nov 2026"
 * (en), "26. 11. 2026." (sr); "?" for a time localtime_r() cannot break
 * down. */
void i18n_fmt_date(buf *out, lang_id lang, int64_t unix_utc);
/* Same with the local time of day: "26 Nov 2026 14:05" / "26. 11. 2026. 14:05". */
void i18n_fmt_datetime(buf *out, lang_id lang, int64_t unix_utc);
/* Serbian plural category for n: 0 = one (1, 21, 31... not 11), 1 = few
 * (2-4, 22-24... not 12-14), 2 = many (everything else). English uses
 * 0 for n == 1, else 2. A negative n takes the form of |n|. */
int i18n_plural_form(lang_id lang, int64_t n);

#endif
