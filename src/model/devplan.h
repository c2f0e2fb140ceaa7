/* devplan.h: a cluster's development plan (issue 15): goals linked to the
 * benchmarking groups they improve, actions with an owner, a deadline and
 * a status, and a yearly review.
 *
 * The plan belongs to a directory entry of kind cluster or cluster
 * initiative; whoever may edit that entry (RIGHT_ORG_EDIT: its management
 * team and the secretariat) edits and reads it; the caller checks. Every
 * write is one tx_write body with its audit row: entity "devplan",
 * entity_id the cluster, actions devplan_goal_add, devplan_goal_update,
 * devplan_action_add, devplan_action_update, devplan_review_save; the
 * detail names the goal or action and the fields. devplan_history reads
 * those rows back. Input goes through a valid_table (src/valid/); a
 * refusal is DB_CONSTRAINT with the errors under the field names and
 * nothing written. An action is overdue when its deadline (a Belgrade
 * date) is before today's Belgrade date and it is neither done nor
 * dropped. Returned strings live in the caller's arena. */
#ifndef SCAN_DEVPLAN_H
#define SCAN_DEVPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define DEVPLAN_TITLE_MAX 200
#define DEVPLAN_TEXT_MAX  5000
#define DEVPLAN_OWNER_MAX 200

/* The six benchmarking groups (codes shared with the self-assessment),
 * and the statuses of an action; NULL-terminated. */
extern const char *const devplan_groups[];   /* structure governance financing services
                                                interaction recognition */
extern const char *const devplan_statuses[]; /* planned in_progress done dropped */

/* Whether an action with this deadline and status is overdue on today
 * (all YYYY-MM-DD): deadline < today and status neither done nor dropped. */
bool devplan_is_overdue(const char *deadline, const char *status, const char *today);
/* The Belgrade calendar date of the UTC time t into out ("" on failure). */
void devplan_date_at(int64_t t, char out[11]);

typedef struct devplan_action {
    int64_t id, goal_id;
    const char *title;
    int64_t owner_person_id; /* 0: owner_text, or nobody */
    const char *owner_name;  /* the person's name, else owner_text (NULL: nobody) */
    const char *owner_text;
    const char *deadline, *status, *done_on; /* done_on NULL unless done */
    bool overdue;                            /* on the today given to devplan_get */
    bool is_demo;
    int64_t updated_at;
} devplan_action;

typedef struct devplan_goal {
    int64_t id;
    const char *title, *description;
    const char **groups; /* codes, n_groups of them, in devplan_groups order */
    size_t n_groups;
    devplan_action *actions; /* by deadline */
    size_t n_actions;
    bool is_demo;
} devplan_goal;

typedef struct devplan_review {
    int64_t id;
    int year;
    const char *body, *reviewed_on, *by_name;
    int64_t updated_at;
} devplan_review;

typedef struct devplan {
    devplan_goal *goals; /* oldest first */
    size_t n_goals;
    devplan_review *reviews; /* newest year first */
    size_t n_reviews;
    size_t n_overdue;
} devplan;

/* The plan of org_id with overdue marked as of today (YYYY-MM-DD). */
db_status devplan_get(db *d, arena *a, int64_t org_id, const char *today, devplan *out);

/* Input of a goal: groups are codes (each must be one of devplan_groups;
 * at least one). Errors under title, description, groups. */
typedef struct devplan_goal_input {
    const char *title, *description;
    const char *const *groups;
    size_t n_groups;
} devplan_goal_input;

/* Adds (goal_id 0; *id gets the new id) or changes a goal of org_id. A
 * goal_id not of org_id: DB_DONE. */
db_status devplan_goal_save(db *d, int64_t org_id, int64_t goal_id, const devplan_goal_input *in,
                            int64_t actor, const char *ip, int64_t *id, form_errors *errs);

/* Input of an action. owner: "" (nobody or owner_text) or the decimal id
 * of a person of the cluster's team (devplan_team); owner_text a free
 * text owner. deadline and done_on YYYY-MM-DD; status one of
 * devplan_statuses; done_on only with status done (today when empty).
 * Errors under title, owner, owner_text, deadline, status, done_on. */
typedef struct devplan_action_input {
    const char *title, *owner, *owner_text, *deadline, *status, *done_on;
} devplan_action_input;

/* Adds an action to goal_id (action_id 0) or changes action_id; both must
 * belong to org_id (else DB_DONE). The owner person, when new to the
 * action, hears of it (notify kind devplan_action). */
db_status devplan_action_save(db *d, int64_t org_id, int64_t goal_id, int64_t action_id,
                              const devplan_action_input *in, int64_t actor, const char *ip,
                              int64_t *id, form_errors *errs);

/* Saves the review of year (1990..this year + 1) for org_id: body
 * required, reviewed_on a date (today when empty). Replaces that year's
 * text. Errors under year, body, reviewed_on. */
db_status devplan_review_save(db *d, int64_t org_id, const char *year, const char *body,
                              const char *reviewed_on, int64_t actor, const char *ip,
                              form_errors *errs);

typedef struct devplan_person {
    int64_t id;
    const char *name;
} devplan_person;

/* The cluster's team now: current managers (affiliation) and current
 * cluster_team rows, each person once, by name. */
db_status devplan_team(db *d, arena *a, int64_t org_id, devplan_person **out, size_t *n);

typedef struct devplan_change {
    int64_t at;
    const char *who; /* NULL: the system or an erased person */
    const char *action, *detail;
} devplan_change;

/* The plan's history: its audit rows, newest first, at most limit. */
db_status devplan_history(db *d, arena *a, int64_t org_id, int limit, devplan_change **out,
                          size_t *n);

typedef struct devplan_overdue_row {
    int64_t action_id, org_id;
    const char *slug, *org_name, *org_name_en, *title, *deadline;
} devplan_overdue_row;

/* The overdue actions (as of today) of the clusters person manages now,
 * by deadline, at most 50. */
db_status devplan_overdue_for(db *d, arena *a, int64_t person, const char *today,
                              devplan_overdue_row **out, size_t *n);

/* The weekly digest's section (a row of digest_sections[]): the reader's
 * overdue actions as of the digest's day, one line each linking to the
 * plan; nothing for a reader who manages no cluster with one. */
struct digest_reader;
struct digest_period;
struct digest_part;
db_status devplan_digest_overdue(db *d, arena *a, const struct digest_reader *r,
                                 const struct digest_period *w, struct digest_part *out);

#endif
