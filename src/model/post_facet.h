/* post_facet.h: the cooperation board's facet counts (issue 13: the
 * /cooperation filters show, like /orgs, how many open posts each choice
 * would give under the other filters). Counted live from post and its
 * code tables (post_facet.c) while the board is small: measured with
 * bench/cooperation.sh's data, an uncached board at 100,000 open posts
 * spent about a second of CPU on them (the list itself: milliseconds), so
 * above POST_FACET_LIVE_MAX open posts no counts are made and the filters
 * show their values without numbers, until stored counts (kept by the
 * post and membership writers, and by expiry) replace this. */
#ifndef SCAN_POST_FACET_H
#define SCAN_POST_FACET_H

#include "model/post.h"

/* The facets, in the board's order. */
typedef enum {
    POST_F_KIND,
    POST_F_TOPIC,
    POST_F_SECTOR,  /* NACE division (post_nace) */
    POST_F_GEO,     /* ref_geo code (post_geo) */
    POST_F_CLUSTER, /* cluster slug: the cluster's own posts and its current members' */
    POST_F__COUNT
} post_facet_id;

typedef struct post_facet_value {
    const char *code; /* kind, topic, NACE division, geo code or cluster slug */
    int64_t count;
} post_facet_value;

#define POST_FACET_LIVE_MAX 5000 /* open posts up to which counts are made */

typedef struct post_facets {
    post_facet_value *values[POST_F__COUNT]; /* arena; values with posts only */
    size_t n[POST_F__COUNT];
    bool counted; /* false: the board is over POST_FACET_LIVE_MAX, no counts */
} post_facets;

/* For each facet, the open, unexpired posts (public ones unless
 * q->members) that match every filter of q except that facet's own,
 * counted per value of the facet; values without posts are left out. The
 * sort, keyset and limit of q are ignored. A post counts once per value it
 * has (a post in two divisions counts in both). With more than
 * POST_FACET_LIVE_MAX open posts on the board nothing is counted and
 * out->counted is false. */
db_status post_facet_counts(db *d, arena *a, const post_query *q, post_facets *out);

/* The count of code in facet f of fs, 0 when it has none. */
int64_t post_facet_count(const post_facets *fs, post_facet_id f, const char *code);

#endif
