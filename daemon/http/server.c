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
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reply.h"

#define HTTP_MAX_HEADERS	(16 * 1024)
#define HTTP_MAX_BODY		(1024 * 1024)
#define HTTP_TIMEOUT		30	/* seconds */

static const struct route *const routes[] = {
	&route_feeds,
	&route_healthz,
	&route_metrics,
	&route_api_sources,
	&route_api_source,
	&route_api_source_fetch,
	NULL
};

struct http_server {
	struct daemon	*hs_daemon;
	struct evhttp	*hs_http;
};

const char *
http_query(struct http_request *hr, const char *key)
{
	return evhttp_find_header(&hr->hr_query, key);
}

/*
 * Matches a pattern against a path segment by segment; a pattern segment
 * that is a lone asterisk matches any one segment and is captured.
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
		if (pe - p == 1 && *p == '*') {
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

static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_server *hs = arg;
	struct http_request hr = { 0 };
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const struct route *const *rp, *found = NULL;
	char *path = NULL;
	const char *query;
	int path_matched = 0, method;
	size_t pathlen = 0;

	hr.hr_req = req;
	hr.hr_daemon = hs->hs_daemon;
	TAILQ_INIT(&hr.hr_query);
	method = evhttp_request_get_command(req);
	hr.hr_method = method;
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
	for (rp = routes; *rp; rp++) {
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
	if (found->rt_role != AUTH_NONE) {
		hr.hr_role = auth_check(hs->hs_daemon->d_auth,
		    evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Authorization"));
		if (hr.hr_role == AUTH_NONE) {
			reply_header(&hr, "WWW-Authenticate",
			    "Bearer realm=\"tsunagu\"");
			reply_error(&hr, 401, "a valid bearer token is needed");
			goto done;
		}
		if (hr.hr_role != found->rt_role) {
			reply_error(&hr, 403, "the %s role may not do this",
			    auth_role_name(hr.hr_role));
			goto done;
		}
	}
	found->rt_handler(&hr);
done:
	request_clear_args(&hr);
	evhttp_clear_headers(&hr.hr_query);
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
	if (hs->hs_http)
		evhttp_free(hs->hs_http);
	free(hs);
}
