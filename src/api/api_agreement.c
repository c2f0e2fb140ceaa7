/* api_agreement.c: partners and agreements over JSON (issue 14).
 *
 *   GET   /api/v1/partners          partner entries with their relations
 *   GET   /api/v1/agreements        ?kind, status, party (slug), expiring=1
 *   POST  /api/v1/agreements/{id}/consent  a party's confirm/decline (api_tie.c)
 *   POST  /api/v1/agreements        create: the form's fields, parties as slugs
 *   GET   /api/v1/agreements/{id}   one agreement
 *   PATCH /api/v1/agreements/{id}   change the fields given (merge)
 *
 * The same model calls, rights and validation as the pages
 * (agreement.h); refusals are 422 with a message per field. Drafts are
 * seen only by those who may edit them; the signed document is not served
 * here (its page's download has the parties-only rule), only its name,
 * size and SHA-256. */
#include <string.h>

#include "api/api.h"
#include "core/strutil.h"
#include "json/json.h"
#include "model/agreement.h"
#include "model/cluster.h"
#include "model/rights.h"
#include "web/web.h"

static void start_json(req *r, unsigned status)
{
    r->status = status;
    r->content_type = "application/json";
    buf_reset(&r->out);
}

static void put_agreement(req *r, buf *o, const agreement_rec *g)
{
    buf_puts(o, "{");
    json_put_key(o, "id", true);
    json_put_int(o, g->id);
    json_put_field(o, "kind", g->kind);
    json_put_field(o, "title_sr", g->title_sr);
    json_put_field(o, "title_en", g->title_en);
    json_put_field(o, "summary_sr", g->summary_sr);
    json_put_field(o, "summary_en", g->summary_en);
    json_put_field(o, "signed_on", g->signed_on);
    json_put_field(o, "valid_from", g->valid_from);
    json_put_field(o, "valid_until", g->valid_until);
    json_put_field(o, "status", g->state);
    json_put_field(o, "stored_status", g->status);
    json_put_key(o, "parties", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < g->n_parties; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "slug", true);
        json_put_string(o, g->parties[i].slug);
        json_put_field(o, "name", g->parties[i].name);
        json_put_field(o, "name_en", g->parties[i].name_en);
        json_put_field(o, "kind", g->parties[i].kind);
        json_put_field(o, "consent", g->parties[i].consent);
        buf_puts(o, "}");
    }
    buf_puts(o, "]");
    json_put_key(o, "document", false);
    if (g->has_file) {
        buf_puts(o, "{");
        json_put_key(o, "name", true);
        json_put_string(o, g->file_name);
        json_put_key(o, "size", false);
        json_put_int(o, g->file_size);
        json_put_field(o, "sha256", g->file_sha256);
        /* the link only for who may download it (agreement_may_read_file) */
        bool may = agreement_may_read_file(r->db, r->user, g);
        json_put_key(o, "downloadable", false);
        json_put_bool(o, may);
        if (may)
            json_put_field(o, "href",
                           arena_printf(r->a, "/agreements/%lld/file", (long long)g->id));
        buf_puts(o, "}");
    } else {
        buf_puts(o, "null");
    }
    json_put_key(o, "is_demo", false);
    json_put_bool(o, g->is_demo);
    buf_puts(o, "}");
}

static const char *query_in(req *r, const char *name, const char *const *codes, bool *bad)
{
    const char *v = req_query(r, name);
    if (!v || !*v)
        return NULL;
    for (size_t i = 0; codes[i]; i++)
        if (strcmp(v, codes[i]) == 0)
            return codes[i];
    *bad = true;
    return NULL;
}

/* GET /api/v1/agreements */
void api_agreement_list(req *r)
{
    api_page pg;
    if (!api_page_parse(r, &pg))
        return;
    bool bad_kind = false, bad_status = false;
    agreement_filter f = {.kind = query_in(r, "kind", agreement_kinds, &bad_kind),
                          .state = query_in(r, "status", agreement_statuses, &bad_status),
                          .expiring = req_query(r, "expiring") &&
                                      strcmp(req_query(r, "expiring"), "1") == 0,
                          .with_drafts = r->user && r->user->secretariat != SEC_NONE,
                          .drafts_of = r->user ? r->user->person_id : 0,
                          .limit = pg.limit + 1,
                          .after_id = pg.after};
    if (bad_kind || bad_status) {
        resp_error(r, 400,
                   bad_kind ? "kind must be mou, cooperation, grant or network."
                            : "status must be draft, signed, expired or terminated.");
        return;
    }
    const char *party = req_query(r, "party");
    if (party && *party) {
        org_rec po;
        bool found = false;
        db_status st = strlen(party) <= 200 ? org_get(r->db, r->a, party, 0, &po, &found) : DB_OK;
        if (st != DB_OK) {
            resp_fail(r, st, "org_get");
            return;
        }
        if (!found) {
            resp_error(r, 400, "party must be the address (slug) of a directory entry.");
            return;
        }
        f.party_id = po.id;
    }
    agreement_rec *g = NULL;
    size_t n = 0;
    db_status st = agreement_list(r->db, r->a, &f, &g, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_list");
        return;
    }
    bool more = n > (size_t)pg.limit;
    if (more)
        n = (size_t)pg.limit;
    buf *o = &r->out;
    start_json(r, 200);
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        put_agreement(r, o, &g[i]);
    }
    buf_puts(o, "],\"next_cursor\":");
    if (more && n) {
        buf_putc(o, '"');
        api_cursor_encode(o, g[n - 1].id);
        buf_putc(o, '"');
    } else {
        buf_puts(o, "null");
    }
    buf_puts(o, "}\n");
}

static bool load(req *r, agreement_rec *g)
{
    int64_t id = 0;
    const char *s = req_param(r, "id");
    if (!s || !str_to_i64(s, &id) || id < 1) {
        resp_error(r, 404, "There is no such agreement.");
        return false;
    }
    bool found = false;
    db_status st = agreement_get(r->db, r->a, id, g, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_get");
        return false;
    }
    if (!found || !agreement_may_see(r->db, r->user, g)) {
        resp_error(r, 404, "There is no such agreement.");
        return false;
    }
    return true;
}

/* GET /api/v1/agreements/{id} */
void api_agreement_get(req *r)
{
    agreement_rec g;
    if (!load(r, &g))
        return;
    start_json(r, 200);
    put_agreement(r, &r->out, &g);
    buf_putc(&r->out, '\n');
}

/* POST /api/v1/agreements/{id}/consent: a party's answer (api_tie.c). */
void api_agreement_consent(req *r)
{
    agreement_rec g;
    if (!load(r, &g))
        return;
    static const tie_kind kinds[] = {TIE_AGREEMENT_PARTY};
    api_tie_consent(r, kinds, 1, &g, g.id,
                    "There is no such agreement, or the organisation is no party of it.");
}

/* The model's refusals in English, one per field. */
static void send_invalid(req *r, const form_errors *fe)
{
    api_errs e = {0};
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        buf t = BUF_INIT;
        if (strcmp(x->field, "parties") == 0)
            buf_puts(&t, T(LANG_EN, x->code == FE_TOO_SHORT          ? MSG_AG_E_TWO_PARTIES
                                    : x->code == FE_TOO_LONG         ? MSG_AG_E_TOO_MANY
                                    : x->code == FE_INVALID          ? MSG_AG_E_PARTY_KIND
                                    : x->code == FE_SECRETARIAT_ONLY ? MSG_AG_E_YOUR_CLUSTER
                                                                     : MSG_AG_E_PARTY_UNKNOWN));
        else if (strcmp(x->field, "valid_until") == 0 && x->code == FE_DATE_ORDER)
            buf_puts(&t, T(LANG_EN, MSG_AG_E_UNTIL_BEFORE_FROM));
        else if (strcmp(x->field, "signed_on") == 0 && x->code == FE_RANGE)
            buf_puts(&t, T(LANG_EN, MSG_AG_E_SIGNED_FUTURE));
        else if (strcmp(x->field, "signed_on") == 0 && x->code == FE_REQUIRED)
            buf_puts(&t, T(LANG_EN, MSG_AG_E_SIGNED_NEEDED));
        else if (strcmp(x->field, "status") == 0 && x->code == FE_MISMATCH)
            buf_puts(&t, T(LANG_EN, MSG_AG_E_NOT_EXPIRED));
        else
            form_error_text(&t, LANG_EN, x);
        api_errs_add(r, &e, x->field, arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
    }
    api_send_invalid(r, &e);
}

/* The body's members over *in (absent members keep what in holds):
 * strings copied to the arena, parties an array of slugs. False with the
 * 400 written when a member has the wrong type. */
static bool read_body(req *r, json_t *body, agreement_input *in)
{
    static const char *const names[] = {"kind",       "title_sr",    "title_en",
                                        "summary_sr", "summary_en",  "signed_on",
                                        "valid_from", "valid_until", "status"};
    const char **slots[] = {&in->kind,       &in->title_sr,    &in->title_en,
                            &in->summary_sr, &in->summary_en,  &in->signed_on,
                            &in->valid_from, &in->valid_until, &in->status};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        json_t *v = json_object_get(body, names[i]);
        if (!v)
            continue;
        if (json_is_null(v)) {
            *slots[i] = NULL;
        } else if (json_is_string(v)) {
            *slots[i] = arena_strdup(r->a, json_string_value(v));
        } else {
            resp_error(r, 400, arena_printf(r->a, "%s must be a string or null.", names[i]));
            return false;
        }
    }
    json_t *p = json_object_get(body, "parties");
    if (p) {
        if (!json_is_array(p) || json_array_size(p) > 100) {
            resp_error(r, 400, "parties must be an array of directory addresses (slugs).");
            return false;
        }
        const char **list = arena_alloc(r->a, (json_array_size(p) + 1) * sizeof *list);
        size_t n = 0;
        for (size_t i = 0; list && i < json_array_size(p); i++) {
            json_t *x = json_array_get(p, i);
            if (!json_is_string(x)) {
                resp_error(r, 400, "parties must be an array of directory addresses (slugs).");
                return false;
            }
            list[n++] = arena_strdup(r->a, json_string_value(x));
        }
        in->parties = list;
        in->n_parties = n;
    }
    return true;
}

static void save_json(req *r, agreement_rec *old)
{
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    agreement_input in = {0};
    const char **parties = NULL;
    if (old) { /* merge: start from what is stored */
        in = (agreement_input){.kind = old->kind,
                               .title_sr = old->title_sr,
                               .title_en = old->title_en,
                               .summary_sr = old->summary_sr,
                               .summary_en = old->summary_en,
                               .signed_on = old->signed_on,
                               .valid_from = old->valid_from,
                               .valid_until = old->valid_until,
                               .status = old->status};
        parties = arena_alloc(r->a, (old->n_parties + 1) * sizeof *parties);
        for (size_t i = 0; parties && i < old->n_parties; i++)
            parties[i] = old->parties[i].slug;
        in.parties = parties;
        in.n_parties = parties ? old->n_parties : 0;
    } else {
        in.status = "draft";
    }
    bool ok = read_body(r, body, &in);
    json_decref(body);
    if (!ok)
        return;
    form_errors fe = {0};
    int64_t id = 0;
    db_status st = agreement_save(r->db, r->user, old ? old->id : 0, &in, r->client_ip, &id, &fe);
    if (st == DB_CONSTRAINT && form_error_for(&fe, "parties") &&
        fe.items[0].code == FE_SECRETARIAT_ONLY && fe.n_items == 1) {
        resp_error(r, 403, T(LANG_EN, MSG_AG_E_YOUR_CLUSTER));
        return;
    }
    if (st == DB_CONSTRAINT) {
        send_invalid(r, &fe);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_save");
        return;
    }
    agreement_rec g;
    bool found = false;
    if ((st = agreement_get(r->db, r->a, id, &g, &found)) != DB_OK || !found) {
        resp_fail(r, st == DB_OK ? DB_ERR : st, "agreement_get");
        return;
    }
    start_json(r, old ? 200 : 201);
    if (!old)
        resp_header(r, "Location", arena_printf(r->a, "/api/v1/agreements/%lld", (long long)id));
    put_agreement(r, &r->out, &g);
    buf_putc(&r->out, '\n');
}

/* POST /api/v1/agreements */
void api_agreement_create(req *r)
{
    if (!agreement_may_edit(r->db, r->user, NULL)) {
        resp_error(r, 403, "Only the SCAN secretariat and cluster managers may enter agreements.");
        return;
    }
    save_json(r, NULL);
}

/* PATCH /api/v1/agreements/{id} */
void api_agreement_patch(req *r)
{
    agreement_rec g;
    if (!load(r, &g))
        return;
    if (!agreement_may_edit(r->db, r->user, &g)) {
        resp_error(r, 403, T(LANG_EN, MSG_AG_FORBIDDEN));
        return;
    }
    save_json(r, &g);
}

/* GET /api/v1/partners: partner entries, each with its agreements (not
 * drafts) and contact persons (e-mail and phone by the contact rule of
 * cluster teams: the person's public_contact, or RIGHT_VIEW_MEMBERS). */
void api_partner_list(req *r)
{
    api_page pg;
    if (!api_page_parse(r, &pg))
        return;
    agreement_partner *p = NULL;
    size_t n = 0;
    db_status st = agreement_partners(r->db, r->a, pg.after, pg.limit + 1, &p, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "agreement_partners");
        return;
    }
    bool more = n > (size_t)pg.limit;
    if (more)
        n = (size_t)pg.limit;
    buf *o = &r->out;
    start_json(r, 200);
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        agreement_filter f = {.party_id = p[i].id};
        agreement_rec *g = NULL;
        size_t n_g = 0;
        bool contacts = rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, p[i].id);
        cluster_info ci;
        st = agreement_list(r->db, r->a, &f, &g, &n_g);
        if (st == DB_OK)
            st = cluster_get(r->db, r->a, p[i].id, contacts, &ci);
        if (st != DB_OK) {
            resp_fail(r, st, "partner relations");
            return;
        }
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "slug", true);
        json_put_string(o, p[i].slug);
        json_put_field(o, "name", p[i].name);
        json_put_field(o, "name_en", p[i].name_en);
        json_put_field(o, "kind", p[i].kind);
        json_put_key(o, "agreements", false);
        buf_puts(o, "[");
        for (size_t k = 0; k < n_g; k++) {
            if (k)
                buf_putc(o, ',');
            put_agreement(r, o, &g[k]);
        }
        buf_puts(o, "]");
        json_put_key(o, "contacts", false);
        buf_puts(o, "[");
        bool first = true;
        for (size_t k = 0; k < ci.n_team; k++) {
            const cluster_team_rec *t = &ci.team[k];
            if ((t->until && *t->until) || t->invited)
                continue;
            buf_puts(o, first ? "{" : ",{");
            first = false;
            json_put_key(o, "name", true);
            json_put_string(o, t->name);
            json_put_field(o, "role", t->role);
            json_put_field(o, "role_en", t->role_en);
            json_put_field(o, "email", t->email);
            json_put_field(o, "phone", t->phone);
            buf_puts(o, "}");
        }
        buf_puts(o, "]}");
    }
    buf_puts(o, "],\"next_cursor\":");
    if (more && n) {
        buf_putc(o, '"');
        api_cursor_encode(o, p[n - 1].id);
        buf_putc(o, '"');
    } else {
        buf_puts(o, "null");
    }
    buf_puts(o, "}\n");
}
