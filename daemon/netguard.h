/*
 * netguard.h — which addresses outbound requests may reach.
 *
 * Loopback, private (RFC 1918), CGNAT, link-local, ULA, multicast,
 * unspecified and IPv4-mapped/compatible addresses are refused unless they
 * fall inside a network of the allow list (config "allow_networks").
 * Checked at socket-open time, so redirects and DNS answers are covered.
 */
#ifndef TSUNAGU_NETGUARD_H
#define TSUNAGU_NETGUARD_H

#include <stddef.h>
#include <sys/socket.h>

struct netguard;

struct netguard	*netguard_new(void);
void		 netguard_free(struct netguard *);
/* Adds "10.0.0.0/8", "::1/128" or a bare address; -1 on bad syntax. */
int		 netguard_allow(struct netguard *, const char *cidr);
/* 0 when the address may be reached; -1 with a reason in why. */
int		 netguard_check(const struct netguard *, const struct sockaddr *,
		    char *why, size_t whylen);

#endif
