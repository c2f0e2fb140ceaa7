/* web_position_text.c: a position's text on its page (issue 16): the
 * word-level difference between two versions, the paragraphs of the
 * current version with their threaded comments and comment forms, and the
 * comments made on earlier versions under the paragraphs they were made
 * on. web_position.c composes the page. */
#include <stdlib.h>
#include <string.h>

#include "core/diff.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/org.h"
#include "model/position.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_org.h"
#include "web/web_position_internal.h"

/* The versions a reader compares: ?from and ?to (defaults: the one
 * before the current, and the current). */
void wpos_render_diff(req *r, const position_rec *p, const position_version *v, size_t n)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (n < 2)
        return;
    const char *qf = req_query(r, "from"), *qt = req_query(r, "to");
    int64_t from = qf ? atoll(qf) : p->version - 1, to = qt ? atoll(qt) : p->version;
    const position_version *a = NULL, *b = NULL;
    for (size_t i = 0; i < n; i++) {
        if (v[i].version == from)
            a = &v[i];
        if (v[i].version == to)
            b = &v[i];
    }
    html_fmt(
        o,
        "<section class=\"panel pos-diff no-print\" id=\"diff\" aria-labelledby=\"pos-diff-h\">"
        "<h2 id=\"pos-diff-h\">%s</h2>"
        "<form method=\"get\" action=\"/positions/%D#diff\" class=\"filters\">",
        T(L, MSG_POS_DIFF), (long long)p->id);
    const char *names[2] = {"from", "to"};
    const msg_id labels[2] = {MSG_POS_DIFF_FROM, MSG_POS_DIFF_TO};
    for (int k = 0; k < 2; k++) {
        int64_t sel = k == 0 ? from : to;
        html_fmt(o,
                 "<div class=\"field\"><label for=\"pd-%s\">%s</label><select id=\"pd-%s\" "
                 "name=\"%s\">",
                 names[k], T(L, labels[k]), names[k], names[k]);
        for (size_t i = 0; i < n; i++)
            html_fmt(o, "<option value=\"%D\"%R>%s</option>", (long long)v[i].version,
                     v[i].version == sel ? " selected" : "",
                     arena_printf(r->a, T(L, MSG_POS_VERSION_N), (long long)v[i].version));
        html_raw(o, "</select></div>");
    }
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\" "
             "class=\"button-secondary\">%s</button></div></form>",
             T(L, MSG_POS_COMPARE));
    if (!a || !b) {
        html_fmt(o, "<p class=\"empty\">%s</p></section>", T(L, MSG_POS_DIFF_NONE));
        return;
    }
    bool en = r->lang == LANG_EN && a->body_en && b->body_en;
    const char *ta = en ? a->body_en : a->body_sr, *tb = en ? b->body_en : b->body_sr;
    diff_piece *d = NULL;
    size_t nd = 0;
    if (!diff_words(r->a, ta, strlen(ta), tb, strlen(tb), &d, &nd)) {
        resp_fail(r, DB_NOMEM, "diff_words");
        return;
    }
    /* the note is written in Serbian only (no English one is kept): to an
     * English reader it is marked as Serbian, not passed off as English */
    if (b->note)
        html_fmt(o, "<p><strong>%s</strong> <span%R>%s</span></p>", T(L, MSG_POS_L_NOTE),
                 L == LANG_EN ? " lang=\"sr-Latn\"" : "", web_org_text(r, b->note, NULL));
    html_fmt(o, "<p class=\"muted\">%s</p><div class=\"pos-diff-text\">",
             T(L, MSG_POS_DIFF_LEGEND));
    for (size_t i = 0; i < nd; i++) {
        const char *tag = d[i].kind == DIFF_INS ? "ins" : d[i].kind == DIFF_DEL ? "del" : NULL;
        if (tag)
            html_fmt(o, "<%R>", tag);
        const char *text = d[i].s;
        size_t len = d[i].n;
        if (!en && r->lang == LANG_SR_LATN) {
            const char *t = web_org_text(r, arena_strndup(r->a, d[i].s, d[i].n), NULL);
            text = t ? t : "";
            len = strlen(text);
        }
        html_textn(o, text, len);
        if (tag)
            html_fmt(o, "</%R>", tag);
    }
    html_raw(o, "</div></section>");
}

static void comment_form(req *r, const position_rec *p, int64_t paragraph, int64_t parent,
                         const position_speaker *sp, size_t n_sp, const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool here =
        pv && pv->part && strcmp(pv->part, "comment") == 0 && pv->paragraph == paragraph &&
        (parent ? form_get(pv->typed, "parent") != NULL : form_get(pv->typed, "parent") == NULL);
    const char *id = parent ? arena_printf(r->a, "c-%lld", (long long)parent)
                            : arena_printf(r->a, "p-%lld", (long long)paragraph);
    html_fmt(o, "<details class=\"pos-comment-form no-print\"%R><summary>%s</summary>",
             here ? " open" : "", T(L, parent ? MSG_POS_REPLY : MSG_POS_COMMENT_ON));
    if (here)
        web_error_summary(r, pv->errs);
    html_fmt(o,
             "<form class=\"form\" method=\"post\" action=\"/positions/%D/comments\" novalidate>",
             (long long)p->id);
    layout_csrf_field(r);
    html_fmt(o, "<input type=\"hidden\" name=\"paragraph\" value=\"%D\">", (long long)paragraph);
    if (parent)
        html_fmt(o, "<input type=\"hidden\" name=\"parent\" value=\"%D\">", (long long)parent);
    if (n_sp > 0) {
        const char *sid = arena_printf(r->a, "%s-org", id);
        web_field_open(r, sid, T(L, MSG_POS_L_ON_BEHALF), NULL, NULL);
        html_fmt(o, "<select id=\"%s\" name=\"org\">", sid);
        for (size_t i = 0; i < n_sp; i++)
            html_fmt(o, "<option value=\"%D\">%s</option>", (long long)sp[i].id,
                     web_org_text(r, sp[i].name, sp[i].name_en));
        html_raw(o, "</select></div>");
    }
    wc_textarea(r, arena_printf(r->a, "%s-body", id), "body", T(L, MSG_POS_L_COMMENT), NULL,
                here ? form_get(pv->typed, "body") : NULL,
                here ? web_errs_get(pv->errs, "body") : NULL, 3);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</details>",
             T(L, parent ? MSG_POS_REPLY : MSG_POS_COMMENT_SEND));
}

static void render_comment(req *r, const position_comment *c)
{
    buf *o = &r->out;
    html_fmt(o, "<article class=\"pos-comment%R\" id=\"comment-%D\"><p class=\"muted\">",
             c->parent_id ? " pos-reply" : "", (long long)c->id);
    if (c->by_name)
        html_fmt(o, "<strong>%s</strong>", web_org_text(r, c->by_name, NULL));
    if (c->org_name)
        html_fmt(o, " · <a href=\"/orgs/%q\">%s</a>", c->org_slug,
                 web_org_text(r, c->org_name, c->org_name_en));
    html_raw(o, " · ");
    web_datetime(r, c->created_at, MSG_POS_ANY);
    /* as written: transliterated for a Latin reader of Serbian, never
     * turned into Latin letters for an English one */
    html_fmt(o, "</p><p class=\"plan-review-body\">%s</p></article>",
             r->lang == LANG_EN ? c->body : web_org_text(r, c->body, NULL));
}

/* The paragraphs of body (arena); NULL when out of memory. */
static pos_para *paragraphs_of(req *r, const char *body, size_t *n)
{
    size_t len = body ? strlen(body) : 0;
    *n = body ? position_paragraphs(body, len, NULL, 0) : 0;
    pos_para *para = arena_alloc(r->a, (*n + 1) * sizeof *para);
    if (para && body)
        position_paragraphs(body, len, para, *n);
    return para;
}

/* The comments c[first..end) on paragraph i (one paragraph's, threads in
 * order), with the reply and comment forms when the reader may comment. */
static void para_comments(req *r, const position_rec *p, const position_comment *c, size_t first,
                          size_t end, size_t i, const position_speaker *sp, size_t n_sp,
                          bool may_comment, const page_view *pv)
{
    buf *o = &r->out;
    if (end == first && !may_comment)
        return;
    html_fmt(o, "<aside class=\"pos-comments no-print\" aria-label=\"%s\">",
             arena_printf(r->a, T(r->lang, MSG_POS_COMMENTS_ON), (int)i + 1));
    for (size_t j = first; j < end; j++) {
        render_comment(r, &c[j]);
        bool last_of_thread = j + 1 == end || c[j + 1].parent_id == 0 ||
                              c[j + 1].parent_id != (c[j].parent_id ? c[j].parent_id : c[j].id);
        if (may_comment && last_of_thread)
            comment_form(r, p, (int64_t)i, c[j].parent_id ? c[j].parent_id : c[j].id, sp, n_sp, pv);
    }
    if (may_comment)
        comment_form(r, p, (int64_t)i, 0, sp, n_sp, pv);
    html_raw(o, "</aside>");
}

/* The text by paragraph, each with the current version's comments c (by
 * paragraph) and the comment forms during consultation for those who take
 * part. Comments are tied to the Serbian text's paragraphs: an English
 * reader reads the English paragraphs beside them when the two texts have
 * as many paragraphs, else the English text whole and then the comments
 * under the Serbian paragraph each is on. Every reader who may see the
 * comments sees them, as they were written. */
void wpos_render_text(req *r, const position_rec *p, const position_comment *c, size_t n_c,
                      const position_speaker *sp, size_t n_sp, bool may_comment,
                      const page_view *pv)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    size_t n_para = 0, n_en = 0;
    pos_para *para = paragraphs_of(r, p->body_sr, &n_para);
    bool en = L == LANG_EN && p->body_en && *p->body_en;
    pos_para *para_en = en ? paragraphs_of(r, p->body_en, &n_en) : NULL;
    if (!para || (en && !para_en)) {
        resp_fail(r, DB_NOMEM, "position_paragraphs");
        return;
    }
    bool paired = en && n_en == n_para;
    bool apart = en && !paired; /* the English text whole, the comments after it */
    if (apart) {
        html_raw(o, "<div class=\"pos-text\" lang=\"en\">");
        wpos_markdown(r, p->body_en, strlen(p->body_en));
        html_raw(o, "</div>");
        if (!n_c && !may_comment)
            return;
        html_fmt(o,
                 "<section class=\"pos-comments-apart no-print\" aria-labelledby=\"pos-cm-h\">"
                 "<h2 id=\"pos-cm-h\">%s</h2><p class=\"muted\">%s</p>",
                 T(L, MSG_POS_COMMENTS), T(L, MSG_POS_COMMENTS_QUOTED));
    }
    html_fmt(o, "<div class=\"pos-text pos-paragraphs\"%R>", paired ? " lang=\"en\"" : "");
    size_t k = 0;
    for (size_t i = 0; i < n_para; i++) {
        size_t first = k;
        while (k < n_c && c[k].paragraph == (int64_t)i)
            k++;
        if (apart && k == first && !may_comment)
            continue;
        html_fmt(o, "<div class=\"pos-para\" id=\"para-%d\">", (int)i);
        if (apart) {
            html_raw(o, "<blockquote class=\"pos-para-quote\" lang=\"sr\">");
            wpos_markdown(r, p->body_sr + para[i].start, para[i].len);
            html_raw(o, "</blockquote>");
        } else {
            html_raw(o, "<div class=\"pos-para-text\">");
            if (paired)
                wpos_markdown(r, p->body_en + para_en[i].start, para_en[i].len);
            else
                wpos_markdown(r, p->body_sr + para[i].start, para[i].len);
            html_raw(o, "</div>");
        }
        para_comments(r, p, c, first, k, i, sp, n_sp, may_comment, pv);
        html_raw(o, "</div>");
    }
    html_raw(o, apart ? "</div></section>" : "</div>");
}

/* The comments on earlier versions (c: every version's, the newest version
 * first, by paragraph): still part of the discussion after a new version,
 * so each version's are listed (collapsed) under the paragraph of that
 * version they were on. */
void wpos_render_old_comments(req *r, const position_rec *p, const position_version *v, size_t n_v,
                              const position_comment *c, size_t n_c)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    size_t k = 0;
    while (k < n_c && c[k].version >= p->version)
        k++;
    if (k == n_c)
        return;
    html_fmt(o,
             "<section class=\"panel pos-old-comments no-print\" id=\"earlier-comments\" "
             "aria-labelledby=\"pos-old-h\"><h2 id=\"pos-old-h\">%s</h2>",
             T(L, MSG_POS_OLD_COMMENTS));
    while (k < n_c) {
        int64_t ver = c[k].version;
        size_t end = k;
        while (end < n_c && c[end].version == ver)
            end++;
        const position_version *pv = NULL;
        for (size_t i = 0; i < n_v; i++)
            if (v[i].version == ver)
                pv = &v[i];
        size_t n_para = 0, n_en = 0;
        pos_para *para = paragraphs_of(r, pv ? pv->body_sr : NULL, &n_para);
        bool en = L == LANG_EN && pv && pv->body_en && *pv->body_en;
        pos_para *para_en = en ? paragraphs_of(r, pv->body_en, &n_en) : NULL;
        if (!para || (en && !para_en)) {
            resp_fail(r, DB_NOMEM, "position_paragraphs");
            return;
        }
        bool paired = en && n_en == n_para;
        html_fmt(
            o, "<details class=\"pos-old-version\" id=\"comments-v%D\"><summary>%s</summary>",
            (long long)ver,
            arena_printf(r->a, T(L, MSG_POS_OLD_VERSION), (long long)ver, (long long)(end - k)));
        while (k < end) {
            int64_t i = c[k].paragraph;
            size_t first = k;
            while (k < end && c[k].paragraph == i)
                k++;
            html_fmt(o, "<div class=\"pos-old-para\"><p class=\"muted\">%s</p>",
                     arena_printf(r->a, T(L, MSG_POS_OLD_PARA), (int)i + 1));
            if (i >= 0 && (size_t)i < n_para) {
                html_fmt(o, "<blockquote class=\"pos-para-quote\" lang=\"%R\">",
                         paired ? "en" : "sr");
                if (paired)
                    wpos_markdown(r, pv->body_en + para_en[i].start, para_en[i].len);
                else
                    wpos_markdown(r, pv->body_sr + para[i].start, para[i].len);
                html_raw(o, "</blockquote>");
            }
            for (size_t j = first; j < k; j++)
                render_comment(r, &c[j]);
            html_raw(o, "</div>");
        }
        html_raw(o, "</details>");
    }
    html_raw(o, "</section>");
}
