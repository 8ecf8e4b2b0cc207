/*
 * fetch_proxy.h — where one hop of a fetch goes when [daemon] proxy is set
 * (the request's netguard names the proxy and the no_proxy rules).
 * fetch.c asks before every hop (the first request and each redirect, which
 * it then follows itself); this file decides, and fetch.c applies it.
 *
 *   - a host that matches no_proxy by name goes direct: the netguard checks
 *     the addresses curl connects to, as without a proxy;
 *   - any other host is resolved here (evdns on the daemon's loop).  When
 *     every address it has is in a no_proxy network, it goes direct too.
 *     Otherwise every address must pass the netguard, or the hop is refused
 *     without a byte sent to the proxy; then the hop goes through the proxy
 *     as a CONNECT tunnel to the first address, so that the proxy never
 *     resolves the name again (a second answer could point elsewhere).
 *
 * The proxy itself is reached wherever it is: the administrator chose it.
 * The proxy and the rules are read from the netguard when they are used,
 * so a reload that changes them counts from the next decision on.
 * Internal to the fetcher; not thread-safe, like the rest of the daemon.
 */
#ifndef TSUNAGU_FETCH_PROXY_H
#define TSUNAGU_FETCH_PROXY_H

#include <stdint.h>

#include "fetch.h"

struct event_base;
struct netguard;
struct fetch_proxy;
struct fetch_lookup;

/* How one hop goes; borrowed by the callback. */
struct fetch_hop {
	enum fetch_error	 fh_error;	/* FETCH_OK: go as below */
	char			 fh_errmsg[256];
	int			 fh_via_proxy;
	const char		*fh_proxy;	/* borrowed from the netguard */
	char			 fh_connect_to[80];	/* "::ADDR:PORT" */
	char			 fh_target[64];	/* ADDR, for the log */
};

typedef void (*fetch_hop_cb)(const struct fetch_hop *, void *arg);

/* The resolver of one fetcher, made when its first proxied hop needs it. */
struct fetch_proxy	*fetch_proxy_new(struct event_base *);
/* Lookups still running must have been cancelled.  NULL is a no-op. */
void			 fetch_proxy_free(struct fetch_proxy *);
/*
 * Decides the hop to url within timeout_ms (at least 1), by the proxy and
 * rules of guard (which outlives the lookup).  cb is called exactly once,
 * from the event loop, never from inside this call — unless
 * fetch_lookup_cancel() comes first.
 */
struct fetch_lookup	*fetch_proxy_route(struct fetch_proxy *,
			    const char *url, const struct netguard *,
			    int64_t timeout_ms, fetch_hop_cb, void *arg);
void			 fetch_lookup_cancel(struct fetch_lookup *);

#endif
