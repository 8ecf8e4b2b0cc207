/*
 * test_fetch_policy.c — where outbound requests may go: the netguard at
 * connect time, on reused connections and at every redirect hop, and
 * http/https only (fetch_origin.h is the origin).
 */
#include "fetch_origin.h"

static void
test_refused_loopback(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	int before = env->o.nrequests;

	fq = request(env, "/ok");
	fq->fq_guard = NULL;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_string_equal(g->errmsg, "address 127.0.0.1 is loopback "
	    "(127.0.0.0/8) and not in allow_networks");
	assert_int_equal(env->o.nrequests, before);

	snprintf(env->url, sizeof(env->url), "http://[::1]:%d/ok",
	    env->o.port6 ? env->o.port6 : env->o.port);
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_contains(g->errmsg, "address ::1 is loopback");
	assert_int_equal(env->o.nrequests, before);
}

static void
test_refused_on_reuse(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	int before;

	/* Leaves a connection to 127.0.0.1 in curl's cache ... */
	g = fetch_path(env, "/ok");
	assert_int_equal(g->err, FETCH_OK);
	/* ... which a stricter guard must not be able to use. */
	before = env->o.nrequests;
	fq = request(env, "/ok");
	fq->fq_guard = NULL;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_contains(g->errmsg, "127.0.0.1");
	assert_int_equal(env->o.nrequests, before);
}

static void
test_ipv6_allowed(void **state)
{
	struct env *env = *state;
	struct netguard *ng;
	struct fetch_request *fq;
	struct got *g;

	if (env->o.port6 == 0)
		skip();
	ng = netguard_new();
	assert_int_equal(netguard_allow(ng, "::1/128"), 0);
	fq = request(env, "/ok");
	fq->fq_guard = ng;
	snprintf(env->url, sizeof(env->url), "http://[::1]:%d/ok",
	    env->o.port6);
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_string_equal(g->body, "hello world");
	netguard_free(ng);
}

static void
test_redirect_to_refused(void **state)
{
	struct env *env = *state;
	struct got *g;

	g = fetch_path(env, "/to2");
	assert_int_equal(g->err, FETCH_ERR_REFUSED);
	assert_contains(g->errmsg, "address 127.0.0.2 is loopback");
	assert_string_equal(fetch_error_code(g->err), "refused");
}

static void
test_schemes(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;

	fq = request(env, "/");
	snprintf(env->url, sizeof(env->url), "ftp://127.0.0.1:%d/",
	    env->o.port);
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_URL);

	snprintf(env->url, sizeof(env->url), "file:///etc/passwd");
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_URL);
	assert_int_equal(g->len, 0);

	g = fetch_path(env, "/to-file");
	assert_int_equal(g->err, FETCH_ERR_URL);
	assert_int_equal(g->len, 0);

	snprintf(env->url, sizeof(env->url), "http://127.0.0.1:99999/");
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_URL);
	assert_string_equal(fetch_error_code(g->err), "url");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_refused_loopback),
		T(test_refused_on_reuse),
		T(test_ipv6_allowed),
		T(test_redirect_to_refused),
		T(test_schemes),
#undef T
	};
	int rc;

	origin_init("test_fetch_policy");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	origin_fini();
	return rc;
}
