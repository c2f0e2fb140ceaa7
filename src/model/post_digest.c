/* post_digest.c: the cooperation board's digest section (see
 * post_digest.h): new posts that match the reader's organisations' posts
 * (post_match, stored by match.c when a post is published) or their saved
 * searches of the board (notify_topic), read with post.c's post_list. It
 * only reads; digest.c claims, mails and marks. */
#include "model/post_digest.h"

#include <assert.h>
#include <string.h>

#include "core/utf8.h"
#include "model/notify.h"
#include "model/rights.h"

#define TOPIC_PAGE 100 /* newest posts read per saved search */

/* --- a saved search's filters ------------------------------------------------- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* s[0..n) with '+' as space and %XX decoded, an arena string; NULL for a
 * broken escape or a NUL byte. */
static const char *decode(arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[k++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return out;
}

bool post_digest_topic_query(arena *a, const char *query, post_query *q, const char **cluster_slug)
{
    assert(a && q && cluster_slug);
    *cluster_slug = NULL;
    for (const char *p = query ? query : ""; *p;) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq) {
            size_t nl = (size_t)(eq - p);
            const char *v = decode(a, eq + 1, len - nl - 1);
            if (!v)
                return false;
            if (nl == 1 && *p == 'q')
                q->text = v;
            else if (nl == 4 && memcmp(p, "kind", 4) == 0)
                q->kind = v;
            else if (nl == 5 && memcmp(p, "topic", 5) == 0)
                q->topic = v;
            else if (nl == 6 && memcmp(p, "sector", 6) == 0)
                q->sector = v;
            else if (nl == 6 && memcmp(p, "region", 6) == 0)
                q->geo = v;
            else if (nl == 7 && memcmp(p, "cluster", 7) == 0)
                *cluster_slug = v;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return true;
}

/* --- the section ----------------------------------------------------------------- */

/* The start of the reader's window: their latest earlier digest. */
static const char SQL_SINCE[] =
    "SELECT max(claimed_at) FROM digest_claim WHERE person_id = $1 AND week <> $2 AND items > 0";

/* New posts matched to an open post of the reader's organisations, the
 * best match of each first. $1 person, $2 since, $3 now, $4 today,
 * $5 members. */
static const char SQL_MATCHED[] =
    "SELECT t.id, t.kind, t.lang, t.title, t.title_tr, o.name, o.name_en,"
    "       mine.lang, mine.title, mine.title_tr"
    "  FROM affiliation af"
    "  JOIN post mine ON mine.org_id = af.org_id AND mine.status = 'open'"
    "   AND mine.valid_until >= $4"
    "  JOIN post_match m ON m.post_id = mine.id AND m.target_post IS NOT NULL"
    "  JOIN post t ON t.id = m.target_post"
    "  JOIN org o ON o.id = t.org_id"
    " WHERE af.person_id = $1 AND af.ended_at IS NULL"
    "   AND t.status = 'open' AND t.valid_until >= $4"
    "   AND t.published_at > $2 AND t.published_at <= $3"
    "   AND ($5 = 1 OR t.visibility = 'public')"
    "   AND t.org_id NOT IN (SELECT org_id FROM affiliation WHERE person_id = $1"
    "                        AND ended_at IS NULL)"
    " ORDER BY t.published_at DESC, t.id DESC, m.score DESC";

static const char SQL_OWN_ORG[] =
    "SELECT count(*) FROM affiliation WHERE person_id = $1 AND org_id = $2 AND ended_at IS NULL";

typedef struct found_post {
    int64_t id;
    const char *kind, *lang, *title, *title_tr, *org, *org_en;
    const char *mine_lang, *mine, *mine_tr; /* NULL: found by a saved search */
} found_post;

static void matched_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    found_post *f = item;
    f->id = db_col_int(s, 0);
    f->kind = db_col_dup(a, s, 1, oom);
    f->lang = db_col_dup(a, s, 2, oom);
    f->title = db_col_dup(a, s, 3, oom);
    f->title_tr = db_col_dup(a, s, 4, oom);
    f->org = db_col_dup(a, s, 5, oom);
    f->org_en = db_col_dup(a, s, 6, oom);
    f->mine_lang = db_col_dup(a, s, 7, oom);
    f->mine = db_col_dup(a, s, 8, oom);
    f->mine_tr = db_col_dup(a, s, 9, oom);
}

/* A title as the reader reads it: the translation when only it is in the
 * reader's language (as web_post_shown), in the reader's script. */
static const char *shown(arena *a, lang_id L, const char *lang, const char *orig, const char *tr)
{
    bool post_en = lang && strcmp(lang, "en") == 0;
    const char *t = (post_en == (L == LANG_EN) || !tr || !*tr) ? orig : tr;
    if (!t || L == LANG_SR_CYRL)
        return t ? t : "";
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, t, strlen(t));
    const char *out = buf_failed(&b) ? t : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out ? out : t;
}

/* Adds f unless it is listed already; counts it either way. */
static void add(arena *a, const digest_reader *r, const found_post *f, int64_t *seen,
                size_t *n_seen, digest_part *out)
{
    for (size_t i = 0; i < *n_seen; i++)
        if (seen[i] == f->id)
            return;
    seen[(*n_seen)++] = f->id;
    if (*n_seen > POST_DIGEST_SHOWN)
        return; /* counted for "and N more" */
    lang_id L = r->lang;
    const char *kind = T(L, f->kind && strcmp(f->kind, "offer") == 0 ? MSG_POST_KIND_OFFER
                                                                     : MSG_POST_KIND_REQUEST);
    const char *org =
        L == LANG_EN && f->org_en && *f->org_en ? f->org_en : shown(a, L, NULL, f->org, NULL);
    buf t = BUF_INIT;
    if (f->mine)
        buf_printf(&t, T(L, MSG_POST_DIGEST_MATCH), kind,
                   shown(a, L, f->lang, f->title, f->title_tr), org,
                   shown(a, L, f->mine_lang, f->mine, f->mine_tr));
    else
        buf_printf(&t, T(L, MSG_POST_DIGEST_TOPIC), kind,
                   shown(a, L, f->lang, f->title, f->title_tr), org);
    const char *href = arena_printf(a, "/cooperation/%lld", (long long)f->id);
    digest_item(out, buf_str(&t), href);
    buf_free(&t);
}

db_status post_digest_section(db *d, arena *a, const digest_reader *r, const digest_period *w,
                              digest_part *out)
{
    assert(d && a && r && w && out);
    int64_t since = 0;
    db_status st = db_int(d, &since, 0, SQL_SINCE, DB_ARGS(DBI(r->person_id), DBT(w->week)));
    if (st != DB_OK)
        return st;
    if (since == 0)
        since = w->now - POST_DIGEST_WINDOW;
    if (since < w->now - 4 * POST_DIGEST_WINDOW)
        since = w->now - 4 * POST_DIGEST_WINDOW;
    char today[11];
    post_today(today);
    bool members =
        r->sec >= SEC_EDITOR || rights_person_can(d, r->person_id, RIGHT_VIEW_SCAN_ONLY, 0);

    found_post *fs = NULL;
    size_t n = 0;
    db_stmt *s = db_query(
        d, SQL_MATCHED,
        DB_ARGS(DBI(r->person_id), DBI(since), DBI(w->now), DBT(today), DBI(members ? 1 : 0)));
    if (!s)
        return DB_ERR;
    if ((st = db_collect(s, a, (void **)&fs, &n, sizeof *fs, matched_row, NULL)) != DB_OK)
        return st;
    /* every post id listed or counted, at most one per matched row and
     * TOPIC_PAGE per topic */
    size_t cap = n + (size_t)NOTIFY_TOPICS_MAX * TOPIC_PAGE + 1;
    int64_t *seen = arena_alloc(a, cap * sizeof *seen);
    if (!seen)
        return DB_NOMEM;
    size_t n_seen = 0;
    for (size_t i = 0; i < n; i++)
        add(a, r, &fs[i], seen, &n_seen, out);

    notify_topic *tp = NULL;
    size_t n_tp = 0;
    if ((st = notify_topics(d, a, r->person_id, &tp, &n_tp)) != DB_OK)
        return st;
    for (size_t i = 0; i < n_tp; i++) {
        if (!tp[i].page || strcmp(tp[i].page, "/cooperation") != 0)
            continue;
        post_query q = {.sort = POST_SORT_NEWEST, .limit = TOPIC_PAGE, .members = members};
        const char *slug = NULL;
        if (!post_digest_topic_query(a, tp[i].query, &q, &slug) ||
            post_text_valid(q.text) != POST_TEXT_OK)
            continue;
        if (slug) {
            if ((st = post_cluster_id(d, slug, &q.cluster_id)) != DB_OK)
                return st;
            if (!q.cluster_id)
                continue; /* the cluster is gone: nothing on the board either */
        }
        post_rec *ps = NULL;
        size_t n_ps = 0;
        bool more = false;
        if ((st = post_list(d, a, &q, &ps, &n_ps, &more)) != DB_OK)
            return st;
        for (size_t k = 0; k < n_ps && ps[k].published_at > since; k++) {
            if (ps[k].published_at > w->now)
                continue;
            int64_t own = 0;
            if ((st = db_int(d, &own, 0, SQL_OWN_ORG,
                             DB_ARGS(DBI(r->person_id), DBI(ps[k].org_id)))) != DB_OK)
                return st;
            if (own)
                continue;
            found_post f = {.id = ps[k].id,
                            .kind = ps[k].kind,
                            .lang = ps[k].lang,
                            .title = ps[k].title,
                            .title_tr = ps[k].title_tr,
                            .org = ps[k].org_name,
                            .org_en = ps[k].org_name_en};
            add(a, r, &f, seen, &n_seen, out);
        }
    }
    if (n_seen > POST_DIGEST_SHOWN) {
        buf t = BUF_INIT;
        buf_printf(&t, T(r->lang, MSG_DIGEST_MORE), (long long)(n_seen - POST_DIGEST_SHOWN));
        digest_item(out, buf_str(&t), "/cooperation");
        buf_free(&t);
    }
    return DB_OK;
}
