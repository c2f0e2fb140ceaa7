/* web_devplan.c: a cluster's development plan (issue 15).
 *
 *   GET  /orgs/{slug}/plan                     the plan: goals, actions,
 *                                              reviews, history, forms
 *   POST /orgs/{slug}/plan/goals               add a goal
 *   POST /orgs/{slug}/plan/goals/{id}          change a goal
 *   POST /orgs/{slug}/plan/goals/{id}/actions  add an action to a goal
 *   POST /orgs/{slug}/plan/actions/{id}        change an action (status...)
 *   POST /orgs/{slug}/plan/review              save a year's review
 *
 * Rights: RIGHT_ORG_EDIT on the cluster (its management team and the
 * secretariat) for reading and writing. Members do not see the plan: it
 * is the management's working document, with owners, deadlines and
 * candid reviews; what the cluster wants to show of it belongs on its
 * public profile. Every form works without script: the forms for one
 * goal or action sit in <details>, and a refused post shows the page
 * again (422) with that form open, as typed, its errors beside the
 * fields. Also the start page's section of overdue actions and mentoring
 * pairs (web_devplan_start). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "json/json.h"
#include "model/devplan.h"
#include "model/mentoring.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_devplan.h"
#include "web/web_figures.h"
#include "web/web_org.h"

const char *web_devplan_group_label(lang_id L, const char *code)
{
    static const msg_id ids[] = {MSG_DP_GROUP_STRUCTURE,   MSG_DP_GROUP_GOVERNANCE,
                                 MSG_DP_GROUP_FINANCING,   MSG_DP_GROUP_SERVICES,
                                 MSG_DP_GROUP_INTERACTION, MSG_DP_GROUP_RECOGNITION};
    for (size_t i = 0; devplan_groups[i]; i++)
        if (code && strcmp(code, devplan_groups[i]) == 0)
            return T(L, ids[i]);
    return code ? code : "";
}

static const char *status_label(lang_id L, const char *code)
{
    static const msg_id ids[] = {MSG_DP_STATUS_PLANNED, MSG_DP_STATUS_IN_PROGRESS,
                                 MSG_DP_STATUS_DONE, MSG_DP_STATUS_DROPPED};
    for (size_t i = 0; devplan_statuses[i]; i++)
        if (code && strcmp(code, devplan_statuses[i]) == 0)
            return T(L, ids[i]);
    return code ? code : "";
}

/* What failed, to show again: the part, the goal or action id, the values
 * as typed (by field name) and the errors. */
typedef struct plan_view {
    const char *part; /* "goal_new", "goal", "action_new", "action", "review" */
    int64_t id;
    const form *typed;
    const web_errs *errs;
} plan_view;

static bool failed_here(const plan_view *v, const char *part, int64_t id)
{
    return v && v->part && strcmp(v->part, part) == 0 && v->id == id;
}

static const char *typed_or(const plan_view *v, bool here, const char *name, const char *dflt)
{
    if (!here)
        return dflt;
    const char *s = form_get(v->typed, name);
    return s ? s : "";
}

static const char *err_of(const plan_view *v, bool here, const char *name)
{
    return here ? web_errs_get(v->errs, name) : NULL;
}

/* The six groups as checkboxes in a fieldset. */
static void groups_field(req *r, const char *idp, const devplan_goal *g, const plan_view *v,
                         bool here)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *err = err_of(v, here, "groups");
    html_fmt(o, "<fieldset class=\"field checks%R\"", err ? " field-invalid" : "");
    if (err)
        html_fmt(o, " aria-describedby=\"%s-groups-error\"", idp);
    html_fmt(o, "><legend>%s</legend>", T(L, MSG_DP_L_GROUPS));
    html_fmt(o, "<p class=\"field-hint\">%s</p>", T(L, MSG_DP_H_GROUPS));
    if (err)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-groups-error\"><span "
                 "class=\"visually-hidden\">%s </span>%s</p>",
                 idp, T(L, MSG_FORM_ERROR_PREFIX), err);
    for (size_t i = 0; devplan_groups[i]; i++) {
        bool on = false;
        if (here) {
            for (size_t k = 0; k < v->typed->n_fields; k++)
                if (strcmp(v->typed->fields[k].name, "groups") == 0 &&
                    strcmp(v->typed->fields[k].value, devplan_groups[i]) == 0)
                    on = true;
        } else if (g) {
            for (size_t k = 0; k < g->n_groups; k++)
                on |= strcmp(g->groups[k], devplan_groups[i]) == 0;
        }
        html_fmt(o,
                 "<label class=\"check\"><input type=\"checkbox\" name=\"groups\" value=\"%s\"%R>"
                 " %s</label>",
                 devplan_groups[i], on ? " checked" : "",
                 web_devplan_group_label(L, devplan_groups[i]));
    }
    html_raw(o, "</fieldset>");
}

/* Opens a plan form posting to /orgs/{slug}/plan/{tail} (tail: constant
 * path segments and ids, written raw) with its CSRF field, after the
 * error summary of the refused post when failed (NULL: none) is this
 * form's view. */
static void form_begin(req *r, const org_rec *org, const plan_view *failed, const char *tail)
{
    if (failed)
        web_error_summary(r, failed->errs);
    html_fmt(&r->out,
             "<form class=\"form\" method=\"post\" action=\"/orgs/%q/plan/%R\" novalidate>",
             org->slug, tail);
    layout_csrf_field(r);
}

static void goal_form(req *r, const org_rec *org, const devplan_goal *g, const plan_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool here = failed_here(v, g ? "goal" : "goal_new", g ? g->id : 0);
    const char *idp = g ? arena_printf(r->a, "goal-%lld-edit", (long long)g->id) : "goal-new";
    form_begin(r, org, here ? v : NULL,
               g ? arena_printf(r->a, "goals/%lld", (long long)g->id) : "goals");
    web_field(r, &(web_input){.id = arena_printf(r->a, "%s-title", idp),
                              .name = "title",
                              .type = "text",
                              .label = T(L, MSG_DP_L_GOAL_TITLE),
                              .value = typed_or(v, here, "title", g ? g->title : NULL),
                              .error = err_of(v, here, "title"),
                              .required = true,
                              .maxlength = DEVPLAN_TITLE_MAX});
    wc_textarea(r, arena_printf(r->a, "%s-description", idp), "description",
                T(L, MSG_DP_L_DESCRIPTION), NULL,
                typed_or(v, here, "description", g ? g->description : NULL),
                err_of(v, here, "description"), 3);
    groups_field(r, idp, g, v, here);
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, g ? MSG_DP_SAVE_GOAL : MSG_DP_ADD_GOAL));
}

static void owner_select(req *r, const char *id, const devplan_person *team, size_t n_team,
                         const char *value, const char *error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    web_field_open(r, id, T(L, MSG_DP_L_OWNER), NULL, error);
    html_fmt(o, "<select id=\"%s\" name=\"owner\"", id);
    web_described_by(r, id, false, error);
    html_fmt(o, "><option value=\"\">%s</option>", T(L, MSG_DP_OWNER_NONE));
    for (size_t i = 0; i < n_team; i++) {
        const char *pid = arena_printf(r->a, "%lld", (long long)team[i].id);
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", pid,
                 value && strcmp(value, pid) == 0 ? " selected" : "",
                 web_org_text(r, team[i].name, NULL));
    }
    html_raw(o, "</select></div>");
}

static void action_form(req *r, const org_rec *org, int64_t goal_id, const devplan_action *x,
                        const devplan_person *team, size_t n_team, const plan_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool here = failed_here(v, x ? "action" : "action_new", x ? x->id : goal_id);
    const char *idp = x ? arena_printf(r->a, "action-%lld-edit", (long long)x->id)
                        : arena_printf(r->a, "goal-%lld-new-action", (long long)goal_id);
    form_begin(r, org, here ? v : NULL,
               x ? arena_printf(r->a, "actions/%lld", (long long)x->id)
                 : arena_printf(r->a, "goals/%lld/actions", (long long)goal_id));
    web_field(r, &(web_input){.id = arena_printf(r->a, "%s-title", idp),
                              .name = "title",
                              .type = "text",
                              .label = T(L, MSG_DP_L_ACTION_TITLE),
                              .value = typed_or(v, here, "title", x ? x->title : NULL),
                              .error = err_of(v, here, "title"),
                              .required = true,
                              .maxlength = DEVPLAN_TITLE_MAX});
    const char *owner =
        x && x->owner_person_id ? arena_printf(r->a, "%lld", (long long)x->owner_person_id) : "";
    owner_select(r, arena_printf(r->a, "%s-owner", idp), team, n_team,
                 typed_or(v, here, "owner", owner), err_of(v, here, "owner"));
    web_field(r, &(web_input){.id = arena_printf(r->a, "%s-owner-text", idp),
                              .name = "owner_text",
                              .type = "text",
                              .label = T(L, MSG_DP_L_OWNER_TEXT),
                              .hint = T(L, MSG_DP_H_OWNER_TEXT),
                              .value = typed_or(v, here, "owner_text", x ? x->owner_text : NULL),
                              .error = err_of(v, here, "owner_text"),
                              .maxlength = DEVPLAN_OWNER_MAX});
    wc_date_field(r, arena_printf(r->a, "%s-deadline", idp), "deadline", T(L, MSG_DP_L_DEADLINE),
                  NULL, typed_or(v, here, "deadline", x ? x->deadline : NULL),
                  err_of(v, here, "deadline"), true);
    const char *status = typed_or(v, here, "status", x ? x->status : "planned");
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s-status\">%s</label>",
             err_of(v, here, "status") ? " field-invalid" : "", idp, T(L, MSG_DP_L_STATUS));
    if (err_of(v, here, "status"))
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-status-error\"><span "
                 "class=\"visually-hidden\">%s </span>%s</p>",
                 idp, T(L, MSG_FORM_ERROR_PREFIX), err_of(v, here, "status"));
    html_fmt(o, "<select id=\"%s-status\" name=\"status\">", idp);
    for (size_t i = 0; devplan_statuses[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", devplan_statuses[i],
                 strcmp(status, devplan_statuses[i]) == 0 ? " selected" : "",
                 status_label(L, devplan_statuses[i]));
    html_raw(o, "</select></div>");
    wc_date_field(r, arena_printf(r->a, "%s-done-on", idp), "done_on", T(L, MSG_DP_L_DONE_ON),
                  T(L, MSG_DP_H_DONE_ON), typed_or(v, here, "done_on", x ? x->done_on : NULL),
                  err_of(v, here, "done_on"), false);
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, x ? MSG_DP_SAVE_ACTION : MSG_DP_ADD_ACTION));
}

static void action_row(req *r, const org_rec *org, const devplan_action *x,
                       const devplan_person *team, size_t n_team, const plan_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool here = failed_here(v, "action", x->id);
    html_fmt(o, "<li class=\"plan-action%R\" id=\"action-%D\"><div class=\"plan-action-head\">",
             x->overdue ? " overdue" : "", (long long)x->id);
    html_fmt(o, "<strong>%s</strong> <span class=\"badge status-%s\">%s</span>",
             web_org_text(r, x->title, NULL), x->status, status_label(L, x->status));
    if (x->overdue)
        html_fmt(o, " <span class=\"badge badge-warn\">%s</span>", T(L, MSG_DP_OVERDUE));
    html_raw(o, "</div><p class=\"muted plan-action-facts\">");
    html_fmt(o, "%s: %s · %s: %s", T(L, MSG_DP_L_OWNER),
             x->owner_name ? web_org_text(r, x->owner_name, NULL) : T(L, MSG_DP_OWNER_NONE),
             T(L, MSG_DP_L_DEADLINE), wf_ymd(r, x->deadline));
    if (x->done_on)
        html_fmt(o, " · %s: %s", T(L, MSG_DP_L_DONE_ON), wf_ymd(r, x->done_on));
    html_raw(o, "</p>");
    html_fmt(o, "<details%R><summary>%s</summary>", here ? " open" : "",
             T(L, MSG_DP_CHANGE_ACTION));
    action_form(r, org, x->goal_id, x, team, n_team, v);
    html_raw(o, "</details></li>");
}

static void goal_section(req *r, const org_rec *org, const devplan_goal *g,
                         const devplan_person *team, size_t n_team, const plan_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o,
             "<section class=\"panel plan-goal\" id=\"goal-%D\" aria-labelledby=\"goal-%D-title\">"
             "<h2 id=\"goal-%D-title\">%s</h2>",
             (long long)g->id, (long long)g->id, (long long)g->id, web_org_text(r, g->title, NULL));
    if (g->n_groups) {
        html_fmt(o, "<p class=\"plan-groups\"><span class=\"visually-hidden\">%s: </span>",
                 T(L, MSG_DP_L_GROUPS));
        for (size_t i = 0; i < g->n_groups; i++)
            html_fmt(o, "<span class=\"chip\">%s</span> ",
                     web_devplan_group_label(L, g->groups[i]));
        html_raw(o, "</p>");
    }
    if (g->description && *g->description)
        html_fmt(o, "<p class=\"plan-description\">%s</p>", web_org_text(r, g->description, NULL));
    if (g->n_actions == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_DP_NO_ACTIONS));
    else {
        html_raw(o, "<ul class=\"plan-actions\">");
        for (size_t i = 0; i < g->n_actions; i++)
            action_row(r, org, &g->actions[i], team, n_team, v);
        html_raw(o, "</ul>");
    }
    bool add_here = failed_here(v, "action_new", g->id);
    html_fmt(o, "<details class=\"plan-add\"%R><summary>%s</summary>", add_here ? " open" : "",
             T(L, MSG_DP_ADD_ACTION));
    action_form(r, org, g->id, NULL, team, n_team, v);
    html_raw(o, "</details>");
    bool edit_here = failed_here(v, "goal", g->id);
    html_fmt(o, "<details class=\"plan-edit\"%R><summary>%s</summary>", edit_here ? " open" : "",
             T(L, MSG_DP_CHANGE_GOAL));
    goal_form(r, org, g, v);
    html_raw(o, "</details></section>\n");
}

static void reviews_section(req *r, const org_rec *org, const devplan *p, const plan_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool here = failed_here(v, "review", 0);
    html_fmt(o,
             "<section class=\"panel plan-reviews\" id=\"reviews\" aria-labelledby=\"rev-title\">"
             "<h2 id=\"rev-title\">%s</h2><p class=\"muted\">%s</p>",
             T(L, MSG_DP_REVIEWS), T(L, MSG_DP_REVIEWS_LEAD));
    for (size_t i = 0; i < p->n_reviews; i++) {
        const devplan_review *x = &p->reviews[i];
        html_fmt(o, "<article class=\"plan-review\" id=\"review-%d\"><h3>%d</h3>", x->year,
                 x->year);
        html_fmt(o, "<p class=\"muted\">%s</p>",
                 x->by_name
                     ? arena_printf(r->a, T(L, MSG_DP_REVIEWED_BY), wf_ymd(r, x->reviewed_on),
                                    web_org_text(r, x->by_name, NULL))
                     : arena_printf(r->a, T(L, MSG_DP_REVIEWED_ON), wf_ymd(r, x->reviewed_on)));
        html_fmt(o, "<p class=\"plan-review-body\">%s</p></article>",
                 web_org_text(r, x->body, NULL));
    }
    if (here)
        web_error_summary(r, v->errs);
    html_fmt(o, "<details%R><summary>%s</summary>", here || p->n_reviews == 0 ? " open" : "",
             T(L, MSG_DP_WRITE_REVIEW));
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/plan/review\" novalidate>",
             org->slug);
    layout_csrf_field(r);
    char year[8];
    snprintf(year, sizeof year, "%d", time_year());
    web_field(r, &(web_input){.id = "review-year",
                              .name = "year",
                              .type = "number",
                              .label = T(L, MSG_DP_L_YEAR),
                              .hint = T(L, MSG_DP_H_YEAR),
                              .value = typed_or(v, here, "year", year),
                              .error = err_of(v, here, "year"),
                              .required = true});
    wc_textarea(r, "review-body", "body", T(L, MSG_DP_L_REVIEW), NULL,
                typed_or(v, here, "body", NULL), err_of(v, here, "body"), 5);
    char today[11];
    wf_today(today);
    wc_date_field(r, "review-on", "reviewed_on", T(L, MSG_DP_L_REVIEWED_ON), NULL,
                  typed_or(v, here, "reviewed_on", today), err_of(v, here, "reviewed_on"), false);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</details></section>\n",
             T(L, MSG_DP_SAVE_REVIEW));
}

static const char *change_label(lang_id L, const char *action)
{
    static const struct {
        const char *action;
        msg_id label;
    } labels[] = {
        {"devplan_goal_add", MSG_DP_H_GOAL_ADD},
        {"devplan_goal_update", MSG_DP_H_GOAL_UPDATE},
        {"devplan_action_add", MSG_DP_H_ACTION_ADD},
        {"devplan_action_update", MSG_DP_H_ACTION_UPDATE},
        {"devplan_review_save", MSG_DP_H_REVIEW},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(action, labels[i].action) == 0)
            return T(L, labels[i].label);
    return action;
}

/* The detail's title and status, for the history's "what" column. */
static const char *change_what(req *r, const devplan_change *c)
{
    const char *d = c->detail ? c->detail : "";
    buf err = BUF_INIT, b = BUF_INIT;
    json_t *j = json_parse(d, strlen(d), &err);
    buf_free(&err);
    if (!j)
        return "";
    static const char *const keys[] = {"title", "status", "year", "done_on"};
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_object_get(j, keys[i]);
        if (!v)
            continue;
        if (b.len)
            buf_puts(&b, " · ");
        if (json_is_integer(v))
            buf_printf(&b, "%lld", (long long)json_integer_value(v));
        else if (i == 1)
            buf_puts(&b, status_label(r->lang, json_string_value(v)));
        else if (json_is_string(v))
            buf_puts(&b, json_string_value(v));
    }
    json_decref(j);
    const char *out = arena_strdup(r->a, buf_failed(&b) ? "" : buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

static void history_section(req *r, const org_rec *org)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    devplan_change *c = NULL;
    size_t n = 0;
    if (devplan_history(r->db, r->a, org->id, 30, &c, &n) != DB_OK || n == 0)
        return;
    html_fmt(o,
             "<section class=\"panel plan-history\" id=\"history\" aria-labelledby=\"hist-title\">"
             "<h2 id=\"hist-title\">%s</h2><div class=\"table-wrap\"><table class=\"data\">"
             "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
             T(L, MSG_DP_HISTORY), T(L, MSG_DP_COL_WHEN), T(L, MSG_DP_COL_WHO),
             T(L, MSG_DP_COL_CHANGE), T(L, MSG_DP_COL_WHAT));
    for (size_t i = 0; i < n; i++) {
        html_raw(o, "<tr><td>");
        web_datetime(r, c[i].at, MSG_DP_COL_WHEN);
        html_fmt(o, "</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                 c[i].who ? web_org_text(r, c[i].who, NULL) : "—", change_label(L, c[i].action),
                 web_org_text(r, change_what(r, &c[i]), NULL));
    }
    html_raw(o, "</tbody></table></div></section>\n");
}

static void mentoring_links(req *r, const org_rec *org)
{
    lang_id L = r->lang;
    mentoring_rec *m = NULL;
    size_t n = 0;
    if (mentoring_of_org(r->db, r->a, org->id, &m, &n) != DB_OK || n == 0)
        return;
    html_fmt(&r->out, "<p class=\"plan-mentoring\">%s ", T(L, MSG_DP_MENTORING_LINKS));
    for (size_t i = 0; i < n; i++) {
        bool mentee = m[i].mentee_id == org->id;
        html_fmt(&r->out, "%R<a href=\"/mentoring/%D\">%s</a>", i ? " · " : "", (long long)m[i].id,
                 arena_printf(r->a, T(L, mentee ? MSG_DP_MENTORED_BY : MSG_DP_MENTORING_OF),
                              mentee ? web_org_text(r, m[i].mentor_name, m[i].mentor_name_en)
                                     : web_org_text(r, m[i].mentee_name, m[i].mentee_name_en)));
    }
    html_raw(&r->out, "</p>");
}

static void plan_page(req *r, const org_rec *org, const plan_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char today[11];
    wf_today(today);
    devplan p;
    devplan_person *team = NULL;
    size_t n_team = 0;
    db_status st = devplan_get(r->db, r->a, org->id, today, &p);
    if (st == DB_OK)
        st = devplan_team(r->db, r->a, org->id, &team, &n_team);
    if (st != DB_OK) {
        resp_fail(r, st, "devplan_get");
        return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_DP_TITLE), web_org_name(r, org));
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    wc_form_head(r, org, title, T(L, MSG_DP_CRUMB));
    html_fmt(o, "<p class=\"lead\">%s</p>", T(L, MSG_DP_LEAD));
    if (!v && req_query(r, "saved"))
        web_notice(r, T(L, MSG_DP_SAVED));
    if (p.n_overdue)
        web_alert(r, arena_printf(r->a, T(L, MSG_DP_OVERDUE_N), (int)p.n_overdue));
    mentoring_links(r, org);
    if (p.n_goals == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_DP_NO_GOALS));
    for (size_t i = 0; i < p.n_goals; i++)
        goal_section(r, org, &p.goals[i], team, n_team, v);
    html_fmt(o,
             "<section class=\"panel plan-new-goal\" id=\"new-goal\" aria-labelledby=\"ng-title\">"
             "<h2 id=\"ng-title\">%s</h2>",
             T(L, MSG_DP_NEW_GOAL));
    goal_form(r, org, NULL, v);
    html_raw(o, "</section>\n");
    reviews_section(r, org, &p, v);
    history_section(r, org);
    layout_end(r);
}

void web_devplan_page(req *r)
{
    org_rec o;
    if (!wc_load(r, &o, RIGHT_ORG_EDIT))
        return;
    plan_page(r, &o, NULL);
}

/* Specific words for the errors the generic ones say badly. */
static void word_errors(req *r, const form_errors *fe, web_errs *e)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "done_on") == 0 && x->code == FE_MISMATCH)
            web_errs_add(e, "done_on", T(L, MSG_DP_E_DONE_ON));
        else if (strcmp(x->field, "owner_text") == 0 && x->code == FE_MISMATCH)
            web_errs_add(e, "owner_text", T(L, MSG_DP_E_OWNER_BOTH));
        else if (strcmp(x->field, "owner") == 0)
            web_errs_add(e, "owner", T(L, MSG_DP_E_OWNER));
        else if (strcmp(x->field, "groups") == 0)
            web_errs_add(e, "groups", T(L, MSG_DP_E_GROUPS));
    }
    web_errs_from_form(r, fe, e);
}

/* After a write: the page again, or the refusal with the form open. */
static void finish(req *r, const org_rec *org, db_status st, const form *f, const form_errors *fe,
                   const char *part, int64_t id, const char *anchor)
{
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/plan?saved=1#%s", org->slug, anchor));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_DP_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, part);
        return;
    }
    web_errs e = {0};
    word_errors(r, fe, &e);
    plan_view v = {part, id, f, &e};
    r->status = 422;
    plan_page(r, org, &v);
}

static bool param_id(req *r, int64_t *id)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        resp_error(r, 404, T(r->lang, MSG_DP_NOT_FOUND));
        return false;
    }
    *id = v;
    return true;
}

static void goal_post(req *r, int64_t goal_id)
{
    org_rec org;
    form f;
    if (!wc_load(r, &org, RIGHT_ORG_EDIT) || !req_body_form(r, &f))
        return;
    const char *groups[8];
    size_t n = 0;
    bool too_many = false;
    for (size_t i = 0; i < f.n_fields; i++)
        if (strcmp(f.fields[i].name, "groups") == 0) {
            if (n < 8)
                groups[n++] = f.fields[i].value;
            else
                too_many = true;
        }
    devplan_goal_input in = {form_get(&f, "title"), form_get(&f, "description"), groups, n};
    form_errors fe = {0};
    int64_t id = goal_id;
    db_status st;
    if (too_many) {
        valid_add_error(&fe, "groups", FE_INVALID, 0, 0);
        st = DB_CONSTRAINT;
    } else {
        st = devplan_goal_save(r->db, org.id, goal_id, &in, r->user->person_id, r->client_ip, &id,
                               &fe);
    }
    finish(r, &org, st, &f, &fe, goal_id ? "goal" : "goal_new", goal_id,
           arena_printf(r->a, "goal-%lld", (long long)id));
}

void web_devplan_goal_add(req *r)
{
    goal_post(r, 0);
}

void web_devplan_goal_update(req *r)
{
    int64_t id;
    if (param_id(r, &id))
        goal_post(r, id);
}

static void action_post(req *r, int64_t goal_id, int64_t action_id)
{
    org_rec org;
    form f;
    if (!wc_load(r, &org, RIGHT_ORG_EDIT) || !req_body_form(r, &f))
        return;
    devplan_action_input in = {form_get(&f, "title"),      form_get(&f, "owner"),
                               form_get(&f, "owner_text"), form_get(&f, "deadline"),
                               form_get(&f, "status"),     form_get(&f, "done_on")};
    form_errors fe = {0};
    int64_t id = action_id;
    db_status st = devplan_action_save(r->db, org.id, goal_id, action_id, &in, r->user->person_id,
                                       r->client_ip, &id, &fe);
    finish(r, &org, st, &f, &fe, action_id ? "action" : "action_new",
           action_id ? action_id : goal_id, arena_printf(r->a, "action-%lld", (long long)id));
}

void web_devplan_action_add(req *r)
{
    int64_t id;
    if (param_id(r, &id))
        action_post(r, id, 0);
}

void web_devplan_action_update(req *r)
{
    int64_t id;
    if (param_id(r, &id))
        action_post(r, 0, id);
}

void web_devplan_review_save(req *r)
{
    org_rec org;
    form f;
    if (!wc_load(r, &org, RIGHT_ORG_EDIT) || !req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st =
        devplan_review_save(r->db, org.id, form_get(&f, "year"), form_get(&f, "body"),
                            form_get(&f, "reviewed_on"), r->user->person_id, r->client_ip, &fe);
    finish(r, &org, st, &f, &fe, "review", 0, "reviews");
}

/* --- the start page ------------------------------------------------------------------ */

bool web_devplan_start(req *r, db_status *st)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char today[11];
    wf_today(today);
    devplan_overdue_row *x = NULL;
    mentoring_rec *m = NULL;
    size_t n = 0, n_m = 0;
    if ((*st = devplan_overdue_for(r->db, r->a, r->user->person_id, today, &x, &n)) != DB_OK ||
        (*st = mentoring_for_person(r->db, r->a, r->user->person_id, &m, &n_m)) != DB_OK)
        return false;
    if (n == 0 && n_m == 0)
        return false;
    html_fmt(o, "<section class=\"work card\" id=\"plan-work\"><h2>%s</h2>\n",
             T(L, MSG_DP_START_TITLE));
    if (n) {
        html_fmt(o, "<p>%s</p><ul class=\"work-list\">",
                 arena_printf(r->a, T(L, MSG_DP_OVERDUE_N), (int)n));
        for (size_t i = 0; i < n; i++)
            html_fmt(o,
                     "<li><a class=\"has-work\" href=\"/orgs/%q/plan#action-%D\">%s</a> · %s · "
                     "%s</li>",
                     x[i].slug, (long long)x[i].action_id, x[i].title,
                     web_org_text(r, x[i].org_name, x[i].org_name_en),
                     arena_printf(r->a, T(L, MSG_DP_DUE_ON), wf_ymd(r, x[i].deadline)));
        html_raw(o, "</ul>");
    }
    if (n_m) {
        html_fmt(o, "<p>%s</p><ul class=\"work-list\">", T(L, MSG_DP_START_MENTORING));
        for (size_t i = 0; i < n_m; i++)
            html_fmt(o, "<li><a href=\"/mentoring/%D\">%s</a></li>", (long long)m[i].id,
                     arena_printf(r->a, T(L, MSG_MT_PAIR_NAME),
                                  web_org_text(r, m[i].mentee_name, m[i].mentee_name_en),
                                  web_org_text(r, m[i].mentor_name, m[i].mentor_name_en)));
        html_raw(o, "</ul>");
    }
    html_raw(o, "</section>\n");
    return true;
}
