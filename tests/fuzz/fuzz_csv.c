/*
 * fuzz_csv.c — the イベント一覧 CSV reader directly (libcsv, the header
 * alias table, one posting per row), then what follows it: normalization
 * and every writer (fuzz_publish.h).  The first byte picks the charset
 * the bytes are read in (auto, UTF-8, CP932), as a source's `encoding`.
 */
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "fuzz_publish.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const encodings[] = { NULL, "UTF-8", "CP932" };
	struct feed_parse_opts opts = {
		.base_url = "https://example.jp/opendata/event.csv",
		.max_entries = 200,
	};
	struct feed *feed = NULL;
	char err[256];

	if (size < 1)
		return 0;
	opts.encoding = encodings[data[0] % 3];
	if (feed_parse((const char *)data + 1, size - 1, FEED_FORMAT_CSV,
	    &opts, &feed, err, sizeof(err)) == 0) {
		fuzz_publish(feed);
		feed_free(feed);
	}
	return 0;
}
