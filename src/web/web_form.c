/* web_form.c: the form helpers every page's form uses (declared in
 * web.h): errors keyed by field name in the reader's language
 * (web_errs_*), one labelled input with its error next to it (p.field-error
 * tied by aria-describedby, keeping what was typed except passwords),
 * alerts and notices, the site's base URL, and a few labels shared by the
 * account and admin pages. */
#include <string.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "http/server.h"
#include "web/web.h"

/* --- form helpers ----------------------------------------------------------- */

void web_errs_add(web_errs *e, const char *field, const char *text)
{
    if (web_errs_get(e, field) || e->n >= WEB_MAX_FIELD_ERRORS)
        return;
    e->field[e->n] = field;
    e->text[e->n] = text;
    e->n++;
}

void web_errs_from_form(req *r, const form_errors *fe, web_errs *e)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf t = BUF_INIT;
        form_error_text(&t, r->lang, &fe->items[i]);
        const char *s = buf_failed(&t) ? NULL : arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        web_errs_add(e, fe->items[i].field, s ? s : T(r->lang, MSG_FORM_ERR_NOMEM));
    }
}

const char *web_errs_get(const web_errs *e, const char *field)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (strcmp(e->field[i], field) == 0)
            return e->text[i];
    return NULL;
}

const char *web_date_type(const char *value)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!value || !*value)
        return "date";
    const char *s = value;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return "text";
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return "text";
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return "text";
    return "date";
}

/* Input types that take maxlength. */
static bool text_like(const char *type)
{
    static const char *const t[] = {"text", "email", "password", "search", "tel", "url", NULL};
    for (const char *const *p = t; *p; p++)
        if (strcmp(type, *p) == 0)
            return true;
    return false;
}

/* Whether value is one an input of this type may carry (HTML's value
 * syntax); a refused url keeps its text input too. */
static bool input_value_fits(const char *type, const char *value, bool refused)
{
    if (strcmp(type, "url") == 0)
        return !refused;
    if (strcmp(type, "number") == 0) {
        const char *p = value + (*value == '-');
        if (!*p)
            return false;
        for (; *p; p++)
            if ((*p < '0' || *p > '9') && *p != '.')
                return false;
        return true;
    }
    if (strcmp(type, "month") == 0)
        return strlen(value) == 7 && value[4] == '-' && value[0] >= '0' && value[0] <= '9' &&
               value[1] >= '0' && value[1] <= '9' && value[2] >= '0' && value[2] <= '9' &&
               value[3] >= '0' && value[3] <= '9' &&
               ((value[5] == '0' && value[6] >= '1' && value[6] <= '9') ||
                (value[5] == '1' && value[6] >= '0' && value[6] <= '2'));
    return true;
}

void web_field_open(req *r, const char *id, const char *label, const char *hint, const char *error)
{
    buf *o = &r->out;
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
             error ? " field-invalid" : "", id, label);
    if (hint)
        html_fmt(o, "<p class=\"field-hint\" id=\"%s-hint\">%s</p>", id, hint);
    if (error)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 id, T(r->lang, MSG_FORM_ERROR_PREFIX), error);
}

void web_described_by(req *r, const char *id, bool hint, const char *error)
{
    buf *o = &r->out;
    if (hint || error) {
        html_raw(o, " aria-describedby=\"");
        if (hint)
            html_fmt(o, "%s-hint%R", id, error ? " " : "");
        if (error)
            html_fmt(o, "%s-error", id);
        html_raw(o, "\"");
    }
    if (error)
        html_raw(o, " aria-invalid=\"true\"");
}

void web_field(req *r, const web_input *in)
{
    buf *o = &r->out;
    bool is_password = strcmp(in->type, "password") == 0;
    const char *type = strcmp(in->type, "date") == 0 ? web_date_type(in->value) : in->type;
    /* a rejected value stays as typed, in a text input where its type's
     * syntax would not hold it (url: an absolute URL; number: digits;
     * month: YYYY-MM) */
    if (in->value && *in->value && !input_value_fits(type, in->value, in->error != NULL))
        type = "text";
    web_field_open(r, in->id, in->label, in->hint, in->error);
    html_fmt(o, "<input id=\"%s\" name=\"%s\" type=\"%s\"", in->id, in->name, type);
    if (in->value && !is_password)
        html_fmt(o, " value=\"%s\"", in->value);
    if (in->autocomplete)
        html_fmt(o, " autocomplete=\"%s\"", in->autocomplete);
    if (in->suggest)
        html_fmt(o, " data-suggest=\"%s\"", in->suggest);
    if (in->required)
        html_raw(o, " required");
    if (in->maxlength > 0 && text_like(type)) /* HTML allows it on these only */
        html_fmt(o, " maxlength=\"%d\"", in->maxlength);
    web_described_by(r, in->id, in->hint != NULL, in->error);
    html_raw(o, "></div>\n");
}

void web_alert(req *r, const char *text)
{
    if (text)
        html_fmt(&r->out, "<div class=\"alert\" role=\"alert\"><p>%s</p></div>\n", text);
}

void web_error_summary(req *r, const web_errs *e)
{
    if (e && e->n)
        web_alert(r, T(r->lang, MSG_FORM_SUMMARY));
}

void web_notice(req *r, const char *text)
{
    if (text)
        html_fmt(&r->out, "<div class=\"notice\" role=\"status\"><p>%s</p></div>\n", text);
}

const char *web_base_url(req *r)
{
    const char *pub = server_public_url();
    if (pub && *pub) {
        size_t n = strlen(pub);
        while (n > 0 && pub[n - 1] == '/')
            n--;
        return arena_strndup(r->a, pub, n);
    }
    /* without a configured URL the Host header names us; refuse anything a
     * host[:port] cannot hold so a link in a mail cannot be bent into
     * markup or another URL's path */
    const char *host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255)
        return NULL;
    for (const char *p = host; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        if (!ok)
            return NULL;
    }
    return arena_printf(r->a, "http://%s", host);
}

void web_retry_text(buf *out, lang_id lang, int64_t wait_s)
{
    static const msg_id forms[3] = {MSG_RETRY_MINUTES_ONE, MSG_RETRY_MINUTES_FEW,
                                    MSG_RETRY_MINUTES_MANY};
    int64_t minutes = (wait_s + 59) / 60;
    if (minutes < 1)
        minutes = 1;
    int pf = i18n_plural_form(lang, minutes);
    buf_printf(out, T(lang, forms[pf >= 0 && pf < 3 ? pf : 2]), (long long)minutes);
}

void web_datetime(req *r, int64_t t, msg_id when_never)
{
    if (!t) {
        html_fmt(&r->out, "<span class=\"muted\">%s</span>", T(r->lang, when_never));
        return;
    }
    buf d = BUF_INIT, iso = BUF_INIT;
    i18n_fmt_datetime(&d, r->lang, t);
    time_fmt_iso(&iso, t);
    html_fmt(&r->out, "<time datetime=\"%s\">%s</time>", buf_str(&iso), buf_str(&d));
    buf_free(&d);
    buf_free(&iso);
}

const char *web_secretariat_label(lang_id lang, secretariat_role sec)
{
    switch (sec) {
    case SEC_ADMIN:
        return T(lang, MSG_SEC_ADMIN);
    case SEC_EDITOR:
        return T(lang, MSG_SEC_EDITOR);
    case SEC_NONE:
        break;
    }
    return T(lang, MSG_SEC_NONE);
}

const char *web_affiliation_role_label(lang_id lang, const char *role)
{
    if (role && strcmp(role, "manager") == 0)
        return T(lang, MSG_ROLE_MANAGER);
    if (role && strcmp(role, "representative") == 0)
        return T(lang, MSG_ROLE_REPRESENTATIVE);
    return role ? role : "";
}
