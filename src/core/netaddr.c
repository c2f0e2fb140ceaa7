/* netaddr.c: see netaddr.h. */
#include "core/netaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* ip as 16 bytes (IPv4 mapped); *v4 when it was IPv4. */
static bool to16(const char *ip, unsigned char out[16], bool *v4)
{
    struct in_addr a4;
    if (inet_pton(AF_INET, ip, &a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &a4, 4);
        *v4 = true;
        return true;
    }
    *v4 = false;
    return inet_pton(AF_INET6, ip, out) == 1;
}

static bool in_range(const netaddr_range *r, const unsigned char a[16])
{
    unsigned full = r->bits / 8, rest = r->bits % 8;
    if (memcmp(r->net, a, full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (r->net[full] & mask) == (a[full] & mask);
}

bool netaddr_parse(const char *s, netaddr_list *out)
{
    memset(out, 0, sizeof *out);
    for (const char *p = s ? s : ""; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, ", ");
        char item[64];
        if (n >= sizeof item || out->n == NETADDR_MAX)
            goto bad;
        memcpy(item, p, n);
        item[n] = '\0';
        p += n;
        char *slash = strchr(item, '/');
        long bits = -1;
        if (slash) {
            char *end;
            *slash = '\0';
            bits = strtol(slash + 1, &end, 10);
            if (end == slash + 1 || *end || bits < 0)
                goto bad;
        }
        netaddr_range *r = &out->r[out->n];
        bool v4;
        if (!to16(item, r->net, &v4))
            goto bad;
        long max = v4 ? 32 : 128;
        if (bits > max)
            goto bad;
        r->bits = (unsigned)((bits < 0 ? max : bits) + (v4 ? 96 : 0));
        /* the network's own address: host bits cleared */
        for (unsigned b = r->bits; b < 128; b++)
            r->net[b / 8] &= (unsigned char)~(0x80 >> (b % 8));
        out->n++;
    }
    return true;
bad:
    memset(out, 0, sizeof *out);
    return false;
}

bool netaddr_bytes(const char *ip, unsigned char out[16])
{
    bool v4;
    return ip && to16(ip, out, &v4);
}

bool netaddr_has(const netaddr_list *l, const char *ip)
{
    unsigned char a[16];
    bool v4;
    if (!ip || !to16(ip, a, &v4))
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (in_range(&l->r[i], a))
            return true;
    return false;
}

bool netaddr_forwarded(const netaddr_list *trusted, const char *xff, char *out, size_t cap)
{
    if (!xff)
        return false;
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
            a++;
        while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
            b--;
        char item[64];
        unsigned char bytes[16];
        if (b - a == 0 || b - a >= sizeof item)
            return false;
        memcpy(item, xff + a, b - a);
        item[b - a] = '\0';
        if (!netaddr_bytes(item, bytes))
            return false; /* not an address (a port, a name, garbage): trust none of it */
        if (!netaddr_has(trusted, item)) {
            if (strlen(item) >= cap)
                return false;
            memcpy(out, item, strlen(item) + 1);
            return true;
        }
        end = start > 0 ? start - 1 : 0;
    }
    return false;
}
