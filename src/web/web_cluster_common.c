/* web_cluster_common.c: what the cluster pages share: loading a cluster
 * with a right, its text in the reader's script, the facts lists (stage,
 * SCAN membership, labels) shown both on the profile and on the edit page,
 * and the form widgets of the edit and members pages (web_cluster.h). */
#include <stdio.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/cluster.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

bool wc_empty(const char *s)
{
    return !s || !*s;
}

bool wc_is_cluster_kind(const char *kind)
{
    return kind && (strcmp(kind, "cluster") == 0 || strcmp(kind, "cluster_initiative") == 0);
}

const char *wc_text(req *r, const char *s)
{
    return !s || !*s ? NULL : web_org_text(r, s, NULL);
}

/* Loads the cluster {slug} and checks the right (writes the 403/404). */
bool wc_load(req *r, org_rec *o, right action)
{
    if (!web_org_load(r, o))
        return false;
    if (!wc_is_cluster_kind(o->kind)) {
        resp_error(r, 404, T(r->lang, MSG_CL_NOT_CLUSTER));
        return false;
    }
    if (!rights_can(r->db, r->user, action, o->id)) {
        resp_error(r, 403, T(r->lang, MSG_CL_FORBIDDEN));
        return false;
    }
    return true;
}

/* "Established · since 2 Aug 2016" with the earlier stages. */
void wc_stage_facts(req *r, const cluster_info *ci, msg_id dt)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<dt>%s</dt><dd>", T(L, dt));
    if (ci->n_stages == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span></dd>", T(L, MSG_CL_NOT_RECORDED));
        return;
    }
    const cluster_stage_rec *cur = &ci->stages[ci->n_stages - 1];
    html_fmt(o, "<strong>%s</strong> <span class=\"muted\">%s</span>",
             wf_stage_label(L, cur->stage),
             arena_printf(r->a, T(L, MSG_CL_SINCE), wf_ymd(r, cur->reached_on)));
    if (ci->n_stages > 1) {
        html_raw(o, "<ol class=\"timeline\">");
        for (size_t i = 0; i < ci->n_stages; i++)
            html_fmt(o, "<li><span>%s</span> <time datetime=\"%s\">%s</time></li>",
                     wf_stage_label(L, ci->stages[i].stage), ci->stages[i].reached_on,
                     wf_ymd(r, ci->stages[i].reached_on));
        html_raw(o, "</ol>");
    }
    html_raw(o, "</dd>");
}

void wc_scan_facts(req *r, const cluster_info *ci, msg_id dt)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<dt>%s</dt><dd>", T(L, dt));
    if (ci->n_scan == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span></dd>", T(L, MSG_CL_SCAN_NONE));
        return;
    }
    const scan_membership_rec *cur = &ci->scan[ci->n_scan - 1];
    html_fmt(o, "<strong>%s</strong> <span class=\"muted\">%s</span>",
             wf_scan_status_label(L, cur->status),
             arena_printf(r->a, T(L, MSG_CL_SINCE), wf_ymd(r, cur->since)));
    if (ci->n_scan > 1) {
        html_raw(o, "<ol class=\"timeline\">");
        for (size_t i = 0; i < ci->n_scan; i++) {
            html_fmt(o, "<li><span>%s</span> <time datetime=\"%s\">%s</time>",
                     wf_scan_status_label(L, ci->scan[i].status), ci->scan[i].since,
                     wf_ymd(r, ci->scan[i].since));
            wc_bitext note = wc_pick(r, ci->scan[i].note, ci->scan[i].note_en);
            if (note.text) {
                html_fmt(o, " <span class=\"muted\">— <span lang=\"%s\">%s</span></span>",
                         note.lang, note.text);
                wc_untranslated(r, &note);
            }
            html_raw(o, "</li>");
        }
        html_raw(o, "</ol>");
    }
    html_raw(o, "</dd>");
}

void wc_label_facts(req *r, const cluster_info *ci, msg_id dt)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o, "<dt>%s</dt><dd>", T(L, dt));
    if (ci->n_labels == 0) {
        html_fmt(o, "<span class=\"muted\">%s</span></dd>", T(L, MSG_CL_LABELS_NONE));
        return;
    }
    char today[11];
    wf_today(today);
    html_raw(o, "<ul class=\"plain\">");
    for (size_t i = 0; i < ci->n_labels; i++) {
        const cluster_label_rec *x = &ci->labels[i];
        bool expired = !wc_empty(x->expires_on) && today[0] && strcmp(x->expires_on, today) < 0;
        wc_bitext own = wc_pick(r, x->name, x->name_en);
        if (strcmp(x->label, "other") == 0 && own.text) {
            html_fmt(o, "<li><strong lang=\"%s\">%s</strong>", own.lang, own.text);
            wc_untranslated(r, &own);
        } else
            html_fmt(o, "<li><strong>%s</strong>", wf_label_label(L, x->label));
        if (!x->verified) /* a claim counts nowhere until the secretariat verifies it */
            html_fmt(o, " <span class=\"badge badge-claimed\" title=\"%s\">%s</span>",
                     T(L, MSG_CL_LABEL_CLAIMED_TITLE), T(L, MSG_CL_LABEL_CLAIMED));
        html_fmt(o, " · %s", arena_printf(r->a, T(L, MSG_CL_AWARDED_ON), wf_ymd(r, x->awarded_on)));
        if (!wc_empty(x->expires_on))
            html_fmt(o, " · %s",
                     arena_printf(r->a, T(L, expired ? MSG_CL_EXPIRED_ON : MSG_CL_VALID_UNTIL),
                                  wf_ymd(r, x->expires_on)));
        if (expired)
            html_fmt(o, " <span class=\"badge badge-expired\">%s</span>", T(L, MSG_CL_EXPIRED));
        if (x->verified && !wc_empty(x->reference))
            html_fmt(o, " · <span class=\"muted\">%s</span>",
                     arena_printf(r->a, T(L, MSG_CL_LABEL_VERIFIED_REF), x->reference));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></dd>");
}

void wc_date_field(req *r, const char *id, const char *name, const char *label, const char *hint,
                   const char *value, const char *error, bool required)
{
    web_field(r, &(web_input){.id = id,
                              .name = name,
                              .type = "date",
                              .label = label,
                              .value = value,
                              .hint = hint,
                              .error = error,
                              .required = required});
}

/* A select of codes with labels from label_of. */
void wc_code_select(req *r, const char *id, const char *name, const char *label,
                    const char *const *codes, const char *(*label_of)(lang_id, const char *),
                    const char *value, const char *error, bool with_choose)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    web_field_open(r, id, label, NULL, error);
    html_fmt(o, "<select id=\"%s\" name=\"%s\"", id, name);
    web_described_by(r, id, false, error);
    html_raw(o, ">");
    if (with_choose)
        html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_DIR_CHOOSE));
    for (size_t i = 0; codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", codes[i],
                 value && strcmp(value, codes[i]) == 0 ? " selected" : "", label_of(L, codes[i]));
    html_raw(o, "</select></div>\n");
}

void wc_textarea(req *r, const char *id, const char *name, const char *label, const char *hint,
                 const char *value, const char *error, int rows)
{
    buf *o = &r->out;
    web_field_open(r, id, label, hint, error);
    html_fmt(o, "<textarea id=\"%s\" name=\"%s\" rows=\"%d\"", id, name, rows);
    web_described_by(r, id, hint != NULL, error);
    html_fmt(o, ">\n%s</textarea></div>\n", value ? value : "");
}

/* The breadcrumb and h1 of a cluster's form page. */
void wc_form_head(req *r, const org_rec *o, const char *title, const char *crumb)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
             "<li><a href=\"/orgs/%q\">%s</a></li><li aria-current=\"page\">%s</li></ol></nav>\n"
             "<h1>%s</h1>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), o->slug, web_org_name(r, o), crumb,
             title);
}

/* A share of full time in thousandths as a decimal ("0.5", "1", "0.125"),
 * with the language's decimal mark. Arena. */
const char *wc_fte_text(req *r, int fte_milli)
{
    char frac[5];
    snprintf(frac, sizeof frac, "%03d", fte_milli % 1000);
    for (int i = 2; i >= 0 && frac[i] == '0'; i--)
        frac[i] = '\0';
    if (!frac[0])
        return arena_printf(r->a, "%d", fte_milli / 1000);
    return arena_printf(r->a, "%d%c%s", fte_milli / 1000, r->lang == LANG_EN ? '.' : ',', frac);
}

/* True when s holds a Cyrillic letter (U+0400..U+04FF). */
static bool has_cyrillic(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p == 0xD0 || *p == 0xD1 || *p == 0xD2 || *p == 0xD3) && (p[1] & 0xC0) == 0x80)
            return true;
    return false;
}

wc_bitext wc_pick(req *r, const char *sr, const char *en)
{
    wc_bitext b = {0};
    bool has_sr = !wc_empty(sr), has_en = !wc_empty(en);
    if (has_en && (r->lang == LANG_EN || !has_sr)) {
        b.text = en;
        b.lang = "en";
        b.missing = r->lang != LANG_EN;
    } else if (has_sr) {
        b.text = web_org_text(r, sr, NULL);
        b.lang = has_cyrillic(b.text) ? "sr-Cyrl" : "sr-Latn";
        b.missing = r->lang == LANG_EN;
    }
    return b;
}

void wc_untranslated(req *r, const wc_bitext *b)
{
    if (b->text && b->missing)
        html_fmt(&r->out, " <span class=\"muted small untranslated\">%s</span>",
                 T(r->lang, r->lang == LANG_EN ? MSG_CL_NO_EN : MSG_CL_NO_SR));
}
