/*
 * test_ratelimit.c — token buckets on the manual clock: bursts, refill,
 * Retry-After, independent keys, a bounded table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "clock.h"
#include "ratelimit.h"

#define T0	INT64_C(1800000000000)	/* ms */

static void
test_burst_then_refill(void **state)
{
	struct clock *c = clock_manual_new(T0);
	struct ratelimit *rl = ratelimit_new(c, 16);
	int i;

	ratelimit_set(rl, 2, 5);	/* 2 per second, bursts of 5 */
	for (i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 0);
	/* Empty: one token comes back in half a second: wait 1 s. */
	assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 1);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 1);
	clock_manual_advance(c, 499);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 1);
	clock_manual_advance(c, 1);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 0);
	assert_true(ratelimit_take(rl, "10.0.0.1") >= 1);
	/* A long pause refills up to the burst, never beyond. */
	clock_manual_advance(c, 3600 * 1000);
	for (i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1"), 1);
	ratelimit_free(rl);
	clock_free(c);
}

static void
test_retry_after_is_whole_seconds(void **state)
{
	struct clock *c = clock_manual_new(T0);
	struct ratelimit *rl = ratelimit_new(c, 16);

	ratelimit_set(rl, 0.25, 1);	/* one every 4 s */
	assert_int_equal(ratelimit_take(rl, "k"), 0);
	assert_int_equal(ratelimit_take(rl, "k"), 4);
	clock_manual_advance(c, 1500);
	assert_int_equal(ratelimit_take(rl, "k"), 3);	/* 2.5 s, rounded up */
	clock_manual_advance(c, 2500);
	assert_int_equal(ratelimit_take(rl, "k"), 0);
	ratelimit_free(rl);
	clock_free(c);
}

static void
test_keys_are_independent(void **state)
{
	struct clock *c = clock_manual_new(T0);
	struct ratelimit *rl = ratelimit_new(c, 16);

	ratelimit_set(rl, 1, 2);
	assert_int_equal(ratelimit_take(rl, "token-a"), 0);
	assert_int_equal(ratelimit_take(rl, "token-a"), 0);
	assert_int_equal(ratelimit_take(rl, "token-a"), 1);
	assert_int_equal(ratelimit_take(rl, "token-b"), 0);
	assert_int_equal(ratelimit_take(rl, "token-b"), 0);
	assert_int_equal(ratelimit_take(rl, "token-b"), 1);
	assert_int_equal(ratelimit_size(rl), 2);
	ratelimit_free(rl);
	clock_free(c);
}

static void
test_bounded_table(void **state)
{
	struct clock *c = clock_manual_new(T0);
	struct ratelimit *rl = ratelimit_new(c, 8);
	char key[32];
	int i;

	ratelimit_set(rl, 1, 1);
	assert_int_equal(ratelimit_take(rl, "busy"), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "198.51.100.%d", i);
		assert_int_equal(ratelimit_take(rl, key), 0);
		/* The busy key stays the most recently used. */
		assert_true(ratelimit_take(rl, "busy") >= 1);
		assert_true(ratelimit_size(rl) <= 8);
	}
	assert_int_equal(ratelimit_size(rl), 8);
	ratelimit_free(rl);
	ratelimit_free(NULL);
	clock_free(c);
}

static void
test_new_limits_apply(void **state)
{
	struct clock *c = clock_manual_new(T0);
	struct ratelimit *rl = ratelimit_new(c, 16);
	int i;

	ratelimit_set(rl, 1, 100);
	assert_int_equal(ratelimit_take(rl, "k"), 0);
	/* A smaller burst cuts full buckets down at once. */
	ratelimit_set(rl, 1, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "k"), 0);
	assert_int_equal(ratelimit_take(rl, "k"), 1);
	/* A faster rate refills faster. */
	ratelimit_set(rl, 10, 3);
	clock_manual_advance(c, 100);
	assert_int_equal(ratelimit_take(rl, "k"), 0);
	ratelimit_free(rl);
	clock_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refill),
		cmocka_unit_test(test_retry_after_is_whole_seconds),
		cmocka_unit_test(test_keys_are_independent),
		cmocka_unit_test(test_bounded_table),
		cmocka_unit_test(test_new_limits_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
