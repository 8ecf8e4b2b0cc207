/* test_schedule.c — next poll times and backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "schedule.h"

static void
test_success(void **state)
{
	assert_int_equal(schedule_next_poll(1000, 300, 0, 0), 1300);
	assert_int_equal(schedule_next_poll(1000, 0, 0, 0), 1001);
}

static void
test_backoff_doubles_and_caps(void **state)
{
	int64_t prev = 0, d;
	int i;

	for (i = 1; i < 40; i++) {
		d = schedule_next_poll(0, 60, i, 0);
		assert_true(d >= prev);
		assert_true(d <= SCHEDULE_MAX_BACKOFF);
		prev = d;
	}
	assert_int_equal(schedule_next_poll(0, 60, 1, 0), 120);
	assert_int_equal(schedule_next_poll(0, 60, 3, 0), 480);
	assert_int_equal(prev, SCHEDULE_MAX_BACKOFF);
	/* A long interval is never shortened by the cap. */
	assert_int_equal(schedule_next_poll(0, 86400, 5, 0), 86400);
}

static void
test_retry_after(void **state)
{
	assert_int_equal(schedule_next_poll(0, 60, 1, 900), 900);
	assert_int_equal(schedule_next_poll(0, 60, 1, 10), 120);
	/* A server cannot park us for a week. */
	assert_int_equal(schedule_next_poll(0, 60, 1, 7 * 86400),
	    SCHEDULE_MAX_BACKOFF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_backoff_doubles_and_caps),
		cmocka_unit_test(test_retry_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
