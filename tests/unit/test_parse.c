/* test_parse.c — format names, sniffing and dispatch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "feeds_testutil.h"

static char err[256];

static void
test_format_names(void **state)
{
	static const char *const names[] = {
		"auto", "rss", "rdf", "atom", "jsonfeed", "csv", "ical",
	};
	enum feed_format f;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(feed_format_parse(names[i], &f), 0);
		assert_int_equal(f, (enum feed_format)i);
		assert_string_equal(feed_format_name(f), names[i]);
	}
	assert_int_equal(feed_format_parse("ATOM", &f), 0);
	assert_int_equal(f, FEED_FORMAT_ATOM);
	assert_int_equal(feed_format_parse("xml", &f), -1);
	assert_int_equal(feed_format_parse("", &f), -1);
	assert_string_equal(feed_format_name((enum feed_format)99),
	    "unknown");
}

static void
test_sniff(void **state)
{
	static const struct {
		const char		*doc;
		enum feed_format	 want;
	} cases[] = {
		{ "<rss version=\"2.0\"/>", FEED_FORMAT_RSS },
		{ "\xef\xbb\xbf \n<?xml version=\"1.0\"?>\n<!-- feed -->\n"
		    "<?xml-stylesheet href=\"s.xsl\"?>\n<rss/>",
		    FEED_FORMAT_RSS },
		{ "<!DOCTYPE rss PUBLIC \"-//Netscape//DTD RSS 0.91//EN\" "
		    "\"http://x/rss-0.91.dtd\"><rss version=\"0.91\"/>",
		    FEED_FORMAT_RSS },
		{ "<!DOCTYPE x [<!ENTITY a \"<feed>\">]><rss/>",
		    FEED_FORMAT_RSS },
		{ "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
		    "22-rdf-syntax-ns#\"/>", FEED_FORMAT_RDF },
		{ "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
		    FEED_FORMAT_ATOM },
		{ "<a:feed xmlns:a='http://www.w3.org/2005/Atom'/>",
		    FEED_FORMAT_ATOM },
		{ "<feed xmlns=\"http://purl.org/atom/ns#\"/>",
		    FEED_FORMAT_ATOM },
		{ "<feed xmlns=\"http://example.org/not-atom\"/>",
		    FEED_FORMAT_AUTO },
		{ "<r:rss xmlns:r=\"http://backend.userland.com/rss2\"/>",
		    FEED_FORMAT_RSS },
		{ "  {\"version\": \"https://jsonfeed.org/version/1.1\"}",
		    FEED_FORMAT_JSONFEED },
		{ "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", FEED_FORMAT_ICAL },
		{ "<!DOCTYPE html><html><body/></html>", FEED_FORMAT_AUTO },
		{ "NO,名称,開始日\n1,清掃,2026-07-01\n", FEED_FORMAT_CSV },
		{ "", FEED_FORMAT_AUTO },
		{ "<", FEED_FORMAT_AUTO },
		{ "<!-- never closed <rss>", FEED_FORMAT_AUTO },
		{ "[1, 2]", FEED_FORMAT_AUTO },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (feed_sniff(cases[i].doc, strlen(cases[i].doc)) !=
		    cases[i].want)
			fail_msg("case %zu: \"%s\"", i, cases[i].doc);
}

/* ASCII as UTF-16 (width 2) or UTF-32 (width 4), little or big endian. */
static char *
widen(const char *s, size_t width, int big, int bom, size_t *lenp)
{
	size_t n = strlen(s), i, k, o = 0;
	char *out = calloc(n + 1, width);
	unsigned int c;

	assert_non_null(out);
	/* Position 0 is the byte order mark, U+FEFF; then s. */
	for (i = bom ? 0 : 1; i <= n; i++) {
		c = i == 0 ? 0xfeff : (unsigned char)s[i - 1];
		for (k = 0; k < width; k++)
			out[o++] = (c >> (8 * (big ? width - 1 - k : k))) &
			    0xff;
	}
	*lenp = o;
	return out;
}

static void
test_sniff_wide(void **state)
{
	const char rss[] = "<?xml version=\"1.0\"?><rss version=\"2.0\">"
	    "<channel><title>wide</title></channel></rss>";
	const char atom[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>";
	struct feed *f = NULL;
	char *w;
	size_t len;

	w = widen(rss, 2, 0, 1, &len);
	assert_int_equal(feed_sniff(w, len), FEED_FORMAT_RSS);
	assert_int_equal(feed_parse(w, len, FEED_FORMAT_AUTO, NULL, &f, err,
	    sizeof(err)), 0);
	assert_string_equal(f->fd_title, "wide");
	feed_free(f);
	free(w);
	w = widen(rss, 2, 1, 0, &len);
	assert_int_equal(feed_sniff(w, len), FEED_FORMAT_RSS);
	free(w);
	w = widen(atom, 4, 0, 1, &len);
	assert_int_equal(feed_sniff(w, len), FEED_FORMAT_ATOM);
	free(w);
	w = widen(atom, 4, 1, 0, &len);
	assert_int_equal(feed_sniff(w, len), FEED_FORMAT_ATOM);
	free(w);
}

static void
test_not_a_feed(void **state)
{
	struct feed *f = (struct feed *)&f;	/* must be reset to NULL */

	assert_int_equal(feed_parse("<html><body/></html>", 20,
	    FEED_FORMAT_AUTO, NULL, &f, err, sizeof(err)), -1);
	assert_null(f);
	assert_string_equal(err, "not a feed: root element <html>");
	assert_int_equal(feed_parse("hello", 5, FEED_FORMAT_AUTO, NULL, &f,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "not a feed: no root element found");
	assert_int_equal(feed_parse("<feed/>", 7, FEED_FORMAT_AUTO, NULL,
	    &f, err, sizeof(err)), -1);
	assert_string_equal(err, "not a feed: root element <feed>");
}

static void
test_not_supported_yet(void **state)
{
	static const struct {
		const char		*doc;
		enum feed_format	 format;
		const char		*msg;
	} cases[] = {
		{ "{\"items\": []}", FEED_FORMAT_AUTO,
		    "not a feed: JSON without a jsonfeed.org version" },
	};
	struct feed *f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(feed_parse(cases[i].doc, strlen(cases[i].doc),
		    cases[i].format, NULL, &f, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].msg);
	}
	assert_int_equal(feed_parse("<rss/>", 6, (enum feed_format)42, NULL,
	    &f, err, sizeof(err)), -1);
}

static void
test_dispatch(void **state)
{
	struct feed_parse_opts opts = { .base_url = NULL };
	struct feed *f = NULL;
	size_t len;
	char *rss = fixture_read("kariya-rss2.xml", &len), *atom;

	assert_int_equal(feed_parse(rss, len, FEED_FORMAT_AUTO, &opts, &f,
	    err, sizeof(err)), 0);
	assert_int_equal(f->fd_format, FEED_FORMAT_RSS);
	assert_int_equal(f->fd_entries.pl_len, 3);
	feed_free(f);
	/* The wrong parser says what it found. */
	assert_int_equal(feed_parse(rss, len, FEED_FORMAT_ATOM, &opts, &f,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "not an Atom feed: root element <rss>");
	atom = fixture_read("kariya-atom.xml", &len);
	assert_int_equal(feed_parse(atom, len, FEED_FORMAT_AUTO, NULL, &f,
	    err, sizeof(err)), 0);
	assert_int_equal(f->fd_format, FEED_FORMAT_ATOM);
	feed_free(f);
	assert_int_equal(feed_parse(atom, len, FEED_FORMAT_RSS, NULL, &f,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "not an RSS feed: root element <feed>");
	feed_free(NULL);
	free(atom);
	free(rss);
}

static void
test_max_entries(void **state)
{
	struct feed_parse_opts opts = { .max_entries = 2 };
	struct feed *f = NULL;
	size_t len;
	char *rss = fixture_read("kariya-rss2.xml", &len), *atom;

	assert_int_equal(feed_parse(rss, len, FEED_FORMAT_AUTO, &opts, &f,
	    err, sizeof(err)), 0);
	assert_int_equal(f->fd_entries.pl_len, 2);
	assert_string_equal(f->fd_entries.pl_items[1]->pst_title,
	    "高齢者サロンの運営補助");
	feed_free(f);
	atom = fixture_read("kariya-atom.xml", &len);
	opts.max_entries = 1;
	assert_int_equal(feed_parse(atom, len, FEED_FORMAT_AUTO, &opts, &f,
	    err, sizeof(err)), 0);
	assert_int_equal(f->fd_entries.pl_len, 1);
	assert_non_null(f->fd_next);	/* the head is still read */
	feed_free(f);
	free(atom);
	free(rss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_sniff_wide),
		cmocka_unit_test(test_not_a_feed),
		cmocka_unit_test(test_not_supported_yet),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_max_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
