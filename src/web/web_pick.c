/* web_pick.c: choosing a directory entry in a form without script (issue
 * 14 review: the funder of a call and the parties of an agreement were
 * typed as addresses). A field naming an entry carries the typeahead
 * (data-suggest="fill", scan.js); when the words typed find no single
 * entry, the form comes back with web_org_choices beside the field: a
 * select of the published entries the search finds, and the next post
 * carries the chosen address in <name>_choice (web_org_choice_get). */
#include <string.h>

#include "db/search.h"
#include "html/html.h"
#include "model/org.h"
#include "web/web.h"
#include "web/web_org.h"

#define CHOICES_MAX 12

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
    for (size_t i = 0; i < n && shown < CHOICES_MAX; i++) {
        org_rec e;
        bool found = false;
        if ((st = org_summary(r->db, r->a, hits[i].ref, &e, &found)) != DB_OK)
            return st;
        if (!found || !e.status || strcmp(e.status, "published") != 0)
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
