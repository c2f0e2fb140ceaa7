/* web_pick.c: choosing a directory entry in a form without script (issue
 * 14 review: the funder of a call and the parties of an agreement were
 * typed as addresses). A field naming an entry carries the typeahead
 * (data-suggest="fill", scan.js); when the words typed find no single
 * entry, the form comes back with web_org_choices beside the field: a
 * select of the published entries the search finds, and the next post
 * carries the chosen address in <name>_choice (web_org_choice_get).
 * web_org_resolve is the one reading of such a field, shared by the
 * agreement and project forms (issue 14 review: the project form took
 * addresses only, the agreement form names too). */
#include <string.h>

#include "core/utf8.h"

#include "db/search.h"
#include "html/html.h"
#include "model/org.h"
#include "web/web.h"
#include "web/web_org.h"

#define CHOICES_MAX 12

/* The entries of hits[0..n) into (*e)[i], (*found)[i] false for one that
 * is gone: one query per 20 hits (org_summaries), not one per hit. Both
 * arrays from the request's arena. */
static db_status hit_entries(req *r, const search_hit *hits, size_t n, org_rec **e, bool **found)
{
    int64_t *ids = arena_alloc(r->a, (n ? n : 1) * sizeof *ids);
    *e = arena_alloc(r->a, (n ? n : 1) * sizeof **e);
    *found = arena_alloc(r->a, (n ? n : 1) * sizeof **found);
    if (!ids || !*e || !*found)
        return DB_NOMEM;
    for (size_t i = 0; i < n; i++)
        ids[i] = hits[i].ref;
    return org_summaries(r->db, r->a, ids, n, *e, *found);
}

/* Whether e may be named: published, or archived where allowed. */
static bool nameable(const org_rec *e, bool archived_ok)
{
    return e->status && (strcmp(e->status, "published") == 0 ||
                         (archived_ok && strcmp(e->status, "archived") == 0));
}

/* utf8_fold of s into the arena; NULL for NULL or no memory. */
static const char *folded(arena *a, const char *s)
{
    if (!s)
        return NULL;
    buf b = BUF_INIT;
    utf8_fold(&b, s, strlen(s));
    const char *out = buf_failed(&b) ? NULL : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out;
}

db_status web_org_resolve(req *r, const char *typed, const char *picked, bool archived_ok,
                          org_rec *o, web_pick *out)
{
    *out = WEB_PICK_EMPTY;
    bool found = false, several = false;
    db_status st = DB_OK;
    while (typed && (*typed == ' ' || *typed == '\t'))
        typed++;
    if (picked && *picked && strlen(picked) <= 200) /* chosen: the list, or the typeahead */
        st = org_get(r->db, r->a, picked, 0, o, &found);
    if (st != DB_OK || (found && nameable(o, archived_ok))) {
        *out = WEB_PICK_FOUND;
        return st;
    }
    if (!typed || !*typed) {
        if (picked && *picked)
            *out = WEB_PICK_UNKNOWN; /* a pick of an entry that is gone */
        return DB_OK;
    }
    *out = WEB_PICK_UNKNOWN;
    if (strlen(typed) > 200)
        return DB_OK;
    /* an address: the slug, or a link to the entry's page */
    const char *slug = strrchr(typed, '/') ? strrchr(typed, '/') + 1 : typed;
    if (*slug && (st = org_get(r->db, r->a, slug, 0, o, &found)) != DB_OK)
        return st;
    if (found && nameable(o, archived_ok)) {
        *out = WEB_PICK_FOUND;
        return DB_OK;
    }
    /* the Serbian name in either script, with or without diacritics */
    int64_t id = 0;
    if ((st = org_id_by_name(r->db, typed, &id, &several)) != DB_OK)
        return st;
    if (id && (st = org_get(r->db, r->a, NULL, id, o, &found)) != DB_OK)
        return st;
    if (id && found && nameable(o, archived_ok)) {
        *out = WEB_PICK_FOUND;
        return DB_OK;
    }
    /* the English name too, folded alike: among the entries a search of
     * the words finds, those whose name in either language folds to what
     * was typed; one is that one, several or only near ones are a choice */
    search_hit *hits = NULL;
    size_t n = 0;
    if ((st = search_query(r->db, r->a, typed, "org", CHOICES_MAX * 2, 0, &hits, &n)) != DB_OK)
        return st;
    const char *want = folded(r->a, typed);
    if (!want)
        return DB_NOMEM;
    size_t n_exact = 0, n_near = 0;
    org_rec exact;
    org_rec *es;
    bool *oks;
    if ((st = hit_entries(r, hits, n, &es, &oks)) != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        org_rec e = es[i];
        if (!oks[i] || !nameable(&e, archived_ok))
            continue;
        const char *fn = folded(r->a, e.name), *fe = folded(r->a, e.name_en);
        if ((fn && strcmp(fn, want) == 0) || (fe && strcmp(fe, want) == 0)) {
            if (n_exact++ == 0)
                exact = e;
        } else {
            n_near++;
        }
    }
    if (n_exact == 1) {
        *o = exact;
        *out = WEB_PICK_FOUND;
    } else if (n_exact > 1 || n_near > 0 || several) {
        *out = WEB_PICK_CHOOSE;
    }
    return DB_OK;
}

const char *web_org_choice_get(const form *f, const char *name)
{
    char key[64];
    if (strlen(name) > sizeof key - 8)
        return NULL;
    memcpy(key, name, strlen(name));
    memcpy(key + strlen(name), "_choice", 8);
    const char *v = form_get(f, key);
    return v && *v && strlen(v) <= 200 ? v : NULL;
}

db_status web_org_choices(req *r, const char *id, const char *name, const char *typed)
{
    while (typed && *typed == ' ')
        typed++;
    if (!typed || !*typed || strlen(typed) > 200)
        return DB_OK;
    search_hit *hits = NULL;
    size_t n = 0;
    db_status st = search_query(r->db, r->a, typed, "org", CHOICES_MAX * 2, 0, &hits, &n);
    if (st != DB_OK)
        return st;
    web_refs refs = {0};
    int shown = 0;
    org_rec *es;
    bool *found;
    if ((st = hit_entries(r, hits, n, &es, &found)) != DB_OK)
        return st;
    for (size_t i = 0; i < n && shown < CHOICES_MAX; i++) {
        const org_rec e = es[i];
        if (!found[i] || !e.status || strcmp(e.status, "published") != 0)
            continue;
        if (shown++ == 0) {
            const char *sid = arena_printf(r->a, "%s-choice", id);
            web_field_open(r, sid, T(r->lang, MSG_CALL_F_FUNDER_CHOICE), NULL, NULL);
            html_fmt(&r->out, "<select id=\"%s\" name=\"%s_choice\"><option value=\"\">%s</option>",
                     sid, name, T(r->lang, MSG_PICK_CHOOSE));
        }
        html_fmt(&r->out, "<option value=\"%s\">%s (%s)</option>", e.slug, web_org_name(r, &e),
                 web_refs_label(r, &refs, WREF_KIND, e.kind));
    }
    if (shown)
        html_raw(&r->out, "</select></div>\n");
    return DB_OK;
}
