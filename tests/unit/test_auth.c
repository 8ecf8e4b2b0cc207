/* test_auth.c — bearer tokens: file loading, roles, refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth.h"

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void
test_admin_token(void **state)
{
	char dir[] = "/tmp/tsunagu-auth-XXXXXX", path[64], err[256];
	struct auth *au = auth_new();

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/admin.token", dir);
	write_file(path, "  0123456789abcdef0123\n");
	assert_int_equal(auth_load_admin(au, path, err, sizeof(err)), 0);
	assert_int_equal(auth_check(au, "Bearer 0123456789abcdef0123"),
	    AUTH_ADMIN);
	assert_int_equal(auth_check(au, "bearer 0123456789abcdef0123"),
	    AUTH_ADMIN);
	assert_int_equal(auth_check(au, "Bearer 0123456789abcdef012"),
	    AUTH_NONE);
	assert_int_equal(auth_check(au, "Bearer 0123456789abcdef01234"),
	    AUTH_NONE);
	assert_int_equal(auth_check(au, "Basic 0123456789abcdef0123"),
	    AUTH_NONE);
	assert_int_equal(auth_check(au, "Bearer "), AUTH_NONE);
	assert_int_equal(auth_check(au, NULL), AUTH_NONE);

	write_file(path, "short\n");
	assert_int_equal(auth_load_admin(au, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "16"));
	/* A failed load leaves no token that could match. */
	assert_int_equal(auth_check(au, "Bearer 0123456789abcdef0123"),
	    AUTH_NONE);
	unlink(path);
	assert_int_equal(auth_load_admin(au, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	rmdir(dir);
	auth_free(au);
}

static void
test_no_token_file(void **state)
{
	struct auth *au = auth_new();
	char err[64];

	assert_int_equal(auth_load_admin(au, NULL, err, sizeof(err)), 0);
	assert_int_equal(auth_check(au, "Bearer anything-at-all-here"),
	    AUTH_NONE);
	auth_free(au);
	auth_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_token),
		cmocka_unit_test(test_no_token_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
