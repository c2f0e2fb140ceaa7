/* post.h: the cooperation board's posts (issue 13): offers and requests
 * an organisation publishes, with the codes and regions they are about,
 * a validity of at most twelve months, and the matches match.c computes.
 *
 * A post belongs to an organisation (org_id), never to a person alone:
 * author_id keeps who wrote it, and every current representative of the
 * organisation (and a manager, for a cluster's own posts) may change and
 * close it (rights_can RIGHT_POST_WRITE, the caller's check). The
 * secretariat hides a post with a reason (RIGHT_POST_HIDE) and the author
 * is told by mail; any logged-in person may report one, and posts with
 * POST_REPORTS_FLAG reports are marked repeated on the secretariat's start page.
 *
 * Every write is one tx_write with its audit row (entity "post"; actions
 * post_create, post_update, post_close, post_hide, post_report) and bumps
 * directory_version (the board's cached pages key on it). Publishing and
 * changing recompute the post's matches in the same transaction. Field
 * errors go into form_errors under the field names of the form and the
 * API (kind, topic, lang, title, body, title_tr, body_tr, nace, fos, geo,
 * valid_until, visibility, reason) with DB_CONSTRAINT and nothing
 * stored; post_error_text words them. Expired posts (valid_until before
 * today in Belgrade) leave the board and keep their page. */
#ifndef SCAN_POST_H
#define SCAN_POST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"
#include "i18n/i18n.h"
#include "model/match.h"

#define POST_TITLE_MAX    200
#define POST_BODY_MAX     4000
#define POST_REASON_MAX   500
#define POST_REPORTS_FLAG 3

/* The values of the enumerated fields, NULL-terminated, in display order. */
extern const char *const post_kinds[];         /* offer, request */
extern const char *const post_topics[];        /* technology, supply_chain, ... */
extern const char *const post_langs[];         /* sr-Cyrl, sr-Latn, en */
extern const char *const post_visibilities[];  /* public, members */
extern const char *const post_close_reasons[]; /* found_partner, no_longer_needed */

/* One post. Strings are arena copies (NULL = empty); the code lists hold
 * ref_nace divisions, ref_fos codes and ref_geo codes. */
typedef struct post_rec {
    int64_t id; /* 0 for a new post */
    int64_t org_id;
    int64_t author_id;
    const char *kind, *topic, *lang, *title, *body, *title_tr, *body_tr, *visibility;
    const char *valid_until; /* YYYY-MM-DD, the last day it is open */
    const char **nace;
    size_t n_nace;
    const char **fos;
    size_t n_fos;
    const char **geo;
    size_t n_geo;
    /* read only */
    const char *status; /* open, closed, hidden */
    const char *close_reason, *hidden_reason;
    int64_t published_at, closed_at, created_at, updated_at;
    bool is_demo;
    bool expired;       /* open but valid_until is before today */
    bool hidden;        /* hidden by the secretariat: status 'hidden', or a closed post that
                         * keeps its outcome (close_reason) with a hidden_reason */
    bool org_published; /* its organisation is published (else only the secretariat and its
                         * representatives see it) */
    const char *org_slug, *org_name, *org_name_en;
    const char *author_name; /* NULL when unknown */
} post_rec;

/* Today's date in Belgrade as YYYY-MM-DD (time_now, so tests can fix it). */
void post_today(char out[11]);
/* The last day a post published on date ymd may be valid until: the same
 * day a year later (28 February for 29 February). */
void post_max_until(const char *ymd, char out[11]);

/* Checks every field of in: kind, topic, lang, visibility among their
 * values; title 1..200 and text 1..4000 characters, translation optional
 * within the same limits; at most 20 codes of each kind, every NACE code a
 * division, every FOS and region code known; valid_until a real date, not
 * before today and at most a year after the publication day (today for a
 * new post). Appends one error per field to errs. DB errors returned. */
db_status post_validate(db *d, const post_rec *in, form_errors *errs);
/* The error worded for the reader: form_error_text, except the range of
 * valid_until, which names the dates. */
void post_error_text(buf *out, lang_id lang, const form_error *e);

/* Publishes in (in->id ignored) for organisation in->org_id by actor,
 * computes its matches, and sets *id. */
db_status post_create(db *d, const post_rec *in, int64_t actor_id, const char *ip,
                      form_errors *errs, int64_t *id);
/* post_create's body for a caller already inside a write transaction
 * (the demo data, the benchmark generator): validates, inserts (published
 * at published_at, 0 = now), and computes the matches; no audit row (the
 * caller's transaction is the system's own write). flags:
 * POST_INSERT_DEMO marks it illustrative (is_demo); POST_INSERT_NO_MATCHES
 * stores its codes and words (so later posts find it) but computes no
 * matches of its own (the generator's bulk load). */
enum { POST_INSERT_DEMO = 1u << 0, POST_INSERT_NO_MATCHES = 1u << 1 };
db_status post_insert_tx(db *d, const post_rec *in, int64_t actor_id, int64_t published_at,
                         unsigned flags, form_errors *errs, int64_t *id, size_t *n_matches);
/* Stores every field of in over post in->id and recomputes its matches.
 * DB_DONE when there is no such post; a post that is not open is refused
 * with FE_INVALID on "status". */
db_status post_update(db *d, const post_rec *in, int64_t actor_id, const char *ip,
                      form_errors *errs);
/* Closes every open post of organisation org_id as "no_longer_needed",
 * inside the caller's transaction (the organisation left the directory:
 * archived, back to draft, deleted), each out of the stored facet counts
 * and its matches, with an audit row each; *n_closed how many. */
db_status post_close_org_tx(db *d, int64_t org_id, int64_t actor_id, size_t *n_closed);

/* Closes open post id as reason (post_close_reasons; FE_CHOICE on
 * "reason" otherwise) and forgets its matches. DB_DONE when no such post;
 * FE_INVALID on "status" when it is not open. */
db_status post_close(db *d, int64_t id, const char *reason, int64_t actor_id, const char *ip,
                     form_errors *errs);
/* Hides post id with reason (required, one line, at most 500 characters),
 * forgets its matches, and mails the author (when they have an address)
 * in their language, with a link to base_url + the post when base_url is
 * not NULL. DB_DONE when no such post. */
db_status post_hide(db *d, int64_t id, const char *reason, int64_t actor_id, const char *ip,
                    const char *base_url, form_errors *errs);
/* Records person_id's report of post id (reason optional, at most 500
 * characters; a second report by the same person changes nothing) and
 * sets *n_reports to the post's reports. DB_DONE when no such post. */
db_status post_report(db *d, int64_t id, int64_t person_id, const char *reason, const char *ip,
                      form_errors *errs, int64_t *n_reports);

/* Loads post id with its codes, organisation and author; *found false
 * when none. */
db_status post_get(db *d, arena *a, int64_t id, post_rec *out, bool *found);

typedef enum { POST_SORT_NEWEST, POST_SORT_CLOSING } post_sort;

/* Keyword search on the board (/cooperation?q=, the API's and the feed's
 * q): the words of a post's title and text in both languages, folded as
 * the directory search folds (search.h: "Ниш", "Niš" and "Nis" alike),
 * each query word a prefix, every word required. A query has at most
 * POST_TEXT_MAX bytes and at least one letter or digit. */
#define POST_TEXT_MAX 200
typedef enum { POST_TEXT_OK = 0, POST_TEXT_TOO_LONG, POST_TEXT_NO_WORDS } post_text_check;
/* Whether q can be searched for (NULL or "" is no search: POST_TEXT_OK).
 * Pure. */
post_text_check post_text_valid(const char *q);
/* The FTS5 match expression of q over post_fts (search_build_match: each
 * folded word quoted, a prefix), "" when q has no words; arena, NULL when
 * the arena ran out. */
const char *post_text_match(arena *a, const char *q);
/* The words parameter of the board's statements for match (a
 * post_text_match) on d's backend: match itself on SQLite; on PostgreSQL
 * its words joined by single spaces (arena; NULL when match is NULL or the
 * arena ran out). */
const char *post_text_param(db *d, arena *a, const char *match);

typedef struct post_query {
    const char *text;         /* words to search for (post_text_valid); NULL = any */
    const char *kind, *topic; /* NULL = any */
    const char *sector;       /* NACE division */
    const char *geo;          /* ref_geo code */
    int64_t cluster_id;       /* posts of the cluster and its current members; 0 = any */
    int64_t org_id;           /* posts of one organisation; 0 = any */
    bool members;             /* include members-only posts */
    post_sort sort;
    int64_t after_id; /* keyset: the posts after this one in the sort; 0 = start */
    int limit;        /* 1..100 */
} post_query;

/* Open, unexpired posts matching q, in q's sort (newest: published last
 * first; closing: valid_until soonest first; ties by id), without their
 * code lists; *more when there is a next page (its after_id is the last
 * item's id). An after_id that is no post gives an empty page. */
db_status post_list(db *d, arena *a, const post_query *q, post_rec **items, size_t *n, bool *more);

/* One match as shown: the hit with its reasons, and the matching post
 * (post_id != 0) or profile. */
typedef struct post_match_rec {
    match_hit hit;
    const char *title;    /* the post's title (its own language), NULL for a profile */
    const char *title_tr; /* its translation, NULL when none */
    const char *kind, *lang;
    const char *org_slug, *org_name, *org_name_en;
} post_match_rec;

/* The stored matches of post id that are still open and unexpired (and
 * public unless members), best first, at most limit. */
db_status post_matches(db *d, arena *a, int64_t id, bool members, size_t limit,
                       post_match_rec **items, size_t *n);
/* Posts of the same kind as p that match it best (computed now, not
 * stored), at most limit. */
db_status post_similar(db *d, arena *a, const post_rec *p, bool members, size_t limit,
                       post_match_rec **items, size_t *n);
/* Every reported open or closed post, most reported first (the
 * secretariat's start page); *n_reports and *repeated parallel: repeated
 * when the post or all its author's posts have POST_REPORTS_FLAG reports. */
db_status post_reported(db *d, arena *a, post_rec **items, int64_t **n_reports, bool **repeated,
                        size_t *n);

/* An organisation as the board's forms and filters list it. */
typedef struct post_org {
    int64_t id;
    const char *slug, *name, *name_en;
} post_org;
/* The organisations person_id may post for now (represents, or manages as
 * a cluster), by name. */
db_status post_orgs_for(db *d, arena *a, int64_t person_id, post_org **items, size_t *n);
/* Every post (any status, newest first, at most 200) of the organisations
 * person_id may post for now: their page of "my posts". */
db_status post_mine(db *d, arena *a, int64_t person_id, post_rec **items, size_t *n);
/* Published clusters and cluster initiatives that have members (the
 * board's cluster filter). */
db_status post_clusters(db *d, arena *a, post_org **items, size_t *n);
/* The published cluster whose slug is slug: *id, 0 when none. */
db_status post_cluster_id(db *d, const char *slug, int64_t *id);

/* Indexes for keyword search the posts a migration found (0039 leaves
 * app_meta 'post_fts_fill' set when there were posts): folds each one's
 * texts into post_fts in batches, then clears the mark. Run after
 * migrating (cli_serve.c opens every database through it); a database
 * without the mark costs one read. *filled gets how many posts. */
db_status post_search_fill(db *d, int64_t *filled);

/* The subject match.c needs for p (words from its texts). False when the
 * arena ran out. */
bool post_subject(arena *a, const post_rec *p, const char *today, bool same_kind, match_subject *s);

#endif
