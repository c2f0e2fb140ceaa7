/* fuzz_pdf: pdf_check() (the structure check of PDF uploads, on qpdf) on
 * arbitrary bytes. Checks: no memory errors or UB in our walk (ASan,
 * UBSan; qpdf itself is fuzzed upstream), bounded time (the walk's
 * budget), a verdict in range, the same verdict twice, and a page count
 * only with PDF_OK. Violations abort(). */
#include <stdint.h>
#include <stdlib.h>

#include "model/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int pages = -1, again = -1;
    pdf_verdict v = pdf_check(data, size, &pages);
    if (v < PDF_OK || v > PDF_ACTIVE || (v != PDF_OK && pages != 0) || (v == PDF_OK && pages < 1))
        abort();
    if (pdf_check(data, size, &again) != v || again != pages)
        abort();
    return 0;
}
