/* web_position.c: advocacy positions (issue 16): the list, a position's
 * page (its text with the comments, versions and their word-level
 * difference from web_position_text.c; signatures with their weight; the
 * steps) and the page's writes. The forms of a new position, an edit and a
 * new version are in web_position_form.c.
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
#include "web/web_position_internal.h"

/* --- labels ----------------------------------------------------------------------- */

static const msg_id stage_msg[POS_N_STAGES] = {MSG_POS_STAGE_DRAFT,    MSG_POS_STAGE_CONSULTATION,
                                               MSG_POS_STAGE_SIGNING,  MSG_POS_STAGE_SUBMITTED,
                                               MSG_POS_STAGE_ANSWERED, MSG_POS_STAGE_CLOSED};
const msg_id wpos_kind_msg[] = {MSG_POS_KIND_PROPOSAL, MSG_POS_KIND_LAW_COMMENT,
                                MSG_POS_KIND_CONSULTATION, MSG_POS_KIND_STATEMENT};
const msg_id wpos_area_msg[] = {
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
            return T(L, wpos_kind_msg[i]);
    return k;
}

/* A tag in words: a policy area's label, or "NACE 62". */
static const char *tag_label(req *r, const char *tag)
{
    if (strncmp(tag, "area:", 5) == 0)
        for (int i = 0; position_areas[i]; i++)
            if (strcmp(tag + 5, position_areas[i]) == 0)
                return T(r->lang, wpos_area_msg[i]);
    if (strncmp(tag, "nace:", 5) == 0)
        return arena_printf(r->a, "NACE %s", tag + 5);
    return tag;
}

const char *wpos_title(req *r, const position_rec *p)
{
    return web_org_text(r, p->title_sr, p->title_en);
}

void wpos_markdown(req *r, const char *text, size_t n)
{
    md_html(&r->out, text, n, 3, r->lang == LANG_SR_LATN ? MD_LATIN : 0);
}

/* --- who sees what ------------------------------------------------------------------ */

bool wpos_may_write(req *r, const position_rec *p)
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
    if (wpos_may_write(r, p))
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
bool wpos_load(req *r, position_rec *p)
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
                 f.tag && strcmp(f.tag, t) == 0 ? " selected" : "", T(L, wpos_area_msg[i]));
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
                 (long long)p[i].id, wpos_title(r, &p[i]));
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

/* --- the page ----------------------------------------------------------------------- */

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
    json_put_string(&j, wpos_title(r, p));
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
    bool writer = wpos_may_write(r, p);
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
    const char *title = wpos_title(r, p);
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
    wpos_render_text(r, p, c, n_cur, voices, n_voices, open && (part || writer), pv);
    wpos_render_old_comments(r, p, v, n_v, c ? c + n_cur : NULL, n_c - n_cur);
    if (s >= POS_SIGNING || n_g)
        render_signatures(r, p, g, n_g, signers, n_signers, pv);
    wpos_render_diff(r, p, v, n_v);
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
        if (wpos_load(r, &p))
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
    if (!wpos_load(r, &p))
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
    if (!wpos_load_for_write(r, &p) || !req_body_form(r, &f))
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
    if (!wpos_load(r, &p) || !req_body_form(r, &f))
        return;
    if (!take_part(r) && !wpos_may_write(r, &p)) {
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
    if (!wpos_load(r, &p) || !req_body_form(r, &f))
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
