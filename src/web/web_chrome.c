/* web_chrome.c: the parts of every page's frame that depend on who is
 * reading, handed to the layout (html/layout.h hooks) by web_setup(): the
 * account bar. html/ knows nothing of principals; this file does. */
#include <assert.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "model/principal.h"
#include "web/web.h"
#include "web/web_org.h"

/* The account bar on top of the header: the user's name (to /account), an
 * Admin link for admins and a logout button (a POST form with the CSRF
 * token), or a "Log in" link that comes back to this page. A slim row of
 * its own, so the main header row keeps its room at every width. */
void web_user_area(req *r, const char *nav)
{
    assert(r && r->a && (unsigned)r->lang < LANG__COUNT);
    lang_id L = r->lang;
    buf *o = &r->out;
    const principal *u = r->user;
    html_fmt(o, "<nav class=\"user-area\" aria-label=\"%s\"><ul>", T(L, MSG_NAV_ACCOUNT_AREA));
    if (!u) {
        bool here = nav && strcmp(nav, "login") == 0;
        if (here || r->method != HTTP_GET || strcmp(r->path, "/") == 0)
            html_fmt(o, "<li><a class=\"login-link\" href=\"/login\"%R>%s</a></li>",
                     here ? " aria-current=\"page\"" : "", T(L, MSG_LOG_IN));
        else
            html_fmt(o, "<li><a class=\"login-link\" href=\"/login?next=%q\">%s</a></li>", r->path,
                     T(L, MSG_LOG_IN));
        html_raw(o, "</ul></nav>\n");
        return;
    }
    bool at_account = nav && strcmp(nav, "account") == 0;
    bool at_admin = nav && strcmp(nav, "admin") == 0;
    bool at_start = nav && strcmp(nav, "start") == 0;
    html_fmt(o, "<li><a href=\"/start\"%R>%s</a></li>", at_start ? " aria-current=\"page\"" : "",
             T(L, MSG_NAV_START));
    html_fmt(o, "<li><a class=\"user-name\" href=\"/account\"%R>%s</a></li>",
             at_account ? " aria-current=\"page\"" : "",
             web_org_text(r, u->name, NULL)); /* Latin on Latin pages, as /start's hello */
    if (u->secretariat == SEC_ADMIN)
        html_fmt(o, "<li><a href=\"/admin/users\"%R>%s</a></li>",
                 at_admin ? " aria-current=\"page\"" : "", T(L, MSG_NAV_ADMIN));
    if (u->session_id) {
        html_raw(o, "<li><form class=\"logout-form\" method=\"post\" action=\"/logout\">");
        layout_csrf_field(r);
        html_fmt(o, "<button type=\"submit\">%s</button></form></li>", T(L, MSG_LOG_OUT));
    }
    html_raw(o, "</ul></nav>\n");
}
