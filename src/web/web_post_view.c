/* web_post_view.c: a post's page (issue 13) with its matches and the
 * reasons for each, similar posts, the actions a reader may take, and
 * introductions (asking for one, accepting and declining); the
 * secretariat's start-page section of reported posts. The form and the
 * other write handlers, which answer with this page on a refusal, are in
 * web_post_form.c; the shared words in web_post.c (web_post.h). */
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/interest.h"
#include "model/post.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"
#include "web/web_post.h"

/* --- words ------------------------------------------------------------------- */

static const char *lang_label(lang_id L, const char *tag)
{
    if (tag && strcmp(tag, "en") == 0)
        return T(L, MSG_POST_LANG_EN);
    if (tag && strcmp(tag, "sr-Latn") == 0)
        return T(L, MSG_POST_LANG_SR_LATN);
    return T(L, MSG_POST_LANG_SR_CYRL);
}

static const char *time_text(req *r, int64_t at)
{
    buf b = BUF_INIT;
    i18n_fmt_date(&b, r->lang, at);
    const char *out = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

/* --- a post's page ----------------------------------------------------------- */

/* "26 Manufacture of ...; 27 ..." for a code list of reference table
 * table ("nace", "fos", "geo"), labels from the process-wide cache. */
static const char *codes_text(req *r, const char *table, const char **codes, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, "; ");
        if (strcmp(table, "nace") == 0)
            buf_printf(&b, "%s ", codes[i]);
        const char *label = ref_label(r->db, r->a, table, codes[i], r->lang);
        buf_puts(&b, label ? label : codes[i]);
    }
    const char *out = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

const char *web_post_why(req *r, const match_hit *h, const char *const *texts, size_t n_texts)
{
    lang_id L = r->lang;
    buf b = BUF_INIT;
    const char *sep = "";
    if (h->n_nace) {
        buf_printf(&b, T(L, MSG_POST_WHY_NACE), codes_text(r, "nace", h->nace, h->n_nace));
        sep = "; ";
    }
    if (h->n_fos) {
        buf_puts(&b, sep);
        buf_printf(&b, T(L, MSG_POST_WHY_FOS), codes_text(r, "fos", h->fos, h->n_fos));
        sep = "; ";
    }
    if (h->n_geo) {
        buf_puts(&b, sep);
        buf_printf(&b, T(L, MSG_POST_WHY_GEO), codes_text(r, "geo", h->geo, h->n_geo));
        sep = "; ";
    }
    if (h->n_words) {
        buf w = BUF_INIT;
        for (size_t i = 0; i < h->n_words; i++) {
            if (i)
                buf_puts(&w, ", ");
            /* as written, in the reader's script like the texts themselves */
            const char *word = match_word_as_written(r->a, texts, n_texts, h->words[i]);
            const char *shown = web_org_text(r, word, NULL);
            buf_puts(&w, shown ? shown : word);
        }
        buf_puts(&b, sep);
        buf_printf(&b, T(L, MSG_POST_WHY_WORDS), buf_str(&w));
        buf_free(&w);
        sep = "; ";
    }
    if (h->cross_cluster) {
        buf_puts(&b, sep);
        buf_puts(&b, T(L, MSG_POST_WHY_CROSS));
    }
    const char *out = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

/* The matches m[0..n) of post p, with why each matches (the shared words
 * as p or the match writes them). */
static void match_list(req *r, const post_rec *p, const post_match_rec *m, size_t n)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_raw(o, "<ol class=\"match-list\">\n");
    for (size_t i = 0; i < n; i++) {
        html_raw(o, "<li class=\"match\"><p class=\"match-head\">");
        if (m[i].hit.post_id) {
            html_fmt(o, "<span class=\"tag tag-%s\">%s</span> <a href=\"/cooperation/%D\">%s</a>",
                     m[i].kind ? m[i].kind : "offer", T(L, web_post_kind_msg(m[i].kind)),
                     (long long)m[i].hit.post_id,
                     web_post_shown(r, m[i].lang, m[i].title, m[i].title_tr));
            html_fmt(o, " <span class=\"match-org\">(<a href=\"/orgs/%q\">%s</a>)</span>",
                     m[i].org_slug ? m[i].org_slug : "",
                     web_post_org_display(r, m[i].org_name, m[i].org_name_en));
        } else {
            html_fmt(o, "<span class=\"tag\">%s</span> <a href=\"/orgs/%q\">%s</a>",
                     T(L, MSG_POST_PROFILE), m[i].org_slug ? m[i].org_slug : "",
                     web_post_org_display(r, m[i].org_name, m[i].org_name_en));
        }
        const char *texts[] = {p->title, p->title_tr, p->body, p->body_tr, m[i].title};
        buf sc = BUF_INIT;
        buf_printf(&sc, T(L, MSG_POST_SCORE), m[i].hit.score);
        html_fmt(o, " <span class=\"match-score\">%s</span></p>", buf_str(&sc));
        buf_free(&sc);
        html_fmt(o, "<p class=\"match-why\"><strong>%s</strong> %s</p>", T(L, MSG_POST_WHY),
                 web_post_why(r, &m[i].hit, texts, 5));
        html_raw(o, "</li>\n");
    }
    html_raw(o, "</ol>\n");
}

static void action_form(req *r, const post_rec *p, const char *what, const char *field,
                        const char *value, msg_id button, const char *cls)
{
    buf *o = &r->out;
    html_fmt(o, "<form method=\"post\" action=\"/cooperation/%D/%s\" class=\"inline-form\">",
             (long long)p->id, what);
    layout_csrf_field(r);
    if (field)
        html_fmt(o, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", field, value);
    html_fmt(o, "<button type=\"submit\"%R>%s</button></form>\n", cls, T(r->lang, button));
}

/* A form with one reason field (hide, report). */
static void reason_form(req *r, const post_rec *p, const char *what, msg_id label, msg_id button,
                        bool required, const char *error)
{
    buf *o = &r->out;
    html_fmt(o,
             "<details class=\"post-action\"%R><summary>%s</summary>"
             "<form method=\"post\" action=\"/cooperation/%D/%s\">",
             error ? " open" : "", T(r->lang, button), (long long)p->id, what);
    layout_csrf_field(r);
    web_input in = {.id = arena_printf(r->a, "%s-reason", what),
                    .name = "reason",
                    .type = "text",
                    .label = T(r->lang, label),
                    .error = error,
                    .required = required,
                    .maxlength = POST_REASON_MAX};
    web_field(r, &in);
    html_fmt(o, "<button type=\"submit\">%s</button></form></details>\n", T(r->lang, button));
}

/* --- an introduction's thread -------------------------------------------------- */

/* A reply refused with 422: which thread, the sentence, what was typed. */
typedef struct thread_err {
    int64_t interest_id;
    const char *error, *typed;
} thread_err;

/* text as paragraphs: blank lines part them, single newlines break. */
static void paragraphs(buf *o, const char *text)
{
    const char *s = text ? text : "";
    while (*s) {
        while (*s == '\n')
            s++;
        if (!*s)
            break;
        const char *end = strstr(s, "\n\n");
        size_t len = end ? (size_t)(end - s) : strlen(s);
        html_raw(o, "<p>");
        for (size_t i = 0; i < len;) {
            const char *nl = memchr(s + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
            html_textn(o, s + i, n && s[i + n - 1] == '\r' ? n - 1 : n); /* stored before LF-only */
            i += n;
            if (nl) {
                html_raw(o, "<br>");
                i++;
            }
        }
        html_raw(o, "</p>");
        s += len;
    }
}

/* The messages of request iv (the reader's right to see them is the
 * caller's check) and, when may_reply, the reply form. */
static bool thread_show(req *r, const post_rec *p, const interest_rec *iv, bool may_reply,
                        const thread_err *te)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    interest_msg *m = NULL;
    size_t n = 0;
    db_status st = interest_thread(r->db, r->a, iv->id, &m, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "interest_thread");
        return false;
    }
    html_fmt(o, "<div class=\"thread\"><h3>%s</h3><ol class=\"thread-list\">",
             T(L, MSG_THREAD_TITLE));
    for (size_t i = 0; i < n; i++) {
        buf h = BUF_INIT;
        i18n_fmt_datetime(&h, L, m[i].created_at);
        const char *when = buf_failed(&h) ? "" : arena_strdup(r->a, buf_str(&h));
        buf_free(&h);
        const char *who = web_org_text(r, m[i].person_name, NULL);
        buf iso = BUF_INIT; /* datetime wants RFC 3339, not seconds */
        time_fmt_iso(&iso, m[i].created_at);
        html_fmt(o,
                 "<li class=\"thread-msg%R\"><p class=\"thread-from\"><strong>%s</strong> "
                 "<time datetime=\"%s\">%s</time></p><div class=\"thread-body\">",
                 m[i].person_id == r->user->person_id ? " thread-mine" : "", who ? who : "",
                 buf_failed(&iso) ? "" : buf_str(&iso), when ? when : "");
        buf_free(&iso);
        paragraphs(o, m[i].body);
        html_raw(o, "</div></li>");
    }
    html_raw(o, "</ol>");
    if (may_reply) {
        const char *err = te && te->interest_id == iv->id ? te->error : NULL;
        char *fid = arena_printf(r->a, "reply-%lld", (long long)iv->id);
        html_fmt(o,
                 "<form method=\"post\" action=\"/cooperation/%D/interest/%D/messages\" "
                 "class=\"form thread-reply\">",
                 (long long)p->id, (long long)iv->id);
        layout_csrf_field(r);
        web_post_field_open(r, fid, T(L, MSG_THREAD_REPLY), T(L, MSG_THREAD_LEAD), err);
        html_fmt(o, "<textarea id=\"%s\" name=\"message\" rows=\"4\" maxlength=\"%d\" required",
                 fid, INTEREST_MESSAGE_MAX);
        web_post_described(r, fid, true, err);
        html_fmt(o, ">%s</textarea></div><button type=\"submit\">%s</button></form>",
                 err && te->typed ? te->typed : "", T(L, MSG_THREAD_SEND));
    }
    html_raw(o, "</div>");
    return true;
}

static void post_page(req *r, const post_rec *p, const char *notice, const char *hide_error,
                      const char *report_error, const char *interest_error, const thread_err *te);

void web_post_page(req *r, const post_rec *p, const char *notice, const char *hide_error,
                   const char *report_error, const char *interest_error)
{
    post_page(r, p, notice, hide_error, report_error, interest_error, NULL);
}

static void post_page(req *r, const post_rec *p, const char *notice, const char *hide_error,
                      const char *report_error, const char *interest_error, const thread_err *te)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *title = web_post_shown(r, p->lang, p->title, p->title_tr);
    const char *body = web_post_shown(r, p->lang, p->body, p->body_tr);
    page_meta m = {.title = title, .description = body, .nav = "cooperation"};
    layout_begin(r, &m);
    web_notice(r, notice);
    html_fmt(o,
             "<article class=\"post\"><p class=\"post-kind\"><span class=\"tag tag-%s\">%s</span> "
             "<span class=\"post-topic\">%s</span>",
             p->kind, T(L, web_post_kind_msg(p->kind)), web_post_topic_label(L, p->topic));
    if (p->visibility && strcmp(p->visibility, "members") == 0)
        html_fmt(o, " <span class=\"badge\">%s</span>", T(L, MSG_POST_MEMBERS_ONLY));
    if (p->is_demo)
        html_fmt(o, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_POST_DEMO));
    html_fmt(o, "</p><h1>%s</h1>\n", title);
    buf line = BUF_INIT;
    html_raw(o, "<p class=\"post-by\">");
    {
        /* "Posted by <org> on <date>" with the organisation as a link */
        const char *fmt = T(L, MSG_POST_BY);
        const char *s1 = strstr(fmt, "%s");
        const char *s2 = s1 ? strstr(s1 + 2, "%s") : NULL;
        if (s1 && s2) {
            html_text(o, arena_strndup(r->a, fmt, (size_t)(s1 - fmt)));
            html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", p->org_slug ? p->org_slug : "",
                     web_post_org_display(r, p->org_name, p->org_name_en));
            html_text(o, arena_strndup(r->a, s1 + 2, (size_t)(s2 - s1 - 2)));
            html_text(o, time_text(r, p->published_at));
            html_text(o, s2 + 2);
        }
    }
    html_raw(o, "</p>\n");
    const char *state = NULL;
    bool open = p->status && strcmp(p->status, "open") == 0;
    if (p->hidden) {
        buf_printf(&line, T(L, MSG_POST_HIDDEN), p->hidden_reason ? p->hidden_reason : "");
        state = buf_str(&line);
    } else if (p->status && strcmp(p->status, "closed") == 0) {
        state = T(L, p->close_reason && strcmp(p->close_reason, "found_partner") == 0
                         ? MSG_POST_CLOSED_FOUND
                         : MSG_POST_CLOSED_NOT_NEEDED);
    } else if (p->expired) {
        buf_printf(&line, T(L, MSG_POST_EXPIRED), web_post_day_text(r, p->valid_until));
        state = buf_str(&line);
    } else {
        buf_printf(&line, T(L, MSG_POST_OPEN_UNTIL), web_post_day_text(r, p->valid_until));
        state = buf_str(&line);
    }
    html_fmt(o, "<p class=\"post-state%R\">%s</p>\n", open && !p->expired ? "" : " post-ended",
             state);
    buf_free(&line);
    /* the language of the text shown: the original (in the reader's
     * script when Serbian and the reader reads Serbian), or the translation
     * (English for a Serbian post, Serbian for an English one) */
    bool post_en = p->lang && strcmp(p->lang, "en") == 0;
    bool original = post_en == (L == LANG_EN) || !p->body_tr;
    bool cyrillic = L == LANG_SR_CYRL && p->lang && strcmp(p->lang, "sr-Cyrl") == 0;
    const char *body_lang = original && post_en ? "en"
                            : original          ? (cyrillic ? "sr-Cyrl" : "sr-Latn")
                            : post_en           ? "sr"
                                                : "en";
    html_fmt(o, "<div class=\"post-body\" lang=\"%s\">%s</div>\n", body_lang, body);
    const char *other_title = title == p->title || !p->title_tr ? p->title_tr : p->title;
    const char *other_body = body == p->body || !p->body_tr ? p->body_tr : p->body;
    if (p->title_tr && p->body_tr && other_title && other_body)
        html_fmt(o,
                 "<details class=\"post-translation\"><summary>%s</summary><h2>%s</h2>"
                 "<div class=\"post-body\">%s</div></details>\n",
                 T(L, MSG_POST_TRANSLATION), other_title, other_body);
    html_raw(o, "<dl class=\"facts\">");
    if (p->n_nace)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_NACE),
                 codes_text(r, "nace", p->nace, p->n_nace));
    if (p->n_fos)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_FOS),
                 codes_text(r, "fos", p->fos, p->n_fos));
    if (p->n_geo)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_GEO),
                 codes_text(r, "geo", p->geo, p->n_geo));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_LANG), lang_label(L, p->lang));
    html_raw(o, "</dl>\n");

    /* the author organisation's clusters */
    org_rec *cl = NULL;
    size_t n_cl = 0;
    db_status st = org_clusters_of(r->db, r->a, p->org_id, &cl, &n_cl);
    if (st != DB_OK) {
        resp_fail(r, st, "org_clusters_of");
        return;
    }
    buf h = BUF_INIT;
    buf_printf(&h, T(L, MSG_POST_AUTHOR_CLUSTERS),
               web_post_org_display(r, p->org_name, p->org_name_en));
    html_fmt(o, "<section class=\"post-clusters\"><h2>%s</h2>", buf_str(&h));
    buf_free(&h);
    if (n_cl == 0) {
        html_fmt(o, "<p>%s</p>", T(L, MSG_POST_NO_CLUSTERS));
    } else {
        html_raw(o, "<ul class=\"inline-list\">");
        for (size_t i = 0; i < n_cl; i++)
            html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a></li>", cl[i].slug ? cl[i].slug : "",
                     web_org_name(r, &cl[i]));
        html_raw(o, "</ul>");
    }
    html_raw(o, "</section>\n");

    /* actions */
    bool may_write = r->user && rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id);
    if (r->user) {
        html_raw(o, "<div class=\"post-actions\">");
        if (may_write && open && !p->expired) {
            html_fmt(o, "<a class=\"button\" href=\"/cooperation/%D/edit\">%s</a> ",
                     (long long)p->id, T(L, MSG_POST_EDIT));
            /* closing cannot be undone: a second step, the two ways to close */
            html_fmt(o, "<details class=\"post-action\"><summary>%s</summary><p>%s</p>",
                     T(L, MSG_POST_CLOSE_STEP), T(L, MSG_POST_CLOSE_FINAL));
            action_form(r, p, "close", "reason", "found_partner", MSG_POST_CLOSE_FOUND, "");
            action_form(r, p, "close", "reason", "no_longer_needed", MSG_POST_CLOSE_NOT_NEEDED,
                        " class=\"button-quiet\"");
            html_raw(o, "</details>");
        }
        if (rights_can(r->db, r->user, RIGHT_POST_HIDE, 0) && !p->hidden)
            reason_form(r, p, "hide", MSG_POST_HIDE_REASON, MSG_POST_HIDE, true, hide_error);
        if (!may_write && open) /* a closed post is off the board: nothing to report */
            reason_form(r, p, "report", MSG_POST_REPORT_REASON, MSG_POST_REPORT, false,
                        report_error);
        html_raw(o, "</div>\n");
    }

    /* introductions: the organisation's writers see the requests and
     * decide, and write in accepted ones' threads; the secretariat reads
     * them; anyone else logged in asks (once per post while pending) */
    if (r->user) {
        interest_rec *iv = NULL;
        size_t n_iv = 0;
        bool reads_all = may_write || rights_can(r->db, r->user, RIGHT_POST_HIDE, 0);
        /* the author's side accepts or declines, never the secretariat for it */
        bool may_decide = rights_can(r->db, r->user, RIGHT_INTEREST_DECIDE, p->org_id);
        if (reads_all) {
            st = interest_of_post(r->db, r->a, p->id, &iv, &n_iv);
            if (st != DB_OK) {
                resp_fail(r, st, "interest_of_post");
                return;
            }
            if (n_iv)
                html_fmt(o,
                         "<section class=\"post-interest\" id=\"interests\"><h2>%s</h2>"
                         "<ul class=\"work-list\">",
                         T(L, MSG_INTEREST_LIST));
            for (size_t i = 0; i < n_iv; i++) {
                buf from = BUF_INIT;
                const char *who = web_org_text(r, iv[i].person_name, NULL);
                buf_printf(&from, T(L, MSG_INTEREST_FROM), who ? who : "",
                           time_text(r, iv[i].created_at));
                html_fmt(o, "<li id=\"interest-%D\"><p>%s", (long long)iv[i].id, buf_str(&from));
                buf_free(&from);
                if (iv[i].person_orgs &&
                    *iv[i].person_orgs) /* whom they speak for: not a contact */
                    html_fmt(o, " · %s", web_org_text(r, iv[i].person_orgs, NULL));
                if (iv[i].person_email)
                    html_fmt(o, " · <a href=\"mailto:%s\">%s</a>", iv[i].person_email,
                             iv[i].person_email);
                html_raw(o, "</p>");
                bool accepted = strcmp(iv[i].status, "accepted") == 0;
                if (!accepted)
                    html_fmt(o, "<p class=\"post-body\">%s</p>",
                             iv[i].message ? iv[i].message : "");
                if (strcmp(iv[i].status, "pending") == 0 && may_decide) {
                    html_fmt(o,
                             "<form method=\"post\" action=\"/cooperation/interest/%D/accept\" "
                             "class=\"inline-form\">",
                             (long long)iv[i].id);
                    layout_csrf_field(r);
                    html_fmt(o, "<button type=\"submit\">%s</button></form> ",
                             T(L, MSG_INTEREST_ACCEPT));
                    html_fmt(o,
                             "<form method=\"post\" action=\"/cooperation/interest/%D/decline\" "
                             "class=\"inline-form\">",
                             (long long)iv[i].id);
                    layout_csrf_field(r);
                    html_fmt(o, "<button type=\"submit\" class=\"button-quiet\">%s</button></form>",
                             T(L, MSG_INTEREST_DECLINE));
                } else if (strcmp(iv[i].status, "pending") != 0) {
                    html_fmt(o, "<p><span class=\"badge\">%s</span></p>",
                             T(L, accepted ? MSG_INTEREST_STATUS_ACCEPTED
                                           : MSG_INTEREST_STATUS_DECLINED));
                }
                if (accepted) {
                    int side = 0;
                    if ((st = interest_side(r->db, iv[i].id, r->user->person_id, &side)) != DB_OK) {
                        resp_fail(r, st, "interest_side");
                        return;
                    }
                    if (!thread_show(r, p, &iv[i], side != 0, te))
                        return;
                    if (side == 0)
                        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_THREAD_READ_ONLY));
                }
                html_raw(o, "</li>");
            }
            if (n_iv)
                html_raw(o, "</ul></section>\n");
        } else {
            st = interest_mine(r->db, r->a, p->id, r->user->person_id, &iv, &n_iv);
            if (st != DB_OK) {
                resp_fail(r, st, "interest_mine");
                return;
            }
            for (size_t i = 0; i < n_iv; i++) {
                buf b = BUF_INIT;
                if (strcmp(iv[i].status, "accepted") == 0)
                    buf_printf(&b, T(L, MSG_INTEREST_YOURS_ACCEPTED),
                               iv[i].contact_name ? web_org_text(r, iv[i].contact_name, NULL) : "",
                               iv[i].contact_email ? iv[i].contact_email : "");
                else if (!open || p->expired) /* once closed, a request not accepted says so */
                    buf_puts(&b, T(L, MSG_INTEREST_YOURS_NOT_TAKEN));
                else /* declining is silent while the post is open */
                    buf_printf(&b, T(L, MSG_INTEREST_YOURS_PENDING),
                               time_text(r, iv[i].created_at));
                web_notice(r, buf_str(&b));
                buf_free(&b);
                bool accepted = strcmp(iv[i].status, "accepted") == 0;
                bool pending = strcmp(iv[i].status, "pending") == 0 && open && !p->expired;
                if (accepted || pending) { /* the requester's own thread */
                    html_fmt(o, "<section class=\"post-interest\" id=\"interest-%D\">",
                             (long long)iv[i].id);
                    if (!thread_show(r, p, &iv[i], accepted, te))
                        return;
                    if (pending)
                        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_THREAD_PENDING));
                    html_raw(o, "</section>\n");
                }
            }
            bool speaks = rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, 0);
            if (n_iv == 0 && open && !p->expired && !speaks) /* no form to be refused */
                web_post_no_org_note(r);
            else if (n_iv == 0 && open && !p->expired) { /* one request per person and post */
                html_fmt(o,
                         "<details class=\"post-action post-action-main\"%R><summary>%s</summary>"
                         "<form method=\"post\" action=\"/cooperation/%D/interest\" "
                         "class=\"form\"><p>%s</p>",
                         interest_error ? " open" : "", T(L, MSG_INTEREST_TITLE), (long long)p->id,
                         T(L, MSG_INTEREST_LEAD));
                layout_csrf_field(r);
                const char *err = interest_error;
                /* several organisations of theirs: which one speaks */
                post_org *orgs = NULL;
                size_t n_orgs = 0, k = 0;
                if ((st = post_orgs_for(r->db, r->a, r->user->person_id, &orgs, &n_orgs)) !=
                    DB_OK) {
                    resp_fail(r, st, "post_orgs_for");
                    return;
                }
                for (size_t j = 0; j < n_orgs; j++)
                    if (orgs[j].id != p->org_id)
                        orgs[k++] = orgs[j];
                if (k > 1) {
                    web_post_field_open(r, "p-from-org", T(L, MSG_INTEREST_FROM_ORG), NULL, NULL);
                    html_raw(o, "<select id=\"p-from-org\" name=\"org\" required>");
                    html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_INTEREST_CHOOSE_ORG));
                    for (size_t j = 0; j < k; j++) {
                        const char *v = arena_printf(r->a, "%lld", (long long)orgs[j].id);
                        web_post_option(o, v ? v : "",
                                        web_post_org_display(r, orgs[j].name, orgs[j].name_en),
                                        NULL);
                    }
                    html_raw(o, "</select></div>\n");
                }
                web_post_field_open(r, "p-message", T(L, MSG_INTEREST_MESSAGE), NULL, err);
                html_fmt(o,
                         "<textarea id=\"p-message\" name=\"message\" rows=\"4\" "
                         "maxlength=\"%d\" required",
                         INTEREST_MESSAGE_MAX);
                web_post_described(r, "p-message", false, err);
                html_fmt(o,
                         "></textarea></div><button type=\"submit\">%s</button></form></details>\n",
                         T(L, MSG_INTEREST_SEND));
            }
        }
    }

    /* matches and similar posts */
    bool members = web_post_reader_is_member(r);
    post_match_rec *mm = NULL;
    size_t n_m = 0;
    if (open && !p->expired)
        st = post_matches(r->db, r->a, p->id, members, 10, &mm, &n_m);
    if (st != DB_OK) {
        resp_fail(r, st, "post_matches");
        return;
    }
    html_fmt(o,
             "<section class=\"post-matches\" aria-labelledby=\"matches-title\">"
             "<h2 id=\"matches-title\">%s</h2><p class=\"lead\">%s</p>\n",
             T(L, MSG_POST_MATCHES), T(L, MSG_POST_MATCHES_LEAD));
    if (!open || p->expired) /* a closed or expired post is matched no more */
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_POST_MATCHES_CLOSED));
    else if (n_m == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_POST_NO_MATCHES));
    else
        match_list(r, p, mm, n_m);
    html_raw(o, "</section>\n");
    post_match_rec *sim = NULL;
    size_t n_sim = 0;
    st = post_similar(r->db, r->a, p, members, 5, &sim, &n_sim);
    if (st != DB_OK) {
        resp_fail(r, st, "post_similar");
        return;
    }
    if (n_sim) {
        html_fmt(o,
                 "<section class=\"post-similar\" aria-labelledby=\"similar-title\">"
                 "<h2 id=\"similar-title\">%s</h2>\n",
                 T(L, MSG_POST_SIMILAR));
        match_list(r, p, sim, n_sim);
        html_raw(o, "</section>\n");
    }
    html_raw(o, "</article>\n");
    layout_end(r);
}

void web_post_view(req *r)
{
    int64_t version = 0;
    bool ok;
    const char *base = web_base_url(r);
    const char *key = web_post_cache_key(
        r, "post", arena_printf(r->a, "%s|%s", base ? base : "", r->path), &version, &ok);
    if (!ok || web_cache_serve(r, key, version))
        return;
    post_rec p;
    if (!web_post_load(r, &p))
        return;
    const char *notice = NULL;
    const char *done = req_query(r, "done");
    if (done && r->user) {
        if (strcmp(done, "saved") == 0)
            notice = T(r->lang, MSG_POST_SAVED);
        else if (strcmp(done, "closed") == 0)
            notice = T(r->lang, MSG_POST_CLOSED_NOTICE);
        else if (strcmp(done, "hidden") == 0)
            notice = T(r->lang, MSG_POST_HIDDEN_NOTICE);
        else if (strcmp(done, "reported") == 0)
            notice = T(r->lang, MSG_POST_REPORTED);
        else if (strcmp(done, "interest") == 0)
            notice = T(r->lang, MSG_INTEREST_SENT);
        else if (strcmp(done, "decided") == 0)
            notice = T(r->lang, MSG_INTEREST_DECIDED);
        else if (strcmp(done, "message") == 0)
            notice = T(r->lang, MSG_THREAD_SENT);
    }
    web_post_page(r, &p, notice, NULL, NULL, NULL);
    if (key && !req_query(r, "done") && r->status == 200) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- introductions ----------------------------------------------------------- */

/* A refusal the model names by its first error's field, answered with its
 * status and sentence (not beside a field: it is about the whole request). */
typedef struct refusal {
    const char *field;
    int status;
    msg_id text;
} refusal;

/* True when fe's first error is one of the n refusals, which it answered. */
static bool answer_refusal(req *r, const form_errors *fe, const refusal *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fe->items[0].field, t[i].field) == 0) {
            resp_error(r, t[i].status, T(r->lang, t[i].text));
            return true;
        }
    return false;
}

void web_post_interest(req *r)
{
    lang_id L = r->lang;
    post_rec p;
    if (!web_post_load(r, &p))
        return;
    if (rights_can(r->db, r->user, RIGHT_POST_WRITE, p.org_id)) {
        resp_error(r, 403, T(L, MSG_INTEREST_OWN));
        return;
    }
    /* an introduction is between organisations: the requester speaks for
     * one (a representative or a manager), as the "a logged-in
     * representative expresses interest" */
    form body;
    if (!req_body_form(r, &body))
        return;
    if (!rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, 0)) {
        /* refused, but the typed message is not lost: it is on the page */
        const char *msg = form_get(&body, "message");
        r->status = 403;
        page_meta m = {.title = T(L, MSG_INTEREST_TITLE), .nav = "cooperation"};
        layout_begin(r, &m);
        html_fmt(&r->out, "<h1>%s</h1><p>%s</p>", T(L, MSG_INTEREST_TITLE),
                 T(L, MSG_INTEREST_NEEDS_ORG));
        web_post_no_org_note(r);
        if (msg && *msg)
            html_fmt(&r->out,
                     "<p><label for=\"kept\">%s</label></p><textarea id=\"kept\" rows=\"6\" "
                     "readonly>%s</textarea>",
                     T(L, MSG_INTEREST_KEPT), msg);
        html_fmt(&r->out, "<p><a href=\"/cooperation/%D\">%s</a></p>", (long long)p.id,
                 T(L, MSG_POST_BACK));
        layout_end(r);
        return;
    }
    form_errors fe = {0};
    int64_t org_id = 0; /* the organisation they speak for, when they chose one */
    const char *org = form_get(&body, "org");
    if (org && *org && (!str_to_i64(org, &org_id) || org_id < 1))
        org_id = -1; /* not one of theirs: refused below */
    db_status st =
        interest_express_as(r->db, p.id, r->user->person_id, org_id, form_get(&body, "message"),
                            r->client_ip, web_base_url(r), &fe, NULL);
    if (st == DB_CONSTRAINT && fe.n_items) {
        static const refusal express_refusals[] = {{"throttle", 429, MSG_INTEREST_THROTTLED},
                                                   {"status", 409, MSG_POST_NOT_OPEN}};
        if (answer_refusal(r, &fe, express_refusals, 2))
            return;
        buf t = BUF_INIT;
        if (fe.items[0].code == FE_TAKEN)
            buf_puts(&t, T(L, MSG_INTEREST_ALREADY));
        else if (strcmp(fe.items[0].field, "org") == 0)
            buf_puts(&t, T(L, MSG_INTEREST_CHOOSE_ORG));
        else
            post_error_text(&t, L, &fe.items[0]);
        r->status = 422;
        web_post_page(r, &p, NULL, NULL, NULL, arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "interest_express");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=interest", (long long)p.id));
}

static void decide(req *r, bool accept)
{
    lang_id L = r->lang;
    int64_t id = 0, post_id = 0;
    const char *v = req_param(r, "id");
    if (!v || !str_to_i64(v, &id) || id < 1) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    db_status st = interest_post(r->db, id, &post_id);
    if (st != DB_OK) {
        resp_fail(r, st, "interest_post");
        return;
    }
    post_rec p;
    bool found = false;
    if (post_id && (st = post_get(r->db, r->a, post_id, &p, &found)) != DB_OK) {
        resp_fail(r, st, "post_get");
        return;
    }
    if (!found) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    if (!rights_can(r->db, r->user, RIGHT_INTEREST_DECIDE, p.org_id)) {
        resp_error(r, 403, T(L, MSG_POST_FORBIDDEN));
        return;
    }
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    st = interest_decide(r->db, id, accept, r->user->person_id, r->client_ip, web_base_url(r), &fe,
                         NULL);
    if (st == DB_CONSTRAINT) {
        resp_error(r, 409, T(L, MSG_INTEREST_DECIDED));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "interest_decide");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=decided", (long long)p.id));
}

void web_interest_accept(req *r)
{
    decide(r, true);
}

void web_interest_decline(req *r)
{
    decide(r, false);
}

void web_interest_message(req *r)
{
    lang_id L = r->lang;
    post_rec p;
    if (!web_post_load(r, &p))
        return;
    int64_t iid = 0, post_id = 0;
    const char *v = req_param(r, "iid");
    if (!v || !str_to_i64(v, &iid) || iid < 1) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    db_status st = interest_post(r->db, iid, &post_id);
    if (st != DB_OK) {
        resp_fail(r, st, "interest_post");
        return;
    }
    if (post_id != p.id) { /* another post's request, or none */
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    int side = 0;
    if ((st = interest_side(r->db, iid, r->user->person_id, &side)) != DB_OK) {
        resp_fail(r, st, "interest_side");
        return;
    }
    if (side == 0) {
        resp_error(r, 403, T(L, MSG_THREAD_NOT_SIDE));
        return;
    }
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    const char *typed = form_get(&body, "message");
    st = interest_reply(r->db, iid, r->user->person_id, typed, r->client_ip, &fe, NULL);
    if (st == DB_CONSTRAINT && fe.n_items) {
        static const refusal reply_refusals[] = {{"throttle", 429, MSG_THREAD_THROTTLED},
                                                 {"side", 403, MSG_THREAD_NOT_SIDE},
                                                 {"status", 409, MSG_THREAD_NOT_ACCEPTED}};
        if (answer_refusal(r, &fe, reply_refusals, 3))
            return;
        buf t = BUF_INIT;
        post_error_text(&t, L, &fe.items[0]);
        thread_err te = {
            .interest_id = iid, .error = arena_strdup(r->a, buf_str(&t)), .typed = typed};
        buf_free(&t);
        r->status = 422;
        post_page(r, &p, NULL, NULL, NULL, NULL, &te);
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "interest_reply");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=message#interest-%lld",
                                  (long long)p.id, (long long)iid));
}

/* --- the start page ------------------------------------------------------------- */

bool web_post_start_interest(req *r, db_status *st)
{
    if (!r->user)
        return false;
    interest_rec *items = NULL;
    size_t n = 0;
    *st = interest_waiting(r->db, r->a, r->user->person_id, &items, &n);
    if (*st != DB_OK || n == 0)
        return false;
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o, "<section class=\"work card\"><h2>%s</h2><ul class=\"work-list\">",
             T(L, MSG_START_INTEREST));
    for (size_t i = 0; i < n; i++) {
        const char *who = web_org_text(r, items[i].person_name, NULL);
        const char *title = web_org_text(r, items[i].post_title, NULL); /* reader's script */
        if (!title)
            title = "";
        buf c = BUF_INIT;
        const char *by =
            items[i].contact_name ? web_org_text(r, items[i].contact_name, NULL) : NULL;
        if (items[i].person_id == r->user->person_id && items[i].contact_name) /* accepted */
            buf_printf(&c, T(L, MSG_START_INTEREST_ACCEPTED), by ? by : "", title);
        else if (items[i].person_id == r->user->person_id) /* the post's side wrote to me */
            buf_printf(&c, T(L, MSG_START_INTEREST_ANSWERED), title);
        else
            buf_printf(&c,
                       T(L, strcmp(items[i].status, "pending") == 0 ? MSG_START_INTEREST_NEW
                                                                    : MSG_START_INTEREST_REPLY),
                       who ? who : "", title);
        html_fmt(o, "<li><a href=\"/cooperation/%D#interest-%D\">%s</a></li>",
                 (long long)items[i].post_id, (long long)items[i].id, buf_str(&c));
        buf_free(&c);
    }
    html_raw(o, "</ul></section>\n");
    return true;
}

/* --- the secretariat's start page -------------------------------------------- */

bool web_post_start_reported(req *r, db_status *st)
{
    if (!r->user || !rights_can(r->db, r->user, RIGHT_POST_HIDE, 0))
        return false;
    post_rec *items = NULL;
    int64_t *counts = NULL;
    bool *repeated = NULL;
    size_t n = 0;
    *st = post_reported(r->db, r->a, &items, &counts, &repeated, &n);
    if (*st != DB_OK || n == 0)
        return false;
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o, "<section class=\"work card\"><h2>%s</h2><ul class=\"work-list\">",
             T(L, MSG_POST_START_REPORTED));
    for (size_t i = 0; i < n; i++) {
        buf c = BUF_INIT;
        buf_printf(&c, T(L, MSG_POST_START_REPORTS), (long long)counts[i]);
        html_fmt(o, "<li><a href=\"/cooperation/%D\">%s</a> (%s)", (long long)items[i].id,
                 web_post_shown(r, items[i].lang, items[i].title, items[i].title_tr), buf_str(&c));
        if (repeated[i]) /* POST_REPORTS_FLAG reports of it or of its author's posts */
            html_fmt(o, " <span class=\"tag\">%s</span>", T(L, MSG_POST_START_REPEATED));
        html_raw(o, "</li>");
        buf_free(&c);
    }
    html_raw(o, "</ul></section>\n");
    return true;
}
