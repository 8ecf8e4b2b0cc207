/*
 * http.h — the HTTP server (evhttp on the daemon's loop) and its route
 * table.  Every handler ends in exactly one reply (reply.h).
 *
 * A route's pattern matches the path segment by segment; a "*" segment,
 * or a named one such as "{name}", matches any one segment and is captured
 * into hr_args.  Routes with roles (rt_roles, or the older rt_role) are
 * answered 401 without a valid bearer token and 403 with a token of
 * another role before the handler runs; the admin API's routes are also
 * rate-limited per client address and per token (429).
 */
#ifndef TSUNAGU_HTTP_H
#define TSUNAGU_HTTP_H

#include <stddef.h>

#include <event2/keyvalq_struct.h>

#include "auth.h"

struct daemon;
struct evhttp_request;
struct http_server;

#define HTTP_MAX_ARGS	4

/* One request, alive for the duration of the handler call. */
struct http_request {
	struct evhttp_request	*hr_req;	/* borrowed */
	struct daemon		*hr_daemon;
	const char		*hr_path;	/* decoded */
	struct evkeyvalq	 hr_query;
	char			*hr_args[HTTP_MAX_ARGS];
	int			 hr_nargs;
	enum auth_role		 hr_role;
	int			 hr_method;	/* EVHTTP_REQ_* */
	struct auth_principal	 hr_principal;	/* who, on routes with roles */
	const char		*hr_client;	/* peer address, borrowed */
};

typedef void (*route_handler)(struct http_request *);

struct route {
	int		 rt_methods;	/* EVHTTP_REQ_* mask */
	const char	*rt_pattern;
	route_handler	 rt_handler;
	enum auth_role	 rt_role;	/* AUTH_NONE: public, unless rt_roles */
	unsigned	 rt_roles;	/* AUTH_ROLE_BIT mask of who may */
	const char	*rt_summary;	/* for the route list of GET /api/v1 */
};

extern const struct route route_feeds;
extern const struct route route_feeds_sub;
extern const struct route route_healthz;
extern const struct route route_metrics;
extern const struct route route_hub;
extern const struct route route_websub;
/* The /admin/ pages (route_admin.c). */
extern const struct route route_admin;
extern const struct route route_admin_index;
extern const struct route route_admin_file;

/*
 * Binds host:port (0: ephemeral) and serves; the port actually bound is
 * stored in *bound_port.  NULL on failure (logged).
 */
struct http_server	*http_server_new(struct daemon *, const char *host,
			    int port, int *bound_port);
void			 http_server_free(struct http_server *);

/* The roles that may use a route (rt_roles and rt_role together). */
unsigned		 http_route_roles(const struct route *);

/* The query parameter, or NULL. */
const char		*http_query(struct http_request *, const char *key);

#endif
