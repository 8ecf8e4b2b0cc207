/*
 * schedule.h — when to poll a source next.  Pure arithmetic on the clock's
 * time, so tests drive it directly.
 */
#ifndef TSUNAGU_SCHEDULE_H
#define TSUNAGU_SCHEDULE_H

#include <stdint.h>

#define SCHEDULE_MAX_BACKOFF	(6 * 3600)	/* seconds */

/*
 * After a success: now + interval.  After the n-th consecutive failure:
 * now + min(interval * 2^n, max(interval, SCHEDULE_MAX_BACKOFF)), and never
 * before a server's Retry-After (seconds, 0 if none).
 */
int64_t	schedule_next_poll(int64_t now, int64_t interval, int failures,
	    int64_t retry_after);

#endif
