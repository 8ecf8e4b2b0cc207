/*
 * fuzz_ical.c — the iCalendar reader directly (unfolding, escaping,
 * parameters, components, TZID and VTIMEZONE offsets, DURATION, RRULE),
 * then normalization and every writer (fuzz_publish.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "fuzz_publish.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_parse_opts opts = {
		.base_url = "https://example.jp/calendar.ics",
		.max_entries = 200,
	};
	struct feed *feed = NULL;
	char err[256];

	if (feed_parse((const char *)data, size, FEED_FORMAT_ICAL, &opts,
	    &feed, err, sizeof(err)) == 0) {
		fuzz_publish(feed);
		feed_free(feed);
	}
	return 0;
}
