/* web_devplan.h: what the development plan pages share with the rest of
 * src/web (the handlers are declared in web.h). */
#ifndef SCAN_WEB_DEVPLAN_H
#define SCAN_WEB_DEVPLAN_H

#include "i18n/i18n.h"

/* The name of a benchmarking group code ("governance" -> "Management and
 * governance") in lang; the code itself when unknown. Catalog text. */
const char *web_devplan_group_label(lang_id lang, const char *code);

#endif
