/* server.c — evhttp on the daemon's loop, dispatching through a table. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "../../feeds/xmalloc.h"
#include "api.h"
#include "config.h"
#include "connlimit.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "reply.h"

#define HTTP_MAX_HEADERS	(8 * 1024)
#define HTTP_MAX_BODY		(1024 * 1024)
#define HTTP_TIMEOUT		30	/* seconds */
#define HTTP_LIMIT_KEYS		16384	/* rate-limit buckets, per kind */

static const struct route *const routes[] = {
	&route_feeds,
	&route_feeds_sub,
	&route_healthz,
	&route_metrics,
	&route_hub,
	&route_websub,
	&route_admin,
	&route_admin_index,
	&route_admin_file,
	NULL
};

/* The public routes, then the admin API's (api_root.c). */
static const struct route *const *const route_tables[] = {
	routes,
	api_routes,
	NULL
};

struct http_server {
	struct daemon		*hs_daemon;
	struct evhttp		*hs_http;
	struct ratelimit	*hs_limit_client;	/* per peer address */
	struct ratelimit	*hs_limit_token;	/* per token id */
	struct connlimit	*hs_conns;	/* connlimit.h */
};

const char *
http_query(struct http_request *hr, const char *key)
{
	return evhttp_find_header(&hr->hr_query, key);
}

unsigned
http_route_roles(const struct route *rt)
{
	return rt->rt_roles | (rt->rt_role != AUTH_NONE ?
	    AUTH_ROLE_BIT(rt->rt_role) : 0);
}

/* "*" or "{name}": a segment that matches any one segment. */
static int
wildcard(const char *seg, size_t len)
{
	return (len == 1 && *seg == '*') ||
	    (len > 2 && seg[0] == '{' && seg[len - 1] == '}');
}

/*
 * Matches a pattern against a path segment by segment; a wildcard segment
 * matches any one segment and is captured.
 */
static int
route_match(const char *pattern, const char *path, struct http_request *hr)
{
	const char *p = pattern, *s = path, *pe, *se;

	hr->hr_nargs = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		pe = strchrnul(p, '/');
		se = strchrnul(s, '/');
		if (wildcard(p, pe - p)) {
			if (se == s || hr->hr_nargs == HTTP_MAX_ARGS)
				return 0;
			hr->hr_args[hr->hr_nargs++] = xstrndup(s, se - s);
		} else if (pe - p != se - s || memcmp(p, s, pe - p) != 0)
			return 0;
		p = pe;
		s = se;
	}
	return *p == '\0' && *s == '\0';
}

static void
request_clear_args(struct http_request *hr)
{
	while (hr->hr_nargs > 0)
		free(hr->hr_args[--hr->hr_nargs]);
}

/*
 * Who the client is, for its rate limit: the peer, or, when the peer is
 * one of trusted_proxies, the address that proxy appended last to
 * X-Forwarded-For (the ones before it could be made up by the client).
 */
static const char *
client_address(struct http_request *hr, char *buf, size_t len)
{
	const struct config *cf = hr->hr_daemon->d_conf;
	const char *xff, *last;
	unsigned char raw[sizeof(struct in6_addr)];
	size_t i, n;
	int af;

	if (hr->hr_client == NULL)
		return "-";
	for (i = 0; cf != NULL && i < cf->cf_ntrusted_proxies; i++)
		if (strcmp(cf->cf_trusted_proxies[i], hr->hr_client) == 0)
			break;
	if (cf == NULL || i == cf->cf_ntrusted_proxies)
		return hr->hr_client;
	xff = evhttp_find_header(evhttp_request_get_input_headers(
	    hr->hr_req), "X-Forwarded-For");
	if (xff == NULL)
		return hr->hr_client;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (n == 0 || n >= len)
		return hr->hr_client;
	memcpy(buf, last, n);
	buf[n] = '\0';
	af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	return inet_pton(af, buf, raw) == 1 ? buf : hr->hr_client;
}

/* 429 with Retry-After when key has used up its bucket. */
static int
rate_limited(struct http_request *hr, struct ratelimit *rl, const char *key,
    const char *what)
{
	char after[24];
	int64_t wait;

	if ((wait = ratelimit_take(rl, key)) == 0)
		return 0;
	snprintf(after, sizeof(after), "%lld", (long long)wait);
	reply_header(hr, "Retry-After", after);
	reply_error(hr, 429, "too many requests from this %s; retry in %lld "
	    "s", what, (long long)wait);
	return -1;
}

/*
 * Before a handler with roles runs: the client's rate limit, a valid
 * token (401), the token's rate limit, a role the route admits (403).
 * -1 when the request was answered here.
 */
static int
authorize(struct http_server *hs, struct http_request *hr,
    const struct route *rt)
{
	struct daemon *d = hs->hs_daemon;
	const struct config *cf = d->d_conf;
	const char *authz;
	char client[INET6_ADDRSTRLEN + 1];

	if (cf != NULL) {
		ratelimit_set(hs->hs_limit_client, (double)cf->cf_api_rate,
		    (double)cf->cf_api_burst);
		ratelimit_set(hs->hs_limit_token, (double)cf->cf_api_rate,
		    (double)cf->cf_api_burst);
	}
	if (rate_limited(hr, hs->hs_limit_client, client_address(hr, client,
	    sizeof(client)), "address") == -1)
		return -1;
	authz = evhttp_find_header(evhttp_request_get_input_headers(
	    hr->hr_req), "Authorization");
	switch (auth_identify(d->d_auth, d->d_store, authz,
	    &hr->hr_principal)) {
	case 0:
		break;
	case 1:
		reply_header(hr, "WWW-Authenticate",
		    "Bearer realm=\"tsunagu\"");
		reply_error(hr, 401, "a valid bearer token is needed");
		return -1;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return -1;
	}
	hr->hr_role = hr->hr_principal.ap_role;
	if (rate_limited(hr, hs->hs_limit_token,
	    hr->hr_principal.ap_token_id, "token") == -1)
		return -1;
	if ((http_route_roles(rt) & AUTH_ROLE_BIT(hr->hr_role)) == 0) {
		reply_error(hr, 403, "the %s role may not do this",
		    auth_role_name(hr->hr_role));
		return -1;
	}
	return 0;
}

static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_server *hs = arg;
	struct http_request hr = { 0 };
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const struct route *const *const *tp, *const *rp, *found = NULL;
	char *path = NULL;
	const char *query;
	struct evhttp_connection *conn;
	char *peer = NULL;
	ev_uint16_t peer_port = 0;
	int path_matched = 0, method;
	size_t pathlen = 0;

	hr.hr_req = req;
	hr.hr_daemon = hs->hs_daemon;
	TAILQ_INIT(&hr.hr_query);
	method = evhttp_request_get_command(req);
	hr.hr_method = method;
	if ((conn = evhttp_request_get_connection(req)) != NULL)
		evhttp_connection_get_peer(conn, &peer, &peer_port);
	hr.hr_client = peer;
	if (uri != NULL && evhttp_uri_get_path(uri) != NULL)
		path = evhttp_uridecode(evhttp_uri_get_path(uri), 0, &pathlen);
	/* A %00 in the path would hide the rest of it from the matcher. */
	if (path == NULL || *path != '/' || strlen(path) != pathlen) {
		reply_error(&hr, 400, "bad request path");
		goto done;
	}
	hr.hr_path = path;
	query = evhttp_uri_get_query(uri);
	if (query && evhttp_parse_query_str(query, &hr.hr_query) == -1) {
		reply_error(&hr, 400, "bad query string");
		goto done;
	}
	for (tp = route_tables; *tp && found == NULL; tp++)
		for (rp = *tp; *rp; rp++) {
			request_clear_args(&hr);
			if (!route_match((*rp)->rt_pattern, path, &hr))
				continue;
			path_matched = 1;
			if ((*rp)->rt_methods & method ||
			    (method == EVHTTP_REQ_HEAD &&
			    (*rp)->rt_methods & EVHTTP_REQ_GET)) {
				found = *rp;
				break;
			}
		}
	if (found == NULL) {
		request_clear_args(&hr);
		if (path_matched)
			reply_error(&hr, 405, "method not allowed");
		else
			reply_error(&hr, 404, "no such resource: %s", path);
		goto done;
	}
	if (http_route_roles(found) != 0 && authorize(hs, &hr, found) == -1)
		goto done;
	found->rt_handler(&hr);
done:
	request_clear_args(&hr);
	evhttp_clear_headers(&hr.hr_query);
	auth_principal_clear(&hr.hr_principal);
	free(path);
}

struct http_server *
http_server_new(struct daemon *d, const char *host, int port, int *bound_port)
{
	struct http_server *hs = xcalloc(1, sizeof(*hs));
	struct evhttp_bound_socket *sock;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	hs->hs_daemon = d;
	hs->hs_limit_client = ratelimit_new(d->d_clock, HTTP_LIMIT_KEYS);
	hs->hs_limit_token = ratelimit_new(d->d_clock, HTTP_LIMIT_KEYS);
	if ((hs->hs_http = evhttp_new(d->d_base)) == NULL)
		goto fail;
	evhttp_set_max_headers_size(hs->hs_http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(hs->hs_http, HTTP_MAX_BODY);
	evhttp_set_timeout(hs->hs_http, HTTP_TIMEOUT);
	evhttp_set_allowed_methods(hs->hs_http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE);
	evhttp_set_gencb(hs->hs_http, http_dispatch, hs);
	sock = evhttp_bind_socket_with_handle(hs->hs_http, host, port);
	if (sock == NULL) {
		log_warn("%s: cannot listen on %s:%d", __func__, host, port);
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(sock),
	    (struct sockaddr *)&ss, &sslen) == -1) {
		log_warn("%s: getsockname", __func__);
		goto fail;
	}
	*bound_port = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	hs->hs_conns = connlimit_new(hs->hs_http, sock, d);
	return hs;
fail:
	http_server_free(hs);
	return NULL;
}

void
http_server_free(struct http_server *hs)
{
	if (hs == NULL)
		return;
	connlimit_free(hs->hs_conns);
	if (hs->hs_http)
		evhttp_free(hs->hs_http);
	ratelimit_free(hs->hs_limit_client);
	ratelimit_free(hs->hs_limit_token);
	free(hs);
}
