/* assets.c: serves the embedded assets (see assets.h). */
#include "http/assets.h"

#include <stdbool.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "embedded.h"

static char **urls; /* urls[i] belongs to embedded_assets[i]; owned here */

/* Assets under data/ (such as the common-password list) are embedded for
 * the server's own use and never served or given a URL. */
static bool is_private(const char *name)
{
    return strncmp(name, "data/", 5) == 0;
}

int assets_init(void)
{
    urls = mem_calloc(embedded_n_assets + 1, sizeof *urls);
    if (!urls)
        return -1;
    for (unsigned i = 0; i < embedded_n_assets; i++) {
        const char *name = embedded_assets[i].name;
        const char *dot = strrchr(name, '.');
        buf b = BUF_INIT;
        buf_puts(&b, "/assets/");
        if (dot) {
            buf_append(&b, name, (size_t)(dot - name));
            buf_printf(&b, ".%s%s", embedded_assets[i].hash, dot);
        } else {
            buf_printf(&b, "%s.%s", name, embedded_assets[i].hash);
        }
        urls[i] = buf_detach(&b, NULL);
        if (!urls[i])
            return -1;
    }
    return 0;
}

void assets_shutdown(void)
{
    if (!urls)
        return;
    for (unsigned i = 0; i < embedded_n_assets; i++)
        mem_free(urls[i]);
    mem_free(urls);
    urls = NULL;
}

const char *assets_url(const char *name)
{
    for (unsigned i = 0; urls && i < embedded_n_assets; i++)
        if (strcmp(embedded_assets[i].name, name) == 0 && !is_private(name))
            return urls[i];
    return "/assets/missing";
}

void assets_serve(req *r)
{
    for (unsigned i = 0; urls && i < embedded_n_assets; i++) {
        if (strcmp(urls[i], r->path) != 0 || is_private(embedded_assets[i].name))
            continue;
        r->static_body = embedded_assets[i].data;
        r->static_len = embedded_assets[i].len;
        r->content_type = embedded_assets[i].content_type;
        r->etag = embedded_assets[i].hash;
        r->cache_control = "public, max-age=31536000, immutable";
        return;
    }
    resp_error(r, 404, "There is no such file.");
}
