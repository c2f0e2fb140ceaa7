/* csv.h: the CSV reader and cell writer shared by the importers and
 * exporters (model/org_import.c, model/figures_import.c).
 *
 * RFC 4180 with the leniency spreadsheets need: records end with LF or
 * CRLF, the last one may lack it, quoted cells may span lines and double
 * their quotes. A quote inside an unquoted cell or text after a closing
 * quote is an error with a sentence that says what to fix. Cell text lives
 * in the caller's arena.
 *
 * Spreadsheets run cells that start with = + - @ (or a tab or CR) as
 * formulas. csv_put_cell() puts a "'" before such a cell, and before a cell
 * that starts with "'" followed by one of those or another "'";
 * csv_has_guard() tells an importer to take exactly one such "'" away, so
 * every value survives the round trip. */
#ifndef SCAN_CSV_H
#define SCAN_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

typedef struct csv_cell {
    const char *s; /* arena, NUL-terminated */
    size_t n;
} csv_cell;

typedef struct csv_reader {
    const char *p, *end;
    int64_t line;    /* of p, 1-based */
    csv_cell *cells; /* the current record's cells (arena; reused per record) */
    size_t cap;
    char sep; /* the separator: ',' unless the caller sets another */
} csv_reader;

/* Starts reading the n bytes at data (not copied: they must outlive r),
 * with ',' as the separator (set r->sep after this for another). */
void csv_reader_init(csv_reader *r, const char *data, size_t n);

/* Reads one record into r->cells (*n cells, text in arena a). Returns 1
 * with a record, 0 at the end of the text, -1 on a syntax error or OOM
 * (*err gets a static English sentence). *line gets the record's first
 * line. A blank line is a record of one empty cell. */
int csv_record(arena *a, csv_reader *r, size_t *n, int64_t *line, const char **err);

/* Export: does s need the guarding "'"? */
bool csv_needs_guard(const char *s);
/* Import: does s carry a guarding "'" to take away? */
bool csv_has_guard(const char *s);
/* Appends one cell: nothing for NULL or "", quoted when it holds a comma,
 * quote, line break or surrounding space, guarded as above. */
void csv_put_cell(buf *out, const char *s);

/* Skips a UTF-8 byte order mark at the start of *data. */
void csv_skip_bom(const char **data, size_t *n);
/* The line (1-based) of the first byte that is not UTF-8 or is NUL, or 0
 * when the whole text is valid. */
int64_t csv_bad_utf8_line(const char *s, size_t n);

/* --- what a spreadsheet saved ------------------------------------------------
 * Excel's "CSV" with Serbian settings is Windows-1250 text separated by
 * semicolons; "Unicode text" is UTF-16 with tabs; others save UTF-8 with or
 * without a byte order mark. csv_decode() and csv_sniff_sep() tell them
 * apart so an importer can read any of them and say what it found. */
typedef enum {
    CSV_ENC_UTF8,     /* valid UTF-8 without a BOM */
    CSV_ENC_UTF8_BOM, /* UTF-8 after a byte order mark */
    CSV_ENC_UTF16,    /* UTF-16 with its byte order mark (LE or BE) */
    CSV_ENC_CP1250,   /* not UTF-8: taken as Windows-1250 (Central European) */
} csv_encoding;
enum { CSV_DEC_OK = 0, CSV_DEC_BAD = 1, CSV_DEC_NOMEM = -1 };

/* Decides the encoding of n bytes at data and gives the text as UTF-8
 * without a BOM: *out points into data when it already was (BOM skipped),
 * else at a NUL-terminated conversion in arena a (iconv). CSV_DEC_BAD when
 * the text is none of the encodings above or holds a NUL (*bad_line gets
 * the line of the first such byte, 1-based), CSV_DEC_NOMEM on OOM. A text
 * that is not UTF-8 is Windows-1250 (Serbian Latin letters č ć ž š đ);
 * bytes that code no character there are refused. */
int csv_decode(arena *a, const char *data, size_t n, csv_encoding *enc, const char **out,
               size_t *out_n, int64_t *bad_line);
/* The encoding's name for people ("UTF-8", "Windows-1250", ...). */
const char *csv_encoding_name(csv_encoding e);

/* The separator of the text's first record: whichever of ',' ';' and tab
 * occurs most often outside quotes (',' on a tie or when none does). */
char csv_sniff_sep(const char *s, size_t n);
/* "," ";" or "tab". */
const char *csv_sep_name(char sep);

#endif
