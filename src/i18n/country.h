/* country.h: the names of countries (ISO 3166-1 alpha-2 codes) in the
 * three UI languages, for every place a country code is shown to a person
 * (a call's eligibility, filters, profiles). CSV and the API keep codes.
 *
 * The names are data generated from Debian's iso-codes (LGPL-2.1+) by
 * tools/gen_countries.py into country_table.h (committed; the build does
 * not need iso-codes). Serbian Latin names are iso-codes' sr@latin
 * translation, not a transliteration of the Cyrillic. */
#ifndef SCAN_COUNTRY_H
#define SCAN_COUNTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "i18n/i18n.h"

/* The name of the country with ISO 3166-1 alpha-2 code (two upper-case
 * letters) in lang: static text, or NULL when code is NULL or no country
 * has it (a code the validators let through but ISO does not assign,
 * "XK" for one: callers then show the code). */
const char *country_name(lang_id lang, const char *code);

/* Whether code may stand for a country in the data: an ISO 3166-1
 * alpha-2 code the table holds, or "XK", the code the European
 * Commission's programmes use for Kosovo. Two upper-case letters alone
 * would let "ZZ" through, which names no one. */
bool country_code_known(const char *code);

/* How many countries the table holds, and the code of the i-th (sorted
 * by code; i < country_count()), for lists and tests. */
size_t country_count(void);
const char *country_code_at(size_t i);

#endif
