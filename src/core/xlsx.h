/* xlsx.h: reads the first worksheet of an Office Open XML workbook (.xlsx)
 * into rows of text cells, for the importers (model/import.c), the way
 * core/csv.h reads a CSV.
 *
 * An .xlsx file is a ZIP of XML parts. The ZIP is read with libzip (Debian
 * libzip-dev) from memory; the parts xl/sharedStrings.xml (optional) and
 * xl/worksheets/sheet1.xml are parsed with libxml2's streaming reader,
 * without network, entity substitution or DTD loading, and a document
 * type declaration is refused outright. Sizes are bounded before anything
 * is inflated (each part's declared uncompressed size; the reader then
 * refuses a part that inflates to more than it declared) and the number
 * of cells is capped, so a ZIP bomb costs nothing; the whole read has a
 * byte budget (max_total_bytes), and a cell using a shared string points
 * at it rather than copying it, so a short file repeating one long string
 * in many cells costs neither memory nor the importers' time.
 *
 * Cells come back as the text the file stores: a shared or inline string
 * as written, a number exactly as its <v> text ("1234567.89", never
 * through a double), a boolean as "0"/"1". A cell holding a formula is
 * refused (its cached value may be stale and is not what the person
 * typed). Text is UTF-8 (XML guarantees it). */
#ifndef SCAN_XLSX_H
#define SCAN_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/csv.h"

/* One row that has any cell: its number in the sheet (1-based) and its
 * cells from column A to its last non-empty one ("" for gaps). */
typedef struct xlsx_row {
    int64_t num;
    size_t n;
    csv_cell *cells; /* arena */
} xlsx_row;

typedef struct xlsx_limits {
    size_t max_part_bytes;  /* uncompressed size of one XML part */
    size_t max_cells;       /* cells with a value, in all */
    size_t max_cols;        /* columns (A = 1) */
    size_t max_total_bytes; /* the whole read: unpacked parts, shared
                               strings and every cell's text (a shared
                               string once per cell that uses it) */
} xlsx_limits;

typedef enum {
    XLSX_OK,
    XLSX_NOT_ZIP,        /* not a ZIP archive, or a broken one */
    XLSX_NO_SHEET,       /* no xl/worksheets/sheet1.xml */
    XLSX_TOO_BIG,        /* a part larger than max_part_bytes */
    XLSX_TOO_MANY_CELLS, /* more than max_cells, or a column past max_cols */
    XLSX_OVER_BUDGET,    /* more than max_total_bytes read in all */
    XLSX_BAD_XML,        /* a part is not well-formed XML, or not a worksheet */
    XLSX_DTD,            /* a part declares a document type (refused) */
    XLSX_FORMULA,        /* a cell holds a formula (where names it) */
    XLSX_NOMEM,
} xlsx_status;

/* True when the n bytes at data start like a ZIP archive ("PK\3\4"). */
bool xlsx_looks_like(const void *data, size_t n);

/* Reads the first worksheet of the n bytes at data (not kept) into *rows
 * (*n_rows of them, by row number, arena a). On XLSX_FORMULA and
 * XLSX_TOO_MANY_CELLS, where[] gets the cell's reference ("D7"); *row the
 * row concerned (0 when none). Nothing needs freeing beyond the arena. */
xlsx_status xlsx_read(arena *a, const void *data, size_t n, const xlsx_limits *lim, xlsx_row **rows,
                      size_t *n_rows, char where[16], int64_t *row);

#endif
