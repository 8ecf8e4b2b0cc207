/*
 * lifecycle.h — when a posting's event is over (issue 4: "an event whose
 * end has passed is closed, not deleted").
 *
 * The same rule as the store's sweep, which reads the span columns of
 * schemas/002_search.sql: the event runs from its start to its end (a
 * date alone is a whole Japan day; no end: the start, or its whole day),
 * a recurring one to its last occurrence (UNTIL's day, or COUNT times
 * FREQ x INTERVAL, or never); it is over at the end of that, and never
 * before the end of its first day in Japan (an event at 10:00 without an
 * end stays open that day).
 */
#ifndef TSUNAGU_LIFECYCLE_H
#define TSUNAGU_LIFECYCLE_H

#include <stdint.h>

#define LIFECYCLE_NEVER	INT64_MAX

/*
 * The last second of the event (unix seconds): closed once now is past
 * it.  LIFECYCLE_NEVER without a start that reads, or for a recurrence
 * without an end.
 */
int64_t	lifecycle_close_time(const char *start, const char *end,
	    const char *recurrence);

#endif
