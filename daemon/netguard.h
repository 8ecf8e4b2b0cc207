/*
 * netguard.h — which addresses outbound requests may reach.
 *
 * Loopback, private (RFC 1918), CGNAT, link-local, ULA, multicast,
 * unspecified and IPv4-mapped/compatible addresses are refused unless they
 * fall inside a network of the allow list (config "allow_networks").
 * Checked at socket-open time, so redirects and DNS answers are covered.
 *
 * IPv4-mapped and IPv4-compatible IPv6 addresses are refused outright;
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are judged by the
 * IPv4 address they embed.  An IPv4 allow rule also covers the mapped,
 * NAT64 and 6to4 forms of its addresses.
 *
 * The outbound proxy ([daemon] proxy and no_proxy) travels with the rules:
 * every fetcher borrows the daemon's netguard for each request, so every
 * one of them (sources, webhooks, WebSub) goes through the proxy that the
 * rules name, and a reload changes both in place (fetch_proxy.h).
 */
#ifndef TSUNAGU_NETGUARD_H
#define TSUNAGU_NETGUARD_H

#include <stddef.h>
#include <sys/socket.h>

struct netguard;
struct noproxy;

struct netguard	*netguard_new(void);
void		 netguard_free(struct netguard *);
/* Empties the allow list in place (a reload refills it: fetches borrow it). */
void		 netguard_reset(struct netguard *);
/*
 * Adds "10.0.0.0/8", "::1/128" or a bare address (/32, /128); -1 on bad
 * syntax: no spaces, leading zeros, short forms or zones, and no bits set
 * after the prefix ("10.1.0.0/8" is refused rather than guessed at).
 */
int		 netguard_allow(struct netguard *, const char *cidr);
/*
 * 0 when the address may be reached; -1 with a reason in why, e.g.
 * "address 10.1.2.3 is private (10.0.0.0/8) and not in allow_networks".
 * A NULL netguard is an empty allow list.
 */
int		 netguard_check(const struct netguard *, const struct sockaddr *,
		    char *why, size_t whylen);
/*
 * The proxy URL (copied; NULL: none) and the no_proxy rules (taken: freed
 * with the netguard or by the next call; NULL: none).
 */
void		 netguard_set_proxy(struct netguard *, const char *url,
		    struct noproxy *);
/* Borrowed until the next netguard_set_proxy(); NULL for none. */
const char	*netguard_proxy(const struct netguard *);
const struct noproxy *netguard_no_proxy(const struct netguard *);

#endif
