/*
 * netguard.c — the allow list and the table of special-purpose networks
 * that outbound requests may not reach.
 *
 * IPv4-mapped (::ffff:0:0/96) and IPv4-compatible (::/96) addresses are
 * refused outright: no public DNS answer carries one, and a mapped address
 * would otherwise smuggle a private IPv4 destination past an IPv6 check.
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are legitimate on
 * IPv6-only networks, so they are judged by the IPv4 address they embed.
 * An allow rule for an IPv4 network also covers that network's mapped,
 * NAT64 and 6to4 forms (allow 127.0.0.0/8 and ::ffff:127.0.0.1 passes).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netguard.h"
#include "noproxy.h"
#include "../feeds/xmalloc.h"

/* Longest "ffff:...:255.255.255.255/128" we accept, with the NUL. */
#define CIDR_MAX	(INET6_ADDRSTRLEN + 5)

struct net {
	int	 net_family;		/* AF_INET or AF_INET6 */
	uint8_t	 net_addr[16];		/* network order; 4 bytes for IPv4 */
	int	 net_prefix;
};

struct netguard {
	struct net	*ng_nets;
	size_t		 ng_len;
	size_t		 ng_cap;
	char		*ng_proxy;	/* NULL: requests go direct */
	struct noproxy	*ng_no_proxy;
};

/* What a deny rule does with an IPv6 address that embeds an IPv4 one. */
enum embed {
	EMBED_NONE,		/* plain rule: the range is refused */
	EMBED_JUDGE,		/* refused only when the IPv4 address is */
};

struct deny_rule {
	uint8_t		 dr_addr[16];
	int		 dr_prefix;
	enum embed	 dr_embed;
	int		 dr_embed_at;	/* byte offset of the IPv4 address */
	const char	*dr_label;
	const char	*dr_text;
};

#define V4(a, b, c, d)	{ (a), (b), (c), (d) }

static const struct deny_rule deny_v4[] = {
	{ V4(0, 0, 0, 0), 8, EMBED_NONE, 0,
	    "the \"this network\" block", "0.0.0.0/8" },
	{ V4(10, 0, 0, 0), 8, EMBED_NONE, 0, "private", "10.0.0.0/8" },
	{ V4(100, 64, 0, 0), 10, EMBED_NONE, 0,
	    "shared address space (CGNAT)", "100.64.0.0/10" },
	{ V4(127, 0, 0, 0), 8, EMBED_NONE, 0, "loopback", "127.0.0.0/8" },
	{ V4(169, 254, 0, 0), 16, EMBED_NONE, 0,
	    "link-local", "169.254.0.0/16" },
	{ V4(172, 16, 0, 0), 12, EMBED_NONE, 0, "private", "172.16.0.0/12" },
	{ V4(192, 0, 0, 0), 24, EMBED_NONE, 0,
	    "IETF protocol assignments", "192.0.0.0/24" },
	{ V4(192, 0, 2, 0), 24, EMBED_NONE, 0,
	    "documentation", "192.0.2.0/24" },
	{ V4(192, 168, 0, 0), 16, EMBED_NONE, 0,
	    "private", "192.168.0.0/16" },
	{ V4(198, 18, 0, 0), 15, EMBED_NONE, 0,
	    "benchmarking", "198.18.0.0/15" },
	{ V4(198, 51, 100, 0), 24, EMBED_NONE, 0,
	    "documentation", "198.51.100.0/24" },
	{ V4(203, 0, 113, 0), 24, EMBED_NONE, 0,
	    "documentation", "203.0.113.0/24" },
	{ V4(224, 0, 0, 0), 4, EMBED_NONE, 0, "multicast", "224.0.0.0/4" },
	{ V4(255, 255, 255, 255), 32, EMBED_NONE, 0,
	    "broadcast", "255.255.255.255/32" },
	{ V4(240, 0, 0, 0), 4, EMBED_NONE, 0, "reserved", "240.0.0.0/4" },
};

/* More specific rules first: ::/128 and ::1/128 sit inside ::/96. */
static const struct deny_rule deny_v6[] = {
	{ { 0 }, 128, EMBED_NONE, 0, "unspecified", "::/128" },
	{ { [15] = 1 }, 128, EMBED_NONE, 0, "loopback", "::1/128" },
	{ { [10] = 0xff, [11] = 0xff }, 96, EMBED_NONE, 0,
	    "IPv4-mapped", "::ffff:0:0/96" },
	{ { 0 }, 96, EMBED_NONE, 0, "IPv4-compatible", "::/96" },
	{ { [1] = 0x64, [2] = 0xff, [3] = 0x9b, [5] = 1 }, 48, EMBED_NONE, 0,
	    "local-use NAT64", "64:ff9b:1::/48" },
	{ { [1] = 0x64, [2] = 0xff, [3] = 0x9b }, 96, EMBED_JUDGE, 12,
	    "NAT64", "64:ff9b::/96" },
	{ { [0] = 0x01 }, 64, EMBED_NONE, 0, "discard-only", "100::/64" },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, EMBED_NONE, 0,
	    "documentation", "2001:db8::/32" },
	{ { 0x20, 0x02 }, 16, EMBED_JUDGE, 2, "6to4", "2002::/16" },
	{ { 0xfc }, 7, EMBED_NONE, 0, "unique local", "fc00::/7" },
	{ { 0xfe, 0x80 }, 10, EMBED_NONE, 0, "link-local", "fe80::/10" },
	{ { 0xfe, 0xc0 }, 10, EMBED_NONE, 0,
	    "site-local (deprecated)", "fec0::/10" },
	{ { 0xff }, 8, EMBED_NONE, 0, "multicast", "ff00::/8" },
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static int
prefix_match(const uint8_t *addr, const uint8_t *net, int prefix)
{
	int whole = prefix / 8, rest = prefix % 8;
	uint8_t mask;

	if (memcmp(addr, net, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (addr[whole] & mask) == (net[whole] & mask);
}

/* Nonzero when no bit after the prefix is set. */
static int
host_bits_clear(const uint8_t *addr, int bits, int prefix)
{
	int i;

	for (i = prefix; i < bits; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

struct netguard *
netguard_new(void)
{
	return xcalloc(1, sizeof(struct netguard));
}

void
netguard_free(struct netguard *ng)
{
	if (ng == NULL)
		return;
	free(ng->ng_nets);
	free(ng->ng_proxy);
	noproxy_free(ng->ng_no_proxy);
	free(ng);
}

void
netguard_set_proxy(struct netguard *ng, const char *url, struct noproxy *np)
{
	free(ng->ng_proxy);
	noproxy_free(ng->ng_no_proxy);
	ng->ng_proxy = url != NULL ? xstrdup(url) : NULL;
	ng->ng_no_proxy = np;
}

const char *
netguard_proxy(const struct netguard *ng)
{
	return ng != NULL ? ng->ng_proxy : NULL;
}

const struct noproxy *
netguard_no_proxy(const struct netguard *ng)
{
	return ng != NULL ? ng->ng_no_proxy : NULL;
}

void
netguard_reset(struct netguard *ng)
{
	ng->ng_len = 0;
}

/* A prefix length: decimal, no sign, no leading zero, at most max. */
static int
parse_prefix(const char *s, int max)
{
	int n = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	return n;
}

int
netguard_allow(struct netguard *ng, const char *cidr)
{
	char text[CIDR_MAX], *slash;
	struct net net;
	size_t len;
	int bits;

	if (cidr == NULL || (len = strlen(cidr)) >= sizeof(text))
		return -1;
	memcpy(text, cidr, len + 1);
	memset(&net, 0, sizeof(net));
	if ((slash = strchr(text, '/')) != NULL)
		*slash++ = '\0';
	/* glibc's inet_pton takes no octal, hex, short forms or zones. */
	net.net_family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(net.net_family, text, net.net_addr) != 1)
		return -1;
	bits = net.net_family == AF_INET ? 32 : 128;
	net.net_prefix = bits;
	if (slash != NULL && (net.net_prefix = parse_prefix(slash, bits)) == -1)
		return -1;
	/* "10.1.0.0/8": a typo for a host or for a network? Refuse to guess. */
	if (!host_bits_clear(net.net_addr, bits, net.net_prefix))
		return -1;
	if (ng->ng_len == ng->ng_cap) {
		ng->ng_cap = ng->ng_cap ? ng->ng_cap * 2 : 4;
		ng->ng_nets = xreallocarray(ng->ng_nets, ng->ng_cap,
		    sizeof(struct net));
	}
	ng->ng_nets[ng->ng_len++] = net;
	return 0;
}

static int
allowed(const struct netguard *ng, int family, const uint8_t *addr)
{
	size_t i;

	if (ng == NULL)
		return 0;
	for (i = 0; i < ng->ng_len; i++) {
		if (ng->ng_nets[i].net_family != family)
			continue;
		if (prefix_match(addr, ng->ng_nets[i].net_addr,
		    ng->ng_nets[i].net_prefix))
			return 1;
	}
	return 0;
}

static const struct deny_rule *
find_rule(const struct deny_rule *rules, size_t n, const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (prefix_match(addr, rules[i].dr_addr, rules[i].dr_prefix))
			return &rules[i];
	return NULL;
}

/*
 * The IPv4 address an IPv6 address stands for, if any: mapped, NAT64 and
 * 6to4 forms.  Used for the allow list only; deny rules say themselves how
 * they treat embedded addresses.
 */
static const uint8_t *
embedded_v4(const uint8_t *a6)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (memcmp(a6, mapped, 12) == 0 || memcmp(a6, nat64, 12) == 0)
		return a6 + 12;
	if (a6[0] == 0x20 && a6[1] == 0x02)
		return a6 + 2;
	return NULL;
}

int
netguard_check(const struct netguard *ng, const struct sockaddr *sa,
    char *why, size_t whylen)
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	const struct deny_rule *rule, *inner;
	const uint8_t *addr, *v4;
	char text[INET6_ADDRSTRLEN], v4text[INET_ADDRSTRLEN];

	if (whylen > 0)
		why[0] = '\0';
	if (sa == NULL) {
		snprintf(why, whylen, "no address");
		return -1;
	}
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		addr = (const uint8_t *)&sin->sin_addr;
		if (allowed(ng, AF_INET, addr))
			return 0;
		rule = find_rule(deny_v4, nitems(deny_v4), addr);
		if (rule == NULL)
			return 0;
		inet_ntop(AF_INET, addr, text, sizeof(text));
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		addr = (const uint8_t *)&sin6->sin6_addr;
		if (allowed(ng, AF_INET6, addr))
			return 0;
		v4 = embedded_v4(addr);
		if (v4 != NULL && allowed(ng, AF_INET, v4))
			return 0;
		rule = find_rule(deny_v6, nitems(deny_v6), addr);
		if (rule == NULL)
			return 0;
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		if (rule->dr_embed == EMBED_NONE)
			break;
		v4 = addr + rule->dr_embed_at;
		inner = find_rule(deny_v4, nitems(deny_v4), v4);
		if (inner == NULL)
			return 0;
		inet_ntop(AF_INET, v4, v4text, sizeof(v4text));
		snprintf(why, whylen, "address %s is %s (%s) embedding %s, "
		    "which is %s (%s), and not in allow_networks", text,
		    rule->dr_label, rule->dr_text, v4text, inner->dr_label,
		    inner->dr_text);
		return -1;
	default:
		snprintf(why, whylen, "address family %d is not allowed",
		    sa->sa_family);
		return -1;
	}
	snprintf(why, whylen, "address %s is %s (%s) and not in allow_networks",
	    text, rule->dr_label, rule->dr_text);
	return -1;
}
