/* web_position_internal.h: what a position's page (web_position.c) and its
 * forms (web_position_form.c) share; no other file includes it. */
#ifndef SCAN_WEB_POSITION_INTERNAL_H
#define SCAN_WEB_POSITION_INTERNAL_H

#include <stdbool.h>

#include "http/request.h"
#include "i18n/i18n.h"
#include "model/position.h"
#include "web/web.h"

/* The labels of position_kinds[] and position_areas[], in their order. */
extern const msg_id wpos_kind_msg[];
extern const msg_id wpos_area_msg[];

/* The position's title in the reader's language and script. */
const char *wpos_title(req *r, const position_rec *p);
/* The reader may write for the position's owner (RIGHT_POSITION_WRITE). */
bool wpos_may_write(req *r, const position_rec *p);
/* Loads {id} and checks that the reader may see it (writes 404/403). */
bool wpos_load(req *r, position_rec *p);
/* Loads {id} for a write by its owner's writers (writes 404/403). */
bool wpos_load_for_write(req *r, position_rec *p);

/* A refused form shown again on the page, and which one it was. */
typedef struct page_view {
    const form *typed;    /* the failed form, or NULL */
    const web_errs *errs; /* its errors */
    const char *part;     /* which form failed: "stage", "comment", "sign" */
    int64_t paragraph;    /* the comment's paragraph (part "comment") */
    const char *top;      /* a refusal said above the page too, or NULL */
} page_view;

/* Markdown as HTML in the reader's script (libcmark, raw HTML off). */
void wpos_markdown(req *r, const char *text, size_t n);
/* The word-level difference of the versions ?from and ?to (web_position_text.c). */
void wpos_render_diff(req *r, const position_rec *p, const position_version *v, size_t n);
/* The current version by paragraph, each with its comments and, when the
 * reader may comment, its forms (sp: whom the reader speaks for). */
void wpos_render_text(req *r, const position_rec *p, const position_comment *c, size_t n_c,
                      const position_speaker *sp, size_t n_sp, bool may_comment,
                      const page_view *pv);
/* Comments made on earlier versions, under their paragraphs. */
void wpos_render_old_comments(req *r, const position_rec *p, const position_version *v, size_t n_v,
                              const position_comment *c, size_t n_c);

#endif
