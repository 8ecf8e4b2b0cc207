/*
 * feeds_testutil.h — fixture loading for the feeds/ unit tests.  Fixtures
 * live under $TSUNAGU_TEST_DATA/feeds (meson sets it to tests/data).
 */
#ifndef TSUNAGU_FEEDS_TESTUTIL_H
#define TSUNAGU_FEEDS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The whole file, NUL-terminated; the test fails when it is missing. */
static inline char *
fixture_read(const char *name, size_t *lenp)
{
	const char *dir = getenv("TSUNAGU_TEST_DATA");
	char path[4096];
	FILE *fp;
	char *data;
	long len;

	if (dir == NULL)
		dir = "tests/data";
	snprintf(path, sizeof(path), "%s/feeds/%s", dir, name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open fixture %s", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len >= 0);
	rewind(fp);
	data = malloc(len + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, len, fp), (size_t)len);
	data[len] = '\0';
	fclose(fp);
	if (lenp != NULL)
		*lenp = len;
	return data;
}

#endif
