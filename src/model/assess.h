/* assess.h: the yearly self-assessment against peers (issue 15).
 *
 * The questionnaire is data (migration 0020): versions by the year they
 * apply from, six groups (assess_groups[], the benchmarking groups), about
 * 36 indicators with wording in three scripts, an answer scale and, where
 * the platform can tell, the name of a computation (assess_computations in
 * assess.c). A cluster's assessment of a year keeps the version it was
 * started under; every answer names its version and indicator.
 *
 * Scales and levels: every answer becomes a level 0..4. 'level' answers
 * are the level; 'yesno' answers 0/1 are level 0/4; 'number' answers reach
 * level k when they reach k of the indicator's four ascending thresholds.
 *
 * Scores (tenths of a point, 0..1000): a group's score is the mean level
 * of its answered indicators divided by 4, times 100; the overall score is
 * the mean of the group scores (each group weighs the same, as in
 * cluster-management benchmarking). Rounded half up at each step.
 * Levels of the overall score in SCAN's own words: below 40 "foundation",
 * 40 to below 70 "developing", 70 and more "ready for a label" (ready to
 * ask an external body for a label; the platform never names one).
 *
 * Peers: the other clusters whose assessment of the same year is
 * submitted, all of them and those of the same stage (the stage recorded
 * when each submitted). A percentile is shown only when there are at least
 * ASSESS_MIN_PEERS peers: the share of peers scoring below plus half of
 * those scoring the same, in whole percent. No function here returns a
 * peer's identity or answers.
 *
 * Writes are one tx_write each (entity "org", the cluster; actions
 * assess_save, assess_submit). Validation is a valid_table built from the
 * questionnaire: errors come back under the indicator's code (its value),
 * "<code>_evidence" and "year", with DB_CONSTRAINT and nothing stored. The
 * caller checks the right (RIGHT_ORG_EDIT on the cluster). Everything
 * returned lives in the arena given. */
#ifndef SCAN_ASSESS_H
#define SCAN_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define ASSESS_N_GROUPS         6
#define ASSESS_MIN_PEERS        5
#define ASSESS_EVIDENCE_MAX     1000
#define ASSESS_LEVEL_DEVELOPING 400 /* overall score (tenths) from which "developing" */
#define ASSESS_LEVEL_READY      700 /* ... from which "ready for a label" */

/* structure governance financing services interaction recognition */
extern const char *const assess_groups[ASSESS_N_GROUPS];
/* The index of a group code, or -1. */
int assess_group_index(const char *code);

typedef enum { ASSESS_SCALE_LEVEL, ASSESS_SCALE_YESNO, ASSESS_SCALE_NUMBER } assess_scale;

typedef struct assess_indicator {
    int64_t id;
    int group; /* index into assess_groups */
    const char *code;
    int position;
    const char *text_en, *text_sr, *text_sr_latn;
    assess_scale scale;
    int64_t thr[4];       /* numbers: ascending thresholds */
    const char *unit;     /* numbers: count, percent, fte (thousandths); else NULL */
    int64_t max_value;    /* the largest value accepted */
    const char *computed; /* the computation's name, or NULL: answered */
} assess_indicator;

typedef struct assess_questionnaire {
    int64_t version_id;
    int year_from;
    const char *name;
    const char *level_en[5], *level_sr[5], *level_sr_latn[5];
    assess_indicator *ind;
    size_t n;
} assess_questionnaire;

/* One answer, aligned with the questionnaire's indicators. */
typedef struct assess_answer {
    bool present;
    int64_t value;
    int level;
    bool computed; /* source 'computed' */
    const char *evidence;
    int64_t answered_at;
} assess_answer;

typedef struct assess_response {
    int64_t id; /* 0: none yet */
    int year;
    int64_t version_id;
    bool submitted;
    const char *stage; /* at submission; NULL */
    int score;         /* tenths, -1 when not submitted */
    int group_score[ASSESS_N_GROUPS];
    int64_t submitted_at, updated_at;
} assess_response;

/* The level 0..4 of value on ind's scale (values beyond the scale are the
 * caller's mistake: clamped). */
int assess_level_of(const assess_indicator *ind, int64_t value);
/* The scores of n indicators with levels[i] (-1: unanswered): group[g]
 * tenths, -1 for a group with no answer; *overall tenths, -1 when no
 * group has one. */
void assess_scores(const assess_indicator *ind, const int *levels, size_t n,
                   int group[ASSESS_N_GROUPS], int *overall);
/* The percentile of mine among n peers' scores of which below scored less
 * and equal the same: whole percent 0..100, or -1 when n is below
 * ASSESS_MIN_PEERS (not shown). */
int assess_percentile(int64_t n, int64_t below, int64_t equal);
/* "foundation", "developing" or "ready" for an overall score in tenths. */
const char *assess_level_name(int score);

/* The version that applies to year (the latest year_from <= year): 0 when
 * none does. */
db_status assess_version_for_year(db *d, int year, int64_t *version_id);
/* A version's questionnaire. *found false when there is no such version. */
db_status assess_questionnaire_get(db *d, arena *a, int64_t version_id, assess_questionnaire *q,
                                   bool *found);

/* The computation name, for a value the platform knows of org_id in year:
 * *known false when the data cannot tell (no member reported employees,
 * say); then the manager answers it. Unknown names are DB_ERR. */
db_status assess_compute(db *d, int64_t org_id, int year, const char *name, int64_t *value,
                         bool *known);

/* org_id's assessment of year with its questionnaire (the one it was
 * started under, else the one applying to year) and answers[q->n]
 * (arena), stored ones, with computed indicators filled from the data
 * while it is not submitted. resp->id 0 when not started; *has_version
 * false when no version applies to year. */
db_status assess_load(db *d, arena *a, int64_t org_id, int year, assess_response *resp,
                      assess_questionnaire *q, assess_answer **answers, bool *has_version);

/* The submitted and draft assessments of org_id, newest year first. */
db_status assess_history(db *d, arena *a, int64_t org_id, assess_response **out, size_t *n);

/* The input of a save: per indicator code its value as typed (NULL or "":
 * not answered) and its evidence note or link. */
typedef struct assess_input_item {
    const char *code, *value, *evidence;
} assess_input_item;

typedef struct assess_input {
    const assess_input_item *items;
    size_t n;
    bool replace; /* true (a form): indicators not given are cleared; false (the
                     API): only those given change */
    bool submit;  /* submit: every indicator must have an answer */
    bool reopen;  /* the secretariat: may change a submitted year (the team
                     may not: submitting again and again would walk the
                     peers' scores out of the percentile) */
} assess_input;

/* Saves org_id's answers for year as a draft, or submits them (scores and
 * stage stored, counting for peers from then on); a submitted year is
 * closed to the team (FE_SECRETARIAT_ONLY under "year"), and the
 * secretariat's save (in->reopen) without submit makes it a draft again. Computed indicators are
 * filled from the data in the same transaction and may not be answered (FE_INVALID under their
 * code) unless the data cannot tell; an unknown code is FE_UNKNOWN_CODE, a year after the current
 * one FE_FUTURE_YEAR and one no version applies to FE_RANGE (both under "year"). */
db_status assess_save(db *d, arena *a, int64_t org_id, int year, const assess_input *in,
                      int64_t actor, const char *ip, form_errors *errs);

/* Peers of org_id's submitted assessment of year with score: counts and
 * percentiles (-1 when fewer than ASSESS_MIN_PEERS) among all and among
 * those of stage (NULL: none). */
typedef struct assess_position {
    int64_t n_all, n_stage;
    int pct_all, pct_stage;
} assess_position;
db_status assess_position_get(db *d, int64_t org_id, int year, int score, const char *stage,
                              assess_position *out);

/* The secretariat's view of a year: per indicator of the version applying
 * to year, counts of submitted answers per level (counts[i*5 + level]);
 * the clusters (published, cluster kinds) with their state (submitted,
 * draft, none). */
typedef struct assess_cluster_state {
    int64_t id;
    const char *slug, *name, *name_en;
    const char *state; /* submitted, draft, none */
} assess_cluster_state;
db_status assess_distribution(db *d, arena *a, int year, assess_questionnaire *q, int64_t **counts,
                              assess_cluster_state **clusters, size_t *n_clusters,
                              bool *has_version);

#endif
