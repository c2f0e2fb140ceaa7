/* web_post_form.c: the form to publish or change a post (issue 13) and
 * the write handlers: create, update, close, hide and report. Hide and
 * report answer a refusal with the post's page (web_post_view.c); the
 * shared words and loading are in web_post.c (web_post.h). */
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/post.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"
#include "web/web_post.h"

/* --- the form ---------------------------------------------------------------- */

typedef struct post_form {
    post_rec p;
    const char *org; /* the chosen organisation id as typed */
    web_errs e;
} post_form;

void web_post_field_open(req *r, const char *id, const char *label, const char *hint,
                         const char *error)
{
    web_field_open(r, id, label, hint, error);
}

void web_post_described(req *r, const char *id, bool hint, const char *error)
{
    web_described_by(r, id, hint, error);
}

static void choice_select(req *r, const char *name, msg_id label, const char *const *values,
                          const msg_id *labels, const char *chosen, const web_errs *e)
{
    const char *err = web_errs_get(e, name);
    const char *id = arena_printf(r->a, "p-%s", name);
    web_post_field_open(r, id, T(r->lang, label), NULL, err);
    html_fmt(&r->out, "<select id=\"%s\" name=\"%s\"", id, name);
    web_post_described(r, id, false, err);
    html_raw(&r->out, ">");
    for (size_t i = 0; values[i]; i++)
        web_post_option(&r->out, values[i], T(r->lang, labels[i]), chosen);
    html_raw(&r->out, "</select></div>\n");
}

static bool in_codes(const char *code, const char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], code) == 0)
            return true;
    return false;
}

static void codes_select(req *r, web_refs *refs, const char *name, msg_id label, int t,
                         const char **chosen, size_t n_chosen, const web_errs *e)
{
    const char *err = web_errs_get(e, name);
    const char *id = arena_printf(r->a, "p-%s", name);
    web_post_field_open(r, id, T(r->lang, label), T(r->lang, MSG_POST_F_CODES_HINT), err);
    html_fmt(&r->out, "<select id=\"%s\" name=\"%s\" multiple size=\"8\"", id, name);
    web_post_described(r, id, true, err);
    html_raw(&r->out, ">");
    size_t n;
    const ref_item *items = web_refs_items(r, refs, t, &n);
    for (size_t i = 0; i < n; i++) {
        const char *c = items[i].code;
        if (t == WREF_NACE && !(items[i].parent && *items[i].parent))
            continue; /* divisions only */
        if (t == WREF_GEO &&
            !(strncmp(c, "R-", 2) == 0 || strncmp(c, "D-", 2) == 0 || strcmp(c, "RS") == 0))
            continue;
        const char *lab = t == WREF_NACE ? arena_printf(r->a, "%s %s", c, items[i].label)
                          : (t == WREF_GEO && strncmp(c, "D-", 2) == 0) ||
                                  (t == WREF_FOS && items[i].parent && *items[i].parent)
                              ? arena_printf(r->a, "\u00a0\u00a0\u00a0%s", items[i].label)
                              : items[i].label;
        html_fmt(&r->out, "<option value=\"%s\"%R>%s</option>", c,
                 in_codes(c, chosen, n_chosen) ? " selected" : "", lab);
    }
    html_raw(&r->out, "</select></div>\n");
}

static void text_area(req *r, const char *name, msg_id label, const char *value, int max,
                      bool required, const web_errs *e)
{
    const char *err = web_errs_get(e, name);
    const char *id = arena_printf(r->a, "p-%s", name);
    web_post_field_open(r, id, T(r->lang, label), NULL, err);
    html_fmt(&r->out, "<textarea id=\"%s\" name=\"%s\" rows=\"8\" maxlength=\"%d\"%R", id, name,
             max, required ? " required" : "");
    web_post_described(r, id, false, err);
    html_fmt(&r->out, ">%s</textarea></div>\n", value ? value : "");
}

static const msg_id kind_msgs[] = {MSG_POST_KIND_OFFER, MSG_POST_KIND_REQUEST};
static const msg_id vis_msgs[] = {MSG_POST_PUBLIC, MSG_POST_MEMBERS_ONLY};

static void form_page(req *r, post_form *f, const post_org *orgs, size_t n_orgs)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    web_refs refs = {0};
    bool editing = f->p.id > 0;
    const char *title = T(L, editing ? MSG_POST_EDIT : MSG_POST_NEW);
    page_meta m = {.title = title, .nav = "cooperation"};
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n", title);
    web_error_summary(r, &f->e);
    if (editing)
        html_fmt(o, "<form method=\"post\" action=\"/cooperation/%D\" class=\"form panel\">",
                 (long long)f->p.id);
    else
        html_raw(o, "<form method=\"post\" action=\"/cooperation\" class=\"form panel\">");
    layout_csrf_field(r);
    if (!editing) {
        const char *err = web_errs_get(&f->e, "org");
        web_post_field_open(r, "p-org", T(L, MSG_POST_F_ORG), NULL, err);
        html_raw(o, "<select id=\"p-org\" name=\"org\"");
        web_post_described(r, "p-org", false, err);
        html_raw(o, ">");
        for (size_t i = 0; i < n_orgs; i++) {
            const char *v = arena_printf(r->a, "%lld", (long long)orgs[i].id);
            web_post_option(o, v ? v : "", web_post_org_display(r, orgs[i].name, orgs[i].name_en),
                            f->org);
        }
        html_raw(o, "</select></div>\n");
    }
    choice_select(r, "kind", MSG_POST_F_KIND, post_kinds, kind_msgs, f->p.kind, &f->e);
    choice_select(r, "topic", MSG_POST_F_TOPIC, post_topics, web_post_topic_msgs, f->p.topic,
                  &f->e);
    {
        static const msg_id lang_msgs[] = {MSG_POST_LANG_SR_CYRL, MSG_POST_LANG_SR_LATN,
                                           MSG_POST_LANG_EN};
        choice_select(r, "lang", MSG_POST_F_LANG, post_langs, lang_msgs, f->p.lang, &f->e);
    }
    web_input t = {.id = "p-title",
                   .name = "title",
                   .type = "text",
                   .label = T(L, MSG_POST_F_TITLE),
                   .value = f->p.title,
                   .error = web_errs_get(&f->e, "title"),
                   .required = true,
                   .maxlength = POST_TITLE_MAX};
    web_field(r, &t);
    text_area(r, "body", MSG_POST_F_BODY, f->p.body, POST_BODY_MAX, true, &f->e);
    web_input tt = {.id = "p-title_tr",
                    .name = "title_tr",
                    .type = "text",
                    .label = T(L, MSG_POST_F_TITLE_TR),
                    .value = f->p.title_tr,
                    .error = web_errs_get(&f->e, "title_tr"),
                    .maxlength = POST_TITLE_MAX};
    web_field(r, &tt);
    text_area(r, "body_tr", MSG_POST_F_BODY_TR, f->p.body_tr, POST_BODY_MAX, false, &f->e);
    codes_select(r, &refs, "nace", MSG_POST_F_NACE, WREF_NACE, f->p.nace, f->p.n_nace, &f->e);
    codes_select(r, &refs, "fos", MSG_POST_F_FOS, WREF_FOS, f->p.fos, f->p.n_fos, &f->e);
    codes_select(r, &refs, "geo", MSG_POST_F_GEO, WREF_GEO, f->p.geo, f->p.n_geo, &f->e);
    web_input vu = {.id = "p-valid_until",
                    .name = "valid_until",
                    .type = "date",
                    .label = T(L, MSG_POST_F_VALID_UNTIL),
                    .value = f->p.valid_until,
                    .hint = T(L, MSG_POST_F_VALID_HINT),
                    .error = web_errs_get(&f->e, "valid_until"),
                    .required = true};
    web_field(r, &vu);
    choice_select(r, "visibility", MSG_POST_F_VISIBILITY, post_visibilities, vis_msgs,
                  f->p.visibility, &f->e);
    if (web_errs_get(&f->e, "status"))
        web_alert(r, web_errs_get(&f->e, "status"));
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, editing ? MSG_POST_SAVE : MSG_POST_PUBLISH));
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "post form refs");
}

/* The organisations the user may post for; false (with the 5xx or a 403
 * page written) when there is none. */
static bool orgs_of_user(req *r, post_org **orgs, size_t *n)
{
    db_status st = post_orgs_for(r->db, r->a, r->user->person_id, orgs, n);
    if (st != DB_OK) {
        resp_fail(r, st, "post_orgs_for");
        return false;
    }
    if (*n == 0) {
        resp_error(r, 403, T(r->lang, MSG_POST_NO_ORG));
        return false;
    }
    return true;
}

void web_post_new_form(req *r)
{
    post_org *orgs;
    size_t n;
    if (!orgs_of_user(r, &orgs, &n))
        return;
    post_form f = {0};
    f.p.kind = "offer";
    f.p.topic = "technology";
    f.p.lang = r->lang == LANG_EN ? "en" : r->lang == LANG_SR_LATN ? "sr-Latn" : "sr-Cyrl";
    f.p.visibility = "public";
    char today[11], until[11];
    post_today(today);
    /* three months ahead by default */
    time_t t = (time_t)time_now() + 91 * 86400;
    struct tm tm;
    if (localtime_r(&t, &tm) && strftime(until, sizeof until, "%Y-%m-%d", &tm) == 10)
        f.p.valid_until = arena_strdup(r->a, until);
    /* prefilled from a link ("Looking for partners for this call": kind,
     * title, nace, fos in the query; the form checks them on saving) */
    static const form_rule pre[] = {{"kind", FV_TEXT, 0, 0, 20, NULL},
                                    {"title", FV_TEXT, 0, 0, 300, NULL},
                                    {"nace", FV_TEXT, FORM_MULTI, 0, 10, NULL},
                                    {"fos", FV_TEXT, FORM_MULTI, 0, 10, NULL}};
    form_value pv[4];
    form_errors pe = {0};
    form_validate(r->a, &r->query, pre, 4, pv, &pe);
    if (pv[0].present && (strcmp(pv[0].text, "offer") == 0 || strcmp(pv[0].text, "request") == 0))
        f.p.kind = pv[0].text;
    if (pv[1].present && !form_error_for(&pe, "title"))
        f.p.title = pv[1].text;
    if (!form_error_for(&pe, "nace")) {
        f.p.nace = pv[2].list;
        f.p.n_nace = pv[2].n_list;
    }
    if (!form_error_for(&pe, "fos")) {
        f.p.fos = pv[3].list;
        f.p.n_fos = pv[3].n_list;
    }
    form_page(r, &f, orgs, n);
}

/* Reads the form's fields into f->p (and f->org). False when the body
 * could not be read (the 4xx is written). */
static bool read_form(req *r, post_form *f)
{
    form body;
    if (!req_body_form(r, &body))
        return false;
    static const form_rule rules[] = {
        {"org", FV_TEXT, 0, 0, 0, NULL},           {"kind", FV_TEXT, 0, 0, 0, NULL},
        {"topic", FV_TEXT, 0, 0, 0, NULL},         {"lang", FV_TEXT, 0, 0, 0, NULL},
        {"title", FV_TEXT, 0, 0, 0, NULL},         {"body", FV_MULTILINE, 0, 0, 0, NULL},
        {"title_tr", FV_TEXT, 0, 0, 0, NULL},      {"body_tr", FV_MULTILINE, 0, 0, 0, NULL},
        {"nace", FV_TEXT, FORM_MULTI, 0, 0, NULL}, {"fos", FV_TEXT, FORM_MULTI, 0, 0, NULL},
        {"geo", FV_TEXT, FORM_MULTI, 0, 0, NULL},  {"valid_until", FV_TEXT, 0, 0, 0, NULL},
        {"visibility", FV_TEXT, 0, 0, 0, NULL},
    };
    enum { N = sizeof rules / sizeof rules[0] };
    form_value v[N];
    form_errors fe = {0};
    form_validate(r->a, &body, rules, N, v, &fe);
    web_errs_from_form(r, &fe, &f->e);
    f->org = v[0].text;
    f->p.kind = v[1].text;
    f->p.topic = v[2].text;
    f->p.lang = v[3].text;
    f->p.title = v[4].text;
    f->p.body = v[5].text;
    f->p.title_tr = v[6].text;
    f->p.body_tr = v[7].text;
    f->p.nace = v[8].list;
    f->p.n_nace = v[8].n_list;
    f->p.fos = v[9].list;
    f->p.n_fos = v[9].n_list;
    f->p.geo = v[10].list;
    f->p.n_geo = v[10].n_list;
    f->p.valid_until = v[11].text;
    f->p.visibility = v[12].text;
    return true;
}

/* The model's refusals beside their fields. */
static void errs_from_model(req *r, const form_errors *fe, web_errs *e)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf t = BUF_INIT;
        post_error_text(&t, r->lang, &fe->items[i]);
        web_errs_add(e, fe->items[i].field, arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
    }
}

void web_post_create(req *r)
{
    lang_id L = r->lang;
    post_org *orgs;
    size_t n;
    if (!orgs_of_user(r, &orgs, &n))
        return;
    post_form f = {0};
    if (!read_form(r, &f))
        return;
    int64_t org_id = 0;
    bool allowed = false;
    if (f.org && str_to_i64(f.org, &org_id)) {
        for (size_t i = 0; i < n && !allowed; i++)
            allowed = orgs[i].id == org_id;
        /* an organisation one may not speak for: a refusal, not a typo */
        if (!allowed || !rights_can(r->db, r->user, RIGHT_POST_WRITE, org_id)) {
            resp_error(r, 403, T(L, MSG_POST_FORBIDDEN));
            return;
        }
    } else {
        web_errs_add(&f.e, "org", T(L, MSG_FORM_ERR_REQUIRED));
    }
    f.p.org_id = org_id;
    if (f.e.n == 0) {
        form_errors fe = {0};
        int64_t id = 0;
        db_status st = post_create(r->db, &f.p, r->user->person_id, r->client_ip, &fe, &id);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=saved", (long long)id));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "post_create");
            return;
        }
        errs_from_model(r, &fe, &f.e);
    }
    r->status = 422;
    form_page(r, &f, orgs, n);
}

/* Loads {id} for a writer: 404 when unseen, 403 without the right. */
static bool load_for_write(req *r, post_rec *p)
{
    if (!web_post_load(r, p))
        return false;
    if (!rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id)) {
        resp_error(r, 403, T(r->lang, MSG_POST_FORBIDDEN));
        return false;
    }
    return true;
}

void web_post_edit_form(req *r)
{
    post_form f = {0};
    if (!load_for_write(r, &f.p))
        return;
    if (strcmp(f.p.status, "open") != 0) { /* with the way back to the post */
        r->status = 409;
        page_meta m = {.title = T(r->lang, MSG_POST_NOT_OPEN), .nav = "cooperation"};
        layout_begin(r, &m);
        html_fmt(&r->out, "<h1>%s</h1><p><a href=\"/cooperation/%D\">%s</a></p>",
                 T(r->lang, MSG_POST_NOT_OPEN), (long long)f.p.id, T(r->lang, MSG_POST_BACK));
        layout_end(r);
        return;
    }
    form_page(r, &f, NULL, 0);
}

void web_post_update(req *r)
{
    post_rec cur;
    if (!load_for_write(r, &cur))
        return;
    post_form f = {0};
    if (!read_form(r, &f))
        return;
    f.p.id = cur.id;
    f.p.org_id = cur.org_id;
    f.p.published_at = cur.published_at;
    if (f.e.n == 0) {
        form_errors fe = {0};
        db_status st = post_update(r->db, &f.p, r->user->person_id, r->client_ip, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=saved", (long long)cur.id));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "post_update");
            return;
        }
        errs_from_model(r, &fe, &f.e);
    }
    r->status = 422;
    form_page(r, &f, NULL, 0);
}

void web_post_close(req *r)
{
    post_rec p;
    if (!load_for_write(r, &p))
        return;
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    db_status st =
        post_close(r->db, p.id, form_get(&body, "reason"), r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        buf t = BUF_INIT;
        if (fe.n_items && strcmp(fe.items[0].field, "status") == 0)
            buf_puts(&t, T(r->lang, MSG_POST_NOT_OPEN));
        else if (fe.n_items)
            post_error_text(&t, r->lang, &fe.items[0]);
        resp_error(r, fe.n_items && strcmp(fe.items[0].field, "status") == 0 ? 409 : 422,
                   arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "post_close");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=closed", (long long)p.id));
}

void web_post_hide(req *r)
{
    if (!rights_can(r->db, r->user, RIGHT_POST_HIDE, 0)) {
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    post_rec p;
    if (!web_post_load(r, &p))
        return;
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    db_status st = post_hide(r->db, p.id, form_get(&body, "reason"), r->user->person_id,
                             r->client_ip, web_base_url(r), &fe);
    if (st == DB_CONSTRAINT && fe.n_items) {
        buf t = BUF_INIT;
        post_error_text(&t, r->lang, &fe.items[0]);
        r->status = 422;
        web_post_page(r, &p, NULL, arena_strdup(r->a, buf_str(&t)), NULL, NULL);
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "post_hide");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=hidden", (long long)p.id));
}

void web_post_report(req *r)
{
    post_rec p;
    if (!web_post_load(r, &p))
        return;
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    int64_t n = 0;
    db_status st = post_report(r->db, p.id, r->user->person_id, form_get(&body, "reason"),
                               r->client_ip, &fe, &n);
    if (st == DB_CONSTRAINT && fe.n_items) {
        buf t = BUF_INIT;
        post_error_text(&t, r->lang, &fe.items[0]);
        r->status = 422;
        web_post_page(r, &p, NULL, NULL, arena_strdup(r->a, buf_str(&t)), NULL);
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "post_report");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=reported", (long long)p.id));
}
