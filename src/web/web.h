/* web.h: page and endpoint handlers, one group per file in src/web and
 * src/api. The route table in routes.c names them; nothing else calls
 * them. */
#ifndef SCAN_WEB_H
#define SCAN_WEB_H

#include "http/request.h"

/* web_home.c */
void web_home(req *r);
/* web_system.c */
void web_healthz(req *r);
void web_search(req *r);
void web_test_sleep(req *r);
/* api_system.c */
void api_openapi(req *r);
void api_health(req *r);
/* guard.c */
void web_setup(void);
/* "sid", or "__Host-sid" when cookies are Secure. */
const char *web_session_cookie_name(const req *r);

#endif
