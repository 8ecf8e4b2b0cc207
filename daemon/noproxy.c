/* noproxy.c — no_proxy rules: names, domains, addresses and networks. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../feeds/xmalloc.h"
#include "noproxy.h"

#define NAME_MAX_LEN	253
#define LABEL_MAX_LEN	63

struct np_name {
	char	*nn_name;	/* lowercase, no trailing dot */
	int	 nn_domain;	/* ".example.jp": the name and below */
};

struct np_net {
	int	 nt_family;
	uint8_t	 nt_addr[16];
	int	 nt_prefix;
};

struct noproxy {
	struct np_name	*np_names;
	size_t		 np_nnames;
	struct np_net	*np_nets;
	size_t		 np_nnets;
};

struct noproxy *
noproxy_new(void)
{
	return xcalloc(1, sizeof(struct noproxy));
}

void
noproxy_free(struct noproxy *np)
{
	size_t i;

	if (np == NULL)
		return;
	for (i = 0; i < np->np_nnames; i++)
		free(np->np_names[i].nn_name);
	free(np->np_names);
	free(np->np_nets);
	free(np);
}

size_t
noproxy_count(const struct noproxy *np)
{
	return np->np_nnames + np->np_nnets;
}

/* "192.0.2.0/24", "fd00::/8" or a bare address; -1 if it is neither. */
static int
parse_net(const char *s, struct np_net *net)
{
	char text[INET6_ADDRSTRLEN + 8], *slash, *end;
	size_t len = strlen(s);
	long prefix;
	int bits, i;

	if (len >= sizeof(text))
		return -1;
	memcpy(text, s, len + 1);
	memset(net, 0, sizeof(*net));
	if ((slash = strchr(text, '/')) != NULL)
		*slash++ = '\0';
	net->nt_family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(net->nt_family, text, net->nt_addr) != 1)
		return -1;
	bits = net->nt_family == AF_INET ? 32 : 128;
	net->nt_prefix = bits;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9' ||
		    (slash[0] == '0' && slash[1] != '\0'))
			return -1;
		prefix = strtol(slash, &end, 10);
		if (*end != '\0' || prefix > bits)
			return -1;
		net->nt_prefix = (int)prefix;
	}
	/* No bits after the prefix: "10.1.0.0/8" is a typo, not a network. */
	for (i = net->nt_prefix; i < bits; i++)
		if (net->nt_addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

/* Letters, digits, '-' and '_' in dot-separated labels. */
static int
name_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > NAME_MAX_LEN)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' ||
		    *s == '_') {
			if (++label > LABEL_MAX_LEN)
				return 0;
		} else
			return 0;
	}
	return label > 0;
}

int
noproxy_add(struct noproxy *np, const char *rule)
{
	struct np_net net;
	struct np_name nn;
	char *p;
	size_t len;

	if (rule == NULL || *rule == '\0')
		return -1;
	if (parse_net(rule, &net) == 0) {
		np->np_nets = xreallocarray(np->np_nets, np->np_nnets + 1,
		    sizeof(*np->np_nets));
		np->np_nets[np->np_nnets++] = net;
		return 0;
	}
	nn.nn_domain = rule[0] == '.';
	nn.nn_name = xstrdup(rule + nn.nn_domain);
	len = strlen(nn.nn_name);
	if (len > 0 && nn.nn_name[len - 1] == '.')
		nn.nn_name[len - 1] = '\0';
	if (!name_ok(nn.nn_name)) {
		free(nn.nn_name);
		return -1;
	}
	for (p = nn.nn_name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	np->np_names = xreallocarray(np->np_names, np->np_nnames + 1,
	    sizeof(*np->np_names));
	np->np_names[np->np_nnames++] = nn;
	return 0;
}

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

static int
match_raw(const struct noproxy *np, int family, const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < np->np_nnets; i++)
		if (np->np_nets[i].nt_family == family &&
		    prefix_match(addr, np->np_nets[i].nt_addr,
		    np->np_nets[i].nt_prefix))
			return 1;
	return 0;
}

int
noproxy_match_addr(const struct noproxy *np, const struct sockaddr *sa)
{
	if (np == NULL || sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return match_raw(np, AF_INET, (const uint8_t *)
		    &((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return match_raw(np, AF_INET6, (const uint8_t *)
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

int
noproxy_match_host(const struct noproxy *np, const char *host)
{
	char name[NAME_MAX_LEN + 2];
	uint8_t raw[16];
	size_t len, nlen, i;
	const struct np_name *nn;

	if (np == NULL || host == NULL)
		return 0;
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		host++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(name))
		return 0;
	memcpy(name, host, len);
	name[len] = '\0';
	if (inet_pton(AF_INET, name, raw) == 1)
		return match_raw(np, AF_INET, raw);
	if (inet_pton(AF_INET6, name, raw) == 1)
		return match_raw(np, AF_INET6, raw);
	if (name[len - 1] == '.')
		name[--len] = '\0';
	for (i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	for (i = 0; i < np->np_nnames; i++) {
		nn = &np->np_names[i];
		nlen = strlen(nn->nn_name);
		if (len == nlen && memcmp(name, nn->nn_name, len) == 0)
			return 1;
		if (nn->nn_domain && len > nlen + 1 &&
		    name[len - nlen - 1] == '.' &&
		    memcmp(name + len - nlen, nn->nn_name, nlen) == 0)
			return 1;
	}
	return 0;
}
