/* web_post.c: the cooperation board (issue 13): what its pages
 * (web_post*.c) share through web_post.h: the words for a post's codes,
 * dates and titles in the reader's language and script, who counts as a
 * member, the page-cache key of anonymous pages and loading the post a
 * reader may see. The board and its Atom feed are in web_post_board.c, a
 * post's page with its matches, introductions and the secretariat's
 * start section in web_post_view.c, the form and the write handlers in
 * web_post_form.c.
 *
 * Data and rules are post.c's and match.c's; rights come from rights_can
 * (RIGHT_POST_WRITE on the post's organisation, RIGHT_POST_HIDE). Pages
 * for anonymous readers are kept in the page cache keyed by
 * directory_version (every post write bumps it), the language, the URL
 * and today's date (a post expires without a write). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "html/html.h"
#include "model/post.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"
#include "web/web_post.h"

/* --- words for codes --------------------------------------------------------- */

msg_id web_post_kind_msg(const char *k)
{
    return k && strcmp(k, "request") == 0 ? MSG_POST_KIND_REQUEST : MSG_POST_KIND_OFFER;
}

const msg_id web_post_topic_msgs[] = {
    MSG_POST_TOPIC_TECHNOLOGY, MSG_POST_TOPIC_SUPPLY_CHAIN, MSG_POST_TOPIC_PROJECT_PARTNER,
    MSG_POST_TOPIC_TENDER,     MSG_POST_TOPIC_EXPORT,       MSG_POST_TOPIC_TRAINING,
    MSG_POST_TOPIC_OTHER};

const char *web_post_topic_label(lang_id L, const char *t)
{
    for (size_t i = 0; post_topics[i]; i++)
        if (t && strcmp(t, post_topics[i]) == 0)
            return T(L, web_post_topic_msgs[i]);
    return t ? t : "";
}

/* A YYYY-MM-DD day in the reader's format. Arena string. */
const char *web_post_day_text(req *r, const char *ymd)
{
    int y, m, d;
    if (!ymd || sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return ymd ? ymd : "";
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    buf b = BUF_INIT;
    i18n_fmt_date(&b, r->lang, (int64_t)timegm(&tm));
    const char *out = buf_failed(&b) ? ymd : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : ymd;
}

/* The title (or text) in the reader's language when the post has it: the
 * original when its language is the reader's (either Serbian script
 * counts, shown in the reader's script), else the translation, else the
 * original. */
const char *web_post_shown(req *r, const char *lang, const char *orig, const char *tr)
{
    bool post_en = lang && strcmp(lang, "en") == 0;
    bool reader_en = r->lang == LANG_EN;
    const char *t = (post_en == reader_en || !tr || !*tr) ? orig : tr;
    return web_org_text(r, t, NULL);
}

/* Whether the reader sees members-only posts: the secretariat and the
 * people of SCAN clusters (their managers, the representatives of their
 * current members: RIGHT_VIEW_SCAN_ONLY). Someone of an organisation in
 * no cluster (a donor, a company outside) is not; the post's own
 * organisation always sees its post (web_post_load). */
bool web_post_reader_is_member(req *r)
{
    if (!r->user)
        return false;
    return r->user->secretariat >= SEC_EDITOR ||
           rights_can(r->db, r->user, RIGHT_VIEW_SCAN_ONLY, 0);
}

const char *web_post_org_display(req *r, const char *name, const char *name_en)
{
    return r->lang == LANG_EN && name_en && *name_en ? name_en : web_org_text(r, name, NULL);
}

/* --- shared widgets ---------------------------------------------------------- */

void web_post_option(buf *o, const char *value, const char *label, const char *chosen)
{
    html_fmt(o, "<option value=\"%s\"%R>%s</option>", value,
             chosen && strcmp(chosen, value) == 0 ? " selected" : "", label);
}

/* --- caching and loading ----------------------------------------------------- */

/* The cache key of an anonymous board or post page: version, language,
 * canonical URL and today (posts expire without a write). NULL for a
 * logged-in reader. */
const char *web_post_cache_key(req *r, const char *what, const char *url, int64_t *version,
                               bool *ok)
{
    *ok = true;
    if (r->user)
        return NULL;
    db_status st = org_directory_version(r->db, version);
    if (st != DB_OK) {
        resp_fail(r, st, "directory version");
        *ok = false;
        return NULL;
    }
    char today[11];
    post_today(today);
    return arena_printf(r->a, "%s|%s|%s|%s", what, i18n_tag(r->lang), today, url);
}

/* Loads the post named by {id} that the reader may see: open, closed and
 * expired posts for everyone (members-only ones for members), hidden ones
 * for the secretariat and the organisation's writers. Writes the 404 or
 * 5xx itself and returns false otherwise. */
bool web_post_load(req *r, post_rec *p)
{
    int64_t id = 0;
    const char *v = req_param(r, "id");
    bool found = false;
    if (v && str_to_i64(v, &id) && id > 0) {
        db_status st = post_get(r->db, r->a, id, p, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "post_get");
            return false;
        }
    }
    /* a draft or archived organisation's post: as its profile, 404 */
    if (found && !p->org_published)
        found = r->user && (r->user->secretariat >= SEC_EDITOR ||
                            rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (found && p->hidden)
        found = r->user && (r->user->secretariat >= SEC_EDITOR ||
                            rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (found && p->visibility && strcmp(p->visibility, "members") == 0)
        found = web_post_reader_is_member(r) ||
                (r->user && rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_POST_NOT_FOUND));
        return false;
    }
    return true;
}

void web_post_no_org_note(req *r)
{
    html_fmt(&r->out,
             "<div class=\"notice\" role=\"note\" id=\"no-org\"><p>%s</p>"
             "<p><a href=\"/orgs\">%s</a></p></div>\n",
             T(r->lang, MSG_POST_NO_ORG_WHY), T(r->lang, MSG_POST_NO_ORG_FIND));
}
