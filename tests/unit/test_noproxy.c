/* test_noproxy.c — no_proxy rules: names, domains, addresses, networks. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "noproxy.h"

static struct noproxy *
rules(const char *const *list)
{
	struct noproxy *np = noproxy_new();

	for (; *list; list++)
		assert_int_equal(noproxy_add(np, *list), 0);
	return np;
}

static int
addr(const struct noproxy *np, const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, text, &sin6->sin6_addr),
		    1);
		sin6->sin6_family = AF_INET6;
	}
	return noproxy_match_addr(np, (struct sockaddr *)&ss);
}

static void
test_names(void **state)
{
	static const char *const list[] = { "intranet", ".City.Example.JP",
	    "exact.example.org.", NULL };
	struct noproxy *np = rules(list);

	(void)state;
	assert_int_equal(noproxy_count(np), 3);
	assert_true(noproxy_match_host(np, "intranet"));
	assert_true(noproxy_match_host(np, "INTRANET"));
	assert_false(noproxy_match_host(np, "intranet.example.jp"));
	assert_false(noproxy_match_host(np, "myintranet"));
	/* .domain: the domain itself and every name below it. */
	assert_true(noproxy_match_host(np, "city.example.jp"));
	assert_true(noproxy_match_host(np, "www.city.example.jp"));
	assert_true(noproxy_match_host(np, "a.b.city.example.jp."));
	assert_false(noproxy_match_host(np, "evilcity.example.jp"));
	assert_false(noproxy_match_host(np, "city.example.jp.evil.com"));
	/* A plain name: that host only. */
	assert_true(noproxy_match_host(np, "exact.example.org"));
	assert_false(noproxy_match_host(np, "www.exact.example.org"));
	assert_false(noproxy_match_host(np, ""));
	assert_false(noproxy_match_host(np, NULL));
	assert_false(noproxy_match_host(NULL, "intranet"));
	noproxy_free(np);
	noproxy_free(NULL);
}

static void
test_networks(void **state)
{
	static const char *const list[] = { "10.0.0.0/8", "192.0.2.7",
	    "fd00::/8", "::1", NULL };
	struct noproxy *np = rules(list);

	(void)state;
	assert_true(addr(np, "10.1.2.3"));
	assert_false(addr(np, "11.0.0.1"));
	assert_true(addr(np, "192.0.2.7"));
	assert_false(addr(np, "192.0.2.8"));
	assert_true(addr(np, "fd12::1"));
	assert_false(addr(np, "fe80::1"));
	assert_true(addr(np, "::1"));
	/* An IPv4 rule is not an IPv6 one. */
	assert_false(addr(np, "::ffff:10.1.2.3"));
	/* Address literals as URL hosts, with and without brackets. */
	assert_true(noproxy_match_host(np, "10.9.9.9"));
	assert_true(noproxy_match_host(np, "[fd00::5]"));
	assert_true(noproxy_match_host(np, "::1"));
	assert_false(noproxy_match_host(np, "[2001:db8::1]"));
	/* Names are not matched against networks without resolving. */
	assert_false(noproxy_match_host(np, "localhost"));
	noproxy_free(np);
}

static void
test_bad_rules(void **state)
{
	static const char *const bad[] = { "", "*", "a..b", ".", "..x",
	    "bad host", "10.1.0.0/8", "10.0.0.0/33", "10.0.0.0/08",
	    "10.0.0.0/", "fd00::/129", "http://x", "x/8", "a_b!", NULL };
	struct noproxy *np = noproxy_new();
	const char *const *b;

	(void)state;
	for (b = bad; *b; b++)
		if (noproxy_add(np, *b) != -1)
			fail_msg("'%s' was accepted", *b);
	assert_int_equal(noproxy_count(np), 0);
	assert_int_equal(noproxy_add(np, NULL), -1);
	noproxy_free(np);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_bad_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
