/*
 * test_netguard_vectors.c — the outbound address rules (DESIGN.md,
 * "Outbound requests"; issue 11, "Network safety") over tables of
 * vectors:
 *
 *   1. addresses: each special-purpose range at its edges, with the rule
 *      a refusal names, against netguard_check();
 *   2. URLs that spell loopback in other ways (decimal, octal, hex,
 *      short forms, 0.0.0.0, IPv4-mapped): fetched through the fetcher,
 *      each must reach the origin when 127.0.0.1 is allowed -- so it
 *      does mean loopback -- and be refused at socket open, with no
 *      request arriving, when it is not;
 *   3. redirects to such addresses, checked again at every hop;
 *   4. DNS rebinding: a name whose address flips between fetches, and
 *      within a redirect chain, through fq_resolve (CURLOPT_RESOLVE);
 *   5. a webhook-style POST (no redirects) refused the same way.
 *
 * The origin is fetch_origin.h's (127.0.0.1, and ::1 when there is one);
 * a second evhttp server here answers /r?to=URL with a redirect and
 * /close with "Connection: close", and counts what it was asked.
 */
#include <sys/queue.h>

#include "fetch_origin.h"

#include <event2/keyvalq_struct.h>

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* --- 1. addresses ------------------------------------------------------ */

struct vector {
	const char	*addr;
	const char	*rule;	/* the "(rule)" a refusal names; NULL: allowed */
};

static const struct vector empty_list[] = {
	/* loopback */
	{ "127.0.0.1", "127.0.0.0/8" },
	{ "127.255.255.255", "127.0.0.0/8" },
	{ "126.255.255.255", NULL },
	{ "128.0.0.0", NULL },
	/* RFC 1918 */
	{ "10.0.0.0", "10.0.0.0/8" },
	{ "10.255.255.255", "10.0.0.0/8" },
	{ "9.255.255.255", NULL },
	{ "11.0.0.0", NULL },
	{ "172.16.0.0", "172.16.0.0/12" },
	{ "172.31.255.255", "172.16.0.0/12" },
	{ "172.15.255.255", NULL },
	{ "172.32.0.0", NULL },
	{ "192.168.0.0", "192.168.0.0/16" },
	{ "192.168.255.255", "192.168.0.0/16" },
	{ "192.167.255.255", NULL },
	{ "192.169.0.0", NULL },
	/* CGNAT */
	{ "100.64.0.0", "100.64.0.0/10" },
	{ "100.127.255.255", "100.64.0.0/10" },
	{ "100.63.255.255", NULL },
	{ "100.128.0.0", NULL },
	/* link-local, the cloud metadata address among them */
	{ "169.254.0.0", "169.254.0.0/16" },
	{ "169.254.169.254", "169.254.0.0/16" },
	{ "169.254.255.255", "169.254.0.0/16" },
	{ "169.253.255.255", NULL },
	{ "169.255.0.0", NULL },
	/* "this network", broadcast, multicast */
	{ "0.0.0.0", "0.0.0.0/8" },
	{ "0.255.255.255", "0.0.0.0/8" },
	{ "1.0.0.0", NULL },
	{ "255.255.255.255", "255.255.255.255/32" },
	{ "224.0.0.1", "224.0.0.0/4" },
	/* public */
	{ "8.8.8.8", NULL },
	{ "1.1.1.1", NULL },
	{ "133.242.0.1", NULL },
	/* IPv6 loopback, unspecified, link-local, site-local, ULA */
	{ "::1", "::1/128" },
	{ "::", "::/128" },
	{ "fe80::1", "fe80::/10" },
	{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::/10" },
	{ "fec0::1", "fec0::/10" },
	{ "fc00::", "fc00::/7" },
	{ "fd12:3456:789a::1", "fc00::/7" },
	{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fc00::/7" },
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL },
	{ "fe00::1", NULL },
	{ "ff02::1", "ff00::/8" },
	/* IPv4-mapped and -compatible: refused whatever they embed */
	{ "::ffff:127.0.0.1", "::ffff:0:0/96" },
	{ "::ffff:10.1.2.3", "::ffff:0:0/96" },
	{ "::ffff:8.8.8.8", "::ffff:0:0/96" },
	{ "::127.0.0.1", "::/96" },
	/* NAT64 and 6to4: judged by the IPv4 address they embed */
	{ "64:ff9b::7f00:1", "127.0.0.0/8" },
	{ "64:ff9b::a00:1", "10.0.0.0/8" },
	{ "64:ff9b::808:808", NULL },
	{ "2002:7f00:1::1", "127.0.0.0/8" },
	{ "2002:a9fe:a9fe::1", "169.254.0.0/16" },
	{ "2002:808:808::1", NULL },
	/* public IPv6 */
	{ "2001:4860:4860::8888", NULL },
	{ "2404:6800:4004:80f::200e", NULL },
};

/* With 127.0.0.1/32 and 10.0.0.0/8 allowed. */
static const struct vector some_allowed[] = {
	{ "127.0.0.1", NULL },
	{ "127.0.0.2", "127.0.0.0/8" },
	{ "10.20.30.40", NULL },
	{ "172.16.0.1", "172.16.0.0/12" },
	/* the allow rule covers the mapped, NAT64 and 6to4 forms */
	{ "::ffff:127.0.0.1", NULL },
	{ "::ffff:10.0.0.1", NULL },
	{ "::ffff:127.0.0.2", "::ffff:0:0/96" },
	{ "64:ff9b::7f00:1", NULL },
	{ "2002:a00:1::", NULL },
	{ "::1", "::1/128" },
	{ "0.0.0.0", "0.0.0.0/8" },
};

static int
check_literal(const struct netguard *ng, const char *addr, char *why,
    size_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		sin6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
			fail_msg("bad vector %s", addr);
	} else {
		sin->sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			fail_msg("bad vector %s", addr);
	}
	return netguard_check(ng, (struct sockaddr *)&ss, why, len);
}

static void
expect_vectors(const struct netguard *ng, const struct vector *v, size_t n)
{
	char why[256], rule[64];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = check_literal(ng, v[i].addr, why, sizeof(why));
		if (v[i].rule == NULL) {
			if (rc != 0)
				fail_msg("%s refused: %s", v[i].addr, why);
			continue;
		}
		if (rc != -1)
			fail_msg("%s allowed; want refused by %s", v[i].addr,
			    v[i].rule);
		snprintf(rule, sizeof(rule), "(%s)", v[i].rule);
		if (strstr(why, rule) == NULL ||
		    strstr(why, "not in allow_networks") == NULL)
			fail_msg("%s: reason '%s' does not name %s", v[i].addr,
			    why, rule);
	}
}

static void
test_address_table(void **state)
{
	struct netguard *ng = netguard_new();

	expect_vectors(NULL, empty_list, nitems(empty_list));
	expect_vectors(ng, empty_list, nitems(empty_list));
	assert_int_equal(netguard_allow(ng, "127.0.0.1/32"), 0);
	assert_int_equal(netguard_allow(ng, "10.0.0.0/8"), 0);
	expect_vectors(ng, some_allowed, nitems(some_allowed));
	netguard_free(ng);
}

/* --- the redirector ---------------------------------------------------- */

struct redirector {
	struct evhttp	*http;
	int		 port;
	int		 nrequests;
	int		 nrefused_addr;	/* that arrived at 127.0.0.2 */
};

static struct redirector rd;

/* Which of its two addresses the request came in on. */
static int
local_is_127_0_0_2(struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct bufferevent *bev = evhttp_connection_get_bufferevent(conn);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(bufferevent_getfd(bev), (struct sockaddr *)&sin,
	    &len) == -1 || sin.sin_family != AF_INET)
		return 0;
	return ntohl(sin.sin_addr.s_addr) == 0x7f000002;
}

static void
redirector_dispatch(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = evhttp_uri_get_path(uri), *query, *to;
	struct evkeyvalq q;

	rd.nrequests++;
	if (local_is_127_0_0_2(req))
		rd.nrefused_addr++;
	if (strcmp(path, "/close") == 0) {
		add_header(req, "Connection", "close");
		reply(req, 200, "closed", 6);
		return;
	}
	TAILQ_INIT(&q);
	query = evhttp_uri_get_query(uri);
	if (strcmp(path, "/r") != 0 || query == NULL ||
	    evhttp_parse_query_str(query, &q) == -1 ||
	    (to = evhttp_find_header(&q, "to")) == NULL) {
		evhttp_clear_headers(&q);
		evhttp_send_error(req, 404, NULL);
		return;
	}
	add_header(req, "Location", to);
	reply(req, 302, "", 0);
	evhttp_clear_headers(&q);
}

static int
setup_vectors(void **state)
{
	struct env *env;
	struct evhttp_bound_socket *bs;

	setup(state);
	env = *state;
	memset(&rd, 0, sizeof(rd));
	rd.http = evhttp_new(env->base);
	assert_non_null(rd.http);
	evhttp_set_gencb(rd.http, redirector_dispatch, env);
	bs = evhttp_bind_socket_with_handle(rd.http, "127.0.0.1", 0);
	assert_non_null(bs);
	rd.port = sock_port(evhttp_bound_socket_get_fd(bs));
	/* The same server on 127.0.0.2: a refused address that would answer,
	 * so that reaching it shows (Linux routes all of 127/8 to lo). */
	assert_non_null(evhttp_bind_socket_with_handle(rd.http, "127.0.0.2",
	    rd.port));
	return 0;
}

static int
teardown_vectors(void **state)
{
	/* No request ever reached the refused address. */
	assert_int_equal(rd.nrefused_addr, 0);
	evhttp_free(rd.http);
	return teardown(state);
}

/*
 * fetch_one() with room for any number of fetches in a test: env keeps
 * MAX_GOT results, so the older ones are dropped first.
 */
static struct got *
vfetch(struct env *env, const struct fetch_request *fq)
{
	int i;

	if (env->ngot == MAX_GOT) {
		for (i = 0; i < MAX_GOT; i++)
			got_clear(&env->got[i]);
		env->ngot = 0;
	}
	return fetch_one(env, fq);
}

/* A URL on the redirector that sends the client to `to`. */
static void
redirect_url(struct env *env, const char *to)
{
	char *enc = evhttp_encode_uri(to);

	assert_non_null(enc);
	snprintf(env->url, sizeof(env->url), "http://127.0.0.1:%d/r?to=%s",
	    rd.port, enc);
	free(enc);
}

/* --- 2. URL spellings of loopback --------------------------------------- */

static const char *const loopback_spellings[] = {
	"2130706433",		/* decimal */
	"0x7f000001",		/* hex */
	"017700000001",		/* octal */
	"0x7f.1",		/* hex, short form */
	"0177.0.0.1",		/* octal first octet */
	"0177.1",		/* octal, short form */
	"0x7f.0x0.0x0.0x1",	/* hex octets */
	"127.000.000.001",	/* zero-padded octal */
	"127.1",		/* short form */
	"127.0.0.1",
};

static void
test_url_spellings(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	size_t i;
	int before;

	for (i = 0; i < nitems(loopback_spellings); i++) {
		/* Allowed: it does reach the loopback origin. */
		fq = request(env, "/ok");
		snprintf(env->url, sizeof(env->url), "http://%s:%d/ok",
		    loopback_spellings[i], env->o.port);
		g = vfetch(env, fq);
		if (g->err != FETCH_OK)
			fail_msg("%s with 127.0.0.1 allowed: %s",
			    loopback_spellings[i], g->errmsg);
		assert_string_equal(g->body, "hello world");
		/* Not allowed: refused at socket open, nothing sent. */
		before = env->o.nrequests;
		fq->fq_guard = NULL;
		g = vfetch(env, fq);
		if (g->err != FETCH_ERR_REFUSED)
			fail_msg("%s not refused: %s (%s)", loopback_spellings[i],
			    fetch_error_code(g->err), g->errmsg);
		assert_contains(g->errmsg, "address 127.0.0.1 is loopback");
		assert_int_equal(env->o.nrequests, before);
	}
}

/* Refused even with 127.0.0.1 allowed: they are not 127.0.0.1. */
static void
test_unspecified_and_mapped(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	const struct {
		const char	*host;
		const char	*why;
		int		 v6;	/* on the ::1 port */
	} v[] = {
		{ "0.0.0.0", "0.0.0.0/8", 0 },
		{ "0", "0.0.0.0/8", 0 },
		{ "0x0", "0.0.0.0/8", 0 },
		{ "[::]", "::/128", 1 },
		{ "[::1]", "::1/128", 1 },
		{ "[::ffff:127.0.0.2]", "::ffff:0:0/96", 0 },
		{ "[::ffff:7f00:2]", "::ffff:0:0/96", 0 },
		{ "[::127.0.0.1]", "::/96", 0 },
		{ "0x7f.0.0.2", "127.0.0.0/8", 0 },
		{ "2130706434", "127.0.0.0/8", 0 },	/* 127.0.0.2 */
	};
	size_t i;
	int before;

	for (i = 0; i < nitems(v); i++) {
		fq = request(env, "/ok");
		/* The redirector answers on 127.0.0.1 and 127.0.0.2. */
		snprintf(env->url, sizeof(env->url), "http://%s:%d/close",
		    v[i].host, v[i].v6 && env->o.port6 ? env->o.port6 :
		    rd.port);
		before = env->o.nrequests + rd.nrequests;
		g = vfetch(env, fq);
		if (g->err != FETCH_ERR_REFUSED)
			fail_msg("%s not refused: %s (%s)", v[i].host,
			    fetch_error_code(g->err), g->errmsg);
		assert_contains(g->errmsg, v[i].why);
		assert_int_equal(env->o.nrequests + rd.nrequests, before);
	}
	/* A name, through the resolver. */
	fq = request(env, "/ok");
	fq->fq_guard = NULL;
	snprintf(env->url, sizeof(env->url), "http://localhost:%d/ok",
	    env->o.port);
	before = env->o.nrequests;
	g = vfetch(env, fq);
	assert_true(g->err == FETCH_ERR_REFUSED || g->err == FETCH_ERR_DNS);
	assert_int_equal(env->o.nrequests, before);
}

/* --- 3. redirects ------------------------------------------------------- */

static void
test_redirects_rechecked(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	char to[200], hop[256];
	static const struct {
		const char	*host;
		const char	*path;
	} targets[] = {
		{ "127.0.0.2", "/ok" },
		{ "0x7f.0.0.2", "/ok" },
		{ "2130706434", "/ok" },
		{ "0.0.0.0", "/ok" },
		{ "[::ffff:127.0.0.2]", "/ok" },
		{ "[::ffff:10.0.0.1]", "/ok" },
		{ "[::1]", "/ok" },
		{ "169.254.169.254", "/latest/meta-data/" },
		{ "100.64.0.1", "/ok" },
		{ "192.168.1.1", "/ok" },
		{ "[fd00::1]", "/ok" },
	};
	size_t i;
	int before;

	/* Control: the origin answers, and a redirect to it is followed. */
	g = fetch_path(env, "/ok");
	assert_int_equal(g->err, FETCH_OK);
	snprintf(to, sizeof(to), "http://127.0.0.1:%d/ok", env->o.port);
	fq = request(env, "/");
	redirect_url(env, to);
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_string_equal(g->body, "hello world");

	for (i = 0; i < nitems(targets); i++) {
		snprintf(to, sizeof(to), "http://%s:%d%s", targets[i].host,
		    rd.port, targets[i].path);
		/* Directly, and as the second hop of a chain. */
		fq = request(env, "/");
		redirect_url(env, to);
		before = env->o.nrequests;
		rd.nrefused_addr = 0;
		g = vfetch(env, fq);
		if (g->err != FETCH_ERR_REFUSED)
			fail_msg("redirect to %s: %s (%s)", to,
			    fetch_error_code(g->err), g->errmsg);
		assert_int_equal(env->o.nrequests, before);
		snprintf(hop, sizeof(hop), "%s", env->url);
		redirect_url(env, hop);
		g = vfetch(env, fq);
		if (g->err != FETCH_ERR_REFUSED)
			fail_msg("2-hop redirect to %s: %s (%s)", to,
			    fetch_error_code(g->err), g->errmsg);
		assert_int_equal(env->o.nrequests, before);
		assert_int_equal(rd.nrefused_addr, 0);
	}
}

/* --- 4. DNS rebinding --------------------------------------------------- */

static void
test_dns_rebinding(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	char good[128], bad[128], both[128], to[128];
	const char *resolve[2] = { NULL, NULL };
	int before;

	snprintf(good, sizeof(good), "rebind.example:%d:127.0.0.1", rd.port);
	snprintf(bad, sizeof(bad), "rebind.example:%d:127.0.0.2", rd.port);
	snprintf(both, sizeof(both), "rebind.example:%d:127.0.0.2,127.0.0.1",
	    rd.port);

	/* First the name points to an allowed address ... */
	fq = request(env, "/");
	snprintf(env->url, sizeof(env->url), "http://rebind.example:%d/close",
	    rd.port);
	resolve[0] = good;
	fq->fq_resolve = resolve;
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_string_equal(g->body, "closed");

	/* ... then to a refused one: the new connection is refused. */
	resolve[0] = bad;
	before = rd.nrequests;
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_contains(g->errmsg, "address 127.0.0.2 is loopback");
	assert_int_equal(rd.nrequests, before);

	/* Inside one redirect chain: the hop's name is resolved anew. */
	snprintf(to, sizeof(to), "http://rebind.example:%d/close", rd.port);
	redirect_url(env, to);
	before = rd.nrequests;
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_int_equal(rd.nrequests, before + 1);	/* the redirect only */

	/* Two answers, the refused one first: never connected to. */
	snprintf(env->url, sizeof(env->url), "http://rebind.example:%d/close",
	    rd.port);
	resolve[0] = both;
	before = rd.nrequests;
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_string_equal(g->body, "closed");
	assert_int_equal(rd.nrequests, before + 1);

	/* And back: allowed again. */
	resolve[0] = good;
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_OK);
}

/* --- 5. webhook-style requests ------------------------------------------ */

static void
test_webhook_post_refused(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	const char *const headers[] = { "Content-Type: application/json",
	    NULL };
	char to[128];
	int before = env->o.nrequests;

	fq = request(env, "/ok");
	snprintf(env->url, sizeof(env->url), "http://0x7f.1:%d/ok",
	    env->o.port);
	fq->fq_guard = NULL;
	fq->fq_method = "POST";
	fq->fq_body = "{}";
	fq->fq_body_len = 2;
	fq->fq_headers = headers;
	fq->fq_max_redirects = 0;
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_int_equal(env->o.nrequests, before);

	/* No redirects for webhooks: a 302 is an answer, not followed. */
	fq->fq_guard = env->guard;
	snprintf(to, sizeof(to), "http://127.0.0.2:%d/ok", env->o.port);
	redirect_url(env, to);
	g = vfetch(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->status, 302);
	assert_int_equal(env->o.nrequests, before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_table),
#define T(f)	cmocka_unit_test_setup_teardown(f, setup_vectors, \
		    teardown_vectors)
		T(test_url_spellings),
		T(test_unspecified_and_mapped),
		T(test_redirects_rechecked),
		T(test_dns_rebinding),
		T(test_webhook_post_refused),
#undef T
	};
	int rc;

	origin_init("test_netguard_vectors");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	origin_fini();
	return rc;
}
