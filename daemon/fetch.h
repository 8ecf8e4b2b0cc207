/*
 * fetch.h — HTTP(S) GETs on the daemon's event loop (libcurl multi driven
 * by libevent, the hiperfifo pattern).
 *
 * fetch_start() copies what it needs from the request; the callback gets a
 * result it borrows for the duration of the call (copy what you keep).
 * The decoded body is capped at max_body bytes: a larger body ends the
 * transfer with FETCH_ERR_TOO_LARGE.  Outbound addresses are checked by
 * the netguard at socket-open time, for the first hop and every redirect,
 * and again before each request on a reused connection.  Proxies from the
 * environment (http_proxy, no_proxy ...) are ignored, so the netguard
 * always sees the origin.  When fq_guard names an outbound proxy
 * (netguard_set_proxy(): [daemon] proxy), the destination of every hop is
 * resolved and checked before the proxy is asked to tunnel to it
 * (fetch_proxy.h), and redirects are followed hop by hop, each checked the
 * same way.
 *
 * Callbacks run from the event loop, never from inside fetch_start().  A
 * callback may call fetch_start() but must not call fetcher_free() (that
 * is a fatal error).  fetcher_new() calls fetch_global_init() when it has
 * not been called yet.
 */
#ifndef TSUNAGU_FETCH_H
#define TSUNAGU_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "../feeds/buf.h"

struct event_base;
struct netguard;
struct fetcher;

enum fetch_error {
	FETCH_OK = 0,		/* a response arrived: see fr_status */
	FETCH_ERR_URL,		/* bad URL or scheme other than http/https */
	FETCH_ERR_DNS,
	FETCH_ERR_CONNECT,
	FETCH_ERR_REFUSED,	/* address refused by the netguard */
	FETCH_ERR_TIMEOUT,
	FETCH_ERR_TOO_LARGE,
	FETCH_ERR_REDIRECTS,	/* too many redirects */
	FETCH_ERR_TLS,
	FETCH_ERR_TRANSFER,	/* truncated, protocol error, ... */
	FETCH_ERR_ABORTED,	/* fetcher freed while in flight */
};

#define FETCH_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define FETCH_DEFAULT_TIMEOUT_MS		60000
#define FETCH_DEFAULT_MAX_BODY			(16 * 1024 * 1024)
#define FETCH_DEFAULT_USER_AGENT		"tsunagu"
#define FETCH_RETRY_AFTER_MAX			(30 * 24 * 3600)
#define FETCH_HEADER_LINE_MAX			8192	/* longer: ignored */
#define FETCH_HEADERS_MAX			(256 * 1024)	/* per fetch */

/*
 * A zero (or negative) timeout or max_body, or a NULL user agent, means
 * the default above.  fq_max_redirects 0 follows no redirect: a 3xx
 * arrives as FETCH_OK with fr_status set.  A NULL fq_guard refuses every
 * special-purpose address (an empty allow list).
 * ETag and Last-Modified values with control characters are not sent.
 */
struct fetch_request {
	const char		*fq_url;
	const char		*fq_etag;		/* If-None-Match */
	const char		*fq_last_modified;	/* If-Modified-Since */
	const char		*fq_user_agent;
	size_t			 fq_max_body;
	int64_t			 fq_connect_timeout_ms;
	int64_t			 fq_timeout_ms;
	int			 fq_max_redirects;
	const struct netguard	*fq_guard;	/* borrowed; outlives the fetch */
	/*
	 * A request other than a plain GET (webhooks, WebSub).  fq_method
	 * NULL is GET; "POST" sends fq_body (copied; fq_body_len bytes,
	 * may be 0) without "Expect: 100-continue".  fq_headers is NULL or
	 * a NULL-terminated list of "Name: value" lines (copied) added to
	 * the request; a line with a CR, LF or other control character is
	 * refused (fetch_start() fails).  A GET asks for every content
	 * coding libcurl decodes; a POST for none (its answer is a status).
	 */
	const char		*fq_method;
	const void		*fq_body;
	size_t			 fq_body_len;
	const char *const	*fq_headers;
	/*
	 * For tests: NULL, or a NULL-terminated list of CURLOPT_RESOLVE lines
	 * ("host:port:addr[,addr]", copied) standing in for DNS, e.g. to
	 * flip a name's address between fetches (rebinding).  The netguard
	 * judges these addresses at socket open like any other.
	 */
	const char *const	*fq_resolve;
};

/*
 * Only FETCH_OK carries a body and the captured headers (those of the last
 * response of a redirect chain); on error fr_body is empty and fr_errmsg
 * says why, e.g. "address 127.0.0.1 is loopback (127.0.0.0/8) and not in
 * allow_networks" or "body exceeds 65536 bytes".  fr_body.data is never
 * NULL and is NUL-terminated.  fr_retry_after is at most
 * FETCH_RETRY_AFTER_MAX (an HTTP-date is turned into seconds from now).
 */
struct fetch_result {
	enum fetch_error	 fr_error;
	char			 fr_errmsg[256];	/* human reason when failed */
	long			 fr_status;		/* HTTP status, 0 if none */
	struct buf		 fr_body;		/* decoded bytes */
	char			*fr_etag;
	char			*fr_last_modified;
	char			*fr_content_type;
	char			*fr_effective_url;
	/* Every Link header line, joined with ", " (link_header.h). */
	char			*fr_link;
	int64_t			 fr_retry_after;	/* seconds, 0 if none */
};

typedef void (*fetch_done_cb)(const struct fetch_result *, void *arg);

/* curl_global_init() once per process; 0 or -1.  Not thread-safe. */
int		 fetch_global_init(void);
/* Transfers beyond max_concurrent (at least 1) wait in a FIFO queue. */
struct fetcher	*fetcher_new(struct event_base *, int max_concurrent);
/*
 * Aborts every transfer in flight or queued (their callbacks see
 * FETCH_ERR_ABORTED, synchronously) and frees everything.  NULL is a no-op.
 */
void		 fetcher_free(struct fetcher *);
/* 0 when the callback will be called exactly once; -1 when it will not. */
int		 fetch_start(struct fetcher *, const struct fetch_request *,
		    fetch_done_cb, void *arg);
/*
 * How many idle connections the fetcher keeps open for reuse (keep-alive
 * across transfers to the same host; libcurl's default otherwise).
 */
void		 fetcher_set_max_connections(struct fetcher *, long);
/* Transfers running, queued, or being routed. */
int		 fetcher_in_flight(const struct fetcher *);
/* A short stable label for metrics: "dns", "timeout", "too_large", ... */
const char	*fetch_error_code(enum fetch_error);

#endif
