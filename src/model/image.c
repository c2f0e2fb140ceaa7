/* image.c: the logo checks (see image.h). PNG and JPEG are read only as
 * far as their pixel size; SVG is parsed by libxml2 and then walked
 * against an allow-list, because an SVG served from our origin is a
 * document: anything a browser would run, fetch or navigate to (script,
 * handlers, XHTML <meta http-equiv="refresh"> or <form>, external hrefs,
 * CSS that imports) must not get in. An allow-list refuses what nobody
 * thought of; the deny-list it replaces accepted XHTML elements.
 *
 * Why libxml2 rather than the hand-written scanner: a real parser decodes
 * character references, namespaces and CDATA exactly as a browser's XML
 * parser does, so the checks see the values the browser will see. It is
 * run with XML_PARSE_NONET and without XML_PARSE_NOENT/DTDLOAD/XINCLUDE,
 * and a SAX hook stops the parse at the first DOCTYPE, so no DTD, entity
 * or external subset is ever read. */
#include "model/image.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "i18n/i18n.h"

#define NS_SVG   "http://www.w3.org/2000/svg"
#define NS_XLINK "http://www.w3.org/1999/xlink"
#define NS_XML   "http://www.w3.org/XML/1998/namespace"

/* --- PNG and JPEG ----------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static bool dims_ok(uint32_t w, uint32_t h)
{
    return w >= 1 && h >= 1 && w <= IMAGE_DIM_MAX && h <= IMAGE_DIM_MAX;
}

/* PNG: the signature, then IHDR (length 13) with width and height. */
static int check_png(const unsigned char *p, size_t n)
{
    if (n < 33 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
        return MSG_LOGO_FORMAT;
    return dims_ok(be32(p + 16), be32(p + 20)) ? 0 : MSG_LOGO_DIMENSIONS;
}

/* JPEG: SOI, then marker segments up to a start-of-frame (SOF0..SOF15 but
 * DHT, JPG and DAC) that holds height and width; scan data before any
 * frame header is refused. */
static int check_jpeg(const unsigned char *p, size_t n)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF)
            return MSG_LOGO_FORMAT;
        unsigned m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* markers without a length */
            i += 2;
            continue;
        }
        if (m == 0xD8 || m == 0xD9 || m == 0xDA)
            return MSG_LOGO_FORMAT; /* second SOI, end or scan before a frame */
        unsigned len = be16(p + i + 2);
        if (len < 2 || i + 2 + len > n)
            return MSG_LOGO_FORMAT;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 8)
                return MSG_LOGO_FORMAT;
            return dims_ok(be16(p + i + 7), be16(p + i + 5)) ? 0 : MSG_LOGO_DIMENSIONS;
        }
        i += 2 + len;
    }
    return MSG_LOGO_FORMAT;
}

/* --- SVG: the allow-lists --------------------------------------------------------------- */

/* Elements of the SVG namespace a logo may hold: structure, shapes, text,
 * paint servers, clipping, masking and filters. Not here, so refused:
 * script, foreignObject, image, a, use of other files, animation (animate,
 * set, ...), feImage, switch, view, cursor, fonts and anything unknown. */
static const char *const svg_elements[] = {
    "svg", "g", "defs", "title", "desc", "symbol", "use", "style",
    /* shapes */
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    /* text */
    "text", "tspan",
    /* paint servers, clipping, masking, markers */
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    /* filters (but feImage, which loads) */
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
    "feTurbulence", NULL};

/* Attributes without a namespace a logo may carry: core, geometry, text
 * layout, presentation and filter parameters. Not here, so refused: on*
 * handlers, href (handled apart), src, requiredExtensions, externalResourcesRequired,
 * and anything unknown. */
static const char *const svg_attributes[] = {
    /* core and the root */
    "id", "class", "style", "lang", "version", "baseProfile", "width", "height", "viewBox",
    "preserveAspectRatio", "x", "y", "type", "media",
    /* geometry and transforms */
    "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points",
    "pathLength", "transform", "transform-origin", "transform-box",
    /* paint servers, clipping, masking, markers */
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    /* text */
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "font", "font-family", "font-size", "font-size-adjust",
    "font-style", "font-weight", "font-variant", "font-stretch", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "direction", "unicode-bidi", "glyph-orientation-vertical",
    "kerning",
    /* presentation */
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "clip", "clip-path",
    "clip-rule", "mask", "mask-type", "stop-color", "stop-opacity", "marker", "marker-start",
    "marker-mid", "marker-end", "paint-order", "vector-effect", "shape-rendering", "text-rendering",
    "image-rendering", "color-rendering", "color-interpolation", "color-interpolation-filters",
    "filter", "flood-color", "flood-opacity", "lighting-color", "overflow", "mix-blend-mode",
    "isolation", "enable-background",
    /* filters */
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "values",
    "operator", "k1", "k2", "k3", "k4", "scale", "xChannelSelector", "yChannelSelector", "radius",
    "baseFrequency", "numOctaves", "seed", "stitchTiles", "order", "kernelMatrix", "divisor",
    "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "surfaceScale", "specularConstant",
    "specularExponent", "diffuseConstant", "kernelUnitLength", "azimuth", "elevation", "z",
    "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "tableValues", "slope", "intercept",
    "amplitude", "exponent", NULL};

/* Elements whose href (plain or xlink:) may name a fragment of this file. */
static const char *const href_elements[] = {"use",     "linearGradient", "radialGradient",
                                            "pattern", "filter",         NULL};

static bool in_list(const char *const *list, const xmlChar *name)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], (const char *)name) == 0)
            return true;
    return false;
}

static bool is_ns(const xmlNs *ns, const char *uri)
{
    return ns && ns->href && strcmp((const char *)ns->href, uri) == 0;
}

/* --- SVG: values ------------------------------------------------------------------------ */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Case-insensitive: does s contain lit (lower case)? */
static bool icontains(const char *s, const char *lit)
{
    size_t m = strlen(lit);
    for (; *s; s++) {
        size_t k = 0;
        while (k < m && s[k] && lower(s[k]) == lit[k])
            k++;
        if (k == m)
            return true;
    }
    return false;
}

/* A value that names something outside the file is refused: url() other
 * than "#id" anywhere, and javascript:. With css (a style attribute or a
 * <style> element) also imports, other fetching functions, scripts,
 * bindings, and escapes that could spell any of them. s is already
 * decoded by the parser (character references are gone). */
static bool value_ok(const char *s, bool css)
{
    static const char *const bad[] = {"@import",  "image-set(",  "image(",      "src(",
                                      "element(", "cross-fade(", "expression(", "behavior",
                                      "binding",  "\\",          "&#",          NULL};
    if (icontains(s, "javascript:") || icontains(s, "vbscript:"))
        return false;
    /* a backslash is a CSS escape in presentation attributes too (fill,
     * filter, mask ... are parsed as CSS: "\75 rl(" is "url("), and no
     * logo needs one anywhere */
    if (strchr(s, '\\'))
        return false;
    for (size_t k = 0; css && bad[k]; k++)
        if (icontains(s, bad[k]))
            return false;
    for (const char *p = s; *p; p++) {
        if (!(lower(p[0]) == 'u' && lower(p[1]) == 'r' && lower(p[2]) == 'l' && p[3] == '('))
            continue;
        const char *q = p + 4;
        while (space(*q) || *q == '"' || *q == '\'')
            q++;
        if (*q != '#')
            return false;
        p += 3;
    }
    return true;
}

/* href="#fragment" and nothing else. */
static bool local_href(const char *s)
{
    while (space(*s))
        s++;
    if (*s != '#')
        return false;
    for (s++; *s; s++)
        if (*s == ':' || *s == '/' || *s == '\\' || *s == '(')
            return false;
    return true;
}

/* --- SVG: the walk ---------------------------------------------------------------------- */

typedef struct {
    image_verdict *v;
    bool doctype; /* the SAX hook saw a DOCTYPE */
} svg_state;

/* Records what was refused: its kind and name (prefix:local as written). */
static int refuse(svg_state *s, int why, image_what what, const xmlChar *prefix,
                  const xmlChar *name)
{
    image_verdict *v = s->v;
    v->what = what;
    v->name[0] = '\0';
    size_t at = 0, cap = sizeof v->name - 1;
    const xmlChar *parts[] = {prefix, prefix ? (const xmlChar *)":" : NULL, name};
    for (size_t i = 0; i < 3; i++)
        for (const xmlChar *c = parts[i]; c && *c && at < cap; c++)
            v->name[at++] = (char)*c;
    /* cut back to a character boundary */
    while (at > 0 && !utf8_valid(v->name, at, false))
        at--;
    v->name[at] = '\0';
    return why;
}

/* The concatenated character data of a <style> element is CSS. */
static int check_style_text(svg_state *s, xmlNode *el)
{
    for (xmlNode *c = el->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ELEMENT, NULL, c->name);
    }
    xmlChar *text = xmlNodeGetContent(el);
    bool ok = !text || value_ok((const char *)text, true);
    xmlFree(text);
    return ok ? 0 : refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ELEMENT, NULL, el->name);
}

static int check_attributes(svg_state *s, xmlNode *el)
{
    for (xmlAttr *a = el->properties; a; a = a->next) {
        const xmlChar *prefix = a->ns ? a->ns->prefix : NULL;
        bool href = false;
        if (!a->ns) {
            href = strcmp((const char *)a->name, "href") == 0;
            if (!href && !in_list(svg_attributes, a->name))
                return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ATTRIBUTE, NULL, a->name);
        } else if (is_ns(a->ns, NS_XLINK)) {
            href = strcmp((const char *)a->name, "href") == 0;
            if (!href)
                return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ATTRIBUTE, prefix, a->name);
        } else if (is_ns(a->ns, NS_XML)) {
            if (strcmp((const char *)a->name, "space") != 0 &&
                strcmp((const char *)a->name, "lang") != 0)
                return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ATTRIBUTE, prefix, a->name);
        } else {
            return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ATTRIBUTE, prefix, a->name);
        }
        xmlChar *value = xmlNodeListGetString(el->doc, a->children, 1);
        const char *val = value ? (const char *)value : "";
        bool ok = href ? in_list(href_elements, el->name) && local_href(val)
                       : value_ok(val, strcmp((const char *)a->name, "style") == 0);
        xmlFree(value);
        if (!ok)
            return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ATTRIBUTE, prefix, a->name);
    }
    return 0;
}

/* One element and, depth first, everything under it. libxml2 has already
 * limited the depth (256 without XML_PARSE_HUGE). */
static int check_element(svg_state *s, xmlNode *el)
{
    if (!is_ns(el->ns, NS_SVG) || !in_list(svg_elements, el->name))
        return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_ELEMENT, el->ns ? el->ns->prefix : NULL,
                      el->name);
    int why = check_attributes(s, el);
    if (why)
        return why;
    if (strcmp((const char *)el->name, "style") == 0)
        return check_style_text(s, el);
    for (xmlNode *c = el->children; c; c = c->next) {
        switch (c->type) {
        case XML_ELEMENT_NODE:
            if ((why = check_element(s, c)) != 0)
                return why;
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
        case XML_COMMENT_NODE:
            break;
        case XML_PI_NODE:
            return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_PI, NULL, c->name);
        default: /* entity references and the like */
            return refuse(s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_DOCTYPE, NULL, c->name);
        }
    }
    return 0;
}

/* SAX hook: a DOCTYPE ends the parse before its subset is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlParserCtxtPtr c = ctx;
    svg_state *s = c->_private;
    s->doctype = true;
    xmlStopParser(c);
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

static int check_svg(const char *data, size_t n, image_verdict *v)
{
    if (!utf8_valid(data, n, false) || n > INT32_MAX)
        return MSG_LOGO_SVG_INVALID;
    pthread_once(&xml_once, xml_init);
    svg_state s = {.v = v};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return MSG_LOGO_SVG_INVALID;
    ctxt->_private = &s;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;
    /* no XML_PARSE_NOENT (substitution), DTDLOAD, DTDATTR, XINCLUDE or HUGE */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)n, NULL, NULL, opts);
    bool well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    int why = 0;
    if (s.doctype) {
        why = refuse(&s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_DOCTYPE, NULL, (const xmlChar *)"DOCTYPE");
        goto cleanup;
    }
    if (!doc || !well_formed) {
        why = MSG_LOGO_SVG_INVALID;
        goto cleanup;
    }
    if (doc->intSubset || doc->extSubset) {
        why = refuse(&s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_DOCTYPE, NULL, (const xmlChar *)"DOCTYPE");
        goto cleanup;
    }
    if (doc->encoding && strcasecmp((const char *)doc->encoding, "UTF-8") != 0) {
        why = MSG_LOGO_SVG_INVALID;
        goto cleanup;
    }
    for (xmlNode *c = doc->children; c; c = c->next) {
        if (c->type == XML_PI_NODE) {
            why = refuse(&s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_PI, NULL, c->name);
            goto cleanup;
        }
        if (c->type == XML_DTD_NODE || c->type == XML_ENTITY_DECL) {
            why = refuse(&s, MSG_LOGO_SVG_UNSAFE, IMAGE_WHAT_DOCTYPE, NULL, c->name);
            goto cleanup;
        }
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "svg") != 0 || !is_ns(root->ns, NS_SVG)) {
        why = refuse(&s, MSG_LOGO_SVG_INVALID, IMAGE_WHAT_ROOT, NULL,
                     root ? root->name : (const xmlChar *)"");
        goto cleanup;
    }
    why = check_element(&s, root);
cleanup:
    xmlFreeDoc(doc);
    return why;
}

/* --- the one entry ---------------------------------------------------------------------- */

bool image_check(const void *data, size_t n, image_verdict *v)
{
    const unsigned char *p = data;
    memset(v, 0, sizeof *v);
    if (n > IMAGE_MAX) {
        v->why = MSG_LOGO_TOO_BIG;
    } else if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
        v->why = check_png(p, n);
        v->content_type = "image/png";
    } else if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        v->why = check_jpeg(p, n);
        v->content_type = "image/jpeg";
    } else {
        size_t i = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        while (i < n && space((char)p[i]))
            i++;
        if (i < n && p[i] == '<') {
            v->why = check_svg(data, n, v);
            v->content_type = "image/svg+xml";
        } else {
            v->why = MSG_LOGO_FORMAT;
        }
    }
    if (v->why)
        v->content_type = NULL;
    return v->why == 0;
}
