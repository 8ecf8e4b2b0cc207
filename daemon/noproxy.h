/*
 * noproxy.h — the [daemon] no_proxy list: which destinations outbound
 * requests reach directly rather than through the configured proxy.
 *
 * A rule is one of
 *   host.example.jp      that host only (case-insensitive)
 *   .example.jp          example.jp and every name under it
 *   192.0.2.7, ::1       that address (a URL with the address as its host,
 *                        or a name that resolves only to listed addresses)
 *   10.0.0.0/8, fd00::/8 every address in that network, the same way
 *
 * Matching no_proxy only says how to get there: the netguard still decides
 * whether the destination may be reached at all.
 */
#ifndef TSUNAGU_NOPROXY_H
#define TSUNAGU_NOPROXY_H

#include <stddef.h>
#include <sys/socket.h>

struct noproxy;

struct noproxy	*noproxy_new(void);
void		 noproxy_free(struct noproxy *);	/* NULL is a no-op */
/* Adds one rule (above); -1 on bad syntax, nothing added. */
int		 noproxy_add(struct noproxy *, const char *rule);
size_t		 noproxy_count(const struct noproxy *);
/*
 * 1 when a URL's host matches a name or domain rule, or is an address
 * literal ("192.0.2.7", "[::1]" or "::1") in a network rule; else 0.
 */
int		 noproxy_match_host(const struct noproxy *, const char *host);
/* 1 when the address falls in a network (or address) rule. */
int		 noproxy_match_addr(const struct noproxy *,
		    const struct sockaddr *);

#endif
