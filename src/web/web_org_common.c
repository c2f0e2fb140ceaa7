/* web_org_common.c: what the directory pages and the search page share
 * (see web_org.h): reference labels, text in the reader's language and
 * script, the entry card of every list, pagination, and highlighting of
 * search words. Pages call the model (org.h) for data; this file only
 * shapes it for reading. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "core/utf8.h"
#include "i18n/collate.h"
#include "html/html.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"

static bool word_cp(uint32_t cp);

/* --- reference labels ------------------------------------------------------ */

static const char *const ref_tables[WREF__COUNT] = {"kind",   "nace",     "fos",
                                                    "region", "district", "geo"};

const char *web_ref_table(int t)
{
    return t >= 0 && t < WREF__COUNT ? ref_tables[t] : "";
}

const ref_item *web_refs_items(req *r, web_refs *refs, int t, size_t *n)
{
    assert(r && refs && n);
    *n = 0;
    if (t < 0 || t >= WREF__COUNT)
        return NULL;
    if (!refs->loaded[t]) {
        refs->loaded[t] = true;
        db_status st = ref_list(r->db, r->a, ref_tables[t], r->lang, &refs->items[t], &refs->n[t]);
        if (st != DB_OK) {
            refs->items[t] = NULL;
            refs->n[t] = 0;
            if (refs->st == DB_OK)
                refs->st = st;
        }
    }
    *n = refs->n[t];
    return refs->items[t];
}

const char *web_refs_label(req *r, web_refs *refs, int t, const char *code)
{
    assert(r && refs);
    if (!code || !*code)
        return NULL;
    size_t n;
    const ref_item *it = web_refs_items(r, refs, t, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(it[i].code, code) == 0)
            return it[i].label ? it[i].label : code;
    return code;
}

/* --- text in the reader's language ------------------------------------------ */

/* s transliterated to Latin (arena), or s itself when the arena is out of
 * memory. */
static const char *to_latin(req *r, const char *s)
{
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, s, strlen(s));
    const char *out = buf_failed(&b) ? NULL : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : s;
}

/* Serbian text is shown in Latin script to everyone but readers of
 * Serbian Cyrillic (English readers included: they can read Latin). */
static const char *in_script(req *r, const char *s)
{
    return r->lang == LANG_SR_CYRL ? s : to_latin(r, s);
}

const char *web_org_text(req *r, const char *sr, const char *en)
{
    assert(r && r->a && (unsigned)r->lang < LANG__COUNT);
    if (r->lang == LANG_EN)
        return !str_empty(en) ? en : !str_empty(sr) ? in_script(r, sr) : NULL;
    if (str_empty(sr))
        return !str_empty(en) ? en : NULL;
    return in_script(r, sr);
}

const char *web_org_name(req *r, const org_rec *o)
{
    assert(r && o);
    if (r->lang == LANG_EN && !str_empty(o->name_en))
        return o->name_en;
    if (str_empty(o->name))
        return o->slug ? o->slug : "";
    return in_script(r, o->name);
}

typedef struct sort_key {
    const char *key;
    size_t len, index;
} sort_key;

static int by_sort_key(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    int c = collate_cmp(x->key, x->len, y->key, y->len);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

bool web_sort_by_name(req *r, void *items, size_t n, size_t size,
                      const char *(*name_of)(const void *item))
{
    if (n < 2)
        return true;
    collate_script script = r->lang == LANG_SR_CYRL ? COLLATE_CYRL : COLLATE_LATN;
    sort_key *keys = arena_alloc(r->a, n * sizeof *keys);
    char *copy = arena_alloc(r->a, n * size);
    if (!keys || !copy)
        return false;
    buf k = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *name = name_of((char *)items + i * size);
        buf_reset(&k);
        if (!collate_key(&k, script, name ? name : "", name ? strlen(name) : 0) ||
            !(keys[i].key = arena_strndup(r->a, k.data ? k.data : "", k.len))) {
            buf_free(&k);
            return false;
        }
        keys[i].len = k.len;
        keys[i].index = i;
    }
    buf_free(&k);
    qsort(keys, n, sizeof *keys, by_sort_key);
    memcpy(copy, items, n * size);
    for (size_t i = 0; i < n; i++)
        memcpy((char *)items + i * size, copy + keys[i].index * size, size);
    return true;
}

const char *web_actor_name(req *r, int64_t actor_id, const char *name, bool erased, msg_id system)
{
    if (actor_id == 0)
        return T(r->lang, system);
    if (erased || str_empty(name))
        return T(r->lang, MSG_ERASED_PERSON);
    return in_script(r, name);
}

const char *web_org_acronym(req *r, const org_rec *o)
{
    return str_empty(o->acronym) ? NULL : in_script(r, o->acronym);
}

const char *web_org_place(req *r, web_refs *refs, const org_rec *o)
{
    const char *m = str_empty(o->municipality) ? NULL : in_script(r, o->municipality);
    const char *d = web_refs_label(r, refs, WREF_DISTRICT, o->district);
    if (m && d)
        return arena_printf(r->a, "%s, %s", m, d);
    return m ? m : d;
}

const char *web_org_status_label(lang_id lang, const char *status)
{
    assert((unsigned)lang < LANG__COUNT);
    if (status && strcmp(status, "draft") == 0)
        return T(lang, MSG_DIR_STATUS_DRAFT);
    if (status && strcmp(status, "archived") == 0)
        return T(lang, MSG_DIR_STATUS_ARCHIVED);
    return T(lang, MSG_DIR_STATUS_PUBLISHED);
}

/* The upper case of a letter, for the scripts names come in (ASCII,
 * Latin-1, Latin Extended-A, Cyrillic); other code points unchanged. */
static uint32_t upper_cp(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return c - 0x20;
    if (c >= 0x100 && c <= 0x17F && (c & 1) && c != 0x131 && c != 0x138 && c != 0x149)
        return c - 1; /* č ć đ š ž ... (pairs: upper even, lower odd) */
    if (c >= 0x430 && c <= 0x44F)
        return c - 0x20;
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50; /* ђ ј љ њ ћ џ ... */
    return c;
}

static bool lower_cp(uint32_t c)
{
    return upper_cp(c) != c;
}

const char *web_org_monogram(req *r, const org_rec *o)
{
    bool acronym = !str_empty(o->acronym);
    const char *src = acronym ? web_org_acronym(r, o) : web_org_name(r, o);
    buf b = BUF_INIT;
    int taken = 0;
    size_t n = strlen(src);
    bool word_start = true;
    for (size_t i = 0; i < n && taken < 2;) {
        uint32_t cp;
        int l = utf8_decode(src + i, n - i, &cp);
        if (l <= 0) {
            i++;
            word_start = true;
            continue;
        }
        bool letter = word_cp(cp);
        /* an acronym gives its first two letters; a name the initials of
         * its first two words that do not start in lower case ("of") */
        if (letter && (acronym || (word_start && (taken == 0 || !lower_cp(cp))))) {
            utf8_put(&b, upper_cp(cp));
            taken++;
        }
        word_start = !letter;
        i += (size_t)l;
    }
    const char *out = buf_failed(&b) ? NULL : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

bool web_org_can(req *r, int right_action, int64_t id)
{
    return r->user && rights_can(r->db, r->user, (right)right_action, id);
}

bool web_org_load(req *r, org_rec *o)
{
    const char *slug = req_param(r, "slug");
    bool found = false;
    db_status st = slug ? org_get(r->db, r->a, slug, 0, o, &found) : DB_OK;
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    if (found && o->status && strcmp(o->status, "published") != 0 &&
        !(r->user && r->user->secretariat >= SEC_EDITOR) &&
        !web_org_can(r, RIGHT_ORG_EDIT, o->id) && !web_org_proposer_of(r, o))
        found = false;
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_DIR_NOT_FOUND));
        return false;
    }
    return true;
}

/* --- lists ------------------------------------------------------------------- */

void web_org_count_text(buf *out, lang_id lang, int64_t n)
{
    static const msg_id forms[3] = {MSG_DIR_COUNT_ONE, MSG_DIR_COUNT_FEW, MSG_DIR_COUNT_MANY};
    buf num = BUF_INIT;
    i18n_fmt_int(&num, lang, n);
    buf_printf(out, T(lang, forms[i18n_plural_form(lang, n)]), buf_str(&num));
    buf_free(&num);
}

void web_org_card(req *r, web_refs *refs, const org_rec *o, const char *query)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    const char *name = web_org_name(r, o);
    html_fmt(out, "<li class=\"org-card\"><span class=\"org-mono\" aria-hidden=\"true\">%s</span>",
             web_org_monogram(r, o));
    html_fmt(out, "<div class=\"org-body\"><h3 class=\"org-name\"><a href=\"/orgs/%q\">",
             o->slug ? o->slug : "");
    if (query)
        html_highlight(out, name, query);
    else
        html_text(out, name);
    html_raw(out, "</a>");
    if (!str_empty(o->acronym)) {
        html_raw(out, " <abbr>");
        if (query)
            html_highlight(out, web_org_acronym(r, o), query);
        else
            html_text(out, web_org_acronym(r, o));
        html_raw(out, "</abbr>");
    }
    if (o->status && strcmp(o->status, "published") != 0)
        html_fmt(out, " <span class=\"badge badge-%s\">%s</span>", o->status,
                 web_org_status_label(L, o->status));
    if (o->is_demo)
        html_fmt(out, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_DIR_DEMO));
    html_raw(out, "</h3>");

    const char *kind = web_refs_label(r, refs, WREF_KIND, o->kind);
    const char *place = web_org_place(r, refs, o);
    html_raw(out, "<p class=\"org-meta\">");
    if (kind)
        html_fmt(out, "<span class=\"org-kind\">%s</span>", kind);
    if (place)
        html_fmt(out, "<span class=\"org-place\">%s</span>", place);
    if (o->year_founded > 0) {
        buf y = BUF_INIT;
        buf_printf(&y, T(L, MSG_DIR_FOUNDED_IN), (int)o->year_founded);
        html_fmt(out, "<span class=\"org-year\">%s</span>", buf_str(&y));
        buf_free(&y);
    }
    html_raw(out, "</p>");
    const char *text = web_org_text(r, o->short_sr, o->short_en);
    if (text) {
        html_raw(out, "<p class=\"org-short\">");
        if (query)
            html_highlight(out, text, query);
        else
            html_text(out, text);
        html_raw(out, "</p>");
    }
    html_raw(out, "</div></li>\n");
}

/* One page link; the current page is marked and not a link. */
static void page_link(req *r, const char *base, int p, int current)
{
    buf *out = &r->out;
    if (p == current) {
        html_fmt(out, "<li><a aria-current=\"page\" class=\"current\">%d</a></li>", p);
        return;
    }
    const char *sep = strchr(base, '?') ? "&" : "?";
    const char *href = p == 1 ? base : arena_printf(r->a, "%s%spage=%d", base, sep, p);
    buf label = BUF_INIT;
    buf_printf(&label, T(r->lang, MSG_DIR_PAGE_N), p);
    html_fmt(out, "<li><a href=\"%u\" aria-label=\"%s\">%d</a></li>", href ? href : base,
             buf_str(&label), p);
    buf_free(&label);
}

void web_pagination(req *r, const char *base, int page, int pages)
{
    if (pages <= 1)
        return;
    lang_id L = r->lang;
    buf *out = &r->out;
    const char *sep = strchr(base, '?') ? "&" : "?";
    html_fmt(out, "<nav class=\"pager\" aria-label=\"%s\"><ul>", T(L, MSG_DIR_PAGINATION));
    if (page > 1) {
        const char *href =
            page == 2 ? base : arena_printf(r->a, "%s%spage=%d", base, sep, page - 1);
        html_fmt(out, "<li class=\"pager-step\"><a rel=\"prev\" href=\"%u\">‹ %s</a></li>",
                 href ? href : base, T(L, MSG_PREV_PAGE));
    }
    int lo = page - 2 < 1 ? 1 : page - 2;
    int hi = page + 2 > pages ? pages : page + 2;
    if (lo > 1) {
        page_link(r, base, 1, page);
        if (lo > 2)
            html_raw(out, "<li class=\"pager-gap\" aria-hidden=\"true\">…</li>");
    }
    for (int p = lo; p <= hi; p++)
        page_link(r, base, p, page);
    if (hi < pages) {
        if (hi < pages - 1)
            html_raw(out, "<li class=\"pager-gap\" aria-hidden=\"true\">…</li>");
        page_link(r, base, pages, page);
    }
    if (page < pages) {
        const char *href = arena_printf(r->a, "%s%spage=%d", base, sep, page + 1);
        html_fmt(out, "<li class=\"pager-step\"><a rel=\"next\" href=\"%u\">%s ›</a></li>",
                 href ? href : base, T(L, MSG_NEXT_PAGE));
    }
    html_raw(out, "</ul></nav>\n");
}

/* --- field labels ------------------------------------------------------------ */

static const struct {
    const char *field;
    msg_id label;
} field_labels[] = {
    {"name", MSG_DIR_L_NAME},
    {"name_en", MSG_DIR_L_NAME_EN},
    {"acronym", MSG_DIR_L_ACRONYM},
    {"slug", MSG_DIR_L_SLUG},
    {"kind", MSG_DIR_L_KIND},
    {"status", MSG_DIR_L_STATUS},
    {"short_sr", MSG_DIR_L_SHORT_SR},
    {"short_en", MSG_DIR_L_SHORT_EN},
    {"description_sr", MSG_DIR_L_DESC_SR},
    {"description_en", MSG_DIR_L_DESC_EN},
    {"website", MSG_DIR_L_WEBSITE},
    {"email", MSG_DIR_L_EMAIL},
    {"phone", MSG_DIR_L_PHONE},
    {"address", MSG_DIR_L_ADDRESS},
    {"municipality", MSG_DIR_L_MUNICIPALITY},
    {"district", MSG_DIR_L_DISTRICT},
    {"region", MSG_DIR_L_REGION},
    {"country", MSG_DIR_L_COUNTRY},
    {"year_founded", MSG_DIR_L_YEAR},
    {"pib", MSG_DIR_L_PIB},
    {"mb", MSG_DIR_L_MB},
    {"sectors", MSG_DIR_L_SECTORS},
    {"fos", MSG_DIR_L_FOS},
    {"geo", MSG_DIR_L_GEO},
    {"logo", MSG_DIR_L_LOGO},
    {"is_demo", MSG_DIR_DEMO},
};

const char *web_org_field_label(lang_id lang, const char *field)
{
    for (size_t i = 0; field && i < sizeof field_labels / sizeof field_labels[0]; i++)
        if (strcmp(field_labels[i].field, field) == 0)
            return T(lang, field_labels[i].label);
    return field ? field : "";
}

/* --- highlighting -------------------------------------------------------------- */

/* Whether code point cp belongs to a word: ASCII letters and digits, and
 * letters beyond ASCII (Latin with diacritics, Cyrillic, ...), roughly:
 * everything from U+00C0 except the multiplication and division signs and
 * the general punctuation and symbol blocks. */
static bool word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return false;
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return false;
    if (cp >= 0x3000 && cp <= 0x303F)
        return false;
    return true;
}

/* The length in bytes of the run starting at s (n bytes left) whose code
 * points are all word (is_word) or all not. Malformed bytes count as
 * non-word, one byte each. */
static size_t run_len(const char *s, size_t n, bool is_word)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int l = utf8_decode(s + i, n - i, &cp);
        bool w = l > 0 && word_cp(cp);
        if (w != is_word)
            break;
        i += l > 0 ? (size_t)l : 1;
    }
    return i;
}

#define HL_MAX_WORDS 16

void html_highlight(buf *out, const char *text, const char *query)
{
    if (!text)
        return;
    buf fq = BUF_INIT;
    if (query)
        utf8_fold(&fq, query, strlen(query));
    /* the folded query's words, as [start, len) into fq */
    size_t ws[HL_MAX_WORDS], wl[HL_MAX_WORDS], nw = 0;
    const char *q = buf_str(&fq);
    size_t qn = fq.len, i = 0;
    while (i < qn && nw < HL_MAX_WORDS) {
        uint32_t cp;
        int l = utf8_decode(q + i, qn - i, &cp);
        if (l > 0 && word_cp(cp)) {
            size_t len = run_len(q + i, qn - i, true);
            ws[nw] = i;
            wl[nw] = len;
            nw++;
            i += len;
        } else {
            i += l > 0 ? (size_t)l : 1;
        }
    }
    size_t n = strlen(text);
    buf fw = BUF_INIT;
    for (size_t p = 0; p < n;) {
        uint32_t cp;
        int l = utf8_decode(text + p, n - p, &cp);
        bool w = l > 0 && word_cp(cp);
        size_t len = run_len(text + p, n - p, w);
        if (len == 0)
            len = 1;
        bool mark = false;
        if (w && nw) {
            buf_reset(&fw);
            utf8_fold(&fw, text + p, len);
            for (size_t k = 0; k < nw && !mark; k++)
                mark = fw.len >= wl[k] && memcmp(fw.data, q + ws[k], wl[k]) == 0;
        }
        if (mark)
            html_raw(out, "<mark>");
        html_textn(out, text + p, len);
        if (mark)
            html_raw(out, "</mark>");
        p += len;
    }
    buf_free(&fw);
    buf_free(&fq);
}
