/* fuzz_xlsx: the XLSX reader of src/core/xlsx.h (libzip + libxml2's
 * streaming reader) on arbitrary bytes, with small limits so bombs are
 * found quickly. Checks: no memory errors or UB (ASan/UBSan); the verdict
 * is deterministic (the same bytes read twice give the same status and
 * rows); on success rows are in ascending order with numbers 1..1048576,
 * each has 1..max_cols cells, every cell is NUL-terminated at n and valid
 * UTF-8 without NUL, and the cells with a value stay within max_cells; on
 * XLSX_FORMULA the cell reference is named. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "core/xlsx.h"

static const xlsx_limits LIMITS = {1u << 20, 5000, 32, 4u << 20};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* seeds are real workbooks; most mutations keep "PK\3\4" */
    arena a = ARENA_INIT, b = ARENA_INIT;
    xlsx_row *rows, *rows2;
    size_t n_rows, n_rows2;
    char where[16], where2[16];
    int64_t row, row2;
    xlsx_status st = xlsx_read(&a, data, size, &LIMITS, &rows, &n_rows, where, &row);
    xlsx_status st2 = xlsx_read(&b, data, size, &LIMITS, &rows2, &n_rows2, where2, &row2);
    if (st != st2 || n_rows != n_rows2)
        abort();
    if (st == XLSX_FORMULA && (!where[0] || strcmp(where, where2) != 0 || row < 1))
        abort();
    if (st == XLSX_OK) {
        int64_t last = 0;
        size_t cells = 0;
        for (size_t i = 0; i < n_rows; i++) {
            const xlsx_row *r = &rows[i];
            if (r->num <= last || r->num > 1048576 || r->n == 0 || r->n > LIMITS.max_cols)
                abort();
            last = r->num;
            if (r->n != rows2[i].n || r->num != rows2[i].num)
                abort();
            for (size_t c = 0; c < r->n; c++) {
                const csv_cell *cell = &r->cells[c];
                if (cell->s[cell->n] != '\0' || strlen(cell->s) != cell->n)
                    abort();
                if (!utf8_valid(cell->s, cell->n, false))
                    abort();
                if (strcmp(cell->s, rows2[i].cells[c].s) != 0)
                    abort();
                cells += cell->n > 0;
            }
        }
        if (cells > LIMITS.max_cells)
            abort();
    }
    arena_free(&a);
    arena_free(&b);
    return 0;
}
