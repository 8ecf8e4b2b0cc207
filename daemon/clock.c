/* clock.c — real (libevent) and manual clocks behind one interface. */
#include <stdlib.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>

#include "../feeds/xmalloc.h"
#include "clock.h"

struct clock {
	struct event_base	*ck_base;	/* NULL: manual clock */
	int64_t			 ck_manual_now;	/* ms, manual clock only */
	TAILQ_HEAD(, timer)	 ck_armed;	/* manual clock only */
};

struct timer {
	struct clock		*tm_clock;
	timer_cb		 tm_cb;
	void			*tm_arg;
	struct event		*tm_event;	/* real clock only */
	int64_t			 tm_when;	/* ms */
	int			 tm_pending;
	TAILQ_ENTRY(timer)	 tm_entry;	/* manual clock only */
};

struct clock *
clock_real_new(struct event_base *base)
{
	struct clock *c = xcalloc(1, sizeof(*c));

	c->ck_base = base;
	TAILQ_INIT(&c->ck_armed);
	return c;
}

struct clock *
clock_manual_new(int64_t start_ms)
{
	struct clock *c = xcalloc(1, sizeof(*c));

	c->ck_manual_now = start_ms;
	TAILQ_INIT(&c->ck_armed);
	return c;
}

void
clock_free(struct clock *c)
{
	free(c);
}

int64_t
clock_now_ms(struct clock *c)
{
	struct timespec ts;

	if (c->ck_base == NULL)
		return c->ck_manual_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_now(struct clock *c)
{
	return clock_now_ms(c) / 1000;
}

void
clock_manual_advance(struct clock *c, int64_t ms)
{
	int64_t until = c->ck_manual_now + ms;
	struct timer *t, *first;

	/* Fire in time order; a callback may re-arm timers, so rescan. */
	for (;;) {
		first = NULL;
		TAILQ_FOREACH(t, &c->ck_armed, tm_entry)
			if (t->tm_when <= until &&
			    (first == NULL || t->tm_when < first->tm_when))
				first = t;
		if (first == NULL)
			break;
		if (first->tm_when > c->ck_manual_now)
			c->ck_manual_now = first->tm_when;
		TAILQ_REMOVE(&c->ck_armed, first, tm_entry);
		first->tm_pending = 0;
		first->tm_cb(first->tm_arg);
	}
	c->ck_manual_now = until;
}

static void
timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct timer *t = arg;

	(void)fd;
	(void)what;
	t->tm_pending = 0;
	t->tm_cb(t->tm_arg);
}

struct timer *
timer_new(struct clock *c, timer_cb cb, void *arg)
{
	struct timer *t = xcalloc(1, sizeof(*t));

	t->tm_clock = c;
	t->tm_cb = cb;
	t->tm_arg = arg;
	if (c->ck_base != NULL) {
		t->tm_event = evtimer_new(c->ck_base, timer_fire, t);
		if (t->tm_event == NULL)
			abort();
	}
	return t;
}

void
timer_at(struct timer *t, int64_t when_ms)
{
	struct clock *c = t->tm_clock;
	struct timeval tv;
	int64_t delay;

	timer_cancel(t);
	t->tm_when = when_ms;
	t->tm_pending = 1;
	if (c->ck_base == NULL) {
		TAILQ_INSERT_TAIL(&c->ck_armed, t, tm_entry);
		return;
	}
	delay = when_ms - clock_now_ms(c);
	if (delay < 0)
		delay = 0;
	tv.tv_sec = delay / 1000;
	tv.tv_usec = (delay % 1000) * 1000;
	evtimer_add(t->tm_event, &tv);
}

void
timer_cancel(struct timer *t)
{
	if (t == NULL || !t->tm_pending)
		return;
	if (t->tm_clock->ck_base == NULL)
		TAILQ_REMOVE(&t->tm_clock->ck_armed, t, tm_entry);
	else
		evtimer_del(t->tm_event);
	t->tm_pending = 0;
}

int
timer_pending(const struct timer *t)
{
	return t->tm_pending;
}

int64_t
timer_when(const struct timer *t)
{
	return t->tm_when;
}

void
timer_free(struct timer *t)
{
	if (t == NULL)
		return;
	timer_cancel(t);
	if (t->tm_event)
		event_free(t->tm_event);
	free(t);
}
