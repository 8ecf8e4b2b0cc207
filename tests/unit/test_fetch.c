/*
 * test_fetch.c — what the fetcher does with the responses of a real
 * origin (fetch_origin.h): bodies, validators, redirects, caps, timeouts,
 * truncation, Retry-After, concurrency and aborts.
 */
#include "fetch_origin.h"

static void
run_while(struct env *env, int (*cond)(struct env *))
{
	struct timeval tv = { SAFETY_SEC, 0 };

	evtimer_add(env->safety, &tv);
	while (cond(env) && !env->timed_out)
		event_base_loop(env->base, EVLOOP_ONCE);
	evtimer_del(env->safety);
	assert_false(env->timed_out);
}

static void
test_ok(void **state)
{
	struct env *env = *state;
	struct got *g = fetch_path(env, "/ok");

	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->status, 200);
	assert_string_equal(g->body, "hello world");
	assert_int_equal(g->len, 11);
	assert_string_equal(g->etag, "\"v1\"");
	assert_string_equal(g->lm, "Sun, 01 Mar 2026 01:00:00 GMT");
	assert_string_equal(g->ct, "text/plain; charset=utf-8");
	assert_string_equal(g->url, env->url);
	assert_int_equal(g->retry, 0);
	assert_string_equal(g->errmsg, "");
}

static void
test_conditional(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;

	g = fetch_path(env, "/cond");
	assert_int_equal(g->status, 200);
	assert_string_equal(g->body, "fresh");
	assert_string_equal(env->o.inm, "");

	fq = request(env, "/cond");
	fq->fq_etag = "\"v1\"";
	fq->fq_last_modified = "Sun, 01 Mar 2026 01:00:00 GMT";
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->status, 304);
	assert_int_equal(g->len, 0);
	assert_string_equal(g->etag, "\"v1\"");
	assert_string_equal(env->o.inm, "\"v1\"");
	assert_string_equal(env->o.ims, "Sun, 01 Mar 2026 01:00:00 GMT");

	/* A validator that would inject a header is not sent. */
	fq = request(env, "/cond");
	fq->fq_etag = "\"v1\"\r\nX-Evil: 1";
	g = fetch_one(env, fq);
	assert_int_equal(g->status, 200);
	assert_string_equal(env->o.inm, "");
}

static void
test_redirects(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	char want[128];

	fq = request(env, "/redir/5");
	fq->fq_max_redirects = 3;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_REDIRECTS);
	assert_string_equal(g->body, "");

	fq = request(env, "/redir/3");
	fq->fq_max_redirects = 3;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->status, 200);
	assert_string_equal(g->body, "end");
	/* Headers are those of the last response only. */
	assert_null(g->etag);
	assert_null(g->link);
	assert_int_equal(g->retry, 0);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/redir/0",
	    env->o.port);
	assert_string_equal(g->url, want);

	/* None followed: the 302 itself is the answer. */
	fq = request(env, "/redir/1");
	fq->fq_max_redirects = 0;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->status, 302);
	assert_string_equal(g->etag, "\"hop\"");
	assert_int_equal(g->retry, 9);
}

static void
test_gzip_bomb(void **state)
{
	struct env *env = *state;
	struct got *g;

	/* Small on the wire, too large once decoded. */
	assert_true(gzip_bomb_len < MAX_BODY);
	g = fetch_path(env, "/gzip/bomb");
	assert_int_equal(g->err, FETCH_ERR_TOO_LARGE);
	assert_string_equal(g->errmsg, "body exceeds 65536 bytes");
	assert_int_equal(g->len, 0);

	g = fetch_path(env, "/gzip/small");
	assert_int_equal(g->err, FETCH_OK);
	assert_string_equal(g->body, "hello, decoded world");
}

static void
test_too_large(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;

	g = fetch_path(env, "/big");
	assert_int_equal(g->err, FETCH_ERR_TOO_LARGE);
	assert_string_equal(g->errmsg, "body exceeds 65536 bytes");
	assert_string_equal(fetch_error_code(g->err), "too_large");

	/* Exactly at the cap is fine. */
	fq = request(env, "/big");
	fq->fq_max_body = 100000;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->len, 100000);
}

static void
test_timeout(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;
	time_t start = time(NULL);

	fq = request(env, "/hang");
	fq->fq_timeout_ms = 300;
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_TIMEOUT);
	assert_int_equal(env->o.nheld, 1);
	assert_true(time(NULL) - start < 3);
	assert_string_equal(fetch_error_code(g->err), "timeout");
}

static void
test_truncated(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq = request(env, "/");
	struct got *g;

	snprintf(env->url, sizeof(env->url), "http://127.0.0.1:%d/",
	    env->o.raw_port);
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_TRANSFER);
	assert_int_equal(strncmp(g->errmsg, "truncated: ", 11), 0);
	assert_int_equal(g->len, 0);
}

static void
test_connect_refused(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq = request(env, "/");
	struct got *g;
	char port[16];

	snprintf(env->url, sizeof(env->url), "http://127.0.0.1:%d/",
	    env->o.refusing_port);
	g = fetch_one(env, fq);
	assert_int_equal(g->err, FETCH_ERR_CONNECT);
	snprintf(port, sizeof(port), "%d", env->o.refusing_port);
	assert_contains(g->errmsg, "127.0.0.1");
	assert_contains(g->errmsg, port);
	assert_contains(g->errmsg, "Connection refused");
}

static void
test_retry_after(void **state)
{
	struct env *env = *state;
	struct got *g;

	g = fetch_path(env, "/retry/secs");
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(g->status, 503);
	assert_int_equal(g->retry, 120);
	assert_string_equal(g->body, "busy");

	g = fetch_path(env, "/retry/date");
	assert_true(g->retry >= 290 && g->retry <= 300);

	g = fetch_path(env, "/retry/huge");
	assert_int_equal(g->retry, FETCH_RETRY_AFTER_MAX);

	g = fetch_path(env, "/retry/junk");
	assert_int_equal(g->retry, 0);
}

static int
not_all_held(struct env *env)
{
	return env->o.nheld < 2;
}

static void
test_abort_in_flight(void **state)
{
	struct env *env = *state;
	int i;

	fetcher_free(env->fe);
	env->fe = fetcher_new(env->base, 2);
	for (i = 0; i < 3; i++)
		assert_int_equal(fetch_start(env->fe, request(env, "/hang"),
		    record, env), 0);
	assert_int_equal(fetcher_in_flight(env->fe), 3);
	/* Two reach the origin, the third waits for a slot. */
	run_while(env, not_all_held);
	assert_int_equal(env->ngot, 0);
	fetcher_free(env->fe);
	env->fe = NULL;
	assert_int_equal(env->ngot, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(env->got[i].err, FETCH_ERR_ABORTED);
		assert_string_equal(fetch_error_code(env->got[i].err),
		    "aborted");
	}
}

static void
test_concurrent(void **state)
{
	struct env *env = *state;
	int i;

	fetcher_free(env->fe);
	env->fe = fetcher_new(env->base, 2);
	for (i = 0; i < 5; i++)
		assert_int_equal(fetch_start(env->fe, request(env, "/slow"),
		    record, env), 0);
	assert_int_equal(fetcher_in_flight(env->fe), 5);
	run_until(env, 5);
	assert_int_equal(fetcher_in_flight(env->fe), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(env->got[i].err, FETCH_OK);
		assert_string_equal(env->got[i].body, "slow");
	}
	assert_int_equal(env->o.max_active, 2);
}

static void
chain(const struct fetch_result *fr, void *arg)
{
	struct env *env = arg;

	record(fr, arg);
	if (env->nstarted_in_cb++ < 2)
		assert_int_equal(fetch_start(env->fe, request(env, "/ok"),
		    chain, env), 0);
}

static void
test_start_from_callback(void **state)
{
	struct env *env = *state;

	assert_int_equal(fetch_start(env->fe, request(env, "/ok"), chain,
	    env), 0);
	run_until(env, 3);
	assert_int_equal(env->got[0].err, FETCH_OK);
	assert_int_equal(env->got[1].err, FETCH_OK);
	assert_int_equal(env->got[2].err, FETCH_OK);
	assert_int_equal(fetcher_in_flight(env->fe), 0);
}

static void
test_header_bounds(void **state)
{
	struct env *env = *state;
	struct got *g;

	g = fetch_path(env, "/headers/long-etag");
	assert_int_equal(g->err, FETCH_OK);
	assert_null(g->etag);
	assert_string_equal(g->ct, "text/x-kept");

	g = fetch_path(env, "/headers/ctl-etag");
	assert_int_equal(g->err, FETCH_OK);
	assert_null(g->etag);

	/* Link lines are one list (RFC 9110, 5.3), in order. */
	g = fetch_path(env, "/headers/links");
	assert_int_equal(g->err, FETCH_OK);
	assert_string_equal(g->link, "<https://hub.example.net/>; "
	    "rel=\"hub\", </feed.xml>; rel=\"self\", "
	    "<https://x.example.net/a,b>; title=\"a, b\"; rel=next");
	g = fetch_path(env, "/headers/many-links");
	assert_int_equal(g->err, FETCH_OK);
	assert_int_equal(strlen(g->link), 10000 * 3 + 9999 * 2);

	g = fetch_path(env, "/headers/flood");
	assert_int_equal(g->err, FETCH_ERR_TOO_LARGE);
	assert_contains(g->errmsg, "headers exceed");
}

static void
test_user_agent(void **state)
{
	struct env *env = *state;
	struct fetch_request *fq;
	struct got *g;

	g = fetch_path(env, "/ua");
	assert_string_equal(g->body, FETCH_DEFAULT_USER_AGENT);

	fq = request(env, "/ua");
	fq->fq_user_agent = "tsunagu-test/1";
	g = fetch_one(env, fq);
	assert_string_equal(g->body, "tsunagu-test/1");

	fq = request(env, "/ua");
	fq->fq_user_agent = "x\r\nX-Evil: 1";
	g = fetch_one(env, fq);
	assert_string_equal(g->body, FETCH_DEFAULT_USER_AGENT);
}

/*
 * Easy handles are kept for the next transfer (one at a time here: the
 * same handle each time): nothing of a request — method, headers, user
 * agent, redirect limit, no content coding for a POST — reaches the next.
 */
static void
test_handle_reuse(void **state)
{
	struct env *env = *state;
	const char *const headers[] = { "X-Test: 1", NULL };
	struct fetch_request *fq;
	struct got *g;
	int i;

	for (i = 0; i < 2; i++) {
		fq = request(env, "/redir/1");
		fq->fq_method = "POST";
		fq->fq_body = "x";
		fq->fq_body_len = 1;
		fq->fq_headers = headers;
		fq->fq_user_agent = "poster/1";
		fq->fq_max_redirects = 0;
		g = fetch_one(env, fq);
		assert_int_equal(g->err, FETCH_OK);
		assert_int_equal(g->status, 302);
		g = fetch_path(env, "/method");
		assert_string_equal(g->body, "GET");
		g = fetch_path(env, "/gzip/small");
		assert_string_equal(g->body, "hello, decoded world");
	}
	g = fetch_path(env, "/redir/1");
	assert_string_equal(g->body, "end");
	fq = request(env, "/method");
	fq->fq_method = "POST";
	fq->fq_headers = headers;
	g = fetch_one(env, fq);
	assert_string_equal(g->body, "POST 1");
}

/* libcurl's messages reach our log at trace level. */
static void
test_trace(void **state)
{
	struct env *env = *state;
	struct got *g;

	log_init("test_fetch", 2);
	g = fetch_path(env, "/ok");
	log_init("test_fetch", verbosity);
	assert_int_equal(g->err, FETCH_OK);
}

static void
test_error_codes(void **state)
{
	assert_string_equal(fetch_error_code(FETCH_OK), "ok");
	assert_string_equal(fetch_error_code(FETCH_ERR_DNS), "dns");
	assert_string_equal(fetch_error_code(FETCH_ERR_CONNECT), "connect");
	assert_string_equal(fetch_error_code(FETCH_ERR_REDIRECTS),
	    "redirects");
	assert_string_equal(fetch_error_code(FETCH_ERR_TLS), "tls");
	assert_string_equal(fetch_error_code(FETCH_ERR_TRANSFER), "transfer");
	assert_string_equal(fetch_error_code((enum fetch_error)99), "unknown");
	fetcher_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_ok),
		T(test_conditional),
		T(test_redirects),
		T(test_gzip_bomb),
		T(test_too_large),
		T(test_timeout),
		T(test_truncated),
		T(test_connect_refused),
		T(test_retry_after),
		T(test_abort_in_flight),
		T(test_concurrent),
		T(test_start_from_callback),
		T(test_header_bounds),
		T(test_user_agent),
		T(test_handle_reuse),
		T(test_trace),
		cmocka_unit_test(test_error_codes),
#undef T
	};
	int rc;

	origin_init("test_fetch");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	origin_fini();
	return rc;
}
