/* web_figures_import.c: a cluster's figures import, split from
 * web_figures.c.
 *
 *   GET  /orgs/{slug}/figures/import a cluster's import: the upload form and
 *        ?template=1&format=csv|xlsx[&year=Y] the members' template
 *   POST /orgs/{slug}/figures/import upload (XLSX or CSV), dry run with
 *                                    every problem, then "Confirm import"
 *
 * The model (figures_import and figures_template in model/figures.h)
 * reads, checks and writes; this file shows its report (what was read,
 * then a table of organisation, year, field, old and new value in the
 * reader's language, or every problem with its line) and asks rights_can()
 * through wf_load_for_figures(). The confirmation sends back the checked
 * records as UTF-8 CSV (the report's normalized copy), so an XLSX or a
 * Windows-1250 file is confirmed as exactly what was checked. */
#include <stdio.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/figures.h"
#include "model/org.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

#define PREVIEW_ROWS 500 /* changed values shown before "and N more" */

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
    int template_year;   /* the year the template links offer */
} import_view;

static void import_counts(buf *out, lang_id lang, const figures_import_report *rep)
{
    buf c = BUF_INIT, u = BUF_INIT, k = BUF_INIT;
    i18n_fmt_int(&c, lang, rep->created);
    i18n_fmt_int(&u, lang, rep->updated);
    i18n_fmt_int(&k, lang, rep->unchanged);
    buf_printf(out, T(lang, MSG_FIG_IMPORT_COUNTS), buf_str(&c), buf_str(&u), buf_str(&k));
    if (rep->skipped) {
        buf s = BUF_INIT;
        i18n_fmt_int(&s, lang, rep->skipped);
        buf_putc(out, ' ');
        buf_printf(out, T(lang, MSG_FIG_IMPORT_SKIPPED), buf_str(&s));
        buf_free(&s);
    }
    buf_free(&c);
    buf_free(&u);
    buf_free(&k);
}

/* --- the preview table ---------------------------------------------------------------- */

static const char *field_label(lang_id L, figures_field f)
{
    switch (f) {
    case FIGF_EMPLOYEES:
        return T(L, MSG_FIG_EMPLOYEES);
    case FIGF_REVENUE:
        return T(L, MSG_FIG_COL_REVENUE);
    case FIGF_EXPORTS:
        return T(L, MSG_FIG_COL_EXPORTS);
    case FIGF_RND:
        return T(L, MSG_FIG_COL_RND);
    case FIGF_CURRENCY:
        return T(L, MSG_FIG_CURRENCY);
    case FIGF_SOURCE:
        return T(L, MSG_FIG_COL_SOURCE);
    case FIGF_DEMO:
        return T(L, MSG_FIG_IMPORT_DEMO_FIELD);
    }
    return "";
}

/* One side of a change in the reader's language (arena); NULL for "no
 * value before" on a new year. */
static const char *change_value(req *r, const figures_import_change *c, bool old)
{
    lang_id L = r->lang;
    if (old && c->created)
        return NULL;
    buf b = BUF_INIT;
    switch (c->field) {
    case FIGF_EMPLOYEES:
    case FIGF_REVENUE:
    case FIGF_EXPORTS:
    case FIGF_RND: {
        int64_t v = old ? c->old_num : c->new_num;
        const char *cur = old ? c->old_cur : c->new_cur;
        if (v < 0)
            buf_puts(&b, T(L, MSG_FIG_IMPORT_NOT_GIVEN));
        else if (c->field == FIGF_EMPLOYEES)
            i18n_fmt_int(&b, L, v);
        else
            i18n_fmt_money(&b, L, v, cur ? cur : "EUR", false);
        break;
    }
    case FIGF_CURRENCY:
        buf_puts(&b, old ? (c->old_text ? c->old_text : "") : (c->new_text ? c->new_text : ""));
        break;
    case FIGF_SOURCE: {
        const char *s = old ? c->old_text : c->new_text;
        buf_puts(&b, s ? wf_source_label(L, s) : T(L, MSG_FIG_IMPORT_NOT_GIVEN));
        break;
    }
    case FIGF_DEMO:
        buf_puts(&b, T(L, old ? MSG_FIG_IMPORT_DEMO_OLD : MSG_FIG_IMPORT_DEMO_NEW));
        break;
    }
    const char *s = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

/* The changed values as a table: organisation (its name in the reader's
 * language, linked), year, field, old and new value. */
static void changes_table(req *r, const figures_import_report *rep)
{
    lang_id L = r->lang;
    const table_col cols[] = {
        {T(L, MSG_FIG_IMPORT_COL_ORG), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_FIG_COL_YEAR), TABLE_TEXT, TABLE_ALIGN_RIGHT, false},
        {T(L, MSG_FIG_IMPORT_COL_FIELD), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_FIG_IMPORT_COL_OLD), TABLE_TEXT, TABLE_ALIGN_RIGHT, false},
        {T(L, MSG_FIG_IMPORT_COL_NEW), TABLE_TEXT, TABLE_ALIGN_RIGHT, false},
    };
    table *t = table_new(r->a, T(L, MSG_FIG_IMPORT_TABLE), cols, 5);
    if (!t)
        return;
    t->id = "import-changes";
    size_t shown = rep->n_changes < PREVIEW_ROWS ? rep->n_changes : PREVIEW_ROWS;
    for (size_t i = 0; i < shown; i++) {
        const figures_import_change *c = &rep->changes[i];
        org_rec o;
        memset(&o, 0, sizeof o);
        o.slug = c->org_slug;
        o.name = c->org_name;
        o.name_en = c->org_name_en;
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, web_org_name(r, &o), arena_printf(r->a, "/orgs/%s", c->org_slug));
        table_set_text(t, row, 1, arena_printf(r->a, "%d", c->year));
        table_set_text(t, row, 2, field_label(L, c->field));
        table_set_text(t, row, 3, change_value(r, c, true));
        table_set_text(t, row, 4, change_value(r, c, false));
    }
    table_html(&r->out, L, t);
    int64_t more = (int64_t)(rep->n_changes - shown) + rep->changes_more;
    if (more > 0) {
        buf mm = BUF_INIT, num = BUF_INIT;
        i18n_fmt_int(&num, L, more);
        buf_printf(&mm, T(L, MSG_FIG_IMPORT_MORE_CHANGES), buf_str(&num));
        html_fmt(&r->out, "<p class=\"muted\">%s</p>\n", buf_str(&mm));
        buf_free(&mm);
        buf_free(&num);
    }
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
            "<h2 id=\"probs\">%s</h2><p>%s</p>\n",
            buf_str(&t), T(L, MSG_FIG_IMPORT_NOTHING_CHANGED));
        buf_free(&t);
        /* what was detected, before the list (a <p> may not sit in an <ol>) */
        if (v->rep->detected)
            html_fmt(o, "<p class=\"import-detected\">%s</p>\n", v->rep->detected);
        html_raw(o, "<ol class=\"problems\">\n");
        for (size_t i = 0; i < v->rep->n_problems; i++) {
            buf l = BUF_INIT;
            if (v->rep->problems[i].line > 0)
                buf_printf(&l, T(L, v->rep->from_xlsx ? MSG_FIG_IMPORT_ROW : MSG_FIG_IMPORT_LINE),
                           (int)v->rep->problems[i].line);
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
        if (v->rep->detected)
            html_fmt(o, "<p class=\"import-detected\">%s</p>\n", v->rep->detected);
        if (v->rep->n_changes || v->rep->changes_more)
            changes_table(r, v->rep);
        else
            html_fmt(o, "<p>%s</p>\n", T(L, MSG_FIG_IMPORT_NONE_CHANGE));
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

    int ty = v->template_year;
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"upload\"><h2 id=\"upload\">%s</h2>"
             "<p>%s</p><p>%s</p>\n",
             T(L, MSG_FIG_IMPORT_UPLOAD), T(L, MSG_FIG_IMPORT_INTRO), T(L, MSG_FIG_IMPORT_FORMATS));
    html_fmt(o, "<p>%s</p>\n", arena_printf(r->a, T(L, MSG_FIG_IMPORT_TEMPLATE_LEAD), ty));
    html_fmt(o,
             "<form class=\"fig-controls\" method=\"get\" action=\"/orgs/%q/figures/import\">"
             "<div class=\"field\"><label for=\"tpl-year\">%s</label><input id=\"tpl-year\" "
             "name=\"year\" type=\"number\" min=\"1990\" max=\"%d\" value=\"%d\"></div>"
             "<div class=\"fig-controls-go\"><button type=\"submit\">%s</button></div></form>\n"
             "<ul class=\"template-links\">",
             org->slug, T(L, MSG_FIG_IMPORT_TEMPLATE_YEAR), wf_this_year(), ty, T(L, MSG_FIG_SHOW));
    html_fmt(o,
             "<li><a href=\"/orgs/%q/figures/import?template=1&amp;year=%d&amp;format=xlsx\" "
             "download>%s</a></li>",
             org->slug, ty, arena_printf(r->a, T(L, MSG_FIG_IMPORT_TEMPLATE_XLSX), ty));
    html_fmt(o,
             "<li><a href=\"/orgs/%q/figures/import?template=1&amp;year=%d&amp;format=csv\" "
             "download>%s</a></li></ul>\n<p>%s</p>\n",
             org->slug, ty, arena_printf(r->a, T(L, MSG_FIG_IMPORT_TEMPLATE_CSV), ty),
             T(L, MSG_FIG_IMPORT_COLUMNS));
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
    html_fmt(o,
             "<input id=\"imp-file\" name=\"file\" type=\"file\" accept=\".xlsx,.csv,text/csv,"
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"%R>",
             v->file_error ? " aria-describedby=\"imp-file-error\" aria-invalid=\"true\"" : "");
    html_fmt(o,
             "</div><div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_FIG_IMPORT_CHECK));
    layout_end(r);
}

/* The year of ?year= when it is one, else last year (the one members
 * report during this one). */
static int template_year(req *r)
{
    int64_t y;
    const char *q = req_query(r, "year");
    if (q && str_to_i64(q, &y) && y >= 1990 && y <= wf_this_year())
        return (int)y;
    return wf_this_year() - 1;
}

/* The members' template as CSV or XLSX (?format=), through table.c, so
 * both files hold the same cells: text for codes and amounts (as the
 * importer reads them back: "1234567.89"), numbers for headcounts. */
static void template_file(req *r, const org_rec *org, int year)
{
    lang_id L = r->lang;
    figures_template_row *rows;
    size_t n;
    db_status st = figures_template(r->db, r->a, org->id, year, r->user, &rows, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "figures_template");
        return;
    }
    table_col cols[10];
    for (size_t c = 0; c < 10; c++)
        cols[c] = (table_col){figures_template_columns[c], c == 4 ? TABLE_INT : TABLE_TEXT,
                              TABLE_ALIGN_AUTO, false};
    table *t =
        table_new(r->a, arena_printf(r->a, T(L, MSG_FIG_IMPORT_TEMPLATE_SHEET), year), cols, 10);
    if (!t) {
        resp_fail(r, DB_NOMEM, "figures template table");
        return;
    }
    const char *y = arena_printf(r->a, "%d", year);
    for (size_t i = 0; i < n; i++) {
        const figures_template_row *m = &rows[i];
        size_t row = table_add_row(t);
        table_set_text(t, row, 0, m->pib);
        table_set_text(t, row, 1, m->slug);
        table_set_text(t, row, 2, m->name);
        table_set_text(t, row, 3, y);
        if (m->employees >= 0)
            table_set_int(t, row, 4, m->employees);
        const int64_t money[3] = {m->revenue, m->exports, m->rnd};
        for (size_t k = 0; k < 3; k++)
            if (money[k] >= 0)
                table_set_text(t, row, 5 + k,
                               arena_printf(r->a, "%lld.%02lld", (long long)(money[k] / 100),
                                            (long long)(money[k] % 100)));
        table_set_text(t, row, 8, m->currency);
        table_set_text(t, row, 9, m->source);
    }
    if (t->failed) {
        resp_fail(r, DB_NOMEM, "figures template table");
        return;
    }
    if (!table_respond(r, t, arena_printf(r->a, "figures-%s-%d", org->slug, year)))
        resp_error(r, 400, T(L, MSG_FIG_IMPORT_TEMPLATE_FORMAT));
}

void web_figures_import_form(req *r)
{
    org_rec org;
    if (!load_cluster_for_import(r, &org))
        return;
    if (req_query(r, "template")) {
        if (!req_query(r, "format")) /* the old link: the CSV */
            resp_redirect(r, arena_printf(r->a,
                                          "/orgs/%s/figures/import?template=1&year=%d"
                                          "&format=csv",
                                          org.slug, template_year(r)));
        else
            template_file(r, &org, template_year(r));
        return;
    }
    import_view v = {.template_year = template_year(r)};
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
    const char *data = NULL;
    size_t n = 0;
    if (file && file->filename && file->value_len > 0) {
        data = file->value;
        n = file->value_len;
    } else {
        const form_field *text = form_find(&f, "csv");
        if (text && text->value_len > 0) {
            data = text->value;
            n = text->value_len;
        }
    }
    import_view v = {.template_year = template_year(r)};
    if (!data) {
        v.file_error = T(L, MSG_FIG_IMPORT_NO_FILE);
        r->status = 422;
        import_page(r, &org, &v);
        return;
    }
    const char *confirm = form_get(&f, "confirm");
    bool apply = confirm && strcmp(confirm, "1") == 0;
    figures_import_report rep;
    db_status st = figures_import(r->db, r->a, data, n, org.id, !apply, r->user->person_id,
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
    v.csv = rep.normalized ? rep.normalized : "";
    v.csv_len = rep.normalized_len;
    if (st == DB_CONSTRAINT)
        r->status = 422;
    import_page(r, &org, &v);
    buf_free(&rep.preview);
}
