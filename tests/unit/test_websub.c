/*
 * test_websub.c — this instance as a WebSub subscriber, on the manual
 * clock: a hub seen in a poll is asked (with a secret and the callback),
 * verifications are answered for the intents this instance has, leases
 * are renewed at 90 %, and polling takes over again when the lease ends
 * unrenewed, when the verification never comes, when the hub refuses, or
 * when a poll finds changes the hub did not push.  Nothing sleeps.
 */
#include "push_testutil.h"

#include "../../feeds/feed.h"
#include "fetch.h"
#include "websub.h"

#define SRC	"city"
#define TOPIC	"https://city.example.jp/feed.xml"

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fixture_setup(fx, NULL, NULL, NULL);
	webhook_free(fx->d.d_webhook);
	fx->d.d_webhook = NULL;
	fx->d.d_websub = websub_new(&fx->d);
	assert_non_null(fx->d.d_websub);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	websub_free(fx->d.d_websub);
	fx->d.d_websub = NULL;
	fixture_teardown(fx);
	free(fx);
	return 0;
}

/* Runs the loop until the subscription requests in flight are done. */
static void
settle(struct fixture *fx)
{
	int i;

	for (i = 0; i < 2000 && websub_in_flight(fx->d.d_websub) > 0; i++)
		event_base_loop(fx->base, EVLOOP_ONCE);
	event_base_loop(fx->base, EVLOOP_NONBLOCK);
}

static char *
hub(struct fixture *fx)
{
	char *url;

	assert_true(asprintf(&url, "http://127.0.0.1:%d/hub", fx->port) > 0);
	return url;
}

static void
state_is(struct fixture *fx, const char *state)
{
	struct websub_sub row;

	assert_int_equal(store_websub_get(fx->d.d_store, SRC, &row), 0);
	assert_string_equal(row.ws_state, state);
	websub_sub_free(&row);
}

/* The form of the hub's last request, decoded. */
static const char *
form(struct fixture *fx, const char *key, char *out, size_t len)
{
	struct evkeyvalq q;
	const char *v;

	TAILQ_INIT(&q);
	assert_int_equal(evhttp_parse_query_str(
	    fx->rv.rv_reqs[fx->rv.rv_nreqs - 1].body, &q), 0);
	v = evhttp_find_header(&q, key);
	snprintf(out, len, "%s", v ? v : "");
	evhttp_clear_headers(&q);
	return out;
}

/* The hub verifies: what the callback answers, and the body. */
static int
verify(struct fixture *fx, const char *mode, const char *lease)
{
	const char *echo;
	int status;

	status = websub_verify(fx->d.d_websub, SRC, mode, TOPIC, "ch4llenge",
	    lease, NULL, &echo);
	if (status == 200 && strcmp(mode, "denied") != 0)
		assert_string_equal(echo, "ch4llenge");
	return status;
}

static void
test_subscribe_verify_renew(void **state)
{
	struct fixture *fx = *state;
	char *url = hub(fx), buf[512], secret[128];

	fx->rv.rv_default = 202;
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 2);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	assert_string_equal(fx->rv.rv_reqs[0].path, "/hub");
	assert_string_equal(form(fx, "hub.mode", buf, sizeof(buf)),
	    "subscribe");
	assert_string_equal(form(fx, "hub.topic", buf, sizeof(buf)), TOPIC);
	assert_string_equal(form(fx, "hub.callback", buf, sizeof(buf)),
	    "http://127.0.0.1:8080/websub/city");
	form(fx, "hub.secret", secret, sizeof(secret));
	assert_int_equal(strlen(secret), 48);
	state_is(fx, WEBSUB_SUBSCRIBING);
	/* Polled as usual until the hub verifies. */
	assert_int_equal(websub_poll_interval(fx->d.d_websub, SRC, 300), 300);
	/* Intents it does not have are not confirmed. */
	assert_int_equal(verify(fx, "unsubscribe", NULL), 404);
	assert_int_equal(websub_verify(fx->d.d_websub, SRC, "subscribe",
	    TOPIC "?other", "x", "600", NULL, &(const char *){ NULL }), 404);
	assert_int_equal(websub_verify(fx->d.d_websub, "nope", "subscribe",
	    TOPIC, "x", "600", NULL, &(const char *){ NULL }), 404);
	/* Verified for 1000 s: active, polled only as a safety net. */
	assert_int_equal(verify(fx, "subscribe", "1000"), 200);
	state_is(fx, WEBSUB_ACTIVE);
	assert_int_equal(websub_poll_interval(fx->d.d_websub, SRC, 300),
	    WEBSUB_SAFETY_POLL);
	assert_int_equal(websub_poll_interval(fx->d.d_websub, SRC, 86400),
	    86400);
	/* A poll that finds nothing new changes nothing. */
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	/* Renewed at 90 % of the lease, with the same secret. */
	advance(fx, 899 * 1000);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	advance(fx, 1000);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	assert_string_equal(form(fx, "hub.mode", buf, sizeof(buf)),
	    "subscribe");
	assert_string_equal(form(fx, "hub.secret", buf, sizeof(buf)), secret);
	state_is(fx, WEBSUB_ACTIVE);
	assert_int_equal(verify(fx, "subscribe", "1000"), 200);
	state_is(fx, WEBSUB_ACTIVE);
	free(url);
}

static void
test_lease_ends_unrenewed(void **state)
{
	struct fixture *fx = *state;
	char *url = hub(fx);
	int i;

	fx->rv.rv_default = 202;
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(verify(fx, "subscribe", "1000"), 200);
	/* The hub takes the renewals but never verifies them. */
	for (i = 0; i < 40; i++) {
		advance(fx, 60 * 1000);
		settle(fx);
	}
	state_is(fx, WEBSUB_FAILED);
	assert_int_equal(websub_poll_interval(fx->d.d_websub, SRC, 300), 300);
	assert_int_equal(websub_stats(fx->d.d_websub)->wss_fallbacks, 1);
	free(url);
}

static void
test_fallbacks(void **state)
{
	struct fixture *fx = *state;
	char *url = hub(fx);
	struct websub_sub row;
	int n;

	/* The hub refuses: failed, tried again a day later only. */
	fx->rv.rv_default = 403;
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	state_is(fx, WEBSUB_FAILED);
	assert_int_equal(store_websub_get(fx->d.d_store, SRC, &row), 0);
	assert_non_null(strstr(row.ws_error, "403"));
	websub_sub_free(&row);
	n = fx->rv.rv_nreqs;
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n);
	advance(fx, WEBSUB_RETRY * 1000LL);
	fx->rv.rv_default = 202;
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 1);
	state_is(fx, WEBSUB_SUBSCRIBING);
	/* The verification never comes: failed after an hour. */
	advance(fx, WEBSUB_VERIFY_WAIT * 1000LL);
	settle(fx);
	state_is(fx, WEBSUB_FAILED);
	/* Active, and a poll finds changes the hub did not push. */
	advance(fx, WEBSUB_RETRY * 1000LL);
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(verify(fx, "subscribe", NULL), 200);
	state_is(fx, WEBSUB_ACTIVE);
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 3);
	state_is(fx, WEBSUB_FAILED);
	assert_int_equal(store_websub_get(fx->d.d_store, SRC, &row), 0);
	assert_non_null(strstr(row.ws_error, "did not push"));
	websub_sub_free(&row);
	/* Denied by the hub. */
	advance(fx, WEBSUB_RETRY * 1000LL);
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(verify(fx, "denied", NULL), 200);
	state_is(fx, WEBSUB_FAILED);
	/* A feed that no longer names a hub: unsubscribed. */
	advance(fx, WEBSUB_RETRY * 1000LL);
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(verify(fx, "subscribe", NULL), 200);
	n = fx->rv.rv_nreqs;
	websub_seen(fx->d.d_websub, SRC, NULL, TOPIC, 0);
	settle(fx);
	state_is(fx, WEBSUB_UNSUBSCRIBED);
	assert_int_equal(fx->rv.rv_nreqs, n + 1);
	assert_int_equal(verify(fx, "unsubscribe", NULL), 200);
	/* No subscription: pushes are refused with 410. */
	assert_int_equal(websub_push(fx->d.d_websub, SRC, "sha256=00",
	    "application/rss+xml", "<rss/>", 6), 410);
	free(url);
}

/* Where a poll's response names the hub: the Link header first. */
static void
test_discover(void **state)
{
	struct fetch_result fr;
	struct feed feed;
	char *hub, *self;

	memset(&fr, 0, sizeof(fr));
	memset(&feed, 0, sizeof(feed));
	fr.fr_effective_url = "https://city.example.jp/v/feed.xml";
	feed.fd_hub = "https://body-hub.example.net/";
	feed.fd_self = "https://city.example.jp/v/self.xml";
	/* Only the document names them. */
	websub_discover(&fr, &feed, TOPIC, &hub, &self);
	assert_string_equal(hub, "https://body-hub.example.net/");
	assert_string_equal(self, "https://city.example.jp/v/self.xml");
	free(hub);
	free(self);
	/* The Link header wins, relative targets resolved. */
	fr.fr_link = "</hub>; rel=\"hub\", <feed.xml?a=1>; rel=\"self\"";
	websub_discover(&fr, &feed, TOPIC, &hub, &self);
	assert_string_equal(hub, "https://city.example.jp/hub");
	assert_string_equal(self, "https://city.example.jp/v/feed.xml?a=1");
	free(hub);
	free(self);
	/* A hub in the header, no self anywhere: the URL polled. */
	feed.fd_hub = feed.fd_self = NULL;
	fr.fr_link = "<https://hdr-hub.example.net/>; rel=hub";
	websub_discover(&fr, &feed, TOPIC, &hub, &self);
	assert_string_equal(hub, "https://hdr-hub.example.net/");
	assert_string_equal(self, TOPIC);
	free(hub);
	free(self);
	/* Nothing: no hub. */
	fr.fr_link = "<https://city.example.jp/p2>; rel=next";
	websub_discover(&fr, &feed, TOPIC, &hub, &self);
	assert_null(hub);
	assert_string_equal(self, TOPIC);
	free(self);
}

/* Subscribed, then verified: the source's subscription is active. */
static void
subscribed(struct fixture *fx, const char *url)
{
	fx->rv.rv_default = 202;
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	settle(fx);
	assert_int_equal(verify(fx, "subscribe", "1000"), 200);
	state_is(fx, WEBSUB_ACTIVE);
}

/* A deleted source unsubscribes; the hub's verification is confirmed
 * after the source (and its row) are gone. */
static void
test_deleted_source_unsubscribes(void **state)
{
	struct fixture *fx = *state;
	char *url = hub(fx), buf[512];
	struct websub_sub row;
	const char *echo;
	int n;

	subscribed(fx, url);
	n = fx->rv.rv_nreqs;
	websub_forget(fx->d.d_websub, SRC, "the source was deleted");
	assert_int_equal(store_source_delete(fx->d.d_store, SRC), 0);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 1);
	assert_string_equal(form(fx, "hub.mode", buf, sizeof(buf)),
	    "unsubscribe");
	assert_string_equal(form(fx, "hub.topic", buf, sizeof(buf)), TOPIC);
	assert_string_equal(form(fx, "hub.callback", buf, sizeof(buf)),
	    "http://127.0.0.1:8080/websub/city");
	assert_string_equal(form(fx, "hub.secret", buf, sizeof(buf)), "");
	assert_int_equal(store_websub_get(fx->d.d_store, SRC, &row), 1);
	/* The hub verifies: confirmed, though the row is gone. */
	assert_int_equal(websub_verify(fx->d.d_websub, SRC, "unsubscribe",
	    TOPIC, "bye", NULL, NULL, &echo), 200);
	assert_string_equal(echo, "bye");
	/* Not a subscription, not another topic, not for ever. */
	assert_int_equal(websub_verify(fx->d.d_websub, SRC, "subscribe",
	    TOPIC, "x", "600", NULL, &echo), 404);
	assert_int_equal(websub_verify(fx->d.d_websub, SRC, "unsubscribe",
	    TOPIC "?x", "x", NULL, NULL, &echo), 404);
	advance(fx, WEBSUB_VERIFY_WAIT * 1000LL);
	assert_int_equal(websub_verify(fx->d.d_websub, SRC, "unsubscribe",
	    TOPIC, "late", NULL, NULL, &echo), 404);
	/* Pushes for it end the hub's subscription. */
	assert_int_equal(websub_push(fx->d.d_websub, SRC, "sha256=00",
	    "application/rss+xml", "<rss/>", 6), 410);
	/* Forgetting what has no subscription asks nothing. */
	n = fx->rv.rv_nreqs;
	websub_forget(fx->d.d_websub, SRC, "again");
	websub_forget(fx->d.d_websub, "nope", "never subscribed");
	websub_forget(NULL, SRC, "no websub");
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n);
	free(url);
}

/* A paused source unsubscribes, stays so while paused (polls, renewals),
 * and subscribes again at once when resumed, with no poll needed (a 304
 * would not name the hub again). */
static void
test_paused_source(void **state)
{
	struct fixture *fx = *state;
	char *url = hub(fx), buf[512], secret[128];
	struct websub_sub row;
	int n;

	subscribed(fx, url);
	form(fx, "hub.secret", secret, sizeof(secret));
	n = fx->rv.rv_nreqs;
	/* Paused (the API then syncs). */
	assert_int_equal(store_source_set_paused(fx->d.d_store, SRC, 1), 0);
	websub_sync(fx->d.d_websub);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 1);
	assert_string_equal(form(fx, "hub.mode", buf, sizeof(buf)),
	    "unsubscribe");
	assert_string_equal(form(fx, "hub.topic", buf, sizeof(buf)), TOPIC);
	state_is(fx, WEBSUB_UNSUBSCRIBED);
	assert_int_equal(store_websub_get(fx->d.d_store, SRC, &row), 0);
	assert_string_equal(row.ws_error, "the source is paused");
	websub_sub_free(&row);
	assert_int_equal(verify(fx, "unsubscribe", NULL), 200);
	/* A poll that was under way, a sync again, time: nothing asked. */
	websub_seen(fx->d.d_websub, SRC, url, TOPIC, 0);
	websub_sync(fx->d.d_websub);
	advance(fx, 2000 * 1000);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 1);
	state_is(fx, WEBSUB_UNSUBSCRIBED);
	/* Resumed: subscribed again at once, at the hub and topic known. */
	assert_int_equal(store_source_set_paused(fx->d.d_store, SRC, 0), 0);
	websub_sync(fx->d.d_websub);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 2);
	assert_string_equal(form(fx, "hub.mode", buf, sizeof(buf)),
	    "subscribe");
	assert_string_equal(form(fx, "hub.topic", buf, sizeof(buf)), TOPIC);
	assert_string_equal(form(fx, "hub.secret", buf, sizeof(buf)), secret);
	state_is(fx, WEBSUB_SUBSCRIBING);
	/* The old unsubscription is not confirmed any more. */
	assert_int_equal(verify(fx, "unsubscribe", NULL), 404);
	assert_int_equal(verify(fx, "subscribe", "1000"), 200);
	state_is(fx, WEBSUB_ACTIVE);
	/* A sync with nothing changed asks nothing. */
	websub_sync(fx->d.d_websub);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 2);
	/* A source whose feed dropped its hub is not subscribed again. */
	websub_seen(fx->d.d_websub, SRC, NULL, TOPIC, 0);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 3);
	state_is(fx, WEBSUB_UNSUBSCRIBED);
	websub_sync(fx->d.d_websub);
	settle(fx);
	assert_int_equal(fx->rv.rv_nreqs, n + 3);
	state_is(fx, WEBSUB_UNSUBSCRIBED);
	free(url);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subscribe_verify_renew,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_ends_unrenewed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallbacks, setup,
		    teardown),
		cmocka_unit_test(test_discover),
		cmocka_unit_test_setup_teardown(
		    test_deleted_source_unsubscribes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paused_source, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
