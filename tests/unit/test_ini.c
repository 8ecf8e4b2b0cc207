/* test_ini.c — the INI reader: syntax, comments, quoting, line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ini.h"

struct seen {
	char	log[8192];
	char	errors[4096];
};

static int
record(const struct ini_item *it, void *arg, char *err, size_t errlen)
{
	struct seen *s = arg;
	size_t n = strlen(s->log);

	if (it->ii_key && strcmp(it->ii_key, "reject") == 0) {
		snprintf(err, errlen, "rejected");
		return -1;
	}
	if (it->ii_value && strlen(it->ii_value) > 1000) {
		snprintf(s->log + n, sizeof(s->log) - n, "%d|long|%zu|%.15s\n",
		    it->ii_line, strlen(it->ii_value), it->ii_value);
		return 0;
	}
	snprintf(s->log + n, sizeof(s->log) - n, "%d|%s|%s|%s|%s\n",
	    it->ii_line, it->ii_section, it->ii_name ? it->ii_name : "-",
	    it->ii_key ? it->ii_key : "-", it->ii_value ? it->ii_value : "-");
	return 0;
}

static void
report(const char *msg, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->errors);

	snprintf(s->errors + n, sizeof(s->errors) - n, "%s\n", msg);
}

static int
parse(const char *text, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return ini_parse(text, strlen(text), "t.conf", record, report, s);
}

static void
test_sections_keys_comments(void **state)
{
	struct seen s;

	assert_int_equal(parse(
	    "; a comment\n"
	    "# another\n"
	    "\n"
	    "[daemon]\n"
	    "listen = 127.0.0.1:0   ; inline comment\n"
	    "\tinstance=kariya#not-a-comment\n"
	    "[source kariya-city]\r\n"
	    "url = https://example.org/rss.xml#frag ; the feed\n"
	    "title = \"a ; b # c \\\"q\\\"\" ; comment\n", &s), 0);
	assert_string_equal(s.log,
	    "4|daemon|-|-|-\n"
	    "5|daemon|-|listen|127.0.0.1:0\n"
	    "6|daemon|-|instance|kariya#not-a-comment\n"
	    "7|source|kariya-city|-|-\n"
	    "8|source|kariya-city|url|https://example.org/rss.xml#frag\n"
	    "9|source|kariya-city|title|a ; b # c \"q\"\n");
	assert_string_equal(s.errors, "");
}

static void
test_long_line(void **state)
{
	struct seen s;
	size_t n = 100000, i;
	char *text = malloc(n + 64), want[64];

	strcpy(text, "[s]\nurl = https://e.org/?");
	for (i = strlen(text); i < n; i++)
		text[i] = 'a';
	text[n] = '\0';
	assert_int_equal(parse(text, &s), 0);
	/* The whole value arrived: no 200-byte limit. */
	snprintf(want, sizeof(want), "2|long|%zu|https://e.org/?\n",
	    n - strlen("[s]\nurl = "));
	assert_non_null(strstr(s.log, want));
	free(text);
}

static void
test_errors_have_lines(void **state)
{
	struct seen s;

	assert_int_equal(parse(
	    "[daemon]\n"
	    "listen 127.0.0.1\n"
	    "[bad section\n"
	    "key = \"unterminated\n"
	    "reject = yes\n"
	    "[Daemon]\n"
	    "ok = 1\n", &s), -1);
	assert_string_equal(s.errors,
	    "t.conf:2: expected 'key = value'\n"
	    "t.conf:3: section header without ']'\n"
	    "t.conf:4: unterminated quoted value\n"
	    "t.conf:6: bad section header\n");
}

static void
test_handler_rejects(void **state)
{
	struct seen s;

	assert_int_equal(parse("[a]\nk = 1\nreject = yes\nj = 2\n", &s), -1);
	assert_string_equal(s.errors, "t.conf:3: rejected\n");
	/* The parse goes on, so every error is reported in one run. */
	assert_non_null(strstr(s.log, "4|a|-|j|2"));
}

static void
test_key_outside_section(void **state)
{
	struct seen s;

	assert_int_equal(parse("listen = 1\n", &s), -1);
	assert_string_equal(s.errors, "t.conf:1: key outside of a section\n");
}

static void
test_nul_and_bom(void **state)
{
	struct seen s;
	static const char text[] = "\xef\xbb\xbf[a]\nk = v\0x\n";

	memset(&s, 0, sizeof(s));
	assert_int_equal(ini_parse(text, sizeof(text) - 1, "t.conf", record,
	    report, &s), -1);
	assert_string_equal(s.log, "1|a|-|-|-\n");
	assert_string_equal(s.errors, "t.conf:2: NUL byte in line\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_keys_comments),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_handler_rejects),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_nul_and_bom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
