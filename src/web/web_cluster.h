/* web_cluster.h: what the cluster page files share, internal to src/web
 * (the handlers are declared in web.h).
 *
 *   web_cluster_common.c   loading, text in the reader's script, facts
 *                          lists, form widgets
 *   web_cluster_view.c     the cluster section of the profile
 *                          (web_cluster_section)
 *   web_cluster_members.c  the members page: add, end
 *   web_cluster_edit.c     the edit page and its one form
 *   web_cluster_team.c     the management team: invite, end, accept
 *
 * Everything returned is request-arena memory or catalog text. */
#ifndef SCAN_WEB_CLUSTER_H
#define SCAN_WEB_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "model/cluster.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"

/* True for NULL or "". */
bool wc_empty(const char *s);
/* True for the kinds that have a cluster section: cluster and
 * cluster_initiative. */
bool wc_is_cluster_kind(const char *kind);
/* Serbian text in the reader's script (Latin for sr-Latn); NULL when s is
 * NULL or empty. */
const char *wc_text(req *r, const char *s);
/* A free text kept in Serbian and English, as the reader gets it: the
 * reader's language when it exists, else the other one (Serbian in the
 * reader's script), with its BCP 47 tag for the lang attribute (sr-Cyrl,
 * sr-Latn, en: the script is that of the text shown) and missing true
 * when the text is not in the reader's language. All NULL when neither
 * exists. */
typedef struct wc_bitext {
    const char *text, *lang;
    bool missing;
} wc_bitext;
wc_bitext wc_pick(req *r, const char *sr, const char *en);
/* Writes the small "(no English translation)" note (or "no Serbian text"
 * for Serbian readers) after a text whose b->missing is true. */
void wc_untranslated(req *r, const wc_bitext *b);
/* Loads the cluster {slug} and checks action on it; writes the 404 (not
 * a cluster, no entry) or 403 itself and returns false otherwise. */
bool wc_load(req *r, org_rec *o, right action);

/* One <dt>dt</dt><dd>...</dd> of the facts lists: the current stage with
 * the earlier ones, the SCAN membership with its history, the labels. */
void wc_stage_facts(req *r, const cluster_info *ci, msg_id dt);
void wc_scan_facts(req *r, const cluster_info *ci, msg_id dt);
void wc_label_facts(req *r, const cluster_info *ci, msg_id dt);

/* Form widgets: a date input; a select of codes (NULL-terminated) with
 * labels from label_of; a textarea; the breadcrumb and h1 of a cluster's
 * form page. hint and error may be NULL. */
void wc_date_field(req *r, const char *id, const char *name, const char *label, const char *hint,
                   const char *value, const char *error, bool required);
void wc_code_select(req *r, const char *id, const char *name, const char *label,
                    const char *const *codes, const char *(*label_of)(lang_id, const char *),
                    const char *value, const char *error, bool with_choose);
void wc_textarea(req *r, const char *id, const char *name, const char *label, const char *hint,
                 const char *value, const char *error, int rows);
void wc_form_head(req *r, const org_rec *o, const char *title, const char *crumb);
/* A share of full time in thousandths as a decimal ("0.5", "1", "0.125")
 * with the reader's decimal mark. */
const char *wc_fte_text(req *r, int fte_milli);

/* The edit page as shown after a failed post: the part that failed with
 * its values as typed and its errors (web_cluster_edit.c). */
typedef struct wc_edit_view {
    const char *part;  /* "profile", "team", or NULL */
    const char *f[24]; /* that part's fields, in its rules' order */
    const web_errs *errs;
    int64_t end_id; /* the team row whose end failed; minus the label whose
                       verification failed */
    const char *end_value, *end_error;
} wc_edit_view;

/* Writes the whole edit page of org (status as set by the caller). */
void wc_edit_page(req *r, const org_rec *org, const wc_edit_view *v);
/* Writes the management team panel of the edit page (web_cluster_team.c). */
void wc_team_panel(req *r, const org_rec *org, const cluster_info *ci, const wc_edit_view *v,
                   const char *today);
/* The value of field i of part as typed when that part failed, else
 * fallback; the errors of part, or NULL. */
const char *wc_shown(const wc_edit_view *v, const char *part, int i, const char *fallback);
const web_errs *wc_errs_of(const wc_edit_view *v, const char *part);

#endif
