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

static const char *role_label(lang_id L, const char *code)
{
    static const msg_id ids[] = {MSG_PJ_ROLE_LEAD, MSG_PJ_ROLE_PARTNER, MSG_PJ_ROLE_ASSOCIATE};
    for (size_t i = 0; project_roles[i]; i++)
        if (code && strcmp(code, project_roles[i]) == 0)
            return T(L, ids[i]);
    return code ? code : "";
}

static const char *visibility_label(lang_id L, const char *code)
{
    return T(L, code && strcmp(code, "participants") == 0 ? MSG_PJ_VIS_PARTICIPANTS
                                                          : MSG_PJ_VIS_PUBLIC);
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

static const char *project_title(req *r, const project_rec *p)
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

static bool may_edit(req *r, int64_t lead)
{
    return r->user && lead && rights_can(r->db, r->user, RIGHT_PROJECT_EDIT, lead);
}

/* Whether the reader could ever save a new project: the secretariat, or
 * someone who may lead one (RIGHT_PROJECT_EDIT for some entry). */
static bool may_start(req *r)
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
    for (size_t i = 0; i < c->n_programmes; i++)
        option_n(r, fc, PROJECT_FACET_PROGRAMME, c->programmes[i],
                 web_org_text(r, c->programmes[i], NULL), q->programme);
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
        table_set_link(t, row, 0, project_title(r, x),
                       arena_printf(r->a, "/projects/%lld", (long long)x->id));
        table_set_text(t, row, 1, x->acronym ? web_org_text(r, x->acronym, NULL) : NULL);
        table_set_text(t, row, 2, x->programme ? web_org_text(r, x->programme, NULL) : NULL);
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
    if (may_start(r)) /* no link to a form the reader could never save */
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

static bool param_id(req *r, int64_t *id)
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
static bool load(req *r, project_rec *p)
{
    int64_t id;
    if (!param_id(r, &id))
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
    const char *title = project_title(r, &p);
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
    fact(r, MSG_PJ_L_PROGRAMME, p.programme ? web_org_text(r, p.programme, NULL) : NULL);
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
        html_fmt(o, "</th><td>%s</td><td class=\"num\">%s</td></tr>", role_label(L, x->role),
                 money(r, x->share_known ? x->share_cents : -1));
    }
    html_raw(o, "</tbody></table></div>");
    const char *outputs = web_org_text(r, p.outputs_sr, p.outputs_en);
    if (outputs)
        html_fmt(o, "<h2>%s</h2><p class=\"prewrap\">%s</p>", T(L, MSG_PJ_L_OUTPUTS), outputs);
    if (may_edit(r, p.lead_id))
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
    if (load(r, &p))
        project_page(r, &p, NULL);
}

static void page_again(req *r, const void *p, const char *consent_error)
{
    project_page(r, p, consent_error);
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
    if (!load(r, &p) || !req_body_form(r, &f))
        return;
    static const tie_kind kinds[] = {TIE_PROJECT_PARTICIPANT, TIE_PROJECT_FUNDER};
    web_tie_answer(r, &f,
                   &(web_tie_post){kinds, 2, p.id,
                                   arena_printf(r->a, "/projects/%lld", (long long)p.id),
                                   T(r->lang, MSG_PJ_NOT_FOUND), page_again, &p});
}

/* --- the form ----------------------------------------------------------------------------- */

typedef struct form_view {
    const form *typed; /* NULL: show the project */
    const web_errs *errs;
} form_view;

static const char *val(const form_view *v, const char *name, const char *dflt)
{
    if (!v || !v->typed)
        return dflt;
    const char *s = form_get(v->typed, name);
    return s ? s : "";
}

static const char *err(const form_view *v, const char *name)
{
    return v && v->errs ? web_errs_get(v->errs, name) : NULL;
}

static const char *cents_text(req *r, int64_t cents)
{
    if (cents < 0)
        return NULL;
    return arena_printf(r->a, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static void text_field(req *r, const char *name, msg_id label, const char *hint, const char *value,
                       const form_view *v, bool required, int maxlength)
{
    web_field(r, &(web_input){.id = arena_printf(r->a, "pj-%s", name),
                              .name = name,
                              .type = "text",
                              .label = T(r->lang, label),
                              .hint = hint,
                              .value = val(v, name, value),
                              .error = err(v, name),
                              .required = required,
                              .maxlength = maxlength});
}

static void participants_field(req *r, const project_rec *p, const form_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *e = err(v, "participants");
    html_fmt(o, "<fieldset class=\"field participants%R\" id=\"pj-participants\"",
             e ? " field-invalid" : "");
    if (e)
        html_raw(o, " aria-describedby=\"pj-participants-error\"");
    html_fmt(o, "><legend>%s</legend><p class=\"field-hint\">%s</p>", T(L, MSG_PJ_PARTICIPANTS),
             T(L, MSG_PJ_H_PARTICIPANTS));
    if (e)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"pj-participants-error\"><span "
                 "class=\"visually-hidden\">%s </span>%s</p>",
                 T(L, MSG_FORM_ERROR_PREFIX), e);
    /* the rows: as typed after a refusal, else the participants and three
     * empty rows */
    size_t n_typed = 0;
    const char *orgs[PROJECT_PARTS_MAX], *roles[PROJECT_PARTS_MAX], *shares[PROJECT_PARTS_MAX];
    if (v && v->typed) {
        size_t no = 0, nr = 0, ns = 0;
        for (size_t i = 0; i < v->typed->n_fields; i++) {
            const form_field *f = &v->typed->fields[i];
            if (strcmp(f->name, "p_org") == 0 && no < PROJECT_PARTS_MAX)
                orgs[no++] = f->value;
            else if (strcmp(f->name, "p_role") == 0 && nr < PROJECT_PARTS_MAX)
                roles[nr++] = f->value;
            else if (strcmp(f->name, "p_share") == 0 && ns < PROJECT_PARTS_MAX)
                shares[ns++] = f->value;
        }
        n_typed = no;
        for (size_t i = nr; i < no; i++)
            roles[i] = "";
        for (size_t i = ns; i < no; i++)
            shares[i] = "";
    } else {
        for (size_t i = 0; p && i < p->n_parts && i < PROJECT_PARTS_MAX; i++) {
            orgs[n_typed] = p->parts[i].slug;
            roles[n_typed] = p->parts[i].role;
            shares[n_typed++] =
                p->parts[i].share_known ? cents_text(r, p->parts[i].share_cents) : "";
        }
    }
    size_t rows = n_typed + 3 < 5 ? 5 : n_typed + 3;
    if (rows > PROJECT_PARTS_MAX)
        rows = PROJECT_PARTS_MAX;
    html_fmt(o,
             "<div class=\"table-wrap\"><table class=\"data participants-table\"><thead><tr>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "</tr></thead><tbody>",
             T(L, MSG_PJ_COL_ORG), T(L, MSG_PJ_COL_ROLE), T(L, MSG_PJ_COL_SHARE_EUR));
    for (size_t i = 0; i < rows; i++) {
        const char *org = i < n_typed ? orgs[i] : "";
        const char *role = i < n_typed ? roles[i] : (i == 0 && n_typed == 0 ? "lead" : "partner");
        const char *share = i < n_typed ? shares[i] : "";
        /* a name that found no single entry: its error, and the entries
         * to choose from, beside it (web_pick.c) */
        const char *row_key = arena_printf(r->a, "p_org_%d", (int)i + 1);
        const char *row_err = row_key ? err(v, row_key) : NULL;
        html_fmt(o,
                 "<tr><td><input type=\"text\" id=\"pj-p_org_%d\" name=\"p_org\" value=\"%s\" "
                 "maxlength=\"200\" data-suggest=\"fill\" aria-label=\"%s %d\"",
                 (int)i + 1, org ? org : "", T(L, MSG_PJ_COL_ORG), (int)i + 1);
        if (row_err) {
            html_fmt(o,
                     " aria-invalid=\"true\" aria-describedby=\"pj-p_org_%d-error\"><p "
                     "class=\"field-error\" id=\"pj-p_org_%d-error\"><span "
                     "class=\"visually-hidden\">%s </span>%s</p>",
                     (int)i + 1, (int)i + 1, T(L, MSG_FORM_ERROR_PREFIX), row_err);
            (void)web_org_choices(r, arena_printf(r->a, "pj-p_org_%d", (int)i + 1), row_key, org);
        } else {
            html_raw(o, ">");
        }
        html_fmt(o, "</td><td><select name=\"p_role\" aria-label=\"%s %d\">", T(L, MSG_PJ_COL_ROLE),
                 (int)i + 1);
        for (size_t k = 0; project_roles[k]; k++)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", project_roles[k],
                     role && strcmp(role, project_roles[k]) == 0 ? " selected" : "",
                     role_label(L, project_roles[k]));
        html_fmt(o,
                 "</select></td><td><input type=\"text\" name=\"p_share\" value=\"%s\" "
                 "inputmode=\"decimal\" maxlength=\"20\" aria-label=\"%s %d\"></td></tr>",
                 share ? share : "", T(L, MSG_PJ_COL_SHARE_EUR), (int)i + 1);
    }
    html_raw(o, "</tbody></table></div></fieldset>\n");
}

static void select_field(req *r, const char *name, msg_id label, const char *const *codes,
                         const char *(*label_of)(lang_id, const char *), const char *value,
                         const form_view *v)
{
    wc_code_select(r, arena_printf(r->a, "pj-%s", name), name, T(r->lang, label), codes, label_of,
                   val(v, name, value), err(v, name), false);
}

static void form_page(req *r, const project_rec *p, const form_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *title =
        p ? arena_printf(r->a, T(L, MSG_PJ_EDIT_TITLE), project_title(r, p)) : T(L, MSG_PJ_NEW);
    page_meta pm = {.title = title, .nav = "projects"};
    layout_begin(r, &pm);
    html_fmt(
        o, "<nav class=\"crumbs\" aria-label=\"%s\"><a href=\"/projects\">%s</a></nav><h1>%s</h1>",
        T(L, MSG_PJ_CRUMBS), T(L, MSG_PJ_LIST_TITLE), title);
    if (v && v->errs)
        web_error_summary(r, v->errs);
    if (p)
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/projects/%D\" novalidate>",
                 (long long)p->id);
    else
        html_raw(o, "<form class=\"form\" method=\"post\" action=\"/projects\" novalidate>");
    layout_csrf_field(r);
    text_field(r, "title_sr", MSG_PJ_L_TITLE_SR, NULL, p ? p->title_sr : NULL, v, true,
               PROJECT_TITLE_MAX);
    text_field(r, "title_en", MSG_PJ_L_TITLE_EN, NULL, p ? p->title_en : NULL, v, false,
               PROJECT_TITLE_MAX);
    text_field(r, "acronym", MSG_PJ_L_ACRONYM, NULL, p ? p->acronym : NULL, v, false, 40);
    text_field(r, "programme", MSG_PJ_L_PROGRAMME, T(L, MSG_PJ_H_PROGRAMME),
               p ? p->programme : NULL, v, false, 200);
    web_field(r, &(web_input){.id = "pj-funder",
                              .name = "funder",
                              .type = "text",
                              .label = T(L, MSG_PJ_L_FUNDER),
                              .hint = T(L, MSG_PJ_H_FUNDER),
                              .value = val(v, "funder", p ? p->funder_slug : NULL),
                              .error = err(v, "funder"),
                              .suggest = "fill",
                              .maxlength = 200});
    if (err(v, "funder")) /* several or none found: choose (web_pick.c) */
        (void)web_org_choices(r, "pj-funder", "funder", val(v, "funder", NULL));
    text_field(r, "call", MSG_PJ_L_CALL, T(L, MSG_PJ_H_CALL),
               p && p->call_id ? arena_printf(r->a, "%lld", (long long)p->call_id) : NULL, v, false,
               20);
    select_field(r, "status", MSG_PJ_L_STATUS, project_statuses, web_project_status_label,
                 p ? p->status : "preparation", v);
    wc_date_field(r, "pj-submitted_on", "submitted_on", T(L, MSG_PJ_L_SUBMITTED), NULL,
                  val(v, "submitted_on", p ? p->submitted_on : NULL), err(v, "submitted_on"),
                  false);
    wc_date_field(r, "pj-starts_on", "starts_on", T(L, MSG_PJ_L_STARTS), NULL,
                  val(v, "starts_on", p ? p->starts_on : NULL), err(v, "starts_on"), false);
    wc_date_field(r, "pj-ends_on", "ends_on", T(L, MSG_PJ_L_ENDS), NULL,
                  val(v, "ends_on", p ? p->ends_on : NULL), err(v, "ends_on"), false);
    text_field(r, "budget", MSG_PJ_L_BUDGET_EUR, T(L, MSG_PJ_H_MONEY),
               p ? cents_text(r, p->budget_cents) : NULL, v, false, 20);
    text_field(r, "grant", MSG_PJ_L_GRANT_EUR, T(L, MSG_PJ_H_MONEY),
               p ? cents_text(r, p->grant_cents) : NULL, v, false, 20);
    text_field(r, "cofin", MSG_PJ_L_COFIN, T(L, MSG_PJ_H_COFIN),
               p && p->cofin_milli >= 0 ? arena_printf(r->a, "%d.%d", (int)(p->cofin_milli / 10),
                                                       (int)(p->cofin_milli % 10))
                                        : NULL,
               v, false, 10);
    participants_field(r, p, v);
    wc_textarea(r, "pj-outputs_sr", "outputs_sr", T(L, MSG_PJ_L_OUTPUTS_SR), NULL,
                val(v, "outputs_sr", p ? p->outputs_sr : NULL), err(v, "outputs_sr"), 4);
    wc_textarea(r, "pj-outputs_en", "outputs_en", T(L, MSG_PJ_L_OUTPUTS_EN), NULL,
                val(v, "outputs_en", p ? p->outputs_en : NULL), err(v, "outputs_en"), 4);
    select_field(r, "visibility", MSG_PJ_L_VISIBILITY, project_visibilities, visibility_label,
                 p ? p->visibility : "public", v);
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, MSG_PJ_SAVE));
    layout_end(r);
}

/* In place of the form, for a reader who could never save it: who enters
 * a project and how to become one of them (403: the form is not theirs). */
static void cannot_start_page(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    r->status = 403;
    page_meta pm = {.title = T(L, MSG_PJ_NEW), .nav = "projects"};
    layout_begin(r, &pm);
    html_fmt(
        o, "<nav class=\"crumbs\" aria-label=\"%s\"><a href=\"/projects\">%s</a></nav><h1>%s</h1>",
        T(L, MSG_PJ_CRUMBS), T(L, MSG_PJ_LIST_TITLE), T(L, MSG_PJ_NEW));
    html_fmt(o,
             "<div class=\"notice\" role=\"note\" id=\"cannot-start\"><p>%s</p><p>%s</p>"
             "<ul><li><a href=\"/orgs\">%s</a></li><li><a href=\"/projects\">%s</a></li></ul>"
             "</div>\n",
             T(L, MSG_PJ_START_WHO), T(L, MSG_PJ_START_HOW), T(L, MSG_POST_NO_ORG_FIND),
             T(L, MSG_PJ_START_BROWSE));
    layout_end(r);
}

void web_project_new_form(req *r)
{
    if (!may_start(r)) {
        cannot_start_page(r);
        return;
    }
    form_page(r, NULL, NULL);
}

void web_project_edit_form(req *r)
{
    project_rec p;
    if (!load(r, &p))
        return;
    if (!may_edit(r, p.lead_id)) {
        resp_error(r, 403, T(r->lang, MSG_PJ_FORBIDDEN));
        return;
    }
    form_page(r, &p, NULL);
}

/* Specific words for what the generic messages say badly. */
void web_project_word_errors(req *r, const form_errors *fe, web_errs *e)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "grant") == 0 && x->code == FE_MISMATCH)
            web_errs_add(e, "grant", T(L, MSG_PJ_E_GRANT_OVER));
        else if (strcmp(x->field, "ends_on") == 0 && x->code == FE_DATE_ORDER)
            web_errs_add(e, "ends_on", T(L, MSG_PJ_E_ENDS));
        else if (strcmp(x->field, "cofin") == 0 && x->code == FE_RANGE)
            web_errs_add(e, "cofin", T(L, MSG_PJ_E_COFIN));
        else if (strcmp(x->field, "funder") == 0 && x->code == FE_INVALID)
            web_errs_add(e, "funder", T(L, MSG_PJ_E_FUNDER));
        else if (strcmp(x->field, "call") == 0 && x->code == FE_INVALID)
            web_errs_add(e, "call", T(L, MSG_PJ_E_CALL));
        else if (strcmp(x->field, "participants") == 0)
            web_errs_add(e, "participants",
                         T(L, x->code == FE_REQUIRED    ? MSG_PJ_E_NO_PARTS
                              : x->code == FE_MISMATCH  ? MSG_PJ_E_ONE_LEAD
                              : x->code == FE_TAKEN     ? MSG_PJ_E_TWICE
                              : x->code == FE_INVALID   ? MSG_PJ_E_UNKNOWN_ORG
                              : x->code == FE_NOT_MONEY ? MSG_PJ_E_SHARE
                                                        : MSG_PJ_E_PARTS));
    }
    web_errs_from_form(r, fe, e);
}

/* The participants of a posted form (the typeahead's picks preferred
 * when script sent one per row). Arena memory. */
static project_part_in *parts_from(req *r, const form *f, size_t *n)
{
    size_t no = 0, nr = 0, ns = 0, np = 0;
    for (size_t i = 0; i < f->n_fields; i++) {
        const char *nm = f->fields[i].name;
        no += strcmp(nm, "p_org") == 0;
        np += strcmp(nm, "p_org_pick") == 0;
    }
    project_part_in *p = arena_alloc(r->a, (no + 1) * sizeof *p);
    if (!p)
        return NULL;
    memset(p, 0, (no + 1) * sizeof *p);
    size_t ip = 0;
    for (size_t i = 0; i < f->n_fields; i++) {
        const form_field *x = &f->fields[i];
        if (strcmp(x->name, "p_org") == 0 && *n < no)
            p[(*n)++].org = x->value;
        else if (strcmp(x->name, "p_role") == 0 && nr < no)
            p[nr++].role = x->value;
        else if (strcmp(x->name, "p_share") == 0 && ns < no)
            p[ns++].share = x->value;
        else if (strcmp(x->name, "p_org_pick") == 0 && np == no && ip < no) {
            if (x->value && *x->value && p[ip].org && *p[ip].org)
                p[ip].org = x->value;
            ip++;
        }
    }
    return p;
}

/* project_input from a form (API and pages share the field names). */
void web_project_input(req *r, const form *f, project_input *in, project_part_in *parts,
                       size_t n_parts)
{
    const char *funder = form_get(f, "funder_pick");
    *in = (project_input){.title_sr = form_get(f, "title_sr"),
                          .title_en = form_get(f, "title_en"),
                          .acronym = form_get(f, "acronym"),
                          .programme = form_get(f, "programme"),
                          .funder = funder && *funder ? funder : form_get(f, "funder"),
                          .call = form_get(f, "call"),
                          .status = form_get(f, "status"),
                          .submitted_on = form_get(f, "submitted_on"),
                          .starts_on = form_get(f, "starts_on"),
                          .ends_on = form_get(f, "ends_on"),
                          .budget = form_get(f, "budget"),
                          .grant = form_get(f, "grant"),
                          .cofin = form_get(f, "cofin"),
                          .outputs_sr = form_get(f, "outputs_sr"),
                          .outputs_en = form_get(f, "outputs_en"),
                          .visibility = form_get(f, "visibility"),
                          .parts = parts,
                          .n_parts = n_parts};
    (void)r;
}

/* The funder and each participant as the directory's addresses, read as
 * the agreement form reads its parties (web_org_resolve: an address, or a
 * name in English, Cyrillic, Latin or without diacritics; archived
 * entries too, as project_resolve_org). A name that finds no single
 * entry keeps what was typed and gets its error beside its field in *e
 * ("funder", "p_org_N" for the Nth row). */
static db_status names_resolve(req *r, const form *f, project_input *in, project_part_in *parts,
                               size_t n_parts, web_errs *e)
{
    lang_id L = r->lang;
    org_rec o;
    web_pick got;
    const char *picked = web_org_choice_get(f, "funder");
    db_status st = web_org_resolve(r, form_get(f, "funder"),
                                   picked ? picked : form_get(f, "funder_pick"), true, &o, &got);
    if (st != DB_OK)
        return st;
    if (got == WEB_PICK_FOUND)
        in->funder = o.slug;
    else if (got != WEB_PICK_EMPTY)
        web_errs_add(e, "funder",
                     T(L, got == WEB_PICK_CHOOSE ? MSG_PJ_E_NAME_CHOOSE : MSG_PJ_E_NAME_UNKNOWN));
    size_t n_named = e->n;
    for (size_t i = 0; i < n_parts; i++) {
        if (!parts[i].org || !*parts[i].org)
            continue;
        const char *key = arena_printf(r->a, "p_org_%d", (int)i + 1);
        if (!key)
            return DB_NOMEM;
        if ((st = web_org_resolve(r, parts[i].org, web_org_choice_get(f, key), true, &o, &got)) !=
            DB_OK)
            return st;
        if (got == WEB_PICK_FOUND)
            parts[i].org = o.slug;
        else
            web_errs_add(
                e, key,
                T(L, got == WEB_PICK_CHOOSE ? MSG_PJ_E_NAME_CHOOSE : MSG_PJ_E_NAME_UNKNOWN));
    }
    if (e->n > n_named)
        web_errs_add(e, "participants", T(L, MSG_PJ_E_NAMES));
    return DB_OK;
}

int64_t web_project_new_lead(req *r, const project_input *in)
{
    for (size_t i = 0; i < in->n_parts; i++)
        if (in->parts[i].role && strcmp(in->parts[i].role, "lead") == 0 && in->parts[i].org &&
            *in->parts[i].org) {
            int64_t id = 0;
            if (project_resolve_org(r->db, in->parts[i].org, &id) != DB_OK)
                return -1;
            return id;
        }
    return 0;
}

static void save_post(req *r, int64_t id)
{
    lang_id L = r->lang;
    form f;
    project_rec old;
    bool have_old = false;
    if (id) {
        if (!load(r, &old))
            return;
        have_old = true;
        if (!may_edit(r, old.lead_id)) {
            resp_error(r, 403, T(L, MSG_PJ_FORBIDDEN));
            return;
        }
    } else if (!may_start(r)) {
        resp_error(r, 403, T(L, MSG_PJ_START_FORBIDDEN));
        return;
    }
    if (!req_body_form(r, &f))
        return;
    size_t n_parts = 0;
    project_part_in *parts = parts_from(r, &f, &n_parts);
    if (!parts) {
        resp_fail(r, DB_NOMEM, "project parts");
        return;
    }
    project_input in;
    web_project_input(r, &f, &in, parts, n_parts);
    web_errs e = {0};
    db_status st = names_resolve(r, &f, &in, parts, n_parts, &e);
    if (st != DB_OK) {
        resp_fail(r, st, "project names");
        return;
    }
    if (e.n) { /* a name that found no single entry: say so beside it */
        form_view v = {&f, &e};
        r->status = 422;
        form_page(r, have_old ? &old : NULL, &v);
        return;
    }
    /* the new lead must be the writer's too (else anyone could hand a
     * project to an entry they do not speak for) */
    int64_t lead = web_project_new_lead(r, &in);
    if (lead < 0) {
        resp_fail(r, DB_ERR, "project lead");
        return;
    }
    if (lead > 0 && !may_edit(r, lead)) {
        resp_error(r, 403, T(L, MSG_PJ_FORBIDDEN_LEAD));
        return;
    }
    form_errors fe = {0};
    int64_t new_id = 0;
    st = project_save(r->db, id, &in, r->user->person_id, r->client_ip, &new_id, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/projects/%lld?saved=1", (long long)new_id));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_PJ_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "project_save");
        return;
    }
    web_project_word_errors(r, &fe, &e);
    form_view v = {&f, &e};
    r->status = 422;
    form_page(r, have_old ? &old : NULL, &v);
}

void web_project_create(req *r)
{
    save_post(r, 0);
}

void web_project_update(req *r)
{
    int64_t id;
    if (param_id(r, &id))
        save_post(r, id);
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
                 project_title(r, &p[i]), web_project_status_label(L, p[i].status),
                 p[i].programme ? " · " : "",
                 p[i].programme ? web_org_text(r, p[i].programme, NULL) : "");
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
                     project_title(r, &p[i]), web_project_status_label(L, p[i].status));
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
