/* web_org_edit.c: creating and editing directory entries: the one entry
 * form (GET /orgs/new, GET /orgs/{slug}/edit) and its targets (POST
 * /orgs, POST /orgs/{slug}), plus archive, publish and delete.
 *
 * The form is multipart (it carries the logo). Every error is shown next
 * to its field in the reader's language, everything typed is kept, and
 * nothing is saved unless all is valid: the form's shapes are checked by
 * form_validate(), the domain rules by org_validate() (the same rules as
 * the API and the importer), and org_create()/org_update() check again
 * inside their transaction. Who may do what is asked of rights_can():
 * RIGHT_ORG_CREATE for new entries, RIGHT_ORG_EDIT for changes, archive
 * and publish, RIGHT_ORG_DELETE for deletion; the routes add login and
 * CSRF (routes.c). */
#include <string.h>

#include "core/strutil.h"
#include "core/utf8.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/image.h"
#include "model/org_proposal.h"
#include "model/rights.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_org.h"

#define LOGO_MAX (512 * 1024)

/* The form's fields in form_validate order (F_* index the rules). */
enum {
    F_NAME,
    F_NAME_EN,
    F_ACRONYM,
    F_SLUG,
    F_KIND,
    F_YEAR,
    F_SECTORS,
    F_FOS,
    F_GEO,
    F_WEBSITE,
    F_EMAIL,
    F_PHONE,
    F_ADDRESS,
    F_MUNICIPALITY,
    F_REGION,
    F_DISTRICT,
    F_COUNTRY,
    F_PIB,
    F_MB,
    F_SHORT_SR,
    F_SHORT_EN,
    F_DESC_SR,
    F_DESC_EN,
    F_STATUS,
    F_LOGO,
    F__COUNT
};

static const form_rule rules[F__COUNT] = {
    [F_NAME] = {"name", FV_TEXT, 0, 0, 0, NULL},
    [F_NAME_EN] = {"name_en", FV_TEXT, 0, 0, 0, NULL},
    [F_ACRONYM] = {"acronym", FV_TEXT, 0, 0, 0, NULL},
    [F_SLUG] = {"slug", FV_TEXT, 0, 0, 0, NULL},
    [F_KIND] = {"kind", FV_TEXT, 0, 0, 0, NULL},
    [F_YEAR] = {"year_founded", FV_INT, 0, 0, 0, NULL},
    [F_SECTORS] = {"sectors", FV_TEXT, FORM_MULTI, 0, 0, NULL},
    [F_FOS] = {"fos", FV_TEXT, FORM_MULTI, 0, 0, NULL},
    [F_GEO] = {"geo", FV_TEXT, FORM_MULTI, 0, 0, NULL},
    [F_WEBSITE] = {"website", FV_TEXT, 0, 0, 0, NULL},
    [F_EMAIL] = {"email", FV_TEXT, 0, 0, 0, NULL},
    [F_PHONE] = {"phone", FV_TEXT, 0, 0, 0, NULL},
    [F_ADDRESS] = {"address", FV_TEXT, 0, 0, 0, NULL},
    [F_MUNICIPALITY] = {"municipality", FV_TEXT, 0, 0, 0, NULL},
    [F_REGION] = {"region", FV_TEXT, 0, 0, 0, NULL},
    [F_DISTRICT] = {"district", FV_TEXT, 0, 0, 0, NULL},
    [F_COUNTRY] = {"country", FV_TEXT, 0, 0, 0, NULL},
    [F_PIB] = {"pib", FV_TEXT, 0, 0, 0, NULL},
    [F_MB] = {"mb", FV_TEXT, 0, 0, 0, NULL},
    [F_SHORT_SR] = {"short_sr", FV_MULTILINE, 0, 0, 0, NULL},
    [F_SHORT_EN] = {"short_en", FV_MULTILINE, 0, 0, 0, NULL},
    [F_DESC_SR] = {"description_sr", FV_MULTILINE, 0, 0, 0, NULL},
    [F_DESC_EN] = {"description_en", FV_MULTILINE, 0, 0, 0, NULL},
    [F_STATUS] = {"status", FV_TEXT, 0, 0, 0, NULL},
    [F_LOGO] = {"logo", FV_FILE, 0, 0, LOGO_MAX, NULL},
};

static const char *const status_values[] = {"draft", "published", "archived"};
static const msg_id status_msgs[] = {MSG_DIR_STATUS_DRAFT, MSG_DIR_STATUS_PUBLISHED,
                                     MSG_DIR_STATUS_ARCHIVED};
static const msg_id status_hints[] = {MSG_DIR_STATUS_DRAFT_HINT, MSG_DIR_STATUS_PUBLISHED_HINT,
                                      MSG_DIR_STATUS_ARCHIVED_HINT};

/* What the form shows: the values, the year as typed, the errors. */
typedef struct edit_view {
    const org_rec *o;
    const char *year_text;
    const web_errs *errs;
    const char *notice;        /* an alert above the form, or NULL */
    const char *confirm_error; /* the delete confirmation's error, or NULL */
    const org_rec *dup[2];     /* the entry holding the PIB / MB, when the reader may see it */
    /* a manager's proposal of a new entry (org_proposal.h): the clusters
     * they manage, and the membership chosen to go with it */
    bool proposal;
    const org_rec *clusters;
    size_t n_clusters;
    int64_t cluster_id;
    const char *joined_on;
} edit_view;

/* The id of a field's input ("org-name"). */
static const char *field_id(req *r, const char *field)
{
    const char *id = arena_printf(r->a, "org-%s", field);
    return id ? id : "org-field";
}

/* --- widgets ------------------------------------------------------------------ */

/* The opening of a field div: label, hint and error, ids tied together so
 * the control can name them in aria-describedby (described_by()). */
static void field_open(req *r, const char *id, const char *label, const char *hint,
                       const char *error, bool legend)
{
    buf *o = &r->out;
    if (legend) {
        /* a group: the fieldset itself names its hint and error */
        html_fmt(o, "<fieldset class=\"field field-group%R\" id=\"%s\"",
                 error ? " field-invalid" : "", id);
        if (hint || error) {
            html_raw(o, " aria-describedby=\"");
            if (hint)
                html_fmt(o, "%s-hint%R", id, error ? " " : "");
            if (error)
                html_fmt(o, "%s-error", id);
            html_raw(o, "\"");
        }
        html_fmt(o, "><legend>%s</legend>", label);
    } else
        html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
                 error ? " field-invalid" : "", id, label);
    if (hint)
        html_fmt(o, "<p class=\"field-hint\" id=\"%s-hint\">%s</p>", id, hint);
    if (error)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-hidden\">%s: "
                 "</span>%s</p>",
                 id, T(r->lang, MSG_DIR_ERROR_PREFIX), error);
}

/* aria-describedby (and aria-invalid) attributes for a control. */
static void described_by(req *r, const char *id, bool hint, bool error)
{
    web_described_by(r, id, hint, error ? "" : NULL); /* only whether there is one */
}

static void text_field(req *r, const edit_view *v, const char *field, const char *type,
                       const char *value, msg_id label, msg_id hint, bool required,
                       const char *autocomplete)
{
    web_input in = {.id = field_id(r, field),
                    .name = field,
                    .type = type,
                    .label = T(r->lang, label),
                    .value = value,
                    .autocomplete = autocomplete,
                    .hint = hint ? T(r->lang, hint) : NULL,
                    .error = web_errs_get(v->errs, field),
                    .required = required};
    web_field(r, &in);
}

static void textarea_field(req *r, const edit_view *v, const char *field, const char *value,
                           msg_id label, msg_id hint, int rows, const char *lang_tag)
{
    buf *o = &r->out;
    const char *id = field_id(r, field);
    const char *error = web_errs_get(v->errs, field);
    const char *h = hint ? T(r->lang, hint) : NULL;
    field_open(r, id, T(r->lang, label), h, error, false);
    html_fmt(o, "<textarea id=\"%s\" name=\"%s\" rows=\"%d\" lang=\"%s\"", id, field, rows,
             lang_tag);
    described_by(r, id, h != NULL, error != NULL);
    html_fmt(o, ">%s</textarea></div>\n", value ? value : "");
}

/* A single-choice select of a reference table, with "choose" first. For
 * districts the options are grouped by region. */
static void select_field(req *r, web_refs *refs, const edit_view *v, const char *field, int t,
                         const char *value, msg_id label, bool required)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *id = field_id(r, field);
    const char *error = web_errs_get(v->errs, field);
    field_open(r, id, T(L, label), NULL, error, false);
    html_fmt(o, "<select id=\"%s\" name=\"%s\"%R", id, field, required ? " required" : "");
    described_by(r, id, false, error != NULL);
    html_fmt(o, "><option value=\"\">%s</option>", T(L, MSG_DIR_CHOOSE));
    size_t n;
    const ref_item *it = web_refs_items(r, refs, t, &n);
    bool known = str_empty(value);
    if (t == WREF_DISTRICT) {
        /* districts under their region, regions in their own order */
        size_t n_reg;
        const ref_item *reg = web_refs_items(r, refs, WREF_REGION, &n_reg);
        for (size_t g = 0; g <= n_reg; g++) {
            bool opened = false;
            for (size_t i = 0; i < n; i++) {
                bool mine = g < n_reg ? it[i].parent && strcmp(it[i].parent, reg[g].code) == 0
                                      : !it[i].parent ||
                                            !web_refs_label(r, refs, WREF_REGION, it[i].parent);
                if (!mine)
                    continue;
                if (!opened && g < n_reg)
                    html_fmt(o, "<optgroup label=\"%s\">", reg[g].label ? reg[g].label : "");
                opened = true;
                bool sel = value && strcmp(value, it[i].code) == 0;
                known |= sel;
                html_fmt(o, "<option value=\"%s\"%R>%s</option>", it[i].code,
                         sel ? " selected" : "", it[i].label ? it[i].label : it[i].code);
            }
            if (opened && g < n_reg)
                html_raw(o, "</optgroup>");
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            bool sel = value && strcmp(value, it[i].code) == 0;
            known |= sel;
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", it[i].code, sel ? " selected" : "",
                     it[i].label ? it[i].label : it[i].code);
        }
    }
    if (!known) /* keep an unknown value as typed, so the error makes sense */
        html_fmt(o, "<option value=\"%s\" selected>%s</option>", value, value);
    html_raw(o, "</select></div>\n");
}

/* The kind, shown but not editable: it classifies the entry and is the
 * secretariat's. The input has no name, so the form never sends it. */
static void kind_readonly(req *r, web_refs *refs, const edit_view *v, const char *value)
{
    const char *id = field_id(r, "kind");
    const char *error = web_errs_get(v->errs, "kind");
    const char *label = value ? web_refs_label(r, refs, WREF_KIND, value) : NULL;
    field_open(r, id, T(r->lang, MSG_DIR_L_KIND), T(r->lang, MSG_DIR_KIND_SECRETARIAT), error,
               false);
    html_fmt(&r->out, "<input id=\"%s\" type=\"text\" value=\"%s\" readonly", id,
             label   ? label
             : value ? value
                     : "");
    described_by(r, id, true, error != NULL);
    html_raw(&r->out, "></div>\n");
}

static bool in_list(const char *const *list, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], code) == 0)
            return true;
    return false;
}

/* A group of checkboxes for a list of codes, top levels bold and lower
 * levels indented, in a scrolling box. */
static void checklist_field(req *r, web_refs *refs, const edit_view *v, const char *field, int t,
                            const char *const *values, size_t n_values, msg_id label, msg_id hint)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *id = field_id(r, field);
    const char *error = web_errs_get(v->errs, field);
    const char *h = hint ? T(L, hint) : NULL;
    field_open(r, id, T(L, label), h, error, true);
    html_raw(o, "<div class=\"checklist-box\"><ul class=\"checks\">");
    size_t n;
    const ref_item *it = web_refs_items(r, refs, t, &n);
    for (size_t i = 0; i < n; i++) {
        bool sub = !str_empty(it[i].parent);
        bool on = in_list(values, n_values, it[i].code);
        const char *label_text = it[i].label ? it[i].label : it[i].code;
        if (t == WREF_NACE)
            label_text = arena_printf(r->a, "%s %s", it[i].code, label_text);
        html_fmt(o,
                 "<li class=\"%R\"><label><input type=\"checkbox\" name=\"%s\" value=\"%s\"%R%R> "
                 "%s</label></li>",
                 sub ? "check-sub" : "check-top", field, it[i].code, on ? " checked" : "",
                 error ? " aria-invalid=\"true\"" : "", label_text ? label_text : "");
    }
    /* codes that are not in the table stay, so their error can be seen */
    for (size_t i = 0; i < n_values; i++) {
        bool known = false;
        for (size_t k = 0; k < n && !known; k++)
            known = values[i] && strcmp(values[i], it[k].code) == 0;
        if (!known && values[i])
            html_fmt(o,
                     "<li class=\"check-top\"><label><input type=\"checkbox\" name=\"%s\" "
                     "value=\"%s\" checked aria-invalid=\"true\"> %s</label></li>",
                     field, values[i], values[i]);
    }
    html_raw(o, "</ul></div></fieldset>\n");
}

/* The status as three radio buttons with a hint each. */
static void status_field(req *r, const edit_view *v)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *cur = str_empty(v->o->status) ? "draft" : v->o->status;
    const char *error = web_errs_get(v->errs, "status");
    field_open(r, "org-status", T(L, MSG_DIR_L_STATUS), NULL, error, true);
    html_raw(o, "<ul class=\"radios\">");
    for (size_t i = 0; i < sizeof status_values / sizeof status_values[0]; i++) {
        html_fmt(o,
                 "<li><input type=\"radio\" id=\"org-status-%s\" name=\"status\" value=\"%s\"%R "
                 "aria-describedby=\"org-status-%s-hint\"><label for=\"org-status-%s\">%s</label>"
                 "<p class=\"field-hint\" id=\"org-status-%s-hint\">%s</p></li>",
                 status_values[i], status_values[i],
                 strcmp(cur, status_values[i]) == 0 ? " checked" : "", status_values[i],
                 status_values[i], T(L, status_msgs[i]), status_values[i], T(L, status_hints[i]));
    }
    html_raw(o, "</ul></fieldset>\n");
}

/* The box above a form with errors: a heading and a link to each field. */
static void error_summary(req *r, const web_errs *e)
{
    if (!e || !e->n)
        return;
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o,
             "<div class=\"alert error-summary\" role=\"alert\" tabindex=\"-1\">"
             "<h2>%s</h2><ul>",
             T(L, MSG_DIR_FORM_PROBLEMS));
    /* in the order of the form, so the list reads top to bottom */
    bool done[WEB_MAX_FIELD_ERRORS] = {false};
    for (size_t k = 0; k <= F__COUNT; k++) {
        for (size_t i = 0; i < e->n; i++) {
            bool here = k < F__COUNT ? strcmp(e->field[i], rules[k].name) == 0 : true;
            if (done[i] || !here)
                continue;
            done[i] = true;
            html_fmt(o, "<li><a href=\"#%s\">%s</a>: %s</li>", field_id(r, e->field[i]),
                     web_org_field_label(L, e->field[i]), e->text[i]);
        }
    }
    html_raw(o, "</ul></div>\n");
}

/* --- the form page ------------------------------------------------------------- */

static void fieldset_open(req *r, const char *id, msg_id legend, msg_id intro)
{
    html_fmt(&r->out, "<fieldset class=\"form-section\" id=\"%s\"><legend>%s</legend>", id,
             T(r->lang, legend));
    if (intro)
        html_fmt(&r->out, "<p class=\"section-intro\">%s</p>", T(r->lang, intro));
    html_raw(&r->out, "<div class=\"form-grid\">");
}

static void fieldset_close(req *r)
{
    html_raw(&r->out, "</div></fieldset>\n");
}

/* The delete box for admins, under the form of an existing entry. */
static void delete_box(req *r, const edit_view *v)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const org_rec *e = v->o;
    html_fmt(o,
             "<section class=\"danger-zone\" aria-labelledby=\"delete-title\">"
             "<h2 id=\"delete-title\">%s</h2>",
             T(L, MSG_DIR_DELETE_TITLE));
    buf t = BUF_INIT;
    buf_printf(&t, T(L, MSG_DIR_DELETE_HINT), e->slug);
    html_fmt(o, "<p>%s</p>", buf_str(&t));
    buf_reset(&t);
    buf_printf(&t, T(L, MSG_DIR_DELETE_CONFIRM), e->slug);
    html_fmt(o,
             "<form method=\"post\" action=\"/orgs/%q/delete\" class=\"delete-form\" "
             "novalidate>",
             e->slug);
    layout_csrf_field(r);
    web_input in = {.id = "org-confirm",
                    .name = "confirm",
                    .type = "text",
                    .label = buf_str(&t),
                    .autocomplete = "off",
                    .error = v->confirm_error,
                    .required = true};
    web_field(r, &in);
    buf_free(&t);
    html_fmt(o, "<button type=\"submit\" class=\"button-danger\">%s</button></form></section>\n",
             T(L, MSG_DIR_DELETE_BUTTON));
}

/* A proposal's own fieldset: the membership of one of the proposer's
 * clusters that may go with it, and from when (which years of figures
 * count for the cluster). */
static void proposal_fields(req *r, const edit_view *v)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    fieldset_open(r, "fs-proposal", MSG_PROPOSAL_FS_MEMBER, MSG_PROPOSAL_FS_MEMBER_INTRO);
    const char *error = web_errs_get(v->errs, "cluster_id");
    field_open(r, "org-cluster_id", T(L, MSG_PROPOSAL_L_CLUSTER), NULL, error, false);
    html_raw(o, "<select id=\"org-cluster_id\" name=\"cluster_id\"");
    described_by(r, "org-cluster_id", false, error != NULL);
    html_fmt(o, "><option value=\"\">%s</option>", T(L, MSG_PROPOSAL_NO_CLUSTER));
    for (size_t i = 0; i < v->n_clusters; i++)
        html_fmt(o, "<option value=\"%D\"%R>%s</option>", (long long)v->clusters[i].id,
                 v->clusters[i].id == v->cluster_id ? " selected" : "",
                 web_org_text(r, v->clusters[i].name, NULL));
    html_raw(o, "</select></div>\n");
    web_input in = {.id = "org-joined_on",
                    .name = "joined_on",
                    .type = "date",
                    .label = T(L, MSG_PROPOSAL_L_JOINED),
                    .value = v->joined_on,
                    .hint = T(L, MSG_PROPOSAL_H_JOINED),
                    .error = web_errs_get(v->errs, "joined_on")};
    web_field(r, &in);
    fieldset_close(r);
}

/* Under a PIB or MB another entry holds: a link to that entry. */
static void existing_link(req *r, const org_rec *dup, const char *field)
{
    if (!dup)
        return;
    html_fmt(&r->out,
             "<p class=\"field-note\" id=\"org-%s-existing\">%s <a href=\"/orgs/%q\">%s</a></p>\n",
             field, T(r->lang, MSG_DIR_DUP_EXISTING), dup->slug, web_org_name(r, dup));
}

/* When the PIB or MB is refused as taken, the entry that holds it into
 * v->dup when the reader may see it (published, or theirs to edit), so
 * the page links to it instead of leaving them to search. */
static bool find_dups(req *r, const org_rec *o, const web_errs *e, edit_view *v)
{
    const char *const field[2] = {"pib", "mb"};
    const char *const value[2] = {o->pib, o->mb};
    for (int k = 0; k < 2; k++) {
        if (!value[k] || !web_errs_get(e, field[k]))
            continue;
        int64_t id = 0;
        db_status st = (k ? org_id_by_mb : org_id_by_pib)(r->db, value[k], &id);
        org_rec *dup = arena_zalloc(r->a, sizeof *dup);
        bool found = false;
        if (st == DB_OK && id && id != o->id)
            st = dup ? org_summary(r->db, r->a, id, dup, &found) : DB_NOMEM;
        if (st != DB_OK) {
            resp_fail(r, st, "org duplicate");
            return false;
        }
        bool visible = found && ((dup->status && strcmp(dup->status, "published") == 0) ||
                                 (r->user && r->user->secretariat >= SEC_EDITOR) ||
                                 web_org_can(r, RIGHT_ORG_EDIT, id));
        v->dup[k] = visible ? dup : NULL;
    }
    return true;
}

static void form_page(req *r, const edit_view *v, bool is_new, const char *orig_slug)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const org_rec *e = v->o;
    web_refs refs = {0};
    const char *shown = !is_new ? web_org_name(r, e) : NULL;
    const char *title = T(L, v->proposal ? MSG_PROPOSAL_NEW_TITLE : MSG_DIR_NEW_TITLE);
    if (!is_new) {
        buf t = BUF_INIT;
        buf_printf(&t, T(L, MSG_DIR_EDIT_TITLE), shown);
        title = buf_failed(&t) ? shown : arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        if (!title)
            title = shown;
    }
    page_meta m = {.title = title, .nav = "orgs"};
    layout_begin(r, &m);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a>"
             "</li>",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY));
    if (!is_new)
        html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a></li>", orig_slug, shown);
    html_fmt(o, "<li aria-current=\"page\">%s</li></ol></nav>\n", is_new ? title : T(L, MSG_EDIT));
    html_fmt(o, "<h1>%s</h1>\n", title);
    if (v->proposal)
        html_fmt(o, "<p class=\"lead\">%s</p>\n", T(L, MSG_PROPOSAL_INTRO));
    web_alert(r, v->notice);
    error_summary(r, v->errs);
    if (v->proposal)
        html_raw(o, "<form method=\"post\" action=\"/orgs/propose\" "
                    "enctype=\"multipart/form-data\" class=\"org-form\" novalidate>");
    else if (is_new)
        html_raw(o, "<form method=\"post\" action=\"/orgs\" enctype=\"multipart/form-data\" "
                    "class=\"org-form\" novalidate>");
    else
        html_fmt(o,
                 "<form method=\"post\" action=\"/orgs/%q\" enctype=\"multipart/form-data\" "
                 "class=\"org-form\" novalidate>",
                 orig_slug);
    layout_csrf_field(r);

    fieldset_open(r, "fs-names", MSG_DIR_FS_NAMES, 0);
    text_field(r, v, "name", "text", e->name, MSG_DIR_L_NAME, MSG_DIR_H_NAME, true, "organization");
    text_field(r, v, "name_en", "text", e->name_en, MSG_DIR_L_NAME_EN, 0, false, "off");
    text_field(r, v, "acronym", "text", e->acronym, MSG_DIR_L_ACRONYM, 0, false, "off");
    text_field(r, v, "slug", "text", e->slug, MSG_DIR_L_SLUG, MSG_DIR_H_SLUG, false, "off");
    fieldset_close(r);

    fieldset_open(r, "fs-class", MSG_DIR_FS_CLASS, 0);
    if (is_new || (r->user && r->user->secretariat >= SEC_EDITOR))
        select_field(r, &refs, v, "kind", WREF_KIND, e->kind, MSG_DIR_L_KIND, true);
    else
        kind_readonly(r, &refs, v, e->kind);
    text_field(r, v, "year_founded", "text", v->year_text, MSG_DIR_L_YEAR, MSG_DIR_H_YEAR, false,
               "off");
    checklist_field(r, &refs, v, "sectors", WREF_NACE, e->sectors, e->n_sectors, MSG_DIR_L_SECTORS,
                    MSG_DIR_H_SECTORS);
    checklist_field(r, &refs, v, "fos", WREF_FOS, e->fos, e->n_fos, MSG_DIR_L_FOS, MSG_DIR_H_FOS);
    checklist_field(r, &refs, v, "geo", WREF_GEO, e->geo, e->n_geo, MSG_DIR_L_GEO, MSG_DIR_H_GEO);
    fieldset_close(r);

    fieldset_open(r, "fs-contact", MSG_DIR_FS_CONTACT, MSG_DIR_FS_CONTACT_INTRO);
    text_field(r, v, "website", "url", e->website, MSG_DIR_L_WEBSITE, MSG_DIR_H_WEBSITE, false,
               "url");
    text_field(r, v, "email", "email", e->email, MSG_DIR_L_EMAIL, 0, false, "email");
    text_field(r, v, "phone", "text", e->phone, MSG_DIR_L_PHONE, 0, false, "tel");
    text_field(r, v, "address", "text", e->address, MSG_DIR_L_ADDRESS, 0, false, "address-line1");
    text_field(r, v, "municipality", "text", e->municipality, MSG_DIR_L_MUNICIPALITY, 0, false,
               "address-level2");
    select_field(r, &refs, v, "region", WREF_REGION, e->region, MSG_DIR_L_REGION, false);
    select_field(r, &refs, v, "district", WREF_DISTRICT, e->district, MSG_DIR_L_DISTRICT, false);
    text_field(r, v, "country", "text", e->country ? e->country : "RS", MSG_DIR_L_COUNTRY,
               MSG_DIR_H_COUNTRY, false, "country");
    fieldset_close(r);

    fieldset_open(r, "fs-ids", MSG_DIR_FS_IDS, 0);
    text_field(r, v, "pib", "text", e->pib, MSG_DIR_L_PIB, MSG_DIR_H_PIB, false, "off");
    existing_link(r, v->dup[0], "pib");
    text_field(r, v, "mb", "text", e->mb, MSG_DIR_L_MB, MSG_DIR_H_MB, false, "off");
    existing_link(r, v->dup[1], "mb");
    fieldset_close(r);

    fieldset_open(r, "fs-desc", MSG_DIR_FS_DESC, 0);
    textarea_field(r, v, "short_sr", e->short_sr, MSG_DIR_L_SHORT_SR, MSG_DIR_H_SHORT, 3, "sr");
    textarea_field(r, v, "short_en", e->short_en, MSG_DIR_L_SHORT_EN, MSG_DIR_H_SHORT, 3, "en");
    textarea_field(r, v, "description_sr", e->description_sr, MSG_DIR_L_DESC_SR, 0, 8, "sr");
    textarea_field(r, v, "description_en", e->description_en, MSG_DIR_L_DESC_EN, 0, 8, "en");
    fieldset_close(r);

    if (v->proposal) /* its own fieldset, opened and closed there */
        proposal_fields(r, v);
    else
        fieldset_open(r, "fs-publish", MSG_DIR_FS_PUBLISH, 0);
    if (!v->proposal)
        status_field(r, v);
    if (!v->proposal) {
        const char *error = web_errs_get(v->errs, "logo");
        const char *hint = T(L, MSG_DIR_H_LOGO);
        field_open(r, "org-logo", T(L, MSG_DIR_L_LOGO), hint, error, false);
        if (!is_new && e->has_logo)
            html_fmt(o,
                     "<p class=\"logo-current\"><img src=\"/orgs/%q/logo\" alt=\"%s\" "
                     "width=\"64\" height=\"64\"></p>",
                     orig_slug, T(L, MSG_DIR_LOGO_CURRENT));
        html_raw(o, "<input type=\"file\" id=\"org-logo\" name=\"logo\" "
                    "accept=\"image/png,image/jpeg,image/svg+xml\"");
        described_by(r, "org-logo", true, error != NULL);
        html_raw(o, "></div>\n");
        fieldset_close(r);
    }

    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button> ",
             T(L, v->proposal ? MSG_PROPOSAL_SUBMIT
                  : is_new    ? MSG_DIR_CREATE_BUTTON
                              : MSG_SAVE));
    if (is_new)
        html_fmt(o, "<a class=\"button button-quiet\" href=\"/orgs\">%s</a>", T(L, MSG_CANCEL));
    else
        html_fmt(o, "<a class=\"button button-quiet\" href=\"/orgs/%q\">%s</a>", orig_slug,
                 T(L, MSG_CANCEL));
    html_raw(o, "</div></form>\n");
    if (!is_new && web_org_can(r, RIGHT_ORG_DELETE, e->id))
        delete_box(r, v);
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "ref_list");
}

/* --- reading the form ---------------------------------------------------------- */

static const char *text_or_null(const form_value *v)
{
    return v->present && v->text && *v->text ? v->text : NULL;
}

/* Copies the form's values over o (which holds the stored entry, or
 * zeros for a new one). */
static void rec_from_form(const form_value *v, org_rec *o)
{
    o->name = text_or_null(&v[F_NAME]);
    o->name_en = text_or_null(&v[F_NAME_EN]);
    o->acronym = text_or_null(&v[F_ACRONYM]);
    o->slug = text_or_null(&v[F_SLUG]);
    o->kind = text_or_null(&v[F_KIND]);
    o->year_founded = v[F_YEAR].present ? v[F_YEAR].i : 0;
    o->website = text_or_null(&v[F_WEBSITE]);
    o->email = text_or_null(&v[F_EMAIL]);
    o->phone = text_or_null(&v[F_PHONE]);
    o->address = text_or_null(&v[F_ADDRESS]);
    o->municipality = text_or_null(&v[F_MUNICIPALITY]);
    o->region = text_or_null(&v[F_REGION]);
    o->district = text_or_null(&v[F_DISTRICT]);
    o->country = text_or_null(&v[F_COUNTRY]);
    o->pib = text_or_null(&v[F_PIB]);
    o->mb = text_or_null(&v[F_MB]);
    o->short_sr = text_or_null(&v[F_SHORT_SR]);
    o->short_en = text_or_null(&v[F_SHORT_EN]);
    o->description_sr = text_or_null(&v[F_DESC_SR]);
    o->description_en = text_or_null(&v[F_DESC_EN]);
    o->status = text_or_null(&v[F_STATUS]);
    if (!o->status)
        o->status = "draft";
    o->sectors = v[F_SECTORS].list;
    o->n_sectors = v[F_SECTORS].n_list;
    o->fos = v[F_FOS].list;
    o->n_fos = v[F_FOS].n_list;
    o->geo = v[F_GEO].list;
    o->n_geo = v[F_GEO].n_list;
}

/* Reads and checks the form into o and e. The slug, when left empty, is
 * made from the name. Returns false after writing a response itself (bad
 * body, database error). */
static bool read_form(req *r, org_rec *o, form_value *v, web_errs *e)
{
    form f;
    if (!req_body_form(r, &f))
        return false;
    form_errors fe = {0};
    memset(v, 0, F__COUNT * sizeof *v);
    form_validate(r->a, &f, rules, F__COUNT, v, &fe);
    const char *stored_kind = o->kind;
    rec_from_form(v, o);
    if (!o->kind && r->user && r->user->secretariat < SEC_EDITOR)
        o->kind = stored_kind; /* shown read-only to others, so not sent */
    if (!o->slug && o->name) {
        /* made from the name: a namesake's slug is not the user's mistake,
         * so the next free one (name-2, ...) is taken instead */
        buf s = BUF_INIT;
        org_slugify(&s, o->name);
        const char *base = !buf_failed(&s) && s.len ? arena_strdup(r->a, buf_str(&s)) : NULL;
        buf_free(&s);
        db_status st = base ? org_free_slug(r->db, r->a, base, o->id, &o->slug) : DB_OK;
        if (st != DB_OK) {
            resp_fail(r, st, "org_free_slug");
            return false;
        }
    }
    const form_error *ye = form_error_for(&fe, "year_founded");
    if (ye && ye->code == FE_NOT_INT) /* say "year", not "whole number" */
        web_errs_add(e, "year_founded", T(r->lang, MSG_DIR_ERR_YEAR));
    web_errs_from_form(r, &fe, e);
    /* "new" names the form for new entries: no entry may take it */
    if (o->slug && (strcmp(o->slug, "new") == 0 || strcmp(o->slug, "propose") == 0))
        web_errs_add(e, "slug", T(r->lang, MSG_FORM_ERR_TAKEN));
    form_errors me = {0};
    db_status st = org_validate(r->db, o, &me);
    if (st != DB_OK) {
        resp_fail(r, st, "org_validate");
        return false;
    }
    /* a slug left empty is made from the name: with no name either, the
     * name's own error says what to do */
    bool slug_typed = v[F_SLUG].present;
    for (size_t i = 0; i < me.n_items; i++) {
        const form_error *fe1 = &me.items[i];
        if (!slug_typed && !o->slug && strcmp(fe1->field, "slug") == 0 && fe1->code == FE_REQUIRED)
            continue;
        form_errors one = {.n_items = 1};
        one.items[0] = *fe1;
        web_errs_from_form(r, &one, e);
    }
    return true;
}

/* The refusal text for a logo that org_set_logo() did not take. For an
 * unsafe SVG, image_check() again on the same bytes names what to remove. */
static const char *logo_refusal(req *r, int why, const form_field *f)
{
    image_verdict v;
    if (why == MSG_LOGO_SVG_UNSAFE || why == MSG_LOGO_SVG_INVALID) {
        image_check(f->value, f->value_len, &v);
        static const msg_id by_what[] = {[IMAGE_WHAT_ELEMENT] = MSG_LOGO_SVG_ELEMENT,
                                         [IMAGE_WHAT_ATTRIBUTE] = MSG_LOGO_SVG_ATTRIBUTE,
                                         [IMAGE_WHAT_DOCTYPE] = MSG_LOGO_SVG_DOCTYPE,
                                         [IMAGE_WHAT_PI] = MSG_LOGO_SVG_PI,
                                         [IMAGE_WHAT_ROOT] = MSG_LOGO_SVG_ROOT};
        if (v.why == why && v.what != IMAGE_WHAT_NONE)
            return arena_printf(r->a, T(r->lang, by_what[v.what]), v.name);
    }
    if (why > 0 && why < MSG__COUNT)
        return T(r->lang, (msg_id)why);
    return T(r->lang, MSG_DIR_LOGO_REFUSED);
}

/* --- handlers ---------------------------------------------------------------------- */

/* True when the reader may propose entries (a cluster manager), with the
 * clusters they manage in v; false after writing 403 or 5xx. */
static bool may_propose(req *r, edit_view *v)
{
    bool yes = false;
    db_status st = r->user ? org_proposal_may(r->db, r->user->person_id, &yes) : DB_OK;
    if (st == DB_OK && yes)
        st = org_proposal_clusters(r->db, r->a, r->user->person_id, (org_rec **)&v->clusters,
                                   &v->n_clusters);
    if (st != DB_OK) {
        resp_fail(r, st, "org_proposal_may");
        return false;
    }
    if (!yes)
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
    v->proposal = yes;
    return yes;
}

void web_org_new_form(req *r)
{
    org_rec o = {.status = "draft", .country = "RS"};
    edit_view v = {.o = &o};
    /* the secretariat creates; a cluster manager proposes (org_proposal.h) */
    if (!web_org_can(r, RIGHT_ORG_CREATE, 0) && !may_propose(r, &v))
        return;
    if (v.proposal && v.n_clusters == 1) /* the one cluster they manage */
        v.cluster_id = v.clusters[0].id;
    form_page(r, &v, true, NULL);
}

void web_org_propose(req *r)
{
    lang_id L = r->lang;
    org_rec o = {0};
    edit_view view = {.o = &o};
    if (!may_propose(r, &view))
        return;
    form_value v[F__COUNT];
    web_errs e = {0};
    if (!read_form(r, &o, v, &e))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *cluster = form_get(&f, "cluster_id");
    view.joined_on = form_get(&f, "joined_on");
    view.year_text = v[F_YEAR].text;
    view.errs = &e;
    if (cluster && *cluster && (!str_to_i64(cluster, &view.cluster_id) || view.cluster_id <= 0))
        web_errs_add(&e, "cluster_id", T(L, MSG_FORM_ERR_INVALID));
    /* a date without a cluster would be dropped unseen: ask for the cluster */
    if (!str_empty(view.joined_on) && !view.cluster_id && !web_errs_get(&e, "cluster_id"))
        web_errs_add(&e, "joined_on", T(L, MSG_NEWUSER_JOINED_NO_CLUSTER));
    int64_t id = 0;
    form_errors fe = {0};
    db_status st = DB_CONSTRAINT;
    if (!e.n)
        st = org_propose(r->db, r->user, &o, view.cluster_id, view.joined_on, r->client_ip, &fe,
                         &id);
    if (st == DB_CONSTRAINT) {
        web_errs_from_form(r, &fe, &e);
        if (!e.n)
            web_errs_add(&e, "name", T(L, MSG_FORM_ERR_INVALID));
        if (!find_dups(r, &o, &e, &view))
            return;
        r->status = 422;
        form_page(r, &view, true, NULL);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "org_propose");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/orgs/%s", o.slug));
}

void web_org_create(req *r)
{
    lang_id L = r->lang;
    if (!web_org_can(r, RIGHT_ORG_CREATE, 0)) {
        resp_error(r, 403, T(L, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    org_rec o = {0};
    form_value v[F__COUNT];
    web_errs e = {0};
    if (!read_form(r, &o, v, &e))
        return;
    edit_view view = {.o = &o, .year_text = v[F_YEAR].text, .errs = &e};
    if (e.n) {
        if (!find_dups(r, &o, &e, &view))
            return;
        r->status = 422;
        form_page(r, &view, true, NULL);
        return;
    }
    form_errors fe = {0};
    int64_t id = 0;
    db_status st = org_create(r->db, &o, r->user->person_id, r->client_ip, &fe, &id);
    if (st == DB_CONSTRAINT) {
        web_errs_from_form(r, &fe, &e);
        if (!e.n)
            web_errs_add(&e, "name", T(L, MSG_FORM_ERR_INVALID));
        r->status = 422;
        form_page(r, &view, true, NULL);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "org_create");
        return;
    }
    if (v[F_LOGO].file) {
        int why = 0;
        st = org_set_logo(r->db, id, v[F_LOGO].file->value, v[F_LOGO].file->value_len,
                          r->user->person_id, r->client_ip, &why);
        if (st == DB_CONSTRAINT) {
            /* the entry is saved; say so and ask for another logo */
            web_errs_add(&e, "logo", logo_refusal(r, why, v[F_LOGO].file));
            o.id = id;
            view.notice = T(L, MSG_DIR_SAVED_LOGO_REFUSED);
            r->status = 422;
            form_page(r, &view, false, o.slug);
            return;
        }
        if (st != DB_OK) {
            resp_fail(r, st, "org_set_logo");
            return;
        }
    }
    web_notice_next(r, NOTICE_CREATED, 0);
    resp_redirect(r, arena_printf(r->a, "/orgs/%s", o.slug));
}

/* Loads the entry for an edit action and checks RIGHT_ORG_EDIT (or right);
 * writes 404/403 itself. */
static bool load_for(req *r, org_rec *o, right need)
{
    if (!web_org_load(r, o))
        return false;
    if (!web_org_can(r, need, o->id)) {
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
        return false;
    }
    return true;
}

void web_org_edit_form(req *r)
{
    org_rec o;
    if (!load_for(r, &o, RIGHT_ORG_EDIT))
        return;
    const char *year = o.year_founded > 0 ? arena_printf(r->a, "%d", (int)o.year_founded) : NULL;
    edit_view v = {.o = &o, .year_text = year};
    form_page(r, &v, false, o.slug);
}

void web_org_update(req *r)
{
    lang_id L = r->lang;
    org_rec stored;
    if (!load_for(r, &stored, RIGHT_ORG_EDIT))
        return;
    org_rec o = stored; /* keeps id, is_demo, has_logo and the read-only fields */
    form_value v[F__COUNT];
    web_errs e = {0};
    if (!read_form(r, &o, v, &e))
        return;
    edit_view view = {.o = &o, .year_text = v[F_YEAR].text, .errs = &e};
    if (e.n) {
        if (!find_dups(r, &o, &e, &view))
            return;
        r->status = 422;
        form_page(r, &view, false, stored.slug);
        return;
    }
    if (v[F_LOGO].file) {
        /* the logo first: when it is refused nothing at all is saved */
        int why = 0;
        db_status st = org_set_logo(r->db, o.id, v[F_LOGO].file->value, v[F_LOGO].file->value_len,
                                    r->user->person_id, r->client_ip, &why);
        if (st == DB_CONSTRAINT) {
            web_errs_add(&e, "logo", logo_refusal(r, why, v[F_LOGO].file));
            r->status = 422;
            form_page(r, &view, false, stored.slug);
            return;
        }
        if (st != DB_OK) {
            resp_fail(r, st, "org_set_logo");
            return;
        }
        o.has_logo = true;
    }
    form_errors fe = {0};
    bool classify = r->user->secretariat >= SEC_EDITOR; /* the kind is the secretariat's */
    db_status st = org_update_as(r->db, &o, classify, r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        if (!classify)
            o.kind = stored.kind; /* the read-only field shows what is stored */
        web_errs_from_form(r, &fe, &e);
        if (!e.n)
            web_errs_add(&e, "name", T(L, MSG_FORM_ERR_INVALID));
        r->status = 422;
        form_page(r, &view, false, stored.slug);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "org_update");
        return;
    }
    web_notice_next(r, NOTICE_SAVED, 0);
    resp_redirect(r, arena_printf(r->a, "/orgs/%s", o.slug));
}

static void set_status(req *r, const char *status)
{
    org_rec o;
    if (!load_for(r, &o, RIGHT_ORG_EDIT))
        return;
    db_status st = org_set_status(r->db, o.id, status, r->user->person_id, r->client_ip);
    if (st == DB_CONSTRAINT) { /* a proposed entry: public only by acceptance */
        resp_error(r, 409, T(r->lang, MSG_PROPOSAL_ERR_STATUS));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "org_set_status");
        return;
    }
    web_notice_next(r, strcmp(status, "archived") == 0 ? NOTICE_ARCHIVED : NOTICE_PUBLISHED, 0);
    resp_redirect(r, arena_printf(r->a, "/orgs/%s", o.slug));
}

void web_org_archive(req *r)
{
    set_status(r, "archived");
}

void web_org_publish(req *r)
{
    set_status(r, "published");
}

void web_org_delete(req *r)
{
    lang_id L = r->lang;
    org_rec o;
    if (!load_for(r, &o, RIGHT_ORG_DELETE))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *confirm = form_get(&f, "confirm");
    const char *problem = NULL;
    if (!confirm || strcmp(confirm, o.slug) != 0) {
        problem = T(L, MSG_DIR_DELETE_MISMATCH);
    } else {
        db_status st = org_delete(r->db, o.id, r->user->person_id, r->client_ip);
        if (st == DB_CONSTRAINT)
            problem = T(L, MSG_DIR_DELETE_IN_USE);
        else if (st != DB_OK) {
            resp_fail(r, st, "org_delete");
            return;
        } else {
            resp_redirect(r, "/orgs");
            return;
        }
    }
    const char *year = o.year_founded > 0 ? arena_printf(r->a, "%d", (int)o.year_founded) : NULL;
    edit_view v = {.o = &o, .year_text = year, .confirm_error = problem};
    r->status = 422;
    form_page(r, &v, false, o.slug);
}
