/* web_project.c: joint projects (issue 14).
 *
 *   GET  /projects               the list: filters (status, programme,
 *                                funder, cluster, sector, year), sorting,
 *                                CSV/XLSX (?format=)
 *   GET  /projects/new           the form for a new project
 *   POST /projects               create
 *   GET  /projects/{id}          a project's page
 *   GET  /projects/{id}/edit     the form with the project
 *   POST /projects/{id}          save
 *
 * The form and its writes are web_project_form.c's, sharing
 * web_project_internal.h.
 *
 * Reading: everyone sees public projects; private ones only the
 * secretariat and the participants' people (project.h; a private project
 * is a 404 to others, like one that does not exist). Writing: the
 * secretariat and the lead's managers and representatives
 * (RIGHT_PROJECT_EDIT on the lead, before and after the change). A refused
 * post shows the form again (422) as typed, each error beside its field.
 * Also web_projects_section(), the projects of an entry for its profile.
 * The portfolio and the network are in web_project_stats.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/call.h"
#include "model/org.h"
#include "model/project.h"
#include "model/rights.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"
#include "web/web_project.h"
#include "web/web_tie.h"
#include "web/web_project_internal.h"

project_viewer web_project_viewer(req *r)
{
    project_viewer v = {0, false};
    if (r->user) {
        v.person_id = r->user->person_id;
        v.secretariat = r->user->secretariat != SEC_NONE;
    }
    return v;
}

const char *web_project_status_label(lang_id L, const char *code)
{
    static const msg_id ids[] = {MSG_PJ_ST_IDEA,     MSG_PJ_ST_PREPARATION, MSG_PJ_ST_SUBMITTED,
                                 MSG_PJ_ST_APPROVED, MSG_PJ_ST_REJECTED,    MSG_PJ_ST_RUNNING,
                                 MSG_PJ_ST_CLOSED};
    for (size_t i = 0; project_statuses[i]; i++)
        if (code && strcmp(code, project_statuses[i]) == 0)
            return T(L, ids[i]);
    return code ? code : "";
}

const char *wproj_role_label(lang_id L, const char *code)
{
    static const msg_id ids[] = {MSG_PJ_ROLE_LEAD, MSG_PJ_ROLE_PARTNER, MSG_PJ_ROLE_ASSOCIATE};
    for (size_t i = 0; project_roles[i]; i++)
        if (code && strcmp(code, project_roles[i]) == 0)
            return T(L, ids[i]);
    return code ? code : "";
}

static const char *money(req *r, int64_t cents)
{
    if (cents < 0)
        return T(r->lang, MSG_PJ_UNKNOWN);
    buf b = BUF_INIT;
    i18n_fmt_money(&b, r->lang, cents, "EUR", cents % 100 == 0);
    const char *s = arena_strdup(r->a, buf_failed(&b) ? "" : buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

const char *wproj_title(req *r, const project_rec *p)
{
    const char *t = web_org_text(r, p->title_sr, p->title_en);
    return t ? t : "";
}

bool web_project_cache(req *r, const char *name, const char **key, int64_t *version)
{
    *key = NULL;
    *version = 0;
    if (r->user || (req_query(r, "format") && *req_query(r, "format")))
        /* never from the cache; on the I/O thread (no database) this
         * hands the request to a worker */
        return web_cache_serve(r, NULL, 0);
    db_status st = org_directory_version(r->db, version);
    if (st != DB_OK) {
        resp_fail(r, st, "org_directory_version");
        return true;
    }
    *key =
        arena_printf(r->a, "%s|%s|%s", name, i18n_tag(r->lang), r->query_raw ? r->query_raw : "");
    return *key && web_cache_serve(r, *key, *version);
}

void web_project_cache_keep(req *r, const char *key, int64_t version)
{
    if (key && !buf_failed(&r->out)) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}

bool wproj_may_edit(req *r, int64_t lead)
{
    return r->user && lead && rights_can(r->db, r->user, RIGHT_PROJECT_EDIT, lead);
}

/* Whether the reader could ever save a new project: the secretariat, or
 * someone who may lead one (RIGHT_PROJECT_EDIT for some entry). */
bool wproj_may_start(req *r)
{
    return r->user && rights_can(r->db, r->user, RIGHT_PROJECT_EDIT, 0);
}

/* --- the list ------------------------------------------------------------------------ */

#define PROJECT_PAGE_ROWS 200 /* rows on the page; downloads have every match */

static const char *const sort_names[] = {"start", "title", "grant", "status", NULL};

static void select_open(req *r, const char *id, const char *label)
{
    html_fmt(&r->out,
             "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", id,
             label, id, id + 2);
}

static void option(req *r, const char *value, const char *label, const char *current)
{
    html_fmt(&r->out, "<option value=\"%s\"%R>%s</option>", value,
             current && strcmp(current, value) == 0 ? " selected" : "", label);
}

/* A facet's option with its count, as the directory's filters: left out
 * when no project matches under the other filters, unless chosen. */
static void option_n(req *r, const project_facets *fc, project_facet f, const char *value,
                     const char *label, const char *current)
{
    int64_t n = project_facet_n(fc, f, value);
    bool chosen = current && strcmp(current, value) == 0;
    if (n == 0 && !chosen)
        return;
    buf num = BUF_INIT;
    i18n_fmt_int(&num, r->lang, n);
    html_fmt(&r->out, "<option value=\"%s\"%R>%s (%s)</option>", value, chosen ? " selected" : "",
             label, buf_failed(&num) ? "" : buf_str(&num));
    buf_free(&num);
}

/* The filter form: GET, so a filtered list has its own address. */
static void filter_form(req *r, const project_query *q, const project_choices *c,
                        const project_facets *fc, const char *sort)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o,
             "<form class=\"form filters project-filters\" method=\"get\" action=\"/projects\">"
             "<fieldset><legend>%s</legend><div class=\"filter-grid\">",
             T(L, MSG_PJ_FILTERS));
    select_open(r, "f-status", T(L, MSG_PJ_L_STATUS));
    option(r, "", T(L, MSG_PJ_ANY), q->status);
    for (size_t i = 0; project_statuses[i]; i++)
        option_n(r, fc, PROJECT_FACET_STATUS, project_statuses[i],
                 web_project_status_label(L, project_statuses[i]), q->status);
    html_raw(o, "</select></div>");
    select_open(r, "f-programme", T(L, MSG_PJ_L_PROGRAMME));
    option(r, "", T(L, MSG_PJ_ANY), q->programme);
    for (size_t i = 0; i < c->n_programmes; i++) {
        char *sr = arena_strdup(r->a, c->programmes[i]); /* "programme\tprogramme_en" */
        char *en = sr ? strchr(sr, '\t') : NULL;
        if (!en)
            continue;
        *en++ = '\0';
        option_n(r, fc, PROJECT_FACET_PROGRAMME, sr, web_org_text(r, sr, en), q->programme);
    }
    html_raw(o, "</select></div>");
    select_open(r, "f-funder", T(L, MSG_PJ_L_FUNDER));
    option(r, "", T(L, MSG_PJ_ANY), q->funder);
    for (size_t i = 0; i < c->n_funders; i++) {
        char *slug = arena_strdup(r->a, c->funders[i]);
        char *name = slug ? strchr(slug, '\t') : NULL;
        char *name_en = name ? strchr(name + 1, '\t') : NULL;
        if (!name || !name_en)
            continue;
        *name++ = '\0';
        *name_en++ = '\0';
        option_n(r, fc, PROJECT_FACET_FUNDER, slug, web_org_text(r, name, name_en), q->funder);
    }
    html_raw(o, "</select></div>");
    html_fmt(o,
             "<div class=\"field\"><label for=\"f-cluster\">%s</label><input id=\"f-cluster\" "
             "name=\"cluster\" type=\"text\" value=\"%s\" maxlength=\"100\"></div>",
             T(L, MSG_PJ_L_CLUSTER), q->cluster ? q->cluster : "");
    web_refs refs = {0};
    size_t n_nace = 0;
    const ref_item *nace = web_refs_items(r, &refs, WREF_NACE, &n_nace);
    select_open(r, "f-sector", T(L, MSG_PJ_L_SECTOR));
    option(r, "", T(L, MSG_PJ_ANY), q->sector);
    for (size_t i = 0; nace && i < n_nace; i++)
        if (strlen(nace[i].code) == 1)
            option_n(r, fc, PROJECT_FACET_SECTOR, nace[i].code,
                     web_refs_label(r, &refs, WREF_NACE, nace[i].code), q->sector);
    html_raw(o, "</select></div>");
    select_open(r, "f-year", T(L, MSG_PJ_L_YEAR));
    option(r, "", T(L, MSG_PJ_ANY), q->year);
    for (size_t i = 0; i < c->n_years; i++) {
        const char *y = arena_printf(r->a, "%d", c->years[i]);
        option_n(r, fc, PROJECT_FACET_YEAR, y, y, q->year);
    }
    html_raw(o, "</select></div>");
    static const msg_id sort_labels[] = {MSG_PJ_SORT_START, MSG_PJ_SORT_TITLE, MSG_PJ_SORT_GRANT,
                                         MSG_PJ_SORT_STATUS};
    select_open(r, "f-sort", T(L, MSG_PJ_L_SORT));
    for (size_t i = 0; sort_names[i]; i++)
        option(r, sort_names[i], T(L, sort_labels[i]), sort ? sort : "start");
    html_fmt(o,
             "</select></div></div><div class=\"form-actions\"><button type=\"submit\">%s</button>"
             " <a href=\"/projects\">%s</a></div></fieldset></form>\n",
             T(L, MSG_PJ_APPLY), T(L, MSG_PJ_CLEAR));
}

/* The list as a table (links on the page, plain text in the files). */
static table *list_table(req *r, const project_rec *p, size_t n)
{
    lang_id L = r->lang;
    const table_col cols[] = {
        {T(L, MSG_PJ_COL_TITLE), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_ACRONYM), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_PROGRAMME), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_FUNDER), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_ROLE_LEAD), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_STATUS), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_STARTS), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_ENDS), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_L_BUDGET), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_PJ_L_GRANT), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
    };
    table *t = table_new(r->a, T(L, MSG_PJ_LIST_TITLE), cols, sizeof cols / sizeof *cols);
    for (size_t i = 0; t && i < n; i++) {
        const project_rec *x = &p[i];
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, wproj_title(r, x),
                       arena_printf(r->a, "/projects/%lld", (long long)x->id));
        table_set_text(t, row, 1, x->acronym ? web_org_text(r, x->acronym, NULL) : NULL);
        table_set_text(t, row, 2, web_org_text(r, x->programme, x->programme_en));
        if (x->funder_slug)
            table_set_link(t, row, 3, web_org_text(r, x->funder_name, x->funder_name_en),
                           arena_printf(r->a, "/orgs/%s", x->funder_slug));
        if (x->lead_slug)
            table_set_link(t, row, 4, web_org_text(r, x->lead_name, x->lead_name_en),
                           arena_printf(r->a, "/orgs/%s", x->lead_slug));
        table_set_text(t, row, 5, web_project_status_label(L, x->status));
        table_set_text(t, row, 6, x->starts_on);
        table_set_text(t, row, 7, x->ends_on);
        if (x->budget_cents >= 0)
            table_set_int(t, row, 8, x->budget_cents);
        if (x->grant_cents >= 0)
            table_set_int(t, row, 9, x->grant_cents);
    }
    return t;
}

static const char *query_or_null(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

void web_project_list(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *key;
    int64_t version;
    if (web_project_cache(r, "projects", &key, &version))
        return;
    project_viewer v = web_project_viewer(r);
    const char *sort = query_or_null(r, "sort");
    project_query q = {.status = query_or_null(r, "status"),
                       .programme = query_or_null(r, "programme"),
                       .funder = query_or_null(r, "funder"),
                       .cluster = query_or_null(r, "cluster"),
                       .sector = query_or_null(r, "sector"),
                       .year = query_or_null(r, "year"),
                       .limit = query_or_null(r, "format") ? 100000 : PROJECT_PAGE_ROWS};
    for (size_t i = 0; sort && sort_names[i]; i++)
        if (strcmp(sort, sort_names[i]) == 0)
            q.sort = (project_sort)i;
    project_rec *p = NULL;
    size_t n = 0;
    project_choices c;
    db_status st = project_list(r->db, r->a, &v, &q, &p, &n);
    if (st == DB_OK)
        st = project_choices_get(r->db, r->a, &v, &c);
    project_facets fc = {0};
    bool download = query_or_null(r, "format") != NULL;
    if (st == DB_OK && !download)
        st = project_facets_get(r->db, r->a, &v, &q, &fc);
    if (st != DB_OK) {
        resp_fail(r, st, "project_list");
        return;
    }
    table *t = list_table(r, p, n);
    if (!t || t->failed) {
        resp_fail(r, DB_NOMEM, "project table");
        return;
    }
    if (table_respond(r, t, "projects"))
        return;
    page_meta pm = {.title = T(L, MSG_PJ_LIST_TITLE), .nav = "projects"};
    layout_begin(r, &pm);
    html_fmt(o, "<h1>%s</h1><p class=\"lead\">%s</p>", T(L, MSG_PJ_LIST_TITLE),
             T(L, MSG_PJ_LIST_LEAD));
    html_fmt(o,
             "<p class=\"page-links\"><a href=\"/projects/portfolio\">%s</a> · "
             "<a href=\"/network\">%s</a>",
             T(L, MSG_PJ_PORTFOLIO_TITLE), T(L, MSG_PJ_NET_TITLE));
    if (wproj_may_start(r)) /* no link to a form the reader could never save */
        html_fmt(o, " · <a href=\"/projects/new\">%s</a>", T(L, MSG_PJ_NEW));
    html_raw(o, "</p>");
    filter_form(r, &q, &c, &fc, sort);
    html_fmt(o, "<p class=\"count\" role=\"status\">%s</p>",
             arena_printf(r->a, T(L, MSG_PJ_COUNT), (int)n));
    if (n == PROJECT_PAGE_ROWS)
        html_fmt(o, "<p class=\"note\">%s</p>",
                 arena_printf(r->a, T(L, MSG_PJ_FIRST_N), PROJECT_PAGE_ROWS));
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_PJ_NONE));
    } else {
        table_html(o, L, t);
        buf url = BUF_INIT;
        buf_puts(&url, "/projects");
        if (r->query_raw && *r->query_raw)
            buf_printf(&url, "?%s", r->query_raw);
        table_download_links(o, L, buf_failed(&url) ? "/projects" : buf_str(&url),
                             T(L, MSG_PJ_LIST_TITLE));
        buf_free(&url);
    }
    layout_end(r);
    web_project_cache_keep(r, key, version);
}

/* --- a project's page ------------------------------------------------------------------ */

bool wproj_param_id(req *r, int64_t *id)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        resp_error(r, 404, T(r->lang, MSG_PJ_NOT_FOUND));
        return false;
    }
    *id = v;
    return true;
}

/* Loads the project {id} as the reader may see it; false after the 404. */
bool wproj_load(req *r, project_rec *p)
{
    int64_t id;
    if (!wproj_param_id(r, &id))
        return false;
    project_viewer v = web_project_viewer(r);
    bool found = false;
    db_status st = project_get(r->db, r->a, &v, id, p, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "project_get");
        return false;
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_PJ_NOT_FOUND));
        return false;
    }
    return true;
}

static void fact(req *r, msg_id label, const char *value)
{
    if (value && *value)
        html_fmt(&r->out, "<dt>%s</dt><dd>%s</dd>", T(r->lang, label), value);
}

/* The consent panel (#consent) of a project with participants not
 * confirmed (only they and the project's people see those rows). */
static void consent_section(req *r, const project_rec *p, const char *error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool funder = p->funder_consent && strcmp(p->funder_consent, "confirmed") != 0;
    bool any = funder;
    for (size_t i = 0; i < p->n_parts; i++)
        any |= p->parts[i].consent && strcmp(p->parts[i].consent, "confirmed") != 0;
    if (!any)
        return;
    const char *action = arena_printf(r->a, "/projects/%lld/consent", (long long)p->id);
    html_fmt(o,
             "<section class=\"panel consent\" id=\"consent\" aria-labelledby=\"pj-consent\">"
             "<h2 id=\"pj-consent\">%s</h2><p>%s</p><ul class=\"plain\">",
             T(L, MSG_TIE_AWAITING), T(L, funder ? MSG_TIE_FUNDER_HIDDEN : MSG_TIE_PJ_HIDDEN));
    if (funder) { /* the funder first: the grant is named in its name */
        const char *name = web_org_text(r, p->funder_name, p->funder_name_en);
        html_fmt(o, "<li>%s",
                 arena_printf(r->a,
                              T(L, strcmp(p->funder_consent, "declined") == 0
                                       ? MSG_TIE_FUNDER_DECLINED_BY
                                       : MSG_TIE_FUNDER_AWAITING_BY),
                              name));
        if (p->funder_reason)
            html_fmt(o, " <q>%s</q>", p->funder_reason);
        if (strcmp(p->funder_consent, "proposed") == 0 && r->user &&
            rights_can(r->db, r->user, RIGHT_TIE_CONFIRM, p->funder_id))
            web_tie_forms(r, action, TIE_PROJECT_FUNDER, p->funder_id, name, error);
        html_raw(o, "</li>");
    }
    for (size_t i = 0; i < p->n_parts; i++) {
        const project_part *x = &p->parts[i];
        if (!x->consent || strcmp(x->consent, "confirmed") == 0)
            continue;
        const char *name = web_org_text(r, x->name, x->name_en);
        html_fmt(o, "<li>%s",
                 arena_printf(r->a,
                              T(L, strcmp(x->consent, "declined") == 0 ? MSG_TIE_DECLINED_BY
                                                                       : MSG_TIE_AWAITING_BY),
                              name));
        if (x->reason)
            html_fmt(o, " <q>%s</q>", x->reason);
        if (strcmp(x->consent, "proposed") == 0 && r->user &&
            rights_can(r->db, r->user, RIGHT_TIE_CONFIRM, x->org_id))
            web_tie_forms(r, action, TIE_PROJECT_PARTICIPANT, x->org_id, name, error);
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></section>");
}

static void project_page(req *r, const project_rec *pp, const char *consent_error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    project_rec p = *pp;
    const char *title = wproj_title(r, &p);
    page_meta pm = {.title = title, .nav = "projects"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<nav class=\"crumbs\" aria-label=\"%s\"><a href=\"/projects\">%s</a></nav>"
             "<h1>%s",
             T(L, MSG_PJ_CRUMBS), T(L, MSG_PJ_LIST_TITLE), title);
    if (p.acronym)
        html_fmt(o, " <span class=\"muted\">(%s)</span>", web_org_text(r, p.acronym, NULL));
    html_raw(o, "</h1>");
    bool awaiting = p.funder_consent && strcmp(p.funder_consent, "confirmed") != 0;
    for (size_t i = 0; i < p.n_parts; i++)
        awaiting |= p.parts[i].consent && strcmp(p.parts[i].consent, "confirmed") != 0;
    if (req_query(r, "saved"))
        web_notice(r, T(L, awaiting ? MSG_TIE_PJ_SAVED_AWAITING : MSG_PJ_SAVED));
    else if (req_query(r, "confirmed"))
        web_notice(r, T(L, MSG_TIE_CONFIRMED));
    else if (req_query(r, "declined"))
        web_notice(r, T(L, MSG_TIE_DECLINED));
    consent_section(r, &p, consent_error);
    if (p.is_demo)
        html_fmt(o, "<p class=\"demo-note\">%s</p>", T(L, MSG_PJ_DEMO));
    if (strcmp(p.visibility, "participants") == 0)
        html_fmt(o, "<p class=\"badge private\">%s</p>", T(L, MSG_PJ_VIS_PARTICIPANTS));
    html_raw(o, "<dl class=\"facts project-facts\">");
    fact(r, MSG_PJ_L_STATUS, web_project_status_label(L, p.status));
    fact(r, MSG_PJ_L_PROGRAMME, web_org_text(r, p.programme, p.programme_en));
    if (p.funder_slug) {
        html_fmt(o, "<dt>%s</dt><dd><a href=\"/orgs/%q\">%s</a>", T(L, MSG_PJ_L_FUNDER),
                 p.funder_slug, web_org_text(r, p.funder_name, p.funder_name_en));
        web_tie_mark(r, p.funder_consent, NULL);
        html_raw(o, "</dd>");
    }
    if (p.call_id)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_PJ_L_CALL),
                 web_org_text(r, p.call_title, p.call_title_en));
    fact(r, MSG_PJ_L_SUBMITTED, p.submitted_on ? wf_ymd(r, p.submitted_on) : NULL);
    fact(r, MSG_PJ_L_STARTS, p.starts_on ? wf_ymd(r, p.starts_on) : NULL);
    fact(r, MSG_PJ_L_ENDS, p.ends_on ? wf_ymd(r, p.ends_on) : NULL);
    fact(r, MSG_PJ_L_BUDGET, money(r, p.budget_cents));
    fact(r, MSG_PJ_L_GRANT, money(r, p.grant_cents));
    if (p.cofin_milli >= 0)
        fact(r, MSG_PJ_L_COFIN,
             arena_printf(r->a, "%d%s%d %%", (int)(p.cofin_milli / 10), L == LANG_EN ? "." : ",",
                          (int)(p.cofin_milli % 10)));
    html_raw(o, "</dl>");
    html_fmt(o,
             "<h2>%s</h2><div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\" "
             "class=\"num\">%s</th></tr></thead><tbody>",
             T(L, MSG_PJ_PARTICIPANTS), T(L, MSG_PJ_COL_ORG), T(L, MSG_PJ_COL_ROLE),
             T(L, MSG_PJ_COL_SHARE));
    for (size_t i = 0; i < p.n_parts; i++) {
        const project_part *x = &p.parts[i];
        html_fmt(o, "<tr><th scope=\"row\"><a href=\"/orgs/%q\">%s</a>", x->slug,
                 web_org_text(r, x->name, x->name_en));
        web_tie_mark(r, x->consent, NULL);
        html_fmt(o, "</th><td>%s</td><td class=\"num\">%s</td></tr>", wproj_role_label(L, x->role),
                 money(r, x->share_known ? x->share_cents : -1));
    }
    html_raw(o, "</tbody></table></div>");
    const char *outputs = web_org_text(r, p.outputs_sr, p.outputs_en);
    if (outputs)
        html_fmt(o, "<h2>%s</h2><p class=\"prewrap\">%s</p>", T(L, MSG_PJ_L_OUTPUTS), outputs);
    if (wproj_may_edit(r, p.lead_id))
        html_fmt(o, "<p><a class=\"button\" href=\"/projects/%D/edit\">%s</a></p>", (long long)p.id,
                 T(L, MSG_PJ_EDIT));
    html_fmt(
        o,
        "<p class=\"small\"><a href=\"/projects\">%s</a> · <a href=\"/projects/portfolio\">%s</a>"
        " · <a href=\"/network\">%s</a></p>",
        T(L, MSG_TIE_BACK_PROJECTS), T(L, MSG_PJ_PORTFOLIO_TITLE), T(L, MSG_PJ_NET_TITLE));
    layout_end(r);
}

void web_project_page(req *r)
{
    project_rec p;
    if (wproj_load(r, &p))
        project_page(r, &p, NULL);
}

static void page_again(req *r, const void *p, const char *consent_error)
{
    project_page(r, p, consent_error);
}

/* Whether the reader may still read project id (after a decline). A
 * failed read counts as seen: the page then says what went wrong. */
static bool still_seen(req *r, int64_t id)
{
    project_viewer v = web_project_viewer(r);
    project_rec p;
    bool found = true;
    if (project_get(r->db, r->a, &v, id, &p, &found) != DB_OK)
        return true;
    return found;
}

/* POST /projects/{id}/consent: org (a participant's or the funder's id),
 * as (participant, the default, or funder), decision (confirm or
 * decline), reason (decline, optional): web_tie_answer (404 when the
 * project is not the reader's to see or org is not so named; 403 unless
 * the reader speaks for org; 409 when it answered already). */
void web_project_consent(req *r)
{
    project_rec p;
    form f;
    if (!wproj_load(r, &p) || !req_body_form(r, &f))
        return;
    static const tie_kind kinds[] = {TIE_PROJECT_PARTICIPANT, TIE_PROJECT_FUNDER};
    web_tie_answer(r, &f,
                   &(web_tie_post){kinds, 2, p.id,
                                   arena_printf(r->a, "/projects/%lld", (long long)p.id),
                                   T(r->lang, MSG_PJ_NOT_FOUND), page_again, &p, still_seen});
}

/* --- an entry's projects ------------------------------------------------------------------ */

bool web_projects_section(req *r, int64_t org_id)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    project_viewer v = web_project_viewer(r);
    project_query q = {.org_id = org_id, .limit = 50};
    project_rec *p = NULL;
    size_t n = 0;
    if (project_list(r->db, r->a, &v, &q, &p, &n) != DB_OK || n == 0)
        return false;
    html_fmt(o,
             "<section class=\"panel org-projects\" aria-labelledby=\"org-projects-title\">"
             "<h2 id=\"org-projects-title\">%s</h2><ul class=\"project-list\">",
             T(L, MSG_PJ_SECTION));
    for (size_t i = 0; i < n; i++)
        html_fmt(o, "<li><a href=\"/projects/%D\">%s</a> · %s%R%s</li>", (long long)p[i].id,
                 wproj_title(r, &p[i]), web_project_status_label(L, p[i].status),
                 p[i].programme ? " · " : "",
                 p[i].programme ? web_org_text(r, p[i].programme, p[i].programme_en) : "");
    html_raw(o, "</ul></section>\n");
    return true;
}

/* --- a funder's profile ----------------------------------------------------------------- */

/* Kinds that fund rather than apply: donors and public authorities. */
static bool funder_kind(const char *kind)
{
    return kind && (strcmp(kind, "donor") == 0 || strcmp(kind, "public_authority") == 0);
}

bool web_funder_section(req *r, const struct org_rec *o)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    if (!funder_kind(o->kind))
        return false;
    project_viewer v = web_project_viewer(r);
    project_query q = {.funder = o->slug, .limit = 50};
    project_rec *p = NULL;
    size_t n_p = 0;
    call_filter open = {.funder = o->slug, .limit = 20},
                past = {.funder = o->slug, .archive = true, .limit = 1};
    call_rec *c = NULL, *c_past = NULL;
    size_t n_c = 0, n_past = 0;
    int64_t total_open = 0, total_past = 0;
    db_status st = project_list(r->db, r->a, &v, &q, &p, &n_p);
    if (st == DB_OK)
        st = call_list(r->db, r->a, &open, &c, &n_c, &total_open);
    if (st == DB_OK)
        st = call_list(r->db, r->a, &past, &c_past, &n_past, &total_past);
    if (st != DB_OK) {
        resp_fail(r, st, "web_funder_section");
        return false;
    }
    if (n_p == 0 && total_open == 0 && total_past == 0)
        return false; /* funds nothing the platform knows: not a funder here */
    html_fmt(out,
             "<section class=\"panel funder\" aria-labelledby=\"funder-calls\"><h2 "
             "id=\"funder-calls\">%s <span class=\"count\">%D</span></h2>",
             T(L, MSG_FUNDER_CALLS), (long long)total_open);
    if (n_c == 0) {
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_FUNDER_NO_OPEN));
    } else {
        html_raw(out, "<ul class=\"project-list\">");
        for (size_t i = 0; i < n_c; i++) {
            html_fmt(out, "<li><a href=\"/calls/%D\">%s</a> · %s ", (long long)c[i].id,
                     web_org_text(r, c[i].title_sr, c[i].title_en), T(L, MSG_FUNDER_DEADLINE));
            web_datetime(r, c[i].deadline_at, MSG_PJ_UNKNOWN);
            html_raw(out, "</li>");
        }
        html_raw(out, "</ul>");
    }
    html_fmt(out, "<p class=\"small\"><a href=\"/calls?funder=%q\">%s</a>", o->slug,
             T(L, MSG_FUNDER_ALL_OPEN));
    if (total_past)
        html_fmt(out, " · <a href=\"/calls/archive?funder=%q\">%s</a>", o->slug,
                 arena_printf(r->a, T(L, MSG_FUNDER_PAST), (int)total_past));
    html_raw(out, "</p></section>\n");
    html_fmt(out,
             "<section class=\"panel funder\" aria-labelledby=\"funder-projects\"><h2 "
             "id=\"funder-projects\">%s <span class=\"count\">%d</span></h2>",
             T(L, MSG_FUNDER_PROJECTS), (int)n_p);
    if (n_p == 0) {
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_FUNDER_NO_PROJECTS));
    } else {
        html_raw(out, "<ul class=\"project-list\">");
        for (size_t i = 0; i < n_p; i++) {
            html_fmt(out, "<li><a href=\"/projects/%D\">%s</a> · %s", (long long)p[i].id,
                     wproj_title(r, &p[i]), web_project_status_label(L, p[i].status));
            web_tie_mark(r, p[i].funder_consent, NULL); /* only its people see one waiting */
            if (p[i].lead_slug)
                html_fmt(out, " · %s <a href=\"/orgs/%q\">%s</a>", T(L, MSG_FUNDER_LED_BY),
                         p[i].lead_slug, web_org_text(r, p[i].lead_name, p[i].lead_name_en));
            if (p[i].grant_cents >= 0)
                html_fmt(out, " · %s", money(r, p[i].grant_cents));
            html_raw(out, "</li>");
        }
        html_raw(out, "</ul>");
    }
    html_fmt(out, "<p class=\"small\"><a href=\"/projects?funder=%q\">%s</a></p></section>\n",
             o->slug, T(L, MSG_FUNDER_ALL_PROJECTS));
    return true;
}
