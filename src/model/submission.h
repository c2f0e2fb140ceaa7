/* submission.h: what happens to a position after it is signed (issue 16):
 * its submissions to institutions, their answers (outcomes), follow-up
 * meetings and meetings with institutions in general, the position's
 * timeline, the stakeholder view of one institution, and the numbers of
 * the secretariat's advocacy overview.
 *
 * The position itself (text, versions, signatures, weight) is position.c
 * (engineer 4's module); this module writes only its own rows, plus the
 * two facts a submission or an answer changes on the position: its stage
 * (position.stage and a position_step row, in the same transaction) and
 * the institution as an addressee (position_addressee).
 *
 * Rules:
 *   - a submission needs the stage signing or submitted (a second
 *     institution is allowed after the first); it moves the stage to
 *     submitted. The institution is a published entry of an institution
 *     kind (submission_institution_kinds).
 *   - an answer (outcome accepted, partly, rejected, no_answer) belongs to
 *     a submission of the position, is dated on or after the submission's
 *     date and not in the future; accepted, partly and rejected move the
 *     stage from submitted to answered (no_answer leaves it). A submission
 *     has at most one answer other than no_answer.
 *   - "no answer after N days" is computed when read (submission_no_answer_days,
 *     app_meta advocacy_no_answer_days, 60 by default): a submission
 *     without an answer whose date is more than N days ago shows as
 *     overdue. No job records it, so a late answer is never contradicted by
 *     a stored "no answer" and nothing needs a scheduler; the secretariat
 *     may still record no_answer by hand.
 *   - a meeting is with an institution, optionally a follow-up of a
 *     position; its notes are for the secretariat only (readers pass
 *     with_notes).
 * Who may write is rights.c's RIGHT_ADVOCACY_RECORD (the secretariat and
 * the position owner's managers) for a position's rows and
 * RIGHT_ADVOCACY_MANAGE (the secretariat) for meetings without a position;
 * the caller checks. Every write is one tx_write with its audit row
 * (entity "position", actions position_submit, position_answer,
 * position_meeting; entity "org" and institution_meeting for a meeting
 * without a position). A refusal is DB_CONSTRAINT with errors under the
 * field names and nothing written; an unknown position or submission is
 * DB_DONE. Each write bumps the directory version (TX_DIRECTORY): the
 * profile pages that will show the stakeholder section are cached on it.
 * Returned strings live in the caller's arena. */
#ifndef SCAN_SUBMISSION_H
#define SCAN_SUBMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define SUBMISSION_NO_ANSWER_DAYS 60 /* default N */
#define SUBMISSION_TEXT_MAX       2000
#define SUBMISSION_REF_MAX        200

/* NULL-terminated lists: channels, outcomes, the org kinds an institution
 * may have. */
extern const char *const submission_channels[]; /* email post portal meeting other */
extern const char *const submission_outcomes[]; /* accepted partly rejected no_answer */
extern const char *const submission_institution_kinds[];

/* N of "no answer after N days" (app_meta advocacy_no_answer_days, else
 * the default; a bad value counts as the default). */
int submission_no_answer_days(db *d);
/* Whether a submission sent on sent_on (YYYY-MM-DD) without an answer is
 * overdue on today: today is more than n days after sent_on. */
bool submission_overdue(const char *sent_on, const char *today, int n);

/* The position's few facts this module needs. */
typedef struct position_head {
    int64_t id, owner_id, consultation_id;
    const char *stage, *title_sr, *title_en, *owner_slug, *owner_name, *owner_name_en;
    bool is_demo;
} position_head;

/* Loads position id; *found false when there is none. */
db_status submission_position(db *d, arena *a, int64_t id, position_head *out, bool *found);

/* --- writes ------------------------------------------------------------------ */

typedef struct submission_input {
    const char *institution;              /* the institution's slug */
    const char *sent_on;                  /* YYYY-MM-DD, not in the future */
    const char *channel;                  /* one of submission_channels */
    const char *reference, *document_url; /* optional; the URL http(s) */
} submission_input;

/* Records a submission of position_id. Errors: institution (FE_REQUIRED,
 * FE_INVALID: not an institution), sent_on (FE_DATE, FE_FUTURE_YEAR: in the
 * future; FE_DATE_ORDER: before the position was written, by its Belgrade
 * date), channel, reference, document_url, and "stage" FE_NOT_PENDING
 * when the position is not signing or submitted. *id the new row. */
db_status submission_add(db *d, int64_t position_id, const submission_input *in, int64_t actor,
                         const char *ip, int64_t *id, form_errors *errs);

typedef struct outcome_input {
    const char *submission;  /* the submission's id (decimal) */
    const char *outcome;     /* one of submission_outcomes */
    const char *answered_on; /* YYYY-MM-DD */
    const char *link, *note; /* optional */
} outcome_input;

/* Records an answer to a submission of position_id. Errors: submission
 * (FE_REQUIRED, FE_INVALID: not of this position; FE_TAKEN: already
 * answered), outcome, answered_on (FE_DATE; FE_DATE_ORDER before the
 * submission; FE_FUTURE_YEAR in the future), link, note; "stage"
 * FE_NOT_PENDING unless submitted or answered. */
db_status submission_answer(db *d, int64_t position_id, const outcome_input *in, int64_t actor,
                            const char *ip, int64_t *id, form_errors *errs);

typedef struct meeting_input {
    const char *institution; /* slug (ignored when the caller fixes institution_id) */
    const char *met_on;      /* YYYY-MM-DD */
    const char *attendees, *topics, *notes;
} meeting_input;

/* Records a meeting with an institution: institution_id when non-zero,
 * else in->institution's slug; position_id 0 for none. Errors:
 * institution, met_on, attendees, topics (required), notes. */
db_status submission_meeting_add(db *d, int64_t institution_id, int64_t position_id,
                                 const meeting_input *in, int64_t actor, const char *ip,
                                 int64_t *id, form_errors *errs);

/* --- reads ------------------------------------------------------------------- */

typedef struct institution_choice {
    int64_t id;
    const char *slug, *name, *name_en;
} institution_choice;

/* The published entries of an institution kind, by name (at most 1,000),
 * for the forms' choice of an institution. */
db_status submission_institutions(db *d, arena *a, institution_choice **out, size_t *n);

typedef struct submission_rec {
    int64_t id, position_id, institution_id;
    const char *institution_slug, *institution_name, *institution_name_en;
    const char *sent_on, *channel, *reference, *document_url;
    /* the answer (outcome NULL: none yet) */
    int64_t outcome_id;
    const char *outcome, *answered_on, *link, *note;
    bool overdue;                    /* no answer and older than N days (submission_list's today) */
    int64_t created_at, answered_at; /* when recorded (answered_at 0: no answer) */
} submission_rec;

/* The submissions of position_id by date, each with its latest answer. */
db_status submission_list(db *d, arena *a, int64_t position_id, const char *today,
                          submission_rec **out, size_t *n);

typedef struct meeting_rec {
    int64_t id, institution_id, position_id;
    const char *institution_slug, *institution_name, *institution_name_en;
    const char *met_on, *attendees, *topics;
    const char *notes; /* NULL unless read with_notes */
    const char *position_title_sr, *position_title_en;
    bool is_demo;
    int64_t created_at; /* when recorded */
} meeting_rec;

/* Meetings of a position (position_id) or with an institution
 * (institution_id), newest first; notes only with with_notes. */
db_status submission_meetings(db *d, arena *a, int64_t position_id, int64_t institution_id,
                              bool with_notes, meeting_rec **out, size_t *n);

/* One entry of a position's timeline, in date order. */
typedef enum { TL_STEP, TL_SUBMISSION, TL_ANSWER, TL_NO_ANSWER, TL_MEETING } timeline_kind;
typedef struct timeline_item {
    timeline_kind kind;
    const char *on;            /* YYYY-MM-DD (Belgrade for steps) */
    const char *stage;         /* TL_STEP */
    const submission_rec *sub; /* TL_SUBMISSION, TL_ANSWER, TL_NO_ANSWER */
    const meeting_rec *meet;   /* TL_MEETING */
    int64_t at;                /* when recorded: same-day entries in that order */
} timeline_item;

typedef struct position_timeline {
    submission_rec *subs;
    size_t n_subs;
    meeting_rec *meets;
    size_t n_meets;
    timeline_item *items;
    size_t n_items;
    int no_answer_days;
} position_timeline;

/* The whole timeline of position_id as of today (YYYY-MM-DD): its steps,
 * submissions, answers (and computed "no answer after N days"), meetings,
 * in date order (equal dates: steps, submissions, answers, meetings). */
db_status submission_timeline(db *d, arena *a, int64_t position_id, const char *today,
                              bool with_notes, position_timeline *out);

/* A position addressed to an institution, with its latest outcome there. */
typedef struct stakeholder_position {
    int64_t id;
    const char *title_sr, *title_en, *stage;
    const char *sent_on, *outcome; /* of the latest submission to it; NULL: none */
    bool overdue;
} stakeholder_position;

/* The positions addressed to institution_id (position_addressee or a
 * submission), newest first, at most 200, past draft and consultation
 * only (what the public may see) unless all. */
db_status submission_stakeholder_positions(db *d, arena *a, int64_t institution_id,
                                           const char *today, bool all, stakeholder_position **out,
                                           size_t *n);

typedef struct stakeholder_contact {
    int64_t person_id;
    const char *name, *role; /* role: "representative", "manager", or a team role */
    const char *role_en;     /* a team role's English, or NULL */
    const char *email;       /* NULL unless the person made it a public contact */
    bool public_contact;
} stakeholder_contact;

/* The institution's contact persons now: current affiliations and team
 * rows (cluster_team), each person once, by name; erased people never.
 * email is filled only for a public contact unless all_emails. */
db_status submission_contacts(db *d, arena *a, int64_t org_id, bool all_emails,
                              stakeholder_contact **out, size_t *n);

typedef struct feed_position {
    int64_t id;
    const char *title_sr, *title_en, *stage;
    const char *first_sent_on;   /* the first submission's date */
    const char *institutions;    /* names, ", "-separated (Serbian) */
    const char *institutions_en; /* English names where given */
    const char *outcome;         /* the latest answer anywhere; NULL: none */
    int64_t submitted_at;        /* when the first submission was recorded (UTC) */
    int64_t updated_at;          /* the latest of the position's and its answers' times */
} feed_position;

/* The submitted positions (submitted, answered, closed), the most
 * recently submitted first, at most limit (1..100). */
db_status submission_feed(db *d, arena *a, int limit, feed_position **out, size_t *n);

/* --- the overview ------------------------------------------------------------ */

#define OVERVIEW_STAGES   6 /* draft consultation signing submitted answered closed */
#define OVERVIEW_OUTCOMES 5 /* accepted partly rejected no_answer pending */

typedef struct overview_year {
    int year;
    int64_t stages[OVERVIEW_STAGES];     /* positions created that year by current stage */
    int64_t outcomes[OVERVIEW_OUTCOMES]; /* submissions sent that year by outcome
                                            (no_answer: recorded or overdue) */
    int64_t submitted;                   /* positions first submitted that year */
    int64_t accepted_any;                /* of those, with an accepted or partly answer */
} overview_year;

typedef struct overview_institution {
    int64_t id;
    const char *slug, *name, *name_en;
    int64_t answers;   /* answers with a date (not no_answer) */
    int64_t days_sum;  /* their days from submission to answer */
    int64_t submitted; /* submissions to it */
} overview_institution;

typedef struct advocacy_overview {
    overview_year *years; /* ascending */
    size_t n_years;
    overview_institution *inst; /* by name */
    size_t n_inst;
    int no_answer_days;
    bool any_demo;
} advocacy_overview;

extern const char *const overview_stage_codes[OVERVIEW_STAGES];
extern const char *const overview_outcome_codes[OVERVIEW_OUTCOMES];

/* Counts everything the overview shows, as of today. */
db_status submission_overview(db *d, arena *a, const char *today, advocacy_overview *out);

#endif
