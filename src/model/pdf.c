/* pdf.c: the structure check of PDF uploads (see pdf.h), on qpdf's C
 * API. After the parse, a walk from the trailer through every reachable
 * object (indirect ones once, by object number; a budget on the objects
 * visited and the nesting depth, so a hostile file costs bounded time)
 * looks for the keys and names of active content. */
#include "model/pdf.h"

#include <qpdf/qpdf-c.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WALK_BUDGET 200000 /* objects looked at, at most */
#define WALK_DEPTH  64     /* nesting of direct arrays and dictionaries */

typedef struct walk {
    qpdf_data q;
    unsigned char *seen; /* one bit per object number */
    size_t n_seen;       /* bits */
    long budget;
    bool active, over;
} walk;

/* Keys and name values that mean active or embedded content. */
static const char *const bad_keys[] = {"/JS",        "/JavaScript", "/EmbeddedFiles",
                                       "/RichMedia", "/XFA",        NULL};
static const char *const bad_names[] = {"/JavaScript",   "/Launch",    "/SubmitForm", "/ImportData",
                                        "/EmbeddedFile", "/RichMedia", "/GoToE",      NULL};

static bool listed(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static void visit(walk *w, qpdf_oh oh, int depth);

/* The values of a dictionary's keys (the key iterator is one per qpdf
 * object, so the keys are copied before descending). */
static void visit_dict(walk *w, qpdf_oh dict, int depth)
{
    size_t n = 0, cap = 0;
    char **keys = NULL;
    qpdf_oh_begin_dict_key_iter(w->q, dict);
    while (qpdf_oh_dict_more_keys(w->q)) {
        const char *k = qpdf_oh_dict_next_key(w->q);
        if (listed(k, bad_keys)) {
            w->active = true;
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nk = realloc(keys, cap * sizeof *keys);
            if (!nk) {
                w->over = true;
                break;
            }
            keys = nk;
        }
        if (!(keys[n] = strdup(k))) {
            w->over = true;
            break;
        }
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        if (!w->active && !w->over) {
            qpdf_oh v = qpdf_oh_get_key(w->q, dict, keys[i]);
            visit(w, v, depth + 1);
            qpdf_oh_release(w->q, v);
        }
        free(keys[i]);
    }
    free(keys);
}

static void visit(walk *w, qpdf_oh oh, int depth)
{
    if (w->active || w->over)
        return;
    if (--w->budget < 0 || depth > WALK_DEPTH) {
        w->over = true;
        return;
    }
    if (qpdf_oh_is_indirect(w->q, oh)) {
        int id = qpdf_oh_get_object_id(w->q, oh);
        if (id <= 0 || (size_t)id >= w->n_seen) {
            w->over = true; /* the parse kept an object the trailer's /Size omits */
            return;
        }
        if (w->seen[id / 8] & (1u << (id % 8)))
            return;
        w->seen[id / 8] |= (unsigned char)(1u << (id % 8));
    }
    if (qpdf_oh_is_name(w->q, oh)) {
        if (listed(qpdf_oh_get_name(w->q, oh), bad_names))
            w->active = true;
    } else if (qpdf_oh_is_array(w->q, oh)) {
        int n = qpdf_oh_get_array_n_items(w->q, oh);
        for (int i = 0; i < n && !w->active && !w->over; i++) {
            qpdf_oh v = qpdf_oh_get_array_item(w->q, oh, i);
            visit(w, v, depth + 1);
            qpdf_oh_release(w->q, v);
        }
    } else if (qpdf_oh_is_stream(w->q, oh)) {
        qpdf_oh d = qpdf_oh_get_dict(w->q, oh);
        visit_dict(w, d, depth);
        qpdf_oh_release(w->q, d);
    } else if (qpdf_oh_is_dictionary(w->q, oh)) {
        visit_dict(w, oh, depth);
    }
}

pdf_verdict pdf_check(const void *data, size_t n, int *pages)
{
    if (pages)
        *pages = 0;
    if (n > PDF_MAX)
        return PDF_TOO_BIG;
    if (n < 8 || (memcmp(data, "%PDF-1.", 7) != 0 && memcmp(data, "%PDF-2.", 7) != 0))
        return PDF_NOT_PDF;
    qpdf_data q = qpdf_init();
    if (!q)
        return PDF_BROKEN;
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    qpdf_set_attempt_recovery(q, QPDF_FALSE);
    pdf_verdict v = PDF_OK;
    /* warnings mean qpdf had to guess at something: refuse */
    if (qpdf_read_memory(q, "upload", data, n, "") != QPDF_SUCCESS || qpdf_more_warnings(q)) {
        v = PDF_BROKEN;
        goto done;
    }
    if (qpdf_is_encrypted(q)) {
        v = PDF_ENCRYPTED;
        goto done;
    }
    /* every object and stream read and decoded (qpdf's own --check) */
    if (qpdf_check_pdf(q) & QPDF_ERRORS) {
        v = PDF_BROKEN;
        goto done;
    }
    int np = qpdf_get_num_pages(q);
    if (qpdf_has_error(q) || np < 0) {
        v = PDF_BROKEN;
        goto done;
    }
    if (np == 0) {
        v = PDF_NO_PAGES;
        goto done;
    }
    qpdf_oh trailer = qpdf_get_trailer(q);
    qpdf_oh size = qpdf_oh_get_key(q, trailer, "/Size");
    long long objs = qpdf_oh_get_int_value(q, size);
    if (qpdf_has_error(q) || objs <= 0 || objs > 8 * 1024 * 1024) {
        v = PDF_BROKEN;
        goto done;
    }
    walk w = {.q = q, .n_seen = (size_t)objs, .budget = WALK_BUDGET};
    if (!(w.seen = calloc(((size_t)objs + 7) / 8, 1))) {
        v = PDF_BROKEN;
        goto done;
    }
    visit(&w, trailer, 0);
    free(w.seen);
    if (w.active)
        v = PDF_ACTIVE;
    else if (w.over || qpdf_has_error(q))
        v = PDF_BROKEN;
    else if (pages)
        *pages = np;
done:
    /* taken, or qpdf_cleanup prints "application did not handle error" */
    while (qpdf_has_error(q))
        (void)qpdf_get_error(q);
    while (qpdf_more_warnings(q))
        (void)qpdf_next_warning(q);
    qpdf_cleanup(&q);
    return v;
}

msg_id pdf_verdict_msg(pdf_verdict v)
{
    switch (v) {
    case PDF_TOO_BIG:
        return MSG_PDF_TOO_BIG;
    case PDF_NOT_PDF:
        return MSG_PDF_NOT_PDF;
    case PDF_BROKEN:
        return MSG_PDF_BROKEN;
    case PDF_ENCRYPTED:
        return MSG_PDF_ENCRYPTED;
    case PDF_NO_PAGES:
        return MSG_PDF_NO_PAGES;
    case PDF_ACTIVE:
        return MSG_PDF_ACTIVE;
    default:
        return MSG_PDF_BROKEN;
    }
}
