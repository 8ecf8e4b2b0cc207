/*
 * fetch.h — HTTP(S) GETs on the daemon's event loop (libcurl multi driven
 * by libevent, the hiperfifo pattern).
 *
 * fetch_start() copies what it needs from the request; the callback gets a
 * result it borrows for the duration of the call (copy what you keep).
 * The decoded body is capped at max_body bytes: a larger body ends the
 * transfer with FETCH_ERR_TOO_LARGE.  Outbound addresses are checked by
 * the netguard at socket-open time, for the first hop and every redirect.
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
};

struct fetch_result {
	enum fetch_error	 fr_error;
	char			 fr_errmsg[256];	/* human reason when failed */
	long			 fr_status;		/* HTTP status, 0 if none */
	struct buf		 fr_body;		/* decoded bytes */
	char			*fr_etag;
	char			*fr_last_modified;
	char			*fr_content_type;
	char			*fr_effective_url;
	int64_t			 fr_retry_after;	/* seconds, 0 if none */
};

typedef void (*fetch_done_cb)(const struct fetch_result *, void *arg);

struct fetcher	*fetcher_new(struct event_base *, int max_concurrent);
/* Aborts every transfer in flight (their callbacks see FETCH_ERR_ABORTED). */
void		 fetcher_free(struct fetcher *);
int		 fetch_start(struct fetcher *, const struct fetch_request *,
		    fetch_done_cb, void *arg);
int		 fetcher_in_flight(const struct fetcher *);
/* A short stable label for metrics: "dns", "timeout", "too_large", ... */
const char	*fetch_error_code(enum fetch_error);

#endif
