/* schedule.c — poll schedule with exponential backoff. */
#include "schedule.h"

int64_t
schedule_next_poll(int64_t now, int64_t interval, int failures,
    int64_t retry_after)
{
	int64_t delay = interval > 0 ? interval : 1;
	int64_t cap = delay > SCHEDULE_MAX_BACKOFF ? delay : SCHEDULE_MAX_BACKOFF;
	int i;

	for (i = 0; i < failures && delay < cap; i++)
		delay *= 2;
	if (delay > cap)
		delay = cap;
	if (retry_after > delay)
		delay = retry_after > cap ? cap : retry_after;
	return now + delay;
}
