/* web_project_form.c: a project's form (issue 14): new and edit, the
 * participants and the funder named without script (web_org_resolve),
 * the reading and errors of the form shared with the API, create and
 * update. The list and a project's page are web_project.c's. */
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

static const char *visibility_label(lang_id L, const char *code)
{
    return T(L, code && strcmp(code, "participants") == 0 ? MSG_PJ_VIS_PARTICIPANTS
                                                          : MSG_PJ_VIS_PUBLIC);
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
                     wproj_role_label(L, project_roles[k]));
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
        p ? arena_printf(r->a, T(L, MSG_PJ_EDIT_TITLE), wproj_title(r, p)) : T(L, MSG_PJ_NEW);
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
    text_field(r, "programme_en", MSG_PJ_L_PROGRAMME_EN, T(L, MSG_PJ_H_PROGRAMME_EN),
               p ? p->programme_en : NULL, v, false, 200);
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
    if (!wproj_may_start(r)) {
        cannot_start_page(r);
        return;
    }
    form_page(r, NULL, NULL);
}

void web_project_edit_form(req *r)
{
    project_rec p;
    if (!wproj_load(r, &p))
        return;
    if (!wproj_may_edit(r, p.lead_id)) {
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
                              : x->code == FE_RANGE     ? MSG_PJ_E_SHARES_OVER
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
                          .programme_en = form_get(f, "programme_en"),
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
        if (!wproj_load(r, &old))
            return;
        have_old = true;
        if (!wproj_may_edit(r, old.lead_id)) {
            resp_error(r, 403, T(L, MSG_PJ_FORBIDDEN));
            return;
        }
    } else if (!wproj_may_start(r)) {
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
    if (lead > 0 && !wproj_may_edit(r, lead)) {
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
    if (wproj_param_id(r, &id))
        save_post(r, id);
}
