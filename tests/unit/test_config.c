/* test_config.c — tsunagu.conf: keys, defaults, errors with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char dir[64];
static char path[128];
static char errfile[128];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/tsunagu-config-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	snprintf(errfile, sizeof(errfile), "%s/stderr", dir);
	return 0;
}

static int
teardown(void **state)
{
	unlink(path);
	unlink(errfile);
	rmdir(dir);
	return 0;
}

/* Loads text as a config file; config_load's stderr goes to errors. */
static struct config *
load(const char *text, char *errors, size_t errlen)
{
	FILE *f = fopen(path, "w");
	struct config *cf;
	int saved;
	size_t n;

	fputs(text, f);
	fclose(f);
	fflush(stderr);
	saved = dup(2);
	freopen(errfile, "w", stderr);
	cf = config_load(path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(errfile, "r");
	n = fread(errors, 1, errlen - 1, f);
	errors[n] = '\0';
	fclose(f);
	return cf;
}

static void
test_full(void **state)
{
	char errors[4096];
	struct config *cf = load(
	    "[daemon]\n"
	    "listen = [::1]:0\n"
	    "database = data/t.db\n"
	    "base_url = https://volunteer.example.jp/ ; trailing slash\n"
	    "instance = kariya\n"
	    "region = 23210\n"
	    "allow_networks = 127.0.0.0/8, ::1/128\n"
	    "admin_token_file = /etc/tsunagu/admin.token\n"
	    "max_body = 2M\n"
	    "fetch_timeout = 30\n"
	    "\n"
	    "[source kariya-city]\n"
	    "url = https://example.org/volunteer/rss.xml\n"
	    "kind = city\n"
	    "interval = 300\n"
	    "moderation = on\n"
	    "area = 232106\n"
	    "\n"
	    "[subscriber toyota-volunteer]\n"
	    "webhook = https://intra.example.com/hooks/volunteer\n"
	    "secret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
	    "filter = kind=city,shakyo area=232106 category=welfare\n",
	    errors, sizeof(errors));
	struct source_conf *src;
	char want[256];

	assert_string_equal(errors, "");
	assert_non_null(cf);
	assert_string_equal(cf->cf_listen_host, "::1");
	assert_int_equal(cf->cf_listen_port, 0);
	snprintf(want, sizeof(want), "%s/data/t.db", dir);
	assert_string_equal(cf->cf_database, want);
	assert_string_equal(cf->cf_base_url, "https://volunteer.example.jp");
	assert_string_equal(cf->cf_region, "232106");
	assert_int_equal(cf->cf_nallow_networks, 2);
	assert_string_equal(cf->cf_allow_networks[1], "::1/128");
	assert_string_equal(cf->cf_admin_token_file, "/etc/tsunagu/admin.token");
	assert_int_equal(cf->cf_max_body, 2 * 1024 * 1024);
	assert_int_equal(cf->cf_fetch_timeout, 30);
	src = config_source(cf, "kariya-city");
	assert_non_null(src);
	assert_string_equal(src->src_kind, "city");
	assert_string_equal(src->src_format, "auto");
	assert_int_equal(src->src_interval, 300);
	assert_int_equal(src->src_moderation, 1);
	assert_string_equal(TAILQ_FIRST(&cf->cf_subscribers)->sub_name,
	    "toyota-volunteer");
	config_free(cf);
}

static void
test_defaults(void **state)
{
	char errors[1024];
	struct config *cf = load("", errors, sizeof(errors));

	assert_non_null(cf);
	assert_string_equal(cf->cf_listen_host, "127.0.0.1");
	assert_int_equal(cf->cf_listen_port, 8080);
	assert_string_equal(cf->cf_instance, "tsunagu");
	assert_int_equal(cf->cf_feed_limit, 100);
	assert_null(cf->cf_admin_token_file);
	config_free(cf);
}

static const struct bad_case {
	const char	*text;
	const char	*error;
} bad_cases[] = {
	{ "[daemon]\nlisten = 1.2.3.4:1\ncolour = red\n",
	    "t.conf:3: unknown key 'colour' in [daemon]" },
	{ "[deamon]\n", "t.conf:1: unknown section 'deamon'" },
	{ "[source a]\nurl = http://e.org/\nkind = banana\n",
	    "t.conf:3: kind: 'banana' is not one of city, shakyo" },
	{ "[source a]\nurl = http://e.org/\nkind = city\ninterval = abc\n",
	    "t.conf:4: interval: 'abc' is not a number" },
	{ "[source a]\nurl = http://e.org/\nkind = city\ninterval = 0\n",
	    "t.conf:4: interval: 0 is out of range 1..2592000" },
	{ "[source a]\nurl = ftp://e.org/x\nkind = city\n",
	    "t.conf:2: url: only http and https URLs are allowed" },
	{ "[source a]\nkind = city\n", "t.conf:1: source 'a' has no url" },
	{ "[source a]\nurl = http://e.org/\n",
	    "t.conf:1: source 'a' has no kind" },
	{ "[source a]\nurl = http://e.org/\nkind = city\nkind = city\n",
	    "t.conf:4: duplicate key 'kind'" },
	{ "[source a]\nurl = http://e.org/\nkind = city\n[source a]\n",
	    "t.conf:4: duplicate source 'a'" },
	{ "[source]\n", "t.conf:1: [source] needs a name" },
	{ "[daemon]\nregion = 232107\n",
	    "t.conf:2: region: '232107' is not a 全国地方公共団体コード" },
	{ "[daemon]\nallow_networks = 10.0.0.0/33\n",
	    "t.conf:2: allow_networks: '10.0.0.0/33' is not a network" },
	{ "[daemon]\nlisten = localhost\n",
	    "t.conf:2: listen: expected HOST:PORT" },
	{ "[daemon]\ninstance = Kariya City\n",
	    "t.conf:2: instance: use lowercase letters" },
	{ "[subscriber s]\nsecret = abc\n",
	    "t.conf:2: secret: expected 'whsec_'" },
	{ "[subscriber s]\nfilter = colour=red\n",
	    "t.conf:2: filter: unknown filter key 'colour'" },
	{ "[source a]\nurl = http://e.org/\nkind = city\nencoding = klingon\n",
	    "t.conf:4: encoding: unknown character set 'klingon'" },
	{ "[daemon]\nmax_body = 1\n",
	    "t.conf:2: max_body: 1 is out of range" },
};

static void
test_bad(void **state)
{
	char errors[4096], want[512];
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct config *cf = load(bad_cases[i].text, errors,
		    sizeof(errors));

		if (cf != NULL || strstr(errors, path) == NULL)
			fail_msg("case %zu: not rejected with the path", i);
		snprintf(want, sizeof(want), "%s", bad_cases[i].error + 6);
		if (strstr(errors, want) == NULL)
			fail_msg("case %zu: want '%s' in '%s'", i, want, errors);
	}
}

static void
test_long_url(void **state)
{
	char errors[1024], *text, *url;
	struct config *cf;
	size_t n = 3000;

	url = malloc(n + 1);
	memset(url, 'a', n);
	memcpy(url, "https://example.org/", 20);
	url[n] = '\0';
	if (asprintf(&text, "[source a]\nurl = %s\nkind = civic\n", url) < 0)
		fail();
	cf = load(text, errors, sizeof(errors));
	assert_non_null(cf);
	assert_string_equal(config_source(cf, "a")->src_url, url);
	config_free(cf);
	free(text);
	free(url);
}

static void
test_every_error_reported(void **state)
{
	char errors[4096];
	struct config *cf = load("[daemon]\nfoo = 1\nbar = 2\n[x]\n", errors,
	    sizeof(errors));

	assert_null(cf);
	assert_non_null(strstr(errors, ":2: unknown key 'foo'"));
	assert_non_null(strstr(errors, ":3: unknown key 'bar'"));
	assert_non_null(strstr(errors, ":4: unknown section 'x'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_long_url),
		cmocka_unit_test(test_every_error_reported),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
