/* web_agreement.c: agreements between SCAN, clusters and partners, and a
 * partner's Relations section (issue 14).
 *
 *   GET  /agreements                 list: kind, status, party, expiring soon
 *   GET  /agreements/new             the form for a new agreement
 *   POST /agreements                 create
 *   GET  /agreements/{id}            one agreement: facts, parties, document
 *   GET  /agreements/{id}/edit       the form for a change
 *   POST /agreements/{id}            save a change
 *   POST /agreements/{id}/delete     delete a draft
 *   POST /agreements/{id}/file       upload the signed PDF (multipart)
 *   GET  /agreements/{id}/file       download it (attachment, never inline)
 *
 * Rights are agreement.h's (agreement_may_edit, _may_see, _may_read_file):
 * a refused write is 403, an unknown or hidden agreement 404. A refused
 * form comes back (422) with the errors beside the fields, as typed.
 * Parties are picked from the directory with the same typeahead as the
 * cluster member form (data-suggest="fill": a name, and partyN_pick with
 * the entry's address when script ran); without script a name or an
 * address typed in is looked up the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/agreement.h"
#include "model/cluster.h"
#include "model/pdf.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"
#include "web/web_tie.h"

#define FORM_PARTIES 6 /* party inputs on the form; more through the API */

static const char *kind_label(lang_id L, const char *k)
{
    if (!k)
        return "";
    if (strcmp(k, "mou") == 0)
        return T(L, MSG_AG_KIND_MOU);
    if (strcmp(k, "cooperation") == 0)
        return T(L, MSG_AG_KIND_COOPERATION);
    if (strcmp(k, "grant") == 0)
        return T(L, MSG_AG_KIND_GRANT);
    if (strcmp(k, "network") == 0)
        return T(L, MSG_AG_KIND_NETWORK);
    return k;
}

static const char *state_label(lang_id L, const char *s)
{
    if (!s)
        return "";
    if (strcmp(s, "draft") == 0)
        return T(L, MSG_AG_ST_DRAFT);
    if (strcmp(s, "signed") == 0)
        return T(L, MSG_AG_ST_SIGNED);
    if (strcmp(s, "expired") == 0)
        return T(L, MSG_AG_ST_EXPIRED);
    if (strcmp(s, "terminated") == 0)
        return T(L, MSG_AG_ST_TERMINATED);
    return s;
}

static const char *title_of(req *r, const agreement_rec *g)
{
    return web_org_text(r, g->title_sr, g->title_en);
}

static void state_badge(req *r, const agreement_rec *g)
{
    html_fmt(&r->out, "<span class=\"badge badge-ag-%s\">%s</span>", g->state,
             state_label(r->lang, g->state));
}

/* "Awaiting confirmation" beside an unconfirmed agreement (0035). */
static void awaiting_badge(req *r, const agreement_rec *g)
{
    if (!g->confirmed)
        html_fmt(&r->out, " <span class=\"badge badge-awaiting\">%s</span>",
                 T(r->lang, MSG_TIE_AWAITING));
}

/* "Party A, Party B and Party C" as links. */
static void party_links(req *r, const agreement_rec *g, int64_t except)
{
    bool first = true;
    for (size_t i = 0; i < g->n_parties; i++) {
        if (g->parties[i].org_id == except)
            continue;
        html_fmt(&r->out, "%R<a href=\"/orgs/%q\">%s</a>", first ? "" : ", ", g->parties[i].slug,
                 web_org_text(r, g->parties[i].name, g->parties[i].name_en));
        first = false;
    }
}

static bool param_id(req *r, int64_t *id)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        resp_error(r, 404, T(r->lang, MSG_AG_NOT_FOUND));
        return false;
    }
    *id = v;
    return true;
}

/* Loads {id} for reading (404 when unknown or a draft the reader may not
 * see). */
static bool load(req *r, agreement_rec *g)
{
    int64_t id;
    if (!param_id(r, &id))
        return false;
    bool found = false;
    db_status st = agreement_get(r->db, r->a, id, g, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_get");
        return false;
    }
    if (!found || !agreement_may_see(r->db, r->user, g)) {
        resp_error(r, 404, T(r->lang, MSG_AG_NOT_FOUND));
        return false;
    }
    return true;
}

/* load, and 403 unless the reader may change it. */
static bool load_for_edit(req *r, agreement_rec *g)
{
    if (!load(r, g))
        return false;
    if (!agreement_may_edit(r->db, r->user, g)) {
        resp_error(r, 403, T(r->lang, MSG_AG_FORBIDDEN));
        return false;
    }
    return true;
}

/* --- the list ----------------------------------------------------------------------- */

static void list_row(req *r, const agreement_rec *g)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<tr><th scope=\"row\"><a href=\"/agreements/%D\">%s</a>", (long long)g->id,
             title_of(r, g));
    if (g->is_demo)
        html_fmt(o, " <span class=\"badge badge-demo\">%s</span>", T(L, MSG_DIR_DEMO));
    html_fmt(o, "</th><td>%s</td><td>", kind_label(L, g->kind));
    party_links(r, g, 0);
    html_fmt(o, "</td><td>%s</td><td>%s</td><td>", g->signed_on ? wf_ymd(r, g->signed_on) : "",
             g->valid_until ? wf_ymd(r, g->valid_until) : T(L, MSG_AG_OPEN_ENDED));
    state_badge(r, g);
    awaiting_badge(r, g);
    html_raw(o, "</td></tr>\n");
}

static void filter_select(req *r, const char *id, const char *name, const char *label,
                          const char *const *codes, const char *(*label_of)(lang_id, const char *),
                          const char *value)
{
    buf *o = &r->out;
    html_fmt(o, "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">",
             id, label, id, name);
    html_fmt(o, "<option value=\"\">%s</option>", T(r->lang, MSG_AG_ANY));
    for (size_t i = 0; codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", codes[i],
                 value && strcmp(value, codes[i]) == 0 ? " selected" : "",
                 label_of(r->lang, codes[i]));
    html_raw(o, "</select></div>");
}

/* A query value that is one of codes, else NULL. */
static const char *query_code(req *r, const char *name, const char *const *codes)
{
    const char *v = req_query(r, name);
    for (size_t i = 0; v && codes[i]; i++)
        if (strcmp(v, codes[i]) == 0)
            return codes[i];
    return NULL;
}

void web_agreement_list(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    agreement_filter f = {.kind = query_code(r, "kind", agreement_kinds),
                          .state = query_code(r, "status", agreement_statuses),
                          .expiring = req_query(r, "expiring") != NULL,
                          .with_drafts = r->user && r->user->secretariat != SEC_NONE,
                          .drafts_of = r->user ? r->user->person_id : 0};
    const char *party = req_query(r, "party");
    org_rec po;
    bool party_found = false;
    if (party && *party && strlen(party) <= 200) {
        db_status st = org_get(r->db, r->a, party, 0, &po, &party_found);
        if (st != DB_OK) {
            resp_fail(r, st, "org_get");
            return;
        }
        f.party_id = party_found ? po.id : -1; /* an unknown party matches nothing */
    }
    agreement_rec *g = NULL;
    size_t n = 0;
    db_status st = agreement_list(r->db, r->a, &f, &g, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_list");
        return;
    }
    page_meta pm = {.title = T(L, MSG_AG_TITLE), .nav = "orgs"};
    layout_begin(r, &pm);
    html_fmt(o, "<h1>%s</h1><p class=\"lead\">%s</p>", T(L, MSG_AG_TITLE), T(L, MSG_AG_LEAD));
    if (agreement_may_edit(r->db, r->user, NULL))
        html_fmt(o,
                 "<p class=\"ag-actions\"><a class=\"button\" href=\"/agreements/new\">%s</a></p>",
                 T(L, MSG_AG_NEW));
    html_fmt(o,
             "<form class=\"filter-form\" method=\"get\" action=\"/agreements\" aria-label=\"%s\">"
             "<div class=\"filter-fields\">",
             T(L, MSG_AG_FILTERS));
    filter_select(r, "f-kind", "kind", T(L, MSG_AG_L_KIND), agreement_kinds, kind_label, f.kind);
    filter_select(r, "f-status", "status", T(L, MSG_AG_L_STATUS), agreement_statuses, state_label,
                  f.state);
    html_fmt(o,
             "<div class=\"field\"><label for=\"f-party\">%s</label><input id=\"f-party\" "
             "name=\"party\" type=\"text\" value=\"%s\" placeholder=\"%s\"></div></div>",
             T(L, MSG_AG_L_PARTY), party ? party : "", T(L, MSG_AG_PARTY_PLACEHOLDER));
    html_fmt(o,
             "<div class=\"filter-actions\"><label><input type=\"checkbox\" name=\"expiring\" "
             "value=\"1\"%R> %s</label> <button type=\"submit\">%s</button></div></form>",
             f.expiring ? " checked" : "", T(L, MSG_AG_EXPIRING_FILTER), T(L, MSG_AG_FILTER));
    if (party_found)
        html_fmt(o, "<p class=\"muted\">%s</p>",
                 arena_printf(r->a, T(L, MSG_AG_OF_PARTY), web_org_name(r, &po)));
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_AG_NONE));
    } else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data\"><caption>%s</caption><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "</tr></thead><tbody>\n",
                 arena_printf(r->a, T(L, MSG_AG_COUNT), (int)n), T(L, MSG_AG_L_TITLE),
                 T(L, MSG_AG_L_KIND), T(L, MSG_AG_L_PARTIES), T(L, MSG_AG_L_SIGNED_ON),
                 T(L, MSG_AG_L_VALID_UNTIL), T(L, MSG_AG_L_STATUS));
        for (size_t i = 0; i < n; i++)
            list_row(r, &g[i]);
        html_raw(o, "</tbody></table></div>\n");
    }
    layout_end(r);
}

/* --- the form ------------------------------------------------------------------------ */

typedef struct form_view {
    const agreement_rec *g; /* NULL: a new agreement */
    const form *typed;      /* the refused post, or NULL */
    const web_errs *errs;
} form_view;

/* The value to show: as typed after a refusal, else the stored one. */
static const char *shown(const form_view *v, const char *name, const char *stored)
{
    if (v->typed) {
        const char *s = form_get(v->typed, name);
        return s ? s : "";
    }
    return stored;
}

static void form_page(req *r, const form_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const agreement_rec *g = v->g;
    const char *title = g ? T(L, MSG_AG_EDIT) : T(L, MSG_AG_NEW);
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/agreements\">%s</a>"
             "</li>",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_AG_TITLE));
    if (g)
        html_fmt(o, "<li><a href=\"/agreements/%D\">%s</a></li>", (long long)g->id, title_of(r, g));
    html_fmt(o, "<li aria-current=\"page\">%s</li></ol></nav><h1>%s</h1>", title, title);
    web_error_summary(r, v->errs);
    if (g)
        html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/agreements/%D\" novalidate>",
                 (long long)g->id);
    else
        html_raw(o, "<form class=\"form\" method=\"post\" action=\"/agreements\" novalidate>");
    layout_csrf_field(r);
    wc_code_select(r, "ag-kind", "kind", T(L, MSG_AG_L_KIND), agreement_kinds, kind_label,
                   shown(v, "kind", g ? g->kind : "cooperation"), web_errs_get(v->errs, "kind"),
                   false);
    web_field(r, &(web_input){.id = "ag-title-sr",
                              .name = "title_sr",
                              .type = "text",
                              .label = T(L, MSG_AG_L_TITLE_SR),
                              .value = shown(v, "title_sr", g ? g->title_sr : NULL),
                              .error = web_errs_get(v->errs, "title_sr"),
                              .required = true,
                              .maxlength = 300});
    web_field(r, &(web_input){.id = "ag-title-en",
                              .name = "title_en",
                              .type = "text",
                              .label = T(L, MSG_AG_L_TITLE_EN),
                              .value = shown(v, "title_en", g ? g->title_en : NULL),
                              .error = web_errs_get(v->errs, "title_en"),
                              .maxlength = 300});

    /* parties: a fieldset of directory pickers */
    const char *perr = web_errs_get(v->errs, "parties");
    html_fmt(o, "<fieldset class=\"field%R\" id=\"ag-parties\"%R><legend>%s</legend>",
             perr ? " field-invalid" : "",
             perr ? " aria-describedby=\"ag-parties-error ag-parties-hint\""
                  : " aria-describedby=\"ag-parties-hint\"",
             T(L, MSG_AG_L_PARTIES));
    html_fmt(o, "<p class=\"hint\" id=\"ag-parties-hint\">%s</p>", T(L, MSG_AG_H_PARTIES));
    if (perr)
        html_fmt(o, "<p class=\"field-error\" id=\"ag-parties-error\">%s</p>", perr);
    for (int i = 0; i < FORM_PARTIES; i++) {
        char name[16], id[24];
        snprintf(name, sizeof name, "party%d", i + 1);
        snprintf(id, sizeof id, "ag-party%d", i + 1);
        const char *stored = g && (size_t)i < g->n_parties
                                 ? web_org_text(r, g->parties[i].name, g->parties[i].name_en)
                                 : NULL;
        web_field(r, &(web_input){.id = id,
                                  .name = name,
                                  .type = "text",
                                  .label = arena_printf(r->a, T(L, MSG_AG_L_PARTY_N), i + 1),
                                  .value = shown(v, name, stored),
                                  .error = web_errs_get(v->errs, name),
                                  .autocomplete = "off",
                                  .suggest = "fill",
                                  .required = i < 2,
                                  .maxlength = 200});
        if (web_errs_get(v->errs, name)) /* several or none found: choose (web_pick.c) */
            (void)web_org_choices(r, id, name, shown(v, name, stored));
    }
    html_raw(o, "</fieldset>");

    wc_date_field(r, "ag-signed", "signed_on", T(L, MSG_AG_L_SIGNED_ON), T(L, MSG_AG_H_SIGNED_ON),
                  shown(v, "signed_on", g ? g->signed_on : NULL),
                  web_errs_get(v->errs, "signed_on"), false);
    wc_date_field(r, "ag-from", "valid_from", T(L, MSG_AG_L_VALID_FROM), NULL,
                  shown(v, "valid_from", g ? g->valid_from : NULL),
                  web_errs_get(v->errs, "valid_from"), false);
    wc_date_field(r, "ag-until", "valid_until", T(L, MSG_AG_L_VALID_UNTIL),
                  T(L, MSG_AG_H_VALID_UNTIL), shown(v, "valid_until", g ? g->valid_until : NULL),
                  web_errs_get(v->errs, "valid_until"), false);
    wc_code_select(r, "ag-status", "status", T(L, MSG_AG_L_STATUS), agreement_statuses, state_label,
                   shown(v, "status", g ? g->status : "draft"), web_errs_get(v->errs, "status"),
                   false);
    wc_textarea(r, "ag-summary-sr", "summary_sr", T(L, MSG_AG_L_SUMMARY_SR), NULL,
                shown(v, "summary_sr", g ? g->summary_sr : NULL),
                web_errs_get(v->errs, "summary_sr"), 4);
    wc_textarea(r, "ag-summary-en", "summary_en", T(L, MSG_AG_L_SUMMARY_EN), NULL,
                shown(v, "summary_en", g ? g->summary_en : NULL),
                web_errs_get(v->errs, "summary_en"), 4);
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button>",
             T(L, MSG_AG_SAVE));
    html_fmt(o, " <a href=\"%s\">%s</a></div></form>\n",
             g ? arena_printf(r->a, "/agreements/%lld", (long long)g->id) : "/agreements",
             T(L, MSG_AG_CANCEL));
    layout_end(r);
}

void web_agreement_new_form(req *r)
{
    if (!agreement_may_edit(r->db, r->user, NULL)) {
        resp_error(r, 403, T(r->lang, MSG_AG_FORBIDDEN));
        return;
    }
    form_view v = {0};
    form_page(r, &v);
}

void web_agreement_edit_form(req *r)
{
    agreement_rec g;
    if (!load_for_edit(r, &g))
        return;
    form_view v = {.g = &g};
    form_page(r, &v);
}

/* The model's refusals in words, then the validator's. */
static void word_errors(req *r, const form_errors *fe, web_errs *e)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "parties") == 0) {
            msg_id m = x->code == FE_TOO_SHORT          ? MSG_AG_E_TWO_PARTIES
                       : x->code == FE_TOO_LONG         ? MSG_AG_E_TOO_MANY
                       : x->code == FE_INVALID          ? MSG_AG_E_PARTY_KIND
                       : x->code == FE_SECRETARIAT_ONLY ? MSG_AG_E_YOUR_CLUSTER
                                                        : MSG_AG_E_PARTY_UNKNOWN;
            web_errs_add(e, "parties", T(L, m));
        } else if (strcmp(x->field, "valid_until") == 0 && x->code == FE_DATE_ORDER) {
            web_errs_add(e, "valid_until", T(L, MSG_AG_E_UNTIL_BEFORE_FROM));
        } else if (strcmp(x->field, "signed_on") == 0 && x->code == FE_RANGE) {
            web_errs_add(e, "signed_on", T(L, MSG_AG_E_SIGNED_FUTURE));
        } else if (strcmp(x->field, "signed_on") == 0 && x->code == FE_REQUIRED) {
            web_errs_add(e, "signed_on", T(L, MSG_AG_E_SIGNED_NEEDED));
        } else if (strcmp(x->field, "status") == 0 && x->code == FE_MISMATCH) {
            web_errs_add(e, "status", T(L, MSG_AG_E_NOT_EXPIRED));
        } else if (strcmp(x->field, "status") == 0 && x->code == FE_NOT_PENDING) {
            web_errs_add(e, "status", T(L, MSG_AG_E_DRAFT_ONLY));
        }
    }
    web_errs_from_form(r, fe, e);
}

/* The parties of the posted form as slugs (arena); a name or address that
 * finds no entry gets its error beside its input. */
static db_status form_parties(req *r, const form *f, const char ***out, size_t *n, web_errs *e)
{
    *out = arena_alloc(r->a, FORM_PARTIES * sizeof **out);
    *n = 0;
    if (!*out)
        return DB_NOMEM;
    for (int i = 0; i < FORM_PARTIES; i++) {
        char name[16], pick[24];
        snprintf(name, sizeof name, "party%d", i + 1);
        snprintf(pick, sizeof pick, "party%d_pick", i + 1);
        const char *typed = form_get(f, name), *picked = form_get(f, pick);
        if (web_org_choice_get(f, name)) /* chosen from the list beside the field */
            picked = web_org_choice_get(f, name);
        org_rec o;
        web_pick got;
        db_status st = web_org_resolve(r, typed, picked, false, &o, &got);
        if (st != DB_OK)
            return st;
        if (got == WEB_PICK_EMPTY)
            continue;
        if (got != WEB_PICK_FOUND) {
            web_errs_add(
                e, arena_strdup(r->a, name),
                T(r->lang, got == WEB_PICK_CHOOSE ? MSG_AG_E_SEVERAL : MSG_AG_E_PARTY_UNKNOWN));
            continue;
        }
        (*out)[(*n)++] = o.slug;
    }
    return DB_OK;
}

static void save(req *r, agreement_rec *g)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    web_errs e = {0};
    const char **parties = NULL;
    size_t n_parties = 0;
    db_status st = form_parties(r, &f, &parties, &n_parties, &e);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement parties");
        return;
    }
    agreement_input in = {.kind = form_get(&f, "kind"),
                          .title_sr = form_get(&f, "title_sr"),
                          .title_en = form_get(&f, "title_en"),
                          .summary_sr = form_get(&f, "summary_sr"),
                          .summary_en = form_get(&f, "summary_en"),
                          .signed_on = form_get(&f, "signed_on"),
                          .valid_from = form_get(&f, "valid_from"),
                          .valid_until = form_get(&f, "valid_until"),
                          .status = form_get(&f, "status"),
                          .parties = parties,
                          .n_parties = n_parties};
    form_errors fe = {0};
    int64_t id = 0;
    if (e.n == 0) {
        st = agreement_save(r->db, r->user, g ? g->id : 0, &in, r->client_ip, &id, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/agreements/%lld?saved=1", (long long)id));
            return;
        }
        if (st == DB_DONE) {
            resp_error(r, 404, T(r->lang, MSG_AG_NOT_FOUND));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "agreement_save");
            return;
        }
    }
    word_errors(r, &fe, &e);
    form_view v = {.g = g, .typed = &f, .errs = &e};
    r->status = 422;
    form_page(r, &v);
}

void web_agreement_create(req *r)
{
    if (!agreement_may_edit(r->db, r->user, NULL)) {
        resp_error(r, 403, T(r->lang, MSG_AG_FORBIDDEN));
        return;
    }
    save(r, NULL);
}

void web_agreement_update(req *r)
{
    agreement_rec g;
    if (load_for_edit(r, &g))
        save(r, &g);
}

/* --- one agreement ------------------------------------------------------------------- */

static void size_text(req *r, int64_t bytes)
{
    if (bytes >= 1024 * 1024)
        html_fmt(&r->out, "%s MB",
                 arena_printf(r->a, "%lld%c%lld", (long long)(bytes / (1024 * 1024)),
                              r->lang == LANG_EN ? '.' : ',',
                              (long long)(bytes % (1024 * 1024) * 10 / (1024 * 1024))));
    else
        html_fmt(&r->out, "%D kB", (long long)((bytes + 1023) / 1024));
}

/* A party's or participant's consent beside its name: nothing when
 * confirmed (web_project.c shares it through web_tie_mark). */
static void consent_mark(req *r, const char *consent, const char *reason)
{
    web_tie_mark(r, consent, reason);
}

/* The consent panel (#consent): who has not confirmed yet, and for each
 * party the reader speaks for a confirm button and a decline form. */
static void consent_section(req *r, const agreement_rec *g, const char *error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (g->confirmed)
        return;
    html_fmt(o,
             "<section class=\"panel consent\" id=\"consent\" aria-labelledby=\"ag-consent\">"
             "<h2 id=\"ag-consent\">%s</h2><p>%s</p><ul class=\"plain\">",
             T(L, MSG_TIE_AWAITING), T(L, MSG_TIE_AG_HIDDEN));
    for (size_t i = 0; i < g->n_parties; i++) {
        const agreement_party *p = &g->parties[i];
        if (!p->consent || strcmp(p->consent, "confirmed") == 0)
            continue;
        const char *name = web_org_text(r, p->name, p->name_en);
        html_fmt(o, "<li>%s",
                 arena_printf(r->a,
                              T(L, strcmp(p->consent, "declined") == 0 ? MSG_TIE_DECLINED_BY
                                                                       : MSG_TIE_AWAITING_BY),
                              name));
        if (p->reason)
            html_fmt(o, " <q>%s</q>", p->reason);
        if (strcmp(p->consent, "proposed") == 0 && r->user &&
            rights_can(r->db, r->user, RIGHT_TIE_CONFIRM, p->org_id))
            web_tie_forms(r, arena_printf(r->a, "/agreements/%lld/consent", (long long)g->id),
                          TIE_AGREEMENT_PARTY, p->org_id, name, error);
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></section>");
}

static void agreement_page(req *r, const agreement_rec *g, const char *file_error,
                           const char *consent_error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *title = title_of(r, g);
    bool may_edit = agreement_may_edit(r->db, r->user, g);
    page_meta pm = {.title = title, .nav = "orgs"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/agreements\">%s</a>"
             "</li><li aria-current=\"page\">%s</li></ol></nav>",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_AG_TITLE), title);
    html_fmt(o, "<p class=\"eyebrow\">%s</p><h1>%s</h1><p>", kind_label(L, g->kind), title);
    state_badge(r, g);
    if (g->is_demo)
        html_fmt(o, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_DIR_DEMO));
    html_raw(o, "</p>");
    if (may_edit)
        html_fmt(
            o,
            "<p class=\"ag-actions\"><a class=\"button\" href=\"/agreements/%D/edit\">%s</a></p>",
            (long long)g->id, T(L, MSG_AG_EDIT));
    if (!file_error && req_query(r, "saved"))
        web_notice(r, T(L, g->confirmed ? MSG_AG_SAVED : MSG_TIE_SAVED_AWAITING));
    else if (req_query(r, "confirmed"))
        web_notice(r, T(L, MSG_TIE_CONFIRMED));
    else if (req_query(r, "declined"))
        web_notice(r, T(L, MSG_TIE_DECLINED));
    else if (!file_error && req_query(r, "uploaded"))
        web_notice(r, T(L, g->confirmed ? MSG_AG_UPLOADED : MSG_AG_UPLOADED_REASKED));
    const char *summary = web_org_text(r, g->summary_sr, g->summary_en);
    if (summary)
        html_paragraphs(o, summary);
    consent_section(r, g, consent_error);
    html_fmt(o, "<dl class=\"facts\"><dt>%s</dt><dd>", T(L, MSG_AG_L_PARTIES));
    html_raw(o, "<ul class=\"plain\">");
    for (size_t i = 0; i < g->n_parties; i++) {
        html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a>", g->parties[i].slug,
                 web_org_text(r, g->parties[i].name, g->parties[i].name_en));
        consent_mark(r, g->parties[i].consent, g->parties[i].reason);
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></dd>");
    if (g->signed_on)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_AG_L_SIGNED_ON), wf_ymd(r, g->signed_on));
    if (g->valid_from)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_AG_L_VALID_FROM), wf_ymd(r, g->valid_from));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_AG_L_VALID_UNTIL),
             g->valid_until ? wf_ymd(r, g->valid_until) : T(L, MSG_AG_OPEN_ENDED));
    html_raw(o, "</dl>");

    html_fmt(o,
             "<section class=\"panel\" id=\"document\" aria-labelledby=\"ag-doc\"><h2 "
             "id=\"ag-doc\">%s</h2>",
             T(L, MSG_AG_DOCUMENT));
    if (!g->has_file)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_AG_NO_DOCUMENT));
    else if (agreement_may_read_file(r->db, r->user, g)) {
        html_fmt(o, "<p><a href=\"/agreements/%D/file\" download>%s</a> (PDF, ", (long long)g->id,
                 g->file_name);
        size_text(r, g->file_size);
        html_fmt(o, ")</p><p class=\"muted small ag-sha\">SHA-256 <code>%s</code></p>",
                 g->file_sha256);
    } else
        html_fmt(o, "<p class=\"muted\">%s</p>",
                 T(L, strcmp(g->status, "draft") == 0 ? MSG_AG_DOCUMENT_DRAFT
                                                      : MSG_AG_DOCUMENT_PARTIES));
    if (may_edit) {
        if (file_error)
            web_alert(r, file_error);
        html_fmt(o,
                 "<form class=\"form\" method=\"post\" action=\"/agreements/%D/file\" "
                 "enctype=\"multipart/form-data\" novalidate>",
                 (long long)g->id);
        layout_csrf_field(r);
        web_field_open(r, "ag-file", T(L, g->has_file ? MSG_AG_L_REPLACE : MSG_AG_L_FILE),
                       T(L, MSG_AG_H_FILE), file_error);
        html_raw(o, "<input id=\"ag-file\" name=\"file\" type=\"file\" "
                    "accept=\"application/pdf,.pdf\" required");
        web_described_by(r, "ag-file", true, file_error);
        html_fmt(o,
                 "></div><div class=\"form-actions\"><button type=\"submit\">%s</button></div>"
                 "</form>",
                 T(L, MSG_AG_UPLOAD));
    }
    html_raw(o, "</section>");
    if (may_edit) {
        if (strcmp(g->status, "draft") == 0) {
            html_fmt(o, "<form method=\"post\" action=\"/agreements/%D/delete\">",
                     (long long)g->id);
            layout_csrf_field(r);
            html_fmt(o, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
                     T(L, MSG_AG_DELETE_DRAFT));
        }
    }
    layout_end(r);
}

void web_agreement_page(req *r)
{
    agreement_rec g;
    if (load(r, &g))
        agreement_page(r, &g, NULL, NULL);
}

static void page_again(req *r, const void *g, const char *consent_error)
{
    agreement_page(r, g, NULL, consent_error);
}

/* POST /agreements/{id}/consent: org (a party's id), decision (confirm or
 * decline), reason (decline, optional): web_tie_answer (404 when org is
 * no party, 403 unless the reader speaks for org, 409 when it answered
 * already, 422 with the page for a bad reason). */
void web_agreement_consent(req *r)
{
    agreement_rec g;
    form f;
    if (!load(r, &g) || !req_body_form(r, &f))
        return;
    static const tie_kind kinds[] = {TIE_AGREEMENT_PARTY};
    web_tie_answer(r, &f,
                   &(web_tie_post){kinds, 1, g.id,
                                   arena_printf(r->a, "/agreements/%lld", (long long)g.id),
                                   T(r->lang, MSG_AG_NOT_FOUND), page_again, &g, NULL});
}

void web_agreement_delete(req *r)
{
    agreement_rec g;
    form f;
    if (!load_for_edit(r, &g) || !req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = agreement_delete(r->db, g.id, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, "/agreements");
        return;
    }
    if (st == DB_CONSTRAINT) {
        resp_error(r, 409, T(r->lang, MSG_AG_E_DRAFT_ONLY));
        return;
    }
    resp_fail(r, st, "agreement_delete");
}

void web_agreement_file_put(req *r)
{
    agreement_rec g;
    form f;
    if (!load_for_edit(r, &g) || !req_body_form(r, &f))
        return;
    const form_field *file = form_find(&f, "file");
    form_errors fe = {0};
    int verdict = PDF_OK;
    db_status st =
        file && file->value_len
            ? agreement_file_put(r->db, g.id, file->filename, file->value, file->value_len,
                                 r->user->person_id, r->client_ip, &verdict, &fe)
            : DB_CONSTRAINT;
    if (st == DB_OK) {
        resp_redirect(r,
                      arena_printf(r->a, "/agreements/%lld?uploaded=1#document", (long long)g.id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "agreement_file_put");
        return;
    }
    const char *why = !file || !file->value_len ? T(r->lang, MSG_AG_E_NO_FILE)
                                                : T(r->lang, pdf_verdict_msg((pdf_verdict)verdict));
    r->status = verdict == PDF_TOO_BIG ? 413 : 422;
    agreement_page(r, &g, why, NULL);
}

void web_agreement_file_get(req *r)
{
    agreement_rec g;
    if (!load(r, &g))
        return;
    if (!agreement_may_read_file(r->db, r->user, &g)) {
        resp_error(r, r->user ? 403 : 404,
                   T(r->lang, strcmp(g.status, "draft") == 0 ? MSG_AG_DOCUMENT_DRAFT
                                                             : MSG_AG_DOCUMENT_PARTIES));
        return;
    }
    const char *name = NULL;
    const void *data = NULL;
    size_t n = 0;
    bool found = false;
    db_status st = agreement_file_get(r->db, r->a, g.id, &name, &data, &n, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_file_get");
        return;
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_AG_NO_DOCUMENT));
        return;
    }
    r->content_type = "application/pdf";
    /* the stored name is printable ASCII without quotes (agreement.c) */
    resp_header(r, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"%s\"", name ? name : "agreement.pdf"));
    resp_header(r, "Cache-Control", "private, no-store");
    buf_append(&r->out, data, n);
}

/* --- a partner's Relations section --------------------------------------------------- */

static bool relations_kind(const char *kind)
{
    return kind && agreement_party_kind_ok(kind) && strcmp(kind, "cluster") != 0 &&
           strcmp(kind, "cluster_initiative") != 0;
}

/* The agreements part of Relations: those o is party to, with the other
 * parties. Projects (engineer 2) and calls (engineer 3) add their parts
 * as further functions called from web_relations_section. */
static db_status relations_agreements(req *r, const org_rec *o)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    agreement_filter f = {
        .party_id = o->id, .with_drafts = false, .drafts_of = r->user ? r->user->person_id : 0};
    agreement_rec *g = NULL;
    size_t n = 0;
    db_status st = agreement_list(r->db, r->a, &f, &g, &n);
    if (st != DB_OK)
        return st;
    html_fmt(out, "<h3>%s <span class=\"count\">%d</span></h3>", T(L, MSG_AG_TITLE), (int)n);
    if (n == 0) {
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_AG_NONE_OF_ORG));
        return DB_OK;
    }
    html_raw(out, "<ul class=\"relations-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(out, "<li><a href=\"/agreements/%D\">%s</a> ", (long long)g[i].id,
                 title_of(r, &g[i]));
        state_badge(r, &g[i]);
        awaiting_badge(r, &g[i]);
        html_fmt(out, "<br><span class=\"muted small\">%s · ", kind_label(L, g[i].kind));
        html_fmt(out, "%s ", T(L, MSG_AG_WITH));
        party_links(r, &g[i], o->id);
        if (g[i].valid_until)
            html_fmt(out, " · %s",
                     arena_printf(r->a, T(L, MSG_AG_UNTIL), wf_ymd(r, g[i].valid_until)));
        html_raw(out, "</span></li>");
    }
    html_fmt(out, "</ul><p class=\"small\"><a href=\"/agreements?party=%q\">%s</a></p>", o->slug,
             T(L, MSG_AG_ALL_OF_ORG));
    return DB_OK;
}

/* The contact persons part: the entry's team (cluster_team rows), with the
 * contact rule of cluster teams (public_contact, or RIGHT_VIEW_MEMBERS). */
static db_status relations_contacts(req *r, const org_rec *o)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    bool contacts = rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, o->id);
    cluster_info ci;
    db_status st = cluster_get(r->db, r->a, o->id, contacts, &ci);
    if (st != DB_OK)
        return st == DB_DONE ? DB_OK : st;
    size_t shown = 0;
    for (size_t i = 0; i < ci.n_team; i++)
        shown += wc_empty(ci.team[i].until) && !ci.team[i].invited;
    html_fmt(out, "<h3>%s <span class=\"count\">%d</span></h3>", T(L, MSG_AG_CONTACTS), (int)shown);
    if (!shown) {
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_AG_NO_CONTACTS));
        return DB_OK;
    }
    html_raw(out, "<ul class=\"relations-list\">");
    for (size_t i = 0; i < ci.n_team; i++) {
        const cluster_team_rec *t = &ci.team[i];
        if (!wc_empty(t->until) || t->invited)
            continue;
        wc_bitext role = wc_pick(r, t->role, t->role_en);
        html_fmt(out, "<li><strong>%s</strong>", wc_text(r, t->name) ? wc_text(r, t->name) : "");
        if (role.text)
            html_fmt(out, ", <span lang=\"%s\">%s</span>", role.lang ? role.lang : "", role.text);
        html_raw(out, "<br><span class=\"small\">");
        if (!wc_empty(t->email))
            html_fmt(out, "<a href=\"%u\">%s</a>", arena_printf(r->a, "mailto:%s", t->email),
                     t->email);
        if (!wc_empty(t->email) && !wc_empty(t->phone))
            html_raw(out, " · ");
        if (!wc_empty(t->phone))
            html_fmt(out, "%s", t->phone);
        if (wc_empty(t->email) && wc_empty(t->phone))
            html_fmt(out, "<span class=\"muted\">%s</span>",
                     T(L, contacts  ? MSG_CL_NO_CONTACT
                          : r->user ? MSG_CL_CONTACT_MEMBERS
                                    : MSG_CL_CONTACT_LOGIN));
        html_raw(out, "</span></li>");
    }
    html_raw(out, "</ul>");
    return DB_OK;
}

bool web_relations_section(req *r, const org_rec *o)
{
    if (!relations_kind(o->kind))
        return false;
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<section class=\"relations\" aria-labelledby=\"relations\"><h2 id=\"relations\">%s"
             "</h2>",
             T(L, MSG_AG_RELATIONS));
    /* each part a function; projects and calls add theirs here */
    db_status st = relations_agreements(r, o);
    if (st == DB_OK)
        st = relations_contacts(r, o);
    if (st != DB_OK) {
        /* the rest of the profile is written: an apology in place of the
         * rest of the section, the cause in the log, a 5xx status (as the
         * cluster section does) */
        log_msg(LOG_LVL_ERROR, r->id, "relations section of %s: %s", o->slug, db_status_name(st));
        r->status = st == DB_BUSY || st == DB_FULL || st == DB_IOERR ? 503 : 500;
        char id[96];
        snprintf(id, sizeof id, T(L, MSG_ERROR_REQUEST_ID), r->id);
        html_fmt(&r->out,
                 "<div class=\"alert\" role=\"alert\"><p>%s</p><p><code>%s</code></p></div>",
                 T(L, MSG_CL_SECTION_FAILED), id);
    }
    html_raw(&r->out, "</section>\n");
    /* a partner does not claim the profile: its members still list */
    return false;
}

/* --- the start page --------------------------------------------------------------------- */

bool web_agreement_start(req *r, db_status *st)
{
    lang_id L = r->lang;
    bool all = r->user->secretariat != SEC_NONE;
    agreement_rec *g = NULL;
    size_t n = 0;
    *st = agreement_expiring_for(r->db, r->a, all ? 0 : r->user->person_id, &g, &n);
    if (*st != DB_OK || n == 0)
        return false;
    html_fmt(&r->out, "<section class=\"work card\"><h2>%s</h2>\n<ul class=\"work-list\">",
             T(L, MSG_AG_START_EXPIRING));
    for (size_t i = 0; i < n; i++) {
        html_fmt(&r->out, "<li><a href=\"/agreements/%D\">%s</a> <span class=\"muted\">%s</span>",
                 (long long)g[i].id, title_of(r, &g[i]),
                 arena_printf(r->a, T(L, MSG_AG_UNTIL), wf_ymd(r, g[i].valid_until)));
        html_raw(&r->out, "</li>");
    }
    html_fmt(&r->out,
             "</ul><p class=\"small\"><a href=\"/agreements?expiring=1\">%s</a></p></section>\n",
             T(L, MSG_AG_ALL_EXPIRING));
    return true;
}
