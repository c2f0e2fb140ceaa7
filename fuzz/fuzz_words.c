/* fuzz_words: match_words() (the words the cooperation board matches on:
 * utf8_fold, then words of 3..40 bytes minus function words) on arbitrary
 * bytes, split at NUL bytes into up to four texts (an empty piece is a NULL
 * text, as a post without a translation). Checks: no memory errors or UB
 * (ASan/UBSan); at most MATCH_MAX_WORDS words, each 3..40 bytes of valid
 * UTF-8 whose ASCII bytes are only [a-z0-9], not digits alone, distinct;
 * the same input gives the same words; and the words are a fixed point:
 * matching their own space-joined text gives them again, in order (a word
 * stored in post_word is found again by a post that uses it). Violations
 * abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "model/match.h"

static void check(const char **w, size_t n)
{
    if (n > MATCH_MAX_WORDS)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(w[i]);
        if (len < 3 || len > 40 || !utf8_valid(w[i], len, false))
            abort();
        bool digits = true;
        for (const unsigned char *p = (const unsigned char *)w[i]; *p; p++) {
            if (*p < 0x80 && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
                abort();
            digits &= *p >= '0' && *p <= '9';
        }
        if (digits)
            abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(w[k], w[i]) == 0)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    const char *texts[4] = {NULL, NULL, NULL, NULL};
    size_t n_texts = 0;
    for (size_t i = 0; n_texts < 4;) {
        size_t len = strlen(in + i);
        texts[n_texts++] = len ? in + i : NULL;
        i += len + 1;
        if (i > size)
            break;
    }
    const char **w = NULL, **w2 = NULL, **w3 = NULL;
    size_t n = 0, n2 = 0, n3 = 0;
    if (!match_words(&a, texts, n_texts, &w, &n))
        abort(); /* a small input never exhausts the arena */
    check(w, n);
    if (!match_words(&a, texts, n_texts, &w2, &n2) || n2 != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i], w2[i]) != 0)
            abort();
    buf j = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&j, "%s%s", i ? " " : "", w[i]);
    const char *joined = buf_str(&j);
    if (buf_failed(&j) || !match_words(&a, &joined, 1, &w3, &n3) || n3 != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i], w3[i]) != 0)
            abort();
    buf_free(&j);
    free(in);
    arena_free(&a);
    return 0;
}
