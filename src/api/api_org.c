/* api_org.c: the directory of organisations over JSON (/api/v1/orgs,
 * /api/v1/search): list with the page's filters and keyset cursors, one
 * entry with its classification labels, search, create, merge-patch and
 * archive.
 *
 * Handlers here only translate: query strings and JSON bodies become an
 * org_query or an org_rec, the model (org.c) does the work, and its
 * records are written back as JSON. Validation is the model's
 * (org_validate), worded by form_error_text() in English, so the API says
 * what the forms say; this file adds only what JSON itself can get wrong:
 * unknown keys, read-only keys and wrong types, each named in the 422.
 *
 * Visibility: the public (and anyone without a right on the entry) sees
 * published entries only; the secretariat sees every status, and a
 * manager or representative also sees the unpublished entry they may
 * edit. An entry one may not see answers 404, never 403, so its existence
 * does not leak. */
#include <stddef.h>
#include <string.h>

#include "api/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "db/search.h"
#include "json/json.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"

/* The longest search query we accept (the /search page's limit too). */
#define API_SEARCH_MAX 200
/* The most codes one list field (sectors, fos, geo) may carry. */
#define API_MAX_CODES 64

/* --- who sees what ---------------------------------------------------------- */

/* The secretariat (editors and admins) sees and lists every status. */
static bool is_secretariat(const req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

/* Whether the asker may see entry o: published, or they may edit it. */
static bool may_see(req *r, const org_rec *o)
{
    if (o->status && strcmp(o->status, "published") == 0)
        return true;
    if (!r->user)
        return false;
    return is_secretariat(r) || rights_can(r->db, r->user, RIGHT_ORG_EDIT, o->id);
}

/* --- writing records ---------------------------------------------------------- */

static void put_time(buf *o, const char *key, int64_t t)
{
    json_put_key(o, key, false);
    if (t <= 0) {
        buf_puts(o, "null");
        return;
    }
    buf_putc(o, '"');
    time_fmt_iso(o, t);
    buf_putc(o, '"');
}

static void put_codes(buf *o, const char *key, const char *const *codes, size_t n)
{
    json_put_key(o, key, false);
    buf_putc(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        json_put_string(o, codes[i]);
    }
    buf_putc(o, ']');
}

/* {"code":"label",...} for a list of codes, labels in English. */
static void put_code_labels(req *r, const char *key, const char *table, const char *const *codes,
                            size_t n)
{
    buf *o = &r->out;
    json_put_key(o, key, false);
    buf_putc(o, '{');
    for (size_t i = 0; i < n; i++) {
        json_put_key(o, codes[i], i == 0);
        json_put_string(o, ref_label(r->db, r->a, table, codes[i], LANG_EN));
    }
    buf_putc(o, '}');
}

/* The fields shared by list items and full records. */
static void put_summary_fields(buf *o, const org_rec *e)
{
    json_put_key(o, "id", true);
    json_put_int(o, e->id);
    json_put_field(o, "slug", e->slug);
    json_put_field(o, "name", e->name);
    json_put_field(o, "name_en", e->name_en);
    json_put_field(o, "acronym", e->acronym);
    json_put_field(o, "kind", e->kind);
    json_put_field(o, "status", e->status);
    json_put_field(o, "short_sr", e->short_sr);
    json_put_field(o, "short_en", e->short_en);
    json_put_field(o, "municipality", e->municipality);
    json_put_field(o, "district", e->district);
    json_put_field(o, "region", e->region);
    json_put_key(o, "year_founded", false);
    if (e->year_founded > 0)
        json_put_int(o, e->year_founded);
    else
        buf_puts(o, "null");
    json_put_key(o, "is_demo", false);
    json_put_bool(o, e->is_demo);
    put_time(o, "updated_at", e->updated_at);
}

/* A list item (OrgSummary in openapi.json). */
static void put_summary(buf *o, const org_rec *e)
{
    buf_putc(o, '{');
    put_summary_fields(o, e);
    buf_putc(o, '}');
}

/* The whole entry (Org in openapi.json): every field in the shape POST and
 * PATCH accept, plus read-only ones and English labels of the codes. */
static void put_full(req *r, const org_rec *e)
{
    buf *o = &r->out;
    buf_putc(o, '{');
    put_summary_fields(o, e);
    json_put_field(o, "description_sr", e->description_sr);
    json_put_field(o, "description_en", e->description_en);
    json_put_field(o, "website", e->website);
    json_put_field(o, "email", e->email);
    json_put_field(o, "phone", e->phone);
    json_put_field(o, "address", e->address);
    json_put_field(o, "country", e->country);
    json_put_field(o, "pib", e->pib);
    json_put_field(o, "mb", e->mb);
    put_codes(o, "sectors", e->sectors, e->n_sectors);
    put_codes(o, "fos", e->fos, e->n_fos);
    put_codes(o, "geo", e->geo, e->n_geo);
    json_put_key(o, "has_logo", false);
    json_put_bool(o, e->has_logo);
    json_put_key(o, "rev", false);
    json_put_int(o, e->rev);
    put_time(o, "created_at", e->created_at);
    json_put_key(o, "labels", false);
    buf_putc(o, '{');
    json_put_key(o, "kind", true);
    json_put_string(o, e->kind ? ref_label(r->db, r->a, "kind", e->kind, LANG_EN) : NULL);
    json_put_field(o, "region",
                   e->region ? ref_label(r->db, r->a, "region", e->region, LANG_EN) : NULL);
    json_put_field(o, "district",
                   e->district ? ref_label(r->db, r->a, "district", e->district, LANG_EN) : NULL);
    put_code_labels(r, "sectors", "nace", e->sectors, e->n_sectors);
    put_code_labels(r, "fos", "fos", e->fos, e->n_fos);
    put_code_labels(r, "geo", "geo", e->geo, e->n_geo);
    buf_puts(o, "}}\n");
}

/* Sends entry id (reloaded, so the answer shows what was stored) with
 * status; Location when created. */
static void send_entry(req *r, unsigned status, int64_t id)
{
    org_rec e;
    bool found = false;
    db_status st = org_get(r->db, r->a, NULL, id, &e, &found);
    if (st != DB_OK || !found) {
        resp_fail(r, st == DB_OK ? DB_ERR : st, "org reload after write");
        return;
    }
    if (status == 201) {
        buf loc = BUF_INIT;
        buf_puts(&loc, "/api/v1/orgs/");
        buf_puts(&loc, e.slug);
        resp_header(r, "Location", buf_str(&loc));
        buf_free(&loc);
    }
    r->status = status;
    r->content_type = "application/json";
    r->cache_control = "no-store";
    buf_reset(&r->out);
    put_full(r, &e);
}

/* --- 422 answers ------------------------------------------------------------------ */

/* Adds the model's validation errors in the forms' English wording. */
static void errs_from_form(req *r, api_errs *e, const form_errors *fe)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf t = BUF_INIT;
        form_error_text(&t, LANG_EN, &fe->items[i]);
        api_errs_add(r, e, fe->items[i].field, arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
    }
}

/* --- reading bodies ------------------------------------------------------------------ */

/* Keys a GET answer has that a client may not write (the writable ones
 * are org_fields, named as org_validate names them). */
static const char *const read_only_keys[] = {"id",     "created_at", "updated_at", "rev",
                                             "labels", "is_demo",    "has_logo",   NULL};

/* A copy of s without leading and trailing ASCII whitespace; NULL when
 * nothing is left. *nomem is set when the arena is out of memory. */
static const char *trimmed(arena *a, const char *s, bool *nomem)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (n == 0)
        return NULL;
    char *c = arena_strndup(a, s, n);
    if (!c)
        *nomem = true;
    return c;
}

/* Applies the keys of body to *rec: a key replaces that field, null
 * clears it, absent keys keep what rec holds (merge semantics). Unknown,
 * read-only and mistyped keys go to e. Returns false only when the arena
 * is out of memory. */
static bool apply_body(req *r, json_t *body, org_rec *rec, api_errs *e)
{
    const char *key;
    json_t *v;
    bool nomem = false;
    json_object_foreach(body, key, v)
    {
        const org_field *f = NULL;
        for (size_t i = 0; i < ORG_N_FIELDS; i++)
            if (strcmp(org_fields[i].name, key) == 0)
                f = &org_fields[i];
        if (!f) {
            bool ro = false;
            for (size_t i = 0; read_only_keys[i]; i++)
                ro = ro || strcmp(read_only_keys[i], key) == 0;
            api_errs_add(r, e, key, ro ? "This field is read-only." : "Unknown field.");
            continue;
        }
        char *base = (char *)rec;
        bool is_status = strcmp(key, "status") == 0;
        switch (f->type) {
        case ORG_FIELD_TEXT:
            if (json_is_null(v) && !is_status) {
                *(const char **)(base + f->off) = NULL;
            } else if (!json_is_string(v) && !is_status) {
                api_errs_add(r, e, key, "Must be a string or null.");
            } else if (is_status) {
                const char *s = json_is_string(v) ? json_string_value(v) : "";
                if (strcmp(s, "draft") != 0 && strcmp(s, "published") != 0 &&
                    strcmp(s, "archived") != 0)
                    api_errs_add(r, e, key, "Must be one of draft, published, archived.");
                else
                    *(const char **)(base + f->off) = arena_strdup(r->a, s);
            } else {
                *(const char **)(base + f->off) = trimmed(r->a, json_string_value(v), &nomem);
            }
            break;
        case ORG_FIELD_INT:
            if (json_is_null(v))
                *(int64_t *)(base + f->off) = 0;
            else if (!json_is_integer(v))
                api_errs_add(r, e, key, "Must be a whole number or null.");
            else
                *(int64_t *)(base + f->off) = (int64_t)json_integer_value(v);
            break;
        case ORG_FIELD_LIST: {
            const char **list = NULL;
            size_t n = 0;
            if (json_is_array(v)) {
                size_t len = json_array_size(v);
                if (len > API_MAX_CODES) {
                    api_errs_add(r, e, key, "Too many values: at most 64.");
                    break;
                }
                list = len ? arena_alloc(r->a, len * sizeof *list) : NULL;
                if (len && !list) {
                    nomem = true;
                    break;
                }
                size_t i;
                json_t *item;
                bool bad = false;
                json_array_foreach(v, i, item)
                {
                    if (!json_is_string(item)) {
                        bad = true;
                        break;
                    }
                    const char *c = trimmed(r->a, json_string_value(item), &nomem);
                    if (c)
                        list[n++] = c;
                }
                if (bad) {
                    api_errs_add(r, e, key, "Must be an array of code strings, or null.");
                    break;
                }
            } else if (!json_is_null(v)) {
                api_errs_add(r, e, key, "Must be an array of code strings, or null.");
                break;
            }
            *(const char ***)(base + f->off) = list;
            *(size_t *)(base + f->n_off) = n;
            break;
        }
        }
    }
    return !nomem;
}

/* Loads the entry named by {slug} that the asker may see, or writes the
 * 404 (or 5xx) and returns false. */
static bool load_visible(req *r, org_rec *e)
{
    bool found = false;
    const char *slug = req_param(r, "slug");
    db_status st = org_get(r->db, r->a, slug, 0, e, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org get");
        return false;
    }
    if (!found || !may_see(r, e)) {
        resp_error(r, 404, "No entry with this slug.");
        return false;
    }
    return true;
}

/* --- handlers ------------------------------------------------------------------------- */

/* A filter value from the query: NULL when absent or empty. */
static const char *filter(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* Sort choices: the page's values (web_org_list.c) plus "id", the
 * default, the only order a keyset cursor can follow. With the others the
 * cursor holds the next page number. */
static const struct {
    const char *value;
    org_sort sort;
    bool desc;
} api_sorts[] = {
    {"id", ORG_SORT_ID, false},
    {"name", ORG_SORT_NAME, false},
    {"name-desc", ORG_SORT_NAME, true},
    {"updated", ORG_SORT_UPDATED, true},
    {"updated-asc", ORG_SORT_UPDATED, false},
    {"founded", ORG_SORT_FOUNDED, false},
    {"founded-desc", ORG_SORT_FOUNDED, true},
};

/* GET /api/v1/orgs */
void api_org_list(req *r)
{
    api_page p;
    if (!api_page_parse(r, &p))
        return;
    org_query q = {.kind = filter(r, "kind"),
                   .sector = filter(r, "sector"),
                   .fos = filter(r, "fos"),
                   .region = filter(r, "region"),
                   .district = filter(r, "district"),
                   .geo = filter(r, "geo"),
                   .sort = ORG_SORT_ID,
                   .page = 1,
                   .per_page = p.limit};
    const char *sort = filter(r, "sort");
    if (sort) {
        size_t i = 0, n = sizeof api_sorts / sizeof api_sorts[0];
        while (i < n && strcmp(sort, api_sorts[i].value) != 0)
            i++;
        if (i == n) {
            resp_error(r, 400,
                       "sort must be id, name, name-desc, updated, updated-asc, founded "
                       "or founded-desc.");
            return;
        }
        q.sort = api_sorts[i].sort;
        q.names = org_names_for(r->lang);
        q.desc = api_sorts[i].desc;
    }
    /* every sort pages by keyset: the cursor is the last entry's id and
     * the next page starts after it in the sort's order, the same cost
     * at any depth (it held a page number, an OFFSET that walked every
     * entry before the page) */
    q.after_id = p.after;
    if (p.after > 0 && q.sort != ORG_SORT_ID) {
        org_rec last;
        bool found = false;
        db_status st = org_summary(r->db, r->a, p.after, &last, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "org list cursor");
            return;
        }
        if (!found) { /* its sort key went with it */
            resp_error(r, 400,
                       "cursor is not valid any more (its entry was deleted): start again "
                       "without a cursor.");
            return;
        }
    }
    const char *status = filter(r, "status");
    if (status && strcmp(status, "published") != 0) {
        if (strcmp(status, "draft") != 0 && strcmp(status, "archived") != 0 &&
            strcmp(status, "any") != 0) {
            resp_error(r, 400, "status must be published, draft, archived or any.");
            return;
        }
        if (!is_secretariat(r)) {
            resp_error(r, 403, "Only the secretariat can list entries that are not published.");
            return;
        }
        q.status = status;
    }
    org_list_result res;
    db_status st = org_list(r->db, r->a, &q, &res);
    if (st != DB_OK) {
        resp_fail(r, st, "org list");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < res.n_items; i++) {
        if (i)
            buf_putc(o, ',');
        put_summary(o, &res.items[i]);
    }
    buf_puts(o, "],\"next_cursor\":");
    if (res.n_items == (size_t)p.limit) {
        buf_putc(o, '"');
        api_cursor_encode(o, res.items[res.n_items - 1].id);
        buf_putc(o, '"');
    } else {
        buf_puts(o, "null");
    }
    json_put_key(o, "total", false);
    json_put_int(o, res.total);
    buf_puts(o, "}\n");
}

/* GET /api/v1/orgs/{slug} */
void api_org_get(req *r)
{
    org_rec e;
    if (!load_visible(r, &e))
        return;
    r->content_type = "application/json";
    put_full(r, &e);
}

/* GET /api/v1/search?q= : organisations by relevance. The cursor holds
 * search_query_after's position: a place among the ranked names (ranks
 * are not a stable key, and there are at most a few hundred), then the
 * last body-only match's document, so a deep page costs a seek. */
void api_search(req *r)
{
    const char *q = req_query(r, "q");
    if (!q || !*q) {
        resp_error(r, 400, "q is required: the words to search for.");
        return;
    }
    if (strlen(q) > API_SEARCH_MAX) {
        resp_error(r, 400, "q is too long: at most 200 characters.");
        return;
    }
    api_page p;
    if (!api_page_parse(r, &p))
        return;
    search_hit *hits = NULL;
    size_t n = 0;
    int64_t next = -1;
    db_status st = search_query_after(r->db, r->a, q, "org", p.limit, p.after, &hits, &n, &next);
    if (st != DB_OK) {
        resp_fail(r, st, "search");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        org_rec e;
        bool found = false;
        st = org_get(r->db, r->a, NULL, hits[i].ref, &e, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "search: org get");
            return;
        }
        if (!found || !may_see(r, &e))
            continue;
        buf_puts(o, first ? "{" : ",{");
        first = false;
        json_put_key(o, "slug", true);
        json_put_string(o, e.slug);
        json_put_field(o, "name", e.name);
        json_put_field(o, "name_en", e.name_en);
        json_put_field(o, "acronym", e.acronym);
        json_put_field(o, "kind", e.kind);
        json_put_field(o, "municipality", e.municipality);
        json_put_field(o, "short_en", e.short_en);
        buf_putc(o, '}');
    }
    buf_puts(o, "],\"next_cursor\":");
    if (next >= 0) {
        buf_putc(o, '"');
        api_cursor_encode(o, next);
        buf_putc(o, '"');
    } else {
        buf_puts(o, "null");
    }
    buf_puts(o, "}\n");
}

/* Writes the 422 for a failed create or update, or the 5xx. */
static void write_failed(req *r, db_status st, const form_errors *fe, const char *what)
{
    if (st == DB_CONSTRAINT && fe->n_items > 0) {
        api_errs e = {0};
        errs_from_form(r, &e, fe);
        api_send_invalid(r, &e);
        return;
    }
    resp_fail(r, st, what);
}

/* POST /api/v1/orgs */
void api_org_create(req *r)
{
    if (!rights_can(r->db, r->user, RIGHT_ORG_CREATE, 0)) {
        resp_error(r, 403, "Only the secretariat can add entries to the directory.");
        return;
    }
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    org_rec in = {0};
    api_errs e = {0};
    bool ok = apply_body(r, body, &in, &e);
    json_decref(body);
    if (!ok) {
        resp_fail(r, DB_NOMEM, "org create: body");
        return;
    }
    if (e.n) {
        api_send_invalid(r, &e);
        return;
    }
    db_status st = DB_OK;
    if (!in.slug && in.name) {
        in.slug = NULL;
        buf base = BUF_INIT;
        org_slugify(&base, in.name);
        const char *b = buf_failed(&base) ? NULL : arena_strdup(r->a, buf_str(&base));
        if (!b)
            st = DB_NOMEM;
        else if (*b)
            st = org_free_slug(r->db, r->a, b, 0, &in.slug);
        buf_free(&base);
        if (st != DB_OK) {
            resp_fail(r, st, "org create: slug");
            return;
        }
    }
    form_errors fe = {0};
    int64_t id = 0;
    st = org_create(r->db, &in, r->user->person_id, r->client_ip, &fe, &id);
    if (st != DB_OK) {
        write_failed(r, st, &fe, "org create");
        return;
    }
    send_entry(r, 201, id);
}

/* PATCH /api/v1/orgs/{slug}: JSON merge patch of the entry. The patch is
 * merged into the entry as read, and stored only if no other write came
 * in between (org_update_unless_stale); otherwise it is merged into the
 * entry read again, so concurrent patches of different fields all stay. */
enum { PATCH_TRIES = 32 }; /* each round stores at least one of the racing patches */
void api_org_patch(req *r)
{
    org_rec e;
    if (!load_visible(r, &e))
        return;
    if (!rights_can(r->db, r->user, RIGHT_ORG_EDIT, e.id)) {
        resp_error(r, 403, "You may not edit this entry.");
        return;
    }
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    for (int attempt = 0;; attempt++) {
        api_errs errs = {0};
        if (!apply_body(r, body, &e, &errs)) {
            resp_fail(r, DB_NOMEM, "org patch: body");
            break;
        }
        if (errs.n) {
            api_send_invalid(r, &errs);
            break;
        }
        form_errors fe = {0};
        bool stale = false;
        /* the kind classifies an entry: a change by anyone but the secretariat is a 422 */
        db_status st = org_update_unless_stale(r->db, &e, is_secretariat(r), r->user->person_id,
                                               r->client_ip, &fe, &stale);
        if (st != DB_OK) {
            write_failed(r, st, &fe, "org update");
            break;
        }
        if (!stale) {
            send_entry(r, 200, e.id);
            break;
        }
        if (attempt + 1 == PATCH_TRIES) {
            resp_error(r, 409,
                       "The entry kept changing while this patch was applied; send it again.");
            break;
        }
        if (!load_visible(r, &e))
            break;
    }
    json_decref(body);
}

/* POST /api/v1/orgs/{slug}/archive */
void api_org_archive(req *r)
{
    org_rec e;
    if (!load_visible(r, &e))
        return;
    if (!rights_can(r->db, r->user, RIGHT_ORG_EDIT, e.id)) {
        resp_error(r, 403, "You may not edit this entry.");
        return;
    }
    if (strcmp(e.status, "archived") != 0) {
        db_status st = org_set_status(r->db, e.id, "archived", r->user->person_id, r->client_ip);
        if (st != DB_OK) {
            resp_fail(r, st, "org archive");
            return;
        }
    }
    send_entry(r, 200, e.id);
}
