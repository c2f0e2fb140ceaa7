/* call.h: funding calls (issue 14): the call itself, its eligibility
 * rules, who follows it, the reminders before its deadline, and matching
 * a call against clusters and organisations (call_match.c).
 *
 * A call is entered by the secretariat (RIGHT_CALL_EDIT; the caller
 * checks). The deadline is typed as a local date and time in the zone the
 * funder states (17:00 Europe/Brussels) and stored as a UTC instant with
 * that zone (funding_call.deadline_at, deadline_tz); conversions use the
 * zone database of ical/ (ical_local_to_utc). Money is euro cents, the
 * co-financing share per mille in the table and a whole percent in forms.
 *
 * Every write is one tx_write body with its audit row (entity
 * "funding_call"; actions call_create, call_update, call_withdraw,
 * call_import, call_follow, call_unfollow, call_remind) and bumps
 * TX_DIRECTORY (the cached call pages and profile sections key on it).
 * Input goes through one valid_table with named cross-field rules; a
 * refusal is DB_CONSTRAINT with errors under the field names and nothing
 * written. Returned strings live in the caller's arena. */
#ifndef SCAN_CALL_H
#define SCAN_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "valid/valid.h"

#define CALL_TITLE_MAX     300
#define CALL_TEXT_MAX      10000
#define CALL_RULES_MAX     60  /* rule rows of one call */
#define CALL_RULE_TEXT_MAX 500 /* one "text" rule */
#define CALL_PAGE          50  /* rows per page of the eligible lists */

/* The kinds of rule (funding_call_rule.rule), NULL-terminated. */
extern const char *const call_rule_kinds[]; /* kind size country nace fos region district
                                               stage label text */
/* Size classes by the latest employees figure: micro < 10, small < 50,
 * medium < 250, large. */
extern const char *const call_sizes[]; /* micro small medium large */
/* ESCA label levels, lowest first (cluster_label.label). */
extern const char *const call_labels[]; /* esca_bronze esca_silver esca_gold */

typedef struct call_rule {
    const char *rule, *value;
} call_rule;

typedef struct call_rec {
    int64_t id, funder_id;
    const char *funder_slug, *funder_name, *funder_name_en; /* NULL without a funder */
    const char *programme, *title_sr, *title_en, *summary_sr, *summary_en, *url;
    const char *programme_en; /* 0055: NULL when not given (readers then see programme) */
    const char *opens_on;     /* YYYY-MM-DD or NULL */
    int64_t deadline_at;      /* UTC */
    const char *deadline_tz;
    const char *stages;
    int64_t budget_cents, grant_min_cents, grant_max_cents; /* -1: not given */
    int64_t cofin_milli;                                    /* -1: not given */
    int64_t min_partners, min_countries;                    /* 0: not given */
    const char *status;                                     /* draft published withdrawn */
    bool is_demo;
    int64_t created_at, updated_at, followers;
    call_rule *rules; /* call_get only; by rule, value */
    size_t n_rules;
} call_rec;

/* A call as typed (a form, a CSV row, the API): every value text, NULL or
 * "" when absent. Money as typed ("50000", "50.000,00"), cofin a whole
 * percent, deadline_date YYYY-MM-DD and deadline_time HH:MM in
 * deadline_tz (empty: Europe/Belgrade). */
typedef struct call_input {
    const char *funder; /* a published entry's slug */
    const char *programme, *title_sr, *title_en, *summary_sr, *summary_en, *url, *opens_on;
    const char *deadline_date, *deadline_time, *deadline_tz, *stages;
    const char *budget, *grant_min, *grant_max, *cofin, *min_partners, *min_countries;
    const char *status;       /* draft or published; NULL: published */
    const char *programme_en; /* the programme's English name, optional */
    const call_rule *rules;
    size_t n_rules;
} call_input;

/* Checks in against the table and the cross rules (deadline after the
 * opening date, grant range not upside down, co-financing 0-100 %, a known
 * zone, a link http(s) only, known rule kinds and values) without the
 * database; errors under the field names funder, programme, programme_en, title_sr,
 * title_en, summary_sr, summary_en, url, opens_on, deadline_date,
 * deadline_time, deadline_tz, stages, budget, grant_min, grant_max, cofin,
 * min_partners, min_countries, status, rules. *deadline_at gets the UTC
 * instant when the deadline is valid: a wall time the clocks skip that
 * day (02:30 on the spring-forward night) is refused on deadline_time,
 * one they pass twice (02:30 on the autumn night) is the earlier, still
 * summer time. True when nothing was found. */
bool call_check(arena *a, const call_input *in, int64_t *deadline_at, form_errors *errs);

/* The error e as a sentence in lang: the call's own wording for its
 * cross rules ("The deadline must come after the opening date."), else
 * form_error_text's. tz is the deadline's zone as typed (NULL or "":
 * Europe/Belgrade), named in the message of a time the clocks skip
 * (deadline_time FE_MISMATCH, min and max the minutes of the day the
 * clocks move from and to). */
void call_error_text(buf *out, lang_id lang, const form_error *e, const char *tz);

/* Parses rules written "kind:value" separated by ';' or new lines into
 * *out (arena); false, with *n 0, when a part has no "kind:" before its
 * value. */
bool call_rules_parse(arena *a, const char *text, call_rule **out, size_t *n);

/* Creates a call (*id the new id); DB_CONSTRAINT with errs when refused
 * (an unknown or unpublished funder: FE_INVALID on funder). */
db_status call_create(db *d, const call_input *in, int64_t actor, const char *ip, int64_t *id,
                      form_errors *errs);
/* call_create marking the call illustrative (is_demo): the demo data. */
db_status call_create_ex(db *d, const call_input *in, bool is_demo, int64_t actor, const char *ip,
                         int64_t *id, form_errors *errs);
/* Replaces a call's fields and rules; DB_DONE when there is no such call. */
db_status call_update(db *d, int64_t id, const call_input *in, int64_t actor, const char *ip,
                      form_errors *errs);
/* Withdraws a call (status withdrawn: off the lists, no reminders). */
db_status call_withdraw(db *d, int64_t id, int64_t actor, const char *ip);
/* One call with its rules and follower count; *found false when none. */
db_status call_get(db *d, arena *a, int64_t id, call_rec *out, bool *found);
/* The call's fields as a call_input (the edit form's values), strings in a. */
void call_to_input(arena *a, const call_rec *c, call_input *in);

typedef struct call_filter {
    bool archive;          /* deadline passed (newest first); else open, soonest first */
    bool closing_30;       /* deadline within 30 days of now */
    bool open_now;         /* opened (opens_on empty or on/before today) */
    const char *funder;    /* a funder's slug, NULL: any */
    const char *programme; /* exact, NULL: any */
    const char *kind;      /* applicant kind: calls whose kind rule allows it (or has none) */
    bool drafts;           /* include drafts (the secretariat) */
    int limit, offset;     /* limit at most 200 (default 50) */
} call_filter;

/* Calls by filter (no rules filled); *total the count without limit. */
db_status call_list(db *d, arena *a, const call_filter *f, call_rec **out, size_t *n,
                    int64_t *total);

typedef struct call_facet {
    const char *value, *label, *label_en; /* funder: slug, name, name_en; programme: the
                                           * Serbian name twice, its English name (NULL: none) */
    int64_t count;
} call_facet;
/* Counts of the open (or archived) published calls by funder and by
 * programme, for the list's facets. */
db_status call_facets(db *d, arena *a, bool archive, call_facet **funders, size_t *n_funders,
                      call_facet **programmes, size_t *n_programmes);

/* Following: idempotent (following twice is one row). */
db_status call_follow(db *d, int64_t id, int64_t person, bool on, const char *ip);
db_status call_is_following(db *d, int64_t id, int64_t person, bool *yes);

/* --- eligibility (call_match.c) ----------------------------------------------- */

typedef enum { CALL_MET = 0, CALL_NOT_MET, CALL_CHECK } call_verdict;

/* What the data says of one organisation, read once for any number of
 * calls. */
typedef struct call_facts {
    int64_t org_id;
    const char *kind, *country, *region, *district;
    const char **nace; /* division codes (2 digits), n_nace */
    size_t n_nace;
    const char **fos; /* field codes, n_fos */
    size_t n_fos;
    const char *stage; /* the latest cluster stage, NULL: none */
    int label_level;   /* best current verified ESCA label: 0 none, 1 bronze, 2 silver, 3 gold */
    int label_claimed; /* the same of labels claimed, not yet verified */
    int64_t employees; /* latest figure; -1: none */
    bool is_cluster;   /* kind cluster or cluster_initiative */
    /* optional: the reader's label of a directory code (kind, region,
     * district, nace, fos) for the reasons; NULL or a NULL answer: the code */
    const char *(*label)(void *ctx, const char *rule, const char *code);
    void *label_ctx;
} call_facts;

/* One rule's verdict with its reason in the reader's language. */
typedef struct call_check_row {
    const char *rule;
    call_verdict verdict;
    const char *reason; /* "needs a cluster with an ESCA label: yours has none" */
} call_check_row;

/* The name of a rule kind, and a rule's value, as a reader reads them
 * (catalog strings or arena copies). */
const char *call_rule_label(lang_id L, const char *rule);
const char *call_value_text(arena *a, lang_id L, const char *rule, const char *value);

/* The facts of org_id; *found false when there is no such entry. */
db_status call_facts_get(db *d, arena *a, int64_t org_id, call_facts *f, bool *found);
/* Evaluates the rules of a call (grouped by rule kind: one verdict per
 * kind, met when any of its values is met) plus its partnership minimums
 * (always "check yourself" for a single applicant), appending one row per
 * kind to *out in arena a. The overall verdict: not met when any row is,
 * else check when any row is, else met. Pure: no database. */
call_verdict call_evaluate(arena *a, lang_id L, const call_rec *c, const call_facts *f,
                           call_check_row **out, size_t *n);

typedef struct call_eligible {
    int64_t org_id;
    const char *slug, *name, *name_en, *kind;
} call_eligible;

/* The published entries the call's data-decidable rules do not exclude
 * (every rule met or undecidable), by name: clusters (kind cluster or
 * cluster initiative) when clusters, else every other kind. A page of
 * CALL_PAGE from offset; *total counts them all. One query on indexes. */
db_status call_eligible_list(db *d, arena *a, int64_t call_id, bool clusters, int offset,
                             call_eligible **out, size_t *n, int64_t *total);

typedef struct call_for_org {
    call_rec call;
    call_verdict verdict;
    call_check_row *rows;
    size_t n_rows;
} call_for_org;

/* The open published calls for the organisation of facts f, soonest
 * deadline first: those it may apply for (no rule not met) and, after
 * them, those only one rule keeps it from (to show "needs ..."); at most
 * limit of each. */
db_status call_for_org_list(db *d, arena *a, lang_id L, const call_facts *f, int limit,
                            call_for_org **out, size_t *n);

/* --- reminders ----------------------------------------------------------------- */

/* Queues the reminders due at now: for each published call whose deadline
 * is 14 (or 3) days away or less but still ahead, one mail per recipient
 * and step, in the recipient's language, through the outbox. Recipients:
 * the call's followers, and the current managers and representatives of
 * organisations the call does not exclude whose "call_match" notification
 * setting is not "never" (call_match_recipients). Each reminder goes once:
 * the funding_call_reminder row (primary key call, person, days) is
 * inserted in the transaction that queues its mail, and a row already
 * there skips it, so a second run, or a second server, sends nothing
 * again. A person past the 3-day point gets only the 3-day reminder.
 * dry_run counts without writing. *sent: how many (would) go out. */
db_status call_remind_run(db *d, int64_t now, bool dry_run, const char *base_url, int *sent);

/* The days a reader in Belgrade counts from now to the deadline: the
 * calendar days from today's date to the deadline's date, both in
 * Europe/Belgrade (0: today, 1: tomorrow), so the count agrees with the
 * date shown beside it ("in 3 days" on Monday for a Thursday deadline,
 * whatever the hours) and never rounds a part of a day up; a DST day of
 * 23 or 25 hours is one day. Negative for a deadline on a past date. Used
 * by the reminder mails and the call pages alike. */
int call_days_left(int64_t now, int64_t deadline_at);

/* --- CSV import (all or nothing) --------------------------------------------------- */

typedef struct call_import_error {
    int row;            /* 1-based data row (the header is row 0) */
    const char *column; /* the field name */
    form_error err;
    const char *text; /* the message in the reader's language */
} call_import_error;

/* Imports calls from CSV (UTF-8, header row with the field names of
 * call_input plus "rules" as kind:value;kind:value). Every row is checked
 * first; on any error nothing is stored and *errors lists every row's
 * problems with row and column. Otherwise every call is created in one
 * transaction (audit call_import). *n_created the count. */
db_status call_import_csv(db *d, arena *a, lang_id L, const char *csv, size_t len, int64_t actor,
                          const char *ip, int *n_created, call_import_error **errors,
                          size_t *n_errors);

#endif
