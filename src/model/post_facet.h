/* post_facet.h: the cooperation board's facet counts (issue 13: the
 * /cooperation filters show, like /orgs, how many open posts each choice
 * would give under the other filters). A facet whose other filters are
 * only kind, topic and visibility reads stored counts (post_facet_count,
 * migration 0033: kept by the post writers through post_facet_add, and
 * by the daily sweep for expiry), at any size of the board. A facet that
 * keeps a sector, region, cluster or organisation filter is counted live
 * from post and its code tables while at most POST_FACET_LIVE_MAX posts
 * match those filters (measured with bench/cooperation.sh's data: live
 * counts over 100,000 open posts cost about a second of CPU), and shows
 * its values without numbers above that. Keyword search (q->text) is
 * such a filter too: with words, every facet is counted live over the
 * matching posts, under the same bound. */
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
    bool counted[POST_F__COUNT]; /* false: too many posts to count that facet live */
} post_facets;

/* Adds (sign 1) or takes out (sign -1) the contribution of post post_id,
 * as it is now, to the stored counts: nothing unless it is open and not
 * expired. A writer calls it with -1 before it changes a post (or its
 * codes) and with 1 after, in the same transaction. */
db_status post_facet_add(db *d, int64_t post_id, int sign);

/* Takes the posts that expired since the last sweep out of the stored
 * counts and moves the sweep's day to today (the digest job runs it; the
 * readers subtract what it has not yet taken out, so it only keeps that
 * correction small). */
db_status post_facet_sweep(db *d);

/* For each facet, the open, unexpired posts (public ones unless
 * q->members) that match every filter of q except that facet's own,
 * counted per value of the facet; values without posts are left out. The
 * sort, keyset and limit of q are ignored. A post counts once per value it
 * has (a post in two divisions counts in both). A facet that would be
 * counted live over more than POST_FACET_LIVE_MAX posts is not counted:
 * out->counted[f] is false. */
db_status post_facet_counts(db *d, arena *a, const post_query *q, post_facets *out);

/* The count of code in facet f of fs, 0 when it has none. */
int64_t post_facet_count(const post_facets *fs, post_facet_id f, const char *code);

#endif
