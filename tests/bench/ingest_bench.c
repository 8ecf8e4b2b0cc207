/*
 * ingest_bench.c — tsunagu's ingest path over files, timed: what the
 * poller does with a fetched body (feed_parse(): charset decoding,
 * sniffing, the parser; then normalize_posting() on every entry: the HTML
 * sanitizer, dates from structured fields and from the text, NFKC,
 * categories, area), from memory, with no I/O in the timed part.
 *
 *	ingest_bench [-r ROUNDS] FILE...
 *
 * Prints one line per file and round: "FILE ENTRIES SECONDS".  Built by
 * ingest_vs_peers.sh against a release build of libtsunagu-feeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feed.h"
#include "normalize.h"

#define BENCH_MAX_FILE	((size_t)256 << 20)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	if ((data = malloc(BENCH_MAX_FILE)) == NULL) {
		perror("malloc");
		exit(2);
	}
	*len = fread(data, 1, BENCH_MAX_FILE, f);
	fclose(f);
	return data;
}

static long
ingest(const char *data, size_t len, const char *name)
{
	static const struct normalize_ctx ctx = {
		.nc_base_url = "https://example.org/feed.xml",
		.nc_region = "232106",
	};
	struct feed_parse_opts opts = {
		.base_url = "https://example.org/feed.xml",
	};
	struct feed *f;
	char err[256];
	size_t i;
	long n;

	if (feed_parse(data, len, FEED_FORMAT_AUTO, &opts, &f, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", name, err);
		return -1;
	}
	for (i = 0; i < f->fd_entries.pl_len; i++)
		normalize_posting(f->fd_entries.pl_items[i], &ctx);
	n = (long)f->fd_entries.pl_len;
	feed_free(f);
	return n;
}

int
main(int argc, char *argv[])
{
	int rounds = 3, ch, r, i;
	size_t len;
	char *data;
	double t0;
	long n;

	while ((ch = getopt(argc, argv, "r:")) != -1) {
		if (ch != 'r' || (rounds = atoi(optarg)) < 1) {
			fprintf(stderr, "usage: %s [-r ROUNDS] FILE...\n",
			    argv[0]);
			return 2;
		}
	}
	for (r = 0; r < rounds; r++) {
		for (i = optind; i < argc; i++) {
			data = slurp(argv[i], &len);
			t0 = now();
			n = ingest(data, len, argv[i]);
			printf("%s %ld %.6f\n", argv[i], n, now() - t0);
			fflush(stdout);
			free(data);
		}
	}
	return 0;
}
