/* web_cluster_edit.c: a cluster's edit page.
 *
 *   GET  /orgs/{slug}/cluster/edit   the cluster's one form (strategy,
 *                                    services and networks in Serbian and
 *                                    English, a stage reached, the SCAN
 *                                    status (secretariat), a label) with
 *                                    one Save, the labels to verify
 *                                    (secretariat) and the management
 *                                    team (web_cluster_team.c)
 *   POST /orgs/{slug}/cluster        save the form: one model call
 *                                    (cluster_save), all or nothing
 *   POST /orgs/{slug}/labels/{id}/verify   the secretariat verifies a
 *                                    claimed label with its reference
 *
 * Rights: RIGHT_ORG_EDIT; the SCAN membership status and verifying labels
 * are the secretariat's (RIGHT_FIGURES_VERIFY); a label anyone else
 * declares is a claim. Errors are shown next to their fields with
 * everything typed kept; after saving, the page says so. */
#include <string.h>

#include "core/strutil.h"
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

static const char *const stage_codes[] = {"initiative", "emerging", "developing", "established",
                                          NULL};
static const char *const scan_codes[] = {"applied", "member", "founder", "suspended", "left", NULL};
static const char *const label_codes[] = {"esca_bronze", "esca_silver", "esca_gold", "other", NULL};

/* The one form's fields, in the order of wc_edit_view.f for part "cluster". */
enum {
    F_VISION,
    F_MISSION,
    F_GOALS,
    F_SERVICES,
    F_NETWORKS,
    F_VISION_EN,
    F_MISSION_EN,
    F_GOALS_EN,
    F_SERVICES_EN,
    F_NETWORKS_EN,
    F_STAGE,
    F_REACHED_ON,
    F_STATUS,
    F_SINCE,
    F_NOTE,
    F_NOTE_EN,
    F_LABEL,
    F_LABEL_NAME,
    F_LABEL_NAME_EN,
    F_AWARDED_ON,
    F_EXPIRES_ON,
    F_REFERENCE,
    F__COUNT
};

static const form_rule rules[F__COUNT] = {
    {"vision", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"mission", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"goals", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"services", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"networks", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"vision_en", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"mission_en", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"goals_en", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"services_en", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"networks_en", FV_MULTILINE, 0, 0, TEXT_MAX, NULL},
    {"stage", FV_TEXT, 0, 0, 20, NULL},
    {"reached_on", FV_TEXT, 0, 0, 10, NULL},
    {"status", FV_TEXT, 0, 0, 20, NULL},
    {"since", FV_TEXT, 0, 0, 10, NULL},
    {"note", FV_TEXT, 0, 0, 500, NULL},
    {"note_en", FV_TEXT, 0, 0, 500, NULL},
    {"label", FV_TEXT, 0, 0, 20, NULL},
    {"label_name", FV_TEXT, 0, 0, 200, NULL},
    {"label_name_en", FV_TEXT, 0, 0, 200, NULL},
    {"awarded_on", FV_TEXT, 0, 0, 10, NULL},
    {"expires_on", FV_TEXT, 0, 0, 10, NULL},
    {"reference", FV_TEXT, 0, 0, 200, NULL},
};

const char *wc_shown(const wc_edit_view *v, const char *part, int i, const char *fallback)
{
    return v->part && strcmp(v->part, part) == 0 ? v->f[i] : fallback;
}

const web_errs *wc_errs_of(const wc_edit_view *v, const char *part)
{
    return v->part && strcmp(v->part, part) == 0 ? v->errs : NULL;
}

/* The element id of field i: "ce-" and its name with '-' for '_'. */
static const char *field_id(req *r, int i)
{
    char *id = arena_printf(r->a, "ce-%s", rules[i].name);
    for (char *c = id; c && *c; c++)
        if (*c == '_')
            *c = '-';
    return id;
}

/* One strategy text as a fieldset of two textareas: Serbian and English. */
static void text_pair(req *r, const wc_edit_view *v, const web_errs *e, int sr, msg_id label,
                      const char *hint, const char *value_sr, const char *value_en, int rows)
{
    lang_id L = r->lang;
    html_fmt(&r->out, "<fieldset class=\"bilingual\"><legend>%s</legend>", T(L, label));
    wc_textarea(r, field_id(r, sr), rules[sr].name, T(L, MSG_CL_LANG_SR), hint,
                wc_shown(v, "cluster", sr, value_sr), web_errs_get(e, rules[sr].name), rows);
    int en = sr + F_VISION_EN;
    wc_textarea(r, field_id(r, en), rules[en].name, T(L, MSG_CL_LANG_EN), NULL,
                wc_shown(v, "cluster", en, value_en), web_errs_get(e, rules[en].name), rows);
    html_raw(&r->out, "</fieldset>\n");
}

static void text_field(req *r, const wc_edit_view *v, const web_errs *e, int i, msg_id label,
                       const char *hint, int maxlength)
{
    web_field(r, &(web_input){.id = field_id(r, i),
                              .name = rules[i].name,
                              .type = "text",
                              .label = T(r->lang, label),
                              .hint = hint,
                              .value = wc_shown(v, "cluster", i, NULL),
                              .error = web_errs_get(e, rules[i].name),
                              .maxlength = maxlength});
}

/* The claimed labels with a Verify form each (the secretariat's). */
static void labels_to_verify(req *r, const org_rec *org, const cluster_info *ci,
                             const wc_edit_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    size_t claims = 0;
    for (size_t i = 0; i < ci->n_labels; i++)
        claims += !ci->labels[i].verified;
    if (claims == 0)
        return;
    html_fmt(o,
             "<section class=\"panel\" id=\"verify\" aria-labelledby=\"ed-verify\"><h2 "
             "id=\"ed-verify\">%s</h2><ul class=\"plain\">",
             T(L, MSG_CL_LABELS_TO_VERIFY));
    for (size_t i = 0; i < ci->n_labels; i++) {
        const cluster_label_rec *x = &ci->labels[i];
        if (x->verified)
            continue;
        bool failed = v->end_id == -x->id && v->end_error;
        const char *id = arena_printf(r->a, "verify-%lld", (long long)x->id);
        const char *name = strcmp(x->label, "other") == 0 ? web_org_text(r, x->name, x->name_en)
                                                          : wf_label_label(L, x->label);
        html_fmt(o,
                 "<li><strong>%s</strong> · %s<form method=\"post\" "
                 "action=\"/orgs/%q/labels/%D/verify\" class=\"inline-form%R\">",
                 name ? name : "",
                 arena_printf(r->a, T(L, MSG_CL_AWARDED_ON), wf_ymd(r, x->awarded_on)), org->slug,
                 (long long)x->id, failed ? " field-invalid" : "");
        layout_csrf_field(r);
        html_fmt(o, "<label for=\"%s\">%s</label>", id, T(L, MSG_CL_L_REFERENCE));
        if (failed)
            html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, v->end_error);
        const char *ref = failed ? v->end_value : x->reference;
        html_fmt(o,
                 "<input id=\"%s\" name=\"reference\" type=\"text\" maxlength=\"200\" value=\"%s\"",
                 id, ref ? ref : "");
        if (failed)
            html_fmt(o, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
        html_fmt(o, "><button type=\"submit\" class=\"button-small\">%s</button></form></li>",
                 T(L, MSG_CL_VERIFY_BUTTON));
    }
    html_raw(o, "</ul></section>\n");
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
        web_notice(r, T(L, strcmp(saved, "team-invited") == 0 ? MSG_CL_TEAM_INVITED
                           : strcmp(saved, "verified") == 0   ? MSG_CL_LABEL_VERIFIED_NOTICE
                                                              : MSG_CL_SAVED));
    char today[11];
    wf_today(today);
    const web_errs *e = wc_errs_of(v, "cluster");
    web_error_summary(r, e);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/cluster\" novalidate>",
             org->slug);
    layout_csrf_field(r);

    /* strategy, services, networks: Serbian and English side by side */
    html_fmt(o,
             "<section class=\"panel cl-edit\" id=\"profile\" aria-labelledby=\"ed-profile\"><h2 "
             "id=\"ed-profile\">%s</h2><p class=\"field-hint\">%s</p>",
             T(L, MSG_CL_STRATEGY_SERVICES), T(L, MSG_CL_H_BILINGUAL));
    text_pair(r, v, e, F_VISION, MSG_CL_VISION, NULL, ci.vision, ci.vision_en, 3);
    text_pair(r, v, e, F_MISSION, MSG_CL_MISSION, NULL, ci.mission, ci.mission_en, 3);
    text_pair(r, v, e, F_GOALS, MSG_CL_GOALS, NULL, ci.goals, ci.goals_en, 4);
    text_pair(r, v, e, F_SERVICES, MSG_CL_SERVICES, T(L, MSG_CL_H_LINES), ci.services,
              ci.services_en, 5);
    text_pair(r, v, e, F_NETWORKS, MSG_CL_NETWORKS, T(L, MSG_CL_H_LINES), ci.networks,
              ci.networks_en, 3);
    html_raw(o, "</section>\n<div class=\"panels\">");

    /* development stage: blank keeps the recorded one */
    html_fmt(o,
             "<section class=\"panel\" id=\"stage\" aria-labelledby=\"ed-stage\"><h2 "
             "id=\"ed-stage\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_STAGE));
    wc_stage_facts(r, &ci, MSG_CL_RECORDED);
    html_fmt(o, "</dl><p class=\"field-hint\">%s</p>", T(L, MSG_CL_H_KEEP));
    wc_code_select(r, "ce-stage", "stage", T(L, MSG_CL_STAGE_REACHED), stage_codes, wf_stage_label,
                   wc_shown(v, "cluster", F_STAGE, NULL), web_errs_get(e, "stage"), true);
    wc_date_field(r, "ce-reached-on", "reached_on", T(L, MSG_CL_L_REACHED_ON), NULL,
                  wc_shown(v, "cluster", F_REACHED_ON, NULL), web_errs_get(e, "reached_on"), false);
    html_raw(o, "</section>\n");

    /* SCAN membership: the secretariat decides */
    html_fmt(o,
             "<section class=\"panel\" id=\"scan\" aria-labelledby=\"ed-scan\"><h2 "
             "id=\"ed-scan\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_SCAN));
    wc_scan_facts(r, &ci, MSG_CL_RECORDED);
    html_raw(o, "</dl>");
    if (!secretariat) {
        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_CL_SCAN_SECRETARIAT));
    } else {
        html_fmt(o, "<p class=\"field-hint\">%s</p>", T(L, MSG_CL_H_KEEP));
        wc_code_select(r, "ce-status", "status", T(L, MSG_CL_L_STATUS), scan_codes,
                       wf_scan_status_label, wc_shown(v, "cluster", F_STATUS, NULL),
                       web_errs_get(e, "status"), true);
        wc_date_field(r, "ce-since", "since", T(L, MSG_CL_L_SINCE), NULL,
                      wc_shown(v, "cluster", F_SINCE, NULL), web_errs_get(e, "since"), false);
        text_field(r, v, e, F_NOTE, MSG_CL_L_NOTE, NULL, 500);
        text_field(r, v, e, F_NOTE_EN, MSG_CL_L_NOTE_EN, NULL, 500);
    }
    html_raw(o, "</section>\n");

    /* labels: a claim until the secretariat verifies it */
    html_fmt(o,
             "<section class=\"panel\" id=\"label\" aria-labelledby=\"ed-label\"><h2 "
             "id=\"ed-label\">%s</h2><dl class=\"facts\">",
             T(L, MSG_CL_LABELS));
    wc_label_facts(r, &ci, MSG_CL_RECORDED);
    html_fmt(o, "</dl><h3>%s</h3><p class=\"field-hint\">%s</p>", T(L, MSG_CL_LABEL_DECLARE),
             T(L, secretariat ? MSG_CL_LABEL_H_SEC : MSG_CL_LABEL_H_CLAIM));
    wc_code_select(r, "ce-label", "label", T(L, MSG_CL_L_LABEL), label_codes, wf_label_label,
                   wc_shown(v, "cluster", F_LABEL, NULL), web_errs_get(e, "label"), true);
    text_field(r, v, e, F_LABEL_NAME, MSG_CL_L_LABEL_NAME, T(L, MSG_CL_H_LABEL_NAME), 200);
    text_field(r, v, e, F_LABEL_NAME_EN, MSG_CL_L_LABEL_NAME_EN, NULL, 200);
    wc_date_field(r, "ce-awarded-on", "awarded_on", T(L, MSG_CL_L_AWARDED), NULL,
                  wc_shown(v, "cluster", F_AWARDED_ON, NULL), web_errs_get(e, "awarded_on"), false);
    wc_date_field(r, "ce-expires-on", "expires_on", T(L, MSG_CL_L_EXPIRES), T(L, MSG_CL_H_EXPIRES),
                  wc_shown(v, "cluster", F_EXPIRES_ON, NULL), web_errs_get(e, "expires_on"), false);
    text_field(r, v, e, F_REFERENCE, MSG_CL_L_REFERENCE, NULL, 200);
    html_raw(o, "</section></div>\n");
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/orgs/%q\">%s</a></div></form>\n",
             T(L, MSG_SAVE), org->slug, T(L, MSG_CANCEL));
    if (secretariat)
        labels_to_verify(r, org, &ci, v);
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
    form_value val[F__COUNT];
    form_errors fe = {0};
    form_validate(r->a, &f, rules, F__COUNT, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    wc_edit_view v = {.part = "cluster", .errs = &e};
    for (size_t i = 0; i < F__COUNT; i++)
        v.f[i] = val[i].text;
    db_status st = DB_OK;
    if (e.n == 0) {
        /* a text the post does not carry at all keeps what is stored (a
         * blank one clears it): the page always sends every field */
        cluster_info ci;
        st = cluster_get(r->db, r->a, cl.id, false, &ci);
        if (st != DB_OK) {
            resp_fail(r, st, "cluster_get");
            return;
        }
        const char *stored[10] = {ci.vision,      ci.mission,    ci.goals,      ci.services,
                                  ci.networks,    ci.vision_en,  ci.mission_en, ci.goals_en,
                                  ci.services_en, ci.networks_en};
        for (int i = F_VISION; i <= F_NETWORKS_EN; i++)
            if (!form_get(&f, rules[i].name))
                v.f[i] = stored[i];
    }
    if (e.n == 0) {
        const char *const *x = v.f;
        cluster_edit in = {.vision = x[F_VISION],
                           .mission = x[F_MISSION],
                           .goals = x[F_GOALS],
                           .services = x[F_SERVICES],
                           .networks = x[F_NETWORKS],
                           .vision_en = x[F_VISION_EN],
                           .mission_en = x[F_MISSION_EN],
                           .goals_en = x[F_GOALS_EN],
                           .services_en = x[F_SERVICES_EN],
                           .networks_en = x[F_NETWORKS_EN],
                           .stage = x[F_STAGE],
                           .reached_on = x[F_REACHED_ON],
                           .status = x[F_STATUS],
                           .since = x[F_SINCE],
                           .note = x[F_NOTE],
                           .note_en = x[F_NOTE_EN],
                           .label = x[F_LABEL],
                           .label_name = x[F_LABEL_NAME],
                           .label_name_en = x[F_LABEL_NAME_EN],
                           .awarded_on = x[F_AWARDED_ON],
                           .expires_on = x[F_EXPIRES_ON],
                           .reference = x[F_REFERENCE]};
        form_errors me = {0};
        bool secretariat = rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0);
        st = cluster_save(r->db, cl.id, &in, secretariat, r->user->person_id, r->client_ip, &me);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=1", cl.slug));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "cluster save");
            return;
        }
        web_errs_from_form(r, &me, &e);
        if (e.n == 0)
            web_errs_add(&e, "vision", T(L, MSG_FORM_ERR_INVALID));
        /* the SCAN status is the secretariat's: the same 403 as before */
        if (form_error_for(&me, "status") &&
            form_error_for(&me, "status")->code == FE_SECRETARIAT_ONLY) {
            resp_error(r, 403, T(L, MSG_CL_SCAN_SECRETARIAT));
            return;
        }
    }
    r->status = 422;
    wc_edit_page(r, &cl, &v);
}

void web_cluster_label_verify(req *r)
{
    lang_id L = r->lang;
    org_rec cl;
    if (!wc_load(r, &cl, RIGHT_ORG_EDIT))
        return;
    if (!rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(L, MSG_CL_LABEL_SECRETARIAT));
        return;
    }
    int64_t id = 0;
    const char *p = req_param(r, "id");
    if (!p || !str_to_i64(p, &id) || id <= 0) {
        resp_error(r, 404, T(L, MSG_CL_LABEL_NO_CLAIM));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    static const form_rule ref_rule[] = {{"reference", FV_TEXT, FORM_REQUIRED, 1, 200, NULL}};
    form_value ref;
    form_errors me = {0};
    db_status st = DB_CONSTRAINT;
    if (form_validate(r->a, &f, ref_rule, 1, &ref, &me))
        st =
            cluster_label_verify(r->db, cl.id, id, ref.text, r->user->person_id, r->client_ip, &me);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/cluster/edit?saved=verified", cl.slug));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_CL_LABEL_NO_CLAIM));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "cluster_label_verify");
        return;
    }
    buf t = BUF_INIT;
    if (me.n_items)
        form_error_text(&t, L, &me.items[0]);
    wc_edit_view v = {
        .end_id = -id, .end_value = ref.text, .end_error = arena_strdup(r->a, buf_str(&t))};
    buf_free(&t);
    r->status = 422;
    wc_edit_page(r, &cl, &v);
}
