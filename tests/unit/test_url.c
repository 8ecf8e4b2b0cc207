/* test_url.c — resolving feed links. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

#define BASE	"https://www.city.kariya.example.jp/volunteer/list/index.html"

static void
expect(const char *base, const char *ref, int http_only, const char *want)
{
	char *got = url_resolve(base, ref, http_only);

	base = base ? base : "(null)";
	ref = ref ? ref : "(null)";

	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s + %s: got %s, want NULL", base, ref, got);
		return;
	}
	if (got == NULL)
		fail_msg("%s + %s: got NULL, want %s", base, ref, want);
	assert_string_equal(got, want);
	free(got);
}

static void
test_relative(void **state)
{
	expect(BASE, "detail.html", 1,
	    "https://www.city.kariya.example.jp/volunteer/list/detail.html");
	expect(BASE, "/event/1.html", 1,
	    "https://www.city.kariya.example.jp/event/1.html");
	expect(BASE, "../2026/salon.html", 1,
	    "https://www.city.kariya.example.jp/volunteer/2026/salon.html");
	expect(BASE, "?page=2", 1,
	    "https://www.city.kariya.example.jp/volunteer/list/index.html"
	    "?page=2");
	expect(BASE, "//cdn.example.jp/a.html", 1,
	    "https://cdn.example.jp/a.html");
	expect(BASE, "  detail.html\n", 1,
	    "https://www.city.kariya.example.jp/volunteer/list/detail.html");
}

static void
test_absolute(void **state)
{
	expect(BASE, "http://other.example.jp/x", 1,
	    "http://other.example.jp/x");
	expect(NULL, "https://a.example.jp/", 1, "https://a.example.jp/");
	expect("not a url at all", "https://a.example.jp/b", 1,
	    "https://a.example.jp/b");
}

static void
test_non_http(void **state)
{
	expect(BASE, "javascript:alert(1)", 1, NULL);
	expect(BASE, "mailto:center@example.jp", 1, NULL);
	expect(BASE, "mailto:center@example.jp", 0,
	    "mailto:center@example.jp");
	expect(NULL, "relative/only.html", 1, NULL);
	expect(NULL, "relative/only.html", 0, "relative/only.html");
	expect(BASE, "", 1, NULL);
	expect(BASE, "   ", 1, NULL);
	expect(BASE, NULL, 1, NULL);
	expect("file:///etc/", "passwd", 1, NULL);
}

static void
test_raw_iri(void **state)
{
	/* Japanese written straight into a link, and a space. */
	expect(BASE, "https://example.jp/ボランティア?q=清掃 活動", 1,
	    "https://example.jp/%E3%83%9C%E3%83%A9%E3%83%B3%E3%83%86%E3%82"
	    "%A3%E3%82%A2?q=%E6%B8%85%E6%8E%83%20%E6%B4%BB%E5%8B%95");
	/* Existing escapes are not escaped again. */
	expect(BASE, "a%20b.html", 1,
	    "https://www.city.kariya.example.jp/volunteer/list/a%20b.html");
}

static void
test_is_http(void **state)
{
	assert_true(url_is_http("http://example.jp"));
	assert_true(url_is_http("HTTPS://EXAMPLE.JP/x"));
	assert_false(url_is_http("https://"));
	assert_false(url_is_http("ftp://example.jp/"));
	assert_false(url_is_http("/relative"));
	assert_false(url_is_http(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_non_http),
		cmocka_unit_test(test_raw_iri),
		cmocka_unit_test(test_is_http),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
