/* web_position_form.c: a position's forms (issue 16): a new position, the
 * draft edited in place, and a new version published for comment.
 *
 *   GET  /positions/new              the form for a new position
 *   POST /positions                  create a draft
 *   GET  /positions/{id}/edit        edit the draft, or (?as=version) a new version
 *   POST /positions/{id}             save the draft in place
 *   POST /positions/{id}/versions    publish a new version
 *
 * The page, the list and the other writes are in web_position.c; the
 * helpers both use are in web_position_internal.h. */
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/org.h"
#include "model/position.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_org.h"
#include "web/web_position_internal.h"

/* --- the form (new, edit, new version) ------------------------------------------------- */

typedef struct form_view {
    const char *mode; /* "new", "edit", "version" */
    const position_rec *p;
    const form *typed;
    const web_errs *errs;
    const char **tags; /* the stored ones (edit, version) */
    size_t n_tags;
    position_speaker *addr;
    size_t n_addr;
} form_view;

static const char *fv_value(const form_view *v, const char *name, const char *stored)
{
    if (v->typed) {
        const char *s = form_get(v->typed, name);
        return s ? s : "";
    }
    return stored;
}

static bool fv_has(const form_view *v, const char *name, const char *value, const char **stored,
                   size_t n_stored)
{
    if (v->typed) {
        for (size_t i = 0; i < v->typed->n_fields; i++)
            if (strcmp(v->typed->fields[i].name, name) == 0 &&
                strcmp(v->typed->fields[i].value, value) == 0)
                return true;
        return false;
    }
    for (size_t i = 0; i < n_stored; i++)
        if (strcmp(stored[i], value) == 0)
            return true;
    return false;
}

static void render_form(req *r, const form_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const position_rec *p = v->p;
    position_speaker *owners = NULL, *inst = NULL;
    size_t n_owners = 0, n_inst = 0;
    db_status st = position_institutions(r->db, r->a, &inst, &n_inst);
    if (st == DB_OK && !p)
        st = position_owners(r->db, r->a, r->user, &owners, &n_owners);
    if (st != DB_OK) {
        resp_fail(r, st, "position_form");
        return;
    }
    bool version = strcmp(v->mode, "version") == 0;
    const char *title = !p        ? T(L, MSG_POS_NEW)
                        : version ? T(L, MSG_POS_NEW_VERSION)
                                  : T(L, MSG_POS_EDIT);
    page_meta pm = {.title = title, .nav = "positions"};
    layout_begin(r, &pm);
    html_fmt(o, "<nav class=\"crumbs\" aria-label=\"%s\"><a href=\"/positions\">%s</a>",
             T(L, MSG_POS_CRUMBS), T(L, MSG_POS_TITLE));
    if (p)
        html_fmt(o, " › <a href=\"/positions/%D\">%s</a>", (long long)p->id, wpos_title(r, p));
    html_fmt(o, "</nav><h1>%s</h1>", title);
    web_error_summary(r, v->errs);
    const char *action = !p ? "/positions"
                         : version
                             ? arena_printf(r->a, "/positions/%lld/versions", (long long)p->id)
                             : arena_printf(r->a, "/positions/%lld", (long long)p->id);
    html_fmt(o, "<form class=\"form pos-form\" method=\"post\" action=\"%s\" novalidate>", action);
    layout_csrf_field(r);
    if (!p) {
        const char *val = fv_value(v, "owner", NULL);
        const char *err = web_errs_get(v->errs, "owner");
        web_field_open(r, "pos-owner", T(L, MSG_POS_L_OWNER), NULL, err);
        html_raw(o, "<select id=\"pos-owner\" name=\"owner\"");
        web_described_by(r, "pos-owner", false, err);
        html_raw(o, ">");
        for (size_t i = 0; i < n_owners; i++)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", owners[i].slug,
                     val && strcmp(val, owners[i].slug) == 0 ? " selected" : "",
                     web_org_text(r, owners[i].name, owners[i].name_en));
        html_raw(o, "</select></div>");
    }
    {
        const char *val = fv_value(v, "kind", p ? p->kind : "proposal");
        const char *err = web_errs_get(v->errs, "kind");
        web_field_open(r, "pos-kind", T(L, MSG_POS_L_KIND), NULL, err);
        html_raw(o, "<select id=\"pos-kind\" name=\"kind\"");
        web_described_by(r, "pos-kind", false, err);
        html_raw(o, ">");
        for (int i = 0; position_kinds[i]; i++)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", position_kinds[i],
                     val && strcmp(val, position_kinds[i]) == 0 ? " selected" : "",
                     T(L, wpos_kind_msg[i]));
        html_raw(o, "</select></div>");
    }
    web_field(r, &(web_input){.id = "pos-title-sr",
                              .name = "title_sr",
                              .type = "text",
                              .label = T(L, MSG_POS_L_TITLE_SR),
                              .value = fv_value(v, "title_sr", p ? p->title_sr : NULL),
                              .error = web_errs_get(v->errs, "title_sr"),
                              .required = true,
                              .maxlength = POS_TITLE_MAX});
    wc_textarea(r, "pos-body-sr", "body_sr", T(L, MSG_POS_L_BODY_SR), T(L, MSG_POS_H_BODY),
                fv_value(v, "body_sr", p ? p->body_sr : NULL), web_errs_get(v->errs, "body_sr"),
                14);
    web_field(r, &(web_input){.id = "pos-title-en",
                              .name = "title_en",
                              .type = "text",
                              .label = T(L, MSG_POS_L_TITLE_EN),
                              .value = fv_value(v, "title_en", p ? p->title_en : NULL),
                              .error = web_errs_get(v->errs, "title_en"),
                              .maxlength = POS_TITLE_MAX});
    wc_textarea(r, "pos-body-en", "body_en", T(L, MSG_POS_L_BODY_EN), NULL,
                fv_value(v, "body_en", p ? p->body_en : NULL), web_errs_get(v->errs, "body_en"), 8);
    if (p)
        wc_textarea(r, "pos-note", "note", T(L, MSG_POS_L_NOTE), T(L, MSG_POS_H_NOTE),
                    fv_value(v, "note", version ? NULL : p->note), web_errs_get(v->errs, "note"),
                    2);
    /* tags: policy areas as checkboxes, NACE divisions as text */
    const char *tag_err = web_errs_get(v->errs, "tags");
    html_fmt(o, "<fieldset class=\"field%R\"><legend>%s</legend>", tag_err ? " field-invalid" : "",
             T(L, MSG_POS_L_AREAS));
    if (tag_err)
        html_fmt(o, "<p class=\"field-error\" id=\"pos-tags-error\">%s</p>", tag_err);
    for (int i = 0; position_areas[i]; i++) {
        const char *t = arena_printf(r->a, "area:%s", position_areas[i]);
        html_fmt(o,
                 "<label class=\"check\"><input type=\"checkbox\" name=\"tags\" value=\"%s\"%R> "
                 "%s</label>",
                 t, fv_has(v, "tags", t, v->tags, v->n_tags) ? " checked" : "",
                 T(L, wpos_area_msg[i]));
    }
    html_raw(o, "</fieldset>");
    {
        buf nace = BUF_INIT;
        if (v->typed) {
            const char *s = form_get(v->typed, "nace");
            buf_puts(&nace, s ? s : "");
        } else {
            for (size_t i = 0; i < v->n_tags; i++)
                if (strncmp(v->tags[i], "nace:", 5) == 0)
                    buf_printf(&nace, "%s%s", nace.len ? " " : "", v->tags[i] + 5);
        }
        web_field(r, &(web_input){.id = "pos-nace",
                                  .name = "nace",
                                  .type = "text",
                                  .label = T(L, MSG_POS_L_NACE),
                                  .hint = T(L, MSG_POS_H_NACE),
                                  .value = arena_strdup(r->a, buf_str(&nace)),
                                  .error = web_errs_get(v->errs, "nace"),
                                  .maxlength = 200});
        buf_free(&nace);
    }
    const char *addr_err = web_errs_get(v->errs, "addressees");
    html_fmt(o, "<fieldset class=\"field%R\"><legend>%s</legend>", addr_err ? " field-invalid" : "",
             T(L, MSG_POS_L_ADDRESSEES));
    if (addr_err)
        html_fmt(o, "<p class=\"field-error\">%s</p>", addr_err);
    if (n_inst == 0)
        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_POS_NO_INSTITUTIONS));
    const char **stored_addr = arena_alloc(r->a, (v->n_addr + 1) * sizeof *stored_addr);
    for (size_t i = 0; stored_addr && i < v->n_addr; i++)
        stored_addr[i] = v->addr[i].slug;
    for (size_t i = 0; i < n_inst; i++)
        html_fmt(o,
                 "<label class=\"check\"><input type=\"checkbox\" name=\"addressees\" "
                 "value=\"%s\"%R> %s</label>",
                 inst[i].slug,
                 fv_has(v, "addressees", inst[i].slug, stored_addr, stored_addr ? v->n_addr : 0)
                     ? " checked"
                     : "",
                 web_org_text(r, inst[i].name, inst[i].name_en));
    html_raw(o, "</fieldset>");
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button>",
             !p        ? T(L, MSG_POS_CREATE)
             : version ? T(L, MSG_POS_PUBLISH_VERSION)
                       : T(L, MSG_POS_SAVE));
    if (p)
        html_fmt(o, " <a href=\"/positions/%D\">%s</a>", (long long)p->id, T(L, MSG_POS_CANCEL));
    html_raw(o, "</div></form>");
    layout_end(r);
}

/* The position_input of a posted form: tags from the area boxes and the
 * NACE field (divisions separated by spaces or commas), addressees. */
static void read_input(req *r, const form *f, position_input *in)
{
    memset(in, 0, sizeof *in);
    in->kind = form_get(f, "kind");
    in->owner = form_get(f, "owner");
    in->title_sr = form_get(f, "title_sr");
    in->title_en = form_get(f, "title_en");
    in->body_sr = form_get(f, "body_sr");
    in->body_en = form_get(f, "body_en");
    in->note = form_get(f, "note");
    size_t cap = f->n_fields + 64;
    const char **tags = arena_alloc(r->a, cap * sizeof *tags);
    const char **addr = arena_alloc(r->a, cap * sizeof *addr);
    if (!tags || !addr)
        return;
    size_t nt = 0, na = 0;
    for (size_t i = 0; i < f->n_fields; i++) {
        if (strcmp(f->fields[i].name, "tags") == 0 && nt < cap)
            tags[nt++] = f->fields[i].value;
        else if (strcmp(f->fields[i].name, "addressees") == 0 && na < cap)
            addr[na++] = f->fields[i].value;
    }
    const char *nace = form_get(f, "nace");
    if (nace) {
        char *copy = arena_strdup(r->a, nace), *save = NULL;
        for (char *t = copy ? strtok_r(copy, " ,;", &save) : NULL; t && nt < cap;
             t = strtok_r(NULL, " ,;", &save))
            tags[nt++] = arena_printf(r->a, "nace:%s", t);
    }
    in->tags = tags;
    in->n_tags = nt;
    in->addressees = addr;
    in->n_addressees = na;
}

/* The words for the model's refusals: the catalog's via form_error_text;
 * an unknown NACE tag is the NACE field's. */
static void word_errors(req *r, const form_errors *fe, web_errs *e)
{
    for (size_t i = 0; i < fe->n_items; i++)
        if (strcmp(fe->items[i].field, "tags") == 0 && fe->items[i].code == FE_UNKNOWN_CODE)
            web_errs_add(e, "nace", T(r->lang, MSG_POS_E_NACE));
    web_errs_from_form(r, fe, e);
}

void web_position_new_form(req *r)
{
    position_speaker *owners = NULL;
    size_t n = 0;
    db_status st = position_owners(r->db, r->a, r->user, &owners, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "position_owners");
        return;
    }
    if (n == 0) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN_WRITE));
        return;
    }
    render_form(r, &(form_view){.mode = "new"});
}

void web_position_create(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    position_input in;
    read_input(r, &f, &in);
    int64_t owner = 0;
    db_status st = position_owner_id(r->db, in.owner, &owner);
    if (st != DB_OK) {
        resp_fail(r, st, "position_owner_id");
        return;
    }
    if (owner && !rights_can(r->db, r->user, RIGHT_POSITION_WRITE, owner)) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN_WRITE));
        return;
    }
    form_errors fe = {0};
    int64_t id = 0;
    st = position_create(r->db, &in, false, r->user->person_id, r->client_ip, &id, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/positions/%lld?saved=1", (long long)id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "position_create");
        return;
    }
    web_errs e = {0};
    word_errors(r, &fe, &e);
    r->status = 422;
    render_form(r, &(form_view){.mode = "new", .typed = &f, .errs = &e});
}

/* Loads {id} for a write by its owner's writers (writes 404/403). */
bool wpos_load_for_write(req *r, position_rec *p)
{
    if (!wpos_load(r, p))
        return false;
    if (!wpos_may_write(r, p)) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN_WRITE));
        return false;
    }
    return true;
}

static void edit_view(req *r, const position_rec *p, const char *mode, const form *f,
                      const web_errs *e)
{
    form_view v = {.mode = mode, .p = p, .typed = f, .errs = e};
    db_status st = position_tags(r->db, r->a, p->id, &v.tags, &v.n_tags);
    if (st == DB_OK)
        st = position_addressees(r->db, r->a, p->id, &v.addr, &v.n_addr);
    if (st != DB_OK) {
        resp_fail(r, st, "position_tags");
        return;
    }
    render_form(r, &v);
}

void web_position_edit_form(req *r)
{
    position_rec p;
    if (!wpos_load_for_write(r, &p))
        return;
    const char *as = req_query(r, "as");
    edit_view(r, &p, as && strcmp(as, "version") == 0 ? "version" : "edit", NULL, NULL);
}

static void write_post(req *r, bool version)
{
    position_rec p;
    form f;
    if (!wpos_load_for_write(r, &p) || !req_body_form(r, &f))
        return;
    position_input in;
    read_input(r, &f, &in);
    form_errors fe = {0};
    db_status st =
        version ? position_new_version(r->db, p.id, &in, r->user->person_id, r->client_ip, &fe)
                : position_edit(r->db, p.id, &in, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/positions/%lld?saved=1", (long long)p.id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, version ? "position_new_version" : "position_edit");
        return;
    }
    web_errs e = {0};
    word_errors(r, &fe, &e);
    r->status = 422;
    edit_view(r, &p, version ? "version" : "edit", &f, &e);
}

void web_position_update(req *r)
{
    write_post(r, false);
}

void web_position_version(req *r)
{
    write_post(r, true);
}
