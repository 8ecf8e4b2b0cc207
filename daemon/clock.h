/*
 * clock.h — the one source of time and timers in the daemon.
 *
 * Every timestamp and every timer goes through a struct clock so tests can
 * run schedules, backoff and retries without sleeping: the real clock reads
 * CLOCK_REALTIME and arms libevent timers; the manual clock stands still
 * until clock_manual_advance() moves it and fires the timers that became
 * due, in order.
 */
#ifndef TSUNAGU_CLOCK_H
#define TSUNAGU_CLOCK_H

#include <stdint.h>

struct event_base;
struct clock;
struct timer;

typedef void (*timer_cb)(void *arg);

struct clock	*clock_real_new(struct event_base *);
struct clock	*clock_manual_new(int64_t start_ms);
void		 clock_free(struct clock *);	/* timers must be freed first */

int64_t		 clock_now_ms(struct clock *);
int64_t		 clock_now(struct clock *);	/* unix seconds */

/* Manual clock only: moves time forward, firing due timers in order. */
void		 clock_manual_advance(struct clock *, int64_t ms);

/* A one-shot timer; owned by the caller, timer_free() disarms it. */
struct timer	*timer_new(struct clock *, timer_cb, void *arg);
void		 timer_at(struct timer *, int64_t when_ms);	/* (re)arm */
void		 timer_cancel(struct timer *);
int		 timer_pending(const struct timer *);
int64_t		 timer_when(const struct timer *);
void		 timer_free(struct timer *);

#endif
