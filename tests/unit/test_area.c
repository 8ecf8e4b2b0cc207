/* test_area.c — local government codes: check digit, dropped zeros. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "area.h"

static void
test_check_digit(void **state)
{
	assert_int_equal(area_check_digit("23210"), 6);	/* 刈谷市 */
	assert_int_equal(area_check_digit("13117"), 2);	/* 北区 131172 */
	assert_int_equal(area_check_digit("01100"), 2);	/* 札幌市 011002 */
}

static void
test_normalize(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: refused */
	} cases[] = {
		{ "232106", "232106" },
		{ "23210", "232106" },
		{ "1100", "011002" },	/* leading zero dropped */
		{ "011002", "011002" },
		{ "23", "23" },
		{ "1", "01" },
		{ "232107", NULL },	/* wrong check digit */
		{ "48", NULL },		/* no 48th prefecture */
		{ "00", NULL },
		{ "99999", NULL },
		{ "2321a", NULL },
		{ "", NULL },
		{ "2321060", NULL },
	};
	char out[7];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = area_normalize(cases[i].in, out);

		if (cases[i].out == NULL) {
			if (rc != -1)
				fail_msg("'%s' accepted as %s", cases[i].in, out);
		} else if (rc != 0 || strcmp(out, cases[i].out) != 0)
			fail_msg("'%s': want %s", cases[i].in, cases[i].out);
	}
}

/* Every code of the public list passes its own check digit. */
static void
test_every_municipality(void **state)
{
	const char *dir = getenv("TSUNAGU_SHARED_DATA");
	char path[512], line[2048], out[7];
	FILE *f;
	int n = 0;

	if (dir == NULL)
		dir = "../shared/data";
	snprintf(path, sizeof(path), "%s/localgovjp/localgovjp-utf8.csv", dir);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *field = NULL;
		int col;

		line[strcspn(line, "\r\n")] = '\0';
		/* The 6-digit code is the one field of exactly six digits. */
		for (col = 0; (field = strsep(&p, ",")) != NULL; col++)
			if (strlen(field) == 6 && strspn(field, "0123456789") == 6)
				break;
		if (field == NULL)
			continue;
		if (area_normalize(field, out) != 0 || strcmp(out, field) != 0)
			fail_msg("%s refused", field);
		n++;
	}
	fclose(f);
	assert_true(n > 1700);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_every_municipality),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
