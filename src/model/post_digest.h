/* post_digest.h: the cooperation board's section of the weekly digest
 * (issue 13: "authors of matching posts are told in their next digest"),
 * a row of digest_sections[] in digest.c. */
#ifndef SCAN_POST_DIGEST_H
#define SCAN_POST_DIGEST_H

#include "model/digest.h"
#include "model/post.h"

#define POST_DIGEST_SHOWN  20 /* posts listed; the rest as "and N more" */
#define POST_DIGEST_WINDOW (7 * 86400)

/* "New matching posts": the open, unexpired posts published after the
 * reader's last digest (the claimed_at of their latest claim of an earlier
 * week; never more than four weeks back; a week back when they never had
 * one) and up to w->now that
 *   1. were matched (post_match) to an open post of an organisation the
 *      reader works for now (any current affiliation: a representative,
 *      or a manager for the cluster's own posts), or
 *   2. are on the board under one of the reader's saved searches of
 *      /cooperation (notify_topic: words, kind, topic, sector, region,
 *      cluster; a post must have the words and every filter),
 * each post once (a match first, with the reader's post it fits), never a
 * post of the reader's own organisations, members-only posts only for a
 * reader who may see them (the secretariat, a member's people), newest
 * first, at most POST_DIGEST_SHOWN and "and N more". Reads only; a post
 * is in one digest because the next digest starts after this one's claim. */
db_status post_digest_section(db *d, arena *a, const digest_reader *r, const digest_period *w,
                              digest_part *out);

/* The filters of a saved search's canonical query string (name=value
 * pairs joined by '&', '+' for space, %XX escapes) into q (text from "q",
 * kind, topic, sector, geo from "region"; the rest of q untouched) and the cluster
 * slug into *cluster_slug (NULL when none); other names are ignored.
 * False for a query that cannot be read (the topic is then skipped).
 * Pure apart from the arena (strings in q are arena copies). */
bool post_digest_topic_query(arena *a, const char *query, post_query *q, const char **cluster_slug);

#endif
