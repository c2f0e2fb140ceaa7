/* web_tie.c: consent on agreements and projects in pages (web_tie.h):
 * the mark beside a name, the confirm/decline forms, the posted
 * parameters, the one answer to them (pages and API), and the start
 * page's "awaiting confirmation" section. The write is the model's
 * (tie_consent, model/tie.c). */
#include "web/web_tie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/agreement.h"
#include "model/project.h"
#include "model/rights.h"
#include "model/tie.h"
#include "web/notice.h"
#include "web/web_org.h"

void web_tie_mark(req *r, const char *consent, const char *reason)
{
    if (!consent || strcmp(consent, "confirmed") == 0)
        return;
    bool declined = strcmp(consent, "declined") == 0;
    html_fmt(&r->out, " <span class=\"badge badge-%s\">%s</span>",
             declined ? "declined" : "awaiting",
             T(r->lang, declined ? MSG_TIE_DECLINED_MARK : MSG_TIE_AWAITING_MARK));
    if (declined && reason)
        html_fmt(&r->out, " <q class=\"small\">%s</q>", reason);
}

void web_tie_forms(req *r, const char *action, tie_kind kind, int64_t org_id, const char *name,
                   const char *error)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    char id[64];
    snprintf(id, sizeof id, "tie-reason-%s-%lld", tie_kind_code(kind), (long long)org_id);
    html_fmt(o, "<div class=\"tie-forms\"><form method=\"post\" action=\"%u\" class=\"inline\">",
             action);
    layout_csrf_field(r);
    html_fmt(o,
             "<input type=\"hidden\" name=\"org\" value=\"%D\"><input type=\"hidden\" "
             "name=\"as\" value=\"%s\"><input type=\"hidden\" "
             "name=\"decision\" value=\"confirm\"><button type=\"submit\">%s</button></form>",
             (long long)org_id, tie_kind_code(kind),
             arena_printf(r->a, T(L, MSG_TIE_CONFIRM_FOR), name));
    html_fmt(o, "<form method=\"post\" action=\"%u\" class=\"form tie-decline\">", action);
    layout_csrf_field(r);
    html_fmt(o,
             "<input type=\"hidden\" name=\"org\" value=\"%D\"><input type=\"hidden\" "
             "name=\"as\" value=\"%s\"><input type=\"hidden\" "
             "name=\"decision\" value=\"decline\">",
             (long long)org_id, tie_kind_code(kind));
    web_field(r, &(web_input){.id = id,
                              .name = "reason",
                              .type = "text",
                              .label = T(L, MSG_TIE_REASON),
                              .hint = T(L, MSG_TIE_REASON_HINT),
                              .error = error,
                              .maxlength = 500});
    html_fmt(o, "<button type=\"submit\" class=\"button-secondary\">%s</button></form></div>",
             T(L, MSG_TIE_DECLINE));
}

bool web_tie_params(req *r, const form *f, const tie_kind *kinds, size_t n_kinds, int64_t *org,
                    tie_kind *kind, bool *accept)
{
    const char *s = form_get(f, "org"), *d = form_get(f, "decision"), *as = form_get(f, "as");
    int64_t v = 0;
    tie_kind k = kinds[0];
    bool kind_ok = !as || !*as;
    if (!kind_ok && tie_kind_parse(as, &k))
        for (size_t i = 0; i < n_kinds; i++)
            kind_ok |= kinds[i] == k;
    if (!s || !str_to_i64(s, &v) || v <= 0 || !d ||
        (strcmp(d, "confirm") != 0 && strcmp(d, "decline") != 0) || !kind_ok) {
        resp_error(r, 400, T(r->lang, MSG_TIE_E_PARAMS));
        return false;
    }
    *org = v;
    *kind = k;
    *accept = strcmp(d, "confirm") == 0;
    return true;
}

/* Whether org is named as kind in obj (an agreement_rec for a party, a
 * project_rec otherwise) as the reader was shown it: a tie the reader is
 * not shown is no tie to them (its existence does not leak through a
 * 403). */
static bool shown(tie_kind kind, const void *obj, int64_t org)
{
    if (kind == TIE_AGREEMENT_PARTY) {
        const agreement_rec *g = obj;
        for (size_t i = 0; i < g->n_parties; i++)
            if (g->parties[i].org_id == org)
                return true;
        return false;
    }
    const project_rec *p = obj;
    if (kind == TIE_PROJECT_FUNDER)
        return p->funder_id == org;
    for (size_t i = 0; i < p->n_parts; i++)
        if (p->parts[i].org_id == org)
            return true;
    return false;
}

web_tie_outcome web_tie_decide(req *r, tie_kind kind, const void *obj, int64_t id, int64_t org,
                               bool accept, const char *reason)
{
    if (!shown(kind, obj, org))
        return WEB_TIE_NOT_NAMED;
    const char *now = NULL;
    db_status st = tie_state(r->db, kind, id, org, &now);
    if (st != DB_OK) {
        resp_fail(r, st, "tie_state");
        return WEB_TIE_FAILED;
    }
    if (!now)
        return WEB_TIE_NOT_NAMED;
    if (!r->user || !rights_can(r->db, r->user, RIGHT_TIE_CONFIRM, org))
        return WEB_TIE_FORBIDDEN;
    form_errors fe = {0};
    st = tie_consent(r->db, kind, id, org, accept, reason, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK)
        return WEB_TIE_DONE;
    if (st == DB_DONE)
        return WEB_TIE_NOT_NAMED; /* taken off between the look and the write */
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "tie_consent");
        return WEB_TIE_FAILED;
    }
    return form_error_for(&fe, "org") ? WEB_TIE_NOT_WAITING : WEB_TIE_BAD_REASON;
}

void web_tie_answer(req *r, const form *f, const web_tie_post *p)
{
    int64_t org = 0;
    tie_kind kind;
    bool accept = false;
    if (!web_tie_params(r, f, p->kinds, p->n_kinds, &org, &kind, &accept))
        return;
    switch (web_tie_decide(r, kind, p->obj, p->id, org, accept, form_get(f, "reason"))) {
    case WEB_TIE_DONE:
        if (!accept && p->seen && !p->seen(r, p->id)) {
            web_notice_next(r, NOTICE_TIE_DECLINED_GONE, -1);
            resp_redirect(r, "/start");
            return;
        }
        resp_redirect(r, arena_printf(r->a, "%s?%s=1", p->page, accept ? "confirmed" : "declined"));
        return;
    case WEB_TIE_NOT_NAMED:
        resp_error(r, 404, p->not_found);
        return;
    case WEB_TIE_FORBIDDEN:
        resp_error(r, 403, T(r->lang, MSG_TIE_FORBIDDEN));
        return;
    case WEB_TIE_NOT_WAITING:
        resp_error(r, 409, T(r->lang, MSG_TIE_NOT_WAITING));
        return;
    case WEB_TIE_BAD_REASON:
        r->status = 422;
        p->again(r, p->obj, T(r->lang, MSG_TIE_E_REASON));
        return;
    case WEB_TIE_FAILED:
        return;
    }
}

/* One group of the start section: agreements then projects, each a link. */
static void waiting_items(req *r, const agreement_rec *g, size_t n_g, const project_rec *p,
                          size_t n_p)
{
    for (size_t i = 0; i < n_g; i++)
        html_fmt(&r->out,
                 "<li><a href=\"/agreements/%D#consent\">%s</a> <span class=\"muted small\">%s"
                 "</span></li>",
                 (long long)g[i].id, web_org_text(r, g[i].title_sr, g[i].title_en),
                 T(r->lang, MSG_TIE_KIND_AGREEMENT));
    for (size_t i = 0; i < n_p; i++)
        html_fmt(&r->out,
                 "<li><a href=\"/projects/%D#consent\">%s</a> <span class=\"muted small\">%s"
                 "</span></li>",
                 (long long)p[i].id, web_org_text(r, p[i].title_sr, p[i].title_en),
                 T(r->lang, MSG_TIE_KIND_PROJECT));
}

bool web_tie_start(req *r, db_status *st)
{
    lang_id L = r->lang;
    int64_t me = r->user->secretariat != SEC_NONE ? 0 : r->user->person_id;
    agreement_rec *g1 = NULL, *g2 = NULL;
    project_rec *p1 = NULL, *p2 = NULL;
    size_t n_g1 = 0, n_g2 = 0, n_p1 = 0, n_p2 = 0;
    if ((*st = agreement_waiting(r->db, r->a, me, true, &g1, &n_g1)) != DB_OK ||
        (*st = project_waiting(r->db, r->a, me, true, &p1, &n_p1)) != DB_OK)
        return false;
    if (me && ((*st = agreement_waiting(r->db, r->a, me, false, &g2, &n_g2)) != DB_OK ||
               (*st = project_waiting(r->db, r->a, me, false, &p2, &n_p2)) != DB_OK))
        return false;
    /* the second list without what the first holds */
    size_t w = 0;
    for (size_t i = 0; i < n_g2; i++) {
        bool dup = false;
        for (size_t k = 0; k < n_g1; k++)
            dup |= g1[k].id == g2[i].id;
        if (!dup)
            g2[w++] = g2[i];
    }
    n_g2 = w;
    w = 0;
    for (size_t i = 0; i < n_p2; i++) {
        bool dup = false;
        for (size_t k = 0; k < n_p1; k++)
            dup |= p1[k].id == p2[i].id;
        if (!dup)
            p2[w++] = p2[i];
    }
    n_p2 = w;
    if (n_g1 + n_p1 + n_g2 + n_p2 == 0)
        return false;
    html_fmt(&r->out, "<section class=\"work card\" id=\"awaiting\"><h2>%s</h2>\n",
             T(L, MSG_TIE_START));
    if (n_g1 + n_p1) {
        html_fmt(&r->out, "<h3>%s</h3><ul class=\"work-list\">",
                 T(L, me ? MSG_TIE_START_YOURS : MSG_TIE_START_ALL));
        waiting_items(r, g1, n_g1, p1, n_p1);
        html_raw(&r->out, "</ul>");
    }
    if (n_g2 + n_p2) {
        html_fmt(&r->out, "<h3>%s</h3><ul class=\"work-list\">", T(L, MSG_TIE_START_OTHERS));
        waiting_items(r, g2, n_g2, p2, n_p2);
        html_raw(&r->out, "</ul>");
    }
    html_raw(&r->out, "</section>\n");
    return true;
}
