/* match_words.c: the words matching compares (match_words in match.h):
 * the distinct folded words of a post's texts, minus function words. Pure
 * apart from the arena (no database), so fuzz/fuzz_words.c fuzzes it alone;
 * match.c and post.c call it. */
#include <stdbool.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "model/match.h"

/* Function words that say nothing about what a post is about, folded. */
static const char *const stopwords[] = {
    /* English */
    "and", "the", "for", "with", "from", "that", "this", "are", "our", "your", "you", "who", "will",
    "have", "has", "can", "not", "all", "any", "also", "into", "its", "their", "they", "was",
    "were", "been", "but", "per", "via", "over", "more", "other", "such", "which", "what", "need",
    "looking", "offer", "offers", "request", "seek", "seeking", "partner", "partners", "company",
    "companies",
    /* filler that linked posts on its own (review of issue 13) */
    "small", "large", "new", "parts", "part", "work", "works", "service", "services", "product",
    "products", "help", "support", "good", "high", "quality", "based", "use", "used", "using",
    /* Serbian, folded (either script) */
    "ili", "kao", "koji", "koja", "koje", "koji", "smo", "ste", "sam", "sto", "sta", "jer", "ali",
    "ako", "vec", "bez", "kod", "nam", "vam", "nas", "vas", "nasa", "nase", "nasi", "nasu", "svoj",
    "svoje", "za", "sa", "iz", "od", "do", "na", "po", "pri", "uz", "preko", "trazimo", "nudimo",
    "potreban", "potrebna", "potrebno", "partnera", "partner", "firma", "firme", "kompanija",
    "kompanije", "ima", "imamo", "biti", "moze", "mogu", "jos", "samo", "oko", "koju", "kojih",
    "kojima", "ovo", "ova", "ove", "ovaj", "taj", "ta", "to", "te", "ti", NULL};

static bool is_stopword(const char *w, size_t n)
{
    for (size_t i = 0; stopwords[i]; i++)
        if (strlen(stopwords[i]) == n && memcmp(stopwords[i], w, n) == 0)
            return true;
    return false;
}

static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

bool match_words(arena *a, const char *const *texts, size_t n_texts, const char ***words,
                 size_t *n_words)
{
    *words = NULL;
    *n_words = 0;
    const char **out = arena_alloc(a, MATCH_MAX_WORDS * sizeof *out);
    if (!out)
        return false;
    size_t n = 0;
    buf f = BUF_INIT;
    bool ok = true;
    for (size_t t = 0; t < n_texts && n < MATCH_MAX_WORDS; t++) {
        if (!texts[t])
            continue;
        buf_reset(&f);
        utf8_fold(&f, texts[t], strlen(texts[t]));
        if (buf_failed(&f)) {
            ok = false;
            break;
        }
        const char *s = buf_str(&f);
        size_t len = f.len;
        for (size_t i = 0; i < len && n < MATCH_MAX_WORDS;) {
            while (i < len && !is_word_byte((unsigned char)s[i]))
                i++;
            size_t start = i;
            bool digits = true;
            while (i < len && is_word_byte((unsigned char)s[i])) {
                digits &= s[i] >= '0' && s[i] <= '9';
                i++;
            }
            size_t wn = i - start;
            if (wn < 3 || wn > 40 || digits || is_stopword(s + start, wn))
                continue;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strlen(out[k]) == wn && memcmp(out[k], s + start, wn) == 0;
            if (seen)
                continue;
            out[n] = arena_strndup(a, s + start, wn);
            if (!out[n]) {
                ok = false;
                break;
            }
            n++;
        }
    }
    buf_free(&f);
    if (!ok)
        return false;
    *words = out;
    *n_words = n;
    return true;
}

/* A byte that separates words as written: ASCII that is neither a letter
 * nor a digit (the folded text's rule, before folding lowers the case). */
static bool is_written_sep(unsigned char c)
{
    return c < 0x80 &&
           !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

const char *match_word_as_written(arena *a, const char *const *texts, size_t n_texts,
                                  const char *folded)
{
    size_t fn = strlen(folded);
    buf f = BUF_INIT;
    const char *found = NULL;
    for (size_t t = 0; t < n_texts && !found; t++) {
        const char *s = texts[t];
        for (size_t i = 0; s && s[i] && !found;) {
            while (s[i] && is_written_sep((unsigned char)s[i]))
                i++;
            size_t start = i;
            while (s[i] && !is_written_sep((unsigned char)s[i]))
                i++;
            if (i == start)
                continue;
            buf_reset(&f);
            utf8_fold(&f, s + start, i - start);
            if (!buf_failed(&f) && f.len == fn && memcmp(buf_str(&f), folded, fn) == 0)
                found = arena_strndup(a, s + start, i - start);
        }
    }
    buf_free(&f);
    return found ? found : folded;
}
