/* worklist.h: what is waiting for a person, for the start page.
 *
 * One read per kind of work, each derived from the data at the moment it
 * is asked (nothing is copied into a to-do table): the clusters a person
 * manages with their members who have not reported a year's figures, the
 * organisations they represent and whether that year is in, entries in
 * draft that they may finish, invitations they sent that wait for an
 * answer, and for the secretariat the queues of the whole platform (draft
 * entries, unverified figures, labels about to expire, mail that could not
 * be sent). Pages decide how to show it (web_start.c); later modules add
 * their own reads here and their sections there. Everything is an arena
 * copy in the caller's arena. */
#ifndef SCAN_WORKLIST_H
#define SCAN_WORKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

/* A cluster the person manages: its current members, and how many of them
 * have no figures for the year asked. */
typedef struct work_cluster {
    int64_t id;
    const char *slug, *name, *name_en;
    int64_t members, missing;
} work_cluster;

/* An organisation the person represents, and whether it has figures for
 * the year asked. */
typedef struct work_org {
    int64_t id;
    const char *slug, *name, *name_en;
    bool reported;
} work_org;

/* A draft entry: created by the person, or of an organisation they
 * represent or a cluster they manage (the secretariat: every draft). */
typedef struct work_draft {
    int64_t id, updated_at;
    const char *slug, *name, *name_en;
} work_draft;

/* An invitation the person sent that is neither used nor expired. */
typedef struct work_invite {
    int64_t expires_at;
    const char *invitee, *org_slug, *org_name, *role;
} work_invite;

/* A place in a cluster's management team the person was invited to and
 * has not accepted yet (cluster_team.invited). */
typedef struct work_team_invite {
    const char *org_slug, *org_name, *org_name_en, *role, *role_en;
} work_team_invite;

/* The secretariat's queues, counted over the whole platform. */
typedef struct work_queues {
    int64_t drafts;          /* entries in draft */
    int64_t unverified;      /* figure rows not yet verified */
    int64_t labels_expiring; /* labels expiring within 60 days (or expired
                                in the last 30) */
    int64_t mail_failed;     /* outbox rows not sent after a failed attempt */
    int64_t labels_claimed;  /* labels clusters declared, not verified yet */
} work_queues;

db_status worklist_clusters(db *d, arena *a, int64_t person_id, int year, work_cluster **items,
                            size_t *n);
db_status worklist_orgs(db *d, arena *a, int64_t person_id, int year, work_org **items, size_t *n);
/* At most 20, newest change first; all_drafts for the secretariat. */
db_status worklist_drafts(db *d, arena *a, int64_t person_id, bool all_drafts, work_draft **items,
                          size_t *n);
/* At most 20, soonest expiry first. */
db_status worklist_invites(db *d, arena *a, int64_t person_id, work_invite **items, size_t *n);
/* The person's open team invitations, at most 20, oldest first. */
db_status worklist_team_invites(db *d, arena *a, int64_t person_id, work_team_invite **items,
                                size_t *n);
/* today is 'YYYY-MM-DD' in Belgrade (label dates are calendar dates). */
db_status worklist_queues(db *d, const char *today, work_queues *q);

#endif
