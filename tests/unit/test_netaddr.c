/* test_netaddr.c: address lists for --metrics-allow: IPv4, IPv6, networks
 * with host bits, IPv4-mapped peers, and refusal of anything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/netaddr.h"

static void test_addresses_and_networks(void **state)
{
    (void)state;
    netaddr_list l;
    assert_true(netaddr_parse("127.0.0.1, ::1 10.1.2.3/8,fd00::/8", &l));
    assert_int_equal(l.n, 4);
    assert_true(netaddr_has(&l, "127.0.0.1"));
    assert_false(netaddr_has(&l, "127.0.0.2"));
    assert_true(netaddr_has(&l, "::1"));
    assert_true(netaddr_has(&l, "10.200.0.9")); /* host bits of 10.1.2.3/8 ignored */
    assert_false(netaddr_has(&l, "11.0.0.1"));
    assert_true(netaddr_has(&l, "fd12:3456::1"));
    assert_false(netaddr_has(&l, "fe80::1"));
    assert_true(netaddr_has(&l, "::ffff:127.0.0.1")); /* a v4 peer on a v6 socket */
    assert_true(netaddr_has(&l, "::ffff:10.9.8.7"));
    assert_false(netaddr_has(&l, "not an address"));
    assert_false(netaddr_has(&l, NULL));
    /* prefix edges */
    assert_true(netaddr_parse("192.168.1.128/25", &l));
    assert_true(netaddr_has(&l, "192.168.1.200"));
    assert_false(netaddr_has(&l, "192.168.1.127"));
    assert_true(netaddr_parse("0.0.0.0/0", &l));
    assert_true(netaddr_has(&l, "8.8.8.8"));
    assert_false(netaddr_has(&l, "2001:db8::1")); /* an IPv4 network holds IPv4 only */
    assert_true(netaddr_parse("", &l));
    assert_int_equal(l.n, 0);
    assert_false(netaddr_has(&l, "127.0.0.1"));
}

static void test_refused(void **state)
{
    (void)state;
    netaddr_list l;
    const char *bad[] = {"10.0.0.0/33", "::1/129",  "1.2.3.4/", "1.2.3.4/x",
                         "1.2.3.4/-1",  "nonsense", "1.2.3",    "127.0.0.1, nonsense"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(netaddr_parse(bad[i], &l));
        assert_int_equal(l.n, 0);
    }
}

static void test_forwarded(void **state)
{
    (void)state;
    netaddr_list t;
    assert_true(netaddr_parse("127.0.0.1, 10.0.0.0/8", &t));
    char out[64] = "unchanged";
    assert_true(netaddr_forwarded(&t, "203.0.113.7", out, sizeof out));
    assert_string_equal(out, "203.0.113.7");
    /* the rightmost address that is not a proxy: a client cannot push
     * itself past the proxies by writing its own list */
    assert_true(netaddr_forwarded(&t, "1.1.1.1, 203.0.113.7 ,10.1.1.1", out, sizeof out));
    assert_string_equal(out, "203.0.113.7");
    assert_true(netaddr_forwarded(&t, "2001:db8::5", out, sizeof out));
    assert_string_equal(out, "2001:db8::5");
    strcpy(out, "unchanged");
    assert_false(netaddr_forwarded(&t, "10.0.0.2, 127.0.0.1", out, sizeof out)); /* only proxies */
    assert_false(netaddr_forwarded(&t, "garbage", out, sizeof out));
    assert_false(netaddr_forwarded(&t, "1.2.3.4:80", out, sizeof out));
    assert_false(netaddr_forwarded(&t, "1.2.3.4,", out, sizeof out)); /* an empty entry */
    assert_false(netaddr_forwarded(&t, "", out, sizeof out));
    assert_false(netaddr_forwarded(&t, NULL, out, sizeof out));
    assert_string_equal(out, "unchanged");
    char small[4];
    assert_false(netaddr_forwarded(&t, "203.0.113.7", small, sizeof small));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses_and_networks),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_forwarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
