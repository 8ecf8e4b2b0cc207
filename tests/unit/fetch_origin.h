/*
 * fetch_origin.h — a scripted origin for the fetch tests, on the test's
 * own event base: an evhttp server with routes (/ok, /cond, /redir/N,
 * /gzip/..., /hang, /slow ...) and a raw listener that sends a truncated
 * response, both on 127.0.0.1 port 0 (and ::1 when there is one).
 *
 * Included by test_fetch.c and test_fetch_policy.c: every function is
 * static, each test program gets its own copy.  setup() and teardown()
 * build and free a struct env per test.
 */
#ifndef TSUNAGU_TEST_FETCH_ORIGIN_H
#define TSUNAGU_TEST_FETCH_ORIGIN_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <zlib.h>

#include "fetch.h"
#include "log.h"
#include "netguard.h"

#define MAX_BODY	65536
#define MAX_GOT		8
#define MAX_HELD	8
#define MAX_RAW		8
#define SAFETY_SEC	5

struct got {
	enum fetch_error	 err;
	long			 status;
	char			 errmsg[256];
	char			*body;
	size_t			 len;
	char			*etag;
	char			*lm;
	char			*ct;
	char			*url;
	char			*link;
	int64_t			 retry;
};

struct origin {
	struct evhttp		*http;
	int			 port;
	int			 port6;		/* ::1, or 0 when unavailable */
	struct evconnlistener	*raw;
	int			 raw_port;
	struct bufferevent	*raw_bev[MAX_RAW];
	int			 refusing_fd;	/* bound, never listening */
	int			 refusing_port;
	struct evhttp_request	*held[MAX_HELD];
	int			 nheld;
	int			 nrequests;
	int			 active;	/* /slow requests being answered */
	int			 max_active;
	char			 inm[128];	/* If-None-Match seen on /cond */
	char			 ims[128];
};

struct env {
	struct event_base	*base;
	struct origin		 o;
	struct netguard		*guard;		/* allows 127.0.0.1/32 */
	struct fetcher		*fe;
	struct event		*safety;
	int			 timed_out;
	struct got		 got[MAX_GOT];
	int			 ngot;
	int			 nstarted_in_cb;
	char			 url[256];
	struct fetch_request	 fq;
};

static int		 verbosity;	/* TEST_VERBOSE=1 shows debug lines */
static unsigned char	*gzip_bomb;	/* 1 MiB of 'a', gzip-encoded */
static size_t		 gzip_bomb_len;
static unsigned char	*gzip_small;
static size_t		 gzip_small_len;

static void
gzip_encode(const void *in, size_t inlen, unsigned char **out, size_t *outlen)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED,
	    15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	*outlen = deflateBound(&zs, inlen);
	*out = malloc(*outlen);
	assert_non_null(*out);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = inlen;
	zs.next_out = *out;
	zs.avail_out = *outlen;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outlen = zs.total_out;
	deflateEnd(&zs);
}

/* The origin's routes. */

static void
reply(struct evhttp_request *req, int code, const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, code == 200 ? "OK" : "X", b);
	evbuffer_free(b);
}

static void
add_header(struct evhttp_request *req, const char *k, const char *v)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), k, v);
}

static void
route_ok(struct env *env, struct evhttp_request *req, const char *arg)
{
	add_header(req, "Content-Type", "text/plain; charset=utf-8");
	add_header(req, "ETag", "\"v1\"");
	add_header(req, "Last-Modified", "Sun, 01 Mar 2026 01:00:00 GMT");
	reply(req, 200, "hello world", 11);
}

static void
route_cond(struct env *env, struct evhttp_request *req, const char *arg)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const char *inm = evhttp_find_header(in, "If-None-Match");
	const char *ims = evhttp_find_header(in, "If-Modified-Since");

	snprintf(env->o.inm, sizeof(env->o.inm), "%s", inm ? inm : "");
	snprintf(env->o.ims, sizeof(env->o.ims), "%s", ims ? ims : "");
	add_header(req, "ETag", "\"v1\"");
	if (inm != NULL && strcmp(inm, "\"v1\"") == 0) {
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return;
	}
	reply(req, 200, "fresh", 5);
}

/* /redir/N answers 302 to /redir/N-1 (with a hop ETag) until 0. */
static void
route_redir(struct env *env, struct evhttp_request *req, const char *arg)
{
	char loc[64];
	int n = atoi(arg);

	if (n <= 0) {
		reply(req, 200, "end", 3);
		return;
	}
	snprintf(loc, sizeof(loc), "/redir/%d", n - 1);
	add_header(req, "Location", loc);
	add_header(req, "ETag", "\"hop\"");
	add_header(req, "Retry-After", "9");
	add_header(req, "Link", "<https://hop.example.net/>; rel=hub");
	reply(req, 302, "moved", 5);
}

static void
route_to2(struct env *env, struct evhttp_request *req, const char *arg)
{
	char loc[64];

	snprintf(loc, sizeof(loc), "http://127.0.0.2:%d/ok", env->o.port);
	add_header(req, "Location", loc);
	reply(req, 302, "", 0);
}

static void
route_to_file(struct env *env, struct evhttp_request *req, const char *arg)
{
	add_header(req, "Location", "file:///etc/passwd");
	reply(req, 302, "", 0);
}

static void
route_gzip(struct env *env, struct evhttp_request *req, const char *arg)
{
	add_header(req, "Content-Encoding", "gzip");
	if (strcmp(arg, "small") == 0)
		reply(req, 200, (char *)gzip_small, gzip_small_len);
	else
		reply(req, 200, (char *)gzip_bomb, gzip_bomb_len);
}

static void
route_big(struct env *env, struct evhttp_request *req, const char *arg)
{
	static char big[100000];

	memset(big, 'x', sizeof(big));
	reply(req, 200, big, sizeof(big));
}

static void
route_hang(struct env *env, struct evhttp_request *req, const char *arg)
{
	if (env->o.nheld == MAX_HELD) {
		reply(req, 503, "", 0);
		return;
	}
	env->o.held[env->o.nheld++] = req;
}

static void
route_retry(struct env *env, struct evhttp_request *req, const char *arg)
{
	char date[64];
	struct tm tm;
	time_t t;

	if (strcmp(arg, "date") == 0) {
		t = time(NULL) + 300;
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		add_header(req, "Retry-After", date);
	} else if (strcmp(arg, "huge") == 0)
		add_header(req, "Retry-After", "99999999999999999999999");
	else if (strcmp(arg, "junk") == 0)
		add_header(req, "Retry-After", "soon");
	else
		add_header(req, "Retry-After", "120");
	reply(req, 503, "busy", 4);
}

struct slow {
	struct env		*env;
	struct evhttp_request	*req;
};

static void
slow_answer(evutil_socket_t fd, short what, void *arg)
{
	struct slow *s = arg;

	s->env->o.active--;
	reply(s->req, 200, "slow", 4);
	free(s);
}

static void
route_slow(struct env *env, struct evhttp_request *req, const char *arg)
{
	struct timeval tv = { 0, 50 * 1000 };
	struct slow *s = malloc(sizeof(*s));

	assert_non_null(s);
	s->env = env;
	s->req = req;
	if (++env->o.active > env->o.max_active)
		env->o.max_active = env->o.active;
	assert_int_equal(event_base_once(env->base, -1, EV_TIMEOUT,
	    slow_answer, s, &tv), 0);
}

static void
route_headers(struct env *env, struct evhttp_request *req, const char *arg)
{
	char *v = malloc(9001);

	assert_non_null(v);
	memset(v, 'e', 9000);
	v[9000] = '\0';
	if (strcmp(arg, "long-etag") == 0) {
		add_header(req, "ETag", v);
		add_header(req, "Content-Type", "text/x-kept");
	} else if (strcmp(arg, "ctl-etag") == 0)
		add_header(req, "ETag", "\"a\001b\"");
	else if (strcmp(arg, "links") == 0) {
		add_header(req, "Link", "<https://hub.example.net/>; "
		    "rel=\"hub\"");
		add_header(req, "Link", "</feed.xml>; rel=\"self\"");
		add_header(req, "Link", "<https://x.example.net/a,b>; "
		    "title=\"a, b\"; rel=next");
	} else if (strcmp(arg, "many-links") == 0) {
		int i;

		/* Short lines, many: joined in linear time. */
		for (i = 0; i < 10000; i++)
			add_header(req, "Link", "<a>");
	} else if (strcmp(arg, "flood") == 0) {
		int i;

		for (i = 0; i < 40; i++)
			add_header(req, "X-Flood", v);
	}
	free(v);
	reply(req, 200, "h", 1);
}

static void
route_ua(struct env *env, struct evhttp_request *req, const char *arg)
{
	const char *ua = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "User-Agent");

	ua = ua ? ua : "";
	reply(req, 200, ua, strlen(ua));
}

/* The method, and the X-Test header when there is one. */
static void
route_method(struct env *env, struct evhttp_request *req, const char *arg)
{
	const char *x = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Test");
	char out[64];

	snprintf(out, sizeof(out), "%s%s%s",
	    evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" :
	    evhttp_request_get_command(req) == EVHTTP_REQ_GET ? "GET" : "other",
	    x ? " " : "", x ? x : "");
	reply(req, 200, out, strlen(out));
}

static const struct route {
	const char	*prefix;
	void		(*handler)(struct env *, struct evhttp_request *,
			    const char *);
} routes[] = {
	{ "/ok", route_ok },
	{ "/cond", route_cond },
	{ "/redir/", route_redir },
	{ "/to2", route_to2 },
	{ "/to-file", route_to_file },
	{ "/gzip/", route_gzip },
	{ "/big", route_big },
	{ "/hang", route_hang },
	{ "/retry/", route_retry },
	{ "/slow", route_slow },
	{ "/headers/", route_headers },
	{ "/ua", route_ua },
	{ "/method", route_method },
};

static void
origin_dispatch(struct evhttp_request *req, void *arg)
{
	struct env *env = arg;
	const char *path = evhttp_request_get_uri(req);
	size_t i, n;

	env->o.nrequests++;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		n = strlen(routes[i].prefix);
		if (strncmp(path, routes[i].prefix, n) == 0) {
			routes[i].handler(env, req, path + n);
			return;
		}
	}
	evhttp_send_error(req, 404, NULL);
}

/* The raw origin: Content-Length 1000, 10 bytes, close. */

static void
raw_forget(struct env *env, struct bufferevent *bev)
{
	int i;

	for (i = 0; i < MAX_RAW; i++)
		if (env->o.raw_bev[i] == bev)
			env->o.raw_bev[i] = NULL;
	bufferevent_free(bev);
}

static void
raw_written(struct bufferevent *bev, void *arg)
{
	raw_forget(arg, bev);
}

static void
raw_event(struct bufferevent *bev, short what, void *arg)
{
	raw_forget(arg, bev);
}

static void
raw_read(struct bufferevent *bev, void *arg)
{
	static const char partial[] =
	    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789";
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr end;

	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos == -1)
		return;
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_setcb(bev, NULL, raw_written, raw_event, arg);
	bufferevent_write(bev, partial, sizeof(partial) - 1);
}

static void
raw_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct env *env = arg;
	struct bufferevent *bev;
	int i;

	bev = bufferevent_socket_new(env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(bev);
	for (i = 0; i < MAX_RAW && env->o.raw_bev[i] != NULL; i++)
		;
	assert_true(i < MAX_RAW);
	env->o.raw_bev[i] = bev;
	bufferevent_setcb(bev, raw_read, NULL, raw_event, env);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static int
sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void
origin_start(struct env *env)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sin;

	env->o.http = evhttp_new(env->base);
	assert_non_null(env->o.http);
	evhttp_set_gencb(env->o.http, origin_dispatch, env);
	bs = evhttp_bind_socket_with_handle(env->o.http, "127.0.0.1", 0);
	assert_non_null(bs);
	env->o.port = sock_port(evhttp_bound_socket_get_fd(bs));
	/* ::1 is optional: some sandboxes have no IPv6 loopback. */
	bs = evhttp_bind_socket_with_handle(env->o.http, "::1", 0);
	env->o.port6 = bs ? sock_port(evhttp_bound_socket_get_fd(bs)) : 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	env->o.raw = evconnlistener_new_bind(env->base, raw_accept, env,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(env->o.raw);
	env->o.raw_port = sock_port(evconnlistener_get_fd(env->o.raw));

	/* Bound but not listening: connecting to it is refused. */
	env->o.refusing_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(env->o.refusing_fd >= 0);
	assert_int_equal(bind(env->o.refusing_fd, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	env->o.refusing_port = sock_port(env->o.refusing_fd);
}

static void
origin_stop(struct env *env)
{
	int i;

	/* Held requests get their one reply (or are freed if orphaned). */
	for (i = 0; i < env->o.nheld; i++)
		evhttp_send_reply(env->o.held[i], 503, "Bye", NULL);
	for (i = 0; i < MAX_RAW; i++)
		if (env->o.raw_bev[i] != NULL)
			bufferevent_free(env->o.raw_bev[i]);
	evconnlistener_free(env->o.raw);
	evhttp_free(env->o.http);
	close(env->o.refusing_fd);
}

/* Driving the loop. */

static void
safety_fired(evutil_socket_t fd, short what, void *arg)
{
	struct env *env = arg;

	env->timed_out = 1;
	event_base_loopbreak(env->base);
}

static void
got_clear(struct got *g)
{
	free(g->body);
	free(g->etag);
	free(g->lm);
	free(g->ct);
	free(g->link);
	free(g->url);
	memset(g, 0, sizeof(*g));
}

static void
record(const struct fetch_result *fr, void *arg)
{
	struct env *env = arg;
	struct got *g;

	assert_true(env->ngot < MAX_GOT);
	g = &env->got[env->ngot++];
	g->err = fr->fr_error;
	g->status = fr->fr_status;
	snprintf(g->errmsg, sizeof(g->errmsg), "%s", fr->fr_errmsg);
	assert_non_null(fr->fr_body.data);
	assert_int_equal(fr->fr_body.data[fr->fr_body.len], '\0');
	g->body = malloc(fr->fr_body.len + 1);
	assert_non_null(g->body);
	memcpy(g->body, fr->fr_body.data, fr->fr_body.len + 1);
	g->len = fr->fr_body.len;
	g->etag = fr->fr_etag ? strdup(fr->fr_etag) : NULL;
	g->lm = fr->fr_last_modified ? strdup(fr->fr_last_modified) : NULL;
	g->ct = fr->fr_content_type ? strdup(fr->fr_content_type) : NULL;
	g->link = fr->fr_link ? strdup(fr->fr_link) : NULL;
	g->url = fr->fr_effective_url ? strdup(fr->fr_effective_url) : NULL;
	g->retry = fr->fr_retry_after;
}

/* Runs the loop until n results arrived in all; fails after SAFETY_SEC. */
static void
run_until(struct env *env, int n)
{
	struct timeval tv = { SAFETY_SEC, 0 };

	evtimer_add(env->safety, &tv);
	while (env->ngot < n && !env->timed_out)
		event_base_loop(env->base, EVLOOP_ONCE);
	evtimer_del(env->safety);
	if (env->timed_out)
		fail_msg("timed out with %d of %d results", env->ngot, n);
}

/* Resets env->fq to a request for path on the origin. */
static struct fetch_request *
request(struct env *env, const char *path)
{
	snprintf(env->url, sizeof(env->url), "http://127.0.0.1:%d%s",
	    env->o.port, path);
	memset(&env->fq, 0, sizeof(env->fq));
	env->fq.fq_url = env->url;
	env->fq.fq_max_body = MAX_BODY;
	env->fq.fq_connect_timeout_ms = 2000;
	env->fq.fq_timeout_ms = 3000;
	env->fq.fq_max_redirects = 5;
	env->fq.fq_guard = env->guard;
	return &env->fq;
}

static struct got *
fetch_one(struct env *env, const struct fetch_request *fq)
{
	int want = env->ngot + 1;

	assert_int_equal(fetch_start(env->fe, fq, record, env), 0);
	run_until(env, want);
	assert_int_equal(fetcher_in_flight(env->fe), 0);
	return &env->got[want - 1];
}

static struct got *
fetch_path(struct env *env, const char *path)
{
	return fetch_one(env, request(env, path));
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));

	assert_non_null(env);
	env->base = event_base_new();
	assert_non_null(env->base);
	env->safety = evtimer_new(env->base, safety_fired, env);
	env->guard = netguard_new();
	assert_int_equal(netguard_allow(env->guard, "127.0.0.1/32"), 0);
	origin_start(env);
	env->fe = fetcher_new(env->base, 4);
	assert_non_null(env->fe);
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;
	int i;

	fetcher_free(env->fe);
	origin_stop(env);
	for (i = 0; i < MAX_GOT; i++)
		got_clear(&env->got[i]);
	netguard_free(env->guard);
	event_free(env->safety);
	event_base_free(env->base);
	free(env);
	return 0;
}

/* Once per program, before the tests. */
static void
origin_init(const char *progname)
{
	static char plain[1024 * 1024];
	static const char small[] = "hello, decoded world";

	signal(SIGPIPE, SIG_IGN);
	/* Proxies from the environment must be ignored. */
	setenv("http_proxy", "http://127.0.0.1:1", 1);
	setenv("ALL_PROXY", "http://127.0.0.1:1", 1);
	if (getenv("TEST_VERBOSE") != NULL)
		verbosity = atoi(getenv("TEST_VERBOSE"));
	log_init(progname, verbosity);
	memset(plain, 'a', sizeof(plain));
	gzip_encode(plain, sizeof(plain), &gzip_bomb, &gzip_bomb_len);
	gzip_encode(small, sizeof(small) - 1, &gzip_small, &gzip_small_len);
	assert_int_equal(fetch_global_init(), 0);
}

static void
origin_fini(void)
{
	free(gzip_bomb);
	free(gzip_small);
}

#endif
