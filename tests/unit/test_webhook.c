/*
 * test_webhook.c — webhook delivery in-process with the manual clock:
 * the retry schedule (to the millisecond, with a seeded jitter), giving
 * up, Retry-After and throttling, 410 and five days of failures
 * disabling an endpoint, no redirects, the rate and concurrency limits,
 * signatures and secret rotation, and a delivery cut short by a stop
 * sent again with its webhook-id.  Nothing sleeps.
 */
#include "push_testutil.h"

#include "sign.h"
#include "webhook_policy.h"

#define A(s)		((struct answer){ .status = (s) })
#define HOLD		((struct answer){ .hold = 1 })

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fixture_setup(fx, NULL, NULL, NULL);
	*state = fx;
	return 0;
}

static int
setup_limits(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fixture_setup(fx, NULL, "rate = 2\nburst = 2\nconcurrency = 3\n",
	    NULL);
	*state = fx;
	return 0;
}

static int
setup_serial(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fixture_setup(fx, NULL, "concurrency = 1\n", NULL);
	*state = fx;
	return 0;
}

static int
setup_serial3(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fixture_setup(fx, NULL, "concurrency = 3\n", NULL);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_teardown(fx);
	free(fx);
	return 0;
}

/* The signature of a request the receiver got verifies under secret. */
static int
verifies(const struct req *r, const char *secret)
{
	return sign_webhook_verify(secret, r->id, strtoll(r->ts, NULL, 10),
	    r->body, strlen(r->body), r->sig) == 0;
}

static void
test_delivered_signed(void **state)
{
	struct fixture *fx = *state;
	struct delivery dl;
	const struct req *r;

	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	r = &fx->rv.rv_reqs[0];
	assert_string_equal(r->path, "/hook/acme");
	assert_string_equal(r->ctype, "application/json");
	assert_int_equal(strtoll(r->ts, NULL, 10), T0 / 1000);
	assert_true(verifies(r, KAT_SECRET));
	assert_false(verifies(r, "whsec_" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	/* One signature only: no rotation. */
	assert_null(strchr(r->sig, ' '));
	assert_non_null(strstr(r->body, "\"type\":\"posting.created\""));
	assert_non_null(strstr(r->body, "\"_tsunagu\""));

	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_DELIVERED);
	assert_string_equal(dl.dl_webhook_id, r->id);
	assert_int_equal(dl.dl_attempts, 1);
	assert_int_equal(dl.dl_last_status, 204);
	delivery_free(&dl);
}

static void
test_retry_schedule(void **state)
{
	struct fixture *fx = *state;
	struct delivery_attempt *da;
	struct delivery dl;
	uint64_t rng = 42;
	int64_t delay[WEBHOOK_MAX_TRIES], base, t;
	size_t n;
	int i;

	/* Seven failures, then a success on the eighth and last try. */
	for (i = 0; i < 7; i++)
		script(fx, 1, A(i % 2 ? 503 : 500));
	for (i = 1; i < WEBHOOK_MAX_TRIES; i++) {
		delay[i] = webhook_retry_delay_ms(i, &rng);
		base = webhook_retry_base_ms(i);
		assert_true(delay[i] >= base - base / 5);
		assert_true(delay[i] <= base + base / 5);
	}
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	t = T0;
	for (i = 1; i < WEBHOOK_MAX_TRIES; i++) {
		delivery_n(fx, 1, &dl);
		assert_string_equal(dl.dl_status, DELIVERY_PENDING);
		assert_int_equal(dl.dl_tries, i);
		assert_int_equal(dl.dl_next_attempt, t + delay[i]);
		delivery_free(&dl);
		/* Not a millisecond early ... */
		advance(fx, t + delay[i] - 1 - clock_now_ms(fx->d.d_clock));
		assert_int_equal(fx->rv.rv_nreqs, i);
		/* ... and on time. */
		advance(fx, 1);
		assert_int_equal(fx->rv.rv_nreqs, i + 1);
		t += delay[i];
		assert_int_equal(fx->rv.rv_reqs[i].at, t);
		/* Every try carries the same webhook-id. */
		assert_string_equal(fx->rv.rv_reqs[i].id, fx->rv.rv_reqs[0].id);
	}
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_DELIVERED);
	assert_int_equal(dl.dl_attempts, WEBHOOK_MAX_TRIES);
	delivery_free(&dl);
	/* Every attempt recorded, with its status or error. */
	assert_int_equal(store_delivery_attempts(fx->d.d_store, 1, &da, &n), 0);
	assert_int_equal(n, WEBHOOK_MAX_TRIES);
	assert_int_equal(da[0].da_http_status, 500);
	assert_non_null(strstr(da[0].da_error, "HTTP 500"));
	assert_int_equal(da[1].da_http_status, 503);
	assert_int_equal(da[7].da_http_status, 204);
	assert_null(da[7].da_error);
	store_delivery_attempts_free(da, n);
}

static void
test_gives_up(void **state)
{
	struct fixture *fx = *state;
	struct delivery dl;

	fx->rv.rv_default = 500;
	new_posting(fx, "232106");
	pump(fx);
	/* Eight tries span about 32.6 hours.  A jump of the clock makes at
	 * most one attempt (its answer is read after the jump), so step. */
	while (fx->rv.rv_nreqs < WEBHOOK_MAX_TRIES &&
	    clock_now_ms(fx->d.d_clock) < T0 + 30 * 86400 * 1000LL)
		advance(fx, 3600 * 1000LL);
	assert_int_equal(fx->rv.rv_nreqs, WEBHOOK_MAX_TRIES);
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_FAILED);
	assert_int_equal(dl.dl_attempts, WEBHOOK_MAX_TRIES);
	delivery_free(&dl);
	assert_int_equal(webhook_stats(fx->d.d_webhook)->ws_gave_up, 1);
	advance(fx, 86400 * 1000LL);
	assert_int_equal(fx->rv.rv_nreqs, WEBHOOK_MAX_TRIES);
}

static void
test_throttled_pauses_endpoint(void **state)
{
	struct fixture *fx = *state;
	struct delivery dl;

	script(fx, 1, ((struct answer){ .status = 429, .retry_after = 120 }));
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	/* A second delivery, due now, waits for the pause too. */
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	delivery_n(fx, 1, &dl);
	/* Retry-After beats the 5 s of the schedule. */
	assert_int_equal(dl.dl_next_attempt, T0 + 120 * 1000);
	assert_non_null(strstr(dl.dl_last_error, "throttled"));
	delivery_free(&dl);
	advance(fx, 119 * 1000);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	advance(fx, 1000);
	assert_int_equal(fx->rv.rv_nreqs, 3);
	assert_int_equal(webhook_stats(fx->d.d_webhook)->ws_throttled, 1);
	/* 502 and 504 pause it as well (WEBHOOK_PAUSE_MS without a hint). */
	script(fx, 1, A(502));
	new_posting(fx, "232106");
	pump(fx);
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 4);
	advance(fx, WEBHOOK_PAUSE_MS - 1);
	assert_int_equal(fx->rv.rv_nreqs, 4);
	advance(fx, 1);
	assert_true(fx->rv.rv_nreqs >= 5);
	assert_int_equal(fx->rv.rv_reqs[4].at,
	    fx->rv.rv_reqs[3].at + WEBHOOK_PAUSE_MS);
}

static void
test_gone_disables(void **state)
{
	struct fixture *fx = *state;
	struct webhook_target wt;
	struct delivery dl;
	struct buf b;

	script(fx, 1, A(410));
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	assert_int_equal(store_webhook_target(fx->d.d_store, "acme", &wt), 0);
	assert_true(wt.wt_disabled);
	assert_non_null(strstr(wt.wt_disabled_reason, "410"));
	webhook_target_free(&wt);
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_FAILED);
	delivery_free(&dl);
	/* Disabled: no more deliveries are made for it. */
	new_posting(fx, "232106");
	advance(fx, 3600 * 1000LL);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	assert_int_equal(store_delivery_get(fx->d.d_store, 2, &dl), 1);
	/* And /metrics says so. */
	buf_init(&b, 1 << 20);
	assert_int_equal(webhook_metrics(&fx->d, &b), 0);
	assert_non_null(strstr(b.data, "tsunagu_webhook_endpoint_disabled{"
	    "subscriber=\"acme\",reason=\"gone\"} 1"));
	assert_non_null(strstr(b.data, "tsunagu_webhook_endpoints_disabled 1"));
	buf_free(&b);
	/* Enabled again: the reason goes, new postings are delivered. */
	assert_int_equal(store_subscriber_set_disabled(fx->d.d_store, "acme", 0,
	    clock_now(fx->d.d_clock)), 0);
	assert_int_equal(store_webhook_target(fx->d.d_store, "acme", &wt), 0);
	assert_null(wt.wt_disabled_reason);
	webhook_target_free(&wt);
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 2);
}

static void
test_five_days_failing_disables(void **state)
{
	struct fixture *fx = *state;
	struct webhook_target wt;
	int64_t disabled_at = 0;
	int hours, n;

	fx->rv.rv_default = 500;
	/* A new posting every 12 hours, each failing on its schedule. */
	for (hours = 0; hours <= 6 * 24; hours++) {
		if (hours % 12 == 0) {
			new_posting(fx, "232106");
			pump(fx);
		}
		advance(fx, 3600 * 1000LL);
		assert_int_equal(store_webhook_target(fx->d.d_store, "acme",
		    &wt), 0);
		if (wt.wt_disabled && disabled_at == 0)
			disabled_at = clock_now_ms(fx->d.d_clock);
		if (!wt.wt_disabled)
			assert_int_equal(wt.wt_failing_since, T0);
		webhook_target_free(&wt);
	}
	assert_true(disabled_at != 0);
	/* Not before five days, and at the first attempt after them. */
	assert_true(disabled_at >= T0 + 5 * 86400 * 1000LL);
	assert_true(disabled_at <= T0 + 5 * 86400 * 1000LL + 3600 * 1000LL);
	assert_int_equal(store_webhook_target(fx->d.d_store, "acme", &wt), 0);
	assert_non_null(strstr(wt.wt_disabled_reason, "failing since"));
	webhook_target_free(&wt);
	n = fx->rv.rv_nreqs;
	advance(fx, 86400 * 1000LL);
	assert_int_equal(fx->rv.rv_nreqs, n);
	assert_int_equal(webhook_stats(fx->d.d_webhook)->ws_disabled, 1);
}

static void
test_success_clears_failing(void **state)
{
	struct fixture *fx = *state;
	struct webhook_target wt;

	script(fx, 1, A(500));
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(store_webhook_target(fx->d.d_store, "acme", &wt), 0);
	assert_int_equal(wt.wt_failing_since, T0);
	webhook_target_free(&wt);
	advance(fx, 10 * 1000);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	assert_int_equal(store_webhook_target(fx->d.d_store, "acme", &wt), 0);
	assert_int_equal(wt.wt_failing_since, 0);
	webhook_target_free(&wt);
}

static void
test_no_redirects(void **state)
{
	struct fixture *fx = *state;
	struct delivery dl;
	char other[128];

	snprintf(other, sizeof(other), "http://127.0.0.1:%d/other", fx->port);
	script(fx, 1, ((struct answer){ .status = 307, .location = other }));
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 1);
	assert_string_equal(fx->rv.rv_reqs[0].path, "/hook/acme");
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_PENDING);
	assert_int_equal(dl.dl_last_status, 307);
	assert_non_null(strstr(dl.dl_last_error, "redirects are not followed"));
	delivery_free(&dl);
}

static void
test_rate_limit(void **state)
{
	struct fixture *fx = *state;
	struct posting *ps[6];
	char guid[8];
	int i;

	/* Six postings at once; rate 2/s, burst 2 (setup_limits). */
	for (i = 0; i < 6; i++) {
		snprintf(guid, sizeof(guid), "r%d", i);
		ps[i] = make_entry(guid, "一斉", "232106");
	}
	fetch_entries(fx, ps, 6);
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	advance(fx, 499);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	advance(fx, 2);
	assert_int_equal(fx->rv.rv_nreqs, 3);
	advance(fx, 500);
	assert_int_equal(fx->rv.rv_nreqs, 4);
	advance(fx, 1000);
	assert_int_equal(fx->rv.rv_nreqs, 6);
}

static void
test_concurrency_cap(void **state)
{
	struct fixture *fx = *state;
	struct posting *ps[8];
	char guid[8];
	int i;

	/* Held answers: at most three (setup_limits) at once.  The bucket
	 * (burst 2) would start two; wait long enough for a third. */
	for (i = 0; i < 8; i++)
		script(fx, 1, HOLD);
	for (i = 0; i < 8; i++) {
		snprintf(guid, sizeof(guid), "c%d", i);
		ps[i] = make_entry(guid, "同時", "232106");
	}
	fetch_entries(fx, ps, 8);
	pump(fx);
	advance(fx, 5000);
	assert_int_equal(fx->rv.rv_nheld, 3);
	assert_int_equal(webhook_in_flight(fx->d.d_webhook), 3);
	advance(fx, 5000);
	assert_int_equal(fx->rv.rv_nheld, 3);
	receiver_release(&fx->rv, 200);
	pump(fx);
	advance(fx, 5000);
	assert_int_equal(fx->rv.rv_nheld, 3);
	assert_int_equal(fx->rv.rv_max_held, 3);
}

/*
 * A dispatch hands what it made to the deliverer: the requests start on
 * the dispatch's own turn, before any scan could run, and the caps hold
 * for them as for a scan's (the rest waits in the store, then follows).
 */
static void
test_fanout_offered(void **state)
{
	struct fixture *fx = *state;
	struct posting *ps[5];
	char guid[8];
	int i;

	for (i = 0; i < 5; i++)
		script(fx, 1, HOLD);
	for (i = 0; i < 5; i++) {
		snprintf(guid, sizeof(guid), "o%d", i);
		ps[i] = make_entry(guid, "即時", "232106");
	}
	/* Stored, then dispatched by hand: no turn of the loop between. */
	fetch_entries(fx, ps, 5);
	assert_int_equal(outbox_run(fx->d.d_outbox), 5);
	assert_int_equal(webhook_in_flight(fx->d.d_webhook), 3);
	pump(fx);
	assert_int_equal(fx->rv.rv_nheld, 3);
	receiver_release(&fx->rv, 200);
	pump(fx);
	assert_int_equal(fx->rv.rv_nheld, 2);
	receiver_release(&fx->rv, 200);
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 5);
	assert_int_equal(webhook_stats(fx->d.d_webhook)->ws_delivered, 5);
	assert_int_equal(webhook_in_flight(fx->d.d_webhook), 0);
}

static void
test_rotation_overlap(void **state)
{
	struct fixture *fx = *state;
	char secret[AUTH_SECRET_SIZE];
	const struct req *r;

	auth_webhook_secret_new(secret);
	assert_int_equal(store_subscriber_set_secret(fx->d.d_store, "acme",
	    secret, clock_now(fx->d.d_clock)), 0);
	new_posting(fx, "232106");
	pump(fx);
	r = &fx->rv.rv_reqs[0];
	/* Both signatures while the overlap lasts (a day by default). */
	assert_non_null(strchr(r->sig, ' '));
	assert_true(verifies(r, secret));
	assert_true(verifies(r, KAT_SECRET));
	advance(fx, 86400 * 1000LL);
	new_posting(fx, "232106");
	pump(fx);
	r = &fx->rv.rv_reqs[1];
	assert_null(strchr(r->sig, ' '));
	assert_true(verifies(r, secret));
	assert_false(verifies(r, KAT_SECRET));
}

static void
test_stop_midway_sends_again(void **state)
{
	struct fixture *fx = *state;
	struct delivery dl;

	script(fx, 1, HOLD);
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nheld, 1);
	/* The daemon stops (or dies) before the answer: nothing recorded. */
	webhook_free(fx->d.d_webhook);
	fx->d.d_webhook = NULL;
	receiver_release(&fx->rv, 200);
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_PENDING);
	assert_int_equal(dl.dl_attempts, 0);
	delivery_free(&dl);
	/* Started again, it sends the delivery again with its webhook-id. */
	fx->d.d_webhook = webhook_new(&fx->d);
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	assert_string_equal(fx->rv.rv_reqs[1].id, fx->rv.rv_reqs[0].id);
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_DELIVERED);
	delivery_free(&dl);
}

static void
test_redeliver_keeps_id(void **state)
{
	struct fixture *fx = *state;
	struct delivery_attempt *da;
	struct delivery dl;
	size_t n;

	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(store_delivery_redeliver(fx->d.d_store, 1,
	    clock_now_ms(fx->d.d_clock)), 0);
	webhook_kick(fx->d.d_webhook);
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	assert_string_equal(fx->rv.rv_reqs[0].id, fx->rv.rv_reqs[1].id);
	assert_string_equal(fx->rv.rv_reqs[0].body, fx->rv.rv_reqs[1].body);
	delivery_n(fx, 1, &dl);
	assert_int_equal(dl.dl_attempts, 2);
	assert_int_equal(dl.dl_tries, 1);
	delivery_free(&dl);
	/* The redelivery's attempt follows the first one. */
	assert_int_equal(store_delivery_attempts(fx->d.d_store, 1, &da, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(da[0].da_attempt, 1);
	assert_int_equal(da[1].da_attempt, 2);
	store_delivery_attempts_free(da, n);
	assert_int_equal(store_delivery_redeliver(fx->d.d_store, 99, 0), 1);
}

/*
 * A redelivery asked for while the first request is still running: that
 * request's answer, arriving later, is recorded as an attempt but does
 * not mark the redelivery delivered; the redelivery is sent once the
 * first request has ended, with the same webhook-id, and its own answer
 * is the one that counts.
 */
static void
test_redeliver_while_in_flight(void **state)
{
	struct fixture *fx = *state;
	struct delivery_attempt *da;
	struct delivery dl;
	size_t n;

	script(fx, 2, HOLD, A(500));
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nheld, 1);
	/* As the API does it: what had ended is written first. */
	webhook_flush(fx->d.d_webhook);
	assert_int_equal(store_delivery_redeliver(fx->d.d_store, 1,
	    clock_now_ms(fx->d.d_clock)), 0);
	webhook_kick(fx->d.d_webhook);
	pump(fx);
	/* Not sent twice at once. */
	assert_int_equal(fx->rv.rv_nreqs, 1);
	assert_int_equal(webhook_in_flight(fx->d.d_webhook), 1);
	/* The first answer (a success) comes: the redelivery is sent,
	 * answered 500, and stays pending for its retry. */
	receiver_release(&fx->rv, 204);
	pump(fx);
	assert_int_equal(fx->rv.rv_nreqs, 2);
	assert_string_equal(fx->rv.rv_reqs[0].id, fx->rv.rv_reqs[1].id);
	delivery_n(fx, 1, &dl);
	assert_string_equal(dl.dl_status, DELIVERY_PENDING);
	assert_int_equal(dl.dl_tries, 1);
	assert_int_equal(dl.dl_attempts, 2);
	assert_int_equal(dl.dl_last_status, 500);
	assert_int_equal(dl.dl_generation, 1);
	delivery_free(&dl);
	assert_int_equal(store_delivery_attempts(fx->d.d_store, 1, &da, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(da[0].da_http_status, 204);
	assert_int_equal(da[1].da_attempt, 2);
	assert_int_equal(da[1].da_http_status, 500);
	store_delivery_attempts_free(da, n);
}

/* A subscriber deleted while its request runs: the answer is not written
 * anywhere, and nothing else is lost with it. */
static void
test_deleted_midway_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct delivery_attempt *da;
	struct delivery dl;
	size_t n;

	script(fx, 1, HOLD);
	new_posting(fx, "232106");
	pump(fx);
	assert_int_equal(fx->rv.rv_nheld, 1);
	assert_int_equal(store_subscriber_delete(fx->d.d_store, "acme"), 0);
	assert_int_equal(store_delivery_get(fx->d.d_store, 1, &dl), 1);
	receiver_release(&fx->rv, 200);
	pump(fx);
	assert_int_equal(store_delivery_get(fx->d.d_store, 1, &dl), 1);
	assert_int_equal(store_delivery_attempts(fx->d.d_store, 1, &da, &n), 0);
	assert_int_equal(n, 0);
	store_delivery_attempts_free(da, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivered_signed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retry_schedule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gives_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_throttled_pauses_endpoint,
		    setup_serial, teardown),
		cmocka_unit_test_setup_teardown(test_gone_disables, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_five_days_failing_disables,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_clears_failing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_redirects, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup_limits,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrency_cap,
		    setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_fanout_offered,
		    setup_serial3, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_overlap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop_midway_sends_again,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_redeliver_keeps_id, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_redeliver_while_in_flight,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_deleted_midway_leaves_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
