/* figures_internal.h: what figures.c (one organisation's figures, rates,
 * writes) and figures_total.c (the totals built from them) share. Not for
 * other modules: they use figures.h. */
#ifndef SCAN_FIGURES_INTERNAL_H
#define SCAN_FIGURES_INTERNAL_H

#include <stdint.h>

#define FIG_YEAR_MIN 1990
#define FIG_YEAR_MAX 2100 /* the column's CHECK */

/* num / den rounded half away from zero (half up for the non-negative
 * values this module divides), clamped to int64_t; den > 0. */
int64_t figures_div_round(__int128 num, __int128 den);
/* num / den in basis points, rounded half up; den > 0. */
int64_t figures_ratio_bp(int64_t num, int64_t den);

#endif
