/* web_position_timeline.c: a position's timeline and the forms that
 * extend it (issue 16).
 *
 *   GET  /positions/{id}/timeline      the timeline alone, with the forms
 *                                      for those who may record
 *   POST /positions/{id}/submissions   record a submission to an institution
 *   POST /positions/{id}/answers       record an institution's answer
 *   POST /positions/{id}/meetings      record a follow-up meeting
 *
 * web_position_timeline() renders the timeline; the position page
 * (engineer 4's) calls it. Who reads: everyone once the position is
 * submitted (answered, closed); before that its owner's managers and the
 * secretariat (RIGHT_ADVOCACY_RECORD on the owner), 404 for the rest so a
 * draft's existence does not leak. Who writes: RIGHT_ADVOCACY_RECORD
 * (403 otherwise). Meeting notes are shown to the secretariat only. A
 * refused post shows the page again (422) with the errors beside the
 * fields and the input as typed; nothing is stored. Also here: the helpers
 * the other advocacy pages share (web_advocacy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/rights.h"
#include "model/submission.h"
#include "web/web.h"
#include "web/web_advocacy.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* --- shared helpers ------------------------------------------------------------- */

bool web_adv_secretariat(req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

bool web_adv_may_record(req *r, const position_head *p)
{
    return r->user && rights_can(r->db, r->user, RIGHT_ADVOCACY_RECORD, p->owner_id);
}

/* Reading what one may record: a read-only token reads it too. */
static bool may_read_private(req *r, const position_head *p)
{
    if (!r->user)
        return false;
    principal q = *r->user;
    q.token_write = true;
    return rights_can(r->db, &q, RIGHT_ADVOCACY_RECORD, p->owner_id);
}

static bool is_public_stage(const char *stage)
{
    return stage && (strcmp(stage, "submitted") == 0 || strcmp(stage, "answered") == 0 ||
                     strcmp(stage, "closed") == 0);
}

const char *web_adv_stage_label(lang_id L, const char *stage)
{
    static const struct {
        const char *code;
        msg_id m;
    } t[] = {{"draft", MSG_ADV_STAGE_DRAFT},       {"consultation", MSG_ADV_STAGE_CONSULTATION},
             {"signing", MSG_ADV_STAGE_SIGNING},   {"submitted", MSG_ADV_STAGE_SUBMITTED},
             {"answered", MSG_ADV_STAGE_ANSWERED}, {"closed", MSG_ADV_STAGE_CLOSED}};
    for (size_t i = 0; stage && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(stage, t[i].code) == 0)
            return T(L, t[i].m);
    return stage ? stage : "";
}

const char *web_adv_outcome_label(lang_id L, const char *outcome)
{
    static const struct {
        const char *code;
        msg_id m;
    } t[] = {{"accepted", MSG_ADV_OUT_ACCEPTED},
             {"partly", MSG_ADV_OUT_PARTLY},
             {"rejected", MSG_ADV_OUT_REJECTED},
             {"no_answer", MSG_ADV_OUT_NO_ANSWER},
             {"pending", MSG_ADV_OUT_PENDING}};
    for (size_t i = 0; outcome && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(outcome, t[i].code) == 0)
            return T(L, t[i].m);
    return outcome ? outcome : "";
}

const char *web_adv_channel_label(lang_id L, const char *channel)
{
    static const struct {
        const char *code;
        msg_id m;
    } t[] = {{"email", MSG_ADV_CH_EMAIL},
             {"post", MSG_ADV_CH_POST},
             {"portal", MSG_ADV_CH_PORTAL},
             {"meeting", MSG_ADV_CH_MEETING},
             {"other", MSG_ADV_CH_OTHER}};
    for (size_t i = 0; channel && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(channel, t[i].code) == 0)
            return T(L, t[i].m);
    return channel ? channel : "";
}

void web_adv_institution_select(req *r, const char *id, const institution_choice *c, size_t n,
                                const char *value, const char *error)
{
    buf *o = &r->out;
    web_field_open(r, id, T(r->lang, MSG_ADV_L_INSTITUTION), NULL, error);
    html_fmt(o, "<select id=\"%s\" name=\"institution\"", id);
    web_described_by(r, id, false, error);
    html_fmt(o, "><option value=\"\">%s</option>", T(r->lang, MSG_ADV_CHOOSE));
    for (size_t i = 0; i < n; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", c[i].slug,
                 value && strcmp(value, c[i].slug) == 0 ? " selected" : "",
                 web_org_text(r, c[i].name, c[i].name_en));
    html_raw(o, "</select></div>\n");
}

void web_adv_errors(req *r, const form_errors *fe, web_errs *e)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "stage") == 0 && x->code == FE_POSITION_UNSIGNED)
            web_errs_add(e, "stage", T(L, MSG_FORM_ERR_POSITION_UNSIGNED));
        else if (strcmp(x->field, "stage") == 0)
            web_errs_add(e, "stage", T(L, MSG_ADV_E_STAGE));
        else if (strcmp(x->field, "institution") == 0 && x->code == FE_INVALID)
            web_errs_add(e, "institution", T(L, MSG_ADV_E_INSTITUTION));
        else if (strcmp(x->field, "submission") == 0 && x->code == FE_TAKEN)
            web_errs_add(e, "submission", T(L, MSG_ADV_E_ANSWERED));
        else if (strcmp(x->field, "submission") == 0 && x->code != FE_REQUIRED)
            web_errs_add(e, "submission", T(L, MSG_ADV_E_SUBMISSION));
        else if (x->code == FE_DATE_ORDER && strcmp(x->field, "sent_on") == 0)
            web_errs_add(e, x->field, T(L, MSG_ADV_E_BEFORE_POSITION));
        else if (x->code == FE_DATE_ORDER && strcmp(x->field, "met_on") == 0)
            web_errs_add(e, x->field, T(L, MSG_POS_E_MEETING_BEFORE));
        else if (x->code == FE_DATE_ORDER)
            web_errs_add(e, x->field, T(L, MSG_ADV_E_BEFORE_SENT));
        else if (x->code == FE_FUTURE_YEAR)
            web_errs_add(e, x->field, T(L, MSG_ADV_E_FUTURE));
        else if (x->code == FE_DATE)
            web_errs_add(e, x->field, T(L, MSG_ADV_E_DATE));
        else if (strcmp(x->field, "position") == 0 && x->code == FE_INVALID)
            web_errs_add(e, "position", T(L, MSG_ADV_E_POSITION));
    }
    web_errs_from_form(r, fe, e);
}

/* --- the timeline ----------------------------------------------------------------- */

static const char *inst_name(req *r, const submission_rec *s)
{
    return web_org_text(r, s->institution_name, s->institution_name_en);
}

void web_position_timeline(req *r, const position_head *p, const position_timeline *tl)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    (void)p;
    html_fmt(o,
             "<section class=\"panel adv-timeline-panel\" id=\"timeline\" aria-labelledby=\"tl-h\">"
             "<h2 id=\"tl-h\">%s</h2>",
             T(L, MSG_ADV_TIMELINE));
    if (tl->n_items == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p></section>\n", T(L, MSG_ADV_TIMELINE_EMPTY));
        return;
    }
    html_raw(o, "<ol class=\"adv-timeline\">");
    for (size_t i = 0; i < tl->n_items; i++) {
        const timeline_item *it = &tl->items[i];
        static const char *const cls[] = {"step", "submission", "answer", "no-answer", "meeting"};
        html_fmt(o, "<li class=\"adv-tl-%s\"><time datetime=\"%s\">%s</time> ", cls[it->kind],
                 it->on ? it->on : "", wf_ymd(r, it->on));
        switch (it->kind) {
        case TL_STEP:
            html_fmt(o, "<span class=\"adv-tl-what\">%s</span>",
                     arena_printf(r->a, T(L, MSG_ADV_TL_STEP), web_adv_stage_label(L, it->stage)));
            break;
        case TL_SUBMISSION: {
            const submission_rec *s = it->sub;
            html_fmt(o, "<span class=\"adv-tl-what\">%s <a href=\"/orgs/%q\">%s</a></span>",
                     T(L, MSG_ADV_TL_SUBMITTED), s->institution_slug, inst_name(r, s));
            html_fmt(o, "<span class=\"adv-tl-detail\">%s", web_adv_channel_label(L, s->channel));
            if (s->reference)
                html_fmt(o, " · %s %s", T(L, MSG_ADV_L_REFERENCE), s->reference);
            if (s->document_url && html_url_safe(s->document_url))
                html_fmt(o, " · <a href=\"%s\" rel=\"nofollow noopener\">%s</a>", s->document_url,
                         T(L, MSG_ADV_DOCUMENT));
            html_raw(o, "</span>");
            break;
        }
        case TL_ANSWER: {
            const submission_rec *s = it->sub;
            html_fmt(o,
                     "<span class=\"adv-tl-what\">%s <span class=\"adv-outcome adv-outcome-%s\">"
                     "%s</span></span>",
                     arena_printf(r->a, T(L, MSG_ADV_TL_ANSWER), inst_name(r, s)), s->outcome,
                     web_adv_outcome_label(L, s->outcome));
            if (s->link && html_url_safe(s->link))
                html_fmt(o, " <a href=\"%s\" rel=\"nofollow noopener\">%s</a>", s->link,
                         T(L, MSG_ADV_ANSWER_LINK));
            if (s->note)
                html_fmt(o, "<span class=\"adv-tl-detail\">%s</span>",
                         web_org_text(r, s->note, NULL));
            break;
        }
        case TL_NO_ANSWER:
            html_fmt(
                o,
                "<span class=\"adv-tl-what\"><span class=\"adv-outcome adv-outcome-no_answer\">"
                "%s</span></span>",
                arena_printf(r->a, T(L, MSG_ADV_TL_NO_ANSWER), inst_name(r, it->sub),
                             tl->no_answer_days));
            break;
        case TL_MEETING: {
            const meeting_rec *m = it->meet;
            html_fmt(o, "<span class=\"adv-tl-what\">%s <a href=\"/orgs/%q\">%s</a></span>",
                     T(L, MSG_ADV_TL_MEETING), m->institution_slug,
                     web_org_text(r, m->institution_name, m->institution_name_en));
            html_fmt(o, "<span class=\"adv-tl-detail\">%s: %s · %s: %s</span>",
                     T(L, MSG_ADV_L_ATTENDEES),
                     m->attendees ? web_org_text(r, m->attendees, NULL) : "",
                     T(L, MSG_ADV_L_TOPICS), m->topics ? web_org_text(r, m->topics, NULL) : "");
            if (m->notes)
                html_fmt(o, "<span class=\"adv-tl-notes\"><strong>%s</strong> %s</span>",
                         T(L, MSG_ADV_NOTES_SECRETARIAT), web_org_text(r, m->notes, NULL));
            break;
        }
        }
        html_raw(o, "</li>");
    }
    html_raw(o, "</ol></section>\n");
}

/* --- the page ----------------------------------------------------------------------- */

/* Loads {id} and checks the reader may see it (404 when not: a draft is
 * nobody else's business, not even that it exists). */
static bool load_position(req *r, position_head *p)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    bool found = false;
    if (s && *s && !*end && id > 0) {
        db_status st = submission_position(r->db, r->a, id, p, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "submission_position");
            return false;
        }
    }
    if (!found || (!is_public_stage(p->stage) && !may_read_private(r, p))) {
        resp_error(r, 404, T(r->lang, MSG_ADV_NOT_FOUND));
        return false;
    }
    return true;
}

/* Which form a refused post came from, to show it again as typed. */
typedef struct tl_view {
    const char *which; /* "submission", "answer", "meeting" */
    const form *typed;
    const web_errs *errs;
} tl_view;

static const char *typed(const tl_view *v, const char *which, const char *name, const char *dflt)
{
    if (!v || strcmp(v->which, which) != 0)
        return dflt;
    const char *s = form_get(v->typed, name);
    return s ? s : "";
}

static const char *err(const tl_view *v, const char *which, const char *name)
{
    return v && strcmp(v->which, which) == 0 ? web_errs_get(v->errs, name) : NULL;
}

static void channel_select(req *r, const char *value, const char *error)
{
    buf *o = &r->out;
    web_field_open(r, "adv-channel", T(r->lang, MSG_ADV_L_CHANNEL), NULL, error);
    html_raw(o, "<select id=\"adv-channel\" name=\"channel\"");
    web_described_by(r, "adv-channel", false, error);
    html_raw(o, ">");
    for (size_t i = 0; submission_channels[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", submission_channels[i],
                 value && strcmp(value, submission_channels[i]) == 0 ? " selected" : "",
                 web_adv_channel_label(r->lang, submission_channels[i]));
    html_raw(o, "</select></div>\n");
}

static void forms(req *r, const position_head *p, const position_timeline *tl, const tl_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char today[11];
    wf_today(today);
    institution_choice *ic = NULL;
    size_t n_ic = 0;
    db_status st = submission_institutions(r->db, r->a, &ic, &n_ic);
    if (st != DB_OK) {
        r->out.failed = true;
        return;
    }
    const char *stage = p->stage;
    bool can_submit = strcmp(stage, "signing") == 0 || strcmp(stage, "submitted") == 0;
    bool open_sub = false; /* a submission still without a real answer */
    for (size_t i = 0; i < tl->n_subs; i++)
        open_sub |= !tl->subs[i].outcome || strcmp(tl->subs[i].outcome, "no_answer") == 0;
    bool can_answer =
        (strcmp(stage, "submitted") == 0 || strcmp(stage, "answered") == 0) && open_sub;
    if (v && v->errs && web_errs_get(v->errs, "stage"))
        web_alert(r, web_errs_get(v->errs, "stage"));
    if (can_submit || (v && strcmp(v->which, "submission") == 0)) {
        html_fmt(o,
                 "<section class=\"panel\" id=\"submit\" aria-labelledby=\"adv-sub-h\"><h2 "
                 "id=\"adv-sub-h\">%s</h2>",
                 T(L, MSG_ADV_SUBMIT_TITLE));
        if (v && strcmp(v->which, "submission") == 0)
            web_error_summary(r, v->errs);
        html_fmt(o,
                 "<form class=\"form\" method=\"post\" action=\"/positions/%D/submissions\" "
                 "novalidate>",
                 (long long)p->id);
        layout_csrf_field(r);
        web_adv_institution_select(r, "adv-sub-inst", ic, n_ic,
                                   typed(v, "submission", "institution", NULL),
                                   err(v, "submission", "institution"));
        wc_date_field(r, "adv-sent", "sent_on", T(L, MSG_ADV_L_SENT_ON), NULL,
                      typed(v, "submission", "sent_on", today), err(v, "submission", "sent_on"),
                      true);
        channel_select(r, typed(v, "submission", "channel", "email"),
                       err(v, "submission", "channel"));
        web_field(r, &(web_input){.id = "adv-ref",
                                  .name = "reference",
                                  .type = "text",
                                  .label = T(L, MSG_ADV_L_REFERENCE),
                                  .value = typed(v, "submission", "reference", NULL),
                                  .error = err(v, "submission", "reference"),
                                  .maxlength = SUBMISSION_REF_MAX});
        web_field(r, &(web_input){.id = "adv-doc",
                                  .name = "document_url",
                                  .type = "url",
                                  .label = T(L, MSG_ADV_L_DOCUMENT_URL),
                                  .hint = T(L, MSG_ADV_H_DOCUMENT_URL),
                                  .value = typed(v, "submission", "document_url", NULL),
                                  .error = err(v, "submission", "document_url")});
        html_fmt(o,
                 "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
                 "</section>\n",
                 T(L, MSG_ADV_SUBMIT_BUTTON));
    }
    if (can_answer || (v && strcmp(v->which, "answer") == 0)) {
        html_fmt(o,
                 "<section class=\"panel\" id=\"answer\" aria-labelledby=\"adv-ans-h\"><h2 "
                 "id=\"adv-ans-h\">%s</h2>",
                 T(L, MSG_ADV_ANSWER_TITLE));
        if (v && strcmp(v->which, "answer") == 0)
            web_error_summary(r, v->errs);
        html_fmt(o,
                 "<form class=\"form\" method=\"post\" action=\"/positions/%D/answers\" "
                 "novalidate>",
                 (long long)p->id);
        layout_csrf_field(r);
        const char *sv = typed(v, "answer", "submission", NULL);
        const char *se = err(v, "answer", "submission");
        web_field_open(r, "adv-ans-sub", T(L, MSG_ADV_L_SUBMISSION), NULL, se);
        html_raw(o, "<select id=\"adv-ans-sub\" name=\"submission\"");
        web_described_by(r, "adv-ans-sub", false, se);
        html_raw(o, ">");
        for (size_t i = 0; i < tl->n_subs; i++) {
            const submission_rec *s = &tl->subs[i];
            char idb[24];
            snprintf(idb, sizeof idb, "%lld", (long long)s->id);
            html_fmt(o, "<option value=\"%s\"%R>%s, %s%R%s</option>", idb,
                     sv && strcmp(sv, idb) == 0 ? " selected" : "", inst_name(r, s),
                     wf_ymd(r, s->sent_on), s->outcome ? " · " : "",
                     s->outcome ? web_adv_outcome_label(L, s->outcome) : "");
        }
        html_raw(o, "</select></div>\n");
        const char *ov = typed(v, "answer", "outcome", "accepted");
        const char *oe = err(v, "answer", "outcome");
        web_field_open(r, "adv-outcome", T(L, MSG_ADV_L_OUTCOME), NULL, oe);
        html_raw(o, "<select id=\"adv-outcome\" name=\"outcome\"");
        web_described_by(r, "adv-outcome", false, oe);
        html_raw(o, ">");
        for (size_t i = 0; submission_outcomes[i]; i++)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", submission_outcomes[i],
                     ov && strcmp(ov, submission_outcomes[i]) == 0 ? " selected" : "",
                     web_adv_outcome_label(L, submission_outcomes[i]));
        html_raw(o, "</select></div>\n");
        wc_date_field(r, "adv-answered", "answered_on", T(L, MSG_ADV_L_ANSWERED_ON), NULL,
                      typed(v, "answer", "answered_on", today), err(v, "answer", "answered_on"),
                      true);
        web_field(r, &(web_input){.id = "adv-link",
                                  .name = "link",
                                  .type = "url",
                                  .label = T(L, MSG_ADV_L_LINK),
                                  .value = typed(v, "answer", "link", NULL),
                                  .error = err(v, "answer", "link")});
        wc_textarea(r, "adv-note", "note", T(L, MSG_ADV_L_NOTE), NULL,
                    typed(v, "answer", "note", NULL), err(v, "answer", "note"), 3);
        html_fmt(o,
                 "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
                 "</section>\n",
                 T(L, MSG_ADV_ANSWER_BUTTON));
    }
    html_fmt(o,
             "<section class=\"panel\" id=\"meeting\" aria-labelledby=\"adv-meet-h\"><h2 "
             "id=\"adv-meet-h\">%s</h2>",
             T(L, MSG_ADV_MEETING_TITLE));
    if (v && strcmp(v->which, "meeting") == 0)
        web_error_summary(r, v->errs);
    html_fmt(o,
             "<form class=\"form\" method=\"post\" action=\"/positions/%D/meetings\" novalidate>",
             (long long)p->id);
    layout_csrf_field(r);
    web_adv_institution_select(r, "adv-meet-inst", ic, n_ic,
                               typed(v, "meeting", "institution", NULL),
                               err(v, "meeting", "institution"));
    wc_date_field(r, "adv-met", "met_on", T(L, MSG_ADV_L_MET_ON), NULL,
                  typed(v, "meeting", "met_on", today), err(v, "meeting", "met_on"), true);
    web_field(r, &(web_input){.id = "adv-att",
                              .name = "attendees",
                              .type = "text",
                              .label = T(L, MSG_ADV_L_ATTENDEES),
                              .hint = T(L, MSG_ADV_H_ATTENDEES),
                              .value = typed(v, "meeting", "attendees", NULL),
                              .error = err(v, "meeting", "attendees"),
                              .required = true,
                              .maxlength = 500});
    wc_textarea(r, "adv-topics", "topics", T(L, MSG_ADV_L_TOPICS), NULL,
                typed(v, "meeting", "topics", NULL), err(v, "meeting", "topics"), 3);
    if (web_adv_secretariat(r))
        wc_textarea(r, "adv-notes", "notes", T(L, MSG_ADV_L_NOTES), T(L, MSG_ADV_H_NOTES),
                    typed(v, "meeting", "notes", NULL), err(v, "meeting", "notes"), 3);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_ADV_MEETING_BUTTON));
}

static void page(req *r, const position_head *p, const tl_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char today[11];
    wf_today(today);
    position_timeline tl;
    db_status st = submission_timeline(r->db, r->a, p->id, today, web_adv_secretariat(r), &tl);
    if (st != DB_OK) {
        resp_fail(r, st, "submission_timeline");
        return;
    }
    const char *title = web_org_text(r, p->title_sr, p->title_en);
    if (!title)
        title = arena_printf(r->a, "#%lld", (long long)p->id);
    const char *h1 = arena_printf(r->a, T(L, MSG_ADV_TIMELINE_OF), title);
    page_meta pm = {.title = h1, .nav = "start"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/positions/%D\">%s"
             "</a></li></ol></nav>\n<h1>%s</h1>",
             T(L, MSG_DIR_BREADCRUMB), (long long)p->id, title, T(L, MSG_ADV_TIMELINE));
    if (p->is_demo)
        html_fmt(o, "<p class=\"demo-note\">%s</p>", T(L, MSG_ADV_DEMO));
    html_fmt(o,
             "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd><a href=\"/orgs/%q\">%s"
             "</a></dd></dl>",
             T(L, MSG_ADV_L_STAGE), web_adv_stage_label(L, p->stage), T(L, MSG_ADV_L_OWNER),
             p->owner_slug, web_org_text(r, p->owner_name, p->owner_name_en));
    if (!v && req_query(r, "saved"))
        web_notice(r, T(L, MSG_ADV_SAVED));
    web_position_timeline(r, p, &tl);
    if (web_adv_may_record(r, p))
        forms(r, p, &tl, v);
    layout_end(r);
}

void web_position_timeline_page(req *r)
{
    position_head p;
    if (load_position(r, &p))
        page(r, &p, NULL);
}

/* Loads the position and the form, and checks the right to record. */
static bool load_for_write(req *r, position_head *p, form *f)
{
    if (!load_position(r, p))
        return false;
    if (!web_adv_may_record(r, p)) {
        resp_error(r, 403, T(r->lang, MSG_ADV_FORBIDDEN));
        return false;
    }
    return req_body_form(r, f);
}

/* The common end of the three posts. */
static void finish(req *r, const position_head *p, db_status st, const char *which, const form *f,
                   const form_errors *fe, const char *anchor)
{
    if (st == DB_OK) {
        resp_redirect(
            r, arena_printf(r->a, "/positions/%lld/timeline?saved=1#%s", (long long)p->id, anchor));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_ADV_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, which);
        return;
    }
    web_errs e = {0};
    web_adv_errors(r, fe, &e);
    /* the stage may have moved; show the page as it is now */
    position_head now;
    bool found = false;
    if (submission_position(r->db, r->a, p->id, &now, &found) != DB_OK || !found)
        now = *p;
    tl_view v = {which, f, &e};
    r->status = 422;
    page(r, &now, &v);
}

void web_position_submission_add(req *r)
{
    position_head p;
    form f;
    if (!load_for_write(r, &p, &f))
        return;
    form_errors fe = {0};
    submission_input in = {form_get(&f, "institution"), form_get(&f, "sent_on"),
                           form_get(&f, "channel"), form_get(&f, "reference"),
                           form_get(&f, "document_url")};
    db_status st = submission_add(r->db, p.id, &in, r->user->person_id, r->client_ip, NULL, &fe);
    finish(r, &p, st, "submission", &f, &fe, "timeline");
}

void web_position_answer_add(req *r)
{
    position_head p;
    form f;
    if (!load_for_write(r, &p, &f))
        return;
    form_errors fe = {0};
    outcome_input in = {form_get(&f, "submission"), form_get(&f, "outcome"),
                        form_get(&f, "answered_on"), form_get(&f, "link"), form_get(&f, "note")};
    db_status st = submission_answer(r->db, p.id, &in, r->user->person_id, r->client_ip, NULL, &fe);
    finish(r, &p, st, "answer", &f, &fe, "timeline");
}

void web_position_meeting_add(req *r)
{
    position_head p;
    form f;
    if (!load_for_write(r, &p, &f))
        return;
    form_errors fe = {0};
    /* notes are the secretariat's: nobody else writes them either */
    meeting_input in = {form_get(&f, "institution"), form_get(&f, "met_on"),
                        form_get(&f, "attendees"), form_get(&f, "topics"),
                        web_adv_secretariat(r) ? form_get(&f, "notes") : NULL};
    db_status st =
        submission_meeting_add(r->db, 0, p.id, &in, r->user->person_id, r->client_ip, NULL, &fe);
    finish(r, &p, st, "meeting", &f, &fe, "timeline");
}
