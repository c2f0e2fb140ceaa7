/* web_figures_import.c: a cluster's figures import, split from
 * web_figures.c.
 *
 *   GET  /orgs/{slug}/figures/import a cluster's import: template,
 *   POST /orgs/{slug}/figures/import upload, dry run with every problem,
 *                                    then "Confirm import"
 *
 * The model (figures_import in model/figures.h) reads, checks and writes;
 * this file shows its report and asks rights_can() through
 * wf_load_for_figures(). */
#include <stdio.h>
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/figures.h"
#include "model/org.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

#define PREVIEW_LINES 200 /* preview lines shown before "and N more" */

/* --- GET/POST /orgs/{slug}/figures/import ------------------------------------------------ */

/* Loads the cluster {slug} and checks RIGHT_FIGURES_EDIT on it. */
static bool load_cluster_for_import(req *r, org_rec *org)
{
    if (!wf_load_for_figures(r, org))
        return false;
    if (!wf_is_cluster_kind(org->kind)) {
        resp_error(r, 404, T(r->lang, MSG_FIG_IMPORT_NOT_CLUSTER));
        return false;
    }
    return true;
}

/* What the import page shows besides the upload form. */
typedef struct import_view {
    const char *file_error;           /* next to the file input */
    const figures_import_report *rep; /* after a check */
    const char *csv;                  /* the checked text, for "Confirm import" */
    size_t csv_len;
    bool applied_failed; /* problems found on confirm */
} import_view;

static void import_counts(buf *out, lang_id lang, const figures_import_report *rep)
{
    buf c = BUF_INIT, u = BUF_INIT, k = BUF_INIT;
    i18n_fmt_int(&c, lang, rep->created);
    i18n_fmt_int(&u, lang, rep->updated);
    i18n_fmt_int(&k, lang, rep->unchanged);
    buf_printf(out, T(lang, MSG_FIG_IMPORT_COUNTS), buf_str(&c), buf_str(&u), buf_str(&k));
    buf_free(&c);
    buf_free(&u);
    buf_free(&k);
}

static void import_page(req *r, const org_rec *org, const import_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *name = web_org_name(r, org);
    const char *title = arena_printf(r->a, T(L, MSG_FIG_IMPORT_TITLE), name);
    page_meta m = {.title = title, .nav = "orgs"};
    layout_begin(r, &m);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
             "<li><a href=\"/orgs/%q\">%s</a></li><li><a href=\"/orgs/%q/figures\">%s</a></li>"
             "<li aria-current=\"page\">%s</li></ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), org->slug, name, org->slug,
             T(L, MSG_FIG_ORG_CRUMB), T(L, MSG_FIG_IMPORT_CRUMB));
    html_fmt(o, "<h1>%s</h1>\n", title);

    const char *created = req_query(r, "created");
    if (!v->rep && created) {
        figures_import_report done = {0};
        int64_t x;
        if (str_to_i64(created, &x))
            done.created = x;
        if (req_query(r, "updated") && str_to_i64(req_query(r, "updated"), &x))
            done.updated = x;
        if (req_query(r, "unchanged") && str_to_i64(req_query(r, "unchanged"), &x))
            done.unchanged = x;
        buf t = BUF_INIT;
        buf_puts(&t, T(L, MSG_FIG_IMPORT_DONE));
        buf_putc(&t, ' ');
        import_counts(&t, L, &done);
        web_notice(r, buf_str(&t));
        buf_free(&t);
    }

    if (v->rep && v->rep->n_problems) {
        /* every problem with its line; nothing was changed */
        buf t = BUF_INIT;
        buf_printf(&t, T(L, MSG_FIG_IMPORT_PROBLEMS), (int)v->rep->n_problems);
        html_fmt(
            o,
            "<section class=\"alert import-problems\" role=\"alert\" aria-labelledby=\"probs\">"
            "<h2 id=\"probs\">%s</h2><p>%s</p><ol class=\"problems\">\n",
            buf_str(&t), T(L, MSG_FIG_IMPORT_NOTHING_CHANGED));
        buf_free(&t);
        for (size_t i = 0; i < v->rep->n_problems; i++) {
            buf l = BUF_INIT;
            if (v->rep->problems[i].line > 0)
                buf_printf(&l, T(L, MSG_FIG_IMPORT_LINE), (int)v->rep->problems[i].line);
            else
                buf_puts(&l, T(L, MSG_FIG_IMPORT_WHOLE_FILE));
            html_fmt(o, "<li><strong>%s</strong> %s</li>\n", buf_str(&l),
                     v->rep->problems[i].message ? v->rep->problems[i].message : "");
            buf_free(&l);
        }
        html_raw(o, "</ol></section>\n");
    } else if (v->rep) {
        /* the dry run went through: what would change, and the button */
        buf t = BUF_INIT;
        import_counts(&t, L, v->rep);
        html_fmt(o,
                 "<section class=\"panel import-preview\" aria-labelledby=\"preview\"><h2 "
                 "id=\"preview\">%s</h2><p>%s</p>\n",
                 T(L, MSG_FIG_IMPORT_PREVIEW), buf_str(&t));
        buf_free(&t);
        const char *pv = buf_str(&v->rep->preview);
        size_t shown = 0, more = 0;
        html_raw(o, "<ul class=\"preview-lines\">\n");
        while (*pv) {
            size_t len = strcspn(pv, "\n");
            if (shown < PREVIEW_LINES) {
                html_raw(o, "<li><code>");
                html_textn(o, pv, len);
                html_raw(o, "</code></li>\n");
                shown++;
            } else {
                more++;
            }
            pv += len;
            if (*pv == '\n')
                pv++;
        }
        html_raw(o, "</ul>\n");
        if (more) {
            buf mm = BUF_INIT, num = BUF_INIT;
            i18n_fmt_int(&num, L, (int64_t)more);
            buf_printf(&mm, T(L, MSG_FIG_IMPORT_MORE), buf_str(&num));
            html_fmt(o, "<p class=\"muted\">%s</p>\n", buf_str(&mm));
            buf_free(&mm);
            buf_free(&num);
        }
        html_fmt(o,
                 "<form method=\"post\" action=\"/orgs/%q/figures/import\" "
                 "enctype=\"multipart/form-data\" class=\"form-actions\">",
                 org->slug);
        layout_csrf_field(r);
        /* the checked text goes back as it is (the leading newline is
         * eaten by the parser, so one in the text survives) */
        html_raw(o, "<input type=\"hidden\" name=\"confirm\" value=\"1\">"
                    "<textarea name=\"csv\" hidden aria-hidden=\"true\">\n");
        html_textn(o, v->csv, v->csv_len);
        html_fmt(
            o,
            "</textarea><button type=\"submit\">%s</button><a href=\"/orgs/%q/figures/import\">"
            "%s</a></form></section>\n",
            T(L, MSG_FIG_IMPORT_CONFIRM), org->slug, T(L, MSG_CANCEL));
    }

    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"upload\"><h2 id=\"upload\">%s</h2>"
             "<p>%s</p><p>%s <a href=\"/orgs/%q/figures/import?template=1\" download>%s</a></p>\n",
             T(L, MSG_FIG_IMPORT_UPLOAD), T(L, MSG_FIG_IMPORT_INTRO), T(L, MSG_FIG_IMPORT_COLUMNS),
             org->slug, T(L, MSG_FIG_IMPORT_TEMPLATE));
    html_fmt(o,
             "<form class=\"form\" method=\"post\" action=\"/orgs/%q/figures/import\" "
             "enctype=\"multipart/form-data\">",
             org->slug);
    layout_csrf_field(r);
    html_fmt(o, "<div class=\"field%R\"><label for=\"imp-file\">%s</label>",
             v->file_error ? " field-invalid" : "", T(L, MSG_FIG_IMPORT_FILE));
    if (v->file_error)
        html_fmt(
            o,
            "<p class=\"field-error\" id=\"imp-file-error\"><span class=\"visually-hidden\">%s "
            "</span>%s</p>",
            T(L, MSG_FORM_ERROR_PREFIX), v->file_error);
    html_fmt(o, "<input id=\"imp-file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\"%R>",
             v->file_error ? " aria-describedby=\"imp-file-error\" aria-invalid=\"true\"" : "");
    html_fmt(o,
             "</div><div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_FIG_IMPORT_CHECK));
    layout_end(r);
}

void web_figures_import_form(req *r)
{
    org_rec org;
    if (!load_cluster_for_import(r, &org))
        return;
    if (req_query(r, "template")) {
        const char *t = figures_csv_template();
        r->content_type = "text/csv; charset=utf-8";
        resp_header(r, "Content-Disposition", "attachment; filename=\"figures-template.csv\"");
        buf_puts(&r->out, t);
        return;
    }
    import_view v = {0};
    import_page(r, &org, &v);
}

void web_figures_import(req *r)
{
    lang_id L = r->lang;
    org_rec org;
    if (!load_cluster_for_import(r, &org))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const form_field *file = form_find(&f, "file");
    const char *csv = NULL;
    size_t n = 0;
    if (file && file->filename && file->value_len > 0) {
        csv = file->value;
        n = file->value_len;
    } else {
        const form_field *text = form_find(&f, "csv");
        if (text && text->value_len > 0) {
            csv = text->value;
            n = text->value_len;
        }
    }
    import_view v = {0};
    if (!csv) {
        v.file_error = T(L, MSG_FIG_IMPORT_NO_FILE);
    } else if (memchr(csv, '\0', n)) {
        v.file_error = T(L, MSG_FIG_IMPORT_NOT_TEXT);
    }
    if (v.file_error) {
        r->status = 422;
        import_page(r, &org, &v);
        return;
    }
    const char *confirm = form_get(&f, "confirm");
    bool apply = confirm && strcmp(confirm, "1") == 0;
    figures_import_report rep;
    db_status st = figures_import(r->db, r->a, csv, n, org.id, !apply, r->user->person_id,
                                  r->client_ip, r->user, L, &rep);
    if (st != DB_OK && st != DB_CONSTRAINT) {
        buf_free(&rep.preview);
        resp_fail(r, st, "figures_import");
        return;
    }
    if (apply && st == DB_OK) {
        resp_redirect(r, arena_printf(r->a,
                                      "/orgs/%s/figures/import?created=%lld&updated=%lld"
                                      "&unchanged=%lld",
                                      org.slug, (long long)rep.created, (long long)rep.updated,
                                      (long long)rep.unchanged));
        buf_free(&rep.preview);
        return;
    }
    v.rep = &rep;
    v.csv = csv;
    v.csv_len = n;
    if (st == DB_CONSTRAINT)
        r->status = 422;
    import_page(r, &org, &v);
    buf_free(&rep.preview);
}
