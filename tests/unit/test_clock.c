/* test_clock.c — the manual clock fires timers in order, without sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "clock.h"

struct fired {
	struct clock	*clock;
	char		 order[16];
	int64_t		 at[16];
	int		 n;
	struct timer	*rearm;		/* re-armed once from its callback */
};

struct probe {
	struct fired	*f;
	char		 name;
};

static void
on_fire(void *arg)
{
	struct probe *p = arg;
	struct fired *f = p->f;

	f->order[f->n] = p->name;
	f->at[f->n++] = clock_now_ms(f->clock);
	if (p->name == 'a' && f->rearm) {
		timer_at(f->rearm, clock_now_ms(f->clock) + 50);
		f->rearm = NULL;
	}
}

static void
test_manual_order(void **state)
{
	struct fired f = { 0 };
	struct probe pa = { &f, 'a' }, pb = { &f, 'b' }, pc = { &f, 'c' };
	struct timer *a, *b, *c;

	f.clock = clock_manual_new(1000000);
	a = timer_new(f.clock, on_fire, &pa);
	b = timer_new(f.clock, on_fire, &pb);
	c = timer_new(f.clock, on_fire, &pc);
	timer_at(b, 1000200);
	timer_at(a, 1000100);
	timer_at(c, 1000900);
	f.rearm = a;
	assert_int_equal(clock_now(f.clock), 1000);
	clock_manual_advance(f.clock, 99);
	assert_int_equal(f.n, 0);
	clock_manual_advance(f.clock, 200);	/* to 1000299 */
	/* a at 100, b at 200; a re-armed itself for 150: fires too. */
	assert_int_equal(f.n, 3);
	assert_memory_equal(f.order, "aab", 3);
	assert_int_equal(f.at[0], 1000100);
	assert_int_equal(f.at[1], 1000150);
	assert_int_equal(f.at[2], 1000200);
	assert_int_equal(clock_now_ms(f.clock), 1000299);
	timer_cancel(c);
	clock_manual_advance(f.clock, 10000);
	assert_int_equal(f.n, 3);
	assert_false(timer_pending(c));
	timer_free(a);
	timer_free(b);
	timer_free(c);
	clock_free(f.clock);
}

static void
test_real_clock_timer(void **state)
{
	struct event_base *base = event_base_new();
	struct fired f = { 0 };
	struct probe p = { &f, 'r' };
	struct timer *t;
	int64_t start;

	f.clock = clock_real_new(base);
	start = clock_now_ms(f.clock);
	assert_true(start > 1700000000000LL);
	t = timer_new(f.clock, on_fire, &p);
	timer_at(t, start + 20);
	assert_true(timer_pending(t));
	event_base_dispatch(base);	/* returns when no event is left */
	assert_int_equal(f.n, 1);
	assert_true(f.at[0] >= start + 19);
	timer_free(t);
	clock_free(f.clock);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_order),
		cmocka_unit_test(test_real_clock_timer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
