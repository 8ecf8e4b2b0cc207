/*
 * fuzz_filter.c — feed filters as people write them (feed_filter.h): a
 * subscriber's filter line, or query parameters ("KEY=VALUE&..." with the
 * values as evhttp hands them over, already decoded).  The first byte
 * picks which.
 *
 * Checked: the canonical form of an accepted filter is accepted again and
 * names the same filter (writing it a second time gives the same bytes),
 * so two requests for the same postings always name the same feed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "feed_filter.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz property violated: %s\n", what);
		abort();
	}
}

/* "k=v&k=v" with each value given to feed_filter_add() as it is. */
static int
add_query(struct posting_filter *f, char *text, char *err, size_t errlen)
{
	char *pair, *save = NULL, *eq;

	for (pair = strtok_r(text, "&", &save); pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(pair, '=')) == NULL)
			return -1;
		*eq = '\0';
		if (!feed_filter_is_key(pair))
			return -1;
		if (feed_filter_add(f, pair, eq + 1, err, errlen) == -1)
			return -1;
	}
	return feed_filter_finish(f, err, errlen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct posting_filter f, g;
	struct buf one, two;
	char *text, err[256], *line, *p;
	int rc;

	if (size < 1 || size > 4096)
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&g, 0, sizeof(g));
	text = strndup((const char *)data + 1, size - 1);
	if (data[0] & 1)
		rc = add_query(&f, text, err, sizeof(err));
	else
		rc = feed_filter_parse_line(&f, text, err, sizeof(err));
	free(text);
	if (rc == 0) {
		buf_init(&one, 1 << 20);
		buf_init(&two, 1 << 20);
		require(feed_filter_canonical(&f, &one) == 0,
		    "no canonical form");
		require(feed_filter_is_empty(&f) == (one.len == 0),
		    "an empty canonical form for a non-empty filter");
		/* The canonical query, written as a filter line. */
		line = strndup(one.data ? one.data : "", one.len);
		for (p = line; *p; p++)
			if (*p == '&')
				*p = ' ';
		rc = feed_filter_parse_line(&g, line, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", line, err);
		require(rc == 0, "the canonical form is refused");
		require(feed_filter_canonical(&g, &two) == 0,
		    "no canonical form the second time");
		if (one.len != two.len || (one.len > 0 &&
		    memcmp(one.data, two.data, one.len) != 0))
			fprintf(stderr, "one: %.*s\ntwo: %.*s\n",
			    (int)one.len, one.data, (int)two.len, two.data);
		require(one.len == two.len && (one.len == 0 ||
		    memcmp(one.data, two.data, one.len) == 0),
		    "the canonical form is not canonical");
		free(line);
		buf_free(&one);
		buf_free(&two);
	}
	feed_filter_clear(&f);
	feed_filter_clear(&g);
	return 0;
}
