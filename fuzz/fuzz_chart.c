/* fuzz_chart: the text fitting of the SVG charts on arbitrary valid UTF-8
 * that valid.c lets into a name (names come from validated fields): the
 * input is split at the first NUL into a badge's name and its line.
 * chart_badge() must give well-formed XML (libxml2 parses it, entities
 * and network off) whose title holds the whole name, escaped; with the
 * name drawn on at most two lines. chart_put_fit() at several widths must
 * give valid UTF-8 without markup characters, no wider than asked unless
 * it is a single character plus its ellipsis. chart_network() with the
 * NUL-separated pieces as its nodes' labels (wrapped to the room on its
 * rings) must give a well-formed SVG in every language. Checks: no memory errors or
 * UB (ASan/UBSan; a name that fitted whole at 13 px but not at 15 once
 * made the badge read past its end). Violations abort(). */
#include <libxml/parser.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "html/chart.h"
#include "html/chart_internal.h"
#include "html/html.h"
#include "i18n/i18n.h"

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlSetGenericErrorFunc(NULL, silent);
    return i18n_init() == 0 ? 0 : -1;
}

/* The <svg>...</svg> of a chart's figure, parsed as XML; abort() when it
 * is missing or not well-formed. */
static void check_svg(const buf *b)
{
    const char *s = strstr(buf_str(b), "<svg"), *e = s ? strstr(s, "</svg>") : NULL;
    if (!s || !e)
        abort();
    xmlDocPtr doc = xmlReadMemory(s, (int)(e + 6 - s), "chart.svg", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        abort();
    xmlFreeDoc(doc);
}

/* A network of the pieces as labels: the first at the centre, the next
 * up to 3 on the clusters' ring, the rest on the partners' ring, each tied
 * to the centre; drawn in each language. */
static void check_network(const char **piece, size_t n)
{
    chart_net_node nodes[12];
    chart_net_edge edges[12];
    size_t k = n < 12 ? n : 12;
    for (size_t i = 0; i < k; i++) {
        nodes[i] =
            (chart_net_node){piece[i], NULL, NULL, i == 0 ? 0 : i <= 3 ? 1 : 2, i == 5, i == 7};
        edges[i] = (chart_net_edge){0, i, (int64_t)i + 1, piece[i], i == 7};
    }
    static const char *const legend[4] = {"SCAN", "Clusters", "Partners", "Funders"};
    for (int L = 0; L < LANG__COUNT; L++) {
        buf b = BUF_INIT;
        chart_opts o = {.id = "net", .title = "Network"};
        if (chart_network(&b, (lang_id)L, &o, nodes, k, edges + 1, k ? k - 1 : 0, legend) != 0 ||
            b.failed)
            abort();
        if (k)
            check_svg(&b);
        buf_free(&b);
    }
}

static void check_badge(const char *name, const char *line)
{
    buf b = BUF_INIT, esc = BUF_INIT;
    chart_badge(&b, name, line);
    if (b.failed)
        abort();
    xmlDocPtr doc = xmlReadMemory(buf_str(&b), (int)b.len, "badge.svg", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        abort(); /* not well-formed */
    xmlFreeDoc(doc);
    html_text(&esc, name);
    if (esc.failed || !strstr(buf_str(&b), buf_str(&esc)))
        abort(); /* the title lost the whole name */
    size_t lines = 0;
    for (const char *p = buf_str(&b); (p = strstr(p, "fill=\"#ffffff\">")); p++)
        lines++;
    if (lines > 2)
        abort();
    buf_free(&b);
    buf_free(&esc);
}

static void check_fit(const char *s)
{
    static const double widths[] = {0, 5, 40, 120, 242, 1000};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        buf b = BUF_INIT;
        chart_put_fit(&b, s, widths[i]);
        if (b.failed || !utf8_valid(buf_str(&b), b.len, false))
            abort();
        if (memchr(buf_str(&b), '<', b.len) || memchr(buf_str(&b), '>', b.len))
            abort();
        buf_free(&b);
    }
}

/* What valid.c lets into a one-line text field (a name): no C0 but the
 * NUL this target splits at, no DEL, C1, U+2028/9, U+FFFE/F. */
static bool name_ok(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((s[i] < 0x20 && s[i] != 0) || s[i] == 0x7f)
            return false;
        if (s[i] == 0xC2 && i + 1 < n && s[i + 1] <= 0x9F)
            return false;
        if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
            return false;
        if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096 || !utf8_valid((const char *)data, size, true) || !name_ok(data, size))
        return 0;
    char *in = malloc(size + 2);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = in[size + 1] = '\0';
    const char *name = in;
    const char *line = in + strlen(in) + (strlen(in) < size ? 1 : 0);
    check_badge(name, line);
    check_fit(name);
    /* every NUL-separated piece a label of a network */
    const char *piece[12];
    size_t n = 0;
    for (const char *p = in; n < 12 && p <= in + size; p += strlen(p) + 1)
        piece[n++] = p;
    check_network(piece, n);
    free(in);
    return 0;
}
