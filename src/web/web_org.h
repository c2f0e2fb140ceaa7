/* web_org.h: helpers shared by the directory pages (web_org_list.c,
 * web_org_view.c, web_org_edit.c) and the search page (web_system.c).
 * Internal to src/web; the handlers themselves are declared in web.h.
 *
 * Everything returned is request-arena memory or catalog text; nothing
 * here needs freeing. */
#ifndef SCAN_WEB_ORG_H
#define SCAN_WEB_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/request.h"
#include "model/org.h"

#define WEB_ORG_PER_PAGE 20

/* The reference tables a page shows labels from, loaded on first use
 * (one query per table per request) and looked up by code. */
enum { WREF_KIND, WREF_NACE, WREF_FOS, WREF_REGION, WREF_DISTRICT, WREF_GEO, WREF__COUNT };
typedef struct web_refs {
    ref_item *items[WREF__COUNT];
    size_t n[WREF__COUNT];
    bool loaded[WREF__COUNT];
    db_status st; /* the first load error, DB_OK when none */
} web_refs;

/* The model's table name for a WREF_* ("kind", "nace", ...). */
const char *web_ref_table(int t);
/* The items of table t in display order (loads them); *n gets the count.
 * NULL with *n = 0 when the load failed (refs->st says why). */
const ref_item *web_refs_items(req *r, web_refs *refs, int t, size_t *n);
/* The label of code in table t in the reader's language; the code itself
 * when unknown, NULL for a NULL or empty code. */
const char *web_refs_label(req *r, web_refs *refs, int t, const char *code);

/* Text in the reader's language from a Serbian and an English variant:
 * English readers get en, or sr when en is empty; Serbian readers get sr
 * (transliterated to Latin for sr-Latn; Latin input passes unchanged), or
 * en when sr is empty. NULL when both are empty. */
const char *web_org_text(req *r, const char *sr, const char *en);
/* The entry's display name in the reader's language (name_en for
 * English when set; the Serbian name transliterated for sr-Latn). */
const char *web_org_name(req *r, const org_rec *o);
/* Sorts n items of size bytes (arena or caller memory) alphabetically
 * in the reader's script (Serbian azbuka for Cyrillic, abeceda otherwise;
 * i18n/collate.h), by the text name_of(item) returns. Stable for equal
 * names. False when memory ran out (the items are then unchanged). */
bool web_sort_by_name(req *r, void *items, size_t n, size_t size,
                      const char *(*name_of)(const void *item));
/* Who did something, for history and logs: system (a message such as
 * MSG_AUDIT_SYSTEM) for actor 0, "Erased person" in the reader's language
 * after erasure, else name in the reader's script. Never NULL. */
const char *web_actor_name(req *r, int64_t actor_id, const char *name, bool erased, msg_id system);
/* The acronym in the reader's script (Latin for sr-Latn), NULL when none. */
const char *web_org_acronym(req *r, const org_rec *o);
/* "Municipality, District" (either may be missing), NULL when neither. */
const char *web_org_place(req *r, web_refs *refs, const org_rec *o);
/* Catalog label of a status code ("published", "draft", "archived"). */
const char *web_org_status_label(lang_id lang, const char *status);
/* Up to two letters for the monogram shown when there is no logo. */
const char *web_org_monogram(req *r, const org_rec *o);

/* Loads the entry named by the {slug} path parameter and checks that the
 * asker may see it (published, or an editor/admin, or RIGHT_ORG_EDIT on
 * it). Writes the 404/5xx response itself and returns false otherwise. */
bool web_org_load(req *r, org_rec *o);

/* Writes the summary card of one entry for lists (directory, search,
 * related entries). query, when not NULL, highlights matching words in the
 * name and the short description. */
void web_org_card(req *r, web_refs *refs, const org_rec *o, const char *query);

/* "1 entry" / "12 entries" in the reader's language, into out. */
void web_org_count_text(buf *out, lang_id lang, int64_t n);

/* Writes a pagination nav for page of pages. base is the URL of the first
 * page (raw, with or without a query string); other pages append
 * "page=N". Nothing when pages <= 1. */
void web_pagination(req *r, const char *base, int page, int pages);

/* The name in the catalog of an org_rec field as used by the forms, the
 * API and org_diff ("name", "sectors", ...); the field name itself when
 * unknown. */
const char *web_org_field_label(lang_id lang, const char *field);

/* Writes text with every word that starts with a word of query (both
 * folded with utf8_fold, so scripts and diacritics do not matter) wrapped
 * in <mark>. All text is escaped; NULL text writes nothing. */
void html_highlight(buf *out, const char *text, const char *query);

/* The current account's right to edit entry id (NULL user: false). */
bool web_org_can(req *r, int right_action, int64_t id);

/* web_org_proposal.c: proposed entries. The start page's sections: the
 * secretariat's queue with accept and decline, and a proposer's own
 * proposals with their status (true when they wrote anything; *st a
 * failed read). */
bool web_start_entry_queue(req *r, db_status *st);
bool web_start_my_proposals(req *r, db_status *st);
/* On a proposed entry's page: "pending review" or "declined: reason"
 * for whoever may see it; false when o is no open proposal (nothing
 * written). */
bool web_org_proposal_notice(req *r, const org_rec *o);
/* True when the reader proposed draft entry o (they may see it). */
bool web_org_proposer_of(req *r, const org_rec *o);
/* True when o is a draft whose proposal waits for the secretariat. */
bool web_org_proposal_pending(req *r, const org_rec *o);

/* --- choosing an entry without script (web_pick.c) ---------------------- */

/* Beside a field named name (element id id) whose words found no single
 * entry: a select <name>_choice of the published entries a search of the
 * words finds (at most 12, best first, each with its kind), unchosen;
 * nothing when the search finds none. */
db_status web_org_choices(req *r, const char *id, const char *name, const char *typed);
/* The address chosen in <name>_choice of a posted form, or NULL. */
const char *web_org_choice_get(const form *f, const char *name);

typedef enum {
    WEB_PICK_EMPTY,   /* nothing typed or picked */
    WEB_PICK_FOUND,   /* *o is the entry */
    WEB_PICK_CHOOSE,  /* several entries (or only near ones) match: show web_org_choices */
    WEB_PICK_UNKNOWN, /* no entry matches */
} web_pick;

/* The entry a form field names, the same way in every form: picked (the
 * address from <name>_choice or the typeahead's <name>_pick) when it names
 * one, else typed as an address (a slug, or a link ending in one), else as
 * a name: the Serbian name in Cyrillic or Latin, with or without
 * diacritics, or the English name, each compared after utf8_fold. Only
 * published entries, and archived ones when archived_ok. *o (arena
 * strings) is set when *out is WEB_PICK_FOUND. */
db_status web_org_resolve(req *r, const char *typed, const char *picked, bool archived_ok,
                          org_rec *o, web_pick *out);

#endif
