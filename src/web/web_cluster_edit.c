/* web_cluster_edit.c: a cluster's edit page.
 *
 *   GET  /orgs/{slug}/cluster/edit   the cluster profile forms and the
 *                                    management team (web_cluster_team.c)
 *   POST /orgs/{slug}/cluster        save one part (profile, stage, SCAN
 *                                    status (secretariat), label)
 *
 * Rights: RIGHT_ORG_EDIT; the SCAN membership status and labels are the
 * secretariat's (RIGHT_FIGURES_VERIFY). Each save is one model call, so it
 * saves all or nothing; errors are shown next to their fields with
 * everything typed kept. */
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/cluster.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

#define TEXT_MAX 10000 /* characters per strategy field (the model's limit) */

/* --- the cluster profile: GET /orgs/{slug}/cluster/edit, POST /orgs/{slug}/cluster ---------- */

static const char *const stage_codes[] = {"initiative", "emerging", "developing", "established",
                                          NULL};
static const char *const scan_codes[] = {"applied", "member", "founder", "suspended", "left", NULL};
static const char *const label_codes[] = {"esca_bronze", "esca_silver", "esca_gold", "other", NULL};

/* The value to show in field i of part: as typed when that part failed,
 * else fallback. */
const char *wc_shown(const wc_edit_view *v, const char *part, int i, const char *fallback)
{
    return v->part && strcmp(v->part, part) == 0 ? v->f[i] : fallback;
}

const web_errs *wc_errs_of(const wc_edit_view *v, const char *part)
{
    return v->part && strcmp(v->part, part) == 0 ? v->errs : NULL;
}

void wc_edit_page(req *r, const org_rec *org, const wc_edit_view *v)
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
    wc_form_head(r, org, title, T(L, MSG_CL_EDIT_CRUMB));
    const char *saved = req_query(r, "saved");
    if (saved && !v->part)
        web_notice(r,
                   T(L, strcmp(saved, "team-invited") == 0 ? MSG_CL_TEAM_INVITED : MSG_CL_SAVED));
    char today[11];
    wf_today(today);

    /* strategy, services, networks */
    const web_errs *e = wc_errs_of(v, "profile");
    html_fmt(o,
             "<section class=\"panel cl-edit\" id=\"profile\" aria-labelledby=\"ed-profile\"><h2 "
             "id=\"ed-profile\">%s</h2>",
             T(L, MSG_CL_STRATEGY_SERVICES));
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
    layout_csrf_field(r);
    html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"profile\">");
    wc_textarea(r, "ce-vision", "vision", T(L, MSG_CL_VISION), NULL,
                wc_shown(v, "profile", 0, ci.vision), web_errs_get(e, "vision"), 3);
    wc_textarea(r, "ce-mission", "mission", T(L, MSG_CL_MISSION), NULL,
                wc_shown(v, "profile", 1, ci.mission), web_errs_get(e, "mission"), 3);
    wc_textarea(r, "ce-goals", "goals", T(L, MSG_CL_GOALS), NULL,
                wc_shown(v, "profile", 2, ci.goals), web_errs_get(e, "goals"), 4);
    wc_textarea(r, "ce-services", "services", T(L, MSG_CL_SERVICES), T(L, MSG_CL_H_LINES),
                wc_shown(v, "profile", 3, ci.services), web_errs_get(e, "services"), 5);
    wc_textarea(r, "ce-networks", "networks", T(L, MSG_CL_NETWORKS), T(L, MSG_CL_H_LINES),
                wc_shown(v, "profile", 4, ci.networks), web_errs_get(e, "networks"), 3);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/orgs/%q\">%s</a></div></form></section>\n",
             T(L, MSG_SAVE), org->slug, T(L, MSG_CANCEL));

    html_raw(o, "<div class=\"panels\">");
    /* development stage */
    e = wc_errs_of(v, "stage");
    html_fmt(o,
             "<section class=\"panel\" id=\"stage\" aria-labelledby=\"ed-stage\"><h2 "
             "id=\"ed-stage\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_STAGE));
    wc_stage_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
    layout_csrf_field(r);
    html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"stage\">");
    wc_code_select(r, "ce-stage", "stage", T(L, MSG_CL_STAGE_REACHED), stage_codes, wf_stage_label,
                   wc_shown(v, "stage", 0, NULL), web_errs_get(e, "stage"), true);
    wc_date_field(r, "ce-reached", "reached_on", T(L, MSG_CL_L_REACHED_ON), NULL,
                  wc_shown(v, "stage", 1, today), web_errs_get(e, "reached_on"), true);
    html_fmt(
        o,
        "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form></section>\n",
        T(L, MSG_CL_RECORD_STAGE));

    /* SCAN membership: the secretariat decides */
    e = wc_errs_of(v, "scan");
    html_fmt(o,
             "<section class=\"panel\" id=\"scan\" aria-labelledby=\"ed-scan\"><h2 "
             "id=\"ed-scan\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_SCAN));
    wc_scan_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    if (!secretariat) {
        html_fmt(o, "<p class=\"muted\">%s</p></section>\n", T(L, MSG_CL_SCAN_SECRETARIAT));
    } else {
        web_error_summary(r, e);
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
        layout_csrf_field(r);
        html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"scan\">");
        wc_code_select(r, "ce-status", "status", T(L, MSG_CL_L_STATUS), scan_codes,
                       wf_scan_status_label, wc_shown(v, "scan", 0, NULL),
                       web_errs_get(e, "status"), true);
        wc_date_field(r, "ce-since", "since", T(L, MSG_CL_L_SINCE), NULL,
                      wc_shown(v, "scan", 1, today), web_errs_get(e, "since"), true);
        web_field(r, &(web_input){.id = "ce-note",
                                  .name = "note",
                                  .type = "text",
                                  .label = T(L, MSG_CL_L_NOTE),
                                  .value = wc_shown(v, "scan", 2, NULL),
                                  .error = web_errs_get(e, "note"),
                                  .maxlength = 500});
        html_fmt(o,
                 "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
                 "</section>\n",
                 T(L, MSG_CL_RECORD_STATUS));
    }

    /* labels */
    e = wc_errs_of(v, "label");
    html_fmt(o,
             "<section class=\"panel\" id=\"label\" aria-labelledby=\"ed-label\"><h2 "
             "id=\"ed-label\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_LABELS));
    wc_label_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    if (!secretariat) /* labels classify a cluster: the secretariat records them */
        html_fmt(o, "<p class=\"muted\">%s</p></section>\n", T(L, MSG_CL_LABEL_SECRETARIAT));
    else {
        web_error_summary(r, e);
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\">", org->slug);
        layout_csrf_field(r);
        html_raw(o, "<input type=\"hidden\" name=\"part\" value=\"label\">");
        wc_code_select(r, "ce-label", "label", T(L, MSG_CL_L_LABEL), label_codes, wf_label_label,
                       wc_shown(v, "label", 0, NULL), web_errs_get(e, "label"), true);
        web_field(r, &(web_input){.id = "ce-label-name",
                                  .name = "name",
                                  .type = "text",
                                  .label = T(L, MSG_CL_L_LABEL_NAME),
                                  .hint = T(L, MSG_CL_H_LABEL_NAME),
                                  .value = wc_shown(v, "label", 1, NULL),
                                  .error = web_errs_get(e, "name"),
                                  .maxlength = 200});
        wc_date_field(r, "ce-awarded", "awarded_on", T(L, MSG_CL_L_AWARDED), NULL,
                      wc_shown(v, "label", 2, NULL), web_errs_get(e, "awarded_on"), true);
        wc_date_field(r, "ce-expires", "expires_on", T(L, MSG_CL_L_EXPIRES), T(L, MSG_CL_H_EXPIRES),
                      wc_shown(v, "label", 3, NULL), web_errs_get(e, "expires_on"), false);
        html_fmt(o,
                 "<div class=\"form-actions\"><button "
                 "type=\"submit\">%s</button></div></form></section>\n",
                 T(L, MSG_CL_ADD_LABEL));
    }
    html_raw(o, "</div>\n");
    wc_team_panel(r, org, &ci, v, today);
    layout_end(r);
}

void web_cluster_edit_form(req *r)
{
    org_rec o;
    if (!wc_load(r, &o, RIGHT_ORG_EDIT))
        return;
    wc_edit_view v = {0};
    wc_edit_page(r, &o, &v);
}

void web_cluster_save(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!wc_load(r, &cl, RIGHT_ORG_EDIT))
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
    wc_edit_view v = {.part = part, .errs = &e};
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
    wc_edit_page(r, &cl, &v);
}
