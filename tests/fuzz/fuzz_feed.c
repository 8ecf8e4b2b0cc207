/*
 * fuzz_feed.c — the whole ingest path: charset decoding, sniffing and every
 * parser.  The first byte picks the format (0: sniff), so each parser gets
 * inputs meant for the others too.  What parses goes on through
 * normalization and every writer (fuzz_publish.h).
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
		.base_url = "https://example.jp/feed/",
		.max_entries = 1000,
	};
	struct feed *feed = NULL;
	enum feed_format fmt;
	char err[256];

	if (size < 1)
		return 0;
	fmt = (enum feed_format)(data[0] % (FEED_FORMAT_ICAL + 1));
	if (data[0] & 0x80)
		opts.encoding = "Shift_JIS";
	if (feed_parse((const char *)data + 1, size - 1, fmt, &opts, &feed,
	    err, sizeof(err)) == 0) {
		fuzz_publish(feed);
		feed_free(feed);
	}
	return 0;
}
