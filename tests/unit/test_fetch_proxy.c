/*
 * test_fetch_proxy.c — the fetcher through an outbound proxy, in-process:
 * an evhttp origin and a small CONNECT proxy (bufferevents) on 127.0.0.1,
 * port 0, both on the test's event base.  The proxy records the targets it
 * is asked to tunnel to, and can refuse them.
 *
 * What the daemon must do: resolve and check the destination before the
 * proxy hears of it, tunnel to the checked address, carry a POST through,
 * follow redirects itself (each one checked, a 303 turning a POST into a
 * GET), go direct for no_proxy, and free everything when freed mid-way.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "fetch.h"
#include "log.h"
#include "netguard.h"
#include "noproxy.h"

#define MAX_SEEN	16
#define SAFETY_SEC	10

struct env;

struct tunnel {
	struct env		*tn_env;
	struct bufferevent	*tn_client;
	struct bufferevent	*tn_server;	/* once CONNECT is read */
	struct tunnel		*tn_next;	/* open ones, for teardown */
};

struct env {
	struct event_base	*base;
	struct evhttp		*http;
	int			 port;		/* the origin */
	struct evconnlistener	*listener;
	int			 proxy_port;
	struct tunnel		*tunnels;
	int			 refuse;	/* the proxy answers 403 */
	char			 targets[MAX_SEEN][64];	/* CONNECT targets */
	int			 ntargets;
	char			 seen[MAX_SEEN][96];	/* "METHOD URI BODY" */
	int			 nseen;
	struct netguard		*guard;
	struct fetcher		*fe;
	struct event		*safety;
	int			 done;
	enum fetch_error	 err;
	long			 status;
	char			 errmsg[256];
	char			 body[256];
	char			 proxy_url[64];
	char			 url[128];
};

/* --- the origin ------------------------------------------------------- */

static void
origin_cb(struct evhttp_request *req, void *arg)
{
	struct env *env = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct evbuffer *out = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	const char *uri = evhttp_request_get_uri(req);
	const char *method = evhttp_request_get_command(req) ==
	    EVHTTP_REQ_POST ? "POST" : "GET";
	char loc[96], body[64];
	size_t len = evbuffer_get_length(in);
	int n;

	if (len >= sizeof(body))
		len = sizeof(body) - 1;
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	if (env->nseen < MAX_SEEN)
		snprintf(env->seen[env->nseen++], sizeof(env->seen[0]),
		    "%s %s %s", method, uri, body);
	if (strcmp(uri, "/ok") == 0) {
		evbuffer_add_printf(out, "hello");
		evhttp_send_reply(req, 200, "OK", out);
	} else if (strcmp(uri, "/echo") == 0) {
		evbuffer_add_printf(out, "%s %s", method, body);
		evhttp_send_reply(req, 200, "OK", out);
	} else if (strcmp(uri, "/303") == 0) {
		evhttp_add_header(h, "Location", "/echo");
		evhttp_send_reply(req, 303, "See Other", out);
	} else if (strcmp(uri, "/307") == 0) {
		evhttp_add_header(h, "Location", "/echo");
		evhttp_send_reply(req, 307, "Temporary", out);
	} else if (strncmp(uri, "/redir/", 7) == 0) {
		n = atoi(uri + 7);
		snprintf(loc, sizeof(loc), n > 0 ? "/redir/%d" : "/ok", n - 1);
		evhttp_add_header(h, "Location", loc);
		evhttp_send_reply(req, 302, "Found", out);
	} else if (strcmp(uri, "/to2") == 0) {
		snprintf(loc, sizeof(loc), "http://127.0.0.2:%d/ok", env->port);
		evhttp_add_header(h, "Location", loc);
		evhttp_send_reply(req, 302, "Found", out);
	} else
		evhttp_send_reply(req, 404, "Not Found", out);
	evbuffer_free(out);
}

/* --- the proxy: CONNECT host:port, then bytes both ways ---------------- */

static void
tunnel_close(struct tunnel *tn)
{
	struct tunnel **p;

	for (p = &tn->tn_env->tunnels; *p != NULL; p = &(*p)->tn_next)
		if (*p == tn) {
			*p = tn->tn_next;
			break;
		}
	if (tn->tn_client != NULL)
		bufferevent_free(tn->tn_client);
	if (tn->tn_server != NULL)
		bufferevent_free(tn->tn_server);
	free(tn);
}

static void
relay_read(struct bufferevent *bev, void *arg)
{
	struct tunnel *tn = arg;
	struct bufferevent *other = bev == tn->tn_client ? tn->tn_server :
	    tn->tn_client;

	bufferevent_write_buffer(other, bufferevent_get_input(bev));
}

static void
relay_event(struct bufferevent *bev, short what, void *arg)
{
	struct tunnel *tn = arg;

	if (what & BEV_EVENT_CONNECTED) {
		static const char yes[] = "HTTP/1.1 200 Connection "
		    "established\r\n\r\n";

		bufferevent_write(tn->tn_client, yes, sizeof(yes) - 1);
		bufferevent_enable(tn->tn_server, EV_READ | EV_WRITE);
		bufferevent_enable(tn->tn_client, EV_READ | EV_WRITE);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		tunnel_close(tn);
}

static void
proxy_request(struct bufferevent *bev, void *arg)
{
	struct tunnel *tn = arg;
	struct env *env = tn->tn_env;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr end;
	struct sockaddr_in sin;
	char head[1024], target[64], *colon;
	size_t len;

	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos == -1)
		return;
	len = (size_t)end.pos + 4;
	if (len >= sizeof(head))
		len = sizeof(head) - 1;
	evbuffer_remove(in, head, len);
	head[len] = '\0';
	if (sscanf(head, "CONNECT %63s ", target) != 1) {
		tunnel_close(tn);
		return;
	}
	if (env->ntargets < MAX_SEEN)
		snprintf(env->targets[env->ntargets++], sizeof(env->targets[0]),
		    "%s", target);
	if (env->refuse) {
		static const char no[] = "HTTP/1.1 403 Forbidden\r\n"
		    "Content-Length: 0\r\n\r\n";

		bufferevent_write(bev, no, sizeof(no) - 1);
		bufferevent_setcb(bev, NULL, NULL, relay_event, tn);
		return;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if ((colon = strrchr(target, ':')) == NULL)
		fail_msg("CONNECT %s", target);
	*colon = '\0';
	assert_int_equal(inet_pton(AF_INET, target, &sin.sin_addr), 1);
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	tn->tn_server = bufferevent_socket_new(env->base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(tn->tn_server, relay_read, NULL, relay_event, tn);
	bufferevent_setcb(bev, relay_read, NULL, relay_event, tn);
	bufferevent_disable(bev, EV_READ);
	if (bufferevent_socket_connect(tn->tn_server,
	    (struct sockaddr *)&sin, sizeof(sin)) == -1)
		tunnel_close(tn);
}

static void
proxy_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int len, void *arg)
{
	struct env *env = arg;
	struct tunnel *tn = calloc(1, sizeof(*tn));

	tn->tn_env = env;
	tn->tn_next = env->tunnels;
	env->tunnels = tn;
	tn->tn_client = bufferevent_socket_new(env->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(tn->tn_client, proxy_request, NULL, relay_event, tn);
	bufferevent_enable(tn->tn_client, EV_READ | EV_WRITE);
}

/* --- fixture ------------------------------------------------------------ */

static int
bound_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

static void
safety_cb(evutil_socket_t fd, short what, void *arg)
{
	struct env *env = arg;

	event_base_loopbreak(env->base);
}

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	struct evhttp_bound_socket *sock;
	struct sockaddr_in sin;
	struct timeval tv = { SAFETY_SEC, 0 };

	env->base = event_base_new();
	env->http = evhttp_new(env->base);
	evhttp_set_allowed_methods(env->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST);
	evhttp_set_gencb(env->http, origin_cb, env);
	sock = evhttp_bind_socket_with_handle(env->http, "127.0.0.1", 0);
	assert_non_null(sock);
	env->port = bound_port(evhttp_bound_socket_get_fd(sock));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	env->listener = evconnlistener_new_bind(env->base, proxy_accept, env,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(env->listener);
	env->proxy_port = bound_port(evconnlistener_get_fd(env->listener));
	snprintf(env->proxy_url, sizeof(env->proxy_url),
	    "http://127.0.0.1:%d", env->proxy_port);
	env->guard = netguard_new();
	/* 127.0.0.1 may be reached; the proxy is on it too, but that is not
	 * why it is reached. */
	assert_int_equal(netguard_allow(env->guard, "127.0.0.1"), 0);
	env->fe = fetcher_new(env->base, 4);
	assert_non_null(env->fe);
	/* The proxy travels with the outbound rules. */
	netguard_set_proxy(env->guard, env->proxy_url, NULL);
	env->safety = evtimer_new(env->base, safety_cb, env);
	evtimer_add(env->safety, &tv);
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;

	fetcher_free(env->fe);
	while (env->tunnels != NULL)
		tunnel_close(env->tunnels);
	netguard_free(env->guard);
	event_free(env->safety);
	evconnlistener_free(env->listener);
	evhttp_free(env->http);
	event_base_free(env->base);
	free(env);
	return 0;
}

static void
done_cb(const struct fetch_result *fr, void *arg)
{
	struct env *env = arg;

	env->done++;
	env->err = fr->fr_error;
	env->status = fr->fr_status;
	snprintf(env->errmsg, sizeof(env->errmsg), "%s", fr->fr_errmsg);
	snprintf(env->body, sizeof(env->body), "%.*s", (int)fr->fr_body.len,
	    fr->fr_body.data);
}

static void
run(struct env *env, const char *path, const char *method, const char *body,
    int redirects)
{
	struct fetch_request fq = { 0 };

	snprintf(env->url, sizeof(env->url), "%s", path);
	if (path[0] == '/')
		snprintf(env->url, sizeof(env->url), "http://127.0.0.1:%d%s",
		    env->port, path);
	fq.fq_url = env->url;
	fq.fq_guard = env->guard;
	fq.fq_max_redirects = redirects;
	fq.fq_method = method;
	fq.fq_body = body;
	fq.fq_body_len = body ? strlen(body) : 0;
	fq.fq_connect_timeout_ms = 3000;
	fq.fq_timeout_ms = 5000;
	env->done = 0;
	assert_int_equal(fetch_start(env->fe, &fq, done_cb, env), 0);
	/* Never called back from inside fetch_start(). */
	assert_int_equal(env->done, 0);
	assert_int_equal(fetcher_in_flight(env->fe), 1);
	while (env->done == 0 &&
	    event_base_loop(env->base, EVLOOP_ONCE) == 0)
		;
	assert_int_equal(env->done, 1);
	assert_int_equal(fetcher_in_flight(env->fe), 0);
}

/* --- tests ---------------------------------------------------------------- */

static void
test_get_through_tunnel(void **state)
{
	struct env *env = *state;
	char want[64];

	run(env, "/ok", NULL, NULL, 5);
	assert_int_equal(env->err, FETCH_OK);
	assert_int_equal(env->status, 200);
	assert_string_equal(env->body, "hello");
	snprintf(want, sizeof(want), "127.0.0.1:%d", env->port);
	assert_int_equal(env->ntargets, 1);
	assert_string_equal(env->targets[0], want);
	assert_int_equal(env->nseen, 1);
	assert_string_equal(env->seen[0], "GET /ok ");
}

/* The body goes through; a 303 is followed as a GET, a 307 keeps it. */
static void
test_post_and_redirects(void **state)
{
	struct env *env = *state;

	run(env, "/303", "POST", "x=1", 3);
	assert_int_equal(env->err, FETCH_OK);
	assert_string_equal(env->body, "GET ");
	assert_string_equal(env->seen[0], "POST /303 x=1");
	assert_string_equal(env->seen[1], "GET /echo ");
	run(env, "/307", "POST", "y=2", 3);
	assert_int_equal(env->err, FETCH_OK);
	assert_string_equal(env->body, "POST y=2");
	assert_string_equal(env->seen[3], "POST /echo y=2");
	/* No redirect allowed (webhooks): the 3xx is the answer. */
	run(env, "/303", "POST", "z", 0);
	assert_int_equal(env->err, FETCH_OK);
	assert_int_equal(env->status, 303);
}

static void
test_refused_before_the_proxy(void **state)
{
	struct env *env = *state;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.2:%d/ok", env->port);
	run(env, url, NULL, NULL, 5);
	assert_int_equal(env->err, FETCH_ERR_REFUSED);
	assert_non_null(strstr(env->errmsg, "127.0.0.2"));
	assert_int_equal(env->ntargets, 0);
	assert_int_equal(env->nseen, 0);
	/* The same through a name that resolves there. */
	netguard_reset(env->guard);
	snprintf(url, sizeof(url), "http://localhost:%d/ok", env->port);
	run(env, url, NULL, NULL, 5);
	assert_int_equal(env->err, FETCH_ERR_REFUSED);
	assert_non_null(strstr(env->errmsg, "localhost"));
	assert_int_equal(env->ntargets, 0);
}

static void
test_each_hop_checked(void **state)
{
	struct env *env = *state;

	run(env, "/to2", NULL, NULL, 5);
	assert_int_equal(env->err, FETCH_ERR_REFUSED);
	assert_non_null(strstr(env->errmsg, "127.0.0.2"));
	assert_int_equal(env->status, 0);
	assert_int_equal(env->nseen, 1);
	assert_int_equal(env->ntargets, 1);
	run(env, "/redir/5", NULL, NULL, 2);
	assert_int_equal(env->err, FETCH_ERR_REDIRECTS);
	assert_non_null(strstr(env->errmsg, "more than 2 redirects"));
	assert_int_equal(env->nseen, 1 + 3);
	run(env, "/redir/2", NULL, NULL, 3);
	assert_int_equal(env->err, FETCH_OK);
	assert_string_equal(env->body, "hello");
}

static void
test_no_proxy(void **state)
{
	struct env *env = *state;
	struct noproxy *np = noproxy_new();
	char url[64];

	assert_int_equal(noproxy_add(np, "127.0.0.0/8"), 0);
	netguard_set_proxy(env->guard, env->proxy_url, np);
	run(env, "/redir/1", NULL, NULL, 3);
	assert_int_equal(env->err, FETCH_OK);
	assert_int_equal(env->ntargets, 0);
	assert_int_equal(env->nseen, 3);
	/* By name: that host only. */
	np = noproxy_new();
	assert_int_equal(noproxy_add(np, "localhost"), 0);
	netguard_set_proxy(env->guard, env->proxy_url, np);
	run(env, "/ok", NULL, NULL, 3);
	assert_int_equal(env->ntargets, 1);
	snprintf(url, sizeof(url), "http://localhost:%d/ok", env->port);
	run(env, url, NULL, NULL, 3);
	assert_int_equal(env->err, FETCH_OK);
	assert_int_equal(env->ntargets, 1);
	/* No proxy at all: straight there, curl following redirects. */
	netguard_set_proxy(env->guard, NULL, NULL);
	run(env, "/redir/1", NULL, NULL, 3);
	assert_int_equal(env->err, FETCH_OK);
	assert_int_equal(env->ntargets, 1);	/* none more */
}

static void
test_proxy_refuses(void **state)
{
	struct env *env = *state;

	env->refuse = 1;
	run(env, "/ok", NULL, NULL, 3);
	assert_int_equal(env->err, FETCH_ERR_CONNECT);
	assert_non_null(strstr(env->errmsg, "403"));
	assert_int_equal(env->nseen, 0);
}

static void
test_bad_url(void **state)
{
	struct env *env = *state;

	run(env, "ftp://127.0.0.1/x", NULL, NULL, 3);
	assert_int_equal(env->err, FETCH_ERR_URL);
	assert_int_equal(env->ntargets, 0);
}

/* Freed while the route is being decided: called back, nothing leaks. */
static void
test_abort_while_routing(void **state)
{
	struct env *env = *state;
	struct fetch_request fq = { 0 };

	snprintf(env->url, sizeof(env->url), "http://127.0.0.1:%d/ok",
	    env->port);
	fq.fq_url = env->url;
	fq.fq_guard = env->guard;
	assert_int_equal(fetch_start(env->fe, &fq, done_cb, env), 0);
	assert_int_equal(fetch_start(env->fe, &fq, done_cb, env), 0);
	assert_int_equal(fetcher_in_flight(env->fe), 2);
	fetcher_free(env->fe);
	env->fe = NULL;
	assert_int_equal(env->done, 2);
	assert_int_equal(env->err, FETCH_ERR_ABORTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_get_through_tunnel),
		T(test_post_and_redirects),
		T(test_refused_before_the_proxy),
		T(test_each_hop_checked),
		T(test_no_proxy),
		T(test_proxy_refuses),
		T(test_bad_url),
		T(test_abort_while_routing),
#undef T
	};

	if (getenv("TEST_VERBOSE") != NULL)
		log_init("test_fetch_proxy", 2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
