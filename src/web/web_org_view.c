/* web_org_view.c: one directory entry as readers see it: the profile
 * (GET /orgs/{slug}) with schema.org JSON-LD and OpenGraph tags, its logo
 * (GET /orgs/{slug}/logo), and its history (GET /orgs/{slug}/history)
 * with a field-by-field difference per revision and "restore this
 * version" (POST /orgs/{slug}/restore).
 *
 * Drafts and archived entries are seen only by the secretariat and by
 * those who may edit them (web_org_load); everyone else gets a 404, so the
 * existence of a draft does not leak. Data comes from org.h; the
 * organisation's own e-mail and phone are public, people's contacts are
 * never shown here. */
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "html/html.h"
#include "html/layout.h"
#include "i18n/country.h"
#include "json/json.h"
#include "model/rights.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_advocacy.h"
#include "web/web_figures.h"
#include "web/web_news.h"
#include "web/web_org.h"
#include "web/web_project.h"

static bool empty(const char *s)
{
    return !s || !*s;
}

static bool is_editor(const req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

/* --- profile ---------------------------------------------------------------- */

/* A <dd> with the labels of a list of codes, as chips. */
static void code_chips(req *r, web_refs *refs, int t, const char *const *codes, size_t n)
{
    buf *o = &r->out;
    html_raw(o, "<dd><ul class=\"tags\">");
    for (size_t i = 0; i < n; i++)
        html_fmt(o, "<li>%s</li>", web_refs_label(r, refs, t, codes[i]));
    html_raw(o, "</ul></dd>\n");
}

/* The JSON-LD and OpenGraph image/url markup for <head> (arena). */
static const char *head_markup(req *r, const org_rec *o, const char *name, const char *text,
                               const char *place, org_rec *clusters, size_t n_clusters)
{
    const char *base = web_base_url(r);
    const char *self = base ? arena_printf(r->a, "%s/orgs/%s", base, o->slug) : NULL;
    buf j = BUF_INIT;
    buf_puts(&j, "{");
    json_put_key(&j, "@context", true);
    json_put_string(&j, "https://schema.org");
    json_put_key(&j, "@type", false);
    json_put_string(&j, "Organization");
    json_put_key(&j, "name", false);
    json_put_string(&j, name);
    if (!empty(o->acronym) || (!empty(o->name_en) && strcmp(name, o->name_en) != 0)) {
        json_put_key(&j, "alternateName", false);
        buf_putc(&j, '[');
        bool first = true;
        if (!empty(o->acronym)) {
            json_put_string(&j, o->acronym);
            first = false;
        }
        if (!empty(o->name_en) && strcmp(name, o->name_en) != 0) {
            if (!first)
                buf_putc(&j, ',');
            json_put_string(&j, o->name_en);
        }
        buf_putc(&j, ']');
    }
    if (self) {
        json_put_key(&j, "@id", false);
        json_put_string(&j, self);
        json_put_key(&j, "mainEntityOfPage", false);
        json_put_string(&j, self);
    }
    if (!empty(o->website)) {
        json_put_key(&j, "url", false);
        json_put_string(&j, o->website);
    }
    if (text) {
        json_put_key(&j, "description", false);
        json_put_string(&j, text);
    }
    if (!empty(o->email)) {
        json_put_key(&j, "email", false);
        json_put_string(&j, o->email);
    }
    if (!empty(o->phone)) {
        json_put_key(&j, "telephone", false);
        json_put_string(&j, o->phone);
    }
    if (o->year_founded > 0) {
        json_put_key(&j, "foundingDate", false);
        buf_printf(&j, "\"%04d\"", (int)o->year_founded);
    }
    if (!empty(o->pib)) {
        json_put_key(&j, "taxID", false);
        json_put_string(&j, o->pib);
    }
    if (o->has_logo && base) {
        json_put_key(&j, "logo", false);
        json_put_string(&j, arena_printf(r->a, "%s/orgs/%s/logo", base, o->slug));
    }
    if (place || !empty(o->address)) {
        json_put_key(&j, "address", false);
        buf_puts(&j, "{");
        json_put_key(&j, "@type", true);
        json_put_string(&j, "PostalAddress");
        if (!empty(o->address)) {
            json_put_key(&j, "streetAddress", false);
            json_put_string(&j, web_org_text(r, o->address, NULL));
        }
        if (!empty(o->municipality)) {
            json_put_key(&j, "addressLocality", false);
            json_put_string(&j, web_org_text(r, o->municipality, NULL));
        }
        json_put_key(&j, "addressCountry", false);
        json_put_string(&j, empty(o->country) ? "RS" : o->country);
        buf_puts(&j, "}");
    }
    if (n_clusters) {
        json_put_key(&j, "memberOf", false);
        buf_putc(&j, '[');
        for (size_t i = 0; i < n_clusters; i++) {
            if (i)
                buf_putc(&j, ',');
            buf_puts(&j, "{");
            json_put_key(&j, "@type", true);
            json_put_string(&j, "Organization");
            json_put_key(&j, "name", false);
            json_put_string(&j, web_org_name(r, &clusters[i]));
            if (base) {
                json_put_key(&j, "url", false);
                json_put_string(&j, arena_printf(r->a, "%s/orgs/%s", base, clusters[i].slug));
            }
            buf_puts(&j, "}");
        }
        buf_putc(&j, ']');
    }
    buf_puts(&j, "}");

    buf h = BUF_INIT;
    /* JSON-LD is data, not script: script-src does not apply, and the
     * writer escapes '<' so the element cannot be closed from inside */
    html_raw(&h, "<script type=\"application/ld+json\">");
    buf_append(&h, j.data ? j.data : "", j.len);
    html_raw(&h, "</script>\n");
    if (self)
        html_fmt(&h, "<meta property=\"og:url\" content=\"%u\">\n", self);
    if (self && o->has_logo)
        html_fmt(&h, "<meta property=\"og:image\" content=\"%u\">\n",
                 arena_printf(r->a, "%s/logo", self));
    const char *out = buf_failed(&j) || buf_failed(&h) ? NULL : arena_strdup(r->a, buf_str(&h));
    buf_free(&j);
    buf_free(&h);
    return out;
}

/* Keeps the entries the asker may see (published, or all for editors). */
static size_t visible_only(req *r, org_rec *items, size_t n)
{
    if (is_editor(r))
        return n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!items[i].status || strcmp(items[i].status, "published") == 0)
            items[k++] = items[i];
    return k;
}

/* The buttons of those who may change the entry. */
static void profile_actions(req *r, const org_rec *o)
{
    buf *out = &r->out;
    lang_id L = r->lang;
    if (!web_org_can(r, RIGHT_ORG_EDIT, o->id))
        return;
    html_raw(out, "<div class=\"profile-actions\">");
    html_fmt(out, "<a class=\"button\" href=\"/orgs/%q/edit\">%s</a>", o->slug,
             T(L, MSG_DIR_EDIT_ENTRY));
    bool published = o->status && strcmp(o->status, "published") == 0;
    if (published ||
        !web_org_proposal_pending(r, o)) { /* a proposal is published by accepting it */
        html_fmt(out, "<form method=\"post\" action=\"/orgs/%q/%R\">", o->slug,
                 published ? "archive" : "publish");
        layout_csrf_field(r);
        html_fmt(out, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
                 T(L, published ? MSG_DIR_ARCHIVE : MSG_DIR_PUBLISH));
    }
    html_raw(out, "</div>");
}

/* "Entry created by NAME on DATE · Modified on DATE", with the history
 * link. The creator is the actor of the first revision. */
static void profile_footer(req *r, const org_rec *o, const org_revision *revs, size_t n_revs)
{
    lang_id L = r->lang;
    const char *who =
        n_revs ? web_actor_name(r, revs[n_revs - 1].actor_id, revs[n_revs - 1].actor_name,
                                revs[n_revs - 1].actor_erased, MSG_DIR_SYSTEM_ACTOR)
               : T(L, MSG_DIR_SYSTEM_ACTOR);
    if (L != LANG_SR_CYRL) {
        buf t = BUF_INIT;
        utf8_cyr_to_lat(&t, who, strlen(who));
        who = buf_failed(&t) ? who : arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        if (!who)
            who = "";
    }
    buf created = BUF_INIT, modified = BUF_INIT, line = BUF_INIT;
    i18n_fmt_date(&created, L, n_revs ? revs[n_revs - 1].at : o->created_at);
    i18n_fmt_date(&modified, L, o->updated_at);
    buf_printf(&line, T(L, MSG_DIR_CREATED_BY), who, buf_str(&created));
    buf_puts(&line, " · ");
    buf_printf(&line, T(L, MSG_DIR_MODIFIED_ON), buf_str(&modified));
    html_fmt(&r->out,
             "<footer class=\"profile-foot\"><p>%s · <a href=\"/orgs/%q/history\">%s</a></p>"
             "</footer>\n",
             buf_str(&line), o->slug, T(L, MSG_DIR_HISTORY_LINK));
    buf_free(&created);
    buf_free(&modified);
    buf_free(&line);
}

/* The contact card: the organisation's own public contacts and place. */
static void contact_card(req *r, web_refs *refs, const org_rec *o)
{
    buf *out = &r->out;
    lang_id L = r->lang;
    html_fmt(out,
             "<aside class=\"profile-side\" aria-labelledby=\"contact-title\">"
             "<h2 id=\"contact-title\">%s</h2><dl class=\"facts\">",
             T(L, MSG_DIR_CONTACT));
    if (!empty(o->website))
        html_fmt(out, "<dt>%s</dt><dd><a href=\"%u\" rel=\"noopener\">%s</a></dd>",
                 T(L, MSG_DIR_L_WEBSITE), o->website, o->website);
    if (!empty(o->email))
        html_fmt(out, "<dt>%s</dt><dd><a href=\"%u\">%s</a></dd>", T(L, MSG_DIR_L_EMAIL),
                 arena_printf(r->a, "mailto:%s", o->email), o->email);
    if (!empty(o->phone))
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_PHONE), o->phone);
    if (!empty(o->address))
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_ADDRESS),
                 web_org_text(r, o->address, NULL));
    const char *place = web_org_place(r, refs, o);
    if (place)
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_PLACE), place);
    const char *region = web_refs_label(r, refs, WREF_REGION, o->region);
    if (region)
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_REGION), region);
    if (!empty(o->country) && strcmp(o->country, "RS") != 0) { /* abroad: say where */
        const char *country = country_name(L, o->country);
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_COUNTRY),
                 country ? country : o->country);
    }
    if (o->year_founded > 0)
        html_fmt(out, "<dt>%s</dt><dd>%d</dd>", T(L, MSG_DIR_L_YEAR), (int)o->year_founded);
    if (!empty(o->pib))
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_PIB), o->pib);
    if (!empty(o->mb))
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_MB), o->mb);
    html_raw(out, "</dl></aside>\n");
}

/* A related-entries section (clusters it belongs to, or members). */
static void related(req *r, web_refs *refs, const char *id, msg_id title, const org_rec *items,
                    size_t n)
{
    if (!n)
        return;
    buf *out = &r->out;
    html_fmt(out,
             "<section aria-labelledby=\"%s\"><h2 id=\"%s\">%s <span class=\"count\">%d</span>"
             "</h2><ol class=\"org-list org-list-compact\">\n",
             id, id, T(r->lang, title), (int)n);
    for (size_t i = 0; i < n; i++)
        web_org_card(r, refs, &items[i], NULL);
    html_raw(out, "</ol></section>\n");
}

/* Institutions that positions address (the kinds web_stakeholder.c takes). */
static bool is_institution(const char *kind)
{
    static const char *const kinds[] = {"public_authority", "chamber", "donor", "ngo"};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

/* The sections other files add to a profile, after its classification:
 * each writes its part and returns true when the entry is of its kind, or
 * writes nothing and returns false. A profile that no section claims
 * lists its members as cards. Each file provides its section; this file
 * only composes them, so none calls back here. */
typedef bool (*profile_section_fn)(req *r, const org_rec *o);
static const profile_section_fn profile_sections[] = {
    web_cluster_section,   /* clusters: members with their details (web_cluster_view.c) */
    web_relations_section, /* partners: agreements, contacts; never claims (web_agreement.c) */
};

static void profile_render(req *r)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    org_rec o;
    if (!web_org_load(r, &o))
        return;
    web_refs refs = {0};
    org_rec *clusters = NULL, *members = NULL;
    size_t n_clusters = 0, n_members = 0, n_revs = 0;
    org_revision *revs = NULL;
    db_status st = org_clusters_of(r->db, r->a, o.id, &clusters, &n_clusters);
    if (st == DB_OK)
        st = org_members_of(r->db, r->a, o.id, &members, &n_members);
    if (st == DB_OK)
        st = org_revisions(r->db, r->a, o.id, &revs, &n_revs);
    if (st != DB_OK) {
        resp_fail(r, st, "org profile");
        return;
    }
    n_clusters = visible_only(r, clusters, n_clusters);
    n_members = visible_only(r, members, n_members);

    const char *name = web_org_name(r, &o);
    const char *short_text = web_org_text(r, o.short_sr, o.short_en);
    const char *place = web_org_place(r, &refs, &o);
    const char *kind = web_refs_label(r, &refs, WREF_KIND, o.kind);
    page_meta m = {.title = name,
                   .description = short_text,
                   .nav = "orgs",
                   .head_raw = head_markup(r, &o, name, short_text, place, clusters, n_clusters)};
    layout_begin(r, &m);
    html_fmt(out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
             "<li aria-current=\"page\">%s</li></ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), name);
    if (o.status && strcmp(o.status, "published") != 0 && !web_org_proposal_notice(r, &o))
        html_fmt(
            out, "<div class=\"notice notice-warn\" role=\"status\"><p>%s</p></div>\n",
            T(L, strcmp(o.status, "draft") == 0 ? MSG_DIR_DRAFT_NOTICE : MSG_DIR_ARCHIVED_NOTICE));

    html_raw(out, "<header class=\"profile-head\">");
    if (o.has_logo)
        html_fmt(out,
                 "<img class=\"profile-logo\" src=\"/orgs/%q/logo\" alt=\"%s\" width=\"96\" "
                 "height=\"96\">",
                 o.slug, arena_printf(r->a, T(L, MSG_DIR_LOGO_ALT), name));
    else
        html_fmt(out, "<span class=\"profile-logo org-mono\" aria-hidden=\"true\">%s</span>",
                 web_org_monogram(r, &o));
    html_raw(out, "<div class=\"profile-title\">");
    if (kind)
        html_fmt(out, "<p class=\"eyebrow\">%s</p>", kind);
    html_fmt(out, "<h1>%s", name);
    if (!empty(o.acronym))
        html_fmt(out, " <abbr>%s</abbr>", web_org_acronym(r, &o));
    html_raw(out, "</h1>");
    const char *other = L == LANG_EN
                            ? (strcmp(name, o.name) != 0 ? web_org_text(r, o.name, NULL) : NULL)
                            : (!empty(o.name_en) ? o.name_en : NULL);
    html_raw(out, "<p class=\"profile-sub\">");
    if (other)
        html_fmt(out, "<span lang=\"%s\">%s</span>", L == LANG_EN ? "sr-Latn" : "en", other);
    if (place)
        html_fmt(out, "<span>%s</span>", place);
    if (o.is_demo)
        html_fmt(out, "<span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_DIR_DEMO));
    if (o.status && strcmp(o.status, "published") != 0)
        html_fmt(out, "<span class=\"badge badge-%s\">%s</span>", o.status,
                 web_org_status_label(L, o.status));
    html_raw(out, "</p></div>");
    profile_actions(r, &o);
    html_raw(out, "</header>\n<div class=\"profile-grid\"><div class=\"profile-main\">\n");

    const char *desc = web_org_text(r, o.description_sr, o.description_en);
    if (short_text || desc) {
        html_fmt(out, "<section aria-labelledby=\"about\"><h2 id=\"about\">%s</h2>",
                 T(L, MSG_DIR_ABOUT));
        if (short_text)
            html_fmt(out, "<p class=\"lead\">%s</p>", short_text);
        if (desc)
            html_paragraphs(out, desc);
        html_raw(out, "</section>\n");
    }
    html_fmt(out,
             "<section aria-labelledby=\"classification\"><h2 id=\"classification\">%s</h2>"
             "<dl class=\"facts facts-wide\">",
             T(L, MSG_DIR_CLASSIFICATION));
    if (kind)
        html_fmt(out, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_DIR_L_KIND), kind);
    if (o.n_sectors) {
        html_fmt(out, "<dt>%s</dt>", T(L, MSG_DIR_L_SECTORS));
        code_chips(r, &refs, WREF_NACE, o.sectors, o.n_sectors);
    }
    if (o.n_fos) {
        html_fmt(out, "<dt>%s</dt>", T(L, MSG_DIR_L_FOS));
        code_chips(r, &refs, WREF_FOS, o.fos, o.n_fos);
    }
    if (o.n_geo) {
        html_fmt(out, "<dt>%s</dt>", T(L, MSG_DIR_L_GEO));
        code_chips(r, &refs, WREF_GEO, o.geo, o.n_geo);
    }
    html_raw(out, "</dl></section>\n");
    bool claimed = false;
    for (size_t i = 0; i < sizeof profile_sections / sizeof profile_sections[0] && !claimed; i++)
        claimed = profile_sections[i](r, &o);
    if (!claimed)
        related(r, &refs, "members", MSG_DIR_MEMBERS, members, n_members);
    related(r, &refs, "member-of", MSG_DIR_MEMBER_OF, clusters, n_clusters);
    if (!web_funder_section(r, &o))    /* a funder: the calls it publishes, projects it funds */
        web_calls_section(r, &o);      /* else funding calls it may apply for (web_call.c) */
    web_projects_section(r, o.id);     /* its joint projects (web_project.c) */
    web_news_section(r, o.id, o.slug); /* a cluster's news (web_news.c) */
    if (is_institution(o.kind))        /* positions addressed to it, meetings (web_stakeholder.c) */
        web_stakeholder_section(r, o.id, o.slug, NULL, NULL);
    html_raw(out, "</div>\n");
    contact_card(r, &refs, &o);
    html_raw(out, "</div>\n");
    profile_footer(r, &o, revs, n_revs);
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "ref_list");
}

/* --- GET /orgs/{slug}: profiles from the page cache ------------------------------------ */

/* How long a cached profile may be served at most, whatever the versions
 * say: the page also shows people's names (the entry's creator, the
 * management team), and renaming or erasing a person bumps neither
 * version, so a render is never older than this. */
#define PROFILE_CACHE_SECONDS 60

void web_org_profile(req *r)
{
    if (r->user) { /* the page carries the user's name and buttons */
        profile_render(r);
        return;
    }
    int64_t version = 0;
    bool ok;
    const char *key = wf_cache_key(r, "profile", &version, &ok);
    if (!ok)
        return;
    /* the JSON-LD and og:url hold absolute links made from the public URL
     * or the Host header: part of the key, so one host never gets another's */
    const char *base = web_base_url(r);
    if (key)
        key = arena_printf(r->a, "%s|%s|%lld", key, base ? base : "",
                           (long long)(time_now() / PROFILE_CACHE_SECONDS));
    if (web_cache_serve(r, key, version))
        return;
    profile_render(r);
    /* every kind is kept, not clusters alone: a company's profile rendered
     * per request was 0.22x nginx at 100,000 entries (bench/directory.sh);
     * a failed cluster section is a 5xx, which server_hook_finish drops */
    if (key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- logo ------------------------------------------------------------------- */

void web_org_logo(req *r)
{
    org_rec o;
    if (!web_org_load(r, &o))
        return;
    const char *ct = NULL, *sha = NULL;
    const void *data = NULL;
    size_t n = 0;
    db_status st = o.has_logo ? org_get_logo(r->db, r->a, o.id, &ct, &data, &n, &sha) : DB_OK;
    if (st != DB_OK) {
        resp_fail(r, st, "org_get_logo");
        return;
    }
    if (!data || !ct) {
        resp_error(r, 404, T(r->lang, MSG_DIR_NO_LOGO));
        return;
    }
    r->content_type = ct;
    if (sha)
        r->etag = arena_strndup(r->a, sha, 32); /* the server's tag buffer holds 32 hex */
    if (strcmp(ct, "image/svg+xml") == 0)
        resp_header(r, "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    buf_append(&r->out, data, n);
}

/* --- history ------------------------------------------------------------------ */

/* A diff value for display: codes of classification fields become their
 * labels (lists are joined with ", "), Cyrillic becomes Latin for sr-Latn. */
static const char *diff_value(req *r, web_refs *refs, const char *field, const char *v)
{
    if (empty(v))
        return NULL;
    static const struct {
        const char *field;
        int ref;
    } coded[] = {{"kind", WREF_KIND}, {"sectors", WREF_NACE},      {"fos", WREF_FOS},
                 {"geo", WREF_GEO},   {"district", WREF_DISTRICT}, {"region", WREF_REGION}};
    for (size_t i = 0; i < sizeof coded / sizeof coded[0]; i++) {
        if (strcmp(field, coded[i].field) != 0)
            continue;
        buf b = BUF_INIT;
        const char *p = v;
        while (*p) {
            size_t len = strcspn(p, ",");
            const char *code = arena_strndup(r->a, p, len);
            while (code && *code == ' ')
                code++;
            if (b.len)
                buf_puts(&b, ", ");
            buf_puts(&b, code ? web_refs_label(r, refs, coded[i].ref, code) : "");
            p += len;
            if (*p == ',')
                p++;
        }
        const char *out = buf_failed(&b) ? v : arena_strdup(r->a, buf_str(&b));
        buf_free(&b);
        return out ? out : v;
    }
    if (strcmp(field, "status") == 0)
        return web_org_status_label(r->lang, v);
    return web_org_text(r, v, NULL);
}

static const struct {
    const char *action;
    msg_id label;
} actions[] = {
    {"create", MSG_DIR_ACTION_CREATE},   {"update", MSG_DIR_ACTION_UPDATE},
    {"restore", MSG_DIR_ACTION_RESTORE}, {"archive", MSG_DIR_ACTION_ARCHIVE},
    {"publish", MSG_DIR_ACTION_PUBLISH}, {"import", MSG_DIR_ACTION_IMPORT},
};

static const char *action_label(lang_id lang, const char *action)
{
    for (size_t i = 0; action && i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].action, action) == 0)
            return T(lang, actions[i].label);
    return action ? action : "";
}

/* Renders the history page; alert (or NULL) is shown above the list. */
static void history_page(req *r, const org_rec *o, const char *alert)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    org_revision *revs = NULL;
    size_t n = 0;
    db_status st = org_revisions(r->db, r->a, o->id, &revs, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "org_revisions");
        return;
    }
    web_refs refs = {0};
    const char *name = web_org_name(r, o);
    buf title = BUF_INIT;
    buf_printf(&title, T(L, MSG_DIR_HISTORY_TITLE), name);
    const char *title_s = arena_strdup(r->a, buf_str(&title));
    buf_free(&title);
    page_meta m = {.title = title_s ? title_s : name, .nav = "orgs"};
    layout_begin(r, &m);
    html_fmt(out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a>"
             "</li><li><a href=\"/orgs/%q\">%s</a></li><li aria-current=\"page\">%s</li>"
             "</ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), o->slug, name,
             T(L, MSG_DIR_HISTORY_LINK));
    html_fmt(out, "<h1>%s</h1>\n", title_s ? title_s : name);
    web_alert(r, alert);
    bool can_edit = web_org_can(r, RIGHT_ORG_EDIT, o->id);
    html_raw(out, "<ol class=\"history\">\n");
    for (size_t i = 0; i < n; i++) {
        const org_revision *v = &revs[i];
        buf when = BUF_INIT, rev = BUF_INIT;
        i18n_fmt_datetime(&when, L, v->at);
        buf_printf(&rev, T(L, MSG_DIR_REVISION_N), (int)v->rev);
        const char *who =
            web_actor_name(r, v->actor_id, v->actor_name, v->actor_erased, MSG_DIR_SYSTEM_ACTOR);
        html_fmt(out,
                 "<li class=\"revision\" id=\"rev-%D\"><div class=\"revision-head\">"
                 "<h2>%s</h2><p class=\"revision-meta\"><span class=\"badge\">%s</span> "
                 "%s · %s</p>",
                 (long long)v->rev, buf_str(&rev), action_label(L, v->action), buf_str(&when), who);
        buf_free(&when);
        buf_free(&rev);
        if (i > 0 && can_edit) {
            html_fmt(out,
                     "<form method=\"post\" action=\"/orgs/%q/restore\" class=\"inline-form\">",
                     o->slug);
            layout_csrf_field(r);
            html_fmt(out,
                     "<input type=\"hidden\" name=\"rev\" value=\"%D\">"
                     "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
                     (long long)v->rev, T(L, MSG_DIR_RESTORE));
        }
        html_raw(out, "</div>");
        org_change *ch = NULL;
        size_t n_ch = 0;
        if (org_diff(r->a, i + 1 < n ? revs[i + 1].snapshot : NULL, v->snapshot, &ch, &n_ch) != 0)
            n_ch = 0;
        if (n_ch == 0) {
            html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_DIR_NO_CHANGES));
        } else {
            html_fmt(out,
                     "<div class=\"table-wrap\"><table class=\"diff\"><thead><tr>"
                     "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                     "<th scope=\"col\">%s</th></tr></thead><tbody>",
                     T(L, MSG_DIR_FIELD), T(L, MSG_DIR_BEFORE), T(L, MSG_DIR_AFTER));
            for (size_t k = 0; k < n_ch; k++) {
                const char *before = diff_value(r, &refs, ch[k].field, ch[k].before);
                const char *after = diff_value(r, &refs, ch[k].field, ch[k].after);
                html_fmt(out, "<tr><th scope=\"row\">%s</th>", web_org_field_label(L, ch[k].field));
                if (before)
                    html_fmt(out, "<td class=\"diff-old\"><del>%s</del></td>", before);
                else
                    html_raw(out, "<td class=\"diff-none\">—</td>");
                if (after)
                    html_fmt(out, "<td class=\"diff-new\"><ins>%s</ins></td>", after);
                else
                    html_raw(out, "<td class=\"diff-none\">—</td>");
                html_raw(out, "</tr>");
            }
            html_raw(out, "</tbody></table></div>");
        }
        html_raw(out, "</li>\n");
    }
    html_raw(out, "</ol>\n");
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "ref_list");
}

void web_org_history(req *r)
{
    org_rec o;
    if (web_org_load(r, &o))
        history_page(r, &o, NULL);
}

void web_org_restore(req *r)
{
    lang_id L = r->lang;
    org_rec o;
    if (!web_org_load(r, &o))
        return;
    if (!web_org_can(r, RIGHT_ORG_EDIT, o.id)) {
        resp_error(r, 403, T(L, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    int64_t rev = 0;
    const char *rv = form_get(&f, "rev");
    if (!rv || !str_to_i64(rv, &rev) || rev < 1 || rev > o.rev) {
        resp_error(r, 400, T(L, MSG_DIR_BAD_REVISION));
        return;
    }
    form_errors fe = {0};
    bool classify = r->user->secretariat >= SEC_EDITOR; /* the kind is the secretariat's */
    db_status st =
        org_restore_as(r->db, o.id, rev, classify, r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        /* the old version no longer fits (its slug or PIB is taken now...) */
        buf t = BUF_INIT;
        buf_puts(&t, T(L, MSG_DIR_RESTORE_REFUSED));
        for (size_t i = 0; i < fe.n_items; i++) {
            buf_printf(&t, " %s: ", web_org_field_label(L, fe.items[i].field));
            form_error_text(&t, L, &fe.items[i]);
        }
        const char *alert =
            buf_failed(&t) ? T(L, MSG_DIR_RESTORE_REFUSED) : arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        r->status = 422;
        history_page(r, &o, alert);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "org_restore");
        return;
    }
    web_notice_next(r, NOTICE_RESTORED, 0);
    /* the slug may have changed with the restored version */
    org_rec now;
    bool found = false;
    if (org_get(r->db, r->a, NULL, o.id, &now, &found) == DB_OK && found && now.slug)
        resp_redirect(r, arena_printf(r->a, "/orgs/%s", now.slug));
    else
        resp_redirect(r, "/orgs");
}
