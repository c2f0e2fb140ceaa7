/* match.h: matching on the cooperation board: for a post, the posts of the
 * opposite kind and the organisation profiles that fit it, each with a
 * score and the reasons for it (issue 13, "Matching").
 *
 * The scoring function (match_score) is the whole definition of a good
 * match; everything else picks candidates fast and counts what they share:
 *
 *   score = 30 x shared NACE divisions
 *         + 20 x shared FOS fields
 *         + 10 x shared regions or districts (at most 2 count)
 *         + 12 x shared words (at most 6 count)
 *         + 15 when the two organisations share no current cluster and
 *              the rest is above 0 (the board is for cooperation ACROSS
 *              clusters)
 *
 * Words are the distinct folded words (utf8_fold: Cyrillic, Latin and
 * ASCII alike, "Фирмвер" = "firmver", "Niš" = "nis") of 3..40 bytes of a
 * post's title and text in both languages, minus a short list of function
 * words in English and Serbian; at most MATCH_MAX_WORDS per post. The
 * author's own organisation (its posts and its profile) is never matched.
 *
 * Candidates come from inverted indexes, never from a scan: for every code
 * and word of the subject, the newest MATCH_PER_LIST posts (or
 * organisations) holding it (post_nace, post_fos, post_geo, post_word;
 * org_sector, org_fos, org.region/district, org_geo), each posting adding
 * to its candidate's counts in a hash table; the best by score before the
 * cluster bonus get the bonus check, and the best of those are the
 * matches. So the cost is bounded by the subject's codes and words, not by
 * the size of the board (bench/cooperation.sh measures it at 100,000
 * posts). Organisation profiles match on codes and regions only (their
 * text is the directory's search index, not this one). */
#ifndef SCAN_MATCH_H
#define SCAN_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

#define MATCH_W_NACE     30
#define MATCH_W_FOS      20
#define MATCH_W_GEO      10
#define MATCH_MAX_GEO    2
#define MATCH_W_WORD     12
#define MATCH_MAX_SHARED 6
#define MATCH_W_CROSS    15
#define MATCH_MAX_CODES  20 /* per kind of code on one post */
#define MATCH_MAX_WORDS  48
#define MATCH_PER_LIST   250 /* postings read per code or word */
#define MATCH_KEEP_POSTS 20  /* matches stored per post */
#define MATCH_KEEP_ORGS  10

/* The documented scoring function above, from the counts of what two
 * sides share. Pure. */
int match_score(size_t n_nace, size_t n_fos, size_t n_geo, size_t n_words, bool cross_cluster);

/* The matching words of texts[0..n_texts) (NULL entries skipped), folded,
 * distinct, in order of first appearance, at most MATCH_MAX_WORDS; *words
 * is an arena array of arena strings. False when the arena ran out. */
bool match_words(arena *a, const char *const *texts, size_t n_texts, const char ***words,
                 size_t *n_words);

/* How folded word folded (from match_words) is written in texts[0..n): the
 * first word there whose fold is folded, as written (so a reader sees
 * "Niš" or "Ниш", not "nis"); folded itself when none is (a word of the
 * other post only, or one that punctuation joined). Arena-allocated. */
const char *match_word_as_written(arena *a, const char *const *texts, size_t n_texts,
                                  const char *folded);

/* What to match: the subject's codes and words and whom to leave out. */
typedef struct match_subject {
    int64_t post_id;         /* the subject post, never its own match (0: none) */
    int64_t org_id;          /* the author organisation: never matched */
    const char *want_kind;   /* kind of posts to find: "offer" or "request" */
    const char *today;       /* YYYY-MM-DD: posts valid until before it are expired */
    const char *const *nace; /* NACE divisions */
    size_t n_nace;
    const char *const *fos;
    size_t n_fos;
    const char *const *geo; /* ref_geo codes: 'RS', 'R-..', 'D-..' */
    size_t n_geo;
    const char *const *words; /* from match_words */
    size_t n_words;
} match_subject;

/* One match with its reasons: the shared codes and words (arena). */
typedef struct match_hit {
    int64_t post_id; /* the matching post, 0 for an organisation profile */
    int64_t org_id;  /* the matching post's organisation, or the profile */
    int score;
    bool cross_cluster; /* the two organisations share no current cluster */
    const char **nace;
    size_t n_nace;
    const char **fos;
    size_t n_fos;
    const char **geo;
    size_t n_geo;
    const char **words;
    size_t n_words;
} match_hit;

enum {
    MATCH_POSTS = 1u << 0,
    MATCH_ORGS = 1u << 1,
    MATCH_NO_BONUS = 1u << 2, /* skip the cluster check (similar posts: same kind, not partners) */
};

/* Up to limit matches of s of the kinds in `what` (MATCH_POSTS: open posts
 * of s->want_kind; MATCH_ORGS: published organisation profiles), best
 * first (ties: newest first), each with score > 0; per_list bounds the
 * postings read per code or word (MATCH_PER_LIST normally). *hits is
 * arena memory. */
db_status match_find(db *d, arena *a, const match_subject *s, unsigned what, size_t limit,
                     int per_list, match_hit **hits, size_t *n_hits);

/* Recomputes and stores the matches of post s->post_id (at most
 * MATCH_KEEP_POSTS posts and MATCH_KEEP_ORGS profiles) in post_match,
 * replacing what it had, and stores each post match the other way round
 * too (the older post's page shows the new one at once). Call inside the
 * post's write transaction. *n_stored (may be NULL) gets how many. */
db_status match_store(db *d, arena *a, const match_subject *s, size_t *n_stored);

/* Deletes every stored match of post_id, both ways (hidden, closed). */
db_status match_forget(db *d, int64_t post_id);

#endif
