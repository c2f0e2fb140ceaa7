/* web_figures.h: what the figures pages (web_figures.c,
 * web_figures_import.c) and the cluster pages (web_cluster.c) share: headline numbers with their
 * provenance, the trend charts with their table, dates and codes in the reader's language, and the
 * cache key of pages built from directory and figures data. Internal to src/web; the handlers
 * themselves are declared in web.h.
 *
 * Defined in web_figures_common.c. Everything returned is request-arena memory or catalog text;
 * nothing here needs freeing. Data comes from model/figures.h and model/cluster.h; this file only
 * shapes it for reading. */
#ifndef SCAN_WEB_FIGURES_H
#define SCAN_WEB_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/request.h"
#include "model/figures.h"
#include "model/org.h"
#include "web/table.h"

/* The years the figures pages accept. */
#define FIG_YEAR_FIRST 1990
#define FIG_YEAR_LAST  2100

/* Appends a 'YYYY-MM-DD' date in the reader's style ("2 Aug 2016",
 * "2. 8. 2016."); the text itself when it is not such a date, nothing for
 * NULL. */
void wf_fmt_ymd(buf *out, lang_id lang, const char *ymd);
/* The same as an arena string ("" when the arena is out of memory). */
const char *wf_ymd(req *r, const char *ymd);
/* Today in Belgrade as 'YYYY-MM-DD' into out[11] ("" when the clock
 * cannot be read), and this calendar year. */
void wf_today(char out[11]);
int wf_this_year(void);

/* Catalog labels of the model's codes; the code itself when unknown. */
const char *wf_stage_label(lang_id lang, const char *stage);
const char *wf_scan_status_label(lang_id lang, const char *status);
const char *wf_label_label(lang_id lang, const char *label);
const char *wf_role_label(lang_id lang, const char *role);
const char *wf_size_label(lang_id lang, const char *size_class);
const char *wf_source_label(lang_id lang, const char *source);

/* Begins a page under /figures (layout_begin, nav "figures"): the
 * breadcrumb Figures > title, and the page head with title as h1 and the
 * lead. */
void wf_page_begin(req *r, const char *title, const char *lead);
/* The "Illustrative demo data" notice (role=note), for pages that show
 * any figure with is_demo. */
void wf_demo_notice(req *r);

/* The headline of one ungrouped total t: employees, revenue, exports and
 * export share with the change from the year before, then the provenance
 * line ("computed from N members' reported figures; M did not report; V%
 * verified"). The caller writes the section and its heading. Nothing is
 * filled in for members who did not report; with no report at all, a
 * sentence says so instead of the numbers. */
void wf_headline(req *r, const figure_total *t);

/* The trend over the years of rows (ascending, n of them): a table with
 * year, members, reported, employees, revenue, exports and export share
 * (arena; NULL on OOM). */
table *wf_trend_table(req *r, const figure_total *rows, size_t n, const char *title);
/* Two line charts of rows: employees, and revenue with exports. id_prefix
 * makes the chart ids unique on the page; table_id is the id of the table
 * beside them. */
void wf_trend_charts(req *r, const figure_total *rows, size_t n, const char *id_prefix,
                     const char *subtitle, const char *table_id);
/* How many of the trend's rows (ascending) its charts and table show: up
 * to the newest year with adequate coverage (figure_total.covered, the
 * rule of figures_default_year), so a year few members have reported for
 * is never drawn as if comparable; all of them when no year is covered
 * (as figures_default_year then falls back to the newest). */
size_t wf_trend_shown(const figure_total *rows, size_t n);
/* When wf_trend_shown cut years off, a sentence saying why: the newest
 * year left out, and how many of its members have reported. */
void wf_trend_cut_note(req *r, const figure_total *rows, size_t n, size_t shown);

/* The label of every row of a grouping in the reader's language (a
 * cluster's name, a NACE section with its letter, a region; "not
 * classified" for '?'), looked up once: an arena array, NULL on OOM. */
const char **wf_group_labels(req *r, figure_group g, const figure_total *rows, size_t n);
/* The versions a page built from directory and figures data depends on
 * (*ok false after writing the 5xx), and the key of its anonymous render:
 * prefix, directory version, language and the full URL. The figures
 * version is the page_cache version. NULL key on OOM (then do not cache). */
const char *wf_cache_key(req *r, const char *prefix, int64_t *figures_version, bool *ok);

/* The URL of this page (path and raw query) plus "table=id", for
 * table_download_links() (arena). */
const char *wf_table_url(req *r, const char *base, const char *table_id);

/* A cluster or cluster initiative (the kinds that import members'
 * figures). */
bool wf_is_cluster_kind(const char *kind);
/* Loads the organisation {slug} into *org and checks RIGHT_FIGURES_EDIT on
 * it; false after writing the 404 or 403. */
bool wf_load_for_figures(req *r, org_rec *org);

#endif
