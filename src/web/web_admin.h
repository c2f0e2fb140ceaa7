/* web_admin.h: what the secretariat's administration pages share
 * (web_admin.c, web_admin_audit.c, web_invite.c). Their handlers are
 * declared in web.h with the other routes. */
#ifndef SCAN_WEB_ADMIN_H
#define SCAN_WEB_ADMIN_H

#include "http/request.h"

/* The "Users · Audit log · Outbox · Invite" row on top of admin pages;
 * current is the key of the page shown ("users", "audit", "outbox",
 * "invite"), marked as the current one. */
void web_admin_nav(req *r, const char *current);

#endif
