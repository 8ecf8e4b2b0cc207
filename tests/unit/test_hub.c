/*
 * test_hub.c — the WebSub hub in-process with the manual clock: intent
 * verification, leases bounded both ways and ending on time, content
 * distribution with its headers and signature, retries with backoff, 410,
 * refusal of private callbacks, of topics that are not canonical feeds,
 * and of subscriptions beyond the caps.  Nothing sleeps.
 */
#include "push_testutil.h"

#include "sign.h"

#define TOPIC	"http://127.0.0.1:8080/feeds/all.atom"
#define VERIFY_PREFIX	"/cb?own=1&hub.mode=subscribe&hub.topic=" \
	"http%3A%2F%2F127.0.0.1%3A8080%2Ffeeds%2Fall.atom&hub.challenge="

static int
setup_with(void **state, const char *daemon_extra)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fixture_setup(fx, daemon_extra, NULL, NULL);
	/* Only the hub here: no webhook deliveries to the receiver. */
	webhook_free(fx->d.d_webhook);
	fx->d.d_webhook = NULL;
	fx->d.d_hub = hub_new(&fx->d);
	assert_non_null(fx->d.d_hub);
	fx->d.d_hub_enabled = 1;
	pump(fx);
	*state = fx;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, NULL);
}

static int
setup_caps(void **state)
{
	return setup_with(state, "hub_max_per_host = 2\n");
}

static int
setup_caps_total(void **state)
{
	return setup_with(state, "hub_max_subscriptions = 2\n");
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_teardown(fx);
	free(fx);
	return 0;
}

static char *
callback(struct fixture *fx, const char *path)
{
	char *url;

	assert_true(asprintf(&url, "http://127.0.0.1:%d%s", fx->port,
	    path) > 0);
	return url;
}

/* POST /hub as the route makes it; returns the status. */
static int
request(struct fixture *fx, const char *mode, const char *topic,
    const char *cb, const char *secret, const char *alg, const char *lease,
    char *why)
{
	struct hub_request hq = {
		.hq_mode = mode, .hq_topic = topic, .hq_callback = cb,
		.hq_secret = secret, .hq_algorithm = alg, .hq_lease = lease,
		.hq_client = "127.0.0.1",
	};
	char buf[512];
	int status;

	status = hub_request(fx->d.d_hub, &hq, why ? why : buf, 512);
	pump(fx);
	return status;
}

static int
posts(struct fixture *fx)
{
	int i, n = 0;

	for (i = 0; i < fx->rv.rv_nreqs; i++)
		n += strcmp(fx->rv.rv_reqs[i].method, "POST") == 0;
	return n;
}

static const struct req *
last(struct fixture *fx)
{
	assert_true(fx->rv.rv_nreqs > 0);
	return &fx->rv.rv_reqs[fx->rv.rv_nreqs - 1];
}

/* A change to the feed: a new posting, then the hub looks. */
static void
change(struct fixture *fx)
{
	new_posting(fx, "232106");
	pump(fx);
}

static void
test_subscribe_and_distribute(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb?own=1");
	const struct req *r;

	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, NULL,
	    NULL), 202);
	/* The verification: the callback's own query kept, the lease told. */
	r = last(fx);
	assert_string_equal(r->method, "GET");
	assert_int_equal(strncmp(r->path, VERIFY_PREFIX,
	    strlen(VERIFY_PREFIX)), 0);
	assert_non_null(strstr(r->path, "&hub.lease_seconds=864000"));
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    T0 / 1000), 1);
	assert_int_equal(posts(fx), 0);

	change(fx);
	assert_int_equal(posts(fx), 1);
	r = last(fx);
	assert_string_equal(r->path, "/cb?own=1");
	assert_string_equal(r->ctype, "application/atom+xml; charset=utf-8");
	assert_string_equal(r->link, "<http://127.0.0.1:8080/hub>; "
	    "rel=\"hub\", <" TOPIC ">; rel=\"self\"");
	assert_non_null(strstr(r->body, "<feed"));
	assert_non_null(strstr(r->body, "募集 1"));
	assert_string_equal(r->xsig, "");	/* no secret, no signature */
	/* Nothing changed: nothing sent. */
	assert_true(hub_check(fx->d.d_hub) >= 0);
	pump(fx);
	assert_int_equal(posts(fx), 1);
	change(fx);
	assert_int_equal(posts(fx), 2);
	assert_non_null(strstr(last(fx)->body, "募集 2"));
	free(cb);
}

static void
test_secret_and_algorithms(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb"), *cb2 = callback(fx, "/cb512");
	const struct req *r;
	int i, seen = 0;

	assert_int_equal(request(fx, "subscribe", TOPIC, cb, "s3cret", NULL,
	    NULL, NULL), 202);
	assert_int_equal(request(fx, "subscribe", TOPIC, cb2, "s3cret",
	    "sha512", NULL, NULL), 202);
	change(fx);
	assert_int_equal(posts(fx), 2);
	for (i = 0; i < fx->rv.rv_nreqs; i++) {
		r = &fx->rv.rv_reqs[i];
		if (strcmp(r->method, "POST") != 0)
			continue;
		seen++;
		assert_int_equal(strncmp(r->xsig, strcmp(r->path, "/cb") == 0 ?
		    "sha256=" : "sha512=", 7), 0);
		assert_int_equal(sign_websub_verify("s3cret", r->body,
		    strlen(r->body), r->xsig), 0);
		assert_int_equal(sign_websub_verify("other", r->body,
		    strlen(r->body), r->xsig), -1);
	}
	assert_int_equal(seen, 2);
	free(cb);
	free(cb2);
}

static void
test_resubscribe_replaces(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb");

	assert_int_equal(request(fx, "subscribe", TOPIC, cb, "one", NULL,
	    NULL, NULL), 202);
	advance(fx, 60 * 1000);
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, "two", NULL,
	    "3600", NULL), 202);
	change(fx);
	/* One delivery, signed with the new secret. */
	assert_int_equal(posts(fx), 1);
	assert_int_equal(sign_websub_verify("two", last(fx)->body,
	    strlen(last(fx)->body), last(fx)->xsig), 0);
	/* The new lease counts from the re-subscription. */
	advance(fx, 3600 * 1000LL - 1000);
	change(fx);
	assert_int_equal(posts(fx), 2);
	advance(fx, 61 * 1000);
	change(fx);
	assert_int_equal(posts(fx), 2);
	free(cb);
}

static void
test_unsubscribe(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb");

	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, NULL,
	    NULL), 202);
	assert_int_equal(request(fx, "unsubscribe", TOPIC, cb, NULL, NULL,
	    NULL, NULL), 202);
	assert_non_null(strstr(last(fx)->path, "hub.mode=unsubscribe"));
	assert_null(strstr(last(fx)->path, "hub.lease_seconds"));
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    T0 / 1000), 0);
	change(fx);
	assert_int_equal(posts(fx), 0);
	free(cb);
}

static void
test_verification_fails(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb");

	fx->rv.rv_verify_wrong = 1;
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, NULL,
	    NULL), 202);
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    T0 / 1000), 0);
	fx->rv.rv_verify_wrong = 0;
	fx->rv.rv_verify = 404;
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, NULL,
	    NULL), 202);
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    T0 / 1000), 0);
	assert_int_equal(hub_stats(fx->d.d_hub)->hbs_unverified, 2);
	change(fx);
	assert_int_equal(posts(fx), 0);
	/* A subscription stays when its unsubscription is not confirmed. */
	fx->rv.rv_verify = 200;
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, NULL,
	    NULL), 202);
	fx->rv.rv_verify_wrong = 1;
	assert_int_equal(request(fx, "unsubscribe", TOPIC, cb, NULL, NULL,
	    NULL, NULL), 202);
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    T0 / 1000), 1);
	free(cb);
}

static void
test_lease_bounds_and_expiry(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb"), *cb2 = callback(fx, "/long");

	/* Asked for 10 s: the minimum, 300 s.  A year: the maximum. */
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, "10",
	    NULL), 202);
	assert_non_null(strstr(last(fx)->path, "hub.lease_seconds=300"));
	assert_int_equal(request(fx, "subscribe", TOPIC, cb2, NULL, NULL,
	    "31536000", NULL), 202);
	assert_non_null(strstr(last(fx)->path, "hub.lease_seconds=2592000"));
	change(fx);
	assert_int_equal(posts(fx), 2);
	/* The short lease ends: its subscription is gone, the other stays. */
	advance(fx, 299 * 1000);
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    clock_now(fx->d.d_clock)), 1);
	advance(fx, 1000);
	assert_int_equal(hub_stats(fx->d.d_hub)->hbs_expired, 1);
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    clock_now(fx->d.d_clock)), 0);
	change(fx);
	assert_int_equal(posts(fx), 3);
	assert_string_equal(last(fx)->path, "/long");
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL,
	    "soon", NULL), 400);
	free(cb);
	free(cb2);
}

static void
test_retries_and_gone(void **state)
{
	struct fixture *fx = *state;
	char *cb = callback(fx, "/cb");
	int64_t t;

	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, NULL, NULL,
	    NULL), 202);
	script(fx, 2, ((struct answer){ .status = 500 }),
	    ((struct answer){ .status = 503 }));
	t = clock_now_ms(fx->d.d_clock);
	change(fx);
	assert_int_equal(posts(fx), 1);
	/* 60 s, then 120 s. */
	advance(fx, 59 * 1000);
	assert_int_equal(posts(fx), 1);
	advance(fx, 1000);
	assert_int_equal(posts(fx), 2);
	assert_int_equal(last(fx)->at, t + 60 * 1000);
	advance(fx, 119 * 1000);
	assert_int_equal(posts(fx), 2);
	advance(fx, 1000);
	assert_int_equal(posts(fx), 3);
	assert_int_equal(last(fx)->status, 204);
	assert_int_equal(hub_stats(fx->d.d_hub)->hbs_delivered, 1);
	assert_int_equal(hub_stats(fx->d.d_hub)->hbs_failed, 2);
	/* 410 ends the subscription. */
	script(fx, 1, ((struct answer){ .status = 410 }));
	change(fx);
	assert_int_equal(posts(fx), 4);
	assert_int_equal(store_hub_exists(fx->d.d_store, cb, TOPIC,
	    clock_now(fx->d.d_clock)), 0);
	change(fx);
	assert_int_equal(posts(fx), 4);
	free(cb);
}

static void
test_refusals(void **state)
{
	struct fixture *fx = *state;
	char why[512], *cb = callback(fx, "/cb"), *topic;

	assert_int_equal(request(fx, "subscribe", TOPIC,
	    "http://10.1.2.3/cb", NULL, NULL, NULL, why), 400);
	assert_non_null(strstr(why, "private"));
	assert_int_equal(request(fx, "subscribe", TOPIC,
	    "http://[::1]:9/cb", NULL, NULL, NULL, why), 400);
	assert_non_null(strstr(why, "loopback"));
	assert_int_equal(request(fx, "subscribe", TOPIC,
	    "http://169.254.169.254/latest", NULL, NULL, NULL, why), 400);
	assert_int_equal(request(fx, "subscribe", TOPIC, "ftp://x/cb", NULL,
	    NULL, NULL, why), 400);
	assert_int_equal(request(fx, "subscribe", TOPIC,
	    "http://u:p@example.org/cb", NULL, NULL, NULL, why), 400);
	assert_int_equal(request(fx, "subscribe",
	    "https://elsewhere.example/feeds/all.atom", cb, NULL, NULL, NULL,
	    why), 400);
	assert_non_null(strstr(why, "not a feed of this instance"));
	/* A feed in another form than its own URL: named in the answer. */
	assert_int_equal(request(fx, "subscribe", "http://127.0.0.1:8080/"
	    "feeds/all.atom?kind=shakyo,city", cb, NULL, NULL, NULL, why),
	    400);
	assert_non_null(strstr(why, "subscribe to http://127.0.0.1:8080/"
	    "feeds/all.atom?kind=city,shakyo"));
	assert_int_equal(request(fx, "subscribe", "http://127.0.0.1:8080/"
	    "feeds/all.atom?kind=city,shakyo", cb, NULL, NULL, NULL, why),
	    202);
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, NULL, "md5",
	    NULL, why), 400);
	assert_int_equal(request(fx, "follow", TOPIC, cb, NULL, NULL, NULL,
	    why), 400);
	assert_int_equal(request(fx, "subscribe", NULL, cb, NULL, NULL, NULL,
	    why), 400);
	topic = calloc(1, 300);
	memset(topic, 'x', 250);
	assert_int_equal(request(fx, "subscribe", TOPIC, cb, topic, NULL,
	    NULL, why), 400);
	assert_non_null(strstr(why, "hub.secret"));
	free(topic);
	free(cb);
}

static void
test_caps(void **state)
{
	struct fixture *fx = *state;
	char why[512], *a = callback(fx, "/a"), *b = callback(fx, "/b");
	char *c = callback(fx, "/c");

	/* Two per callback host (setup_caps). */
	assert_int_equal(request(fx, "subscribe", TOPIC, a, NULL, NULL, NULL,
	    why), 202);
	assert_int_equal(request(fx, "subscribe", TOPIC, b, NULL, NULL, NULL,
	    why), 202);
	assert_int_equal(request(fx, "subscribe", TOPIC, c, NULL, NULL, NULL,
	    why), 429);
	assert_non_null(strstr(why, "callbacks on 127.0.0.1"));
	/* A renewal is not a new subscription. */
	assert_int_equal(request(fx, "subscribe", TOPIC, b, NULL, NULL, NULL,
	    why), 202);
	/* A subscription that ended makes room. */
	assert_int_equal(request(fx, "unsubscribe", TOPIC, a, NULL, NULL, NULL,
	    why), 202);
	assert_int_equal(request(fx, "subscribe", TOPIC, c, NULL, NULL, NULL,
	    why), 202);
	free(a);
	free(b);
	free(c);
}

static void
test_caps_total(void **state)
{
	struct fixture *fx = *state;
	char why[512], *a = callback(fx, "/a"), *b = callback(fx, "/b");

	/* Two in all (setup_caps_total), whatever the host. */
	assert_int_equal(request(fx, "subscribe", TOPIC, a, NULL, NULL, NULL,
	    why), 202);
	assert_int_equal(request(fx, "subscribe", "http://127.0.0.1:8080/"
	    "feeds/all.json", a, NULL, NULL, NULL, why), 202);
	assert_int_equal(request(fx, "subscribe", TOPIC, b, NULL, NULL, NULL,
	    why), 429);
	assert_non_null(strstr(why, "as many subscriptions as it takes"));
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subscribe_and_distribute,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_and_algorithms,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resubscribe_replaces,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verification_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lease_bounds_and_expiry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_retries_and_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup_caps,
		    teardown),
		cmocka_unit_test_setup_teardown(test_caps_total,
		    setup_caps_total, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
