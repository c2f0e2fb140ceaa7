/* web_cluster.c: what makes a directory entry a cluster, on its pages.
 *
 *   web_cluster_section()            the cluster part of /orgs/{slug}
 *                                    (called by web_org_view.c for entries
 *                                    of kind cluster or cluster_initiative):
 *                                    stage, SCAN membership, labels,
 *                                    strategy, services, networks, team,
 *                                    members with the ECCP composition, and
 *                                    the cluster's own figures
 *   GET  /orgs/{slug}/members/manage the members form: add, end
 *   POST /orgs/{slug}/members        propose a member (by its PIB or
 *                                    address); the secretariat's addition
 *                                    is accepted at once (membership.h)
 *   POST /orgs/{slug}/members/{id}/end  end a membership on a date
 *   GET  /orgs/{slug}/cluster/edit   the cluster profile forms
 *   POST /orgs/{slug}/cluster        save one part (profile, stage, SCAN
 *                                    status (secretariat), label)
 *   POST /orgs/{slug}/team           invite a person (by e-mail) to the
 *                                    management team, the same answer
 *                                    whether or not the address has an
 *                                    account
 *   GET/POST /orgs/{slug}/team/accept   the invited person accepts
 *   POST /orgs/{slug}/team/{id}/end  end a team membership on a date
 *
 *   GET  /orgs/{slug}                web_cluster_profile(): the profile
 *                                    (web_org_view.c) with anonymous
 *                                    renders of every entry cached
 *
 * Data comes from cluster.h (profile, members) and figures.h (totals);
 * membership is never copied, only read. Anonymous renders of cluster
 * profiles are cached by page_cache.c under (figures_version,
 * directory_version, language, URL, base URL, minute): every cluster and
 * figures write bumps the versions, and the minute bounds how long a
 * renamed or erased person's name can outlive the change. Each form is
 * one model call, so each saves all or nothing; errors are shown next to
 * their fields with everything typed kept. Rights: RIGHT_MEMBERS_EDIT for
 * members, RIGHT_ORG_EDIT for the profile and the team, and the secretariat's
 * RIGHT_FIGURES_VERIFY for the SCAN membership status. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/auth.h"
#include "model/cluster.h"
#include "model/figures.h"
#include "model/membership.h"
#include "model/org.h"
#include "model/person.h"
#include "model/rights.h"
#include "web/page_cache.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

#define TEXT_MAX 10000 /* characters per strategy field (the model's limit) */

static bool empty(const char *s)
{
    return !s || !*s;
}

static bool is_cluster_kind(const char *kind)
{
    return kind && (strcmp(kind, "cluster") == 0 || strcmp(kind, "cluster_initiative") == 0);
}

static bool is_editor(const req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

/* Text in the reader's script (Serbian Latin readers get Latin). */
static const char *in_script(req *r, const char *s)
{
    return empty(s) ? NULL : web_org_text(r, s, NULL);
}

/* Writes multi-line text as lines of a list, one per non-empty line. */
static void line_list(req *r, const char *text)
{
    buf *o = &r->out;
    html_raw(o, "<ul class=\"plain bullet\">");
    const char *p = in_script(r, text);
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

/* Writes text as paragraphs (blank lines), lines kept. */
static void paragraphs(req *r, const char *text)
{
    buf *o = &r->out;
    const char *p = in_script(r, text);
    while (p && *p) {
        while (*p == '\n')
            p++;
        if (!*p)
            break;
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        html_raw(o, "<p>");
        for (size_t i = 0; i < n;) {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
            html_textn(o, p + i, len);
            i += len;
            if (nl) {
                html_raw(o, "<br>");
                i++;
            }
        }
        html_raw(o, "</p>\n");
        p += n;
    }
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

/* "Established · since 2 Aug 2016" with the earlier stages. */
static void stage_facts(req *r, const cluster_info *ci, msg_id dt)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<dt>%s</dt><dd>", T(L, dt));
    if (ci->n_stages == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span></dd>", T(L, MSG_CL_NOT_RECORDED));
        return;
    }
    const cluster_stage_rec *cur = &ci->stages[ci->n_stages - 1];
    html_fmt(o, "<strong>%s</strong> <span class=\"muted\">%s</span>",
             wf_stage_label(L, cur->stage),
             arena_printf(r->a, T(L, MSG_CL_SINCE), wf_ymd(r, cur->reached_on)));
    if (ci->n_stages > 1) {
        html_raw(o, "<ol class=\"timeline\">");
        for (size_t i = 0; i < ci->n_stages; i++)
            html_fmt(o, "<li><span>%s</span> <time datetime=\"%s\">%s</time></li>",
                     wf_stage_label(L, ci->stages[i].stage), ci->stages[i].reached_on,
                     wf_ymd(r, ci->stages[i].reached_on));
        html_raw(o, "</ol>");
    }
    html_raw(o, "</dd>");
}

static void scan_facts(req *r, const cluster_info *ci, msg_id dt)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<dt>%s</dt><dd>", T(L, dt));
    if (ci->n_scan == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span></dd>", T(L, MSG_CL_SCAN_NONE));
        return;
    }
    const scan_membership_rec *cur = &ci->scan[ci->n_scan - 1];
    html_fmt(o, "<strong>%s</strong> <span class=\"muted\">%s</span>",
             wf_scan_status_label(L, cur->status),
             arena_printf(r->a, T(L, MSG_CL_SINCE), wf_ymd(r, cur->since)));
    if (ci->n_scan > 1) {
        html_raw(o, "<ol class=\"timeline\">");
        for (size_t i = 0; i < ci->n_scan; i++) {
            html_fmt(o, "<li><span>%s</span> <time datetime=\"%s\">%s</time>",
                     wf_scan_status_label(L, ci->scan[i].status), ci->scan[i].since,
                     wf_ymd(r, ci->scan[i].since));
            if (!empty(ci->scan[i].note))
                html_fmt(o, " <span class=\"muted\">— %s</span>", in_script(r, ci->scan[i].note));
            html_raw(o, "</li>");
        }
        html_raw(o, "</ol>");
    }
    html_raw(o, "</dd>");
}

static void label_facts(req *r, const cluster_info *ci, msg_id dt)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<dt>%s</dt><dd>", T(L, dt));
    if (ci->n_labels == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span></dd>", T(L, MSG_CL_LABELS_NONE));
        return;
    }
    char today[11];
    wf_today(today);
    html_raw(o, "<ul class=\"plain\">");
    for (size_t i = 0; i < ci->n_labels; i++) {
        const cluster_label_rec *x = &ci->labels[i];
        bool expired = !empty(x->expires_on) && today[0] && strcmp(x->expires_on, today) < 0;
        const char *name = strcmp(x->label, "other") == 0 && !empty(x->name)
                               ? in_script(r, x->name)
                               : wf_label_label(L, x->label);
        html_fmt(o, "<li><strong>%s</strong> · %s", name,
                 arena_printf(r->a, T(L, MSG_CL_AWARDED_ON), wf_ymd(r, x->awarded_on)));
        if (!empty(x->expires_on))
            html_fmt(o, " · %s",
                     arena_printf(r->a, T(L, expired ? MSG_CL_EXPIRED_ON : MSG_CL_VALID_UNTIL),
                                  wf_ymd(r, x->expires_on)));
        if (expired)
            html_fmt(o, " <span class=\"badge badge-expired\">%s</span>", T(L, MSG_CL_EXPIRED));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></dd>");
}

static void strategy(req *r, const cluster_info *ci)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (!empty(ci->vision) || !empty(ci->mission) || !empty(ci->goals)) {
        html_fmt(o,
                 "<section aria-labelledby=\"cl-strategy\"><h2 id=\"cl-strategy\">%s</h2>"
                 "<dl class=\"strategy\">",
                 T(L, MSG_CL_STRATEGY));
        const struct {
            msg_id label;
            const char *text;
        } parts[] = {
            {MSG_CL_VISION, ci->vision}, {MSG_CL_MISSION, ci->mission}, {MSG_CL_GOALS, ci->goals}};
        for (size_t i = 0; i < 3; i++) {
            if (empty(parts[i].text))
                continue;
            html_fmt(o, "<dt>%s</dt><dd>", T(L, parts[i].label));
            paragraphs(r, parts[i].text);
            html_raw(o, "</dd>");
        }
        html_raw(o, "</dl></section>\n");
    }
    if (!empty(ci->services) || !empty(ci->networks)) {
        html_fmt(o,
                 "<section aria-labelledby=\"cl-services\"><h2 id=\"cl-services\">%s</h2>"
                 "<div class=\"two-lists\">",
                 T(L, MSG_CL_SERVICES_NETWORKS));
        if (!empty(ci->services)) {
            html_fmt(o, "<div><h3>%s</h3>", T(L, MSG_CL_SERVICES));
            line_list(r, ci->services);
            html_raw(o, "</div>");
        }
        if (!empty(ci->networks)) {
            html_fmt(o, "<div><h3>%s</h3>", T(L, MSG_CL_NETWORKS));
            line_list(r, ci->networks);
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
        current += empty(ci->team[i].until) && !ci->team[i].invited;
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
        if (!empty(t->until) || t->invited) /* invitations are not public */
            continue;
        fte += t->fte_milli;
        html_fmt(o, "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"num\">%s</td><td>",
                 in_script(r, t->name) ? in_script(r, t->name) : "", in_script(r, t->role),
                 arena_printf(r->a, "%d%c%02d", t->fte_milli / 1000, L == LANG_EN ? '.' : ',',
                              (t->fte_milli % 1000) / 10));
        if (!empty(t->email))
            html_fmt(o, "<a href=\"%u\">%s</a>", arena_printf(r->a, "mailto:%s", t->email),
                     t->email);
        if (!empty(t->email) && !empty(t->phone))
            html_raw(o, "<br>");
        if (!empty(t->phone))
            html_fmt(o, "%s", t->phone);
        if (empty(t->email) && empty(t->phone))
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
        table_set_text(t, row, 4,
                       in_script(r, x->municipality)); /* the district is in the profile */
        table_set_text(t, row, 5, wf_role_label(L, x->role));
        table_set_text(t, row, 6, wf_ymd(r, x->joined_on));
    }
    table_html(&r->out, L, t);
}

/* The cluster's own figures: the latest year with reports, the trend and
 * its table, downloads through /figures?scope=cluster. */
static void cluster_figures(req *r, const org_rec *o, const figure_total *trend, size_t n)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    html_fmt(out, "<section aria-labelledby=\"cl-figures\"><h2 id=\"cl-figures\">%s</h2>\n",
             T(L, MSG_CL_FIGURES));
    const figure_total *latest = NULL;
    bool any_demo = false;
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
    stage_facts(r, &d->ci, MSG_CL_STAGE);
    scan_facts(r, &d->ci, MSG_CL_SCAN);
    label_facts(r, &d->ci, MSG_CL_LABELS);
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
    cluster_figures(r, o, d->trend, d->n_trend);
    if (refs.st != DB_OK)
        out->failed = true;
}

bool web_cluster_section(req *r, const org_rec *o)
{
    if (!is_cluster_kind(o->kind))
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
    return true;
}

/* --- GET /orgs/{slug}: cluster profiles from the page cache ----------------------------- */

/* How long a cached profile may be served at most, whatever the versions
 * say: the page also shows people's names (the entry's creator, the
 * management team), and renaming or erasing a person bumps neither
 * version, so a render is never older than this. */
#define PROFILE_CACHE_SECONDS 60

void web_cluster_profile(req *r)
{
    if (r->user) { /* the page carries the user's name and buttons */
        web_org_profile(r);
        return;
    }
    int64_t version = 0;
    bool ok;
    const char *key = wf_cache_key(r, "profile", &version, &ok);
    if (!ok)
        return;
    /* the JSON-LD and og:url hold absolute links made from the public URL
     * or the Host header: part of the key, so one host never gets another's */
    const char *base = web_base_url(r);
    if (key)
        key = arena_printf(r->a, "%s|%s|%lld", key, base ? base : "",
                           (long long)(time_now() / PROFILE_CACHE_SECONDS));
    if (web_cache_serve(r, key, version))
        return;
    web_org_profile(r);
    /* every kind is kept, not clusters alone: a company's profile rendered
     * per request was 0.22x nginx at 100,000 entries (bench/directory.sh);
     * a failed cluster section is a 5xx, which server_hook_finish drops */
    if (key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- members: GET /orgs/{slug}/members/manage, POST add and end --------------------------- */

/* Loads the cluster {slug} and checks the right (writes the 403/404). */
static bool load_cluster(req *r, org_rec *o, right action)
{
    if (!web_org_load(r, o))
        return false;
    if (!is_cluster_kind(o->kind)) {
        resp_error(r, 404, T(r->lang, MSG_CL_NOT_CLUSTER));
        return false;
    }
    if (!rights_can(r->db, r->user, action, o->id)) {
        resp_error(r, 403, T(r->lang, MSG_CL_FORBIDDEN));
        return false;
    }
    return true;
}

static const char *const role_codes[] = {"member", "founding_member", "board", NULL};

typedef struct members_view {
    const char *org, *role, *joined_on; /* the add form as typed */
    const web_errs *errs;               /* the add form's errors */
    int64_t end_id;                     /* the membership whose end failed */
    const char *end_value, *end_error;
    bool end_confirm; /* end_error asks to confirm: the form carries confirm=1 */
} members_view;

/* A date input with its label, error and the value as typed. */
/* The reader's name of the entry at slug, for notices; the slug itself
 * when there is none (the notice still says something true). */
static const char *name_by_slug(req *r, const char *slug)
{
    org_rec o;
    bool found = false;
    if (strlen(slug) > 200 || org_get(r->db, r->a, slug, 0, &o, &found) != DB_OK || !found)
        return slug;
    return web_org_name(r, &o);
}

static void date_field(req *r, const char *id, const char *name, const char *label,
                       const char *hint, const char *value, const char *error, bool required)
{
    web_field(r, &(web_input){.id = id,
                              .name = name,
                              .type = "date",
                              .label = label,
                              .value = value,
                              .hint = hint,
                              .error = error,
                              .required = required});
}

/* A select of codes with labels from label_of. */
static void code_select(req *r, const char *id, const char *name, const char *label,
                        const char *const *codes, const char *(*label_of)(lang_id, const char *),
                        const char *value, const char *error, bool with_choose)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
             error ? " field-invalid" : "", id, label);
    if (error)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 id, T(L, MSG_FORM_ERROR_PREFIX), error);
    html_fmt(o, "<select id=\"%s\" name=\"%s\"", id, name);
    if (error)
        html_fmt(o, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
    html_raw(o, ">");
    if (with_choose)
        html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_DIR_CHOOSE));
    for (size_t i = 0; codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", codes[i],
                 value && strcmp(value, codes[i]) == 0 ? " selected" : "", label_of(L, codes[i]));
    html_raw(o, "</select></div>\n");
}

static void textarea(req *r, const char *id, const char *name, const char *label, const char *hint,
                     const char *value, const char *error, int rows)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
             error ? " field-invalid" : "", id, label);
    if (hint)
        html_fmt(o, "<p class=\"field-hint\" id=\"%s-hint\">%s</p>", id, hint);
    if (error)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 id, T(L, MSG_FORM_ERROR_PREFIX), error);
    html_fmt(o, "<textarea id=\"%s\" name=\"%s\" rows=\"%d\"", id, name, rows);
    if (hint || error) {
        html_raw(o, " aria-describedby=\"");
        if (hint)
            html_fmt(o, "%s-hint%R", id, error ? " " : "");
        if (error)
            html_fmt(o, "%s-error", id);
        html_raw(o, "\"");
    }
    if (error)
        html_raw(o, " aria-invalid=\"true\"");
    html_fmt(o, ">\n%s</textarea></div>\n", value ? value : "");
}

/* The breadcrumb and h1 of a cluster's form page. */
static void form_head(req *r, const org_rec *o, const char *title, const char *crumb)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
             "<li><a href=\"/orgs/%q\">%s</a></li><li aria-current=\"page\">%s</li></ol></nav>\n"
             "<h1>%s</h1>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), o->slug, web_org_name(r, o), crumb,
             title);
}

static void members_page(req *r, const org_rec *org, const members_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    cluster_member_rec *m = NULL;
    size_t n = 0;
    db_status st = cluster_members(r->db, r->a, org->id, NULL, &m, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_members");
        return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_CL_MEMBERS_TITLE), web_org_name(r, org));
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    form_head(r, org, title, T(L, MSG_CL_MEMBERS_CRUMB));
    const char *added = req_query(r, "added");
    if (!v->errs && !v->end_error) {
        if (added)
            web_notice(r, arena_printf(r->a, T(L, MSG_CL_MEMBER_ADDED), name_by_slug(r, added)));
        else if (req_query(r, "proposed"))
            web_notice(r, arena_printf(r->a, T(L, MSG_MP_PROPOSED),
                                       name_by_slug(r, req_query(r, "proposed"))));
        else if (req_query(r, "proposed_sec"))
            web_notice(r, arena_printf(r->a, T(L, MSG_MP_PROPOSED_SEC),
                                       name_by_slug(r, req_query(r, "proposed_sec"))));
        else if (req_query(r, "withdrawn"))
            web_notice(r, T(L, MSG_MP_WITHDRAWN));
        else if (req_query(r, "ended"))
            web_notice(r, arena_printf(r->a, T(L, MSG_CL_MEMBER_ENDED_NAMED),
                                       name_by_slug(r, req_query(r, "ended"))));
    }
    char today[11];
    wf_today(today);

    html_fmt(o,
             "<section class=\"panel members-add\" aria-labelledby=\"add-title\">"
             "<h2 id=\"add-title\">%s</h2>",
             T(L, MSG_CL_ADD_MEMBER));
    web_error_summary(r, v->errs);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/members\" novalidate>",
             org->slug);
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "mem-org",
                              .name = "org",
                              .type = "text",
                              .label = T(L, MSG_CL_L_ORG),
                              .value = v->org,
                              .hint = T(L, MSG_CL_H_ORG),
                              .error = web_errs_get(v->errs, "org"),
                              .required = true,
                              .autocomplete = "off",
                              .suggest = "fill",
                              .maxlength = 200});
    code_select(r, "mem-role", "role", T(L, MSG_CL_COL_ROLE), role_codes, wf_role_label,
                v->role ? v->role : "member", web_errs_get(v->errs, "role"), false);
    date_field(r, "mem-joined", "joined_on", T(L, MSG_CL_COL_JOINED), T(L, MSG_CL_H_JOINED),
               v->joined_on, web_errs_get(v->errs, "joined_on"), true);
    html_fmt(
        o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form></section>",
        T(L, MSG_CL_ADD_BUTTON));

    html_fmt(o,
             "<section class=\"panel members-current\" aria-labelledby=\"cur-title\"><h2 "
             "id=\"cur-title\">%s <span "
             "class=\"count\">%d</span></h2>",
             T(L, MSG_CL_CURRENT_MEMBERS), (int)n);
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CL_NO_MEMBERS));
    else
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data members-manage\"><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead><tbody>",
                 T(L, MSG_CL_COL_NAME), T(L, MSG_CL_COL_ROLE), T(L, MSG_CL_COL_JOINED),
                 T(L, MSG_CL_END_MEMBERSHIP));
    for (size_t i = 0; i < n; i++) {
        const cluster_member_rec *x = &m[i];
        org_rec as_org = {.slug = x->slug, .name = x->name};
        bool failed = v->end_id == x->id && v->end_error;
        const char *id = arena_printf(r->a, "end-%lld", (long long)x->id);
        html_fmt(
            o,
            "<tr><th scope=\"row\"><a href=\"/orgs/%q\">%s</a></th><td>%s</td><td>%s</td><td>"
            "<form method=\"post\" action=\"/orgs/%q/members/%D/end\" class=\"inline-form%R\">",
            x->slug, web_org_name(r, &as_org), wf_role_label(L, x->role), wf_ymd(r, x->joined_on),
            org->slug, (long long)x->id, failed ? " field-invalid" : "");
        layout_csrf_field(r);
        html_fmt(o, "<label class=\"visually-hidden\" for=\"%s\">%s</label>", id,
                 arena_printf(r->a, T(L, MSG_CL_LEFT_ON_FOR), web_org_name(r, &as_org)));
        if (failed)
            html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, v->end_error);
        const char *left_on = failed && v->end_value ? v->end_value : today;
        html_fmt(o, "<input id=\"%s\" name=\"left_on\" type=\"%s\" value=\"%s\"", id,
                 web_date_type(left_on), left_on);
        if (failed)
            html_fmt(o, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
        html_raw(o, ">");
        if (failed && v->end_confirm)
            html_raw(o, "<input type=\"hidden\" name=\"confirm\" value=\"1\">");
        html_fmt(o,
                 "<button type=\"submit\" class=\"button-small "
                 "button-secondary\">%s</button></form></td></tr>",
                 T(L, failed && v->end_confirm ? MSG_CL_END_CONFIRM_BUTTON : MSG_CL_END_BUTTON));
    }
    if (n)
        html_raw(o, "</tbody></table></div>");
    html_raw(o, "</section>\n");
    web_membership_pending_of_cluster(r, org); /* proposals, each with Withdraw */
    layout_end(r);
}

void web_cluster_members_form(req *r)
{
    org_rec o;
    if (!load_cluster(r, &o, RIGHT_MEMBERS_EDIT))
        return;
    members_view v = {0};
    members_page(r, &o, &v);
}

/* The organisation named by what the manager typed: its PIB (9 digits),
 * or its directory address (slug), optionally as /orgs/slug or a full URL.
 * *found false when none matches; *bad_pib true when the text has the
 * shape of a PIB but its check digit is wrong (nothing is looked up). *pib
 * tells which kind of lookup was made, for the message. */
static db_status find_org(req *r, const char *typed, org_rec *out, bool *found, bool *pib,
                          bool *bad_pib, bool *several)
{
    *found = false;
    *bad_pib = false;
    *several = false;
    *pib = strlen(typed) == 9 && strspn(typed, "0123456789") == 9;
    if (*pib) {
        if (!org_pib_valid(typed)) {
            *bad_pib = true;
            return DB_OK;
        }
        int64_t id = 0;
        db_status st = org_id_by_pib(r->db, typed, &id);
        if (st != DB_OK || id == 0)
            return st;
        return org_get(r->db, r->a, NULL, id, out, found);
    }
    const char *slug = strrchr(typed, '/') ? strrchr(typed, '/') + 1 : typed;
    if (!*slug)
        return DB_OK;
    char *lower = arena_strdup(r->a, slug);
    if (!lower)
        return DB_NOMEM;
    for (char *c = lower; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    db_status st = org_get(r->db, r->a, lower, 0, out, found);
    if (st != DB_OK || *found)
        return st;
    /* a name as typed, in any script ("Niš", "Nis", "Ниш" alike) */
    int64_t id = 0;
    if ((st = org_id_by_name(r->db, typed, &id, several)) != DB_OK || id == 0)
        return st;
    return org_get(r->db, r->a, NULL, id, out, found);
}

void web_cluster_member_add(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!load_cluster(r, &cl, RIGHT_MEMBERS_EDIT))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {
        {"org", FV_TEXT, FORM_REQUIRED, 1, 200, NULL},
        {"role", FV_ENUM, FORM_REQUIRED, 0, 0, role_codes},
        {"joined_on", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
    };
    form_value val[3];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, 3, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    members_view v = {
        .org = val[0].text, .role = val[1].text, .joined_on = val[2].text, .errs = &e};
    org_rec member;
    bool found = false, pib = false, bad_pib = false, several = false;
    /* the typeahead's choice, when script ran: the entry's address */
    const char *picked = form_get(&f, "org_pick");
    if (!web_errs_get(&e, "org")) {
        db_status st = DB_OK;
        if (picked && *picked && strlen(picked) <= 200)
            st = org_get(r->db, r->a, picked, 0, &member, &found);
        if (st == DB_OK && !found)
            st = find_org(r, val[0].text, &member, &found, &pib, &bad_pib, &several);
        if (st != DB_OK) {
            resp_fail(r, st, "member lookup");
            return;
        }
        if (bad_pib)
            web_errs_add(&e, "org", T(L, MSG_FORM_ERR_PIB));
        else if (several)
            web_errs_add(&e, "org", T(L, MSG_CL_ERR_SEVERAL));
        else if (!found)
            web_errs_add(&e, "org", T(L, pib ? MSG_CL_ERR_PIB : MSG_CL_ERR_NO_ORG));
    }
    if (e.n == 0) {
        /* a manager proposes; the organisation (or the secretariat) accepts */
        form_errors me = {0};
        membership_outcome done = MEMBERSHIP_PROPOSED;
        db_status st =
            membership_propose(r->db, r->user, cl.id, member.id, val[1].text, val[2].text,
                               r->client_ip, web_base_url(r), &me, &done, NULL);
        if (st == DB_OK) {
            /* who is asked: the organisation's representatives, or the
             * secretariat when it has none */
            bool rep = true;
            if (done != MEMBERSHIP_ADDED &&
                (st = rights_org_has_representative(r->db, member.id, &rep)) != DB_OK) {
                resp_fail(r, st, "representative");
                return;
            }
            resp_redirect(r, arena_printf(r->a, "/orgs/%s/members/manage?%s=%s", cl.slug,
                                          done == MEMBERSHIP_ADDED ? "added"
                                          : rep                    ? "proposed"
                                                                   : "proposed_sec",
                                          member.slug));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "membership_propose");
            return;
        }
        for (size_t i = 0; i < me.n_items; i++)
            if (strcmp(me.items[i].field, "org_id") == 0 ||
                strcmp(me.items[i].field, "cluster_id") == 0)
                me.items[i].field = "org";
        web_errs_from_form(r, &me, &e);
        if (e.n == 0)
            web_errs_add(&e, "org", T(L, MSG_FORM_ERR_INVALID));
    }
    r->status = 422;
    members_page(r, &cl, &v);
}

void web_cluster_member_end(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!load_cluster(r, &cl, RIGHT_MEMBERS_EDIT))
        return;
    int64_t id = 0;
    const char *p = req_param(r, "id");
    cluster_member_rec *m = NULL;
    size_t n = 0;
    db_status st = cluster_members(r->db, r->a, cl.id, NULL, &m, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_members");
        return;
    }
    bool current = false;
    if (p && str_to_i64(p, &id))
        for (size_t i = 0; i < n && !current; i++)
            current = m[i].id == id;
    if (!current) { /* not a current membership of this cluster */
        resp_error(r, 404, T(L, MSG_CL_NO_MEMBERSHIP));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *left = form_get(&f, "left_on");
    const cluster_member_rec *mine = NULL;
    for (size_t i = 0; i < n; i++)
        if (m[i].id == id)
            mine = &m[i];
    const char *who = name_by_slug(r, mine->slug);
    /* ending is final and needs nobody's consent: the first press asks */
    const char *confirm = form_get(&f, "confirm");
    if (!confirm || strcmp(confirm, "1") != 0) {
        members_view v = {.end_id = id,
                          .end_value = left,
                          .end_confirm = true,
                          .end_error = arena_printf(r->a, T(L, MSG_CL_END_ASK), who)};
        r->status = 422;
        members_page(r, &cl, &v);
        return;
    }
    form_errors fe = {0};
    st = cluster_member_end(r->db, id, left, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r,
                      arena_printf(r->a, "/orgs/%s/members/manage?ended=%s", cl.slug, mine->slug));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_CL_NO_MEMBERSHIP));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "cluster_member_end");
        return;
    }
    buf t = BUF_INIT;
    if (fe.n_items)
        form_error_text(&t, L, &fe.items[0]);
    else
        buf_puts(&t, T(L, MSG_FORM_ERR_DATE));
    members_view v = {
        .end_id = id, .end_value = left, .end_error = arena_strdup(r->a, buf_str(&t))};
    buf_free(&t);
    r->status = 422;
    members_page(r, &cl, &v);
}

/* --- the cluster profile: GET /orgs/{slug}/cluster/edit, POST /orgs/{slug}/cluster ---------- */

static const char *const stage_codes[] = {"initiative", "emerging", "developing", "established",
                                          NULL};
static const char *const scan_codes[] = {"applied", "member", "founder", "suspended", "left", NULL};
static const char *const label_codes[] = {"esca_bronze", "esca_silver", "esca_gold", "other", NULL};

/* The part whose form failed, with its values as typed and its errors. */
typedef struct edit_view {
    const char *part; /* "profile", "stage", "scan", "label", "team", or NULL */
    const char *f[5]; /* that part's fields, in its rules' order */
    const web_errs *errs;
    int64_t end_id; /* the team row whose end failed */
    const char *end_value, *end_error;
} edit_view;

/* The value to show in field i of part: as typed when that part failed,
 * else fallback. */
static const char *shown(const edit_view *v, const char *part, int i, const char *fallback)
{
    return v->part && strcmp(v->part, part) == 0 ? v->f[i] : fallback;
}

static const web_errs *errs_of(const edit_view *v, const char *part)
{
    return v->part && strcmp(v->part, part) == 0 ? v->errs : NULL;
}

/* A share of full time in thousandths as a decimal ("0.5", "1", "0.125"),
 * with the language's decimal mark. Arena. */
static const char *fte_text(req *r, int fte_milli)
{
    char frac[5];
    snprintf(frac, sizeof frac, "%03d", fte_milli % 1000);
    for (int i = 2; i >= 0 && frac[i] == '0'; i--)
        frac[i] = '\0';
    if (!frac[0])
        return arena_printf(r->a, "%d", fte_milli / 1000);
    return arena_printf(r->a, "%d%c%s", fte_milli / 1000, r->lang == LANG_EN ? '.' : ',', frac);
}

/* The management team fieldset of the edit page: the current members,
 * each with an End form, and the add form. */
static void team_panel(req *r, const org_rec *org, const cluster_info *ci, const edit_view *v,
                       const char *today)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const web_errs *e = errs_of(v, "team");
    html_fmt(o,
             "<section class=\"panel cl-edit\" id=\"team\" aria-labelledby=\"ed-team\">"
             "<fieldset><legend><h2 id=\"ed-team\">%s</h2></legend>",
             T(L, MSG_CL_TEAM));
    size_t current = 0;
    for (size_t i = 0; i < ci->n_team; i++)
        current += empty(ci->team[i].until);
    if (current == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CL_TEAM_NONE));
    else
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data team-manage\"><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\" "
                 "class=\"num\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>"
                 "</thead><tbody>",
                 T(L, MSG_CL_COL_PERSON), T(L, MSG_CL_COL_ROLE), T(L, MSG_CL_COL_FTE),
                 T(L, MSG_CL_L_SINCE), T(L, MSG_CL_TEAM_COL_END));
    for (size_t i = 0; i < ci->n_team; i++) {
        const cluster_team_rec *t = &ci->team[i];
        if (!empty(t->until))
            continue;
        const char *name = in_script(r, t->name) ? in_script(r, t->name) : "";
        if (t->invited) /* the address, not the name: the form must not say whose it is */
            name = arena_printf(r->a, T(L, MSG_CL_TEAM_PENDING), t->email ? t->email : "");
        bool failed = v->end_id == t->id && v->end_error;
        const char *id = arena_printf(r->a, "team-end-%lld", (long long)t->id);
        html_fmt(o,
                 "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"num\">%s</td><td>%s</td><td>"
                 "<form method=\"post\" action=\"/orgs/%q/team/%D/end\" class=\"inline-form%R\">",
                 name, in_script(r, t->role), fte_text(r, t->fte_milli),
                 empty(t->since) ? "" : wf_ymd(r, t->since), org->slug, (long long)t->id,
                 failed ? " field-invalid" : "");
        layout_csrf_field(r);
        html_fmt(o, "<label class=\"visually-hidden\" for=\"%s\">%s</label>", id,
                 arena_printf(r->a, T(L, MSG_CL_TEAM_UNTIL_FOR), name));
        if (failed)
            html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, v->end_error);
        const char *until = failed && v->end_value ? v->end_value : today;
        html_fmt(o, "<input id=\"%s\" name=\"until\" type=\"%s\" value=\"%s\"", id,
                 web_date_type(until), until);
        if (failed)
            html_fmt(o, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
        html_fmt(o,
                 "><button type=\"submit\" class=\"button-small button-secondary\">%s</button>"
                 "</form></td></tr>",
                 T(L, MSG_CL_END_BUTTON));
    }
    if (current)
        html_raw(o, "</tbody></table></div>");
    html_fmt(o, "<h3>%s</h3>", T(L, MSG_CL_TEAM_ADD));
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/team\" novalidate>",
             org->slug);
    layout_csrf_field(r);
    web_field(r, &(web_input){.id = "ce-team-email",
                              .name = "email",
                              .type = "email",
                              .label = T(L, MSG_CL_TEAM_L_EMAIL),
                              .hint = T(L, MSG_CL_TEAM_H_EMAIL),
                              .value = shown(v, "team", 0, NULL),
                              .error = web_errs_get(e, "email"),
                              .required = true,
                              .autocomplete = "off",
                              .maxlength = 254});
    web_field(r, &(web_input){.id = "ce-team-role",
                              .name = "role",
                              .type = "text",
                              .label = T(L, MSG_CL_COL_ROLE),
                              .value = shown(v, "team", 1, NULL),
                              .error = web_errs_get(e, "role"),
                              .required = true,
                              .maxlength = 100});
    web_field(r, &(web_input){.id = "ce-team-fte",
                              .name = "fte",
                              .type = "text",
                              .label = T(L, MSG_CL_TEAM_L_FTE),
                              .hint = T(L, MSG_CL_TEAM_H_FTE),
                              .value = shown(v, "team", 2, "1"),
                              .error = web_errs_get(e, "fte"),
                              .required = true,
                              .maxlength = 5});
    date_field(r, "ce-team-since", "since", T(L, MSG_CL_L_SINCE), NULL, shown(v, "team", 3, today),
               web_errs_get(e, "since"), false);
    web_field(r, &(web_input){.id = "ce-team-name",
                              .name = "name",
                              .type = "text",
                              .label = T(L, MSG_CL_TEAM_L_NAME),
                              .hint = T(L, MSG_CL_TEAM_H_NAME),
                              .value = shown(v, "team", 4, NULL),
                              .error = web_errs_get(e, "name"),
                              .maxlength = 200});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</fieldset></section>\n",
             T(L, MSG_CL_TEAM_ADD));
}

static void edit_page(req *r, const org_rec *org, const edit_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    cluster_info ci;
    db_status st = cluster_get(r->db, r->a, org->id, true, &ci);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_get");
        return;
    }
    bool secretariat = rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0);
    const char *title = arena_printf(r->a, T(L, MSG_CL_EDIT_TITLE), web_org_name(r, org));
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    form_head(r, org, title, T(L, MSG_CL_EDIT_CRUMB));
    const char *saved = req_query(r, "saved");
    if (saved && !v->part)
        web_notice(r,
                   T(L, strcmp(saved, "team-invited") == 0 ? MSG_CL_TEAM_INVITED : MSG_CL_SAVED));
    char today[11];
    wf_today(today);

    /* strategy, services, networks */
    const web_errs *e = errs_of(v, "profile");
    html_fmt(o,
             "<section class=\"panel cl-edit\" id=\"profile\" aria-labelledby=\"ed-profile\"><h2 "
             "id=\"ed-profile\">%s</h2>",
             T(L, MSG_CL_STRATEGY_SERVICES));
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
    layout_csrf_field(r);
    html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"profile\">");
    textarea(r, "ce-vision", "vision", T(L, MSG_CL_VISION), NULL, shown(v, "profile", 0, ci.vision),
             web_errs_get(e, "vision"), 3);
    textarea(r, "ce-mission", "mission", T(L, MSG_CL_MISSION), NULL,
             shown(v, "profile", 1, ci.mission), web_errs_get(e, "mission"), 3);
    textarea(r, "ce-goals", "goals", T(L, MSG_CL_GOALS), NULL, shown(v, "profile", 2, ci.goals),
             web_errs_get(e, "goals"), 4);
    textarea(r, "ce-services", "services", T(L, MSG_CL_SERVICES), T(L, MSG_CL_H_LINES),
             shown(v, "profile", 3, ci.services), web_errs_get(e, "services"), 5);
    textarea(r, "ce-networks", "networks", T(L, MSG_CL_NETWORKS), T(L, MSG_CL_H_LINES),
             shown(v, "profile", 4, ci.networks), web_errs_get(e, "networks"), 3);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/orgs/%q\">%s</a></div></form></section>\n",
             T(L, MSG_SAVE), org->slug, T(L, MSG_CANCEL));

    html_raw(o, "<div class=\"panels\">");
    /* development stage */
    e = errs_of(v, "stage");
    html_fmt(o,
             "<section class=\"panel\" id=\"stage\" aria-labelledby=\"ed-stage\"><h2 "
             "id=\"ed-stage\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_STAGE));
    stage_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
    layout_csrf_field(r);
    html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"stage\">");
    code_select(r, "ce-stage", "stage", T(L, MSG_CL_STAGE_REACHED), stage_codes, wf_stage_label,
                shown(v, "stage", 0, NULL), web_errs_get(e, "stage"), true);
    date_field(r, "ce-reached", "reached_on", T(L, MSG_CL_L_REACHED_ON), NULL,
               shown(v, "stage", 1, today), web_errs_get(e, "reached_on"), true);
    html_fmt(
        o,
        "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form></section>\n",
        T(L, MSG_CL_RECORD_STAGE));

    /* SCAN membership: the secretariat decides */
    e = errs_of(v, "scan");
    html_fmt(o,
             "<section class=\"panel\" id=\"scan\" aria-labelledby=\"ed-scan\"><h2 "
             "id=\"ed-scan\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_SCAN));
    scan_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    if (!secretariat) {
        html_fmt(o, "<p class=\"muted\">%s</p></section>\n", T(L, MSG_CL_SCAN_SECRETARIAT));
    } else {
        web_error_summary(r, e);
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
        layout_csrf_field(r);
        html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"scan\">");
        code_select(r, "ce-status", "status", T(L, MSG_CL_L_STATUS), scan_codes,
                    wf_scan_status_label, shown(v, "scan", 0, NULL), web_errs_get(e, "status"),
                    true);
        date_field(r, "ce-since", "since", T(L, MSG_CL_L_SINCE), NULL, shown(v, "scan", 1, today),
                   web_errs_get(e, "since"), true);
        web_field(r, &(web_input){.id = "ce-note",
                                  .name = "note",
                                  .type = "text",
                                  .label = T(L, MSG_CL_L_NOTE),
                                  .value = shown(v, "scan", 2, NULL),
                                  .error = web_errs_get(e, "note"),
                                  .maxlength = 500});
        html_fmt(o,
                 "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
                 "</section>\n",
                 T(L, MSG_CL_RECORD_STATUS));
    }

    /* labels */
    e = errs_of(v, "label");
    html_fmt(o,
             "<section class=\"panel\" id=\"label\" aria-labelledby=\"ed-label\"><h2 "
             "id=\"ed-label\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_LABELS));
    label_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    if (!secretariat) /* labels classify a cluster: the secretariat records them */
        html_fmt(o, "<p class=\"muted\">%s</p></section>\n", T(L, MSG_CL_LABEL_SECRETARIAT));
    else {
        web_error_summary(r, e);
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
        layout_csrf_field(r);
        html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"label\">");
        code_select(r, "ce-label", "label", T(L, MSG_CL_L_LABEL), label_codes, wf_label_label,
                    shown(v, "label", 0, NULL), web_errs_get(e, "label"), true);
        web_field(r, &(web_input){.id = "ce-label-name",
                                  .name = "name",
                                  .type = "text",
                                  .label = T(L, MSG_CL_L_LABEL_NAME),
                                  .hint = T(L, MSG_CL_H_LABEL_NAME),
                                  .value = shown(v, "label", 1, NULL),
                                  .error = web_errs_get(e, "name"),
                                  .maxlength = 200});
        date_field(r, "ce-awarded", "awarded_on", T(L, MSG_CL_L_AWARDED), NULL,
                   shown(v, "label", 2, NULL), web_errs_get(e, "awarded_on"), true);
        date_field(r, "ce-expires", "expires_on", T(L, MSG_CL_L_EXPIRES), T(L, MSG_CL_H_EXPIRES),
                   shown(v, "label", 3, NULL), web_errs_get(e, "expires_on"), false);
        html_fmt(o,
                 "<div class=\"form-actions\"><button "
                 "type=\"submit\">%s</button></div></form></section>\n",
                 T(L, MSG_CL_ADD_LABEL));
    }
    html_raw(o, "</div>\n");
    team_panel(r, org, &ci, v, today);
    layout_end(r);
}

void web_cluster_edit_form(req *r)
{
    org_rec o;
    if (!load_cluster(r, &o, RIGHT_ORG_EDIT))
        return;
    edit_view v = {0};
    edit_page(r, &o, &v);
}

void web_cluster_save(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!load_cluster(r, &cl, RIGHT_ORG_EDIT))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *part = form_get(&f, "part");
    static const form_rule profile_rules[] = {
        {"vision", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
        {"mission", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
        {"goals", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
        {"services", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
        {"networks", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    };
    static const form_rule stage_rules[] = {
        {"stage", FV_ENUM, FORM_REQUIRED, 0, 0, stage_codes},
        {"reached_on", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
    };
    static const form_rule scan_rules[] = {
        {"status", FV_ENUM, FORM_REQUIRED, 0, 0, scan_codes},
        {"since", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
        {"note", FV_TEXT, 0, 0, 500, NULL},
    };
    static const form_rule label_rules[] = {
        {"label", FV_ENUM, FORM_REQUIRED, 0, 0, label_codes},
        {"name", FV_TEXT, 0, 0, 200, NULL},
        {"awarded_on", FV_TEXT, FORM_REQUIRED, 0, 10, NULL},
        {"expires_on", FV_TEXT, 0, 0, 10, NULL},
    };
    static const struct {
        const char *name;
        const form_rule *rules;
        size_t n_rules;
    } parts[] = {{"profile", profile_rules, 5},
                 {"stage", stage_rules, 2},
                 {"scan", scan_rules, 3},
                 {"label", label_rules, 4}};
    enum { P_PROFILE, P_STAGE, P_SCAN, P_LABEL, P__COUNT };
    int which = 0;
    while (which < P__COUNT && !(part && strcmp(part, parts[which].name) == 0))
        which++;
    if (which == P__COUNT) {
        resp_error(r, 400, T(L, MSG_CL_BAD_PART));
        return;
    }
    if (which == P_SCAN && !rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(L, MSG_CL_SCAN_SECRETARIAT));
        return;
    }
    /* labels classify a cluster: the secretariat's, like the SCAN status */
    if (which == P_LABEL && !rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(L, MSG_CL_LABEL_SECRETARIAT));
        return;
    }
    const form_rule *rules = parts[which].rules;
    size_t n_rules = parts[which].n_rules;
    form_value val[5];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, n_rules, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    edit_view v = {.part = part, .errs = &e};
    for (size_t i = 0; i < n_rules; i++)
        v.f[i] = val[i].text;
    if (e.n == 0) {
        form_errors me = {0};
        int64_t actor = r->user->person_id;
        db_status st;
        switch (which) {
        case P_PROFILE:
            st = cluster_set_profile(r->db, cl.id, val[0].text, val[1].text, val[2].text,
                                     val[3].text, val[4].text, actor, r->client_ip);
            if (st == DB_CONSTRAINT)
                web_errs_add(&e, "vision", T(L, MSG_FORM_ERR_INVALID));
            break;
        case P_STAGE:
            st =
                cluster_set_stage(r->db, cl.id, val[0].text, val[1].text, actor, r->client_ip, &me);
            break;
        case P_SCAN:
            st = cluster_add_scan_status(r->db, cl.id, val[0].text, val[1].text, val[2].text, actor,
                                         r->client_ip, &me);
            break;
        default: /* P_LABEL */
            st = cluster_add_label(r->db, cl.id, val[0].text, val[1].text, val[2].text, val[3].text,
                                   actor, r->client_ip, &me);
            break;
        }
        if (st == DB_OK) {
            resp_redirect(
                r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=%s#%s", cl.slug, part, part));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "cluster save");
            return;
        }
        web_errs_from_form(r, &me, &e);
        if (e.n == 0)
            web_errs_add(&e, rules[0].name, T(L, MSG_FORM_ERR_INVALID));
    }
    r->status = 422;
    edit_page(r, &cl, &v);
}

/* --- the management team: POST /orgs/{slug}/team, POST /orgs/{slug}/team/{id}/end ---------- */

/* A share of full time typed as a decimal from 0 to 1 with at most three
 * decimals ('.' or ',' as the mark) into thousandths; false otherwise. */
static bool fte_parse(const char *s, int *milli)
{
    size_t n_int = strspn(s, "0123456789");
    if (n_int == 0 || n_int > 1)
        return false;
    int v = (s[0] - '0') * 1000;
    s += n_int;
    if (*s == '.' || *s == ',') {
        s++;
        size_t n_frac = strspn(s, "0123456789");
        if (n_frac == 0 || n_frac > 3)
            return false;
        for (size_t i = 0, scale = 100; i < n_frac; i++, scale /= 10)
            v += (s[i] - '0') * (int)scale;
        s += n_frac;
    }
    if (*s || v > 1000)
        return false;
    *milli = v;
    return true;
}

void web_cluster_team_add(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!load_cluster(r, &cl, RIGHT_ORG_EDIT))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule rules[] = {
        {"email", FV_EMAIL, FORM_REQUIRED, 0, 254, NULL},
        {"role", FV_TEXT, FORM_REQUIRED, 1, 100, NULL},
        {"fte", FV_TEXT, FORM_REQUIRED, 1, 5, NULL},
        {"since", FV_TEXT, 0, 0, 10, NULL},
        {"name", FV_TEXT, 0, 0, 200, NULL},
    };
    form_value val[5];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, 5, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    edit_view v = {.part = "team", .errs = &e};
    for (size_t i = 0; i < 5; i++)
        v.f[i] = val[i].text;
    int fte = 0;
    if (!web_errs_get(&e, "fte") && !fte_parse(val[2].text, &fte))
        web_errs_add(&e, "fte", T(L, MSG_CL_TEAM_ERR_FTE));
    const char *base = NULL;
    if (!e.n && !(base = web_base_url(r))) {
        resp_error(r, 400, T(L, MSG_ERR_HOST));
        return;
    }
    if (e.n == 0) {
        /* An invitation, whether or not the address has an account, and
         * the same answer either way: the form must not tell the manager
         * who has an account. Without one (or without a password yet) the
         * address first gets an account invitation; the name typed (or the
         * address) names the new account. */
        const char *email = val[0].text;
        bool can_log_in = false;
        db_status st = person_can_log_in(r->db, email, &can_log_in);
        if (st == DB_OK && !can_log_in) {
            char token[AUTH_TOKEN_LEN + 1] = "";
            st = auth_invite(r->db, val[4].present ? val[4].text : email, email, 0, NULL,
                             r->user->person_id, r->lang, base, token);
            memset(token, 0, sizeof token); /* it travels by mail only */
        }
        int64_t person = 0;
        if (st == DB_OK)
            st = person_id_by_email(r->db, email, &person);
        if (st == DB_OK && person == 0)
            st = DB_ERR; /* auth_invite made the person */
        if (st != DB_OK) {
            resp_fail(r, st, "team invitation");
            return;
        }
        form_errors me = {0};
        const char *since = val[3].text && *val[3].text ? val[3].text : NULL;
        st = cluster_team_invite(r->db, cl.id, person, val[1].text, fte, since,
                                 arena_printf(r->a, "%s/orgs/%s/team/accept", base, cl.slug),
                                 r->user->person_id, r->client_ip, &me);
        if (st == DB_OK) {
            resp_redirect(
                r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=team-invited#team", cl.slug));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "cluster_team_invite");
            return;
        }
        for (size_t i = 0; i < me.n_items; i++) {
            if (strcmp(me.items[i].field, "person_id") == 0)
                me.items[i].field = "email";
            else if (strcmp(me.items[i].field, "fte_milli") == 0)
                me.items[i].field = "fte";
            else if (strcmp(me.items[i].field, "org_id") == 0)
                me.items[i].field = "email";
        }
        web_errs_from_form(r, &me, &e);
        if (e.n == 0)
            web_errs_add(&e, "email", T(L, MSG_FORM_ERR_INVALID));
    }
    r->status = 422;
    edit_page(r, &cl, &v);
}

void web_cluster_team_end(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!load_cluster(r, &cl, RIGHT_ORG_EDIT))
        return;
    cluster_info ci;
    db_status st = cluster_get(r->db, r->a, cl.id, false, &ci);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_get");
        return;
    }
    int64_t id = 0;
    const char *p = req_param(r, "id");
    bool current = false;
    if (p && str_to_i64(p, &id))
        for (size_t i = 0; i < ci.n_team && !current; i++)
            current = ci.team[i].id == id && empty(ci.team[i].until);
    if (!current) { /* not a current team member of this cluster */
        resp_error(r, 404, T(L, MSG_CL_TEAM_NO_ROW));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *until = form_get(&f, "until");
    if (until && !*until)
        until = NULL;
    st = cluster_team_end(r->db, id, until, r->user->person_id, r->client_ip);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=team#team", cl.slug));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_CL_TEAM_NO_ROW));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "cluster_team_end");
        return;
    }
    edit_view v = {.end_id = id, .end_value = until, .end_error = T(L, MSG_CL_TEAM_ERR_UNTIL)};
    r->status = 422;
    edit_page(r, &cl, &v);
}

/* --- accepting a team invitation: GET and POST /orgs/{slug}/team/accept ------------------- */

/* The logged-in person's pending invitation to org's team, or NULL. */
static const cluster_team_rec *my_invitation(req *r, const org_rec *org, cluster_info *ci,
                                             db_status *st)
{
    *st = cluster_get(r->db, r->a, org->id, false, ci);
    for (size_t i = 0; *st == DB_OK && i < ci->n_team; i++)
        if (ci->team[i].invited && empty(ci->team[i].until) &&
            ci->team[i].person_id == r->user->person_id)
            return &ci->team[i];
    return NULL;
}

void web_cluster_team_accept_form(req *r)
{
    lang_id L = r->lang;
    org_rec org;
    if (!web_org_load(r, &org))
        return;
    cluster_info ci;
    db_status st;
    const cluster_team_rec *t = my_invitation(r, &org, &ci, &st);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_get");
        return;
    }
    if (!t) {
        resp_error(r, 404, T(L, MSG_CL_TEAM_ACCEPT_NONE));
        return;
    }
    const char *name = web_org_name(r, &org);
    const char *title = arena_printf(r->a, T(L, MSG_CL_TEAM_ACCEPT_TITLE), name);
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    html_fmt(&r->out, "<h1>%s</h1><p>%s</p><form method=\"post\" action=\"/orgs/%q/team/accept\">",
             title,
             arena_printf(r->a, T(L, MSG_CL_TEAM_ACCEPT_TEXT), name, in_script(r, t->role),
                          fte_text(r, t->fte_milli)),
             org.slug);
    layout_csrf_field(r);
    html_fmt(&r->out, "<button type=\"submit\">%s</button></form>",
             T(L, MSG_CL_TEAM_ACCEPT_BUTTON));
    layout_end(r);
}

void web_cluster_team_accept(req *r)
{
    org_rec org;
    if (!web_org_load(r, &org))
        return;
    db_status st = cluster_team_accept(r->db, org.id, r->user->person_id, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_CL_TEAM_ACCEPT_NONE));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "cluster_team_accept");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/orgs/%s#cl-team", org.slug));
}
