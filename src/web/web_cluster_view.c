/* web_cluster_view.c: the cluster section of an entry's profile
 * (GET /orgs/{slug}, composed by web_org_view.c for entries of kind
 * cluster or cluster_initiative): stage, SCAN membership, labels,
 * strategy, services, networks, team, members with the ECCP composition,
 * and the cluster's own figures.
 *
 * Data comes from cluster.h (profile, members) and figures.h (totals);
 * membership is never copied, only read. Everything is loaded before
 * anything is written, so a failed read becomes an apology in place of
 * the section and a 5xx (never a cached page). */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "html/html.h"
#include "model/cluster.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

static bool is_editor(const req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

/* Writes multi-line text as lines of a list, one per non-empty line. */
static void line_list(req *r, const wc_bitext *text)
{
    buf *o = &r->out;
    html_fmt(o, "<ul class=\"plain bullet\" lang=\"%s\">", text->lang);
    const char *p = text->text;
    while (p && *p) {
        size_t len = strcspn(p, "\n");
        size_t k = len;
        while (k && (p[k - 1] == ' ' || p[k - 1] == '\t' || p[k - 1] == '\r'))
            k--;
        if (k) {
            html_raw(o, "<li>");
            html_textn(o, p, k);
            html_raw(o, "</li>");
        }
        p += len;
        if (*p)
            p++;
    }
    html_raw(o, "</ul>\n");
}

/* --- the section on the profile ----------------------------------------------------- */

/* The links of those who may change the cluster (never in cached
 * renders: the cache holds anonymous renders only). */
static void cluster_actions(req *r, const org_rec *o)
{
    if (!r->user)
        return;
    lang_id L = r->lang;
    bool edit = web_org_can(r, RIGHT_ORG_EDIT, o->id);
    bool members = web_org_can(r, RIGHT_MEMBERS_EDIT, o->id);
    bool figures = web_org_can(r, RIGHT_FIGURES_EDIT, o->id);
    if (!edit && !members && !figures)
        return;
    buf *out = &r->out;
    html_raw(out, "<ul class=\"cluster-actions\">");
    if (edit)
        html_fmt(
            out,
            "<li><a class=\"button button-secondary\" href=\"/orgs/%q/cluster/edit\">%s</a></li>",
            o->slug, T(L, MSG_CL_EDIT_PROFILE));
    if (edit) /* the readiness check is the team's and the secretariat's (readiness.h) */
        html_fmt(out,
                 "<li><a class=\"button button-secondary\" href=\"/orgs/%q/readiness\">%s</a></li>",
                 o->slug, T(L, MSG_RD_LINK));
    if (members)
        html_fmt(
            out,
            "<li><a class=\"button button-secondary\" href=\"/orgs/%q/members/manage\">%s</a></li>",
            o->slug, T(L, MSG_CL_MANAGE_MEMBERS));
    if (figures)
        html_fmt(
            out,
            "<li><a class=\"button button-secondary\" href=\"/orgs/%q/figures\">%s</a></li>"
            "<li><a class=\"button button-secondary\" href=\"/orgs/%q/figures/import\">%s</a></li>",
            o->slug, T(L, MSG_CL_OWN_FIGURES), o->slug, T(L, MSG_FIG_IMPORT_LINK));
    if (rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0) || members)
        html_fmt(out, "<li><a class=\"button button-quiet\" href=\"/figures/missing\">%s</a></li>",
                 T(L, MSG_CL_MISSING_LINK));
    html_raw(out, "</ul>\n");
}

static void strategy(req *r, const cluster_info *ci)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const struct {
        msg_id label;
        wc_bitext text;
    } parts[] = {{MSG_CL_VISION, wc_pick(r, ci->vision, ci->vision_en)},
                 {MSG_CL_MISSION, wc_pick(r, ci->mission, ci->mission_en)},
                 {MSG_CL_GOALS, wc_pick(r, ci->goals, ci->goals_en)}};
    if (parts[0].text.text || parts[1].text.text || parts[2].text.text) {
        html_fmt(o,
                 "<section aria-labelledby=\"cl-strategy\"><h2 id=\"cl-strategy\">%s</h2>"
                 "<dl class=\"strategy\">",
                 T(L, MSG_CL_STRATEGY));
        for (size_t i = 0; i < 3; i++) {
            if (!parts[i].text.text)
                continue;
            html_fmt(o, "<dt>%s", T(L, parts[i].label));
            wc_untranslated(r, &parts[i].text);
            html_fmt(o, "</dt><dd lang=\"%s\">", parts[i].text.lang);
            html_paragraphs(&r->out, parts[i].text.text);
            html_raw(o, "</dd>");
        }
        html_raw(o, "</dl></section>\n");
    }
    wc_bitext services = wc_pick(r, ci->services, ci->services_en);
    wc_bitext networks = wc_pick(r, ci->networks, ci->networks_en);
    if (services.text || networks.text) {
        html_fmt(o,
                 "<section aria-labelledby=\"cl-services\"><h2 id=\"cl-services\">%s</h2>"
                 "<div class=\"two-lists\">",
                 T(L, MSG_CL_SERVICES_NETWORKS));
        if (services.text) {
            html_fmt(o, "<div><h3>%s", T(L, MSG_CL_SERVICES));
            wc_untranslated(r, &services);
            html_raw(o, "</h3>");
            line_list(r, &services);
            html_raw(o, "</div>");
        }
        if (networks.text) {
            html_fmt(o, "<div><h3>%s", T(L, MSG_CL_NETWORKS));
            wc_untranslated(r, &networks);
            html_raw(o, "</h3>");
            line_list(r, &networks);
            html_raw(o, "</div>");
        }
        html_raw(o, "</div></section>\n");
    }
}

/* The management team: name, role, share of full time, and contacts
 * where the reader may see them (cluster_get decided: everyone's for
 * readers with RIGHT_VIEW_MEMBERS, given as contacts, else only those who
 * agreed to public display). */
static void team(req *r, const cluster_info *ci, bool contacts)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    size_t current = 0;
    for (size_t i = 0; i < ci->n_team; i++)
        current += wc_empty(ci->team[i].until) && !ci->team[i].invited;
    if (current == 0)
        return;
    html_fmt(
        o,
        "<section aria-labelledby=\"cl-team\"><h2 id=\"cl-team\">%s</h2><div class=\"table-wrap\">"
        "<table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
        "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
        T(L, MSG_CL_TEAM), T(L, MSG_CL_COL_PERSON), T(L, MSG_CL_COL_ROLE), T(L, MSG_CL_COL_FTE),
        T(L, MSG_CL_COL_CONTACT));
    int64_t fte = 0;
    for (size_t i = 0; i < ci->n_team; i++) {
        const cluster_team_rec *t = &ci->team[i];
        if (!wc_empty(t->until) || t->invited) /* invitations are not public */
            continue;
        fte += t->fte_milli;
        wc_bitext role = wc_pick(r, t->role, t->role_en);
        html_fmt(o, "<tr><th scope=\"row\">%s</th><td><span lang=\"%s\">%s</span>",
                 wc_text(r, t->name) ? wc_text(r, t->name) : "", role.lang ? role.lang : "",
                 role.text ? role.text : "");
        wc_untranslated(r, &role);
        html_fmt(o, "</td><td class=\"num\">%s</td><td>",
                 arena_printf(r->a, "%d%c%02d", t->fte_milli / 1000, L == LANG_EN ? '.' : ',',
                              (t->fte_milli % 1000) / 10));
        if (!wc_empty(t->email))
            html_fmt(o, "<a href=\"%u\">%s</a>", arena_printf(r->a, "mailto:%s", t->email),
                     t->email);
        if (!wc_empty(t->email) && !wc_empty(t->phone))
            html_raw(o, "<br>");
        if (!wc_empty(t->phone))
            html_fmt(o, "%s", t->phone);
        if (wc_empty(t->email) && wc_empty(t->phone))
            html_fmt(o, "<span class=\"muted\">%s</span>",
                     T(L, contacts  ? MSG_CL_NO_CONTACT
                          : r->user ? MSG_CL_CONTACT_MEMBERS
                                    : MSG_CL_CONTACT_LOGIN));
        html_raw(o, "</td></tr>");
    }
    html_fmt(o, "</tbody></table></div><p class=\"muted small\">%s</p></section>\n",
             arena_printf(r->a, T(L, MSG_CL_TEAM_FTE),
                          arena_printf(r->a, "%d%c%02d", (int)(fte / 1000),
                                       L == LANG_EN ? '.' : ',', (int)(fte % 1000) / 10)));
}

/* The ECCP composition as small figures. */
static void composition(req *r, const cluster_composition *c)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const struct {
        msg_id label;
        int64_t v;
    } items[] = {{MSG_CL_COMP_TOTAL, c->total},       {MSG_CL_COMP_SMES, c->smes},
                 {MSG_CL_COMP_STARTUPS, c->startups}, {MSG_CL_COMP_LARGE, c->large},
                 {MSG_CL_COMP_RESEARCH, c->research}, {MSG_CL_COMP_OTHER, c->other}};
    html_fmt(o,
             "<h3 id=\"cl-composition\">%s</h3><ul class=\"comp-stats\" "
             "aria-labelledby=\"cl-composition\">",
             T(L, MSG_CL_COMPOSITION));
    buf v = BUF_INIT;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        buf_reset(&v);
        i18n_fmt_int(&v, L, items[i].v);
        html_fmt(
            o, "<li><span class=\"comp-value\">%s</span><span class=\"comp-label\">%s</span></li>",
            buf_str(&v), T(L, items[i].label));
    }
    buf_free(&v);
    html_raw(o, "</ul>");
    if (c->unknown_size) {
        buf n = BUF_INIT, t = BUF_INIT;
        i18n_fmt_int(&n, L, c->unknown_size);
        buf_printf(&t, T(L, MSG_CL_COMP_UNKNOWN), buf_str(&n));
        html_fmt(o, "<p class=\"muted small\">%s</p>", buf_str(&t));
        buf_free(&n);
        buf_free(&t);
    }
}

/* The members the reader may see: published ones, or all for the
 * secretariat (cluster_members lists every status). */
static db_status visible_members(req *r, int64_t cluster_id, cluster_member_rec **items, size_t *n)
{
    db_status st = cluster_members(r->db, r->a, cluster_id, NULL, items, n);
    if (st != DB_OK || is_editor(r) || *n == 0)
        return st;
    org_rec *orgs = NULL;
    size_t n_orgs = 0;
    if ((st = org_members_of(r->db, r->a, cluster_id, &orgs, &n_orgs)) != DB_OK)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        bool published = false;
        for (size_t j = 0; j < n_orgs && !published; j++)
            published = orgs[j].id == (*items)[i].org_id && orgs[j].status &&
                        strcmp(orgs[j].status, "published") == 0;
        if (published)
            (*items)[k++] = (*items)[i];
    }
    *n = k;
    return DB_OK;
}

static void members_table(req *r, web_refs *refs, const cluster_member_rec *m, size_t n)
{
    lang_id L = r->lang;
    if (n == 0) {
        html_fmt(&r->out, "<p class=\"empty\">%s</p>\n", T(L, MSG_CL_NO_MEMBERS));
        return;
    }
    const table_col cols[] = {
        {T(L, MSG_CL_COL_NAME), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_CL_COL_KIND), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_CL_COL_SIZE), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_CL_COL_SECTOR), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_CL_COL_PLACE), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_CL_COL_ROLE), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_CL_COL_JOINED), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
    };
    table *t = table_new(r->a, T(L, MSG_CL_MEMBERS_TABLE), cols, sizeof cols / sizeof cols[0]);
    if (!t) {
        r->out.failed = true;
        return;
    }
    t->id = "cl-members-table";
    for (size_t i = 0; i < n; i++) {
        const cluster_member_rec *x = &m[i];
        size_t row = table_add_row(t);
        org_rec as_org = {.slug = x->slug,
                          .name = x->name,
                          .municipality = x->municipality,
                          .district = x->district};
        table_set_link(t, row, 0, web_org_name(r, &as_org),
                       arena_printf(r->a, "/orgs/%s", x->slug));
        table_set_text(t, row, 1, web_refs_label(r, refs, WREF_KIND, x->kind));
        const char *size = wf_size_label(L, x->size_class);
        if (size && x->is_startup)
            size = arena_printf(r->a, "%s, %s", size, T(L, MSG_CL_STARTUP));
        table_set_text(t, row, 2, size);
        const char *sector = web_refs_label(r, refs, WREF_NACE, x->sector);
        table_set_text(t, row, 3,
                       sector && x->sector ? arena_printf(r->a, "%s %s", x->sector, sector) : NULL);
        table_set_text(t, row, 4, wc_text(r, x->municipality)); /* the district is in the profile */
        table_set_text(t, row, 5, wf_role_label(L, x->role));
        table_set_text(t, row, 6, wf_ymd(r, x->joined_on));
    }
    table_html(&r->out, L, t);
}

/* The cluster's own figures: the latest year with reports, the trend and
 * its table, downloads through /figures?scope=cluster. */
static void cluster_figures(req *r, const org_rec *o, const figure_total *trend, size_t n,
                            size_t prejoin)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    html_fmt(out, "<section aria-labelledby=\"cl-figures\"><h2 id=\"cl-figures\">%s</h2>\n",
             T(L, MSG_CL_FIGURES));
    if (prejoin) /* figures exist that the cluster does not count */
        html_fmt(out, "<p class=\"notice prejoin\">%s</p>\n",
                 arena_printf(r->a, T(L, MSG_CL_PREJOIN_NOTE), (int)prejoin));
    /* the headline year by the rule /figures and the API use: the newest
     * covered year, else the newest with reports; the trend ends there */
    const figure_total *latest = NULL;
    bool any_demo = false;
    size_t all = n;
    n = wf_trend_shown(trend, all);
    for (size_t i = 0; i < n; i++) {
        any_demo |= trend[i].any_demo;
        if (trend[i].reported > 0)
            latest = &trend[i];
    }
    if (!latest) {
        html_fmt(out, "<p class=\"empty\">%s</p></section>\n", T(L, MSG_CL_NO_FIGURES));
        return;
    }
    if (any_demo)
        wf_demo_notice(r);
    const char *name = web_org_name(r, o);
    html_fmt(out, "<h3>%s</h3>", arena_printf(r->a, T(L, MSG_CL_FIGURES_YEAR), latest->year));
    wf_trend_cut_note(r, trend, all, n); /* "For 2025, 3 of 10 members have reported" */
    wf_headline(r, latest);
    wf_trend_charts(r, trend, n, "cl-trend", name, "cl-trend-table");
    table *t = wf_trend_table(r, trend, n, arena_printf(r->a, "%s: %s", T(L, MSG_FIG_TREND), name));
    if (!t) {
        out->failed = true;
        return;
    }
    t->id = "cl-trend-table";
    table_html(out, L, t);
    const char *base = arena_printf(r->a, "/figures?scope=cluster&cluster=%s", o->slug);
    table_download_links(out, L, arena_printf(r->a, "%s&table=trend", base), T(L, MSG_FIG_TREND));
    html_fmt(out, "<p><a href=\"%u\">%s</a></p></section>\n", base, T(L, MSG_CL_ALL_FIGURES));
}

/* Everything the section shows, loaded before anything is written. */
typedef struct section_data {
    cluster_info ci;
    bool contacts; /* the reader has RIGHT_VIEW_MEMBERS: team contacts shown */
    cluster_member_rec *members;
    size_t n_members;
    figure_total *trend;
    size_t n_trend;
    size_t n_prejoin; /* visible members with figures from before they joined */
} section_data;

static db_status section_load(req *r, const org_rec *o, section_data *d)
{
    memset(d, 0, sizeof *d);
    /* people's contacts only for those with the right, not for any login */
    d->contacts = rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, o->id);
    db_status st = cluster_get(r->db, r->a, o->id, d->contacts, &d->ci);
    if (st != DB_OK)
        return st;
    if ((st = visible_members(r, o->id, &d->members, &d->n_members)) != DB_OK)
        return st;
    int64_t *prejoin = NULL;
    size_t n_prejoin = 0;
    if ((st = cluster_prejoin_reporters(r->db, r->a, o->id, &prejoin, &n_prejoin)) != DB_OK)
        return st;
    for (size_t i = 0; i < n_prejoin; i++)
        for (size_t k = 0; k < d->n_members; k++)
            if (d->members[k].org_id == prejoin[i]) {
                d->n_prejoin++;
                break;
            }
    int *years = NULL;
    size_t n_years = 0;
    if ((st = figures_years(r->db, r->a, &years, &n_years)) != DB_OK)
        return st;
    if (n_years)
        st = figures_trend(r->db, r->a, FIG_SCOPE_CLUSTER, o->id, years[n_years - 1], years[0],
                           &d->trend, &d->n_trend);
    return st;
}

static void section_render(req *r, const org_rec *o, const section_data *d)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    web_refs refs = {0};
    html_fmt(
        out,
        "<section class=\"cluster-status\" aria-labelledby=\"cl-dev\"><h2 id=\"cl-dev\">%s</h2>\n",
        T(L, MSG_CL_DEVELOPMENT));
    cluster_actions(r, o);
    html_raw(out, "<dl class=\"facts facts-wide\">");
    wc_stage_facts(r, &d->ci, MSG_CL_STAGE);
    wc_scan_facts(r, &d->ci, MSG_CL_SCAN);
    wc_label_facts(r, &d->ci, MSG_CL_LABELS);
    html_raw(out, "</dl></section>\n");
    strategy(r, &d->ci);
    team(r, &d->ci, d->contacts);

    cluster_composition comp;
    cluster_composition_of(d->members, d->n_members, &comp);
    html_fmt(out,
             "<section aria-labelledby=\"cl-members\"><h2 id=\"cl-members\">%s <span "
             "class=\"count\">%d</span></h2>\n",
             T(L, MSG_DIR_MEMBERS), (int)d->n_members);
    composition(r, &comp);
    members_table(r, &refs, d->members, d->n_members);
    html_raw(out, "</section>\n");
    if (web_org_can(r, RIGHT_MEMBERS_EDIT, o->id)) /* its managers: proposals, with Withdraw */
        web_membership_pending_of_cluster(r, o);
    cluster_figures(r, o, d->trend, d->n_trend, d->n_prejoin);
    if (refs.st != DB_OK)
        out->failed = true;
}

bool web_cluster_section(req *r, const org_rec *o)
{
    if (!wc_is_cluster_kind(o->kind))
        return false;
    lang_id L = r->lang;
    section_data d;
    db_status st = section_load(r, o, &d);
    if (st != DB_OK) {
        /* the rest of the profile is already written: an apology in place
         * of the section, the full cause in the log, and a 5xx status */
        log_msg(LOG_LVL_ERROR, r->id, "cluster section of %s: %s", o->slug, db_status_name(st));
        r->status = st == DB_BUSY || st == DB_FULL || st == DB_IOERR ? 503 : 500;
        char id[96]; /* on the stack: the cause may be that memory ran out */
        snprintf(id, sizeof id, T(L, MSG_ERROR_REQUEST_ID), r->id);
        html_fmt(&r->out,
                 "<div class=\"alert\" role=\"alert\"><p>%s</p><p><code>%s</code></p></div>\n",
                 T(L, MSG_CL_SECTION_FAILED), id);
        return true;
    }
    section_render(r, o, &d);
    /* issue 17 (web_map.c, web_panorama.c): its location quotient, and
     * the badge for its own website */
    web_lq_section(r, o);
    if (o->status && strcmp(o->status, "published") == 0)
        html_fmt(&r->out, "<p class=\"share-link\"><a href=\"/orgs/%q/share\">%s</a></p>\n",
                 o->slug, T(L, MSG_SHARE_LINK));
    return true;
}
