/*
 * test_config_normalize.c — the configuration keys of normalization:
 * [daemon] municipalities (a table loaded with the configuration, its
 * errors reported as file:line) and [source] categories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../feeds/area_table.h"
#include "../feeds/category.h"
#include "config.h"

static char dir[64];
static char path[128];
static char errfile[128];
static char table[128];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/tsunagu-confnorm-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	snprintf(errfile, sizeof(errfile), "%s/stderr", dir);
	snprintf(table, sizeof(table), "%s/bad.csv", dir);
	return 0;
}

static int
teardown(void **state)
{
	unlink(path);
	unlink(errfile);
	unlink(table);
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

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	fflush(stderr);
	saved = dup(2);
	assert_non_null(freopen(errfile, "w", stderr));
	cf = config_load(path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(errfile, "r");
	assert_non_null(f);
	n = fread(errors, 1, errlen - 1, f);
	errors[n] = '\0';
	fclose(f);
	return cf;
}

static const char *
shared(void)
{
	const char *s = getenv("TSUNAGU_SHARED_DATA");

	return s ? s : "../shared/data";
}

static void
test_municipalities(void **state)
{
	char text[8192], errors[4096], code[7];
	struct config *cf;

	snprintf(text, sizeof(text), "[daemon]\nregion = 23210\n"
	    "municipalities = %s/localgovjp/localgovjp-utf8.csv\n", shared());
	cf = load(text, errors, sizeof(errors));
	if (cf == NULL)
		fail_msg("%s", errors);
	assert_non_null(cf->cf_areas);
	assert_int_equal(area_table_count(cf->cf_areas), 1916);
	assert_int_equal(area_table_find(cf->cf_areas, "刈谷市", NULL, code), 0);
	assert_string_equal(code, "232106");
	config_free(cf);

	/* Without the key there is no table. */
	cf = load("[daemon]\n", errors, sizeof(errors));
	assert_non_null(cf);
	assert_null(cf->cf_areas);
	assert_null(cf->cf_municipalities);
	config_free(cf);
}

static void
test_municipalities_errors(void **state)
{
	char text[1024], want[1024], errors[4096];
	FILE *f;

	/* A missing file: the key's line, then the file's own error. */
	{
		struct config *cf = load("[daemon]\n\nmunicipalities = "
		    "no-such.csv\n", errors, sizeof(errors));

		assert_null(cf);
		snprintf(want, sizeof(want), "%s:3: municipalities: ", path);
		assert_non_null(strstr(errors, want));
		assert_non_null(strstr(errors, "no-such.csv: No such file or "
		    "directory"));
	}
	/* A table with a bad row: its own file:line inside the message. */
	f = fopen(table, "w");
	assert_non_null(f);
	fputs("pref,city,lgcode\n愛知県,刈谷市,232106\n愛知県,安城市,232127\n",
	    f);
	fclose(f);
	snprintf(text, sizeof(text), "[daemon]\nmunicipalities = %s\n", table);
	assert_null(load(text, errors, sizeof(errors)));
	snprintf(want, sizeof(want), "%s:2: municipalities: %s:3: lgcode "
	    "'232127' is not a 全国地方公共団体コード\n", path, table);
	assert_string_equal(errors, want);
}

static void
test_categories(void **state)
{
	char errors[4096], want[1024];
	struct config *cf;
	struct source_conf *src;

	cf = load("[source a]\nurl = https://example.org/a.xml\nkind = city\n"
	    "categories = ふれあい=elderly, まちの話題=community\n",
	    errors, sizeof(errors));
	if (cf == NULL)
		fail_msg("%s", errors);
	src = config_source(cf, "a");
	assert_non_null(src);
	assert_non_null(src->src_categories);
	assert_string_equal(category_map_label(src->src_categories,
	    "ふれあい"), "elderly");
	assert_string_equal(category_map_label(src->src_categories,
	    "まちの話題"), "community");
	config_free(cf);

	cf = load("[source a]\nurl = https://example.org/a.xml\nkind = city\n"
	    "categories = ふれあい=seniors\n", errors, sizeof(errors));
	assert_null(cf);
	snprintf(want, sizeof(want), "%s:4: categories: 'seniors' is not a "
	    "category (welfare, children, elderly, disability, environment, "
	    "disaster, community, education, culture, sports, international, "
	    "health, other)\n", path);
	assert_string_equal(errors, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_municipalities),
		cmocka_unit_test(test_municipalities_errors),
		cmocka_unit_test(test_categories),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
