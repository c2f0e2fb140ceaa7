/* diff.c: word-level difference of two texts (see diff.h): tokens, the
 * common start and end set aside, Myers' greedy O(ND) search with its
 * trace kept per edit distance, a walk back for the matched tokens, then
 * segments (unchanged or changed ranges of both texts) turned into
 * pieces. */
#include "core/diff.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

typedef struct tok {
    const char *s;
    size_t n;
    uint32_t h;
} tok;

enum { C_WORD, C_SPACE, C_OTHER };

static int byte_class(unsigned char c)
{
    if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return C_WORD;
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return C_SPACE;
    return C_OTHER;
}

static bool tokenize(arena *ar, const char *s, size_t n, tok **out, size_t *count)
{
    size_t cap = 0, len = 0;
    tok *v = NULL;
    for (size_t i = 0; i < n;) {
        int c = byte_class((unsigned char)s[i]);
        size_t j = i + 1;
        if (c != C_OTHER)
            while (j < n && byte_class((unsigned char)s[j]) == c)
                j++;
        if (!arena_grow(ar, (void **)&v, len, &cap, sizeof *v))
            return false;
        uint32_t h = 2166136261u; /* FNV-1a */
        for (size_t k = i; k < j; k++)
            h = (h ^ (unsigned char)s[k]) * 16777619u;
        v[len++] = (tok){s + i, j - i, h};
        i = j;
    }
    *out = v;
    *count = len;
    return true;
}

static bool same(const tok *x, const tok *y)
{
    return x->h == y->h && x->n == y->n && memcmp(x->s, y->s, x->n) == 0;
}

/* A range of tokens of each text, unchanged or changed. */
typedef struct seg {
    bool changed;
    size_t a0, a1, b0, b1;
} seg;

typedef struct segs {
    arena *ar;
    seg *v;
    size_t n, cap;
} segs;

/* Appends the range, merged into the last one when of the same kind. */
static bool seg_add(segs *g, bool changed, size_t a0, size_t a1, size_t b0, size_t b1)
{
    if (a0 == a1 && b0 == b1)
        return true;
    if (g->n && g->v[g->n - 1].changed == changed) {
        g->v[g->n - 1].a1 = a1;
        g->v[g->n - 1].b1 = b1;
        return true;
    }
    if (!arena_grow(g->ar, (void **)&g->v, g->n, &g->cap, sizeof *g->v))
        return false;
    g->v[g->n++] = (seg){changed, a0, a1, b0, b1};
    return true;
}

/* Myers' search over A[0..N) and B[0..M) (the middle, already offset).
 * Fills match[x] with the B index matched to A[x], or SIZE_MAX. False
 * when more than DIFF_MAX_EDITS edits are needed (match untouched) or on
 * OOM (*oom set). */
static bool myers(arena *ar, const tok *A, size_t N, const tok *B, size_t M, size_t *match,
                  bool *oom)
{
    size_t max = N + M < DIFF_MAX_EDITS ? N + M : DIFF_MAX_EDITS;
    long off = (long)max + 1;
    long *V = arena_alloc(ar, (2 * max + 3) * sizeof *V);
    long **trace = arena_alloc(ar, (max + 1) * sizeof *trace);
    if (!V || !trace) {
        *oom = true;
        return false;
    }
    V[off + 1] = 0;
    long D = -1;
    for (long d = 0; d <= (long)max && D < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && V[off + k - 1] < V[off + k + 1])) ? V[off + k + 1]
                                                                              : V[off + k - 1] + 1;
            long y = x - k;
            while (x < (long)N && y < (long)M && same(&A[x], &B[y]))
                x++, y++;
            V[off + k] = x;
            if (x >= (long)N && y >= (long)M) {
                D = d;
                break;
            }
        }
        /* V[-d..d] as it stands after step d */
        trace[d] = arena_alloc(ar, (size_t)(2 * d + 1) * sizeof **trace);
        if (!trace[d]) {
            *oom = true;
            return false;
        }
        memcpy(trace[d], V + off - d, (size_t)(2 * d + 1) * sizeof **trace);
    }
    if (D < 0)
        return false;
    for (size_t i = 0; i < N; i++)
        match[i] = SIZE_MAX;
    long x = (long)N, y = (long)M;
    for (long d = D; d > 0; d--) {
        const long *v = trace[d - 1] + (d - 1); /* v[k] for k in -(d-1)..d-1 */
        long k = x - y;
        bool down = k == -d || (k != d && v[k - 1] < v[k + 1]);
        long pk = down ? k + 1 : k - 1;
        long px = v[pk], py = px - pk;
        long sx = down ? px : px + 1; /* where the snake into (x, y) starts */
        while (x > sx) {
            x--, y--;
            match[x] = (size_t)y;
        }
        x = px, y = py;
    }
    while (x > 0) { /* the snake of d = 0 */
        x--, y--;
        match[x] = (size_t)y;
    }
    return true;
}

static bool all_space(const tok *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (byte_class((unsigned char)t[i].s[0]) != C_SPACE)
            return false;
    return true;
}

static const char *tok_end(const tok *t, size_t n, size_t i, const char *s)
{
    return i < n ? t[i].s : s;
}

bool diff_words(arena *ar, const char *a, size_t an, const char *b, size_t bn, diff_piece **out,
                size_t *n)
{
    assert(ar && out && n);
    *out = NULL;
    *n = 0;
    tok *ta, *tb;
    size_t na, nb;
    if (!tokenize(ar, a ? a : "", a ? an : 0, &ta, &na) ||
        !tokenize(ar, b ? b : "", b ? bn : 0, &tb, &nb))
        return false;
    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && same(&ta[pre], &tb[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && same(&ta[na - 1 - suf], &tb[nb - 1 - suf]))
        suf++;
    size_t N = na - pre - suf, M = nb - pre - suf;

    segs g = {.ar = ar};
    if (!seg_add(&g, false, 0, pre, 0, pre))
        return false;
    size_t *match = N ? arena_alloc(ar, N * sizeof *match) : NULL;
    bool oom = N && !match;
    if (!oom && N && M && myers(ar, ta + pre, N, tb + pre, M, match, &oom)) {
        size_t ia = 0, ib = 0;
        for (size_t x = 0; x < N; x++) {
            if (match[x] == SIZE_MAX)
                continue;
            if (!seg_add(&g, true, pre + ia, pre + x, pre + ib, pre + match[x]) ||
                !seg_add(&g, false, pre + x, pre + x + 1, pre + match[x], pre + match[x] + 1))
                return false;
            ia = x + 1;
            ib = match[x] + 1;
        }
        if (!seg_add(&g, true, pre + ia, pre + N, pre + ib, pre + M))
            return false;
    } else if (oom || !seg_add(&g, true, pre, pre + N, pre, pre + M)) {
        return false;
    }
    if (!seg_add(&g, false, na - suf, na, nb - suf, nb))
        return false;

    /* white space alone between two changes joins them: "a b c" -> "x y z"
     * reads as one replacement, not three */
    size_t w = 0;
    for (size_t i = 0; i < g.n; i++) {
        seg s = g.v[i];
        if (!s.changed && w && g.v[w - 1].changed && i + 1 < g.n && all_space(tb, s.b0, s.b1)) {
            g.v[w - 1].a1 = s.a1, g.v[w - 1].b1 = s.b1;
            continue;
        }
        if (s.changed && w && g.v[w - 1].changed) {
            g.v[w - 1].a1 = s.a1, g.v[w - 1].b1 = s.b1;
            continue;
        }
        g.v[w++] = s;
    }

    diff_piece *p = arena_alloc(ar, (2 * w + 1) * sizeof *p);
    if (!p)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < w; i++) {
        seg s = g.v[i];
        if (!s.changed) {
            const char *from = tb[s.b0].s;
            p[k++] = (diff_piece){DIFF_SAME, from, (size_t)(tok_end(tb, nb, s.b1, b + bn) - from)};
            continue;
        }
        if (s.a1 > s.a0) {
            const char *from = ta[s.a0].s;
            p[k++] = (diff_piece){DIFF_DEL, from, (size_t)(tok_end(ta, na, s.a1, a + an) - from)};
        }
        if (s.b1 > s.b0) {
            const char *from = tb[s.b0].s;
            p[k++] = (diff_piece){DIFF_INS, from, (size_t)(tok_end(tb, nb, s.b1, b + bn) - from)};
        }
    }
    *out = p;
    *n = k;
    return true;
}
