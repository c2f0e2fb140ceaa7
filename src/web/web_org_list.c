/* web_org_list.c: GET /orgs, the directory: filters with counts (kind,
 * sector, thematic focus, region, district, geographical focus), sorting
 * and numbered pages, every state a short shareable URL.
 *
 * The filter form is a plain GET form; empty fields are dropped by a 303
 * to the canonical URL (scan.js drops them before submitting, saving the
 * round trip). Anonymous requests are answered from page_cache.c keyed by
 * directory_version, language and URL, so a repeated hit costs one
 * version query and a memcpy; logged-in users bypass the cache because
 * their pages carry user-specific bits. Data comes from org_list(). */
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/org_proposal.h"
#include "model/rights.h"
#include "web/page_cache.h"
#include "web/web.h"
#include "web/web_org.h"

/* The filters, in URL order, with the facet and reference table of each. */
enum { F_KIND, F_SECTOR, F_FOS, F_REGION, F_DISTRICT, F_GEO, F__COUNT };
static const struct {
    const char *param; /* query parameter and org_list facet name */
    int ref;           /* WREF_* of its labels */
    msg_id label;
} filters[F__COUNT] = {
    {"kind", WREF_KIND, MSG_DIR_F_KIND},
    {"sector", WREF_NACE, MSG_DIR_F_SECTOR},
    {"fos", WREF_FOS, MSG_DIR_F_FOS},
    {"region", WREF_REGION, MSG_DIR_F_REGION},
    {"district", WREF_DISTRICT, MSG_DIR_F_DISTRICT},
    {"geo", WREF_GEO, MSG_DIR_F_GEO},
};

/* Sort choices: the URL value ("" = the default), the model's order and
 * direction, and the label. */
static const struct {
    const char *value;
    org_sort sort;
    bool desc;
    msg_id label;
} sorts[] = {
    {"", ORG_SORT_NAME, false, MSG_DIR_SORT_NAME_ASC},
    {"name-desc", ORG_SORT_NAME, true, MSG_DIR_SORT_NAME_DESC},
    {"updated", ORG_SORT_UPDATED, true, MSG_DIR_SORT_UPDATED_DESC},
    {"updated-asc", ORG_SORT_UPDATED, false, MSG_DIR_SORT_UPDATED_ASC},
    {"founded", ORG_SORT_FOUNDED, false, MSG_DIR_SORT_FOUNDED_ASC},
    {"founded-desc", ORG_SORT_FOUNDED, true, MSG_DIR_SORT_FOUNDED_DESC},
};
#define N_SORTS (sizeof sorts / sizeof sorts[0])

/* The label of a sort in L: the abeceda ends in Ž, not in the Ш the
 * Cyrillic label's transliteration would give. */
static msg_id sort_label(lang_id L, msg_id label)
{
    if (L == LANG_SR_LATN && label == MSG_DIR_SORT_NAME_ASC)
        return MSG_DIR_SORT_NAME_ASC_LATN;
    if (L == LANG_SR_LATN && label == MSG_DIR_SORT_NAME_DESC)
        return MSG_DIR_SORT_NAME_DESC_LATN;
    return label;
}

/* Statuses editors may ask for ("" = published only). */
static const char *const statuses[] = {"", "any", "draft", "archived"};
static const msg_id status_labels[] = {MSG_DIR_STATUS_PUBLISHED, MSG_DIR_STATUS_ANY,
                                       MSG_DIR_STATUS_DRAFT, MSG_DIR_STATUS_ARCHIVED};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

typedef struct list_state {
    const char *value[F__COUNT]; /* NULL = no filter */
    const char *status;          /* NULL = published (editors only) */
    size_t sort;                 /* index into sorts[] */
    int page;
} list_state;

static bool is_editor(const req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

/* Reads the state from the query string. *canonical is false when the URL
 * holds something the canonical URL would drop (empty values, the default
 * sort, page 1, a status the asker may not use). False when a value is
 * unusable (page not a positive number, unknown sort): the caller answers
 * 400. */
static bool state_parse(req *r, list_state *s, bool *canonical)
{
    memset(s, 0, sizeof *s);
    s->page = 1;
    *canonical = true;
    for (int i = 0; i < F__COUNT; i++) {
        const char *v = req_query(r, filters[i].param);
        if (v && !*v)
            *canonical = false;
        s->value[i] = v && *v ? v : NULL;
    }
    const char *st = req_query(r, "status");
    if (st) {
        bool known = false;
        for (size_t i = 1; i < N_STATUSES; i++)
            known |= strcmp(st, statuses[i]) == 0;
        if (known && is_editor(r))
            s->status = st;
        else
            *canonical = false;
    }
    const char *so = req_query(r, "sort");
    if (so) {
        size_t i = 0;
        while (i < N_SORTS && strcmp(so, sorts[i].value) != 0)
            i++;
        if (i == N_SORTS)
            return false;
        if (i == 0)
            *canonical = false;
        s->sort = i;
    }
    const char *pg = req_query(r, "page");
    if (pg) {
        int64_t p;
        if (!str_to_i64(pg, &p) || p < 1 || p > 1000000)
            return false;
        const char *plain = arena_printf(r->a, "%lld", (long long)p);
        if (p == 1 || !plain || strcmp(pg, plain) != 0)
            *canonical = false; /* page=1, page=02 */
        s->page = (int)p;
    }
    /* a parameter the page does not know, or one given twice, is dropped
     * by the redirect: one cached render per meaningful URL */
    for (size_t i = 0; i < r->query.n_fields; i++) {
        const char *name = r->query.fields[i].name;
        bool known = strcmp(name, "status") == 0 || strcmp(name, "sort") == 0 ||
                     strcmp(name, "page") == 0 || strcmp(name, "lang") == 0;
        for (int k = 0; k < F__COUNT && !known; k++)
            known = strcmp(name, filters[k].param) == 0;
        for (size_t k = 0; k < i && known; k++)
            known = strcmp(r->query.fields[k].name, name) != 0;
        if (!known)
            *canonical = false;
    }
    return true;
}

/* The URL of state s, leaving out filter `skip` (-1: none), with page
 * `page` (1: no page parameter). Raw (the writer escapes it); arena. */
static const char *state_url(req *r, const list_state *s, int skip, int page)
{
    buf u = BUF_INIT;
    buf_puts(&u, "/orgs");
    char sep = '?';
    for (int i = 0; i < F__COUNT; i++) {
        if (i == skip || !s->value[i])
            continue;
        buf_putc(&u, sep);
        buf_puts(&u, filters[i].param);
        buf_putc(&u, '=');
        html_urlencode(&u, s->value[i]);
        sep = '&';
    }
    if (s->status) {
        buf_printf(&u, "%cstatus=", sep);
        html_urlencode(&u, s->status);
        sep = '&';
    }
    if (s->sort) {
        buf_printf(&u, "%csort=%s", sep, sorts[s->sort].value);
        sep = '&';
    }
    if (page > 1)
        buf_printf(&u, "%cpage=%d", sep, page);
    const char *out = buf_failed(&u) ? "/orgs" : arena_strdup(r->a, buf_str(&u));
    buf_free(&u);
    return out ? out : "/orgs";
}

/* The count org_list gave for code in facet f, or -1 when not listed. */
static int64_t facet_count(const org_list_result *res, int f, const char *code)
{
    for (size_t i = 0; i < res->n_facets; i++) {
        const org_facet *fc = &res->facets[i];
        if (!fc->name || strcmp(fc->name, filters[f].param) != 0)
            continue;
        for (size_t k = 0; k < fc->n_values; k++)
            if (fc->values[k].code && strcmp(fc->values[k].code, code) == 0)
                return fc->values[k].count;
        return -1;
    }
    return -1;
}

/* The label an option shows for a reference item: NACE codes lead their
 * labels ("C Manufacturing"), lower levels are indented. */
static const char *option_label(req *r, int ref, const ref_item *it)
{
    const char *label = it->label ? it->label : it->code;
    const char *indent = it->parent && *it->parent ? "\u00a0\u00a0\u00a0" : "";
    if (ref == WREF_NACE)
        return arena_printf(r->a, "%s%s %s", indent, it->code, label);
    return arena_printf(r->a, "%s%s", indent, label);
}

/* One filter select: "Any" first, then every value with entries among
 * those matching the other filters, with its count; the chosen value is
 * always offered. */
static void filter_select(req *r, web_refs *refs, const org_list_result *res, const list_state *s,
                          int f)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    size_t n;
    const ref_item *items = web_refs_items(r, refs, filters[f].ref, &n);
    html_fmt(o, "<div class=\"filter\"><label for=\"f-%s\">%s</label>", filters[f].param,
             T(L, filters[f].label));
    html_fmt(o, "<select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>", filters[f].param,
             filters[f].param, T(L, MSG_DIR_ANY));
    buf num = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        bool chosen = s->value[f] && strcmp(s->value[f], items[i].code) == 0;
        int64_t c = facet_count(res, f, items[i].code);
        if (c <= 0 && !chosen)
            continue;
        buf_reset(&num);
        i18n_fmt_int(&num, L, c < 0 ? 0 : c);
        html_fmt(o, "<option value=\"%s\"%R>%s (%s)</option>", items[i].code,
                 chosen ? " selected" : "", option_label(r, filters[f].ref, &items[i]),
                 buf_str(&num));
    }
    buf_free(&num);
    html_raw(o, "</select></div>\n");
}

/* The sidebar form with every filter (and, for editors, the status). */
static void filter_form(req *r, web_refs *refs, const org_list_result *res, const list_state *s)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    /* a <details> so narrow screens can fold the filters away (scan.js
     * closes it there; without JavaScript it stays open) */
    html_fmt(o,
             "<aside class=\"dir-filters\" aria-labelledby=\"filters-title\">"
             "<details class=\"filter-panel\" open data-fold-narrow><summary>"
             "<h2 id=\"filters-title\">%s</h2></summary>"
             "<form id=\"dir-filters\" class=\"filter-form\" action=\"/orgs\" method=\"get\" "
             "data-autosubmit>\n",
             T(L, MSG_DIR_FILTERS));
    for (int f = 0; f < F__COUNT; f++)
        filter_select(r, refs, res, s, f);
    if (is_editor(r)) {
        html_fmt(o,
                 "<div class=\"filter\"><label for=\"f-status\">%s</label>"
                 "<select id=\"f-status\" name=\"status\">",
                 T(L, MSG_DIR_F_STATUS));
        for (size_t i = 0; i < N_STATUSES; i++) {
            bool chosen = s->status ? strcmp(s->status, statuses[i]) == 0 : i == 0;
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", statuses[i],
                     chosen ? " selected" : "", T(L, status_labels[i]));
        }
        html_raw(o, "</select></div>\n");
    }
    html_fmt(o, "<div class=\"filter-actions\"><button type=\"submit\">%s</button>",
             T(L, MSG_DIR_APPLY));
    bool any = s->status != NULL;
    for (int f = 0; f < F__COUNT; f++)
        any |= s->value[f] != NULL;
    if (any)
        html_fmt(o, " <a class=\"button button-quiet\" href=\"/orgs\">%s</a>", T(L, MSG_DIR_CLEAR));
    html_raw(o, "</div></form></details></aside>\n");
}

/* The chosen filters as chips, each a link to the same list without it. */
static void active_chips(req *r, web_refs *refs, const list_state *s)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    bool any = false;
    for (int f = 0; f < F__COUNT; f++) {
        if (!s->value[f])
            continue;
        if (!any)
            html_fmt(o, "<ul class=\"chips\" aria-label=\"%s\">", T(L, MSG_DIR_ACTIVE_FILTERS));
        any = true;
        html_fmt(o,
                 "<li><a class=\"chip\" href=\"%u\"><span class=\"chip-key\">%s:</span> %s "
                 "<span aria-hidden=\"true\">×</span><span class=\"visually-hidden\"> (%s)</span>"
                 "</a></li>",
                 state_url(r, s, f, 1), T(L, filters[f].label),
                 web_refs_label(r, refs, filters[f].ref, s->value[f]), T(L, MSG_DIR_REMOVE_FILTER));
    }
    if (any)
        html_raw(o, "</ul>\n");
}

/* The toolbar above the results: the count (the results' heading) and the
 * sort select, which belongs to the filter form (form= attribute). */
static void toolbar(req *r, const org_list_result *res, const list_state *s)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    buf count = BUF_INIT;
    web_org_count_text(&count, L, res->total);
    html_fmt(o, "<div class=\"dir-toolbar\"><h2 id=\"results-title\">%s</h2>", buf_str(&count));
    buf_free(&count);
    html_fmt(o,
             "<div class=\"sort\"><label for=\"f-sort\">%s</label>"
             "<select id=\"f-sort\" name=\"sort\" form=\"dir-filters\">",
             T(L, MSG_DIR_SORT));
    for (size_t i = 0; i < N_SORTS; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", sorts[i].value,
                 i == s->sort ? " selected" : "", T(L, sort_label(L, sorts[i].label)));
    html_fmt(o,
             "</select><button type=\"submit\" form=\"dir-filters\" class=\"button-small "
             "no-js-only\">%s</button></div></div>\n",
             T(L, MSG_DIR_SORT_BUTTON));
}

/* True when the reader may propose directory entries (a read error
 * hides the link; the form itself checks again). */
static bool may_propose(req *r)
{
    bool yes = false;
    return r->user && org_proposal_may(r->db, r->user->person_id, &yes) == DB_OK && yes;
}

static void render(req *r, const list_state *s, const org_list_result *res, int pages)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    web_refs refs = {0};
    page_meta m = {.title = T(L, MSG_DIR_TITLE), .description = T(L, MSG_DIR_LEAD), .nav = "orgs"};
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div>",
             T(L, MSG_DIR_TITLE), T(L, MSG_DIR_LEAD));
    if (web_org_can(r, RIGHT_ORG_CREATE, 0))
        html_fmt(o, "<a class=\"button\" href=\"/orgs/new\">%s</a>", T(L, MSG_DIR_NEW));
    else if (may_propose(r)) /* a cluster manager proposes entries (org_proposal.h) */
        html_fmt(o, "<a class=\"button button-secondary\" href=\"/orgs/new\">%s</a>",
                 T(L, MSG_PROPOSAL_NEW_TITLE));
    html_raw(o, "</div>\n<div class=\"dir-layout\">\n");
    filter_form(r, &refs, res, s);
    html_raw(o, "<section class=\"dir-results\" aria-labelledby=\"results-title\">\n");
    toolbar(r, res, s);
    active_chips(r, &refs, s);
    if (res->n_items == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_DIR_NONE));
    } else {
        html_raw(o, "<ol class=\"org-list\">\n");
        for (size_t i = 0; i < res->n_items; i++)
            web_org_card(r, &refs, &res->items[i], NULL);
        html_raw(o, "</ol>\n");
    }
    web_pagination(r, state_url(r, s, -1, 1), s->page, pages);
    html_raw(o, "</section>\n</div>\n");
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "ref_list");
}

void web_org_list(req *r)
{
    lang_id L = r->lang;
    list_state s;
    bool canonical;
    if (!state_parse(r, &s, &canonical)) {
        resp_error(r, 400, T(L, MSG_DIR_BAD_PARAMS));
        return;
    }
    if (!canonical) { /* a ?lang= stays: it is how a reader switches */
        const char *to = state_url(r, &s, -1, s.page);
        const char *lang = req_query(r, "lang");
        lang_id chosen;
        if (lang && i18n_parse(lang, &chosen))
            to = arena_printf(r->a, "%s%clang=%s", to, strchr(to, '?') ? '&' : '?',
                              i18n_tag(chosen));
        resp_redirect(r, to ? to : "/orgs");
        return;
    }

    /* anonymous: the cached body of this version, language and URL */
    bool cacheable = !r->user;
    int64_t version = 0;
    const char *key = NULL;
    if (cacheable) {
        db_status st = org_directory_version(r->db, &version);
        if (st != DB_OK) {
            resp_fail(r, st, "org_directory_version");
            return;
        }
        /* the canonical URL of the state (fixed parameter order, no
         * ?lang=: the language is its own part), so reordered parameters
         * share one entry */
        key = arena_printf(r->a, "orgs|%s|%s", i18n_tag(L), state_url(r, &s, -1, s.page));
        if (web_cache_serve(r, key, version))
            return;
    }

    org_query q = {.status = s.status,
                   .sort = sorts[s.sort].sort,
                   .names = org_names_for(L),
                   .desc = sorts[s.sort].desc,
                   .page = s.page,
                   .per_page = WEB_ORG_PER_PAGE,
                   .want_facets = true};
    q.kind = s.value[F_KIND];
    q.sector = s.value[F_SECTOR];
    q.fos = s.value[F_FOS];
    q.region = s.value[F_REGION];
    q.district = s.value[F_DISTRICT];
    q.geo = s.value[F_GEO];
    org_list_result res;
    memset(&res, 0, sizeof res);
    db_status st = org_list(r->db, r->a, &q, &res);
    if (st != DB_OK) {
        resp_fail(r, st, "org_list");
        return;
    }
    int pages = (int)((res.total + WEB_ORG_PER_PAGE - 1) / WEB_ORG_PER_PAGE);
    if (s.page > 1 && s.page > pages) {
        resp_error(r, 404, T(L, MSG_DIR_NO_SUCH_PAGE));
        return;
    }
    render(r, &s, &res, pages);
    if (cacheable && key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}
