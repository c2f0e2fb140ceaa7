/* table.h: one table model, rendered as an HTML table, a CSV file and an
 * XLSX workbook.
 *
 * Statistics pages follow two rules: every chart has its table beside it
 * (html/chart.h draws the picture, this module the numbers), and every
 * table downloads as CSV and as XLSX. A page builds one `table` from its
 * data, writes table_html() and table_download_links() into the page, and
 * first calls table_respond(), which answers ?format=csv and ?format=xlsx
 * with the file instead of the page.
 *
 * Cells hold text or an int64 number; numbers keep their full value
 * (money in cents, percentages in basis points) and each output formats
 * them its own way: HTML in the reader's language, CSV plain ("1234.50"),
 * XLSX as real numbers with a number format. Each writer makes its output
 * safe: HTML escaped, CSV quoted with formula injection disarmed, XLSX
 * written as strings and numbers, never formulas.
 *
 * Memory: a table and its cells live in the arena given to table_new()
 * (the request arena) and die with it; nothing needs freeing. Building
 * a table is not thread-safe; rendering a finished one is. */
#ifndef SCAN_TABLE_H
#define SCAN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/request.h"
#include "i18n/i18n.h"

typedef enum {
    TABLE_TEXT = 0,    /* text */
    TABLE_INT,         /* integer count: 1,234 / 1.234 */
    TABLE_MONEY_CENTS, /* euro cents: "1,234.50 EUR"; CSV "1234.50"; XLSX euros */
    TABLE_BP_PERCENT,  /* basis points: "62.3%"; CSV "62.34"; XLSX 0.6234 as 62.34% */
    TABLE_LINK,        /* text with an optional href (HTML only; files get the text) */
} table_kind;

typedef enum {
    TABLE_ALIGN_AUTO = 0, /* numbers right, text left */
    TABLE_ALIGN_LEFT,
    TABLE_ALIGN_RIGHT,
} table_align;

typedef struct table_col {
    const char *label; /* header text */
    table_kind kind;
    table_align align;
    bool whole; /* TABLE_MONEY_CENTS: HTML shows whole euros (files keep cents) */
} table_col;

typedef struct table_cell {
    const char *text; /* TEXT and LINK cells; NULL = empty */
    const char *href; /* LINK cells, optional */
    int64_t num;      /* number cells */
    bool has_value;   /* false: the cell is empty ("not available") */
} table_cell;

typedef struct table {
    arena *a;          /* where rows and copied strings live */
    const char *title; /* caption, workbook title; may be NULL */
    const char *id;    /* optional id of the <table> (charts link to it) */
    bool failed;       /* sticky: an allocation failed, the table is incomplete */
    table_cell *cells; /* n_rows * n_cols, row-major */
    size_t n_rows, cap_rows;
    size_t n_cols;
    table_col cols[]; /* n_cols columns (copied) */
} table;

/* A new empty table with n_cols columns copied from cols (labels are not
 * copied: pass constants or arena strings). The title is copied. Returns
 * NULL on OOM. The first column becomes the row header (<th scope="row">)
 * when it is TEXT or LINK. */
table *table_new(arena *a, const char *title, const table_col *cols, size_t n_cols);

/* Appends an empty row and returns its index. On OOM sets t->failed and
 * returns SIZE_MAX; table_set_* on that index then do nothing. */
size_t table_add_row(table *t);

/* Sets a TEXT or LINK cell (text copied; NULL leaves the cell empty). */
void table_set_text(table *t, size_t row, size_t col, const char *text);
/* Sets a LINK cell's text and href (both copied; href NULL = plain text). */
void table_set_link(table *t, size_t row, size_t col, const char *text, const char *href);
/* Sets a number cell: INT counts, MONEY_CENTS cents, BP_PERCENT basis
 * points. */
void table_set_int(table *t, size_t row, size_t col, int64_t v);

/* Appends the table as accessible HTML: <div class="table-wrap"> (with a
 * title: a focusable region named by it, so a table wider than the screen
 * scrolls by keyboard too) around a
 * <table class="data"> with <caption>, <th scope="col"> headers, the first
 * column as <th scope="row"> (when text), numbers right-aligned in class
 * "num" and formatted for lang, empty cells marked "not available" for
 * screen readers. Returns 0, or -1 when the table or out failed. */
int table_html(buf *out, lang_id lang, const table *t);

/* Appends the table as CSV (RFC 4180: CRLF line ends, fields with
 * comma, quote, CR or LF quoted, quotes doubled), UTF-8 with a byte order
 * mark so Excel reads it right. One header row; number columns get their
 * unit in the header when it does not name one (" (EUR)", " (%)").
 * Numbers are plain: 1234, money 1234.50, percent 62.34. A text cell that
 * starts with = + - @ TAB or CR gets a leading apostrophe so spreadsheets
 * do not run it as a formula. Returns 0 or -1. */
int table_csv(buf *out, const table *t);

/* Appends the table as an XLSX workbook made with libxlsxwriter: one sheet
 * named after the title (or "Data" in lang), a bold header row frozen
 * with an autofilter, numbers as numbers with formats (#,##0; money
 * #,##0.00 "EUR"; percent 0.0%), widths fitted to the content. The file is
 * written to a private mkstemp() file under /tmp, read back and removed.
 * Returns 0, or -1 on any libxlsxwriter or I/O error (out unchanged
 * except possibly its failed flag). */
int table_xlsx(buf *out, const table *t, lang_id lang);

/* Appends "Download: CSV · XLSX" links for the page at url (a path with an
 * optional query, such as r->path plus "?" plus r->query_raw): each href
 * is url with any format= parameter replaced by format=csv / format=xlsx.
 * what (optional) names the table for screen readers. */
void table_download_links(buf *out, lang_id lang, const char *url, const char *what);

/* When the request asks ?format=csv or ?format=xlsx, writes that file as
 * the response (Content-Type, Content-Disposition: attachment with
 * filename "<ASCII-safe filename>.csv"/".xlsx") and returns true; on
 * failure it writes a 500 through resp_fail and still returns true. For
 * no format (or an empty one) returns false so the page renders HTML; an
 * unknown format is a 400 that names the two (returns true).
 * filename is the base name without extension, in any script: it is
 * folded to lower-case ASCII letters, digits, '-' and '_'. */
bool table_respond(req *r, const table *t, const char *filename);

#endif
