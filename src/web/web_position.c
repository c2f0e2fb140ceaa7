/* web_position.c: advocacy positions (issue 16): the list, a position's
 * page (text by paragraph with its comments, versions and their word-level
 * difference, signatures with their weight, the steps) and its forms.
 *
 *   GET  /positions                  the list: ?stage, ?tag, ?owner, ?page
 *   GET  /positions/new              the form for a new position
 *   POST /positions                  create a draft
 *   GET  /positions/{id}             the page: ?from=&to= (versions to compare)
 *   GET  /positions/{id}/edit        edit the draft, or (?as=version) a new version
 *   POST /positions/{id}             save the draft in place
 *   POST /positions/{id}/versions    publish a new version
 *   POST /positions/{id}/stage       move to another stage
 *   POST /positions/{id}/comments    comment on a paragraph, or reply
 *   POST /positions/{id}/sign        sign on behalf of an organisation
 *   POST /positions/{id}/withdraw    withdraw that signature
 *
 * Who sees what: submitted, answered and closed positions are public;
 * consultation and signing are for RIGHT_POSITION_TAKE_PART (the
 * secretariat and SCAN clusters' people) and the owner's writers; a draft
 * only for its owner's writers (RIGHT_POSITION_WRITE) and the secretariat.
 * Others get 404 (the public) or 403. The page prints as an A4 letter
 * (assets/css: @media print): logo, date, addressees, text, signatories
 * with their weight; the forms and comments are not printed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/diff.h"
#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "html/markdown.h"
#include "http/assets.h"
#include "json/json.h"
#include "model/org.h"
#include "model/position.h"
#include "model/submission.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_advocacy.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* --- labels ----------------------------------------------------------------------- */

static const msg_id stage_msg[POS_N_STAGES] = {MSG_POS_STAGE_DRAFT,    MSG_POS_STAGE_CONSULTATION,
                                               MSG_POS_STAGE_SIGNING,  MSG_POS_STAGE_SUBMITTED,
                                               MSG_POS_STAGE_ANSWERED, MSG_POS_STAGE_CLOSED};
static const msg_id kind_msg[] = {MSG_POS_KIND_PROPOSAL, MSG_POS_KIND_LAW_COMMENT,
                                  MSG_POS_KIND_CONSULTATION, MSG_POS_KIND_STATEMENT};
static const msg_id area_msg[] = {
    MSG_POS_AREA_TAXES,       MSG_POS_AREA_SKILLS,     MSG_POS_AREA_INNOVATION, MSG_POS_AREA_EXPORT,
    MSG_POS_AREA_PROCUREMENT, MSG_POS_AREA_REGULATION, MSG_POS_AREA_EU};

static const char *stage_label(lang_id L, const char *s)
{
    pos_stage st = position_stage_of(s);
    return st < POS_N_STAGES ? T(L, stage_msg[st]) : s;
}

static const char *kind_label(lang_id L, const char *k)
{
    for (int i = 0; position_kinds[i]; i++)
        if (strcmp(k, position_kinds[i]) == 0)
            return T(L, kind_msg[i]);
    return k;
}

/* A tag in words: a policy area's label, or "NACE 62". */
static const char *tag_label(req *r, const char *tag)
{
    if (strncmp(tag, "area:", 5) == 0)
        for (int i = 0; position_areas[i]; i++)
            if (strcmp(tag + 5, position_areas[i]) == 0)
                return T(r->lang, area_msg[i]);
    if (strncmp(tag, "nace:", 5) == 0)
        return arena_printf(r->a, "NACE %s", tag + 5);
    return tag;
}

static const char *pos_title(req *r, const position_rec *p)
{
    return web_org_text(r, p->title_sr, p->title_en);
}

static void markdown(req *r, const char *text, size_t n)
{
    md_html(&r->out, text, n, 3, r->lang == LANG_SR_LATN ? MD_LATIN : 0);
}

/* --- who sees what ------------------------------------------------------------------ */

static bool may_write(req *r, const position_rec *p)
{
    return r->user && rights_can(r->db, r->user, RIGHT_POSITION_WRITE, p->owner_id);
}

static bool take_part(req *r)
{
    return r->user && rights_can(r->db, r->user, RIGHT_POSITION_TAKE_PART, 0);
}

static bool may_see(req *r, const position_rec *p)
{
    pos_stage s = position_stage_of(p->stage);
    if (position_stage_public(s))
        return true;
    if (may_write(r, p))
        return true;
    return s != POS_DRAFT && take_part(r);
}

static bool param_id(req *r, int64_t *id)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        resp_error(r, 404, T(r->lang, MSG_POS_NOT_FOUND));
        return false;
    }
    *id = v;
    return true;
}

/* Loads {id} and checks that the reader may see it (writes 404/403). */
static bool load(req *r, position_rec *p)
{
    int64_t id;
    if (!param_id(r, &id))
        return false;
    bool found = false;
    db_status st = position_get(r->db, r->a, id, p, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "position_get");
        return false;
    }
    if (!found || (!r->user && !may_see(r, p))) {
        resp_error(r, 404, T(r->lang, MSG_POS_NOT_FOUND));
        return false;
    }
    if (!may_see(r, p)) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN));
        return false;
    }
    return true;
}

/* --- the list ---------------------------------------------------------------------- */

static void stage_badge(req *r, const char *stage)
{
    html_fmt(&r->out, "<span class=\"badge pos-stage pos-stage-%s\">%s</span>", stage,
             stage_label(r->lang, stage));
}

static void render_list(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    position_filter f = {0};
    const char *stage = req_query(r, "stage"), *tag = req_query(r, "tag");
    const char *owner = req_query(r, "owner"), *page = req_query(r, "page");
    if (stage && position_stage_of(stage) < POS_N_STAGES)
        f.stage = stage;
    if (tag && *tag)
        f.tag = tag;
    if (owner && *owner) {
        db_status st = position_owner_id(r->db, owner, &f.owner_id);
        if (st != DB_OK) {
            resp_fail(r, st, "position_owner_id");
            return;
        }
        if (!f.owner_id)
            f.owner_id = -1; /* an unknown owner has no positions */
    }
    f.page = page ? atoi(page) : 0;
    if (f.page < 0 || f.page > 100000)
        f.page = 0;
    if (r->user) {
        f.person_id = r->user->person_id;
        f.see = r->user->secretariat != SEC_NONE ? 2 : take_part(r) ? 1 : 0;
    }
    position_rec *p = NULL;
    size_t n = 0;
    int64_t total = 0;
    position_speaker *owners = NULL;
    size_t n_owners = 0;
    db_status st = position_list(r->db, r->a, &f, &p, &n, &total);
    if (st == DB_OK && r->user)
        st = position_owners(r->db, r->a, r->user, &owners, &n_owners);
    if (st != DB_OK) {
        resp_fail(r, st, "position_list");
        return;
    }
    page_meta pm = {.title = T(L, MSG_POS_TITLE),
                    .description = T(L, MSG_POS_LEAD),
                    .nav = "positions",
                    .head_raw = "<link rel=\"alternate\" type=\"application/atom+xml\" "
                                "href=\"/positions.atom\">"};
    layout_begin(r, &pm);
    html_fmt(o, "<div class=\"page-head\"><h1>%s</h1><p class=\"lead\">%s</p>", T(L, MSG_POS_TITLE),
             T(L, MSG_POS_LEAD));
    /* the neighbours: the consultations the positions answer, the feed */
    html_fmt(o,
             "<p class=\"pos-links\"><a href=\"/consultations\">%s</a> · <a "
             "href=\"/positions.atom\" type=\"application/atom+xml\">%s</a></p>",
             T(L, MSG_POS_LINK_CONSULTATIONS), T(L, MSG_POS_LINK_ATOM));
    if (n_owners)
        html_fmt(o, "<p><a class=\"button\" href=\"/positions/new\">%s</a></p>", T(L, MSG_POS_NEW));
    html_raw(o, "</div>");
    if (!r->user)
        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_POS_PUBLIC_NOTE));
    /* filters: a plain GET form */
    html_fmt(o,
             "<form class=\"filters pos-filters\" method=\"get\" action=\"/positions\">"
             "<div class=\"field\"><label for=\"pf-stage\">%s</label><select id=\"pf-stage\" "
             "name=\"stage\"><option value=\"\">%s</option>",
             T(L, MSG_POS_L_STAGE), T(L, MSG_POS_ANY));
    for (int i = 0; i < POS_N_STAGES; i++) {
        if (f.see == 0 && !position_stage_public((pos_stage)i) && !r->user)
            continue;
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", position_stages[i],
                 f.stage && strcmp(f.stage, position_stages[i]) == 0 ? " selected" : "",
                 T(L, stage_msg[i]));
    }
    html_fmt(o,
             "</select></div><div class=\"field\"><label for=\"pf-tag\">%s</label><select "
             "id=\"pf-tag\" name=\"tag\"><option value=\"\">%s</option>",
             T(L, MSG_POS_L_AREA), T(L, MSG_POS_ANY));
    for (int i = 0; position_areas[i]; i++) {
        const char *t = arena_printf(r->a, "area:%s", position_areas[i]);
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", t,
                 f.tag && strcmp(f.tag, t) == 0 ? " selected" : "", T(L, area_msg[i]));
    }
    html_fmt(o,
             "</select></div>%R<div class=\"form-actions\"><button type=\"submit\" "
             "class=\"button-secondary\">%s</button></div></form>",
             f.tag && strncmp(f.tag, "nace:", 5) == 0
                 ? arena_printf(r->a, "<input type=\"hidden\" name=\"tag\" value=\"%s\">", f.tag)
                 : "",
             T(L, MSG_POS_FILTER));
    if (owner && *owner)
        html_fmt(o, "<input type=\"hidden\" name=\"owner\" value=\"%s\">", owner);
    html_fmt(o, "<p class=\"muted\" role=\"status\">%s</p>",
             arena_printf(r->a, T(L, MSG_POS_COUNT), (long long)total));
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_POS_NONE));
    else
        html_raw(o, "<ul class=\"pos-list\">");
    for (size_t i = 0; i < n; i++) {
        html_fmt(o, "<li class=\"pos-item\"><h2><a href=\"/positions/%D\">%s</a></h2><p>",
                 (long long)p[i].id, pos_title(r, &p[i]));
        stage_badge(r, p[i].stage);
        html_fmt(o, " %s · <a href=\"/orgs/%q\">%s</a> · ", kind_label(L, p[i].kind),
                 p[i].owner_slug, web_org_text(r, p[i].owner_name, p[i].owner_name_en));
        web_datetime(r, p[i].stage_at, MSG_POS_ANY);
        if (p[i].n_signatures)
            html_fmt(o, " · %s",
                     arena_printf(r->a, T(L, MSG_POS_N_SIGNATURES), (long long)p[i].n_signatures));
        if (p[i].is_demo)
            html_fmt(o, " · <span class=\"demo-note\">%s</span>", T(L, MSG_POS_DEMO_SHORT));
        html_raw(o, "</p></li>");
    }
    if (n)
        html_raw(o, "</ul>");
    /* pages */
    int64_t pages = (total + POS_PAGE - 1) / POS_PAGE;
    if (pages > 1) {
        html_fmt(o, "<nav class=\"pager\" aria-label=\"%s\">", T(L, MSG_POS_PAGES));
        buf q = BUF_INIT;
        if (f.stage)
            buf_printf(&q, "&stage=%s", f.stage);
        if (f.tag) {
            buf_puts(&q, "&tag=");
            html_urlencode(&q, f.tag);
        }
        if (f.page > 0)
            html_fmt(o, "<a rel=\"prev\" href=\"/positions?page=%d%s\">%s</a> ", f.page - 1,
                     buf_str(&q), T(L, MSG_POS_PREV));
        html_fmt(o, "<span>%s</span>",
                 arena_printf(r->a, T(L, MSG_POS_PAGE_OF), f.page + 1, (int)pages));
        if (f.page + 1 < pages)
            html_fmt(o, " <a rel=\"next\" href=\"/positions?page=%d%s\">%s</a>", f.page + 1,
                     buf_str(&q), T(L, MSG_POS_NEXT));
        buf_free(&q);
        html_raw(o, "</nav>");
    }
    layout_end(r);
}

void web_position_list(req *r)
{
    if (r->user) {
        render_list(r);
        return;
    }
    int64_t version = 0;
    bool ok;
    const char *key = wf_cache_key(r, "positions", &version, &ok);
    if (!ok)
        return;
    if (web_cache_serve(r, key, version))
        return;
    render_list(r);
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

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
        html_fmt(o, " › <a href=\"/positions/%D\">%s</a>", (long long)p->id, pos_title(r, p));
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
                     T(L, kind_msg[i]));
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
                 t, fv_has(v, "tags", t, v->tags, v->n_tags) ? " checked" : "", T(L, area_msg[i]));
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
static bool load_for_write(req *r, position_rec *p)
{
    if (!load(r, p))
        return false;
    if (!may_write(r, p)) {
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
    if (!load_for_write(r, &p))
        return;
    const char *as = req_query(r, "as");
    edit_view(r, &p, as && strcmp(as, "version") == 0 ? "version" : "edit", NULL, NULL);
}

static void write_post(req *r, bool version)
{
    position_rec p;
    form f;
    if (!load_for_write(r, &p) || !req_body_form(r, &f))
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

/* --- the page ----------------------------------------------------------------------- */

typedef struct page_view {
    const form *typed;    /* the failed form, or NULL */
    const web_errs *errs; /* its errors */
    const char *part;     /* which form failed: "stage", "comment", "sign" */
    int64_t paragraph;    /* the comment's paragraph (part "comment") */
    const char *top;      /* a refusal said above the page too, or NULL */
} page_view;

/* The versions a reader compares: ?from and ?to (defaults: the one
 * before the current, and the current). */
static void render_diff(req *r, const position_rec *p, const position_version *v, size_t n)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (n < 2)
        return;
    const char *qf = req_query(r, "from"), *qt = req_query(r, "to");
    int64_t from = qf ? atoll(qf) : p->version - 1, to = qt ? atoll(qt) : p->version;
    const position_version *a = NULL, *b = NULL;
    for (size_t i = 0; i < n; i++) {
        if (v[i].version == from)
            a = &v[i];
        if (v[i].version == to)
            b = &v[i];
    }
    html_fmt(
        o,
        "<section class=\"panel pos-diff no-print\" id=\"diff\" aria-labelledby=\"pos-diff-h\">"
        "<h2 id=\"pos-diff-h\">%s</h2>"
        "<form method=\"get\" action=\"/positions/%D#diff\" class=\"filters\">",
        T(L, MSG_POS_DIFF), (long long)p->id);
    const char *names[2] = {"from", "to"};
    const msg_id labels[2] = {MSG_POS_DIFF_FROM, MSG_POS_DIFF_TO};
    for (int k = 0; k < 2; k++) {
        int64_t sel = k == 0 ? from : to;
        html_fmt(o,
                 "<div class=\"field\"><label for=\"pd-%s\">%s</label><select id=\"pd-%s\" "
                 "name=\"%s\">",
                 names[k], T(L, labels[k]), names[k], names[k]);
        for (size_t i = 0; i < n; i++)
            html_fmt(o, "<option value=\"%D\"%R>%s</option>", (long long)v[i].version,
                     v[i].version == sel ? " selected" : "",
                     arena_printf(r->a, T(L, MSG_POS_VERSION_N), (long long)v[i].version));
        html_raw(o, "</select></div>");
    }
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\" "
             "class=\"button-secondary\">%s</button></div></form>",
             T(L, MSG_POS_COMPARE));
    if (!a || !b) {
        html_fmt(o, "<p class=\"empty\">%s</p></section>", T(L, MSG_POS_DIFF_NONE));
        return;
    }
    bool en = r->lang == LANG_EN && a->body_en && b->body_en;
    const char *ta = en ? a->body_en : a->body_sr, *tb = en ? b->body_en : b->body_sr;
    diff_piece *d = NULL;
    size_t nd = 0;
    if (!diff_words(r->a, ta, strlen(ta), tb, strlen(tb), &d, &nd)) {
        resp_fail(r, DB_NOMEM, "diff_words");
        return;
    }
    /* the note is written in Serbian only (no English one is kept): to an
     * English reader it is marked as Serbian, not passed off as English */
    if (b->note)
        html_fmt(o, "<p><strong>%s</strong> <span%R>%s</span></p>", T(L, MSG_POS_L_NOTE),
                 L == LANG_EN ? " lang=\"sr-Latn\"" : "", web_org_text(r, b->note, NULL));
    html_fmt(o, "<p class=\"muted\">%s</p><div class=\"pos-diff-text\">",
             T(L, MSG_POS_DIFF_LEGEND));
    for (size_t i = 0; i < nd; i++) {
        const char *tag = d[i].kind == DIFF_INS ? "ins" : d[i].kind == DIFF_DEL ? "del" : NULL;
        if (tag)
            html_fmt(o, "<%R>", tag);
        const char *text = d[i].s;
        size_t len = d[i].n;
        if (!en && r->lang == LANG_SR_LATN) {
            const char *t = web_org_text(r, arena_strndup(r->a, d[i].s, d[i].n), NULL);
            text = t ? t : "";
            len = strlen(text);
        }
        html_textn(o, text, len);
        if (tag)
            html_fmt(o, "</%R>", tag);
    }
    html_raw(o, "</div></section>");
}

/* The weight as sentences; never a sum the coverage does not support. */
static void render_weight(req *r, const position_weight *w)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (w->clusters + w->orgs == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_POS_W_NONE));
        return;
    }
    html_fmt(o, "<p class=\"pos-weight-who\">%s</p>",
             arena_printf(r->a, T(L, MSG_POS_W_WHO), (long long)w->clusters, (long long)w->orgs));
    if (!w->year) {
        html_fmt(o, "<p>%s</p>", T(L, MSG_POS_W_NO_FIGURES));
        return;
    }
    buf e = BUF_INIT, rv = BUF_INIT, ex = BUF_INIT;
    i18n_fmt_int(&e, L, w->employees);
    chart_fmt_money_compact(&rv, L, w->revenue_cents);
    chart_fmt_money_compact(&ex, L, w->exports_cents);
    if (w->withheld)
        html_fmt(o, "<p class=\"pos-weight-sum\">%s</p>",
                 arena_printf(r->a, T(L, MSG_POS_W_COUNT), (long long)w->members));
    else if (w->covered)
        html_fmt(o, "<p class=\"pos-weight-sum\">%s</p>",
                 arena_printf(r->a, T(L, MSG_POS_W_SUM), (long long)w->members, buf_str(&e),
                              buf_str(&rv), buf_str(&ex), w->year));
    html_fmt(o, "<p class=\"muted\">%s</p>",
             arena_printf(r->a, T(L, MSG_POS_W_COVERAGE), (long long)w->reported,
                          (long long)w->members, w->year));
    if (!w->withheld && !w->covered)
        html_fmt(o, "<p class=\"notice-warn\" role=\"note\">%s</p>", T(L, MSG_POS_W_LOW));
    /* the disclosure rule, said whether or not it withholds the sums; the
     * rule that withholds them when it is not the count of reporters */
    msg_id rule = w->why == POS_HOLD_OPEN   ? MSG_POS_W_OPEN
                  : w->why == POS_HOLD_SIDE ? MSG_POS_W_SIDE
                                            : MSG_POS_W_DISCLOSE;
    html_fmt(o, "<p class=\"muted\" role=\"note\">%s</p>", T(L, rule));
    if (w->any_demo)
        html_fmt(o, "<p class=\"demo-note\">%s</p>", T(L, MSG_POS_W_DEMO));
    buf_free(&e);
    buf_free(&rv);
    buf_free(&ex);
}

static void comment_form(req *r, const position_rec *p, int64_t paragraph, int64_t parent,
                         const position_speaker *sp, size_t n_sp, const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool here =
        pv && pv->part && strcmp(pv->part, "comment") == 0 && pv->paragraph == paragraph &&
        (parent ? form_get(pv->typed, "parent") != NULL : form_get(pv->typed, "parent") == NULL);
    const char *id = parent ? arena_printf(r->a, "c-%lld", (long long)parent)
                            : arena_printf(r->a, "p-%lld", (long long)paragraph);
    html_fmt(o, "<details class=\"pos-comment-form no-print\"%R><summary>%s</summary>",
             here ? " open" : "", T(L, parent ? MSG_POS_REPLY : MSG_POS_COMMENT_ON));
    if (here)
        web_error_summary(r, pv->errs);
    html_fmt(o,
             "<form class=\"form\" method=\"post\" action=\"/positions/%D/comments\" novalidate>",
             (long long)p->id);
    layout_csrf_field(r);
    html_fmt(o, "<input type=\"hidden\" name=\"paragraph\" value=\"%D\">", (long long)paragraph);
    if (parent)
        html_fmt(o, "<input type=\"hidden\" name=\"parent\" value=\"%D\">", (long long)parent);
    if (n_sp > 0) {
        const char *sid = arena_printf(r->a, "%s-org", id);
        web_field_open(r, sid, T(L, MSG_POS_L_ON_BEHALF), NULL, NULL);
        html_fmt(o, "<select id=\"%s\" name=\"org\">", sid);
        for (size_t i = 0; i < n_sp; i++)
            html_fmt(o, "<option value=\"%D\">%s</option>", (long long)sp[i].id,
                     web_org_text(r, sp[i].name, sp[i].name_en));
        html_raw(o, "</select></div>");
    }
    wc_textarea(r, arena_printf(r->a, "%s-body", id), "body", T(L, MSG_POS_L_COMMENT), NULL,
                here ? form_get(pv->typed, "body") : NULL,
                here ? web_errs_get(pv->errs, "body") : NULL, 3);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</details>",
             T(L, parent ? MSG_POS_REPLY : MSG_POS_COMMENT_SEND));
}

static void render_comment(req *r, const position_comment *c)
{
    buf *o = &r->out;
    html_fmt(o, "<article class=\"pos-comment%R\" id=\"comment-%D\"><p class=\"muted\">",
             c->parent_id ? " pos-reply" : "", (long long)c->id);
    if (c->by_name)
        html_fmt(o, "<strong>%s</strong>", web_org_text(r, c->by_name, NULL));
    if (c->org_name)
        html_fmt(o, " · <a href=\"/orgs/%q\">%s</a>", c->org_slug,
                 web_org_text(r, c->org_name, c->org_name_en));
    html_raw(o, " · ");
    web_datetime(r, c->created_at, MSG_POS_ANY);
    /* as written: transliterated for a Latin reader of Serbian, never
     * turned into Latin letters for an English one */
    html_fmt(o, "</p><p class=\"plan-review-body\">%s</p></article>",
             r->lang == LANG_EN ? c->body : web_org_text(r, c->body, NULL));
}

/* The paragraphs of body (arena); NULL when out of memory. */
static pos_para *paragraphs_of(req *r, const char *body, size_t *n)
{
    size_t len = body ? strlen(body) : 0;
    *n = body ? position_paragraphs(body, len, NULL, 0) : 0;
    pos_para *para = arena_alloc(r->a, (*n + 1) * sizeof *para);
    if (para && body)
        position_paragraphs(body, len, para, *n);
    return para;
}

/* The comments c[first..end) on paragraph i (one paragraph's, threads in
 * order), with the reply and comment forms when the reader may comment. */
static void para_comments(req *r, const position_rec *p, const position_comment *c, size_t first,
                          size_t end, size_t i, const position_speaker *sp, size_t n_sp,
                          bool may_comment, const page_view *pv)
{
    buf *o = &r->out;
    if (end == first && !may_comment)
        return;
    html_fmt(o, "<aside class=\"pos-comments no-print\" aria-label=\"%s\">",
             arena_printf(r->a, T(r->lang, MSG_POS_COMMENTS_ON), (int)i + 1));
    for (size_t j = first; j < end; j++) {
        render_comment(r, &c[j]);
        bool last_of_thread = j + 1 == end || c[j + 1].parent_id == 0 ||
                              c[j + 1].parent_id != (c[j].parent_id ? c[j].parent_id : c[j].id);
        if (may_comment && last_of_thread)
            comment_form(r, p, (int64_t)i, c[j].parent_id ? c[j].parent_id : c[j].id, sp, n_sp, pv);
    }
    if (may_comment)
        comment_form(r, p, (int64_t)i, 0, sp, n_sp, pv);
    html_raw(o, "</aside>");
}

/* The text by paragraph, each with the current version's comments c (by
 * paragraph) and the comment forms during consultation for those who take
 * part. Comments are tied to the Serbian text's paragraphs: an English
 * reader reads the English paragraphs beside them when the two texts have
 * as many paragraphs, else the English text whole and then the comments
 * under the Serbian paragraph each is on. Every reader who may see the
 * comments sees them, as they were written. */
static void render_text(req *r, const position_rec *p, const position_comment *c, size_t n_c,
                        const position_speaker *sp, size_t n_sp, bool may_comment,
                        const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    size_t n_para = 0, n_en = 0;
    pos_para *para = paragraphs_of(r, p->body_sr, &n_para);
    bool en = L == LANG_EN && p->body_en && *p->body_en;
    pos_para *para_en = en ? paragraphs_of(r, p->body_en, &n_en) : NULL;
    if (!para || (en && !para_en)) {
        resp_fail(r, DB_NOMEM, "position_paragraphs");
        return;
    }
    bool paired = en && n_en == n_para;
    bool apart = en && !paired; /* the English text whole, the comments after it */
    if (apart) {
        html_raw(o, "<div class=\"pos-text\" lang=\"en\">");
        markdown(r, p->body_en, strlen(p->body_en));
        html_raw(o, "</div>");
        if (!n_c && !may_comment)
            return;
        html_fmt(o,
                 "<section class=\"pos-comments-apart no-print\" aria-labelledby=\"pos-cm-h\">"
                 "<h2 id=\"pos-cm-h\">%s</h2><p class=\"muted\">%s</p>",
                 T(L, MSG_POS_COMMENTS), T(L, MSG_POS_COMMENTS_QUOTED));
    }
    html_fmt(o, "<div class=\"pos-text pos-paragraphs\"%R>", paired ? " lang=\"en\"" : "");
    size_t k = 0;
    for (size_t i = 0; i < n_para; i++) {
        size_t first = k;
        while (k < n_c && c[k].paragraph == (int64_t)i)
            k++;
        if (apart && k == first && !may_comment)
            continue;
        html_fmt(o, "<div class=\"pos-para\" id=\"para-%d\">", (int)i);
        if (apart) {
            html_raw(o, "<blockquote class=\"pos-para-quote\" lang=\"sr\">");
            markdown(r, p->body_sr + para[i].start, para[i].len);
            html_raw(o, "</blockquote>");
        } else {
            html_raw(o, "<div class=\"pos-para-text\">");
            if (paired)
                markdown(r, p->body_en + para_en[i].start, para_en[i].len);
            else
                markdown(r, p->body_sr + para[i].start, para[i].len);
            html_raw(o, "</div>");
        }
        para_comments(r, p, c, first, k, i, sp, n_sp, may_comment, pv);
        html_raw(o, "</div>");
    }
    html_raw(o, apart ? "</div></section>" : "</div>");
}

/* The comments on earlier versions (c: every version's, the newest version
 * first, by paragraph): still part of the discussion after a new version,
 * so each version's are listed (collapsed) under the paragraph of that
 * version they were on. */
static void render_old_comments(req *r, const position_rec *p, const position_version *v,
                                size_t n_v, const position_comment *c, size_t n_c)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    size_t k = 0;
    while (k < n_c && c[k].version >= p->version)
        k++;
    if (k == n_c)
        return;
    html_fmt(o,
             "<section class=\"panel pos-old-comments no-print\" id=\"earlier-comments\" "
             "aria-labelledby=\"pos-old-h\"><h2 id=\"pos-old-h\">%s</h2>",
             T(L, MSG_POS_OLD_COMMENTS));
    while (k < n_c) {
        int64_t ver = c[k].version;
        size_t end = k;
        while (end < n_c && c[end].version == ver)
            end++;
        const position_version *pv = NULL;
        for (size_t i = 0; i < n_v; i++)
            if (v[i].version == ver)
                pv = &v[i];
        size_t n_para = 0, n_en = 0;
        pos_para *para = paragraphs_of(r, pv ? pv->body_sr : NULL, &n_para);
        bool en = L == LANG_EN && pv && pv->body_en && *pv->body_en;
        pos_para *para_en = en ? paragraphs_of(r, pv->body_en, &n_en) : NULL;
        if (!para || (en && !para_en)) {
            resp_fail(r, DB_NOMEM, "position_paragraphs");
            return;
        }
        bool paired = en && n_en == n_para;
        html_fmt(
            o, "<details class=\"pos-old-version\" id=\"comments-v%D\"><summary>%s</summary>",
            (long long)ver,
            arena_printf(r->a, T(L, MSG_POS_OLD_VERSION), (long long)ver, (long long)(end - k)));
        while (k < end) {
            int64_t i = c[k].paragraph;
            size_t first = k;
            while (k < end && c[k].paragraph == i)
                k++;
            html_fmt(o, "<div class=\"pos-old-para\"><p class=\"muted\">%s</p>",
                     arena_printf(r->a, T(L, MSG_POS_OLD_PARA), (int)i + 1));
            if (i >= 0 && (size_t)i < n_para) {
                html_fmt(o, "<blockquote class=\"pos-para-quote\" lang=\"%R\">",
                         paired ? "en" : "sr");
                if (paired)
                    markdown(r, pv->body_en + para_en[i].start, para_en[i].len);
                else
                    markdown(r, pv->body_sr + para[i].start, para[i].len);
                html_raw(o, "</blockquote>");
            }
            for (size_t j = first; j < k; j++)
                render_comment(r, &c[j]);
            html_raw(o, "</div>");
        }
        html_raw(o, "</details>");
    }
    html_raw(o, "</section>");
}

static void render_signatures(req *r, const position_rec *p, const position_signature *g,
                              size_t n_g, const position_speaker *sp, size_t n_sp,
                              const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    pos_stage s = position_stage_of(p->stage);
    position_weight w;
    db_status st = position_weight_cached(r->db, p->id, &w);
    if (st != DB_OK) {
        resp_fail(r, st, "position_weight");
        return;
    }
    html_fmt(o,
             "<section class=\"panel pos-signatures\" id=\"signatures\" "
             "aria-labelledby=\"pos-sig-h\"><h2 id=\"pos-sig-h\">%s</h2>",
             T(L, MSG_POS_SIGNATURES));
    render_weight(r, &w);
    /* each live signatory's own share, the total said once above */
    position_contribution *share = NULL;
    size_t n_share = 0;
    char today[11];
    time_today(today);
    int share_year = w.year ? w.year : atoi(today);
    if ((st = position_contributions(r->db, r->a, p->id, share_year, &share, &n_share)) != DB_OK) {
        resp_fail(r, st, "position_contributions");
        return;
    }
    bool any = false;
    for (size_t i = 0; i < n_g; i++) {
        if (g[i].withdrawn_at && position_stage_public(s))
            continue; /* the letter lists who stands behind it */
        if (!any)
            html_raw(o, "<ul class=\"pos-signers\">");
        any = true;
        html_fmt(o, "<li%R><a href=\"/orgs/%q\">%s</a> <span class=\"muted\">",
                 g[i].withdrawn_at ? " class=\"pos-withdrawn no-print\"" : "", g[i].org_slug,
                 web_org_text(r, g[i].org_name, g[i].org_name_en));
        web_datetime(r, g[i].signed_at, MSG_POS_ANY);
        if (g[i].withdrawn_at) {
            html_fmt(o, " · %s ", T(L, MSG_POS_WITHDRAWN));
            web_datetime(r, g[i].withdrawn_at, MSG_POS_ANY);
        } else {
            /* whom it speaks for, never its figures (one company's own) */
            int64_t orgs = 0;
            for (size_t k = 0; k < n_share; k++)
                if (share[k].signature_id == g[i].id)
                    orgs = share[k].orgs;
            static const msg_id forms[3] = {MSG_POS_SPEAKS_ONE, MSG_POS_SPEAKS_FEW,
                                            MSG_POS_SPEAKS_MANY};
            html_fmt(o, " · <span class=\"pos-share\">%s</span>",
                     arena_printf(r->a, T(L, forms[i18n_plural_form(L, orgs)]), (long long)orgs));
        }
        html_raw(o, "</span>");
        if (!g[i].withdrawn_at && s == POS_SIGNING && r->user &&
            rights_can(r->db, r->user, RIGHT_POSITION_WITHDRAW, g[i].org_id)) {
            html_fmt(o,
                     " <form class=\"inline no-print\" method=\"post\" "
                     "action=\"/positions/%D/withdraw\">",
                     (long long)p->id);
            layout_csrf_field(r);
            html_fmt(o,
                     "<input type=\"hidden\" name=\"org\" value=\"%D\"><button type=\"submit\" "
                     "class=\"button-secondary\">%s</button></form>",
                     (long long)g[i].org_id, T(L, MSG_POS_WITHDRAW));
        }
        html_raw(o, "</li>");
    }
    if (any)
        html_raw(o, "</ul>");
    if (s == POS_SIGNING && n_sp > 0) {
        bool here = pv && pv->part && strcmp(pv->part, "sign") == 0;
        html_fmt(o, "<div class=\"no-print\"><h3>%s</h3>", T(L, MSG_POS_SIGN));
        if (here)
            web_error_summary(r, pv->errs);
        html_fmt(o,
                 "<form class=\"form\" method=\"post\" action=\"/positions/%D/sign\" novalidate>",
                 (long long)p->id);
        layout_csrf_field(r);
        const char *err = here ? web_errs_get(pv->errs, "org") : NULL;
        web_field_open(r, "pos-sign-org", T(L, MSG_POS_L_ON_BEHALF), T(L, MSG_POS_H_SIGN), err);
        html_raw(o, "<select id=\"pos-sign-org\" name=\"org\"");
        web_described_by(r, "pos-sign-org", true, err);
        html_raw(o, ">");
        for (size_t i = 0; i < n_sp; i++)
            html_fmt(o, "<option value=\"%D\">%s</option>", (long long)sp[i].id,
                     web_org_text(r, sp[i].name, sp[i].name_en));
        html_fmt(o,
                 "</select></div><div class=\"form-actions\"><button type=\"submit\">%s</button>"
                 "</div></form></div>",
                 T(L, MSG_POS_SIGN_BUTTON));
    }
    html_raw(o, "</section>");
}

static void render_stage_form(req *r, const position_rec *p, const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    pos_stage s = position_stage_of(p->stage);
    if (s == POS_CLOSED)
        return;
    bool here = pv && pv->part && strcmp(pv->part, "stage") == 0;
    html_fmt(o,
             "<section class=\"panel no-print\" id=\"stage\" aria-labelledby=\"pos-stage-h\"><h2 "
             "id=\"pos-stage-h\">%s</h2>",
             T(L, MSG_POS_STAGE_CHANGE));
    if (here)
        web_error_summary(r, pv->errs);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/positions/%D/stage\" novalidate>",
             (long long)p->id);
    layout_csrf_field(r);
    const char *err = here ? web_errs_get(pv->errs, "stage") : NULL;
    web_field_open(r, "pos-to", T(L, MSG_POS_L_TO_STAGE), NULL, err);
    html_raw(o, "<select id=\"pos-to\" name=\"stage\"");
    web_described_by(r, "pos-to", false, err);
    html_raw(o, ">");
    for (int i = 0; i < POS_N_STAGES; i++)
        /* "Submitted" comes with recording the submission (the timeline) */
        if (position_move_ok(s, (pos_stage)i) && i != POS_SUBMITTED)
            html_fmt(o, "<option value=\"%s\">%s</option>", position_stages[i], T(L, stage_msg[i]));
    html_raw(o, "</select></div>");
    if (s == POS_DRAFT) {
        char today[11];
        wf_today(today);
        wc_date_field(r, "pos-until", "consult_until", T(L, MSG_POS_L_UNTIL), T(L, MSG_POS_H_UNTIL),
                      here ? form_get(pv->typed, "consult_until") : NULL,
                      here ? web_errs_get(pv->errs, "consult_until") : NULL, false);
    }
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>",
             T(L, MSG_POS_MOVE));
}

static const char *jsonld(req *r, const position_rec *p, const position_signature *g, size_t n_g)
{
    buf j = BUF_INIT;
    buf_puts(&j, "{");
    json_put_key(&j, "@context", true);
    json_put_string(&j, "https://schema.org");
    json_put_key(&j, "@type", false);
    json_put_string(&j, "CreativeWork");
    json_put_key(&j, "name", false);
    json_put_string(&j, pos_title(r, p));
    json_put_key(&j, "inLanguage", false);
    json_put_string(&j, i18n_tag(r->lang));
    json_put_key(&j, "version", false);
    json_put_int(&j, p->version);
    json_put_key(&j, "creativeWorkStatus", false);
    json_put_string(&j, p->stage);
    buf t = BUF_INIT;
    time_fmt_iso(&t, p->stage_at);
    json_put_key(&j, "dateModified", false);
    json_put_string(&j, buf_str(&t));
    buf_free(&t);
    json_put_key(&j, "author", false);
    buf_puts(&j, "{");
    json_put_key(&j, "@type", true);
    json_put_string(&j, "Organization");
    json_put_key(&j, "name", false);
    json_put_string(&j, web_org_text(r, p->owner_name, p->owner_name_en));
    buf_puts(&j, "}");
    json_put_key(&j, "contributor", false);
    buf_puts(&j, "[");
    bool first = true;
    for (size_t i = 0; i < n_g; i++) {
        if (g[i].withdrawn_at)
            continue;
        if (!first)
            buf_puts(&j, ",");
        first = false;
        buf_puts(&j, "{");
        json_put_key(&j, "@type", true);
        json_put_string(&j, "Organization");
        json_put_key(&j, "name", false);
        json_put_string(&j, web_org_text(r, g[i].org_name, g[i].org_name_en));
        buf_puts(&j, "}");
    }
    buf_puts(&j, "]}");
    buf h = BUF_INIT;
    html_raw(&h, "<script type=\"application/ld+json\">");
    buf_append(&h, j.data ? j.data : "", j.len);
    html_raw(&h, "</script>");
    const char *out = buf_failed(&h) || buf_failed(&j) ? NULL : arena_strdup(r->a, buf_str(&h));
    buf_free(&j);
    buf_free(&h);
    return out;
}

static void render_page(req *r, const position_rec *p, const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    pos_stage s = position_stage_of(p->stage);
    position_version *v = NULL;
    position_comment *c = NULL;
    position_signature *g = NULL;
    position_step *steps = NULL;
    position_speaker *addr = NULL, *sp = NULL;
    const char **tags = NULL;
    size_t n_v = 0, n_c = 0, n_g = 0, n_steps = 0, n_addr = 0, n_sp = 0, n_tags = 0;
    bool writer = may_write(r, p);
    bool part = take_part(r);
    db_status st = position_versions(r->db, r->a, p->id, &v, &n_v);
    if (st == DB_OK && s != POS_DRAFT && (part || writer))
        st = position_comments(r->db, r->a, p->id, 0, &c, &n_c); /* every version's */
    if (st == DB_OK)
        st = position_signatures(r->db, r->a, p->id, &g, &n_g);
    if (st == DB_OK)
        st = position_steps(r->db, r->a, p->id, &steps, &n_steps);
    if (st == DB_OK)
        st = position_addressees(r->db, r->a, p->id, &addr, &n_addr);
    if (st == DB_OK)
        st = position_tags(r->db, r->a, p->id, &tags, &n_tags);
    if (st == DB_OK && r->user)
        st = position_speakers(r->db, r->a, r->user->person_id, &sp, &n_sp);
    org_rec scan_org;
    bool scan_found = false;
    if (st == DB_OK)
        st = org_get(r->db, r->a, "scan", 0, &scan_org, &scan_found);
    position_head head = {0};
    position_timeline tl = {0};
    bool head_found = false;
    char today[11];
    wf_today(today);
    if (st == DB_OK)
        st = submission_position(r->db, r->a, p->id, &head, &head_found);
    if (st == DB_OK)
        st = submission_timeline(r->db, r->a, p->id, today, web_adv_secretariat(r), &tl);
    if (st != DB_OK) {
        resp_fail(r, st, "position_page");
        return;
    }
    /* those the reader speaks for in positions (comments), and of them
     * those not signed yet (the sign form) */
    position_speaker *signers = arena_alloc(r->a, (n_sp + 1) * sizeof *signers);
    position_speaker *voices = arena_alloc(r->a, (n_sp + 1) * sizeof *voices);
    size_t n_signers = 0, n_voices = 0;
    for (size_t i = 0; signers && voices && i < n_sp; i++) {
        if (!rights_can(r->db, r->user, RIGHT_POSITION_SIGN, sp[i].id))
            continue;
        voices[n_voices++] = sp[i];
        bool signed_now = false; /* a live signature already: withdraw, not sign */
        for (size_t k = 0; k < n_g; k++)
            signed_now = signed_now || (g[k].org_id == sp[i].id && !g[k].withdrawn_at);
        if (!signed_now)
            signers[n_signers++] = sp[i];
    }
    const char *title = pos_title(r, p);
    page_meta pm = {.title = title,
                    .nav = "positions",
                    .head_raw = position_stage_public(s) ? jsonld(r, p, g, n_g) : NULL,
                    .og_type = "article"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<nav class=\"crumbs no-print\" aria-label=\"%s\"><a href=\"/positions\">%s</a></nav>",
             T(L, MSG_POS_CRUMBS), T(L, MSG_POS_TITLE));
    if (!pv && req_query(r, "saved"))
        web_notice(r, T(L, MSG_POS_SAVED));
    if (pv)
        web_alert(r, pv->top);
    /* the letterhead of a letter to government (print only): SCAN's logo,
     * name and the address block of its directory entry */
    html_fmt(o,
             "<header class=\"pos-letterhead print-only\"><img src=\"%u\" alt=\"\" width=\"56\" "
             "height=\"56\"><div><p class=\"pos-lh-name\"><strong>SCAN</strong> · %s</p>",
             assets_url("img/logo.svg"), T(L, MSG_SITE_NAME));
    if (scan_found) {
        const char *parts[] = {scan_org.address, scan_org.municipality, scan_org.phone,
                               scan_org.email, scan_org.website};
        bool first = true;
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            if (!parts[i] || !*parts[i])
                continue;
            html_fmt(o, "%R%s", first ? "<p class=\"pos-lh-address\">" : " · ",
                     web_org_text(r, parts[i], NULL));
            first = false;
        }
        if (!first)
            html_raw(o, "</p>");
    }
    html_raw(o, "</div></header>");
    /* the letter's head: the owner's logo and name, the date, the addressees */
    html_fmt(o,
             "<header class=\"pos-letter-head\">%R<div><p class=\"pos-owner\"><a "
             "href=\"/orgs/%q\">%s</a></p><p class=\"pos-date\">",
             p->owner_logo ? arena_printf(r->a,
                                          "<img class=\"pos-logo\" src=\"/orgs/%s/logo\" alt=\"\" "
                                          "width=\"64\" height=\"64\">",
                                          p->owner_slug)
                           : "",
             p->owner_slug, web_org_text(r, p->owner_name, p->owner_name_en));
    /* a submitted letter is dated the day it was sent */
    int64_t dated = p->stage_at;
    for (size_t i = 0; s >= POS_SUBMITTED && i < n_steps; i++)
        if (strcmp(steps[i].stage, "submitted") == 0) {
            dated = steps[i].at;
            break;
        }
    char ymd[11] = "";
    time_t tt = (time_t)dated;
    struct tm tm;
    if (localtime_r(&tt, &tm)) /* the Belgrade day: a letter is dated, not timed */
        strftime(ymd, sizeof ymd, "%Y-%m-%d", &tm);
    html_fmt(o, "<time datetime=\"%s\">%s</time></p></div></header>", ymd, wf_ymd(r, ymd));
    if (n_addr) {
        html_fmt(o, "<div class=\"pos-addressees\"><p class=\"muted\">%s</p><ul>",
                 T(L, MSG_POS_L_ADDRESSEES));
        for (size_t i = 0; i < n_addr; i++)
            html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a></li>", addr[i].slug,
                     web_org_text(r, addr[i].name, addr[i].name_en));
        html_raw(o, "</ul></div>");
    }
    html_fmt(o, "<h1>%s</h1><p class=\"pos-meta no-print\">", title);
    stage_badge(r, p->stage);
    html_fmt(o, " %s · %s", kind_label(L, p->kind),
             arena_printf(r->a, T(L, MSG_POS_VERSION_N), (long long)p->version));
    if (s == POS_CONSULTATION && p->consult_until)
        html_fmt(o, " · %s", arena_printf(r->a, T(L, MSG_POS_UNTIL), wf_ymd(r, p->consult_until)));
    html_raw(o, "</p>");
    if (n_tags) {
        html_raw(o, "<p class=\"pos-tags no-print\">");
        for (size_t i = 0; i < n_tags; i++)
            html_fmt(o, "<a class=\"tag\" href=\"/positions?tag=%q\">%s</a> ", tags[i],
                     tag_label(r, tags[i]));
        html_raw(o, "</p>");
    }
    if (p->is_demo)
        html_fmt(o, "<p class=\"demo-note\" role=\"note\">%s</p>", T(L, MSG_POS_DEMO));
    if (writer && s <= POS_CONSULTATION) {
        html_raw(o, "<p class=\"no-print\">");
        if (s == POS_DRAFT)
            html_fmt(o, "<a class=\"button\" href=\"/positions/%D/edit\">%s</a> ", (long long)p->id,
                     T(L, MSG_POS_EDIT));
        html_fmt(
            o, "<a class=\"button button-secondary\" href=\"/positions/%D/edit?as=version\">%s</a>",
            (long long)p->id, T(L, MSG_POS_NEW_VERSION));
        html_raw(o, "</p>");
    }
    /* the current version's comments beside the text, earlier ones after */
    size_t n_cur = 0;
    while (n_cur < n_c && c[n_cur].version == p->version)
        n_cur++;
    /* comments until the consultation's closing date (position_comment_add) */
    bool open =
        s == POS_CONSULTATION && (!p->consult_until || strcmp(today, p->consult_until) <= 0);
    render_text(r, p, c, n_cur, voices, n_voices, open && (part || writer), pv);
    render_old_comments(r, p, v, n_v, c ? c + n_cur : NULL, n_c - n_cur);
    if (s >= POS_SIGNING || n_g)
        render_signatures(r, p, g, n_g, signers, n_signers, pv);
    render_diff(r, p, v, n_v);
    /* the timeline: steps, submissions, answers ("no answer after N
     * days") and meetings in date order (web_position_timeline.c); its
     * forms are on the timeline's own page for those who record them */
    html_raw(o, "<div class=\"no-print\">");
    web_position_timeline(r, &head, &tl);
    if (s >= POS_SIGNING && web_adv_may_record(r, &head))
        html_fmt(o, "<p><a class=\"button\" href=\"/positions/%D/timeline\">%s</a></p>",
                 (long long)p->id, T(L, MSG_ADV_SUBMIT_TITLE));
    html_raw(o, "</div>");
    if (writer)
        render_stage_form(r, p, pv);
    html_fmt(o, "<p class=\"no-print muted\">%s</p>", T(L, MSG_POS_PRINT_HINT));
    layout_end(r);
}

void web_position_page(req *r)
{
    if (r->user) {
        position_rec p;
        if (load(r, &p))
            render_page(r, &p, NULL);
        return;
    }
    int64_t version = 0;
    bool ok;
    const char *key = wf_cache_key(r, "position", &version, &ok);
    if (!ok)
        return;
    if (web_cache_serve(r, key, version))
        return;
    position_rec p;
    if (!load(r, &p))
        return;
    render_page(r, &p, NULL);
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* After a refused post on the page: the page again with the errors at
 * the form that failed (422), else a redirect to the part written. */
static void page_answer(req *r, const position_rec *p, db_status st, const form_errors *fe,
                        const form *f, const char *part, const char *anchor, const char *cause)
{
    if (st == DB_OK) {
        resp_redirect(r,
                      arena_printf(r->a, "/positions/%lld?saved=1#%s", (long long)p->id, anchor));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_POS_NOT_FOUND));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, cause);
        return;
    }
    web_errs e = {0};
    web_errs_from_form(r, fe, &e);
    const char *para = form_get(f, "paragraph");
    page_view pv = {.typed = f, .errs = &e, .part = part, .paragraph = para ? atoll(para) : 0};
    r->status = 422;
    /* a refusal about the stage or the paragraph has no form field of its
     * own to sit beside: say it at the top too */
    const char *top = web_errs_get(&e, "stage");
    if (!top)
        top = web_errs_get(&e, "paragraph");
    pv.top = top;
    render_page(r, p, &pv);
}

void web_position_stage(req *r)
{
    position_rec p;
    form f;
    if (!load_for_write(r, &p) || !req_body_form(r, &f))
        return;
    form_errors fe = {0};
    db_status st = position_move(r->db, p.id, form_get(&f, "stage"), form_get(&f, "consult_until"),
                                 r->user->person_id, r->client_ip, &fe);
    page_answer(r, &p, st, &fe, &f, "stage", "timeline", "position_move");
}

/* The organisation field of a post: an id the reader may speak for (when
 * given) by rights (sign: RIGHT_POSITION_SIGN). 0: none given. */
static int64_t posted_org(const form *f)
{
    const char *s = form_get(f, "org");
    return s ? atoll(s) : 0;
}

void web_position_comment(req *r)
{
    position_rec p;
    form f;
    if (!load(r, &p) || !req_body_form(r, &f))
        return;
    if (!take_part(r) && !may_write(r, &p)) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN_COMMENT));
        return;
    }
    int64_t org = posted_org(&f);
    /* on behalf of an organisation the reader speaks for in positions: the
     * signing right's (a SCAN cluster, a member of one; never an addressed
     * institution the reader also represents) */
    if (org && !rights_can(r->db, r->user, RIGHT_POSITION_SIGN, org)) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN_COMMENT));
        return;
    }
    const char *ps = form_get(&f, "paragraph"), *parent = form_get(&f, "parent");
    char *end = NULL;
    long long para = ps ? strtoll(ps, &end, 10) : -1;
    if (!ps || !*ps || *end)
        para = -1;
    form_errors fe = {0};
    int64_t cid = 0;
    db_status st =
        position_comment_add(r->db, p.id, para, parent ? atoll(parent) : 0, org,
                             form_get(&f, "body"), r->user->person_id, r->client_ip, &cid, &fe);
    const char *anchor =
        st == DB_OK ? arena_printf(r->a, "comment-%lld", (long long)cid) : "para-0";
    page_answer(r, &p, st, &fe, &f, "comment", anchor, "position_comment_add");
}

static void sign_post(req *r, bool sign)
{
    position_rec p;
    form f;
    if (!load(r, &p) || !req_body_form(r, &f))
        return;
    int64_t org = posted_org(&f);
    if (!org ||
        !rights_can(r->db, r->user, sign ? RIGHT_POSITION_SIGN : RIGHT_POSITION_WITHDRAW, org)) {
        resp_error(r, 403, T(r->lang, MSG_POS_FORBIDDEN_SIGN));
        return;
    }
    form_errors fe = {0};
    db_status st = sign
                       ? position_sign(r->db, p.id, org, r->user->person_id, r->client_ip, &fe)
                       : position_withdraw(r->db, p.id, org, r->user->person_id, r->client_ip, &fe);
    page_answer(r, &p, st, &fe, &f, "sign", "signatures",
                sign ? "position_sign" : "position_withdraw");
}

void web_position_sign(req *r)
{
    sign_post(r, true);
}

void web_position_withdraw(req *r)
{
    sign_post(r, false);
}

bool web_position_start(req *r, db_status *st)
{
    lang_id L = r->lang;
    position_to_sign *p = NULL;
    size_t n = 0;
    *st = position_open_to_sign(r->db, r->a, r->user->person_id, &p, &n);
    if (*st != DB_OK || n == 0)
        return false;
    html_fmt(&r->out, "<section class=\"work card\"><h2>%s</h2>\n<ul class=\"work-list\">",
             T(L, MSG_POS_DIGEST_SEC));
    for (size_t i = 0; i < n; i++)
        html_fmt(&r->out,
                 "<li><a href=\"/positions/%D#signatures\">%s</a> <span class=\"muted\">%s</span>"
                 "</li>",
                 (long long)p[i].id, web_org_text(r, p[i].title_sr, p[i].title_en),
                 arena_printf(r->a, T(L, MSG_POS_START_SIGNED), (long long)p[i].signatures));
    html_fmt(&r->out,
             "</ul><p class=\"small\"><a href=\"/positions?stage=signing\">%s</a></p></section>\n",
             T(L, MSG_POS_START_ALL));
    return true;
}
