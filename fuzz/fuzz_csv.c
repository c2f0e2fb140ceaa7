/* fuzz_csv: the CSV reader of src/core/csv.h (csv_skip_bom, csv_bad_utf8_line,
 * csv_reader_init, csv_record) on arbitrary bytes, and the writer
 * csv_put_cell() on the cells it reads. Checks: no memory errors or UB
 * (ASan/UBSan); the reader always ends (0 or -1) with an error sentence on
 * -1; record lines never go backwards; every cell is NUL-terminated at n;
 * a record written back with csv_put_cell() and read again gives the same
 * cells (the guard "'" taken away with csv_has_guard()). Sniffing:
 * csv_decode() on the raw bytes gives, when it accepts them, valid UTF-8
 * without NUL no longer than 3 bytes per input byte, the same every time;
 * csv_sniff_sep() answers ',' ';' or tab, and the reader with that
 * separator ends. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    const char *p = copy;
    size_t n = size;
    csv_skip_bom(&p, &n);
    (void)csv_bad_utf8_line(p, n);

    arena a = ARENA_INIT;
    {
        csv_encoding enc, enc2;
        const char *out, *out2;
        size_t out_n, out_n2;
        int64_t bad, bad2;
        int rc = csv_decode(&a, copy, size, &enc, &out, &out_n, &bad);
        int rc2 = csv_decode(&a, copy, size, &enc2, &out2, &out_n2, &bad2);
        if (rc != rc2 || (rc == CSV_DEC_BAD && (bad < 1 || bad != bad2)))
            abort();
        if (rc == CSV_DEC_OK) {
            if (enc != enc2 || out_n != out_n2 || memcmp(out, out2, out_n) != 0 ||
                out_n > size * 3 || !utf8_valid(out, out_n, false))
                abort();
            char sep = csv_sniff_sep(out, out_n);
            if (sep != ',' && sep != ';' && sep != '\t')
                abort();
            csv_reader s;
            csv_reader_init(&s, out, out_n);
            s.sep = sep;
            for (size_t k = 0; k <= out_n + 1; k++) {
                size_t nc;
                int64_t ln;
                const char *e = NULL;
                int got = csv_record(&a, &s, &nc, &ln, &e);
                if (got <= 0)
                    break;
                if (k == out_n + 1) /* more records than bytes: no end */
                    abort();
            }
        }
    }
    csv_reader r;
    csv_reader_init(&r, p, n);
    int64_t last = 0;
    size_t records = 0;
    for (;;) {
        size_t nc = 0;
        int64_t line = 0;
        const char *err = NULL;
        int rc = csv_record(&a, &r, &nc, &line, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            if (!err)
                abort();
            break;
        }
        if (rc != 1 || line < last || line < 1)
            abort();
        last = line;
        if (++records > size + 1) /* each record consumes at least one byte */
            abort();

        /* round trip through the writer */
        buf out = BUF_INIT;
        for (size_t i = 0; i < nc; i++) {
            if (r.cells[i].s[r.cells[i].n] != '\0')
                abort();
            if (i)
                buf_putc(&out, ',');
            csv_put_cell(&out, r.cells[i].s);
        }
        buf_putc(&out, '\n');
        if (!out.failed) {
            /* cells with NUL cannot round trip as C strings; skip those */
            bool has_nul = false;
            for (size_t i = 0; i < nc; i++)
                if (strlen(r.cells[i].s) != r.cells[i].n)
                    has_nul = true;
            if (!has_nul) {
                csv_cell *orig = r.cells;
                size_t onc = nc;
                csv_cell *saved = malloc(onc * sizeof *saved);
                if (saved) {
                    memcpy(saved, orig, onc * sizeof *saved);
                    csv_reader r2;
                    csv_reader_init(&r2, out.data, out.len);
                    size_t nc2 = 0;
                    int64_t l2;
                    const char *e2 = NULL;
                    int rc2 = csv_record(&a, &r2, &nc2, &l2, &e2);
                    if (rc2 != 1 || nc2 != onc)
                        abort();
                    for (size_t i = 0; i < nc2; i++) {
                        const char *c = r2.cells[i].s;
                        size_t cl = r2.cells[i].n;
                        if (csv_has_guard(c)) {
                            c++;
                            cl--;
                        }
                        if (cl != saved[i].n || memcmp(c, saved[i].s, cl) != 0)
                            abort();
                    }
                    free(saved);
                }
            }
        }
        buf_free(&out);
    }
    arena_free(&a);
    free(copy);
    return 0;
}
