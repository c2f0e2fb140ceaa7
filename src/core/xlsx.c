/* xlsx.c: the first worksheet of an .xlsx file as rows of text (see
 * xlsx.h). libzip opens the archive from memory; libxml2's xmlTextReader
 * streams the two parts, so memory stays at the part's size plus the
 * cells, whatever the nesting. */
#include "core/xlsx.h"

#include <assert.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/buf.h"

#define SHEET_PART   "xl/worksheets/sheet1.xml"
#define STRINGS_PART "xl/sharedStrings.xml"
#define MAX_ROW      1048576 /* Excel's last row */

bool xlsx_looks_like(const void *data, size_t n)
{
    return n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

/* Reads the part called name into a NUL-terminated arena copy; XLSX_OK
 * with *out NULL when the archive has no such part. */
static xlsx_status read_part(zip_t *z, arena *a, const char *name, size_t max, char **out,
                             size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0)
        return XLSX_OK;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return XLSX_NOT_ZIP;
    if (st.size > max || st.size > INT32_MAX - 1)
        return XLSX_TOO_BIG;
    char *b = arena_alloc(a, (size_t)st.size + 1);
    if (!b)
        return XLSX_NOMEM;
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f)
        return XLSX_NOT_ZIP;
    zip_uint64_t got = 0;
    xlsx_status rc = XLSX_OK;
    for (;;) {
        /* one byte more than declared: a part that inflates past its
           declared size is refused rather than read on */
        zip_int64_t k = zip_fread(f, b + got, (zip_uint64_t)st.size + 1 - got);
        if (k < 0) {
            rc = XLSX_NOT_ZIP;
            break;
        }
        if (k == 0)
            break;
        got += (zip_uint64_t)k;
        if (got > st.size) {
            rc = XLSX_TOO_BIG;
            break;
        }
    }
    zip_fclose(f);
    if (rc != XLSX_OK)
        return rc;
    if (got != st.size)
        return XLSX_NOT_ZIP;
    b[got] = '\0';
    *out = b;
    *out_n = (size_t)got;
    return XLSX_OK;
}

static void quiet(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc)
{
    (void)arg;
    (void)msg;
    (void)sev;
    (void)loc;
}

static xmlTextReaderPtr open_reader(const char *xml, size_t n)
{
    pthread_once(&xml_once, xml_init);
    /* no XML_PARSE_NOENT (substitution), DTDLOAD, DTDATTR, XINCLUDE or HUGE */
    xmlTextReaderPtr r = xmlReaderForMemory(
        xml, (int)n, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (r)
        xmlTextReaderSetErrorHandler(r, quiet, NULL);
    return r;
}

/* One step of the reader: 1 at a node, 0 at the end, or an error status
 * (negative of an xlsx_status) for broken XML, a DTD or an entity. */
static int step(xmlTextReaderPtr r)
{
    int k = xmlTextReaderRead(r);
    if (k < 0)
        return -(int)XLSX_BAD_XML;
    if (k == 0)
        return 0;
    int t = xmlTextReaderNodeType(r);
    if (t == XML_READER_TYPE_DOCUMENT_TYPE || t == XML_READER_TYPE_ENTITY ||
        t == XML_READER_TYPE_ENTITY_REFERENCE)
        return -(int)XLSX_DTD;
    return 1;
}

static bool is_el(xmlTextReaderPtr r, const char *name)
{
    const xmlChar *n = xmlTextReaderConstLocalName(r);
    return n && strcmp((const char *)n, name) == 0;
}

static bool is_text(int t)
{
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
           t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || t == XML_READER_TYPE_WHITESPACE;
}

/* --- shared strings ------------------------------------------------------------ */

typedef struct strings {
    const char **s;
    size_t *len;
    size_t n, cap, cap_len;
} strings;

/* Charges n bytes to the read's budget (lim->max_total_bytes): the
 * unpacked parts plus the text of every cell, a shared string counted
 * once per cell that uses it, so what the importers go on to do per cell
 * stays bounded whatever the file repeats. */
static bool charge(size_t *spent, const xlsx_limits *lim, size_t n)
{
    if (n > lim->max_total_bytes - *spent)
        return false;
    *spent += n;
    return true;
}

/* Every <si> of sharedStrings.xml: the text of its <t> elements (runs
 * joined), without phonetic hints (<rPh>). */
static xlsx_status read_strings(arena *a, const char *xml, size_t n, const xlsx_limits *lim,
                                size_t *spent, strings *out)
{
    xmlTextReaderPtr r = open_reader(xml, n);
    if (!r)
        return XLSX_NOMEM;
    buf cur = BUF_INIT;
    xlsx_status rc = XLSX_OK;
    bool in_si = false, in_t = false;
    int rph_depth = -1; /* depth of an open <rPh>, -1 none */
    int k;
    while ((k = step(r)) == 1) {
        int t = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        if (t == XML_READER_TYPE_ELEMENT) {
            bool empty = xmlTextReaderIsEmptyElement(r) == 1;
            if (is_el(r, "si")) {
                buf_reset(&cur);
                in_si = true;
                if (empty)
                    goto close_si;
            } else if (in_si && is_el(r, "rPh") && !empty) {
                rph_depth = depth;
            } else if (in_si && rph_depth < 0 && is_el(r, "t") && !empty) {
                in_t = true;
            }
            continue;
        }
        if (t == XML_READER_TYPE_END_ELEMENT) {
            if (is_el(r, "t"))
                in_t = false;
            else if (is_el(r, "rPh") && depth == rph_depth)
                rph_depth = -1;
            else if (is_el(r, "si") && in_si)
                goto close_si;
            continue;
        }
        if (in_t && is_text(t)) {
            const xmlChar *v = xmlTextReaderConstValue(r);
            if (v)
                buf_puts(&cur, (const char *)v);
            if (cur.len > lim->max_part_bytes) {
                rc = XLSX_TOO_BIG;
                break;
            }
        }
        continue;
    close_si:
        in_si = false;
        in_t = false;
        if (out->n >= lim->max_cells) {
            rc = XLSX_TOO_MANY_CELLS;
            break;
        }
        if (!charge(spent, lim, cur.len)) {
            rc = XLSX_OVER_BUDGET;
            break;
        }
        if (buf_failed(&cur) ||
            !arena_grow(a, (void **)&out->s, out->n, &out->cap, sizeof *out->s) ||
            !arena_grow(a, (void **)&out->len, out->n, &out->cap_len, sizeof *out->len)) {
            rc = XLSX_NOMEM;
            break;
        }
        out->len[out->n] = cur.len;
        if (!(out->s[out->n] = arena_strndup(a, cur.data ? cur.data : "", cur.len))) {
            rc = XLSX_NOMEM;
            break;
        }
        out->n++;
    }
    if (rc == XLSX_OK && k < 0)
        rc = (xlsx_status)-k;
    buf_free(&cur);
    xmlFreeTextReader(r);
    return rc;
}

/* --- the worksheet ----------------------------------------------------------------- */

/* "BC12" into column 55 and row 12 (1-based); false when it is not a cell
 * reference. */
static bool parse_ref(const char *s, size_t *col, int64_t *row)
{
    size_t c = 0;
    int64_t rw = 0;
    const char *p = s;
    for (; *p >= 'A' && *p <= 'Z'; p++) {
        c = c * 26 + (size_t)(*p - 'A' + 1);
        if (c > 16384) /* XFD, Excel's last column */
            return false;
    }
    if (p == s || *p < '1' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        rw = rw * 10 + (*p - '0');
        if (rw > MAX_ROW)
            return false;
    }
    if (*p)
        return false;
    *col = c;
    *row = rw;
    return true;
}

static void ref_text(char where[16], size_t col, int64_t row)
{
    char letters[8];
    int k = 0;
    while (col > 0 && k < 7) {
        col--;
        letters[k++] = (char)('A' + col % 26);
        col /= 26;
    }
    int w = 0;
    while (k > 0 && w < 8)
        where[w++] = letters[--k];
    snprintf(where + w, (size_t)(16 - w), "%lld", (long long)row);
}

typedef struct sheet {
    arena *a;
    const xlsx_limits *lim;
    const strings *ss;
    xlsx_row *rows;
    size_t n_rows, cap_rows;
    size_t n_cells;
    size_t *spent; /* bytes charged to lim->max_total_bytes */
    /* the row being read: cells by column, grown as needed */
    int64_t row_num;
    csv_cell *cells;
    size_t n, cap;
} sheet;

/* Puts text v at column col (1-based) of the current row: an arena copy
 * made here, or with shared v itself (a shared string, which lives in the
 * arena for the whole read: a cell refers to it, never copies it, so
 * repeating one long string costs a pointer per cell). */
static xlsx_status put_cell(sheet *s, size_t col, const char *v, size_t len, bool shared)
{
    if (len == 0)
        return XLSX_OK;
    if (col > s->lim->max_cols || ++s->n_cells > s->lim->max_cells)
        return XLSX_TOO_MANY_CELLS;
    if (!charge(s->spent, s->lim, len))
        return XLSX_OVER_BUDGET;
    while (s->n < col) {
        if (!arena_grow(s->a, (void **)&s->cells, s->n, &s->cap, sizeof *s->cells))
            return XLSX_NOMEM;
        s->cells[s->n].s = "";
        s->cells[s->n].n = 0;
        s->n++;
    }
    const char *c = shared ? v : arena_strndup(s->a, v, len);
    if (!c)
        return XLSX_NOMEM;
    s->cells[col - 1].s = c;
    s->cells[col - 1].n = len;
    return XLSX_OK;
}

static xlsx_status end_row(sheet *s)
{
    if (s->n == 0)
        return XLSX_OK; /* an empty row is no row */
    if (s->n_rows && s->rows[s->n_rows - 1].num >= s->row_num)
        return XLSX_BAD_XML; /* rows out of order */
    if (!arena_grow(s->a, (void **)&s->rows, s->n_rows, &s->cap_rows, sizeof *s->rows))
        return XLSX_NOMEM;
    s->rows[s->n_rows].num = s->row_num;
    s->rows[s->n_rows].n = s->n;
    s->rows[s->n_rows].cells = s->cells;
    s->n_rows++;
    s->cells = NULL;
    s->n = s->cap = 0;
    return XLSX_OK;
}

/* The value of one <c> element (the reader is on its start tag). */
static xlsx_status read_cell(xmlTextReaderPtr r, sheet *s, size_t *next_col, char where[16],
                             int64_t *row)
{
    size_t col = *next_col;
    int64_t rw = s->row_num;
    xmlChar *ref = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
    xmlChar *type = xmlTextReaderGetAttribute(r, (const xmlChar *)"t");
    xlsx_status rc = XLSX_OK;
    buf v = BUF_INIT;
    if (ref && (!parse_ref((const char *)ref, &col, &rw) || rw != s->row_num || col < *next_col))
        rc = XLSX_BAD_XML;
    *next_col = col + 1;
    ref_text(where, col, s->row_num);
    *row = s->row_num;
    if (rc == XLSX_OK && xmlTextReaderIsEmptyElement(r) != 1) {
        int depth = xmlTextReaderDepth(r);
        bool in_v = false, in_t = false;
        int rph_depth = -1;
        int k;
        while ((k = step(r)) == 1) {
            int t = xmlTextReaderNodeType(r);
            if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth)
                break;
            if (t == XML_READER_TYPE_ELEMENT) {
                bool empty = xmlTextReaderIsEmptyElement(r) == 1;
                if (is_el(r, "f")) {
                    rc = XLSX_FORMULA;
                    break;
                }
                if (is_el(r, "v") && !empty)
                    in_v = true;
                else if (is_el(r, "rPh") && !empty)
                    rph_depth = xmlTextReaderDepth(r);
                else if (is_el(r, "t") && !empty && rph_depth < 0)
                    in_t = true;
            } else if (t == XML_READER_TYPE_END_ELEMENT) {
                if (is_el(r, "v"))
                    in_v = false;
                else if (is_el(r, "t"))
                    in_t = false;
                else if (is_el(r, "rPh") && xmlTextReaderDepth(r) == rph_depth)
                    rph_depth = -1;
            } else if ((in_v || in_t) && is_text(t)) {
                const xmlChar *x = xmlTextReaderConstValue(r);
                if (x)
                    buf_puts(&v, (const char *)x);
                if (v.len > s->lim->max_part_bytes) {
                    rc = XLSX_TOO_BIG;
                    break;
                }
            }
        }
        if (rc == XLSX_OK && k < 0)
            rc = (xlsx_status)-k;
        if (rc == XLSX_OK && k == 0)
            rc = XLSX_BAD_XML;
    }
    if (rc == XLSX_OK && buf_failed(&v))
        rc = XLSX_NOMEM;
    if (rc == XLSX_OK) {
        const char *text = v.data ? v.data : "";
        size_t len = v.len;
        bool shared = false;
        if (type && strcmp((const char *)type, "s") == 0) {
            char *end = NULL;
            unsigned long long i = strtoull(text, &end, 10);
            if (!*text || !end || *end || i >= s->ss->n)
                rc = XLSX_BAD_XML;
            else {
                text = s->ss->s[i];
                len = s->ss->len[i];
                shared = true;
            }
        }
        if (rc == XLSX_OK)
            rc = put_cell(s, col, text, len, shared);
    }
    buf_free(&v);
    xmlFree(ref);
    xmlFree(type);
    return rc;
}

static xlsx_status read_sheet(const char *xml, size_t n, sheet *s, char where[16], int64_t *row)
{
    xmlTextReaderPtr r = open_reader(xml, n);
    if (!r)
        return XLSX_NOMEM;
    xlsx_status rc = XLSX_OK;
    bool seen_root = false, in_data = false, in_row = false;
    size_t next_col = 1;
    int k = 0;
    while (rc == XLSX_OK && (k = step(r)) == 1) {
        int t = xmlTextReaderNodeType(r);
        if (t == XML_READER_TYPE_ELEMENT) {
            bool empty = xmlTextReaderIsEmptyElement(r) == 1;
            if (!seen_root) {
                seen_root = true;
                if (!is_el(r, "worksheet"))
                    rc = XLSX_BAD_XML;
            } else if (is_el(r, "sheetData") && !empty) {
                in_data = true;
            } else if (in_data && is_el(r, "row")) {
                int64_t num = s->row_num + 1;
                xmlChar *rn = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
                if (rn) {
                    char *end = NULL;
                    long long x = strtoll((const char *)rn, &end, 10);
                    if (!end || *end || x <= s->row_num || x > MAX_ROW)
                        rc = XLSX_BAD_XML;
                    num = x;
                    xmlFree(rn);
                }
                if (num > MAX_ROW)
                    rc = XLSX_BAD_XML;
                s->row_num = num;
                next_col = 1;
                in_row = !empty;
            } else if (in_row && is_el(r, "c")) {
                rc = read_cell(r, s, &next_col, where, row);
            }
        } else if (t == XML_READER_TYPE_END_ELEMENT) {
            if (is_el(r, "row") && in_row) {
                in_row = false;
                rc = end_row(s);
            } else if (is_el(r, "sheetData")) {
                in_data = false;
            }
        }
    }
    if (rc == XLSX_OK && k < 0)
        rc = (xlsx_status)-k;
    if (rc == XLSX_OK && !seen_root)
        rc = XLSX_BAD_XML;
    xmlFreeTextReader(r);
    return rc;
}

xlsx_status xlsx_read(arena *a, const void *data, size_t n, const xlsx_limits *lim, xlsx_row **rows,
                      size_t *n_rows, char where[16], int64_t *row)
{
    assert(a && lim && rows && n_rows && where && row);
    *rows = NULL;
    *n_rows = 0;
    where[0] = '\0';
    *row = 0;
    if (!data || !xlsx_looks_like(data, n))
        return XLSX_NOT_ZIP;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return XLSX_NOMEM;
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    zip_error_fini(&ze);
    if (!z) {
        zip_source_free(src);
        return XLSX_NOT_ZIP;
    }
    xlsx_status rc;
    char *xml = NULL;
    size_t xml_n = 0;
    strings ss = {0};
    size_t spent = 0;
    sheet s = {.a = a, .lim = lim, .ss = &ss, .spent = &spent};
    if ((rc = read_part(z, a, SHEET_PART, lim->max_part_bytes, &xml, &xml_n)) != XLSX_OK)
        goto done;
    if (xml && !charge(&spent, lim, xml_n)) {
        rc = XLSX_OVER_BUDGET;
        goto done;
    }
    if (!xml) {
        rc = XLSX_NO_SHEET;
        goto done;
    }
    char *sxml = NULL;
    size_t sxml_n = 0;
    if ((rc = read_part(z, a, STRINGS_PART, lim->max_part_bytes, &sxml, &sxml_n)) != XLSX_OK)
        goto done;
    if (sxml && !charge(&spent, lim, sxml_n)) {
        rc = XLSX_OVER_BUDGET;
        goto done;
    }
    if (sxml && (rc = read_strings(a, sxml, sxml_n, lim, &spent, &ss)) != XLSX_OK)
        goto done;
    rc = read_sheet(xml, xml_n, &s, where, row);
    if (rc == XLSX_OK && s.n) /* a last row without its end tag is broken XML */
        rc = XLSX_BAD_XML;
    if (rc == XLSX_OK) {
        *rows = s.rows;
        *n_rows = s.n_rows;
    }
done:
    zip_discard(z); /* also frees src */
    return rc;
}
