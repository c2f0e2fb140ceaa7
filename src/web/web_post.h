/* web_post.h: what the cooperation board's pages (web_post*.c) share,
 * and nobody else; defined in web_post.c unless said otherwise. The pages
 * themselves are declared in web.h. */
#ifndef SCAN_WEB_POST_H
#define SCAN_WEB_POST_H

#include <stdbool.h>
#include <stdint.h>

#include "model/post.h"
#include "web/web.h"

/* The label of a post kind ("offer", "request"). */
msg_id web_post_kind_msg(const char *k);
/* The catalog labels of the topics, parallel to post_topics
 * (model/post.h). */
extern const msg_id web_post_topic_msgs[];
/* The label of topic t, or t itself ("" for NULL). */
const char *web_post_topic_label(lang_id L, const char *t);
/* A YYYY-MM-DD day in the reader's format. Arena string. */
const char *web_post_day_text(req *r, const char *ymd);
/* The title (or text) in the reader's language when the post has it, else
 * the original, in the reader's script. */
const char *web_post_shown(req *r, const char *lang, const char *orig, const char *tr);
/* Whether the reader sees members-only posts (the secretariat and anyone
 * with a current affiliation). */
bool web_post_reader_is_member(req *r);
/* An organisation's name in the reader's language and script. */
const char *web_post_org_display(req *r, const char *name, const char *name_en);
/* One <option>, selected when value is chosen. */
void web_post_option(buf *o, const char *value, const char *label, const char *chosen);
/* The page-cache key of an anonymous board or post page; NULL for a
 * logged-in reader; *ok false with the 5xx written on a database error. */
const char *web_post_cache_key(req *r, const char *what, const char *url, int64_t *version,
                               bool *ok);
/* The post named by {id} that the reader may see into p (arena), or a 404
 * / 5xx written and false. */
bool web_post_load(req *r, post_rec *p);

/* A post's page with an optional notice and the errors of its hide,
 * report and interest forms (web_post_view.c). */
void web_post_page(req *r, const post_rec *p, const char *notice, const char *hide_error,
                   const char *report_error, const char *interest_error);
/* A form field's opening: label, hint and error; web_field_open under the
 * name the post pages call it by (web_post_form.c). */
void web_post_field_open(req *r, const char *id, const char *label, const char *hint,
                         const char *error);
/* The attributes that tie a control to its hint and error
 * (web_post_form.c). */
void web_post_described(req *r, const char *id, bool hint, const char *error);
/* For a signed-in person who speaks for no organisation, instead of the
 * board's and the post's forms they would be refused: why, and what to do
 * (web_post.c). */
void web_post_no_org_note(req *r);

#endif
