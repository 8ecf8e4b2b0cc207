/*
 * test_feed_query.c — a feed named by a URL (a WebSub topic) or by a GET:
 * every spelling of the same feed gets one canonical self URL and one
 * cache key; other instances, other paths, bad parameters and private
 * feeds without their token get the status a GET would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "daemon.h"
#include "feed_query.h"

#define BASE	"https://volunteer.example.jp"
#define TOKEN	"feed-token-0123456789abcdef"

static struct daemon d;
static char dir[] = "/tmp/tsunagu-fq-XXXXXX";

static int
setup(void **state)
{
	char path[128];
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/co.token", dir);
	f = fopen(path, "w");
	fputs(TOKEN "\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	f = fopen(path, "w");
	fputs("[daemon]\ninstance = kariya\nfeed_limit = 50\n"
	    "[subscriber toyota]\nfilter = kind=city area=23210\n"
	    "[subscriber co]\nfilter = kind=corporate\n"
	    "feed_token_file = co.token\n", f);
	fclose(f);
	if ((d.d_conf = config_load(path)) == NULL)
		return -1;
	d.d_base_url = strdup(BASE);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[64];

	config_free(d.d_conf);
	free(d.d_base_url);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* fq_self of a URL, or "STATUS: reason". */
static const char *
self_of(const char *url, char *key, size_t keylen)
{
	static char out[2048];
	struct feed_request fq;
	char err[256];
	int status;

	if (feed_request_from_url(&d, url, &fq, &status, err,
	    sizeof(err)) == -1) {
		snprintf(out, sizeof(out), "%d: %s", status, err);
		return out;
	}
	snprintf(out, sizeof(out), "%s", fq.fq_self);
	if (key != NULL)
		snprintf(key, keylen, "%s", fq.fq_key);
	feed_request_clear(&fq);
	return out;
}

static void
test_one_name_per_feed(void **state)
{
	char k1[4096], k2[4096];

	assert_string_equal(self_of(BASE "/feeds/all.atom", k1, sizeof(k1)),
	    BASE "/feeds/all.atom");
	assert_string_equal(self_of(BASE "/feeds/all.atom?area=23210&kind="
	    "shakyo,city,city&limit=20", k1, sizeof(k1)),
	    BASE "/feeds/all.atom?kind=city,shakyo&area=232106&limit=20");
	assert_string_equal(self_of(BASE "/feeds/all.atom?limit=20&kind=city,"
	    "shakyo&area=232106", k2, sizeof(k2)),
	    BASE "/feeds/all.atom?kind=city,shakyo&area=232106&limit=20");
	assert_string_equal(k1, k2);
	/* Another format is another representation. */
	self_of(BASE "/feeds/all.rss?limit=20&kind=city,shakyo&area=232106",
	    k2, sizeof(k2));
	assert_string_not_equal(k1, k2);
	/* Percent-encoded values, decoded and encoded again. */
	assert_string_equal(self_of(BASE "/feeds/all.json?q=%e7%a6%8f%e7%a5%89"
	    "&to=2026-03-31&from=2026-03-01", NULL, 0),
	    BASE "/feeds/all.json?q=%E7%A6%8F%E7%A5%89&"
	    "from=2026-03-01T00%3A00%3A00%2B09%3A00&"
	    "to=2026-03-31T23%3A59%3A59%2B09%3A00");
	assert_string_equal(self_of(BASE "/feeds/all.csv?after=1767225600.17"
	    "&limit=5", NULL, 0),
	    BASE "/feeds/all.csv?after=1767225600.17&limit=5");
}

static void
test_subscriber_feeds(void **state)
{
	char k1[4096], k2[4096];

	/* The subscriber's filter is in the key, not in the URL. */
	assert_string_equal(self_of(BASE "/feeds/sub/toyota.ics", k1,
	    sizeof(k1)), BASE "/feeds/sub/toyota.ics");
	assert_non_null(strstr(k1, "kind=city&area=232106"));
	assert_string_equal(self_of(BASE "/feeds/sub/toyota.ics?kind=civic",
	    NULL, 0), "400: 'kind': a subscriber's feed is filtered by the "
	    "subscriber's filter only");
	assert_string_equal(self_of(BASE "/feeds/sub/co.atom", NULL, 0),
	    "401: this feed is private: add its token as ?token=");
	assert_string_equal(self_of(BASE "/feeds/sub/co.atom?token=nope",
	    NULL, 0), "401: this feed is private: add its token as ?token=");
	assert_string_equal(self_of(BASE "/feeds/sub/co.atom?token=" TOKEN
	    "&limit=3", k2, sizeof(k2)),
	    BASE "/feeds/sub/co.atom?limit=3&token=" TOKEN);
	assert_string_equal(self_of(BASE "/feeds/sub/nobody.atom", NULL, 0),
	    "404: no subscriber 'nobody'");
}

static void
test_not_a_feed(void **state)
{
	assert_string_equal(self_of("https://other.example.jp/feeds/all.atom",
	    NULL, 0), "404: not a feed of this instance "
	    "(https://volunteer.example.jp)");
	assert_string_equal(self_of(BASE "x/feeds/all.atom", NULL, 0),
	    "404: not a feed of this instance (https://volunteer.example.jp)");
	assert_string_equal(self_of(BASE "/feeds/all.pdf", NULL, 0),
	    "404: no feed format 'pdf'");
	assert_string_equal(self_of(BASE "/feeds/mine.atom", NULL, 0),
	    "404: no such feed: /feeds/mine.atom (subscriber feeds are "
	    "/feeds/sub/NAME.atom)");
	assert_string_equal(self_of(BASE "/api/v1/sources", NULL, 0),
	    "404: no such feed: /api/v1/sources");
	assert_string_equal(self_of(BASE "/feeds/sub/a/b.atom", NULL, 0),
	    "404: no such feed: /feeds/sub/a/b.atom");
	assert_string_equal(self_of(BASE "/feeds/all%00.atom", NULL, 0),
	    "404: a malformed path");
	assert_string_equal(self_of(BASE "/feeds/all.atom#x", NULL, 0),
	    "404: a malformed path");
	assert_string_equal(self_of(BASE "/feeds/all.atom?kind=town", NULL,
	    0), "400: kind: 'town' is not one of city, shakyo, corporate, "
	    "civic, federation");
	assert_string_equal(self_of(BASE "/feeds/all.atom?token=x", NULL, 0),
	    "400: unknown query parameter 'token'");
	assert_string_equal(self_of(BASE "/feeds/all.atom?limit=1&limit=2",
	    NULL, 0), "400: limit must be one number from 1 to 10000");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_name_per_feed),
		cmocka_unit_test(test_subscriber_feeds),
		cmocka_unit_test(test_not_a_feed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
