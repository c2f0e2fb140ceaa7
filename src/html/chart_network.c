/* chart_network.c: the network graph of chart.h (chart_network): nodes on
 * concentric rings by kind (SCAN in the centre, clusters, then partners),
 * each ring in the order given (the model sorts by name), edges as
 * straight lines whose width grows with their weight. The layout is pure
 * arithmetic on the order, with no random start and no iteration, so the
 * same data draws the same bytes. Labels stand outside their node, with a
 * halo so lines behind them do not hide them; a name wider than its room
 * (measured with chart.c's per-glyph estimate, as chart_badge.c does)
 * wraps at spaces and hyphens onto as many lines as the ring has room for,
 * the last line cut with an ellipsis if it must, and the whole name in the
 * label's <title> (issue 14: Cyrillic and long Latin names were cut after
 * a few letters). As every chart, the page shows the same ties as a table
 * beside it. */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "html/chart.h"
#include "html/chart_internal.h"
#include "html/html.h"

#define NW      640.0         /* canvas (chart.c's width), square */
#define NC      320.0         /* centre */
#define LEG_H   26.0          /* legend band on top */
#define LABEL_F (13.0 / 10.0) /* labels are 10px; widths are estimated at 13px */

#define LINE_H 11.0 /* a label's line height at 10px */

#define SPARSE 16 /* a ring with at most this many nodes gets level labels */

static const double ring_r[3] = {0, 150, 215};
static const double label_max[3] = {140, 110, 150};  /* label room in 10px units per ring */
static const double label_wide[3] = {140, 120, 120}; /* the same for a sparse ring's level labels */
static const int label_lines[3] = {2, 3, 4};         /* lines a level label may take */

/* --- labels that fit: wrapped at word breaks, the rest cut -------------------------- */

/* Width of s[0..n) in 10px units (chart_text_width estimates at 13). */
static double width10(const char *s, size_t n)
{
    char tmp[1024];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return chart_text_width(tmp) / LABEL_F;
}

/* The longest start of s that fits room (10px units) and ends at a break
 * (before a space, or after a hyphen): its length, 0 when not even the
 * first word fits; *next is where the next line starts (spaces skipped). */
static size_t fit_line(const char *s, double room, size_t *next)
{
    size_t best = 0, n = strlen(s);
    *next = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] != ' ' && s[i - 1] != '-')
            continue;
        if (width10(s, i) > room)
            break;
        if (s[i - 1] == ' ')
            continue; /* several spaces: break at the first */
        best = i;
        *next = i;
        while (s[*next] == ' ')
            (*next)++;
    }
    return best;
}

typedef struct label_line {
    const char *s;
    size_t n;
    bool cut; /* wider than the room: ended with an ellipsis */
} label_line;

/* Breaks s into at most max lines (max <= 4) each within room (10px
 * units): whole words while more lines are left, the rest of the name on
 * the last line, cut there if it must be. Returns the number of lines. */
static int label_break(const char *s, double room, int max, label_line ln[4])
{
    int k = 0;
    while (k < max && k < 4) {
        size_t n = strlen(s), next = 0;
        if (width10(s, n) <= room) {
            ln[k++] = (label_line){s, n, false};
            break;
        }
        size_t len = k < max - 1 ? fit_line(s, room, &next) : 0;
        if (len == 0 || !s[next]) { /* the last line, or a word wider than a line */
            ln[k++] = (label_line){s, n, true};
            break;
        }
        ln[k++] = (label_line){s, len, false};
        s += next;
    }
    return k;
}

/* Writes the lines of the label full at x, the first baseline at y0 and
 * each next one LINE_H lower, as the body of its <text>: the whole name
 * in a <title> first when it is wrapped or cut. */
static void label_put(buf *out, const char *full, const label_line *ln, int k, double room,
                      double x, double y0)
{
    if (k > 1 || (k == 1 && ln[0].cut))
        html_fmt(out, "<title>%s</title>", full);
    for (int i = 0; i < k; i++) {
        if (k > 1) {
            html_raw(out, "<tspan");
            chart_attr(out, "x", x);
            chart_attr(out, "y", y0 + i * LINE_H);
            html_raw(out, ">");
        }
        if (ln[i].cut) {
            char tmp[1024];
            size_t n = ln[i].n < sizeof tmp - 1 ? ln[i].n : sizeof tmp - 1;
            memcpy(tmp, ln[i].s, n);
            tmp[n] = '\0';
            chart_put_fit(out, tmp, room * LABEL_F);
        } else {
            html_textn(out, ln[i].s, ln[i].n);
        }
        if (k > 1)
            html_raw(out, "</tspan>");
    }
}

/* The distance from (x, y) along (c, s) to the drawing's edge (the
 * canvas, under the legend), less a margin. */
static double to_edge(double x, double y, double c, double s)
{
    double t = 1e9;
    if (c > 1e-6)
        t = fmin(t, (NW - 4 - x) / c);
    if (c < -1e-6)
        t = fmin(t, (x - 4) / -c);
    if (s > 1e-6)
        t = fmin(t, (NW + LEG_H - 4 - y) / s);
    if (s < -1e-6)
        t = fmin(t, (y - LEG_H - 4) / -s);
    return t > 0 ? t : 0;
}

static size_t ring_count(const chart_net_node *nodes, size_t n, int ring)
{
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        int rj = nodes[j].ring < 0 ? 0 : nodes[j].ring > 2 ? 2 : nodes[j].ring;
        k += rj == ring;
    }
    return k;
}

static void place(const chart_net_node *nodes, size_t n, size_t i, double *x, double *y,
                  double *deg)
{
    int ring = nodes[i].ring < 0 ? 0 : nodes[i].ring > 2 ? 2 : nodes[i].ring;
    size_t k = 0, at = 0;
    for (size_t j = 0; j < n; j++) {
        int rj = nodes[j].ring < 0 ? 0 : nodes[j].ring > 2 ? 2 : nodes[j].ring;
        if (rj == ring) {
            if (j < i)
                at++;
            k++;
        }
    }
    double r = ring_r[ring];
    if (ring == 0 && k > 1)
        r = 28;
    double a = -M_PI / 2 + 2 * M_PI * ((double)at + (ring == 2 ? 0.5 : 0)) / (double)(k ? k : 1);
    *x = NC + r * cos(a);
    *y = NC + LEG_H + r * sin(a);
    *deg = a * 180.0 / M_PI;
}

static double edge_width(int64_t w)
{
    double v = 1.0 + 1.6 * log2((double)(w > 0 ? w : 1));
    return v > 7 ? 7 : v;
}

/* The room of a sparse cluster ring's level label, which runs toward the
 * centre: it shares the gap with a label coming from the other side at
 * its height (half each, or what the other leaves when it is short), and
 * stops short of the centre's node and label. */
static double inner_room(const chart_net_node *nodes, size_t n, size_t i, double tx, double ty,
                         double room)
{
    const double half = 1.5 * LINE_H + 6; /* half a three-line label's height, with a gap */
    double my = ty - 3;
    for (size_t j = 0; j < n; j++) {
        int rj = nodes[j].ring < 0 ? 0 : nodes[j].ring > 2 ? 2 : nodes[j].ring;
        double x, y, d;
        if (j == i || rj == 2)
            continue;
        place(nodes, n, j, &x, &y, &d);
        const char *other = nodes[j].label ? nodes[j].label : "";
        if (rj == 0) { /* the centre: its node, and its label under it */
            if (fabs(my - y) < half + 10)
                room = fmin(room, fabs(tx - x) - 14);
            /* three lines centred on my: glyphs from my - 16 to my + 16;
             * the centre's two: from y + 16 to y + 37 */
            if (my + 16 > y + 16 && my - 16 < y + 37)
                room = fmin(room, fabs(tx - x) -
                                      fmin(width10(other, strlen(other)), label_max[0]) / 2 - 6);
            continue;
        }
        if (fabs(-cos(d * M_PI / 180)) <= 0.3 || (x < NC) == (tx < NC) || fabs(y - my) >= 2 * half)
            continue; /* not a level label facing this one at its height */
        double gap = fabs(tx - x) - 9 - 6;
        double w = fmin(width10(other, strlen(other)), label_wide[1]);
        room = fmin(room, fmax(gap / 2, gap - w));
    }
    return room > 0 ? room : 0;
}

int chart_network(buf *out, lang_id lang, const chart_opts *o, const chart_net_node *nodes,
                  size_t n, const chart_net_edge *edges, size_t n_edges,
                  const char *const legend[4])
{
    assert(out && o && (nodes || n == 0) && (edges || n_edges == 0));
    char id[64];
    chart_opts named = *o;
    if (!named.id || !*named.id)
        named.id = "network";
    chart_make_id(id, sizeof id, &named);
    if (n == 0)
        return chart_draw_empty(out, lang, id, o, "network");

    /* the text equivalent: how many, and the strongest tie */
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n_edges; i++)
        if (best == SIZE_MAX || edges[i].weight > edges[best].weight)
            best = i;
    buf desc = BUF_INIT;
    buf_printf(&desc, T(lang, MSG_CHART_NET_DESC), (int)n, (int)n_edges);
    if (best != SIZE_MAX && edges[best].a < n && edges[best].b < n) {
        buf_puts(&desc, " ");
        buf_printf(&desc, T(lang, MSG_CHART_NET_STRONGEST), nodes[edges[best].a].label,
                   nodes[edges[best].b].label, (int)edges[best].weight);
    }
    buf esc = BUF_INIT;
    html_text(&esc, buf_failed(&desc) ? "" : buf_str(&desc));
    chart_figure_begin(out, id, o, "network", NW + LEG_H, buf_failed(&esc) ? "" : buf_str(&esc));
    buf_free(&esc);
    buf_free(&desc);

    /* legend: the three kinds of node, and the group mark */
    double lx = 8;
    for (int k = 0; k < 3; k++) {
        if (!legend || !legend[k])
            continue;
        html_raw(out, "<circle class=\"net-node f");
        buf_printf(out, "%d\"", k);
        chart_attr(out, "cx", lx + 6);
        chart_attr(out, "cy", 12);
        html_raw(out, " r=\"6\"/><text class=\"legend\"");
        chart_attr(out, "x", lx + 16);
        chart_attr(out, "y", 16);
        html_raw(out, ">");
        chart_put_fit(out, legend[k], 190);
        html_raw(out, "</text>\n");
        lx += 24 + fmin(chart_text_width(legend[k]), 190);
    }
    if (legend && legend[3]) { /* funders: a square on a dashed line */
        html_raw(out, "<line class=\"net-edge net-fund\"");
        chart_attr(out, "x1", lx);
        chart_attr(out, "y1", 12);
        chart_attr(out, "x2", lx + 14);
        chart_attr(out, "y2", 12);
        html_raw(out, "/><rect class=\"net-node f2 net-funder\"");
        chart_attr(out, "x", lx + 14);
        chart_attr(out, "y", 7);
        html_raw(out, " width=\"10\" height=\"10\"/><text class=\"legend\"");
        chart_attr(out, "x", lx + 30);
        chart_attr(out, "y", 16);
        html_raw(out, ">");
        chart_put_fit(out, legend[3], 190);
        html_raw(out, "</text>\n");
    }

    /* edges first, under the nodes */
    html_raw(out, "<g class=\"net-edges\">\n");
    for (size_t i = 0; i < n_edges; i++) {
        const chart_net_edge *e = &edges[i];
        if (e->a >= n || e->b >= n)
            continue;
        double x1, y1, x2, y2, d;
        place(nodes, n, e->a, &x1, &y1, &d);
        place(nodes, n, e->b, &x2, &y2, &d);
        html_fmt(out, "<line class=\"net-edge%R\"", e->funding ? " net-fund" : "");
        chart_attr(out, "x1", x1);
        chart_attr(out, "y1", y1);
        chart_attr(out, "x2", x2);
        chart_attr(out, "y2", y2);
        chart_attr(out, "stroke-width", edge_width(e->weight));
        html_fmt(out, "><title>%s</title></line>\n", e->title ? e->title : "");
    }
    html_raw(out, "</g>\n<g class=\"net-nodes\">\n");
    for (size_t i = 0; i < n; i++) {
        const chart_net_node *nd = &nodes[i];
        int ring = nd->ring < 0 ? 0 : nd->ring > 2 ? 2 : nd->ring;
        double x, y, deg;
        place(nodes, n, i, &x, &y, &deg);
        if (nd->href && *nd->href)
            html_fmt(out, "<a href=\"%u\">", nd->href);
        if (nd->funder && !nd->group) {
            html_fmt(out, "<rect class=\"net-node f%d net-funder\"", ring);
            chart_attr(out, "x", x - 5.5);
            chart_attr(out, "y", y - 5.5);
            html_fmt(out, " width=\"11\" height=\"11\"><title>%s</title></rect>",
                     nd->title ? nd->title : nd->label);
        } else {
            html_fmt(out, "<circle class=\"net-node f%d%R\"", ring, nd->group ? " net-group" : "");
            chart_attr(out, "cx", x);
            chart_attr(out, "cy", y);
            chart_attr(out, "r", nd->group ? 9 : ring == 0 ? 10 : 5.5);
            html_fmt(out, "><title>%s</title></circle>", nd->title ? nd->title : nd->label);
        }
        /* the label: the centre's below it, the rings' outside their node
         * (clusters' inward, partners' outward, so the two rings' labels
         * never meet), turned so it never reads upside down */
        html_raw(out, "<text class=\"nl");
        double room, lx0, ly0;
        int max_lines, grow; /* grow: -1 lines above the first, 0 centred, 1 below */
        if (ring == 0) {
            html_raw(out, " nl0\" text-anchor=\"middle\"");
            lx0 = x;
            ly0 = y + 24;
            room = label_max[0];
            max_lines = label_lines[0];
            grow = 1;
        } else {
            double dir = ring == 1 ? -1 : 1;
            double c = dir * cos(deg * M_PI / 180), sn = dir * sin(deg * M_PI / 180);
            double rr = nd->group ? 13 : 9;
            double tx = x + rr * c, ty = y + rr * sn + 3;
            size_t count = ring_count(nodes, n, ring);
            if (count <= SPARSE) {
                /* few nodes: level labels, as wide as the canvas allows */
                const char *anchor = c > 0.3 ? "start" : c < -0.3 ? "end" : "middle";
                grow = 0;
                if (strcmp(anchor, "middle") == 0) {
                    ty += sn > 0 ? 9 : -3;
                    grow = sn > 0 ? 1 : -1;
                }
                html_fmt(out, "\" text-anchor=\"%R\"", anchor);
                room = strcmp(anchor, "start") == 0 ? NW - tx - 4
                       : strcmp(anchor, "end") == 0 ? tx - 4
                                                    : 2 * fmin(tx, NW - tx) - 8;
                room = fmin(room, label_wide[ring]);
                if (ring == 1 && strcmp(anchor, "middle") != 0)
                    room = inner_room(nodes, n, i, tx, ty, room);
                max_lines = label_lines[ring];
            } else {
                bool left = deg > 90 && deg < 270;
                html_fmt(out, "\" text-anchor=\"%R\"", (left == (dir > 0)) ? "end" : "start");
                html_raw(out, " transform=\"rotate(");
                chart_put_num(out, left ? deg - 180 : deg);
                buf_putc(out, ' ');
                chart_put_num(out, tx);
                buf_putc(out, ' ');
                chart_put_num(out, ty);
                html_raw(out, ")\"");
                /* outward: as far as the canvas reaches; a second line
                 * where the ring leaves the neighbours room for it */
                room = ring == 2 ? fmin(label_max[2], to_edge(tx, ty, c, sn)) : label_max[ring];
                max_lines = 2 * M_PI * ring_r[ring] / (double)count >= 2.4 * LINE_H ? 2 : 1;
                grow = 0;
            }
            lx0 = tx;
            ly0 = ty;
        }
        label_line ln[4];
        int k = label_break(nd->label ? nd->label : "", room, max_lines, ln);
        if (grow < 0)
            ly0 -= (k - 1) * LINE_H;
        else if (grow == 0)
            ly0 -= (k - 1) * LINE_H / 2;
        chart_attr(out, "x", lx0);
        chart_attr(out, "y", ly0);
        html_raw(out, ">");
        label_put(out, nd->label ? nd->label : "", ln, k, room, lx0, ly0);
        html_raw(out, "</text>");
        if (nd->href && *nd->href)
            html_raw(out, "</a>");
        html_raw(out, "\n");
    }
    html_raw(out, "</g>\n");
    chart_figure_end(out, lang, o, false);
    return buf_failed(out) ? -1 : 0;
}
