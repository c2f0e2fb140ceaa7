/* table.c: one table model as HTML, CSV and XLSX (see table.h).
 *
 * The HTML goes through the escaping writer; CSV is written here by hand
 * (RFC 4180 plus the formula-injection guard); XLSX is made by
 * libxlsxwriter, which only writes to a named file, so table_xlsx() gives
 * it a private mkstemp() file and reads the bytes back. */
#include "web/table.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/mem.h"
#include "core/utf8.h"
#include "html/chart.h"
#include "html/html.h"

/* ---- the model ---------------------------------------------------------------- */

table *table_new(arena *a, const char *title, const table_col *cols, size_t n_cols)
{
    assert(a && cols && n_cols > 0);
    if (!a || !cols || n_cols == 0 || n_cols > 1000)
        return NULL;
    table *t = arena_zalloc(a, sizeof *t + n_cols * sizeof t->cols[0]);
    if (!t)
        return NULL;
    t->a = a;
    t->n_cols = n_cols;
    memcpy(t->cols, cols, n_cols * sizeof cols[0]);
    if (title && !(t->title = arena_strdup(a, title)))
        return NULL;
    return t;
}

size_t table_add_row(table *t)
{
    assert(t);
    if (t->failed)
        return SIZE_MAX;
    if (t->n_rows == t->cap_rows) {
        /* arena memory cannot grow in place: copy into a block twice the size
         * (the old one dies with the arena) */
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
        if (cap > SIZE_MAX / sizeof(table_cell) / t->n_cols) {
            t->failed = true;
            return SIZE_MAX;
        }
        table_cell *cells = arena_alloc(t->a, cap * t->n_cols * sizeof *cells);
        if (!cells) {
            t->failed = true;
            return SIZE_MAX;
        }
        if (t->n_rows)
            memcpy(cells, t->cells, t->n_rows * t->n_cols * sizeof *cells);
        t->cells = cells;
        t->cap_rows = cap;
    }
    memset(&t->cells[t->n_rows * t->n_cols], 0, t->n_cols * sizeof *t->cells);
    return t->n_rows++;
}

/* The cell at row, col, or NULL when out of range or the table failed. */
static table_cell *cell_at(table *t, size_t row, size_t col)
{
    assert(t->failed || (row < t->n_rows && col < t->n_cols));
    if (t->failed || row >= t->n_rows || col >= t->n_cols)
        return NULL;
    return &t->cells[row * t->n_cols + col];
}

void table_set_text(table *t, size_t row, size_t col, const char *text)
{
    table_set_link(t, row, col, text, NULL);
}

void table_set_link(table *t, size_t row, size_t col, const char *text, const char *href)
{
    table_cell *c = cell_at(t, row, col);
    if (!c || !text)
        return;
    c->text = arena_strdup(t->a, text);
    c->href = href ? arena_strdup(t->a, href) : NULL;
    if (!c->text || (href && !c->href)) {
        t->failed = true;
        return;
    }
    c->has_value = true;
}

void table_set_int(table *t, size_t row, size_t col, int64_t v)
{
    table_cell *c = cell_at(t, row, col);
    if (!c)
        return;
    c->num = v;
    c->has_value = true;
}

static bool kind_is_number(table_kind k)
{
    return k == TABLE_INT || k == TABLE_MONEY_CENTS || k == TABLE_BP_PERCENT;
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* ---- HTML ------------------------------------------------------------------------ */

/* Appends a number cell's value formatted for lang. */
static void html_number(buf *out, lang_id lang, const table_col *col, int64_t v)
{
    switch (col->kind) {
    case TABLE_MONEY_CENTS:
        if (col->whole) { /* whole euros, rounded half away from zero */
            uint64_t m = magnitude(v), whole = (m + 50) / 100;
            int64_t r = whole > (uint64_t)INT64_MAX / 100 ? v : (int64_t)(whole * 100);
            i18n_fmt_money(out, lang, v < 0 ? -r : r, "EUR", true);
        } else {
            i18n_fmt_money(out, lang, v, "EUR", false);
        }
        break;
    case TABLE_BP_PERCENT:
        chart_fmt_bp(out, lang, v);
        break;
    default:
        i18n_fmt_int(out, lang, v);
        break;
    }
}

/* The class attribute for a column's cells ("" or ` class="num"`). */
static const char *align_class(const table_col *col)
{
    bool right = col->align == TABLE_ALIGN_RIGHT ||
                 (col->align == TABLE_ALIGN_AUTO && kind_is_number(col->kind));
    return right ? " class=\"num\"" : "";
}

int table_html(buf *out, lang_id lang, const table *t)
{
    assert(out);
    if (!t || t->failed)
        return -1;
    bool row_header = t->cols[0].kind == TABLE_TEXT || t->cols[0].kind == TABLE_LINK;
    /* a wide table scrolls inside its wrapper, which keyboard users must
     * be able to reach (axe: scrollable-region-focusable): a named,
     * focusable region */
    if (t->title && *t->title)
        html_fmt(out, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"%s\">",
                 t->title);
    else
        html_raw(out, "<div class=\"table-wrap\">");
    html_raw(out, "<table class=\"data\"");
    if (t->id && *t->id)
        html_fmt(out, " id=\"%s\"", t->id);
    html_raw(out, ">\n");
    if (t->title && *t->title)
        html_fmt(out, "<caption>%s</caption>\n", t->title);
    html_raw(out, "<thead><tr>");
    for (size_t c = 0; c < t->n_cols; c++)
        html_fmt(out, "<th scope=\"col\"%R>%s</th>", align_class(&t->cols[c]), t->cols[c].label);
    html_raw(out, "</tr></thead>\n<tbody>\n");
    if (t->n_rows == 0)
        html_fmt(out, "<tr><td colspan=\"%d\" class=\"empty\">%s</td></tr>\n", (int)t->n_cols,
                 T(lang, MSG_TABLE_NO_ROWS));
    for (size_t r = 0; r < t->n_rows; r++) {
        html_raw(out, "<tr>");
        for (size_t c = 0; c < t->n_cols; c++) {
            const table_col *col = &t->cols[c];
            const table_cell *cell = &t->cells[r * t->n_cols + c];
            const char *tag = c == 0 && row_header ? "th" : "td";
            html_fmt(out, "<%R%R%R>", tag, c == 0 && row_header ? " scope=\"row\"" : "",
                     align_class(col));
            if (!cell->has_value) {
                html_fmt(out,
                         "<span aria-hidden=\"true\">\xE2\x80\x93</span>"
                         "<span class=\"visually-hidden\">%s</span>",
                         T(lang, MSG_TABLE_NO_VALUE));
            } else if (kind_is_number(col->kind)) {
                buf v = BUF_INIT;
                html_number(&v, lang, col, cell->num);
                html_text(out, buf_str(&v));
                if (buf_failed(&v))
                    out->failed = true;
                buf_free(&v);
            } else if (col->kind == TABLE_LINK && cell->href) {
                html_fmt(out, "<a href=\"%u\">%s</a>", cell->href, cell->text);
            } else {
                html_text(out, cell->text);
            }
            html_fmt(out, "</%R>", tag);
        }
        html_raw(out, "</tr>\n");
    }
    html_raw(out, "</tbody>\n</table></div>\n");
    return buf_failed(out) ? -1 : 0;
}

/* ---- CSV ------------------------------------------------------------------------- */

/* Appends one CSV field: quoted when it holds a comma, quote, CR or LF,
 * and with a leading apostrophe when a spreadsheet would read it as a
 * formula (OWASP CSV injection). */
static void csv_field(buf *out, const char *s)
{
    if (!s)
        return;
    bool guard =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    bool quote = guard || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(out, '"');
    if (guard)
        buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    if (quote)
        buf_putc(out, '"');
}

/* Appends v/100 with two decimals: 123450 -> "1234.50". */
static void csv_hundredths(buf *out, int64_t v)
{
    uint64_t m = magnitude(v);
    buf_printf(out, "%s%llu.%02u", v < 0 ? "-" : "", (unsigned long long)(m / 100),
               (unsigned)(m % 100));
}

int table_csv(buf *out, const table *t)
{
    assert(out);
    if (!t || t->failed)
        return -1;
    buf_puts(out, "\xEF\xBB\xBF");
    for (size_t c = 0; c < t->n_cols; c++) {
        const table_col *col = &t->cols[c];
        buf h = BUF_INIT;
        buf_puts(&h, col->label);
        if (col->kind == TABLE_MONEY_CENTS && !strstr(buf_str(&h), "EUR"))
            buf_puts(&h, " (EUR)");
        if (col->kind == TABLE_BP_PERCENT && !strchr(buf_str(&h), '%'))
            buf_puts(&h, " (%)");
        if (c)
            buf_putc(out, ',');
        csv_field(out, buf_str(&h));
        if (buf_failed(&h))
            out->failed = true;
        buf_free(&h);
    }
    buf_puts(out, "\r\n");
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const table_cell *cell = &t->cells[r * t->n_cols + c];
            if (c)
                buf_putc(out, ',');
            if (!cell->has_value)
                continue;
            switch (t->cols[c].kind) {
            case TABLE_INT:
                buf_printf(out, "%lld", (long long)cell->num);
                break;
            case TABLE_MONEY_CENTS:
            case TABLE_BP_PERCENT:
                csv_hundredths(out, cell->num);
                break;
            default:
                csv_field(out, cell->text);
                break;
            }
        }
        buf_puts(out, "\r\n");
    }
    return buf_failed(out) ? -1 : 0;
}

/* ---- XLSX ------------------------------------------------------------------------ */

/* The most characters a cell holds in Excel. */
#define TABLE_XLSX_STR_MAX 32767

/* Copies title into name (cap bytes) as an Excel sheet name: no []:*?/\,
 * at most 31 code points, no apostrophe or space at either end. */
static void sheet_name(char *name, size_t cap, const char *title)
{
    size_t n = 0, chars = 0, len = title ? strlen(title) : 0;
    for (size_t i = 0; i < len && chars < 31;) {
        uint32_t cp;
        int k = utf8_decode(title + i, len - i, &cp);
        if (k <= 0)
            break;
        if (n + (size_t)k + 1 > cap)
            break;
        if (strchr("[]:*?/\\", (int)cp) && cp < 0x80)
            name[n++] = ' ';
        else
            memcpy(name + n, title + i, (size_t)k), n += (size_t)k;
        i += (size_t)k;
        chars++;
    }
    name[n] = '\0';
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\''))
        name[--n] = '\0';
    size_t skip = 0;
    while (name[skip] == ' ' || name[skip] == '\'')
        skip++;
    memmove(name, name + skip, n - skip + 1);
}

/* Code points in s, for column widths. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Digits of |v| plus grouping separators and a sign. */
static size_t number_chars(int64_t v)
{
    uint64_t m = magnitude(v);
    size_t d = 1;
    while (m >= 10)
        m /= 10, d++;
    return d + (d - 1) / 3 + (v < 0);
}

/* Reads the whole file behind fd into out. */
static int read_back(int fd, buf *out)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || lseek(fd, 0, SEEK_SET) != 0)
        return -1;
    size_t size = (size_t)st.st_size, got = 0;
    if (!buf_reserve(out, size + 1))
        return -1;
    while (got < size) {
        ssize_t k = read(fd, out->data + out->len + got, size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    out->len += size;
    out->data[out->len] = '\0';
    return 0;
}

/* s, or a copy in a cut at a code point boundary when longer than a cell
 * holds (Excel: 32767 characters; counted here in bytes, the safe side).
 * NULL on OOM. */
static const char *cell_text(arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n < TABLE_XLSX_STR_MAX)
        return s;
    n = TABLE_XLSX_STR_MAX - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return arena_strndup(a, s, n);
}

int table_xlsx(buf *out, const table *t, lang_id lang)
{
    assert(out);
    if (!t || t->failed)
        return -1;
    int rc = -1;
    char path[] = "/tmp/scan-table-XXXXXX";
    lxw_workbook *wb = NULL;
    double *widths = NULL;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;

    wb = workbook_new(path);
    if (!wb)
        goto cleanup;
    lxw_doc_properties props = {0};
    props.title = (char *)(t->title ? t->title : "");
    props.company = (char *)T(lang, MSG_SITE_NAME);
    if (workbook_set_properties(wb, &props) != LXW_NO_ERROR)
        goto cleanup;

    char name[128];
    sheet_name(name, sizeof name, t->title);
    if (!name[0] || workbook_validate_sheet_name(wb, name) != LXW_NO_ERROR)
        snprintf(name, sizeof name, "%s", T(lang, MSG_TABLE_SHEET));
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws)
        goto cleanup;

    lxw_format *head = workbook_add_format(wb);
    lxw_format *f_int = workbook_add_format(wb);
    lxw_format *f_money = workbook_add_format(wb);
    lxw_format *f_pct = workbook_add_format(wb);
    if (!head || !f_int || !f_money || !f_pct)
        goto cleanup;
    format_set_bold(head);
    format_set_bottom(head, LXW_BORDER_THIN);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(f_int, "#,##0");
    format_set_num_format(f_money, "#,##0.00 \"EUR\"");
    format_set_num_format(f_pct, "0.00%");

    widths = mem_calloc(t->n_cols, sizeof *widths);
    if (!widths)
        goto cleanup;
    lxw_error err = LXW_NO_ERROR;
    for (size_t c = 0; c < t->n_cols; c++) {
        const table_col *col = &t->cols[c];
        const char *label = col->label ? cell_text(t->a, col->label) : "";
        if (!label)
            goto cleanup;
        if (!err)
            err = worksheet_write_string(ws, 0, (lxw_col_t)c, label, head);
        double w = (double)utf8_chars(label) * 1.15 + 2;
        widths[c] = w > 40 ? 40 : w; /* long headers wrap */
    }
    for (size_t r = 0; r < t->n_rows && !err; r++) {
        lxw_row_t row = (lxw_row_t)(r + 1);
        for (size_t c = 0; c < t->n_cols && !err; c++) {
            const table_col *col = &t->cols[c];
            const table_cell *cell = &t->cells[r * t->n_cols + c];
            lxw_col_t xc = (lxw_col_t)c;
            if (!cell->has_value)
                continue;
            double w = 0;
            switch (col->kind) {
            case TABLE_INT:
                err = worksheet_write_number(ws, row, xc, (double)cell->num, f_int);
                w = (double)number_chars(cell->num);
                break;
            case TABLE_MONEY_CENTS:
                err = worksheet_write_number(ws, row, xc, (double)cell->num / 100.0, f_money);
                w = (double)number_chars(cell->num / 100) + 7;
                break;
            case TABLE_BP_PERCENT:
                err = worksheet_write_number(ws, row, xc, (double)cell->num / 10000.0, f_pct);
                w = (double)number_chars(cell->num / 100) + 4;
                break;
            default: {
                const char *s = cell_text(t->a, cell->text);
                if (!s)
                    goto cleanup;
                bool web = cell->href && (strncmp(cell->href, "https://", 8) == 0 ||
                                          strncmp(cell->href, "http://", 7) == 0);
                err = LXW_ERROR_PARAMETER_VALIDATION;
                if (web && strlen(cell->href) < 256)
                    err = worksheet_write_url_opt(ws, row, xc, cell->href, NULL, s, NULL);
                if (err)
                    err = worksheet_write_string(ws, row, xc, s, NULL);
                w = (double)utf8_chars(s) * 1.1;
                break;
            }
            }
            w += 2;
            if (w > widths[c])
                widths[c] = w;
        }
    }
    if (err)
        goto cleanup;
    for (size_t c = 0; c < t->n_cols; c++) {
        double w = widths[c] < 8 ? 8 : widths[c] > 60 ? 60 : widths[c];
        if (worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL) != LXW_NO_ERROR)
            goto cleanup;
    }
    worksheet_freeze_panes(ws, 1, 0);
    if (worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->n_rows, (lxw_col_t)(t->n_cols - 1)) !=
        LXW_NO_ERROR)
        goto cleanup;

    err = workbook_close(wb);
    wb = NULL;
    if (err != LXW_NO_ERROR)
        goto cleanup;
    size_t before = out->len;
    if (read_back(fd, out) != 0) {
        if (!buf_failed(out))
            out->len = before;
        goto cleanup;
    }
    rc = 0;

cleanup:
    if (wb)
        lxw_workbook_free(wb); /* on error: discard without writing */
    mem_free(widths);
    close(fd);
    unlink(path);
    return rc;
}

/* ---- links and responses ------------------------------------------------------ */

/* Appends url without its fragment and without format= parameters, then
 * "?" or "&" and "format=" + fmt. */
static void url_with_format(buf *out, const char *url, const char *fmt)
{
    size_t end = strcspn(url, "#");
    size_t q = strcspn(url, "?");
    if (q > end)
        q = end;
    buf_append(out, url, q);
    char sep = '?';
    size_t i = q < end ? q + 1 : end;
    while (i < end) {
        size_t j = i;
        while (j < end && url[j] != '&')
            j++;
        size_t name_len = strcspn(url + i, "=&#");
        if (name_len > j - i)
            name_len = j - i;
        bool drop = j == i || (name_len == 6 && strncmp(url + i, "format", 6) == 0);
        if (!drop) {
            buf_putc(out, sep);
            buf_append(out, url + i, j - i);
            sep = '&';
        }
        i = j + 1;
    }
    buf_putc(out, sep);
    buf_puts(out, "format=");
    buf_puts(out, fmt);
}

void table_download_links(buf *out, lang_id lang, const char *url, const char *what)
{
    static const char *const fmts[2][2] = {{"csv", "CSV"}, {"xlsx", "XLSX"}};
    html_fmt(out, "<p class=\"table-downloads\">%s: ", T(lang, MSG_TABLE_DOWNLOAD));
    for (int i = 0; i < 2; i++) {
        buf u = BUF_INIT;
        url_with_format(&u, url ? url : "", fmts[i][0]);
        if (i)
            html_raw(out, "<span aria-hidden=\"true\"> \xC2\xB7 </span>");
        html_fmt(out, "<a href=\"%u\" download>%s", buf_str(&u), fmts[i][1]);
        if (what && *what)
            html_fmt(out, "<span class=\"visually-hidden\">, %s</span>", what);
        html_raw(out, "</a>");
        if (buf_failed(&u))
            out->failed = true;
        buf_free(&u);
    }
    html_raw(out, "</p>\n");
}

/* Appends name folded to [a-z0-9_-] (runs of anything else as one '-'),
 * at most 80 bytes, "table" when nothing is left. */
static void safe_filename(buf *out, const char *name)
{
    buf f = BUF_INIT;
    utf8_fold(&f, name ? name : "", name ? strlen(name) : 0);
    size_t start = out->len, n = 0;
    bool dash = false;
    for (const char *p = buf_str(&f); *p && n < 80; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (ok) {
            if (dash && n > 0) {
                buf_putc(out, '-');
                n++;
            }
            buf_putc(out, c);
            n++;
            dash = false;
        } else {
            dash = true;
        }
    }
    if (out->len == start)
        buf_puts(out, "table");
    if (buf_failed(&f))
        out->failed = true;
    buf_free(&f);
}

bool table_respond(req *r, const table *t, const char *filename)
{
    const char *fmt = req_query(r, "format");
    if (!fmt)
        return false;
    if (!*fmt)
        return false;
    bool csv = strcmp(fmt, "csv") == 0, xlsx = strcmp(fmt, "xlsx") == 0;
    if (!csv && !xlsx) { /* a page asked for a download it cannot give */
        resp_error(r, 400, T(r->lang, MSG_TABLE_BAD_FORMAT));
        return true;
    }
    r->static_body = NULL;
    buf_reset(&r->out);
    int rc = csv ? table_csv(&r->out, t) : table_xlsx(&r->out, t, r->lang);
    if (rc != 0 || buf_failed(&r->out)) {
        resp_fail(r, buf_failed(&r->out) ? DB_NOMEM : DB_ERR,
                  csv ? "table: CSV export failed" : "table: XLSX export failed");
        return true;
    }
    buf disp = BUF_INIT;
    buf_puts(&disp, "attachment; filename=\"");
    safe_filename(&disp, filename);
    buf_puts(&disp, csv ? ".csv\"" : ".xlsx\"");
    r->status = 200;
    r->content_type = csv ? "text/csv; charset=utf-8"
                          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    bool ok = !buf_failed(&disp) && resp_header(r, "Content-Disposition", buf_str(&disp));
    buf_free(&disp);
    if (!ok)
        resp_fail(r, DB_NOMEM, "table: no room for Content-Disposition");
    return true;
}
