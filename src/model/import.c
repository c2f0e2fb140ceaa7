/* import.c: the importers' shared skeleton (see import.h): an upload as
 * records, problems with lines, the header mapped onto column names. */
#include "model/import.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

#include "core/strutil.h"

/* --- problems ------------------------------------------------------------------- */

void import_problem_add(import_problems *p, int64_t line, const char *message)
{
    assert(p && p->a && message);
    if (!arena_grow(p->a, (void **)&p->items, p->n, &p->cap, sizeof *p->items)) {
        p->oom = true;
        return;
    }
    const char *m = arena_strdup(p->a, message);
    if (!m) {
        p->oom = true;
        return;
    }
    p->items[p->n].line = line;
    p->items[p->n].message = m;
    p->n++;
}

void import_problem_msg(import_problems *p, lang_id lang, int64_t line, msg_id id, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, id);
    buf_vprintf(&b, T(lang, id), ap);
    va_end(ap);
    if (buf_failed(&b))
        p->oom = true;
    else
        import_problem_add(p, line, buf_str(&b));
    buf_free(&b);
}

/* --- reading an upload ---------------------------------------------------------------- */

static void xlsx_problem(import_problems *p, lang_id lang, xlsx_status st, const char *where)
{
    switch (st) {
    case XLSX_OK:
        return;
    case XLSX_NOT_ZIP:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_BROKEN);
        return;
    case XLSX_NO_SHEET:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_NO_SHEET);
        return;
    case XLSX_TOO_BIG:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_TOO_BIG, (int)(IMPORT_MAX_PART >> 20));
        return;
    case XLSX_TOO_MANY_CELLS:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_TOO_MANY, where, IMPORT_MAX_COLS);
        return;
    case XLSX_OVER_BUDGET:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_OVER_BUDGET, (int)(IMPORT_MAX_TOTAL >> 20));
        return;
    case XLSX_BAD_XML:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_BAD_XML);
        return;
    case XLSX_DTD:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_DTD);
        return;
    case XLSX_FORMULA:
        import_problem_msg(p, lang, 0, MSG_IMP_XLSX_FORMULA, where);
        return;
    case XLSX_NOMEM:
        p->oom = true;
        return;
    }
}

bool import_open(import_reader *r, arena *a, const char *data, size_t n, lang_id lang,
                 import_problems *p)
{
    assert(r && a && p && (data || n == 0));
    memset(r, 0, sizeof *r);
    if (!data)
        data = "";
    if (xlsx_looks_like(data, n)) {
        r->format = IMPORT_XLSX;
        xlsx_limits lim = {IMPORT_MAX_PART, IMPORT_MAX_CELLS, IMPORT_MAX_COLS, IMPORT_MAX_TOTAL};
        char where[16];
        int64_t row;
        xlsx_status st = xlsx_read(a, data, n, &lim, &r->rows, &r->n_rows, where, &row);
        xlsx_problem(p, lang, st, where);
        return st == XLSX_OK;
    }
    r->format = IMPORT_CSV;
    int64_t bad = 0;
    int rc = csv_decode(a, data, n, &r->enc, &r->text, &r->text_n, &bad);
    if (rc == CSV_DEC_NOMEM) {
        p->oom = true;
        return false;
    }
    if (rc != CSV_DEC_OK) {
        import_problem_msg(p, lang, bad, MSG_IMP_BAD_ENCODING);
        return false;
    }
    r->sep = csv_sniff_sep(r->text, r->text_n);
    csv_reader_init(&r->csv, r->text, r->text_n);
    r->csv.sep = r->sep;
    r->lines = 1 + str_count_char(r->text, r->text + r->text_n, '\n');
    return true;
}

/* A CSV reader error (core/csv.c words it in English) in lang; with
 * rest, saying that the rest of the file was not read. */
static void csv_problem(import_problems *p, lang_id lang, int64_t line, const char *err, bool rest)
{
    static const struct {
        const char *en;
        msg_id id;
    } known[] = {
        {"a quoted field is not closed", MSG_FIMP_CSV_UNCLOSED},
        {"unexpected text after a closing quote", MSG_FIMP_CSV_AFTER_QUOTE},
        {"a quote inside an unquoted field (quote the whole field and double the quote)",
         MSG_FIMP_CSV_BARE_QUOTE},
        {"out of memory", MSG_FIMP_CSV_NOMEM},
    };
    const char *what = NULL;
    buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (err && strcmp(err, known[i].en) == 0)
            what = T(lang, known[i].id);
    if (!what) {
        buf_printf(&b, T(lang, MSG_FIMP_CSV_OTHER), err ? err : "?");
        what = buf_str(&b);
    }
    if (buf_failed(&b))
        p->oom = true;
    else if (rest)
        import_problem_msg(p, lang, line, MSG_FIMP_REST_UNREAD, what);
    else
        import_problem_add(p, line, what);
    buf_free(&b);
}

int import_next(import_reader *r, arena *scratch, const csv_cell **cells, size_t *n_cells,
                int64_t *line, lang_id lang, import_problems *p)
{
    assert(r && scratch && cells && n_cells && line && p);
    if (r->format == IMPORT_XLSX) {
        if (r->next >= r->n_rows)
            return 0;
        const xlsx_row *row = &r->rows[r->next++];
        *cells = row->cells;
        *n_cells = row->n;
        *line = row->num;
        return 1;
    }
    for (;;) {
        const char *err = NULL;
        bool first = r->csv.p == r->text;
        int rc = csv_record(scratch, &r->csv, n_cells, line, &err);
        if (rc < 0) {
            csv_problem(p, lang, *line, err, !first);
            return -1;
        }
        if (rc == 0)
            return 0;
        if (*n_cells == 1 && r->csv.cells[0].n == 0)
            continue; /* a blank line */
        *cells = r->csv.cells;
        return 1;
    }
}

void import_scratch_freed(import_reader *r)
{
    /* the CSV reader keeps its cell array in scratch, reused per record */
    r->csv.cells = NULL;
    r->csv.cap = 0;
}

void import_detected(buf *out, lang_id lang, const import_reader *r)
{
    if (r->format == IMPORT_XLSX) {
        buf_puts(out, T(lang, MSG_IMP_READ_XLSX));
        return;
    }
    msg_id sep = r->sep == ';'    ? MSG_IMP_SEP_SEMICOLON
                 : r->sep == '\t' ? MSG_IMP_SEP_TAB
                                  : MSG_IMP_SEP_COMMA;
    buf_printf(out, T(lang, MSG_IMP_READ_CSV), csv_encoding_name(r->enc), T(lang, sep));
}

/* --- the header ------------------------------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *import_trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

bool import_map_header(const csv_cell *cells, size_t n, const char *const *names, size_t n_names,
                       const char *const *ignored, int *map, bool *seen, int64_t line, lang_id lang,
                       import_problems *p)
{
    bool ok = true;
    for (size_t k = 0; k < n_names; k++)
        seen[k] = false;
    for (size_t c = 0; c < n; c++) {
        /* the cell is the reader's arena copy: trimmed in place */
        char *name = import_trim((char *)cells[c].s);
        map[c] = -2;
        for (size_t k = 0; k < n_names; k++)
            if (str_ieq(name, names[k]))
                map[c] = (int)k;
        for (size_t k = 0; ignored && ignored[k] && map[c] == -2; k++)
            if (str_ieq(name, ignored[k]))
                map[c] = -1;
        if (map[c] == -2) {
            import_problem_msg(p, lang, line, MSG_FIMP_HDR_UNKNOWN, name);
            ok = false;
        } else if (map[c] >= 0 && seen[map[c]]) {
            import_problem_msg(p, lang, line, MSG_FIMP_HDR_TWICE, names[map[c]]);
            ok = false;
        } else if (map[c] >= 0) {
            seen[map[c]] = true;
        }
    }
    return ok;
}
