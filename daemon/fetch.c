/*
 * fetch.c — HTTP(S) GETs with libcurl's multi interface on the daemon's
 * libevent loop.
 *
 * The multi handle tells us which sockets to watch (multi_socket: one
 * persistent event per socket, found again through curl_multi_assign) and
 * when to call it back (multi_timer: one evtimer).  Both events end in
 * curl_multi_socket_action(), after which fetcher_reap() collects finished
 * transfers through CURLINFO_PRIVATE and calls their callbacks.
 *
 * Transfers beyond fe_max wait in fe_pending, outside the multi handle, so
 * that their timeouts only start once they run.
 *
 * An easy handle outlives its transfer: reset, it waits in fe_idle (up to
 * FETCH_IDLE_PER_SLOT * fe_max of them) for the next one, so a burst of
 * requests does not make and free libcurl's per-transfer state each time
 * (about 1.7 MB for a thousand idle handles).
 *
 * With an outbound proxy (netguard_proxy() of the request's guard), the
 * transfers go hop by hop:
 * fetch_proxy.c decides the route of each hop (direct, or tunnelled through
 * the proxy to an address it resolved and the netguard passed) while the
 * transfer waits in fe_routing; redirects are followed here, each one
 * routed again, because curl cannot check a destination behind a proxy.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "fetch.h"
#include "fetch_proxy.h"
#include "log.h"
#include "netguard.h"
#include "../feeds/xmalloc.h"

#define FETCH_TIMEOUT_MAX_MS	(24LL * 3600 * 1000)
/* Idle easy handles kept per transfer slot: a burst queues transfers
 * beyond fe_max, each with its handle, and the next burst reuses them. */
#define FETCH_IDLE_PER_SLOT	4

struct transfer {
	TAILQ_ENTRY(transfer)	 tr_entry;
	struct fetcher		*tr_fetcher;
	CURL			*tr_easy;
	struct curl_slist	*tr_headers;
	const struct netguard	*tr_guard;
	fetch_done_cb		 tr_cb;
	void			*tr_arg;
	int			 tr_active;	/* else queued, or new */
	int			 tr_queued;
	size_t			 tr_header_bytes;
	size_t			 tr_link_len;	/* of fr_link */
	size_t			 tr_link_cap;
	int			 tr_body_too_large;
	int			 tr_headers_too_large;
	int			 tr_refused;
	char			 tr_why[256];	/* the netguard's reason */
	char			 tr_errbuf[CURL_ERROR_SIZE];
	struct fetch_result	 tr_result;
	/* Hop by hop (a proxy is set): see the top of this file. */
	int			 tr_hop_mode;
	int			 tr_max_redirects;
	int			 tr_hops_left;
	int			 tr_too_many;	/* a redirect past the limit */
	int			 tr_routing;	/* on fe_routing */
	int			 tr_via_proxy;	/* the hop's socket: proxy */
	int64_t			 tr_deadline_ms;	/* CLOCK_MONOTONIC */
	int64_t			 tr_connect_timeout_ms;
	char			*tr_url;	/* this hop's */
	struct fetch_lookup	*tr_lookup;
	struct curl_slist	*tr_connect_to;
	struct curl_slist	*tr_resolve;	/* fq_resolve, for tests */
	enum fetch_error	 tr_hop_error;	/* the hop could not start */
	char			 tr_hop_errmsg[256];
};

TAILQ_HEAD(transfer_list, transfer);

struct sock {
	LIST_ENTRY(sock)	 sk_entry;
	struct event		*sk_ev;
	short			 sk_kind;
};

struct fetcher {
	struct event_base	*fe_base;
	CURLM			*fe_multi;
	struct event		*fe_timer;
	struct transfer_list	 fe_active;	/* in the multi handle */
	struct transfer_list	 fe_pending;	/* waiting for a slot */
	struct transfer_list	 fe_routing;	/* hop being routed */
	int			 fe_nrouting;
	struct fetch_proxy	*fe_proxy;	/* made for the first proxied fetch */
	LIST_HEAD(, sock)	 fe_socks;
	int			 fe_nactive;
	int			 fe_npending;
	int			 fe_max;
	CURL			**fe_idle;	/* reset, for the next transfer */
	int			 fe_nidle;
	int			 fe_in_cb;	/* inside a user callback */
	int			 fe_closing;
};

static const char *const error_codes[] = {
	[FETCH_OK] = "ok",
	[FETCH_ERR_URL] = "url",
	[FETCH_ERR_DNS] = "dns",
	[FETCH_ERR_CONNECT] = "connect",
	[FETCH_ERR_REFUSED] = "refused",
	[FETCH_ERR_TIMEOUT] = "timeout",
	[FETCH_ERR_TOO_LARGE] = "too_large",
	[FETCH_ERR_REDIRECTS] = "redirects",
	[FETCH_ERR_TLS] = "tls",
	[FETCH_ERR_TRANSFER] = "transfer",
	[FETCH_ERR_ABORTED] = "aborted",
};

static int	 fetch_initialized;

static void	 fetcher_fill(struct fetcher *);
static void	 transfer_done(struct transfer *, CURLcode, int);
static void	 transfer_route(struct transfer *);

const char *
fetch_error_code(enum fetch_error e)
{
	if ((unsigned)e >= sizeof(error_codes) / sizeof(error_codes[0]) ||
	    error_codes[e] == NULL)
		return "unknown";
	return error_codes[e];
}

int
fetch_global_init(void)
{
	CURLcode rc;

	if (fetch_initialized)
		return 0;
	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		log_warnx("%s: %s", __func__, curl_easy_strerror(rc));
		return -1;
	}
	fetch_initialized = 1;
	return 0;
}

/* Header values go back out in requests: no CR, LF, NUL or controls. */
static int
header_value_ok(const char *s, size_t len)
{
	for (; len > 0; s++, len--)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * Called for every header line of every response, redirects included.
 * A status line starts a new response: what was captured so far belonged
 * to an earlier hop (or to a 1xx) and is dropped.
 */
static void
transfer_response_reset(struct transfer *tr)
{
	struct fetch_result *fr = &tr->tr_result;

	free(fr->fr_etag);
	free(fr->fr_last_modified);
	free(fr->fr_content_type);
	free(fr->fr_link);
	fr->fr_etag = fr->fr_last_modified = fr->fr_content_type = NULL;
	fr->fr_link = NULL;
	fr->fr_retry_after = 0;
	buf_reset(&fr->fr_body);
	/* A refusal on an earlier hop's other address is history now. */
	tr->tr_refused = 0;
	tr->tr_why[0] = '\0';
}

static int64_t
parse_retry_after(const char *v)
{
	int64_t n = 0;
	time_t when;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > FETCH_RETRY_AFTER_MAX)
			n = FETCH_RETRY_AFTER_MAX;
	}
	if (p != v && *p == '\0')
		return n;
	if (p != v || (when = curl_getdate(v, NULL)) == -1)
		return 0;
	n = (int64_t)when - (int64_t)time(NULL);
	if (n < 0)
		return 0;
	return n > FETCH_RETRY_AFTER_MAX ? FETCH_RETRY_AFTER_MAX : n;
}

static int
header_is(const char *line, size_t nlen, const char *name)
{
	return strlen(name) == nlen && strncasecmp(line, name, nlen) == 0;
}

/* Appends to fr_link, growing it by doubling (many short lines stay
 * linear). */
static void
transfer_add_link(struct transfer *tr, const char *v, size_t len)
{
	struct fetch_result *fr = &tr->tr_result;
	size_t need = tr->tr_link_len + (tr->tr_link_len ? 2 : 0) + len + 1;

	if (fr->fr_link == NULL)
		tr->tr_link_len = tr->tr_link_cap = 0;
	if (need > tr->tr_link_cap) {
		tr->tr_link_cap = need > 2 * tr->tr_link_cap ? need :
		    2 * tr->tr_link_cap;
		fr->fr_link = xreallocarray(fr->fr_link, 1, tr->tr_link_cap);
	}
	if (tr->tr_link_len > 0) {
		memcpy(fr->fr_link + tr->tr_link_len, ", ", 2);
		tr->tr_link_len += 2;
	}
	memcpy(fr->fr_link + tr->tr_link_len, v, len);
	tr->tr_link_len += len;
	fr->fr_link[tr->tr_link_len] = '\0';
}

static void
transfer_capture(struct transfer *tr, const char *line, size_t len)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} kept[] = {
		{ "etag", offsetof(struct fetch_result, fr_etag) },
		{ "last-modified",
		    offsetof(struct fetch_result, fr_last_modified) },
		{ "content-type",
		    offsetof(struct fetch_result, fr_content_type) },
	};
	const char *colon, *v, *end;
	char *value, **field;
	size_t i, nlen;

	if ((colon = memchr(line, ':', len)) == NULL)
		return;
	nlen = colon - line;
	/* Most lines (Date, Server, Connection ...) are not kept: no copy. */
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (header_is(line, nlen, kept[i].name))
			break;
	if (i == sizeof(kept) / sizeof(kept[0]) &&
	    !header_is(line, nlen, "retry-after") &&
	    !header_is(line, nlen, "link"))
		return;
	v = colon + 1;
	end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (!header_value_ok(v, end - v))
		return;
	value = xstrndup(v, end - v);
	if (header_is(line, nlen, "retry-after")) {
		tr->tr_result.fr_retry_after = parse_retry_after(value);
		free(value);
		return;
	}
	/* Several Link lines are one list (RFC 9110, 5.3); the total is
	 * bounded by FETCH_HEADERS_MAX. */
	if (header_is(line, nlen, "link")) {
		transfer_add_link(tr, value, end - v);
		free(value);
		return;
	}
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (!header_is(line, nlen, kept[i].name))
			continue;
		field = (char **)((char *)&tr->tr_result + kept[i].off);
		free(*field);
		*field = value;
		return;
	}
	free(value);
}

static size_t
transfer_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *tr = arg;
	size_t len = size * n;

	tr->tr_header_bytes += len;
	if (tr->tr_header_bytes > FETCH_HEADERS_MAX) {
		tr->tr_headers_too_large = 1;
		return 0;
	}
	if (len > FETCH_HEADER_LINE_MAX)
		return len;
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
		transfer_response_reset(tr);
	else
		transfer_capture(tr, data, len);
	return len;
}

/* Gets decoded bytes (CURLOPT_ACCEPT_ENCODING): the cap is on those. */
static size_t
transfer_write(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *tr = arg;
	size_t len = size * n;

	if (buf_append(&tr->tr_result.fr_body, data, len) == -1) {
		tr->tr_body_too_large = 1;
		return 0;
	}
	return len;
}

static int
transfer_guard(struct transfer *tr, const struct sockaddr *sa,
    const char *when)
{
	if (netguard_check(tr->tr_guard, sa, tr->tr_why,
	    sizeof(tr->tr_why)) == 0)
		return 0;
	tr->tr_refused = 1;
	log_debug("%s: %s: %s", __func__, when, tr->tr_why);
	return -1;
}

/* Every connection attempt, redirects and DNS answers included. */
static curl_socket_t
transfer_opensocket(void *arg, curlsocktype purpose,
    struct curl_sockaddr *ca)
{
	struct transfer *tr = arg;
	struct sockaddr_storage ss;
	size_t len = ca->addrlen;

	if (purpose != CURLSOCKTYPE_IPCXN) {
		tr->tr_refused = 1;
		snprintf(tr->tr_why, sizeof(tr->tr_why),
		    "socket purpose %d is not allowed", (int)purpose);
		return CURL_SOCKET_BAD;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &ca->addr, len < sizeof(ss) ? len : sizeof(ss));
	/* Through a proxy every socket goes to the proxy, which the
	 * administrator chose; the destination was checked before. */
	if (!tr->tr_via_proxy &&
	    transfer_guard(tr, (struct sockaddr *)&ss, "connect") == -1)
		return CURL_SOCKET_BAD;
	return socket(ca->family, ca->socktype | SOCK_CLOEXEC, ca->protocol);
}

/* Before each request, also on a connection reused from the cache. */
static int
transfer_prereq(void *arg, char *primary_ip, char *local_ip,
    int primary_port, int local_port)
{
	struct transfer *tr = arg;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char ip[INET6_ADDRSTRLEN];

	memset(&ss, 0, sizeof(ss));
	snprintf(ip, sizeof(ip), "%s", primary_ip ? primary_ip : "");
	ip[strcspn(ip, "%")] = '\0';
	/* Neither: AF_UNSPEC, which the netguard refuses. */
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	if (!tr->tr_via_proxy &&
	    transfer_guard(tr, (struct sockaddr *)&ss, "request") == -1)
		return CURL_PREREQFUNC_ABORT;
	return CURL_PREREQFUNC_OK;
}

/* With CURLOPT_VERBOSE, libcurl's own messages reach our log here. */
static int
transfer_debug(CURL *easy, curl_infotype type, char *data, size_t len,
    void *arg)
{
	if (type != CURLINFO_TEXT)
		return 0;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len > 1024)
		len = 1024;
	log_trace("curl: %.*s", (int)len, data);
	return 0;
}

static long
clamp_ms(int64_t ms, int64_t dflt)
{
	if (ms <= 0)
		ms = dflt;
	return (long)(ms > FETCH_TIMEOUT_MAX_MS ? FETCH_TIMEOUT_MAX_MS : ms);
}

static int
transfer_add_header(struct transfer *tr, const char *name, const char *v)
{
	struct curl_slist *l;
	char *line;

	if (v == NULL || *v == '\0' || !header_value_ok(v, strlen(v)))
		return 0;
	xasprintf(&line, "%s: %s", name, v);
	l = curl_slist_append(tr->tr_headers, line);
	free(line);
	if (l == NULL)
		return -1;
	tr->tr_headers = l;
	return 0;
}

/* fq_headers, and the body of a POST (curl copies it). */
static int
transfer_setup_request(struct transfer *tr, const struct fetch_request *fq)
{
	CURL *e = tr->tr_easy;
	const char *const *h;
	struct curl_slist *l;

	for (h = fq->fq_headers; h != NULL && *h != NULL; h++) {
		if (strchr(*h, ':') == NULL || !header_value_ok(*h, strlen(*h)))
			return -1;
		if ((l = curl_slist_append(tr->tr_headers, *h)) == NULL)
			return -1;
		tr->tr_headers = l;
	}
	if (fq->fq_method == NULL || strcmp(fq->fq_method, "GET") == 0)
		return 0;
	if (strcmp(fq->fq_method, "POST") != 0)
		return -1;
	/* A receiver that does not answer 100 would cost a second. */
	if ((l = curl_slist_append(tr->tr_headers, "Expect:")) == NULL)
		return -1;
	tr->tr_headers = l;
	if (curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)fq->fq_body_len) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
	    fq->fq_body != NULL ? (const char *)fq->fq_body : "") != CURLE_OK)
		return -1;
	return 0;
}

static int
transfer_setup(struct transfer *tr, const struct fetch_request *fq)
{
	CURL *e = tr->tr_easy;
	const char *ua;
	const char *const *h;
	struct curl_slist *l;
	long redirs = fq->fq_max_redirects > 0 ? fq->fq_max_redirects : 0;

	ua = fq->fq_user_agent ? fq->fq_user_agent : FETCH_DEFAULT_USER_AGENT;
	if (!header_value_ok(ua, strlen(ua)))
		ua = FETCH_DEFAULT_USER_AGENT;
	if (transfer_add_header(tr, "If-None-Match", fq->fq_etag) == -1 ||
	    transfer_add_header(tr, "If-Modified-Since",
	    fq->fq_last_modified) == -1 ||
	    transfer_setup_request(tr, fq) == -1)
		return -1;
	for (h = fq->fq_resolve; h != NULL && *h != NULL; h++) {
		if ((l = curl_slist_append(tr->tr_resolve, *h)) == NULL)
			return -1;
		tr->tr_resolve = l;
	}
	if (tr->tr_resolve != NULL &&
	    curl_easy_setopt(e, CURLOPT_RESOLVE, tr->tr_resolve) != CURLE_OK)
		return -1;
	if (curl_easy_setopt(e, CURLOPT_PRIVATE, tr) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, tr->tr_errbuf) ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) ||
	    curl_easy_setopt(e, CURLOPT_URL, fq->fq_url) ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") ||
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, redirs > 0 ? 1L : 0L) ||
	    curl_easy_setopt(e, CURLOPT_MAXREDIRS, redirs) ||
	    /* The netguard must see the origin, never a proxy. */
	    curl_easy_setopt(e, CURLOPT_PROXY, "") ||
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION,
	    transfer_opensocket) ||
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, tr) ||
	    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, transfer_prereq) ||
	    curl_easy_setopt(e, CURLOPT_PREREQDATA, tr) ||
	    /* A POST's answer is a status, not a document: no coding
	     * asked for (nor a header and decoders set up per request). */
	    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING,
	    fq->fq_method == NULL || strcmp(fq->fq_method, "GET") == 0 ?
	    "" : NULL) ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, transfer_write) ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, tr) ||
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, transfer_header) ||
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, tr) ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    clamp_ms(fq->fq_connect_timeout_ms,
	    FETCH_DEFAULT_CONNECT_TIMEOUT_MS)) ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    clamp_ms(fq->fq_timeout_ms, FETCH_DEFAULT_TIMEOUT_MS)) ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT, ua) ||
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, tr->tr_headers))
		return -1;
	if (log_enabled(LOG_LEVEL_TRACE) &&
	    (curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, transfer_debug) ||
	    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L)))
		return -1;
	return 0;
}

/* A handle for a new transfer: an idle one, or a new one. */
static CURL *
fetcher_easy(struct fetcher *fe)
{
	if (fe->fe_nidle > 0)
		return fe->fe_idle[--fe->fe_nidle];
	return curl_easy_init();
}

/* Out of the multi handle: kept for the next transfer, or freed. */
static void
fetcher_easy_done(struct fetcher *fe, CURL *e)
{
	if (e == NULL)
		return;
	if (fe->fe_closing || fe->fe_nidle >=
	    FETCH_IDLE_PER_SLOT * fe->fe_max) {
		curl_easy_cleanup(e);
		return;
	}
	/* Every option back to its default: nothing of this transfer
	 * (callbacks, their data, the URL, a proxy) reaches the next. */
	curl_easy_reset(e);
	fe->fe_idle[fe->fe_nidle++] = e;
}

static void
transfer_free(struct transfer *tr)
{
	struct fetch_result *fr = &tr->tr_result;

	fetcher_easy_done(tr->tr_fetcher, tr->tr_easy);
	curl_slist_free_all(tr->tr_headers);
	curl_slist_free_all(tr->tr_connect_to);
	curl_slist_free_all(tr->tr_resolve);
	free(tr->tr_url);
	buf_free(&fr->fr_body);
	free(fr->fr_etag);
	free(fr->fr_last_modified);
	free(fr->fr_content_type);
	free(fr->fr_effective_url);
	free(fr->fr_link);
	free(tr);
}

/* How libcurl's codes read as ours; a code not listed is a TRANSFER. */
static const struct {
	CURLcode		 ce_code;
	enum fetch_error	 ce_error;
	const char		*ce_prefix;	/* before curl's message */
} curl_errors[] = {
	{ CURLE_UNSUPPORTED_PROTOCOL, FETCH_ERR_URL, "" },
	{ CURLE_URL_MALFORMAT, FETCH_ERR_URL, "" },
	{ CURLE_COULDNT_RESOLVE_HOST, FETCH_ERR_DNS, "" },
	{ CURLE_COULDNT_RESOLVE_PROXY, FETCH_ERR_DNS, "" },
	{ CURLE_COULDNT_CONNECT, FETCH_ERR_CONNECT, "" },
	{ CURLE_OPERATION_TIMEDOUT, FETCH_ERR_TIMEOUT, "" },
	{ CURLE_FILESIZE_EXCEEDED, FETCH_ERR_TOO_LARGE, "" },
	{ CURLE_TOO_MANY_REDIRECTS, FETCH_ERR_REDIRECTS, "" },
	{ CURLE_SSL_CONNECT_ERROR, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_ENGINE_NOTFOUND, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_ENGINE_SETFAILED, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_CERTPROBLEM, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_CIPHER, FETCH_ERR_TLS, "" },
	{ CURLE_PEER_FAILED_VERIFICATION, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_ENGINE_INITFAILED, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_CACERT_BADFILE, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_SHUTDOWN_FAILED, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_CRL_BADFILE, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_ISSUER_ERROR, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_INVALIDCERTSTATUS, FETCH_ERR_TLS, "" },
	{ CURLE_SSL_CLIENTCERT, FETCH_ERR_TLS, "" },
	{ CURLE_USE_SSL_FAILED, FETCH_ERR_TLS, "" },
	{ CURLE_PARTIAL_FILE, FETCH_ERR_TRANSFER, "truncated: " },
	{ CURLE_RECV_ERROR, FETCH_ERR_TRANSFER, "truncated: " },
	{ CURLE_GOT_NOTHING, FETCH_ERR_TRANSFER, "truncated: " },
	{ CURLE_HTTP2_STREAM, FETCH_ERR_TRANSFER, "truncated: " },
};

static enum fetch_error
transfer_error(const struct transfer *tr, CURLcode code, const char **prefix)
{
	size_t i;

	*prefix = "";
	if (code == CURLE_OK)
		return FETCH_OK;
	/* Our own callbacks ended it: say why, not how curl saw it. */
	if (tr->tr_refused && (code == CURLE_COULDNT_CONNECT ||
	    code == CURLE_ABORTED_BY_CALLBACK))
		return FETCH_ERR_REFUSED;
	if (code == CURLE_WRITE_ERROR &&
	    (tr->tr_body_too_large || tr->tr_headers_too_large))
		return FETCH_ERR_TOO_LARGE;
	for (i = 0; i < sizeof(curl_errors) / sizeof(curl_errors[0]); i++) {
		if (curl_errors[i].ce_code == code) {
			*prefix = curl_errors[i].ce_prefix;
			return curl_errors[i].ce_error;
		}
	}
	return FETCH_ERR_TRANSFER;
}

/* Fills tr_result from how the transfer ended. */
static void
transfer_result(struct transfer *tr, CURLcode code, int aborted)
{
	struct fetch_result *fr = &tr->tr_result;
	const char *msg, *prefix;
	char *url = NULL;
	long status = 0, oserr = 0, connect_code = 0;

	curl_easy_getinfo(tr->tr_easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(tr->tr_easy, CURLINFO_EFFECTIVE_URL, &url);
	fr->fr_status = status;
	fr->fr_effective_url = xstrdup_opt(url);
	fr->fr_error = transfer_error(tr, code, &prefix);
	if (tr->tr_via_proxy && code != CURLE_OK &&
	    curl_easy_getinfo(tr->tr_easy, CURLINFO_HTTP_CONNECTCODE,
	    &connect_code) == CURLE_OK && connect_code >= 300)
		fr->fr_error = FETCH_ERR_CONNECT;
	else
		connect_code = 0;
	if (tr->tr_too_many)
		fr->fr_error = FETCH_ERR_REDIRECTS;
	if (tr->tr_hop_error != FETCH_OK) {
		/* The hop never ran: nothing of curl's is about it. */
		fr->fr_error = tr->tr_hop_error;
		fr->fr_status = 0;
		free(fr->fr_effective_url);
		fr->fr_effective_url = xstrdup_opt(tr->tr_url);
	}
	if (aborted)
		fr->fr_error = FETCH_ERR_ABORTED;
	msg = tr->tr_errbuf[0] ? tr->tr_errbuf : curl_easy_strerror(code);
	if (tr->tr_hop_error != FETCH_OK && !aborted)
		msg = tr->tr_hop_errmsg;
	switch (fr->fr_error) {
	case FETCH_OK:
		break;
	case FETCH_ERR_ABORTED:
		snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg),
		    "fetcher freed while in flight");
		break;
	case FETCH_ERR_REFUSED:
		snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg), "%s",
		    tr->tr_hop_error != FETCH_OK ? msg : tr->tr_why);
		break;
	case FETCH_ERR_TOO_LARGE:
		if (tr->tr_headers_too_large)
			snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg),
			    "response headers exceed %d bytes",
			    FETCH_HEADERS_MAX);
		else
			snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg),
			    "body exceeds %zu bytes", fr->fr_body.max);
		break;
	case FETCH_ERR_CONNECT:
		if (connect_code != 0) {
			snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg),
			    "the proxy refused the tunnel (HTTP %ld to "
			    "CONNECT)", connect_code);
			break;
		}
		if (tr->tr_hop_error != FETCH_OK) {
			snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg), "%s",
			    msg);
			break;
		}
		/* The error buffer says "Couldn't connect"; errno says why. */
		curl_easy_getinfo(tr->tr_easy, CURLINFO_OS_ERRNO, &oserr);
		snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg), "%.200s%s%s%s",
		    msg, oserr ? " (" : "", oserr ? strerror(oserr) : "",
		    oserr ? ")" : "");
		break;
	case FETCH_ERR_REDIRECTS:
		if (tr->tr_too_many) {
			snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg),
			    "more than %d redirects", tr->tr_max_redirects);
			break;
		}
		/* FALLTHROUGH */
	default:
		snprintf(fr->fr_errmsg, sizeof(fr->fr_errmsg), "%s%.240s",
		    prefix, msg);
		break;
	}
	/* A partial body is never mistaken for a whole one. */
	if (fr->fr_error != FETCH_OK)
		buf_reset(&fr->fr_body);
	buf_append(&fr->fr_body, "", 0);
	log_debug("%s: %s: %s%s%s", __func__, fr->fr_effective_url ?
	    fr->fr_effective_url : "?", fetch_error_code(fr->fr_error),
	    fr->fr_error != FETCH_OK ? ": " : "", fr->fr_errmsg);
}

/*
 * Hop by hop: a redirect within the limit is routed and run again on the
 * same handle (its options, body included, stay); 1 when that happened.
 */
static int
transfer_next_hop(struct transfer *tr, CURLcode code)
{
	struct fetcher *fe = tr->tr_fetcher;
	char *next = NULL, *method = NULL;
	long status = 0;

	if (code != CURLE_OK || tr->tr_hop_error != FETCH_OK)
		return 0;
	curl_easy_getinfo(tr->tr_easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 301 && status != 302 && status != 303 &&
	    status != 307 && status != 308)
		return 0;
	/* Absolute, resolved against this hop's URL by curl. */
	if (curl_easy_getinfo(tr->tr_easy, CURLINFO_REDIRECT_URL,
	    &next) != CURLE_OK || next == NULL || tr->tr_max_redirects == 0)
		return 0;	/* the 3xx is the answer */
	if (tr->tr_hops_left == 0) {
		tr->tr_too_many = 1;
		return 0;
	}
	tr->tr_hops_left--;
	free(tr->tr_url);
	tr->tr_url = xstrdup(next);
	/* As curl does when it follows: 303, and 301/302 after a POST. */
	curl_easy_getinfo(tr->tr_easy, CURLINFO_EFFECTIVE_METHOD, &method);
	if (method != NULL && ((status == 303 && strcmp(method, "HEAD") != 0)
	    || ((status == 301 || status == 302) &&
	    strcmp(method, "POST") == 0)))
		curl_easy_setopt(tr->tr_easy, CURLOPT_HTTPGET, 1L);
	if (tr->tr_active) {
		curl_multi_remove_handle(fe->fe_multi, tr->tr_easy);
		TAILQ_REMOVE(&fe->fe_active, tr, tr_entry);
		fe->fe_nactive--;
		tr->tr_active = 0;
	}
	transfer_route(tr);
	return 1;
}

/* Fills the result, takes the transfer off its list, calls back, frees. */
static void
transfer_done(struct transfer *tr, CURLcode code, int aborted)
{
	struct fetcher *fe = tr->tr_fetcher;

	if (!aborted && tr->tr_hop_mode && transfer_next_hop(tr, code))
		return;
	transfer_result(tr, code, aborted);
	if (tr->tr_active) {
		curl_multi_remove_handle(fe->fe_multi, tr->tr_easy);
		TAILQ_REMOVE(&fe->fe_active, tr, tr_entry);
		fe->fe_nactive--;
	} else if (tr->tr_queued) {
		TAILQ_REMOVE(&fe->fe_pending, tr, tr_entry);
		fe->fe_npending--;
	} else if (tr->tr_routing) {
		fetch_lookup_cancel(tr->tr_lookup);
		TAILQ_REMOVE(&fe->fe_routing, tr, tr_entry);
		fe->fe_nrouting--;
	}
	fe->fe_in_cb++;
	tr->tr_cb(&tr->tr_result, tr->tr_arg);
	fe->fe_in_cb--;
	transfer_free(tr);
}

/* check_multi_info: every finished transfer is found and delivered. */
static void
fetcher_reap(struct fetcher *fe)
{
	struct transfer *tr;
	CURLMsg *msg;
	CURLcode code;
	char *p;
	int left;

	while ((msg = curl_multi_info_read(fe->fe_multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		code = msg->data.result;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    &p) != CURLE_OK || p == NULL)
			fatalx("%s: transfer without its private pointer",
			    __func__);
		tr = (struct transfer *)p;
		transfer_done(tr, code, 0);
	}
	fetcher_fill(fe);
}

static void
sock_ready(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher *fe = arg;
	int action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(fe->fe_multi, fd, action, &running);
	fetcher_reap(fe);
}

static void
timer_fired(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher *fe = arg;
	int running;

	curl_multi_socket_action(fe->fe_multi, CURL_SOCKET_TIMEOUT, 0,
	    &running);
	fetcher_reap(fe);
}

static void
sock_free(struct sock *sk)
{
	LIST_REMOVE(sk, sk_entry);
	if (sk->sk_ev != NULL)
		event_free(sk->sk_ev);
	free(sk);
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what curl asks, or stop. */
static int
multi_socket(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct fetcher *fe = arg;
	struct sock *sk = sockp;
	short kind;

	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			sock_free(sk);
			curl_multi_assign(fe->fe_multi, s, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST;
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (sk == NULL) {
		sk = xcalloc(1, sizeof(*sk));
		LIST_INSERT_HEAD(&fe->fe_socks, sk, sk_entry);
		curl_multi_assign(fe->fe_multi, s, sk);
	} else if (sk->sk_kind == kind)
		return 0;
	sk->sk_kind = kind;
	/* Every request turns a socket from writing to reading: the event
	 * is set again in place, not made anew. */
	if (sk->sk_ev != NULL) {
		if (event_del(sk->sk_ev) == -1 || event_assign(sk->sk_ev,
		    fe->fe_base, s, kind, sock_ready, fe) == -1 ||
		    event_add(sk->sk_ev, NULL) == -1)
			goto fail;
		return 0;
	}
	if ((sk->sk_ev = event_new(fe->fe_base, s, kind, sock_ready,
	    fe)) == NULL || event_add(sk->sk_ev, NULL) == -1)
		goto fail;
	return 0;
 fail:
	log_warnx("%s: cannot watch socket %d", __func__, (int)s);
	return -1;
}

/* CURLMOPT_TIMERFUNCTION: never act here, only arm the timer. */
static int
multi_timer(CURLM *multi, long timeout_ms, void *arg)
{
	struct fetcher *fe = arg;
	struct timeval tv;

	if (timeout_ms < 0)
		return evtimer_del(fe->fe_timer);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(fe->fe_timer, &tv);
}

struct fetcher *
fetcher_new(struct event_base *base, int max_concurrent)
{
	struct fetcher *fe;

	if (fetch_global_init() == -1)
		return NULL;
	fe = xcalloc(1, sizeof(*fe));
	fe->fe_base = base;
	fe->fe_max = max_concurrent > 0 ? max_concurrent : 1;
	fe->fe_idle = xcalloc(FETCH_IDLE_PER_SLOT * (size_t)fe->fe_max,
	    sizeof(*fe->fe_idle));
	TAILQ_INIT(&fe->fe_active);
	TAILQ_INIT(&fe->fe_pending);
	TAILQ_INIT(&fe->fe_routing);
	LIST_INIT(&fe->fe_socks);
	if ((fe->fe_timer = evtimer_new(base, timer_fired, fe)) == NULL ||
	    (fe->fe_multi = curl_multi_init()) == NULL ||
	    curl_multi_setopt(fe->fe_multi, CURLMOPT_SOCKETFUNCTION,
	    multi_socket) != CURLM_OK ||
	    curl_multi_setopt(fe->fe_multi, CURLMOPT_SOCKETDATA, fe) ||
	    curl_multi_setopt(fe->fe_multi, CURLMOPT_TIMERFUNCTION,
	    multi_timer) ||
	    curl_multi_setopt(fe->fe_multi, CURLMOPT_TIMERDATA, fe)) {
		log_warnx("%s: cannot set up the multi handle", __func__);
		goto fail;
	}
	return fe;
fail:
	if (fe->fe_multi != NULL)
		curl_multi_cleanup(fe->fe_multi);
	if (fe->fe_timer != NULL)
		event_free(fe->fe_timer);
	free(fe->fe_idle);
	free(fe);
	return NULL;
}

void
fetcher_free(struct fetcher *fe)
{
	struct transfer *tr;

	if (fe == NULL)
		return;
	if (fe->fe_in_cb)
		fatalx("%s: called from a fetch callback", __func__);
	fe->fe_closing = 1;
	while ((tr = TAILQ_FIRST(&fe->fe_active)) != NULL ||
	    (tr = TAILQ_FIRST(&fe->fe_pending)) != NULL ||
	    (tr = TAILQ_FIRST(&fe->fe_routing)) != NULL)
		transfer_done(tr, CURLE_OK, 1);
	fetch_proxy_free(fe->fe_proxy);
	while (fe->fe_nidle > 0)
		curl_easy_cleanup(fe->fe_idle[--fe->fe_nidle]);
	free(fe->fe_idle);
	curl_multi_cleanup(fe->fe_multi);
	while (!LIST_EMPTY(&fe->fe_socks))
		sock_free(LIST_FIRST(&fe->fe_socks));
	event_free(fe->fe_timer);
	free(fe);
}

/* Into the multi handle (off the queue); on failure it stays put. */
static int
transfer_activate(struct transfer *tr)
{
	struct fetcher *fe = tr->tr_fetcher;
	CURLMcode rc;

	if ((rc = curl_multi_add_handle(fe->fe_multi, tr->tr_easy)) !=
	    CURLM_OK) {
		log_warnx("%s: %s", __func__, curl_multi_strerror(rc));
		return -1;
	}
	if (tr->tr_queued) {
		TAILQ_REMOVE(&fe->fe_pending, tr, tr_entry);
		fe->fe_npending--;
		tr->tr_queued = 0;
	}
	TAILQ_INSERT_TAIL(&fe->fe_active, tr, tr_entry);
	fe->fe_nactive++;
	tr->tr_active = 1;
	return 0;
}

/* Moves queued transfers into the free slots. */
static void
fetcher_fill(struct fetcher *fe)
{
	struct transfer *tr;

	while (!fe->fe_closing && fe->fe_nactive < fe->fe_max &&
	    (tr = TAILQ_FIRST(&fe->fe_pending)) != NULL) {
		if (transfer_activate(tr) == 0)
			continue;
		snprintf(tr->tr_errbuf, sizeof(tr->tr_errbuf),
		    "cannot start the transfer");
		transfer_done(tr, CURLE_FAILED_INIT, 0);
	}
}

/* FIFO: a new transfer (or hop) never overtakes a queued one. */
static int
transfer_enqueue(struct transfer *tr)
{
	struct fetcher *fe = tr->tr_fetcher;

	if (fe->fe_nactive < fe->fe_max && TAILQ_EMPTY(&fe->fe_pending))
		return transfer_activate(tr);
	TAILQ_INSERT_TAIL(&fe->fe_pending, tr, tr_entry);
	fe->fe_npending++;
	tr->tr_queued = 1;
	return 0;
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The route of a hop is decided: set the handle up for it and run it. */
static void
transfer_routed(const struct fetch_hop *hop, void *arg)
{
	struct transfer *tr = arg;
	struct fetcher *fe = tr->tr_fetcher;
	struct curl_slist *to = NULL;
	CURL *e = tr->tr_easy;
	int64_t left;

	tr->tr_lookup = NULL;
	TAILQ_REMOVE(&fe->fe_routing, tr, tr_entry);
	fe->fe_nrouting--;
	tr->tr_routing = 0;
	left = tr->tr_deadline_ms - monotonic_ms();
	if (hop->fh_error != FETCH_OK) {
		tr->tr_hop_error = hop->fh_error;
		snprintf(tr->tr_hop_errmsg, sizeof(tr->tr_hop_errmsg), "%s",
		    hop->fh_errmsg);
		transfer_done(tr, CURLE_OK, 0);
		return;
	}
	if (left <= 0) {
		tr->tr_hop_error = FETCH_ERR_TIMEOUT;
		snprintf(tr->tr_hop_errmsg, sizeof(tr->tr_hop_errmsg),
		    "timed out before %s", tr->tr_url);
		transfer_done(tr, CURLE_OK, 0);
		return;
	}
	transfer_response_reset(tr);
	tr->tr_errbuf[0] = '\0';
	tr->tr_via_proxy = hop->fh_via_proxy;
	if (hop->fh_via_proxy &&
	    (to = curl_slist_append(NULL, hop->fh_connect_to)) == NULL)
		goto fail;
	if (curl_easy_setopt(e, CURLOPT_URL, tr->tr_url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROXY, hop->fh_via_proxy ?
	    hop->fh_proxy : "") ||
	    /* The environment's no_proxy never counts: ours did. */
	    curl_easy_setopt(e, CURLOPT_NOPROXY, "") ||
	    curl_easy_setopt(e, CURLOPT_PROXYTYPE, (long)CURLPROXY_HTTP) ||
	    curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL,
	    hop->fh_via_proxy ? 1L : 0L) ||
	    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L) ||
	    curl_easy_setopt(e, CURLOPT_CONNECT_TO, to) ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)left))
		goto fail;
	curl_slist_free_all(tr->tr_connect_to);
	tr->tr_connect_to = to;
	if (transfer_enqueue(tr) == 0)
		return;
	to = NULL;	/* tr_connect_to now, freed with the transfer */
 fail:
	curl_slist_free_all(to);
	snprintf(tr->tr_errbuf, sizeof(tr->tr_errbuf),
	    "cannot start the transfer");
	transfer_done(tr, CURLE_FAILED_INIT, 0);
}

static void
transfer_route(struct transfer *tr)
{
	struct fetcher *fe = tr->tr_fetcher;

	TAILQ_INSERT_TAIL(&fe->fe_routing, tr, tr_entry);
	fe->fe_nrouting++;
	tr->tr_routing = 1;
	tr->tr_lookup = fetch_proxy_route(fe->fe_proxy, tr->tr_url,
	    tr->tr_guard, tr->tr_connect_timeout_ms, transfer_routed, tr);
}

/* With a proxy: this file follows the redirects, one routed hop each. */
static int
transfer_hop_mode(struct transfer *tr, const struct fetch_request *fq)
{
	if (curl_easy_setopt(tr->tr_easy, CURLOPT_FOLLOWLOCATION, 0L) !=
	    CURLE_OK)
		return -1;
	tr->tr_hop_mode = 1;
	tr->tr_max_redirects = fq->fq_max_redirects > 0 ?
	    fq->fq_max_redirects : 0;
	tr->tr_hops_left = tr->tr_max_redirects;
	tr->tr_url = xstrdup(fq->fq_url);
	tr->tr_connect_timeout_ms = clamp_ms(fq->fq_connect_timeout_ms,
	    FETCH_DEFAULT_CONNECT_TIMEOUT_MS);
	tr->tr_deadline_ms = monotonic_ms() + clamp_ms(fq->fq_timeout_ms,
	    FETCH_DEFAULT_TIMEOUT_MS);
	return 0;
}

int
fetch_start(struct fetcher *fe, const struct fetch_request *fq,
    fetch_done_cb cb, void *arg)
{
	struct transfer *tr;
	size_t max_body;

	if (fe->fe_closing || fq->fq_url == NULL || cb == NULL) {
		log_warnx("%s: %s", __func__, fe->fe_closing ?
		    "fetcher is being freed" : "no URL or callback");
		return -1;
	}
	tr = xcalloc(1, sizeof(*tr));
	tr->tr_fetcher = fe;
	tr->tr_guard = fq->fq_guard;
	tr->tr_cb = cb;
	tr->tr_arg = arg;
	max_body = fq->fq_max_body > 0 ? fq->fq_max_body :
	    FETCH_DEFAULT_MAX_BODY;
	buf_init(&tr->tr_result.fr_body, max_body);
	if ((tr->tr_easy = fetcher_easy(fe)) == NULL ||
	    transfer_setup(tr, fq) == -1) {
		log_warnx("%s: cannot set up a transfer for %s", __func__,
		    fq->fq_url);
		goto fail;
	}
	if (netguard_proxy(fq->fq_guard) != NULL) {
		if (transfer_hop_mode(tr, fq) == -1)
			goto fail;
		if (fe->fe_proxy == NULL)
			fe->fe_proxy = fetch_proxy_new(fe->fe_base);
		transfer_route(tr);
		return 0;
	}
	if (transfer_enqueue(tr) == -1)
		goto fail;
	return 0;
fail:
	transfer_free(tr);
	return -1;
}

void
fetcher_set_max_connections(struct fetcher *fe, long n)
{
	if (n > 0 && curl_multi_setopt(fe->fe_multi, CURLMOPT_MAXCONNECTS,
	    n) != CURLM_OK)
		log_warnx("%s: cannot keep %ld connections", __func__, n);
}

int
fetcher_in_flight(const struct fetcher *fe)
{
	return fe->fe_nactive + fe->fe_npending + fe->fe_nrouting;
}

