/*
 * jichitai_testutil.h — reading fixtures by path for the CSV, iCalendar
 * and corpus tests, and comparing optional strings.
 */
#ifndef TSUNAGU_JICHITAI_TESTUTIL_H
#define TSUNAGU_JICHITAI_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The whole file, NUL-terminated, or NULL when it cannot be read. */
static inline char *
file_read(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long len;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0) {
		fclose(fp);
		return NULL;
	}
	rewind(fp);
	data = malloc(len + 1);
	if (data == NULL || fread(data, 1, len, fp) != (size_t)len) {
		free(data);
		fclose(fp);
		return NULL;
	}
	data[len] = '\0';
	fclose(fp);
	*lenp = len;
	return data;
}

/* $TSUNAGU_TEST_DATA/dir/name; the test fails when it is missing. */
static inline char *
test_data_read(const char *dir, const char *name, size_t *lenp)
{
	const char *root = getenv("TSUNAGU_TEST_DATA");
	char path[4096];
	char *data;

	snprintf(path, sizeof(path), "%s/%s/%s",
	    root != NULL ? root : "tests/data", dir, name);
	if ((data = file_read(path, lenp)) == NULL)
		fail_msg("cannot read fixture %s", path);
	return data;
}

/* Equal strings, NULL standing for "absent". */
#define assert_opt_str(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (w_ == NULL && g_ != NULL)					\
		fail_msg("%s: got \"%s\", want NULL", #got, g_);	\
	if (w_ != NULL && (g_ == NULL || strcmp(g_, w_) != 0))		\
		fail_msg("%s: got %s%s%s, want \"%s\"", #got,		\
		    g_ ? "\"" : "", g_ ? g_ : "NULL", g_ ? "\"" : "", w_); \
} while (0)

#endif
