/* project.h: joint projects (issue 14): a project with its programme,
 * funder (a directory entry), the call it answered, status, dates, money
 * and participants; the list with its filters; the portfolio (money raised
 * by SCAN clusters and their members) and the network of ties between
 * SCAN, clusters and partners (project_network.c).
 *
 * Tables: project and project_participant (migration 0023). Money is euro
 * cents; the co-financing share is per mille (150 = 15.0 %), entered as a
 * percentage. A participant's share is NULL when unknown and is reported
 * as unknown, never guessed. Exactly one participant is the lead.
 *
 * Visibility: a public project is seen by everyone; a private one
 * ("participants") only by the secretariat and by people with a current
 * affiliation (manager, representative) to one of its participants. Every
 * read here takes a project_viewer and applies that rule in its SQL, so a
 * private project never shows to others in a list, a page, the API, a
 * download, a count, the portfolio or the network.
 *
 * Rights (rights.c, RIGHT_PROJECT_EDIT on the lead organisation): the
 * secretariat (admin, editor) and the lead's managers and representatives
 * create and change a project; other participants' people read a private
 * project but do not change it (the lead speaks for the consortium).
 *
 * Every write is one tx_write body, audit entity "project", actions
 * project_create and project_update, bumping TX_DIRECTORY (profiles list
 * projects). A refusal is DB_CONSTRAINT with the errors under field names
 * and nothing stored. Returned strings live in the caller's arena. */
#ifndef SCAN_PROJECT_H
#define SCAN_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define PROJECT_TITLE_MAX  300
#define PROJECT_TEXT_MAX   5000
#define PROJECT_PARTS_MAX  60           /* participants in one project */
#define PROJECT_MONEY_MAX  1000000000LL /* euros: a billion */
#define PROJECT_REASON_MAX 500          /* characters of a decline's reason */

/* NULL-terminated code lists, in their display order. */
extern const char *const project_statuses[];     /* idea preparation submitted approved rejected
                                                    running closed */
extern const char *const project_roles[];        /* lead partner associate */
extern const char *const project_visibilities[]; /* public participants */

/* Who is reading: person 0 is the public. */
typedef struct project_viewer {
    int64_t person_id;
    bool secretariat;
} project_viewer;

typedef struct project_part {
    int64_t org_id;
    const char *slug, *name, *name_en, *kind, *role;
    int64_t share_cents;
    bool share_known;
    const char *consent; /* proposed, confirmed, declined (0035) */
    const char *reason;  /* a decline's reason, or NULL */
} project_part;

typedef struct project_rec {
    int64_t id;
    const char *title_sr, *title_en, *acronym, *programme;
    const char *programme_en; /* 0055: NULL when not given (readers then see programme) */
    int64_t funder_id;        /* 0: none */
    const char *funder_slug, *funder_name, *funder_name_en;
    int64_t call_id; /* 0: none */
    const char *call_title, *call_title_en;
    const char *status, *submitted_on, *starts_on, *ends_on;
    int64_t budget_cents, grant_cents, cofin_milli; /* -1: not given */
    const char *outputs_sr, *outputs_en, *visibility;
    bool is_demo;
    int64_t lead_id; /* 0: none (never after a write) */
    const char *lead_slug, *lead_name, *lead_name_en;
    project_part *parts; /* lead first, then by name; project_get only */
    size_t n_parts;
    int64_t updated_at;
    /* the funder's consent (0044): proposed, confirmed, declined; NULL when
     * there is no funder or the reader is not shown it (FUNDER_SEEN in
     * project.c: then funder_id is 0 and grant_cents -1 too) */
    const char *funder_consent, *funder_reason;
} project_rec;

/* One project as v may see it: *found false when it does not exist or v
 * may not see it (the same answer, so a private project's existence does
 * not leak). */
db_status project_get(db *d, arena *a, const project_viewer *v, int64_t id, project_rec *out,
                      bool *found);

/* Input, as typed. Participants: org is a directory entry's decimal id or
 * its slug; role one of project_roles; share an amount in euros (empty:
 * unknown). Money as typed in either habit ("1.234,56", "1234.56");
 * cofin a percentage 0..100 with at most two decimals. Errors under the
 * field names, participants' under "participants". */
typedef struct project_part_in {
    const char *org, *role, *share;
} project_part_in;

typedef struct project_input {
    const char *title_sr, *title_en, *acronym, *programme, *funder, *call, *status;
    const char *submitted_on, *starts_on, *ends_on, *budget, *grant, *cofin;
    const char *outputs_sr, *outputs_en, *visibility;
    const char *programme_en; /* optional; needs programme (FE_REQUIRED under "programme") */
    const project_part_in *parts;
    size_t n_parts;
} project_input;

/* Creates (id 0; *out_id gets the new id) or replaces project id with its
 * participants. Checks: the field table; grant <= budget; ends >= starts;
 * co-financing 0..100 %; at least one participant and exactly one lead;
 * each participant a known entry, none twice; funder and call known.
 * An unknown id: DB_DONE. The caller checks RIGHT_PROJECT_EDIT on the lead
 * before (project_lead_of for an existing project, and the new lead:
 * project_resolve_org). */
db_status project_save(db *d, int64_t id, const project_input *in, int64_t actor, const char *ip,
                       int64_t *out_id, form_errors *errs);

/* --- consent (0035) ----------------------------------------------------
 * A participant the writer does not speak for (RIGHT_TIE_CONFIRM: its
 * manager or representative; the secretariat speaks for all) is named
 * "proposed" until its people or the secretariat confirm it. Only
 * confirmed participants count: lists by cluster, sector or organisation,
 * the portfolio and the network read them alone; a project page shows
 * the others only to the secretariat and the project's people (marked
 * awaiting confirmation or declined). project_save keeps a participant's
 * consent across changes; a new one is told (notify kind tie_proposed).
 *
 * The funder the same way (0044): named by a writer who does not speak
 * for it, it is proposed, and told; a change of funder or of the grant
 * asks it again. Until it confirms, only the secretariat and the people
 * of the funder and of the participants are shown it (with the grant);
 * for everyone else the project has no funder and no grant, and the
 * grant counts nowhere (portfolio, network, the funder's profile, the
 * lists, their downloads and the API). */

/* Confirming and declining: tie_consent (tie.h, TIE_PROJECT_PARTICIPANT,
 * TIE_PROJECT_FUNDER). */
/* Projects with a participant not confirmed, newest first, at most 50,
 * parts not filled: person 0 all of them (the secretariat); with
 * to_confirm those where the person speaks for a proposed participant,
 * else those where they speak for any participant. */
db_status project_waiting(db *d, arena *a, int64_t person, bool to_confirm, project_rec **out,
                          size_t *n);

/* The current lead of project id (0 when none or no such project). */
db_status project_lead_of(db *d, int64_t id, int64_t *lead);
/* A directory entry by decimal id or slug: its id in *org_id (0: none). */
db_status project_resolve_org(db *d, const char *org, int64_t *org_id);

/* --- the list ---------------------------------------------------------- */

typedef enum {
    PROJECT_SORT_START = 0, /* newest start first (default) */
    PROJECT_SORT_TITLE,
    PROJECT_SORT_GRANT, /* largest grant first */
    PROJECT_SORT_STATUS,
} project_sort;

/* Filters; NULL or "" = any. cluster: a cluster's slug (projects where it
 * or one of its current members takes part); funder: an entry's slug;
 * sector: a NACE section letter or division of a participant; year: the
 * project runs in that year (starts_on..ends_on) or, without dates, was
 * submitted in it; org: an entry's id (its own participations). */
typedef struct project_query {
    const char *status, *programme, *funder, *cluster, *sector, *year;
    int64_t org_id;
    project_sort sort;
    int limit; /* 0: 500 */
} project_query;

/* The projects v may see that match q, sorted; parts not filled. */
db_status project_list(db *d, arena *a, const project_viewer *v, const project_query *q,
                       project_rec **out, size_t *n);

/* Choices for the filters: the programmes, funders and years of the
 * projects v may see (each list sorted; funders as "slug\tname\tname_en",
 * programmes as "programme\tprogramme_en", the English name "" when no
 * project gives one; the filter matches the Serbian name). */
typedef struct project_choices {
    const char **programmes, **funders;
    int *years;
    size_t n_programmes, n_funders, n_years;
} project_choices;
db_status project_choices_get(db *d, arena *a, const project_viewer *v, project_choices *out);

/* Facet counts for the list's filters, like the directory's: for each
 * facet, how many projects v may see match the other filters of q (the
 * facet's own filter left out) per value. A project counts once per
 * value: in each year it runs, in each NACE section of a confirmed
 * participant. Private projects count only for those who see them (the
 * list's one visibility rule). */
typedef struct project_facet_count {
    const char *value; /* status code, programme, funder slug, year, section letter */
    int64_t n;
} project_facet_count;

typedef enum {
    PROJECT_FACET_STATUS,
    PROJECT_FACET_PROGRAMME,
    PROJECT_FACET_FUNDER,
    PROJECT_FACET_SECTOR,
    PROJECT_FACET_YEAR,
    PROJECT_FACET__N
} project_facet;

typedef struct project_facets {
    project_facet_count *items[PROJECT_FACET__N];
    size_t n_items[PROJECT_FACET__N];
} project_facets;

db_status project_facets_get(db *d, arena *a, const project_viewer *v, const project_query *q,
                             project_facets *out);
/* The count of value in facet f, 0 when it has none. */
int64_t project_facet_n(const project_facets *f, project_facet which, const char *value);

/* --- the portfolio ----------------------------------------------------- */

/* "SCAN participants": SCAN itself, clusters whose SCAN status now is
 * member or founder, and their current members. A project is SCAN's when one of them takes
 * part. Money raised counts approved, running and closed projects. In a
 * total above one cluster each project counts once (its grant), each SCAN
 * participant once per project (its share); in a cluster's row each of the
 * cluster's projects once. Unknown shares are counted, not summed. */
typedef struct portfolio_year {
    int year;
    int64_t projects;       /* won: approved, running, closed, started that year */
    int64_t grant_cents;    /* their grants, each project once */
    int64_t shares_cents;   /* SCAN participants' known shares, each once */
    int64_t shares_unknown; /* SCAN participations with no share given */
    int64_t submitted, won; /* by year of submission: success = won / submitted */
} portfolio_year;

typedef struct portfolio_group {
    const char *key; /* programme, or the cluster's slug */
    const char *name, *name_en;
    int64_t projects, grant_cents, shares_cents, shares_unknown;
} portfolio_group;

typedef struct portfolio {
    portfolio_year *years; /* ascending */
    size_t n_years;
    portfolio_group *programmes; /* by grant, largest first */
    size_t n_programmes;
    portfolio_group *clusters; /* by grant, largest first */
    size_t n_clusters;
    portfolio_year total; /* year 0: all years, each project once */
} portfolio;

/* The portfolio as v may see it (private projects only for those who see
 * them), today a Belgrade date YYYY-MM-DD for "current". */
db_status project_portfolio(db *d, arena *a, const project_viewer *v, const char *today,
                            portfolio *out);

/* --- the network (project_network.c) ---------------------------------- */

/* Node kinds: SCAN itself (the cluster association), clusters (cluster,
 * cluster initiative) and partners (every other kind but companies). */
typedef struct network_node {
    int64_t id;       /* org id; 0 for a group */
    const char *slug; /* NULL for a group */
    const char *name, *name_en;
    const char *kind; /* org kind; for a group the kind it gathers */
    int ring;         /* 0 SCAN, 1 clusters, 2 partners */
    size_t n_members; /* a group's entries; 0 for an entry */
    bool funder;      /* an entry tied only as a project's funder */
} network_node;

typedef struct network_edge {
    size_t a, b; /* node indices, a < b */
    int64_t projects, agreements;
    int64_t funded; /* projects one end funds and the other takes part in */
} network_edge;

typedef struct network_query {
    const char *kind;       /* partner kind only (NULL: all) */
    int year_from, year_to; /* 0: open */
    const char *open;       /* a grouped kind to show entry by entry */
} network_query;

#define NETWORK_GROUP_OVER 60 /* a ring with more partners groups them by kind */

typedef struct network {
    network_node *nodes; /* SCAN first, then clusters, then partners, each by name */
    size_t n_nodes;
    network_edge *edges; /* by a, b */
    size_t n_edges;
    bool grouped;      /* partners were grouped by kind */
    size_t n_partners; /* partner entries with ties, before grouping; funders only: not */
    size_t n_funders;  /* entries tied only as funders */
} network;

/* Ties through the projects v may see (confirmed participants with each
 * other: projects; the funder with each participant: funded, a tie of its
 * own, so a funder is no project partner) and through agreements (parties
 * with each other; signed or expired, every party confirmed, in the years
 * asked when they have dates). Only entries with at least one tie are nodes. When more than
 * NETWORK_GROUP_OVER partners remain, each partner kind becomes one node
 * (its entries' ties summed) except q->open. */
db_status project_network(db *d, arena *a, const project_viewer *v, const network_query *q,
                          network *out);

#endif
