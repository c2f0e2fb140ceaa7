/* chart_network.c: the network graph of chart.h (chart_network): nodes on
 * concentric rings by kind (SCAN in the centre, clusters, then partners),
 * each ring in the order given (the model sorts by name), edges as
 * straight lines whose width grows with their weight. The layout is pure
 * arithmetic on the order, with no random start and no iteration, so the
 * same data draws the same bytes. Labels stand radially outside their
 * node, with a halo so lines behind them do not hide them; long ones are
 * cut with an ellipsis and given whole in the node's tooltip. As every
 * chart, the page shows the same ties as a table beside it. */
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

#define SPARSE 16 /* a ring with at most this many nodes gets level labels */

static const double ring_r[3] = {0, 150, 250};
static const double label_max[3] = {140, 110, 58};   /* label room in 10px units per ring */
static const double label_wide[3] = {140, 105, 105}; /* the same for a sparse ring's level labels */

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
    if (ring == 2 && k <= SPARSE)
        r = 215; /* level labels at the sides need the room */
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
        /* the label: the centre's below it, the rings' radially outward,
         * turned so it never reads upside down */
        html_raw(out, "<text class=\"nl");
        double room = 0; /* label width in 10px units; 0: the ring's default */
        if (ring == 0) {
            html_raw(out, " nl0\" text-anchor=\"middle\"");
            chart_attr(out, "x", x);
            chart_attr(out, "y", y + 24);
        } else {
            /* clusters' labels point inward, partners' outward, so the two
             * rings' labels never meet */
            double dir = ring == 1 ? -1 : 1;
            double c = dir * cos(deg * M_PI / 180), sn = dir * sin(deg * M_PI / 180);
            double rr = nd->group ? 13 : 9;
            double tx = x + rr * c, ty = y + rr * sn + 3;
            if (ring_count(nodes, n, ring) <= SPARSE) {
                /* few nodes: level labels, as wide as the canvas allows */
                const char *anchor = c > 0.3 ? "start" : c < -0.3 ? "end" : "middle";
                if (strcmp(anchor, "middle") == 0)
                    ty += sn > 0 ? 9 : -3;
                html_fmt(out, "\" text-anchor=\"%R\"", anchor);
                chart_attr(out, "x", tx);
                chart_attr(out, "y", ty);
                room = strcmp(anchor, "start") == 0 ? NW - tx - 4
                       : strcmp(anchor, "end") == 0 ? tx - 4
                                                    : 2 * fmin(tx, NW - tx) - 8;
                room = fmin(room, label_wide[ring]);
            } else {
                bool left = deg > 90 && deg < 270;
                html_fmt(out, "\" text-anchor=\"%R\"", (left == (dir > 0)) ? "end" : "start");
                chart_attr(out, "x", tx);
                chart_attr(out, "y", ty);
                html_raw(out, " transform=\"rotate(");
                chart_put_num(out, left ? deg - 180 : deg);
                buf_putc(out, ' ');
                chart_put_num(out, tx);
                buf_putc(out, ' ');
                chart_put_num(out, ty);
                html_raw(out, ")\"");
            }
        }
        html_raw(out, ">");
        chart_put_fit(out, nd->label, (room > 0 ? room : label_max[ring]) * LABEL_F);
        html_raw(out, "</text>");
        if (nd->href && *nd->href)
            html_raw(out, "</a>");
        html_raw(out, "\n");
    }
    html_raw(out, "</g>\n");
    chart_figure_end(out, lang, o, false);
    return buf_failed(out) ? -1 : 0;
}
