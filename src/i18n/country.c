/* country.c: country names by ISO 3166-1 alpha-2 code (country.h), a
 * sorted table generated from iso-codes (country_table.h) searched by
 * bisection. */
#include "i18n/country.h"

#include <string.h>

typedef struct country_row {
    char code[3];
    const char *name[LANG__COUNT];
} country_row;

static const country_row countries[] = {
#define COUNTRY(code, en, sr_cyrl, sr_latn)                                                        \
    {code, {[LANG_EN] = en, [LANG_SR_LATN] = sr_latn, [LANG_SR_CYRL] = sr_cyrl}},
#include "i18n/country_table.h"
#undef COUNTRY
};

#define N_COUNTRIES (sizeof countries / sizeof countries[0])

const char *country_name(lang_id lang, const char *code)
{
    if (!code || strlen(code) != 2 || (unsigned)lang >= LANG__COUNT)
        return NULL;
    size_t lo = 0, hi = N_COUNTRIES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(countries[mid].code, code);
        if (c == 0)
            return countries[mid].name[lang];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool country_code_known(const char *code)
{
    return country_name(LANG_EN, code) || (code && strcmp(code, "XK") == 0);
}

size_t country_count(void)
{
    return N_COUNTRIES;
}

const char *country_code_at(size_t i)
{
    return i < N_COUNTRIES ? countries[i].code : NULL;
}
