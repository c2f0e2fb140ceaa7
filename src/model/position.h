/* position.h: advocacy positions (issue 16): a text the clusters write
 * together, comment on, sign and send to government, with the weight of
 * the signers' members behind it. Submissions, answers, consultations and
 * meetings (the same 0027 tables) are another module's.
 *
 * A position has an owner (SCAN's entry, kind cluster_association, or a
 * cluster), a kind, topic tags ('nace:NN', 'area:<policy area>'), the
 * institutions it addresses (directory entries of the partner kinds) and
 * its text in versions (title and Markdown body in Serbian, English
 * optional). Stages, each change a dated position_step row:
 *
 *   draft -> consultation (until a closing date) -> signing -> submitted
 *         -> answered -> closed; and any stage before closed -> closed.
 *
 * Any other move is refused (FE_POSITION_STAGE under "stage"). Editing in
 * place is for the draft only; a new version (the counter goes up, the old
 * text is kept for the diff) is for the draft and the consultation; a
 * comment only during consultation, on the current version; a signature
 * only while signing; a withdrawal only while signing (after submission
 * nobody signs or withdraws). Moving to submitted needs a live signature.
 *
 * Paragraphs (what a comment is tied to): the blocks of the version's
 * Serbian text separated by one or more blank lines (a line of only
 * spaces and tabs counts as blank), numbered from 0, each trimmed of
 * surrounding blank lines. Chosen over cmark's top-level blocks because a
 * writer can see it in the text they type; a list whose items are
 * separated by blank lines is several paragraphs, each rendered on its
 * own (position_paragraphs).
 *
 * Every write is one tx_write with its audit row (entity "position":
 * position_create, position_edit, position_version, position_stage,
 * position_comment, position_sign, position_withdraw) and bumps the
 * directory version (the anonymous pages' caches). A user's mistake is
 * DB_CONSTRAINT with errors under the field names, nothing written;
 * DB_DONE when the position (or the comment replied to) does not exist.
 * Rights are the caller's (rights_can with RIGHT_POSITION_*). Strings
 * returned are arena copies. */
#ifndef SCAN_POSITION_H
#define SCAN_POSITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "model/principal.h"
#include "valid/valid.h"

#define POS_TITLE_MAX   300
#define POS_BODY_MAX    60000 /* characters; under MD_MAX bytes for most text */
#define POS_NOTE_MAX    2000
#define POS_COMMENT_MAX 5000
#define POS_TAGS_MAX    20
#define POS_ADDR_MAX    20
#define POS_PAGE        20 /* positions per list page */

typedef enum {
    POS_DRAFT,
    POS_CONSULTATION,
    POS_SIGNING,
    POS_SUBMITTED,
    POS_ANSWERED,
    POS_CLOSED,
    POS_N_STAGES
} pos_stage;

/* NULL-terminated lists of the stored words. */
extern const char *const position_stages[];
extern const char *const position_kinds[];
extern const char *const position_areas[];

/* The stage named s; POS_N_STAGES for an unknown word. */
pos_stage position_stage_of(const char *s);
/* Whether a position may move from one stage to the other (the table above). */
bool position_move_ok(pos_stage from, pos_stage to);
/* Whether anyone may see a position in this stage without a right:
 * submitted, answered and closed are public. */
bool position_stage_public(pos_stage s);

/* One paragraph of a text: src[start .. start+len). */
typedef struct pos_para {
    size_t start, len;
} pos_para;
/* Splits text[0..n) into paragraphs as defined above; writes at most max
 * into out (out may be NULL with max 0) and returns how many there are. */
size_t position_paragraphs(const char *text, size_t n, pos_para *out, size_t max);

typedef struct position_rec {
    int64_t id, owner_id;
    const char *kind, *stage, *consult_until; /* consult_until may be NULL */
    const char *owner_slug, *owner_name, *owner_name_en;
    int64_t version; /* the current one */
    const char *title_sr, *title_en, *body_sr, *body_en, *note;
    int64_t created_at, updated_at, stage_at; /* stage_at: its latest step */
    int64_t consultation_id;
    int64_t n_signatures; /* live ones */
    bool is_demo;
    bool owner_logo; /* the owner has a logo (/orgs/{slug}/logo) */
} position_rec;

typedef struct position_version {
    int64_t version;
    const char *title_sr, *title_en, *body_sr, *body_en, *note, *by_name;
    int64_t created_at;
} position_version;

typedef struct position_comment {
    int64_t id, version, paragraph, parent_id; /* parent_id 0: a thread's start */
    const char *body, *by_name, *org_slug, *org_name, *org_name_en; /* org NULL: the secretariat */
    int64_t created_at;
} position_comment;

typedef struct position_signature {
    int64_t id, org_id;
    const char *org_slug, *org_name, *org_name_en, *org_kind, *by_name;
    int64_t signed_at, withdrawn_at; /* withdrawn_at 0: live */
    /* No weight per signature: a running total at each signing would let
     * anyone subtract one company's confidential figures. */
} position_signature;

typedef struct position_step {
    const char *stage, *by_name;
    int64_t at;
} position_step;

/* An organisation a person may speak for (comment or sign): clusters they
 * manage, organisations they represent. */
typedef struct position_speaker {
    int64_t id;
    const char *slug, *name, *name_en, *kind;
} position_speaker;

/* The input of create and edit. tags: 'nace:NN' or 'area:<area>';
 * addressees: slugs of published entries of partner kinds. */
typedef struct position_input {
    const char *kind, *owner; /* owner: a slug (create only) */
    const char *title_sr, *title_en, *body_sr, *body_en, *note;
    const char *const *tags;
    size_t n_tags;
    const char *const *addressees;
    size_t n_addressees;
} position_input;

/* Creates a draft at version 1 with its first step. Errors: kind, owner
 * (not SCAN's entry or a cluster: FE_NOT_CLUSTER), title_sr, body_sr
 * (required), tags (FE_UNKNOWN_CODE), addressees (FE_UNKNOWN_CODE: not a
 * published partner-kind entry). *owner_id the owner found (for the
 * caller's rights check before: use position_owner_id). */
db_status position_create(db *d, const position_input *in, bool is_demo, int64_t actor,
                          const char *ip, int64_t *id, form_errors *errs);
/* The id of a published entry that may own positions (SCAN's entry or a
 * cluster kind); 0 when slug is none. */
db_status position_owner_id(db *d, const char *slug, int64_t *id);
/* Changes a draft in place: kind, current version's texts, tags,
 * addressees (owner unchanged). Not a draft: FE_POSITION_STAGE on stage. */
db_status position_edit(db *d, int64_t id, const position_input *in, int64_t actor, const char *ip,
                        form_errors *errs);
/* Publishes a new version (draft or consultation): the counter goes up and
 * the texts given are stored as it, with the note of what changed. */
db_status position_new_version(db *d, int64_t id, const position_input *in, int64_t actor,
                               const char *ip, form_errors *errs);
/* Moves to stage (a word of position_stages). consult_until (a date not
 * before today, Belgrade) is required for consultation. Errors under
 * "stage" (FE_CHOICE, FE_POSITION_STAGE, FE_POSITION_UNSIGNED) and
 * "consult_until". */
db_status position_move(db *d, int64_t id, const char *stage, const char *consult_until,
                        int64_t actor, const char *ip, form_errors *errs);
/* A comment (consultation only) on paragraph of the current version, on
 * behalf of org_id (0: none, the secretariat), or a reply to parent_id
 * (the reply takes its parent's version and paragraph). Errors: stage
 * (FE_POSITION_STAGE), paragraph (FE_POSITION_PARAGRAPH: no such
 * paragraph), body. *cid the new comment. */
db_status position_comment_add(db *d, int64_t id, int64_t paragraph, int64_t parent_id,
                               int64_t org_id, const char *body, int64_t actor, const char *ip,
                               int64_t *cid, form_errors *errs);
/* Signs on behalf of org_id (signing only; a live signature of the same
 * organisation: FE_TAKEN under org). Stores the weight right after it in
 * the row's w_* (position_weight). */
db_status position_sign(db *d, int64_t id, int64_t org_id, int64_t actor, const char *ip,
                        form_errors *errs);
/* Withdraws the live signature of org_id (signing only: after submission
 * FE_POSITION_STAGE; none: FE_NOT_PENDING under org). */
db_status position_withdraw(db *d, int64_t id, int64_t org_id, int64_t actor, const char *ip,
                            form_errors *errs);

/* --- reads ------------------------------------------------------------------------ */

db_status position_get(db *d, arena *a, int64_t id, position_rec *out, bool *found);
typedef struct position_filter {
    const char *stage; /* NULL: any */
    const char *tag;   /* NULL: any */
    int64_t owner_id;  /* 0: any */
    int see;           /* 0: public stages; 1: and consultation, signing; 2: every stage */
    int64_t person_id; /* with see < 2: also the drafts of owners this person manages */
    int page;          /* 0-based; POS_PAGE a page */
} position_filter;
/* One page of positions by the latest change, newest first, and how many
 * match in all. */
db_status position_list(db *d, arena *a, const position_filter *f, position_rec **out, size_t *n,
                        int64_t *total);
/* Every version, oldest first. */
db_status position_versions(db *d, arena *a, int64_t id, position_version **out, size_t *n);
/* The tags and the addressees (slug, name, name_en triples as
 * position_speaker rows). */
db_status position_tags(db *d, arena *a, int64_t id, const char ***out, size_t *n);
db_status position_addressees(db *d, arena *a, int64_t id, position_speaker **out, size_t *n);
/* Comments (not hidden) of one version (0: of every version, the newest
 * version first), by paragraph, then threads in order of writing. */
db_status position_comments(db *d, arena *a, int64_t id, int64_t version, position_comment **out,
                            size_t *n);
/* Whom one live signature speaks for in a year: the organisations behind
 * it (a cluster its members whose membership overlaps the year, any other
 * organisation itself), whatever the order of signing. Never figures: a
 * single signatory's employees or revenue may be one company's own. */
typedef struct position_contribution {
    int64_t signature_id, orgs;
    int64_t reported; /* of orgs, those with figures for the year (the disclosure rule) */
} position_contribution;
/* The contributions of the live signatures for year (a cluster without
 * members that year has no row), in *out (arena a). */
db_status position_contributions(db *d, arena *a, int64_t id, int year, position_contribution **out,
                                 size_t *n);
/* Every signature, live first, then by date. */
db_status position_signatures(db *d, arena *a, int64_t id, position_signature **out, size_t *n);
db_status position_steps(db *d, arena *a, int64_t id, position_step **out, size_t *n);
/* The organisations person may speak for now (see position_speaker). */
db_status position_speakers(db *d, arena *a, int64_t person, position_speaker **out, size_t *n);
/* The published entries of partner kinds (for the addressee picker). */
db_status position_institutions(db *d, arena *a, position_speaker **out, size_t *n);
/* The entries that may own positions and p may write for. */
db_status position_owners(db *d, arena *a, const principal *p, position_speaker **out, size_t *n);

/* --- weight (position_sign.c) ------------------------------------------------------ */

/* Why a weight's sums are withheld. Each rule stops a difference of two
 * things a reader can see from giving away one organisation's own figures:
 *   POS_HOLD_OPEN  the position is before submission: signatures still come
 *                  and go, and the sums before and after one signature are
 *                  that signatory's own figures; sums only once the
 *                  signatories are final (a public stage);
 *   POS_HOLD_FEW   fewer than POSITION_MIN_DISCLOSE organisations report;
 *   POS_HOLD_SIDE  one signatory's side (a cluster's members, a company
 *                  itself) leaves one or two reporting organisations
 *                  outside it: whoever speaks for that side knows its
 *                  figures and would read the others' from the sum. */
typedef enum { POS_SHOWN = 0, POS_HOLD_OPEN, POS_HOLD_FEW, POS_HOLD_SIDE } pos_withhold;

/* The weight of the live signatures: how many clusters and other
 * organisations sign, and the figures total (figures_total with
 * FIG_SCOPE_POSITION: the distinct members of the signing clusters and the
 * signing organisations themselves, each once) for year: the newest year
 * with figures whose total is covered (figures_min_coverage), else the
 * newest with figures (covered false: the page says coverage is low).
 * year 0 when no year has figures. */
typedef struct position_weight {
    int64_t clusters, orgs; /* signing clusters, signing other organisations */
    int year;
    int64_t members, reported, employees, revenue_cents, exports_cents;
    bool covered, any_demo;
    /* the sums are zeroed and never shown (a disclosure rule), why: */
    bool withheld;
    pos_withhold why;
} position_weight;
#define POSITION_MIN_DISCLOSE 3
struct digest_reader;
struct digest_period;
struct digest_part;
/* The weekly digest's section (a digest_sections[] row): the positions
 * open for signature that the reader could still sign for an organisation
 * they speak for, newest first, at most 20. */
db_status position_digest_signing(db *d, arena *a, const struct digest_reader *r,
                                  const struct digest_period *w, struct digest_part *out);

/* A position open for signature that a person could still sign. */
typedef struct position_to_sign {
    int64_t id, signatures; /* signatures: the live ones so far */
    const char *title_sr, *title_en;
} position_to_sign;
/* The positions open for signature that person could still sign for an
 * organisation they speak for (the digest section's rule), newest first,
 * at most 20, in *out (arena a). */
db_status position_open_to_sign(db *d, arena *a, int64_t person_id, position_to_sign **out,
                                size_t *n);
/* Computes it now (inside or outside a transaction). */
db_status position_weight_compute(db *d, int64_t id, position_weight *w);
/* The same, from a per-process cache keyed by the position and the data
 * versions (every signature bumps the directory version; figures and
 * memberships the figures version). */
db_status position_weight_cached(db *d, int64_t id, position_weight *w);

#endif
