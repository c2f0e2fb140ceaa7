/* diff.h: the difference between two versions of a text, word by word
 * (positions' versions, issue 16; any later "what changed" view).
 *
 * The texts are cut into tokens: a run of letters and digits (any script:
 * every byte of a multi-byte UTF-8 sequence counts as a letter), a run of
 * white space, or one other character. The shortest edit script between
 * the two token sequences (Myers' O(ND) algorithm, after the common start
 * and end are set aside) comes back as pieces: unchanged, deleted (from
 * a) or inserted (from b), in reading order, neighbours of the same kind
 * merged. When the texts differ in more than DIFF_MAX_EDITS tokens the
 * middle is reported as one deletion and one insertion rather than
 * spending quadratic memory on it.
 *
 * Why by hand: Debian has no C library for sequence diffs (libxdiff is
 * not packaged; dtl is C++), and the algorithm is one page. */
#ifndef SCAN_DIFF_H
#define SCAN_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define DIFF_MAX_EDITS 2000

typedef enum { DIFF_SAME = 0, DIFF_DEL, DIFF_INS } diff_kind;

typedef struct diff_piece {
    diff_kind kind;
    const char *s; /* into a for DIFF_DEL, into b for DIFF_SAME and DIFF_INS */
    size_t n;
} diff_piece;

/* The pieces that turn a[0..an) into b[0..bn), in *out (arena array of
 * *n pieces). False on OOM (the arena's). Joining the SAME and DEL
 * pieces gives a; joining SAME and INS gives b. */
bool diff_words(arena *ar, const char *a, size_t an, const char *b, size_t bn, diff_piece **out,
                size_t *n);

#endif
