/* test_sdnotify.c — the sd_notify datagrams, to a path and to '@abstract'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdnotify.h"

/* Binds a datagram socket; name starting with '@' is abstract. */
static int
listen_at(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memcpy(sun.sun_path, name, n);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + n), 0);
	return fd;
}

static void
expect(int fd, const char *prefix)
{
	char msg[256];
	ssize_t n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);

	assert_true(n > 0);
	msg[n] = '\0';
	if (strncmp(msg, prefix, strlen(prefix)) != 0)
		fail_msg("got '%s', want '%s...'", msg, prefix);
}

static void
test_path_socket(void **state)
{
	char dir[] = "/tmp/tsunagu-notify-XXXXXX", path[64];
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listen_at(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify("READY=1"), 0);
	expect(fd, "READY=1");
	assert_int_equal(sdnotify_reloading(), 0);
	expect(fd, "RELOADING=1\nMONOTONIC_USEC=");
	close(fd);
	unlink(path);
	rmdir(dir);
	/* The supervisor went away: an error, not a crash. */
	assert_int_equal(sdnotify("STOPPING=1"), -1);
}

static void
test_abstract_socket(void **state)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@tsunagu-test-%d", (int)getpid());
	fd = listen_at(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify("STOPPING=1"), 0);
	expect(fd, "STOPPING=1");
	close(fd);
}

static void
test_no_supervisor(void **state)
{
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify("READY=1"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_no_supervisor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
