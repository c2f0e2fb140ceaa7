/* import.h: the skeleton the importers share (figures_import.c; the
 * directory importer org_import.c reads its CSV the same way): reading an
 * upload into records whatever a spreadsheet saved, the problem list with
 * line numbers, and the header row mapped onto a table of column names.
 *
 * An upload is either the first sheet of an .xlsx workbook (core/xlsx.h)
 * or CSV text in UTF-8 (with or without BOM), UTF-16 or Windows-1250,
 * separated by commas, semicolons or tabs (core/csv.h decides which);
 * import_detected() says in the reader's language what was found, so a
 * person whose Excel saved "CSV" with Serbian settings sees why it worked.
 * Records come one at a time with their line (the CSV line, or the
 * sheet's row number), so a report points at what the person sees in
 * their program.
 *
 * Each importer then validates its rows and writes them in ONE write
 * transaction that a dry run (the preview) or any problem rolls back. */
#ifndef SCAN_IMPORT_H
#define SCAN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/xlsx.h"
#include "i18n/i18n.h"

/* --- problems ------------------------------------------------------------------- */

typedef struct import_problem {
    int64_t line; /* 1 = the header; 0 = the whole file */
    const char *message;
} import_problem;

/* A growing list of problems in an arena; oom is sticky. */
typedef struct import_problems {
    arena *a;
    import_problem *items;
    size_t n, cap;
    bool oom;
} import_problems;

/* Adds a copy of message (arena). */
void import_problem_add(import_problems *p, int64_t line, const char *message);
/* Adds a message made from the catalog entry id in lang, with its
 * placeholders filled from the arguments. */
void import_problem_msg(import_problems *p, lang_id lang, int64_t line, msg_id id, ...);

/* --- reading an upload ---------------------------------------------------------------- */

#define IMPORT_MAX_COLS  64
#define IMPORT_MAX_CELLS 4000000             /* an XLSX's cells with a value */
#define IMPORT_MAX_PART  (64u * 1024 * 1024) /* an XLSX part, unpacked */
/* an XLSX read in all: unpacked parts plus every cell's text */
#define IMPORT_MAX_TOTAL (160u * 1024 * 1024)

typedef enum { IMPORT_CSV, IMPORT_XLSX } import_format;

typedef struct import_reader {
    import_format format;
    csv_encoding enc; /* CSV: what the text was */
    char sep;         /* CSV: the separator found in the first line */
    const char *text; /* CSV: the text as UTF-8 (may point into the upload) */
    size_t text_n;
    size_t lines; /* CSV: lines of text (an upper bound of the records) */
    csv_reader csv;
    xlsx_row *rows; /* XLSX: the sheet's non-empty rows (arena) */
    size_t n_rows, next;
} import_reader;

/* Opens the n bytes of an upload (not copied: they must outlive r; a
 * conversion lives in arena a). On a file that cannot be read at all it
 * adds the reason (catalog, lang, line 0 or the bad line) to p and
 * returns false; false with p->oom on OOM. */
bool import_open(import_reader *r, arena *a, const char *data, size_t n, lang_id lang,
                 import_problems *p);

/* The next record: 1 with *cells and *n_cells (valid until the next call;
 * CSV cells live in scratch, whose cell array is reused from record to
 * record: a caller that frees scratch between records calls
 * import_scratch_freed() after each arena_free)
 * and *line, 0 at the end, -1 on a CSV syntax error (reported to p in
 * lang, with rest_unread when records were read before it). Blank
 * records (one empty cell) are skipped. */
int import_next(import_reader *r, arena *scratch, const csv_cell **cells, size_t *n_cells,
                int64_t *line, lang_id lang, import_problems *p);

/* Forgets the record memory the reader kept in scratch (see import_next). */
void import_scratch_freed(import_reader *r);

/* Appends what was read in lang: "CSV, Windows-1250, separated by
 * semicolons" or "Excel workbook (XLSX), first sheet". */
void import_detected(buf *out, lang_id lang, const import_reader *r);

/* --- the header ------------------------------------------------------------------------- */

/* Maps the n header cells onto names[0..n_names) (trimmed in place, case
 * ignored) into map[c]: the name's index, or -1 for a column listed in
 * ignored (NULL-terminated, may be NULL). Reports unknown and repeated
 * columns to p on the header's line (the caller bounds n first); seen[k] tells which
 * names were found. False when any was reported. */
bool import_map_header(const csv_cell *cells, size_t n, const char *const *names, size_t n_names,
                       const char *const *ignored, int *map, bool *seen, int64_t line, lang_id lang,
                       import_problems *p);

/* Whitespace trimmed from both ends of s, in place. */
char *import_trim(char *s);

#endif
