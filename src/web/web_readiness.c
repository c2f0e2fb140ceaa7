/* web_readiness.c: the readiness check page of a cluster or cluster
 * initiative (model in readiness.h), /orgs/{slug}/readiness, and the
 * answers its team gives there. Read and answered by the cluster's
 * management team and the secretariat (readiness_may_read/_answer, the
 * cluster pages' right); members and the public see the progress only,
 * on /initiatives: the details (a missing fee scheme, a team under 0.5
 * FTE) are the team's working list, not a public grade. */
#include <stdio.h>
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/readiness.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_org.h"

const char *web_initiative_stage_label(lang_id L, const char *stage);

static const msg_id names[RD__COUNT] = {
    [RD_TEAM_FTE] = MSG_RD_C_TEAM_FTE,         [RD_WEBSITE_EN] = MSG_RD_C_WEBSITE_EN,
    [RD_MEMBERS] = MSG_RD_C_MEMBERS,           [RD_MEMBER_TYPES] = MSG_RD_C_MEMBER_TYPES,
    [RD_LEGAL_ENTITY] = MSG_RD_C_LEGAL_ENTITY, [RD_STRATEGY] = MSG_RD_C_STRATEGY,
    [RD_FIGURES] = MSG_RD_C_FIGURES,           [RD_FEE_SCHEME] = MSG_RD_C_FEE_SCHEME,
    [RD_SERVICES] = MSG_RD_C_SERVICES,
};
static const msg_id next_steps[RD__COUNT] = {
    [RD_TEAM_FTE] = MSG_RD_N_TEAM_FTE,         [RD_WEBSITE_EN] = MSG_RD_N_WEBSITE_EN,
    [RD_MEMBERS] = MSG_RD_N_MEMBERS,           [RD_MEMBER_TYPES] = MSG_RD_N_MEMBER_TYPES,
    [RD_LEGAL_ENTITY] = MSG_RD_N_LEGAL_ENTITY, [RD_STRATEGY] = MSG_RD_N_STRATEGY,
    [RD_FIGURES] = MSG_RD_N_FIGURES,           [RD_FEE_SCHEME] = MSG_RD_N_FEE_SCHEME,
    [RD_SERVICES] = MSG_RD_N_SERVICES,
};

/* Loads the cluster {slug} and checks the reader may see its check;
 * writes the 404 or 403 itself otherwise. */
static bool load(req *r, org_rec *o)
{
    if (!web_org_load(r, o))
        return false;
    if (!o->kind ||
        (strcmp(o->kind, "cluster") != 0 && strcmp(o->kind, "cluster_initiative") != 0)) {
        resp_error(r, 404, T(r->lang, MSG_CL_NOT_CLUSTER));
        return false;
    }
    if (!readiness_may_read(r->db, r->user, o->id)) {
        resp_error(r, 403, T(r->lang, MSG_RD_FORBIDDEN));
        return false;
    }
    return true;
}

/* The state badge of one criterion. */
static void badge(req *r, readiness_state s)
{
    static const char *const cls[] = {"unanswered", "met", "not-met"};
    static const msg_id txt[] = {MSG_RD_UNANSWERED, MSG_RD_MET, MSG_RD_NOT_MET};
    html_fmt(&r->out, "<span class=\"badge readiness-%s\">%s</span>", cls[s], T(r->lang, txt[s]));
}

/* What the data says, in words, for a computed count. */
static void value_text(req *r, const readiness *rd, const readiness_item *it)
{
    lang_id L = r->lang;
    const char *t = NULL;
    if (!it->computed)
        return;
    if (it->criterion == RD_MEMBERS)
        t = arena_printf(r->a, T(L, MSG_RD_V_MEMBERS), (long long)it->value);
    else if (it->criterion == RD_MEMBER_TYPES)
        t = arena_printf(r->a, T(L, MSG_RD_V_TYPES), (long long)it->value);
    else if (it->criterion == RD_TEAM_FTE && it->value >= 0) {
        char fte[48];
        int n = snprintf(fte, sizeof fte, "%lld%s%03lld", (long long)(it->value / 1000),
                         L == LANG_EN ? "." : ",", (long long)(it->value % 1000));
        while (n > 0 && fte[n - 1] == '0') /* 0,600 -> 0,6; 1,000 -> 1 */
            fte[--n] = '\0';
        if (n > 0 && (fte[n - 1] == '.' || fte[n - 1] == ','))
            fte[--n] = '\0';
        t = arena_printf(r->a, T(L, MSG_RD_V_FTE), fte);
    } else if (it->criterion == RD_FIGURES && it->target >= 0)
        t = arena_printf(r->a, T(L, MSG_RD_V_FIGURES), (long long)it->value, (long long)it->target,
                         rd->figures_year);
    if (t)
        html_fmt(&r->out, "<p class=\"readiness-value\">%s</p>", t);
}

static void answer_form(req *r, const org_rec *o, const readiness_item *it, const web_errs *errs,
                        const form *posted)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    bool mine = posted && form_get(posted, "criterion") &&
                strcmp(form_get(posted, "criterion"), it->code) == 0;
    const char *met = mine                            ? form_get(posted, "met")
                      : it->state == RD_STATE_MET     ? "yes"
                      : it->state == RD_STATE_NOT_MET ? "no"
                                                      : NULL;
    const char *url = mine ? form_get(posted, "url") : it->url;
    const char *note = mine ? form_get(posted, "note") : it->note;
    const web_errs *e = mine ? errs : NULL;
    html_fmt(
        out,
        "<form method=\"post\" action=\"/orgs/%q/readiness#rd-%s\" class=\"readiness-answer\">",
        o->slug, it->code);
    layout_csrf_field(r);
    html_fmt(out, "<input type=\"hidden\" name=\"criterion\" value=\"%s\">", it->code);
    const char *merr = web_errs_get(e, "met");
    html_fmt(out, "<fieldset class=\"field%R\"><legend>%s</legend>", merr ? " field-invalid" : "",
             T(L, MSG_RD_MET_QUESTION));
    if (merr)
        html_fmt(out, "<p class=\"field-error\">%s</p>", merr);
    html_fmt(out,
             "<label><input type=\"radio\" name=\"met\" value=\"yes\"%R> %s</label> "
             "<label><input type=\"radio\" name=\"met\" value=\"no\"%R> %s</label></fieldset>",
             met && strcmp(met, "yes") == 0 ? " checked" : "", T(L, MSG_RD_ANSWER_YES),
             met && strcmp(met, "no") == 0 ? " checked" : "", T(L, MSG_RD_ANSWER_NO));
    if (it->criterion == RD_WEBSITE_EN)
        web_field(r, &(web_input){.id = arena_printf(r->a, "rd-url-%s", it->code),
                                  .name = "url",
                                  .type = "url",
                                  .label = T(L, MSG_RD_F_URL),
                                  .value = url,
                                  .error = web_errs_get(e, "url"),
                                  .maxlength = 500});
    web_field(r, &(web_input){.id = arena_printf(r->a, "rd-note-%s", it->code),
                              .name = "note",
                              .type = "text",
                              .label = T(L, MSG_RD_F_NOTE),
                              .value = note,
                              .error = web_errs_get(e, "note"),
                              .maxlength = 500});
    html_fmt(out, "<p><button type=\"submit\" class=\"button-small\">%s</button></p></form>",
             T(L, MSG_SAVE));
}

static void item(req *r, const org_rec *o, const readiness *rd, const readiness_item *it,
                 bool may_answer, const web_errs *errs, const form *posted)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    html_fmt(out, "<li class=\"card readiness-item\" id=\"rd-%s\"><h3>%s ", it->code,
             T(L, names[it->criterion]));
    badge(r, it->state);
    html_raw(out, "</h3>");
    value_text(r, rd, it);
    html_fmt(out, "<p class=\"muted readiness-source\">");
    if (it->computed)
        html_fmt(out, "%s", T(L, MSG_RD_FROM_DATA));
    else if (it->answered_at) {
        html_fmt(out, "%s ",
                 arena_printf(r->a, T(L, MSG_RD_ANSWERED_BY),
                              web_actor_name(r, it->answered_by, it->answered_by_name,
                                             it->answered_by && !it->answered_by_name,
                                             MSG_DIR_SYSTEM_ACTOR)));
        web_datetime(r, it->answered_at, MSG_USERS_NEVER);
    } else
        html_fmt(out, "%s", T(L, MSG_RD_UNANSWERED));
    html_raw(out, "</p>");
    if (it->url)
        html_fmt(out, "<p><a href=\"%u\" rel=\"nofollow noopener\">%s</a></p>", it->url, it->url);
    if (it->note)
        html_fmt(out, "<p class=\"readiness-note\">%s</p>", it->note);
    html_fmt(out, "<p class=\"readiness-next\"><strong>%s:</strong> %s</p>", T(L, MSG_RD_COL_NEXT),
             T(L, it->state == RD_STATE_MET ? MSG_RD_N_DONE : next_steps[it->criterion]));
    if (may_answer && it->answerable && !it->computed) {
        /* an answer given folds away; one still missing, or sent back
         * with an error, stays open */
        bool open = !it->answered_at || (posted && form_get(posted, "criterion") &&
                                         strcmp(form_get(posted, "criterion"), it->code) == 0);
        html_fmt(out, "<details%R><summary>%s</summary>", open ? " open" : "",
                 T(L, it->answered_at ? MSG_RD_CHANGE : MSG_RD_ANSWER));
        answer_form(r, o, it, errs, posted);
        html_raw(out, "</details>");
    }
    html_raw(out, "</li>\n");
}

static void page(req *r, const org_rec *o, const web_errs *errs, const form *posted)
{
    lang_id L = r->lang;
    readiness rd;
    db_status st = readiness_get(r->db, r->a, o->id, &rd);
    if (st != DB_OK) {
        resp_fail(r, st, "readiness_get");
        return;
    }
    bool may_answer = readiness_may_answer(r->db, r->user, o->id);
    const char *name = web_org_name(r, o);
    const char *title = arena_printf(r->a, "%s: %s", T(L, MSG_RD_TITLE), name);
    page_meta m = {.title = title, .nav = "initiatives"};
    layout_begin(r, &m);
    buf *out = &r->out;
    html_fmt(out, "<p class=\"crumbs\"><a href=\"/orgs/%q\">%s</a></p>\n<h1>%s</h1>\n", o->slug,
             name, T(L, MSG_RD_TITLE));
    if (req_query(r, "saved"))
        web_notice(r, T(L, MSG_NOTICE_SAVED));
    web_error_summary(r, errs);
    html_fmt(out, "<p class=\"lead\">%s</p>\n", T(L, MSG_RD_LEAD));
    html_fmt(out,
             "<div class=\"card readiness-summary\"><p><meter min=\"0\" max=\"%d\" value=\"%d\">"
             "</meter> <strong>%s</strong></p><p>%s: <strong>%s</strong></p>",
             RD__COUNT, rd.n_met, arena_printf(r->a, T(L, MSG_RD_PROGRESS), rd.n_met, RD__COUNT),
             T(L, MSG_RD_READY_FOR), web_initiative_stage_label(L, rd.ready_for));
    if (rd.stage_now)
        html_fmt(out, "<p>%s: %s</p>", T(L, MSG_RD_STAGE_NOW),
                 web_initiative_stage_label(L, rd.stage_now));
    html_raw(out, "</div>\n");
    html_fmt(out, "<h2>%s</h2><ul class=\"plain readiness-list\">", T(L, MSG_RD_GROUP_ECCP));
    for (int i = RD_TEAM_FTE; i <= RD_MEMBER_TYPES; i++)
        item(r, o, &rd, &rd.items[i], may_answer, errs, posted);
    html_fmt(out, "</ul><h2>%s</h2><ul class=\"plain readiness-list\">", T(L, MSG_RD_GROUP_SCAN));
    for (int i = RD_LEGAL_ENTITY; i < RD__COUNT; i++)
        item(r, o, &rd, &rd.items[i], may_answer, errs, posted);
    html_fmt(out, "</ul><section class=\"card\"><h2>%s</h2><p>%s</p></section>\n",
             T(L, MSG_RD_STAGES_TITLE), T(L, MSG_RD_STAGES_TEXT));
    layout_end(r);
}

void web_readiness_page(req *r)
{
    org_rec o;
    if (!load(r, &o))
        return;
    page(r, &o, NULL, NULL);
}

void web_readiness_answer(req *r)
{
    org_rec o;
    if (!load(r, &o))
        return;
    lang_id L = r->lang;
    if (!readiness_may_answer(r->db, r->user, o.id)) {
        resp_error(r, 403, T(L, MSG_RD_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = readiness_answer(r->db, o.id, form_get(&f, "criterion"), form_get(&f, "met"),
                                    form_get(&f, "url"), form_get(&f, "note"), r->user->person_id,
                                    r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/orgs/%s/readiness?saved=1#rd-%s", o.slug,
                                      form_get(&f, "criterion")));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "readiness_answer");
        return;
    }
    web_errs errs = {0};
    for (size_t i = 0; i < fe.n_items; i++) {
        const form_error *x = &fe.items[i];
        if (strcmp(x->field, "url") == 0 && x->code != FE_TOO_LONG) /* the limit says itself */
            web_errs_add(&errs, "url", T(L, MSG_RD_ERR_URL));
        else if (strcmp(x->field, "met") == 0)
            web_errs_add(&errs, "met", T(L, MSG_RD_ERR_MET));
    }
    if (form_error_for(&fe, "criterion")) {
        resp_error(r, 422, T(L, MSG_RD_ERR_CRITERION));
        return;
    }
    web_errs_from_form(r, &fe, &errs);
    r->status = 422;
    page(r, &o, &errs, &f);
}
