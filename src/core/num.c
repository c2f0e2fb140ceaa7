/* num.c: numbers typed in either the Serbian or the English habit (see
 * num.h for the rules). Written by hand: strtod is floating point and
 * locale-bound, and no Debian library reads both grouping habits exactly;
 * the rules fit on one screen. */
#include "core/num.h"

#include <assert.h>
#include <stdbool.h>

enum { NUM_MAX_RUNS = 32 };

/* The separator starting at s (n bytes left): its width in bytes, or 0.
 * Spaces of every width become ' '. */
static size_t sep_at(const char *s, size_t n, char *kind)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '.' || c == ',' || c == ' ' || c == '\'') {
        *kind = c == '\'' ? ' ' : (char)c; /* an apostrophe groups like a space */
        return 1;
    }
    if (n >= 2 && c == 0xC2 && (unsigned char)s[1] == 0xA0) { /* U+00A0 */
        *kind = ' ';
        return 2;
    }
    if (n >= 3 && c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF) {
        *kind = ' '; /* U+202F narrow no-break space */
        return 3;
    }
    return 0;
}

/* Appends the len digits at d to *acc (a magnitude); false past limit. */
static bool add_digits(uint64_t *acc, const char *d, size_t len, uint64_t limit)
{
    for (size_t k = 0; k < len; k++) {
        unsigned dig = (unsigned)(d[k] - '0');
        if (*acc > (limit - dig) / 10)
            return false;
        *acc = *acc * 10 + dig;
    }
    return true;
}

num_status num_parse(const char *s, size_t n, int decimals, int64_t *out)
{
    assert(s || n == 0);
    assert(decimals >= 0 && decimals <= 6);
    size_t i = 0;
    bool neg = n > 0 && s[0] == '-';
    if (neg)
        i = 1;

    /* runs of digits, each but the last followed by one separator */
    size_t start[NUM_MAX_RUNS], len[NUM_MAX_RUNS];
    char sep[NUM_MAX_RUNS];
    size_t n_runs = 0;
    for (;;) {
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == st || n_runs == NUM_MAX_RUNS)
            return NUM_BAD; /* empty, a leading, doubled or trailing separator */
        start[n_runs] = st;
        len[n_runs] = i - st;
        n_runs++;
        if (i == n)
            break;
        size_t w = sep_at(s + i, n - i, &sep[n_runs - 1]);
        if (w == 0)
            return NUM_BAD;
        i += w;
    }
    size_t n_seps = n_runs - 1;

    /* is the last separator the decimal one? */
    bool has_frac = false;
    if (n_seps > 0) {
        char last = sep[n_seps - 1];
        size_t same = 0;
        for (size_t k = 0; k < n_seps; k++)
            same += sep[k] == last;
        if ((last == '.' || last == ',') && same == 1) {
            bool could_group = len[0] <= 3 && s[start[0]] != '0' && len[1] == 3;
            if (n_seps > 1 || !could_group) {
                has_frac = true;
            } else {
                int64_t v = 0; /* at most six digits: no overflow */
                for (size_t k = 0; k < 2; k++)
                    for (size_t j = 0; j < len[k]; j++)
                        v = v * 10 + (s[start[k] + j] - '0');
                *out = neg ? -v : v;
                return NUM_AMBIGUOUS;
            }
        }
    }

    /* the whole part: one run, or thousands groups of one kind */
    size_t n_whole = has_frac ? n_runs - 1 : n_runs;
    if (n_whole > 1) {
        if (len[0] > 3 || s[start[0]] == '0')
            return NUM_BAD;
        for (size_t k = 1; k < n_whole; k++)
            if (len[k] != 3 || sep[k - 1] != sep[0])
                return NUM_BAD;
    }
    size_t frac_len = has_frac ? len[n_runs - 1] : 0;
    if (frac_len > (size_t)decimals)
        return NUM_DECIMALS;

    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (size_t k = 0; k < n_whole; k++)
        if (!add_digits(&v, s + start[k], len[k], limit))
            return NUM_RANGE;
    if (frac_len > 0 && !add_digits(&v, s + start[n_runs - 1], frac_len, limit))
        return NUM_RANGE;
    for (size_t k = frac_len; k < (size_t)decimals; k++)
        if (!add_digits(&v, "0", 1, limit))
            return NUM_RANGE;
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return NUM_OK;
}
