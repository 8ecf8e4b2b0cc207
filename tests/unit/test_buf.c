/* test_buf.c — the bounded buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void
test_append_and_terminate(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "刈谷"), 0);
	assert_int_equal(buf_append(&b, "市", 3), 0);
	assert_string_equal(b.data, "刈谷市");
	assert_int_equal(b.len, 9);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
}

static void
test_max_refused_unchanged(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_puts(&b, "6789"), -1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_puts(&b, "678"), 0);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_append(&b, "9", 1), -1);
	/* A length that would overflow must be refused, not wrap. */
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), -1);
	buf_free(&b);
}

static void
test_printf_long(void **state)
{
	struct buf b;
	char big[1000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, big), 0);
	assert_int_equal(b.len, 3 + 999);
	assert_memory_equal(b.data, "42-aaa", 6);
	buf_free(&b);
	buf_init(&b, 100);
	assert_int_equal(buf_printf(&b, "%s", big), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_release(void **state)
{
	struct buf b;
	size_t len;
	char *s;

	buf_init(&b, 16);
	s = buf_release(&b, &len);		/* empty: still a string */
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	assert_int_equal(buf_puts(&b, "abc"), 0);
	s = buf_release(&b, &len);
	assert_string_equal(s, "abc");
	assert_int_equal(len, 3);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_terminate),
		cmocka_unit_test(test_max_refused_unchanged),
		cmocka_unit_test(test_printf_long),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
