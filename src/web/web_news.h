/* web_news.h: the pages of news and the newsletter (web_news.c,
 * web_newsletter.c), and the two pieces other pages place: a cluster's
 * news on its profile and the account's newsletter opt-in. */
#ifndef SCAN_WEB_NEWS_H
#define SCAN_WEB_NEWS_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "model/news.h"
#include "model/org.h"
#include "valid/valid.h"

void web_news_list(req *r);
void web_news_atom(req *r);
void web_news_org_atom(req *r);
void web_news_new_form(req *r);
void web_news_create(req *r);
void web_news_page(req *r);
void web_news_image(req *r);
void web_news_withdraw(req *r);
void web_news_edit_form(req *r);
void web_news_update(req *r);

/* Whether r's reader may see n's page: a published item once due, a
 * withdrawn one (its page is public, as a notice with the reason and no
 * text), and anything to who may write it (rights_can(RIGHT_NEWS_WRITE)).
 * The one rule of the item page, the API's GET and every write route. */
bool web_news_seen(req *r, const news_rec *n);

/* Whether r's reader may know of the directory entry o, for a news
 * filter or a news item's source: published, or for the secretariat's
 * editors and those who may write its news (a draft or archived cluster
 * answers as a missing one to everybody else, as its profile does). */
bool web_news_org_shown(req *r, const org_rec *o);

/* Loads the path's {id} (an id or a slug) for a change into n (arena
 * strings): true when r may write it. Otherwise false with the answer
 * written: 404 when it is missing or r may not see it (a draft or
 * scheduled item of another cluster: the same answer as a missing id, so
 * its existence does not leak), 403 with the reason when r sees it but
 * may not write it. For the web routes and api_news.c (the API's 404 and
 * 403 are JSON, as resp_error writes them for /api/). */
bool web_news_load_for_change(req *r, news_rec *n);
/* The form's message for a news field error in the reader's language
 * (arena): the pages' and the API's (api_news.c) one wording. */
const char *web_news_error_text(req *r, const form_error *e);

/* The anonymous cache keys' part that news make: the directory version
 * in *dir_v and the next moment a scheduled item comes due in *next (0:
 * none), from memory on a warm hit. False when it has answered r instead:
 * on the I/O thread with nothing in memory (handed to a worker, which
 * calls again), or with a failure page naming what (/news and the home
 * page key their caches on it). */
bool web_news_due(req *r, int64_t now, int64_t *dir_v, int64_t *next, const char *what);

/* A cluster's newest news (at most five) as a section of its profile,
 * with a link to all of them and the feed; nothing when it has none.
 * org_id the cluster, slug its slug. For the lead to place on the
 * profile (web_org_view.c). */
void web_news_section(req *r, int64_t org_id, const char *slug);

void web_newsletter_page(req *r);
void web_newsletter_subscribe(req *r);
void web_newsletter_confirm_form(req *r);
void web_newsletter_confirm(req *r);
void web_newsletter_unsub_form(req *r);
void web_newsletter_unsub(req *r);
void web_newsletter_account(req *r);
/* The account's newsletter opt-in form (on /account/notifications). */
void web_newsletter_account_section(req *r);
void web_newsletter_admin(req *r);
void web_newsletter_issue_create(req *r);
void web_newsletter_issue(req *r);
void web_newsletter_send(req *r);

#endif
