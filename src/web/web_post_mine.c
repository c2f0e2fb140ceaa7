/* web_post_mine.c: GET /cooperation/mine, a person's way back to their
 * cooperation: the posts of the organisations they post for (every status)
 * and their own expressions of interest with where each stands. Before it,
 * the only way back to a thread was the link in a mail (new-user review of
 * issue 13). A declined interest reads as waiting while its post is open and
 * as "not taken up" after: declining is silent. */
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/interest.h"
#include "model/post.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"
#include "web/web_post.h"

static const char *post_state(req *r, const post_rec *p)
{
    lang_id L = r->lang;
    if (p->hidden)
        return T(L, MSG_POST_MINE_HIDDEN);
    if (p->status && strcmp(p->status, "closed") == 0)
        return T(L, p->close_reason && strcmp(p->close_reason, "found_partner") == 0
                        ? MSG_POST_CLOSED_FOUND
                        : MSG_POST_CLOSED_NOT_NEEDED);
    return arena_printf(r->a, T(L, p->expired ? MSG_POST_MINE_EXPIRED : MSG_POST_MINE_OPEN),
                        web_post_day_text(r, p->valid_until));
}

static const char *interest_state(req *r, const interest_rec *i)
{
    lang_id L = r->lang;
    if (strcmp(i->status, "accepted") == 0)
        return i->post_hidden ? arena_printf(r->a, "%s · %s", T(L, MSG_POST_MINE_ACCEPTED),
                                             T(L, MSG_POST_MINE_INTRO_HIDDEN))
                              : T(L, MSG_POST_MINE_ACCEPTED);
    return T(L, i->post_open ? MSG_POST_MINE_WAITING : MSG_INTEREST_YOURS_NOT_TAKEN);
}

void web_post_mine(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    post_rec *posts = NULL;
    interest_rec *iv = NULL;
    size_t n_posts = 0, n_iv = 0;
    db_status st = post_mine(r->db, r->a, r->user->person_id, &posts, &n_posts);
    if (st == DB_OK)
        st = interest_by_person(r->db, r->a, r->user->person_id, &iv, &n_iv);
    /* the interest waiting for an answer, per post */
    int64_t *pend = n_posts ? arena_alloc(r->a, n_posts * sizeof *pend) : NULL;
    for (size_t i = 0; st == DB_OK && pend && i < n_posts; i++)
        st = interest_pending(r->db, posts[i].id, &pend[i]);
    if (st != DB_OK) {
        resp_fail(r, st, "post_mine");
        return;
    }
    r->cache_control = "private, no-store";
    page_meta m = {.title = T(L, MSG_POST_MINE_TITLE), .nav = "cooperation"};
    layout_begin(r, &m);
    html_fmt(o,
             "<nav class=\"breadcrumbs\" aria-label=\"%s\"><a href=\"/cooperation\">%s</a></nav>"
             "<div class=\"page-head\"><div><h1>%s</h1></div>",
             T(L, MSG_POST_MINE_TITLE), T(L, MSG_POST_TITLE), T(L, MSG_POST_MINE_TITLE));
    bool speaks = rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, 0);
    if (speaks)
        html_fmt(o, "<a class=\"button\" href=\"/cooperation/new\">%s</a>", T(L, MSG_POST_NEW));
    html_raw(o, "</div>\n");
    if (!speaks) /* no dead button: why not, and how */
        web_post_no_org_note(r);

    html_fmt(o, "<section aria-labelledby=\"mine-posts\"><h2 id=\"mine-posts\">%s</h2>\n",
             T(L, MSG_POST_MINE_POSTS));
    if (!n_posts) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_POST_MINE_NO_POSTS));
    } else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                 T(L, MSG_POST_MINE_COL_POST), T(L, MSG_POST_MINE_COL_ORG),
                 T(L, MSG_POST_MINE_COL_STATE));
        for (size_t i = 0; i < n_posts; i++) {
            const post_rec *p = &posts[i];
            html_fmt(o,
                     "<tr><td><span class=\"tag tag-%s\">%s</span> <a "
                     "href=\"/cooperation/%D\">%s</a></td>",
                     p->kind ? p->kind : "offer", T(L, web_post_kind_msg(p->kind)),
                     (long long)p->id, web_post_shown(r, p->lang, p->title, p->title_tr));
            int64_t pending = pend ? pend[i] : 0;
            html_fmt(o, "<td>%s</td><td>%s", web_post_org_display(r, p->org_name, p->org_name_en),
                     post_state(r, p));
            if (pending > 0) /* incoming interest, to the post's list of it */
                html_fmt(o, "<br><a href=\"/cooperation/%D#interests\">%s</a>", (long long)p->id,
                         arena_printf(r->a, T(L, MSG_POST_MINE_PENDING), (long long)pending));
            html_raw(o, "</td></tr>\n");
        }
        html_raw(o, "</tbody></table></div>");
    }
    html_raw(o, "</section>\n");

    html_fmt(o, "<section aria-labelledby=\"mine-interests\"><h2 id=\"mine-interests\">%s</h2>\n",
             T(L, MSG_POST_MINE_INTERESTS));
    if (!n_iv) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_POST_MINE_NO_INTERESTS));
    } else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead><tbody>",
                 T(L, MSG_POST_MINE_COL_POST), T(L, MSG_POST_MINE_COL_STATE));
        for (size_t i = 0; i < n_iv; i++) {
            if (iv[i].post_hidden) /* the post's page is hidden: no link to a 404 */
                html_fmt(o, "<tr><td>%s</td><td>%s</td></tr>\n",
                         web_org_text(r, iv[i].post_title, NULL), interest_state(r, &iv[i]));
            else
                html_fmt(o,
                         "<tr><td><a href=\"/cooperation/%D#interest-%D\">%s</a></td><td>%s</td>"
                         "</tr>\n",
                         (long long)iv[i].post_id, (long long)iv[i].id,
                         web_org_text(r, iv[i].post_title, NULL), interest_state(r, &iv[i]));
        }
        html_raw(o, "</tbody></table></div>");
    }
    html_raw(o, "</section>\n");
    layout_end(r);
}
