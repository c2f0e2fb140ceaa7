/* web_initiative.c: cluster initiatives (model in initiative.h): the
 * public list with each initiative's readiness progress (and, for the
 * secretariat, those waiting for review with their contact and founders),
 * the form anyone logged in uses to start one, and its target. The
 * secretariat decides in the one queue of proposed entries (its start
 * page, web_org_proposal.c): an initiative needs no queue of its own. */
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/initiative.h"
#include "model/org_proposal.h"
#include "model/readiness.h"
#include "web/web.h"
#include "web/web_org.h"

#define FOUNDER_FIELDS 5

static msg_id stage_msg(const char *stage)
{
    if (stage && strcmp(stage, "emerging") == 0)
        return MSG_CL_STAGE_EMERGING;
    if (stage && strcmp(stage, "developing") == 0)
        return MSG_CL_STAGE_DEVELOPING;
    if (stage && strcmp(stage, "established") == 0)
        return MSG_CL_STAGE_ESTABLISHED;
    return MSG_CL_STAGE_INITIATIVE;
}

const char *web_initiative_stage_label(lang_id L, const char *stage)
{
    return T(L, stage_msg(stage));
}

/* --- the list ------------------------------------------------------------------ */

static void progress(req *r, int n_met, const char *ready_for)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<span class=\"readiness-progress\"><meter min=\"0\" max=\"%d\" value=\"%d\">"
             "</meter> %s · %s</span>",
             RD__COUNT, n_met, arena_printf(r->a, T(L, MSG_INIT_PROGRESS), n_met, RD__COUNT),
             arena_printf(r->a, T(L, MSG_INIT_READY_FOR), T(L, stage_msg(ready_for))));
}

static void pending_item(req *r, web_refs *refs, const initiative_rec *it)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    initiative_rec full;
    const char **slugs = NULL, **names = NULL;
    size_t nf = 0;
    bool found = false;
    if (initiative_get(r->db, r->a, it->org_id, &full, &slugs, &names, &nf, &found) != DB_OK ||
        !found)
        nf = 0;
    html_fmt(o, "<li class=\"card\"><h3><a href=\"/orgs/%q\">%s</a></h3>", it->slug,
             web_org_text(r, it->name, it->name_en));
    html_fmt(o, "<p class=\"muted\">%s · ", web_refs_label(r, refs, WREF_REGION, it->region));
    web_datetime(r, it->proposed_at, MSG_USERS_NEVER);
    html_fmt(o, "</p><p>%s: %s, <a href=\"mailto:%q\">%s</a>, %s</p>", T(L, MSG_INIT_CONTACT),
             it->contact_name, it->contact_email, it->contact_email, it->contact_phone);
    html_fmt(o, "<p>%s: ", T(L, MSG_INIT_FOUNDERS));
    for (size_t i = 0; i < nf; i++)
        html_fmt(o, "%R<a href=\"/orgs/%q\">%s</a>", i ? ", " : "", slugs[i],
                 web_org_text(r, names[i], NULL));
    html_raw(o, "</p>");
    /* the decision is the proposed-entry queue's (one path, one audit) */
    html_fmt(o,
             "<div class=\"proposal-actions\"><form method=\"post\" "
             "action=\"/orgs/%q/proposal/accept\">",
             it->slug);
    layout_csrf_field(r);
    html_fmt(o, "<button type=\"submit\" class=\"button-small\">%s</button></form>",
             T(L, MSG_PROPOSAL_ACCEPT));
    html_fmt(o,
             "<form method=\"post\" action=\"/orgs/%q/proposal/decline\" "
             "class=\"proposal-decline\">",
             it->slug);
    layout_csrf_field(r);
    html_fmt(o,
             "<label for=\"ireason-%D\">%s</label> <input type=\"text\" id=\"ireason-%D\" "
             "name=\"reason\" required maxlength=\"500\"> <button type=\"submit\" "
             "class=\"button-small button-secondary\">%s</button></form></div></li>\n",
             (long long)it->org_id, T(L, MSG_PROPOSAL_REASON), (long long)it->org_id,
             T(L, MSG_PROPOSAL_DECLINE));
}

void web_initiative_list(req *r)
{
    lang_id L = r->lang;
    bool secretariat = r->user && r->user->secretariat >= SEC_EDITOR;
    initiative_rec *it;
    size_t n;
    db_status st = initiative_list(r->db, r->a, secretariat, &it, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "initiative_list");
        return;
    }
    web_refs refs = {0};
    page_meta m = {.title = T(L, MSG_INIT_TITLE), .nav = "initiatives"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(L, MSG_INIT_TITLE),
             T(L, MSG_INIT_LEAD));
    if (req_query(r, "started"))
        web_notice(r, T(L, MSG_INIT_STARTED));
    html_fmt(o, "<p><a class=\"button\" href=\"/initiatives/new\">%s</a></p>\n",
             T(L, MSG_INIT_START));
    if (secretariat) {
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(it[i].state, "proposed") != 0)
                continue;
            if (!any)
                html_fmt(o,
                         "<section id=\"pending\"><h2>%s</h2><ul class=\"plain initiative-list\">",
                         T(L, MSG_INIT_PENDING));
            any = true;
            pending_item(r, &refs, &it[i]);
        }
        if (any)
            html_raw(o, "</ul></section>\n");
    }
    html_raw(o, "<ul class=\"plain initiative-list\" id=\"accepted\">");
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(it[i].state, "proposed") == 0)
            continue;
        int n_met = 0;
        const char *ready = NULL;
        if ((st = readiness_summary(r->db, r->a, it[i].org_id, &n_met, &ready)) != DB_OK) {
            buf_reset(o);
            resp_fail(r, st, "readiness_summary");
            return;
        }
        shown++;
        html_fmt(o, "<li class=\"card\"><h2><a href=\"/orgs/%q\">%s</a>%R</h2>", it[i].slug,
                 web_org_text(r, it[i].name, it[i].name_en),
                 it[i].is_demo ? " <span class=\"badge badge-demo\">demo</span>" : "");
        html_fmt(o, "<p class=\"muted\">%s",
                 web_refs_label(r, &refs, WREF_REGION, it[i].region)
                     ? web_refs_label(r, &refs, WREF_REGION, it[i].region)
                     : "");
        if (it[i].n_founders)
            html_fmt(o, " · %s",
                     arena_printf(r->a, T(L, MSG_INIT_FOUNDERS_N), (long long)it[i].n_founders));
        html_raw(o, "</p><p>");
        progress(r, n_met, ready);
        if (r->user && readiness_may_read(r->db, r->user, it[i].org_id))
            html_fmt(o, " · <a href=\"/orgs/%q/readiness\">%s</a>", it[i].slug, T(L, MSG_RD_LINK));
        html_raw(o, "</p></li>\n");
    }
    html_raw(o, "</ul>\n");
    if (!shown)
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_INIT_NONE));
    layout_end(r);
}

/* --- the form ------------------------------------------------------------------ */

typedef struct init_form {
    const char *name, *name_en, *sector1, *sector2, *region, *district;
    const char *contact_name, *contact_email, *contact_phone, *description_sr, *description_en;
    const char *founders[FOUNDER_FIELDS];
} init_form;

static void ref_select(req *r, web_refs *refs, const char *id, const char *name, int t,
                       msg_id label, const char *value, const char *error, bool required,
                       bool divisions_only)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
             error ? " field-invalid" : "", id, T(L, label));
    if (error)
        html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, error);
    html_fmt(o, "<select id=\"%s\" name=\"%s\"%R%R>", id, name, required ? " required" : "",
             error ? " aria-invalid=\"true\"" : "");
    html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_INIT_F_CHOOSE));
    size_t n;
    const ref_item *items = web_refs_items(r, refs, t, &n);
    for (size_t i = 0; i < n; i++) {
        if (divisions_only && strlen(items[i].code) != 2)
            continue;
        const char *text = items[i].label ? items[i].label : items[i].code;
        if (t == WREF_NACE)
            text = arena_printf(r->a, "%s %s", items[i].code, text);
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", items[i].code,
                 value && strcmp(value, items[i].code) == 0 ? " selected" : "", text);
    }
    html_raw(o, "</select></div>\n");
}

static void textarea(req *r, const char *id, const char *name, msg_id label, const char *value,
                     const char *error, bool required)
{
    buf *o = &r->out;
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
             error ? " field-invalid" : "", id, T(r->lang, label));
    if (error)
        html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, error);
    html_fmt(o,
             "<textarea id=\"%s\" name=\"%s\" rows=\"5\" maxlength=\"2000\"%R%R>%s</textarea>"
             "</div>\n",
             id, name, required ? " required" : "", error ? " aria-invalid=\"true\"" : "",
             value ? value : "");
}

static void form_page(req *r, const init_form *v, const web_errs *errs)
{
    lang_id L = r->lang;
    web_refs refs = {0};
    page_meta m = {.title = T(L, MSG_INIT_START), .nav = "initiatives"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/initiatives\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_INIT_TITLE), T(L, MSG_INIT_START));
    html_fmt(o, "<p class=\"lead\">%s</p>\n", T(L, MSG_INIT_NEW_LEAD));
    web_error_summary(r, errs);
    html_raw(o, "<form method=\"post\" action=\"/initiatives\" class=\"form card\">");
    layout_csrf_field(r);
    const struct {
        const char *id, *name, *type, *value;
        msg_id label, hint;
        bool required;
        int max;
    } texts[] = {
        {"in-name", "name", "text", v->name, MSG_INIT_F_NAME, 0, true, 200},
        {"in-name-en", "name_en", "text", v->name_en, MSG_INIT_F_NAME_EN, 0, false, 200},
    };
    for (size_t i = 0; i < 2; i++)
        web_field(r, &(web_input){.id = texts[i].id,
                                  .name = texts[i].name,
                                  .type = texts[i].type,
                                  .label = T(L, texts[i].label),
                                  .value = texts[i].value,
                                  .error = web_errs_get(errs, texts[i].name),
                                  .required = texts[i].required,
                                  .maxlength = texts[i].max});
    ref_select(r, &refs, "in-sector", "sectors", WREF_NACE, MSG_INIT_F_SECTOR, v->sector1,
               web_errs_get(errs, "sectors"), true, true);
    ref_select(r, &refs, "in-sector2", "sectors", WREF_NACE, MSG_INIT_F_SECTOR2, v->sector2, NULL,
               false, true);
    ref_select(r, &refs, "in-region", "region", WREF_REGION, MSG_INIT_F_REGION, v->region,
               web_errs_get(errs, "region"), true, false);
    ref_select(r, &refs, "in-district", "district", WREF_DISTRICT, MSG_INIT_F_DISTRICT, v->district,
               web_errs_get(errs, "district"), false, false);
    textarea(r, "in-desc", "description_sr", MSG_INIT_F_DESC, v->description_sr,
             web_errs_get(errs, "description_sr"), true);
    textarea(r, "in-desc-en", "description_en", MSG_INIT_F_DESC_EN, v->description_en,
             web_errs_get(errs, "description_en"), false);
    html_fmt(o, "<fieldset class=\"form-section\"><legend>%s</legend>", T(L, MSG_INIT_CONTACT));
    const struct {
        const char *id, *name, *type, *value, *ac;
        msg_id label;
        int max;
    } contact[] = {
        {"in-cname", "contact_name", "text", v->contact_name, "name", MSG_INIT_F_CONTACT_NAME, 100},
        {"in-cemail", "contact_email", "email", v->contact_email, "email", MSG_INIT_F_CONTACT_EMAIL,
         200},
        {"in-cphone", "contact_phone", "text", v->contact_phone, "tel", MSG_INIT_F_CONTACT_PHONE,
         40},
    };
    for (size_t i = 0; i < 3; i++)
        web_field(r, &(web_input){.id = contact[i].id,
                                  .name = contact[i].name,
                                  .type = contact[i].type,
                                  .label = T(L, contact[i].label),
                                  .value = contact[i].value,
                                  .autocomplete = contact[i].ac,
                                  .hint = i == 0 ? T(L, MSG_INIT_F_CONTACT_HINT) : NULL,
                                  .error = web_errs_get(errs, contact[i].name),
                                  .required = true,
                                  .maxlength = contact[i].max});
    html_fmt(o, "</fieldset><fieldset class=\"form-section\"><legend>%s</legend>",
             T(L, MSG_INIT_FOUNDERS));
    const char *ferr = web_errs_get(errs, "founders");
    if (ferr)
        html_fmt(o, "<p class=\"field-error\" id=\"founders-error\">%s</p>", ferr);
    for (int i = 0; i < FOUNDER_FIELDS; i++)
        web_field(r, &(web_input){.id = arena_printf(r->a, "in-founder-%d", i + 1),
                                  .name = "founders",
                                  .type = "text",
                                  .label = arena_printf(r->a, T(L, MSG_INIT_F_FOUNDER), i + 1),
                                  .value = v->founders[i],
                                  .hint = i == 0 ? T(L, MSG_INIT_F_FOUNDER_HINT) : NULL,
                                  .suggest = "fill",
                                  .required = i < 2,
                                  .maxlength = 200});
    html_fmt(o, "</fieldset><p><button type=\"submit\">%s</button></p></form>\n",
             T(L, MSG_INIT_F_SUBMIT));
    layout_end(r);
}

void web_initiative_new_form(req *r)
{
    init_form v = {0};
    form_page(r, &v, NULL);
}

/* The model's refusals in the words of this form, then the generic ones. */
static void word_errors(req *r, const form_errors *fe, web_errs *errs)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "founders") == 0)
            web_errs_add(errs, "founders",
                         T(L, x->code == FE_TOO_SHORT  ? MSG_INIT_ERR_FOUNDERS_FEW
                              : x->code == FE_TOO_LONG ? MSG_INIT_ERR_FOUNDERS_MANY
                                                       : MSG_INIT_ERR_FOUNDERS_BAD));
        else if (strcmp(x->field, "contact_phone") == 0 && x->code == FE_INVALID)
            web_errs_add(errs, "contact_phone", T(L, MSG_INIT_ERR_PHONE));
        else if (strcmp(x->field, "sectors") == 0)
            web_errs_add(errs, "sectors", T(L, MSG_INIT_ERR_SECTOR));
        else if (strcmp(x->field, "region") == 0 && x->code == FE_REQUIRED)
            web_errs_add(errs, "region", T(L, MSG_INIT_ERR_REGION));
        else if (strcmp(x->field, "org") == 0)
            web_errs_add(errs, "org", T(L, MSG_HTTP_ERR_FORBIDDEN));
    }
    web_errs_from_form(r, fe, errs);
}

void web_initiative_create(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    init_form v = {.name = form_get(&f, "name"),
                   .name_en = form_get(&f, "name_en"),
                   .region = form_get(&f, "region"),
                   .district = form_get(&f, "district"),
                   .contact_name = form_get(&f, "contact_name"),
                   .contact_email = form_get(&f, "contact_email"),
                   .contact_phone = form_get(&f, "contact_phone"),
                   .description_sr = form_get(&f, "description_sr"),
                   .description_en = form_get(&f, "description_en")};
    const char **sectors = arena_alloc(r->a, (f.n_fields + 1) * sizeof *sectors);
    const char **founders = arena_alloc(r->a, (f.n_fields + 1) * sizeof *founders);
    if (!sectors || !founders) {
        resp_fail(r, DB_NOMEM, "initiative form");
        return;
    }
    size_t n_sectors = 0, n_founders = 0;
    for (size_t i = 0; i < f.n_fields; i++) {
        const form_field *x = &f.fields[i];
        if (strcmp(x->name, "sectors") == 0 && !str_empty(x->value)) {
            if (n_sectors == 0)
                v.sector1 = x->value;
            else if (n_sectors == 1)
                v.sector2 = x->value;
            sectors[n_sectors++] = x->value;
        } else if (strcmp(x->name, "founders") == 0) {
            if (n_founders < FOUNDER_FIELDS)
                v.founders[n_founders] = x->value;
            founders[n_founders++] = x->value;
        }
    }
    initiative_in in = {.name = v.name,
                        .name_en = v.name_en,
                        .sectors = sectors,
                        .n_sectors = n_sectors,
                        .district = v.district,
                        .region = v.region,
                        .contact_name = v.contact_name,
                        .contact_email = v.contact_email,
                        .contact_phone = v.contact_phone,
                        .description_sr = v.description_sr,
                        .description_en = v.description_en,
                        .founders = founders,
                        .n_founders = n_founders};
    form_errors fe = {0};
    int64_t id = 0;
    const char *slug = NULL;
    db_status st =
        initiative_start(r->db, r->a, r->user, &in, r->lang, r->client_ip, &fe, &id, &slug);
    if (st == DB_OK) {
        resp_redirect(r, "/initiatives?started=1");
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "initiative_start");
        return;
    }
    web_errs errs = {0};
    word_errors(r, &fe, &errs);
    r->status = 422;
    form_page(r, &v, &errs);
}

/* --- the start page ------------------------------------------------------------ */

/* The readiness of each cluster or initiative the reader manages, with a
 * link to its check (a row of web_start.c's sections). */
bool web_start_readiness(req *r, db_status *st)
{
    org_rec *c;
    size_t n;
    if ((*st = org_proposal_clusters(r->db, r->a, r->user->person_id, &c, &n)) != DB_OK || !n)
        return false;
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<section class=\"work card\" id=\"readiness\"><h2>%s</h2><ul class=\"work-list\">",
             T(L, MSG_RD_TITLE));
    for (size_t i = 0; i < n; i++) {
        int n_met = 0;
        const char *ready = NULL;
        if ((*st = readiness_summary(r->db, r->a, c[i].id, &n_met, &ready)) != DB_OK)
            return false;
        html_fmt(o, "<li><a href=\"/orgs/%q/readiness\">%s</a> ", c[i].slug,
                 web_org_text(r, c[i].name, NULL));
        progress(r, n_met, ready);
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></section>\n");
    return true;
}
