/*
 * fetch_proxy.c — the route of each hop when an outbound proxy is set:
 * no_proxy rules, our own resolution of the destination (evdns on the
 * daemon's loop) and the netguard's verdict on every address, before the
 * proxy sees anything.
 *
 * evdns may answer at once (an address literal, /etc/hosts): every answer
 * is handed to the caller through lk_deliver, an event made active, so that
 * the caller is never called back from inside fetch_proxy_route().
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "../feeds/xmalloc.h"
#include "fetch_proxy.h"
#include "log.h"
#include "netguard.h"
#include "noproxy.h"

/* evdns's own patience, below the fetch's connect timeout. */
#define DNS_TIMEOUT	"5"
#define DNS_ATTEMPTS	"2"

struct fetch_lookup {
	const struct netguard		*lk_guard;
	char				*lk_url;
	char				*lk_host;	/* no brackets */
	char				*lk_port;
	struct evdns_getaddrinfo_request *lk_req;	/* while resolving */
	struct event			*lk_timer;
	struct event			*lk_deliver;
	struct fetch_hop		 lk_hop;
	fetch_hop_cb			 lk_cb;
	void				*lk_arg;
	int				 lk_resolving;
	int				 lk_timed_out;
	int				 lk_orphan;	/* cancelled, resolving */
	LIST_ENTRY(fetch_lookup)	 lk_entry;
};

struct fetch_proxy {
	struct event_base		*fp_base;
	struct evdns_base		*fp_dns;	/* at first use */
	LIST_HEAD(, fetch_lookup)	 fp_lookups;
};

struct fetch_proxy *
fetch_proxy_new(struct event_base *base)
{
	struct fetch_proxy *fp = xcalloc(1, sizeof(*fp));

	fp->fp_base = base;
	LIST_INIT(&fp->fp_lookups);
	return fp;
}

static void
lookup_free(struct fetch_lookup *lk)
{
	LIST_REMOVE(lk, lk_entry);
	if (lk->lk_timer != NULL)
		event_free(lk->lk_timer);
	if (lk->lk_deliver != NULL)
		event_free(lk->lk_deliver);
	free(lk->lk_url);
	free(lk->lk_host);
	free(lk->lk_port);
	free(lk);
}

void
fetch_proxy_free(struct fetch_proxy *fp)
{
	struct fetch_lookup *lk;

	if (fp == NULL)
		return;
	/*
	 * Lookups are cancelled by their owners first; one still resolving
	 * is answered only from the loop, which is not going to run again
	 * for it: its request goes with the resolver.
	 */
	while ((lk = LIST_FIRST(&fp->fp_lookups)) != NULL) {
		if (lk->lk_resolving && lk->lk_req != NULL && !lk->lk_orphan)
			evdns_getaddrinfo_cancel(lk->lk_req);
		lookup_free(lk);
	}
	if (fp->fp_dns != NULL)
		evdns_base_free(fp->fp_dns, 0);
	free(fp);
}

/* "http://HOST:PORT" of the URL, without what is before the host. */
static char *
display_url(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *out = NULL;

	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &host, 0) ==
	    CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
		xasprintf(&out, "http://%s:%s", host, port ? port : "80");
	} else
		out = xstrdup("(the proxy)");
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* --- the answer ----------------------------------------------------- */

static void
lookup_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct fetch_lookup *lk = arg;
	struct fetch_hop hop = lk->lk_hop;
	fetch_hop_cb cb = lk->lk_cb;
	void *cbarg = lk->lk_arg;
	char *shown;

	(void)fd;
	(void)what;

	/* The proxy can change under a reload: the current one. */
	if (hop.fh_via_proxy)
		hop.fh_proxy = netguard_proxy(lk->lk_guard);
	if (hop.fh_error == FETCH_OK && hop.fh_via_proxy && hop.fh_proxy ==
	    NULL)
		hop.fh_via_proxy = 0;
	if (hop.fh_error == FETCH_OK && hop.fh_via_proxy &&
	    log_enabled(LOG_LEVEL_DEBUG)) {
		shown = display_url(hop.fh_proxy);
		log_debug("fetch: %s: through %s, tunnel to %s", lk->lk_url,
		    shown, hop.fh_target);
		free(shown);
	} else if (hop.fh_error == FETCH_OK)
		log_debug("fetch: %s: direct", lk->lk_url);
	lookup_free(lk);
	cb(&hop, cbarg);
}

static void
lookup_finish(struct fetch_lookup *lk, enum fetch_error err,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
lookup_finish(struct fetch_lookup *lk, enum fetch_error err,
    const char *fmt, ...)
{
	va_list ap;

	lk->lk_hop.fh_error = err;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(lk->lk_hop.fh_errmsg, sizeof(lk->lk_hop.fh_errmsg),
		    fmt, ap);
		va_end(ap);
	}
	event_active(lk->lk_deliver, EV_TIMEOUT, 0);
}

static void
lookup_go(struct fetch_lookup *lk, int via_proxy)
{
	lk->lk_hop.fh_via_proxy = via_proxy;
	lookup_finish(lk, FETCH_OK, NULL);
}

/* Every address must pass; then the tunnel goes to the first one. */
static void
lookup_judge(struct fetch_lookup *lk, struct evutil_addrinfo *res)
{
	const struct noproxy *np = netguard_no_proxy(lk->lk_guard);
	struct evutil_addrinfo *ai;
	char why[256], text[INET6_ADDRSTRLEN];
	const void *raw;
	int all_direct = 1, n = 0;

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		n++;
		if (!noproxy_match_addr(np, ai->ai_addr))
			all_direct = 0;
	}
	if (n == 0) {
		lookup_finish(lk, FETCH_ERR_DNS, "%s has no address",
		    lk->lk_host);
		return;
	}
	if (all_direct) {
		lookup_go(lk, 0);
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (netguard_check(lk->lk_guard, ai->ai_addr, why,
		    sizeof(why)) == -1) {
			lookup_finish(lk, FETCH_ERR_REFUSED, "%s (%s)", why,
			    lk->lk_host);
			return;
		}
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			break;
	raw = ai->ai_family == AF_INET ?
	    (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
	    (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
	inet_ntop(ai->ai_family, raw, text, sizeof(text));
	snprintf(lk->lk_hop.fh_target, sizeof(lk->lk_hop.fh_target), "%s",
	    text);
	/* Any host, any port: this handle makes this one request. */
	snprintf(lk->lk_hop.fh_connect_to, sizeof(lk->lk_hop.fh_connect_to),
	    "::%s%s%s:%s", ai->ai_family == AF_INET6 ? "[" : "", text,
	    ai->ai_family == AF_INET6 ? "]" : "", lk->lk_port);
	lookup_go(lk, 1);
}

static void
lookup_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
	struct fetch_lookup *lk = arg;

	lk->lk_resolving = 0;
	lk->lk_req = NULL;
	if (lk->lk_orphan) {
		if (res != NULL)
			evutil_freeaddrinfo(res);
		lookup_free(lk);
		return;
	}
	evtimer_del(lk->lk_timer);
	if (lk->lk_timed_out)
		lookup_finish(lk, FETCH_ERR_TIMEOUT, "resolving %s timed out",
		    lk->lk_host);
	else if (result != 0)
		lookup_finish(lk, FETCH_ERR_DNS, "cannot resolve %s: %s",
		    lk->lk_host, evutil_gai_strerror(result));
	else
		lookup_judge(lk, res);
	if (res != NULL)
		evutil_freeaddrinfo(res);
}

static void
lookup_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fetch_lookup *lk = arg;

	(void)fd;
	(void)what;
	if (!lk->lk_resolving || lk->lk_req == NULL)
		return;
	/* Answered (with EVUTIL_EAI_CANCEL) from the loop. */
	lk->lk_timed_out = 1;
	evdns_getaddrinfo_cancel(lk->lk_req);
}

static int
dns_ready(struct fetch_proxy *fp)
{
	if (fp->fp_dns != NULL)
		return 0;
	fp->fp_dns = evdns_base_new(fp->fp_base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (fp->fp_dns == NULL)
		return -1;
	evdns_base_set_option(fp->fp_dns, "timeout:", DNS_TIMEOUT);
	evdns_base_set_option(fp->fp_dns, "attempts:", DNS_ATTEMPTS);
	return 0;
}

/* Scheme, host and port of url; -1 with the reason in lk's hop. */
static int
lookup_parse(struct fetch_lookup *lk)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *zone = NULL;
	size_t len;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, lk->lk_url, 0) != CURLUE_OK) {
		lookup_finish(lk, FETCH_ERR_URL, "not a URL: %.200s",
		    lk->lk_url);
		goto done;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	curl_url_get(u, CURLUPART_ZONEID, &zone, 0);
	if (scheme == NULL || (strcmp(scheme, "http") != 0 &&
	    strcmp(scheme, "https") != 0))
		lookup_finish(lk, FETCH_ERR_URL, "only http and https URLs "
		    "are fetched: %.200s", lk->lk_url);
	else if (host == NULL || *host == '\0' || port == NULL ||
	    zone != NULL)
		lookup_finish(lk, FETCH_ERR_URL, "no usable host in %.200s",
		    lk->lk_url);
	else {
		len = strlen(host);
		if (host[0] == '[' && len > 2)
			lk->lk_host = xstrndup(host + 1, len - 2);
		else
			lk->lk_host = xstrdup(host);
		lk->lk_port = xstrdup(port);
		rc = 0;
	}
 done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(zone);
	curl_url_cleanup(u);
	return rc;
}

struct fetch_lookup *
fetch_proxy_route(struct fetch_proxy *fp, const char *url,
    const struct netguard *guard, int64_t timeout_ms, fetch_hop_cb cb,
    void *arg)
{
	struct fetch_lookup *lk = xcalloc(1, sizeof(*lk));
	struct evdns_getaddrinfo_request *req;
	struct evutil_addrinfo hints;
	struct timeval tv;

	lk->lk_guard = guard;
	lk->lk_url = xstrdup(url);
	lk->lk_cb = cb;
	lk->lk_arg = arg;
	LIST_INSERT_HEAD(&fp->fp_lookups, lk, lk_entry);
	if ((lk->lk_timer = evtimer_new(fp->fp_base, lookup_timeout,
	    lk)) == NULL || (lk->lk_deliver = event_new(fp->fp_base, -1, 0,
	    lookup_deliver, lk)) == NULL)
		fatalx("%s: cannot make events", __func__);
	if (lookup_parse(lk) == -1)
		return lk;
	if (netguard_proxy(guard) == NULL ||
	    noproxy_match_host(netguard_no_proxy(guard), lk->lk_host)) {
		lookup_go(lk, 0);
		return lk;
	}
	if (dns_ready(fp) == -1) {
		lookup_finish(lk, FETCH_ERR_DNS, "cannot start the resolver");
		return lk;
	}
	if (timeout_ms < 1)
		timeout_ms = 1;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(lk->lk_timer, &tv);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	lk->lk_resolving = 1;
	req = evdns_getaddrinfo(fp->fp_dns, lk->lk_host, lk->lk_port, &hints,
	    lookup_resolved, lk);
	/* NULL: answered already, and lk_resolving was cleared. */
	if (lk->lk_resolving)
		lk->lk_req = req;
	return lk;
}

void
fetch_lookup_cancel(struct fetch_lookup *lk)
{
	if (lk == NULL)
		return;
	if (lk->lk_resolving && lk->lk_req != NULL) {
		/* evdns answers the cancellation from the loop: free then. */
		lk->lk_orphan = 1;
		evtimer_del(lk->lk_timer);
		evdns_getaddrinfo_cancel(lk->lk_req);
		return;
	}
	lookup_free(lk);
}
