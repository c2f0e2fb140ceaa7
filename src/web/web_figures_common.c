/* web_figures_common.c: the helpers the figures pages (web_figures.c,
 * web_figures_import.c) and the cluster pages (web_cluster.c) share,
 * declared in web_figures.h: dates and codes in the reader's language,
 * the headline numbers with their provenance, the trend table and charts,
 * cache keys and download links, and loading an organisation for its
 * figures with the right to edit them. Split from web_figures.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/page_cache.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* Parses 'YYYY-MM-DD' into its parts; false for anything else. */
static bool parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

void wf_fmt_ymd(buf *out, lang_id lang, const char *ymd)
{
    if (!ymd)
        return;
    int y, m, d;
    if (!parse_ymd(ymd, &y, &m, &d)) {
        buf_puts(out, ymd);
        return;
    }
    /* noon local time: the same calendar day in Belgrade whatever DST does */
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1) {
        buf_puts(out, ymd);
        return;
    }
    i18n_fmt_date(out, lang, (int64_t)t);
}

const char *wf_ymd(req *r, const char *ymd)
{
    buf b = BUF_INIT;
    wf_fmt_ymd(&b, r->lang, ymd);
    const char *s = buf_failed(&b) ? NULL : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

void wf_today(char out[11])
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

int wf_this_year(void)
{
    time_t t = (time_t)time_now();
    struct tm tm;
    return localtime_r(&t, &tm) ? tm.tm_year + 1900 : 2000;
}

typedef struct code_msg {
    const char *code;
    msg_id msg;
} code_msg;

static const char *code_label(lang_id lang, const code_msg *codes, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(codes[i].code, code) == 0)
            return T(lang, codes[i].msg);
    return code ? code : "";
}

#define CODE_LABEL(lang, codes, code) code_label(lang, codes, sizeof codes / sizeof codes[0], code)

static const code_msg stage_msgs[] = {{"initiative", MSG_CL_STAGE_INITIATIVE},
                                      {"emerging", MSG_CL_STAGE_EMERGING},
                                      {"developing", MSG_CL_STAGE_DEVELOPING},
                                      {"established", MSG_CL_STAGE_ESTABLISHED}};
static const code_msg scan_msgs[] = {{"applied", MSG_CL_SCAN_APPLIED},
                                     {"member", MSG_CL_SCAN_MEMBER},
                                     {"founder", MSG_CL_SCAN_FOUNDER},
                                     {"suspended", MSG_CL_SCAN_SUSPENDED},
                                     {"left", MSG_CL_SCAN_LEFT}};
static const code_msg label_msgs[] = {{"esca_bronze", MSG_CL_LABEL_BRONZE},
                                      {"esca_silver", MSG_CL_LABEL_SILVER},
                                      {"esca_gold", MSG_CL_LABEL_GOLD},
                                      {"other", MSG_CL_LABEL_OTHER}};
static const code_msg role_msgs[] = {{"member", MSG_CL_ROLE_MEMBER},
                                     {"founding_member", MSG_CL_ROLE_FOUNDING},
                                     {"board", MSG_CL_ROLE_BOARD}};
static const code_msg size_msgs[] = {{"micro", MSG_CL_SIZE_MICRO},
                                     {"small", MSG_CL_SIZE_SMALL},
                                     {"medium", MSG_CL_SIZE_MEDIUM},
                                     {"large", MSG_CL_SIZE_LARGE}};
static const code_msg source_msgs[] = {{"self_reported", MSG_FIG_SRC_SELF},
                                       {"business_register", MSG_FIG_SRC_REGISTER},
                                       {"estimate", MSG_FIG_SRC_ESTIMATE}};

const char *wf_stage_label(lang_id lang, const char *stage)
{
    return CODE_LABEL(lang, stage_msgs, stage);
}

const char *wf_scan_status_label(lang_id lang, const char *status)
{
    return CODE_LABEL(lang, scan_msgs, status);
}

const char *wf_label_label(lang_id lang, const char *label)
{
    return CODE_LABEL(lang, label_msgs, label);
}

const char *wf_role_label(lang_id lang, const char *role)
{
    return CODE_LABEL(lang, role_msgs, role);
}

const char *wf_size_label(lang_id lang, const char *size_class)
{
    return size_class ? CODE_LABEL(lang, size_msgs, size_class) : NULL;
}

const char *wf_source_label(lang_id lang, const char *source)
{
    return CODE_LABEL(lang, source_msgs, source);
}

void wf_page_begin(req *r, const char *title, const char *lead)
{
    lang_id L = r->lang;
    page_meta m = {.title = title, .nav = "figures"};
    layout_begin(r, &m);
    html_fmt(&r->out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/figures\">%s</a>"
             "</li><li aria-current=\"page\">%s</li></ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_FIGURES), title);
    html_fmt(&r->out,
             "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div></div>\n",
             title, lead);
}

void wf_demo_notice(req *r)
{
    html_fmt(&r->out,
             "<div class=\"notice notice-warn demo-notice\" role=\"note\"><p><strong>%s</strong> "
             "%s</p></div>\n",
             T(r->lang, MSG_FIG_DEMO_TITLE), T(r->lang, MSG_FIG_DEMO_TEXT));
}

/* Appends "+2.1% on 2023" (or "−…") for a change in basis points. */
static void change_text(buf *out, lang_id lang, int64_t bp, int prev_year)
{
    buf v = BUF_INIT;
    if (bp > 0)
        buf_putc(&v, '+');
    chart_fmt_bp(&v, lang, bp);
    buf_printf(out, T(lang, MSG_FIG_CHANGE_ON), buf_str(&v), prev_year);
    buf_free(&v);
}

/* One headline figure: label, the value (compact money gets the exact
 * amount beside it), and the change when the year before had one. */
static void stat_item(req *r, msg_id label, const char *value, const char *exact, bool has_change,
                      int64_t change_bp, int prev_year)
{
    buf *o = &r->out;
    html_fmt(o, "<li><span class=\"stat-label\">%s</span><span class=\"stat-value\">%s</span>",
             T(r->lang, label), value);
    if (exact)
        html_fmt(o, "<span class=\"stat-exact\">%s</span>", exact);
    if (has_change) {
        buf c = BUF_INIT;
        change_text(&c, r->lang, change_bp, prev_year);
        html_fmt(o, "<span class=\"stat-change%R\">%s</span>", change_bp < 0 ? " stat-down" : "",
                 buf_str(&c));
        buf_free(&c);
    }
    html_raw(o, "</li>");
}

/* The exact amount beside a compact one: whole euros rounded half away
 * from zero, the rule the tables use (table.c), so both say the same. */
static void whole_euros(buf *out, lang_id lang, int64_t cents)
{
    int64_t rest = cents % 100, r = cents - rest;
    if (rest >= 50 && r <= INT64_MAX - 100)
        r += 100;
    else if (rest <= -50 && r >= INT64_MIN + 100)
        r -= 100;
    i18n_fmt_money(out, lang, r, "EUR", true);
}

void wf_headline(req *r, const figure_total *t)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    if (t->reported == 0) {
        buf m = BUF_INIT;
        buf_printf(&m, T(L, MSG_FIG_NONE_REPORTED), t->year);
        html_fmt(o, "<p class=\"empty\">%s</p>\n", buf_str(&m));
        buf_free(&m);
    } else {
        buf v = BUF_INIT, x = BUF_INIT;
        html_raw(o, "<ul class=\"stats fig-stats\">");
        i18n_fmt_int(&v, L, t->employees);
        stat_item(r, MSG_FIG_EMPLOYEES, buf_str(&v), NULL, t->has_prev && t->prev_employees > 0,
                  t->employees_change_bp, t->year - 1);
        buf_reset(&v);
        chart_fmt_money_compact(&v, L, t->revenue_eur);
        whole_euros(&x, L, t->revenue_eur);
        stat_item(r, MSG_FIG_REVENUE, buf_str(&v), buf_str(&x),
                  t->has_prev && t->prev_revenue_eur > 0, t->revenue_change_bp, t->year - 1);
        buf_reset(&v);
        buf_reset(&x);
        chart_fmt_money_compact(&v, L, t->exports_eur);
        whole_euros(&x, L, t->exports_eur);
        stat_item(r, MSG_FIG_EXPORTS, buf_str(&v), buf_str(&x),
                  t->has_prev && t->prev_exports_eur > 0, t->exports_change_bp, t->year - 1);
        buf_reset(&v);
        if (t->export_share_bp >= 0) {
            chart_fmt_bp(&v, L, t->export_share_bp);
            stat_item(r, MSG_FIG_EXPORT_SHARE, buf_str(&v), T(L, MSG_FIG_OF_REVENUE), false, 0, 0);
        }
        html_raw(o, "</ul>\n");
        buf_free(&v);
        buf_free(&x);
    }
    /* where the numbers come from, always, gaps included */
    buf n = BUF_INIT, m = BUF_INIT, p = BUF_INIT, line = BUF_INIT;
    i18n_fmt_int(&n, L, t->reported);
    i18n_fmt_int(&m, L, t->missing);
    if (t->verified_bp >= 0)
        chart_fmt_bp(&p, L, t->verified_bp);
    else
        buf_puts(&p, "0%");
    /* one member or many (Serbian says it without a plural) */
    static const msg_id prov[3] = {MSG_FIG_PROVENANCE_ONE, MSG_FIG_PROVENANCE, MSG_FIG_PROVENANCE};
    buf_printf(&line, T(L, prov[i18n_plural_form(L, t->reported)]), buf_str(&n), buf_str(&m),
               buf_str(&p));
    html_fmt(o, "<p class=\"provenance\">%s</p>\n", buf_str(&line));
    /* why no change is shown: only like with like is compared */
    if (t->reported > 0 && t->change_state == FIG_CHANGE_LOW_COVERAGE) {
        buf_reset(&line);
        if (!t->covered)
            buf_printf(&line, T(L, MSG_FIG_NO_CHANGE_THIS), t->year - 1, (int)t->reported,
                       (int)t->members, t->year);
        else
            buf_printf(&line, T(L, MSG_FIG_NO_CHANGE_PREV), t->year - 1, (int)t->prev_reported,
                       (int)t->prev_members, t->year - 1);
        html_fmt(o, "<p class=\"provenance no-change\">%s</p>\n", buf_str(&line));
    }
    buf_free(&n);
    buf_free(&m);
    buf_free(&p);
    buf_free(&line);
}

table *wf_trend_table(req *r, const figure_total *rows, size_t n, const char *title)
{
    lang_id L = r->lang;
    const table_col cols[] = {
        {T(L, MSG_FIG_COL_YEAR), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_FIG_COL_MEMBERS), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_COL_REPORTED), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_EMPLOYEES), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_COL_REVENUE), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_FIG_COL_EXPORTS), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_FIG_EXPORT_SHARE), TABLE_BP_PERCENT, TABLE_ALIGN_AUTO, false},
    };
    table *t = table_new(r->a, title, cols, sizeof cols / sizeof cols[0]);
    if (!t)
        return NULL;
    for (size_t i = n; i-- > 0;) { /* newest first, as readers look for it */
        const figure_total *x = &rows[i];
        size_t row = table_add_row(t);
        char year[16];
        snprintf(year, sizeof year, "%d", x->year);
        table_set_text(t, row, 0, year);
        table_set_int(t, row, 1, x->members);
        table_set_int(t, row, 2, x->reported);
        if (x->reported > 0) { /* no report: the cells stay empty, never 0 */
            table_set_int(t, row, 3, x->employees);
            table_set_int(t, row, 4, x->revenue_eur);
            table_set_int(t, row, 5, x->exports_eur);
            if (x->export_share_bp >= 0)
                table_set_int(t, row, 6, x->export_share_bp);
        }
    }
    return t->failed ? NULL : t;
}

void wf_trend_charts(req *r, const figure_total *rows, size_t n, const char *id_prefix,
                     const char *subtitle, const char *table_id)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    int *years = n ? arena_alloc(r->a, n * sizeof *years) : NULL;
    int64_t *emp = n ? arena_alloc(r->a, n * sizeof *emp) : NULL;
    int64_t *rev = n ? arena_alloc(r->a, n * sizeof *rev) : NULL;
    int64_t *exp = n ? arena_alloc(r->a, n * sizeof *exp) : NULL;
    if (n && (!years || !emp || !rev || !exp)) {
        o->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        years[i] = rows[i].year;
        bool has = rows[i].reported > 0;
        emp[i] = has ? rows[i].employees : CHART_NONE;
        rev[i] = has ? rows[i].revenue_eur : CHART_NONE;
        exp[i] = has ? rows[i].exports_eur : CHART_NONE;
    }
    html_raw(o, "<div class=\"chart-pair\">\n");
    chart_series s_emp[] = {{T(L, MSG_FIG_EMPLOYEES), emp}};
    chart_opts oe = {.id = arena_printf(r->a, "%s-employees", id_prefix),
                     .title = T(L, MSG_FIG_CHART_EMPLOYEES),
                     .subtitle = subtitle,
                     .table_id = table_id,
                     .unit = CHART_UNIT_COUNT};
    chart_line(o, L, &oe, years, n, s_emp, 1);
    chart_series s_money[] = {{T(L, MSG_FIG_COL_REVENUE), rev}, {T(L, MSG_FIG_COL_EXPORTS), exp}};
    chart_opts om = {.id = arena_printf(r->a, "%s-money", id_prefix),
                     .title = T(L, MSG_FIG_CHART_MONEY),
                     .subtitle = subtitle,
                     .table_id = table_id,
                     .unit = CHART_UNIT_MONEY_CENTS};
    chart_line(o, L, &om, years, n, s_money, 2);
    html_raw(o, "</div>\n");
}

size_t wf_trend_shown(const figure_total *rows, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (rows[i].covered)
            return i + 1;
    return n;
}

void wf_trend_cut_note(req *r, const figure_total *rows, size_t n, size_t shown)
{
    if (shown == 0 || shown >= n)
        return;
    const figure_total *newest = &rows[n - 1];
    buf b = BUF_INIT;
    buf_printf(&b, T(r->lang, MSG_FIG_TREND_CUT), rows[shown - 1].year, newest->year,
               (int)newest->reported, (int)newest->members);
    html_fmt(&r->out, "<p class=\"notice fig-trend-cut\">%s</p>\n", buf_str(&b));
    if (buf_failed(&b))
        r->out.failed = true;
    buf_free(&b);
}

const char *wf_cache_key(req *r, const char *prefix, int64_t *figures_v, bool *ok)
{
    int64_t dir_v = 0;
    *ok = false;
    db_status st = figures_version(r->db, figures_v);
    if (st == DB_OK)
        st = org_directory_version(r->db, &dir_v);
    if (st != DB_OK) {
        resp_fail(r, st, "figures/directory version");
        return NULL;
    }
    *ok = true;
    return arena_printf(r->a, "%s|%lld|%s|%s?%s", prefix, (long long)dir_v, i18n_tag(r->lang),
                        r->path, r->query_raw ? r->query_raw : "");
}

const char *wf_table_url(req *r, const char *base, const char *table_id)
{
    buf u = BUF_INIT;
    buf_puts(&u, base);
    char sep = strchr(base, '?') ? '&' : '?';
    for (size_t i = 0; i < r->query.n_fields; i++) {
        const form_field *f = &r->query.fields[i];
        if (strcmp(f->name, "table") == 0 || strcmp(f->name, "format") == 0)
            continue;
        buf_putc(&u, sep);
        html_urlencode(&u, f->name);
        buf_putc(&u, '=');
        html_urlencode(&u, f->value);
        sep = '&';
    }
    buf_printf(&u, "%ctable=%s", sep, table_id);
    const char *s = buf_failed(&u) ? NULL : arena_strdup(r->a, buf_str(&u));
    buf_free(&u);
    return s ? s : base;
}

/* The label of a group row in the reader's language: a cluster's name
 * (English name for English readers), a NACE section with its letter, a
 * region; "not classified" for '?'. */
static const char *group_label(req *r, figure_group g, const figure_total *t)
{
    lang_id L = r->lang;
    if (!t->key || strcmp(t->key, "?") == 0)
        return T(L, MSG_FIG_UNCLASSIFIED);
    if (g == FIG_GROUP_CLUSTER) {
        if (L == LANG_EN) {
            org_rec c;
            bool found = false;
            if (org_get(r->db, r->a, t->key, 0, &c, &found) == DB_OK && found)
                return web_org_name(r, &c);
        }
        return web_org_text(r, t->label ? t->label : t->key, NULL);
    }
    const char *ref = g == FIG_GROUP_SECTOR ? "nace" : "region";
    const char *label = ref_label(r->db, r->a, ref, t->key, L);
    if (!label)
        return t->key;
    if (g == FIG_GROUP_SECTOR)
        return arena_printf(r->a, "%s %s", t->key, label);
    return label;
}

/* The labels of every row of a grouping, looked up once (arena; NULL on
 * OOM). */
const char **wf_group_labels(req *r, figure_group g, const figure_total *rows, size_t n)
{
    const char **names = arena_alloc(r->a, (n ? n : 1) * sizeof *names);
    for (size_t i = 0; names && i < n; i++)
        names[i] = group_label(r, g, &rows[i]);
    return names;
}

/* --- loading for the figures pages ------------------------------------------------ */

bool wf_is_cluster_kind(const char *kind)
{
    return kind && (strcmp(kind, "cluster") == 0 || strcmp(kind, "cluster_initiative") == 0);
}

/* Loads {slug} and checks RIGHT_FIGURES_EDIT on it (writes the 403/404). */
bool wf_load_for_figures(req *r, org_rec *org)
{
    if (!web_org_load(r, org))
        return false;
    if (!rights_can(r->db, r->user, RIGHT_FIGURES_EDIT, org->id)) {
        resp_error(r, 403, T(r->lang, MSG_FIG_EDIT_FORBIDDEN));
        return false;
    }
    return true;
}
