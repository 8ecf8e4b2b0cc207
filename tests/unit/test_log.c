/*
 * test_log.c — the shapes of a log line: text and key=value, with and
 * without the journal, one line per event whatever the message holds.
 * stderr is pointed at a file for each test and read back.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

struct capture {
	char	 path[64];
	int	 saved;		/* the real stderr */
};

static int
setup(void **state)
{
	struct capture *c = calloc(1, sizeof(*c));
	int fd;

	strcpy(c->path, "/tmp/tsunagu-log-XXXXXX");
	assert_true((fd = mkstemp(c->path)) != -1);
	c->saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	log_init("tsunagud", 0);
	log_set_format(LOG_FORMAT_TEXT);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct capture *c = *state;

	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	unlink(c->path);
	unsetenv("JOURNAL_STREAM");
	log_init("tsunagud", 0);
	log_set_format(LOG_FORMAT_TEXT);
	free(c);
	return 0;
}

/* What was logged since the last call. */
static char *
logged(struct capture *c)
{
	static char buf[16384];
	FILE *f = fopen(c->path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_int_equal(ftruncate(STDERR_FILENO, 0), 0);
	lseek(STDERR_FILENO, 0, SEEK_SET);
	return buf;
}

static void
assert_match(const char *text, const char *pattern)
{
	regex_t re;
	int rc;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	if (rc != 0)
		fail_msg("'%s' does not match /%s/", text, pattern);
}

static int
lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void
test_text(void **state)
{
	struct capture *c = *state;

	log_info("listening on %s:%d", "127.0.0.1", 8080);
	assert_match(logged(c), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
	    "[0-9]{2}Z tsunagud info: listening on 127\\.0\\.0\\.1:8080\n$");
	log_warnx("source %s: %s", "city", "HTTP status 404");
	assert_match(logged(c), " tsunagud warning: source city: HTTP status "
	    "404\n$");
	/* A message cannot start a line of its own. */
	log_info("a\nb\r\x01 \"q\" \\");
	assert_match(logged(c), "info: a\\\\nb\\\\r\\\\x01 \"q\" \\\\\n$");
	log_kv(LOG_LEVEL_INFO, "backup done", "bytes", "8192", "file",
	    "a b.db", "who", NULL, NULL);
	assert_match(logged(c), "info: backup done bytes=8192 file=\"a b.db\" "
	    "who=-\n$");
	/* Below the verbosity: nothing. */
	log_debug("hidden");
	log_kv(LOG_LEVEL_DEBUG, "hidden", NULL);
	assert_string_equal(logged(c), "");
	log_set_verbosity(2);
	log_trace("shown");
	assert_match(logged(c), "trace: shown\n$");
}

static void
test_kv(void **state)
{
	struct capture *c = *state;
	char *out;

	log_set_format(LOG_FORMAT_KV);
	log_info("listening on %s:%d", "127.0.0.1", 8080);
	assert_match(logged(c), "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\."
	    "[0-9]{3}Z level=info msg=\"listening on 127\\.0\\.0\\.1:8080\""
	    "\n$");
	log_warnx("say \"hi\"\\\n");
	assert_match(logged(c), " level=warning msg=\"say \\\\\"hi\\\\\""
	    "\\\\\\\\\\\\n\"\n$");
	log_kv(LOG_LEVEL_INFO, "purge: contact data removed", "postings", "3",
	    "ended_before", "2026-03-01T00:00:00+09:00", "note", "",
	    "eq", "a=b", NULL);
	out = logged(c);
	assert_match(out, " level=info msg=\"purge: contact data removed\" "
	    "postings=3 ended_before=2026-03-01T00:00:00\\+09:00 note=\"\" "
	    "eq=\"a=b\"\n$");
	assert_int_equal(lines(out), 1);
	errno = 2;
	log_warn("open %s", "x");
	assert_match(logged(c), "msg=\"open x: No such file or directory\"");
}

/* JOURNAL_STREAM names stderr: no timestamp, a syslog priority first. */
static void
test_journal(void **state)
{
	struct capture *c = *state;
	struct stat sb;
	char v[64];

	assert_int_equal(fstat(STDERR_FILENO, &sb), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)sb.st_dev,
	    (unsigned long long)sb.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
	log_init("tsunagud", 1);
	log_info("listening on 127.0.0.1:8080");
	assert_match(logged(c),
	    "^<6>info: listening on 127\\.0\\.0\\.1:8080\n$");
	log_warnx("w");
	log_debug("d");
	assert_match(logged(c), "^<4>warning: w\n<7>debug: d\n$");
	log_set_format(LOG_FORMAT_KV);
	log_msg(LOG_LEVEL_ERROR, "e");
	assert_match(logged(c), "^<3>level=error msg=\"e\"\n$");

	/* Inherited by a child whose stderr went elsewhere: not the journal. */
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)sb.st_dev,
	    (unsigned long long)sb.st_ino + 1);
	setenv("JOURNAL_STREAM", v, 1);
	log_init("tsunagud", 0);
	log_set_format(LOG_FORMAT_TEXT);
	log_info("x");
	assert_match(logged(c), "^[0-9]{4}-.* tsunagud info: x\n$");
	setenv("JOURNAL_STREAM", "garbage", 1);
	log_init("tsunagud", 0);
	log_info("y");
	assert_match(logged(c), "^[0-9]{4}-.* tsunagud info: y\n$");
}

static void
test_format_parse(void **state)
{
	enum log_format f;

	(void)state;
	assert_int_equal(log_format_parse("kv", &f), 0);
	assert_int_equal(f, LOG_FORMAT_KV);
	assert_int_equal(log_format_parse("text", &f), 0);
	assert_int_equal(f, LOG_FORMAT_TEXT);
	assert_int_equal(log_format_parse("json", &f), -1);
	assert_int_equal(log_format_parse("", &f), -1);
}

/* A very long message is cut, but still ends its line. */
static void
test_long(void **state)
{
	struct capture *c = *state;
	char *big = malloc(20000), *out;

	memset(big, '\n', 19999);
	big[19999] = '\0';
	log_set_format(LOG_FORMAT_KV);
	log_info("%s", big);
	out = logged(c);
	assert_int_equal(lines(out), 1);
	assert_int_equal(out[strlen(out) - 1], '\n');
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal, setup, teardown),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test_setup_teardown(test_long, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
