/* test_netguard.c — deny ranges at their edges, allow rules, CIDR syntax. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netguard.h"

struct verdict {
	const char	*addr;
	const char	*rule;		/* NULL: reachable */
};

/* Parses a literal into a sockaddr and asks the guard. */
static int
check(const struct netguard *ng, const char *addr, char *why, size_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		sin6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr),
		    1);
	} else {
		sin->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	}
	return netguard_check(ng, (struct sockaddr *)&ss, why, len);
}

/* The address as inet_ntop writes it, which is how reasons name it. */
static void
canonical(const char *addr, char *out, size_t len)
{
	unsigned char a[16];
	int af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(af, addr, a), 1);
	assert_non_null(inet_ntop(af, a, out, len));
}

static void
expect_verdicts(const struct netguard *ng, const struct verdict *v, size_t n)
{
	char why[256], rule[64], name[INET6_ADDRSTRLEN];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = check(ng, v[i].addr, why, sizeof(why));
		if (v[i].rule == NULL) {
			if (rc != 0)
				fail_msg("%s refused: %s", v[i].addr, why);
			continue;
		}
		if (rc != -1)
			fail_msg("%s not refused (want %s)", v[i].addr,
			    v[i].rule);
		snprintf(rule, sizeof(rule), "(%s)", v[i].rule);
		canonical(v[i].addr, name, sizeof(name));
		if (strstr(why, rule) == NULL || strstr(why, name) == NULL)
			fail_msg("%s: reason '%s' lacks %s", v[i].addr, why,
			    rule);
	}
}

static void
test_deny_v4_edges(void **state)
{
	static const struct verdict v[] = {
		{ "0.0.0.0", "0.0.0.0/8" },
		{ "0.255.255.255", "0.0.0.0/8" },
		{ "1.0.0.0", NULL },
		{ "9.255.255.255", NULL },
		{ "10.0.0.0", "10.0.0.0/8" },
		{ "10.255.255.255", "10.0.0.0/8" },
		{ "11.0.0.0", NULL },
		{ "100.63.255.255", NULL },
		{ "100.64.0.0", "100.64.0.0/10" },
		{ "100.127.255.255", "100.64.0.0/10" },
		{ "100.128.0.0", NULL },
		{ "126.255.255.255", NULL },
		{ "127.0.0.0", "127.0.0.0/8" },
		{ "127.0.0.1", "127.0.0.0/8" },
		{ "127.255.255.255", "127.0.0.0/8" },
		{ "128.0.0.0", NULL },
		{ "169.253.255.255", NULL },
		{ "169.254.0.0", "169.254.0.0/16" },
		{ "169.254.169.254", "169.254.0.0/16" },
		{ "169.254.255.255", "169.254.0.0/16" },
		{ "169.255.0.0", NULL },
		{ "172.15.255.255", NULL },
		{ "172.16.0.0", "172.16.0.0/12" },
		{ "172.31.255.255", "172.16.0.0/12" },
		{ "172.32.0.0", NULL },
		{ "191.255.255.255", NULL },
		{ "192.0.0.0", "192.0.0.0/24" },
		{ "192.0.0.255", "192.0.0.0/24" },
		{ "192.0.1.0", NULL },
		{ "192.0.2.1", "192.0.2.0/24" },
		{ "192.0.3.0", NULL },
		{ "192.167.255.255", NULL },
		{ "192.168.0.0", "192.168.0.0/16" },
		{ "192.168.255.255", "192.168.0.0/16" },
		{ "192.169.0.0", NULL },
		{ "198.17.255.255", NULL },
		{ "198.18.0.0", "198.18.0.0/15" },
		{ "198.19.255.255", "198.18.0.0/15" },
		{ "198.20.0.0", NULL },
		{ "198.51.100.7", "198.51.100.0/24" },
		{ "203.0.113.9", "203.0.113.0/24" },
		{ "223.255.255.255", NULL },
		{ "224.0.0.0", "224.0.0.0/4" },
		{ "239.255.255.255", "224.0.0.0/4" },
		{ "240.0.0.0", "240.0.0.0/4" },
		{ "255.255.255.254", "240.0.0.0/4" },
		{ "255.255.255.255", "255.255.255.255/32" },
		{ "8.8.8.8", NULL },
		{ "93.184.216.34", NULL },
	};

	expect_verdicts(NULL, v, sizeof(v) / sizeof(v[0]));
}

static void
test_deny_v6_edges(void **state)
{
	static const struct verdict v[] = {
		{ "::", "::/128" },
		{ "::1", "::1/128" },
		{ "::2", "::/96" },
		{ "::7f00:1", "::/96" },
		{ "::ffff:ffff", "::/96" },
		{ "::1:0:0", NULL },
		{ "::ffff:0.0.0.0", "::ffff:0:0/96" },
		{ "::ffff:127.0.0.1", "::ffff:0:0/96" },
		{ "::ffff:8.8.8.8", "::ffff:0:0/96" },
		{ "::fffe:808:808", NULL },
		{ "64:ff9b::808:808", NULL },
		{ "64:ff9b::a00:1", "64:ff9b::/96" },
		{ "64:ff9b::7f00:1", "64:ff9b::/96" },
		{ "64:ff9b:1::1", "64:ff9b:1::/48" },
		{ "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:1::/48" },
		{ "64:ff9b:2::1", NULL },
		{ "100::", "100::/64" },
		{ "100::ffff:ffff:ffff:ffff", "100::/64" },
		{ "100:0:0:1::", NULL },
		{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", NULL },
		{ "2001:db8::", "2001:db8::/32" },
		{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32" },
		{ "2001:db9::", NULL },
		{ "2002:808:808::1", NULL },
		{ "2002:a00:1::1", "2002::/16" },
		{ "2002:c0a8:101::", "2002::/16" },
		{ "2002:7f00:1::", "2002::/16" },
		{ "2003::1", NULL },
		{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL },
		{ "fc00::", "fc00::/7" },
		{ "fd00::2", "fc00::/7" },
		{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fc00::/7" },
		{ "fe00::", NULL },
		{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL },
		{ "fe80::", "fe80::/10" },
		{ "fe80::1", "fe80::/10" },
		{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::/10" },
		{ "fec0::1", "fec0::/10" },
		{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::/10" },
		{ "ff00::", "ff00::/8" },
		{ "ff02::1", "ff00::/8" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff00::/8" },
		{ "2606:4700:4700::1111", NULL },
		{ "2400:cb00::1", NULL },
	};

	expect_verdicts(NULL, v, sizeof(v) / sizeof(v[0]));
}

static void
test_reason_text(void **state)
{
	char why[256];

	assert_int_equal(check(NULL, "10.1.2.3", why, sizeof(why)), -1);
	assert_string_equal(why, "address 10.1.2.3 is private (10.0.0.0/8) "
	    "and not in allow_networks");
	assert_int_equal(check(NULL, "::1", why, sizeof(why)), -1);
	assert_string_equal(why, "address ::1 is loopback (::1/128) "
	    "and not in allow_networks");
	assert_int_equal(check(NULL, "2002:a01:203::", why, sizeof(why)), -1);
	assert_string_equal(why, "address 2002:a01:203:: is 6to4 (2002::/16) "
	    "embedding 10.1.2.3, which is private (10.0.0.0/8), and not in "
	    "allow_networks");
	/* A reachable address leaves an empty reason. */
	strcpy(why, "stale");
	assert_int_equal(check(NULL, "8.8.8.8", why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* A short buffer is truncated, still terminated; none at all is ok. */
	assert_int_equal(check(NULL, "10.1.2.3", why, 8), -1);
	assert_string_equal(why, "address");
	assert_int_equal(check(NULL, "10.1.2.3", NULL, 0), -1);
}

static void
test_other_family(void **state)
{
	struct sockaddr_un sun;
	char why[128];

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_int_equal(netguard_check(NULL, (struct sockaddr *)&sun, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "family"));
	assert_int_equal(netguard_check(NULL, NULL, why, sizeof(why)), -1);
}

static void
test_allow_overrides(void **state)
{
	static const struct verdict v[] = {
		{ "127.0.0.1", NULL },
		{ "127.255.255.255", NULL },
		{ "::ffff:127.0.0.1", NULL },	/* the mapped form too */
		{ "64:ff9b::7f00:1", NULL },
		{ "2002:7f00:1::", NULL },
		{ "::ffff:127.0.0.1", NULL },
		{ "::7f00:1", "::/96" },	/* compatible: not covered */
		{ "::ffff:10.0.0.1", "::ffff:0:0/96" },
		{ "::1", "::1/128" },
		{ "10.0.0.1", "10.0.0.0/8" },
		{ "192.168.1.1", "192.168.0.0/16" },
		{ "192.168.2.1", NULL },
		{ "192.168.2.255", NULL },
		{ "192.168.3.0", "192.168.0.0/16" },
		{ "fd00::2", NULL },
		{ "fd01::2", "fc00::/7" },
		{ "fe80::1", "fe80::/10" },
		{ "8.8.8.8", NULL },
	};
	struct netguard *ng = netguard_new();

	assert_int_equal(netguard_allow(ng, "127.0.0.0/8"), 0);
	assert_int_equal(netguard_allow(ng, "192.168.2.0/24"), 0);
	assert_int_equal(netguard_allow(ng, "fd00::/16"), 0);
	expect_verdicts(ng, v, sizeof(v) / sizeof(v[0]));
	assert_int_equal(netguard_allow(ng, "::1"), 0);
	assert_int_equal(check(ng, "::1", NULL, 0), 0);
	assert_int_equal(check(ng, "::2", NULL, 0), -1);
	netguard_free(ng);
}

static void
test_allow_hosts_and_everything(void **state)
{
	struct netguard *ng = netguard_new();
	int i;

	/* Many rules: the list grows. */
	for (i = 0; i < 20; i++) {
		char cidr[32];

		snprintf(cidr, sizeof(cidr), "10.0.%d.1", i);
		assert_int_equal(netguard_allow(ng, cidr), 0);
	}
	assert_int_equal(check(ng, "10.0.19.1", NULL, 0), 0);
	assert_int_equal(check(ng, "10.0.19.2", NULL, 0), -1);
	assert_int_equal(check(ng, "10.0.20.1", NULL, 0), -1);
	/* /0 opens a whole family, and only that family. */
	assert_int_equal(netguard_allow(ng, "0.0.0.0/0"), 0);
	assert_int_equal(check(ng, "172.16.0.1", NULL, 0), 0);
	assert_int_equal(check(ng, "255.255.255.255", NULL, 0), 0);
	assert_int_equal(check(ng, "fe80::1", NULL, 0), -1);
	assert_int_equal(netguard_allow(ng, "::/0"), 0);
	assert_int_equal(check(ng, "fe80::1", NULL, 0), 0);
	netguard_free(ng);
	netguard_free(NULL);
}

static void
test_cidr_syntax(void **state)
{
	static const char *const good[] = {
		"10.0.0.0/8", "127.0.0.1", "127.0.0.1/32", "0.0.0.0/0",
		"192.168.1.0/24", "100.64.0.0/10", "::1", "::1/128", "::/0",
		"fe80::/10", "fc00::/7", "::ffff:127.0.0.1",
		"::ffff:127.0.0.0/104", "2001:db8::/32",
	};
	static const char *const bad[] = {
		"", "/", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/100",
		"10.0.0.0/1000", "::/129", "010.0.0.0/8", "10.0.0.01",
		"10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8x",
		"10.0.0.0/8/8", "10.0.0", "10.1", "0x0a.0.0.0/8", "10.0.0.0 /8",
		" 10.0.0.0/8", "10.0.0.0/8 ", "10.0.0.0,8", "junk", "localhost",
		"10.1.0.0/8", "127.0.0.1/8", "fe80::1/10", "fe80::1%lo",
		"1:2:3:4:5:6:7:8:9", "::1/", "::1/0128", "256.0.0.0/8",
		"10.0.0.0/8\n",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128xxxxxxxxxxxx",
	};
	struct netguard *ng = netguard_new();
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (netguard_allow(ng, good[i]) != 0)
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (netguard_allow(ng, bad[i]) != -1)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(netguard_allow(ng, NULL), -1);
	netguard_free(ng);
}

/* A rejected rule leaves the list as it was. */
static void
test_bad_rule_adds_nothing(void **state)
{
	struct netguard *ng = netguard_new();

	assert_int_equal(netguard_allow(ng, "127.0.0.0/33"), -1);
	assert_int_equal(check(ng, "127.0.0.1", NULL, 0), -1);
	netguard_free(ng);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deny_v4_edges),
		cmocka_unit_test(test_deny_v6_edges),
		cmocka_unit_test(test_reason_text),
		cmocka_unit_test(test_other_family),
		cmocka_unit_test(test_allow_overrides),
		cmocka_unit_test(test_allow_hosts_and_everything),
		cmocka_unit_test(test_cidr_syntax),
		cmocka_unit_test(test_bad_rule_adds_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
