/*
 * test_webhook_policy.c — the retry schedule (nominal delays, ±20 %
 * jitter, the same schedule for the same seed), what each response
 * means, and token buckets on a clock the test holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "webhook_policy.h"

static void
test_schedule(void **state)
{
	static const int64_t nominal[] = { 5000, 300000, 1800000, 7200000,
	    18000000, 36000000, 36000000 };
	uint64_t a = 7, b = 7, c = 8;
	int64_t d, min[8], max[8];
	int tries, i, differs = 0;

	(void)state;
	for (tries = 1; tries < WEBHOOK_MAX_TRIES; tries++)
		assert_int_equal(webhook_retry_base_ms(tries),
		    nominal[tries - 1]);
	assert_int_equal(webhook_retry_base_ms(0), -1);
	assert_int_equal(webhook_retry_base_ms(8), -1);
	assert_int_equal(webhook_retry_delay_ms(8, &a), -1);
	/* Within ±20 %, spread over the range, the same for one seed. */
	for (tries = 1; tries < WEBHOOK_MAX_TRIES; tries++) {
		min[tries] = INT64_MAX;
		max[tries] = 0;
	}
	for (i = 0; i < 2000; i++)
		for (tries = 1; tries < WEBHOOK_MAX_TRIES; tries++) {
			d = webhook_retry_delay_ms(tries, &a);
			assert_int_equal(d, webhook_retry_delay_ms(tries, &b));
			if (d != webhook_retry_delay_ms(tries, &c))
				differs = 1;
			assert_true(d >= nominal[tries - 1] * 8 / 10);
			assert_true(d <= nominal[tries - 1] * 12 / 10);
			if (d < min[tries])
				min[tries] = d;
			if (d > max[tries])
				max[tries] = d;
		}
	assert_true(differs);
	for (tries = 1; tries < WEBHOOK_MAX_TRIES; tries++) {
		assert_true(min[tries] < nominal[tries - 1] * 82 / 100);
		assert_true(max[tries] > nominal[tries - 1] * 118 / 100);
	}
}

static void
test_classify(void **state)
{
	(void)state;
	assert_int_equal(webhook_classify(1, 200), WEBHOOK_DELIVERED);
	assert_int_equal(webhook_classify(1, 204), WEBHOOK_DELIVERED);
	assert_int_equal(webhook_classify(1, 299), WEBHOOK_DELIVERED);
	assert_int_equal(webhook_classify(1, 301), WEBHOOK_FAILED);
	assert_int_equal(webhook_classify(1, 308), WEBHOOK_FAILED);
	assert_int_equal(webhook_classify(1, 400), WEBHOOK_FAILED);
	assert_int_equal(webhook_classify(1, 410), WEBHOOK_GONE);
	assert_int_equal(webhook_classify(1, 429), WEBHOOK_THROTTLED);
	assert_int_equal(webhook_classify(1, 500), WEBHOOK_FAILED);
	assert_int_equal(webhook_classify(1, 502), WEBHOOK_THROTTLED);
	assert_int_equal(webhook_classify(1, 503), WEBHOOK_FAILED);
	assert_int_equal(webhook_classify(1, 504), WEBHOOK_THROTTLED);
	assert_int_equal(webhook_classify(0, 0), WEBHOOK_FAILED);
	assert_int_equal(webhook_classify(0, 200), WEBHOOK_FAILED);
	assert_string_equal(webhook_outcome_name(WEBHOOK_GONE), "gone");
}

static void
test_token_bucket(void **state)
{
	struct token_bucket tb;
	int64_t t = 1000000;
	int i;

	(void)state;
	token_bucket_init(&tb, 4, 3, t);
	for (i = 0; i < 3; i++)
		assert_true(token_bucket_take(&tb, t));
	assert_false(token_bucket_take(&tb, t));
	assert_int_equal(token_bucket_wait(&tb, t), 251);
	assert_false(token_bucket_take(&tb, t + 249));
	assert_true(token_bucket_take(&tb, t + 251));
	/* Idle for long: no more than the burst. */
	t += 60000;
	for (i = 0; i < 3; i++)
		assert_true(token_bucket_take(&tb, t));
	assert_false(token_bucket_take(&tb, t));
	/* A lower burst cuts what is saved. */
	t += 60000;
	token_bucket_set(&tb, 4, 1, t);
	assert_true(token_bucket_take(&tb, t));
	assert_false(token_bucket_take(&tb, t));
	assert_int_equal(token_bucket_wait(&tb, t + 250), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_token_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
