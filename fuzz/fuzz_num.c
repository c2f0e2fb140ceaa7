/* fuzz_num: num_parse() (core/num.c) on arbitrary bytes with 0, 2 and 3
 * decimals. Checks: no memory errors or UB (ASan/UBSan); on NUM_OK the value
 * is the input's digits read as one number (separators dropped) scaled to
 * the decimals asked, with the input's sign; on NUM_AMBIGUOUS the input is
 * 1-3 digits, one '.' or ',', three digits, and the value is those digits.
 * Violations abort(). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1); /* heap copy: ASan sees reads past the end */
    if (!s)
        return 0;
    memcpy(s, data, size);
    static const int decimals[] = {0, 2, 3};
    for (size_t k = 0; k < sizeof decimals / sizeof decimals[0]; k++) {
        int64_t v = 0;
        num_status st = num_parse(s, size, decimals[k], &v);
        if (st != NUM_OK && st != NUM_AMBIGUOUS)
            continue;
        /* the digits, the decimal separator's position among them */
        __int128 digits = 0;
        size_t n_digits = 0, n_seps = 0, significant = 0;
        bool neg = size > 0 && s[0] == '-';
        for (size_t i = neg ? 1 : 0; i < size; i++) {
            if (s[i] >= '0' && s[i] <= '9') {
                if (digits == 0 && s[i] == '0') {
                    n_digits++; /* a leading zero adds nothing */
                    continue;
                }
                digits = digits * 10 + (s[i] - '0');
                if (++significant > 20)
                    abort(); /* an int64 has 19 digits: this was NUM_RANGE */
                n_digits++;
            } else {
                n_seps++;
            }
        }
        if (st == NUM_AMBIGUOUS) {
            if (n_seps != 1 || n_digits < 4 || n_digits > 6 || (neg ? -digits : digits) != v)
                abort();
            continue;
        }
        /* scaled: the fraction digits are the ones after a decimal separator;
         * v / 10^decimals must equal the digits up to that scale */
        __int128 want = neg ? -(__int128)v : (__int128)v;
        if (want < 0)
            abort();
        /* digits * 10^(decimals - frac) == |v| for some frac in 0..decimals */
        bool match = false;
        __int128 p = 1;
        for (int f = decimals[k]; f >= 0; f--, p *= 10)
            if (digits * p == want)
                match = true;
        if (!match)
            abort();
    }
    free(s);
    return 0;
}
